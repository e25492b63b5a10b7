// SPDX-License-Identifier: GPL-2.0
/*
 * SGFW_CMD_EXPLAIN: judge a packet that is not sent.
 *
 * The packet is built as real bytes in an sk_buff (an IPv4 or IPv6
 * header and a tcp, udp or icmp one), parsed by sgfw_pkt_parse() and
 * judged by sgfw_judge() without changing anything: so the answer comes
 * from the code that judges real packets, parser included.  A tcp packet
 * is a SYN, or, when a flow exists for it, the next ACK of that flow in
 * its direction (in its window).  An icmp error carries no quote: it is
 * judged as a stray one.
 *
 * Runs under the RTNL (the device's NACL and groups are named in the
 * reply) and RCU (the rulesets and the flow).
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/tcp.h>

#include "../uapi/linux/sgfw.h"
#include "config.h"
#include "flowtable.h"
#include "hooks.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netns.h"
#include "pkt.h"
#include "ruleset.h"

/* What the request asks about. */
struct sgfw_explain_req {
	int ifindex;
	enum sgfw_direction dir;
	u8 proto;
	struct sgfw_cidr src, dst;
	u16 sport, dport;
	u8 icmp_type, icmp_code;
};

static bool sgfw_explain_icmp(const struct sgfw_explain_req *q)
{
	return q->proto == (q->src.af == SGFW_AF_INET ? IPPROTO_ICMP :
							IPPROTO_ICMPV6);
}

/* MLD (RFC 2710, 3810), which is sent with a hop limit of 1. */
static bool sgfw_explain_mld(const struct sgfw_explain_req *q)
{
	return q->proto == IPPROTO_ICMPV6 && q->src.af == SGFW_AF_INET6 &&
	       ((q->icmp_type >= ICMPV6_MGM_QUERY &&
		 q->icmp_type <= ICMPV6_MGM_REDUCTION) ||
		q->icmp_type == ICMPV6_MLD2_REPORT);
}

/*
 * The packet of @q as bytes: tcp with @tcp_flags, @seq and @ack; an icmp
 * message with @q's type and code and, as identifier, its source port.
 */
static struct sk_buff *sgfw_explain_skb(const struct sgfw_explain_req *q,
					u8 tcp_flags, u32 seq, u32 ack)
{
	unsigned int l3 = q->src.af == SGFW_AF_INET ? sizeof(struct iphdr) :
						      sizeof(struct ipv6hdr);
	unsigned int l4 = 0;
	struct sk_buff *skb;

	if (q->proto == IPPROTO_TCP)
		l4 = sizeof(struct tcphdr);
	else if (q->proto == IPPROTO_UDP)
		l4 = sizeof(struct udphdr);
	else if (sgfw_explain_icmp(q))
		l4 = sizeof(struct icmphdr);	/* icmp6hdr is as long */

	/* Under RCU (the flow it looks up): a few bytes, atomic. */
	skb = alloc_skb(l3 + l4, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reset_network_header(skb);
	if (q->src.af == SGFW_AF_INET) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(l3 + l4);
		iph->ttl = 64;
		iph->protocol = q->proto;
		iph->saddr = q->src.addr.ip;
		iph->daddr = q->dst.addr.ip;
		iph->check = ip_fast_csum(iph, iph->ihl);
	} else {
		struct ipv6hdr *ip6 = skb_put_zero(skb, sizeof(*ip6));

		ip6->version = 6;
		ip6->payload_len = htons(l4);
		ip6->nexthdr = q->proto;
		/* What neighbour discovery and MLD must have to pass (pkt.c). */
		ip6->hop_limit = sgfw_explain_mld(q) ? 1 : 255;
		ip6->saddr = q->src.addr.in6;
		ip6->daddr = q->dst.addr.in6;
	}
	skb_set_transport_header(skb, l3);
	if (q->proto == IPPROTO_TCP) {
		struct tcphdr *th = skb_put_zero(skb, sizeof(*th));

		th->source = htons(q->sport);
		th->dest = htons(q->dport);
		th->seq = htonl(seq);
		th->ack_seq = htonl(ack);
		th->doff = sizeof(*th) / 4;
		tcp_flag_byte(th) = tcp_flags;
		th->window = htons(65535);
	} else if (q->proto == IPPROTO_UDP) {
		struct udphdr *uh = skb_put_zero(skb, sizeof(*uh));

		uh->source = htons(q->sport);
		uh->dest = htons(q->dport);
		uh->len = htons(sizeof(*uh));
	} else if (l4) {
		struct icmphdr *ih = skb_put_zero(skb, sizeof(*ih));

		/* The type, code and identifier of icmp6hdr lie here too. */
		ih->type = q->icmp_type;
		ih->code = q->icmp_code;
		ih->un.echo.id = htons(q->sport);
	}
	return skb;
}

