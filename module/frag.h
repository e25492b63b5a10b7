/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fragments at port-mode hooks, where no reassembly comes first.
 *
 * Only the first fragment of a datagram holds its ports (or icmp type),
 * so only it can be judged.  When it passes, its datagram is remembered
 * here, and the later fragments of that datagram pass on the same device
 * and direction; a later fragment of a datagram not remembered (refused,
 * never seen, or whose first fragment came after it) is dropped.  A
 * datagram is forgotten once its fragments have all passed (the bytes
 * seen reach the length the last one gives) or SGFW_FRAG_TIMEOUT after
 * its first, as IP reassembly gives up (net.ipv4.ipfrag_time).  A later
 * fragment that would overlap the first is dropped: reassembled, it could
 * rewrite the transport header that was judged (RFC 1858, 3.2).
 * A namespace remembers at most SGFW_MAX_FRAGS datagrams, and a device at
 * most SGFW_FRAGS_PER_SIDE of them in each direction (its "side"); past
 * either, a first fragment is dropped (counted in @full) until some are
 * forgotten.  So an instance that sends (or a sender that aims at one
 * instance) first fragments whose datagrams never end fills only its own
 * side's share, not the table the other instances' fragments need: that
 * would take sixteen sides at once.
 */
#ifndef _SGFW_FRAG_H
#define _SGFW_FRAG_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "types.h"

#define SGFW_MAX_FRAGS		4096
#define SGFW_FRAGS_PER_SIDE	(SGFW_MAX_FRAGS / 16)
#define SGFW_FRAG_TIMEOUT	(30 * HZ)

struct mem_cgroup;

/*
 * struct sgfw_frags - the datagrams a namespace's port-mode devices let
 * the first fragment of.
 * @lock: guards @buckets, @count and @sides; taken with bottom halves off
 *	(the hooks run in softirq and, on egress, in process context).
 * @count: datagrams remembered; READ_ONCE() without @lock.
 * @sides: datagrams remembered per side, xa_mk_value(count) at
 *	sgfw_frag_side(); a side with none has no entry.
 * @full: first fragments dropped for want of room.
 * @seed: of the hash, so that a sender cannot aim at one bucket.
 * @gc: forgets expired datagrams while any is remembered.
 */
struct sgfw_frags {
	spinlock_t lock;	/* see above */
	DECLARE_HASHTABLE(buckets, 8);
	u32 count;
	struct xarray sides;
	atomic64_t full;
	u32 seed;
	struct delayed_work gc;
};

void sgfw_frags_init(struct sgfw_frags *fr);
void sgfw_frags_exit(struct sgfw_frags *fr);
int sgfw_frag_first(struct sgfw_frags *fr, struct mem_cgroup *memcg,
		    int ifindex, u8 dir, const struct sgfw_pkt *p);
bool sgfw_frag_later(struct sgfw_frags *fr, int ifindex, u8 dir,
		     const struct sgfw_pkt *p);

#endif /* _SGFW_FRAG_H */
