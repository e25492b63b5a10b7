// SPDX-License-Identifier: GPL-2.0
/*
 * Per-protocol tracking: what may open a flow, the states a flow walks
 * through, and the idle timeout of each state.
 *
 * TCP follows nf_conntrack's model (nf_conntrack_proto_tcp.c): a table of
 * transitions indexed by direction, the class of the packet's flags and
 * the current state, and one timeout per state.  Where sgfw differs from
 * nf_conntrack, the table says why.  A flow that has seen no packet from
 * its peer lives at most SGFW_UNREPLIED_TIMEOUT (300 s) idle, whatever its
 * state says: one ACK with a forged source, admitted by a rule, opens a
 * flow (picked up mid-stream) that nobody answers, and it must not hold a
 * place for the five days of an established connection.
 *
 * What is checked of TCP sequence numbers, and what is not.  sgfw follows,
 * for each side, the sequence number after the last byte it was seen to
 * send (@seq_end: SYN and FIN count one), and each side's window scale
 * from the handshake.  An RST or a FIN changes a flow's state only when
 * its sequence number lies at most the receiver's largest possible window
 * (65535 << its scale) behind where the sender is, and at most
 * SGFW_SEQ_AHEAD ahead, as a receiver would accept it (RFC 5961 and
 * nf_conntrack's rule for RST).  Until the peer has answered the SYN, a
 * packet from it counts only if it acknowledges the SYN (and at most the
 * data the SYN carried: TCP Fast Open); other ones pass and teach sgfw
 * nothing of where the peer is.  Such a packet out of the window still
 * passes, since the endpoint makes the final check, but it cannot end the
 * flow: a blind attacker who guesses a 4-tuple can no longer cut a
 * connection in sgfw.  A packet out of the window does not move @seq_end
 * either, so a forged packet cannot shift the window towards a forged RST.
 * Nothing else is checked: data and ACKs pass whatever their sequence and
 * acknowledgment numbers (the endpoints check them), and checksums are
 * the stack's.  A connection picked up mid-stream has no handshake to
 * learn its window scales from: it is judged as if both were 7 (windows of
 * up to 8 MiB, Linux's usual).
 *
 * UDP: a flow starts in udp-single with the device's udp timeout and
 * becomes udp-stream, with the udp stream timeout, once it has seen more
 * than one request-reply exchange.  A request is a packet from the side
 * that opened the flow, a reply one from the other side; an exchange is a
 * run of requests followed by a run of replies.  So the flow counts its
 * changes of direction: request(s), reply(s) is one exchange (one change,
 * still single: "one request and one reply"), and request(s), reply(s),
 * request(s), reply(s) is two (three changes): stream.  Replies that keep
 * coming with no new request (a server pushing data) do not make a
 * stream, nor do requests that get no answer.
 *
 * ICMP and ICMPv6: a query (echo, timestamp, information and address-mask
 * requests; ICMPv6 echo and node information queries) opens a flow in
 * state active, with the device's udp timeout: a query and its answers are
 * a short request-reply exchange of the same kind as a lone UDP one (AWS
 * gives ICMP no timeout of its own; nf_conntrack gives it 30 s, the udp
 * default).  The flow holds the request's type, and passes only that
 * request from the opener and its matching reply from the peer.  Errors
 * never open flows; one that quotes a packet of a flow passes with it.
 *
 * Other protocols: state active, 600 s, any packet either way.
 *
 * A state change is one atomic_try_cmpxchg() on the flow's state word
 * (state, flags and per-protocol byte together), so two CPUs handling
 * packets of one flow never lose each other's change; the deadline is a
 * plain store made to agree with the final state (sgfw_flow_push()).
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/jiffies.h>
#include <net/tcp.h>

#include "../uapi/linux/sgfw.h"
#include "track.h"

/* Short names, so the table below reads as a table. */
#define S_NO	SGFW_FLOW_STATE_NONE
#define S_SS	SGFW_FLOW_STATE_SYN_SENT
#define S_SR	SGFW_FLOW_STATE_SYN_RECV
#define S_ES	SGFW_FLOW_STATE_ESTABLISHED
#define S_FW	SGFW_FLOW_STATE_FIN_WAIT
#define S_CW	SGFW_FLOW_STATE_CLOSE_WAIT
#define S_LA	SGFW_FLOW_STATE_LAST_ACK
#define S_TW	SGFW_FLOW_STATE_TIME_WAIT
#define S_CL	SGFW_FLOW_STATE_CLOSE
#define S_IV	SGFW_FLOW_STATE_NONE	/* not part of the flow */
#define SGFW_TCP_STATES	(SGFW_FLOW_STATE_CLOSE + 1)

