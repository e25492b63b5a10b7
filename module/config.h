/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The configuration of a namespace: security groups and their rules,
 * prefix lists, and the devices they are attached to.  All of it changes
 * under the RTNL only (see struct sgfw_net); the data path sees it through
 * the compiled ruleset of each device (ruleset.h), rebuilt by
 * sgfw_config_commit() after every change.
 */
#ifndef _SGFW_CONFIG_H
#define _SGFW_CONFIG_H

#include <linux/bottom_half.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

#include "netns.h"
#include "port.h"
#include "ruleset.h"
#include "types.h"

#define SGFW_NAME_MAX		64	/* with the NUL */
#define SGFW_DESC_MAX		256	/* with the NUL */
#define SGFW_MAX_RULES		60	/* per group, direction and family */
#define SGFW_MAX_SGS_PER_DEV	16
#define SGFW_MAX_DEV_RULES	1000	/* rules of all groups on a device */
#define SGFW_MAX_PL_ENTRIES	1000	/* the most a max-entries may be */
#define SGFW_PL_ENTRIES_DEF	20	/* max-entries when none is given */
#define SGFW_MAX_MEMBERS	1000
/* NACL rule numbers are 1 to 32766: uapi/sgfw.yaml's policy says so. */
#define SGFW_NACL_MAX_RULES	40	/* per direction and family */
/*
 * Objects per namespace, so that root of a user namespace cannot make the
 * host allocate without bound (AWS's default quotas per region or VPC).
 */
#define SGFW_MAX_SGS		2500
#define SGFW_MAX_PLS		100
#define SGFW_MAX_NACLS		200
/* Device names with a configuration, bound or waiting (struct sgfw_dev). */
#define SGFW_MAX_DEVS		4096
/*
 * The addresses a group stands for as a peer, per family: its members and
 * the addresses of the devices it is attached to.  Past this, the rest
 * are left out of the rulesets (fail closed), with a warning.
 */
#define SGFW_MAX_SG_PEER_ADDRS	1000
/*
 * The rules (counted as against SGFW_MAX_DEV_RULES) of a namespace's
 * distinct device rulesets, which every commit builds under the RTNL, each
 * in time that grows with the square of its rules: 256 devices of 1000
 * rules, or 4096 of 64, but not 4096 different ones of 1000 (struct
 * sgfw_build_in).
 */
#define SGFW_MAX_BUILD_RULES	262144

enum sgfw_peer_kind {
	SGFW_PEER_CIDR,
	SGFW_PEER_SG,
	SGFW_PEER_PL,
};

struct sgfw_sg;
struct sgfw_pl;
struct mem_cgroup;

/* What a rule matches besides its peer, shared by groups and NACLs. */
struct sgfw_match {
	bool any_proto;
	u8 proto;
	bool any_port;
	u16 port_from;
	u16 port_to;
	bool any_type;
	bool any_code;
	u8 icmp_type;
	u8 icmp_code;
};

struct sgfw_rule {
	struct list_head list;		/* in sgfw_sg.rules, id order */
	u32 id;
	enum sgfw_direction dir;
	struct sgfw_match m;
	enum sgfw_peer_kind peer_kind;
	struct sgfw_cidr cidr;		/* SGFW_PEER_CIDR */
	struct sgfw_sg *peer_sg;	/* SGFW_PEER_SG, counted in peer_refs */
	struct sgfw_pl *peer_pl;	/* SGFW_PEER_PL, counted in refs */
	char desc[SGFW_DESC_MAX];
	/*
	 * The flows it opened; NULL in a candidate until its commit gives
	 * it the counters of the running rule it is the same as, or new ones.
	 */
	struct sgfw_rule_ctr __percpu *ctr;
	struct rcu_head rcu;		/* ctr may be in use until a GP */
};

/* A set of CIDRs (prefix-list entries, group members), sorted, unique. */
struct sgfw_cidr_set {
	struct sgfw_cidr *v;
	u32 n;
};

/*
 * A security group.  Changed under the RTNL; the flow dump, which runs
 * without it, finds a group by id in sgfw_net.sg_ids under RCU and reads
 * only its @name, which never changes: the group is freed after a grace
 * period.
 */
