// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_txn: transactions (module/txn.c).  A candidate is built
 * with the calls netlink.c makes, committed under the RTNL, and the
 * running configuration checked: what it holds, the ids it keeps, the
 * ruleset the data path sees, and that a refused or failed transaction
 * changes nothing.  As sgfw_config, on a namespace of its own with a
 * device of its own (a real one, down, with no address).
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/config.h"
#include "../../module/netns.h"
#include "../../module/flowtable.h"
#include "../../module/port.h"
#include "../../module/ruleset.h"
#include "../../module/txn.h"
#include "sgfw_test.h"

#define TXN_DEV		"kt0"

/* The index of the case's device, TXN_DEV (txn_net_new()). */
static int txn_ifindex;

/* A namespace of the case's own, with a device TXN_DEV in it. */
static struct sgfw_net *txn_net_new(struct kunit *test)
{
	struct net *net = sgfw_test_net_new(test);

	txn_ifindex = sgfw_test_netdev_new(test, net, TXN_DEV)->ifindex;
	return sgfw_pernet(net);
}

static void txn_destroy_action(void *arg)
{
	sgfw_txn_destroy(arg);
}

/* A new, empty transaction, freed with the case unless committed away. */
static struct sgfw_txn *txn_new(struct kunit *test)
{
	struct sgfw_txn *txn = sgfw_txn_new(1);

	KUNIT_ASSERT_NOT_NULL(test, txn);
	return txn;
}

/* An ingress tcp rule for @port from 10.0.0.0/8. */
static struct sgfw_rule *txn_rule(struct kunit *test, u16 port)
{
	struct sgfw_rule *r = kzalloc(sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->dir = SGFW_DIRECTION_INGRESS;
	r->m = (struct sgfw_match){ .proto = IPPROTO_TCP, .port_from = port,
				    .port_to = port, .any_type = true,
				    .any_code = true };
	r->peer_kind = SGFW_PEER_CIDR;
	r->cidr.af = SGFW_AF_INET;
	r->cidr.addr.ip = htonl(0x0a000000);
	r->cidr.plen = 8;
	return r;
}

/* Group @name with a rule for each port of @ports (0-ended). */
static struct sgfw_sg *txn_sg(struct kunit *test, struct sgfw_txn *txn,
			      const char *name, const u16 *ports)
{
	struct sgfw_sg *sg = sgfw_txn_add_sg(txn, name, "", NULL, 0, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sg);
	for (; *ports; ports++)
		KUNIT_ASSERT_EQ(test, sgfw_txn_add_sg_rule(txn, sg,
							   txn_rule(test, *ports),
							   NULL), 0);
	return sg;
}

/* The device gets @sgs (@n of them) and @nacl. */
static void txn_dev(struct kunit *test, struct sgfw_txn *txn,
		    struct sgfw_sg **sgs, int n, struct sgfw_nacl *nacl)
{
	struct sgfw_txn_dev td = {
		.name = TXN_DEV,
		.to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF,
		.to.udp = SGFW_UDP_TIMEOUT_DEF,
		.to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF,
		.nacl = nacl,
	};
	int i;

	for (i = 0; i < n; i++)
		td.sgs[td.nsgs++] = sgs[i];
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL), 0);
}

static int txn_commit(struct sgfw_net *sn, struct sgfw_txn *txn)
{
	int err;

	rtnl_lock();
	err = sgfw_txn_commit(sn, txn);
	rtnl_unlock();
	return err;
}

/* Does the device's ruleset let tcp from @src to @port in? */
static bool txn_allows_tcp(struct sgfw_net *sn, u32 src, u16 port)
{
	const struct sgfw_ruleset *rs;
	struct sgfw_pkt p = {};
	struct sgfw_dev *sd;
	bool ok = false;

	p.t.af = SGFW_AF_INET;
	p.t.proto = IPPROTO_TCP;
	p.t.src.ip = htonl(src);
	p.t.dst.ip = htonl(0xc0000201);
	p.t.sport = htons(40000);
	p.t.dport = htons(port);
	rcu_read_lock();
	sd = xa_load(&sn->devs, txn_ifindex);
	rs = sd ? rcu_dereference(sd->rs) : NULL;
	if (rs)
		ok = sgfw_ruleset_match(rs, SGFW_DIRECTION_INGRESS, &p);
	rcu_read_unlock();
	return ok;
}

/* ... from 10.1.2.3. */
static bool txn_allows(struct sgfw_net *sn, u16 port)
{
	return txn_allows_tcp(sn, 0x0a010203, port);
}

static u32 txn_rule_id(struct sgfw_net *sn, const char *sg_name, u16 port)
{
	struct sgfw_sg *sg = sgfw_sg_find(&sn->cfg, sg_name);
	struct sgfw_rule *r;

	if (!sg)
		return 0;
	list_for_each_entry(r, &sg->rules, list)
		if (r->m.port_from == port)
			return r->id;
	return 0;
}

/* A committed candidate is what runs; the transaction holds what ran. */
static void txn_commit_publishes(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	struct sgfw_txn *txn = txn_new(test);
	static const u16 ports[] = { 80, 443, 0 };
	struct sgfw_sg *web;
	struct sgfw_dev *sd;

	web = txn_sg(test, txn, "web", ports);
	txn_dev(test, txn, &web, 1, NULL);
	txn->flow_limit = 1234;
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);

	KUNIT_EXPECT_EQ(test, sn->cfg.n_sgs, 1);
	KUNIT_EXPECT_PTR_EQ(test, sgfw_sg_find(&sn->cfg, "web"), web);
	KUNIT_EXPECT_EQ(test, web->attached, 1);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&sn->sg_ids, web->id), (void *)web);
	rtnl_lock();
	sd = sgfw_dev_find(sn, TXN_DEV);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	KUNIT_EXPECT_EQ(test, sd->nsgs, 1);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 80));
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 443));
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit), 1234);

	/* What ran: nothing, and the old flow limit. */
	KUNIT_EXPECT_EQ(test, txn->cfg.n_sgs, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&txn->cfg.sgs));
	KUNIT_EXPECT_EQ(test, txn->flow_limit, SGFW_DEFAULT_FLOW_LIMIT);
	sgfw_txn_destroy(txn);
}

