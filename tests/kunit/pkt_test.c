// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_pkt: parsing packets into struct sgfw_pkt.
 *
 * Each case is a packet written as a stack of headers.  It is parsed from
 * a linear skb, then from skbs whose bytes are split at every offset
 * between the linear area and a page fragment or a frag list (the shape of
 * a reassembled datagram), each with the network header at the start of
 * the data and after a link-layer header.  The parser must give the same
 * answer wherever the bytes live.  Then the packet is cut short at every
 * length: the parser must fail exactly when the packet ends before the
 * last byte it needs, and otherwise give the same answer; an ICMP error
 * cut inside its quote is still an error, with no quoted tuple.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/tcp.h>

#include "../../module/pkt.h"

#define SGFW_TEST_MAX_HDRS	6
#define SGFW_TEST_BUF		512

enum sgfw_test_hdr_kind {
	HDR_END,
	HDR_IP4,	/* @proto, @src, @dst, @opts, @frag, @mf, @ihl */
	HDR_IP6,	/* @proto, @src, @dst, @hops */
	HDR_EXT6,	/* hop-by-hop or destination options: @proto next */
	HDR_FRAG6,	/* @proto next, @frag, @mf */
	HDR_TCP,	/* @sport, @dport, @flags, @ws */
	HDR_UDP,	/* @sport, @dport */
	HDR_ICMP,	/* icmp or icmpv6: @type, @code, @id */
	HDR_RAW,	/* @len bytes of payload */
};

struct sgfw_test_hdr {
	u8 kind;
	u8 proto;
	const char *src, *dst;
	u16 sport, dport;
	u8 flags;
	u8 type, code;
	u16 id;
	u8 opts;		/* IPv4 option bytes, a multiple of 4 */
	u8 ihl;			/* IPv4 header length field, if not computed */
	u16 frag;		/* fragment offset, in 8-byte units */
	bool mf;		/* more fragments */
	u8 len;
	u8 hops;		/* IPv6 hop limit, if not 64 */
	u8 ws;			/* TCP window scale option + 1; 0: none */
};

#define IP4(pr, s, d)		{ .kind = HDR_IP4, .proto = pr, .src = s, .dst = d }
#define IP6(pr, s, d)		{ .kind = HDR_IP6, .proto = pr, .src = s, .dst = d }
#define IP6H(pr, s, d, h)	{ .kind = HDR_IP6, .proto = pr, .src = s, .dst = d, .hops = h }
#define EXT6(pr)		{ .kind = HDR_EXT6, .proto = pr }
#define TCP(sp, dp, f)		{ .kind = HDR_TCP, .sport = sp, .dport = dp, .flags = f }
#define UDP(sp, dp)		{ .kind = HDR_UDP, .sport = sp, .dport = dp }
#define ICMP(t, c, i)		{ .kind = HDR_ICMP, .type = t, .code = c, .id = i }
#define RAW(n)			{ .kind = HDR_RAW, .len = n }

/* A tuple as the tables write it; no @src means all zero. */
struct sgfw_test_tuple {
	const char *src, *dst;
	u8 proto;
	u16 sport, dport;
};

struct sgfw_test_pkt_case {
	const char *desc;
	enum sgfw_af af;
	struct sgfw_test_hdr hdrs[SGFW_TEST_MAX_HDRS];
	int err;
	unsigned int need;	/* the shortest length that parses */
	unsigned int need_inner; /* an error: the shortest with its quote */
	struct sgfw_test_tuple t, inner;
	u8 type, code, tcp_flags, flags;
	u8 wscale;		/* a SYN's; SGFW_TCP_WSCALE_NONE when 0 */
};

#define V4	SGFW_AF_INET
#define V6	SGFW_AF_INET6

/* Documentation addresses: this host, a remote host, a router. */
#define H4	"192.0.2.1"
#define R4	"203.0.113.9"
#define GW4	"198.51.100.254"
#define H6	"2001:db8::1"
#define R6	"2001:db8:ffff::9"
#define GW6	"2001:db8:ffff::fe"
#define LL6	"fe80::1"
#define MC6	"ff02::1"

#define PR_TCP		IPPROTO_TCP
#define PR_UDP		IPPROTO_UDP
#define PR_ICMP		IPPROTO_ICMP
#define PR_ICMP6	IPPROTO_ICMPV6
#define PR_GRE		IPPROTO_GRE
#define PR_HOP		NEXTHDR_HOP
#define PR_DEST		NEXTHDR_DEST
#define PR_FRAG		NEXTHDR_FRAGMENT
#define PR_NONE		NEXTHDR_NONE

#define Q	SGFW_PKT_ICMP_QUERY
#define E	(SGFW_PKT_ICMP_ERROR | SGFW_PKT_INNER)	/* with its quote */
#define EN	SGFW_PKT_ICMP_ERROR	/* an error that names no flow */
#define PASS	SGFW_PKT_ALWAYS_PASS

#define SYN	TCPHDR_SYN
#define ACK	TCPHDR_ACK
#define FIN	TCPHDR_FIN
#define RST	TCPHDR_RST

/* Tuples: @sp and @dp are ports, or the identifier of an icmp query. */
#define T(s, d, pr, sp, dp)	{ .src = s, .dst = d, .proto = pr, .sport = sp, .dport = dp }

