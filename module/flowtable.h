/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection table: every flow sgfw tracks, in all namespaces.
 *
 * Like nf_conntrack, there is one hash table for the whole system and the
 * namespace is part of every key; counts and limits are per namespace
 * (struct sgfw_flow_ns).  A flow is found from a packet of either
 * direction: the key is the tuple with its two endpoints put in a fixed
 * order, so one entry serves both directions.
 *
 * Locking: lookups run under rcu_read_lock() and take no lock.  Inserts and
 * removals take the lock of the bucket.  Entries are freed through
 * call_rcu() after they are unlinked.  A flow's state word changes with
 * cmpxchg, its deadline and counters with plain stores and atomics.
 *
 * Expiry: each flow holds its deadline (jiffies).  An expired flow is
 * invisible to lookups at once, and a deferrable worker unlinks expired
 * entries in bounded slices of the table.
 *
 * Life cycle: sgfw_flowtable_init() before the pernet operations are
 * registered; the pernet exit of a namespace unregisters its hooks, then
 * calls sgfw_flowtable_flush(net, fns, 0); sgfw_flowtable_exit() after
 * the pernet operations are unregistered.  A flow never outlives its
 * namespace: the table reaches a flow's struct sgfw_flow_ns through
 * sgfw_pernet(flow->net), and @fns arguments must be that same one.
 */
#ifndef _SGFW_FLOWTABLE_H
#define _SGFW_FLOWTABLE_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/rculist.h>
#include <linux/types.h>

#include "types.h"

struct net;

/* Per-namespace accounting, embedded in struct sgfw_net. */
struct sgfw_flow_ns {
	atomic_t count;		/* flows in the table, expired or not */
	u32 limit;		/* READ_ONCE(); set by netlink */
	atomic64_t exceeded;	/* conntrack_allowance_exceeded */
};

/* struct sgfw_flow flags */
#define SGFW_FLOW_F_OPENER_EGRESS	BIT(0)	/* opened by an egress packet */
#define SGFW_FLOW_F_REPLIED		BIT(1)	/* seen a packet in reply */
#define SGFW_FLOW_F_DEAD		BIT(2)	/* unlinked, waiting for RCU */

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
		u8 spare;
	};
};

/*
 * struct sgfw_flow - one tracked flow.  120 bytes on 64-bit; the slab
 * object is as large (no cache-line alignment).
 * @node: in its bucket's chain; bucket lock.
 * @rcu: for call_rcu().
 * @net: the namespace; the flow never outlives it.
 * @t: the tuple of the packet that opened the flow (src is the opener).
 * @state: enum sgfw_flow_state; READ_ONCE().
 * @flags: SGFW_FLOW_F_*; READ_ONCE().
 * @pstate: per-protocol state (track.c): for UDP the number of direction
 *	changes seen, for an icmp query flow the type of the request.
 * @sw: @state, @flags and @pstate as one word (union sgfw_flow_sw); every
 *	change to any of them is an atomic_try_cmpxchg() on it.
 * @ifindex: the device it was seen on.
 * @deadline: jiffies when it expires; WRITE_ONCE/READ_ONCE.
 * @sg_id, @rule_id: what admitted it.
 * @packets, @bytes: both directions.
 */
struct sgfw_flow {
	struct hlist_node node;
	struct rcu_head rcu;
	const struct net *net;
	struct sgfw_tuple t;
	union {
		struct {
			u8 state;
			u8 flags;
			u8 pstate;
		};
		atomic_t sw;
	};
	int ifindex;
	unsigned long deadline;
	u32 sg_id;
	u32 rule_id;
	atomic64_t packets;
	atomic64_t bytes;
};

/*
 * What a new flow starts with.  sgfw_track_new() fills every field: the
 * caller then sets @sg_id, @rule_id and may add to @flags.
 * @pstate: the initial per-protocol state.
 * @len: the bytes of the packet that opens the flow, which the flow
 *	counts as its first packet.
 */
struct sgfw_flow_init {
	u8 state;
	u8 flags;
	u8 pstate;
	u32 sg_id;
	u32 rule_id;
	u32 len;
	unsigned long timeout;	/* jiffies from now */
};

int sgfw_flowtable_init(void);
void sgfw_flowtable_exit(void);

/*
 * sgfw_flow_lookup() - the live flow a packet belongs to.
 * @reply: set to true when @t runs opposite to the flow's opener.
 *
 * Context: rcu_read_lock().  The flow stays valid until rcu_read_unlock().
 * Return: the flow, or NULL (also for an expired one).
 */
struct sgfw_flow *sgfw_flow_lookup(const struct net *net, int ifindex,
				   const struct sgfw_tuple *t, bool *reply);

/*
 * sgfw_flow_create() - insert a new flow for @t, opened by @t's source.
 *
 * Counts against @fns.  If a live flow for @t exists already (another CPU
 * raced us), that one is returned and nothing is inserted.  Either way the
 * flow counts the opening packet (one packet, @init->len bytes).
 *
 * Context: rcu_read_lock(), any context (softirq); allocates GFP_ATOMIC.
 * Return: the flow, or ERR_PTR(-ENOSPC) when the namespace is at its
 * limit (and @fns->exceeded grows), -EBUSY when the chain is at its cap,
 * -ENOMEM.
 */
struct sgfw_flow *sgfw_flow_create(const struct net *net,
				   struct sgfw_flow_ns *fns, int ifindex,
				   const struct sgfw_tuple *t,
				   const struct sgfw_flow_init *init);

/*
 * Unlink and free @flow (e.g. on RST handling if wanted); nothing happens
 * when it is unlinked already.  Context: RCU, any context.
 */
void sgfw_flow_remove(struct sgfw_flow_ns *fns, struct sgfw_flow *flow);

/*
 * Remove every flow of @net (ifindex 0) or of one device of @net.  Flows
 * created while it runs may survive it.
 * Context: process; may sleep.
 */
void sgfw_flowtable_flush(const struct net *net, struct sgfw_flow_ns *fns,
			  int ifindex);

/*
 * Walk the live flows of @net for a netlink dump, resuming at *@pos
 * (0 to start: bucket index << 8 | position in its chain); @fn returns
 * non-zero when it cannot take a flow (message full): the walk stops and
 * returns that value, and *@pos then names that flow, so the next call
 * starts with it.  Returns 0 when the walk is complete.
 * Context: process; takes rcu_read_lock() itself and calls @fn under it.
 */
int sgfw_flowtable_walk(const struct net *net, unsigned long *pos,
			int (*fn)(const struct sgfw_flow *flow, void *arg),
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
unsigned int sgfw_flowtable_bucket(const struct net *net, int ifindex,
				   const struct sgfw_tuple *t);
unsigned int sgfw_flowtable_chain_max(void);
unsigned int sgfw_flowtable_cache_size(void);
void sgfw_flowtable_gc_stop(void);
void sgfw_flowtable_gc_start(void);
unsigned int sgfw_flowtable_gc_slice(bool *wrapped);
#else
static inline unsigned long sgfw_flow_now(void)
{
	return jiffies;
}
#endif

#endif /* _SGFW_FLOWTABLE_H */
