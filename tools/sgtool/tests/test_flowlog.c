// SPDX-License-Identifier: GPL-2.0
/*
 * The flow log's records, from made-up events and dumps: a flow's records
 * add up to what its end says, one per interval it carried packets in;
 * untracked packets and drops are aggregated, and say SKIPDATA when the
 * rate limit or a full socket cost some; the format, its fields and its
 * errors.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "flowlog.h"
#include "monitor.h"
#include "parse.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

#define T0 1700000000ULL

static void set(struct event *ev, unsigned int attr, uint64_t v)
{
	ev->v[attr] = v;
	ev->have |= 1u << attr;
}

/* An event @cmd (or a dumped flow) on device 3, ingress, of the tuple. */
static struct event make(uint8_t cmd, uint8_t proto, const char *src,
			 const char *dst, int sport, int dport)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.cmd = cmd;
	set(&ev, SGFW_A_EVENT_IFINDEX, 3);
	set(&ev, SGFW_A_EVENT_DIRECTION, SGFW_DIRECTION_INGRESS);
	set(&ev, SGFW_A_EVENT_PROTOCOL, proto);
	if (parse_addr(src, &ev.src) || parse_addr(dst, &ev.dst))
		abort();
	ev.have |= 1u << SGFW_A_EVENT_SRC | 1u << SGFW_A_EVENT_DST;
	if (sport >= 0) {
		set(&ev, SGFW_A_EVENT_SPORT, (uint64_t)sport);
		set(&ev, SGFW_A_EVENT_DPORT, (uint64_t)dport);
	}
	return ev;
}

/* A tracked flow as a dump or its end gives it: group web, rule 4. */
static struct event flow(uint8_t cmd, const struct event *tuple,
			 uint64_t packets, uint64_t bytes, uint64_t start)
{
	struct event ev = *tuple;

	ev.cmd = cmd;
	ev.sg = "web";
	set(&ev, SGFW_A_EVENT_RULE_ID, 4);
	set(&ev, SGFW_A_EVENT_PACKETS, packets);
	set(&ev, SGFW_A_EVENT_BYTES, bytes);
	set(&ev, SGFW_A_EVENT_START, start);
	return ev;
}

static struct event ended(const struct event *tuple, uint64_t packets,
			  uint64_t bytes, uint64_t start, uint64_t end)
{
	struct event ev = flow(SGFW_CMD_FLOW_END_NTF, tuple, packets, bytes,
			       start);

	set(&ev, SGFW_A_EVENT_END, end);
	set(&ev, SGFW_A_EVENT_REASON, SGFW_END_CLOSED);
	return ev;
}

/* A drop or untracked packet of @bytes at @t. */
static struct event packet(const struct event *tuple, uint64_t bytes,
			   uint64_t t, uint32_t suppressed)
{
	struct event ev = *tuple;

	set(&ev, SGFW_A_EVENT_BYTES, bytes);
	set(&ev, SGFW_A_EVENT_END, t);
	set(&ev, SGFW_A_EVENT_SUPPRESSED, suppressed);
	return ev;
}

/* The records of the last interval ended. */
static struct flowlog_rec recs[16];
static size_t n_recs;

static void collect(const struct flowlog_rec *r, void *arg)
{
	(void)arg;
	if (n_recs < ARRAY_SIZE(recs))
		recs[n_recs++] = *r;
}

static void end(struct flowlog *fl, uint64_t now)
{
	n_recs = 0;
	flowlog_end(fl, now, collect, NULL);
}

/* The record of source address @src; NULL if none. */
static const struct flowlog_rec *rec_of(const char *src, bool reject,
					const char *reason)
{
	char buf[ADDR_TEXT_LEN];

	for (size_t i = 0; i < n_recs; i++) {
		addr_format(&recs[i].src, buf, sizeof(buf));
		if (!strcmp(buf, src) && recs[i].reject == reject &&
		    !strcmp(recs[i].reason, reason))
			return &recs[i];
	}
	return NULL;
}

#define EXPECT_REC(r, packets_, bytes_, start_, end_, skip_)		\
	do {								\
		const struct flowlog_rec *r_ = (r);			\
									\
		EXPECT(r_ != NULL);					\
		EXPECT_INT(r_->packets, packets_);			\
		EXPECT_INT(r_->bytes, bytes_);				\
		EXPECT_INT(r_->start, start_);				\
		EXPECT_INT(r_->end, end_);				\
		EXPECT_INT(r_->skipdata, skip_);			\
	} while (0)

