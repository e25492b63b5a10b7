// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table.
 *
 * One hash table for every namespace, made of lines (struct sgfw_line):
 * one cache line each, seven slots for flows and the head of an overflow
 * chain for the flows that come while the seven are taken.  Its size is
 * counted in buckets, the unit of the hashsize parameter and of
 * nf_conntrack's buckets: a table of N buckets (a power of two) has 11N/32
 * lines.  It doubles while it holds more than two flows per bucket (5.8
 * per line) and halves (never below hashsize) when it holds less than one
 * per eight, moving its flows in the background without stopping readers
 * or writers (sgfw_ft_rehash(), as rhashtable does).  A flow is keyed
 * by its device's key (which names the namespace too: struct
 * sgfw_flow_dev), family, protocol and its two (address, port)
 * endpoints in a fixed order, hashed with hsiphash (SipHash-1-3 on 64-bit
 * machines: the kernel's keyed hash for hashtables; an IPv4 key is four
 * words, sgfw_flow_hash() says how) under a key drawn at boot, so a
 * remote sender cannot aim at one line.  The high bits of the hash choose
 * the line, by multiplication ((u64)hash * lines >> 32, which needs no
 * power of two), the low bits are the flow's tag.  Lookups read a line
 * under RCU with no lock; inserts and removals take one of at most
 * SGFW_FT_LOCKS spinlocks, chosen by the high bits of the hash in the
 * same way (sgfw_ft_lock()): as every size of the table has a whole
 * number of lines per lock, a flow takes the same lock whatever the size,
 * and a resize moves a flow from one line to another under that one lock.
 *
 * Why lines.  At a million flows a lookup costs what it misses in the
 * cache (each miss usually a TLB miss too: README, Performance).  With a
 * chain of flows per bucket, a packet of a known flow read the bucket and
 * nearly two flows on average, its own and those before it.  A slot holds
 * a flow's pointer with four more bits of the flow's hash in its low bits
 * (flows are 16-byte aligned in their cache): a lookup reads the line,
 * compares the tags of its slots, dereferences only the slots whose tag is
 * its own (one in sixteen of the others) and walks the overflow chain only
 * when the line has one.  A packet of a known flow so reads its line and
 * its flow, and a flow of another tag only one time in sixteen; at a
 * million flows in 524288 buckets (5.5 per line) 7% of the flows are in an
 * overflow chain, behind 1.9 others on average.
 *
 * A line takes no more than SGFW_FT_CHAIN_MAX flows of one namespace, its
 * slots' and its chain's: an insert past that is refused and counted, so
 * that even a flood aimed at one line keeps lookups short (seven tags and
 * a chain of SGFW_FT_CHAIN_MAX - 7 flows per namespace), and one
 * namespace's flood never refuses another namespace's flows.  The chain
 * is a single pointer per flow, as in rhashtable: removal finds the link
 * that points at the flow by walking it under the bucket lock, and leaves
 * the flow's own @next alone, so a reader standing on it walks on.  A
 * chain ends in a "nulls" marker (as in rhashtable and nf_conntrack's
 * hlist_nulls): the address of its own line with bit 0 set, so that a
 * reader whom a resize carried into another chain knows it, and walks its
 * own again.  A flow is never moved between a slot and the chain of its
 * line: a reader that looked at the slots and then at the chain would
 * miss it.
 *
 * Why 112 bytes, and no timer per flow.  The goal is at most 128 bytes per
 * flow, its share of the lines included.  A struct sgfw_flow is 112
 * bytes on x86_64 (deadline and start time in 32 bits each; namespace and
 * device in one 32-bit key, not a pointer and an ifindex), and the cache
 * is created without SLAB_HWCACHE_ALIGN but 16-byte aligned, which 112
 * is, so its slab object is 112 bytes too (36 to a 4 KiB page, 113.8 bytes
 * each); a line is 64 bytes and its filter word (below) two more, 22.7
 * bytes per bucket: 11.3 bytes per flow at two flows per bucket, 11.9 at a
 * million flows in 524288 buckets (125.7 in all), 22.7 just after the
 * table doubled (the KUnit case ft_flow_size prints the sizes of the build
 * it runs in).  Fewer lines would overflow more often: at seven flows a
 * line, one flow in seven would be in a chain (at 5.8, the growth point,
 * one in twelve).
 * A struct timer_list is 40 bytes on x86_64: with one, a flow would take
 * 152.  A timer would also have to be re-armed by every packet that
 * pushes the deadline, taking a timer base lock in the packet path.
 * nf_conntrack made the same trade in 2016 (commit f330a7fdbe16,
 * "netfilter: conntrack: get rid of conntrack timer"): a deadline in the
 * entry, which lookups check so that an expired flow is gone at once, and
 * a worker that frees expired entries.
 *
 * The line filter.  A packet that opens a flow looks it up first, and a
 * line that is not in the cache would cost it a miss to learn that its
 * flow is not there.  Each line has a filter byte beside the lines, the
 * union of one bit per flow in it, chosen by the low three bits of the
 * flow's tag.  A lookup whose bit is clear knows the flow is not there
 * without reading the line: it prefetches the line for the insert and
 * goes on to the rules while the line comes.  The filters (two bytes per
 * 64-byte line, with the slot bits below) stay in cache far better than
 * the lines do; a lookup that finds its flow reads its filter while its
 * line comes.  A filter only ever gains bits before the flow that needs
 * them is linked, and is made exact again (sgfw_line_bits()) under the
 * bucket lock after a flow leaves; so a clear bit is never wrong, and an
 * empty filter says that the line holds nothing.  Beside each filter byte
 * a second one says which slots hold a flow, for inserts: one whose bit
 * is clear in the filter takes a free slot without reading the line (the
 * store does not wait for it).
 *
 * Expiry and eviction, per namespace (struct sgfw_flow_ns).  Every flow is
 * on one of two lists of its namespace, through @lru (which shares its
 * bytes with @rcu, used only once the flow is off both):
 * - the unassured list, oldest first: flows that are not yet assured
 *   (SGFW_FLOW_F_ASSURED: track.c decides, as nf_conntrack does, when a
 *   flow has shown that both of its ends exist).  When the namespace is
 *   full, a new flow evicts the oldest of them (nf_conntrack's early drop,
 *   which also spares only assured flows), so that a flood of spoofed
 *   openers, even ones the host answers (a SYN flood), cannot lock
 *   legitimate connections out while any of its own flows is there to
 *   evict.
 * - the wheel: SGFW_WHEEL_SLOTS lists, one per tick of about a second; a
 *   flow sits in the slot of its deadline as it was when it was placed.
 *   Packets push deadlines later without moving the flow (no lock in the
 *   packet path); when a slot's tick has passed, the reaper frees the flows
 *   that did expire and places the others again by their deadline.  A flow
 *   is so touched about once per timeout (or per SGFW_WHEEL_SLOTS ticks for
 *   long ones), and the reaper's work is the number of flows due, whatever
 *   the size of the table.  A state with a shorter timeout (a TCP close)
 *   places its flow again at once (sgfw_flow_requeue()).
 * A namespace at its limit reclaims its due flows itself before it evicts
 * or refuses (sgfw_flow_ns_make_room()), so flows that have expired never
 * keep it full.
 *
 * Lock order: a bucket lock, then a namespace's lock.  The reaper and the
 * eviction hold the namespace's lock and only try a flow's bucket lock; a
 * flow whose bucket is busy is left for the next round.
 */

#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/cache.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu_counter.h>
#include <linux/prefetch.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>
#include <net/net_debug.h>

#include "../uapi/linux/sgfw.h"
#include "config.h"
#include "events.h"
#include "flowtable.h"
#include "netns.h"

/*
 * Bucket locks: SGFW_FT_LOCKS or fewer (sgfw_ft.nlocks), each the lock of
 * a run of lines.  Flow of hash h takes lock (u64)h * nlocks >> 32; every
 * size of the table has a multiple of nlocks lines, so that lock's lines
 * are the ones its flows go to in any size, and a resize moves a flow from
 * one line to another under that one lock.
 */
#define SGFW_FT_LOCKS		1024
/* Live flows of one namespace in one line past which an insert is refused. */
#define SGFW_FT_CHAIN_MAX	64
/* Flows a line holds in its slots (struct sgfw_line). */
#define SGFW_LINE_SLOTS		7
/*
 * A slot's tag bits: the low bits of a flow's address, which its cache
 * aligns to SGFW_FT_TAG_MASK + 1 bytes.
 */
#define SGFW_FT_TAG_MASK	15UL
/* A table of N buckets has N / SGFW_FT_LINE_DIV * SGFW_FT_LINE_MUL lines. */
#define SGFW_FT_LINE_MUL	11
#define SGFW_FT_LINE_DIV	32
#define SGFW_FT_MIN_SIZE	256U
#define SGFW_FT_MAX_SIZE	16777216U	/* 2^24 */
/* The table doubles past this many flows per bucket... */
#define SGFW_FT_GROW_LOAD	2
/* ...and halves, down to hashsize, below one flow in this many buckets. */
#define SGFW_FT_SHRINK_LOAD	8
/* The reaper of a namespace runs this often while it has flows. */
#define SGFW_GC_INTERVAL	(HZ / 8)
/* Flows the reaper handles in one run (and at once after a run that hit it). */
#define SGFW_GC_BUDGET		1024
/* Due flows a new flow of a full namespace looks at before it evicts one. */
#define SGFW_RECLAIM_BUDGET	64
/* Unassured flows it looks at before it gives up on evicting one. */
#define SGFW_EVICT_TRIES	8
/* The end reason of a flow that timed out: closed or expired, by its state. */
#define SGFW_END_TIMED		(-1)

static unsigned int hashsize = 65536;
static unsigned int hashsize_max = SGFW_FT_MAX_SIZE;

/*
 * struct sgfw_line - a line of the table, one cache line on 64-bit.
 * @slot: flows, each pointer with the flow's slot tag (the low four bits of
 *	its hash, sgfw_slot_word()) in its low bits; NULL where free.  A slot
 *	changes under the line's bucket lock: rcu_assign_pointer() when it
 *	takes a flow, a plain store when it is cleared (with a write barrier
 *	first when the flow moved to another table: sgfw_ft_rehash()).
 *	Readers take it with rcu_dereference() and no lock.
 * @chain: the overflow chain: flows that came while every slot was taken,
 *	linked through their @next, ending in the line's nulls marker
 *	(sgfw_nulls()).  Changes under the bucket lock; RCU for readers.
 *
 * A flow stays where it was linked, slot or chain, until it is unlinked or
 * a resize moves it to another table.
 */
struct sgfw_line {
	struct sgfw_flow __rcu *slot[SGFW_LINE_SLOTS];
	struct sgfw_flow __rcu *chain;
};

/*
 * struct sgfw_ftab - a table of lines.
 * @size: its size in buckets, a power of two.
 * @nlines: its lines, @size / SGFW_FT_LINE_DIV * SGFW_FT_LINE_MUL.
 * @per_lock: lines per bucket lock, @nlines / sgfw_ft.nlocks.
 * @future: while a resize moves the flows, the table they move to;
 *	readers that miss in this table look there too.
 * @lines: the lines, cache-line aligned, in the same allocation.
 * @filter: for each line, after the lines: in its low byte the union of
 *	sgfw_tag_bit() of the flows in it (the line filter, above), read
 *	locklessly; in its high byte which of its slots hold a flow
 *	(SGFW_FILTER_SLOT()), for inserts only.  Changes under the bucket
 *	lock, WRITE_ONCE().
 */
struct sgfw_ftab {
	unsigned int size;
	unsigned int nlines;
	unsigned int per_lock;
	struct sgfw_ftab __rcu *future;
	struct sgfw_line *lines;
	u16 *filter;
};

/* The bit of a line's filter word that says that slot @s holds a flow. */
#define SGFW_FILTER_SLOT(s)	BIT(8 + (s))
#define SGFW_FILTER_SLOTS	GENMASK(8 + SGFW_LINE_SLOTS - 1, 8)

