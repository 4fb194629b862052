# SPDX-License-Identifier: MIT
# A two-host strongSwan lab: two charon daemons in two network namespaces
# joined by a veth pair, PSK auth, one IKE_SA "home" with CHILD_SAs "net" and
# "net2".  Sourced by tests/e2e/e2e.sh and tests/e2e/demo.sh.  Chosen at lab_up:
#   LAB_VERSION=5  Debian's charon and swanctl 5.9.8 (the default)
#   LAB_VERSION=6  strongSwan 6.0.6 from tests/build-strongswan6.sh, in
#                  SW6_PREFIX (default /opt/swanctl-test/strongswan-6.0.6)
#   LAB_PROPOSALS=classic  aes128-sha256-modp2048, ESP aes128gcm16 (default)
#   LAB_PROPOSALS=pq       ML-KEM hybrids (6 only), a post-quantum preshared
#                  key (PPK) and a security label on net2
#   LAB_IKE=2|1    the IKE version of home (default 2)
# REF_SWANCTL is then the same version's swanctl, the referee.
#
#   lab_up      bring everything up (sets LAB, NS_A, NS_B, SOCK_A, TCP_B)
#   lab_down    tear everything down; safe to call twice and on any exit path
#   lab_sas A|B list SAs of a side as lines "ike NAME ID STATE SPI_I SPI_R"
#               and "child NAME ID STATE SPI_IN SPI_OUT" (strongSwan's swanctl)

LAB_PACKAGES="strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins iproute2"
SW6_PREFIX=${SW6_PREFIX:-/opt/swanctl-test/strongswan-6.0.6}
LAB_PLUGINS5="random nonce aes gcm sha1 sha2 hmac kdf gmp x509 pubkey pem pkcs1 openssl kernel-libipsec kernel-netlink socket-default vici"

# Sets CHARON, REF_SWANCTL and LAB_PLUGINS for LAB_VERSION.
lab_select() {
	if [ "${LAB_VERSION:-5}" = 6 ]; then
		CHARON=$SW6_PREFIX/libexec/ipsec/charon
		REF_SWANCTL=$SW6_PREFIX/sbin/swanctl
		LAB_PLUGINS="$LAB_PLUGINS5 ml curve25519"
	else
		CHARON=/usr/lib/ipsec/charon
		REF_SWANCTL=/usr/sbin/swanctl
		LAB_PLUGINS=$LAB_PLUGINS5
	fi
}
lab_select

# Prints what is missing to run the lab; nothing when all is there.
lab_missing() {
	lab_select
	[ "$(id -u)" = 0 ] || echo "root (network namespaces and charon need it)"
	if [ "${LAB_VERSION:-5}" = 6 ]; then
		[ -x "$CHARON" ] && [ -x "$REF_SWANCTL" ] ||
			echo "strongSwan 6.0.6 in $SW6_PREFIX (tests/build-strongswan6.sh)"
	else
		[ -x "$CHARON" ] || echo "package strongswan-charon"
		[ -x "$REF_SWANCTL" ] || echo "package strongswan-swanctl"
		[ -e /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so ] ||
			echo "package libcharon-extra-plugins"
		[ -e /usr/lib/ipsec/plugins/libstrongswan-gcm.so ] ||
			echo "package libstrongswan-standard-plugins"
	fi
	command -v ip >/dev/null || echo "package iproute2"
	[ -c /dev/net/tun ] || echo "/dev/net/tun (kernel-libipsec needs it)"
}

# lab_require NAME: returns when the lab can run; else says what is missing
# and exits, 0 (skipped) or, under E2E_REQUIRED=1, 1
lab_require() {
	missing=$(lab_missing)
	[ -n "$missing" ] || return 0
	echo "$1: SKIPPED, missing: $(echo $missing | sed 's/ package/,/g')"
	[ -z "${E2E_REQUIRED:-}" ]
	exit
}

lab_log() {
	[ -n "${LAB_QUIET:-}" ] || echo "lab: $*"
}

