// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_port: port mode's source check (module/port.c), its
 * reading of ARP, its check of MAC addresses, and the table of fragmented
 * datagrams (module/frag.c).
 */

#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/jiffies.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/frag.h"
#include "../../module/pkt.h"
#include "../../module/port.h"

static void port_addr(struct kunit *test, const char *s, enum sgfw_af af,
		      union sgfw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af == SGFW_AF_INET)
		KUNIT_ASSERT_TRUE(test, in4_pton(s, -1, (u8 *)&a->ip, -1,
						 NULL));
	else
		KUNIT_ASSERT_TRUE(test, in6_pton(s, -1, a->in6.s6_addr, -1,
						 NULL));
}

static void port_free(void *port)
{
	sgfw_port_put(port);
}

/*
 * The instance's addresses for the source-check cases: a host and a
 * prefix of each family.
 */
static struct sgfw_port *port_new_mac(struct kunit *test, bool check,
				      const u8 *mac)
{
	static const struct {
		const char *a;
		enum sgfw_af af;
		u8 plen;
	} addrs[] = {
		{ "10.0.0.5", SGFW_AF_INET, 32 },
		{ "10.9.0.0", SGFW_AF_INET, 24 },
		{ "fd00::5", SGFW_AF_INET6, 128 },
		{ "fd09::", SGFW_AF_INET6, 64 },
	};
	struct sgfw_cidr v[ARRAY_SIZE(addrs)];
	struct sgfw_port *port;
	int i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		port_addr(test, addrs[i].a, addrs[i].af, &v[i].addr);
		v[i].af = addrs[i].af;
		v[i].plen = addrs[i].plen;
	}
	port = sgfw_port_new(check, mac, v, ARRAY_SIZE(v));
	KUNIT_ASSERT_NOT_NULL(test, port);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, port_free, port),
			0);
	return port;
}

static struct sgfw_port *port_new(struct kunit *test, bool check)
{
	return port_new_mac(test, check, NULL);
}

struct port_src_case {
	const char *desc;
	enum sgfw_af af;
	const char *src;
	u8 proto;
	u16 sport, dport;
	const char *nd_target;	/* a neighbour advertisement's */
	u8 icmp_type;
	bool arp;
	bool spoofed;
};

static const struct port_src_case port_src_cases[] = {
	{ "v4 its address", SGFW_AF_INET, "10.0.0.5", IPPROTO_TCP, 1, 2 },
	{ "v4 in its prefix", SGFW_AF_INET, "10.9.0.200", IPPROTO_UDP, 1, 2 },
	{ "v4 another", SGFW_AF_INET, "10.0.0.6", IPPROTO_TCP, 1, 2,
	  .spoofed = true },
	{ "v4 next to its prefix", SGFW_AF_INET, "10.9.1.0", IPPROTO_UDP, 1,
	  2, .spoofed = true },
	{ "v4 dhcp from 0.0.0.0", SGFW_AF_INET, "0.0.0.0", IPPROTO_UDP, 68,
	  67 },
	{ "v4 udp from 0.0.0.0, not dhcp", SGFW_AF_INET, "0.0.0.0",
	  IPPROTO_UDP, 68, 68, .spoofed = true },
	{ "v4 tcp from 0.0.0.0", SGFW_AF_INET, "0.0.0.0", IPPROTO_TCP, 68, 67,
	  .spoofed = true },
	{ "arp from its address", SGFW_AF_INET, "10.0.0.5", .arp = true },
	{ "arp probe from 0.0.0.0", SGFW_AF_INET, "0.0.0.0", .arp = true },
	{ "arp claiming another", SGFW_AF_INET, "10.0.0.1", .arp = true,
	  .spoofed = true },
	{ "v6 its address", SGFW_AF_INET6, "fd00::5", IPPROTO_TCP, 1, 2 },
	{ "v6 in its prefix", SGFW_AF_INET6, "fd09::77", IPPROTO_UDP, 1, 2 },
	{ "v6 another", SGFW_AF_INET6, "fd00::6", IPPROTO_TCP, 1, 2,
	  .spoofed = true },
	{ "v6 link-local", SGFW_AF_INET6, "fe80::1234", IPPROTO_ICMPV6 },
	{ "v6 unspecified (dad)", SGFW_AF_INET6, "::", IPPROTO_ICMPV6 },
	{ "v6 na for its address", SGFW_AF_INET6, "fe80::1", IPPROTO_ICMPV6,
	  .nd_target = "fd00::5" },
	{ "v6 na for a link-local address", SGFW_AF_INET6, "fe80::1",
	  IPPROTO_ICMPV6, .nd_target = "fe80::1" },
	{ "v6 na for another's address", SGFW_AF_INET6, "fe80::1",
	  IPPROTO_ICMPV6, .nd_target = "fd00::6", .spoofed = true },
	{ "v6 na from its address for another's", SGFW_AF_INET6, "fd00::5",
	  IPPROTO_ICMPV6, .nd_target = "fd00::1", .spoofed = true },
	{ "v4 dhcp server's offer", SGFW_AF_INET, "10.0.0.5", IPPROTO_UDP,
	  67, 68, .spoofed = true },
	{ "v6 dhcp server's reply", SGFW_AF_INET6, "fe80::1", IPPROTO_UDP,
	  547, 546, .spoofed = true },
	{ "v6 dhcp client's solicit", SGFW_AF_INET6, "fe80::1", IPPROTO_UDP,
	  546, 547 },
	{ "v6 router advertisement", SGFW_AF_INET6, "fe80::1",
	  IPPROTO_ICMPV6, .icmp_type = NDISC_ROUTER_ADVERTISEMENT,
	  .spoofed = true },
	{ "v6 router solicitation", SGFW_AF_INET6, "fe80::1",
	  IPPROTO_ICMPV6, .icmp_type = NDISC_ROUTER_SOLICITATION },
	{ "v6 redirect", SGFW_AF_INET6, "fe80::1", IPPROTO_ICMPV6,
	  .icmp_type = NDISC_REDIRECT, .spoofed = true },
	{ "v4 dhcp offer from another port", SGFW_AF_INET, "10.0.0.5",
	  IPPROTO_UDP, 12345, 68, .spoofed = true },
	{ "v6 dhcp reply from another port", SGFW_AF_INET6, "fd00::5",
	  IPPROTO_UDP, 12345, 546, .spoofed = true },
	{ "v4 dhcp client's request", SGFW_AF_INET, "10.0.0.5", IPPROTO_UDP,
	  68, 67 },
};