/*
 * The table.  @tab changes only by a resize (sgfw_ft_rehash()); the rest is
 * set by sgfw_flowtable_init() and read-only until sgfw_flowtable_exit().
 * @nlocks: the bucket locks in use: SGFW_FT_LOCKS or fewer, a divisor of
 *	the lines of every size the table may have (sgfw_ft_size_ok()).
 */
static struct {
	struct sgfw_ftab __rcu *tab;
	unsigned int nlocks;
	hsiphash_key_t key;
	struct kmem_cache *cache;
} sgfw_ft __read_mostly;

/*
 * @count: flows in the table, for the resize: per CPU, summed only by the
 *	resize.
 * @resize: the work that resizes the table.
 * @mutex: held by a resize from start to end, and by a flush or a walk,
 *	which so never see a table half moved.
 */
static struct {
	struct percpu_counter count;
	struct work_struct resize;
	struct mutex mutex;		/* see @mutex above */
} sgfw_ft_ctl;

static spinlock_t sgfw_ft_locks[SGFW_FT_LOCKS];

/* The lines of a table of @size buckets. */
static unsigned int sgfw_ft_nlines(unsigned int size)
{
	return size / SGFW_FT_LINE_DIV * SGFW_FT_LINE_MUL;
}

/* The bytes a table of @nlines lines takes: lines, filters and header. */
static size_t sgfw_ftab_bytes(unsigned int nlines)
{
	return size_add(sizeof(struct sgfw_ftab) + sizeof(struct sgfw_line) - 1,
			size_mul(nlines, sizeof(struct sgfw_line) + sizeof(u16)));
}

/* The present size of the table, for the parameter's readers. */
static int sgfw_hashsize_get(char *buf, const struct kernel_param *kp)
{
	const struct sgfw_ftab *tab;
	unsigned int size = hashsize;

	rcu_read_lock();
	tab = rcu_dereference(sgfw_ft.tab);
	if (tab)
		size = tab->size;
	rcu_read_unlock();
	return sysfs_emit(buf, "%u\n", size);
}

static const struct kernel_param_ops sgfw_hashsize_ops = {
	.set = param_set_uint,
	.get = sgfw_hashsize_get,
};

module_param_cb(hashsize, &sgfw_hashsize_ops, &hashsize, 0444);
MODULE_PARM_DESC(hashsize,
		 "buckets of the flow table at first and at least, a power of two (default 65536); reads give the present size");
module_param(hashsize_max, uint, 0444);
MODULE_PARM_DESC(hashsize_max,
		 "the most buckets the table grows to, a power of two (default 16777216)");

/* The bytes the present table takes, for the parameter's readers. */
static int sgfw_table_bytes_get(char *buf, const struct kernel_param *kp)
{
	const struct sgfw_ftab *tab;
	size_t bytes = 0;

	rcu_read_lock();
	tab = rcu_dereference(sgfw_ft.tab);
	if (tab)
		bytes = sgfw_ftab_bytes(tab->nlines);
	rcu_read_unlock();
	return sysfs_emit(buf, "%zu\n", bytes);
}

static const struct kernel_param_ops sgfw_table_bytes_ops = {
	.get = sgfw_table_bytes_get,
};

module_param_cb(table_bytes, &sgfw_table_bytes_ops, NULL, 0444);
MODULE_PARM_DESC(table_bytes,
		 "bytes the flow table's lines and filters take at its present size (read-only; the flows are apart)");

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
/* A clock the KUnit suites stop and move by hand, and reapers they pause. */
static bool sgfw_clock_frozen;
static unsigned long sgfw_clock_at;
static bool sgfw_gc_paused;
static bool sgfw_resize_paused;

static bool sgfw_flow_ns_gc_paused(void)
{
	return READ_ONCE(sgfw_gc_paused);
}

static bool sgfw_ft_resize_paused(void)
{
	return READ_ONCE(sgfw_resize_paused);
}
#else
static bool sgfw_flow_ns_gc_paused(void)
{
	return false;
}

static bool sgfw_ft_resize_paused(void)
{
	return false;
}
#endif

/* The hash input of an IPv6 flow: its endpoints in a fixed order. */
struct sgfw_ft_hkey {
	union sgfw_addr lo;
	union sgfw_addr hi;
	__be16 lo_port;
	__be16 hi_port;
	u32 key;
	u8 af;
	u8 proto;
	u16 zero;
} __aligned(HSIPHASH_ALIGNMENT);

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

/*
 * An IPv6 flow's hash, out of line: the key it builds is zeroed first
 * (padding included), by hand and, in a kernel that zeroes stack
 * variables, by the compiler too; IPv4 packets need not pay for that.
 */
static noinline u32 sgfw_flow_hash6(u32 key, const struct sgfw_tuple *t)
{
	struct sgfw_ft_hkey k6;
	bool flip;
	int c;

	memset(&k6, 0, sizeof(k6));
	c = memcmp(&t->src, &t->dst, sizeof(t->src.in6));
	flip = c > 0 || (!c && ntohs(t->sport) > ntohs(t->dport));
	k6.lo = flip ? t->dst : t->src;
	k6.hi = flip ? t->src : t->dst;
	k6.lo_port = flip ? t->dport : t->sport;
	k6.hi_port = flip ? t->sport : t->dport;
	k6.key = key;
	k6.af = t->af;
	k6.proto = t->proto;
	return hsiphash(&k6, sizeof(k6), &sgfw_ft.key);
}

/**
 * sgfw_flow_hash() - the hash of a packet's flow, for lookup and insert.
 * @key: the key of the device it is seen on (struct sgfw_flow_dev).
 * @t: its tuple; the same for either direction of the flow.
 *
 * An IPv4 flow is hashed as four words: its addresses and ports in a fixed
 * order, and one word for the rest, its device's key xor its protocol in
 * the top byte.  Two keys that differ only in that word may meet in it and
 * share a line, as any two flows may; the flows still compare whole, and
 * a packet's sender chooses neither the device's key nor the hash key.
 *
 * Return: the hash; its high bits pick its line, its low bits are its tag.
 */
u32 sgfw_flow_hash(u32 key, const struct sgfw_tuple *t)
{
	__be16 lo_port, hi_port;
	__be32 lo, hi;
	bool flip;

	if (t->af != SGFW_AF_INET)
		return sgfw_flow_hash6(key, t);
	flip = ntohl(t->src.ip) > ntohl(t->dst.ip) ||
	       (t->src.ip == t->dst.ip && ntohs(t->sport) > ntohs(t->dport));
	lo = flip ? t->dst.ip : t->src.ip;
	hi = flip ? t->src.ip : t->dst.ip;
	lo_port = flip ? t->dport : t->sport;
	hi_port = flip ? t->sport : t->dport;
	return hsiphash_4u32((__force u32)lo, (__force u32)hi,
			     (u32)(__force u16)lo_port << 16 |
			     (__force u16)hi_port,
			     key ^ (u32)t->proto << 24, &sgfw_ft.key);
}

/*
 * A flow's tag (struct sgfw_flow), from its hash @h: the low bits, which
 * the line is not chosen by (the high ones are: sgfw_ft_line()).
 */
static u8 sgfw_hash_tag(u32 h)
{
	return h;
}

/*
 * A flow's bit in its line's filter, from its tag (or its slot tag, which
 * holds the same low bits): the tag's low three bits.
 */
static u8 sgfw_tag_bit(unsigned int tag)
{
	return BIT(tag & 7);
}

static u32 sgfw_flow_hash_of(const struct sgfw_flow *f)
{
	return sgfw_flow_hash(f->key, &f->t);
}

/* The line of hash @h in @tab: its high bits, scaled to the lines. */
static unsigned int sgfw_ft_line(const struct sgfw_ftab *tab, u32 h)
{
	return ((u64)h * tab->nlines) >> 32;
}

/*
 * The lock of every line a flow of hash @h may be in: line / per_lock in
 * every size, as nlines = nlocks * per_lock.
 */
static spinlock_t *sgfw_ft_lock(u32 h)
{
	return &sgfw_ft_locks[((u64)h * sgfw_ft.nlocks) >> 32];
}

/* The lock of line @l of @tab. */
static spinlock_t *sgfw_ft_line_lock(const struct sgfw_ftab *tab,
				     unsigned int l)
{
	return &sgfw_ft_locks[l / tab->per_lock];
}

/* A slot or a link of a line, for a writer holding the line's lock. */
#define sgfw_line_deref(p, lock)	\
	rcu_dereference_protected(p, lockdep_is_held(lock))

/* The end of the chain of line @l of @tab. */
static struct sgfw_flow *sgfw_nulls(const struct sgfw_ftab *tab,
				    unsigned int l)
{
	return (struct sgfw_flow *)((unsigned long)&tab->lines[l] | 1UL);
}

static bool sgfw_is_nulls(const struct sgfw_flow *f)
{
	return (unsigned long)f & 1UL;
}

/* What a slot holds for flow @f of tag @tag: its address and slot tag. */
static struct sgfw_flow *sgfw_slot_word(struct sgfw_flow *f, u8 tag)
{
	return (struct sgfw_flow *)((unsigned long)f |
				    (tag & SGFW_FT_TAG_MASK));
}

/* The flow of slot word @w (NULL for a free slot), and its slot tag. */
static struct sgfw_flow *sgfw_slot_flow(const struct sgfw_flow *w)
{
	return (struct sgfw_flow *)((unsigned long)w & ~SGFW_FT_TAG_MASK);
}

static unsigned int sgfw_slot_tag(const struct sgfw_flow *w)
{
	return (unsigned long)w & SGFW_FT_TAG_MASK;
}

/*
 * The table, and the one a resize moves its flows to.  Context: RCU (a
 * bucket lock taken with bottom halves off is one), or the resize mutex.
 */
static struct sgfw_ftab *sgfw_ft_tab(void)
{
	return rcu_dereference_check(sgfw_ft.tab,
				     rcu_read_lock_any_held() ||
				     lockdep_is_held(&sgfw_ft_ctl.mutex));
}

static struct sgfw_ftab *sgfw_ft_future(const struct sgfw_ftab *tab)
{
	return rcu_dereference_check(tab->future,
				     rcu_read_lock_any_held() ||
				     lockdep_is_held(&sgfw_ft_ctl.mutex));
}

/*
 * The flow after @f in line @lw, or its first with @f NULL: its slots in
 * order, then its chain; NULL after the last.  *@s: @f's slot, or
 * SGFW_LINE_SLOTS in the chain.  For walks that no resize can meet (the
 * resize mutex).  Context: RCU.
 */
static struct sgfw_flow *sgfw_line_next(const struct sgfw_line *lw,
					const struct sgfw_flow *f,
					unsigned int *s)
{
	struct sgfw_flow *n;

	if (!f) {
		*s = 0;
	} else if (*s < SGFW_LINE_SLOTS) {
		(*s)++;
	} else {
		n = rcu_dereference(f->next);
		return sgfw_is_nulls(n) ? NULL : n;
	}
	for (; *s < SGFW_LINE_SLOTS; (*s)++) {
		n = sgfw_slot_flow(rcu_dereference(lw->slot[*s]));
		if (n)
			return n;
	}
	n = rcu_dereference(lw->chain);
	return sgfw_is_nulls(n) ? NULL : n;
}

/* Does @f carry @t, in its own direction or (*@reply) the other one? */
static bool sgfw_flow_match(const struct sgfw_flow *f, u32 key,
			    const struct sgfw_tuple *t, bool *reply)
{
	const struct sgfw_tuple *ft = &f->t;

	if (f->key != key || ft->af != t->af || ft->proto != t->proto)
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
	return sgfw_deadline_passed(READ_ONCE(f->deadline), now);
}

