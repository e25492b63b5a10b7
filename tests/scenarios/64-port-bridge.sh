#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port mode on a Linux bridge: the group of instance 1, set on the host
# side of its veth (p1, mode port), filters what the host bridges to and
# from it and what the host itself exchanges with it, exactly as the same
# group does in endpoint mode on the instance's own eth0.  The same probes
# run against both: tcp/22, udp/5000 and ping in pass (the replies by the
# flows, with no egress rule), tcp/23 and udp/5001 in are refused, the
# neighbour's and the host's probes alike, and nothing goes out.
#
# The host has no br_netfilter: the bridge alone would let everything by.
# In port mode the instance's namespace has no sgfw configuration and
# cannot touch p1, which is not its device.
#
#   +------------------------------ $nsh -------------------------------+
#   |                br0  10.0.0.254/24  fd00::fe/64                     |
#   |          +--------------+---------------+                          |
#   |          p1 "inst"      p2              p3                         |
#   |          mode port      (no config)     (no config)                |
#   +----------|--------------|---------------|--------------------------+
#              | veth         | veth          | veth
#   $ns1 eth0 10.0.0.1   $ns2 eth0 10.0.0.2   $ns3 eth0 10.0.0.3
#             fd00::1              fd00::2              fd00::3
#   servers: tcp 22, 23   tcp 22
#            udp 5000,5001 udp 5000
#
#   group "inst": in tcp/22, udp/5000 from 10.0.0.0/24 and fd00::/64,
#                 icmp echo from 10.0.0.0/24, icmpv6 echo from fd00::/64;
#                 out nothing
# Near two minutes on the debug kernel, more under load: the servers live
# until the end.
SGFW_SERVER_LIFETIME=600
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
assert_fails br_netfilter_loaded
topo_port_bridge
port_servers

log "no configuration: everything passes the bridge"
port_verdicts | grep ': refused$' && fail "refused with no configuration"
n23=$(server_log tcp "$ns1" 23 | wc -l)

log "port mode: the group on p1, in the host"
port_group "$nsh" inst
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert sgt "$nsh" iface attach p1 inst
assert_eq "p1 mode, source check, addresses" \
	'["port", true, ["10.0.0.1", "fd00::1"]]' \
	"$(sgj "$nsh" iface show p1 | jpy '[j[0]["mode"], j[0]["source_check"],
		sorted(a.split("/")[0] for a in j[0]["addresses"])]')"
for ns in "$nsh" "$ns1" "$ns2"; do
	neigh_flush "$ns" "$([ "$ns" = "$nsh" ] && echo br0 || echo eth0)"
done
port_matrix "port mode"
assert_eq "spoofed on p1" 0 "$(dev_counter "$nsh" p1 dropped.spoofed)"
[ "$(dev_counter "$nsh" p1 dropped.no_rule)" -gt 0 ] ||
	fail "p1 counted no packet dropped for want of a rule"
[ "$(dev_counter "$nsh" p1 accepted)" -gt 0 ] ||
	fail "p1 counted no packet accepted"

log "the connections are flows of p1, opened by ingress packets"
tcp_hold h4 "$ns2" 10.0.0.1 22
tcp_hold h6 "$nsh" fd00::1 22
assert tcp_hold_echo h4
assert tcp_hold_echo h6
flow_check "$nsh" 1 "f['src'] == '10.0.0.2' and f['sport'] == $(tcp_hold_sport h4)" \
	"f['dst'] == '10.0.0.1'" "f['dport'] == 22" "f['device'] == 'p1'" \
	"f['state'] == 'established'" "f['sg'] == 'inst'" \
	"f['direction'] == 'ingress'"
flow_check "$nsh" 1 "f['src'] == 'fd00::fe' and f['sport'] == $(tcp_hold_sport h6)" \
	"f['dst'] == 'fd00::1'" "f['device'] == 'p1'" \
	"f['state'] == 'established'" "f['direction'] == 'ingress'"
flow_check "$nsh" 0 "f['dport'] in (23, 5001)"
# The port's flows in stats are those the table lists for it.
_p1_flows_agree() {
	[ "$(dev_counter "$nsh" p1 flows)" = \
	  "$(sgj "$nsh" flow show | jpy 'len([f for f in j if f["device"] == "p1"])')" ]
}
wait_until 5 _p1_flows_agree || fail "p1's flows in stats are not its flows"
[ "$(dev_counter "$nsh" p1 flows)" -ge 2 ] || fail "p1 counts fewer than 2 flows"

log "the instance has no configuration, and cannot name p1"
assert_eq "devices configured in instance 1" 0 "$(sgj "$ns1" iface show | jpy "len(j)")"
assert_fails sgt "$ns1" iface set p1 mode port address 10.0.0.1
assert_fails sgt "$ns1" iface set p1 mode endpoint
assert_eq "devices configured in instance 1" 0 "$(sgj "$ns1" iface show | jpy "len(j)")"
log "the other ports are not filtered"
assert ping_ok "$ns2" 10.0.0.3
assert tcp_connect "$ns3" 10.0.0.2 22

port_matrix_endpoint "$n23"
assert_fails br_netfilter_loaded
