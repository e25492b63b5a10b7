/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_NETLINK_H
#define _SGFW_NETLINK_H

int sgfw_genl_init(void);
void sgfw_genl_exit(void);

#endif /* _SGFW_NETLINK_H */
