// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks.  Ingress is what a device delivers to this
 * namespace (LOCAL_IN, after reassembly); egress is what this namespace
 * sends out through a device (LOCAL_OUT, before fragmentation).  Forwarded
 * traffic is neither.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>

#include "hooks.h"

static unsigned int sgfw_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops sgfw_nf_ops[] = {
	{
		.hook		= sgfw_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_IN,
		.priority	= NF_IP6_PRI_FILTER,
	},
	{
		.hook		= sgfw_hook,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= NF_IP6_PRI_FILTER,
	},
};

int sgfw_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, sgfw_nf_ops, ARRAY_SIZE(sgfw_nf_ops));
}

void sgfw_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, sgfw_nf_ops, ARRAY_SIZE(sgfw_nf_ops));
}
