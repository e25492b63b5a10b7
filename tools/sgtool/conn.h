/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgtool's connection to the sgfw family: the namespace from -n, the
 * socket, the family lookup, and the messages for what can go wrong.
 */
#ifndef SGTOOL_CONN_H
#define SGTOOL_CONN_H

#include "nl.h"

#define CONN_NOT_LOADED \
	"the sgfw kernel module is not loaded (try: modprobe sgfw)"

/* Why there is no connection, to be reported when the caller chooses. */
struct conn_failure {
	int status;		/* the exit status to return */
	char msg[320];		/* without the "sgtool: " */
};

/* Return 0 with *sp set, or an exit status with @why filled in. */
int conn_try_open(struct nl_sock **sp, struct conn_failure *why);
/* Print @why to sgtool_err; return why->status. */
int conn_failure_report(const struct conn_failure *why);

/* conn_try_open() that reports the failure at once. */
int conn_open(struct nl_sock **sp);

/* The receive buffer a listener asks for: room for bursts of events. */
#define CONN_EVENTS_RCVBUF	(4 * 1024 * 1024)

/*
 * Turn the events of the namespace of @s on or off (SGFW_CMD_STATUS_SET).
 * Return an exit status, having reported any failure.
 */
int conn_events(struct nl_sock *s, bool on);

/*
 * conn_open(), turn the namespace's events on, then join the family's
 * multicast group "events" (which needs CAP_NET_ADMIN over the namespace)
 * and ask for a receive buffer of CONN_EVENTS_RCVBUF.  Return an exit
 * status, having reported any failure.
 */
int conn_open_events(struct nl_sock **sp);

/*
 * Report the result @err of a request on @s: the kernel's message (or a
 * warning it sent with a success).  Return an exit status.
 */
int conn_report(const struct nl_sock *s, int err);

#endif /* SGTOOL_CONN_H */
