// SPDX-License-Identifier: GPL-2.0
/*
 * sgfw: stateful security groups and stateless network ACLs for the devices
 * of a network namespace.
 */

#include <linux/module.h>
#include <net/genetlink.h>

#include "../uapi/linux/sgfw.h"

#include "flowtable.h"
#include "netlink.h"
#include "netns.h"
#include "version.h"

static int __init sgfw_init(void)
{
	int err;

	err = sgfw_flowtable_init();
	if (err)
		return err;

	err = sgfw_netns_init();
	if (err)
		goto err_flowtable;

	err = sgfw_genl_init();
	if (err)
		goto err_netns;

	pr_info("version %s loaded\n", SGFW_VERSION);
	return 0;

err_netns:
	sgfw_netns_exit();
err_flowtable:
	sgfw_flowtable_exit();
	return err;
}

static void __exit sgfw_exit(void)
{
	sgfw_genl_exit();
	sgfw_netns_exit();
	sgfw_flowtable_exit();
}

module_init(sgfw_init);
module_exit(sgfw_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Stateful security groups and network ACLs");
MODULE_VERSION(SGFW_VERSION);
MODULE_ALIAS_GENL_FAMILY(SGFW_GENL_NAME);