static void port_src_desc(const struct port_src_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(port_src, port_src_cases, port_src_desc);

/* What the instance sends passes the check when it is its own. */
static void port_source_check(struct kunit *test)
{
	const struct port_src_case *c = test->param_value;
	struct sgfw_port *on = port_new(test, true);
	struct sgfw_port *off = port_new(test, false);
	struct sgfw_pkt p = {};

	p.t.af = c->af;
	p.t.proto = c->proto;
	p.t.sport = htons(c->sport);
	p.t.dport = htons(c->dport);
	port_addr(test, c->src, c->af, &p.t.src);
	port_addr(test, c->af == SGFW_AF_INET ? "192.0.2.1" : "2001:db8::1",
		  c->af, &p.t.dst);
	p.icmp_type = c->icmp_type;
	if (c->nd_target) {
		p.icmp_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
		p.flags |= SGFW_PKT_ND_TARGET;
		port_addr(test, c->nd_target, SGFW_AF_INET6, &p.nd_target);
	}
	KUNIT_EXPECT_EQ(test, sgfw_port_spoofed(on, &p, c->arp), c->spoofed);
	/* Source check off: nothing is. */
	KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(off, &p, c->arp));
}

/* A port without addresses lets only what has none yet pass. */
static void port_no_addresses(struct kunit *test)
{
	struct sgfw_port *port = sgfw_port_new(true, NULL, NULL, 0);
	struct sgfw_pkt p = { .t.af = SGFW_AF_INET, .t.proto = IPPROTO_UDP };

	KUNIT_ASSERT_NOT_NULL(test, port);
	port_addr(test, "10.0.0.5", SGFW_AF_INET, &p.t.src);
	KUNIT_EXPECT_TRUE(test, sgfw_port_spoofed(port, &p, false));
	KUNIT_EXPECT_TRUE(test, sgfw_port_spoofed(port, &p, true));
	p.t.src.ip = 0;
	p.t.sport = htons(68);
	p.t.dport = htons(67);
	KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(port, &p, false));
	KUNIT_EXPECT_FALSE(test, sgfw_port_equal(port, NULL));
	KUNIT_EXPECT_TRUE(test, sgfw_port_equal(NULL, NULL));
	sgfw_port_put(port);
	/* More than an instance may have. */
	KUNIT_EXPECT_NULL(test, sgfw_port_new(true, NULL, NULL,
					      SGFW_MAX_PORT_ADDRS + 1));
}

static void port_kfree_skb(void *skb)
{
	kfree_skb(skb);
}

/* An ARP frame's IPv4 payload after an Ethernet header, as received. */
static struct sk_buff *port_arp_skb(struct kunit *test, u16 pro, u8 pln,
				    unsigned int cut)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);
	struct arphdr *ah;
	u8 *d;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, port_kfree_skb,
							skb), 0);
	memset(skb_put(skb, ETH_HLEN), 0xee, ETH_HLEN);
	skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	ah = skb_put_zero(skb, sizeof(*ah));
	ah->ar_hrd = htons(ARPHRD_ETHER);
	ah->ar_pro = htons(pro);
	ah->ar_hln = ETH_ALEN;
	ah->ar_pln = pln;
	ah->ar_op = htons(ARPOP_REPLY);
	d = skb_put(skb, 2 * (ETH_ALEN + 4));
	memset(d, 0x02, ETH_ALEN);
	memcpy(d + ETH_ALEN, "\x0a\x00\x00\x05", 4);
	memset(d + ETH_ALEN + 4, 0x04, ETH_ALEN);
	memcpy(d + 2 * ETH_ALEN + 4, "\x0a\x00\x00\x01", 4);
	if (cut)
		skb_trim(skb, cut);
	return skb;
}

