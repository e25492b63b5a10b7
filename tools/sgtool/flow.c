// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool flow: the tracked flows of the namespace and the most it may
 * track.
 *
 *	flow show
 *	flow limit [N]
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "cmd.h"
#include "dev.h"
#include "msg.h"
#include "print.h"
#include "sgtool.h"
#include "status.h"

#define OBJ "flow"

/* What a flow message holds, strings pointing into it. */
struct flow {
	uint8_t proto;
	struct addr src, dst;
	bool has_ports, has_icmp_id;
	uint16_t sport, dport, icmp_id;
	uint32_t ifindex;
	bool has_state, has_expires, has_rule, has_dir;
	uint64_t state, direction;
	uint32_t expires_ms, rule_id;
	const char *sg;
	uint64_t packets, bytes;
	bool has_counts;
};

/* An address of a flow: a nest of SGFW_A_CIDR_*, without prefix length. */
static int flow_addr(const struct nlattr *nest, struct addr *a)
{
	struct cidr c;

	if (!nest || msg_cidr(nest, &c) || c.has_plen)
		return -EBADMSG;
	*a = c.addr;
	return 0;
}

static int flow_decode(const struct nlmsghdr *nlh, struct flow *f)
{
	const struct nlattr *tb[SGFW_A_FLOW_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	err = nl_parse_attrs(nlh, tb, SGFW_A_FLOW_MAX);
	if (err)
		return err;
	if (nl_attr_u8(tb[SGFW_A_FLOW_PROTOCOL], &f->proto) ||
	    nl_attr_u32(tb[SGFW_A_FLOW_IFINDEX], &f->ifindex) ||
	    flow_addr(tb[SGFW_A_FLOW_SRC], &f->src) ||
	    flow_addr(tb[SGFW_A_FLOW_DST], &f->dst) ||
	    f->src.family != f->dst.family)
		return -EBADMSG;

	f->has_ports = tb[SGFW_A_FLOW_SPORT] || tb[SGFW_A_FLOW_DPORT];
	if (f->has_ports &&
	    (nl_attr_u16(tb[SGFW_A_FLOW_SPORT], &f->sport) ||
	     nl_attr_u16(tb[SGFW_A_FLOW_DPORT], &f->dport)))
		return -EBADMSG;
	f->has_icmp_id = tb[SGFW_A_FLOW_ICMP_ID];
	if (f->has_icmp_id && nl_attr_u16(tb[SGFW_A_FLOW_ICMP_ID],
					  &f->icmp_id))
		return -EBADMSG;

	f->has_state = tb[SGFW_A_FLOW_STATE];
	f->has_expires = tb[SGFW_A_FLOW_EXPIRES_IN];
	f->has_rule = tb[SGFW_A_FLOW_RULE_ID];
	f->has_dir = tb[SGFW_A_FLOW_DIRECTION];
	f->has_counts = tb[SGFW_A_FLOW_PACKETS] || tb[SGFW_A_FLOW_BYTES];
	if ((f->has_state &&
	     nl_attr_uint(tb[SGFW_A_FLOW_STATE], &f->state)) ||
	    (f->has_expires &&
	     nl_attr_u32(tb[SGFW_A_FLOW_EXPIRES_IN], &f->expires_ms)) ||
	    (f->has_rule &&
	     nl_attr_u32(tb[SGFW_A_FLOW_RULE_ID], &f->rule_id)) ||
	    (f->has_dir &&
	     nl_attr_uint(tb[SGFW_A_FLOW_DIRECTION], &f->direction)) ||
	    (f->has_counts &&
	     (nl_attr_u64(tb[SGFW_A_FLOW_PACKETS], &f->packets) ||
	      nl_attr_u64(tb[SGFW_A_FLOW_BYTES], &f->bytes))))
		return -EBADMSG;
	return msg_opt_str(tb[SGFW_A_FLOW_SG], &f->sg);
}

/*
 * One flow, on one line in text:
 *
 *	tcp 10.0.0.1:40000 -> 10.0.0.2:22 dev eth0 state established
 *	expires 431999.873s sg web rule 4 direction ingress packets 10
 *	bytes 1234
 */
static int flow_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	char src[ADDR_TEXT_LEN], dst[ADDR_TEXT_LEN];
	char expires[32];
	struct flow f;
	int err;

	(void)arg;
	err = flow_decode(nlh, &f);
	if (err || !print)
		return err;

	print_open_object(NULL);
	print_name("protocol", "%s", proto_name(f.proto), f.proto);

	endpoint_format(&f.src, f.has_ports, f.sport, src, sizeof(src));
	endpoint_format(&f.dst, f.has_ports, f.dport, dst, sizeof(dst));
	print_text(" %s -> %s", src, dst);
	addr_format(&f.src, src, sizeof(src));
	addr_format(&f.dst, dst, sizeof(dst));
	print_string("src", NULL, src);
	print_string("dst", NULL, dst);
	if (f.has_ports) {
		print_u64("sport", NULL, f.sport);
		print_u64("dport", NULL, f.dport);
	} else {
		print_null("sport", NULL);
		print_null("dport", NULL);
	}
	if (f.has_icmp_id)
		print_u64("icmp_id", " id %" PRIu64, f.icmp_id);
	else
		print_null("icmp_id", NULL);

	dev_print("device", " dev %s", f.ifindex, NULL);

	if (f.has_state)
		print_name("state", " state %s", f.state <= UINT32_MAX ?
			   flow_state_name((uint32_t)f.state) : NULL, f.state);
	/* Every flow listed is tracked: untracked ones have no entry. */
	print_bool("tracked", NULL, true);
	if (f.has_expires) {
		snprintf(expires, sizeof(expires), "%" PRIu32 ".%03" PRIu32,
			 f.expires_ms / 1000, f.expires_ms % 1000);
		print_number("expires_in", " expires %ss", expires);
	}
	if (f.sg)
		print_string("sg", " sg %s", f.sg);
	else
		print_null("sg", NULL);
	if (f.has_rule)
		print_u64("rule_id", " rule %" PRIu64, f.rule_id);
	if (f.has_dir)
		print_name("direction", " direction %s",
			   f.direction <= UINT32_MAX ?
			   direction_name((uint32_t)f.direction) : NULL,
			   f.direction);
	if (f.has_counts) {
		print_u64("packets", " packets %" PRIu64, f.packets);
		print_u64("bytes", " bytes %" PRIu64, f.bytes);
	}
	print_text("\n");
	print_close_object();
	return 0;
}

