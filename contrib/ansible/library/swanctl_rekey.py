#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Ansible module: rekey IPsec SAs on a strongSwan gateway with this
project's swanctl client (--rekey --json --wait --batch), or, in check mode,
list what would be rekeyed (--list-sas --json).  Python standard library
only on the managed host."""

import decimal
import json

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: swanctl_rekey
short_description: Rekey (or reauthenticate) strongSwan SAs, paced, and report each one
description:
  - Runs C(swanctl --rekey SELECTOR --json --wait --batch N) on the managed
    host and returns one result per SA, with the old and new unique ids and
    SPIs, or the reason charon's SA did not rekey as the client prints it.
  - The SAs are those the selector matches when the run starts; SAs that
    come up later are not touched.
  - In check mode nothing is rekeyed; the module lists the SAs that would be
    (C(swanctl --list-sas --json) with the selector as filter).
options:
  ike: {description: every IKE_SA of this config, type: str}
  ike_id: {description: the IKE_SA with this unique id, type: int}
  child: {description: every CHILD_SA of this config, type: str}
  child_id: {description: the CHILD_SA with this unique id, type: int}
  reauth: {description: reauthenticate IKE_SAs instead of rekeying them, type: bool, default: false}
  batch: {description: rekeys in flight at most; 0 rekeys all at once (--wait only), type: int, default: 10}
  sa_timeout: {description: seconds after which one SA is given up (--sa-timeout), type: float, default: 60}
  timeout: {description: seconds for the whole run (--timeout), 0 for no limit, type: float, default: 600}
  uri: {description: VICI socket URI (default from strongswan.conf), type: str}
  binary: {description: path of the client, type: path, default: swanctl}
notes:
  - Exactly one of ike, ike_id, child, child_id.
  - A gateway where nothing matches is not a failure (changed=false).
"""

EXAMPLES = r"""
- name: rotate the keys of every road warrior, ten at a time
  swanctl_rekey:
    ike: rw
    reauth: true
    batch: 10
"""

RETURN = r"""
changed: {description: some SA was rekeyed (in check mode, would be), type: bool}
rekeyed: {description: "one entry per SA rekeyed: sa, name, ike, old and new {uniqueid, SPIs}", type: list}
failures: {description: "one entry per SA that did not rekey: sa, name, ike, old, error", type: list}
would_rekey: {description: "check mode: the SAs that would be rekeyed (sa, name, ike, uniqueid)", type: list}
summary: {description: matched, rekeyed, failed, timed_out, stopped, not_started, type: dict}
cmd: {description: the command run, type: list}
rc: {description: its exit status, type: int}
stderr_lines: {description: what the client said on stderr, type: list}
"""

SELECTORS = (("ike", "--ike"), ("ike_id", "--ike-id"), ("child", "--child"),
             ("child_id", "--child-id"))
# without --batch: charon's refusal when nothing matched, or the client's
# when nothing matched was up


def seconds(value):
    """--timeout and --sa-timeout take seconds with up to three decimals:
    a value that needs more is rounded up, never down, so a tiny one
    (0.0004) becomes 0.001, not 0 (which means no limit)."""
    if value <= 0:
        return "0"
    # the decimal the user wrote (repr), not the binary float: 0.1 * 1000
    # is 100.00000000000001 in floats
    ms = (decimal.Decimal(repr(value)) * 1000).to_integral_value(
        rounding=decimal.ROUND_CEILING)
    return ("%d.%03d" % divmod(int(ms), 1000)).rstrip("0").rstrip(".")


def selector(params):
    for key, option in SELECTORS:
        if params[key] is not None:
            return key, option, str(params[key])
    raise ValueError("no selector")


def base(params):
    cmd = [params["binary"]]
    if params["uri"]:
        cmd += ["--uri", params["uri"]]
    return cmd


def json_lines(text):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                continue


