// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool sg: security groups and their members.
 *
 *	sg add NAME [desc TEXT]
 *	sg del NAME
 *	sg show [NAME]
 *	sg member { add | del } NAME ADDR...
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
#include "rule.h"
#include "sgtool.h"

#define OBJ "sg"

/*
 * One group, as SGFW_CMD_SG_GET and SGFW_CMD_SG_NEW reply.  In text:
 *
 *	sg web id 3 attached 2
 *	  desc "web servers"
 *	  members 10.0.0.5 fd00::5
 *	  rule 1 egress all to 0.0.0.0/0
 */
static int sg_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	const struct nlattr *tb[SGFW_A_SG_MAX + 1];
	const char *name, *desc;
	const struct nlattr *a;
	unsigned int members = 0;
	uint32_t id, attached;
	bool has_attached;
	int err;

	(void)arg;
	err = nl_parse_attrs(nlh, tb, SGFW_A_SG_MAX);
	if (err)
		return err;
	name = nl_attr_str(tb[SGFW_A_SG_NAME]);
	if (!name || nl_attr_u32(tb[SGFW_A_SG_ID], &id))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_SG_DESCRIPTION], &desc);
	if (err)
		return err;
	err = nl_attr_u32(tb[SGFW_A_SG_ATTACHED], &attached);
	if (err == -EBADMSG)
		return err;
	has_attached = !err;

	if (print) {
		print_open_object(NULL);
		print_string("name", "sg %s", name);
		print_u64("id", " id %" PRIu64, id);
		if (has_attached)
			print_u64("attached", " attached %" PRIu64, attached);
		print_text("\n");
		if (desc)
			print_string("description", "  desc \"%s\"\n", desc);
		else
			print_null("description", NULL);
	}

	msg_for_each_attr(a, nlh, SGFW_A_SG_MEMBER) {
		struct cidr c;
		char buf[ADDR_TEXT_LEN];

		err = msg_cidr(a, &c);
		if (err)
			return err;
		if (!print)
			continue;
		if (!members++) {
			print_open_array("members");
			print_text("  members");
		}
		/* Members are addresses; a prefix length is shown if sent. */
		if (c.has_plen)
			cidr_format(&c, buf, sizeof(buf));
		else
			addr_format(&c.addr, buf, sizeof(buf));
		print_string(NULL, " %s", buf);
	}
	if (print) {
		if (!members)
			print_open_array("members");
		else
			print_text("\n");
		print_close_array();
		print_open_array("rules");
	}

	msg_for_each_attr(a, nlh, SGFW_A_SG_RULE) {
		const struct nlattr *rtb[SGFW_A_RULE_MAX + 1];
		struct rule r;

		err = nl_parse_nested(a, rtb, SGFW_A_RULE_MAX);
		if (!err)
			err = rule_decode(rtb, &r);
		if (err)
			return err;
		if (!print)
			continue;
		print_text("  ");
		rule_print(&r, false);
	}
	if (print) {
		print_close_array();
		print_close_object();
	}
	return 0;
}

static int sg_show(int argc, char **argv)
{
	static const uint16_t lists[] = {
		SGFW_A_SG_RULE, SGFW_A_SG_MEMBER, 0
	};
	static const struct msg_show sh = {
		.cmd = SGFW_CMD_SG_GET,
		.walk = sg_walk,
		.join_key = SGFW_A_SG_NAME,
		.join_lists = lists,
	};

	return cmd_show(OBJ, &sh, NULL, argc, argv);
}

static int sg_add(int argc, char **argv)
{
	struct nl_msgs replies = { 0 };
	const char *desc = NULL;
	struct req q;
	int status;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing security group name");
	if (argc > 2) {
		if (strcmp(argv[2], "desc"))
			return cli_no_more_args(OBJ, argc - 2, argv + 2);
		if (argc < 4)
			return cli_usage_error(OBJ, "\"desc\" needs a value");
		desc = argv[3];
		status = cli_no_more_args(OBJ, argc - 4, argv + 4);
		if (status)
			return status;
	}
	status = cmd_open(&q, SGFW_CMD_SG_NEW);
	if (status)
		return status;
	req_str(&q, SGFW_A_SG_NAME, argv[1]);
	if (desc)
		req_str(&q, SGFW_A_SG_DESCRIPTION, desc);
	status = req_talk(&q, nl_collect, &replies);
	if (status)
		goto out;

	/* Quiet in text, as `ip` is; JSON gets the group the kernel made. */
	if (print_is_json() && replies.n == 1) {
		if (sg_walk(replies.v[0], false, NULL)) {
			cli_error("group added, but the kernel's reply is "
				  "malformed");
			status = SGTOOL_EXIT_KERNEL;
			goto out;
		}
		sg_walk(replies.v[0], true, NULL);
	}
	status = cli_output_end();
out:
	nl_msgs_free(&replies);
	nl_close(q.s);
	return status;
}

