#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real programs through port mode: instance 1 runs sshd, dnsmasq, a
# python http.server and an iperf3 server; its port p1 has a group that
# lets their ports in from the instances' network and has no egress rule
# at all.  Every reply leaves by its flow:
#
#  - ssh with a key, "ssh root@10.0.0.1 true" (IPv4) and a command over
#    IPv6, from instance 2, across the bridge;
#  - dig of a record dnsmasq serves, over UDP and TCP, both families;
#  - curl of a file, both families, from instance 2 and from the host; a
#    second http.server on 8081, which no rule allows, is not reached;
#  - iperf3, both directions (-R), from instance 2.
#
# Nothing in the instance's namespace is configured; its programs know
# nothing of sgfw.  No program here may be missing (scripts/deps.sh
# installs them all): a missing one fails the scenario.
#
#   +------------------------------ $nsh -------------------------------+
#   |                br0  10.0.0.254/24  fd00::fe/64  (curl)             |
#   |          p1 "srv", mode port, address 10.0.0.1 fd00::1             |
#   +----------|------------------------------|-------------------------+
#   $ns1 eth0 10.0.0.1, fd00::1          $ns2 eth0 10.0.0.2, fd00::2
#        sshd 22, dnsmasq 53,                 ssh, dig, curl, iperf3 -c
#        http.server 8080 and 8081,
#        iperf3 -s 5201
#
#   group "srv": in tcp/22, udp/53, tcp/53, tcp/8080, tcp/5201 from
#                10.0.0.0/24 and fd00::/64; out nothing
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
for c in /usr/sbin/sshd ssh ssh-keygen dnsmasq dig curl iperf3 ss; do
	command -v "$c" >/dev/null || fail "$c is not installed (scripts/deps.sh)"
done
topo_port_bridge
d=$SGFW_TMP/real
mkdir -m 700 "$d" "$d/www"

log "group srv on p1, in port mode, no egress rule"
assert sgt "$nsh" sg add srv
for net in 10.0.0.0/24 fd00::/64; do
	for p in "tcp port 22" "udp port 53" "tcp port 53" "tcp port 8080" \
		"tcp port 5201"; do
		# shellcheck disable=SC2086 # the words of p
		rule_add "$nsh" srv ingress $p from "$net" >/dev/null
	done
done
sg_egress_clear "$nsh" srv
assert sgt "$nsh" iface set p1 mode port address 10.0.0.1 fd00::1
assert sgt "$nsh" iface attach p1 srv

# bg NAME CMD...: CMD in the background in instance 1, its output in
# $d/NAME.log.
bg() {
	local name=$1
	shift
	nsx "$ns1" timeout "$SGFW_SERVER_LIFETIME" "$@" >"$d/$name.log" 2>&1 &
	_sgfw_pids+=("$!")
}
# listening PROTO PORT: something in instance 1 listens there.
listening() {
	nsx "$ns1" ss -Hln"${1:0:1}" "sport = :$2" | grep -q .
}

log "servers in instance 1"
ssh-keygen -q -t ed25519 -N '' -C sgfw-host -f "$d/host_key"
ssh-keygen -q -t ed25519 -N '' -C sgfw-client -f "$d/id"
cp "$d/id.pub" "$d/authorized_keys"
cat >"$d/sshd_config" <<EOC
ListenAddress 0.0.0.0:22
ListenAddress [::]:22
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile none
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
EOC
# sshd's privilege separation directory (a tmpfs in the guest).
mkdir -p /run/sshd
assert /usr/sbin/sshd -t -f "$d/sshd_config"
bg sshd /usr/sbin/sshd -D -e -f "$d/sshd_config"
bg dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null --no-hosts \
	--no-resolv --bind-interfaces --listen-address=10.0.0.1 \
	--listen-address=fd00::1 --port=53 --user=root --group=root \
	--pid-file="$d/dnsmasq.pid" --log-facility=- \
	--host-record=www.sgfw.test,10.9.9.9,fd00:9::9
echo sgfw-http-ok >"$d/www/index.txt"
bg http8080 python3 -m http.server 8080 --bind :: --directory "$d/www"
bg http8081 python3 -m http.server 8081 --bind :: --directory "$d/www"
bg iperf3 iperf3 -s -p 5201
for x in "tcp 22" "udp 53" "tcp 53" "tcp 8080" "tcp 8081" "tcp 5201"; do
	# shellcheck disable=SC2086 # the words of x
	(wait_until 60 listening $x) ||
		fail "nothing listens on $x: $(cat "$d"/*.log)"
done

log "ssh, key authentication, both families"
ssh_to() {
	local ns=$1
	shift
	nsx "$ns" ssh -F /dev/null -i "$d/id" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=30 -o LogLevel=ERROR "$@"
}
assert ssh_to "$ns2" root@10.0.0.1 true
assert_eq "ssh over IPv6" sgfw-ssh-ok "$(ssh_to "$ns2" root@fd00::1 echo sgfw-ssh-ok)"

log "DNS: dig over UDP and TCP, both families"
for a in 10.0.0.1 fd00::1; do
	for t in +notcp +tcp; do
		assert_eq "dig A @$a $t" 10.9.9.9 "$(nsx "$ns2" dig +short \
			+time=5 +tries=2 $t @"$a" www.sgfw.test A)"
		assert_eq "dig AAAA @$a $t" fd00:9::9 "$(nsx "$ns2" dig +short \
			+time=5 +tries=2 $t @"$a" www.sgfw.test AAAA)"
	done
done

log "HTTP: curl to 8080, from instance 2 and from the host; not 8081"
for ns in "$ns2" "$nsh"; do
	for u in 10.0.0.1 '[fd00::1]'; do
		assert_eq "curl http://$u:8080 from $ns" sgfw-http-ok \
			"$(nsx "$ns" curl -gsS --max-time 20 "http://$u:8080/index.txt")"
	done
done
n=$(dev_counter "$nsh" p1 dropped.no_rule)
assert_fails nsx "$ns2" curl -gsS --max-time 3 http://10.0.0.1:8081/index.txt
assert_fails nsx "$ns2" curl -gsS --max-time 3 'http://[fd00::1]:8081/index.txt'
[ "$(dev_counter "$nsh" p1 dropped.no_rule)" -gt "$n" ] ||
	fail "p1 dropped nothing of the connections to 8081"
assert_eq "requests served on 8081" 0 "$(grep -c 'GET ' "$d/http8081.log" || true)"

log "iperf3 both ways"
for x in "10.0.0.1" "fd00::1 -R"; do
	# shellcheck disable=SC2086 # the words of x
	nsx "$ns2" iperf3 -c $x -p 5201 -t 2 -J >"$d/iperf3-c.json" ||
		fail "iperf3 -c $x: $(cat "$d/iperf3-c.json" "$d/iperf3.log")"
	got=$(jpy 'j["end"]["sum_received"]["bytes"]' <"$d/iperf3-c.json")
	[ "$got" -gt 100000 ] || fail "iperf3 -c $x moved $got bytes"
done

log "the flows of p1 carried them all; instance 1 has no configuration"
assert_eq "ports of p1's flows" true "$(sgj "$nsh" flow show |
	jpy 'set((22, 53, 5201, 8080)) <= set(f["dport"] for f in j
		if f["device"] == "p1" and f["direction"] == "ingress")')"
assert_eq "devices configured in instance 1" 0 "$(sgj "$ns1" iface show | jpy "len(j)")"
