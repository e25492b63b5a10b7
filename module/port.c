// SPDX-License-Identifier: GPL-2.0
/*
 * Port mode's settings and its source check (port.h).
 *
 * The check is AWS's source/destination check and Neutron's port
 * security, for what the instance sends: an IP packet must come from one
 * of the instance's addresses; an ARP packet must claim one of them as
 * its sender; an IPv6 neighbour advertisement must announce one of them.
 * What an instance sends before it has an address passes: a DHCP request
 * from 0.0.0.0 (RFC 2131, 4.1), an ARP probe from 0.0.0.0 (RFC 5227),
 * and IPv6 from :: (duplicate address detection, RFC 4862) or from a
 * link-local address, which every IPv6 interface makes itself (RFC 4291)
 * and which sgfw cannot know without the instance's MAC address: a
 * neighbour advertisement for a link-local address passes for the same
 * reason.  And an instance is not the network's router or DHCP server
 * (sgfw_port_server()), and sends no fragmented neighbour discovery.
 *
 * When the port has the instance's MAC address, a frame from the
 * instance must come from it, and what it says of its link-layer address
 * must be it: the sender hardware address of ARP, the link-layer address
 * options of IPv6 neighbour discovery (RFC 4861, 4.6.1).  Otherwise an
 * instance could take its neighbours' traffic at layer 2: a bridge learns
 * where a MAC address is from the frames' sources, and neighbours from
 * ARP and neighbour discovery.  Its link-local addresses are then the one
 * that MAC address makes and those of its addresses
 * (sgfw_port_link_local_ok()).
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/inetdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "port.h"

/*
 * sgfw_port_new() - port mode's settings: @mac, the instance's MAC address
 * (unicast) or NULL for none; @n addresses of @v (canonical, sorted and
 * unique).  Return: a port with one reference, or NULL (out of memory, or
 * too many addresses).
 */
struct sgfw_port *sgfw_port_new(bool source_check, const u8 *mac,
				const struct sgfw_cidr *v, u32 n)
{
	struct sgfw_port *port;

	if (n > SGFW_MAX_PORT_ADDRS)
		return NULL;
	port = kzalloc(struct_size(port, addrs, n), GFP_KERNEL_ACCOUNT);
	if (!port)
		return NULL;
	refcount_set(&port->ref, 1);
	port->source_check = source_check;
	if (mac)
		ether_addr_copy(port->mac, mac);
	port->n = n;
	if (n)
		memcpy(port->addrs, v, n * sizeof(*v));
	return port;
}

struct sgfw_port *sgfw_port_get(struct sgfw_port *port)
{
	if (port)
		refcount_inc(&port->ref);
	return port;
}

/* The hooks may still read it: it goes after a grace period. */
void sgfw_port_put(struct sgfw_port *port)
{
	if (port && refcount_dec_and_test(&port->ref))
		kfree_rcu(port, rcu);
}

/* The same settings?  NULL (endpoint mode) only equals NULL. */
bool sgfw_port_equal(const struct sgfw_port *a, const struct sgfw_port *b)
{
	if (!a || !b)
		return a == b;
	return a->source_check == b->source_check &&
	       ether_addr_equal(a->mac, b->mac) && a->n == b->n &&
	       !memcmp(a->addrs, b->addrs, a->n * sizeof(*a->addrs));
}

/* Is @a, of family @af, one of the instance's addresses or in a prefix? */
bool sgfw_port_has(const struct sgfw_port *port, enum sgfw_af af,
		   const union sgfw_addr *a)
{
	u32 i;

	for (i = 0; i < port->n; i++) {
		const struct sgfw_cidr *c = &port->addrs[i];

		if (c->af != af)
			continue;
		if (af == SGFW_AF_INET ?
		    !((a->ip ^ c->addr.ip) & inet_make_mask(c->plen)) :
		    ipv6_prefix_equal(&a->in6, &c->addr.in6, c->plen))
			return true;
	}
	return false;
}

static bool sgfw_ipv6_link_local(const struct in6_addr *a)
{
	return (a->s6_addr32[0] & htonl(0xffc00000)) == htonl(0xfe800000);
}

