/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGTOOL_STATUS_H
#define SGTOOL_STATUS_H

#include <stdint.h>

#include "nl.h"

/* The reply to SGFW_CMD_STATUS; @have has bit N for attribute N. */
struct sgfw_status {
	uint32_t have;
	char version[128];
	uint32_t flows;
	uint32_t flow_limit;
	uint64_t allowance_exceeded;
	uint32_t allowance_available;
	uint64_t bucket_full;
	uint64_t evicted;
	uint64_t nomem;
	uint32_t flow_limit_ceiling;
	uint32_t confirm_pending;	/* seconds; absent when none */
	uint8_t events;			/* the namespace sends events */
	uint32_t frags;			/* port mode's fragment table */
	uint64_t frags_full;
};

/* Return 0 or a -errno to hand to conn_report(). */
int status_query(struct nl_sock *s, struct sgfw_status *st);

/*
 * status_query() on a connection of its own, which it reports any failure
 * of: return an exit status.
 */
int status_get(struct sgfw_status *st);

#endif /* SGTOOL_STATUS_H */
