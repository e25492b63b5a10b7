// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for sgfw's per-namespace state (sgfw_netns) and the status
 * reply (sgfw_status).
 *
 * Built in tree on UML by scripts/kunit.sh, where sgfw itself is built in:
 * its module_init has run, and init_net has its sgfw state, before the
 * suites start (and its hooks, once a suite configured a device there).
 * The other test files of sgfw_test.o use the helpers declared in
 * sgfw_test.h, which live here.
 */

#include <kunit/skbuff.h>
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/sched.h>
#include <linux/rtnetlink.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/config.h"
#include "../../module/hooks.h"
#include "../../module/netlink.h"
#include "../../module/netns.h"
#include "../../module/version.h"
#include "sgfw_test.h"

KUNIT_DEFINE_ACTION_WRAPPER(sgfw_test_put_net, put_net, struct net *);

/**
 * sgfw_test_net_new() - a new network namespace, released when @test ends.
 * @test: the test case that owns the namespace.
 *
 * Created the way unshare(CLONE_NEWNET) creates one, so every pernet init,
 * sgfw's included, has run on it when this returns.  The last reference is
 * dropped by KUnit after the case; the namespace is then torn down by the
 * netns cleanup work, which runs sgfw's pernet exit.
 *
 * Return: the namespace; the case is aborted when it cannot be created.
 */
struct net *sgfw_test_net_new(struct kunit *test)
{
	struct net *net;

	net = copy_net_ns(CLONE_NEWNET, &init_user_ns, &init_net);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, net);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, sgfw_test_put_net,
						  net));
	return net;
}

static netdev_tx_t sgfw_test_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops sgfw_test_netdev_ops = {
	.ndo_start_xmit = sgfw_test_xmit,
};

static void sgfw_test_netdev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &sgfw_test_netdev_ops;
	dev->needs_free_netdev = true;
	eth_hw_addr_random(dev);
}

static void sgfw_test_netdev_del(void *arg)
{
	struct net_device *dev = arg;

	rtnl_lock();
	unregister_netdevice(dev);
	rtnl_unlock();
}

/**
 * sgfw_test_netdev_new() - a real device of @net named @name, down, with
 * no address, unregistered when @test ends (before its namespace goes).
 * @test: the test case.
 * @net: its namespace (sgfw_test_net_new()).
 * @name: its name.
 *
 * Registered as any driver does, so sgfw's netdevice notifier sees it.
 * Return: the device; the case is aborted when it cannot be made.
 */
struct net_device *sgfw_test_netdev_new(struct kunit *test, struct net *net,
					const char *name)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(0, name, NET_NAME_USER, sgfw_test_netdev_setup);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev_net_set(dev, net);
	rtnl_lock();
	err = register_netdevice(dev);
	rtnl_unlock();
	if (err)
		free_netdev(dev);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   sgfw_test_netdev_del,
							   dev));
	return dev;
}

/*
 * sgfw_test_netdev_unregister() - unregister a device of
 * sgfw_test_netdev_new() now, not at the end of @test.
 * Context: RTNL.
 */
void sgfw_test_netdev_unregister(struct kunit *test, struct net_device *dev)
{
	kunit_remove_action(test, sgfw_test_netdev_del, dev);
	unregister_netdevice(dev);
}

/* --- sgfw_netns ---------------------------------------------------------- */

static void sgfw_netns_init_net_default(struct kunit *test)
{
	struct sgfw_net *sn = sgfw_pernet(&init_net);

	KUNIT_ASSERT_NOT_NULL(test, sn);
	KUNIT_EXPECT_PTR_EQ(test, sn->net, &init_net);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit),
			SGFW_DEFAULT_FLOW_LIMIT);
}

static void sgfw_netns_new_net_own_state(struct kunit *test)
{
	struct net *net = sgfw_test_net_new(test);
	struct sgfw_net *init_sn = sgfw_pernet(&init_net);
	struct sgfw_net *sn = sgfw_pernet(net);

	KUNIT_ASSERT_NOT_NULL(test, sn);
	KUNIT_ASSERT_PTR_NE(test, sn, init_sn);
	KUNIT_EXPECT_PTR_EQ(test, sn->net, net);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit),
			SGFW_DEFAULT_FLOW_LIMIT);
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&sn->flows.exceeded), 0);

	/* A limit set in one namespace is invisible in another. */
	WRITE_ONCE(sn->flows.limit, 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(init_sn->flows.limit),
			SGFW_DEFAULT_FLOW_LIMIT);
}

