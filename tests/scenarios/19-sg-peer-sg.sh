#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A rule whose peer is a group ("from sg clients") matches the group's
# members and nothing else.  The members are the addresses added by hand
# (how a controller keeps the group in sync across hosts) and the
# addresses of the devices of the same namespace that have the group
# attached.  Changing either changes what new connections the rule admits.
#
#   client A                      server                       client B
#   $ns1 veth1 ---------- veth2   $ns2   veth2c ---------- veth3 $ns3
#   192.0.2.1      192.0.2.2             198.51.100.2   198.51.100.3
#   fd00::1        fd00::2               fd00:3::2      fd00:3::3
#                  dum0 203.0.113.7, 2001:db8:7::7
#
#   $ns2 groups: "srv" on veth2 and veth2c: in tcp/22 from sg clients,
#                                           in udp/5000 from sg clients
#                "clients": members by hand; attached to dum0 in part 2
#
# Part 2 needs a packet whose source is one of the server's own addresses
# to arrive from outside: client A sends UDP from 203.0.113.7 (IPv4 takes
# such a packet with accept_local).  TCP could not answer it: the reply
# would go to the server's own address.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_three
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2,198.51.100.2,fd00:3::2 22
assert sgt "$srv" sg add clients desc "kept in sync by hand"
assert sgt "$srv" sg add srv
rule_add "$srv" srv ingress tcp port 22 from sg clients >/dev/null
rule_add "$srv" srv ingress udp port 5000 from sg clients >/dev/null
assert sgt "$srv" iface attach veth2 srv
assert sgt "$srv" iface attach veth2c srv

# reach NS ADDR4 ADDR6 yes|no: can NS open tcp/22 connections to both?
reach() {
	local a
	for a in "$2" "$3"; do
		if [ "$4" = yes ]; then
			assert tcp_connect "$1" "$a" 22
		else
			assert_fails tcp_connect "$1" "$a" 22
		fi
	done
}

log "no member: nobody gets in"
reach "$ns1" 192.0.2.2 fd00::2 no

log "client A's addresses added by hand: A gets in, B does not"
assert sgt "$srv" sg member add clients 192.0.2.1 fd00::1
assert_eq "members" '["192.0.2.1", "fd00::1"]' "$(sgj "$srv" sg show clients |
	jpy 'sorted(m.split("/")[0] for m in j[0]["members"])')"
reach "$ns1" 192.0.2.2 fd00::2 yes
reach "$ns3" 198.51.100.2 fd00:3::2 no

log "B added, A removed: B gets in, A does not"
assert sgt "$srv" sg member add clients 198.51.100.3 fd00:3::3
assert sgt "$srv" sg member del clients 192.0.2.1 fd00::1
reach "$ns3" 198.51.100.2 fd00:3::2 yes
reach "$ns1" 192.0.2.2 fd00::2 no
assert_eq "connections served" 4 "$(server_log tcp "$srv" 22 | wc -l)"
flow_check "$srv" 4 "f['dport'] == 22" "f['sg'] == 'srv'"

log "part 2: the addresses of a device of the server with the group attached"
nsx "$srv" ip link add dum0 type dummy
nsx "$srv" ip link set dum0 up
addr_add "$srv" dum0 203.0.113.7/32 2001:db8:7::7/128
# IPv4 drops packets from a local source unless told otherwise.
nsx "$srv" sysctl -qw net.ipv4.conf.all.accept_local=1 \
	net.ipv4.conf.veth2.accept_local=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.veth2.rp_filter=0
addr_add "$ns1" veth1 203.0.113.7/32 2001:db8:7::7/128
udp_listen u4 "$srv" 192.0.2.2 5000
udp_listen u6 "$srv" fd00::2 5000

# send_both SPORT: a datagram to udp/5000 from each of dum0's addresses.
# Each call takes a new source port: an admitted datagram opens a flow,
# which would let later ones in whatever the rules say.
# got NAME ADDR: how many listener NAME has had from ADDR.
send_both() {
	assert udp_inject "$ns1" 203.0.113.7 "$1" 192.0.2.2 5000
	assert udp_inject "$ns1" 2001:db8:7::7 "$1" fd00::2 5000
}
got() { bg_log "$1" | grep -c "from $2 " || true; }

log "dum0 without the group: its addresses are not members"
send_both 40000
sleep 0.5
assert_eq "datagrams in (IPv4 IPv6)" "0 0" \
	"$(got u4 203.0.113.7) $(got u6 2001:db8:7::7)"

log "clients attached to dum0: its addresses are members"
assert sgt "$srv" iface attach dum0 clients
send_both 40001
got_both() { [ "$(got u4 203.0.113.7)" = 1 ] && [ "$(got u6 2001:db8:7::7)" = 1 ]; }
wait_until 5 got_both

log "clients detached from dum0: not members any more"
assert sgt "$srv" iface detach dum0
send_both 40002
sleep 0.5
assert_eq "datagrams in (IPv4 IPv6)" "1 1" \
	"$(got u4 203.0.113.7) $(got u6 2001:db8:7::7)"
# The hand-added members still count.
reach "$ns3" 198.51.100.2 fd00:3::2 yes
