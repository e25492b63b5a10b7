#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Untracked flows.  A TCP connection admitted by a rule open to 0.0.0.0/0
# (::/0), on a group whose egress is all open, is not tracked: it is not
# in the flow table, and deleting its rule cuts it at once.  With the
# device set to "tracking always" the same kind of connection is tracked
# and survives the deletion.  With tracking auto but no all-open egress
# rule, new connections are tracked again (and need to be: their replies
# have no rule).
#
#   client                              server, group "web"
#   +---------------------+             +----------------------------------+
#   | $ns1                |             | $ns2  in  tcp/22 from 0.0.0.0/0, |
#   | veth1 192.0.2.1 ----------------------- veth2            ::/0         |
#   |       fd00::1       |             |       out everything (default)   |
#   +---------------------+             +----------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
assert sgt "$srv" sg add web

# open_rules: the tcp/22 rules open to every address; sets id4 and id6.
open_rules() {
	id4=$(rule_add "$srv" web ingress tcp port 22 from 0.0.0.0/0)
	id6=$(rule_add "$srv" web ingress tcp port 22 from ::/0)
}
close_rules() {
	assert sgt "$srv" rule del web "$id4"
	assert sgt "$srv" rule del web "$id6"
}
open_rules
assert sgt "$srv" iface attach veth2 web
assert_eq "tracking" auto "$(sgj "$srv" iface show veth2 | jpy 'j[0]["tracking"]')"

log "tracking auto: open connections are not tracked"
tcp_hold u4 "$cli" 192.0.2.2 22
tcp_hold u6 "$cli" fd00::2 22
assert tcp_hold_echo u4
assert tcp_hold_echo u6
sgt "$srv" flow show
flow_check "$srv" 0 "f['protocol'] == 'tcp'"

log "deleting the rule cuts them at once"
close_rules
assert_fails tcp_hold_echo u4
assert_fails tcp_hold_echo u6
assert_fails tcp_connect "$cli" 192.0.2.2 22

log "tracking always: the same connections are tracked and survive"
assert sgt "$srv" iface set veth2 tracking always
assert_eq "tracking" always "$(sgj "$srv" iface show veth2 | jpy 'j[0]["tracking"]')"
open_rules
tcp_hold t4 "$cli" 192.0.2.2 22
tcp_hold t6 "$cli" fd00::2 22
assert tcp_hold_echo t4
assert tcp_hold_echo t6
sgt "$srv" flow show
# (The cut connections may come back to life through the new rules, as
# their retransmissions get through: only the new ones are looked at.)
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport t4) and f['src'] == '192.0.2.1'" \
	"f['state'] == 'established'" "f['sg'] == 'web'" "f['rule_id'] == $id4"
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport t6) and f['src'] == 'fd00::1'" \
	"f['state'] == 'established'" "f['sg'] == 'web'" "f['rule_id'] == $id6"
close_rules
assert tcp_hold_echo t4
assert tcp_hold_echo t6
assert_fails tcp_connect "$cli" fd00::2 22

log "tracking auto without the all-open egress rule: tracked again"
assert sgt "$srv" iface set veth2 tracking auto
sg_egress_clear "$srv" web
open_rules
tcp_hold a4 "$cli" 192.0.2.2 22
tcp_hold a6 "$cli" fd00::2 22
assert tcp_hold_echo a4
assert tcp_hold_echo a6
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport a4) and f['src'] == '192.0.2.1'" \
	"f['state'] == 'established'" "f['rule_id'] == $id4"
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport a6) and f['src'] == 'fd00::1'" \
	"f['state'] == 'established'" "f['rule_id'] == $id6"
