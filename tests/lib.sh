# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the scenarios of tests/scenarios, which run as root inside a
# test guest (tests/qemu/run.sh) with sgfw loaded.  A scenario sources this
# file, builds its namespaces, and fails by exiting non-zero (every assert_*
# helper exits with a message saying what failed).  The namespaces, their
# devices and every background process go away on exit, however it exits.
#
# The standard topology, built by topo_pair:
#
#   +--------------------------+           +--------------------------+
#   | netns $ns1 (n1 CMD...)   |           | netns $ns2 (n2 CMD...)   |
#   |                          |   veth    |                          |
#   |   veth1 ---------------------------------- veth2                |
#   |   192.0.2.1/24           |           |   192.0.2.2/24           |
#   |   fd00::1/64             |           |   fd00::2/64             |
#   +--------------------------+           +--------------------------+
#
# Addresses are TEST-NET-1 and a unique-local prefix; they exist only inside
# the namespaces, so no test packet can leave the guest.
#
# Everything is bounded in time: network probes give up after
# $SGFW_NET_TIMEOUT seconds (2), servers exit after $SGFW_SERVER_LIFETIME
# seconds (120), and waits take an explicit limit.
#
# Environment set by tests/qemu/guest-init.sh: SGFW_REPO, SGFW_RELEASE,
# SGFW_KO (the module), SGTOOL (the CLI), SGFW_CACHE, PYTHON, V.

set -eu
set -o pipefail

