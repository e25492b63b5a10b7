// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a packet into struct sgfw_pkt.
 *
 * Every read goes through skb_header_pointer(): nothing past the network
 * header is assumed to be in the linear area (a reassembled datagram is a
 * frag list, a locally sent one may carry its payload in pages), and the
 * skb is never written.  Nor is anything read past the end the IP header
 * gives (sgfw_hdr()).  Runs in the hooks, so it neither allocates nor
 * sleeps.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/tcp.h>

#include "pkt.h"

/* What an icmp or icmpv6 message is to sgfw. */
enum sgfw_icmp_kind {
	SGFW_ICMP_OTHER,	/* matched by the rules, tracked by address */
	SGFW_ICMP_QUERY,	/* request or reply, paired by identifier */
	SGFW_ICMP_ERROR,	/* quotes the packet it is about */
	SGFW_ICMP_ND,		/* IPv6 neighbour discovery, 133-136 */
	SGFW_ICMP_MLD,		/* IPv6 multicast listener discovery */
};

/*
 * Queries carry an identifier at bytes 4-5 that the reply repeats.  Errors
 * are those the semantics name: destination unreachable, time exceeded,
 * parameter problem, and packet too big for IPv6.  The deprecated source
 * quench (RFC 6633) and the redirect are not errors here: a redirect
 * changes the host's routing, so it must be allowed by a rule of its own
 * and never ride on a tracked flow; both get no identifier.
 */
static enum sgfw_icmp_kind sgfw_icmp_kind(enum sgfw_af af, u8 type)
{
	if (af == SGFW_AF_INET) {
		switch (type) {
		case ICMP_ECHOREPLY:
		case ICMP_ECHO:
		case ICMP_TIMESTAMP:
		case ICMP_TIMESTAMPREPLY:
		case ICMP_INFO_REQUEST:
		case ICMP_INFO_REPLY:
		case ICMP_ADDRESS:
		case ICMP_ADDRESSREPLY:
		case ICMP_EXT_ECHO:
		case ICMP_EXT_ECHOREPLY:
			return SGFW_ICMP_QUERY;
		case ICMP_DEST_UNREACH:
		case ICMP_TIME_EXCEEDED:
		case ICMP_PARAMETERPROB:
			return SGFW_ICMP_ERROR;
		}
		return SGFW_ICMP_OTHER;
	}

	switch (type) {
	case ICMPV6_ECHO_REQUEST:
	case ICMPV6_ECHO_REPLY:
	case ICMPV6_NI_QUERY:
	case ICMPV6_NI_REPLY:
	case ICMPV6_DHAAD_REQUEST:
	case ICMPV6_DHAAD_REPLY:
	case ICMPV6_MOBILE_PREFIX_SOL:
	case ICMPV6_MOBILE_PREFIX_ADV:
	case ICMPV6_EXT_ECHO_REQUEST:
	case ICMPV6_EXT_ECHO_REPLY:
		return SGFW_ICMP_QUERY;
	case ICMPV6_DEST_UNREACH:
	case ICMPV6_PKT_TOOBIG:
	case ICMPV6_TIME_EXCEED:
	case ICMPV6_PARAMPROB:
		return SGFW_ICMP_ERROR;
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
		return SGFW_ICMP_MLD;
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
		return SGFW_ICMP_ND;
	}
	return SGFW_ICMP_OTHER;
}

/*
 * skb_header_pointer() for @len bytes at @off that must lie before @end,
 * where the packet ends by its IP header (or the quote by its error's): a
 * frame may carry bytes past its datagram (at netdev hooks nothing trims
 * them), and a receiver judges only what the datagram holds.
 */
static const void *sgfw_hdr(const struct sk_buff *skb, int off,
			    unsigned int len, unsigned int end, void *buf)
{
	if (off < 0 || off + len > end)
		return NULL;
	return skb_header_pointer(skb, off, len, buf);
}

/*
 * Walk the IPv6 extension headers from @off, where header *@nexthdr
 * starts, to the first header that is not one (the transport header, or
 * 59, "no next header", which then counts as the protocol).  A fragment
 * header with a non-zero offset ends the walk: what follows is not a
 * header.  With @p, a fragment header is recorded in @p->frag, and a
 * later fragment ends the walk at its fragment header: *@nexthdr is then
 * what that header says comes next.
 * Return: the offset of that header, with *@nexthdr its type; 0 for a
 * later fragment (with @p); or -EINVAL when the chain runs past @end or
 * (without @p) stops at a later fragment.
 */
