#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmarks, each row measured side by side with strongSwan's swanctl in
# the same run: instructions per --rekey round trip (callgrind), peak RSS,
# stripped binary size, a listing of 10,000 IKE_SAs (time, memory and
# instructions), and, with root and the lab packages, the wall time of
# 1,000 sequential --rekey calls against real charon.  Fails when this
# client is over its budget.
#   bench/bench.sh DYNAMIC [STATIC]
#   RUNS=N (timed runs per client, default 3), CALLS=N (default 1000),
#   LIST_THEIRS=1 (strongSwan's instructions for the listing too)
set -u
here=$(cd "$(dirname "$0")" && pwd)
dyn=$(realpath "$1")
static=${2:+$(realpath "$2")}
fake=$(realpath "${FAKEVICI:-build/fakevici}")
runs=${RUNS:-3}
calls=${CALLS:-1000}
max_dyn=${MAX_INSTR:-150000}
max_static=${MAX_INSTR_STATIC:-60000}
# The default invocation (no --uri) reads Debian's stock strongswan.conf
# tree: 286,000 measured with the reader written plainly where its
# hand-tuning did not pay.  Issue 26 sets 300,000 (issue 14's 200,000 was
# under what the loader and libc's start cost the dynamic binary:
# BENCHMARKS.md says why).
max_default=${MAX_INSTR_DEFAULT:-300000}
max_rss=${MAX_RSS_KIB:-1536}
theirs=$(command -v swanctl || true)
[ "$theirs" != "$dyn" ] || theirs=
dir=$(mktemp -d /tmp/bench.XXXXXX)
chmod 755 "$dir"
status=0
ok=hex:0000001b01030773756363657373000379657303076d617463686573000131

# A fixed, small environment: glibc's start-up cost grows with it.
clean_env() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

instructions() {
	"$fake" "$dir/s" read $ok close
	clean_env valgrind --tool=callgrind --callgrind-out-file="$dir/cg" \
		"$@" --rekey --ike home -u "unix://$dir/s" >/dev/null 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}

# instructions_default CLIENT: the same round trip without --uri, the socket
# found in a copy of Debian's stock /etc/strongswan.conf tree (one file
# added to strongswan.d names the fake daemon's socket)
instructions_default() {
	[ -f /etc/strongswan.conf ] || return 0
	if ! [ -d "$dir/stock" ]; then
		mkdir "$dir/stock"
		cp -r /etc/strongswan.conf "$dir/stock/"
		[ ! -d /etc/strongswan.d ] || cp -r /etc/strongswan.d "$dir/stock/"
		mkdir -p "$dir/stock/strongswan.d"
		printf 'swanctl {\n\tsocket = unix://%s/s\n}\n' "$dir" \
			>"$dir/stock/strongswan.d/zz-bench.conf"
	fi
	"$fake" "$dir/s" read $ok close
	clean_env STRONGSWAN_CONF="$dir/stock/strongswan.conf" valgrind \
		--tool=callgrind --callgrind-out-file="$dir/cg" \
		"$@" --rekey --ike home >/dev/null 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}

# The least of five runs: where the loader and the stack land moves the
# peak by up to 200 KiB from one run to the next.
peak_rss() {
	best=
	for _ in 1 2 3 4 5; do
		"$fake" "$dir/s" read $ok close
		clean_env /usr/bin/time -f %M -o "$dir/rss" "$@" --rekey \
			--ike home -u "unix://$dir/s" >/dev/null 2>&1
		r=$(tail -n 1 "$dir/rss")
		[ -n "$best" ] && [ "$best" -le "$r" ] || best=$r
	done
	echo "$best"
}

stripped_size() {
	strip -o "$dir/stripped" "$1" 2>/dev/null && stat -c %s "$dir/stripped"
}

row() { printf '%-44s %16s %16s %16s\n' "$@"; }

check() { # check WHAT VALUE MAX
	if [ -n "$2" ] && [ "$2" -gt "$3" ]; then
		echo "OVER BUDGET: $1 is $2, budget $3"
		status=1
	fi
}

ratio() { # ratio A B: A/B with one decimal
	echo "$(($1 * 10 / $2 / 10)).$(($1 * 10 / $2 % 10))x"
}

