#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fragments in port mode, where nothing reassembles them before sgfw: the
# first fragment carries the ports and decides for the whole datagram.
# With MTU 1500, a 4000-byte UDP datagram is 3 fragments (IPv4 and IPv6):
#
#  - to udp/5000, which a rule allows, all 3 fragments reach instance 1
#    (a packet socket on its eth0 sees them) and the datagram arrives
#    whole, from the neighbour across the bridge and from the host;
#  - to udp/5001, which no rule allows, none of its fragments reaches
#    instance 1: p1 drops the first (no rule) and the 2 others (invalid);
#  - a later fragment alone, whose first fragment never came, is dropped
#    as invalid, to the instance and from it;
#  - the table of datagrams in progress ("frags" in status) is empty again
#    once they are complete, and it was never full;
#  - instance 2 (p2 in port mode too) sends the first fragments of 4200
#    datagrams that never end, more than the table holds: it fills only
#    its own share (256: a device's side), the host's datagrams still
#    reach instance 1, and its own then do not.
#
#   +------------------------------ $nsh -------------------------------+
#   |   br0 10.0.0.254/24 fd00::fe/64   (a sniffer on br0)              |
#   |          p1 "inst", mode port       p2            p3              |
#   +----------|--------------------------|-----------------------------+
#   $ns1 eth0 10.0.0.1, fd00::1         $ns2 eth0 10.0.0.2, fd00::2
#        listeners udp 5000, 5001            sender of 4000-byte datagrams
#        a sniffer on eth0
#
#   group "inst": in udp/5000 from 10.0.0.0/24 and fd00::/64; out nothing
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_port_bridge
mac1=$(mac_of "$ns1" eth0)
brmac=$(mac_of "$nsh" br0)
assert_eq "MTU of the instances" "1500 1500" \
	"$(nsx "$ns1" cat /sys/class/net/eth0/mtu) $(nsx "$ns2" cat /sys/class/net/eth0/mtu)"

assert sgt "$nsh" sg add inst
sg_egress_clear "$nsh" inst
rule_add "$nsh" inst ingress udp port 5000 from 10.0.0.0/24 >/dev/null
rule_add "$nsh" inst ingress udp port 5000 from fd00::/64 >/dev/null
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert sgt "$nsh" iface attach p1 inst

udp_listen u5000 "$ns1" :: 5000
udp_listen u5001 "$ns1" :: 5001
sniff s1 "$ns1" eth0
sniff sbr "$nsh" br0

# whole NAME FROM: datagrams of 4000 bytes that listener NAME had from FROM.
whole() {
	bg_log "$1" | grep -E -c "^udp from $2 port [0-9]+: x{4000}\$" || true
}
whole_is() { [ "$(whole "$1" "$2")" = "$3" ]; }
# frags NAME SRC DST: fragments (first or later) from SRC to DST that
# sniffer NAME saw.
frags() {
	bg_log "$1" | grep -E -c "^ip[46] $2 > $3 (proto 17 id [0-9]+ off [0-9]+ mf 1|proto 17 id [0-9]+ off [1-9]|frag )" || true
}
frags_is() { [ "$(frags "$1" "$2" "$3")" = "$4" ]; }
counter() { dev_counter "$nsh" p1 "$1"; }
status_frags() { sgj "$nsh" status | jpy 'j["frags"]'; }
no_frags() { [ "$(status_frags)" = 0 ]; }