static int sgfw_ipv6_skip_exthdr(const struct sk_buff *skb, int off,
				 unsigned int end, u8 *nexthdr,
				 struct sgfw_pkt *p)
{
	u8 nh = *nexthdr;

	for (;;) {
		const struct ipv6_opt_hdr *h;
		struct ipv6_opt_hdr _h;

		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
		case NEXTHDR_AUTH:
		case NEXTHDR_FRAGMENT:
			break;
		default:
			*nexthdr = nh;
			return off;
		}
		h = sgfw_hdr(skb, off, sizeof(_h), end, &_h);
		if (!h)
			return -EINVAL;
		if (nh == NEXTHDR_FRAGMENT) {
			const struct frag_hdr *fh;
			struct frag_hdr _fh;
			u16 fo;

			fh = sgfw_hdr(skb, off, sizeof(_fh), end, &_fh);
			if (!fh)
				return -EINVAL;
			fo = ntohs(fh->frag_off);
			off += sizeof(_fh);
			if (p && !(p->flags & SGFW_PKT_FRAG)) {
				p->flags |= SGFW_PKT_FRAG;
				if (fo & IP6_MF)
					p->flags |= SGFW_PKT_FRAG_MORE;
				p->frag.id = ntohl(fh->identification);
				p->frag.off = fo & IP6_OFFSET;
				/* Its length: the caller's, which knows the end. */
				p->frag.len = off;
			} else if (p && (fo & (IP6_OFFSET | IP6_MF))) {
				/* A second fragment header. */
				return -EINVAL;
			}
			if (fo & IP6_OFFSET) {
				if (!p)
					return -EINVAL;
				p->flags |= SGFW_PKT_FRAG_LATER;
				*nexthdr = fh->nexthdr;
				return 0;
			}
		} else if (nh == NEXTHDR_AUTH) {
			off += ipv6_authlen(h);
		} else {
			off += ipv6_optlen(h);
		}
		nh = h->nexthdr;
	}
}

/*
 * Read the IP header of family @af at @off, in bytes that end by @limit,
 * into @t (addresses, protocol, family; ports untouched), its hop limit
 * (TTL) into *@hops, and where the packet ends by its header into *@end
 * (a frame may be longer: the padding of a short Ethernet frame, before
 * IP trims it, or any bytes a sender adds at a netdev hook).  With @p, a
 * fragment is recorded in @p->frag and its flags (else a later fragment
 * is refused).
 * Return: the offset of the transport header; 0 for a later fragment
 * (with @p), which has none; or -EINVAL when the header is truncated, of
 * another version, or a later fragment (without @p).
 */
static int sgfw_pkt_l3(const struct sk_buff *skb, int off, unsigned int limit,
		       enum sgfw_af af, struct sgfw_tuple *t, u8 *hops,
		       unsigned int *end, struct sgfw_pkt *p)
{
	if (af == SGFW_AF_INET) {
		const struct iphdr *iph;
		struct iphdr _iph;
		u16 fo;

		iph = sgfw_hdr(skb, off, sizeof(_iph), limit, &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    off + iph->ihl * 4 > limit)
			return -EINVAL;
		fo = ntohs(iph->frag_off);
		if ((fo & IP_OFFSET) && !p)
			return -EINVAL;
		t->src.ip = iph->saddr;
		t->dst.ip = iph->daddr;
		t->proto = iph->protocol;
		t->af = af;
		*hops = iph->ttl;
		/* 0 in a BIG TCP packet (above 64 KiB): the frame is it. */
		*end = limit;
		if (iph->tot_len)
			*end = min_t(unsigned int, *end,
				     off + ntohs(iph->tot_len));
		if (p && (fo & (IP_MF | IP_OFFSET))) {
			if (ntohs(iph->tot_len) < iph->ihl * 4)
				return -EINVAL;
			p->flags |= SGFW_PKT_FRAG;
			if (fo & IP_MF)
				p->flags |= SGFW_PKT_FRAG_MORE;
			p->frag.id = ntohs(iph->id);
			p->frag.off = (fo & IP_OFFSET) << 3;
			p->frag.len = ntohs(iph->tot_len) - iph->ihl * 4;
			if (fo & IP_OFFSET) {
				p->flags |= SGFW_PKT_FRAG_LATER;
				return 0;
			}
		}
		return off + iph->ihl * 4;
	} else if (af == SGFW_AF_INET6) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		u8 nexthdr;
		int thoff;

		ip6h = sgfw_hdr(skb, off, sizeof(_ip6h), limit, &_ip6h);
		if (!ip6h || ip6h->version != 6)
			return -EINVAL;
		/* A jumbogram (RFC 2675) says 0: the frame is the packet. */
		*end = limit;
		if (ip6h->payload_len)
			*end = min_t(unsigned int, *end,
				     off + sizeof(_ip6h) +
				     ntohs(ip6h->payload_len));
		nexthdr = ip6h->nexthdr;
		thoff = sgfw_ipv6_skip_exthdr(skb, off + sizeof(_ip6h), *end,
					      &nexthdr, p);
		if (thoff < 0 || thoff > *end)
			return -EINVAL;
		if (p && (p->flags & SGFW_PKT_FRAG)) {
			/* From the end of the fragment header to the datagram's. */
			int dg = off + sizeof(_ip6h) + ntohs(ip6h->payload_len);

			if (dg < p->frag.len)
				return -EINVAL;
			p->frag.len = dg - p->frag.len;
			/* An atomic fragment is a whole datagram (RFC 6946). */
			if (!p->frag.off && !(p->flags & SGFW_PKT_FRAG_MORE))
				p->flags &= ~SGFW_PKT_FRAG;
		}
		t->src.in6 = ip6h->saddr;
		t->dst.in6 = ip6h->daddr;
		t->proto = nexthdr;
		t->af = af;
		*hops = ip6h->hop_limit;
		return thoff;
	}
	return -EINVAL;
}