/*
 * Parse the packet of @q into @p; a tcp packet of an existing flow of
 * filtered device @sd (if any) is made the flow's next ACK.  Return: 0,
 * -ENOMEM, or -EINVAL when the parser refuses it (an invalid packet).
 * Context: RCU.
 */
static int sgfw_explain_pkt(const struct sgfw_dev *sd,
			    const struct sgfw_explain_req *q,
			    struct sgfw_pkt *p)
{
	u32 seq = 1, ack = 0;
	u8 flags = TCPHDR_SYN;
	struct sgfw_flow *flow;
	struct sk_buff *skb;
	bool reply;
	int err;

	for (;;) {
		skb = sgfw_explain_skb(q, flags, seq, ack);
		if (!skb)
			return -ENOMEM;
		err = sgfw_pkt_parse(skb, q->src.af, p);
		kfree_skb(skb);
		if (err || q->proto != IPPROTO_TCP || flags != TCPHDR_SYN ||
		    !sd)
			return err;
		flow = sgfw_flow_lookup(sd->fd.key, &p->t,
					sgfw_flow_hash(sd->fd.key, &p->t),
					&reply);
		if (!flow)
			return 0;
		flags = TCPHDR_ACK;
		seq = READ_ONCE(flow->seq_end[reply]);
		ack = READ_ONCE(flow->seq_end[!reply]);
	}
}

static int sgfw_explain_fill(struct sk_buff *msg, struct sgfw_net *sn,
			     const struct sgfw_dev *sd, bool always_pass,
			     const struct sgfw_judgement *j)
{
	const struct sgfw_sg *sg;

	if (nla_put_u32(msg, SGFW_A_EXPLAIN_VERDICT, j->verdict) ||
	    (!sd && nla_put_flag(msg, SGFW_A_EXPLAIN_UNFILTERED)) ||
	    (sd && always_pass &&
	     nla_put_flag(msg, SGFW_A_EXPLAIN_ALWAYS_PASS)))
		return -EMSGSIZE;
	if (!sd)
		return 0;
	if (sd->nacl && nla_put_string(msg, SGFW_A_EXPLAIN_NACL, sd->nacl->name))
		return -EMSGSIZE;
	if (j->nacl_asked &&
	    ((j->nacl_rule &&
	      nla_put_u32(msg, SGFW_A_EXPLAIN_NACL_RULE, j->nacl_rule->rule_id)) ||
	     nla_put_u32(msg, SGFW_A_EXPLAIN_NACL_ACTION,
			 j->nacl_rule && !(j->nacl_rule->flags & SGFW_CRULE_DENY) ?
			 SGFW_NACL_ACTION_ALLOW : SGFW_NACL_ACTION_DENY)))
		return -EMSGSIZE;
	if (j->rule) {
		sg = xa_load(&sn->sg_ids, j->rule->sg_id);
		if ((sg && nla_put_string(msg, SGFW_A_EXPLAIN_SG, sg->name)) ||
		    nla_put_u32(msg, SGFW_A_EXPLAIN_RULE_ID, j->rule->rule_id) ||
		    nla_put_u32(msg, SGFW_A_EXPLAIN_TRACK, j->track))
			return -EMSGSIZE;
		if (j->track == SGFW_TRACK_TRACKED &&
		    nla_put_u32(msg, SGFW_A_EXPLAIN_TIMEOUT, j->timeout / HZ))
			return -EMSGSIZE;
	}
	if (j->flow &&
	    (nla_put_flag(msg, SGFW_A_EXPLAIN_FLOW) ||
	     nla_put_u32(msg, SGFW_A_EXPLAIN_FLOW_STATE,
			 READ_ONCE(j->flow->state))))
		return -EMSGSIZE;
	if (READ_ONCE(sd->live_audit) &&
	    nla_put_flag(msg, SGFW_A_EXPLAIN_AUDIT))
		return -EMSGSIZE;
	return 0;
}

