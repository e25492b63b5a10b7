// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions (txn.h): building a candidate configuration, committing it,
 * and the commit that goes back by itself unless confirmed.
 *
 * Building needs no lock but the one that keeps the transaction to one
 * request at a time (sgfw_net.txn_lock): a candidate is private.  A commit
 * runs under the RTNL, as every change of the running configuration.
 */

#include <linux/list_sort.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "config.h"
#include "events.h"
#include "flowtable.h"
#include "hooks.h"
#include "txn.h"

struct sgfw_txn *sgfw_txn_new(u32 portid)
{
	struct sgfw_txn *txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);

	if (!txn)
		return NULL;
	txn->portid = portid;
	sgfw_cfg_init(&txn->cfg);
	INIT_LIST_HEAD(&txn->devs);
	return txn;
}

static void sgfw_txn_devs_free(struct list_head *devs)
{
	struct sgfw_txn_dev *td, *tmp;

	list_for_each_entry_safe(td, tmp, devs, list) {
		list_del(&td->list);
		sgfw_port_put(td->port);
		kfree(td);
	}
}

/* Free a transaction that is not being committed; NULL is fine. */
void sgfw_txn_destroy(struct sgfw_txn *txn)
{
	if (!txn)
		return;
	sgfw_txn_devs_free(&txn->devs);
	sgfw_cfg_destroy(&txn->cfg);
	kfree(txn);
}

/* ---- building ---- */

/* Copy @n canonical CIDRs into @s, refusing a repeated one. */
static int sgfw_txn_cidr_set(struct sgfw_cidr_set *s, const struct sgfw_cidr *v,
			     u32 n, u32 max, const char *what,
			     struct netlink_ext_ack *extack)
{
	int err;

	if (!n)
		return 0;
	err = sgfw_cidr_set_add(s, v, n, max);
	if (err == -EEXIST)
		sgfw_err_fmt(extack, "an address is named twice",
			     "an address is named twice in the %s", what);
	else if (err == -E2BIG)
		sgfw_err_fmt(extack, "too many entries",
			     "the %s would hold more than %u entries", what,
			     max);
	return err;
}

/**
 * sgfw_txn_add_pl() - add a prefix list to the candidate.
 * @txn: the transaction.
 * @name: its name, valid.
 * @max_entries: 1 to SGFW_MAX_PL_ENTRIES.
 * @v: its entries, canonical.
 * @n: how many.
 * @extack: for the message.
 *
 * Return: the list, or ERR_PTR(-EEXIST, -ENOSPC, -E2BIG, -ENOMEM).
 */
struct sgfw_pl *sgfw_txn_add_pl(struct sgfw_txn *txn, const char *name,
				u32 max_entries, const struct sgfw_cidr *v,
				u32 n, struct netlink_ext_ack *extack)
{
	struct sgfw_pl *pl;
	int err;

	if (sgfw_pl_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "a prefix list is named twice",
			     "prefix list %s is named twice", name);
		return ERR_PTR(-EEXIST);
	}
	if (txn->cfg.n_pls >= SGFW_MAX_PLS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 100 prefix lists");
		return ERR_PTR(-ENOSPC);
	}
	pl = kzalloc(sizeof(*pl), GFP_KERNEL_ACCOUNT);
	if (!pl)
		return ERR_PTR(-ENOMEM);
	strscpy(pl->name, name, sizeof(pl->name));
	pl->max_entries = max_entries;
	err = sgfw_txn_cidr_set(&pl->entries, v, n, max_entries,
				"prefix list (its max-entries)", extack);
	if (err) {
		kfree(pl);
		return ERR_PTR(err);
	}
	pl->key = txn->cfg.n_pls + 1;	/* its place; a commit renumbers */
	list_add_tail(&pl->list, &txn->cfg.pls);
	txn->cfg.n_pls++;
	return pl;
}

/**
 * sgfw_txn_add_sg() - add a security group, with no rule, to the candidate.
 * @txn: the transaction.
 * @name: its name, valid.
 * @desc: its description, at most 255 bytes.
 * @v: its members (host addresses), canonical.
 * @n: how many.
 * @extack: for the message.
 *
 * Unlike sgfw_sg_new(), the group gets no default rule: the candidate
 * holds exactly the rules it is given (sgfw_txn_add_sg_rule()).
 * Return: the group, or ERR_PTR(-EEXIST, -ENOSPC, -E2BIG, -ENOMEM).
 */
struct sgfw_sg *sgfw_txn_add_sg(struct sgfw_txn *txn, const char *name,
				const char *desc, const struct sgfw_cidr *v,
				u32 n, struct netlink_ext_ack *extack)
{
	struct sgfw_sg *sg;
	int err;

	if (sgfw_sg_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "a security group is named twice",
			     "security group %s is named twice", name);
		return ERR_PTR(-EEXIST);
	}
	if (txn->cfg.n_sgs >= SGFW_MAX_SGS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 2500 security groups");
		return ERR_PTR(-ENOSPC);
	}
	sg = kzalloc(sizeof(*sg), GFP_KERNEL_ACCOUNT);
	if (!sg)
		return ERR_PTR(-ENOMEM);
	strscpy(sg->name, name, sizeof(sg->name));
	strscpy(sg->desc, desc, sizeof(sg->desc));
	INIT_LIST_HEAD(&sg->rules);
	err = sgfw_txn_cidr_set(&sg->members, v, n, SGFW_MAX_MEMBERS,
				"security group", extack);
	if (err) {
		kfree(sg);
		return ERR_PTR(err);
	}
	list_add_tail(&sg->list, &txn->cfg.sgs);
	txn->cfg.n_sgs++;
	return sg;
}

/*
 * May rule @r join group @sg of @txn?  Not if a device of @txn that has
 * the group would then count more than SGFW_MAX_DEV_RULES: 0 or -ENOSPC.
 */
static int sgfw_txn_devs_room(const struct sgfw_txn *txn,
			      const struct sgfw_sg *sg,
			      const struct sgfw_rule *r,
			      struct netlink_ext_ack *extack)
{
	const struct sgfw_txn_dev *td;
	u32 add;

	add = sgfw_rule_weight(r, SGFW_AF_INET) +
	      sgfw_rule_weight(r, SGFW_AF_INET6);
	list_for_each_entry(td, &txn->devs, list) {
		if (!sgfw_sgs_has(td->sgs, td->nsgs, sg) ||
		    sgfw_sgs_rule_count(td->sgs, td->nsgs) + add <=
		    SGFW_MAX_DEV_RULES)
			continue;
		sgfw_err_fmt(extack, "a device would have more than 1000 rules",
			     "device %s would have more than %u rules",
			     td->name, SGFW_MAX_DEV_RULES);
		return -ENOSPC;
	}
	return 0;
}

/**
 * sgfw_txn_add_sg_rule() - add a rule to a group of the candidate.
 * @txn: the transaction.
 * @sg: a group of @txn.
 * @r: the rule, its peer (if a group or a list) one of @txn; its id 0.
 * @extack: for the message.
 *
 * The group's own limits apply here, and those of the devices already
 * given the group; a device's limit also when a device is given it later
 * (sgfw_txn_add_dev()), so that the order of a transaction's requests
 * does not matter.
 * Return: 0 (@r is the candidate's), -EEXIST or -ENOSPC (@r is not).
 */
