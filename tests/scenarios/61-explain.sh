#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "sgtool explain" agrees with real packets, on a table of 40 cases: both
# families, both directions, a network ACL's deny rules and implicit deny,
# groups' rules, tracked, untracked and no-flow packets, packets of
# existing flows.  For each case, explain first (it changes nothing), then
# the same packet is sent for real and the device's counters say what
# happened to it: accepted, or dropped for which reason.  Both must be
# what the table expects; and where explain says the packet opens a
# tracked flow, the flow is there after, with the rule explain named.
#
#   client                              server: group "web", NACL "edge"
#   +---------------------+             +-------------------------------+
#   | $ns1                |             | $ns2                          |
#   | veth1 192.0.2.1 ----------------------- veth2 192.0.2.2           |
#   |       fd00::1       |             |       fd00::2                 |
#   +---------------------+             +-------------------------------+
# Near two minutes on the debug kernel, more under load: the servers live
# until the end.
SGFW_SERVER_LIFETIME=600
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
udp_server "$srv" 192.0.2.2,fd00::2 53
assert sgt "$srv" sg add web
A=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.1/32)
A6=$(rule_add "$srv" web ingress tcp port 22 from fd00::1/128)
U=$(rule_add "$srv" web ingress udp port 53 from 192.0.2.0/24)
U6=$(rule_add "$srv" web ingress udp port 53 from fd00::/64)
I=$(rule_add "$srv" web ingress icmp icmp-type 8 from 192.0.2.1/32)
I6=$(rule_add "$srv" web ingress icmpv6 icmp-type 128 from fd00::1/128)
W=$(rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0)
W6=$(rule_add "$srv" web ingress tcp port 80 from ::/0)
# The new group's egress rules, everything to 0.0.0.0/0 and to ::/0.
E=$(sgj "$srv" sg show web | jpy '[r["id"] for r in j[0]["rules"] if r["direction"] == "egress" and r["peer"] == "0.0.0.0/0"][0]')
E6=$(sgj "$srv" sg show web | jpy '[r["id"] for r in j[0]["rules"] if r["direction"] == "egress" and r["peer"] == "::/0"][0]')
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 50 ingress deny tcp port 23 from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 51 ingress deny tcp port 23 from ::/0
assert sgt "$srv" nacl rule add edge 100 ingress allow tcp from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 ingress allow tcp from ::/0
assert sgt "$srv" nacl rule add edge 102 ingress allow udp from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 103 ingress allow udp from ::/0
assert sgt "$srv" nacl rule add edge 104 ingress allow icmp from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 105 ingress allow icmpv6 from ::/0
assert sgt "$srv" nacl rule add edge 40 egress deny udp port 9 to 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 egress allow all to ::/0
assert sgt "$srv" iface attach veth2 web
assert sgt "$srv" iface nacl veth2 edge

H4=none
H6=none

# The device's counters, "ACCEPTED NO_RULE NACL TABLE_FULL INVALID".
counts() {
	stats_get "$srv" '" ".join(str(x) for d in j["devices"] if d["device"] == "veth2" for x in [d["accepted"], d["dropped"]["no_rule"], d["dropped"]["nacl"], d["dropped"]["table_full"], d["dropped"]["invalid"]])'
}

# What happened to the packet between two readings of counts(): the one
# drop reason that grew, else accept (the traffic a packet draws in
# reply only ever passes here).
happened() {
	local a0 n0 c0 f0 i0 a1 n1 c1 f1 i1
	read -r a0 n0 c0 f0 i0 <<<"$1"
	read -r a1 n1 c1 f1 i1 <<<"$2"
	case "$((n1 - n0)) $((c1 - c0)) $((f1 - f0)) $((i1 - i0))" in
	"0 0 0 0") [ "$a1" -gt "$a0" ] && echo accept || echo unseen ;;
	"1 0 0 0") echo no-rule ;;
	"0 1 0 0") echo nacl ;;
	"0 0 1 0") echo table-full ;;
	"0 0 0 1") echo invalid ;;
	*) echo "several: $1 -> $2" ;;
	esac
}

# hostport ADDR PORT: how explain takes an endpoint.
hostport() {
	if [ "$2" = - ]; then
		echo "$1"
	elif [[ $1 == *:* ]]; then
		echo "[$1]:$2"
	else
		echo "$1:$2"
	fi
}