SGFW_REPO=${SGFW_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SGFW_RELEASE=${SGFW_RELEASE:-$(uname -r)}
SGFW_KO=${SGFW_KO:-$SGFW_REPO/build/$SGFW_RELEASE/sgfw.ko}
SGTOOL=${SGTOOL:-$SGFW_REPO/tools/sgtool/sgtool}
SGFW_CACHE=${SGFW_CACHE:-/var/cache/sgfw}
PYTHON=${PYTHON:-/usr/bin/python3}
SGFW_NET_TIMEOUT=${SGFW_NET_TIMEOUT:-2}
SGFW_SERVER_LIFETIME=${SGFW_SERVER_LIFETIME:-120}
export PYTHONDONTWRITEBYTECODE=1 SGFW_NET_TIMEOUT

# Namespace names are unique per scenario run, so a leftover of one run can
# never be mistaken for a namespace of the next.
ns1=sgfw$$-1
ns2=sgfw$$-2
ns3=sgfw$$-3
nsh=sgfw$$-h

SGFW_TMP=$(mktemp -d /tmp/sgfw.XXXXXX)
_sgfw_netns=()		# namespaces to delete at exit
_sgfw_pids=()		# background processes to kill at exit
_sgfw_exit_hooks=()	# commands to run at exit, last registered first

# ---------------------------------------------------------------- reporting

log() { echo "== $*"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Counted as a failure by the harness, with the reason on the TAP line.
skip() {
	echo "SKIP: $*"
	exit 77
}

pretty_cmd() { printf '%q ' "$@"; }

# assert CMD...: CMD must succeed.
assert() {
	local out
	if ! out=$("$@" 2>&1); then
		[ -n "$out" ] && echo "$out" | sed 's/^/    /' >&2
		fail "expected success: $(pretty_cmd "$@")"
	fi
	[ "${V:-0}" = 1 ] && [ -n "$out" ] && echo "$out"
	return 0
}

# assert_fails CMD...: CMD must fail.
assert_fails() {
	local out
	if out=$("$@" 2>&1); then
		[ -n "$out" ] && echo "$out" | sed 's/^/    /' >&2
		fail "expected failure: $(pretty_cmd "$@")"
	fi
	return 0
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# imatch TEXT REGEX: TEXT matches the extended regular expression REGEX,
# case aside (no process: bash's own regex matching).
imatch() {
	local rc=0
	shopt -s nocasematch
	[[ $1 =~ $2 ]] || rc=1
	shopt -u nocasematch
	return $rc
}

# assert_match WHAT REGEX ACTUAL (extended regular expression)
assert_match() {
	echo "$3" | grep -Eq -- "$2" || fail "$1: '$3' does not match /$2/"
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds; fail if
# it never does.
wait_until() {
	local limit=$1 deadline
	shift
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] ||
			fail "gave up after ${limit}s waiting for: $(pretty_cmd "$@")"
		sleep 0.1
	done
}

require_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
	done
}

# The CLI is built separately (make -C tools/sgtool).
require_sgtool() {
	[ -x "$SGTOOL" ] || skip "$SGTOOL is not built"
}

# ---------------------------------------------------------------- cleanup

at_exit() { _sgfw_exit_hooks+=("$*"); }

cleanup() {
	local i pid ns
	set +e
	for ((i = ${#_sgfw_exit_hooks[@]} - 1; i >= 0; i--)); do
		eval "${_sgfw_exit_hooks[i]}"
	done
	for pid in "${_sgfw_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ns in "${_sgfw_netns[@]}"; do
		ns_del "$ns"
	done
	# Only the servers started here: a stray child must not hold up the exit.
	[ ${#_sgfw_pids[@]} -gt 0 ] && wait "${_sgfw_pids[@]}" 2>/dev/null
	rm -rf "$SGFW_TMP"
}
trap cleanup EXIT
# A time limit sends SIGTERM: exit so that the EXIT trap still cleans up.
trap 'exit 143' TERM
trap 'exit 130' INT

# ---------------------------------------------------------------- namespaces

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
n1() { nsx "$ns1" "$@"; }
n2() { nsx "$ns2" "$@"; }
n3() { nsx "$ns3" "$@"; }
nh() { nsx "$nsh" "$@"; }

ns_exists() { [ -e "/run/netns/$1" ]; }

# ns_add NAME...: new namespaces with lo up.  IPv6 duplicate address
# detection is off in them, so an address is usable the moment it is added
# (also the link-local ones, which neighbour discovery uses).
ns_add() {
	local ns
	for ns; do
		ip netns add "$ns"
		_sgfw_netns+=("$ns")
		_agent_start
		nsx "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
		nsx "$ns" ip link set lo up
	done
}

# ns_del NAME...: kill what runs in the namespaces and delete them.
ns_del() {
	local ns pids
	for ns; do
		ns_exists "$ns" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		# shellcheck disable=SC2086 # one argument per pid
		[ -n "$pids" ] && kill $pids 2>/dev/null
		ip netns del "$ns"
	done
}

# veth_add NS_A DEV_A NS_B DEV_B: a veth pair from NS_A to NS_B, both ends up.
veth_add() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	nsx "$1" ip link set "$2" up
	nsx "$3" ip link set "$4" up
}

# addr_add NS DEV ADDR/PLEN...
addr_add() {
	local ns=$1 dev=$2 a
	shift 2
	for a; do
		case $a in
		*:*) nsx "$ns" ip -6 addr add "$a" dev "$dev" nodad ;;
		*)   nsx "$ns" ip -4 addr add "$a" dev "$dev" ;;
		esac
	done
}

# No address of NS is tentative any more (DAD done or off).
dad_done() {
	[ -z "$(nsx "$1" ip -6 addr show tentative)" ]
}

# topo_pair: the standard topology above.
topo_pair() {
	ns_add "$ns1" "$ns2"
	veth_add "$ns1" veth1 "$ns2" veth2
	addr_add "$ns1" veth1 192.0.2.1/24 fd00::1/64
	addr_add "$ns2" veth2 192.0.2.2/24 fd00::2/64
	wait_until 5 dad_done "$ns1"
	wait_until 5 dad_done "$ns2"
}

# topo_three: the standard pair, and a third namespace behind a second
# device of $ns2 (the server in the middle, a client on each side):
#
#   $ns1 veth1 ----------- veth2  $ns2  veth2c ----------- veth3 $ns3
#   192.0.2.1/24    192.0.2.2/24          198.51.100.2/24   198.51.100.3/24
#   fd00::1/64      fd00::2/64            fd00:3::2/64      fd00:3::3/64
topo_three() {
	topo_pair
	ns_add "$ns3"
	veth_add "$ns2" veth2c "$ns3" veth3
	addr_add "$ns2" veth2c 198.51.100.2/24 fd00:3::2/64
	addr_add "$ns3" veth3 198.51.100.3/24 fd00:3::3/64
	wait_until 5 dad_done "$ns2"
	wait_until 5 dad_done "$ns3"
}

# ---------------------------------------------------------------- port mode
#
# Port mode (semantics.md): sgfw on the host side of an instance's
# interface.  Both topologies below have a host namespace $nsh (nh CMD...)
# and three instances $ns1 $ns2 $ns3 (port_ns[K]), each with one device,
# eth0, whose veth peer pK in $nsh is its port device.  port_a4[K] and
# port_a6[K] are instance K's addresses, port_h4[K] and port_h6[K] the
# host's addresses it reaches the host at, port_net4 and port_net6 prefixes
# that cover them all.
port_ns=("" "$ns1" "$ns2" "$ns3")
port_a4=() port_a6=() port_h4=() port_h6=()
port_net4='' port_net6=''

# topo_port_bridge: the ports on a Linux bridge (no STP, no multicast
# snooping, br_netfilter not loaded), the host's addresses on the bridge:
#
#   +------------------------------ $nsh -------------------------------+
#   |                br0  10.0.0.254/24  fd00::fe/64                     |
#   |          +--------------+---------------+                          |
#   |          p1             p2              p3        (port devices)   |
#   +----------|--------------|---------------|--------------------------+
#              | veth         | veth          | veth
#   $ns1 eth0 10.0.0.1   $ns2 eth0 10.0.0.2   $ns3 eth0 10.0.0.3
#             fd00::1              fd00::2              fd00::3
topo_port_bridge() {
	local k ns
	ns_add "$nsh" "$ns1" "$ns2" "$ns3"
	nh ip link add br0 type bridge stp_state 0 mcast_snooping 0
	for k in 1 2 3; do
		ns=${port_ns[k]}
		veth_add "$nsh" "p$k" "$ns" eth0
		nh ip link set "p$k" master br0
		port_a4[k]=10.0.0.$k port_a6[k]=fd00::$k
		port_h4[k]=10.0.0.254 port_h6[k]=fd00::fe
		addr_add "$ns" eth0 "${port_a4[k]}/24" "${port_a6[k]}/64"
	done
	nh ip link set br0 up
	addr_add "$nsh" br0 10.0.0.254/24 fd00::fe/64
	port_net4=10.0.0.0/24 port_net6=fd00::/64
	for ns in "$nsh" "$ns1" "$ns2" "$ns3"; do
		wait_until 5 dad_done "$ns"
	done
}

# topo_port_routed: the host routes between the ports, a /24 and a /64 per
# instance, its address on the port the instance's default route:
#
#   +------------------------------ $nsh (forwarding) -------------------+
#   |  p1 10.0.1.254/24       p2 10.0.2.254/24        p3 10.0.3.254/24   |
#   |     fd00:1::fe/64          fd00:2::fe/64           fd00:3::fe/64   |
#   +--|----------------------|-----------------------|------------------+
#      | veth                 | veth                  | veth
#   $ns1 eth0 10.0.1.1     $ns2 eth0 10.0.2.1      $ns3 eth0 10.0.3.1
#             fd00:1::1              fd00:2::1               fd00:3::1
topo_port_routed() {
	local k ns
	ns_add "$nsh" "$ns1" "$ns2" "$ns3"
	for k in 1 2 3; do
		ns=${port_ns[k]}
		veth_add "$nsh" "p$k" "$ns" eth0
		port_a4[k]=10.0.$k.1 port_a6[k]=fd00:$k::1
		port_h4[k]=10.0.$k.254 port_h6[k]=fd00:$k::fe
		addr_add "$nsh" "p$k" "${port_h4[k]}/24" "${port_h6[k]}/64"
		addr_add "$ns" eth0 "${port_a4[k]}/24" "${port_a6[k]}/64"
		nsx "$ns" ip -4 route add default via "${port_h4[k]}"
		nsx "$ns" ip -6 route add default via "${port_h6[k]}"
	done
	nh sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	port_net4=10.0.0.0/16 port_net6=fd00::/16
	for ns in "$nsh" "$ns1" "$ns2" "$ns3"; do
		wait_until 5 dad_done "$ns"
	done
}

# mac_of NS DEV: DEV's MAC address.
mac_of() { nsx "$1" cat "/sys/class/net/$2/address"; }

# br_netfilter_loaded: bridged traffic would go through the IP hooks.
br_netfilter_loaded() { [ -d /sys/module/br_netfilter ]; }

# udp_send NS DST DPORT LEN: one datagram of LEN bytes ("xxx..."), which the
# stack fragments if it must.
udp_send() { _py "$1" udp-send "$2" "$3" "$4"; }

# sniff NAME NS DEV: log every frame DEV receives (bg_log NAME), one line
# each: see "sniff" in the program above.
sniff() { _bg "$1" "$2" sniff "$3"; }

# eth_send NS DEV DSTMAC [smac MAC] [lladdr MAC] KIND ARGS...: one frame
# made by hand, sent on DEV from its MAC address (or smac's): see
# "eth-send" in the program above.
eth_send() { local ns=$1; shift; _py "$ns" eth-send "$@"; }

# port_group NS SG: the group of instance 1 in the port scenarios: in
# tcp/22, udp/5000 and echo requests from port_net4 and port_net6, and no
# egress rule.
port_group() {
	local net
	assert sgt "$1" sg add "$2"
	for net in "$port_net4" "$port_net6"; do
		rule_add "$1" "$2" ingress tcp port 22 from "$net" >/dev/null
		rule_add "$1" "$2" ingress udp port 5000 from "$net" >/dev/null
	done
	rule_add "$1" "$2" ingress icmp icmp-type 8 from "$port_net4" >/dev/null
	rule_add "$1" "$2" ingress icmpv6 icmp-type 128 from "$port_net6" \
		>/dev/null
	sg_egress_clear "$1" "$2"
}

# port_servers: echo servers for port_matrix: instance 1 on tcp 22 and 23
# and udp 5000 and 5001, instance 2 on tcp 22 and udp 5000.
port_servers() {
	tcp_server "$ns1" :: 22,23
	udp_server "$ns1" :: 5000,5001
	tcp_server "$ns2" :: 22
	udp_server "$ns2" :: 5000
}

# port_verdicts: "WHAT: pass" or "WHAT: refused" per probe to and from
# instance 1, from its neighbour (instance 2) and from the host itself.
_verdict() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "$what: pass"
	else
		echo "$what: refused"
	fi
}
port_verdicts() {
	local f a1 a2 h
	for f in 4 6; do
		if [ "$f" = 4 ]; then
			a1=${port_a4[1]} a2=${port_a4[2]} h=${port_h4[1]}
		else
			a1=${port_a6[1]} a2=${port_a6[2]} h=${port_h6[1]}
		fi
		_verdict "v$f inst2 -> inst1 tcp/22" tcp_connect "$ns2" "$a1" 22
		_verdict "v$f inst2 -> inst1 tcp/23" tcp_connect "$ns2" "$a1" 23
		_verdict "v$f host -> inst1 tcp/22" tcp_connect "$nsh" "$a1" 22
		_verdict "v$f host -> inst1 tcp/23" tcp_connect "$nsh" "$a1" 23
		_verdict "v$f inst2 -> inst1 udp/5000" udp_request "$ns2" "$a1" 5000
		_verdict "v$f inst2 -> inst1 udp/5001" udp_request "$ns2" "$a1" 5001
		_verdict "v$f inst2 -> inst1 ping" ping_ok "$ns2" "$a1"
		_verdict "v$f host -> inst1 ping" ping_ok "$nsh" "$a1"
		_verdict "v$f inst1 -> inst2 tcp/22" tcp_connect "$ns1" "$a2" 22
		_verdict "v$f inst1 -> inst2 udp/5000" udp_request "$ns1" "$a2" 5000
		_verdict "v$f inst1 -> inst2 ping" ping_ok "$ns1" "$a2"
		_verdict "v$f inst1 -> host ping" ping_ok "$ns1" "$h"
	done
}

# port_matrix WHAT: port_verdicts gives what port_group allows: in, tcp/22,
# udp/5000 and ping, from the neighbour and the host alike; out, nothing.
port_matrix() {
	local f got want=
	for f in 4 6; do
		want+="v$f inst2 -> inst1 tcp/22: pass
v$f inst2 -> inst1 tcp/23: refused
v$f host -> inst1 tcp/22: pass
v$f host -> inst1 tcp/23: refused
v$f inst2 -> inst1 udp/5000: pass
v$f inst2 -> inst1 udp/5001: refused
v$f inst2 -> inst1 ping: pass
v$f host -> inst1 ping: pass
v$f inst1 -> inst2 tcp/22: refused
v$f inst1 -> inst2 udp/5000: refused
v$f inst1 -> inst2 ping: refused
v$f inst1 -> host ping: refused
"
	done
	got=$(port_verdicts)
	[ "${V:-0}" = 1 ] && echo "$got"
	if [ "$got" != "${want%$'\n'}" ]; then
		diff <(echo "${want%$'\n'}") <(echo "$got") | sed 's/^/    /' >&2
		fail "$1: verdicts differ from the group's (< expected, > got)"
	fi
}

# port_matrix_endpoint N23: the port's group taken off p1 and the same group
# put on instance 1's own eth0 gives the same verdicts, and port 23 has
# still served only the N23 connections it had before any group.
port_matrix_endpoint() {
	log "endpoint mode: the same group in instance 1, on eth0"
	assert sgt "$nsh" iface detach p1
	assert sgt "$nsh" iface set p1 mode endpoint
	port_group "$ns1" inst
	assert sgt "$ns1" iface attach eth0 inst
	port_matrix "endpoint mode"
	[ "$(dev_counter "$ns1" eth0 dropped)" -gt 0 ] ||
		fail "eth0 in instance 1 counted no packet dropped"
	assert_eq "connections served on port 23" "$1" \
		"$(server_log tcp "$ns1" 23 | wc -l)"
}

# ---------------------------------------------------------------- module

sgfw_loaded() { [ -d /sys/module/sgfw ]; }
# sgfw.ko needs the defragmentation modules (and whatever else modinfo
# lists); modprobe finds them in the guest kernel's tree on the host.
# sgfw_load [PARAM=VALUE...]: with module parameters, if given.
sgfw_load() {
	local deps
	deps=$(modinfo -F depends "$SGFW_KO" | tr ',' ' ')
	# shellcheck disable=SC2086 # one argument per module
	[ -z "$deps" ] || modprobe -a $deps
	insmod "$SGFW_KO" "$@"
}

# The debug kernel's sgfw has the race windows of module/debug.h.
sgfw_debug_build() { [ -e /sys/module/sgfw/parameters/debug_delay_us ]; }
sgfw_unload() { rmmod sgfw; }

# ---------------------------------------------------------------- traffic

# ping_ok NS ADDR: one echo request answered within the probe timeout.
ping_ok() {
	nsx "$1" ping -c 1 -W "$SGFW_NET_TIMEOUT" -q "$2" >/dev/null
}

# One python program does every probe and server, so their timeouts and
# their idea of success are the same everywhere.  It and the other helpers
# need only the standard library: "python3 -S" skips the site packages,
# which halves the start-up time under emulation.  Background commands take
# the path of a file to write "ready" to, last, once they are listening.
_sgfw_py='
import os, socket, socketserver, struct, sys

def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET

def say_ready(path):
    with open(path, "w") as f:
        f.write("ready\n")

def log(msg):
    print(msg, flush=True)

def die(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip_bytes(addr):
    return socket.inet_pton(family(addr), addr)

def strip_ipv4(data, fam):
    # IPv4 raw sockets read the IP header too, IPv6 ones do not.
    return data[(data[0] & 0xf) * 4:] if fam == socket.AF_INET else data

cmd, args = sys.argv[1], sys.argv[2:]
timeout = float(os.environ.get("SGFW_NET_TIMEOUT", "2"))
payload = ("sgfw-probe-%d" % os.getpid()).encode()

if cmd in ("tcp-connect", "tcp-connect-from"):
    # Success: connected, sent the payload and read it back.
    # tcp-connect-from SRC SPORT ADDR PORT [rst]: from a fixed source port
    # (SO_REUSEADDR), closed with an RST (SO_LINGER 0) if asked.
    src = None
    if cmd == "tcp-connect-from":
        src, args = (args[0], int(args[1])), args[2:]
    addr, port = args[0], int(args[1])
    rst = args[2:] == ["rst"]
    try:
        s = socket.socket(family(addr), socket.SOCK_STREAM)
        s.settimeout(timeout)
        if src:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(src)
        s.connect((addr, port))
        if rst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
        s.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = s.recv(len(payload) - len(got))
            if not chunk:
                break
            got += chunk
        s.close()
    except OSError as e:
        die("tcp %s port %d: %s" % (addr, port, e))
    if got != payload:
        die("tcp %s port %d: echo mismatch %r" % (addr, port, got))

elif cmd == "udp-request":
    # Success: a datagram sent and the same datagram received back.
    addr, port = args[0], int(args[1])
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        s.send(payload)
        got = s.recv(65536)
    except OSError as e:
        die("udp %s port %d: %s" % (addr, port, e))
    if got != payload:
        die("udp %s port %d: echo mismatch %r" % (addr, port, got))

elif cmd in ("udp-exchange", "udp-refused"):
    # From a fixed source port, so that the flow is known in advance.
    # udp-exchange: COUNT datagrams, each echoed before the next goes.
    # udp-refused: one datagram, answered by an ICMP port unreachable
    # that the socket reports as ECONNREFUSED.
    src, sport, dst, dport = args[0], int(args[1]), args[2], int(args[3])
    count = int(args[4]) if cmd == "udp-exchange" else 1
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.bind((src, sport))
        s.connect((dst, dport))
        for i in range(count):
            msg = payload + b"-%d" % i
            s.send(msg)
            got = s.recv(65536)
            if got != msg:
                die("udp %s port %d: echo mismatch %r" % (dst, dport, got))
    except ConnectionRefusedError as e:
        if cmd == "udp-refused":
            sys.exit(0)
        die("udp %s port %d: %s" % (dst, dport, e))
    except OSError as e:
        die("udp %s port %d: %s" % (dst, dport, e))
    if cmd == "udp-refused":
        die("udp %s port %d: answered, not refused" % (dst, dport))

elif cmd == "tcp-hold":
    # A connection kept open: every line written to DIR/fifo is sent and
    # must come back; DIR/status gets "connected SPORT CISN SISN" (the
    # initial sequence numbers of client and server, from a copy of the
    # SYN-ACK that a raw socket takes; "- -" if it saw none), then "ok" or
    # "fail: why" per line.  Once a line is lost the connection counts as
    # broken for good (its unanswered bytes would confuse later lines).
    import select
    addr, port, d = args[0], int(args[1]), args[2]
    st = open(os.path.join(d, "status"), "a", buffering=1)
    raw = socket.socket(family(addr), socket.SOCK_RAW, socket.IPPROTO_TCP)
    try:
        s = socket.create_connection((addr, port), timeout=timeout)
    except OSError as e:
        st.write("fail: connect: %s\n" % e)
        sys.exit(1)
    sport, isn = s.getsockname()[1], "- -"
    while select.select([raw], [], [], 0.5)[0]:
        seg = strip_ipv4(raw.recv(65536), family(addr))
        sp, dp, seq, ack, _, flags = struct.unpack("!HHIIBB", seg[:14])
        if sp == port and dp == sport and flags & 0x12 == 0x12:
            isn = "%d %d" % ((ack - 1) & 0xffffffff, seq)
            break
    raw.close()
    st.write("connected %d %s\n" % (sport, isn))
    # Read and write end at once: never an end of file, never a blocked
    # writer.
    fifo = os.fdopen(os.open(os.path.join(d, "fifo"), os.O_RDWR), "r")
    broken = None
    for line in fifo:
        if line.strip() == "close":
            break
        if broken:
            st.write("fail: broken earlier: %s\n" % broken)
            continue
        msg = (line.strip() + "\n").encode()
        try:
            s.sendall(msg)
            got = b""
            while not got.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    raise OSError("closed by the peer")
                got += chunk
            if got != msg:
                raise OSError("echo mismatch %r" % got)
            st.write("ok\n")
        except OSError as e:
            broken = str(e) or type(e).__name__
            st.write("fail: %s\n" % broken)
    s.close()

elif cmd in ("tcp-server", "udp-server"):
    # Echo servers on every address of ADDRS and port of PORTS (comma
    # separated lists), one thread each; every peer served is logged as
    # "tcp from ADDR port N to port P".
    import threading
    addrs, ports, ready = args[0].split(","), args[1].split(","), args[2]
    proto = cmd[:3]
    def tcp_serve(srv):
        srv.serve_forever()
    def udp_serve(s, port):
        while True:
            data, peer = s.recvfrom(65536)
            log("udp from %s port %d to port %d" % (peer[0], peer[1], port))
            try:
                s.sendto(data, peer)
            except OSError as e:
                # A firewall that drops the reply (EPERM) ends one
                # exchange, not the server.
                log("udp reply to %s port %d: %s" % (peer[0], peer[1], e))
    threads = []
    for addr in addrs:
        for port in map(int, ports):
            if proto == "tcp":
                class Handler(socketserver.BaseRequestHandler):
                    def handle(self):
                        log("tcp from %s port %d to port %d" %
                            (self.client_address[0], self.client_address[1],
                             self.server.server_address[1]))
                        try:
                            while True:
                                data = self.request.recv(65536)
                                if not data:
                                    break
                                self.request.sendall(data)
                        except OSError:
                            pass
                class Server(socketserver.ThreadingTCPServer):
                    address_family = family(addr)
                    allow_reuse_address = True
                    daemon_threads = True
                t = threading.Thread(target=tcp_serve,
                                     args=(Server((addr, port), Handler),))
            else:
                s = socket.socket(family(addr), socket.SOCK_DGRAM)
                s.bind((addr, port))
                t = threading.Thread(target=udp_serve, args=(s, port))
            t.daemon = True
            threads.append(t)
    for t in threads:
        t.start()
    say_ready(ready)
    for t in threads:
        t.join()

elif cmd == "udp-listen":
    # Logs what arrives, answers nothing.
    addr, port, ready = args[0], int(args[1]), args[2]
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, port))
    say_ready(ready)
    while True:
        data, peer = s.recvfrom(65536)
        log("udp from %s port %d: %s" % (peer[0], peer[1],
                                         data.decode(errors="replace")))

elif cmd == "udp-trickle":
    # DST DPORT SECONDS: a datagram to DST DPORT every millisecond or so
    # for SECONDS, from one socket, whatever happens to each (the route
    # may not be there yet); logs how many went.
    import time
    dst, dport, secs, ready = args[0], int(args[1]), float(args[2]), args[3]
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    say_ready(ready)
    sent, end = 0, time.monotonic() + secs
    while time.monotonic() < end:
        try:
            s.sendto(b"sgfw-trickle-%d" % sent, (dst, dport))
            sent += 1
        except OSError:
            pass
        time.sleep(0.001)
    log("sent %d" % sent)

elif cmd == "raw-listen":
    # Every packet of IP protocol PROTO delivered to ADDR.  Raw sockets
    # get packets after the LOCAL_IN hooks: a packet sgfw drops never
    # shows here.
    addr, proto, ready = args[0], int(args[1]), args[2]
    fam = family(addr)
    s = socket.socket(fam, socket.SOCK_RAW, proto)
    s.bind((addr, 0))
    say_ready(ready)
    while True:
        data, peer = s.recvfrom(65536)
        data = strip_ipv4(data, fam)
        log("proto %d from %s: %s" % (proto, peer[0],
                                      data.decode(errors="replace")))

elif cmd == "raw-send":
    # One packet of IP protocol PROTO, the payload its only content, cut
    # to LEN bytes if given.
    src, dst, proto = args[0], args[1], int(args[2])
    data = b"sgfw-raw-%d" % proto
    if len(args) > 3:
        data = data[:int(args[3])]
    s = socket.socket(family(dst), socket.SOCK_RAW, proto)
    s.bind((src, 0))
    s.sendto(data, (dst, 0))

elif cmd == "icmp-send":
    # SRC DST TYPE CODE ID: one icmp message (icmpv6 to an IPv6 address)
    # of TYPE and CODE with identifier ID, checksum right (made by the kernel
    # for icmpv6), quoting nothing.
    src, dst, t, c, ident = args[0], args[1], int(args[2]), \
        int(args[3]), int(args[4])
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMP
                      if fam == socket.AF_INET else socket.IPPROTO_ICMPV6)
    s.bind((src, 0))
    body = struct.pack("!HH", ident, 1) + payload
    msg = struct.pack("!BBH", t, c, 0) + body
    if fam == socket.AF_INET:
        msg = struct.pack("!BBH", t, c, csum(msg)) + body
    s.sendto(msg, (dst, 0))

elif cmd == "udp-inject":
    # A UDP datagram from any source port, bound or not: built by hand on
    # a raw socket.
    src, sport, dst, dport = args[0], int(args[1]), args[2], int(args[3])
    fam = family(dst)
    data = b"sgfw-inject"
    length = 8 + len(data)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.bind((src, 0))
    if fam == socket.AF_INET:
        pseudo = ip_bytes(src) + ip_bytes(dst) + struct.pack("!BBH", 0, 17,
                                                             length)
        c = csum(pseudo + struct.pack("!HHHH", sport, dport, length, 0) +
                 data) or 0xffff
    else:
        # The kernel fills the checksum in at offset 6.
        s.setsockopt(socket.IPPROTO_IPV6,
                     getattr(socket, "IPV6_CHECKSUM", 7), 6)
        c = 0
    s.sendto(struct.pack("!HHHH", sport, dport, length, c) + data, (dst, 0))

elif cmd in ("tcp-inject", "ack-flood"):
    # tcp-inject SRC SPORT DST DPORT FLAGS SEQ ACK [LEN]: one TCP segment
    # built by hand, with a right checksum, whoever owns the ports.
    # ack-flood SRC DST DPORT FIRST COUNT [FLAGS]: COUNT bare ACKs (or
    # segments with FLAGS, 0x02 for SYNs) from source ports FIRST on, as a
    # flood of forged mid-stream packets (or of forged openers).
    if cmd == "tcp-inject":
        src, dst = args[0], args[2]
        segs = [(int(args[1]), int(args[3]), int(args[4], 0),
                 int(args[5], 0), int(args[6], 0),
                 int(args[7]) if len(args) > 7 else 0)]
    else:
        src, dst, dport = args[0], args[1], int(args[2])
        first, count = int(args[3]), int(args[4])
        flags = int(args[5], 0) if len(args) > 5 else 0x10
        segs = [(1024 + (first + i) % 64000, dport, flags,
                 0x10000 * i + 1, 0x20000 * i + 7, 0) for i in range(count)]
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.bind((src, 0))
    if fam == socket.AF_INET6:
        # The kernel fills the checksum in at offset 16.
        s.setsockopt(socket.IPPROTO_IPV6,
                     getattr(socket, "IPV6_CHECKSUM", 7), 16)
    for sport, dport, flags, seq, ack, n in segs:
        data = b"x" * n
        hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff,
                          ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0)
        if fam == socket.AF_INET:
            pseudo = ip_bytes(src) + ip_bytes(dst) + \
                struct.pack("!BBH", 0, 6, len(hdr) + n)
            c = csum(pseudo + hdr + data)
            hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
        s.sendto(hdr + data, (dst, 0))

