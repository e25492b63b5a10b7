#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile traffic (tests/hostile.py, scapy, sent at the link layer so that
# the sender's stack stops nothing): truncated and lying headers of every
# layer, ICMP errors quoting garbage and errors, 40 IPv6 extension headers,
# overlapping, tiny and out-of-range fragments, every TCP flag byte; then,
# with tracking forced, out-of-window RSTs.  No crash and no splat (the
# harness checks the kernel log), the packets sgfw cannot parse are counted
# as invalid, and an established connection keeps working throughout.
# What an "all traffic" rule must let through does get through: IPv6 with
# no next header, an error quoting an error, an ICMPv6 error whose quote
# ends inside its extension headers.  Neighbour discovery passes without a
# rule only with hop limit 255, MLD only with 1; a redirect needs a rule.
#
#   attacker                            victim
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  group "all": every     |
#   | veth1 192.0.2.1 ----------------------- veth2  protocol in and   |
#   |       fd00::1       |             |        out, tracking always  |
#   | scapy at layer 2    |             |  then group "ssh" (tcp/22)   |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
atk=$ns1
vic=$ns2
# The server and the held connections outlive the scenario, which takes
# over 120 s (the default lifetime) on a loaded debug kernel.
SGFW_SERVER_LIFETIME=600
hostile() { nsx "$atk" "$PYTHON" "$SGFW_REPO/tests/hostile.py" "$1" veth1 \
	192.0.2.1 192.0.2.2 fe80::1 fd00::2 "${2:-9}"; }
# The link-local source makes ND valid where its hop limit is.
nsx "$atk" ip -6 addr add fe80::1/64 dev veth1 nodad

assert sgt "$vic" sg add all
rule_add "$vic" all ingress all from 0.0.0.0/0 >/dev/null
rule_add "$vic" all ingress all from ::/0 >/dev/null
assert sgt "$vic" iface attach veth2 all
assert sgt "$vic" iface set veth2 tracking always
tcp_server "$vic" 192.0.2.2,fd00::2 22
tcp_hold h4 "$atk" 192.0.2.2 22
tcp_hold h6 "$atk" fd00::2 22
raw_listen none "$vic" fd00::2 59
icmp_listen err4 "$vic" 192.0.2.2
icmp_listen err6 "$vic" fd00::2
invalid() { dev_counter "$vic" veth2 dropped.invalid; }

for kind in malformed fragments flags; do
	log "$kind"
	n=$(hostile $kind 22 | tail -n1) || fail "hostile.py $kind"
	log "sent $n packets"
	assert tcp_hold_echo h4
	assert tcp_hold_echo h6
done
sgt "$vic" stats
[ "$(invalid)" -gt 0 ] || fail "no packet counted as invalid"
assert tcp_connect "$atk" 192.0.2.2 22
assert tcp_connect "$atk" fd00::2 22

# Half the sequence space away from each client's own (see 40): a fixed
# number would lie in a connection's window now and then.
log "out-of-window RSTs and FINs against the held connections"
read -r isn4 _ <<<"$(tcp_hold_isn h4)"
read -r isn6 _ <<<"$(tcp_hold_isn h6)"
[[ $isn4$isn6 =~ ^[0-9]+$ ]] || fail "no initial sequence numbers: $isn4 $isn6"
for off in 0x80000000 0x98765432 0xb0000000; do
	assert tcp_inject "$atk" 192.0.2.1 "$(tcp_hold_sport h4)" 192.0.2.2 22 0x04 \
		$(((isn4 + off) & 0xffffffff)) 0
	assert tcp_inject "$atk" fd00::1 "$(tcp_hold_sport h6)" fd00::2 22 0x11 \
		$(((isn6 + off) & 0xffffffff)) 0
done
assert tcp_hold_echo h4
assert tcp_hold_echo h6
flow_check "$vic" 2 "f['dport'] == 22 and f['state'] == 'established' and f['sport'] in ($(tcp_hold_sport h4), $(tcp_hold_sport h6))"

log "what an all-traffic rule lets through gets through"
raw_listen icmp6 "$vic" fd00::2 58
hostile pass >/dev/null || fail "hostile.py pass"
wait_until 20 grep -q sgfw-pass-59 "$SGFW_TMP/none.log"
wait_until 5 grep -q '^icmp 3/1' "$SGFW_TMP/err4.log"
wait_until 5 grep -q sgfw-pass-v6e "$SGFW_TMP/icmp6.log"

log "link plumbing: only where its hop limit says it is"
assert sgt "$vic" sg add ssh
rule_add "$vic" ssh ingress tcp port 22 from 0.0.0.0/0 >/dev/null
assert sgt "$vic" iface attach veth2 ssh
assert sgt "$vic" iface detach veth2 all
raw_listen link "$vic" :: 58
before=$(dev_counter "$vic" veth2 dropped.no_rule)
hostile link >/dev/null || fail "hostile.py link"
sleep 1
seen=$(grep -c 'sgfw-link' "$SGFW_TMP/link.log" || true)
dropped=$(($(dev_counter "$vic" veth2 dropped.no_rule) - before))
log "ND and MLD seen by a raw listener: $seen; dropped for no rule: $dropped"
# NA with hop limit 255 and MLD with 1 pass; NA with 64, NS with 254, the
# redirect, MLD with 64 and an echo request are judged by the rules: no
# rule of "ssh" allows them.
assert_eq "link packets seen" 2 "$seen"
assert_eq "link packets dropped for no rule" 5 "$dropped"
