/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table: every flow sgfw tracks, in all namespaces.
 *
 * Like nf_conntrack, there is one hash table for the whole system and the
 * namespace is part of every key; counts, limits, expiry and eviction are
 * per namespace (struct sgfw_flow_ns).  A flow is keyed by its device's key
 * (struct sgfw_flow_dev: the namespace's number and the device's slot in
 * it, 32 bits that stand for a namespace pointer and an ifindex) and its
 * tuple; it is found from a packet of either direction: the key is the
 * tuple with its two endpoints put in a fixed order, so one entry serves
 * both directions.
 *
 * Locking (flowtable.c says why):
 * - lookups run under rcu_read_lock() and take no lock;
 * - a line of the table (its slots and its overflow chain) changes under
 *   its bucket lock; a flow is freed through call_rcu() after it is
 *   unlinked;
 * - a namespace's expiry wheel and unassured list (struct sgfw_flow_ns)
 *   change under its @lock, which nests inside a bucket lock; whoever
 *   holds @lock and wants a bucket lock only tries it;
 * - a flow's state word changes with cmpxchg, its deadline, sequence
 *   window and counters with plain stores and atomics.
 *
 * Life cycle: sgfw_flowtable_init() before the pernet operations are
 * registered; a namespace's sgfw_flow_ns_init() in its pernet init; its
 * pernet pre_exit unregisters its hooks, its exit calls
 * sgfw_flowtable_flush(net, fns, 0) then sgfw_flow_ns_exit();
 * sgfw_flowtable_exit() after the pernet operations are unregistered.  A
 * flow never outlives its namespace.
 */
#ifndef _SGFW_FLOWTABLE_H
#define _SGFW_FLOWTABLE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "types.h"

struct net;
struct mem_cgroup;

/*
 * The expiry wheel: slots of SGFW_WHEEL_TICK jiffies (a power of two near
 * one second), for SGFW_WHEEL_SLOTS ticks ahead.  A tick is named by its
 * first jiffy, so that ticks compare as jiffies do (time_before()) across
 * the wrap of jiffies, which comes 5 minutes after boot on a 32-bit
 * kernel; and slot numbers stay in step there, as 2^32 is a whole number
 * of turns.
 */
#define SGFW_WHEEL_SLOTS	256
#define SGFW_WHEEL_SHIFT	ilog2(roundup_pow_of_two(HZ))
#define SGFW_WHEEL_TICK		BIT(SGFW_WHEEL_SHIFT)

/*
 * struct sgfw_flow_ns - one namespace's share of the table, embedded in
 * struct sgfw_net.
 * @count: flows of the namespace in the table, expired or not.
 * @limit: the most it may have; READ_ONCE(), set by netlink.
 * @exceeded: new flows refused because the namespace was full and held
 *	nothing to reclaim or evict (conntrack_allowance_exceeded).
 * @bucket_full: new flows refused because their line held the most
 *	flows of this namespace it may.
 * @evicted: unassured flows removed to make room for new ones.
 * @nomem: new flows refused because memory ran out.
 * @lock: protects @unassured, @n_unassured, @wheel, @wheel_next and the
 *	@lru member of every flow of the namespace.  Inside a bucket lock.
 * @unassured: flows that are not assured (SGFW_FLOW_F_ASSURED), oldest
 *	first (the eviction order); the reaper rotates it.
 * @wheel: every other flow, in the slot of its deadline as it was when the
 *	flow was placed (deadlines move later without the flow moving; the
 *	reaper places such a flow again when its slot comes).
 * @wheel_next: the next tick the reaper handles (its first jiffy).
 * @gc: the reaper of this namespace, while it has flows.
 * @memcg: the memory cgroup flows are charged to (or NULL).
 * @net: the namespace.
 * @id: its number in the keys of its flows (SGFW_FT_NS_BITS), given when
 *	its first device registers (sgfw_flow_dev_init()), 0 before; taken
 *	back by sgfw_flow_ns_exit(), when it has no flow left.
 * @devs: its registered devices (struct sgfw_flow_dev) by slot; RCU for
 *	readers, the registry's mutex for writers.
 * @dev_next: where the cyclic allocation of slots goes on.
 */