/* The first 8 bytes of an icmp or icmpv6 header, which share one layout. */
static int sgfw_pkt_icmp_hdr(const struct sk_buff *skb, int off,
			     unsigned int end, enum sgfw_af af, u8 *type,
			     u8 *code, __be16 *id)
{
	if (af == SGFW_AF_INET) {
		const struct icmphdr *ih;
		struct icmphdr _ih;

		ih = sgfw_hdr(skb, off, sizeof(_ih), end, &_ih);
		if (!ih)
			return -EINVAL;
		*type = ih->type;
		*code = ih->code;
		*id = ih->un.echo.id;
	} else {
		const struct icmp6hdr *ih;
		struct icmp6hdr _ih;

		ih = sgfw_hdr(skb, off, sizeof(_ih), end, &_ih);
		if (!ih)
			return -EINVAL;
		*type = ih->icmp6_type;
		*code = ih->icmp6_code;
		*id = ih->icmp6_identifier;
	}
	return 0;
}

static bool sgfw_pkt_is_icmp(enum sgfw_af af, u8 proto)
{
	return proto == (af == SGFW_AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6);
}

/*
 * The packet an icmp error at @off quotes (its IP header and at least the
 * first 8 bytes after it, before the error's end @limit), into @in
 * reversed: @in then reads as a packet of the quoted packet's flow
 * travelling the way the error does.
 * Return: 0, or -EINVAL when the quote names no flow (cut short, a later
 * fragment, an error about an error, which RFC 792 and 4443 forbid).
 */
static int sgfw_pkt_quoted(const struct sk_buff *skb, int off,
			   unsigned int limit, enum sgfw_af af,
			   struct sgfw_tuple *in)
{
	struct sgfw_tuple q = {};
	unsigned int end;
	int thoff;
	u8 hops;

	thoff = sgfw_pkt_l3(skb, off, limit, af, &q, &hops, &end, NULL);
	if (thoff < 0)
		return thoff;

	if (q.proto == IPPROTO_TCP || q.proto == IPPROTO_UDP) {
		/* Both headers start with the ports: all an error must quote. */
		const __be16 *ports;
		__be16 _ports[2];

		ports = sgfw_hdr(skb, thoff, sizeof(_ports), end, _ports);
		if (!ports)
			return -EINVAL;
		q.sport = ports[0];
		q.dport = ports[1];
	} else if (sgfw_pkt_is_icmp(af, q.proto)) {
		u8 type, code;
		__be16 id;

		if (sgfw_pkt_icmp_hdr(skb, thoff, end, af, &type, &code, &id))
			return -EINVAL;
		switch (sgfw_icmp_kind(af, type)) {
		case SGFW_ICMP_QUERY:
			q.sport = id;
			q.dport = id;
			break;
		case SGFW_ICMP_ERROR:
			return -EINVAL;
		default:
			break;
		}
	}

