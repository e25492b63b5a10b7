// SPDX-License-Identifier: GPL-2.0
/*
 * The flow log.  See flowlog.h.
 *
 * One hash table holds what the records of an interval are made from: the
 * tracked flows, with what was last reported of each, and this interval's
 * aggregates of untracked packets and of drops.  A flow that ends leaves
 * the table and its last record waits in a list for the interval's end.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "flowlog.h"
#include "sgtool.h"

/* What an entry of the table is. */
enum flowlog_kind {
	FLOWLOG_FLOW,		/* a tracked flow */
	FLOWLOG_UNTRACKED,	/* the packets of an untracked flow */
	FLOWLOG_DROP,		/* dropped packets */
	FLOWLOG_AUDIT,		/* packets audit mode let pass */
};

/*
 * What tells entries apart, hashed and compared as bytes: it has no
 * padding, and every key is zeroed before it is filled.
 */
struct flowlog_key {
	uint32_t ifindex;
	uint32_t direction;	/* the aggregates' */
	uint32_t verdict;	/* the drops' */
	uint16_t kind;
	uint16_t proto;
	uint16_t sport;
	uint16_t dport;		/* a flow's icmp id, else its port */
	struct addr src, dst;
};

_Static_assert(sizeof(struct flowlog_key) == 20 + 2 * sizeof(struct addr),
	       "struct flowlog_key has padding");

struct flowlog_entry {
	struct flowlog_entry *next;
	struct flowlog_key key;
	struct flowlog_rec rec;
	/* A flow's: its counts when last reported, the interval it was in. */
	uint64_t reported_packets, reported_bytes;
	unsigned long seen;
};

#define FLOWLOG_MIN_BUCKETS	1024

void flowlog_init(struct flowlog *fl, uint64_t now)
{
	memset(fl, 0, sizeof(*fl));
	fl->start = now;
}

