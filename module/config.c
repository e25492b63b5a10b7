// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration objects of a namespace and their compilation into the
 * per-device rulesets the data path applies.
 *
 * Every function here runs under the RTNL (see struct sgfw_net); those that
 * publish a ruleset say so.  A change is made in two steps: the netlink
 * handler changes the objects, then sgfw_config_commit() builds a new
 * ruleset for every filtered device and, only when all of them could be
 * built, publishes them.  When the commit fails (out of memory) the handler
 * undoes its change, so a refused request leaves everything as it was.
 */

#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/memcontrol.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/bsearch.h>
#include <linux/sort.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "compat.h"
#include "config.h"
#include "flowtable.h"
#include "hooks.h"
#include "txn.h"

void sgfw_cidr_canonicalize(struct sgfw_cidr *c)
{
	unsigned int bits = c->af == SGFW_AF_INET ? 32 : 128;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		unsigned int lo = i * 32;
		u32 mask;

		if (c->plen >= lo + 32 && lo + 32 <= bits)
			continue;
		if (c->plen <= lo || lo >= bits)
			mask = 0;
		else
			mask = ~0U << (32 - (c->plen - lo));
		c->addr.all[i] &= htonl(mask);
	}
}

static int sgfw_cidr_cmp(const void *a, const void *b)
{
	const struct sgfw_cidr *x = a, *y = b;
	int r;

	if (x->af != y->af)
		return x->af - y->af;
	r = memcmp(&x->addr, &y->addr, sizeof(x->addr));
	if (r)
		return r;
	return x->plen - y->plen;
}

int sgfw_cidr_set_find(const struct sgfw_cidr_set *s, const struct sgfw_cidr *c)
{
	const struct sgfw_cidr *hit;

	if (!s->n)
		return -1;
	hit = bsearch(c, s->v, s->n, sizeof(*c), sgfw_cidr_cmp);
	return hit ? hit - s->v : -1;
}

/**
 * sgfw_cidr_set_add() - add CIDRs to a set, all or none
 * @s: the set
 * @add: the CIDRs, canonical
 * @n: how many
 * @max: the most the set may hold
 *
 * Return: 0; -EEXIST when one is in the set already or named twice,
 * -E2BIG past @max, -ENOMEM.  On error @s is unchanged.
 */
int sgfw_cidr_set_add(struct sgfw_cidr_set *s, const struct sgfw_cidr *add,
		      u32 n, u32 max)
{
	struct sgfw_cidr *v;
	u32 i, j;

	for (i = 0; i < n; i++) {
		if (sgfw_cidr_set_find(s, &add[i]) >= 0)
			return -EEXIST;
		for (j = 0; j < i; j++)
			if (!sgfw_cidr_cmp(&add[i], &add[j]))
				return -EEXIST;
	}
	if (s->n + n > max)
		return -E2BIG;

	v = kmalloc_array(s->n + n, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	if (s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	memcpy(v + s->n, add, n * sizeof(*v));
	sort(v, s->n + n, sizeof(*v), sgfw_cidr_cmp, NULL);
	kfree(s->v);
	s->v = v;
	s->n += n;
	return 0;
}

/**
 * sgfw_cidr_set_del() - remove CIDRs from a set, all or none
 * @s: the set
 * @del: the CIDRs, canonical
 * @n: how many
 *
 * Return: 0, or -ENOENT when one is not in the set (then @s is unchanged).
 */
int sgfw_cidr_set_del(struct sgfw_cidr_set *s, const struct sgfw_cidr *del,
		      u32 n)
{
	u32 i, j, k;

	for (i = 0; i < n; i++)
		if (sgfw_cidr_set_find(s, &del[i]) < 0)
			return -ENOENT;
	for (i = 0, k = 0; i < s->n; i++) {
		bool drop = false;

		for (j = 0; j < n; j++)
			if (!sgfw_cidr_cmp(&s->v[i], &del[j]))
				drop = true;
		if (!drop)
			s->v[k++] = s->v[i];
	}
	s->n = k;
	if (!k) {
		kfree(s->v);
		s->v = NULL;
	}
	return 0;
}

/**
 * sgfw_cidr_set_change() - add CIDRs to a set, or remove them, all or none,
 * as MEMBER_ADD/DEL and PL_ENTRY_ADD/DEL do.
 * @s: the set (a group's members, a prefix list's entries).
 * @v: the CIDRs, canonical.
 * @n: how many.
 * @add: add them (or remove them).
 * @max: the most the set may hold.
 * @pl: @s is a prefix list's (for the messages).
 * @extack: for the message.
 *
 * Return: 0, -EEXIST, -ENOENT, -E2BIG or -ENOMEM; on error @s is unchanged.
 */
int sgfw_cidr_set_change(struct sgfw_cidr_set *s, const struct sgfw_cidr *v,
			 u32 n, bool add, u32 max, bool pl,
			 struct netlink_ext_ack *extack)
{
	const char *what = pl ? "prefix list" : "security group";
	int err;

	err = add ? sgfw_cidr_set_add(s, v, n, max) : sgfw_cidr_set_del(s, v, n);
	if (err == -EEXIST)
		sgfw_err_fmt(extack, "an address is present already",
			     "an address is in the %s already (or named twice)",
			     what);
	else if (err == -ENOENT)
		sgfw_err_fmt(extack, "an address is not present",
			     "an address is not in the %s", what);
	else if (err == -E2BIG && pl)
		NL_SET_ERR_MSG_MOD(extack,
				   "the prefix list would hold more entries than its max-entries: raise it with prefix-list set NAME max-entries N");
	else if (err == -E2BIG)
		sgfw_err_fmt(extack, "too many entries",
			     "a %s holds at most %u entries", what, max);
	return err;
}

struct sgfw_sg *sgfw_sg_find(const struct sgfw_cfg *cfg, const char *name)
{
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &cfg->sgs, list)
		if (!strcmp(sg->name, name))
			return sg;
	return NULL;
}

struct sgfw_pl *sgfw_pl_find(const struct sgfw_cfg *cfg, const char *name)
{
	struct sgfw_pl *pl;

	list_for_each_entry(pl, &cfg->pls, list)
		if (!strcmp(pl->name, name))
			return pl;
	return NULL;
}

struct sgfw_nacl *sgfw_nacl_find(const struct sgfw_cfg *cfg, const char *name)
{
	struct sgfw_nacl *nacl;

	list_for_each_entry(nacl, &cfg->nacls, list)
		if (!strcmp(nacl->name, name))
			return nacl;
	return NULL;
}

static void sgfw_nacl_rule_free_rcu(struct rcu_head *head)
{
	struct sgfw_nacl_rule *r = container_of(head, struct sgfw_nacl_rule,
						rcu);

	free_percpu(r->ctr);
	kfree(r);
}

/*
 * Free a NACL rule that is off its list and out of every published
 * ruleset: the hooks may still count on the old ruleset until a grace
 * period has passed.
 */
void sgfw_nacl_rule_free(struct sgfw_nacl_rule *r)
{
	call_rcu(&r->rcu, sgfw_nacl_rule_free_rcu);
}

/* Free a NACL no device uses and no published ruleset names. */
void sgfw_nacl_free(struct sgfw_nacl *nacl)
{
	struct sgfw_nacl_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &nacl->rules, list) {
		list_del(&r->list);
		sgfw_nacl_rule_free(r);
	}
	list_del(&nacl->list);
	kfree(nacl);
}

