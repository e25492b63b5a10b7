#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rule changes do not interrupt tracked flows: deleting the rule that
# admitted an open TCP connection leaves that connection working (it is
# still listed, naming the deleted rule), while a new connection is
# refused at once.  A connection from the ports of one that ended (its flow
# in time-wait or close) is a new one, refused without a rule.
#
#   client                              server, group "ssh"
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  in  tcp/22 from        |
#   | veth1 192.0.2.1 ----------------------- veth2  192.0.2.1/32,      |
#   |       fd00::1       |             |            fd00::1/128       |
#   | holds a connection  |             |       out (nothing)          |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
assert sgt "$srv" sg add ssh
id4=$(rule_add "$srv" ssh ingress tcp port 22 from 192.0.2.1/32)
id6=$(rule_add "$srv" ssh ingress tcp port 22 from fd00::1/128)
sg_egress_clear "$srv" ssh
assert sgt "$srv" iface attach veth2 ssh

log "connections open and work"
tcp_hold c4 "$cli" 192.0.2.2 22
tcp_hold c6 "$cli" fd00::2 22
assert tcp_hold_echo c4
assert tcp_hold_echo c6

log "the rules that admitted them are deleted"
assert sgt "$srv" rule del ssh "$id4"
assert sgt "$srv" rule del ssh "$id6"
assert_eq "rules left in ssh" 0 "$(sgj "$srv" sg show ssh |
	jpy 'len(j[0]["rules"])')"

log "the open connections still work; new ones are refused"
assert tcp_hold_echo c4
assert tcp_hold_echo c6
assert_fails tcp_connect "$cli" 192.0.2.2 22
assert_fails tcp_connect "$cli" fd00::2 22
assert tcp_hold_echo c4
assert tcp_hold_echo c6
sgt "$srv" flow show
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport c4) and f['src'] == '192.0.2.1'" \
	"f['state'] == 'established'" "f['rule_id'] == $id4" "f['sg'] == 'ssh'"
flow_check "$srv" 1 "f['sport'] == $(tcp_hold_sport c6) and f['src'] == 'fd00::1'" \
	"f['state'] == 'established'" "f['rule_id'] == $id6" "f['sg'] == 'ssh'"
# Exactly the two held connections were ever admitted.
assert_eq "connections served" 2 "$(server_log tcp "$srv" 22 | wc -l)"

log "a connection from the ports of one that ended is a new one: a rule must allow it"
# The client closes first and reconnects from the same port: time-wait
# sockets of the client may be reused after a second.
nsx "$cli" sysctl -qw net.ipv4.tcp_tw_reuse=1
for fam in 4 6; do
	if [ $fam = 4 ]; then c=192.0.2.1 s=192.0.2.2 p=41000; else
		c=fd00::1 s=fd00::2 p=41100; fi
	id=$(rule_add "$srv" ssh ingress tcp port 22 from "$c")
	assert tcp_connect_from "$cli" "$c" $((p + 1)) "$s" 22
	assert tcp_connect_from "$cli" "$c" $((p + 2)) "$s" 22 rst
	wait_until 5 flow_check "$srv" 1 "f['sport'] == $((p + 1))" \
		"f['state'] == 'time-wait'"
	flow_check "$srv" 1 "f['sport'] == $((p + 2))" "f['state'] == 'close'"
	assert sgt "$srv" rule del ssh "$id"
	# Close lasts 10 s: that one first; its refusal takes the second
	# the client's time-wait socket needs.
	assert_fails tcp_connect_from "$cli" "$c" $((p + 2)) "$s" 22
	flow_check "$srv" 1 "f['sport'] == $((p + 2))" "f['state'] == 'close'"
	assert_fails tcp_connect_from "$cli" "$c" $((p + 1)) "$s" 22
	flow_check "$srv" 1 "f['sport'] == $((p + 1))" "f['state'] == 'time-wait'" \
		"f['rule_id'] == $id"
	log "IPv$fam: with a rule again, the flow reopens under it"
	id2=$(rule_add "$srv" ssh ingress tcp port 22 from "$c")
	assert tcp_connect_from "$cli" "$c" $((p + 1)) "$s" 22
	flow_check "$srv" 1 "f['sport'] == $((p + 1))" "f['rule_id'] == $id2"
	assert sgt "$srv" rule del ssh "$id2"
done
