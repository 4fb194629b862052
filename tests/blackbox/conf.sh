#!/bin/sh
# SPDX-License-Identifier: MIT
# strongswan.conf discovery.  Each fixture tree in tests/blackbox/conf has a
# strongswan.conf and an expect file: the socket our client must try (its
# connect error names it), or "error LINE: message" (exit 2 and
# "swanctl: FILE:LINE: message"; @DIR@ is the fixture's directory).  Where
# strongSwan's swanctl is installed (SWANCTL_REF, default /usr/sbin/swanctl,
# used only if it is strongSwan's), it must try the same socket or refuse
# the file too, except in fixtures with a "deviation" file saying why.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
REF=${SWANCTL_REF:-/usr/sbin/swanctl}
t_tmpdir

fail() {
	echo "FAIL: conf $1: $2"
	failed=$((failed + 1))
}

# ours CONF: the URI our client tries, or "error: MESSAGE" (exit 2)
ours() {
	out=$(STRONGSWAN_CONF=$1 "$SWANCTL" --rekey --ike x --timeout 1 2>&1)
	st=$?
	uri=$(printf '%s\n' "$out" |
		sed -n "s/^swanctl: cannot connect to '\(.*\)': .*/\1/p")
	if [ -n "$uri" ]; then
		printf '%s\n' "$uri"
	else
		printf 'error %s: %s\n' "$st" "$out"
	fi
}

# theirs CONF: the URI strongSwan's swanctl tries, or "refused"
theirs() {
	out=$(STRONGSWAN_CONF=$1 "$REF" --rekey --ike x 2>&1)
	uri=$(printf '%s\n' "$out" |
		sed -n "s/^Error: connecting to '\(.*\)' URI failed: .*/\1/p")
	if [ -z "$uri" ] || [ "$uri" = default ]; then
		# 5.9.8 names a given URI in its "Error:" line, 6.x only here
		uri=$(printf '%s\n' "$out" |
			sed -n "s/^connecting to '\(.*\)' failed: .*/\1/p")
	fi
	printf '%s\n' "${uri:-refused}"
}