void sgfw_dev_set_nacl(struct sgfw_dev *sd, struct sgfw_nacl *nacl)
{
	if (sd->nacl)
		sd->nacl->attached--;
	sd->nacl = nacl;
	if (nacl)
		nacl->attached++;
}

static u32 sgfw_dev_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

static struct sgfw_dev *sgfw_dev_find_hashed(struct sgfw_net *sn,
					     const char *name, u32 hash)
{
	struct sgfw_dev *sd;

	hash_for_each_possible(sn->dev_names, sd, hnode, hash)
		if (!strcmp(sd->name, name))
			return sd;
	return NULL;
}

/* Context: RTNL.  Return: the configuration of device name @name, or NULL. */
struct sgfw_dev *sgfw_dev_find(struct sgfw_net *sn, const char *name)
{
	return sgfw_dev_find_hashed(sn, name, sgfw_dev_name_hash(name));
}

/* Publish @sd for the data path as the configuration of @dev. */
static int sgfw_dev_publish(struct sgfw_net *sn, struct sgfw_dev *sd,
			    const struct net_device *dev)
{
	int err;

	err = xa_insert(&sn->devs, dev->ifindex, sd, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	WRITE_ONCE(sd->fd.ifindex, dev->ifindex);
	sgfw_config_changed(sn);
	return 0;
}

/*
 * The device of the namespace named @name that sgfw may filter, or NULL:
 * loopback never is (semantics.md).
 */
static struct net_device *sgfw_dev_by_name(struct sgfw_net *sn,
					   const char *name)
{
	struct net_device *dev = __dev_get_by_name(sn->net, name);

	return dev && !(dev->flags & IFF_LOOPBACK) ? dev : NULL;
}

/*
 * Context: RTNL.  Return: the configuration of device name @name, new
 * (the defaults) if need be, bound to the device of that name if there is
 * one; or ERR_PTR(-ENOMEM), or -ENOSPC when every namespace number is
 * taken (struct sgfw_flow_dev).
 */
struct sgfw_dev *sgfw_dev_get_or_create(struct sgfw_net *sn, const char *name)
{
	u32 hash = sgfw_dev_name_hash(name);
	struct net_device *dev;
	struct sgfw_dev *sd;
	int i, err = -ENOMEM;

	/* A running configuration and a candidate, each of the most. */
	BUILD_BUG_ON(2 * SGFW_MAX_DEVS > BIT(SGFW_FT_DEV_BITS));
	ASSERT_RTNL();
	sd = sgfw_dev_find_hashed(sn, name, hash);
	if (sd)
		return sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL_ACCOUNT);
	if (!sd)
		return ERR_PTR(-ENOMEM);
	sd->stats = alloc_percpu_gfp(struct sgfw_dev_stats, GFP_KERNEL_ACCOUNT);
	if (!sd->stats)
		goto err_free_dev;
	for_each_possible_cpu(i)
		u64_stats_init(&per_cpu_ptr(sd->stats, i)->syncp);
	err = sgfw_flow_dev_init(&sn->flows, &sd->fd, &sd->stats->flows);
	if (err)
		goto err_free_stats;
	strscpy(sd->name, name, sizeof(sd->name));
	sd->to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF;
	sd->to.udp = SGFW_UDP_TIMEOUT_DEF;
	sd->to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF;
	sd->tracking = SGFW_TRACKING_AUTO;
	dev = sgfw_dev_by_name(sn, name);
	if (dev) {
		err = sgfw_dev_publish(sn, sd, dev);
		if (err)
			goto err_flow_dev;
	}
	sd->key = sn->next_key++;
	list_add_tail(&sd->list, &sn->dev_list);
	hash_add(sn->dev_names, &sd->hnode, hash);
	return sd;

err_flow_dev:
	sgfw_flow_dev_exit(&sd->fd);
err_free_stats:
	free_percpu(sd->stats);
err_free_dev:
	kfree(sd);
	return ERR_PTR(err);
}

static void sgfw_dev_free_rcu(struct rcu_head *head)
{
	struct sgfw_dev *sd = container_of(head, struct sgfw_dev, rcu);

	free_percpu(sd->stats);
	kfree(sd);
}

/*
 * Whoever changes the configuration of @sn holds the RTNL, except the
 * namespace's exit, when nothing else can reach it (its hooks are gone).
 */
static bool sgfw_config_owned(struct sgfw_net *sn)
{
	return lockdep_rtnl_is_held() || READ_ONCE(sn->dying);
}

/*
 * sgfw_dev_remove() - forget a device: its groups, settings, rulesets and
 * (@flush) flows.  A packet that found the device's ruleset before it was
 * unpublished may still be on its way to recording a flow: the flush waits
 * for a grace period first, so that it comes after every such packet.
 * Callers whose hooks are gone, or whose device had no ruleset, need no
 * flush.
 * Context: RTNL (or the namespace's exit).
 */
void sgfw_dev_remove(struct sgfw_net *sn, struct sgfw_dev *sd, bool flush)
{
	int i;

	for (i = 0; i < sd->nsgs; i++)
		sd->sgs[i]->attached--;
	sd->nsgs = 0;
	sgfw_dev_set_nacl(sd, NULL);
	sgfw_port_hooks_del(sn->net, sd);
	if (sd->fd.ifindex)
		xa_erase(&sn->devs, sd->fd.ifindex);
	list_del(&sd->list);
	hash_del(&sd->hnode);
	sgfw_config_changed(sn);
	sgfw_ruleset_replace(&sd->rs, NULL, sgfw_config_owned(sn));
	sgfw_ruleset_replace(&sd->nacl_rs, NULL, sgfw_config_owned(sn));
	sgfw_port_put(sd->port);
	sd->port = NULL;
	sgfw_port_put(rcu_replace_pointer(sd->live_port, NULL,
					  sgfw_config_owned(sn)));
	if (flush && sd->fd.ifindex) {
		synchronize_net();
		sgfw_flowtable_flush(&sn->flows, &sd->fd,
				     SGFW_END_DEVICE_GONE);
	}
	sgfw_flow_dev_exit(&sd->fd);
	call_rcu(&sd->rcu, sgfw_dev_free_rcu);
}

/**
 * sgfw_dev_bind() - give device @dev the configuration of its name.
 * @sn: its namespace.
 * @dev: a device registered under, or renamed to, a name that may have a
 *	configuration; not yet able to pass a packet with it (the notifier
 *	runs before register_netdevice() or dev_change_name() returns).
 * @renamed: by dev_change_name(), not registered.
 *
 * The rulesets were built while the name waited: publishing the
 * configuration in sgfw_net.devs is all it takes for the hooks to apply
 * it.  The device's addresses then stand for its groups as peers: with
 * @renamed, the rulesets are built again when it has groups (a renamed
 * device may have addresses already; a new one, or one that moved in from
 * another namespace, has none yet, and the address notifiers take over).
 * Context: RTNL.
 * A port's hooks are registered on the device before it can pass a
 * packet too.
 * Return: 0, or -ENOMEM or an error of registering the hooks (the caller
 * refuses the device or its name: a device that should be filtered is
 * never let go unfiltered).
 */
