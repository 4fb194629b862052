#!/bin/bash
# SPDX-License-Identifier: MIT
# The cross builds side by side (make bench-cross): the stripped size of
# each static binary (make cross, make static), and callgrind's instruction
# count of the musl static binary next to glibc's, static and dynamic, for
# the same --rekey round trip as bench/bench.sh (against the fake daemon,
# with --uri and with the socket found in Debian's stock strongswan.conf
# tree), and their peak RSS.  Only x86-64 binaries run under callgrind
# here.
#   bench/cross.sh [ARCH...]   (default: every one of make cross)
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
[ $# -gt 0 ] || set -- s390x armhf armhf-t64 i386 arm64 musl musl-armhf
fake=$(realpath "${FAKEVICI:-build/fakevici}")
dir=$(mktemp -d /tmp/benchx.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
ok=hex:0000001b01030773756363657373000379657303076d617463686573000131

clean_env() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# the binutils strip of ARCH
strip_for() {
	case $1 in
	s390x) echo s390x-linux-gnu-strip ;;
	armhf | armhf-t64 | musl-armhf) echo arm-linux-gnueabihf-strip ;;
	i386) echo i686-linux-gnu-strip ;;
	arm64) echo aarch64-linux-gnu-strip ;;
	*) echo strip ;;
	esac
}

size() { # size STRIP BINARY: bytes once stripped, or -
	[ -f "$2" ] && "$1" -o "$dir/stripped" "$2" 2>/dev/null &&
		stat -c %s "$dir/stripped" || echo -
}

instructions() { # instructions [VAR=VALUE...] CLIENT ARGS...
	"$fake" "$dir/s" read $ok close
	clean_env "$@" >/dev/null 2>"$dir/vg"
	sed -n 's/.*Collected : //p' "$dir/vg"
}

cg() { echo valgrind --tool=callgrind --callgrind-out-file="$dir/cg"; }

peak_rss() { # peak_rss CLIENT: KiB, the least of five runs (as bench.sh)
	best=
	for _ in 1 2 3 4 5; do
		"$fake" "$dir/s" read $ok close
		clean_env /usr/bin/time -f %M -o "$dir/rss" "$1" --rekey \
			--ike home -u "unix://$dir/s" >/dev/null 2>&1
		r=$(tail -n 1 "$dir/rss")
		[ -n "$best" ] && [ "$best" -le "$r" ] || best=$r
	done
	echo "$best"
}

# A copy of the stock tree, one file added to name the fake daemon's socket
stock=
if [ -f /etc/strongswan.conf ]; then
	mkdir "$dir/stock"
	cp -r /etc/strongswan.conf "$dir/stock/"
	[ ! -d /etc/strongswan.d ] || cp -r /etc/strongswan.d "$dir/stock/"
	mkdir -p "$dir/stock/strongswan.d"
	printf 'swanctl {\n\tsocket = unix://%s/s\n}\n' "$dir" \
		>"$dir/stock/strongswan.d/zz-bench.conf"
	stock=$dir/stock/strongswan.conf
fi

row() { printf '%-30s %14s %14s %18s\n' "$@"; }

echo "stripped static binaries:"
row "architecture, C library" "bytes" "" ""
row "x86-64, glibc (dynamic)" "$(size strip swanctl)" "" ""
row "x86-64, glibc" "$(size strip swanctl.static)" "" ""
for arch; do
	case $arch in
	musl) name="x86-64, musl" ;;
	musl-armhf) name="armhf, musl" ;;
	armhf-t64) name="armhf, glibc, 64-bit time_t" ;;
	*) name="$arch, glibc" ;;
	esac
	row "$name" "$(size "$(strip_for "$arch")" "build/$arch/swanctl")" "" ""
done
echo
echo "instructions per --rekey (callgrind):"
row "client" "with --uri" "stock conf" "peak RSS KiB"
for c in swanctl swanctl.static build/musl/swanctl; do
	[ -x "$c" ] || continue
	# shellcheck disable=SC2046
	with_uri=$(instructions $(cg) "./$c" --rekey --ike home -u "unix://$dir/s")
	from_conf=-
	if [ -n "$stock" ]; then
		# shellcheck disable=SC2046
		from_conf=$(instructions STRONGSWAN_CONF="$stock" $(cg) "./$c" \
			--rekey --ike home)
	fi
	row "$c" "$with_uri" "$from_conf" "$(peak_rss "./$c")"
done