/*
 * Is @p what only the network's routers or DHCP servers send: a router
 * advertisement or a redirect, or anything to a DHCP or DHCPv6 client's
 * port (UDP 68 or 546, from any port: a client that reads its port off a
 * raw socket, as most do, takes a reply from anywhere; a relay agent
 * answers its clients from 67 or 547, which a server is too)?  An instance
 * that sends one claims to be them (a rogue router or server takes over
 * its neighbours' traffic), as Neutron's port security also refuses.
 */
static bool sgfw_port_server(const struct sgfw_pkt *p)
{
	if (p->t.proto == IPPROTO_UDP)
		return p->t.dport ==
		       htons(p->t.af == SGFW_AF_INET ? 68 : 546);
	return p->t.af == SGFW_AF_INET6 && p->t.proto == IPPROTO_ICMPV6 &&
	       !(p->flags & SGFW_PKT_FRAG_LATER) &&
	       (p->icmp_type == NDISC_ROUTER_ADVERTISEMENT ||
		p->icmp_type == NDISC_REDIRECT);
}

/* Does the port check MAC addresses? */
static bool sgfw_port_has_mac(const struct sgfw_port *port)
{
	return port->source_check && !is_zero_ether_addr(port->mac);
}

/*
 * May the instance use the link-local address @a (as a source, or as the
 * target of its neighbour advertisement)?  Without its MAC address, any:
 * sgfw cannot know which it made.  With it, the one its MAC address makes
 * (fe80:: and the modified EUI-64 of RFC 4291, appendix A: what Linux and
 * most systems make, and what Neutron allows), or one of its addresses:
 * the operator lists the others it may use (an RFC 7217 stable-privacy
 * address, or fe80::/64 for any).  Else an instance could claim its
 * router's link-local address (fe80::1, say) with its own MAC address in
 * a neighbour advertisement and take its neighbours' IPv6 traffic to the
 * world, which every neighbour sends to its router's link-local address.
 */
static bool sgfw_port_link_local_ok(const struct sgfw_port *port,
				    const union sgfw_addr *a)
{
	const u8 *m = port->mac;
	struct in6_addr eui = {
		.s6_addr = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
			     m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe,
			     m[3], m[4], m[5] },
	};

	return !sgfw_port_has_mac(port) || ipv6_addr_equal(&a->in6, &eui) ||
	       sgfw_port_has(port, SGFW_AF_INET6, a);
}

/* Is @a one the instance may send from, or announce? */
static bool sgfw_port_v6_ok(const struct sgfw_port *port,
			    const union sgfw_addr *a)
{
	if (sgfw_ipv6_link_local(&a->in6))
		return sgfw_port_link_local_ok(port, a);
	return sgfw_port_has(port, SGFW_AF_INET6, a);
}

/*
 * sgfw_port_spoofed() - does @p, sent by the instance of @port, fail the
 * source check?  @p is an IP packet (sgfw_pkt_parse_frag()) or, with
 * @arp, an ARP one (sgfw_port_arp()).
 * Context: any.
 */
bool sgfw_port_spoofed(const struct sgfw_port *port, const struct sgfw_pkt *p,
		       bool arp)
{
	const union sgfw_addr *src = &p->t.src;

	if (!port->source_check)
		return false;
	if (!arp && sgfw_port_server(p))
		return true;
	if (p->t.af == SGFW_AF_INET) {
		if (src->ip)
			return !sgfw_port_has(port, SGFW_AF_INET, src);
		/* A probe, or a client that has no address yet. */
		return !arp &&
		       !(p->t.proto == IPPROTO_UDP &&
			 p->t.sport == htons(68) && p->t.dport == htons(67));
	}
	if (!ipv6_addr_any(&src->in6) && !sgfw_port_v6_ok(port, src))
		return true;
	/*
	 * Neighbour discovery is never fragmented (RFC 6980): options in a
	 * later fragment would pass unchecked.
	 */
	if (p->nd_end && (p->flags & SGFW_PKT_FRAG))
		return true;
	return (p->flags & SGFW_PKT_ND_TARGET) &&
	       !sgfw_port_v6_ok(port, &p->nd_target);
}

/*
 * sgfw_port_arp() - read an ARP packet for IPv4 at @skb's network header
 * into @p: the sender's address as source, the target's as destination,
 * protocol 0.  Return: 0, or -EINVAL when it is not one.
 */
