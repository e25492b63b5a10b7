// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool monitor: what happens in the namespace, as it happens, from the
 * family's multicast group "events"; and flow logs made of those events
 * and of the flow table.
 *
 *	monitor [ flows ] [ drops ] [ config ]
 *	monitor flowlog [ interval S ] [ format STRING ]
 *
 * Both run until SIGINT or SIGTERM.  Those two are blocked but while
 * sgtool waits for events (ppoll() lets them in), so that a signal is
 * never left unseen between the check and the wait.
 */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "dev.h"
#include "flowlog.h"
#include "monitor.h"
#include "msg.h"
#include "print.h"
#include "sgtool.h"

#define OBJ "monitor"

/* How each attribute of an event is read: integers by their size. */
enum {
	EV_NONE,
	EV_U8 = 1,
	EV_U16 = 2,
	EV_U32 = 4,
	EV_U64 = 8,
	EV_ENUM,		/* a u32 a newer kernel may widen */
	EV_ADDR,		/* a nest of SGFW_A_CIDR_*, no prefix length */
	EV_STR,
	EV_FLAG,
};

static const uint8_t event_kinds[SGFW_A_EVENT_MAX + 1] = {
	[SGFW_A_EVENT_IFINDEX] = EV_U32,
	[SGFW_A_EVENT_DIRECTION] = EV_ENUM,
	[SGFW_A_EVENT_PROTOCOL] = EV_U8,
	[SGFW_A_EVENT_SRC] = EV_ADDR,
	[SGFW_A_EVENT_DST] = EV_ADDR,
	[SGFW_A_EVENT_SPORT] = EV_U16,
	[SGFW_A_EVENT_DPORT] = EV_U16,
	[SGFW_A_EVENT_ICMP_TYPE] = EV_U8,
	[SGFW_A_EVENT_ICMP_CODE] = EV_U8,
	[SGFW_A_EVENT_ICMP_ID] = EV_U16,
	[SGFW_A_EVENT_SG] = EV_STR,
	[SGFW_A_EVENT_RULE_ID] = EV_U32,
	[SGFW_A_EVENT_STATE] = EV_ENUM,
	[SGFW_A_EVENT_PACKETS] = EV_U64,
	[SGFW_A_EVENT_BYTES] = EV_U64,
	[SGFW_A_EVENT_START] = EV_U64,
	[SGFW_A_EVENT_END] = EV_U64,
	[SGFW_A_EVENT_REASON] = EV_ENUM,
	[SGFW_A_EVENT_VERDICT] = EV_ENUM,
	[SGFW_A_EVENT_AUDIT] = EV_FLAG,
	[SGFW_A_EVENT_NACL_RULE] = EV_U32,
	[SGFW_A_EVENT_SUPPRESSED] = EV_U32,
	[SGFW_A_EVENT_CMD] = EV_U32,
	[SGFW_A_EVENT_NAME] = EV_STR,
	[SGFW_A_EVENT_ROLLBACK] = EV_FLAG,
	[SGFW_A_EVENT_IFNAME] = EV_STR,
};

bool event_has(const struct event *ev, unsigned int attr)
{
	return ev->have & (1u << attr);
}

/* The attribute @a into @ev as its SGFW_A_EVENT_@type. */
static int event_attr(const struct nlattr *a, unsigned int type,
		      struct event *ev)
{
	struct cidr c;

	switch (event_kinds[type]) {
	case EV_NONE:
		return 0;
	case EV_FLAG:
		break;
	case EV_STR:
		if (!nl_attr_str(a))
			return -EBADMSG;
		*(type == SGFW_A_EVENT_SG ? &ev->sg :
		  type == SGFW_A_EVENT_IFNAME ? &ev->ifname : &ev->name) =
			nl_attr_str(a);
		break;
	case EV_ADDR:
		if (msg_cidr(a, &c) || c.has_plen)
			return -EBADMSG;
		*(type == SGFW_A_EVENT_SRC ? &ev->src : &ev->dst) = c.addr;
		break;
	case EV_ENUM:
		if (nl_attr_uint(a, &ev->v[type]))
			return -EBADMSG;
		break;
	default:
		if (mnl_attr_get_payload_len(a) != event_kinds[type] ||
		    nl_attr_uint(a, &ev->v[type]))
			return -EBADMSG;
		break;
	}
	ev->have |= 1u << type;
	return 0;
}