row "" "this (dynamic)" "this (static)" "strongSwan 5.9.8"
i_dyn=$(instructions "$dyn")
i_static=${static:+$(instructions "$static")}
i_theirs=${theirs:+$(instructions "$theirs")}
row "instructions per --rekey (callgrind)" "$i_dyn" "${i_static:--}" "${i_theirs:--}"
d_dyn=$(instructions_default "$dyn")
d_static=${static:+$(instructions_default "$static")}
d_theirs=${theirs:+$(instructions_default "$theirs")}
row "  the same, socket from strongswan.conf" "${d_dyn:--}" "${d_static:--}" "${d_theirs:--}"
r_dyn=$(peak_rss "$dyn")
r_static=${static:+$(peak_rss "$static")}
r_theirs=${theirs:+$(peak_rss "$theirs")}
row "peak RSS KiB (/usr/bin/time)" "$r_dyn" "${r_static:--}" "${r_theirs:--}"
s_theirs=${theirs:+$(stripped_size "$theirs")}
row "stripped binary bytes" "$(stripped_size "$dyn")" \
	"${static:+$(stripped_size "$static")}" "${s_theirs:+$s_theirs + libs}"
check "dynamic instructions" "$i_dyn" "$max_dyn"
check "static instructions" "$i_static" "$max_static"
check "dynamic instructions, socket from strongswan.conf" "$d_dyn" "$max_default"
check "dynamic peak RSS KiB" "$r_dyn" "$max_rss"
check "static peak RSS KiB" "$r_static" "$max_rss"

# --list-sas of a stream of 10,000 IKE_SAs with two CHILD_SAs each, from
# the fake daemon: wall time (median of RUNS) and peak RSS, both clients.
sas=${SAS:-10000}
awk -v n="$sas" 'BEGIN {
	for (i = 1; i <= n; i++)
		printf "event:list-sa:gw%d{uniqueid=%d,version=2,state=ESTABLISHED,local-host=192.0.2.1,local-port=4500,local-id=moon.example.org,remote-host=198.51.100.%d,remote-port=4500,remote-id=peer%d.example.org,initiator=yes,initiator-spi=%016x,responder-spi=%016x,encr-alg=AES_CBC,encr-keysize=128,integ-alg=HMAC_SHA2_256_128,prf-alg=PRF_HMAC_SHA2_256,dh-group=MODP_2048,established=%d,rekey-time=13000,child-sas{net-%d{name=net,uniqueid=%d,reqid=%d,state=INSTALLED,mode=TUNNEL,protocol=ESP,encap=yes,spi-in=%08x,spi-out=%08x,encr-alg=AES_GCM_16,encr-keysize=128,bytes-in=%d,packets-in=%d,bytes-out=0,packets-out=0,rekey-time=3000,life-time=3960,install-time=5,local-ts=[10.1.0.0/16],remote-ts=[10.%d.0.0/16]},web-%d{name=web,uniqueid=%d,reqid=%d,state=INSTALLED,mode=TUNNEL,protocol=ESP,spi-in=%08x,spi-out=%08x,encr-alg=AES_CBC,encr-keysize=256,integ-alg=HMAC_SHA2_256_128,bytes-in=0,packets-in=0,bytes-out=0,packets-out=0,rekey-time=3000,life-time=3960,install-time=5,local-ts=[10.1.0.0/16],remote-ts=[10.%d.1.0/24]}}}\n", i, i, i % 250, i, i * 7919, i * 104729, i % 3600, 2 * i, 2 * i, 2 * i, i, i + 1, i * 1000, i, i % 250, 2 * i + 1, 2 * i + 1, 2 * i + 1, i + 2, i + 3, i % 250
	print "reply:"
}' >"$dir/stream"
# encoded once, so the fake daemon sends at full speed
"$fake" -e "$dir/stream.bin" "file:$dir/stream"
list_once() { # list_once CLIENT: "ms kib" for one listing of the stream
	"$fake" "$dir/ls" read confirm read "raw:$dir/stream.bin" read confirm drain
	start=$(date +%s%N)
	clean_env /usr/bin/time -f %M -o "$dir/lrss" "$1" --list-sas \
		-u "unix://$dir/ls" >"$dir/listing" 2>/dev/null
	echo "$((($(date +%s%N) - start) / 1000000)) $(tail -n 1 "$dir/lrss")"
}
: >"$dir/l_dyn"
: >"$dir/l_theirs"
for _ in $(seq "$runs"); do
	list_once "$dyn" >>"$dir/l_dyn"
	[ -z "$theirs" ] || list_once "$theirs" >>"$dir/l_theirs"
done
# instructions for one listing of the stream (callgrind): ours against a
# budget (issue 25: 300 M), strongSwan's with LIST_THEIRS=1 (a minute more)
list_instructions() { # list_instructions CLIENT
	"$fake" "$dir/ls" read confirm read "raw:$dir/stream.bin" read confirm drain
	clean_env valgrind --tool=callgrind --callgrind-out-file="$dir/cg" \
		"$1" --list-sas -u "unix://$dir/ls" >/dev/null 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}