struct sgfw_test_hook_point {
	const char *desc;
	u8 pf;
	unsigned int hooknum;
	int priority;
};

static const struct sgfw_test_hook_point sgfw_test_hook_points[] = {
	{ "ipv4 local_in", NFPROTO_IPV4, NF_INET_LOCAL_IN, NF_IP_PRI_FILTER },
	{ "ipv4 local_out", NFPROTO_IPV4, NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER },
	{ "ipv6 local_in", NFPROTO_IPV6, NF_INET_LOCAL_IN, NF_IP6_PRI_FILTER },
	{ "ipv6 local_out", NFPROTO_IPV6, NF_INET_LOCAL_OUT,
	  NF_IP6_PRI_FILTER },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_hook_points, sgfw_test_hook_points, desc);

/*
 * The hooks registered in @net at @hp's point with @hp's priority.
 * Unregistered hooks may linger as dummies until the array shrinks; they
 * have a priority of their own and are not counted.
 */
static unsigned int sgfw_test_hooks_at(struct net *net,
				       const struct sgfw_test_hook_point *hp)
{
	struct nf_hook_entries __rcu **head;
	const struct nf_hook_entries *e;
	struct nf_hook_ops **ops;
	unsigned int i, n = 0;

	head = hp->pf == NFPROTO_IPV4 ? &net->nf.hooks_ipv4[hp->hooknum] :
					&net->nf.hooks_ipv6[hp->hooknum];
	rcu_read_lock();
	e = rcu_dereference(*head);
	if (e) {
		ops = nf_hook_entries_get_hook_ops(e);
		for (i = 0; i < e->num_hook_entries; i++)
			if (ops[i]->priority == hp->priority)
				n++;
	}
	rcu_read_unlock();
	return n;
}

/* Configure a device named @name in @net (it need not exist) and commit. */
static void sgfw_test_dev_configure(struct kunit *test, struct net *net,
				    const char *name)
{
	struct sgfw_net *sn = sgfw_pernet(net);
	int err;

	rtnl_lock();
	err = PTR_ERR_OR_ZERO(sgfw_dev_get_or_create(sn, name));
	if (!err)
		err = sgfw_config_commit(sn);
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, err, 0);
}

/*
 * A new namespace has no hook of sgfw's: its packets cost nothing until
 * sgfw has a device to filter there.  Its first configured device brings
 * sgfw's hook at each point, and a second one no other.  Nothing else in
 * this kernel registers hooks in a new namespace, and unregistering sgfw's
 * hooks must take exactly that one away, which shows it is sgfw's.
 */
static void sgfw_netns_new_net_hooks(struct kunit *test)
{
	const struct sgfw_test_hook_point *hp = test->param_value;
	struct net *net = sgfw_test_net_new(test);

	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 0);
	KUNIT_EXPECT_FALSE(test, sgfw_pernet(net)->hooked);

	sgfw_test_dev_configure(test, net, "sgfwt0");
	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 1);
	KUNIT_EXPECT_TRUE(test, sgfw_pernet(net)->hooked);
	sgfw_test_dev_configure(test, net, "sgfwt1");
	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 1);

	sgfw_hooks_unregister(net);
	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 0);

	/* Put them back: the namespace's pernet exit unregisters them. */
	KUNIT_ASSERT_EQ(test, sgfw_hooks_register(net), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 1);
}

/*
 * A namespace that goes away loses its hooks in pre_exit, which the
 * namespace core follows with a grace period before exit frees sgfw's
 * state: no packet can be in sgfw's hook by then.  (In exit, the hooks
 * would go with no wait: nf_unregister_net_hooks() waits for no packet.)
 */
static void sgfw_netns_pre_exit_unhooks(struct kunit *test)
{
	const struct sgfw_test_hook_point *hp = test->param_value;
	struct net *net = sgfw_test_net_new(test);
	struct sgfw_net *sn = sgfw_pernet(net);

	sgfw_test_dev_configure(test, net, "sgfwt0");
	KUNIT_ASSERT_EQ(test, sgfw_test_hooks_at(net, hp), 1);
	sgfw_net_pre_exit(net);
	KUNIT_EXPECT_EQ(test, sgfw_test_hooks_at(net, hp), 0);
	KUNIT_EXPECT_FALSE(test, sn->hooked);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(sn->dying));

	/* As it was, for the real teardown. */
	if (!sgfw_test_hooks_at(net, hp))
		KUNIT_ASSERT_EQ(test, sgfw_hooks_register(net), 0);
	sn->hooked = true;
	WRITE_ONCE(sn->dying, false);
}

