// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: one struct sgfw_net in every namespace, with
 * the namespace's netfilter hooks registered for as long as it lives; and
 * the notifiers that keep it in step with the namespace's devices.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "config.h"
#include "flowtable.h"
#include "hooks.h"
#include "netns.h"

unsigned int sgfw_net_id __read_mostly;

static int __net_init sgfw_net_init(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);

	sn->net = net;
	sgfw_config_init(sn);
	atomic_set(&sn->flows.count, 0);
	atomic64_set(&sn->flows.exceeded, 0);
	sn->flows.limit = SGFW_DEFAULT_FLOW_LIMIT;
	return sgfw_hooks_register(net);
}

/*
 * The hooks go first, so no packet reaches the objects freed after them;
 * the devices of the namespace are gone already (they go before pernet
 * subsystems), and no netlink socket can reach a dying namespace.
 */
static void __net_exit sgfw_net_exit(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);

	sgfw_hooks_unregister(net);
	WRITE_ONCE(sn->dying, true);
	cancel_work_sync(&sn->rebuild_work);
	sgfw_config_free(sn);
	sgfw_flowtable_flush(net, &sn->flows, 0);
	WARN_ON_ONCE(atomic_read(&sn->flows.count));
	if (sn->defrag) {
		nf_defrag_ipv4_disable(net);
		nf_defrag_ipv6_disable(net);
	}
}

static struct pernet_operations sgfw_net_ops = {
	.init = sgfw_net_init,
	.exit = sgfw_net_exit,
	.id   = &sgfw_net_id,
	.size = sizeof(struct sgfw_net),
};

/* A device that leaves the namespace takes its groups and flows along. */
static int sgfw_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct sgfw_net *sn = sgfw_pernet(dev_net(dev));
	struct sgfw_dev *sd;
	bool had_sgs;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	ASSERT_RTNL();
	sd = sgfw_dev_find(sn, dev->ifindex);
	if (!sd)
		return NOTIFY_DONE;
	had_sgs = sd->nsgs;
	sgfw_dev_remove(sn, sd);
	/* Its addresses were members of its groups. */
	if (had_sgs && sgfw_config_commit(sn))
		pr_warn_ratelimited("cannot rebuild rulesets after %s left\n",
				    dev->name);
	return NOTIFY_DONE;
}

/*
 * A group's members include the addresses of the devices it is attached
 * to.  Address notifiers may run where sleeping is not allowed, so the
 * rebuild goes to a work item of the namespace.
 */
static void sgfw_addr_changed(struct net_device *dev)
{
	struct sgfw_net *sn = sgfw_pernet(dev_net(dev));

	if (!READ_ONCE(sn->dying) && xa_load(&sn->devs, dev->ifindex))
		schedule_work(&sn->rebuild_work);
}

static int sgfw_inetaddr_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	const struct in_ifaddr *ifa = ptr;

	sgfw_addr_changed(ifa->ifa_dev->dev);
	return NOTIFY_DONE;
}

static int sgfw_inet6addr_event(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;

	sgfw_addr_changed(ifa->idev->dev);
	return NOTIFY_DONE;
}

static struct notifier_block sgfw_netdev_nb = {
	.notifier_call = sgfw_netdev_event,
};

static struct notifier_block sgfw_inetaddr_nb = {
	.notifier_call = sgfw_inetaddr_event,
};

static struct notifier_block sgfw_inet6addr_nb = {
	.notifier_call = sgfw_inet6addr_event,
};

int sgfw_netns_init(void)
{
	int err;

	err = register_pernet_subsys(&sgfw_net_ops);
	if (err)
		return err;
	err = register_netdevice_notifier(&sgfw_netdev_nb);
	if (err)
		goto err_pernet;
	err = register_inetaddr_notifier(&sgfw_inetaddr_nb);
	if (err)
		goto err_netdev;
	err = register_inet6addr_notifier(&sgfw_inet6addr_nb);
	if (err)
		goto err_inetaddr;
	return 0;

err_inetaddr:
	unregister_inetaddr_notifier(&sgfw_inetaddr_nb);
err_netdev:
	unregister_netdevice_notifier(&sgfw_netdev_nb);
err_pernet:
	unregister_pernet_subsys(&sgfw_net_ops);
	return err;
}

void sgfw_netns_exit(void)
{
	unregister_inet6addr_notifier(&sgfw_inet6addr_nb);
	unregister_inetaddr_notifier(&sgfw_inetaddr_nb);
	unregister_netdevice_notifier(&sgfw_netdev_nb);
	unregister_pernet_subsys(&sgfw_net_ops);
}
