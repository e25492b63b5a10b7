#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A whole configuration as a file: `sgtool save` writes it, `sgtool apply`
# makes it the running one in one kernel transaction, `sgtool diff` says
# what an apply would change.
#
#  - save, wipe (module reload), apply the saved file, save again: the
#    same bytes; diff of a saved file prints nothing and exits 0; an apply
#    of the running configuration changes no id;
#  - the applied configuration filters: what it allows passes, the rest not;
#  - an established TCP session and a UDP stream keep flowing through an
#    apply that rewrites every other group of their device;
#  - a file with one bad rule among 200 changes nothing and the message
#    names the rule, whether sgtool or the kernel finds the fault; "apply
#    check" commits nothing;
#  - new connections to a port open before and after an apply that swaps
#    two groups on the device are never refused during it;
#  - "apply FILE confirm 5" of a file that closes ssh, sgtool killed right
#    after: the previous configuration is back after 5 s; with "confirm",
#    the new one stays.
#
#   client                           server
#   +-----------------+              +----------------------------------+
#   | $ns1            |              | $ns2  groups on veth2 from files |
#   | veth1 192.0.2.1 ------------------- veth2 192.0.2.2, fd00::2      |
#   |       fd00::1   |              |  tcp 22, 80, 8080; udp 53        |
#   +-----------------+              +----------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2
d=$SGFW_TMP
SGFW_SERVER_LIFETIME=300
for p in 22 80 443 8080; do
	tcp_server "$srv" 192.0.2.2,fd00::2 "$p"
done
udp_server "$srv" 192.0.2.2,fd00::2 53

log "a configuration made one command at a time"
assert sgt "$srv" prefix-list add office max-entries 5
assert sgt "$srv" prefix-list entry add office 192.0.2.0/24 fd00::/64
assert sgt "$srv" sg add ssh desc "admin access"
rule_add "$srv" ssh ingress tcp port 22 from prefix-list office >/dev/null
rule_add "$srv" ssh ingress icmp icmp-type 8 from 192.0.2.0/24 \
	desc "ping" >/dev/null
assert sgt "$srv" sg add web
rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0 >/dev/null
rule_add "$srv" web ingress tcp port 80 from ::/0 >/dev/null
rule_add "$srv" web ingress udp port 53 from sg ssh >/dev/null
assert sgt "$srv" sg member add ssh 192.0.2.1 fd00::1
assert sgt "$srv" sg add spare desc "attached nowhere"
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 110 ingress allow all from ::/0
assert sgt "$srv" nacl rule add edge 90 ingress deny tcp port 8080 from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 110 egress allow all to ::/0
assert sgt "$srv" iface attach veth2 ssh web
assert sgt "$srv" iface nacl veth2 edge
assert sgt "$srv" iface set veth2 udp-timeout 40 tcp-established-timeout 3600
assert sgt "$srv" flow limit 5000

assert tcp_connect "$cli" 192.0.2.2 22
assert tcp_connect "$cli" fd00::2 80
assert_fails tcp_connect "$cli" 192.0.2.2 8080

log "save; diff of the saved file prints nothing"
sgt "$srv" -p save >"$d/a.json" || fail "save: $(cat "$d/a.json")"
cat "$d/a.json"
out=$(sgt "$srv" diff "$d/a.json") || fail "diff of a saved file: $? $out"
assert_eq "diff of a saved file" "" "$out"
ids() { sgj "$srv" sg show | jpy 'sorted((g["name"], g["id"], sorted(r["id"] for r in g["rules"])) for g in j)'; }
ids_before=$(ids)

log "apply of the running configuration changes no id"
assert sgt "$srv" apply "$d/a.json"
assert_eq "ids after applying what runs" "$ids_before" "$(ids)"

log "wipe (reload the module), apply, save: the same file"
sgfw_unload
sgfw_load
assert_eq "groups after the reload" 0 "$(sgj "$srv" sg show | jpy 'len(j)')"
assert sgt "$srv" apply "$d/a.json"
sgt "$srv" -p save >"$d/b.json" || fail "save after apply"
assert cmp "$d/a.json" "$d/b.json"
out=$(sgt "$srv" diff "$d/a.json") || fail "diff after apply: $? $out"
assert_eq "diff after apply" "" "$out"
assert_eq "flow limit" 5000 "$(sgj "$srv" status | jpy 'j["flow_limit"]')"

