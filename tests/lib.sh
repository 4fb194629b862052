# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# The setup the suites share (POSIX sh; sourced by sh and bash scripts).
# A suite one folder down sources it first thing, from the top of the tree:
#   set -u
#   . "$(dirname "$0")/../lib.sh"
# and gets:
#   here        the suite's own folder (absolute), for its data and its
#               neighbours: "$here/listsas", "$here/../fakes/fakebatch.py"
#   suite       the suite's name, its file name without .sh: the prefix of
#               its FAIL, SKIPPED and tally lines (tests/check.sh reads
#               "NAME: SKIPPED, WHY" as the whole suite skipped)
#   SWANCTL     the client under test, default ./swanctl
#   FAKEVICI    the fake daemon, default build/fakevici
#   count=0 failed=0
# and the functions below.  What each suite asserts stays in the suite.

here=$(cd "$(dirname "$0")" && pwd)
suite=${0##*/}
suite=${suite%.sh}
SWANCTL=${SWANCTL:-./swanctl}
FAKEVICI=${FAKEVICI:-build/fakevici}
count=0
failed=0

# t_tmpdir: a fresh directory $dir (/tmp/SUITE.XXXXXX), removed on exit; an
# interrupt ends the suite (through the EXIT trap).
t_tmpdir() {
	dir=$(mktemp -d "/tmp/$suite.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
	trap 'exit 130' INT TERM
}

# fail MESSAGE: counts a failure of the current case ($case_name, or the
# suite's name when the suite names no cases).
fail() {
	echo "FAIL: ${case_name:-$suite}: $*"
	failed=$((failed + 1))
}

# t_done [TEXT]: the tally line, "SUITE: N cases, F failed" and TEXT, and
# the suite's exit status (0 when nothing failed).
t_done() {
	echo "$suite: $count cases, $failed failed${1:-}"
	[ "$failed" = 0 ]
}

# t_skip WHY: the whole suite skips itself (exit 0).
t_skip() {
	echo "$suite: SKIPPED, $*"
	exit 0
}

# t_banner LINE: LINE between two rows of #, for a skip that should not go
# unnoticed in a long log.
t_banner() {
	echo "########################################################"
	echo "$*"
	echo "########################################################"
}

# t_skip_loud LINE: t_banner LINE, then exit: 0, or 1 when E2E_REQUIRED is
# set (CI: the real-charon suites must not skip).
t_skip_loud() {
	t_banner "$*"
	[ -z "${E2E_REQUIRED:-}" ] || exit 1
	exit 0
}

# t_python: PYTHON, default Debian's /usr/bin/python3 first (a version
# manager's shim can take seconds), else python3 on PATH; or the suite
# skips itself.
t_python() {
	PYTHON=${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}
	[ -n "$PYTHON" ] ||
		t_skip "no python3 (tests/setup-debian.sh installs it)"
}

# t_wait_socket PATH WHAT: waits up to 4 s for a daemon started in the
# background to create its socket PATH; the suite fails when it does not.
t_wait_socket() {
	i=0
	until [ -S "$1" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "$2 did not start"; exit 1; }
		sleep 0.02
	done
}