static void port_arp(struct kunit *test)
{
	struct sgfw_pkt p;
	unsigned int len;

	KUNIT_ASSERT_EQ(test, sgfw_port_arp(port_arp_skb(test, ETH_P_IP, 4, 0),
					    &p), 0);
	KUNIT_EXPECT_EQ(test, ntohl(p.t.src.ip), 0x0a000005);
	KUNIT_EXPECT_EQ(test, ntohl(p.t.dst.ip), 0x0a000001);
	KUNIT_EXPECT_EQ(test, p.t.af, SGFW_AF_INET);
	KUNIT_EXPECT_EQ(test, p.t.proto, 0);
	/* Not of IPv4, or cut short before the target's address ends. */
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(port_arp_skb(test, ETH_P_IPV6, 4,
							 0), &p), -EINVAL);
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(port_arp_skb(test, ETH_P_IP, 16,
							 0), &p), -EINVAL);
	len = sizeof(struct arphdr) + 2 * (ETH_ALEN + 4);
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(port_arp_skb(test, ETH_P_IP, 4,
							 len - 1), &p),
			-EINVAL);
}

/* --- MAC addresses ------------------------------------------------------- */

/* The instance's MAC address, and another instance's. */
static const u8 port_mac[ETH_ALEN] __aligned(2) = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x05
};

static const u8 port_other_mac[ETH_ALEN] __aligned(2) = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x06
};

/*
 * A frame of type @proto from @src (no Ethernet header when NULL), with
 * @len bytes of @payload, as port mode's hooks see what the instance
 * sends: data at the network header.
 */
static struct sk_buff *port_frame(struct kunit *test, const u8 *src,
				  u16 proto, const void *payload,
				  unsigned int len)
{
	struct sk_buff *skb = alloc_skb(NET_IP_ALIGN + ETH_HLEN + len,
					GFP_KERNEL);
	struct ethhdr *eth;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, port_kfree_skb,
							skb), 0);
	skb_reserve(skb, NET_IP_ALIGN);
	skb_reset_mac_header(skb);
	if (src) {
		eth = skb_put(skb, ETH_HLEN);
		eth_broadcast_addr(eth->h_dest);
		ether_addr_copy(eth->h_source, src);
		eth->h_proto = htons(proto);
		skb_pull(skb, ETH_HLEN);
	}
	skb_reset_network_header(skb);
	skb_put_data(skb, payload, len);
	skb->protocol = htons(proto);
	return skb;
}

/* An ARP reply for 10.0.0.5 from @sha, whose addresses are @hln long. */
static struct sk_buff *port_arp_frame(struct kunit *test, const u8 *src,
				      const u8 *sha, u8 hln)
{
	u8 buf[sizeof(struct arphdr) + 2 * (8 + 4)] = {};
	struct arphdr *ah = (struct arphdr *)buf;
	u8 *d = buf + sizeof(*ah);

	ah->ar_hrd = htons(ARPHRD_ETHER);
	ah->ar_pro = htons(ETH_P_IP);
	ah->ar_hln = hln;
	ah->ar_pln = 4;
	ah->ar_op = htons(ARPOP_REPLY);
	memcpy(d, sha, min_t(u8, hln, ETH_ALEN));
	memcpy(d + hln, "\x0a\x00\x00\x05", 4);
	memcpy(d + 2 * hln + 4, "\x0a\x00\x00\x01", 4);
	return port_frame(test, src, ETH_P_ARP, buf,
			  sizeof(*ah) + 2 * (hln + 4));
}

/* An IPv4 UDP header from 10.0.0.5, enough for the Ethernet source. */
static const u8 port_ipv4[28] = {
	0x45, 0, 0, 28, 0, 0, 0, 0, 64, IPPROTO_UDP, 0, 0,
	10, 0, 0, 5, 10, 0, 0, 1, 0, 68, 0, 67, 0, 8, 0, 0
};

/*
 * With the instance's MAC address, a frame from another is spoofed,
 * whatever its type; one from it is not.  Without a MAC address, or with
 * the source check off, no frame is.  A frame without an Ethernet header
 * has no source to check.
 */
