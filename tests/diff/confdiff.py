#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential test of strongswan.conf reading: random configuration trees,
each read by strongSwan's swanctl (SWANCTL_REF, default /usr/sbin/swanctl)
and by ours (SWANCTL); both must try the same socket, or both must refuse
the configuration.

  tests/diff/confdiff.py [-n COUNT] [-s SEED] [-j JOBS] [-k]   (-k keeps failures)

Sockets point at paths that do not exist: each client names the URI it
tried in its connect error.  Exit 1 on any difference, with the tree kept
under /tmp/confdiff.* and its files printed.
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

OURS = os.environ.get("SWANCTL", "./swanctl")
REF = os.environ.get("SWANCTL_REF", "/usr/sbin/swanctl")

NAMES = ["swanctl", "libstrongswan", "plugins", "vici", "charon", "foo",
         "x", "socket", "swanctl", "plugins", "vici", "foo"]
KEYS = ["socket", "socket", "socket", "x", "load", "Socket", "sockets"]
SAFE_KEYS = ["socket", "socket", "socket", "x", "y", "Socket", "sockets"]


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.files = {}  # relative path -> text
        self.nl = "\n"
        self.uris = 0
        self.dir = ""  # of the file being written, relative to the root

    def chance(self, p):
        return self.r.random() < p

    def blank(self):
        return self.r.choice(["", " ", " ", "  ", "\t", " \t"])

    def uri(self):
        self.uris += 1
        return "unix:///nonexistent/s%d.vici" % self.uris

    def comment(self):
        return "#" + self.r.choice(["", " c", " } { = \" x", "#", " include x"])

    def value(self):
        """A value: unquoted, quoted, concatenated, empty, with escapes."""
        r = self.r
        u = self.uri()
        kind = r.randrange(12)
        if kind == 0:
            return ""
        if kind == 1:
            return '"%s"' % u
        if kind == 2:
            return '"%s" tail' % u
        if kind == 3:
            return 'head "%s"' % u
        if kind == 4:
            return '"%s"%s"b"' % (u, self.blank())
        if kind == 5:
            return '"%s\\"q\\\\ \\t\\x"' % u
        if kind == 6:
            return '"%s\\%s.more"' % (u, self.nl)  # joined lines
        if kind == 7:
            return '""'
        if kind == 8:
            return "%s{b" % u
        if kind == 9:
            return '"%s # not a comment"' % u
        if kind == 10:
            return "%s  %s" % (u, "x=y")
        if kind == 11 and self.chance(0.5):
            return self.r.choice(['"%s\\\r\nz"', '"%s\\r\\n"',
                                  '"%s\rz"', '%s\rz', '"%s\\\rz"',
                                  '"%s\\"', '"%s\\a\\"',
                                  '%s,x:y.z', '"%s"\t"x"']) % u
        return u

    def name(self):
        return self.r.choice(NAMES)

    def setting(self, depth, path):
        key = self.r.choice(SAFE_KEYS if depth else ["socket", "x", "y"])
        if path and path[-1] in ("swanctl", "libstrongswan", "vici") and \
                self.chance(0.5):
            key = "socket"
        elif self.chance(0.02):
            key = "include"  # a key, or an include of "=..."
        end = self.r.choice(["", "", " ", self.blank() + self.comment()])
        return "%s%s=%s%s%s" % (key, self.blank(), self.blank(),
                                self.value(), end)

    def section(self, depth, path, files_left):
        r = self.r
        if not depth:
            name = r.choice(["swanctl", "swanctl", "libstrongswan",
                             "libstrongswan", "charon", "foo"])
        elif path[-1] in ("swanctl", "libstrongswan", "foo") and \
                self.chance(0.6):
            name = "plugins"
        elif path[-1] == "plugins" and self.chance(0.7):
            name = "vici"
        elif self.chance(0.03):
            name = "include"  # then an include of "{" (or a name)
        else:
            name = self.name()
        refs = ""
        if self.chance(0.12):
            targets = ["libstrongswan", "swanctl", "foo", "charon",
                       "libstrongswan.plugins", "foo.plugins.vici",
                       "libstrongswan.plugins.vici", "foo.x", "swanctl.plugins"]
            n = 1 + (r.random() < 0.3)
            refs = "%s:%s%s" % (self.blank(), self.blank(),
                                ",".join(r.choice(targets) for _ in range(n)))
            refs = " " + refs if self.chance(0.5) else refs
        body = self.statements(depth + 1, path + [name], files_left)
        if self.chance(0.3):  # one line
            # mostly without comments, which would end the line
            inner = " ".join(s.replace(self.nl, " ") for s in body
                             if "#" not in s or self.chance(0.1))
            return ["%s%s%s{%s%s%s}" % (name, refs, self.blank(), self.blank(),
                                        inner, self.blank())]
        out = ["%s%s%s{%s" % (name, refs, self.blank(),
                              (" " + self.comment()) if self.chance(0.1) else "")]
        out += ["\t" * (depth + 1) + s for s in body]
        out.append("\t" * depth + "}")
        return out

    def include(self, files_left):
        """include of one or two new files, relative to the including
        file's directory (or absolute), by name or by a pattern that
        matches only them (a loop is an error in ours, see README)."""
        r = self.r
        sub = r.choice(["", "sub/", "sub/", "d/"])
        n = self.count = getattr(self, "count", 0) + 1
        here = self.dir
        names = ["%sf%da.conf" % (sub, n)]
        if self.chance(0.4):
            names.append("%sf%db.conf" % (sub, n))
        for name in names:
            self.dir = os.path.dirname(os.path.join(here, name))
            self.files[os.path.normpath(os.path.join(here, name))] = \
                self.file_text(files_left - 1)
        self.dir = here
        pat = r.choice([names[0], names[0], sub + "f%d*.conf" % n,
                        sub + "f%d?.conf" % n, sub + "f%d*" % n,
                        "missing%d.conf" % n, sub + "f%d*.none" % n,
                        '"%s"' % names[0], "./" + names[0],
                        "@ROOT@/" + os.path.join(here, names[0])])
        return "include%s%s" % (r.choice([" ", "\t", "  "]), pat)

    def statements(self, depth, path, files_left):
        r = self.r
        out = []
        n = r.randrange(2, 7) if not depth else \
            r.randrange(0, 4) if depth < 4 else r.randrange(0, 2)
        for _ in range(n):
            k = r.random()
            if k < (0.6 if not depth else 0.35) and depth < 5:
                out += self.section(depth, path, files_left)
            elif k < 0.8:
                out.append(self.setting(depth, path))
            elif k < 0.9:
                out.append(self.comment())
            elif files_left > 0:
                out.append(self.include(files_left))
        return out

    def file_text(self, files_left):
        lines = self.statements(0, [], files_left)
        text = self.nl.join(lines) + (self.nl if self.chance(0.9) else "")
        if self.chance(0.1):
            text = text.replace("\n", "\r\n")
        return text

    def mutate(self, text):
        """A few random edits: near-valid text for the scanner."""
        r = self.r
        for _ in range(r.randrange(1, 4)):
            if not text:
                break
            i = r.randrange(len(text) + 1)
            k = r.randrange(4)
            if k == 0:
                text = text[:i] + text[i + 1:]
            elif k == 1:
                text = text[:i] + r.choice(list(' \t\r\n{}=:,."#\\')) + \
                    text[i:]
            elif k == 2:
                text = text[:i] + r.choice(["include ", "socket = ",
                                            "swanctl {", "}", '"', "\\\n",
                                            "libstrongswan : swanctl {",
                                            " : foo,bar ", "\r\n"]) + text[i:]
            else:
                j = text.rfind("\n", 0, i)
                line = text[j + 1:i]
                text = text[:i] + line + text[i:]
        return text

    # lines strongSwan refuses (one of them ends a broken tree)
    BROKEN = ("}\n", "swanctl {\n", "swanctl.socket = x\n", "x = a{b}\n",
              'x = "unterminated\n', "a b = c\n", '"q" = 1\n', "x : = 1\n",
              "a, b {}\n")

    def breakage(self, text):
        return text + self.r.choice(self.BROKEN)

    def tree(self):
        if self.chance(0.05):
            self.nl = "\r\n"
        main = self.file_text(3)
        if self.chance(0.05):
            main = self.breakage(main)
        self.files["strongswan.conf"] = main
        for name in self.files:
            if self.chance(0.07):
                self.files[name] = self.mutate(self.files[name])
        return self.files