/*
 * The attributes @tb[1..max] of @nlh into @ev, each as the event's
 * attribute @map gives (NULL: the same type).
 */
static int event_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		       unsigned int max, const uint8_t *map, struct event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	memset(ev, 0, sizeof(*ev));
	if (nl_parse_attrs(nlh, tb, max))
		return -EBADMSG;
	ev->cmd = genl->cmd;
	for (unsigned int t = 1; t <= max; t++) {
		unsigned int type = map ? map[t] : t;

		if (tb[t] && type && event_attr(tb[t], type, ev))
			return -EBADMSG;
	}
	if (event_has(ev, SGFW_A_EVENT_SRC) &&
	    event_has(ev, SGFW_A_EVENT_DST) &&
	    ev->src.family != ev->dst.family)
		return -EBADMSG;
	return 0;
}

int event_decode(const struct nlmsghdr *nlh, struct event *ev)
{
	const struct nlattr *tb[SGFW_A_EVENT_MAX + 1];

	return event_attrs(nlh, tb, SGFW_A_EVENT_MAX, NULL, ev);
}

int event_decode_flow(const struct nlmsghdr *nlh, struct event *ev)
{
	static const uint8_t map[SGFW_A_FLOW_MAX + 1] = {
		[SGFW_A_FLOW_PROTOCOL] = SGFW_A_EVENT_PROTOCOL,
		[SGFW_A_FLOW_SRC] = SGFW_A_EVENT_SRC,
		[SGFW_A_FLOW_DST] = SGFW_A_EVENT_DST,
		[SGFW_A_FLOW_SPORT] = SGFW_A_EVENT_SPORT,
		[SGFW_A_FLOW_DPORT] = SGFW_A_EVENT_DPORT,
		[SGFW_A_FLOW_ICMP_ID] = SGFW_A_EVENT_ICMP_ID,
		[SGFW_A_FLOW_IFINDEX] = SGFW_A_EVENT_IFINDEX,
		[SGFW_A_FLOW_STATE] = SGFW_A_EVENT_STATE,
		[SGFW_A_FLOW_SG] = SGFW_A_EVENT_SG,
		[SGFW_A_FLOW_RULE_ID] = SGFW_A_EVENT_RULE_ID,
		[SGFW_A_FLOW_DIRECTION] = SGFW_A_EVENT_DIRECTION,
		[SGFW_A_FLOW_PACKETS] = SGFW_A_EVENT_PACKETS,
		[SGFW_A_FLOW_BYTES] = SGFW_A_EVENT_BYTES,
		[SGFW_A_FLOW_START] = SGFW_A_EVENT_START,
	};
	const struct nlattr *tb[SGFW_A_FLOW_MAX + 1];

	return event_attrs(nlh, tb, SGFW_A_FLOW_MAX, map, ev);
}

/* The kinds of events, as the command line names them. */
#define MONITOR_FLOWS	(1u << 0)
#define MONITOR_DROPS	(1u << 1)
#define MONITOR_CONFIG	(1u << 2)
#define MONITOR_ALL	(MONITOR_FLOWS | MONITOR_DROPS | MONITOR_CONFIG)

static const struct {
	const char *word;
	unsigned int kind;
} monitor_words[] = {
	{ "flows", MONITOR_FLOWS },
	{ "drops", MONITOR_DROPS },
	{ "config", MONITOR_CONFIG },
};

