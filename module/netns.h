/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETNS_H
#define _SGFW_NETNS_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "flowtable.h"

/*
 * struct sgfw_net - sgfw's state in one network namespace.
 *
 * Locking: the configuration (@sgs, @pls, @dev_list, the objects on those
 * lists, @next_id, @defrag) changes only under the RTNL, which every
 * configuration command takes and under which the netdevice notifier runs;
 * the RTNL also keeps the namespace's devices and their addresses still
 * while a ruleset is built from them.  The data path never takes it: it
 * reads @devs (an xarray, RCU-safe) and the RCU-published ruleset of each
 * device.
 *
 * @devs: ifindex -> struct sgfw_dev, for the data path (RCU readers).
 * @dev_list: the same devices, for the configuration.
 * @sgs: security groups, in creation order.
 * @pls: prefix lists, in creation order.
 * @nacls: network ACLs, in creation order.
 * @next_id: the next security-group or rule id; ids are never reused.
 * @flows: flow accounting for this namespace's share of the flow table.
 * @rebuild_work: rebuilds the rulesets when device addresses change
 *	(address notifiers may not sleep, and run outside the RTNL for IPv6).
 * @defrag: netfilter's defragmentation is on for this namespace.
 * @dying: the namespace is going away; @rebuild_work must not run again.
 */
struct sgfw_net {
	struct net *net;
	struct xarray devs;
	struct list_head dev_list;
	struct list_head sgs;
	struct list_head pls;
	struct list_head nacls;
	u32 next_id;
	struct sgfw_flow_ns flows;
	struct work_struct rebuild_work;
	bool defrag;
	bool dying;
};

#define SGFW_DEFAULT_FLOW_LIMIT 65536
#define SGFW_MAX_FLOW_LIMIT	16777216

extern unsigned int sgfw_net_id;

static inline struct sgfw_net *sgfw_pernet(const struct net *net)
{
	return net_generic(net, sgfw_net_id);
}

int sgfw_netns_init(void);
void sgfw_netns_exit(void);

#endif /* _SGFW_NETNS_H */
