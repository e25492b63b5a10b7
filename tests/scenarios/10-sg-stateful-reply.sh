#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The stateful reply: a server whose group allows tcp/22 from the client's
# address, and has no egress rule at all, answers that client, although no
# rule allows the replies to the client's ephemeral port: the connection
# is tracked, and its replies pass as part of it.  tcp/23 on the same
# server is refused.  IPv6 works through the same group without any ICMPv6
# rule: neighbour discovery passes by itself.
#
#   client                                     server
#   +----------------------+                   +-----------------------------+
#   | $ns1                 |                   | $ns2      group "ssh":      |
#   | veth1 192.0.2.1 -------------------------- veth2    in  tcp/22 from    |
#   |       fd00::1        |                   |          192.0.2.1/32,      |
#   +----------------------+                   |          fd00::1/128        |
#                                              |          out (nothing)      |
#                                              +-----------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22,23

log "group ssh: tcp/22 from the client's addresses, no egress rule"
assert sgt "$srv" sg add ssh desc "ssh from the client"
id4=$(rule_add "$srv" ssh ingress tcp port 22 from 192.0.2.1/32)
id6=$(rule_add "$srv" ssh ingress tcp port 22 from fd00::1/128)
sg_egress_clear "$srv" ssh
assert sgt "$srv" iface attach veth2 ssh
# Both sides must resolve each other again, through the group.
neigh_flush "$srv" veth2
neigh_flush "$cli" veth1

for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:22 is answered"
	assert tcp_connect "$cli" "$a" 22
done
# Neighbour discovery, MLD and router solicitations included, nothing was
# dropped so far.
assert_eq "packets veth2 dropped" 0 "$(dev_counter "$srv" veth2 dropped)"
for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:23 is not"
	assert_fails tcp_connect "$cli" "$a" 23
done
assert_eq "connections served on port 23" "" "$(server_log tcp "$srv" 23)"
dropped=$(dev_counter "$srv" veth2 dropped)
[ "$dropped" -gt 0 ] || fail "veth2 dropped no packet of the tcp/23 attempts"

log "neighbour discovery went through the group both ways"
assert_match "server's neighbour fd00::1" 'lladdr' \
	"$(nsx "$srv" ip -6 neigh show fd00::1 dev veth2)"
assert_match "client's neighbour fd00::2" 'lladdr' \
	"$(nsx "$cli" ip -6 neigh show fd00::2 dev veth1)"

log "the server tracks open connections, naming the group and rule"
tcp_hold c4 "$cli" 192.0.2.2 22
tcp_hold c6 "$cli" fd00::2 22
sp4=$(tcp_hold_sport c4)
sp6=$(tcp_hold_sport c6)
assert tcp_hold_echo c4
assert tcp_hold_echo c6
sgt "$srv" flow show
for x in "192.0.2.1 192.0.2.2 $sp4 $id4" "fd00::1 fd00::2 $sp6 $id6"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	flow_check "$srv" 1 "f['protocol'] == 'tcp' and f['src'] == '$1' and f['sport'] == $3" \
		"f['dst'] == '$2'" "f['dport'] == 22" "f['device'] == 'veth2'" \
		"f['state'] == 'established'" "f['tracked'] is True" \
		"f['sg'] == 'ssh'" "f['rule_id'] == $4" \
		"f['direction'] == 'ingress'" \
		"431000 < f['expires_in'] <= 432000" "f['packets'] >= 5"
done
flow_check "$srv" 0 "f['dport'] == 23"