static const struct sgfw_test_pkt_case sgfw_test_pkt_cases[] = {
	/* IPv4 */
	{ .desc = "v4 tcp syn", .af = V4,
	  .hdrs = { IP4(PR_TCP, R4, H4), TCP(40000, 22, SYN) },
	  .need = 40, .t = T(R4, H4, PR_TCP, 40000, 22), .tcp_flags = SYN },
	{ .desc = "v4 tcp syn with window scale 7", .af = V4,
	  .hdrs = { IP4(PR_TCP, R4, H4),
		    { .kind = HDR_TCP, .sport = 40000, .dport = 22,
		      .flags = SYN, .ws = 8 } },
	  .need = 44, .t = T(R4, H4, PR_TCP, 40000, 22), .tcp_flags = SYN,
	  .wscale = 7 },
	{ .desc = "v4 tcp syn with window scale past 14 takes 14", .af = V4,
	  .hdrs = { IP4(PR_TCP, R4, H4),
		    { .kind = HDR_TCP, .sport = 40000, .dport = 22,
		      .flags = SYN, .ws = 201 } },
	  .need = 44, .t = T(R4, H4, PR_TCP, 40000, 22), .tcp_flags = SYN,
	  .wscale = 14 },
	{ .desc = "v4 tcp fin ack rst", .af = V4,
	  .hdrs = { IP4(PR_TCP, H4, R4), TCP(22, 40000, FIN | ACK | RST) },
	  .need = 40, .t = T(H4, R4, PR_TCP, 22, 40000),
	  .tcp_flags = FIN | ACK | RST },
	{ .desc = "v4 tcp, 8 bytes of ip options", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_TCP, .src = R4, .dst = H4,
		      .opts = 8 }, TCP(1, 65535, ACK) },
	  .need = 48, .t = T(R4, H4, PR_TCP, 1, 65535), .tcp_flags = ACK },
	{ .desc = "v4 udp", .af = V4,
	  .hdrs = { IP4(PR_UDP, R4, H4), UDP(5353, 53), RAW(12) },
	  .need = 28, .t = T(R4, H4, PR_UDP, 5353, 53) },
	{ .desc = "v4 first fragment of a udp datagram", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_UDP, .src = R4, .dst = H4,
		      .mf = true }, UDP(5353, 53), RAW(16) },
	  .need = 28, .t = T(R4, H4, PR_UDP, 5353, 53) },
	{ .desc = "v4 echo request", .af = V4,
	  .hdrs = { IP4(PR_ICMP, H4, R4), ICMP(ICMP_ECHO, 0, 0x1234), RAW(8) },
	  .need = 28, .t = T(H4, R4, PR_ICMP, 0x1234, 0x1234),
	  .type = ICMP_ECHO, .flags = Q },
	{ .desc = "v4 echo reply", .af = V4,
	  .hdrs = { IP4(PR_ICMP, R4, H4), ICMP(ICMP_ECHOREPLY, 0, 0x1234) },
	  .need = 28, .t = T(R4, H4, PR_ICMP, 0x1234, 0x1234),
	  .type = ICMP_ECHOREPLY, .flags = Q },
	{ .desc = "v4 timestamp request", .af = V4,
	  .hdrs = { IP4(PR_ICMP, R4, H4), ICMP(ICMP_TIMESTAMP, 0, 7), RAW(12) },
	  .need = 28, .t = T(R4, H4, PR_ICMP, 7, 7), .type = ICMP_TIMESTAMP,
	  .flags = Q },
	{ .desc = "v4 address mask reply", .af = V4,
	  .hdrs = { IP4(PR_ICMP, R4, H4), ICMP(ICMP_ADDRESSREPLY, 0, 9),
		    RAW(4) },
	  .need = 28, .t = T(R4, H4, PR_ICMP, 9, 9), .type = ICMP_ADDRESSREPLY,
	  .flags = Q },
	{ .desc = "v4 extended echo request", .af = V4,
	  .hdrs = { IP4(PR_ICMP, H4, R4), ICMP(ICMP_EXT_ECHO, 0, 3) },
	  .need = 28, .t = T(H4, R4, PR_ICMP, 3, 3), .type = ICMP_EXT_ECHO,
	  .flags = Q },
	{ .desc = "v4 port unreachable quoting udp", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4),
		    ICMP(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0),
		    IP4(PR_UDP, H4, R4), UDP(40000, 53), RAW(4) },
	  .need = 28, .need_inner = 52, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .inner = T(R4, H4, PR_UDP, 53, 40000), .type = ICMP_DEST_UNREACH,
	  .code = ICMP_PORT_UNREACH, .flags = E },
	{ .desc = "v4 time exceeded quoting an echo request", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_TIME_EXCEEDED, 0, 0),
		    IP4(PR_ICMP, H4, R4), ICMP(ICMP_ECHO, 0, 0x4242) },
	  .need = 28, .need_inner = 56, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .inner = T(R4, H4, PR_ICMP, 0x4242, 0x4242),
	  .type = ICMP_TIME_EXCEEDED, .flags = E },
	{ .desc = "v4 frag needed quoting tcp with ip options", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4),
		    ICMP(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, 0),
		    { .kind = HDR_IP4, .proto = PR_TCP, .src = H4, .dst = R4,
		      .opts = 4 }, TCP(40000, 443, ACK) },
	  .need = 28, .need_inner = 56, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .inner = T(R4, H4, PR_TCP, 443, 40000), .type = ICMP_DEST_UNREACH,
	  .code = ICMP_FRAG_NEEDED, .flags = E },
	{ .desc = "v4 parameter problem quoting gre", .af = V4,
	  .hdrs = { IP4(PR_ICMP, R4, H4), ICMP(ICMP_PARAMETERPROB, 0, 0),
		    IP4(PR_GRE, H4, R4), RAW(8) },
	  .need = 28, .need_inner = 48, .t = T(R4, H4, PR_ICMP, 0, 0),
	  .inner = T(R4, H4, PR_GRE, 0, 0), .type = ICMP_PARAMETERPROB,
	  .flags = E },
	/*
	 * Errors whose quote names no flow are errors all the same, and so
	 * is one that does not go to the quoted packet's sender (this host
	 * to the router, about a packet from R4 to this host).
	 */
	{ .desc = "v4 error not to the quoted packet's sender", .af = V4,
	  .hdrs = { IP4(PR_ICMP, H4, GW4),
		    ICMP(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0),
		    IP4(PR_UDP, R4, H4), UDP(53, 40000), RAW(4) },
	  .need = 28, .need_inner = 52, .t = T(H4, GW4, PR_ICMP, 0, 0),
	  .inner = T(H4, R4, PR_UDP, 40000, 53), .type = ICMP_DEST_UNREACH,
	  .code = ICMP_PORT_UNREACH, .flags = EN },
	{ .desc = "v4 error quoting an error", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_DEST_UNREACH, 1, 0),
		    IP4(PR_ICMP, H4, R4), ICMP(ICMP_TIME_EXCEEDED, 0, 0) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .type = ICMP_DEST_UNREACH, .code = 1, .flags = EN },
	{ .desc = "v4 error quoting a later fragment", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_TIME_EXCEEDED, 1, 0),
		    { .kind = HDR_IP4, .proto = PR_UDP, .src = H4, .dst = R4,
		      .frag = 185 }, RAW(8) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .type = ICMP_TIME_EXCEEDED, .code = 1, .flags = EN },
	{ .desc = "v4 error quoting IPv6", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_DEST_UNREACH, 1, 0),
		    IP6(PR_UDP, H6, R6), UDP(1, 2) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .type = ICMP_DEST_UNREACH, .code = 1, .flags = EN },
	{ .desc = "v4 error quoting garbage", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_DEST_UNREACH, 3, 0),
		    RAW(40) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .type = ICMP_DEST_UNREACH, .code = 3, .flags = EN },
	{ .desc = "v4 redirect is not an error", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_REDIRECT, 1, 0),
		    IP4(PR_UDP, H4, R4), UDP(40000, 53) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0), .type = ICMP_REDIRECT,
	  .code = 1 },
	{ .desc = "v4 source quench is not an error", .af = V4,
	  .hdrs = { IP4(PR_ICMP, GW4, H4), ICMP(ICMP_SOURCE_QUENCH, 0, 0),
		    IP4(PR_UDP, H4, R4), UDP(40000, 53) },
	  .need = 28, .t = T(GW4, H4, PR_ICMP, 0, 0),
	  .type = ICMP_SOURCE_QUENCH },
	{ .desc = "v4 gre", .af = V4,
	  .hdrs = { IP4(PR_GRE, R4, H4), RAW(24) },
	  .need = 20, .t = T(R4, H4, PR_GRE, 0, 0) },
	{ .desc = "v4 protocol 0", .af = V4,
	  .hdrs = { IP4(0, R4, H4), RAW(8) },
	  .need = 20, .t = T(R4, H4, 0, 0, 0) },
	{ .desc = "v4 gre with ip options", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_GRE, .src = R4, .dst = H4,
		      .opts = 40 } },
	  .need = 60, .t = T(R4, H4, PR_GRE, 0, 0) },
	{ .desc = "v4 carrying icmpv6 is another protocol", .af = V4,
	  .hdrs = { IP4(PR_ICMP6, R4, H4), ICMP(ICMPV6_ECHO_REQUEST, 0, 5) },
	  .need = 20, .t = T(R4, H4, PR_ICMP6, 0, 0) },
	{ .desc = "v4 later fragment", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_UDP, .src = R4, .dst = H4,
		      .frag = 185 }, RAW(32) },
	  .err = -EINVAL },
	{ .desc = "v4 last fragment", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_TCP, .src = R4, .dst = H4,
		      .frag = 1, .mf = false }, TCP(1, 2, SYN) },
	  .err = -EINVAL },
	{ .desc = "v4 header length 4", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_UDP, .src = R4, .dst = H4,
		      .ihl = 4 }, UDP(1, 2) },
	  .err = -EINVAL },
	{ .desc = "v4 header length past the packet", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_GRE, .src = R4, .dst = H4,
		      .ihl = 15 }, RAW(8) },
	  .err = -EINVAL },
	{ .desc = "v4 parser given IPv6", .af = V4,
	  .hdrs = { IP6(PR_UDP, R6, H6), UDP(1, 2) },
	  .err = -EINVAL },

	/* IPv6 */
	{ .desc = "v6 tcp", .af = V6,
	  .hdrs = { IP6(PR_TCP, R6, H6), TCP(40000, 443, SYN | ACK) },
	  .need = 60, .t = T(R6, H6, PR_TCP, 40000, 443),
	  .tcp_flags = SYN | ACK },
	{ .desc = "v6 tcp data offset past the packet", .af = V6,
	  .hdrs = { IP6(PR_TCP, R6, H6),
		    { .kind = HDR_TCP, .sport = 1, .dport = 2, .flags = ACK,
		      .ihl = 15 } },
	  .err = -EINVAL },
	{ .desc = "v6 tcp data offset inside its header", .af = V6,
	  .hdrs = { IP6(PR_TCP, R6, H6),
		    { .kind = HDR_TCP, .sport = 1, .dport = 2, .flags = ACK,
		      .ihl = 4 }, RAW(8) },
	  .err = -EINVAL },
	{ .desc = "v6 udp", .af = V6,
	  .hdrs = { IP6(PR_UDP, H6, R6), UDP(40000, 53), RAW(20) },
	  .need = 48, .t = T(H6, R6, PR_UDP, 40000, 53) },
	{ .desc = "v6 hop-by-hop then udp", .af = V6,
	  .hdrs = { IP6(PR_HOP, R6, H6), EXT6(PR_UDP), UDP(1000, 2000) },
	  .need = 56, .t = T(R6, H6, PR_UDP, 1000, 2000) },
	{ .desc = "v6 hop-by-hop, destination options, tcp", .af = V6,
	  .hdrs = { IP6(PR_HOP, R6, H6), EXT6(PR_DEST), EXT6(PR_TCP),
		    TCP(40000, 22, SYN) },
	  .need = 76, .t = T(R6, H6, PR_TCP, 40000, 22), .tcp_flags = SYN },
	{ .desc = "v6 destination options then gre", .af = V6,
	  .hdrs = { IP6(PR_DEST, R6, H6), EXT6(PR_GRE), RAW(4) },
	  .need = 48, .t = T(R6, H6, PR_GRE, 0, 0) },
	{ .desc = "v6 first fragment of a udp datagram", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .mf = true },
		    UDP(5353, 53), RAW(8) },
	  .need = 56, .t = T(R6, H6, PR_UDP, 5353, 53) },
	{ .desc = "v6 later fragment", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .frag = 1 },
		    RAW(16) },
	  .err = -EINVAL },
	{ .desc = "v6 no next header is protocol 59", .af = V6,
	  .hdrs = { IP6(PR_NONE, R6, H6) },
	  .need = 40, .t = T(R6, H6, PR_NONE, 0, 0) },
	{ .desc = "v6 destination options then no next header", .af = V6,
	  .hdrs = { IP6(PR_DEST, R6, H6), EXT6(PR_NONE), RAW(16) },
	  .need = 48, .t = T(R6, H6, PR_NONE, 0, 0) },
	{ .desc = "v6 long chain of extension headers", .af = V6,
	  .hdrs = { IP6(PR_HOP, R6, H6), EXT6(PR_DEST), EXT6(PR_DEST),
		    EXT6(PR_DEST), EXT6(PR_UDP), UDP(7, 9) },
	  .need = 80, .t = T(R6, H6, PR_UDP, 7, 9) },
	{ .desc = "v6 echo request", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, H6, R6), ICMP(ICMPV6_ECHO_REQUEST, 0, 0xbeef),
		    RAW(56) },
	  .need = 48, .t = T(H6, R6, PR_ICMP6, 0xbeef, 0xbeef),
	  .type = ICMPV6_ECHO_REQUEST, .flags = Q },
	{ .desc = "v6 echo reply", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6), ICMP(ICMPV6_ECHO_REPLY, 0, 0xbeef) },
	  .need = 48, .t = T(R6, H6, PR_ICMP6, 0xbeef, 0xbeef),
	  .type = ICMPV6_ECHO_REPLY, .flags = Q },
	{ .desc = "v6 node information query", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6), ICMP(ICMPV6_NI_QUERY, 0, 2),
		    RAW(8) },
	  .need = 48, .t = T(R6, H6, PR_ICMP6, 2, 2), .type = ICMPV6_NI_QUERY,
	  .flags = Q },
	{ .desc = "v6 packet too big quoting tcp", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, GW6, H6), ICMP(ICMPV6_PKT_TOOBIG, 0, 0),
		    IP6(PR_TCP, H6, R6), TCP(40000, 443, ACK) },
	  .need = 48, .need_inner = 92, .t = T(GW6, H6, PR_ICMP6, 0, 0),
	  .inner = T(R6, H6, PR_TCP, 443, 40000), .type = ICMPV6_PKT_TOOBIG,
	  .flags = E },
	{ .desc = "v6 port unreachable quoting udp after hop-by-hop",
	  .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6),
		    ICMP(ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0),
		    IP6(PR_HOP, H6, R6), EXT6(PR_UDP), UDP(40000, 53) },
	  .need = 48, .need_inner = 100, .t = T(R6, H6, PR_ICMP6, 0, 0),
	  .inner = T(R6, H6, PR_UDP, 53, 40000), .type = ICMPV6_DEST_UNREACH,
	  .code = ICMPV6_PORT_UNREACH, .flags = E },
	{ .desc = "v6 time exceeded quoting an echo request", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, GW6, H6), ICMP(ICMPV6_TIME_EXCEED, 0, 0),
		    IP6(PR_ICMP6, H6, R6), ICMP(ICMPV6_ECHO_REQUEST, 0, 77) },
	  .need = 48, .need_inner = 96, .t = T(GW6, H6, PR_ICMP6, 0, 0),
	  .inner = T(R6, H6, PR_ICMP6, 77, 77), .type = ICMPV6_TIME_EXCEED,
	  .flags = E },
	{ .desc = "v6 parameter problem quoting no next header", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6), ICMP(ICMPV6_PARAMPROB, 1, 0),
		    IP6(PR_NONE, H6, R6) },
	  .need = 48, .need_inner = 88, .t = T(R6, H6, PR_ICMP6, 0, 0),
	  .inner = T(R6, H6, PR_NONE, 0, 0), .type = ICMPV6_PARAMPROB,
	  .code = 1, .flags = E },
	{ .desc = "v6 error not to the quoted packet's sender", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, H6, GW6),
		    ICMP(ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0),
		    IP6(PR_UDP, R6, H6), UDP(53, 40000), RAW(4) },
	  .need = 48, .need_inner = 92, .t = T(H6, GW6, PR_ICMP6, 0, 0),
	  .inner = T(H6, R6, PR_UDP, 40000, 53), .type = ICMPV6_DEST_UNREACH,
	  .code = ICMPV6_PORT_UNREACH, .flags = EN },
	{ .desc = "v6 error quoting an error", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, GW6, H6), ICMP(ICMPV6_DEST_UNREACH, 0, 0),
		    IP6(PR_ICMP6, H6, R6), ICMP(ICMPV6_PKT_TOOBIG, 0, 0) },
	  .need = 48, .t = T(GW6, H6, PR_ICMP6, 0, 0),
	  .type = ICMPV6_DEST_UNREACH, .flags = EN },
	{ .desc = "v6 error quoting a later fragment", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, GW6, H6), ICMP(ICMPV6_TIME_EXCEED, 1, 0),
		    IP6(PR_FRAG, H6, R6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .frag = 100 },
		    RAW(8) },
	  .need = 48, .t = T(GW6, H6, PR_ICMP6, 0, 0),
	  .type = ICMPV6_TIME_EXCEED, .code = 1, .flags = EN },
	{ .desc = "v6 error whose quote ends in its extension headers",
	  .af = V6,
	  .hdrs = { IP6(PR_ICMP6, GW6, H6), ICMP(ICMPV6_DEST_UNREACH, 4, 0),
		    IP6(PR_HOP, H6, R6), RAW(4) },
	  .need = 48, .t = T(GW6, H6, PR_ICMP6, 0, 0),
	  .type = ICMPV6_DEST_UNREACH, .code = 4, .flags = EN },
	/* Neighbour discovery passes with hop limit 255 only, MLD with 1. */
	{ .desc = "v6 router solicitation", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, "ff02::2", 255),
		    ICMP(NDISC_ROUTER_SOLICITATION, 0, 0) },
	  .need = 48, .t = T(LL6, "ff02::2", PR_ICMP6, 0, 0),
	  .type = NDISC_ROUTER_SOLICITATION, .flags = PASS },
	{ .desc = "v6 router advertisement", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, MC6, 255),
		    ICMP(NDISC_ROUTER_ADVERTISEMENT, 0, 0), RAW(8) },
	  .need = 48, .t = T(LL6, MC6, PR_ICMP6, 0, 0),
	  .type = NDISC_ROUTER_ADVERTISEMENT, .flags = PASS },
	{ .desc = "v6 neighbour solicitation", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, H6, "ff02::1:ff00:9", 255),
		    ICMP(NDISC_NEIGHBOUR_SOLICITATION, 0, 0), RAW(16) },
	  .need = 48, .t = T(H6, "ff02::1:ff00:9", PR_ICMP6, 0, 0),
	  .type = NDISC_NEIGHBOUR_SOLICITATION, .flags = PASS },
	{ .desc = "v6 neighbour advertisement", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, R6, H6, 255),
		    ICMP(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, 0), RAW(16) },
	  .need = 48, .t = T(R6, H6, PR_ICMP6, 0, 0),
	  .type = NDISC_NEIGHBOUR_ADVERTISEMENT, .flags = PASS },
	{ .desc = "v6 neighbour solicitation routed from afar needs a rule",
	  .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, R6, H6, 254),
		    ICMP(NDISC_NEIGHBOUR_SOLICITATION, 0, 0), RAW(16) },
	  .need = 48, .t = T(R6, H6, PR_ICMP6, 0, 0),
	  .type = NDISC_NEIGHBOUR_SOLICITATION },
	{ .desc = "v6 neighbour advertisement with hop limit 64 needs a rule",
	  .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6),
		    ICMP(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, 0), RAW(16) },
	  .need = 48, .t = T(R6, H6, PR_ICMP6, 0, 0),
	  .type = NDISC_NEIGHBOUR_ADVERTISEMENT },
	{ .desc = "v6 redirect needs a rule, even on the link", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, H6, 255), ICMP(NDISC_REDIRECT, 0, 0),
		    RAW(32) },
	  .need = 48, .t = T(LL6, H6, PR_ICMP6, 0, 0), .type = NDISC_REDIRECT },
	{ .desc = "v6 mld query after hop-by-hop", .af = V6,
	  .hdrs = { IP6H(PR_HOP, LL6, MC6, 1), EXT6(PR_ICMP6),
		    ICMP(ICMPV6_MGM_QUERY, 0, 0), RAW(16) },
	  .need = 56, .t = T(LL6, MC6, PR_ICMP6, 0, 0),
	  .type = ICMPV6_MGM_QUERY, .flags = PASS },
	{ .desc = "v6 mld report after hop-by-hop", .af = V6,
	  .hdrs = { IP6H(PR_HOP, LL6, "ff02::fb", 1), EXT6(PR_ICMP6),
		    ICMP(ICMPV6_MGM_REPORT, 0, 0), RAW(16) },
	  .need = 56, .t = T(LL6, "ff02::fb", PR_ICMP6, 0, 0),
	  .type = ICMPV6_MGM_REPORT, .flags = PASS },
	{ .desc = "v6 mld done after hop-by-hop", .af = V6,
	  .hdrs = { IP6H(PR_HOP, LL6, "ff02::2", 1), EXT6(PR_ICMP6),
		    ICMP(ICMPV6_MGM_REDUCTION, 0, 0), RAW(16) },
	  .need = 56, .t = T(LL6, "ff02::2", PR_ICMP6, 0, 0),
	  .type = ICMPV6_MGM_REDUCTION, .flags = PASS },
	{ .desc = "v6 mldv2 report after hop-by-hop", .af = V6,
	  .hdrs = { IP6H(PR_HOP, LL6, "ff02::16", 1), EXT6(PR_ICMP6),
		    ICMP(ICMPV6_MLD2_REPORT, 0, 0), RAW(20) },
	  .need = 56, .t = T(LL6, "ff02::16", PR_ICMP6, 0, 0),
	  .type = ICMPV6_MLD2_REPORT, .flags = PASS },
	{ .desc = "v6 mld report with hop limit 64 needs a rule", .af = V6,
	  .hdrs = { IP6(PR_HOP, R6, "ff02::fb"), EXT6(PR_ICMP6),
		    ICMP(ICMPV6_MGM_REPORT, 0, 0), RAW(16) },
	  .need = 56, .t = T(R6, "ff02::fb", PR_ICMP6, 0, 0),
	  .type = ICMPV6_MGM_REPORT },
	{ .desc = "v6 carrying icmp (1) is another protocol", .af = V6,
	  .hdrs = { IP6(PR_ICMP, R6, H6), ICMP(ICMP_ECHO, 0, 5) },
	  .need = 40, .t = T(R6, H6, PR_ICMP, 0, 0) },
	{ .desc = "v6 gre", .af = V6,
	  .hdrs = { IP6(PR_GRE, R6, H6), RAW(4) },
	  .need = 40, .t = T(R6, H6, PR_GRE, 0, 0) },
	{ .desc = "v6 parser given IPv4", .af = V6,
	  .hdrs = { IP4(PR_UDP, R4, H4), UDP(1, 2), RAW(32) },
	  .err = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_pkt_cases, sgfw_test_pkt_cases, desc);