int sgfw_txn_add_sg_rule(struct sgfw_txn *txn, struct sgfw_sg *sg,
			 struct sgfw_rule *r, struct netlink_ext_ack *extack)
{
	int err;

	if (sgfw_sg_rule_find(sg, r)) {
		sgfw_err_fmt(extack, "the security group has this rule twice",
			     "security group %s has this rule twice", sg->name);
		return -EEXIST;
	}
	err = sgfw_sg_group_limits(sg, r, extack) ?:
	      sgfw_txn_devs_room(txn, sg, r, extack);
	if (err)
		return err;
	list_add_tail(&r->list, &sg->rules);
	sgfw_rule_peer_hold(r, true);
	return 0;
}

/* Add an empty NACL to the candidate: ERR_PTR(-EEXIST, -ENOSPC, -ENOMEM). */
struct sgfw_nacl *sgfw_txn_add_nacl(struct sgfw_txn *txn, const char *name,
				    struct netlink_ext_ack *extack)
{
	struct sgfw_nacl *nacl;

	if (sgfw_nacl_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "a network ACL is named twice",
			     "network ACL %s is named twice", name);
		return ERR_PTR(-EEXIST);
	}
	if (txn->cfg.n_nacls >= SGFW_MAX_NACLS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 200 network ACLs");
		return ERR_PTR(-ENOSPC);
	}
	nacl = kzalloc(sizeof(*nacl), GFP_KERNEL_ACCOUNT);
	if (!nacl)
		return ERR_PTR(-ENOMEM);
	strscpy(nacl->name, name, sizeof(nacl->name));
	INIT_LIST_HEAD(&nacl->rules);
	nacl->key = txn->cfg.n_nacls + 1;
	list_add_tail(&nacl->list, &txn->cfg.nacls);
	txn->cfg.n_nacls++;
	return nacl;
}

/* Add @r to @nacl of the candidate: 0, or -EEXIST/-ENOSPC (not added). */
int sgfw_txn_add_nacl_rule(struct sgfw_txn *txn, struct sgfw_nacl *nacl,
			   struct sgfw_nacl_rule *r,
			   struct netlink_ext_ack *extack)
{
	struct list_head *pos;
	int err;

	err = sgfw_nacl_rule_place(nacl, r, &pos, extack);
	if (!err)
		list_add_tail(&r->list, pos);
	return err;
}

static struct sgfw_txn_dev *sgfw_txn_dev_find(const struct sgfw_txn *txn,
					      const char *name)
{
	struct sgfw_txn_dev *td;

	list_for_each_entry(td, &txn->devs, list)
		if (!strcmp(td->name, name))
			return td;
	return NULL;
}

/* May @txn name one more device?  At most SGFW_MAX_DEVS. */
static int sgfw_txn_dev_room(struct sgfw_txn *txn,
			     struct netlink_ext_ack *extack)
{
	if (list_count_nodes(&txn->devs) < SGFW_MAX_DEVS)
		return 0;
	sgfw_err_fmt(extack, "a configuration names too many devices",
		     "a configuration names at most %u devices",
		     SGFW_MAX_DEVS);
	return -ENOSPC;
}

/**
 * sgfw_txn_add_dev() - give a device settings in the candidate.
 * @txn: the transaction.
 * @td: the settings: a valid device name (which no device need have),
 *	groups and NACL of @txn, valid timeouts; its reference to a port
 *	becomes the candidate's on success.
 * @name: the device's name, for messages.
 * @extack: for the message.
 *
 * Return: 0, -EEXIST (the device is named twice or a group twice),
 * -ENOSPC (more than 1000 rules, or SGFW_MAX_DEVS devices) or -ENOMEM.
 */
int sgfw_txn_add_dev(struct sgfw_txn *txn, const struct sgfw_txn_dev *td,
		     const char *name, struct netlink_ext_ack *extack)
{
	struct sgfw_txn_dev *n;
	int i, j, err;

	if (sgfw_txn_dev_find(txn, td->name)) {
		sgfw_err_fmt(extack, "a device is named twice",
			     "device %s is named twice", name);
		return -EEXIST;
	}
	for (i = 0; i < td->nsgs; i++) {
		for (j = 0; j < i; j++) {
			if (td->sgs[i] != td->sgs[j])
				continue;
			sgfw_err_fmt(extack,
				     "a device names a security group twice",
				     "%s names security group %s twice", name,
				     td->sgs[i]->name);
			return -EEXIST;
		}
	}
	err = sgfw_sgs_limits(td->sgs, td->nsgs, name, extack) ?:
	      sgfw_txn_dev_room(txn, extack);
	if (err)
		return err;
	n = kmemdup(td, sizeof(*td), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	n->sd = NULL;
	list_add_tail(&n->list, &txn->devs);
	return 0;
}

/* ---- committing ---- */

static void sgfw_txn_dev_save(struct sgfw_txn_dev *td, struct sgfw_dev *sd)
{
	strscpy(td->name, sd->name, sizeof(td->name));
	td->sd = sd;
	td->nsgs = sd->nsgs;
	memcpy(td->sgs, sd->sgs, sizeof(td->sgs));
	td->nacl = sd->nacl;
	td->to = sd->to;
	td->tracking = sd->tracking;
	td->audit = sd->audit;
	td->port = sgfw_port_get(sd->port);
}

/*
 * Give @sd the settings @td, or (NULL) none: as configured; the hooks
 * apply them once sgfw_config_commit() publishes them.
 */
static void sgfw_txn_dev_load(struct sgfw_dev *sd,
			      const struct sgfw_txn_dev *td)
{
	struct sgfw_port *old = sd->port;

	if (td) {
		sd->nsgs = td->nsgs;
		memcpy(sd->sgs, td->sgs, sizeof(sd->sgs));
		sd->nacl = td->nacl;
		sd->to = td->to;
		sd->tracking = td->tracking;
		sd->audit = td->audit;
		sd->port = sgfw_port_get(td->port);
	} else {
		sd->nsgs = 0;
		sd->nacl = NULL;
		sd->to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF;
		sd->to.udp = SGFW_UDP_TIMEOUT_DEF;
		sd->to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF;
		sd->tracking = SGFW_TRACKING_AUTO;
		sd->audit = false;
		sd->port = NULL;
	}
	sgfw_port_put(old);
}

/* The attached counts of @cfg's objects, from the devices of @sn. */
static void sgfw_cfg_count_attached(struct sgfw_cfg *cfg, struct sgfw_net *sn)
{
	struct sgfw_nacl *nacl;
	struct sgfw_dev *sd;
	struct sgfw_sg *sg;
	int i;

	list_for_each_entry(sg, &cfg->sgs, list)
		sg->attached = 0;
	list_for_each_entry(nacl, &cfg->nacls, list)
		nacl->attached = 0;
	list_for_each_entry(sd, &sn->dev_list, list) {
		for (i = 0; i < sd->nsgs; i++)
			sd->sgs[i]->attached++;
		if (sd->nacl)
			sd->nacl->attached++;
	}
}

static bool sgfw_nacl_rule_same(const struct sgfw_nacl_rule *a,
				const struct sgfw_nacl_rule *b)
{
	return a->number == b->number && a->dir == b->dir &&
	       a->deny == b->deny && sgfw_match_equal(&a->m, &b->m) &&
	       a->cidr.af == b->cidr.af && a->cidr.plen == b->cidr.plen &&
	       !memcmp(&a->cidr.addr, &b->cidr.addr, sizeof(a->cidr.addr));
}

/*
 * A rule of @b that is the same as one of the group or NACL of the same
 * name in @a trades counters with it.  Its own inverse: called again with
 * the same configurations, it trades them back.
 */
static void sgfw_cfg_trade_counters(struct sgfw_cfg *a, struct sgfw_cfg *b)
{
	struct sgfw_rule *sr, *so;
	struct sgfw_nacl_rule *r, *o;
	struct sgfw_nacl *nacl, *old;
	struct sgfw_sg *sg, *osg;

	list_for_each_entry(sg, &b->sgs, list) {
		osg = sgfw_sg_find(a, sg->name);
		if (!osg)
			continue;
		list_for_each_entry(sr, &sg->rules, list) {
			so = sgfw_sg_rule_find(osg, sr);
			if (so)
				swap(sr->ctr, so->ctr);
		}
	}
	list_for_each_entry(nacl, &b->nacls, list) {
		old = sgfw_nacl_find(a, nacl->name);
		if (!old)
			continue;
		list_for_each_entry(r, &nacl->rules, list) {
			list_for_each_entry(o, &old->rules, list) {
				if (sgfw_nacl_rule_same(r, o)) {
					swap(r->ctr, o->ctr);
					break;
				}
			}
		}
	}
}

/* Counters for the rules of @cfg that have none (clones, new ones). */
static int sgfw_cfg_new_counters(struct sgfw_cfg *cfg)
{
	struct sgfw_nacl_rule *r;
	struct sgfw_nacl *nacl;
	struct sgfw_rule *sr;
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &cfg->sgs, list) {
		list_for_each_entry(sr, &sg->rules, list) {
			if (!sr->ctr)
				sr->ctr = sgfw_rule_ctr_alloc();
			if (!sr->ctr)
				return -ENOMEM;
		}
	}
	list_for_each_entry(nacl, &cfg->nacls, list) {
		list_for_each_entry(r, &nacl->rules, list) {
			if (!r->ctr)
				r->ctr = sgfw_rule_ctr_alloc();
			if (!r->ctr)
				return -ENOMEM;
		}
	}
	return 0;
}

