#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every bad request is refused with a message that says what is wrong, and
# changes nothing: for each one, sgtool exits non-zero, its stderr names
# the problem, and the groups, devices and prefix lists (and the flow
# limit) read back exactly as before.  Covers unknown objects, malformed
# addresses, ports, ICMP fields, duplicates, names and descriptions, the
# limits (60 rules per direction per family in a group, 16 groups on a
# device), timeouts out of range (the message must give the range),
# unknown devices, objects still in use, and all-or-nothing requests.
#
#   $ns1: dum0 (a dummy device, down: no packet ever), group "a" attached
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1"
nsx "$ns1" ip link add dum0 type dummy

s() { sgt "$ns1" "$@"; }

assert s sg add a desc "the group under test"
rule_add "$ns1" a ingress tcp port 22 from 192.0.2.0/24 >/dev/null
assert s sg member add a 192.0.2.9
assert s sg add peerg
rule_add "$ns1" a ingress tcp port 80 from sg peerg >/dev/null
assert s prefix-list add pl
assert s prefix-list entry add pl 10.0.0.0/8
rule_add "$ns1" a ingress udp port 53 from prefix-list pl >/dev/null
assert s iface attach dum0 a

snapshot() {
	local what
	for what in "sg show" "iface show" "prefix-list show"; do
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

log "unknown objects"
refused 'security group' rule add nosuch ingress tcp port 22 from 192.0.2.1
refused 'security group' rule add a ingress tcp port 22 from sg nosuch
refused 'prefix list' rule add a ingress tcp port 22 from prefix-list nosuch
refused 'security group' sg del nosuch
refused 'security group' iface attach dum0 nosuch
refused 'security group' sg member add nosuch 192.0.2.1
refused 'prefix list' prefix-list entry add nosuch 10.0.0.0/8
refused 'rule' rule del a 99999

log "malformed addresses"
refused 'peer|cidr|address' rule add a ingress tcp port 22 from 192.0.2.300/24
refused 'prefix length' rule add a ingress tcp port 22 from 192.0.2.0/33
refused 'prefix length' rule add a ingress tcp port 22 from fd00::/129
refused 'peer|cidr|address' rule add a ingress tcp port 22 from fd00:::1
refused 'address' sg member add a 192.0.2.256
refused 'prefix length|address' sg member add a 192.0.2.8/24
refused 'prefix length|cidr|prefix' prefix-list entry add pl 10.0.0.0/40

log "ports"
refused 'port' rule add a ingress tcp port 65536 from 192.0.2.1
refused 'port' rule add a ingress udp port 20-10 from 192.0.2.1
refused 'tcp and udp' rule add a ingress icmp port 80 from 192.0.2.1
refused 'tcp and udp' rule add a ingress all port 80 from 192.0.2.1
refused 'tcp and udp' rule add a ingress 47 port 80 from 192.0.2.1

log "icmp type and code"
refused 'type' rule add a ingress icmp icmp-code 3 from 192.0.2.1
refused 'icmp' rule add a ingress tcp icmp-type 8 from 192.0.2.1
refused 'range' rule add a ingress icmp icmp-type 256 from 192.0.2.1
refused 'icmp' rule add a ingress icmp from fd00::1
refused 'icmp' rule add a ingress icmpv6 from 192.0.2.1

log "duplicates"
refused 'exist|already|duplicate|same' rule add a ingress tcp port 22 from 192.0.2.0/24
# The same rule once canonicalised.
refused 'exist|already|duplicate|same' rule add a ingress tcp port 22 from 192.0.2.77/24
refused 'exist|already|duplicate' sg add a
refused 'exist|already|duplicate' prefix-list add pl
# All or nothing: 192.0.2.10 is new, 192.0.2.9 is there already.
refused 'member|exist|already' sg member add a 192.0.2.10 192.0.2.9
refused 'member|not|absent' sg member del a 192.0.2.9 192.0.2.99
refused 'entr|exist|already' prefix-list entry add pl 172.16.0.0/12 10.0.0.0/8
refused 'entr|not|absent' prefix-list entry del pl 10.0.0.0/8 172.16.0.0/12

log "names and descriptions"
refused 'name' sg add 'bad name!'
refused 'name|long|63' sg add "$(printf 'n%.0s' $(seq 64))"
refused 'description|long|255' sg add longdesc desc "$(printf 'x%.0s' $(seq 256))"
refused 'description|long|255' rule add a ingress tcp port 23 from 192.0.2.1 \
	desc "$(printf 'y%.0s' $(seq 256))"

log "timeouts and settings"
refused '30' iface set dum0 udp-timeout 29
refused '60' iface set dum0 udp-timeout 61
refused '60' iface set dum0 udp-stream-timeout 59
refused '180' iface set dum0 udp-stream-timeout 181
refused '60' iface set dum0 tcp-established-timeout 59
refused '432000' iface set dum0 tcp-established-timeout 432001
refused 'auto|always' iface set dum0 tracking sometimes
limit=$(sgj "$ns1" status | jpy 'j["flow_limit"]')
refused 'range|1' flow limit 0
refused 'range|16777216' flow limit 16777217
assert_eq "flow limit" "$limit" "$(sgj "$ns1" status | jpy 'j["flow_limit"]')"

log "unknown devices"
refused 'nodev|device' iface attach nodev a
refused 'nodev|device' iface set nodev udp-timeout 30
refused 'nodev|device' iface detach nodev

log "objects in use"
refused 'attached' sg del a
refused 'rule|use|named' sg del peerg
refused 'rule|use|named' prefix-list del pl

log "60 ingress rules per family in a group, and no more"
assert s sg add b
for p in $(seq 1 60); do
	s rule add b ingress tcp port "$p" from 192.0.2.1 >/dev/null ||
		fail "rule $p of 60 refused"
done
snap=$(snapshot)
refused 'most|limit|60|many' rule add b ingress tcp port 61 from 192.0.2.1
# A group or prefix-list peer counts in both families.
refused 'most|limit|60|many' rule add b ingress tcp port 61 from prefix-list pl
# The other family and the other direction have room.
assert s rule add b ingress tcp port 61 from fd00::1
assert s rule add b egress tcp port 61 to 192.0.2.1
assert_eq "ingress rules in b" 61 "$(sgj "$ns1" sg show b |
	jpy 'sum(r["direction"] == "ingress" for r in j[0]["rules"])')"

log "16 groups on a device, and no more"
for i in $(seq 1 16); do
	assert s sg add "g$i"
done
# dum0 has a; g1 to g15 make 16.
# shellcheck disable=SC2046 # one argument per group
assert s iface attach dum0 $(for i in $(seq 1 15); do echo "g$i"; done)
snap=$(snapshot)
refused 'most|limit|16|many' iface attach dum0 g16
assert s iface detach dum0 g15
snap=$(snapshot)
# All or nothing: g15 would fit, g16 would not.
refused 'most|limit|16|many' iface attach dum0 g15 g16
assert_eq "groups on dum0" 15 "$(sgj "$ns1" iface show dum0 | jpy 'len(j[0]["sgs"])')"

log "$nref bad requests refused as they should be"
if [ ${#bad[@]} -gt 0 ]; then
	printf '%s\n' "${bad[@]}" >&2
	fail "${#bad[@]} bad requests not refused as they should be"
fi
