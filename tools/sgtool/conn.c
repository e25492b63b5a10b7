// SPDX-License-Identifier: GPL-2.0
/*
 * The connection to the sgfw family.  See conn.h.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "msg.h"
#include "netns.h"
#include "sgtool.h"

int conn_try_open(struct nl_sock **sp, struct conn_failure *why)
{
	const char *ns = sgtool_opts.netns;
	struct nl_sock *s;
	int err;

	*sp = NULL;
	why->status = SGTOOL_EXIT_USAGE;

	if (ns) {
		err = netns_enter(ns);
		if (err == -EINVAL)
			snprintf(why->msg, sizeof(why->msg),
				 "invalid network namespace name \"%s\"", ns);
		else if (err)
			snprintf(why->msg, sizeof(why->msg),
				 "cannot enter network namespace \"%s\": %s",
				 ns, strerror(-err));
		if (err)
			return why->status;
	}

	s = nl_open();
	if (!s) {
		snprintf(why->msg, sizeof(why->msg),
			 "cannot open a generic netlink socket: %s",
			 strerror(errno));
		return why->status;
	}

	err = nl_resolve(s, SGFW_GENL_NAME);
	if (err) {
		/* The controller's answer for a family nobody registered. */
		if (err == -ENOENT)
			snprintf(why->msg, sizeof(why->msg), "%s",
				 CONN_NOT_LOADED);
		else
			snprintf(why->msg, sizeof(why->msg),
				 "cannot look up the sgfw netlink family: %s",
				 nl_strerror(s, err));
		nl_close(s);
		return why->status;
	}
	/* While sgfw is 0.x, a new version renumbers attributes. */
	if (s->family_version != SGFW_GENL_VERSION) {
		snprintf(why->msg, sizeof(why->msg),
			 "the sgfw module speaks version %u of its netlink family and this sgtool version %u: install the sgtool of the module",
			 s->family_version, SGFW_GENL_VERSION);
		nl_close(s);
		return why->status;
	}

	*sp = s;
	return SGTOOL_EXIT_OK;
}

int conn_failure_report(const struct conn_failure *why)
{
	cli_error("%s", why->msg);
	return why->status;
}

int conn_open(struct nl_sock **sp)
{
	struct conn_failure why;
	int status = conn_try_open(sp, &why);

	return status ? conn_failure_report(&why) : status;
}

int conn_events(struct nl_sock *s, bool on)
{
	struct req q;

	req_init(&q, s, SGFW_CMD_STATUS_SET, 0);
	req_u8(&q, SGFW_A_STATUS_EVENTS, on);
	return req_talk(&q, NULL, NULL);
}

int conn_open_events(struct nl_sock **sp)
{
	struct nl_sock *s;
	int status, group, err;

	status = conn_open(&s);
	if (status)
		return status;
	/* The namespace builds no event until it is asked to. */
	status = conn_events(s, true);
	if (status) {
		nl_close(s);
		return status;
	}
	group = nl_mcast_group(s, SGFW_MCGRP_EVENTS);
	if (group < 0) {
		cli_error("the sgfw module has no \"%s\" multicast group: install the sgtool of the module",
			  SGFW_MCGRP_EVENTS);
		nl_close(s);
		return SGTOOL_EXIT_USAGE;
	}
	err = nl_join(s, (uint32_t)group);
	if (err) {
		if (err == -EPERM)
			cli_error("cannot listen to sgfw events: %s (it needs CAP_NET_ADMIN over the network namespace)",
				  strerror(EPERM));
		else
			cli_error("cannot listen to sgfw events: %s",
				  strerror(-err));
		nl_close(s);
		return SGTOOL_EXIT_KERNEL;
	}
	/* Best effort: with a smaller buffer, a burst loses events sooner. */
	nl_set_rcvbuf(s, CONN_EVENTS_RCVBUF);
	*sp = s;
	return SGTOOL_EXIT_OK;
}

int conn_report(const struct nl_sock *s, int err)
{
	if (!err) {
		if (s->err.msg[0])
			cli_error("warning: %s", s->err.msg);
		return SGTOOL_EXIT_OK;
	}
	/* Only a reply we could not decode comes back as -EBADMSG unsent. */
	if (err == -EBADMSG && s->err.code != err)
		cli_error("malformed reply from the kernel");
	else
		cli_error("%s", nl_strerror(s, err));
	return SGTOOL_EXIT_KERNEL;
}
