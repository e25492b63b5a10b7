// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_config: the configuration of a namespace and how its
 * rulesets reach the data path (module/config.c).
 *
 * The cases work on a namespace of their own with a device of their own
 * (a real one, down, with no address), under the RTNL as the netlink
 * handlers do.
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/tcp.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/config.h"
#include "../../module/flowtable.h"
#include "../../module/hooks.h"
#include "../../module/netns.h"
#include "../../module/ruleset.h"
#include "sgfw_test.h"

#define CFG_DEV		"kt0"

/* The index of the case's device, CFG_DEV (cfg_net_new()). */
static int cfg_ifindex;

static struct sgfw_net *cfg_sn(struct net *net)
{
	return sgfw_pernet(net);
}

/* A namespace of the case's own, with a device CFG_DEV in it. */
static struct net *cfg_net_new(struct kunit *test)
{
	struct net *net = sgfw_test_net_new(test);

	cfg_ifindex = sgfw_test_netdev_new(test, net, CFG_DEV)->ifindex;
	return net;
}

/* A group @name with one ingress rule: all traffic from 0.0.0.0/0. */
static struct sgfw_sg *cfg_sg(struct kunit *test, struct sgfw_net *sn,
			      const char *name)
{
	struct sgfw_rule *r;
	struct sgfw_sg *sg;

	rtnl_lock();
	sg = sgfw_sg_new(sn, name, "");
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sg);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->id = sn->next_id++;
	r->dir = SGFW_DIRECTION_INGRESS;
	r->m = (struct sgfw_match){ .any_proto = true, .any_port = true,
				    .any_type = true, .any_code = true };
	r->peer_kind = SGFW_PEER_CIDR;
	r->cidr.af = SGFW_AF_INET;
	rtnl_lock();
	list_add_tail(&r->list, &sg->rules);
	rtnl_unlock();
	return sg;
}

/* Attach @sg to the case's device and publish. */
static void cfg_attach(struct kunit *test, struct sgfw_net *sn,
		       struct sgfw_sg *sg)
{
	struct sgfw_dev *sd;

	rtnl_lock();
	sd = sgfw_dev_get_or_create(sn, CFG_DEV);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sd);
	sd->sgs[sd->nsgs++] = sg;
	sg->attached++;
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
}

/* Detach every group of the case's device and publish. */
static void cfg_detach_all(struct kunit *test, struct sgfw_net *sn)
{
	struct sgfw_dev *sd;
	int i;

	rtnl_lock();
	sd = sgfw_dev_find(sn, CFG_DEV);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	for (i = 0; i < sd->nsgs; i++)
		sd->sgs[i]->attached--;
	sd->nsgs = 0;
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
}

/* A NACL @name with one rule allowing everything in from 0.0.0.0/0. */
static struct sgfw_nacl *cfg_nacl(struct kunit *test, struct sgfw_net *sn,
				  const char *name, u16 number)
{
	struct sgfw_nacl_rule *r;
	struct sgfw_nacl *nacl;

	nacl = kzalloc(sizeof(*nacl), GFP_KERNEL);
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nacl);
	KUNIT_ASSERT_NOT_NULL(test, r);
	strscpy(nacl->name, name, sizeof(nacl->name));
	INIT_LIST_HEAD(&nacl->rules);
	r->number = number;
	r->dir = SGFW_DIRECTION_INGRESS;
	r->m = (struct sgfw_match){ .any_proto = true, .any_port = true,
				    .any_type = true, .any_code = true };
	r->cidr.af = SGFW_AF_INET;
	r->ctr = alloc_percpu(struct sgfw_rule_ctr);
	KUNIT_ASSERT_NOT_NULL(test, r->ctr);
	list_add_tail(&r->list, &nacl->rules);
	rtnl_lock();
	list_add_tail(&nacl->list, &sn->cfg.nacls);
	sn->cfg.n_nacls++;
	rtnl_unlock();
	return nacl;
}

/* Give the case's device @nacl (or none) and publish. */
static void cfg_set_nacl(struct kunit *test, struct sgfw_net *sn,
			 struct sgfw_nacl *nacl)
{
	struct sgfw_dev *sd;

	rtnl_lock();
	sd = sgfw_dev_get_or_create(sn, CFG_DEV);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sd);
	sgfw_dev_set_nacl(sd, nacl);
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
}

/* --- publishing ---------------------------------------------------------- */

static struct sgfw_net *cfg_watched;
static atomic_t cfg_puts;

/*
 * Called with every ruleset sgfw_ruleset_put() retires: none may be one a
 * device of the watched namespace still publishes, or a reader who finds
 * it after the grace period began would not be covered by it.
 */