static void sgfw_test_addr(struct kunit *test, const char *s,
			   union sgfw_addr *a)
{
	int ok;

	memset(a, 0, sizeof(*a));
	if (strchr(s, ':'))
		ok = in6_pton(s, -1, a->in6.s6_addr, -1, NULL);
	else
		ok = in4_pton(s, -1, (u8 *)&a->ip, -1, NULL);
	KUNIT_ASSERT_EQ_MSG(test, ok, 1, "bad address %s", s);
}

/* Write @h's headers to @buf; return the packet's length. */
static unsigned int sgfw_test_build(struct kunit *test,
				    const struct sgfw_test_hdr *h, u8 *buf)
{
	unsigned int ip[SGFW_TEST_MAX_HDRS], nip = 0, len = 0, i;
	union sgfw_addr a;

	for (i = 0; i < SGFW_TEST_MAX_HDRS && h[i].kind != HDR_END; i++) {
		const struct sgfw_test_hdr *x = &h[i];
		u8 *d = buf + len;
		unsigned int n;

		switch (x->kind) {
		case HDR_IP4: {
			struct iphdr *iph = (struct iphdr *)d;

			n = sizeof(*iph) + x->opts;
			memset(d, 0, n);
			/* Options: no-operation, which needs no length. */
			memset(d + sizeof(*iph), IPOPT_NOOP, x->opts);
			iph->version = 4;
			iph->ihl = x->ihl ?: n / 4;
			iph->ttl = 64;
			iph->protocol = x->proto;
			iph->frag_off = htons(x->frag | (x->mf ? IP_MF : 0));
			sgfw_test_addr(test, x->src, &a);
			iph->saddr = a.ip;
			sgfw_test_addr(test, x->dst, &a);
			iph->daddr = a.ip;
			ip[nip++] = len;
			break;
		}
		case HDR_IP6: {
			struct ipv6hdr *ip6h = (struct ipv6hdr *)d;

			n = sizeof(*ip6h);
			memset(d, 0, n);
			ip6h->version = 6;
			ip6h->nexthdr = x->proto;
			ip6h->hop_limit = x->hops ?: 64;
			sgfw_test_addr(test, x->src, &a);
			ip6h->saddr = a.in6;
			sgfw_test_addr(test, x->dst, &a);
			ip6h->daddr = a.in6;
			ip[nip++] = len;
			break;
		}
		case HDR_EXT6:
			/* Next header, length 0 (8 bytes), one PadN option. */
			n = 8;
			memset(d, 0, n);
			d[0] = x->proto;
			d[2] = IPV6_TLV_PADN;
			d[3] = 4;
			break;
		case HDR_FRAG6: {
			struct frag_hdr *fh = (struct frag_hdr *)d;

			n = sizeof(*fh);
			memset(d, 0, n);
			fh->nexthdr = x->proto;
			fh->frag_off = htons(x->frag << 3 | (x->mf ? IP6_MF : 0));
			fh->identification = htonl(0x5eed);
			break;
		}
		case HDR_TCP: {
			struct tcphdr *th = (struct tcphdr *)d;

			n = sizeof(*th) + (x->ws ? 4 : 0);
			memset(d, 0, n);
			th->source = htons(x->sport);
			th->dest = htons(x->dport);
			/* @ihl here: a data offset that lies. */
			th->doff = x->ihl ?: n / 4;
			tcp_flag_byte(th) = x->flags;
			th->window = htons(1024);
			if (x->ws) {
				d[sizeof(*th)] = TCPOPT_NOP;
				d[sizeof(*th) + 1] = TCPOPT_WINDOW;
				d[sizeof(*th) + 2] = TCPOLEN_WINDOW;
				d[sizeof(*th) + 3] = x->ws - 1;
			}
			break;
		}
		case HDR_UDP: {
			struct udphdr *uh = (struct udphdr *)d;

			n = sizeof(*uh);
			uh->source = htons(x->sport);
			uh->dest = htons(x->dport);
			uh->len = 0;
			uh->check = 0;
			break;
		}
		case HDR_ICMP: {
			/* icmp and icmpv6 share the layout of these 8 bytes. */
			struct icmphdr *ih = (struct icmphdr *)d;

			n = sizeof(*ih);
			memset(d, 0, n);
			ih->type = x->type;
			ih->code = x->code;
			ih->un.echo.id = htons(x->id);
			ih->un.echo.sequence = htons(1);
			break;
		}
		case HDR_RAW:
			n = x->len;
			memset(d, 0xa5, n);
			break;
		default:
			KUNIT_FAIL_AND_ABORT(test, "bad header kind %u", x->kind);
			return 0;
		}
		len += n;
		KUNIT_ASSERT_LE(test, len, SGFW_TEST_BUF - ETH_HLEN);
	}

	/* Every IP header claims the rest of the packet. */
	for (i = 0; i < nip; i++) {
		u8 *d = buf + ip[i];

		if ((d[0] >> 4) == 4)
			((struct iphdr *)d)->tot_len = htons(len - ip[i]);
		else
			((struct ipv6hdr *)d)->payload_len =
				htons(len - ip[i] - sizeof(struct ipv6hdr));
	}
	return len;
}