/*
 * FILTER := dev DEV | sg NAME | rule ID | proto PROTO | src CIDR |
 *	     dst CIDR | sport N | dport N | state STATE | stale
 * Each at most once, in any order; the kernel applies them (and says
 * that "rule" needs "sg").
 */
struct flow_filter {
	bool any;
	uint32_t have;			/* bit: SGFW_A_FLOW_FILTER_* */
	uint32_t rule_id, state, sport, dport;
	const char *dev, *sg;
	uint8_t proto;
	struct cidr src, dst;
};

static int filter_state(const char *s, uint32_t *state)
{
	for (uint32_t i = 0; flow_state_name(i); i++) {
		if (!strcmp(s, flow_state_name(i))) {
			*state = i;
			return 0;
		}
	}
	return cli_usage_error(OBJ, "unknown flow state \"%s\"", s);
}

static int filter_port(const char *kw, const char *s, uint32_t *port)
{
	if (parse_u32(s, 65535, port))
		return cli_usage_error(OBJ, "invalid %s \"%s\" (0-65535)", kw,
				       s);
	return 0;
}

static int filter_cidr(const char *kw, const char *s, struct cidr *c)
{
	if (parse_cidr(s, c))
		return cli_usage_error(OBJ, "invalid %s \"%s\": expected an "
				       "IPv4 or IPv6 CIDR", kw, s);
	return 0;
}

