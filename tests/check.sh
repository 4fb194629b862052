#!/bin/sh
# SPDX-License-Identifier: MIT
# make check, check-unit and check-e2e: run each suite of the groups named
# (unit, e2e), its output as it comes, go on after a failure, and end with
# one verdict line: how many suites passed, failed and were skipped, each
# failed or skipped one named, with why (its own SKIPPED line), and the
# suites that passed with parts skipped.  Exit 1 when any failed.
# The Makefile passes the programs and settings in the environment:
#   SWANCTL FAKEVICI TEST_BINS HARNESSES OBJDIR STRONGSWAN_SWANCTL
#   SWANCTL_REF CONFDIFF_CHECK ARGVDIFF_CHECK E2E_SCALE (CHECK_ONLY)
#   usage: sh tests/check.sh unit|e2e...
set -u
log=$(mktemp /tmp/check.XXXXXX)
trap 'rm -f "$log" "$log.st"' EXIT
passed=0 failed=0 skipped=0
failed_list='' skipped_list='' parts_list=''

# add LIST ITEM: ITEM appended to the "; "-separated LIST (a variable name)
add() {
	eval "cur=\${$1}"
	# shellcheck disable=SC2154 # set by the eval
	if [ -n "$cur" ]; then cur="$cur; $2"; else cur=$2; fi
	eval "$1=\$cur"
}

# suite NAME COMMAND: run COMMAND (sh -c), keep the tally; with
# CHECK_ONLY="NAME..." only those suites (tests/blackbox/verdict.sh)
suite() {
	name=$1
	case " ${CHECK_ONLY:-$name} " in
	*" $name "*) ;;
	*) return 0 ;;
	esac
	{
		sh -c "$2" 2>&1
		echo $? >"$log.st"
	} | tee "$log"
	st=$(cat "$log.st")
	# "NAME: SKIPPED, WHY" (or "SKIPPED everything") skips the suite;
	# other SKIPPED lines (its own or a helper's) leave parts out
	why=$(grep 'SKIPPED' "$log" | tr -s '#' ' ' | sed 's/^ *//' |
		awk '{ printf "%s%s", (NR > 1 ? ", " : ""), $0 }')
	whole=$(grep -E "^$name: SKIPPED(,| everything)" "$log" | head -n 1 |
		sed "s/^$name: SKIPPED,* *//")
	if [ "$st" != 0 ]; then
		failed=$((failed + 1))
		add failed_list "$name: exit $st${why:+, $why}"
	elif [ -n "$whole" ]; then
		skipped=$((skipped + 1))
		add skipped_list "$name: $whole"
	else
		passed=$((passed + 1))
		[ -z "$why" ] || add parts_list "$name: $why"
	fi
}

skip() { # skip NAME WHY: a suite not run at all
	skipped=$((skipped + 1))
	add skipped_list "$1: $2"
}

unit() {
	suite cmocka 'for t in $TEST_BINS; do FAKEVICI=$FAKEVICI $t || exit 1; done'
	suite replay 'for h in $HARNESSES; do $OBJDIR/replay_$h tests/corpus/$h || exit 1; done'
	suite modgraph 'sh tests/unit/modgraph.sh $OBJDIR'
	suite blackbox 'sh tests/blackbox/blackbox.sh'
	suite delegate 'sh tests/blackbox/delegate.sh'
	suite conf 'sh tests/blackbox/conf.sh'
	suite confdiff 'python3 tests/diff/confdiff.py -n $CONFDIFF_CHECK -s 1'
	suite argvdiff 'python3 tests/diff/argvdiff.py -n $ARGVDIFF_CHECK -s 1'
	suite listsas 'sh tests/blackbox/listsas.sh'
	suite batch 'sh tests/blackbox/batch.sh'
	suite ansible 'sh tests/packaging/ansible.sh'
	suite install 'sh tests/packaging/install.sh'
	suite completion 'sh tests/blackbox/completion.sh'
	suite tables 'python3 tests/unit/tables.py $OBJDIR/tables'
	suite man 'sh tests/blackbox/man.sh'
	suite verdict 'sh tests/blackbox/verdict.sh'
}

e2e() {
	suite e2e 'bash tests/e2e/e2e.sh'
	# E2E_SCALE=0 leaves out the hundreds-of-SAs suites
	if [ "${E2E_SCALE:-}" = 0 ]; then
		skip e2e-batch "E2E_SCALE=0"
		skip e2e-scale "E2E_SCALE=0"
	else
		suite e2e-batch 'bash tests/e2e/e2e-batch.sh'
		suite e2e-scale 'bash tests/e2e/e2e-scale.sh'
	fi
}

for group; do
	case $group in
	unit) unit ;;
	e2e) e2e ;;
	*) echo "check.sh: unknown group $group" >&2; exit 2 ;;
	esac
done
line="check: $((passed + failed + skipped)) suites: $passed passed, $failed failed, $skipped skipped"
[ -z "$failed_list" ] || line="$line; failed: $failed_list"
[ -z "$skipped_list" ] || line="$line; skipped: $skipped_list"
[ -z "$parts_list" ] || line="$line; passed with parts skipped: $parts_list"
echo "$line"
[ "$failed" = 0 ]
