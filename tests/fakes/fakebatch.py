#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fakebatch: a VICI daemon that answers --rekey --batch the way charon does,
and checks the client's pacing.

    fakebatch.py SOCKET [options]

Serves one connection on the Unix socket SOCKET: confirms event
registrations (but for charon's "log": unknown here), answers list-sas with one list-sa event per SA, answers each
rekey by unique id with success=yes and, DELAY ms later, the ike-rekey (or
child-rekey) event that reports its successor (new id = old id + 1000).
Counts the rekeys it has answered but not yet finished (not the stuck ones:
the client gives up on those after --sa-timeout, charon never would): a
rekey request that arrives while LIMIT are unfinished is a violation.  When the client closes,
writes "max=M rekeys=R violations=V order=ID,ID,..." to REPORT (the ids in
the order their rekey requests came) and exits 0.

    --sas N        SAs of config "rw" (unique ids 1..N)        default 20
    --child        CHILD_SAs "net" (ids 101..) in IKE_SAs 1..N instead
    --limit N      the in-flight limit to check                default 1
    --delay MS     from a rekey request to its event           default 30
    --spread MS    add (id * 7) % MS to each delay             default 0
    --stuck IDS    never finish these (comma-separated ids)
    --down IDS     these go down (an updown event) instead of rekeying
    --gone IDS     refuse these: "no matching SAs to rekey found"
    --report FILE  where the result line goes
"""
import argparse
import heapq
import os
import select
import socket
import struct
import sys
import time

CMD_REQUEST, CMD_RESPONSE, CMD_UNKNOWN, EVENT_REGISTER, EVENT_UNREGISTER, \
    EVENT_CONFIRM, EVENT_UNKNOWN, EVENT = range(8)
SECTION_START, SECTION_END, KEY_VALUE = 1, 2, 3


def kv(key, value):
    k, v = key.encode(), str(value).encode()
    return bytes([KEY_VALUE, len(k)]) + k + struct.pack(">H", len(v)) + v


def section(name, *parts):
    n = name.encode()
    return bytes([SECTION_START, len(n)]) + n + b"".join(parts) + \
        bytes([SECTION_END])


def named(ptype, name, body=b""):
    n = name.encode()
    return bytes([ptype, len(n)]) + n + body


def body_keys(body):
    """Top-level key=value pairs of a request body (all we need here)."""
    keys, i, depth = {}, 0, 0
    while i < len(body):
        t = body[i]
        if t == SECTION_START:
            depth += 1
            i += 2 + body[i + 1]
        elif t == SECTION_END:
            depth -= 1
            i += 1
        elif t == KEY_VALUE:
            klen = body[i + 1]
            key = body[i + 2:i + 2 + klen].decode()
            (vlen,) = struct.unpack(">H", body[i + 2 + klen:i + 4 + klen])
            value = body[i + 4 + klen:i + 4 + klen + vlen].decode()
            if depth == 0:
                keys[key] = value
            i += 4 + klen + vlen
        else:
            raise ValueError("unexpected element %d" % t)
    return keys


def spis(sa_id, child):
    if child:
        return kv("spi-in", "c%07x" % sa_id) + kv("spi-out", "d%07x" % sa_id)
    return kv("initiator-spi", "%016x" % sa_id) + \
        kv("responder-spi", "%016x" % (sa_id << 8))


class Fake:
    def __init__(self, opt):
        self.opt = opt
        self.conn = None
        self.inbuf = b""
        self.unfinished = set()
        self.max = 0
        self.violations = 0
        self.order = []
        self.timers = []  # (when, seq, sa id)
        self.seq = 0

    def send(self, payload):
        self.conn.sendall(struct.pack(">I", len(payload)) + payload)

    def event(self, name, body):
        self.send(named(EVENT, name, body))

    def child_section(self, sa_id, state="INSTALLED"):
        return section("net-%d" % sa_id, kv("name", "net"),
                       kv("uniqueid", sa_id), kv("state", state),
                       spis(sa_id, True))

    def list_sas(self):
        for i in range(1, self.opt.sas + 1):
            children = b""
            if self.opt.child:
                children = self.child_section(100 + i)
            self.event("list-sa", section(
                "rw", kv("uniqueid", i), kv("state", "ESTABLISHED"),
                spis(i, False), section("child-sas", children)))
        self.send(bytes([CMD_RESPONSE]))

    def rekey(self, keys):
        sa_id = int(keys.get("child-id" if self.opt.child else "ike-id", 0))
        self.order.append(sa_id)
        if sa_id in self.opt.gone:
            self.send(bytes([CMD_RESPONSE]) + kv("success", "no") +
                      kv("matches", 0) +
                      kv("errmsg", "no matching SAs to rekey found"))
            return
        if len(self.unfinished) >= self.opt.limit:
            self.violations += 1
        self.send(bytes([CMD_RESPONSE]) + kv("success", "yes") +
                  kv("matches", 1))
        if sa_id in self.opt.stuck:
            return
        self.unfinished.add(sa_id)
        self.max = max(self.max, len(self.unfinished))
        delay = self.opt.delay
        if self.opt.spread:
            delay += (sa_id * 7) % self.opt.spread
        self.seq += 1
        heapq.heappush(self.timers, (time.monotonic() + delay / 1000.0,
                                     self.seq, sa_id))

    def finish(self, sa_id):
        self.unfinished.discard(sa_id)
        ike = sa_id - 100 if self.opt.child else sa_id
        if sa_id in self.opt.down:
            name = "child-updown" if self.opt.child else "ike-updown"
            inner = self.child_section(sa_id, "DELETING") \
                if self.opt.child else b""
            self.event(name, section(
                "rw", kv("uniqueid", ike), kv("state", "ESTABLISHED"),
                spis(ike, False), section("child-sas", inner)))
            return
        new = sa_id + 1000
        if self.opt.child:
            self.event("child-rekey", section(
                "rw", kv("uniqueid", ike), spis(ike, False),
                section("child-sas", section(
                    "net", kv("name", "net"),
                    section("old", kv("uniqueid", sa_id), spis(sa_id, True)),
                    section("new", kv("uniqueid", new), spis(new, True))))))
        else:
            self.event("ike-rekey", section(
                "rw", section("old", kv("uniqueid", sa_id),
                              spis(sa_id, False)),
                section("new", kv("uniqueid", new), spis(new, False))))

    def packet(self, p):
        ptype = p[0]
        name = p[2:2 + p[1]].decode()
        body = p[2 + p[1]:]
        if ptype == EVENT_REGISTER and name == "log":
            self.send(bytes([EVENT_UNKNOWN]))  # no reasons from this daemon
        elif ptype in (EVENT_REGISTER, EVENT_UNREGISTER):
            self.send(bytes([EVENT_CONFIRM]))
        elif ptype == CMD_REQUEST and name == "list-sas":
            self.list_sas()
        elif ptype == CMD_REQUEST and name == "rekey":
            self.rekey(body_keys(body))
        else:
            self.send(bytes([CMD_UNKNOWN]))

    def serve(self):
        while True:
            timeout = None
            if self.timers:
                timeout = max(0.0, self.timers[0][0] - time.monotonic())
            ready, _, _ = select.select([self.conn], [], [], timeout)
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                self.finish(heapq.heappop(self.timers)[2])
            if not ready:
                continue
            data = self.conn.recv(65536)
            if not data:
                return
            self.inbuf += data
            while len(self.inbuf) >= 4:
                (n,) = struct.unpack(">I", self.inbuf[:4])
                if len(self.inbuf) < 4 + n:
                    break
                p, self.inbuf = self.inbuf[4:4 + n], self.inbuf[4 + n:]
                self.packet(p)


def ids(s):
    return {int(x) for x in s.split(",") if x}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--sas", type=int, default=20)
    ap.add_argument("--child", action="store_true")
    ap.add_argument("--limit", type=int, default=1)
    ap.add_argument("--delay", type=int, default=30)
    ap.add_argument("--spread", type=int, default=0)
    ap.add_argument("--stuck", type=ids, default=set())
    ap.add_argument("--down", type=ids, default=set())
    ap.add_argument("--gone", type=ids, default=set())
    ap.add_argument("--report")
    opt = ap.parse_args()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # the socket appears under its name only once it listens: the test
    # waits for the name, and a client must not find it refusing
    srv.bind(opt.socket + ".new")
    srv.listen(1)
    os.rename(opt.socket + ".new", opt.socket)
    fake = Fake(opt)
    fake.conn, _ = srv.accept()
    srv.close()
    os.unlink(opt.socket)
    try:
        fake.serve()
    except (BrokenPipeError, ConnectionResetError):
        pass
    if not opt.report:
        return 0
    # whole or not at all: the test polls for the file
    with open(opt.report + ".tmp", "w") as f:
        f.write("max=%d rekeys=%d violations=%d order=%s\n" % (
            fake.max, len(fake.order), fake.violations,
            ",".join(str(i) for i in fake.order)))
    os.rename(opt.report + ".tmp", opt.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