	in->src = q.dst;
	in->dst = q.src;
	in->sport = q.dport;
	in->dport = q.sport;
	in->af = q.af;
	in->proto = q.proto;
	return 0;
}

/*
 * Neighbour discovery (RFC 4861, 6.1 and 7.1) is only valid with a hop
 * limit of 255, which proves it was sent on the link; MLD (RFC 2710 and
 * 3810) is sent with a hop limit of 1.  Only such packets pass without a
 * rule: anything else of those types, and the redirect (137), which
 * changes the host's routes, is judged by the rules like any icmpv6.
 */
static bool sgfw_pkt_link_local(enum sgfw_icmp_kind kind, u8 hops)
{
	return (kind == SGFW_ICMP_ND && hops == 255) ||
	       (kind == SGFW_ICMP_MLD && hops == 1);
}

static int sgfw_pkt_icmp(const struct sk_buff *skb, int thoff,
			 unsigned int end, enum sgfw_af af, u8 hops,
			 struct sgfw_pkt *p)
{
	enum sgfw_icmp_kind kind;
	__be16 id;

	if (sgfw_pkt_icmp_hdr(skb, thoff, end, af, &p->icmp_type,
			      &p->icmp_code, &id))
		return -EINVAL;

	kind = sgfw_icmp_kind(af, p->icmp_type);
	switch (kind) {
	case SGFW_ICMP_QUERY:
		/* The same in both directions, so a reply reverses the tuple. */
		p->t.sport = id;
		p->t.dport = id;
		p->flags |= SGFW_PKT_ICMP_QUERY;
		break;
	case SGFW_ICMP_ERROR:
		/*
		 * An error whose quote names no flow is still an error: the
		 * rules judge it like any stray one.  So is an error that
		 * does not go back to the quoted packet's sender (@inner's
		 * destination, reversed), as nf_conntrack requires too: else
		 * a quote of any tracked flow would carry an error, and what
		 * it holds, to anywhere past the rules.  icmphdr and icmp6hdr
		 * are both 8 bytes.
		 */
		p->flags |= SGFW_PKT_ICMP_ERROR;
		if (!sgfw_pkt_quoted(skb, thoff + sizeof(struct icmphdr), end,
				     af, &p->inner) &&
		    sgfw_addr_eq(af, &p->t.dst, &p->inner.dst))
			p->flags |= SGFW_PKT_INNER;
		break;
	case SGFW_ICMP_ND:
	case SGFW_ICMP_MLD:
		if (sgfw_pkt_link_local(kind, hops))
			p->flags |= SGFW_PKT_ALWAYS_PASS;
		break;
	case SGFW_ICMP_OTHER:
		break;
	}
	return 0;
}

/* The window scale option of a SYN, or SGFW_TCP_WSCALE_NONE. */
static u8 sgfw_tcp_wscale(const struct sk_buff *skb, int thoff,
			  unsigned int optlen)
{
	u8 _opt[MAX_TCP_OPTION_SPACE];
	const u8 *opt;
	unsigned int i = 0;

	opt = skb_header_pointer(skb, thoff + sizeof(struct tcphdr), optlen,
				 _opt);
	if (!opt)
		return SGFW_TCP_WSCALE_NONE;
	while (i < optlen) {
		switch (opt[i]) {
		case TCPOPT_EOL:
			return SGFW_TCP_WSCALE_NONE;
		case TCPOPT_NOP:
			i++;
			continue;
		}
		if (i + 1 >= optlen || opt[i + 1] < 2)
			return SGFW_TCP_WSCALE_NONE;
		if (opt[i] == TCPOPT_WINDOW && opt[i + 1] == TCPOLEN_WINDOW &&
		    i + 2 < optlen)
			return min_t(u8, opt[i + 2], TCP_MAX_WSCALE);
		i += opt[i + 1];
	}
	return SGFW_TCP_WSCALE_NONE;
}

static int sgfw_pkt_tcp(const struct sk_buff *skb, int thoff,
			unsigned int end, struct sgfw_pkt *p)
{
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int doff;

	th = sgfw_hdr(skb, thoff, sizeof(_th), end, &_th);
	if (!th)
		return -EINVAL;
	doff = th->doff * 4;
	/* A header that ends before its options or past the packet. */
	if (doff < sizeof(*th) || thoff + doff > end)
		return -EINVAL;
	p->t.sport = th->source;
	p->t.dport = th->dest;
	p->tcp_flags = tcp_flag_byte(th);
	p->tcp_seq = ntohl(th->seq);
	p->tcp_ack = ntohl(th->ack_seq);
	/* Of a first fragment, what it holds: the rest is not known yet. */
	p->tcp_len = end - thoff - doff;
	p->tcp_wscale = SGFW_TCP_WSCALE_NONE;
	if (th->syn && doff > sizeof(*th))
		p->tcp_wscale = sgfw_tcp_wscale(skb, thoff,
						doff - sizeof(*th));
	return 0;
}

