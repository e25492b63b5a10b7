// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_flowtable: the connection table (module/flowtable.c).
 *
 * Every case works in namespaces of its own (sgfw_test_net_new()), so the
 * counts it checks are its own, and flushes them when it ends.  The suite
 * pauses the namespaces' reapers and stops the table's clock: a case moves
 * the clock by hand and runs a namespace's reaper itself, so that nothing
 * expires or goes away behind its back.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/flowfilter.h"
#include "../../module/flowtable.h"
#include "../../module/netns.h"
#include "sgfw_test.h"

#define FT_TIMEOUT	(10 * HZ)
#define FT_LEN		100

static struct sgfw_flow_ns *ft_fns(struct net *net)
{
	return &sgfw_pernet(net)->flows;
}

static u32 ft_count(struct net *net)
{
	return atomic_read(&ft_fns(net)->count);
}

static void ft_flush_action(void *arg)
{
	struct net *net = arg;

	sgfw_flowtable_flush(ft_fns(net), NULL, SGFW_END_FLUSHED);
}

/*
 * The devices the cases' flows are seen on: registered in the table when
 * a case first names one (ft_dev()), taken out when the case ends
 * (ft_devs_exit()).  Not called under RCU: registering sleeps.
 */
#define FT_DEVS		16

static struct ft_dev_ent {
	struct net *net;
	int ifindex;
	struct sgfw_flow_dev *fd;
} ft_devs[FT_DEVS];
static DEFINE_MUTEX(ft_devs_mutex);

static struct sgfw_flow_dev *ft_dev(struct net *net, int ifindex)
{
	struct sgfw_flow_dev *fd = NULL;
	int i;

	mutex_lock(&ft_devs_mutex);
	for (i = 0; i < FT_DEVS && ft_devs[i].fd; i++) {
		if (ft_devs[i].net == net && ft_devs[i].ifindex == ifindex) {
			fd = ft_devs[i].fd;
			goto out;
		}
	}
	if (WARN_ON(i == FT_DEVS))
		goto out;
	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (WARN_ON(!fd) || WARN_ON(sgfw_flow_dev_init(ft_fns(net), fd, NULL))) {
		kfree(fd);
		fd = NULL;
		goto out;
	}
	WRITE_ONCE(fd->ifindex, ifindex);
	ft_devs[i] = (struct ft_dev_ent){ net, ifindex, fd };
out:
	mutex_unlock(&ft_devs_mutex);
	return fd;
}

static u32 ft_key(struct net *net, int ifindex)
{
	return ft_dev(net, ifindex)->key;
}

/* The namespace of a flow of one of the devices above. */
static struct sgfw_flow_ns *ft_fns_of(const struct sgfw_flow *f)
{
	struct sgfw_flow_ns *fns = NULL;
	int i;

	mutex_lock(&ft_devs_mutex);
	for (i = 0; i < FT_DEVS && ft_devs[i].fd; i++)
		if (ft_devs[i].fd->key == f->key)
			fns = ft_fns(ft_devs[i].net);
	mutex_unlock(&ft_devs_mutex);
	return fns;
}

static void ft_devs_exit(void)
{
	int i;

	mutex_lock(&ft_devs_mutex);
	for (i = 0; i < FT_DEVS && ft_devs[i].fd; i++)
		sgfw_flow_dev_exit(ft_devs[i].fd);
	synchronize_rcu();
	for (i = 0; i < FT_DEVS && ft_devs[i].fd; i++)
		kfree(ft_devs[i].fd);
	memset(ft_devs, 0, sizeof(ft_devs));
	mutex_unlock(&ft_devs_mutex);
}

/*
 * A namespace of the case's own, with room for @limit flows, whose flows
 * are flushed when the case ends (before the namespace is put: actions
 * run last-registered first).
 */
static struct net *ft_net(struct kunit *test, u32 limit)
{
	struct net *net = sgfw_test_net_new(test);

	KUNIT_ASSERT_EQ(test, ft_count(net), 0);
	WRITE_ONCE(ft_fns(net)->limit, limit);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   ft_flush_action,
							   net));
	return net;
}

/* Tuples as initialisers, for tables and for cases alike. */
#define FT_V4(p, s, sp, d, dp) {					\
	.af = SGFW_AF_INET, .proto = (p),				\
	.src = { .ip = cpu_to_be32(s) }, .sport = cpu_to_be16(sp),	\
	.dst = { .ip = cpu_to_be32(d) }, .dport = cpu_to_be16(dp),	\
}

/* 2001:db8::@s and 2001:db8::@d. */
#define FT_V6(p, s, sp, d, dp) {					\
	.af = SGFW_AF_INET6, .proto = (p),				\
	.src = { .all = { cpu_to_be32(0x20010db8), 0, 0,		\
			  cpu_to_be32(s) } },				\
	.sport = cpu_to_be16(sp),					\
	.dst = { .all = { cpu_to_be32(0x20010db8), 0, 0,		\
			  cpu_to_be32(d) } },				\
	.dport = cpu_to_be16(dp),					\
}

static struct sgfw_tuple ft_v4(u8 proto, u32 src, u16 sport, u32 dst,
			       u16 dport)
{
	return (struct sgfw_tuple)FT_V4(proto, src, sport, dst, dport);
}

static struct sgfw_tuple ft_v6(u8 proto, u32 src, u16 sport, u32 dst,
			       u16 dport)
{
	return (struct sgfw_tuple)FT_V6(proto, src, sport, dst, dport);
}

static struct sgfw_tuple ft_reverse(const struct sgfw_tuple *t)
{
	struct sgfw_tuple r = *t;

	r.src = t->dst;
	r.dst = t->src;
	r.sport = t->dport;
	r.dport = t->sport;
	return r;
}

static const struct sgfw_flow_init ft_init = {
	.state = SGFW_FLOW_STATE_ACTIVE,
	.flags = SGFW_FLOW_F_OPENER_EGRESS,
	.sg_id = 7,
	.rule_id = 42,
	.len = FT_LEN,
	.timeout = FT_TIMEOUT,
};

static struct sgfw_flow *ft_create_init(struct net *net, int ifindex,
					const struct sgfw_tuple *t,
					const struct sgfw_flow_init *init)
{
	struct sgfw_flow_dev *fd = ft_dev(net, ifindex);
	struct sgfw_flow *f;

	rcu_read_lock();
	f = sgfw_flow_create(fd, t, sgfw_flow_hash(fd->key, t), init);
	rcu_read_unlock();
	return f;
}

static struct sgfw_flow *ft_create(struct net *net, int ifindex,
				   const struct sgfw_tuple *t)
{
	return ft_create_init(net, ifindex, t, &ft_init);
}

/*
 * The flow of @t, or NULL; *@reply as the lookup says.  The pointer is
 * used after rcu_read_unlock() only while the case itself removes nothing.
 */
static struct sgfw_flow *ft_lookup(struct net *net, int ifindex,
				   const struct sgfw_tuple *t, bool *reply)
{
	u32 key = ft_key(net, ifindex);
	struct sgfw_flow *f;
	bool r = false;

	rcu_read_lock();
	f = sgfw_flow_lookup(key, t, sgfw_flow_hash(key, t), &r);
	rcu_read_unlock();
	if (reply)
		*reply = r;
	return f;
}

static void ft_remove(struct net *net, struct sgfw_flow *f)
{
	rcu_read_lock();
	sgfw_flow_remove(ft_fns(net), f);
	rcu_read_unlock();
}

static unsigned long ft_now;

static void ft_clock(unsigned long at)
{
	ft_now = at;
	sgfw_flowtable_clock_set(at);
}

/*
 * Runs of a namespace's reaper, as its worker makes them, until one frees
 * nothing more.
 */
static unsigned int ft_gc_pass(struct net *net)
{
	unsigned int n = 0, k;

	do {
		k = sgfw_flow_ns_gc_run(ft_fns(net));
		n += k;
	} while (k);
	return n;
}

/* What the hooks do when a flow becomes assured (track.c says when). */
static void ft_reply(struct sgfw_flow *f)
{
	struct sgfw_flow_ns *fns = ft_fns_of(f);
	union sgfw_flow_sw old, new;

	old.word = atomic_read(&f->sw);
	do {
		new = old;
		new.flags |= SGFW_FLOW_F_REPLIED | SGFW_FLOW_F_ASSURED;
	} while (!atomic_try_cmpxchg(&f->sw, &old.word, new.word));
	rcu_read_lock();
	sgfw_flow_assured(fns, f);
	rcu_read_unlock();
}

static int ft_count_fn(const struct sgfw_flow *flow, bool first, void *arg)
{
	(*(unsigned int *)arg)++;
	return 0;
}

/* The live flows of @net, as a dump sees them. */
static unsigned int ft_walk_count(struct net *net)
{
	struct sgfw_flow_pos pos = {};
	unsigned int n = 0;

	sgfw_flowtable_walk(ft_fns(net), &pos, ft_count_fn, &n);
	return n;
}

/* --- insert and lookup ---------------------------------------------------- */

struct ft_tuple_case {
	const char *desc;
	struct sgfw_tuple t;
};

static const struct ft_tuple_case ft_tuple_cases[] = {
	{ "ipv4 tcp", FT_V4(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 80) },
	{ "ipv4 udp, source above destination",
	  FT_V4(IPPROTO_UDP, 0xc0a80063, 53, 0x0a000002, 33333) },
	{ "ipv4 icmp identifier",
	  FT_V4(IPPROTO_ICMP, 0x0a000001, 77, 0x0a000002, 77) },
	{ "ipv4 gre, no ports", FT_V4(47, 0x0a000001, 0, 0x0a000002, 0) },
	{ "ipv4 same address, ports differ",
	  FT_V4(IPPROTO_TCP, 0x7f000001, 5000, 0x7f000001, 6000) },
	{ "ipv6 tcp", FT_V6(IPPROTO_TCP, 1, 40000, 2, 443) },
	{ "ipv6 udp, source above destination",
	  FT_V6(IPPROTO_UDP, 9, 1000, 2, 2000) },
	{ "ipv6 icmpv6 identifier", FT_V6(IPPROTO_ICMPV6, 1, 9, 2, 9) },
	{ "ipv6 sctp, no ports", FT_V6(IPPROTO_SCTP, 1, 0, 2, 0) },
};

KUNIT_ARRAY_PARAM_DESC(ft_tuple_cases, ft_tuple_cases, desc);

