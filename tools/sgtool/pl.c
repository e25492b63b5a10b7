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
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "cmd.h"
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

static int pl_show(int argc, char **argv)
{
	static const uint16_t lists[] = { SGFW_A_PL_ENTRY, 0 };
	static const struct msg_show sh = {
		.cmd = SGFW_CMD_PL_GET,
		.walk = pl_walk,
		.join_key = SGFW_A_PL_NAME,
		.join_lists = lists,
	};

	return cmd_show(OBJ, &sh, NULL, argc, argv);
}

/*
 * prefix-list { add | set } NAME [max-entries N]: @must is whether
 * "max-entries N" must follow (set) or only may (add).
 */
static int pl_name_cmd(int argc, char **argv, uint8_t cmd, bool must)
{
	bool has_max = false;
	const char *name;
	struct req q;
	uint32_t n = 0;
	int status, rest = 2;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing prefix list name");
	name = argv[1];
	if (argc > 2 && !strcmp(argv[2], "max-entries")) {
		if (argc < 4)
			return cli_usage_error(OBJ,
					       "\"max-entries\" needs a value");
		if (parse_u32(argv[3], UINT32_MAX, &n))
			return cli_usage_error(OBJ, "invalid max-entries \"%s\"",
					       argv[3]);
		has_max = true;
		rest = 4;
	}
	if (must && !has_max)
		return cli_usage_error(OBJ, "missing \"max-entries N\"");
	status = cli_no_more_args(OBJ, argc - rest, argv + rest);
	if (status)
		return status;
	status = cmd_open(&q, cmd);
	if (status)
		return status;
	req_str(&q, SGFW_A_PL_NAME, name);
	if (has_max)
		req_u32(&q, SGFW_A_PL_MAX_ENTRIES, n);
	return cmd_send(&q);
}

static int pl_add(int argc, char **argv)
{
	return pl_name_cmd(argc, argv, SGFW_CMD_PL_NEW, false);
}

static int pl_set(int argc, char **argv)
{
	return pl_name_cmd(argc, argv, SGFW_CMD_PL_SET, true);
}

static int pl_del(int argc, char **argv)
{
	return cmd_name_only(OBJ, "prefix list", SGFW_CMD_PL_DEL,
			     SGFW_A_PL_NAME, argc, argv);
}

/* prefix-list entry { add | del } NAME CIDR...; argv[0] is add or del. */
static const struct cmd_cidr_list entries = {
	.obj = OBJ " entry",
	.what = "prefix list",
	.item = "CIDR",
	.parse = cmd_parse_cidr,
	.name_attr = SGFW_A_PL_NAME,
	.cidr_attr = SGFW_A_PL_ENTRY,
	/* Sent as written: the kernel stores the canonical prefix. */
	.plen = true,
};

static int entry_add(int argc, char **argv)
{
	return cmd_cidr_list(&entries, SGFW_CMD_PL_ENTRY_ADD, argc, argv);
}

static int entry_del(int argc, char **argv)
{
	return cmd_cidr_list(&entries, SGFW_CMD_PL_ENTRY_DEL, argc, argv);
}

static const char pl_usage[] =
	"Usage: sgtool [OPTIONS] prefix-list add NAME [ max-entries N ]\n"
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
	"array.\n";

static const struct cli_cmd entry_cmds[] = {
	{ "add", entry_add, "add prefixes to a list" },
	{ "del", entry_del, "remove prefixes from a list" },
	{ 0 }
};

static const struct cli_object entry_object = {
	.name = OBJ " entry",
	.cmds = entry_cmds,
	.usage = pl_usage,
};

static int pl_entry(int argc, char **argv)
{
	return cli_run(&entry_object, argc, argv);
}

static const struct cli_cmd pl_cmds[] = {
	{ "add", pl_add, "create a prefix list" },
	{ "set", pl_set, "change the max-entries of a prefix list" },
	{ "del", pl_del, "delete a prefix list" },
	{ "show", pl_show, "show prefix lists (the default)" },
	{ "entry", pl_entry, "add or remove prefixes" },
	{ 0 }
};

static const struct cli_object pl_object = {
	.name = OBJ,
	.cmds = pl_cmds,
	.usage = pl_usage,
	.fallback = pl_show,
};

int pl_main(int argc, char **argv)
{
	return cli_run(&pl_object, argc, argv);
}
