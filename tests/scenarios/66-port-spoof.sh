#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Port mode's source check.  Instance 1 forges, on its eth0, packets that
# claim its neighbour's (instance 3's) addresses: UDP from 10.0.0.3 and
# from fd00::3 to the host, an ARP reply to instance 2 and a gratuitous
# ARP saying that 10.0.0.3 is at instance 1's MAC, a neighbour
# advertisement (from its link-local address) saying the same of fd00::3.
#
#  - source check on (the default): none of them gets past p1 (no
#    datagram reaches the host's listener or its bridge, the neighbour
#    tables of instance 2 and of the host still name instance 3's MAC),
#    and p1 counts each of them once as spoofed.  What an instance sends
#    before it has an address passes: a DHCP discover from 0.0.0.0 reaches
#    the host's DHCP port (once a rule allows udp/67 out: it is judged by
#    the rules, and refused before), an ARP probe from 0.0.0.0 and the
#    duplicate address detection from :: reach the bridge (without a rule,
#    as neighbour discovery).  Datagrams from its own address pass, and
#    so does an advertisement of a link-local target.  A VLAN-tagged frame
#    is dropped as invalid (the same frame from instance 2, whose port has
#    no configuration, reaches the bridge).  What only the network's
#    router or DHCP server sends, a router advertisement, a redirect or a
#    DHCP offer (udp to 68, from 67 or any port), is refused as spoofed,
#    and so is a fragmented advertisement of its own address;
#  - with p1's "mac" set to instance 1's MAC, instance 1 forges, with its
#    own addresses, a datagram from instance 3's MAC (Ethernet source), an
#    ARP reply, a neighbour advertisement and a solicitation that say
#    instance 3's MAC is its own: none reaches the bridge (which still
#    has instance 3's MAC on p3), each counted spoofed; the same with its
#    own MAC pass.  Its link-local addresses are then the one its MAC
#    makes ($ll1, the kernel's) and those listed: an advertisement that
#    claims the router's fe80::1 with its own MAC, or a solicitation from
#    fe80::1, is spoofed until fe80::1 is among its addresses.  "mac" is
#    refused on an endpoint, and "mode endpoint" forgets it; with "mac
#    none" the forged ones pass as before;
#  - a flow counts on its side only: a datagram forged into p1 with the
#    tuple of a flow that instance 1 opened (as if it came from instance
#    1) is judged by the rules, which let nothing in;
#  - source check off: the same forged packets go to the rules: the
#    datagrams a rule allows arrive (one to a port no rule allows does
#    not), the ARP reply and the advertisement rewrite the neighbours'
#    tables, the router advertisement and the fragmented advertisement
#    pass (as neighbour discovery) and the redirect and the DHCP offers
#    find no rule; nothing is counted as spoofed.  A tagged frame is still
#    invalid.
#
#   +------------------------------ $nsh -------------------------------+
#   |   br0 10.0.0.254/24 fd00::fe/64   listeners udp 9, 10 and 67,     |
#   |          |                         a sniffer on br0               |
#   |          p1 "inst", mode port, address 10.0.0.1 fd00::1           |
#   |          |              p2              p3                         |
#   +----------|--------------|---------------|--------------------------+
#   $ns1 eth0 10.0.0.1   $ns2 eth0 10.0.0.2   $ns3 eth0 10.0.0.3
#        fd00::1  (forger)    fd00::2              fd00::3 (impersonated)
#
#   group "inst": out udp/9 to 10.0.0.0/24 and fd00::/64 (udp/67 to
#                 0.0.0.0/0 added on the way); in nothing
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_port_bridge
mac1=$(mac_of "$ns1" eth0)
mac2=$(mac_of "$ns2" eth0)
mac3=$(mac_of "$ns3" eth0)
brmac=$(mac_of "$nsh" br0)
ll1=$(nsx "$ns1" ip -6 -o addr show dev eth0 scope link |
	awk '{ sub("/.*", "", $4); print $4 }')
[ -n "$ll1" ] || fail "instance 1 has no link-local address"