static int sgfw_explain_parse(struct genl_info *info,
			      struct sgfw_explain_req *q)
{
	struct nlattr **tb = info->attrs;
	struct net_device *dev;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SGFW_A_EXPLAIN_IFINDEX) ||
	    GENL_REQ_ATTR_CHECK(info, SGFW_A_EXPLAIN_DIRECTION) ||
	    GENL_REQ_ATTR_CHECK(info, SGFW_A_EXPLAIN_PROTOCOL) ||
	    GENL_REQ_ATTR_CHECK(info, SGFW_A_EXPLAIN_SRC) ||
	    GENL_REQ_ATTR_CHECK(info, SGFW_A_EXPLAIN_DST))
		return -EINVAL;
	q->ifindex = nla_get_u32(tb[SGFW_A_EXPLAIN_IFINDEX]);
	dev = __dev_get_by_index(genl_info_net(info), q->ifindex);
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGFW_A_EXPLAIN_IFINDEX],
				    "no such device in this namespace");
		return -ENODEV;
	}
	q->dir = nla_get_u32(tb[SGFW_A_EXPLAIN_DIRECTION]);
	q->proto = nla_get_u8(tb[SGFW_A_EXPLAIN_PROTOCOL]);
	err = sgfw_parse_cidr(tb[SGFW_A_EXPLAIN_SRC], true, &q->src,
			      info->extack) ?:
	      sgfw_parse_cidr(tb[SGFW_A_EXPLAIN_DST], true, &q->dst,
			      info->extack);
	if (err)
		return err;
	if (q->src.af != q->dst.af) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SGFW_A_EXPLAIN_DST],
				    "source and destination are of two families");
		return -EINVAL;
	}
	if (tb[SGFW_A_EXPLAIN_SPORT])
		q->sport = nla_get_u16(tb[SGFW_A_EXPLAIN_SPORT]);
	if (tb[SGFW_A_EXPLAIN_DPORT])
		q->dport = nla_get_u16(tb[SGFW_A_EXPLAIN_DPORT]);
	q->icmp_type = q->src.af == SGFW_AF_INET ? ICMP_ECHO :
						   ICMPV6_ECHO_REQUEST;
	if (tb[SGFW_A_EXPLAIN_ICMP_TYPE])
		q->icmp_type = nla_get_u8(tb[SGFW_A_EXPLAIN_ICMP_TYPE]);
	if (tb[SGFW_A_EXPLAIN_ICMP_CODE])
		q->icmp_code = nla_get_u8(tb[SGFW_A_EXPLAIN_ICMP_CODE]);
	return 0;
}

int sgfw_nl_explain_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_explain_req q = {};
	struct sgfw_judgement j = {};
	const struct sgfw_port *port;
	struct sgfw_dev *sd;
	struct sk_buff *msg;
	struct sgfw_pkt p;
	void *hdr;
	int err;

	err = sgfw_explain_parse(info, &q);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, info->snd_portid, info->snd_seq,
			  &sgfw_genl_family, 0, SGFW_CMD_EXPLAIN);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}

	rcu_read_lock();
	sd = xa_load(&sn->devs, q.ifindex);
	/* What the instance of a port sends is checked first. */
	port = sd && q.dir == SGFW_DIRECTION_EGRESS ?
	       rcu_dereference(sd->live_port) : NULL;
	if (sd && !rcu_access_pointer(sd->rs) &&
	    !rcu_access_pointer(sd->nacl_rs))
		sd = NULL;	/* not filtered: everything passes */
	err = sgfw_explain_pkt(sd, &q, &p);
	if (err == -EINVAL)
		j.verdict = SGFW_VERDICT_INVALID;
	else if (!err && port && sgfw_port_spoofed(port, &p, false))
		j.verdict = SGFW_VERDICT_SPOOFED;
	else if (!err && sd && !(p.flags & SGFW_PKT_ALWAYS_PASS))
		sgfw_judge(sn, sd, q.dir, &p, true, &j);
	if (err != -ENOMEM)
		err = sgfw_explain_fill(msg, sn, sd,
					!err && (p.flags & SGFW_PKT_ALWAYS_PASS),
					&j);
	rcu_read_unlock();
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}
