// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group (events.h).
 *
 * Events are built where they happen: in the hooks (softirq, or process
 * context on egress), under the flow table's locks when a flow is
 * unlinked (bottom halves off), after a commit.  A message is sized to
 * its event and allocated without dipping into the atomic reserves
 * (GFP_NOWAIT, which the flows themselves use), and sent with
 * genlmsg_multicast_netns(), which only queues it on the listeners'
 * sockets; a listener too slow for them gets ENOBUFS.  Nothing is built
 * for a namespace whose administrator has not turned its events on
 * (SGFW_A_STATUS_EVENTS), so that a user who listens in a namespace of
 * their own never makes another namespace do the work.
 */

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
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

#define SGFW_EVENT_GFP	(GFP_NOWAIT | __GFP_NOWARN)

/* The room attributes take in a message, at most. */
#define SGFW_EV_U8	nla_total_size(sizeof(u8))
#define SGFW_EV_U16	nla_total_size(sizeof(u16))
#define SGFW_EV_U32	nla_total_size(sizeof(u32))
#define SGFW_EV_U64	nla_total_size_64bit(sizeof(u64))
#define SGFW_EV_ADDR	nla_total_size(nla_total_size(sizeof(struct in6_addr)))
#define SGFW_EV_NAME	nla_total_size(SGFW_NAME_MAX)
/* ifindex, direction, protocol, addresses, ports (or type, code, id). */
#define SGFW_EV_TUPLE	(2 * SGFW_EV_U32 + SGFW_EV_U8 + 2 * SGFW_EV_ADDR + \
			 2 * SGFW_EV_U16 + 2 * SGFW_EV_U8 + SGFW_EV_U16)
/* Flows: group, rule, state, packets, bytes, start, end, reason. */
#define SGFW_EV_FLOW	(SGFW_EV_TUPLE + SGFW_EV_NAME + 3 * SGFW_EV_U32 + \
			 4 * SGFW_EV_U64)
/* Packets: length, time, verdict, audit, NACL rule, group, rule, count. */
#define SGFW_EV_PKT	(SGFW_EV_TUPLE + 2 * SGFW_EV_U64 + 5 * SGFW_EV_U32 + \
			 nla_total_size(0) + SGFW_EV_NAME)
#define SGFW_EV_CONFIG	(2 * SGFW_EV_U32 + SGFW_EV_NAME + nla_total_size(0))

/* Between sgfw_events_start() and sgfw_events_stop(). */
static bool sgfw_events_on;

void sgfw_events_start(void)
{
	/* Pairs with sgfw_events_wanted(): the family is registered. */
	smp_store_release(&sgfw_events_on, true);
}

void sgfw_events_stop(void)
{
	WRITE_ONCE(sgfw_events_on, false);
	/*
	 * Every sender tests and sends under RCU (the data path, the
	 * table's locks with bottom halves off, sgfw_event_config()): none
	 * is left after a grace period.
	 */
	synchronize_rcu();
}

bool sgfw_events_wanted(const struct net *net)
{
	const struct sgfw_net *sn = sgfw_pernet(net);

	if (!READ_ONCE(sn->events) || READ_ONCE(sn->dying))
		return false;
	/* Pairs with sgfw_events_start(): the family is registered. */
	return smp_load_acquire(&sgfw_events_on) &&
	       genl_has_listeners(&sgfw_genl_family, (struct net *)net,
				  SGFW_NLGRP_EVENTS);
}

/*
 * Take one event from @rl's budget; when it is spent, count the event as
 * suppressed.  A spent budget is seen without writing to it: a flood of
 * drops reads the line and counts on another.  Return: false to suppress.
 */
static bool sgfw_evlimit_take(struct sgfw_evlimit *rl)
{
	unsigned long now = jiffies, w = READ_ONCE(rl->window);
	int rate = min_t(unsigned int, READ_ONCE(event_rate), INT_MAX);

	if (time_after_eq(now, w + HZ) && cmpxchg(&rl->window, w, now) == w)
		atomic_set(&rl->used, 0);
	if (atomic_read(&rl->used) < rate &&
	    atomic_inc_return(&rl->used) <= rate)
		return true;
	atomic_inc(&rl->suppressed);
	return false;
}

static struct sk_buff *sgfw_event_new(u8 cmd, size_t size, gfp_t gfp,
				      void **hdr)
{
	struct sk_buff *skb = genlmsg_new(size, gfp);

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
				SGFW_NLGRP_EVENTS, SGFW_EVENT_GFP);
}

static bool sgfw_event_icmp(const struct sgfw_tuple *t)
{
	return (t->af == SGFW_AF_INET && t->proto == IPPROTO_ICMP) ||
	       (t->af == SGFW_AF_INET6 && t->proto == IPPROTO_ICMPV6);
}