/* Each command of the group, its name in the output and its kind. */
static const struct {
	uint8_t cmd;
	const char *name;
	unsigned int kind;
} event_types[] = {
	{ SGFW_CMD_FLOW_NEW_NTF, "flow-new", MONITOR_FLOWS },
	{ SGFW_CMD_FLOW_END_NTF, "flow-end", MONITOR_FLOWS },
	{ SGFW_CMD_UNTRACKED_NTF, "untracked", MONITOR_FLOWS },
	{ SGFW_CMD_DROP_NTF, "drop", MONITOR_DROPS },
	{ SGFW_CMD_CONFIG_NTF, "config", MONITOR_CONFIG },
};

/* The entry of event_types[] for @cmd, or -1. */
static int event_type(uint8_t cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(event_types); i++)
		if (event_types[i].cmd == cmd)
			return (int)i;
	return -1;
}

/* The integer attribute @attr under @key (text: @fmt), when it came. */
static void event_u64(const struct event *ev, unsigned int attr,
		      const char *key, const char *fmt)
{
	if (event_has(ev, attr))
		print_u64(key, fmt, ev->v[attr]);
}

/* The enum attribute @attr under @key (text: @fmt), by its @name. */
static void event_enum(const struct event *ev, unsigned int attr,
		       const char *key, const char *fmt,
		       const char *(*name)(uint32_t))
{
	uint64_t v = ev->v[attr];

	if (event_has(ev, attr))
		print_name(key, fmt, v <= UINT32_MAX ? name((uint32_t)v) : NULL,
			   v);
}

/* A flag attribute: JSON true, text @text, when it came. */
static void event_flag(const struct event *ev, unsigned int attr,
		       const char *key, const char *text)
{
	if (!event_has(ev, attr))
		return;
	print_bool(key, NULL, true);
	print_text("%s", text);
}

/*
 * The device: its name (as the kernel gave it, or found from its index),
 * or its index when it is gone.
 */
static void event_dev(const struct event *ev)
{
	uint32_t ifindex = (uint32_t)ev->v[SGFW_A_EVENT_IFINDEX];
	bool has_index = event_has(ev, SGFW_A_EVENT_IFINDEX);
	char buf[IF_NAMESIZE];

	if (!ev->ifname && !has_index)
		return;
	print_name("dev", " dev %s", dev_name(ifindex, ev->ifname, buf),
		   ifindex);
	if (has_index)
		print_u64("ifindex", NULL, ifindex);
}

/* " dev DEV DIR PROTO SRC -> DST", as much of it as the event has. */
static void event_tuple(const struct event *ev)
{
	bool ports = event_has(ev, SGFW_A_EVENT_SPORT) &&
		     event_has(ev, SGFW_A_EVENT_DPORT);
	uint8_t proto = (uint8_t)ev->v[SGFW_A_EVENT_PROTOCOL];
	char src[ADDR_TEXT_LEN], dst[ADDR_TEXT_LEN];

	event_dev(ev);
	event_enum(ev, SGFW_A_EVENT_DIRECTION, "direction", " %s",
		   direction_name);
	if (event_has(ev, SGFW_A_EVENT_PROTOCOL))
		print_name("protocol", " %s", proto_name(proto), proto);
	if (!event_has(ev, SGFW_A_EVENT_SRC) ||
	    !event_has(ev, SGFW_A_EVENT_DST))
		return;
	endpoint_format(&ev->src, ports, (uint16_t)ev->v[SGFW_A_EVENT_SPORT],
			src, sizeof(src));
	endpoint_format(&ev->dst, ports, (uint16_t)ev->v[SGFW_A_EVENT_DPORT],
			dst, sizeof(dst));
	print_text(" %s -> %s", src, dst);
	addr_format(&ev->src, src, sizeof(src));
	addr_format(&ev->dst, dst, sizeof(dst));
	print_string("src", NULL, src);
	print_string("dst", NULL, dst);
	event_u64(ev, SGFW_A_EVENT_SPORT, "sport", NULL);
	event_u64(ev, SGFW_A_EVENT_DPORT, "dport", NULL);
}

