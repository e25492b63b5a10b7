// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table.
 *
 * One hash table of hlist_head buckets for every namespace, sized by the
 * hashsize parameter.  A flow is keyed by its namespace, device, family,
 * protocol and its two (address, port) endpoints in a fixed order, hashed
 * with siphash under a key drawn at boot, so a remote sender cannot aim at
 * one bucket.  Lookups walk a chain under RCU with no lock; inserts and
 * removals take one of SGFW_FT_LOCKS spinlocks, chosen by the bucket.  A
 * chain never grows past SGFW_FT_CHAIN_MAX flows: an insert past that is
 * refused, so that even a flood aimed at one bucket keeps lookups short.
 *
 * Why one reaper for the whole table and no timer per flow.  The goal is at
 * most 128 bytes per flow, its share of the bucket array included.  A struct
 * sgfw_flow is 120 bytes on x86_64, and the cache is created without
 * SLAB_HWCACHE_ALIGN, so its slab object is 120 bytes too (34 to a 4 KiB
 * page, 16 bytes left over); a bucket is 8 bytes, and with the default 65536
 * buckets and the default limit of 65536 flows in a namespace that is one
 * bucket per flow: 128 bytes, and half a byte of the page's leftover (the
 * KUnit case ft_flow_size prints the sizes of the build it runs in).  A
 * struct timer_list is 40 bytes on x86_64 (more with lockdep or debug
 * objects): with one, a flow would take 160 bytes and its slab object 160.  A
 * timer would also have to be re-armed on every packet that pushes the
 * deadline, taking a timer base lock in the packet path, and its callback
 * would race with every other way a flow goes away.  nf_conntrack made the
 * same trade in 2016 (commit f330a7fdbe16, "netfilter: conntrack: get rid of
 * conntrack timer"): a deadline in the entry, which lookups check so that an
 * expired flow is gone at once, and a deferrable worker that frees expired
 * entries a bounded slice of the table at a time.  The price is that an
 * expired flow keeps its memory, and its place in the namespace's count,
 * until the worker reaches its bucket, or an insert into its bucket reaps it
 * first.
 */

#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/net_debug.h>
#include <net/netns/hash.h>

#include "flowtable.h"
#include "netns.h"

/* Bucket locks, a power of two; bucket b takes lock b & (SGFW_FT_LOCKS - 1). */
#define SGFW_FT_LOCKS		1024
/* Live flows in one chain past which an insert is refused. */
#define SGFW_FT_CHAIN_MAX	64
#define SGFW_FT_MIN_SIZE	256U
#define SGFW_FT_MAX_SIZE	16777216U	/* 2^24 */
/* A walk position: bucket << SGFW_FT_POS_SHIFT | position in its chain. */
#define SGFW_FT_POS_SHIFT	8
/*
 * Buckets the reaper scans per run, and the time between two of its runs:
 * a whole pass over the default table takes 64 runs, 8 s.
 */
#define SGFW_GC_SLICE		1024
#define SGFW_GC_INTERVAL	(HZ / 8)
/* A run that freed this many flows is followed by the next one at once. */
#define SGFW_GC_BUSY		256

static unsigned int hashsize = 65536;
module_param(hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "buckets of the flow table, a power of two (default 65536)");

/*
 * The table.  Everything but the locks and the reaper's cursor is set by
 * sgfw_flowtable_init() and read-only until sgfw_flowtable_exit().
 */
static struct {
	struct hlist_head *buckets;
	unsigned int mask;		/* buckets - 1 */
	siphash_key_t key;
	struct kmem_cache *cache;
} sgfw_ft __read_mostly;

static struct delayed_work sgfw_gc_work;
/* Only the reaper's slices read and write it, one at a time. */
static unsigned int sgfw_gc_next;

static spinlock_t sgfw_ft_locks[SGFW_FT_LOCKS];

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/* A clock the KUnit suites stop and move by hand. */
static bool sgfw_clock_frozen;
static unsigned long sgfw_clock_at;
#endif

/* The hash input: a tuple with its endpoints in a fixed order. */
struct sgfw_ft_hkey {
	union sgfw_addr lo;
	union sgfw_addr hi;
	__be16 lo_port;
	__be16 hi_port;
	u32 net_mix;
	s32 ifindex;
	u8 af;
	u8 proto;
	u16 zero;
} __aligned(SIPHASH_ALIGNMENT);

static bool sgfw_addr_eq(u8 af, const union sgfw_addr *a,
			 const union sgfw_addr *b)
{
	if (af == SGFW_AF_INET)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->in6, &b->in6);
}

