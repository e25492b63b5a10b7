// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool rule: add a rule to a security group, delete one.
 *
 *	rule add NAME ingress PROTO [port P[-Q]] [icmp-type T [icmp-code C]]
 *		from PEER [desc TEXT]
 *	rule add NAME egress PROTO ... to PEER [desc TEXT]
 *	rule del NAME ID
 *
 * The optional keywords may come in any order after PROTO.  Whether they
 * make sense together (ports with icmp, an icmp code without a type, an
 * icmp rule with an IPv6 peer) is the kernel's to say: they are sent as
 * written, and its message is what the user reads.
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

#define OBJ "rule"

int rule_match_decode(const struct nlattr *nest, struct rule_match *m)
{
	const struct nlattr *tb[SGFW_A_MATCH_MAX + 1] = { NULL };

	memset(m, 0, sizeof(*m));
	if (nest && nl_parse_nested(nest, tb, SGFW_A_MATCH_MAX))
		return -EBADMSG;
	m->has_proto = !!tb[SGFW_A_MATCH_PROTOCOL];
	if (m->has_proto && nl_attr_u8(tb[SGFW_A_MATCH_PROTOCOL], &m->proto))
		return -EBADMSG;

	/* Both ends of the port range, or neither. */
	m->has_ports = !!tb[SGFW_A_MATCH_PORT_FROM];
	if (m->has_ports != !!tb[SGFW_A_MATCH_PORT_TO])
		return -EBADMSG;
	if (m->has_ports &&
	    (nl_attr_u16(tb[SGFW_A_MATCH_PORT_FROM], &m->port_from) ||
	     nl_attr_u16(tb[SGFW_A_MATCH_PORT_TO], &m->port_to)))
		return -EBADMSG;

	m->has_type = !!tb[SGFW_A_MATCH_ICMP_TYPE];
	if (m->has_type &&
	    nl_attr_u8(tb[SGFW_A_MATCH_ICMP_TYPE], &m->icmp_type))
		return -EBADMSG;
	m->has_code = !!tb[SGFW_A_MATCH_ICMP_CODE];
	if (m->has_code &&
	    nl_attr_u8(tb[SGFW_A_MATCH_ICMP_CODE], &m->icmp_code))
		return -EBADMSG;
	return 0;
}

int rule_decode(const struct nlattr *tb[SGFW_A_RULE_MAX + 1], struct rule *r)
{
	int peers = 0;
	uint64_t dir;
	int err;

	memset(r, 0, sizeof(*r));
	if (nl_attr_u32(tb[SGFW_A_RULE_ID], &r->id) ||
	    nl_attr_uint(tb[SGFW_A_RULE_DIRECTION], &dir) || dir > UINT32_MAX)
		return -EBADMSG;
	r->direction = (uint32_t)dir;

	r->has_flows = !!tb[SGFW_A_RULE_FLOWS];
	r->has_last_hit = !!tb[SGFW_A_RULE_LAST_HIT];
	if ((r->has_flows && nl_attr_u64(tb[SGFW_A_RULE_FLOWS], &r->flows)) ||
	    (r->has_last_hit &&
	     nl_attr_u32(tb[SGFW_A_RULE_LAST_HIT], &r->last_hit)))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_RULE_SG], &r->sg) ?:
	      msg_opt_str(tb[SGFW_A_RULE_DESCRIPTION], &r->description) ?:
	      rule_match_decode(tb[SGFW_A_RULE_MATCH], &r->match);
	if (err)
		return err;

	/* Exactly one peer. */
	if (tb[SGFW_A_RULE_PEER]) {
		if (msg_cidr(tb[SGFW_A_RULE_PEER], &r->cidr))
			return -EBADMSG;
		peers++;
		r->peer = PEER_CIDR;
	}
	if (tb[SGFW_A_RULE_PEER_SG]) {
		peers++;
		r->peer = PEER_SG;
		r->peer_name = nl_attr_str(tb[SGFW_A_RULE_PEER_SG]);
	}
	if (tb[SGFW_A_RULE_PEER_PREFIX_LIST]) {
		peers++;
		r->peer = PEER_PREFIX_LIST;
		r->peer_name = nl_attr_str(tb[SGFW_A_RULE_PEER_PREFIX_LIST]);
	}
	if (peers != 1 || (r->peer != PEER_CIDR && !r->peer_name))
		return -EBADMSG;
	return 0;
}

