// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites sgfw_tcp (the TCP state machine) and sgfw_track (UDP,
 * icmp, other protocols, and what every flow shares) for module/track.c.
 *
 * The cases drive a flow that is not in the table: sgfw_track_new() opens
 * it, sgfw_track_packet() takes the packets that follow, as the hooks
 * would call them.  The table's clock is stopped and moved one tick per
 * packet, so each deadline shows which packet pushed it.  TCP packets get
 * the sequence and acknowledgment numbers two well-behaved stacks would
 * give them (tr_seq()), unless a case forges its own.
 */

#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <net/tcp.h>

#include "../../uapi/linux/sgfw.h"
#include "../../module/flowtable.h"
#include "../../module/track.h"

static const struct sgfw_timeouts tr_to = {
	.tcp_established = 3600,
	.udp = 45,
	.udp_stream = 150,
};

static unsigned long tr_now;

/* The next sequence number of the opener [0] and of its peer [1]. */
static u32 tr_nxt[2];
#define TR_ISN_OPENER	1000U
#define TR_ISN_PEER	500000U

static void tr_tick(void)
{
	tr_now++;
	sgfw_flowtable_clock_set(tr_now);
}

static struct sgfw_pkt tr_pkt(u8 af, u8 proto)
{
	struct sgfw_pkt p = {
		.t = { .af = af, .proto = proto },
		.len = 60,
	};

	if (af == SGFW_AF_INET) {
		p.t.src.ip = htonl(0x0a000001);
		p.t.dst.ip = htonl(0x0a000002);
	} else {
		p.t.src.all[0] = htonl(0x20010db8);
		p.t.src.all[3] = htonl(1);
		p.t.dst.all[0] = htonl(0x20010db8);
		p.t.dst.all[3] = htonl(2);
	}
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		p.t.sport = htons(40000);
		p.t.dport = htons(443);
	}
	return p;
}

static struct sgfw_pkt tr_tcp(u8 flags)
{
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET, IPPROTO_TCP);

	p.tcp_flags = flags;
	return p;
}

static struct sgfw_pkt tr_icmp(u8 af, u8 type, u8 flags)
{
	struct sgfw_pkt p = tr_pkt(af, af == SGFW_AF_INET ? IPPROTO_ICMP :
							   IPPROTO_ICMPV6);

	p.icmp_type = type;
	p.flags = flags;
	p.t.sport = htons(7);
	p.t.dport = htons(7);
	return p;
}

/* A flow as sgfw_flow_create() would make it from @init and @p. */
static struct sgfw_flow *tr_flow(struct kunit *test, const struct sgfw_pkt *p,
				 const struct sgfw_flow_init *init)
{
	struct sgfw_flow *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	union sgfw_flow_sw sw = {};

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->t = p->t;
	f->key = 1;
	sw.state = init->state;
	sw.flags = init->flags;
	sw.pstate = init->pstate;
	atomic_set(&f->sw, sw.word);
	f->deadline = (u32)(sgfw_flow_now() + init->timeout);
	atomic64_set(&f->packets, 1);
	atomic64_set(&f->bytes, init->len);
	f->seq_end[0] = init->seq_end[0];
	f->seq_end[1] = init->seq_end[1];
	return f;
}

/*
 * Number a TCP packet from @side as its stack would: its next sequence
 * number, and an acknowledgment of all the other side sent.
 */
static void tr_seq(struct sgfw_pkt *p, int side)
{
	p->tcp_seq = tr_nxt[side];
	p->tcp_ack = tr_nxt[!side];
	tr_nxt[side] += p->tcp_len + !!(p->tcp_flags & TCPHDR_SYN) +
			!!(p->tcp_flags & TCPHDR_FIN);
}

/* Open a flow with @p, which must be able to open one. */
static struct sgfw_flow *tr_open(struct kunit *test, const struct sgfw_pkt *p)
{
	struct sgfw_flow_init init;

	KUNIT_ASSERT_TRUE(test, sgfw_track_new(p, &tr_to, &init));
	return tr_flow(test, p, &init);
}

static unsigned long tr_timeout(u8 state, u8 proto)
{
	return (unsigned long)sgfw_state_timeout(state, proto, &tr_to) * HZ;
}

/* The timeout of @f in @state: a TCP flow with no reply lives 300 s. */
static unsigned long tr_flow_timeout(const struct sgfw_flow *f, u8 state)
{
	unsigned long t = tr_timeout(state, f->t.proto);

	if (f->t.proto == IPPROTO_TCP &&
	    !(READ_ONCE(f->flags) & SGFW_FLOW_F_REPLIED))
		t = min(t, (unsigned long)SGFW_UNREPLIED_TIMEOUT * HZ);
	return t;
}

/*
 * Does a packet that @f takes from @old to @state make @f assured
 * (spared by eviction)?  TCP: in an established or closing state after
 * it, one from the peer, or the opener's ACK that ends the handshake and
 * acknowledges at most 65535 behind the peer's end; UDP: a stream; ICMP:
 * never; others: a reply.
 */
static bool tr_assures(const struct sgfw_flow *f, const struct sgfw_pkt *p,
		       bool reply, union sgfw_flow_sw old, u8 state)
{
	switch (f->t.proto) {
	case IPPROTO_TCP:
		if (state < SGFW_FLOW_STATE_ESTABLISHED ||
		    state > SGFW_FLOW_STATE_TIME_WAIT ||
		    !(READ_ONCE(f->flags) & SGFW_FLOW_F_REPLIED))
			return false;
		if (reply)
			return true;
		return old.state == SGFW_FLOW_STATE_SYN_RECV &&
		       (old.flags & SGFW_FLOW_F_SEQ_PEER) &&
		       (s32)(READ_ONCE(f->seq_end[1]) - p->tcp_ack) >= 0 &&
		       (s32)(READ_ONCE(f->seq_end[1]) - p->tcp_ack) <= 65535;
	case IPPROTO_UDP:
		return state == SGFW_FLOW_STATE_UDP_STREAM;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return false;
	default:
		return reply;
	}
}

/*
 * The deadline of @f after an accepted packet took it from @old (with
 * deadline @was) to @state: pushed to a full timeout from now, unless the
 * packet changed nothing and that would move it later by less than a 64th
 * of the timeout and a second (the rule of track.c).
 */
static u32 tr_pushed(const struct sgfw_flow *f, union sgfw_flow_sw old,
		     u32 was, u8 state)
{
	unsigned long timeout = tr_flow_timeout(f, state);
	long moved = (s32)((u32)(tr_now + timeout) - was);

	if (atomic_read(&f->sw) == old.word && moved >= 0 &&
	    moved < (long)min(timeout / 64, (unsigned long)HZ))
		return was;
	return (u32)(tr_now + timeout);
}

/*
 * Feed @p to @f one tick later and check the outcome: accepted or not,
 * the state after it, and the deadline (pushed by an accepted packet for
 * the new state, untouched by a refused one), and the counters.
 */
