#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end --rekey --batch against real charon (tests/e2e/lab.sh): 110+ IKE_SAs
# of one config between A and B (B initiates with reuse_ikesa = no), plus
# one with a third daemon C.  --batch 10 rekeys every one, never more than
# 10 in flight (charon's log), and an immediate listing shows only the
# successors; with C killed (SIGKILL) its IKE_SA is stuck, and the others
# are rekeyed anyway.  Then the Ansible module: check mode, and a rolling
# run (serial: 1) that stops at a failing host.
#   SWANCTL=path     the client under test (default ./swanctl)
#   MANY=N           IKE_SAs B starts (default 109)
#   BENCH=1          also time an unpaced --wait of all of them, print the
#                    numbers for BENCHMARKS.md
# Run it under flock /tmp/charon-lab.lock like every lab.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
SWANCTL=$(realpath "${SWANCTL:-./swanctl}")
MANY=${MANY:-109}
. "$here/lab.sh"

lab_require e2e-batch

started=$(date +%s%N)
out=$(mktemp -d /tmp/e2e-batch.XXXXXX)
chmod 755 "$out"
trap 'lab_stop_peer KILL; lab_down; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

# cpu_watch PID: sample PID's utime+stime (clock ticks) every 0.2 s into
# $out/cpu until stopped; cpu_report prints "peak% cpu_seconds"
cpu_watch() {
	(
		while [ -r /proc/$1/stat ]; do
			echo "$(date +%s%N) $(awk '{ print $14 + $15 }' /proc/$1/stat)"
			sleep 0.2
		done
	) >"$out/cpu" &
	cpu_pid=$!
}
cpu_report() {
	kill "$cpu_pid" 2>/dev/null
	wait "$cpu_pid" 2>/dev/null
	awk -v hz="$(getconf CLK_TCK)" '
		NR == 1 { t0 = $1; c0 = $2 }
		NR > 1 && $1 > pt { p = ($2 - pc) / hz / (($1 - pt) / 1e9) * 100; if (p > peak) peak = p }
		{ pt = $1; pc = $2 }
		END { printf "%.0f %.2f\n", peak, (pc - c0) / hz }' "$out/cpu"
}

