#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The table full, under attack, in a small table (sgfw loaded with the
# smallest hashsize, 256 buckets, that does not grow).
#
#  A. One namespace floods its own table far past what the small table's
#     chains may hold of it: its new flows are refused and counted
#     (bucket_full), another namespace's new flows are not.
#  B. A flood of forged mid-stream ACKs fills the server's allowance: each
#     new one evicts the oldest unanswered one, an established connection
#     keeps working, and a new legitimate connection gets in.
#  B2. A flood of forged SYNs that the host answers (the forged source
#     drops the SYN/ACKs, so nobody resets them): answered flows, but not
#     assured ones, so new flows still evict them and get in.
#  C. Assured flows (UDP streams: two exchanges each) fill it: they are
#     never evicted, so new flows are refused and counted by reason, while
#     the established connection and the other namespace go on.  (A single
#     exchange does not assure a flow, as the host answers forged queries
#     too: those are evicted like the unanswered ACKs.)
#  D. The flood stops: the table drains by itself and new flows get in.
#
#   client, attacker             server, group "web"           other host
#   +------------------+         +-------------------------+   +--------------+
#   | $ns1             |         | $ns2  in tcp/80, udp/7000 |   | $ns3         |
#   | veth1 192.0.2.1 ----------- veth2     from anywhere     |   | own group:   |
#   |                  |         |      veth2c -------------------- veth3 in     |
#   +------------------+         | flow limit 20000, then    |   | udp/9 from   |
#                                | 1000                      |   | 198.51.100.2 |
#                                +-------------------------+   +--------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
sgfw_unload
at_exit 'sgfw_loaded && sgfw_unload; sgfw_load'
sgfw_load hashsize=256 hashsize_max=256
topo_three
cli=$ns1
srv=$ns2
oth=$ns3

# The servers outlive the scenario, which takes minutes on the debug kernel.
SGFW_SERVER_LIFETIME=900
tcp_server "$srv" 192.0.2.2 80
udp_server "$srv" 192.0.2.2 7000
udp_server "$oth" 198.51.100.3 9
assert sgt "$srv" sg add web
rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0 >/dev/null
rule_add "$srv" web ingress udp port 7000-7001 from 0.0.0.0/0 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" iface attach veth2 web
assert sgt "$oth" sg add svc
rule_add "$oth" svc ingress udp port 9 from 198.51.100.2 >/dev/null
assert sgt "$oth" iface attach veth3 svc

# The figures of a namespace: status -j, as a python expression on j.
st() { sgj "$1" status | jpy "$2"; }
# Every one of N exchanges with the other host is answered.
other_ok() {
	assert_eq "answered by the other namespace" "$1" \
		"$(udp_burst "$srv" 198.51.100.2 198.51.100.3 9 "$1")"
}

log "A: the server floods its own table past its chains"
assert sgt "$srv" flow limit 20000
assert udp_flood "$cli" 192.0.2.1 192.0.2.2 7001 0 20000
sgt "$srv" status
flows=$(st "$srv" 'j["flows"]')
full=$(st "$srv" 'j["bucket_full"]')
log "server: $flows flows, $full refused by full buckets"
[ "$full" -gt 0 ] || fail "no new flow met a full bucket"
[ "$flows" -le $((256 * 64)) ] || fail "$flows flows in 256 chains of 64"
other_ok 50
assert_eq "the other namespace's refusals" 0 "$(st "$oth" 'j["bucket_full"] + j["conntrack_allowance_exceeded"]')"
# Detaching the group takes the device's flows along.
assert sgt "$srv" iface detach veth2
assert_eq "server flows" 0 "$(st "$srv" 'j["flows"]')"
assert sgt "$srv" iface attach veth2 web

log "B: forged ACKs fill the allowance; each evicts the oldest unanswered"
assert sgt "$srv" flow limit 1000
tcp_hold held "$cli" 192.0.2.2 80
assert tcp_hold_echo held
assert ack_flood "$cli" 192.0.2.1 192.0.2.2 80 100 3000
sgt "$srv" status
assert_eq "server flows" 1000 "$(st "$srv" 'j["flows"]')"
evicted=$(st "$srv" 'j["flows_evicted"]')
[ "$evicted" -ge 1900 ] || fail "only $evicted flows evicted"
assert_eq "refused while unanswered flows could go" 0 \
	"$(st "$srv" 'j["conntrack_allowance_exceeded"]')"
assert tcp_hold_echo held
assert tcp_connect "$cli" 192.0.2.2 80
other_ok 20

