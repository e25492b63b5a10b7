#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The table grows and shrinks by itself under real traffic.  sgfw is loaded
# with the smallest table (hashsize 256, free to grow); 6000 UDP streams
# (IPv4 and IPv6, two exchanges each, so that none expires or is evicted
# meanwhile) make it double past two flows a bucket, while a held TCP
# connection, whose flow moves bucket at every resize, keeps working; none
# is refused for a full chain, and the dump shows every flow.  When the
# flows are gone, the table halves back to 256.
#
#   +-------------------+          +--------------------------------+
#   | $ns1              |   veth   | $ns2  group web: tcp/80,       |
#   | veth1 192.0.2.1   ------------ veth2 udp/7000 from anywhere,  |
#   |       fd00::1     |          |       no egress; fd00::2,      |
#   |                   |          |       flow limit 20000         |
#   +-------------------+          +--------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
sgfw_unload
at_exit 'sgfw_loaded && sgfw_unload; sgfw_load'
sgfw_load hashsize=256
topo_pair
cli=$ns1
srv=$ns2

# The servers outlive the scenario, which takes minutes on the debug kernel.
SGFW_SERVER_LIFETIME=900
tcp_server "$srv" 192.0.2.2 80
udp_server "$srv" 192.0.2.2 7000
udp_server "$srv" fd00::2 7000
assert sgt "$srv" sg add web
rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0 >/dev/null
rule_add "$srv" web ingress udp port 7000 from 0.0.0.0/0 >/dev/null
rule_add "$srv" web ingress udp port 7000 from ::/0 >/dev/null
sg_egress_clear "$srv" web
assert sgt "$srv" flow limit 20000
assert sgt "$srv" iface attach veth2 web

buckets() { cat /sys/module/sgfw/parameters/hashsize; }
st() { sgj "$srv" status | jpy "$1"; }
grown() { [ "$(buckets)" -ge "$1" ]; }

assert_eq "buckets at load" 256 "$(buckets)"
tcp_hold held "$cli" 192.0.2.2 80
assert tcp_hold_echo held

log "6000 new flows: the table doubles past 2 flows a bucket"
assert_eq "IPv4 streams answered" 4000 \
	"$(udp_burst "$cli" 192.0.2.1 192.0.2.2 7000 4000 20000 200 2)"
assert_eq "IPv6 streams answered" 2000 \
	"$(udp_burst "$cli" fd00::1 fd00::2 7000 2000 30000 200 2)"
# 6001 flows: 256 doubles to 4096 (8192 past 8192 flows).
wait_until 20 grown 4096
log "buckets now $(buckets)"
assert_eq "buckets" 4096 "$(buckets)"
assert_eq "flows" 6001 "$(st 'j["flows"]')"
assert_eq "refused: chain full" 0 "$(st 'j["bucket_full"]')"
assert_eq "flows in the dump" 6001 \
	"$(sgj "$srv" flow show | jpy 'len(j)')"
log "the held connection's flow moved with every resize"
assert tcp_hold_echo held

log "the flows go (the device is detached): back to 256 buckets"
assert sgt "$srv" iface detach veth2
assert_eq "flows" 0 "$(st 'j["flows"]')"
shrunk() { [ "$(buckets)" -eq 256 ]; }
wait_until 20 shrunk
assert_eq "buckets" 256 "$(buckets)"