/*
 * One event, on one line in text; every kind in the same order, each
 * with what it has:
 *
 *	flow-new dev eth0 ingress tcp 10.0.0.1:40000 -> 10.0.0.2:22 sg web
 *	rule 4
 *	flow-end ... sg web rule 4 reason closed packets 10 bytes 1234
 *	duration 5s
 *	untracked ... sg web rule 4 bytes 60 suppressed 3
 *	drop dev eth0 ingress icmp 10.0.0.9 -> 10.0.0.2 reason nacl type 8
 *	code 0 nacl-rule 100 audit bytes 84
 *	config iface-attach name web dev eth0
 */
static void event_print(const struct event *ev, const char *name)
{
	uint64_t start = ev->v[SGFW_A_EVENT_START];
	uint64_t end = ev->v[SGFW_A_EVENT_END];
	uint64_t suppressed = ev->v[SGFW_A_EVENT_SUPPRESSED];
	bool ended = ev->cmd == SGFW_CMD_FLOW_END_NTF;

	print_open_object(NULL);
	print_string("event", "%s", name);
	event_enum(ev, SGFW_A_EVENT_CMD, "cmd", " %s", cmd_name);
	if (ev->name)
		print_string("name", " name %s", ev->name);
	event_tuple(ev);
	if (ev->sg)
		print_string("sg", " sg %s", ev->sg);
	event_u64(ev, SGFW_A_EVENT_RULE_ID, "rule_id", " rule %" PRIu64);
	event_u64(ev, SGFW_A_EVENT_ICMP_ID, "icmp_id", " id %" PRIu64);
	event_enum(ev, SGFW_A_EVENT_REASON, "reason", " reason %s",
		   end_reason_name);
	event_enum(ev, SGFW_A_EVENT_VERDICT, "reason", " reason %s",
		   verdict_name);
	event_u64(ev, SGFW_A_EVENT_ICMP_TYPE, "icmp_type", " type %" PRIu64);
	event_u64(ev, SGFW_A_EVENT_ICMP_CODE, "icmp_code", " code %" PRIu64);
	event_u64(ev, SGFW_A_EVENT_NACL_RULE, "nacl_rule",
		  " nacl-rule %" PRIu64);
	if (ev->cmd == SGFW_CMD_DROP_NTF && !event_has(ev, SGFW_A_EVENT_AUDIT))
		print_bool("audit", NULL, false);
	event_flag(ev, SGFW_A_EVENT_AUDIT, "audit", " audit");
	event_u64(ev, SGFW_A_EVENT_PACKETS, "packets",
		  ended ? " packets %" PRIu64 : NULL);
	event_u64(ev, SGFW_A_EVENT_BYTES, "bytes",
		  ev->cmd != SGFW_CMD_FLOW_NEW_NTF ? " bytes %" PRIu64 : NULL);
	if (ended && event_has(ev, SGFW_A_EVENT_START) &&
	    event_has(ev, SGFW_A_EVENT_END))
		print_text(" duration %" PRIu64 "s",
			   end > start ? end - start : 0);
	event_u64(ev, SGFW_A_EVENT_SUPPRESSED, "suppressed",
		  suppressed ? " suppressed %" PRIu64 : NULL);
	event_flag(ev, SGFW_A_EVENT_ROLLBACK, "rollback", " rollback");
	event_enum(ev, SGFW_A_EVENT_STATE, "state", NULL, flow_state_name);
	event_u64(ev, SGFW_A_EVENT_START, "start", NULL);
	event_u64(ev, SGFW_A_EVENT_END, "end", NULL);
	print_text("\n");
	print_close_object();
}

static volatile sig_atomic_t monitor_stop;

static void monitor_on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

/* Events read without waiting at the end of an interval, at most. */
#define MONITOR_DRAIN_MAX	4096

struct monitor {
	struct nl_sock *s;		/* in the events group */
	unsigned int kinds;		/* MONITOR_*: what to hand on */
	/* What an event of those kinds is given to; an exit status. */
	int (*event)(struct monitor *m, const struct event *ev);
	/* Events were lost: the socket's buffer overflowed. */
	void (*lost)(struct monitor *m);
	int status;			/* what stopped the reading */
	/* The signals: those of the wait, and those to restore. */
	sigset_t wait_mask, old_mask;
	struct sigaction old_int, old_term;
	/* The flow log's: a socket for the dumps, the records, the format. */
	struct nl_sock *dump;
	struct flowlog fl;
	struct flowlog_format fmt;
};

