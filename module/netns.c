// SPDX-License-Identifier: GPL-2.0
/*
 * Per-network-namespace state: one struct sgfw_net in every namespace, and
 * the notifiers that keep it in step with the namespace's devices.  Its
 * netfilter hooks are registered when its first device is configured
 * (sgfw_config_commit()) and stay until it goes: a namespace sgfw has
 * nothing to do in (on a container host, most of them) pays nothing for
 * packets.
 */

#include <linux/inetdevice.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "config.h"
#include "flowtable.h"
#include "hooks.h"
#include "netns.h"
#include "txn.h"

unsigned int sgfw_net_id __read_mostly;

static unsigned int flow_limit_ceiling = SGFW_DEFAULT_FLOW_LIMIT;
module_param(flow_limit_ceiling, uint, 0644);
MODULE_PARM_DESC(flow_limit_ceiling,
		 "the most flows a namespace may be given without CAP_NET_ADMIN in the initial user namespace (default 65536)");

u32 sgfw_flow_limit_ceiling(void)
{
	return READ_ONCE(flow_limit_ceiling);
}

static int __net_init sgfw_net_init(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);
	u32 limit = SGFW_DEFAULT_FLOW_LIMIT;

	/* A namespace of a user namespace starts within the ceiling. */
	if (net->user_ns != &init_user_ns)
		limit = min(limit, sgfw_flow_limit_ceiling());
	sn->net = net;
	sgfw_config_init(sn);
	sgfw_flow_ns_init(&sn->flows, net, limit);
	sgfw_frags_init(&sn->frags);
	return 0;
}

/*
 * The hooks go in pre_exit, not in exit: nf_unregister_net_hooks() does
 * not wait for the packets that are inside a hook, and the pernet data
 * (this struct sgfw_net) is freed right after exit.  Between pre_exit and
 * exit the namespace core waits for a grace period (synchronize_rcu() in
 * cleanup_net() and in unregister_pernet_subsys(), the module's unload), so
 * that by exit no packet is in sgfw_hook() for this namespace any more,
 * and none can record a flow after exit has flushed them.
 */
void __net_exit sgfw_net_pre_exit(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);
	struct sgfw_dev *sd;

	rtnl_lock();
	if (sn->hooked)
		sgfw_hooks_unregister(net);
	sn->hooked = false;
	/*
	 * Port mode's hooks too: its devices are still there (they go after
	 * pre_exit), or, on unload, they stay and the notifier is gone.
	 */
	list_for_each_entry(sd, &sn->dev_list, list)
		sgfw_port_hooks_del(net, sd);
	WRITE_ONCE(sn->dying, true);
	rtnl_unlock();
}

/*
 * The devices of the namespace are gone already (they go before pernet
 * subsystems), no netlink socket can reach a dying namespace, and no
 * packet is in the hooks (pre_exit).
 */
static void __net_exit sgfw_net_exit(struct net *net)
{
	struct sgfw_net *sn = sgfw_pernet(net);

	cancel_work_sync(&sn->rebuild_work);
	cancel_delayed_work_sync(&sn->rollback_work);
	sgfw_txn_destroy(sn->rollback);
	sgfw_txn_destroy(sn->txn);
	sgfw_config_free(sn);
	sgfw_flowtable_flush(&sn->flows, NULL, SGFW_END_NAMESPACE_GONE);
	sgfw_flow_ns_exit(&sn->flows);
	sgfw_frags_exit(&sn->frags);
	if (sn->defrag) {
		nf_defrag_ipv4_disable(net);
		nf_defrag_ipv6_disable(net);
	}
}

static struct pernet_operations sgfw_net_ops = {
	.init = sgfw_net_init,
	.pre_exit = sgfw_net_pre_exit,
	.exit = sgfw_net_exit,
	.id   = &sgfw_net_id,
	.size = sizeof(struct sgfw_net),
};

/*
 * Configurations follow device names (config.h, struct sgfw_dev).  A device
 * registered in the namespace (new, or moved in from another one) or
 * renamed is bound to its name's configuration here, before it can pass a
 * packet: register_netdevice() sends NETDEV_REGISTER before the device can
 * be opened, and dev_change_name() refuses a device that is up (but for
 * the few that may be renamed live) and sends NETDEV_CHANGENAME after the
 * new name is in place.  When the binding fails, the registration or the
 * rename fails with it; a device moved from another namespace cannot be
 * refused that way (dev_change_net_namespace() ignores the answer), and is
 * left unfiltered with a warning, which takes an allocation failure.
 * A device that leaves (unregistered, moved out) or is renamed away loses
 * the configuration, which waits for the next device of the name, and its
 * flows.
 *
 * On unload, unregistering the notifier replays NETDEV_UNREGISTER for every
 * device: the configurations stay bound instead, and filter until the
 * namespaces' state goes with the hooks (sgfw_netns_exit()).
 */
static bool sgfw_unloading;

static int sgfw_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct sgfw_net *sn = sgfw_pernet(dev_net(dev));
	int err;

	if (READ_ONCE(sgfw_unloading))
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_CHANGENAME:
		sgfw_dev_unbind(sn, dev);
		fallthrough;
	case NETDEV_REGISTER:
		err = sgfw_dev_bind(sn, dev, event == NETDEV_CHANGENAME);
		if (err)
			pr_warn_ratelimited("cannot give %s its configuration: %d\n",
					    dev->name, err);
		return notifier_from_errno(err);
	case NETDEV_UNREGISTER:
		sgfw_dev_unbind(sn, dev);
		break;
	}
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
	WRITE_ONCE(sgfw_unloading, true);
	unregister_inet6addr_notifier(&sgfw_inet6addr_nb);
	unregister_inetaddr_notifier(&sgfw_inetaddr_nb);
	unregister_netdevice_notifier(&sgfw_netdev_nb);
	unregister_pernet_subsys(&sgfw_net_ops);
}