/* A flow is found from both directions, and says which one it was. */
static void ft_insert_lookup_both_ways(struct kunit *test)
{
	const struct ft_tuple_case *c = test->param_value;
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple r = ft_reverse(&c->t);
	struct sgfw_flow *f;
	bool reply;

	f = ft_create(net, 3, &c->t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);

	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 3, &c->t, &reply), f);
	KUNIT_EXPECT_FALSE(test, reply);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 3, &r, &reply), f);
	/* A flow to itself on the same port reads as the opener's way. */
	KUNIT_EXPECT_EQ(test, reply, !!memcmp(&r, &c->t, sizeof(r)));

	KUNIT_EXPECT_EQ(test, sgfw_flowtable_bucket(ft_key(net, 3), &c->t),
			sgfw_flowtable_bucket(ft_key(net, 3), &r));
	KUNIT_EXPECT_EQ(test, memcmp(&f->t, &c->t, sizeof(f->t)), 0);
	KUNIT_EXPECT_EQ(test, f->key, ft_key(net, 3));
	KUNIT_EXPECT_EQ(test, f->state, SGFW_FLOW_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, f->flags, SGFW_FLOW_F_OPENER_EGRESS);
	KUNIT_EXPECT_EQ(test, f->sg_id, 7);
	KUNIT_EXPECT_EQ(test, f->rule_id, 42);
	KUNIT_EXPECT_EQ(test, f->deadline, (u32)(ft_now + FT_TIMEOUT));
	KUNIT_EXPECT_EQ(test, sgfw_deadline_full(f->deadline, ft_now),
			ft_now + FT_TIMEOUT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->bytes), FT_LEN);
}

/*
 * An IPv4 address is compared by its 32 bits: the unused words of the
 * union do not make another flow.
 */
static void ft_ipv4_unused_words_ignored(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_tuple dirty = t;
	struct sgfw_flow *f;

	f = ft_create(net, 1, &t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	dirty.src.all[2] = htonl(0xdead);
	dirty.dst.all[3] = htonl(0xbeef);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &dirty, NULL), f);
	KUNIT_EXPECT_EQ(test, f->t.src.all[2], 0);
}

/*
 * The hash is the same both ways of a flow (the endpoints are put in order:
 * by address, then by port when the addresses are equal), ignores the
 * unused words of IPv4 addresses, and takes in the device, the namespace
 * and the protocol (each of which, changed, gives another hash but for a
 * chance of 2^-32 per check).
 */
static void ft_hash_both_ways(struct kunit *test)
{
	struct net *net = ft_net(test, 100), *other = ft_net(test, 101);
	const struct sgfw_tuple ts[] = {
		FT_V4(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 80),
		FT_V4(IPPROTO_TCP, 0x0a000002, 40000, 0x0a000001, 80),
		FT_V4(IPPROTO_UDP, 0x0a000001, 5353, 0x0a000001, 53),
		FT_V4(IPPROTO_UDP, 0x0a000001, 53, 0x0a000001, 5353),
		FT_V6(IPPROTO_TCP, 1, 40000, 2, 80),
		FT_V6(IPPROTO_TCP, 2, 40000, 1, 80),
		FT_V6(IPPROTO_UDP, 1, 5353, 1, 53),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ts); i++) {
		struct sgfw_tuple r = ft_reverse(&ts[i]), o = ts[i];
		u32 h = sgfw_flow_hash(ft_key(net, 3), &ts[i]);

		KUNIT_EXPECT_EQ_MSG(test, sgfw_flow_hash(ft_key(net, 3), &r), h,
				    "tuple %u reversed", i);
		KUNIT_EXPECT_NE_MSG(test, sgfw_flow_hash(ft_key(net, 4), &ts[i]), h,
				    "tuple %u on another device", i);
		KUNIT_EXPECT_NE_MSG(test, sgfw_flow_hash(ft_key(other, 3), &ts[i]), h,
				    "tuple %u in another namespace", i);
		o.proto = ts[i].proto == IPPROTO_TCP ? IPPROTO_UDP :
						       IPPROTO_TCP;
		KUNIT_EXPECT_NE_MSG(test, sgfw_flow_hash(ft_key(net, 3), &o), h,
				    "tuple %u of another protocol", i);
		if (ts[i].af != SGFW_AF_INET)
			continue;
		o = ts[i];
		o.src.all[1] = htonl(0xdead);
		o.dst.all[3] = htonl(0xbeef);
		KUNIT_EXPECT_EQ_MSG(test, sgfw_flow_hash(ft_key(net, 3), &o), h,
				    "tuple %u with unused words set", i);
	}
	/* The ports decide between equal addresses, either way. */
	KUNIT_EXPECT_NE(test, sgfw_flow_hash(ft_key(net, 3), &ts[2]),
			sgfw_flow_hash(ft_key(net, 3), &ts[0]));
}

struct ft_miss_case {
	const char *desc;
	int ifindex;
	bool other_net;
	struct sgfw_tuple t;
};

/* Each differs from the flow of 10.0.0.1:40000 -> 10.0.0.2:80 tcp on 3. */
static const struct ft_miss_case ft_miss_cases[] = {
	{ "another device", 4, false,
	  FT_V4(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 80) },
	{ "another namespace", 3, true,
	  FT_V4(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 80) },
	{ "another source port", 3, false,
	  FT_V4(IPPROTO_TCP, 0x0a000001, 40001, 0x0a000002, 80) },
	{ "another destination port", 3, false,
	  FT_V4(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 81) },
	{ "another source address", 3, false,
	  FT_V4(IPPROTO_TCP, 0x0a000003, 40000, 0x0a000002, 80) },
	{ "another protocol", 3, false,
	  FT_V4(IPPROTO_UDP, 0x0a000001, 40000, 0x0a000002, 80) },
	{ "addresses swapped, ports not", 3, false,
	  FT_V4(IPPROTO_TCP, 0x0a000002, 40000, 0x0a000001, 80) },
	{ "ports swapped, addresses not", 3, false,
	  FT_V4(IPPROTO_TCP, 0x0a000001, 80, 0x0a000002, 40000) },
	{ "the same numbers in ipv6", 3, false,
	  FT_V6(IPPROTO_TCP, 0x0a000001, 40000, 0x0a000002, 80) },
};

KUNIT_ARRAY_PARAM_DESC(ft_miss_cases, ft_miss_cases, desc);

static void ft_lookup_miss(struct kunit *test)
{
	const struct ft_miss_case *c = test->param_value;
	struct sgfw_tuple t = ft_v4(IPPROTO_TCP, 0x0a000001, 40000,
				    0x0a000002, 80);
	struct net *net = ft_net(test, 100);
	struct net *other = ft_net(test, 100);
	struct sgfw_tuple r = ft_reverse(&c->t);
	struct net *in = c->other_net ? other : net;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 3, &t));
	KUNIT_EXPECT_NULL(test, ft_lookup(in, c->ifindex, &c->t, NULL));
	KUNIT_EXPECT_NULL(test, ft_lookup(in, c->ifindex, &r, NULL));

	/* And it makes a flow of its own. */
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(in, c->ifindex, &c->t));
	KUNIT_EXPECT_EQ(test, ft_count(net) + ft_count(other), 2);
}

/*
 * A second create of a live flow, from either direction (two CPUs with
 * the first packets of one flow), returns the flow there is; that flow
 * counts the packet.
 */
static void ft_create_existing(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v6(IPPROTO_UDP, 1, 5353, 2, 5353);
	struct sgfw_tuple r = ft_reverse(&t);
	struct sgfw_flow_init other = ft_init;
	struct sgfw_flow *f;

	f = ft_create(net, 1, &t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	other.state = SGFW_FLOW_STATE_UDP_SINGLE;
	other.len = 1;
	KUNIT_EXPECT_PTR_EQ(test, ft_create_init(net, 1, &t, &other), f);
	KUNIT_EXPECT_PTR_EQ(test, ft_create_init(net, 1, &r, &other), f);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
	KUNIT_EXPECT_EQ(test, f->state, SGFW_FLOW_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->bytes), FT_LEN + 2);
}

/* --- expiry ---------------------------------------------------------------- */

/*
 * Alive until the tick before its deadline, invisible from the deadline on
 * (to lookups and dumps), yet counted until the reaper frees it.
 */
static void ft_expiry_invisible_then_reaped(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_tuple r = ft_reverse(&t);
	unsigned long start = ft_now;
	struct sgfw_flow *f;

	f = ft_create(net, 1, &t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);

	ft_clock(start + FT_TIMEOUT - 1);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 1);

	ft_clock(start + FT_TIMEOUT);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &r, NULL));
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);

	KUNIT_EXPECT_GE(test, ft_gc_pass(net), 1);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	/* A second pass finds nothing more of it. */
	ft_gc_pass(net);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/* A pushed deadline keeps the flow: expiry is idle time, not age. */
static void ft_expiry_deadline_pushed(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_TCP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_flow *f;

	f = ft_create(net, 1, &t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	ft_clock(ft_now + FT_TIMEOUT - 1);
	WRITE_ONCE(f->deadline, (u32)(ft_now + FT_TIMEOUT));
	ft_clock(ft_now + FT_TIMEOUT - 1);
	ft_gc_pass(net);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
}

/* Deadlines compare right across the wrap of jiffies. */
static void ft_expiry_jiffies_wrap(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, 1, 0x0a000002, 2);

	ft_clock(ULONG_MAX - FT_TIMEOUT / 2);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	ft_clock(ft_now + FT_TIMEOUT - 1);	/* past the wrap */
	KUNIT_EXPECT_NOT_NULL(test, ft_lookup(net, 1, &t, NULL));
	ft_clock(ft_now + 1);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));
}

/*
 * The reaper works in bounded runs: one run frees at most its budget of
 * expired flows, further runs free the rest.
 */
static void ft_reaper_budget(struct kunit *test)
{
	struct net *net = ft_net(test, 10000);
	unsigned int i, first, n = 3000;

	for (i = 0; i < n; i++) {
		struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, i,
					    0x0a000002, 53);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	}
	KUNIT_ASSERT_EQ(test, ft_count(net), n);

	ft_clock(ft_now + FT_TIMEOUT);
	first = sgfw_flow_ns_gc_run(ft_fns(net));
	KUNIT_EXPECT_GT(test, first, 0);
	KUNIT_EXPECT_LT(test, first, n);
	KUNIT_EXPECT_EQ(test, ft_count(net), n - first);
	KUNIT_EXPECT_EQ(test, first + ft_gc_pass(net), n);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/*
 * Live unassured flows: a run of the reaper frees the expired ones at the
 * head of the list and moves live ones to its tail, in all as many as its
 * budget (1024), and no more.
 */
static void ft_reaper_live_unassured(struct kunit *test)
{
	struct net *net = ft_net(test, 10000);
	struct sgfw_flow_init brief = ft_init;
	unsigned int i, n = 3000, expired = 100;
	struct sgfw_flow *head;
	struct sgfw_tuple t;

	brief.timeout = FT_TIMEOUT / 2;
	for (i = 0; i < n; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, i, 0x0a000002, 53);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
					     ft_create_init(net, 1, &t,
							    i < expired ?
							    &brief : &ft_init));
	}
	ft_clock(ft_now + FT_TIMEOUT / 2);
	/* The expired head goes, then live flows move to the tail. */
	KUNIT_EXPECT_EQ(test, sgfw_flow_ns_gc_run(ft_fns(net)), expired);
	KUNIT_EXPECT_EQ(test, ft_count(net), n - expired);
	head = list_first_entry(&ft_fns(net)->unassured, struct sgfw_flow, lru);
	KUNIT_EXPECT_EQ(test, ntohs(head->t.sport), 1024);
	/* Only live flows: 1024 looks, nothing freed. */
	KUNIT_EXPECT_EQ(test, sgfw_flow_ns_gc_run(ft_fns(net)), 0);
	head = list_first_entry(&ft_fns(net)->unassured, struct sgfw_flow, lru);
	KUNIT_EXPECT_EQ(test, ntohs(head->t.sport), 2048);
}

