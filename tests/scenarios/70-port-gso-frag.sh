#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A VM's tap hands the host a GSO frame that is a fragment.  The VM (a
# process writing to tap t4, in port mode with address 10.0.0.4) sends
# the first fragment of a datagram to udp/5000 of instance 1, which a rule
# allows, with a wrong IP checksum, then a later fragment of the same
# datagram (offset 24) that asks for UDP fragmentation offload and begins
# with a UDP header to udp/5001, which no rule allows.  Segmentation after
# the hooks (p1 is a veth: no UFO) would number its pieces from offset 0:
# instance 1 would drop the first fragment for its checksum and put the
# pieces together as a datagram to udp/5001 that no rule judged.
#
#  - the first fragment reaches instance 1 (a sniffer on its eth0 sees it:
#    the tap's frames do get through), and nothing else does;
#  - t4 drops the GSO fragment as invalid; instance 1's udp/5001 has no
#    datagram.
#
#   +------------------------------ $nsh -------------------------------+
#   |   br0 10.0.0.254/24 fd00::fe/64                                   |
#   |          p1 "inst", mode port     t4 "vm", mode port (a tap)      |
#   +----------|------------------------|-------------------------------+
#   $ns1 eth0 10.0.0.1                  the VM 10.0.0.4
#        listeners udp 5000, 5001
#        a sniffer on eth0
#
#   group "inst": in udp/5000 from 10.0.0.0/24; out nothing
#   group "vm": what a new group has (out everything)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_port_bridge
mac1=$(mac_of "$ns1" eth0)
# Debian's kernels have tun as a module, and nothing made its device node.
[ -e /dev/net/tun ] || modprobe tun || fail "no tun driver"
nh ip tuntap add dev t4 mode tap vnet_hdr
nh ip link set t4 master br0 up

assert sgt "$nsh" sg add inst
sg_egress_clear "$nsh" inst
rule_add "$nsh" inst ingress udp port 5000 from 10.0.0.0/24 >/dev/null
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1
assert sgt "$nsh" iface attach p1 inst
assert sgt "$nsh" sg add vm
assert sgt "$nsh" iface set t4 mode port address 10.0.0.4
assert sgt "$nsh" iface attach t4 vm

udp_listen u5000 "$ns1" :: 5000
udp_listen u5001 "$ns1" :: 5001
sniff s1 "$ns1" eth0

# frags: fragments (first or later) from the VM that instance 1 saw.
frags() {
	bg_log s1 | grep -E -c "^ip4 10\.0\.0\.4 > 10\.0\.0\.1 (proto 17 id [0-9]+ off [0-9]+ mf 1|proto 17 id [0-9]+ off [1-9])" || true
}
frags_seen() { [ "$(frags)" -gt 0 ]; }

i=$(dev_counter "$nsh" t4 dropped.invalid)
assert eth_send "$nsh" t4 "$mac1" ufo 10.0.0.4 10.0.0.1 5000 5001
wait_until 5 frags_seen
sleep 1
assert_eq "datagrams at udp/5001" 0 "$(bg_log u5001 | grep -c . || true)"
assert_eq "fragments at instance 1: the first one only" 1 "$(frags)"
assert_eq "datagrams at udp/5000" 0 "$(bg_log u5000 | grep -c . || true)"
assert_eq "dropped at t4 as invalid" 1 \
	$(($(dev_counter "$nsh" t4 dropped.invalid) - i))