li_dyn=$(list_instructions "$dyn")
[ -z "$theirs" ] || [ -z "${LIST_THEIRS:-}" ] ||
	li_theirs=$(list_instructions "$theirs")
lines=$(wc -l <"$dir/listing")
l_dyn=$(cut -d' ' -f1 "$dir/l_dyn" | sort -n | sed -n "$(((runs + 1) / 2))p")
m_dyn=$(cut -d' ' -f2 "$dir/l_dyn" | sort -n | tail -n 1)
if [ -n "$theirs" ]; then
	l_theirs=$(cut -d' ' -f1 "$dir/l_theirs" | sort -n | sed -n "$(((runs + 1) / 2))p")
	m_theirs=$(cut -d' ' -f2 "$dir/l_theirs" | sort -n | tail -n 1)
fi
row "ms to list $sas IKE_SAs (median/$runs)" "$l_dyn" "" "${l_theirs:--}"
[ -z "$theirs" ] || row "  times faster than strongSwan's swanctl" \
	"$(ratio "$l_theirs" "$l_dyn")" "" "1.0x"
row "  peak RSS KiB while listing" "$m_dyn" "" "${m_theirs:--}"
row "  instructions for the listing (callgrind)" "$li_dyn" "" "${li_theirs:--}"
[ "$lines" -gt "$sas" ] || { echo "the listing has only $lines lines"; status=1; }
[ -n "$li_dyn" ] || { echo "no instruction count for the listing"; status=1; }
check "peak RSS KiB while listing" "$m_dyn" "${MAX_LIST_RSS_KIB:-4096}"
check "instructions for the listing" "$li_dyn" "${MAX_LIST_INSTR:-300000000}"

# --wait over 50,000 SAs and 650,000 events: instructions per event at
# 2,000 and 50,000 SAs (within 10%: linear), peak RSS (bench/wait.sh)
FAKEVICI=$fake bash "$here/wait.sh" "$dyn" || status=1

# Wall time of CALLS sequential calls against a real charon, each client
# in turn, RUNS times.  The id matches nothing, so every call is the same
# full round trip and the daemon is not flooded with thousands of rekeys.
. "$here/../tests/e2e/lab.sh"
if [ -n "$theirs" ] && [ -z "$(lab_missing)" ]; then
	trap 'lab_down; rm -rf "$dir"' EXIT
	LAB_QUIET=1
	lab_up >/dev/null || { echo "bench: the lab did not come up"; exit 1; }
	loop() { # loop CLIENT: prints milliseconds for CALLS calls
		start=$(date +%s%N)
		for _ in $(seq "$calls"); do
			STRONGSWAN_CONF=$LAB/a/strongswan.conf \
				"$1" --rekey --child-id 999999 -u "$SOCK_A" >/dev/null 2>&1
		done
		echo $((($(date +%s%N) - start) / 1000000))
	}
	median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
	: >"$dir/t_dyn"
	: >"$dir/t_static"
	: >"$dir/t_theirs"
	: >"$dir/t_floor"
	for _ in $(seq "$runs"); do
		loop /bin/true >>"$dir/t_floor"
		loop "$dyn" >>"$dir/t_dyn"
		[ -z "$static" ] || loop "$static" >>"$dir/t_static"
		loop "$theirs" >>"$dir/t_theirs"
	done
	t_floor=$(median <"$dir/t_floor")
	t_dyn=$(median <"$dir/t_dyn")
	t_static=$([ -z "$static" ] || median <"$dir/t_static")
	t_theirs=$(median <"$dir/t_theirs")
	row "ms for $calls sequential --rekey (median/$runs)" "$t_dyn" "${t_static:--}" "$t_theirs"
	row "  times faster than strongSwan's swanctl" "$(ratio "$t_theirs" "$t_dyn")" \
		"${t_static:+$(ratio "$t_theirs" "$t_static")}" "1.0x"
	row "ms for $calls runs of /bin/true (the loop)" "$t_floor" "" ""
	row "  times faster, the loop's cost taken out" \
		"$(ratio $((t_theirs - t_floor)) $((t_dyn - t_floor)))" \
		"${t_static:+$(ratio $((t_theirs - t_floor)) $((t_static - t_floor)))}" "1.0x"
	# The shell's fork and exec and charon's own reply time bound what
	# any client can reach here, so the 8x goal is reported, not enforced.
	if [ $((t_dyn * 8)) -gt "$t_theirs" ]; then
		echo "below the 8x goal: the loop alone costs $t_floor ms"
	fi
else
	trap 'rm -rf "$dir"' EXIT
	echo "(no timed rows: they need root, strongSwan's swanctl and the lab packages)"
fi
exit $status
