// SPDX-License-Identifier: GPL-2.0
/*
 * The "sgfw" generic netlink family: see uapi/linux/sgfw.h for the
 * commands and uapi/sgfw.yaml for the spec.
 *
 * Every handler acts on the namespace of the requesting socket, and every
 * one but status needs CAP_NET_ADMIN over it (GENL_UNS_ADMIN_PERM): the
 * rules and flows of a namespace are its administrator's to read, as with
 * nftables and ctnetlink.  Handlers that read or change the configuration
 * run under the RTNL (struct sgfw_net says why), which the family's
 * pre_doit takes and its post_doit lets go (sgfw_nl_locks[]), dumps
 * taking it for each of their rounds; except the flow dump, which walks
 * the whole table and must not hold every other namespace's configuration
 * up while it does, status, which reads atomic figures, and the parts of a
 * transaction, which have a lock of their own (struct sgfw_net).
 * The family is parallel_ops: the genl mutex, which every family without
 * that flag shares, is never held for sgfw, so that the root of a user
 * namespace looping over dumps cannot hold other families up either.
 *
 * A configuration handler parses its request, calls the model, and fills
 * the reply: every change is a transaction (txn.h).  A single command
 * changes a copy of the running configuration (sgfw_single()) with the
 * model's operations, which own the limits and references, and commits
 * it (sgfw_single_end()); a refused or failed one leaves the copy to be
 * dropped, and nothing to undo.
 */

#include <linux/ctype.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "../uapi/linux/sgfw.h"
#include "compat.h"
#include "config.h"
#include "events.h"
#include "flowfilter.h"
#include "flowtable.h"
#include "netlink.h"
#include "netlink-compat.h"
#include "netlink-gen.h"
#include "netns.h"
#include "txn.h"
#include "version.h"

/*
 * The policies and the table of operations are generated from the spec
 * (netlink-gen.c, by the kernel's ynl-gen-c.py: tests/uapi-check.sh
 * checks that they are what the spec gives).  They bound lengths and
 * ranges; the handlers check what a policy cannot say, with a message
 * that names the limit.
 */

/* ---- helpers ---- */

static bool sgfw_name_valid(const char *name)
{
	const char *c;

	if (!*name)
		return false;
	for (c = name; *c; c++)
		if (!isalnum(*c) && *c != '.' && *c != '_' && *c != '-')
			return false;
	return true;
}

/* Check that @a holds a valid object name; the policy bounds its size. */
static int sgfw_attr_name(const struct nlattr *a, const char **name,
			  struct netlink_ext_ack *extack)
{
	/* A list of names is NLA_STRING (the generator's): may lack the NUL. */
	if (!nla_len(a) || !memchr(nla_data(a), '\0', nla_len(a))) {
		NL_SET_ERR_MSG_ATTR(extack, a, "a name ends with a NUL byte");
		return -EINVAL;
	}
	*name = nla_data(a);
	if (strlen(*name) >= SGFW_NAME_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a, "names are at most 63 bytes long");
		return -EINVAL;
	}
	if (!sgfw_name_valid(*name)) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "names are letters, digits, '.', '_' and '-'");
		return -EINVAL;
	}
	return 0;
}

static int sgfw_get_name(struct genl_info *info, int attr, const char **name)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return -EINVAL;
	return sgfw_attr_name(info->attrs[attr], name, info->extack);
}

/* Copy an optional description (at most 255 bytes) into @desc. */
static int sgfw_get_desc(const struct nlattr *a, char *desc,
			 struct netlink_ext_ack *extack)
{
	if (!a)
		return 0;
	if (strlen(nla_data(a)) >= SGFW_DESC_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "descriptions are at most 255 bytes long");
		return -EINVAL;
	}
	nla_strscpy(desc, a, SGFW_DESC_MAX);
	return 0;
}

/*
 * The u32 of attribute @a, when there is one, in *@val.  Its range is the
 * policy's (the spec's `checks`): the kernel refused it before the handler
 * ran, and reported the range in NLMSGERR_ATTR_POLICY.
 */
static void sgfw_get_u32(const struct nlattr *a, u32 *val)
{
	if (a)
		*val = nla_get_u32(a);
}

/* The group of @cfg that @a names. */
static struct sgfw_sg *sgfw_attr_sg(const struct sgfw_cfg *cfg,
				    const struct nlattr *a,
				    struct netlink_ext_ack *extack)
{
	const char *name;
	struct sgfw_sg *sg;

	if (sgfw_attr_name(a, &name, extack))
		return ERR_PTR(-EINVAL);
	sg = sgfw_sg_find(cfg, name);
	if (!sg) {
		NL_SET_BAD_ATTR(extack, a);
		sgfw_err_fmt(extack, "no such security group",
			     "no security group named %s", name);
		return ERR_PTR(-ENOENT);
	}
	return sg;
}

static struct sgfw_pl *sgfw_attr_pl(const struct sgfw_cfg *cfg,
				    const struct nlattr *a,
				    struct netlink_ext_ack *extack)
{
	const char *name;
	struct sgfw_pl *pl;

	if (sgfw_attr_name(a, &name, extack))
		return ERR_PTR(-EINVAL);
	pl = sgfw_pl_find(cfg, name);
	if (!pl) {
		NL_SET_BAD_ATTR(extack, a);
		sgfw_err_fmt(extack, "no such prefix list",
			     "no prefix list named %s", name);
		return ERR_PTR(-ENOENT);
	}
	return pl;
}

static struct sgfw_nacl *sgfw_attr_nacl(const struct sgfw_cfg *cfg,
					const struct nlattr *a,
					struct netlink_ext_ack *extack)
{
	struct sgfw_nacl *nacl;
	const char *name;

	if (sgfw_attr_name(a, &name, extack))
		return ERR_PTR(-EINVAL);
	nacl = sgfw_nacl_find(cfg, name);
	if (!nacl) {
		NL_SET_BAD_ATTR(extack, a);
		sgfw_err_fmt(extack, "no such network ACL",
			     "no network ACL named %s", name);
		return ERR_PTR(-ENOENT);
	}
	return nacl;
}

static struct sgfw_sg *sgfw_get_sg(const struct sgfw_cfg *cfg,
				   struct genl_info *info, int attr)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	return sgfw_attr_sg(cfg, info->attrs[attr], info->extack);
}

static struct sgfw_pl *sgfw_get_pl(const struct sgfw_cfg *cfg,
				   struct genl_info *info, int attr)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	return sgfw_attr_pl(cfg, info->attrs[attr], info->extack);
}

/*
 * A single command (txn.h): its change is made to a copy of the running
 * configuration, @txn, which sgfw_single_end() commits, or drops if @err.
 * Context: RTNL.
 */
static struct sgfw_txn *sgfw_single(struct sgfw_net *sn)
{
	return sgfw_txn_clone(sn) ?: ERR_PTR(-ENOMEM);
}

/*
 * Which attributes of a single command's request name what it changed,
 * for its event: a group, prefix list or network ACL, and a device.
 */
static const struct {
	u8 name;
	u8 ifindex;
	u8 ifname;
} sgfw_nl_event_attrs[SGFW_CMD_MAX + 1] = {
	[SGFW_CMD_SG_NEW]	= { SGFW_A_SG_NAME },
	[SGFW_CMD_SG_DEL]	= { SGFW_A_SG_NAME },
	[SGFW_CMD_MEMBER_ADD]	= { SGFW_A_SG_NAME },
	[SGFW_CMD_MEMBER_DEL]	= { SGFW_A_SG_NAME },
	[SGFW_CMD_RULE_NEW]	= { SGFW_A_RULE_SG },
	[SGFW_CMD_RULE_DEL]	= { SGFW_A_RULE_SG },
	[SGFW_CMD_PL_NEW]	= { SGFW_A_PL_NAME },
	[SGFW_CMD_PL_DEL]	= { SGFW_A_PL_NAME },
	[SGFW_CMD_PL_SET]	= { SGFW_A_PL_NAME },
	[SGFW_CMD_PL_ENTRY_ADD]	= { SGFW_A_PL_NAME },
	[SGFW_CMD_PL_ENTRY_DEL]	= { SGFW_A_PL_NAME },
	[SGFW_CMD_NACL_NEW]	= { SGFW_A_NACL_NAME },
	[SGFW_CMD_NACL_DEL]	= { SGFW_A_NACL_NAME },
	[SGFW_CMD_NACL_RULE_NEW] = { SGFW_A_NACL_RULE_NACL },
	[SGFW_CMD_NACL_RULE_DEL] = { SGFW_A_NACL_RULE_NACL },
	[SGFW_CMD_IFACE_ATTACH]	= { 0, SGFW_A_IFACE_IFINDEX, SGFW_A_IFACE_IFNAME },
	[SGFW_CMD_IFACE_DETACH]	= { 0, SGFW_A_IFACE_IFINDEX, SGFW_A_IFACE_IFNAME },
	[SGFW_CMD_IFACE_SET]	= { 0, SGFW_A_IFACE_IFINDEX, SGFW_A_IFACE_IFNAME },
	[SGFW_CMD_IFACE_NACL]	= { SGFW_A_IFACE_NACL, SGFW_A_IFACE_IFINDEX,
				    SGFW_A_IFACE_IFNAME },
};

/*
 * Tell the events group what request @info changed.  Every name above is
 * an NLA_NUL_STRING of its policy: nla_data() is a C string.
 */
static void sgfw_nl_config_event(struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	const struct nlattr *name = NULL, *ifindex = NULL, *ifname = NULL;

	if (sgfw_nl_event_attrs[cmd].name)
		name = info->attrs[sgfw_nl_event_attrs[cmd].name];
	if (sgfw_nl_event_attrs[cmd].ifindex)
		ifindex = info->attrs[sgfw_nl_event_attrs[cmd].ifindex];
	if (sgfw_nl_event_attrs[cmd].ifname)
		ifname = info->attrs[sgfw_nl_event_attrs[cmd].ifname];
	sgfw_event_config(info->user_ptr[0], cmd, name ? nla_data(name) : NULL,
			  ifname ? nla_data(ifname) : NULL,
			  ifindex ? nla_get_u32(ifindex) : 0, false);
}

/*
 * A commit that failed, by what it failed of (sgfw_txn_commit() changed
 * nothing): memory, a namespace's or the host's room for device entries
 * (struct sgfw_flow_dev), or setting up netfilter (hooks, defragmentation).
 */
static void sgfw_commit_failed(struct netlink_ext_ack *extack, int err)
{
	switch (err) {
	case -ENOMEM:
		NL_SET_ERR_MSG_MOD(extack,
				   "out of memory, or at the memory cgroup's limit, while committing: nothing changed");
		break;
	case -ENOSPC:
		NL_SET_ERR_MSG_MOD(extack,
				   "no room for another device entry (4096 names a namespace, kept twice while a commit replaces them, or 524287 namespaces a host): nothing changed");
		break;
	case -EBUSY:
		NL_SET_ERR_MSG_MOD(extack,
				   "the namespace has used every group id (they wrapped around): nothing changed");
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack,
				   "netfilter's hooks or defragmentation could not be set up: nothing changed");
	}
}

static int sgfw_single_end(struct genl_info *info, struct sgfw_txn *txn,
			   int err)
{
	if (IS_ERR(txn))
		return err;
	if (!err)
		err = sgfw_txn_build_room(txn, info->extack);
	if (!err) {
		err = sgfw_txn_commit(info->user_ptr[0], txn);
		if (err)
			sgfw_commit_failed(info->extack, err);
	}
	/* Committed, it holds what ran before; refused, the candidate. */
	sgfw_txn_destroy(txn);
	if (!err)
		sgfw_nl_config_event(info);
	return err;
}

/*
 * A CIDR from a nest of SGFW_A_CIDR_*.  With @host, no prefix length may
 * be given (group members are addresses).
 */
int sgfw_parse_cidr(const struct nlattr *nest, bool host,
		    struct sgfw_cidr *c, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGFW_A_CIDR_MAX + 1];
	const struct nlattr *v4, *v6, *plen;
	unsigned int max;
	int err;

	memset(c, 0, sizeof(*c));
	err = nla_parse_nested(tb, SGFW_A_CIDR_MAX, nest, sgfw_cidr_nl_policy,
			       extack);
	if (err)
		return err;
	v4 = tb[SGFW_A_CIDR_IPV4];
	v6 = tb[SGFW_A_CIDR_IPV6];
	plen = tb[SGFW_A_CIDR_PREFIX_LEN];
	if (!!v4 == !!v6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "give one address, IPv4 or IPv6");
		return -EINVAL;
	}
	if (v4) {
		c->af = SGFW_AF_INET;
		c->addr.ip = nla_get_in_addr(v4);
		max = 32;
	} else {
		c->af = SGFW_AF_INET6;
		c->addr.in6 = nla_get_in6_addr(v6);
		max = 128;
	}
	if (plen && host) {
		NL_SET_ERR_MSG_ATTR(extack, plen,
				    "members are addresses, without a prefix length");
		return -EINVAL;
	}
	c->plen = plen ? nla_get_u8(plen) : max;
	if (c->plen > max) {
		NL_SET_ERR_MSG_ATTR(extack, plen,
				    "prefix length is longer than the address");
		return -EINVAL;
	}
	sgfw_cidr_canonicalize(c);
	return 0;
}

