#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port mode on a routing host: the same as 64-port-bridge, with the host
# routing between the instances' veths (a /24 and a /64 each) instead of
# bridging them.  The group of instance 1 on p1, in mode port, filters what
# the host forwards to and from it and what the host itself exchanges with
# it, exactly as the same group does in endpoint mode on the instance's own
# eth0: tcp/22, udp/5000 and ping in pass (the replies by the flows, with
# no egress rule), tcp/23 and udp/5001 in are refused, nothing goes out.
#
#   +------------------------------ $nsh (forwarding) -------------------+
#   |  p1 10.0.1.254/24       p2 10.0.2.254/24        p3 10.0.3.254/24   |
#   |     fd00:1::fe/64          fd00:2::fe/64           fd00:3::fe/64   |
#   |     "inst", mode port      (no config)             (no config)     |
#   +--|----------------------|-----------------------|------------------+
#      | veth                 | veth                  | veth
#   $ns1 eth0 10.0.1.1     $ns2 eth0 10.0.2.1      $ns3 eth0 10.0.3.1
#             fd00:1::1              fd00:2::1               fd00:3::1
#   servers: tcp 22, 23     tcp 22
#            udp 5000,5001  udp 5000
#
#   group "inst": in tcp/22, udp/5000 from 10.0.0.0/16 and fd00::/16,
#                 icmp echo from 10.0.0.0/16, icmpv6 echo from fd00::/16;
#                 out nothing
# Near two minutes on the debug kernel, more under load: the servers live
# until the end.
SGFW_SERVER_LIFETIME=600
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_port_routed
assert_eq "forwarding in the host" "1 1" \
	"$(nh sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding | xargs)"
port_servers

log "no configuration: the host forwards everything"
port_verdicts | grep ': refused$' && fail "refused with no configuration"
n23=$(server_log tcp "$ns1" 23 | wc -l)

log "port mode: the group on p1, in the host"
port_group "$nsh" inst
assert sgt "$nsh" iface set p1 mode port address 10.0.1.1 fd00:1::1
assert sgt "$nsh" iface attach p1 inst
assert_eq "p1 mode, source check, addresses" \
	'["port", true, ["10.0.1.1", "fd00:1::1"]]' \
	"$(sgj "$nsh" iface show p1 | jpy '[j[0]["mode"], j[0]["source_check"],
		sorted(a.split("/")[0] for a in j[0]["addresses"])]')"
neigh_flush "$nsh" p1
neigh_flush "$ns1" eth0
port_matrix "port mode"
assert_eq "spoofed on p1" 0 "$(dev_counter "$nsh" p1 dropped.spoofed)"
[ "$(dev_counter "$nsh" p1 dropped.no_rule)" -gt 0 ] ||
	fail "p1 counted no packet dropped for want of a rule"

log "the connections are flows of p1, opened by ingress packets"
tcp_hold h4 "$ns2" 10.0.1.1 22
tcp_hold h6 "$nsh" fd00:1::1 22
assert tcp_hold_echo h4
assert tcp_hold_echo h6
flow_check "$nsh" 1 "f['src'] == '10.0.2.1' and f['sport'] == $(tcp_hold_sport h4)" \
	"f['dst'] == '10.0.1.1'" "f['dport'] == 22" "f['device'] == 'p1'" \
	"f['state'] == 'established'" "f['sg'] == 'inst'" \
	"f['direction'] == 'ingress'"
flow_check "$nsh" 1 "f['src'] == 'fd00:1::fe' and f['sport'] == $(tcp_hold_sport h6)" \
	"f['dst'] == 'fd00:1::1'" "f['device'] == 'p1'" \
	"f['state'] == 'established'" "f['direction'] == 'ingress'"
flow_check "$nsh" 0 "f['dport'] in (23, 5001)"

log "the instance has no configuration, and cannot name p1"
assert_eq "devices configured in instance 1" 0 "$(sgj "$ns1" iface show | jpy "len(j)")"
assert_fails sgt "$ns1" iface set p1 mode port address 10.0.1.1
assert_eq "devices configured in instance 1" 0 "$(sgj "$ns1" iface show | jpy "len(j)")"
log "the other ports are not filtered"
assert ping_ok "$ns2" 10.0.3.1
assert tcp_connect "$ns3" fd00:2::1 22

port_matrix_endpoint "$n23"
