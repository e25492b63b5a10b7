#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile traffic for tests/scenarios/44-hard-hostile.sh, made with scapy.

    hostile.py KIND IFACE SRC4 DST4 SRC6 DST6 [PORT]

Sends, at the link layer out of IFACE (so that nothing of the sender's own
stack stops a malformed packet), the packets of one KIND towards DST4 and
DST6, and prints on the last line how many it sent.  KIND is one of:

  malformed   truncated and lying headers of every layer sgfw parses: IP
              lengths, TCP data offsets, short UDP and ICMP headers, ICMP
              errors quoting garbage, errors, fragments, IPv6 in IPv4;
              IPv6 extension-header chains cut short or 40 headers long
  fragments   overlapping, tiny, and out-of-range fragments, both families
  flags       a TCP segment with each of the 256 flag bytes, to PORT
  pass        what an "all traffic" rule must let through (a raw listener
              sees it): IPv6 with no next header, an ICMP error quoting an
              ICMP error, an ICMPv6 error whose quote ends inside its
              extension headers
  link        neighbour discovery and MLD with right and wrong hop limits,
              and a redirect; each carries a tag in its payload
"""

import sys

from scapy.all import (ICMP, IP, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, ICMPv6EchoRequest,
                       ICMPv6DestUnreach, ICMPv6MLReport, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6ND_Redirect, RouterAlert, TCP, UDP,
                       Ether, Raw, conf, fragment, get_if_hwaddr, sendp)

conf.verb = 0


def v4(dst, src, **kw):
    return IP(src=src, dst=dst, **kw)


def v6(dst, src, **kw):
    return IPv6(src=src, dst=dst, **kw)


def malformed(s4, d4, s6, d6, port):
    pkts = []
    # IPv4 headers that lie about their length.
    for ihl in (4, 15):
        pkts.append(v4(d4, s4, ihl=ihl, proto=17) / Raw(b"x" * 8))
    for tot in (10, 21, 200, 65535):
        pkts.append(v4(d4, s4, len=tot, proto=6) / Raw(b"y" * 40))
    # Transport headers cut short, or lying about their own length.
    for n in range(0, 20, 3):
        pkts.append(v4(d4, s4, proto=6) / Raw(b"\0" * n))
        pkts.append(v6(d6, s6, nh=6) / Raw(b"\0" * n))
    for doff in (0, 1, 4, 15):
        pkts.append(v4(d4, s4) / TCP(sport=1111, dport=port, dataofs=doff,
                                     flags="S"))
        pkts.append(v6(d6, s6) / TCP(sport=1111, dport=port, dataofs=doff,
                                     flags="A"))
    for n in (0, 4, 7):
        pkts.append(v4(d4, s4, proto=17) / Raw(b"u" * n))
        pkts.append(v4(d4, s4, proto=1) / Raw(b"\x08" * n))
        pkts.append(v6(d6, s6, nh=58) / Raw(b"\x80" * n))
    # TCP options that run past the header.
    pkts.append(v4(d4, s4) / TCP(sport=1112, dport=port, flags="S",
                                 options=[("WScale", 14), ("NOP", None)]) /
                Raw(b"\x03\x09"))
    # ICMP errors quoting garbage, errors, fragments and other families.
    garbage = [Raw(b"\xff" * 28), Raw(b"\x45"), Raw(b""),
               v4(s4, d4, proto=1) / ICMP(type=3, code=3),
               v4(s4, d4, frag=100, proto=17) / Raw(b"z" * 8),
               v6(s6, d6) / UDP(sport=1, dport=2),
               v4(s4, d4, ihl=15) / Raw(b"q" * 4)]
    for g in garbage:
        pkts.append(v4(d4, s4) / ICMP(type=3, code=1) / g)
        pkts.append(v4(d4, s4) / ICMP(type=11, code=0) / g)
    for g in (Raw(b"\xff" * 48), Raw(b"\x60"),
              v6(s6, d6) / ICMPv6DestUnreach() / Raw(b"w" * 40),
              v6(s6, d6, nh=0) / Raw(b"\x11\x09")):
        pkts.append(v6(d6, s6) / ICMPv6DestUnreach(code=4) / g)
    # IPv6 extension headers: cut short, lying, and very many.
    pkts.append(v6(d6, s6, nh=0) / Raw(b"\x11"))
    pkts.append(v6(d6, s6, nh=0) / Raw(b"\x11\xff" + b"\0" * 6))
    pkts.append(v6(d6, s6, nh=60) / Raw(b"\x3c\x00" + b"\x01\x04" + b"\0" * 4))
    chain = IPv6ExtHdrHopByHop()
    for _ in range(40):
        chain = chain / IPv6ExtHdrDestOpt()
    pkts.append(v6(d6, s6) / chain / UDP(sport=1113, dport=port))
    pkts.append(v6(d6, s6) / chain / Raw(b"\0\0"))
    return [(False, p) for p in pkts[:len(pkts) // 2]] + \
        [(True, p) for p in pkts[len(pkts) // 2:]]


def fragments(s4, d4, s6, d6, port):
    out = []
    payload = UDP(sport=2222, dport=port) / Raw(b"F" * 200)
    whole4 = v4(d4, s4, id=4242) / payload
    # Tiny fragments, then one that overlaps the first.
    for f in fragment(whole4, fragsize=8):
        out.append(f)
    over = v4(d4, s4, id=4242, flags="MF", frag=0, proto=17) / Raw(b"O" * 64)
    out.append(over)
    # An offset past 64 KiB, a fragment that ends past it.
    out.append(v4(d4, s4, id=4243, frag=8190, proto=17) / Raw(b"E" * 64))
    out.append(v4(d4, s4, id=4244, flags="MF", frag=0, proto=17) /
               Raw(b"S" * 16))
    out.append(v4(d4, s4, id=4244, frag=8191, proto=17) / Raw(b"E" * 16))
    # IPv6: tiny, overlapping (RFC 5722 says drop), atomic.
    for off, m in ((0, 1), (1, 1), (0, 1), (2, 0)):
        out.append(v6(d6, s6) / IPv6ExtHdrFragment(id=77, offset=off, m=m,
                                                    nh=17) /
                   Raw(b"6" * 8))
    out.append(v6(d6, s6) / IPv6ExtHdrFragment(id=78, offset=0, m=0) /
               UDP(sport=2223, dport=port))
    out.append(v6(d6, s6) / IPv6ExtHdrFragment(id=79, offset=8191, m=0,
                                                nh=17) / Raw(b"x" * 8))
    return [(p.haslayer(IPv6), p) for p in out]


def flags(s4, d4, s6, d6, port):
    out = []
    for f in range(256):
        out.append((False, v4(d4, s4) / TCP(sport=3000 + f, dport=port,
                                            flags=f, seq=f * 1000)))
        out.append((True, v6(d6, s6) / TCP(sport=3000 + f, dport=port,
                                           flags=f, seq=f * 1000)))
    return out


def passing(s4, d4, s6, d6, port):
    return [
        (True, v6(d6, s6, nh=59) / Raw(b"sgfw-pass-59")),
        (False, v4(d4, s4) / ICMP(type=3, code=1) /
         v4(s4, d4, proto=1) / ICMP(type=11) / Raw(b"sgfw-pass-ee")),
        # The quote's hop-by-hop header claims 48 bytes, has 15.
        (True, v6(d6, s6) / ICMPv6DestUnreach(code=1) /
         v6(s6, d6, nh=0) / Raw(b"\x11\x05sgfw-pass-v6e")),
    ]


def link(s4, d4, s6, d6, port):
    tag = Raw(b"sgfw-link")
    mld = IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
    return [
        (True, v6(d6, s6, hlim=255) / ICMPv6ND_NA(tgt=s6, R=0) / tag),
        (True, v6(d6, s6, hlim=64) / ICMPv6ND_NA(tgt=s6, R=0) / tag),
        (True, v6(d6, s6, hlim=254) / ICMPv6ND_NS(tgt=d6) / tag),
        (True, v6(d6, s6, hlim=255) / ICMPv6ND_Redirect(tgt=s6, dst=d6) /
         tag),
        (True, v6(d6, s6, hlim=1) / mld / ICMPv6MLReport() / tag),
        (True, v6(d6, s6, hlim=64) / mld / ICMPv6MLReport() / tag),
        (True, v6(d6, s6, hlim=64) / ICMPv6EchoRequest() / tag),
    ]


KINDS = {"malformed": malformed, "fragments": fragments, "flags": flags,
         "pass": passing, "link": link}


def main():
    kind, iface, s4, d4, s6, d6 = sys.argv[1:7]
    port = int(sys.argv[7]) if len(sys.argv) > 7 else 9
    mac = get_if_hwaddr(iface)
    frames = []
    for is6, p in KINDS[kind](s4, d4, s6, d6, port):
        # Broadcast: no neighbour entry needed, and the peer takes it.
        eth = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff",
                    type=0x86dd if is6 else 0x0800)
        frames.append(eth / p)
    sendp(frames, iface=iface)
    print(len(frames))


if __name__ == "__main__":
    main()