/*
 * Parse every nest of type @type in the request into CIDRs.
 * Return: the count (at least one), or a negative error; *@out is
 * kfree()d by the caller.
 */
static int sgfw_parse_cidr_list(struct genl_info *info, int type, bool host,
				struct sgfw_cidr **out)
{
	const struct nlattr *a;
	struct sgfw_cidr *v;
	int rem, n = 0, err;

	*out = NULL;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == type)
			n++;
	if (!n) {
		GENL_SET_ERR_MSG(info, "give at least one address");
		return -EINVAL;
	}
	if (n > SGFW_MAX_PL_ENTRIES) {
		GENL_SET_ERR_MSG(info, "too many addresses in one request");
		return -E2BIG;
	}
	v = kcalloc(n, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	n = 0;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != type)
			continue;
		err = sgfw_parse_cidr(a, host, &v[n], info->extack);
		if (err) {
			NL_SET_BAD_ATTR(info->extack, a);
			kfree(v);
			return err;
		}
		n++;
	}
	*out = v;
	return n;
}

/*
 * A nest of SGFW_A_CIDR_*: the address @a of family @af, and the prefix
 * length @plen unless it is negative (a host: members, flows' addresses).
 */
int sgfw_put_addr(struct sk_buff *skb, int type, u8 af,
		  const union sgfw_addr *a, int plen)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (af == SGFW_AF_INET ?
	    nla_put_in_addr(skb, SGFW_A_CIDR_IPV4, a->ip) :
	    nla_put_in6_addr(skb, SGFW_A_CIDR_IPV6, &a->in6))
		goto err_cancel;
	if (plen >= 0 && nla_put_u8(skb, SGFW_A_CIDR_PREFIX_LEN, plen))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int sgfw_put_cidr(struct sk_buff *skb, int type,
			 const struct sgfw_cidr *c, bool host)
{
	return sgfw_put_addr(skb, type, c->af, &c->addr, host ? -1 : c->plen);
}

/*
 * Filling a message with an object.  @pos counts the items of the object's
 * lists (rules, members, entries) already sent: a fill puts the object's
 * own attributes, then as many items from *@pos on as fit, and moves *@pos
 * on; it returns -EMSGSIZE when it stopped short.  So an object that does
 * not fit one message goes out in several, each naming the object (a dump
 * reader joins them), and a reply to a do request is sized to hold it all
 * (the *_size() functions bound it from the object's limits).
 */
typedef int (*sgfw_fill_t)(struct sk_buff *skb, void *obj, void *arg,
			   unsigned long *pos);

/* The most an item of a list takes in a message: a rule, the largest. */
#define SGFW_NLA_STR_MAX	nla_total_size(SGFW_DESC_MAX)
#define SGFW_NLA_NAME_MAX	nla_total_size(SGFW_NAME_MAX)
#define SGFW_NLA_CIDR_MAX	(nla_total_size(0) + nla_total_size(16) + \
				 nla_total_size(1))
#define SGFW_NLA_MATCH_MAX	(nla_total_size(0) + 3 * nla_total_size(1) + \
				 2 * nla_total_size(2))
/*
 * A group's rule: id, direction and last-hit, its group's name and a peer
 * (a name, larger than a cidr), match, description and flows.  A NACL
 * rule (three u32, match, cidr, two u64) takes less.
 */
#define SGFW_NLA_RULE_MAX	(nla_total_size(0) + 3 * nla_total_size(4) + \
				 2 * SGFW_NLA_NAME_MAX + SGFW_NLA_MATCH_MAX + \
				 SGFW_NLA_STR_MAX + nla_total_size_64bit(8))

/* Fill and send the reply @msg, which this consumes. */
static int sgfw_reply_send(struct genl_info *info, struct sk_buff *msg, u8 cmd,
			   sgfw_fill_t fill, void *obj, void *arg)
{
	unsigned long pos = 0;
	void *hdr;
	int err;

	hdr = genlmsg_put_reply(msg, info, &sgfw_genl_family, 0, cmd);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	err = fill(msg, obj, arg, &pos);
	/* The size was computed from the object: a miss is a bug. */
	if (WARN_ON_ONCE(err == -EMSGSIZE))
		goto err_free_msg;
	if (err)
		goto err_free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

/* Reply to a do request with one object, in a message of @size bytes. */
static int sgfw_reply(struct genl_info *info, u8 cmd, sgfw_fill_t fill,
		      void *obj, void *arg, size_t size)
{
	struct sk_buff *msg;

	msg = genlmsg_new(max_t(size_t, size, NLMSG_GOODSIZE), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	return sgfw_reply_send(info, msg, cmd, fill, obj, arg);
}

/*
 * The end of a request that may have changed the configuration: its
 * generation moves on under the RTNL that covered the change.
 */
static void sgfw_config_unlock(struct sgfw_net *sn)
{
	sgfw_config_changed(sn);
	rtnl_unlock();
}

/*
 * Dumps of configuration objects walk them in the order of their ids (or
 * keys, or ifindexes) under the RTNL, one message per object or part of
 * one, and each round resumes at the object whose id is cb->args[0], or
 * the next one if it is gone, and the item cb->args[1] of its lists.  Each
 * round begins with sgfw_dump_begin(): a dump that a change came in the
 * middle of is flagged NLM_F_DUMP_INTR in its next message, and its reader
 * asks again.
 */
static void sgfw_dump_begin(struct netlink_callback *cb,
			    const struct sgfw_net *sn)
{
	ASSERT_RTNL();
	cb->seq = sn->gen;
}

/* Is the object of id @id sent by this round (not by an earlier one)? */
static bool sgfw_dump_at(struct netlink_callback *cb, unsigned long id)
{
	if (id < cb->args[0])
		return false;
	if (id > cb->args[0]) {
		cb->args[0] = id;
		cb->args[1] = 0;
	}
	return true;
}

/* The object of id @id is all sent. */
static void sgfw_dump_next(struct netlink_callback *cb, unsigned long id)
{
	cb->args[0] = id + 1;
	cb->args[1] = 0;
}

/*
 * Put the object @obj, or what of it the last round left, in a message of
 * its own.
 * Return: 0 when the object is all sent, -EMSGSIZE when the message is
 * full (what was put in it stays: the next round goes on from there).
 */
static int sgfw_dump_one(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd, sgfw_fill_t fill, void *obj, void *arg)
{
	unsigned long before = cb->args[1];
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &sgfw_genl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	err = fill(skb, obj, arg, &cb->args[1]);
	if (err && cb->args[1] == before) {
		/* Not one item fit: the object goes in the next message. */
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return err;
}

/* A full message ends this round; the next one resumes at cb->args. */
static int sgfw_dump_done(struct sk_buff *skb, int err)
{
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ?: skb->len;
}

/* ---- status ---- */

/**
 * sgfw_status_fill() - put the status attributes of a namespace in a message
 * @skb: the message being built
 * @net: the namespace whose figures are reported
 *
 * Return: 0, or -EMSGSIZE when @skb has no room.
 */
int sgfw_status_fill(struct sk_buff *skb, struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);
	u32 limit = READ_ONCE(sn->flows.limit);
	u32 flows = atomic_read(&sn->flows.count);
	u32 pending;

	if (nla_put_string(skb, SGFW_A_STATUS_VERSION, SGFW_VERSION) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FLOWS, flows) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FLOW_LIMIT, limit) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
			      atomic64_read(&sn->flows.exceeded),
			      SGFW_A_STATUS_PAD) ||
	    nla_put_u32(skb, SGFW_A_STATUS_ALLOWANCE_AVAILABLE,
			limit > flows ? limit - flows : 0) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_BUCKET_FULL,
			      atomic64_read(&sn->flows.bucket_full),
			      SGFW_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_EVICTED,
			      atomic64_read(&sn->flows.evicted),
			      SGFW_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_NOMEM,
			      atomic64_read(&sn->flows.nomem),
			      SGFW_A_STATUS_PAD) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FLOW_LIMIT_CEILING,
			sgfw_flow_limit_ceiling()))
		return -EMSGSIZE;
	if (nla_put_u8(skb, SGFW_A_STATUS_EVENTS, READ_ONCE(sn->events)) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FRAGS, READ_ONCE(sn->frags.count)) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_FRAGS_FULL,
			      atomic64_read(&sn->frags.full),
			      SGFW_A_STATUS_PAD))
		return -EMSGSIZE;
	pending = sgfw_txn_pending(sn);
	if (pending &&
	    nla_put_u32(skb, SGFW_A_STATUS_CONFIRM_PENDING, pending))
		return -EMSGSIZE;
	return 0;
}

static int sgfw_status_fill_cb(struct sk_buff *skb, void *net, void *arg,
			       unsigned long *pos)
{
	return sgfw_status_fill(skb, net);
}

int sgfw_nl_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sgfw_reply(info, SGFW_CMD_STATUS, sgfw_status_fill_cb,
			  genl_info_net(info), NULL, NLMSG_GOODSIZE);
}

/*
 * The flow limit.  Above the ceiling only for CAP_NET_ADMIN in the
 * initial user namespace: root of a user namespace may lower its limit
 * or keep it under the ceiling, but not make the host hold more flows
 * for it (nf_conntrack_max is read-only outside init_net for the same
 * reason).
 */
/* The flow limit in @a, if the requester may set it. */
static int sgfw_flow_limit_attr(struct sk_buff *skb, const struct nlattr *a,
				u32 *limit, struct netlink_ext_ack *extack)
{
	u32 ceiling = sgfw_flow_limit_ceiling();

	sgfw_get_u32(a, limit);
	if (*limit > ceiling &&
	    !netlink_ns_capable(skb, &init_user_ns, CAP_NET_ADMIN)) {
		NL_SET_BAD_ATTR(extack, a);
		sgfw_err_fmt(extack,
			     "a flow limit above the ceiling needs CAP_NET_ADMIN in the initial user namespace",
			     "a flow limit above %u needs CAP_NET_ADMIN in init_user_ns",
			     ceiling);
		return -EPERM;
	}
	return 0;
}

int sgfw_nl_status_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	const struct nlattr *events = info->attrs[SGFW_A_STATUS_EVENTS];
	const struct nlattr *lim = info->attrs[SGFW_A_STATUS_FLOW_LIMIT];
	u32 limit;
	int err;

	if (!lim && !events) {
		GENL_SET_ERR_MSG(info, "give a flow limit, events on or off, or both");
		return -EINVAL;
	}
	if (lim) {
		err = sgfw_flow_limit_attr(skb, lim, &limit, info->extack);
		if (err)
			return err;
		WRITE_ONCE(sn->flows.limit, limit);
	}
	if (events && !nla_get_u8(events)) {
		/* Heard before events go off. */
		sgfw_event_config(sn, SGFW_CMD_STATUS_SET, NULL, NULL, 0,
				  false);
		WRITE_ONCE(sn->events, false);
		return 0;
	}
	if (events)
		WRITE_ONCE(sn->events, true);
	sgfw_event_config(sn, SGFW_CMD_STATUS_SET, NULL, NULL, 0, false);
	return 0;
}

/* ---- security groups ---- */

static const char *sgfw_peer_sg_name(const struct sgfw_rule *r)
{
	return r->peer_sg->name;
}

/* A nest of SGFW_A_MATCH_*, left out when it would be empty. */
static int sgfw_put_match(struct sk_buff *skb, int type,
			  const struct sgfw_match *m)
{
	struct nlattr *nest;

	if (m->any_proto)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SGFW_A_MATCH_PROTOCOL, m->proto) ||
	    (!m->any_port &&
	     (nla_put_u16(skb, SGFW_A_MATCH_PORT_FROM, m->port_from) ||
	      nla_put_u16(skb, SGFW_A_MATCH_PORT_TO, m->port_to))) ||
	    (!m->any_type &&
	     nla_put_u8(skb, SGFW_A_MATCH_ICMP_TYPE, m->icmp_type)) ||
	    (!m->any_code &&
	     nla_put_u8(skb, SGFW_A_MATCH_ICMP_CODE, m->icmp_code))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The flows a group's rule opened, and how long ago the last one. */
