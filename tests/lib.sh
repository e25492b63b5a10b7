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

ns_exists() { [ -e "/run/netns/$1" ]; }

# ns_add NAME...: new namespaces with lo up.  IPv6 duplicate address
# detection is off in them, so an address is usable the moment it is added
# (also the link-local ones, which neighbour discovery uses).
ns_add() {
	local ns
	for ns; do
		ip netns add "$ns"
		_sgfw_netns+=("$ns")
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

# ---------------------------------------------------------------- module

sgfw_loaded() { [ -d /sys/module/sgfw ]; }
sgfw_load() { insmod "$SGFW_KO"; }
sgfw_unload() { rmmod sgfw; }

# ---------------------------------------------------------------- traffic

# ping_ok NS ADDR: one echo request answered within the probe timeout.
ping_ok() {
	nsx "$1" ping -c 1 -W "$SGFW_NET_TIMEOUT" -q "$2" >/dev/null
}

# One python program does every probe and server, so their timeouts and
# their idea of success are the same everywhere.
_sgfw_py='
import socket, socketserver, sys, os, threading

def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET

cmd, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
timeout = float(os.environ.get("SGFW_NET_TIMEOUT", "2"))
payload = ("sgfw-probe-%d" % os.getpid()).encode()

if cmd == "tcp-connect":
    # Success: connected, sent the payload and read it back.
    try:
        s = socket.create_connection((addr, port), timeout=timeout)
        s.sendall(payload)
        got = b""
        while len(got) < len(payload):
            chunk = s.recv(len(payload) - len(got))
            if not chunk:
                break
            got += chunk
        s.close()
    except OSError as e:
        print("tcp %s port %d: %s" % (addr, port, e), file=sys.stderr)
        sys.exit(1)
    if got != payload:
        print("tcp %s port %d: echo mismatch %r" % (addr, port, got),
              file=sys.stderr)
        sys.exit(1)

elif cmd == "udp-request":
    # Success: a datagram sent and the same datagram received back.
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        s.send(payload)
        got = s.recv(65536)
    except OSError as e:
        print("udp %s port %d: %s" % (addr, port, e), file=sys.stderr)
        sys.exit(1)
    if got != payload:
        print("udp %s port %d: echo mismatch %r" % (addr, port, got),
              file=sys.stderr)
        sys.exit(1)

elif cmd in ("tcp-server", "udp-server"):
    # Echo servers; "ready" is written to the file in argv[4] once bound.
    ready = sys.argv[4]
    if cmd == "tcp-server":
        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                print("tcp from %s port %d" % self.client_address[:2],
                      flush=True)
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
        srv = Server((addr, port), Handler)
        with open(ready, "w") as f:
            f.write("ready\n")
        srv.serve_forever()
    else:
        s = socket.socket(family(addr), socket.SOCK_DGRAM)
        s.bind((addr, port))
        with open(ready, "w") as f:
            f.write("ready\n")
        while True:
            data, peer = s.recvfrom(65536)
            print("udp from %s port %d" % peer[:2], flush=True)
            s.sendto(data, peer)
else:
    sys.exit("unknown command " + cmd)
'

# _server PROTO NS ADDR PORT: start an echo server and wait until it listens.
_server() {
	local proto=$1 ns=$2 addr=$3 port=$4 tag ready
	tag=$proto-$ns-$port
	ready=$SGFW_TMP/$tag.ready
	rm -f "$ready"
	nsx "$ns" timeout "$SGFW_SERVER_LIFETIME" "$PYTHON" -c "$_sgfw_py" \
		"$proto-server" "$addr" "$port" "$ready" \
		>"$SGFW_TMP/$tag.log" 2>&1 &
	_sgfw_pids+=($!)
	local i
	for i in $(seq 50); do
		[ -s "$ready" ] && return 0
		kill -0 $! 2>/dev/null || break
		sleep 0.1
	done
	cat "$SGFW_TMP/$tag.log" >&2
	fail "$proto server on $ns [$addr]:$port did not start"
}

# tcp_server NS ADDR PORT / udp_server NS ADDR PORT: an echo server in NS,
# running in the background until the scenario ends (or the server lifetime
# passes).  ADDR may be 0.0.0.0 or ::.  server_log PROTO NS PORT prints the
# peers it served, one "tcp from ADDR port N" line each.
tcp_server() { _server tcp "$@"; }
udp_server() { _server udp "$@"; }
server_log() { cat "$SGFW_TMP/$1-$2-$3.log"; }

# tcp_connect NS ADDR PORT: succeeds if a TCP connection from NS to ADDR:PORT
# opens and echoes within the probe timeout.
tcp_connect() {
	nsx "$1" "$PYTHON" -c "$_sgfw_py" tcp-connect "$2" "$3"
}

# udp_request NS ADDR PORT: succeeds if a datagram from NS to ADDR:PORT comes
# back within the probe timeout.
udp_request() {
	nsx "$1" "$PYTHON" -c "$_sgfw_py" udp-request "$2" "$3"
}
