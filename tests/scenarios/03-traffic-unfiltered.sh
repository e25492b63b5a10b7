#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device with no security group is not filtered: with sgfw loaded and no
# group anywhere, ICMP echo, TCP and UDP pass both ways over IPv4 and IPv6.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

topo_pair

for dst in 192.0.2.2 fd00::2; do
	assert ping_ok "$ns1" "$dst"
done
for dst in 192.0.2.1 fd00::1; do
	assert ping_ok "$ns2" "$dst"
done

tcp_server "$ns2" 192.0.2.2 8080
tcp_server "$ns2" fd00::2 8080
udp_server "$ns2" 192.0.2.2 5353
udp_server "$ns2" fd00::2 5353
tcp_server "$ns1" 192.0.2.1 8080
tcp_server "$ns1" fd00::1 8080
udp_server "$ns1" 192.0.2.1 5353
udp_server "$ns1" fd00::1 5353

log "ns1 -> ns2"
assert tcp_connect "$ns1" 192.0.2.2 8080
assert tcp_connect "$ns1" fd00::2 8080
assert udp_request "$ns1" 192.0.2.2 5353
assert udp_request "$ns1" fd00::2 5353
log "ns2 -> ns1"
assert tcp_connect "$ns2" 192.0.2.1 8080
assert tcp_connect "$ns2" fd00::1 8080
assert udp_request "$ns2" 192.0.2.1 5353
assert udp_request "$ns2" fd00::1 5353

# The probes must be able to fail: nothing listens on this port.
assert_fails tcp_connect "$ns1" 192.0.2.2 8081
assert_fails udp_request "$ns1" fd00::2 5354

# Unfiltered traffic is not tracked either.
if [ -x "$SGTOOL" ]; then
	for ns in "$ns1" "$ns2"; do
		flows=$("$SGTOOL" -n "$ns" -j status |
			"$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["flows"])')
		assert_eq "flows tracked in $ns" 0 "$flows"
	done
fi