/*
 * A namespace's reaper, running as it does outside the suite, frees an
 * expired flow by itself, and stops once the namespace has none.
 */
static void ft_reaper_worker_runs(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v6(IPPROTO_UDP, 1, 1, 2, 2);
	unsigned int waited;

	sgfw_flowtable_gc_pause(false);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	ft_clock(ft_now + FT_TIMEOUT);
	for (waited = 0; ft_count(net) && waited < 60000; waited += 100)
		msleep(100);
	sgfw_flowtable_gc_pause(true);
	kunit_info(test, "reaped after %u ms\n", waited);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	msleep(500);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&ft_fns(net)->gc));
}

/*
 * An assured flow lives on the wheel: it is reaped once its slot's tick has
 * passed and it expired; one whose deadline moved on is kept and comes
 * round again; one whose deadline came nearer (a TCP close) and was placed
 * again is reaped on time.
 */
static void ft_wheel(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple a = ft_v4(IPPROTO_TCP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_tuple b = ft_v4(IPPROTO_TCP, 0x0a000001, 3, 0x0a000002, 4);
	struct sgfw_tuple c = ft_v4(IPPROTO_TCP, 0x0a000001, 5, 0x0a000002, 6);
	struct sgfw_flow_init slow = ft_init;
	struct sgfw_flow *fa, *fb, *fc;
	unsigned long start = ft_now;

	slow.timeout = 100 * HZ;
	fa = ft_create(net, 1, &a);
	fb = ft_create(net, 1, &b);
	fc = ft_create_init(net, 1, &c, &slow);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fa);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fb);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fc);
	ft_reply(fa);
	ft_reply(fb);
	ft_reply(fc);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fa->flags) & SGFW_FLOW_F_ON_WHEEL);
	KUNIT_EXPECT_EQ(test, ft_fns(net)->n_unassured, 0);

	/* b is pushed far on; c's state shortens its timeout. */
	WRITE_ONCE(fb->deadline, (u32)(start + 50 * HZ));
	WRITE_ONCE(fc->deadline, (u32)(start + FT_TIMEOUT));
	rcu_read_lock();
	sgfw_flow_requeue(ft_fns(net), fc);
	rcu_read_unlock();

	ft_clock(start + FT_TIMEOUT + 2 * SGFW_WHEEL_TICK);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 2);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &a, NULL));
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &c, NULL));
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &b, NULL), fb);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);

	ft_clock(start + 50 * HZ + 2 * SGFW_WHEEL_TICK);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 1);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/*
 * The wheel turns on across the wrap of jiffies (which comes 5 minutes
 * after boot on a 32-bit kernel): a flow placed just before it is freed
 * once it expired just after it.
 */
static void ft_wheel_jiffies_wrap(struct kunit *test)
{
	struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_flow *f;
	struct net *net;

	ft_clock(0UL - 3 * SGFW_WHEEL_TICK);
	net = ft_net(test, 100);
	f = ft_create(net, 1, &t);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	ft_reply(f);
	KUNIT_ASSERT_LT(test, f->deadline, FT_TIMEOUT);
	KUNIT_ASSERT_LT(test, sgfw_deadline_full(f->deadline, ft_now),
			(unsigned long)FT_TIMEOUT);
	ft_clock(ft_now + FT_TIMEOUT - 1);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
	ft_clock(ft_now + 1 + 2 * SGFW_WHEEL_TICK);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 1);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/* A reaper that did not run for longer than a turn of the wheel catches up. */
static void ft_wheel_idle_turns(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple a = ft_v4(IPPROTO_UDP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_flow_init slow = ft_init;
	struct sgfw_flow *f;

	slow.timeout = 3 * SGFW_WHEEL_SLOTS * SGFW_WHEEL_TICK;
	f = ft_create_init(net, 1, &a, &slow);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	ft_reply(f);
	ft_clock(ft_now + 2 * SGFW_WHEEL_SLOTS * SGFW_WHEEL_TICK);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
	ft_clock(ft_now + SGFW_WHEEL_SLOTS * SGFW_WHEEL_TICK +
		 2 * SGFW_WHEEL_TICK);
	KUNIT_EXPECT_EQ(test, ft_gc_pass(net), 1);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/*
 * An insert reaps the expired flows of its bucket first: a flow whose
 * tuple comes back after it expired is a new flow, and the count is
 * still one.
 */
static void ft_create_replaces_expired(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_TCP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_flow_init again = ft_init;
	struct sgfw_flow *f;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	ft_clock(ft_now + FT_TIMEOUT);
	again.state = SGFW_FLOW_STATE_SYN_SENT;
	again.len = 60;
	f = ft_create_init(net, 1, &t, &again);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, f->state, SGFW_FLOW_STATE_SYN_SENT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->bytes), 60);
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f);
}

/* --- the namespace's limit --------------------------------------------------- */

/*
 * A full namespace of assured flows refuses new flows and counts each
 * refusal; its flows live on; another namespace is not concerned; room
 * comes back with a flow that goes.
 */
static void ft_limit(struct kunit *test)
{
	struct net *net = ft_net(test, 3);
	struct net *other = ft_net(test, 3);
	struct sgfw_flow_ns *fns = ft_fns(net);
	struct sgfw_flow *f[3], *e;
	struct sgfw_tuple t;
	int i;

	for (i = 0; i < 3; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, 100 + i, 0x0a000002, 53);
		f[i] = ft_create(net, 1, &t);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
		/* Assured flows are never evicted. */
		ft_reply(f[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 0);

	t = ft_v4(IPPROTO_UDP, 0x0a000001, 200, 0x0a000002, 53);
	e = ft_create(net, 1, &t);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(e), -ENOSPC);
	e = ft_create(net, 1, &t);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(e), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 2);
	KUNIT_EXPECT_EQ(test, ft_count(net), 3);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));

	/* Nothing was evicted to make room. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->evicted), 0);
	for (i = 0; i < 3; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, 100 + i, 0x0a000002, 53);
		KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f[i]);
	}
	/* A create that lost a race to a flow there is gets that flow. */
	KUNIT_EXPECT_PTR_EQ(test, ft_create(net, 1, &t), f[2]);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 2);

	/* The same tuple in another namespace has room of its own. */
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(other, 1, &t));
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(other)->exceeded), 0);

	ft_remove(net, f[1]);
	KUNIT_EXPECT_EQ(test, ft_count(net), 2);
	t = ft_v4(IPPROTO_UDP, 0x0a000001, 200, 0x0a000002, 53);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	KUNIT_EXPECT_EQ(test, ft_count(net), 3);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 2);
}

/* A limit lowered below the count removes nothing; new flows wait. */
static void ft_limit_lowered(struct kunit *test)
{
	struct net *net = ft_net(test, 10);
	struct sgfw_tuple t;
	int i;

	for (i = 0; i < 5; i++) {
		t = ft_v6(IPPROTO_TCP, 1, 1000 + i, 2, 22);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	}
	WRITE_ONCE(ft_fns(net)->limit, 2);
	t = ft_v6(IPPROTO_TCP, 1, 2000, 2, 22);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ft_create(net, 1, &t)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, ft_count(net), 5);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 5);
}

/*
 * A full namespace whose flows expired makes room at once for a new flow,
 * wherever it lands and before its reaper comes: expired flows never keep
 * it full (neither on the wheel nor among the unassured).
 */
static void ft_limit_expired_room(struct kunit *test)
{
	struct net *net = ft_net(test, 40);
	struct sgfw_flow_ns *fns = ft_fns(net);
	struct sgfw_flow *f;
	struct sgfw_tuple t;
	unsigned int i;

	for (i = 0; i < 40; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, i, 0x0a000002, 53);
		f = ft_create(net, 1, &t);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
		if (i & 1)
			ft_reply(f);
	}
	ft_clock(ft_now + FT_TIMEOUT);
	for (i = 0; i < 40; i++) {
		t = ft_v6(IPPROTO_UDP, 1, i, 2, 53);
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	}
	KUNIT_EXPECT_EQ(test, ft_count(net), 40);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 40);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->evicted), 0);
}

/*
 * One unanswered opener per place, as a flood of forged ones would make:
 * a full namespace evicts its oldest unassured flow for a new one, never an
 * assured one, and refuses only when no unassured flow is left.
 */
static void ft_evict_unassured(struct kunit *test)
{
	struct net *net = ft_net(test, 4);
	struct sgfw_flow_ns *fns = ft_fns(net);
	struct sgfw_flow *f[4], *e;
	struct sgfw_tuple t;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		t = ft_v4(IPPROTO_TCP, 0x0a000001, 100 + i, 0x0a000002, 80);
		f[i] = ft_create(net, 1, &t);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	ft_reply(f[0]);
	ft_reply(f[2]);

	/* Two new flows: the unassured f[1], then f[3], make way. */
	for (i = 0; i < 2; i++) {
		t = ft_v4(IPPROTO_TCP, 0x0a000001, 200 + i, 0x0a000002, 80);
		e = ft_create(net, 1, &t);
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, e);
		if (!IS_ERR(e))
			ft_reply(e);
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->evicted), 2);
	KUNIT_EXPECT_EQ(test, ft_count(net), 4);
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 101, 0x0a000002, 80);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 103, 0x0a000002, 80);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 100, 0x0a000002, 80);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f[0]);
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 102, 0x0a000002, 80);
	KUNIT_EXPECT_PTR_EQ(test, ft_lookup(net, 1, &t, NULL), f[2]);

	/* All assured now: refused, and counted. */
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 300, 0x0a000002, 80);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ft_create(net, 1, &t)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->exceeded), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&fns->evicted), 2);
}

/*
 * Eviction works whatever the size of the namespace: with thousands of
 * assured flows and a single unassured one, the new flow gets that place.
 */
static void ft_evict_among_many(struct kunit *test)
{
	struct net *net = ft_net(test, 2000);
	struct sgfw_flow *f, *lone = NULL;
	struct sgfw_tuple t;
	unsigned int i;

	for (i = 0; i < 2000; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001 + (i >> 10), i & 1023,
			  0x0a000002, 53);
		f = ft_create(net, 1, &t);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
		if (i == 1000)
			lone = f;
		else
			ft_reply(f);
	}
	t = ft_v6(IPPROTO_UDP, 1, 1, 2, 53);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(net)->evicted), 1);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(lone->flags) & SGFW_FLOW_F_DEAD);
}

/* --- the chain cap ------------------------------------------------------------ */