static void tr_feed(struct kunit *test, struct sgfw_flow *f,
		    const struct sgfw_pkt *p, bool reply, bool ok, u8 state,
		    unsigned int step)
{
	u32 deadline = READ_ONCE(f->deadline);
	s64 packets = atomic64_read(&f->packets);
	s64 bytes = atomic64_read(&f->bytes);
	bool assured = READ_ONCE(f->flags) & SGFW_FLOW_F_ASSURED;
	union sgfw_flow_sw old = { .word = atomic_read(&f->sw) };
	bool assures;
	unsigned int events;

	tr_tick();
	KUNIT_EXPECT_EQ_MSG(test, sgfw_track_packet(f, p, reply, &tr_to,
						    &events), ok,
			    "step %u", step);
	assures = ok && tr_assures(f, p, reply, old, state);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f->state), state, "step %u",
			    step);
	/* The table hears when the flow becomes assured, and only then. */
	KUNIT_EXPECT_EQ_MSG(test, !!(events & SGFW_TRACK_ASSURED),
			    !assured && assures,
			    "step %u", step);
	KUNIT_EXPECT_EQ_MSG(test, !!(READ_ONCE(f->flags) & SGFW_FLOW_F_ASSURED),
			    assured || assures,
			    "step %u", step);
	if (ok) {
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f->deadline),
				    tr_pushed(f, old, deadline, state),
				    "step %u", step);
		KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), packets + 1);
		KUNIT_EXPECT_EQ(test, atomic64_read(&f->bytes),
				bytes + p->len);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f->deadline), deadline,
				    "step %u", step);
		KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), packets);
	}
}

/*
 * Feed @p to @f, which takes it and lets it pass, but changes nothing for
 * it: neither its state nor its deadline (a blind RST must not keep a
 * flow alive either); it counts.
 */
static void tr_feed_ignored(struct kunit *test, struct sgfw_flow *f,
			    const struct sgfw_pkt *p, bool reply,
			    unsigned int step)
{
	u32 deadline = READ_ONCE(f->deadline);
	s64 packets = atomic64_read(&f->packets);
	u8 state = READ_ONCE(f->state);
	unsigned int events;

	tr_tick();
	KUNIT_EXPECT_TRUE_MSG(test, sgfw_track_packet(f, p, reply, &tr_to,
						      &events),
			      "step %u", step);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f->state), state, "step %u", step);
	KUNIT_EXPECT_EQ_MSG(test, READ_ONCE(f->deadline), deadline,
			    "step %u", step);
	KUNIT_EXPECT_EQ_MSG(test, events, 0, "step %u", step);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), packets + 1);
}

static int tr_case_init(struct kunit *test)
{
	tr_now = jiffies;
	sgfw_flowtable_clock_set(tr_now);
	tr_nxt[0] = TR_ISN_OPENER;
	tr_nxt[1] = TR_ISN_PEER;
	return 0;
}

static void tr_case_exit(struct kunit *test)
{
	sgfw_flowtable_clock_real();
}

/* --- sgfw_tcp ------------------------------------------------------------ */

#define F_SYN	TCPHDR_SYN
#define F_SA	(TCPHDR_SYN | TCPHDR_ACK)
#define F_ACK	TCPHDR_ACK
#define F_PA	(TCPHDR_PSH | TCPHDR_ACK)
#define F_FA	(TCPHDR_FIN | TCPHDR_ACK)
#define F_RST	TCPHDR_RST
#define F_RA	(TCPHDR_RST | TCPHDR_ACK)

#define T_NO	SGFW_FLOW_STATE_NONE
#define T_SS	SGFW_FLOW_STATE_SYN_SENT
#define T_SR	SGFW_FLOW_STATE_SYN_RECV
#define T_ES	SGFW_FLOW_STATE_ESTABLISHED
#define T_FW	SGFW_FLOW_STATE_FIN_WAIT
#define T_CW	SGFW_FLOW_STATE_CLOSE_WAIT
#define T_LA	SGFW_FLOW_STATE_LAST_ACK
#define T_TW	SGFW_FLOW_STATE_TIME_WAIT
#define T_CL	SGFW_FLOW_STATE_CLOSE

struct tcp_open_case {
	const char *desc;
	u8 flags;
	u8 state;	/* T_NO: opens nothing */
};

static const struct tcp_open_case tcp_open_cases[] = {
	{ "SYN opens in syn-sent", F_SYN, T_SS },
	{ "SYN with ECE and CWR (ECN setup) opens", F_SYN | TCPHDR_ECE |
	  TCPHDR_CWR, T_SS },
	{ "SYN with URG opens", F_SYN | TCPHDR_URG, T_SS },
	{ "plain ACK picks up in established", F_ACK, T_ES },
	{ "ACK with data picks up", F_PA, T_ES },
	{ "RST never opens", F_RST, T_NO },
	{ "RST with ACK never opens", F_RA, T_NO },
	{ "SYN/ACK never opens", F_SA, T_NO },
	{ "FIN/ACK never opens", F_FA, T_NO },
	{ "no flags never open", 0, T_NO },
	{ "FIN alone never opens", TCPHDR_FIN, T_NO },
	{ "SYN with FIN never opens", F_SYN | TCPHDR_FIN, T_NO },
	{ "SYN with RST never opens", F_SYN | F_RST, T_NO },
	{ "every flag never opens", 0xff, T_NO },
};

KUNIT_ARRAY_PARAM_DESC(tcp_open_cases, tcp_open_cases, desc);

static void tcp_open(struct kunit *test)
{
	const struct tcp_open_case *c = test->param_value;
	struct sgfw_pkt p = tr_tcp(c->flags);
	struct sgfw_flow_init init;
	bool opens = sgfw_track_new(&p, &tr_to, &init);

	KUNIT_EXPECT_EQ(test, opens, c->state != T_NO);
	KUNIT_EXPECT_EQ(test, sgfw_tcp_next_state(T_NO, false, c->flags),
			c->state);
	if (!opens)
		return;
	KUNIT_EXPECT_EQ(test, init.state, c->state);
	/* No reply yet: 300 s at most, even for a flow picked up. */
	KUNIT_EXPECT_EQ(test, init.timeout,
			min(tr_timeout(c->state, IPPROTO_TCP),
			    (unsigned long)SGFW_UNREPLIED_TIMEOUT * HZ));
	KUNIT_EXPECT_EQ(test, init.flags & ~(SGFW_FLOW_F_SEQ_OPENER |
					     SGFW_FLOW_F_SEQ_PEER |
					     SGFW_FLOW_F_PICKUP), 0);
	KUNIT_EXPECT_TRUE(test, init.flags & SGFW_FLOW_F_SEQ_OPENER);
	/* A SYN says where the opener is; an ACK where both are. */
	KUNIT_EXPECT_EQ(test, !!(init.flags & SGFW_FLOW_F_PICKUP),
			!(c->flags & TCPHDR_SYN));
	KUNIT_EXPECT_EQ(test, init.len, p.len);
}

struct tcp_step {
	bool reply;
	u8 flags;
	bool ok;
	u8 state;
};

/* The opener's packet, or the peer's, and what it should lead to. */
#define O(f, s)		{ false, (f), true, (s) }
#define P(f, s)		{ true, (f), true, (s) }
#define O_NO(f, s)	{ false, (f), false, (s) }
#define P_NO(f, s)	{ true, (f), false, (s) }

#define TCP_MAX_STEPS	16

/*
 * @steps: the first opens the flow, unless @established says that the
 * three-way handshake opened it; a zero step ends the list.
 */