elif cmd == "udp-flood":
    # SRC DST DPORT FIRST COUNT: COUNT datagrams from source ports FIRST
    # on, each the first of a flow that nobody answers.
    src, dst, dport = args[0], args[1], int(args[2])
    first, count = int(args[3]), int(args[4])
    fam = family(dst)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    s.bind((src, 0))
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6,
                     getattr(socket, "IPV6_CHECKSUM", 7), 6)
    data = b"sgfw-flood"
    for i in range(count):
        sport = 1024 + (first + i) % 64000
        length = 8 + len(data)
        c = 0
        if fam == socket.AF_INET:
            pseudo = ip_bytes(src) + ip_bytes(dst) + \
                struct.pack("!BBH", 0, 17, length)
            c = csum(pseudo + struct.pack("!HHHH", sport, dport, length, 0)
                     + data) or 0xffff
        s.sendto(struct.pack("!HHHH", sport, dport, length, c) + data,
                 (dst, 0))

elif cmd == "udp-burst":
    # SRC DST DPORT COUNT [FIRST [BATCH [ROUNDS]]]: COUNT flows, each from
    # a new source port (FIRST, FIRST + 1...; or one the kernel picks,
    # which may be a port an earlier burst used), BATCH (200) at a time,
    # each of ROUNDS (1) request-reply exchanges (2 make a stream); prints
    # how many flows had every exchange answered.
    import select, time
    src, dst, dport, count = args[0], args[1], int(args[2]), int(args[3])
    port = int(args[4]) if len(args) > 4 else 0
    batch = int(args[5]) if len(args) > 5 else 200
    rounds = int(args[6]) if len(args) > 6 else 1
    answered = 0
    while count > 0:
        socks = []
        for i in range(min(count, batch)):
            s = socket.socket(family(dst), socket.SOCK_DGRAM)
            s.setblocking(False)
            s.bind((src, port))
            port += 1 if port else 0
            s.connect((dst, dport))
            socks.append(s)
        count -= len(socks)
        good = socks
        for _ in range(rounds):
            for s in good:
                try:
                    s.send(payload)
                except OSError:
                    pass
            waiting, end = set(good), time.monotonic() + timeout
            failed = set()
            while waiting and time.monotonic() < end:
                ready, _, _ = select.select(list(waiting), [], [],
                                            end - time.monotonic())
                for s in ready:
                    waiting.discard(s)
                    try:
                        if s.recv(65536) != payload:
                            failed.add(s)
                    except OSError:
                        failed.add(s)
            good = [s for s in good if s not in waiting | failed]
        answered += len(good)
        for s in socks:
            s.close()
    print(answered)

