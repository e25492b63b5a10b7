/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgfw's events (the multicast group "events") as sgtool monitor reads
 * them, and the flows of a dump in the same terms, for the flow log.
 */
#ifndef SGTOOL_MONITOR_H
#define SGTOOL_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/sgfw.h>

#include "nl.h"
#include "parse.h"

/*
 * One event, or one flow of a SGFW_CMD_FLOW_GET dump with its attributes
 * named as the event's: what the message had, strings pointing into it.
 */
struct event {
	uint8_t cmd;		/* SGFW_CMD_*_NTF, or SGFW_CMD_FLOW_GET */
	uint32_t have;		/* bit N: attribute SGFW_A_EVENT_N came */
	/* The integer attributes (and the enums), by type. */
	uint64_t v[SGFW_A_EVENT_MAX + 1];
	struct addr src, dst;
	const char *sg;
	const char *name;
	const char *ifname;
};

/* Whether @ev has the attribute SGFW_A_EVENT_@attr (a flag: is set). */
bool event_has(const struct event *ev, unsigned int attr);

/*
 * Decode an event, or a flow of a dump into the terms of an event.
 * Return 0, or -EBADMSG when an attribute is malformed.
 */
int event_decode(const struct nlmsghdr *nlh, struct event *ev);
int event_decode_flow(const struct nlmsghdr *nlh, struct event *ev);

#endif /* SGTOOL_MONITOR_H */
