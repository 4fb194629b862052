#!/bin/sh
# SPDX-License-Identifier: MIT
# Everything the build, the tests and the demo need, from Debian's packages
# (gcm and openssl are in libstrongswan-standard-plugins, a recommends; the
# autotools line builds strongSwan 6.0.6 for the e2e suite,
# tests/build-strongswan6.sh; unicode-data regenerates src/unicode/invisible.h).
set -e
if [ "$(id -u)" != 0 ]; then
	echo "setup-debian.sh: run as root (sudo sh tests/setup-debian.sh)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
	make gcc clang libc6-dev libcmocka-dev valgrind time util-linux zsh \
	bash-completion mandoc unicode-data \
	clang-format libclang-rt-14-dev python3 \
	iproute2 strongswan-charon strongswan-swanctl libcharon-extra-plugins \
	libstrongswan-standard-plugins \
	jq debhelper dpkg-dev fakeroot lintian ansible-core \
	autoconf automake libtool gperf bison flex pkg-config libgmp-dev \
	libssl-dev