elif cmd == "load":
    # DST TCP_PORT UDP_PORT SECONDS: for SECONDS, new TCP connections
    # (each echoes and closes) and new UDP exchanges, one after the other;
    # prints "tcp OK FAILED udp OK FAILED".  A UDP exchange has no
    # retransmission: one that a guest starved of CPU (the debug kernel,
    # guests side by side) answers in 3 s instead of 1 is not lost, and
    # waits up to 10 s.
    import time
    dst, tport, uport = args[0], int(args[1]), int(args[2])
    end = time.monotonic() + float(args[3])
    n = {"tcp": [0, 0], "udp": [0, 0]}
    patience = max(timeout, 10)
    while time.monotonic() < end:
        try:
            s = socket.create_connection((dst, tport), timeout=patience)
            s.sendall(payload)
            ok = s.recv(len(payload)) == payload
            s.close()
        except OSError:
            ok = False
        n["tcp"][0 if ok else 1] += 1
        s = socket.socket(family(dst), socket.SOCK_DGRAM)
        s.settimeout(patience)
        try:
            s.connect((dst, uport))
            s.send(payload)
            ok = s.recv(65536) == payload
        except OSError:
            ok = False
        s.close()
        n["udp"][0 if ok else 1] += 1
    print("tcp %d %d udp %d %d" % tuple(n["tcp"] + n["udp"]))

elif cmd == "icmp-unreach":
    # A port unreachable from SRC to DST quoting a UDP datagram
    # QSRC:QSPORT -> QDST:QDPORT, whether or not it was ever sent.
    src, dst, qsrc, qsport, qdst, qdport = (args[0], args[1], args[2],
                                            int(args[3]), args[4],
                                            int(args[5]))
    udp = struct.pack("!HHHH", qsport, qdport, 8 + 4, 0x1234) + b"sgfw"
    if family(dst) == socket.AF_INET:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000,
                         64, 17, 0, ip_bytes(qsrc), ip_bytes(qdst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        msg = struct.pack("!BBHI", 3, 3, 0, 0) + ip + udp
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
    else:
        ip = struct.pack("!IHBB16s16s", 0x60000000, len(udp), 17, 64,
                         ip_bytes(qsrc), ip_bytes(qdst))
        # The kernel computes ICMPv6 checksums itself.
        msg = struct.pack("!BBHI", 1, 4, 0, 0) + ip + udp
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6)
    s.bind((src, 0))
    s.sendto(msg, (dst, 0))

elif cmd == "icmp-listen":
    # Every ICMP error delivered to ADDR (after the LOCAL_IN hooks), with
    # the UDP or TCP packet it quotes.
    addr, ready = args[0], args[1]
    fam = family(addr)
    if fam == socket.AF_INET:
        s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        errors = (3, 4, 5, 11, 12)
    else:
        s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        errors = (1, 2, 3, 4)
    s.bind((addr, 0))
    say_ready(ready)
    while True:
        data = strip_ipv4(s.recv(65536), fam)
        if len(data) < 8 or data[0] not in errors:
            continue
        q = data[8:]
        try:
            if fam == socket.AF_INET:
                hl, alen, aoff = (q[0] & 0xf) * 4, 4, 12
            else:
                hl, alen, aoff = 40, 16, 8
            qs = socket.inet_ntop(fam, q[aoff:aoff + alen])
            qd = socket.inet_ntop(fam, q[aoff + alen:aoff + 2 * alen])
            sp, dp = struct.unpack("!HH", q[hl:hl + 4])
        except (ValueError, struct.error):
            continue
        log("icmp %d/%d quoting %s port %d -> %s port %d" %
            (data[0], data[1], qs, sp, qd, dp))