/* How the bytes of a packet are laid out in the skb. */
enum sgfw_test_layout {
	SGFW_LINEAR,		/* all in the head */
	SGFW_PAGE_FRAG,		/* @split bytes in the head, the rest in a page */
	SGFW_FRAG_LIST,		/* @split bytes in the head, the rest chained */
};

static const char *const sgfw_test_layouts[] = {
	[SGFW_LINEAR]		= "linear",
	[SGFW_PAGE_FRAG]	= "page fragment",
	[SGFW_FRAG_LIST]	= "frag list",
};

static void sgfw_test_kfree_skb(void *skb)
{
	kfree_skb(skb);
}

/*
 * An skb holding @len bytes of @buf, of which the first @mac are a link-
 * layer header before the network header, laid out as @layout says.
 */
static struct sk_buff *sgfw_test_skb(struct kunit *test, const u8 *buf,
				     unsigned int len, unsigned int mac,
				     enum sgfw_test_layout layout,
				     unsigned int split)
{
	struct sk_buff *skb, *tail;
	struct page *page;
	int err;

	if (layout == SGFW_LINEAR)
		split = len;
	skb = alloc_skb(split, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	err = kunit_add_action_or_reset(test, sgfw_test_kfree_skb, skb);
	KUNIT_ASSERT_EQ(test, err, 0);
	skb_put_data(skb, buf, split);
	skb_set_network_header(skb, mac);

	if (split == len)
		return skb;
	if (layout == SGFW_PAGE_FRAG) {
		page = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), buf + split, len - split);
		skb_add_rx_frag(skb, 0, page, 0, len - split, PAGE_SIZE);
	} else {
		tail = alloc_skb(len - split, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, tail);
		skb_put_data(tail, buf + split, len - split);
		skb_shinfo(skb)->frag_list = tail;
		skb->len += tail->len;
		skb->data_len += tail->len;
		skb->truesize += tail->truesize;
	}
	KUNIT_ASSERT_EQ(test, skb->len, len);
	KUNIT_ASSERT_EQ(test, skb_headlen(skb), split);
	return skb;
}