struct tcp_seq_case {
	const char *desc;
	bool established;
	struct tcp_step steps[TCP_MAX_STEPS];
};

static const struct tcp_step tcp_handshake[] = {
	O(F_SYN, T_SS), P(F_SA, T_SR), O(F_ACK, T_ES),
};

static const struct tcp_seq_case tcp_seq_cases[] = {
	{ "handshake and data", true, {
		O(F_PA, T_ES), P(F_PA, T_ES),
		P(F_ACK | TCPHDR_URG, T_ES),
		O(F_ACK | TCPHDR_ECE | TCPHDR_CWR, T_ES) } },
	{ "opener closes first", true, {
		O(F_FA, T_FW), P(F_ACK, T_CW), P(F_FA, T_LA),
		O(F_ACK, T_TW), O(F_ACK, T_TW) } },
	{ "peer closes first", true, {
		P(F_FA, T_FW), O(F_ACK, T_CW), O(F_FA, T_LA),
		P(F_ACK, T_TW) } },
	{ "simultaneous close", true, {
		O(F_FA, T_FW), P(F_FA, T_LA), O(F_ACK, T_TW),
		P(F_ACK, T_TW) } },
	{ "half-closed, data goes on the other way", true, {
		O(F_FA, T_FW), P(F_ACK, T_CW), P(F_PA, T_CW),
		O(F_ACK, T_CW), P(F_FA, T_LA), O(F_ACK, T_TW) } },
	{ "retransmitted FINs", true, {
		O(F_FA, T_FW), P(F_ACK, T_CW), P(F_FA, T_LA),
		P(F_FA, T_LA), O(F_ACK, T_TW), P(F_FA, T_TW) } },
	{ "RST ends an established flow", true, {
		P(F_RA, T_CL), O_NO(F_PA, T_CL), P_NO(F_ACK, T_CL),
		O_NO(F_FA, T_CL), P_NO(F_SA, T_CL), O(F_RST, T_CL),
		P(F_RA, T_CL) } },
	{ "RST from the opener", true, {
		O(F_RST, T_CL), P_NO(F_PA, T_CL) } },
	{ "connection refused, then retried", false, {
		O(F_SYN, T_SS), P(F_RA, T_CL), O_NO(F_ACK, T_CL),
		P_NO(F_SYN, T_CL), O(F_SYN, T_SS), P(F_SA, T_SR),
		O(F_ACK, T_ES) } },
	{ "RST in fin-wait", true, {
		O(F_FA, T_FW), P(F_RST, T_CL) } },
	{ "RST in last-ack", true, {
		O(F_FA, T_FW), P(F_FA, T_LA), O(F_RA, T_CL) } },
	{ "the opener reopens from time-wait", true, {
		O(F_FA, T_FW), P(F_FA, T_LA), O(F_ACK, T_TW),
		O(F_SYN, T_SS), P(F_SA, T_SR), O(F_ACK, T_ES) } },
	{ "the peer may not reopen from time-wait", true, {
		O(F_FA, T_FW), P(F_FA, T_LA), O(F_ACK, T_TW),
		P_NO(F_SYN, T_TW), O(F_ACK, T_TW) } },
	{ "simultaneous open", false, {
		O(F_SYN, T_SS), P(F_SYN, T_SR), O(F_SA, T_SR), P(F_SA, T_SR),
		P(F_ACK, T_SR), O(F_ACK, T_ES) } },
	{ "retransmitted SYN and SYN/ACK", false, {
		O(F_SYN, T_SS), O(F_SYN, T_SS), P(F_SA, T_SR), P(F_SA, T_SR),
		O(F_SYN, T_SR), O(F_ACK, T_ES), P(F_SA, T_ES) } },
	{ "no ACK or FIN from the opener before the SYN/ACK", false, {
		O(F_SYN, T_SS), O_NO(F_ACK, T_SS), O_NO(F_FA, T_SS),
		O_NO(F_SA, T_SS), P_NO(F_FA, T_SS), P(F_ACK, T_SS),
		P(F_SA, T_SR) } },
	{ "FIN before the handshake's last ACK", false, {
		O(F_SYN, T_SS), P(F_SA, T_SR), O(F_FA, T_FW) } },
	{ "picked up mid-stream", false, {
		O(F_PA, T_ES), P(F_PA, T_ES), P(F_FA, T_FW),
		O(F_ACK, T_CW), O(F_FA, T_LA), P(F_ACK, T_TW) } },
	{ "odd flags on an established flow", true, {
		O_NO(0, T_ES), O_NO(TCPHDR_FIN, T_ES),
		O_NO(F_SYN | TCPHDR_FIN, T_ES), P_NO(F_SYN | F_RST, T_ES),
		P_NO(0xff, T_ES), O_NO(TCPHDR_PSH, T_ES),
		O_NO(TCPHDR_URG, T_ES), O_NO(F_SA, T_ES), O(F_SYN, T_ES),
		P(F_SA, T_ES), P(F_PA, T_ES) } },
};

KUNIT_ARRAY_PARAM_DESC(tcp_seq_cases, tcp_seq_cases, desc);

static void tcp_sequence(struct kunit *test)
{
	const struct tcp_seq_case *c = test->param_value;
	const struct tcp_step *s = c->established ? &tcp_handshake[0] :
						    &c->steps[0];
	struct sgfw_pkt p = tr_tcp(s->flags);
	struct sgfw_flow *f;
	unsigned int i;

	KUNIT_ASSERT_FALSE(test, s->reply);
	tr_seq(&p, 0);
	f = tr_open(test, &p);
	KUNIT_ASSERT_EQ(test, f->state, s->state);
	KUNIT_EXPECT_EQ(test, f->deadline,
			(u32)(tr_now + tr_flow_timeout(f, s->state)));

	if (c->established) {
		for (i = 1; i < ARRAY_SIZE(tcp_handshake); i++) {
			s = &tcp_handshake[i];
			p = tr_tcp(s->flags);
			tr_seq(&p, s->reply);
			tr_feed(test, f, &p, s->reply, s->ok, s->state, 0);
		}
	}
	for (i = c->established ? 0 : 1;
	     i < TCP_MAX_STEPS && c->steps[i].state; i++) {
		u32 nxt = tr_nxt[c->steps[i].reply];

		s = &c->steps[i];
		p = tr_tcp(s->flags);
		tr_seq(&p, s->reply);
		tr_feed(test, f, &p, s->reply, s->ok, s->state, i + 1);
		/* A refused packet never reached the other side. */
		if (!s->ok)
			tr_nxt[s->reply] = nxt;
	}
}

struct tcp_next_case {
	const char *desc;
	u8 state;
	bool reply;
	u8 flags;
	u8 next;
};

