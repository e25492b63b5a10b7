// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool nacl: network ACLs, the stateless layer, and their numbered rules.
 *
 *	nacl add NAME
 *	nacl del NAME
 *	nacl show [NAME]
 *	nacl rule add NAME NUM ingress {allow|deny} PROTO [port P[-Q]]
 *		[icmp-type T [icmp-code C]] from CIDR
 *	nacl rule add NAME NUM egress {allow|deny} PROTO ... to CIDR
 *	nacl rule del NAME NUM {ingress|egress}
 *
 * A device gets its NACL with `iface nacl` (iface.c).
 *
 * As for security group rules, what fits the attributes is sent as
 * written and the kernel judges it: a number out of 1-32766 or taken, a
 * rule with no CIDR, ports with a protocol that has none, a limit
 * reached.  Only what cannot be put in the request stops sgtool.
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

#define OBJ "nacl"

/* An enum the kernel sends as u32; a newer one may send it wider. */
static int decode_enum(const struct nlattr *a, uint32_t *v)
{
	uint64_t n;

	if (nl_attr_uint(a, &n) || n > UINT32_MAX)
		return -EBADMSG;
	*v = (uint32_t)n;
	return 0;
}

int nacl_rule_decode(const struct nlattr *nest, struct nacl_rule *r)
{
	const struct nlattr *tb[SGFW_A_NACL_RULE_MAX + 1];
	int err;

	memset(r, 0, sizeof(*r));
	err = nl_parse_nested(nest, tb, SGFW_A_NACL_RULE_MAX);
	if (err)
		return err;
	if (nl_attr_u32(tb[SGFW_A_NACL_RULE_NUMBER], &r->number) ||
	    decode_enum(tb[SGFW_A_NACL_RULE_DIRECTION], &r->direction) ||
	    decode_enum(tb[SGFW_A_NACL_RULE_ACTION], &r->action))
		return -EBADMSG;
	err = rule_match_decode(tb[SGFW_A_NACL_RULE_MATCH], &r->match);
	if (err)
		return err;
	r->has_cidr = !!tb[SGFW_A_NACL_RULE_PEER];
	if (r->has_cidr && msg_cidr(tb[SGFW_A_NACL_RULE_PEER], &r->cidr))
		return -EBADMSG;

	return msg_opt_u64(tb[SGFW_A_NACL_RULE_PACKETS], &r->has_packets,
			   &r->packets) ?:
	       msg_opt_u64(tb[SGFW_A_NACL_RULE_BYTES], &r->has_bytes,
			   &r->bytes);
}

/*
 * One rule, in text a line that reads as the `nacl rule add` that makes
 * it, then its counters:
 *
 *	rule 100 ingress allow tcp port 22 from 10.0.0.0/8 packets 3 bytes 180
 */
static void nacl_rule_print(const struct nacl_rule *r)
{
	const char *dir = direction_name(r->direction);
	const char *action = nacl_action_name(r->action);
	char buf[ADDR_TEXT_LEN];

	print_open_object(NULL);
	print_u64("number", "  rule %" PRIu64, r->number);
	if (dir)
		print_string("direction", " %s", dir);
	else
		print_u64("direction", " direction %" PRIu64, r->direction);
	if (action)
		print_string("action", " %s", action);
	else
		print_u64("action", " action %" PRIu64, r->action);

	rule_match_print(&r->match);

	if (r->has_cidr) {
		cidr_format(&r->cidr, buf, sizeof(buf));
		print_string("cidr", r->direction == SGFW_DIRECTION_EGRESS ?
			     " to %s" : " from %s", buf);
	} else {
		print_null("cidr", NULL);
	}
	if (r->has_packets)
		print_u64("packets", " packets %" PRIu64, r->packets);
	else
		print_null("packets", NULL);
	if (r->has_bytes)
		print_u64("bytes", " bytes %" PRIu64, r->bytes);
	else
		print_null("bytes", NULL);
	print_text("\n");
	print_close_object();
}

/* Where a rule goes in the listing: by direction, then by number. */
struct rule_key {
	uint32_t direction, number;
	size_t index;		/* of its nest: keeps equal keys apart */
};

