// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool stats: the counters of the namespace (from SGFW_CMD_STATUS) and
 * of each device sgfw knows (from a dump of SGFW_CMD_IFACE_GET).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "dev.h"
#include "msg.h"
#include "print.h"
#include "sgtool.h"
#include "status.h"

#define OBJ "stats"

/* The drops by reason, as the kernel counts them; JSON keys and text. */
static const struct {
	uint16_t attr;
	const char *key;
	const char *text;
} drop_reasons[] = {
	{ SGFW_A_IFACE_DROPPED_NO_RULE, "no_rule", "no-rule" },
	{ SGFW_A_IFACE_DROPPED_NACL, "nacl", "nacl" },
	{ SGFW_A_IFACE_DROPPED_TABLE_FULL, "table_full", "table-full" },
	{ SGFW_A_IFACE_DROPPED_INVALID, "invalid", "invalid" },
};

#define N_REASONS (sizeof(drop_reasons) / sizeof(drop_reasons[0]))

struct dev_counters {
	uint32_t ifindex;
	const char *ifname;
	bool has_accepted, has_dropped, has_reason[N_REASONS];
	uint64_t accepted, dropped, reason[N_REASONS];
};

static int dev_counters_decode(const struct nlmsghdr *nlh,
			       struct dev_counters *d)
{
	const struct nlattr *tb[SGFW_A_IFACE_MAX + 1];
	int err;

	err = nl_parse_attrs(nlh, tb, SGFW_A_IFACE_MAX);
	if (err)
		return err;
	if (nl_attr_u32(tb[SGFW_A_IFACE_IFINDEX], &d->ifindex))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_IFACE_IFNAME], &d->ifname);
	if (err)
		return err;
	err = nl_attr_u64(tb[SGFW_A_IFACE_ACCEPTED], &d->accepted);
	if (err == -EBADMSG)
		return err;
	d->has_accepted = !err;
	err = nl_attr_u64(tb[SGFW_A_IFACE_DROPPED], &d->dropped);
	if (err == -EBADMSG)
		return err;
	d->has_dropped = !err;
	for (size_t i = 0; i < N_REASONS; i++) {
		err = nl_attr_u64(tb[drop_reasons[i].attr], &d->reason[i]);
		if (err == -EBADMSG)
			return err;
		d->has_reason[i] = !err;
	}
	return 0;
}

/*
 * In text:
 *
 *	conntrack_allowance_exceeded:  0
 *	conntrack_allowance_available: 995
 *	devices:
 *	  eth0: accepted 100 dropped 3
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
		struct dev_counters d = { 0 };

		dev_counters_decode(devs->v[i], &d);
		print_open_object(NULL);
		dev_print("device", "  %s:", d.ifindex, d.ifname);
		if (d.has_accepted)
			print_u64("accepted", " accepted %" PRIu64,
				  d.accepted);
		/* JSON: "dropped" is an object, the total among the reasons. */
		print_open_object("dropped");
		if (d.has_dropped)
			print_u64("total", " dropped %" PRIu64, d.dropped);
		for (size_t r = 0; r < N_REASONS; r++) {
			if (!d.has_reason[r])
				continue;
			print_text("%s%s ", r ? ", " : " (",
				   drop_reasons[r].text);
			print_u64(drop_reasons[r].key, "%" PRIu64,
				  d.reason[r]);
		}
		if (d.has_reason[0])
			print_text(")");
		print_close_object();
		print_text("\n");
		print_close_object();
	}
	print_close_array();
	print_close_object();
}

static int stats_show(int argc, char **argv)
{
	struct nl_msgs devs = { 0 };
	struct sgfw_status st;
	struct nl_sock *s;
	struct req q;
	int status;

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
	stats_print(&st, &devs);
	status = cli_output_end();
out:
	nl_msgs_free(&devs);
	nl_close(s);
	return status;
}

static const char stats_usage[] =
	"Usage: sgtool [OPTIONS] stats [ show ]\n"
	"\n"
	"Show the counters of the network namespace: packets dropped\n"
	"because the flow table was full (conntrack_allowance_exceeded)\n"
	"and flows that can still be created\n"
	"(conntrack_allowance_available); then, for each device sgfw\n"
	"knows, the packets it accepted and dropped, and why they were\n"
	"dropped: no rule allows them (no-rule), a network ACL denies\n"
	"them (nacl), their new flow found no room (table-full), or\n"
	"they cannot be parsed or no state of their flow takes them\n"
	"(invalid).  With -j, \"dropped\" is an object of those counts\n"
	"(no_rule, nacl, table_full, invalid) and their total.\n";

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
	return cli_run(&stats_object, argc, argv);
}
