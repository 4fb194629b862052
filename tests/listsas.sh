#!/bin/sh
# SPDX-License-Identifier: MIT
# --list-sas against replayed list-sa event streams (tests/listsas/*.events,
# one event per line in fakevici's notation): the human, raw and pretty
# output must equal what strongSwan's swanctl 5.9.8 printed for the same
# stream (the *.human, *.raw, *.pretty files).  Where strongSwan's swanctl
# is installed, it is run on each stream too and must still agree.
#   RECORD=1 rewrites the expected files from strongSwan's swanctl.
set -u
SWANCTL=${SWANCTL:-./swanctl}
FAKEVICI=${FAKEVICI:-build/fakevici}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/listsas.XXXXXX)
trap 'rm -rf "$dir"' EXIT
ref=$(command -v swanctl)
[ "$ref" != "$(realpath "$SWANCTL")" ] || ref=
count=0
failed=0

# replay EVENTS CLIENT MODE: the client's output for that stream
replay() {
	# shellcheck disable=SC2046
	"$FAKEVICI" "$dir/s" read confirm read \
		$(sed 's/^/event:list-sa:/' "$1") reply: read confirm drain
	# shellcheck disable=SC2086
	"$2" --list-sas -u "unix://$dir/s" $3 2>&1 | grep -v "^plugin '"
}

for events in "$here"/listsas/*.events; do
	base=${events%.events}
	for mode in human raw pretty; do
		flag=--$mode
		[ $mode = human ] && flag=
		count=$((count + 1))
		if [ -n "${RECORD:-}" ]; then
			replay "$events" "$ref" "$flag" >"$base.$mode"
			continue
		fi
		replay "$events" "$SWANCTL" "$flag" >"$dir/ours"
		cmp -s "$dir/ours" "$base.$mode" || {
			echo "FAIL: listsas $(basename "$base") $mode:"
			diff "$base.$mode" "$dir/ours" | head -n 10
			failed=$((failed + 1))
		}
		if [ -n "$ref" ]; then
			replay "$events" "$ref" "$flag" >"$dir/theirs"
			cmp -s "$dir/theirs" "$base.$mode" || {
				echo "FAIL: listsas $(basename "$base") $mode: strongSwan's swanctl disagrees"
				failed=$((failed + 1))
			}
		fi
	done
done
echo "listsas: $count cases, $failed failed"
[ "$failed" = 0 ]
