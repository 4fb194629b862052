#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo: bring up two real charon daemons, rekey a CHILD_SA and the
# IKE_SA with this client, show the ids and SPIs before and after.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SWANCTL=$(realpath "${SWANCTL:-./swanctl}")
. "$here/lab.sh"

missing=$(lab_missing)
if [ -n "$missing" ]; then
	pkgs=$(echo "$missing" | sed -n 's/^package //p' | tr '\n' ' ')
	if [ "$(id -u)" = 0 ] && [ -n "$pkgs" ] && command -v apt-get >/dev/null &&
		! echo "$missing" | grep -qv '^package '; then
		echo "demo: installing $pkgs"
		apt-get update -q >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q $pkgs >/dev/null ||
			{ echo "demo: apt-get install $pkgs failed"; exit 1; }
	else
		echo "demo: cannot run, missing:"
		echo "$missing" | sed 's/^/  - /'
		[ -z "$pkgs" ] || echo "install with: apt-get install $pkgs"
		echo "and run as root: make demo (or sudo make demo)"
		exit 1
	fi
fi

trap lab_down EXIT
trap 'exit 130' INT TERM
lab_up || exit 1

show() {
	echo "--- SAs on host A (strongSwan's swanctl --list-sas):"
	lab_sas A | awk '$1 == "ike" { printf "  IKE_SA   %-5s #%-3s %-12s SPIs %s %s\n", $2, $3, $4, $5, $6 }
		$1 == "child" { printf "  CHILD_SA %-5s #%-3s %-12s SPIs %s %s\n", $2, $3, $4, $5, $6 }'
}

installed() { lab_sas A | awk -v n="$1" '$1 == "child" && $2 == n && $4 == "INSTALLED" { print $3 }'; }
established() { lab_sas A | awk '$1 == "ike" && $4 == "ESTABLISHED" { print $3 }'; }

wait_change() { # wait_change FUNC ARG OLD: until FUNC ARG prints one id != OLD
	for _ in $(seq 100); do
		now=$($1 $2)
		[ -n "$now" ] && [ "$now" != "$3" ] && [ "$(echo "$now" | wc -l)" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}

run() {
	echo "\$ swanctl $*"
	"$SWANCTL" -u "$SOCK_A" "$@"
}

show
old=$(installed net)
echo
run --rekey --child-id "$old"
wait_change installed net "$old" || { echo "demo: the CHILD_SA was not rekeyed"; exit 1; }
echo "CHILD_SA net: #$old -> #$(installed net)"
show
old=$(established)
echo
run --rekey --ike home
wait_change established "" "$old" || { echo "demo: the IKE_SA was not rekeyed"; exit 1; }
echo "IKE_SA home: #$old -> #$(established)"
show
echo
echo "demo: done, tearing down"
