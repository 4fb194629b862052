#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds upstream strongSwan 6.0.6 once per machine into a private prefix, a
# second daemon and swanctl for the end-to-end suite (a test oracle only;
# nothing of it goes into this client).  Never touches Debian's packages.
#   SW6_TARBALL  source (default ../shared/vendor/strongswan-6.0.6.tar.xz
#                beside the checkout)
#   SW6_PREFIX   install prefix (default /opt/swanctl-test/strongswan-6.0.6)
#   E2E_REQUIRED=1  a missing tarball or a failed build is an error (CI);
#                otherwise a missing tarball is a loud skip (exit 0).
# A stamp in the prefix (tarball sha256 and configure line) skips a rebuild;
# a lock serialises concurrent runs.  Output: the build log goes to
# PREFIX.log, one summary line to stdout.
set -eu
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
TARBALL=${SW6_TARBALL:-$here/../../shared/vendor/strongswan-6.0.6.tar.xz}
PREFIX=${SW6_PREFIX:-/opt/swanctl-test/strongswan-6.0.6}
SHA256=92cf1a6b7e23af5707c951e2c591cb9bb485862e317ede449721c6fdcaf7e348

skip() {
	t_skip_loud "build-strongswan6: SKIPPED: $*"
}

[ -f "$TARBALL" ] || skip "no $TARBALL (strongSwan 6.0.6 source)"
[ "$(id -u)" = 0 ] || skip "not root (the prefix $PREFIX needs it)"
for tool in autoconf automake libtoolize gperf bison flex pkg-config make cc; do
	command -v $tool >/dev/null ||
		skip "no $tool (sh tests/setup-debian.sh installs it)"
done

CONFIGURE="--prefix=$PREFIX --sysconfdir=$PREFIX/etc --disable-defaults \
--enable-charon --enable-ikev1 --enable-ikev2 --enable-swanctl --enable-vici \
--enable-openssl --enable-nonce --enable-random --enable-kernel-netlink \
--enable-kernel-libipsec --enable-libipsec --enable-socket-default \
--enable-updown --enable-pem --enable-pkcs1 --enable-x509 --enable-pubkey \
--enable-hmac --enable-sha1 --enable-sha2 --enable-aes --enable-gcm \
--enable-kdf --enable-gmp --enable-ml --enable-curve25519 \
--enable-constraints --enable-revocation"
want="$SHA256 $CONFIGURE"

mkdir -p "$(dirname "$PREFIX")"
exec 9>"$PREFIX.lock"
flock 9
if [ -f "$PREFIX/.built" ] && [ "$(cat "$PREFIX/.built")" = "$want" ] &&
	[ -x "$PREFIX/libexec/ipsec/charon" ] && [ -x "$PREFIX/sbin/swanctl" ]; then
	echo "build-strongswan6: $PREFIX already built"
	exit 0
fi
got=$(sha256sum "$TARBALL" | cut -d' ' -f1)
if [ "$got" != "$SHA256" ]; then
	echo "build-strongswan6: $TARBALL: sha256 $got, expected $SHA256" >&2
	exit 1
fi

src=$(mktemp -d /var/tmp/strongswan6.XXXXXX)
trap 'rm -rf "$src"' EXIT
log=$PREFIX.log
echo "build-strongswan6: building into $PREFIX (about 2 minutes, log $log)"
started=$(date +%s)
rm -rf "$PREFIX"
# shellcheck disable=SC2086
if ! (tar -xJf "$TARBALL" -C "$src" --strip-components=1 && cd "$src" &&
	./autogen.sh && ./configure $CONFIGURE && make -j2 && make install) \
	>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	echo "build-strongswan6: FAILED, see $log" >&2
	exit 1
fi
echo "$want" >"$PREFIX/.built"
echo "build-strongswan6: built $PREFIX in $(($(date +%s) - started)) s"
