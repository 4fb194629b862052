#!/bin/bash
# SPDX-License-Identifier: MIT
# The Debian package on this host (root): installs swanctl-rekey and takes
# strongswan-swanctl away and back around it in both orders, and in each
# state checks which binary and man page sit at which path, the diversions,
# that "swanctl --rekey --wait" (ours) rekeys a CHILD_SA of the lab daemons
# through /usr/sbin/swanctl and that "swanctl --load-all" (strongSwan's,
# handed on by ours) loads their configuration.  At the end the system must
# be as before: owner of /usr/sbin/swanctl, diversions, checksums, the
# package's state.  strongSwan's swanctl is put back on every exit path
# (other suites use it as the reference).  Skips loudly where it cannot
# run; fails instead when E2E_REQUIRED=1.  lintian must pass too.
#   DEB=path      the package to test (default: built by make deb, without
#                 running the unit suites again: DEB_BUILD_OPTIONS=nocheck)
#   DEB_VERBOSE=1 print the time of each package operation
# Touches the system's /usr/sbin/swanctl: run it under the lab lock,
#   flock /tmp/charon-lab.lock bash tests/packaging/deb.sh
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
cd "$here/../.."
. tests/e2e/lab.sh
LAB_QUIET=1

skip() {
	t_skip_loud "deb: SKIPPED, $*"
}
installed() { # installed PACKAGE: fully installed
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}
present() { # present PACKAGE: in any state but not-installed
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)
	[ -n "$st" ] && [ "${st:1:1}" != n ]
}

missing=$(lab_missing)
[ -z "$missing" ] || skip "missing: $(echo $missing | sed 's/ package/,/g')"
command -v dpkg-divert >/dev/null || skip "not a Debian system"
installed strongswan-swanctl || skip "strongswan-swanctl is not installed"
! present swanctl-rekey || skip "swanctl-rekey is installed already (purge it first)"
# removing strongswan-swanctl must not take other packages with it
others=$(apt-get -s remove strongswan-swanctl 2>/dev/null | awk '$1 == "Remv" && $2 != "strongswan-swanctl" { print $2 }')
[ -z "$others" ] || skip "strongswan-swanctl is needed by:" $others

started=$(date +%s%N)
work=$(mktemp -d /tmp/deb.XXXXXX)
chmod 755 "$work" # apt reads the packages as _apt
phase=setup

fail() {
	echo "FAIL: deb: $phase: $*"
	failed=$((failed + 1))
}

theirs_version=$(dpkg-query -W -f='${Version}' strongswan-swanctl)
theirs_auto=$(apt-mark showauto strongswan-swanctl)
arch=$(dpkg --print-architecture)

# What the final state is compared with.
sys_state() {
	dpkg -S /usr/sbin/swanctl /usr/share/man/man8/swanctl.8.gz 2>&1
	dpkg-divert --list | LC_ALL=C sort
	ls -d /usr/sbin/swanctl* /usr/share/man/man8/swanctl*.8.gz 2>/dev/null |
		xargs -r md5sum
	ls -d /usr/libexec/swanctl-rekey 2>/dev/null
	dpkg-query -W -f='${Package} ${Version} ${db:Status-Abbrev}\n' strongswan-swanctl
	apt-mark showauto strongswan-swanctl
	dpkg --verify strongswan-swanctl
}

# Puts strongSwan's swanctl back, whatever state the run stopped in.
restore() {
	trap - EXIT INT TERM
	lab_down
	if present swanctl-rekey; then
		dpkg --purge swanctl-rekey >"$work/restore.log" 2>&1 ||
			echo "deb: purging swanctl-rekey failed: $(cat "$work/restore.log")"
	fi
	dpkg-divert --list | awk '$NF == "swanctl-rekey" { print $3 }' |
		while read -r file; do
			echo "deb: removing a leftover diversion of $file"
			dpkg-divert --package swanctl-rekey --rename --remove "$file"
		done
	if ! installed strongswan-swanctl; then
		if [ -f "$theirs_deb" ]; then
			dpkg -i "$theirs_deb" >"$work/restore.log" 2>&1
		else
			apt-get install -y -q "strongswan-swanctl=$theirs_version" >"$work/restore.log" 2>&1
		fi || echo "deb: reinstalling strongswan-swanctl failed: $(cat "$work/restore.log")"
		[ -z "$theirs_auto" ] || apt-mark auto strongswan-swanctl >/dev/null
	fi
	installed strongswan-swanctl || echo "deb: strongswan-swanctl is NOT installed again"
	rm -rf "$work"
}
theirs_deb=
trap restore EXIT
trap 'exit 130' INT TERM

