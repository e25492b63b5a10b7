// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: one struct sgfw_net in every namespace, with
 * the namespace's netfilter hooks registered for as long as it lives.
 */

#include "netns.h"
#include "hooks.h"

unsigned int sgfw_net_id __read_mostly;

static int __net_init sgfw_net_init(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);

	sn->flow_limit = SGFW_DEFAULT_FLOW_LIMIT;
	return sgfw_hooks_register(net);
}

static void __net_exit sgfw_net_exit(struct net *net)
{
	sgfw_hooks_unregister(net);
}

static struct pernet_operations sgfw_net_ops = {
	.init = sgfw_net_init,
	.exit = sgfw_net_exit,
	.id   = &sgfw_net_id,
	.size = sizeof(struct sgfw_net),
};

int sgfw_netns_init(void)
{
	return register_pernet_subsys(&sgfw_net_ops);
}

void sgfw_netns_exit(void)
{
	unregister_pernet_subsys(&sgfw_net_ops);
}
