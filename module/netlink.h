/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETLINK_H
#define _SGFW_NETLINK_H

struct net;
struct sk_buff;

int sgfw_genl_init(void);
void sgfw_genl_exit(void);
int sgfw_status_fill(struct sk_buff *skb, struct net *net);

#endif /* _SGFW_NETLINK_H */