/*
 * Hash flooding: find, by brute force with the table's own hash, tuples
 * that all land in one bucket (what an attacker who knew the key would
 * do), and insert them.  The chain takes its cap and refuses the next,
 * which is not a namespace's exceeded count; an expired flow in the chain
 * makes room again.
 */
static void ft_chain_cap(struct kunit *test)
{
	unsigned int max = sgfw_flowtable_chain_max();
	unsigned int size = sgfw_flowtable_size();
	struct net *net = ft_net(test, 1000);
	struct sgfw_flow_init old = ft_init;
	struct sgfw_tuple *t, first;
	unsigned int b, i, found = 0;
	struct sgfw_flow *f;

	t = kunit_kcalloc(test, max + 1, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	first = ft_v4(IPPROTO_TCP, 0x0a000000, 0, 0xc0a80001, 443);
	b = sgfw_flowtable_bucket(ft_key(net, 1), &first);
	for (i = 0; found <= max && i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_TCP, 0x0a000000 + (i >> 16),
					    i & 0xffff, 0xc0a80001, 443);

		if (sgfw_flowtable_bucket(ft_key(net, 1), &c) == b)
			t[found++] = c;
		if (!(i & 0xffff))
			cond_resched();
	}
	KUNIT_ASSERT_EQ_MSG(test, found, max + 1, "after %u tuples", i);
	kunit_info(test, "%u colliding tuples in %u tries\n", found, i);

	/* The first one lives a tick less than the others. */
	old.timeout = FT_TIMEOUT - 1;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create_init(net, 1, &t[0], &old));
	for (i = 1; i < max; i++)
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t[i]));
	KUNIT_EXPECT_EQ(test, ft_count(net), max);

	f = ft_create(net, 1, &t[max]);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(f), -EBUSY);
	KUNIT_EXPECT_EQ(test, ft_count(net), max);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(net)->exceeded), 0);
	for (i = 0; i < max; i++)
		KUNIT_EXPECT_NOT_NULL(test, ft_lookup(net, 1, &t[i], NULL));

	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(net)->bucket_full), 1);

	ft_clock(ft_now + FT_TIMEOUT - 1);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t[max]));
	KUNIT_EXPECT_EQ(test, ft_count(net), max);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t[0], NULL));
}

/*
 * The cap counts the flows of one namespace: a chain that one namespace
 * filled still takes another namespace's flows, so a flood in one never
 * refuses the flows of another, even in a small table.
 */
static void ft_chain_cap_per_namespace(struct kunit *test)
{
	unsigned int max = sgfw_flowtable_chain_max();
	unsigned int size = sgfw_flowtable_size();
	struct net *net = ft_net(test, 1000);
	struct net *other = ft_net(test, 1000);
	struct sgfw_tuple *t, *u, first;
	unsigned int b, i, found = 0, others = 0;

	t = kunit_kcalloc(test, max + 1, sizeof(*t), GFP_KERNEL);
	u = kunit_kcalloc(test, 4, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, u);
	first = ft_v4(IPPROTO_UDP, 0x0a000000, 0, 0xc0a80001, 53);
	b = sgfw_flowtable_bucket(ft_key(net, 1), &first);
	for (i = 0; (found <= max || others < 4) && i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_UDP, 0x0a000000 + (i >> 16),
					    i & 0xffff, 0xc0a80001, 53);

		if (found <= max && sgfw_flowtable_bucket(ft_key(net, 1), &c) == b)
			t[found++] = c;
		if (others < 4 && sgfw_flowtable_bucket(ft_key(other, 1), &c) == b)
			u[others++] = c;
		if (!(i & 0xffff))
			cond_resched();
	}
	KUNIT_ASSERT_EQ(test, found, max + 1);
	KUNIT_ASSERT_EQ(test, others, 4);

	for (i = 0; i < max; i++)
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t[i]));
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ft_create(net, 1, &t[max])),
			-EBUSY);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ft_create(other, 1, &u[i]));
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(other)->bucket_full), 0);
	KUNIT_EXPECT_EQ(test, ft_count(other), 4);
}

/* Records the order a walk gives the flows of one bucket in. */
static int ft_order_fn(const struct sgfw_flow *flow, bool first, void *arg)
{
	const struct sgfw_flow **order = arg;

	while (*order)
		order++;
	*order = flow;
	return 0;
}

/* --- flush, remove, walk ------------------------------------------------------ */

/* Flushing a namespace takes all of its flows and none of another's. */
static void ft_flush_net(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct net *other = ft_net(test, 1000);
	struct sgfw_tuple t;
	int i;

	for (i = 0; i < 50; i++) {
		t = i & 1 ? ft_v4(IPPROTO_TCP, 0x0a000001, i, 0x0a000002, 80) :
			    ft_v6(IPPROTO_UDP, 1, i, 2, 53);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1 + i % 3,
							     &t));
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(other, 1, &t));
	}
	/* Expired flows go too, and leave the count. */
	ft_clock(ft_now + FT_TIMEOUT);
	t = ft_v4(IPPROTO_TCP, 0x0a000001, 999, 0x0a000002, 80);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t));
	KUNIT_ASSERT_EQ(test, ft_count(net), 51);

	sgfw_flowtable_flush(ft_fns(net), NULL, SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_count(other), 50);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));
	ft_clock(ft_now - FT_TIMEOUT);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_walk_count(other), 50);
}

/* Flushing a device takes its flows only. */
static void ft_flush_device(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct sgfw_tuple t;
	int i, dev;

	for (i = 0; i < 30; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, i, 0x0a000002, 53);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1 + i % 3,
							     &t));
	}
	sgfw_flowtable_flush(ft_fns(net), ft_dev(net, 2), SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), 20);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 20);
	for (i = 0; i < 30; i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, i, 0x0a000002, 53);
		dev = 1 + i % 3;
		if (dev == 2)
			KUNIT_EXPECT_NULL(test, ft_lookup(net, dev, &t, NULL));
		else
			KUNIT_EXPECT_NOT_NULL(test,
					      ft_lookup(net, dev, &t, NULL));
	}
}

/* A flow removed twice, or removed after the reaper, counts once. */
static void ft_remove_once(struct kunit *test)
{
	struct net *net = ft_net(test, 100);
	struct sgfw_tuple a = ft_v4(IPPROTO_TCP, 0x0a000001, 1, 0x0a000002, 2);
	struct sgfw_tuple b = ft_v4(IPPROTO_TCP, 0x0a000001, 3, 0x0a000002, 4);
	struct sgfw_flow *fa, *fb;

	fa = ft_create(net, 1, &a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fa);
	fb = ft_create(net, 1, &b);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fb);
	KUNIT_ASSERT_EQ(test, ft_count(net), 2);

	/* Both removals under one read-side section: fa stays readable. */
	rcu_read_lock();
	sgfw_flow_remove(ft_fns(net), fa);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(fa->flags) & SGFW_FLOW_F_DEAD);
	sgfw_flow_remove(ft_fns(net), fa);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ft_count(net), 1);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &a, NULL));

	rcu_read_lock();
	ft_clock(ft_now + FT_TIMEOUT);
	ft_gc_pass(net);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	sgfw_flow_remove(ft_fns(net), fb);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/*
 * A dump in miniature: @seen is what went out, @room how many more flows
 * the current "message" takes.  With @whole, a bucket that does not fit
 * behind what the message holds is taken out again (as the flow dump of
 * netlink.c does): @start and @mark are where the message and the bucket
 * begin in @seen.
 */
struct ft_walk_ctx {
	struct kunit *test;
	const struct sgfw_flow **seen;
	unsigned int nseen;
	unsigned int max;
	unsigned int room;
	bool whole;
	unsigned int start;
	unsigned int mark;
};

static int ft_walk_fn(const struct sgfw_flow *flow, bool first, void *arg)
{
	struct ft_walk_ctx *w = arg;

	if (first)
		w->mark = w->nseen;
	if (!w->room) {
		if (w->whole && w->mark > w->start) {
			w->nseen = w->mark;
			return SGFW_WALK_AGAIN;
		}
		return -EMSGSIZE;
	}
	w->room--;
	if (w->nseen < w->max)
		w->seen[w->nseen] = flow;
	w->nseen++;
	return 0;
}

struct ft_walk_case {
	const char *desc;
	unsigned int per_call;
};

static const struct ft_walk_case ft_walk_cases[] = {
	{ "one flow per call", 1 },
	{ "seven flows per call", 7 },
	{ "all in one call", 1000 },
};

KUNIT_ARRAY_PARAM_DESC(ft_walk_cases, ft_walk_cases, desc);

/*
 * A dump resumed as often as its messages fill up returns every live flow
 * of its namespace exactly once, and nothing else.
 */
static void ft_walk_resume(struct kunit *test)
{
	const struct ft_walk_case *c = test->param_value;
	struct net *net = ft_net(test, 1000);
	struct net *other = ft_net(test, 1000);
	struct sgfw_flow_init brief = ft_init;
	struct sgfw_flow *mine[60];
	struct ft_walk_ctx w = { .test = test, .max = 200 };
	struct sgfw_tuple t;
	struct sgfw_flow_pos pos = {};
	unsigned int i, j, calls = 0, hits;
	int err;

	w.seen = kunit_kcalloc(test, w.max, sizeof(*w.seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	brief.timeout = 1;
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		t = ft_v6(IPPROTO_TCP, 1, 1000 + i, 2, 80);
		mine[i] = ft_create(net, 1, &t);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mine[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(other, 1, &t));
		/* Expired at once: never dumped. */
		t = ft_v6(IPPROTO_TCP, 1, 5000 + i, 2, 80);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
					     ft_create_init(net, 1, &t,
							    &brief));
	}
	ft_clock(ft_now + 1);

	do {
		w.room = c->per_call;
		w.start = w.nseen;
		err = sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w);
		KUNIT_ASSERT_TRUE(test, !err || err == -EMSGSIZE);
		KUNIT_ASSERT_LT(test, ++calls, 1000);
	} while (err);

	KUNIT_EXPECT_EQ(test, w.nseen, ARRAY_SIZE(mine));
	for (i = 0; i < ARRAY_SIZE(mine); i++) {
		hits = 0;
		for (j = 0; j < min(w.nseen, w.max); j++)
			hits += w.seen[j] == mine[i];
		KUNIT_EXPECT_EQ_MSG(test, hits, 1, "flow %u", i);
	}

	/* A finished walk stays finished. */
	w.room = 1000;
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w),
			0);
	KUNIT_EXPECT_EQ(test, w.nseen, ARRAY_SIZE(mine));
}

/* How often the walk returned @f so far. */
static unsigned int ft_walk_hits(const struct ft_walk_ctx *w,
				 const struct sgfw_flow *f)
{
	unsigned int j, hits = 0;

	for (j = 0; j < min(w->nseen, w->max); j++)
		hits += w->seen[j] == f;
	return hits;
}

/* Tuples of one bucket that ft_walk_changing() picks from. */
#define FT_WALK_TUPLES	128

