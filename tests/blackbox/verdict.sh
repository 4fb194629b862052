#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/check.sh's last line, the verdict of make check: a suite that
# passes, one that fails and one that skips itself (each chosen with
# CHECK_ONLY and a setting that makes it so), counted and named with why.
set -u
out=$(CHECK_ONLY="cmocka ansible modgraph" TEST_BINS=false \
	ANSIBLE_PYTHON=/nonexistent/python3 OBJDIR=${OBJDIR:-build} \
	sh tests/check.sh unit 2>&1)
st=$?
last=$(printf '%s\n' "$out" | tail -n 1)
want="check: 3 suites: 1 passed, 1 failed, 1 skipped; failed: cmocka: exit 1; skipped: ansible: no ansible-core for /nonexistent/python3 (tests/setup-debian.sh installs it)"
failed=0
if [ "$last" != "$want" ] || [ "$st" != 1 ]; then
	echo "FAIL: verdict: exit $st, last line:"
	echo "$last"
	echo "expected:"
	echo "$want"
	failed=1
fi
echo "verdict: 1 case, $failed failed"
[ "$failed" = 0 ]
