#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A protocol other than TCP, UDP and ICMP (253, reserved for experiments)
# is tracked by addresses and protocol alone: once the client has sent a
# packet that its egress rule allows, packets of the same protocol from
# that peer come in as replies, for 600 s.  Before that they are dropped,
# and so are packets of another protocol (254) from the same peer.
#
#   client, group "raw"                      server, no group
#   +------------------------------+         +------------------------+
#   | $ns1  in  (nothing)          |         | $ns2                   |
#   |       out 253 to the server  |         |                        |
#   | veth1 192.0.2.1, fd00::1 ------------------ veth2 192.0.2.2,    |
#   |  raw sockets for 253         |         |        fd00::2         |
#   +------------------------------+         +------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

assert sgt "$cli" sg add raw
sg_egress_clear "$cli" raw
rule_add "$cli" raw egress 253 to 192.0.2.2 >/dev/null
rule_add "$cli" raw egress 253 to fd00::2 >/dev/null
assert sgt "$cli" iface attach veth1 raw

raw_listen raw4 "$cli" 192.0.2.1 253
raw_listen raw6 "$cli" fd00::1 253

log "the server's packets are dropped while the client has sent none"
d0=$(dev_counter "$cli" veth1 dropped)
assert raw_send "$srv" 192.0.2.2 192.0.2.1 253
assert raw_send "$srv" fd00::2 fd00::1 253
d1=$(dev_counter "$cli" veth1 dropped)
[ "$d1" -ge $((d0 + 2)) ] || fail "veth1 dropped $((d1 - d0)) packets, not 2"
assert_eq "packets received before the flow" "" "$(bg_log raw4; bg_log raw6)"

log "the client sends: a flow of protocol 253 per family"
assert raw_send "$cli" 192.0.2.1 192.0.2.2 253
assert raw_send "$cli" fd00::1 fd00::2 253
sgt "$cli" flow show
flow_check "$cli" 2 "f['protocol'] in (253, '253')" \
	"(f['src'], f['dst']) in (('192.0.2.1', '192.0.2.2'), ('fd00::1', 'fd00::2'))" \
	"f['sport'] is None and f['dport'] is None" "f['sg'] == 'raw'" \
	"f['direction'] == 'egress'" "590 < f['expires_in'] <= 600"

log "now the server's packets of protocol 253 come in, of 254 do not"
d2=$(dev_counter "$cli" veth1 dropped)
assert raw_send "$srv" 192.0.2.2 192.0.2.1 254
assert raw_send "$srv" fd00::2 fd00::1 254
assert raw_send "$srv" 192.0.2.2 192.0.2.1 253
assert raw_send "$srv" fd00::2 fd00::1 253
got_both() { bg_log raw4 | grep -q 'from 192.0.2.2' &&
	bg_log raw6 | grep -q 'from fd00::2'; }
wait_until 5 got_both
bg_log raw4
bg_log raw6
assert_eq "packets received (IPv4)" 1 "$(bg_log raw4 | wc -l)"
assert_eq "packets received (IPv6)" 1 "$(bg_log raw6 | wc -l)"
d3=$(dev_counter "$cli" veth1 dropped)
[ "$d3" -ge $((d2 + 2)) ] || fail "veth1 dropped $((d3 - d2)) packets, not 2"
flow_check "$cli" 2 "f['protocol'] in (253, '253')" "f['packets'] >= 2"