static struct kunit_case sgfw_netns_cases[] = {
	KUNIT_CASE(sgfw_netns_init_net_default),
	KUNIT_CASE(sgfw_netns_new_net_own_state),
	KUNIT_CASE_PARAM(sgfw_netns_new_net_hooks,
			 sgfw_test_hook_points_gen_params),
	KUNIT_CASE_PARAM(sgfw_netns_pre_exit_unhooks,
			 sgfw_test_hook_points_gen_params),
	{}
};

static struct kunit_suite sgfw_netns_suite = {
	.name = "sgfw_netns",
	.test_cases = sgfw_netns_cases,
};

/* --- sgfw_status --------------------------------------------------------- */

/* The status reply as user space reads it, validated strictly. */
static const struct nla_policy sgfw_test_status_policy[SGFW_A_STATUS_MAX + 1] = {
	[SGFW_A_STATUS_PAD]			= NLA_POLICY_EXACT_LEN(0),
	[SGFW_A_STATUS_VERSION]			= { .type = NLA_NUL_STRING },
	[SGFW_A_STATUS_FLOWS]			= { .type = NLA_U32 },
	[SGFW_A_STATUS_FLOW_LIMIT]		= { .type = NLA_U32 },
	[SGFW_A_STATUS_ALLOWANCE_EXCEEDED]	= { .type = NLA_U64 },
	[SGFW_A_STATUS_ALLOWANCE_AVAILABLE]	= { .type = NLA_U32 },
	[SGFW_A_STATUS_BUCKET_FULL]		= { .type = NLA_U64 },
	[SGFW_A_STATUS_EVICTED]			= { .type = NLA_U64 },
	[SGFW_A_STATUS_NOMEM]			= { .type = NLA_U64 },
	[SGFW_A_STATUS_FLOW_LIMIT_CEILING]	= { .type = NLA_U32 },
	[SGFW_A_STATUS_CONFIRM_PENDING]		= { .type = NLA_U32 },
	[SGFW_A_STATUS_EVENTS]			= NLA_POLICY_MAX(NLA_U8, 1),
	[SGFW_A_STATUS_FRAGS]			= { .type = NLA_U32 },
	[SGFW_A_STATUS_FRAGS_FULL]		= { .type = NLA_U64 },
};

/*
 * An skb whose tail is @align bytes past an 8-byte boundary.  Netlink
 * messages are 4-byte aligned, so a reply starts at 0 or 4 in practice;
 * which one decides whether a 64-bit attribute needs a pad before it.
 */