for x in "10.0.0.2 10.0.0.1 ::ffff:10.0.0.2" "fd00::2 fd00::1 fd00::2"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	log "[$1] -> [$2]:5000, 4000 bytes: 3 fragments, the datagram whole"
	n=$(frags s1 "$1" "$2")
	assert udp_send "$ns2" "$2" 5000 4000
	wait_until 5 whole_is u5000 "$3" 1
	wait_until 5 frags_is s1 "$1" "$2" $((n + 3))

	log "[$1] -> [$2]:5001: not one fragment"
	d=$(counter dropped) r=$(counter dropped.no_rule) i=$(counter dropped.invalid)
	assert udp_send "$ns2" "$2" 5001 4000
	sleep 1
	assert_eq "datagrams at udp/5001" 0 "$(bg_log u5001 | grep -c . || true)"
	assert_eq "fragments that reached instance 1" $((n + 3)) "$(frags s1 "$1" "$2")"
	assert_eq "dropped (total no_rule invalid)" "3 1 2" \
		"$(($(counter dropped) - d)) $(($(counter dropped.no_rule) - r)) $(($(counter dropped.invalid) - i))"
done

log "from the host itself, both families"
assert udp_send "$nsh" 10.0.0.1 5000 4000
assert udp_send "$nsh" fd00::1 5000 4000
wait_until 5 whole_is u5000 ::ffff:10.0.0.254 1
wait_until 5 whole_is u5000 fd00::fe 1
wait_until 10 no_frags

log "later fragments alone are dropped, both ways"
i=$(counter dropped.invalid)
seen="$(frags s1 10.0.0.254 10.0.0.1) $(frags s1 fd00::fe fd00::1)"
assert eth_send "$nsh" br0 "$mac1" frag 10.0.0.254 10.0.0.1 1480
assert eth_send "$nsh" br0 "$mac1" frag fd00::fe fd00::1 1448
assert eth_send "$ns1" eth0 "$brmac" frag 10.0.0.1 10.0.0.254 1480
assert eth_send "$ns1" eth0 "$brmac" frag fd00::1 fd00::fe 1448
sleep 1
assert_eq "dropped as invalid" 4 $(($(counter dropped.invalid) - i))
assert_eq "fragments at instance 1 (v4 v6), as before" "$seen" \
	"$(frags s1 10.0.0.254 10.0.0.1) $(frags s1 fd00::fe fd00::1)"
assert_eq "lone fragments at the host (v4 v6)" "0 0" \
	"$(frags sbr 10.0.0.1 10.0.0.254) $(frags sbr fd00::1 fd00::fe)"

log "no datagram left in progress, the table never full"
wait_until 10 no_frags
assert_eq "frags_full" 0 "$(sgj "$nsh" status | jpy 'j["frags_full"]')"

log "instance 2 floods first fragments: it fills its own share, not the table"
assert sgt "$nsh" sg add inst2
assert sgt "$nsh" iface set p2 mode port address 10.0.0.2 fd00::2
assert sgt "$nsh" iface attach p2 inst2
t=$(dev_counter "$nsh" p2 dropped.table_full)
# To udp/5001 of instance 1, which p1 refuses: only p2 remembers them.
# Together more than the whole table holds.
assert eth_send "$ns2" eth0 "$mac1" firsts 10.0.0.2 10.0.0.1 5001 2100
assert eth_send "$ns2" eth0 "$mac1" firsts fd00::2 fd00::1 5001 2100
share=256
assert_eq "datagrams remembered: instance 2's share" $share "$(status_frags)"
assert_eq "frags_full" $((4200 - share)) \
	"$(sgj "$nsh" status | jpy 'j["frags_full"]')"
assert_eq "refused at p2 (table_full)" $((4200 - share)) \
	$(($(dev_counter "$nsh" p2 dropped.table_full) - t))
log "the host's datagrams still reach instance 1, both families"
assert udp_send "$nsh" 10.0.0.1 5000 4000
assert udp_send "$nsh" fd00::1 5000 4000
wait_until 5 whole_is u5000 ::ffff:10.0.0.254 2
wait_until 5 whole_is u5000 fd00::fe 2
log "instance 2's own, past its share, do not"
assert udp_send "$ns2" 10.0.0.1 5000 4000
sleep 1
assert_eq "datagrams from instance 2" 1 "$(whole u5000 ::ffff:10.0.0.2)"
assert_eq "datagrams remembered" $share "$(status_frags)"
