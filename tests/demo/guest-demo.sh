#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The session `make demo` shows: run by tests/qemu/run.sh --script inside a
# guest kernel with sgfw loaded.  Every command is printed as a user would
# type it ("$ ..."), followed by its real output; "#" lines tell the story.
# Exits non-zero if any step did not turn out as the story says.
#
#   namespace "client"                       namespace "server"
#   veth-c 192.0.2.1  --------------------  veth-s 192.0.2.2
#                                            tcp/22 and tcp/23 echo services
#                                            group "ssh-only" on veth-s,
#                                            then tcp/80 with NACL "web",
#                                            then with group "web"
#
#   then the guest's own namespace as a host bridging two instances:
#   br-demo -- vnet1 (port mode, group "vm-ssh") -- vm1 eth0 10.0.1.1
#           -- vnet2                             -- vm2 eth0 10.0.1.2
set -u
set -o pipefail

demo=$(cd "$(dirname "$0")" && pwd)
work=/tmp/sgfw-demo
mkdir -p "$work/bin"
# "sgtool" and "probe" as a user would have them on the PATH.
ln -sf "${SGTOOL:?}" "$work/bin/sgtool"
printf '#!/bin/sh\nexec /usr/bin/python3 -S %s/probe.py "$@"\n' "$demo" \
	>"$work/bin/probe"
chmod +x "$work/bin/probe"
export PATH=$work/bin:$PATH
out=$work/out
unexpected=0

cleanup() {
	ip netns pids client 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids server 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del client 2>/dev/null
	ip netns del server 2>/dev/null
	ip netns pids vm1 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del vm1 2>/dev/null
	ip netns del vm2 2>/dev/null
	ip link del br-demo 2>/dev/null
	ip link del vnet1 2>/dev/null
	ip link del vnet2 2>/dev/null
}
trap cleanup EXIT

# say TEXT: narration, wrapped.
say() {
	echo
	echo "$*" | fold -s -w 74 | sed 's/ *$//; s/^/# /'
}

# cmd LINE: print LINE as typed, run it; its output is also kept in $out.
cmd() {
	printf '$ %s\n' "$1"
	eval "$1" 2>&1 | tee "$out"
}

# expect ok|fail LINE: cmd LINE, which the story needs to succeed or fail.
expect() {
	local rc=0
	cmd "$2" || rc=$?
	if { [ "$1" = ok ] && [ "$rc" -ne 0 ]; } ||
	   { [ "$1" = fail ] && [ "$rc" -eq 0 ]; }; then
		echo "!!! this should have $([ "$1" = ok ] && echo worked || echo failed)"
		unexpected=$((unexpected + 1))
	fi
}

# background LINE: print LINE as typed (it ends with "&") and start it.
background() {
	printf '$ %s\n' "$1"
	eval "$1"
}

# wait_for SECONDS CMD...: until CMD succeeds.
wait_for() {
	local _
	for _ in $(seq $(($1 * 10))); do
		"${@:2}" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "!!! gave up waiting for: ${*:2}"
	unexpected=$((unexpected + 1))
	return 1
}

say "sgfw gives a Linux host the security groups of AWS EC2: named sets of" \
	"allow rules that you attach to network devices.  This guest runs" \
	"Debian's $(uname -r) kernel, with the sgfw module loaded."
cmd 'lsmod | grep -w sgfw'
cmd 'sgtool version'
cmd 'sgtool status'

say "Two network namespaces play two machines, \"server\" (192.0.2.2) and" \
	"\"client\" (192.0.2.1), joined by a virtual cable (a veth pair)."
cmd 'ip netns add server'
cmd 'ip netns add client'
cmd 'ip -n server link add veth-s type veth peer name veth-c netns client'
cmd 'ip -n server addr add 192.0.2.2/24 dev veth-s'
cmd 'ip -n client addr add 192.0.2.1/24 dev veth-c'
cmd 'ip -n server link set veth-s up'
cmd 'ip -n client link set veth-c up'

say "The server offers two TCP services that echo what they get: port 22" \
	"(think ssh) and port 23 (think telnet).  Its device has no security" \
	"group yet, so sgfw leaves it alone: both answer."