void flowlog_free(struct flowlog *fl)
{
	for (size_t i = 0; i < fl->n_buckets; i++) {
		struct flowlog_entry *e = fl->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(fl->buckets);
	free(fl->ended);
	memset(fl, 0, sizeof(*fl));
}

/* FNV-1a. */
static size_t flowlog_hash(const struct flowlog_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return (size_t)h;
}

/* The link that points to the entry of @k, or where it would go. */
static struct flowlog_entry **flowlog_slot(struct flowlog *fl,
					   const struct flowlog_key *k)
{
	struct flowlog_entry **p;

	p = &fl->buckets[flowlog_hash(k) & (fl->n_buckets - 1)];
	while (*p && memcmp(&(*p)->key, k, sizeof(*k)))
		p = &(*p)->next;
	return p;
}

static int flowlog_grow(struct flowlog *fl)
{
	size_t n = fl->n_buckets ? fl->n_buckets * 2 : FLOWLOG_MIN_BUCKETS;
	struct flowlog_entry **b = calloc(n, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < fl->n_buckets; i++) {
		struct flowlog_entry *e = fl->buckets[i], *next;

		for (; e; e = next) {
			size_t h = flowlog_hash(&e->key) & (n - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	free(fl->buckets);
	fl->buckets = b;
	fl->n_buckets = n;
	return 0;
}

/*
 * The entry of @k, made (zeroed, but for its key) when there is none, and
 * *created said (unless @created is NULL); NULL when out of memory.
 */
static struct flowlog_entry *flowlog_get(struct flowlog *fl,
					 const struct flowlog_key *k,
					 bool *created)
{
	struct flowlog_entry **p, *e;

	/* A table that cannot grow only gets slower. */
	if (fl->n >= fl->n_buckets && flowlog_grow(fl) && !fl->n_buckets)
		return NULL;
	p = flowlog_slot(fl, k);
	if (created)
		*created = !*p;
	if (*p)
		return *p;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = *k;
	*p = e;
	fl->n++;
	return e;
}

static void flowlog_remove(struct flowlog *fl, struct flowlog_entry **p)
{
	struct flowlog_entry *e = *p;

	*p = e->next;
	free(e);
	fl->n--;
}

/*
 * The key of @ev as an entry of @kind: the device, the protocol, the
 * addresses and ports, and for a flow its icmp id; for the aggregates,
 * the direction and the verdict too.
 */
static int flowlog_key(const struct event *ev, uint16_t kind,
		       struct flowlog_key *k)
{
	memset(k, 0, sizeof(*k));
	if (!event_has(ev, SGFW_A_EVENT_IFINDEX) ||
	    !event_has(ev, SGFW_A_EVENT_PROTOCOL) ||
	    !event_has(ev, SGFW_A_EVENT_SRC) ||
	    !event_has(ev, SGFW_A_EVENT_DST))
		return -EBADMSG;
	k->kind = kind;
	k->proto = (uint8_t)ev->v[SGFW_A_EVENT_PROTOCOL];
	k->sport = (uint16_t)ev->v[SGFW_A_EVENT_SPORT];
	k->dport = (uint16_t)ev->v[kind == FLOWLOG_FLOW &&
				  event_has(ev, SGFW_A_EVENT_ICMP_ID) ?
				  SGFW_A_EVENT_ICMP_ID : SGFW_A_EVENT_DPORT];
	k->ifindex = (uint32_t)ev->v[SGFW_A_EVENT_IFINDEX];
	if (kind != FLOWLOG_FLOW) {
		k->direction = (uint32_t)ev->v[SGFW_A_EVENT_DIRECTION];
		k->verdict = (uint32_t)ev->v[SGFW_A_EVENT_VERDICT];
	}
	k->src = ev->src;
	k->dst = ev->dst;
	return 0;
}

/* A record of @ev, without counts or times. */
static void flowlog_rec_init(struct flowlog_rec *r, const struct event *ev)
{
	memset(r, 0, sizeof(*r));
	r->ifindex = (uint32_t)ev->v[SGFW_A_EVENT_IFINDEX];
	r->direction = ev->v[SGFW_A_EVENT_DIRECTION];
	r->proto = (uint8_t)ev->v[SGFW_A_EVENT_PROTOCOL];
	r->src = ev->src;
	r->dst = ev->dst;
	r->sport = (uint16_t)ev->v[SGFW_A_EVENT_SPORT];
	r->dport = (uint16_t)ev->v[SGFW_A_EVENT_DPORT];
	if (ev->sg)
		snprintf(r->sg, sizeof(r->sg), "%s", ev->sg);
	r->has_rule = event_has(ev, SGFW_A_EVENT_RULE_ID);
	r->rule_id = (uint32_t)ev->v[SGFW_A_EVENT_RULE_ID];
}

/* @name, or @v as a number for a value this sgtool has no name for. */
static void flowlog_reason(struct flowlog_rec *r, const char *name,
			   uint64_t v)
{
	if (name)
		snprintf(r->reason, sizeof(r->reason), "%s", name);
	else
		snprintf(r->reason, sizeof(r->reason), "%" PRIu64, v);
}

/* What a counter grew by; a smaller one is another flow's, from 0. */
static uint64_t flowlog_growth(uint64_t now, uint64_t before)
{
	return now >= before ? now - before : now;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* A flow ended: its last record, what it carried since last reported. */
static int flowlog_ended(struct flowlog *fl, const struct event *ev)
{
	uint64_t packets = 0, bytes = 0, pending_packets = 0, pending_bytes = 0;
	struct flowlog_entry **p;
	struct flowlog_key k;
	struct flowlog_rec *r;

	if (flowlog_key(ev, FLOWLOG_FLOW, &k))
		return -EBADMSG;
	if (fl->n_ended == fl->cap_ended) {
		size_t cap = fl->cap_ended ? fl->cap_ended * 2 : 64;
		struct flowlog_rec *v = realloc(fl->ended, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fl->ended = v;
		fl->cap_ended = cap;
	}
	if (fl->n_buckets) {
		p = flowlog_slot(fl, &k);
		if (*p) {
			packets = (*p)->reported_packets;
			bytes = (*p)->reported_bytes;
			pending_packets = (*p)->rec.packets;
			pending_bytes = (*p)->rec.bytes;
			flowlog_remove(fl, p);
		}
	}
	r = &fl->ended[fl->n_ended++];
	flowlog_rec_init(r, ev);
	r->packets = pending_packets +
		     flowlog_growth(ev->v[SGFW_A_EVENT_PACKETS], packets);
	r->bytes = pending_bytes +
		   flowlog_growth(ev->v[SGFW_A_EVENT_BYTES], bytes);
	r->start = max_u64(ev->v[SGFW_A_EVENT_START], fl->start);
	r->end = max_u64(ev->v[SGFW_A_EVENT_END], r->start);
	if (event_has(ev, SGFW_A_EVENT_REASON))
		flowlog_reason(r, end_reason_name((uint32_t)
				ev->v[SGFW_A_EVENT_REASON]),
			       ev->v[SGFW_A_EVENT_REASON]);
	return 0;
}

/* A packet of an untracked flow, or a drop: added to its aggregate. */
static int flowlog_packet(struct flowlog *fl, const struct event *ev,
			  uint16_t kind)
{
	uint64_t t = ev->v[SGFW_A_EVENT_END];
	struct flowlog_entry *e;
	struct flowlog_key k;
	bool created;

	if (flowlog_key(ev, kind, &k))
		return -EBADMSG;
	e = flowlog_get(fl, &k, &created);
	if (!e)
		return -ENOMEM;
	if (created) {
		flowlog_rec_init(&e->rec, ev);
		e->rec.reject = kind == FLOWLOG_DROP;
		e->rec.start = t;
		e->rec.end = t;
		if (kind == FLOWLOG_DROP)
			flowlog_reason(&e->rec, verdict_name(k.verdict),
				       k.verdict);
	}
	e->rec.packets++;
	e->rec.bytes += ev->v[SGFW_A_EVENT_BYTES];
	if (t < e->rec.start)
		e->rec.start = t;
	if (t > e->rec.end)
		e->rec.end = t;
	/* The rate limits are per kind: one kind's records miss some. */
	if (ev->v[SGFW_A_EVENT_SUPPRESSED]) {
		if (kind == FLOWLOG_UNTRACKED)
			fl->skip_untracked = true;
		else
			fl->skip_drops = true;
	}
	return 0;
}

int flowlog_event(struct flowlog *fl, const struct event *ev)
{
	switch (ev->cmd) {
	case SGFW_CMD_FLOW_END_NTF:
		return flowlog_ended(fl, ev);
	case SGFW_CMD_UNTRACKED_NTF:
		return flowlog_packet(fl, ev, FLOWLOG_UNTRACKED);
	case SGFW_CMD_DROP_NTF:
		return flowlog_packet(fl, ev,
				      event_has(ev, SGFW_A_EVENT_AUDIT) ?
				      FLOWLOG_AUDIT : FLOWLOG_DROP);
	}
	return 0;
}

void flowlog_lost(struct flowlog *fl)
{
	fl->lost = true;
}

int flowlog_flow(struct flowlog *fl, const struct event *flow)
{
	uint64_t packets = flow->v[SGFW_A_EVENT_PACKETS];
	uint64_t bytes = flow->v[SGFW_A_EVENT_BYTES];
	uint64_t grown_packets, grown_bytes;
	struct flowlog_entry *e;
	struct flowlog_key k;

	if (flowlog_key(flow, FLOWLOG_FLOW, &k))
		return -EBADMSG;
	e = flowlog_get(fl, &k, NULL);
	if (!e)
		return -ENOMEM;
	/* Fewer than reported: the flow is another, of the same tuple. */
	if (packets < e->reported_packets || bytes < e->reported_bytes) {
		e->reported_packets = 0;
		e->reported_bytes = 0;
	}
	/* Added to what this interval has of it already (none, usually). */
	grown_packets = e->rec.packets + packets - e->reported_packets;
	grown_bytes = e->rec.bytes + bytes - e->reported_bytes;
	/* Its group and rule as they are now. */
	flowlog_rec_init(&e->rec, flow);
	e->rec.packets = grown_packets;
	e->rec.bytes = grown_bytes;
	e->rec.start = max_u64(flow->v[SGFW_A_EVENT_START], fl->start);
	e->reported_packets = packets;
	e->reported_bytes = bytes;
	e->seen = fl->dumps;
	return 0;
}

/* An entry's part of the interval's end: emit its record, say if it goes. */
static bool flowlog_entry_end(struct flowlog *fl, struct flowlog_entry *e,
			      uint64_t now,
			      void (*emit)(const struct flowlog_rec *r,
					   void *arg),
			      void *arg)
{
	struct flowlog_rec *r = &e->rec;

	r->skipdata = fl->lost;
	switch (e->key.kind) {
	case FLOWLOG_FLOW:
		if (r->packets || r->bytes) {
			r->end = max_u64(now, r->start);
			emit(r, arg);
			r->packets = 0;
			r->bytes = 0;
		}
		/*
		 * Missing from this dump and the one before, and no end
		 * event: the event was lost.
		 */
		return e->seen + 2 <= fl->dumps;
	case FLOWLOG_UNTRACKED:
		r->skipdata |= fl->skip_untracked;
		break;
	default:
		r->skipdata |= fl->skip_drops;
		break;
	}
	emit(r, arg);
	return true;
}

void flowlog_end(struct flowlog *fl, uint64_t now,
		 void (*emit)(const struct flowlog_rec *r, void *arg),
		 void *arg)
{
	for (size_t i = 0; i < fl->n_ended; i++) {
		fl->ended[i].skipdata = fl->lost;
		emit(&fl->ended[i], arg);
	}
	fl->n_ended = 0;
	for (size_t i = 0; i < fl->n_buckets; i++) {
		struct flowlog_entry **p = &fl->buckets[i];

		while (*p) {
			if (flowlog_entry_end(fl, *p, now, emit, arg))
				flowlog_remove(fl, p);
			else
				p = &(*p)->next;
		}
	}
	fl->start = now;
	fl->dumps++;
	fl->lost = false;
	fl->skip_untracked = false;
	fl->skip_drops = false;
}

/* The values of the fields. */
enum flowlog_value {
	FV_UNKNOWN,		/* what only AWS knows: "-" */
	FV_VERSION,
	FV_INTERFACE_ID,
	FV_SRCADDR,
	FV_DSTADDR,
	FV_SRCPORT,
	FV_DSTPORT,
	FV_PROTOCOL,
	FV_PACKETS,
	FV_BYTES,
	FV_START,
	FV_END,
	FV_ACTION,
	FV_LOG_STATUS,
	FV_TYPE,
	FV_FLOW_DIRECTION,
	FV_TCP_FLAGS,
	FV_SG,
	FV_RULE_ID,
	FV_REASON,
};

/* The fields of AWS, the version that brought each, and sgfw's own. */
static const struct {
	const char *name;
	uint8_t value;
	uint8_t version;
} flowlog_fields[] = {
	{ "version", FV_VERSION, 2 },
	{ "account-id", FV_UNKNOWN, 2 },
	{ "interface-id", FV_INTERFACE_ID, 2 },
	{ "srcaddr", FV_SRCADDR, 2 },
	{ "dstaddr", FV_DSTADDR, 2 },
	{ "srcport", FV_SRCPORT, 2 },
	{ "dstport", FV_DSTPORT, 2 },
	{ "protocol", FV_PROTOCOL, 2 },
	{ "packets", FV_PACKETS, 2 },
	{ "bytes", FV_BYTES, 2 },
	{ "start", FV_START, 2 },
	{ "end", FV_END, 2 },
	{ "action", FV_ACTION, 2 },
	{ "log-status", FV_LOG_STATUS, 2 },
	{ "vpc-id", FV_UNKNOWN, 3 },
	{ "subnet-id", FV_UNKNOWN, 3 },
	{ "instance-id", FV_UNKNOWN, 3 },
	{ "tcp-flags", FV_TCP_FLAGS, 3 },
	{ "type", FV_TYPE, 3 },
	{ "pkt-srcaddr", FV_SRCADDR, 3 },
	{ "pkt-dstaddr", FV_DSTADDR, 3 },
	{ "region", FV_UNKNOWN, 4 },
	{ "az-id", FV_UNKNOWN, 4 },
	{ "sublocation-type", FV_UNKNOWN, 4 },
	{ "sublocation-id", FV_UNKNOWN, 4 },
	{ "pkt-src-aws-service", FV_UNKNOWN, 5 },
	{ "pkt-dst-aws-service", FV_UNKNOWN, 5 },
	{ "flow-direction", FV_FLOW_DIRECTION, 5 },
	{ "traffic-path", FV_UNKNOWN, 5 },
	{ "ecs-cluster-arn", FV_UNKNOWN, 7 },
	{ "ecs-cluster-name", FV_UNKNOWN, 7 },
	{ "ecs-container-instance-arn", FV_UNKNOWN, 7 },
	{ "ecs-container-instance-id", FV_UNKNOWN, 7 },
	{ "ecs-container-id", FV_UNKNOWN, 7 },
	{ "ecs-second-container-id", FV_UNKNOWN, 7 },
	{ "ecs-service-name", FV_UNKNOWN, 7 },
	{ "ecs-task-definition-arn", FV_UNKNOWN, 7 },
	{ "ecs-task-arn", FV_UNKNOWN, 7 },
	{ "ecs-task-id", FV_UNKNOWN, 7 },
	{ "reject-reason", FV_UNKNOWN, 8 },
	{ "sg", FV_SG, 2 },
	{ "rule-id", FV_RULE_ID, 2 },
	{ "reason", FV_REASON, 2 },
};

static int flowlog_field_find(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(flowlog_fields); i++)
		if (strlen(flowlog_fields[i].name) == len &&
		    !memcmp(flowlog_fields[i].name, name, len))
			return (int)i;
	return -1;
}

int flowlog_format_parse(struct flowlog_format *f, const char *s,
			 const char **bad, int *bad_len)
{
	const char *p = s, *end = NULL;
	bool fields = false;
	int err;

	memset(f, 0, sizeof(*f));
	f->version = 2;
	/* Each part takes one character at least. */
	f->parts = calloc(strlen(s) + 1, sizeof(*f->parts));
	if (!f->parts)
		return -ENOMEM;
	for (; *p; p = end + 1) {
		struct flowlog_part *part = &f->parts[f->n++];

		if (strncmp(p, "${", 2)) {
			end = strstr(p, "${");
			part->field = -1;
			part->text = p;
			part->len = end ? (size_t)(end - p) : strlen(p);
			end = p + part->len - 1;
			continue;
		}
		end = strchr(p, '}');
		err = -EINVAL;
		if (!end)
			goto err;
		part->field = flowlog_field_find(p + 2, (size_t)(end - p - 2));
		err = -ENOENT;
		if (part->field < 0)
			goto err;
		if (flowlog_fields[part->field].version > f->version)
			f->version = flowlog_fields[part->field].version;
		fields = true;
	}
	if (fields)
		return 0;
	p = s;
	err = -ENODATA;
err:
	if (bad)
		*bad = p;
	if (bad_len)
		*bad_len = end && err != -ENODATA ? (int)(end - p + 1) :
			   (int)strlen(p);
	flowlog_format_free(f);
	return err;
}

void flowlog_format_free(struct flowlog_format *f)
{
	free(f->parts);
	memset(f, 0, sizeof(*f));
}

/* The text of the field whose value is @v, in @buf when it is made. */
static const char *flowlog_value(const struct flowlog_format *f,
				 uint8_t v, const struct flowlog_rec *r,
				 const char *ifname, char *buf, size_t len)
{
	const char *dir;

	switch (v) {
	case FV_VERSION:
		snprintf(buf, len, "%u", f->version);
		return buf;
	case FV_INTERFACE_ID:
		if (ifname)
			return ifname;
		snprintf(buf, len, "%" PRIu32, r->ifindex);
		return buf;
	case FV_SRCADDR:
		addr_format(&r->src, buf, len);
		return buf;
	case FV_DSTADDR:
		addr_format(&r->dst, buf, len);
		return buf;
	case FV_SRCPORT:
		snprintf(buf, len, "%u", r->sport);
		return buf;
	case FV_DSTPORT:
		snprintf(buf, len, "%u", r->dport);
		return buf;
	case FV_PROTOCOL:
		snprintf(buf, len, "%u", r->proto);
		return buf;
	case FV_PACKETS:
		snprintf(buf, len, "%" PRIu64, r->packets);
		return buf;
	case FV_BYTES:
		snprintf(buf, len, "%" PRIu64, r->bytes);
		return buf;
	case FV_START:
		snprintf(buf, len, "%" PRIu64, r->start);
		return buf;
	case FV_END:
		snprintf(buf, len, "%" PRIu64, r->end);
		return buf;
	case FV_ACTION:
		return r->reject ? "REJECT" : "ACCEPT";
	case FV_LOG_STATUS:
		return r->skipdata ? "SKIPDATA" : "OK";
	case FV_TYPE:
		return r->src.family == AF_INET6 ? "IPv6" : "IPv4";
	case FV_FLOW_DIRECTION:
		dir = r->direction <= UINT32_MAX ?
		      direction_name((uint32_t)r->direction) : NULL;
		if (dir)
			return dir;
		snprintf(buf, len, "%" PRIu64, r->direction);
		return buf;
	case FV_TCP_FLAGS:
		return "0";
	case FV_SG:
		return r->sg[0] ? r->sg : "-";
	case FV_RULE_ID:
		if (!r->has_rule)
			return "-";
		snprintf(buf, len, "%" PRIu32, r->rule_id);
		return buf;
	case FV_REASON:
		return r->reason[0] ? r->reason : "-";
	}
	return "-";
}

void flowlog_print(FILE *out, const struct flowlog_format *f,
		   const struct flowlog_rec *r, const char *ifname)
{
	char buf[ADDR_TEXT_LEN];

	for (size_t i = 0; i < f->n; i++) {
		const struct flowlog_part *p = &f->parts[i];

		if (p->field < 0)
			fwrite(p->text, 1, p->len, out);
		else
			fputs(flowlog_value(f, flowlog_fields[p->field].value,
					    r, ifname, buf, sizeof(buf)), out);
	}
	fputc('\n', out);
}
