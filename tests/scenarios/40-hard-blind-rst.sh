#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blind teardown: someone who guesses a connection's addresses and ports,
# but not where its sequence numbers are, forges RSTs and FINs against it.
# They pass (the endpoint judges them too, and ignores them) but do not
# move sgfw's flow: it stays established, the connection keeps working,
# and it still ends normally.  An ACK that no one answers opens a flow
# for 300 s at most, not for the 5 days of an established one.
#
#   client                              server, group "ssh"
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  in  tcp/22 from        |
#   | veth1 192.0.2.1 ----------------------- veth2  192.0.2.0/24,      |
#   |       fd00::1       |             |            fd00::/64         |
#   | holds a connection; |             |                              |
#   | forges RST and FIN  |             |                              |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
assert sgt "$srv" sg add ssh
rule_add "$srv" ssh ingress tcp port 22 from 192.0.2.0/24 >/dev/null
rule_add "$srv" ssh ingress tcp port 22 from fd00::/64 >/dev/null
assert sgt "$srv" iface attach veth2 ssh

for fam in 4 6; do
	if [ $fam = 4 ]; then c=192.0.2.1 s=192.0.2.2; else c=fd00::1 s=fd00::2; fi
	log "IPv$fam: a connection, then forged RSTs and FINs from both ends"
	tcp_hold h$fam "$cli" "$s" 22
	sport=$(tcp_hold_sport h$fam)
	read -r cisn sisn <<<"$(tcp_hold_isn h$fam)"
	[[ $cisn$sisn =~ ^[0-9]+$ ]] ||
		fail "no initial sequence numbers of h$fam: $cisn $sisn"
	assert tcp_hold_echo h$fam
	flow_check "$srv" 1 "f['sport'] == $sport" "f['state'] == 'established'"
	# Sequence numbers spread over the half of the space opposite each
	# side's own: 1.25 to 2 GiB from where it is, beyond the largest
	# window (1 GiB) a receiver may have.  A fixed number would sit in a
	# connection's window by chance (one in a few hundred runs).
	for off in 0x80000000 0x90000000 0xa0000000 0xb0000000; do
		cseq=$(((cisn + off) & 0xffffffff))
		sseq=$(((sisn + off) & 0xffffffff))
		assert tcp_inject "$cli" "$c" "$sport" "$s" 22 0x04 "$cseq" 0
		assert tcp_inject "$cli" "$c" "$sport" "$s" 22 0x14 "$cseq" 0
		assert tcp_inject "$cli" "$c" "$sport" "$s" 22 0x11 "$cseq" 0
		# From the server's side, as an attacker on its path would.
		assert tcp_inject "$srv" "$s" 22 "$c" "$sport" 0x04 "$sseq" 0
	done
	flow_check "$srv" 1 "f['sport'] == $sport" "f['state'] == 'established'"
	assert tcp_hold_echo h$fam
	assert tcp_hold_echo h$fam
done

log "a real close still ends the flows"
echo close >"$SGFW_TMP/hold-h4/fifo"
echo close >"$SGFW_TMP/hold-h6/fifo"
wait_until 10 flow_check "$srv" 0 "f['state'] == 'established'"
flow_check "$srv" 2 "f['dport'] == 22" \
	"f['state'] in ('fin-wait', 'close-wait', 'last-ack', 'time-wait', 'close')"

# A live host answers a stray ACK with an RST, which (being where the ACK
# said the peer was) closes the flow: the ACKs go to addresses nobody has.
log "one ACK that no one answers opens a flow for 300 s at most"
assert tcp_inject "$srv" 192.0.2.2 22 192.0.2.99 40123 0x10 12345 67890
assert tcp_inject "$srv" fd00::2 22 fd00::99 40123 0x10 12345 67890
flow_check "$srv" 2 "f['dport'] == 40123" "f['state'] == 'established'" \
	"f['direction'] == 'egress'" "0 < f['expires_in'] <= 300"