assert sgt "$nsh" sg add inst
sg_egress_clear "$nsh" inst
rule_add "$nsh" inst egress udp port 9 to 10.0.0.0/24 >/dev/null
rule_add "$nsh" inst egress udp port 9 to fd00::/64 >/dev/null
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert sgt "$nsh" iface attach p1 inst
assert_eq "p1 mode and source check" '["port", true]' \
	"$(sgj "$nsh" iface show p1 | jpy '[j[0]["mode"], j[0]["source_check"]]')"

udp_listen h9 "$nsh" :: 9
udp_listen h10 "$nsh" :: 10
udp_listen d67 "$nsh" 0.0.0.0 67
sniff sbr "$nsh" br0

# Instance 2 and the host know instance 3's MAC (stale entries, which a
# received ARP or advertisement may update once they are a second old).
nsx "$ns2" ip -4 neigh replace 10.0.0.3 lladdr "$mac3" dev eth0 nud stale
nsx "$ns2" ip -6 neigh replace fd00::3 lladdr "$mac3" dev eth0 nud stale
nh ip -4 neigh replace 10.0.0.3 lladdr "$mac3" dev br0 nud stale
sleep 1.5

# neigh NS DEV ADDR: the MAC that NS has for ADDR.
neigh() { nsx "$1" ip neigh show "$3" dev "$2" | awk '{ print $3 }'; }
spoofed() { dev_counter "$nsh" p1 dropped.spoofed; }
got() { bg_log "$1" | grep -c "^udp from $2 port " || true; }
sniffed() { bg_log sbr | grep -c -- "$1" || true; }
# For wait_until: got NAME ADDR is COUNT, sniffed PATTERN is COUNT, the MAC
# for ADDR is MAC.
got_is() { [ "$(got "$1" "$2")" = "$3" ]; }
sniffed_is() { [ "$(sniffed "$1")" = "$2" ]; }
neigh_is() { [ "$(neigh "$1" "$2" "$3")" = "$4" ]; }

# forge: what instance 1 sends with another's addresses.
forge() {
	assert eth_send "$ns1" eth0 "$brmac" udp 10.0.0.3 4000 10.0.0.254 9
	assert eth_send "$ns1" eth0 "$brmac" udp fd00::3 4000 fd00::fe 9
	assert eth_send "$ns1" eth0 "$brmac" udp 10.0.0.3 4000 10.0.0.254 10
	assert eth_send "$ns1" eth0 "$mac2" arp 2 10.0.0.3 10.0.0.2
	assert eth_send "$ns1" eth0 bcast arp 1 10.0.0.3 10.0.0.3
	assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 fd00::3
}

log "source check on: forged sources, ARP and advertisements are dropped"
s0=$(spoofed)
forge
sleep 1
assert_eq "packets counted spoofed" 6 $(($(spoofed) - s0))
assert_eq "forged datagrams at the host (v4 v6 port 10)" "0 0 0" \
	"$(got h9 ::ffff:10.0.0.3) $(got h9 fd00::3) $(got h10 ::ffff:10.0.0.3)"
assert_eq "forged packets on the bridge" "0 0 0 0" \
	"$(sniffed 'ip4 10.0.0.3 >') $(sniffed 'ip6 fd00::3 >') $(sniffed 'arp op 1 sender 10.0.0.3 ') $(sniffed 'icmp6 136 target fd00::3')"
assert_eq "instance 2's MAC for 10.0.0.3" "$mac3" "$(neigh "$ns2" eth0 10.0.0.3)"
assert_eq "instance 2's MAC for fd00::3" "$mac3" "$(neigh "$ns2" eth0 fd00::3)"
assert_eq "the host's MAC for 10.0.0.3" "$mac3" "$(neigh "$nsh" br0 10.0.0.3)"

log "its own addresses pass"
assert eth_send "$ns1" eth0 "$brmac" udp 10.0.0.1 4001 10.0.0.254 9
assert eth_send "$ns1" eth0 "$brmac" udp fd00::1 4001 fd00::fe 9
wait_until 15 got_is h9 ::ffff:10.0.0.1 1
wait_until 15 got_is h9 fd00::1 1

