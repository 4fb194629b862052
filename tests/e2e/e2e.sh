#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end: this client against two real charon daemons, with the same
# version's swanctl as the referee for listings and output comparisons, in
# phases: strongSwan 5.9.8 (Debian's packages) and 6.0.6 (built once by
# tests/build-strongswan6.sh), IKEv2 with classic and ML-KEM hybrid
# proposals, and IKEv1.  Needs root and the lab packages; skips loudly
# without them, fails instead when E2E_REQUIRED=1.
#   SWANCTL=path   the client under test (default ./swanctl)
#   SOAK=N         rekeys in each soak (default 200 on 5.9.8, 50 on 6.0.6)
#   RSS_BUDGET_KIB peak RSS allowed to one client run (default 2048)
#   E2E_VERSIONS   the strongSwan versions to run (default "5 6")
#   E2E_VALGRIND=0 no descriptor check under valgrind (a SWANCTL that runs
#                  the client under qemu-user: valgrind would see the shell)
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
SWANCTL=$(realpath "${SWANCTL:-./swanctl}")
FAKEVICI=$(realpath "${FAKEVICI:-build/fakevici}")
RSS_BUDGET_KIB=${RSS_BUDGET_KIB:-2048} # sanitizer builds need more
E2E_VERSIONS=${E2E_VERSIONS:-5 6}
. "$here/lab.sh"

missing=$(LAB_VERSION=5 lab_missing)
if [ -n "$missing" ]; then
	t_skip_loud "e2e: SKIPPED everything, missing: $(echo $missing | sed 's/ package/,/g')"
fi
versions=
for v in $E2E_VERSIONS; do
	if [ "$v" = 6 ] && [ -n "$(LAB_VERSION=6 lab_missing)" ]; then
		# builds once per machine; skips loudly without the tarball
		sh "$here/../build-strongswan6.sh" || exit 1
		missing=$(LAB_VERSION=6 lab_missing)
		if [ -n "$missing" ]; then
			t_banner "e2e: SKIPPED strongSwan 6.0.6 phases, missing: $missing"
			[ -z "${E2E_REQUIRED:-}" ] || exit 1
			continue
		fi
	fi
	versions="$versions $v"
done

started=$(date +%s%N)
out=$(mktemp -d /tmp/e2e.XXXXXX)
chmod 755 "$out"
trap 'lab_down; rm -rf "$out"' EXIT
trap 'exit 130' INT TERM
phase=
min_rss='' max_rss=''

fail() {
	echo "FAIL: $phase: $case_name: $*"
	failed=$((failed + 1))
	[ -z "${E2E_VERBOSE:-}" ] || lab_sas A
}

# ours ARGS...: run our client against A; stdout, stderr, status kept.
ours() {
	"$SWANCTL" --uri "$SOCK_A" "$@" >"$out/out" 2>"$out/err"
	status=$?
}

# expect_ours NAME STATUS STDOUT STDERR ARGS...
expect_ours() {
	case_name=$1 want_status=$2 want_out=$3 want_err=$4
	shift 4
	count=$((count + 1))
	ours "$@"
	[ "$status" = "$want_status" ] || fail "exit $status, expected $want_status"
	[ "$(cat "$out/out")" = "$want_out" ] || fail "stdout: $(cat "$out/out")"
	[ "$(cat "$out/err")" = "$want_err" ] || fail "stderr: $(cat "$out/err")"
}

# The referee: that version's swanctl on side A, its plugin noise dropped.
theirs() {
	lab_swanctl A "$@" >"$out/ref_out" 2>"$out/ref_err_all"
	ref_status=$?
	grep -v "^plugin '" "$out/ref_err_all" >"$out/ref_err"
}

# "ID SPI_IN SPI_OUT" of the INSTALLED CHILD_SA NAME; "ID SPI_I SPI_R" of
# the ESTABLISHED IKE_SA home.
child_now() { lab_sas A | awk -v n="$1" '$1 == "child" && $2 == n && $4 == "INSTALLED" { print $3, $5, $6 }'; }
ike_now() { lab_sas A | awk '$1 == "ike" && $4 == "ESTABLISHED" { print $3, $5, $6 }'; }

# wait_until SECONDS COMMAND...: poll every 50 ms.
wait_until() {
	limit=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$limit" ] || return 1
		sleep 0.05
	done
}

