#!/bin/sh
# SPDX-License-Identifier: MIT
# The suites again with the cross builds (make cross): for each architecture
# named (default: all of them), the cmocka unit tests, the corpus replays,
# and the black-box, strongswan.conf, --list-sas and --batch suites and the
# strongswan.conf and command-line differentials of make check-unit, with
# that architecture's binary run by qemu-user (s390x, armhf, armhf-t64,
# arm64, musl-armhf) or natively (i386 and musl on an x86-64 host).  The fake daemon and strongSwan's
# swanctl, the referee, stay native.  Each suite is bounded by
# CROSS_SUITE_TIMEOUT seconds (default 900): a loop under emulation must
# not eat CI's budget.
#   sh tests/cross.sh [ARCH...]          (sh tests/setup-debian.sh cross first)
#   CROSS_E2E="s390x armhf"  also run the end-to-end suite's strongSwan 5.9.8
#       phases with those binaries against real charon (root; serialized
#       with other labs by flock on /tmp/charon-lab.lock); SOAK (default 20)
#       rekeys in its soak
#   CROSS_BUILD=0  use the builds already under build/ARCH
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
[ $# -gt 0 ] || set -- s390x armhf armhf-t64 i386 arm64 musl musl-armhf
if [ -z "${FAKEVICI:-}" ]; then
	make --no-print-directory build/fakevici >/dev/null || exit 1
	FAKEVICI=build/fakevici
fi
FAKEVICI=$(realpath "$FAKEVICI")
export FAKEVICI
limit=${CROSS_SUITE_TIMEOUT:-900}
passed=0
failed=0
report=

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# suite ARCH NAME COMMAND...: run one suite, time it, count it
suite() {
	arch=$1 name=$2
	shift 2
	begin=$(now_ms)
	echo "== cross $arch: $name"
	"$@"
	st=$?
	took=$(($(now_ms) - begin))
	if [ $st = 0 ]; then
		passed=$((passed + 1))
		report="$report$(printf '%-10s %-10s ok     %6d ms' "$arch" "$name" "$took")
"
	else
		failed=$((failed + 1))
		[ $st != 124 ] || echo "cross $arch: $name: killed after $limit s"
		report="$report$(printf '%-10s %-10s FAILED %6d ms (exit %s)' "$arch" "$name" "$took" "$st")
"
	fi
}

# the program that runs ARCH's binaries here, or nothing: natively
runner() {
	case $1 in
	s390x) echo qemu-s390x-static ;;
	armhf | armhf-t64 | musl-armhf) echo qemu-arm-static ;;
	arm64) echo qemu-aarch64-static ;;
	i386) build/i386/swanctl --version >/dev/null 2>&1 || echo qemu-i386-static ;;
	musl) build/musl/swanctl --version >/dev/null 2>&1 || echo qemu-x86_64-static ;;
	esac
}

# unit tests (none for musl: no libcmocka built with it) and replays,
# each program under the runner
units() {
	rc=0
	for t in build/$arch/test_*; do
		case $t in *.o | *.d) continue ;; esac
		[ -x "$t" ] || continue
		timeout "$limit" $qemu "$t" || rc=1
	done
	for r in build/$arch/replay_*; do
		case $r in *.o | *.d) continue ;; esac
		[ -x "$r" ] || continue
		timeout "$limit" $qemu "$r" "tests/corpus/${r##*/replay_}" ||
			rc=1
	done
	return $rc
}

for arch; do
	if [ "${CROSS_BUILD:-1}" != 0 ]; then
		make --no-print-directory -j2 cross ARCH="$arch" WERROR=1 \
			>"build/cross-$arch.log" 2>&1 || {
			echo "cross $arch: build failed:"
			tail -n 20 "build/cross-$arch.log"
			failed=$((failed + 1))
			report="$report$arch build FAILED
"
			continue
		}
	fi
	qemu=$(runner "$arch")
	if [ -n "$qemu" ] && ! command -v "$qemu" >/dev/null; then
		echo "cross $arch: $qemu missing: sh tests/setup-debian.sh cross"
		failed=$((failed + 1))
		continue
	fi
	# One path for the suites: a script that runs the binary under qemu
	# (the suites call it as they would call ./swanctl, also from another
	# user or network namespace).
	client=$(realpath "build/$arch/swanctl")
	if [ -n "$qemu" ]; then
		printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$client" \
			>"build/$arch/swanctl.run"
		chmod 755 "build/$arch/swanctl.run"
		client=$(realpath "build/$arch/swanctl.run")
	fi
	if [ -x "build/$arch/test_vici" ]; then
		suite "$arch" unit units
	else
		suite "$arch" replay units
	fi
	# musl: time blocked writing output counts against --timeout
	# (print_std_streams() replaces stdout with glibc only)
	slow=1
	case $arch in musl*) slow=0 ;; esac
	suite "$arch" blackbox timeout "$limit" env SWANCTL="$client" \
		SLOW_READER_CASES=$slow sh tests/blackbox/blackbox.sh
	suite "$arch" conf timeout "$limit" env SWANCTL="$client" sh tests/blackbox/conf.sh
	suite "$arch" listsas timeout "$limit" env SWANCTL="$client" sh tests/blackbox/listsas.sh
	suite "$arch" batch timeout "$limit" env SWANCTL="$client" sh tests/blackbox/batch.sh
	# the differentials against strongSwan's swanctl, as make check-unit
	suite "$arch" confdiff timeout "$limit" env SWANCTL="$client" \
		python3 tests/diff/confdiff.py -n "${CONFDIFF_CHECK:-300}" -s 1
	suite "$arch" argvdiff timeout "$limit" env SWANCTL="$client" \
		python3 tests/diff/argvdiff.py -n "${ARGVDIFF_CHECK:-300}" -s 1
	case " ${CROSS_E2E:-} " in
	*" $arch "*)
		# qemu's own pages count in the RSS of a run (about 11 MiB)
		suite "$arch" e2e flock /tmp/charon-lab.lock timeout 3600 env \
			SWANCTL="$client" E2E_VERSIONS=5 SOAK="${SOAK:-20}" \
			RSS_BUDGET_KIB=32768 E2E_VALGRIND=0 bash tests/e2e/e2e.sh
		;;
	esac
done
printf '%s' "$report"
echo "cross: $passed passed, $failed failed"
[ $failed = 0 ]