# send DIR PROTO SRC SPORT DST DPORT TYPE CODE ID: the packet, for real, from
# the client (ingress) or the server (egress); a flow's packet from its
# held connection.  A packet the server's hook drops makes its sendto()
# fail: that is no error here.
send() {
	local ns=$cli
	[ "$1" = egress ] && ns=$srv
	case $2 in
	tcp)
		if [ "$4" = "$H4" ] || [ "$6" = "$H4" ]; then
			tcp_hold_echo h4
		elif [ "$4" = "$H6" ] || [ "$6" = "$H6" ]; then
			tcp_hold_echo h6
		else
			tcp_inject "$ns" "$3" "$4" "$5" "$6" 0x02 1000 0
		fi ;;
	udp) udp_inject "$ns" "$3" "$4" "$5" "$6" ;;
	icmp | icmpv6) icmp_send "$ns" "$3" "$5" "$7" "$8" "$9" ;;
	*) raw_send "$ns" "$3" "$5" "$2" ;;
	esac
}

n=0
# check DIR PROTO SRC SPORT DST DPORT TYPE CODE VERDICT TRACK RULE NACLRULE FLOW
#   VERDICT: accept no-rule nacl; TRACK: tracked untracked none, or - (a
#   drop); RULE: the rule id that allows it, or - (none, or not asked:
#   the ingress NACL dropped it first, or its flow carried it); NACLRULE: the deciding NACL
#   rule, "implicit", or "-" (not reached); FLOW: 1 if an existing flow
#   carries it.
check() {
	local dir=$1 proto=$2 src=$3 sport=$4 dst=$5 dport=$6 type=$7 code=$8
	local verdict=$9 track=${10} rule=${11} naclrule=${12} flow=${13}
	local args out got c0 real what id
	n=$((n + 1))
	what="case $n: $dir $proto $(hostport "$src" "$sport") -> $(hostport "$dst" "$dport")"
	args=(explain veth2 "$dir" "$proto" "$(hostport "$src" "$sport")"
	      "$(hostport "$dst" "$dport")")
	# Each icmp case its own identifier: its own flow.
	id=$((4200 + n))
	[ "$type" != - ] && args+=(icmp-type "$type" icmp-code "$code" icmp-id "$id")
	out=$(sgj "$srv" "${args[@]}") || fail "$what: explain: $out"
	got=$(echo "$out" | jpy '" ".join(str(x) for x in [j["verdict"], j["track"] if j["verdict"] == "accept" and j["track"] else "-", j["rule_id"] if j["rule_id"] is not None else "-", j["nacl_rule"] if j["nacl_rule"] is not None else ("implicit" if j["nacl_action"] == "deny" else "-"), int(j["flow"])])')
	[ "$verdict" = accept ] || track=-
	assert_eq "$what: explain" "$verdict $track $rule $naclrule $flow" "$got"
	c0=$(counts)
	send "$dir" "$proto" "$src" "$sport" "$dst" "$dport" "$type" "$code" \
		"$id" >/dev/null 2>&1 || true
	sleep 0.2
	real=$(happened "$c0" "$(counts)")
	assert_eq "$what: the real packet" "$verdict" "$real"
	if [ "$track" = tracked ] && [ "$flow" = 0 ]; then
		flow_check "$srv" 1 "f['rule_id'] == $rule and f['src'] == '$src' and f['dst'] == '$dst' and str(f['protocol']) == '$proto' and (f.get('sport') == ${sport/-/None} if '$proto' in ('tcp', 'udp') else f.get('icmp_id') in ($id, None))"
	fi
	log "$what: $verdict, as explained"
}