int sgfw_dev_bind(struct sgfw_net *sn, struct net_device *dev, bool renamed)
{
	struct sgfw_dev *sd;
	int err;

	ASSERT_RTNL();
	if (dev->flags & IFF_LOOPBACK)
		return 0;
	sd = sgfw_dev_find(sn, dev->name);
	if (!sd || sd->fd.ifindex)
		return 0;
	err = sgfw_dev_publish(sn, sd, dev);
	if (err)
		return err;
	if (sd->port) {
		err = sgfw_port_hooks_add(sn->net, sd, dev);
		if (err) {
			xa_erase(&sn->devs, sd->fd.ifindex);
			WRITE_ONCE(sd->fd.ifindex, 0);
			return err;
		}
	}
	if (renamed && sd->nsgs && sgfw_config_commit(sn))
		pr_warn_ratelimited("cannot rebuild rulesets after %s came\n",
				    dev->name);
	return 0;
}

/**
 * sgfw_dev_unbind() - take its name's configuration from device @dev,
 * which is going away or being renamed: the configuration waits for the
 * next device of the name, and @dev's flows go.
 * @sn: its namespace.
 * @dev: the device; sgfw_net.devs says which configuration it has.
 *
 * A packet that found the configuration before it was unpublished may
 * still be on its way to recording a flow: the flush waits for a grace
 * period first, so that it comes after every such packet.  In a dying
 * namespace the hooks are gone and its exit flushes every flow at once.
 * Context: RTNL.
 */
void sgfw_dev_unbind(struct sgfw_net *sn, struct net_device *dev)
{
	struct sgfw_dev *sd;
	int cpu;

	ASSERT_RTNL();
	sd = xa_load(&sn->devs, dev->ifindex);
	if (!sd)
		return;
	sgfw_port_hooks_del(sn->net, sd);
	xa_erase(&sn->devs, sd->fd.ifindex);
	sgfw_config_changed(sn);
	if (!READ_ONCE(sn->dying) && (rtnl_dereference(sd->rs) ||
				      rtnl_dereference(sd->nacl_rs))) {
		synchronize_net();
		sgfw_flowtable_flush(&sn->flows, &sd->fd,
				     SGFW_END_DEVICE_GONE);
	}
	/*
	 * Only now, that the end events of the flows flushed above name
	 * the device.
	 */
	WRITE_ONCE(sd->fd.ifindex, 0);
	/* None is left (but in a dying namespace, whose exit flushes). */
	for_each_possible_cpu(cpu)
		per_cpu_ptr(sd->stats, cpu)->flows = 0;
	/* Its addresses were members of its groups. */
	if (sd->nsgs && !READ_ONCE(sn->dying) && sgfw_config_commit(sn))
		pr_warn_ratelimited("cannot rebuild rulesets after %s left\n",
				    dev->name);
}

/* The flows of @sd's device in the table now. */
u32 sgfw_dev_flows(const struct sgfw_dev *sd)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu_ptr(sd->stats, cpu)->flows);
	return max(n, 0);
}

/*
 * Drop the entry of a device that has no group and default settings.  Its
 * flows went when it lost its last group (sgfw_config_commit()).
 */
void sgfw_dev_put_if_unused(struct sgfw_net *sn, struct sgfw_dev *sd)
{
	if (sd->nsgs || sd->nacl || sd->tracking != SGFW_TRACKING_AUTO ||
	    sd->audit || sd->port ||
	    sd->to.tcp_established != SGFW_TCP_EST_TIMEOUT_DEF ||
	    sd->to.udp != SGFW_UDP_TIMEOUT_DEF ||
	    sd->to.udp_stream != SGFW_UDP_STREAM_TIMEOUT_DEF)
		return;
	sgfw_dev_remove(sn, sd, false);
}

void sgfw_dev_stats_read(const struct sgfw_dev *sd, u64 *ctr, u64 *audit)
{
	u64 v[SGFW_COUNT_NUM], a[SGFW_COUNT_NUM];
	unsigned int start;
	int cpu, i;

	memset(ctr, 0, SGFW_COUNT_NUM * sizeof(*ctr));
	memset(audit, 0, SGFW_COUNT_NUM * sizeof(*audit));
	for_each_possible_cpu(cpu) {
		const struct sgfw_dev_stats *s = per_cpu_ptr(sd->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < SGFW_COUNT_NUM; i++) {
				v[i] = u64_stats_read(&s->ctr[i]);
				a[i] = u64_stats_read(&s->audit[i]);
			}
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < SGFW_COUNT_NUM; i++) {
			ctr[i] += v[i];
			audit[i] += a[i];
		}
	}
}

static u32 sgfw_rule_families(const struct sgfw_rule *r)
{
	if (r->peer_kind == SGFW_PEER_CIDR)
		return BIT(r->cidr.af);
	return BIT(SGFW_AF_INET) | BIT(SGFW_AF_INET6);
}

/**
 * sgfw_rule_weight() - how many rules @r counts as in family @af.
 * @r: the rule.
 * @af: the family.
 *
 * A rule counts once in each family it applies to, except that a rule whose
 * peer is a prefix list counts as the list's max-entries (as in AWS): the
 * limits then bound the CIDRs a packet is compared with.
 * Return: 0 when @r does not apply to @af.
 */
u32 sgfw_rule_weight(const struct sgfw_rule *r, enum sgfw_af af)
{
	if (!(sgfw_rule_families(r) & BIT(af)))
		return 0;
	return r->peer_kind == SGFW_PEER_PL ? r->peer_pl->max_entries : 1;
}

/* Rules of @sg, counted once per family they apply to, with their weight. */
u32 sgfw_sg_rule_count(const struct sgfw_sg *sg)
{
	const struct sgfw_rule *r;
	u32 n = 0;

	list_for_each_entry(r, &sg->rules, list)
		n += sgfw_rule_weight(r, SGFW_AF_INET) +
		     sgfw_rule_weight(r, SGFW_AF_INET6);
	return n;
}

/* Is @sg one of the @n groups @sgs (a device's, running or candidate)? */
bool sgfw_sgs_has(struct sgfw_sg *const *sgs, u32 n, const struct sgfw_sg *sg)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (sgs[i] == sg)
			return true;
	return false;
}

/* The rules of the @n groups @sgs, counted as sgfw_sg_rule_count() does. */
u32 sgfw_sgs_rule_count(struct sgfw_sg *const *sgs, u32 n)
{
	u32 i, rules = 0;

	for (i = 0; i < n; i++)
		rules += sgfw_sg_rule_count(sgs[i]);
	return rules;
}

static const char *sgfw_af_name(enum sgfw_af af)
{
	return af == SGFW_AF_INET ? "IPv4" : "IPv6";
}

static const char *sgfw_dir_name(enum sgfw_direction dir)
{
	return dir == SGFW_DIRECTION_INGRESS ? "ingress" : "egress";
}

/*
 * The weight of @sg's rules in @dir and @af, with @pl's max-entries taken
 * as @pl_max, and @add counted in too.
 */
