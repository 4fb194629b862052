#!/bin/sh
# SPDX-License-Identifier: MIT
# make install into a staging folder puts exactly the binary, the man page
# and the two completions there; make uninstall takes them all away; the
# bash completion completes options; the dist tarball builds and passes
# make check elsewhere (DIST=1).
set -u
dir=$(mktemp -d /tmp/install.XXXXXX)
trap 'rm -rf "$dir"' EXIT
failed=0
fail() {
	echo "FAIL: install: $*"
	failed=$((failed + 1))
}

make -s install DESTDIR="$dir/stage" PREFIX=/usr >/dev/null || fail "make install"
(cd "$dir/stage" && find . -type f | sort) >"$dir/got"
cat >"$dir/want" <<EOL
./usr/sbin/swanctl
./usr/share/bash-completion/completions/swanctl
./usr/share/man/man8/swanctl.8
./usr/share/zsh/site-functions/_swanctl
EOL
cmp -s "$dir/got" "$dir/want" || fail "installed files: $(cat "$dir/got")"
[ -x "$dir/stage/usr/sbin/swanctl" ] || fail "binary not executable"
"$dir/stage/usr/sbin/swanctl" --version | grep -q "^swanctl $(sed -n 's/^VERSION = //p' Makefile) " ||
	fail "installed binary's --version"
make -s uninstall DESTDIR="$dir/stage" PREFIX=/usr >/dev/null || fail "make uninstall"
[ -z "$(find "$dir/stage" -type f)" ] || fail "left behind: $(find "$dir/stage" -type f)"

# completion
got=$(bash -c '. src/completion/swanctl.bash
	COMP_WORDS=(swanctl --rekey --ch) COMP_CWORD=2; _swanctl; echo "${COMPREPLY[*]}"')
[ "$got" = "--child --child-id" ] || fail "bash completion of --rekey --ch: '$got'"
got=$(bash -c '. src/completion/swanctl.bash
	COMP_WORDS=(swanctl --rek) COMP_CWORD=1; _swanctl; echo "${COMPREPLY[*]}"')
[ "$got" = "--rekey" ] || fail "bash completion of --rek: '$got'"
got=$(bash -c '. src/completion/swanctl.bash
	COMP_WORDS=(swanctl -R --ike x --rea) COMP_CWORD=4; _swanctl; echo "${COMPREPLY[*]}"')
[ "$got" = "--reauth" ] || fail "bash completion of --rea: '$got'"
got=$(bash -c '. src/completion/swanctl.bash
	COMP_WORDS=(swanctl -l --no) COMP_CWORD=2; _swanctl; echo "${COMPREPLY[*]}"')
[ "$got" = "--noblock" ] || fail "bash completion of -l --no: '$got'"
if command -v zsh >/dev/null; then
	zsh -n src/completion/_swanctl || fail "zsh completion syntax"
fi

if [ -n "${DIST:-}" ]; then
	tarball=$(make -s --no-print-directory dist | tail -n 1)
	mkdir "$dir/unpacked"
	tar -xzf "$tarball" -C "$dir/unpacked" || fail "unpacking $tarball"
	# the unpacked tree's own make check runs this script too, without DIST
	(cd "$dir/unpacked/${tarball%.tar.gz}" && unset DIST MAKEFLAGS MAKELEVEL &&
		make -s >/dev/null && make check) ||
		fail "the tarball does not build and pass make check"
	rm -f "$tarball"
fi
echo "install: $failed failed"
[ "$failed" = 0 ]
