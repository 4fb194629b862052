#!/bin/sh
# SPDX-License-Identifier: MIT
# The commands this client lacks go to strongSwan's swanctl with the same
# command line, through build variants that differ only in where it is
# looked for (Makefile DELEGATE_TO_*): a stand-in that prints its argv, a
# path where nothing is installed, and this client itself.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_tmpdir

# expect NAME BINARY STATUS STDOUT STDERR ARGS...
expect() {
	name=$1 bin=$2 want_status=$3 want_out=$4 want_err=$5
	shift 5
	count=$((count + 1))
	"$bin" "$@" >"$dir/out" 2>"$dir/err"
	status=$?
	if [ -n "$want_out" ]; then printf '%s\n' "$want_out"; fi >"$dir/want_out"
	if [ -n "$want_err" ]; then printf '%s\n' "$want_err"; fi >"$dir/want_err"
	if [ "$status" != "$want_status" ] ||
		! cmp -s "$dir/out" "$dir/want_out" ||
		! cmp -s "$dir/err" "$dir/want_err"; then
		echo "FAIL: $name: status $status (want $want_status)"
		echo "stdout:"; cat "$dir/out"; echo "stderr:"; cat "$dir/err"
		failed=$((failed + 1))
	fi
}

fake=build/swanctl-fake
expect argv-as-given $fake 7 "strongSwan's swanctl got 6 words:
[-u]
[unix:///x y]
[--load-all]
[--file]
[a b]
[--bogus]
SIGPIPE: default
mark: 1" "" -u "unix:///x y" --load-all --file "a b" --bogus
expect short-command $fake 7 "strongSwan's swanctl got 2 words:
[-qn]
[--debug=2]
SIGPIPE: default
mark: 1" "" -qn --debug=2
expect help-after-command $fake 7 "strongSwan's swanctl got 2 words:
[--list-algs]
[--help]
SIGPIPE: default
mark: 1" "" --list-algs --help
expect abbreviated $fake 7 "strongSwan's swanctl got 1 words:
[--list-co]
SIGPIPE: default
mark: 1" "" --list-co
# without /proc, or through a wrapper, the environment mark stops a loop
expect marked env 2 "" \
	"swanctl: --load-all is not implemented by this client, only --rekey, --list-sas and --version; strongSwan's swanctl ($(pwd)/tests/fakes/fake-strongswan-swanctl) is this client itself" \
	SWANCTL_REKEY_DELEGATED=1 $fake --load-all

# our own commands stay ours
expect ours $fake 2 "" "swanctl: --rekey needs a selector: --child, --ike, --child-id or --ike-id
Try 'swanctl --rekey --help'." --rekey

expect not-installed build/swanctl-none 2 "" \
	"swanctl: --initiate is not implemented by this client, only --rekey, --list-sas and --version; strongSwan's swanctl (/nonexistent/swanctl) is not installed" \
	--initiate --child x
expect never-itself build/swanctl-self 2 "" \
	"swanctl: --load-all is not implemented by this client, only --rekey, --list-sas and --version; strongSwan's swanctl ($(pwd)/build/swanctl-self) is this client itself" \
	--load-all

# --help names every command handed over, and the program that runs them
help_has() {
	count=$((count + 1))
	out=$("$1" --help) || { echo "FAIL: help: exit $?"; failed=$((failed + 1)); }
	shift
	for want in "$@"; do
		printf '%s\n' "$out" | grep -qxF -- "$want" ||
			{ echo "FAIL: help: no line '$want'"; failed=$((failed + 1)); }
	done
}
help_has build/swanctl-fake \
	"handed to strongSwan's swanctl ($(pwd)/tests/fakes/fake-strongswan-swanctl):" \
	"  swanctl --load-all         (-q)  load creds, authorities, pools and conns" \
	"  swanctl --uninstall        (-u)  remove a trap or shunt policy (-u first)"
help_has build/swanctl-none \
	"handed to strongSwan's swanctl (/nonexistent/swanctl, not installed: these exit 2):"
# all 26 of strongSwan's commands: ours and the handed ones
count=$((count + 1))
n=$(build/swanctl-fake --help | grep -c '^  swanctl --[a-z-]* *(-.) ')
[ "$n" = 26 ] || { echo "FAIL: help: $n commands, not 26"; failed=$((failed + 1)); }
# --version: ours, then strongSwan's swanctl's own version and its path
# (the stand-in prints plugin noise on stderr, dropped); none when it is
# not installed or is this client itself
expect version $fake 0 "swanctl $(sed -n 's/^VERSION = //p' Makefile) (libc-only VICI client)
strongSwan swanctl 9.9.9 ($(pwd)/tests/fakes/fake-strongswan-swanctl), runs the commands handed over" "" --version
expect version-none build/swanctl-none 0 "swanctl $(sed -n 's/^VERSION = //p' Makefile) (libc-only VICI client)" "" --version
expect version-self build/swanctl-self 0 "swanctl $(sed -n 's/^VERSION = //p' Makefile) (libc-only VICI client)" "" --version

# -u first: strongSwan's --uninstall, handed over (issue 23)
expect uninstall-first $fake 7 "strongSwan's swanctl got 3 words:
[-u]
[--child]
[lan]
SIGPIPE: default
mark: 1" "" -u --child lan

# the real one, when installed where the build looks (make passes
# STRONGSWAN_SWANCTL; the Debian package's build looks elsewhere)
real=${STRONGSWAN_SWANCTL:-/usr/sbin/swanctl}
if [ -x "$real" ] && ! cmp -s "$real" "$SWANCTL"; then
	count=$((count + 1))
	"$SWANCTL" --list-conns --uri unix://$dir/none >"$dir/out" 2>&1
	status=$?
	grep -q "connecting to 'unix://$dir/none' failed" "$dir/out" ||
		{ echo "FAIL: real: $(cat "$dir/out")"; failed=$((failed + 1)); }
	[ "$status" != 0 ] ||
		{ echo "FAIL: real: status 0"; failed=$((failed + 1)); }
else
	echo "delegate: strongSwan's swanctl not at $real: real case skipped"
fi
t_done
