#!/bin/sh
# SPDX-License-Identifier: MIT
# Turns "swanctl --list-sas --raw" output (stdin) into an event stream in
# fakevici's notation (stdout), one event per line, for replaying a real
# daemon's listing.  Values must hold no blanks, commas or braces, which
# holds for the lab's SAs.
grep '^list-sa event {' | sed -e 's/^list-sa event {//' -e 's/}$//' \
	-e 's/ {/{/g' -e 's/ /,/g' | sed -e ':a' -e 's/\(=\[[^],]*\),\([^]]*\]\)/\1;\2/' -e 'ta'