static void sgfw_test_tuple(struct kunit *test, const struct sgfw_test_tuple *tt,
			    enum sgfw_af af, struct sgfw_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (!tt->src)
		return;
	sgfw_test_addr(test, tt->src, &t->src);
	sgfw_test_addr(test, tt->dst, &t->dst);
	t->af = af;
	t->proto = tt->proto;
	t->sport = htons(tt->sport);
	t->dport = htons(tt->dport);
}

static bool sgfw_test_tuple_eq(const struct sgfw_tuple *a,
			       const struct sgfw_tuple *b)
{
	return !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst)) &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->af == b->af && a->proto == b->proto;
}

static void sgfw_test_expect_tuple(struct kunit *test, const char *what,
				   const char *where,
				   const struct sgfw_tuple *got,
				   const struct sgfw_tuple *want)
{
	if (want->af == SGFW_AF_INET6) {
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&got->src, &want->src,
						    sizeof(got->src)),
				      "%s: %s src %pI6c, want %pI6c", where,
				      what, &got->src.in6, &want->src.in6);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&got->dst, &want->dst,
						    sizeof(got->dst)),
				      "%s: %s dst %pI6c, want %pI6c", where,
				      what, &got->dst.in6, &want->dst.in6);
	} else {
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&got->src, &want->src,
						    sizeof(got->src)),
				      "%s: %s src %pI4, want %pI4", where,
				      what, &got->src.ip, &want->src.ip);
		KUNIT_EXPECT_TRUE_MSG(test, !memcmp(&got->dst, &want->dst,
						    sizeof(got->dst)),
				      "%s: %s dst %pI4, want %pI4", where,
				      what, &got->dst.ip, &want->dst.ip);
	}
	KUNIT_EXPECT_EQ_MSG(test, ntohs(got->sport), ntohs(want->sport),
			    "%s: %s sport", where, what);
	KUNIT_EXPECT_EQ_MSG(test, ntohs(got->dport), ntohs(want->dport),
			    "%s: %s dport", where, what);
	KUNIT_EXPECT_EQ_MSG(test, got->af, want->af, "%s: %s af", where, what);
	KUNIT_EXPECT_EQ_MSG(test, got->proto, want->proto, "%s: %s proto",
			    where, what);
}

