#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Load and unload sgfw many times, fast, for
tests/scenarios/47-hard-reload.sh.

    reload.py KO CYCLES IFINDEX [PARAM=VALUE...]

Each cycle loads KO (finit_module), makes a group that allows every
protocol in and out, attaches it to the device IFINDEX of the caller's
namespace with every flow tracked (generic netlink, as sgtool would), lets traffic flow through
it for a moment, and unloads the module (delete_module) while that
traffic goes on.  All in one process, so that a cycle costs no exec.
Prints one line per 20 cycles and a summary; exits non-zero on the first
failure.
"""

import ctypes
import os
import socket
import struct
import sys
import time

SYS_finit_module = 313
SYS_delete_module = 176
NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
# uapi/linux/sgfw.h
CMD_SG_NEW, CMD_RULE_NEW, CMD_IFACE_ATTACH, CMD_IFACE_SET = 3, 6, 15, 17
A_SG_NAME = 1
A_RULE_SG, A_RULE_DIR, A_RULE_PEER = 2, 3, 5
A_CIDR_IPV4, A_CIDR_IPV6, A_CIDR_PLEN = 1, 2, 3
A_IFACE_IFINDEX, A_IFACE_SG, A_IFACE_TRACKING = 2, 4, 8

libc = ctypes.CDLL(None, use_errno=True)


def attr(t, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, t) + payload + b"\0" * (-n % 4)


def string(t, s):
    return attr(t, s.encode() + b"\0")


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.settimeout(10)
        self.seq = 0

    def talk(self, family, cmd, attrs, version=1):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + attrs
        self.s.send(struct.pack("=IHHII", 16 + len(body), family,
                                NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) +
                    body)
        while True:
            data = self.s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                ln, typ, _, seq, _ = struct.unpack_from("=IHHII", data, off)
                if seq == self.seq and typ == NLMSG_ERROR:
                    return -struct.unpack_from("=i", data, off + 16)[0]
                off += (ln + 3) & ~3

    def family(self, name):
        self.seq += 1
        body = struct.pack("=BBH", 3, 1, 0) + string(2, name)
        self.s.send(struct.pack("=IHHII", 16 + len(body), 0x10, NLM_F_REQUEST,
                                self.seq, 0) + body)
        data = self.s.recv(65536)
        ln = struct.unpack_from("=I", data, 0)[0]
        off = 20
        while off + 4 <= ln:
            alen, atype = struct.unpack_from("=HH", data, off)
            if atype == 1:
                return struct.unpack_from("=H", data, off + 4)[0]
            off += (alen + 3) & ~3
        raise OSError("no family %s (%d)" % (name, -struct.unpack_from(
            "=i", data, 16)[0]))


def check(err, what):
    if err:
        raise OSError(err, "%s: %s" % (what, os.strerror(err)))


def configure(g, ifindex):
    fam = g.family("sgfw")
    check(g.talk(fam, CMD_SG_NEW, string(A_SG_NAME, "all")), "sg add")
    for addr, val in ((A_CIDR_IPV4, b"\0" * 4), (A_CIDR_IPV6, b"\0" * 16)):
        peer = attr(A_RULE_PEER | NLA_F_NESTED,
                    attr(addr, val) + attr(A_CIDR_PLEN, b"\0"))
        check(g.talk(fam, CMD_RULE_NEW,
                     string(A_RULE_SG, "all") +
                     attr(A_RULE_DIR, struct.pack("=I", 0)) + peer),
              "rule add")
    dev = attr(A_IFACE_IFINDEX, struct.pack("=I", ifindex))
    # Every flow tracked: the all-open group would track none.
    check(g.talk(fam, CMD_IFACE_SET,
                 dev + attr(A_IFACE_TRACKING, struct.pack("=I", 1))),
          "iface set")
    check(g.talk(fam, CMD_IFACE_ATTACH, dev + string(A_IFACE_SG, "all")),
          "iface attach")


def main():
    ko, cycles, ifindex = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    params = " ".join(sys.argv[4:]).encode()
    g = Genl()
    start = time.monotonic()
    for i in range(cycles):
        fd = os.open(ko, os.O_RDONLY)
        if libc.syscall(SYS_finit_module, fd, params, 0):
            raise OSError(ctypes.get_errno(), "finit_module")
        os.close(fd)
        configure(g, ifindex)
        time.sleep(0.02)
        while libc.syscall(SYS_delete_module, b"sgfw", os.O_NONBLOCK):
            e = ctypes.get_errno()
            if e not in (11, 16):		# EAGAIN, EBUSY: in use a moment
                raise OSError(e, "delete_module")
            time.sleep(0.01)
        if (i + 1) % 20 == 0:
            print("%d cycles, %.1f s" % (i + 1, time.monotonic() - start),
                  flush=True)
    print("reloaded %d times in %.1f s" % (cycles, time.monotonic() - start))


if __name__ == "__main__":
    main()
