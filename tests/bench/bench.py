#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""sgfw's benchmark, run inside the benchmark's kernel (tests/bench/run.sh).

Three variants, measured in this one boot, interleaved, each REPS times:

  baseline  nothing filters (sgfw not loaded, no nftables ruleset)
  nft       an nftables ruleset as a careful user writes it (ct state
            established,related accept; the rules as a concatenated set),
            on nf_conntrack sized and timed like sgfw
  sgfw      the module, with the same rules as security groups

Each measurement runs in a network namespace of its own, made for it and
deleted after it (conntrack's and sgfw's flows go with it; the next
measurement starts when their memory is back).  Packets come from pktgen in
netif_receive mode on a dummy device: 60-byte UDP datagrams from 198.19.x.x
to a local socket on 198.18.0.1 port 9, straight into the receive path, so
that the sender costs nothing.  A datagram's cost is 1e9 / pps ns; the
cost a variant adds is its median minus the baseline's median.  Each
round lets another variant go first.

Prints a table, and the figures as JSON between "bench-json begin" and
"bench-json end" lines.  --smoke: one round, few packets, small tables (the
figures then mean nothing; make check runs it so that the bench cannot rot).
--only GROUPS: only these groups of figures, comma-separated (for a quick
comparison while working on one of them): established (with buckets,
mem_per_flow and slab_object), new_flow, rules, tcp, expiry.  --base-ko KO:
a fourth variant, "base", measured as sgfw is with another build of the
module (another commit's), in the same boot and interleaved with the
others: for the established and new_flow groups only (the others go
without it); the table gets a column and a ratio of its own.
"""

import ctypes
import json
import os
import socket
import statistics
import subprocess
import sys
import time

SMOKE = "--smoke" in sys.argv
GROUPS = ("established", "new_flow", "rules", "tcp", "expiry")
ONLY = set(GROUPS)
if "--only" in sys.argv:
    ONLY = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    if not ONLY <= set(GROUPS):
        sys.exit("bench.py: --only takes some of " + ",".join(GROUPS))
REPS = 1 if SMOKE else 5
SGTOOL = os.environ.get("SGTOOL", "sgtool")
KO = os.environ.get("SGFW_KO", "")
DEV = "bench0"
LOCAL = "198.18.0.1"
PORT = 9
# Both tables get the same buckets: conntrack's CT_BUCKETS, and sgfw's
# starts there (hashsize=), as an operator who expects this many flows
# sets either.  sgfw's grows past two flows per bucket, which only the
# million flows come near.  new_flow_growing_ns measures new flows again
# with sgfw's table at the module's default size (DEFAULT_HASHSIZE), so
# that it grows during the run.
CT_BUCKETS = 524288
HASHSIZE = CT_BUCKETS
DEFAULT_HASHSIZE = 65536
VARIANTS = ("baseline", "nft", "sgfw")
BASE_KO = None
if "--base-ko" in sys.argv:
    BASE_KO = sys.argv[sys.argv.index("--base-ko") + 1]
# The variants of the established and new_flow groups: sgfw, and with
# --base-ko the other build too.
AB_VARIANTS = VARIANTS + (("base",) if BASE_KO else ())
SGFW_LIKE = ("sgfw", "base")

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
init_ns = os.open("/proc/self/ns/net", os.O_RDONLY)


def log(*a):
    print("#", *a, flush=True)


def run(*cmd, check=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout


def sh(text):
    return run("sh", "-c", text)


def setns(fd):
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns")


def enter(name):
    """Enter the named network namespace (ip netns add NAME)."""
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    try:
        setns(fd)
    finally:
        os.close(fd)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def read(path):
    with open(path) as f:
        return f.read()


# ---- the module --------------------------------------------------------

def sgfw_loaded():
    return os.path.isdir("/sys/module/sgfw")


loaded_hashsize = None
loaded_ko = None


def sgfw_load(hashsize=None, ko=None):
    """sgfw loaded with a table of at least @hashsize (HASHSIZE) buckets,
    from @ko (KO)."""
    global loaded_hashsize, loaded_ko
    hashsize = hashsize or HASHSIZE
    ko = ko or KO
    if sgfw_loaded() and (loaded_hashsize != hashsize or loaded_ko != ko):
        sgfw_unload()
    if not sgfw_loaded():
        run("insmod", ko, "hashsize=%d" % hashsize)
        loaded_hashsize = hashsize
        loaded_ko = ko


def sgfw_unload():
    global loaded_hashsize
    if sgfw_loaded():
        run("rmmod", "sgfw")
    loaded_hashsize = None


def sgt(*args):
    return run(SGTOOL, *args)


# ---- memory and cpu ------------------------------------------------------

def meminfo_kib(*keys):
    total = 0
    for line in read("/proc/meminfo").splitlines():
        k, v = line.split(":", 1)
        if k in keys:
            total += int(v.split()[0])
    return total


def kernel_mem():
    """Slab in use, bytes: flows and what hangs off them (hash tables,
    large allocations, are counted apart)."""
    return meminfo_kib("Slab") * 1024


def slab(name):
    """(active objects, bytes per object with the slab's own overhead)."""
    for line in read("/proc/slabinfo").splitlines():
        f = line.split()
        if f and f[0] == name:
            active, objper, pages = int(f[1]), int(f[4]), int(f[5])
            return active, pages * os.sysconf("SC_PAGE_SIZE") / objper
    return 0, 0.0


def cpu_busy():
    """Jiffies the CPU spent out of idle (and iowait) since boot."""
    f = [int(x) for x in read("/proc/stat").splitlines()[0].split()[1:]]
    return sum(f) - f[3] - f[4], sum(f)


def settle():
    """Wait until deleted namespaces' flows are freed: a measurement must
    not pay for the previous one's cleanup."""
    for _ in range(600):
        ct = slab("nf_conntrack")[0]
        fl = slab("sgfw_flow")[0]
        if ct < 64 and fl < 64:
            break
        time.sleep(0.1)
    time.sleep(0.2)


# ---- a namespace per measurement -----------------------------------------

class Netns:
    """A fresh network namespace with the dummy device, entered by this
    process (and so by every command it runs) until it is left."""
    n = 0

    def __init__(self, variant, hashsize=None):
        Netns.n += 1
        self.name = "bench%d" % Netns.n
        self.variant = variant
        self.hashsize = hashsize

    def __enter__(self):
        settle()
        if self.variant in SGFW_LIKE:
            sgfw_load(self.hashsize,
                      BASE_KO if self.variant == "base" else KO)
        else:
            sgfw_unload()
        run("ip", "netns", "add", self.name)
        enter(self.name)
        sh("ip link set lo up && ip link add %s type dummy && "
           "ip addr add %s/16 dev %s && ip link set %s up" %
           (DEV, LOCAL, DEV, DEV))
        for k in ("all", "default", DEV):
            write("/proc/sys/net/ipv4/conf/%s/rp_filter" % k, "0")
        # (/sys shows the namespace that mounted it, not this one.)
        self.mac = json.loads(run("ip", "-j", "link", "show", DEV))[0][
            "address"]
        # The receiver: a socket whose small buffer fills, then drops.
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.bind((LOCAL, PORT))
        return self

    def __exit__(self, *exc):
        self.sock.close()
        setns(init_ns)
        run("ip", "netns", "del", self.name, check=False)
        return False

    # -- pktgen --
    def pktgen(self, count, srcs, ports=16, dport=PORT):
        """Inject @count datagrams from @srcs addresses x @ports source
        ports (both step by one per packet: lcm(srcs, ports) flows) and
        return the packets per second."""
        pg = "/proc/net/pktgen/"

        def pg_write(path, cmd):
            # One command per write, its last character dropped.
            with open(path, "w") as f:
                f.write(cmd + "\n")
        pg_write(pg + "pgctrl", "reset")
        pg_write(pg + "kpktgend_0", "rem_device_all")
        pg_write(pg + "kpktgend_0", "add_device %s" % DEV)
        first = 0xc6130000  # 198.19.0.0
        for c in ("count %d" % count, "pkt_size 60", "delay 0",
                  "flag NO_TIMESTAMP", "dst_mac %s" % self.mac,
                  "dst_min %s" % LOCAL, "dst_max %s" % LOCAL,
                  "udp_dst_min %d" % dport, "udp_dst_max %d" % dport,
                  "src_min %s" % socket.inet_ntoa((first).to_bytes(4, "big")),
                  "src_max %s" % socket.inet_ntoa(
                      (first + srcs - 1).to_bytes(4, "big")),
                  "udp_src_min 1024", "udp_src_max %d" % (1024 + ports),
                  "xmit_mode netif_receive", "burst 1"):
            pg_write(pg + DEV, c)
        pg_write(pg + "pgctrl", "start")
        res = read(pg + DEV)
        tail = res.split("Result: OK:", 1)
        if len(tail) == 2 and "pps" in tail[1]:
            return int(tail[1].split("pps")[0].split()[-1])
        raise RuntimeError("pktgen gave no result:\n" + res)


# ---- the rules of both variants -------------------------------------------

def rule_set(n):
    """n rules on the device: the first group's two default egress rules
    (all traffic out, IPv4 and IPv6: the nft output chain's policy), and
    n - 2 ingress rules (udp, a port and a source prefix each), of which
    only the last admits the benchmark's packets.  A device holds at most
    16 groups of 60 rules per direction and family (960): beyond that, the
    rules are IPv6 ones.  [(proto, port, cidr)] of the ingress rules."""
    rules = []
    for i in range(n - 3):
        if i < 959:
            c = "10.%d.%d.0/24" % (i // 256, i % 256)
        else:
            c = "fd00:%x::/32" % i
        rules.append(("udp", 2000 + i, c))
    rules.append(("udp", PORT, "198.19.0.0/16"))
    return rules


def prefixes(n):
    """Up to n prefixes, only the last matching: a prefix list counts as
    its max-entries against a group's 60 rules, in both families, and a
    device holds 1000 rules, so at most 8 lists of 60 (480 prefixes) as
    peers."""
    n = min(n, 480)
    p = ["10.%d.%d.0/24" % (i // 256, i % 256) for i in range(n - 1)]
    return p + ["198.19.0.0/16"]


def setup_nft(rules=None, plist=None):
    if rules is None and plist is None:
        rules = rule_set(1)
    lines = ["table inet sg {"]
    if plist:
        lines += ["  set pl { type ipv4_addr; flags interval;",
                  "    elements = { %s } }" % ", ".join(plist)]
    else:
        # A set per protocol: the protocol, address and port concatenated
        # (pipapo) for each, as a careful user writes them.
        protos = sorted({pr for pr, _, _ in rules})
        sets = []
        for pr in protos:
            for fam, typ in (("4", "ipv4_addr"), ("6", "ipv6_addr")):
                el = ["%s . %d" % (c, p) for q, p, c in rules
                      if q == pr and (":" in c) == (fam == "6")]
                if not el:
                    continue
                sets.append((pr, fam))
                lines += ["  set allow%s_%s { type %s . inet_service;"
                          " flags interval;" % (fam, pr, typ),
                          "    elements = { %s } }" % ", ".join(el)]
    lines += ["  chain input { type filter hook input priority 0;"
              " policy drop;",
              "    ct state vmap { established : accept, related : accept,"
              " invalid : drop }",
              "    iifname lo accept"]
    if plist:
        lines += ["    udp dport %d ip saddr @pl accept" % PORT]
    else:
        lines += ["    meta l4proto %s %s saddr . th dport @allow%s_%s accept"
                  % (pr, "ip" if fam == "4" else "ip6", fam, pr)
                  for pr, fam in sets]
    lines += ["  }",
              "  chain output { type filter hook output priority 0;"
              " policy accept;",
              "    ct state vmap { established : accept, related : accept,"
              " invalid : drop }",
              "  }",
              "}"]
    path = "/tmp/bench.nft"
    write(path, "\n".join(lines) + "\n")
    run("nft", "-f", path)
    # Timed like sgfw's default (the sysctl is per namespace).
    write("/proc/sys/net/netfilter/nf_conntrack_udp_timeout", "30")


def setup_sgfw(rules=None, plist=None, limit=2000000):
    sgt("flow", "limit", str(limit))
    if plist:
        groups = []
        for i in range(0, len(plist), 60):
            g, pl = "g%d" % (i // 60), "pl%d" % (i // 60)
            part = plist[i:i + 60]
            sgt("prefix-list", "add", pl, "max-entries", str(len(part)))
            sgt("prefix-list", "entry", "add", pl, *part)
            sgt("sg", "add", g)
            if i:
                egress_clear(g)
            sgt("rule", "add", g, "ingress", "udp", "port", str(PORT),
                "from", "prefix-list", pl)
            groups.append(g)
    else:
        if rules is None:
            rules = rule_set(1)
        groups = []
        # 60 rules per group, direction and family: up to 16 groups.
        n = {"4": 0, "6": 0}
        for pr, p, c in rules:
            fam = "6" if ":" in c else "4"
            g = "g%d" % (n[fam] // 60)
            n[fam] += 1
            if g not in groups:
                sgt("sg", "add", g)
                groups.append(g)
                if g != "g0":
                    egress_clear(g)
            sgt("rule", "add", g, "ingress", pr, "port", str(p), "from", c)
    sgt("iface", "attach", DEV, *groups)
    sgt("iface", "set", DEV, "tracking", "always")


def egress_clear(g):
    for grp in json.loads(sgt("-j", "sg", "show", g)):
        for r in grp["rules"]:
            if r["direction"] == "egress":
                sgt("rule", "del", g, str(r["id"]))


def setup(variant, **kw):
    if variant == "nft":
        setup_nft(**kw)
    elif variant in SGFW_LIKE:
        setup_sgfw(**kw)


def flows_of(variant):
    if variant == "nft":
        return int(read("/proc/sys/net/netfilter/nf_conntrack_count"))
    if variant in SGFW_LIKE:
        return json.loads(sgt("-j", "status"))["flows"]
    return 0


# ---- the figures -----------------------------------------------------------

results = {}


def order(rnd, variants=VARIANTS):
    """The variants of round @rnd: each goes first in turn, so that no
    variant always pays for the one before it."""
    i = rnd % len(variants)
    return variants[i:] + variants[:i]


def record(name, variant, value):
    results.setdefault(name, {}).setdefault(variant, []).append(value)


def flows_shape(n):
    """(srcs, ports) for about @n flows: 16 ports and an odd number of
    addresses, so that lcm(srcs, 16) = 16 * srcs."""
    srcs = max(1, n // 16) | 1
    return srcs, 16


def fig_established(rnd, nflows, pkts):
    """Cost of a packet of a tracked flow, with @nflows flows live."""
    srcs, ports = flows_shape(nflows)
    for v in order(rnd, AB_VARIANTS):
        with Netns(v) as ns:
            setup(v)
            ns.pktgen(srcs * ports, srcs, ports)   # every flow opened
            if v != "baseline":
                got = flows_of(v)
                if got < srcs * ports * 0.99:
                    raise RuntimeError("%s tracks %d flows of %d" %
                                       (v, got, srcs * ports))
            pps = ns.pktgen(pkts, srcs, ports)
            record("established_%d" % nflows, v, 1e9 / pps)
            if nflows > 1000 and v != "baseline":
                memory(v, srcs * ports)


MEM0 = {}


def memory(v, n):
    """Bytes per flow: the slab objects and what else the slab holds for
    them, measured as the change in slab memory since the namespace had no
    flow, plus the flows' share of the hash table that the table has
    now: 8 bytes a bucket for nf_conntrack (a list head); for sgfw what
    its table_bytes parameter says (11 lines per 32 buckets, 64 bytes
    each and a two-byte filter word)."""
    used = kernel_mem() - MEM0[v]
    if v == "nft":
        buckets = int(read("/proc/sys/net/netfilter/nf_conntrack_buckets"))
        table = buckets * 8
        obj = slab("nf_conntrack")[1]
    else:
        buckets = int(read("/sys/module/sgfw/parameters/hashsize"))
        if os.path.exists("/sys/module/sgfw/parameters/table_bytes"):
            table = int(read("/sys/module/sgfw/parameters/table_bytes"))
        else:
            # A build before table_bytes: a chain head and a filter byte.
            table = buckets * 9
        obj = slab("sgfw_flow")[1]
    record("buckets", v, buckets)
    record("mem_per_flow", v, used / n + table / n)
    record("slab_object", v, obj)


def fig_new_flows(rnd, pkts):
    """Every packet a new flow: the rate of new flows.  Then sgfw again
    with its table at the default size, growing as the flows come
    (new_flow_growing_ns; its other columns are new_flow_ns's)."""
    srcs, ports = flows_shape(pkts)
    for v in order(rnd, AB_VARIANTS):
        with Netns(v) as ns:
            setup(v)
            pps = ns.pktgen(pkts, srcs, ports)
            record("new_flow_ns", v, 1e9 / pps)
            if v not in SGFW_LIKE:
                record("new_flow_growing_ns", v, 1e9 / pps)
    for v in AB_VARIANTS:
        if v not in SGFW_LIKE:
            continue
        with Netns(v, DEFAULT_HASHSIZE) as ns:
            setup(v)
            pps = ns.pktgen(pkts, srcs, ports)
            record("new_flow_growing_ns", v, 1e9 / pps)


def fig_rules(rnd, sizes, pkts):
    """New-flow and established cost with n rules, and with a prefix list
    of 1000 entries as the peer."""
    cases = [("rules_%d" % n, {"rules": rule_set(n)}) for n in sizes]
    plist = prefixes(sizes[-1])
    cases.append(("prefix_list_%d" % len(plist), {"plist": plist}))
    srcs, ports = flows_shape(pkts)
    for name, kw in cases:
        for v in order(rnd):
            with Netns(v) as ns:
                setup(v, **kw)
                pps = ns.pktgen(pkts, srcs, ports)
                record(name + "_new_ns", v, 1e9 / pps)
                pps = ns.pktgen(pkts, 63, 16)
                record(name + "_established_ns", v, 1e9 / pps)
                if v != "baseline" and name == "rules_%d" % sizes[-1]:
                    rule_change(v)


def timed(*cmd):
    t = time.perf_counter()
    run(*cmd)
    return time.perf_counter() - t


def ynl():
    """sgfw's generic netlink family, through the kernel's YNL library and
    the project's spec: one request timed on its own, without a program's
    start-up."""
    src = os.path.join(os.environ["SGFW_CACHE"], "linux-source-6.12")
    spec = os.path.join(os.environ["SGFW_REPO"], "uapi", "sgfw.yaml")
    proto = [line.split(":", 1)[1].strip() for line in
             read(spec).splitlines() if line.startswith("protocol:")][0]
    lib = os.path.join(src, "tools", "net", "ynl")
    if lib not in sys.path:
        sys.path.append(lib)
    from lib import YnlFamily, ynl as ynl_lib
    # The library keeps family ids from its first look; sgfw has been
    # loaded again since (a new id).
    ynl_lib.genl_family_name_to_id = None
    return YnlFamily(spec, os.path.join(src, "Documentation", "netlink",
                                        proto + ".yaml"),
                     process_unknown=True)


def rule_change(v):
    """A rule changed on a device with the most rules: one of them deleted
    and added again, three times; the best of the six commands, and the
    same program's start-up (its version query), which is most of it.  For
    sgfw also the request alone: a rule deleted by one netlink request,
    answered once the device's new ruleset is in place (the best of
    three; sgtool adds it back)."""
    spawn = min(timed(SGTOOL if v == "sgfw" else "nft",
                      "version" if v == "sgfw" else "-v") for _ in range(3))
    def first_rule():
        grp = json.loads(sgt("-j", "sg", "show", "g1"))[0]
        return [x for x in grp["rules"] if x["direction"] == "ingress"][0]

    times, req = [], []
    fam = ynl() if v == "sgfw" else None
    for _ in range(3):
        if v == "sgfw":
            r = first_rule()
            t = time.perf_counter()
            fam.do("rule-del", {"sg": "g1", "id": r["id"]})
            req.append(time.perf_counter() - t)
            sgt("rule", "add", "g1", "ingress", "udp", "port",
                str(r["port_from"]), "from", r["peer"])
            r = first_rule()
            times.append(timed(SGTOOL, "rule", "del", "g1", str(r["id"])))
            times.append(timed(SGTOOL, "rule", "add", "g1", "ingress", "udp",
                               "port", str(r["port_from"]), "from",
                               r["peer"]))
        else:
            el = "{ 10.0.60.0/24 . 2060 }"
            times.append(timed("nft", "delete", "element", "inet", "sg",
                               "allow4_udp", el))
            times.append(timed("nft", "add", "element", "inet", "sg",
                               "allow4_udp", el))
    if req:
        record("rule_change_ms", v, min(req) * 1e3)
    record("rule_change_cmd_ms", v, min(times) * 1e3)
    record("tool_start_ms", v, spawn * 1e3)


def fig_tcp(rnd, conns):
    """TCP connect, one request and its answer, close, between two
    namespaces over a veth pair: connections per second.  tcpconn (a
    program of this directory) makes them, the client closing first, with
    io_uring: a batch of connections is one chain of requests, handed to
    the kernel in one system call, so that the figure is the network
    stack's and the filter's work.  One request per system call, as a
    plain client and server make them, the figure was nearly all ptrace
    stops of the host (a guest's system call under this kernel): 185 us
    a connection, of which both filters were a percent or two."""
    for v in order(rnd):
        with Netns(v) as ns:
            sh("ip netns add %s-c && ip link add veth0 type veth peer "
               "name veth1 netns %s-c && ip addr add 192.0.2.2/24 dev veth0 "
               "&& ip link set veth0 up && ip -n %s-c addr add 192.0.2.1/24 "
               "dev veth1 && ip -n %s-c link set veth1 up && "
               "ip -n %s-c link set lo up" % ((ns.name,) * 5))
            try:
                if v == "nft":
                    setup_nft(rules=[("tcp", 80, "192.0.2.0/24")])
                elif v == "sgfw":
                    sgt("sg", "add", "web")
                    sgt("rule", "add", "web", "ingress", "tcp", "port", "80",
                        "from", "192.0.2.0/24")
                    sgt("iface", "attach", "veth0", "web")
                srv = socket.socket()
                srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                srv.bind(("192.0.2.2", 80))
                srv.listen(512)
                enter(ns.name + "-c")
                # No TIME_WAIT sockets at the client: with thousands of
                # them, connect() spends most of its time searching for a
                # port (__inet_hash_connect()), more than all the rest of
                # the connection.  Its close is still a FIN handshake.
                write("/proc/sys/net/ipv4/tcp_max_tw_buckets", "0")
                try:
                    record("tcp_conn_per_s", v, tcp_conns(srv, conns))
                finally:
                    enter(ns.name)
                    srv.close()
            finally:
                run("ip", "netns", "del", ns.name + "-c", check=False)


def tcp_conns(srv, n):
    """@n connections from this namespace to @srv (tcpconn, from this
    namespace): connections per second."""
    prog = os.path.join(os.environ["SGFW_REPO"], "build", "bench", "tcpconn")
    out = run(prog, str(srv.fileno()), str(n), pass_fds=(srv.fileno(),))
    return float(out.split()[1])


def fig_expiry(nflows, secs):
    """CPU spent while @nflows flows time out (30 s idle timeout in both),
    beside the baseline's of the same period with nothing tracked, and the
    flows still counted at the end.  The kernel samples CPU time at each
    tick (HZ 100 here): 0.01% of 150 s is one tick."""
    srcs, ports = flows_shape(nflows)
    for v in VARIANTS:
        with Netns(v) as ns:
            setup(v)
            ns.pktgen(srcs * ports, srcs, ports)
            b0, t0 = cpu_busy()
            time.sleep(secs)
            b1, t1 = cpu_busy()
            left = flows_of(v)
            record("expiry_cpu_pct", v, 100.0 * (b1 - b0) / (t1 - t0))
            record("expiry_left", v, left)


# ---- the run ---------------------------------------------------------------

def main():
    # conntrack sized and timed like sgfw: the buckets sgfw has for a
    # million flows, the UDP timeout of both 30 s, room for every flow.
    write("/proc/sys/net/netfilter/nf_conntrack_buckets", str(CT_BUCKETS))
    write("/proc/sys/net/netfilter/nf_conntrack_max", "4000000")
    write("/proc/sys/net/netfilter/nf_conntrack_udp_timeout", "30")
    write("/proc/sys/net/ipv4/icmp_ratelimit", "1000")

    big = 10000 if SMOKE else 1000000
    pkts = 20000 if SMOKE else 1000000
    sizes = (10, 100, 1000)
    t0 = time.time()
    # Warm up (the first runs of a boot are slower), then measure memory
    # against each variant's empty namespace.
    with Netns("baseline") as ns:
        ns.pktgen(pkts, 63, 16)
    for v in AB_VARIANTS:
        with Netns(v) as ns:
            setup(v)
            MEM0[v] = kernel_mem()
    for rnd in range(REPS):
        log("round %d of %d, %.0f s" % (rnd + 1, REPS, time.time() - t0))
        if "established" in ONLY:
            fig_established(rnd, 1000, pkts)
            fig_established(rnd, big, pkts)
        if "new_flow" in ONLY:
            fig_new_flows(rnd, pkts // 2)
        if "rules" in ONLY:
            fig_rules(rnd, sizes, pkts // 4)
        if "tcp" in ONLY:
            fig_tcp(rnd, 50 if SMOKE else 20000)
    # Long enough for every flow to go: 30 s of timeout, then sgfw's reaper
    # and conntrack's garbage collector.  Once: it takes minutes.
    if "expiry" in ONLY:
        fig_expiry(big, 3 if SMOKE else 150)
    sgfw_load()
    report(time.time() - t0)
    return 0


def stats(vals):
    return {"median": statistics.median(vals), "min": min(vals),
            "max": max(vals), "n": len(vals), "values": vals}


def ratio_of(name, per, med, x):
    """The ratio column of figure @name for sgfw-like variant @x, noting
    the added costs in @per."""
    ratio = "-"
    if "nft" in med and x in med and med["nft"]:
        if name.endswith("_ns") or name.startswith("established"):
            b = med.get("baseline", 0)
            added = {v: med[v] - b for v in ("nft", x)}
            per.setdefault("added_ns", {}).update(added)
            if added["nft"] > 0:
                ratio = "%.2f (added)" % (added[x] / added["nft"])
        else:
            ratio = "%.2f" % (med[x] / med["nft"])
    if name == "tcp_conn_per_s" and ratio != "-" and med.get("baseline"):
        # And the time each variant adds to a connection.
        added = {v: 1e6 / med[v] - 1e6 / med["baseline"] for v in ("nft", x)}
        per.setdefault("added_us", {}).update(added)
        if added["nft"] > 0:
            ratio += ", %.2f (added)" % (added[x] / added["nft"])
    if name.startswith("new_flow") and "nft" in med and med.get(x):
        # New flows per second, sgfw's over nft+conntrack's.
        ratio += ", rate x%.2f" % (med["nft"] / med[x])
    return ratio


def report(elapsed):
    out = {"reps": REPS, "smoke": SMOKE, "seconds": round(elapsed),
           "kernel": os.uname().release, "figures": {}}
    for name, per in results.items():
        out["figures"][name] = {v: stats(x) for v, x in per.items()}
    # Added cost over the baseline of the same kind of run.
    cols = AB_VARIANTS
    print("%-34s" % "figure" + "".join(" %12s" % v for v in cols) +
          "  sgfw/nft" + ("  |  base/nft" if BASE_KO else ""))
    for name, per in out["figures"].items():
        med = {v: per[v]["median"] for v in per}
        row = [("%.1f" % med[v] if med[v] >= 10 else "%.3f" % med[v])
               if v in med else "-" for v in cols]
        ratios = [ratio_of(name, per, med, x) for x in cols
                  if x in SGFW_LIKE]
        spreads = [(per[v]["max"] - per[v]["min"]) / per[v]["median"]
                   for v in med if per[v]["median"]]
        spread = max(spreads) if spreads else 0.0
        print("%-34s" % name + "".join(" %12s" % r for r in row) + "  " +
              "  |  ".join(ratios) + "  spread %.0f%%" % (100 * spread))
    print("bench-json begin")
    print(json.dumps(out, indent=1, sort_keys=True))
    print("bench-json end")


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        # The guest's end checks unload it.
        sgfw_load()