struct sgfw_sg {
	struct list_head list;		/* in sgfw_net.sgs */
	struct rcu_head rcu;
	u32 id;
	char name[SGFW_NAME_MAX];
	char desc[SGFW_DESC_MAX];
	struct list_head rules;
	struct sgfw_cidr_set members;
	u32 attached;			/* devices it is attached to */
	u32 peer_refs;			/* rules naming it as their peer */
	bool new_id;			/* a commit (txn.c) put @id in sg_ids */
	/* Its addresses as a peer, while sgfw_config_commit() builds. */
	struct sgfw_peer_set *peer_set[SGFW_AF_NUM];
};

/*
 * A prefix list.  A rule that names it counts as @max_entries rules in
 * each family it applies to, whatever the list holds now (as in AWS), so
 * that the cost of matching a packet is bounded by the rule limits.
 */
struct sgfw_pl {
	struct list_head list;		/* in sgfw_net.pls */
	u32 key;			/* from sgfw_net.next_key */
	char name[SGFW_NAME_MAX];
	struct sgfw_cidr_set entries;
	u32 max_entries;
	u32 refs;			/* rules naming it */
};

/* A network ACL rule; sgfw_nacl.rules is sorted by direction, number. */
struct sgfw_nacl_rule {
	struct list_head list;
	u16 number;
	enum sgfw_direction dir;
	bool deny;
	struct sgfw_match m;
	struct sgfw_cidr cidr;
	struct sgfw_rule_ctr __percpu *ctr;
	struct rcu_head rcu;		/* ctr may be in use until a GP */
};

struct sgfw_nacl {
	struct list_head list;		/* in sgfw_net.nacls */
	u32 key;			/* from sgfw_net.next_key */
	char name[SGFW_NAME_MAX];
	struct list_head rules;
	u32 attached;			/* devices */
	/* During a commit only, its ruleset once built (the commit holds it). */
	struct sgfw_ruleset *built;
};

/*
 * What a device counts, per packet: accepted, or why it was dropped (the
 * values of enum sgfw_verdict, which events and explain report): no rule
 * allows it; a NACL's deny rule or its implicit deny; its new flow found
 * no room; it is unparsable, or no state of its flow takes it; its source
 * is not the instance's (port mode).
 */
enum sgfw_dev_count {
	SGFW_COUNT_ACCEPTED	= SGFW_VERDICT_ACCEPTED,
	SGFW_COUNT_NO_RULE	= SGFW_VERDICT_NO_RULE,
	SGFW_COUNT_NACL		= SGFW_VERDICT_NACL,
	SGFW_COUNT_TABLE_FULL	= SGFW_VERDICT_TABLE_FULL,
	SGFW_COUNT_INVALID	= SGFW_VERDICT_INVALID,
	SGFW_COUNT_SPOOFED	= SGFW_VERDICT_SPOOFED,
	SGFW_COUNT_NUM,
};

/*
 * @audit: what audit mode let pass, by the reason it would have dropped.
 * @flows: flows of the device opened on this CPU less those that ended
 *	on it (this_cpu_inc(), this_cpu_dec(): no shared line is written per
 *	new flow); their sum over the CPUs is the device's flows.
 */
struct sgfw_dev_stats {
	u64_stats_t ctr[SGFW_COUNT_NUM];
	u64_stats_t audit[SGFW_COUNT_NUM];
	struct u64_stats_sync syncp;
	int flows;
};

