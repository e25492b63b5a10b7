#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device that loses its last group loses its flows: all of them, also
# those that packets which found its old ruleset were still recording (on
# the debug kernel, module/debug.h holds each such packet 20 ms between
# its rule and its flow, so that many stand there when the group goes).
# Afterwards the device has no flow, and none turns up later.  The same
# for a device that goes away while it has a group.
#
#   +---------------------+          +-----------------------------+
#   | $ns1                |   veth   | $ns2  group "all" on veth2  |
#   | veth1 192.0.2.1 ---------------------- veth2: every flow      |
#   |                     |          |       tracked; it sends new |
#   +---------------------+          |       flows from a process  |
#                                    +-----------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

if sgfw_debug_build; then
	echo 20000 >/sys/module/sgfw/parameters/debug_delay_us
	at_exit 'echo 0 >/sys/module/sgfw/parameters/debug_delay_us'
fi
assert sgt "$srv" sg add all
rule_add "$srv" all ingress all from 0.0.0.0/0 >/dev/null
assert sgt "$srv" iface set veth2 tracking always

# Flows of veth2 in the server's table.
dev_flows() { sgj "$srv" flow show | jpy "len([f for f in j if f['device'] == '${1:-veth2}'])"; }

for round in 1 2 3; do
	log "round $round: new flows leave veth2 from processes, then the group goes"
	assert sgt "$srv" iface attach veth2 all
	for i in 1 2 3 4; do
		(udp_flood "$srv" 192.0.2.2 192.0.2.1 9 $((round * 1000 + i * 100)) 100) \
			>/dev/null 2>&1 &
		_sgfw_pids+=("$!")
	done
	sleep 0.5
	assert sgt "$srv" iface detach veth2
	# A flow recorded after the flush would show up here.
	for i in 1 2 3 4 5; do
		assert_eq "veth2 flows after detach ($i)" 0 "$(dev_flows)"
		sleep 0.2
	done
	wait
done

log "a device that goes away with its group"
nsx "$srv" ip link add d0 type dummy
nsx "$srv" ip link set d0 up
nsx "$srv" ip addr add 10.99.0.1/24 dev d0
assert sgt "$srv" iface set d0 tracking always
assert sgt "$srv" iface attach d0 all
for i in 1 2 3 4; do
	(udp_flood "$srv" 10.99.0.1 10.99.0.2 9 $((i * 100)) 100) >/dev/null 2>&1 &
done
sleep 0.5
nsx "$srv" ip link del d0
wait
sleep 1
assert_eq "flows left in the namespace" 0 "$(sgj "$srv" status | jpy 'j["flows"]')"