log "tagged frames are invalid in port mode; link-local targets pass"
i=$(dev_counter "$nsh" p1 dropped.invalid)
# The same frame from instance 2, whose port has no configuration, shows
# that the bridge would take it.
assert eth_send "$ns2" eth0 "$brmac" vlan 5 udp 10.0.0.2 4002 10.0.0.254 9
assert eth_send "$ns1" eth0 "$brmac" vlan 5 udp 10.0.0.1 4002 10.0.0.254 9
assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 fe80::5a:5a
wait_until 15 sniffed_is 'ip4 10.0.0.2 > 10.0.0.254 proto 17 .* udp 4002 > 9' 1
wait_until 15 sniffed_is 'icmp6 136 target fe80::5a:5a' 1
assert_eq "tagged frames of instance 1 on the bridge" 0 \
	"$(sniffed 'ip4 10.0.0.1 > 10.0.0.254 proto 17 .* udp 4002 > 9')"
assert_eq "dropped as invalid" 1 \
	$(($(dev_counter "$nsh" p1 dropped.invalid) - i))

log "before it has an address: DHCP by the rules, ARP probe and DAD without"
n=$(dev_counter "$nsh" p1 dropped.no_rule)
assert eth_send "$ns1" eth0 bcast dhcp
sleep 1
assert_eq "DHCP discovers at the host, no rule" 0 "$(got d67 0.0.0.0)"
assert_eq "dropped for want of a rule" 1 \
	$(($(dev_counter "$nsh" p1 dropped.no_rule) - n))
rule_add "$nsh" inst egress udp port 67 to 0.0.0.0/0 >/dev/null
assert eth_send "$ns1" eth0 bcast dhcp
wait_until 15 got_is d67 0.0.0.0 1
assert eth_send "$ns1" eth0 bcast arp 1 0.0.0.0 10.0.0.1
assert eth_send "$ns1" eth0 mcast ns :: ff02::1:ff00:1 fd00::1
wait_until 15 sniffed_is 'arp op 1 sender 0.0.0.0 target 10.0.0.1' 1
wait_until 15 sniffed_is 'ip6 :: > ff02::1:ff00:1 icmp6 135 target fd00::1' 1
assert_eq "packets counted spoofed" 6 $(($(spoofed) - s0))

# router_forge: what only a router or a DHCP server sends, and a
# fragmented advertisement (of its own address).
router_forge() {
	assert eth_send "$ns1" eth0 mcast ra "$ll1" ff02::1
	assert eth_send "$ns1" eth0 "$brmac" redirect "$ll1" fd00::fe \
		"$ll1" fd00::3
	assert eth_send "$ns1" eth0 bcast udp 10.0.0.1 67 255.255.255.255 68
	assert eth_send "$ns1" eth0 bcast udp 10.0.0.1 12345 \
		255.255.255.255 68
	assert eth_send "$ns1" eth0 mcast ndfrag fd00::1 ff02::1 fd00::1
}

log "what only a router or a DHCP server sends is refused"
s1=$(spoofed)
router_forge
sleep 1
assert_eq "packets counted spoofed" 5 $(($(spoofed) - s1))
assert_eq "RAs, redirects, DHCP offers, ND fragments on the bridge" \
	"0 0 0 0 0" \
	"$(sniffed 'icmp6 134') $(sniffed 'icmp6 137') $(sniffed 'udp 67 > 68') $(sniffed 'udp 12345 > 68') $(sniffed 'frag id 23130 .*icmp6 136')"

# fdb_dev MAC: the bridge port the bridge has MAC on.
fdb_dev() {
	nh bridge fdb show br br0 |
		awk -v m="$1" '$1 == m && $2 == "dev" { print $3; exit }'
}
fdb_is() { [ "$(fdb_dev "$1")" = "$2" ]; }
# forge_mac N: what instance 1 sends with its addresses but instance 3's
# MAC (N tells them apart: udp source port 40N0, ARP target 10.0.0.2N0,
# advertisement target fe80::5a:N0, solicitation target fe80::5a:N1).
forge_mac() {
	assert eth_send "$ns1" eth0 "$brmac" smac "$mac3" \
		udp 10.0.0.1 "40${1}0" 10.0.0.254 9
	assert eth_send "$ns1" eth0 bcast lladdr "$mac3" \
		arp 2 10.0.0.1 "10.0.0.2${1}0"
	assert eth_send "$ns1" eth0 mcast lladdr "$mac3" \
		na "$ll1" ff02::1 "fe80::5a:${1}0"
	assert eth_send "$ns1" eth0 mcast lladdr "$mac3" \
		ns "$ll1" ff02::1 "fe80::5a:${1}1"
}
# mac_sniffed N: how many of forge_mac N's reached the bridge.
mac_sniffed() {
	echo $(($(sniffed "udp 40${1}0 > 9") +
		$(sniffed "arp op 2 sender 10.0.0.1 target 10.0.0.2${1}0\$") +
		$(sniffed "icmp6 136 target fe80::5a:${1}0\$") +
		$(sniffed "icmp6 135 target fe80::5a:${1}1\$")))
}
mac_sniffed_is() { [ "$(mac_sniffed "$1")" = "$2" ]; }