struct sgfw_flow_ns {
	atomic_t count;
	u32 limit;
	atomic64_t exceeded;
	atomic64_t bucket_full;
	atomic64_t evicted;
	atomic64_t nomem;
	spinlock_t lock;		/* see @lock above */
	u32 n_unassured;
	unsigned long wheel_next;
	struct list_head unassured;
	struct list_head wheel[SGFW_WHEEL_SLOTS];
	struct delayed_work gc;
	struct mem_cgroup *memcg;
	const struct net *net;
	u32 id;
	u32 dev_next;
	struct xarray devs;
};

/*
 * A flow's key names its namespace and device in 32 bits: the namespace's
 * number in the top SGFW_FT_NS_BITS, the device's slot below: a namespace
 * configures at most SGFW_MAX_DEVS devices, and while a commit replaces
 * its configuration by another as large both exist.  So at most 2^19 - 1
 * namespaces have devices configured at once.
 */
#define SGFW_FT_DEV_BITS	13
#define SGFW_FT_NS_BITS		(32 - SGFW_FT_DEV_BITS)
#define SGFW_FT_DEV_MASK	(BIT(SGFW_FT_DEV_BITS) - 1)

/* The namespace number of key @key. */
static inline u32 sgfw_key_ns(u32 key)
{
	return key >> SGFW_FT_DEV_BITS;
}

/*
 * struct sgfw_flow_dev - a configured device's entry in the table's
 * registry, embedded in its configuration (struct sgfw_dev): what its
 * flows are keyed by, and how a flow finds its device again.
 * @key: the key of its flows; set by sgfw_flow_dev_init(), never changed.
 * @ifindex: the device it is bound to, 0 while none is; WRITE_ONCE() by
 *	its owner, READ_ONCE().
 * @fns: its namespace's share.
 * @flows: the per-CPU count of its flows, which the table keeps: up when
 *	it links one, down when it unlinks one (under the bucket lock both);
 *	or NULL.
 */
struct sgfw_flow_dev {
	u32 key;
	int ifindex;
	struct sgfw_flow_ns *fns;
	int __percpu *flows;
};

/* struct sgfw_flow flags */
#define SGFW_FLOW_F_OPENER_EGRESS	BIT(0)	/* opened by an egress packet */
#define SGFW_FLOW_F_REPLIED		BIT(1)	/* seen a packet in reply */
#define SGFW_FLOW_F_DEAD		BIT(2)	/* unlinked, waiting for RCU */
#define SGFW_FLOW_F_ON_WHEEL		BIT(3)	/* on the wheel, not unassured */
#define SGFW_FLOW_F_SEQ_OPENER		BIT(4)	/* seq_end[0] is known */
#define SGFW_FLOW_F_SEQ_PEER		BIT(5)	/* seq_end[1] is known */
#define SGFW_FLOW_F_PICKUP		BIT(6)	/* tcp: no handshake seen */
#define SGFW_FLOW_F_ASSURED		BIT(7)	/* both ends shown: not evicted */

/*
 * The state word of struct sgfw_flow, unpacked: the same bytes in the same
 * order, so that one 32-bit cmpxchg changes state, flags and the
 * per-protocol byte together (a one-byte cmpxchg is not available on every
 * architecture the 6.1 kernel supports).
 */
union sgfw_flow_sw {
	int word;
	struct {
		u8 state;
		u8 flags;
		u8 pstate;
		u8 tag;
	};
};

