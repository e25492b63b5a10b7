/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETNS_H
#define _SGFW_NETNS_H

#include <linux/types.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/*
 * struct sgfw_net - sgfw's state in one network namespace.
 * @flow_limit: the most flows this namespace may track; written by netlink
 *	under the genl mutex, read locklessly with READ_ONCE().
 *
 * Created by the pernet init of every namespace (those that exist when the
 * module loads and those created later) and freed by its pernet exit, after
 * the namespace's hooks are gone, so a hook never sees a freed sgfw_net.
 */
struct sgfw_net {
	u32 flow_limit;
};

#define SGFW_DEFAULT_FLOW_LIMIT 262144

extern unsigned int sgfw_net_id;

static inline struct sgfw_net *sgfw_pernet(const struct net *net)
{
	return net_generic(net, sgfw_net_id);
}

int sgfw_netns_init(void);
void sgfw_netns_exit(void);

#endif /* _SGFW_NETNS_H */