# lab_conf SIDE ADDR PEER LOCAL_ID REMOTE_ID NET_LOCAL NET_REMOTE NET2_LOCAL
#          NET2_REMOTE VICI_URI
lab_conf() {
	d=$LAB/$1
	mkdir -p "$d"
	ike_prop=aes128-sha256-modp2048 esp_prop=aes128gcm16 ppk='' label=''
	if [ "${LAB_PROPOSALS:-classic}" = pq ]; then
		ike_prop=aes128-sha256-x25519-ke1_mlkem768
		esp_prop=aes128gcm16-x25519-ke1_mlkem768
		ppk="ppk_id = ppk.lab.test
		ppk_required = yes"
		label="label = system_u:object_r:ipsec_spd_t:s0
				label_mode = simple"
	fi
	cat >"$d/strongswan.conf" <<EOC
charon {
	load = $LAB_PLUGINS
	install_virtual_ip = no
	# every initiate gets an IKE_SA of its own (B uses it to give A a
	# second IKE_SA of the same config)
	reuse_ikesa = $([ "$1" = b ] && echo no || echo yes)
	plugins {
		vici {
			socket = ${10}
		}
	}
	filelog {
		lab {
			path = $d/charon.log
			flush_line = yes
			default = 1
			ike = 2
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
	socket = ${10}
}
EOC
	cat >"$d/swanctl.conf" <<EOC
connections {
	home {
		version = ${LAB_IKE:-2}
		local_addrs = $2
		remote_addrs = $3
		proposals = $ike_prop
		rekey_time = 4h
		$ppk
		local {
			auth = psk
			id = $4
		}
		remote {
			auth = psk
			id = $5
		}
		children {
			net {
				local_ts = $6
				remote_ts = $7
				esp_proposals = $esp_prop
			}
			net2 {
				local_ts = $8
				remote_ts = $9
				esp_proposals = $esp_prop
				$label
			}
		}
	}
}
secrets {
	ike-lab {
		id-a = a.lab.test
		id-b = b.lab.test
		secret = "lab secret, never used for anything real"
	}
	ppk-lab {
		id = ppk.lab.test
		secret = "lab post-quantum preshared key, never used for anything real"
	}
}
EOC
}

# Run strongSwan's swanctl against side A or B.
lab_swanctl() {
	side=$1
	shift
	if [ "$side" = A ]; then
		STRONGSWAN_CONF=$LAB/a/strongswan.conf "$REF_SWANCTL" "$@"
	else
		STRONGSWAN_CONF=$LAB/b/strongswan.conf ip netns exec "$NS_B" \
			"$REF_SWANCTL" "$@"
	fi
}

lab_start() {
	ns=$1 side=$2
	STRONGSWAN_CONF=$LAB/$side/strongswan.conf \
		ip netns exec "$ns" unshare --mount --propagation private sh -c \
		'mount -t tmpfs tmpfs /run && exec "$0" 2>>"$1"' \
		"$CHARON" "$LAB/$side/charon.stderr" \
		</dev/null >/dev/null &
	echo $! >"$LAB/$side/pid"
	# no "Killed" notice from the shell when a test kills it
	disown $! 2>/dev/null || true
}

lab_wait_socket() {
	i=0
	until lab_swanctl "$1" --stats >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "lab: charon $1 did not open its VICI socket" >&2
			return 1
		fi
		sleep 0.1
	done
}

lab_up() {
	lab_select
	LAB=$(mktemp -d /tmp/swanlab.XXXXXX)
	chmod 755 "$LAB"
	NS_A=swlab$$a
	NS_B=swlab$$b
	SOCK_A=unix://$LAB/a/charon.vici
	TCP_B=tcp://127.0.0.1:4502
	echo "$NS_A $NS_B" >"$LAB/netns"
	lab_log "strongSwan ${LAB_VERSION:-5}, ${LAB_PROPOSALS:-classic} proposals, IKEv${LAB_IKE:-2}: namespaces $NS_A and $NS_B, files in $LAB"
	ip netns add "$NS_A" && ip netns add "$NS_B" || return 1
	ip link add "sw$$a" type veth peer name "sw$$b" || return 1
	ip link set "sw$$a" netns "$NS_A" && ip link set "sw$$b" netns "$NS_B" || return 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "sw$$a"
	ip -n "$NS_B" addr add 192.0.2.2/24 dev "sw$$b"
	# kernel-libipsec installs routes only to addresses the host owns
	ip -n "$NS_A" addr add 10.1.0.1/32 dev lo
	ip -n "$NS_B" addr add 10.2.0.1/32 dev lo
	ip -n "$NS_B" addr add 10.3.0.1/32 dev lo
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link set "sw$$a" up
	ip -n "$NS_B" link set "sw$$b" up
	lab_conf a 192.0.2.1 192.0.2.2 a.lab.test b.lab.test \
		10.1.0.0/16 10.2.0.0/16 10.1.0.0/16 10.3.0.0/16 "$SOCK_A"
	lab_conf b 192.0.2.2 192.0.2.1 b.lab.test a.lab.test \
		10.2.0.0/16 10.1.0.0/16 10.3.0.0/16 10.1.0.0/16 "$TCP_B"
	lab_start "$NS_A" a
	lab_start "$NS_B" b
	lab_wait_socket A && lab_wait_socket B || return 1
	lab_swanctl A --load-all --file "$LAB/a/swanctl.conf" >"$LAB/a/load.log" 2>&1 &&
		lab_swanctl B --load-all --file "$LAB/b/swanctl.conf" >"$LAB/b/load.log" 2>&1 ||
		{ echo "lab: loading the configuration failed" >&2; return 1; }
	lab_log "daemons up (pids $(cat "$LAB/a/pid") $(cat "$LAB/b/pid")), initiating"
	lab_swanctl A --initiate --child net --timeout 10 >"$LAB/a/initiate.log" 2>&1 &&
		lab_swanctl A --initiate --child net2 --timeout 10 >>"$LAB/a/initiate.log" 2>&1 ||
		{ echo "lab: initiating failed, see $LAB/a/charon.log" >&2; return 1; }
	lab_log "IKE_SA home with CHILD_SAs net and net2 established"
}

lab_down() {
	[ -n "${LAB:-}" ] && [ -d "$LAB" ] || return 0
	for side in a b; do
		if [ -f "$LAB/$side/pid" ]; then
			pid=$(cat "$LAB/$side/pid")
			kill "$pid" 2>/dev/null
			i=0
			while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
				sleep 0.1
				i=$((i + 1))
			done
			kill -9 "$pid" 2>/dev/null
		fi
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	if [ -n "${LAB_KEEP:-}" ]; then
		echo "lab: kept $LAB"
	else
		rm -rf "$LAB"
	fi
	LAB=
}

lab_sas() {
	lab_swanctl "$1" --list-sas --pretty 2>/dev/null | awk '
		/^  [^ ].* \{$/ { ike = $1; id = st = si = sr = "" }
		/^    uniqueid = / { id = $3 }
		/^    state = / { st = $3 }
		/^    initiator-spi = / { si = $3 }
		/^    responder-spi = / { sr = $3 }
		/^      [^ ].* \{$/ { cn = ci = cs = cin = cout = "" }
		/^        name = / { cn = $3 }
		/^        uniqueid = / { ci = $3 }
		/^        state = / { cs = $3 }
		/^        spi-in = / { cin = $3 }
		/^        spi-out = / { cout = $3 }
		/^      }$/ { print "child", cn, ci, cs, cin, cout }
		/^  }$/ { print "ike", ike, id, st, si, sr }'
}

# lab_many COUNT: B starts COUNT more IKE_SAs "home" (reuse_ikesa = no
# there), each with CHILD_SA net, without waiting for each (an initiate that
# waits holds one of charon's threads); returns once A lists them all
# ESTABLISHED, or fails after LAB_MANY_SECONDS (default 150).
lab_many() {
	want=$(($(lab_ike_ids A | wc -l) + $1))
	seq "$1" | xargs -P 4 -I{} sh -c \
		'STRONGSWAN_CONF=$0/b/strongswan.conf ip netns exec "$1" swanctl --initiate --child net --timeout -1 >/dev/null 2>&1' \
		"$LAB" "$NS_B"
	limit=$(($(date +%s) + ${LAB_MANY_SECONDS:-150}))
	while [ "$(lab_ike_ids A | wc -l)" -lt "$want" ]; do
		if [ "$(date +%s)" -ge "$limit" ]; then
			echo "lab: only $(lab_ike_ids A | wc -l) of $want IKE_SAs up" >&2
			return 1
		fi
		sleep 1
	done
}

# lab_ike_ids A|B: unique ids of the ESTABLISHED IKE_SAs, one a line
lab_ike_ids() {
	lab_sas "$1" | awk '$1 == "ike" && $4 == "ESTABLISHED" { print $3 }'
}

# lab_add_peer: a third daemon C in B's namespace, on IKE ports 1500/14500
# with B's identity (A takes it for another IKE_SA of "home"), no CHILD_SAs
# (kernel-libipsec belongs to B there); sets SOCK_C.  lab_stop_peer stops
# it (call it before lab_down).
lab_add_peer() {
	mkdir -p "$LAB/c"
	SOCK_C=unix://$LAB/c/charon.vici
	sed -e "s|socket = $TCP_B|socket = $SOCK_C|" \
		-e "s|$LAB/b/|$LAB/c/|" -e 's/ kernel-libipsec//' \
		-e 's/^\tinstall_virtual_ip = no/&\n\tport = 1500\n\tport_nat_t = 14500/' \
		"$LAB/b/strongswan.conf" >"$LAB/c/strongswan.conf"
	cp "$LAB/b/swanctl.conf" "$LAB/c/swanctl.conf"
	lab_start "$NS_B" c
	i=0
	until STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --stats >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le 100 ] || { echo "lab: charon C did not start" >&2; return 1; }
		sleep 0.1
	done
	STRONGSWAN_CONF=$LAB/c/strongswan.conf swanctl --load-all \
		--file "$LAB/c/swanctl.conf" >"$LAB/c/load.log" 2>&1 || return 1
}

# lab_stop_peer [SIGNAL]: stop daemon C (SIGKILL: a peer that is simply gone)
lab_stop_peer() {
	[ -n "${LAB:-}" ] && [ -f "$LAB/c/pid" ] || return 0
	kill -"${1:-TERM}" "$(cat "$LAB/c/pid")" 2>/dev/null
	rm -f "$LAB/c/pid"
}