void rule_match_print(const struct rule_match *m)
{
	const char *proto = proto_name(m->proto);

	if (!m->has_proto)
		print_string("protocol", " %s", "all");
	else if (proto)
		print_string("protocol", " %s", proto);
	else
		print_u64("protocol", " %" PRIu64, m->proto);

	if (!m->has_ports) {
		print_null("port_from", NULL);
		print_null("port_to", NULL);
	} else {
		print_u64("port_from", " port %" PRIu64, m->port_from);
		print_u64("port_to", m->port_to != m->port_from ?
			  "-%" PRIu64 : NULL, m->port_to);
	}

	if (!m->has_type)
		print_null("icmp_type", NULL);
	else
		print_u64("icmp_type", " icmp-type %" PRIu64, m->icmp_type);
	if (!m->has_code)
		print_null("icmp_code", NULL);
	else
		print_u64("icmp_code", " icmp-code %" PRIu64, m->icmp_code);
}

void rule_print(const struct rule *r, bool with_sg)
{
	const char *dir = direction_name(r->direction);
	char peer[ADDR_TEXT_LEN + 80];

	print_open_object(NULL);
	print_u64("id", "rule %" PRIu64, r->id);
	if (with_sg && r->sg)
		print_string("sg", NULL, r->sg);
	if (dir)
		print_string("direction", " %s", dir);
	else
		print_u64("direction", " direction %" PRIu64, r->direction);

	rule_match_print(&r->match);

	switch (r->peer) {
	case PEER_CIDR:
		cidr_format(&r->cidr, peer, sizeof(peer));
		break;
	case PEER_SG:
		snprintf(peer, sizeof(peer), "sg %s", r->peer_name);
		break;
	case PEER_PREFIX_LIST:
		snprintf(peer, sizeof(peer), "prefix-list %s", r->peer_name);
		break;
	}
	print_string("peer", r->direction == SGFW_DIRECTION_EGRESS ?
		     " to %s" : " from %s", peer);

	if (r->description)
		print_string("description", " desc \"%s\"", r->description);
	else
		print_null("description", NULL);
	/* Counters: the flows it opened, seconds since the last. */
	if (r->has_flows) {
		print_u64("flows", " flows %" PRIu64, r->flows);
		if (r->has_last_hit)
			print_u64("last_hit", " last-hit %" PRIu64 "s",
				  r->last_hit);
		else
			print_null("last_hit", NULL);
	}
	print_text("\n");
	print_close_object();
}

/* What `rule add` asks for, as parsed. */
struct rule_add_args {
	const char *sg;
	uint32_t direction;
	struct rule_match match;
	bool has_peer;
	enum peer_kind peer;
	struct cidr cidr;
	const char *peer_name;
	const char *desc;
};

static int parse_u8_arg(const char *obj, const char *what, const char *s,
			uint8_t *v)
{
	uint32_t n;
	int err = parse_u32(s, 255, &n);

	if (err == -ERANGE)
		return cli_usage_error(obj, "%s \"%s\" is out of range (0-255)",
				       what, s);
	if (err)
		return cli_usage_error(obj, "invalid %s \"%s\"", what, s);
	*v = (uint8_t)n;
	return 0;
}

int rule_match_parse_proto(const char *obj, const char *s,
			   struct rule_match *m)
{
	bool any;
	int err;

	err = parse_protocol(s, &m->proto, &any);
	if (err == -ERANGE)
		return cli_usage_error(obj, "protocol \"%s\" is out of range "
				       "(0-255)", s);
	if (err)
		return cli_usage_error(obj, "unknown protocol \"%s\" (tcp, "
				       "udp, icmp, icmpv6, all or 0-255)", s);
	m->has_proto = !any;
	return 0;
}

int rule_match_parse(const char *obj, int argc, char **argv,
		     struct rule_match *m, int *used)
{
	const char *kw = argv[0];
	int err;

	*used = 0;
	if (strcmp(kw, "port") && strcmp(kw, "icmp-type") &&
	    strcmp(kw, "icmp-code"))
		return 0;
	if (argc < 2)
		return cli_usage_error(obj, "\"%s\" needs a value", kw);

	if (!strcmp(kw, "port")) {
		if (m->has_ports)
			return cli_usage_error(obj, "\"port\" given twice");
		err = parse_port_range(argv[1], &m->port_from, &m->port_to);
		if (err == -ERANGE)
			return cli_usage_error(obj, "port out of range in "
					       "\"%s\" (0-65535)", argv[1]);
		if (err)
			return cli_usage_error(obj, "invalid port \"%s\" "
					       "(P or P-Q)", argv[1]);
		m->has_ports = true;
	} else if (!strcmp(kw, "icmp-type")) {
		if (m->has_type)
			return cli_usage_error(obj, "\"icmp-type\" given "
					       "twice");
		err = parse_u8_arg(obj, "icmp-type", argv[1], &m->icmp_type);
		if (err)
			return err;
		m->has_type = true;
	} else {
		if (m->has_code)
			return cli_usage_error(obj, "\"icmp-code\" given "
					       "twice");
		err = parse_u8_arg(obj, "icmp-code", argv[1], &m->icmp_code);
		if (err)
			return err;
		m->has_code = true;
	}
	*used = 2;
	return 0;
}

