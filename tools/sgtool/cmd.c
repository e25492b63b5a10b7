// SPDX-License-Identifier: GPL-2.0
/*
 * What the commands of several objects share.  See cmd.h.
 */

#include <errno.h>
#include <stdlib.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "cmd.h"
#include "conn.h"
#include "dev.h"
#include "sgtool.h"

int cmd_open(struct req *q, uint8_t cmd)
{
	struct nl_sock *s;
	int status;

	status = conn_open(&s);
	if (status)
		return status;
	req_init(q, s, cmd, 0);
	return SGTOOL_EXIT_OK;
}

int cmd_open_dev(struct req *q, uint8_t cmd, uint16_t attr, const char *dev)
{
	uint32_t ifindex;
	int status;

	status = cmd_open(q, cmd);
	if (status)
		return status;
	status = dev_index(dev, &ifindex);
	if (status) {
		nl_close(q->s);
		return status;
	}
	req_u32(q, attr, ifindex);
	return SGTOOL_EXIT_OK;
}

int cmd_open_ifname(struct req *q, uint8_t cmd, const char *dev)
{
	int status = dev_name_check(dev);

	if (status)
		return status;
	status = cmd_open(q, cmd);
	if (status)
		return status;
	req_str(q, SGFW_A_IFACE_IFNAME, dev);
	return SGTOOL_EXIT_OK;
}

int cmd_send(struct req *q)
{
	int status = req_talk(q, NULL, NULL);

	nl_close(q->s);
	return status;
}

/* KEY as a string attribute. */
struct cmd_key {
	uint16_t attr;
	const char *key;
};

static int build_key(struct req *q, void *arg)
{
	const struct cmd_key *k = arg;

	req_str(q, k->attr, k->key);
	return SGTOOL_EXIT_OK;
}

int cmd_show(const char *obj, const struct msg_show *sh,
	     int (*build)(struct req *q, void *arg), int argc, char **argv)
{
	struct msg_show one = *sh;
	struct cmd_key key;
	int status;

	if (argc < 2)
		return msg_show(sh);
	status = cli_no_more_args(obj, argc - 2, argv + 2);
	if (status)
		return status;
	if (build) {
		one.build = build;
		one.build_arg = argv[1];
	} else {
		key = (struct cmd_key){ sh->join_key, argv[1] };
		one.build = build_key;
		one.build_arg = &key;
	}
	return msg_show(&one);
}

int cmd_name_only(const char *obj, const char *what, uint8_t cmd,
		  uint16_t attr, int argc, char **argv)
{
	struct req q;
	int status;

	if (argc < 2)
		return cli_usage_error(obj, "missing %s name", what);
	status = cli_no_more_args(obj, argc - 2, argv + 2);
	if (status)
		return status;
	status = cmd_open(&q, cmd);
	if (status)
		return status;
	req_str(&q, attr, argv[1]);
	return cmd_send(&q);
}

int cmd_parse_cidr(const char *obj, const char *arg, struct cidr *c)
{
	int err = parse_cidr(arg, c);

	if (err == -ERANGE)
		return cli_usage_error(obj, "prefix length out of range in "
				       "\"%s\"", arg);
	if (err)
		return cli_usage_error(obj, "invalid CIDR \"%s\"", arg);
	return SGTOOL_EXIT_OK;
}

int cmd_cidr_list(const struct cmd_cidr_list *l, uint8_t cmd,
		  int argc, char **argv)
{
	struct cidr *cidrs;
	struct req q;
	int status, n;

	if (argc < 2)
		return cli_usage_error(l->obj, "missing %s name", l->what);
	if (argc < 3)
		return cli_usage_error(l->obj, "missing %s", l->item);
	n = argc - 2;
	cidrs = calloc((size_t)n, sizeof(*cidrs));
	if (!cidrs) {
		cli_error("out of memory");
		return SGTOOL_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		status = l->parse(l->obj, argv[2 + i], &cidrs[i]);
		if (status)
			goto out;
	}

	status = cmd_open(&q, cmd);
	if (status)
		goto out;
	req_str(&q, l->name_attr, argv[1]);
	for (int i = 0; i < n; i++)
		req_cidr(&q, l->cidr_attr, &cidrs[i], l->plen);
	status = cmd_send(&q);
out:
	free(cidrs);
	return status;
}
