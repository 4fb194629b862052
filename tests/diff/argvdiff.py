#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test of the command line: random spellings of --rekey and
--list-sas command lines (long, short, bundled, --opt=value, getopt_long
abbreviations, repeated and unknown options, '--', stray words), each run
by strongSwan's swanctl (SWANCTL_REF, default /usr/sbin/swanctl) and by
ours (SWANCTL) against the fake daemon (FAKEVICI), comparing the request
frames each sends, or that both refuse.

  tests/diff/argvdiff.py [-n COUNT] [-s SEED] [-v]

Outcomes: "same" (same frames up to the command request), "both refuse",
"ours stricter" (ours refuses a line strongSwan's accepts: repeated or
several selectors, an id that is not a number, --reauth with a CHILD_SA
selector, an empty name, '--' and stray words), "global first" (a global
option before the command: strongSwan's refuses it, the contract allows
it; "-u" first is strongSwan's --uninstall for both, handed over by ours),
all counted; differences (strongSwan's refuses what ours sends, or
both send different frames) fail.
"""
import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile

OURS = os.environ.get("SWANCTL", "./swanctl")
REF = os.environ.get("SWANCTL_REF", "/usr/sbin/swanctl")
FAKE = os.environ.get("FAKEVICI", "build/fakevici")
OK = "hex:0000001b01030773756363657373000379657303076d617463686573000131"
COMMANDS = ["--rekey", "--rek", "--reke", "-R", "--list-sas", "--list-s",
            "--list-sa", "-l"]


def spell_long(r, name, value=None):
    """--name VALUE, --name=VALUE, or an unambiguous abbreviation."""
    abbrevs = {"rekey": ["rek", "reke"], "list-sas": ["list-s", "list-sa"],
               "child": [], "ike": [], "child-id": ["child-"],
               "ike-id": ["ike-"], "reauth": ["rea", "reau"],
               "raw": ["ra"], "pretty": ["pr", "pre"],
               "noblock": ["n", "no"], "uri": ["ur"], "debug": ["deb"]}
    n = name
    if abbrevs.get(name) and r.random() < 0.3:
        n = r.choice(abbrevs[name])
    if value is None:
        return ["--" + n]
    if r.random() < 0.4:
        return ["--%s=%s" % (n, value)]
    return ["--" + n, value]


SHORT = {"rekey": "R", "list-sas": "l", "child": "c", "ike": "i",
         "child-id": "C", "ike-id": "I", "reauth": "a", "raw": "r",
         "pretty": "P", "noblock": "n", "uri": "u", "debug": "v"}


def spell(r, name, value=None):
    if r.random() < 0.5:
        return spell_long(r, name, value)
    s = "-" + SHORT[name]
    if value is None:
        return [s]
    return [s + value] if r.random() < 0.4 else [s, value]


def gen(r, uri):
    cmd = r.choice(["rekey", "rekey", "list-sas"])
    words = [spell(r, cmd)]
    opts = []
    sels = ["child", "ike", "child-id", "ike-id"]
    nsel = 1 if cmd == "rekey" else r.randrange(0, 3)
    if r.random() < 0.1:
        nsel += 1  # several (or a repeated) selector
    for _ in range(nsel):
        s = r.choice(sels)
        if s.endswith("-id"):
            # (above 2147483647 strongSwan's atoi wraps: not compared)
            v = r.choice(["1", "7", "007", "2147483647", "12",
                          "000000000042", "0", "x", "12abc", "-3"]) \
                if r.random() < 0.3 else str(r.randrange(1, 99))
        else:
            v = r.choice(["home", "net", "a b", "x=y", "-dash", ""])
            if v == "" and r.random() < 0.8:
                v = "n"
        opts.append((s, v))
    ike = any(s in ("ike", "ike-id") for s, _ in opts)
    flags = ["raw", "pretty"] + (["reauth"] if cmd == "rekey" and
                                 (ike or r.random() < 0.2) else ["noblock"])
    for f in flags:
        if r.random() < 0.25:
            opts.append((f, None))
    if r.random() < 0.2:
        opts.append(("debug", r.choice(["0", "1", "2", "-1"])))
    if r.random() < 0.5:
        opts.append(("uri", uri))
    r.shuffle(opts)
    # bundle some short flags: -ar, -Pa, -ri NAME
    i = 0
    while i < len(opts):
        name, value = opts[i]
        if value is None and i + 1 < len(opts) and r.random() < 0.3:
            nxt, nval = opts[i + 1]
            bundle = "-" + SHORT[name] + SHORT[nxt]
            if nval is None:
                words.append([bundle])
            else:
                words.append([bundle + nval] if r.random() < 0.5
                             else [bundle, nval])
            i += 2
            continue
        words.append(spell(r, name, value))
        i += 1
    k = r.random()
    if k < 0.05:
        words.append(["--bogus"])
    elif k < 0.1:
        words.append(["stray"])
    elif k < 0.13:
        words.append(["--"])
    elif k < 0.16:
        words.insert(0, spell(r, "debug", "1"))  # before the command
    elif k < 0.19:
        # -u first is strongSwan's --uninstall: handed to it, the same
        words.insert(0, ["-u"])
    return [w for ws in words for w in ws]


RUNS = [0]


def run(client, argv, d):
    """Run CLIENT with ARGV against a fresh fake daemon on its own socket
    (a late daemon removing its socket cannot hit the next one's).  The
    frames it sent up to the command request (what follows the reply,
    such as ours unregistering from list-sa events, is not compared)."""
    RUNS[0] += 1
    sock = os.path.join(d, "s%d" % RUNS[0])
    out = os.path.join(d, "out%d" % RUNS[0])
    conf = os.path.join(d, "c%d.conf" % RUNS[0])
    with open(conf, "w") as f:
        f.write("swanctl { socket = unix://%s }\n" % sock)
    argv = [w.replace("@SOCK@", sock) for w in argv]
    script = ["read", OK, "close"]
    if any(a in COMMANDS[4:] for a in argv) or \
            any(a.startswith("-l") for a in argv):
        script = ["read", "confirm", "read", "reply:success=yes", "read",
                  "confirm", "close"]
    subprocess.run([FAKE, "-o", out, sock] + script, check=True)
    env = dict(os.environ, STRONGSWAN_CONF=conf)
    try:
        p = subprocess.run([client] + argv, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
    if os.path.exists(sock):  # nobody connected: end the fake daemon
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            s.close()
        except OSError:
            pass
    got = open(out, "rb").read() if os.path.exists(out) else b""
    for f in (out, conf):
        if os.path.exists(f):
            os.unlink(f)
    i = 0
    while i + 5 <= len(got):
        n = int.from_bytes(got[i:i + 4], "big")
        kind = got[i + 4]
        i += 4 + n
        if kind == 0:
            break
    return rc, got[:i]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("-s", type=int, default=1)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    if not os.access(REF, os.X_OK):
        print("argvdiff: no %s, skipped" % REF)
        return 0
    d = tempfile.mkdtemp(prefix="argvdiff.")
    empty = os.path.join(d, "empty.conf")
    open(empty, "w").close()
    probe = subprocess.run([REF, "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT,
                           env=dict(os.environ, STRONGSWAN_CONF=empty))
    if b"strongSwan" not in probe.stdout:
        print("argvdiff: %s is not strongSwan's swanctl, skipped" % REF)
        return 0
    tally = {"same": 0, "both refuse": 0, "ours stricter": 0,
             "global first": 0}
    bad = 0
    for seed in range(a.s, a.s + a.n):
        r = random.Random(seed)
        argv = gen(r, "unix://@SOCK@")
        rc_t, theirs = run(REF, argv, d)
        rc_o, ours = run(OURS, argv, d)
        if theirs == ours:
            kind = "same" if theirs else "both refuse"
        elif not ours:
            kind = "ours stricter"
        elif not theirs and argv[0] not in COMMANDS:
            kind = "global first"  # the contract allows it (section 2)
        else:
            kind = None
        if kind:
            tally[kind] += 1
            if a.v:
                print("%d %s: %r" % (seed, kind, argv))
            continue
        bad += 1
        if bad <= 10:
            print("seed %d: %r\n  strongSwan (exit %s) sent %s\n  ours (exit "
                  "%s) sent %s" % (seed, argv, rc_t, theirs.hex() or "nothing",
                                   rc_o, ours.hex() or "nothing"))
    print("argvdiff: %d command lines (seeds %d..%d), %d differ; %d same "
          "request, %d both refuse, %d refused by ours only, %d with a "
          "global option before the command (accepted by ours only)" %
          (a.n, a.s, a.s + a.n - 1, bad, tally["same"], tally["both refuse"],
           tally["ours stricter"], tally["global first"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