/*
 * struct sgfw_flow - one tracked flow.  112 bytes on 64-bit; the slab
 * object is as large (16-byte aligned, not to a cache line: a table slot
 * keeps the flow's slot tag in the four low bits of its address).
 * @next: the next flow of its line's overflow chain, while it is in one
 *	(else its line's end marker); bucket lock, RCU for readers.
 * @lru: in its namespace's unassured list or a wheel slot; the
 *	namespace's lock.  Once the flow is unlinked it is off both, and the
 *	same bytes hold @rcu.
 * @rcu: for call_rcu().
 * @key: its device's key (struct sgfw_flow_dev), which names the
 *	namespace too; the flow never outlives the namespace.
 * @t: the tuple of the packet that opened the flow (src is the opener).
 * @state: enum sgfw_flow_state; READ_ONCE().
 * @flags: SGFW_FLOW_F_*; READ_ONCE().
 * @pstate: per-protocol state (track.c): for UDP the number of direction
 *	changes seen, for an icmp query flow the type of the request, for
 *	TCP the window scales of both sides.
 * @tag: the low 8 bits of the flow's hash, set when it is created and
 *	never changed: its slot tag (the low four) and its bit in its line's
 *	filter (the low three) are made of them (flowtable.c).
 * @sw: @state, @flags, @pstate and @tag as one word (union
 *	sgfw_flow_sw); every change to any of them is an atomic_try_cmpxchg()
 *	on it.
 * @deadline: jiffies when it expires, their low 32 bits (a timeout is at
 *	most 5 days, far less than 2^31 jiffies: sgfw_flow_deadline() gives
 *	the whole value back); WRITE_ONCE/READ_ONCE.
 * @start: when it was opened, in seconds of boot time (which neither
 *	stops in suspend nor steps with the wall clock: 136 years fit);
 *	sgfw_flow_start() gives the wall-clock time, for events and dumps.
 * @sg_id, @rule_id: what admitted it.
 * @packets, @bytes: both directions.
 * @seq_end: tcp: for the opener [0] and its peer [1], the sequence number
 *	after the last byte (SYN and FIN count one) that side was seen to
 *	send; valid with SGFW_FLOW_F_SEQ_OPENER/_PEER.  READ_ONCE(), moved
 *	forward with cmpxchg.
 */
struct sgfw_flow {
	struct sgfw_flow __rcu *next;
	union {
		struct list_head lru;
		struct rcu_head rcu;
	};
	u32 key;
	union {
		struct {
			u8 state;
			u8 flags;
			u8 pstate;
			u8 tag;
		};
		atomic_t sw;
	};
	struct sgfw_tuple t;
	u32 deadline;
	u32 start;
	u32 sg_id;
	u32 rule_id;
	atomic64_t packets;
	atomic64_t bytes;
	u32 seq_end[2];
};

/* The whole jiffies of @deadline (struct sgfw_flow), for a clock at @now. */
static inline unsigned long sgfw_deadline_full(u32 deadline, unsigned long now)
{
	return now + (long)(s32)(deadline - (u32)now);
}

/* Has a flow of deadline @deadline expired at @now (jiffies)? */
static inline bool sgfw_deadline_passed(u32 deadline, unsigned long now)
{
	return (s32)((u32)now - deadline) >= 0;
}

/* When @f was opened, in seconds since the epoch. */
static inline time64_t sgfw_flow_start(const struct sgfw_flow *f)
{
	return ktime_get_real_seconds() -
	       (ktime_get_boottime_seconds() - f->start);
}

/*
 * What a new flow starts with.  sgfw_track_new() fills every field: the
 * caller then sets @sg_id, @rule_id and may add to @flags.
 * @pstate: the initial per-protocol state.
 * @len: the bytes of the packet that opens the flow, which the flow
 *	counts as its first packet.
 * @seq_end: the opener's, with SGFW_FLOW_F_SEQ_* in @flags saying which
 *	are set.
 */
struct sgfw_flow_init {
	u8 state;
	u8 flags;
	u8 pstate;
	u32 sg_id;
	u32 rule_id;
	u32 len;
	u32 seq_end[2];
	unsigned long timeout;	/* jiffies from now */
};

/*
 * Where a walk of the table resumes (sgfw_flowtable_walk()): line @bucket
 * of a table of @size buckets, and
 * in it the flow to resume at, or 0 for the start of the line.  @flow is
 * the flow's address, compared and never dereferenced (the flow may be gone
 * by then); @ports, its ports, guard against the address being reused.
 */
struct sgfw_flow_pos {
	unsigned long bucket;
	unsigned long flow;
	u32 ports;
	u32 size;	/* of the table then */
};