static void cfg_put_check(const struct sgfw_ruleset *rs)
{
	struct kunit *test = kunit_get_current_test();
	struct sgfw_net *sn = READ_ONCE(cfg_watched);
	struct sgfw_dev *sd;

	if (!test || !sn)
		return;
	atomic_inc(&cfg_puts);
	list_for_each_entry(sd, &sn->dev_list, list) {
		if (rcu_access_pointer(sd->rs) == rs)
			KUNIT_FAIL(test, "group ruleset freed while published");
		if (rcu_access_pointer(sd->nacl_rs) == rs)
			KUNIT_FAIL(test, "NACL ruleset freed while published");
	}
}

static void cfg_put_unwatch(void *arg)
{
	WRITE_ONCE(sgfw_ruleset_put_hook, NULL);
	WRITE_ONCE(cfg_watched, NULL);
}

/*
 * Every change that replaces a device's rulesets (a NACL attached,
 * changed, detached; groups attached and detached; the device forgotten)
 * unpublishes the old ruleset before it hands it to the grace period.
 */
static void cfg_publish_then_free(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_nacl *a, *b;
	struct sgfw_sg *sg;
	struct sgfw_dev *sd;

	WRITE_ONCE(cfg_watched, sn);
	atomic_set(&cfg_puts, 0);
	WRITE_ONCE(sgfw_ruleset_put_hook, cfg_put_check);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test,
							   cfg_put_unwatch,
							   NULL));
	a = cfg_nacl(test, sn, "a", 100);
	b = cfg_nacl(test, sn, "b", 200);
	sg = cfg_sg(test, sn, "web");

	cfg_set_nacl(test, sn, a);
	cfg_attach(test, sn, sg);	/* the NACL's ruleset is rebuilt */
	cfg_set_nacl(test, sn, NULL);
	cfg_set_nacl(test, sn, b);
	cfg_detach_all(test, sn);
	cfg_attach(test, sn, sg);
	rtnl_lock();
	sd = sgfw_dev_find(sn, CFG_DEV);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	sgfw_dev_remove(sn, sd, true);
	rtnl_unlock();
	/* Every one of those retired rulesets went through the check. */
	KUNIT_EXPECT_GE(test, atomic_read(&cfg_puts), 8);
}

/* --- flows of a device that stops being filtered --------------------------- */

struct cfg_reader {
	struct net *net;
	struct completion has_rs;
	struct completion done;
	bool committed;		/* the case's commit has returned */
	bool commit_began;	/* ...has been called */
	bool saw_commit_begin;	/* the reader saw it while in its section */
	int err;
};

/*
 * A UDP flow 10.0.0.1:1234 -> 10.0.0.2:53 of the device of configuration
 * @sd, as the hook records one.  Context: RCU.
 */
static struct sgfw_flow *cfg_udp_flow_create(const struct sgfw_dev *sd)
{
	struct sgfw_tuple t = {
		.af = SGFW_AF_INET, .proto = IPPROTO_UDP,
		.src = { .ip = htonl(0x0a000001) }, .sport = htons(1234),
		.dst = { .ip = htonl(0x0a000002) }, .dport = htons(53),
	};
	struct sgfw_flow_init init = {
		.state = SGFW_FLOW_STATE_UDP_SINGLE,
		.timeout = 30 * HZ,
		.len = 60,
	};

	return sgfw_flow_create(&sd->fd, &t, sgfw_flow_hash(sd->fd.key, &t),
				&init);
}

/*
 * A packet in the hook, in a preemptible kernel: it found the device's
 * ruleset and, a rule having allowed it, is about to record its flow when
 * it is preempted.  It records the flow when the commit that unfiltered
 * the device has returned, or after a fifth of a second.
 */
static int cfg_reader_fn(void *arg)
{
	struct cfg_reader *rd = arg;
	struct sgfw_net *sn = cfg_sn(rd->net);
	unsigned long until = jiffies + HZ / 5;
	struct sgfw_dev *sd;
	struct sgfw_flow *f;

	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	if (!sd || !rcu_dereference(sd->rs)) {
		rd->err = -ENOENT;
		rcu_read_unlock();
		complete(&rd->has_rs);
		complete(&rd->done);
		return 0;
	}
	complete(&rd->has_rs);
	/*
	 * Spin, where the kernel may preempt us: UML preempts only at such
	 * points (preempt_enable()), x86 anywhere.
	 */
	while (!READ_ONCE(rd->committed) && time_before(jiffies, until)) {
		preempt_disable();
		cpu_relax();
		preempt_enable();
	}
	WRITE_ONCE(rd->saw_commit_begin, READ_ONCE(rd->commit_began));
	f = cfg_udp_flow_create(sd);
	rd->err = PTR_ERR_OR_ZERO(f);
	rcu_read_unlock();
	complete(&rd->done);
	return 0;
}

/*
 * A device that loses its last group loses its flows, also the one a
 * packet records after it found the old ruleset: the flush comes after a
 * grace period, so after that packet.
 */
