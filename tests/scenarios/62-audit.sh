#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Audit mode: a group that would refuse ssh lets it through on a device in
# audit mode, counts what it let pass under the reason it would have
# dropped it ("audit" in stats -j, not in "dropped"), reports each such
# packet as a drop event marked audit, and explain says so; switching
# audit off refuses the next new connection.  The setting survives save
# and apply, and shows in iface show.
#
#   client                              server, group "strict": tcp/80
#   +---------------------+             +-------------------------------+
#   | $ns1                |             | $ns2  "ssh" on tcp/22         |
#   | veth1 192.0.2.1 ----------------------- veth2                     |
#   +---------------------+             +-------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

tcp_server "$srv" 192.0.2.2,fd00::2 22
assert sgt "$srv" sg add strict
rule_add "$srv" strict ingress tcp port 80 from 0.0.0.0/0 >/dev/null
assert sgt "$srv" iface attach veth2 strict
monitor_start mon "$srv"

# audited REASON / dropped REASON: the device's counters.
audited() { stats_get "$srv" "[d['audit']['$1'] for d in j['devices'] if d['device'] == 'veth2'][0]"; }

log "enforced: ssh is refused"
assert_fails tcp_connect "$cli" 192.0.2.2 22
d0=$(dev_counter "$srv" veth2 dropped.no_rule)
[ "$d0" -gt 0 ] || fail "no drop counted"
assert_eq "audited before audit mode" 0 "$(audited no_rule)"

log "audit on: ssh passes, counted as audited, reported as an audit drop"
assert sgt "$srv" iface set veth2 audit on
sgt "$srv" iface show veth2 | grep -q "audit on" ||
	fail "iface show: $(sgt "$srv" iface show veth2)"
assert_eq "iface show -j audit" True \
	"$(sgj "$srv" iface show veth2 | jpy 'str(j[0]["audit"])')"
out=$(sgt "$srv" explain veth2 ingress tcp 192.0.2.1:20022 192.0.2.2:22)
echo "$out" | grep -qx "verdict drop no-rule (audit: passes)" ||
	fail "explain in audit mode: $out"
assert tcp_connect "$cli" 192.0.2.2 22
assert tcp_connect "$cli" fd00::2 22
a=$(audited no_rule)
[ "$a" -ge 2 ] || fail "audited no_rule: $a, expected the SYNs at least"
assert_eq "audit.total" "$a" "$(stats_get "$srv" "[d['audit']['total'] for d in j['devices'] if d['device'] == 'veth2'][0]")"
assert_eq "dropped while in audit mode" "$d0" \
	"$(dev_counter "$srv" veth2 dropped.no_rule)"
event_wait mon 10 "e['event'] == 'drop' and e['audit'] and e['reason'] == 'no-rule' and e['dport'] == 22 and e['src'] == '192.0.2.1'"
event_wait mon 10 "e['event'] == 'drop' and e['audit'] and e['dport'] == 22 and e['src'] == 'fd00::1'"
# Nothing was tracked: the group has no rule for it.
flow_check "$srv" 0 "f['dport'] == 22"
sgt "$srv" stats | grep -q "audited" || fail "stats text: $(sgt "$srv" stats)"
sgt "$srv" stats -o prometheus |
	grep -q '^sgfw_device_audited_packets_total{device="veth2",reason="no_rule"} [1-9]' ||
	fail "prometheus: $(sgt "$srv" stats -o prometheus)"

log "the setting is kept by save and apply"
sgt "$srv" save >"$SGFW_TMP/conf.json" || fail "save"
grep -q '"audit": *true' "$SGFW_TMP/conf.json" ||
	fail "saved: $(cat "$SGFW_TMP/conf.json")"
assert sgt "$srv" iface set veth2 audit off
assert sgt "$srv" apply "$SGFW_TMP/conf.json"
assert_eq "audit after apply" True \
	"$(sgj "$srv" iface show veth2 | jpy 'str(j[0]["audit"])')"

log "audit off: the next new connection is refused"
a=$(audited no_rule)
assert sgt "$srv" iface set veth2 audit off
assert_eq "iface show -j audit" False \
	"$(sgj "$srv" iface show veth2 | jpy 'str(j[0]["audit"])')"
assert_fails tcp_connect "$cli" 192.0.2.2 22
[ "$(dev_counter "$srv" veth2 dropped.no_rule)" -gt "$d0" ] ||
	fail "nothing dropped after audit off"
assert_eq "audited after audit off" "$a" "$(audited no_rule)"
exit 0