static int sgfw_rule_ctr_fill(struct sk_buff *skb, const struct sgfw_rule *r)
{
	unsigned long ago;
	u64 flows;

	if (!r->ctr)
		return 0;
	flows = sgfw_rule_ctr_flows(r->ctr, sgfw_flow_now(), &ago);
	if (nla_put_u64_64bit(skb, SGFW_A_RULE_FLOWS, flows, SGFW_A_RULE_PAD) ||
	    (flows && nla_put_u32(skb, SGFW_A_RULE_LAST_HIT,
				  min_t(u64, ago / HZ, U32_MAX))))
		return -EMSGSIZE;
	return 0;
}

static int sgfw_rule_fill(struct sk_buff *skb, void *obj, void *arg,
			  unsigned long *pos)
{
	const struct sgfw_rule *r = obj;
	const struct sgfw_sg *sg = arg;

	if (nla_put_u32(skb, SGFW_A_RULE_ID, r->id) ||
	    (sg && nla_put_string(skb, SGFW_A_RULE_SG, sg->name)) ||
	    nla_put_u32(skb, SGFW_A_RULE_DIRECTION, r->dir) ||
	    sgfw_put_match(skb, SGFW_A_RULE_MATCH, &r->m) ||
	    (r->desc[0] && nla_put_string(skb, SGFW_A_RULE_DESCRIPTION,
					  r->desc)))
		return -EMSGSIZE;

	switch (r->peer_kind) {
	case SGFW_PEER_CIDR:
		if (sgfw_put_cidr(skb, SGFW_A_RULE_PEER, &r->cidr, false))
			return -EMSGSIZE;
		break;
	case SGFW_PEER_SG:
		if (nla_put_string(skb, SGFW_A_RULE_PEER_SG,
				   sgfw_peer_sg_name(r)))
			return -EMSGSIZE;
		break;
	case SGFW_PEER_PL:
		if (nla_put_string(skb, SGFW_A_RULE_PEER_PREFIX_LIST,
				   r->peer_pl->name))
			return -EMSGSIZE;
		break;
	}
	return sgfw_rule_ctr_fill(skb, r);
}

/* One item of a list, in a nest that goes away again when it does not fit. */
#define sgfw_put_item(skb, type, put) ({				\
	struct sk_buff *__skb = (skb);					\
	struct nlattr *__nest = nla_nest_start(__skb, type);		\
	int __err = -EMSGSIZE;						\
									\
	if (__nest) {							\
		__err = (put);						\
		if (__err)						\
			nla_nest_cancel(__skb, __nest);			\
		else							\
			nla_nest_end(__skb, __nest);			\
	}								\
	__err;								\
})

/*
 * A group: its own attributes, then its rules (ingress, then egress) and
 * members from item *@pos on (struct sgfw_fill_t).
 */
static int sgfw_sg_fill(struct sk_buff *skb, void *obj, void *arg,
			unsigned long *pos)
{
	const struct sgfw_sg *sg = obj;
	const struct sgfw_rule *r;
	enum sgfw_direction dir;
	unsigned long item = 0;
	u32 i;

	if (nla_put_string(skb, SGFW_A_SG_NAME, sg->name) ||
	    nla_put_u32(skb, SGFW_A_SG_ID, sg->id) ||
	    (sg->desc[0] &&
	     nla_put_string(skb, SGFW_A_SG_DESCRIPTION, sg->desc)) ||
	    nla_put_u32(skb, SGFW_A_SG_ATTACHED, sg->attached))
		return -EMSGSIZE;

	for (dir = SGFW_DIRECTION_INGRESS; dir <= SGFW_DIRECTION_EGRESS; dir++) {
		list_for_each_entry(r, &sg->rules, list) {
			if (r->dir != dir || item++ < *pos)
				continue;
			if (sgfw_put_item(skb, SGFW_A_SG_RULE,
					  sgfw_rule_fill(skb, (void *)r, NULL,
							 NULL)))
				return -EMSGSIZE;
			(*pos)++;
		}
	}
	for (i = 0; i < sg->members.n; i++) {
		if (item++ < *pos)
			continue;
		if (sgfw_put_cidr(skb, SGFW_A_SG_MEMBER, &sg->members.v[i],
				  true))
			return -EMSGSIZE;
		(*pos)++;
	}
	return 0;
}

/* A message that holds the whole of @sg. */
static size_t sgfw_sg_size(const struct sgfw_sg *sg)
{
	const struct sgfw_rule *r;
	size_t size = 2 * SGFW_NLA_NAME_MAX + SGFW_NLA_STR_MAX;

	list_for_each_entry(r, &sg->rules, list)
		size += SGFW_NLA_RULE_MAX;
	return size + sg->members.n * SGFW_NLA_CIDR_MAX;
}

int sgfw_nl_sg_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	char desc[SGFW_DESC_MAX] = "";
	struct sgfw_txn *txn;
	struct sk_buff *msg;
	const char *name;
	struct sgfw_sg *sg;
	int err;

	err = sgfw_get_name(info, SGFW_A_SG_NAME, &name) ?:
	      sgfw_get_desc(info->attrs[SGFW_A_SG_DESCRIPTION], desc,
			    info->extack);
	if (err)
		return err;
	/* Allocated first: once the group exists, the reply cannot fail. */
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	txn = sgfw_single(sn);
	sg = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_txn_sg_new(txn, name, desc, info->extack);
	if (IS_ERR(sg))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_SG_NAME]);
	err = sgfw_single_end(info, txn, PTR_ERR_OR_ZERO(sg));
	/* Committed: @sg is the running group. */
	if (!err)
		err = sgfw_reply_send(info, msg, SGFW_CMD_SG_NEW, sgfw_sg_fill,
				      sg, NULL);
	else
		nlmsg_free(msg);
	return err;
}

int sgfw_nl_sg_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_sg *sg;
	int err;

	txn = sgfw_single(sn);
	sg = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_sg(&txn->cfg, info, SGFW_A_SG_NAME);
	err = IS_ERR(sg) ? PTR_ERR(sg) : sgfw_txn_sg_del(txn, sg, info->extack);
	if (err && !IS_ERR(sg))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_SG_NAME]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_sg_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_sg *sg;
	int err;

	sg = sgfw_get_sg(&sn->cfg, info, SGFW_A_SG_NAME);
	err = IS_ERR(sg) ? PTR_ERR(sg) :
	      sgfw_reply(info, SGFW_CMD_SG_GET, sgfw_sg_fill, sg, NULL,
			 sgfw_sg_size(sg));
	return err;
}

int sgfw_nl_sg_get_dumpit(struct sk_buff *skb,
			  struct netlink_callback *cb)
{
	struct sgfw_net *sn = sgfw_pernet(sock_net(skb->sk));
	struct sgfw_sg *sg;
	int err = 0;

	rtnl_lock();
	sgfw_dump_begin(cb, sn);
	list_for_each_entry(sg, &sn->cfg.sgs, list) {
		if (!sgfw_dump_at(cb, sg->id))
			continue;
		err = sgfw_dump_one(skb, cb, SGFW_CMD_SG_GET, sgfw_sg_fill, sg,
				    NULL);
		if (err)
			break;
		sgfw_dump_next(cb, sg->id);
	}
	rtnl_unlock();
	return sgfw_dump_done(skb, err);
}

/* ---- rules ---- */

/*
 * The protocol, ports and icmp type and code of a rule, from the nest
 * @nest of SGFW_A_MATCH_*; without it, the rule matches every packet.
 */
static int sgfw_parse_match(const struct nlattr *nest, struct sgfw_match *m,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGFW_A_MATCH_MAX + 1] = {};
	struct nlattr *from, *to, *type, *code;
	bool ports, icmp;
	int err;

	if (nest) {
		err = nla_parse_nested(tb, SGFW_A_MATCH_MAX, nest,
				       sgfw_match_nl_policy, extack);
		if (err)
			return err;
	}
	from = tb[SGFW_A_MATCH_PORT_FROM];
	to = tb[SGFW_A_MATCH_PORT_TO];
	type = tb[SGFW_A_MATCH_ICMP_TYPE];
	code = tb[SGFW_A_MATCH_ICMP_CODE];

	m->any_proto = !tb[SGFW_A_MATCH_PROTOCOL];
	if (!m->any_proto)
		m->proto = nla_get_u8(tb[SGFW_A_MATCH_PROTOCOL]);
	ports = !m->any_proto && (m->proto == IPPROTO_TCP ||
				  m->proto == IPPROTO_UDP);
	icmp = !m->any_proto && (m->proto == IPPROTO_ICMP ||
				 m->proto == IPPROTO_ICMPV6);

	m->any_port = true;
	if (from || to) {
		if (!ports) {
			NL_SET_ERR_MSG_ATTR(extack, from ?: to,
					    "ports apply to tcp and udp only");
			return -EINVAL;
		}
		if (!from || !to) {
			NL_SET_ERR_MSG_ATTR(extack, from ?: to,
					    "give both ends of the port range");
			return -EINVAL;
		}
		m->port_from = nla_get_u16(from);
		m->port_to = nla_get_u16(to);
		if (m->port_from > m->port_to) {
			NL_SET_ERR_MSG_ATTR(extack, to,
					    "port range ends before it starts");
			return -EINVAL;
		}
		/* 0-65535 is every port: store it as such. */
		m->any_port = m->port_from == 0 && m->port_to == 65535;
	}

	m->any_type = !type;
	m->any_code = !code;
	if ((type || code) && !icmp) {
		NL_SET_ERR_MSG_ATTR(extack, type ?: code,
				    "icmp type and code apply to icmp and icmpv6 only");
		return -EINVAL;
	}
	if (!type && code) {
		NL_SET_ERR_MSG_ATTR(extack, code,
				    "icmp code needs an icmp type");
		return -EINVAL;
	}
	if (type)
		m->icmp_type = nla_get_u8(type);
	if (code)
		m->icmp_code = nla_get_u8(code);
	return 0;
}

/*
 * Fill @r from the attributes @tb (of a RULE_NEW request, or of the nest
 * @nest), its peer found in @cfg; everything but the limits is checked.
 */
static int sgfw_rule_parse(const struct sgfw_cfg *cfg, struct nlattr **tb,
			   const struct nlattr *nest, struct sgfw_rule *r,
			   struct netlink_ext_ack *extack)
{
	int peers = 0;
	int err;

	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SGFW_A_RULE_DIRECTION))
		return -EINVAL;
	r->dir = nla_get_u32(tb[SGFW_A_RULE_DIRECTION]);
	err = sgfw_parse_match(tb[SGFW_A_RULE_MATCH], &r->m, extack);
	if (err)
		return err;

	peers = !!tb[SGFW_A_RULE_PEER] + !!tb[SGFW_A_RULE_PEER_SG] +
		!!tb[SGFW_A_RULE_PEER_PREFIX_LIST];
	if (peers != 1) {
		NL_SET_ERR_MSG_MOD(extack,
				   "give exactly one peer: a cidr, a security group or a prefix list");
		return -EINVAL;
	}
	if (tb[SGFW_A_RULE_PEER_SG]) {
		r->peer_kind = SGFW_PEER_SG;
		r->peer_sg = sgfw_attr_sg(cfg, tb[SGFW_A_RULE_PEER_SG], extack);
		if (IS_ERR(r->peer_sg))
			return PTR_ERR(r->peer_sg);
	} else if (tb[SGFW_A_RULE_PEER_PREFIX_LIST]) {
		r->peer_kind = SGFW_PEER_PL;
		r->peer_pl = sgfw_attr_pl(cfg, tb[SGFW_A_RULE_PEER_PREFIX_LIST],
					  extack);
		if (IS_ERR(r->peer_pl))
			return PTR_ERR(r->peer_pl);
	} else {
		r->peer_kind = SGFW_PEER_CIDR;
		err = sgfw_parse_cidr(tb[SGFW_A_RULE_PEER], false, &r->cidr,
				      extack);
		if (err)
			return err;
		if ((r->m.proto == IPPROTO_ICMP && !r->m.any_proto &&
		     r->cidr.af != SGFW_AF_INET) ||
		    (r->m.proto == IPPROTO_ICMPV6 && !r->m.any_proto &&
		     r->cidr.af != SGFW_AF_INET6)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "icmp needs an IPv4 peer and icmpv6 an IPv6 one");
			return -EINVAL;
		}
	}
	return sgfw_get_desc(tb[SGFW_A_RULE_DESCRIPTION], r->desc, extack);
}