/*
 * The registry: every namespace with a registered device, by its number
 * (struct sgfw_flow_ns @id), so that a flow's key leads to its namespace;
 * each namespace holds its devices by slot (@devs).  A namespace leaves
 * only once it has no flow (sgfw_flow_ns_exit()), so a flow linked in the
 * table always finds its namespace.  A device leaves with its
 * configuration, after its flows were flushed; but a dying namespace
 * flushes its flows after its configuration has gone, and such a flow
 * names no device (ifindex 0) and counts nothing down.  Both numbers are
 * given cyclically, so that one comes back only after all the others were
 * used.  Changes under sgfw_ft_reg_mutex, lookups under RCU.
 */
static DEFINE_XARRAY_FLAGS(sgfw_ft_nss, XA_FLAGS_ALLOC1);
static DEFINE_MUTEX(sgfw_ft_reg_mutex);
static u32 sgfw_ft_ns_next;

/* The namespace of linked flow @f.  Context: RCU, or a bucket lock. */
static struct sgfw_flow_ns *sgfw_flow_ns_of(const struct sgfw_flow *f)
{
	return xa_load(&sgfw_ft_nss, sgfw_key_ns(f->key));
}

struct sgfw_flow_dev *sgfw_flow_dev(struct sgfw_flow_ns *fns,
				    const struct sgfw_flow *f)
{
	return xa_load(&fns->devs, f->key & SGFW_FT_DEV_MASK);
}

int sgfw_flow_ifindex(struct sgfw_flow_ns *fns,
		      const struct sgfw_flow *f)
{
	const struct sgfw_flow_dev *fd = sgfw_flow_dev(fns, f);

	return fd ? READ_ONCE(fd->ifindex) : 0;
}

int sgfw_flow_dev_init(struct sgfw_flow_ns *fns, struct sgfw_flow_dev *fd,
		       int __percpu *flows)
{
	struct xa_limit ns_lim = XA_LIMIT(1, BIT(SGFW_FT_NS_BITS) - 1);
	u32 id, slot;
	int err;

	might_sleep();
	mutex_lock(&sgfw_ft_reg_mutex);
	if (!fns->id) {
		err = xa_alloc_cyclic(&sgfw_ft_nss, &id, fns, ns_lim,
				      &sgfw_ft_ns_next, GFP_KERNEL);
		if (err < 0)
			goto out;
		fns->id = id;
	}
	fd->fns = fns;
	fd->flows = flows;
	fd->ifindex = 0;
	/* Cyclic: a key comes back only after the others were all used. */
	err = xa_alloc_cyclic(&fns->devs, &slot, fd,
			      XA_LIMIT(0, SGFW_FT_DEV_MASK), &fns->dev_next,
			      GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto out;
	fd->key = fns->id << SGFW_FT_DEV_BITS | slot;
	err = 0;
out:
	mutex_unlock(&sgfw_ft_reg_mutex);
	return err == -EBUSY ? -ENOSPC : err;
}

void sgfw_flow_dev_exit(struct sgfw_flow_dev *fd)
{
	mutex_lock(&sgfw_ft_reg_mutex);
	xa_erase(&fd->fns->devs, fd->key & SGFW_FT_DEV_MASK);
	mutex_unlock(&sgfw_ft_reg_mutex);
}

/* Set and clear flags of @f's state word, whatever else changes in it. */
static union sgfw_flow_sw sgfw_flow_flags_mod(struct sgfw_flow *f, u8 set,
					      u8 clear)
{
	union sgfw_flow_sw old, new;

	old.word = atomic_read(&f->sw);
	do {
		new = old;
		new.flags = (new.flags | set) & ~clear;
	} while (!atomic_try_cmpxchg(&f->sw, &old.word, new.word));
	return old;
}

static void sgfw_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(sgfw_ft.cache, container_of(head, struct sgfw_flow,
						    rcu));
}

/* ---- resizing ---------------------------------------------------------- */

/*
 * The size the table should have for its flows: doubled while there are
 * more than SGFW_FT_GROW_LOAD flows per bucket, halved while there is
 * less than one in SGFW_FT_SHRINK_LOAD buckets (so a table just halved is
 * not doubled at once), within hashsize and hashsize_max.
 */
static unsigned int sgfw_ft_target(unsigned int size, s64 count)
{
	while (count > (s64)size * SGFW_FT_GROW_LOAD && size < hashsize_max)
		size *= 2;
	while (size > hashsize && count < size / SGFW_FT_SHRINK_LOAD)
		size /= 2;
	return size;
}

/* Start a resize if the table's size is far from its flows'.  Context: any. */
static void sgfw_ft_resize_check(void)
{
	s64 count = percpu_counter_read_positive(&sgfw_ft_ctl.count);
	const struct sgfw_ftab *tab;
	unsigned int size;

	rcu_read_lock();
	tab = rcu_dereference(sgfw_ft.tab);
	size = tab->size;
	rcu_read_unlock();
	if (sgfw_ft_target(size, count) != size &&
	    !work_pending(&sgfw_ft_ctl.resize) && !sgfw_ft_resize_paused())
		queue_work(system_unbound_wq, &sgfw_ft_ctl.resize);
}

/*
 * May the table have @size buckets?  A power of two within the bounds
 * whose lines are a whole number per bucket lock.
 */
static bool sgfw_ft_size_ok(unsigned int size)
{
	return is_power_of_2(size) && size >= SGFW_FT_MIN_SIZE &&
	       size <= SGFW_FT_MAX_SIZE &&
	       !(sgfw_ft_nlines(size) % sgfw_ft.nlocks);
}

static struct sgfw_ftab *sgfw_ftab_alloc(unsigned int size, gfp_t gfp)
{
	unsigned int l, nlines = sgfw_ft_nlines(size);
	struct sgfw_ftab *tab;

	tab = kvmalloc(sgfw_ftab_bytes(nlines), gfp | __GFP_NOWARN);
	if (!tab)
		return NULL;
	tab->size = size;
	tab->nlines = nlines;
	tab->per_lock = nlines / sgfw_ft.nlocks;
	RCU_INIT_POINTER(tab->future, NULL);
	tab->lines = PTR_ALIGN((void *)(tab + 1), sizeof(struct sgfw_line));
	tab->filter = (u16 *)(tab->lines + nlines);
	memset(tab->filter, 0, nlines * sizeof(*tab->filter));
	for (l = 0; l < nlines; l++) {
		memset(tab->lines[l].slot, 0, sizeof(tab->lines[l].slot));
		RCU_INIT_POINTER(tab->lines[l].chain, sgfw_nulls(tab, l));
	}
	return tab;
}

/*
 * Link @f, linked in an older table, into its line of @new: a free slot,
 * else the head of the line's chain.  Its bit in the line's filter is set
 * first.  A reader standing on @f in the chain it leaves goes on into the
 * line of @new, ends at a nulls marker not its own and walks its chain
 * again.  The bucket lock @lock, of both lines.
 */
static void sgfw_ft_move(struct sgfw_ftab *new, struct sgfw_flow *f,
			 spinlock_t *lock)
{
	unsigned int l = sgfw_ft_line(new, sgfw_flow_hash_of(f)), s;
	struct sgfw_line *lw = &new->lines[l];
	u8 tag = READ_ONCE(f->tag);

	WRITE_ONCE(new->filter[l], new->filter[l] | sgfw_tag_bit(tag));
	for (s = 0; s < SGFW_LINE_SLOTS; s++) {
		if (!sgfw_line_deref(lw->slot[s], lock)) {
			WRITE_ONCE(new->filter[l],
				   new->filter[l] | SGFW_FILTER_SLOT(s));
			rcu_assign_pointer(f->next, sgfw_nulls(new, l));
			rcu_assign_pointer(lw->slot[s], sgfw_slot_word(f, tag));
			return;
		}
	}
	rcu_assign_pointer(f->next, sgfw_line_deref(lw->chain, lock));
	rcu_assign_pointer(lw->chain, f);
}

/*
 * sgfw_ft_rehash() - move every flow of the table to @new, and make @new
 * the table, without stopping anyone.
 *
 * As rhashtable does: @new is published as the old table's future first,
 * so that lookups that miss in the old table look in @new, and inserts go
 * to @new.  Then each old line, under its bucket lock (the lock of the
 * new lines its flows go to as well), gives up the flows of its slots,
 * then the last flow of its chain until the chain is empty, each linked in
 * @new (sgfw_ft_move()) before it is unlinked from the old line; then its
 * filter is cleared.  A reader that finds a slot or a link without the
 * flow finds the flow in @new (the read barrier of sgfw_flow_lookup());
 * no flow is ever in neither table.
 *
 * Context: process, the resize mutex.  The caller frees the old table
 * after a grace period.
 */
static void sgfw_ft_rehash(struct sgfw_ftab *old, struct sgfw_ftab *new)
{
	struct sgfw_flow __rcu **link;
	struct sgfw_flow *f, *next;
	struct sgfw_line *lw;
	unsigned int l, s;
	spinlock_t *lock;	/* of the line */

	lockdep_assert_held(&sgfw_ft_ctl.mutex);
	rcu_assign_pointer(old->future, new);
	for (l = 0; l < old->nlines; l++) {
		lw = &old->lines[l];
		lock = sgfw_ft_line_lock(old, l);
		spin_lock_bh(lock);
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			f = sgfw_slot_flow(sgfw_line_deref(lw->slot[s], lock));
			if (!f)
				continue;
			sgfw_ft_move(new, f, lock);
			/* Seen in @new by whoever sees the slot empty. */
			smp_wmb();
			RCU_INIT_POINTER(lw->slot[s], NULL);
		}
		for (;;) {
			link = &lw->chain;
			f = sgfw_line_deref(*link, lock);
			if (sgfw_is_nulls(f))
				break;
			for (;;) {
				next = sgfw_line_deref(f->next, lock);
				if (sgfw_is_nulls(next))
					break;
				link = &f->next;
				f = next;
			}
			sgfw_ft_move(new, f, lock);
			rcu_assign_pointer(*link, sgfw_nulls(old, l));
		}
		/*
		 * Empty now.  After the moves: a reader whom this clear bit
		 * sends on to @new finds its flow's bit there (the read
		 * barrier of sgfw_flow_lookup()).
		 */
		smp_store_release(&old->filter[l], 0);
		spin_unlock_bh(lock);
		if ((l & 1023) == 1023)
			cond_resched();
	}
	rcu_assign_pointer(sgfw_ft.tab, new);
}

/*
 * Resize the table to @size buckets (0: to the size its flows call for):
 * sgfw_ft_size_ok().  Context: process; sleeps.
 * Return: 0, -EINVAL for a bad @size, or -ENOMEM (the table stays).
 */
static int sgfw_ft_resize(unsigned int size)
{
	struct sgfw_ftab *old, *new = NULL;
	int err = 0;

	if (size && !sgfw_ft_size_ok(size))
		return -EINVAL;
	mutex_lock(&sgfw_ft_ctl.mutex);
	old = rcu_dereference_protected(sgfw_ft.tab,
					lockdep_is_held(&sgfw_ft_ctl.mutex));
	if (!size)
		size = sgfw_ft_target(old->size,
				      percpu_counter_sum_positive(&sgfw_ft_ctl.count));
	if (size != old->size) {
		new = sgfw_ftab_alloc(size, GFP_KERNEL);
		if (new)
			sgfw_ft_rehash(old, new);
		else
			err = -ENOMEM;
	}
	mutex_unlock(&sgfw_ft_ctl.mutex);
	if (new) {
		/* Readers and writers that found the old table are done. */
		synchronize_rcu();
		kvfree(old);
	}
	return err;
}

static void sgfw_ft_resize_worker(struct work_struct *work)
{
	if (!sgfw_ft_resize_paused() && sgfw_ft_resize(0))
		net_warn_ratelimited("no memory to resize the flow table\n");
}

/* ---- the wheel and the unassured list --------------------------------- */

/* One turn of the wheel, in jiffies. */
#define SGFW_WHEEL_TURN		(SGFW_WHEEL_SLOTS * SGFW_WHEEL_TICK)

