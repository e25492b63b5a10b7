#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A network ACL's rules are evaluated lowest number first, and the first
# that matches decides.  A deny for the client numbered before the rule
# that allows tcp/80 from its whole prefix wins: the client is refused.
# The same deny numbered after the allow is never reached: the client is
# served.  Only the rule that decides counts the packet.
#
#   client                           server
#   +------------------------+       +------------------------------------+
#   | $ns1                   |       | $ns2  NACL "order":                |
#   | veth1 192.0.2.1 ---------------- veth2  in  100, 101 deny tcp/80     |
#   |       fd00::1          |       |               from the client      |
#   +------------------------+       |            200, 201 allow tcp/80   |
#                                    |               from 192.0.2.0/24,   |
#                                    |               fd00::/64            |
#                                    |        then the denies as 300, 301 |
#                                    |        out 100, 101 allow all      |
#                                    +------------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 80
s() { sgt "$srv" "$@"; }

log "NACL order: deny the client (100, 101) before allowing its prefix (200, 201)"
assert s nacl add order
assert s nacl rule add order 200 ingress allow tcp port 80 from 192.0.2.0/24
assert s nacl rule add order 201 ingress allow tcp port 80 from fd00::/64
assert s nacl rule add order 100 ingress deny tcp port 80 from 192.0.2.1
assert s nacl rule add order 101 ingress deny tcp port 80 from fd00::1
assert s nacl rule add order 100 egress allow all to 0.0.0.0/0
assert s nacl rule add order 101 egress allow all to ::/0
assert s iface nacl veth2 order
# Listed by number whatever the order they were added in.
assert_eq "ingress rules in order" "[100, 101, 200, 201]" \
	"$(sgj "$srv" nacl show order |
	   jpy '[r["number"] for r in j[0]["rules"] if r["direction"] == "ingress"]')"
sgt "$srv" nacl show order

for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:80 is refused by the deny"
	assert_fails tcp_connect "$cli" "$a" 80
done
assert_eq "connections served" "" "$(server_log tcp "$srv" 80)"
for n in 100 101; do
	nacl_rule_check "$srv" order ingress "$n" 'r["packets"] > 0' \
		'r["bytes"] >= 40 * r["packets"]'
done
for n in 200 201; do
	nacl_rule_check "$srv" order ingress "$n" 'r["packets"] == 0' \
		'r["bytes"] == 0'
done

log "the same denies numbered after the allows (300, 301)"
assert s nacl rule del order 100 ingress
assert s nacl rule del order 101 ingress
assert s nacl rule add order 300 ingress deny tcp port 80 from 192.0.2.1
assert s nacl rule add order 301 ingress deny tcp port 80 from fd00::1
sgt "$srv" nacl show order
for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:80 is served: the allow decides first"
	assert tcp_connect "$cli" "$a" 80
done
assert_eq "connections served" 2 "$(server_log tcp "$srv" 80 | wc -l)"
for n in 200 201; do
	nacl_rule_check "$srv" order ingress "$n" 'r["packets"] >= 3'
done
for n in 300 301; do
	nacl_rule_check "$srv" order ingress "$n" 'r["packets"] == 0'
done