int sgfw_nl_rule_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_rule *r;
	struct sk_buff *msg;
	struct sgfw_sg *sg;
	int err;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!r || !msg) {
		kfree(r);
		nlmsg_free(msg);
		return -ENOMEM;
	}

	txn = sgfw_single(sn);
	sg = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_sg(&txn->cfg, info, SGFW_A_RULE_SG);
	err = IS_ERR(sg) ? PTR_ERR(sg) :
	      sgfw_rule_parse(&txn->cfg, info->attrs, NULL, r, info->extack) ?:
	      sgfw_txn_rule_new(txn, sg, r, info->extack);
	/* Refused, @r is still ours; taken, the candidate's. */
	if (err)
		kfree(r);
	err = sgfw_single_end(info, txn, err);
	if (!err)
		err = sgfw_reply_send(info, msg, SGFW_CMD_RULE_NEW,
				      sgfw_rule_fill, r, sg);
	else
		nlmsg_free(msg);
	return err;
}

int sgfw_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_sg *sg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SGFW_A_RULE_ID))
		return -EINVAL;
	txn = sgfw_single(sn);
	sg = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_sg(&txn->cfg, info, SGFW_A_RULE_SG);
	err = IS_ERR(sg) ? PTR_ERR(sg) :
	      sgfw_txn_rule_del(txn, sg,
				nla_get_u32(info->attrs[SGFW_A_RULE_ID]),
				info->extack);
	if (err == -ENOENT && !IS_ERR(sg))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_RULE_ID]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

/* ---- members and prefix lists: CIDR sets ---- */

/* Add or remove the CIDRs of the request's @type nests to a set of @txn. */
static int sgfw_cidrs_change(struct genl_info *info, struct sgfw_cidr_set *set,
			     int type, bool add, u32 max)
{
	bool pl = type == SGFW_A_PL_ENTRY;
	struct sgfw_cidr *v;
	int n, err;

	n = sgfw_parse_cidr_list(info, type, !pl, &v);
	if (n < 0)
		return n;
	err = sgfw_cidr_set_change(set, v, n, add, max, pl, info->extack);
	kfree(v);
	return err;
}

static int sgfw_member_change(struct genl_info *info, bool add)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_sg *sg;
	int err;

	txn = sgfw_single(sn);
	sg = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_sg(&txn->cfg, info, SGFW_A_SG_NAME);
	err = IS_ERR(sg) ? PTR_ERR(sg) :
	      sgfw_cidrs_change(info, &sg->members, SGFW_A_SG_MEMBER, add,
				SGFW_MAX_MEMBERS);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_member_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sgfw_member_change(info, true);
}

int sgfw_nl_member_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sgfw_member_change(info, false);
}

/* A prefix list, its entries from item *@pos on (struct sgfw_fill_t). */
static int sgfw_pl_fill(struct sk_buff *skb, void *obj, void *arg,
			unsigned long *pos)
{
	const struct sgfw_pl *pl = obj;
	u32 i;

	if (nla_put_string(skb, SGFW_A_PL_NAME, pl->name) ||
	    nla_put_u32(skb, SGFW_A_PL_MAX_ENTRIES, pl->max_entries))
		return -EMSGSIZE;
	for (i = *pos; i < pl->entries.n; i++) {
		if (sgfw_put_cidr(skb, SGFW_A_PL_ENTRY, &pl->entries.v[i],
				  false))
			return -EMSGSIZE;
		(*pos)++;
	}
	return 0;
}

static size_t sgfw_pl_size(const struct sgfw_pl *pl)
{
	return SGFW_NLA_NAME_MAX + nla_total_size(4) +
	       pl->entries.n * SGFW_NLA_CIDR_MAX;
}

/* The max-entries of a request, if it has one, in *@max. */
static void sgfw_pl_get_max(struct genl_info *info, u32 *max)
{
	sgfw_get_u32(info->attrs[SGFW_A_PL_MAX_ENTRIES], max);
}

int sgfw_nl_pl_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	u32 max = SGFW_PL_ENTRIES_DEF;
	struct sgfw_txn *txn;
	struct sgfw_pl *pl;
	const char *name;
	int err;

	err = sgfw_get_name(info, SGFW_A_PL_NAME, &name);
	if (err)
		return err;
	sgfw_pl_get_max(info, &max);
	txn = sgfw_single(sn);
	pl = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_txn_pl_new(txn, name, max, info->extack);
	if (IS_ERR(pl))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_PL_NAME]);
	err = sgfw_single_end(info, txn, PTR_ERR_OR_ZERO(pl));
	return err;
}

int sgfw_nl_pl_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_pl *pl;
	u32 max;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SGFW_A_PL_MAX_ENTRIES))
		return -EINVAL;
	sgfw_pl_get_max(info, &max);
	txn = sgfw_single(sn);
	pl = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_pl(&txn->cfg, info, SGFW_A_PL_NAME);
	err = IS_ERR(pl) ? PTR_ERR(pl) :
	      sgfw_txn_pl_set(txn, pl, max, info->extack);
	if (err && !IS_ERR(pl))
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[SGFW_A_PL_MAX_ENTRIES]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_pl_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_pl *pl;
	int err;

	txn = sgfw_single(sn);
	pl = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_pl(&txn->cfg, info, SGFW_A_PL_NAME);
	err = IS_ERR(pl) ? PTR_ERR(pl) : sgfw_txn_pl_del(txn, pl, info->extack);
	if (err && !IS_ERR(pl))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_PL_NAME]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

static int sgfw_pl_entry_change(struct genl_info *info, bool add)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn *txn;
	struct sgfw_pl *pl;
	int err;

	txn = sgfw_single(sn);
	pl = IS_ERR(txn) ? ERR_CAST(txn) :
	     sgfw_get_pl(&txn->cfg, info, SGFW_A_PL_NAME);
	err = IS_ERR(pl) ? PTR_ERR(pl) :
	      sgfw_cidrs_change(info, &pl->entries, SGFW_A_PL_ENTRY, add,
				pl->max_entries);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_pl_entry_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sgfw_pl_entry_change(info, true);
}

int sgfw_nl_pl_entry_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	return sgfw_pl_entry_change(info, false);
}

int sgfw_nl_pl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_pl *pl;
	int err;

	pl = sgfw_get_pl(&sn->cfg, info, SGFW_A_PL_NAME);
	err = IS_ERR(pl) ? PTR_ERR(pl) :
	      sgfw_reply(info, SGFW_CMD_PL_GET, sgfw_pl_fill, pl, NULL,
			 sgfw_pl_size(pl));
	return err;
}

int sgfw_nl_pl_get_dumpit(struct sk_buff *skb,
			  struct netlink_callback *cb)
{
	struct sgfw_net *sn = sgfw_pernet(sock_net(skb->sk));
	struct sgfw_pl *pl;
	int err = 0;

	rtnl_lock();
	sgfw_dump_begin(cb, sn);
	list_for_each_entry(pl, &sn->cfg.pls, list) {
		if (!sgfw_dump_at(cb, pl->key))
			continue;
		err = sgfw_dump_one(skb, cb, SGFW_CMD_PL_GET, sgfw_pl_fill, pl,
				    NULL);
		if (err)
			break;
		sgfw_dump_next(cb, pl->key);
	}
	rtnl_unlock();
	return sgfw_dump_done(skb, err);
}

/* ---- devices ---- */

/**
 * sgfw_req_dev() - the device name a request names, into @name.
 * @sn: the namespace.
 * @info: the request: SGFW_A_IFACE_IFNAME, or SGFW_A_IFACE_IFINDEX (a
 *	device that exists, whose name it stands for).
 * @name: the name, IFNAMSIZ bytes.
 * @known: the name must be of a device or have a configuration already,
 *	so that a typo in a single command fails instead of waiting for a
 *	device that never comes; false for transactions, whose files may
 *	name devices that are yet to be created.
 *
 * Context: RTNL.
 * Return: 0, -EINVAL (no device named, an invalid name, loopback) or
 * -ENODEV, with the message.
 */
static int sgfw_req_dev(struct sgfw_net *sn, struct genl_info *info,
			char *name, bool known)
{
	const struct nlattr *aname = info->attrs[SGFW_A_IFACE_IFNAME];
	const struct nlattr *aindex = info->attrs[SGFW_A_IFACE_IFINDEX];
	const struct nlattr *bad = aname ?: aindex;
	struct net_device *dev;

	ASSERT_RTNL();
	if (aname) {
		nla_strscpy(name, aname, IFNAMSIZ);
		if (!dev_valid_name(name)) {
			NL_SET_ERR_MSG_ATTR(info->extack, aname,
					    "invalid device name");
			return -EINVAL;
		}
		dev = __dev_get_by_name(genl_info_net(info), name);
		if (aindex && (!dev ||
			       dev->ifindex != nla_get_u32(aindex))) {
			NL_SET_ERR_MSG_ATTR(info->extack, aindex,
					    "ifindex and ifname name different devices");
			return -EINVAL;
		}
	} else if (aindex) {
		dev = __dev_get_by_index(genl_info_net(info),
					 nla_get_u32(aindex));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(info->extack, aindex,
					    "no such device in this namespace");
			return -ENODEV;
		}
		strscpy(name, dev->name, IFNAMSIZ);
	} else {
		GENL_SET_ERR_MSG(info, "name a device (ifname or ifindex)");
		return -EINVAL;
	}
	if (dev && (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG_ATTR(info->extack, bad,
				    "loopback is never filtered");
		return -EINVAL;
	}
	if (known && !dev && !sgfw_dev_find(sn, name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, bad,
				    "no such device in this namespace, and sgfw has no configuration for that name");
		return -ENODEV;
	}
	return 0;
}

/*
 * Port mode's settings: mode, source check, and the addresses and MAC
 * address if any.
 */
static int sgfw_put_port(struct sk_buff *skb, const struct sgfw_port *port)
{
	struct nlattr *nest;
	u32 i;

	if (nla_put_u32(skb, SGFW_A_IFACE_MODE,
			port ? SGFW_IFACE_MODE_PORT : SGFW_IFACE_MODE_ENDPOINT) ||
	    nla_put_u8(skb, SGFW_A_IFACE_SOURCE_CHECK,
		       !port || port->source_check))
		return -EMSGSIZE;
	if (port && !is_zero_ether_addr(port->mac) &&
	    nla_put(skb, SGFW_A_IFACE_MAC, ETH_ALEN, port->mac))
		return -EMSGSIZE;
	if (!port || !port->n)
		return 0;
	nest = nla_nest_start(skb, SGFW_A_IFACE_ADDRESSES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < port->n; i++)
		if (sgfw_put_cidr(skb, SGFW_A_IFACE_ADDRESSES_ADDRESS,
				  &port->addrs[i], false))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int sgfw_iface_fill(struct sk_buff *skb, void *obj, void *arg,
			   unsigned long *pos)
{
	static const int attr[SGFW_COUNT_NUM] = {
		[SGFW_COUNT_ACCEPTED]	= SGFW_A_IFACE_ACCEPTED,
		[SGFW_COUNT_NO_RULE]	= SGFW_A_IFACE_DROPPED_NO_RULE,
		[SGFW_COUNT_NACL]	= SGFW_A_IFACE_DROPPED_NACL,
		[SGFW_COUNT_TABLE_FULL]	= SGFW_A_IFACE_DROPPED_TABLE_FULL,
		[SGFW_COUNT_INVALID]	= SGFW_A_IFACE_DROPPED_INVALID,
		[SGFW_COUNT_SPOOFED]	= SGFW_A_IFACE_DROPPED_SPOOFED,
	};
	static const int audit_attr[SGFW_COUNT_NUM] = {
		[SGFW_COUNT_NO_RULE]	= SGFW_A_IFACE_AUDIT_NO_RULE,
		[SGFW_COUNT_NACL]	= SGFW_A_IFACE_AUDIT_NACL,
		[SGFW_COUNT_TABLE_FULL]	= SGFW_A_IFACE_AUDIT_TABLE_FULL,
		[SGFW_COUNT_INVALID]	= SGFW_A_IFACE_AUDIT_INVALID,
		[SGFW_COUNT_SPOOFED]	= SGFW_A_IFACE_AUDIT_SPOOFED,
	};
	const struct sgfw_dev *sd = obj;
	u64 ctr[SGFW_COUNT_NUM], audit[SGFW_COUNT_NUM], dropped = 0;
	int i;

	sgfw_dev_stats_read(sd, ctr, audit);
	if (nla_put_string(skb, SGFW_A_IFACE_IFNAME, sd->name) ||
	    (sd->fd.ifindex &&
	     nla_put_u32(skb, SGFW_A_IFACE_IFINDEX, sd->fd.ifindex)))
		return -EMSGSIZE;
	for (i = 0; i < sd->nsgs; i++)
		if (nla_put_string(skb, SGFW_A_IFACE_SG, sd->sgs[i]->name))
			return -EMSGSIZE;
	if (sd->nacl && nla_put_string(skb, SGFW_A_IFACE_NACL, sd->nacl->name))
		return -EMSGSIZE;
	if (nla_put_u32(skb, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT,
			sd->to.tcp_established) ||
	    nla_put_u32(skb, SGFW_A_IFACE_UDP_TIMEOUT, sd->to.udp) ||
	    nla_put_u32(skb, SGFW_A_IFACE_UDP_STREAM_TIMEOUT,
			sd->to.udp_stream) ||
	    nla_put_u32(skb, SGFW_A_IFACE_TRACKING, sd->tracking) ||
	    nla_put_u8(skb, SGFW_A_IFACE_AUDIT, sd->audit) ||
	    sgfw_put_port(skb, sd->port) ||
	    nla_put_u32(skb, SGFW_A_IFACE_FLOWS, sgfw_dev_flows(sd)))
		return -EMSGSIZE;
	for (i = 0; i < SGFW_COUNT_NUM; i++) {
		if (i != SGFW_COUNT_ACCEPTED)
			dropped += ctr[i];
		if (nla_put_u64_64bit(skb, attr[i], ctr[i], SGFW_A_IFACE_PAD) ||
		    (audit_attr[i] &&
		     nla_put_u64_64bit(skb, audit_attr[i], audit[i],
				       SGFW_A_IFACE_PAD)))
			return -EMSGSIZE;
	}
	if (nla_put_u64_64bit(skb, SGFW_A_IFACE_DROPPED, dropped,
			      SGFW_A_IFACE_PAD))
		return -EMSGSIZE;
	return 0;
}

/*
 * The instance addresses of SGFW_A_IFACE_ADDRESSES @nest, into @set
 * (sorted, unique, at most SGFW_MAX_PORT_ADDRS; empty when the nest is).
 */
static int sgfw_parse_port_addrs(const struct nlattr *nest,
				 struct sgfw_cidr_set *set,
				 struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	struct sgfw_cidr *v;
	int rem, err = 0;
	u32 n = 0;

	v = kmalloc_array(SGFW_MAX_PORT_ADDRS, sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != SGFW_A_IFACE_ADDRESSES_ADDRESS)
			continue;
		if (n == SGFW_MAX_PORT_ADDRS) {
			sgfw_err_fmt(extack, "too many addresses",
				     "an instance has at most %u addresses",
				     SGFW_MAX_PORT_ADDRS);
			NL_SET_BAD_ATTR(extack, a);
			err = -E2BIG;
			goto out;
		}
		err = sgfw_parse_cidr(a, false, &v[n], extack);
		if (err) {
			NL_SET_BAD_ATTR(extack, a);
			goto out;
		}
		n++;
	}
	err = n ? sgfw_cidr_set_add(set, v, n, SGFW_MAX_PORT_ADDRS) : 0;
	if (err == -EEXIST)
		NL_SET_ERR_MSG_ATTR(extack, nest, "an address is named twice");
out:
	kfree(v);
	return err;
}