static u32 sgfw_sg_dir_count(const struct sgfw_sg *sg, enum sgfw_direction dir,
			     enum sgfw_af af, const struct sgfw_pl *pl,
			     u32 pl_max, const struct sgfw_rule *add)
{
	const struct sgfw_rule *r;
	u32 n = 0;

	list_for_each_entry(r, &sg->rules, list) {
		if (r->dir != dir)
			continue;
		if (pl && r->peer_kind == SGFW_PEER_PL && r->peer_pl == pl)
			n += (sgfw_rule_families(r) & BIT(af)) ? pl_max : 0;
		else
			n += sgfw_rule_weight(r, af);
	}
	if (add && add->dir == dir)
		n += sgfw_rule_weight(add, af);
	return n;
}

/**
 * sgfw_sg_group_limits() - may @r join @sg, by the group's own limit?
 * @sg: the group.
 * @r: the new rule, not in @sg yet.
 * @extack: for the message.
 *
 * 60 rules per direction and family in a group (semantics.md), each rule
 * counted with its weight (sgfw_rule_weight()).
 * Return: 0 or -ENOSPC.
 */
int sgfw_sg_group_limits(const struct sgfw_sg *sg, const struct sgfw_rule *r,
			 struct netlink_ext_ack *extack)
{
	enum sgfw_af af;

	for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++) {
		if (!sgfw_rule_weight(r, af) ||
		    sgfw_sg_dir_count(sg, r->dir, af, NULL, 0, r) <=
		    SGFW_MAX_RULES)
			continue;
		if (r->peer_kind == SGFW_PEER_PL)
			NL_SET_ERR_MSG_MOD(extack,
					   "the security group would count more than 60 rules in this direction and family (a prefix list counts as its max-entries)");
		else
			sgfw_err_fmt(extack,
				     "security group has the most rules allowed in this direction",
				     "security group %s has %u %s rules for %s, the most allowed",
				     sg->name, SGFW_MAX_RULES,
				     sgfw_dir_name(r->dir), sgfw_af_name(af));
		return -ENOSPC;
	}
	return 0;
}

/**
 * sgfw_sgs_limits() - may a device have the groups @sgs?
 * @sgs: the groups.
 * @n: how many.
 * @dev: the device's name, for the message.
 * @extack: for the message.
 *
 * At most 1000 rules on a device, all its groups counted.
 * Return: 0 or -ENOSPC.
 */
int sgfw_sgs_limits(struct sgfw_sg *const *sgs, u32 n, const char *dev,
		    struct netlink_ext_ack *extack)
{
	u32 rules = sgfw_sgs_rule_count(sgs, n);

	if (rules <= SGFW_MAX_DEV_RULES)
		return 0;
	sgfw_err_fmt(extack, "the device would have more than 1000 rules",
		     "%s would have %u rules, more than %u", dev, rules,
		     SGFW_MAX_DEV_RULES);
	return -ENOSPC;
}

bool sgfw_match_equal(const struct sgfw_match *a, const struct sgfw_match *b)
{
	return a->any_proto == b->any_proto &&
	       (a->any_proto || a->proto == b->proto) &&
	       a->any_port == b->any_port &&
	       (a->any_port || (a->port_from == b->port_from &&
				a->port_to == b->port_to)) &&
	       a->any_type == b->any_type &&
	       (a->any_type || a->icmp_type == b->icmp_type) &&
	       a->any_code == b->any_code &&
	       (a->any_code || a->icmp_code == b->icmp_code);
}

static bool sgfw_cidr_equal(const struct sgfw_cidr *a,
			    const struct sgfw_cidr *b)
{
	return a->af == b->af && a->plen == b->plen &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

/*
 * Do two rules allow the same?  Their peers are compared by name, so that
 * a rule of a transaction's candidate (txn.h) and one of the running
 * configuration compare as they would in one configuration.
 */
bool sgfw_rule_same(const struct sgfw_rule *a, const struct sgfw_rule *b)
{
	if (a->dir != b->dir || !sgfw_match_equal(&a->m, &b->m) ||
	    a->peer_kind != b->peer_kind)
		return false;
	switch (a->peer_kind) {
	case SGFW_PEER_CIDR:
		return sgfw_cidr_equal(&a->cidr, &b->cidr);
	case SGFW_PEER_SG:
		return !strcmp(a->peer_sg->name, b->peer_sg->name);
	case SGFW_PEER_PL:
		return !strcmp(a->peer_pl->name, b->peer_pl->name);
	}
	return false;
}

/* The rule of @sg that allows what @r does, or NULL. */
struct sgfw_rule *sgfw_sg_rule_find(const struct sgfw_sg *sg,
				    const struct sgfw_rule *r)
{
	struct sgfw_rule *o;

	list_for_each_entry(o, &sg->rules, list)
		if (sgfw_rule_same(o, r))
			return o;
	return NULL;
}

/* A NACL rule with its counters, or NULL. */
struct sgfw_nacl_rule *sgfw_nacl_rule_new(void)
{
	struct sgfw_nacl_rule *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	r->ctr = sgfw_rule_ctr_alloc();
	if (!r->ctr) {
		kfree(r);
		return NULL;
	}
	return r;
}

/**
 * sgfw_nacl_rule_place() - where @r goes in @nacl, if it may.
 * @nacl: the NACL.
 * @r: the new rule, not in @nacl yet.
 * @pos: set to the entry @r goes before (list_add_tail()).
 * @extack: for the message.
 *
 * Rules are kept in direction and number order; a number is used once per
 * direction; at most 40 rules per direction and family.
 * Return: 0, -EEXIST or -ENOSPC.
 */
int sgfw_nacl_rule_place(struct sgfw_nacl *nacl,
			 const struct sgfw_nacl_rule *r, struct list_head **pos,
			 struct netlink_ext_ack *extack)
{
	struct sgfw_nacl_rule *o;
	u32 count = 0;

	*pos = &nacl->rules;
	list_for_each_entry(o, &nacl->rules, list) {
		if (o->dir == r->dir && o->number == r->number) {
			sgfw_err_fmt(extack,
				     "the network ACL has a rule with this number already",
				     "network ACL %s has rule %u in this direction already",
				     nacl->name, r->number);
			return -EEXIST;
		}
		if (o->dir == r->dir && o->cidr.af == r->cidr.af)
			count++;
		if (*pos == &nacl->rules &&
		    (o->dir > r->dir ||
		     (o->dir == r->dir && o->number > r->number)))
			*pos = &o->list;
	}
	if (count >= SGFW_NACL_MAX_RULES) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a network ACL has at most 40 rules per direction and family");
		return -ENOSPC;
	}
	return 0;
}

/*
 * A group may be deleted when no device has it and no rule of another
 * group names it; its own rules may name it (AWS allows the same).
 */
bool sgfw_sg_deletable(const struct sgfw_sg *sg)
{
	const struct sgfw_rule *r;
	u32 self = 0;

	list_for_each_entry(r, &sg->rules, list)
		if (r->peer_kind == SGFW_PEER_SG && r->peer_sg == sg)
			self++;
	return !sg->attached && sg->peer_refs == self;
}