static int test_records_add_up(void)
{
	struct event a = make(0, 6, "10.0.0.1", "10.0.0.2", 40000, 22);
	struct event b = make(0, 17, "10.0.0.5", "10.0.0.2", 5353, 53);
	struct event c = make(0, 1, "10.0.0.7", "10.0.0.2", -1, -1);
	struct event ev;
	struct flowlog fl;

	set(&c, SGFW_A_EVENT_ICMP_ID, 77);
	flowlog_init(&fl, T0);

	/* Interval 1: a, opened before it, and the icmp query c. */
	ev = flow(SGFW_CMD_FLOW_GET, &a, 10, 1000, T0 - 100);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	ev = flow(SGFW_CMD_FLOW_GET, &c, 2, 168, T0 + 10);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 60);
	EXPECT_INT(n_recs, 2);
	EXPECT_REC(rec_of("10.0.0.1", false, ""), 10, 1000, T0, T0 + 60, 0);
	EXPECT_REC(rec_of("10.0.0.7", false, ""), 2, 168, T0 + 10, T0 + 60, 0);
	EXPECT_STR(rec_of("10.0.0.1", false, "")->sg, "web");
	EXPECT_INT(rec_of("10.0.0.1", false, "")->rule_id, 4);
	EXPECT_INT(rec_of("10.0.0.1", false, "")->dport, 22);
	/* An icmp query's id tells flows apart, but is no port. */
	EXPECT_INT(rec_of("10.0.0.7", false, "")->sport, 0);
	EXPECT_INT(rec_of("10.0.0.7", false, "")->dport, 0);

	/* Interval 2: a carried nothing, c is missing from the dump. */
	ev = flow(SGFW_CMD_FLOW_GET, &a, 10, 1000, T0 - 100);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 120);
	EXPECT_INT(n_recs, 0);
	EXPECT_INT(fl.n, 2);

	/* Interval 3: a grew; c, missing twice with no end, is forgotten. */
	ev = flow(SGFW_CMD_FLOW_GET, &a, 15, 1500, T0 - 100);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 180);
	EXPECT_INT(n_recs, 1);
	EXPECT_REC(rec_of("10.0.0.1", false, ""), 5, 500, T0 + 120, T0 + 180,
		   0);
	EXPECT_INT(fl.n, 1);

	/*
	 * Interval 4: a ends, and b begins and ends, neither in the dump:
	 * a's last record is what it carried since the last, b's is whole.
	 */
	ev = ended(&a, 18, 1800, T0 - 100, T0 + 200);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	ev = ended(&b, 4, 400, T0 + 190, T0 + 195);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	end(&fl, T0 + 240);
	EXPECT_INT(n_recs, 2);
	EXPECT_REC(rec_of("10.0.0.1", false, "closed"), 3, 300, T0 + 180,
		   T0 + 200, 0);
	EXPECT_REC(rec_of("10.0.0.5", false, "closed"), 4, 400, T0 + 190,
		   T0 + 195, 0);
	/* 10 + 5 + 3 = 18 packets, 1000 + 500 + 300 = 1800 bytes. */
	EXPECT_INT(fl.n, 0);

	/* A flow of a's tuple with fewer packets is another: from 0. */
	ev = flow(SGFW_CMD_FLOW_GET, &a, 20, 2000, T0 + 250);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 300);
	ev = flow(SGFW_CMD_FLOW_GET, &a, 3, 300, T0 + 310);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 360);
	EXPECT_REC(rec_of("10.0.0.1", false, ""), 3, 300, T0 + 310, T0 + 360,
		   0);
	flowlog_free(&fl);
	return 0;
}

