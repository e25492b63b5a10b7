#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Several groups on one device: a packet passes if a rule of any of them
# allows it.  "ssh" allows tcp/22 and "web" tcp/80, both from the client:
# with both attached both ports answer, and tcp/8080 (no rule) does not;
# with "web" detached, tcp/80 no longer accepts new connections.
#
#   client                              server, groups "ssh" and "web"
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  ssh: in tcp/22 from    |
#   | veth1 192.0.2.1 ----------------------- veth2      the client     |
#   |       fd00::1       |             |       web: in tcp/80 from    |
#   +---------------------+             |            the client        |
#                                       +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22,80,8080
for g in ssh web; do
	assert sgt "$srv" sg add "$g"
done
rule_add "$srv" ssh ingress tcp port 22 from 192.0.2.1 >/dev/null
rule_add "$srv" ssh ingress tcp port 22 from fd00::1 >/dev/null
rule_add "$srv" web ingress tcp port 80 from 192.0.2.1 >/dev/null
rule_add "$srv" web ingress tcp port 80 from fd00::1 >/dev/null
assert sgt "$srv" iface attach veth2 ssh web
assert_eq "groups of veth2" '["ssh", "web"]' \
	"$(sgj "$srv" iface show veth2 | jpy 'j[0]["sgs"]')"

for a in 192.0.2.2 fd00::2; do
	log "both groups: [$a]:22 and :80 answer, :8080 does not"
	assert tcp_connect "$cli" "$a" 22
	assert tcp_connect "$cli" "$a" 80
	assert_fails tcp_connect "$cli" "$a" 8080
done
sgt "$srv" flow show
flow_check "$srv" 2 "f['dport'] == 22" "f['sg'] == 'ssh'"
flow_check "$srv" 2 "f['dport'] == 80" "f['sg'] == 'web'"

log "web detached: tcp/80 is closed, tcp/22 is not"
assert sgt "$srv" iface detach veth2 web
assert_eq "groups of veth2" '["ssh"]' \
	"$(sgj "$srv" iface show veth2 | jpy 'j[0]["sgs"]')"
for a in 192.0.2.2 fd00::2; do
	assert tcp_connect "$cli" "$a" 22
	assert_fails tcp_connect "$cli" "$a" 80
done
assert_eq "connections served on port 80" 2 "$(server_log tcp "$srv" 80 | wc -l)"
assert_eq "connections served on port 8080" "" "$(server_log tcp "$srv" 8080)"
