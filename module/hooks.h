/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_HOOKS_H
#define _SGFW_HOOKS_H

struct net;

int sgfw_hooks_register(struct net *net);
void sgfw_hooks_unregister(struct net *net);

#endif /* _SGFW_HOOKS_H */