void rule_match_put(struct req *q, uint16_t type, const struct rule_match *m)
{
	struct nlattr *nest;

	if (!m->has_proto && !m->has_ports && !m->has_type && !m->has_code)
		return;
	nest = req_nest_start(q, type);
	if (!nest)
		return;
	if (m->has_proto)
		req_u8(q, SGFW_A_MATCH_PROTOCOL, m->proto);
	if (m->has_ports) {
		req_u16(q, SGFW_A_MATCH_PORT_FROM, m->port_from);
		req_u16(q, SGFW_A_MATCH_PORT_TO, m->port_to);
	}
	if (m->has_type)
		req_u8(q, SGFW_A_MATCH_ICMP_TYPE, m->icmp_type);
	if (m->has_code)
		req_u8(q, SGFW_A_MATCH_ICMP_CODE, m->icmp_code);
	req_nest_end(q, nest);
}

/* argv[0] is "from" or "to"; the peer follows. */
static int parse_peer(struct rule_add_args *a, int argc, char **argv,
		      int *used)
{
	const char *want = a->direction == SGFW_DIRECTION_INGRESS ?
			   "from" : "to";
	int err;

	if (strcmp(argv[0], want))
		return cli_usage_error(OBJ, "%s rules take \"%s PEER\", "
				       "not \"%s\"",
				       direction_name(a->direction), want,
				       argv[0]);
	if (a->has_peer)
		return cli_usage_error(OBJ, "more than one peer");
	if (argc < 2)
		return cli_usage_error(OBJ, "\"%s\" needs a peer", argv[0]);
	a->has_peer = true;

	if (!strcmp(argv[1], "sg") || !strcmp(argv[1], "prefix-list")) {
		if (argc < 3)
			return cli_usage_error(OBJ, "\"%s %s\" needs a name",
					       argv[0], argv[1]);
		a->peer = argv[1][0] == 's' ? PEER_SG : PEER_PREFIX_LIST;
		a->peer_name = argv[2];
		*used = 3;
		return 0;
	}

	err = parse_cidr(argv[1], &a->cidr);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "prefix length out of range in "
				       "\"%s\"", argv[1]);
	if (err)
		return cli_usage_error(OBJ, "invalid peer \"%s\": expected an "
				       "IPv4 or IPv6 CIDR, \"sg NAME\" or "
				       "\"prefix-list NAME\"", argv[1]);
	a->peer = PEER_CIDR;
	*used = 2;
	return 0;
}

/* argv[0] is "add". */
static int parse_rule_add(int argc, char **argv, struct rule_add_args *a)
{
	int err;

	memset(a, 0, sizeof(*a));
	argc--;
	argv++;
	if (argc < 1)
		return cli_usage_error(OBJ, "missing security group name");
	a->sg = argv[0];
	if (argc < 2)
		return cli_usage_error(OBJ, "missing direction "
				       "(ingress or egress)");
	if (parse_direction(argv[1], &a->direction))
		return cli_usage_error(OBJ, "expected \"ingress\" or "
				       "\"egress\", not \"%s\"", argv[1]);
	if (argc < 3)
		return cli_usage_error(OBJ, "missing protocol");
	err = rule_match_parse_proto(OBJ, argv[2], &a->match);
	if (err)
		return err;
	argc -= 3;
	argv += 3;

	while (argc > 0) {
		const char *kw = argv[0];
		int used = 0;

		if (!strcmp(kw, "from") || !strcmp(kw, "to")) {
			err = parse_peer(a, argc, argv, &used);
			if (err)
				return err;
			argc -= used;
			argv += used;
			continue;
		}
		err = rule_match_parse(OBJ, argc, argv, &a->match, &used);
		if (err)
			return err;
		if (!used) {
			if (strcmp(kw, "desc"))
				return cli_no_more_args(OBJ, argc, argv);
			if (argc < 2)
				return cli_usage_error(OBJ, "\"%s\" needs a "
						       "value", kw);
			if (a->desc)
				return cli_usage_error(OBJ, "\"desc\" given "
						       "twice");
			a->desc = argv[1];
			used = 2;
		}
		argc -= used;
		argv += used;
	}

	if (!a->has_peer)
		return cli_usage_error(OBJ, "missing \"%s PEER\"",
				       a->direction == SGFW_DIRECTION_INGRESS ?
				       "from" : "to");
	return 0;
}

