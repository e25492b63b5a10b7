/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small value types every part of sgfw shares: addresses, flow tuples
 * and the parsed view of a packet.
 */
#ifndef _SGFW_TYPES_H
#define _SGFW_TYPES_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/ipv6.h>

/* Index of a family in per-family arrays. */
enum sgfw_af {
	SGFW_AF_INET,
	SGFW_AF_INET6,
	SGFW_AF_NUM,
};

/* An IPv4 address lives in ip (all[0]); all[1..3] are then zero. */
union sgfw_addr {
	__be32 ip;
	struct in6_addr in6;
	__be32 all[4];
};

/* Are @a and @b, addresses of family @af, the same? */
static inline bool sgfw_addr_eq(u8 af, const union sgfw_addr *a,
				const union sgfw_addr *b)
{
	if (af == SGFW_AF_INET)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->in6, &b->in6);
}

/* A CIDR, canonical: no bit set past @plen. */
struct sgfw_cidr {
	union sgfw_addr addr;
	u8 af;		/* enum sgfw_af */
	u8 plen;	/* 0-32 or 0-128 */
};

/*
 * struct sgfw_tuple - what identifies a flow, seen from one packet.
 * @src, @dst: the packet's addresses.
 * @sport, @dport: tcp and udp ports; for an icmp or icmpv6 query (echo and
 *	the like) both hold the identifier, so that the reply has the same
 *	tuple reversed; zero for other protocols.
 * @af: enum sgfw_af.
 * @proto: IP protocol number.
 */
struct sgfw_tuple {
	union sgfw_addr src;
	union sgfw_addr dst;
	__be16 sport;
	__be16 dport;
	u8 af;
	u8 proto;
};

/* Flags of struct sgfw_pkt. */
#define SGFW_PKT_ICMP_QUERY	BIT(0)	/* icmp(v6) echo or other query */
#define SGFW_PKT_ICMP_ERROR	BIT(1)	/* icmp(v6) error */
#define SGFW_PKT_ALWAYS_PASS	BIT(2)	/* IPv6 neighbour discovery, MLD */
#define SGFW_PKT_INNER		BIT(3)	/* @inner holds the quoted tuple */
#define SGFW_PKT_FRAG		BIT(4)	/* a fragment: @frag says which */
#define SGFW_PKT_FRAG_LATER	BIT(5)	/* not the first: no ports, no type */
#define SGFW_PKT_FRAG_MORE	BIT(6)	/* not the last */
#define SGFW_PKT_ND_TARGET	BIT(7)	/* @nd_target is set (ports only) */

/* A TCP option that was not in the packet. */
#define SGFW_TCP_WSCALE_NONE	0xf

/*
 * struct sgfw_pkt - a packet as sgfw sees it, parsed once per hook call.
 * @t: the packet's own tuple.
 * @inner: for an ICMP error whose quote could be read (SGFW_PKT_INNER),
 *	the tuple of the quoted packet, reversed, so that it reads as a
 *	packet of the flow travelling the way this error does; zero
 *	otherwise.
 * @icmp_type, @icmp_code: for icmp and icmpv6.
 * @tcp_flags: for tcp, the flags byte (TCPHDR_FIN, _SYN, _RST, _ACK...).
 * @tcp_wscale: for a tcp SYN, its window scale option (0-14), or
 *	SGFW_TCP_WSCALE_NONE.
 * @flags: SGFW_PKT_*.
 * @len: the packet's length in bytes, for counters.
 * @tcp_seq, @tcp_ack: for tcp, host order.
 * @tcp_len: for tcp, the bytes of payload.
 * @frag: of a fragment (SGFW_PKT_FRAG, only where sgfw_pkt_parse_frag()
 *	parsed it): @id, the datagram's identification (16 bits in IPv4);
 *	@off and @len, where its payload starts in the datagram's and how
 *	long it is, in bytes.
 * @nd_target: of an IPv6 neighbour advertisement (SGFW_PKT_ND_TARGET,
 *	only where sgfw_pkt_parse_frag() parsed it), the address it
 *	announces.
 * @nd_opts, @nd_end: of an IPv6 neighbour discovery message (only where
 *	sgfw_pkt_parse_frag() parsed it; @nd_end 0 otherwise), where its
 *	options start and where the packet (or fragment) ends, in @skb.
 */
struct sgfw_pkt {
	struct sgfw_tuple t;
	struct sgfw_tuple inner;
	u8 icmp_type;
	u8 icmp_code;
	u8 tcp_flags;
	u8 tcp_wscale;
	u8 flags;
	u32 len;
	u32 tcp_seq;
	u32 tcp_ack;
	u32 tcp_len;
	struct {
		u32 id;
		u16 off;
		u16 len;
	} frag;
	union sgfw_addr nd_target;
	u32 nd_opts;
	u32 nd_end;
};

/* Per-device timeouts, in seconds. */
struct sgfw_timeouts {
	u32 tcp_established;
	u32 udp;
	u32 udp_stream;
};

/*
 * The defaults of a device's timeouts (seconds); their ranges are the
 * policy's, from uapi/sgfw.yaml.  The longest, 432000, is the default.
 */
#define SGFW_TCP_EST_TIMEOUT_DEF	432000
#define SGFW_UDP_TIMEOUT_DEF		30
#define SGFW_UDP_STREAM_TIMEOUT_DEF	180
#define SGFW_OTHER_TIMEOUT		600
/* The longest a TCP flow that has seen no reply lives idle. */
#define SGFW_UNREPLIED_TIMEOUT		300

#endif /* _SGFW_TYPES_H */
