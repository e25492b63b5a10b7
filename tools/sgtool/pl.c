// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool prefix-list: named sets of CIDRs, for rule peers.
 *
 *	prefix-list add NAME [max-entries N]
 *	prefix-list set NAME max-entries N
 *	prefix-list del NAME
 *	prefix-list show [NAME]
 *	prefix-list entry { add | del } NAME CIDR...
 */

#include <errno.h>
#include <inttypes.h>
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
 *	prefix-list office max-entries 20
 *	  10.0.0.0/8
 *	  fd00::/8
 */
static int pl_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	const struct nlattr *tb[SGFW_A_PL_MAX + 1];
	const struct nlattr *a;
	const char *name;
	uint32_t max = 0;
	int err;

	(void)arg;
	err = nl_parse_attrs(nlh, tb, SGFW_A_PL_MAX);
	if (err)
		return err;
	name = nl_attr_str(tb[SGFW_A_PL_NAME]);
	if (!name)
		return -EBADMSG;
	err = nl_attr_u32(tb[SGFW_A_PL_MAX_ENTRIES], &max);
	if (err == -EBADMSG)
		return err;
	if (print) {
		print_open_object(NULL);
		print_string("name", "prefix-list %s", name);
		if (!err)
			print_u64("max_entries", " max-entries %" PRIu64, max);
		print_text("\n");
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
	static const uint16_t lists[] = { SGFW_A_PL_ENTRY, 0 };
	struct msg_show sh = {
		.cmd = SGFW_CMD_PL_GET,
		.walk = pl_walk,
		.join_key = SGFW_A_PL_NAME,
		.join_lists = lists,
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

/*
 * prefix-list { add | set | del } NAME [max-entries N]: @max is whether
 * "max-entries N" may follow (add), must (set) or may not (del).
 */
enum pl_max { PL_MAX_NO, PL_MAX_MAY, PL_MAX_MUST };

static int pl_name_cmd(int argc, char **argv, uint8_t cmd, enum pl_max max)
{
	bool has_max = false;
	const char *name;
	struct nl_sock *s;
	struct req q;
	uint32_t n = 0;
	int status, rest = 2;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing prefix list name");
	name = argv[1];
	if (max != PL_MAX_NO && argc > 2 && !strcmp(argv[2], "max-entries")) {
		if (argc < 4)
			return cli_usage_error(OBJ,
					       "\"max-entries\" needs a value");
		if (parse_u32(argv[3], UINT32_MAX, &n))
			return cli_usage_error(OBJ, "invalid max-entries \"%s\"",
					       argv[3]);
		has_max = true;
		rest = 4;
	}
	if (max == PL_MAX_MUST && !has_max)
		return cli_usage_error(OBJ, "missing \"max-entries N\"");
	status = cli_no_more_args(OBJ, argc - rest, argv + rest);
	if (status)
		return status;
	status = conn_open(&s);
	if (status)
		return status;

	req_init(&q, s, cmd, 0);
	req_str(&q, SGFW_A_PL_NAME, name);
	if (has_max)
		req_u32(&q, SGFW_A_PL_MAX_ENTRIES, n);
	status = req_talk(&q, NULL, NULL);
	nl_close(s);
	return status;
}

static int pl_add(int argc, char **argv)
{
	return pl_name_cmd(argc, argv, SGFW_CMD_PL_NEW, PL_MAX_MAY);
}

static int pl_set(int argc, char **argv)
{
	return pl_name_cmd(argc, argv, SGFW_CMD_PL_SET, PL_MAX_MUST);
}

static int pl_del(int argc, char **argv)
{
	return pl_name_cmd(argc, argv, SGFW_CMD_PL_DEL, PL_MAX_NO);
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
	fputs("Usage: sgtool [OPTIONS] prefix-list add NAME [ max-entries N ]\n"
	      "       sgtool [OPTIONS] prefix-list set NAME max-entries N\n"
	      "       sgtool [OPTIONS] prefix-list del NAME\n"
	      "       sgtool [OPTIONS] prefix-list [ show [ NAME ] ]\n"
	      "       sgtool [OPTIONS] prefix-list entry { add | del } NAME CIDR...\n"
	      "\n"
	      "A prefix list is a named set of IPv4 and IPv6 prefixes that rules\n"
	      "name as their peer with \"prefix-list NAME\".  It holds at most\n"
	      "its max-entries (1 to 1000, 20 by default), and a rule that names\n"
	      "it counts as that many rules against the limits of its group and\n"
	      "devices.  \"set\" changes max-entries: not below the entries the\n"
	      "list holds, nor past what the groups that name it can hold.  A\n"
	      "list named by a rule cannot be deleted.  Entries are added or\n"
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
	{ "set", pl_set, "change the max-entries of a prefix list" },
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
