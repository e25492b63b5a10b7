/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device's compiled ruleset: the union of the rules of every security
 * group attached to it, flattened into arrays per family and direction,
 * with group and prefix-list peers expanded into CIDRs.  Built from the
 * configuration on every change that touches the device, published with
 * rcu_assign_pointer() and never changed after: a packet sees the old
 * ruleset or the new one, never a mix.
 */
#ifndef _SGFW_RULESET_H
#define _SGFW_RULESET_H

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/types.h>

#include "types.h"
#include "../uapi/linux/sgfw.h"

/* struct sgfw_crule flags */
#define SGFW_CRULE_ANY_PROTO	BIT(0)	/* protocol "all" */
#define SGFW_CRULE_ANY_PORT	BIT(1)	/* no port range (or not tcp/udp) */
#define SGFW_CRULE_ANY_TYPE	BIT(2)	/* icmp type "any" */
#define SGFW_CRULE_ANY_CODE	BIT(3)	/* icmp code "any" */
#define SGFW_CRULE_PEER_ANY	BIT(4)	/* peer is 0.0.0.0/0 or ::/0 */
#define SGFW_CRULE_DENY		BIT(5)	/* a network ACL's deny rule */
#define SGFW_CRULE_PEER_HOSTS	BIT(6)	/* peers: sorted host addresses */
#define SGFW_CRULE_PEER_SET	BIT(7)	/* peers: a shared set (below) */

/*
 * The hit counters of one rule, per CPU.  They belong to the rule in the
 * configuration, which frees them after a grace period once no published
 * ruleset names them; a compiled rule only points at them.  A network ACL
 * rule counts the packets it decides; a group's rule the flows it opens,
 * and when it last opened one (@last, in jiffies: the latest of the CPUs'
 * is the rule's).
 */
struct sgfw_rule_ctr {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t flows;
	unsigned long last;
	struct u64_stats_sync syncp;
};

/*
 * Count a packet of @len bytes; @ctr may be NULL.  Context: RCU, any
 * context: as sgfw_dev_count() (config.h), with preemption off so that a
 * task (LOCAL_OUT) stays on the CPU whose counters it writes.
 */
static inline void sgfw_rule_ctr_add(struct sgfw_rule_ctr __percpu *ctr,
				     u32 len)
{
	struct sgfw_rule_ctr *c;
	unsigned long flags;

	if (!ctr)
		return;
	c = get_cpu_ptr(ctr);
	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc(&c->packets);
	u64_stats_add(&c->bytes, len);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(ctr);
}

void sgfw_rule_ctr_read(struct sgfw_rule_ctr __percpu *ctr, u64 *packets,
			u64 *bytes);

/*
 * Count a flow that the rule opened, at @now (jiffies); @ctr may be NULL.
 * Context: as sgfw_rule_ctr_add().
 */
static inline void sgfw_rule_ctr_flow(struct sgfw_rule_ctr __percpu *ctr,
				      unsigned long now)
{
	struct sgfw_rule_ctr *c;
	unsigned long flags;

	if (!ctr)
		return;
	c = get_cpu_ptr(ctr);
	flags = u64_stats_update_begin_irqsave(&c->syncp);
	WRITE_ONCE(c->last, now);
	/*
	 * @last before @flows: a reader that sees the flow sees its time
	 * (pairs with the smp_rmb() of sgfw_rule_ctr_flows()).
	 */
	smp_wmb();
	u64_stats_inc(&c->flows);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(ctr);
}

/*
 * The flows the rule opened, and in *@ago how long ago it last opened one
 * (jiffies; meaningless while it has opened none).
 */
u64 sgfw_rule_ctr_flows(struct sgfw_rule_ctr __percpu *ctr, unsigned long now,
			unsigned long *ago);

/* Per-CPU counters, zeroed, or NULL.  Context: process. */
struct sgfw_rule_ctr __percpu *sgfw_rule_ctr_alloc(void);

/* One rule for one family and direction. */
struct sgfw_crule {
	u32 rule_id;
	u32 sg_id;
	u16 port_from;
	u16 port_to;
	u8 proto;
	u8 icmp_type;
	u8 icmp_code;
	u8 flags;		/* SGFW_CRULE_* */
	u32 peer_first;		/* index of the first peer CIDR */
				/* (PEER_SET: of the ruleset's shared set) */
	u32 peer_count;		/* how many; 0 for a group with no member */
				/* (PEER_HOSTS: sorted, searched by halves) */
	struct sgfw_rule_ctr __percpu *ctr;	/* or NULL */
};

