/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow log of "sgtool monitor flowlog": records in the manner of AWS
 * VPC Flow Logs, one per flow and interval, made from the flow table
 * (dumped at the end of each interval) and from events: flows that ended,
 * packets of untracked flows, drops.  Nothing here talks to the kernel or
 * reads a clock, so that the unit tests can drive it with made-up events
 * and dumps.
 */
#ifndef SGTOOL_FLOWLOG_H
#define SGTOOL_FLOWLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "monitor.h"
#include "parse.h"

/* One record: a flow's traffic during one interval. */
struct flowlog_rec {
	uint32_t ifindex;
	uint64_t direction;	/* of the opener, or of the packets */
	uint8_t proto;
	struct addr src, dst;
	uint16_t sport, dport;	/* 0 but for tcp and udp */
	uint64_t packets, bytes;
	uint64_t start, end;	/* seconds since the epoch */
	bool reject;		/* REJECT, else ACCEPT */
	bool skipdata;		/* SKIPDATA, else OK */
	char sg[64];		/* the group of the rule that allowed it */
	bool has_rule;
	uint32_t rule_id;
	char reason[24];	/* a drop's verdict, an end reason; "": none */
};

struct flowlog_entry;

struct flowlog {
	/* The flows of the last dumps, and this interval's aggregates. */
	struct flowlog_entry **buckets;
	size_t n_buckets, n;
	/* The last records of the flows that ended in this interval. */
	struct flowlog_rec *ended;
	size_t n_ended, cap_ended;
	uint64_t start;		/* the interval's */
	unsigned long dumps;	/* intervals ended */
	/* Events were lost, or rate-limited, in this interval. */
	bool lost, skip_untracked, skip_drops;
};

void flowlog_init(struct flowlog *fl, uint64_t now);
void flowlog_free(struct flowlog *fl);

/*
 * An event: the end of a flow, a packet of an untracked flow, a drop
 * (others are ignored).  Return 0, -ENOMEM, or -EBADMSG when it lacks an
 * attribute a record needs.
 */
int flowlog_event(struct flowlog *fl, const struct event *ev);

/* Events were lost: the interval's records say SKIPDATA. */
void flowlog_lost(struct flowlog *fl);

/*
 * A flow of the dump made at the end of the interval: what it carried
 * since it was last reported goes in the interval's records.  Return 0,
 * -ENOMEM or -EBADMSG.
 */
int flowlog_flow(struct flowlog *fl, const struct event *flow);

/*
 * End the interval at @now: call @emit with each of its records, forget
 * the flows that are gone, and start the next interval.
 */
void flowlog_end(struct flowlog *fl, uint64_t now,
		 void (*emit)(const struct flowlog_rec *r, void *arg),
		 void *arg);

/* A record's layout: fields written ${name}, and the text between them. */
struct flowlog_part {
	int field;		/* -1: the literal text */
	const char *text;
	size_t len;
};

struct flowlog_format {
	struct flowlog_part *parts;
	size_t n;
	unsigned int version;	/* the highest of its fields' */
};

/* AWS's default format, that of version 2. */
#define FLOWLOG_DEFAULT_FORMAT						\
	"${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} " \
	"${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} "  \
	"${end} ${action} ${log-status}"

/*
 * Parse @s, which must outlive @f.  Return 0, -ENOMEM, or, with *bad and
 * *bad_len (unless NULL) the text at fault: -ENOENT for an unknown field,
 * -EINVAL for a "${" with no "}", -ENODATA for a format of no field.
 */
int flowlog_format_parse(struct flowlog_format *f, const char *s,
			 const char **bad, int *bad_len);
void flowlog_format_free(struct flowlog_format *f);

/*
 * Write @r to @out as @f lays it out, and a newline; @ifname is its
 * device's name, NULL for a device that is gone (its index is written).
 */
void flowlog_print(FILE *out, const struct flowlog_format *f,
		   const struct flowlog_rec *r, const char *ifname);

#endif /* SGTOOL_FLOWLOG_H */
