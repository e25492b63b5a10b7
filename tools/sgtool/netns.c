// SPDX-License-Identifier: GPL-2.0
/*
 * Entering a named network namespace.  Every sgfw object belongs to the
 * namespace of the socket that creates it, so switching before the socket
 * is opened is all that -n needs; the mount namespace is left alone, as
 * nothing sgtool reads depends on it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

int netns_enter(const char *name)
{
	char path[sizeof(NETNS_RUN_DIR) + NAME_MAX + 1];
	int fd, err = 0;

	/* The same names `ip netns` accepts: never a path out of the dir. */
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || strlen(name) > NAME_MAX)
		return -EINVAL;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET) < 0)
		err = -errno;
	close(fd);
	return err;
}
