#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every bad network ACL request is refused with a message that says what
# is wrong, and changes nothing: for each one, sgtool exits non-zero, its
# stderr names the problem, and "nacl show -j" and "iface show -j" read
# back exactly as before.  Rule numbers out of 1-32766 and numbers taken,
# rules with no CIDR (which sgtool's grammar lets through to the kernel),
# match fields that do not fit the protocol or the family, unknown NACLs
# and devices, a NACL still attached, a second NACL for a device, and the
# limit of 40 rules per direction per family.
#
#   $ns1: dum0 (a dummy device, down: no packet ever), NACL "a" attached
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1"
nsx "$ns1" ip link add dum0 type dummy

s() { sgt "$ns1" "$@"; }

assert s nacl add a
assert s nacl rule add a 100 ingress allow tcp port 80 from 192.0.2.0/24
assert s nacl rule add a 110 ingress allow tcp port 80 from fd00::/64
assert s nacl rule add a 100 egress allow tcp port 32768-60999 to 0.0.0.0/0
assert s nacl add spare
assert s iface nacl dum0 a

snapshot() {
	local what
	for what in "nacl show" "iface show"; do
		# shellcheck disable=SC2086 # the words of what
		sgj "$ns1" $what || echo "sgtool $what failed"
	done
}
snap=$(snapshot)
nref=0

bad=()

# refused REGEX ARGS...: "sgtool ARGS" fails, with a message on stderr that
# matches REGEX (extended, case-insensitive), and changes nothing.  A case
# that goes wrong is noted and the next one starts from what it left: the
# scenario fails at the end, with every case that went wrong listed.
refused() {
	local re=$1 err now rc=0 what
	shift
	what="sgtool $(pretty_cmd "$@")"
	err=$("$SGTOOL" -n "$ns1" "$@" 2>&1 >/dev/null) || rc=$?
	now=$(snapshot)
	if [ "$rc" -eq 0 ]; then
		bad+=("accepted: $what")
	elif ! imatch "$err" "$re"; then
		bad+=("$what: message '$err' does not match /$re/")
	elif [ "$now" != "$snap" ]; then
		bad+=("$what: changed the configuration: $(diff <(echo "$snap") <(echo "$now") | tr '\n' ' ')")
	else
		nref=$((nref + 1))
		echo "refused: $what-> $err"
		return 0
	fi
	echo "WRONG: ${bad[-1]}"
	snap=$now
}

log "rule numbers"
refused '1 to 32766' nacl rule add a 0 ingress deny tcp port 80 from 192.0.2.1
refused '1 to 32766' nacl rule add a 32767 ingress deny tcp port 80 from 192.0.2.1
refused '1 to 32766' nacl rule add a 4294967295 ingress deny all from 192.0.2.1
refused 'number' nacl rule add a 4294967296 ingress deny all from 192.0.2.1
refused 'number' nacl rule add a -1 ingress deny all from 192.0.2.1
# Numbers are per direction, whatever the family and the action.
refused 'already|exist' nacl rule add a 100 ingress deny tcp port 80 from 192.0.2.0/24
refused 'already|exist' nacl rule add a 100 ingress allow udp port 53 from fd00::/64
refused 'already|exist' nacl rule add a 110 ingress allow tcp port 80 from 192.0.2.0/24
refused 'already|exist' nacl rule add a 100 egress deny all to ::/0

log "rules with no CIDR: sgtool sends them, the kernel refuses"
refused 'cidr' nacl rule add a 10 ingress deny tcp port 80
refused 'cidr' nacl rule add a 10 ingress deny all
refused 'cidr' nacl rule add a 10 egress allow udp

log "the grammar"
refused 'from' nacl rule add a 10 ingress deny all to 192.0.2.1
refused '"to' nacl rule add a 10 egress deny all from 192.0.2.1
refused 'allow|deny' nacl rule add a 10 ingress reject all from 192.0.2.1
refused 'ingress|egress' nacl rule add a 10 inbound deny all from 192.0.2.1
refused 'more than one cidr' nacl rule add a 10 ingress deny all from 192.0.2.1 from 192.0.2.2
refused 'direction' nacl rule del a 100
refused 'network acl name' nacl add

log "addresses, ports and icmp fields"
refused 'cidr|prefix|address' nacl rule add a 10 ingress deny all from 192.0.2.300
refused 'prefix length' nacl rule add a 10 ingress deny all from 192.0.2.0/33
refused 'prefix length' nacl rule add a 10 ingress deny all from fd00::/129
refused 'port' nacl rule add a 10 ingress deny tcp port 65536 from 192.0.2.1
refused 'port' nacl rule add a 10 ingress deny udp port 20-10 from 192.0.2.1
refused 'tcp and udp' nacl rule add a 10 ingress deny icmp port 80 from 192.0.2.1
refused 'tcp and udp' nacl rule add a 10 ingress deny all port 80 from 192.0.2.1
refused 'icmp' nacl rule add a 10 ingress deny tcp icmp-type 3 from 192.0.2.1
refused 'type' nacl rule add a 10 ingress deny icmp icmp-code 3 from 192.0.2.1
refused 'icmp' nacl rule add a 10 ingress deny icmp from fd00::1
refused 'icmp' nacl rule add a 10 ingress deny icmpv6 from 192.0.2.1

log "unknown objects and devices"
refused 'network acl' nacl rule add nosuch 10 ingress deny all from 192.0.2.1
refused 'network acl' nacl rule del nosuch 100 ingress
refused 'network acl' nacl del nosuch
refused 'network acl' nacl show nosuch
refused 'network acl' iface nacl dum0 nosuch
refused 'ingress|egress' nacl rule del a 100 inbound
refused 'no rule|no such rule' nacl rule del a 55 ingress
refused 'no rule|no such rule' nacl rule del a 110 egress
refused 'nodev|device' iface nacl nodev a
refused 'nodev|device' iface nacl nodev none

log "names"
refused 'exist|already' nacl add a
refused 'name' nacl add 'bad name!'
refused 'name|long|63' nacl add "$(printf 'n%.0s' $(seq 64))"

log "a NACL in use, and a device that has one"
refused 'attached' nacl del a
# At most one NACL per device: another is refused, not swapped in.
refused 'already' iface nacl dum0 spare
assert s iface nacl dum0 none
assert s iface nacl dum0 spare
assert_eq "NACL of dum0" spare "$(sgj "$ns1" iface show dum0 | jpy 'j[0]["nacl"]')"
assert s iface nacl dum0 none
assert s iface nacl dum0 a
snap=$(snapshot)

log "40 rules per direction per family, and no more"
assert s nacl add full
for n in $(seq 1 40); do
	s nacl rule add full "$n" ingress deny tcp port "$n" from 192.0.2.1 ||
		fail "rule $n of 40 refused"
done
snap=$(snapshot)
refused 'most|40' nacl rule add full 41 ingress deny tcp port 41 from 192.0.2.1
refused 'most|40' nacl rule add full 32766 ingress allow all from 0.0.0.0/0
# The other family and the other direction have room.
assert s nacl rule add full 41 ingress deny tcp port 41 from fd00::1
assert s nacl rule add full 41 egress deny tcp port 41 to 192.0.2.1
assert_eq "IPv4 ingress rules in full" 40 "$(sgj "$ns1" nacl show full |
	jpy 'sum(r["direction"] == "ingress" and ":" not in r["cidr"] for r in j[0]["rules"])')"

log "$nref bad requests refused as they should be"
if [ ${#bad[@]} -gt 0 ]; then
	printf '%s\n' "${bad[@]}" >&2
	fail "${#bad[@]} bad requests not refused as they should be"
fi