static void sgfw_cfg_swap(struct sgfw_cfg *a, struct sgfw_cfg *b)
{
	struct sgfw_cfg t;

	sgfw_cfg_init(&t);
	list_splice_init(&a->sgs, &t.sgs);
	list_splice_init(&a->pls, &t.pls);
	list_splice_init(&a->nacls, &t.nacls);
	list_splice_init(&b->sgs, &a->sgs);
	list_splice_init(&b->pls, &a->pls);
	list_splice_init(&b->nacls, &a->nacls);
	list_splice_init(&t.sgs, &b->sgs);
	list_splice_init(&t.pls, &b->pls);
	list_splice_init(&t.nacls, &b->nacls);
	swap(a->n_sgs, b->n_sgs);
	swap(a->n_pls, b->n_pls);
	swap(a->n_nacls, b->n_nacls);
}

static int sgfw_sg_id_cmp(void *priv, const struct list_head *a,
			  const struct list_head *b)
{
	const struct sgfw_sg *x = list_entry(a, struct sgfw_sg, list);
	const struct sgfw_sg *y = list_entry(b, struct sgfw_sg, list);

	return x->id < y->id ? -1 : x->id > y->id;
}

static int sgfw_rule_id_cmp(void *priv, const struct list_head *a,
			    const struct list_head *b)
{
	const struct sgfw_rule *x = list_entry(a, struct sgfw_rule, list);
	const struct sgfw_rule *y = list_entry(b, struct sgfw_rule, list);

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Ids for the candidate's groups and rules: those of the running group of
 * the same name and of its rule that allows the same; what a candidate
 * brings (one that was running before, being committed back) when no
 * running object has it; new ones otherwise.  Ids are never reused, so an
 * id a candidate brings is not another object's.
 */
static int sgfw_txn_ids(struct sgfw_net *sn, struct sgfw_cfg *cfg)
{
	struct sgfw_rule *r, *o, *w;
	struct sgfw_sg *sg, *old;
	int err;

	list_for_each_entry(sg, &cfg->sgs, list) {
		sg->new_id = false;
		/* A copy (sgfw_txn_clone()) finds its group by id. */
		old = sg->id ? xa_load(&sn->sg_ids, sg->id) : NULL;
		if (!old || strcmp(old->name, sg->name))
			old = sgfw_sg_find(&sn->cfg, sg->name);
		if (old)
			sg->id = old->id;
		else if (!sg->id || xa_load(&sn->sg_ids, sg->id))
			sg->id = sn->next_id++;
		w = old ? list_first_entry_or_null(&old->rules, struct sgfw_rule,
						   list) : NULL;
		list_for_each_entry(r, &sg->rules, list) {
			/*
			 * Both lists are in id order where they are copies:
			 * walk them side by side, and search where not.
			 */
			while (w && r->id && w->id < r->id)
				w = list_is_last(&w->list, &old->rules) ? NULL :
				    list_next_entry(w, list);
			o = w;
			if (!(o && o->id == r->id && sgfw_rule_same(o, r)))
				o = old ? sgfw_sg_rule_find(old, r) : NULL;
			if (o)
				r->id = o->id;
			else if (!r->id)
				r->id = sn->next_id++;
		}
		/* Lists in id order, as single commands keep them. */
		list_sort(NULL, &sg->rules, sgfw_rule_id_cmp);
		if (old)
			continue;
		err = xa_insert(&sn->sg_ids, sg->id, sg, GFP_KERNEL_ACCOUNT);
		if (err)
			return err;
		sg->new_id = true;
	}
	list_sort(NULL, &cfg->sgs, sgfw_sg_id_cmp);
	return 0;
}

static void sgfw_txn_ids_undo(struct sgfw_net *sn, struct sgfw_cfg *cfg)
{
	struct sgfw_sg *sg;

	list_for_each_entry(sg, &cfg->sgs, list) {
		if (sg->new_id)
			xa_erase(&sn->sg_ids, sg->id);
		sg->new_id = false;
	}
}

static int sgfw_pl_key_cmp(void *priv, const struct list_head *a,
			   const struct list_head *b)
{
	const struct sgfw_pl *x = list_entry(a, struct sgfw_pl, list);
	const struct sgfw_pl *y = list_entry(b, struct sgfw_pl, list);

	return x->key < y->key ? -1 : x->key > y->key;
}

static int sgfw_nacl_key_cmp(void *priv, const struct list_head *a,
			     const struct list_head *b)
{
	const struct sgfw_nacl *x = list_entry(a, struct sgfw_nacl, list);
	const struct sgfw_nacl *y = list_entry(b, struct sgfw_nacl, list);

	return x->key < y->key ? -1 : x->key > y->key;
}

/*
 * The keys that dumps resume at (struct sgfw_pl): a list or NACL keeps
 * the key of the running one of its name, a new one gets a new key, and
 * the lists are kept in key order.
 */
static void sgfw_txn_keys(struct sgfw_net *sn, struct sgfw_cfg *cfg)
{
	struct sgfw_nacl *nacl, *on;
	struct sgfw_pl *pl, *op;

	list_for_each_entry(pl, &cfg->pls, list) {
		op = sgfw_pl_find(&sn->cfg, pl->name);
		pl->key = op ? op->key : sn->next_key++;
	}
	list_for_each_entry(nacl, &cfg->nacls, list) {
		on = sgfw_nacl_find(&sn->cfg, nacl->name);
		nacl->key = on ? on->key : sn->next_key++;
	}
	list_sort(NULL, &cfg->pls, sgfw_pl_key_cmp);
	list_sort(NULL, &cfg->nacls, sgfw_nacl_key_cmp);
}

/*
 * Port mode's hooks go on every bound device the candidate puts in port
 * mode before anything is published, since registering them may fail;
 * they let every packet pass until the device's port is published.
 */
static int sgfw_txn_hook_ports(struct sgfw_net *sn, struct sgfw_txn *txn)
{
	struct sgfw_txn_dev *td;
	struct net_device *dev;
	int err;

	list_for_each_entry(td, &txn->devs, list) {
		if (!td->port || !td->sd->fd.ifindex)
			continue;
		dev = __dev_get_by_index(sn->net, td->sd->fd.ifindex);
		if (WARN_ON_ONCE(!dev))
			continue;
		err = sgfw_port_hooks_add(sn->net, td->sd, dev);
		if (err)
			return err;
	}
	return 0;
}

/* ... and come off every device that is not in port mode, after. */
static void sgfw_txn_unhook_ports(struct sgfw_net *sn)
{
	struct sgfw_dev *sd;

	list_for_each_entry(sd, &sn->dev_list, list)
		if (sd->hooked && !sd->port)
			sgfw_port_hooks_del(sn->net, sd);
}

/*
 * The flows of a device that changed mode were opened the other way
 * round, by the namespace or by the instance: they go, once every packet
 * that saw the old mode is done.  @saved: the settings from before.
 */
static void sgfw_txn_remode(struct sgfw_net *sn, struct list_head *saved)
{
	struct sgfw_txn_dev *td;
	bool any = false;

	list_for_each_entry(td, saved, list) {
		td->remode = td->sd->fd.ifindex &&
			    !td->port != !td->sd->port;
		any |= td->remode;
	}
	if (!any)
		return;
	synchronize_net();
	list_for_each_entry(td, saved, list)
		if (td->remode)
			sgfw_flowtable_flush(&sn->flows, &td->sd->fd,
					     SGFW_END_FLUSHED);
}

/**
 * sgfw_txn_build_room() - may a commit of @txn build its rulesets?
 * @txn: the transaction, its candidate complete.
 * @extack: for the message.
 *
 * A commit builds, under the RTNL, a ruleset for each distinct device of
 * the candidate (its groups, timeouts and tracking: sgfw_build_dedup()),
 * whatever the command changed.  Root of a user namespace could otherwise
 * give 4096 device names 4096 different sets of 1000 rules, and hold
 * every RTNL user of the host for a minute with each command it sends.
 * Context: may sleep; @txn is the caller's alone (a transaction under its
 * lock, or a single command's copy).
 * Return: 0, -ENOSPC (their rules would pass SGFW_MAX_BUILD_RULES) or
 * -ENOMEM.
 */
int sgfw_txn_build_room(const struct sgfw_txn *txn,
			struct netlink_ext_ack *extack)
{
	const struct sgfw_txn_dev *td;
	struct sgfw_build_in *in;
	u32 n = 0, i = 0, builds = 0, rules = 0;
	u32 *first;

	list_for_each_entry(td, &txn->devs, list)
		n++;
	in = kvcalloc(n ?: 1, sizeof(*in), GFP_KERNEL_ACCOUNT);
	if (!in)
		return -ENOMEM;
	list_for_each_entry(td, &txn->devs, list) {
		in[i].sgs = td->sgs;
		in[i].nsgs = td->nsgs;
		in[i].to = &td->to;
		in[i].tracking = td->tracking;
		i++;
	}
	first = sgfw_build_dedup(in, n);
	for (i = 0; first && i < n; i++) {
		if (first[i] != i || !in[i].nsgs)
			continue;
		builds++;
		/* Each rule walked counts one at least: a walk of the limit. */
		if (rules <= SGFW_MAX_BUILD_RULES)
			rules += sgfw_sgs_rule_count(in[i].sgs, in[i].nsgs);
	}
	kvfree(first);
	kvfree(in);
	if (!first)
		return -ENOMEM;
	if (rules <= SGFW_MAX_BUILD_RULES)
		return 0;
	sgfw_err_fmt(extack,
		     "the devices' distinct rulesets would hold more than 262144 rules",
		     "the devices' %u distinct rulesets would hold over %u rules",
		     builds, SGFW_MAX_BUILD_RULES);
	return -ENOSPC;
}

/**
 * sgfw_txn_commit() - make @txn's candidate the running configuration.
 * @sn: the namespace.
 * @txn: the transaction; the device names it has a configuration for
 *	need not exist: those that do not wait (config.h, sgfw_dev).
 *
 * On success @txn holds the configuration that was running (its objects
 * and the settings every device had), and the flow limit it had.  On
 * failure nothing has changed, @txn included.
 * Context: RTNL; may sleep.
 * Return: 0 or -ENOMEM.
 */
int sgfw_txn_commit(struct sgfw_net *sn, struct sgfw_txn *txn)
{
	struct sgfw_txn_dev *td;
	struct sgfw_dev *sd, *sdt;
	struct sgfw_sg *sg;
	LIST_HEAD(saved);
	u32 limit;
	int err;

	ASSERT_RTNL();
	err = sgfw_txn_ids(sn, &txn->cfg);
	if (err)
		goto err_ids;
	sgfw_txn_keys(sn, &txn->cfg);
	/*
	 * What runs is saved before the candidate's new names get an entry:
	 * going back then needs the slots of at most SGFW_MAX_DEVS names
	 * beside those running, as this commit did (struct sgfw_flow_dev).
	 */
	list_for_each_entry(sd, &sn->dev_list, list) {
		td = kzalloc(sizeof(*td), GFP_KERNEL_ACCOUNT);
		if (!td) {
			err = -ENOMEM;
			goto err_devs;
		}
		sgfw_txn_dev_save(td, sd);
		list_add_tail(&td->list, &saved);
		sd->named = false;
	}
	list_for_each_entry(td, &txn->devs, list) {
		td->sd = sgfw_dev_find(sn, td->name);
		td->created = !td->sd;
		if (td->created)
			td->sd = sgfw_dev_get_or_create(sn, td->name);
		if (IS_ERR(td->sd)) {
			err = PTR_ERR(td->sd);
			td->sd = NULL;
			goto err_devs;
		}
		td->sd->named = true;
	}
	err = sgfw_txn_hook_ports(sn, txn);
	if (err)
		goto err_devs;

	sgfw_cfg_trade_counters(&sn->cfg, &txn->cfg);
	err = sgfw_cfg_new_counters(&txn->cfg);
	if (err) {
		sgfw_cfg_trade_counters(&sn->cfg, &txn->cfg);
		goto err_devs;
	}

	/* From here on, only the rulesets' build may fail. */
	list_for_each_entry(td, &txn->devs, list)
		sgfw_txn_dev_load(td->sd, td);
	list_for_each_entry(sd, &sn->dev_list, list)
		if (!sd->named)
			sgfw_txn_dev_load(sd, NULL);
	sgfw_cfg_swap(&sn->cfg, &txn->cfg);
	err = sgfw_config_commit(sn);
	if (err) {
		sgfw_cfg_swap(&sn->cfg, &txn->cfg);
		sgfw_cfg_trade_counters(&sn->cfg, &txn->cfg);
		list_for_each_entry(td, &saved, list)
			sgfw_txn_dev_load(td->sd, td);
		list_for_each_entry(td, &txn->devs, list)
			if (td->created)
				sgfw_txn_dev_load(td->sd, NULL);
		goto err_devs;
	}

	/* Published: the running objects are the candidate's now. */
	sgfw_cfg_count_attached(&sn->cfg, sn);
	list_for_each_entry(sg, &sn->cfg.sgs, list)
		if (!sg->new_id)
			xa_store(&sn->sg_ids, sg->id, sg, GFP_KERNEL_ACCOUNT);
	list_for_each_entry(sg, &txn->cfg.sgs, list)
		if (xa_load(&sn->sg_ids, sg->id) == sg)
			xa_erase(&sn->sg_ids, sg->id);
	limit = READ_ONCE(sn->flows.limit);
	if (txn->flow_limit)
		WRITE_ONCE(sn->flows.limit, txn->flow_limit);
	txn->flow_limit = limit;
	txn->flow_limit_set = READ_ONCE(sn->flows.limit);
	sgfw_txn_remode(sn, &saved);
	sgfw_txn_unhook_ports(sn);
	list_for_each_entry_safe(sd, sdt, &sn->dev_list, list)
		sgfw_dev_put_if_unused(sn, sd);
	sgfw_txn_devs_free(&txn->devs);
	list_splice(&saved, &txn->devs);
	list_for_each_entry(td, &txn->devs, list)
		td->sd = NULL;
	sgfw_config_changed(sn);
	return 0;

err_devs:
	list_for_each_entry(td, &txn->devs, list)
		td->sd = NULL;
	sgfw_txn_devs_free(&saved);
	sgfw_txn_unhook_ports(sn);
	list_for_each_entry_safe(sd, sdt, &sn->dev_list, list)
		sgfw_dev_put_if_unused(sn, sd);
err_ids:
	sgfw_txn_ids_undo(sn, &txn->cfg);
	return err;
}

/* ---- commits that go back unless confirmed ---- */

/**
 * sgfw_txn_arm() - go back to @old in @secs seconds unless confirmed.
 * @sn: the namespace.
 * @old: what sgfw_txn_commit() left in its transaction: the configuration
 *	that was running before.
 * @secs: 1 to 86400 (one day: the policy's range).
 *
 * Context: RTNL, with no rollback pending.
 */
void sgfw_txn_arm(struct sgfw_net *sn, struct sgfw_txn *old, u32 secs)
{
	ASSERT_RTNL();
	WARN_ON_ONCE(sn->rollback);
	WRITE_ONCE(sn->rollback_at, jiffies + secs * HZ);
	WRITE_ONCE(sn->rollback, old);
	mod_delayed_work(system_wq, &sn->rollback_work, secs * HZ);
}

/*
 * sgfw_txn_confirm() - keep the configuration, forget the pending
 * rollback.  Context: RTNL.  Return: 0, or -ENOENT when none is pending.
 */
int sgfw_txn_confirm(struct sgfw_net *sn)
{
	ASSERT_RTNL();
	if (!sn->rollback)
		return -ENOENT;
	/* The work finds no rollback if it runs before it is cancelled. */
	cancel_delayed_work(&sn->rollback_work);
	sgfw_txn_destroy(sn->rollback);
	WRITE_ONCE(sn->rollback, NULL);
	return 0;
}

/*
 * Seconds until a pending rollback, or 0 when none is pending.  Without
 * the RTNL (status): a figure for people, read as it is.
 */
u32 sgfw_txn_pending(struct sgfw_net *sn)
{
	long left;

	if (!READ_ONCE(sn->rollback))
		return 0;
	left = (long)(READ_ONCE(sn->rollback_at) - jiffies);
	return left > 0 ? DIV_ROUND_UP(left, HZ) : 1;
}

void sgfw_txn_rollback_work(struct work_struct *work)
{
	struct sgfw_net *sn = container_of(to_delayed_work(work),
					   struct sgfw_net, rollback_work);
	struct mem_cgroup *memcg;
	struct sgfw_txn *txn;

	rtnl_lock();
	memcg = sgfw_charge_begin(sn);
	txn = sn->rollback;
	if (!txn || READ_ONCE(sn->dying))
		goto out_unlock;
	/*
	 * A run that waited for the RTNL while a confirm took the rollback it
	 * came for, and a commit armed another: that one is not due yet.
	 */
	if (time_before(jiffies, READ_ONCE(sn->rollback_at))) {
		mod_delayed_work(system_wq, &sn->rollback_work,
				 READ_ONCE(sn->rollback_at) - jiffies);
		goto out_unlock;
	}
	/* The limit was changed since the commit: it stays (struct sgfw_txn). */
	if (READ_ONCE(sn->flows.limit) != txn->flow_limit_set)
		txn->flow_limit = 0;
	if (sgfw_txn_commit(sn, txn)) {
		pr_warn_ratelimited("cannot go back to the unconfirmed configuration's predecessor yet; trying again\n");
		mod_delayed_work(system_wq, &sn->rollback_work, HZ);
		goto out_unlock;
	}
	WRITE_ONCE(sn->rollback, NULL);
	sgfw_txn_destroy(txn);
	sgfw_event_config(sn, SGFW_CMD_TXN_COMMIT, NULL, NULL, 0, true);
	pr_info("configuration not confirmed in time: the previous one is back\n");
out_unlock:
	sgfw_charge_end(memcg);
	rtnl_unlock();
}

/* ---- single commands: one-step transactions ---- */

/* The attached counts of the candidate's objects, from its devices. */
static void sgfw_txn_count_attached(struct sgfw_txn *txn)
{
	struct sgfw_txn_dev *td;
	struct sgfw_nacl *nacl;
	struct sgfw_sg *sg;
	int i;

	list_for_each_entry(sg, &txn->cfg.sgs, list)
		sg->attached = 0;
	list_for_each_entry(nacl, &txn->cfg.nacls, list)
		nacl->attached = 0;
	list_for_each_entry(td, &txn->devs, list) {
		for (i = 0; i < td->nsgs; i++)
			td->sgs[i]->attached++;
		if (td->nacl)
			td->nacl->attached++;
	}
}

static void sgfw_txn_map_free(struct xarray *sgs, struct xarray *keys)
{
	xa_destroy(sgs);
	xa_destroy(keys);
}

static int sgfw_txn_clone_pls(struct sgfw_txn *txn, struct sgfw_net *sn,
			      struct xarray *keys)
{
	struct sgfw_pl *pl, *c;

	list_for_each_entry(pl, &sn->cfg.pls, list) {
		c = kmemdup(pl, sizeof(*pl), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		c->entries.v = NULL;
		c->refs = 0;
		list_add_tail(&c->list, &txn->cfg.pls);
		txn->cfg.n_pls++;
		if (pl->entries.n) {
			c->entries.v = kmemdup(pl->entries.v,
					       pl->entries.n * sizeof(*c->entries.v),
					       GFP_KERNEL_ACCOUNT);
			if (!c->entries.v) {
				c->entries.n = 0;
				return -ENOMEM;
			}
		}
		if (xa_err(xa_store(keys, pl->key, c, GFP_KERNEL)))
			return -ENOMEM;
	}
	return 0;
}

static int sgfw_txn_clone_sgs(struct sgfw_txn *txn, struct sgfw_net *sn,
			      struct xarray *sgs, struct xarray *keys)
{
	struct sgfw_rule *r, *cr;
	struct sgfw_sg *sg, *c;

	list_for_each_entry(sg, &sn->cfg.sgs, list) {
		c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		c->id = sg->id;
		strscpy(c->name, sg->name, sizeof(c->name));
		strscpy(c->desc, sg->desc, sizeof(c->desc));
		INIT_LIST_HEAD(&c->rules);
		list_add_tail(&c->list, &txn->cfg.sgs);
		txn->cfg.n_sgs++;
		if (sg->members.n) {
			c->members.v = kmemdup(sg->members.v,
					       sg->members.n * sizeof(*c->members.v),
					       GFP_KERNEL_ACCOUNT);
			if (!c->members.v)
				return -ENOMEM;
			c->members.n = sg->members.n;
		}
		if (xa_err(xa_store(sgs, sg->id, c, GFP_KERNEL)))
			return -ENOMEM;
	}
	/* Then the rules, whose peers may be any group. */
	list_for_each_entry(sg, &sn->cfg.sgs, list) {
		c = xa_load(sgs, sg->id);
		list_for_each_entry(r, &sg->rules, list) {
			cr = kmemdup(r, sizeof(*r), GFP_KERNEL_ACCOUNT);
			if (!cr)
				return -ENOMEM;
			cr->ctr = NULL;
			if (r->peer_kind == SGFW_PEER_SG)
				cr->peer_sg = xa_load(sgs, r->peer_sg->id);
			else if (r->peer_kind == SGFW_PEER_PL)
				cr->peer_pl = xa_load(keys, r->peer_pl->key);
			list_add_tail(&cr->list, &c->rules);
			sgfw_rule_peer_hold(cr, true);
		}
	}
	return 0;
}

/*
 * NACL rules are cloned without counters: a commit gives each the
 * counters of the running rule it is the same as (or new ones).
 */
static int sgfw_txn_clone_nacls(struct sgfw_txn *txn, struct sgfw_net *sn,
				struct xarray *keys)
{
	struct sgfw_nacl_rule *r, *cr;
	struct sgfw_nacl *nacl, *c;

	list_for_each_entry(nacl, &sn->cfg.nacls, list) {
		c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
		if (!c)
			return -ENOMEM;
		c->key = nacl->key;
		strscpy(c->name, nacl->name, sizeof(c->name));
		INIT_LIST_HEAD(&c->rules);
		list_add_tail(&c->list, &txn->cfg.nacls);
		txn->cfg.n_nacls++;
		if (xa_err(xa_store(keys, nacl->key, c, GFP_KERNEL)))
			return -ENOMEM;
		list_for_each_entry(r, &nacl->rules, list) {
			cr = kmemdup(r, sizeof(*r), GFP_KERNEL_ACCOUNT);
			if (!cr)
				return -ENOMEM;
			cr->ctr = NULL;
			list_add_tail(&cr->list, &c->rules);
		}
	}
	return 0;
}

static int sgfw_txn_clone_devs(struct sgfw_txn *txn, struct sgfw_net *sn,
			       struct xarray *sgs, struct xarray *keys)
{
	struct sgfw_txn_dev *td;
	struct sgfw_dev *sd;
	int i;

	list_for_each_entry(sd, &sn->dev_list, list) {
		td = kzalloc(sizeof(*td), GFP_KERNEL_ACCOUNT);
		if (!td)
			return -ENOMEM;
		strscpy(td->name, sd->name, sizeof(td->name));
		td->nsgs = sd->nsgs;
		for (i = 0; i < sd->nsgs; i++)
			td->sgs[i] = xa_load(sgs, sd->sgs[i]->id);
		td->nacl = sd->nacl ? xa_load(keys, sd->nacl->key) : NULL;
		td->to = sd->to;
		td->tracking = sd->tracking;
		td->audit = sd->audit;
		td->port = sgfw_port_get(sd->port);
		list_add_tail(&td->list, &txn->devs);
	}
	return 0;
}

/**
 * sgfw_txn_clone() - a transaction whose candidate is the running
 * configuration: the same objects, ids and settings, copied.
 * @sn: the namespace.
 *
 * A single command changes the copy and commits it (sgfw_txn_commit()):
 * the path of every change, with the checks, references and rollback of
 * the transaction.  Context: RTNL.
 * Return: the transaction (portid 0), or NULL when out of memory.
 */
struct sgfw_txn *sgfw_txn_clone(struct sgfw_net *sn)
{
	struct sgfw_txn *txn = sgfw_txn_new(0);
	struct xarray sgs, keys;
	int err;

	ASSERT_RTNL();
	if (!txn)
		return NULL;
	/* Running object -> its copy, by group id and by list/NACL key. */
	xa_init(&sgs);
	xa_init(&keys);
	err = sgfw_txn_clone_pls(txn, sn, &keys) ?:
	      sgfw_txn_clone_sgs(txn, sn, &sgs, &keys) ?:
	      sgfw_txn_clone_nacls(txn, sn, &keys) ?:
	      sgfw_txn_clone_devs(txn, sn, &sgs, &keys);
	sgfw_txn_map_free(&sgs, &keys);
	if (err) {
		sgfw_txn_destroy(txn);
		return NULL;
	}
	sgfw_txn_count_attached(txn);
	return txn;
}

/**
 * sgfw_txn_sg_new() - create a group in the candidate, as SG_NEW does.
 * @txn: the transaction.
 * @name: its name, valid.
 * @desc: its description, at most 255 bytes.
 * @extack: for the message.
 *
 * A new group has no ingress rule and one egress rule per family that
 * allows everything (semantics.md).
 * Return: the group, or ERR_PTR(-ENOSPC, -EEXIST, -ENOMEM).
 */
struct sgfw_sg *sgfw_txn_sg_new(struct sgfw_txn *txn, const char *name,
				const char *desc,
				struct netlink_ext_ack *extack)
{
	struct sgfw_rule *r4, *r6;
	struct sgfw_sg *sg;

	if (txn->cfg.n_sgs >= SGFW_MAX_SGS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 2500 security groups");
		return ERR_PTR(-ENOSPC);
	}
	if (sgfw_sg_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "security group exists already",
			     "security group %s exists already", name);
		return ERR_PTR(-EEXIST);
	}
	r4 = sgfw_rule_new_all(SGFW_AF_INET);
	r6 = sgfw_rule_new_all(SGFW_AF_INET6);
	sg = r4 && r6 ? sgfw_txn_add_sg(txn, name, desc, NULL, 0, extack) :
			ERR_PTR(-ENOMEM);
	if (IS_ERR(sg)) {
		kfree(r4);
		kfree(r6);
		return sg;
	}
	list_add_tail(&r4->list, &sg->rules);
	list_add_tail(&r6->list, &sg->rules);
	return sg;
}

/**
 * sgfw_txn_sg_del() - delete a group of the candidate, as SG_DEL does.
 * @txn: the transaction.
 * @sg: a group of @txn.
 * @extack: for the message.
 *
 * Refused while a device has it or another group's rule names it.
 * Return: 0 or -EBUSY.
 */
int sgfw_txn_sg_del(struct sgfw_txn *txn, struct sgfw_sg *sg,
		    struct netlink_ext_ack *extack)
{
	struct sgfw_rule *r, *tmp;

	if (sg->attached) {
		sgfw_err_fmt(extack, "security group is attached to a device",
			     "security group %s is attached to %u device(s)",
			     sg->name, sg->attached);
		return -EBUSY;
	}
	if (!sgfw_sg_deletable(sg)) {
		sgfw_err_fmt(extack,
			     "security group is the peer of another group's rule",
			     "security group %s is the peer of a rule of another group",
			     sg->name);
		return -EBUSY;
	}
	list_for_each_entry_safe(r, tmp, &sg->rules, list)
		sgfw_rule_free(r);
	list_del(&sg->list);
	txn->cfg.n_sgs--;
	kfree(sg->members.v);
	kfree(sg);
	return 0;
}

/**
 * sgfw_txn_rule_new() - add a rule to a group of the candidate, as
 * RULE_NEW does.
 * @txn: the transaction.
 * @sg: a group of @txn.
 * @r: the rule, its peer one of @txn's; its id 0.
 * @extack: for the message.
 *
 * Not twice; within the limits of the group and of every device that has
 * it.  Return: 0 (@r is the candidate's), -EEXIST or -ENOSPC.
 */
int sgfw_txn_rule_new(struct sgfw_txn *txn, struct sgfw_sg *sg,
		      struct sgfw_rule *r, struct netlink_ext_ack *extack)
{
	struct sgfw_rule *o;
	int err;

	o = sgfw_sg_rule_find(sg, r);
	if (o) {
		sgfw_err_fmt(extack, "the security group has this rule already",
			     "security group %s has this rule already (id %u)",
			     sg->name, o->id);
		return -EEXIST;
	}
	err = sgfw_sg_group_limits(sg, r, extack) ?:
	      sgfw_txn_devs_room(txn, sg, r, extack);
	if (err)
		return err;
	list_add_tail(&r->list, &sg->rules);
	sgfw_rule_peer_hold(r, true);
	return 0;
}

/* Delete rule @id of a group of the candidate: 0 or -ENOENT. */
int sgfw_txn_rule_del(struct sgfw_txn *txn, struct sgfw_sg *sg, u32 id,
		      struct netlink_ext_ack *extack)
{
	struct sgfw_rule *r;

	list_for_each_entry(r, &sg->rules, list) {
		if (r->id == id) {
			sgfw_rule_free(r);
			return 0;
		}
	}
	sgfw_err_fmt(extack, "the security group has no such rule",
		     "security group %s has no rule %u", sg->name, id);
	return -ENOENT;
}

/* Create a prefix list in the candidate, as PL_NEW does. */
struct sgfw_pl *sgfw_txn_pl_new(struct sgfw_txn *txn, const char *name,
				u32 max_entries, struct netlink_ext_ack *extack)
{
	if (txn->cfg.n_pls >= SGFW_MAX_PLS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 100 prefix lists");
		return ERR_PTR(-ENOSPC);
	}
	if (sgfw_pl_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "prefix list exists already",
			     "prefix list %s exists already", name);
		return ERR_PTR(-EEXIST);
	}
	return sgfw_txn_add_pl(txn, name, max_entries, NULL, 0, extack);
}