static void build_rule_add(struct req *q, const struct rule_add_args *a)
{
	req_str(q, SGFW_A_RULE_SG, a->sg);
	req_u32(q, SGFW_A_RULE_DIRECTION, a->direction);
	rule_match_put(q, SGFW_A_RULE_MATCH, &a->match);
	switch (a->peer) {
	case PEER_CIDR:
		req_cidr(q, SGFW_A_RULE_PEER, &a->cidr, true);
		break;
	case PEER_SG:
		req_str(q, SGFW_A_RULE_PEER_SG, a->peer_name);
		break;
	case PEER_PREFIX_LIST:
		req_str(q, SGFW_A_RULE_PEER_PREFIX_LIST, a->peer_name);
		break;
	}
	if (a->desc)
		req_str(q, SGFW_A_RULE_DESCRIPTION, a->desc);
}

static int rule_add(int argc, char **argv)
{
	const struct nlattr *tb[SGFW_A_RULE_MAX + 1];
	struct nl_msgs replies = { 0 };
	struct rule_add_args a;
	struct rule r;
	struct req q;
	int status;

	status = parse_rule_add(argc, argv, &a);
	if (status)
		return status;
	status = cmd_open(&q, SGFW_CMD_RULE_NEW);
	if (status)
		return status;
	build_rule_add(&q, &a);
	status = req_talk(&q, nl_collect, &replies);
	if (status)
		goto out;

	/* The rule was made; without its id there is nothing to show. */
	if (replies.n != 1 || nl_parse_attrs(replies.v[0], tb,
					     SGFW_A_RULE_MAX) ||
	    rule_decode(tb, &r)) {
		cli_error("rule added, but the kernel's reply is malformed");
		status = SGTOOL_EXIT_KERNEL;
		goto out;
	}
	if (!r.sg)
		r.sg = a.sg;
	if (print_is_json())
		rule_print(&r, true);
	else
		print_text("rule %" PRIu32 " added\n", r.id);
	status = cli_output_end();
out:
	nl_msgs_free(&replies);
	nl_close(q.s);
	return status;
}

static int rule_del(int argc, char **argv)
{
	struct req q;
	uint32_t id;
	int status;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing security group name");
	if (argc < 3)
		return cli_usage_error(OBJ, "missing rule id");
	if (parse_u32(argv[2], UINT32_MAX, &id))
		return cli_usage_error(OBJ, "invalid rule id \"%s\"", argv[2]);
	status = cli_no_more_args(OBJ, argc - 3, argv + 3);
	if (status)
		return status;
	status = cmd_open(&q, SGFW_CMD_RULE_DEL);
	if (status)
		return status;
	req_str(&q, SGFW_A_RULE_SG, argv[1]);
	req_u32(&q, SGFW_A_RULE_ID, id);
	return cmd_send(&q);
}

static const char rule_usage[] =
	"Usage: sgtool [OPTIONS] rule add NAME ingress PROTO [ port P[-Q] ]\n"
	"              [ icmp-type T [ icmp-code C ] ] from PEER [ desc TEXT ]\n"
	"       sgtool [OPTIONS] rule add NAME egress PROTO [ port P[-Q] ]\n"
	"              [ icmp-type T [ icmp-code C ] ] to PEER [ desc TEXT ]\n"
	"       sgtool [OPTIONS] rule del NAME ID\n"
	"\n"
	"PROTO := { tcp | udp | icmp | icmpv6 | all | 0-255 }\n"
	"PEER  := { CIDR | sg NAME | prefix-list NAME }\n"
	"\n"
	"Add a rule to the security group NAME, or delete its rule ID.\n"
	"\"all\" matches every protocol; 0 is the protocol numbered 0.\n"
	"A port range applies to tcp and udp, a type and code to icmp\n"
	"and icmpv6; left out, they match any.  A CIDR is an IPv4 or\n"
	"IPv6 prefix; a bare address is a host (/32 or /128).  \"sg\n"
	"NAME\" matches the addresses of the devices NAME is attached to\n"
	"and its members; \"prefix-list NAME\" the prefixes of the list.\n"
	"\"rule add\" prints the new rule's id (with -j, the rule).\n";

static const struct cli_cmd rule_cmds[] = {
	{ "add", rule_add, "add a rule to a security group" },
	{ "del", rule_del, "delete a rule of a security group" },
	{ 0 }
};

static const struct cli_object rule_object = {
	.name = OBJ,
	.cmds = rule_cmds,
	.usage = rule_usage,
};

int rule_main(int argc, char **argv)
{
	return cli_run(&rule_object, argc, argv);
}