elif cmd == "udp-send":
    # DST DPORT LEN: one datagram of LEN bytes, from an unconnected socket
    # (the stack fragments what its device cannot take whole).
    dst, dport, n = args[0], int(args[1]), int(args[2])
    s = socket.socket(family(dst), socket.SOCK_DGRAM)
    s.sendto(b"x" * n, (dst, dport))

elif cmd == "sniff":
    # DEV: every frame that DEV receives (not those it sends), one line
    # each: "arp op N sender SPA target TPA", "ip4 SRC > DST proto P id N
    # off N mf N [udp SP > DP]", "ip6 SRC > DST [frag id N off N mf N]
    # [udp SP > DP | icmp6 T [target ADDR]]", or "eth TYPE".  A packet
    # socket on a port device sees frames before the netfilter ingress hook
    # of that device, one on a bridge sees only what its ports passed.
    dev, ready = args[0], args[1]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((dev, 0))
    say_ready(ready)
    ntop = socket.inet_ntop
    while True:
        f, sa = s.recvfrom(65536)
        if sa[2] == socket.PACKET_OUTGOING or len(f) < 14:
            continue
        et, p = struct.unpack("!H", f[12:14])[0], f[14:]
        if et == 0x0806 and len(p) >= 28:
            log("arp op %d sender %s target %s" % (
                struct.unpack("!H", p[6:8])[0],
                ntop(socket.AF_INET, p[14:18]), ntop(socket.AF_INET, p[24:28])))
        elif et == 0x0800 and len(p) >= 20:
            hl, proto = (p[0] & 0xf) * 4, p[9]
            ident, fo = struct.unpack("!HH", p[4:8])
            off, mf = (fo & 0x1fff) * 8, (fo >> 13) & 1
            line = "ip4 %s > %s proto %d id %d off %d mf %d" % (
                ntop(socket.AF_INET, p[12:16]), ntop(socket.AF_INET, p[16:20]),
                proto, ident, off, mf)
            if proto == 17 and off == 0 and len(p) >= hl + 4:
                line += " udp %d > %d" % struct.unpack("!HH", p[hl:hl + 4])
            log(line)
        elif et == 0x86dd and len(p) >= 40:
            nh, q = p[6], p[40:]
            line = "ip6 %s > %s" % (ntop(socket.AF_INET6, p[8:24]),
                                    ntop(socket.AF_INET6, p[24:40]))
            first = True
            while nh in (0, 44) and len(q) >= 8:
                if nh == 44:
                    fo, ident = struct.unpack("!HI", q[2:8])
                    first = fo & 0xfff8 == 0
                    line += " frag id %d off %d mf %d" % (ident, fo & 0xfff8,
                                                          fo & 1)
                    nh, q = q[0], q[8:]
                else:
                    nh, q = q[0], q[(q[1] + 1) * 8:]
            if first and nh == 17 and len(q) >= 4:
                line += " udp %d > %d" % struct.unpack("!HH", q[:4])
            elif first and nh == 58 and len(q) >= 1:
                line += " icmp6 %d" % q[0]
                if q[0] in (135, 136) and len(q) >= 24:
                    line += " target %s" % ntop(socket.AF_INET6, q[8:24])
            elif not first or nh not in (17, 58):
                line += " nh %d" % nh
            log(line)
        else:
            log("eth 0x%04x" % et)

