#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A rule whose peer is a prefix list ("from prefix-list office") matches
# the list's prefixes and nothing else, and follows the list as entries
# are added and removed, short (walked) or long (classified).  Entries are
# stored canonical.
#
#   client A                      server                       client B
#   $ns1 veth1 ---------- veth2   $ns2   veth2c ---------- veth3 $ns3
#   192.0.2.1      192.0.2.2             198.51.100.2   198.51.100.3
#   fd00::1        fd00::2               fd00:3::2      fd00:3::3
#
#   $ns2 group "srv" on veth2 and veth2c: in tcp/22 from prefix-list office
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_three
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2,198.51.100.2,fd00:3::2 22
assert sgt "$srv" prefix-list add office
# Host bits set on purpose: the list keeps 192.0.2.0/24 and fd00::/64.
assert sgt "$srv" prefix-list entry add office 192.0.2.77/24 fd00::1:2/64
assert_eq "entries" '["192.0.2.0/24", "fd00::/64"]' \
	"$(sgj "$srv" prefix-list show office | jpy 'sorted(j[0]["entries"])')"
assert sgt "$srv" sg add srv
rule_add "$srv" srv ingress tcp port 22 from prefix-list office >/dev/null
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

log "A's networks listed: A gets in, B does not"
reach "$ns1" 192.0.2.2 fd00::2 yes
reach "$ns3" 198.51.100.2 fd00:3::2 no

log "B's addresses added, A's networks removed"
assert sgt "$srv" prefix-list entry add office 198.51.100.3 fd00:3::3
assert sgt "$srv" prefix-list entry del office 192.0.2.0/24 fd00::/64
assert_eq "entries" '["198.51.100.3/32", "fd00:3::3/128"]' \
	"$(sgj "$srv" prefix-list show office | jpy 'sorted(j[0]["entries"])')"
reach "$ns3" 198.51.100.2 fd00:3::2 yes
reach "$ns1" 192.0.2.2 fd00::2 no
assert_eq "connections served" 4 "$(server_log tcp "$srv" 22 | wc -l)"

log "a long list (matched by the classifier, not walked): B among 46 entries"
assert sgt "$srv" prefix-list set office max-entries 50
# shellcheck disable=SC2046 # one entry per word
assert sgt "$srv" prefix-list entry add office \
	$(for i in $(seq 1 22); do echo "10.$i.0.0/16 fd10:$i::/32"; done)
assert_eq "entries" 46 \
	"$(sgj "$srv" prefix-list show office | jpy 'len(j[0]["entries"])')"
reach "$ns3" 198.51.100.2 fd00:3::2 yes
reach "$ns1" 192.0.2.2 fd00::2 no
assert_eq "connections served" 6 "$(server_log tcp "$srv" 22 | wc -l)"

log "a list a rule names cannot be deleted"
assert_fails sgt "$srv" prefix-list del office
