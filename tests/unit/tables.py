#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shell completions against the command tables (src/commands.c,
src/args.c).  The completions read the client's usage texts at each TAB;
this checks that what they make of them is the tables, so that a usage row
they cannot read, or one the tables lack, fails here.  build/tables prints
the tables: per command of ours its name, its short letter, its selector
rule (none, one, any) and every option it takes
("--LONG,LETTER,TAKES_ARGUMENT"); first a line "- - none" with every
option before a command.
  bash: _swanctl_rekey is called as the shell calls it, for "swanctl
        --NAME ", "swanctl -X " and "swanctl ": the options offered must be
        the table's, exactly; after "--json" none of --raw, --pretty, and
        after "--ike x" no other selector where the rule is one; the same
        with the user's "shopt -s nocasematch"; and _swanctl_rekey_usage
        must read each option's letter and whether it takes an argument.
  zsh:  _swanctl_rekey runs with _arguments replaced by a printer (and the
        user's "setopt bashrematch"), for the same lines: its specs must
        define the table's options, long and short, each with an argument
        ("--x=", "-x+") exactly when the table says; --json's must exclude
        --raw and --pretty, and a selector's the other selectors where the
        rule is one.
  usage: python3 tests/unit/tables.py TABLES_PROGRAM [SWANCTL]"""
import os
import re
import subprocess
import sys
import tempfile

SELECTORS = {"--child", "--ike", "--child-id", "--ike-id"}
BASH = os.path.abspath("src/completion/swanctl.bash")
ZSH = os.path.abspath("src/completion/_swanctl_rekey")

# zsh: the completion system's functions replaced, _swanctl present (the
# handed commands are listed only then)
ZSH_STUBS = r'''
setopt bashrematch
_arguments() { print -rl -- "$@" }
compset() { return 1 }
_files() { }
_swanctl() { }
words=( ${(z)1} '' )
CURRENT=$#words
source "$2"
'''


def tables(program):
    rows = {}
    for line in subprocess.run([program], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        name, short, rule, *opts = line.split()
        rows[name] = (short, rule, {tuple(o.split(",")) for o in opts})
    return rows


def run(argv, env):
    return subprocess.run(argv, check=True, capture_output=True, text=True,
                          env=env).stdout


def bash_offers(line, env, shopt="extglob"):
    script = ('shopt -s "$3"; source "$1"; COMP_LINE="$2"; '
              'COMP_POINT=${#COMP_LINE}; _swanctl_rekey; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    return {w for w in run(["bash", "-c", script, "-", BASH, line, shopt],
                           env).split() if w}


def bash_reads(command, env):
    """What _swanctl_rekey_usage reads of a usage: (long, letter, arg)."""
    script = ('source "$1"; declare -a cmds opts groups; declare -A letter '
              'arg; theirs=; _swanctl_rekey_usage swanctl $2; for o in '
              '"${opts[@]}" "${cmds[@]}"; do echo "$o,${letter[$o]},'
              '$((${#arg[$o]} > 0))"; done')
    return {tuple(w.split(",")) for w in
            run(["bash", "-c", script, "-", BASH, command], env).split()}


def zsh_specs(line, env):
    """(long, arg) and (letter, arg) of the options the specs define:
    "--x=[", "--x[", "-x+[", "-x[" after the exclusion list; and by long
    name, what that list holds."""
    longs, shorts, excl = set(), set(), {}
    out = run(["zsh", "-f", "-c", ZSH_STUBS, "-", line, ZSH], env)
    for spec in out.splitlines():
        m = re.match(r"\(([^)]*)\)(--[a-z-]+)(=?)\[", spec)
        if m:
            longs.add((m.group(2), "1" if m.group(3) else "0"))
            excl[m.group(2)] = set(m.group(1).split())
        m = re.match(r"\([^)]*\)-(\\?.)(\+?)\[", spec)
        if m:
            shorts.add((m.group(1)[-1], "1" if m.group(2) else "0"))
    return longs, shorts, excl


def main():
    rows = tables(sys.argv[1])
    swanctl = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else
                              os.environ.get("SWANCTL", "./swanctl"))
    failed = []
    cases = 0

    def check(what, want, got):
        nonlocal cases
        cases += 1
        if want != got:
            failed.append(f"{what}: missing {sorted(want - got)}, "
                          f"extra {sorted(got - want)}")

    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(swanctl, os.path.join(tmp, "swanctl"))
        env = dict(os.environ, PATH=tmp + ":" + os.environ["PATH"])
        for name, (short, rule, opts) in rows.items():
            longs = {o[0] for o in opts}
            letters = {o[0]: "-" + o[1] for o in opts if o[1]}
            sels = longs & SELECTORS if rule == "one" else set()
            dumps = longs & {"--raw", "--pretty"} if "--json" in longs \
                else set()
            lines = ["swanctl "] if name == "-" else [
                f"swanctl --{name} ", f"swanctl -{short} "]
            for line in lines:
                check(f"bash: {line}", longs, bash_offers(line, env))
                check(f"bash: {line}(nocasematch)", longs,
                      bash_offers(line, env, "nocasematch"))
                zl, zs, ze = zsh_specs(line, env)
                check(f"zsh: {line}(long)", {(o[0], o[2]) for o in opts},
                      zl)
                check(f"zsh: {line}(short)",
                      {(o[1], o[2]) for o in opts if o[1]}, zs)
                # the choices: one output mode, one selector
                for o, others in [("--json", dumps)] + [
                        (s, sels - {s}) for s in sels]:
                    want = others | {letters[x] for x in others
                                     if x in letters}
                    check(f"zsh: {line}{o} excludes", want,
                          ze.get(o, set()) & want)
            if dumps:
                line = f"swanctl --{name} --json "
                check(f"bash: {line}", longs - dumps - {"--json"},
                      bash_offers(line, env))
            if sels:
                line = f"swanctl --{name} --ike x "
                check(f"bash: {line}", longs - sels,
                      bash_offers(line, env))
            check(f"bash: the usage of {name}", opts,
                  bash_reads("" if name == "-" else name, env))

    for f in failed:
        print(f"FAIL: tables: {f}")
    print(f"tables: {cases} cases, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