static int key_cmp(const struct rule_key *a, const struct rule_key *b)
{
	if (a->direction != b->direction)
		return a->direction < b->direction ? -1 : 1;
	if (a->number != b->number)
		return a->number < b->number ? -1 : 1;
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	return 0;
}

/*
 * Print the rules of @nlh in order.  The kernel sends them so already;
 * sgtool does not count on it, as the order is what a NACL means.  A
 * selection, each time the smallest key past the last printed, needs no
 * memory for rules that are a few hundred at most.
 */
static void nacl_rules_print(const struct nlmsghdr *nlh)
{
	struct rule_key last = { 0 };
	bool first = true;

	for (;;) {
		struct nacl_rule r, best_rule;
		struct rule_key best = { 0 };
		const struct nlattr *a;
		bool found = false;
		size_t i = 0;

		msg_for_each_attr(a, nlh, SGFW_A_NACL_RULE) {
			struct rule_key k;

			/* Checked before anything was printed. */
			if (nacl_rule_decode(a, &r))
				continue;
			k = (struct rule_key){ r.direction, r.number, i++ };
			if (!first && key_cmp(&k, &last) <= 0)
				continue;
			if (!found || key_cmp(&k, &best) < 0) {
				best = k;
				best_rule = r;
				found = true;
			}
		}
		if (!found)
			return;
		nacl_rule_print(&best_rule);
		last = best;
		first = false;
	}
}

/*
 * One NACL, as SGFW_CMD_NACL_GET replies.  In text:
 *
 *	nacl edge attached 1
 *	  rule 100 ingress allow tcp port 22 from 10.0.0.0/8 packets 3 ...
 *	  rule 100 egress allow tcp port 1024-65535 to 0.0.0.0/0 packets ...
 */
static int nacl_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	const struct nlattr *tb[SGFW_A_NACL_MAX + 1];
	const struct nlattr *a;
	const char *name;
	uint32_t attached;
	bool has_attached;
	int err;

	(void)arg;
	err = nl_parse_attrs(nlh, tb, SGFW_A_NACL_MAX);
	if (err)
		return err;
	name = nl_attr_str(tb[SGFW_A_NACL_NAME]);
	if (!name)
		return -EBADMSG;
	err = nl_attr_u32(tb[SGFW_A_NACL_ATTACHED], &attached);
	if (err == -EBADMSG)
		return err;
	has_attached = !err;

	if (!print) {
		msg_for_each_attr(a, nlh, SGFW_A_NACL_RULE) {
			struct nacl_rule r;

			err = nacl_rule_decode(a, &r);
			if (err)
				return err;
		}
		return 0;
	}

	print_open_object(NULL);
	print_string("name", "nacl %s", name);
	if (has_attached)
		print_u64("attached", " attached %" PRIu64, attached);
	else
		print_null("attached", NULL);
	print_text("\n");
	print_open_array("rules");
	nacl_rules_print(nlh);
	print_close_array();
	print_close_object();
	return 0;
}

static int nacl_show(int argc, char **argv)
{
	static const uint16_t lists[] = { SGFW_A_NACL_RULE, 0 };
	static const struct msg_show sh = {
		.cmd = SGFW_CMD_NACL_GET,
		.walk = nacl_walk,
		.join_key = SGFW_A_NACL_NAME,
		.join_lists = lists,
	};

	return cmd_show(OBJ, &sh, NULL, argc, argv);
}

/* nacl { add | del } NAME */
static int nacl_add(int argc, char **argv)
{
	return cmd_name_only(OBJ, "network ACL", SGFW_CMD_NACL_NEW,
			     SGFW_A_NACL_NAME, argc, argv);
}

static int nacl_del(int argc, char **argv)
{
	return cmd_name_only(OBJ, "network ACL", SGFW_CMD_NACL_DEL,
			     SGFW_A_NACL_NAME, argc, argv);
}

/* What `nacl rule add` and `nacl rule del` ask for, as parsed. */
struct nacl_rule_args {
	const char *nacl;
	struct nacl_rule r;	/* without counters */
};