/* The CIDRs a rule's peer stands for in one family, in a growing array. */
struct sgfw_peers {
	struct sgfw_cidr *v;
	u32 n, cap;
};

static int sgfw_peers_grow(struct sgfw_peers *p)
{
	u32 cap = p->cap ? p->cap * 2 : 16;
	struct sgfw_cidr *v;

	v = krealloc_array(p->v, cap, sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return -ENOMEM;
	p->v = v;
	p->cap = cap;
	return 0;
}

static int sgfw_peers_add(struct sgfw_peers *p, const struct sgfw_cidr *c)
{
	int err;

	if (p->n == p->cap) {
		err = sgfw_peers_grow(p);
		if (err)
			return err;
	}
	p->v[p->n++] = *c;
	return 0;
}

/* Those of the @n CIDRs @v (a set, an instance's list) of family @af. */
static int sgfw_peers_add_cidrs(struct sgfw_peers *p,
				const struct sgfw_cidr *v, u32 n,
				enum sgfw_af af)
{
	u32 i;
	int err;

	for (i = 0; i < n; i++) {
		if (v[i].af != af)
			continue;
		err = sgfw_peers_add(p, &v[i]);
		if (err)
			return err;
	}
	return 0;
}

static int sgfw_peers_add_set(struct sgfw_peers *p,
			      const struct sgfw_cidr_set *s, enum sgfw_af af)
{
	return sgfw_peers_add_cidrs(p, s->v, s->n, af);
}

/* The addresses of one device, as host CIDRs of family @af. */
static int sgfw_peers_add_dev(struct sgfw_peers *p, struct net_device *dev,
			      enum sgfw_af af)
{
	struct sgfw_cidr c = { .af = af };
	int err = 0;

	if (af == SGFW_AF_INET) {
		struct in_device *in_dev = __in_dev_get_rtnl(dev);
		const struct in_ifaddr *ifa;

		if (!in_dev)
			return 0;
		c.plen = 32;
		in_dev_for_each_ifa_rtnl(ifa, in_dev) {
			c.addr.ip = ifa->ifa_local;
			err = sgfw_peers_add(p, &c);
			if (err)
				return err;
		}
	} else {
		struct inet6_dev *idev = __in6_dev_get(dev);
		struct inet6_ifaddr *ifp;

		if (!idev)
			return 0;
		c.plen = 128;
		read_lock_bh(&idev->lock);
		list_for_each_entry(ifp, &idev->addr_list, if_list) {
			c.addr.in6 = ifp->addr;
			/* krealloc may sleep: grow outside the lock. */
			if (p->n == p->cap) {
				err = -EAGAIN;
				break;
			}
			p->v[p->n++] = c;
		}
		read_unlock_bh(&idev->lock);
	}
	return err;
}

/*
 * The members of a group, as a sorted set of addresses of family @af
 * (what the matcher searches in, ruleset.h): the addresses added by hand;
 * those of every device of the namespace in endpoint mode that has the
 * group attached; and the instance addresses of every device in port mode
 * that has it, whether a device has the name or not (they are the
 * configuration's); at most SGFW_MAX_SG_PEER_ADDRS.  *@hosts says whether
 * they are all host addresses: an instance's may be prefixes.
 */
static int sgfw_peers_add_sg(struct sgfw_net *sn, struct sgfw_peers *p,
			     const struct sgfw_sg *sg, enum sgfw_af af,
			     bool *hosts)
{
	struct sgfw_dev *sd;
	u32 i, k;
	int err;

	*hosts = true;
	err = sgfw_peers_add_set(p, &sg->members, af);
	if (err)
		return err;
	list_for_each_entry(sd, &sn->dev_list, list) {
		const struct sgfw_port *port;
		struct net_device *dev;
		u32 mark = p->n;

		if (!sgfw_sgs_has(sd->sgs, sd->nsgs, sg))
			continue;
		port = sd->port;
		if (port) {
			err = sgfw_peers_add_cidrs(p, port->addrs, port->n,
						   af);
			if (err)
				return err;
			continue;
		}
		if (!sd->fd.ifindex)
			continue;
		dev = __dev_get_by_index(sn->net, sd->fd.ifindex);
		if (!dev)
			continue;
		/*
		 * IPv6 addresses are read under the device's lock, where the
		 * array cannot grow: make room and read again until it fits.
		 */
		while ((err = sgfw_peers_add_dev(p, dev, af)) == -EAGAIN) {
			p->n = mark;
			err = sgfw_peers_grow(p);
			if (err)
				return err;
		}
		if (err)
			return err;
	}
	if (!p->n)
		return 0;
	sort(p->v, p->n, sizeof(*p->v), sgfw_cidr_cmp, NULL);
	for (i = 1, k = 1; i < p->n; i++)
		if (sgfw_cidr_cmp(&p->v[i], &p->v[k - 1]))
			p->v[k++] = p->v[i];
	p->n = k;
	if (p->n > SGFW_MAX_SG_PEER_ADDRS) {
		pr_warn_ratelimited("security group %s stands for %u %s addresses; only the first %u are matched\n",
				    sg->name, p->n, sgfw_af_name(af),
				    SGFW_MAX_SG_PEER_ADDRS);
		p->n = SGFW_MAX_SG_PEER_ADDRS;
	}
	for (i = 0; i < p->n; i++)
		if (p->v[i].plen != (af == SGFW_AF_INET ? 32 : 128))
			*hosts = false;
	return 0;
}

static void sgfw_spec_match(struct sgfw_rule_spec *spec,
			    const struct sgfw_match *m)
{
	spec->any_proto = m->any_proto;
	spec->proto = m->proto;
	spec->any_port = m->any_port;
	spec->port_from = m->port_from;
	spec->port_to = m->port_to;
	spec->any_type = m->any_type;
	spec->any_code = m->any_code;
	spec->icmp_type = m->icmp_type;
	spec->icmp_code = m->icmp_code;
}

/*
 * The addresses @sg stands for as a peer in @af, made by the first rule
 * of a commit that needs them (@p: room to make them in) and shared by
 * every ruleset the commit builds; sgfw_config_commit() drops them at its
 * end.  Return: the set, or an ERR_PTR.
 */
static struct sgfw_peer_set *sgfw_sg_peer_set(struct sgfw_net *sn,
					      struct sgfw_sg *sg,
					      enum sgfw_af af,
					      struct sgfw_peers *p)
{
	struct sgfw_peer_set *set = sg->peer_set[af];
	bool hosts;
	int err;

	if (set)
		return set;
	p->n = 0;
	err = sgfw_peers_add_sg(sn, p, sg, af, &hosts);
	if (err)
		return ERR_PTR(err);
	set = sgfw_peer_set_new(af, p->v, p->n, hosts);
	if (!IS_ERR(set))
		sg->peer_set[af] = set;
	return set;
}

/* Drop the sets sgfw_sg_peer_set() made for this commit. */
static void sgfw_sg_peer_sets_put(struct sgfw_net *sn)
{
	struct sgfw_sg *sg;
	int af;

	list_for_each_entry(sg, &sn->cfg.sgs, list) {
		for (af = 0; af < SGFW_AF_NUM; af++) {
			sgfw_peer_set_put(sg->peer_set[af]);
			sg->peer_set[af] = NULL;
		}
	}
}

static int sgfw_build_rule(struct sgfw_net *sn,
			   struct sgfw_ruleset_builder *b,
			   const struct sgfw_sg *sg, const struct sgfw_rule *r,
			   struct sgfw_peers *p)
{
	struct sgfw_rule_spec spec = {
		.rule_id = r->id,
		.sg_id = sg->id,
		.dir = r->dir,
		.ctr = r->ctr,
	};
	u32 fams = sgfw_rule_families(r);
	struct sgfw_peer_set *set;
	enum sgfw_af af;
	int err;

	sgfw_spec_match(&spec, &r->m);
	for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++) {
		if (!(fams & BIT(af)))
			continue;
		p->n = 0;
		switch (r->peer_kind) {
		case SGFW_PEER_CIDR:
			err = sgfw_peers_add(p, &r->cidr);
			break;
		case SGFW_PEER_SG:
			/* Every device's rules naming the group share one set. */
			set = sgfw_sg_peer_set(sn, r->peer_sg, af, p);
			err = IS_ERR(set) ? PTR_ERR(set) :
			      sgfw_ruleset_add_set(b, af, &spec, set);
			goto next;
		case SGFW_PEER_PL:
			spec.peer_key = r->peer_pl;
			err = sgfw_ruleset_add_shared(b, af, &spec);
			if (err != -ENOENT)
				goto next;
			err = sgfw_peers_add_set(p, &r->peer_pl->entries, af);
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
		err = sgfw_ruleset_add(b, af, &spec, p->v, p->n);
next:
		if (err)
			return err;
	}
	return 0;
}

static struct sgfw_ruleset *sgfw_build_dev(struct sgfw_net *sn,
					   const struct sgfw_dev *sd,
					   struct sgfw_peers *p)
{
	struct sgfw_ruleset_builder *b;
	enum sgfw_direction dir;
	int err = 0;
	int i;

	b = sgfw_ruleset_builder_new();
	if (!b)
		return ERR_PTR(-ENOMEM);
	/* Ingress rules of every group, then egress: the order never
	 * changes what is allowed, only which rule is named as deciding.
	 */
	for (dir = SGFW_DIRECTION_INGRESS; dir <= SGFW_DIRECTION_EGRESS; dir++) {
		for (i = 0; i < sd->nsgs && !err; i++) {
			const struct sgfw_sg *sg = sd->sgs[i];
			const struct sgfw_rule *r;

			list_for_each_entry(r, &sg->rules, list) {
				if (r->dir != dir)
					continue;
				err = sgfw_build_rule(sn, b, sg, r, p);
				if (err)
					break;
			}
		}
	}
	if (err) {
		sgfw_ruleset_builder_destroy(b);
		return ERR_PTR(err);
	}
	return sgfw_ruleset_finish(b, &sd->to, sd->tracking);
}

/* Does @b's group ruleset come out the same as @a's (sgfw_build_dev())? */
static bool sgfw_build_same(const struct sgfw_build_in *a,
			    const struct sgfw_build_in *b)
{
	return a->nsgs == b->nsgs && a->tracking == b->tracking &&
	       a->to->tcp_established == b->to->tcp_established &&
	       a->to->udp == b->to->udp &&
	       a->to->udp_stream == b->to->udp_stream &&
	       !memcmp(a->sgs, b->sgs, a->nsgs * sizeof(a->sgs[0]));
}

static u32 sgfw_build_key(const struct sgfw_build_in *in)
{
	return jhash(in->sgs, in->nsgs * sizeof(in->sgs[0]),
		     in->nsgs ^ in->tracking << 8 ^ in->to->tcp_established ^
		     in->to->udp << 12 ^ in->to->udp_stream << 20);
}

/**
 * sgfw_build_dedup() - which devices of a commit get the same ruleset.
 * @in: what the group ruleset of each of @n devices is built from.
 * @n: how many (a few thousand at most).
 *
 * Devices alike (the same groups in the same order, timeouts and
 * tracking) get one ruleset, built for the first of them, so that 4096
 * instances of one kind cost one build.  In time linear in @n (a table of
 * the first ones by sgfw_build_key()), as the transaction's check runs it
 * on every command.
 *
 * Return: an array of @n indices (kvfree() it): for device i, the first
 * device alike it (i itself for the first one, and for a device of no
 * group); or NULL when out of memory.
 */
u32 *sgfw_build_dedup(const struct sgfw_build_in *in, u32 n)
{
	u32 size = roundup_pow_of_two(2 * (n ?: 1));
	u32 *first, *slots, i, j, k;

	first = kvcalloc(n + size, sizeof(*first), GFP_KERNEL_ACCOUNT);
	if (!first)
		return NULL;
	/* Slot values are the index of a first device plus one; 0 is free. */
	slots = first + n;
	for (i = 0; i < n; i++) {
		first[i] = i;
		if (!in[i].nsgs)
			continue;
		for (k = sgfw_build_key(&in[i]) & (size - 1); slots[k];
		     k = (k + 1) & (size - 1)) {
			j = slots[k] - 1;
			if (sgfw_build_same(&in[j], &in[i])) {
				first[i] = j;
				break;
			}
		}
		if (first[i] == i)
			slots[k] = i + 1;
	}
	return first;
}

/* What @sd's group ruleset is built from. */
static void sgfw_dev_build_in(struct sgfw_build_in *in,
			      const struct sgfw_dev *sd)
{
	in->sgs = sd->sgs;
	in->nsgs = sd->nsgs;
	in->to = &sd->to;
	in->tracking = sd->tracking;
}

/*
 * A network ACL as a ruleset: its rules in direction and number order,
 * each with its own CIDR, deny rules flagged, so that the first rule that
 * matches is the lowest-numbered one, as a NACL evaluates them.
 */
static struct sgfw_ruleset *sgfw_build_nacl(const struct sgfw_nacl *nacl)
{
	struct sgfw_ruleset_builder *b;
	const struct sgfw_nacl_rule *r;
	int err = 0;

	b = sgfw_ruleset_builder_new();
	if (!b)
		return ERR_PTR(-ENOMEM);
	list_for_each_entry(r, &nacl->rules, list) {
		struct sgfw_rule_spec spec = {
			.rule_id = r->number,
			.dir = r->dir,
			.deny = r->deny,
			.ctr = r->ctr,
		};

		sgfw_spec_match(&spec, &r->m);
		err = sgfw_ruleset_add(b, r->cidr.af, &spec, &r->cidr, 1);
		if (err) {
			sgfw_ruleset_builder_destroy(b);
			return ERR_PTR(err);
		}
	}
	return sgfw_ruleset_finish(b, NULL, SGFW_TRACKING_AUTO);
}

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
int (*sgfw_config_commit_hook)(struct sgfw_net *sn);
#endif

/* Give the hooks @sd's settings as configured, with its new rulesets. */
static void sgfw_dev_live(struct sgfw_dev *sd)
{
	WRITE_ONCE(sd->live_audit, sd->audit);
	if (rtnl_dereference(sd->live_port) != sd->port)
		sgfw_port_put(rcu_replace_pointer(sd->live_port,
						  sgfw_port_get(sd->port),
						  true));
}

/* KUnit only: a commit that fails once its rulesets are built. */
static int sgfw_config_commit_injected(struct sgfw_net *sn)
{
#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
	int (*hook)(struct sgfw_net *sn) = READ_ONCE(sgfw_config_commit_hook);

	if (hook)
		return hook(sn);
#endif
	return 0;
}

/**
 * sgfw_config_commit() - rebuild and publish every device's ruleset
 * @sn: the namespace
 *
 * Builds all rulesets first and publishes them only when every one was
 * built, so a failure leaves the data path exactly as it was.  Each old
 * ruleset is freed after it is unpublished (sgfw_ruleset_replace()).  A
 * device that is no longer filtered by groups loses its flows, after a
 * grace period: a packet that found its old ruleset may be about to record
 * one.  The namespace's first device turns netfilter's defragmentation on
 * and registers sgfw's hooks (netns.c says why only then).
 *
 * Context: RTNL; may sleep.
 * Return: 0, -ENOMEM, or the error of turning defragmentation on or of
 * registering the hooks.
 */
int sgfw_config_commit(struct sgfw_net *sn)
{
	struct sgfw_ruleset **next, **next_nacl;
	struct sgfw_build_in *in;
	struct sgfw_peers p = {};
	struct sgfw_nacl *nacl;
	struct sgfw_dev *sd;
	int n = 0, i = 0, err = 0;
	bool unfiltered = false;
	u32 *first;

	ASSERT_RTNL();
	list_for_each_entry(sd, &sn->dev_list, list)
		n++;
	next = kcalloc(2 * (n ?: 1), sizeof(*next), GFP_KERNEL_ACCOUNT);
	if (!next)
		return -ENOMEM;
	next_nacl = next + (n ?: 1);
	in = kvcalloc(n ?: 1, sizeof(*in), GFP_KERNEL_ACCOUNT);
	if (!in) {
		kfree(next);
		return -ENOMEM;
	}
	list_for_each_entry(sd, &sn->dev_list, list)
		sgfw_dev_build_in(&in[i++], sd);
	first = sgfw_build_dedup(in, n);
	kvfree(in);
	if (!first) {
		kfree(next);
		return -ENOMEM;
	}

	i = 0;
	list_for_each_entry(sd, &sn->dev_list, list) {
		/* Up to 4096 devices of 1000 rules, under the RTNL. */
		cond_resched();
		if (sd->nsgs) {
			next[i] = first[i] == i ? sgfw_build_dev(sn, sd, &p) :
				  sgfw_ruleset_get(next[first[i]]);
			if (IS_ERR(next[i])) {
				err = PTR_ERR(next[i]);
				next[i] = NULL;
				break;
			}
		}
		/* A NACL's ruleset depends on it alone: one per commit. */
		if (sd->nacl && sd->nacl->built) {
			next_nacl[i] = sgfw_ruleset_get(sd->nacl->built);
		} else if (sd->nacl) {
			next_nacl[i] = sgfw_build_nacl(sd->nacl);
			if (IS_ERR(next_nacl[i])) {
				err = PTR_ERR(next_nacl[i]);
				next_nacl[i] = NULL;
				i++;
				break;
			}
			sd->nacl->built = next_nacl[i];
		}
		i++;
	}
	kfree(p.v);
	kvfree(first);
	sgfw_sg_peer_sets_put(sn);
	list_for_each_entry(nacl, &sn->cfg.nacls, list)
		nacl->built = NULL;
	if (!err)
		err = sgfw_config_commit_injected(sn);
	if (err)
		goto err_put;

	if (!sn->defrag && n) {
		/* Ports are matched on whole datagrams (semantics.md). */
		err = nf_defrag_ipv4_enable(sn->net);
		if (!err) {
			err = nf_defrag_ipv6_enable(sn->net);
			if (err)
				nf_defrag_ipv4_disable(sn->net);
		}
		if (err)
			goto err_put;
		sn->defrag = true;
	}
	if (!sn->hooked && n) {
		/* The first device: the hooks, from now on (netns.c). */
		err = sgfw_hooks_register(sn->net);
		if (err)
			goto err_put;
		sn->hooked = true;
	}
	if (n)
		sgfw_flow_ns_set_memcg(&sn->flows);

	i = 0;
	list_for_each_entry(sd, &sn->dev_list, list) {
		sd->unfiltered = rtnl_dereference(sd->rs) && !next[i];
		unfiltered |= sd->unfiltered;
		sgfw_dev_live(sd);
		sgfw_ruleset_replace(&sd->rs, next[i], true);
		sgfw_ruleset_replace(&sd->nacl_rs, next_nacl[i], true);
		i++;
	}
	kfree(next);

	if (unfiltered) {
		/* Every packet that saw an old ruleset is done. */
		synchronize_net();
		list_for_each_entry(sd, &sn->dev_list, list) {
			if (sd->unfiltered && sd->fd.ifindex)
				sgfw_flowtable_flush(&sn->flows, &sd->fd,
						     SGFW_END_GROUP_GONE);
			sd->unfiltered = false;
		}
	}
	return 0;

err_put:
	while (i--) {
		sgfw_ruleset_put(next[i]);
		sgfw_ruleset_put(next_nacl[i]);
	}
	kfree(next);
	return err;
}

/*
 * Do the addresses of the namespace's devices stand for anything: is a
 * group that a device has attached the peer of a rule?  Else an address
 * change changes no ruleset.
 */
static bool sgfw_config_addrs_matter(struct sgfw_net *sn)
{
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &sn->cfg.sgs, list)
		if (sg->attached && sg->peer_refs)
			return true;
	return false;
}

