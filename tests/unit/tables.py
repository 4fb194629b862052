#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The shell completions against the command tables (src/commands.c,
src/args.c), so that a command or an option added to the tables and not to
a completion fails here.  build/tables prints the tables: per command of
ours its name, its short letter and every long option it takes; first a
line "- -" with every option before a command.
  bash: _swanctl_rekey is called as the shell calls it, for "swanctl
        --NAME " and "swanctl -X ": the options offered must be the
        table's, exactly; for "swanctl " every command and global option.
  zsh:  the specs of each command's case in _swanctl_rekey, with the
        global ones, must name exactly the table's options; the command
        name list and the short letters must know every command.
  usage: python3 tests/unit/tables.py TABLES_PROGRAM"""
import re
import subprocess
import sys

BASH = "src/completion/swanctl.bash"
ZSH = "src/completion/_swanctl_rekey"


def tables(program):
    rows = {}
    for line in subprocess.run([program], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        name, short, *opts = line.split()
        rows[name] = (short, set(opts))
    return rows


def bash_offers(line):
    script = (f'source {BASH}; COMP_LINE="{line}"; '
              'COMP_POINT=${#COMP_LINE}; _swanctl_rekey; '
              'printf "%s\\n" "${COMPREPLY[@]}"')
    out = subprocess.run(["bash", "-c", script], check=True,
                         capture_output=True, text=True).stdout
    return set(w for w in out.split() if w)


def zsh_specs(text):
    """The long options each spec block defines: '--name' followed by
    '=', '[' or '}' (in an exclusion list one is followed by a blank or
    ')')."""
    return set(re.findall(r"--([a-z-]+)(?=[=\[}])", text))


def zsh_blocks(text):
    body = text[text.index("\tcase $cmd in\n\t('')"):]
    body = body[:body.index("\tesac\n\t_arguments")]
    blocks = {}
    for m in re.finditer(r"^\t\(([^)]*)\)\n(.*?);;", body, re.M | re.S):
        label = "-" if m.group(1) == "''" else m.group(1)
        blocks[label] = zsh_specs(m.group(2))
    return blocks


def main():
    rows = tables(sys.argv[1])
    failed = []
    cases = 0

    def check(what, want, got):
        nonlocal cases
        cases += 1
        if want != got:
            failed.append(f"{what}: missing {sorted(want - got)}, "
                          f"extra {sorted(got - want)}")

    # bash, as the shell calls it
    for name, (short, opts) in rows.items():
        if name == "-":
            check("bash: swanctl ", opts, bash_offers("swanctl "))
            continue
        check(f"bash: swanctl --{name} ", opts,
              bash_offers(f"swanctl --{name} "))
        check(f"bash: swanctl -{short} ", opts,
              bash_offers(f"swanctl -{short} "))

    # zsh, from its specs
    text = open(ZSH).read()
    blocks = zsh_blocks(text)
    glob = text[text.index("\tglobals=("):]
    glob = zsh_specs(glob[:glob.index("\n\t)\n")])
    others = text[text.index("_swanctl_rekey_others() {"):]
    others = zsh_specs(others[:others.index("\n}\n")])
    for name, (short, opts) in rows.items():
        got = blocks.get(name, set()) | glob
        if name == "-":
            got |= others
        check(f"zsh: case ({name})", {o[2:] for o in opts}, got)
    names = re.search(r"names=\(\s+([a-z][^)]*)\)", text).group(1).split()
    commands = {o[2:] for o in rows["-"][1]} - {o[2:] for o in (
        "--uri", "--timeout", "--debug", "--options")}
    check("zsh: names=( ... )", commands, set(names))
    for name, (short, opts) in rows.items():
        if name != "-":
            check(f"zsh: -{short} is --{name}", {name},
                  set(re.findall(rf"\(-{short}\*\) cmd=([a-z-]+)", text)))

    for f in failed:
        print(f"FAIL: tables: {f}")
    print(f"tables: {cases} cases, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