static void cfg_flush_after_readers(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct task_struct *task;
	struct cfg_reader *rd;

	KUNIT_ASSERT_TRUE_MSG(test, IS_ENABLED(CONFIG_PREEMPT_RCU),
			      "a reader preempted in its section needs a preemptible kernel");
	rd = kunit_kzalloc(test, sizeof(*rd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rd);
	rd->net = net;
	init_completion(&rd->has_rs);
	init_completion(&rd->done);
	cfg_attach(test, sn, cfg_sg(test, sn, "web"));

	task = kthread_run(cfg_reader_fn, rd, "sgfw-cfg-reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	wait_for_completion(&rd->has_rs);
	WRITE_ONCE(rd->commit_began, true);
	cfg_detach_all(test, sn);
	WRITE_ONCE(rd->committed, true);
	wait_for_completion(&rd->done);

	KUNIT_ASSERT_EQ(test, rd->err, 0);
	/* The race was run: the commit began while the packet was inside. */
	KUNIT_EXPECT_TRUE(test, rd->saw_commit_begin);
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);
}

/* --- counters --------------------------------------------------------------- */

/*
 * The per-CPU counters of devices and NACL rules are written from process
 * context too (LOCAL_OUT), by a task that may be preempted: on an SMP
 * kernel with DEBUG_PREEMPT, finding this CPU's counters with preemption
 * on is reported; and no count is lost.
 */
static void cfg_counters_from_process_context(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_rule_ctr __percpu *ctr;
	static const u64 audited[SGFW_COUNT_NUM] = { 34, 0, 33, 0, 33, 0 };
	u64 c[SGFW_COUNT_NUM], a[SGFW_COUNT_NUM], packets, bytes;
	struct sgfw_dev *sd;
	int i;

	rtnl_lock();
	sd = sgfw_dev_get_or_create(sn, CFG_DEV);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sd);
	ctr = alloc_percpu(struct sgfw_rule_ctr);
	KUNIT_ASSERT_NOT_NULL(test, ctr);
	KUNIT_ASSERT_TRUE(test, preemptible() || !IS_ENABLED(CONFIG_PREEMPTION));

	for (i = 0; i < 1000; i++) {
		sgfw_dev_count(sd, i % SGFW_COUNT_NUM, false);
		/* Audit mode's counts are apart: one in ten of them here. */
		if (!(i % 10))
			sgfw_dev_count(sd, i % SGFW_COUNT_NUM, true);
		sgfw_rule_ctr_add(ctr, 10);
		if (!(i % 100))
			cond_resched();
	}
	sgfw_dev_stats_read(sd, c, a);
	for (i = 0; i < SGFW_COUNT_NUM; i++) {
		KUNIT_EXPECT_EQ(test, c[i], 1000 / SGFW_COUNT_NUM +
				(i < 1000 % SGFW_COUNT_NUM));
		/* i = 10m, m < 100: 10m % 6 is 0, 4, 2 as m % 3 is 0, 1, 2. */
		KUNIT_EXPECT_EQ(test, a[i], audited[i]);
	}
	sgfw_rule_ctr_read(ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 1000);
	KUNIT_EXPECT_EQ(test, bytes, 10000);
	free_percpu(ctr);
}

/*
 * A group's rule counts the flows it opens and when it last opened one:
 * the latest time of any CPU, and how long ago that is.
 */
static void cfg_rule_counts_flows(struct kunit *test)
{
	struct sgfw_rule_ctr __percpu *ctr = sgfw_rule_ctr_alloc();
	unsigned long ago = 1;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ctr);
	KUNIT_EXPECT_EQ(test, sgfw_rule_ctr_flows(ctr, 2000, &ago), 0);
	KUNIT_EXPECT_EQ(test, ago, 0);
	for (i = 0; i < 4; i++)
		sgfw_rule_ctr_flow(ctr, 1000 + 100 * i);
	KUNIT_EXPECT_EQ(test, sgfw_rule_ctr_flows(ctr, 2000, &ago), 4);
	KUNIT_EXPECT_EQ(test, ago, 700);
	/* Packets are a NACL rule's: a flow count leaves them alone. */
	sgfw_rule_ctr_add(ctr, 10);
	KUNIT_EXPECT_EQ(test, sgfw_rule_ctr_flows(ctr, 1300, &ago), 4);
	KUNIT_EXPECT_EQ(test, ago, 0);
	free_percpu(ctr);
}

/* --- limits ------------------------------------------------------------------ */

static struct sgfw_rule *cfg_rule(struct kunit *test, struct sgfw_net *sn,
				  enum sgfw_direction dir, struct sgfw_pl *pl)
{
	struct sgfw_rule *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->id = sn->next_id++;
	r->dir = dir;
	r->m = (struct sgfw_match){ .any_proto = true, .any_port = true,
				    .any_type = true, .any_code = true };
	if (pl) {
		r->peer_kind = SGFW_PEER_PL;
		r->peer_pl = pl;
	} else {
		r->peer_kind = SGFW_PEER_CIDR;
		r->cidr.af = SGFW_AF_INET6;
	}
	return r;
}

/* Take @r into @sg as the rule handler does: limits, then the lists. */
static int cfg_rule_add(struct sgfw_net *sn, struct sgfw_sg *sg,
			struct sgfw_rule *r)
{
	struct sgfw_rule *copy;
	int err;

