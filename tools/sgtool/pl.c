// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool prefix-list: named sets of CIDRs, for rule peers.
 *
 *	prefix-list add NAME
 *	prefix-list del NAME
 *	prefix-list show [NAME]
 *	prefix-list entry { add | del } NAME CIDR...
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "msg.h"
#include "print.h"
#include "sgtool.h"

#define OBJ "prefix-list"

/*
 * One list.  In text:
 *
 *	prefix-list office
 *	  10.0.0.0/8
 *	  fd00::/8
 */
static int pl_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	const struct nlattr *tb[SGFW_A_PL_MAX + 1];
	const struct nlattr *a;
	const char *name;
	int err;

	(void)arg;
	err = nl_parse_attrs(nlh, tb, SGFW_A_PL_MAX);
	if (err)
		return err;
	name = nl_attr_str(tb[SGFW_A_PL_NAME]);
	if (!name)
		return -EBADMSG;
	if (print) {
		print_open_object(NULL);
		print_string("name", "prefix-list %s\n", name);
		print_open_array("entries");
	}
	msg_for_each_attr(a, nlh, SGFW_A_PL_ENTRY) {
		char buf[ADDR_TEXT_LEN];
		struct cidr c;

		err = msg_cidr(a, &c);
		if (err)
			return err;
		if (!print)
			continue;
		cidr_format(&c, buf, sizeof(buf));
		print_string(NULL, "  %s\n", buf);
	}
	if (print) {
		print_close_array();
		print_close_object();
	}
	return 0;
}

static int build_pl_name(struct req *q, void *arg)
{
	req_str(q, SGFW_A_PL_NAME, arg);
	return SGTOOL_EXIT_OK;
}

static int pl_show(int argc, char **argv)
{
	struct msg_show sh = {
		.cmd = SGFW_CMD_PL_GET,
		.walk = pl_walk,
	};
	int status;

	if (argc > 1) {
		status = cli_no_more_args(OBJ, argc - 2, argv + 2);
		if (status)
			return status;
		sh.build = build_pl_name;
		sh.build_arg = argv[1];
	}
	return msg_show(&sh);
}

/* prefix-list { add | del } NAME */
static int pl_name_only(int argc, char **argv, uint8_t cmd)
{
	struct nl_sock *s;
	struct req q;
	int status;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing prefix list name");
	status = cli_no_more_args(OBJ, argc - 2, argv + 2);
	if (status)
		return status;
	status = conn_open(&s);
	if (status)
		return status;

	req_init(&q, s, cmd, 0);
	req_str(&q, SGFW_A_PL_NAME, argv[1]);
	status = req_talk(&q, NULL, NULL);
	nl_close(s);
	return status;
}

static int pl_add(int argc, char **argv)
{
	return pl_name_only(argc, argv, SGFW_CMD_PL_NEW);
}

static int pl_del(int argc, char **argv)
{
	return pl_name_only(argc, argv, SGFW_CMD_PL_DEL);
}

/* prefix-list entry { add | del } NAME CIDR...; argv[0] is add or del. */
static int entry_change(int argc, char **argv, uint8_t cmd)
{
	struct cidr *cidrs;
	struct nl_sock *s;
	struct req q;
	int status, n;

	if (argc < 2)
		return cli_usage_error(OBJ " entry", "missing prefix list name");
	if (argc < 3)
		return cli_usage_error(OBJ " entry", "missing CIDR");
	n = argc - 2;
	cidrs = calloc((size_t)n, sizeof(*cidrs));
	if (!cidrs) {
		cli_error("out of memory");
		return SGTOOL_EXIT_USAGE;
	}
	for (int i = 0; i < n; i++) {
		const char *arg = argv[2 + i];
		int err = parse_cidr(arg, &cidrs[i]);

		if (err) {
			free(cidrs);
			if (err == -ERANGE)
				return cli_usage_error(OBJ " entry",
						       "prefix length out of "
						       "range in \"%s\"", arg);
			return cli_usage_error(OBJ " entry",
					       "invalid CIDR \"%s\"", arg);
		}
	}

	status = conn_open(&s);
	if (status)
		goto out;
	req_init(&q, s, cmd, 0);
	req_str(&q, SGFW_A_PL_NAME, argv[1]);
	/* Sent as written: the kernel stores the canonical prefix. */
	for (int i = 0; i < n; i++)
		req_cidr(&q, SGFW_A_PL_ENTRY, &cidrs[i], true);
	status = req_talk(&q, NULL, NULL);
	nl_close(s);
out:
	free(cidrs);
	return status;
}

static int entry_add(int argc, char **argv)
{
	return entry_change(argc, argv, SGFW_CMD_PL_ENTRY_ADD);
}

static int entry_del(int argc, char **argv)
{
	return entry_change(argc, argv, SGFW_CMD_PL_ENTRY_DEL);
}

static int pl_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("Usage: sgtool [OPTIONS] prefix-list add NAME\n"
	      "       sgtool [OPTIONS] prefix-list del NAME\n"
	      "       sgtool [OPTIONS] prefix-list [ show [ NAME ] ]\n"
	      "       sgtool [OPTIONS] prefix-list entry { add | del } NAME CIDR...\n"
	      "\n"
	      "A prefix list is a named set of IPv4 and IPv6 prefixes (at most\n"
	      "1000) that rules name as their peer with \"prefix-list NAME\".\n"
	      "A list named by a rule cannot be deleted.  Entries are added or\n"
	      "removed all or none; a bare address is a host (/32 or /128).\n"
	      "\"prefix-list show\" prints every list, or NAME; with -j, a JSON\n"
	      "array.\n",
	      sgtool_out);
	return SGTOOL_EXIT_OK;
}

static const struct cli_cmd entry_cmds[] = {
	{ "add", entry_add, "add prefixes to a list" },
	{ "del", entry_del, "remove prefixes from a list" },
	{ "help", pl_help, "show this help" },
	{ 0 }
};

static int pl_entry(int argc, char **argv)
{
	return cli_dispatch(OBJ " entry", entry_cmds, argc - 1, argv + 1);
}

static const struct cli_cmd pl_cmds[] = {
	{ "add", pl_add, "create a prefix list" },
	{ "del", pl_del, "delete a prefix list" },
	{ "show", pl_show, "show prefix lists (the default)" },
	{ "entry", pl_entry, "add or remove prefixes" },
	{ "help", pl_help, "show this help" },
	{ 0 }
};

int pl_main(int argc, char **argv)
{
	if (argc < 2)
		return pl_show(1, (char *[]){ "show", NULL });
	return cli_dispatch(OBJ, pl_cmds, argc - 1, argv + 1);
}