/* Single transitions, the odd ones first; T_NO: not part of the flow. */
static const struct tcp_next_case tcp_next_cases[] = {
	{ "syn-sent: peer SYN is a simultaneous open", T_SS, true, F_SYN,
	  T_SR },
	{ "syn-sent: peer ACK passes (half-open peer)", T_SS, true, F_ACK,
	  T_SS },
	{ "syn-sent: opener ACK refused", T_SS, false, F_ACK, T_NO },
	{ "syn-sent: opener SYN/ACK refused", T_SS, false, F_SA, T_NO },
	{ "syn-sent: peer RST closes", T_SS, true, F_RA, T_CL },
	{ "syn-recv: opener SYN/ACK (simultaneous open)", T_SR, false, F_SA,
	  T_SR },
	{ "syn-recv: opener FIN", T_SR, false, F_FA, T_FW },
	{ "established: peer SYN refused", T_ES, true, F_SYN, T_NO },
	{ "established: opener SYN passes", T_ES, false, F_SYN, T_ES },
	{ "established: late SYN/ACK passes", T_ES, true, F_SA, T_ES },
	{ "fin-wait: FIN again", T_FW, false, F_FA, T_LA },
	{ "close-wait: peer FIN", T_CW, true, F_FA, T_LA },
	{ "last-ack: ACK", T_LA, true, F_ACK, T_TW },
	{ "time-wait: opener SYN reopens", T_TW, false, F_SYN, T_SS },
	{ "time-wait: peer SYN refused", T_TW, true, F_SYN, T_NO },
	{ "time-wait: late FIN", T_TW, true, F_FA, T_TW },
	{ "time-wait: RST", T_TW, false, F_RST, T_CL },
	{ "close: opener SYN reopens", T_CL, false, F_SYN, T_SS },
	{ "close: ACK refused", T_CL, false, F_ACK, T_NO },
	{ "close: FIN refused", T_CL, true, F_FA, T_NO },
	{ "close: SYN/ACK refused", T_CL, true, F_SA, T_NO },
	{ "close: RST passes", T_CL, true, F_RST, T_CL },
	{ "PSH, ECE, CWR change nothing", T_ES, false,
	  F_ACK | TCPHDR_PSH | TCPHDR_ECE | TCPHDR_CWR, T_ES },
	{ "URG with RST is no TCP flag set", T_ES, false, F_RST | TCPHDR_URG,
	  T_NO },
	{ "not a TCP state", SGFW_FLOW_STATE_UDP_SINGLE, false, F_ACK, T_NO },
	{ "beyond every state", 0xff, false, F_ACK, T_NO },
};

KUNIT_ARRAY_PARAM_DESC(tcp_next_cases, tcp_next_cases, desc);

static void tcp_next_state(struct kunit *test)
{
	const struct tcp_next_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, sgfw_tcp_next_state(c->state, c->reply, c->flags),
			c->next);
}

struct tcp_timeout_case {
	const char *desc;
	u8 state;
	u32 secs;
};

static const struct tcp_timeout_case tcp_timeout_cases[] = {
	{ "syn-sent 120 s", T_SS, 120 },
	{ "syn-recv 60 s", T_SR, 60 },
	{ "established: the device's", T_ES, 3600 },
	{ "fin-wait 120 s", T_FW, 120 },
	{ "close-wait 60 s", T_CW, 60 },
	{ "last-ack 30 s", T_LA, 30 },
	{ "time-wait 120 s", T_TW, 120 },
	{ "close 10 s", T_CL, 10 },
	{ "none: 0", T_NO, 0 },
};

KUNIT_ARRAY_PARAM_DESC(tcp_timeout_cases, tcp_timeout_cases, desc);

static void tcp_timeout(struct kunit *test)
{
	const struct tcp_timeout_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, sgfw_state_timeout(c->state, IPPROTO_TCP,
						 &tr_to), c->secs);
}

/*
 * The established timeout follows the device's setting, once the flow has
 * seen a reply; before, 300 s at most.
 */
static void tcp_established_per_device(struct kunit *test)
{
	struct sgfw_timeouts aws = tr_to;
	struct sgfw_pkt p = tr_tcp(F_ACK);
	struct sgfw_flow_init init;
	struct sgfw_flow *f;
	unsigned int events;

	aws.tcp_established = 350;
	tr_seq(&p, 0);
	KUNIT_ASSERT_TRUE(test, sgfw_track_new(&p, &aws, &init));
	KUNIT_EXPECT_EQ(test, init.timeout,
			(unsigned long)SGFW_UNREPLIED_TIMEOUT * HZ);
	f = tr_flow(test, &p, &init);
	tr_tick();
	p = tr_tcp(F_ACK);
	tr_seq(&p, 1);
	KUNIT_EXPECT_TRUE(test, sgfw_track_packet(f, &p, true,
						  &(struct sgfw_timeouts){
							.tcp_established =
							SGFW_TCP_EST_TIMEOUT_DEF,
						  }, &events));
	KUNIT_EXPECT_EQ(test, f->deadline,
			(u32)(tr_now + (unsigned long)SGFW_TCP_EST_TIMEOUT_DEF * HZ));
	KUNIT_EXPECT_EQ(test, events, SGFW_TRACK_ASSURED);
}

/*
 * One forged ACK, admitted by a rule and never answered, opens a flow that
 * lives 300 s idle, not the five days of an established connection.
 */
static void tcp_unreplied_capped(struct kunit *test)
{
	struct sgfw_timeouts week = tr_to;
	struct sgfw_pkt p = tr_tcp(F_PA);
	struct sgfw_flow_init init;
	struct sgfw_flow *f;
	unsigned int events;

	week.tcp_established = SGFW_TCP_EST_TIMEOUT_DEF;
	tr_seq(&p, 0);
	KUNIT_ASSERT_TRUE(test, sgfw_track_new(&p, &week, &init));
	KUNIT_EXPECT_EQ(test, init.state, T_ES);
	KUNIT_EXPECT_EQ(test, init.timeout,
			(unsigned long)SGFW_UNREPLIED_TIMEOUT * HZ);
	f = tr_flow(test, &p, &init);
	/*
	 * More from the opener a second later (sooner leaves the deadline
	 * as it is) pushes it by 300 s only.
	 */
	tr_now += HZ - 1;
	tr_tick();
	tr_seq(&p, 0);
	KUNIT_EXPECT_TRUE(test, sgfw_track_packet(f, &p, false, &week,
						  &events));
	KUNIT_EXPECT_EQ(test, f->deadline,
			(u32)(tr_now + (unsigned long)SGFW_UNREPLIED_TIMEOUT * HZ));
	KUNIT_EXPECT_EQ(test, events, 0);
}

/* A forged packet: @flags from @side at sequence number @seq. */
static struct sgfw_pkt tr_forged(u8 flags, u32 seq, u32 ack)
{
	struct sgfw_pkt p = tr_tcp(flags);

	p.tcp_seq = seq;
	p.tcp_ack = ack;
	return p;
}

/* An established flow, after a three-way handshake with window scales. */
static struct sgfw_flow *tr_established(struct kunit *test, u8 ws_opener,
					u8 ws_peer)
{
	struct sgfw_pkt p = tr_tcp(F_SYN);
	struct sgfw_flow *f;

	p.tcp_wscale = ws_opener;
	tr_seq(&p, 0);
	f = tr_open(test, &p);
	p = tr_tcp(F_SA);
	p.tcp_wscale = ws_peer;
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_SR, 1);
	p = tr_tcp(F_ACK);
	tr_seq(&p, 0);
	tr_feed(test, f, &p, false, true, T_ES, 2);
	p = tr_tcp(F_PA);
	p.tcp_len = 1000;
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_ES, 3);
	return f;
}

struct tcp_blind_case {
	const char *desc;
	bool reply;		/* from the peer */
	u8 flags;
	s32 off;		/* from where that side is */
	u8 ws;			/* both sides' scale; NONE: no option */
	u8 state;		/* after it */
};

