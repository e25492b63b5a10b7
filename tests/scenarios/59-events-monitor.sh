#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The events group, through "sgtool -j monitor": configuration changes;
# flow-new and flow-end with the group, rule and reason of tcp, udp and
# icmp flows (flushed, closed, expired, group-gone, device-gone); drops
# with their reason (no-rule, nacl and its rule, table-full, invalid); the
# drop events' rate limit under a flood: at most event_rate a second are
# sent, and the suppressed counts they carry make up the rest exactly; and
# a namespace whose events are off builds none.
#
#   client                              server, group "web"
#   +---------------------+             +-------------------------------+
#   | $ns1                |             | $ns2  tcp/22 tcp/24 udp/53    |
#   | veth1 192.0.2.1 ----------------------- icmp echo from 192.0.2.1  |
#   |       fd00::1       |             |       tcp/22 from fd00::1     |
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

tcp_server "$srv" 192.0.2.2,fd00::2 22,80
udp_server "$srv" 192.0.2.2 53
monitor_start mon "$srv"

# flow EVENT RULE PROTO [COND]: the python condition for an event EVENT of
# a flow of rule RULE of web, opened from the client, of protocol PROTO.
flow() {
	echo "e['event'] == '$1' and e.get('sg') == 'web' and
		e.get('rule_id') == $2 and e['protocol'] == '$3' and
		e['dev'] == 'veth2' and e['direction'] == 'ingress' and
		e['src'] in ('192.0.2.1', 'fd00::1') and ${4:-True}"
}

log "configuration changes are events: which command, which object"
assert sgt "$srv" sg add web
a=$(rule_add "$srv" web ingress tcp port 22 from 192.0.2.1/32)
a6=$(rule_add "$srv" web ingress tcp port 22 from fd00::1/128)
c=$(rule_add "$srv" web ingress tcp port 24 from 192.0.2.1/32)
u=$(rule_add "$srv" web ingress udp port 53 from 192.0.2.1/32)
i=$(rule_add "$srv" web ingress icmp icmp-type 8 from 192.0.2.1/32)
# From anywhere, with the group's all-open egress rules: untracked.
w=$(rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0)
assert sgt "$srv" iface attach veth2 web
event_wait mon 10 "e['event'] == 'config' and e['cmd'] == 'sg-new' and e['name'] == 'web'"
assert_eq "rule-new events of web" 6 \
	"$(event_count mon "e['event'] == 'config' and e['cmd'] == 'rule-new' and e['name'] == 'web'")"
event_wait mon 10 "e['event'] == 'config' and e['cmd'] == 'iface-attach' and e['dev'] == 'veth2'"

log "tcp, both families: flow-new names the group and rule"
assert tcp_connect "$cli" 192.0.2.2 22
assert tcp_connect "$cli" fd00::2 22
event_wait mon 10 "$(flow flow-new "$a" tcp "e['dport'] == 22 and e['dst'] == '192.0.2.2'")"
event_wait mon 10 "$(flow flow-new "$a6" tcp "e['dport'] == 22 and e['dst'] == 'fd00::2'")"

log "a flush ends them, reason flushed, with their packets"
assert sgt "$srv" flow flush proto tcp dport 22
event_wait mon 10 "$(flow flow-end "$a" tcp "e['reason'] == 'flushed' and e['packets'] >= 6")"
event_wait mon 10 "$(flow flow-end "$a6" tcp "e['reason'] == 'flushed' and e['packets'] >= 6")"
assert_eq "tcp flow-end events" 2 \
	"$(event_count mon "e['event'] == 'flow-end' and e['protocol'] == 'tcp'")"

log "udp, icmp and a tcp connection refused (RST: closed in 10 s)"
assert udp_request "$cli" 192.0.2.2 53
assert ping_ok "$cli" 192.0.2.2
assert_fails tcp_connect "$cli" 192.0.2.2 24
event_wait mon 10 "$(flow flow-new "$u" udp "e['dport'] == 53")"
event_wait mon 10 "$(flow flow-new "$i" icmp "'icmp_id' in e")"
event_wait mon 10 "$(flow flow-new "$c" tcp "e['dport'] == 24")"
event_wait mon 30 "$(flow flow-end "$c" tcp "e['reason'] == 'closed' and e['state'] == 'close'")"
log "udp and icmp flows expire after 30 s idle"
event_wait mon 60 "$(flow flow-end "$u" udp "e['reason'] == 'expired' and e['packets'] == 2")"
event_wait mon 60 "$(flow flow-end "$i" icmp "e['reason'] == 'expired' and e['packets'] == 2")"
for ev in $(events mon "e['event'] == 'flow-end'" | tr -d ' '); do
	_py "" jpy 'j["end"] >= j["start"] > 1600000000' "$ev" | grep -qx true ||
		fail "flow-end times: $ev"
done

log "an untracked connection: its packets are untracked events, no flow"
assert tcp_connect "$cli" 192.0.2.2 80
event_wait mon 10 "e['event'] == 'untracked' and e.get('sg') == 'web' and e.get('rule_id') == $w and e['direction'] == 'ingress' and e['dport'] == 80 and e['bytes'] > 0"
assert_eq "flow events of the untracked connection" 0 \
	"$(event_count mon "e['event'] in ('flow-new', 'flow-end') and e.get('dport') == 80")"