/*
 * Neighbour advertisements (RFC 4861, 4.4) carry the address they are
 * about after the icmpv6 header: port mode's source check reads it.  And
 * the options of neighbour discovery messages (4.1-4.5) may say what the
 * sender's or target's link-layer address is: where they are is noted
 * for port mode's MAC check (sgfw_port_nd_spoofed()).
 * Return: 0, or -EINVAL for one cut short before its target.
 */
static int sgfw_pkt_nd_target(const struct sk_buff *skb, int thoff,
			      unsigned int end, struct sgfw_pkt *p)
{
	/* The fixed part of each message, icmpv6 header included. */
	static const u8 fixed[] = {
		[NDISC_ROUTER_SOLICITATION - NDISC_ROUTER_SOLICITATION] = 8,
		[NDISC_ROUTER_ADVERTISEMENT - NDISC_ROUTER_SOLICITATION] = 16,
		[NDISC_NEIGHBOUR_SOLICITATION - NDISC_ROUTER_SOLICITATION] = 24,
		[NDISC_NEIGHBOUR_ADVERTISEMENT - NDISC_ROUTER_SOLICITATION] = 24,
		[NDISC_REDIRECT - NDISC_ROUTER_SOLICITATION] = 40,
	};
	const struct in6_addr *a;
	struct in6_addr _a;

	if (p->icmp_type >= NDISC_ROUTER_SOLICITATION &&
	    p->icmp_type <= NDISC_REDIRECT) {
		p->nd_opts = thoff +
			     fixed[p->icmp_type - NDISC_ROUTER_SOLICITATION];
		/* Cut short before its options: it has none. */
		p->nd_end = max(end, p->nd_opts);
	}
	if (p->icmp_type != NDISC_NEIGHBOUR_ADVERTISEMENT)
		return 0;
	a = sgfw_hdr(skb, thoff + sizeof(struct icmp6hdr), sizeof(_a), end,
		     &_a);
	if (!a)
		return -EINVAL;
	p->nd_target.in6 = *a;
	p->flags |= SGFW_PKT_ND_TARGET;
	return 0;
}

static int __sgfw_pkt_parse(const struct sk_buff *skb, enum sgfw_af af,
			    struct sgfw_pkt *p, bool frags)
{
	unsigned int end;
	int thoff, err;
	u8 hops;

	memset(p, 0, sizeof(*p));
	p->len = skb->len;
	/* Known even of a packet whose header cannot be read (drop events). */
	p->t.af = af;

	thoff = sgfw_pkt_l3(skb, skb_network_offset(skb), skb->len, af, &p->t,
			    &hops, &end, frags ? p : NULL);
	if (thoff <= 0)
		return thoff;	/* an error, or a later fragment: no ports */

	switch (p->t.proto) {
	case IPPROTO_TCP:
		return sgfw_pkt_tcp(skb, thoff, end, p);
	case IPPROTO_UDP: {
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = sgfw_hdr(skb, thoff, sizeof(_uh), end, &_uh);
		if (!uh)
			return -EINVAL;
		p->t.sport = uh->source;
		p->t.dport = uh->dest;
		return 0;
	}
	}

	/* icmp in IPv6 and icmpv6 in IPv4 are just other protocols. */
	if (!sgfw_pkt_is_icmp(af, p->t.proto))
		return 0;
	err = sgfw_pkt_icmp(skb, thoff, end, af, hops, p);
	if (!err && frags && af == SGFW_AF_INET6)
		err = sgfw_pkt_nd_target(skb, thoff, end, p);
	return err;
}

int sgfw_pkt_parse(const struct sk_buff *skb, enum sgfw_af af,
		   struct sgfw_pkt *p)
{
	return __sgfw_pkt_parse(skb, af, p, false);
}

int sgfw_pkt_parse_frag(const struct sk_buff *skb, enum sgfw_af af,
			struct sgfw_pkt *p)
{
	return __sgfw_pkt_parse(skb, af, p, true);
}
