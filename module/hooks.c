// SPDX-License-Identifier: GPL-2.0
/*
 * The data path.  Ingress is what a device delivers to this namespace
 * (LOCAL_IN, after reassembly); egress is what this namespace sends out
 * through a device (LOCAL_OUT, before fragmentation).  Forwarded traffic
 * is neither.  Loopback is never filtered, nor is a device with neither a
 * security group nor a network ACL.  A device in port mode is filtered at
 * its own netdev hooks instead (sgfw_port_hook()), in the instance's
 * directions.
 *
 * Context: netfilter hooks run under rcu_read_lock(), in softirq on
 * ingress and in process or softirq context on egress.  Nothing here
 * sleeps or takes a configuration lock.
 */

#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/tcp.h>

#include "config.h"
#include "debug.h"
#include "events.h"
#include "flowtable.h"
#include "frag.h"
#include "hooks.h"
#include "netns.h"
#include "pkt.h"
#include "port.h"
#include "ruleset.h"
#include "track.h"

/*
 * Tell the table what a packet of @flow changed (track.h).  Both, when
 * both came: the reaper may have put the newly assured flow on the wheel
 * by its old deadline before this packet's moved it nearer, and then
 * sgfw_flow_assured() leaves it where it is.
 */
static void sgfw_flow_events(struct sgfw_net *sn, struct sgfw_flow *flow,
			     unsigned int events)
{
	if (events & SGFW_TRACK_ASSURED)
		sgfw_flow_assured(&sn->flows, flow);
	if (events & SGFW_TRACK_SOONER)
		sgfw_flow_requeue(&sn->flows, flow);
}

/*
 * Is @flow's packet (in its reply direction if @reply) seen where it can
 * be, in direction @dir of the device?  A flow's own direction is that of
 * the packet that opened it, its replies the other: a packet claiming to
 * be the opener's on the other side (a forged one, fed to the wrong side
 * of an instance's port) is no packet of the flow.
 */
static bool sgfw_flow_dir_ok(const struct sgfw_flow *flow,
			     enum sgfw_direction dir, bool reply)
{
	bool opener_out = READ_ONCE(flow->flags) & SGFW_FLOW_F_OPENER_EGRESS;

	return reply == ((dir == SGFW_DIRECTION_EGRESS) != opener_out);
}

/*
 * A flow reopened by a SYN that @rule allowed (sgfw_track_reopens()):
 * it now stands for the new connection, which that rule admitted.
 */
static void sgfw_flow_reopened(struct sgfw_flow *flow,
			       const struct sgfw_crule *rule)
{
	WRITE_ONCE(flow->sg_id, rule->sg_id);
	WRITE_ONCE(flow->rule_id, rule->rule_id);
	sgfw_rule_ctr_flow(rule->ctr, sgfw_flow_now());
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
					struct sgfw_dev *sd,
					enum sgfw_direction dir,
					const struct sgfw_pkt *p, bool dry,
					struct sgfw_judgement *j)
{
	u32 key = sd->fd.key;
	const struct sgfw_timeouts *to = sgfw_ruleset_timeouts(rs);
	const struct sgfw_crule *rule = NULL;
	struct sgfw_flow_init init;
	struct sgfw_flow *flow;
	bool created = false, reopen;
	unsigned int events;
	bool reply;
	u32 hash;

	if (p->flags & SGFW_PKT_ICMP_ERROR) {
		if (p->flags & SGFW_PKT_INNER) {
			j->flow = sgfw_flow_lookup(key, &p->inner,
						   sgfw_flow_hash(key,
								  &p->inner),
						   &reply);
			if (j->flow && sgfw_flow_dir_ok(j->flow, dir, reply))
				return SGFW_COUNT_ACCEPTED;
			j->flow = NULL;
		}
		/* A stray error passes only where a rule allows it. */
		j->rule = sgfw_ruleset_match(rs, dir, p);
		return j->rule ? SGFW_COUNT_ACCEPTED : SGFW_COUNT_NO_RULE;
	}