# Only strongSwan's own swanctl is a reference (not this client installed
# in its place): it names the default socket for an empty file.
: >"$dir/empty.conf"
if ! [ -x "$REF" ] || [ "$(realpath "$REF")" = "$(realpath "$SWANCTL")" ] ||
	[ "$(theirs "$dir/empty.conf")" != unix:///var/run/charon.vici ]; then
	REF=
fi

for d in "$here"/conf/*/; do
	d=${d%/}
	name=$(basename "$d")
	conf=$d/strongswan.conf
	want=$(sed "s|@DIR@|$d|g" "$d/expect")
	count=$((count + 1))
	got=$(ours "$conf")
	case $want in
	error*)
		line=${want#error }
		line=${line%%:*}
		what=${want#error *: }
		if [ -n "$line" ]; then
			expect="error 2: swanctl: $conf:$line: $what"
		else
			expect="error 2: swanctl: $conf: $what"
		fi
		[ "$got" = "$expect" ] || fail "$name" "got '$got', expected '$expect'"
		ref_want=refused
		;;
	*)
		[ "$got" = "$want" ] || fail "$name" "ours tried '$got', expected '$want'"
		ref_want=$want
		;;
	esac
	if [ -n "$REF" ] && ! [ -f "$d/deviation" ]; then
		t=$(theirs "$conf")
		[ "$t" = "$ref_want" ] || fail "$name" "strongSwan's swanctl: '$t'"
	fi
done

# expect_error NAME CONF MESSAGE: exit 2 and "swanctl: MESSAGE", at once
expect_error() {
	count=$((count + 1))
	start=$(date +%s%N)
	got=$(STRONGSWAN_CONF=$2 timeout 5 "$SWANCTL" --rekey --ike x \
		--timeout 1 2>&1)
	st=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$st" = 2 ] || fail "$1" "exit $st, expected 2"
	[ "$got" = "swanctl: $3" ] || fail "$1" "got '$got'"
	[ "$ms" -lt 900 ] || fail "$1" "took $ms ms"
}

# expect_uri NAME CONF URI
expect_uri() {
	count=$((count + 1))
	got=$(ours "$2")
	[ "$got" = "$3" ] || fail "$1" "ours tried '$got', expected '$3'"
	if [ -n "$REF" ]; then
		t=$(theirs "$2")
		[ "$t" = "$3" ] || fail "$1" "strongSwan's swanctl: '$t'"
	fi
}

# STRONGSWAN_CONF naming nothing readable is an error, as in strongSwan
expect_error missing "$dir/none.conf" \
	"$dir/none.conf: No such file or directory"
expect_error directory "$dir" "$dir: not a regular file"
mkfifo "$dir/fifo"
expect_error fifo "$dir/fifo" "$dir/fifo: not a regular file"
expect_error device /dev/null "/dev/null: not a regular file"
printf 'include fifo\n' >"$dir/fifo-include.conf"
expect_error fifo-include "$dir/fifo-include.conf" \
	"$dir/fifo: not a regular file"
# an empty STRONGSWAN_CONF reads nothing, as libstrongswan's does
expect_uri empty-variable "" unix:///var/run/charon.vici

# sections nested 200 deep, and a file of 1.5 MiB
{
	i=0
	while [ $i -lt 200 ]; do echo "s$i {"; i=$((i + 1)); done
	while [ $i -gt 0 ]; do echo "}"; i=$((i - 1)); done
	printf 'swanctl {\n\tsocket = unix:///nonexistent/deep.vici\n}\n'
} >"$dir/deep.conf"
expect_uri deep "$dir/deep.conf" unix:///nonexistent/deep.vici
awk 'BEGIN { for (i = 0; i < 24000; i++)
	printf "# %060d\n", i;
	print "swanctl { socket = unix:///nonexistent/large.vici }" }' \
	>"$dir/large.conf"
expect_uri large "$dir/large.conf" unix:///nonexistent/large.vici

# an include being appended to (a config management run writing it) is
# read as it is at that moment, as strongSwan's swanctl reads it: every
# one of 30 runs finds the socket (issue 22; "Resource temporarily
# unavailable" in most of them before)
printf 'swanctl { socket = unix:///nonexistent/appended.vici }\ninclude %s\n' \
	"$dir/appended.conf" >"$dir/appending.conf"
# 4 MiB already there: reading it takes long enough to see it grow
awk 'BEGIN { for (i = 0; i < 65536; i++) printf "# %061d\n", i }' \
	>"$dir/appended.conf"
(
	while :; do
		echo "# a line appended while the client reads" >>"$dir/appended.conf"
	done
) &
appender=$!
i=0
while [ $i -lt 30 ]; do
	i=$((i + 1))
	count=$((count + 1))
	got=$(ours "$dir/appending.conf")
	[ "$got" = unix:///nonexistent/appended.vici ] ||
		fail "appended-include run $i" "$got"
done
kill $appender
wait $appender 2>/dev/null

# no limit below strongSwan's (issue 22): 10,001 included files, chains of
# 70 and 2,000 includes, 3,001 and 4,998 nested sections are read; 4,999
# nested sections are refused, as libstrongswan's parser refuses them
mkdir "$dir/many"
i=0
while [ $i -lt 10001 ]; do
	i=$((i + 1))
	echo "# file $i"
done | split -l 1 - "$dir/many/f"
[ "$(ls "$dir/many" | wc -l)" = 10001 ] || fail many-files "split made $(ls "$dir/many" | wc -l) files"
printf 'include many/*\nswanctl { socket = unix:///nonexistent/many.vici }\n' \
	>"$dir/many.conf"
expect_uri many-files "$dir/many.conf" unix:///nonexistent/many.vici
for n in 70 2000; do
	mkdir "$dir/chain$n"
	i=0
	while [ $i -lt $n ]; do
		i=$((i + 1))
		echo "include c$((i + 1)).conf" >"$dir/chain$n/c$i.conf"
	done
	echo "swanctl { socket = unix:///nonexistent/chain$n.vici }" \
		>"$dir/chain$n/c$((n + 1)).conf"
	echo "include chain$n/c1.conf" >"$dir/chain$n.conf"
	expect_uri "include-chain-$n" "$dir/chain$n.conf" \
		unix:///nonexistent/chain$n.vici
done
for n in 3001 4998 4999; do
	awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) print "s" i " {"
		for (i = 0; i < n; i++) print "}"
		print "swanctl { socket = unix:///nonexistent/nest.vici }" }' \
		>"$dir/nest$n.conf"
done
expect_uri nested-3001 "$dir/nest3001.conf" unix:///nonexistent/nest.vici
expect_uri nested-4998 "$dir/nest4998.conf" unix:///nonexistent/nest.vici
expect_error nested-4999 "$dir/nest4999.conf" \
	"$dir/nest4999.conf:4999: sections nested too deeply"
if [ -n "$REF" ]; then
	count=$((count + 1))
	t=$(theirs "$dir/nest4999.conf")
	[ "$t" = refused ] || fail nested-4999 "strongSwan's swanctl: '$t'"
fi

# a socket value longer than the client keeps is refused, not cut
awk 'BEGIN { printf "swanctl { socket = unix:///"; for (i = 0; i < 5000; i++)
	printf "a"; print " }" }' >"$dir/long.conf"
expect_error long-value "$dir/long.conf" \
	"$dir/long.conf: the socket is longer than 4095 bytes"

# --uri wins, and then strongswan.conf is not read at all
count=$((count + 1))
got=$(STRONGSWAN_CONF=$here/conf/unclosed/strongswan.conf "$SWANCTL" \
	--rekey --ike x -u unix:///nonexistent/given.vici 2>&1)
[ "$got" = "swanctl: cannot connect to 'unix:///nonexistent/given.vici': No such file or directory (is charon running?)" ] ||
	fail uri-wins "$got"

# Debian's stock tree parses; a file in strongswan.d sets the socket
if [ -f /etc/strongswan.conf ] && [ -d /etc/strongswan.d ]; then
	mkdir "$dir/stock"
	cp -r /etc/strongswan.conf /etc/strongswan.d "$dir/stock/"
	printf 'swanctl {\n\tsocket = unix:///run/x.vici\n}\n' \
		>"$dir/stock/strongswan.d/zz-socket.conf"
	expect_uri debian-stock "$dir/stock/strongswan.conf" unix:///run/x.vici
fi

# no strongswan.conf at all (a sidecar with only the socket): the built-in
# socket, where strongSwan's swanctl refuses; a missing STRONGSWAN_CONF is
# still an error
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	count=$((count + 1))
	mkdir "$dir/empty-etc"
	got=$(env -u STRONGSWAN_CONF unshare --mount sh -c \
		"mount --bind '$dir/empty-etc' /etc && '$(realpath "$SWANCTL")' --rekey --ike x" 2>&1)
	[ "$got" = "swanctl: cannot connect to 'unix:///var/run/charon.vici': No such file or directory (is charon running?)" ] ||
		[ "$got" = "swanctl: cannot connect to 'unix:///var/run/charon.vici': Connection refused (is charon running?)" ] ||
		fail no-default-file "$got"
fi
count=$((count + 1))
got=$(STRONGSWAN_CONF=$dir/typo.conf "$SWANCTL" --rekey --ike x 2>&1)
[ "$got" = "swanctl: $dir/typo.conf: No such file or directory" ] ||
	fail env-names-missing "$got"

t_done "${REF:+ (compared with $REF)}"
