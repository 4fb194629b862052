#!/bin/sh
# SPDX-License-Identifier: MIT
# Everything the build, the tests and the demo need, from Debian's packages
# (gcm and openssl are in libstrongswan-standard-plugins, a recommends; the
# autotools line builds strongSwan 6.0.6 for the e2e suite,
# tests/build-strongswan6.sh; unicode-data regenerates src/unicode/invisible.h).
#   sh tests/setup-debian.sh         everything make check needs: 321
#   packages, 964 MB installed, 208 MB to download on a minimal Debian 12
#   sh tests/setup-debian.sh demo    only what make demo and make lab need
#   (the compiler, make, iproute2 and strongSwan's charon, swanctl and
#   plugins): 41 packages, 199 MB installed, 50 MB to download
#   sh tests/setup-debian.sh cross   also the cross compilers, qemu-user,
#   musl-gcc (x86-64 and armhf) and each architecture's libcmocka
#   (multiarch) for make cross
#   and make check-cross (tests/cross.sh)
# (sizes: apt-get -s against a dpkg status of Debian 12's required and
# important packages and what they depend on, summed from apt-cache show,
# 2026-12-04)
set -e
if [ "$(id -u)" != 0 ]; then
	echo "setup-debian.sh: run as root (sudo sh tests/setup-debian.sh)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
if [ "${1:-}" = demo ]; then
	apt-get install -y -q --no-install-recommends \
		make gcc libc6-dev iproute2 strongswan-charon strongswan-swanctl \
		libcharon-extra-plugins libstrongswan-standard-plugins
	exit 0
fi
apt-get install -y -q --no-install-recommends \
	make gcc clang libc6-dev libcmocka-dev valgrind time util-linux zsh \
	bash-completion mandoc unicode-data \
	clang-format libclang-rt-14-dev python3 strace \
	iproute2 strongswan-charon strongswan-swanctl libcharon-extra-plugins \
	libstrongswan-standard-plugins \
	jq debhelper dh-apparmor apparmor dpkg-dev fakeroot lintian ansible-core \
	ansible-lint yamllint \
	autoconf automake libtool gperf bison flex pkg-config libgmp-dev \
	libssl-dev
if [ "${1:-}" = cross ]; then
	for arch in s390x armhf arm64 i386; do
		dpkg --add-architecture $arch
	done
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		gcc-s390x-linux-gnu gcc-arm-linux-gnueabihf \
		gcc-aarch64-linux-gnu gcc-i686-linux-gnu \
		libc6-dev-s390x-cross libc6-dev-armhf-cross libc6-dev-arm64-cross \
		libc6-dev-i386-cross qemu-user-static musl-tools musl-dev:armhf \
		libcmocka-dev:s390x libcmocka-dev:armhf libcmocka-dev:arm64 \
		libcmocka-dev:i386
fi