/**
 * sgfw_charge_begin() - charge what a worker allocates to a namespace
 * @sn: the namespace
 *
 * What the worker allocates for @sn from now on is charged to the
 * namespace's memory cgroup (the one its flows are charged to), as a
 * command's allocations are: a kworker has no cgroup of its own, and
 * would charge the root.
 * Return: what sgfw_charge_end() puts back.
 */
struct mem_cgroup *sgfw_charge_begin(struct sgfw_net *sn)
{
	return set_active_memcg(READ_ONCE(sn->flows.memcg));
}

void sgfw_charge_end(struct mem_cgroup *old)
{
	set_active_memcg(old);
}

void sgfw_config_rebuild_work(struct work_struct *work)
{
	struct sgfw_net *sn = container_of(work, struct sgfw_net, rebuild_work);
	struct mem_cgroup *memcg;

	rtnl_lock();
	memcg = sgfw_charge_begin(sn);
	/* On failure the old member addresses stay until the next change. */
	if (!sn->dying && sgfw_config_addrs_matter(sn) &&
	    sgfw_config_commit(sn))
		pr_warn_ratelimited("cannot rebuild rulesets after an address change\n");
	sgfw_charge_end(memcg);
	rtnl_unlock();
}

void sgfw_config_init(struct sgfw_net *sn)
{
	xa_init(&sn->devs);
	INIT_LIST_HEAD(&sn->dev_list);
	hash_init(sn->dev_names);
	sgfw_cfg_init(&sn->cfg);
	xa_init(&sn->sg_ids);
	INIT_WORK(&sn->rebuild_work, sgfw_config_rebuild_work);
	mutex_init(&sn->txn_lock);
	INIT_DELAYED_WORK(&sn->rollback_work, sgfw_txn_rollback_work);
	sn->next_id = 1;
	sn->next_key = 1;
	sn->gen = 1;
}