/*
 * What stays the same keeps its id: the group of the same name, the rule
 * that allows the same; a changed rule gets a new one.
 */
static void txn_same_keeps_ids(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 a[] = { 80, 443, 0 }, b[] = { 443, 8080, 0 };
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_sg *web;
	u32 id, id443, id80;

	web = txn_sg(test, txn, "web", a);
	txn_dev(test, txn, &web, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	id = web->id;
	id80 = txn_rule_id(sn, "web", 80);
	id443 = txn_rule_id(sn, "web", 443);
	KUNIT_EXPECT_NE(test, id80, id443);

	txn = txn_new(test);
	web = txn_sg(test, txn, "web", b);
	txn_dev(test, txn, &web, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	KUNIT_EXPECT_EQ(test, web->id, id);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&sn->sg_ids, id), (void *)web);
	KUNIT_EXPECT_EQ(test, txn_rule_id(sn, "web", 443), id443);
	KUNIT_EXPECT_EQ(test, txn_rule_id(sn, "web", 80), 0);
	KUNIT_EXPECT_GT(test, txn_rule_id(sn, "web", 8080), id443);
	KUNIT_EXPECT_NE(test, txn_rule_id(sn, "web", 8080), id80);
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 8080));
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 80));
}

/* Committing what a commit left goes back, ids included. */
static void txn_commit_back(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 a[] = { 22, 0 }, b[] = { 5432, 0 };
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_sg *sg;
	u32 id, rid, db_id;

	sg = txn_sg(test, txn, "ssh", a);
	txn_dev(test, txn, &sg, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	id = sg->id;
	rid = txn_rule_id(sn, "ssh", 22);

	txn = txn_new(test);
	sg = txn_sg(test, txn, "db", b);
	txn_dev(test, txn, &sg, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	db_id = sg->id;
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 5432));
	KUNIT_EXPECT_NULL(test, xa_load(&sn->sg_ids, id));

	/* @txn holds "ssh" now: commit it back. */
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	sg = sgfw_sg_find(&sn->cfg, "ssh");
	KUNIT_ASSERT_NOT_NULL(test, sg);
	KUNIT_EXPECT_EQ(test, sg->id, id);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&sn->sg_ids, id), (void *)sg);
	KUNIT_EXPECT_EQ(test, txn_rule_id(sn, "ssh", 22), rid);
	KUNIT_EXPECT_NULL(test, sgfw_sg_find(&sn->cfg, "db"));
	KUNIT_EXPECT_NULL(test, xa_load(&sn->sg_ids, db_id));
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 5432));
}

/*
 * A commit that goes back unconfirmed restores the flow limit it replaced,
 * unless the limit was changed since (the host's admin lowered it): then
 * the limit stays as it was changed.
 */
static void txn_rollback_limit(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u32 changed[] = { 0, 2000 };
	struct sgfw_txn *txn;
	int i;

	for (i = 0; i < ARRAY_SIZE(changed); i++) {
		WRITE_ONCE(sn->flows.limit, 1000);
		txn = txn_new(test);
		txn->flow_limit = 5000;
		KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
		KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit), 5000);
		rtnl_lock();
		sgfw_txn_arm(sn, txn, 1);
		if (changed[i])
			WRITE_ONCE(sn->flows.limit, changed[i]);
		/* Due now: goes back now, as it would in a second. */
		WRITE_ONCE(sn->rollback_at, jiffies);
		rtnl_unlock();
		flush_delayed_work(&sn->rollback_work);
		KUNIT_EXPECT_NULL(test, READ_ONCE(sn->rollback));
		KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit),
				changed[i] ?: 1000);
	}
}

static struct sgfw_nacl *txn_nacl(struct kunit *test, struct sgfw_txn *txn,
				  bool deny)
{
	struct sgfw_nacl *nacl = sgfw_txn_add_nacl(txn, "edge", NULL);
	struct sgfw_nacl_rule *r = sgfw_nacl_rule_new();

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nacl);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->number = 100;
	r->dir = SGFW_DIRECTION_INGRESS;
	r->deny = deny;
	r->m = (struct sgfw_match){ .any_proto = true, .any_port = true,
				    .any_type = true, .any_code = true };
	r->cidr.af = SGFW_AF_INET;
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_nacl_rule(txn, nacl, r, NULL), 0);
	return nacl;
}

static struct sgfw_nacl_rule *txn_nacl_rule(struct sgfw_net *sn)
{
	struct sgfw_nacl *nacl = sgfw_nacl_find(&sn->cfg, "edge");

	return nacl ? list_first_entry_or_null(&nacl->rules,
					       struct sgfw_nacl_rule, list) :
		      NULL;
}