static void port_mac_frame(struct kunit *test)
{
	static const u8 lldp[64];
	struct sgfw_port *on = port_new_mac(test, true, port_mac);
	struct sgfw_port *off = port_new_mac(test, false, port_mac);
	struct sgfw_port *none = port_new(test, true);
	static const struct {
		u16 proto;
		const void *payload;
		unsigned int len;
	} types[] = {
		{ ETH_P_IP, port_ipv4, sizeof(port_ipv4) },
		{ ETH_P_IPV6, lldp, sizeof(lldp) },
		{ ETH_P_LLDP, lldp, sizeof(lldp) },
		{ ETH_P_8021Q, lldp, sizeof(lldp) },
	};
	struct sk_buff *own, *other;
	int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		own = port_frame(test, port_mac, types[i].proto,
				 types[i].payload, types[i].len);
		other = port_frame(test, port_other_mac, types[i].proto,
				   types[i].payload, types[i].len);
		KUNIT_EXPECT_FALSE_MSG(test, sgfw_port_mac_spoofed(on, own),
				       "type %04x", types[i].proto);
		KUNIT_EXPECT_TRUE_MSG(test, sgfw_port_mac_spoofed(on, other),
				      "type %04x", types[i].proto);
		KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(off, other));
		KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(none, other));
	}
	other = port_frame(test, NULL, ETH_P_IP, port_ipv4, sizeof(port_ipv4));
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(on, other));

	/* The MAC address is one of the settings. */
	KUNIT_EXPECT_FALSE(test, sgfw_port_equal(on, none));
	KUNIT_EXPECT_TRUE(test, sgfw_port_equal(on,
						port_new_mac(test, true,
							     port_mac)));
	KUNIT_EXPECT_FALSE(test, sgfw_port_equal(on,
						 port_new_mac(test, true,
							      port_other_mac)));
}

/*
 * An ARP packet must say the port's MAC address is its sender's, even
 * from the right Ethernet source; one whose addresses are not Ethernet's
 * cannot.  One too short to say is left to sgfw_port_arp() (invalid).
 */
static void port_mac_arp(struct kunit *test)
{
	struct sgfw_port *on = port_new_mac(test, true, port_mac);
	struct sgfw_port *off = port_new_mac(test, false, port_mac);
	struct sgfw_port *none = port_new(test, true);
	struct sk_buff *skb;
	struct sgfw_pkt p;

	skb = port_arp_frame(test, port_mac, port_mac, ETH_ALEN);
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(on, skb));
	KUNIT_ASSERT_EQ(test, sgfw_port_arp(skb, &p), 0);
	KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(on, &p, true));

	skb = port_arp_frame(test, port_mac, port_other_mac, ETH_ALEN);
	KUNIT_EXPECT_TRUE(test, sgfw_port_mac_spoofed(on, skb));
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(off, skb));
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(none, skb));
	/* As a tun device would carry it. */
	skb = port_arp_frame(test, NULL, port_other_mac, ETH_ALEN);
	KUNIT_EXPECT_TRUE(test, sgfw_port_mac_spoofed(on, skb));

	skb = port_arp_frame(test, port_mac, port_mac, 8);
	KUNIT_EXPECT_TRUE(test, sgfw_port_mac_spoofed(on, skb));
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(none, skb));
	/*
	 * Without the MAC check, addresses are still read where receivers
	 * read them, after 6 bytes: anything else is not ARP for Ethernet.
	 */
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(skb, &p), -EINVAL);
	skb = port_arp_frame(test, port_mac, port_mac, 0);
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(skb, &p), -EINVAL);

	skb = port_arp_frame(test, port_mac, port_other_mac, ETH_ALEN);
	skb_trim(skb, sizeof(struct arphdr) + 2);
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(on, skb));
	KUNIT_EXPECT_EQ(test, sgfw_port_arp(skb, &p), -EINVAL);
}

struct port_nd_case {
	const char *desc;
	u8 type;
	u8 opts[40];	/* the options, as on the wire */
	u8 n;		/* bytes of @opts */
	bool spoofed;
};

/*
 * Options: source (1) and target (2) link-layer addresses, 8 bytes, of
 * 02:00:00:00:00:0N; and a nonce (14, RFC 3971).
 */
