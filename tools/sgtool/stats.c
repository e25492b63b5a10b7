// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool stats: the counters of the namespace (from SGFW_CMD_STATUS) and
 * of each device sgfw knows (from a dump of SGFW_CMD_IFACE_GET): what it
 * accepted, what it dropped and what audit mode let pass, by reason.
 */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "dev.h"
#include "msg.h"
#include "print.h"
#include "rule.h"
#include "sgtool.h"
#include "status.h"

#define OBJ "stats"

/*
 * The reasons to drop, as the kernel counts them: the drops, and the
 * packets that audit mode let pass instead; JSON keys and text.
 */
static const struct {
	uint16_t dropped, audited;
	const char *key;
	const char *text;
} reasons[] = {
	{ SGFW_A_IFACE_DROPPED_NO_RULE, SGFW_A_IFACE_AUDIT_NO_RULE,
	  "no_rule", "no-rule" },
	{ SGFW_A_IFACE_DROPPED_NACL, SGFW_A_IFACE_AUDIT_NACL, "nacl", "nacl" },
	{ SGFW_A_IFACE_DROPPED_TABLE_FULL, SGFW_A_IFACE_AUDIT_TABLE_FULL,
	  "table_full", "table-full" },
	{ SGFW_A_IFACE_DROPPED_INVALID, SGFW_A_IFACE_AUDIT_INVALID,
	  "invalid", "invalid" },
	{ SGFW_A_IFACE_DROPPED_SPOOFED, SGFW_A_IFACE_AUDIT_SPOOFED,
	  "spoofed", "spoofed" },
};

#define N_REASONS ARRAY_SIZE(reasons)

/* Packets by reason, each there when the kernel sent it, and their total. */
struct by_reason {
	bool has_total, has[N_REASONS];
	uint64_t total, v[N_REASONS];
};

struct dev_counters {
	uint32_t ifindex;
	const char *ifname;
	bool has_accepted, has_flows;
	uint64_t accepted, flows;
	struct by_reason dropped, audited;
};

static int dev_counters_decode(const struct nlmsghdr *nlh,
			       struct dev_counters *d)
{
	const struct nlattr *tb[SGFW_A_IFACE_MAX + 1];
	int err;

	memset(d, 0, sizeof(*d));
	err = nl_parse_attrs(nlh, tb, SGFW_A_IFACE_MAX);
	if (err)
		return err;
	/* A name that waits for its device has no index. */
	if (tb[SGFW_A_IFACE_IFINDEX] &&
	    nl_attr_u32(tb[SGFW_A_IFACE_IFINDEX], &d->ifindex))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_IFACE_IFNAME], &d->ifname) ?:
	      msg_opt_u64(tb[SGFW_A_IFACE_ACCEPTED], &d->has_accepted,
			  &d->accepted) ?:
	      msg_opt_u64(tb[SGFW_A_IFACE_DROPPED], &d->dropped.has_total,
			  &d->dropped.total);
	if (err)
		return err;
	if (tb[SGFW_A_IFACE_FLOWS]) {
		uint32_t flows;

		if (nl_attr_u32(tb[SGFW_A_IFACE_FLOWS], &flows))
			return -EBADMSG;
		d->has_flows = true;
		d->flows = flows;
	}
	/* The kernel sends no total of the audited: their sum. */
	for (size_t i = 0; i < N_REASONS; i++) {
		err = msg_opt_u64(tb[reasons[i].dropped], &d->dropped.has[i],
				  &d->dropped.v[i]) ?:
		      msg_opt_u64(tb[reasons[i].audited], &d->audited.has[i],
				  &d->audited.v[i]);
		if (err)
			return err;
		d->audited.has_total |= d->audited.has[i];
		d->audited.total += d->audited.v[i];
	}
	return 0;
}

/*
 * @r as the object @key of JSON, the counts by reason and their "total";
 * in text " @text TOTAL (no-rule N, nacl N, ...)".
 */
static void by_reason_print(const char *key, const char *text,
			    const struct by_reason *r)
{
	char fmt[32];
	int n = 0;

	print_open_object(key);
	snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, text);
	if (r->has_total)
		print_u64("total", fmt, r->total);
	for (size_t i = 0; i < N_REASONS; i++) {
		if (!r->has[i])
			continue;
		print_text("%s%s ", n++ ? ", " : " (", reasons[i].text);
		print_u64(reasons[i].key, "%" PRIu64, r->v[i]);
	}
	if (n)
		print_text(")");
	print_close_object();
}