/* Delete a prefix list of the candidate that no rule names: 0 or -EBUSY. */
int sgfw_txn_pl_del(struct sgfw_txn *txn, struct sgfw_pl *pl,
		    struct netlink_ext_ack *extack)
{
	if (pl->refs) {
		sgfw_err_fmt(extack, "prefix list is the peer of a rule",
			     "prefix list %s is the peer of %u rule(s)",
			     pl->name, pl->refs);
		return -EBUSY;
	}
	list_del(&pl->list);
	txn->cfg.n_pls--;
	kfree(pl->entries.v);
	kfree(pl);
	return 0;
}

/*
 * The weight of @sg's rules in @dir and @af with the rules that name @pl
 * counted as @max each.
 */
static u32 sgfw_txn_pl_weight(const struct sgfw_sg *sg,
			      enum sgfw_direction dir, enum sgfw_af af,
			      const struct sgfw_pl *pl, u32 max)
{
	const struct sgfw_rule *r;
	u32 n = 0;

	list_for_each_entry(r, &sg->rules, list) {
		if (r->dir != dir || !sgfw_rule_weight(r, af))
			continue;
		n += r->peer_kind == SGFW_PEER_PL && r->peer_pl == pl ? max :
		     sgfw_rule_weight(r, af);
	}
	return n;
}

