#!/bin/sh
# SPDX-License-Identifier: MIT
# strongswan.conf discovery: for each fixture tree in tests/conf, the socket
# our client tries (its connect error names it) or its syntax error; where
# strongSwan's swanctl is installed, it must try the same socket.
set -u
SWANCTL=${SWANCTL:-./swanctl}
here=$(cd "$(dirname "$0")" && pwd)
count=0
failed=0
ref=$(command -v swanctl)
[ "$ref" != "$(realpath "$SWANCTL")" ] || ref=

fail() {
	echo "FAIL: conf $1: $2"
	failed=$((failed + 1))
}

ours_uri() {
	STRONGSWAN_CONF=$1 "$SWANCTL" --rekey --ike x --timeout 1 2>&1 |
		sed -n "s/^swanctl: cannot connect to '\(.*\)': .*/\1/p"
}

for d in "$here"/conf/*/; do
	d=${d%/}
	name=$(basename "$d")
	conf=$d/strongswan.conf
	want=$(cat "$d/expect")
	count=$((count + 1))
	case $want in
	error*)
		line=${want#error }
		err=$(STRONGSWAN_CONF=$conf "$SWANCTL" --rekey --ike x 2>&1)
		st=$?
		[ $st = 2 ] || fail "$name" "exit $st, expected 2"
		[ "$err" = "swanctl: $conf:${line%%:*}:${line#*:}" ] ||
			fail "$name" "got '$err'"
		;;
	*)
		got=$(ours_uri "$conf")
		[ "$got" = "$want" ] || fail "$name" "ours tried '$got', expected '$want'"
		if [ -n "$ref" ]; then
			theirs=$(STRONGSWAN_CONF=$conf "$ref" --rekey --ike x 2>&1 |
				sed -n "s/^connecting to '\(.*\)' failed: .*/\1/p")
			[ "$theirs" = "$want" ] ||
				fail "$name" "strongSwan's swanctl tried '$theirs'"
		fi
		;;
	esac
done

# --uri wins, and then strongswan.conf is not read at all
count=$((count + 1))
got=$(STRONGSWAN_CONF=$here/conf/unclosed/strongswan.conf "$SWANCTL" \
	--rekey --ike x -u unix:///nonexistent/given.vici 2>&1)
[ "$got" = "swanctl: cannot connect to 'unix:///nonexistent/given.vici': No such file or directory (is charon running?)" ] ||
	fail uri-wins "$got"

# Debian's stock tree parses; a file in strongswan.d sets the socket
if [ -f /etc/strongswan.conf ] && [ -d /etc/strongswan.d ]; then
	count=$((count + 1))
	dir=$(mktemp -d /tmp/conf.XXXXXX)
	cp -r /etc/strongswan.conf /etc/strongswan.d "$dir/"
	printf 'swanctl {\n\tsocket = unix:///run/x.vici\n}\n' >"$dir/strongswan.d/zz-socket.conf"
	got=$(ours_uri "$dir/strongswan.conf")
	[ "$got" = unix:///run/x.vici ] || fail debian-stock "ours tried '$got'"
	if [ -n "$ref" ]; then
		theirs=$(STRONGSWAN_CONF=$dir/strongswan.conf "$ref" --rekey --ike x 2>&1 |
			sed -n "s/^connecting to '\(.*\)' failed: .*/\1/p")
		[ "$theirs" = unix:///run/x.vici ] ||
			fail debian-stock "strongSwan's swanctl tried '$theirs'"
	fi
	rm -rf "$dir"
fi

echo "conf: $count cases, $failed failed"
[ "$failed" = 0 ]
