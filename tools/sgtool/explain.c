// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool explain: what a device's network ACL and security groups would
 * do with a packet.  The kernel builds the packet, judges it with the code
 * that judges real ones and sends nothing, changing and counting nothing
 * (SGFW_CMD_EXPLAIN).
 *
 *	explain DEV {ingress|egress} PROTO SRC[:PORT] DST[:PORT]
 *		[icmp-type T [icmp-code C]] [icmp-id N]
 *
 * The kernel would ignore ports with a protocol that has none and icmp
 * fields with one that is not its family's icmp: sgtool refuses them, so
 * that the answer is never about another packet than the one asked about.
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

#define OBJ "explain"

/* What `explain` asks about, as parsed. */
struct explain_args {
	const char *dev;
	uint32_t direction;
	struct rule_match match;	/* the protocol, icmp type and code */
	struct addr src, dst;
	bool has_sport, has_dport, has_icmp_id;
	uint16_t sport, dport, icmp_id;
};

/* SRC or DST (@what) into @a and its port. */
static int explain_endpoint(const char *what, const char *s, struct addr *a,
			    bool *has_port, uint16_t *port)
{
	int err = parse_endpoint(s, a, has_port, port);

	if (err == -ERANGE)
		return cli_usage_error(OBJ, "port out of range in \"%s\" "
				       "(0-65535)", s);
	if (err)
		return cli_usage_error(OBJ, "invalid %s \"%s\": expected an "
				       "IPv4 or IPv6 address, with an optional "
				       "port (10.0.0.1:80, [fd00::1]:80)",
				       what, s);
	return 0;
}

/* argv[0] is "icmp-id". */
static int explain_icmp_id(int argc, char **argv, struct explain_args *a)
{
	uint32_t id;

	if (argc < 2)
		return cli_usage_error(OBJ, "\"%s\" needs a value", argv[0]);
	if (a->has_icmp_id)
		return cli_usage_error(OBJ, "\"%s\" given twice", argv[0]);
	if (parse_u32(argv[1], 65535, &id))
		return cli_usage_error(OBJ, "invalid icmp-id \"%s\" (0-65535)",
				       argv[1]);
	a->icmp_id = (uint16_t)id;
	a->has_icmp_id = true;
	return 0;
}

/* The keywords after DST, in any order. */
static int explain_options(int argc, char **argv, struct explain_args *a)
{
	while (argc > 0) {
		int used = 0, err = 0;

		if (!strcmp(argv[0], "icmp-id")) {
			err = explain_icmp_id(argc, argv, a);
			used = 2;
		} else if (strcmp(argv[0], "port")) {
			/* icmp-type and icmp-code, as rules take them. */
			err = rule_match_parse(OBJ, argc, argv, &a->match,
					       &used);
		}
		if (err)
			return err;
		if (!used)
			return cli_no_more_args(OBJ, argc, argv);
		argc -= used;
		argv += used;
	}
	return 0;
}

/* What the kernel would not judge as asked. */
static int explain_check(const struct explain_args *a)
{
	const struct rule_match *m = &a->match;
	bool ports = m->proto == PROTO_TCP || m->proto == PROTO_UDP;
	bool icmp = m->proto == (a->src.family == AF_INET ? PROTO_ICMP :
							    PROTO_ICMPV6);

	if (a->src.family != a->dst.family)
		return cli_usage_error(OBJ, "the source and the destination "
				       "are of two families");
	if ((a->has_sport || a->has_dport) && !ports)
		return cli_usage_error(OBJ, "ports apply to tcp and udp only");
	if ((m->has_type || m->has_code || a->has_icmp_id) && !icmp)
		return cli_usage_error(OBJ, "icmp-type, icmp-code and icmp-id "
				       "apply to icmp over IPv4 and icmpv6 "
				       "over IPv6 only");
	if (m->has_code && !m->has_type)
		return cli_usage_error(OBJ, "\"icmp-code\" needs "
				       "\"icmp-type\"");
	return 0;
}

/* argv[0] is "explain". */
static int explain_parse(int argc, char **argv, struct explain_args *a)
{
	bool any;
	int err;

	memset(a, 0, sizeof(*a));
	if (argc < 2)
		return cli_usage_error(OBJ, "missing device name");
	a->dev = argv[1];
	if (argc < 3)
		return cli_usage_error(OBJ, "missing direction "
				       "(ingress or egress)");
	if (parse_direction(argv[2], &a->direction))
		return cli_usage_error(OBJ, "expected \"ingress\" or "
				       "\"egress\", not \"%s\"", argv[2]);
	if (argc < 4)
		return cli_usage_error(OBJ, "missing protocol");
	err = parse_protocol(argv[3], &a->match.proto, &any);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "protocol \"%s\" is out of range "
				       "(0-255)", argv[3]);
	if (err || any)
		return cli_usage_error(OBJ, "unknown protocol \"%s\" (tcp, "
				       "udp, icmp, icmpv6 or 0-255)", argv[3]);
	a->match.has_proto = true;
	if (argc < 5)
		return cli_usage_error(OBJ, "missing source address");
	err = explain_endpoint("source", argv[4], &a->src, &a->has_sport,
			       &a->sport);
	if (err)
		return err;
	if (argc < 6)
		return cli_usage_error(OBJ, "missing destination address");
	err = explain_endpoint("destination", argv[5], &a->dst,
			       &a->has_dport, &a->dport);
	return err ?: explain_options(argc - 6, argv + 6, a) ?:
	       explain_check(a);
}

