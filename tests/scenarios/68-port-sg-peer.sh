#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A group peer in port mode: "from sg app" stands for the addresses listed
# on the port-mode devices that have the group "app" (the addresses of the
# instances behind them), in the host's namespace.  Instance 1 lets in
# tcp/22 from sg app; app is on p2:
#
#  - p2 lists 10.0.0.2 and fd00::2: instance 2 gets in; instance 3 (whose
#    port has another group) and the host itself do not;
#  - p2 lists nothing: instance 2 does not get in any more;
#  - p2 lists 10.0.0.2/31 and fd00::2/127: instances 2 and 3 get in (a
#    CIDR stands for all its addresses), the host still does not;
#  - p2 lists 10.0.0.2 and fd00::2 again: instance 3 is refused again;
#  - app attached to p3 too: instance 3 gets in by its own port's list.
#
# p2's source check is off, so that what p2 lists changes nothing but who
# p1 lets in (instance 2's packets leave p2 whatever the list says).
#
#   +------------------------------ $nsh -------------------------------+
#   |                br0  10.0.0.254/24  fd00::fe/64                     |
#   |          p1 "web"         p2 "app"              p3 "other"         |
#   |          mode port        mode port             mode port          |
#   |          10.0.0.1         (list changing)       10.0.0.3           |
#   |          fd00::1          source-check off      fd00::3            |
#   +----------|----------------|---------------------|-----------------+
#   $ns1 eth0 10.0.0.1     $ns2 eth0 10.0.0.2     $ns3 eth0 10.0.0.3
#             fd00::1  server       fd00::2                fd00::3
#
#   group "web": in tcp/22 from sg app; out nothing
#   groups "app", "other": the defaults (out everything)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_port_bridge
tcp_server "$ns1" :: 22

assert sgt "$nsh" sg add app
assert sgt "$nsh" sg add other
assert sgt "$nsh" sg add web
rule_add "$nsh" web ingress tcp port 22 from sg app >/dev/null
sg_egress_clear "$nsh" web
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert sgt "$nsh" iface attach p1 web
assert sgt "$nsh" iface set p2 mode port address 10.0.0.2 fd00::2 \
	source-check off
assert sgt "$nsh" iface attach p2 app
assert sgt "$nsh" iface set p3 mode port address 10.0.0.3 fd00::3
assert sgt "$nsh" iface attach p3 other

# reach NS ADDR... yes|no: NS can (cannot) open tcp/22 connections to each
# of instance 1's addresses.  Admitted: within 5 s (the peer's addresses
# may be resolved a moment after a change).
connects() { tcp_connect "$1" "$2" 22; }
reach() {
	local a
	for a in 10.0.0.1 fd00::1; do
		if [ "$2" = yes ]; then
			wait_until 10 connects "$1" "$a"
		else
			assert_fails connects "$1" "$a"
		fi
	done
}
# list ADDR...: p2's addresses.
list() {
	assert sgt "$nsh" iface set p2 mode port address "$@"
	# A refusal checked right after must not see the old list.
	sleep 1
}
served() { server_log tcp "$ns1" 22 | grep -c "from $1 " || true; }

log "p2 lists instance 2's addresses: instance 2 in, instance 3 and the host not"
reach "$ns2" yes
reach "$ns3" no
reach "$nsh" no
assert_eq "p2's addresses" '["10.0.0.2", "fd00::2"]' \
	"$(sgj "$nsh" iface show p2 | jpy 'sorted(a.split("/")[0] for a in j[0]["addresses"])')"
assert_eq "connections from instance 3 and the host" "0 0 0 0" \
	"$(served ::ffff:10.0.0.3) $(served fd00::3) $(served ::ffff:10.0.0.254) $(served fd00::fe)"

log "p2 lists nothing: instance 2 not in"
list none
assert_eq "p2's addresses" '[]' \
	"$(sgj "$nsh" iface show p2 | jpy 'j[0].get("addresses", [])')"
n=$(dev_counter "$nsh" p1 dropped.no_rule)
reach "$ns2" no
[ "$(dev_counter "$nsh" p1 dropped.no_rule)" -gt "$n" ] ||
	fail "p1 did not drop instance 2's connections"
assert_eq "p2 dropped" 0 "$(dev_counter "$nsh" p2 dropped)"

log "p2 lists 10.0.0.2/31 and fd00::2/127: instances 2 and 3 in, the host not"
list 10.0.0.2/31 fd00::2/127
reach "$ns2" yes
reach "$ns3" yes
reach "$nsh" no

log "p2 lists instance 2's addresses again: instance 3 not in"
list 10.0.0.2 fd00::2
reach "$ns3" no
reach "$ns2" yes

log "app on p3 too: instance 3 in by p3's own list"
assert sgt "$nsh" iface attach p3 app
reach "$ns3" yes
reach "$nsh" no
assert_eq "connections from the host" "0 0" \
	"$(served ::ffff:10.0.0.254) $(served fd00::fe)"
