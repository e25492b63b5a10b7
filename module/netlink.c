// SPDX-License-Identifier: GPL-2.0
/*
 * The "sgfw" generic netlink family: see uapi/linux/sgfw.h for the
 * commands and uapi/sgfw.yaml for the spec.
 *
 * Every handler acts on the namespace of the requesting socket.  Handlers
 * run under the genl mutex (the family is not parallel_ops), which is what
 * serialises configuration changes within and across namespaces.
 */

#include <net/genetlink.h>

#include "../uapi/linux/sgfw.h"
#include "compat.h"
#include "netlink.h"
#include "netns.h"
#include "version.h"

/* SGFW_CMD_STATUS takes no attributes: the policy refuses every one. */
static const struct nla_policy sgfw_status_policy[SGFW_A_STATUS_MAX + 1] = {
};

static struct genl_family sgfw_genl_family;

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
	u32 limit = READ_ONCE(sn->flow_limit);
	u32 flows = 0;

	if (nla_put_string(skb, SGFW_A_STATUS_VERSION, SGFW_VERSION) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FLOWS, flows) ||
	    nla_put_u32(skb, SGFW_A_STATUS_FLOW_LIMIT, limit) ||
	    nla_put_u64_64bit(skb, SGFW_A_STATUS_ALLOWANCE_EXCEEDED, 0,
			      SGFW_A_STATUS_PAD) ||
	    nla_put_u32(skb, SGFW_A_STATUS_ALLOWANCE_AVAILABLE,
			limit > flows ? limit - flows : 0))
		return -EMSGSIZE;
	return 0;
}

static int sgfw_nl_status_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &sgfw_genl_family, 0,
				SGFW_CMD_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}

	err = sgfw_status_fill(msg, genl_info_net(info));
	if (err)
		goto err_free_msg;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
	return err;
}

static const struct genl_ops sgfw_genl_ops[] = {
	{
		.cmd		= SGFW_CMD_STATUS,
		.doit		= sgfw_nl_status_doit,
		.policy		= sgfw_status_policy,
		.maxattr	= SGFW_A_STATUS_MAX,
	},
};

static struct genl_family sgfw_genl_family __ro_after_init = {
	.name		= SGFW_GENL_NAME,
	.version	= SGFW_GENL_VERSION,
	.module		= THIS_MODULE,
	.netnsok	= true,
	.ops		= sgfw_genl_ops,
	.n_ops		= ARRAY_SIZE(sgfw_genl_ops),
	.resv_start_op	= SGFW_CMD_MAX + 1,
};

int __init sgfw_genl_init(void)
{
	return genl_register_family(&sgfw_genl_family);
}

void sgfw_genl_exit(void)
{
	genl_unregister_family(&sgfw_genl_family);
}
