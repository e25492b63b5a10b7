#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The implicit final deny: a network ACL with no rules drops everything on
# its device, both ways, in both families: TCP, UDP and pings from the
# client, and pings the server starts.  It does so alone (a device with
# only a NACL is filtered statelessly) and with a security group that
# allows everything, since the NACL is evaluated before the group on
# ingress and after it on egress.  Taking the NACL away lets everything
# through again.  Neighbour discovery and ARP pass all along.
#
#   client                           server
#   +------------------------+       +------------------------------------+
#   | $ns1                   |       | $ns2  NACL "empty" (no rules)      |
#   | veth1 192.0.2.1 ---------------- veth2  tcp/80, udp/53 echo         |
#   |       fd00::1          |       |        then also group "open":     |
#   +------------------------+       |        everything in and out       |
#                                    +------------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 80
udp_server "$srv" 192.0.2.2,fd00::2 53
s() { sgt "$srv" "$@"; }

log "NACL empty, with no rules, on the server's device"
assert s nacl add empty
assert s iface nacl veth2 empty
assert_eq "rules of empty" "[]" "$(sgj "$srv" nacl show empty | jpy 'j[0]["rules"]')"
assert_eq "devices with empty" 1 "$(sgj "$srv" nacl show empty | jpy 'j[0]["attached"]')"
assert_eq "groups of veth2" "[]" "$(sgj "$srv" iface show veth2 | jpy 'j[0]["sgs"]')"
neigh_flush "$srv" veth2
neigh_flush "$cli" veth1

for x in "192.0.2.2 192.0.2.1" "fd00::2 fd00::1"; do
	# shellcheck disable=SC2086 # the two addresses of x
	set -- $x
	log "nothing gets through to or from $1"
	assert_fails tcp_connect "$cli" "$1" 80
	assert_fails udp_request "$cli" "$1" 53
	assert_fails ping_ok "$srv" "$2"
done
assert_eq "tcp connections served" "" "$(server_log tcp "$srv" 80)"
assert_eq "udp requests served" "" "$(server_log udp "$srv" 53)"
dropped=$(dev_counter "$srv" veth2 dropped)
[ "$dropped" -ge 6 ] || fail "veth2 dropped $dropped packets, expected 6 at least"
# Neighbour discovery is not the NACL's to judge.
assert_match "server's neighbour fd00::1" 'lladdr' \
	"$(nsx "$srv" ip -6 neigh show fd00::1 dev veth2)"

log "a group that allows everything changes nothing: the NACL still denies"
assert s sg add open
rule_add "$srv" open ingress all from 0.0.0.0/0 >/dev/null
rule_add "$srv" open ingress all from ::/0 >/dev/null
assert s iface attach veth2 open
# One family each way is enough here: the first phase covered the rest.
assert_fails ping_ok "$cli" 192.0.2.2
assert_fails ping_ok "$srv" fd00::1

log "the NACL taken away: everything goes through"
assert s iface nacl veth2 none
assert_eq "NACL of veth2" null "$(sgj "$srv" iface show veth2 | jpy 'j[0]["nacl"]')"
assert_eq "devices with empty" 0 "$(sgj "$srv" nacl show empty | jpy 'j[0]["attached"]')"
for x in "192.0.2.2 192.0.2.1" "fd00::2 fd00::1"; do
	# shellcheck disable=SC2086 # the two addresses of x
	set -- $x
	assert tcp_connect "$cli" "$1" 80
	assert udp_request "$cli" "$1" 53
	assert ping_ok "$srv" "$2"
	assert ping_ok "$cli" "$1"
done
assert s nacl del empty