/* @n tuples of one bucket of @net (TCP from port @sport on, to 443). */
static void ft_same_bucket(struct kunit *test, struct net *net,
			   struct sgfw_tuple *t, unsigned int n, u16 sport)
{
	unsigned int size = sgfw_flowtable_size(), b, i, found = 0;

	t[0] = ft_v4(IPPROTO_TCP, 0x0a000000, sport, 0xc0a80001, 443);
	b = sgfw_flowtable_bucket(ft_key(net, 1), &t[0]);
	for (i = 1, found = 1; found < n && i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_TCP, 0x0a000000 + i,
					    sport, 0xc0a80001, 443);

		if (sgfw_flowtable_bucket(ft_key(net, 1), &c) == b)
			t[found++] = c;
		if (!(i & 0xffff))
			cond_resched();
	}
	KUNIT_ASSERT_EQ(test, found, n);
}

/*
 * Flows come and go in a bucket between the calls of a walk: one that
 * stays is never skipped, one that went is never returned, and one that
 * came at the chain's tail is returned once.  Only when the flow the walk
 * stopped at goes is the bucket walked again from its start.
 */
static void ft_walk_changing(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct ft_walk_ctx w = { .test = test, .max = 100 };
	const struct sgfw_flow *order[11] = {};
	struct sgfw_flow_pos pos = {};
	struct sgfw_flow *f[11];
	struct sgfw_tuple *t;
	unsigned int i, tag0;

	w.seen = kunit_kcalloc(test, w.max, sizeof(*w.seen), GFP_KERNEL);
	t = kunit_kcalloc(test, FT_WALK_TUPLES, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	KUNIT_ASSERT_NOT_NULL(test, t);
	ft_same_bucket(test, net, t, FT_WALK_TUPLES, 1000);
	for (i = 0; i < 10; i++)
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t[i]));
	/*
	 * f[] in the order of the chain, which the walk follows: a new flow
	 * goes to the chain's head when it need not walk it (sgfw_ft_scan()).
	 */
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos,
						  ft_order_fn, order), 0);
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_NOT_NULL(test, order[i]);
		f[i] = (struct sgfw_flow *)order[i];
	}
	pos = (struct sgfw_flow_pos){};
	/* The one that comes shares t[0]'s bit: it is walked, to the tail. */
	tag0 = sgfw_flowtable_tag_bit(ft_key(net, 1), &t[0]);
	for (i = 10; i < FT_WALK_TUPLES - 1; i++)
		if (sgfw_flowtable_tag_bit(ft_key(net, 1), &t[i]) == tag0)
			break;
	t[10] = t[i];

	/* 0 1 2 go out; the walk stops at 3. */
	w.room = 3;
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, w.nseen, 3);

	/*
	 * One comes; one behind the position and one ahead of it go (in this
	 * order: a new flow could otherwise take a freed one's address).
	 */
	f[10] = ft_create(net, 1, &t[10]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[10]);
	rcu_read_lock();
	sgfw_flow_remove(ft_fns(net), f[1]);
	sgfw_flow_remove(ft_fns(net), f[4]);
	rcu_read_unlock();

	/* 3 5 6 go out; the walk stops at 7, which then goes too. */
	w.room = 3;
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, w.nseen, 6);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ_MSG(test, ft_walk_hits(&w, f[i]),
				    i < 7 && i != 4 ? 1 : 0, "flow %u", i);
	rcu_read_lock();
	sgfw_flow_remove(ft_fns(net), f[7]);
	rcu_read_unlock();

	/* The bucket again: what is left of it, 10 last. */
	w.room = 100;
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w),
			0);
	for (i = 0; i < 11; i++)
		KUNIT_EXPECT_EQ_MSG(test, ft_walk_hits(&w, f[i]),
				    i == 4 || i == 7 ? 0 :
				    i == 1 || i >= 8 ? 1 : 2, "flow %u", i);
	KUNIT_EXPECT_PTR_EQ(test, w.seen[w.nseen - 1],
			    (const struct sgfw_flow *)f[10]);
}

/*
 * A dump that takes a bucket out of a full message again (SGFW_WALK_AGAIN)
 * sends each bucket whole in one message, and every flow exactly once.
 */
static void ft_walk_whole_buckets(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct ft_walk_ctx w = { .test = test, .max = 100, .whole = true };
	struct sgfw_flow_pos pos = {};
	struct sgfw_flow *a[5], *b[5];
	struct sgfw_tuple ta[5], tb[5];
	unsigned int i, calls = 0, starts[8];
	u16 sport;
	int err;

	w.seen = kunit_kcalloc(test, w.max, sizeof(*w.seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	ft_same_bucket(test, net, ta, ARRAY_SIZE(ta), 1000);
	sport = 2000;
	do
		ft_same_bucket(test, net, tb, ARRAY_SIZE(tb), sport++);
	while (sgfw_flowtable_bucket(ft_key(net, 1), &ta[0]) ==
	       sgfw_flowtable_bucket(ft_key(net, 1), &tb[0]));
	for (i = 0; i < 5; i++) {
		a[i] = ft_create(net, 1, &ta[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a[i]);
		b[i] = ft_create(net, 1, &tb[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b[i]);
	}

	/* Messages of 7: the first bucket, then the second, never mixed. */
	do {
		starts[calls] = w.nseen;
		w.room = 7;
		w.start = w.nseen;
		err = sgfw_flowtable_walk(ft_fns(net), &pos, ft_walk_fn, &w);
		KUNIT_ASSERT_TRUE(test, !err || err == SGFW_WALK_AGAIN);
		KUNIT_ASSERT_LT(test, ++calls, ARRAY_SIZE(starts));
	} while (err);
	KUNIT_EXPECT_EQ(test, calls, 2);
	KUNIT_EXPECT_EQ(test, w.nseen, 10);
	KUNIT_EXPECT_EQ(test, starts[1], 5);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, ft_walk_hits(&w, a[i]), 1);
		KUNIT_EXPECT_EQ(test, ft_walk_hits(&w, b[i]), 1);
	}
}

/*
 * The count is exact through every way a flow comes and goes: it always
 * equals what the table holds for the namespace.
 */
static void ft_count_exact(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct sgfw_flow_init brief = ft_init;
	struct sgfw_flow *f[40];
	struct sgfw_tuple t;
	unsigned int i;

	brief.timeout = FT_TIMEOUT / 2;
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		t = ft_v4(IPPROTO_UDP, 0x0a000001, i, 0x0a000002, 53);
		f[i] = ft_create_init(net, 1 + i % 2, &t,
				      i % 4 ? &ft_init : &brief);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	KUNIT_EXPECT_EQ(test, ft_count(net), 40);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 40);

	for (i = 1; i < ARRAY_SIZE(f); i += 4)
		ft_remove(net, f[i]);
	KUNIT_EXPECT_EQ(test, ft_count(net), 30);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 30);

	ft_clock(ft_now + FT_TIMEOUT / 2);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 20);
	ft_gc_pass(net);
	KUNIT_EXPECT_EQ(test, ft_count(net), 20);

	sgfw_flowtable_flush(ft_fns(net), ft_dev(net, 2), SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), ft_walk_count(net));
	sgfw_flowtable_flush(ft_fns(net), NULL, SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 0);
}

/* --- lines ------------------------------------------------------------------------ */

/* Is each flow of @f found both ways by its tuple in @t, and none where @f is NULL? */
static void ft_expect_found(struct kunit *test, struct net *net,
			    struct sgfw_flow **f, const struct sgfw_tuple *t,
			    unsigned int n)
{
	struct sgfw_tuple r;
	unsigned int i;
	bool rev;

	for (i = 0; i < n; i++) {
		r = ft_reverse(&t[i]);
		KUNIT_EXPECT_PTR_EQ_MSG(test, ft_lookup(net, 1, &t[i], &rev),
					f[i], "flow %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, ft_lookup(net, 1, &r, &rev), f[i],
					"reply of flow %u", i);
		if (f[i])
			KUNIT_EXPECT_GE_MSG(test, sgfw_flowtable_slot_of(f[i]),
					    0, "flow %u", i);
	}
}

/*
 * A line takes its first flows in its slots, in order, and the flows that
 * come while every slot is taken in its chain, at the tail.  A flow leaves
 * a slot or the chain without moving any other; a new flow then takes the
 * lowest free slot.  Every flow is found both ways throughout.
 */
static void ft_line_slots_then_chain(struct kunit *test)
{
	unsigned int slots = sgfw_flowtable_line_slots(), i;
	struct net *net = ft_net(test, 1000);
	const struct sgfw_flow *order[16] = {};
	struct sgfw_flow_pos pos = {};
	struct sgfw_flow *f[12] = {};
	struct sgfw_tuple t[12];

	ft_same_bucket(test, net, t, ARRAY_SIZE(t), 7000);
	for (i = 0; i < 10; i++) {
		f[i] = ft_create(net, 1, &t[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
		KUNIT_EXPECT_EQ_MSG(test, sgfw_flowtable_slot_of(f[i]),
				    (int)min(i, slots), "flow %u", i);
	}
	ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
	/* The walk: the slots in order, then the chain. */
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos,
						  ft_order_fn, order), 0);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, order[i],
					(const struct sgfw_flow *)f[i],
					"flow %u", i);

	/* Out of a slot: the others stay; the next new flow takes it. */
	ft_remove(net, f[2]);
	f[2] = NULL;
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
	ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
	f[10] = ft_create(net, 1, &t[10]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[10]);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f[10]), 2);

	/* Out of the chain's middle, then its head. */
	ft_remove(net, f[8]);
	f[8] = NULL;
	ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f[9]), (int)slots);
	ft_remove(net, f[7]);
	f[7] = NULL;
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
	ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
	/* Every slot taken: the chain, behind what is left of it. */
	f[11] = ft_create(net, 1, &t[11]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[11]);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f[11]), (int)slots);
	memset(order, 0, sizeof(order));
	pos = (struct sgfw_flow_pos){};
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_walk(ft_fns(net), &pos,
						  ft_order_fn, order), 0);
	KUNIT_EXPECT_PTR_EQ(test, order[7], (const struct sgfw_flow *)f[9]);
	KUNIT_EXPECT_PTR_EQ(test, order[8], (const struct sgfw_flow *)f[11]);
	KUNIT_EXPECT_NULL(test, order[9]);
	ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
	KUNIT_EXPECT_EQ(test, ft_count(net), 9);
}

/*
 * Flows of one line and one slot tag: a lookup dereferences each of them
 * and compares it whole, so each is found as itself, and a tuple of the
 * same line and tag that has no flow is not found, before and after one of
 * them leaves.  The line's other slots hold flows of other tags.
 */