static void monitor_signals(struct monitor *m)
{
	struct sigaction sa = { .sa_handler = monitor_on_signal };
	sigset_t stop;

	monitor_stop = 0;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &m->old_mask);
	m->wait_mask = m->old_mask;
	sigdelset(&m->wait_mask, SIGINT);
	sigdelset(&m->wait_mask, SIGTERM);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &m->old_int);
	sigaction(SIGTERM, &sa, &m->old_term);
}

static void monitor_signals_restore(const struct monitor *m)
{
	sigaction(SIGINT, &m->old_int, NULL);
	sigaction(SIGTERM, &m->old_term, NULL);
	sigprocmask(SIG_SETMASK, &m->old_mask, NULL);
}

static int monitor_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor *m = arg;
	struct event ev;
	int type;

	if (event_decode(nlh, &ev)) {
		cli_error("malformed event from the kernel");
		return 0;
	}
	type = event_type(ev.cmd);
	if (type < 0 || !(event_types[type].kind & m->kinds))
		return 0;
	m->status = m->event(m, &ev);
	return m->status ? -ECANCELED : 0;
}

/*
 * Wait up to @timeout_ms (-1: for ever) for events and hand on those one
 * read brings; *idle says that none came (a timeout, a signal).  Return an
 * exit status, having reported any failure.
 */
static int monitor_read(struct monitor *m, int timeout_ms, bool *idle)
{
	int err = nl_wait(m->s, timeout_ms, &m->wait_mask);

	*idle = !err || err == -EINTR;
	if (*idle)
		return SGTOOL_EXIT_OK;
	if (err > 0)
		err = nl_recv_ntf(m->s, monitor_cb, m);
	if (err == -ENOBUFS) {
		m->lost(m);
		return m->status;
	}
	if (err == -ECANCELED)
		return m->status;
	if (err) {
		cli_error("cannot read events: %s", strerror(-err));
		return SGTOOL_EXIT_KERNEL;
	}
	return SGTOOL_EXIT_OK;
}

static int monitor_print_event(struct monitor *m, const struct event *ev)
{
	(void)m;
	event_print(ev, event_types[event_type(ev->cmd)].name);
	return cli_output_next();
}

static void monitor_print_lost(struct monitor *m)
{
	print_open_object(NULL);
	print_string("event", NULL, "lost");
	print_text("lost events (receive buffer overflow)\n");
	print_close_object();
	m->status = cli_output_next();
}

/* The kinds argv[0..argc-1] name into *kinds; all when none. */
static int monitor_kinds(int argc, char **argv, unsigned int *kinds)
{
	*kinds = 0;
	for (int i = 0; i < argc; i++) {
		unsigned int kind = 0;

		for (size_t w = 0; w < ARRAY_SIZE(monitor_words); w++)
			if (!strcmp(argv[i], monitor_words[w].word))
				kind = monitor_words[w].kind;
		if (!kind)
			return cli_usage_error(OBJ, "unknown event kind \"%s\"",
					       argv[i]);
		if (*kinds & kind)
			return cli_usage_error(OBJ, "\"%s\" given twice",
					       argv[i]);
		*kinds |= kind;
	}
	if (!*kinds)
		*kinds = MONITOR_ALL;
	return SGTOOL_EXIT_OK;
}

/* monitor [ flows ] [ drops ] [ config ]: argv[0] is the first kind. */
static int monitor_events(int argc, char **argv)
{
	struct monitor m = {
		.event = monitor_print_event,
		.lost = monitor_print_lost,
	};
	bool idle;
	int status;

	status = monitor_kinds(argc, argv, &m.kinds);
	if (status)
		return status;
	status = conn_open_events(&m.s);
	if (status)
		return status;
	monitor_signals(&m);
	while (!monitor_stop && !status)
		status = monitor_read(&m, -1, &idle);
	monitor_signals_restore(&m);
	nl_close(m.s);
	return status;
}