/* Copy @a, with the unused words of an IPv4 address cleared. */
static void sgfw_addr_copy(u8 af, union sgfw_addr *to,
			   const union sgfw_addr *a)
{
	if (af == SGFW_AF_INET) {
		memset(to, 0, sizeof(*to));
		to->ip = a->ip;
	} else {
		*to = *a;
	}
}

static unsigned int sgfw_ft_hash(const struct net *net, int ifindex,
				 const struct sgfw_tuple *t)
{
	struct sgfw_ft_hkey k;
	bool flip;
	int c;

	memset(&k, 0, sizeof(k));
	sgfw_addr_copy(t->af, &k.lo, &t->src);
	sgfw_addr_copy(t->af, &k.hi, &t->dst);
	c = memcmp(&k.lo, &k.hi, sizeof(k.lo));
	flip = c > 0 || (!c && ntohs(t->sport) > ntohs(t->dport));
	if (flip) {
		swap(k.lo, k.hi);
		k.lo_port = t->dport;
		k.hi_port = t->sport;
	} else {
		k.lo_port = t->sport;
		k.hi_port = t->dport;
	}
	k.net_mix = net_hash_mix(net);
	k.ifindex = ifindex;
	k.af = t->af;
	k.proto = t->proto;
	return (u32)siphash(&k, sizeof(k), &sgfw_ft.key) & sgfw_ft.mask;
}

static spinlock_t *sgfw_ft_lock(unsigned int bucket)
{
	return &sgfw_ft_locks[bucket & (SGFW_FT_LOCKS - 1)];
}

/* Does @f carry @t, in its own direction or (*@reply) the other one? */
static bool sgfw_flow_match(const struct sgfw_flow *f, const struct net *net,
			    int ifindex, const struct sgfw_tuple *t,
			    bool *reply)
{
	const struct sgfw_tuple *ft = &f->t;

	if (f->net != net || f->ifindex != ifindex || ft->af != t->af ||
	    ft->proto != t->proto)
		return false;
	if (ft->sport == t->sport && ft->dport == t->dport &&
	    sgfw_addr_eq(t->af, &ft->src, &t->src) &&
	    sgfw_addr_eq(t->af, &ft->dst, &t->dst)) {
		*reply = false;
		return true;
	}
	if (ft->sport == t->dport && ft->dport == t->sport &&
	    sgfw_addr_eq(t->af, &ft->src, &t->dst) &&
	    sgfw_addr_eq(t->af, &ft->dst, &t->src)) {
		*reply = true;
		return true;
	}
	return false;
}

static bool sgfw_flow_expired(const struct sgfw_flow *f, unsigned long now)
{
	return !time_before(now, READ_ONCE(f->deadline));
}

static struct sgfw_flow_ns *sgfw_flow_ns_of(const struct net *net)
{
	return &sgfw_pernet(net)->flows;
}

static void sgfw_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(sgfw_ft.cache, container_of(head, struct sgfw_flow,
						    rcu));
}

/*
 * Take @f off its chain and give it back after a grace period.  Readers
 * that are on it may finish their walk: hlist_del_init_rcu() leaves its
 * next pointer alone.  The DEAD flag goes in with a cmpxchg because
 * sgfw_track_packet() may be changing the state word at the same time.
 */
static void __sgfw_flow_unlink(struct sgfw_flow *f, unsigned int b)
{
	union sgfw_flow_sw old, new;

	lockdep_assert_held(sgfw_ft_lock(b));
	hlist_del_init_rcu(&f->node);
	old.word = atomic_read(&f->sw);
	do {
		new = old;
		new.flags |= SGFW_FLOW_F_DEAD;
	} while (!atomic_try_cmpxchg(&f->sw, &old.word, new.word));
	call_rcu(&f->rcu, sgfw_flow_free_rcu);
}

