/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "events" multicast group of the family: flows that begin and end,
 * packets dropped or passed untracked, changes of the configuration
 * (uapi/linux/sgfw.h, "Events").  Nothing is built unless the namespace's
 * administrator turned its events on and a socket listens.
 */
#ifndef _SGFW_EVENTS_H
#define _SGFW_EVENTS_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "types.h"

struct net;
struct sgfw_crule;
struct sgfw_flow;
struct sgfw_net;
struct sgfw_pkt;

/*
 * struct sgfw_evlimit - a per-namespace budget of events of one kind:
 * at most event_rate (module parameter) in a window of a second.
 * @window: jiffies at which the present window began.
 * @used: events sent, or tried, in it.
 * @suppressed: events refused since the last one sent, which that next
 *	one reports (SGFW_A_EVENT_SUPPRESSED).
 * Lock-free: a race at a window's turn may let a few more through, or
 * count a few of the new window's as the old one's; it never loses the
 * count of one refused.
 */
struct sgfw_evlimit {
	unsigned long window;
	atomic_t used;
	atomic_t suppressed;
};

/*
 * Events go out between sgfw_events_start(), after the family is
 * registered, and sgfw_events_stop(), before it is unregistered; stop
 * waits for every sender that saw them on (each sends under RCU).
 */
void sgfw_events_start(void);
void sgfw_events_stop(void);

/*
 * Are events of @net wanted: turned on by its administrator, the
 * namespace not going away, and a socket listening?  The listener test is
 * of the whole group (genetlink tells no more): a listener elsewhere makes
 * a namespace that turned its events on build them for nobody, and only
 * such a namespace.  Context: RCU.
 */
bool sgfw_events_wanted(const struct net *net);

/*
 * Flow @f of @net, seen on @ifindex (0 once its device's configuration
 * has gone), began, or ended for @reason (enum sgfw_end_reason).
 * Context: RCU, any context (under the table's locks for an end).
 */
void sgfw_event_flow_new(const struct net *net, int ifindex,
			 const struct sgfw_flow *f);
void sgfw_event_flow_end(const struct net *net, int ifindex,
			 const struct sgfw_flow *f, u32 reason);

/*
 * A packet of @ifindex in @dir was dropped for @verdict (enum
 * sgfw_verdict), or let through by audit mode (@audit); @nacl_rule: the
 * NACL rule that denied it, 0 for none.  Context: RCU, any context.
 */
void sgfw_event_drop(struct sgfw_net *sn, int ifindex, u32 dir,
		     const struct sgfw_pkt *p, u32 verdict, u32 nacl_rule,
		     bool audit);

/* A packet of an untracked flow passed, allowed by @rule.  Context: RCU. */
void sgfw_event_untracked(struct sgfw_net *sn, int ifindex, u32 dir,
			  const struct sgfw_pkt *p,
			  const struct sgfw_crule *rule);

/*
 * The configuration of @sn changed by command @cmd, naming @name (or
 * NULL) and device @ifname (or NULL) or @ifindex (or 0), as the request
 * named them; @rollback: an unconfirmed apply went back.
 * Context: process.
 */
void sgfw_event_config(struct sgfw_net *sn, u8 cmd, const char *name,
		       const char *ifname, int ifindex, bool rollback);

#endif /* _SGFW_EVENTS_H */
