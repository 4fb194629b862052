#!/bin/sh
# SPDX-License-Identifier: MIT
# --rekey --batch against tests/fakes/fakebatch.py, a fake daemon that answers
# rekeys the way charon does and counts how many are in flight: the limit,
# a stuck SA, failures, signals, the overall timeout, the progress line.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
SWANCTL=$(realpath "$SWANCTL")
t_tmpdir
uri=unix://$dir/s
t_python

# fake OPTIONS...: start the fake daemon, wait until it listens
fake() {
	rm -f "$dir/report"
	"$PYTHON" "$here/../fakes/fakebatch.py" "$dir/s" --report "$dir/report" "$@" &
	fake_pid=$!
	t_wait_socket "$dir/s" fakebatch
}

# report: the fake's verdict, once the client has gone (called in $(...),
# a subshell, where the fake is no child to wait for: wait for its file)
report() {
	i=0
	until [ -s "$dir/report" ] || [ $i -ge 250 ]; do
		i=$((i + 1))
		sleep 0.02
	done
	cat "$dir/report"
}

# expect NAME STATUS STDOUT STDERR ARGS... (sorted=1: stdout sorted first)
expect() {
	case_name=$1 want_status=$2 want_out=$3 want_err=$4
	shift 4
	count=$((count + 1))
	"$SWANCTL" --uri "$uri" "$@" >"$dir/out" 2>"$dir/err"
	status=$?
	if [ -n "${sorted:-}" ]; then
		sort "$dir/out" >"$dir/sorted" && mv "$dir/sorted" "$dir/out"
	fi
	[ "$status" = "$want_status" ] || fail "exit $status, expected $want_status"
	[ "$(cat "$dir/out")" = "$want_out" ] || fail "stdout: $(cat "$dir/out")"
	[ "$(cat "$dir/err")" = "$want_err" ] || fail "stderr: $(cat "$dir/err")"
}

# lines FROM TO: "IKE_SA rw #I rekeyed, new IKE_SA #1000+I" for each I
lines() {
	for i in $(seq "$1" "$2"); do
		echo "IKE_SA rw #$i rekeyed, new IKE_SA #$((1000 + i))"
	done
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# the limit: 10 in flight at most, and 10 reached; completions out of order
fake --sas 60 --limit 10 --delay 10 --spread 40
sorted=1
expect limit-10 0 "$(lines 1 60 | sort)" "" --rekey --ike rw --batch 10
sorted=
[ "$(report)" = "max=10 rekeys=60 violations=0 order=$(seq -s, 1 60)" ] ||
	fail "fake: $(cat "$dir/report")"
# the fake's count bites: a limit of 9 sees the client's tenth
case_name=limit-checked
count=$((count + 1))
fake --sas 30 --limit 9 --delay 20
"$SWANCTL" --uri "$uri" --rekey --ike rw --batch 10 >/dev/null 2>&1
case $(report) in
"max=10 rekeys=30 violations="[1-9]*) ;;
*) fail "fake: $(cat "$dir/report")" ;;
esac
fake --sas 5 --limit 1 --delay 5
expect limit-1 0 "$(lines 1 5)" "" --rekey --ike rw --batch 1
[ "$(report)" = "max=1 rekeys=5 violations=0 order=1,2,3,4,5" ] ||
	fail "fake: $(cat "$dir/report")"

# CHILD_SAs by id; one goes down instead: reported, the rest go on, exit 1
fake --child --sas 4 --limit 2 --down 102 --delay 5 --spread 10
expect child-down 1 "CHILD_SA net #101 rekeyed, new CHILD_SA #1101
CHILD_SA net #103 rekeyed, new CHILD_SA #1103
CHILD_SA net #104 rekeyed, new CHILD_SA #1104" \
	"swanctl: CHILD_SA net #102 went down instead of rekeying
swanctl: 3 of 4 SAs rekeyed, 1 failed" --rekey --child net --batch 2
[ "$(report)" = "max=2 rekeys=4 violations=0 order=101,102,103,104" ] ||
	fail "fake: $(cat "$dir/report")"

# a stuck SA: given up after --sa-timeout, the others are not held up
fake --sas 6 --limit 2 --stuck 2 --delay 5
begin=$(now_ms)
expect stuck 1 "$(lines 1 1; lines 3 6)" \
	"swanctl: IKE_SA rw #2 did not finish rekeying within 0.3 s
swanctl: 5 of 6 SAs rekeyed, 1 timed out" \
	--rekey --ike rw --batch 2 --sa-timeout 0.3
took=$(($(now_ms) - begin))
[ "$took" -lt 1500 ] || fail "took $took ms"
[ "$(report)" = "max=1 rekeys=6 violations=0 order=1,2,3,4,5,6" ] ||
	fail "fake: $(cat "$dir/report")"