#define WS_NO	SGFW_TCP_WSCALE_NONE

static const struct tcp_blind_case tcp_blind_cases[] = {
	{ "RST where the peer is ends the flow", true, F_RA, 0, WS_NO, T_CL },
	{ "RST from the opener where it is", false, F_RST, 0, WS_NO, T_CL },
	{ "RST a window ahead ends it", true, F_RST, 65000, WS_NO, T_CL },
	{ "RST a window behind ends it", true, F_RST, -65000, WS_NO, T_CL },
	{ "blind RST beyond the window changes nothing", true, F_RST,
	  70000, WS_NO, T_ES },
	{ "blind RST far away changes nothing", true, F_RA, 0x40000000,
	  WS_NO, T_ES },
	{ "blind RST behind the window changes nothing", false, F_RST,
	  -70000, WS_NO, T_ES },
	{ "RST within a scaled window behind ends it", true, F_RST,
	  -65535 * 100, 7, T_CL },
	{ "RST beyond a scaled window behind changes nothing", true, F_RST,
	  -65535 * 200, 7, T_ES },
	{ "RST ahead by more than a window changes nothing, scaled or not",
	  true, F_RST, 65535 * 2, 7, T_ES },
	{ "FIN ahead by more than a window changes nothing", false, F_FA,
	  65535 * 3, 7, T_ES },
	{ "blind FIN beyond the window changes nothing", true, F_FA, 100000,
	  WS_NO, T_ES },
	{ "FIN where the peer is closes", true, F_FA, 0, WS_NO, T_FW },
};

KUNIT_ARRAY_PARAM_DESC(tcp_blind_cases, tcp_blind_cases, desc);

/*
 * A blind attacker who guesses a 4-tuple and sends an RST or a FIN with a
 * sequence number out of the receiver's window: the packet passes (the
 * endpoint checks it too) but the flow does not move.  In the window, it
 * ends the flow as before.
 */
static void tcp_blind_teardown(struct kunit *test)
{
	const struct tcp_blind_case *c = test->param_value;
	struct sgfw_flow *f = tr_established(test, c->ws, c->ws);
	int side = c->reply;
	struct sgfw_pkt p = tr_forged(c->flags, tr_nxt[side] + c->off,
				      tr_nxt[!side]);

	if (c->state == T_ES)
		tr_feed_ignored(test, f, &p, c->reply, 10);
	else
		tr_feed(test, f, &p, c->reply, true, c->state, 10);
	if (c->state == T_ES) {
		/* The connection goes on, and a real RST still ends it. */
		p = tr_tcp(F_PA);
		tr_seq(&p, !side);
		tr_feed(test, f, &p, !c->reply, true, T_ES, 11);
		p = tr_tcp(F_RA);
		tr_seq(&p, side);
		tr_feed(test, f, &p, c->reply, true, T_CL, 12);
	}
}

/*
 * A SYN/ACK once the peer's place is known is at most a late copy of its
 * answer: it passes, but its window scale is not taken, so that it cannot
 * widen the window a forged RST is checked against.
 */
static void tcp_late_synack_scale(struct kunit *test)
{
	struct sgfw_flow *f = tr_established(test, 7, 7);
	struct sgfw_pkt p = tr_tcp(F_SA);

	p.tcp_wscale = 14;
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_ES, 10);
	/*
	 * An RST from the opener's side, checked against the peer's window:
	 * beyond it at scale 7, inside it at 14.
	 */
	p = tr_forged(F_RST, tr_nxt[0] - 65535 * 200, tr_nxt[1]);
	tr_feed_ignored(test, f, &p, false, 11);
}

/*
 * A forged packet far from where its side is moves nothing: it cannot
 * carry the window to where a forged RST would then fit.
 */
static void tcp_window_not_moved(struct kunit *test)
{
	struct sgfw_flow *f = tr_established(test, WS_NO, WS_NO);
	u32 far = tr_nxt[1] + 0x10000000;
	struct sgfw_pkt p = tr_forged(F_PA, far, tr_nxt[0]);

	p.tcp_len = 1000;
	tr_feed(test, f, &p, true, true, T_ES, 10);
	p = tr_forged(F_RST, far + 1000, 0);
	tr_feed_ignored(test, f, &p, true, 11);
	/* Data in the window moves it on: an RST at its new end is good. */
	p = tr_tcp(F_PA);
	p.tcp_len = 60000;
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_ES, 12);
	p = tr_forged(F_RST, tr_nxt[1] + 30000, 0);
	tr_feed(test, f, &p, true, true, T_CL, 13);
}

/*
 * The answer to a SYN must acknowledge it: a forged SYN/ACK or RST with
 * another acknowledgment changes nothing, the right one does.
 */
static void tcp_syn_answer_acks(struct kunit *test)
{
	struct sgfw_pkt p = tr_tcp(F_SYN);
	struct sgfw_flow *f;

	tr_seq(&p, 0);
	f = tr_open(test, &p);
	p = tr_forged(F_SA, 777, tr_nxt[0] + 5);
	tr_feed_ignored(test, f, &p, true, 1);
	p = tr_forged(F_RA, 0, tr_nxt[0] + 1);
	tr_feed_ignored(test, f, &p, true, 2);
	p = tr_forged(F_RST, 0, 0);
	tr_feed_ignored(test, f, &p, true, 3);
	KUNIT_EXPECT_FALSE(test, f->flags & SGFW_FLOW_F_REPLIED);
	/* Connection refused, for real. */
	p = tr_forged(F_RA, 0, tr_nxt[0]);
	tr_feed(test, f, &p, true, true, T_CL, 4);
}

/*
 * A blind attacker while the SYN is unanswered: its ACK, whatever it
 * says, teaches the flow nothing and answers nothing, so its RST with
 * the sequence number that ACK carried changes nothing either.  A bare
 * SYN from the peer's side (a simultaneous open) moves the state but
 * teaches nothing either; the real answer then goes through.
 */
static void tcp_syn_sent_blind(struct kunit *test)
{
	struct sgfw_pkt p = tr_tcp(F_SYN);
	struct sgfw_flow *f;

	tr_seq(&p, 0);
	f = tr_open(test, &p);
	p = tr_forged(F_ACK, 4242, 777);
	tr_feed_ignored(test, f, &p, true, 1);
	KUNIT_EXPECT_FALSE(test, f->flags & (SGFW_FLOW_F_REPLIED |
					     SGFW_FLOW_F_SEQ_PEER));
	p = tr_forged(F_RST, 4242, 0);
	tr_feed_ignored(test, f, &p, true, 2);
	p = tr_forged(F_SYN, 9000, 0);
	tr_feed(test, f, &p, true, true, T_SR, 3);
	KUNIT_EXPECT_FALSE(test, f->flags & SGFW_FLOW_F_SEQ_PEER);
	p = tr_forged(F_RST, 9001, 0);
	tr_feed_ignored(test, f, &p, true, 4);
	p = tr_forged(F_SA, 9000, 123);
	tr_feed_ignored(test, f, &p, true, 5);
	p = tr_tcp(F_SA);
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_SR, 6);
	KUNIT_EXPECT_TRUE(test, f->flags & SGFW_FLOW_F_SEQ_PEER);
	KUNIT_EXPECT_EQ(test, f->seq_end[1], tr_nxt[1]);
}

