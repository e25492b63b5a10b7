#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What sgfw allocates for a namespace is charged to a memory cgroup: its
# configuration to the task that asks for it, its flows to the task that
# first configured it.  So a cgroup's limit bounds what a container can
# make the host hold: configuration grows its kernel memory, and once its
# limit is reached new flows are refused for want of memory, counted,
# while the host's own namespace is not concerned.  The rulesets that a
# worker builds again when a device's addresses change (its group is a
# rule's peer) are charged to the namespace's cgroup too, not to the
# root's: the cgroup keeps paying for them.
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

log "rulesets rebuilt by a worker are charged to the namespace's cgroup"
nsr=sgfw-rb-$$
ns_add "$nsr"
nsx "$nsr" ip link add d0 type dummy
nsx "$nsr" ip link set d0 up
mkdir "$cg/rebuild"
at_exit "rmdir '$cg/rebuild' 2>/dev/null"
# 15 groups of 60 IPv4 rules on d0, the first of g00 from the group itself:
# d0's addresses stand for it.
python3 -S - "$SGFW_TMP/rb.json" "$SGFW_TMP/rb-dev.json" <<'EOF'
import json, sys
sgs = []
for g in range(15):
    rules = [{"direction": "ingress", "protocol": "tcp",
              "port_from": 1000 + 60 * g + r, "port_to": 1000 + 60 * g + r,
              "peer": "sg g00" if g == 0 and r == 0 else
                      "10.%d.%d.0/24" % (g, r)} for r in range(60)]
    sgs.append({"name": "g%02d" % g, "rules": rules})
doc = {"security_groups": sgs}
json.dump(doc, open(sys.argv[1], "w"))
doc["interfaces"] = [{"name": "d0",
                      "security_groups": [s["name"] for s in sgs]}]
json.dump(doc, open(sys.argv[2], "w"))
EOF
in_cg rebuild "$SGTOOL" -n "$nsr" apply "$SGFW_TMP/rb.json" || fail "apply"
sleep 1
k1=$(kernel_mem rebuild)
in_cg rebuild "$SGTOOL" -n "$nsr" apply "$SGFW_TMP/rb-dev.json" ||
	fail "apply with d0"
sleep 1
k2=$(kernel_mem rebuild)
rs=$((k2 - k1))
log "d0's ruleset and settings: $rs bytes of kernel memory"
[ "$rs" -ge 20000 ] || fail "d0's 900 rules were charged $rs bytes"
# explained D0PORT: the verdict on tcp from 10.99.0.1 to d0's port.
explained() {
	sgj "$nsr" explain d0 ingress tcp 10.99.0.1:40000 "10.99.0.2:$1" |
		jpy 'j["verdict"]'
}
explained_is() { [ "$(explained "$1")" = "$2" ]; }
assert_eq "from 10.99.0.1, before it is d0's" no-rule "$(explained 1000)"
# From a task outside the cgroup: the worker builds, not this command.
nsx "$nsr" ip addr add 10.99.0.1/32 dev d0
wait_until 10 explained_is 1000 accept
assert_eq "port 1001, from 10.0.1.0/24 only" no-rule "$(explained 1001)"
sleep 1
k3=$(kernel_mem rebuild)
log "kernel memory of rebuild: $k2 -> $k3 after the worker's rebuild"
[ $((k3 - k2)) -gt $((-rs / 2)) ] ||
	fail "the cgroup lost $((k2 - k3)) of d0's $rs bytes: the rebuild charged another"