static int test_aggregates_and_skipdata(void)
{
	struct event u = make(SGFW_CMD_UNTRACKED_NTF, 17, "10.0.0.1",
			      "10.0.0.2", 5000, 53);
	struct event d = make(SGFW_CMD_DROP_NTF, 6, "192.0.2.1", "10.0.0.2",
			      1234, 23);
	struct event f = make(0, 6, "10.0.0.3", "10.0.0.2", 40000, 22);
	struct event ev;
	struct flowlog fl;

	u.sg = "web";
	set(&u, SGFW_A_EVENT_RULE_ID, 2);
	set(&d, SGFW_A_EVENT_VERDICT, SGFW_VERDICT_NO_RULE);
	flowlog_init(&fl, T0);

	/* Three untracked packets, in any order: one record. */
	ev = packet(&u, 100, T0 + 5, 0);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	ev = packet(&u, 50, T0 + 2, 0);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	ev = packet(&u, 70, T0 + 9, 0);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	/* Drops, some rate-limited: a REJECT record. */
	ev = packet(&d, 60, T0 + 3, 4);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	ev = packet(&d, 60, T0 + 4, 0);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	/* Audit mode let one pass: ACCEPT. */
	set(&ev, SGFW_A_EVENT_AUDIT, 1);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	/* Another verdict, another record. */
	ev = packet(&d, 40, T0 + 6, 0);
	set(&ev, SGFW_A_EVENT_VERDICT, SGFW_VERDICT_NACL);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	end(&fl, T0 + 60);
	EXPECT_INT(n_recs, 4);
	EXPECT_REC(rec_of("10.0.0.1", false, ""), 3, 220, T0 + 2, T0 + 9, 0);
	EXPECT_STR(rec_of("10.0.0.1", false, "")->sg, "web");
	EXPECT_INT(rec_of("10.0.0.1", false, "")->rule_id, 2);
	EXPECT_REC(rec_of("192.0.2.1", true, "no-rule"), 2, 120, T0 + 3,
		   T0 + 4, 1);
	EXPECT(!rec_of("192.0.2.1", true, "no-rule")->has_rule);
	EXPECT_REC(rec_of("192.0.2.1", false, ""), 1, 60, T0 + 4, T0 + 4, 1);
	EXPECT_REC(rec_of("192.0.2.1", true, "nacl"), 1, 40, T0 + 6, T0 + 6, 1);
	/* The aggregates are the interval's. */
	EXPECT_INT(fl.n, 0);

	/* Untracked packets rate-limited; drops not, this time. */
	ev = packet(&u, 10, T0 + 70, 2);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	ev = packet(&d, 60, T0 + 71, 0);
	EXPECT_INT(flowlog_event(&fl, &ev), 0);
	end(&fl, T0 + 120);
	EXPECT_INT(n_recs, 2);
	EXPECT_REC(rec_of("10.0.0.1", false, ""), 1, 10, T0 + 70, T0 + 70, 1);
	EXPECT_REC(rec_of("192.0.2.1", true, "no-rule"), 1, 60, T0 + 71,
		   T0 + 71, 0);

	/* Lost events: every record of the interval, then none. */
	ev = flow(SGFW_CMD_FLOW_GET, &f, 5, 500, T0 + 130);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	flowlog_lost(&fl);
	end(&fl, T0 + 180);
	EXPECT_REC(rec_of("10.0.0.3", false, ""), 5, 500, T0 + 130, T0 + 180,
		   1);
	ev = flow(SGFW_CMD_FLOW_GET, &f, 6, 600, T0 + 130);
	EXPECT_INT(flowlog_flow(&fl, &ev), 0);
	end(&fl, T0 + 240);
	EXPECT_REC(rec_of("10.0.0.3", false, ""), 1, 100, T0 + 180, T0 + 240,
		   0);

	/* An event without its tuple makes no record. */
	ev = u;
	ev.have &= ~(1u << SGFW_A_EVENT_DST);
	EXPECT_INT(flowlog_event(&fl, &ev), -EBADMSG);
	flowlog_free(&fl);
	return 0;
}

/* @r written as @s lays it out, in @buf. */
static const char *printed(const char *s, const struct flowlog_rec *r,
			   const char *ifname)
{
	static char buf[512];
	struct flowlog_format f;
	const char *bad;
	int bad_len;
	FILE *out;

	buf[0] = '\0';
	if (flowlog_format_parse(&f, s, &bad, &bad_len))
		return "(refused)";
	out = fmemopen(buf, sizeof(buf), "w");
	if (!out)
		abort();
	flowlog_print(out, &f, r, ifname);
	fclose(out);
	flowlog_format_free(&f);
	return buf;
}

