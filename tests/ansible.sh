#!/bin/sh
# SPDX-License-Identifier: MIT
# The Ansible module (contrib/ansible) run as Ansible runs it, standalone
# with its arguments in a JSON file, against a stand-in client that
# records its command line: the --timeout and --sa-timeout it passes.
# A value needing more than three decimals is rounded up, never to 0
# ("no limit") (issue 22).
set -u
here=$(cd "$(dirname "$0")" && pwd)
module=$here/../contrib/ansible/library/swanctl_rekey.py
# Ansible's own interpreter: Debian's python3, where ansible-core lives
PYTHON=${ANSIBLE_PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import ansible.module_utils.basic' 2>/dev/null; then
	echo "ansible: SKIPPED, no ansible-core for $PYTHON (tests/setup-debian.sh installs it)"
	exit 0
fi
dir=$(mktemp -d /tmp/ansible.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
count=0
failed=0
cat >"$dir/swanctl" <<'EOT'
#!/bin/sh
printf '%s\n' "$@" >"${0%/*}/argv"
EOT
chmod +x "$dir/swanctl"

# case TIMEOUT SA_TIMEOUT WANT_TIMEOUT WANT_SA_TIMEOUT
case_() {
	count=$((count + 1))
	printf '{"ANSIBLE_MODULE_ARGS": {"ike": "rw", "batch": 2, "timeout": %s, "sa_timeout": %s, "binary": "%s"}}\n' \
		"$1" "$2" "$dir/swanctl" >"$dir/args.json"
	rm -f "$dir/argv"
	"$PYTHON" "$module" "$dir/args.json" >"$dir/out" 2>&1
	got=$(tr '\n' ' ' <"$dir/argv" 2>/dev/null)
	want="--rekey --ike rw --json --wait --batch 2 --sa-timeout $4 --timeout $3 "
	[ "$got" = "$want" ] || {
		echo "FAIL: ansible timeout=$1 sa_timeout=$2: ran '$got', expected '$want'"
		failed=$((failed + 1))
	}
}
case_ 600 60 600 60
case_ 0.0004 0.0004 0.001 0.001
case_ 0.0001 1e-9 0.001 0.001
case_ 0 0.1 0 0.1
case_ 2.5 1.0001 2.5 1.001
case_ 0.0015 0.3 0.002 0.3
echo "ansible: $count cases, $failed failed"
[ "$failed" = 0 ]