/*
 * struct sgfw_dev - the configuration of a device name: groups, NACL and
 * settings are bound to the name, not to a device (semantics.md).  A
 * configuration may name a device that does not exist yet; the device that
 * is registered under the name, or renamed to it, gets it before it can
 * pass a packet (netns.c), and one renamed away or gone leaves it waiting.
 * @name: the device name; never changes.
 * @key: the order of dumps; never reused (sgfw_net.next_key).
 * @hnode: in sgfw_net.dev_names, by @name.
 * @rs: what the data path applies; NULL when no group is attached.
 *	rcu_assign_pointer() under the RTNL, rcu_dereference() in the hooks.
 *	Built for waiting names too, so that binding is only publishing.
 * @nacl, @nacl_rs: the device's network ACL and its rules compiled into
 *	a ruleset (deny rules flagged SGFW_CRULE_DENY, in number order, so
 *	the first match decides); published like @rs.
 * @stats: per-CPU packet counts, written by the hooks; they belong to the
 *	name, and carry on when a device of the name comes back.  And its
 *	flows in the table: counted by the table as they come and go
 *	(@fd), and set to 0 once the flows of a device that lost its name
 *	are flushed (sgfw_dev_flows()).
 * @fd: its entry in the flow table's registry, for the life of the
 *	configuration: its flows are keyed by @fd.key.  @fd.ifindex is the
 *	device that has the name, through which the data path finds this
 *	(sgfw_net.devs); 0 while none has it ("waiting").  Changed under the
 *	RTNL with WRITE_ONCE(): the table reads it without (for a flow's
 *	events and dumps).
 * @audit, @port: audit mode, and port mode's settings (port.h; NULL in
 *	endpoint mode, else a reference), as configured: the RTNL's, like
 *	@nsgs, @sgs, @nacl, @to and @tracking, which the rulesets are built
 *	from.
 * @live_audit, @live_port: @audit and @port as the hooks apply them
 *	(WRITE_ONCE() and READ_ONCE(); rcu_replace_pointer() and
 *	rcu_dereference(), @live_port a reference of its own): published
 *	with the rulesets, by sgfw_config_commit() once every one is built,
 *	so that no packet meets the new settings with the old rulesets
 *	while a commit builds, or after a commit failed.
 * @port_ops, @hooked: the netdev hooks of port mode (hooks.c), on the
 *	bound device, registered while @hooked: from before a @live_port is
 *	published for it until after it is not, or the device goes.
 * Everything but @stats changes under the RTNL only.
 * Freed with call_rcu() once out of sgfw_net.devs.
 */
struct sgfw_dev {
	struct list_head list;		/* in sgfw_net.dev_list */
	struct hlist_node hnode;
	char name[IFNAMSIZ];
	u32 key;
	struct sgfw_flow_dev fd;
	u8 nsgs;
	struct sgfw_sg *sgs[SGFW_MAX_SGS_PER_DEV];
	struct sgfw_timeouts to;
	enum sgfw_tracking tracking;
	bool audit;
	bool live_audit;
	struct sgfw_ruleset __rcu *rs;
	bool unfiltered;	/* lost @rs in this commit: flush its flows */
	bool named;		/* by the candidate of a txn.c commit */
	struct sgfw_nacl *nacl;
	struct sgfw_ruleset __rcu *nacl_rs;	/* the NACL, compiled */
	struct sgfw_dev_stats __percpu *stats;
	struct sgfw_port *port;
	struct sgfw_port __rcu *live_port;
	struct nf_hook_ops port_ops[2];
	bool hooked;
	struct rcu_head rcu;
};

/*
 * sgfw_dev_count() - count one packet of @sd under @what, or under
 * audit's @what when @audit (a drop that audit mode let pass).
 *
 * The hooks may run in process context (LOCAL_OUT), where a preemptible
 * task could move to another CPU between finding its CPU's counters and
 * writing them: preemption goes off for the update.  The softirq of this
 * CPU may still come in the middle.  On 64-bit machines that is harmless
 * (the increment is one local64_t operation, which an interrupt cannot
 * split, and the update_begin/end pair is empty); on 32-bit ones the
 * _irqsave pair turns interrupts off around the seqcount write.  Cheaper
 * than bottom halves off, whose re-enabling looks for pending softirqs on
 * every packet.
 * Context: RCU, any context.
 */
