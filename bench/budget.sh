#!/bin/sh
# SPDX-License-Identifier: MIT
# The cost of one --rekey round trip: instructions under callgrind and peak
# RSS, for this client and (when installed) strongSwan's swanctl, side by
# side against the same fake daemon.  Fails when ours is over budget.
#   bench/budget.sh [CLIENT]      (default ./swanctl)
set -u
ours=${1:-./swanctl}
fake=${FAKEVICI:-build/fakevici}
max_instr=${MAX_INSTR:-250000}
max_rss=${MAX_RSS_KIB:-2048}
dir=$(mktemp -d /tmp/budget.XXXXXX)
trap 'rm -rf "$dir"' EXIT
ok=hex:0000001b01030773756363657373000379657303076d617463686573000131

instructions() {
	"$fake" "$dir/s" read $ok close
	valgrind --tool=callgrind --callgrind-out-file="$dir/cg" \
		"$@" --rekey --ike home -u "unix://$dir/s" >/dev/null 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}

peak_rss() {
	"$fake" "$dir/s" read $ok close
	/usr/bin/time -f %M -o "$dir/rss" "$@" --rekey --ike home \
		-u "unix://$dir/s" >/dev/null 2>&1
	tail -n 1 "$dir/rss"
}

printf '%-28s %14s %14s\n' client "instructions" "peak RSS KiB"
i=$(instructions "$ours")
r=$(peak_rss "$ours")
printf '%-28s %14s %14s\n' "this swanctl" "$i" "$r"
if command -v swanctl >/dev/null && [ "$(command -v swanctl)" != "$(realpath "$ours")" ]; then
	ri=$(instructions swanctl)
	rr=$(peak_rss swanctl)
	printf '%-28s %14s %14s\n' "strongSwan swanctl" "$ri" "$rr"
	echo "ratio: $((ri / i))x fewer instructions, $((rr / r))x less memory"
fi
status=0
[ "$i" -le "$max_instr" ] || { echo "over budget: $i > $max_instr instructions"; status=1; }
[ "$r" -le "$max_rss" ] || { echo "over budget: $r > $max_rss KiB"; status=1; }
exit $status