/* argv[0] is the command; the filter follows. */
static int flow_filter_parse(int argc, char **argv, struct flow_filter *ff)
{
	static const struct {
		const char *kw;
		uint16_t attr;
	} kws[] = {
		{ "dev", SGFW_A_FLOW_FILTER_IFINDEX },
		{ "sg", SGFW_A_FLOW_FILTER_SG },
		{ "rule", SGFW_A_FLOW_FILTER_RULE_ID },
		{ "proto", SGFW_A_FLOW_FILTER_PROTOCOL },
		{ "src", SGFW_A_FLOW_FILTER_SRC },
		{ "dst", SGFW_A_FLOW_FILTER_DST },
		{ "sport", SGFW_A_FLOW_FILTER_SPORT },
		{ "dport", SGFW_A_FLOW_FILTER_DPORT },
		{ "state", SGFW_A_FLOW_FILTER_STATE },
		{ "stale", SGFW_A_FLOW_FILTER_STALE },
	};

	memset(ff, 0, sizeof(*ff));
	for (int i = 1; i < argc; i++) {
		const char *kw = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint16_t attr = 0;
		bool any;
		int err = 0;

		for (size_t k = 0; k < sizeof(kws) / sizeof(kws[0]); k++)
			if (!strcmp(kw, kws[k].kw))
				attr = kws[k].attr;
		if (!attr)
			return cli_usage_error(OBJ, "unknown filter \"%s\"", kw);
		if (ff->have & (1u << attr))
			return cli_usage_error(OBJ, "\"%s\" given twice", kw);
		ff->have |= 1u << attr;
		ff->any = true;
		if (attr == SGFW_A_FLOW_FILTER_STALE)
			continue;
		if (!v)
			return cli_usage_error(OBJ, "\"%s\" needs a value", kw);
		i++;
		switch (attr) {
		case SGFW_A_FLOW_FILTER_IFINDEX:
			/* Found once in the namespace (flow_filter_put()). */
			ff->dev = v;
			break;
		case SGFW_A_FLOW_FILTER_SG:
			ff->sg = v;
			break;
		case SGFW_A_FLOW_FILTER_RULE_ID:
			if (parse_u32(v, UINT32_MAX, &ff->rule_id))
				err = cli_usage_error(OBJ, "invalid rule id "
						      "\"%s\"", v);
			break;
		case SGFW_A_FLOW_FILTER_PROTOCOL:
			if (parse_protocol(v, &ff->proto, &any) || any)
				err = cli_usage_error(OBJ, "invalid protocol "
						      "\"%s\"", v);
			break;
		case SGFW_A_FLOW_FILTER_SRC:
			err = filter_cidr(kw, v, &ff->src);
			break;
		case SGFW_A_FLOW_FILTER_DST:
			err = filter_cidr(kw, v, &ff->dst);
			break;
		case SGFW_A_FLOW_FILTER_SPORT:
			err = filter_port(kw, v, &ff->sport);
			break;
		case SGFW_A_FLOW_FILTER_DPORT:
			err = filter_port(kw, v, &ff->dport);
			break;
		case SGFW_A_FLOW_FILTER_STATE:
			err = filter_state(v, &ff->state);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/*
 * The filter as a nest SGFW_A_FLOW_FILTER (none without a field), in the
 * namespace, where the device's name is looked up; an exit status.
 */
static int flow_filter_put(struct req *q, void *arg)
{
	const struct flow_filter *ff = arg;
	struct nlattr *nest;
	uint32_t ifindex;

	if (!ff->any)
		return 0;
	if (ff->dev && dev_index(ff->dev, &ifindex))
		return SGTOOL_EXIT_USAGE;
	nest = req_nest_start(q, SGFW_A_FLOW_FILTER);
	if (!nest)
		return 0;
	if (ff->dev)
		req_u32(q, SGFW_A_FLOW_FILTER_IFINDEX, ifindex);
	if (ff->sg)
		req_str(q, SGFW_A_FLOW_FILTER_SG, ff->sg);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_RULE_ID))
		req_u32(q, SGFW_A_FLOW_FILTER_RULE_ID, ff->rule_id);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_PROTOCOL))
		req_u8(q, SGFW_A_FLOW_FILTER_PROTOCOL, ff->proto);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_SRC))
		req_cidr(q, SGFW_A_FLOW_FILTER_SRC, &ff->src, true);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_DST))
		req_cidr(q, SGFW_A_FLOW_FILTER_DST, &ff->dst, true);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_SPORT))
		req_u16(q, SGFW_A_FLOW_FILTER_SPORT, (uint16_t)ff->sport);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_DPORT))
		req_u16(q, SGFW_A_FLOW_FILTER_DPORT, (uint16_t)ff->dport);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_STATE))
		req_u32(q, SGFW_A_FLOW_FILTER_STATE, ff->state);
	if (ff->have & (1u << SGFW_A_FLOW_FILTER_STALE))
		req_flag(q, SGFW_A_FLOW_FILTER_STALE);
	req_nest_end(q, nest);
	return 0;
}

static int flow_show(int argc, char **argv)
{
	struct flow_filter ff;
	const struct msg_show sh = {
		.cmd = SGFW_CMD_FLOW_GET,
		.build = flow_filter_put,
		.build_arg = &ff,
		.dump = true,
		.walk = flow_walk,
	};
	int status;

	status = flow_filter_parse(argc, argv, &ff);
	if (status)
		return status;
	return msg_show(&sh);
}

/* The reply to FLOW_FLUSH: how many flows went. */
struct flushed {
	bool have;
	uint32_t n;
};