/* A NACL rule of the same number and content keeps its counters. */
static void txn_nacl_counters(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_nacl_rule *r;
	struct sgfw_rule_ctr __percpu *ctr;
	u64 packets, bytes;

	txn_dev(test, txn, NULL, 0, txn_nacl(test, txn, false));
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	r = txn_nacl_rule(sn);
	KUNIT_ASSERT_NOT_NULL(test, r);
	ctr = r->ctr;
	sgfw_rule_ctr_add(ctr, 100);

	txn = txn_new(test);
	txn_dev(test, txn, NULL, 0, txn_nacl(test, txn, false));
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	r = txn_nacl_rule(sn);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_PTR_EQ(test, r->ctr, ctr);
	sgfw_rule_ctr_read(r->ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 1);
	KUNIT_EXPECT_EQ(test, bytes, 100);

	/* Another action: another rule, counting from nothing. */
	txn = txn_new(test);
	txn_dev(test, txn, NULL, 0, txn_nacl(test, txn, true));
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	r = txn_nacl_rule(sn);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_PTR_NE(test, r->ctr, ctr);
	sgfw_rule_ctr_read(r->ctr, &packets, &bytes);
	KUNIT_EXPECT_EQ(test, packets, 0);
}

static int txn_fail_commit(struct sgfw_net *sn)
{
	return -ENOMEM;
}

static void txn_unhook(void *arg)
{
	WRITE_ONCE(sgfw_config_commit_hook, NULL);
}

/* A commit that fails (its rulesets could not be published) changes nothing. */
static void txn_failed_commit(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 a[] = { 22, 0 }, b[] = { 80, 0 };
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_rule_ctr __percpu *ctr;
	struct sgfw_sg *ssh, *web, *ssh2;
	unsigned long ago;
	struct sgfw_rule *sr;
	u32 id, next_gen;

	ssh = txn_sg(test, txn, "ssh", a);
	txn_dev(test, txn, &ssh, 1, txn_nacl(test, txn, false));
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	id = ssh->id;
	/* The running rule of port 22 has opened a flow. */
	sr = list_first_entry(&ssh->rules, struct sgfw_rule, list);
	ctr = sr->ctr;
	KUNIT_ASSERT_NOT_NULL(test, ctr);
	sgfw_rule_ctr_flow(ctr, sgfw_flow_now());

	txn = txn_new(test);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							txn_destroy_action,
							txn), 0);
	web = txn_sg(test, txn, "web", b);
	ssh2 = txn_sg(test, txn, "ssh", a);
	txn_dev(test, txn, &web, 1, NULL);
	txn->flow_limit = 77;
	WRITE_ONCE(sgfw_config_commit_hook, txn_fail_commit);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, txn_unhook,
							NULL), 0);
	next_gen = sn->gen;
	KUNIT_EXPECT_EQ(test, txn_commit(sn, txn), -ENOMEM);
	WRITE_ONCE(sgfw_config_commit_hook, NULL);

	/* The running configuration: as it was. */
	KUNIT_EXPECT_EQ(test, sn->gen, next_gen);
	KUNIT_EXPECT_EQ(test, sn->cfg.n_sgs, 1);
	KUNIT_EXPECT_PTR_EQ(test, sgfw_sg_find(&sn->cfg, "ssh"), ssh);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&sn->sg_ids, id), (void *)ssh);
	KUNIT_EXPECT_NULL(test, xa_load(&sn->sg_ids, web->id));
	KUNIT_EXPECT_EQ(test, ssh->attached, 1);
	KUNIT_EXPECT_NOT_NULL(test, sgfw_nacl_find(&sn->cfg, "edge"));
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 80));
	KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit),
			SGFW_DEFAULT_FLOW_LIMIT);
	/* The counters the commit traded went back to the running rules. */
	KUNIT_EXPECT_PTR_EQ(test, sr->ctr, ctr);
	KUNIT_EXPECT_PTR_NE(test,
			    list_first_entry(&ssh2->rules, struct sgfw_rule,
					     list)->ctr, ctr);
	/* The candidate: as it was too, and still committable. */
	KUNIT_EXPECT_EQ(test, txn->cfg.n_sgs, 2);
	KUNIT_EXPECT_PTR_EQ(test, sgfw_sg_find(&txn->cfg, "web"), web);
	KUNIT_EXPECT_EQ(test, txn_commit(sn, txn), 0);
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 80));
	KUNIT_EXPECT_NULL(test, sgfw_nacl_find(&sn->cfg, "edge"));
	/* Committed, the same rule of the same group has its counter. */
	sr = list_first_entry(&sgfw_sg_find(&sn->cfg, "ssh")->rules,
			      struct sgfw_rule, list);
	KUNIT_EXPECT_PTR_EQ(test, sr->ctr, ctr);
	KUNIT_EXPECT_EQ(test, sgfw_rule_ctr_flows(sr->ctr, sgfw_flow_now(),
						  &ago), 1);
	KUNIT_EXPECT_EQ(test, READ_ONCE(sn->flows.limit), 77);
}

