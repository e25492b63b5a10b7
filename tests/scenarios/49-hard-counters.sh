#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The counters add up: every packet that crosses a filtered device is
# counted once, as accepted or as dropped for one reason, and each reason
# counts exactly the packets sent to meet it: no rule (a port no rule
# allows), nacl (a port the NACL denies), table-full (new flows of a full
# table whose flows are all assured: UDP streams), invalid (a UDP header cut
# short).  IPv4 only, on a link with IPv6 off, so that nothing but the
# test's packets crosses it.
#
#   +---------------------+          +-----------------------------+
#   | $ns1                |   veth   | $ns2  group web: udp/7000   |
#   | veth1 192.0.2.1 ---------------------- veth2  NACL: 50 deny    |
#   | sends, counted      |          |       udp/7002, 100 allow   |
#   +---------------------+          |       all; flow limit 2     |
#                                    +-----------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1" "$ns2"
veth_add "$ns1" veth1 "$ns2" veth2
for ns in "$ns1" "$ns2"; do
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
addr_add "$ns1" veth1 192.0.2.1/24
addr_add "$ns2" veth2 192.0.2.2/24
cli=$ns1
srv=$ns2

udp_server "$srv" 192.0.2.2 7000
assert sgt "$srv" sg add web
rule_add "$srv" web ingress udp port 7000 from 192.0.2.1 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 50 ingress deny udp port 7002 from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" flow limit 2
assert sgt "$srv" iface attach veth2 web
assert sgt "$srv" iface nacl veth2 edge
# The ARP of the exchanges below is done before counting starts (ARP is
# not IP: sgfw never sees it).
nsx "$cli" ping -c1 -W1 192.0.2.2 >/dev/null 2>&1 || true

counts() {
	stats_get "$srv" '" ".join(str(x) for x in [[d["accepted"], d["dropped"]["no_rule"], d["dropped"]["nacl"], d["dropped"]["table_full"], d["dropped"]["invalid"], d["dropped"]["spoofed"], d["dropped"]["total"]] for d in j["devices"] if d["device"] == "veth2"][0])'
}
read -r acc0 norule0 nacl0 full0 inval0 spoof0 total0 <<<"$(counts)"

log "2 streams of 2 exchanges fill the table with assured flows: 8 packets"
assert udp_exchange "$cli" 192.0.2.1 5001 192.0.2.2 7000 2
assert udp_exchange "$cli" 192.0.2.1 5002 192.0.2.2 7000 2
log "8 new flows into the full table, 5 to a port no rule allows, 4 to"
log "a port the NACL denies, 3 with a UDP header cut short"
for p in $(seq 6001 6008); do
	assert udp_inject "$cli" 192.0.2.1 "$p" 192.0.2.2 7000
done
for p in $(seq 6101 6105); do
	assert udp_inject "$cli" 192.0.2.1 "$p" 192.0.2.2 7001
done
for p in $(seq 6201 6204); do
	assert udp_inject "$cli" 192.0.2.1 "$p" 192.0.2.2 7002
done
for i in 1 2 3; do
	assert raw_send "$cli" 192.0.2.1 192.0.2.2 17 4
done
sleep 0.5
read -r acc norule nacl full inval spoof total <<<"$(counts)"
sgt "$srv" stats
assert_eq "accepted" 8 $((acc - acc0))
assert_eq "dropped: no rule" 5 $((norule - norule0))
assert_eq "dropped: nacl" 4 $((nacl - nacl0))
assert_eq "dropped: table full" 8 $((full - full0))
assert_eq "dropped: invalid" 3 $((inval - inval0))
# Endpoint mode checks no source: nothing is ever spoofed.
assert_eq "dropped: spoofed" "0 0" "$spoof0 $spoof"
assert_eq "dropped in all" 20 $((total - total0))
assert_eq "sent both ways = accepted + dropped" 28 \
	$((acc - acc0 + total - total0))
assert_eq "allowance exceeded" 8 \
	"$(sgj "$srv" status | jpy 'j["conntrack_allowance_exceeded"]')"
