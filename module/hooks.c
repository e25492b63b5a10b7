// SPDX-License-Identifier: GPL-2.0
/*
 * The data path.  Ingress is what a device delivers to this namespace
 * (LOCAL_IN, after reassembly); egress is what this namespace sends out
 * through a device (LOCAL_OUT, before fragmentation).  Forwarded traffic
 * is neither.  Loopback is never filtered, nor is a device with neither a
 * security group nor a network ACL.
 *
 * Context: netfilter hooks run under rcu_read_lock(), in softirq on
 * ingress and in process or softirq context on egress.  Nothing here
 * sleeps or takes a configuration lock.
 */

#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "config.h"
#include "debug.h"
#include "events.h"
#include "flowtable.h"
#include "hooks.h"
#include "netns.h"
#include "pkt.h"
#include "ruleset.h"
#include "track.h"

/* Tell the table what a packet of @flow changed (track.h). */
static void sgfw_flow_events(struct sgfw_flow *flow, unsigned int events)
{
	if (events & SGFW_TRACK_ASSURED)
		sgfw_flow_assured(flow);
	else if (events & SGFW_TRACK_SOONER)
		sgfw_flow_requeue(flow);
}

/*
 * sgfw_verdict() - what happens to one packet on a filtered device.
 *
 * A packet of a tracked flow passes without the rules.  An ICMP error
 * passes when it quotes a packet of a tracked flow.  Anything else needs
 * a rule; when one allows it, the flow is recorded unless it is one of
 * the untracked kind or the table is full (then the packet is dropped).
 * With @dry, as sgfw_judge() says.
 * Return: SGFW_COUNT_ACCEPTED, or the reason of the drop; @j says more.
 */
static enum sgfw_dev_count sgfw_verdict(struct sgfw_net *sn,
					const struct sgfw_ruleset *rs,
					int ifindex, enum sgfw_direction dir,
					const struct sgfw_pkt *p, bool dry,
					struct sgfw_judgement *j)
{
	const struct sgfw_timeouts *to = sgfw_ruleset_timeouts(rs);
	const struct sgfw_crule *rule;
	struct sgfw_flow_init init;
	struct sgfw_flow *flow;
	bool created = false;
	unsigned int events;
	bool reply;
	u32 hash;

	if (p->flags & SGFW_PKT_ICMP_ERROR) {
		if (p->flags & SGFW_PKT_INNER) {
			j->flow = sgfw_flow_lookup(sn->net, ifindex, &p->inner,
						   sgfw_flow_hash(sn->net,
								  ifindex,
								  &p->inner),
						   &reply);
			if (j->flow)
				return SGFW_COUNT_ACCEPTED;
		}
		/* A stray error passes only where a rule allows it. */
		j->rule = sgfw_ruleset_match(rs, dir, p);
		return j->rule ? SGFW_COUNT_ACCEPTED : SGFW_COUNT_NO_RULE;
	}

	/* One hash for the lookup and, if it comes to that, the insert. */
	hash = sgfw_flow_hash(sn->net, ifindex, &p->t);
	flow = sgfw_flow_lookup(sn->net, ifindex, &p->t, hash, &reply);
	if (flow) {
		if (dry) {
			if (sgfw_track_takes(flow, p, reply)) {
				j->flow = flow;
				return SGFW_COUNT_ACCEPTED;
			}
		} else if (sgfw_track_packet(flow, p, reply, to, &events)) {
			sgfw_flow_events(flow, events);
			j->flow = flow;
			return SGFW_COUNT_ACCEPTED;
		}
	}

	rule = sgfw_ruleset_match(rs, dir, p);
	j->rule = rule;
	if (!rule)
		/* No state of its flow takes it, and no rule. */
		return flow ? SGFW_COUNT_INVALID : SGFW_COUNT_NO_RULE;
	if (flow)
		return SGFW_COUNT_ACCEPTED;
	if (sgfw_ruleset_untracked(rs, dir, p)) {
		j->track = SGFW_TRACK_UNTRACKED;
		if (dry)
			return SGFW_COUNT_ACCEPTED;
		/*
		 * An untracked connection's opening is its lone SYN (a
		 * retransmitted one counts again: nothing remembers it).
		 */
		if (p->t.proto == IPPROTO_TCP &&
		    (p->tcp_flags & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) ==
			TCPHDR_SYN)
			sgfw_rule_ctr_flow(rule->ctr, sgfw_flow_now());
		return SGFW_COUNT_ACCEPTED;
	}
	if (!sgfw_track_new(p, to, &init))
		return SGFW_COUNT_ACCEPTED;
	j->track = SGFW_TRACK_TRACKED;
	j->timeout = init.timeout;
	if (dry)
		return SGFW_COUNT_ACCEPTED;

	init.sg_id = rule->sg_id;
	init.rule_id = rule->rule_id;
	if (dir == SGFW_DIRECTION_EGRESS)
		init.flags |= SGFW_FLOW_F_OPENER_EGRESS;
	sgfw_debug_delay(SGFW_DEBUG_BEFORE_CREATE);
	flow = sgfw_flow_create_ex(sn->net, &sn->flows, ifindex, &p->t, hash,
				   &init, &created);
	/* Full table or chain: the new flow is dropped, the old ones live. */
	if (IS_ERR(flow))
		return SGFW_COUNT_TABLE_FULL;
	j->flow = flow;
	/* Another CPU's packet may have opened it first, and counted it. */
	if (created) {
		sgfw_rule_ctr_flow(rule->ctr, sgfw_flow_now());
		sgfw_event_flow_new(flow);
	}
	return SGFW_COUNT_ACCEPTED;
}