/* Building refuses what single commands refuse, and adds nothing then. */
static void txn_limits(struct kunit *test)
{
	struct sgfw_txn *txn = txn_new(test);
	static const u16 one[] = { 1, 0 };
	struct sgfw_sg *sg, *many[SGFW_MAX_SGS_PER_DEV] = {};
	struct sgfw_cidr c[2] = {
		{ .af = SGFW_AF_INET, .plen = 32 },
		{ .af = SGFW_AF_INET, .plen = 32 },
	};
	struct sgfw_txn_dev td = {};
	struct sgfw_rule *r;
	struct sgfw_pl *pl;
	int i;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							txn_destroy_action,
							txn), 0);
	sg = txn_sg(test, txn, "web", one);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_txn_add_sg(txn, "web", "", NULL, 0,
						      NULL)), -EEXIST);
	r = txn_rule(test, 1);
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_sg_rule(txn, sg, r, NULL), -EEXIST);
	kfree(r);
	for (i = 2; i <= SGFW_MAX_RULES; i++)
		KUNIT_ASSERT_EQ(test, sgfw_txn_add_sg_rule(txn, sg,
							   txn_rule(test, i),
							   NULL), 0);
	r = txn_rule(test, 1000);
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_sg_rule(txn, sg, r, NULL), -ENOSPC);
	kfree(r);
	KUNIT_EXPECT_EQ(test, sgfw_sg_rule_count(sg), SGFW_MAX_RULES);

	/* A prefix list holds at most its max-entries, each once. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_txn_add_pl(txn, "p", 1, c, 2, NULL)),
			-EEXIST);
	c[1].addr.ip = htonl(1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_txn_add_pl(txn, "p", 1, c, 2, NULL)),
			-E2BIG);
	pl = sgfw_txn_add_pl(txn, "p", 60, c, 2, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pl);
	KUNIT_EXPECT_EQ(test, txn->cfg.n_pls, 1);

	/*
	 * A device: each group once, at most 1000 rules (a rule naming a
	 * list of max-entries 60 counts 60 per family).
	 */
	for (i = 0; i < 9; i++) {
		char name[8];

		snprintf(name, sizeof(name), "g%d", i);
		many[i] = sgfw_txn_add_sg(txn, name, "", NULL, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, many[i]);
		r = txn_rule(test, 1);
		r->peer_kind = SGFW_PEER_PL;
		r->peer_pl = pl;
		KUNIT_ASSERT_EQ(test, sgfw_txn_add_sg_rule(txn, many[i], r,
							   NULL), 0);
	}
	strscpy(td.name, TXN_DEV, sizeof(td.name));
	td.nsgs = 9;
	memcpy(td.sgs, many, sizeof(many));
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL),
			-ENOSPC);
	td.nsgs = 8;
	td.sgs[7] = td.sgs[0];
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL),
			-EEXIST);
	td.sgs[7] = many[7];
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&txn->devs), 1);

	/*
	 * Rules that come after the device count against it too (960 of
	 * 1000 now): an egress rule naming the list, which its group has
	 * room for, would make 1080.  A group the device does not have
	 * takes it; a rule of weight 1 fits.
	 */
	r = txn_rule(test, 2);
	r->dir = SGFW_DIRECTION_EGRESS;
	r->peer_kind = SGFW_PEER_PL;
	r->peer_pl = pl;
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_sg_rule(txn, many[0], r, NULL),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, sgfw_sg_rule_count(many[0]), 120);
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_sg_rule(txn, many[8], r, NULL), 0);
	r = txn_rule(test, 2);
	r->dir = SGFW_DIRECTION_EGRESS;
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_sg_rule(txn, many[0], r, NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_sg_rule_count(many[0]), 121);
}

/*
 * A candidate's distinct device rulesets (groups in order, timeouts,
 * tracking) may hold SGFW_MAX_BUILD_RULES rules in all, what every commit
 * builds under the RTNL; devices alike count once, and a device of no
 * group not at all.
 */
static void txn_build_room(struct kunit *test)
{
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_cidr c = { .af = SGFW_AF_INET, .plen = 32 };
	struct sgfw_txn_dev td = {
		.to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF,
		.to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF,
	};
	struct sgfw_rule *r;
	struct sgfw_pl *pl;
	struct sgfw_sg *sg;
	u32 per, n, i;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							txn_destroy_action,
							txn), 0);
	pl = sgfw_txn_add_pl(txn, "p", 60, &c, 1, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pl);
	/* Four groups of two rules naming the list: 960 rules. */
	for (i = 0; i < 4; i++) {
		char name[8];
		int dir;

		snprintf(name, sizeof(name), "g%u", i);
		sg = sgfw_txn_add_sg(txn, name, "", NULL, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sg);
		for (dir = SGFW_DIRECTION_INGRESS;
		     dir <= SGFW_DIRECTION_EGRESS; dir++) {
			r = txn_rule(test, 1);
			r->dir = dir;
			r->peer_kind = SGFW_PEER_PL;
			r->peer_pl = pl;
			KUNIT_ASSERT_EQ(test,
					sgfw_txn_add_sg_rule(txn, sg, r, NULL),
					0);
		}
		td.sgs[td.nsgs++] = sg;
	}
	per = sgfw_sgs_rule_count(td.sgs, td.nsgs);
	KUNIT_ASSERT_EQ(test, per, 960);
	n = SGFW_MAX_BUILD_RULES / per;
	for (i = 0; i < n; i++) {
		snprintf(td.name, sizeof(td.name), "d%u", i);
		td.to.udp = 30 + i;
		KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL),
				0);
	}
	for (i = 0; i < 100; i++) {
		snprintf(td.name, sizeof(td.name), "a%u", i);
		td.to.udp = 30 + i;
		KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL),
				0);
	}
	strscpy(td.name, "none", sizeof(td.name));
	td.nsgs = 0;
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_build_room(txn, NULL), 0);

	/* The same groups in another order are another ruleset. */
	strscpy(td.name, "x", sizeof(td.name));
	td.nsgs = 4;
	swap(td.sgs[0], td.sgs[1]);
	td.to.udp = 30;
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, "dev", NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_build_room(txn, NULL), -ENOSPC);
}

/*
 * A rule naming a prefix list counts as its max-entries against the limits
 * (60 per group, direction and family), and max-entries may not grow past
 * them nor fall below the entries.  The operations of single commands.
 */