static void ft_line_tag_collisions(struct kunit *test)
{
	unsigned int size = sgfw_flowtable_size(), b, tag, i, n = 1, others = 0;
	struct net *net = ft_net(test, 1000);
	struct sgfw_tuple t[5], o[3];
	struct sgfw_flow *f[5] = {}, *g[3];
	u32 key = ft_key(net, 1);

	t[0] = ft_v4(IPPROTO_UDP, 0x0b000000, 53, 0xc0a80003, 5353);
	b = sgfw_flowtable_bucket(key, &t[0]);
	tag = sgfw_flowtable_tag(key, &t[0]);
	for (i = 1; (n < ARRAY_SIZE(t) || others < ARRAY_SIZE(o)) &&
	     i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_UDP, 0x0b000000 + i, 53,
					    0xc0a80003, 5353);

		if (!(i & 0xffff))
			cond_resched();
		if (sgfw_flowtable_bucket(key, &c) != b)
			continue;
		if (sgfw_flowtable_tag(key, &c) == tag) {
			if (n < ARRAY_SIZE(t))
				t[n++] = c;
		} else if (others < ARRAY_SIZE(o)) {
			o[others++] = c;
		}
	}
	KUNIT_ASSERT_EQ_MSG(test, n, ARRAY_SIZE(t), "after %u tuples", i);
	KUNIT_ASSERT_EQ_MSG(test, others, ARRAY_SIZE(o), "after %u tuples", i);

	/* Others first, then four of the tag; t[4] never gets a flow. */
	for (i = 0; i < ARRAY_SIZE(o); i++) {
		g[i] = ft_create(net, 1, &o[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, g[i]);
	}
	for (i = 0; i < 4; i++) {
		f[i] = ft_create(net, 1, &t[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f[i]), 3 + i);
	}
	ft_expect_found(test, net, f, t, ARRAY_SIZE(t));
	ft_expect_found(test, net, g, o, ARRAY_SIZE(o));
	ft_remove(net, f[1]);
	f[1] = NULL;
	ft_expect_found(test, net, f, t, ARRAY_SIZE(t));
	ft_expect_found(test, net, g, o, ARRAY_SIZE(o));
	/* Of the tag again: the free slot, and itself only. */
	f[4] = ft_create(net, 1, &t[4]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[4]);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f[4]), 4);
	ft_expect_found(test, net, f, t, ARRAY_SIZE(t));
	KUNIT_EXPECT_EQ(test, ft_count(net), 7);
}

/*
 * The cap counts a namespace's flows of the chain: with every slot of the
 * line taken by another namespace, a namespace still gets
 * chain_max - slots flows into the chain, and no more; an expired flow in
 * a slot, of a tag the new flow does not have, makes room for it when
 * nothing else would.
 */
static void ft_line_cap_reaps_slots(struct kunit *test)
{
	unsigned int max = sgfw_flowtable_chain_max();
	unsigned int slots = sgfw_flowtable_line_slots();
	unsigned int size = sgfw_flowtable_size(), b, i, n = 0, m = 0;
	struct net *net = ft_net(test, 1000), *other = ft_net(test, 100);
	struct sgfw_flow_init brief = ft_init;
	struct sgfw_tuple *t, u[8], first;
	u32 key = ft_key(net, 1), okey = ft_key(other, 1);
	struct sgfw_flow *f;

	t = kunit_kcalloc(test, max, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	/* The other namespace's tuples of a line, then ours of other tags. */
	first = ft_v4(IPPROTO_TCP, 0x0c000000, 80, 0xc0a80004, 8080);
	b = sgfw_flowtable_bucket(okey, &first);
	for (i = 0; m < slots && i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_TCP, 0x0c000000 + i, 80,
					    0xc0a80004, 8080);

		if (sgfw_flowtable_bucket(okey, &c) == b)
			u[m++] = c;
	}
	KUNIT_ASSERT_EQ_MSG(test, m, slots, "after %u tuples", i);
	for (i = 0; n < max - slots + 1 && i < 256 * size; i++) {
		struct sgfw_tuple c = ft_v4(IPPROTO_TCP, 0x0d000000 + i, 80,
					    0xc0a80004, 8080);

		if (!(i & 0xffff))
			cond_resched();
		if (sgfw_flowtable_bucket(key, &c) == b &&
		    sgfw_flowtable_tag(key, &c) != sgfw_flowtable_tag(okey, &u[0]))
			t[n++] = c;
	}
	KUNIT_ASSERT_EQ_MSG(test, n, max - slots + 1, "after %u tuples", i);

	/* The other namespace's flows take the slots, u[0] to expire first. */
	brief.timeout = FT_TIMEOUT / 2;
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create_init(other, 1, &u[0],
							  &brief));
	for (i = 1; i < slots; i++)
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(other, 1, &u[i]));
	for (i = 0; i < max - slots; i++) {
		f = ft_create(net, 1, &t[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f), (int)slots);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(ft_create(net, 1, &t[max - slots])),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(net)->bucket_full), 1);

	/* u[0] expired: its slot goes to the flow the cap refused. */
	ft_clock(ft_now + FT_TIMEOUT / 2);
	f = ft_create(net, 1, &t[max - slots]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_slot_of(f), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), max - slots + 1);
	KUNIT_EXPECT_EQ(test, ft_count(other), slots - 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&ft_fns(net)->bucket_full), 1);
}

/* --- concurrency ---------------------------------------------------------------- */

#define FT_RACE_TUPLES	8
#define FT_RACE_ROUNDS	3000

struct ft_race {
	struct net *net;
	struct sgfw_flow_dev *fd[2];
	struct sgfw_tuple t[FT_RACE_TUPLES];
	struct completion done[2];
	atomic_t errors;
};

struct ft_racer {
	struct ft_race *r;
	unsigned int me;
};

/*
 * Toggle the flows of a few tuples as fast as possible: remove one when
 * the lookup finds it, create it when not.  Two of these race on the same
 * tuples (two creates of one flow, two removals of one flow) while the
 * case itself runs the reaper and dumps.
 */
static int ft_race_thread(void *arg)
{
	struct ft_racer *a = arg;
	struct ft_race *r = a->r;
	struct sgfw_flow *f;
	unsigned int i, k;
	u32 h;
	struct sgfw_flow_dev *fd;
	bool reply;

	for (i = 0; i < FT_RACE_ROUNDS; i++) {
		k = (i * 5 + a->me) % FT_RACE_TUPLES;
		fd = r->fd[k & 1];
		rcu_read_lock();
		h = sgfw_flow_hash(fd->key, &r->t[k]);
		f = sgfw_flow_lookup(fd->key, &r->t[k], h, &reply);
		if (f)
			sgfw_flow_remove(ft_fns(r->net), f);
		else if (IS_ERR(sgfw_flow_create(fd, &r->t[k], h, &ft_init)))
			atomic_inc(&r->errors);
		rcu_read_unlock();
		if (!(i & 15))
			cond_resched();
	}
	complete(&r->done[a->me]);
	return 0;
}

static void ft_concurrent_toggle(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct task_struct *task;
	struct ft_racer *a;
	struct ft_race *r;
	unsigned int i;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	a = kunit_kcalloc(test, 2, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_NOT_NULL(test, a);
	r->net = net;
	r->fd[0] = ft_dev(net, 1);
	r->fd[1] = ft_dev(net, 2);
	for (i = 0; i < FT_RACE_TUPLES; i++)
		r->t[i] = i & 2 ? ft_v6(IPPROTO_UDP, 1, 100 + i, 2, 53) :
				  ft_v4(IPPROTO_TCP, 0x0a000001, 100 + i,
					0x0a000002, 80);
	for (i = 0; i < 2; i++) {
		init_completion(&r->done[i]);
		a[i].r = r;
		a[i].me = i;
	}

	for (i = 0; i < 2; i++) {
		task = kthread_run(ft_race_thread, &a[i], "sgfw-ft-race/%u", i);
		if (IS_ERR(task)) {
			/* Run its share here; the case still races the other. */
			KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
			ft_race_thread(&a[i]);
		}
	}
	while (!completion_done(&r->done[0]) ||
	       !completion_done(&r->done[1])) {
		ft_gc_pass(net);
		ft_walk_count(net);
		cond_resched();
	}
	wait_for_completion(&r->done[0]);
	wait_for_completion(&r->done[1]);

	KUNIT_EXPECT_EQ(test, atomic_read(&r->errors), 0);
	KUNIT_EXPECT_LE(test, ft_count(net), FT_RACE_TUPLES);
	KUNIT_EXPECT_EQ(test, ft_count(net), ft_walk_count(net));
	sgfw_flowtable_flush(ft_fns(net), NULL, SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/* --- resizing --------------------------------------------------------------------- */

#define FT_RZ_FLOWS	3000

/* Flow @i of the resize cases: IPv4 and IPv6, on devices 1 to 3. */
static struct sgfw_tuple ft_rz_tuple(unsigned int i)
{
	if (i % 3 == 2)
		return ft_v6(IPPROTO_TCP, 0x10000 + i, 1000 + i % 7, 2, 443);
	return ft_v4(IPPROTO_UDP, 0x0a000000 + i, 1000 + i % 7, 0x0a010001,
		     53);
}

static int ft_rz_dev(unsigned int i)
{
	return 1 + i % 3;
}

static void ft_rz_create(struct kunit *test, struct net *net,
			 unsigned int from, unsigned int to)
{
	struct sgfw_tuple t;
	unsigned int i;

	for (i = from; i < to; i++) {
		t = ft_rz_tuple(i);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, ft_rz_dev(i),
							     &t));
	}
}

/* How many of flows @from to @to a lookup misses, either way. */
static unsigned int ft_rz_missing(struct net *net, unsigned int from,
				  unsigned int to)
{
	unsigned int i, missing = 0;
	struct sgfw_tuple t, r;
	bool rev;

	for (i = from; i < to; i++) {
		t = ft_rz_tuple(i);
		r = ft_reverse(&t);
		if (!ft_lookup(net, ft_rz_dev(i), &t, &rev) || rev)
			missing++;
		else if (!ft_lookup(net, ft_rz_dev(i), &r, &rev) || !rev)
			missing++;
	}
	return missing;
}

/* The table back at the size it had when the case began. */
static void ft_rz_restore(void *arg)
{
	sgfw_flowtable_resize((unsigned long)arg);
}

static unsigned int ft_rz_start(struct kunit *test)
{
	unsigned int size = sgfw_flowtable_size();
	void *arg = (void *)(unsigned long)size;

	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, ft_rz_restore, arg));
	return size;
}

/*
 * Grown and shrunk, the table keeps every flow where lookups, the walk,
 * removals and the count find it.
 */
