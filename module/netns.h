/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETNS_H
#define _SGFW_NETNS_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "events.h"
#include "flowtable.h"
#include "frag.h"

struct sgfw_txn;

/*
 * struct sgfw_cfg - the objects of a configuration: the running one of a
 * namespace (sgfw_net.cfg), or the candidate of a transaction (txn.h).
 * @sgs: security groups, in creation order (which is id order).
 */
struct sgfw_cfg {
	struct list_head sgs;
	struct list_head pls;
	struct list_head nacls;
	u32 n_sgs;
	u32 n_pls;
	u32 n_nacls;
};

/*
 * struct sgfw_net - sgfw's state in one network namespace.
 *
 * Locking: the configuration (@cfg, @dev_list, @dev_names, the objects
 * on those lists, @next_id, @next_key, @gen, @defrag, @hooked) changes
 * only under the RTNL, which every configuration command takes and under
 * which the netdevice notifier runs; the RTNL also keeps the namespace's
 * devices and their addresses still while a ruleset is built from them.
 * The data path never takes it: it reads @devs (an xarray, RCU-safe) and
 * the RCU-published ruleset of each device.
 *
 * @devs: ifindex -> struct sgfw_dev, for the data path (RCU readers):
 *	the configured names that a device of the namespace has (bound).
 * @dev_list: every configured device name, bound or waiting, in key
 *	order, for the configuration.
 * @dev_names: the same, hashed by name.
 * @cfg: the running configuration's objects.
 * @sg_ids: id -> struct sgfw_sg, for the flow dump (RCU readers: it runs
 *	without the RTNL).
 * @next_id: the next security-group or rule id; ids are never reused.
 * @next_key: the next key of a prefix list or network ACL, which dumps
 *	resume at; never shown, never reused.
 * @gen: the configuration's generation, never 0: every request that may
 *	change it moves it on before it lets the RTNL go
 *	(sgfw_config_changed()), and every round of a configuration dump
 *	puts it in cb->seq, so that a dump a change came in the middle of
 *	is flagged NLM_F_DUMP_INTR (genl_dump_check_consistent()).
 * @flows: this namespace's share of the flow table (flowtable.h).
 * @frags: the fragmented datagrams its port-mode devices let pass (frag.h).
 * @rebuild_work: rebuilds the rulesets when device addresses change
 *	(address notifiers may not sleep, and run outside the RTNL for IPv6).
 * @txn_lock: serialises the requests of the transaction being built.
 * @txn: the transaction being built (txn.h), under @txn_lock; one at a
 *	time per namespace.
 * @rollback: under the RTNL: the configuration a commit that awaits its
 *	confirmation goes back to, which @rollback_work does at
 *	@rollback_at (jiffies) unless sgfw_txn_confirm() comes first.
 * @events: the namespace's administrator turned its events on (events.h);
 *	READ_ONCE, WRITE_ONCE.
 * @drop_rl, @untracked_rl: the budgets of drop and untracked events.
 * @defrag: netfilter's defragmentation is on for this namespace.
 * @hooked: sgfw's netfilter hooks are registered in it (netns.c).
 * @dying: the namespace is going away: its hooks are gone, and
 *	@rebuild_work must not run again.
 */
struct sgfw_net {
	struct net *net;
	struct xarray devs;
	struct list_head dev_list;
	DECLARE_HASHTABLE(dev_names, 6);
	struct sgfw_cfg cfg;
	struct xarray sg_ids;
	u32 next_id;
	u32 next_key;
	u32 gen;
	struct sgfw_flow_ns flows;
	struct sgfw_frags frags;
	struct work_struct rebuild_work;
	struct mutex txn_lock;		/* see above: @txn */
	struct sgfw_txn *txn;
	struct sgfw_txn *rollback;
	struct delayed_work rollback_work;
	unsigned long rollback_at;
	bool events;
	struct sgfw_evlimit drop_rl;
	struct sgfw_evlimit untracked_rl;
	bool defrag;
	bool hooked;
	bool dying;
};

#define SGFW_DEFAULT_FLOW_LIMIT 65536
#define SGFW_MAX_FLOW_LIMIT	16777216

/*
 * The most flows a namespace may be given by anyone without CAP_NET_ADMIN
 * in the initial user namespace (the flow_limit_ceiling parameter).
 */
u32 sgfw_flow_limit_ceiling(void);

extern unsigned int sgfw_net_id;

static inline struct sgfw_net *sgfw_pernet(const struct net *net)
{
	return net_generic(net, sgfw_net_id);
}

/* The first half of a namespace's teardown (netns.c says why it is one). */
void sgfw_net_pre_exit(struct net *net);

int sgfw_netns_init(void);
void sgfw_netns_exit(void);

#endif /* _SGFW_NETNS_H */