static void txn_prefix_list_weight(struct kunit *test)
{
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_rule *r;
	struct sgfw_pl *pl;
	struct sgfw_sg *sg;
	int i;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							txn_destroy_action,
							txn), 0);
	pl = sgfw_txn_pl_new(txn, "office", SGFW_PL_ENTRIES_DEF, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pl);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_txn_pl_new(txn, "office", 1, NULL)),
			-EEXIST);
	/* A new group: only its two all-open egress rules. */
	sg = sgfw_txn_sg_new(txn, "web", "", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sg);
	KUNIT_EXPECT_EQ(test, sgfw_sg_rule_count(sg), 2);

	for (i = 0; i < 4; i++) {
		r = txn_rule(test, 10 + i);
		r->peer_kind = SGFW_PEER_PL;
		r->peer_pl = pl;
		/* Three of 20 fit in 60; the fourth does not. */
		KUNIT_EXPECT_EQ(test, sgfw_txn_rule_new(txn, sg, r, NULL),
				i < 3 ? 0 : -ENOSPC);
		if (i == 3)
			kfree(r);
	}
	/* A plain CIDR rule does not fit next to them either. */
	r = txn_rule(test, 100);
	KUNIT_EXPECT_EQ(test, sgfw_txn_rule_new(txn, sg, r, NULL), -ENOSPC);
	kfree(r);
	/* Egress is counted apart. */
	r = txn_rule(test, 10);
	r->dir = SGFW_DIRECTION_EGRESS;
	r->peer_kind = SGFW_PEER_PL;
	r->peer_pl = pl;
	KUNIT_EXPECT_EQ(test, sgfw_txn_rule_new(txn, sg, r, NULL), 0);
	KUNIT_EXPECT_EQ(test, pl->refs, 4);
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_del(txn, pl, NULL), -EBUSY);

	/* Three ingress rules of 21 would be 63: refused; 20 is fine. */
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_set(txn, pl, 21, NULL), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pl->max_entries, SGFW_PL_ENTRIES_DEF);
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_set(txn, pl, 5, NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_set(txn, pl, 20, NULL), 0);
	pl->entries.n = 10;
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_set(txn, pl, 5, NULL), -EINVAL);
	pl->entries.n = 0;

	/* The group goes with its rules; then the list may go. */
	KUNIT_EXPECT_EQ(test, sgfw_txn_sg_del(txn, sg, NULL), 0);
	KUNIT_EXPECT_EQ(test, pl->refs, 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_pl_del(txn, pl, NULL), 0);
	KUNIT_EXPECT_EQ(test, txn->cfg.n_pls, 0);
	KUNIT_EXPECT_EQ(test, txn->cfg.n_sgs, 0);
}

/*
 * A single command: a copy of the running configuration, changed and
 * committed, keeps every id and counter but what it changes.
 */
static void txn_clone_single_command(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 a[] = { 22, 80, 0 };
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_rule_ctr __percpu *ctr;
	struct sgfw_sg *sg, *copy;
	u32 id, id22, id80;

	sg = txn_sg(test, txn, "web", a);
	txn_dev(test, txn, &sg, 1, txn_nacl(test, txn, false));
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	id = sg->id;
	id22 = txn_rule_id(sn, "web", 22);
	id80 = txn_rule_id(sn, "web", 80);
	ctr = txn_nacl_rule(sn)->ctr;

	/* "rule del web <id of 22>" */
	rtnl_lock();
	txn = sgfw_txn_clone(sn);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_NULL(test, txn);
	copy = sgfw_sg_find(&txn->cfg, "web");
	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_EXPECT_PTR_NE(test, copy, sg);
	KUNIT_EXPECT_EQ(test, copy->id, id);
	KUNIT_EXPECT_EQ(test, copy->attached, 1);
	KUNIT_EXPECT_EQ(test, sgfw_txn_rule_del(txn, copy, id22, NULL), 0);
	KUNIT_EXPECT_EQ(test, sgfw_txn_rule_del(txn, copy, id22, NULL),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);

	KUNIT_EXPECT_PTR_EQ(test, sgfw_sg_find(&sn->cfg, "web"), copy);
	KUNIT_EXPECT_PTR_EQ(test, xa_load(&sn->sg_ids, id), (void *)copy);
	KUNIT_EXPECT_EQ(test, txn_rule_id(sn, "web", 80), id80);
	KUNIT_EXPECT_EQ(test, txn_rule_id(sn, "web", 22), 0);
	KUNIT_EXPECT_PTR_EQ(test, txn_nacl_rule(sn)->ctr, ctr);
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 80));
}

/*
 * A candidate may name devices that do not exist: their configuration
 * waits, and is in the transaction that goes back; at most SGFW_MAX_DEVS
 * names.
 */
static void txn_dev_names(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	struct sgfw_txn *txn = txn_new(test);
	static const u16 ports[] = { 80, 0 };
	struct sgfw_txn_dev td = {
		.name = "vm0",
		.to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF,
		.to.udp = SGFW_UDP_TIMEOUT_DEF,
		.to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF,
	};
	struct sgfw_txn_dev *got;
	struct sgfw_sg *web;
	struct sgfw_dev *sd;
	int i;

	web = txn_sg(test, txn, "web", ports);
	txn_dev(test, txn, &web, 1, NULL);
	td.sgs[td.nsgs++] = web;
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, td.name, NULL), 0);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	rtnl_lock();
	sd = sgfw_dev_find(sn, "vm0");
	KUNIT_ASSERT_NOT_NULL(test, sd);
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, 0);
	KUNIT_EXPECT_EQ(test, sd->nsgs, 1);
	KUNIT_EXPECT_EQ(test, web->attached, 2);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 80));
	/* What ran had neither device: both go back to nothing. */
	KUNIT_EXPECT_EQ(test, list_count_nodes(&txn->devs), 0);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	rtnl_lock();
	KUNIT_EXPECT_NULL(test, sgfw_dev_find(sn, "vm0"));
	KUNIT_EXPECT_NULL(test, sgfw_dev_find(sn, TXN_DEV));
	rtnl_unlock();
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 80));
	sgfw_txn_destroy(txn);

	/* The cap, for single commands and transactions alike. */
	txn = txn_new(test);
	for (i = 0; i < SGFW_MAX_DEVS; i++) {
		snprintf(td.name, sizeof(td.name), "d%d", i);
		got = sgfw_txn_dev_get(txn, td.name, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(got));
	}
	/* A name it has already is no new one. */
	got = sgfw_txn_dev_get(txn, "d7", NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(got));
	KUNIT_EXPECT_STREQ(test, got->name, "d7");
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_txn_dev_get(txn, "one-more", NULL)),
			-ENOSPC);
	td.nsgs = 0;
	strscpy(td.name, "one-more", sizeof(td.name));
	KUNIT_EXPECT_EQ(test, sgfw_txn_add_dev(txn, &td, td.name, NULL),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&txn->devs), SGFW_MAX_DEVS);
	sgfw_txn_destroy(txn);
}