static struct sk_buff *sgfw_test_skb(struct kunit *test, unsigned int align)
{
	struct sk_buff *skb = kunit_zalloc_skb(test, NLMSG_GOODSIZE,
					       GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put(skb, (align - (unsigned long)skb_tail_pointer(skb)) & 7);
	return skb;
}

/*
 * Fill a new skb with the status of @net, starting @align bytes past an
 * 8-byte boundary, and parse it back into @tb.
 *
 * Return: the first attribute; the reply is @*len bytes long.
 */
static struct nlattr *sgfw_test_status(struct kunit *test, struct net *net,
				       unsigned int align, struct nlattr **tb,
				       int *len)
{
	struct sk_buff *skb = sgfw_test_skb(test, align);
	struct nlattr *head = (struct nlattr *)skb_tail_pointer(skb);
	unsigned int start = skb->len;

	KUNIT_ASSERT_EQ(test, sgfw_status_fill(skb, net), 0);
	*len = skb->len - start;
	KUNIT_ASSERT_EQ(test, nla_parse(tb, SGFW_A_STATUS_MAX, head, *len,
					sgfw_test_status_policy, NULL), 0);
	return head;
}

static void sgfw_status_version(struct kunit *test)
{
	struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	struct nlattr *a;
	int len;

	sgfw_test_status(test, &init_net, 0, tb, &len);
	a = tb[SGFW_A_STATUS_VERSION];
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_STREQ(test, (char *)nla_data(a), SGFW_VERSION);
	KUNIT_EXPECT_EQ(test, nla_len(a), (int)strlen(SGFW_VERSION) + 1);
}

struct sgfw_test_figures {
	const char *desc;
	u32 limit;
	int count;
	u64 exceeded;
	u32 available;
};

static const struct sgfw_test_figures sgfw_test_figures[] = {
	{ "idle namespace", SGFW_DEFAULT_FLOW_LIMIT, 0, 0,
	  SGFW_DEFAULT_FLOW_LIMIT },
	{ "limit 0", 0, 0, 0, 0 },
	{ "some flows", 10, 3, 0, 7 },
	{ "full table", 10, 10, 5, 0 },
	{ "more flows than a lowered limit", 10, 12, 0, 0 },
	{ "largest limit", SGFW_MAX_FLOW_LIMIT, 1, 0,
	  SGFW_MAX_FLOW_LIMIT - 1 },
	{ "exceeded past 32 bits", 10, 10, BIT_ULL(40) | 1, 0 },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_figures, sgfw_test_figures, desc);

/* Runs before the namespace goes, whose exit insists on no flows left. */
static void sgfw_test_zero_count(void *count)
{
	atomic_set(count, 0);
}

/*
 * The figures are the namespace's own: flows, limit and the
 * conntrack_allowance pair, available never going below zero.  The flow
 * count is set by hand in a namespace that carries no traffic.
 */
static void sgfw_status_figures(struct kunit *test)
{
	const struct sgfw_test_figures *p = test->param_value;
	struct net *net = sgfw_test_net_new(test);
	struct sgfw_net *sn = sgfw_pernet(net);
	struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	int i, len, err;

	err = kunit_add_action_or_reset(test, sgfw_test_zero_count,
					&sn->flows.count);
	KUNIT_ASSERT_EQ(test, err, 0);
	WRITE_ONCE(sn->flows.limit, p->limit);
	atomic_set(&sn->flows.count, p->count);
	atomic64_set(&sn->flows.exceeded, p->exceeded);

	sgfw_test_status(test, net, 0, tb, &len);
	for (i = SGFW_A_STATUS_FLOWS; i <= SGFW_A_STATUS_FLOW_LIMIT_CEILING; i++)
		KUNIT_ASSERT_NOT_NULL_MSG(test, tb[i], "attribute %d", i);
	/* Only while an apply awaits its confirmation. */
	KUNIT_EXPECT_NULL(test, tb[SGFW_A_STATUS_CONFIRM_PENDING]);

	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[SGFW_A_STATUS_FLOWS]), p->count);
	KUNIT_EXPECT_EQ(test, nla_get_u32(tb[SGFW_A_STATUS_FLOW_LIMIT]),
			p->limit);
	KUNIT_EXPECT_EQ(test,
			nla_get_u64(tb[SGFW_A_STATUS_ALLOWANCE_EXCEEDED]),
			p->exceeded);
	KUNIT_EXPECT_EQ(test,
			nla_get_u32(tb[SGFW_A_STATUS_ALLOWANCE_AVAILABLE]),
			p->available);
}

struct sgfw_test_align {
	const char *desc;
	unsigned int align;
};

static const struct sgfw_test_align sgfw_test_aligns[] = {
	{ "reply 8-byte aligned", 0 },
	{ "reply 4 bytes past 8-byte alignment", 4 },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_aligns, sgfw_test_aligns, desc);

static bool sgfw_test_status_u64(int type)
{
	return type == SGFW_A_STATUS_ALLOWANCE_EXCEEDED ||
	       type == SGFW_A_STATUS_BUCKET_FULL ||
	       type == SGFW_A_STATUS_EVICTED ||
	       type == SGFW_A_STATUS_NOMEM ||
	       type == SGFW_A_STATUS_FRAGS_FULL;
}

/*
 * Every status attribute appears exactly once, with nothing else but
 * empty pads, each right before a 64-bit figure; every 64-bit figure is
 * 8-byte aligned where the architecture needs it (UML does: it lacks
 * HAVE_EFFICIENT_UNALIGNED_ACCESS).
 */