static void explain_put(struct req *q, const struct explain_args *a)
{
	const struct cidr src = { .addr = a->src }, dst = { .addr = a->dst };

	req_u32(q, SGFW_A_EXPLAIN_DIRECTION, a->direction);
	req_u8(q, SGFW_A_EXPLAIN_PROTOCOL, a->match.proto);
	req_cidr(q, SGFW_A_EXPLAIN_SRC, &src, false);
	req_cidr(q, SGFW_A_EXPLAIN_DST, &dst, false);
	/* The kernel takes an icmp query's identifier as its source port. */
	if (a->has_sport || a->has_icmp_id)
		req_u16(q, SGFW_A_EXPLAIN_SPORT,
			a->has_sport ? a->sport : a->icmp_id);
	if (a->has_dport)
		req_u16(q, SGFW_A_EXPLAIN_DPORT, a->dport);
	if (a->match.has_type)
		req_u8(q, SGFW_A_EXPLAIN_ICMP_TYPE, a->match.icmp_type);
	if (a->match.has_code)
		req_u8(q, SGFW_A_EXPLAIN_ICMP_CODE, a->match.icmp_code);
}

/* The kernel's answer; strings point into its message. */
struct explain {
	uint32_t verdict;
	const char *nacl, *sg;
	bool has_nacl_rule, has_nacl_action, has_rule_id;
	bool has_track, has_timeout, has_flow_state;
	uint32_t nacl_rule, nacl_action, rule_id;
	uint32_t track, timeout, flow_state;
	bool flow, audit, unfiltered, always_pass;
};

static int explain_decode(const struct nlmsghdr *nlh, struct explain *e)
{
	const struct nlattr *tb[SGFW_A_EXPLAIN_MAX + 1];
	int err;

	memset(e, 0, sizeof(*e));
	err = nl_parse_attrs(nlh, tb, SGFW_A_EXPLAIN_MAX);
	if (err)
		return err;
	if (nl_attr_u32(tb[SGFW_A_EXPLAIN_VERDICT], &e->verdict))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_EXPLAIN_NACL], &e->nacl) ?:
	      msg_opt_str(tb[SGFW_A_EXPLAIN_SG], &e->sg) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_NACL_RULE], &e->has_nacl_rule,
			  &e->nacl_rule) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_NACL_ACTION], &e->has_nacl_action,
			  &e->nacl_action) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_RULE_ID], &e->has_rule_id,
			  &e->rule_id) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_TRACK], &e->has_track,
			  &e->track) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_TIMEOUT], &e->has_timeout,
			  &e->timeout) ?:
	      msg_opt_u32(tb[SGFW_A_EXPLAIN_FLOW_STATE], &e->has_flow_state,
			  &e->flow_state);
	if (err)
		return err;
	e->flow = tb[SGFW_A_EXPLAIN_FLOW];
	e->audit = tb[SGFW_A_EXPLAIN_AUDIT];
	e->unfiltered = tb[SGFW_A_EXPLAIN_UNFILTERED];
	e->always_pass = tb[SGFW_A_EXPLAIN_ALWAYS_PASS];
	/*
	 * The NACL decides by a rule, with its action, or by its implicit
	 * deny; a group's name comes with its rule's id.
	 */
	if ((e->has_nacl_action && !e->nacl) ||
	    (e->has_nacl_rule && !e->has_nacl_action) ||
	    (e->has_nacl_action && !e->has_nacl_rule &&
	     e->nacl_action != SGFW_NACL_ACTION_DENY) ||
	    (e->sg && !e->has_rule_id))
		return -EBADMSG;
	return 0;
}

/* @name under @key, or the number @v when it has none; text: @fmt. */
static void print_enum(const char *key, const char *fmt, const char *name,
		       uint32_t v)
{
	char num[16];

	if (name) {
		print_string(key, fmt, name);
		return;
	}
	snprintf(num, sizeof(num), "%" PRIu32, v);
	print_number(key, fmt, num);
}

/* "nacl edge rule 100 allow", "nacl edge implicit-deny", "nacl none". */
static void explain_print_nacl(const struct explain *e)
{
	if (e->nacl)
		print_string("nacl", "nacl %s", e->nacl);
	else
		print_null("nacl", "nacl %s");
	if (e->has_nacl_rule)
		print_u64("nacl_rule", " rule %" PRIu64, e->nacl_rule);
	else
		print_null("nacl_rule", NULL);
	if (!e->has_nacl_action) {
		/* The device has a NACL, but the packet never got to it. */
		print_null("nacl_action", NULL);
		if (e->nacl)
			print_text(" not-reached");
	} else if (e->has_nacl_rule) {
		print_enum("nacl_action", " %s",
			   nacl_action_name(e->nacl_action), e->nacl_action);
	} else {
		print_string("nacl_action", " implicit-%s", "deny");
	}
	print_text("\n");
}

