#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The conntrack allowance: with the namespace's flow limit reached, a
# packet that would open a new tracked flow is dropped and counted in
# conntrack_allowance_exceeded, while the flows already tracked keep
# working; conntrack_allowance_available tells the room left.  Raising the
# limit lets new connections in again.
#
#   client                              server, group "ssh", flow limit 2
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  in  tcp/22 from        |
#   | veth1 192.0.2.1 ----------------------- veth2  192.0.2.1/32,      |
#   |       fd00::1       |             |            fd00::1/128       |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
assert sgt "$srv" sg add ssh
rule_add "$srv" ssh ingress tcp port 22 from 192.0.2.1/32 >/dev/null
rule_add "$srv" ssh ingress tcp port 22 from fd00::1/128 >/dev/null
assert sgt "$srv" iface attach veth2 ssh
assert sgt "$srv" flow limit 2
assert_eq "flow limit" 2 "$(sgj "$srv" status | jpy 'j["flow_limit"]')"

# allowance: "exceeded available" from sgtool stats.
allowance() {
	stats_get "$srv" '"%d %d" % (j["conntrack_allowance_exceeded"], j["conntrack_allowance_available"])'
}
assert_eq "allowance, nothing tracked" "0 2" "$(allowance)"

log "two connections fill the table"
tcp_hold c4 "$cli" 192.0.2.2 22
assert_eq "allowance, one flow" "0 1" "$(allowance)"
tcp_hold c6 "$cli" fd00::2 22
assert_eq "allowance, two flows" "0 0" "$(allowance)"
sgt "$srv" stats

log "new connections fail, the old ones work"
assert_fails tcp_connect "$cli" 192.0.2.2 22
assert_fails tcp_connect "$cli" fd00::2 22
assert tcp_hold_echo c4
assert tcp_hold_echo c6
sgt "$srv" stats
read -r exceeded available <<<"$(allowance)"
# At least the two SYNs, and their retransmissions.
[ "$exceeded" -ge 2 ] || fail "conntrack_allowance_exceeded $exceeded, expected 2 or more"
assert_eq "conntrack_allowance_available" 0 "$available"
flow_check "$srv" 2 "True" "f['state'] == 'established'"
assert_eq "connections served" 2 "$(server_log tcp "$srv" 22 | wc -l)"

log "a higher limit lets a new connection in"
assert sgt "$srv" flow limit 3
assert_eq "allowance, limit 3" "$exceeded 1" "$(allowance)"
assert tcp_connect "$cli" 192.0.2.2 22
assert tcp_hold_echo c4
read -r exceeded2 available <<<"$(allowance)"
assert_eq "conntrack_allowance_exceeded after the limit was raised" \
	"$exceeded" "$exceeded2"
assert_eq "conntrack_allowance_available" 0 "$available"