/* Unlink @f, of bucket @b, and take it off its namespace's count. */
static void sgfw_flow_unlink(struct sgfw_flow *f, unsigned int b,
			     struct sgfw_flow_ns *fns)
{
	__sgfw_flow_unlink(f, b);
	atomic_dec(&fns->count);
}

/* Unlink the expired flows of bucket @b. */
static unsigned int sgfw_ft_reap_chain(unsigned int b, unsigned long now)
{
	struct hlist_node *tmp;
	struct sgfw_flow *f;
	unsigned int n = 0;

	lockdep_assert_held(sgfw_ft_lock(b));
	hlist_for_each_entry_safe(f, tmp, &sgfw_ft.buckets[b], node) {
		if (sgfw_flow_expired(f, now)) {
			sgfw_flow_unlink(f, b, sgfw_flow_ns_of(f->net));
			n++;
		}
	}
	return n;
}

static bool sgfw_ft_chain_has_expired(struct hlist_head *head,
				      unsigned long now)
{
	struct sgfw_flow *f;

	hlist_for_each_entry_rcu(f, head, node)
		if (sgfw_flow_expired(f, now))
			return true;
	return false;
}

/*
 * Walk bucket @b before an insert: unlink its expired flows, and find the
 * live flow of @t if there is one; else *@len is the number of flows in
 * the chain and *@last the last of them.
 */
static struct sgfw_flow *sgfw_ft_scan(unsigned int b, unsigned long now,
				      const struct net *net, int ifindex,
				      const struct sgfw_tuple *t,
				      unsigned int *len,
				      struct sgfw_flow **last)
{
	struct hlist_node *tmp;
	struct sgfw_flow *f;
	bool rev;

	lockdep_assert_held(sgfw_ft_lock(b));
	*len = 0;
	*last = NULL;
	hlist_for_each_entry_safe(f, tmp, &sgfw_ft.buckets[b], node) {
		if (sgfw_flow_expired(f, now)) {
			sgfw_flow_unlink(f, b, sgfw_flow_ns_of(f->net));
			continue;
		}
		if (sgfw_flow_match(f, net, ifindex, t, &rev))
			return f;
		(*len)++;
		*last = f;
	}
	return NULL;
}

static bool sgfw_flow_ns_full(struct sgfw_flow_ns *fns)
{
	return (u32)atomic_read(&fns->count) >= READ_ONCE(fns->limit);
}

/**
 * sgfw_flow_lookup() - the live flow a packet belongs to.
 * @net: the namespace of the packet.
 * @ifindex: the device it is seen on.
 * @t: its tuple.
 * @reply: set to true when @t runs opposite to the flow's opener.
 *
 * Context: rcu_read_lock().  The flow stays valid until rcu_read_unlock().
 * Return: the flow, or NULL (also for an expired one).
 */
struct sgfw_flow *sgfw_flow_lookup(const struct net *net, int ifindex,
				   const struct sgfw_tuple *t, bool *reply)
{
	unsigned int b = sgfw_ft_hash(net, ifindex, t);
	unsigned long now = sgfw_flow_now();
	struct sgfw_flow *f;
	bool rev;

	hlist_for_each_entry_rcu(f, &sgfw_ft.buckets[b], node) {
		if (!sgfw_flow_match(f, net, ifindex, t, &rev))
			continue;
		/*
		 * An expired flow may still share the chain with the new
		 * flow of the same tuple, until the reaper comes by.
		 */
		if (sgfw_flow_expired(f, now) ||
		    (READ_ONCE(f->flags) & SGFW_FLOW_F_DEAD))
			continue;
		*reply = rev;
		return f;
	}
	return NULL;
}