log "mac: a frame from another MAC, or naming another, is spoofed"
wait_until 15 fdb_is "$mac3" p3
out=$(sgt "$nsh" iface set p2 mac "$mac2" 2>&1) &&
	fail "mac on an endpoint: $out"
assert_match "mac on an endpoint" "settings of port mode" "$out"
assert sgt "$nsh" iface set p1 mac "$mac1"
assert_eq "p1 mac" "$mac1" "$(sgj "$nsh" iface show p1 | jpy 'j[0]["mac"]')"
s0=$(spoofed)
forge_mac 1
sleep 1
assert_eq "packets counted spoofed" 4 $(($(spoofed) - s0))
assert_eq "forged frames on the bridge" 0 "$(mac_sniffed 1)"
assert_eq "the bridge's port for instance 3's MAC" p3 "$(fdb_dev "$mac3")"
# The same from its own MAC (the advertisement for its own link-local
# address: with its MAC set, fe80::5a:20 is not one of its).
own=$(sniffed "icmp6 136 target $ll1\$")
assert eth_send "$ns1" eth0 "$brmac" udp 10.0.0.1 4020 10.0.0.254 9
assert eth_send "$ns1" eth0 bcast arp 2 10.0.0.1 10.0.0.220
assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 "$ll1"
assert eth_send "$ns1" eth0 mcast ns "$ll1" ff02::1 fe80::5a:21
wait_until 15 mac_sniffed_is 2 3
wait_until 15 sniffed_is "icmp6 136 target $ll1\$" $((own + 1))
assert_eq "packets counted spoofed" 4 $(($(spoofed) - s0))

log "mac: its link-local addresses are its MAC's and those listed"
s0=$(spoofed)
assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 fe80::1
assert eth_send "$ns1" eth0 mcast ns fe80::1 ff02::1 fe80::5a:41
assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 fe80::5a:42
sleep 1
assert_eq "packets counted spoofed" 3 $(($(spoofed) - s0))
assert_eq "claims of fe80::1 on the bridge" "0 0 0" \
	"$(sniffed 'icmp6 136 target fe80::1$') $(sniffed 'ip6 fe80::1 > ff02::1 icmp6 135') $(sniffed 'icmp6 136 target fe80::5a:42$')"
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1 fe80::1
assert_eq "p1 mac, still" "$mac1" \
	"$(sgj "$nsh" iface show p1 | jpy 'j[0]["mac"]')"
assert eth_send "$ns1" eth0 mcast na "$ll1" ff02::1 fe80::1
assert eth_send "$ns1" eth0 mcast ns fe80::1 ff02::1 fe80::5a:41
wait_until 15 sniffed_is 'icmp6 136 target fe80::1$' 1
wait_until 15 sniffed_is 'ip6 fe80::1 > ff02::1 icmp6 135' 1
assert_eq "packets counted spoofed" 3 $(($(spoofed) - s0))
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1

log "mode endpoint forgets the mac; mac none checks no MAC"
assert sgt "$nsh" iface set p1 mode endpoint
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert_eq "p1 mac" None "$(sgj "$nsh" iface show p1 | jpy 'str(j[0]["mac"])')"
assert sgt "$nsh" iface set p1 mac "$mac1"
assert sgt "$nsh" iface set p1 mac none
assert_eq "p1 mac" None "$(sgj "$nsh" iface show p1 | jpy 'str(j[0]["mac"])')"
s0=$(spoofed)
forge_mac 3
wait_until 15 mac_sniffed_is 3 4
assert_eq "packets counted spoofed" 0 $(($(spoofed) - s0))
# Instance 3 takes its MAC back, had the bridge learnt it on p1.
assert eth_send "$ns3" eth0 bcast arp 1 10.0.0.3 10.0.0.254
wait_until 15 fdb_is "$mac3" p3

