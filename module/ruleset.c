// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled ruleset of a device and its matcher.
 *
 * Lifetime and locking:
 *
 * - A builder belongs to the one caller that made it (the configuration
 *   code, under its own lock).  It has no lock of its own and may sleep:
 *   every allocation is GFP_KERNEL.
 * - sgfw_ruleset_finish() packs the builder into one allocation, and
 *   builds the classifier of each long list (below); none is ever written
 *   again.  The owner publishes it with rcu_assign_pointer()
 *   and readers find it with rcu_dereference() inside an RCU read-side
 *   section; nothing in a ruleset needs a lock to read.
 * - Each owner (devices alike share one ruleset) drops its reference with
 *   sgfw_ruleset_put() after it has unpublished it; the last one frees the
 *   memory after a grace period, so a reader that found the old ruleset
 *   may finish its walk.  A struct sgfw_crule
 *   returned by sgfw_ruleset_match() lives in the ruleset: it is valid in
 *   the same RCU section only; a flow copies what it keeps (the ids).
 *
 * Matching.  A list of rules (one family and direction, at most 1000 on a
 * device) is searched for its first rule that allows the packet, in build
 * order.  A short list (at most SGFW_RS_LINEAR_MAX rules and as many
 * prefixes of theirs) is walked.  A longer one has a classifier (struct
 * sgfw_rs_index), in the manner of the bit-vector schemes of packet
 * classification (Lakshman and Stiliadis, SIGCOMM 1998): each of two
 * dimensions cuts its key space into intervals, and an interval names the
 * set of rules (a bitmap of their places in the list) that a key in it may
 * match:
 * - the protocol and service port: per class of protocol (tcp, udp, the
 *   family's icmp, any other), the port ranges of the rules;
 * - the peer address: the CIDRs of the rules and prefix lists, as address
 *   ranges.  A rule whose peer is a group (sorted host addresses, searched
 *   by halves) is in every interval, and so is one open to every address.
 * A packet costs a binary search in each dimension (at most 12 steps for
 * 2001 intervals), an AND of two bitmaps of 16 words for 1000 rules, and
 * the exact test of the rules left, in order, until one matches: the sets
 * are supersets (a group's members, an icmp code with any type, a protocol
 * of the "other" class are only told by the exact test), so the classifier
 * can never change the answer, only how soon it comes.  Neighbouring
 * intervals with the same set are merged.  The peer dimension is exact for
 * a rule whose peer is CIDRs (a prefix list's among them): its intervals
 * are the union of the prefixes, so the exact test of such a candidate
 * skips its prefixes, and a prefix list costs one search however long it
 * is.
 *
 * The worst case of one packet, bounded by the limits (config.h): the two
 * searches, then the exact test of at most every rule of its family and
 * direction (1000) when all of them are candidates: a rule with a CIDR
 * peer compares one prefix; a prefix list counts as its max-entries rules
 * against the same 1000, so all of a device's prefix-list entries together
 * are at most 1000 prefix comparisons; a group peer is a sorted set of at
 * most 1000 host addresses, searched in at most 10 comparisons.  So at most
 * 1000 rule checks and 10000 address comparisons; the untracked-flow test
 * of a packet that opens a flow asks the port dimension twice more (a walk
 * of the rules in a short list), and a network ACL adds at most 40 rules.
 * The classifier of a list of n rules with p CIDRs takes at most about
 * (2n + 1) * 4 + (2p + n + 1) intervals of 20 bytes and a bitmap of n bits
 * each; it is built with the ruleset, in process context.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "ruleset.h"

/*
 * Bounds that keep every count and index in a u32 and every size in a
 * size_t on 32-bit kernels too.  The configuration's own limits (1000 rules
 * times groups on a device, 1000 entries in a prefix list) are far lower.
 */
#define SGFW_RS_MAX_RULES	BIT(16)
#define SGFW_RS_MAX_PEERS	BIT(24)

#define SGFW_NUM_DIRS		2

/*
 * Lists of at most this many rules, with at most as many prefixes among
 * their peers, are walked; others classified.
 */
#define SGFW_RS_LINEAR_MAX	8

/* The classes of protocol of the port dimension. */
enum {
	SGFW_RS_TCP,
	SGFW_RS_UDP,
	SGFW_RS_ICMP,		/* icmp in inet, icmpv6 in inet6 */
	SGFW_RS_OTHER,
	SGFW_RS_CLASSES,
};

/*
 * A key of a dimension, as a 128-bit number: a port in @lo, or an address
 * in host order (an IPv4 address in the top 32 bits of @hi), so that a
 * prefix is the range of keys that share its top bits in either family.
 */
struct sgfw_rs_key {
	u64 hi;
	u64 lo;
};

/*
 * One dimension: @n intervals, the i-th from @start[i] (@start[0] is 0,
 * ascending) to the next one's start; the rules a key of interval i may
 * match are the bitmap at @map[i] in the index's @maps (an offset, in
 * longs).
 */
struct sgfw_rs_dim {
	u32 n;
	struct sgfw_rs_key *start;
	u32 *map;
};

/*
 * struct sgfw_rs_index - the classifier of one list (the top of this file).
 * @words: longs in a bitmap of the list's rules (bit i: rules[i]).
 * @peer: the peer address dimension.
 * @l4: the port dimension of each class (one interval but for tcp, udp).
 * @peer_any: offset in @maps of the rules open to every address.
 * @maps: the bitmaps.
 */
struct sgfw_rs_index {
	u32 words;
	struct sgfw_rs_dim peer;
	struct sgfw_rs_dim l4[SGFW_RS_CLASSES];
	u32 peer_any;
	unsigned long *maps;
};

/* The rules of one family and direction, inside a struct sgfw_ruleset. */
struct sgfw_rs_list {
	const struct sgfw_crule *rules;
	u32 count;
	/* One of the rules allows every protocol from/to 0.0.0.0/0 or ::/0. */
	bool all_open;
	/* Its classifier, unless it is short (SGFW_RS_LINEAR_MAX). */
	struct sgfw_rs_index *idx;
};

/*
 * struct sgfw_ruleset - immutable once sgfw_ruleset_finish() returns it:
 * readers need only rcu_read_lock(), each owner drops its reference with
 * sgfw_ruleset_put() after unpublishing it.
 * @refs: one per owner (devices alike share one: config.c).
 * @rcu: for sgfw_ruleset_put().
 * @timeouts: the device's timeouts, as the builder's caller gave them.
 * @tracking: the device's tracking mode.
 * @list: the rules per family and direction; they point into @rules.
 * @peers: every peer CIDR but the shared sets', after the rules and @sets
 *	in the same allocation; a rule's are @peers[peer_first] to
 *	@peers[peer_first + peer_count - 1], or, with SGFW_CRULE_PEER_SET,
 *	those of @sets[peer_first] (sgfw_crule_peers()).
 * @sets: the shared peer sets its rules use, a reference to each.
 * @nsets: how many.
 * @rules: every rule, family by family, direction by direction.
 */
struct sgfw_ruleset {
	refcount_t refs;
	struct rcu_head rcu;
	struct sgfw_timeouts timeouts;
	enum sgfw_tracking tracking;
	struct sgfw_rs_list list[SGFW_AF_NUM][SGFW_NUM_DIRS];
	const struct sgfw_cidr *peers;
	struct sgfw_peer_set **sets;
	u32 nsets;
	struct sgfw_crule rules[];
};

/* A peer set (ruleset.h); @flags: SGFW_CRULE_PEER_ANY, _PEER_HOSTS. */
struct sgfw_peer_set {
	refcount_t refs;
	u32 n;
	u8 flags;
	struct sgfw_cidr v[];
};

/* The peer CIDRs of @r, a rule of @rs. */
static const struct sgfw_cidr *sgfw_crule_peers(const struct sgfw_ruleset *rs,
						const struct sgfw_crule *r)
{
	if (r->flags & SGFW_CRULE_PEER_SET)
		return rs->sets[r->peer_first]->v;
	return &rs->peers[r->peer_first];
}

/* A growable array of rules for one family and direction. */
struct sgfw_rs_vec {
	struct sgfw_crule *rules;
	u32 count;
	u32 cap;
};

/* Peers already in the builder, by the object they stand for. */
struct sgfw_rs_shared {
	const void *key;
	u32 af;
	u32 first;
	u32 count;
	u8 flags;	/* SGFW_CRULE_PEER_ANY, SGFW_CRULE_PEER_HOSTS */
};

/* Private to the one caller that builds; no lock, may sleep. */
struct sgfw_ruleset_builder {
	struct sgfw_rs_vec vec[SGFW_AF_NUM][SGFW_NUM_DIRS];
	struct sgfw_cidr *peers;
	u32 npeers;
	u32 peers_cap;
	u32 nrules;
	struct sgfw_rs_shared *shared;
	u32 nshared;
	u32 shared_cap;
	struct sgfw_peer_set **sets;	/* a reference to each */
	u32 nsets;
	u32 sets_cap;
};

struct sgfw_ruleset_builder *sgfw_ruleset_builder_new(void)
{
	return kzalloc(sizeof(struct sgfw_ruleset_builder),
		       GFP_KERNEL_ACCOUNT);
}

void sgfw_ruleset_builder_destroy(struct sgfw_ruleset_builder *b)
{
	int af, dir;

	if (!b)
		return;
	for (af = 0; af < SGFW_AF_NUM; af++)
		for (dir = 0; dir < SGFW_NUM_DIRS; dir++)
			kvfree(b->vec[af][dir].rules);
	kvfree(b->peers);
	kvfree(b->shared);
	while (b->nsets)
		sgfw_peer_set_put(b->sets[--b->nsets]);
	kvfree(b->sets);
	kfree(b);
}

/*
 * Make room for @need elements in *@arr (of @size bytes each), doubling.
 * On failure *@arr is unchanged, so the builder stays consistent.
 */
static int sgfw_rs_grow(void **arr, u32 *cap, u32 used, u32 need,
			size_t size)
{
	u32 ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = max3(need, *cap * 2, 8U);
	n = kvmalloc_array(ncap, size, GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	if (used)
		memcpy(n, *arr, (size_t)used * size);
	kvfree(*arr);
	*arr = n;
	*cap = ncap;
	return 0;
}

static u8 sgfw_af_plen_max(enum sgfw_af af)
{
	return af == SGFW_AF_INET ? 32 : 128;
}

/* The ICMP protocol of a family: icmp in IPv4, icmpv6 in IPv6. */
static u8 sgfw_af_icmp(enum sgfw_af af)
{
	return af == SGFW_AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

/* @a with every bit past @plen cleared. */
static void sgfw_addr_mask(union sgfw_addr *a, enum sgfw_af af, u8 plen)
{
	struct in6_addr m;

	if (af == SGFW_AF_INET) {
		a->ip &= plen ? htonl(~0U << (32 - plen)) : 0;
		a->all[1] = 0;
		a->all[2] = 0;
		a->all[3] = 0;
		return;
	}
	ipv6_addr_prefix(&m, &a->in6, plen);
	a->in6 = m;
}

/*
 * The compiled form of @spec for family @af.  Fields that do not apply to
 * the protocol are ignored and their "any" flag set, so that a zeroed spec
 * for, say, tcp 22 has no stray icmp type.
 */
static int sgfw_rs_compile(enum sgfw_af af, const struct sgfw_rule_spec *spec,
			   struct sgfw_crule *c)
{
	memset(c, 0, sizeof(*c));
	c->rule_id = spec->rule_id;
	c->sg_id = spec->sg_id;
	c->ctr = spec->ctr;

	if (spec->any_proto) {
		c->flags = SGFW_CRULE_ANY_PROTO | SGFW_CRULE_ANY_PORT |
			   SGFW_CRULE_ANY_TYPE | SGFW_CRULE_ANY_CODE;
		goto out;
	}

	c->proto = spec->proto;
	if (spec->proto == IPPROTO_TCP || spec->proto == IPPROTO_UDP) {
		c->flags = SGFW_CRULE_ANY_TYPE | SGFW_CRULE_ANY_CODE;
		if (spec->any_port) {
			c->flags |= SGFW_CRULE_ANY_PORT;
		} else {
			if (spec->port_from > spec->port_to)
				return -EINVAL;
			c->port_from = spec->port_from;
			c->port_to = spec->port_to;
		}
	} else if (spec->proto == sgfw_af_icmp(af)) {
		c->flags = SGFW_CRULE_ANY_PORT;
		if (spec->any_type)
			c->flags |= SGFW_CRULE_ANY_TYPE;
		else
			c->icmp_type = spec->icmp_type;
		if (spec->any_code)
			c->flags |= SGFW_CRULE_ANY_CODE;
		else
			c->icmp_code = spec->icmp_code;
	} else {
		c->flags = SGFW_CRULE_ANY_PORT | SGFW_CRULE_ANY_TYPE |
			   SGFW_CRULE_ANY_CODE;
	}
out:
	if (spec->deny)
		c->flags |= SGFW_CRULE_DENY;
	return 0;
}

/* Append @c, whose peers are set, to its family and direction. */
static int sgfw_rs_push(struct sgfw_ruleset_builder *b, enum sgfw_af af,
			enum sgfw_direction dir, const struct sgfw_crule *c)
{
	struct sgfw_rs_vec *v = &b->vec[af][dir];
	int err;

	if (b->nrules >= SGFW_RS_MAX_RULES)
		return -E2BIG;
	err = sgfw_rs_grow((void **)&v->rules, &v->cap, v->count, v->count + 1,
			   sizeof(*v->rules));
	if (err)
		return err;
	v->rules[v->count++] = *c;
	b->nrules++;
	return 0;
}

static int sgfw_rs_check(enum sgfw_af af, const struct sgfw_rule_spec *spec)
{
	if ((unsigned int)af >= SGFW_AF_NUM ||
	    (unsigned int)spec->dir >= SGFW_NUM_DIRS)
		return -EINVAL;
	return 0;
}

int sgfw_ruleset_add_shared(struct sgfw_ruleset_builder *b, enum sgfw_af af,
			    const struct sgfw_rule_spec *spec)
{
	const struct sgfw_rs_shared *sh;
	struct sgfw_crule c;
	u32 i;
	int err;

	err = sgfw_rs_check(af, spec);
	if (err)
		return err;
	for (i = 0; i < b->nshared; i++) {
		sh = &b->shared[i];
		if (sh->key != spec->peer_key || sh->af != af)
			continue;
		err = sgfw_rs_compile(af, spec, &c);
		if (err)
			return err;
		c.peer_first = sh->first;
		c.peer_count = sh->count;
		c.flags |= sh->flags;
		return sgfw_rs_push(b, af, spec->dir, &c);
	}
	return -ENOENT;
}

/* Are @v (@n of them) peers of family @af, host addresses if @hosts? */
static bool sgfw_rs_peers_ok(enum sgfw_af af, const struct sgfw_cidr *v,
			     u32 n, bool hosts)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (v[i].af != af || v[i].plen > sgfw_af_plen_max(af) ||
		    (hosts && v[i].plen != sgfw_af_plen_max(af)))
			return false;
	return true;
}

/*
 * Copy @n peers to @to, canonical whatever the caller gave (matching
 * relies on it).  Return: SGFW_CRULE_PEER_ANY when they hold 0.0.0.0/0
 * (::/0), which matches every address, else 0.
 */
static u8 sgfw_rs_peers_copy(struct sgfw_cidr *to, const struct sgfw_cidr *v,
			     u32 n, enum sgfw_af af)
{
	u8 flags = 0;
	u32 i;

	for (i = 0; i < n; i++) {
		to[i] = v[i];
		sgfw_addr_mask(&to[i].addr, af, to[i].plen);
		if (!to[i].plen)
			flags |= SGFW_CRULE_PEER_ANY;
	}
	return flags;
}

int sgfw_ruleset_add(struct sgfw_ruleset_builder *b, enum sgfw_af af,
		     const struct sgfw_rule_spec *spec,
		     const struct sgfw_cidr *peers, u32 n)
{
	struct sgfw_rs_shared *sh = NULL;
	struct sgfw_crule c;
	int err;

	err = sgfw_rs_check(af, spec);
	if (err || (n && !peers))
		return -EINVAL;
	err = sgfw_rs_compile(af, spec, &c);
	if (err)
		return err;
	if (!sgfw_rs_peers_ok(af, peers, n, spec->peer_hosts))
		return -EINVAL;
	if (b->nrules >= SGFW_RS_MAX_RULES ||
	    n > SGFW_RS_MAX_PEERS - b->npeers)
		return -E2BIG;

	/* Grow every array before touching any: all or nothing. */
	err = sgfw_rs_grow((void **)&b->peers, &b->peers_cap, b->npeers,
			   b->npeers + n, sizeof(*b->peers));
	if (err)
		return err;
	if (spec->peer_key) {
		err = sgfw_rs_grow((void **)&b->shared, &b->shared_cap,
				   b->nshared, b->nshared + 1,
				   sizeof(*b->shared));
		if (err)
			return err;
		sh = &b->shared[b->nshared];
	}
	c.peer_first = b->npeers;
	c.peer_count = n;
	if (spec->peer_hosts)
		c.flags |= SGFW_CRULE_PEER_HOSTS;
	c.flags |= sgfw_rs_peers_copy(&b->peers[b->npeers], peers, n, af);
	err = sgfw_rs_push(b, af, spec->dir, &c);
	if (err)
		return err;
	b->npeers += n;
	if (sh) {
		*sh = (struct sgfw_rs_shared){
			.key = spec->peer_key,
			.af = af,
			.first = c.peer_first,
			.count = n,
			.flags = c.flags & (SGFW_CRULE_PEER_ANY |
					    SGFW_CRULE_PEER_HOSTS),
		};
		b->nshared++;
	}
	return 0;
}

struct sgfw_peer_set *sgfw_peer_set_new(enum sgfw_af af,
					const struct sgfw_cidr *v, u32 n,
					bool hosts)
{
	struct sgfw_peer_set *set;

	if ((unsigned int)af >= SGFW_AF_NUM || (n && !v) ||
	    !sgfw_rs_peers_ok(af, v, n, hosts))
		return ERR_PTR(-EINVAL);
	if (n > SGFW_RS_MAX_PEERS)
		return ERR_PTR(-E2BIG);
	set = kvmalloc(struct_size(set, v, n), GFP_KERNEL_ACCOUNT);
	if (!set)
		return ERR_PTR(-ENOMEM);
	refcount_set(&set->refs, 1);
	set->n = n;
	set->flags = sgfw_rs_peers_copy(set->v, v, n, af);
	if (hosts)
		set->flags |= SGFW_CRULE_PEER_HOSTS;
	return set;
}

void sgfw_peer_set_put(struct sgfw_peer_set *set)
{
	if (set && refcount_dec_and_test(&set->refs))
		kvfree(set);
}

int sgfw_ruleset_add_set(struct sgfw_ruleset_builder *b, enum sgfw_af af,
			 const struct sgfw_rule_spec *spec,
			 struct sgfw_peer_set *set)
{
	struct sgfw_crule c;
	u32 i;
	int err;

	err = sgfw_rs_check(af, spec);
	if (err)
		return err;
	err = sgfw_rs_compile(af, spec, &c);
	if (err)
		return err;
	if (b->nrules >= SGFW_RS_MAX_RULES)
		return -E2BIG;
	for (i = 0; i < b->nsets && b->sets[i] != set; i++)
		;
	/* Room first, the set taken once the rule is in: all or nothing. */
	err = sgfw_rs_grow((void **)&b->sets, &b->sets_cap, b->nsets,
			   b->nsets + 1, sizeof(*b->sets));
	if (err)
		return err;
	c.peer_first = i;
	c.peer_count = set->n;
	c.flags |= set->flags | SGFW_CRULE_PEER_SET;
	err = sgfw_rs_push(b, af, spec->dir, &c);
	if (err)
		return err;
	if (i == b->nsets) {
		refcount_inc(&set->refs);
		b->sets[b->nsets++] = set;
	}
	return 0;
}

/* ---- the classifier ---------------------------------------------------- */

static int sgfw_rs_key_cmp(const struct sgfw_rs_key *a,
			   const struct sgfw_rs_key *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

static int sgfw_rs_key_sort_cmp(const void *a, const void *b)
{
	return sgfw_rs_key_cmp(a, b);
}

static bool sgfw_rs_key_is_max(const struct sgfw_rs_key *k)
{
	return k->hi == U64_MAX && k->lo == U64_MAX;
}

/* @k + 1; never called for the largest key. */
static struct sgfw_rs_key sgfw_rs_key_next(struct sgfw_rs_key k)
{
	if (!++k.lo)
		k.hi++;
	return k;
}

static void sgfw_rs_addr_key(enum sgfw_af af, const union sgfw_addr *a,
			     struct sgfw_rs_key *k)
{
	if (af == SGFW_AF_INET) {
		k->hi = (u64)ntohl(a->ip) << 32;
		k->lo = 0;
		return;
	}
	k->hi = (u64)ntohl(a->all[0]) << 32 | ntohl(a->all[1]);
	k->lo = (u64)ntohl(a->all[2]) << 32 | ntohl(a->all[3]);
}

/* The class of protocol @proto in family @af. */
static unsigned int sgfw_rs_class(enum sgfw_af af, u8 proto)
{
	if (proto == IPPROTO_TCP)
		return SGFW_RS_TCP;
	if (proto == IPPROTO_UDP)
		return SGFW_RS_UDP;
	if (proto == sgfw_af_icmp(af))
		return SGFW_RS_ICMP;
	return SGFW_RS_OTHER;
}

/*
 * The interval of @start (@n of them, @start[0] the smallest key) that @k
 * falls in: the last one that starts at or before it.
 */
static u32 sgfw_rs_bsearch(const struct sgfw_rs_key *start, u32 n,
			   const struct sgfw_rs_key *k)
{
	u32 lo = 0, hi = n;

	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (sgfw_rs_key_cmp(&start[mid], k) <= 0)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The rules a key @k of dimension @d may match. */
static const unsigned long *sgfw_rs_dim_set(const struct sgfw_rs_index *idx,
					    const struct sgfw_rs_dim *d,
					    const struct sgfw_rs_key *k)
{
	return idx->maps + d->map[sgfw_rs_bsearch(d->start, d->n, k)];
}

/* A range of keys of rule @rule, to build a dimension from. */
struct sgfw_rs_range {
	struct sgfw_rs_key lo;
	struct sgfw_rs_key hi;
	u32 rule;
};

static void sgfw_rs_range_all(struct sgfw_rs_range *rg, u32 rule)
{
	rg->lo = (struct sgfw_rs_key){ 0, 0 };
	rg->hi = (struct sgfw_rs_key){ U64_MAX, U64_MAX };
	rg->rule = rule;
}

/* The keys of canonical prefix @c (an IPv4 one in the top bits). */
static void sgfw_rs_range_prefix(struct sgfw_rs_range *rg,
				 const struct sgfw_cidr *c, u32 rule)
{
	sgfw_rs_addr_key(c->af, &c->addr, &rg->lo);
	rg->hi = rg->lo;
	if (c->plen < 64) {
		rg->hi.hi |= U64_MAX >> c->plen;
		rg->hi.lo = U64_MAX;
	} else if (c->plen < 128) {
		rg->hi.lo |= U64_MAX >> (c->plen - 64);
	}
	rg->rule = rule;
}

/* The bitmaps of an index being built. */
struct sgfw_rs_maps {
	unsigned long *v;
	u32 n;
	u32 cap;
};

/* Append bitmap @row of @words longs; *@off: where it went. */
static int sgfw_rs_maps_add(struct sgfw_rs_maps *m, const unsigned long *row,
			    u32 words, u32 *off)
{
	int err;

	err = sgfw_rs_grow((void **)&m->v, &m->cap, m->n, m->n + words,
			   sizeof(*m->v));
	if (err)
		return err;
	memcpy(m->v + m->n, row, words * sizeof(*row));
	*off = m->n;
	m->n += words;
	return 0;
}

/*
 * Build dimension @d from @n ranges: cut the keys at every range's start
 * and after every range's end, give each piece the set of the rules whose
 * ranges cover it, and merge neighbours with the same set.
 */
static int sgfw_rs_dim_build(struct sgfw_rs_dim *d, struct sgfw_rs_maps *m,
			     u32 words, const struct sgfw_rs_range *rg, u32 n)
{
	const unsigned long *prev = NULL;
	unsigned long *rows = NULL;
	struct sgfw_rs_key *pts;
	u32 np = 0, i, k, to;
	int err = -ENOMEM;

	pts = kvmalloc_array(2 * (size_t)n + 1, sizeof(*pts),
			     GFP_KERNEL_ACCOUNT);
	if (!pts)
		return -ENOMEM;
	pts[np++] = (struct sgfw_rs_key){ 0, 0 };
	for (i = 0; i < n; i++) {
		pts[np++] = rg[i].lo;
		if (!sgfw_rs_key_is_max(&rg[i].hi))
			pts[np++] = sgfw_rs_key_next(rg[i].hi);
	}
	sort(pts, np, sizeof(*pts), sgfw_rs_key_sort_cmp, NULL);
	for (i = 1, k = 1; i < np; i++)
		if (sgfw_rs_key_cmp(&pts[i], &pts[k - 1]))
			pts[k++] = pts[i];
	np = k;

	rows = kvcalloc(array_size(np, words), sizeof(*rows),
			GFP_KERNEL_ACCOUNT);
	d->start = kvmalloc_array(np, sizeof(*d->start), GFP_KERNEL_ACCOUNT);
	d->map = kvmalloc_array(np, sizeof(*d->map), GFP_KERNEL_ACCOUNT);
	if (!rows || !d->start || !d->map)
		goto out;
	for (i = 0; i < n; i++) {
		struct sgfw_rs_key next;

		if (sgfw_rs_key_is_max(&rg[i].hi)) {
			to = np;
		} else {
			next = sgfw_rs_key_next(rg[i].hi);
			to = sgfw_rs_bsearch(pts, np, &next);
		}
		for (k = sgfw_rs_bsearch(pts, np, &rg[i].lo); k < to; k++)
			__set_bit(rg[i].rule, rows + (size_t)k * words);
	}
	d->n = 0;
	for (k = 0; k < np; k++) {
		const unsigned long *row = rows + (size_t)k * words;

		if (prev && bitmap_equal(row, prev, words * BITS_PER_LONG))
			continue;
		err = sgfw_rs_maps_add(m, row, words, &d->map[d->n]);
		if (err)
			goto out;
		d->start[d->n++] = pts[k];
		prev = row;
	}
	err = 0;
out:
	kvfree(rows);
	kvfree(pts);
	return err;
}

static void sgfw_rs_index_free(struct sgfw_rs_index *idx)
{
	int c;

	if (!idx)
		return;
	kvfree(idx->peer.start);
	kvfree(idx->peer.map);
	for (c = 0; c < SGFW_RS_CLASSES; c++) {
		kvfree(idx->l4[c].start);
		kvfree(idx->l4[c].map);
	}
	kvfree(idx->maps);
	kfree(idx);
}

/*
 * The classifier of the @count rules at @rules of family @af, rules of
 * @rs.  Return: it, or NULL when out of memory.
 */
static struct sgfw_rs_index *sgfw_rs_index_build(const struct sgfw_ruleset *rs,
						 const struct sgfw_crule *rules,
						 u32 count, enum sgfw_af af)
{
	struct sgfw_rs_maps m = {};
	struct sgfw_rs_index *idx;
	struct sgfw_rs_range *rg;
	unsigned long *any;
	u32 i, j, n, nrg = count;
	unsigned int c;
	int err = -ENOMEM;

	idx = kzalloc(sizeof(*idx), GFP_KERNEL_ACCOUNT);
	if (!idx)
		return NULL;
	idx->words = BITS_TO_LONGS(count);
	for (i = 0; i < count; i++)
		if (!(rules[i].flags & (SGFW_CRULE_PEER_ANY |
					SGFW_CRULE_PEER_HOSTS)))
			nrg += rules[i].peer_count;
	rg = kvmalloc_array(nrg, sizeof(*rg), GFP_KERNEL_ACCOUNT);
	any = bitmap_zalloc(count, GFP_KERNEL_ACCOUNT);
	if (!rg || !any)
		goto out;

	/* The peer: a group's hosts are told apart by the exact test. */
	for (i = 0, n = 0; i < count; i++) {
		const struct sgfw_crule *r = &rules[i];

		if (r->flags & (SGFW_CRULE_PEER_ANY | SGFW_CRULE_PEER_HOSTS)) {
			sgfw_rs_range_all(&rg[n++], i);
			if (r->flags & SGFW_CRULE_PEER_ANY)
				__set_bit(i, any);
			continue;
		}
		for (j = 0; j < r->peer_count; j++)
			sgfw_rs_range_prefix(&rg[n++],
					     &sgfw_crule_peers(rs, r)[j], i);
	}
	err = sgfw_rs_dim_build(&idx->peer, &m, idx->words, rg, n);
	if (err)
		goto out;

	/* The protocol class, and the service port of tcp and udp. */
	for (c = 0; c < SGFW_RS_CLASSES; c++) {
		for (i = 0, n = 0; i < count; i++) {
			const struct sgfw_crule *r = &rules[i];

			if (!(r->flags & SGFW_CRULE_ANY_PROTO) &&
			    sgfw_rs_class(af, r->proto) != c)
				continue;
			sgfw_rs_range_all(&rg[n], i);
			if (!(r->flags & SGFW_CRULE_ANY_PORT)) {
				rg[n].lo = (struct sgfw_rs_key){ 0, r->port_from };
				rg[n].hi = (struct sgfw_rs_key){ 0, r->port_to };
			}
			n++;
		}
		err = sgfw_rs_dim_build(&idx->l4[c], &m, idx->words, rg, n);
		if (err)
			goto out;
	}
	err = sgfw_rs_maps_add(&m, any, idx->words, &idx->peer_any);
out:
	idx->maps = m.v;
	bitmap_free(any);
	kvfree(rg);
	if (err) {
		sgfw_rs_index_free(idx);
		return NULL;
	}
	return idx;
}

static void sgfw_ruleset_free(struct sgfw_ruleset *rs)
{
	int af, dir;
	u32 i;

	for (af = 0; af < SGFW_AF_NUM; af++)
		for (dir = 0; dir < SGFW_NUM_DIRS; dir++)
			sgfw_rs_index_free(rs->list[af][dir].idx);
	for (i = 0; i < rs->nsets; i++)
		sgfw_peer_set_put(rs->sets[i]);
	kvfree(rs);
}

static void sgfw_ruleset_free_rcu(struct rcu_head *head)
{
	sgfw_ruleset_free(container_of(head, struct sgfw_ruleset, rcu));
}

/* Is @l short enough to be walked (SGFW_RS_LINEAR_MAX)? */
static bool sgfw_rs_short(const struct sgfw_rs_list *l)
{
	u32 i, prefixes = 0;

	if (l->count > SGFW_RS_LINEAR_MAX)
		return false;
	for (i = 0; i < l->count; i++)
		if (!(l->rules[i].flags & (SGFW_CRULE_PEER_ANY |
					   SGFW_CRULE_PEER_HOSTS)))
			prefixes += l->rules[i].peer_count;
	return prefixes <= SGFW_RS_LINEAR_MAX;
}

struct sgfw_ruleset *sgfw_ruleset_finish(struct sgfw_ruleset_builder *b,
					 const struct sgfw_timeouts *to,
					 enum sgfw_tracking tracking)
{
	static const struct sgfw_timeouts def = {
		.tcp_established	= SGFW_TCP_EST_TIMEOUT_DEF,
		.udp			= SGFW_UDP_TIMEOUT_DEF,
		.udp_stream		= SGFW_UDP_STREAM_TIMEOUT_DEF,
	};
	struct sgfw_cidr *peers;
	struct sgfw_ruleset *rs;
	u32 af, dir, i, off = 0;
	size_t size;

	size = size_add(size_add(struct_size(rs, rules, b->nrules),
				 array_size(b->nsets, sizeof(*b->sets))),
			array_size(b->npeers, sizeof(*b->peers)));
	rs = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!rs) {
		sgfw_ruleset_builder_destroy(b);
		return ERR_PTR(-ENOMEM);
	}

	refcount_set(&rs->refs, 1);
	rs->timeouts = to ? *to : def;
	rs->tracking = tracking;
	for (af = 0; af < SGFW_AF_NUM; af++) {
		for (dir = 0; dir < SGFW_NUM_DIRS; dir++) {
			const struct sgfw_rs_vec *v = &b->vec[af][dir];
			struct sgfw_rs_list *l = &rs->list[af][dir];
			struct sgfw_crule *r = &rs->rules[off];

			if (v->count)
				memcpy(r, v->rules, v->count * sizeof(*r));
			l->rules = r;
			l->count = v->count;
			for (i = 0; i < v->count; i++)
				if ((r[i].flags & SGFW_CRULE_ANY_PROTO) &&
				    (r[i].flags & SGFW_CRULE_PEER_ANY) &&
				    !(r[i].flags & SGFW_CRULE_DENY))
					l->all_open = true;
			off += v->count;
		}
	}
	/*
	 * The sets' pointers are aligned as the rules before them are (a
	 * rule holds a pointer), the CIDRs 4-byte aligned after them.  The
	 * builder's references to the sets become the ruleset's.
	 */
	rs->sets = (struct sgfw_peer_set **)&rs->rules[b->nrules];
	if (b->nsets)
		memcpy(rs->sets, b->sets, b->nsets * sizeof(*rs->sets));
	rs->nsets = b->nsets;
	b->nsets = 0;
	peers = (struct sgfw_cidr *)&rs->sets[rs->nsets];
	if (b->npeers)
		memcpy(peers, b->peers, b->npeers * sizeof(*peers));
	rs->peers = peers;
	sgfw_ruleset_builder_destroy(b);

	for (af = 0; af < SGFW_AF_NUM; af++) {
		for (dir = 0; dir < SGFW_NUM_DIRS; dir++) {
			struct sgfw_rs_list *l = &rs->list[af][dir];

			if (sgfw_rs_short(l))
				continue;
			l->idx = sgfw_rs_index_build(rs, l->rules, l->count,
						     af);
			if (!l->idx) {
				sgfw_ruleset_free(rs);
				return ERR_PTR(-ENOMEM);
			}
		}
	}
	return rs;
}

void sgfw_rule_ctr_read(struct sgfw_rule_ctr __percpu *ctr, u64 *packets,
			u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct sgfw_rule_ctr *c = per_cpu_ptr(ctr, cpu);
		unsigned int start;
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			p = u64_stats_read(&c->packets);
			b = u64_stats_read(&c->bytes);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		*packets += p;
		*bytes += b;
	}
}

u64 sgfw_rule_ctr_flows(struct sgfw_rule_ctr __percpu *ctr, unsigned long now,
			unsigned long *ago)
{
	unsigned long last = 0;
	bool seen = false;
	u64 flows = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct sgfw_rule_ctr *c = per_cpu_ptr(ctr, cpu);
		unsigned int start;
		unsigned long l;
		u64 n;

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			n = u64_stats_read(&c->flows);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		if (!n)
			continue;
		/* Pairs with sgfw_rule_ctr_flow()'s smp_wmb(). */
		smp_rmb();
		l = READ_ONCE(c->last);
		flows += n;
		if (!seen || time_after(l, last))
			last = l;
		seen = true;
	}
	*ago = seen && time_after(now, last) ? now - last : 0;
	return flows;
}

struct sgfw_rule_ctr __percpu *sgfw_rule_ctr_alloc(void)
{
	struct sgfw_rule_ctr __percpu *ctr;
	int cpu;

	ctr = alloc_percpu_gfp(struct sgfw_rule_ctr, GFP_KERNEL_ACCOUNT);
	if (ctr)
		for_each_possible_cpu(cpu)
			u64_stats_init(&per_cpu_ptr(ctr, cpu)->syncp);
	return ctr;
}

#if IS_ENABLED(CONFIG_SGFW_KUNIT_TEST)
void (*sgfw_ruleset_put_hook)(const struct sgfw_ruleset *rs);

static void sgfw_ruleset_put_check(const struct sgfw_ruleset *rs)
{
	void (*hook)(const struct sgfw_ruleset *rs);

	hook = READ_ONCE(sgfw_ruleset_put_hook);
	if (hook)
		hook(rs);
}

const struct sgfw_cidr *sgfw_ruleset_rule_peers(const struct sgfw_ruleset *rs,
						enum sgfw_af af,
						enum sgfw_direction dir,
						u32 i)
{
	const struct sgfw_rs_list *l = &rs->list[af][dir];

	return i < l->count ? sgfw_crule_peers(rs, &l->rules[i]) : NULL;
}
#else
static void sgfw_ruleset_put_check(const struct sgfw_ruleset *rs)
{
}
#endif

struct sgfw_ruleset *sgfw_ruleset_get(struct sgfw_ruleset *rs)
{
	refcount_inc(&rs->refs);
	return rs;
}

void sgfw_ruleset_put(struct sgfw_ruleset *rs)
{
	if (!rs || !refcount_dec_and_test(&rs->refs))
		return;
	sgfw_ruleset_put_check(rs);
	/* A callback of this module: sgfw_flowtable_exit()'s rcu_barrier(). */
	call_rcu(&rs->rcu, sgfw_ruleset_free_rcu);
}

void sgfw_ruleset_replace(struct sgfw_ruleset __rcu **slot,
			  struct sgfw_ruleset *rs, bool owned)
{
	sgfw_ruleset_put(rcu_replace_pointer(*slot, rs, owned));
}

const struct sgfw_timeouts *sgfw_ruleset_timeouts(const struct sgfw_ruleset *rs)
{
	return &rs->timeouts;
}

enum sgfw_tracking sgfw_ruleset_tracking(const struct sgfw_ruleset *rs)
{
	return rs->tracking;
}

/*
 * Does @r allow protocol @proto, service port @port (tcp, udp) and icmp
 * @type and @code?  Fields that do not apply carry an "any" flag.
 */
static bool sgfw_crule_match_l4(const struct sgfw_crule *r, u8 proto,
				u16 port, u8 type, u8 code)
{
	if (r->flags & SGFW_CRULE_ANY_PROTO)
		return true;
	if (r->proto != proto)
		return false;
	if (!(r->flags & SGFW_CRULE_ANY_PORT) &&
	    (port < r->port_from || port > r->port_to))
		return false;
	if (!(r->flags & SGFW_CRULE_ANY_TYPE) && type != r->icmp_type)
		return false;
	if (!(r->flags & SGFW_CRULE_ANY_CODE) && code != r->icmp_code)
		return false;
	return true;
}

/*
 * Is @a one of the @n sorted host addresses at @v?  The order is
 * sgfw_cidr_cmp()'s (config.c): address bytes, as memcmp() sees them.
 */
static bool sgfw_hosts_find(const struct sgfw_cidr *v, u32 n, enum sgfw_af af,
			    const union sgfw_addr *a)
{
	size_t len = af == SGFW_AF_INET ? sizeof(a->ip) : sizeof(a->in6);
	u32 lo = 0, hi = n;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int c = memcmp(a, &v[mid].addr, len);

		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool sgfw_crule_match_peer(const struct sgfw_ruleset *rs,
				  const struct sgfw_crule *r, enum sgfw_af af,
				  const union sgfw_addr *a)
{
	const struct sgfw_cidr *c = sgfw_crule_peers(rs, r);
	const struct sgfw_cidr *end = c + r->peer_count;

	if (r->flags & SGFW_CRULE_PEER_ANY)
		return true;
	if (r->flags & SGFW_CRULE_PEER_HOSTS)
		return sgfw_hosts_find(c, r->peer_count, af, a);
	if (af == SGFW_AF_INET) {
		/* plen 0 never gets here: PEER_ANY covers it. */
		for (; c < end; c++)
			if (!((a->ip ^ c->addr.ip) & htonl(~0U << (32 - c->plen))))
				return true;
		return false;
	}
	for (; c < end; c++)
		if (ipv6_prefix_equal(&a->in6, &c->addr.in6, c->plen))
			return true;
	return false;
}

static const struct sgfw_rs_list *
sgfw_rs_list(const struct sgfw_ruleset *rs, unsigned int af, unsigned int dir)
{
	if (af >= SGFW_AF_NUM || dir >= SGFW_NUM_DIRS)
		return NULL;
	return &rs->list[af][dir];
}

/*
 * The first rule from number @i on whose bit is set in both bitmaps @a and
 * @b of @idx, or U32_MAX: the candidates of the classifier, in build order.
 */
static u32 sgfw_rs_next(const struct sgfw_rs_index *idx, const unsigned long *a,
			const unsigned long *b, u32 i)
{
	u32 w = i / BITS_PER_LONG;
	unsigned long m;

	if (w >= idx->words)
		return U32_MAX;
	m = a[w] & b[w] & (~0UL << (i % BITS_PER_LONG));
	while (!m) {
		if (++w >= idx->words)
			return U32_MAX;
		m = a[w] & b[w];
	}
	return w * BITS_PER_LONG + __ffs(m);
}

/* The rules left after the classifier of @l, for the exact test. */
static const struct sgfw_crule *
sgfw_rs_index_match(const struct sgfw_ruleset *rs, const struct sgfw_rs_list *l,
		    const struct sgfw_pkt *p, const union sgfw_addr *peer,
		    u16 port)
{
	const struct sgfw_rs_index *idx = l->idx;
	unsigned int c = sgfw_rs_class(p->t.af, p->t.proto);
	struct sgfw_rs_key k = { 0, c <= SGFW_RS_UDP ? port : 0 };
	const unsigned long *a, *b;
	u32 i;

	a = sgfw_rs_dim_set(idx, &idx->l4[c], &k);
	sgfw_rs_addr_key(p->t.af, peer, &k);
	b = sgfw_rs_dim_set(idx, &idx->peer, &k);
	for (i = sgfw_rs_next(idx, a, b, 0); i != U32_MAX;
	     i = sgfw_rs_next(idx, a, b, i + 1)) {
		const struct sgfw_crule *r = &l->rules[i];

		/* The peer interval was exact, but for a group's hosts. */
		if (sgfw_crule_match_l4(r, p->t.proto, port, p->icmp_type,
					p->icmp_code) &&
		    (!(r->flags & SGFW_CRULE_PEER_HOSTS) ||
		     sgfw_crule_match_peer(rs, r, p->t.af, peer)))
			return r;
	}
	return NULL;
}

const struct sgfw_crule *sgfw_ruleset_match(const struct sgfw_ruleset *rs,
					    enum sgfw_direction dir,
					    const struct sgfw_pkt *p)
{
	const struct sgfw_rs_list *l = sgfw_rs_list(rs, p->t.af, dir);
	const union sgfw_addr *peer;
	/* The rule's port is the service port: the destination. */
	u16 port = ntohs(p->t.dport);
	u32 i;

	if (!l)
		return NULL;
	peer = dir == SGFW_DIRECTION_INGRESS ? &p->t.src : &p->t.dst;
	if (l->idx)
		return sgfw_rs_index_match(rs, l, p, peer, port);
	for (i = 0; i < l->count; i++) {
		const struct sgfw_crule *r = &l->rules[i];

		if (sgfw_crule_match_l4(r, p->t.proto, port, p->icmp_type,
					p->icmp_code) &&
		    sgfw_crule_match_peer(rs, r, p->t.af, peer))
			return r;
	}
	return NULL;
}

/*
 * Does a rule of @l open to every address allow @proto (tcp or udp) to
 * service port @port?
 */
static bool sgfw_rs_open_to_all(const struct sgfw_rs_list *l, enum sgfw_af af,
				u8 proto, u16 port)
{
	const struct sgfw_rs_index *idx = l->idx;
	struct sgfw_rs_key k = { 0, port };
	const unsigned long *a, *b;
	u32 i;

	if (!idx) {
		for (i = 0; i < l->count; i++) {
			const struct sgfw_crule *r = &l->rules[i];

			if ((r->flags & SGFW_CRULE_PEER_ANY) &&
			    sgfw_crule_match_l4(r, proto, port, 0, 0))
				return true;
		}
		return false;
	}
	a = sgfw_rs_dim_set(idx, &idx->l4[sgfw_rs_class(af, proto)], &k);
	b = idx->maps + idx->peer_any;
	for (i = sgfw_rs_next(idx, a, b, 0); i != U32_MAX;
	     i = sgfw_rs_next(idx, a, b, i + 1))
		if (sgfw_crule_match_l4(&l->rules[i], proto, port, 0, 0))
			return true;
	return false;
}

bool sgfw_ruleset_untracked(const struct sgfw_ruleset *rs,
			    enum sgfw_direction dir, const struct sgfw_pkt *p)
{
	const struct sgfw_rs_list *here, *opp;

	if (rs->tracking == SGFW_TRACKING_ALWAYS)
		return false;
	if (p->t.proto != IPPROTO_TCP && p->t.proto != IPPROTO_UDP)
		return false;
	here = sgfw_rs_list(rs, p->t.af, dir);
	opp = sgfw_rs_list(rs, p->t.af, !dir);
	if (!here || !opp)
		return false;

	/*
	 * (a) Allowed from/to anywhere, and the way back is all open.  Any
	 * rule open to every address that allows the packet will do, not
	 * only the first match: the groups of a device are a union, and
	 * their order must not decide whether a flow is tracked.
	 */
	if (opp->all_open &&
	    sgfw_rs_open_to_all(here, p->t.af, p->t.proto, ntohs(p->t.dport)))
		return true;

	/*
	 * (b) The reply of such a flow: this way is all open, and the packet
	 * reversed, whose service port is this packet's source port, would be
	 * allowed the other way by a rule open to every address.
	 */
	return here->all_open &&
	       sgfw_rs_open_to_all(opp, p->t.af, p->t.proto, ntohs(p->t.sport));
}

/*
 * sgfw_ruleset_nacl_allows() - a network ACL's verdict on @p.
 *
 * The lowest-numbered rule that matches allows or denies, and counts the
 * packet if @count; no match denies (the implicit final rule).  *@rule is
 * the rule that decides, or NULL.
 * Context: RCU.
 */
bool sgfw_ruleset_nacl_allows(const struct sgfw_ruleset *nacl,
			      enum sgfw_direction dir, const struct sgfw_pkt *p,
			      bool count, const struct sgfw_crule **rule)
{
	const struct sgfw_crule *r = sgfw_ruleset_match(nacl, dir, p);

	*rule = r;
	if (!r)
		return false;
	if (count)
		sgfw_rule_ctr_add(r->ctr, p->len);
	return !(r->flags & SGFW_CRULE_DENY);
}