log "a device that loses its groups ends its flows: group-gone"
tcp_hold held "$cli" 192.0.2.2 22
event_wait mon 10 "$(flow flow-new "$a" tcp)"
assert sgt "$srv" iface detach veth2
event_wait mon 10 "$(flow flow-end "$a" tcp "e['reason'] == 'group-gone'")"
assert sgt "$srv" iface attach veth2 web

log "drops: no rule, a NACL deny rule, invalid, a full table"
assert sgt "$srv" nacl add edge
assert sgt "$srv" nacl rule add edge 50 ingress deny udp port 7002 from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 100 ingress allow all from 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 ingress allow all from ::/0
assert sgt "$srv" nacl rule add edge 100 egress allow all to 0.0.0.0/0
assert sgt "$srv" nacl rule add edge 101 egress allow all to ::/0
assert sgt "$srv" iface nacl veth2 edge
drop() {
	echo "e['event'] == 'drop' and e['dev'] == 'veth2' and
		e['direction'] == 'ingress' and e['src'] == '192.0.2.1' and
		e['reason'] == '$1' and ${2:-True}"
}
assert udp_inject "$cli" 192.0.2.1 6101 192.0.2.2 7001
event_wait mon 10 "$(drop no-rule "e['dport'] == 7001 and e['sport'] == 6101 and 'nacl_rule' not in e and not e['audit']")"
assert udp_inject "$cli" 192.0.2.1 6201 192.0.2.2 7002
event_wait mon 10 "$(drop nacl "e['dport'] == 7002 and e['nacl_rule'] == 50")"
assert raw_send "$cli" 192.0.2.1 192.0.2.2 17 4
event_wait mon 10 "$(drop invalid "e['protocol'] == 'udp'")"
assert sgt "$srv" flow flush
assert sgt "$srv" flow limit 2
assert udp_exchange "$cli" 192.0.2.1 5001 192.0.2.2 53 2
assert udp_exchange "$cli" 192.0.2.1 5002 192.0.2.2 53 2
assert udp_inject "$cli" 192.0.2.1 5003 192.0.2.2 53
event_wait mon 10 "$(drop table-full "e['dport'] == 53 and e['sport'] == 5003")"
assert sgt "$srv" flow limit 65536

log "a flood of drops: the rate limit holds, the suppressed count is exact"
rate=$(cat /sys/module/sgfw/parameters/event_rate)
flood="e['event'] == 'drop' and e['reason'] == 'no-rule' and e['dport'] in (7003, 7004)"
before=$(dev_counter "$srv" veth2 dropped.no_rule)
t0=$(date +%s)
assert udp_flood "$cli" 192.0.2.1 192.0.2.2 7003 1 3000
t1=$(date +%s)
# The next window's first drop reports the rest of the flood.
sleep 1.2
assert udp_inject "$cli" 192.0.2.1 7999 192.0.2.2 7004
event_wait mon 10 "$flood and e['dport'] == 7004"
dropped=$(($(dev_counter "$srv" veth2 dropped.no_rule) - before))
assert_eq "drops of the flood and the last one" 3001 "$dropped"
sent=$(event_count mon "$flood")
suppressed=$(events mon "$flood" | tr -d ' ' | while read -r ev; do
	_py "" jpy 'j.get("suppressed", 0)' "$ev"
done | awk '{ s += $1 } END { print s + 0 }')
log "$sent drop events sent, $suppressed suppressed, in $((t1 - t0 + 1)) s"
assert_eq "events sent + suppressed = drops" "$dropped" $((sent + suppressed))
[ "$suppressed" -gt 0 ] || fail "nothing suppressed in a flood of 3000"
[ "$sent" -le $((rate * (t1 - t0 + 3))) ] ||
	fail "$sent drop events in $((t1 - t0 + 1)) s: more than $rate a second"
grep -q . "$SGFW_TMP/mon.mon.err" && fail "monitor: $(cat "$SGFW_TMP/mon.mon.err")"

log "monitor off: the namespace builds no event, until a monitor turns them on"
assert_eq "events, as status says" on "$(sgj "$srv" status | jpy 'j["events"]')"
assert sgt "$srv" monitor off
assert_eq "events, as status says" off "$(sgj "$srv" status | jpy 'j["events"]')"
assert udp_inject "$cli" 192.0.2.1 6301 192.0.2.2 7005
# A second monitor turns them on, and its mark reaches the first one too:
# whatever came before it has been heard.
monitor_start mon2 "$srv"
event_wait mon 10 "e['event'] == 'config' and e.get('name') == 'mark-mon2'"
assert_eq "events of the drop while off" 0 \
	"$(event_count mon "e['event'] == 'drop' and e['dport'] == 7005")"

log "a device deleted ends its flows: device-gone"
assert ping_ok "$cli" 192.0.2.2
event_wait mon 10 "$(flow flow-new "$i" icmp)"
nsx "$srv" ip link del veth2
event_wait mon 10 "e['event'] == 'flow-end' and e['reason'] == 'device-gone' and e['rule_id'] == $i"
exit 0