struct sgfw_ruleset;

/* The rule as the configuration gives it to the builder. */
struct sgfw_rule_spec {
	u32 rule_id;
	u32 sg_id;
	enum sgfw_direction dir;
	bool any_proto;
	u8 proto;
	bool any_port;
	u16 port_from, port_to;
	bool any_type, any_code;
	u8 icmp_type, icmp_code;
	bool deny;				/* network ACLs */
	struct sgfw_rule_ctr __percpu *ctr;	/* or NULL */
	/*
	 * Rules of one ruleset with the same @peer_key (a group or prefix
	 * list) share their peer CIDRs: sgfw_ruleset_add_shared().
	 * @peer_hosts: the peers are host addresses, sorted by
	 * sgfw_cidr_cmp() order with no duplicate, and matched by a binary
	 * search (a group peer: at most SGFW_MAX_SG_PEER_ADDRS, so at most
	 * 10 comparisons).
	 */
	const void *peer_key;
	bool peer_hosts;
};

/*
 * Building: sgfw_ruleset_builder_new(), then for each rule of each
 * attached group, in attach order and rule-id order,
 * sgfw_ruleset_add(b, af, spec, peers, n) once per family the rule
 * applies to (@peers: its CIDRs of that family; n == 0 makes a rule that
 * matches nothing, kept so flows and counters can still name it), then
 * sgfw_ruleset_finish() -> an immutable ruleset (or ERR_PTR(-ENOMEM)).
 * sgfw_ruleset_builder_destroy() frees a builder that was not finished;
 * sgfw_ruleset_finish() frees the builder itself, even when it fails;
 * its @to may be NULL for the default timeouts.
 *
 * sgfw_ruleset_builder_new() returns NULL when out of memory.
 * sgfw_ruleset_add() ignores the fields that do not apply to the protocol
 * in family @af (ports but for tcp and udp, type and code but for icmp in
 * inet and icmpv6 in inet6), clears the bits of @peers past their prefix
 * length, and returns 0, -ENOMEM, -E2BIG (far past any device limit) or
 * -EINVAL (bad @af or direction, port_from > port_to, a peer of another
 * family or with too long a prefix); on error the builder is unchanged.
 * A rule whose peers include 0.0.0.0/0 (::/0) gets SGFW_CRULE_PEER_ANY.
 * sgfw_ruleset_add_shared() adds a rule whose peers are those of an
 * earlier rule with the same @spec->peer_key and family, or returns
 * -ENOENT (nothing added) when there is none: then the caller gives them
 * to sgfw_ruleset_add().
 * Context: process, GFP_KERNEL_ACCOUNT.
 */
struct sgfw_ruleset_builder;
struct sgfw_ruleset_builder *sgfw_ruleset_builder_new(void);

/*
 * A peer set: the CIDRs of one family that a group stands for as a peer,
 * made once per commit and shared by the ruleset of every device that
 * names the group, so that its addresses are held and sorted once, not
 * once per device (4096 devices naming 500 groups of 1000 addresses would
 * otherwise hold 40 GiB).  Immutable; every ruleset that uses one holds a
 * reference, dropped when the ruleset is freed.
 * sgfw_peer_set_new() checks and canonicalises @v as sgfw_ruleset_add()
 * does (@hosts: as @spec->peer_hosts) and returns the set with one
 * reference, or ERR_PTR(-EINVAL, -E2BIG, -ENOMEM).
 * sgfw_ruleset_add_set() adds a rule whose peers are @set's, taking a
 * reference to it; it returns as sgfw_ruleset_add() does.
 */
struct sgfw_peer_set;
struct sgfw_peer_set *sgfw_peer_set_new(enum sgfw_af af,
					const struct sgfw_cidr *v, u32 n,
					bool hosts);
void sgfw_peer_set_put(struct sgfw_peer_set *set);
int sgfw_ruleset_add_set(struct sgfw_ruleset_builder *b, enum sgfw_af af,
			 const struct sgfw_rule_spec *spec,
			 struct sgfw_peer_set *set);