	rtnl_lock();
	err = sgfw_sg_group_limits(sg, r, NULL);
	if (!err) {
		copy = kmemdup(r, sizeof(*r), GFP_KERNEL);
		if (copy) {
			list_add_tail(&copy->list, &sg->rules);
			sgfw_rule_peer_hold(copy, true);
		} else {
			err = -ENOMEM;
		}
	}
	rtnl_unlock();
	return err;
}

/* A group whose own rules name it can be deleted; another's cannot. */
static void cfg_sg_self_reference(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *a = cfg_sg(test, sn, "a"), *b = cfg_sg(test, sn, "b");
	struct sgfw_rule *r = cfg_rule(test, sn, SGFW_DIRECTION_INGRESS, NULL);

	r->peer_kind = SGFW_PEER_SG;
	r->peer_sg = a;
	KUNIT_ASSERT_EQ(test, cfg_rule_add(sn, a, r), 0);
	KUNIT_EXPECT_TRUE(test, sgfw_sg_deletable(a));
	r = cfg_rule(test, sn, SGFW_DIRECTION_INGRESS, NULL);
	r->peer_kind = SGFW_PEER_SG;
	r->peer_sg = a;
	KUNIT_ASSERT_EQ(test, cfg_rule_add(sn, b, r), 0);
	KUNIT_EXPECT_FALSE(test, sgfw_sg_deletable(a));
	KUNIT_EXPECT_TRUE(test, sgfw_sg_deletable(b));
	rtnl_lock();
	sgfw_sg_free(sn, b);
	KUNIT_EXPECT_TRUE(test, sgfw_sg_deletable(a));
	sgfw_sg_free(sn, a);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, sn->cfg.n_sgs, 0);
}

/* A namespace holds at most SGFW_MAX_SGS groups. */
static void cfg_sg_cap(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	char name[16];
	struct sgfw_sg *sg;
	int i;

	rtnl_lock();
	for (i = 0; i < SGFW_MAX_SGS; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		sg = sgfw_sg_new(sn, name, "");
		if (IS_ERR(sg))
			break;
	}
	KUNIT_EXPECT_EQ(test, i, SGFW_MAX_SGS);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_sg_new(sn, "one-more", "")),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_sg_new(sn, "g7", "")), -ENOSPC);
	rtnl_unlock();
}

/*
 * A group peer is a sorted set of host addresses: a packet from any of
 * them matches, from none of the others; the set is bounded, and shared
 * by the rulesets of every device; devices alike share one ruleset.
 */
static void cfg_sg_peer_hosts(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *web = cfg_sg(test, sn, "web"), *peers;
	struct sgfw_rule *r = cfg_rule(test, sn, SGFW_DIRECTION_INGRESS, NULL);
	const struct sgfw_ruleset *rs, *rs2, *rs3;
	struct sgfw_rule *tmp;
	struct sgfw_cidr *m;
	const struct sgfw_cidr *a, *b;
	struct sgfw_pkt p = {};
	struct sgfw_dev *sd, *sd2, *sd3;
	unsigned int i, n = SGFW_MAX_SG_PEER_ADDRS;

	peers = cfg_sg(test, sn, "peers");
	m = kcalloc(n, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	/* Added in a scrambled order: the set is sorted when built. */
	for (i = 0; i < n; i++) {
		m[i].af = SGFW_AF_INET;
		m[i].plen = 32;
		m[i].addr.ip = htonl(0x0a000000 + ((i * 7919) % n) * 4 + 1);
	}
	rtnl_lock();
	KUNIT_ASSERT_EQ(test, sgfw_cidr_set_add(&peers->members, m, n,
						SGFW_MAX_MEMBERS), 0);
	rtnl_unlock();
	kfree(m);
	r->peer_kind = SGFW_PEER_SG;
	r->peer_sg = peers;
	KUNIT_ASSERT_EQ(test, cfg_rule_add(sn, web, r), 0);
	/* Only the group peer's rule: drop the all-open one of cfg_sg(). */
	rtnl_lock();
	list_for_each_entry_safe(r, tmp, &web->rules, list)
		if (r->dir == SGFW_DIRECTION_INGRESS &&
		    r->peer_kind == SGFW_PEER_CIDR)
			sgfw_rule_free(r);
	rtnl_unlock();
	cfg_attach(test, sn, web);

	p.t.af = SGFW_AF_INET;
	p.t.proto = IPPROTO_UDP;
	p.t.dst.ip = htonl(0xc0000201);
	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	rs = rcu_dereference(sd->rs);
	for (i = 0; i < 4 * n + 8; i++) {
		p.t.src.ip = htonl(0x0a000000 + i);
		KUNIT_EXPECT_EQ_MSG(test,
				    !!sgfw_ruleset_match(rs,
							 SGFW_DIRECTION_INGRESS,
							 &p),
				    i % 4 == 1 && i < 4 * n, "10.0.%u.%u",
				    i >> 8, i & 255);
	}
	rcu_read_unlock();

	/*
	 * A second device with the group and another UDP timeout: a ruleset
	 * of its own, which holds the very set the first one does, made
	 * once by the commit, not a copy.  A third one alike the first in
	 * all gets the first one's ruleset itself.
	 */
	rtnl_lock();
	sd2 = sgfw_dev_get_or_create(sn, "kt1");
	sd3 = IS_ERR(sd2) ? sd2 : sgfw_dev_get_or_create(sn, "kt2");
	if (!IS_ERR(sd3)) {
		sd2->sgs[sd2->nsgs++] = web;
		sd2->to.udp = 60;
		sd3->sgs[sd3->nsgs++] = web;
		web->attached += 2;
		KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
		sd = sgfw_dev_find(sn, CFG_DEV);
		rs = rtnl_dereference(sd->rs);
		rs2 = rtnl_dereference(sd2->rs);
		rs3 = rtnl_dereference(sd3->rs);
		KUNIT_EXPECT_PTR_NE(test, rs, rs2);
		KUNIT_EXPECT_PTR_EQ(test, rs, rs3);
		a = sgfw_ruleset_rule_peers(rs, SGFW_AF_INET,
					    SGFW_DIRECTION_INGRESS, 0);
		b = sgfw_ruleset_rule_peers(rs2, SGFW_AF_INET,
					    SGFW_DIRECTION_INGRESS, 0);
		KUNIT_EXPECT_NOT_NULL(test, a);
		KUNIT_EXPECT_PTR_EQ(test, a, b);
		/* Apart again: the third keeps its own reference. */
		sd->to.udp = 90;
		KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
		rs = rtnl_dereference(sd->rs);
		KUNIT_EXPECT_PTR_NE(test, rs, rtnl_dereference(sd3->rs));
	}
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, IS_ERR(sd3));
	p.t.src.ip = htonl(0x0a000001);
	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	KUNIT_EXPECT_NOT_NULL(test, sgfw_ruleset_match(rcu_dereference(sd->rs),
						       SGFW_DIRECTION_INGRESS,
						       &p));
	rcu_read_unlock();
}

