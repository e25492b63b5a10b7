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
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/bsearch.h>
#include <linux/sort.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "config.h"
#include "flowtable.h"

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
 *
 * Return: 0; -EEXIST when one is in the set already or named twice,
 * -E2BIG past the limit, -ENOMEM.  On error @s is unchanged.
 */
int sgfw_cidr_set_add(struct sgfw_cidr_set *s, const struct sgfw_cidr *add,
		      u32 n)
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
	if (s->n + n > SGFW_MAX_PL_ENTRIES)
		return -E2BIG;

	v = kmalloc_array(s->n + n, sizeof(*v), GFP_KERNEL);
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

struct sgfw_sg *sgfw_sg_find(struct sgfw_net *sn, const char *name)
{
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &sn->sgs, list)
		if (!strcmp(sg->name, name))
			return sg;
	return NULL;
}

struct sgfw_sg *sgfw_sg_find_id(struct sgfw_net *sn, u32 id)
{
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &sn->sgs, list)
		if (sg->id == id)
			return sg;
	return NULL;
}

struct sgfw_pl *sgfw_pl_find(struct sgfw_net *sn, const char *name)
{
	struct sgfw_pl *pl;

	list_for_each_entry(pl, &sn->pls, list)
		if (!strcmp(pl->name, name))
			return pl;
	return NULL;
}

struct sgfw_nacl *sgfw_nacl_find(struct sgfw_net *sn, const char *name)
{
	struct sgfw_nacl *nacl;

	list_for_each_entry(nacl, &sn->nacls, list)
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

struct sgfw_dev *sgfw_dev_find(struct sgfw_net *sn, int ifindex)
{
	struct sgfw_dev *sd;

	list_for_each_entry(sd, &sn->dev_list, list)
		if (sd->ifindex == ifindex)
			return sd;
	return NULL;
}

/* Context: RTNL.  Return: the device's entry, new if needed, or NULL. */
struct sgfw_dev *sgfw_dev_get_or_create(struct sgfw_net *sn, int ifindex)
{
	struct sgfw_dev *sd;
	int i;