/* What a walk's callback returns to have the line walked again from its
 * start by the next call (negative errors resume at the flow itself).
 */
#define SGFW_WALK_AGAIN		1

int sgfw_flowtable_init(void);
void sgfw_flowtable_exit(void);

/* A namespace's share: set up in its pernet init, torn down in its exit. */
void sgfw_flow_ns_init(struct sgfw_flow_ns *fns, const struct net *net,
		       u32 limit);
void sgfw_flow_ns_exit(struct sgfw_flow_ns *fns);

/*
 * sgfw_flow_dev_init() - register a device of @fns in the table: give
 * @fd its key.  @flows: see struct sgfw_flow_dev.  Context: process.
 * Return: 0, -ENOMEM, or -ENOSPC when every key is taken.
 */
int sgfw_flow_dev_init(struct sgfw_flow_ns *fns, struct sgfw_flow_dev *fd,
		       int __percpu *flows);

/*
 * sgfw_flow_dev_exit() - take @fd out of the registry.  Its flows are gone
 * (or go with the namespace); @fd may be freed after a grace period.
 * Context: process.
 */
void sgfw_flow_dev_exit(struct sgfw_flow_dev *fd);

/*
 * The registered device @f was seen on, or NULL once its configuration has
 * gone.  @fns: @f's namespace.  Context: RCU.
 */
struct sgfw_flow_dev *sgfw_flow_dev(struct sgfw_flow_ns *fns,
				    const struct sgfw_flow *f);

/*
 * The device @f was seen on, or 0 once its configuration has gone.
 * @fns: @f's namespace.  Context: RCU.
 */
int sgfw_flow_ifindex(struct sgfw_flow_ns *fns,
		      const struct sgfw_flow *f);

/*
 * Charge the namespace's flows to the memory cgroup of the current task,
 * if none is set yet.  Context: process, the configuration lock.
 */
void sgfw_flow_ns_set_memcg(struct sgfw_flow_ns *fns);

/*
 * The hash of the flow of @t seen on the device of key @key, computed once
 * for the lookup and the insert of a packet.  Context: any.
 */
u32 sgfw_flow_hash(u32 key, const struct sgfw_tuple *t);

/*
 * sgfw_flow_lookup() - the live flow a packet belongs to.
 * @hash: sgfw_flow_hash() of @key and @t.
 * @reply: set to true when @t runs opposite to the flow's opener.
 *
 * Context: rcu_read_lock().  The flow stays valid until rcu_read_unlock().
 * Return: the flow, or NULL (also for an expired one).
 */
struct sgfw_flow *sgfw_flow_lookup(u32 key, const struct sgfw_tuple *t,
				   u32 hash, bool *reply);

/*
 * sgfw_flow_create() - insert a new flow for @t, opened by @t's source.
 *
 * Counts against @fd's namespace.  If a live flow for @t exists already (another CPU
 * raced us), that one is returned and nothing is inserted.  Either way the
 * flow counts the opening packet (one packet, @init->len bytes).  A full
 * namespace first reclaims its expired flows, then evicts its oldest
 * unassured flow; an assured flow is never evicted.
 *
 * Context: rcu_read_lock(), any context (softirq); allocates GFP_NOWAIT.
 * Return: the flow, or ERR_PTR(-ENOSPC) when the namespace is at its limit
 * with nothing to reclaim or evict (@fns->exceeded grows), -EBUSY when
 * the line holds the most flows of the namespace it may
 * (@fns->bucket_full grows), -ENOMEM (@fns->nomem grows).
 */
struct sgfw_flow *sgfw_flow_create_ex(const struct sgfw_flow_dev *fd,
				      const struct sgfw_tuple *t, u32 hash,
				      const struct sgfw_flow_init *init,
				      bool *created);

/* sgfw_flow_create_ex() for a caller that need not know who inserted. */
static inline struct sgfw_flow *
sgfw_flow_create(const struct sgfw_flow_dev *fd, const struct sgfw_tuple *t,
		 u32 hash, const struct sgfw_flow_init *init)
{
	bool created;

	return sgfw_flow_create_ex(fd, t, hash, init, &created);
}