elif cmd == "eth-send":
    # DEV DSTMAC [smac MAC] [lladdr MAC] KIND ARGS...: one frame built by
    # hand, sent on DEV from its own MAC address (or from smac MAC),
    # whatever its addresses say.  DSTMAC is an address, "bcast", or
    # "mcast" (the IPv6 multicast MAC of DST).  The link-layer address
    # that ARP and neighbour discovery name as the sender or target is
    # lladdr MAC, or else the source of the frame.
    #   udp SRC SPORT DST DPORT [LEN]   a UDP datagram, IPv4 or IPv6
    #   frag SRC DST OFFSET             a lone later fragment of a UDP
    #                                   datagram (offset in bytes)
    #   firsts SRC DST DPORT N          the first fragments (UDP to DPORT)
    #                                   of N datagrams, identifications 1
    #                                   to N, whose other fragments never
    #                                   come: N frames
    #   arp OP SPA TPA                  an ARP request (1) or reply (2)
    #   na SRC DST TARGET               an unsolicited neighbour
    #                                   advertisement, override flag set
    #   ns SRC DST TARGET               a neighbour solicitation (from :::
    #                                   duplicate address detection)
    #   ra SRC DST                      a router advertisement (router
    #                                   lifetime 0: not a default router)
    #   redirect SRC DST TARGET DEST    a redirect: DEST is better reached
    #                                   by TARGET
    #   ndfrag SRC DST TARGET           the first fragment (identification
    #                                   23130) of an advertisement as na
    #   dhcp                            a DHCP discover, 0.0.0.0:68 to
    #                                   255.255.255.255:67
    #   vlan VID KIND ARGS...           the frame of KIND ARGS tagged
    #                                   with 802.1Q VLAN VID
    #   ufo SRC DST DPORT1 DPORT2       DEV a tap: what a VM may write to
    #                                   it (IPv4, from 52:54:00:00:00:04):
    #                                   a first fragment, a UDP header to
    #                                   DPORT1 and 16 bytes, its IP
    #                                   checksum wrong (the receiver drops
    #                                   it); then, asking for UDP
    #                                   fragmentation offload (GSO) in a
    #                                   virtio-net header, a later fragment
    #                                   of the datagram at offset 24 whose
    #                                   3008 bytes begin with a UDP header
    #                                   to DPORT2: 2 frames
    dev, dmac, a = args[0], args[1], args[2:]
    opt = {}
    while a and a[0] in ("smac", "lladdr"):
        opt[a[0]] = bytes.fromhex(a[1].replace(":", ""))
        a = a[2:]
    kind, a = a[0], a[1:]
    if dmac == "bcast":
        dmac = "ff:ff:ff:ff:ff:ff"
    vlan = None
    if kind == "vlan":
        vlan, kind, a = int(a[0]), a[1], a[2:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    smac = opt.get("smac", s.getsockname()[4])
    lladdr = opt.get("lladdr", smac)

    def ip4(src, dst, proto, body, ident=0x5a5a, fo=0):
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, fo,
                        64, proto, 0, ip_bytes(src), ip_bytes(dst))
        return h[:10] + struct.pack("!H", csum(h)) + h[12:] + body

    def ip6(src, dst, nh, body, hops=64):
        return struct.pack("!IHBB", 0x60000000, len(body), nh, hops) + \
            ip_bytes(src) + ip_bytes(dst) + body

    def l4sum(src, dst, proto, body):
        if family(dst) == socket.AF_INET:
            pseudo = ip_bytes(src) + ip_bytes(dst) + \
                struct.pack("!BBH", 0, proto, len(body))
        else:
            pseudo = ip_bytes(src) + ip_bytes(dst) + \
                struct.pack("!IBBBB", len(body), 0, 0, 0, proto)
        return csum(pseudo + body) or 0xffff

    def udp(src, sport, dst, dport, data):
        u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
        c = l4sum(src, dst, 17, u)
        return u[:6] + struct.pack("!H", c) + u[8:]

    def icmp6(src, dst, msg):
        c = l4sum(src, dst, 58, msg)
        return msg[:2] + struct.pack("!H", c) + msg[4:]

    dst = None
    frames = None
    vnet = None
    if kind == "ufo":
        src, dst, p1, p2 = a[0], a[1], int(a[2]), int(a[3])
        smac = bytes.fromhex("525400000004")
        u = struct.pack("!HHHH", 40000, p1, 3032, 0) + bytes(16)
        f1 = ip4(src, dst, 17, u, 0x7777, 0x2000)
        bad = struct.unpack("!H", f1[10:12])[0] ^ 0x0101
        f1 = f1[:10] + struct.pack("!H", bad) + f1[12:]
        u = struct.pack("!HHHH", 40000, p2, 3008, 0) + b"sgfw-ufo" * 375
        et, frames = 0x0800, [f1, ip4(src, dst, 17, u, 0x7777, 24 // 8)]
        # flags, gso_type UDP, header length, gso_size, no checksum asked
        vnet = [struct.pack("=BBHHHH", 0, 0, 0, 0, 0, 0),
                struct.pack("=BBHHHH", 0, 3, 14 + 20 + 8, 1400, 0, 0)]
    elif kind == "firsts":
        src, dst, dport, n = a[0], a[1], int(a[2]), int(a[3])
        # The UDP header of a 2000-byte datagram, and its first 1000 bytes.
        u = struct.pack("!HHHH", 40000, dport, 2008, 0) + bytes(1000)
        frames = []
        for i in range(1, n + 1):
            if family(dst) == socket.AF_INET:
                et, pkt = 0x0800, ip4(src, dst, 17, u, i & 0xffff, 0x2000)
            else:
                fh = struct.pack("!BBHI", 17, 0, 1, i)
                et, pkt = 0x86dd, ip6(src, dst, 44, fh + u)
            frames.append(pkt)
    elif kind == "udp":
        src, sport, dst, dport = a[0], int(a[1]), a[2], int(a[3])
        data = b"sgfw-forged"
        if len(a) > 4:
            data = data.ljust(int(a[4]), b"x")
        u = udp(src, sport, dst, dport, data)
        if family(dst) == socket.AF_INET:
            et, pkt = 0x0800, ip4(src, dst, 17, u)
        else:
            et, pkt = 0x86dd, ip6(src, dst, 17, u)
    elif kind == "frag":
        src, dst, off = a[0], a[1], int(a[2])
        data = b"sgfw-frag".ljust(64, b"x")
        if family(dst) == socket.AF_INET:
            et, pkt = 0x0800, ip4(src, dst, 17, data, 0x5a5a, off // 8)
        else:
            fh = struct.pack("!BBHI", 17, 0, off, 0x5a5a5a5a)
            et, pkt = 0x86dd, ip6(src, dst, 44, fh + data)
    elif kind == "arp":
        op, spa, tpa = int(a[0]), a[1], a[2]
        tha = bytes(6) if op == 1 else bytes.fromhex(dmac.replace(":", ""))
        et = 0x0806
        pkt = struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + lladdr + \
            ip_bytes(spa) + tha + ip_bytes(tpa)
    elif kind == "ra":
        src, dst = a[0], a[1]
        msg = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 0, 0, 0)
        et, pkt = 0x86dd, ip6(src, dst, 58, icmp6(src, dst, msg), 255)
    elif kind == "redirect":
        src, dst, target, dest = a[0], a[1], a[2], a[3]
        msg = struct.pack("!BBHI", 137, 0, 0, 0) + ip_bytes(target) + \
            ip_bytes(dest)
        et, pkt = 0x86dd, ip6(src, dst, 58, icmp6(src, dst, msg), 255)
    elif kind == "ndfrag":
        src, dst, target = a[0], a[1], a[2]
        msg = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + \
            ip_bytes(target) + struct.pack("!BB", 2, 1) + lladdr
        fh = struct.pack("!BBHI", 58, 0, 1, 0x5a5a)
        et, pkt = 0x86dd, ip6(src, dst, 44, fh + icmp6(src, dst, msg), 255)
    elif kind in ("na", "ns"):
        src, dst, target = a[0], a[1], a[2]
        if kind == "na":
            msg = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + \
                ip_bytes(target) + struct.pack("!BB", 2, 1) + lladdr
        else:
            msg = struct.pack("!BBHI", 135, 0, 0, 0) + ip_bytes(target)
            if src != "::":
                msg += struct.pack("!BB", 1, 1) + lladdr
        et, pkt = 0x86dd, ip6(src, dst, 58, icmp6(src, dst, msg), 255)
    elif kind == "dhcp":
        dst = "255.255.255.255"
        bootp = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x5a5a5a5a, 0,
                            0x8000, bytes(4), bytes(4), bytes(4), bytes(4))
        bootp += smac.ljust(16, b"\0") + bytes(192) + \
            bytes.fromhex("63825363") + bytes([53, 1, 1, 255])
        et, pkt = 0x0800, ip4("0.0.0.0", dst, 17,
                              udp("0.0.0.0", 68, dst, 67, bootp))
    else:
        die("eth-send: no kind " + kind)
    if dmac == "mcast":
        dmac = "33:33:" + ip_bytes(dst)[12:].hex(":")
    if vlan is not None:
        pkt = struct.pack("!HH", vlan, et) + pkt
        et = 0x8100
    if vnet:
        import fcntl, time
        tun = os.open("/dev/net/tun", os.O_RDWR)
        # TUNSETIFF: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR
        fcntl.ioctl(tun, 0x400454ca,
                    struct.pack("16sH", dev.encode(), 0x5002))
        # Its carrier up, and the bridge port forwarding (linkwatch).
        time.sleep(2)
    for i, pkt in enumerate(frames or [pkt]):
        frame = bytes.fromhex(dmac.replace(":", "")) + smac + \
            struct.pack("!H", et) + pkt
        if vnet:
            os.write(tun, vnet[i] + frame)
        else:
            s.send(frame.ljust(60, b"\0"))

elif cmd == "jpy":
    # EXPR JSON: EXPR evaluated with j the document JSON; a string printed
    # as is, anything else as JSON.
    import json
    j = json.loads(args[1])
    r = eval(args[0])
    print(r if isinstance(r, str) else json.dumps(r, sort_keys=True))

elif cmd == "events":
    # FILE COND: the events among the whole lines of FILE (one JSON object
    # each, as "sgtool -j monitor" prints them) that COND, a python
    # condition on e, holds for, one per line.
    import json
    text = open(args[0]).read()
    for line in text[:text.rfind("\n") + 1].splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            die("not an event: %r" % line)
        # In parentheses, a condition may span lines.
        if eval("(%s)" % args[1], {"e": e}):
            print(line)

elif cmd == "flow-check":
    # JSON COUNT COND CHECK...: see flow_check.
    import json
    flows = json.loads(args[0])
    count, cond, checks = int(args[1]), args[2], args[3:]
    match = [f for f in flows if eval(cond, {"f": f})]
    if len(match) != count:
        die("%d flows match %s, expected %d" % (len(match), cond, count))
    for f in match:
        for c in checks:
            if not eval(c, {"f": f}):
                die("flow %s fails %s" % (json.dumps(f), c))

elif cmd == "nacl-rule-check":
    # JSON DIRECTION NUMBER CHECK...: see nacl_rule_check.
    import json
    nacls = json.loads(args[0])
    d, n, checks = args[1], int(args[2]), args[3:]
    rules = [r for r in nacls[0]["rules"]
             if r["direction"] == d and r["number"] == n]
    if len(rules) != 1:
        die("%d rules numbered %d in %s" % (len(rules), n, d))
    for c in checks:
        if not eval(c, {"r": rules[0]}):
            die("rule %d %s fails %s: %s" % (n, d, c, json.dumps(rules[0])))

elif cmd == "agent":
    # SOURCE PORTFILE: run the commands above for the scenario from one
    # resident process, each in a child forked for it: under emulation an
    # interpreter start costs most of a second, a fork a few hundredths.
    # A request, on a TCP connection to 127.0.0.1:PORT (written to
    # PORTFILE once listening, with the pid of the agent), is
    # NUL-terminated fields: their number, then MODE NETNS OUT ERR
    # LIFETIME CMD ARGS...  The child enters NETNS (if not empty), writes
    # to the files OUT and ERR, reads /dev/null, ends after LIFETIME
    # seconds (if not empty) and runs CMD as a process of its own would.
    # MODE "run" answers its exit status when it ends, "bg" its pid at
    # once.  The child is a fresh process in all that the probes look at:
    # its own pid, sockets and payload.  What the commands import is
    # imported here, once for all children.
    import ctypes, json, select, signal, threading, time, traceback
    code = compile(open(args[0]).read(), "sgfw-probe", "exec")
    libc = ctypes.CDLL(None, use_errno=True)
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    with open(args[1] + ".tmp", "w") as f:
        f.write("%d %d\n" % (lsock.getsockname()[1], os.getpid()))
    os.rename(args[1] + ".tmp", args[1])
    conns, kids = {}, {}

    def child(conn, ns, out, err, life, argv):
        rc = 1
        try:
            for c in [lsock] + [c for c, _ in conns.values()]:
                c.close()
            for fd in kids:
                os.close(fd)
            for _, k in kids.values():
                if k:
                    k.close()
            conn.close()
            if ns:
                fd = os.open("/run/netns/" + ns, os.O_RDONLY)
                if libc.setns(fd, 0x40000000) != 0:   # CLONE_NEWNET
                    raise OSError(ctypes.get_errno(), "setns " + ns)
                os.close(fd)
            fd = os.open("/dev/null", os.O_RDONLY)
            os.dup2(fd, 0)
            os.close(fd)
            for n, path in ((1, out), (2, err)):
                if n == 2 and err == out:
                    os.dup2(1, 2)
                    continue
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                             0o644)
                os.dup2(fd, n)
                os.close(fd)
            sys.stdin = open(0, "r", closefd=False)
            sys.stdout = open(1, "w", closefd=False)
            sys.stderr = open(2, "w", buffering=1, closefd=False)
            if life:
                signal.alarm(int(life))
            sys.argv = ["sgfw-probe"] + argv
            try:
                exec(code, {"__name__": "__main__"})
                rc = 0
            except SystemExit as e:
                if e.code is None:
                    rc = 0
                elif isinstance(e.code, int):
                    rc = e.code
                else:
                    print(e.code, file=sys.stderr)
                    rc = 1
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(rc & 0xff)

    def start(c, fields):
        mode, ns, out, err, life = fields[:5]
        pid = os.fork()
        if pid == 0:
            child(c, ns, out, err, life, fields[5:])
        kids[os.pidfd_open(pid)] = (pid, c if mode == "run" else None)
        if mode != "run":
            c.sendall(b"%d\0" % pid)
            c.close()

    while True:
        r, _, _ = select.select([lsock] + list(conns) + list(kids), [], [])
        for fd in r:
            if fd == lsock.fileno() or fd is lsock:
                c, _ = lsock.accept()
                conns[c.fileno()] = (c, bytearray())
            elif fd in conns:
                c, buf = conns[fd]
                data = c.recv(65536)
                buf += data
                fields = bytes(buf).split(b"\0")
                if data and (len(fields) < 2 or
                             len(fields) - 2 < int(fields[0])):
                    continue
                del conns[fd]
                if not data:
                    c.close()
                    continue
                start(c, [f.decode() for f in fields[1:-1]])
            else:
                pid, c = kids.pop(fd)
                os.close(fd)
                status = os.waitpid(pid, 0)[1]
                if c:
                    rc = os.waitstatus_to_exitcode(status)
                    try:
                        c.sendall(b"%d\0" % (rc if rc >= 0 else 128 - rc))
                    except OSError:
                        pass
                    c.close()
