#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzzing of the sgfw family, for tests/scenarios/45-hard-nlfuzz.sh.

    nlfuzz.py fuzz COUNT SEED KEPT   send COUNT random and mutated requests
                                     of the family; each must get an answer
                                     (an ack, an error, or the end of a
                                     dump); those that changed something
                                     (acked requests of a command that
                                     writes, and every request of a
                                     transaction, whose refusal ends it)
                                     are kept in the file KEPT with their
                                     answer
    nlfuzz.py replay KEPT            send them again; each must get the
                                     same answer
    nlfuzz.py header                 every command, with a reserved field
                                     that is not zero, must be refused
                                     with EINVAL (the family validates its
                                     header from its first command on)
    nlfuzz.py txn-order              a transaction that gives a device nine
                                     groups first and their rules after:
                                     the rules that would take the device
                                     past 1000 must be refused (ENOSPC)
    nlfuzz.py dump-intr CMD KEY ITEM PROG [ARG...]
                                     dump command CMD, and run PROG once
                                     the first part of the answer is read;
                                     print each object as KEY:N, the
                                     string attribute KEY that names it
                                     and the number N of its attributes
                                     of type ITEM (an object split over
                                     several messages once), in the order
                                     they came; then the number of parts,
                                     and "intr" if a message was flagged
                                     NLM_F_DUMP_INTR, else "clean"