/* "monitor" alone: every kind. */
static int monitor_all(int argc, char **argv)
{
	return monitor_events(argc - 1, argv + 1);
}

static int flowlog_on_event(struct monitor *m, const struct event *ev)
{
	int err = flowlog_event(&m->fl, ev);

	/* As monitor_cb() does with an event it cannot decode. */
	if (err == -EBADMSG) {
		cli_error("malformed event from the kernel");
		return SGTOOL_EXIT_OK;
	}
	if (err) {
		cli_error("%s", strerror(-err));
		return SGTOOL_EXIT_USAGE;
	}
	return SGTOOL_EXIT_OK;
}

static void flowlog_on_lost(struct monitor *m)
{
	cli_error("lost events (receive buffer overflow): this interval's records say SKIPDATA");
	flowlog_lost(&m->fl);
}

static int flowlog_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct monitor *m = arg;
	struct event flow;

	if (event_decode_flow(nlh, &flow))
		return -EBADMSG;
	return flowlog_flow(&m->fl, &flow);
}

static void flowlog_emit(const struct flowlog_rec *r, void *arg)
{
	struct monitor *m = arg;
	char buf[IF_NAMESIZE];

	flowlog_print(sgtool_out, &m->fmt, r, dev_name(r->ifindex, NULL, buf));
}

/*
 * The end of an interval: the events that came before it, then a dump of
 * the flows, then its records.
 */