/**
 * sgfw_flow_create() - insert a new flow for @t, opened by @t's source.
 * @net: the namespace of the packet.
 * @fns: the accounting of @net.
 * @ifindex: the device it is seen on.
 * @t: its tuple.
 * @init: what the flow starts with.
 *
 * Counts against @fns.  If a live flow for @t exists already (another CPU
 * raced us), that one is returned and nothing is inserted.  Either way the
 * flow counts the opening packet.  Expired flows of the bucket are reaped
 * first, so that they neither fill the chain nor the namespace.  A flow
 * that lives is never evicted to make room.
 *
 * Context: rcu_read_lock(), any context; allocates GFP_ATOMIC.
 * Return: the flow, or ERR_PTR(-ENOSPC) when the namespace is at its
 * limit (and @fns->exceeded grows), -EBUSY when the chain is at its cap,
 * -ENOMEM.
 */
struct sgfw_flow *sgfw_flow_create(const struct net *net,
				   struct sgfw_flow_ns *fns, int ifindex,
				   const struct sgfw_tuple *t,
				   const struct sgfw_flow_init *init)
{
	unsigned int b = sgfw_ft_hash(net, ifindex, t);
	spinlock_t *lock = sgfw_ft_lock(b);
	unsigned long now = sgfw_flow_now();
	struct sgfw_flow *f = NULL, *old, *last;
	union sgfw_flow_sw sw = {};
	unsigned int len;

	DEBUG_NET_WARN_ON_ONCE(fns != sgfw_flow_ns_of(net));

	/*
	 * A full namespace gets no allocation; room can come only from its
	 * expired flows, and those of this bucket are freed here and now.
	 */
	if (sgfw_flow_ns_full(fns)) {
		spin_lock_bh(lock);
		old = sgfw_ft_scan(b, now, net, ifindex, t, &len, &last);
		if (old)
			goto exists;
		spin_unlock_bh(lock);
		if (sgfw_flow_ns_full(fns))
			goto err_full;
	}

	f = kmem_cache_alloc(sgfw_ft.cache, GFP_ATOMIC);
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->net = net;
	f->t.af = t->af;
	f->t.proto = t->proto;
	sgfw_addr_copy(t->af, &f->t.src, &t->src);
	sgfw_addr_copy(t->af, &f->t.dst, &t->dst);
	f->t.sport = t->sport;
	f->t.dport = t->dport;
	sw.state = init->state;
	sw.flags = init->flags & ~SGFW_FLOW_F_DEAD;
	sw.pstate = init->pstate;
	atomic_set(&f->sw, sw.word);
	f->ifindex = ifindex;
	f->deadline = now + init->timeout;
	f->sg_id = init->sg_id;
	f->rule_id = init->rule_id;
	atomic64_set(&f->packets, 1);
	atomic64_set(&f->bytes, init->len);

	spin_lock_bh(lock);
	old = sgfw_ft_scan(b, now, net, ifindex, t, &len, &last);
	if (old)
		goto exists;
	if (len >= SGFW_FT_CHAIN_MAX) {
		spin_unlock_bh(lock);
		kmem_cache_free(sgfw_ft.cache, f);
		net_warn_ratelimited("flow table bucket %u holds %u flows, new flow refused\n",
				     b, len);
		return ERR_PTR(-EBUSY);
	}
	if ((u32)atomic_inc_return(&fns->count) > READ_ONCE(fns->limit)) {
		atomic_dec(&fns->count);
		spin_unlock_bh(lock);
		kmem_cache_free(sgfw_ft.cache, f);
		goto err_full;
	}
	/*
	 * At the tail, so that a dump that resumes at a position in this
	 * chain never sees a flow twice.
	 */
	if (last)
		hlist_add_behind_rcu(&f->node, &last->node);
	else
		hlist_add_head_rcu(&f->node, &sgfw_ft.buckets[b]);
	spin_unlock_bh(lock);
	return f;

exists:
	atomic64_inc(&old->packets);
	atomic64_add(init->len, &old->bytes);
	spin_unlock_bh(lock);
	if (f)
		kmem_cache_free(sgfw_ft.cache, f);
	return old;

err_full:
	atomic64_inc(&fns->exceeded);
	net_warn_ratelimited("flow limit %u of a namespace reached, new flows dropped\n",
			     READ_ONCE(fns->limit));
	return ERR_PTR(-ENOSPC);
}

/**
 * sgfw_flow_remove() - unlink and free a flow.
 * @fns: the accounting of the flow's namespace.
 * @flow: the flow; nothing happens when it is unlinked already.
 *
 * Context: rcu_read_lock(), any context.
 */