	ASSERT_RTNL();
	sd = sgfw_dev_find(sn, ifindex);
	if (sd)
		return sd;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return NULL;
	sd->stats = alloc_percpu(struct sgfw_dev_stats);
	if (!sd->stats)
		goto err_free_dev;
	for_each_possible_cpu(i)
		u64_stats_init(&per_cpu_ptr(sd->stats, i)->syncp);
	sd->ifindex = ifindex;
	sd->to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF;
	sd->to.udp = SGFW_UDP_TIMEOUT_DEF;
	sd->to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF;
	sd->tracking = SGFW_TRACKING_AUTO;
	if (xa_insert(&sn->devs, ifindex, sd, GFP_KERNEL))
		goto err_free_stats;
	list_add_tail(&sd->list, &sn->dev_list);
	return sd;

err_free_stats:
	free_percpu(sd->stats);
err_free_dev:
	kfree(sd);
	return NULL;
}

static void sgfw_dev_free_rcu(struct rcu_head *head)
{
	struct sgfw_dev *sd = container_of(head, struct sgfw_dev, rcu);

	free_percpu(sd->stats);
	kfree(sd);
}

/*
 * sgfw_dev_remove() - forget a device: its groups, settings, ruleset and
 * flows.  Context: RTNL (or the namespace's exit).
 */
void sgfw_dev_remove(struct sgfw_net *sn, struct sgfw_dev *sd)
{
	int i;

	for (i = 0; i < sd->nsgs; i++)
		sd->sgs[i]->attached--;
	sd->nsgs = 0;
	sgfw_dev_set_nacl(sd, NULL);
	xa_erase(&sn->devs, sd->ifindex);
	list_del(&sd->list);
	sgfw_ruleset_put(rcu_dereference_protected(sd->rs, true));
	RCU_INIT_POINTER(sd->rs, NULL);
	sgfw_ruleset_put(rcu_dereference_protected(sd->nacl_rs, true));
	RCU_INIT_POINTER(sd->nacl_rs, NULL);
	sgfw_flowtable_flush(sn->net, &sn->flows, sd->ifindex);
	call_rcu(&sd->rcu, sgfw_dev_free_rcu);
}

/* Drop the entry of a device that has no group and default settings. */
void sgfw_dev_put_if_unused(struct sgfw_net *sn, struct sgfw_dev *sd)
{
	if (sd->nsgs || sd->nacl || sd->tracking != SGFW_TRACKING_AUTO ||
	    sd->to.tcp_established != SGFW_TCP_EST_TIMEOUT_DEF ||
	    sd->to.udp != SGFW_UDP_TIMEOUT_DEF ||
	    sd->to.udp_stream != SGFW_UDP_STREAM_TIMEOUT_DEF)
		return;
	sgfw_dev_remove(sn, sd);
}

void sgfw_dev_stats_read(const struct sgfw_dev *sd, u64 *accepted,
			 u64 *dropped)
{
	int cpu;

	*accepted = 0;
	*dropped = 0;
	for_each_possible_cpu(cpu) {
		const struct sgfw_dev_stats *s = per_cpu_ptr(sd->stats, cpu);
		unsigned int start;
		u64 a, d;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			a = u64_stats_read(&s->accepted);
			d = u64_stats_read(&s->dropped);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*accepted += a;
		*dropped += d;
	}
}

static u32 sgfw_rule_families(const struct sgfw_rule *r)
{
	if (r->peer_kind == SGFW_PEER_CIDR)
		return BIT(r->cidr.af);
	return BIT(SGFW_AF_INET) | BIT(SGFW_AF_INET6);
}

/* Rules of @sg, counted once per family they apply to. */
u32 sgfw_sg_rule_count(const struct sgfw_sg *sg)
{
	const struct sgfw_rule *r;
	u32 n = 0;

	list_for_each_entry(r, &sg->rules, list)
		n += hweight32(sgfw_rule_families(r));
	return n;
}

u32 sgfw_dev_rule_count(const struct sgfw_dev *sd)
{
	u32 i, n = 0;

	for (i = 0; i < sd->nsgs; i++)
		n += sgfw_sg_rule_count(sd->sgs[i]);
	return n;
}

/* The CIDRs a rule's peer stands for in one family, in a growing array. */
struct sgfw_peers {
	struct sgfw_cidr *v;
	u32 n, cap;
};

static int sgfw_peers_add(struct sgfw_peers *p, const struct sgfw_cidr *c)
{
	if (p->n == p->cap) {
		u32 cap = p->cap ? p->cap * 2 : 16;
		struct sgfw_cidr *v;

		v = krealloc_array(p->v, cap, sizeof(*v), GFP_KERNEL);
		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = *c;
	return 0;
}

static int sgfw_peers_add_set(struct sgfw_peers *p,
			      const struct sgfw_cidr_set *s, enum sgfw_af af)
{
	u32 i;
	int err;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].af != af)
			continue;
		err = sgfw_peers_add(p, &s->v[i]);
		if (err)
			return err;
	}
	return 0;
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
 * The members of a group: the addresses added by hand, and those of every
 * device of the namespace that has the group attached.
 */