# --json: one object per SA, failures with the daemon's words, a summary
fake --sas 3 --limit 1 --gone 2 --delay 5
o='"initiator-spi":"0000000000000001","responder-spi":"0000000000000100"'
expect json 1 "{\"sa\":\"IKE_SA\",\"name\":\"rw\",\"ike\":\"rw\",\"ok\":true,\"outcome\":\"rekeyed\",\"rekeyed\":true,\"old\":{\"uniqueid\":\"1\",$o},\"by\":\"us\",\"new\":{\"uniqueid\":\"1001\",\"initiator-spi\":\"00000000000003e9\",\"responder-spi\":\"000000000003e900\"}}
{\"sa\":\"IKE_SA\",\"name\":\"rw\",\"ike\":\"rw\",\"ok\":false,\"outcome\":\"refused\",\"rekeyed\":false,\"old\":{\"uniqueid\":\"2\",\"initiator-spi\":\"0000000000000002\",\"responder-spi\":\"0000000000000200\"},\"error\":\"rekey failed: no matching SAs to rekey found\"}
{\"sa\":\"IKE_SA\",\"name\":\"rw\",\"ike\":\"rw\",\"ok\":true,\"outcome\":\"rekeyed\",\"rekeyed\":true,\"old\":{\"uniqueid\":\"3\",\"initiator-spi\":\"0000000000000003\",\"responder-spi\":\"0000000000000300\"},\"by\":\"us\",\"new\":{\"uniqueid\":\"1003\",\"initiator-spi\":\"00000000000003eb\",\"responder-spi\":\"000000000003eb00\"}}
{\"summary\":{\"matched\":3,\"rekeyed\":2,\"failed\":1,\"timed_out\":0,\"stopped\":0,\"not_started\":0}}" \
	"swanctl: IKE_SA rw #2 rekey failed: no matching SAs to rekey found
swanctl: 2 of 3 SAs rekeyed, 1 failed" --rekey --ike rw --batch 1 --json
report >/dev/null

# a full disk: the first failed write ends the run, exit 6
case_name=full
count=$((count + 1))
fake --sas 20 --limit 2 --delay 5
"$SWANCTL" --uri "$uri" --rekey --ike rw --batch 2 >/dev/full 2>"$dir/err"
status=$?
[ $status = 6 ] || fail "exit $status, expected 6"
[ "$(cat "$dir/err")" = "swanctl: writing output: No space left on device" ] ||
	fail "stderr: $(cat "$dir/err")"
case $(report) in
"max=2 rekeys=20 "*) fail "went on after the failed write: $(cat "$dir/report")" ;;
esac

# nothing matched
fake --sas 0
expect none 1 "" "swanctl: no matching SA was up: nothing to rekey" \
	--rekey --ike rw --batch 4
report >/dev/null
fake --sas 0
expect none-json 1 '{"summary":{"matched":0,"rekeyed":0,"failed":0,"timed_out":0,"stopped":0,"not_started":0}}' \
	"swanctl: no matching SA was up: nothing to rekey" --rekey --ike rw --batch 4 --json
report >/dev/null
# ... and when that cannot be written, the failed write is what counts
fake --sas 0
count=$((count + 1))
case_name=none-json-full
"$SWANCTL" --uri "$uri" --rekey --ike rw --batch 4 --json >/dev/full 2>"$dir/err"
status=$?
[ "$status" = 6 ] || fail "exit $status, expected 6"
[ "$(cat "$dir/err")" = "swanctl: writing output: No space left on device" ] ||
	fail "stderr: $(cat "$dir/err")"
report >/dev/null

# --timeout bounds the whole run: exit 5
fake --sas 5 --limit 2 --stuck 1,2
expect timeout 5 "" "swanctl: IKE_SA rw #1 did not finish rekeying within 0.5 s
swanctl: IKE_SA rw #2 did not finish rekeying within 0.5 s
swanctl: IKE_SA rw #3 not rekeyed: --timeout (0.5 s) ran out before its turn
swanctl: IKE_SA rw #4 not rekeyed: --timeout (0.5 s) ran out before its turn
swanctl: IKE_SA rw #5 not rekeyed: --timeout (0.5 s) ran out before its turn
swanctl: 0 of 5 SAs rekeyed, 2 timed out, 3 not started" \
	--rekey --ike rw --batch 2 --timeout 0.5
report >/dev/null

# SIGTERM: at once, no new rekeys, the two in flight and the eight not
# started named, the summary: 143
case_name=sigterm
count=$((count + 1))
fake --sas 10 --limit 2 --delay 600
"$SWANCTL" --uri "$uri" --rekey --ike rw --batch 2 >"$dir/out" 2>"$dir/err" &
pid=$!
sleep 0.3
begin=$(now_ms)
kill -TERM $pid
wait $pid
status=$?
took=$(($(now_ms) - begin))
[ $status = 143 ] || fail "exit $status, expected 143"
[ ! -s "$dir/out" ] || fail "stdout: $(cat "$dir/out")"
[ "$(cat "$dir/err")" = "swanctl: IKE_SA rw #1 still rekeying when stopped by SIGTERM
swanctl: IKE_SA rw #2 still rekeying when stopped by SIGTERM
swanctl: IKE_SA rw #3 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #4 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #5 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #6 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #7 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #8 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #9 not rekeyed: stopped by SIGTERM before its turn
swanctl: IKE_SA rw #10 not rekeyed: stopped by SIGTERM before its turn
swanctl: 0 of 10 SAs rekeyed, 2 stopped in flight, 8 not started" ] ||
	fail "stderr: $(cat "$dir/err")"
[ "$took" -lt 1000 ] || fail "took $took ms"
[ "$(report)" = "max=2 rekeys=2 violations=0 order=1,2" ] ||
	fail "fake: $(cat "$dir/report")"

# SIGINT with --json: the same, as records and a summary; 130
case_name=sigint
count=$((count + 1))
fake --sas 3 --limit 1 --stuck 1
"$SWANCTL" --uri "$uri" --rekey --ike rw --batch 1 --json --timeout 0 \
	>"$dir/out" 2>"$dir/err" &
pid=$!
sleep 0.3
begin=$(now_ms)
kill -INT $pid
wait $pid
status=$?
took=$(($(now_ms) - begin))
[ $status = 130 ] || fail "exit $status, expected 130"
[ "$(sed 's/"old":{[^}]*},//' "$dir/out")" = '{"sa":"IKE_SA","name":"rw","ike":"rw","ok":false,"outcome":"stopped","rekeyed":false,"error":"still rekeying when stopped by SIGINT"}
{"sa":"IKE_SA","name":"rw","ike":"rw","ok":false,"outcome":"not_started","rekeyed":false,"error":"not rekeyed: stopped by SIGINT before its turn"}
{"sa":"IKE_SA","name":"rw","ike":"rw","ok":false,"outcome":"not_started","rekeyed":false,"error":"not rekeyed: stopped by SIGINT before its turn"}
{"summary":{"matched":3,"rekeyed":0,"failed":0,"timed_out":0,"stopped":1,"not_started":2}}' ] ||
	fail "stdout: $(cat "$dir/out")"
[ "$took" -lt 1000 ] || fail "took $took ms"
report >/dev/null

# the progress line: only on a terminal, redrawn with \r, cleared at the end
case_name=progress
count=$((count + 1))
if command -v script >/dev/null; then
	fake --sas 20 --limit 2 --delay 100
	script -qec "'$SWANCTL' --uri '$uri' --rekey --ike rw --batch 2 >'$dir/out'" \
		/dev/null >"$dir/tty"
	report >/dev/null
	[ "$(sort "$dir/out")" = "$(lines 1 20 | sort)" ] || fail "stdout: $(cat "$dir/out")"
	esc=$(printf '\033')
	cr=$(printf '\r')
	grep -q "${cr}swanctl: [0-9]* rekeyed, 0 failed, [0-2] in flight, [0-9]* left, [0-9.]*/s" "$dir/tty" ||
		fail "no progress line: $(od -c "$dir/tty" | head -5)"
	grep -q "swanctl: [0-9]* rekeyed, 0 failed, [0-2] in flight, [0-9]* left, [0-9.]*/s, about 0:0[0-9] to go" "$dir/tty" ||
		fail "no estimate: $(od -c "$dir/tty" | head -5)"
	# the last thing written clears the line
	[ "$(tail -c 4 "$dir/tty" | od -An -c | tr -d ' ')" = "\r033[K" ] ||
		fail "not cleared at the end: $(tail -c 20 "$dir/tty" | od -c)"
	# the same run with stderr not a terminal: not a byte on it (limit-10)
	# the first SAs finishing in the run's first milliseconds: no estimate
	# from a rate of zero or infinity (it printed "about -1537...:-8")
	fake --sas 50 --limit 50 --delay 0
	script -qec "'$SWANCTL' --uri '$uri' --rekey --ike rw --batch 50 >/dev/null" \
		/dev/null >"$dir/tty"
	report >/dev/null
	! grep -q "about -\|inf\|nan" "$dir/tty" ||
		fail "estimate: $(tr '\r' '\n' <"$dir/tty" | grep about | head -n 3)"
else
	echo "batch: progress case SKIPPED, no script(1)"
fi

t_done