void sgfw_flow_remove(struct sgfw_flow_ns *fns, struct sgfw_flow *flow)
{
	unsigned int b = sgfw_ft_hash(flow->net, flow->ifindex, &flow->t);
	spinlock_t *lock = sgfw_ft_lock(b);

	DEBUG_NET_WARN_ON_ONCE(fns != sgfw_flow_ns_of(flow->net));
	spin_lock_bh(lock);
	/* The reaper, a flush or another CPU may have been first. */
	if (!hlist_unhashed(&flow->node))
		sgfw_flow_unlink(flow, b, fns);
	spin_unlock_bh(lock);
}

static bool sgfw_flow_flushed(const struct sgfw_flow *f, const struct net *net,
			      int ifindex)
{
	return f->net == net && (!ifindex || f->ifindex == ifindex);
}

/**
 * sgfw_flowtable_flush() - remove the flows of a namespace or a device.
 * @net: the namespace.
 * @fns: its accounting.
 * @ifindex: a device of @net, or 0 for all of them.
 *
 * Every flow unlinked here leaves @fns's count, so a flush of a namespace
 * whose hooks are gone leaves it at 0.  Flows created while it runs may
 * survive it.
 *
 * Context: process; may sleep.
 */
void sgfw_flowtable_flush(const struct net *net, struct sgfw_flow_ns *fns,
			  int ifindex)
{
	unsigned int b, size = sgfw_ft.mask + 1;
	struct hlist_node *tmp;
	struct sgfw_flow *f;
	bool found;

	might_sleep();
	DEBUG_NET_WARN_ON_ONCE(fns != sgfw_flow_ns_of(net));
	for (b = 0; b < size; b++) {
		/* Most chains hold nothing of @net: look before locking. */
		found = false;
		rcu_read_lock();
		hlist_for_each_entry_rcu(f, &sgfw_ft.buckets[b], node) {
			if (sgfw_flow_flushed(f, net, ifindex)) {
				found = true;
				break;
			}
		}
		rcu_read_unlock();

		if (found) {
			spin_lock_bh(sgfw_ft_lock(b));
			hlist_for_each_entry_safe(f, tmp, &sgfw_ft.buckets[b],
						  node)
				if (sgfw_flow_flushed(f, net, ifindex))
					sgfw_flow_unlink(f, b, fns);
			spin_unlock_bh(sgfw_ft_lock(b));
		}
		if ((b & (SGFW_GC_SLICE - 1)) == SGFW_GC_SLICE - 1)
			cond_resched();
	}
}

/**
 * sgfw_flowtable_walk() - call @fn for every live flow of a namespace.
 * @net: the namespace.
 * @pos: where to start (0 at first), and where the next call starts.
 * @fn: takes one flow; returns non-zero when it cannot (message full).
 * @arg: for @fn.
 *
 * *@pos is a bucket and a position in its chain.  New flows join a chain
 * at its tail, so a resumed walk never returns a flow twice; a flow that
 * leaves a chain ahead of the position makes the walk skip one flow of
 * that chain, as any netlink dump of a changing table may.
 *
 * Context: process; takes rcu_read_lock() itself and calls @fn under it.
 * Return: 0 when the walk is complete, else what @fn returned, and then
 * *@pos names the flow @fn could not take.
 */
int sgfw_flowtable_walk(const struct net *net, unsigned long *pos,
			int (*fn)(const struct sgfw_flow *flow, void *arg),
			void *arg)
{
	unsigned int size = sgfw_ft.mask + 1;
	unsigned int b = *pos >> SGFW_FT_POS_SHIFT;
	unsigned int skip = *pos & (BIT(SGFW_FT_POS_SHIFT) - 1);
	unsigned long now = sgfw_flow_now();
	const struct sgfw_flow *f;
	unsigned int i;
	int err;

	for (; b < size; b++, skip = 0) {
		i = 0;
		rcu_read_lock();
		hlist_for_each_entry_rcu(f, &sgfw_ft.buckets[b], node) {
			if (i++ < skip || f->net != net ||
			    sgfw_flow_expired(f, now) ||
			    (READ_ONCE(f->flags) & SGFW_FLOW_F_DEAD))
				continue;
			err = fn(f, arg);
			if (err) {
				rcu_read_unlock();
				*pos = (unsigned long)b << SGFW_FT_POS_SHIFT |
				       (i - 1);
				return err;
			}
		}
		rcu_read_unlock();
		if ((b & (SGFW_GC_SLICE - 1)) == SGFW_GC_SLICE - 1)
			cond_resched();
	}
	*pos = (unsigned long)size << SGFW_FT_POS_SHIFT;
	return 0;
}