/* What a TCP packet is, for the table. */
enum sgfw_tcp_class {
	SGFW_TCP_BAD,		/* a flag combination no TCP sends */
	SGFW_TCP_SYN,
	SGFW_TCP_SYNACK,
	SGFW_TCP_FIN,		/* FIN with ACK */
	SGFW_TCP_ACK,		/* ACK alone: data, window updates */
	SGFW_TCP_RST,		/* RST, with or without ACK */
	SGFW_TCP_CLASSES,
};

/*
 * The flag combinations a TCP sends, by FIN, SYN, RST, ACK and URG; PSH,
 * ECE and CWR change nothing.  Everything else (no flags, FIN alone,
 * SYN with FIN or RST, all of them) is a scan or garbage, as for
 * nf_conntrack's tcp_error().
 */
#define SGFW_TCP_CLASS_MASK \
	(TCPHDR_FIN | TCPHDR_SYN | TCPHDR_RST | TCPHDR_ACK | TCPHDR_URG)

static const u8 sgfw_tcp_class_of[SGFW_TCP_CLASS_MASK + 1] = {
	[TCPHDR_SYN]				= SGFW_TCP_SYN,
	[TCPHDR_SYN | TCPHDR_URG]		= SGFW_TCP_SYN,
	[TCPHDR_SYN | TCPHDR_ACK]		= SGFW_TCP_SYNACK,
	[TCPHDR_FIN | TCPHDR_ACK]		= SGFW_TCP_FIN,
	[TCPHDR_FIN | TCPHDR_ACK | TCPHDR_URG]	= SGFW_TCP_FIN,
	[TCPHDR_ACK]				= SGFW_TCP_ACK,
	[TCPHDR_ACK | TCPHDR_URG]		= SGFW_TCP_ACK,
	[TCPHDR_RST]				= SGFW_TCP_RST,
	[TCPHDR_RST | TCPHDR_ACK]		= SGFW_TCP_RST,
};

/*
 * sgfw_tcp_next[reply][class][state]: the state after a packet; S_IV when
 * the packet does not belong to the flow in that state.  Column S_NO is a
 * packet with no flow yet: only a SYN or a plain ACK may open one.
 *
 * The states mean what nf_conntrack's mean: fin-wait, a FIN seen from one
 * side; close-wait, that FIN answered by an ACK; last-ack, FINs seen from
 * both sides; time-wait, the last ACK seen; close, after an RST.
 */