/* A 60-byte packet of @proto from 10.0.0.1:40000 to 192.0.2.1:@dport. */
static struct sgfw_pkt cfg_pkt4(u8 proto, u16 dport)
{
	struct sgfw_pkt p = {};

	p.t.af = SGFW_AF_INET;
	p.t.proto = proto;
	p.t.src.ip = htonl(0x0a000001);
	p.t.dst.ip = htonl(0xc0000201);
	p.t.sport = htons(40000);
	p.t.dport = htons(dport);
	p.len = 60;
	return p;
}

/* Judge @p coming in on the case's device, for real. */
static enum sgfw_verdict cfg_judge_in(struct sgfw_net *sn,
				      const struct sgfw_pkt *p,
				      struct sgfw_judgement *j)
{
	struct sgfw_dev *sd;

	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, p, false, j);
	rcu_read_unlock();
	return j->verdict;
}

/*
 * The opener's SYN on a flow in time-wait or close is a new connection:
 * once the rule that admitted the old one is gone it is refused, and the
 * flow stays as it was; with a rule again it reopens the flow, which then
 * names that rule.  The peer's packets of an open flow need no rule.
 */
static void cfg_judge_reopen(struct kunit *test)
{
	static const u8 ended[] = { SGFW_FLOW_STATE_TIME_WAIT,
				    SGFW_FLOW_STATE_CLOSE };
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *web = cfg_sg(test, sn, "web");
	struct sgfw_rule *r, *tmp;
	struct sgfw_judgement j;
	struct sgfw_flow *flow;
	struct sgfw_pkt p;
	struct sgfw_dev *sd;
	unsigned int i;
	u32 id;

	cfg_attach(test, sn, web);
	rtnl_lock();
	sd = sgfw_dev_find(sn, CFG_DEV);
	sd->tracking = SGFW_TRACKING_ALWAYS;
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
	p = cfg_pkt4(IPPROTO_TCP, 22);
	p.tcp_flags = TCPHDR_SYN;
	p.tcp_wscale = SGFW_TCP_WSCALE_NONE;
	p.tcp_seq = 1000;
	KUNIT_ASSERT_EQ(test, cfg_judge_in(sn, &p, &j), SGFW_VERDICT_ACCEPTED);
	flow = (struct sgfw_flow *)j.flow;	/* its state is set below */
	KUNIT_ASSERT_NOT_NULL(test, flow);
	id = flow->rule_id;

	/* The group loses its rule: the flow's state alone lets packets in. */
	rtnl_lock();
	list_for_each_entry_safe(r, tmp, &web->rules, list)
		sgfw_rule_free(r);
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, cfg_judge_in(sn, &p, &j), SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_PTR_EQ(test, j.flow, flow);

	for (i = 0; i < ARRAY_SIZE(ended); i++) {
		WRITE_ONCE(flow->state, ended[i]);
		p.tcp_seq += 100000;
		KUNIT_EXPECT_EQ_MSG(test, cfg_judge_in(sn, &p, &j),
				    SGFW_VERDICT_NO_RULE, "state %u",
				    ended[i]);
		KUNIT_EXPECT_NULL(test, j.rule);
		KUNIT_EXPECT_EQ(test, flow->state, ended[i]);
	}

	/* A rule again, another one: the SYN reopens the flow under it. */
	r = cfg_rule(test, sn, SGFW_DIRECTION_INGRESS, NULL);
	r->cidr.af = SGFW_AF_INET;
	KUNIT_ASSERT_NE(test, r->id, id);
	KUNIT_ASSERT_EQ(test, cfg_rule_add(sn, web, r), 0);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, cfg_judge_in(sn, &p, &j), SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_PTR_EQ(test, j.flow, flow);
	KUNIT_EXPECT_EQ(test, flow->state, SGFW_FLOW_STATE_SYN_SENT);
	KUNIT_EXPECT_EQ(test, flow->rule_id, r->id);
	KUNIT_EXPECT_EQ(test, flow->sg_id, web->id);
}