/*
 * A run of the rollback work that comes before the pending rollback is due
 * (it waited for the RTNL while a confirm took the rollback it came for,
 * and a new commit armed another) leaves that one alone.
 */
static void txn_rollback_early(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 a[] = { 22, 0 }, b[] = { 5432, 0 };
	struct sgfw_txn *txn = txn_new(test), *pending;
	struct sgfw_sg *sg;

	sg = txn_sg(test, txn, "ssh", a);
	txn_dev(test, txn, &sg, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);

	txn = txn_new(test);
	sg = txn_sg(test, txn, "db", b);
	txn_dev(test, txn, &sg, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	rtnl_lock();
	sgfw_txn_arm(sn, txn, 600);
	rtnl_unlock();
	/* The stale run, as the workqueue would make it. */
	sgfw_txn_rollback_work(&sn->rollback_work.work);
	pending = READ_ONCE(sn->rollback);
	KUNIT_EXPECT_PTR_EQ(test, pending, txn);
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 5432));
	KUNIT_EXPECT_FALSE(test, txn_allows(sn, 22));
	KUNIT_EXPECT_GT(test, sgfw_txn_pending(sn), 590);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, sgfw_txn_confirm(sn), 0);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, txn_allows(sn, 5432));
}

/* Names @fmt of 0 to @n - 1, in audit mode (so kept with no group). */
static void txn_audit_devs(struct kunit *test, struct sgfw_txn *txn,
			   const char *fmt, int n)
{
	struct sgfw_txn_dev *td;
	char name[IFNAMSIZ];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), fmt, i);
		td = sgfw_txn_dev_get(txn, name, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(td));
		td->audit = true;
	}
}

/*
 * Going back needs no more device slots than the commit it undoes: the
 * saved configuration names what ran, not also the names the candidate
 * brought.  4096 names, then 4096 others committed; a single command
 * trades one of those for a third name; going back then creates the 4096
 * first names beside the 4096 running (the 8192 slots there are), and
 * none of the candidate's.
 */
static void txn_rollback_slots(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	struct sgfw_txn *txn = txn_new(test), *back, *one;
	struct sgfw_txn_dev *td;
	struct sgfw_dev *sd;

	txn_audit_devs(test, txn, "a%d", SGFW_MAX_DEVS);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);

	back = txn_new(test);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							txn_destroy_action,
							back), 0);
	txn_audit_devs(test, back, "b%d", SGFW_MAX_DEVS);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, back), 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&back->devs), SGFW_MAX_DEVS);

	rtnl_lock();
	one = sgfw_txn_clone(sn);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_NULL(test, one);
	list_for_each_entry(td, &one->devs, list)
		if (!strcmp(td->name, "b0"))
			break;
	KUNIT_ASSERT_FALSE(test, list_entry_is_head(td, &one->devs, list));
	list_del(&td->list);
	kfree(td);
	txn_audit_devs(test, one, "c%d", 1);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, one), 0);
	sgfw_txn_destroy(one);

	KUNIT_ASSERT_EQ(test, txn_commit(sn, back), 0);
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, list_count_nodes(&sn->dev_list), SGFW_MAX_DEVS);
	sd = sgfw_dev_find(sn, "a4095");
	KUNIT_EXPECT_TRUE(test, sd && sd->audit);
	KUNIT_EXPECT_NULL(test, sgfw_dev_find(sn, "b1"));
	KUNIT_EXPECT_NULL(test, sgfw_dev_find(sn, "c0"));
	rtnl_unlock();
}

/*
 * A copy of the running configuration, as a single command makes it, and
 * in *@td its settings of device name @name.
 */
static struct sgfw_txn *txn_clone_dev(struct kunit *test, struct sgfw_net *sn,
				      const char *name,
				      struct sgfw_txn_dev **td)
{
	struct sgfw_txn *txn;

	rtnl_lock();
	txn = sgfw_txn_clone(sn);
	rtnl_unlock();
	KUNIT_ASSERT_NOT_NULL(test, txn);
	*td = sgfw_txn_dev_get(txn, name, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(*td));
	return txn;
}

/* A port with @n of the instance addresses 10.9.0.0/24 and 10.8.0.5. */
static struct sgfw_port *txn_port(struct kunit *test, u32 n)
{
	struct sgfw_cidr v[2] = {
		{ .addr.ip = htonl(0x0a080005), .af = SGFW_AF_INET, .plen = 32 },
		{ .addr.ip = htonl(0x0a090000), .af = SGFW_AF_INET, .plen = 24 },
	};
	struct sgfw_port *port = sgfw_port_new(true, NULL, v, n);

	KUNIT_ASSERT_NOT_NULL(test, port);
	return port;
}

/* Does the device's ruleset let tcp from @src to port 5432 in? */
static bool txn_allows_from(struct sgfw_net *sn, u32 src)
{
	return txn_allows_tcp(sn, src, 5432);
}