log "B2: forged SYNs, answered by the host: evicted all the same"
# A listener that answers them all (the echo server's backlog is 5, and
# the debug kernel has no SYN cookies to answer past it).
rule_add "$srv" web ingress tcp port 81 from 0.0.0.0/0 >/dev/null
nsx "$srv" sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
nsx "$srv" timeout 300 "$PYTHON" -S -c 'import socket, time
s = socket.socket()
s.bind(("192.0.2.2", 81))
s.listen(4096)
time.sleep(300)' &
_sgfw_pids+=("$!")
nsx "$cli" ip addr add 192.0.2.9/32 dev veth1
# A neighbour entry already: SYN/ACKs waiting for ARP would be dropped.
nsx "$srv" ip neigh replace 192.0.2.9 dev veth2 nud permanent \
	lladdr "$(nsx "$cli" cat /sys/class/net/veth1/address)"
nsx "$cli" nft add table inet syn ||
	fail "nft in $cli"
nsx "$cli" nft add chain inet syn in '{ type filter hook input priority 0; }'
nsx "$cli" nft add rule inet syn in ip daddr 192.0.2.9 drop
before=$(st "$srv" 'j["flows_evicted"]')
sleep 0.5
assert ack_flood "$cli" 192.0.2.9 192.0.2.2 81 20000 2000 0x02
syn_recv() { sgj "$srv" flow show | jpy 'sum(f["state"] == "syn-recv" for f in j)'; }
for i in $(seq 20); do
	answered=$(syn_recv)
	[ "$answered" -ge 100 ] && break
	sleep 0.5
done
sgt "$srv" status
log "$answered flows answered by a SYN/ACK, $(( $(st "$srv" 'j["flows_evicted"]') - before )) evicted"
[ "$answered" -ge 100 ] || fail "only $answered SYNs were answered"
assert_eq "server flows" 1000 "$(st "$srv" 'j["flows"]')"
assert tcp_connect "$cli" 192.0.2.2 80
assert tcp_hold_echo held

log "C: assured flows fill it: none is evicted, new ones are refused"
# Streams live 60 s, longer than this phase takes (and D waits for).
assert sgt "$srv" iface set veth2 udp-stream-timeout 60
# The first 990 take the places of the unanswered ACKs, oldest first.
# Each from a port of its own: a port used again would find its flow.
answered=$(udp_burst "$cli" 192.0.2.1 192.0.2.2 7000 990 40000 200 2)
log "$answered of 990 streams answered"
[ "$answered" -ge 980 ] || fail "$answered of 990 streams answered"
# One at a time, so that each is a stream before the next comes: they
# take what is left of the unassured flows (8 ACKs, streams that missed an
# answer), until one is refused.
before=$(st "$srv" 'j["conntrack_allowance_exceeded"]')
for i in $(seq 40); do
	[ "$(udp_burst "$cli" 192.0.2.1 192.0.2.2 7000 1 $((41000 + i)) 1 2)" = 1 ] ||
		break
done
exceeded=$(st "$srv" 'j["conntrack_allowance_exceeded"]')
log "$((i - 1)) more streams got in, then one was refused"
[ "$i" -ge 2 ] && [ "$i" -lt 40 ] ||
	fail "$((i - 1)) streams got in one by one (unassured left: about 10)"
[ "$exceeded" -gt "$before" ] || fail "the refusal was not counted"
# Now every flow is assured: a burst is refused whole.
before=$exceeded
answered=$(udp_burst "$cli" 192.0.2.1 192.0.2.2 7000 100 42000)
assert_eq "exchanges answered in a table of assured flows" 0 "$answered"
sgt "$srv" stats
exceeded=$(st "$srv" 'j["conntrack_allowance_exceeded"]')
[ $((exceeded - before)) -ge 100 ] || \
	fail "$((exceeded - before)) refusals counted for 100 new flows"
assert_eq "drops for a full table on veth2" "$exceeded" \
	"$(stats_get "$srv" '[d["dropped"]["table_full"] for d in j["devices"] if d["device"] == "veth2"][0]')"
assert tcp_hold_echo held
other_ok 20

log "D: the flood stops; the table drains by itself"
# Its streams live 180 s after their last packet.
for i in $(seq 30); do
	flows=$(st "$srv" 'j["flows"]')
	[ "$flows" -lt 50 ] && break
	[ "$i" -lt 30 ] || fail "$flows flows left after 150 s"
	[ $((i % 4)) = 1 ] && log "$flows flows"
	sleep 5
done
assert_eq "answered once drained" 5 \
	"$(udp_burst "$cli" 192.0.2.1 192.0.2.2 7000 5)"
assert tcp_hold_echo held