# the largest number of rekeys in flight, from A's log: "vici rekey" lines
# start one, "IKE_SA home[N] rekeyed" lines (N a successor we reported)
# end one
in_flight_peak() {
	awk -v new="$(tr '\n' ' ' <"$out/new_ids")" '
		BEGIN { n = split(new, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
		/vici rekey/ { if (++cur > peak) peak = cur }
		/IKE_SA home\[[0-9]+\] rekeyed between/ {
			id = $0; sub(/.*IKE_SA home\[/, "", id); sub(/\].*/, "", id)
			if (id in want) cur--
		}
		END { print peak + 0 }' "$1"
}

LAB_QUIET=1
if ! lab_up || ! lab_add_peer; then
	echo "e2e-batch: FAILED: the lab did not come up"
	for f in "$LAB"/*/charon.log "$LAB"/*/*.stderr "$LAB"/*/*.log; do
		[ -f "$f" ] && tail -n 20 "$f"
	done
	exit 1
fi
# C's one IKE_SA (no CHILD_SA), then B's many
STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --initiate --ike home \
	--timeout 20 >"$LAB/c/initiate.log" 2>&1 ||
	{ echo "e2e-batch: C could not initiate: $(cat "$LAB/c/initiate.log")"; exit 1; }
c_id=$(STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --list-sas --raw 2>/dev/null |
	sed -n 's/.*uniqueid=\([0-9]*\).*/\1/p' | head -n 1)
begin=$(date +%s)
lab_many "$MANY" || exit 1
total=$(lab_ike_ids A | wc -l)
echo "e2e-batch: $total IKE_SAs on A in $(($(date +%s) - begin)) s"

# --- Ansible: two lab daemons as two hosts (A, C), and one that is down ----
ansible_case() { # ansible_case NAME ARGS...: run the example playbook
	case_name=$1
	shift
	count=$((count + 1))
	ANSIBLE_STDOUT_CALLBACK=oneline ANSIBLE_HOST_KEY_CHECKING=False \
		ANSIBLE_LOCAL_TEMP=$out/ansible-local ANSIBLE_REMOTE_TEMP=$out/ansible-remote \
		ansible-playbook -i "$out/inventory" "$here/../../contrib/ansible/rekey.yml" "$@" \
		>"$out/ansible" 2>&1
	ansible_status=$?
}
# the JSON result of HOST's rekey task (the first line that names it)
ansible_result() {
	grep -m 1 "^$1 | " "$out/ansible" | sed 's/^[^{]*//'
}
if command -v ansible-playbook >/dev/null; then
	py=$(command -v /usr/bin/python3 || command -v python3)
	cat >"$out/inventory" <<EOI
[gateways]
gw-a ansible_connection=local vici_uri=$SOCK_A rekey_child=net rekey_batch=10
gw-down ansible_connection=local vici_uri=unix://$out/no-such.vici rekey_ike=home
gw-c ansible_connection=local vici_uri=$SOCK_C rekey_ike=home
gw-none ansible_connection=local vici_uri=$SOCK_A rekey_ike_id=999999
gw-typo ansible_connection=local vici_uri=$SOCK_A rekey_child=nothing
[gateways:vars]
ansible_python_interpreter=$py
swanctl_binary=$SWANCTL
rekey_batch=2
rekey_sa_timeout=20
rekey_timeout=60
EOI
	lab_sas A | awk '$1 == "child" && $2 == "net" && $4 == "INSTALLED" { print $3 }' |
		sort >"$out/nets"
	nets=$(wc -l <"$out/nets")
	c_ike=$(STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --list-sas --raw 2>/dev/null |
		sed -n 's/.*uniqueid=\([0-9]*\).*/\1/p' | head -n 1)
	# check mode: what would be rekeyed, nothing is
	ansible_case "ansible check mode" --check --limit gw-a,gw-c
	[ $ansible_status = 0 ] || fail "exit $ansible_status: $(tail -n 5 "$out/ansible")"
	ansible_result gw-a | "$py" -c 'import json, sys
r = json.load(sys.stdin)
w = r["would_rekey"]
assert r["changed"] and len(w) == int(sys.argv[1]) and len(w) > 100, r
assert all(x["sa"] == "CHILD_SA" and x["name"] == "net" for x in w), r
assert r["rekeyed"] == [] and "--list-sas" in r["cmd"], r' "$nets" ||
		fail "gw-a: $(ansible_result gw-a | head -c 400)"
	ansible_result gw-c | "$py" -c 'import json, sys
r = json.load(sys.stdin)
w = r["would_rekey"]
assert len(w) == 1 and w[0]["sa"] == "IKE_SA" and w[0]["uniqueid"] == sys.argv[1], r' "$c_ike" ||
		fail "gw-c: $(ansible_result gw-c | head -c 400)"
	lab_sas A | awk '$1 == "child" && $2 == "net" && $4 == "INSTALLED" { print $3 }' |
		sort | cmp -s - "$out/nets" || fail "check mode rekeyed CHILD_SAs"
	# one gateway at a time: gw-a is rekeyed, gw-down fails, gw-c is never
	# touched
	ansible_case "ansible rolling, stops at the failing host"
	[ $ansible_status = 2 ] || fail "exit $ansible_status: $(tail -n 5 "$out/ansible")"
	ansible_result gw-a | "$py" -c 'import json, sys
r = json.load(sys.stdin)
k = r["rekeyed"]
n = int(sys.argv[1])
assert r["changed"] and not r.get("failed") and r["failures"] == [], r
assert len(k) == n and all(x["old"]["uniqueid"] != x["new"]["uniqueid"] and x["old"]["spi-in"] != x["new"]["spi-in"] for x in k), r
assert sorted(x["old"]["uniqueid"] for x in k) == sorted(open(sys.argv[2]).read().split()), r
assert r["summary"] == {"matched": n, "rekeyed": n, "failed": 0, "timed_out": 0, "stopped": 0, "not_started": 0}, r' "$nets" "$out/nets" ||
		fail "gw-a: $(ansible_result gw-a | head -c 400)"
	grep -q "^gw-down | FAILED! => .*cannot connect to 'unix://$out/no-such.vici'" "$out/ansible" ||
		fail "gw-down: $(grep gw-down "$out/ansible" | head -c 400)"
	! grep -q "^gw-c " "$out/ansible" || fail "gw-c was run: $(grep '^gw-c' "$out/ansible")"
	[ "$(STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --list-sas --raw 2>/dev/null |
		sed -n 's/.*uniqueid=\([0-9]*\).*/\1/p' | head -n 1)" = "$c_ike" ] ||
		fail "C's IKE_SA was rekeyed"
	# the gateway that failed is fixed (here: taken out); the rest roll on,
	# gw-c rekeyed; gw-none has nothing up that matches: ok, unchanged
	ansible_case "ansible rolling, the rest" --limit gw-a,gw-c,gw-none
	[ $ansible_status = 0 ] || fail "exit $ansible_status: $(tail -n 5 "$out/ansible")"
	ansible_result gw-c | "$py" -c 'import json, sys
r = json.load(sys.stdin)
k = r["rekeyed"]
assert len(k) == 1 and k[0]["rekeyed"] and k[0]["old"]["uniqueid"] == sys.argv[1], r' "$c_ike" ||
		fail "gw-c: $(ansible_result gw-c | head -c 400)"
	ansible_result gw-none | "$py" -c 'import json, sys
r = json.load(sys.stdin)
assert not r["changed"] and not r.get("failed") and r["rc"] == 1, r
assert r["summary"]["matched"] == 0 and r["msg"] == "no matching SA is up: nothing to rekey", r' ||
		fail "gw-none: $(ansible_result gw-none | head -c 400)"
	# a name that no loaded config has: a typo fails the host (its
	# --list-conns goes through the client to strongSwan's swanctl)
	ansible_case "ansible typo" --limit gw-typo
	[ $ansible_status = 2 ] || fail "exit $ansible_status: $(tail -n 5 "$out/ansible")"
	ansible_result gw-typo | "$py" -c 'import json, sys
r = json.load(sys.stdin)
assert r["msg"] == "no loaded config has a CHILD_SA named '"'"'nothing'"'"' (swanctl --list-conns): a typo?", r' ||
		fail "gw-typo: $(ansible_result gw-typo | head -c 400)"
else
	echo "e2e-batch: Ansible cases SKIPPED, no ansible-playbook (package ansible-core)"
	[ -z "${E2E_REQUIRED:-}" ] || { echo "FAIL: ansible-playbook missing"; failed=$((failed + 1)); }
fi

# --- --batch 10 rekeys every one -----------------------------------------
case_name="batch 10"
count=$((count + 1))
lab_ike_ids A | sort -n >"$out/old_ids"
log_from=$(wc -l <"$LAB/a/charon.log")
cpu_watch "$(cat "$LAB/a/pid")"
t0=$(date +%s%N)
"$SWANCTL" --uri "$SOCK_A" --rekey --ike home --batch 10 --json --timeout 120 \
	>"$out/out" 2>"$out/err"
status=$?
wall_ms=$((($(date +%s%N) - t0) / 1000000))
lab_ike_ids A | sort -n >"$out/now_ids"
read -r peak cpu <<<"$(cpu_report)"
[ $status = 0 ] || fail "exit $status: $(tail -n 3 "$out/err")"
[ ! -s "$out/err" ] || fail "stderr: $(head -n 3 "$out/err")"
sed -n 's/.*"rekeyed":true,"old":{"uniqueid":"\([0-9]*\)".*/\1/p' "$out/out" |
	sort -n >"$out/done_ids"
sed -n 's/.*"new":{"uniqueid":"\([0-9]*\)".*/\1/p' "$out/out" |
	sort -n >"$out/new_ids"
cmp -s "$out/old_ids" "$out/done_ids" ||
	fail "rekeyed ids differ from the listed ones: $(diff "$out/old_ids" "$out/done_ids" | head -n 5)"
[ "$(tail -n 1 "$out/out")" = "{\"summary\":{\"matched\":$total,\"rekeyed\":$total,\"failed\":0,\"timed_out\":0,\"stopped\":0,\"not_started\":0}}" ] ||
	fail "summary: $(tail -n 1 "$out/out")"
# the listing right after: every successor, not one of the old ids
cmp -s "$out/now_ids" "$out/new_ids" ||
	fail "listed after: $(diff "$out/new_ids" "$out/now_ids" | head -n 5)"
[ -z "$(lab_sas A | awk '$1 == "ike" { print $3 }' | sort -n | sort | comm -12 - <(sort "$out/old_ids"))" ] ||
	fail "old IKE_SAs still listed"
tail -n +"$((log_from + 1))" "$LAB/a/charon.log" >"$out/log"
peak_flight=$(in_flight_peak "$out/log")
[ "$(grep -c 'vici rekey' "$out/log")" = "$total" ] ||
	fail "charon saw $(grep -c 'vici rekey' "$out/log") rekey commands, expected $total"
[ "$peak_flight" -le 10 ] && [ "$peak_flight" -ge 2 ] ||
	fail "$peak_flight rekeys in flight at most, expected 2..10"
echo "e2e-batch: --batch 10: $total IKE_SAs in $wall_ms ms, at most $peak_flight in flight, charon peak CPU $peak%, $cpu s CPU"

if [ -n "${BENCH:-}" ]; then
	for mode in wait "batch 50"; do
		cpu_watch "$(cat "$LAB/a/pid")"
		t0=$(date +%s%N)
		if [ "$mode" = wait ]; then
			"$SWANCTL" --uri "$SOCK_A" --rekey --ike home --wait --timeout 120 >"$out/bench" 2>&1
		else
			"$SWANCTL" --uri "$SOCK_A" --rekey --ike home --batch 50 --timeout 120 >"$out/bench" 2>&1
		fi
		st=$?
		ms=$((($(date +%s%N) - t0) / 1000000))
		read -r peak cpu <<<"$(cpu_report)"
		echo "e2e-batch: bench --$mode: exit $st, $(grep -c rekeyed "$out/bench") rekeyed in $ms ms, charon peak CPU $peak%, $cpu s CPU"
	done
fi

# --- charon rekeys one on its own before its turn: a success that says so --
case_name="batch 1, one rekeyed by charon before its turn"
count=$((count + 1))
wait_until_settled() {
	i=0
	while [ $i -lt 100 ] && [ "$(lab_ike_ids A | wc -l)" != "$total" ]; do
		i=$((i + 1))
		sleep 0.1
	done
}
wait_until_settled
# the last IKE_SA charon lists, so the last one our batch would start
last=$(lab_sas A | awk '$1 == "ike" && $4 == "ESTABLISHED" { id = $3 } END { print id }')
"$SWANCTL" --uri "$SOCK_A" --rekey --ike home --batch 1 --timeout 120 \
	>"$out/out" 2>"$out/err" &
pid=$!
sleep 0.3 # listed, early in the batch: strongSwan's swanctl rekeys it
lab_swanctl A --rekey --ike-id "$last" >/dev/null 2>&1
wait $pid
status=$?
[ $status = 0 ] || fail "exit $status: $(tail -n 3 "$out/err")"
grep -q "^IKE_SA home #$last rekeyed by charon or the peer on its own, new IKE_SA #[0-9]* (" "$out/out" ||
	fail "#$last: $(grep "#$last " "$out/out")"
[ "$(wc -l <"$out/out")" = "$total" ] || fail "$(wc -l <"$out/out") lines, $total SAs"
echo "e2e-batch: $case_name: #$last, $(grep -c 'on its own' "$out/out") by charon, exit $status"

# --- a peer gone: C killed, its IKE_SA stuck; the rest go on ----------------
case_name="stuck peer"
count=$((count + 1))
c_on_a=$(lab_swanctl A --list-sas --raw 2>/dev/null | grep -e 'remote-port=1500 ' -e 'remote-port=14500 ' |
	sed -n 's/^list-sa event {home {uniqueid=\([0-9]*\) .*/\1/p' | head -n 1)
lab_ike_ids A | sort -n >"$out/old_ids"
total=$(wc -l <"$out/old_ids")
lab_stop_peer KILL
"$SWANCTL" --uri "$SOCK_A" --rekey --ike home --batch 10 --sa-timeout 3 \
	--timeout 120 >"$out/out" 2>"$out/err"
status=$?
[ $status = 1 ] || fail "exit $status, expected 1: $(tail -n 2 "$out/err")"
stuck=$(sed -n 's/^swanctl: IKE_SA home #\([0-9]*\) did not finish rekeying within 3 s; charon last logged: .*/\1/p' "$out/err")
[ -n "$stuck" ] && [ "$(echo "$stuck" | wc -l)" = 1 ] || fail "stderr: $(cat "$out/err")"
[ "$(tail -n 1 "$out/err")" = "swanctl: $((total - 1)) of $total SAs rekeyed, 1 timed out" ] ||
	fail "summary: $(tail -n 1 "$out/err")"
[ "$(grep -c '^IKE_SA home #[0-9]* rekeyed, new IKE_SA #[0-9]* ([A-Z0-9_/-]*)$' "$out/out")" = $((total - 1)) ] ||
	fail "$(grep -c rekeyed "$out/out") lines on stdout, expected $((total - 1))"
[ -z "$c_on_a" ] || [ "$stuck" = "$c_on_a" ] ||
	fail "timed out #$stuck, C's IKE_SA was #$c_on_a"

took=$((($(date +%s%N) - started) / 1000000))
t_done ", ${took} ms (C's IKE_SA was #$c_id on C)"
