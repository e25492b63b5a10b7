#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP through groups.  Echo: the request needs a rule, the reply passes
# as part of the tracked query flow (with the device's UDP timeout).
# Errors: the port unreachable answering a tracked UDP datagram reaches the
# sender, whose group has no ingress rule at all, and its socket sees
# ECONNREFUSED; an error quoting a flow that does not exist is dropped,
# while the same error quoting a tracked flow passes, but only to the
# quoted packet's sender: to another address it is a stray one.
#
#   client, group "pinger"                  server, group "icmp-srv"
#   +------------------------------+        +-------------------------------+
#   | $ns1  in  (nothing)          |        | $ns2  in  icmp echo-request,  |
#   |       out everything         |        |           icmpv6 echo-request,|
#   |       udp-timeout 40         |        |           udp/9999 (closed)   |
#   | veth1 192.0.2.1, fd00::1 ---------------- veth2    from the client     |
#   +------------------------------+        |       out (nothing)           |
#                                           +-------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
topo_pair
cli=$ns1
srv=$ns2

assert sgt "$cli" sg add pinger
assert sgt "$cli" iface set veth1 udp-timeout 40
assert sgt "$cli" iface attach veth1 pinger

assert sgt "$srv" sg add icmp-srv
rule_add "$srv" icmp-srv ingress icmp icmp-type 8 from 192.0.2.1 >/dev/null
rule_add "$srv" icmp-srv ingress icmpv6 icmp-type 128 from fd00::1 >/dev/null
rule_add "$srv" icmp-srv ingress udp port 9999 from 192.0.2.1 >/dev/null
rule_add "$srv" icmp-srv ingress udp port 9999 from fd00::1 >/dev/null
sg_egress_clear "$srv" icmp-srv
assert sgt "$srv" iface attach veth2 icmp-srv

log "echo: client -> server answered, server -> client not"
for a in 192.0.2.2 fd00::2; do
	assert ping_ok "$cli" "$a"
done
for a in 192.0.2.1 fd00::1; do
	assert_fails ping_ok "$srv" "$a"
done
sgt "$cli" flow show
flow_check "$cli" 1 "f['protocol'] == 'icmp' and f['dst'] == '192.0.2.2'" \
	"f['src'] == '192.0.2.1'" "f['icmp_id'] is not None" \
	"f['sg'] == 'pinger'" "f['direction'] == 'egress'" \
	"30 < f['expires_in'] <= 40"
flow_check "$cli" 1 "f['protocol'] == 'icmpv6' and f['dst'] == 'fd00::2'" \
	"f['src'] == 'fd00::1'" "f['icmp_id'] is not None" \
	"f['sg'] == 'pinger'" "30 < f['expires_in'] <= 40"
flow_check "$srv" 2 "f['protocol'] in ('icmp', 'icmpv6')" \
	"f['sg'] == 'icmp-srv'" "f['direction'] == 'ingress'"

log "port unreachable for a tracked UDP datagram reaches its sender"
assert udp_refused "$cli" 192.0.2.1 41000 192.0.2.2 9999
assert udp_refused "$cli" fd00::1 41000 fd00::2 9999
flow_check "$cli" 2 "f['protocol'] == 'udp' and f['sport'] == 41000" \
	"f['dport'] == 9999"

log "a stray port unreachable is dropped, one about a tracked flow passes"
# The server may now send ICMP errors of its own making to the client: what
# happens to them is the client's group's business.
rule_add "$srv" icmp-srv egress icmp to 192.0.2.1 >/dev/null
rule_add "$srv" icmp-srv egress icmpv6 to fd00::1 >/dev/null
icmp_listen err4 "$cli" 192.0.2.1
icmp_listen err6 "$cli" fd00::1
before=$(dev_counter "$cli" veth1 dropped)
for x in "192.0.2.2 192.0.2.1" "fd00::2 fd00::1"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	# Quotes a datagram the client never sent.
	assert icmp_unreach "$srv" "$1" "$2" "$2" 41001 "$1" 9998
	# Quotes the client's tracked datagram.
	assert icmp_unreach "$srv" "$1" "$2" "$2" 41000 "$1" 9999
done
got_both() { bg_log err4 | grep -q 'port 41000' &&
	bg_log err6 | grep -q 'port 41000'; }
wait_until 5 got_both
bg_log err4
bg_log err6
if bg_log err4 | grep -q 'port 41001' || bg_log err6 | grep -q 'port 41001'; then
	fail "a port unreachable quoting no flow reached the client"
fi
after=$(dev_counter "$cli" veth1 dropped)
[ "$after" -ge $((before + 2)) ] ||
	fail "veth1 dropped $((after - before)) packets, expected 2 or more"

log "an error about a tracked flow that does not go to the quoted packet's sender is a stray one"
# The client has a second address; the server sends errors to it about
# the client's tracked datagrams to the server (from 192.0.2.1 and
# fd00::1).  They are no answer to anything: the server's group has no
# rule for them (its icmp rules are to 192.0.2.1 and fd00::1), nor has the
# client's.
addr_add "$cli" veth1 192.0.2.11/24 fd00::11/64
wait_until 5 dad_done "$cli"
icmp_listen err11 "$cli" 192.0.2.11
icmp_listen err611 "$cli" fd00::11
d=$(dev_counter "$srv" veth2 dropped.no_rule)
for x in "192.0.2.2 192.0.2.11 192.0.2.1" "fd00::2 fd00::11 fd00::1"; do
	# shellcheck disable=SC2086 # the fields of x
	set -- $x
	# Dropped at LOCAL_OUT: sendto() fails (EPERM).
	assert_fails icmp_unreach "$srv" "$1" "$2" "$3" 41000 "$1" 9999
done
sleep 1
assert_eq "errors dropped by the server's group (no_rule)" 2 \
	$(($(dev_counter "$srv" veth2 dropped.no_rule) - d))
if bg_log err11 | grep -q 'port 41000' || bg_log err611 | grep -q 'port 41000'; then
	fail "an error to another address of the client reached it"
fi