/*
 * In text:
 *
 *	conntrack_allowance_exceeded:  0
 *	conntrack_allowance_available: 995
 *	devices:
 *	  eth0: flows 2 accepted 100 dropped 3 (no-rule 2, ...) audited 0 ...
 */
static void stats_print(const struct sgfw_status *st,
			const struct nl_msgs *devs)
{
	print_open_object(NULL);
	print_kv_width(sizeof("conntrack_allowance_available") - 1);
	if (st->have & (1u << SGFW_A_STATUS_ALLOWANCE_EXCEEDED))
		print_kv_u64("conntrack_allowance_exceeded",
			     st->allowance_exceeded);
	if (st->have & (1u << SGFW_A_STATUS_ALLOWANCE_AVAILABLE))
		print_kv_u64("conntrack_allowance_available",
			     st->allowance_available);

	print_open_array("devices");
	if (devs->n)
		print_text("devices:\n");
	for (size_t i = 0; i < devs->n; i++) {
		struct dev_counters d;

		dev_counters_decode(devs->v[i], &d);
		print_open_object(NULL);
		dev_print("device", "  %s:", d.ifindex, d.ifname);
		if (d.has_flows)
			print_u64("flows", " flows %" PRIu64, d.flows);
		if (d.has_accepted)
			print_u64("accepted", " accepted %" PRIu64,
				  d.accepted);
		by_reason_print("dropped", "dropped", &d.dropped);
		by_reason_print("audit", "audited", &d.audited);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
	print_close_object();
}

/*
 * The Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector: a HELP and a TYPE line before each
 * metric's samples, counters named *_total.
 */
static void prom_head(const char *name, const char *type, const char *help)
{
	fprintf(sgtool_out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		type);
}

/* A label value, its backslashes, quotes and newlines escaped. */
static void prom_label(const char *name, const char *value)
{
	fprintf(sgtool_out, "%s=\"", name);
	for (const char *c = value; *c; c++) {
		if (*c == '\\' || *c == '"')
			fprintf(sgtool_out, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", sgtool_out);
		else
			fputc(*c, sgtool_out);
	}
	fputc('"', sgtool_out);
}

static void prom_status(const struct sgfw_status *st)
{
	static const struct {
		int attr;
		const char *name, *type, *help;
	} m[] = {
		{ SGFW_A_STATUS_FLOWS, "sgfw_flows", "gauge",
		  "Flows tracked in the namespace." },
		{ SGFW_A_STATUS_FLOW_LIMIT, "sgfw_flow_limit", "gauge",
		  "The most flows the namespace may track." },
		{ SGFW_A_STATUS_ALLOWANCE_AVAILABLE,
		  "sgfw_conntrack_allowance_available", "gauge",
		  "Flows that can still be created." },
		{ SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
		  "sgfw_conntrack_allowance_exceeded_total", "counter",
		  "Packets dropped because the flow table was full." },
		{ SGFW_A_STATUS_BUCKET_FULL, "sgfw_bucket_full_total", "counter",
		  "New flows refused because their hash chain was full." },
		{ SGFW_A_STATUS_EVICTED, "sgfw_flows_evicted_total", "counter",
		  "Unanswered flows evicted to make room for new ones." },
		{ SGFW_A_STATUS_NOMEM, "sgfw_flows_nomem_total", "counter",
		  "New flows refused for want of memory." },
		{ SGFW_A_STATUS_FRAGS, "sgfw_frags", "gauge",
		  "Fragmented datagrams of port-mode devices whose other "
		  "fragments may still come." },
		{ SGFW_A_STATUS_FRAGS_FULL, "sgfw_frags_full_total", "counter",
		  "First fragments dropped because the fragment table, or a "
		  "device's share of it, was full." },
	};
	const uint64_t v[] = {
		st->flows, st->flow_limit, st->allowance_available,
		st->allowance_exceeded, st->bucket_full, st->evicted,
		st->nomem, st->frags, st->frags_full,
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		if (!(st->have & (1u << m[i].attr)))
			continue;
		prom_head(m[i].name, m[i].type, m[i].help);
		fprintf(sgtool_out, "%s %" PRIu64 "\n", m[i].name, v[i]);
	}
}

/*
 * Device @i's counters into @d, and its label: its name, or its index when
 * it is gone (in @buf).
 */
static const char *prom_device(const struct nl_msgs *devs, size_t i,
			       struct dev_counters *d, char buf[IF_NAMESIZE])
{
	const char *name;

	dev_counters_decode(devs->v[i], d);
	name = dev_name(d->ifindex, d->ifname, buf);
	if (!name) {
		snprintf(buf, IF_NAMESIZE, "%" PRIu32, d->ifindex);
		name = buf;
	}
	return name;
}

/* The counter @metric of every device by reason: drops, or @audited. */
static void prom_reasons(const struct nl_msgs *devs, const char *metric,
			 const char *help, bool audited)
{
	char buf[IF_NAMESIZE];

	prom_head(metric, "counter", help);
	for (size_t i = 0; i < devs->n; i++) {
		struct dev_counters d;
		const char *name = prom_device(devs, i, &d, buf);
		const struct by_reason *r = audited ? &d.audited : &d.dropped;

		for (size_t k = 0; k < N_REASONS; k++) {
			if (!r->has[k])
				continue;
			fprintf(sgtool_out, "%s{", metric);
			prom_label("device", name);
			fputc(',', sgtool_out);
			prom_label("reason", reasons[k].key);
			fprintf(sgtool_out, "} %" PRIu64 "\n", r->v[k]);
		}
	}
}

static void prom_devices(const struct nl_msgs *devs)
{
	char buf[IF_NAMESIZE];

	prom_head("sgfw_device_accepted_packets_total", "counter",
		  "Packets a filtered device accepted.");
	for (size_t i = 0; i < devs->n; i++) {
		struct dev_counters d;
		const char *name = prom_device(devs, i, &d, buf);

		if (!d.has_accepted)
			continue;
		fputs("sgfw_device_accepted_packets_total{", sgtool_out);
		prom_label("device", name);
		fprintf(sgtool_out, "} %" PRIu64 "\n", d.accepted);
	}
	prom_head("sgfw_device_flows", "gauge",
		  "Flows tracked on a device now.");
	for (size_t i = 0; i < devs->n; i++) {
		struct dev_counters d;
		const char *name = prom_device(devs, i, &d, buf);

		if (!d.has_flows)
			continue;
		fputs("sgfw_device_flows{", sgtool_out);
		prom_label("device", name);
		fprintf(sgtool_out, "} %" PRIu64 "\n", d.flows);
	}
	prom_reasons(devs, "sgfw_device_dropped_packets_total",
		     "Packets a filtered device dropped, by reason.", false);
	prom_reasons(devs, "sgfw_device_audited_packets_total",
		     "Packets a device in audit mode let pass that it would "
		     "have dropped, by reason.", true);
}

/*
 * The flows each rule of each group opened, printed with @print (else
 * only checked); 0, or -EBADMSG.
 */
static int prom_rules(const struct nl_msgs *sgs, bool print)
{
	if (print)
		prom_head("sgfw_rule_flows_total", "counter",
			  "Flows a security group's rule opened.");
	for (size_t i = 0; i < sgs->n; i++) {
		const struct nlattr *tb[SGFW_A_SG_MAX + 1], *a;
		const char *name;

		if (nl_parse_attrs(sgs->v[i], tb, SGFW_A_SG_MAX))
			return -EBADMSG;
		name = nl_attr_str(tb[SGFW_A_SG_NAME]);
		if (!name)
			return -EBADMSG;
		msg_for_each_attr(a, sgs->v[i], SGFW_A_SG_RULE) {
			const struct nlattr *rtb[SGFW_A_RULE_MAX + 1];
			char id[16];
			struct rule r;

			if (nl_parse_nested(a, rtb, SGFW_A_RULE_MAX) ||
			    rule_decode(rtb, &r))
				return -EBADMSG;
			if (!r.has_flows || !print)
				continue;
			snprintf(id, sizeof(id), "%" PRIu32, r.id);
			fputs("sgfw_rule_flows_total{", sgtool_out);
			prom_label("sg", name);
			fputc(',', sgtool_out);
			prom_label("rule", id);
			fprintf(sgtool_out, "} %" PRIu64 "\n", r.flows);
		}
	}
	return 0;
}

/* All of it: the namespace's, the devices' and the rules' figures. */
static int stats_prometheus(struct nl_sock *s, const struct sgfw_status *st,
			    const struct nl_msgs *devs)
{
	static const uint16_t lists[] = { SGFW_A_SG_RULE, SGFW_A_SG_MEMBER, 0 };
	struct nl_msgs sgs = { 0 };
	struct req q;
	int status;

	req_init(&q, s, SGFW_CMD_SG_GET, NLM_F_DUMP);
	status = req_collect(&q, &sgs);
	if (status)
		return status;
	if (msg_join(&sgs, SGFW_A_SG_NAME, lists)) {
		nl_msgs_free(&sgs);
		cli_error("malformed reply from the kernel");
		return SGTOOL_EXIT_KERNEL;
	}
	/* All or nothing: a malformed reply prints no half of it. */
	if (prom_rules(&sgs, false)) {
		nl_msgs_free(&sgs);
		cli_error("malformed reply from the kernel");
		return SGTOOL_EXIT_KERNEL;
	}
	prom_status(st);
	prom_devices(devs);
	prom_rules(&sgs, true);
	nl_msgs_free(&sgs);
	return cli_output_end();
}

/* [ -o prometheus ] after "stats" or "stats show" (argv[0]). */
static int stats_show(int argc, char **argv)
{
	struct nl_msgs devs = { 0 };
	bool prometheus = false;
	struct sgfw_status st;
	struct nl_sock *s;
	struct req q;
	int status;

	if (argc >= 2 && !strcmp(argv[1], "-o")) {
		if (argc < 3)
			return cli_usage_error(OBJ, "\"-o\" needs a format");
		if (strcmp(argv[2], "prometheus"))
			return cli_usage_error(OBJ, "unknown format \"%s\" "
					       "(prometheus)", argv[2]);
		prometheus = true;
		argc -= 2;
		argv += 2;
	}
	status = cli_no_more_args(OBJ, argc - 1, argv + 1);
	if (status)
		return status;
	status = conn_open(&s);
	if (status)
		return status;

	status = conn_report(s, status_query(s, &st));
	if (status)
		goto out;
	req_init(&q, s, SGFW_CMD_IFACE_GET, NLM_F_DUMP);
	status = req_collect(&q, &devs);
	if (status)
		goto out;
	for (size_t i = 0; i < devs.n; i++) {
		struct dev_counters d;

		if (dev_counters_decode(devs.v[i], &d)) {
			cli_error("malformed reply from the kernel");
			status = SGTOOL_EXIT_KERNEL;
			goto out;
		}
	}
	if (prometheus) {
		status = stats_prometheus(s, &st, &devs);
		goto out;
	}
	stats_print(&st, &devs);
	status = cli_output_end();
out:
	nl_msgs_free(&devs);
	nl_close(s);
	return status;
}

static const char stats_usage[] =
	"Usage: sgtool [OPTIONS] stats [ show ] [ -o prometheus ]\n"
	"\n"
	"Show the counters of the network namespace: packets dropped\n"
	"because the flow table was full (conntrack_allowance_exceeded)\n"
	"and flows that can still be created\n"
	"(conntrack_allowance_available); then, for each device sgfw\n"
	"knows, the packets it accepted and dropped, and why they were\n"
	"dropped: no rule allows them (no-rule), a network ACL denies\n"
	"them (nacl), their new flow found no room (table-full), or\n"
	"they cannot be parsed or no state of their flow takes them\n"
	"(invalid), or their source is not the instance's (spoofed, port\n"
	"mode); and what audit mode let pass that it would have dropped\n"
	"(audited), by the same reasons.  With -j, \"dropped\" and\n"
	"\"audit\" are objects of those counts (no_rule, nacl,\n"
	"table_full, invalid, spoofed) and their total.\n"
	"With -o prometheus, the same counters and gauges, and the flows\n"
	"each rule opened, in the Prometheus text format (for\n"
	"node_exporter's textfile collector).\n";

static const struct cli_cmd stats_cmds[] = {
	{ "show", stats_show, "show the counters (the default)" },
	{ 0 }
};

static const struct cli_object stats_object = {
	.name = OBJ,
	.cmds = stats_cmds,
	.usage = stats_usage,
	.fallback = stats_show,
};

int stats_main(int argc, char **argv)
{
	/* "stats -o FORMAT": show is the default command. */
	if (argc >= 2 && !strcmp(argv[1], "-o"))
		return stats_show(argc, argv);
	return cli_run(&stats_object, argc, argv);
}
