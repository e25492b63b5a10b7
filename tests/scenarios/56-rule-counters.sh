#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each rule of a group counts the flows it opened and when it last opened
# one (`sg show`: flows, last_hit).  Five connections through rule A and
# none through rule B show 5 and 0, last_hit set and null; the counters
# stay with a rule through single commands and a whole apply that keep
# it, and a rule made again starts from zero.
#
#   client                              server, group "web"
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  A: tcp/22 from         |
#   | veth1 192.0.2.1 ----------------------- 192.0.2.1/32 (A6: fd00::1)|
#   |       fd00::1       |             |       B: tcp/23 from         |
#   |                     |             |          192.0.2.99/32       |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
tcp_server "$srv" 192.0.2.2,fd00::2 23
assert sgt "$srv" sg add web
a=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.1/32)
a6=$(rule_add "$srv" web ingress tcp port 22 from fd00::1/128)
b=$(rule_add "$srv" web ingress tcp port 23 from 192.0.2.99/32)
assert sgt "$srv" iface attach veth2 web

# counter ID FIELD: the field of rule ID of web, as JSON.
counter() {
	sgj "$srv" sg show web |
		jpy "[r['$2'] for r in j[0]['rules'] if r['id'] == $1][0]"
}

log "no flow yet: flows 0, last_hit null"
for id in $a $a6 $b; do
	assert_eq "flows of rule $id" 0 "$(counter "$id" flows)"
	assert_eq "last_hit of rule $id" null "$(counter "$id" last_hit)"
done

log "five connections through A, two through A6, none admitted by B"
for _ in 1 2 3 4 5; do
	assert tcp_connect "$cli" 192.0.2.2 22
done
assert tcp_connect "$cli" fd00::2 22
assert tcp_connect "$cli" fd00::2 22
assert_fails tcp_connect "$cli" 192.0.2.2 23
sgt "$srv" sg show web
assert_eq "flows of A" 5 "$(counter "$a" flows)"
assert_eq "flows of A6" 2 "$(counter "$a6" flows)"
assert_eq "flows of B" 0 "$(counter "$b" flows)"
assert_eq "last_hit of B" null "$(counter "$b" last_hit)"
hit=$(counter "$a" last_hit)
[[ "$hit" =~ ^[0-9]+$ ]] && [ "$hit" -lt 120 ] ||
	fail "last_hit of A: expected seconds, got '$hit'"
sgt "$srv" sg show web | grep -q "rule $a ingress tcp port 22 from 192.0.2.1/32 flows 5 last-hit [0-9]*s\$" ||
	fail "sg show does not give A's counters in text"

log "a single command elsewhere and an apply of the same file keep them"
rule_add "$srv" web ingress udp port 53 from 192.0.2.1/32 >/dev/null
assert_eq "flows of A after a rule add" 5 "$(counter "$a" flows)"
saved=$(sgt "$srv" save) || fail "save"
assert_eq "apply of the saved file" "" "$(echo "$saved" | sgt "$srv" apply - 2>&1)"
assert_eq "flows of A after the apply" 5 "$(counter "$a" flows)"
assert_eq "flows of A6 after the apply" 2 "$(counter "$a6" flows)"

log "a rule made again starts from zero"
assert sgt "$srv" rule del web "$a"
a=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.1/32)
assert_eq "flows of the new A" 0 "$(counter "$a" flows)"
assert_eq "last_hit of the new A" null "$(counter "$a" last_hit)"
assert tcp_connect "$cli" 192.0.2.2 22
assert_eq "flows of the new A after one connection" 1 "$(counter "$a" flows)"
