#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP request and reply through a group that allows only the request (a
# DNS server with no egress rule): the reply passes as part of the tracked
# flow.  One exchange leaves the flow in udp-single with the device's UDP
# timeout; several make it a udp-stream with the stream timeout.  When the
# single flow has expired, a "reply" from the server to the client's old
# port is dropped, while one on the stream, still alive, passes.
#
#   client                                server, group "dns":
#   +---------------------+               +-------------------------------+
#   | $ns1                |               | $ns2  in  udp/53 from         |
#   | veth1 192.0.2.1 -------------------------- veth2   192.0.2.1/32,     |
#   |       fd00::1       |               |             fd00::1/128       |
#   | ports 40001 (once), |               |       out (nothing)           |
#   | 40002 (a stream)    |               |       udp-timeout 30          |
#   +---------------------+               |       udp-stream-timeout 90   |
#                                         +-------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

udp_server "$srv" 192.0.2.2,fd00::2 53

log "group dns: udp/53 from the client, no egress rule"
assert sgt "$srv" sg add dns
rule_add "$srv" dns ingress udp port 53 from 192.0.2.1/32 >/dev/null
rule_add "$srv" dns ingress udp port 53 from fd00::1/128 >/dev/null
sg_egress_clear "$srv" dns
assert sgt "$srv" iface set veth2 udp-timeout 30 udp-stream-timeout 90
assert sgt "$srv" iface attach veth2 dns
assert_eq "veth2 timeouts" '[30, 90]' "$(sgj "$srv" iface show veth2 |
	jpy '[j[0]["udp_timeout"], j[0]["udp_stream_timeout"]]')"

for x in "192.0.2.1 192.0.2.2" "fd00::1 fd00::2"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	log "$1: one exchange from port 40001, three from port 40002"
	assert udp_exchange "$cli" "$1" 40001 "$2" 53 1
	assert udp_exchange "$cli" "$1" 40002 "$2" 53 3
done
assert_eq "requests served" 8 "$(server_log udp "$srv" 53 | wc -l)"

sgt "$srv" flow show
flow_check "$srv" 2 "f['protocol'] == 'udp' and f['sport'] == 40001" \
	"f['dport'] == 53" "f['state'] == 'udp-single'" "f['sg'] == 'dns'" \
	"20 < f['expires_in'] <= 30"
flow_check "$srv" 2 "f['protocol'] == 'udp' and f['sport'] == 40002" \
	"f['dport'] == 53" "f['state'] == 'udp-stream'" "f['sg'] == 'dns'" \
	"75 < f['expires_in'] <= 90"

# The server's "replies" to come arrive here, if they get out at all.
udp_listen single4 "$cli" 192.0.2.1 40001
udp_listen single6 "$cli" fd00::1 40001
udp_listen stream4 "$cli" 192.0.2.1 40002
udp_listen stream6 "$cli" fd00::1 40002

log "waiting for the single flows to expire"
left=$(sgj "$srv" flow show |
	jpy 'int(max(f["expires_in"] for f in j if f["sport"] == 40001))')
sleep $((left > 2 ? left - 2 : 0))
# flow_check fails by exiting: a subshell turns that into a status.
single_gone() { (flow_check "$srv" 0 "f['sport'] == 40001"); }
wait_until 15 single_gone
sgt "$srv" flow show
flow_check "$srv" 2 "f['sport'] == 40002" "f['state'] == 'udp-stream'"

log "after expiry the server cannot send to port 40001; to 40002 it can"
before=$(dev_counter "$srv" veth2 dropped)
# A packet dropped on its way out fails the send with EPERM.
assert_fails udp_inject "$srv" 192.0.2.2 53 192.0.2.1 40001
assert_fails udp_inject "$srv" fd00::2 53 fd00::1 40001
assert udp_inject "$srv" 192.0.2.2 53 192.0.2.1 40002
assert udp_inject "$srv" fd00::2 53 fd00::1 40002
got_stream() { bg_log stream4 | grep -q sgfw-inject &&
	bg_log stream6 | grep -q sgfw-inject; }
wait_until 5 got_stream
assert_eq "datagrams to the expired flow (IPv4)" "" "$(bg_log single4)"
assert_eq "datagrams to the expired flow (IPv6)" "" "$(bg_log single6)"
after=$(dev_counter "$srv" veth2 dropped)
[ "$after" -ge $((before + 2)) ] ||
	fail "veth2 dropped $((after - before)) packets, expected 2 or more"
# A packet leaving the server cannot open a flow either.
flow_check "$srv" 0 "f['sport'] == 40001 or f['dport'] == 40001"