log "source check off: the same packets go to the rules"
assert sgt "$nsh" iface set p1 mode port source-check off
assert_eq "p1 mode, source check, addresses" \
	'["port", false, ["10.0.0.1", "fd00::1"]]' \
	"$(sgj "$nsh" iface show p1 | jpy '[j[0]["mode"], j[0]["source_check"],
		sorted(a.split("/")[0] for a in j[0]["addresses"])]')"
s0=$(spoofed)
n=$(dev_counter "$nsh" p1 dropped.no_rule)
i=$(dev_counter "$nsh" p1 dropped.invalid)
forge
assert eth_send "$ns1" eth0 "$brmac" vlan 5 udp 10.0.0.1 4003 10.0.0.254 9
wait_until 15 got_is h9 ::ffff:10.0.0.3 1
wait_until 15 got_is h9 fd00::3 1
wait_until 15 neigh_is "$ns2" eth0 10.0.0.3 "$mac1"
wait_until 15 neigh_is "$ns2" eth0 fd00::3 "$mac1"
wait_until 15 neigh_is "$nsh" br0 10.0.0.3 "$mac1"
assert_eq "forged datagrams to port 10 at the host" 0 \
	"$(got h10 ::ffff:10.0.0.3)"
assert_eq "dropped for want of a rule" 1 \
	$(($(dev_counter "$nsh" p1 dropped.no_rule) - n))
assert_eq "tagged frames of instance 1 on the bridge" 0 \
	"$(sniffed 'ip4 10.0.0.1 > 10.0.0.254 proto 17 .* udp 4003 > 9')"
assert_eq "dropped as invalid" 1 \
	$(($(dev_counter "$nsh" p1 dropped.invalid) - i))
# A router advertisement and the fragmented advertisement pass as
# neighbour discovery; a redirect and DHCP offers have no rule.
n=$(dev_counter "$nsh" p1 dropped.no_rule)
router_forge
wait_until 15 sniffed_is 'icmp6 134' 1
wait_until 15 sniffed_is 'frag id 23130 .*icmp6 136' 1
sleep 0.5
assert_eq "redirects and DHCP offers on the bridge" "0 0 0" \
	"$(sniffed 'icmp6 137') $(sniffed 'udp 67 > 68') $(sniffed 'udp 12345 > 68')"
assert_eq "dropped for want of a rule" 3 \
	$(($(dev_counter "$nsh" p1 dropped.no_rule) - n))
assert_eq "packets counted spoofed" 0 $(($(spoofed) - s0))

log "a flow counts on its side only: its opener's tuple forged into the port is judged by the rules"
for x in "10.0.0.1 10.0.0.254" "fd00::1 fd00::fe"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	# Instance 1 opens a flow to the host's udp/9 (its group allows it).
	assert eth_send "$ns1" eth0 "$brmac" udp "$1" 41000 "$2" 9
	sleep 0.5
	flow_check "$nsh" 1 "f['sport'] == 41000 and f['src'] == '$1'" \
		"f['direction'] == 'egress'"
	# The host's answer goes in as the flow's reply.
	n=$(dev_counter "$nsh" p1 dropped.no_rule)
	assert eth_send "$nsh" br0 "$mac1" udp "$2" 9 "$1" 41000
	sleep 0.5
	assert_eq "[$1] the reply dropped for want of a rule" 0 \
		$(($(dev_counter "$nsh" p1 dropped.no_rule) - n))
	# The opener's tuple, sent into the instance: not of the flow, and
	# no rule lets anything in.
	assert eth_send "$nsh" br0 "$mac1" udp "$1" 41000 "$2" 9
	sleep 0.5
	assert_eq "[$1] dropped for want of a rule" 1 \
		$(($(dev_counter "$nsh" p1 dropped.no_rule) - n))
done
