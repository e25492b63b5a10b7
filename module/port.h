/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port mode (semantics.md): a device that is the host side of an
 * instance's interface, a veth peer or a tap.  Its directions are the
 * instance's, and what comes out of it may be held to the instance's
 * addresses (the source check).  The hooks are in hooks.c; this is what
 * the settings are and what the check does.
 */
#ifndef _SGFW_PORT_H
#define _SGFW_PORT_H

#include <linux/if_ether.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/types.h>

#include "types.h"

struct sk_buff;

/* The addresses of one instance (as Neutron's fixed IPs and pairs). */
#define SGFW_MAX_PORT_ADDRS	64

/*
 * struct sgfw_port - the port-mode settings of a device name; a device
 * name without one is in endpoint mode.  Never changed once made: a
 * change makes a new one.  Shared by the running configuration
 * (sgfw_dev.port, which the hooks read under RCU) and the transactions
 * that copy it (sgfw_txn_dev.port), each holding a reference in @ref;
 * freed a grace period after the last goes.
 * @source_check: a packet from the instance must come from @addrs (and
 *	a frame from @mac, when it is set).
 * @mac: the instance's MAC address, unicast; all zeros when it has none
 *	(MAC addresses are not checked).
 * @n, @addrs: the instance's addresses and prefixes, canonical, sorted
 *	and unique; at most SGFW_MAX_PORT_ADDRS.
 */
struct sgfw_port {
	refcount_t ref;
	struct rcu_head rcu;
	u8 mac[ETH_ALEN] __aligned(2);
	bool source_check;
	u32 n;
	struct sgfw_cidr addrs[];
};

struct sgfw_port *sgfw_port_new(bool source_check, const u8 *mac,
				const struct sgfw_cidr *v, u32 n);
struct sgfw_port *sgfw_port_get(struct sgfw_port *port);
void sgfw_port_put(struct sgfw_port *port);
bool sgfw_port_equal(const struct sgfw_port *a, const struct sgfw_port *b);
bool sgfw_port_has(const struct sgfw_port *port, enum sgfw_af af,
		   const union sgfw_addr *a);
bool sgfw_port_spoofed(const struct sgfw_port *port, const struct sgfw_pkt *p,
		       bool arp);
int sgfw_port_arp(const struct sk_buff *skb, struct sgfw_pkt *p);
bool sgfw_port_mac_spoofed(const struct sgfw_port *port,
			   const struct sk_buff *skb);
bool sgfw_port_nd_spoofed(const struct sgfw_port *port,
			  const struct sk_buff *skb, const struct sgfw_pkt *p);

#endif /* _SGFW_PORT_H */