/* The tick jiffy @j falls in: its first jiffy. */
static unsigned long sgfw_tick(unsigned long j)
{
	return j & ~(SGFW_WHEEL_TICK - 1);
}

/* The slot of tick @tick. */
static struct list_head *sgfw_wheel_at(struct sgfw_flow_ns *fns,
				       unsigned long tick)
{
	return &fns->wheel[(tick >> SGFW_WHEEL_SHIFT) &
			   (SGFW_WHEEL_SLOTS - 1)];
}

/*
 * The slot for flow @f, by its deadline: never one the reaper has handled
 * already (it would come round only a whole turn later), never further
 * than a turn ahead (it would share a slot with a nearer tick and be
 * looked at early, which is harmless; late would not be).
 */
static struct list_head *sgfw_wheel_slot(struct sgfw_flow_ns *fns,
					 const struct sgfw_flow *f)
{
	unsigned long tick = sgfw_tick(sgfw_deadline_full(READ_ONCE(f->deadline),
							  sgfw_flow_now()));

	lockdep_assert_held(&fns->lock);
	if (time_before(tick, fns->wheel_next))
		tick = fns->wheel_next;
	else if (tick - fns->wheel_next >= SGFW_WHEEL_TURN)
		tick = fns->wheel_next + SGFW_WHEEL_TURN - SGFW_WHEEL_TICK;
	return sgfw_wheel_at(fns, tick);
}

/* Put @f, which is on the unassured list, on the wheel. */
static void sgfw_flow_to_wheel(struct sgfw_flow_ns *fns, struct sgfw_flow *f)
{
	lockdep_assert_held(&fns->lock);
	sgfw_flow_flags_mod(f, SGFW_FLOW_F_ON_WHEEL, 0);
	list_move_tail(&f->lru, sgfw_wheel_slot(fns, f));
	fns->n_unassured--;
}

/*
 * What the filter of line @lw should be: the union of its flows' bits,
 * from its slots' tags and its chain's flows, and the bits of its slots
 * that hold one.  Its bucket lock @lock.
 */
static u16 sgfw_line_bits(const struct sgfw_line *lw, spinlock_t *lock)
{
	struct sgfw_flow *f;
	unsigned int s;
	u16 bits = 0;

	for (s = 0; s < SGFW_LINE_SLOTS; s++) {
		f = sgfw_line_deref(lw->slot[s], lock);
		if (f)
			bits |= sgfw_tag_bit(sgfw_slot_tag(f)) |
				SGFW_FILTER_SLOT(s);
	}
	for (f = sgfw_line_deref(lw->chain, lock); !sgfw_is_nulls(f);
	     f = sgfw_line_deref(f->next, lock))
		bits |= sgfw_tag_bit(READ_ONCE(f->tag));
	return bits;
}

/*
 * Where a linked flow is: line @line of @tab, in slot @link (@slot) or in
 * its chain, where *@link points at it (the line's @chain or the @next of
 * the flow before it).
 */
struct sgfw_ft_at {
	struct sgfw_ftab *tab;
	unsigned int line;
	bool slot;
	struct sgfw_flow __rcu **link;
};

/*
 * Take @f off its line (@at) and off its namespace's lists, make the
 * line's filter exact again, and give @f back after a grace period.
 * Readers that are on it may finish their walk: its own @next is left
 * alone.  @evict: only if it is not assured (checked in the same cmpxchg
 * that marks it dead, so a packet that assures it at the same moment
 * wins).  @reason: enum sgfw_end_reason for its end event, or
 * SGFW_END_TIMED: it timed out (closed or expired, by its state).
 * Context: the line's bucket lock and @fns's lock.
 * Return: false when @evict found it assured (then nothing changed).
 */
static bool __sgfw_flow_unlink(struct sgfw_flow *f,
			       const struct sgfw_ft_at *at,
			       struct sgfw_flow_ns *fns, bool evict, int reason)
{
	spinlock_t *lock = sgfw_ft_line_lock(at->tab, at->line);
	const struct sgfw_flow_dev *fd;
	union sgfw_flow_sw old, new;

	lockdep_assert_held(lock);
	lockdep_assert_held(&fns->lock);
	old.word = atomic_read(&f->sw);
	do {
		if (evict && (old.flags & SGFW_FLOW_F_ASSURED))
			return false;
		new = old;
		new.flags |= SGFW_FLOW_F_DEAD;
	} while (!atomic_try_cmpxchg(&f->sw, &old.word, new.word));

	if (at->slot)
		RCU_INIT_POINTER(*at->link, NULL);
	else
		rcu_assign_pointer(*at->link, sgfw_line_deref(f->next, lock));
	WRITE_ONCE(at->tab->filter[at->line],
		   sgfw_line_bits(&at->tab->lines[at->line], lock));
	if (reason == SGFW_END_TIMED)
		reason = f->t.proto == IPPROTO_TCP &&
			 (old.state == SGFW_FLOW_STATE_TIME_WAIT ||
			  old.state == SGFW_FLOW_STATE_CLOSE) ?
			 SGFW_END_CLOSED : SGFW_END_EXPIRED;
	fd = sgfw_flow_dev(fns, f);
	sgfw_event_flow_end(fns->net, fd ? READ_ONCE(fd->ifindex) : 0, f,
			    reason);
	if (!(old.flags & SGFW_FLOW_F_ON_WHEEL))
		fns->n_unassured--;
	list_del(&f->lru);
	atomic_dec(&fns->count);
	percpu_counter_dec(&sgfw_ft_ctl.count);
	/* A device that left took its count along. */
	if (fd && fd->flows)
		this_cpu_dec(*fd->flows);
	/* @rcu shares its bytes with @lru, which is off every list now. */
	call_rcu(&f->rcu, sgfw_flow_free_rcu);
	return true;
}

/* As above, taking the lock of @f's namespace @fns. */
static void sgfw_flow_unlink(struct sgfw_flow_ns *fns, struct sgfw_flow *f,
			     const struct sgfw_ft_at *at, int reason)
{
	spin_lock(&fns->lock);
	__sgfw_flow_unlink(f, at, fns, false, reason);
	spin_unlock(&fns->lock);
}

/*
 * Unlink @f, which has expired, of whatever namespace (a linked flow has
 * one).  The line's bucket lock.  Return: false if it has none (a bug).
 */
static bool sgfw_flow_reap_at(struct sgfw_flow *f, const struct sgfw_ft_at *at)
{
	struct sgfw_flow_ns *fns = sgfw_flow_ns_of(f);

	if (WARN_ON_ONCE(!fns))
		return false;
	sgfw_flow_unlink(fns, f, at, SGFW_END_TIMED);
	return true;
}

/*
 * Where @f, whose hash is @h, is linked, in the table or the one a resize
 * moves it to.  The bucket lock of @h.
 * Return: false when it is in neither.
 */
static bool sgfw_ft_find(u32 h, const struct sgfw_flow *f,
			 struct sgfw_ft_at *at)
{
	spinlock_t *lock = sgfw_ft_lock(h);
	struct sgfw_flow __rcu **link;
	struct sgfw_flow *cur;
	struct sgfw_line *lw;
	unsigned int s;

	for (at->tab = sgfw_ft_tab(); at->tab;
	     at->tab = sgfw_ft_future(at->tab)) {
		at->line = sgfw_ft_line(at->tab, h);
		lw = &at->tab->lines[at->line];
		at->slot = true;
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			cur = sgfw_line_deref(lw->slot[s], lock);
			if (sgfw_slot_flow(cur) == f) {
				at->link = &lw->slot[s];
				return true;
			}
		}
		at->slot = false;
		link = &lw->chain;
		while (!sgfw_is_nulls(cur = sgfw_line_deref(*link, lock))) {
			if (cur == f) {
				at->link = link;
				return true;
			}
			link = &cur->next;
		}
	}
	return false;
}

/*
 * The namespace's lock is held and @f is on one of its lists: unlink @f if
 * its bucket lock is free right now (the lock order forbids waiting).
 * Return: 1 unlinked, 0 bucket busy, -1 @evict found it assured.
 */
static int sgfw_flow_try_unlink(struct sgfw_flow_ns *fns, struct sgfw_flow *f,
				bool evict, int reason)
{
	u32 h = sgfw_flow_hash_of(f);
	struct sgfw_ft_at at;
	int ret = 0;

	lockdep_assert_held(&fns->lock);
	if (!spin_trylock(sgfw_ft_lock(h)))
		return 0;
	if (!WARN_ON_ONCE(!sgfw_ft_find(h, f, &at)))
		ret = __sgfw_flow_unlink(f, &at, fns, evict, reason) ? 1 : -1;
	spin_unlock(sgfw_ft_lock(h));
	return ret;
}

/*
 * Handle up to *@budget flows of the wheel slots whose tick has passed by
 * @now (and, with @this_tick, the flows of the present tick that have
 * expired): free what expired, place the rest again by their deadline.
 * Return: the flows freed.
 */
static unsigned int sgfw_wheel_reap(struct sgfw_flow_ns *fns,
				    unsigned long now, unsigned int *budget,
				    bool this_tick)
{
	unsigned long now_tick = sgfw_tick(now), tick, t;
	struct sgfw_flow *f, *tmp;
	unsigned int reaped = 0;
	struct list_head *slot;

	lockdep_assert_held(&fns->lock);
	/* Far behind (an idle namespace): one turn sees every slot. */
	if (time_after(now_tick, fns->wheel_next + SGFW_WHEEL_TURN))
		fns->wheel_next = now_tick - SGFW_WHEEL_TURN;
	while (time_before(fns->wheel_next, now_tick) && *budget) {
		t = fns->wheel_next;
		slot = sgfw_wheel_at(fns, t);
		while (!list_empty(slot) && *budget) {
			f = list_first_entry(slot, struct sgfw_flow, lru);
			(*budget)--;
			if (sgfw_flow_expired(f, now) &&
			    sgfw_flow_try_unlink(fns, f, false, SGFW_END_TIMED) == 1) {
				reaped++;
				continue;
			}
			/*
			 * Alive, or its bucket busy: place it by its deadline,
			 * in a later slot than this one and within a turn.
			 */
			tick = sgfw_tick(sgfw_deadline_full(READ_ONCE(f->deadline),
							    now));
			if (!time_after(tick, t))
				tick = t + SGFW_WHEEL_TICK;
			else if (tick - t >= SGFW_WHEEL_TURN)
				tick = t + SGFW_WHEEL_TURN - SGFW_WHEEL_TICK;
			list_move_tail(&f->lru, sgfw_wheel_at(fns, tick));
		}
		if (!list_empty(slot))
			break;
		fns->wheel_next += SGFW_WHEEL_TICK;
	}
	if (!this_tick)
		return reaped;
	slot = sgfw_wheel_at(fns, now_tick);
	list_for_each_entry_safe(f, tmp, slot, lru) {
		if (!*budget)
			break;
		(*budget)--;
		if (sgfw_flow_expired(f, now) &&
		    sgfw_flow_try_unlink(fns, f, false, SGFW_END_TIMED) == 1)
			reaped++;
	}
	return reaped;
}

/*
 * Look at up to *@budget flows at the head of the unassured list, which is
 * in the order the flows came (so mostly the order they expire): free the
 * expired, put the assured on the wheel, and move a live one to the tail
 * (a longer timeout, or pushed by its packets).  Return: the flows freed.
 */
static unsigned int sgfw_unassured_reap(struct sgfw_flow_ns *fns,
					unsigned long now,
					unsigned int *budget)
{
	unsigned int reaped = 0, n = min(*budget, fns->n_unassured);
	struct sgfw_flow *f;

	lockdep_assert_held(&fns->lock);
	*budget -= n;
	while (n--) {
		f = list_first_entry(&fns->unassured, struct sgfw_flow, lru);
		if (READ_ONCE(f->flags) & SGFW_FLOW_F_ASSURED)
			sgfw_flow_to_wheel(fns, f);
		else if (sgfw_flow_expired(f, now) &&
			 sgfw_flow_try_unlink(fns, f, false, SGFW_END_TIMED) == 1)
			reaped++;
		else
			list_move_tail(&f->lru, &fns->unassured);
	}
	return reaped;
}