/**
 * sgfw_txn_pl_set() - change the max-entries of a prefix list of the
 * candidate, as PL_SET does.
 * @txn: the transaction.
 * @pl: a list of @txn.
 * @max: 1 to SGFW_MAX_PL_ENTRIES.
 * @extack: for the message.
 *
 * Not below the entries it holds; and every rule that names it counts as
 * the new value, so not past the limits of its groups and of the devices
 * that have them.  Return: 0, -EINVAL or -ENOSPC.
 */
int sgfw_txn_pl_set(struct sgfw_txn *txn, struct sgfw_pl *pl, u32 max,
		    struct netlink_ext_ack *extack)
{
	const struct sgfw_txn_dev *td;
	enum sgfw_direction dir;
	const struct sgfw_sg *sg;
	enum sgfw_af af;
	u32 i, n;

	if (max < pl->entries.n) {
		sgfw_err_fmt(extack,
			     "the prefix list holds more entries than that",
			     "prefix list %s holds %u entries, more than %u",
			     pl->name, pl->entries.n, max);
		return -EINVAL;
	}
	list_for_each_entry(sg, &txn->cfg.sgs, list) {
		for (dir = SGFW_DIRECTION_INGRESS;
		     dir <= SGFW_DIRECTION_EGRESS; dir++) {
			for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++) {
				if (sgfw_txn_pl_weight(sg, dir, af, pl, max) <=
				    SGFW_MAX_RULES)
					continue;
				sgfw_err_fmt(extack,
					     "a security group that names the prefix list would count more than 60 rules in a direction",
					     "security group %s would count more than %u rules in a direction",
					     sg->name, SGFW_MAX_RULES);
				return -ENOSPC;
			}
		}
	}
	list_for_each_entry(td, &txn->devs, list) {
		n = 0;
		for (i = 0; i < td->nsgs; i++)
			for (dir = SGFW_DIRECTION_INGRESS;
			     dir <= SGFW_DIRECTION_EGRESS; dir++)
				for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++)
					n += sgfw_txn_pl_weight(td->sgs[i], dir,
								af, pl, max);
		if (n > SGFW_MAX_DEV_RULES) {
			sgfw_err_fmt(extack,
				     "a device would count more than 1000 rules",
				     "device %s would count %u rules, more than %u",
				     td->name, n, SGFW_MAX_DEV_RULES);
			return -ENOSPC;
		}
	}
	pl->max_entries = max;
	return 0;
}