Requests are built from a grammar of the family (its commands, attribute
sets, types and nests, with names, numbers and addresses drawn from small
pools so that they refer to each other) and then, half of the time,
broken: bytes flipped, cut short, lengths that lie, attributes repeated
or of unknown types, nests unflagged, header fields (the reserved byte,
the version, the command) changed.  Only the standard library is used.
"""

import errno
import os
import random
import socket
import struct
import subprocess
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_DUMP_INTR = 0x10
NLA_F_NESTED = 0x8000

# uapi/linux/sgfw.h, as the grammar needs it.
U8, U16, U32, U64, STR, BIN4, BIN16, NEST, CIDR, FLAG, RNEST, NNEST, \
    MATCH, FNEST, ANEST = range(15)
CIDR_ATTRS = {1: BIN4, 2: BIN16, 3: U8}
MATCH_ATTRS = {1: U8, 2: U16, 3: U16, 4: U8, 5: U8}
# A flow filter: ifindex, sg, rule-id, protocol, src, dst, sport, dport,
# state, stale.
FILTER_ATTRS = {1: U32, 2: STR, 3: U32, 4: U8, 5: CIDR, 6: CIDR, 7: U16,
                8: U16, 9: U32, 10: FLAG}
NESTS = (CIDR, RNEST, NNEST, MATCH, FNEST, ANEST)
SETS = {
    "status": {4: U32},
    "sg": {1: STR, 3: STR, 5: CIDR},
    "rule": {1: U32, 2: STR, 3: U32, 4: MATCH, 5: CIDR, 6: STR, 7: STR,
             8: STR},
    "pl": {1: STR, 2: CIDR, 3: U32},
    # Device: ifindex, name, group, the timeouts, tracking, NACL, audit,
    # mode, source check, addresses (a nest of address nests of a CIDR).
    "iface": {2: U32, 3: STR, 4: STR, 5: U32, 6: U32, 7: U32, 8: U32,
              11: STR, 17: U8, 23: U32, 24: U8, 25: ANEST},
    "flow": {16: FNEST},
    "nacl": {1: STR},
    # Explain: ifindex, direction, protocol, src, dst, sport, dport, icmp
    # type and code.
    "explain": {1: U32, 2: U32, 3: U8, 4: CIDR, 5: CIDR, 6: U16, 7: U16,
                8: U8, 9: U8},
    "nacl-rule": {2: STR, 3: U32, 4: U32, 5: U32, 6: MATCH, 7: CIDR},
    # Transactions.  Never a commit that awaits its confirmation (2): its
    # rollback would come at a time of its own in each namespace.
    "none": {},
    "txn-sg-rule": {1: STR, 4: RNEST},
    "txn-nacl": {1: STR, 3: NNEST},
    "txn": {1: FLAG, 3: U32},
}
# The attributes of the nests of a transaction's rules.
RULE_NEST = {t: k for t, k in SETS["rule"].items() if t not in (1, 2)}
NACL_NEST = {t: k for t, k in SETS["nacl-rule"].items() if t != 2}
# Command: (attribute set, writes?)
CMDS = {
    1: ("status", False), 2: ("status", True), 3: ("sg", True),
    4: ("sg", True), 5: ("sg", False), 6: ("rule", True), 7: ("rule", True),
    8: ("sg", True), 9: ("sg", True), 10: ("pl", True), 11: ("pl", True),
    12: ("pl", True), 13: ("pl", True), 14: ("pl", False),
    15: ("iface", True), 16: ("iface", True), 17: ("iface", True),
    18: ("iface", False), 19: ("flow", False), 20: ("nacl", True),
    21: ("nacl", True), 22: ("nacl", False), 23: ("nacl-rule", True),
    24: ("nacl-rule", True), 25: ("iface", True), 26: ("pl", True),
    27: ("none", True), 28: ("pl", True), 29: ("sg", True),
    30: ("txn-sg-rule", True), 31: ("txn-nacl", True), 32: ("iface", True),
    33: ("txn", True), 34: ("none", True), 36: ("flow", True),
    37: ("explain", False),
}
# A refused part ends a transaction: these change something even refused,
# so they are replayed whatever their answer, which must be the same.
TXN_CMDS = range(27, 35)
TXN_COMMIT, CONFIRM = 33, 35
NAMES = ["a", "b", "web", "ssh", "x" * 63, "", "bad name", "y" * 64, "é"]
U32S = [0, 1, 2, 3, 4, 5, 6, 17, 30, 60, 100, 180, 1000, 32766, 32767,
        65536, 432000, 16777216, 16777217, 0x7fffffff, 0xffffffff]


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * (-n % 4)


def value(rng, kind):
    if kind == U8:
        return struct.pack("=B", rng.choice([0, 1, 6, 17, 58, 255,
                                             rng.randrange(256)]))
    if kind == U16:
        return struct.pack("=H", rng.choice([0, 22, 80, 443, 65535,
                                             rng.randrange(65536)]))
    if kind == U32:
        return struct.pack("=I", rng.choice(U32S + [rng.randrange(1 << 32)]))
    if kind == U64:
        return struct.pack("=Q", rng.randrange(1 << 64))
    if kind == STR:
        return rng.choice(NAMES).encode() + b"\0"
    if kind == BIN4:
        return rng.choice([b"\x0a\x00\x00\x01", b"\xc0\x00\x02\x00",
                           b"\0\0\0\0", os.urandom(4)])
    if kind == BIN16:
        return rng.choice([b"\xfd" + b"\0" * 14 + b"\x01", b"\0" * 16,
                           os.urandom(16)])
    if kind == CIDR:
        return b"".join(attr(t, value(rng, k))
                        for t, k in CIDR_ATTRS.items() if rng.random() < .6)
    if kind == MATCH:
        return b"".join(attr(t, value(rng, k))
                        for t, k in MATCH_ATTRS.items() if rng.random() < .5)
    if kind == FNEST:
        return b"".join(attr(t | nest_flag(rng, k), value(rng, k))
                        for t, k in FILTER_ATTRS.items() if rng.random() < .3)
    if kind == FLAG:
        return b""
    if kind == ANEST:
        # Up to 64 addresses; sometimes one too many, sometimes none.
        return b"".join(attr(1 | nest_flag(rng, CIDR), value(rng, CIDR))
                        for _ in range(rng.choice([0, 1, 2, 3, 64, 65])))
    if kind in (RNEST, NNEST):
        nest = RULE_NEST if kind == RNEST else NACL_NEST
        return b"".join(attr(t | nest_flag(rng, k), value(rng, k))
                        for t, k in nest.items() if rng.random() < .5)
    return os.urandom(rng.randrange(12))


def nest_flag(rng, kind):
    """NLA_F_NESTED on a nest, mostly: strict validation wants it."""
    return NLA_F_NESTED if kind in NESTS and rng.random() < .9 else 0


def build(rng, cmd):
    aset = SETS.get(CMDS.get(cmd, ("flow", False))[0], {})
    out = b""
    for t, kind in aset.items():
        if rng.random() < 0.55:
            for _ in range(rng.choice([1, 1, 1, 2, 5])):
                out += attr(t | nest_flag(rng, kind), value(rng, kind))
    return out


def mutate(rng, attrs):
    b = bytearray(attrs)
    for _ in range(rng.randrange(1, 4)):
        m = rng.randrange(7)
        if m == 0 and b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif m == 1 and b:
            del b[rng.randrange(len(b)):]
        elif m == 2:
            b += attr(rng.randrange(1 << 14), os.urandom(rng.randrange(9)))
        elif m == 3 and len(b) >= 4:
            # A length that lies.
            struct.pack_into("=H", b, 0, rng.choice([0, 1, 3, 4, 5, 0xffff]))
        elif m == 4:
            b += os.urandom(rng.randrange(1, 7))
        elif m == 5 and b:
            b = b + b
        else:
            b += attr(rng.randrange(1, 16) | NLA_F_NESTED,
                      attr(rng.randrange(1, 8), os.urandom(4)))
    return bytes(b)


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((0, 0))
        self.s.settimeout(10)
        self.seq = 0
        self.family = self.resolve("sgfw")

    def send(self, ftype, flags, cmd, version, reserved, attrs):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, reserved) + attrs
        hdr = struct.pack("=IHHII", 16 + len(body), ftype, flags, self.seq, 0)
        self.s.send(hdr + body)
        return self.seq

    def answer(self, seq):
        """The request's error (0 for an ack or a finished dump)."""
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, typ, flags, s, _ = struct.unpack_from("=IHHII", data, off)
                if ln < 16:
                    raise RuntimeError("a message of length %d" % ln)
                if s == seq and typ == NLMSG_ERROR:
                    return -struct.unpack_from("=i", data, off + 16)[0]
                if s == seq and typ == NLMSG_DONE:
                    return 0
                off += (ln + 3) & ~3

    def resolve(self, name):
        seq = self.send(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1,
                        0, attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        data = self.s.recv(1 << 16)
        ln, typ, _, s, _ = struct.unpack_from("=IHHII", data, 0)
        off = 20
        while off + 4 <= ln:
            alen, atype = struct.unpack_from("=HH", data, off)
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from("=H", data, off + 4)[0]
            off += (alen + 3) & ~3
        raise RuntimeError("no family %s" % name)


def fuzz(count, seed, kept_path):
    rng = random.Random(seed)
    g = Genl()
    kept = open(kept_path, "wb")
    answered = ok = 0
    errors = {}
    t0 = time.monotonic()
    for i in range(count):
        if i and i % 10000 == 0:
            # On stderr, which the scenario shows if it fails or times out.
            print("nlfuzz: %d requests, %.0f s" % (i, time.monotonic() - t0),
                  file=sys.stderr, flush=True)
        cmd = rng.choice(list(CMDS)) if rng.random() < .95 else \
            rng.randrange(256)
        if cmd in (TXN_COMMIT, CONFIRM) and cmd not in CMDS:
            cmd = 1
        attrs = build(rng, cmd)
        # A mutated commit might ask for a confirmation: not that one.
        broken = rng.random() < .5 and cmd != TXN_COMMIT
        if broken:
            attrs = mutate(rng, attrs)
        version, reserved = 1, 0
        if rng.random() < .03:
            version = rng.randrange(256)
        if rng.random() < .03:
            reserved = rng.randrange(1, 1 << 16)
        flags = NLM_F_REQUEST | NLM_F_ACK
        dump = rng.random() < .1
        if dump:
            flags |= NLM_F_DUMP
        seq = g.send(g.family, flags, cmd, version, reserved, attrs)
        err = g.answer(seq)
        answered += 1
        errors[err] = errors.get(err, 0) + 1
        if err == 0:
            ok += 1
        if not dump and CMDS.get(cmd, ("", False))[1] and \
                (err == 0 or cmd in TXN_CMDS):
            body = struct.pack("=BBH", cmd, version, reserved) + attrs
            kept.write(struct.pack("=Ii", len(body), err) + body)
    kept.close()
    print("sent %d, answered %d, acked %d" % (count, answered, ok))
    for err, n in sorted(errors.items()):
        print("  %-8s %d" % (errno.errorcode.get(err, err) if err else "ok",
                             n))
    return answered == count


def replay(kept_path):
    g = Genl()
    data = open(kept_path, "rb").read()
    off = n = 0
    while off < len(data):
        ln, want = struct.unpack_from("=Ii", data, off)
        body = data[off + 8:off + 8 + ln]
        off += 8 + ln
        cmd, version, reserved = struct.unpack_from("=BBH", body, 0)
        seq = g.send(g.family, NLM_F_REQUEST | NLM_F_ACK, cmd, version,
                     reserved, body[4:])
        err = g.answer(seq)
        if err != want:
            print("replayed request %d (command %d): %s, not %s" %
                  (n, cmd, os.strerror(err) if err else "acked",
                   os.strerror(want) if want else "acked"))
            return False
        n += 1
    print("replayed %d requests" % n)
    return True


def header():
    g = Genl()
    good = True
    for cmd in sorted(CMDS):
        for dump in (False, True):
            flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
            err = g.answer(g.send(g.family, flags, cmd, 1, 1, b""))
            if err != errno.EINVAL:
                print("command %d%s with reserved 1: %s" %
                      (cmd, " (dump)" if dump else "",
                       os.strerror(err) if err else "accepted"))
                good = False
    print("checked %d commands" % len(CMDS))
    return good


def dump_intr(cmd, key, item, prog):
    g = Genl()
    seq = g.send(g.family, NLM_F_REQUEST | NLM_F_DUMP, cmd, 1, 0, b"")
    names, items, intr, parts = [], [], False, 0
    while True:
        # The kernel made the next part when the last one was read: the
        # change lands between the second part and the third.
        data = g.s.recv(1 << 16)
        parts += 1
        if parts == 1:
            subprocess.run(prog, check=True)
        off = 0
        while off + 16 <= len(data):
            ln, typ, flags, s, _ = struct.unpack_from("=IHHII", data, off)
            if ln < 16 or s != seq:
                raise RuntimeError("a stray message")
            if typ == NLMSG_ERROR:
                raise RuntimeError("the dump failed")
            if typ == NLMSG_DONE:
                print(" ".join("%s:%d" % o for o in zip(names, items)))
                print("%d parts, %s" % (parts, "intr" if intr else "clean"))
                return parts > 2
            intr = intr or bool(flags & NLM_F_DUMP_INTR)
            a = off + 20
            while a + 4 <= off + ln:
                alen, atype = struct.unpack_from("=HH", data, a)
                if alen < 4:
                    raise RuntimeError("an attribute of length %d" % alen)
                if atype == key:
                    name = data[a + 4:a + alen].rstrip(b"\0").decode()
                    if not names or names[-1] != name:
                        names.append(name)
                        items.append(0)
                elif atype & 0x3fff == item and items:
                    items[-1] += 1
                a += (alen + 3) & ~3
            off += (ln + 3) & ~3


TXN_BEGIN, TXN_SG, TXN_SG_RULE, TXN_IFACE, TXN_ABORT = 27, 29, 30, 32, 34


def tcp_rule(direction, port):
    """An SG_RULE nest: tcp @port from or to 10.0.0.0/8."""
    match = attr(1, struct.pack("=B", 6)) + attr(2, struct.pack("=H", port)) \
        + attr(3, struct.pack("=H", port))
    peer = attr(1, bytes([10, 0, 0, 0])) + attr(3, struct.pack("=B", 8))
    return attr(4 | NLA_F_NESTED,
                attr(3, struct.pack("=I", direction)) +
                attr(4 | NLA_F_NESTED, match) + attr(5 | NLA_F_NESTED, peer))


def txn_order():
    """Groups g0 to g8 given to device d0 while empty, then 120 rules each
    (60 a direction): eight make 960 rules on d0, the ninth's would make
    1080, past the 1000 a device may have."""
    g = Genl()

    def do(cmd, attrs):
        return g.answer(g.send(g.family, NLM_F_REQUEST | NLM_F_ACK, cmd, 1,
                               0, attrs))

    def name(i):
        return attr(1, b"g%d\0" % i)

    got = [("begin", do(TXN_BEGIN, b""))]
    got += [("group g%d" % i, do(TXN_SG, name(i))) for i in range(9)]
    got.append(("device d0", do(TXN_IFACE, attr(3, b"d0\0") + b"".join(
        attr(4, b"g%d\0" % i) for i in range(9)))))
    rules = b"".join(tcp_rule(d, port) for d in (0, 1)
                     for port in range(1, 61))
    got += [("rules of g%d" % i, do(TXN_SG_RULE, name(i) + rules))
            for i in range(9)]
    do(TXN_ABORT, b"")
    want = [0] * (len(got) - 1) + [errno.ENOSPC]
    for (what, err), w in zip(got, want):
        print("%s: %s%s" % (what, os.strerror(err) if err else "ok",
                            "" if err == w else " (wrong)"))
    return [err for _, err in got] == want


def main():
    if sys.argv[1] == "txn-order":
        good = txn_order()
    elif sys.argv[1] == "dump-intr":
        good = dump_intr(int(sys.argv[2]), int(sys.argv[3]),
                         int(sys.argv[4]), sys.argv[5:])
    elif sys.argv[1] == "fuzz":
        good = fuzz(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "header":
        good = header()
    else:
        good = replay(sys.argv[2])
    sys.exit(0 if good else 1)


if __name__ == "__main__":
    main()
