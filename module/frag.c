// SPDX-License-Identifier: GPL-2.0
/*
 * The datagrams whose first fragment passed a port-mode device (frag.h).
 */

#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/lockdep.h>
#include <linux/memcontrol.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "../uapi/linux/sgfw.h"
#include "frag.h"

/*
 * One datagram.  @first: the bytes of payload its first fragment held;
 * @seen: the bytes of payload passed so far; @total: the datagram's
 * payload, known from its last fragment (0 until then).
 */
struct sgfw_frag {
	struct hlist_node node;
	unsigned long expires;
	union sgfw_addr src;
	union sgfw_addr dst;
	u32 id;
	int ifindex;
	u8 af;
	u8 proto;
	u8 dir;
	u32 first;
	u32 seen;
	u32 total;
};

/* The key: RFC 791's (and 8200's) plus where the datagram was seen. */
static u32 sgfw_frag_hash(const struct sgfw_frags *fr, int ifindex, u8 dir,
			  const struct sgfw_pkt *p)
{
	u32 k[11];

	memcpy(k, &p->t.src, sizeof(p->t.src));
	memcpy(k + 4, &p->t.dst, sizeof(p->t.dst));
	k[8] = p->frag.id;
	k[9] = ifindex;
	k[10] = p->t.af | p->t.proto << 8 | dir << 16;
	return jhash2(k, ARRAY_SIZE(k), fr->seed);
}

/*
 * The protocol is part of an IPv4 datagram's key; an IPv6 later fragment
 * names only the first header after its fragment header, which need not
 * be the first's transport protocol: not part of the key there.
 */
static struct sgfw_frag *sgfw_frag_find(struct sgfw_frags *fr, u32 hash,
					int ifindex, u8 dir,
					const struct sgfw_pkt *p)
{
	struct sgfw_frag *f;

	hash_for_each_possible(fr->buckets, f, node, hash)
		if (f->id == p->frag.id && f->ifindex == ifindex &&
		    f->dir == dir && f->af == p->t.af &&
		    f->proto == p->t.proto &&
		    !memcmp(&f->src, &p->t.src, sizeof(f->src)) &&
		    !memcmp(&f->dst, &p->t.dst, sizeof(f->dst)))
			return f;
	return NULL;
}

/* @p as a key: see sgfw_frag_find(). */
static void sgfw_frag_key(const struct sgfw_pkt *p, struct sgfw_pkt *key)
{
	memset(key, 0, sizeof(*key));
	key->t = p->t;
	key->frag = p->frag;
	if (key->t.af == SGFW_AF_INET6)
		key->t.proto = 0;
}

/* Where the datagrams of device @ifindex in direction @dir are counted. */
static unsigned long sgfw_frag_side(int ifindex, u8 dir)
{
	return (unsigned long)(u32)ifindex << 1 |
	       (dir == SGFW_DIRECTION_EGRESS);
}

static unsigned int sgfw_frag_side_count(struct sgfw_frags *fr,
					 unsigned long side)
{
	void *v = xa_load(&fr->sides, side);

	return v ? xa_to_value(v) : 0;
}

/* No room for one more datagram, in the table or on a side holding @n? */
static bool sgfw_frags_full(const struct sgfw_frags *fr, unsigned int n)
{
	return fr->count >= SGFW_MAX_FRAGS || n >= SGFW_FRAGS_PER_SIDE;
}

static void sgfw_frag_forget(struct sgfw_frags *fr, struct sgfw_frag *f)
{
	unsigned long side = sgfw_frag_side(f->ifindex, f->dir);
	unsigned int n = sgfw_frag_side_count(fr, side);

	lockdep_assert_held(&fr->lock);
	WARN_ON_ONCE(!n);
	/* The entry is there: replacing it allocates nothing. */
	if (n > 1)
		xa_store(&fr->sides, side, xa_mk_value(n - 1), GFP_NOWAIT);
	else
		xa_erase(&fr->sides, side);
	hash_del(&f->node);
	fr->count--;
	kfree(f);
}

static struct hlist_head *sgfw_frag_bucket(struct sgfw_frags *fr, u32 hash)
{
	return &fr->buckets[hash_min(hash, HASH_BITS(fr->buckets))];
}

/* Forget the expired datagrams of one bucket, or (NULL) of all. */
static void sgfw_frags_expire(struct sgfw_frags *fr, struct hlist_head *head)
{
	struct sgfw_frag *f;
	struct hlist_node *tmp;
	unsigned int b;

	lockdep_assert_held(&fr->lock);
	if (head) {
		hlist_for_each_entry_safe(f, tmp, head, node)
			if (time_after_eq(jiffies, f->expires))
				sgfw_frag_forget(fr, f);
		return;
	}
	hash_for_each_safe(fr->buckets, b, tmp, f, node)
		if (time_after_eq(jiffies, f->expires))
			sgfw_frag_forget(fr, f);
}

static void sgfw_frags_gc(struct work_struct *work)
{
	struct sgfw_frags *fr = container_of(to_delayed_work(work),
					     struct sgfw_frags, gc);
	bool more;

	spin_lock_bh(&fr->lock);
	sgfw_frags_expire(fr, NULL);
	more = fr->count;
	spin_unlock_bh(&fr->lock);
	if (more)
		schedule_delayed_work(&fr->gc, SGFW_FRAG_TIMEOUT / 4);
}

void sgfw_frags_init(struct sgfw_frags *fr)
{
	spin_lock_init(&fr->lock);
	hash_init(fr->buckets);
	xa_init(&fr->sides);
	atomic64_set(&fr->full, 0);
	fr->seed = get_random_u32();
	INIT_DELAYED_WORK(&fr->gc, sgfw_frags_gc);
}

