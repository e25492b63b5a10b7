#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The family's YNL spec is complete enough for the kernel's own generic
# client: tools/net/ynl/cli.py, driven by uapi/sgfw.yaml alone, validates the
# spec against the kernel's schema and gets the status of a namespace,
# and sets and reads a port's MAC address (a multicast one refused).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

src=$SGFW_CACHE/linux-source-6.12
cli=$src/tools/net/ynl/cli.py
spec=$SGFW_REPO/uapi/sgfw.yaml
[ -f "$cli" ] || skip "no YNL client at $cli (run scripts/deps.sh)"
[ -f "$spec" ] || fail "no spec at $spec"
proto=$(sed -n 's/^protocol: *//p' "$spec")
schema=$src/Documentation/netlink/$proto.yaml
[ -f "$schema" ] || fail "spec protocol '$proto' has no schema at $schema"

ns_add "$ns1"
version=$(cat /sys/module/sgfw/version)

for where in init "$ns1"; do
	if [ "$where" = init ]; then
		run=()
	else
		run=(nsx "$where")
	fi
	# --process-unknown: where 64-bit figures need aligning (UML), the
	# reply carries pad attributes, which this cli.py cannot decode
	# although the spec declares them.
	out=$("${run[@]}" "$PYTHON" "$cli" --spec "$spec" --schema "$schema" \
		--process-unknown --do status --output-json 2>&1) ||
		fail "cli.py in $where: $out"
	log "$where: $out"
	"$PYTHON" - "$where" "$version" "$out" <<'PY' || fail "status in $where: $out"
import json, sys

where, version, text = sys.argv[1:4]
st = json.loads(text)
if st.get("version") != version:
    sys.exit("%s: version %r, module says %r" % (where, st.get("version"),
                                                 version))
for k in ["flows", "flow-limit", "allowance-exceeded", "allowance-available",
          "bucket-full", "evicted", "nomem", "flow-limit-ceiling"]:
    if type(st.get(k)) is not int or st[k] < 0:
        sys.exit("%s: %s missing or not a non-negative integer" % (where, k))
if st["allowance-available"] > st["flow-limit"]:
    sys.exit("%s: more allowance available than the limit" % where)
PY
done

# A port's MAC address through the spec: six bytes (shown as a MAC
# address), a multicast one refused with the kernel's message, all zeros
# none.
ynl() {
	nsx "$ns1" "$PYTHON" "$cli" --spec "$spec" --schema "$schema" \
		--process-unknown "$@" 2>&1
}
mac_got() {
	ynl --do iface-get --json '{"ifname": "d0"}' --output-json |
		jpy 'j.get("mac", "none")'
}
nsx "$ns1" ip link add d0 type dummy
out=$(ynl --do iface-set --json \
	'{"ifname": "d0", "mode": 1, "mac": "01005e000001"}') &&
	fail "a multicast MAC address was taken: $out"
assert_match "a multicast MAC address" "unicast" "$out"
out=$(ynl --do iface-set --json \
	'{"ifname": "d0", "mode": 1, "mac": "020000000005"}') ||
	fail "iface-set mac: $out"
assert_eq "d0's MAC address" 02:00:00:00:00:05 "$(mac_got)"
out=$(ynl --do iface-set --json '{"ifname": "d0", "mac": "000000000000"}') ||
	fail "iface-set mac none: $out"
assert_eq "d0's MAC address" none "$(mac_got)"
