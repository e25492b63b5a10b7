#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "sgtool status" answers in every namespace on its own, with the module's
# version and the namespace's flow figures; a namespace that has never
# tracked a flow reports no flows, no drops and its whole allowance free.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1" "$ns2"
version=$(cat /sys/module/sgfw/version)

# check_status WHERE JSON: the reply of a fresh namespace.
check_status() {
	"$PYTHON" - "$1" "$version" "$2" <<'PY' || fail "status in $1: $2"
import json, sys

where, version, text = sys.argv[1:4]
st = json.loads(text)
keys = ["version", "flows", "flow_limit", "conntrack_allowance_exceeded",
        "conntrack_allowance_available"]
missing = [k for k in keys if k not in st]
if missing:
    sys.exit("%s: missing keys %s" % (where, missing))
for k in keys[1:]:
    if type(st[k]) is not int or st[k] < 0:
        sys.exit("%s: %s is not a non-negative integer" % (where, k))
if st["version"] != version:
    sys.exit("%s: version %r, module says %r" % (where, st["version"], version))
if st["flow_limit"] <= 0:
    sys.exit("%s: flow_limit %d" % (where, st["flow_limit"]))
if st["flows"] != 0 or st["conntrack_allowance_exceeded"] != 0:
    sys.exit("%s: fresh namespace reports flows or drops" % where)
if st["conntrack_allowance_available"] != st["flow_limit"] - st["flows"]:
    sys.exit("%s: available %d != limit %d - flows %d" % (where,
             st["conntrack_allowance_available"], st["flow_limit"],
             st["flows"]))
PY
}

for ns in "$ns1" "$ns2"; do
	out=$("$SGTOOL" -n "$ns" -j status) || fail "sgtool -n $ns -j status failed"
	log "$ns: $out"
	check_status "$ns" "$out"
done

# A namespace that does not exist is an error, not an answer from another.
assert_fails "$SGTOOL" -n "$ns3" -j status