static int flushed_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[SGFW_A_FLOW_MAX + 1];
	struct flushed *f = arg;

	if (nl_parse_attrs(nlh, tb, SGFW_A_FLOW_MAX) ||
	    nl_attr_u32(tb[SGFW_A_FLOW_FLUSHED], &f->n))
		return -EBADMSG;
	f->have = true;
	return 0;
}

static int flow_flush(int argc, char **argv)
{
	struct flushed n = { 0 };
	struct flow_filter ff;
	struct req q;
	int status;

	status = flow_filter_parse(argc, argv, &ff);
	if (status)
		return status;
	status = cmd_open(&q, SGFW_CMD_FLOW_FLUSH);
	if (status)
		return status;
	status = flow_filter_put(&q, &ff) ?: req_talk(&q, flushed_cb, &n);
	nl_close(q.s);
	if (status)
		return status;
	if (!n.have) {
		cli_error("malformed reply from the kernel");
		return SGTOOL_EXIT_KERNEL;
	}
	print_open_object(NULL);
	print_u64("removed", "removed %" PRIu64, n.n);
	print_text(" flow%s\n", n.n == 1 ? "" : "s");
	print_close_object();
	return cli_output_end();
}

static int flow_limit_show(void)
{
	struct sgfw_status st;
	int status;

	status = status_get(&st);
	if (status)
		return status;
	if (!(st.have & (1u << SGFW_A_STATUS_FLOW_LIMIT))) {
		cli_error("malformed reply from the kernel");
		return SGTOOL_EXIT_KERNEL;
	}
	print_open_object(NULL);
	print_kv_width(sizeof("flow_limit") - 1);
	print_kv_u64("flow_limit", st.flow_limit);
	if (st.have & (1u << SGFW_A_STATUS_FLOWS))
		print_kv_u64("flows", st.flows);
	print_close_object();
	return cli_output_end();
}

static int flow_limit(int argc, char **argv)
{
	uint32_t limit;
	struct req q;
	int status, err;

	if (argc < 2)
		return flow_limit_show();
	status = cli_no_more_args(OBJ, argc - 2, argv + 2);
	if (status)
		return status;
	/* 1 to 16777216, which the kernel checks. */
	err = parse_u32(argv[1], UINT32_MAX, &limit);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "flow limit \"%s\" is too large",
				       argv[1]);
	if (err)
		return cli_usage_error(OBJ, "invalid flow limit \"%s\"",
				       argv[1]);
	status = cmd_open(&q, SGFW_CMD_STATUS_SET);
	if (status)
		return status;
	req_u32(&q, SGFW_A_STATUS_FLOW_LIMIT, limit);
	return cmd_send(&q);
}

static const char flow_usage[] =
	"Usage: sgtool [OPTIONS] flow [ show ] [ FILTER... ]\n"
	"       sgtool [OPTIONS] flow flush [ FILTER... ]\n"
	"       sgtool [OPTIONS] flow limit [ N ]\n"
	"FILTER := { dev DEV | sg NAME | rule ID | proto PROTO | src CIDR |\n"
	"            dst CIDR | sport N | dport N | state STATE | stale }\n"
	"\n"
	"\"flow show\" lists the tracked flows of the network namespace:\n"
	"protocol, addresses and ports (the side that opened the flow\n"
	"first), device, state, seconds until it expires if idle, the\n"
	"group and rule that admitted it, and packets and bytes both\n"
	"ways; with -j, a JSON array.\n"
	"\"flow flush\" removes flows and says how many.  Both take only\n"
	"the flows that match every FILTER given (\"rule\" needs \"sg\";\n"
	"\"stale\": those the rules would not admit now); the kernel\n"
	"applies them.  The next packets of a flushed connection are\n"
	"judged by the rules as those of a new one.\n"
	"\"flow limit\" shows the most flows the namespace may track and\n"
	"how many it tracks; \"flow limit N\" sets the limit (1 to\n"
	"16777216).  Lowering it removes no flow.\n";

static const struct cli_cmd flow_cmds[] = {
	{ "show", flow_show, "list the tracked flows (the default)" },
	{ "flush", flow_flush, "remove tracked flows" },
	{ "limit", flow_limit, "show or set the most flows to track" },
	{ 0 }
};

static const struct cli_object flow_object = {
	.name = OBJ,
	.cmds = flow_cmds,
	.usage = flow_usage,
	.fallback = flow_show,
};

int flow_main(int argc, char **argv)
{
	return cli_run(&flow_object, argc, argv);
}
