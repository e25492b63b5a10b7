// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group (events.h).
 *
 * Events are built where they happen: in the hooks (softirq, or process
 * context on egress), under the flow table's locks when a flow is
 * unlinked, after a commit.  So every message is allocated GFP_ATOMIC and
 * sent with genlmsg_multicast_netns(), which only queues it on the
 * listeners' sockets; a listener too slow for them gets ENOBUFS.  Nothing
 * is built for a namespace where no socket listens (one test of the
 * group's listener bitmap).
 */

#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "../uapi/linux/sgfw.h"
#include "config.h"
#include "events.h"
#include "flowtable.h"
#include "netlink.h"
#include "netlink-gen.h"
#include "netns.h"
#include "pkt.h"
#include "ruleset.h"

static unsigned int event_rate = 100;
module_param(event_rate, uint, 0644);
MODULE_PARM_DESC(event_rate,
		 "drop events, and untracked-packet events, a namespace may send per second, each (default 100)");

/* Between sgfw_events_start() and sgfw_events_stop(); RCU readers. */
static bool sgfw_events_on;

void sgfw_events_start(void)
{
	WRITE_ONCE(sgfw_events_on, true);
}

void sgfw_events_stop(void)
{
	WRITE_ONCE(sgfw_events_on, false);
	/*
	 * Senders run under RCU or with bottom halves off (the table's
	 * locks), which a grace period covers too: none is left after it.
	 */
	synchronize_rcu();
}

bool sgfw_events_wanted(const struct net *net)
{
	return READ_ONCE(sgfw_events_on) &&
	       genl_has_listeners(&sgfw_genl_family, (struct net *)net,
				  SGFW_NLGRP_EVENTS);
}

/*
 * Take one event from @rl's budget; when it is spent, count the event as
 * suppressed.  Return: false to suppress it.
 */
static bool sgfw_evlimit_take(struct sgfw_evlimit *rl)
{
	unsigned long now = jiffies, w = READ_ONCE(rl->window);
	unsigned int rate = READ_ONCE(event_rate);

	if (time_after_eq(now, w + HZ) && cmpxchg(&rl->window, w, now) == w)
		atomic_set(&rl->used, 0);
	if (atomic_inc_return(&rl->used) <= rate)
		return true;
	atomic_inc(&rl->suppressed);
	return false;
}

u64 sgfw_event_time(unsigned long j)
{
	return ktime_get_real_seconds() - (jiffies - j) / HZ;
}

static struct sk_buff *sgfw_event_new(u8 cmd, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &sgfw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void sgfw_event_send(const struct net *net, struct sk_buff *skb,
			    void *hdr)
{
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&sgfw_genl_family, (struct net *)net, skb, 0,
				SGFW_NLGRP_EVENTS, GFP_ATOMIC);
}

/* The tuple of a packet or flow: addresses, protocol and ports. */
static int sgfw_event_tuple(struct sk_buff *skb, const struct sgfw_tuple *t)
{
	if (nla_put_u8(skb, SGFW_A_EVENT_PROTOCOL, t->proto) ||
	    sgfw_put_addr(skb, SGFW_A_EVENT_SRC, t->af, &t->src, -1) ||
	    sgfw_put_addr(skb, SGFW_A_EVENT_DST, t->af, &t->dst, -1))
		return -EMSGSIZE;
	if (t->proto != IPPROTO_TCP && t->proto != IPPROTO_UDP)
		return 0;
	if (nla_put_u16(skb, SGFW_A_EVENT_SPORT, ntohs(t->sport)) ||
	    nla_put_u16(skb, SGFW_A_EVENT_DPORT, ntohs(t->dport)))
		return -EMSGSIZE;
	return 0;
}

/* The group and rule @sg_id, @rule_id, by name while the group lives. */
static int sgfw_event_rule(struct sk_buff *skb, const struct net *net,
			   u32 sg_id, u32 rule_id)
{
	const struct sgfw_sg *sg = xa_load(&sgfw_pernet(net)->sg_ids, sg_id);

	if ((sg && nla_put_string(skb, SGFW_A_EVENT_SG, sg->name)) ||
	    nla_put_u32(skb, SGFW_A_EVENT_RULE_ID, rule_id))
		return -EMSGSIZE;
	return 0;
}

void sgfw_event_flow(const struct sgfw_flow *f, int reason)
{
	u8 cmd = reason < 0 ? SGFW_CMD_FLOW_NEW_NTF : SGFW_CMD_FLOW_END_NTF;
	u8 flags = READ_ONCE(f->flags);
	struct sk_buff *skb;
	void *hdr;

	if (!sgfw_events_wanted(f->net))
		return;
	skb = sgfw_event_new(cmd, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, SGFW_A_EVENT_IFINDEX, f->ifindex) ||
	    nla_put_u32(skb, SGFW_A_EVENT_DIRECTION,
			(flags & SGFW_FLOW_F_OPENER_EGRESS) ?
			SGFW_DIRECTION_EGRESS : SGFW_DIRECTION_INGRESS) ||
	    sgfw_event_tuple(skb, &f->t) ||
	    ((f->t.proto == IPPROTO_ICMP || f->t.proto == IPPROTO_ICMPV6) &&
	     nla_put_u16(skb, SGFW_A_EVENT_ICMP_ID, ntohs(f->t.sport))) ||
	    sgfw_event_rule(skb, f->net, f->sg_id, f->rule_id) ||
	    nla_put_u32(skb, SGFW_A_EVENT_STATE, READ_ONCE(f->state)) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_PACKETS,
			      atomic64_read(&f->packets), SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_BYTES,
			      atomic64_read(&f->bytes), SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_START,
			      sgfw_event_time(f->start), SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_END,
			      ktime_get_real_seconds(), SGFW_A_EVENT_PAD) ||
	    (reason >= 0 && nla_put_u32(skb, SGFW_A_EVENT_REASON, reason)))
		goto err;
	sgfw_event_send(f->net, skb, hdr);
	return;