log "the applied configuration filters"
assert tcp_connect "$cli" 192.0.2.2 22
assert tcp_connect "$cli" fd00::2 80
assert udp_request "$cli" 192.0.2.2 53
assert_fails tcp_connect "$cli" 192.0.2.2 8080
assert_fails tcp_connect "$cli" fd00::2 8080

log "an established session and a UDP stream through an apply that rewrites every other group"
tcp_hold c4 "$cli" 192.0.2.2 22
tcp_hold c6 "$cli" fd00::2 22
assert udp_exchange "$cli" 192.0.2.1 40053 192.0.2.2 53 2
# The same file with "web" rewritten (port 8081 instead of 80) and "spare"
# given a rule; "ssh", which admitted the session, is left as it was.
python3 -S - "$d/a.json" "$d/c.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for g in doc["security_groups"]:
    if g["name"] == "web":
        for r in g["rules"]:
            if r.get("port_from") == 80:
                r["port_from"] = r["port_to"] = 8081
    if g["name"] == "spare":
        g["rules"].append({"direction": "ingress", "protocol": "tcp",
                           "port_from": 9, "port_to": 9, "peer": "10.9.0.0/16"})
json.dump(doc, open(sys.argv[2], "w"))
EOF
rc=0
out=$(sgt "$srv" diff "$d/c.json") || rc=$?
assert_eq "diff exit status with changes" 1 "$rc"
echo "$out"
assert_eq "lines of the diff" 5 "$(echo "$out" | wc -l)"
assert_match "a removed rule" '^- sg web rule .*"port_from":80' "$out"
assert_match "an added rule" '^\+ sg web rule .*"port_from":8081' "$out"
assert sgt "$srv" apply "$d/c.json"
assert tcp_hold_echo c4
assert tcp_hold_echo c6
assert udp_exchange "$cli" 192.0.2.1 40053 192.0.2.2 53 2
assert_fails tcp_connect "$cli" 192.0.2.2 80
out=$(sgt "$srv" diff "$d/c.json") || fail "diff after apply: $out"
assert_eq "diff after applying c.json" "" "$out"

log "one bad rule among 200 in four groups: nothing changes, the message names it"
sgt "$srv" save >"$d/before.json"
mkbig() { # mkbig OUT FAULT: groups big0-big3 of 50 rules, big2's 17th bad
	python3 -S - "$d/c.json" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for g in range(4):
    rules = [{"direction": "ingress", "protocol": "tcp", "port_from": 1000 + i,
              "port_to": 1000 + i, "peer": "sg big%d" % g} for i in range(50)]
    if g == 2 and sys.argv[3] == "range":
        rules[16].update(port_from=80, port_to=70)
    elif g == 2 and sys.argv[3] == "peer":
        rules[16]["peer"] = "sg nosuch"
    doc["security_groups"].append({"name": "big%d" % g, "rules": rules})
json.dump(doc, open(sys.argv[2], "w"))
EOF
}
mkbig "$d/bad1.json" range
out=$(sgt "$srv" apply "$d/bad1.json" 2>&1) && fail "a backwards port range applied"
echo "$out"
assert_match "sgtool names the rule" 'sg "big2" rule 17: port range 80-70 is backwards' "$out"
mkbig "$d/bad2.json" peer
out=$(sgt "$srv" apply "$d/bad2.json" 2>&1) && fail "a rule naming no group applied"
echo "$out"
assert_match "the kernel's refusal names the rule" 'sg "big2" rule 17: .*(no security group|no such security group)' "$out"
out=$(sgt "$srv" apply check "$d/bad2.json" 2>&1) && fail "apply check of a bad file passed"
assert_match "check names the rule too" 'sg "big2" rule 17' "$out"
mkbig "$d/good.json" none
assert sgt "$srv" apply check "$d/good.json"
sgt "$srv" save >"$d/after.json"
assert cmp "$d/before.json" "$d/after.json"
assert tcp_hold_echo c4

