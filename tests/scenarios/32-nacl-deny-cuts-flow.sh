#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A network ACL judges every packet, those of flows a security group
# tracks included: a deny added for a peer cuts its established
# connections at once, although the group's flows are still in the table.
# On ingress the NACL comes before the group (a deny of the client's
# requests); on egress after it (a deny of the answers to the client).
#
#   client                           server
#   +------------------------+       +------------------------------------+
#   | $ns1                   |       | $ns2  group "web": in tcp/80-81    |
#   | veth1 192.0.2.1 ---------------- veth2   from the client, out none  |
#   |       fd00::1          |       |       NACL "edge":                 |
#   | holds a4, a6 to :80,   |       |         in  100, 101 allow all     |
#   |       b4, b6 to :81    |       |         out 100, 101 allow all     |
#   +------------------------+       |       then in  10, 11 deny tcp/80  |
#                                    |              from the client       |
#                                    |       then out 10, 11 deny all     |
#                                    |              to the client         |
#                                    +------------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 80,81
s() { sgt "$srv" "$@"; }

log "group web: tcp/80-81 from the client, no egress; NACL edge: all open"
assert s sg add web
rule_add "$srv" web ingress tcp port 80-81 from 192.0.2.1 >/dev/null
rule_add "$srv" web ingress tcp port 80-81 from fd00::1 >/dev/null
sg_egress_clear "$srv" web
assert s iface attach veth2 web
assert s nacl add edge
assert s nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert s nacl rule add edge 101 ingress allow all from ::/0
assert s nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert s nacl rule add edge 101 egress allow all to ::/0
assert s iface nacl veth2 edge

log "four connections open and work, tracked by the group"
tcp_hold a4 "$cli" 192.0.2.2 80
tcp_hold a6 "$cli" fd00::2 80
tcp_hold b4 "$cli" 192.0.2.2 81
tcp_hold b6 "$cli" fd00::2 81
for c in a4 a6 b4 b6; do
	assert tcp_hold_echo "$c"
done
flow_check "$srv" 4 "f['protocol'] == 'tcp'" "f['sg'] == 'web'" \
	"f['state'] == 'established'"

log "ingress: deny tcp/80 from the client, numbered before the allows"
assert s nacl rule add edge 10 ingress deny tcp port 80 from 192.0.2.1
assert s nacl rule add edge 11 ingress deny tcp port 80 from fd00::1
assert_fails tcp_hold_echo a4
assert_fails tcp_hold_echo a6
# The connections to port 81 are not the deny's business.
assert tcp_hold_echo b4
assert tcp_hold_echo b6
nacl_rule_check "$srv" edge ingress 10 'r["packets"] > 0'
nacl_rule_check "$srv" edge ingress 11 'r["packets"] > 0'

log "egress: deny everything to the client, after the group"
assert s nacl rule add edge 10 egress deny all to 192.0.2.1
assert s nacl rule add edge 11 egress deny all to fd00::1
assert_fails tcp_hold_echo b4
assert_fails tcp_hold_echo b6
nacl_rule_check "$srv" edge egress 10 'r["packets"] > 0'
nacl_rule_check "$srv" edge egress 11 'r["packets"] > 0'

# It was the NACL: the group still tracks all four, established.
sgt "$srv" flow show
flow_check "$srv" 4 "f['protocol'] == 'tcp'" "f['sg'] == 'web'" \
	"f['state'] == 'established'"