/* The NACL's verdict on @p, counted unless @dry. */
static bool sgfw_nacl_allows(const struct sgfw_ruleset *nacl,
			     enum sgfw_direction dir, const struct sgfw_pkt *p,
			     bool dry, struct sgfw_judgement *j)
{
	j->nacl_asked = true;
	return sgfw_ruleset_nacl_allows(nacl, dir, p, !dry, &j->nacl_rule);
}

void sgfw_judge(struct sgfw_net *sn, struct sgfw_dev *sd,
		enum sgfw_direction dir, const struct sgfw_pkt *p, bool dry,
		struct sgfw_judgement *j)
{
	const struct sgfw_ruleset *rs = rcu_dereference(sd->rs);
	const struct sgfw_ruleset *nacl = rcu_dereference(sd->nacl_rs);
	enum sgfw_dev_count what = SGFW_COUNT_ACCEPTED;

	memset(j, 0, sizeof(*j));
	/*
	 * The NACL comes before the groups on ingress and after them on
	 * egress; it is stateless, so it judges packets of tracked flows
	 * too, and a new deny cuts them at once.
	 */
	if (nacl && dir == SGFW_DIRECTION_INGRESS &&
	    !sgfw_nacl_allows(nacl, dir, p, dry, j))
		what = SGFW_COUNT_NACL;
	if (what == SGFW_COUNT_ACCEPTED && rs)
		what = sgfw_verdict(sn, rs, sd->ifindex, dir, p, dry, j);
	if (what == SGFW_COUNT_ACCEPTED && nacl &&
	    dir == SGFW_DIRECTION_EGRESS &&
	    !sgfw_nacl_allows(nacl, dir, p, dry, j))
		what = SGFW_COUNT_NACL;
	j->verdict = what;
}

static unsigned int sgfw_hook(const struct nf_hook_state *state,
			      struct sk_buff *skb, enum sgfw_af af)
{
	enum sgfw_direction dir = state->hook == NF_INET_LOCAL_IN ?
				  SGFW_DIRECTION_INGRESS :
				  SGFW_DIRECTION_EGRESS;
	struct net_device *dev = dir == SGFW_DIRECTION_INGRESS ?
				 state->in : state->out;
	struct sgfw_judgement j;
	struct sgfw_net *sn;
	struct sgfw_dev *sd;
	struct sgfw_pkt p;
	bool audit;

	if (!dev || (dev->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	sn = sgfw_pernet(state->net);
	sd = xa_load(&sn->devs, dev->ifindex);
	if (!sd)
		return NF_ACCEPT;
	if (!rcu_access_pointer(sd->rs) && !rcu_access_pointer(sd->nacl_rs))
		return NF_ACCEPT;

	if (sgfw_pkt_parse(skb, af, &p)) {
		memset(&j, 0, sizeof(j));
		j.verdict = SGFW_COUNT_INVALID;
	} else if (!(p.flags & SGFW_PKT_ALWAYS_PASS)) {
		sgfw_judge(sn, sd, dir, &p, false, &j);
	} else {
		memset(&j, 0, sizeof(j));	/* accepted */
	}
	if (j.verdict == SGFW_COUNT_ACCEPTED) {
		sgfw_dev_count(sd, SGFW_COUNT_ACCEPTED, false);
		/* Passed, the egress NACL included: an untracked packet. */
		if (j.track == SGFW_TRACK_UNTRACKED)
			sgfw_event_untracked(sn, dev->ifindex, dir, &p, j.rule);
		return NF_ACCEPT;
	}
	/*
	 * Audit mode lets the drop pass, counted apart; the event says which
	 * NACL rule denied (none for the implicit deny).
	 */
	audit = READ_ONCE(sd->audit);
	sgfw_dev_count(sd, j.verdict, audit);
	sgfw_event_drop(sn, dev->ifindex, dir, &p, j.verdict,
			j.verdict == SGFW_COUNT_NACL && j.nacl_rule ?
			j.nacl_rule->rule_id : 0, audit);
	return audit ? NF_ACCEPT : NF_DROP;
}

static unsigned int sgfw_hook_ipv4(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	return sgfw_hook(state, skb, SGFW_AF_INET);
}

static unsigned int sgfw_hook_ipv6(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	return sgfw_hook(state, skb, SGFW_AF_INET6);
}

/*
 * Priorities: after defragmentation (which runs in PRE_ROUTING) and at the
 * filter priority, where an iptables or nftables filter table would be.
 */
static const struct nf_hook_ops sgfw_nf_ops[] = {
	{
		.hook		= sgfw_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_FILTER,
	},
};

int sgfw_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, sgfw_nf_ops, ARRAY_SIZE(sgfw_nf_ops));
}

void sgfw_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, sgfw_nf_ops, ARRAY_SIZE(sgfw_nf_ops));
}