static const struct port_nd_case port_nd_cases[] = {
	{ "na, no option", NDISC_NEIGHBOUR_ADVERTISEMENT },
	{ "na, its target lla", NDISC_NEIGHBOUR_ADVERTISEMENT,
	  { 2, 1, 2, 0, 0, 0, 0, 5 }, 8 },
	{ "na, another's target lla", NDISC_NEIGHBOUR_ADVERTISEMENT,
	  { 2, 1, 2, 0, 0, 0, 0, 6 }, 8, true },
	{ "na, its own then another's", NDISC_NEIGHBOUR_ADVERTISEMENT,
	  { 2, 1, 2, 0, 0, 0, 0, 5, 2, 1, 2, 0, 0, 0, 0, 6 }, 16, true },
	{ "ns, its source lla", NDISC_NEIGHBOUR_SOLICITATION,
	  { 1, 1, 2, 0, 0, 0, 0, 5 }, 8 },
	{ "ns, another's source lla", NDISC_NEIGHBOUR_SOLICITATION,
	  { 1, 1, 2, 0, 0, 0, 0, 6 }, 8, true },
	{ "ns, a nonce and its source lla", NDISC_NEIGHBOUR_SOLICITATION,
	  { 14, 1, 1, 2, 3, 4, 5, 6, 1, 1, 2, 0, 0, 0, 0, 5 }, 16 },
	{ "ns, a nonce and another's source lla",
	  NDISC_NEIGHBOUR_SOLICITATION,
	  { 14, 1, 1, 2, 3, 4, 5, 6, 1, 1, 2, 0, 0, 0, 0, 6 }, 16, true },
	{ "ns, an option of length 0", NDISC_NEIGHBOUR_SOLICITATION,
	  { 14, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 6 }, 16, true },
	{ "ns, an lla option of 16 bytes", NDISC_NEIGHBOUR_SOLICITATION,
	  { 1, 2, 2, 0, 0, 0, 0, 5 }, 16, true },
	{ "ns, an option past its end", NDISC_NEIGHBOUR_SOLICITATION,
	  { 14, 2, 0, 0, 0, 0, 0, 0 }, 8, true },
	{ "rs, another's source lla", NDISC_ROUTER_SOLICITATION,
	  { 1, 1, 2, 0, 0, 0, 0, 6 }, 8, true },
	{ "redirect, another's target lla", NDISC_REDIRECT,
	  { 2, 1, 2, 0, 0, 0, 0, 6 }, 8, true },
};

static void port_nd_desc(const struct port_nd_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(port_nd, port_nd_cases, port_nd_desc);

/*
 * A neighbour discovery message from the instance, from the link-local
 * address its MAC address makes, fe80::ff:fe00:5 (and from the port's MAC
 * address): a link-layer address option must name the port's MAC
 * address.  The fixed part of each message is zeros, which is enough for
 * the check; a redirect fails the source check whatever its options (an
 * instance is not a router).
 */
static void port_mac_nd(struct kunit *test)
{
	const struct port_nd_case *c = test->param_value;
	struct sgfw_port *on = port_new_mac(test, true, port_mac);
	struct sgfw_port *off = port_new_mac(test, false, port_mac);
	struct sgfw_port *none = port_new(test, true);
	static const u8 fixed[] = {
		[NDISC_ROUTER_SOLICITATION] = 8,
		[NDISC_NEIGHBOUR_SOLICITATION] = 24,
		[NDISC_NEIGHBOUR_ADVERTISEMENT] = 24,
		[NDISC_REDIRECT] = 40,
	};
	u8 buf[sizeof(struct ipv6hdr) + 40 + sizeof(c->opts)] = {};
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	unsigned int len = fixed[c->type] + c->n;
	struct icmp6hdr *ic = (struct icmp6hdr *)(ip6 + 1);
	struct sk_buff *skb;
	struct sgfw_pkt p;

	ip6->version = 6;
	ip6->payload_len = htons(len);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = 255;
	ip6->saddr.s6_addr[0] = 0xfe;
	ip6->saddr.s6_addr[1] = 0x80;
	ip6->saddr.s6_addr[11] = 0xff;
	ip6->saddr.s6_addr[12] = 0xfe;
	ip6->saddr.s6_addr[15] = 5;
	ip6->daddr.s6_addr[0] = 0xff;
	ip6->daddr.s6_addr[1] = 0x02;
	ip6->daddr.s6_addr[15] = 1;
	ic->icmp6_type = c->type;
	/* Its own link-local address as target: the address check passes it. */
	if (c->type == NDISC_NEIGHBOUR_SOLICITATION ||
	    c->type == NDISC_NEIGHBOUR_ADVERTISEMENT ||
	    c->type == NDISC_REDIRECT)
		memcpy((u8 *)ic + 8, &ip6->saddr, sizeof(ip6->saddr));
	memcpy((u8 *)ic + fixed[c->type], c->opts, c->n);
	skb = port_frame(test, port_mac, ETH_P_IPV6, buf,
			 sizeof(*ip6) + len);

	KUNIT_ASSERT_EQ(test, sgfw_pkt_parse_frag(skb, SGFW_AF_INET6, &p), 0);
	KUNIT_EXPECT_EQ(test, p.icmp_type, c->type);
	KUNIT_EXPECT_EQ(test, sgfw_port_spoofed(on, &p, false),
			c->type == NDISC_REDIRECT);
	KUNIT_EXPECT_FALSE(test, sgfw_port_mac_spoofed(on, skb));
	KUNIT_EXPECT_EQ(test, sgfw_port_nd_spoofed(on, skb, &p), c->spoofed);
	KUNIT_EXPECT_FALSE(test, sgfw_port_nd_spoofed(off, skb, &p));
	KUNIT_EXPECT_FALSE(test, sgfw_port_nd_spoofed(none, skb, &p));

	/* The endpoint's parse notes no options. */
	KUNIT_ASSERT_EQ(test, sgfw_pkt_parse(skb, SGFW_AF_INET6, &p), 0);
	KUNIT_EXPECT_FALSE(test, sgfw_port_nd_spoofed(on, skb, &p));
}

struct port_ll_case {
	const char *a;
	bool listed;	/* passes with fe80::1 and fe80:1::/64 listed */
	bool ok;	/* passes with none listed */
};

/*
 * @p, which names @c's address as @what, from the instances of ports with
 * a MAC (@on), with a MAC and link-local addresses listed (@listed), and
 * without a MAC (@none, where any link-local address passes).
 */
static void port_ll_check(struct kunit *test, const struct sgfw_port *on,
			  const struct sgfw_port *listed,
			  const struct sgfw_port *none,
			  const struct sgfw_pkt *p,
			  const struct port_ll_case *c, const char *what)
{
	KUNIT_EXPECT_EQ_MSG(test, sgfw_port_spoofed(on, p, false), !c->ok,
			    "%s %s", what, c->a);
	KUNIT_EXPECT_EQ_MSG(test, sgfw_port_spoofed(listed, p, false),
			    !c->listed && !c->ok, "%s %s, listed", what, c->a);
	KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(none, p, false));
}

