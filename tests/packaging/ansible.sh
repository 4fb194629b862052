#!/bin/sh
# SPDX-License-Identifier: MIT
# The Ansible module (contrib/ansible) run as Ansible runs it, standalone
# with its arguments in a JSON file, against a stand-in client that
# records its command line: the --timeout and --sa-timeout it passes.
# A value needing more than three decimals is rounded up, never to 0
# ("no limit") (issue 22).
set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
module=$here/../../contrib/ansible/library/swanctl_rekey.py
# Ansible's own interpreter: Debian's python3, where ansible-core lives
PYTHON=${ANSIBLE_PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import ansible.module_utils.basic' 2>/dev/null; then
	t_skip "no ansible-core for $PYTHON (tests/setup-debian.sh installs it)"
fi
t_tmpdir
# the stand-in: this client's --version; --list-conns prints $dir/conns
# (strongSwan's pretty dump) or fails; anything else records its argv,
# prints $dir/reply and exits with $dir/rc
cat >"$dir/swanctl" <<'EOT'
#!/bin/sh
d=${0%/*}
case "$1" in
--version) echo "swanctl 0.1.0 (libc-only VICI client)"; exit 0 ;;
--list-conns)
	[ -f "$d/conns" ] || { echo "strongSwan's swanctl is not installed" >&2; exit 2; }
	cat "$d/conns"
	exit 0
	;;
esac
printf '%s\n' "$@" >"$d/argv"
cat "$d/reply" 2>/dev/null
exit "$(cat "$d/rc" 2>/dev/null || echo 0)"
EOT
chmod +x "$dir/swanctl"
# strongSwan's own swanctl given as the binary: plugin lines, its version
cat >"$dir/strongswan" <<'EOT'
#!/bin/sh
for p in test-vectors ldap pkcs11 rdrand gcrypt af-alg curve25519; do
	echo "plugin '$p': failed to load - ${p}_plugin_create not found" >&2
done
echo "strongSwan swanctl 5.9.8"
EOT
chmod +x "$dir/strongswan"

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
# run ARGS_JSON: the module with these arguments; its result in $dir/out
run() {
	printf '{"ANSIBLE_MODULE_ARGS": %s}\n' "$1" >"$dir/args.json"
	"$PYTHON" "$module" "$dir/args.json" >"$dir/out" 2>&1
}
# result KEY: a key of the module's JSON result
result() {
	"$PYTHON" -c 'import json, sys
r = json.load(open(sys.argv[1]))
v = r.get(sys.argv[2])
print(json.dumps(v) if not isinstance(v, str) else v)' "$dir/out" "$1" 2>/dev/null
}
# expect_result NAME FAILED MSG: the module's verdict and message
expect_result() {
	count=$((count + 1))
	got_failed=$(result failed)
	got_msg=$(result msg)
	if [ "$got_failed" != "$2" ] || [ "$got_msg" != "$3" ]; then
		echo "FAIL: ansible $1: failed=$got_failed msg='$got_msg', expected failed=$2 msg='$3'"
		failed=$((failed + 1))
	fi
}
none='{"summary":{"matched":0,"rekeyed":0,"failed":0,"timed_out":0,"stopped":0,"not_started":0}}'
cat >"$dir/conns" <<'EOT'
list-conn event {
  home {
    local_addrs = [
      %any
    ]
    version = IKEv2
    local-1 {
      class = public key
    }
    children {
      net {
        mode = TUNNEL
      }
    }
  }
}
EOT
# a selector that names no loaded config: a typo fails the host (issue 23)
echo "$none" >"$dir/reply"
echo 1 >"$dir/rc"
run "{\"ike\": \"nope\", \"binary\": \"$dir/swanctl\"}"
expect_result typo-ike true "no loaded config has an IKE_SA named 'nope' (swanctl --list-conns): a typo?"
run "{\"child\": \"nett\", \"binary\": \"$dir/swanctl\"}"
expect_result typo-child true "no loaded config has a CHILD_SA named 'nett' (swanctl --list-conns): a typo?"
# loaded, no SA up: ok, unless fail_if_none
run "{\"ike\": \"home\", \"binary\": \"$dir/swanctl\"}"
expect_result loaded-none-up false "no matching SA is up: nothing to rekey"
run "{\"child\": \"net\", \"fail_if_none\": true, \"binary\": \"$dir/swanctl\"}"
expect_result fail-if-none true "no SA matching child net is up (fail_if_none)"
# an id names no config: nothing up is ok
run "{\"ike_id\": 7, \"binary\": \"$dir/swanctl\"}"
expect_result id-none-up false "no matching SA is up: nothing to rekey"
# without strongSwan's swanctl the typo cannot be told: a warning, ok
rm "$dir/conns"
run "{\"ike\": \"nope\", \"binary\": \"$dir/swanctl\"}"
expect_result cannot-tell false "no matching SA is up: nothing to rekey"
count=$((count + 1))
result warnings | grep -q "cannot tell a typo" || { echo "FAIL: ansible cannot-tell: no warning: $(cat "$dir/out")"; failed=$((failed + 1)); }
# one SA: "1 SA rekeyed", in check mode "1 SA would be rekeyed"
printf '%s\n' '{"sa":"IKE_SA","name":"home","ike":"home","ok":true,"outcome":"rekeyed"}' \
	'{"summary":{"matched":1,"rekeyed":1,"failed":0,"timed_out":0,"stopped":0,"not_started":0}}' >"$dir/reply"
echo 0 >"$dir/rc"
run "{\"ike\": \"home\", \"binary\": \"$dir/swanctl\"}"
expect_result one-sa "null" "1 SA rekeyed"
echo '{"home":{"uniqueid":"1","state":"ESTABLISHED"}}' >"$dir/reply"
run "{\"ike\": \"home\", \"binary\": \"$dir/swanctl\", \"_ansible_check_mode\": true}"
expect_result one-sa-check "null" "1 SA would be rekeyed"
# strongSwan's swanctl as the binary: one line, before anything runs
run "{\"ike\": \"home\", \"binary\": \"$dir/strongswan\"}"
expect_result strongswan-binary true "binary $dir/strongswan is not the swanctl-rekey client: it is strongSwan's swanctl (strongSwan swanctl 5.9.8); set binary to that client's path"

# the documentation as ansible-doc renders it: every option and return
# value a mapping of its own keys (an unquoted comma once split a
# description into keys of its own), author and version_added given
count=$((count + 1))
if command -v ansible-doc >/dev/null; then
	ANSIBLE_NOCOLOR=1 ansible-doc -M "$here/../../contrib/ansible/library" swanctl_rekey \
		>"$dir/doc" 2>&1 || { echo "FAIL: ansible-doc: $(cat "$dir/doc")"; failed=$((failed + 1)); }
	grep -q 'Seconds for the whole run (--timeout); 0 for no limit.' "$dir/doc" &&
		grep -q '^AUTHOR: ' "$dir/doc" && grep -q '^ADDED IN: version ' "$dir/doc" &&
		! grep -v ' default: null$' "$dir/doc" | grep -q ': null$' ||
		{ echo "FAIL: ansible-doc renders: $(cat "$dir/doc")"; failed=$((failed + 1)); }
	"$PYTHON" - "$module" >"$dir/keys" 2>&1 <<'EOT' ||
import ast, sys, yaml
tree = ast.parse(open(sys.argv[1]).read())
docs = {n.targets[0].id: ast.literal_eval(n.value) for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
        and n.targets[0].id in ("DOCUMENTATION", "RETURN")}
bad = []
for name, allowed in (("options", {"description", "type", "default"}),):
    for opt, spec in yaml.safe_load(docs["DOCUMENTATION"])[name].items():
        if set(spec) - allowed or "description" not in spec:
            bad.append("option %s: %s" % (opt, sorted(spec)))
for key, spec in yaml.safe_load(docs["RETURN"]).items():
    if set(spec) - {"description", "type", "returned"}:
        bad.append("return %s: %s" % (key, sorted(spec)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOT
		{ echo "FAIL: ansible documentation: $(cat "$dir/keys")"; failed=$((failed + 1)); }
else
	echo "FAIL: ansible-doc is missing (ansible-core, tests/setup-debian.sh)"
	failed=$((failed + 1))
fi
# ansible-lint's and yamllint's YAML checks of the playbook, where Debian
# has them installed
count=$((count + 1))
if command -v yamllint >/dev/null; then
	yamllint -d '{extends: default, rules: {line-length: {max: 100}, document-start: disable, truthy: {allowed-values: ["true", "false"]}}}' \
		"$here/../../contrib/ansible/rekey.yml" >"$dir/lint" 2>&1 ||
		{ echo "FAIL: yamllint: $(cat "$dir/lint")"; failed=$((failed + 1)); }
else
	echo "ansible: yamllint SKIPPED, not installed (tests/setup-debian.sh)"
fi
count=$((count + 1))
if command -v ansible-lint >/dev/null; then
	(cd "$here/../../contrib/ansible" && ANSIBLE_NOCOLOR=1 NO_COLOR=1 \
		timeout 300 ansible-lint -q --offline rekey.yml) >"$dir/lint" 2>&1 ||
		{ echo "FAIL: ansible-lint: $(cat "$dir/lint")"; failed=$((failed + 1)); }
else
	echo "ansible: ansible-lint SKIPPED, not installed (tests/setup-debian.sh)"
fi
t_done