# DIR PROTO SRC SPORT DST DPORT TYPE CODE | VERDICT TRACK RULE NACLRULE FLOW
log "ingress, IPv4"
check ingress tcp 192.0.2.1 20001 192.0.2.2 22 - - accept tracked "$A" 100 0
check ingress tcp 192.0.2.1 20002 192.0.2.2 23 - - nacl - - 50 0
check ingress tcp 192.0.2.1 20003 192.0.2.2 25 - - no-rule - - 100 0
check ingress tcp 192.0.2.1 20004 192.0.2.2 80 - - accept untracked "$W" 100 0
check ingress udp 192.0.2.1 5353 192.0.2.2 53 - - accept tracked "$U" 102 0
check ingress udp 192.0.2.1 5354 192.0.2.2 54 - - no-rule - - 102 0
check ingress udp 192.0.2.1 5355 192.0.2.2 9 - - no-rule - - 102 0
check ingress icmp 192.0.2.1 - 192.0.2.2 - 8 0 accept tracked "$I" 104 0
check ingress icmp 192.0.2.1 - 192.0.2.2 - 8 5 accept tracked "$I" 104 0
check ingress icmp 192.0.2.1 - 192.0.2.2 - 13 0 no-rule - - 104 0
check ingress icmp 192.0.2.1 - 192.0.2.2 - 3 3 no-rule - - 104 0
check ingress 47 192.0.2.1 - 192.0.2.2 - - - nacl - - implicit 0
log "ingress, IPv6"
check ingress tcp fd00::1 20011 fd00::2 22 - - accept tracked "$A6" 101 0
check ingress tcp fd00::1 20012 fd00::2 23 - - nacl - - 51 0
check ingress tcp fd00::1 20013 fd00::2 25 - - no-rule - - 101 0
check ingress tcp fd00::1 20014 fd00::2 80 - - accept untracked "$W6" 101 0
check ingress udp fd00::1 5363 fd00::2 53 - - accept tracked "$U6" 103 0
check ingress udp fd00::1 5364 fd00::2 54 - - no-rule - - 103 0
check ingress icmpv6 fd00::1 - fd00::2 - 128 0 accept tracked "$I6" 105 0
check ingress icmpv6 fd00::1 - fd00::2 - 128 1 accept tracked "$I6" 105 0
check ingress icmpv6 fd00::1 - fd00::2 - 129 0 no-rule - - 105 0
check ingress icmpv6 fd00::1 - fd00::2 - 1 4 no-rule - - 105 0
check ingress 47 fd00::1 - fd00::2 - - - nacl - - implicit 0
log "egress, both families"
check egress tcp 192.0.2.2 21001 192.0.2.1 22 - - accept tracked "$E" 100 0
check egress udp 192.0.2.2 5001 192.0.2.1 9 - - nacl - "$E" 40 0
check egress udp 192.0.2.2 5002 192.0.2.1 53 - - accept tracked "$E" 100 0
check egress icmp 192.0.2.2 - 192.0.2.1 - 8 0 accept tracked "$E" 100 0
check egress 47 192.0.2.2 - 192.0.2.1 - - - accept tracked "$E" 100 0
check egress tcp fd00::2 21011 fd00::1 22 - - accept tracked "$E6" 101 0
check egress udp fd00::2 5011 fd00::1 9 - - accept tracked "$E6" 101 0
check egress icmpv6 fd00::2 - fd00::1 - 128 0 accept tracked "$E6" 101 0
check egress 47 fd00::2 - fd00::1 - - - accept tracked "$E6" 101 0
log "packets of existing flows, both ways: a udp exchange and a tcp"
log "connection held open, in each family"
assert udp_exchange "$cli" 192.0.2.1 5101 192.0.2.2 53 1
assert udp_exchange "$cli" fd00::1 5102 fd00::2 53 1
tcp_hold h4 "$cli" 192.0.2.2 22
tcp_hold h6 "$cli" fd00::2 22
H4=$(tcp_hold_sport h4)
H6=$(tcp_hold_sport h6)
check ingress udp 192.0.2.1 5101 192.0.2.2 53 - - accept - - 102 1
check egress udp 192.0.2.2 53 192.0.2.1 5101 - - accept - - 100 1
check ingress udp fd00::1 5102 fd00::2 53 - - accept - - 103 1
check egress udp fd00::2 53 fd00::1 5102 - - accept - - 101 1
check ingress tcp 192.0.2.1 "$H4" 192.0.2.2 22 - - accept - - 100 1
check ingress tcp fd00::1 "$H6" fd00::2 22 - - accept - - 101 1
check egress tcp 192.0.2.2 22 192.0.2.1 "$H4" - - accept - - 100 1
check egress tcp fd00::2 22 fd00::1 "$H6" - - accept - - 101 1
assert_eq "cases" 40 "$n"

log "MLD passes whatever the rules, and explain says so (hop limit 1)"
out=$(sgt "$srv" explain veth2 ingress icmpv6 fe80::1 ff02::16 icmp-type 143)
echo "$out" | grep -qx "verdict accept (always passes)" ||
	fail "explain of an MLD report: $out"
exit 0