/*
 * sgfw_flow_ns_make_room() - free one place in a full namespace.
 *
 * Flows that have expired go first, then the oldest flow that is not
 * assured; an assured flow is never evicted.
 * Context: RCU, any context; no bucket lock held.
 * Return: true when a flow was freed.
 */
static bool sgfw_flow_ns_make_room(struct sgfw_flow_ns *fns,
				   unsigned long now)
{
	unsigned int budget = SGFW_RECLAIM_BUDGET, tries = SGFW_EVICT_TRIES;
	struct sgfw_flow *f;
	bool done, expired;
	int ret;

	spin_lock_bh(&fns->lock);
	done = sgfw_wheel_reap(fns, now, &budget, true);
	while (!done && fns->n_unassured && tries--) {
		f = list_first_entry(&fns->unassured, struct sgfw_flow, lru);
		if (READ_ONCE(f->flags) & SGFW_FLOW_F_ASSURED) {
			sgfw_flow_to_wheel(fns, f);
			continue;
		}
		/* An expired one is reclaimed, not evicted. */
		expired = sgfw_flow_expired(f, now);
		ret = sgfw_flow_try_unlink(fns, f, true, expired ?
					   SGFW_END_TIMED : SGFW_END_EVICTED);
		if (ret == 1) {
			if (!expired)
				atomic64_inc(&fns->evicted);
			done = true;
		} else if (ret < 0) {
			sgfw_flow_to_wheel(fns, f);
		} else {
			list_move_tail(&f->lru, &fns->unassured);
		}
	}
	spin_unlock_bh(&fns->lock);
	return done;
}

static void sgfw_flow_ns_gc_kick(struct sgfw_flow_ns *fns)
{
	if (!delayed_work_pending(&fns->gc) && !sgfw_flow_ns_gc_paused())
		queue_delayed_work(system_power_efficient_wq, &fns->gc,
				   SGFW_GC_INTERVAL);
}

/*
 * One run of a namespace's reaper.  *@busy: due slots of the wheel took
 * the whole budget, or unassured flows were freed (more may follow them):
 * run again at once.  Looking at live unassured flows never makes a run
 * busy: a large table of them would keep the reaper going for nothing.
 * Return: the flows it freed.
 */
static unsigned int __sgfw_flow_ns_gc(struct sgfw_flow_ns *fns, bool *busy)
{
	unsigned long now = sgfw_flow_now();
	unsigned int budget = SGFW_GC_BUDGET, reaped, unassured;

	spin_lock_bh(&fns->lock);
	reaped = sgfw_wheel_reap(fns, now, &budget, false);
	*busy = !budget;
	unassured = sgfw_unassured_reap(fns, now, &budget);
	reaped += unassured;
	spin_unlock_bh(&fns->lock);
	*busy |= !!unassured;
	if (reaped)
		sgfw_ft_resize_check();
	return reaped;
}

static void sgfw_flow_ns_gc_worker(struct work_struct *work)
{
	struct sgfw_flow_ns *fns = container_of(to_delayed_work(work),
						struct sgfw_flow_ns, gc);
	bool busy;

	if (sgfw_flow_ns_gc_paused())
		return;
	__sgfw_flow_ns_gc(fns, &busy);
	/*
	 * Deferrable: an idle CPU is not woken for it, and expired flows are
	 * invisible anyway.  Go on at once while there is much to do (with
	 * no timer, which an idle CPU would defer: a million flows that
	 * expire together are gone in seconds); stop when the namespace has
	 * no flow (the next new flow starts it).
	 */
	if (busy)
		queue_delayed_work(system_power_efficient_wq, &fns->gc, 0);
	else if (atomic_read(&fns->count))
		queue_delayed_work(system_power_efficient_wq, &fns->gc,
				   SGFW_GC_INTERVAL);
}

/**
 * sgfw_flow_ns_init() - set up a namespace's share of the table.
 * @fns: the share, in the namespace's struct sgfw_net.
 * @net: the namespace.
 * @limit: the most flows it may have.
 *
 * Context: process, the namespace's pernet init.
 */
void sgfw_flow_ns_init(struct sgfw_flow_ns *fns, const struct net *net,
		       u32 limit)
{
	int i;

	atomic_set(&fns->count, 0);
	fns->limit = limit;
	atomic64_set(&fns->exceeded, 0);
	atomic64_set(&fns->bucket_full, 0);
	atomic64_set(&fns->evicted, 0);
	atomic64_set(&fns->nomem, 0);
	spin_lock_init(&fns->lock);
	fns->n_unassured = 0;
	fns->wheel_next = sgfw_tick(sgfw_flow_now());
	INIT_LIST_HEAD(&fns->unassured);
	for (i = 0; i < SGFW_WHEEL_SLOTS; i++)
		INIT_LIST_HEAD(&fns->wheel[i]);
	INIT_DEFERRABLE_WORK(&fns->gc, sgfw_flow_ns_gc_worker);
	fns->memcg = NULL;
	fns->net = net;
	fns->id = 0;
	fns->dev_next = 0;
	xa_init_flags(&fns->devs, XA_FLAGS_ALLOC);
}

/**
 * sgfw_flow_ns_exit() - tear down a namespace's share, once it is empty.
 * @fns: the share.
 *
 * Context: process, the namespace's pernet exit, after its hooks are gone
 * and its flows flushed: nothing can start the reaper again.
 */
void sgfw_flow_ns_exit(struct sgfw_flow_ns *fns)
{
	cancel_delayed_work_sync(&fns->gc);
	WARN_ON_ONCE(atomic_read(&fns->count));
	mem_cgroup_put(fns->memcg);
	fns->memcg = NULL;
	/* No flow carries its number now: it may go to another namespace. */
	mutex_lock(&sgfw_ft_reg_mutex);
	WARN_ON_ONCE(!xa_empty(&fns->devs));
	xa_destroy(&fns->devs);
	if (fns->id)
		xa_erase(&sgfw_ft_nss, fns->id);
	fns->id = 0;
	mutex_unlock(&sgfw_ft_reg_mutex);
}

/**
 * sgfw_flow_ns_set_memcg() - charge a namespace's flows to a memory cgroup.
 * @fns: the namespace's share.
 *
 * Flows are allocated in softirq, where no task's cgroup applies: they are
 * charged to the cgroup of the task that first configured the namespace
 * (its configuration objects are charged to it too), so that a namespace
 * pays for its own table.
 *
 * Context: process, the configuration lock (the RTNL).
 */
void sgfw_flow_ns_set_memcg(struct sgfw_flow_ns *fns)
{
	ASSERT_RTNL();
	if (!READ_ONCE(fns->memcg) && current->mm)
		WRITE_ONCE(fns->memcg, get_mem_cgroup_from_mm(current->mm));
}

/* ---- the lines -------------------------------------------------------- */

/*
 * Where sgfw_ft_scan() found room for a new flow, in the newest table's
 * line of its hash: slot @slot, or with @slot negative the chain's end
 * (*@tail holds @end, the line's nulls marker).  @len: the flows of the
 * new flow's namespace in the chains walked, the table's and, during a
 * resize, the older one's.
 */
struct sgfw_ft_room {
	struct sgfw_ftab *tab;
	unsigned int line;
	int slot;
	struct sgfw_flow __rcu **tail;
	struct sgfw_flow *end;
	unsigned int len;
};

/*
 * Look at the lines of hash @h before an insert (in the table, and in the
 * one a resize moves it to): unlink the expired flows it meets, and find
 * the live flow of @t if there is one; else fill *@room.
 *
 * The flow of @t can only be in a slot of its tag, or in the chain if the
 * line's filter has its bit: no other slot is dereferenced, and the chain
 * is walked only then, or when there is no free slot (the flow would join
 * the chain, whose flows of its namespace are counted against the cap),
 * and always during a resize.  When the filter lacks the flow's bit, the
 * flow is not in the line, and the filter word's slot bits name a free
 * slot if there is one: the line is not read at all (nor is one whose
 * filter is empty, which holds nothing: a bit is set before its flow is
 * linked, and cleared under this lock once no flow needs it), so the
 * insert does not wait for it; the lookup that missed prefetched it for
 * the store.
 */
static struct sgfw_flow *sgfw_ft_scan(u32 h, unsigned long now, u32 key,
				      const struct sgfw_tuple *t,
				      struct sgfw_ft_room *room)
{
	u8 tag = sgfw_hash_tag(h), bit = sgfw_tag_bit(tag);
	spinlock_t *lock = sgfw_ft_lock(h);
	struct sgfw_flow __rcu **link;
	struct sgfw_ft_at at;
	struct sgfw_line *lw;
	struct sgfw_flow *f;
	bool resizing, rev;
	unsigned int s;
	u16 bits;

	lockdep_assert_held(lock);
	room->len = 0;
	resizing = sgfw_ft_future(sgfw_ft_tab());
	for (at.tab = sgfw_ft_tab(); at.tab; at.tab = sgfw_ft_future(at.tab)) {
		at.line = sgfw_ft_line(at.tab, h);
		lw = &at.tab->lines[at.line];
		room->tab = at.tab;
		room->line = at.line;
		room->slot = -1;
		room->tail = &lw->chain;
		room->end = sgfw_nulls(at.tab, at.line);
		bits = READ_ONCE(at.tab->filter[at.line]);
		if (!bits) {
			room->slot = 0;
			continue;
		}
		if (!(bits & bit) && (~bits & SGFW_FILTER_SLOTS) && !resizing) {
			room->slot = __ffs(~bits & SGFW_FILTER_SLOTS) - 8;
			continue;
		}
		at.slot = true;
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			f = sgfw_line_deref(lw->slot[s], lock);
			if (f && sgfw_slot_tag(f) == (tag & SGFW_FT_TAG_MASK)) {
				f = sgfw_slot_flow(f);
				at.link = &lw->slot[s];
				if (sgfw_flow_expired(f, now)) {
					if (sgfw_flow_reap_at(f, &at))
						f = NULL;
				} else if (sgfw_flow_match(f, key, t, &rev)) {
					return f;
				}
			}
			if (!f && room->slot < 0)
				room->slot = s;
		}
		if (!(bits & bit) && room->slot >= 0 && !resizing)
			continue;
		at.slot = false;
		link = &lw->chain;
		while (!sgfw_is_nulls(f = sgfw_line_deref(*link, lock))) {
			at.link = link;
			if (sgfw_flow_expired(f, now) && sgfw_flow_reap_at(f, &at))
				continue;
			if (sgfw_flow_match(f, key, t, &rev))
				return f;
			if (sgfw_key_ns(f->key) == sgfw_key_ns(key))
				room->len++;
			link = &f->next;
		}
		room->tail = link;
		room->end = f;
	}
	return NULL;
}

/*
 * Unlink the expired flows of the slots of the lines of hash @h, which a
 * scan does not look at unless they have the new flow's tag: before a new
 * flow is refused for the cap.  The bucket lock of @h.
 * Return: how many it unlinked.
 */
static unsigned int sgfw_ft_reap_slots(u32 h, unsigned long now)
{
	spinlock_t *lock = sgfw_ft_lock(h);
	unsigned int s, n = 0;
	struct sgfw_ft_at at;
	struct sgfw_line *lw;
	struct sgfw_flow *f;

	at.slot = true;
	for (at.tab = sgfw_ft_tab(); at.tab; at.tab = sgfw_ft_future(at.tab)) {
		at.line = sgfw_ft_line(at.tab, h);
		lw = &at.tab->lines[at.line];
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			f = sgfw_slot_flow(sgfw_line_deref(lw->slot[s], lock));
			at.link = &lw->slot[s];
			if (f && sgfw_flow_expired(f, now) &&
			    sgfw_flow_reap_at(f, &at))
				n++;
		}
	}
	return n;
}