/*
 * NAME NUM DIRECTION, at argv[1..3] (argv[0] is "add" or "del").  The
 * number is the kernel's to judge, as long as it fits its u32.
 */
static int parse_rule_id(int argc, char **argv, struct nacl_rule_args *a)
{
	int err;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return cli_usage_error(OBJ, "missing network ACL name");
	a->nacl = argv[1];
	if (argc < 3)
		return cli_usage_error(OBJ, "missing rule number");
	err = parse_u32(argv[2], UINT32_MAX, &a->r.number);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "rule number \"%s\" is too large",
				       argv[2]);
	if (err)
		return cli_usage_error(OBJ, "invalid rule number \"%s\"",
				       argv[2]);
	if (argc < 4)
		return cli_usage_error(OBJ, "missing direction "
				       "(ingress or egress)");
	if (parse_direction(argv[3], &a->r.direction))
		return cli_usage_error(OBJ, "expected \"ingress\" or "
				       "\"egress\", not \"%s\"", argv[3]);
	return 0;
}

/* argv[0] is "from" or "to"; the CIDR follows. */
static int parse_rule_cidr(struct nacl_rule_args *a, int argc, char **argv)
{
	const char *want = a->r.direction == SGFW_DIRECTION_INGRESS ?
			   "from" : "to";
	int err;

	if (strcmp(argv[0], want))
		return cli_usage_error(OBJ, "%s rules take \"%s CIDR\", "
				       "not \"%s\"",
				       direction_name(a->r.direction), want,
				       argv[0]);
	if (a->r.has_cidr)
		return cli_usage_error(OBJ, "more than one CIDR");
	if (argc < 2)
		return cli_usage_error(OBJ, "\"%s\" needs a CIDR", argv[0]);
	err = parse_cidr(argv[1], &a->r.cidr);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "prefix length out of range in "
				       "\"%s\"", argv[1]);
	if (err)
		return cli_usage_error(OBJ, "invalid CIDR \"%s\": expected an "
				       "IPv4 or IPv6 prefix", argv[1]);
	a->r.has_cidr = true;
	return 0;
}

/* argv[0] is "add". */
static int parse_rule_add(int argc, char **argv, struct nacl_rule_args *a)
{
	int err;

	err = parse_rule_id(argc, argv, a);
	if (err)
		return err;
	if (argc < 5)
		return cli_usage_error(OBJ, "missing action (allow or deny)");
	if (parse_nacl_action(argv[4], &a->r.action))
		return cli_usage_error(OBJ, "expected \"allow\" or \"deny\", "
				       "not \"%s\"", argv[4]);
	if (argc < 6)
		return cli_usage_error(OBJ, "missing protocol");
	err = rule_match_parse_proto(OBJ, argv[5], &a->r.match);
	if (err)
		return err;
	argc -= 6;
	argv += 6;

	/* The keywords after PROTO, in any order, as for `rule add`. */
	while (argc > 0) {
		int used = 0;

		if (!strcmp(argv[0], "from") || !strcmp(argv[0], "to")) {
			err = parse_rule_cidr(a, argc, argv);
			if (err)
				return err;
			used = 2;
		} else {
			err = rule_match_parse(OBJ, argc, argv, &a->r.match,
					       &used);
			if (err)
				return err;
			if (!used)
				return cli_no_more_args(OBJ, argc, argv);
		}
		argc -= used;
		argv += used;
	}
	/*
	 * No CIDR is not refused here: the kernel says why a rule needs one,
	 * in the same words as for every other rule it refuses.
	 */
	return 0;
}

