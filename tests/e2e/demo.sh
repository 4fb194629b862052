#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo: bring up two real charon daemons, list the SAs, rekey a
# CHILD_SA and the IKE_SA with this client (waiting until each is done), and
# list them again with their new ids and SPIs.
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

# prints the command line it runs, socket included
run() {
	echo
	echo "\$ swanctl --uri $SOCK_A $*"
	"$SWANCTL" --uri "$SOCK_A" "$@"
}

# the CHILD_SA net that is INSTALLED, from our own listing
installed_net() {
	"$SWANCTL" --uri "$SOCK_A" --list-sas --child net |
		sed -n 's/^  net: #\([0-9]*\), reqid [0-9]*, INSTALLED,.*/\1/p'
}

run --list-sas
net=$(installed_net)
run --rekey --child-id "$net" --wait || { echo "demo: the CHILD_SA was not rekeyed"; exit 1; }
run --rekey --ike home --wait || { echo "demo: the IKE_SA was not rekeyed"; exit 1; }
run --list-sas --ike home
echo
echo "demo: done, tearing down (make lab keeps such a lab up to play with)"
