#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sgfw keeps per-namespace state: namespaces created and destroyed while it
# is loaded, namespaces that outlive an rmmod, and namespaces that exist
# before an insmod must all be handled without leaks or splats (the harness
# checks the kernel log after every scenario).  Leaves sgfw loaded.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

# A pair of namespaces joined by a veth, with one ping through it so the
# module's hooks (if any are registered) see packets.
pair_up() { # nsA nsB subnet-octet
	ns_add "$1" "$2"
	veth_add "$1" v0 "$2" v1
	addr_add "$1" v0 "10.$3.0.1/24" "fd00:$3::1/64"
	addr_add "$2" v1 "10.$3.0.2/24" "fd00:$3::2/64"
	assert ping_ok "$1" "10.$3.0.2"
	assert ping_ok "$1" "fd00:$3::2"
}

module_state() {
	if [ -d /sys/module/sgfw ]; then
		cat /sys/module/sgfw/initstate
	else
		echo absent
	fi
}

in_lsmod() { lsmod | awk '$1 == "sgfw" { found = 1 } END { exit !found }'; }

assert_eq "sgfw at start" live "$(module_state)"
assert in_lsmod

log "namespaces come and go while sgfw is loaded"
for round in 1 2 3; do
	pair_up "$ns1-r$round-a" "$ns1-r$round-b" 1
	pair_up "$ns1-r$round-c" "$ns1-r$round-d" 2
	ns_del "$ns1-r$round-a" "$ns1-r$round-b" "$ns1-r$round-c" \
		"$ns1-r$round-d"
done
assert_eq "sgfw users" 0 "$(cat /sys/module/sgfw/refcnt)"

log "rmmod while namespaces exist"
pair_up "$ns1" "$ns2" 3
assert rmmod sgfw
assert_eq "sgfw after rmmod" absent "$(module_state)"
assert_fails in_lsmod
# The namespaces outlive the module and still carry traffic.
assert ping_ok "$ns1" 10.3.0.2
assert ping_ok "$ns1" fd00:3::2

log "insmod with namespaces already there"
assert insmod "$SGFW_KO"
assert_eq "sgfw after insmod" live "$(module_state)"
assert in_lsmod
assert_eq "version" "$(modinfo -F version "$SGFW_KO")" \
	"$(cat /sys/module/sgfw/version)"
assert ping_ok "$ns1" 10.3.0.2
assert ping_ok "$ns2" fd00:3::1
# The namespaces that existed before the insmod answer the status request.
if [ -x "$SGTOOL" ]; then
	assert "$SGTOOL" -n "$ns1" status
	assert "$SGTOOL" -n "$ns2" status
fi

log "more namespaces after the reload"
pair_up "$ns3-a" "$ns3-b" 4
ns_del "$ns3-a" "$ns3-b"

log "namespaces deleted just before rmmod, then insmod again"
# Namespace teardown runs from a workqueue after "ip netns del" returns,
# so the rmmod below races with it.
for round in 1 2 3; do
	pair_up "$ns3-c$round" "$ns3-d$round" 5
	ns_del "$ns3-c$round" "$ns3-d$round"
	assert rmmod sgfw
	assert insmod "$SGFW_KO"
done

ns_del "$ns1" "$ns2"
assert_eq "sgfw at end" live "$(module_state)"
assert_eq "sgfw users" 0 "$(cat /sys/module/sgfw/refcnt)"