static int flowlog_interval(struct monitor *m)
{
	bool idle = false;
	int status = SGTOOL_EXIT_OK;
	struct req q;

	for (int i = 0; i < MONITOR_DRAIN_MAX && !idle && !status; i++)
		status = monitor_read(m, 0, &idle);
	if (status)
		return status;
	req_init(&q, m->dump, SGFW_CMD_FLOW_GET, NLM_F_DUMP);
	status = req_talk(&q, flowlog_dump_cb, m);
	if (status)
		return status;
	flowlog_end(&m->fl, (uint64_t)time(NULL), flowlog_emit, m);
	return cli_output_end();
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Intervals of @interval seconds until a signal, which ends the last. */
static int flowlog_loop(struct monitor *m, unsigned int interval)
{
	int64_t length = (int64_t)interval * 1000;
	int64_t deadline = monotonic_ms() + length;
	int status = SGTOOL_EXIT_OK;
	bool idle;

	while (!monitor_stop && !status) {
		int64_t left = deadline - monotonic_ms();

		if (left > 0) {
			status = monitor_read(m, (int)left, &idle);
			continue;
		}
		status = flowlog_interval(m);
		/* A dump longer than an interval starts the next one late. */
		deadline += length;
		if (deadline < monotonic_ms())
			deadline = monotonic_ms() + length;
	}
	return status ?: flowlog_interval(m);
}

/* [ interval S ] [ format STRING ] after "flowlog" (argv[0]). */
static int flowlog_args(int argc, char **argv, uint32_t *interval,
			const char **format)
{
	bool have_interval = false, have_format = false;

	for (int i = 1; i < argc; i += 2) {
		const char *kw = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool *have;

		if (!strcmp(kw, "interval"))
			have = &have_interval;
		else if (!strcmp(kw, "format"))
			have = &have_format;
		else
			return cli_usage_error(OBJ, "unexpected argument "
					       "\"%s\"", kw);
		if (*have)
			return cli_usage_error(OBJ, "\"%s\" given twice", kw);
		*have = true;
		if (!v)
			return cli_usage_error(OBJ, "\"%s\" needs a value", kw);
		if (have == &have_format)
			*format = v;
		else if (parse_u32(v, 600, interval) || !*interval)
			return cli_usage_error(OBJ, "invalid interval \"%s\" (1-600 seconds)",
					       v);
	}
	return SGTOOL_EXIT_OK;
}

static int flowlog_format(struct flowlog_format *f, const char *s)
{
	const char *bad = NULL;
	int bad_len = 0;

	switch (flowlog_format_parse(f, s, &bad, &bad_len)) {
	case 0:
		return SGTOOL_EXIT_OK;
	case -ENOENT:
		return cli_usage_error(OBJ, "unknown flowlog field \"%.*s\"",
				       bad_len, bad);
	case -EINVAL:
		return cli_usage_error(OBJ, "unterminated field \"%.*s\"",
				       bad_len, bad);
	case -ENODATA:
		return cli_usage_error(OBJ, "format \"%s\" has no field", s);
	}
	cli_error("out of memory");
	return SGTOOL_EXIT_USAGE;
}

/* monitor flowlog [ interval S ] [ format STRING ] */
static int monitor_flowlog(int argc, char **argv)
{
	struct monitor m = {
		.kinds = MONITOR_FLOWS | MONITOR_DROPS,
		.event = flowlog_on_event,
		.lost = flowlog_on_lost,
	};
	const char *format = FLOWLOG_DEFAULT_FORMAT;
	uint32_t interval = 60;
	int status;

	status = flowlog_args(argc, argv, &interval, &format) ?:
		 flowlog_format(&m.fmt, format);
	if (status)
		return status;
	status = conn_open_events(&m.s);
	if (status)
		goto out;
	status = conn_open(&m.dump);
	if (status) {
		nl_close(m.s);
		goto out;
	}
	flowlog_init(&m.fl, (uint64_t)time(NULL));
	monitor_signals(&m);
	status = flowlog_loop(&m, interval);
	monitor_signals_restore(&m);
	flowlog_free(&m.fl);
	nl_close(m.dump);
	nl_close(m.s);
out:
	flowlog_format_free(&m.fmt);
	return status;
}

/* monitor off: the namespace builds no more events. */
static int monitor_off(int argc, char **argv)
{
	struct nl_sock *s;
	int status;

	status = cli_no_more_args(OBJ, argc - 1, argv + 1);
	if (status)
		return status;
	status = conn_open(&s);
	if (status)
		return status;
	status = conn_events(s, false);
	nl_close(s);
	return status;
}

static const char monitor_usage[] =
	"Usage: sgtool [OPTIONS] monitor [ flows ] [ drops ] [ config ]\n"
	"       sgtool [OPTIONS] monitor flowlog [ interval S ] [ format STRING ]\n"
	"       sgtool [OPTIONS] monitor off\n"
	"\n"
	"\"monitor\" prints the events of the network namespace as they\n"
	"come, one line each (with -j, one JSON object a line), until\n"
	"SIGINT or SIGTERM: flows opened and ended and packets of untracked\n"
	"flows (flows), drops (drops), changes of the configuration\n"
	"(config); all of them when none is named.  Listening needs\n"
	"CAP_NET_ADMIN.  Drop and untracked events are rate-limited by the\n"
	"module; \"suppressed N\" counts those left out.\n"
	"\"monitor flowlog\" prints flow log records in the AWS VPC Flow\n"
	"Logs format (version 2, or the fields of STRING, written\n"
	"${field}), one per flow and interval of S seconds (1-600,\n"
	"default 60), made of the flow table and of the events.\n"
	"The namespace builds events from the first \"monitor\" on;\n"
	"\"monitor off\" stops that (its flows and drops then cost\n"
	"nothing more to anyone who listens).\n"
	"See sgtool(8) for the fields.\n";

static const struct cli_cmd monitor_cmds[] = {
	{ "flows", monitor_events, "flows opened, ended, untracked" },
	{ "drops", monitor_events, "packets dropped" },
	{ "config", monitor_events, "changes of the configuration" },
	{ "flowlog", monitor_flowlog, "flow log records, as AWS VPC's" },
	{ "off", monitor_off, "stop the namespace's events" },
	{ 0 }
};

static const struct cli_object monitor_object = {
	.name = OBJ,
	.cmds = monitor_cmds,
	.usage = monitor_usage,
	.fallback = monitor_all,
};

int monitor_main(int argc, char **argv)
{
	return cli_run(&monitor_object, argc, argv);
}