else:
    sys.exit("unknown command " + cmd)
'

# The probe agent (the "agent" command above), started by ns_add in the
# scenario's own shell: _py and _bg hand their commands to it when it runs,
# and start an interpreter of their own otherwise (SGFW_PROBE_AGENT=0 turns
# it off).  Its requests and answers are NUL-terminated fields on a TCP
# connection that bash opens itself (/dev/tcp), and the child's output
# comes back in files: a probe costs no process of bash's.
_agent_port=
_agent_start() {
	local i pid
	[ -z "$_agent_port" ] && [ "$BASHPID" = "$$" ] &&
		[ "${SGFW_PROBE_AGENT:-1}" = 1 ] || return 0
	printf '%s' "$_sgfw_py" >"$SGFW_TMP/probe.py"
	# Not a child of this shell, whose scenarios "wait" for their own.
	("$PYTHON" -S "$SGFW_TMP/probe.py" agent "$SGFW_TMP/probe.py" \
		"$SGFW_TMP/agent.port" >"$SGFW_TMP/agent.log" 2>&1 &)
	for i in $(seq 100); do
		if [ -s "$SGFW_TMP/agent.port" ]; then
			read -r _agent_port pid <"$SGFW_TMP/agent.port"
			_sgfw_pids+=("$pid")
			return 0
		fi
		sleep 0.1
	done
	fail "the probe agent did not start: $(cat "$SGFW_TMP/agent.log")"
}

# _agent MODE NS OUT ERR LIFETIME CMD ARGS...: one request; sets
# _agent_reply to the answer (an exit status, or a pid).
_agent() {
	local fd
	exec {fd}<>"/dev/tcp/127.0.0.1/$_agent_port" ||
		fail "the probe agent does not answer"
	printf '%s\0' "$#" "$@" >&"$fd"
	IFS= read -r -d '' _agent_reply <&"$fd" || _agent_reply=
	exec {fd}>&-
	[ -n "$_agent_reply" ] ||
		fail "the probe agent failed $6: $(cat "$SGFW_TMP/agent.log")"
}

# _cat FILE [FD]: FILE's text on stdout (or FD), without a process.
_cat() {
	local text
	[ -s "$1" ] || return 0
	IFS= read -r -d '' text <"$1" || true
	printf '%s' "$text" >&"${2:-1}"
}

# _py NS CMD ARGS...: a command of the program above in NS (none if
# empty), in the foreground; its exit status is _py's.
_py() {
	local ns=$1 out
	shift
	if [ -z "$_agent_port" ]; then
		if [ -n "$ns" ]; then
			nsx "$ns" "$PYTHON" -S -c "$_sgfw_py" "$@"
		else
			"$PYTHON" -S -c "$_sgfw_py" "$@"
		fi
		return
	fi
	# One request at a time per shell: its files can be reused.
	out=$SGFW_TMP/out.$BASHPID
	_agent run "$ns" "$out" "$out.err" "" "$@"
	_cat "$out"
	_cat "$out.err" 2
	return "$_agent_reply"
}

# _py_bg LOG LIFETIME NS CMD ARGS...: the same in the background, its
# output in LOG, ended after LIFETIME seconds; sets _py_pid.
_py_bg() {
	local log=$1 life=$2 ns=$3
	shift 3
	if [ -n "$_agent_port" ]; then
		_agent bg "$ns" "$log" "$log" "$life" "$@"
		_py_pid=$_agent_reply
	else
		nsx "$ns" timeout "$life" "$PYTHON" -S -c "$_sgfw_py" "$@" \
			>"$log" 2>&1 &
		_py_pid=$!
	fi
	_sgfw_pids+=("$_py_pid")
}

# _bg NAME NS CMD ARGS...: run a background command of the program above in
# NS, its output in $SGFW_TMP/NAME.log, and wait until it is ready.
_bg() {
	local name=$1 ns=$2 ready i
	shift 2
	ready=$SGFW_TMP/$name.ready
	rm -f "$ready"
	_py_bg "$SGFW_TMP/$name.log" "$SGFW_SERVER_LIFETIME" "$ns" "$@" "$ready"
	for i in $(seq 100); do
		[ -s "$ready" ] && return 0
		kill -0 "$_py_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$SGFW_TMP/$name.log" >&2
	fail "$*: did not start in $ns"
}

# bg_log NAME: the output of background command NAME so far.
bg_log() { cat "$SGFW_TMP/$1.log"; }

# tcp_server NS ADDRS PORTS / udp_server NS ADDRS PORTS: echo servers in NS
# on every address of ADDRS and port of PORTS (comma separated lists: one
# process serves them all), running in the background until the scenario
# ends (or the server lifetime passes).  An address may be 0.0.0.0 or ::.
# server_log PROTO NS PORT prints the peers served on PORT, one
# "tcp from ADDR port N to port PORT" line each.
_nserver=0
_server() {
	_nserver=$((_nserver + 1))
	_bg "$1-$2-server$_nserver" "$2" "$1-server" "$3" "$4"
}
tcp_server() { _server tcp "$@"; }
udp_server() { _server udp "$@"; }
server_log() {
	cat "$SGFW_TMP/$1-$2-server"*.log 2>/dev/null | grep " to port $3\$" || true
}

# tcp_connect NS ADDR PORT: succeeds if a TCP connection from NS to ADDR:PORT
# opens and echoes within the probe timeout.
tcp_connect() { _py "$1" tcp-connect "$2" "$3"; }
# tcp_connect_from NS SRC SPORT ADDR PORT [rst]: the same from SRC:SPORT,
# closed with an RST instead of a FIN with "rst".
tcp_connect_from() { local ns=$1; shift; _py "$ns" tcp-connect-from "$@"; }

# udp_request NS ADDR PORT: succeeds if a datagram from NS to ADDR:PORT comes
# back within the probe timeout.
udp_request() { _py "$1" udp-request "$2" "$3"; }

# udp_exchange NS SRC SPORT DST DPORT COUNT: COUNT request-reply exchanges
# from SRC:SPORT to the echo server at DST:DPORT, each within the probe
# timeout.
udp_exchange() { _py "$1" udp-exchange "$2" "$3" "$4" "$5" "$6"; }

# udp_refused NS SRC SPORT DST DPORT: a datagram from SRC:SPORT to DST:DPORT
# whose sender sees ECONNREFUSED (an ICMP port unreachable came back).
udp_refused() { _py "$1" udp-refused "$2" "$3" "$4" "$5"; }

# udp_listen NAME NS ADDR PORT: log (bg_log NAME) every datagram that
# reaches ADDR:PORT in NS, as "udp from ADDR port N: DATA".
udp_listen() { _bg "$1" "$2" udp-listen "$3" "$4"; }

# udp_inject NS SRC SPORT DST DPORT: one datagram "sgfw-inject" from
# SRC:SPORT, a port nobody needs to own (a raw socket builds it).
udp_inject() { _py "$1" udp-inject "$2" "$3" "$4" "$5"; }

# raw_listen NAME NS ADDR PROTO: log every packet of IP protocol PROTO
# delivered to ADDR in NS, as "proto P from ADDR: DATA".
raw_listen() { _bg "$1" "$2" raw-listen "$3" "$4"; }

# raw_send NS SRC DST PROTO [LEN]: one packet of IP protocol PROTO (of LEN
# bytes of payload).
raw_send() { local ns=$1; shift; _py "$ns" raw-send "$@"; }

# icmp_send NS SRC DST TYPE CODE ID: one icmp or icmpv6 message.
icmp_send() { local ns=$1; shift; _py "$ns" icmp-send "$@"; }

# tcp_inject NS SRC SPORT DST DPORT FLAGS SEQ ACK [LEN]: one TCP segment
# made by hand (FLAGS a number: 0x04 RST, 0x10 ACK, 0x11 FIN+ACK...).
tcp_inject() { local ns=$1; shift; _py "$ns" tcp-inject "$@"; }

# ack_flood NS SRC DST DPORT FIRST COUNT [FLAGS]: COUNT forged mid-stream
# ACKs (or segments with FLAGS: 0x02 for SYNs) from source ports FIRST on.  udp_flood NS SRC DST DPORT FIRST COUNT: COUNT
# datagrams that open as many flows.  udp_burst NS SRC DST DPORT COUNT
# [FIRST [BATCH [ROUNDS]]]: COUNT flows from new ports (FIRST on, if given;
# 0 for any), BATCH (200) at a time, of ROUNDS (1) exchanges each; prints
# how many had every exchange answered.
ack_flood() { local ns=$1; shift; _py "$ns" ack-flood "$@"; }
udp_flood() { local ns=$1; shift; _py "$ns" udp-flood "$@"; }
udp_burst() { local ns=$1; shift; _py "$ns" udp-burst "$@"; }

# load NAME NS DST TCP_PORT UDP_PORT SECONDS: in the background, new TCP
# connections and UDP exchanges to echo servers at DST, one after the other
# for SECONDS; bg_log NAME then holds "tcp OK FAILED udp OK FAILED".
load() {
	local name=$1 ns=$2
	shift 2
	_py_bg "$SGFW_TMP/$name.log" $(($4 + 30)) "$ns" load "$@"
	echo "$_py_pid" >"$SGFW_TMP/$name.pid"
}
# load_wait NAME: wait for it to end.
load_wait() {
	local pid
	pid=$(cat "$SGFW_TMP/$1.pid")
	wait "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
	done
}