/*
 * Unlink and free @flow (its end event says flushed); nothing happens
 * when it is unlinked already.  Context: RCU, any context.
 */
void sgfw_flow_remove(struct sgfw_flow_ns *fns, struct sgfw_flow *flow);

/*
 * sgfw_flow_assured() - @flow became assured: it leaves the unassured
 * list for the wheel and can no longer be evicted.  Called once, by the
 * packet that set SGFW_FLOW_F_ASSURED.  @fns: its namespace's share.
 * Context: RCU, any context.
 */
void sgfw_flow_assured(struct sgfw_flow_ns *fns, struct sgfw_flow *flow);

/*
 * sgfw_flow_requeue() - @flow's deadline moved earlier (a state with a
 * shorter timeout): place it in the wheel slot of its deadline, so that
 * it is reaped on time.  @fns: its namespace's share.
 * Context: RCU, any context.
 */
void sgfw_flow_requeue(struct sgfw_flow_ns *fns, struct sgfw_flow *flow);

/*
 * Remove every flow of @fns's namespace (@fd NULL) or of device @fd, for
 * @reason (enum sgfw_end_reason, which their end events carry).  Flows
 * created while it runs may survive it: callers make sure that no packet
 * can create one (hooks gone, or a grace period after the device stopped
 * being filtered).
 * Context: process; may sleep.
 */
void sgfw_flowtable_flush(struct sgfw_flow_ns *fns,
			  const struct sgfw_flow_dev *fd, int reason);

/*
 * Remove the live flows of @fns's namespace that @match (called under RCU)
 * takes, or all of them when @match is NULL; return how many.
 * Context: process; may sleep.
 */
unsigned int sgfw_flowtable_flush_if(struct sgfw_flow_ns *fns,
				     bool (*match)(const struct sgfw_flow *f,
						   const void *arg),
				     const void *arg);

/*
 * Walk the live flows of @fns's namespace for a netlink dump, resuming at *@pos
 * (zeroed to start); @fn returns non-zero when it cannot take a flow
 * (message full): the walk stops and returns that value, and *@pos then
 * names that flow, so the next call starts with it.  Returns 0 when the
 * walk is complete.
 * Context: process, not under the RTNL; takes rcu_read_lock() itself and
 * calls @fn under it.
 */
int sgfw_flowtable_walk(const struct sgfw_flow_ns *fns,
			struct sgfw_flow_pos *pos,
			int (*fn)(const struct sgfw_flow *flow, bool first,
				  void *arg),
			void *arg);

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/*
 * The clock the table and the state machines read: jiffies, or, for the
 * KUnit suites, a clock they stop and move by hand.  The hooks below exist
 * only in a kernel built with the suites, never out of tree.
 */
unsigned long sgfw_flow_now(void);
void sgfw_flowtable_clock_set(unsigned long at);
void sgfw_flowtable_clock_real(void);
unsigned int sgfw_flowtable_size(void);
unsigned int sgfw_flowtable_bucket(u32 key, const struct sgfw_tuple *t);
unsigned int sgfw_flowtable_chain_max(void);
unsigned int sgfw_flowtable_line_slots(void);
unsigned int sgfw_flowtable_tag_bit(u32 key, const struct sgfw_tuple *t);
unsigned int sgfw_flowtable_tag(u32 key, const struct sgfw_tuple *t);
int sgfw_flowtable_slot_of(const struct sgfw_flow *f);
unsigned int sgfw_flowtable_filters_stale(void);
unsigned int sgfw_flowtable_cache_size(void);
void sgfw_flowtable_gc_pause(bool pause);
int sgfw_flowtable_resize(unsigned int size);
void sgfw_flowtable_resize_pause(bool pause);
unsigned int sgfw_flow_ns_gc_run(struct sgfw_flow_ns *fns);
#else
static inline unsigned long sgfw_flow_now(void)
{
	return jiffies;
}
#endif

#endif /* _SGFW_FLOWTABLE_H */