/*
 * The candidate's settings of device name @name, new (the defaults) if
 * need be.  Return: them, or an ERR_PTR (-ENOSPC, -ENOMEM).
 */
struct sgfw_txn_dev *sgfw_txn_dev_get(struct sgfw_txn *txn, const char *name,
				      struct netlink_ext_ack *extack)
{
	struct sgfw_txn_dev *td = sgfw_txn_dev_find(txn, name);
	int err;

	if (td)
		return td;
	err = sgfw_txn_dev_room(txn, extack);
	if (err)
		return ERR_PTR(err);
	td = kzalloc(sizeof(*td), GFP_KERNEL_ACCOUNT);
	if (!td)
		return ERR_PTR(-ENOMEM);
	strscpy(td->name, name, sizeof(td->name));
	td->to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF;
	td->to.udp = SGFW_UDP_TIMEOUT_DEF;
	td->to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF;
	td->tracking = SGFW_TRACKING_AUTO;
	list_add_tail(&td->list, &txn->devs);
	return td;
}

/**
 * sgfw_txn_attach() - attach groups to a device of the candidate, as
 * IFACE_ATTACH does.
 * @txn: the transaction.
 * @td: the device's settings (sgfw_txn_dev_get()).
 * @dev: its name, for messages.
 * @add: groups of @txn.
 * @n: how many, at least one.
 * @bad: set to the index in @add of a group refused.
 * @extack: for the message.
 *
 * Each group once, at most 16 per device and 1000 rules.
 * Return: 0, -EEXIST or -ENOSPC (then nothing is attached).
 */
