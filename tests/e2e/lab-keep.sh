#!/bin/bash
# SPDX-License-Identifier: MIT
# make lab / make lab-down: the two-daemon lab of tests/e2e/lab.sh (an IKE_SA
# "home" with CHILD_SAs "net" and "net2" between two network namespaces),
# kept up to play with until make lab-down.  Prints side A's socket and an
# export line that points both this client and strongSwan's swanctl at it.
# The lab's names are kept in STATE, so that lab-down finds them.
#   bash tests/e2e/lab-keep.sh up|down|status
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lab.sh"
SWANCTL=$(realpath "${SWANCTL:-./swanctl}")
STATE=${LAB_STATE:-/run/swanctl-rekey-lab}

# the kept lab's LAB, NS_A, NS_B, SOCK_A, TCP_B; 1 when there is none
load() {
	[ -f "$STATE" ] || return 1
	. "$STATE"
	[ -d "$LAB" ] && kill -0 "$(cat "$LAB/a/pid" 2>/dev/null)" 2>/dev/null
}

show() {
	echo "lab: side A's VICI socket: $SOCK_A (side B: $TCP_B in its namespace)"
	echo "lab: SAs: IKE_SA home, CHILD_SAs net and net2; try, in this shell:"
	echo
	echo "export STRONGSWAN_CONF=$LAB/a/strongswan.conf"
	echo "$SWANCTL --list-sas"
	echo "$SWANCTL --rekey --child net --wait"
	echo
	echo "lab: (or --uri $SOCK_A instead of the export); make lab-down ends it"
}

case ${1:-} in
up)
	if load; then
		echo "lab: already up"
		show
		exit 0
	fi
	missing=$(lab_missing)
	if [ -n "$missing" ]; then
		echo "lab: cannot run, missing:"
		echo "$missing" | sed 's/^/  - /'
		echo "(sh tests/setup-debian.sh demo installs the packages; run as root)"
		exit 1
	fi
	lab_up || { lab_down; exit 1; }
	printf 'LAB=%s\nNS_A=%s\nNS_B=%s\nSOCK_A=%s\nTCP_B=%s\n' \
		"$LAB" "$NS_A" "$NS_B" "$SOCK_A" "$TCP_B" >"$STATE"
	show
	;;
down)
	if [ ! -f "$STATE" ]; then
		echo "lab: no lab kept by make lab"
		exit 0
	fi
	. "$STATE"
	lab_down
	rm -f "$STATE"
	echo "lab: down"
	;;
status)
	if load; then show; else echo "lab: not up"; exit 1; fi
	;;
*)
	echo "usage: bash tests/e2e/lab-keep.sh up|down|status" >&2
	exit 2
	;;
esac
