// SPDX-License-Identifier: GPL-2.0
/*
 * Net device names.  See dev.h.
 */

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "dev.h"
#include "print.h"
#include "sgtool.h"

int dev_name_check(const char *name)
{
	if (*name && strlen(name) < IF_NAMESIZE)
		return SGTOOL_EXIT_OK;
	cli_error("invalid device name \"%s\": 1 to %d characters",
		  name, IF_NAMESIZE - 1);
	return SGTOOL_EXIT_USAGE;
}

int dev_index(const char *name, uint32_t *ifindex)
{
	unsigned int i = 0;

	/* if_nametoindex() would cut a long name to a device's that exists. */
	if (*name && strlen(name) < IF_NAMESIZE)
		i = if_nametoindex(name);
	if (!i) {
		if (sgtool_opts.netns)
			cli_error("cannot find device \"%s\" in network "
				  "namespace \"%s\"", name, sgtool_opts.netns);
		else
			cli_error("cannot find device \"%s\"", name);
		return SGTOOL_EXIT_USAGE;
	}
	*ifindex = i;
	return SGTOOL_EXIT_OK;
}

const char *dev_name(uint32_t ifindex, const char *kernel_name,
		     char buf[IF_NAMESIZE])
{
	if (kernel_name && *kernel_name)
		return kernel_name;
	return if_indextoname(ifindex, buf);
}

void dev_print(const char *key, const char *fmt, uint32_t ifindex,
	       const char *kernel_name)
{
	char buf[IF_NAMESIZE];
	const char *name = dev_name(ifindex, kernel_name, buf);
	char text[32];

	if (name) {
		print_string(key, fmt, name);
		return;
	}
	/* The text says what the number is; the JSON has the bare index. */
	snprintf(text, sizeof(text), "ifindex %u", ifindex);
	if (print_is_json())
		print_u64(key, NULL, ifindex);
	else
		print_string(NULL, fmt, text);
}