/*
 * Port mode's settings of an IFACE_SET or TXN_IFACE request, over those
 * @td has: a new port for a device that is or becomes one, none for one
 * that becomes an endpoint.  Source check, addresses and MAC address
 * belong to port mode: given to a device in endpoint mode, they are
 * refused.  The MAC address is an instance's, unicast; all zeros is none.
 */
static int sgfw_iface_port(struct nlattr **tb, struct sgfw_txn_dev *td,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *only = tb[SGFW_A_IFACE_SOURCE_CHECK] ?:
				    tb[SGFW_A_IFACE_ADDRESSES] ?:
				    tb[SGFW_A_IFACE_MAC];
	const struct sgfw_port *old = td->port;
	struct sgfw_cidr_set set = {};
	u8 mac[ETH_ALEN] __aligned(2) = {};
	struct sgfw_port *port;
	bool check = true;
	int err;

	if (!tb[SGFW_A_IFACE_MODE] && !only)
		return 0;
	if (tb[SGFW_A_IFACE_MODE] ?
	    nla_get_u32(tb[SGFW_A_IFACE_MODE]) == SGFW_IFACE_MODE_ENDPOINT :
	    !old) {
		if (only) {
			NL_SET_ERR_MSG_ATTR(extack, only,
					    "source-check, address and mac are settings of port mode: set mode port");
			return -EINVAL;
		}
		sgfw_port_put(td->port);
		td->port = NULL;
		return 0;
	}
	if (tb[SGFW_A_IFACE_MAC] &&
	    is_multicast_ether_addr(nla_data(tb[SGFW_A_IFACE_MAC]))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGFW_A_IFACE_MAC],
				    "an instance's MAC address is unicast, not multicast or broadcast");
		return -EINVAL;
	}
	if (old) {
		check = old->source_check;
		ether_addr_copy(mac, old->mac);
		set.v = (struct sgfw_cidr *)old->addrs;
		set.n = old->n;
	}
	if (tb[SGFW_A_IFACE_SOURCE_CHECK])
		check = nla_get_u8(tb[SGFW_A_IFACE_SOURCE_CHECK]);
	if (tb[SGFW_A_IFACE_MAC])
		ether_addr_copy(mac, nla_data(tb[SGFW_A_IFACE_MAC]));
	if (tb[SGFW_A_IFACE_ADDRESSES]) {
		set = (struct sgfw_cidr_set){};
		err = sgfw_parse_port_addrs(tb[SGFW_A_IFACE_ADDRESSES], &set,
					    extack);
		if (err)
			return err;
	}
	port = sgfw_port_new(check, mac, set.v, set.n);
	if (tb[SGFW_A_IFACE_ADDRESSES])
		kfree(set.v);
	if (!port)
		return -ENOMEM;
	sgfw_port_put(td->port);
	td->port = port;
	return 0;
}

/*
 * The timeouts, tracking, audit and port mode of an IFACE_SET or
 * TXN_IFACE request, into @td; on error @td is unchanged.
 */
static int sgfw_iface_settings(struct nlattr **tb, struct sgfw_txn_dev *td,
			       struct netlink_ext_ack *extack)
{
	int err = sgfw_iface_port(tb, td, extack);

	if (err)
		return err;
	sgfw_get_u32(tb[SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT],
		     &td->to.tcp_established);
	sgfw_get_u32(tb[SGFW_A_IFACE_UDP_TIMEOUT], &td->to.udp);
	sgfw_get_u32(tb[SGFW_A_IFACE_UDP_STREAM_TIMEOUT], &td->to.udp_stream);
	if (tb[SGFW_A_IFACE_TRACKING])
		td->tracking = nla_get_u32(tb[SGFW_A_IFACE_TRACKING]);
	if (tb[SGFW_A_IFACE_AUDIT])
		td->audit = nla_get_u8(tb[SGFW_A_IFACE_AUDIT]);
	return 0;
}

/* The nth (from 0) attribute of type @type of the request, for blame. */
static const struct nlattr *sgfw_nth_attr(struct genl_info *info, int type,
					  int nth)
{
	const struct nlattr *a;
	int rem;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(a) == type && !nth--)
			return a;
	return NULL;
}

/*
 * The device of an IFACE_* request and its settings in @txn (new ones if
 * it has none), or an ERR_PTR; its name in @name.
 */
static struct sgfw_txn_dev *sgfw_get_txn_dev(struct sgfw_txn *txn,
					     struct genl_info *info,
					     char *name)
{
	int err = sgfw_req_dev(info->user_ptr[0], info, name, true);

	if (err)
		return ERR_PTR(err);
	return sgfw_txn_dev_get(txn, name, info->extack);
}

int sgfw_nl_iface_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_sg *add[SGFW_MAX_SGS_PER_DEV + 1];
	struct sgfw_txn_dev *td;
	const struct nlattr *a;
	char name[IFNAMSIZ];
	struct sgfw_txn *txn;
	int n = 0, rem, bad, err = 0;

	txn = sgfw_single(sn);
	td = IS_ERR(txn) ? ERR_CAST(txn) : sgfw_get_txn_dev(txn, info, name);
	if (IS_ERR(td)) {
		err = PTR_ERR(td);
		goto out;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SGFW_A_IFACE_SG)
			continue;
		/* One past the most, for the model to refuse. */
		if (n > SGFW_MAX_SGS_PER_DEV)
			break;
		add[n] = sgfw_attr_sg(&txn->cfg, a, info->extack);
		if (IS_ERR(add[n])) {
			err = PTR_ERR(add[n]);
			goto out;
		}
		n++;
	}
	if (!n) {
		GENL_SET_ERR_MSG(info, "name at least one security group");
		err = -EINVAL;
		goto out;
	}
	err = sgfw_txn_attach(txn, td, name, add, n, &bad, info->extack);
	if (err && bad >= 0)
		NL_SET_BAD_ATTR(info->extack,
				sgfw_nth_attr(info, SGFW_A_IFACE_SG, bad));
out:
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_iface_detach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	const char *names[SGFW_MAX_SGS_PER_DEV + 1];
	struct sgfw_txn_dev *td;
	const struct nlattr *a;
	char name[IFNAMSIZ];
	struct sgfw_txn *txn;
	int n = 0, rem, bad, err = 0;

	txn = sgfw_single(sn);
	td = IS_ERR(txn) ? ERR_CAST(txn) : sgfw_get_txn_dev(txn, info, name);
	if (IS_ERR(td)) {
		err = PTR_ERR(td);
		goto out;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SGFW_A_IFACE_SG)
			continue;
		err = sgfw_attr_name(a, &names[n], info->extack);
		if (err)
			goto out;
		/* More than are attached: the model refuses the last. */
		if (n++ == SGFW_MAX_SGS_PER_DEV)
			break;
	}
	err = sgfw_txn_detach(td, name, names, n, &bad, info->extack);
	if (err)
		NL_SET_BAD_ATTR(info->extack,
				sgfw_nth_attr(info, SGFW_A_IFACE_SG, bad));
out:
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_iface_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_txn_dev *td;
	char name[IFNAMSIZ];
	struct sgfw_txn *txn;
	int err;

	txn = sgfw_single(sn);
	td = IS_ERR(txn) ? ERR_CAST(txn) : sgfw_get_txn_dev(txn, info, name);
	err = PTR_ERR_OR_ZERO(td) ?:
	      sgfw_iface_settings(info->attrs, td, info->extack);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_iface_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	char name[IFNAMSIZ];
	struct sgfw_dev *sd;
	int err;

	err = sgfw_req_dev(sn, info, name, false);
	if (err)
		return err;
	sd = sgfw_dev_find(sn, name);
	if (!sd) {
		GENL_SET_ERR_MSG(info, "sgfw has no setting for this device");
		return -ENOENT;
	}
	/* Sixteen group names and 64 IPv6 addresses take most of a page. */
	return sgfw_reply(info, SGFW_CMD_IFACE_GET, sgfw_iface_fill, sd, NULL,
			  2 * NLMSG_GOODSIZE);
}

int sgfw_nl_iface_get_dumpit(struct sk_buff *skb,
			     struct netlink_callback *cb)
{
	struct sgfw_net *sn = sgfw_pernet(sock_net(skb->sk));
	struct sgfw_dev *sd;
	int err = 0;

	rtnl_lock();
	sgfw_dump_begin(cb, sn);
	list_for_each_entry(sd, &sn->dev_list, list) {
		if (!sgfw_dump_at(cb, sd->key))
			continue;
		err = sgfw_dump_one(skb, cb, SGFW_CMD_IFACE_GET,
				    sgfw_iface_fill, sd, NULL);
		if (err)
			break;
		sgfw_dump_next(cb, sd->key);
	}
	rtnl_unlock();
	return sgfw_dump_done(skb, err);
}

/* ---- flows ---- */

/*
 * The filter of a flow dump or flush (SGFW_A_FLOW_FILTER), into @ff.  A
 * group is found by name under the RTNL, which this takes: the flows name
 * it by id, which the walk, without the RTNL, compares.
 */