/*
 * One run of the reaper: the next SGFW_GC_SLICE buckets.  Chains are read
 * under RCU first, and only one with an expired flow is locked.
 * Return: the flows freed; *@wrapped (if not NULL) tells whether the run
 * reached the end of the table, so that the next one starts a new pass.
 */
static unsigned int __sgfw_flowtable_gc_slice(bool *wrapped)
{
	unsigned int b = sgfw_gc_next, size = sgfw_ft.mask + 1;
	unsigned int end = min(b + SGFW_GC_SLICE, size);
	unsigned long now = sgfw_flow_now();
	unsigned int reaped = 0;

	rcu_read_lock();
	for (; b < end; b++) {
		if (!sgfw_ft_chain_has_expired(&sgfw_ft.buckets[b], now))
			continue;
		spin_lock_bh(sgfw_ft_lock(b));
		reaped += sgfw_ft_reap_chain(b, now);
		spin_unlock_bh(sgfw_ft_lock(b));
	}
	rcu_read_unlock();
	sgfw_gc_next = end < size ? end : 0;
	if (wrapped)
		*wrapped = !sgfw_gc_next;
	return reaped;
}

static void sgfw_gc_worker(struct work_struct *work)
{
	unsigned int reaped = __sgfw_flowtable_gc_slice(NULL);

	/*
	 * Deferrable: an idle CPU is not woken for it, and expired flows are
	 * invisible anyway.  Go on at once while there is much to free.
	 */
	queue_delayed_work(system_power_efficient_wq, &sgfw_gc_work,
			   reaped >= SGFW_GC_BUSY ? 1 : SGFW_GC_INTERVAL);
}

/**
 * sgfw_flowtable_init() - allocate the table and start the reaper.
 *
 * Context: process, module init.
 * Return: 0 or -ENOMEM.
 */
int sgfw_flowtable_init(void)
{
	unsigned int size = hashsize, i;

	/* The memory goal per flow; see the top of this file. */
	BUILD_BUG_ON(sizeof(struct sgfw_flow) > 120);
	BUILD_BUG_ON(sizeof(union sgfw_flow_sw) != sizeof(atomic_t));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, flags) -
		     offsetof(struct sgfw_flow, state) !=
		     offsetof(union sgfw_flow_sw, flags));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, pstate) -
		     offsetof(struct sgfw_flow, state) !=
		     offsetof(union sgfw_flow_sw, pstate));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, sw) !=
		     offsetof(struct sgfw_flow, state));
	/* A chain position must fit in a walk position. */
	BUILD_BUG_ON(BIT(SGFW_FT_POS_SHIFT) <= SGFW_FT_CHAIN_MAX);
	BUILD_BUG_ON(!is_power_of_2(SGFW_FT_LOCKS));

	size = clamp(size, SGFW_FT_MIN_SIZE, SGFW_FT_MAX_SIZE);
	size = roundup_pow_of_two(size);
	if (size != hashsize) {
		pr_warn("hashsize %u is not a power of two from %u to %u: using %u\n",
			hashsize, SGFW_FT_MIN_SIZE, SGFW_FT_MAX_SIZE, size);
		hashsize = size;
	}

	sgfw_ft.buckets = kvcalloc(size, sizeof(*sgfw_ft.buckets), GFP_KERNEL);
	if (!sgfw_ft.buckets)
		return -ENOMEM;
	sgfw_ft.mask = size - 1;

	/* No SLAB_HWCACHE_ALIGN: it would round 120 bytes up to 128. */
	sgfw_ft.cache = kmem_cache_create("sgfw_flow", sizeof(struct sgfw_flow),
					  0, 0, NULL);
	if (!sgfw_ft.cache) {
		kvfree(sgfw_ft.buckets);
		return -ENOMEM;
	}

	get_random_bytes(&sgfw_ft.key, sizeof(sgfw_ft.key));
	for (i = 0; i < SGFW_FT_LOCKS; i++)
		spin_lock_init(&sgfw_ft_locks[i]);
	sgfw_gc_next = 0;

	INIT_DEFERRABLE_WORK(&sgfw_gc_work, sgfw_gc_worker);
	queue_delayed_work(system_power_efficient_wq, &sgfw_gc_work,
			   SGFW_GC_INTERVAL);
	return 0;
}