/*
 * With the instance's MAC address, its link-local addresses are the one
 * that MAC address makes (fe80::ff:fe00:5 for 02:00:00:00:00:05) and
 * those of its addresses, as source and as a neighbour advertisement's
 * target: it cannot claim its router's fe80::1 with its own MAC address.
 * Without the MAC address any link-local address passes (port_src_cases).
 */
static void port_mac_link_local(struct kunit *test)
{
	static const struct port_ll_case cases[] = {
		{ "fe80::ff:fe00:5", true, true },
		{ "fe80::1", true },
		{ "fe80::ff:fe00:6" },
		{ "fe80::200:ff:fe00:5" },	/* the U/L bit not inverted */
		{ "fe80:1::ff:fe00:5", true },	/* in fe80::/10, not /64 */
		{ "febf::ff:fe00:5" },
	};
	struct sgfw_port *on = port_new_mac(test, true, port_mac);
	struct sgfw_port *none = port_new(test, true);
	struct sgfw_port *listed;
	struct sgfw_cidr v[3] = {};
	struct sgfw_pkt p = {
		.t.af = SGFW_AF_INET6, .t.proto = IPPROTO_ICMPV6,
	};
	int i;

	port_addr(test, "fe80::1", SGFW_AF_INET6, &v[0].addr);
	port_addr(test, "fe80:1::", SGFW_AF_INET6, &v[1].addr);
	port_addr(test, "fd00::5", SGFW_AF_INET6, &v[2].addr);
	v[0].af = SGFW_AF_INET6;
	v[1].af = SGFW_AF_INET6;
	v[2].af = SGFW_AF_INET6;
	v[0].plen = 128;
	v[1].plen = 64;
	v[2].plen = 128;
	listed = sgfw_port_new(true, port_mac, v, ARRAY_SIZE(v));
	KUNIT_ASSERT_NOT_NULL(test, listed);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, port_free,
							listed), 0);
	port_addr(test, "ff02::1", SGFW_AF_INET6, &p.t.dst);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* As the source of a solicitation. */
		p.flags = 0;
		p.icmp_type = NDISC_NEIGHBOUR_SOLICITATION;
		port_addr(test, cases[i].a, SGFW_AF_INET6, &p.t.src);
		port_ll_check(test, on, listed, none, &p, &cases[i], "from");

		/* As the target of an advertisement from its own address. */
		p.icmp_type = NDISC_NEIGHBOUR_ADVERTISEMENT;
		p.flags = SGFW_PKT_ND_TARGET;
		port_addr(test, "fe80::ff:fe00:5", SGFW_AF_INET6, &p.t.src);
		port_addr(test, cases[i].a, SGFW_AF_INET6, &p.nd_target);
		port_ll_check(test, on, listed, none, &p, &cases[i], "for");
	}
	/* Duplicate address detection, from ::, still passes. */
	p.flags = 0;
	p.icmp_type = NDISC_NEIGHBOUR_SOLICITATION;
	memset(&p.t.src, 0, sizeof(p.t.src));
	KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(on, &p, false));
}

/*
 * Neighbour discovery is never fragmented (RFC 6980): the first fragment
 * of one from the instance fails the source check, MAC address or not
 * (its options could go on in a later fragment, which nothing reads); the
 * same message whole passes.
 */