	/* One hash for the lookup and, if it comes to that, the insert. */
	hash = sgfw_flow_hash(key, &p->t);
	flow = sgfw_flow_lookup(key, &p->t, hash, &reply);
	if (flow && !sgfw_flow_dir_ok(flow, dir, reply))
		flow = NULL;
	if (flow) {
		reopen = sgfw_track_reopens(flow, p, reply);
		if (reopen) {
			/*
			 * A new connection on the ports of one that ended:
			 * no rule that admitted the old one may let it in
			 * once removed.
			 */
			rule = sgfw_ruleset_match(rs, dir, p);
			j->rule = rule;
			if (!rule)
				return SGFW_COUNT_NO_RULE;
		}
		if (dry) {
			if (sgfw_track_takes(flow, p, reply)) {
				j->flow = flow;
				return SGFW_COUNT_ACCEPTED;
			}
		} else if (sgfw_track_packet(flow, p, reply, to, &events)) {
			if (reopen)
				sgfw_flow_reopened(flow, rule);
			sgfw_flow_events(sn, flow, events);
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
	flow = sgfw_flow_create_ex(&sd->fd, &p->t, hash, &init, &created);
	/* Full table or chain: the new flow is dropped, the old ones live. */
	if (IS_ERR(flow))
		return SGFW_COUNT_TABLE_FULL;
	j->flow = flow;
	/* Another CPU's packet may have opened it first, and counted it. */
	if (created) {
		sgfw_rule_ctr_flow(rule->ctr, sgfw_flow_now());
		sgfw_event_flow_new(sn->net, sd->fd.ifindex, flow);
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

	*j = (struct sgfw_judgement){};
	/*
	 * The NACL comes before the groups on ingress and after them on
	 * egress; it is stateless, so it judges packets of tracked flows
	 * too, and a new deny cuts them at once.
	 */
	if (nacl && dir == SGFW_DIRECTION_INGRESS &&
	    !sgfw_nacl_allows(nacl, dir, p, dry, j))
		what = SGFW_COUNT_NACL;
	if (what == SGFW_COUNT_ACCEPTED && rs)
		what = sgfw_verdict(sn, rs, sd, dir, p, dry, j);
	if (what == SGFW_COUNT_ACCEPTED && nacl &&
	    dir == SGFW_DIRECTION_EGRESS &&
	    !sgfw_nacl_allows(nacl, dir, p, dry, j))
		what = SGFW_COUNT_NACL;
	j->verdict = what;
}

/*
 * Count @p's verdict @j on @sd (seen on device @ifindex in @dir), report
 * it, and say what becomes of the packet: a drop passes in audit mode.
 */
static unsigned int sgfw_hook_end(struct sgfw_net *sn, struct sgfw_dev *sd,
				  int ifindex, enum sgfw_direction dir,
				  const struct sgfw_pkt *p,
				  const struct sgfw_judgement *j)
{
	bool audit;

	if (j->verdict == SGFW_COUNT_ACCEPTED) {
		sgfw_dev_count(sd, SGFW_COUNT_ACCEPTED, false);
		/* Passed, the egress NACL included: an untracked packet. */
		if (j->track == SGFW_TRACK_UNTRACKED)
			sgfw_event_untracked(sn, ifindex, dir, p, j->rule);
		return NF_ACCEPT;
	}
	/*
	 * Audit mode lets the drop pass, counted apart; the event says which
	 * NACL rule denied (none for the implicit deny).
	 */
	audit = READ_ONCE(sd->live_audit);
	sgfw_dev_count(sd, j->verdict, audit);
	sgfw_event_drop(sn, ifindex, dir, p, j->verdict,
			j->verdict == SGFW_COUNT_NACL && j->nacl_rule ?
			j->nacl_rule->rule_id : 0, audit);
	return audit ? NF_ACCEPT : NF_DROP;
}

static unsigned int sgfw_hook(const struct nf_hook_state *state,
			      struct sk_buff *skb, enum sgfw_af af)
{
	enum sgfw_direction dir = state->hook == NF_INET_LOCAL_IN ?
				  SGFW_DIRECTION_INGRESS :
				  SGFW_DIRECTION_EGRESS;
	struct net_device *dev = dir == SGFW_DIRECTION_INGRESS ?
				 state->in : state->out;
	/*
	 * Both are zeroed before use on every path, by the parse and the
	 * judgement (or below); a kernel that zeroes stack variables would
	 * do it once more, on entry, for every packet of every device.
	 */
	struct sgfw_judgement j __uninitialized;
	struct sgfw_pkt p __uninitialized;
	struct sgfw_net *sn;
	struct sgfw_dev *sd;

	if (!dev || (dev->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	sn = sgfw_pernet(state->net);
	sd = xa_load(&sn->devs, dev->ifindex);
	if (!sd)
		return NF_ACCEPT;
	if (!rcu_access_pointer(sd->rs) && !rcu_access_pointer(sd->nacl_rs))
		return NF_ACCEPT;
	/* A port's packets are the instance's: its own hooks judge them. */
	if (rcu_access_pointer(sd->live_port))
		return NF_ACCEPT;

	if (sgfw_pkt_parse(skb, af, &p)) {
		memset(&j, 0, sizeof(j));
		j.verdict = SGFW_COUNT_INVALID;
	} else if (!(p.flags & SGFW_PKT_ALWAYS_PASS)) {
		sgfw_judge(sn, sd, dir, &p, false, &j);
	} else {
		memset(&j, 0, sizeof(j));	/* accepted */
	}
	return sgfw_hook_end(sn, sd, dev->ifindex, dir, &p, &j);
}

/*
 * The verdict on a frame of port-mode device @sd, whose instance's side
 * @dir it travels (egress: it came out of the device).  IPv4 and IPv6 are
 * judged as at an endpoint's hooks, fragments by the first of their
 * datagram (frag.h), after the source check (port.c) of what the instance
 * sends; ARP passes once it passes the check.  With the instance's MAC
 * address, the check first drops any frame from the instance whose
 * Ethernet source (or ARP sender) is another, whatever its type, and an
 * IPv6 neighbour discovery message whose options name another.  Frames of
 * any other type, and frames with a VLAN tag, are not the instance's
 * traffic to judge and would carry it past the rules: dropped.  So is a
 * GSO frame that is a fragment (a VM's tap may hand one over):
 * segmentation after the hooks numbers its pieces from offset 0 (UFO,
 * inet_gso_segment()), so a "later fragment" would arrive as a first one
 * that no rule judged.
 */
static void sgfw_port_verdict(struct sgfw_net *sn, struct sgfw_dev *sd,
			      const struct sgfw_port *port,
			      enum sgfw_direction dir, struct sk_buff *skb,
			      struct sgfw_pkt *p, struct sgfw_judgement *j)
{
	bool out = dir == SGFW_DIRECTION_EGRESS;
	enum sgfw_af af;

	memset(j, 0, sizeof(*j));	/* accepted */
	memset(p, 0, sizeof(*p));
	p->len = skb->len;
	if (out && sgfw_port_mac_spoofed(port, skb)) {
		/* Reported with the addresses it carries, if it has any. */
		switch (skb_vlan_tag_present(skb) ? 0 : skb->protocol) {
		case htons(ETH_P_ARP):
			sgfw_port_arp(skb, p);
			break;
		case htons(ETH_P_IP):
			sgfw_pkt_parse_frag(skb, SGFW_AF_INET, p);
			break;
		case htons(ETH_P_IPV6):
			sgfw_pkt_parse_frag(skb, SGFW_AF_INET6, p);
			break;
		}
		j->verdict = SGFW_COUNT_SPOOFED;
		return;
	}
	if (skb_vlan_tag_present(skb))
		goto invalid;
	switch (skb->protocol) {
	case htons(ETH_P_IP):
		af = SGFW_AF_INET;
		break;
	case htons(ETH_P_IPV6):
		af = SGFW_AF_INET6;
		break;
	case htons(ETH_P_ARP):
		if (sgfw_port_arp(skb, p))
			j->verdict = SGFW_COUNT_INVALID;
		else if (out && sgfw_port_spoofed(port, p, true))
			j->verdict = SGFW_COUNT_SPOOFED;
		return;
	default:
		goto invalid;
	}
	if (sgfw_pkt_parse_frag(skb, af, p) ||
	    ((p->flags & SGFW_PKT_FRAG) && skb_is_gso(skb)))
		goto invalid;
	if (out && (sgfw_port_spoofed(port, p, false) ||
		    sgfw_port_nd_spoofed(port, skb, p))) {
		j->verdict = SGFW_COUNT_SPOOFED;
		return;
	}
	if (!rcu_access_pointer(sd->rs) && !rcu_access_pointer(sd->nacl_rs))
		return;
	if (p->flags & SGFW_PKT_FRAG_LATER) {
		if (!sgfw_frag_later(&sn->frags, sd->fd.ifindex, dir, p))
			j->verdict = SGFW_COUNT_INVALID;
		return;
	}
	if (p->flags & SGFW_PKT_ALWAYS_PASS)
		return;
	sgfw_judge(sn, sd, dir, p, false, j);
	if (j->verdict == SGFW_COUNT_ACCEPTED && (p->flags & SGFW_PKT_FRAG) &&
	    sgfw_frag_first(&sn->frags, READ_ONCE(sn->flows.memcg),
			    sd->fd.ifindex, dir, p))
		j->verdict = SGFW_COUNT_TABLE_FULL;
	return;

invalid:
	j->verdict = SGFW_COUNT_INVALID;
}

/*
 * Port mode's hooks: netdev ingress of the device is what comes out of
 * the instance (its egress), netdev egress what goes into it (its
 * ingress).  They see every frame the device carries, whatever way it
 * takes through the host: routed, bridged (before the bridge takes it in,
 * after it sends it out, with or without br_netfilter), or to and from
 * the host itself; and only that device's, so that no other device pays
 * for them.  The configuration is found by the device, as at the inet
 * hooks, not by the hook's private data: a device renamed away keeps its
 * hooks until the notifier unregisters them.
 */
static unsigned int sgfw_port_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	enum sgfw_direction dir = state->hook == NF_NETDEV_INGRESS ?
				  SGFW_DIRECTION_EGRESS :
				  SGFW_DIRECTION_INGRESS;
	struct net_device *dev = dir == SGFW_DIRECTION_EGRESS ?
				 state->in : state->out;
	const struct sgfw_port *port;
	/* Zeroed by sgfw_port_verdict() first (as in sgfw_hook()). */
	struct sgfw_judgement j __uninitialized;
	struct sgfw_pkt p __uninitialized;
	struct sgfw_net *sn;
	struct sgfw_dev *sd;

	sn = sgfw_pernet(state->net);
	sd = xa_load(&sn->devs, dev->ifindex);
	if (!sd)
		return NF_ACCEPT;
	port = rcu_dereference(sd->live_port);
	if (!port)
		return NF_ACCEPT;
	if (!port->source_check && !rcu_access_pointer(sd->rs) &&
	    !rcu_access_pointer(sd->nacl_rs))
		return NF_ACCEPT;
	sgfw_port_verdict(sn, sd, port, dir, skb, &p, &j);
	return sgfw_hook_end(sn, sd, dev->ifindex, dir, &p, &j);
}

/**
 * sgfw_port_hooks_add() - register port mode's hooks on @dev for @sd.
 * @net: their namespace.
 * @sd: the configuration @dev has, with a port (or about to have one).
 * @dev: the device.
 *
 * Context: RTNL.  Return: 0, or an error of nf_register_net_hooks().
 */
int sgfw_port_hooks_add(struct net *net, struct sgfw_dev *sd,
			struct net_device *dev)
{
	static const u8 hooknum[] = { NF_NETDEV_INGRESS, NF_NETDEV_EGRESS };
	int i, err;

	ASSERT_RTNL();
	if (sd->hooked)
		return 0;
	for (i = 0; i < ARRAY_SIZE(sd->port_ops); i++)
		sd->port_ops[i] = (struct nf_hook_ops){
			.hook		= sgfw_port_hook,
			.pf		= NFPROTO_NETDEV,
			.hooknum	= hooknum[i],
			.priority	= 0,
			.dev		= dev,
		};
	err = nf_register_net_hooks(net, sd->port_ops,
				    ARRAY_SIZE(sd->port_ops));
	if (!err)
		sd->hooked = true;
	return err;
}

/*
 * sgfw_port_hooks_del() - unregister them, if they are.  A packet may
 * still be in them: what they read goes after a grace period.
 * Context: RTNL.
 */
void sgfw_port_hooks_del(struct net *net, struct sgfw_dev *sd)
{
	if (!sd->hooked)
		return;
	nf_unregister_net_hooks(net, sd->port_ops, ARRAY_SIZE(sd->port_ops));
	sd->hooked = false;
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
