// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing a packet into struct sgfw_pkt.
 *
 * Every read goes through skb_header_pointer(): nothing past the network
 * header is assumed to be in the linear area (a reassembled datagram is a
 * frag list, a locally sent one may carry its payload in pages), and the
 * skb is never written.  Runs in the hooks, so it neither allocates nor
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
	SGFW_ICMP_LINK,		/* IPv6 neighbour discovery or MLD */
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
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return SGFW_ICMP_LINK;
	}
	return SGFW_ICMP_OTHER;
}

/*
 * Read the IP header of family @af at @off into @t (addresses, protocol,
 * family; ports untouched).
 * Return: the offset of the transport header, or -EINVAL when the header
 * is truncated, of another version, or a later fragment.
 */
static int sgfw_pkt_l3(const struct sk_buff *skb, int off, enum sgfw_af af,
		       struct sgfw_tuple *t)
{
	if (af == SGFW_AF_INET) {
		const struct iphdr *iph;
		struct iphdr _iph;

		iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    off + iph->ihl * 4 > skb->len ||
		    (iph->frag_off & htons(IP_OFFSET)))
			return -EINVAL;
		t->src.ip = iph->saddr;
		t->dst.ip = iph->daddr;
		t->proto = iph->protocol;
		t->af = af;
		return off + iph->ihl * 4;
	} else if (af == SGFW_AF_INET6) {
		const struct ipv6hdr *ip6h;
		struct ipv6hdr _ip6h;
		__be16 frag_off;
		u8 nexthdr;
		int thoff;

		ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
		if (!ip6h || ip6h->version != 6)
			return -EINVAL;
		nexthdr = ip6h->nexthdr;
		/*
		 * Fails on "no next header" and on a chain cut short in a
		 * header's first two bytes; one cut later ends past the
		 * packet.  Stops at the fragment header of a later fragment.
		 */
		thoff = ipv6_skip_exthdr(skb, off + sizeof(_ip6h), &nexthdr,
					 &frag_off);
		if (thoff < 0 || thoff > skb->len ||
		    (frag_off & htons(IP6_OFFSET)))
			return -EINVAL;
		t->src.in6 = ip6h->saddr;
		t->dst.in6 = ip6h->daddr;
		t->proto = nexthdr;
		t->af = af;
		return thoff;
	}
	return -EINVAL;
}

/* The first 8 bytes of an icmp or icmpv6 header, which share one layout. */
static int sgfw_pkt_icmp_hdr(const struct sk_buff *skb, int off,
			     enum sgfw_af af, u8 *type, u8 *code, __be16 *id)
{
	if (af == SGFW_AF_INET) {
		const struct icmphdr *ih;
		struct icmphdr _ih;

		ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
		if (!ih)
			return -EINVAL;
		*type = ih->type;
		*code = ih->code;
		*id = ih->un.echo.id;
	} else {
		const struct icmp6hdr *ih;
		struct icmp6hdr _ih;

		ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
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
 * first 8 bytes after it), into @in reversed: @in then reads as a packet of
 * the quoted packet's flow travelling the way the error does.
 */
static int sgfw_pkt_quoted(const struct sk_buff *skb, int off,
			   enum sgfw_af af, struct sgfw_tuple *in)
{
	struct sgfw_tuple q = {};
	int thoff;

	thoff = sgfw_pkt_l3(skb, off, af, &q);
	if (thoff < 0)
		return thoff;

	if (q.proto == IPPROTO_TCP || q.proto == IPPROTO_UDP) {
		/* Both headers start with the ports: all an error must quote. */
		const __be16 *ports;
		__be16 _ports[2];

		ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
		if (!ports)
			return -EINVAL;
		q.sport = ports[0];
		q.dport = ports[1];
	} else if (sgfw_pkt_is_icmp(af, q.proto)) {
		u8 type, code;
		__be16 id;

		if (sgfw_pkt_icmp_hdr(skb, thoff, af, &type, &code, &id))
			return -EINVAL;
		switch (sgfw_icmp_kind(af, type)) {
		case SGFW_ICMP_QUERY:
			q.sport = id;
			q.dport = id;
			break;
		case SGFW_ICMP_ERROR:
			/* No error is ever sent about an error (RFC 792, 4443). */
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

static int sgfw_pkt_icmp(const struct sk_buff *skb, int thoff,
			 enum sgfw_af af, struct sgfw_pkt *p)
{
	__be16 id;

	if (sgfw_pkt_icmp_hdr(skb, thoff, af, &p->icmp_type, &p->icmp_code,
			      &id))
		return -EINVAL;

	switch (sgfw_icmp_kind(af, p->icmp_type)) {
	case SGFW_ICMP_QUERY:
		/* The same in both directions, so a reply reverses the tuple. */
		p->t.sport = id;
		p->t.dport = id;
		p->flags |= SGFW_PKT_ICMP_QUERY;
		break;
	case SGFW_ICMP_ERROR:
		p->flags |= SGFW_PKT_ICMP_ERROR;
		/* icmphdr and icmp6hdr are both 8 bytes. */
		return sgfw_pkt_quoted(skb, thoff + sizeof(struct icmphdr), af,
				       &p->inner);
	case SGFW_ICMP_LINK:
		p->flags |= SGFW_PKT_ALWAYS_PASS;
		break;
	case SGFW_ICMP_OTHER:
		break;
	}
	return 0;
}

int sgfw_pkt_parse(const struct sk_buff *skb, enum sgfw_af af,
		   struct sgfw_pkt *p)
{
	int thoff;

	memset(p, 0, sizeof(*p));
	p->len = skb->len;

	thoff = sgfw_pkt_l3(skb, skb_network_offset(skb), af, &p->t);
	if (thoff < 0)
		return thoff;

	switch (p->t.proto) {
	case IPPROTO_TCP: {
		const struct tcphdr *th;
		struct tcphdr _th;

		th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
		if (!th)
			return -EINVAL;
		p->t.sport = th->source;
		p->t.dport = th->dest;
		p->tcp_flags = tcp_flag_byte(th);
		return 0;
	}
	case IPPROTO_UDP: {
		const struct udphdr *uh;
		struct udphdr _uh;

		uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
		if (!uh)
			return -EINVAL;
		p->t.sport = uh->source;
		p->t.dport = uh->dest;
		return 0;
	}
	}

	/* icmp in IPv6 and icmpv6 in IPv4 are just other protocols. */
	if (sgfw_pkt_is_icmp(af, p->t.proto))
		return sgfw_pkt_icmp(skb, thoff, af, p);
	return 0;
}