static int sgfw_flow_filter_parse(struct sgfw_net *sn,
				  const struct nlattr *nest,
				  struct sgfw_flow_filter *ff,
				  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SGFW_A_FLOW_FILTER_MAX + 1];
	const struct sgfw_sg *sg;
	int err;

	memset(ff, 0, sizeof(*ff));
	ff->sn = sn;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, SGFW_A_FLOW_FILTER_MAX, nest,
			       sgfw_flow_filter_nl_policy, extack);
	if (err)
		return err;
	if (tb[SGFW_A_FLOW_FILTER_RULE_ID] && !tb[SGFW_A_FLOW_FILTER_SG]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SGFW_A_FLOW_FILTER_RULE_ID],
				    "a rule id needs the name of its group");
		return -EINVAL;
	}
	if (tb[SGFW_A_FLOW_FILTER_SG]) {
		rtnl_lock();
		sg = sgfw_attr_sg(&sn->cfg, tb[SGFW_A_FLOW_FILTER_SG], extack);
		if (!IS_ERR(sg))
			ff->sg_id = sg->id;
		rtnl_unlock();
		if (IS_ERR(sg))
			return PTR_ERR(sg);
		ff->fields |= SGFW_FF_SG;
	}
	if (tb[SGFW_A_FLOW_FILTER_RULE_ID]) {
		ff->rule_id = nla_get_u32(tb[SGFW_A_FLOW_FILTER_RULE_ID]);
		ff->fields |= SGFW_FF_RULE;
	}
	if (tb[SGFW_A_FLOW_FILTER_IFINDEX]) {
		u32 ifindex = nla_get_u32(tb[SGFW_A_FLOW_FILTER_IFINDEX]);
		const struct sgfw_dev *sd;

		/* A device with no configuration has no flow: key 0. */
		rcu_read_lock();
		sd = ifindex <= INT_MAX ? xa_load(&sn->devs, ifindex) : NULL;
		ff->key = sd ? sd->fd.key : 0;
		rcu_read_unlock();
		ff->fields |= SGFW_FF_IFINDEX;
	}
	if (tb[SGFW_A_FLOW_FILTER_PROTOCOL]) {
		ff->proto = nla_get_u8(tb[SGFW_A_FLOW_FILTER_PROTOCOL]);
		ff->fields |= SGFW_FF_PROTO;
	}
	if (tb[SGFW_A_FLOW_FILTER_SRC]) {
		err = sgfw_parse_cidr(tb[SGFW_A_FLOW_FILTER_SRC], false,
				      &ff->src, extack);
		if (err)
			return err;
		ff->fields |= SGFW_FF_SRC;
	}
	if (tb[SGFW_A_FLOW_FILTER_DST]) {
		err = sgfw_parse_cidr(tb[SGFW_A_FLOW_FILTER_DST], false,
				      &ff->dst, extack);
		if (err)
			return err;
		ff->fields |= SGFW_FF_DST;
	}
	if (tb[SGFW_A_FLOW_FILTER_SPORT]) {
		ff->sport = nla_get_u16(tb[SGFW_A_FLOW_FILTER_SPORT]);
		ff->fields |= SGFW_FF_SPORT;
	}
	if (tb[SGFW_A_FLOW_FILTER_DPORT]) {
		ff->dport = nla_get_u16(tb[SGFW_A_FLOW_FILTER_DPORT]);
		ff->fields |= SGFW_FF_DPORT;
	}
	if (tb[SGFW_A_FLOW_FILTER_STATE]) {
		ff->state = nla_get_u32(tb[SGFW_A_FLOW_FILTER_STATE]);
		ff->fields |= SGFW_FF_STATE;
	}
	if (nla_get_flag(tb[SGFW_A_FLOW_FILTER_STALE]))
		ff->fields |= SGFW_FF_STALE;
	return 0;
}

int sgfw_nl_flow_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_flow_filter ff;
	struct sk_buff *msg;
	unsigned int n;
	void *hdr;
	int err;

	err = sgfw_flow_filter_parse(sn, info->attrs[SGFW_A_FLOW_FILTER], &ff,
				     info->extack);
	if (err)
		return err;
	msg = genlmsg_new(nla_total_size(4), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	/* Not under the RTNL: a flush of a large table takes a while. */
	n = sgfw_flowtable_flush_if(&sn->flows, sgfw_flow_filter_match_arg,
				    &ff);
	hdr = genlmsg_put_reply(msg, info, &sgfw_genl_family, 0,
				SGFW_CMD_FLOW_FLUSH);
	if (!hdr || nla_put_u32(msg, SGFW_A_FLOW_FLUSHED, n)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * @start: the length of the message when this part of the dump began.
 * @mark: where the flows of the bucket being walked begin in it.
 * @ff: the dump's filter, made by its start and freed by its done.
 */
struct sgfw_flow_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct sgfw_net *sn;
	unsigned int start;
	unsigned int mark;
	const struct sgfw_flow_filter *ff;
};

/* Context: RCU (the table walk), not the RTNL: groups are found by id. */
static int sgfw_flow_fill(struct sgfw_flow_dump *d, const struct sgfw_flow *f)
{
	struct sk_buff *skb = d->skb;
	const struct sgfw_sg *sg;
	long left = (s32)(READ_ONCE(f->deadline) - (u32)jiffies);
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &sgfw_genl_family,
			  NLM_F_MULTI, SGFW_CMD_FLOW_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u8(skb, SGFW_A_FLOW_PROTOCOL, f->t.proto) ||
	    sgfw_put_addr(skb, SGFW_A_FLOW_SRC, f->t.af, &f->t.src, -1) ||
	    sgfw_put_addr(skb, SGFW_A_FLOW_DST, f->t.af, &f->t.dst, -1))
		goto err_cancel;
	if (f->t.proto == IPPROTO_TCP || f->t.proto == IPPROTO_UDP) {
		if (nla_put_u16(skb, SGFW_A_FLOW_SPORT, ntohs(f->t.sport)) ||
		    nla_put_u16(skb, SGFW_A_FLOW_DPORT, ntohs(f->t.dport)))
			goto err_cancel;
	} else if (f->t.proto == IPPROTO_ICMP ||
		   f->t.proto == IPPROTO_ICMPV6) {
		if (nla_put_u16(skb, SGFW_A_FLOW_ICMP_ID, ntohs(f->t.sport)))
			goto err_cancel;
	}
	sg = xa_load(&d->sn->sg_ids, f->sg_id);
	if (nla_put_u32(skb, SGFW_A_FLOW_IFINDEX,
			sgfw_flow_ifindex(&d->sn->flows, f)) ||
	    nla_put_u32(skb, SGFW_A_FLOW_STATE, READ_ONCE(f->state)) ||
	    nla_put_u32(skb, SGFW_A_FLOW_EXPIRES_IN,
			left > 0 ? jiffies_to_msecs(left) : 0) ||
	    (sg && nla_put_string(skb, SGFW_A_FLOW_SG, sg->name)) ||
	    nla_put_u32(skb, SGFW_A_FLOW_RULE_ID, f->rule_id) ||
	    nla_put_u32(skb, SGFW_A_FLOW_DIRECTION,
			(READ_ONCE(f->flags) & SGFW_FLOW_F_OPENER_EGRESS) ?
			SGFW_DIRECTION_EGRESS : SGFW_DIRECTION_INGRESS) ||
	    nla_put_u64_64bit(skb, SGFW_A_FLOW_PACKETS,
			      atomic64_read(&f->packets), SGFW_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_FLOW_BYTES,
			      atomic64_read(&f->bytes), SGFW_A_FLOW_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_FLOW_START, sgfw_flow_start(f),
			      SGFW_A_FLOW_PAD))
		goto err_cancel;
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/*
 * The flows of one bucket go out in one message whenever they fit in one:
 * a bucket that does not fit behind what the message holds already is
 * taken out of it again and starts the next one.  The dump then shows
 * each bucket as it was at one moment, although the table changes while
 * the dump goes on.
 */
static int sgfw_flow_fill_one(const struct sgfw_flow *f, bool first,
			      void *arg)
{
	struct sgfw_flow_dump *d = arg;
	int err;

	if (first)
		d->mark = d->skb->len;
	if (!sgfw_flow_filter_match(d->ff, f))
		return 0;
	err = sgfw_flow_fill(d, f);
	if (err && d->mark > d->start) {
		nlmsg_trim(d->skb, d->skb->data + d->mark);
		return SGFW_WALK_AGAIN;
	}
	return err;
}

/* cb->args[4]: the dump's filter. */
#define SGFW_FLOW_DUMP_FILTER	4

int sgfw_nl_flow_dump_start(struct netlink_callback *cb)
{
	struct sgfw_net *sn = sgfw_pernet(sock_net(cb->skb->sk));
	struct nlattr **tb = sgfw_dump_attrs(cb);
	struct sgfw_flow_filter *ff;
	int err;

	ff = kmalloc(sizeof(*ff), GFP_KERNEL_ACCOUNT);
	if (!ff)
		return -ENOMEM;
	err = sgfw_flow_filter_parse(sn, tb[SGFW_A_FLOW_FILTER], ff,
				     cb->extack);
	if (err) {
		kfree(ff);
		return err;
	}
	cb->args[SGFW_FLOW_DUMP_FILTER] = (unsigned long)ff;
	return 0;
}

int sgfw_nl_flow_dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[SGFW_FLOW_DUMP_FILTER]);
	return 0;
}

/*
 * The walk of the table takes no configuration lock: a large table would
 * hold every namespace's RTNL for as long as it takes.  Flows name their
 * group by id, found in sgfw_net.sg_ids under RCU.
 */
int sgfw_nl_flow_get_dumpit(struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct sgfw_flow_dump d = {
		.skb = skb,
		.cb = cb,
		.sn = sgfw_pernet(net),
		.start = skb->len,
		.ff = (const void *)cb->args[SGFW_FLOW_DUMP_FILTER],
	};
	struct sgfw_flow_pos pos = {
		.bucket = cb->args[0],
		.flow = cb->args[1],
		.ports = cb->args[2],
		.size = cb->args[3],
	};
	int err;

	err = sgfw_flowtable_walk(&d.sn->flows, &pos, sgfw_flow_fill_one,
				  &d);
	cb->args[0] = pos.bucket;
	cb->args[1] = pos.flow;
	cb->args[2] = pos.ports;
	cb->args[3] = pos.size;
	return sgfw_dump_done(skb, err == SGFW_WALK_AGAIN ? -EMSGSIZE : err);
}

/* ---- network ACLs ---- */

static int sgfw_nacl_rule_fill(struct sk_buff *skb,
			       const struct sgfw_nacl_rule *r)
{
	struct nlattr *nest = nla_nest_start(skb, SGFW_A_NACL_RULE);
	u64 packets, bytes;

	if (!nest)
		return -EMSGSIZE;
	sgfw_rule_ctr_read(r->ctr, &packets, &bytes);
	if (nla_put_u32(skb, SGFW_A_NACL_RULE_NUMBER, r->number) ||
	    nla_put_u32(skb, SGFW_A_NACL_RULE_DIRECTION, r->dir) ||
	    nla_put_u32(skb, SGFW_A_NACL_RULE_ACTION,
			r->deny ? SGFW_NACL_ACTION_DENY :
			SGFW_NACL_ACTION_ALLOW) ||
	    sgfw_put_match(skb, SGFW_A_NACL_RULE_MATCH, &r->m) ||
	    sgfw_put_cidr(skb, SGFW_A_NACL_RULE_PEER, &r->cidr, false) ||
	    nla_put_u64_64bit(skb, SGFW_A_NACL_RULE_PACKETS, packets,
			      SGFW_A_NACL_RULE_PAD) ||
	    nla_put_u64_64bit(skb, SGFW_A_NACL_RULE_BYTES, bytes,
			      SGFW_A_NACL_RULE_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A NACL, its rules from item *@pos on (struct sgfw_fill_t). */
static int sgfw_nacl_fill(struct sk_buff *skb, void *obj, void *arg,
			  unsigned long *pos)
{
	const struct sgfw_nacl *nacl = obj;
	const struct sgfw_nacl_rule *r;
	unsigned long item = 0;

	if (nla_put_string(skb, SGFW_A_NACL_NAME, nacl->name) ||
	    nla_put_u32(skb, SGFW_A_NACL_ATTACHED, nacl->attached))
		return -EMSGSIZE;
	list_for_each_entry(r, &nacl->rules, list) {
		if (item++ < *pos)
			continue;
		if (sgfw_nacl_rule_fill(skb, r))
			return -EMSGSIZE;
		(*pos)++;
	}
	return 0;
}

static size_t sgfw_nacl_size(const struct sgfw_nacl *nacl)
{
	const struct sgfw_nacl_rule *r;
	size_t size = SGFW_NLA_NAME_MAX + nla_total_size(4);

	list_for_each_entry(r, &nacl->rules, list)
		size += SGFW_NLA_RULE_MAX;
	return size;
}

static struct sgfw_nacl *sgfw_get_nacl(const struct sgfw_cfg *cfg,
				       struct genl_info *info, int attr)
{
	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	return sgfw_attr_nacl(cfg, info->attrs[attr], info->extack);
}

int sgfw_nl_nacl_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl *nacl;
	struct sgfw_txn *txn;
	const char *name;
	int err;

	err = sgfw_get_name(info, SGFW_A_NACL_NAME, &name);
	if (err)
		return err;
	txn = sgfw_single(sn);
	nacl = IS_ERR(txn) ? ERR_CAST(txn) :
	       sgfw_txn_nacl_new(txn, name, info->extack);
	if (IS_ERR(nacl))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_NACL_NAME]);
	err = sgfw_single_end(info, txn, PTR_ERR_OR_ZERO(nacl));
	return err;
}

