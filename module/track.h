/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-protocol tracking: which packets may open a flow, the state a flow
 * walks through (the TCP state machine, UDP single and stream, icmp
 * queries, other protocols) and the idle timeout of each state.
 */
#ifndef _SGFW_TRACK_H
#define _SGFW_TRACK_H

#include <linux/bits.h>
#include <linux/types.h>

#include "flowtable.h"
#include "types.h"

/*
 * sgfw_track_new() - may @p open a flow, and how does it start?
 * Fills every field of @init: state, pstate, timeout and len from @p,
 * flags, sg_id and rule_id zero (they are the caller's).
 * Return: false when @p cannot open a flow (a TCP RST, SYN/ACK or FIN, an
 * invalid flag combination, an icmp error or an icmp message that is not
 * a request, neighbour discovery...); the caller then still passes or
 * drops it by the rules, but records nothing.
 */
bool sgfw_track_new(const struct sgfw_pkt *p, const struct sgfw_timeouts *to,
		    struct sgfw_flow_init *init);

/* What sgfw_track_packet() tells the table (flowtable.h). */
#define SGFW_TRACK_ASSURED	BIT(0)	/* the flow became assured: */
					/* sgfw_flow_assured() */
#define SGFW_TRACK_SOONER	BIT(1)	/* the deadline came nearer: */
					/* sgfw_flow_requeue() */

/*
 * sgfw_track_packet() - account a packet of a known flow.
 * @reply: @p runs opposite to the flow's opener.
 * @events: set to SGFW_TRACK_* for what the table must hear of.
 *
 * Moves the state on, pushes the deadline, counts packets and bytes.  An
 * icmp error about the flow (SGFW_PKT_ICMP_ERROR) is accepted and changes
 * nothing.  A TCP RST or FIN outside the receiver's window is accepted
 * and changes nothing either (track.c says why).
 * Context: RCU, softirq; lock-free (cmpxchg on the state).
 * Return: true to accept the packet as part of the flow; false when the
 * packet has no place in the flow's state (TCP: see sgfw_tcp_next_state();
 * icmp: a message that is not the flow's request or its reply), and then
 * nothing changes.
 */
bool sgfw_track_packet(struct sgfw_flow *flow, const struct sgfw_pkt *p,
		       bool reply, const struct sgfw_timeouts *to,
		       unsigned int *events);

/*
 * sgfw_track_reopens() - is @p the opener's SYN on @flow in time-wait or
 * close: a new connection on an ended one's ports, which reopens the flow
 * but must first be allowed by a rule, as a new flow's opener?
 * Context: RCU.
 */
bool sgfw_track_reopens(const struct sgfw_flow *flow,
			const struct sgfw_pkt *p, bool reply);

/*
 * sgfw_track_takes() - would sgfw_track_packet() accept @p as part of
 * @flow?  Changes nothing (explain).  Context: RCU.
 */
bool sgfw_track_takes(struct sgfw_flow *flow, const struct sgfw_pkt *p,
		      bool reply);

/*
 * The TCP state machine alone, for tests: the state after a packet with
 * @tcp_flags in @state (SGFW_FLOW_STATE_NONE: a packet that would open a
 * flow).  Returns SGFW_FLOW_STATE_NONE for a packet that does not belong
 * to the flow in that state.
 */
u8 sgfw_tcp_next_state(u8 state, bool reply, u8 tcp_flags);

/* Timeout in seconds of a flow in @state (per-device ones from @to). */
u32 sgfw_state_timeout(u8 state, u8 proto, const struct sgfw_timeouts *to);

#endif /* _SGFW_TRACK_H */