int sgfw_port_arp(const struct sk_buff *skb, struct sgfw_pkt *p)
{
	int off = skb_network_offset(skb);
	const struct arphdr *ah;
	struct arphdr _ah;
	const __be32 *ip;
	__be32 _ip;

	memset(p, 0, sizeof(*p));
	p->len = skb->len;
	p->t.af = SGFW_AF_INET;
	ah = skb_header_pointer(skb, off, sizeof(_ah), &_ah);
	/*
	 * Of IPv4 over Ethernet: the addresses after the sender's hardware
	 * address are where the receivers (which all take 6 bytes) read them.
	 */
	if (!ah || ah->ar_pro != htons(ETH_P_IP) || ah->ar_pln != 4 ||
	    ah->ar_hln != ETH_ALEN)
		return -EINVAL;
	/* Sender hardware address, sender IP, target hardware, target IP. */
	off += sizeof(_ah) + ah->ar_hln;
	ip = skb_header_pointer(skb, off, sizeof(_ip), &_ip);
	if (!ip)
		return -EINVAL;
	p->t.src.ip = *ip;
	ip = skb_header_pointer(skb, off + 4 + ah->ar_hln, sizeof(_ip), &_ip);
	if (!ip)
		return -EINVAL;
	p->t.dst.ip = *ip;
	return 0;
}

/*
 * sgfw_port_mac_spoofed() - does the frame @skb, sent by the instance of
 * @port (at its device's netdev ingress: data at the network header),
 * fail the MAC check: an Ethernet source that is not the port's MAC
 * address, or, for ARP, a sender hardware address that is not?  Any type
 * of frame.  A frame without an Ethernet header (an IP tun device) has no
 * source to check; an ARP packet too short to say its sender is left to
 * sgfw_port_arp() (invalid).  False when the port has no MAC address or
 * the source check is off.
 * Context: any.
 */
bool sgfw_port_mac_spoofed(const struct sgfw_port *port,
			   const struct sk_buff *skb)
{
	int off = skb_network_offset(skb);
	const struct arphdr *ah;
	struct arphdr _ah;
	const u8 *sha;
	u8 _sha[ETH_ALEN];

	if (!sgfw_port_has_mac(port))
		return false;
	if (skb_mac_header_was_set(skb) &&
	    skb_mac_header_len(skb) >= ETH_HLEN &&
	    !ether_addr_equal_unaligned(eth_hdr(skb)->h_source, port->mac))
		return true;
	if (skb->protocol != htons(ETH_P_ARP))
		return false;
	ah = skb_header_pointer(skb, off, sizeof(_ah), &_ah);
	if (!ah)
		return false;
	/* Whatever its hardware type: it cannot name the port's MAC. */
	if (ah->ar_hln != ETH_ALEN)
		return true;
	sha = skb_header_pointer(skb, off + sizeof(_ah), sizeof(_sha), _sha);
	return sha && !ether_addr_equal_unaligned(sha, port->mac);
}

/*
 * sgfw_port_nd_spoofed() - does the IPv6 packet @p, parsed from @skb by
 * sgfw_pkt_parse_frag() and sent by the instance of @port, name another
 * link-layer address than the port's MAC address?  That is, is it a
 * neighbour discovery message (@p->nd_end set) with a source or target
 * link-layer address option that is not the port's MAC address?  An
 * option of length 0, one cut short, or a link-layer address option not
 * of an Ethernet address's size cannot be checked, and a receiver drops
 * such a message (RFC 4861, 4.6): so does the check.  False when the port
 * has no MAC address or the source check is off.
 * Context: any.
 */
bool sgfw_port_nd_spoofed(const struct sgfw_port *port,
			  const struct sk_buff *skb, const struct sgfw_pkt *p)
{
	u32 off = p->nd_opts;
	u8 _o[2 + ETH_ALEN];
	const u8 *o;
	u32 len;

	if (!sgfw_port_has_mac(port) || !p->nd_end)
		return false;
	while (off < p->nd_end) {
		if (p->nd_end - off < 2)
			return true;
		o = skb_header_pointer(skb, off, 2, _o);
		if (!o || !o[1])
			return true;
		len = o[1] * 8;
		if (len > p->nd_end - off)
			return true;
		if (o[0] == ND_OPT_SOURCE_LL_ADDR ||
		    o[0] == ND_OPT_TARGET_LL_ADDR) {
			if (len != 8)
				return true;
			o = skb_header_pointer(skb, off, sizeof(_o), _o);
			if (!o || !ether_addr_equal_unaligned(o + 2, port->mac))
				return true;
		}
		off += len;
	}
	return false;
}
