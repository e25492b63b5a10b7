#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flow filters, applied in the kernel: `flow show` and `flow flush` take
# only the flows that match every filter.
#  - Flows of three rules on two devices: `flow flush sg web rule A`
#    removes exactly A's, and a connection that a rule still admits is
#    picked up again by its next packet.
#  - `flow flush stale` after rules are deleted ends exactly the flows
#    that no rule admits any more (one that another group allows stays),
#    and cuts their connections.
#  - A dump of many flows (100000 on Debian's kernels, 20000 on the debug
#    one) lists each exactly once; a flush of one /24 among them removes
#    exactly those.
#
#   $ns1 veth1 ---- veth2  $ns2 (server)  veth2c ---- veth3 $ns3
#   192.0.2.1        192.0.2.2      198.51.100.2        198.51.100.3
#   fd00::1          fd00::2
#   group web on both devices:  A tcp/22 from 192.0.2.0/24
#     B4 tcp/23 from 192.0.2.0/24, B6 tcp/23 from fd00::/64
#     C tcp/22 from 198.51.100.0/24, M tcp/9 from 198.18.0.0/16
#   group alt on veth2: tcp/23 from fd00::1/128
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_three
srv=$ns2
SGFW_SERVER_LIFETIME=600

tcp_server "$srv" 192.0.2.2,fd00::2,198.51.100.2 22
tcp_server "$srv" 192.0.2.2,fd00::2 23
assert sgt "$srv" sg add web
a=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.0/24)
b4=$(rule_add "$srv" web ingress tcp port 23 from 192.0.2.0/24)
b6=$(rule_add "$srv" web ingress tcp port 23 from fd00::/64)
c=$(rule_add "$srv" web ingress tcp port 22 from 198.51.100.0/24)
rule_add "$srv" web ingress tcp port 9 from 198.18.0.0/16 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" sg add alt
rule_add "$srv" alt ingress tcp port 23 from fd00::1/128 >/dev/null
sg_egress_clear "$srv" alt
assert sgt "$srv" flow limit 200000
assert sgt "$srv" iface attach veth2 web alt
assert sgt "$srv" iface attach veth2c web

tcp_hold a1 "$ns1" 192.0.2.2 22
tcp_hold a2 "$ns1" 192.0.2.2 22
tcp_hold b1 "$ns1" 192.0.2.2 23
tcp_hold b2 "$ns1" fd00::2 23
tcp_hold c1 "$ns3" 198.51.100.2 22
tcp_hold c2 "$ns3" 198.51.100.2 22

# count FILTER...: the flows flow show lists with that filter (a line each).
count() {
	local out
	out=$(sgt "$srv" flow show "$@") || fail "flow show $*: $out"
	if [ -z "$out" ]; then echo 0; else printf '%s\n' "$out" | wc -l; fi
}
# rules FILTER...: their rule ids, sorted.
rules() { sgj "$srv" flow show "$@" | jpy '" ".join(sorted(str(f["rule_id"]) for f in j))'; }
flushed() { sgt "$srv" flow flush "$@"; }

log "filters select in the kernel"
sgt "$srv" flow show
assert_eq "all flows" 6 "$(count)"
assert_eq "rule A's" "$a $a" "$(rules sg web rule "$a")"
assert_eq "veth2c's" "$c $c" "$(rules dev veth2c)"
assert_eq "port 23 over IPv6" "$b6" "$(rules dport 23 src fd00::/64)"
assert_eq "established from 192.0.2.0/24 to port 22" 2 \
	"$(count proto tcp src 192.0.2.0/24 dport 22 state established)"
assert_eq "one client port" 1 \
	"$(count sport "$(tcp_hold_sport a1)" dst 192.0.2.2/32)"
assert_eq "nothing stale yet" 0 "$(count stale)"
assert_eq "another group's rules" 0 "$(count sg alt)"

log "bad filters are refused with the kernel's or sgtool's message"
out=$(sgt "$srv" flow flush rule "$a" 2>&1) && fail "rule without sg: $out"
echo "$out" | grep -q 'needs the name of its group' || fail "rule without sg: $out"
out=$(sgt "$srv" flow show sg nosuch 2>&1) && fail "unknown group: $out"
# 6.1 keeps no message of a dump's start: the errno only.
case $(uname -r) in
6.1.*) assert_match "unknown group" 'No such file' "$out" ;;
*) assert_match "unknown group" 'no security group named nosuch' "$out" ;;
esac
assert_eq "flows after refused requests" 6 "$(count)"

log "flush sg web rule A: exactly A's two flows"
assert_eq "flush A" "removed 2 flows" "$(flushed sg web rule "$a")"
assert_eq "flows left" "$b4 $b6 $c $c" "$(rules)"
log "A still admits its connections: their next packets pick them up"
assert tcp_hold_echo a1
assert tcp_hold_echo a2
assert_eq "A's picked up" "$a $a" "$(rules sg web rule "$a")"

log "B4 and B6 deleted: the IPv4 one is stale, alt still admits the IPv6 one"
assert sgt "$srv" rule del web "$b4"
assert sgt "$srv" rule del web "$b6"
assert_eq "stale" "$b4" "$(rules stale)"
assert_eq "flush stale" "removed 1 flow" "$(flushed stale)"
assert_fails tcp_hold_echo b1
assert tcp_hold_echo b2
assert tcp_hold_echo c1
assert tcp_hold_echo a1
assert_eq "nothing stale" 0 "$(count stale)"

log "many flows: one dump lists each once; a /24 flush takes exactly it"
if sgfw_debug_build; then per=5000; else per=25000; fi
for i in 1 2 3 4; do
	addr_add "$ns1" veth1 "198.18.$i.1/32"
done
# The server takes packets from addresses it has no route back to.
nsx "$srv" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.veth2.rp_filter=0 || fail "rp_filter"
before=$(count)
for i in 1 2 3 4; do
	# Bare ACKs the server cannot answer (no route back): flows picked
	# up mid-stream, idle for up to 300 s.
	assert ack_flood "$ns1" "198.18.$i.1" 192.0.2.2 9 0 "$per"
done
total=$((before + 4 * per))
log "$((4 * per)) flows made in $SECONDS s from the start"
assert_eq "flows in the table" "$total" "$(sgj "$srv" status | jpy 'j["flows"]')"
sgt "$srv" flow show >"$SGFW_TMP/flows.txt" || fail "flow show"
assert_eq "flows listed" "$total" "$(wc -l <"$SGFW_TMP/flows.txt")"
assert_eq "flows listed twice" "" \
	"$(awk '{ print $1, $2, $4, $6 }' "$SGFW_TMP/flows.txt" | sort | uniq -d | head -3)"
assert_eq "flows of 198.18.2.0/24" "$per" "$(count src 198.18.2.0/24)"
assert_eq "flush 198.18.2.0/24" "removed $per flows" "$(flushed src 198.18.2.0/24)"
assert_eq "flows of 198.18.2.0/24 after it" 0 "$(count src 198.18.2.0/24)"
assert_eq "flows of the other /24s" "$((3 * per))" "$(count src 198.18.0.0/16)"
assert_eq "flows in the table after it" "$((total - per))" \
	"$(sgj "$srv" status | jpy 'j["flows"]')"
assert tcp_hold_echo c2
log "flush with no filter: every flow ($SECONDS s from the start)"
assert_eq "flush all" "removed $((total - per)) flows" "$(flushed)"
assert_eq "flows after flushing all" 0 "$(count)"
