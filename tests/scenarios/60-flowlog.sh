#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "sgtool monitor flowlog interval 5" during a 12 s iperf3 run: records in
# the AWS VPC Flow Logs version-2 format, one per flow per interval in
# which it carried packets, ACCEPT for the iperf3 data flow in at least
# two intervals, whose packets and bytes add up to what the flow counted
# (its flow-end event, after a flush); a REJECT record for a port no rule
# allows, and ACCEPT for an untracked connection (in no table: made from
# untracked events); every record parses with the version-2 field list.
# Then a custom format with sgfw's own fields.
#
#   client                              server, group "web"
#   +---------------------+             +-------------------------------+
#   | $ns1  iperf3 -c     |             | $ns2  iperf3 -s, tcp/5201     |
#   | veth1 192.0.2.1 ----------------------- veth2 from 192.0.2.1/32   |
#   +---------------------+             +-------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
require_cmd iperf3
topo_pair
cli=$ns1
srv=$ns2

assert sgt "$srv" sg add web
web=$(rule_add "$srv" web ingress tcp port 5201 from 192.0.2.1/32)
# From anywhere, with the group's all-open egress rules: untracked.
rule_add "$srv" web ingress tcp port 80 from 0.0.0.0/0 >/dev/null
tcp_server "$srv" 192.0.2.2 80
assert sgt "$srv" iface attach veth2 web
nsx "$srv" iperf3 -s -B 192.0.2.2 -p 5201 -1 >"$SGFW_TMP/iperf3-s.log" 2>&1 &
_sgfw_pids+=("$!")
monitor_start mon "$srv"
_listening() { nsx "$srv" ss -Hltn 'sport = :5201' | grep -q .; }

fl=$SGFW_TMP/flowlog
"$SGTOOL" -n "$srv" monitor flowlog interval 5 >"$fl" 2>"$fl.err" &
flpid=$!
_sgfw_pids+=("$flpid")
# Joined by the time a second has passed; records are made of what the
# kernel counted in any case.
sleep 1
kill -0 "$flpid" || fail "flowlog: $(cat "$fl.err")"

log "12 s of iperf3, and a connection to a port no rule allows"
wait_until 20 _listening
assert_fails tcp_connect "$cli" 192.0.2.2 5202
# An untracked connection: in no table, its records come from events.
assert tcp_connect "$cli" 192.0.2.2 80
nsx "$cli" iperf3 -c 192.0.2.2 -p 5201 -t 12 -J >"$SGFW_TMP/iperf3-c.json" ||
	fail "iperf3: $(cat "$SGFW_TMP/iperf3-c.json" "$SGFW_TMP/iperf3-s.log")"

log "the flows end (a flush): their last records follow"
assert sgt "$srv" flow flush dport 5201
event_wait mon 10 "e['event'] == 'flow-end' and e['reason'] == 'flushed' and e['rule_id'] == $web"
# The interval that saw the flush ends within 5 s; then stop the log.
sleep 6
kill -TERM "$flpid"
wait "$flpid" 2>/dev/null
rc=$?
cat "$fl"
assert_eq "flowlog exit status" 0 "$rc"
[ -s "$fl.err" ] && fail "flowlog: $(cat "$fl.err")"

# Every record: 14 fields, version 2, account-id -, interface veth2,
# protocol and ports numbers, start <= end, action and log-status known.
# The data flow (the flow-end of rule web with the most bytes): ACCEPT
# records in at least two intervals, adding up to its packets and bytes.
# The refused port: a REJECT record.
events mon "e['event'] == 'flow-end' and e['rule_id'] == $web" >"$SGFW_TMP/ends"
"$PYTHON" -S - "$fl" "$SGFW_TMP/ends" <<'PY' || fail "flow log records"
import json, sys
recs = [l.split() for l in open(sys.argv[1]).read().splitlines()]
ends = [json.loads(l) for l in open(sys.argv[2]).read().splitlines()]
bad = [r for r in recs if not (
    len(r) == 14 and r[0] == "2" and r[1] == "-" and r[2] == "veth2" and
    all(x.isdigit() for x in r[5:12]) and int(r[10]) <= int(r[11]) and
    r[12] in ("ACCEPT", "REJECT") and r[13] in ("OK", "NODATA", "SKIPDATA"))]
if bad or not recs:
    sys.exit("records that do not parse as version 2: %r" % (bad or recs))
e = max(ends, key=lambda e: e["bytes"])
mine = [r for r in recs if r[3] == e["src"] and r[4] == e["dst"] and
        r[5] == str(e["sport"]) and r[6] == str(e["dport"]) and
        r[7] == "6" and r[12] == "ACCEPT"]
got = (len(mine), sum(int(r[8]) for r in mine), sum(int(r[9]) for r in mine))
print("data flow: %d records, %d packets, %d bytes; flow-end %d, %d" %
      (got + (e["packets"], e["bytes"])))
if got[0] < 2 or got[1:] != (e["packets"], e["bytes"]):
    sys.exit("the records of the data flow do not add up to its flow-end")
if not [r for r in recs if r[6] == "5202" and r[7] == "6" and
        r[12] == "REJECT" and int(r[8]) >= 1]:
    sys.exit("no REJECT record for port 5202")
if not [r for r in recs if r[3] == "192.0.2.1" and r[6] == "80" and
        r[7] == "6" and r[12] == "ACCEPT" and int(r[8]) >= 3]:
    sys.exit("no ACCEPT record for the untracked connection to port 80")
PY

log "a custom format with sgfw's fields"
"$SGTOOL" -n "$srv" monitor flowlog interval 1 format \
	'${srcaddr}>${dstaddr}:${dstport} ${action} sg=${sg} rule=${rule-id} ${flow-direction} ${vpc-id}' \
	>"$fl.2" 2>&1 &
flpid=$!
_sgfw_pids+=("$flpid")
sleep 1
assert_fails tcp_connect "$cli" 192.0.2.2 5203
wait_until 20 grep -q "^192.0.2.1>192.0.2.2:5203 REJECT sg=- rule=- ingress -\$" "$fl.2"
kill -TERM "$flpid"
wait "$flpid" 2>/dev/null
assert_fails "$SGTOOL" -n "$srv" monitor flowlog format '${no-such-field}'
exit 0