/* "rule sg web id 4", "rule sg - id 4" (the group is gone), "rule none". */
static void explain_print_rule(const struct explain *e)
{
	if (!e->has_rule_id) {
		print_null("sg", "rule %s\n");
		print_null("rule_id", NULL);
		return;
	}
	if (e->sg) {
		print_string("sg", "rule sg %s", e->sg);
	} else {
		print_null("sg", NULL);
		print_text("rule sg -");
	}
	print_u64("rule_id", " id %" PRIu64 "\n", e->rule_id);
}

/* "track tracked timeout 432000s", "track untracked": when told. */
static void explain_print_track(const struct explain *e)
{
	if (!e->has_track) {
		print_null("track", NULL);
		print_null("timeout", NULL);
		return;
	}
	print_enum("track", "track %s", track_name(e->track), e->track);
	if (e->has_timeout)
		print_u64("timeout", " timeout %" PRIu64 "s", e->timeout);
	else
		print_null("timeout", NULL);
	print_text("\n");
}

/* "flow existing state established", "flow none". */
static void explain_print_flow(const struct explain *e)
{
	print_bool("flow", NULL, e->flow);
	print_text(e->flow ? "flow existing" : "flow none");
	if (e->flow && e->has_flow_state)
		print_enum("flow_state", " state %s",
			   flow_state_name(e->flow_state), e->flow_state);
	else
		print_null("flow_state", NULL);
	print_text("\n");
}

/*
 * In text, a line for each part of the answer:
 *
 *	verdict drop no-rule (audit: passes)
 *	(or: verdict accept (device not filtered), (always passes))
 *	nacl edge rule 100 allow
 *	rule none
 *	flow none
 */
static void explain_print(const struct explain *e)
{
	bool accepted = e->verdict == SGFW_VERDICT_ACCEPTED;

	print_open_object(NULL);
	print_enum("verdict", accepted ? "verdict %s" : "verdict drop %s",
		   verdict_name(e->verdict), e->verdict);
	if (!accepted && e->audit)
		print_text(" (audit: passes)");
	if (e->unfiltered)
		print_text(" (device not filtered)");
	if (e->always_pass)
		print_text(" (always passes)");
	print_text("\n");
	/* What happens to the packet: audit mode lets a drop pass. */
	print_bool("accepted", NULL, accepted || e->audit);
	print_bool("audit", NULL, e->audit);
	print_bool("unfiltered", NULL, e->unfiltered);
	print_bool("always_pass", NULL, e->always_pass);
	explain_print_nacl(e);
	explain_print_rule(e);
	explain_print_track(e);
	explain_print_flow(e);
	print_close_object();
}

static int explain_run(int argc, char **argv)
{
	struct nl_msgs replies = { 0 };
	struct explain_args a;
	struct explain e;
	struct req q;
	int status;

	status = explain_parse(argc, argv, &a);
	if (status)
		return status;
	status = cmd_open_dev(&q, SGFW_CMD_EXPLAIN, SGFW_A_EXPLAIN_IFINDEX,
			      a.dev);
	if (status)
		return status;
	explain_put(&q, &a);
	status = req_talk(&q, nl_collect, &replies);
	if (status)
		goto out;
	if (replies.n != 1 || explain_decode(replies.v[0], &e)) {
		cli_error("malformed reply from the kernel");
		status = SGTOOL_EXIT_KERNEL;
		goto out;
	}
	explain_print(&e);
	status = cli_output_end();
out:
	nl_msgs_free(&replies);
	nl_close(q.s);
	return status;
}

static const char explain_usage[] =
	"Usage: sgtool [OPTIONS] explain DEV { ingress | egress } PROTO SRC DST\n"
	"              [ icmp-type T [ icmp-code C ] ] [ icmp-id N ]\n"
	"PROTO    := { tcp | udp | icmp | icmpv6 | 0-255 }\n"
	"SRC, DST := { ADDR | IPV4:PORT | [IPV6]:PORT }\n"
	"\n"
	"Ask the kernel what DEV's network ACL and security groups would\n"
	"do with a packet from SRC to DST coming in (ingress) or going\n"
	"out (egress): the verdict, the NACL rule and the group's rule\n"
	"that decide, the flow it would open or the flow that would carry\n"
	"it.  Nothing is sent, changed or counted.  A tcp packet is a SYN,\n"
	"or the next packet of its flow when there is one.  Ports (0 when\n"
	"left out) go with tcp and udp; icmp-type and icmp-code (an echo\n"
	"request when left out) and icmp-id, the query's identifier, with\n"
	"icmp over IPv4 and icmpv6 over IPv6.  With -j, one JSON object.\n";

int explain_main(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(explain_usage, sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	return explain_run(argc, argv);
}