/* One UDP flow of the case's device. */
static void txn_flow(struct kunit *test, struct sgfw_net *sn)
{
	struct sgfw_tuple t = {
		.af = SGFW_AF_INET, .proto = IPPROTO_UDP,
		.src = { .ip = htonl(0x0a090001) }, .sport = htons(1234),
		.dst = { .ip = htonl(0x0a000002) }, .dport = htons(53),
	};
	struct sgfw_flow_init init = {
		.state = SGFW_FLOW_STATE_UDP_SINGLE,
		.timeout = 30 * HZ,
		.len = 60,
	};
	struct sgfw_dev *sd;
	struct sgfw_flow *f;

	rcu_read_lock();
	sd = xa_load(&sn->devs, txn_ifindex);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	f = sgfw_flow_create(&sd->fd, &t, sgfw_flow_hash(sd->fd.key, &t),
			     &init);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(f));
}

/*
 * Port mode through a transaction: the device's hooks are registered once
 * its port is committed, follow the device when it goes and comes back,
 * and come off when it is an endpoint again, whose change of mode takes
 * its flows; the instance addresses of a port are what its groups stand
 * for as peers, prefixes included, whether a device has its name or not;
 * its MAC address is committed, and goes back, with the rest.
 */
static void txn_port_mode(struct kunit *test)
{
	static const u8 mac[ETH_ALEN] __aligned(2) = { 2, 0, 0, 0, 0, 5 };
	struct sgfw_net *sn = txn_net_new(test);
	struct sgfw_txn *txn = txn_new(test);
	static const u16 none[] = { 0 };
	struct sgfw_txn_dev td = {
		.name = "vm1",
		.to.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF,
		.to.udp = SGFW_UDP_TIMEOUT_DEF,
		.to.udp_stream = SGFW_UDP_STREAM_TIMEOUT_DEF,
	};
	struct sgfw_sg *app, *db;
	struct net_device *dev;
	struct sgfw_txn_dev *got;
	struct sgfw_port *port;
	struct sgfw_rule *r;
	struct sgfw_dev *sd;

	app = txn_sg(test, txn, "app", none);
	db = txn_sg(test, txn, "db", none);
	r = txn_rule(test, 5432);
	r->peer_kind = SGFW_PEER_SG;
	r->peer_sg = app;
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_sg_rule(txn, db, r, NULL), 0);
	txn_dev(test, txn, &db, 1, NULL);
	got = list_last_entry(&txn->devs, struct sgfw_txn_dev, list);
	got->port = txn_port(test, 1);
	/* vm1 waits for its device: its addresses count all the same. */
	td.sgs[td.nsgs++] = app;
	td.port = txn_port(test, 2);
	KUNIT_ASSERT_EQ(test, sgfw_txn_add_dev(txn, &td, td.name, NULL), 0);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);

	rtnl_lock();
	sd = sgfw_dev_find(sn, TXN_DEV);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	KUNIT_EXPECT_TRUE(test, sd->hooked);
	KUNIT_EXPECT_NOT_NULL(test, sd->port);
	KUNIT_EXPECT_FALSE(test, sgfw_dev_find(sn, "vm1")->hooked);
	rtnl_unlock();
	KUNIT_EXPECT_TRUE(test, txn_allows_from(sn, 0x0a080005));
	KUNIT_EXPECT_TRUE(test, txn_allows_from(sn, 0x0a090077));
	KUNIT_EXPECT_FALSE(test, txn_allows_from(sn, 0x0a080006));
	KUNIT_EXPECT_FALSE(test, txn_allows_from(sn, 0x0a0a0001));

	/* The device goes and comes back: so do its hooks. */
	rtnl_lock();
	dev = __dev_get_by_index(sn->net, txn_ifindex);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	sgfw_test_netdev_unregister(test, dev);
	KUNIT_EXPECT_FALSE(test, sd->hooked);
	rtnl_unlock();
	dev = sgfw_test_netdev_new(test, sn->net, TXN_DEV);
	txn_ifindex = dev->ifindex;
	rtnl_lock();
	KUNIT_EXPECT_TRUE(test, sd->hooked);
	KUNIT_EXPECT_EQ(test, sd->fd.ifindex, dev->ifindex);
	rtnl_unlock();

	/* "iface set vm1 address 10.8.0.5": the peer set follows. */
	txn = txn_clone_dev(test, sn, "vm1", &got);
	sgfw_port_put(got->port);
	got->port = txn_port(test, 1);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	KUNIT_EXPECT_TRUE(test, txn_allows_from(sn, 0x0a080005));
	KUNIT_EXPECT_FALSE(test, txn_allows_from(sn, 0x0a090077));

	/*
	 * "iface set kt0 mac 02:00:00:00:00:05": a port of its own, which
	 * the commit publishes and going back takes away again.
	 */
	txn = txn_clone_dev(test, sn, TXN_DEV, &got);
	KUNIT_ASSERT_NOT_NULL(test, got->port);
	port = sgfw_port_new(got->port->source_check, mac, got->port->addrs,
			     got->port->n);
	KUNIT_ASSERT_NOT_NULL(test, port);
	KUNIT_EXPECT_FALSE(test, sgfw_port_equal(port, got->port));
	sgfw_port_put(got->port);
	got->port = port;
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	rtnl_lock();
	KUNIT_EXPECT_TRUE(test, sgfw_port_equal(sd->port,
						port));
	KUNIT_EXPECT_TRUE(test, ether_addr_equal(sd->port->mac,
						 mac));
	rtnl_unlock();
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	rtnl_lock();
	KUNIT_EXPECT_TRUE(test,
			  is_zero_ether_addr(sd->port->mac));
	rtnl_unlock();

	/* "iface set kt0 mode endpoint": unhooked, and its flows go. */
	txn_flow(test, sn);
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 1);
	txn = txn_clone_dev(test, sn, TXN_DEV, &got);
	sgfw_port_put(got->port);
	got->port = NULL;
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	rtnl_lock();
	KUNIT_EXPECT_FALSE(test, sd->hooked);
	KUNIT_EXPECT_NULL(test, sd->port);
	rtnl_unlock();
	KUNIT_EXPECT_EQ(test, atomic_read(&sn->flows.count), 0);

	/* And back, with what went back: port mode again, hooked. */
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	rtnl_lock();
	KUNIT_EXPECT_TRUE(test, sd->hooked);
	KUNIT_EXPECT_NOT_NULL(test, sd->port);
	rtnl_unlock();
}