static void ft_resize_keeps_flows(struct kunit *test)
{
	static const unsigned int sizes[] = { 2048, 4096, 131072, 8192 };
	struct net *net = ft_net(test, 10000);
	unsigned int start = ft_rz_start(test), i, k;
	struct sgfw_flow *f;
	struct sgfw_tuple t;

	ft_rz_create(test, net, 0, FT_RZ_FLOWS);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(sizes[k]), 0);
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_size(), sizes[k]);
		KUNIT_EXPECT_EQ(test, ft_rz_missing(net, 0, FT_RZ_FLOWS), 0);
		KUNIT_EXPECT_EQ(test, ft_walk_count(net), FT_RZ_FLOWS);
		KUNIT_EXPECT_EQ(test, ft_count(net), FT_RZ_FLOWS);
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
	}
	for (i = 0; i < FT_RZ_FLOWS; i += 2) {
		t = ft_rz_tuple(i);
		f = ft_lookup(net, ft_rz_dev(i), &t, NULL);
		KUNIT_ASSERT_NOT_NULL(test, f);
		ft_remove(net, f);
	}
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(start), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), FT_RZ_FLOWS / 2);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), FT_RZ_FLOWS / 2);
	for (i = 0; i < FT_RZ_FLOWS; i++) {
		t = ft_rz_tuple(i);
		f = ft_lookup(net, ft_rz_dev(i), &t, NULL);
		KUNIT_EXPECT_EQ_MSG(test, !!f, i % 2, "flow %u", i);
	}
	sgfw_flowtable_flush(ft_fns(net), NULL, SGFW_END_FLUSHED);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 0);
	/*
	 * Not a power of two, smaller than the smallest table, or too small for
	 * a whole line per bucket lock (704 locks from hashsize 2048 on).
	 */
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_resize(3000), -EINVAL);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_resize(64), -EINVAL);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_resize(1024), -EINVAL);
}

struct ft_rz_walk {
	unsigned long *seen;
	unsigned int in_call;
};

/* Note flow i (its source tells), and stop every 50 flows. */
static int ft_rz_walk_fn(const struct sgfw_flow *flow, bool first, void *arg)
{
	struct ft_rz_walk *w = arg;
	u32 i;

	if (w->in_call == 50)
		return -EMSGSIZE;
	w->in_call++;
	if (flow->t.af == SGFW_AF_INET)
		i = ntohl(flow->t.src.ip) - 0x0a000000;
	else
		i = ntohl(flow->t.src.all[3]) - 0x10000;
	if (i < FT_RZ_FLOWS)
		__set_bit(i, w->seen);
	return 0;
}

/*
 * A dump resized between its messages: shrunk (it starts again: what it
 * saw before counts for nothing), then grown twice in the middle of its
 * last pass.  It may see a flow twice, never miss one.
 */
static void ft_resize_walk_resumes(struct kunit *test)
{
	static const unsigned int sizes[] = { 4096, 2048, 131072, 262144 };
	struct net *net = ft_net(test, 10000);
	struct sgfw_flow_pos pos = {};
	struct ft_rz_walk w = {};
	unsigned int calls = 0, size;
	int err;

	ft_rz_start(test);
	w.seen = kunit_kcalloc(test, BITS_TO_LONGS(FT_RZ_FLOWS),
			       sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	ft_rz_create(test, net, 0, FT_RZ_FLOWS);
	do {
		w.in_call = 0;
		err = sgfw_flowtable_walk(ft_fns(net), &pos, ft_rz_walk_fn, &w);
		KUNIT_ASSERT_TRUE(test, !err || err == -EMSGSIZE);
		size = sizes[(calls / 10) % ARRAY_SIZE(sizes)];
		if (err && calls % 10 == 5 && calls < 40) {
			if (size < sgfw_flowtable_size())
				bitmap_zero(w.seen, FT_RZ_FLOWS);
			KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(size), 0);
		}
		KUNIT_ASSERT_LT(test, ++calls, 10000);
	} while (err);
	KUNIT_EXPECT_EQ(test, bitmap_weight(w.seen, FT_RZ_FLOWS),
			FT_RZ_FLOWS);
}

struct ft_rz_race {
	struct net *net;
	struct kunit *test;
	atomic_t missing;
	atomic_t errors;
	bool stop;
	unsigned int rounds;
	struct completion done[2];
};

/* Look the first FT_RZ_FLOWS flows up, over and over, until told to stop. */
static int ft_rz_lookup_thread(void *arg)
{
	struct ft_rz_race *r = arg;

	while (!READ_ONCE(r->stop)) {
		atomic_add(ft_rz_missing(r->net, 0, FT_RZ_FLOWS), &r->missing);
		r->rounds++;
		cond_resched();
	}
	complete(&r->done[0]);
	return 0;
}

/* Create FT_RZ_FLOWS more flows, one at a time. */
static int ft_rz_create_thread(void *arg)
{
	struct ft_rz_race *r = arg;
	struct sgfw_tuple t;
	unsigned int i;

	for (i = FT_RZ_FLOWS; i < 2 * FT_RZ_FLOWS; i++) {
		t = ft_rz_tuple(i);
		if (IS_ERR_OR_NULL(ft_create(r->net, ft_rz_dev(i), &t)))
			atomic_inc(&r->errors);
		if (!(i & 63))
			cond_resched();
	}
	complete(&r->done[1]);
	return 0;
}

static void ft_rz_thread(struct kunit *test, struct ft_rz_race *r,
			 int (*fn)(void *arg), unsigned int i)
{
	struct task_struct *task;

	init_completion(&r->done[i]);
	task = kthread_run(fn, r, "sgfw-ft-rz/%u", i);
	if (IS_ERR(task)) {
		KUNIT_FAIL(test, "kthread_run: %ld", PTR_ERR(task));
		complete(&r->done[i]);
	}
}

/*
 * Resizes under lookups and inserts: no lookup misses a flow that is in
 * the table, no insert is lost (kunit-smp runs this on two CPUs).
 */
static void ft_resize_under_traffic(struct kunit *test)
{
	static const unsigned int sizes[] = { 2048, 262144, 4096, 131072 };
	struct net *net = ft_net(test, 10000);
	struct ft_rz_race *r;
	unsigned int i, k = 0;

	ft_rz_start(test);
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->net = net;
	ft_rz_create(test, net, 0, FT_RZ_FLOWS);
	ft_rz_thread(test, r, ft_rz_lookup_thread, 0);
	ft_rz_thread(test, r, ft_rz_create_thread, 1);
	while (k < 8 || !completion_done(&r->done[1])) {
		i = sizes[k++ % ARRAY_SIZE(sizes)];
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_resize(i), 0);
		if (k > 1000)
			break;
	}
	WRITE_ONCE(r->stop, true);
	wait_for_completion(&r->done[0]);
	wait_for_completion(&r->done[1]);
	kunit_info(test, "%u resizes, %u rounds of lookups\n", k, r->rounds);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->missing), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->errors), 0);
	KUNIT_EXPECT_GT(test, r->rounds, 0);
	KUNIT_EXPECT_EQ(test, ft_rz_missing(net, 0, 2 * FT_RZ_FLOWS), 0);
	KUNIT_EXPECT_EQ(test, ft_count(net), 2 * FT_RZ_FLOWS);
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), 2 * FT_RZ_FLOWS);
}

/*
 * The table grows by itself when it holds more than two flows a bucket,
 * and a resize of its own choosing shrinks it back towards hashsize.
 */
static void ft_resize_by_itself(struct kunit *test)
{
	struct net *net = ft_net(test, 10000);
	unsigned int start = ft_rz_start(test), i;

	KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(2048), 0);
	sgfw_flowtable_resize_pause(false);
	ft_rz_create(test, net, 0, 2 * FT_RZ_FLOWS);
	for (i = 0; i < 500 && sgfw_flowtable_size() == 2048; i++)
		msleep(20);
	sgfw_flowtable_resize_pause(true);
	KUNIT_EXPECT_GE(test, sgfw_flowtable_size(), 4096);
	KUNIT_EXPECT_EQ(test, ft_rz_missing(net, 0, 2 * FT_RZ_FLOWS), 0);

	/* Far more buckets than flows: back to hashsize, and no further. */
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(start * 4), 0);
	KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(0), 0);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_size(), start);
	KUNIT_EXPECT_EQ(test, ft_rz_missing(net, 0, 2 * FT_RZ_FLOWS), 0);
}

/*
 * A line whose slots and chain both hold flows, through resizes both
 * ways: every flow moves, is found both ways from its new line, sits
 * where its new line says (a slot while one is free), and back at the
 * first size its line again holds them all, seven in its slots.
 */
static void ft_resize_slots_and_chain(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 2, 1, 16, 1 };
	unsigned int slots = sgfw_flowtable_line_slots(), i, k, in_slots;
	struct net *net = ft_net(test, 10000);
	unsigned int start = ft_rz_start(test);
	struct sgfw_flow *f[12];
	struct sgfw_tuple t[12];
	int at;

	ft_same_bucket(test, net, t, ARRAY_SIZE(t), 9000);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		f[i] = ft_create(net, 1, &t[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f[i]);
	}
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		KUNIT_ASSERT_EQ(test, sgfw_flowtable_resize(start * sizes[k]), 0);
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
		ft_expect_found(test, net, f, t, ARRAY_SIZE(f));
		in_slots = 0;
		for (i = 0; i < ARRAY_SIZE(f); i++) {
			at = sgfw_flowtable_slot_of(f[i]);
			KUNIT_EXPECT_GE(test, at, 0);
			in_slots += at >= 0 && at < slots;
		}
		if (sizes[k] == 1)
			KUNIT_EXPECT_EQ_MSG(test, in_slots, slots,
					    "after resize %u", k);
	}
	KUNIT_EXPECT_EQ(test, ft_count(net), ARRAY_SIZE(f));
	KUNIT_EXPECT_EQ(test, ft_walk_count(net), ARRAY_SIZE(f));
}

/*
 * The chain filter: flows come into one chain and leave it in another
 * order; after each change the filter is exactly the union of the bits
 * of the flows in the chain (so a bit no flow needs is cleared again),
 * every flow in it is found both ways and every flow gone is not.
 */
#define FT_FILTER_FLOWS	24

static void ft_chain_filter(struct kunit *test)
{
	struct net *net = ft_net(test, 1000);
	struct sgfw_tuple *t;
	bool in[FT_FILTER_FLOWS] = {};
	unsigned int i, k, step;
	struct sgfw_flow *f;

	t = kunit_kcalloc(test, FT_FILTER_FLOWS, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	ft_same_bucket(test, net, t, FT_FILTER_FLOWS, 5000);
	for (i = 0; i < FT_FILTER_FLOWS; i++) {
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ft_create(net, 1, &t[i]));
		in[i] = true;
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
	}
	/* Out in an order of their own: every 7th, wrapping. */
	for (step = 0, i = 0; step < FT_FILTER_FLOWS; step++) {
		i = (i + 7) % FT_FILTER_FLOWS;
		f = ft_lookup(net, 1, &t[i], NULL);
		KUNIT_ASSERT_NOT_NULL(test, f);
		ft_remove(net, f);
		in[i] = false;
		KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
		for (k = 0; k < FT_FILTER_FLOWS; k++) {
			struct sgfw_tuple r = ft_reverse(&t[k]);

			KUNIT_EXPECT_EQ_MSG(test, !!ft_lookup(net, 1, &t[k], NULL),
					    in[k], "flow %u after %u went", k, i);
			KUNIT_EXPECT_EQ_MSG(test, !!ft_lookup(net, 1, &r, NULL),
					    in[k], "reply %u after %u went", k, i);
		}
	}
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
}

/* --- keys ------------------------------------------------------------------------- */

