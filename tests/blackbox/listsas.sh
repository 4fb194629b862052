#!/bin/sh
# SPDX-License-Identifier: MIT
# --list-sas against replayed list-sa event streams (tests/blackbox/listsas/*.events,
# one event per line in fakevici's notation): the human, raw and pretty
# output must equal what strongSwan's swanctl printed for the same stream
# (the *.human, *.raw, *.pretty files): 6.0.6 for the sw6-* streams (keys
# only a 6.0 daemon sends: ake1..ake7, per-cpu-sas, cpu), 5.9.8 for the
# others.  Where that swanctl is installed (Debian's, or 6.0.6 from
# tests/build-strongswan6.sh in SW6_PREFIX), it is run on each stream too
# and must still agree.  strongSwan's library logs about security labels
# on stderr ("adding null-terminator to security label") are dropped.
#   RECORD=1 rewrites the expected files from strongSwan's swanctl.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_tmpdir
# only strongSwan's own swanctl is a reference, not this client installed
# in its place
strongswan() { [ -x "$1" ] && "$1" --help 2>/dev/null | head -n 1 | grep -q '^strongSwan .* swanctl$'; }
ref5=${SWANCTL_REF:-/usr/sbin/swanctl}
strongswan "$ref5" || ref5=
ref6=${SW6_PREFIX:-/opt/swanctl-test/strongswan-6.0.6}/sbin/swanctl
strongswan "$ref6" || ref6=

# replay EVENTS CLIENT MODE: the client's output for that stream
replay() {
	# shellcheck disable=SC2046
	"$FAKEVICI" "$dir/s" read confirm read \
		$(sed 's/^/event:list-sa:/' "$1") reply: read confirm drain
	# shellcheck disable=SC2086
	"$2" --list-sas -u "unix://$dir/s" $3 2>&1 |
		grep -v -e "^plugin '" -e " security label$"
}

for events in "$here"/listsas/*.events; do
	base=${events%.events}
	case $(basename "$base") in
	sw6-*) ref=$ref6 ;;
	*) ref="$ref5 $ref6" ;; # 6.0.6 prints 5.9.8's streams the same
	esac
	for mode in human raw pretty; do
		flag=--$mode
		[ $mode = human ] && flag=
		count=$((count + 1))
		if [ -n "${RECORD:-}" ]; then
			[ -n "$ref" ] || { echo "listsas: no swanctl to record $base"; exit 1; }
			replay "$events" "${ref%% *}" "$flag" >"$base.$mode"
			continue
		fi
		replay "$events" "$SWANCTL" "$flag" >"$dir/ours"
		cmp -s "$dir/ours" "$base.$mode" || {
			echo "FAIL: listsas $(basename "$base") $mode:"
			diff "$base.$mode" "$dir/ours" | head -n 10
			failed=$((failed + 1))
		}
		for r in $ref; do
			replay "$events" "$r" "$flag" >"$dir/theirs"
			cmp -s "$dir/theirs" "$base.$mode" || {
				echo "FAIL: listsas $(basename "$base") $mode: $r disagrees"
				failed=$((failed + 1))
			}
		done
	done
done
if [ -n "$ref5" ]; then with5="5.9.8 ($ref5)"; else with5="5.9.8: not installed, not compared"; fi
if [ -n "$ref6" ]; then with6="6.0.6 ($ref6)"; else with6="6.0.6: not built, not compared (tests/build-strongswan6.sh)"; fi
t_done "; the recorded listings also compared with strongSwan's swanctl $with5, $with6"
