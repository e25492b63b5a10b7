#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What sgfw allocates for a namespace is charged to a memory cgroup: its
# configuration to the task that asks for it, its flows to the task that
# first configured it.  So a cgroup's limit bounds what a container can
# make the host hold: configuration grows its kernel memory, and once its
# limit is reached new flows are refused for want of memory, counted,
# while the host's own namespace is not concerned.
#
#   +---------------------+          +-----------------------------+
#   | $ns1                |   veth   | $ns2  configured from the   |
#   | veth1 192.0.2.1 ---------------------- veth2  cgroup "flows",    |
#   | floods new flows    |          |       memory.max small      |
#   +---------------------+          +-----------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

cg=$SGFW_TMP/cgroup
mkdir -p "$cg"
mount -t cgroup2 none "$cg" || fail "cannot mount cgroup2"
at_exit "umount '$cg'"
grep -qw memory "$cg/cgroup.controllers" || fail "no memory controller"
echo +memory >"$cg/cgroup.subtree_control"
mkdir "$cg/cfg" "$cg/flows"
at_exit "rmdir '$cg/cfg' '$cg/flows' 2>/dev/null"

# in_cg NAME CMD...: CMD in cgroup NAME.
in_cg() {
	local name=$1
	shift
	bash -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ \
		"$cg/$name" "$@"
}
kernel_mem() { awk '$1 == "kernel" { print $2 }' "$cg/$1/memory.stat"; }

log "configuration is charged to the cgroup of the task that makes it"
before=$(kernel_mem cfg)
entries=$(for i in $(seq 0 999); do echo "10.$((i / 250)).$((i % 250)).0/24"; done)
for i in $(seq 10); do
	in_cg cfg "$SGTOOL" -n "$srv" prefix-list add "p$i" max-entries 1000 ||
		fail "prefix-list add p$i"
	# shellcheck disable=SC2086 # one argument per prefix
	in_cg cfg "$SGTOOL" -n "$srv" prefix-list entry add "p$i" $entries ||
		fail "prefix-list entry add p$i"
done
after=$(kernel_mem cfg)
log "kernel memory of cfg: $before -> $after"
# 10000 entries of 20 bytes at least.
[ $((after - before)) -ge 200000 ] ||
	fail "cfg was charged $((after - before)) bytes for 10000 entries"

log "flows are charged to the cgroup that configured the namespace"
in_cg flows "$SGTOOL" -n "$srv" sg add web || fail "sg add"
in_cg flows "$SGTOOL" -n "$srv" rule add web ingress udp port 7000 from 0.0.0.0/0 ||
	fail "rule add"
in_cg flows "$SGTOOL" -n "$srv" iface set veth2 tracking always || fail "iface set"
in_cg flows "$SGTOOL" -n "$srv" iface attach veth2 web || fail "iface attach"
# Room for a few hundred flows more than it holds now.
echo $(($(cat "$cg/flows/memory.current") + 96 * 1024)) >"$cg/flows/memory.max"
assert udp_flood "$cli" 192.0.2.1 192.0.2.2 7000 0 20000
sgt "$srv" status
nomem=$(sgj "$srv" status | jpy 'j["no_memory"]')
flows=$(sgj "$srv" status | jpy 'j["flows"]')
log "$flows flows, $nomem refused for want of memory"
[ "$nomem" -gt 0 ] || fail "no flow was refused within the cgroup's limit"
[ "$flows" -lt 20000 ] || fail "all $flows flows fit in the cgroup's limit"
[ "$(cat "$cg/flows/memory.current")" -le "$(cat "$cg/flows/memory.max")" ] ||
	fail "the cgroup is past its limit"

log "the host's namespace is not concerned"
# (The flood leaves $srv untracked: its egress would open flows there.)
assert sgt "$srv" iface detach veth2
assert sgt "$cli" sg add web
rule_add "$cli" web ingress udp port 7000 from 0.0.0.0/0 >/dev/null
assert sgt "$cli" iface set veth1 tracking always
assert sgt "$cli" iface attach veth1 web
assert udp_flood "$srv" 192.0.2.2 192.0.2.1 7000 0 2000
assert_eq "flows of the other namespace" 2000 \
	"$(sgj "$cli" status | jpy 'j["flows"]')"
assert_eq "refused there" 0 "$(sgj "$cli" status | jpy 'j["no_memory"]')"