def run(cmd, conf):
    env = dict(os.environ, STRONGSWAN_CONF=conf)
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def theirs(conf):
    rc, out = run([REF, "--rekey", "--ike", "x"], conf)
    if rc == -11:
        return "CRASH"  # SIGSEGV: libstrongswan recursed through references
    m = re.search(r"^Error: connecting to '(.*)' URI failed: ", out,
                  re.M | re.S)
    uri = m.group(1) if m else None
    if uri in (None, "default"):
        # 5.9.8 names a given URI in its "Error:" line, 6.x only in the
        # first one
        m = re.search(r"^connecting to '(.*)' failed: ", out, re.M | re.S)
        uri = m.group(1) if m else uri
    if uri is not None:
        return "URI[%s]" % uri
    if "abort initialization" in out or "invalid config" in out:
        return "REJECT"
    # 6.x names no URI it cannot parse
    return "BADURI" if "usage:" in out or "swanctl (--rekey" in out \
        else "REJECT"


def ours(conf):
    rc, out = run([OURS, "--rekey", "--ike", "x", "--timeout", "1"], conf)
    m = re.search(r"^swanctl: (cannot connect to|invalid URI) '(.*)': ",
                  out, re.M | re.S)
    if m:
        return "URI[%s]" % m.group(2), m.group(1) == "invalid URI"
    if rc == 2 and out.startswith("swanctl: "):
        return ("LOOP" if "includes itself" in out else "REJECT"), False
    return "ERROR rc=%d %r" % (rc, out[:200]), False