static int test_format_fields(void)
{
	struct flowlog_rec r = {
		.ifindex = 3,
		.direction = SGFW_DIRECTION_INGRESS,
		.proto = 6,
		.sport = 40000,
		.dport = 22,
		.packets = 10,
		.bytes = 1000,
		.start = T0,
		.end = T0 + 60,
		.sg = "web",
		.has_rule = true,
		.rule_id = 4,
	};

	parse_addr("10.0.0.1", &r.src);
	parse_addr("10.0.0.2", &r.dst);
	EXPECT_STR(printed(FLOWLOG_DEFAULT_FORMAT, &r, "eth0"),
		   "2 - eth0 10.0.0.1 10.0.0.2 40000 22 6 10 1000 1700000000"
		   " 1700000060 ACCEPT OK\n");
	/* A device that is gone: its index. */
	EXPECT_STR(printed("${interface-id}", &r, NULL), "3\n");
	EXPECT_STR(printed("${sg} ${rule-id} ${reason} ${type} ${tcp-flags}",
			   &r, NULL), "web 4 - IPv4 0\n");
	/* The version is that of the newest field. */
	EXPECT_STR(printed("${version} ${vpc-id}", &r, NULL), "3 -\n");
	EXPECT_STR(printed("${version} ${region} ${az-id}", &r, NULL),
		   "4 - -\n");
	EXPECT_STR(printed("${version} ${flow-direction}", &r, NULL),
		   "5 ingress\n");
	EXPECT_STR(printed("${version} ${ecs-task-id} ${sg}", &r, NULL),
		   "7 - web\n");

	/* IPv6, a REJECT of no rule, what only AWS knows, literal text. */
	parse_addr("fd00::1", &r.src);
	parse_addr("2001:db8::2", &r.dst);
	r.direction = SGFW_DIRECTION_EGRESS;
	r.reject = true;
	r.skipdata = true;
	r.sg[0] = '\0';
	r.has_rule = false;
	snprintf(r.reason, sizeof(r.reason), "no-rule");
	EXPECT_STR(printed("${type} ${pkt-srcaddr} ${pkt-dstaddr}"
			   " ${flow-direction} ${action} ${log-status}", &r,
			   NULL),
		   "IPv6 fd00::1 2001:db8::2 egress REJECT SKIPDATA\n");
	EXPECT_STR(printed(FLOWLOG_DEFAULT_FORMAT, &r, "eth0"),
		   "2 - eth0 fd00::1 2001:db8::2 40000 22 6 10 1000 1700000000"
		   " 1700000060 REJECT SKIPDATA\n");
	EXPECT_STR(printed("${subnet-id} ${instance-id} ${sublocation-type}"
			   " ${sublocation-id} ${pkt-src-aws-service}"
			   " ${pkt-dst-aws-service} ${traffic-path}"
			   " ${account-id}", &r, NULL),
		   "- - - - - - - -\n");
	EXPECT_STR(printed("${sg}/${rule-id}/${reason}", &r, NULL),
		   "-/-/no-rule\n");
	EXPECT_STR(printed("<${srcaddr}>$ {x} $${dstport}$", &r, NULL),
		   "<fd00::1>$ {x} $22$\n");
	return 0;
}

static int test_format_errors(void)
{
	static const struct {
		const char *s;
		int err;
		const char *bad;
	} bad[] = {
		{ "${srcaddr} ${nope} ${dstaddr}", -ENOENT, "${nope}" },
		{ "${}", -ENOENT, "${}" },
		{ "${Srcaddr}", -ENOENT, "${Srcaddr}" },
		{ "${srcaddr} ${dstaddr", -EINVAL, "${dstaddr" },
		{ "srcaddr dstaddr", -ENODATA, "srcaddr dstaddr" },
		{ "", -ENODATA, "" },
	};
	struct flowlog_format f;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *at = NULL;
		int len = -1;

		EXPECT_INT(flowlog_format_parse(&f, bad[i].s, &at, &len),
			   bad[i].err);
		EXPECT(at != NULL);
		EXPECT_INT(len, (int)strlen(bad[i].bad));
		EXPECT(!strncmp(at, bad[i].bad, (size_t)len));
		EXPECT(f.parts == NULL);
	}
	EXPECT_INT(flowlog_format_parse(&f, FLOWLOG_DEFAULT_FORMAT, NULL,
					NULL), 0);
	EXPECT_INT(f.version, 2);
	EXPECT_INT(f.n, 27);
	flowlog_format_free(&f);
	return 0;
}

void suite_flowlog(void)
{
	tap_test("flowlog: a flow's records add up to its end, one an"
		 " interval it carried packets in", test_records_add_up);
	tap_test("flowlog: untracked packets and drops aggregated; SKIPDATA"
		 " when rate-limited or lost", test_aggregates_and_skipdata);
	tap_test("flowlog: the fields, their version, IPv6, literal text",
		 test_format_fields);
	tap_test("flowlog: an unknown or unterminated field, no field",
		 test_format_errors);
}