/*
 * Parse @skb and compare with @want (@err when @want is NULL).  Return
 * whether everything matched; on a mismatch, every difference is reported
 * with @where.
 */
static bool sgfw_test_parse(struct kunit *test, const struct sk_buff *skb,
			    enum sgfw_af af, int err,
			    const struct sgfw_pkt *want, const char *where)
{
	struct sgfw_pkt p;
	int ret;

	/* Poison: the parser must set every field itself. */
	memset(&p, 0x5a, sizeof(p));
	ret = sgfw_pkt_parse(skb, af, &p);
	if (!want || ret) {
		KUNIT_EXPECT_EQ_MSG(test, ret, want ? 0 : err, "%s", where);
		return ret == (want ? 0 : err);
	}

	if (sgfw_test_tuple_eq(&p.t, &want->t) &&
	    sgfw_test_tuple_eq(&p.inner, &want->inner) &&
	    p.icmp_type == want->icmp_type && p.icmp_code == want->icmp_code &&
	    p.tcp_flags == want->tcp_flags && p.flags == want->flags &&
	    p.len == want->len &&
	    (!(want->tcp_flags & TCPHDR_SYN) ||
	     p.tcp_wscale == want->tcp_wscale))
		return true;

	sgfw_test_expect_tuple(test, "tuple", where, &p.t, &want->t);
	sgfw_test_expect_tuple(test, "inner", where, &p.inner, &want->inner);
	KUNIT_EXPECT_EQ_MSG(test, p.icmp_type, want->icmp_type, "%s", where);
	KUNIT_EXPECT_EQ_MSG(test, p.icmp_code, want->icmp_code, "%s", where);
	KUNIT_EXPECT_EQ_MSG(test, p.tcp_flags, want->tcp_flags, "%s", where);
	KUNIT_EXPECT_EQ_MSG(test, p.flags, want->flags, "%s", where);
	KUNIT_EXPECT_EQ_MSG(test, p.len, want->len, "%s", where);
	if (want->tcp_flags & TCPHDR_SYN)
		KUNIT_EXPECT_EQ_MSG(test, p.tcp_wscale, want->tcp_wscale, "%s",
				    where);
	return false;
}

