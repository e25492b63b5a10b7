/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Net devices by name and by index, in the namespace sgtool acts on: call
 * these after conn_open(), which enters the namespace of -n.
 */
#ifndef SGTOOL_DEV_H
#define SGTOOL_DEV_H

#include <net/if.h>
#include <stdint.h>

/*
 * Return 0 when @name can be a device's name (the kernel checks the rest),
 * or report it and return an exit status.
 */
int dev_name_check(const char *name);

/* Return 0 with *ifindex set, or report the unknown device and return 1. */
int dev_index(const char *name, uint32_t *ifindex);

/*
 * The name of @ifindex: @kernel_name when the kernel sent one, else the
 * name the namespace has for it now; NULL when the device is gone.
 */
const char *dev_name(uint32_t ifindex, const char *kernel_name,
		     char buf[IF_NAMESIZE]);

/*
 * The device as output: its name under @key (text: @fmt), or, when it is
 * gone, its index as a number.
 */
void dev_print(const char *key, const char *fmt, uint32_t ifindex,
	       const char *kernel_name);

#endif /* SGTOOL_DEV_H */