/*
 * sgfw_config_changed() - a new generation of @sn's configuration (struct
 * sgfw_net, @gen).  Context: the RTNL that covers the change.
 */
void sgfw_config_changed(struct sgfw_net *sn)
{
	sn->gen = sn->gen + 1 ?: 1;
}

/* Take (@hold) or drop the count a rule keeps on its group or list peer. */
void sgfw_rule_peer_hold(struct sgfw_rule *r, bool hold)
{
	int d = hold ? 1 : -1;

	if (r->peer_kind == SGFW_PEER_SG)
		r->peer_sg->peer_refs += d;
	else if (r->peer_kind == SGFW_PEER_PL)
		r->peer_pl->refs += d;
}

static void sgfw_rule_free_rcu(struct rcu_head *head)
{
	struct sgfw_rule *r = container_of(head, struct sgfw_rule, rcu);

	free_percpu(r->ctr);
	kfree(r);
}

/*
 * Unlink and free a rule, dropping the count it keeps on its peer.  Its
 * counters go after a grace period: a ruleset that is being retired may
 * still count on them.
 */
void sgfw_rule_free(struct sgfw_rule *r)
{
	sgfw_rule_peer_hold(r, false);
	list_del(&r->list);
	call_rcu(&r->rcu, sgfw_rule_free_rcu);
}