def one(seed, keep):
    files = Gen(random.Random(seed)).tree()
    d = tempfile.mkdtemp(prefix="confdiff.")
    for name, text in files.items():
        text = text.replace("@ROOT@", d)
        files[name] = text
        path = os.path.join(d, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", newline="") as f:
            f.write(text)
    conf = os.path.join(d, "strongswan.conf")
    a, (b, bad_uri) = theirs(conf), ours(conf)
    if a == "BADURI" and bad_uri:
        a = b
    if b.startswith("LOOP"):
        a = b  # ours refuses include loops (strongSwan nests until out of fds)
    if a == "CRASH":
        # a reference loop met by one of the many lookups libstrongswan
        # makes while it starts (ours follows references for the socket
        # keys only, and refuses a loop there)
        shutil.rmtree(d)
        return "crash"
    if a == b:
        shutil.rmtree(d)
        kind = "refused" if a in ("REJECT", "LOOP") else \
            "default" if a == "URI[unix:///var/run/charon.vici]" else "set"
        return kind
    report = "seed %d: strongSwan %s, ours %s\n" % (seed, a, b)
    for name in sorted(files):
        report += "--- %s\n%s\n" % (name, files[name])
    if not keep:
        shutil.rmtree(d)
    else:
        report += "(kept in %s)\n" % d
    return report


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("-s", type=int, default=1)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("-k", action="store_true")
    a = ap.parse_args()
    if not os.access(REF, os.X_OK):
        print("confdiff: no %s, skipped" % REF)
        return 0
    empty = tempfile.NamedTemporaryFile(suffix=".conf")  # noqa: SIM115
    if theirs(empty.name) != "URI[unix:///var/run/charon.vici]":
        print("confdiff: %s is not strongSwan's swanctl, skipped" % REF)
        return 0
    bad = 0
    kinds = {"refused": 0, "default": 0, "set": 0, "crash": 0}
    with concurrent.futures.ThreadPoolExecutor(a.j) as ex:
        for rep in ex.map(lambda s: one(s, a.k), range(a.s, a.s + a.n)):
            if rep in kinds:
                kinds[rep] += 1
            else:
                bad += 1
                if bad <= 5:
                    sys.stdout.write(rep)
    print("confdiff: %d trees (seeds %d..%d), %d differ; agreed: %d "
          "refused, %d default socket, %d configured socket; not compared: "
          "%d where strongSwan's swanctl crashed (a loop of section "
          "references, which it follows into a stack overflow in its own "
          "start-up lookups; generated on purpose)" %
          (a.n, a.s, a.s + a.n - 1, bad, kinds["refused"], kinds["default"],
           kinds["set"], kinds["crash"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