/*
 * TCP Fast Open: the SYN carries data, and the peer acknowledges the data
 * with the SYN or only the SYN (it did not take the data).  Either answer
 * is good; an acknowledgment past the data is not.
 */
static void tcp_fast_open(struct kunit *test)
{
	static const u32 acked[] = { 0, 60, 100, 101 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(acked); i++) {
		struct sgfw_pkt p = tr_tcp(F_SYN);
		struct sgfw_flow *f;
		u32 isn;

		p.tcp_len = 100;
		tr_seq(&p, 0);
		isn = p.tcp_seq;
		f = tr_open(test, &p);
		KUNIT_EXPECT_EQ(test, f->seq_end[0], isn + 101);
		p = tr_tcp(F_SA);
		tr_seq(&p, 1);
		p.tcp_ack = isn + 1 + acked[i];
		if (acked[i] <= 100)
			tr_feed(test, f, &p, true, true, T_SR, i);
		else
			tr_feed_ignored(test, f, &p, true, i);
	}
}

/*
 * A SYN that the host answers makes a flow answered but not assured: a
 * flood of forged SYNs to a listening port must not fill the table with
 * flows that cannot be evicted.  The handshake's last ACK assures it when
 * it acknowledges the SYN/ACK, which a forged opener never saw: at most
 * 65535 behind the peer's end, never ahead.  Else the flow is established
 * all the same, and the peer's first packet after it assures it.
 */
struct assured_case {
	const char *desc;
	s32 ack_off;	/* the last ACK's, from the peer's end */
	bool assured;
};

static const struct assured_case assured_cases[] = {
	{ "acknowledges the SYN/ACK", 0, true },
	{ "a window behind", -65535, true },
	{ "further behind", -65536, false },
	{ "ahead", 1, false },
	{ "a blind guess", 0x40000000, false },
};

KUNIT_ARRAY_PARAM_DESC(assured_cases, assured_cases, desc);

static void tcp_assured_after_handshake(struct kunit *test)
{
	const struct assured_case *c = test->param_value;
	struct sgfw_pkt p = tr_tcp(F_SYN);
	struct sgfw_flow *f;

	tr_seq(&p, 0);
	f = tr_open(test, &p);
	p = tr_tcp(F_SA);
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_SR, 1);
	KUNIT_EXPECT_TRUE(test, f->flags & SGFW_FLOW_F_REPLIED);
	KUNIT_EXPECT_FALSE(test, f->flags & SGFW_FLOW_F_ASSURED);
	p = tr_tcp(F_ACK);
	tr_seq(&p, 0);
	p.tcp_ack += c->ack_off;
	tr_feed(test, f, &p, false, true, T_ES, 2);
	KUNIT_EXPECT_EQ(test, !!(f->flags & SGFW_FLOW_F_ASSURED), c->assured);
	p = tr_tcp(F_ACK);
	tr_seq(&p, 1);
	tr_feed(test, f, &p, true, true, T_ES, 3);
	KUNIT_EXPECT_TRUE(test, f->flags & SGFW_FLOW_F_ASSURED);
}

static struct kunit_case sgfw_tcp_cases[] = {
	KUNIT_CASE_PARAM(tcp_open, tcp_open_cases_gen_params),
	KUNIT_CASE_PARAM(tcp_sequence, tcp_seq_cases_gen_params),
	KUNIT_CASE_PARAM(tcp_next_state, tcp_next_cases_gen_params),
	KUNIT_CASE_PARAM(tcp_timeout, tcp_timeout_cases_gen_params),
	KUNIT_CASE(tcp_established_per_device),
	KUNIT_CASE(tcp_unreplied_capped),
	KUNIT_CASE_PARAM(tcp_blind_teardown, tcp_blind_cases_gen_params),
	KUNIT_CASE(tcp_late_synack_scale),
	KUNIT_CASE(tcp_window_not_moved),
	KUNIT_CASE(tcp_syn_answer_acks),
	KUNIT_CASE(tcp_syn_sent_blind),
	KUNIT_CASE(tcp_fast_open),
	KUNIT_CASE_PARAM(tcp_assured_after_handshake,
			 assured_cases_gen_params),
	{}
};

static struct kunit_suite sgfw_tcp_suite = {
	.name = "sgfw_tcp",
	.init = tr_case_init,
	.exit = tr_case_exit,
	.test_cases = sgfw_tcp_cases,
};

/* --- sgfw_track ---------------------------------------------------------- */

#define U_SI	SGFW_FLOW_STATE_UDP_SINGLE
#define U_ST	SGFW_FLOW_STATE_UDP_STREAM
#define UDP_MAX_STEPS	12

struct udp_case {
	const char *desc;
	/* After the opening request: 'q' a request, 'p' a reply. */
	const char *packets;
	/* The state after each of them: 's' single, 'S' stream. */
	const char *states;
};

static const struct udp_case udp_cases[] = {
	{ "requests only stay single", "qqqq", "ssss" },
	{ "one request, one reply: single", "p", "s" },
	{ "one exchange, then replies only: single", "pppp", "ssss" },
	{ "request, reply, request: single", "pq", "ss" },
	{ "two exchanges: stream", "pqp", "ssS" },
	{ "runs of requests and replies count as one each", "qppqqp",
	  "sssssS" },
	{ "a request unanswered after one exchange: single", "pqqq", "ssss" },
	{ "a stream stays a stream", "pqpqqpp", "ssSSSSS" },
};

KUNIT_ARRAY_PARAM_DESC(udp_cases, udp_cases, desc);

/*
 * A UDP flow opens single with the device's udp timeout and turns stream,
 * with the stream timeout, after more than one request-reply exchange.
 */
static void udp_single_to_stream(struct kunit *test)
{
	const struct udp_case *c = test->param_value;
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET6, IPPROTO_UDP);
	struct sgfw_flow *f = tr_open(test, &p);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, f->state, U_SI);
	KUNIT_EXPECT_EQ(test, f->deadline, (u32)(tr_now + 45UL * HZ));
	KUNIT_ASSERT_EQ(test, strlen(c->packets), strlen(c->states));
	for (i = 0; c->packets[i]; i++)
		tr_feed(test, f, &p, c->packets[i] == 'p', true,
			c->states[i] == 'S' ? U_ST : U_SI, i + 1);
	KUNIT_EXPECT_EQ(test, !!(f->flags & SGFW_FLOW_F_REPLIED),
			!!strchr(c->packets, 'p'));
	/* Only a stream is spared by eviction: one exchange proves little. */
	KUNIT_EXPECT_EQ(test, !!(f->flags & SGFW_FLOW_F_ASSURED),
			!!strchr(c->states, 'S'));
}

struct other_timeout_case {
	const char *desc;
	u8 state;
	u8 proto;
	u32 secs;
};