/*
 * Devices alike (groups in order, timeouts, tracking) are found in linear
 * time, each pointing at the first of its kind; a device of no group is
 * its own; and two devices of one NACL get one NACL ruleset per commit.
 */
static void cfg_build_dedup(struct kunit *test)
{
	enum { N = SGFW_MAX_DEVS };
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *sgs[3] = { (void *)0x10, (void *)0x20, (void *)0x30 };
	struct sgfw_sg *rev[3] = { sgs[1], sgs[0], sgs[2] };
	struct sgfw_timeouts to[3] = { { .udp = 30 }, { .udp = 31 },
				       { .udp = 31 } };
	struct sgfw_build_in *in;
	struct sgfw_nacl *nacl;
	struct sgfw_dev *sd, *sd2;
	u32 *first, i;

	in = kunit_kcalloc(test, N, sizeof(*in), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, in);
	/*
	 * Device i is of kind i % 6: the groups, the groups in another order,
	 * fewer groups, other tracking, other timeouts (two copies of the
	 * same values), no group.
	 */
	for (i = 0; i < N; i++) {
		in[i].to = &to[0];
		in[i].nsgs = 3;
		in[i].sgs = sgs;
		switch (i % 6) {
		case 1:
			in[i].sgs = rev;
			break;
		case 2:
			in[i].nsgs = 2;
			break;
		case 3:
			in[i].tracking = SGFW_TRACKING_ALWAYS;
			break;
		case 4:
			in[i].to = &to[1 + i / 6 % 2];
			break;
		case 5:
			in[i].nsgs = 0;
			break;
		}
	}
	first = sgfw_build_dedup(in, N);
	KUNIT_ASSERT_NOT_NULL(test, first);
	for (i = 0; i < N; i++) {
		u32 want = i % 6 == 5 ? i : i % 6;

		if (first[i] != want) {
			KUNIT_FAIL(test, "device %u: first alike %u, not %u", i,
				   first[i], want);
			break;
		}
	}
	kvfree(first);
	first = sgfw_build_dedup(in, 0);
	KUNIT_EXPECT_NOT_NULL(test, first);
	kvfree(first);

	nacl = cfg_nacl(test, sn, "edge", 100);
	cfg_set_nacl(test, sn, nacl);
	rtnl_lock();
	sd = sgfw_dev_find(sn, CFG_DEV);
	sd2 = sgfw_dev_get_or_create(sn, "kt1");
	if (!IS_ERR(sd2)) {
		sgfw_dev_set_nacl(sd2, nacl);
		KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
		KUNIT_EXPECT_NOT_NULL(test, rtnl_dereference(sd->nacl_rs));
		KUNIT_EXPECT_PTR_EQ(test, rtnl_dereference(sd->nacl_rs),
				    rtnl_dereference(sd2->nacl_rs));
		KUNIT_EXPECT_NULL(test, nacl->built);
	}
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, IS_ERR(sd2));
}

/*
 * sgfw_judge() dry, as explain runs it, says what the data path would do
 * and changes nothing: no flow, no counter; then the same packet judged
 * for real opens the flow the dry run named, and a dry run sees it.
 */