/* Every layout, split and link-layer offset gives the same answer. */
static void sgfw_pkt_parse_layouts(struct kunit *test)
{
	const struct sgfw_test_pkt_case *c = test->param_value;
	unsigned int len, mac, split, layout;
	struct sgfw_pkt want = {};
	struct sk_buff *skb;
	char where[96];
	u8 *buf;

	buf = kunit_kzalloc(test, SGFW_TEST_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xee, ETH_HLEN);
	len = sgfw_test_build(test, c->hdrs, buf + ETH_HLEN);
	KUNIT_ASSERT_GT(test, len, 0);
	if (!c->err)
		KUNIT_ASSERT_LE(test, c->need, len);

	sgfw_test_tuple(test, &c->t, c->af, &want.t);
	sgfw_test_tuple(test, &c->inner, c->af, &want.inner);
	want.icmp_type = c->type;
	want.icmp_code = c->code;
	want.tcp_flags = c->tcp_flags;
	want.flags = c->flags;
	want.tcp_wscale = c->wscale ?: SGFW_TCP_WSCALE_NONE;

	for (mac = 0; mac <= ETH_HLEN; mac += ETH_HLEN) {
		const u8 *start = buf + ETH_HLEN - mac;

		want.len = mac + len;
		for (layout = SGFW_LINEAR; layout <= SGFW_FRAG_LIST; layout++) {
			for (split = 0; split < mac + len; split++) {
				snprintf(where, sizeof(where),
					 "%s, %u of %u bytes in the head, network header at %u",
					 sgfw_test_layouts[layout],
					 layout == SGFW_LINEAR ? mac + len : split,
					 mac + len, mac);
				skb = sgfw_test_skb(test, start, mac + len, mac,
						    layout, split);
				if (!sgfw_test_parse(test, skb, c->af, c->err,
						     c->err ? NULL : &want,
						     where))
					return;
				kunit_release_action(test, sgfw_test_kfree_skb,
						     skb);
				if (layout == SGFW_LINEAR)
					break;
			}
		}
	}
}

/*
 * Cut short anywhere before the last byte it needs, a packet is refused;
 * cut anywhere after, it parses as the whole packet does.
 */
static void sgfw_pkt_parse_truncated(struct kunit *test)
{
	const struct sgfw_test_pkt_case *c = test->param_value;
	struct sgfw_pkt want = {};
	unsigned int len, cut;
	struct sk_buff *skb;
	char where[64];
	bool ok;
	u8 *buf;

	buf = kunit_kzalloc(test, SGFW_TEST_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = sgfw_test_build(test, c->hdrs, buf);
	KUNIT_ASSERT_GT(test, len, 0);

	sgfw_test_tuple(test, &c->t, c->af, &want.t);
	sgfw_test_tuple(test, &c->inner, c->af, &want.inner);
	want.icmp_type = c->type;
	want.icmp_code = c->code;
	want.tcp_flags = c->tcp_flags;
	want.tcp_wscale = c->wscale ?: SGFW_TCP_WSCALE_NONE;

	for (cut = 0; cut <= len; cut++) {
		snprintf(where, sizeof(where), "cut to %u of %u bytes", cut,
			 len);
		skb = sgfw_test_skb(test, buf, cut, 0, SGFW_LINEAR, cut);
		want.len = cut;
		/* An error cut inside its quote names no flow. */
		want.flags = c->flags;
		if (cut < c->need_inner) {
			want.flags &= ~SGFW_PKT_INNER;
			memset(&want.inner, 0, sizeof(want.inner));
		} else {
			sgfw_test_tuple(test, &c->inner, c->af, &want.inner);
		}
		if (c->err || cut < c->need)
			ok = sgfw_test_parse(test, skb, c->af, -EINVAL, NULL,
					     where);
		else
			ok = sgfw_test_parse(test, skb, c->af, 0, &want, where);
		if (!ok)
			return;
		kunit_release_action(test, sgfw_test_kfree_skb, skb);
	}
}

/* --- port mode: fragments and neighbour advertisements ------------------ */

struct sgfw_test_port_case {
	const char *desc;
	enum sgfw_af af;
	struct sgfw_test_hdr hdrs[SGFW_TEST_MAX_HDRS];
	int err;		/* of sgfw_pkt_parse_frag() */
	bool endpoint_err;	/* sgfw_pkt_parse() refuses it */
	struct sgfw_test_tuple t;
	u8 flags;
	u32 id;
	u16 off, len;
	const char *nd_target;
	u8 trailer;		/* bytes of @hdrs past the IP header's end */
};

#define FR	SGFW_PKT_FRAG
#define FRL	(SGFW_PKT_FRAG | SGFW_PKT_FRAG_LATER)
#define MORE	SGFW_PKT_FRAG_MORE

static const struct sgfw_test_port_case sgfw_test_port_cases[] = {
	{ .desc = "v4 first fragment", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_UDP, .src = R4, .dst = H4,
		      .mf = true }, UDP(5353, 53), RAW(16) },
	  .t = T(R4, H4, PR_UDP, 5353, 53), .flags = FR | MORE, .len = 24 },
	{ .desc = "v4 middle fragment", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_UDP, .src = R4, .dst = H4,
		      .frag = 185, .mf = true }, RAW(32) },
	  .endpoint_err = true,
	  .t = T(R4, H4, PR_UDP, 0, 0), .flags = FRL | MORE, .off = 1480,
	  .len = 32 },
	{ .desc = "v4 last fragment", .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_TCP, .src = R4, .dst = H4,
		      .frag = 3 }, RAW(8) },
	  .endpoint_err = true,
	  .t = T(R4, H4, PR_TCP, 0, 0), .flags = FRL, .off = 24, .len = 8 },
	{ .desc = "v4 whole datagram", .af = V4,
	  .hdrs = { IP4(PR_UDP, R4, H4), UDP(5353, 53) },
	  .t = T(R4, H4, PR_UDP, 5353, 53) },
	{ .desc = "v4 first fragment cut inside its transport header",
	  .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_TCP, .src = R4, .dst = H4,
		      .mf = true }, RAW(8) },
	  .err = -EINVAL, .endpoint_err = true },
	{ .desc = "v6 first fragment", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .mf = true },
		    UDP(5353, 53), RAW(8) },
	  .t = T(R6, H6, PR_UDP, 5353, 53), .flags = FR | MORE, .id = 0x5eed,
	  .len = 16 },
	{ .desc = "v6 later fragment", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .frag = 1 },
		    RAW(16) },
	  .endpoint_err = true,
	  .t = T(R6, H6, PR_UDP, 0, 0), .flags = FRL, .id = 0x5eed, .off = 8,
	  .len = 16 },
	{ .desc = "v6 later fragment after destination options", .af = V6,
	  .hdrs = { IP6(PR_DEST, R6, H6), EXT6(PR_FRAG),
		    { .kind = HDR_FRAG6, .proto = PR_DEST, .frag = 2,
		      .mf = true }, RAW(24) },
	  .endpoint_err = true,
	  .t = T(R6, H6, PR_DEST, 0, 0), .flags = FRL | MORE, .id = 0x5eed,
	  .off = 16, .len = 24 },
	{ .desc = "v6 atomic fragment is a whole datagram", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP }, UDP(5353, 53) },
	  .t = T(R6, H6, PR_UDP, 5353, 53) },
	{ .desc = "v6 two fragment headers", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_FRAG, .mf = true },
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .mf = true },
		    UDP(5353, 53) },
	  .err = -EINVAL },
	{ .desc = "v6 neighbour advertisement", .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, H6, 255),
		    ICMP(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, 0), RAW(16) },
	  .t = T(LL6, H6, PR_ICMP6, 0, 0),
	  .flags = PASS | SGFW_PKT_ND_TARGET,
	  .nd_target = "a5a5:a5a5:a5a5:a5a5:a5a5:a5a5:a5a5:a5a5" },
	{ .desc = "v6 neighbour advertisement cut before its target end",
	  .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, H6, 255),
		    ICMP(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, 0), RAW(15) },
	  .err = -EINVAL },
	/*
	 * A frame may go on past its datagram (nothing trims it before a
	 * netdev hook): what lies there is not read, for the receiver never
	 * sees it.  Here the frame's last @trailer bytes.
	 */
	{ .desc = "v4 udp header past the datagram's end", .af = V4,
	  .hdrs = { IP4(PR_UDP, R4, H4), UDP(5353, 53) }, .trailer = 8,
	  .err = -EINVAL, .endpoint_err = true },
	{ .desc = "v6 first fragment, udp header past its end", .af = V6,
	  .hdrs = { IP6(PR_FRAG, R6, H6),
		    { .kind = HDR_FRAG6, .proto = PR_UDP, .mf = true },
		    UDP(5353, 53) }, .trailer = 8,
	  .err = -EINVAL, .endpoint_err = true },
	{ .desc = "v4 first fragment of an error, its quote past its end",
	  .af = V4,
	  .hdrs = { { .kind = HDR_IP4, .proto = PR_ICMP, .src = GW4,
		      .dst = H4, .mf = true },
		    ICMP(ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0),
		    IP4(PR_UDP, H4, R4), UDP(40000, 53) }, .trailer = 28,
	  .t = T(GW4, H4, PR_ICMP, 0, 0), .flags = FR | MORE | EN, .len = 8 },
	{ .desc = "v6 error, its quote's ports past its end", .af = V6,
	  .hdrs = { IP6(PR_ICMP6, R6, H6),
		    ICMP(ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH, 0),
		    IP6(PR_UDP, H6, R6), UDP(40000, 53) }, .trailer = 8,
	  .t = T(R6, H6, PR_ICMP6, 0, 0), .flags = EN },
	{ .desc = "v6 neighbour advertisement, its target past its end",
	  .af = V6,
	  .hdrs = { IP6H(PR_ICMP6, LL6, H6, 255),
		    ICMP(NDISC_NEIGHBOUR_ADVERTISEMENT, 0, 0), RAW(16) },
	  .trailer = 16, .err = -EINVAL },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_port_cases, sgfw_test_port_cases, desc);