static const struct other_timeout_case other_timeout_cases[] = {
	{ "udp single: the device's udp", U_SI, IPPROTO_UDP, 45 },
	{ "udp stream: the device's udp stream", U_ST, IPPROTO_UDP, 150 },
	{ "icmp query: the device's udp", SGFW_FLOW_STATE_ACTIVE,
	  IPPROTO_ICMP, 45 },
	{ "icmpv6 query: the device's udp", SGFW_FLOW_STATE_ACTIVE,
	  IPPROTO_ICMPV6, 45 },
	{ "gre: 600 s", SGFW_FLOW_STATE_ACTIVE, 47, 600 },
	{ "sctp: 600 s", SGFW_FLOW_STATE_ACTIVE, IPPROTO_SCTP, 600 },
	{ "no state: 0", SGFW_FLOW_STATE_NONE, IPPROTO_UDP, 0 },
	{ "unknown state: 0", 200, IPPROTO_UDP, 0 },
};

KUNIT_ARRAY_PARAM_DESC(other_timeout_cases, other_timeout_cases, desc);

static void track_timeout(struct kunit *test)
{
	const struct other_timeout_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, sgfw_state_timeout(c->state, c->proto, &tr_to),
			c->secs);
}

struct icmp_open_case {
	const char *desc;
	u8 af;
	u8 type;
	u8 flags;
	bool opens;
};

static const struct icmp_open_case icmp_open_cases[] = {
	{ "echo request opens", SGFW_AF_INET, ICMP_ECHO, SGFW_PKT_ICMP_QUERY,
	  true },
	{ "timestamp request opens", SGFW_AF_INET, ICMP_TIMESTAMP,
	  SGFW_PKT_ICMP_QUERY, true },
	{ "address mask request opens", SGFW_AF_INET, ICMP_ADDRESS,
	  SGFW_PKT_ICMP_QUERY, true },
	{ "echo reply never opens", SGFW_AF_INET, ICMP_ECHOREPLY,
	  SGFW_PKT_ICMP_QUERY, false },
	{ "destination unreachable never opens", SGFW_AF_INET,
	  ICMP_DEST_UNREACH, SGFW_PKT_ICMP_ERROR, false },
	{ "time exceeded never opens", SGFW_AF_INET, ICMP_TIME_EXCEEDED,
	  SGFW_PKT_ICMP_ERROR, false },
	{ "router advertisement never opens", SGFW_AF_INET, 9, 0, false },
	{ "icmpv6 echo request opens", SGFW_AF_INET6, ICMPV6_ECHO_REQUEST,
	  SGFW_PKT_ICMP_QUERY, true },
	{ "icmpv6 node information query opens", SGFW_AF_INET6,
	  ICMPV6_NI_QUERY, SGFW_PKT_ICMP_QUERY, true },
	{ "extended echo request (RFC 8335) opens", SGFW_AF_INET,
	  ICMP_EXT_ECHO, SGFW_PKT_ICMP_QUERY, true },
	{ "icmpv6 extended echo request opens", SGFW_AF_INET6,
	  ICMPV6_EXT_ECHO_REQUEST, SGFW_PKT_ICMP_QUERY, true },
	{ "icmpv6 home agent address discovery request opens", SGFW_AF_INET6,
	  ICMPV6_DHAAD_REQUEST, SGFW_PKT_ICMP_QUERY, true },
	{ "icmpv6 mobile prefix solicitation opens", SGFW_AF_INET6,
	  ICMPV6_MOBILE_PREFIX_SOL, SGFW_PKT_ICMP_QUERY, true },
	{ "extended echo reply never opens", SGFW_AF_INET, ICMP_EXT_ECHOREPLY,
	  SGFW_PKT_ICMP_QUERY, false },
	{ "icmpv6 echo reply never opens", SGFW_AF_INET6, ICMPV6_ECHO_REPLY,
	  SGFW_PKT_ICMP_QUERY, false },
	{ "icmpv6 packet too big never opens", SGFW_AF_INET6,
	  ICMPV6_PKT_TOOBIG, SGFW_PKT_ICMP_ERROR, false },
	{ "icmpv6 neighbour solicitation is never tracked", SGFW_AF_INET6,
	  135, SGFW_PKT_ALWAYS_PASS, false },
	{ "icmpv6 echo request flagged always-pass is not tracked",
	  SGFW_AF_INET6, ICMPV6_ECHO_REQUEST, SGFW_PKT_ALWAYS_PASS, false },
};

KUNIT_ARRAY_PARAM_DESC(icmp_open_cases, icmp_open_cases, desc);

static void icmp_open(struct kunit *test)
{
	const struct icmp_open_case *c = test->param_value;
	struct sgfw_pkt p = tr_icmp(c->af, c->type, c->flags);
	struct sgfw_flow_init init;

	KUNIT_EXPECT_EQ(test, sgfw_track_new(&p, &tr_to, &init), c->opens);
	if (!c->opens)
		return;
	KUNIT_EXPECT_EQ(test, init.state, SGFW_FLOW_STATE_ACTIVE);
	KUNIT_EXPECT_EQ(test, init.pstate, c->type);
	KUNIT_EXPECT_EQ(test, init.timeout, 45UL * HZ);
}

struct icmp_flow_case {
	const char *desc;
	u8 af;
	u8 request;
	u8 reply;
	u8 other;	/* another query's reply */
};

static const struct icmp_flow_case icmp_flow_cases[] = {
	{ "icmp echo", SGFW_AF_INET, ICMP_ECHO, ICMP_ECHOREPLY,
	  ICMP_TIMESTAMPREPLY },
	{ "icmp timestamp", SGFW_AF_INET, ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY,
	  ICMP_ECHOREPLY },
	{ "icmpv6 echo", SGFW_AF_INET6, ICMPV6_ECHO_REQUEST,
	  ICMPV6_ECHO_REPLY, ICMPV6_NI_REPLY },
	{ "icmp extended echo", SGFW_AF_INET, ICMP_EXT_ECHO,
	  ICMP_EXT_ECHOREPLY, ICMP_ECHOREPLY },
	{ "icmpv6 extended echo", SGFW_AF_INET6, ICMPV6_EXT_ECHO_REQUEST,
	  ICMPV6_EXT_ECHO_REPLY, ICMPV6_ECHO_REPLY },
	{ "icmpv6 node information", SGFW_AF_INET6, ICMPV6_NI_QUERY,
	  ICMPV6_NI_REPLY, ICMPV6_ECHO_REPLY },
	{ "icmpv6 home agent address discovery", SGFW_AF_INET6,
	  ICMPV6_DHAAD_REQUEST, ICMPV6_DHAAD_REPLY, ICMPV6_ECHO_REPLY },
	{ "icmpv6 mobile prefix", SGFW_AF_INET6, ICMPV6_MOBILE_PREFIX_SOL,
	  ICMPV6_MOBILE_PREFIX_ADV, ICMPV6_ECHO_REPLY },
};

KUNIT_ARRAY_PARAM_DESC(icmp_flow_cases, icmp_flow_cases, desc);

/*
 * A query flow passes its request from the opener and its reply from the
 * peer, again and again; nothing else with its identifier.
 */