log "new connections during applies that swap two groups are never refused"
# Two groups allow port 22 from the client, and the files attach one or
# the other: every apply replaces the group that admits new connections.
python3 -S - "$d/c.json" "$d/swap1.json" "$d/swap2.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
r = lambda: [{"direction": "ingress", "protocol": "tcp", "port_from": 22,
              "port_to": 22, "peer": "192.0.2.0/24"},
             {"direction": "egress", "protocol": "all", "peer": "0.0.0.0/0"}]
doc["security_groups"] += [{"name": "a", "rules": r()},
                           {"name": "b", "rules": r()}]
for n, g in ((2, "a"), (3, "b")):
    for i in doc["interfaces"]:
        i["security_groups"] = [g]
    json.dump(doc, open(sys.argv[n], "w"))
EOF
assert sgt "$srv" apply "$d/swap1.json"
assert tcp_connect "$cli" 192.0.2.2 22
(
	for i in $(seq 1 15); do
		sgt "$srv" apply "$d/swap2.json" || exit 1
		sgt "$srv" apply "$d/swap1.json" || exit 1
	done
	touch "$d/swaps-done"
) &
swapper=$!
probes=0 refused=0
while [ ! -e "$d/swaps-done" ] && kill -0 "$swapper" 2>/dev/null; do
	tcp_connect "$cli" 192.0.2.2 22 || refused=$((refused + 1))
	probes=$((probes + 1))
done
wait "$swapper" || fail "an apply of the swap failed"
log "$probes connections during 30 applies, $refused refused"
assert_eq "connections refused during the applies" 0 "$refused"
[ "$probes" -ge 3 ] || fail "only $probes probes ran during the applies"

log "apply ... confirm 5 without confirm goes back; with confirm it stays"
sgt "$srv" save >"$d/keep.json"
python3 -S - "$d/keep.json" "$d/nossh.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
for g in doc["security_groups"]:
    g["rules"] = [r for r in g["rules"] if r.get("port_from") != 22]
json.dump(doc, open(sys.argv[2], "w"))
EOF
assert tcp_connect "$cli" 192.0.2.2 22
sgt "$srv" apply "$d/nossh.json" confirm 5 &
applier=$!
wait "$applier" || fail "apply ... confirm 5"
kill -9 "$applier" 2>/dev/null || true
assert_fails tcp_connect "$cli" 192.0.2.2 22
assert_match "status shows the pending confirmation" \
	'^[1-5]$' "$(sgj "$srv" status | jpy 'j["confirm_pending"]')"
out=$(sgt "$srv" apply "$d/keep.json" 2>&1) &&
	fail "an apply while one awaits its confirmation"
assert_match "second apply refused" "awaits its confirmation" "$out"
wait_until 15 tcp_connect "$cli" 192.0.2.2 22
sgt "$srv" save >"$d/back.json"
assert cmp "$d/keep.json" "$d/back.json"
assert_eq "status after going back" null \
	"$(sgj "$srv" status | jpy 'j.get("confirm_pending")')"
out=$(sgt "$srv" confirm 2>&1) && fail "confirm with nothing pending"
assert_match "confirm with nothing pending" "no commit awaits" "$out"

assert sgt "$srv" apply "$d/nossh.json" confirm 5
assert sgt "$srv" confirm
sleep 7
assert_fails tcp_connect "$cli" 192.0.2.2 22
sgt "$srv" save >"$d/stayed.json"
out=$(sgt "$srv" diff "$d/nossh.json") || fail "the confirmed file is not what runs: $out"
assert_eq "the confirmed configuration stays" "" "$out"

log "the example of docs/config-format.md is what save prints"
sed 's/"eth0"/"veth2"/' "$SGFW_REPO/examples/web-server.json" >"$d/ex.json"
assert sgt "$srv" apply "$d/ex.json"
sgt "$srv" -p save >"$d/ex-saved.json"
assert cmp "$d/ex.json" "$d/ex-saved.json"
assert tcp_connect "$cli" fd00::2 443
assert_fails tcp_connect "$cli" fd00::2 80