static void sgfw_status_attrs_and_pad(struct kunit *test)
{
	const struct sgfw_test_align *p = test->param_value;
	unsigned int seen[SGFW_A_STATUS_MAX + 1] = {};
	struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	struct nlattr *a, *head, *prev = NULL;
	int i, len, rem;

	head = sgfw_test_status(test, &init_net, p->align, tb, &len);
	nla_for_each_attr(a, head, len, rem) {
		int type = nla_type(a);

		KUNIT_ASSERT_GT_MSG(test, type, SGFW_A_STATUS_UNSPEC,
				    "unexpected attribute type");
		KUNIT_ASSERT_LE_MSG(test, type, SGFW_A_STATUS_MAX,
				    "unexpected attribute type");
		seen[type]++;
		if (type == SGFW_A_STATUS_PAD)
			KUNIT_EXPECT_EQ(test, nla_len(a), 0);
		if (prev && nla_type(prev) == SGFW_A_STATUS_PAD)
			KUNIT_EXPECT_TRUE_MSG(test, sgfw_test_status_u64(type),
					      "a pad before attribute %d", type);
		if (sgfw_test_status_u64(type) &&
		    !IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS))
			KUNIT_EXPECT_TRUE_MSG(test,
					      IS_ALIGNED((unsigned long)nla_data(a),
							 8),
					      "u64 %d payload %lu bytes past alignment",
					      type, (unsigned long)nla_data(a) & 7);
		prev = a;
	}
	KUNIT_EXPECT_EQ_MSG(test, rem, 0,
			    "trailing bytes after the last attribute");
	KUNIT_EXPECT_FALSE(test, prev && nla_type(prev) == SGFW_A_STATUS_PAD);

	for (i = SGFW_A_STATUS_PAD + 1; i <= SGFW_A_STATUS_FLOW_LIMIT_CEILING;
	     i++)
		KUNIT_EXPECT_EQ_MSG(test, seen[i], 1, "attribute %d", i);
	KUNIT_EXPECT_EQ(test, seen[SGFW_A_STATUS_CONFIRM_PENDING], 0);
	KUNIT_EXPECT_EQ(test, seen[SGFW_A_STATUS_EVENTS], 1);
	KUNIT_EXPECT_EQ(test, seen[SGFW_A_STATUS_FRAGS], 1);
	KUNIT_EXPECT_EQ(test, seen[SGFW_A_STATUS_FRAGS_FULL], 1);
	KUNIT_EXPECT_LE(test, seen[SGFW_A_STATUS_PAD], 5);
	if (IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS))
		KUNIT_EXPECT_EQ(test, seen[SGFW_A_STATUS_PAD], 0);
}

/*
 * An skb with any less room than the whole reply gives -EMSGSIZE, and one
 * with enough room succeeds.  The room is made exact by filling the skb up
 * to it, which also moves where the reply starts; the reply is one pad
 * longer at some alignments, so what it needs is measured at each of them.
 */
static void sgfw_status_short_skb(struct kunit *test)
{
	struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	int need[8], max_need = 0;
	int room, align, err, expect;

	for (align = 0; align < 8; align++) {
		sgfw_test_status(test, &init_net, align, tb, &need[align]);
		max_need = max(max_need, need[align]);
	}

	for (room = 0; room <= max_need + 8; room++) {
		struct sk_buff *skb = kunit_zalloc_skb(test, NLMSG_GOODSIZE,
						       GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_GE(test, skb_tailroom(skb), room);
		skb_put(skb, skb_tailroom(skb) - room);
		align = (unsigned long)skb_tail_pointer(skb) & 7;

		err = sgfw_status_fill(skb, &init_net);
		expect = room < need[align] ? -EMSGSIZE : 0;
		KUNIT_EXPECT_EQ_MSG(test, err, expect,
				    "room %d, reply needs %d", room,
				    need[align]);
		kunit_kfree_skb(test, skb);
		if (err != expect)
			break;
	}
}

static struct kunit_case sgfw_status_cases[] = {
	KUNIT_CASE(sgfw_status_version),
	KUNIT_CASE_PARAM(sgfw_status_figures, sgfw_test_figures_gen_params),
	KUNIT_CASE_PARAM(sgfw_status_attrs_and_pad,
			 sgfw_test_aligns_gen_params),
	KUNIT_CASE(sgfw_status_short_skb),
	{}
};

static struct kunit_suite sgfw_status_suite = {
	.name = "sgfw_status",
	.test_cases = sgfw_status_cases,
};

kunit_test_suites(&sgfw_netns_suite, &sgfw_status_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for sgfw");
