#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A group with its egress rules deleted lets nothing out that the namespace
# starts itself: no TCP connection, no UDP datagram, no ping, in either
# family.  Connections its ingress rules admit still get their replies out,
# since those belong to tracked flows.
#
#   client, group "locked"                        server, no group
#   +--------------------------------+            +----------------------+
#   | $ns1    in  tcp/8080 from      |            | $ns2                 |
#   |             192.0.2.2, fd00::2 |            |  tcp/80, udp/53 echo |
#   |         out (nothing)          |            |                      |
#   | veth1 192.0.2.1, fd00::1 ----------------------- veth2 192.0.2.2,   |
#   |  tcp/8080 echo                 |            |       fd00::2        |
#   +--------------------------------+            +----------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 80
udp_server "$srv" 192.0.2.2,fd00::2 53
tcp_server "$cli" 192.0.2.1,fd00::1 8080

log "before any group, the client reaches the server"
for a in 192.0.2.2 fd00::2; do
	assert tcp_connect "$cli" "$a" 80
	assert udp_request "$cli" "$a" 53
done

log "group locked: tcp/8080 in from the server, no egress rule"
assert sgt "$cli" sg add locked
rule_add "$cli" locked ingress tcp port 8080 from 192.0.2.2 >/dev/null
rule_add "$cli" locked ingress tcp port 8080 from fd00::2 >/dev/null
sg_egress_clear "$cli" locked
assert sgt "$cli" iface attach veth1 locked
neigh_flush "$cli" veth1
neigh_flush "$srv" veth2

for a in 192.0.2.2 fd00::2; do
	log "client -> $a: nothing gets out"
	assert_fails tcp_connect "$cli" "$a" 80
	assert_fails udp_request "$cli" "$a" 53
	assert_fails ping_ok "$cli" "$a"
done
# Only the two probes from before the group reached the server.
assert_eq "tcp connections served" 2 "$(server_log tcp "$srv" 80 | wc -l)"
assert_eq "udp requests served" 2 "$(server_log udp "$srv" 53 | wc -l)"
dropped=$(dev_counter "$cli" veth1 dropped)
[ "$dropped" -gt 0 ] || fail "veth1 dropped nothing"

for a in 192.0.2.1 fd00::1; do
	log "server -> [$a]:8080: admitted, and answered"
	assert tcp_connect "$srv" "$a" 8080
done
assert_eq "connections served by the client" 2 \
	"$(server_log tcp "$cli" 8080 | wc -l)"
sgt "$cli" flow show
flow_check "$cli" 2 "f['protocol'] == 'tcp' and f['dport'] == 8080" \
	"f['src'] in ('192.0.2.2', 'fd00::2')" "f['sg'] == 'locked'" \
	"f['direction'] == 'ingress'"
# Nothing the client started was tracked either.
flow_check "$cli" 0 "f['direction'] == 'egress'"