# one INSTALLED CHILD_SA NAME whose id differs from OLD
child_replaced() {
	now=$(child_now "$1")
	[ -n "$now" ] && [ "$(echo "$now" | wc -l)" = 1 ] && [ "${now%% *}" != "$2" ]
}

# one ESTABLISHED IKE_SA, its id not OLD, and no other IKE_SA left
ike_replaced() {
	now=$(ike_now)
	[ -n "$now" ] && [ "${now%% *}" != "$1" ] &&
		[ "$(lab_sas A | grep -c '^ike ')" = 1 ]
}

both_children_up() {
	[ -n "$(child_now net)" ] && [ -n "$(child_now net2)" ]
}

# one IKE_SA, ESTABLISHED, and one INSTALLED CHILD_SA of each name (after a
# rekey the old IKE_SA lingers for a moment, old IKEv1 CHILD_SAs longer)
settled() {
	lab_sas A >"$out/sas"
	[ "$(grep -c '^ike ' "$out/sas")" = 1 ] &&
		[ "$(grep -c '^ike home [0-9]* ESTABLISHED ' "$out/sas")" = 1 ] &&
		[ "$(grep -c '^child net [0-9]* INSTALLED ' "$out/sas")" = 1 ] &&
		[ "$(grep -c '^child net2 [0-9]* INSTALLED ' "$out/sas")" = 1 ]
}

# settled, and no CHILD_SA in any other state: charon 5.9.8 keeps a rekeyed
# CHILD_SA DELETED for 5 s, delays a reauthentication by 15 s while one is
# there, and an IKE rekey in those 5 s can leave it there for good
quiet() {
	settled && [ "$(grep -c '^child ' "$out/sas")" = 2 ]
}

differs() { # differs WHAT OLD NEW: every field of NEW differs from OLD's
	set -- "$1" $2 $3
	[ "$2" != "$5" ] && [ "$3" != "$6" ] && [ "$4" != "$7" ] ||
		fail "$1: expected new id and SPIs, old '$2 $3 $4', new '$5 $6 $7'"
}

same() { # same WHAT OLD NEW
	[ "$2" = "$3" ] || fail "$1 changed: '$2' became '$3'"
}

ok="rekey completed successfully"
none="rekey failed: no matching SAs to rekey found"

# plain: our --wait lines without the new SA's algorithms
plain() {
	sed 's/ ([^()]*)$//' "$out/out"
}

# wait_line TYPE NAME OLD: checks our --wait line, sets new to the new id
wait_line() {
	new=$(sed -n "s/^$1 $2 #$3 \(rekeyed\|reauthenticated\), new $1 #\([0-9]*\) ([A-Z0-9_:/-]*)$/\2/p" "$out/out")
	[ -n "$new" ] || fail "line: $(cat "$out/out" "$out/err")"
}