/*
 * May @fns have a flow in the table?  Not before its first device, nor
 * while it counts none (a flow is counted before it is linked).
 */
static bool sgfw_flow_ns_has_flows(const struct sgfw_flow_ns *fns)
{
	return fns->id && atomic_read(&fns->count);
}

static bool sgfw_flow_ns_full(struct sgfw_flow_ns *fns)
{
	return (u32)atomic_read(&fns->count) >= READ_ONCE(fns->limit);
}

/*
 * Exactly full: one flow freed makes room.  A namespace whose limit was
 * lowered below its count waits for its flows to go by themselves.
 */
static bool sgfw_flow_ns_at_limit(struct sgfw_flow_ns *fns)
{
	return (u32)atomic_read(&fns->count) == READ_ONCE(fns->limit);
}

/* Is @f, which carries the tuple looked up, one a lookup may return? */
static bool sgfw_flow_live(const struct sgfw_flow *f, unsigned long now)
{
	/*
	 * An expired flow may still share the line with the new flow of the
	 * same tuple, until the reaper comes by.
	 */
	return !sgfw_flow_expired(f, now) &&
	       !(READ_ONCE(f->flags) & SGFW_FLOW_F_DEAD);
}

/**
 * sgfw_flow_lookup() - the live flow a packet belongs to.
 * @key: the key of the device it is seen on (struct sgfw_flow_dev).
 * @t: its tuple.
 * @hash: sgfw_flow_hash() of the two.
 * @reply: set to true when @t runs opposite to the flow's opener.
 *
 * Context: rcu_read_lock().  The flow stays valid until rcu_read_unlock().
 * Return: the flow, or NULL (also for an expired one).
 */
struct sgfw_flow *sgfw_flow_lookup(u32 key, const struct sgfw_tuple *t,
				   u32 hash, bool *reply)
{
	struct sgfw_ftab *next, *tab = rcu_dereference(sgfw_ft.tab);
	unsigned int tag = sgfw_hash_tag(hash) & SGFW_FT_TAG_MASK;
	unsigned long now = sgfw_flow_now();
	u8 bit = sgfw_tag_bit(tag);
	struct sgfw_flow *f, *w;
	struct sgfw_line *lw;
	unsigned int l, s;
	bool rev;

next_table:
	l = sgfw_ft_line(tab, hash);
	lw = &tab->lines[l];
	/*
	 * The line is needed either way: by the lookup if the filter lets
	 * us in, by the insert if the packet opens a flow.  Fetched beside
	 * the filter, not after it.
	 */
	prefetch(lw);
	/* Not in this line, says its filter: no need to read it. */
	if (!(READ_ONCE(tab->filter[l]) & bit))
		goto miss;
	for (s = 0; s < SGFW_LINE_SLOTS; s++) {
		w = rcu_dereference(lw->slot[s]);
		if (sgfw_slot_tag(w) != tag || !w)
			continue;
		f = sgfw_slot_flow(w);
		if (sgfw_flow_match(f, key, t, &rev) && sgfw_flow_live(f, now)) {
			*reply = rev;
			return f;
		}
	}
again:
	for (f = rcu_dereference(lw->chain); !sgfw_is_nulls(f);
	     f = rcu_dereference(f->next)) {
		if (sgfw_flow_match(f, key, t, &rev) && sgfw_flow_live(f, now)) {
			*reply = rev;
			return f;
		}
	}
	/* A resize took us into another chain: walk ours again. */
	if (f != sgfw_nulls(tab, l))
		goto again;
miss:
	/*
	 * Pairs with the order of sgfw_ft_rehash(): future, then each flow
	 * linked in it before it leaves this table, then the filter cleared.
	 */
	smp_rmb();
	next = rcu_dereference(tab->future);
	if (next) {
		tab = next;
		goto next_table;
	}
	/* Where the flow goes if this packet opens it. */
	prefetchw(lw);
	return NULL;
}

/*
 * A new flow, charged to its namespace's memory cgroup.  GFP_NOWAIT, not
 * GFP_ATOMIC: without __GFP_HIGH the charge respects the cgroup's limit
 * (an atomic one may pass it), and a flood of new flows does not eat into
 * the reserves the rest of the network stack needs in softirq.
 */
static struct sgfw_flow *sgfw_flow_alloc(struct sgfw_flow_ns *fns)
{
	struct mem_cgroup *old = set_active_memcg(READ_ONCE(fns->memcg));
	struct sgfw_flow *f;

	f = kmem_cache_alloc(sgfw_ft.cache, GFP_NOWAIT | __GFP_NOWARN);
	set_active_memcg(old);
	return f;
}

/**
 * sgfw_flow_create_ex() - insert a new flow for @t, opened by @t's source.
 * @fd: the device it is seen on.
 * @t: its tuple.
 * @hash: sgfw_flow_hash() of @fd's key and @t.
 * @init: what the flow starts with.
 * @created: set when this call inserted the flow it returns.
 *
 * Counts against @fd's namespace.  If a live flow for @t exists already
 * (another CPU
 * raced us), that one is returned and nothing is inserted.  Either way the
 * flow counts the opening packet.  Expired flows the insert meets in the
 * line are reaped first, and those of every slot before the cap refuses
 * it, so that they neither fill the line nor the namespace; a full
 * namespace reclaims its due flows, then evicts its oldest unassured one.
 *
 * Context: rcu_read_lock(), any context; allocates GFP_NOWAIT.
 * Return: the flow, or ERR_PTR(-ENOSPC), -EBUSY or -ENOMEM (flowtable.h).
 */
struct sgfw_flow *sgfw_flow_create_ex(const struct sgfw_flow_dev *fd,
				      const struct sgfw_tuple *t, u32 hash,
				      const struct sgfw_flow_init *init,
				      bool *created)
{
	spinlock_t *lock = sgfw_ft_lock(hash);
	unsigned long now = sgfw_flow_now();
	struct sgfw_flow_ns *fns = fd->fns;
	struct sgfw_flow *f = NULL, *old;
	union sgfw_flow_sw sw = {};
	struct sgfw_ft_room room;
	struct sgfw_line *lw;
	u32 key = fd->key;
	u16 *filter;

	if (sgfw_flow_ns_full(fns) &&
	    !(sgfw_flow_ns_at_limit(fns) && sgfw_flow_ns_make_room(fns, now))) {
		/* No room; but another CPU may have made our flow already. */
		spin_lock_bh(lock);
		old = sgfw_ft_scan(hash, now, key, t, &room);
		if (old)
			goto exists;
		spin_unlock_bh(lock);
		goto err_full;
	}

	f = sgfw_flow_alloc(fns);
	if (!f) {
		atomic64_inc(&fns->nomem);
		return ERR_PTR(-ENOMEM);
	}
	/* Its address leaves the slot tag's bits free. */
	DEBUG_NET_WARN_ON_ONCE((unsigned long)f & SGFW_FT_TAG_MASK);
	f->key = key;
	/* Its padding too: a tuple compares whole (the KUnit suites do). */
	memset(&f->t, 0, sizeof(f->t));
	f->t.af = t->af;
	f->t.proto = t->proto;
	sgfw_addr_copy(t->af, &f->t.src, &t->src);
	sgfw_addr_copy(t->af, &f->t.dst, &t->dst);
	f->t.sport = t->sport;
	f->t.dport = t->dport;
	sw.state = init->state;
	sw.flags = init->flags & ~(SGFW_FLOW_F_DEAD | SGFW_FLOW_F_ON_WHEEL |
				   SGFW_FLOW_F_REPLIED | SGFW_FLOW_F_ASSURED);
	sw.pstate = init->pstate;
	sw.tag = sgfw_hash_tag(hash);
	atomic_set(&f->sw, sw.word);
	f->deadline = (u32)(now + init->timeout);
	f->start = (u32)ktime_get_boottime_seconds();
	f->sg_id = init->sg_id;
	f->rule_id = init->rule_id;
	atomic64_set(&f->packets, 1);
	atomic64_set(&f->bytes, init->len);
	f->seq_end[0] = init->seq_end[0];
	f->seq_end[1] = init->seq_end[1];

	spin_lock_bh(lock);
again:
	old = sgfw_ft_scan(hash, now, key, t, &room);
	if (old)
		goto exists;
	if (room.slot < 0 &&
	    room.len >= SGFW_FT_CHAIN_MAX - SGFW_LINE_SLOTS) {
		/* Expired flows in the slots make room, if any. */
		if (sgfw_ft_reap_slots(hash, now))
			goto again;
		spin_unlock_bh(lock);
		kmem_cache_free(sgfw_ft.cache, f);
		atomic64_inc(&fns->bucket_full);
		net_warn_ratelimited("a flow table line holds %u flows of a namespace in its chain, new flow refused\n",
				     room.len);
		return ERR_PTR(-EBUSY);
	}
	if ((u32)atomic_inc_return(&fns->count) > READ_ONCE(fns->limit)) {
		atomic_dec(&fns->count);
		spin_unlock_bh(lock);
		kmem_cache_free(sgfw_ft.cache, f);
		goto err_full;
	}
	spin_lock(&fns->lock);
	list_add_tail(&f->lru, &fns->unassured);
	fns->n_unassured++;
	spin_unlock(&fns->lock);
	/*
	 * In a free slot, or at the tail of the chain: never moving a flow of
	 * the line, so that a dump that resumes at a position in it never
	 * sees a flow twice.  Orders the stores above, its bit in the filter
	 * among them, before the flow is seen.
	 */
	filter = &room.tab->filter[room.line];
	WRITE_ONCE(*filter, *filter | sgfw_tag_bit(sw.tag) |
		   (room.slot >= 0 ? SGFW_FILTER_SLOT(room.slot) : 0));
	lw = &room.tab->lines[room.line];
	if (room.slot >= 0) {
		RCU_INIT_POINTER(f->next, sgfw_nulls(room.tab, room.line));
		rcu_assign_pointer(lw->slot[room.slot],
				   sgfw_slot_word(f, sw.tag));
	} else {
		RCU_INIT_POINTER(f->next, room.end);
		rcu_assign_pointer(*room.tail, f);
	}
	/* Under the lock its unlink takes to count it down. */
	if (fd->flows)
		this_cpu_inc(*fd->flows);
	spin_unlock_bh(lock);
	percpu_counter_inc(&sgfw_ft_ctl.count);
	*created = true;
	sgfw_flow_ns_gc_kick(fns);
	if (unlikely(percpu_counter_read(&sgfw_ft_ctl.count) >
		     (s64)sgfw_ft_tab()->size * SGFW_FT_GROW_LOAD))
		sgfw_ft_resize_check();
	return f;

exists:
	*created = false;
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
	u32 h = sgfw_flow_hash_of(flow);
	spinlock_t *lock = sgfw_ft_lock(h);
	struct sgfw_ft_at at;

	DEBUG_NET_WARN_ON_ONCE(sgfw_key_ns(flow->key) != fns->id);
	spin_lock_bh(lock);
	/* The reaper, a flush or another CPU may have been first. */
	if (sgfw_ft_find(h, flow, &at))
		sgfw_flow_unlink(fns, flow, &at, SGFW_END_FLUSHED);
	spin_unlock_bh(lock);
}

/**
 * sgfw_flow_assured() - a flow became assured: it may no longer be evicted.
 * @fns: its namespace's share.
 * @flow: the flow.
 *
 * Context: rcu_read_lock(), any context.
 */
void sgfw_flow_assured(struct sgfw_flow_ns *fns, struct sgfw_flow *flow)
{
	u8 flags;

	DEBUG_NET_WARN_ON_ONCE(sgfw_key_ns(flow->key) != fns->id);
	spin_lock_bh(&fns->lock);
	flags = READ_ONCE(flow->flags);
	/* Dead: off every list; on the wheel: the reaper was first. */
	if (!(flags & (SGFW_FLOW_F_DEAD | SGFW_FLOW_F_ON_WHEEL)))
		sgfw_flow_to_wheel(fns, flow);
	spin_unlock_bh(&fns->lock);
}