def would_rekey(params, listing):
    """The SAs a listing shows that the rekey selector would match."""
    key, _, value = selector(params)
    found = []
    for event in json_lines(listing):
        for ike_name, ike in event.items():
            if not isinstance(ike, dict):
                continue
            if key in ("ike", "ike_id"):
                if key == "ike" and ike_name != value:
                    continue
                if key == "ike_id" and ike.get("uniqueid") != value:
                    continue
                if ike.get("state") == "ESTABLISHED":
                    found.append({"sa": "IKE_SA", "name": ike_name,
                                  "ike": ike_name,
                                  "uniqueid": ike.get("uniqueid")})
                continue
            for child in (ike.get("child-sas") or {}).values():
                if key == "child" and child.get("name") != value:
                    continue
                if key == "child_id" and child.get("uniqueid") != value:
                    continue
                if child.get("state") == "INSTALLED":
                    found.append({"sa": "CHILD_SA", "name": child.get("name"),
                                  "ike": ike_name,
                                  "uniqueid": child.get("uniqueid")})
    return found


def check_mode(module):
    params = module.params
    _, option, value = selector(params)
    cmd = base(params) + ["--list-sas", option, value, "--json"]
    if params["timeout"]:
        cmd += ["--timeout", seconds(params["timeout"])]
    rc, out, err = module.run_command(cmd)
    result = {"cmd": cmd, "rc": rc, "stderr_lines": err.splitlines()}
    if rc != 0:
        module.fail_json(msg="listing the SAs failed: %s" % err.strip(),
                         **result)
    found = would_rekey(params, out)
    module.exit_json(changed=bool(found), would_rekey=found, rekeyed=[],
                     failures=[], **result)


def rekey(module):
    params = module.params
    _, option, value = selector(params)
    cmd = base(params) + ["--rekey", option, value, "--json", "--wait"]
    if params["reauth"]:
        cmd.append("--reauth")
    if params["batch"]:
        cmd += ["--batch", str(params["batch"]),
                "--sa-timeout", seconds(params["sa_timeout"])]
    cmd += ["--timeout", seconds(params["timeout"])]
    rc, out, err = module.run_command(cmd)
    rekeyed, failures, summary = [], [], {}
    for obj in json_lines(out):
        if "summary" in obj:
            summary = obj["summary"]
        elif "ok" in obj:
            (rekeyed if obj["ok"] is True else failures).append(obj)
    result = {"cmd": cmd, "rc": rc, "stderr_lines": err.splitlines(),
              "rekeyed": rekeyed, "failures": failures, "summary": summary,
              "changed": bool(rekeyed)}
    if rc == 0:
        module.exit_json(msg="%d SAs rekeyed" % len(rekeyed), **result)
    # the summary of nothing (--wait and --batch alike): never stderr's
    # words, which can quote charon and its peers
    if rc == 1 and not rekeyed and not failures and \
            summary.get("matched") == 0:
        # not a failure, although rc is 1 (Ansible takes a result with a
        # nonzero rc and no "failed" for a failed one)
        module.exit_json(msg="no matching SA is up: nothing to rekey",
                         failed=False, **result)
    reasons = [f.get("error", "") for f in failures]
    msg = "swanctl exited with %d: %s" % (
        rc, "; ".join(reasons[:3]) if reasons else err.strip())
    module.fail_json(msg=msg, **result)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ike=dict(type="str"),
            ike_id=dict(type="int"),
            child=dict(type="str"),
            child_id=dict(type="int"),
            reauth=dict(type="bool", default=False),
            batch=dict(type="int", default=10),
            sa_timeout=dict(type="float", default=60),
            timeout=dict(type="float", default=600),
            uri=dict(type="str"),
            binary=dict(type="path", default="swanctl"),
        ),
        mutually_exclusive=[("ike", "ike_id", "child", "child_id")],
        required_one_of=[("ike", "ike_id", "child", "child_id")],
        supports_check_mode=True,
    )
    if module.params["reauth"] and (module.params["child"] or
                                    module.params["child_id"]):
        module.fail_json(msg="reauth applies to IKE_SAs: use ike or ike_id")
    if module.params["batch"] < 0:
        module.fail_json(msg="batch must be 0 (all at once) or more")
    if module.check_mode:
        check_mode(module)
    rekey(module)


if __name__ == "__main__":
    main()