static int sg_del(int argc, char **argv)
{
	return cmd_name_only(OBJ, "security group", SGFW_CMD_SG_DEL,
			     SGFW_A_SG_NAME, argc, argv);
}

/* A member is one address: a host prefix is the same thing. */
static int parse_member(const char *obj, const char *arg, struct cidr *c)
{
	if (parse_cidr(arg, c))
		return cli_usage_error(obj, "invalid address \"%s\"", arg);
	if (c->plen != (c->addr.family == AF_INET ? 32 : 128))
		return cli_usage_error(obj, "a member is an address, not a "
				       "prefix: \"%s\"", arg);
	return SGTOOL_EXIT_OK;
}

/* sg member { add | del } NAME ADDR...; argv[0] is "add" or "del". */
static const struct cmd_cidr_list members = {
	.obj = OBJ,
	.what = "security group",
	.item = "address",
	.parse = parse_member,
	.name_attr = SGFW_A_SG_NAME,
	.cidr_attr = SGFW_A_SG_MEMBER,
	.plen = false,
};

static int member_add(int argc, char **argv)
{
	return cmd_cidr_list(&members, SGFW_CMD_MEMBER_ADD, argc, argv);
}

static int member_del(int argc, char **argv)
{
	return cmd_cidr_list(&members, SGFW_CMD_MEMBER_DEL, argc, argv);
}

static const char sg_usage[] =
	"Usage: sgtool [OPTIONS] sg add NAME [ desc TEXT ]\n"
	"       sgtool [OPTIONS] sg del NAME\n"
	"       sgtool [OPTIONS] sg [ show [ NAME ] ]\n"
	"       sgtool [OPTIONS] sg member { add | del } NAME ADDR...\n"
	"\n"
	"Create, delete and show security groups.  A new group has no\n"
	"ingress rule and one egress rule per family that allows\n"
	"everything (see \"sgtool rule help\" for rules).  A group can\n"
	"be deleted only when no device has it and no rule names it.\n"
	"Members are addresses added by hand to those of the devices\n"
	"the group is attached to, for rules whose peer is the group.\n"
	"\"sg show\" prints every group, or NAME; with -j, a JSON array.\n";

static const char member_usage[] =
	"Usage: sgtool [OPTIONS] sg member { add | del } NAME ADDR...\n"
	"\n"
	"Add addresses to the members of the security group NAME, or\n"
	"remove them: all or none, as the kernel refuses the whole\n"
	"request when one address is already there (add) or is not\n"
	"(del).  An ADDR is an IPv4 or IPv6 address.\n";

static const struct cli_cmd member_cmds[] = {
	{ "add", member_add, "add addresses to a group's members" },
	{ "del", member_del, "remove addresses from a group's members" },
	{ 0 }
};

static const struct cli_object member_object = {
	.name = OBJ " member",
	.cmds = member_cmds,
	.usage = member_usage,
};

static int sg_member(int argc, char **argv)
{
	return cli_run(&member_object, argc, argv);
}

static const struct cli_cmd sg_cmds[] = {
	{ "add", sg_add, "create a security group" },
	{ "del", sg_del, "delete a security group" },
	{ "show", sg_show, "show security groups (the default)" },
	{ "member", sg_member, "add or remove a group's members" },
	{ 0 }
};

static const struct cli_object sg_object = {
	.name = OBJ,
	.cmds = sg_cmds,
	.usage = sg_usage,
	.fallback = sg_show,
};

int sg_main(int argc, char **argv)
{
	return cli_run(&sg_object, argc, argv);
}
