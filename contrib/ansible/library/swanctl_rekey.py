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
version_added: "0.1.0"
author:
  - swanctl-rekey maintainers (see debian/control)
description:
  - Runs C(swanctl --rekey SELECTOR --json --wait --batch N) on the managed
    host and returns one result per SA, with the old and new unique ids and
    SPIs, or the reason charon's SA did not rekey as the client prints it.
  - The SAs are those the selector matches when the run starts; SAs that
    come up later are not touched.
  - In check mode nothing is rekeyed; the module lists the SAs that would be
    (C(swanctl --list-sas --json) with the selector as filter).
  - Before anything else it runs C(BINARY --version) and fails in one line
    when BINARY is not this project's client (for example strongSwan's own
    swanctl, which has no --wait or --json).
options:
  ike:
    description: Every IKE_SA of this config.
    type: str
  ike_id:
    description: The IKE_SA with this unique id.
    type: int
  child:
    description: Every CHILD_SA of this config.
    type: str
  child_id:
    description: The CHILD_SA with this unique id.
    type: int
  reauth:
    description: Reauthenticate IKE_SAs instead of rekeying them.
    type: bool
    default: false
  batch:
    description: "Rekeys in flight at most; 0 rekeys all at once (--wait only)."
    type: int
    default: 10
  sa_timeout:
    description: "Seconds after which one SA is given up (--sa-timeout)."
    type: float
    default: 60
  timeout:
    description: "Seconds for the whole run (--timeout); 0 for no limit."
    type: float
    default: 600
  fail_if_none:
    description:
      - "Fail when the selector names a loaded config but none of its SAs is
        up (otherwise that host is ok, changed=false)."
      - "A name that no loaded config has always fails: it is taken for a
        typo (the module asks C(swanctl --list-conns), which the client
        hands to strongSwan's swanctl)."
    type: bool
    default: false
  uri:
    description: "VICI socket URI (default: from strongswan.conf)."
    type: str
  binary:
    description: Path of this project's swanctl client.
    type: path
    default: swanctl
notes:
  - Exactly one of ike, ike_id, child, child_id.
  - "A config that is loaded but has no SA up is not a failure
    (changed=false), unless fail_if_none is true; an id that matches no SA
    up is treated the same way."
"""

EXAMPLES = r"""
- name: Rotate the keys of every road warrior, ten at a time
  swanctl_rekey:
    ike: rw
    reauth: true
    batch: 10

- name: Rekey the site-to-site tunnel, and fail where it is not up
  swanctl_rekey:
    child: net
    fail_if_none: true
"""

RETURN = r"""
changed:
  description: Some SA was rekeyed (in check mode, would be).
  type: bool
  returned: always
rekeyed:
  description: "One entry per SA rekeyed: sa, name, ike, old and new (uniqueid, SPIs)."
  type: list
  returned: always
failures:
  description: "One entry per SA that did not rekey: sa, name, ike, old, error."
  type: list
  returned: always
would_rekey:
  description: "Check mode: the SAs that would be rekeyed (sa, name, ike, uniqueid)."
  type: list
  returned: check mode
summary:
  description: "The client's counts: matched, rekeyed, failed, timed_out, stopped, not_started."
  type: dict
  returned: when the client ran
cmd:
  description: The command run.
  type: list
  returned: always
rc:
  description: Its exit status.
  type: int
  returned: always
stderr_lines:
  description: What the client said on stderr.
  type: list
  returned: always
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


def plural(n, what):
    """'1 SA', '2 SAs'."""
    return "%d %s%s" % (n, what, "" if n == 1 else "s")


def preflight(module):
    """BINARY must be this project's client: strongSwan's swanctl (often
    the same name) would answer --rekey --json --wait with a dozen plugin
    lines and its usage.  Say so in one line."""
    binary = module.params["binary"]
    rc, out, err = module.run_command([binary, "--version"])
    first = out.splitlines()[0] if out else ""
    if rc == 0 and first.endswith("(libc-only VICI client)"):
        return
    said = [line.strip() for line in (out + "\n" + err).splitlines()
            if line.startswith("strongSwan")]
    if said:
        what = "it is strongSwan's swanctl (%s)" % said[0]
    elif rc != 0:
        what = "--version exits %d%s" % (
            rc, (": " + err.strip().splitlines()[-1]) if err.strip() else "")
    else:
        what = "its --version says %r" % out.strip()[:80]
    module.fail_json(msg="binary %s is not the swanctl-rekey client: %s; set "
                     "binary to that client's path" % (binary, what),
                     cmd=[binary, "--version"], rc=rc)


def configs(module):
    """The loaded configs as (IKE names, CHILD names), from
    "swanctl --list-conns --pretty", which the client hands to strongSwan's
    swanctl (options after the command, as strongSwan's takes them); None
    when that fails (no strongSwan's swanctl, no charon), with why."""
    params = module.params
    cmd = [params["binary"], "--list-conns", "--pretty"]
    if params["uri"]:
        cmd += ["--uri", params["uri"]]
    rc, out, err = module.run_command(cmd)
    if rc != 0:
        lines = err.strip().splitlines()
        return None, "%s exits %d%s" % (" ".join(cmd), rc,
                                        (": " + lines[-1]) if lines else "")
    ikes, children = set(), set()
    # the dump: "list-conn event {", a config per section at depth 1, its
    # CHILD_SA configs in section "children" at depth 3, two blanks a level
    in_children = False
    for line in out.splitlines():
        if not line.endswith(" {"):
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.strip()[:-2]
        if depth == 1:
            ikes.add(name)
            in_children = False
        elif depth == 2:
            in_children = name == "children"
        elif depth == 3 and in_children:
            children.add(name)
    return (ikes, children), None


def nothing_up(module, result):
    """None of the matched SAs is up: a typo (no such config) fails, a
    loaded config without SAs is ok unless fail_if_none."""
    params = module.params
    key, _, value = selector(params)
    kind = {"ike": "IKE_SA", "child": "CHILD_SA"}.get(key)
    if kind:
        known, why = configs(module)
        if known is None:
            module.warn("cannot tell a typo from a config without SAs: %s"
                        % why)
        elif value not in known[0 if key == "ike" else 1]:
            module.fail_json(
                msg="no loaded config has a%s %s named %r (swanctl "
                "--list-conns): a typo?" % ("n" if kind == "IKE_SA" else "",
                                            kind, value), **result)
    if params["fail_if_none"]:
        module.fail_json(msg="no SA matching %s %s is up (fail_if_none)"
                         % (key, value), **result)
    module.exit_json(msg="no matching SA is up: nothing to rekey",
                     failed=False, **result)


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
    result.update(would_rekey=found, rekeyed=[], failures=[])
    if not found:
        nothing_up(module, dict(result, changed=False))
    module.exit_json(msg="%s would be rekeyed" % plural(len(found), "SA"),
                     changed=True, **result)


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
        module.exit_json(msg="%s rekeyed" % plural(len(rekeyed), "SA"),
                         **result)
    # the summary of nothing (--wait and --batch alike): never stderr's
    # words, which can quote charon and its peers
    if rc == 1 and not rekeyed and not failures and \
            summary.get("matched") == 0:
        # not a failure, although rc is 1 (Ansible takes a result with a
        # nonzero rc and no "failed" for a failed one), unless the name is
        # no config's or fail_if_none
        nothing_up(module, result)
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
            fail_if_none=dict(type="bool", default=False),
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
    preflight(module)
    if module.check_mode:
        check_mode(module)
    rekey(module)


if __name__ == "__main__":
    main()