# --list-sas: the live listing in every form and with every filter, byte for
# byte as the referee prints it (a second may tick between the two runs:
# three tries), and a recorded listing replayed to both clients
suite_list() {
	wait_until 15 settled || fail "SAs not settled before listing"
	net=$(child_now net) ike=$(ike_now)
	for filter in "" "--ike home" "--ike-id ${ike%% *}" "--child net" \
		"--child-id ${net%% *}" "--ike home --child net2" "--ike nothing" \
		"--child-id 4294967295" "--noblock"; do
		for mode in "" --raw --pretty; do
			case_name="list-sas live ${mode:-human} ${filter:-all}"
			count=$((count + 1))
			for _ in 1 2 3; do
				# shellcheck disable=SC2086
				ours --list-sas $filter $mode
				# shellcheck disable=SC2086
				theirs --list-sas $filter $mode
				[ "$status" = "$ref_status" ] && cmp -s "$out/out" "$out/ref_out" &&
					cmp -s "$out/err" "$out/ref_err" && break
			done
			[ "$status" = "$ref_status" ] || fail "exit $status, swanctl $ref_status"
			cmp -s "$out/out" "$out/ref_out" ||
				fail "stdout: $(diff "$out/ref_out" "$out/out" | head -n 6)"
			cmp -s "$out/err" "$out/ref_err" ||
				fail "stderr: $(cat "$out/err") vs swanctl's $(cat "$out/ref_err")"
		done
	done
	if [ "${LAB_PROPOSALS:-classic}" = pq ]; then
		# the hybrid key exchange, the PPK and the label are really there
		case_name="list-sas post-quantum fields"
		count=$((count + 1))
		ours --list-sas
		for want in "  AES_CBC-128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/CURVE_25519/KE1_ML_KEM_768/PPK" \
			"ESP:AES_GCM_16-128/CURVE_25519/KE1_ML_KEM_768" \
			"    label  system_u:object_r:ipsec_spd_t:s0"; do
			grep -qF -- "$want" "$out/out" || fail "no '$want' in: $(cat "$out/out")"
		done
	fi
	# --list-sas: a real daemon's listing, recorded and replayed to both clients
	case_name="list-sas replayed"
	count=$((count + 1))
	lab_swanctl A --list-sas --raw 2>/dev/null | sh "$here/../fakes/raw2events.sh" >"$out/events"
	[ -s "$out/events" ] || fail "nothing recorded"
	[ -z "${E2E_RECORD:-}" ] || cp "$out/events" "$E2E_RECORD/$phase_file.events"
	for mode in "" --raw --pretty; do
		for who in ours theirs; do
			client=$SWANCTL
			[ $who = ours ] || client=$REF_SWANCTL
			# shellcheck disable=SC2046
			"$FAKEVICI" "$out/fake" read confirm read \
				$(sed 's/^/event:list-sa:/' "$out/events") reply: read confirm drain
			# shellcheck disable=SC2086
			"$client" --list-sas -u "unix://$out/fake" $mode 2>&1 |
				grep -v "^plugin '" >"$out/list.$who"
		done
		[ -s "$out/list.ours" ] || fail "${mode:-human}: no output"
		cmp -s "$out/list.theirs" "$out/list.ours" ||
			fail "${mode:-human} differs: $(diff "$out/list.theirs" "$out/list.ours" | head -5)"
	done
	# live, and the ids it shows drive a rekey
	case_name="list-sas live"
	count=$((count + 1))
	ours --list-sas
	[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
	id=$(sed -n 's/^  net: #\([0-9]*\), reqid [0-9]*, INSTALLED,.*/\1/p' "$out/out" | head -n 1)
	[ -n "$id" ] || fail "no INSTALLED net in: $(cat "$out/out")"
	[ "$(child_now net | cut -d' ' -f1)" = "$id" ] || fail "listed #$id, swanctl lists $(child_now net)"
	expect_ours list-then-rekey 0 "$ok" "" --rekey --child-id "$id"
	wait_until 10 child_replaced net "$id" || fail "net was not rekeyed"
	# listing while a rekey is under way
	case_name="list-sas during a rekey"
	count=$((count + 1))
	ours --rekey --ike home
	ours --list-sas --raw
	[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
	head -n 1 "$out/out" | grep -q '^list-sa event {home {uniqueid=' || fail "$(head -c 200 "$out/out")"
	[ "$(tail -n 1 "$out/out")" = "list-sas reply {}" ] || fail "no reply line"
	wait_until 10 both_children_up || fail "SAs not up after the rekey"

}

# Rekeys of IKEv2 SAs by every selector, --reauth and --wait, output
# compared with the referee's, TCP, permissions, the soak, two IKE_SAs of
# one config, and last a dead peer (it kills B).
suite_rekey() {
	# --child: the CHILD_SA gets a new id and new SPIs; the others stay
	net=$(child_now net) net2=$(child_now net2) ike=$(ike_now)
	expect_ours child 0 "$ok" "" --rekey --child net
	wait_until 10 child_replaced net "${net%% *}" || fail "net was not rekeyed"
	differs "CHILD_SA net" "$net" "$(child_now net)"
	same "CHILD_SA net2" "$net2" "$(child_now net2)"
	same "IKE_SA home" "$ike" "$(ike_now)"

	# --child-id
	net=$(child_now net)
	expect_ours child-id 0 "$ok" "" --rekey --child-id "${net2%% *}"
	wait_until 10 child_replaced net2 "${net2%% *}" || fail "net2 was not rekeyed"
	differs "CHILD_SA net2" "$net2" "$(child_now net2)"
	same "CHILD_SA net" "$net" "$(child_now net)"
	same "IKE_SA home" "$ike" "$(ike_now)"

	# --ike and --ike-id: a new IKE_SA id and SPIs; the CHILD_SAs stay
	wait_until 20 quiet || fail "old CHILD_SAs still there"
	net=$(child_now net) net2=$(child_now net2)
	expect_ours ike 0 "$ok" "" --rekey --ike home
	wait_until 10 ike_replaced "${ike%% *}" || fail "home was not rekeyed"
	differs "IKE_SA home" "$ike" "$(ike_now)"
	same "CHILD_SA net" "$net" "$(child_now net)"
	same "CHILD_SA net2" "$net2" "$(child_now net2)"
	ike=$(ike_now)
	expect_ours ike-id 0 "$ok" "" --rekey --ike-id "${ike%% *}"
	wait_until 10 ike_replaced "${ike%% *}" || fail "home was not rekeyed by id"
	differs "IKE_SA home" "$ike" "$(ike_now)"
	same "CHILD_SA net" "$net" "$(child_now net)"

	# --reauth: a new IKE_SA is established (may need a retransmit: 15 s)
	ike=$(ike_now)
	expect_ours ike-reauth 0 "$ok" "" --rekey --ike home --reauth
	wait_until 15 ike_replaced "${ike%% *}" || fail "home was not reauthenticated"
	differs "IKE_SA home" "$ike" "$(ike_now)"
	wait_until 15 both_children_up || fail "CHILD_SAs not back after reauth"
	ike=$(ike_now)
	expect_ours ike-id-reauth 0 "$ok" "" --rekey --ike-id "${ike%% *}" --reauth
	wait_until 15 ike_replaced "${ike%% *}" || fail "home was not reauthenticated by id"
	differs "IKE_SA home" "$ike" "$(ike_now)"
	wait_until 15 both_children_up || fail "CHILD_SAs not back after reauth"

	# a selector that matches nothing: exit 1 in every mode, same bytes as
	# strongSwan's swanctl on stdout, and the same default stderr
	for mode in "" --raw --pretty; do
		case_name="no match ${mode:-default}"
		count=$((count + 1))
		ours --rekey --ike nothing $mode
		theirs --rekey --ike nothing $mode
		[ "$status" = 1 ] || fail "exit $status, expected 1"
		cmp -s "$out/out" "$out/ref_out" ||
			fail "stdout '$(cat "$out/out")' vs swanctl '$(cat "$out/ref_out")'"
		[ "$(cat "$out/err")" = "$none" ] || fail "stderr: $(cat "$out/err")"
		[ -n "$mode" ] || cmp -s "$out/err" "$out/ref_err" ||
			fail "stderr differs from swanctl's: $(cat "$out/ref_err")"
	done
	expect_ours no-match-child-id 1 "" "$none" --rekey --child-id 4294967295

	# success: the same line as strongSwan's swanctl
	case_name="success like swanctl"
	count=$((count + 1))
	net=$(child_now net)
	ours --rekey --child net
	wait_until 10 child_replaced net "${net%% *}" || fail "net was not rekeyed"
	net=$(child_now net)
	theirs --rekey --child net
	wait_until 10 child_replaced net "${net%% *}" || fail "net was not rekeyed"
	[ "$status" = 0 ] && [ "$ref_status" = 0 ] || fail "exit $status / $ref_status"
	cmp -s "$out/out" "$out/ref_out" || fail "stdout differs from swanctl's"
	cmp -s "$out/err" "$out/ref_err" || fail "stderr differs from swanctl's"

	# TCP: side B's VICI listens on 127.0.0.1:4502 inside its namespace
	case_name=tcp
	count=$((count + 1))
	b_net=$(lab_sas B | awk '$1 == "child" && $2 == "net" && $4 == "INSTALLED" { print $3 }')
	tcp_out=$(ip netns exec "$NS_B" "$SWANCTL" --rekey --child-id "$b_net" -u "$TCP_B" 2>&1)
	[ $? = 0 ] && [ "$tcp_out" = "$ok" ] || fail "over TCP: $tcp_out"
	b_replaced() {
		lab_sas B | awk -v o="$b_net" '$1 == "child" && $2 == "net" && $4 == "INSTALLED" && $3 != o { f = 1 } END { exit !f }'
	}
	wait_until 10 b_replaced || fail "B's net was not rekeyed over TCP"
	wait_until 10 both_children_up || fail "CHILD_SAs not up after the TCP rekey"

	# a socket the user may not open
	case_name=permission
	count=$((count + 1))
	perm_err=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SWANCTL" --rekey --ike home -u "$SOCK_A" 2>&1)
	perm_status=$?
	[ "$perm_status" = 3 ] || fail "exit $perm_status, expected 3"
	[ "$perm_err" = "swanctl: cannot connect to '$SOCK_A': permission denied: run as root or use a group that can open the socket" ] ||
		fail "stderr: $perm_err"

	# --wait: returns when the new SA is there; an immediate listing shows it
	case_name="wait child x50"
	count=$((count + 1))
	for i in $(seq 50); do
		net=$(child_now net)
		# the packet trace says, on a failure, in what order the reply
		# and the events came (01 reply, 07 event)
		ours --rekey --child net --wait --debug 3
		[ "$status" = 0 ] || fail "run $i: exit $status: $(grep -v '^vici ' "$out/err"), received: $(sed -n 's/^vici received [0-9]* bytes: \(..\).*/\1/p' "$out/err" | tr '\n' ' ')"
		wait_line CHILD_SA net "${net%% *}"
		now=$(child_now net)
		[ "${now%% *}" = "$new" ] ||
			{ fail "run $i: listed '$now' right after, expected #$new"; break; }
	done
	for sel in child-id ike ike-id; do
		case_name="wait $sel"
		count=$((count + 1))
		[ $sel != ike ] || wait_until 20 quiet || fail "old CHILD_SAs still there"
		net2=$(child_now net2) ike=$(ike_now)
		case $sel in
		child-id) ours --rekey --child-id "${net2%% *}" --wait ;;
		ike) ours --rekey --ike home --wait ;;
		ike-id) ours --rekey --ike-id "${ike%% *}" --wait ;;
		esac
		[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
		if [ $sel = child-id ]; then
			wait_line CHILD_SA net2 "${net2%% *}"
			now=$(child_now net2)
		else
			wait_line IKE_SA home "${ike%% *}"
			now=$(ike_now)
		fi
		[ "${now%% *}" = "$new" ] || fail "listed '$now' right after, expected #$new"
	done
	for sel in ike ike-id; do
		case_name="wait $sel --reauth"
		count=$((count + 1))
		ike=$(ike_now)
		if [ $sel = ike ]; then
			ours --rekey --ike home --reauth --wait
		else
			ours --rekey --ike-id "${ike%% *}" --reauth --wait
		fi
		[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
		wait_line IKE_SA home "${ike%% *}"
		[ "$(plain)" = "IKE_SA home #${ike%% *} reauthenticated, new IKE_SA #$new" ] ||
			fail "stdout: $(cat "$out/out")"
		now=$(ike_now)
		[ "${now%% *}" = "$new" ] || fail "listed '$now' right after, expected #$new"
		# done means the tunnel is back: both CHILD_SAs, right away
		both_children_up || fail "CHILD_SAs not both INSTALLED right after"
	done

	# ten reauthentications in a row: each exits 0 with both CHILD_SAs
	# installed under the new IKE_SA in a listing made right after
	case_name="wait --reauth x10"
	count=$((count + 1))
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ike=$(ike_now)
		ours --rekey --ike home --reauth --wait --timeout 40
		[ "$status" = 0 ] || { fail "#$i: exit $status: $(cat "$out/err")"; break; }
		wait_line IKE_SA home "${ike%% *}"
		lab_sas A >"$out/sas"
		[ "$(grep -c '^ike ' "$out/sas")" = 1 ] &&
			[ "$(awk -v id="$new" '$1 == "ike" && $3 == id && $4 == "ESTABLISHED"' "$out/sas" | wc -l)" = 1 ] &&
			[ "$(grep -c '^child net [0-9]* INSTALLED ' "$out/sas")" = 1 ] &&
			[ "$(grep -c '^child net2 [0-9]* INSTALLED ' "$out/sas")" = 1 ] ||
			{ fail "#$i: right after: $(cat "$out/sas")"; break; }
	done

	# a reauthentication whose peer refuses one CHILD_SA's proposal now:
	# charon keeps the new IKE_SA without net; that is a failure naming it
	case_name="wait --reauth, net refused"
	count=$((count + 1))
	wait_until 20 quiet || fail "old CHILD_SAs still there"
	cp "$LAB/b/swanctl.conf" "$LAB/b/swanctl.conf.orig"
	awk '/^\t\t\tnet \{/ { n = 1 } n && /esp_proposals/ { sub(/= .*/, "= aes256-sha512-modp4096"); n = 0 } { print }' \
		"$LAB/b/swanctl.conf.orig" >"$LAB/b/swanctl.conf"
	lab_swanctl B --load-conns --file "$LAB/b/swanctl.conf" >/dev/null 2>&1 ||
		fail "B did not load the changed net"
	ike=$(ike_now)
	ours --rekey --ike home --reauth --wait --json --timeout 40
	[ "$status" = 1 ] || fail "exit $status, expected 1: $(cat "$out/out" "$out/err")"
	grep -q "^swanctl: IKE_SA home #${ike%% *} reauthentication failed: new IKE_SA #[0-9]* is up, but CHILD_SA net was not rebuilt: .*NO_PROPOSAL_CHOSEN" "$out/err" ||
		fail "stderr: $(cat "$out/err")"
	grep -q '"ok":false,"outcome":"failed"' "$out/out" || fail "stdout: $(cat "$out/out")"
	cp "$LAB/b/swanctl.conf.orig" "$LAB/b/swanctl.conf"
	lab_swanctl B --load-conns --file "$LAB/b/swanctl.conf" >/dev/null 2>&1
	lab_swanctl A --initiate --child net --timeout 10 >/dev/null 2>&1 ||
		fail "net not back after the refused reauth"
	wait_until 20 settled || fail "not settled after the refused reauth"

	# --version --daemon: charon's line as strongSwan's swanctl prints it
	case_name="version --daemon"
	count=$((count + 1))
	ours --version --daemon
	theirs --version --daemon
	[ "$status" = 0 ] || fail "exit $status"
	[ "$(tail -n 1 "$out/out")" = "$(tail -n 1 "$out/ref_out")" ] ||
		fail "'$(tail -n 1 "$out/out")' vs '$(tail -n 1 "$out/ref_out")'"

	# bash completion offers the live CHILD_SA names and ids (it asks the
	# client typed on the line, on the socket the line names)
	case_name="completion of live SAs"
	count=$((count + 1))
	complete_line() {
		bash -c '. "$0"; COMP_LINE=$1 COMP_POINT=${#1}; _swanctl_rekey
			echo "${COMPREPLY[*]}"' "$here/../../src/completion/swanctl.bash" "$1"
	}
	got=$(complete_line "$SWANCTL --uri $SOCK_A --rekey --child ")
	[ "$got" = "net net2" ] || fail "--child completes to '$got'"
	net=$(child_now net)
	got=$(complete_line "$SWANCTL --uri $SOCK_A -R -C ")
	case " $got " in
	*" ${net%% *} "*) ;;
	*) fail "--child-id completes to '$got', without ${net%% *}" ;;
	esac
	# soak: rekey one CHILD_SA by id, again and again; our peak RSS stays put
	case_name=soak
	count=$((count + 1))
	soak_failed=0
	for i in $(seq "$soak"); do
		net=$(child_now net)
		/usr/bin/time -f %M -o "$out/rss" "$SWANCTL" --uri "$SOCK_A" \
			--rekey --child-id "${net%% *}" >"$out/out" 2>"$out/err"
		st=$?
		rss=$(tail -n 1 "$out/rss")
		[ -n "$min_rss" ] || min_rss=$rss max_rss=$rss
		[ "$rss" -lt "$min_rss" ] && min_rss=$rss
		[ "$rss" -gt "$max_rss" ] && max_rss=$rss
		if [ $st != 0 ] || [ "$(cat "$out/out")" != "$ok" ] ||
			! wait_until 10 child_replaced net "${net%% *}"; then
			soak_failed=$((soak_failed + 1))
			fail "rekey $i of ${net%% *}: exit $st, $(cat "$out/out" "$out/err")"
			[ $soak_failed -lt 3 ] || break
		fi
	done
	[ "$max_rss" -le "$RSS_BUDGET_KIB" ] ||
		fail "peak RSS reached $max_rss KiB (budget $RSS_BUDGET_KIB)"
	for side in a b; do
		kill -0 "$(cat "$LAB/$side/pid")" 2>/dev/null || fail "charon $side died"
	done
	[ -n "$(ike_now)" ] && both_children_up || fail "SAs not healthy after the soak"
	if command -v valgrind >/dev/null && [ "${E2E_VALGRIND:-1}" != 0 ]; then
		net=$(child_now net)
		valgrind -q --track-fds=yes --log-file="$out/vg" "$SWANCTL" --uri "$SOCK_A" \
			--rekey --child-id "${net%% *}" >/dev/null 2>&1
		# every descriptor open at exit must be one we inherited
		leaked=$(grep -A1 'Open file descriptor' "$out/vg" |
			grep -v -e 'Open file descriptor' -e 'inherited from parent' -e '^--')
		[ -z "$leaked" ] || fail "file descriptors left open: $(cat "$out/vg")"
	fi

	# two IKE_SAs of one config: B starts a second one; rekey by name waits
	# for both
	case_name="wait two IKE_SAs"
	count=$((count + 1))
	lab_swanctl B --initiate --child net --timeout 10 >/dev/null 2>&1 ||
		fail "B could not start a second IKE_SA"
	ids=$(lab_sas A | awk '$1 == "ike" && $4 == "ESTABLISHED" { print $3 }' | sort -n | tr '\n' ' ')
	set -- $ids
	[ $# = 2 ] || fail "expected two IKE_SAs, got '$ids'"
	ours --rekey --ike home --wait
	[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
	for id in "$@"; do
		grep -q "^IKE_SA home #$id rekeyed, new IKE_SA #[0-9]* ([A-Z0-9_/-]*)$" "$out/out" ||
			fail "no line for #$id: $(cat "$out/out")"
	done
	[ "$(wc -l <"$out/out")" = 2 ] || fail "stdout: $(cat "$out/out")"

	# a peer that has stopped: the rekey never completes
	case_name="wait dead peer"
	count=$((count + 1))
	kill -9 "$(cat "$LAB/b/pid")"
	net=$(lab_sas A | awk '$1 == "child" && $2 == "net2" && $4 == "INSTALLED" { print $3; exit }')
	begin=$(date +%s%N)
	ours --rekey --child-id "$net" --wait --timeout 3
	took_ms=$((($(date +%s%N) - begin) / 1000000))
	[ "$status" = 5 ] || fail "exit $status, expected 5"
	# charon's last line about it is named (issue 15)
	grep -Eqx "swanctl: CHILD_SA net2 #$net did not finish rekeying within 3 s; charon last logged: .+" "$out/err" &&
		[ "$(tail -n 1 "$out/err")" = "swanctl: 0 of 1 SAs rekeyed, 1 timed out" ] &&
		[ "$(wc -l <"$out/err")" = 2 ] || fail "stderr: $(cat "$out/err")"
	[ "$took_ms" -lt 3500 ] || fail "took $took_ms ms"

}

# IKEv1: quick-mode CHILD_SAs rekey as in IKEv2; charon rekeys an IKEv1
# IKE_SA by reauthenticating it (the old one goes down, a new one comes up,
# no ike-rekey event), so --wait reports it reauthenticated.
suite_ikev1() {
	wait_until 15 settled || fail "SAs not settled"
	net=$(child_now net) net2=$(child_now net2) ike=$(ike_now)
	expect_ours "child" 0 "$ok" "" --rekey --child net
	wait_until 10 child_replaced net "${net%% *}" || fail "net was not rekeyed"
	differs "CHILD_SA net" "$net" "$(child_now net)"
	same "CHILD_SA net2" "$net2" "$(child_now net2)"
	same "IKE_SA home" "$ike" "$(ike_now)"
	for sel in child child-id; do
		case_name="wait $sel"
		count=$((count + 1))
		net2=$(child_now net2)
		if [ $sel = child ]; then
			ours --rekey --child net2 --wait
		else
			ours --rekey --child-id "${net2%% *}" --wait
		fi
		[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
		wait_line CHILD_SA net2 "${net2%% *}"
		[ "$(plain)" = "CHILD_SA net2 #${net2%% *} rekeyed, new CHILD_SA #$new" ] ||
			fail "stdout: $(cat "$out/out")"
		now=$(child_now net2)
		[ "${now%% *}" = "$new" ] || fail "listed '$now' right after, expected #$new"
	done
	# each takes about 10 s: the peer deletes the old IKE_SA that late
	for how in "--ike home" "--ike-id --reauth" "--ike home --batch 1"; do
		case_name="wait $how"
		count=$((count + 1))
		wait_until 15 settled || fail "SAs not settled before"
		ike=$(ike_now)
		# shellcheck disable=SC2086
		case $how in
		--ike-id*) ours --rekey --ike-id "${ike%% *}" ${how#--ike-id} --wait ;;
		*) ours --rekey $how --wait ;;
		esac
		[ "$status" = 0 ] || fail "exit $status: $(cat "$out/out" "$out/err")"
		wait_line IKE_SA home "${ike%% *}"
		[ "$(plain)" = "IKE_SA home #${ike%% *} reauthenticated, new IKE_SA #$new" ] ||
			fail "stdout: $(cat "$out/out")"
		now=$(ike_now)
		[ "${now%% *}" = "$new" ] || fail "listed '$now' right after, expected #$new"
		differs "IKE_SA home" "$ike" "$now"
		wait_until 15 both_children_up || fail "CHILD_SAs not back after the reauthentication"
	done
	case_name="wait --ike home --json"
	count=$((count + 1))
	wait_until 15 settled || fail "SAs not settled before"
	ike=$(ike_now)
	ours --rekey --ike home --json --wait
	[ "$status" = 0 ] || fail "exit $status: $(cat "$out/err")"
	grep -qx '{"sa":"IKE_SA","name":"home","ike":"home","ok":true,"outcome":"reauthenticated","reauthenticated":true,"old":{"uniqueid":"'"${ike%% *}"'",.*,"algorithms":"[A-Z0-9_/-]*"}' "$out/out" &&
		[ "$(tail -n 1 "$out/out")" = '{"summary":{"matched":1,"rekeyed":1,"failed":0,"timed_out":0,"stopped":0,"not_started":0}}' ] ||
		fail "stdout: $(cat "$out/out")"
}

# run_phase VERSION PROPOSALS IKE_VERSION SUITE...: one lab, the suites
run_phase() {
	LAB_VERSION=$1 LAB_PROPOSALS=$2 LAB_IKE=$3
	shift 3
	phase="strongSwan $LAB_VERSION $LAB_PROPOSALS IKEv$LAB_IKE"
	phase_file=sw$LAB_VERSION-$LAB_PROPOSALS-ikev$LAB_IKE
	phase_start=$(date +%s%N) phase_count=$count phase_failed=$failed
	LAB_QUIET=1
	if ! lab_up; then
		echo "FAIL: $phase: the lab did not come up"
		for f in "$LAB"/*/charon.log "$LAB"/*/*.stderr "$LAB"/*/*.log; do
			[ -f "$f" ] && tail -n 20 "$f"
		done
		failed=$((failed + 1))
		lab_down
		return
	fi
	case_name=setup
	if wait_until 10 both_children_up; then
		for suite; do
			"suite_$suite"
		done
	else
		fail "no CHILD_SAs"
	fi
	lab_down
	echo "e2e: $phase: $((count - phase_count)) cases, $((failed - phase_failed)) failed, $((($(date +%s%N) - phase_start) / 1000000)) ms"
}

for v in $versions; do
	if [ "$v" = 5 ]; then
		soak=${SOAK:-200}
		run_phase 5 classic 2 list rekey
		run_phase 5 classic 1 list ikev1
	else
		soak=${SOAK:-50}
		run_phase 6 pq 2 list rekey
		run_phase 6 classic 2 list
		run_phase 6 classic 1 list ikev1
	fi
done

# make lab and make lab-down (tests/e2e/lab-keep.sh): the lab stays up after
# the command, its export line points this client at it, and lab-down
# takes it all away
case_name="make lab"
count=$((count + 1))
keep_state=$out/lab-state
LAB_STATE=$keep_state SWANCTL=$SWANCTL bash "$here/lab-keep.sh" up >"$out/lab-up" 2>&1 ||
	fail "lab-keep.sh up: $(cat "$out/lab-up")"
export_line=$(grep '^export STRONGSWAN_CONF=' "$out/lab-up")
(eval "$export_line" && "$SWANCTL" --list-sas --child net) >"$out/lab-ls" 2>&1 &&
	grep -q '^  net: #[0-9]*, reqid [0-9]*, INSTALLED' "$out/lab-ls" ||
	fail "the export line does not reach the lab: $(cat "$out/lab-up" "$out/lab-ls")"
kept_ns=$(sed -n 's/^NS_A=//p' "$keep_state" 2>/dev/null)
LAB_STATE=$keep_state bash "$here/lab-keep.sh" down >"$out/lab-down" 2>&1
[ -n "$kept_ns" ] && ! ip netns list | grep -q "^$kept_ns\b" && [ ! -f "$keep_state" ] ||
	fail "lab-down left: $(ip netns list | grep swlab) $(cat "$out/lab-down")"

took=$((($(date +%s%N) - started) / 1000000))
echo "e2e: $count cases (strongSwan${versions}; peak RSS ${min_rss:-?}-${max_rss:-?} KiB in the soaks), $failed failed, ${took} ms"
[ "$failed" = 0 ]
