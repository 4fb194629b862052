#!/bin/sh
# SPDX-License-Identifier: MIT
# The man page: mandoc -Tlint finds nothing but the one style note the page
# explains (an explicit .Os), the footer names this version, and the
# rendered text has what once rendered wrong.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
page=${1:-man/swanctl.8}
if ! command -v mandoc >/dev/null; then
	echo "FAIL: man: mandoc is missing (sh tests/setup-debian.sh)"
	exit 1
fi

out=$(mandoc -Tlint -W warning "$page" 2>&1) || fail "mandoc -Tlint -W warning exits $?"
[ -z "$out" ] || fail "mandoc -Tlint warnings:
$out"
# every style note too, but the explained one and those that depend on
# the manuals installed here (strongswan.conf(5) and swanctl.conf(5) come
# with strongSwan's packages)
out=$(mandoc -Tlint "$page" 2>&1 | grep -v \
	-e 'STYLE: operating system explicitly specified: Os swanctl-rekey' \
	-e 'STYLE: referenced manual not found' -e 'mandoc.db')
[ -z "$out" ] || fail "mandoc -Tlint notes:
$out"

version=$(sed -n 's/^VERSION = //p' Makefile)
grep -qx ".Os swanctl-rekey $version" "$page" || fail ".Os is not 'swanctl-rekey $version'"

text=$(mandoc -Tascii "$page" 2>/dev/null | col -bx)
first=$(printf '%s\n' "$text" | head -n 1)
last=$(printf '%s\n' "$text" | tail -n 1)
case "$first$last" in
*BSD*) fail "header or footer says BSD: '$first' '$last'" ;;
esac
case "$last" in
"swanctl-rekey $version"*) ;;
*) fail "footer: '$last'" ;;
esac
printf '%s\n' "$text" | grep -q '`\\xNN'"'" || fail "\\xNN is not rendered"
printf '%s\n' "$text" | grep -A 1 '^     1 ' | tr -s ' \n' ' ' |
	grep -q "1 The daemon refused the rekey: its \`success' is not \`yes'" ||
	fail "EXIT STATUS 1 does not begin with the refusal"
printf '%s\n' "$text" | grep -q 'nothing to rekey' || fail "no 'nothing to rekey'"
sections=$(printf '%s\n' "$text" | grep "^[A-Z][A-Z' ]*$" | tr '\n' ',')
[ "$sections" = "NAME,SYNOPSIS,DESCRIPTION,COMMANDS,REKEY OPTIONS,GLOBAL OPTIONS,WAITING,BATCHES,OUTPUT,ENVIRONMENT,FILES,EXIT STATUS,EXAMPLES,DIFFERENCES FROM STRONGSWAN'S SWANCTL,SEE ALSO," ] ||
	fail "sections: $sections"
# a command in EXAMPLES stays on one line at 80 columns, or says with a
# backslash that it goes on (a copy and paste of a wrapped line splits it)
printf '%s\n' "$text" | sed -n '/^EXAMPLES$/,/^[A-Z]/p' | awk '
	cont { cont = 0; next }
	/^ *# swanctl / { if (length($0) > 80) print "too wide: " $0
		if ($0 ~ /\\$/) cont = 1; cmd = 1; next }
	cmd && /^ *--/ { print "wrapped: " $0 }
	{ cmd = 0 }' >"${TMPDIR:-/tmp}/man-examples.$$"
[ ! -s "${TMPDIR:-/tmp}/man-examples.$$" ] ||
	fail "EXAMPLES: $(cat "${TMPDIR:-/tmp}/man-examples.$$")"
rm -f "${TMPDIR:-/tmp}/man-examples.$$"
# GLOBAL OPTIONS names every strongswan.conf key FILES names for the socket
globals=$(printf '%s\n' "$text" | sed -n '/^GLOBAL OPTIONS$/,/^WAITING$/p' | tr -s ' \n' ' ')
for key in swanctl.socket libstrongswan.socket swanctl.plugins.vici.socket \
	libstrongswan.plugins.vici.socket; do
	case $globals in
	*"\`$key'"*) ;;
	*) fail "GLOBAL OPTIONS does not name $key" ;;
	esac
done
echo "man: $failed failed"
[ "$failed" = 0 ]