int sgfw_txn_attach(struct sgfw_txn *txn, struct sgfw_txn_dev *td,
		    const char *dev, struct sgfw_sg *const *add, int n,
		    int *bad, struct netlink_ext_ack *extack)
{
	u32 rules = sgfw_sgs_rule_count(td->sgs, td->nsgs);
	int i, j;

	for (i = 0; i < n; i++) {
		*bad = i;
		for (j = 0; j < i && add[j] != add[i]; j++)
			;
		if (j < i || sgfw_sgs_has(td->sgs, td->nsgs, add[i])) {
			sgfw_err_fmt(extack,
				     "security group is attached already",
				     "security group %s is attached to %s already",
				     add[i]->name, dev);
			return -EEXIST;
		}
		if (td->nsgs + i >= SGFW_MAX_SGS_PER_DEV) {
			sgfw_err_fmt(extack,
				     "a device has at most 16 security groups",
				     "a device has at most %u security groups",
				     SGFW_MAX_SGS_PER_DEV);
			return -ENOSPC;
		}
		rules += sgfw_sg_rule_count(add[i]);
	}
	*bad = -1;
	if (rules > SGFW_MAX_DEV_RULES) {
		sgfw_err_fmt(extack, "the device would have more than 1000 rules",
			     "%s would have %u rules, more than %u", dev, rules,
			     SGFW_MAX_DEV_RULES);
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		td->sgs[td->nsgs++] = add[i];
		add[i]->attached++;
	}
	return 0;
}