static int ft_percpu_sum(int __percpu *count)
{
	int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += *per_cpu_ptr(count, cpu);
	return n;
}

/*
 * A device's key is its own and names its namespace; a flow finds its
 * device by it, and counts down the device's flows when it goes, until the
 * device leaves the registry: then its flows name no device, and count
 * nothing down.
 */
static void ft_dev_keys(struct kunit *test)
{
	struct net *net = ft_net(test, 100), *other = ft_net(test, 100);
	struct sgfw_tuple t = ft_v4(IPPROTO_UDP, 0x0a000001, 1000, 0x0a000002,
				    53);
	struct sgfw_flow_dev *a, *b, *c, *fd;
	int __percpu *count;
	struct sgfw_flow *f;

	a = ft_dev(net, 1);
	b = ft_dev(net, 2);
	c = ft_dev(other, 1);
	KUNIT_ASSERT_TRUE(test, a && b && c);
	KUNIT_EXPECT_NE(test, a->key, b->key);
	KUNIT_EXPECT_NE(test, a->key, c->key);
	KUNIT_EXPECT_EQ(test, sgfw_key_ns(a->key), sgfw_key_ns(b->key));
	KUNIT_EXPECT_EQ(test, sgfw_key_ns(a->key), ft_fns(net)->id);
	KUNIT_EXPECT_EQ(test, sgfw_key_ns(c->key), ft_fns(other)->id);
	KUNIT_EXPECT_NE(test, ft_fns(net)->id, ft_fns(other)->id);
	KUNIT_EXPECT_NE(test, ft_fns(net)->id, 0);

	count = alloc_percpu(int);
	KUNIT_ASSERT_NOT_NULL(test, count);
	fd = kzalloc(sizeof(*fd), GFP_KERNEL);
	if (!fd)
		free_percpu(count);
	KUNIT_ASSERT_NOT_NULL(test, fd);
	KUNIT_ASSERT_EQ(test, sgfw_flow_dev_init(ft_fns(net), fd, count), 0);
	WRITE_ONCE(fd->ifindex, 7);
	KUNIT_EXPECT_EQ(test, sgfw_key_ns(fd->key), ft_fns(net)->id);

	/* Counted up as it comes, down as it goes. */
	rcu_read_lock();
	f = sgfw_flow_create(fd, &t, sgfw_flow_hash(fd->key, &t), &ft_init);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, ft_percpu_sum(count), 1);
	/* The same tuple again: the same flow, counted once. */
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, sgfw_flow_create(fd, &t,
						   sgfw_flow_hash(fd->key, &t),
						   &ft_init), f);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ft_percpu_sum(count), 1);
	rcu_read_lock();
	KUNIT_EXPECT_PTR_EQ(test, sgfw_flow_dev(ft_fns(net), f), fd);
	KUNIT_EXPECT_EQ(test, sgfw_flow_ifindex(ft_fns(net), f), 7);
	rcu_read_unlock();
	ft_remove(net, f);
	KUNIT_EXPECT_EQ(test, ft_percpu_sum(count), 0);

	/* The same tuple on another device of the namespace: not the same. */
	rcu_read_lock();
	f = sgfw_flow_create(fd, &t, sgfw_flow_hash(fd->key, &t), &ft_init);
	rcu_read_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, ft_percpu_sum(count), 1);
	KUNIT_EXPECT_NULL(test, ft_lookup(net, 1, &t, NULL));

	/* Its device left (its flows would have been flushed first). */
	sgfw_flow_dev_exit(fd);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, sgfw_flow_dev(ft_fns(net), f));
	KUNIT_EXPECT_EQ(test, sgfw_flow_ifindex(ft_fns(net), f), 0);
	rcu_read_unlock();
	ft_remove(net, f);
	KUNIT_EXPECT_EQ(test, ft_count(net), 0);
	KUNIT_EXPECT_EQ(test, ft_percpu_sum(count), 1);
	synchronize_rcu();
	kfree(fd);
	free_percpu(count);
}

/* --- memory ----------------------------------------------------------------------- */

/* The figures of the memory goal (see the top of module/flowtable.c). */
static void ft_flow_size(struct kunit *test)
{
	kunit_info(test, "sizeof(struct sgfw_flow) %zu, cache object %u, buckets %u\n",
		   sizeof(struct sgfw_flow), sgfw_flowtable_cache_size(),
		   sgfw_flowtable_size());
	/* With its share of the buckets, at most 128 bytes a flow. */
	KUNIT_EXPECT_LE(test, sizeof(struct sgfw_flow), 112);
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_cache_size(),
			sizeof(struct sgfw_flow));
}

static int ft_case_init(struct kunit *test)
{
	ft_clock(jiffies);
	/* A case resizes the table itself, if at all. */
	sgfw_flowtable_resize_pause(true);
	return 0;
}

static void ft_case_exit(struct kunit *test)
{
	/* Whatever the case did, every chain's filter is exact. */
	KUNIT_EXPECT_EQ(test, sgfw_flowtable_filters_stale(), 0);
	sgfw_flowtable_clock_real();
	ft_devs_exit();
}

static int ft_suite_init(struct kunit_suite *suite)
{
	sgfw_flowtable_gc_pause(true);
	return 0;
}

static void ft_suite_exit(struct kunit_suite *suite)
{
	sgfw_flowtable_clock_real();
	sgfw_flowtable_gc_pause(false);
	sgfw_flowtable_resize_pause(false);
}

/*
 * A filter's fields, each alone and together: device, group and rule,
 * protocol, the opener's and the other side's address in a CIDR, ports
 * (tcp and udp only) and state.
 */
static void ft_filter_fields(struct kunit *test)
{
	struct sgfw_flow f = {
		.t = {
			.src.ip = htonl(0x0a000105),	/* 10.0.1.5 */
			.dst.ip = htonl(0xc0000202),	/* 192.0.2.2 */
			.sport = htons(40000),
			.dport = htons(22),
			.af = SGFW_AF_INET,
			.proto = IPPROTO_TCP,
		},
		.state = SGFW_FLOW_STATE_ESTABLISHED,
		.key = 3,
		.sg_id = 7,
		.rule_id = 4,
	};
	struct sgfw_flow_filter ff = { };

	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_IFINDEX, .key = 3 };
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.key = 2;
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));

	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_SG | SGFW_FF_RULE,
					.sg_id = 7, .rule_id = 4 };
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.rule_id = 5;
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));
	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_SG, .sg_id = 8 };
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));

	/* 10.0.1.0/24 holds the opener; 10.0.0.0/24 does not; nor ::/0. */
	ff = (struct sgfw_flow_filter){
		.fields = SGFW_FF_SRC,
		.src = { .addr.ip = htonl(0x0a000100), .af = SGFW_AF_INET,
			 .plen = 24 },
	};
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.src.addr.ip = htonl(0x0a000000);
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));
	ff.src = (struct sgfw_cidr){ .af = SGFW_AF_INET6, .plen = 0 };
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));
	/* dst: the other side's address, not the opener's. */
	ff = (struct sgfw_flow_filter){
		.fields = SGFW_FF_DST,
		.dst = { .addr.ip = htonl(0xc0000202), .af = SGFW_AF_INET,
			 .plen = 32 },
	};
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.dst.addr.ip = htonl(0x0a000105);
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));

	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_SPORT | SGFW_FF_DPORT,
					.sport = 40000, .dport = 22 };
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.dport = 23;
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));
	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_PROTO | SGFW_FF_STATE,
					.proto = IPPROTO_TCP,
					.state = SGFW_FLOW_STATE_ESTABLISHED };
	KUNIT_EXPECT_TRUE(test, sgfw_flow_filter_match(&ff, &f));
	ff.state = SGFW_FLOW_STATE_TIME_WAIT;
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));

	/* An icmp flow keeps its id in the ports: it has no port to match. */
	f.t.proto = IPPROTO_ICMP;
	ff = (struct sgfw_flow_filter){ .fields = SGFW_FF_SPORT, .sport = 40000 };
	KUNIT_EXPECT_FALSE(test, sgfw_flow_filter_match(&ff, &f));
}

static struct kunit_case sgfw_flowtable_cases[] = {
	KUNIT_CASE_PARAM(ft_insert_lookup_both_ways,
			 ft_tuple_cases_gen_params),
	KUNIT_CASE(ft_ipv4_unused_words_ignored),
	KUNIT_CASE(ft_hash_both_ways),
	KUNIT_CASE_PARAM(ft_lookup_miss, ft_miss_cases_gen_params),
	KUNIT_CASE(ft_create_existing),
	KUNIT_CASE(ft_chain_filter),
	KUNIT_CASE(ft_expiry_invisible_then_reaped),
	KUNIT_CASE(ft_expiry_deadline_pushed),
	KUNIT_CASE(ft_expiry_jiffies_wrap),
	KUNIT_CASE(ft_reaper_budget),
	KUNIT_CASE(ft_reaper_live_unassured),
	KUNIT_CASE(ft_reaper_worker_runs),
	KUNIT_CASE(ft_wheel),
	KUNIT_CASE(ft_wheel_idle_turns),
	KUNIT_CASE(ft_wheel_jiffies_wrap),
	KUNIT_CASE(ft_create_replaces_expired),
	KUNIT_CASE(ft_limit),
	KUNIT_CASE(ft_limit_lowered),
	KUNIT_CASE(ft_limit_expired_room),
	KUNIT_CASE(ft_evict_unassured),
	KUNIT_CASE(ft_evict_among_many),
	KUNIT_CASE(ft_chain_cap),
	KUNIT_CASE(ft_chain_cap_per_namespace),
	KUNIT_CASE(ft_line_slots_then_chain),
	KUNIT_CASE(ft_line_tag_collisions),
	KUNIT_CASE(ft_line_cap_reaps_slots),
	KUNIT_CASE(ft_flush_net),
	KUNIT_CASE(ft_flush_device),
	KUNIT_CASE(ft_remove_once),
	KUNIT_CASE_PARAM(ft_walk_resume, ft_walk_cases_gen_params),
	KUNIT_CASE(ft_walk_changing),
	KUNIT_CASE(ft_walk_whole_buckets),
	KUNIT_CASE(ft_count_exact),
	KUNIT_CASE(ft_concurrent_toggle),
	KUNIT_CASE(ft_resize_keeps_flows),
	KUNIT_CASE(ft_resize_walk_resumes),
	KUNIT_CASE(ft_resize_under_traffic),
	KUNIT_CASE(ft_resize_by_itself),
	KUNIT_CASE(ft_resize_slots_and_chain),
	KUNIT_CASE(ft_dev_keys),
	KUNIT_CASE(ft_flow_size),
	KUNIT_CASE(ft_filter_fields),
	{}
};

static struct kunit_suite sgfw_flowtable_suite = {
	.name = "sgfw_flowtable",
	.suite_init = ft_suite_init,
	.suite_exit = ft_suite_exit,
	.init = ft_case_init,
	.exit = ft_case_exit,
	.test_cases = sgfw_flowtable_cases,
};

kunit_test_suite(sgfw_flowtable_suite);