/* What the hooks applied while a commit built: a case's hook records it. */
static struct {
	const struct sgfw_port *port;
	bool audit;
	bool seen;
	int err;
} txn_live_seen;

static int txn_live_peek(struct sgfw_net *sn)
{
	struct sgfw_dev *sd = sgfw_dev_find(sn, TXN_DEV);

	txn_live_seen.seen = sd;
	if (sd) {
		txn_live_seen.port = rcu_access_pointer(sd->live_port);
		txn_live_seen.audit = READ_ONCE(sd->live_audit);
	}
	return txn_live_seen.err;
}

/*
 * A device's port-mode settings and audit mode reach the hooks with its
 * rulesets, once every ruleset is built: not while the commit builds
 * (seconds, for large configurations), nor at all when it fails.  Else a
 * packet could meet audit mode (its drops let through) or the end of the
 * source check before the rulesets that go with them, or after a refused
 * commit, until it was undone.
 */
static void txn_live_settings(struct kunit *test)
{
	struct sgfw_net *sn = txn_net_new(test);
	static const u16 ports[] = { 22, 0 };
	struct sgfw_txn *txn = txn_new(test);
	struct sgfw_txn_dev *got;
	struct sgfw_port *port;
	struct sgfw_dev *sd;
	struct sgfw_sg *sg;

	sg = txn_sg(test, txn, "ssh", ports);
	txn_dev(test, txn, &sg, 1, NULL);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, txn_unhook,
							NULL), 0);

	/* Port mode and audit: the hooks see neither while it builds. */
	txn = txn_clone_dev(test, sn, TXN_DEV, &got);
	port = txn_port(test, 1);
	got->port = sgfw_port_get(port);
	got->audit = true;
	txn_live_seen.err = 0;
	txn_live_seen.seen = false;
	WRITE_ONCE(sgfw_config_commit_hook, txn_live_peek);
	KUNIT_ASSERT_EQ(test, txn_commit(sn, txn), 0);
	KUNIT_EXPECT_TRUE(test, txn_live_seen.seen);
	KUNIT_EXPECT_NULL(test, txn_live_seen.port);
	KUNIT_EXPECT_FALSE(test, txn_live_seen.audit);
	rtnl_lock();
	sd = sgfw_dev_find(sn, TXN_DEV);
	KUNIT_ASSERT_NOT_NULL(test, sd);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(sd->live_port), port);
	KUNIT_EXPECT_PTR_EQ(test, sd->port, port);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(sd->live_audit));
	rtnl_unlock();

	/*
	 * Going back to endpoint mode without audit, refused once built:
	 * the hooks keep port mode and audit, during and after.
	 */
	txn_live_seen.err = -ENOMEM;
	txn_live_seen.seen = false;
	KUNIT_EXPECT_EQ(test, txn_commit(sn, txn), -ENOMEM);
	WRITE_ONCE(sgfw_config_commit_hook, NULL);
	KUNIT_EXPECT_TRUE(test, txn_live_seen.seen);
	KUNIT_EXPECT_PTR_EQ(test, txn_live_seen.port, port);
	KUNIT_EXPECT_TRUE(test, txn_live_seen.audit);
	rtnl_lock();
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(sd->live_port), port);
	KUNIT_EXPECT_PTR_EQ(test, sd->port, port);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(sd->live_audit));
	KUNIT_EXPECT_TRUE(test, sd->audit);
	rtnl_unlock();

	/* And then it goes through. */
	KUNIT_EXPECT_EQ(test, txn_commit(sn, txn), 0);
	sgfw_txn_destroy(txn);
	rtnl_lock();
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(sd->live_port));
	KUNIT_EXPECT_NULL(test, sd->port);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(sd->live_audit));
	rtnl_unlock();
	sgfw_port_put(port);
}

static struct kunit_case sgfw_txn_cases[] = {
	KUNIT_CASE(txn_live_settings),
	KUNIT_CASE(txn_port_mode),
	KUNIT_CASE(txn_prefix_list_weight),
	KUNIT_CASE(txn_clone_single_command),
	KUNIT_CASE(txn_commit_publishes),
	KUNIT_CASE(txn_same_keeps_ids),
	KUNIT_CASE(txn_commit_back),
	KUNIT_CASE(txn_rollback_limit),
	KUNIT_CASE(txn_rollback_slots),
	KUNIT_CASE(txn_rollback_early),
	KUNIT_CASE(txn_nacl_counters),
	KUNIT_CASE(txn_failed_commit),
	KUNIT_CASE(txn_limits),
	KUNIT_CASE(txn_build_room),
	KUNIT_CASE(txn_dev_names),
	{}
};

static struct kunit_suite sgfw_txn_suite = {
	.name = "sgfw_txn",
	.test_cases = sgfw_txn_cases,
};

kunit_test_suite(sgfw_txn_suite);