/* Detach the groups named @names (@n of them; none: all) from @td. */
int sgfw_txn_detach(struct sgfw_txn_dev *td, const char *dev,
		    const char *const *names, int n, int *bad,
		    struct netlink_ext_ack *extack)
{
	bool drop[SGFW_MAX_SGS_PER_DEV] = {};
	int i, k;

	for (k = 0; k < n; k++) {
		*bad = k;
		for (i = 0; i < td->nsgs; i++)
			if (!strcmp(td->sgs[i]->name, names[k]))
				break;
		if (i == td->nsgs || drop[i]) {
			sgfw_err_fmt(extack,
				     "security group is not attached to the device",
				     "security group %s is not attached to %s",
				     names[k], dev);
			return -ENOENT;
		}
		drop[i] = true;
	}
	for (i = 0, k = 0; i < td->nsgs; i++) {
		if (!n || drop[i])
			td->sgs[i]->attached--;
		else
			td->sgs[k++] = td->sgs[i];
	}
	td->nsgs = k;
	return 0;
}

/* Give @td the NACL @nacl of the candidate, or (NULL) none. */
int sgfw_txn_dev_nacl(struct sgfw_txn_dev *td, const char *dev,
		      struct sgfw_nacl *nacl, struct netlink_ext_ack *extack)
{
	if (td->nacl && nacl) {
		sgfw_err_fmt(extack, "the device has a network ACL already",
			     "%s has network ACL %s already (remove it first)",
			     dev, td->nacl->name);
		return -EBUSY;
	}
	if (td->nacl)
		td->nacl->attached--;
	td->nacl = nacl;
	if (nacl)
		nacl->attached++;
	return 0;
}

/* Create a network ACL in the candidate, as NACL_NEW does. */
struct sgfw_nacl *sgfw_txn_nacl_new(struct sgfw_txn *txn, const char *name,
				    struct netlink_ext_ack *extack)
{
	if (txn->cfg.n_nacls >= SGFW_MAX_NACLS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a namespace has at most 200 network ACLs");
		return ERR_PTR(-ENOSPC);
	}
	if (sgfw_nacl_find(&txn->cfg, name)) {
		sgfw_err_fmt(extack, "network ACL exists already",
			     "network ACL %s exists already", name);
		return ERR_PTR(-EEXIST);
	}
	return sgfw_txn_add_nacl(txn, name, extack);
}

/* Delete a network ACL of the candidate no device has: 0 or -EBUSY. */
int sgfw_txn_nacl_del(struct sgfw_txn *txn, struct sgfw_nacl *nacl,
		      struct netlink_ext_ack *extack)
{
	if (nacl->attached) {
		sgfw_err_fmt(extack, "network ACL is attached to a device",
			     "network ACL %s is attached to %u device(s)",
			     nacl->name, nacl->attached);
		return -EBUSY;
	}
	sgfw_nacl_free(nacl);
	txn->cfg.n_nacls--;
	return 0;
}

/* Delete the rule @number of direction @dir of a NACL of the candidate. */
int sgfw_txn_nacl_rule_del(struct sgfw_nacl *nacl, u32 number, u32 dir,
			   struct netlink_ext_ack *extack)
{
	struct sgfw_nacl_rule *r;

	list_for_each_entry(r, &nacl->rules, list) {
		if (r->dir == dir && r->number == number) {
			list_del(&r->list);
			sgfw_nacl_rule_free(r);
			return 0;
		}
	}
	sgfw_err_fmt(extack, "the network ACL has no such rule",
		     "network ACL %s has no rule %u in this direction",
		     nacl->name, number);
	return -ENOENT;
}