err:
	nlmsg_free(skb);
}

/*
 * The part of a drop or untracked event that describes the packet, and
 * the suppressed count, which is taken from @rl only once the message is
 * sure to go (or given back).
 */
static struct sk_buff *sgfw_event_pkt(u8 cmd, int ifindex, u32 dir,
				      const struct sgfw_pkt *p, void **hdr)
{
	struct sk_buff *skb = sgfw_event_new(cmd, hdr);

	if (!skb)
		return NULL;
	if (nla_put_u32(skb, SGFW_A_EVENT_IFINDEX, ifindex) ||
	    nla_put_u32(skb, SGFW_A_EVENT_DIRECTION, dir) ||
	    sgfw_event_tuple(skb, &p->t) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_BYTES, p->len,
			      SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_END, ktime_get_real_seconds(),
			      SGFW_A_EVENT_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void sgfw_event_limited_send(struct sgfw_net *sn, struct sgfw_evlimit *rl,
				    struct sk_buff *skb, void *hdr)
{
	u32 n = atomic_xchg(&rl->suppressed, 0);

	if (skb && !nla_put_u32(skb, SGFW_A_EVENT_SUPPRESSED, n)) {
		sgfw_event_send(sn->net, skb, hdr);
		return;
	}
	/* This one and those it would have reported are lost together. */
	atomic_add(n + 1, &rl->suppressed);
	nlmsg_free(skb);
}

void sgfw_event_drop(struct sgfw_net *sn, int ifindex, u32 dir,
		     const struct sgfw_pkt *p, u32 verdict, u32 nacl_rule,
		     bool audit)
{
	struct sk_buff *skb;
	void *hdr;

	if (!sgfw_events_wanted(sn->net) || !sgfw_evlimit_take(&sn->drop_rl))
		return;
	skb = sgfw_event_pkt(SGFW_CMD_DROP_NTF, ifindex, dir, p, &hdr);
	if (skb &&
	    (((p->t.proto == IPPROTO_ICMP || p->t.proto == IPPROTO_ICMPV6) &&
	      (nla_put_u8(skb, SGFW_A_EVENT_ICMP_TYPE, p->icmp_type) ||
	       nla_put_u8(skb, SGFW_A_EVENT_ICMP_CODE, p->icmp_code))) ||
	     nla_put_u32(skb, SGFW_A_EVENT_VERDICT, verdict) ||
	     (audit && nla_put_flag(skb, SGFW_A_EVENT_AUDIT)) ||
	     (nacl_rule && nla_put_u32(skb, SGFW_A_EVENT_NACL_RULE, nacl_rule)))) {
		nlmsg_free(skb);
		skb = NULL;
	}
	sgfw_event_limited_send(sn, &sn->drop_rl, skb, hdr);
}

void sgfw_event_untracked(struct sgfw_net *sn, int ifindex, u32 dir,
			  const struct sgfw_pkt *p,
			  const struct sgfw_crule *rule)
{
	struct sk_buff *skb;
	void *hdr;

	if (!sgfw_events_wanted(sn->net) ||
	    !sgfw_evlimit_take(&sn->untracked_rl))
		return;
	skb = sgfw_event_pkt(SGFW_CMD_UNTRACKED_NTF, ifindex, dir, p, &hdr);
	if (skb && sgfw_event_rule(skb, sn->net, rule->sg_id, rule->rule_id)) {
		nlmsg_free(skb);
		skb = NULL;
	}
	sgfw_event_limited_send(sn, &sn->untracked_rl, skb, hdr);
}

void sgfw_event_config(struct sgfw_net *sn, u8 cmd, const char *name,
		       int ifindex, bool rollback)
{
	struct sk_buff *skb;
	void *hdr;

	if (!sgfw_events_wanted(sn->net))
		return;
	skb = sgfw_event_new(SGFW_CMD_CONFIG_NTF, &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, SGFW_A_EVENT_CMD, cmd) ||
	    (name && nla_put_string(skb, SGFW_A_EVENT_NAME, name)) ||
	    (ifindex && nla_put_u32(skb, SGFW_A_EVENT_IFINDEX, ifindex)) ||
	    (rollback && nla_put_flag(skb, SGFW_A_EVENT_ROLLBACK))) {
		nlmsg_free(skb);
		return;
	}
	sgfw_event_send(sn->net, skb, hdr);
}