/**
 * sgfw_flow_requeue() - place a flow whose deadline came nearer.
 * @fns: its namespace's share.
 * @flow: the flow.
 *
 * A flow on the unassured list stays there: the reaper rotates through it.
 * Context: rcu_read_lock(), any context.
 */
void sgfw_flow_requeue(struct sgfw_flow_ns *fns, struct sgfw_flow *flow)
{
	u8 flags;

	DEBUG_NET_WARN_ON_ONCE(sgfw_key_ns(flow->key) != fns->id);
	spin_lock_bh(&fns->lock);
	flags = READ_ONCE(flow->flags);
	if ((flags & SGFW_FLOW_F_ON_WHEEL) && !(flags & SGFW_FLOW_F_DEAD))
		list_move_tail(&flow->lru, sgfw_wheel_slot(fns, flow));
	spin_unlock_bh(&fns->lock);
}

/*
 * What a flush removes: the flows of @fns's namespace that @match (if any)
 * takes, only those still live at @now with @live.  Context: RCU.
 */
struct sgfw_flush {
	struct sgfw_flow_ns *fns;
	bool (*match)(const struct sgfw_flow *f, const void *arg);
	const void *arg;
	bool live;
	unsigned long now;
	int reason;
};

static bool sgfw_flow_flushed(const struct sgfw_flow *f,
			      const struct sgfw_flush *fl)
{
	return sgfw_key_ns(f->key) == fl->fns->id &&
	       (!fl->live || !sgfw_flow_expired(f, fl->now)) &&
	       (!fl->match || fl->match(f, fl->arg));
}

/*
 * Unlink the flows of line @l of @tab that @fl takes.  Its bucket lock, and
 * RCU.  Return: how many.
 */
static unsigned int sgfw_line_flush(struct sgfw_ftab *tab, unsigned int l,
				    const struct sgfw_flush *fl)
{
	spinlock_t *lock = sgfw_ft_line_lock(tab, l);
	struct sgfw_line *lw = &tab->lines[l];
	struct sgfw_ft_at at = { .tab = tab, .line = l };
	unsigned int s, removed = 0;
	struct sgfw_flow *f;

	at.slot = true;
	for (s = 0; s < SGFW_LINE_SLOTS; s++) {
		f = sgfw_slot_flow(sgfw_line_deref(lw->slot[s], lock));
		if (f && sgfw_flow_flushed(f, fl)) {
			at.link = &lw->slot[s];
			sgfw_flow_unlink(fl->fns, f, &at, fl->reason);
			removed++;
		}
	}
	at.slot = false;
	at.link = &lw->chain;
	while (!sgfw_is_nulls(f = sgfw_line_deref(*at.link, lock))) {
		if (sgfw_flow_flushed(f, fl)) {
			sgfw_flow_unlink(fl->fns, f, &at, fl->reason);
			removed++;
		} else {
			at.link = &f->next;
		}
	}
	return removed;
}

/*
 * Let the others that wait for the table's mutex have it, between lines
 * of a walk or a flush of the whole table (which takes long on a large
 * one): a resize, another namespace's dump or flush, and a device's
 * removal, which waits for it under the RTNL.  Return: the table, which a
 * resize may have replaced meanwhile.
 */
static struct sgfw_ftab *sgfw_ft_yield(void)
{
	mutex_unlock(&sgfw_ft_ctl.mutex);
	cond_resched();
	mutex_lock(&sgfw_ft_ctl.mutex);
	return sgfw_ft_tab();
}

/* Context: process; may sleep.  Return: the flows it removed. */
static unsigned int sgfw_flowtable_flush_some(const struct sgfw_flush *fl)
{
	unsigned int l = 0, s, removed = 0;
	struct sgfw_ftab *tab, *now;
	struct sgfw_flow *f;
	spinlock_t *lock;	/* of the line */

	might_sleep();
	/*
	 * No resize while it holds the mutex: every flow is in @tab.  One
	 * while it let go moved them all: it starts again in the new table.
	 */
	mutex_lock(&sgfw_ft_ctl.mutex);
	tab = sgfw_ft_tab();
	while (l < tab->nlines) {
		/* Most lines hold nothing of ours: look before locking. */
		rcu_read_lock();
		f = NULL;
		if (READ_ONCE(tab->filter[l])) {
			while ((f = sgfw_line_next(&tab->lines[l], f, &s)))
				if (sgfw_flow_flushed(f, fl))
					break;
		}
		rcu_read_unlock();

		if (f) {
			lock = sgfw_ft_line_lock(tab, l);
			spin_lock_bh(lock);
			rcu_read_lock();
			removed += sgfw_line_flush(tab, l, fl);
			rcu_read_unlock();
			spin_unlock_bh(lock);
		}
		if (!(++l & 1023)) {
			now = sgfw_ft_yield();
			if (now != tab) {
				tab = now;
				l = 0;
			}
		}
	}
	mutex_unlock(&sgfw_ft_ctl.mutex);
	/* Many flows may have gone: perhaps the table is too large now. */
	sgfw_ft_resize_check();
	return removed;
}

static bool sgfw_flow_of_dev(const struct sgfw_flow *f, const void *arg)
{
	return f->key == ((const struct sgfw_flow_dev *)arg)->key;
}

/**
 * sgfw_flowtable_flush() - remove the flows of a namespace or a device.
 * @fns: the namespace's share.
 * @fd: a device of it, or NULL for all of them.
 * @reason: why (enum sgfw_end_reason), for the flows' end events.
 *
 * Every flow unlinked here leaves @fns's count, so a flush of a namespace
 * whose hooks are gone leaves it at 0.
 *
 * Context: process; may sleep.
 */
void sgfw_flowtable_flush(struct sgfw_flow_ns *fns,
			  const struct sgfw_flow_dev *fd, int reason)
{
	struct sgfw_flush fl = {
		.fns = fns,
		.match = fd ? sgfw_flow_of_dev : NULL,
		.arg = fd,
		.reason = reason,
	};

	/* A namespace that never had a device has no flow. */
	if (fns->id)
		sgfw_flowtable_flush_some(&fl);
}

/**
 * sgfw_flowtable_flush_if() - remove the live flows of a namespace that
 * match.
 * @fns: the namespace's share.
 * @match: called under RCU (and a bucket's lock) for each live flow of
 *	the namespace; NULL takes them all.
 * @arg: for @match.
 *
 * Flows that expired are left to the reaper.
 * Context: process; may sleep.
 * Return: how many flows it removed.
 */
unsigned int sgfw_flowtable_flush_if(struct sgfw_flow_ns *fns,
				     bool (*match)(const struct sgfw_flow *f,
						   const void *arg),
				     const void *arg)
{
	struct sgfw_flush fl = {
		.fns = fns,
		.match = match,
		.arg = arg,
		.live = true,
		.now = sgfw_flow_now(),
		.reason = SGFW_END_FLUSHED,
	};

	return sgfw_flow_ns_has_flows(fns) ? sgfw_flowtable_flush_some(&fl) : 0;
}

/* The ports of a flow, as struct sgfw_flow_pos keeps them. */
static u32 sgfw_flow_pos_ports(const struct sgfw_flow *f)
{
	return (u32)ntohs(f->t.sport) << 16 | ntohs(f->t.dport);
}

/*
 * Where a walk at @pos goes on in @tab: a resize since @pos was in a table
 * of another size makes it go on from the same line number in a larger
 * table, or start again in a smaller one (sgfw_flowtable_walk()).
 */
static void sgfw_flow_pos_at(struct sgfw_flow_pos *pos,
			     const struct sgfw_ftab *tab)
{
	if (pos->size == tab->size)
		return;
	if (pos->size > tab->size)
		pos->bucket = 0;
	pos->flow = 0;
	pos->size = tab->size;
}

/**
 * sgfw_flowtable_walk() - call @fn for every live flow of a namespace.
 * @fns: the namespace's share.
 * @pos: where to start (zeroed at first), and where the next call starts.
 * @fn: takes one flow, told whether it is the first of its line in this
 *	call; returns 0, SGFW_WALK_AGAIN to stop and have the next call walk
 *	the line again from its start (a dump that gives up a line's first
 *	flows so that the line goes out whole in the next message), or a
 *	negative error to stop and have the next call resume at this flow.
 * @arg: for @fn.
 *
 * A line is walked in the order of its slots, then of its chain.  A
 * resumed walk looks for the flow it stopped at (by address and ports,
 * which never dereferences a flow that may be gone).  A new flow takes a
 * free slot or joins the chain at its tail (sgfw_ft_scan()), and no flow
 * moves within its line, so the walk then repeats nothing and skips no
 * flow the line held when it stopped (one linked meanwhile in a slot
 * before that flow is not seen, as one in a line already walked is not);
 * if that flow has left the table, the walk takes its line again from the
 * start, and may return some flows of it twice (as ctnetlink does).  A
 * resize between two calls (@pos remembers the size) makes the walk go on
 * from the same line number in a larger table, where the flows of the
 * lines it has done are in that line, earlier ones or later ones (seen
 * twice, never missed: a doubled table's line l holds the flows of the old
 * line l / 2), or start again in a smaller one; so does one while the walk
 * let go of the table's mutex.  It may take long on a large table: it
 * never runs under the RTNL, which every other namespace needs, and it
 * holds off a resize, and other walks and flushes, for 1024 lines at most
 * (sgfw_ft_yield()).
 *
 * Context: process; takes rcu_read_lock() itself and calls @fn under it.
 * Return: 0 when the walk is complete, else what @fn returned.
 */
int sgfw_flowtable_walk(const struct sgfw_flow_ns *fns,
			struct sgfw_flow_pos *pos,
			int (*fn)(const struct sgfw_flow *flow, bool first,
				  void *arg),
			void *arg)
{
	unsigned long now = sgfw_flow_now();
	const struct sgfw_flow *f;
	struct sgfw_ftab *tab;
	unsigned int s;
	int err = 0;
	bool first;

	if (IS_ENABLED(CONFIG_PROVE_LOCKING))
		WARN_ON_ONCE(lockdep_rtnl_is_held());
	/* Nothing to walk the whole table for (a user namespace's dumps). */
	if (!sgfw_flow_ns_has_flows(fns))
		return 0;
	mutex_lock(&sgfw_ft_ctl.mutex);
	tab = sgfw_ft_tab();
	sgfw_flow_pos_at(pos, tab);
	while (pos->bucket < tab->nlines) {
again:
		first = true;
		rcu_read_lock();
		f = NULL;
		/* An empty filter: nothing in the line. */
		if (!READ_ONCE(tab->filter[pos->bucket]))
			goto next;
		while ((f = sgfw_line_next(&tab->lines[pos->bucket], f, &s))) {
			if (sgfw_key_ns(f->key) != fns->id ||
			    sgfw_flow_expired(f, now) ||
			    (READ_ONCE(f->flags) & SGFW_FLOW_F_DEAD))
				continue;
			if (pos->flow) {
				if ((unsigned long)f != pos->flow ||
				    sgfw_flow_pos_ports(f) != pos->ports)
					continue;
				pos->flow = 0;
			}
			err = fn(f, first, arg);
			first = false;
			if (err) {
				/* Read while @f cannot be freed. */
				if (err != SGFW_WALK_AGAIN) {
					pos->flow = (unsigned long)f;
					pos->ports = sgfw_flow_pos_ports(f);
				}
				rcu_read_unlock();
				goto out;
			}
		}
next:
		rcu_read_unlock();
		if (pos->flow) {
			/* The flow to resume at has gone. */
			pos->flow = 0;
			goto again;
		}
		if (!(++pos->bucket & 1023)) {
			tab = sgfw_ft_yield();
			sgfw_flow_pos_at(pos, tab);
		}
	}
out:
	mutex_unlock(&sgfw_ft_ctl.mutex);
	return err;
}

