#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress, bounded in time: TCP, UDP and ICMP of both families flow through
# groups and a NACL without pause while the configuration churns around
# them: rules added and deleted, a group attached and detached, the flow
# limit and timeouts changed, the flows of a device dropped (its groups
# detached and attached again), a device taken down, up and away,
# namespaces with groups of their own created and deleted.  The traffic
# the churn never concerns must not lose one exchange; the rest must not
# make a splat or a leak (the harness checks), and afterwards the counts
# agree with what the table holds.
#
#   clients                  server                          client
#   +-------------+          +-------------------------+      +-------------+
#   | $ns1        |  veth    | $ns2 veth2: web + churn,|      | $ns3        |
#   | veth1 ---------------------- NACL edge           |      |             |
#   | 192.0.2.1   |          |      veth2c: web ---------------- veth3       |
#   | fd00::1     |          |      d0 (dummy): churn  |      | 198.51.100.3|
#   +-------------+          +-------------------------+      +-------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_three
cli=$ns1
srv=$ns2
oth=$ns3
if sgfw_debug_build; then secs=40; else secs=30; fi

tcp_server "$srv" 192.0.2.2,fd00::2,198.51.100.2,fd00:3::2 80
udp_server "$srv" 192.0.2.2,fd00::2,198.51.100.2,fd00:3::2 7000
assert sgt "$srv" sg add web
for p in 0.0.0.0/0 ::/0; do
	rule_add "$srv" web ingress tcp port 80 from $p >/dev/null
	rule_add "$srv" web ingress udp port 7000 from $p >/dev/null
done
rule_add "$srv" web ingress icmp from 0.0.0.0/0 >/dev/null
rule_add "$srv" web ingress icmpv6 from ::/0 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" sg add churn
# Without its default all-open egress rules: with them, the traffic of web
# would not be tracked (semantics.md), and a reply sent just after churn is
# detached would find no rule.
sg_egress_clear "$srv" churn
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 ingress allow all from ::/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 egress allow all to ::/0
assert sgt "$srv" iface attach veth2 web churn
assert sgt "$srv" iface nacl veth2 edge
assert sgt "$srv" iface attach veth2c web

log "traffic for ${secs}s: TCP, UDP and ICMP, both families"
load l4 "$cli" 192.0.2.2 80 7000 "$secs"
load l6 "$cli" fd00::2 80 7000 "$secs"
load o4 "$oth" 198.51.100.2 80 7000 "$secs"
nsx "$cli" ping -q -i 0.2 -w "$secs" 192.0.2.2 >"$SGFW_TMP/p4.log" 2>&1 &
pings="$!"
nsx "$cli" ping -q -i 0.2 -w "$secs" fd00::2 >"$SGFW_TMP/p6.log" 2>&1 &
pings="$pings $!"
_sgfw_pids+=($pings)

end=$(($(date +%s) + secs - 3))
rounds=0 ops=0
op() { "$@" >/dev/null 2>&1 || true; ops=$((ops + 1)); }
while [ "$(date +%s)" -lt "$end" ]; do
	rounds=$((rounds + 1))
	id=$(rule_add "$srv" churn ingress udp port $((8000 + rounds)) from 10.0.0.0/8)
	eid=$(rule_add "$srv" churn egress tcp port 443 to 192.0.2.0/24)
	op sgt "$srv" nacl rule add edge $((10 + rounds % 50)) ingress deny tcp port 9 from 10.9.0.0/16
	op sgt "$srv" flow limit $((50000 + rounds % 2 * 10000))
	op sgt "$srv" iface set veth2 udp-timeout $((30 + rounds % 2 * 30))
	op sgt "$srv" iface detach veth2 churn
	op sgt "$srv" iface attach veth2 churn
	op sgt "$srv" rule del churn "$id"
	op sgt "$srv" nacl rule del edge $((10 + rounds % 50)) ingress
	# The flows of a device go when its last group does.
	op sgt "$srv" iface detach veth2c
	op sgt "$srv" iface attach veth2c web
	# A device down, up, away and back.
	op nsx "$srv" ip link add d0 type dummy
	op nsx "$srv" ip link set d0 up
	op nsx "$srv" ip addr add 10.77.0.1/24 dev d0
	op sgt "$srv" iface attach d0 churn
	op nsx "$srv" ip link set d0 down
	op nsx "$srv" ip link set d0 up
	op nsx "$srv" ip link del d0
	# A namespace with a group, created and deleted.
	tmpns=sgfw$$-t$rounds
	op ip netns add "$tmpns"
	op nsx "$tmpns" ip link add d1 type dummy
	op sgt "$tmpns" sg add tmp
	op sgt "$tmpns" iface attach d1 tmp
	op ip netns del "$tmpns"
	op sgt "$srv" rule del churn "$eid"
done
log "$rounds rounds of churn, $ops operations"
for l in l4 l6 o4; do load_wait $l; done
# shellcheck disable=SC2086 # one argument per pid
wait $pings

# veth2 always has web and edge, which allow all of this traffic: sgfw
# drops nothing there (by reason, if it does).
log "veth2 dropped: $(sgj "$srv" stats | jpy '[d["dropped"] for d in j["devices"] if d["device"] == "veth2"]')"
assert_eq "packets sgfw dropped on veth2" 0 "$(dev_counter "$srv" veth2 dropped)"
for l in l4 l6 o4; do
	read -r _ tok tfail _ uok ufail <"$SGFW_TMP/$l.log" ||
		fail "$l: $(cat "$SGFW_TMP/$l.log")"
	log "$l: tcp $tok ok $tfail failed, udp $uok ok $ufail failed"
	[ "$tok" -gt 0 ] && [ "$uok" -gt 0 ] || fail "$l: no traffic got through"
	[ "$l" = o4 ] && continue
	# veth2 always has web and edge, which allow this traffic.
	assert_eq "$l: failed exchanges" "0 0" "$tfail $ufail"
done
for p in p4 p6; do
	grep -q ' 0% packet loss' "$SGFW_TMP/$p.log" ||
		fail "$p: $(cat "$SGFW_TMP/$p.log")"
done

# The load's last connections are still closing: flows expire one by one,
# and the count holds those the reaper has not freed yet (a dump skips
# them).  Once no flow is between the two, count and dump must agree: a
# count that drifted (a flow lost or counted twice) never does.
log "the count agrees with the table"
count_is_table() {
	count=$(sgj "$srv" status | jpy 'j["flows"]')
	listed=$(sgj "$srv" flow show | jpy 'len(j)')
	[ "$count" = "$listed" ]
}
for _ in $(seq 120); do
	count_is_table && break
	sleep 0.5
done
[ "$count" = "$listed" ] ||
	fail "flows counted $count, listed $listed, by state: $(sgj "$srv" flow show |
		jpy 'sorted(__import__("collections").Counter(
			(f["device"], f["protocol"], f["state"]) for f in j).items())')"
assert sgt "$srv" iface detach veth2
assert sgt "$srv" iface detach veth2c
assert_eq "flows after every group is gone" 0 \
	"$(sgj "$srv" status | jpy 'j["flows"]')"