static void cfg_judge_dry(struct kunit *test)
{
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *web = cfg_sg(test, sn, "web");
	struct sgfw_nacl *nacl = cfg_nacl(test, sn, "edge", 100);
	struct sgfw_nacl_rule *nr = list_first_entry(&nacl->rules,
						     struct sgfw_nacl_rule,
						     list);
	struct sgfw_judgement j;
	struct sgfw_pkt p;
	struct sgfw_dev *sd;
	u64 packets, bytes;

	cfg_attach(test, sn, web);
	cfg_set_nacl(test, sn, nacl);
	p = cfg_pkt4(IPPROTO_TCP, 22);
	p.tcp_flags = TCPHDR_SYN;
	p.tcp_wscale = SGFW_TCP_WSCALE_NONE;
	p.tcp_seq = 1000;

	/* All open both ways, tracking auto: a flow of the untracked kind. */
	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, true, &j);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_TRUE(test, j.nacl_asked);
	KUNIT_ASSERT_NOT_NULL(test, j.nacl_rule);
	KUNIT_EXPECT_EQ(test, j.nacl_rule->rule_id, 100);
	KUNIT_ASSERT_NOT_NULL(test, j.rule);
	KUNIT_EXPECT_EQ(test, j.rule->sg_id, web->id);
	KUNIT_EXPECT_EQ(test, j.track, SGFW_TRACK_UNTRACKED);
	KUNIT_EXPECT_NULL(test, j.flow);

	rtnl_lock();
	sd->tracking = SGFW_TRACKING_ALWAYS;
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	rtnl_unlock();
	rcu_read_lock();
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, true, &j);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, j.track, SGFW_TRACK_TRACKED);
	KUNIT_EXPECT_GT(test, j.timeout, 0);
	KUNIT_EXPECT_NULL(test, j.flow);
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);
	sgfw_rule_ctr_read(nr->ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 0);

	/* For real: the flow opens and the NACL rule counts the packet. */
	rcu_read_lock();
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, false, &j);
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_NOT_NULL(test, j.flow);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 1);
	sgfw_rule_ctr_read(nr->ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 1);

	/* Dry again: the flow carries a retransmitted SYN; nothing moves. */
	rcu_read_lock();
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, true, &j);
	KUNIT_EXPECT_NOT_NULL(test, j.flow);
	if (j.flow)
		KUNIT_EXPECT_EQ(test, atomic64_read(&j.flow->packets), 1);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_ACCEPTED);

	/* An RST of no flow: a rule allows it, it opens nothing. */
	p.t.sport = htons(40001);
	p.tcp_flags = TCPHDR_RST | TCPHDR_ACK;
	rcu_read_lock();
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, true, &j);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_EQ(test, j.track, SGFW_TRACK_NONE);
	KUNIT_EXPECT_NULL(test, j.flow);

	/* From IPv6, which neither the NACL nor the group allows in. */
	p.t.af = SGFW_AF_INET6;
	p.tcp_flags = TCPHDR_SYN;
	rcu_read_lock();
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, true, &j);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_NACL);
	KUNIT_EXPECT_TRUE(test, j.nacl_asked);
	KUNIT_EXPECT_NULL(test, j.nacl_rule);
	sgfw_rule_ctr_read(nr->ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 1);
}

/*
 * A packet counts as its flow's only on its side: the opener's in the
 * direction that opened the flow, the replies in the other.  On the wrong
 * side the same packet is no packet of the flow: the rules judge it.
 */
static void cfg_judge_side(struct kunit *test)
{
	static const struct {
		enum sgfw_direction dir;
		bool reply, flow;
	} cases[] = {
		{ SGFW_DIRECTION_INGRESS, false, true },
		{ SGFW_DIRECTION_EGRESS, true, true },
		{ SGFW_DIRECTION_EGRESS, false, false },
		{ SGFW_DIRECTION_INGRESS, true, false },
	};
	struct net *net = cfg_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *web = cfg_sg(test, sn, "web");
	struct sgfw_judgement j;
	struct sgfw_pkt p, r;
	struct sgfw_dev *sd;
	int i, err;

	cfg_attach(test, sn, web);
	rtnl_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	if (sd)
		sd->tracking = SGFW_TRACKING_ALWAYS;
	err = sgfw_config_commit(sn);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_NULL(test, sd);
	KUNIT_EXPECT_EQ(test, err, 0);

	p = cfg_pkt4(IPPROTO_UDP, 53);
	rcu_read_lock();
	sd = xa_load(&sn->devs, cfg_ifindex);
	sgfw_judge(sn, sd, SGFW_DIRECTION_INGRESS, &p, false, &j);
	KUNIT_EXPECT_EQ(test, j.verdict, SGFW_VERDICT_ACCEPTED);
	KUNIT_EXPECT_NOT_NULL(test, j.flow);
	rcu_read_unlock();

	r = p;
	r.t.src = p.t.dst;
	r.t.dst = p.t.src;
	r.t.sport = p.t.dport;
	r.t.dport = p.t.sport;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct sgfw_pkt *q = &p;

		if (cases[i].reply)
			q = &r;
		rcu_read_lock();
		sd = xa_load(&sn->devs, cfg_ifindex);
		sgfw_judge(sn, sd, cases[i].dir, q, true, &j);
		KUNIT_EXPECT_EQ_MSG(test, !!j.flow, cases[i].flow, "case %d",
				    i);
		KUNIT_EXPECT_EQ_MSG(test, !j.rule, cases[i].flow, "case %d",
				    i);
		rcu_read_unlock();
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 1);
}

/* --- devices bound by name --------------------------------------------- */