static int sgfw_peers_add_sg(struct sgfw_net *sn, struct sgfw_peers *p,
			     const struct sgfw_sg *sg, enum sgfw_af af)
{
	struct sgfw_dev *sd;
	int err, i;

	err = sgfw_peers_add_set(p, &sg->members, af);
	if (err)
		return err;
	list_for_each_entry(sd, &sn->dev_list, list) {
		struct net_device *dev;
		bool has = false;
		u32 mark = p->n;

		for (i = 0; i < sd->nsgs; i++)
			has |= sd->sgs[i] == sg;
		if (!has)
			continue;
		dev = __dev_get_by_index(sn->net, sd->ifindex);
		if (!dev)
			continue;
		/*
		 * IPv6 addresses are read under the device's lock, where the
		 * array cannot grow: make room and read again until it fits.
		 */
		while ((err = sgfw_peers_add_dev(p, dev, af)) == -EAGAIN) {
			struct sgfw_cidr *v;
			u32 cap = p->cap ? p->cap * 2 : 16;

			p->n = mark;
			v = krealloc_array(p->v, cap, sizeof(*v), GFP_KERNEL);
			if (!v)
				return -ENOMEM;
			p->v = v;
			p->cap = cap;
		}
		if (err)
			return err;
	}
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

static int sgfw_build_rule(struct sgfw_net *sn,
			   struct sgfw_ruleset_builder *b,
			   const struct sgfw_sg *sg, const struct sgfw_rule *r,
			   struct sgfw_peers *p)
{
	struct sgfw_rule_spec spec = {
		.rule_id = r->id,
		.sg_id = sg->id,
		.dir = r->dir,
	};
	u32 fams = sgfw_rule_families(r);
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
			err = sgfw_peers_add_sg(sn, p, r->peer_sg, af);
			break;
		case SGFW_PEER_PL:
			err = sgfw_peers_add_set(p, &r->peer_pl->entries, af);
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
		err = sgfw_ruleset_add(b, af, &spec, p->v, p->n);
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

/**
 * sgfw_config_commit() - rebuild and publish every device's ruleset
 * @sn: the namespace
 *
 * Builds all rulesets first and publishes them only when every one was
 * built, so a failure leaves the data path exactly as it was.
 *
 * Context: RTNL.
 * Return: 0 or -ENOMEM.
 */
int sgfw_config_commit(struct sgfw_net *sn)
{
	struct sgfw_peers p = {};
	struct sgfw_ruleset **next, **next_nacl;
	struct sgfw_dev *sd;
	int n = 0, i = 0, err = 0;

	ASSERT_RTNL();
	list_for_each_entry(sd, &sn->dev_list, list)
		n++;
	next = kcalloc(2 * (n ?: 1), sizeof(*next), GFP_KERNEL);
	if (!next)
		return -ENOMEM;
	next_nacl = next + (n ?: 1);

	list_for_each_entry(sd, &sn->dev_list, list) {
		if (sd->nsgs) {
			next[i] = sgfw_build_dev(sn, sd, &p);
			if (IS_ERR(next[i])) {
				err = PTR_ERR(next[i]);
				next[i] = NULL;
				break;
			}
		}
		if (sd->nacl) {
			next_nacl[i] = sgfw_build_nacl(sd->nacl);
			if (IS_ERR(next_nacl[i])) {
				err = PTR_ERR(next_nacl[i]);
				next_nacl[i] = NULL;
				i++;
				break;
			}
		}
		i++;
	}
	kfree(p.v);
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

	i = 0;
	list_for_each_entry(sd, &sn->dev_list, list) {
		struct sgfw_ruleset *old = rtnl_dereference(sd->rs);

		rcu_assign_pointer(sd->rs, next[i]);
		sgfw_ruleset_put(old);
		sgfw_ruleset_put(rtnl_dereference(sd->nacl_rs));
		rcu_assign_pointer(sd->nacl_rs, next_nacl[i]);
		/* A device no longer filtered keeps no flows. */
		if (old && !next[i])
			sgfw_flowtable_flush(sn->net, &sn->flows, sd->ifindex);
		i++;
	}
	kfree(next);
	return 0;

err_put:
	while (i--) {
		sgfw_ruleset_put(next[i]);
		sgfw_ruleset_put(next_nacl[i]);
	}
	kfree(next);
	return err;
}

void sgfw_config_rebuild_work(struct work_struct *work)
{
	struct sgfw_net *sn = container_of(work, struct sgfw_net, rebuild_work);

	rtnl_lock();
	/* On failure the old member addresses stay until the next change. */
	if (!sn->dying && sgfw_config_commit(sn))
		pr_warn_ratelimited("cannot rebuild rulesets after an address change\n");
	rtnl_unlock();
}

void sgfw_config_init(struct sgfw_net *sn)
{
	xa_init(&sn->devs);
	INIT_LIST_HEAD(&sn->dev_list);
	INIT_LIST_HEAD(&sn->sgs);
	INIT_LIST_HEAD(&sn->pls);
	INIT_LIST_HEAD(&sn->nacls);
	INIT_WORK(&sn->rebuild_work, sgfw_config_rebuild_work);
	sn->next_id = 1;
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

/* Unlink and free a rule, dropping the count it keeps on its peer. */
void sgfw_rule_free(struct sgfw_rule *r)
{
	sgfw_rule_peer_hold(r, false);
	list_del(&r->list);
	kfree(r);
}

/*
 * sgfw_config_free() - free every object of a dying namespace.
 * Context: the namespace's exit; nothing else can reach its objects.
 */
void sgfw_config_free(struct sgfw_net *sn)
{
	struct sgfw_dev *sd, *sdt;
	struct sgfw_rule *r, *rt;
	struct sgfw_sg *sg, *sgt;
	struct sgfw_nacl *nacl, *naclt;
	struct sgfw_pl *pl, *plt;

	list_for_each_entry_safe(sd, sdt, &sn->dev_list, list)
		sgfw_dev_remove(sn, sd);
	list_for_each_entry_safe(nacl, naclt, &sn->nacls, list)
		sgfw_nacl_free(nacl);
	list_for_each_entry(sg, &sn->sgs, list)
		list_for_each_entry_safe(r, rt, &sg->rules, list)
			sgfw_rule_free(r);
	list_for_each_entry_safe(sg, sgt, &sn->sgs, list) {
		list_del(&sg->list);
		kfree(sg->members.v);
		kfree(sg);
	}
	list_for_each_entry_safe(pl, plt, &sn->pls, list) {
		list_del(&pl->list);
		kfree(pl->entries.v);
		kfree(pl);
	}
	xa_destroy(&sn->devs);
}