/* Send SGFW_CMD_NACL_RULE_NEW or _DEL with what @a holds. */
static int nacl_rule_send(uint8_t cmd, const struct nacl_rule_args *a)
{
	struct req q;
	int status;

	status = cmd_open(&q, cmd);
	if (status)
		return status;
	req_str(&q, SGFW_A_NACL_RULE_NACL, a->nacl);
	req_u32(&q, SGFW_A_NACL_RULE_NUMBER, a->r.number);
	req_u32(&q, SGFW_A_NACL_RULE_DIRECTION, a->r.direction);
	if (cmd == SGFW_CMD_NACL_RULE_NEW) {
		req_u32(&q, SGFW_A_NACL_RULE_ACTION, a->r.action);
		rule_match_put(&q, SGFW_A_NACL_RULE_MATCH, &a->r.match);
		/* As written: the kernel stores the prefix canonical. */
		if (a->r.has_cidr)
			req_cidr(&q, SGFW_A_NACL_RULE_PEER, &a->r.cidr, true);
	}
	return cmd_send(&q);
}

static int nacl_rule_add(int argc, char **argv)
{
	struct nacl_rule_args a;
	int status;

	status = parse_rule_add(argc, argv, &a);
	if (status)
		return status;
	return nacl_rule_send(SGFW_CMD_NACL_RULE_NEW, &a);
}

static int nacl_rule_del(int argc, char **argv)
{
	struct nacl_rule_args a;
	int status;

	status = parse_rule_id(argc, argv, &a);
	if (status)
		return status;
	status = cli_no_more_args(OBJ, argc - 4, argv + 4);
	if (status)
		return status;
	return nacl_rule_send(SGFW_CMD_NACL_RULE_DEL, &a);
}

static const char nacl_usage[] =
	"Usage: sgtool [OPTIONS] nacl add NAME\n"
	"       sgtool [OPTIONS] nacl del NAME\n"
	"       sgtool [OPTIONS] nacl [ show [ NAME ] ]\n"
	"       sgtool [OPTIONS] nacl rule add NAME NUM ingress ACTION PROTO\n"
	"              [ port P[-Q] ] [ icmp-type T [ icmp-code C ] ] from CIDR\n"
	"       sgtool [OPTIONS] nacl rule add NAME NUM egress ACTION PROTO\n"
	"              [ port P[-Q] ] [ icmp-type T [ icmp-code C ] ] to CIDR\n"
	"       sgtool [OPTIONS] nacl rule del NAME NUM { ingress | egress }\n"
	"\n"
	"ACTION := { allow | deny }\n"
	"PROTO  := { tcp | udp | icmp | icmpv6 | all | 0-255 }\n"
	"\n"
	"A network ACL is stateless: its rules, numbered 1-32766 in each\n"
	"direction, are evaluated lowest number first, the first that\n"
	"matches allows or denies, and a packet no rule matches is\n"
	"denied.  Replies need rules of their own (the ephemeral ports).\n"
	"On ingress the NACL is evaluated before the security groups, on\n"
	"egress after them, and a change applies at once, to tracked\n"
	"flows too.  PROTO, ports and icmp are as for \"sgtool rule\"; a\n"
	"CIDR is an IPv4 or IPv6 prefix, a bare address a host.\n"
	"Attach a NACL to a device with \"sgtool iface nacl DEV NAME\".\n"
	"\"nacl show\" prints every NACL, or NAME, with each rule's\n"
	"packet and byte counts; with -j, a JSON array.\n";

static const struct cli_cmd rule_cmds[] = {
	{ "add", nacl_rule_add, "add a numbered rule to a network ACL" },
	{ "del", nacl_rule_del, "delete a rule of a network ACL" },
	{ 0 }
};

static const struct cli_object rule_object = {
	.name = OBJ " rule",
	.cmds = rule_cmds,
	.usage = nacl_usage,
};

static int nacl_rule(int argc, char **argv)
{
	return cli_run(&rule_object, argc, argv);
}

static const struct cli_cmd nacl_cmds[] = {
	{ "add", nacl_add, "create a network ACL" },
	{ "del", nacl_del, "delete a network ACL" },
	{ "show", nacl_show, "show network ACLs (the default)" },
	{ "rule", nacl_rule, "add or delete a network ACL's rules" },
	{ 0 }
};

static const struct cli_object nacl_object = {
	.name = OBJ,
	.cmds = nacl_cmds,
	.usage = nacl_usage,
	.fallback = nacl_show,
};

int nacl_main(int argc, char **argv)
{
	return cli_run(&nacl_object, argc, argv);
}