int sgfw_nl_nacl_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl *nacl;
	struct sgfw_txn *txn;
	int err;

	txn = sgfw_single(sn);
	nacl = IS_ERR(txn) ? ERR_CAST(txn) :
	       sgfw_get_nacl(&txn->cfg, info, SGFW_A_NACL_NAME);
	err = IS_ERR(nacl) ? PTR_ERR(nacl) :
	      sgfw_txn_nacl_del(txn, nacl, info->extack);
	if (err && !IS_ERR(nacl))
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_NACL_NAME]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_nacl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl *nacl;
	int err;

	nacl = sgfw_get_nacl(&sn->cfg, info, SGFW_A_NACL_NAME);
	err = IS_ERR(nacl) ? PTR_ERR(nacl) :
	      sgfw_reply(info, SGFW_CMD_NACL_GET, sgfw_nacl_fill, nacl, NULL,
			 sgfw_nacl_size(nacl));
	return err;
}

int sgfw_nl_nacl_get_dumpit(struct sk_buff *skb,
			    struct netlink_callback *cb)
{
	struct sgfw_net *sn = sgfw_pernet(sock_net(skb->sk));
	struct sgfw_nacl *nacl;
	int err = 0;

	rtnl_lock();
	sgfw_dump_begin(cb, sn);
	list_for_each_entry(nacl, &sn->cfg.nacls, list) {
		if (!sgfw_dump_at(cb, nacl->key))
			continue;
		err = sgfw_dump_one(skb, cb, SGFW_CMD_NACL_GET, sgfw_nacl_fill,
				    nacl, NULL);
		if (err)
			break;
		sgfw_dump_next(cb, nacl->key);
	}
	rtnl_unlock();
	return sgfw_dump_done(skb, err);
}

/* Fill @r from the attributes @tb (of the request, or of the nest @nest). */
static int sgfw_nacl_rule_parse(struct nlattr **tb, const struct nlattr *nest,
				struct sgfw_nacl_rule *r,
				struct netlink_ext_ack *extack)
{
	int err;

	/* The policy bounds the number (1 to 32766). */
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, SGFW_A_NACL_RULE_NUMBER) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, SGFW_A_NACL_RULE_DIRECTION) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, SGFW_A_NACL_RULE_ACTION))
		return -EINVAL;
	r->number = nla_get_u32(tb[SGFW_A_NACL_RULE_NUMBER]);
	r->dir = nla_get_u32(tb[SGFW_A_NACL_RULE_DIRECTION]);
	r->deny = nla_get_u32(tb[SGFW_A_NACL_RULE_ACTION]) ==
		  SGFW_NACL_ACTION_DENY;
	err = sgfw_parse_match(tb[SGFW_A_NACL_RULE_MATCH], &r->m, extack);
	if (err)
		return err;
	if (!tb[SGFW_A_NACL_RULE_PEER]) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a network ACL rule needs a cidr to match");
		return -EINVAL;
	}
	err = sgfw_parse_cidr(tb[SGFW_A_NACL_RULE_PEER], false, &r->cidr,
			      extack);
	if (err)
		return err;
	if (!r->m.any_proto &&
	    ((r->m.proto == IPPROTO_ICMP && r->cidr.af != SGFW_AF_INET) ||
	     (r->m.proto == IPPROTO_ICMPV6 && r->cidr.af != SGFW_AF_INET6))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "icmp needs an IPv4 cidr and icmpv6 an IPv6 one");
		return -EINVAL;
	}
	return 0;
}

int sgfw_nl_nacl_rule_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl_rule *r;
	struct sgfw_nacl *nacl;
	struct sgfw_txn *txn;
	int err;

	r = sgfw_nacl_rule_new();
	if (!r)
		return -ENOMEM;
	txn = sgfw_single(sn);
	nacl = IS_ERR(txn) ? ERR_CAST(txn) :
	       sgfw_get_nacl(&txn->cfg, info, SGFW_A_NACL_RULE_NACL);
	err = IS_ERR(nacl) ? PTR_ERR(nacl) :
	      sgfw_nacl_rule_parse(info->attrs, NULL, r, info->extack) ?:
	      sgfw_txn_add_nacl_rule(txn, nacl, r, info->extack);
	if (err) {
		if (err == -EEXIST)
			NL_SET_BAD_ATTR(info->extack,
					info->attrs[SGFW_A_NACL_RULE_NUMBER]);
		free_percpu(r->ctr);
		kfree(r);
	}
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_nacl_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl *nacl;
	struct sgfw_txn *txn;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, SGFW_A_NACL_RULE_NUMBER) ||
	    GENL_REQ_ATTR_CHECK(info, SGFW_A_NACL_RULE_DIRECTION))
		return -EINVAL;
	txn = sgfw_single(sn);
	nacl = IS_ERR(txn) ? ERR_CAST(txn) :
	       sgfw_get_nacl(&txn->cfg, info, SGFW_A_NACL_RULE_NACL);
	err = IS_ERR(nacl) ? PTR_ERR(nacl) :
	      sgfw_txn_nacl_rule_del(nacl,
				     nla_get_u32(info->attrs[SGFW_A_NACL_RULE_NUMBER]),
				     nla_get_u32(info->attrs[SGFW_A_NACL_RULE_DIRECTION]),
				     info->extack);
	if (err == -ENOENT && !IS_ERR(nacl))
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[SGFW_A_NACL_RULE_NUMBER]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

int sgfw_nl_iface_nacl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	struct sgfw_nacl *nacl = NULL;
	struct sgfw_txn_dev *td;
	char name[IFNAMSIZ];
	struct sgfw_txn *txn;
	int err;

	txn = sgfw_single(sn);
	td = IS_ERR(txn) ? ERR_CAST(txn) : sgfw_get_txn_dev(txn, info, name);
	if (!IS_ERR(td) && info->attrs[SGFW_A_IFACE_NACL])
		nacl = sgfw_attr_nacl(&txn->cfg, info->attrs[SGFW_A_IFACE_NACL],
				      info->extack);
	err = IS_ERR(td) ? PTR_ERR(td) : IS_ERR(nacl) ? PTR_ERR(nacl) :
	      sgfw_txn_dev_nacl(td, name, nacl, info->extack);
	if (err == -EBUSY)
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_IFACE_NACL]);
	err = sgfw_single_end(info, txn, err);
	return err;
}

/* ---- transactions ---- */

/*
 * The transaction of the requesting socket, with sgfw_net.txn_lock held
 * (released by sgfw_txn_unlock()), or an ERR_PTR.
 */
static struct sgfw_txn *sgfw_txn_lock(struct sgfw_net *sn,
				      struct genl_info *info)
{
	mutex_lock(&sn->txn_lock);
	if (sn->txn && sn->txn->portid == info->snd_portid)
		return sn->txn;
	mutex_unlock(&sn->txn_lock);
	GENL_SET_ERR_MSG(info, "this socket has no transaction open");
	return ERR_PTR(-ENOENT);
}

/* A refused part of a transaction ends it: nothing of it is committed. */
static int sgfw_txn_unlock(struct sgfw_net *sn, int err)
{
	if (err) {
		sgfw_txn_destroy(sn->txn);
		sn->txn = NULL;
	}
	mutex_unlock(&sn->txn_lock);
	return err;
}

int sgfw_nl_txn_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	int err = 0;

	mutex_lock(&sn->txn_lock);
	if (sn->txn) {
		GENL_SET_ERR_MSG(info,
				 "a transaction is being built in this namespace already");
		err = -EBUSY;
	} else {
		sn->txn = sgfw_txn_new(info->snd_portid);
		if (!sn->txn)
			err = -ENOMEM;
	}
	mutex_unlock(&sn->txn_lock);
	return err;
}

/*
 * The CIDRs of the nests of type @type of the request, none or more:
 * the count, or a negative error; *@out is kfree()d by the caller.
 */
static int sgfw_parse_cidrs_opt(struct genl_info *info, int type, bool host,
				struct sgfw_cidr **out)
{
	*out = NULL;
	if (!info->attrs[type])
		return 0;
	return sgfw_parse_cidr_list(info, type, host, out);
}

int sgfw_nl_txn_pl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	u32 max = SGFW_PL_ENTRIES_DEF;
	struct sgfw_cidr *v = NULL;
	struct sgfw_txn *txn;
	struct sgfw_pl *pl;
	const char *name;
	int n, err;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	err = sgfw_get_name(info, SGFW_A_PL_NAME, &name);
	if (err)
		goto out;
	sgfw_pl_get_max(info, &max);
	n = sgfw_parse_cidrs_opt(info, SGFW_A_PL_ENTRY, false, &v);
	if (n < 0) {
		err = n;
		goto out;
	}
	pl = sgfw_txn_add_pl(txn, name, max, v, n, info->extack);
	if (IS_ERR(pl)) {
		err = PTR_ERR(pl);
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_PL_NAME]);
	}
out:
	kfree(v);
	return sgfw_txn_unlock(sn, err);
}

int sgfw_nl_txn_sg_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	char desc[SGFW_DESC_MAX] = "";
	struct sgfw_cidr *v = NULL;
	struct sgfw_txn *txn;
	struct sgfw_sg *sg;
	const char *name;
	int n, err;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	err = sgfw_get_name(info, SGFW_A_SG_NAME, &name) ?:
	      sgfw_get_desc(info->attrs[SGFW_A_SG_DESCRIPTION], desc,
			    info->extack);
	if (err)
		goto out;
	n = sgfw_parse_cidrs_opt(info, SGFW_A_SG_MEMBER, true, &v);
	if (n < 0) {
		err = n;
		goto out;
	}
	sg = sgfw_txn_add_sg(txn, name, desc, v, n, info->extack);
	if (IS_ERR(sg)) {
		err = PTR_ERR(sg);
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_SG_NAME]);
	}
out:
	kfree(v);
	return sgfw_txn_unlock(sn, err);
}

/* Point the error at @a unless it points inside it already. */
static void sgfw_bad_item(struct netlink_ext_ack *extack,
			  const struct nlattr *a)
{
	if (!extack->bad_attr)
		NL_SET_BAD_ATTR(extack, a);
}

int sgfw_nl_txn_sg_rule_doit(struct sk_buff *skb,
			     struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	struct nlattr *tb[SGFW_A_RULE_MAX + 1];
	const struct nlattr *a;
	struct sgfw_txn *txn;
	struct sgfw_rule *r;
	struct sgfw_sg *sg;
	int rem, err = 0;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	if (GENL_REQ_ATTR_CHECK(info, SGFW_A_SG_NAME)) {
		err = -EINVAL;
		goto out;
	}
	sg = sgfw_attr_sg(&txn->cfg, info->attrs[SGFW_A_SG_NAME],
			  info->extack);
	if (IS_ERR(sg)) {
		err = PTR_ERR(sg);
		goto out;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SGFW_A_SG_RULE)
			continue;
		err = nla_parse_nested(tb, SGFW_A_RULE_MAX, a,
				       sgfw_sg_rule_nl_policy, info->extack);
		if (err)
			break;
		if (tb[SGFW_A_RULE_ID]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SGFW_A_RULE_ID],
					    "the kernel gives rules their ids");
			err = -EINVAL;
			break;
		}
		if (tb[SGFW_A_RULE_FLOWS] || tb[SGFW_A_RULE_LAST_HIT]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SGFW_A_RULE_FLOWS] ?:
					    tb[SGFW_A_RULE_LAST_HIT],
					    "counters are the kernel's to give");
			err = -EINVAL;
			break;
		}
		r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
		if (!r) {
			err = -ENOMEM;
			break;
		}
		err = sgfw_rule_parse(&txn->cfg, tb, a, r, info->extack) ?:
		      sgfw_txn_add_sg_rule(txn, sg, r, info->extack);
		if (err) {
			kfree(r);
			sgfw_bad_item(info->extack, a);
			break;
		}
	}
out:
	return sgfw_txn_unlock(sn, err);
}

int sgfw_nl_txn_nacl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	struct nlattr *tb[SGFW_A_NACL_RULE_MAX + 1];
	struct sgfw_nacl_rule *r;
	const struct nlattr *a;
	struct sgfw_nacl *nacl;
	struct sgfw_txn *txn;
	const char *name;
	int rem, err;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	err = sgfw_get_name(info, SGFW_A_NACL_NAME, &name);
	if (err)
		goto out;
	nacl = sgfw_txn_add_nacl(txn, name, info->extack);
	if (IS_ERR(nacl)) {
		err = PTR_ERR(nacl);
		NL_SET_BAD_ATTR(info->extack, info->attrs[SGFW_A_NACL_NAME]);
		goto out;
	}
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != SGFW_A_NACL_RULE)
			continue;
		err = nla_parse_nested(tb, SGFW_A_NACL_RULE_MAX, a,
				       sgfw_nacl_entry_nl_policy,
				       info->extack);
		if (err)
			break;
		if (tb[SGFW_A_NACL_RULE_PACKETS] || tb[SGFW_A_NACL_RULE_BYTES]) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[SGFW_A_NACL_RULE_PACKETS] ?:
					    tb[SGFW_A_NACL_RULE_BYTES],
					    "counters are the kernel's to give");
			err = -EINVAL;
			break;
		}
		r = sgfw_nacl_rule_new();
		if (!r) {
			err = -ENOMEM;
			break;
		}
		err = sgfw_nacl_rule_parse(tb, a, r, info->extack) ?:
		      sgfw_txn_add_nacl_rule(txn, nacl, r, info->extack);
		if (err) {
			free_percpu(r->ctr);
			kfree(r);
			sgfw_bad_item(info->extack, a);
			break;
		}
	}
