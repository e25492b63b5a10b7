/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETLINK_H
#define _SGFW_NETLINK_H

#include <linux/types.h>

#include "types.h"

struct genl_family;
struct net;
struct sk_buff;

extern struct genl_family sgfw_genl_family;

int sgfw_genl_init(void);
void sgfw_genl_exit(void);
int sgfw_status_fill(struct sk_buff *skb, struct net *net);

/*
 * A nest @type of SGFW_A_CIDR_*: address @a of family @af, with prefix
 * length @plen unless it is negative (a host).
 */
struct netlink_ext_ack;
struct nlattr;
struct sgfw_cidr;

/*
 * The CIDR of nest @nest of SGFW_A_CIDR_*; with @host, no prefix length
 * may be given.  Return: 0, or an error with @extack set.
 */
int sgfw_parse_cidr(const struct nlattr *nest, bool host,
		    struct sgfw_cidr *c, struct netlink_ext_ack *extack);

int sgfw_put_addr(struct sk_buff *skb, int type, u8 af,
		  const union sgfw_addr *a, int plen);

#endif /* _SGFW_NETLINK_H */