/* Context: the namespace's exit; its hooks are gone. */
void sgfw_frags_exit(struct sgfw_frags *fr)
{
	struct sgfw_frag *f;
	struct hlist_node *tmp;
	unsigned int b;

	cancel_delayed_work_sync(&fr->gc);
	spin_lock_bh(&fr->lock);
	hash_for_each_safe(fr->buckets, b, tmp, f, node)
		sgfw_frag_forget(fr, f);
	spin_unlock_bh(&fr->lock);
	WARN_ON_ONCE(!xa_empty(&fr->sides));
	xa_destroy(&fr->sides);
}

/*
 * Allocated in softirq, charged to the memory cgroup of the namespace's
 * flows (flowtable.c says why).
 */
static struct sgfw_frag *sgfw_frag_alloc(struct mem_cgroup *memcg)
{
	struct mem_cgroup *old = set_active_memcg(memcg);
	struct sgfw_frag *f;

	f = kmalloc(sizeof(*f), GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	set_active_memcg(old);
	return f;
}

/**
 * sgfw_frag_first() - remember the datagram of a first fragment that
 * passed.
 * @fr: its namespace's table.
 * @memcg: what to charge.
 * @ifindex: the device it passed.
 * @dir: the direction it passed in.
 * @p: the fragment (SGFW_PKT_FRAG, not SGFW_PKT_FRAG_LATER).
 *
 * A copy of a first fragment already remembered changes nothing.  A side
 * or a table that is full first forgets the expired datagrams of the new
 * one's bucket; the others go with the next run of the reaper, within a
 * quarter of SGFW_FRAG_TIMEOUT.
 * Context: the hooks (RCU, softirq or process).
 * Return: 0, or -ENOSPC (the device's side or the table is full) or
 * -ENOMEM: the fragment is then dropped, and so will the rest of its
 * datagram be.
 */
int sgfw_frag_first(struct sgfw_frags *fr, struct mem_cgroup *memcg,
		    int ifindex, u8 dir, const struct sgfw_pkt *p)
{
	unsigned long side = sgfw_frag_side(ifindex, dir);
	struct mem_cgroup *old;
	struct sgfw_frag *f;
	struct sgfw_pkt key;
	unsigned int n;
	int err = 0;
	void *e;
	u32 hash;

	sgfw_frag_key(p, &key);
	hash = sgfw_frag_hash(fr, ifindex, dir, &key);
	f = sgfw_frag_alloc(memcg);
	if (!f)
		return -ENOMEM;
	f->expires = jiffies + SGFW_FRAG_TIMEOUT;
	f->src = p->t.src;
	f->dst = p->t.dst;
	f->id = p->frag.id;
	f->ifindex = ifindex;
	f->af = p->t.af;
	f->proto = key.t.proto;
	f->dir = dir;
	f->first = p->frag.len;
	f->seen = p->frag.len;
	f->total = 0;

	spin_lock_bh(&fr->lock);
	if (sgfw_frag_find(fr, hash, ifindex, dir, &key))
		goto out_free;
	n = sgfw_frag_side_count(fr, side);
	if (sgfw_frags_full(fr, n)) {
		sgfw_frags_expire(fr, sgfw_frag_bucket(fr, hash));
		n = sgfw_frag_side_count(fr, side);
	}
	if (sgfw_frags_full(fr, n)) {
		atomic64_inc(&fr->full);
		err = -ENOSPC;
		goto out_free;
	}
	old = set_active_memcg(memcg);
	e = xa_store(&fr->sides, side, xa_mk_value(n + 1),
		     GFP_NOWAIT | __GFP_NOWARN | __GFP_ACCOUNT);
	set_active_memcg(old);
	if (xa_is_err(e)) {
		err = xa_err(e);
		goto out_free;
	}
	hash_add(fr->buckets, &f->node, hash);
	if (!fr->count++)
		schedule_delayed_work(&fr->gc, SGFW_FRAG_TIMEOUT / 4);
	spin_unlock_bh(&fr->lock);
	return 0;

out_free:
	spin_unlock_bh(&fr->lock);
	kfree(f);
	return err;
}

/**
 * sgfw_frag_later() - may a later fragment pass?
 * @fr: its namespace's table.
 * @ifindex: the device.
 * @dir: the direction.
 * @p: the fragment (SGFW_PKT_FRAG_LATER).
 *
 * Context: the hooks.
 * Return: true when its datagram's first fragment passed here, not long
 * ago, and it does not overlap that one.
 */
bool sgfw_frag_later(struct sgfw_frags *fr, int ifindex, u8 dir,
		     const struct sgfw_pkt *p)
{
	struct sgfw_frag *f;
	struct sgfw_pkt key;
	bool pass = false;
	u32 hash;

	if (!READ_ONCE(fr->count))
		return false;
	sgfw_frag_key(p, &key);
	hash = sgfw_frag_hash(fr, ifindex, dir, &key);
	spin_lock_bh(&fr->lock);
	f = sgfw_frag_find(fr, hash, ifindex, dir, &key);
	if (!f || time_after_eq(jiffies, f->expires) ||
	    p->frag.off < f->first)
		goto out;
	pass = true;
	f->seen += p->frag.len;
	if (!(p->flags & SGFW_PKT_FRAG_MORE))
		f->total = p->frag.off + p->frag.len;
	if (f->total && f->seen >= f->total)
		sgfw_frag_forget(fr, f);
out:
	spin_unlock_bh(&fr->lock);
	return pass;
}