static void icmp_query_flow(struct kunit *test)
{
	const struct icmp_flow_case *c = test->param_value;
	struct sgfw_pkt req = tr_icmp(c->af, c->request, SGFW_PKT_ICMP_QUERY);
	struct sgfw_pkt rep = tr_icmp(c->af, c->reply, SGFW_PKT_ICMP_QUERY);
	struct sgfw_pkt other = tr_icmp(c->af, c->other, SGFW_PKT_ICMP_QUERY);
	u8 a = SGFW_FLOW_STATE_ACTIVE;
	struct sgfw_flow *f = tr_open(test, &req);

	tr_feed(test, f, &rep, true, true, a, 1);
	KUNIT_EXPECT_TRUE(test, f->flags & SGFW_FLOW_F_REPLIED);
	tr_feed(test, f, &req, false, true, a, 2);
	tr_feed(test, f, &rep, true, true, a, 3);
	/* The peer's own request, or the opener's reply: another flow. */
	tr_feed(test, f, &req, true, false, a, 4);
	tr_feed(test, f, &rep, false, false, a, 5);
	tr_feed(test, f, &other, true, false, a, 6);
}

/*
 * An icmp error about a flow passes with it and changes nothing: state,
 * deadline and counters are the flow's own packets'.
 */
static void icmp_error_changes_nothing(struct kunit *test)
{
	struct sgfw_pkt syn = tr_tcp(F_SYN);
	struct sgfw_pkt err = tr_icmp(SGFW_AF_INET, ICMP_DEST_UNREACH,
				      SGFW_PKT_ICMP_ERROR);
	struct sgfw_flow *f = tr_open(test, &syn);
	u32 deadline = f->deadline;
	u8 flags = f->flags;
	unsigned int events;

	tr_tick();
	KUNIT_EXPECT_TRUE(test, sgfw_track_packet(f, &err, true, &tr_to,
						  &events));
	KUNIT_EXPECT_EQ(test, f->state, T_SS);
	KUNIT_EXPECT_EQ(test, f->flags, flags);
	KUNIT_EXPECT_EQ(test, events, 0);
	KUNIT_EXPECT_EQ(test, f->deadline, deadline);
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), 1);
}

/*
 * The deadline of a busy flow is written about once a second, not by
 * every packet: a packet that changes nothing leaves it while it would
 * move less than a second (a 64th of the timeout if that is less); the
 * first packet past that pushes it; a change of state always does.
 */
static void track_deadline_amortised(struct kunit *test)
{
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET, IPPROTO_UDP);
	struct sgfw_flow *f = tr_open(test, &p);
	unsigned long first, slack;
	unsigned int events, i;
	s64 packets;

	/* A reply, then the opener again: changes, so the deadline moves. */
	tr_tick();
	KUNIT_ASSERT_TRUE(test, sgfw_track_packet(f, &p, true, &tr_to,
						  &events));
	tr_tick();
	KUNIT_ASSERT_TRUE(test, sgfw_track_packet(f, &p, false, &tr_to,
						  &events));
	first = f->deadline;
	KUNIT_EXPECT_EQ(test, first,
			(u32)(tr_now + tr_flow_timeout(f, f->state)));
	slack = min(tr_flow_timeout(f, f->state) / 64, (unsigned long)HZ);
	packets = atomic64_read(&f->packets);
	for (i = 1; i < slack; i++) {
		tr_tick();
		KUNIT_ASSERT_TRUE(test, sgfw_track_packet(f, &p, false, &tr_to,
							  &events));
		KUNIT_EXPECT_EQ_MSG(test, f->deadline, first, "tick %u", i);
	}
	tr_tick();
	KUNIT_ASSERT_TRUE(test, sgfw_track_packet(f, &p, false, &tr_to,
						  &events));
	KUNIT_EXPECT_EQ(test, f->deadline,
			(u32)(tr_now + tr_flow_timeout(f, f->state)));
	/* Every packet counted all the same. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&f->packets), packets + slack);
}

/* Any other protocol: active, 600 s, both ways. */
static void other_protocol(struct kunit *test)
{
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET, 47);
	struct sgfw_flow *f = tr_open(test, &p);
	u8 a = SGFW_FLOW_STATE_ACTIVE;

	KUNIT_EXPECT_EQ(test, f->state, a);
	KUNIT_EXPECT_EQ(test, f->deadline, (u32)(tr_now + 600UL * HZ));
	tr_feed(test, f, &p, true, true, a, 1);
	tr_feed(test, f, &p, false, true, a, 2);
	KUNIT_EXPECT_TRUE(test, f->flags & SGFW_FLOW_F_REPLIED);
}

/*
 * sgfw_track_new() fills the whole init, whatever was in it, and leaves
 * the caller's fields zero; a packet that opens nothing also clears it.
 */
static void track_new_fills_init(struct kunit *test)
{
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET, IPPROTO_UDP);
	struct sgfw_flow_init init;

	p.len = 1234;
	memset(&init, 0xff, sizeof(init));
	KUNIT_ASSERT_TRUE(test, sgfw_track_new(&p, &tr_to, &init));
	KUNIT_EXPECT_EQ(test, init.state, U_SI);
	KUNIT_EXPECT_EQ(test, init.flags, 0);
	KUNIT_EXPECT_EQ(test, init.pstate, 0);
	KUNIT_EXPECT_EQ(test, init.sg_id, 0);
	KUNIT_EXPECT_EQ(test, init.rule_id, 0);
	KUNIT_EXPECT_EQ(test, init.len, 1234);
	KUNIT_EXPECT_EQ(test, init.timeout, 45UL * HZ);

	p = tr_tcp(F_RST);
	memset(&init, 0xff, sizeof(init));
	KUNIT_EXPECT_FALSE(test, sgfw_track_new(&p, &tr_to, &init));
	KUNIT_EXPECT_EQ(test, init.flags, 0);
}

/* Flags other than REPLIED, set at creation, survive the packets. */
static void track_keeps_flags(struct kunit *test)
{
	struct sgfw_pkt p = tr_pkt(SGFW_AF_INET6, IPPROTO_UDP);
	struct sgfw_flow_init init;
	struct sgfw_flow *f;

	KUNIT_ASSERT_TRUE(test, sgfw_track_new(&p, &tr_to, &init));
	init.flags |= SGFW_FLOW_F_OPENER_EGRESS;
	f = tr_flow(test, &p, &init);
	tr_feed(test, f, &p, false, true, U_SI, 1);
	KUNIT_EXPECT_EQ(test, f->flags, SGFW_FLOW_F_OPENER_EGRESS);
	tr_feed(test, f, &p, true, true, U_SI, 2);
	KUNIT_EXPECT_EQ(test, f->flags,
			SGFW_FLOW_F_OPENER_EGRESS | SGFW_FLOW_F_REPLIED);
}

static struct kunit_case sgfw_track_cases[] = {
	KUNIT_CASE_PARAM(udp_single_to_stream, udp_cases_gen_params),
	KUNIT_CASE_PARAM(track_timeout, other_timeout_cases_gen_params),
	KUNIT_CASE_PARAM(icmp_open, icmp_open_cases_gen_params),
	KUNIT_CASE_PARAM(icmp_query_flow, icmp_flow_cases_gen_params),
	KUNIT_CASE(icmp_error_changes_nothing),
	KUNIT_CASE(other_protocol),
	KUNIT_CASE(track_new_fills_init),
	KUNIT_CASE(track_keeps_flags),
	KUNIT_CASE(track_deadline_amortised),
	{}
};

static struct kunit_suite sgfw_track_suite = {
	.name = "sgfw_track",
	.init = tr_case_init,
	.exit = tr_case_exit,
	.test_cases = sgfw_track_cases,
};

kunit_test_suites(&sgfw_tcp_suite, &sgfw_track_suite);