/* The device, direction and tuple of a packet or flow. */
static int sgfw_event_tuple(struct sk_buff *skb, int ifindex, u32 dir,
			    const struct sgfw_tuple *t)
{
	if (nla_put_u32(skb, SGFW_A_EVENT_IFINDEX, ifindex) ||
	    nla_put_u32(skb, SGFW_A_EVENT_DIRECTION, dir) ||
	    nla_put_u8(skb, SGFW_A_EVENT_PROTOCOL, t->proto) ||
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

/*
 * Flow @f of @net, seen on @ifindex.  @reason: enum sgfw_end_reason, or a
 * negative number for a new flow.
 */
static void sgfw_event_flow(const struct net *net, int ifindex,
			    const struct sgfw_flow *f, int reason)
{
	u8 cmd = reason < 0 ? SGFW_CMD_FLOW_NEW_NTF : SGFW_CMD_FLOW_END_NTF;
	u32 dir = (READ_ONCE(f->flags) & SGFW_FLOW_F_OPENER_EGRESS) ?
		  SGFW_DIRECTION_EGRESS : SGFW_DIRECTION_INGRESS;
	struct sk_buff *skb;
	void *hdr;

	if (!sgfw_events_wanted(net))
		return;
	skb = sgfw_event_new(cmd, SGFW_EV_FLOW, SGFW_EVENT_GFP, &hdr);
	if (!skb)
		return;
	if (sgfw_event_tuple(skb, ifindex, dir, &f->t) ||
	    (sgfw_event_icmp(&f->t) &&
	     nla_put_u16(skb, SGFW_A_EVENT_ICMP_ID, ntohs(f->t.sport))) ||
	    sgfw_event_rule(skb, net, f->sg_id, f->rule_id) ||
	    nla_put_u32(skb, SGFW_A_EVENT_STATE, READ_ONCE(f->state)) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_PACKETS,
			      atomic64_read(&f->packets), SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_BYTES,
			      atomic64_read(&f->bytes), SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_START, sgfw_flow_start(f),
			      SGFW_A_EVENT_PAD) ||
	    (reason >= 0 &&
	     (nla_put_u64_64bit(skb, SGFW_A_EVENT_END,
				ktime_get_real_seconds(), SGFW_A_EVENT_PAD) ||
	      nla_put_u32(skb, SGFW_A_EVENT_REASON, reason)))) {
		nlmsg_free(skb);
		return;
	}
	sgfw_event_send(net, skb, hdr);
}

void sgfw_event_flow_new(const struct net *net, int ifindex,
			 const struct sgfw_flow *f)
{
	sgfw_event_flow(net, ifindex, f, -1);
}

void sgfw_event_flow_end(const struct net *net, int ifindex,
			 const struct sgfw_flow *f, u32 reason)
{
	sgfw_event_flow(net, ifindex, f, reason);
}

/* The part of a drop or untracked event that describes the packet. */
static struct sk_buff *sgfw_event_pkt(u8 cmd, int ifindex, u32 dir,
				      const struct sgfw_pkt *p, void **hdr)
{
	struct sk_buff *skb = sgfw_event_new(cmd, SGFW_EV_PKT, SGFW_EVENT_GFP,
					     hdr);

	if (!skb)
		return NULL;
	if (sgfw_event_tuple(skb, ifindex, dir, &p->t) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_BYTES, p->len,
			      SGFW_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_EVENT_END, ktime_get_real_seconds(),
			      SGFW_A_EVENT_PAD)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/*
 * Send @skb (NULL: it could not be built) with the count of the events
 * @rl suppressed since the last one sent, taken only when the message is
 * sure to go; a message that cannot go counts as suppressed itself.
 */
static void sgfw_event_limited_send(struct sgfw_net *sn,
				    struct sgfw_evlimit *rl,
				    struct sk_buff *skb, void *hdr)
{
	u32 n = atomic_xchg(&rl->suppressed, 0);

	if (skb && !nla_put_u32(skb, SGFW_A_EVENT_SUPPRESSED, n)) {
		sgfw_event_send(sn->net, skb, hdr);
		return;
	}
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
	    ((sgfw_event_icmp(&p->t) &&
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
		       const char *ifname, int ifindex, bool rollback)
{
	struct sk_buff *skb;
	void *hdr;

	rcu_read_lock();
	if (!sgfw_events_wanted(sn->net)) {
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();
	skb = sgfw_event_new(SGFW_CMD_CONFIG_NTF, SGFW_EV_CONFIG, GFP_KERNEL,
			     &hdr);
	if (!skb)
		return;
	if (nla_put_u32(skb, SGFW_A_EVENT_CMD, cmd) ||
	    (name && nla_put_string(skb, SGFW_A_EVENT_NAME, name)) ||
	    (ifname && nla_put_string(skb, SGFW_A_EVENT_IFNAME, ifname)) ||
	    (ifindex && nla_put_u32(skb, SGFW_A_EVENT_IFINDEX, ifindex)) ||
	    (rollback && nla_put_flag(skb, SGFW_A_EVENT_ROLLBACK))) {
		nlmsg_free(skb);
		return;
	}
	/* Sent only while the family is (sgfw_events_stop()). */
	rcu_read_lock();
	if (sgfw_events_wanted(sn->net))
		sgfw_event_send(sn->net, skb, hdr);
	else
		nlmsg_free(skb);
	rcu_read_unlock();
}