static inline void sgfw_dev_count(struct sgfw_dev *sd,
				  enum sgfw_dev_count what, bool audit)
{
	struct sgfw_dev_stats *s = get_cpu_ptr(sd->stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_inc(audit ? &s->audit[what] : &s->ctr[what]);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(sd->stats);
}

void sgfw_cfg_init(struct sgfw_cfg *cfg);
void sgfw_cfg_destroy(struct sgfw_cfg *cfg);
void sgfw_config_init(struct sgfw_net *sn);
void sgfw_config_changed(struct sgfw_net *sn);
void sgfw_config_free(struct sgfw_net *sn);
int sgfw_config_commit(struct sgfw_net *sn);
#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/* KUnit only: when set, its error fails every commit after the build. */
extern int (*sgfw_config_commit_hook)(struct sgfw_net *sn);
#endif
void sgfw_config_rebuild_work(struct work_struct *work);

struct sgfw_sg *sgfw_sg_find(const struct sgfw_cfg *cfg, const char *name);
struct sgfw_pl *sgfw_pl_find(const struct sgfw_cfg *cfg, const char *name);
struct sgfw_nacl *sgfw_nacl_find(const struct sgfw_cfg *cfg,
				 const char *name);
void sgfw_nacl_rule_free(struct sgfw_nacl_rule *r);
void sgfw_rule_peer_hold(struct sgfw_rule *r, bool hold);
void sgfw_rule_free(struct sgfw_rule *r);
void sgfw_nacl_free(struct sgfw_nacl *nacl);
struct sgfw_dev *sgfw_dev_find(struct sgfw_net *sn, const char *name);
struct sgfw_dev *sgfw_dev_get_or_create(struct sgfw_net *sn, const char *name);
void sgfw_dev_remove(struct sgfw_net *sn, struct sgfw_dev *sd, bool flush);
int sgfw_dev_bind(struct sgfw_net *sn, struct net_device *dev, bool renamed);
void sgfw_dev_unbind(struct sgfw_net *sn, struct net_device *dev);
u32 sgfw_dev_flows(const struct sgfw_dev *sd);
void sgfw_dev_put_if_unused(struct sgfw_net *sn, struct sgfw_dev *sd);
void sgfw_dev_set_nacl(struct sgfw_dev *sd, struct sgfw_nacl *nacl);
u32 sgfw_sg_rule_count(const struct sgfw_sg *sg);
void sgfw_cidr_canonicalize(struct sgfw_cidr *c);
int sgfw_cidr_set_add(struct sgfw_cidr_set *s, const struct sgfw_cidr *add,
		      u32 n, u32 max);
int sgfw_cidr_set_del(struct sgfw_cidr_set *s, const struct sgfw_cidr *del,
		      u32 n);
int sgfw_cidr_set_change(struct sgfw_cidr_set *s, const struct sgfw_cidr *v,
			 u32 n, bool add, u32 max, bool pl,
			 struct netlink_ext_ack *extack);
int sgfw_cidr_set_find(const struct sgfw_cidr_set *s,
		       const struct sgfw_cidr *c);
void sgfw_dev_stats_read(const struct sgfw_dev *sd, u64 *ctr, u64 *audit);
struct sgfw_sg *sgfw_sg_new(struct sgfw_net *sn, const char *name,
			    const char *desc);
void sgfw_sg_free(struct sgfw_net *sn, struct sgfw_sg *sg);
u32 sgfw_rule_weight(const struct sgfw_rule *r, enum sgfw_af af);
bool sgfw_sg_deletable(const struct sgfw_sg *sg);
bool sgfw_match_equal(const struct sgfw_match *a, const struct sgfw_match *b);
bool sgfw_rule_same(const struct sgfw_rule *a, const struct sgfw_rule *b);
struct sgfw_rule *sgfw_sg_rule_find(const struct sgfw_sg *sg,
				    const struct sgfw_rule *r);
int sgfw_sg_group_limits(const struct sgfw_sg *sg, const struct sgfw_rule *r,
			 struct netlink_ext_ack *extack);
bool sgfw_sgs_has(struct sgfw_sg *const *sgs, u32 n, const struct sgfw_sg *sg);
u32 sgfw_sgs_rule_count(struct sgfw_sg *const *sgs, u32 n);

/*
 * What a device's group ruleset is built from (a running device's or a
 * candidate's settings): devices alike share one ruleset, and a commit
 * builds one for each distinct one (sgfw_build_dedup()).
 */
struct sgfw_build_in {
	struct sgfw_sg *const *sgs;
	const struct sgfw_timeouts *to;
	u8 nsgs;
	enum sgfw_tracking tracking;
};

u32 *sgfw_build_dedup(const struct sgfw_build_in *in, u32 n);
struct mem_cgroup *sgfw_charge_begin(struct sgfw_net *sn);
void sgfw_charge_end(struct mem_cgroup *old);
int sgfw_sgs_limits(struct sgfw_sg *const *sgs, u32 n, const char *dev,
		    struct netlink_ext_ack *extack);
int sgfw_nacl_rule_place(struct sgfw_nacl *nacl,
			 const struct sgfw_nacl_rule *r, struct list_head **pos,
			 struct netlink_ext_ack *extack);
struct sgfw_nacl_rule *sgfw_nacl_rule_new(void);
struct sgfw_rule *sgfw_rule_new_all(enum sgfw_af af);

#endif /* _SGFW_CONFIG_H */