# icmp_listen NAME NS ADDR: log every ICMP or ICMPv6 error delivered to ADDR
# in NS, as "icmp TYPE/CODE quoting SRC port N -> DST port M".
icmp_listen() { _bg "$1" "$2" icmp-listen "$3"; }

# udp_trickle NAME NS DST DPORT SECONDS: in the background, a datagram to
# DST DPORT about every millisecond for SECONDS, sent whether the route is
# there or not ("sent N" in bg_log NAME at the end).
udp_trickle() { _bg "$1" "$2" udp-trickle "$3" "$4" "$5"; }

# icmp_unreach NS SRC DST QSRC QSPORT QDST QDPORT: an ICMP(v6) port
# unreachable from SRC to DST about a UDP datagram QSRC:QSPORT ->
# QDST:QDPORT.
icmp_unreach() { _py "$1" icmp-unreach "$2" "$3" "$4" "$5" "$6" "$7"; }

# tcp_hold NAME NS ADDR PORT: open a TCP connection from NS to the echo
# server at ADDR:PORT and keep it open in the background; fails if it does
# not open.  tcp_hold_echo NAME succeeds if a line sent over it now comes
# back within the probe timeout; tcp_hold_sport NAME prints its source
# port, tcp_hold_isn NAME the initial sequence numbers.
tcp_hold() {
	local name=$1 ns=$2 d=$SGFW_TMP/hold-$1
	mkdir "$d"
	mkfifo "$d/fifo"
	: >"$d/status"
	_py_bg "$d/log" "$SGFW_SERVER_LIFETIME" "$ns" tcp-hold "$3" "$4" "$d"
	echo "$_py_pid" >"$d/pid"
	wait_until $((SGFW_NET_TIMEOUT + 25)) test -s "$d/status"
	head -n1 "$d/status" | grep -q '^connected ' ||
		fail "tcp_hold $name [$3]:$4 from $ns: $(cat "$d/status" "$d/log")"
}

_more_lines() { [ "$(wc -l <"$1")" -gt "$2" ]; }

tcp_hold_sport() {
	sed -n '1s/^connected \([0-9]*\).*/\1/p' "$SGFW_TMP/hold-$1/status"
}
# tcp_hold_isn NAME: the initial sequence numbers of client and server,
# "CISN SISN" (decimal), or "- -" if the client saw no SYN-ACK.
tcp_hold_isn() {
	sed -n '1s/^connected [0-9]* //p' "$SGFW_TMP/hold-$1/status"
}

tcp_hold_echo() {
	local d=$SGFW_TMP/hold-$1 n
	kill -0 "$(cat "$d/pid")" 2>/dev/null || {
		echo "tcp_hold $1: the client is gone: $(cat "$d/log")" >&2
		return 1
	}
	n=$(wc -l <"$d/status")
	echo "line-$n" >"$d/fifo"
	wait_until $((SGFW_NET_TIMEOUT + 5)) _more_lines "$d/status" "$n"
	tail -n1 "$d/status" | grep -q '^ok$' || {
		echo "tcp_hold $1: $(tail -n1 "$d/status")" >&2
		return 1
	}
}

# ---------------------------------------------------------------- sgtool

# sgt NS ARGS...: sgtool in NS.  sgj NS ARGS...: the same with -j.
sgt() { local ns=$1; shift; "$SGTOOL" -n "$ns" "$@"; }
sgj() { local ns=$1; shift; "$SGTOOL" -n "$ns" -j "$@"; }

# jpy EXPR: evaluate the python expression EXPR with j the JSON document read
# from stdin; print a string as is, anything else as JSON.
jpy() {
	local in
	IFS= read -r -d '' in || true
	_py "" jpy "$1" "$in"
}

# rule_add NS SG ARGS...: add a rule (sgtool rule add SG ARGS...) and print
# its id.
rule_add() {
	local ns=$1 out
	shift
	out=$(sgj "$ns" rule add "$@") || fail "rule add $* in $ns: $out"
	# The JSON object of the rule; no python needed for one number.
	[[ $out =~ \"id\":\ *([0-9]+) ]] || fail "rule add $* in $ns: no id in $out"
	echo "${BASH_REMATCH[1]}"
}

# sg_egress_clear NS SG: delete every egress rule of SG (a new group has one
# allowing everything per family).
sg_egress_clear() {
	local id
	for id in $(sgj "$1" sg show "$2" |
		jpy '" ".join(str(r["id"]) for g in j for r in g["rules"]
			      if r["direction"] == "egress")'); do
		assert sgt "$1" rule del "$2" "$id"
	done
	assert_eq "egress rules left in $2" 0 "$(sgj "$1" sg show "$2" |
		jpy 'sum(r["direction"] == "egress" for g in j for r in g["rules"])')"
}

# monitor_start NAME NS: "sgtool -j monitor" in NS in the background, its
# events in $SGFW_TMP/NAME.mon, once it hears them (it has seen a group of
# its own made).  events NAME COND: those of its events so far that COND, a
# python condition on e (an event), holds for, one JSON object per line;
# event_count NAME COND: how many; event_wait NAME SECONDS COND: wait for
# one.
monitor_start() {
	local name=$1 ns=$2 mark
	mark=mark-$name
	"$SGTOOL" -n "$ns" -j monitor >"$SGFW_TMP/$name.mon" \
		2>"$SGFW_TMP/$name.mon.err" &
	_sgfw_pids+=("$!")
	wait_until 30 _monitor_hears "$name" "$ns" "$mark"
	assert sgt "$ns" sg del "$mark"
}
_monitor_hears() {
	[ "$(event_count "$1" "e['event'] == 'config' and
		e['cmd'] == 'sg-new' and e.get('name') == '$3'")" -gt 0 ] &&
		return 0
	sgt "$2" sg del "$3" >/dev/null 2>&1
	sgt "$2" sg add "$3" >/dev/null 2>&1
	return 1
}
events() { _py "" events "$SGFW_TMP/$1.mon" "$2"; }
event_count() { events "$1" "$2" | wc -l; }
event_wait() {
	local limit=$2 deadline
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until [ "$(event_count "$1" "$3")" -gt 0 ]; do
		[ "$(date +%s%N)" -lt "$deadline" ] || {
			cat "$SGFW_TMP/$1.mon" "$SGFW_TMP/$1.mon.err" >&2
			fail "no event in ${limit}s with $3"
		}
		sleep 0.2
	done
}

# stats_get NS EXPR: EXPR over "sgtool stats -j" (j).  dev_counter NS DEV
# accepted|dropped|dropped.REASON|flows: a device's packet counter (REASON:
# no_rule, nacl, table_full, invalid, spoofed), or its flows now.
stats_get() { sgj "$1" stats | jpy "$2"; }
dev_counter() {
	local v
	case $3 in
	accepted)	v='d["accepted"]' ;;
	dropped)	v='d["dropped"]["total"]' ;;
	dropped.*)	v="d[\"dropped\"][\"${3#dropped.}\"]" ;;
	flows)		v='d["flows"]' ;;
	*)		fail "dev_counter: no counter $3" ;;
	esac
	stats_get "$1" "sum($v for d in j[\"devices\"] if d[\"device\"] == \"$2\")"
}

# flow_check NS COUNT COND [CHECK...]: exactly COUNT of the flows of NS match
# the python condition COND on f (a flow of "sgtool flow show -j"), and every
# CHECK holds for each of them.  E.g.
#   flow_check "$ns2" 1 'f["dport"] == 22' 'f["state"] == "established"'
flow_check() {
	local ns=$1 out
	shift
	out=$(sgj "$ns" flow show) || fail "flow show in $ns: $out"
	_py "" flow-check "$out" "$@" || fail "flows of $ns: $out"
}

# neigh_flush NS DEV: forget every neighbour of DEV, so that the next packet
# needs ARP or neighbour discovery again.
neigh_flush() {
	nsx "$1" ip -4 neigh flush dev "$2"
	nsx "$1" ip -6 neigh flush dev "$2"
}

# ---------------------------------------------------------------- network ACLs

# ephemeral_ports NS: the range NS picks local ports from, "LOW HIGH"
# (net.ipv4.ip_local_port_range, which IPv6 uses too).
ephemeral_ports() {
	nsx "$1" sysctl -n net.ipv4.ip_local_port_range | tr -s ' \t' '  '
}

# nacl_rule_check NS NACL DIRECTION NUMBER CHECK...: NACL in NS has rule
# NUMBER in DIRECTION, and every CHECK, a python condition on r (the rule as
# "sgtool nacl show -j" gives it), holds.  E.g.
#   nacl_rule_check "$ns2" web ingress 100 'r["packets"] > 0'
nacl_rule_check() {
	local ns=$1 nacl=$2 out
	shift 2
	out=$(sgj "$ns" nacl show "$nacl") || fail "nacl show $nacl in $ns: $out"
	_py "" nacl-rule-check "$out" "$@" || fail "NACL $nacl of $ns: $out"
}

# nacl_counter NS NACL DIRECTION NUMBER packets|bytes: what that rule has
# counted so far.
nacl_counter() {
	local out
	out=$(sgj "$1" nacl show "$2") || fail "nacl show $2 in $1: $out"
	echo "$out" | jpy "[r['$5'] for r in j[0]['rules']
		if r['direction'] == '$3' and r['number'] == $4][0]" ||
		fail "no rule $4 $3 in NACL $2 of $1: $out"
}