out:
	return sgfw_txn_unlock(sn, err);
}

int sgfw_nl_txn_iface_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	struct sgfw_txn_dev td = {
		.to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF,
		.to.udp = SGFW_UDP_TIMEOUT_DEF,
		.to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF,
		.tracking = SGFW_TRACKING_AUTO,
	};
	const struct nlattr *a;
	struct sgfw_txn *txn;
	int rem, err;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	/* The name may wait for its device: nothing to check it against. */
	rtnl_lock();
	err = sgfw_req_dev(sn, info, td.name, false);
	rtnl_unlock();
	if (err)
		goto out;
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		struct sgfw_sg *sg;

		if (nla_type(a) != SGFW_A_IFACE_SG)
			continue;
		sg = sgfw_attr_sg(&txn->cfg, a, info->extack);
		if (IS_ERR(sg)) {
			err = PTR_ERR(sg);
			goto out;
		}
		if (td.nsgs == SGFW_MAX_SGS_PER_DEV) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "a device has at most 16 security groups");
			err = -ENOSPC;
			goto out;
		}
		td.sgs[td.nsgs++] = sg;
	}
	if (info->attrs[SGFW_A_IFACE_NACL]) {
		td.nacl = sgfw_attr_nacl(&txn->cfg,
					 info->attrs[SGFW_A_IFACE_NACL],
					 info->extack);
		if (IS_ERR(td.nacl)) {
			err = PTR_ERR(td.nacl);
			goto out;
		}
	}
	err = sgfw_iface_settings(info->attrs, &td, info->extack);
	if (err)
		goto out;
	err = sgfw_txn_add_dev(txn, &td, td.name, info->extack);
	if (err)
		sgfw_port_put(td.port);
out:
	return sgfw_txn_unlock(sn, err);
}

int sgfw_nl_txn_commit_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	struct nlattr **tb = info->attrs;
	struct sgfw_txn *txn;
	u32 confirm = 0;
	int err;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	sgfw_get_u32(tb[SGFW_A_TXN_CONFIRM], &confirm);
	err = tb[SGFW_A_TXN_FLOW_LIMIT] ?
	      sgfw_flow_limit_attr(skb, tb[SGFW_A_TXN_FLOW_LIMIT],
				   &txn->flow_limit, info->extack) : 0;
	if (!err)
		err = sgfw_txn_build_room(txn, info->extack);
	if (err)
		goto out;

	rtnl_lock();
	if (tb[SGFW_A_TXN_CHECK])
		goto out_unlock;
	if (sn->rollback) {
		GENL_SET_ERR_MSG(info,
				 "an earlier commit awaits its confirmation: confirm it, or let it go back, first");
		err = -EBUSY;
		goto out_unlock;
	}
	err = sgfw_txn_commit(sn, txn);
	if (err) {
		sgfw_commit_failed(info->extack, err);
		goto out_unlock;
	}
	sgfw_event_config(sn, SGFW_CMD_TXN_COMMIT, NULL, NULL, 0, false);
	/* The transaction holds the configuration that was running. */
	if (confirm)
		sgfw_txn_arm(sn, txn, confirm);
	else
		sgfw_txn_destroy(txn);
	sn->txn = NULL;
out_unlock:
	sgfw_config_unlock(sn);
out:
	/* Committed or not, the transaction is over. */
	if (sn->txn) {
		sgfw_txn_destroy(sn->txn);
		sn->txn = NULL;
	}
	mutex_unlock(&sn->txn_lock);
	return err;
}

int sgfw_nl_txn_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = sgfw_pernet(genl_info_net(info));
	struct sgfw_txn *txn;

	txn = sgfw_txn_lock(sn, info);
	if (IS_ERR(txn))
		return PTR_ERR(txn);
	sgfw_txn_destroy(txn);
	sn->txn = NULL;
	mutex_unlock(&sn->txn_lock);
	return 0;
}

int sgfw_nl_confirm_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sgfw_net *sn = info->user_ptr[0];
	int err;

	err = sgfw_txn_confirm(sn);
	if (err)
		GENL_SET_ERR_MSG(info, "no commit awaits its confirmation");
	return err;
}

/* A socket that goes away takes its transaction along. */
static int sgfw_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;
	struct sgfw_net *sn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	sn = sgfw_pernet(n->net);
	mutex_lock(&sn->txn_lock);
	if (sn->txn && sn->txn->portid == n->portid) {
		sgfw_txn_destroy(sn->txn);
		sn->txn = NULL;
	}
	mutex_unlock(&sn->txn_lock);
	return NOTIFY_DONE;
}

static struct notifier_block sgfw_netlink_nb = {
	.notifier_call = sgfw_netlink_event,
};

/* ---- the family ---- */

/* A request whose command takes no attribute may carry none. */
static int sgfw_no_attrs(unsigned int maxattr, const struct nlmsghdr *nlh,
			 struct netlink_ext_ack *extack)
{
	if (maxattr || !nlmsg_attrlen(nlh, GENL_HDRLEN))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, nlmsg_attrdata(nlh, GENL_HDRLEN),
			    "this request takes no attribute");
	return -EINVAL;
}

/*
 * What each command's handler runs under, taken by sgfw_nl_pre_doit() and
 * let go by sgfw_nl_post_doit() (as ovpn's netlink.c does): nothing of
 * its own (status, which reads atomic figures; the parts of a
 * transaction, under their own lock), the RTNL to read the configuration,
 * or the RTNL to change it, and then a new generation of it.
 */
enum sgfw_nl_lock {
	SGFW_NL_LOCK_NONE,
	SGFW_NL_LOCK_READ,
	SGFW_NL_LOCK_WRITE,
};

static const u8 sgfw_nl_locks[SGFW_CMD_MAX + 1] = {
	[SGFW_CMD_SG_NEW]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_SG_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_SG_GET]	= SGFW_NL_LOCK_READ,
	[SGFW_CMD_RULE_NEW]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_RULE_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_MEMBER_ADD]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_MEMBER_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_NEW]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_SET]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_ENTRY_ADD]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_ENTRY_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_PL_GET]	= SGFW_NL_LOCK_READ,
	[SGFW_CMD_IFACE_ATTACH]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_IFACE_DETACH]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_IFACE_SET]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_IFACE_NACL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_IFACE_GET]	= SGFW_NL_LOCK_READ,
	[SGFW_CMD_NACL_NEW]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_NACL_DEL]	= SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_NACL_GET]	= SGFW_NL_LOCK_READ,
	[SGFW_CMD_NACL_RULE_NEW] = SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_NACL_RULE_DEL] = SGFW_NL_LOCK_WRITE,
	[SGFW_CMD_CONFIRM]	= SGFW_NL_LOCK_READ,
	[SGFW_CMD_EXPLAIN]	= SGFW_NL_LOCK_READ,
};

/*
 * Before every "do": a command without a policy (status, txn-begin, ...)
 * refuses attributes, which genetlink would ignore; user_ptr[0] is the
 * namespace's state, and the command's lock is taken.
 */
static int sgfw_pre_doit(u8 cmd, unsigned int maxattr, struct genl_info *info)
{
	int err = sgfw_no_attrs(maxattr, info->nlhdr, info->extack);

	if (err)
		return err;
	info->user_ptr[0] = sgfw_pernet(genl_info_net(info));
	if (sgfw_nl_locks[cmd] != SGFW_NL_LOCK_NONE)
		rtnl_lock();
	return 0;
}

/* After every "do" whose pre_doit succeeded. */
static void sgfw_post_doit(u8 cmd, struct genl_info *info)
{
	switch (sgfw_nl_locks[cmd]) {
	case SGFW_NL_LOCK_WRITE:
		sgfw_config_changed(info->user_ptr[0]);
		fallthrough;
	case SGFW_NL_LOCK_READ:
		rtnl_unlock();
		break;
	}
}

int sgfw_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		     struct genl_info *info)
{
	return sgfw_pre_doit(ops->cmd, ops->maxattr, info);
}

void sgfw_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		       struct genl_info *info)
{
	sgfw_post_doit(ops->cmd, info);
}

/* Before every dump: no dump takes an attribute. */
int sgfw_nl_dump_start(struct netlink_callback *cb)
{
	return sgfw_no_attrs(0, cb->nlh, cb->extack);
}

/*
 * resv_start_op stays 0, as genetlink.h asks of a new family: every
 * command then has its reserved header byte checked and its policy
 * enforced.  The operations come from the generated table
 * (sgfw_genl_ops_set()).
 */
/*
 * The events group, as the spec names it (SGFW_NLGRP_* from
 * netlink-gen.h); joining it needs CAP_NET_ADMIN in the namespace's user
 * namespace, which the generated table cannot say (its array of groups,
 * made for families of the plain genetlink schema, is left unused).
 */
static const struct genl_multicast_group sgfw_mcgrps[] = {
	[SGFW_NLGRP_EVENTS] = {
		.name	= SGFW_MCGRP_EVENTS,
		.flags	= SGFW_MCGRP_ADMIN,
	},
};

struct genl_family sgfw_genl_family __ro_after_init = {
	.name		= SGFW_GENL_NAME,
	.version	= SGFW_GENL_VERSION,
	.module		= THIS_MODULE,
	.netnsok	= true,
	.parallel_ops	= true,
	.mcgrps		= sgfw_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(sgfw_mcgrps),
};

#ifdef SGFW_GENL_NO_SPLIT_OPS
/* 6.1 (netlink-compat.h): one genl_ops per command, do and dump merged. */
static struct genl_ops sgfw_genl_ops[ARRAY_SIZE(sgfw_nl_ops)] __ro_after_init;

static int sgfw_genl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	return sgfw_pre_doit(ops->cmd, ops->maxattr, info);
}

static void sgfw_genl_post_doit(const struct genl_ops *ops,
				struct sk_buff *skb, struct genl_info *info)
{
	sgfw_post_doit(ops->cmd, info);
}

static void sgfw_genl_ops_set(struct genl_family *family)
{
	const u8 caps = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP |
			GENL_CMD_CAP_HASPOL;
	unsigned int i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(sgfw_nl_ops); i++) {
		const struct genl_split_ops *s = &sgfw_nl_ops[i];
		struct genl_ops *o;

		for (j = 0; j < n && sgfw_genl_ops[j].cmd != s->cmd; j++)
			;
		o = &sgfw_genl_ops[j];
		n = max(n, j + 1);
		o->cmd = s->cmd;
		o->flags |= s->flags & ~caps;
		o->validate |= s->validate;
		if (s->flags & GENL_CMD_CAP_DO) {
			o->doit = s->doit;
			o->policy = s->policy;
			o->maxattr = s->maxattr;
		} else {
			o->start = s->start;
			o->dumpit = s->dumpit;
			o->done = s->done;
			/* A dump-only command validates with its own. */
			if (!o->policy) {
				o->policy = s->policy;
				o->maxattr = s->maxattr;
			}
		}
	}
	family->ops = sgfw_genl_ops;
	family->n_ops = n;
	family->pre_doit = sgfw_genl_pre_doit;
	family->post_doit = sgfw_genl_post_doit;
}
#else
static void sgfw_genl_ops_set(struct genl_family *family)
{
	family->split_ops = sgfw_nl_ops;
	family->n_split_ops = ARRAY_SIZE(sgfw_nl_ops);
}
#endif

int __init sgfw_genl_init(void)
{
	int err;

	sgfw_genl_ops_set(&sgfw_genl_family);
	err = netlink_register_notifier(&sgfw_netlink_nb);
	if (err)
		return err;
	err = genl_register_family(&sgfw_genl_family);
	if (err) {
		netlink_unregister_notifier(&sgfw_netlink_nb);
		return err;
	}
	sgfw_events_start();
	return 0;
}

void sgfw_genl_exit(void)
{
	sgfw_events_stop();
	genl_unregister_family(&sgfw_genl_family);
	netlink_unregister_notifier(&sgfw_netlink_nb);
}
