#!/bin/bash
# SPDX-License-Identifier: MIT
# --wait at scale against two real charon daemons (issue 15): side A holds
#   home       SCALE_SAS IKE_SAs (default 200) of one config with side B at
#              192.0.2.2, one CHILD_SA "net" each (reuse_ikesa = no)
#   rw         a road-warrior config: PEERS peers (default 20) of B at
#              192.0.2.10.., each with its own identity, CHILD_SA "rwnet";
#              more peers connect and disconnect during the waits
#   strict     one IKE_SA with B at 192.0.2.3 whose CHILD_SA rekey B refuses
#              (A proposes modp2048 for ESP, B accepts only ecp256)
# Each case checks the exit status and every printed pair against a listing
# made right afterwards.  Needs root and the lab packages (see lab.sh).
#   SWANCTL=path   the client under test (default ./swanctl)
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
SWANCTL=$(realpath "${SWANCTL:-./swanctl}")
SCALE_SAS=${SCALE_SAS:-200}
PEERS=${PEERS:-20}
CHURN=5 # peers beyond PEERS that come and go
. "$here/lab.sh"

lab_require e2e-scale

started=$(date +%s)
out=$(mktemp -d /tmp/e2e-scale.XXXXXX)
chmod 755 "$out"
churn_pid=
trap 'touch "$out/stop"; [ -z "$churn_pid" ] || wait "$churn_pid"; lab_down; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM

scale_conf() { # scale_conf SIDE: strongswan.conf
	mkdir -p "$LAB/$1"
	cat >"$LAB/$1/strongswan.conf" <<EOC
charon {
	load = $LAB_PLUGINS
	install_virtual_ip = no
	reuse_ikesa = no
	# every blocking initiate holds a worker until its IKE_SA is up
	threads = 48
	# all of A's IKE_SAs come from one address: no cookies, no blocking
	# of its half-open IKE_SAs (the defaults, 10 and 5, cost retransmits)
	cookie_threshold = 10000
	block_threshold = 10000
	plugins {
		vici {
			socket = unix://$LAB/$1/charon.vici
		}
	}
	filelog {
		lab {
			path = $LAB/$1/charon.log
			default = 1
			time_format = %T
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
}
swanctl {
	socket = unix://$LAB/$1/charon.vici
}
EOC
}

# conn NAME LOCAL REMOTE LOCAL_ID REMOTE_ID CHILD LOCAL_TS REMOTE_TS ESP
conn() {
	cat <<EOC
	$1 {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		proposals = aes128-sha256-ecp256
		rekey_time = 4h
		# many IKE_SAs of one peer: an INITIAL_CONTACT from one of them
		# must not make the other side drop the rest silently
		unique = never
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			$6 {
				local_ts = $7
				remote_ts = $8
				esp_proposals = $9
				rekey_time = 4h
			}
		}
	}
EOC
}

secret='secrets { ike-scale { secret = "lab secret, never used for anything real" } }'

scale_up() {
	LAB=$(mktemp -d /tmp/swanscale.XXXXXX)
	chmod 755 "$LAB"
	NS_A=swsc$$a
	NS_B=swsc$$b
	SOCK_A=unix://$LAB/a/charon.vici
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link add "sc$$a" type veth peer name "sc$$b" || return 1
	ip link set "sc$$a" netns "$NS_A" && ip link set "sc$$b" netns "$NS_B" || return 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "sc$$a"
	ip -n "$NS_A" addr add 10.1.0.1/32 dev lo
	for a in 2 3 $(seq 10 $((9 + PEERS + CHURN))); do
		ip -n "$NS_B" addr add "192.0.2.$a/24" dev "sc$$b"
	done
	ip -n "$NS_B" addr add 10.2.0.1/32 dev lo
	ip -n "$NS_B" addr add 10.3.0.1/32 dev lo
	for n in $(seq 1 $((PEERS + CHURN))); do
		ip -n "$NS_B" addr add "10.100.$n.1/32" dev lo
	done
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set "sc$$a" up
	ip -n "$NS_B" link set "sc$$b" up
	scale_conf a
	scale_conf b
	{
		echo "connections {"
		conn home 192.0.2.1 192.0.2.2 a.lab.test b.lab.test net \
			10.1.0.0/16 10.2.0.0/16 aes128gcm16
		conn rw 192.0.2.1 %any gw.lab.test %any rwnet \
			10.1.0.0/16 10.100.0.0/16 aes128gcm16
		conn strict 192.0.2.1 192.0.2.3 a.lab.test b.lab.test strictnet \
			10.1.0.0/16 10.3.0.0/16 aes128-sha256-modp2048
		echo "}"
		echo "$secret"
	} >"$LAB/a/swanctl.conf"
	{
		echo "connections {"
		conn home 192.0.2.2 192.0.2.1 b.lab.test a.lab.test net \
			10.2.0.0/16 10.1.0.0/16 aes128gcm16
		conn strict 192.0.2.3 192.0.2.1 b.lab.test a.lab.test strictnet \
			10.3.0.0/16 10.1.0.0/16 aes128-sha256-ecp256
		for n in $(seq 1 $((PEERS + CHURN))); do
			conn "peer$n" "192.0.2.$((9 + n))" 192.0.2.1 \
				"peer$n.lab.test" gw.lab.test rwnet \
				"10.100.$n.0/24" 10.1.0.0/16 aes128gcm16
		done
		echo "}"
		echo "$secret"
	} >"$LAB/b/swanctl.conf"
	lab_start "$NS_A" a
	lab_start "$NS_B" b
	lab_wait_socket A && lab_wait_socket B || return 1
	lab_swanctl A --load-all --file "$LAB/a/swanctl.conf" >"$LAB/a/load.log" 2>&1 &&
		lab_swanctl B --load-all --file "$LAB/b/swanctl.conf" >"$LAB/b/load.log" 2>&1 ||
		{ echo "e2e-scale: loading the configuration failed" >&2; return 1; }
}

# initiate SIDE CHILD [IKE]: strongSwan's swanctl, quiet, bounded
initiate() {
	lab_swanctl "$1" --initiate --child "$2" ${3:+--ike "$3"} --timeout 30 \
		>/dev/null 2>&1
}

# The listing of A as lines "ike NAME ID STATE REMOTE_ID" and
# "child NAME ID STATE IKE_ID" (strongSwan's swanctl).
sas() {
	lab_swanctl A --list-sas --pretty 2>/dev/null | awk '
		/^  [^ ].* \{$/ { ike = $1; id = st = rid = "" }
		/^    uniqueid = / { id = $3 }
		/^    state = / { st = $3 }
		/^    remote-id = / { rid = $3 }
		/^    child-sas \{$/ { print "ike", ike, id, st, rid }
		/^      [^ ].* \{$/ { cn = ci = cs = "" }
		/^        name = / { cn = $3 }
		/^        uniqueid = / { ci = $3 }
		/^        state = / { cs = $3 }
		/^      }$/ { print "child", cn, ci, cs, id }'
}

# count_up CONFIG: ESTABLISHED IKE_SAs of CONFIG with an INSTALLED CHILD_SA
count_up() {
	sas | awk -v c="$1" '$1 == "ike" && $2 == c && $4 == "ESTABLISHED" { ike[$3] = 1 }
		$1 == "child" && $4 == "INSTALLED" && ($5 in ike) { up[$5] = 1 }
		END { n = 0; for (i in up) n++; print n }'
}

wait_count() { # wait_count CONFIG N SECONDS
	i=0
	until [ "$(count_up "$1")" -ge "$2" ]; do
		i=$((i + 1))
		[ $i -le $(($3 * 5)) ] || return 1
		sleep 0.2
	done
}

# ours ARGS...: our client against A, timed
ours() {
	t0=$(date +%s%N)
	"$SWANCTL" --uri "$SOCK_A" "$@" >"$out/out" 2>"$out/err"
	status=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
}

# check_pairs KIND BEFORE AFTER: every line of ours "KIND NAME #OLD ...,
# new KIND #NEW" names an OLD that was there before and a NEW that is
# there now, of the same peer (IKE_SA) or under the same peer's IKE_SA
# (CHILD_SA); prints how many lines were checked.
check_pairs() {
	awk -v kind="$1" -v before="$2" -v after="$3" '
		function load(file, id2rid, ikerid, cid2ike,   l, f) {
			while ((getline l < file) > 0) {
				split(l, f, " ")
				if (f[1] == "ike") { id2rid[f[3]] = f[5]; ikerid[f[3]] = f[5] }
				if (f[1] == "child") cid2ike[f[3]] = f[5]
			}
		}
		BEGIN { load(before, b, bi, bc); load(after, a, ai, ac); bad = 0 }
		{
			if ($1 != kind) { print "unexpected line: " $0; bad++; next }
			# "KIND NAME #OLD rekeyed, new KIND #NEW (ALGORITHMS)"
			old = $3; sub("#", "", old)
			new = $0; sub(/ \([^()]*\)$/, "", new)
			sub(/.* #/, "", new)
			if (/not told apart/) {
				# no pair printed: the old one must have been listed
				if (b[old] == "") { print "unknown SA: " $0; bad++ }
				n++
				next
			}
			if (kind == "IKE_SA") { ro = b[old]; rn = a[new] }
			else { ro = bi[bc[old]]; rn = ai[ac[new]] }
			if (ro == "" || rn == "" || ro != rn) {
				print "wrong pair: " $0 " (before: " ro ", now: " rn ")"; bad++
			}
			n++
		}
		END { print n + 0; exit bad != 0 }' "$out/out"
}

# case NAME STATUS LINES ARGS...: run ours, expect STATUS and LINES pairs
run_case() {
	case_name=$1 want_status=$2 want_lines=$3 kind=$4
	shift 4
	count=$((count + 1))
	sas >"$out/before"
	ours "$@"
	sas >"$out/after"
	[ "$status" = "$want_status" ] || fail "exit $status, expected $want_status: $(head -c 600 "$out/err")"
	checked=$(check_pairs "$kind" "$out/before" "$out/after")
	[ $? = 0 ] || fail "$(echo "$checked" | head -n 5)"
	n=$(echo "$checked" | tail -n 1)
	[ "$n" = "$want_lines" ] || fail "$n pairs printed, expected $want_lines"
	[ ! -s "$out/err" ] || [ "$want_status" != 0 ] || [ -n "${SCALE_DEBUG:-}" ] ||
		fail "stderr: $(head -c 300 "$out/err")"
	echo "e2e-scale: $case_name: exit $status, $n pairs checked, ${ms} ms"
}

# Other peers connect and disconnect, over and over, from half a second
# on (after our client has listed) until churn_stop.
churn() {
	sleep 0.5
	while [ ! -e "$out/stop" ]; do
		for n in $(seq $((PEERS + 1)) $((PEERS + CHURN))); do
			initiate B rwnet "peer$n"
		done
		for n in $(seq $((PEERS + 1)) $((PEERS + CHURN))); do
			lab_swanctl B --terminate --ike "peer$n" --timeout 5 >/dev/null 2>&1
		done
	done
}
churn_start() {
	rm -f "$out/stop"
	churn &
	churn_pid=$!
}
churn_stop() {
	touch "$out/stop"
	wait "$churn_pid" 2>/dev/null
	churn_pid=
	for n in $(seq $((PEERS + 1)) $((PEERS + CHURN))); do
		lab_swanctl B --terminate --ike "peer$n" --timeout 5 >/dev/null 2>&1
	done
}

LAB_QUIET=1
if ! scale_up; then
	echo "e2e-scale: FAILED: the lab did not come up"
	tail -n 20 "$LAB"/*/charon.log "$LAB"/*/*.stderr 2>/dev/null
	exit 1
fi

# the refused rekey first: one IKE_SA, its CHILD_SA rekey gets
# NO_PROPOSAL_CHOSEN; the client must say so at once, in charon's words
initiate A strictnet strict || fail "strict did not come up"
case_name="refused rekey fails fast"
count=$((count + 1))
ours --rekey --child strictnet --wait --timeout 20
want='^swanctl: CHILD_SA strictnet #[0-9]+ rekey failed: received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built \(charon retries in [0-9]+ s\)$'
[ "$status" = 1 ] || fail "exit $status, expected 1"
grep -Eq "$want" "$out/err" && [ "$(wc -l <"$out/err")" = 2 ] &&
	[ "$(tail -n 1 "$out/err")" = "swanctl: 0 of 1 SAs rekeyed, 1 failed" ] ||
	fail "stderr: $(cat "$out/err")"
[ ! -s "$out/out" ] || fail "stdout: $(cat "$out/out")"
[ "$ms" -lt 2000 ] || fail "took $ms ms"
echo "e2e-scale: $case_name: exit $status in $ms ms: $(cat "$out/err")"
lab_swanctl A --terminate --ike strict --timeout 5 >/dev/null 2>&1

# SCALE_SAS IKE_SAs of one config from one peer, 20 initiates at a time
t0=$(date +%s)
seq "$SCALE_SAS" | xargs -P 20 -I{} env STRONGSWAN_CONF="$LAB/a/strongswan.conf" \
	swanctl --initiate --child net --timeout 30 >/dev/null 2>&1
wait_count home "$SCALE_SAS" 30 || fail "only $(count_up home) of $SCALE_SAS IKE_SAs home up"
echo "e2e-scale: $(count_up home) IKE_SAs home up in $(($(date +%s) - t0)) s"

# PEERS road warriors under the one config rw
for n in $(seq 1 "$PEERS"); do
	initiate B rwnet "peer$n" &
done
wait
wait_count rw "$PEERS" 30 || fail "only $(count_up rw) of $PEERS peers up"
echo "e2e-scale: $(count_up rw) peers of rw up"

run_case "child rekey x$SCALE_SAS" 0 "$SCALE_SAS" CHILD_SA \
	--rekey --child net --wait --timeout 60
run_case "IKE rekey x$SCALE_SAS" 0 "$SCALE_SAS" IKE_SA \
	--rekey --ike home --wait --timeout 60
# all from one peer: only charon's log (the thread that deleted each one
# starts its successor) tells the successors apart
run_case "reauth x$SCALE_SAS, one peer" 0 "$SCALE_SAS" IKE_SA \
	--rekey --ike home --reauth --wait --timeout 90 ${SCALE_DEBUG:+-v 2}
[ -z "${SCALE_DEBUG:-}" ] || cp "$out/err" "$LAB/reauth.err"
! grep -q "not told apart" "$out/out" ||
	fail "$(grep -c "not told apart" "$out/out") successors not told apart"


# while other peers of rw come and go: only the listed peers count, and
# nobody else's SA finishes or fails ours
churn_start
run_case "child rekey, $PEERS peers, others coming and going" 0 "$PEERS" CHILD_SA \
	--rekey --child rwnet --wait --timeout 60
churn_stop
churn_start
run_case "IKE rekey, $PEERS peers, others coming and going" 0 "$PEERS" IKE_SA \
	--rekey --ike rw --wait --timeout 60
churn_stop
churn_start
run_case "reauth, $PEERS peers, others coming and going" 0 "$PEERS" IKE_SA \
	--rekey --ike rw --reauth --wait --timeout 60
churn_stop

t_done ", $(($(date +%s) - started)) s"