/**
 * sgfw_flowtable_exit() - free the table.
 *
 * The order: (1) stop the reaper and wait for a run in progress, so nothing
 * but this function touches the table; (2) unlink every flow left and
 * hand it to call_rcu() (none is left when every namespace flushed its
 * flows in its pernet exit; the namespaces are gone, so there is no count
 * to keep); (3) rcu_barrier(), which waits for the callbacks of every flow
 * freed so far, here and before, so that (4) the cache is empty when it is
 * destroyed; (5) free the buckets.  Frees go through call_rcu() with a
 * callback of this module rather than kfree_rcu(): on 6.1, rcu_barrier()
 * does not wait for kfree_rcu()'s batches (kvfree_rcu_barrier() appeared
 * in 6.12), and the cache must not be destroyed under them.
 *
 * Context: process, module exit, after the pernet operations are gone.
 */
void sgfw_flowtable_exit(void)
{
	unsigned int b, size = sgfw_ft.mask + 1, left = 0;
	struct hlist_node *tmp;
	struct sgfw_flow *f;

	cancel_delayed_work_sync(&sgfw_gc_work);

	for (b = 0; b < size; b++) {
		spin_lock_bh(sgfw_ft_lock(b));
		hlist_for_each_entry_safe(f, tmp, &sgfw_ft.buckets[b], node) {
			__sgfw_flow_unlink(f, b);
			left++;
		}
		spin_unlock_bh(sgfw_ft_lock(b));
	}
	if (left)
		pr_warn("%u flows outlived their namespaces\n", left);

	rcu_barrier();
	kmem_cache_destroy(sgfw_ft.cache);
	kvfree(sgfw_ft.buckets);
}

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/* Hooks for the KUnit suites (tests/kunit/flowtable_test.c). */

unsigned long sgfw_flow_now(void)
{
	if (READ_ONCE(sgfw_clock_frozen))
		return READ_ONCE(sgfw_clock_at);
	return jiffies;
}

/* Stop the table's clock at @at, or move it there. */
void sgfw_flowtable_clock_set(unsigned long at)
{
	WRITE_ONCE(sgfw_clock_at, at);
	WRITE_ONCE(sgfw_clock_frozen, true);
}

/* Back to jiffies. */
void sgfw_flowtable_clock_real(void)
{
	WRITE_ONCE(sgfw_clock_frozen, false);
}

unsigned int sgfw_flowtable_size(void)
{
	return sgfw_ft.mask + 1;
}

unsigned int sgfw_flowtable_bucket(const struct net *net, int ifindex,
				   const struct sgfw_tuple *t)
{
	return sgfw_ft_hash(net, ifindex, t);
}

unsigned int sgfw_flowtable_chain_max(void)
{
	return SGFW_FT_CHAIN_MAX;
}

unsigned int sgfw_flowtable_cache_size(void)
{
	return kmem_cache_size(sgfw_ft.cache);
}

/* Stop the reaper, so that a test runs its slices itself. */
void sgfw_flowtable_gc_stop(void)
{
	cancel_delayed_work_sync(&sgfw_gc_work);
}

void sgfw_flowtable_gc_start(void)
{
	queue_delayed_work(system_power_efficient_wq, &sgfw_gc_work,
			   SGFW_GC_INTERVAL);
}

/* One run of the reaper, as its worker does it; the reaper is stopped. */
unsigned int sgfw_flowtable_gc_slice(bool *wrapped)
{
	return __sgfw_flowtable_gc_slice(wrapped);
}
#endif