/* The configuration the data path finds for @ifindex, under the RTNL. */
static struct sgfw_dev *cfg_bound(struct sgfw_net *sn, int ifindex)
{
	return xa_load(&sn->devs, ifindex);
}

/* One UDP flow of the device @ifindex. */
static void cfg_flow(struct kunit *test, struct net *net, int ifindex)
{
	struct sgfw_dev *sd;
	struct sgfw_flow *f;

	rcu_read_lock();
	sd = xa_load(&cfg_sn(net)->devs, ifindex);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	f = cfg_udp_flow_create(sd);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(f));
}

/*
 * A configuration is bound to a device name: it waits while no device has
 * the name; the device registered under it, or renamed to it, has it
 * (published, with its ruleset, by the time the notifier returns); the
 * device renamed away or unregistered loses it and its flows, and the
 * name's configuration waits again.  Loopback is never bound.
 */
static void cfg_dev_bound_by_name(struct kunit *test)
{
	struct net *net = sgfw_test_net_new(test);
	struct sgfw_net *sn = cfg_sn(net);
	struct sgfw_sg *web = cfg_sg(test, sn, "web");
	struct net_device *dev, *lo;
	struct sgfw_dev *sd;
	int err;

	rtnl_lock();
	sd = sgfw_dev_get_or_create(sn, "kt1");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sd);
	sd->sgs[sd->nsgs++] = web;
	web->attached++;
	KUNIT_EXPECT_EQ(test, sgfw_config_commit(sn), 0);
	/* Waiting: built, not published. */
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, 0);
	KUNIT_EXPECT_NOT_NULL(test, rtnl_dereference(sd->rs));
	KUNIT_EXPECT_TRUE(test, xa_empty(&sn->devs));
	rtnl_unlock();

	dev = sgfw_test_netdev_new(test, net, "kt1");
	rtnl_lock();
	KUNIT_EXPECT_PTR_EQ(test, cfg_bound(sn, dev->ifindex), sd);
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, dev->ifindex);
	rtnl_unlock();

	/* Renamed away: the flows go, the name waits. */
	cfg_flow(test, net, dev->ifindex);
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 1);
	rtnl_lock();
	err = dev_change_name(dev, "kt2");
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_NULL(test, cfg_bound(sn, dev->ifindex));
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, 0);
	KUNIT_EXPECT_PTR_EQ(test, sgfw_dev_find(sn, "kt1"), sd);
	KUNIT_EXPECT_NULL(test, sgfw_dev_find(sn, "kt2"));
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);

	/* Renamed back: bound again. */
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, dev_change_name(dev, "kt1"), 0);
	KUNIT_EXPECT_PTR_EQ(test, cfg_bound(sn, dev->ifindex), sd);
	rtnl_unlock();

	/* Unregistered: the name waits, with its groups. */
	cfg_flow(test, net, dev->ifindex);
	rtnl_lock();
	sgfw_test_netdev_unregister(test, dev);
	KUNIT_EXPECT_TRUE(test, xa_empty(&sn->devs));
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, 0);
	KUNIT_EXPECT_PTR_EQ(test, sgfw_dev_find(sn, "kt1"), sd);
	KUNIT_EXPECT_EQ(test, sd->nsgs, 1);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);

	/* A device that comes back under the name has it again. */
	dev = sgfw_test_netdev_new(test, net, "kt1");
	rtnl_lock();
	KUNIT_EXPECT_PTR_EQ(test, cfg_bound(sn, dev->ifindex), sd);
	KUNIT_EXPECT_NOT_NULL(test, rtnl_dereference(sd->rs));

	/* Loopback never is. */
	lo = __dev_get_by_name(net, "lo");
	KUNIT_ASSERT_NOT_NULL(test, lo);
	sd = sgfw_dev_get_or_create(sn, "lo");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sd);
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, 0);
	KUNIT_EXPECT_NULL(test, cfg_bound(sn, lo->ifindex));
	sgfw_dev_remove(sn, sd, false);
	rtnl_unlock();
}

static struct kunit_case sgfw_config_cases[] = {
	KUNIT_CASE(cfg_publish_then_free),
	KUNIT_CASE(cfg_flush_after_readers),
	KUNIT_CASE(cfg_counters_from_process_context),
	KUNIT_CASE(cfg_rule_counts_flows),
	KUNIT_CASE(cfg_sg_self_reference),
	KUNIT_CASE(cfg_sg_cap),
	KUNIT_CASE(cfg_sg_peer_hosts),
	KUNIT_CASE(cfg_build_dedup),
	KUNIT_CASE(cfg_judge_reopen),
	KUNIT_CASE(cfg_judge_dry),
	KUNIT_CASE(cfg_judge_side),
	KUNIT_CASE(cfg_dev_bound_by_name),
	{}
};

static struct kunit_suite sgfw_config_suite = {
	.name = "sgfw_config",
	.test_cases = sgfw_config_cases,
};

kunit_test_suite(sgfw_config_suite);
