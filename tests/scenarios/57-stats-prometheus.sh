#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `sgtool stats -o prometheus` prints the namespace's figures, each
# device's packets accepted and dropped by reason, and each rule's flows in
# the Prometheus text format: promtool (Debian's prometheus package)
# checks it, and its samples are the counts that happened.
#
#   client                              server, group "web"
#   +---------------------+             +------------------------------+
#   | $ns1                |             | $ns2  tcp/22 from 192.0.2.1  |
#   | veth1 192.0.2.1 ----------------------- veth2 192.0.2.2          |
#   |  3 connections to 22, one refused on 23                          |
#   +---------------------+             +------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
promtool=$SGFW_CACHE/prometheus/usr/bin/promtool
[ -x "$promtool" ] || fail "no promtool at $promtool (scripts/deps.sh unpacks it)"
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2 22
assert sgt "$srv" sg add web
id=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.1/32)
other=$(rule_add "$srv" web ingress tcp port 24 from 192.0.2.1/32)
assert sgt "$srv" flow limit 5000
assert sgt "$srv" iface attach veth2 web
for _ in 1 2 3; do
	assert tcp_connect "$cli" 192.0.2.2 22
done
assert_fails tcp_connect "$cli" 192.0.2.2 23

out=$(sgt "$srv" stats -o prometheus) || fail "stats -o prometheus: $out"
printf '%s\n' "$out"
lint=$(printf '%s\n' "$out" | "$promtool" check metrics 2>&1) ||
	fail "promtool check metrics: $lint"
assert_eq "promtool's remarks" "" "$lint"

# sample NAME{LABELS}: its value, from the exposition above.
sample() {
	printf '%s\n' "$out" | awk -v k="$1" '$1 == k { print $2; n++ }
		END { if (n != 1) print "(" n + 0 " samples)" }'
}
assert_eq "flows of the rule" 3 "$(sample "sgfw_rule_flows_total{sg=\"web\",rule=\"$id\"}")"
assert_eq "flows of the other rule" 0 "$(sample "sgfw_rule_flows_total{sg=\"web\",rule=\"$other\"}")"
assert_eq "flow limit" 5000 "$(sample sgfw_flow_limit)"
assert_eq "spoofed drops" 0 \
	"$(sample 'sgfw_device_dropped_packets_total{device="veth2",reason="spoofed"}')"
norule=$(sample 'sgfw_device_dropped_packets_total{device="veth2",reason="no_rule"}')
[[ "$norule" =~ ^[0-9]+$ ]] && [ "$norule" -ge 1 ] ||
	fail "no_rule drops: expected at least the refused SYN, got '$norule'"
acc=$(sample 'sgfw_device_accepted_packets_total{device="veth2"}')
[[ "$acc" =~ ^[0-9]+$ ]] && [ "$acc" -ge 9 ] ||
	fail "accepted: expected the packets of 3 connections, got '$acc'"
# Every counter has its HELP and TYPE (promtool checks the rest).
for m in sgfw_flows sgfw_conntrack_allowance_exceeded_total \
	sgfw_conntrack_allowance_available sgfw_flows_evicted_total; do
	printf '%s\n' "$out" | grep -q "^# TYPE $m " || fail "no $m"
done

log "a bad format is a usage error"
rc=0
out=$(sgt "$srv" stats -o yaml 2>&1) || rc=$?
assert_eq "exit status of -o yaml" 1 "$rc"
assert_match "its message" 'unknown format "yaml"' "$out"
