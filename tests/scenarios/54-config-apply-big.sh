#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A configuration far larger than one netlink message applies in one
# transaction: 500 security groups of 60 rules (each with a description)
# and ten prefix lists of 1000 entries.  Applied over a running
# configuration, it replaces it whole; saved again it is the same file;
# applied again it changes nothing.  Names whose distinct rulesets would
# hold more than 262144 rules are refused whole.  The times are logged, not
# asserted.
#
#   client                           server
#   +-----------------+              +------------------------------------+
#   | $ns1            |              | $ns2  500 groups, two on veth2     |
#   | veth1 192.0.2.1 ------------------- veth2 192.0.2.2                 |
#   +-----------------+              |  tcp 7007 open by group g0007      |
#                                    +------------------------------------+
# Minutes on the debug kernel: the servers live until the end.
SGFW_SERVER_LIFETIME=600
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2
d=$SGFW_TMP
tcp_server "$srv" 192.0.2.2 7007
tcp_server "$srv" 192.0.2.2 22

python3 -S - "$d/big.json" <<'EOF'
import json, sys
pls = [{"name": "pl%d" % p, "max_entries": 1000,
        "entries": ["10.%d.%d.%d/32" % (p, i // 256, i % 256)
                    for i in range(1000)]} for p in range(10)]
sgs = []
for g in range(500):
    rules = [{"direction": "ingress", "protocol": "tcp",
              "port_from": 7000 + r, "port_to": 7000 + r,
              "peer": "192.0.2.0/24" if r == g % 60 else
                      "198.51.%d.0/24" % (g % 200),
              "description": "group %d rule %d" % (g, r)}
             for r in range(60)]
    sgs.append({"name": "g%04d" % g, "description": "group %d" % g,
                "rules": rules})
doc = {"flow_limit": 100000, "prefix_lists": pls, "security_groups": sgs,
       "interfaces": [{"name": "veth2", "security_groups": ["g0007", "g0100"]}]}
json.dump(doc, open(sys.argv[1], "w"))
EOF
log "the file: $(wc -c <"$d/big.json") bytes"

log "something runs already"
assert sgt "$srv" sg add old
assert sgt "$srv" iface attach veth2 old
rule_add "$srv" old ingress tcp port 22 from 0.0.0.0/0 >/dev/null
assert tcp_connect "$cli" 192.0.2.2 22
assert_fails tcp_connect "$cli" 192.0.2.2 7007

log "apply check, then apply, of 500 groups x 60 rules and ten 1000-entry lists"
t0=$(date +%s%N)
assert sgt "$srv" apply check "$d/big.json"
t1=$(date +%s%N)
assert_eq "groups after apply check" 1 "$(sgj "$srv" sg show | jpy 'len(j)')"
assert sgt "$srv" apply "$d/big.json"
t2=$(date +%s%N)
log "apply check took $(((t1 - t0) / 1000000)) ms, apply $(((t2 - t1) / 1000000)) ms"

# Counted by one script per listing: they are megabytes long.
count() { # count FILE EXPR: EXPR over the JSON document FILE (j)
	python3 -S -c 'import json, sys; j = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
sgj "$srv" sg show >"$d/show.json" || fail "sg show"
sgj "$srv" prefix-list show >"$d/pl.json" || fail "prefix-list show"
assert_eq "groups" 500 "$(count "$d/show.json" 'len(j)')"
assert_eq "rules" 30000 "$(count "$d/show.json" 'sum(len(g["rules"]) for g in j)')"
assert_eq "prefix-list entries" 10000 "$(count "$d/pl.json" 'sum(len(p["entries"]) for p in j)')"
assert_eq "the old group is gone" 0 "$(count "$d/show.json" 'sum(g["name"] == "old" for g in j)')"
assert tcp_connect "$cli" 192.0.2.2 7007
assert_fails tcp_connect "$cli" 192.0.2.2 22

log "save prints the file back; applying it again changes nothing"
t0=$(date +%s%N)
sgt "$srv" save >"$d/saved.json" || fail "save"
t1=$(date +%s%N)
python3 -S - "$d/big.json" "$d/saved.json" <<'EOF' || fail "save differs from the file"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
for i in a["interfaces"]:
    i.setdefault("tcp_established_timeout", 432000)
    i.setdefault("udp_timeout", 30)
    i.setdefault("udp_stream_timeout", 180)
    i.setdefault("tracking", "auto")
for g in a["security_groups"]:
    g.setdefault("members", [])
a.setdefault("network_acls", [])
if a != b:
    for k in a:
        if a[k] != b.get(k):
            print("differs:", k)
    sys.exit(1)
EOF
ids() { sgj "$srv" sg show g0042 | jpy '[j[0]["id"]] + [r["id"] for r in j[0]["rules"]]'; }
before=$(ids)
t2=$(date +%s%N)
out=$(sgt "$srv" diff "$d/saved.json") || fail "diff: $out"
t3=$(date +%s%N)
assert_eq "diff of the saved file" "" "$out"
assert sgt "$srv" apply "$d/saved.json"
t4=$(date +%s%N)
assert_eq "ids after applying it again" "$before" "$(ids)"
log "save took $(((t1 - t0) / 1000000)) ms, diff $(((t3 - t2) / 1000000)) ms, apply again $(((t4 - t3) / 1000000)) ms"
assert tcp_connect "$cli" 192.0.2.2 7007

log "the rules of the devices' distinct rulesets are bounded: a commit builds them all"
# Each name gets 16 groups of 60 rules (960) in a window of its own, so
# that no two are alike; with veth2's 120, 272 names fit in 262144 rules
# and 273 do not.  A name without a device waits for one.
python3 -S - "$d/saved.json" "$d" <<'EOF2'
import json, sys
doc = json.load(open(sys.argv[1]))
veth2 = doc["interfaces"][0]
for n in (272, 273):
    doc["interfaces"] = [veth2] + [
        {"name": "w%d" % i,
         "security_groups": ["g%04d" % (i + k) for k in range(16)]}
        for i in range(n)]
    json.dump(doc, open("%s/names%d.json" % (sys.argv[2], n), "w"))
EOF2
for how in "apply check" apply; do
	# shellcheck disable=SC2086 # "apply check": two words
	out=$(sgt "$srv" $how "$d/names273.json" 2>&1) &&
		fail "$how of 273 distinct rulesets of 960 rules succeeded"
	assert_match "$how: the error" \
		"distinct rulesets would hold (over|more than) 262144 rules" "$out"
done
assert_eq "names after the refused apply" 1 \
	"$(sgj "$srv" iface show | jpy 'len(j)')"
assert tcp_connect "$cli" 192.0.2.2 7007
t0=$(date +%s%N)
assert sgt "$srv" apply "$d/names272.json"
t1=$(date +%s%N)
log "272 distinct rulesets of 960 rules applied in $(((t1 - t0) / 1000000)) ms"
assert_eq "names after the apply" 273 "$(sgj "$srv" iface show | jpy 'len(j)')"
assert tcp_connect "$cli" 192.0.2.2 7007
