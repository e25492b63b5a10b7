/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGTOOL_NETNS_H
#define SGTOOL_NETNS_H

/* Named network namespaces live here, as `ip netns add` makes them. */
#define NETNS_RUN_DIR "/run/netns"

/*
 * Move the calling thread into the network namespace NETNS_RUN_DIR/@name,
 * as `ip -n` does.  Return 0, -EINVAL for a name that is not a plain file
 * name, or the -errno of open(2) or setns(2).
 */
int netns_enter(const char *name);

#endif /* SGTOOL_NETNS_H */