static void port_nd_fragment(struct kunit *test)
{
	struct sgfw_port *on = port_new_mac(test, true, port_mac);
	struct sgfw_port *none = port_new(test, true);
	struct sgfw_port *off = port_new(test, false);
	/* An advertisement for fd00::5, its source lla option, from fd00::5. */
	u8 buf[sizeof(struct ipv6hdr) + sizeof(struct frag_hdr) + 32] = {};
	struct ipv6hdr *ip6 = (struct ipv6hdr *)buf;
	struct frag_hdr *fh = (struct frag_hdr *)(ip6 + 1);
	u8 *ic = (u8 *)(fh + 1);
	struct sk_buff *skb;
	struct sgfw_pkt p;
	bool frag;

	for (frag = false; ; frag = true) {
		memset(buf, 0, sizeof(buf));
		ip6->version = 6;
		ip6->hop_limit = 255;
		port_addr(test, "fd00::5", SGFW_AF_INET6,
			  (union sgfw_addr *)&ip6->saddr);
		port_addr(test, "ff02::1", SGFW_AF_INET6,
			  (union sgfw_addr *)&ip6->daddr);
		if (frag) {
			ip6->nexthdr = NEXTHDR_FRAGMENT;
			fh->nexthdr = IPPROTO_ICMPV6;
			fh->frag_off = htons(IP6_MF);
			fh->identification = htonl(7);
			ic = (u8 *)(fh + 1);
		} else {
			ip6->nexthdr = IPPROTO_ICMPV6;
			ic = (u8 *)(ip6 + 1);
		}
		ip6->payload_len = htons(32 + (frag ? sizeof(*fh) : 0));
		ic[0] = NDISC_NEIGHBOUR_ADVERTISEMENT;
		memcpy(ic + 8, &ip6->saddr, sizeof(ip6->saddr));
		memcpy(ic + 24, "\x02\x01\x02\x00\x00\x00\x00\x05", 8);
		skb = port_frame(test, port_mac, ETH_P_IPV6, buf,
				 sizeof(*ip6) + ntohs(ip6->payload_len));
		KUNIT_ASSERT_EQ(test, sgfw_pkt_parse_frag(skb, SGFW_AF_INET6,
							  &p), 0);
		KUNIT_EXPECT_EQ(test, !!(p.flags & SGFW_PKT_FRAG), frag);
		KUNIT_EXPECT_EQ(test, p.icmp_type,
				NDISC_NEIGHBOUR_ADVERTISEMENT);
		KUNIT_EXPECT_EQ_MSG(test, sgfw_port_spoofed(on, &p, false),
				    frag, "fragment %d", frag);
		KUNIT_EXPECT_EQ_MSG(test, sgfw_port_spoofed(none, &p, false),
				    frag, "fragment %d", frag);
		KUNIT_EXPECT_FALSE(test, sgfw_port_spoofed(off, &p, false));
		KUNIT_EXPECT_FALSE(test, sgfw_port_nd_spoofed(on, skb, &p));
		if (frag)
			break;
	}
}

/* --- fragments ----------------------------------------------------------- */

static void port_frags_exit(void *fr)
{
	sgfw_frags_exit(fr);
}

static struct sgfw_frags *port_frags(struct kunit *test)
{
	struct sgfw_frags *fr = kunit_kzalloc(test, sizeof(*fr), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fr);
	sgfw_frags_init(fr);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, port_frags_exit,
							fr), 0);
	return fr;
}

/* A fragment of datagram @id: @off and @len bytes, @more to come. */
static struct sgfw_pkt port_frag(enum sgfw_af af, u32 id, u16 off, u16 len,
				 bool more)
{
	struct sgfw_pkt p = { .t.af = af, .t.proto = IPPROTO_UDP };

	p.t.src.all[0] = htonl(0x0a000005);
	p.t.dst.all[0] = htonl(0x0a000001);
	p.flags = SGFW_PKT_FRAG | (off ? SGFW_PKT_FRAG_LATER : 0) |
		  (more ? SGFW_PKT_FRAG_MORE : 0);
	p.frag.id = id;
	p.frag.off = off;
	p.frag.len = len;
	if (off) {
		p.t.proto = af == SGFW_AF_INET ? IPPROTO_UDP : NEXTHDR_DEST;
	} else {
		p.t.sport = htons(53);
		p.t.dport = htons(53);
	}
	return p;
}

#define IN	SGFW_DIRECTION_INGRESS
#define OUT	SGFW_DIRECTION_EGRESS

/*
 * The later fragments of a datagram whose first passed pass on its device
 * and direction, and no others; the datagram is forgotten when the bytes
 * seen reach what its last fragment says, however they came.
 */