/*
 * sgfw_pkt_parse_frag(), as port mode's hooks parse: a fragment says
 * which of its datagram it is, and a later one parses without ports;
 * sgfw_pkt_parse(), the endpoint's, still refuses a later fragment.
 */
static void sgfw_pkt_parse_port(struct kunit *test)
{
	const struct sgfw_test_port_case *c = test->param_value;
	struct sgfw_tuple want = {};
	struct sk_buff *skb;
	union sgfw_addr nd;
	struct sgfw_pkt p;
	unsigned int len;
	u8 *buf;
	int err;

	buf = kunit_kzalloc(test, SGFW_TEST_BUF, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	len = sgfw_test_build(test, c->hdrs, buf);
	KUNIT_ASSERT_GT(test, len, c->trailer);
	if (c->af == SGFW_AF_INET && c->trailer)
		((struct iphdr *)buf)->tot_len = htons(len - c->trailer);
	else if (c->trailer)
		((struct ipv6hdr *)buf)->payload_len =
			htons(len - c->trailer - sizeof(struct ipv6hdr));
	skb = sgfw_test_skb(test, buf, len, 0, SGFW_LINEAR, len);

	memset(&p, 0x5a, sizeof(p));
	err = sgfw_pkt_parse_frag(skb, c->af, &p);
	KUNIT_ASSERT_EQ(test, err, c->err);
	if (!c->err) {
		sgfw_test_tuple(test, &c->t, c->af, &want);
		sgfw_test_expect_tuple(test, "tuple", c->desc, &p.t, &want);
		KUNIT_EXPECT_EQ(test, p.flags, c->flags);
		if (c->flags & SGFW_PKT_FRAG) {
			KUNIT_EXPECT_EQ(test, p.frag.id, c->id);
			KUNIT_EXPECT_EQ(test, p.frag.off, c->off);
			KUNIT_EXPECT_EQ(test, p.frag.len, c->len);
		}
		if (c->nd_target) {
			sgfw_test_addr(test, c->nd_target, &nd);
			KUNIT_EXPECT_TRUE(test, !memcmp(&p.nd_target, &nd,
							sizeof(nd)));
		}
	}
	err = sgfw_pkt_parse(skb, c->af, &p);
	KUNIT_EXPECT_EQ(test, err, c->endpoint_err ? -EINVAL : 0);
	if (!err)
		KUNIT_EXPECT_FALSE(test, p.flags & (SGFW_PKT_FRAG |
						    SGFW_PKT_ND_TARGET));
}

static struct kunit_case sgfw_pkt_cases[] = {
	KUNIT_CASE_PARAM(sgfw_pkt_parse_port,
			 sgfw_test_port_cases_gen_params),
	KUNIT_CASE_PARAM(sgfw_pkt_parse_layouts,
			 sgfw_test_pkt_cases_gen_params),
	KUNIT_CASE_PARAM(sgfw_pkt_parse_truncated,
			 sgfw_test_pkt_cases_gen_params),
	{}
};

static struct kunit_suite sgfw_pkt_suite = {
	.name = "sgfw_pkt",
	.test_cases = sgfw_pkt_cases,
};

kunit_test_suite(sgfw_pkt_suite);
