#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ephemeral-port lesson.  A network ACL is stateless: a server whose
# NACL lets tcp/80 in and nothing out never answers, as its replies go to
# the client's ephemeral port and no rule lets them out.  An egress rule
# for Linux's ephemeral range, 32768-60999 (the client's
# ip_local_port_range, checked), makes it work, for clients that pick
# their ports in that range only.  The same server with a security group
# that allows tcp/80 in, and no NACL, needs no egress rule at all: the
# group is stateful.  The rules of the NACL count what they decide.
#
#   client                           server
#   +------------------------+       +-------------------------------------+
#   | $ns1                   |       | $ns2  NACL "web":                   |
#   | veth1 192.0.2.1 ---------------- veth2  in  100 allow tcp/80          |
#   |       fd00::1          |       |                from 192.0.2.0/24    |
#   | ports 32768-60999      |       |             110 allow tcp/80         |
#   +------------------------+       |                from fd00::/64       |
#                                    |        out (none, then) 100 and 110 |
#                                    |            allow tcp 32768-60999    |
#                                    |            to the same prefixes     |
#                                    |  then no NACL, group "web":         |
#                                    |        in tcp/80 from the same,     |
#                                    |        out (nothing)                |
#                                    +-------------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 80

log "the client picks its ports in Linux's default range"
assert_eq "ip_local_port_range of the client" "32768 60999" \
	"$(ephemeral_ports "$cli")"

log "NACL web: tcp/80 in from the client's prefixes, nothing out"
assert sgt "$srv" nacl add web
assert sgt "$srv" nacl rule add web 100 ingress allow tcp port 80 from 192.0.2.0/24
assert sgt "$srv" nacl rule add web 110 ingress allow tcp port 80 from fd00::/64
assert sgt "$srv" iface nacl veth2 web
assert_eq "NACL of veth2" web "$(sgj "$srv" iface show veth2 | jpy 'j[0]["nacl"]')"
# Both sides must resolve each other again, through the NACL.
neigh_flush "$srv" veth2
neigh_flush "$cli" veth1

for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:80: the request gets in, the answer not out"
	assert_fails tcp_connect "$cli" "$a" 80
done
# Not one handshake completed: the server accepted no connection.
assert_eq "connections served" "" "$(server_log tcp "$srv" 80)"
nacl_rule_check "$srv" web ingress 100 'r["packets"] > 0'
nacl_rule_check "$srv" web ingress 110 'r["packets"] > 0'
dropped=$(dev_counter "$srv" veth2 dropped)
[ "$dropped" -gt 0 ] || fail "veth2 dropped no reply"

log "egress: tcp 32768-60999 to the same prefixes"
assert sgt "$srv" nacl rule add web 100 egress allow tcp port 32768-60999 to 192.0.2.0/24
assert sgt "$srv" nacl rule add web 110 egress allow tcp port 32768-60999 to fd00::/64
in4=$(nacl_counter "$srv" web ingress 100 packets)
in6=$(nacl_counter "$srv" web ingress 110 packets)
log "client -> 192.0.2.2:80 and [fd00::2]:80 are answered"
tcp_hold c4 "$cli" 192.0.2.2 80
tcp_hold c6 "$cli" fd00::2 80
for c in c4 c6; do
	assert tcp_hold_echo "$c"
	sport=$(tcp_hold_sport "$c")
	if [ "$sport" -lt 32768 ] || [ "$sport" -gt 60999 ]; then
		fail "connection $c: source port $sport not in 32768-60999"
	fi
done
assert_eq "connections served" 2 "$(server_log tcp "$srv" 80 | wc -l)"
sgt "$srv" nacl show web

log "each rule counted the packets it let through"
nacl_rule_check "$srv" web ingress 100 "r['packets'] > $in4"
nacl_rule_check "$srv" web ingress 110 "r['packets'] > $in6"
# The answers of the held connection: a SYN-ACK and an echo at least.
nacl_rule_check "$srv" web egress 100 'r["packets"] >= 2' \
	'r["bytes"] >= 40 * r["packets"]'
nacl_rule_check "$srv" web egress 110 'r["packets"] >= 2' \
	'r["bytes"] >= 60 * r["packets"]'

log "a client that picks its ports above 60999 gets no answer"
assert nsx "$cli" sysctl -qw net.ipv4.ip_local_port_range="61000 61999"
assert_fails tcp_connect "$cli" 192.0.2.2 80
assert nsx "$cli" sysctl -qw net.ipv4.ip_local_port_range="32768 60999"

log "no NACL; group web: tcp/80 in from the same prefixes, nothing out"
assert sgt "$srv" iface nacl veth2 none
assert sgt "$srv" sg add web
rule_add "$srv" web ingress tcp port 80 from 192.0.2.0/24 >/dev/null
rule_add "$srv" web ingress tcp port 80 from fd00::/64 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" iface attach veth2 web
assert_eq "NACL of veth2" null "$(sgj "$srv" iface show veth2 | jpy 'j[0]["nacl"]')"
for a in 192.0.2.2 fd00::2; do
	log "client -> [$a]:80 is answered, with no egress rule"
	assert tcp_connect "$cli" "$a" 80
done
sgt "$srv" flow show
flow_check "$srv" 1 "f['src'] == '192.0.2.1' and f['dport'] == 80" \
	"f['sg'] == 'web'" "f['direction'] == 'ingress'"
flow_check "$srv" 1 "f['src'] == 'fd00::1' and f['dport'] == 80" \
	"f['sg'] == 'web'" "f['direction'] == 'ingress'"
