#!/bin/sh
# SPDX-License-Identifier: MIT
# The bash and zsh completions as a user meets them: make install into a
# staging folder (PREFIX=/usr), then an interactive bash (with Debian's
# bash-completion loading ours from the staged folder) and an interactive
# zsh (compinit, the staged vendor-completions before zsh's own functions)
# in a pseudo-terminal; for each line of tests/blackbox/completion/cases the text is
# typed, TAB pressed, and the listing and the line after it must equal
# tests/blackbox/completion/SHELL.expected.  Live names come from fakevici serving
# recorded list-sa events.  RECORD=1 rewrites the expected files.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
FAKE_SWANCTL=${FAKE_SWANCTL:-build/swanctl-fake}
for need in zsh /usr/share/bash-completion/bash_completion; do
	if ! command -v "$need" >/dev/null && [ ! -e "$need" ]; then
		echo "FAIL: completion: $need is missing (sh tests/setup-debian.sh)"
		exit 1
	fi
done
t_tmpdir

env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s install DESTDIR="$dir/stage" PREFIX=/usr >/dev/null ||
	failed=$((failed + 1))
mkdir "$dir/bin"
# the client as built to hand its other commands to
# tests/fakes/fake-strongswan-swanctl (the same objects as SWANCTL's but one), so
# that completing a handed command's options (its "--COMMAND --help")
# does not depend on the strongSwan installed here
if [ ! -x "$FAKE_SWANCTL" ]; then
	echo "FAIL: completion: no $FAKE_SWANCTL (make $FAKE_SWANCTL)"
	exit 1
fi
ln -s "$(realpath "$FAKE_SWANCTL")" "$dir/bin/swanctl"
export FAKE_SWANCTL_USAGE=1
cat "$here/listsas/lab-initiator.events" "$here/listsas/full-child.events" \
	>"$dir/events"
printf 'swanctl {\n\tsocket = unix://dflt\n}\n' >"$dir/strongswan.conf"
# names with shell syntax, quotes, blanks, a newline, bytes that are not
# UTF-8, served on socket h (issue 22)
cp "$here/completion/hostile.events" "$dir/h.events"
rm -f /tmp/swanctl-pwned

# both shells at once, each in its own folder
for sh in bash zsh; do
	FAKEVICI=$FAKEVICI timeout 60 zsh -f "$here/completion.zsh" "$sh" \
		"$dir" "$here/completion/cases" >"$dir/$sh.out" 2>&1 &
done
wait
for sh in bash zsh; do
	if [ -n "${RECORD:-}" ]; then
		cp "$dir/$sh.out" "$here/completion/$sh.expected"
	elif ! cmp -s "$dir/$sh.out" "$here/completion/$sh.expected"; then
		echo "FAIL: completion: $sh offers other words:"
		diff "$here/completion/$sh.expected" "$dir/$sh.out" | head -n 20
		failed=$((failed + 1))
	fi
done
# the lines completed from hostile names, run as each shell runs them: each
# name arrives as one argument, byte for byte, and nothing else runs
for sh in bash zsh; do
	grep '^> swanctl --uri unix://h .*[^ =] $' "$dir/$sh.out" |
		grep -v ' --[a-z-]* $' | cut -c3- |
		while IFS= read -r line; do
			(cd "$dir" && $sh -c 'swanctl() {
				eval "printf \"<%s>\\n\" \"\${$#}\""
			}
			'"$line")
		done >"$dir/$sh.args"
	if ! cmp -s "$dir/$sh.args" "$here/completion/hostile.args"; then
		echo "FAIL: completion: $sh runs other arguments:"
		diff "$here/completion/hostile.args" "$dir/$sh.args"
		failed=$((failed + 1))
	fi
done
if [ -e /tmp/swanctl-pwned ]; then
	echo "FAIL: completion: a name ran as shell code (/tmp/swanctl-pwned)"
	failed=$((failed + 1))
fi
echo "completion: $(grep -c '^[-a-z]' "$here/completion/cases") cases in bash and zsh, $failed failed"
[ "$failed" = 0 ]