background 'ip netns exec server probe serve 22 23 &'
wait_for 10 sh -c "ip netns exec server ss -Hltn 'sport = :23' | grep -q LISTEN"
expect ok 'ip netns exec client probe connect 192.0.2.2 22'
expect ok 'ip netns exec client probe connect 192.0.2.2 23'

say "A security group that lets in tcp/22 from the client, and nothing" \
	"else.  A new group has one egress rule per address family that allows" \
	"everything out; delete those too, so that no rule lets anything leave" \
	"the server."
cmd 'sgtool -n server sg add ssh-only desc "ssh from the client"'
cmd 'sgtool -n server rule add ssh-only ingress tcp port 22 from 192.0.2.1/32 desc ssh'
ssh_rule=$(sed -n 's/^rule \([0-9][0-9]*\) added$/\1/p' "$out")
cmd 'sgtool -n server sg show ssh-only'
for id in $(sgtool -n server -j sg show ssh-only | /usr/bin/python3 -c '
import json, sys
print(" ".join(str(r["id"]) for g in json.load(sys.stdin)
               for r in g["rules"] if r["direction"] == "egress"))'); do
	cmd "sgtool -n server rule del ssh-only $id"
done
cmd 'sgtool -n server sg show ssh-only'
cmd 'sgtool -n server iface attach veth-s ssh-only'

say "The server's answers go to the client's ephemeral port (Linux picks" \
	"one in 32768-60999), and no rule allows anything out.  A stateless" \
	"filter, like an AWS network ACL or an iptables whitelist without" \
	"conntrack, would drop them unless that whole port range were open" \
	"outbound.  A security group is stateful: it remembers each connection" \
	"one of its rules let in, and lets that connection's replies through" \
	"whatever the rules of the other direction say.  So ssh works, and" \
	"telnet, which no rule allows, gets no answer:"
expect ok 'ip netns exec client probe connect 192.0.2.2 22'
expect fail 'ip netns exec client probe connect 192.0.2.2 23'

say "sgfw keeps its own connection table; each flow names the group and" \
	"the rule that admitted it:"
cmd 'sgtool -n server flow show'

say "Rule changes do not cut tracked connections.  Open a long-lived" \
	"session, as an ssh login would be, and type something in it:"
background 'ip netns exec client probe session 192.0.2.2 22 /tmp/ssh &'
wait_for 10 grep -q open /tmp/ssh/status
expect ok 'probe say /tmp/ssh "uptime"'

say "Now delete the rule that let it in:"
cmd "sgtool -n server rule del ssh-only $ssh_rule"
cmd 'sgtool -n server sg show ssh-only'

say "The open session goes on working; a new connection is refused at" \
	"once.  The session's flow is still in the table, naming the rule" \
	"that no longer exists:"
expect ok 'probe say /tmp/ssh "still there?"'
expect fail 'ip netns exec client probe connect 192.0.2.2 22'
cmd 'sgtool -n server flow show'

say "AWS has a second, stateless layer: network ACLs, numbered allow and" \
	"deny rules that judge every packet on its own.  Serve a web page on" \
	"port 80, give the server a NACL that lets tcp/80 in and nothing out," \
	"and take the group off:"
background 'ip netns exec server probe serve 80 &'
wait_for 10 sh -c "ip netns exec server ss -Hltn 'sport = :80' | grep -q LISTEN"
cmd 'sgtool -n server nacl add web'
cmd 'sgtool -n server nacl rule add web 100 ingress allow tcp port 80 from 192.0.2.0/24'
cmd 'sgtool -n server iface nacl veth-s web'
cmd 'sgtool -n server iface detach veth-s'
expect fail 'ip netns exec client probe connect 192.0.2.2 80'

say "The requests got in (rule 100 counted them), but the answers go to" \
	"the client's ephemeral port, and no rule lets them out.  Linux picks" \
	"that port in this range:"
cmd 'sgtool -n server nacl show web'
cmd 'ip netns exec client sysctl net.ipv4.ip_local_port_range'

say "So the NACL needs an egress rule for that whole range, towards the" \
	"clients:"
cmd 'sgtool -n server nacl rule add web 100 egress allow tcp port 32768-60999 to 192.0.2.0/24'
expect ok 'ip netns exec client probe connect 192.0.2.2 80'
cmd 'sgtool -n server nacl show web'

say "The group did the same job with no egress rule at all: it remembers" \
	"each connection it let in.  Swap the NACL for a group that lets" \
	"tcp/80 in and has no egress rule:"
cmd 'sgtool -n server sg add web'
cmd 'sgtool -n server rule add web ingress tcp port 80 from 192.0.2.0/24'
for id in $(sgtool -n server -j sg show web | /usr/bin/python3 -c '
import json, sys
print(" ".join(str(r["id"]) for g in json.load(sys.stdin)
               for r in g["rules"] if r["direction"] == "egress"))'); do
	cmd "sgtool -n server rule del web $id"
done
cmd 'sgtool -n server iface attach veth-s web'
cmd 'sgtool -n server iface nacl veth-s none'
expect ok 'ip netns exec client probe connect 192.0.2.2 80'

say "Counters: the conntrack allowance (flows that can still be tracked," \
	"and packets dropped because the table was full), then the packets" \
	"each filtered device accepted and dropped:"
cmd 'sgtool -n server stats'

say "Port mode.  On a hypervisor or a container host the group belongs" \
	"outside the instance, where its root cannot touch it.  The host" \
	"(this guest's own namespace) bridges two instances, \"vm1\"" \
	"(10.0.1.1) and \"vm2\" (10.0.1.2), each on a veth pair whose host end" \
	"is on the bridge; vm1 runs the same two services."
cmd 'ip netns add vm1'
cmd 'ip netns add vm2'
cmd 'ip link add br-demo type bridge'
cmd 'ip link add vnet1 type veth peer name eth0 netns vm1'
cmd 'ip link add vnet2 type veth peer name eth0 netns vm2'
for c in 'ip link set vnet1 master br-demo' 'ip link set vnet2 master br-demo' \
	 'ip -n vm1 addr add 10.0.1.1/24 dev eth0' \
	 'ip -n vm2 addr add 10.0.1.2/24 dev eth0' \
	 'ip link set br-demo up' 'ip link set vnet1 up' 'ip link set vnet2 up' \
	 'ip -n vm1 link set eth0 up' 'ip -n vm2 link set eth0 up'; do
	cmd "$c"
done
background 'ip netns exec vm1 probe serve 22 23 &'
wait_for 10 sh -c "ip netns exec vm1 ss -Hltn 'sport = :23' | grep -q LISTEN"

say "The host puts vnet1, vm1's port, in port mode with vm1's address, and" \
	"gives it a group that lets tcp/22 in from the subnet.  Directions are" \
	"vm1's: ingress is what goes into vnet1 towards it."
cmd 'sgtool sg add vm-ssh'
cmd 'sgtool rule add vm-ssh ingress tcp port 22 from 10.0.1.0/24'
cmd 'sgtool iface attach vnet1 vm-ssh'
cmd 'sgtool iface set vnet1 mode port address 10.0.1.1'
cmd 'sgtool iface show vnet1'
expect ok 'ip netns exec vm2 probe connect 10.0.1.1 22'
expect fail 'ip netns exec vm2 probe connect 10.0.1.1 23'

say "vm1's root has no sgfw configuration to change, and cannot name" \
	"vnet1, which is not in its namespace:"
cmd 'sgtool -n vm1 iface show'
expect fail 'sgtool -n vm1 iface set vnet1 mode endpoint'

say "The source check: vm1 may send only from its own address.  A packet" \
	"it sends from another (root in vm1 adds 10.0.1.99 and pings from it)" \
	"never reaches the bridge, and counts as spoofed:"
cmd 'ip -n vm1 addr add 10.0.1.99/24 dev eth0'
expect ok 'ip netns exec vm1 ping -c 1 -W 2 -I 10.0.1.1 10.0.1.2'
expect fail 'ip netns exec vm1 ping -c 1 -W 2 -I 10.0.1.99 10.0.1.2'
cmd 'sgtool stats'

echo
if [ "$unexpected" -ne 0 ]; then
	echo "# $unexpected step(s) did not turn out as described above"
	exit 1
fi
echo "# That was sgfw.  More: sgtool help, man sgtool, README.md."