static void port_frag_datagram(struct kunit *test)
{
	struct sgfw_frags *fr = port_frags(test);
	enum sgfw_af af;
	struct sgfw_pkt p;

	for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++) {
		/* Never seen, nothing passes. */
		p = port_frag(af, 7, 1480, 1480, true);
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 3, IN, &p));

		p = port_frag(af, 7, 0, 1480, true);
		KUNIT_ASSERT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), 0);
		/* A copy of the first changes nothing. */
		KUNIT_ASSERT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), 0);
		KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), 1);

		/* Another device, direction, datagram, or an overlap. */
		p = port_frag(af, 7, 1480, 1480, true);
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 4, IN, &p));
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 3, OUT, &p));
		p = port_frag(af, 8, 1480, 1480, true);
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 3, IN, &p));
		p = port_frag(af, 7, 8, 1480, true);
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 3, IN, &p));

		/* The last comes before the middle one: both pass. */
		p = port_frag(af, 7, 2960, 1040, false);
		KUNIT_EXPECT_TRUE(test, sgfw_frag_later(fr, 3, IN, &p));
		KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), 1);
		p = port_frag(af, 7, 1480, 1480, true);
		KUNIT_EXPECT_TRUE(test, sgfw_frag_later(fr, 3, IN, &p));
		/* All 4000 bytes seen: forgotten. */
		KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), 0);
		KUNIT_EXPECT_FALSE(test, sgfw_frag_later(fr, 3, IN, &p));
	}
}

/*
 * A device's side (a direction) refuses first fragments past its share,
 * counted, whatever their family; its other side and other devices still
 * have room, and a datagram it completes makes room on it again.
 */
static void port_frag_side(struct kunit *test)
{
	struct sgfw_frags *fr = port_frags(test);
	struct sgfw_pkt p;
	u32 id;

	for (id = 0; id < SGFW_FRAGS_PER_SIDE; id++) {
		p = port_frag(id & 1 ? SGFW_AF_INET6 : SGFW_AF_INET, id, 0, 8,
			      true);
		KUNIT_ASSERT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), 0);
	}
	p = port_frag(SGFW_AF_INET, id, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), -ENOSPC);
	p = port_frag(SGFW_AF_INET6, id, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fr->full), 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_FRAGS_PER_SIDE);
	/* A copy of one it has is no new datagram. */
	p = port_frag(SGFW_AF_INET, 0, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fr->full), 2);

	/* The other direction, another device. */
	p = port_frag(SGFW_AF_INET, id, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, OUT, &p), 0);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 4, IN, &p), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_FRAGS_PER_SIDE + 2);

	/* Datagram 6 (IPv4) complete: room for one more on the full side. */
	p = port_frag(SGFW_AF_INET, 6, 8, 8, false);
	KUNIT_EXPECT_TRUE(test, sgfw_frag_later(fr, 3, IN, &p));
	p = port_frag(SGFW_AF_INET6, id, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), 0);
	p = port_frag(SGFW_AF_INET6, id + 1, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 3, IN, &p), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fr->full), 3);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_FRAGS_PER_SIDE + 2);
}

/*
 * A full table (every side of sixteen at its share) refuses first
 * fragments, counted, and keeps what it has.
 */
static void port_frag_full(struct kunit *test)
{
	const int sides = SGFW_MAX_FRAGS / SGFW_FRAGS_PER_SIDE;
	struct sgfw_frags *fr = port_frags(test);
	struct sgfw_pkt p;
	int dev;
	u32 id;

	for (dev = 1; dev <= sides; dev++)
		for (id = 0; id < SGFW_FRAGS_PER_SIDE; id++) {
			p = port_frag(SGFW_AF_INET, id, 0, 8, true);
			KUNIT_ASSERT_EQ(test,
					sgfw_frag_first(fr, NULL, dev, IN, &p),
					0);
		}
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_MAX_FRAGS);
	p = port_frag(SGFW_AF_INET, 0, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, dev, IN, &p),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, 1, OUT, &p),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fr->full), 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_MAX_FRAGS);
	p = port_frag(SGFW_AF_INET, 17, 8, 8, false);
	KUNIT_EXPECT_TRUE(test, sgfw_frag_later(fr, 5, IN, &p));
	/* That one is complete: there is room for the refused one now. */
	p = port_frag(SGFW_AF_INET, 0, 0, 8, true);
	KUNIT_EXPECT_EQ(test, sgfw_frag_first(fr, NULL, dev, IN, &p), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(fr->count), SGFW_MAX_FRAGS);
}

static struct kunit_case sgfw_port_cases[] = {
	KUNIT_CASE_PARAM(port_source_check, port_src_gen_params),
	KUNIT_CASE(port_no_addresses),
	KUNIT_CASE(port_arp),
	KUNIT_CASE(port_mac_frame),
	KUNIT_CASE(port_mac_arp),
	KUNIT_CASE_PARAM(port_mac_nd, port_nd_gen_params),
	KUNIT_CASE(port_mac_link_local),
	KUNIT_CASE(port_nd_fragment),
	KUNIT_CASE(port_frag_datagram),
	KUNIT_CASE(port_frag_side),
	KUNIT_CASE(port_frag_full),
	{}
};

static struct kunit_suite sgfw_port_suite = {
	.name = "sgfw_port",
	.test_cases = sgfw_port_cases,
};

kunit_test_suite(sgfw_port_suite);