# strongswan-swanctl's package, to put back without a network: apt's cache,
# else downloaded now (before anything changes).
theirs_deb=/var/cache/apt/archives/strongswan-swanctl_${theirs_version//:/%3a}_$arch.deb
if [ -f "$theirs_deb" ]; then
	cp "$theirs_deb" "$work/" && theirs_deb=$work/${theirs_deb##*/}
else
	(cd "$work" && apt-get download -q "strongswan-swanctl=$theirs_version" >/dev/null 2>&1)
	theirs_deb=$(ls "$work"/strongswan-swanctl_*.deb 2>/dev/null | head -n 1)
	[ -n "$theirs_deb" ] || { fail "strongswan-swanctl $theirs_version: no package file, no download"; exit 1; }
fi

if [ -n "${DEB:-}" ]; then
	deb=$(realpath "$DEB")
else
	# the suites ran already (make check); make deb alone runs them too
	DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" make -s deb >"$work/build.log" 2>&1 ||
		{ fail "make deb: $(tail -n 20 "$work/build.log")"; exit 1; }
	deb=$(realpath "swanctl-rekey_$(sed -n 's/^VERSION = //p' Makefile)_$arch.deb")
fi
cp "$deb" "$work/" && deb=$work/${deb##*/}
chmod 644 "$work"/*.deb

# lintian: no errors, no warnings (debian/ explains any override)
phase=lintian
count=$((count + 1))
if command -v lintian >/dev/null; then
	lintian --fail-on error,warning "$deb" >"$work/lintian.log" 2>&1 ||
		fail "$(grep -v '^running with root' "$work/lintian.log")"
else
	fail "lintian is not installed (tests/setup-debian.sh installs it)"
fi

# The checksums of each side's binary and man page.
dpkg-deb -x "$deb" "$work/ours"
dpkg-deb -x "$theirs_deb" "$work/theirs"
ours_bin=$(md5sum <"$work/ours/usr/sbin/swanctl")
ours_man=$(md5sum <"$work/ours/usr/share/man/man8/swanctl.8.gz")
theirs_bin=$(md5sum <"$work/theirs/usr/sbin/swanctl")
theirs_man=$(md5sum <"$work/theirs/usr/share/man/man8/swanctl.8.gz")
[ "$(md5sum </usr/sbin/swanctl)" = "$theirs_bin" ] ||
	{ fail "/usr/sbin/swanctl is not strongswan-swanctl's $theirs_version"; exit 1; }
# The client's real path is not /usr/sbin/swanctl, the path strongSwan's
# AppArmor profile attaches to (a profile that would forbid the hand-over)
count=$((count + 1))
[ "$(readlink "$work/ours/usr/sbin/swanctl")" = ../libexec/swanctl-rekey/swanctl ] &&
	[ -f "$work/ours/usr/libexec/swanctl-rekey/swanctl" ] ||
	fail "usr/sbin/swanctl in the package: $(ls -l "$work/ours/usr/sbin/swanctl")"
if [ -f /etc/apparmor.d/usr.sbin.swanctl ]; then
	grep -q '^/usr/sbin/swanctl ' /etc/apparmor.d/usr.sbin.swanctl ||
		fail "strongSwan's AppArmor profile no longer attaches to /usr/sbin/swanctl: $(grep '{' /etc/apparmor.d/usr.sbin.swanctl | head -n 1)"
fi

# strongSwan's diverted binary has an AppArmor profile of ours, which
# apparmor_parser accepts (no kernel needed); the client has none
phase=apparmor
count=$((count + 1))
profile=$work/ours/etc/apparmor.d/usr.sbin.swanctl.strongswan
if ! command -v apparmor_parser >/dev/null; then
	fail "apparmor_parser is missing (package apparmor, tests/setup-debian.sh)"
elif [ ! -f "$profile" ]; then
	fail "no profile for /usr/sbin/swanctl.strongswan in the package"
else
	apparmor_parser --skip-kernel-load --skip-cache "$profile" >"$work/aa.log" 2>&1 ||
		fail "apparmor_parser: $(grep -v 'Cache read/write disabled' "$work/aa.log")"
	grep -q '^profile [^ ]* /usr/sbin/swanctl.strongswan ' "$profile" ||
		fail "the profile does not attach to /usr/sbin/swanctl.strongswan"
	! grep -q 'libexec/swanctl-rekey' "$profile" || fail "the profile names the client"
	dpkg-deb -e "$deb" "$work/control"
	grep -q 'apparmor_parser' "$work/control/postinst" ||
		fail "postinst does not load the profile"
fi

before=$(sys_state)
echo "$before" >"$work/before"

lab_up || { fail "lab_up"; exit 1; }

# which PATH: "ours", "theirs" or "none" (absent)
which_file() {
	if [ ! -e "$1" ]; then
		echo none
		return
	fi
	sum=$(md5sum <"$1")
	case $sum in
	"$ours_bin" | "$ours_man") echo ours ;;
	"$theirs_bin" | "$theirs_man") echo theirs ;;
	*) echo "unknown ($sum)" ;;
	esac
}

# expect_files SWANCTL SWANCTL.STRONGSWAN DIVERSIONS: who sits at each path
# (the man pages likewise), and how many diversions swanctl-rekey holds.
expect_files() {
	count=$((count + 1))
	for pair in "/usr/sbin/swanctl $1" "/usr/sbin/swanctl.strongswan $2" \
		"/usr/share/man/man8/swanctl.8.gz $1" \
		"/usr/share/man/man8/swanctl.strongswan.8.gz $2"; do
		got=$(which_file "${pair% *}")
		[ "$got" = "${pair##* }" ] || fail "${pair% *} is $got, expected ${pair##* }"
	done
	got=$(dpkg-divert --list | grep -c ' by swanctl-rekey$')
	[ "$got" = "$3" ] || fail "$got diversions by swanctl-rekey, expected $3: $(dpkg-divert --list | grep swanctl)"
}

# expect_rekey ours|theirs: a CHILD_SA rekey through /usr/sbin/swanctl (a
# listing with strongSwan's)
expect_rekey() {
	count=$((count + 1))
	if [ "$1" = ours ]; then
		/usr/sbin/swanctl --rekey --child net --wait -u "$SOCK_A" >"$work/out" 2>"$work/err"
		status=$?
		line=$(cat "$work/out")
		# (the new SA's algorithms follow in parentheses)
		old=$(echo "$line" | sed -n 's/^CHILD_SA net #\([0-9]*\) rekeyed, new CHILD_SA #\([0-9]*\)\( (.*)\)\{0,1\}$/\1/p')
		new=$(echo "$line" | sed -n 's/^CHILD_SA net #\([0-9]*\) rekeyed, new CHILD_SA #\([0-9]*\)\( (.*)\)\{0,1\}$/\2/p')
		[ "$status" = 0 ] && [ -n "$old" ] && [ "$old" != "$new" ] ||
			fail "swanctl --rekey --child net --wait: exit $status: $line $(cat "$work/err")"
	else # strongSwan 5.9's swanctl has no --rekey: its --list-sas
		/usr/sbin/swanctl --list-sas --ike home -u "$SOCK_A" >"$work/out" 2>"$work/err"
		status=$?
		[ "$status" = 0 ] && grep -q '^home: #[0-9]*, ESTABLISHED, IKEv2' "$work/out" ||
			fail "strongSwan's swanctl --list-sas: exit $status: $(cat "$work/out" "$work/err")"
	fi
}

# expect_load_all works|not-implemented [BINARY]: the service's commands
expect_load_all() {
	count=$((count + 1))
	bin=${2:-/usr/sbin/swanctl}
	STRONGSWAN_CONF=$LAB/a/strongswan.conf "$bin" --load-all --noprompt \
		--file "$LAB/a/swanctl.conf" >"$work/out" 2>"$work/err"
	status=$?
	if [ "$1" = works ]; then
		[ "$status" = 0 ] && [ "$(tail -n 1 "$work/out")" = "successfully loaded 1 connections, 0 unloaded" ] ||
			fail "$bin --load-all: exit $status: $(cat "$work/out" "$work/err")"
		# the service's ExecReload: an abbreviation of --reload-settings
		count=$((count + 1))
		STRONGSWAN_CONF=$LAB/a/strongswan.conf "$bin" --reload >"$work/out" 2>"$work/err"
		status=$?
		[ "$status" = 0 ] ||
			fail "$bin --reload: exit $status: $(cat "$work/out" "$work/err")"
	else
		[ "$status" = 2 ] && grep -q -- '--load-all' "$work/err" ||
			fail "$bin --load-all without strongSwan: exit $status: $(cat "$work/out" "$work/err")"
	fi
}

# pkg apt|dpkg ARGS...: a package operation, quiet unless it fails; its
# time is added to pkg_ms
pkg_ms=0
pkg() {
	tool=$1
	shift
	t0=$(date +%s%N)
	if [ "$tool" = apt ]; then
		DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >"$work/pkg.log" 2>&1
	else
		dpkg "$@" >"$work/pkg.log" 2>&1
	fi || fail "$tool $*: $(cat "$work/pkg.log")"
	pkg_ms=$((pkg_ms + ($(date +%s%N) - t0) / 1000000))
	[ -z "${DEB_VERBOSE:-}" ] || echo "deb: $phase: $tool $*: $((($(date +%s%N) - t0) / 1000000)) ms"
}

phase="strongSwan's alone (before)"
expect_files theirs none 0
expect_rekey theirs
expect_load_all works

phase="ours installed after strongswan-swanctl"
pkg apt install "$deb"
expect_files ours theirs 2
count=$((count + 1))
[ "$(dpkg -S /usr/sbin/swanctl | sed 's/^strongswan-swanctl, swanctl-rekey:/swanctl-rekey, strongswan-swanctl:/')" = "diversion by swanctl-rekey from: /usr/sbin/swanctl
diversion by swanctl-rekey to: /usr/sbin/swanctl.strongswan
swanctl-rekey, strongswan-swanctl: /usr/sbin/swanctl" ] || fail "dpkg -S: $(dpkg -S /usr/sbin/swanctl)"
expect_rekey ours
expect_load_all works
expect_load_all works /usr/sbin/swanctl.strongswan

phase="ours reinstalled over itself (upgrade)"
pkg dpkg --install "$deb"
expect_files ours theirs 2
expect_load_all works

phase="strongswan-swanctl removed"
pkg dpkg --remove strongswan-swanctl
expect_files ours none 2
expect_rekey ours
expect_load_all not-implemented

phase="strongswan-swanctl installed after ours"
pkg apt install "$theirs_deb"
expect_files ours theirs 2
expect_rekey ours
expect_load_all works
expect_load_all works /usr/sbin/swanctl.strongswan

phase="ours removed"
pkg apt remove swanctl-rekey
expect_files theirs none 0
expect_rekey theirs
expect_load_all works

phase="ours purged"
pkg dpkg --purge swanctl-rekey
expect_files theirs none 0
# the diversions went with the remove: the purge says nothing about them
count=$((count + 1))
! grep -q 'No diversion' "$work/pkg.log" || fail "purge: $(cat "$work/pkg.log")"

phase="ours alone"
pkg dpkg --remove strongswan-swanctl
pkg apt install "$deb"
expect_files ours none 2
expect_rekey ours
expect_load_all not-implemented

phase="neither"
pkg apt purge swanctl-rekey
expect_files none none 0
count=$((count + 1))
! grep -q 'No diversion' "$work/pkg.log" || fail "purge: $(cat "$work/pkg.log")"

phase="strongSwan's alone (after)"
pkg apt install "$theirs_deb"
[ -z "$theirs_auto" ] || apt-mark auto strongswan-swanctl >/dev/null
expect_files theirs none 0
expect_rekey theirs
expect_load_all works
count=$((count + 1))
after=$(sys_state)
[ "$after" = "$before" ] || fail "the system differs from before: $(diff "$work/before" - <<<"$after")"

elapsed=$((($(date +%s%N) - started) / 1000000))
echo "deb: $count checks, $failed failed, ${elapsed} ms (package operations ${pkg_ms} ms)"
[ "$failed" = 0 ]
