// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool status: the figures of the namespace's flow table.
 */

#include <errno.h>
#include <stdio.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "print.h"
#include "sgtool.h"
#include "status.h"

#define HAVE(attr) (1u << (attr))

/*
 * A figure the module does not send is left out rather than shown as zero,
 * which is a real value; one of the wrong size makes the reply malformed.
 */
static int get_u32(const struct nlattr **tb, int type, uint32_t *v,
		   uint32_t *have)
{
	int err = nl_attr_u32(tb[type], v);

	if (!err)
		*have |= HAVE(type);
	return err == -ENOENT ? 0 : err;
}

static int get_u64(const struct nlattr **tb, int type, uint64_t *v,
		   uint32_t *have)
{
	int err = nl_attr_u64(tb[type], v);

	if (!err)
		*have |= HAVE(type);
	return err == -ENOENT ? 0 : err;
}

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	struct sgfw_status *st = data;
	const char *version;
	int err;

	err = nl_parse_attrs(nlh, tb, SGFW_A_STATUS_MAX);
	if (err)
		return err;

	if (tb[SGFW_A_STATUS_VERSION]) {
		version = nl_attr_str(tb[SGFW_A_STATUS_VERSION]);
		if (!version)
			return -EBADMSG;
		snprintf(st->version, sizeof(st->version), "%s", version);
		st->have |= HAVE(SGFW_A_STATUS_VERSION);
	}
	if (tb[SGFW_A_STATUS_EVENTS]) {
		if (nl_attr_u8(tb[SGFW_A_STATUS_EVENTS], &st->events))
			return -EBADMSG;
		st->have |= HAVE(SGFW_A_STATUS_EVENTS);
	}
	return get_u32(tb, SGFW_A_STATUS_FLOWS, &st->flows, &st->have) ?:
	       get_u32(tb, SGFW_A_STATUS_FLOW_LIMIT, &st->flow_limit,
		       &st->have) ?:
	       get_u64(tb, SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
		       &st->allowance_exceeded, &st->have) ?:
	       get_u32(tb, SGFW_A_STATUS_ALLOWANCE_AVAILABLE,
		       &st->allowance_available, &st->have) ?:
	       get_u64(tb, SGFW_A_STATUS_BUCKET_FULL, &st->bucket_full,
		       &st->have) ?:
	       get_u64(tb, SGFW_A_STATUS_EVICTED, &st->evicted, &st->have) ?:
	       get_u64(tb, SGFW_A_STATUS_NOMEM, &st->nomem, &st->have) ?:
	       get_u32(tb, SGFW_A_STATUS_FLOW_LIMIT_CEILING,
		       &st->flow_limit_ceiling, &st->have) ?:
	       get_u32(tb, SGFW_A_STATUS_CONFIRM_PENDING,
		       &st->confirm_pending, &st->have) ?:
	       get_u32(tb, SGFW_A_STATUS_FRAGS, &st->frags, &st->have) ?:
	       get_u64(tb, SGFW_A_STATUS_FRAGS_FULL, &st->frags_full,
		       &st->have);
}

int status_query(struct nl_sock *s, struct sgfw_status *st)
{
	*st = (struct sgfw_status){ 0 };
	return nl_talk(s, nl_msg(s, SGFW_CMD_STATUS, 0), status_cb, st);
}

int status_get(struct sgfw_status *st)
{
	struct nl_sock *s;
	int status;

	status = conn_open(&s);
	if (status)
		return status;
	status = conn_report(s, status_query(s, st));
	nl_close(s);
	return status;
}

static void status_print(const struct sgfw_status *st)
{
	print_open_object(NULL);
	print_kv_width(sizeof("conntrack_allowance_available") - 1);
	if (st->have & HAVE(SGFW_A_STATUS_VERSION))
		print_kv_string("version", st->version);
	if (st->have & HAVE(SGFW_A_STATUS_FLOWS))
		print_kv_u64("flows", st->flows);
	if (st->have & HAVE(SGFW_A_STATUS_FLOW_LIMIT))
		print_kv_u64("flow_limit", st->flow_limit);
	if (st->have & HAVE(SGFW_A_STATUS_ALLOWANCE_EXCEEDED))
		print_kv_u64("conntrack_allowance_exceeded",
			     st->allowance_exceeded);
	if (st->have & HAVE(SGFW_A_STATUS_ALLOWANCE_AVAILABLE))
		print_kv_u64("conntrack_allowance_available",
			     st->allowance_available);
	if (st->have & HAVE(SGFW_A_STATUS_EVICTED))
		print_kv_u64("flows_evicted", st->evicted);
	if (st->have & HAVE(SGFW_A_STATUS_BUCKET_FULL))
		print_kv_u64("bucket_full", st->bucket_full);
	if (st->have & HAVE(SGFW_A_STATUS_NOMEM))
		print_kv_u64("no_memory", st->nomem);
	if (st->have & HAVE(SGFW_A_STATUS_FLOW_LIMIT_CEILING))
		print_kv_u64("flow_limit_ceiling", st->flow_limit_ceiling);
	/* Port mode's fragments: datagrams whose first fragment passed. */
	if (st->have & HAVE(SGFW_A_STATUS_FRAGS))
		print_kv_u64("frags", st->frags);
	if (st->have & HAVE(SGFW_A_STATUS_FRAGS_FULL))
		print_kv_u64("frags_full", st->frags_full);
	/* An apply ... confirm that goes back in that many seconds. */
	if (st->have & HAVE(SGFW_A_STATUS_CONFIRM_PENDING))
		print_kv_u64("confirm_pending", st->confirm_pending);
	/* Turned on by "monitor", off by "monitor off". */
	if (st->have & HAVE(SGFW_A_STATUS_EVENTS))
		print_kv_string("events", st->events ? "on" : "off");
	print_close_object();
}

static int status_show(int argc, char **argv)
{
	struct sgfw_status st;
	int status;

	status = cli_no_more_args("status", argc - 1, argv + 1);
	if (status)
		return status;
	status = status_get(&st);
	if (status)
		return status;
	status_print(&st);
	return cli_output_end();
}

static const char status_usage[] =
	"Usage: sgtool [OPTIONS] status [ show ]\n"
	"\n"
	"Show the module's version and the flow table of the network\n"
	"namespace: the flows tracked now, the most it may track, the\n"
	"packets dropped because the table was full\n"
	"(conntrack_allowance_exceeded), the flows that can still be\n"
	"created (conntrack_allowance_available), the flows that had\n"
	"seen no reply and were evicted to make room (flows_evicted),\n"
	"new flows refused because their hash bucket was full\n"
	"(bucket_full) or memory ran out (no_memory), and the highest\n"
	"flow limit that needs no CAP_NET_ADMIN in the initial user\n"
	"namespace (flow_limit_ceiling); for port-mode devices, the\n"
	"fragmented datagrams whose first fragment passed and whose\n"
	"other fragments may still come (frags), and the first\n"
	"fragments dropped because that table, or a device's share\n"
	"of it, was full (frags_full).\n"
	"Anyone may ask for it.\n";

static const struct cli_cmd status_cmds[] = {
	{ "show", status_show, "show the figures (the default)" },
	{ 0 }
};

static const struct cli_object status_object = {
	.name = "status",
	.cmds = status_cmds,
	.usage = status_usage,
	.fallback = status_show,
};

int status_main(int argc, char **argv)
{
	return cli_run(&status_object, argc, argv);
}