/**
 * sgfw_flowtable_init() - allocate the table.
 *
 * Context: process, module init.
 * Return: 0 or -ENOMEM.
 */
int sgfw_flowtable_init(void)
{
	unsigned int size = hashsize, i, n;
	struct sgfw_ftab *tab;

	/* The memory goal per flow; see the top of this file. */
	BUILD_BUG_ON(sizeof(struct sgfw_flow) > 128);
	/* A line is a cache line on 64-bit: seven slots and a chain. */
	BUILD_BUG_ON(sizeof(struct sgfw_line) != 8 * sizeof(void *));
	BUILD_BUG_ON(SGFW_FT_MIN_SIZE % SGFW_FT_LINE_DIV ||
		     !is_power_of_2(SGFW_FT_LINE_DIV));
	/* The slot tag and the filter bit are the tag's low bits. */
	BUILD_BUG_ON((SGFW_FT_TAG_MASK & 7) != 7 ||
		     (SGFW_FT_TAG_MASK & ~0xffUL));
	BUILD_BUG_ON(sizeof(struct list_head) != sizeof(struct rcu_head));
	BUILD_BUG_ON(sizeof(union sgfw_flow_sw) != sizeof(atomic_t));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, flags) -
		     offsetof(struct sgfw_flow, state) !=
		     offsetof(union sgfw_flow_sw, flags));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, pstate) -
		     offsetof(struct sgfw_flow, state) !=
		     offsetof(union sgfw_flow_sw, pstate));
	BUILD_BUG_ON(offsetof(struct sgfw_flow, sw) !=
		     offsetof(struct sgfw_flow, state));
	BUILD_BUG_ON(!is_power_of_2(SGFW_FT_LOCKS));
	BUILD_BUG_ON(!is_power_of_2(SGFW_WHEEL_SLOTS));

	size = roundup_pow_of_two(clamp(size, SGFW_FT_MIN_SIZE,
					SGFW_FT_MAX_SIZE));
	if (size != hashsize) {
		pr_warn("hashsize %u is not a power of two from %u to %u: using %u\n",
			hashsize, SGFW_FT_MIN_SIZE, SGFW_FT_MAX_SIZE, size);
		hashsize = size;
	}
	size = roundup_pow_of_two(clamp(hashsize_max, hashsize,
					SGFW_FT_MAX_SIZE));
	if (size != hashsize_max) {
		pr_warn("hashsize_max %u is not a power of two from hashsize to %u: using %u\n",
			hashsize_max, SGFW_FT_MAX_SIZE, size);
		hashsize_max = size;
	}

	/*
	 * The bucket locks: the lines of the smallest table halved while they
	 * are more than SGFW_FT_LOCKS (704 for hashsize 2048 and up), so that
	 * every larger size has a whole number of lines per lock.
	 */
	for (n = sgfw_ft_nlines(hashsize); n > SGFW_FT_LOCKS; n /= 2)
		;
	sgfw_ft.nlocks = n;

	mutex_init(&sgfw_ft_ctl.mutex);
	INIT_WORK(&sgfw_ft_ctl.resize, sgfw_ft_resize_worker);
	if (percpu_counter_init(&sgfw_ft_ctl.count, 0, GFP_KERNEL))
		return -ENOMEM;
	tab = sgfw_ftab_alloc(hashsize, GFP_KERNEL);
	if (!tab)
		goto err_count;
	RCU_INIT_POINTER(sgfw_ft.tab, tab);

	/*
	 * No SLAB_HWCACHE_ALIGN: it would round 112 bytes up to 128.  Aligned
	 * to 16 bytes, which 112 is, so that the low bits of a flow's address
	 * are free for its slot tag.  SLAB_ACCOUNT: flows are charged to their
	 * namespace's memory cgroup (sgfw_flow_alloc()).
	 */
	sgfw_ft.cache = kmem_cache_create("sgfw_flow", sizeof(struct sgfw_flow),
					  SGFW_FT_TAG_MASK + 1, SLAB_ACCOUNT,
					  NULL);
	if (!sgfw_ft.cache)
		goto err_tab;

	get_random_bytes(&sgfw_ft.key, sizeof(sgfw_ft.key));
	for (i = 0; i < SGFW_FT_LOCKS; i++)
		spin_lock_init(&sgfw_ft_locks[i]);
	return 0;

err_tab:
	kvfree(tab);
err_count:
	percpu_counter_destroy(&sgfw_ft_ctl.count);
	return -ENOMEM;
}

/**
 * sgfw_flowtable_exit() - free the table.
 *
 * The order: (1) every namespace flushed its flows and stopped its reaper
 * in its pernet exit, so nothing but this function touches the table;
 * (2) any flow left is unlinked and handed to call_rcu(); (3)
 * rcu_barrier(), which waits for the callbacks of every flow freed so far,
 * here and before, so that (4) the cache is empty when it is destroyed;
 * (5) free the lines.  Frees go through call_rcu() with a callback of
 * this module rather than kfree_rcu(): on 6.1, rcu_barrier() does not wait
 * for kfree_rcu()'s batches (kvfree_rcu_barrier() appeared in 6.12), and
 * the cache must not be destroyed under them.
 *
 * Context: process, module exit, after the pernet operations are gone.
 */
void sgfw_flowtable_exit(void)
{
	unsigned int l, s, left = 0;
	struct sgfw_ftab *tab;
	struct sgfw_line *lw;
	struct sgfw_flow *f;
	spinlock_t *lock;	/* of the line */

	/* No flow left to call for one, but one may be queued. */
	cancel_work_sync(&sgfw_ft_ctl.resize);
	tab = rcu_dereference_protected(sgfw_ft.tab, true);
	for (l = 0; l < tab->nlines; l++) {
		lw = &tab->lines[l];
		lock = sgfw_ft_line_lock(tab, l);
		spin_lock_bh(lock);
		/* Their namespaces and lists are gone: no list_del. */
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			f = sgfw_slot_flow(sgfw_line_deref(lw->slot[s], lock));
			if (!f)
				continue;
			RCU_INIT_POINTER(lw->slot[s], NULL);
			call_rcu(&f->rcu, sgfw_flow_free_rcu);
			left++;
		}
		while (!sgfw_is_nulls(f = sgfw_line_deref(lw->chain, lock))) {
			RCU_INIT_POINTER(lw->chain,
					 sgfw_line_deref(f->next, lock));
			call_rcu(&f->rcu, sgfw_flow_free_rcu);
			left++;
		}
		spin_unlock_bh(lock);
	}
	if (left)
		pr_warn("%u flows outlived their namespaces\n", left);

	rcu_barrier();
	kmem_cache_destroy(sgfw_ft.cache);
	kvfree(tab);
	percpu_counter_destroy(&sgfw_ft_ctl.count);
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
	unsigned int size;

	rcu_read_lock();
	size = rcu_dereference(sgfw_ft.tab)->size;
	rcu_read_unlock();
	return size;
}

/* The line of the table that a flow of @key and @t goes to. */
unsigned int sgfw_flowtable_bucket(u32 key, const struct sgfw_tuple *t)
{
	unsigned int l;

	rcu_read_lock();
	l = sgfw_ft_line(rcu_dereference(sgfw_ft.tab), sgfw_flow_hash(key, t));
	rcu_read_unlock();
	return l;
}

/*
 * Resize the table to @size buckets now, as the resize work does; or let
 * (@pause false) or stop (true) the work resizing it by itself.
 */
int sgfw_flowtable_resize(unsigned int size)
{
	return sgfw_ft_resize(size);
}

void sgfw_flowtable_resize_pause(bool pause)
{
	WRITE_ONCE(sgfw_resize_paused, pause);
	if (pause)
		cancel_work_sync(&sgfw_ft_ctl.resize);
}

/* Is @f, found in line @l of @tab with slot tag @stag (if in a slot), right there? */
static bool sgfw_flow_placed(const struct sgfw_ftab *tab, unsigned int l,
			     const struct sgfw_flow *f, int stag)
{
	u32 h = sgfw_flow_hash_of(f);

	return sgfw_ft_line(tab, h) == l &&
	       READ_ONCE(f->tag) == sgfw_hash_tag(h) &&
	       (stag < 0 || stag == (READ_ONCE(f->tag) & SGFW_FT_TAG_MASK));
}

/*
 * The lines whose filter is not exactly the union of their flows' bits, or
 * that hold a flow that is not theirs or has a wrong tag: none, whenever
 * no insert or removal is under way.
 */
unsigned int sgfw_flowtable_filters_stale(void)
{
	unsigned int l, s, bad = 0;
	struct sgfw_ftab *tab;
	struct sgfw_line *lw;
	struct sgfw_flow *f;
	spinlock_t *lock;	/* of the line */
	bool wrong;

	mutex_lock(&sgfw_ft_ctl.mutex);
	tab = sgfw_ft_tab();
	for (l = 0; l < tab->nlines; l++) {
		lw = &tab->lines[l];
		lock = sgfw_ft_line_lock(tab, l);
		spin_lock_bh(lock);
		wrong = sgfw_line_bits(lw, lock) != tab->filter[l];
		for (s = 0; s < SGFW_LINE_SLOTS; s++) {
			f = sgfw_line_deref(lw->slot[s], lock);
			if (f)
				wrong |= !sgfw_flow_placed(tab, l,
							   sgfw_slot_flow(f),
							   sgfw_slot_tag(f));
		}
		for (f = sgfw_line_deref(lw->chain, lock); !sgfw_is_nulls(f);
		     f = sgfw_line_deref(f->next, lock))
			wrong |= !sgfw_flow_placed(tab, l, f, -1);
		wrong |= f != sgfw_nulls(tab, l);
		if (wrong)
			bad++;
		spin_unlock_bh(lock);
	}
	mutex_unlock(&sgfw_ft_ctl.mutex);
	return bad;
}

unsigned int sgfw_flowtable_chain_max(void)
{
	return SGFW_FT_CHAIN_MAX;
}

unsigned int sgfw_flowtable_line_slots(void)
{
	return SGFW_LINE_SLOTS;
}

/* A flow's bit in its line's filter, 0 to 7. */
unsigned int sgfw_flowtable_tag_bit(u32 key, const struct sgfw_tuple *t)
{
	return ilog2(sgfw_tag_bit(sgfw_hash_tag(sgfw_flow_hash(key, t))));
}

/* A flow's slot tag, 0 to 15. */
unsigned int sgfw_flowtable_tag(u32 key, const struct sgfw_tuple *t)
{
	return sgfw_hash_tag(sgfw_flow_hash(key, t)) & SGFW_FT_TAG_MASK;
}

/*
 * Where @f is in its line: its slot, sgfw_flowtable_line_slots() for the
 * chain, or -1 when it is not linked.
 */
int sgfw_flowtable_slot_of(const struct sgfw_flow *f)
{
	u32 h = sgfw_flow_hash_of(f);
	struct sgfw_ft_at at;
	int ret = -1;

	spin_lock_bh(sgfw_ft_lock(h));
	if (sgfw_ft_find(h, f, &at))
		ret = at.slot ? at.link - at.tab->lines[at.line].slot :
				SGFW_LINE_SLOTS;
	spin_unlock_bh(sgfw_ft_lock(h));
	return ret;
}

unsigned int sgfw_flowtable_cache_size(void)
{
	return kmem_cache_size(sgfw_ft.cache);
}

/*
 * Pause every namespace's reaper (a run in progress ends, none starts), so
 * that a test runs them itself with sgfw_flow_ns_gc_run(); or let them go
 * again.
 */
void sgfw_flowtable_gc_pause(bool pause)
{
	WRITE_ONCE(sgfw_gc_paused, pause);
}

/*
 * One run of a namespace's reaper, as its worker does it, without
 * queueing the next; the worker may be queued by a new flow meanwhile.
 */
unsigned int sgfw_flow_ns_gc_run(struct sgfw_flow_ns *fns)
{
	bool busy;

	return __sgfw_flow_ns_gc(fns, &busy);
}
#endif