int sgfw_ruleset_add(struct sgfw_ruleset_builder *b, enum sgfw_af af,
		     const struct sgfw_rule_spec *spec,
		     const struct sgfw_cidr *peers, u32 n);
int sgfw_ruleset_add_shared(struct sgfw_ruleset_builder *b, enum sgfw_af af,
			    const struct sgfw_rule_spec *spec);
struct sgfw_ruleset *sgfw_ruleset_finish(struct sgfw_ruleset_builder *b,
					 const struct sgfw_timeouts *to,
					 enum sgfw_tracking tracking);
void sgfw_ruleset_builder_destroy(struct sgfw_ruleset_builder *b);

/*
 * Drop a reference (NULL is fine); the last one frees the ruleset after a
 * grace period.  Only a reference that no reader can find any more: never
 * published, or unpublished already (sgfw_ruleset_replace() does both in
 * that order).  sgfw_ruleset_get() takes another, for another owner.
 */
void sgfw_ruleset_put(struct sgfw_ruleset *rs);
struct sgfw_ruleset *sgfw_ruleset_get(struct sgfw_ruleset *rs);

/*
 * sgfw_ruleset_replace() - publish @rs in *@slot (NULL to unpublish), then
 * retire what was there.  The order matters: a reader that finds the old
 * ruleset after the grace period has begun would not be covered by it.
 * @owned: the caller owns the configuration (the RTNL, or the namespace's
 * exit), for lockdep.
 */
void sgfw_ruleset_replace(struct sgfw_ruleset __rcu **slot,
			  struct sgfw_ruleset *rs, bool owned);

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/* KUnit only: called by sgfw_ruleset_put() with each ruleset it frees. */
extern void (*sgfw_ruleset_put_hook)(const struct sgfw_ruleset *rs);
/* KUnit only: the peers of rule @i of @af and @dir, or NULL. */
const struct sgfw_cidr *sgfw_ruleset_rule_peers(const struct sgfw_ruleset *rs,
						enum sgfw_af af,
						enum sgfw_direction dir,
						u32 i);
#endif

const struct sgfw_timeouts *sgfw_ruleset_timeouts(const struct sgfw_ruleset *rs);
enum sgfw_tracking sgfw_ruleset_tracking(const struct sgfw_ruleset *rs);

/*
 * sgfw_ruleset_match() - the first rule that allows @p in @dir.
 * The peer is the packet's source on ingress and its destination on
 * egress.  Ports are matched for tcp and udp, type and code for icmp
 * (af inet) and icmpv6 (af inet6).
 * Context: RCU.
 * Return: the rule, or NULL when no rule allows the packet.
 */
const struct sgfw_crule *sgfw_ruleset_match(const struct sgfw_ruleset *rs,
					    enum sgfw_direction dir,
					    const struct sgfw_pkt *p);

/*
 * sgfw_ruleset_untracked() - is the flow of @p one that sgfw does not
 * track?  True for tcp and udp when tracking is auto and either (a) a
 * rule of @dir with peer 0.0.0.0/0 (::/0) allows @p and the opposite
 * direction has a rule that allows all protocols on all ports to/from
 * 0.0.0.0/0 (::/0), or (b) @p is the reply of such a flow: this direction
 * has such an all-open rule and @p reversed would be allowed in the
 * opposite direction by a rule with peer 0.0.0.0/0 (::/0).  Any rule
 * counts, not only the first match: the order of groups never matters.
 * Context: RCU.
 */
bool sgfw_ruleset_untracked(const struct sgfw_ruleset *rs,
			    enum sgfw_direction dir, const struct sgfw_pkt *p);

/*
 * A network ACL compiled as a ruleset (its rules added in number order,
 * deny rules with spec.deny): its verdict on @p, and in *@rule the rule
 * that decides (NULL: the implicit deny), which counts @p if @count.
 * Context: RCU.
 */
bool sgfw_ruleset_nacl_allows(const struct sgfw_ruleset *nacl,
			      enum sgfw_direction dir, const struct sgfw_pkt *p,
			      bool count, const struct sgfw_crule **rule);

#endif /* _SGFW_RULESET_H */
