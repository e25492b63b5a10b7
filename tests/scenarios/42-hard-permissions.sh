#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Who may do what.  An unprivileged user is refused every command that
# reads or writes rules and flows, with the kernel's "Operation not
# permitted", and changes nothing; only the status and the version are
# open.  Root of a user namespace manages its own network namespace and
# nobody else's: it reaches no other namespace, sees nothing of theirs, and
# may not raise its flow limit past the module's ceiling or make more
# objects than a namespace may have.  Root of the host may.
#
#   +----------------------------------+      +-----------------------------+
#   | $ns1 (host root's namespace)     | veth | $ns2: group "web" on veth2, |
#   | veth1 192.0.2.1                  |------| a NACL, a prefix list       |
#   +----------------------------------+      | nobody (uid 65534) runs     |
#                                             | sgtool in it                |
#   a user namespace of nobody's, with a      +-----------------------------+
#   network namespace of its own and a dummy device
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
require_cmd setpriv unshare
topo_pair
srv=$ns2

assert sgt "$srv" sg add web
rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0 >/dev/null
assert sgt "$srv" sg member add web 192.0.2.9
assert sgt "$srv" prefix-list add office
assert sgt "$srv" prefix-list entry add office 10.0.0.0/8
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" iface attach veth2 web
assert sgt "$srv" iface nacl veth2 edge
tcp_server "$srv" 192.0.2.2 80
assert tcp_connect "$ns1" 192.0.2.2 80

# Everything sgtool can show of the namespace, as one text.
snapshot() {
	local ns=$1 o
	# A rule's last_hit is a time ago: it moves by itself.
	sgj "$ns" sg show | jpy '[{**g, "rules": [{k: v for k, v in r.items()
		if k != "last_hit"} for r in g["rules"]]} for g in j]' || return 1
	for o in prefix-list nacl iface; do
		sgj "$ns" "$o" show || return 1
	done
	sgj "$ns" status | jpy '{k: j[k] for k in ("flow_limit",)}'
}
before=$(snapshot "$srv")

# nobody NS ARGS...: sgtool as user nobody in NS.
nobody() {
	local ns=$1
	shift
	nsx "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		timeout 20 "$SGTOOL" "$@"
}

log "an unprivileged user is refused every read and write"
while read -r cmd; do
	# shellcheck disable=SC2086 # the command's words
	if out=$(nobody "$srv" $cmd 2>&1); then
		fail "nobody may run: sgtool $cmd: $out"
	fi
	assert_match "sgtool $cmd" 'Operation not permitted' "$out"
done <<'CMDS'
sg show
sg show web
prefix-list show
nacl show
iface show
flow show
stats
sg add evil
sg del web
rule add web ingress all from 0.0.0.0/0
rule del web 1
sg member add web 192.0.2.66
sg member del web 192.0.2.9
prefix-list add evil
prefix-list set office max-entries 30
prefix-list entry add office 0.0.0.0/0
prefix-list del office
iface attach veth2 web
iface detach veth2
iface set veth2 tracking always
iface nacl veth2 none
flow limit 1
nacl add evil
nacl rule add edge 1 ingress deny all from 0.0.0.0/0
nacl rule del edge 100 ingress
nacl del edge
iface set veth2 audit on
explain veth2 ingress tcp 192.0.2.1:40000 192.0.2.2:80
monitor
monitor drops
monitor flowlog interval 1
flow flush
CMDS
log "status and version are open"
assert nobody "$srv" status
assert nobody "$srv" version
assert_eq "the configuration" "$before" "$(snapshot "$srv")"
assert tcp_connect "$ns1" 192.0.2.2 80

log "root of a user namespace manages its own network namespace"
[ -e /proc/sys/kernel/unprivileged_userns_clone ] &&
	sysctl -qw kernel.unprivileged_userns_clone=1
cat >"$SGFW_TMP/userns.sh" <<USERNS
set -eu
sgtool() { "$SGTOOL" "\$@"; }
ip link add d0 type dummy
ip link set d0 up
sgtool sg add mine
sgtool rule add mine ingress tcp port 22 from 0.0.0.0/0
sgtool iface attach d0 mine
sgtool flow limit 1000
# Its own namespace's events: joined, heard until the time limit.
rc=0
timeout 2 "$SGTOOL" monitor >/dev/null 2>&1 || rc=\$?
[ "\$rc" = 124 ] || { echo "monitor of its own namespace: \$rc"; exit 1; }
[ "\$(sgtool -j status)" != "" ]
echo "ceiling \$(sgtool -j status | python3 -S -c 'import json,sys; print(json.load(sys.stdin)["flow_limit_ceiling"])')"
if out=\$(sgtool flow limit 70000 2>&1); then
	echo "raised past the ceiling"; exit 1
fi
echo "refused: \$out"
for i in \$(seq 100); do sgtool prefix-list add "p\$i"; done
if out=\$(sgtool prefix-list add p101 2>&1); then
	echo "a 101st prefix list"; exit 1
fi
echo "refused: \$out"
if out=\$(sgtool -n $srv sg show 2>&1); then
	echo "reached $srv"; exit 1
fi
echo "refused: \$out"
sgtool -j sg show
USERNS
# Read by this shell: the temporary directory is root's alone.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net bash -s <"$SGFW_TMP/userns.sh" 2>&1) ||
	fail "in the user namespace: $out"
echo "$out"
assert_match "the ceiling" '^ceiling 65536$' "$(echo "$out" | grep '^ceiling')"
assert_match "past the ceiling" \
	'above 65536 needs CAP_NET_ADMIN in init_user_ns$|above the ceiling needs CAP_NET_ADMIN in the initial user namespace$' \
	"$out"
assert_match "the 101st prefix list" 'at most 100 prefix lists' "$out"
assert_match "another namespace" 'Operation not permitted|cannot|denied' \
	"$(echo "$out" | grep '^refused: ' | tail -n1)"
# Its group is its own: nothing of it here, nothing of here there.
assert_match "its groups" '"name": ?"mine"' "$(echo "$out" | tail -n1)"
echo "$out" | tail -n1 | grep -q '"web"' && fail "the user namespace sees web"
assert_eq "groups here" '["web"]' \
	"$(sgj "$srv" sg show | jpy '[g["name"] for g in j]')"

log "root of the host may raise the limit past the ceiling"
assert sgt "$srv" flow limit 100000
assert_eq "flow limit" 100000 "$(sgj "$srv" status | jpy 'j["flow_limit"]')"
