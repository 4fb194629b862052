#!/bin/sh
# SPDX-License-Identifier: MIT
# make install into a staging folder puts exactly the binary, the man page
# and the two completions there (zsh's under Debian's vendor-completions
# with PREFIX=/usr, site-functions otherwise); make uninstall takes them all
# away; two make dist runs give the same bytes, from committed files only;
# the dist tarball builds and passes make check elsewhere (DIST=1); make
# install refuses to overwrite a swanctl a Debian package owns.  The
# completions themselves are tested by tests/blackbox/completion.sh.
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
t_tmpdir
# a make of its own, not a part of the caller's (no jobserver warnings)
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"
}

mk -s install DESTDIR="$dir/stage" PREFIX=/usr >/dev/null || fail "make install"
(cd "$dir/stage" && find . -type f | sort) >"$dir/got"
cat >"$dir/want" <<EOL
./usr/sbin/swanctl
./usr/share/bash-completion/completions/swanctl
./usr/share/man/man8/swanctl.8
./usr/share/zsh/vendor-completions/_swanctl_rekey
EOL
cmp -s "$dir/got" "$dir/want" || fail "installed files: $(cat "$dir/got")"
[ -x "$dir/stage/usr/sbin/swanctl" ] || fail "binary not executable"
# (read whole: grep -q leaving early would break the pipe of line 2)
v=$("$dir/stage/usr/sbin/swanctl" --version)
printf '%s\n' "$v" | grep -q "^swanctl $(sed -n 's/^VERSION = //p' Makefile) " ||
	fail "installed binary's --version"
mk -s uninstall DESTDIR="$dir/stage" PREFIX=/usr >/dev/null || fail "make uninstall"
[ -z "$(find "$dir/stage" -type f)" ] || fail "left behind: $(find "$dir/stage" -type f)"

# the default prefix: zsh's under site-functions, and the _swanctl 0.1.0
# installed there (which hid zsh's own _swanctl) is taken away
mkdir -p "$dir/local/usr/local/share/zsh/site-functions"
echo '# zsh completion for swanctl (the libc-only rekey client).' \
	>"$dir/local/usr/local/share/zsh/site-functions/_swanctl"
mk -s install DESTDIR="$dir/local" >/dev/null || fail "make install (default prefix)"
(cd "$dir/local" && find . -type f | sort) >"$dir/got"
cat >"$dir/want" <<EOL
./usr/local/sbin/swanctl
./usr/local/share/bash-completion/completions/swanctl
./usr/local/share/man/man8/swanctl.8
./usr/local/share/zsh/site-functions/_swanctl_rekey
EOL
cmp -s "$dir/got" "$dir/want" || fail "installed files (default prefix): $(cat "$dir/got")"

# make dist: the committed tree of HEAD, the same bytes every time
if git rev-parse --git-dir >/dev/null 2>&1; then
	for run in 1 2; do
		tarball=$(mk -s --no-print-directory dist 2>/dev/null | tail -n 1)
		mv "$tarball" "$dir/dist$run.tar.gz" || fail "make dist"
		[ $run = 2 ] || sleep 1
	done
	cmp -s "$dir/dist1.tar.gz" "$dir/dist2.tar.gz" ||
		fail "two make dist runs differ"
	tar -tzf "$dir/dist1.tar.gz" | grep -v '/$' | sed 's|^[^/]*/||' |
		sort >"$dir/got"
	git ls-tree -r --name-only HEAD | sort >"$dir/want"
	cmp -s "$dir/got" "$dir/want" ||
		fail "make dist does not pack exactly HEAD's files"
fi

# never over a swanctl a Debian package owns (here strongSwan's, if it is
# installed): refused, the file untouched (put back if it was not)
if dpkg -S /usr/sbin/swanctl >/dev/null 2>&1 && [ -w /usr/sbin ]; then
	cp -p /usr/sbin/swanctl "$dir/theirs"
	mk -s install PREFIX=/usr >"$dir/out" 2>&1 && fail "make install PREFIX=/usr over a packaged swanctl"
	grep -q "^make install: /usr/sbin/swanctl belongs to the Debian package " "$dir/out" ||
		fail "make install PREFIX=/usr said: $(cat "$dir/out")"
	cmp -s /usr/sbin/swanctl "$dir/theirs" ||
		{ fail "make install overwrote /usr/sbin/swanctl"; cp -p "$dir/theirs" /usr/sbin/swanctl; }
fi

if [ -n "${DIST:-}" ]; then
	tarball=$(mk -s --no-print-directory dist | tail -n 1)
	mkdir "$dir/unpacked"
	tar -xzf "$tarball" -C "$dir/unpacked" || fail "unpacking $tarball"
	# the unpacked tree's own make check runs this script too, without DIST
	(cd "$dir/unpacked/${tarball%.tar.gz}" && unset DIST MAKEFLAGS MAKELEVEL &&
		mk -s >/dev/null && make check) ||
		fail "the tarball does not build and pass make check"
	rm -f "$tarball"
fi
echo "install: $failed failed"
[ "$failed" = 0 ]