/*
 * A rule that allows everything out to family @af, what a new group has;
 * its id is 0 until it is given one.
 */
struct sgfw_rule *sgfw_rule_new_all(enum sgfw_af af)
{
	struct sgfw_rule *r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);

	if (!r)
		return NULL;
	r->dir = SGFW_DIRECTION_EGRESS;
	r->m.any_proto = true;
	r->m.any_port = true;
	r->m.any_type = true;
	r->m.any_code = true;
	r->peer_kind = SGFW_PEER_CIDR;
	r->cidr.af = af;
	r->cidr.plen = 0;
	return r;
}

/**
 * sgfw_sg_new() - create a security group.
 * @sn: the namespace.
 * @name: its name, valid.
 * @desc: its description, at most 255 bytes.
 *
 * A new group has no ingress rules and one egress rule per family that
 * allows everything (semantics.md).  It is attached nowhere, so no
 * ruleset changes.
 * Context: RTNL.
 * Return: the group, or ERR_PTR(-ENOSPC) (the namespace has the most
 * groups it may), -EEXIST (the name is taken), -ENOMEM.
 */
struct sgfw_sg *sgfw_sg_new(struct sgfw_net *sn, const char *name,
			    const char *desc)
{
	struct sgfw_rule *r4, *r6;
	struct sgfw_sg *sg;

	ASSERT_RTNL();
	if (sn->cfg.n_sgs >= SGFW_MAX_SGS)
		return ERR_PTR(-ENOSPC);
	if (sgfw_sg_find(&sn->cfg, name))
		return ERR_PTR(-EEXIST);
	sg = kzalloc(sizeof(*sg), GFP_KERNEL_ACCOUNT);
	r4 = sgfw_rule_new_all(SGFW_AF_INET);
	r6 = sgfw_rule_new_all(SGFW_AF_INET6);
	if (!sg || !r4 || !r6)
		goto err_free;
	r4->id = sn->next_id++;
	r6->id = sn->next_id++;
	sg->id = sn->next_id;
	if (xa_insert(&sn->sg_ids, sg->id, sg, GFP_KERNEL_ACCOUNT))
		goto err_free;
	sn->next_id++;
	sn->cfg.n_sgs++;
	strscpy(sg->name, name, sizeof(sg->name));
	strscpy(sg->desc, desc, sizeof(sg->desc));
	INIT_LIST_HEAD(&sg->rules);
	list_add_tail(&r4->list, &sg->rules);
	list_add_tail(&r6->list, &sg->rules);
	list_add_tail(&sg->list, &sn->cfg.sgs);
	return sg;

err_free:
	kfree(r4);
	kfree(r6);
	kfree(sg);
	return ERR_PTR(-ENOMEM);
}

/*
 * sgfw_sg_free() - delete a group no device has: its rules, and then the
 * group itself after a grace period (the flow dump may be reading its
 * name).  Context: RTNL, or the namespace's exit.
 */
void sgfw_sg_free(struct sgfw_net *sn, struct sgfw_sg *sg)
{
	struct sgfw_rule *r, *tmp;

	list_for_each_entry_safe(r, tmp, &sg->rules, list)
		sgfw_rule_free(r);
	list_del(&sg->list);
	xa_erase(&sn->sg_ids, sg->id);
	sn->cfg.n_sgs--;
	kfree(sg->members.v);
	kfree_rcu(sg, rcu);
}

void sgfw_cfg_init(struct sgfw_cfg *cfg)
{
	INIT_LIST_HEAD(&cfg->sgs);
	INIT_LIST_HEAD(&cfg->pls);
	INIT_LIST_HEAD(&cfg->nacls);
	cfg->n_sgs = 0;
	cfg->n_pls = 0;
	cfg->n_nacls = 0;
}

/*
 * sgfw_cfg_destroy() - free every object of @cfg, which no device has any
 * more and no published ruleset names (the counters of its NACL rules and
 * its groups' names go after a grace period).  The caller has taken its
 * groups out of sgfw_net.sg_ids, or never put them there.
 */
void sgfw_cfg_destroy(struct sgfw_cfg *cfg)
{
	struct sgfw_nacl *nacl, *naclt;
	struct sgfw_rule *r, *rt;
	struct sgfw_sg *sg, *sgt;
	struct sgfw_pl *pl, *plt;

	list_for_each_entry_safe(nacl, naclt, &cfg->nacls, list)
		sgfw_nacl_free(nacl);
	/* Rules first: a rule may name a group freed before its own. */
	list_for_each_entry(sg, &cfg->sgs, list)
		list_for_each_entry_safe(r, rt, &sg->rules, list)
			sgfw_rule_free(r);
	list_for_each_entry_safe(sg, sgt, &cfg->sgs, list) {
		list_del(&sg->list);
		kfree(sg->members.v);
		kfree_rcu(sg, rcu);
	}
	list_for_each_entry_safe(pl, plt, &cfg->pls, list) {
		list_del(&pl->list);
		kfree(pl->entries.v);
		kfree(pl);
	}
	sgfw_cfg_init(cfg);
}

/*
 * sgfw_config_free() - free every object of a dying namespace.
 * Context: the namespace's exit; nothing else can reach its objects, and
 * its hooks are gone: the flows go with one flush of the namespace.
 */
void sgfw_config_free(struct sgfw_net *sn)
{
	struct sgfw_dev *sd, *sdt;

	list_for_each_entry_safe(sd, sdt, &sn->dev_list, list)
		sgfw_dev_remove(sn, sd, false);
	sgfw_cfg_destroy(&sn->cfg);
	xa_destroy(&sn->sg_ids);
	xa_destroy(&sn->devs);
}
