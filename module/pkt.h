/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing a packet at a netfilter hook into struct sgfw_pkt.
 */
#ifndef _SGFW_PKT_H
#define _SGFW_PKT_H

#include "types.h"

struct sk_buff;

/*
 * sgfw_pkt_parse() - fill @p from @skb, whose network header is set.
 * @af: SGFW_AF_INET or SGFW_AF_INET6 (the hook's family).
 *
 * IPv6 extension headers are skipped to the transport header.  A later
 * fragment (non-zero offset) cannot be parsed: reassembly runs before
 * sgfw's hooks, so one seen here is malformed.  ICMP errors get their
 * quoted tuple in @p->inner (reversed); IPv6 neighbour discovery
 * (133-137) and MLD (130-132, 143) get SGFW_PKT_ALWAYS_PASS.
 *
 * Return: 0, or -EINVAL for a truncated or malformed packet.
 */
int sgfw_pkt_parse(const struct sk_buff *skb, enum sgfw_af af,
		   struct sgfw_pkt *p);

/*
 * sgfw_pkt_parse_frag() - the same for a packet that may be a fragment
 * (port mode: no reassembly comes before its hooks).  A fragment gets
 * SGFW_PKT_FRAG and @p->frag; a later one (SGFW_PKT_FRAG_LATER) has its
 * addresses and protocol, and no ports or icmp type: those are in the
 * first.  A first fragment must hold its transport header.  A neighbour
 * advertisement gets its target (SGFW_PKT_ND_TARGET), and must hold it.
 */
int sgfw_pkt_parse_frag(const struct sk_buff *skb, enum sgfw_af af,
			struct sgfw_pkt *p);

#endif /* _SGFW_PKT_H */