static const u8 sgfw_tcp_next[2][SGFW_TCP_CLASSES][SGFW_TCP_STATES] = {
	{
/* from the opener:	S_NO  S_SS  S_SR  S_ES  S_FW  S_CW  S_LA  S_TW  S_CL */
/* bad */	      { S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
/* syn */	      { S_SS, S_SS, S_SR, S_ES, S_FW, S_CW, S_LA, S_SS, S_SS },
/*
 *	S_NO -> S_SS	A SYN opens a flow.
 *	S_SS -> S_SS	Retransmitted SYN.
 *	S_SR..S_LA	The opener's stack retransmits or restarts; its peer
 *			answers with a (challenge) ACK.  Passed, no change,
 *			as nf_conntrack ignores it.
 *	S_TW -> S_SS	The opener reopens the connection (RFC 1122, 4.2.2.13).
 *	S_CL -> S_SS	The opener reconnects after an RST.  Both are new
 *			connections: the rules judge them first, as
 *			nf_conntrack, which kills the old entry and looks
 *			the SYN up again (sgfw_track_reopens()); the flow is
 *			reused and records the rule that allowed the SYN.
 */
/* synack */	      { S_IV, S_IV, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
/*
 *	S_NO -> S_IV	A SYN/ACK never opens a flow: its SYN was not seen.
 *	S_SS -> S_IV	The opener sent the SYN; it cannot also answer it.
 *	S_SR -> S_SR	Simultaneous open: both sides sent a SYN, and each
 *			answers the other's with a SYN/ACK.  nf_conntrack
 *			has a state for it (SYN_SENT2); here syn-recv, whose
 *			60 s is what follows a SYN/ACK either way.
 */
/* fin */	      { S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_IV },
/*
 *	S_NO -> S_IV	A FIN never opens a flow.
 *	S_SS -> S_IV	No FIN before the SYN is answered.
 *	S_SR -> S_FW	Close before the handshake's last ACK.
 *	S_FW -> S_LA	The other side's FIN, or a retransmission of the
 *			first one: the table cannot tell them apart, and the
 *			shorter timeout is the price (as in nf_conntrack).
 *	S_CL -> S_IV	After an RST nothing but RSTs and a new SYN passes.
 */
/* ack */	      { S_ES, S_IV, S_ES, S_ES, S_CW, S_CW, S_TW, S_TW, S_IV },
/*
 *	S_NO -> S_ES	Picked up mid-stream: a connection that existed
 *			before sgfw (or its flow) did, allowed by a rule.
 *	S_SS -> S_IV	No ACK from the opener before the SYN/ACK.
 *	S_SR -> S_ES	The handshake's last ACK.
 *	S_FW -> S_CW	The FIN answered (either side's ACK, as above).
 *	S_LA -> S_TW	The last ACK.
 *	S_CL -> S_IV	See fin.
 */
/* rst */	      { S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },
/*
 *	S_NO -> S_IV	An RST never opens a flow.
 *	S_CL -> S_CL	Retransmitted RSTs still pass: they can only close.
 */
	},
	{
/* from the peer:	S_NO  S_SS  S_SR  S_ES  S_FW  S_CW  S_LA  S_TW  S_CL */
/* bad */	      { S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
/* syn */	      { S_IV, S_SR, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
/*
 *	S_SS -> S_SR	Simultaneous open (see synack above).
 *	S_SR -> S_SR	Its SYN retransmitted.
 *	S_ES..S_CL	The peer may not open a connection on the opener's
 *			flow: the rule that admitted the flow was for the
 *			opener's direction.  nf_conntrack lets a peer reopen
 *			from time-wait; here its SYN is judged by the rules.
 */
/* synack */	      { S_IV, S_SR, S_SR, S_ES, S_FW, S_CW, S_LA, S_TW, S_IV },
/*
 *	S_SS -> S_SR	The answer to the SYN.
 *	S_SR -> S_SR	Retransmitted SYN/ACK.
 *	S_ES..S_TW	A late retransmission: passed, no change.
 *	S_CL -> S_IV	See fin in the opener's table.
 */
/* fin */	      { S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_IV },
/*
 *	S_SS -> S_IV	The peer may not close a connection it has not
 *			accepted.
 */
/* ack */	      { S_IV, S_SS, S_SR, S_ES, S_CW, S_CW, S_TW, S_TW, S_IV },
/*
 *	S_SS -> S_SS	The peer still holds an old connection with this
 *			tuple and answers the SYN with an ACK; the opener
 *			must see it to reset that connection.
 *	S_SR -> S_SR	The peer's ACK of a retransmitted SYN, or in a
 *			simultaneous open; the opener's ACK establishes.
 */
/* rst */	      { S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },
/*
 *	S_SS -> S_CL	Connection refused.
 */
	},
};

/* Seconds; established is the device's. */
static const u32 sgfw_tcp_timeouts[SGFW_TCP_STATES] = {
	[SGFW_FLOW_STATE_SYN_SENT]	= 120,
	[SGFW_FLOW_STATE_SYN_RECV]	= 60,
	[SGFW_FLOW_STATE_FIN_WAIT]	= 120,
	[SGFW_FLOW_STATE_CLOSE_WAIT]	= 60,
	[SGFW_FLOW_STATE_LAST_ACK]	= 30,
	[SGFW_FLOW_STATE_TIME_WAIT]	= 120,
	[SGFW_FLOW_STATE_CLOSE]		= 10,
};

/* Changes of direction after which a UDP flow is a stream. */
#define SGFW_UDP_STREAM_TURNS	3

/**
 * sgfw_tcp_next_state() - the TCP state machine.
 * @state: the flow's state, or SGFW_FLOW_STATE_NONE for no flow yet.
 * @reply: the packet comes from the side that did not open the flow.
 * @tcp_flags: the packet's flags byte.
 *
 * Return: the state after the packet, or SGFW_FLOW_STATE_NONE when the
 * packet does not belong to the flow in @state (or cannot open one).
 */
u8 sgfw_tcp_next_state(u8 state, bool reply, u8 tcp_flags)
{
	u8 class = sgfw_tcp_class_of[tcp_flags & SGFW_TCP_CLASS_MASK];

	if (state >= SGFW_TCP_STATES)
		return S_IV;
	return sgfw_tcp_next[reply][class][state];
}

/**
 * sgfw_state_timeout() - the idle timeout of a state.
 * @state: enum sgfw_flow_state.
 * @proto: the flow's IP protocol.
 * @to: the device's timeouts.
 *
 * Return: seconds; 0 for SGFW_FLOW_STATE_NONE or an unknown state.
 */
u32 sgfw_state_timeout(u8 state, u8 proto, const struct sgfw_timeouts *to)
{
	switch (state) {
	case SGFW_FLOW_STATE_ESTABLISHED:
		return to->tcp_established;
	case SGFW_FLOW_STATE_SYN_SENT ... SGFW_FLOW_STATE_SYN_RECV:
	case SGFW_FLOW_STATE_FIN_WAIT ... SGFW_FLOW_STATE_CLOSE:
		return sgfw_tcp_timeouts[state];
	case SGFW_FLOW_STATE_UDP_SINGLE:
		return to->udp;
	case SGFW_FLOW_STATE_UDP_STREAM:
		return to->udp_stream;
	case SGFW_FLOW_STATE_ACTIVE:
		if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
			return to->udp;
		return SGFW_OTHER_TIMEOUT;
	default:
		return 0;
	}
}

/* Is this an icmp flow of its family (icmp in IPv4, icmpv6 in IPv6)? */
static bool sgfw_is_icmp(u8 af, u8 proto)
{
	return (af == SGFW_AF_INET && proto == IPPROTO_ICMP) ||
	       (af == SGFW_AF_INET6 && proto == IPPROTO_ICMPV6);
}

/* The type that answers the query @type, or -1 when @type is no query. */
static int sgfw_icmp_reply_type(u8 af, u8 type)
{
	if (af == SGFW_AF_INET) {
		switch (type) {
		case ICMP_ECHO:
			return ICMP_ECHOREPLY;
		case ICMP_TIMESTAMP:
			return ICMP_TIMESTAMPREPLY;
		case ICMP_INFO_REQUEST:
			return ICMP_INFO_REPLY;
		case ICMP_ADDRESS:
			return ICMP_ADDRESSREPLY;
		case ICMP_EXT_ECHO:
			return ICMP_EXT_ECHOREPLY;
		}
	} else {
		switch (type) {
		case ICMPV6_ECHO_REQUEST:
			return ICMPV6_ECHO_REPLY;
		case ICMPV6_NI_QUERY:
			return ICMPV6_NI_REPLY;
		case ICMPV6_DHAAD_REQUEST:
			return ICMPV6_DHAAD_REPLY;
		case ICMPV6_MOBILE_PREFIX_SOL:
			return ICMPV6_MOBILE_PREFIX_ADV;
		case ICMPV6_EXT_ECHO_REQUEST:
			return ICMPV6_EXT_ECHO_REPLY;
		}
	}
	return -1;
}

/* ---- TCP sequence window ---- */

/* pstate of a TCP flow: the window scale of the opener, then the peer's. */
#define SGFW_WS_OPENER(ps)	((ps) & 0xf)
#define SGFW_WS_PEER(ps)	((ps) >> 4)
#define SGFW_WS_PACK(o, p)	((u8)(((p) << 4) | ((o) & 0xf)))
/* The scale assumed for a connection whose handshake sgfw did not see. */
#define SGFW_WS_PICKUP		7

/* The bytes a TCP packet takes in sequence space. */
static u32 sgfw_tcp_seq_len(const struct sgfw_pkt *p)
{
	return p->tcp_len + !!(p->tcp_flags & TCPHDR_SYN) +
	       !!(p->tcp_flags & TCPHDR_FIN);
}

/*
 * The largest window side @side (0 the opener, 1 its peer) can have
 * offered: 65535 shifted by its scale, which applies only when both SYNs
 * carried the option (RFC 7323).
 */
static u32 sgfw_tcp_max_window(union sgfw_flow_sw sw, int side)
{
	u8 o = SGFW_WS_OPENER(sw.pstate), p = SGFW_WS_PEER(sw.pstate);
	u8 scale;

	if (sw.flags & SGFW_FLOW_F_PICKUP)
		scale = SGFW_WS_PICKUP;
	else if (o == SGFW_TCP_WSCALE_NONE || p == SGFW_TCP_WSCALE_NONE)
		scale = 0;
	else
		scale = side ? p : o;
	return 65535U << scale;
}

/*
 * How far ahead of where sgfw saw a side last an RST or a FIN from it may
 * be: every packet a local endpoint receives or sends passes sgfw's hooks,
 * so a real one is never ahead; one unscaled window allows for a segment
 * the hooks saw out of order.
 */
#define SGFW_SEQ_AHEAD		65535U

/* Is @x at most @behind before @ref and at most @ahead after it? */
static bool sgfw_seq_within(u32 x, u32 ref, u32 behind, u32 ahead)
{
	return x - (ref - behind) <= behind + ahead;
}

/*
 * Does @ack acknowledge the opener's SYN: ISN + 1, or up to the end of the
 * data the SYN carried (TCP Fast Open: the peer may take the SYN and not
 * its data)?  Until the peer's place is known (SGFW_FLOW_F_SEQ_PEER),
 * seq_end[1] holds the opener's ISN + 1.
 */
static bool sgfw_tcp_acks_syn(const struct sgfw_flow *flow, u32 ack)
{
	u32 first = READ_ONCE(flow->seq_end[1]);

	return ack - first <= READ_ONCE(flow->seq_end[0]) - first;
}

/*
 * Is @p, from side @side, where the receiver would accept it?  By its
 * sequence number when sgfw knows where that side is: within the
 * receiver's largest window behind, and, for an RST or a FIN (@closing),
 * at most SGFW_SEQ_AHEAD ahead (else a window ahead too, so that sgfw
 * follows a sender whose segments come out of order).  Else it is the
 * peer before its place is known, and it must acknowledge the SYN.
 */
static bool sgfw_tcp_acceptable(const struct sgfw_flow *flow,
				union sgfw_flow_sw sw,
				const struct sgfw_pkt *p, int side, bool closing)
{
	u8 known = side ? SGFW_FLOW_F_SEQ_PEER : SGFW_FLOW_F_SEQ_OPENER;
	u32 win;

	if (sw.flags & known) {
		win = sgfw_tcp_max_window(sw, !side);
		return sgfw_seq_within(p->tcp_seq,
				       READ_ONCE(flow->seq_end[side]), win,
				       closing ? SGFW_SEQ_AHEAD : win);
	}
	return side && (p->tcp_flags & TCPHDR_ACK) &&
	       sgfw_tcp_acks_syn(flow, p->tcp_ack);
}

/* Move side @side's end forward to @end, never back. */
static void sgfw_tcp_seq_advance(struct sgfw_flow *flow, int side, u32 end)
{
	u32 old = READ_ONCE(flow->seq_end[side]);

	do {
		if ((s32)(end - old) <= 0)
			return;
	} while (!try_cmpxchg(&flow->seq_end[side], &old, end));
}

/**
 * sgfw_track_new() - may a packet open a flow, and how does it start?
 * @p: the packet, allowed by a rule and of no known flow.
 * @to: the device's timeouts.
 * @init: filled in full; sg_id, rule_id and flags are left zero.
 *
 * Return: false when @p cannot open a flow.
 */
bool sgfw_track_new(const struct sgfw_pkt *p, const struct sgfw_timeouts *to,
		    struct sgfw_flow_init *init)
{
	u8 state = SGFW_FLOW_STATE_ACTIVE, pstate = 0, flags = 0;
	u32 timeout;

	*init = (struct sgfw_flow_init){ .len = p->len };
	if (p->flags & (SGFW_PKT_ICMP_ERROR | SGFW_PKT_ALWAYS_PASS))
		return false;

	switch (p->t.proto) {
	case IPPROTO_TCP:
		state = sgfw_tcp_next_state(SGFW_FLOW_STATE_NONE, false,
					    p->tcp_flags);
		if (state == SGFW_FLOW_STATE_NONE)
			return false;
		/*
		 * Where the opener is; an ACK also says where its peer is,
		 * and until the peer answers a SYN, seq_end[1] holds the ISN
		 * + 1 that the answer must acknowledge (at the least).
		 */
		init->seq_end[0] = p->tcp_seq + sgfw_tcp_seq_len(p);
		flags = SGFW_FLOW_F_SEQ_OPENER;
		if (p->tcp_flags & TCPHDR_SYN) {
			init->seq_end[1] = p->tcp_seq + 1;
			pstate = SGFW_WS_PACK(p->tcp_wscale,
					      SGFW_TCP_WSCALE_NONE);
		} else {
			init->seq_end[1] = p->tcp_ack;
			flags |= SGFW_FLOW_F_SEQ_PEER | SGFW_FLOW_F_PICKUP;
		}
		break;
	case IPPROTO_UDP:
		state = SGFW_FLOW_STATE_UDP_SINGLE;
		break;
	default:
		if (sgfw_is_icmp(p->t.af, p->t.proto)) {
			/* Only a query opens a flow, never its answer. */
			if (sgfw_icmp_reply_type(p->t.af, p->icmp_type) < 0)
				return false;
			pstate = p->icmp_type;
		}
		break;
	}

	timeout = sgfw_state_timeout(state, p->t.proto, to);
	if (p->t.proto == IPPROTO_TCP)
		timeout = min_t(u32, timeout, SGFW_UNREPLIED_TIMEOUT);
	init->state = state;
	init->flags = flags;
	init->pstate = pstate;
	init->timeout = (unsigned long)timeout * HZ;
	return true;
}

/* What sgfw_tcp_step() makes of a packet. */
enum sgfw_tcp_verdict {
	SGFW_TCP_NOT_OURS,	/* no place in the flow's state */
	SGFW_TCP_IGNORED,	/* passes, and changes nothing */
	SGFW_TCP_TAKEN,		/* @new holds the state after it */
};

/*
 * The TCP state after @p: the table's, unless @p is an RST or a FIN from
 * outside the receiver's window, or an answer to the SYN that does not
 * acknowledge it, which change nothing.  A SYN that reopens the flow
 * starts its sequence space afresh; the SYN/ACK brings the peer's window
 * scale, while the peer's place is not known yet.
 */
static enum sgfw_tcp_verdict sgfw_tcp_step(const struct sgfw_flow *flow,
					   const struct sgfw_pkt *p,
					   bool reply, union sgfw_flow_sw old,
					   union sgfw_flow_sw *new)
{
	u8 next = sgfw_tcp_next_state(old.state, reply, p->tcp_flags);

	if (next == SGFW_FLOW_STATE_NONE)
		return SGFW_TCP_NOT_OURS;
	if ((p->tcp_flags & (TCPHDR_RST | TCPHDR_FIN)) && next != old.state &&
	    !sgfw_tcp_acceptable(flow, old, p, reply, true))
		return SGFW_TCP_IGNORED;
	/*
	 * Until the flow knows where the peer is, a packet from the peer
	 * counts only if it answers the opener's SYN (acknowledges it), or
	 * is the peer's own SYN in a simultaneous open, which teaches the
	 * flow nothing (sgfw_tcp_seq_update()).  Anything else, from a
	 * blind attacker or an old connection's ACK that the opener must
	 * see to reset it, passes and changes nothing.
	 */
	if (reply && !(old.flags & SGFW_FLOW_F_SEQ_PEER) &&
	    !(p->tcp_flags & TCPHDR_RST) &&
	    ((p->tcp_flags & TCPHDR_ACK) ?
	     !sgfw_tcp_acks_syn(flow, p->tcp_ack) :
	     !(p->tcp_flags & TCPHDR_SYN)))
		return SGFW_TCP_IGNORED;
	new->state = next;
	if (!reply && (p->tcp_flags & TCPHDR_SYN) &&
	    next == SGFW_FLOW_STATE_SYN_SENT &&
	    old.state != SGFW_FLOW_STATE_SYN_SENT) {
		new->pstate = SGFW_WS_PACK(p->tcp_wscale, SGFW_TCP_WSCALE_NONE);
		new->flags &= ~(SGFW_FLOW_F_SEQ_PEER | SGFW_FLOW_F_PICKUP);
	} else if (reply && (p->tcp_flags & TCPHDR_SYN) &&
		   !(old.flags & SGFW_FLOW_F_SEQ_PEER)) {
		/*
		 * Once the peer's place is known, a SYN/ACK is at most a
		 * late copy of its answer: it may not change the scale
		 * that widens the windows an RST is checked against.
		 */
		new->pstate = SGFW_WS_PACK(SGFW_WS_OPENER(old.pstate),
					   p->tcp_wscale);
	}
	return SGFW_TCP_TAKEN;
}

/*
 * Where the sender of @p is now, if @p is where it should be; an ACK also
 * tells where the other side is, the first time.  The peer's place is
 * learnt only from a packet that acknowledges the SYN (sgfw_tcp_step()
 * let no other one through), never from its bare SYN: a blind attacker
 * could send that one.  A SYN that opens the flow again starts afresh,
 * with seq_end[1] holding its ISN + 1 until the peer answers.
 */
static void sgfw_tcp_seq_update(struct sgfw_flow *flow,
				const struct sgfw_pkt *p, bool reply,
				union sgfw_flow_sw old, union sgfw_flow_sw *new)
{
	u8 known = reply ? SGFW_FLOW_F_SEQ_PEER : SGFW_FLOW_F_SEQ_OPENER;
	u8 other = reply ? SGFW_FLOW_F_SEQ_OPENER : SGFW_FLOW_F_SEQ_PEER;
	u32 end = p->tcp_seq + sgfw_tcp_seq_len(p);

	/* An RST ends the flow or changes nothing: it moves no window. */
	if (p->tcp_flags & TCPHDR_RST)
		return;
	if (new->state == SGFW_FLOW_STATE_SYN_SENT &&
	    old.state != SGFW_FLOW_STATE_SYN_SENT) {
		WRITE_ONCE(flow->seq_end[0], end);
		WRITE_ONCE(flow->seq_end[1], p->tcp_seq + 1);
		new->flags |= SGFW_FLOW_F_SEQ_OPENER;
		return;
	}
	if (!(old.flags & known)) {
		if (!reply || (p->tcp_flags & TCPHDR_ACK)) {
			WRITE_ONCE(flow->seq_end[reply], end);
			new->flags |= known;
		}
	} else if (sgfw_tcp_acceptable(flow, old, p, reply, false)) {
		sgfw_tcp_seq_advance(flow, reply, end);
	}
	if (!(old.flags & other) && (p->tcp_flags & TCPHDR_ACK)) {
		WRITE_ONCE(flow->seq_end[!reply], p->tcp_ack);
		new->flags |= other;
	}
}

/*
 * Does the opener's ACK that ends the handshake (@old in syn-recv)
 * acknowledge the peer's SYN/ACK?  Only who saw the SYN/ACK knows where
 * to: the ACK must be at most one unscaled window (nf_conntrack's
 * MAXACKWINDOW) behind the peer's end, which a blind sender hits once in
 * 65536 guesses.
 */
static bool sgfw_tcp_acks_synack(const struct sgfw_flow *flow,
				 union sgfw_flow_sw old,
				 const struct sgfw_pkt *p)
{
	return old.state == SGFW_FLOW_STATE_SYN_RECV &&
	       (old.flags & SGFW_FLOW_F_SEQ_PEER) &&
	       (p->tcp_flags & TCPHDR_ACK) &&
	       sgfw_seq_within(p->tcp_ack, READ_ONCE(flow->seq_end[1]),
			       SGFW_SEQ_AHEAD, 0);
}

/*
 * Is a flow, in state @sw after packet @p (from its peer with @reply) took
 * it from @old, assured: has it shown that both its ends exist?  Only then
 * is it spared when a full namespace evicts (nf_conntrack's IPS_ASSURED,
 * which its early drop spares).  A reply alone proves little: a host
 * answers a forged SYN with a SYN/ACK and a forged query with its answer,
 * so a flood of them would fill the table with flows that may not be
 * evicted.
 * - TCP: the handshake's last ACK, when it acknowledges the SYN/ACK (as
 *   nf_conntrack assures at that ACK; a forged opener did not see the
 *   SYN/ACK), or any packet from the peer once the connection is
 *   established (or closing), which covers one picked up mid-stream.  An
 *   RST never assures (it leads to close).
 * - UDP: a stream (more than one request-reply exchange).
 * - ICMP queries: never (a request and its answers are all there is).
 * - Other protocols: a packet from the peer.
 */
static bool sgfw_track_assured(const struct sgfw_flow *flow,
			       union sgfw_flow_sw old, union sgfw_flow_sw sw,
			       const struct sgfw_pkt *p, bool reply)
{
	switch (flow->t.proto) {
	case IPPROTO_TCP:
		if (!(sw.flags & SGFW_FLOW_F_REPLIED) ||
		    sw.state < SGFW_FLOW_STATE_ESTABLISHED ||
		    sw.state > SGFW_FLOW_STATE_TIME_WAIT)
			return false;
		return reply || sgfw_tcp_acks_synack(flow, old, p);
	case IPPROTO_UDP:
		return sw.state == SGFW_FLOW_STATE_UDP_STREAM;
	default:
		return !sgfw_is_icmp(flow->t.af, flow->t.proto) &&
		       (sw.flags & SGFW_FLOW_F_REPLIED);
	}
}

/*
 * The state word after @p, from @old; false when @p does not belong to the
 * flow in that state.  A TCP packet that passes but must change nothing
 * leaves *@new as @old, with *@ignored set.
 */
static bool sgfw_track_step(struct sgfw_flow *flow, const struct sgfw_pkt *p,
			    bool reply, union sgfw_flow_sw old,
			    union sgfw_flow_sw *new, bool *ignored)
{
	u8 turns;
	int want;

	*new = old;
	*ignored = false;
	switch (flow->t.proto) {
	case IPPROTO_TCP:
		switch (sgfw_tcp_step(flow, p, reply, old, new)) {
		case SGFW_TCP_NOT_OURS:
			return false;
		case SGFW_TCP_IGNORED:
			*ignored = true;
			return true;
		case SGFW_TCP_TAKEN:
			break;
		}
		sgfw_tcp_seq_update(flow, p, reply, old, new);
		break;
	case IPPROTO_UDP:
		if (old.state != SGFW_FLOW_STATE_UDP_SINGLE)
			break;
		/* Even: the last packet was a request; odd: a reply. */
		turns = old.pstate;
		if (reply != (turns & 1))
			turns++;
		if (turns >= SGFW_UDP_STREAM_TURNS) {
			new->state = SGFW_FLOW_STATE_UDP_STREAM;
			new->pstate = 0;
		} else {
			new->pstate = turns;
		}
		break;
	default:
		if (!sgfw_is_icmp(flow->t.af, flow->t.proto))
			break;
		want = reply ? sgfw_icmp_reply_type(flow->t.af, old.pstate) :
			       old.pstate;
		if (p->icmp_type != want)
			return false;
		break;
	}
	/*
	 * A reply is a packet from the peer; an RST, which ends the flow,
	 * does not count (a flood of forged ACKs that the host answers with
	 * RSTs must not make flows look answered).
	 */
	if (reply && !(flow->t.proto == IPPROTO_TCP &&
		       (p->tcp_flags & TCPHDR_RST)))
		new->flags |= SGFW_FLOW_F_REPLIED;
	if (sgfw_track_assured(flow, old, *new, p, reply))
		new->flags |= SGFW_FLOW_F_ASSURED;
	return true;
}

/* The idle timeout of a flow whose state word is @sw, in jiffies. */
static unsigned long sgfw_flow_timeout(union sgfw_flow_sw sw, u8 proto,
				       const struct sgfw_timeouts *to)
{
	u32 secs = sgfw_state_timeout(sw.state, proto, to);

	if (proto == IPPROTO_TCP && !(sw.flags & SGFW_FLOW_F_REPLIED))
		secs = min_t(u32, secs, SGFW_UNREPLIED_TIMEOUT);
	return (unsigned long)secs * HZ;
}

/*
 * Make the deadline agree with the flow's state word.  Another CPU may
 * change the word between our cmpxchg and our store; so after the store,
 * look again, and store again for the word found until it stays.  A CPU
 * whose cmpxchg comes after our look stores after that cmpxchg, and so
 * after us.  Return: true when the deadline came nearer.
 */
static bool sgfw_flow_push(struct sgfw_flow *flow, union sgfw_flow_sw sw,
			   const struct sgfw_timeouts *to)
{
	unsigned long now = sgfw_flow_now();
	u32 old = READ_ONCE(flow->deadline), deadline;
	union sgfw_flow_sw seen;

	for (;;) {
		deadline = (u32)(now + sgfw_flow_timeout(sw, flow->t.proto, to));
		WRITE_ONCE(flow->deadline, deadline);
		/*
		 * Orders the store above before the load below; pairs with
		 * the full ordering of a successful atomic_try_cmpxchg() on
		 * the state word in sgfw_track_packet() on another CPU.
		 */
		smp_mb();
		seen.word = atomic_read(&flow->sw);
		if (seen.state == sw.state &&
		    (seen.flags & SGFW_FLOW_F_REPLIED) ==
		    (sw.flags & SGFW_FLOW_F_REPLIED))
			return (s32)(deadline - old) < 0;
		sw = seen;
	}
}

/*
 * Is the deadline of @flow, in state @sw, fresh enough that a packet that
 * changes nothing need not push it?  It is when pushing would move it
 * later by less than a 64th of the timeout, and less than a second: so a
 * busy flow's deadline is written about once a second rather than by
 * every packet (the line stays shared among the CPUs that read it), and
 * an idle flow expires at most that much early.  A deadline that would
 * move earlier (lower timeouts) is never fresh.
 */
static bool sgfw_flow_fresh(const struct sgfw_flow *flow,
			    union sgfw_flow_sw sw,
			    const struct sgfw_timeouts *to)
{
	unsigned long timeout = sgfw_flow_timeout(sw, flow->t.proto, to);
	long moved = (s32)((u32)(sgfw_flow_now() + timeout) -
			   READ_ONCE(flow->deadline));

	return moved >= 0 && moved < (long)min(timeout / 64, (unsigned long)HZ);
}

bool sgfw_track_reopens(const struct sgfw_flow *flow,
			const struct sgfw_pkt *p, bool reply)
{
	u8 state = READ_ONCE(flow->state);

	return !reply && flow->t.proto == IPPROTO_TCP &&
	       sgfw_tcp_class_of[p->tcp_flags & SGFW_TCP_CLASS_MASK] ==
	       SGFW_TCP_SYN &&
	       (state == S_TW || state == S_CL);
}

bool sgfw_track_takes(struct sgfw_flow *flow, const struct sgfw_pkt *p,
		      bool reply)
{
	union sgfw_flow_sw old, new;
	bool ignored;

	if (p->flags & SGFW_PKT_ICMP_ERROR)
		return true;
	old.word = atomic_read(&flow->sw);
	/* sgfw_track_step() would move a TCP flow's window: not this. */
	if (flow->t.proto == IPPROTO_TCP)
		return sgfw_tcp_step(flow, p, reply, old, &new) !=
		       SGFW_TCP_NOT_OURS;
	return sgfw_track_step(flow, p, reply, old, &new, &ignored);
}

/**
 * sgfw_track_packet() - account a packet of a known flow.
 * @flow: the flow, from sgfw_flow_lookup().
 * @p: the packet.
 * @reply: @p runs opposite to the flow's opener.
 * @to: the device's timeouts.
 * @events: set to what the table must hear of (SGFW_TRACK_*).
 *
 * Context: RCU, softirq; lock-free.
 * Return: true to accept the packet as part of the flow.
 */
bool sgfw_track_packet(struct sgfw_flow *flow, const struct sgfw_pkt *p,
		       bool reply, const struct sgfw_timeouts *to,
		       unsigned int *events)
{
	union sgfw_flow_sw old, new;
	bool ignored;

	*events = 0;
	/* An error quoting the flow's packet: it passes, and that is all. */
	if (p->flags & SGFW_PKT_ICMP_ERROR)
		return true;

	old.word = atomic_read(&flow->sw);
	do {
		if (!sgfw_track_step(flow, p, reply, old, &new, &ignored))
			return false;
		/* Counted, but it neither moves the flow nor keeps it alive. */
		if (ignored)
			goto count;
		if (new.word == old.word)
			break;
	} while (!atomic_try_cmpxchg(&flow->sw, &old.word, new.word));

	if ((new.flags & SGFW_FLOW_F_ASSURED) &&
	    !(old.flags & SGFW_FLOW_F_ASSURED))
		*events |= SGFW_TRACK_ASSURED;
	if (new.word == old.word && sgfw_flow_fresh(flow, new, to))
		goto count;
	if (sgfw_flow_push(flow, new, to))
		*events |= SGFW_TRACK_SOONER;
count:
	atomic64_inc(&flow->packets);
	atomic64_add(p->len, &flow->bytes);
	return true;
}
