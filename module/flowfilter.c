// SPDX-License-Identifier: GPL-2.0
/*
 * Flow filters (flowfilter.h): a flow matched against the fields of a
 * dump's or a flush's filter, and judged again by its device's rules for
 * "stale".
 */

#include <linux/in.h>
#include <linux/rcupdate.h>
#include <linux/xarray.h>

#include "../uapi/linux/sgfw.h"
#include "config.h"
#include "flowfilter.h"
#include "netns.h"
#include "ruleset.h"

/* Does the CIDR @c hold the address @a of family @af? */
static bool sgfw_cidr_holds(const struct sgfw_cidr *c, u8 af,
			    const union sgfw_addr *a)
{
	struct sgfw_cidr x = { .addr = *a, .af = af, .plen = c->plen };

	if (c->af != af)
		return false;
	sgfw_cidr_canonicalize(&x);
	return !memcmp(&x.addr, &c->addr, sizeof(x.addr));
}

static bool sgfw_flow_has_ports(const struct sgfw_flow *f)
{
	return f->t.proto == IPPROTO_TCP || f->t.proto == IPPROTO_UDP;
}

/*
 * Would the rules of @f's device refuse its opening packet now?  The
 * packet is made again from the flow: its tuple (the opener's), the
 * direction it came in, and for an icmp query the type it had (pstate).
 */
static bool sgfw_flow_stale(struct sgfw_net *sn, const struct sgfw_flow *f)
{
	enum sgfw_direction dir =
		(READ_ONCE(f->flags) & SGFW_FLOW_F_OPENER_EGRESS) ?
		SGFW_DIRECTION_EGRESS : SGFW_DIRECTION_INGRESS;
	const struct sgfw_ruleset *rs;
	struct sgfw_pkt p = { .t = f->t };
	struct sgfw_dev *sd;

	sd = xa_load(&sn->devs, sgfw_flow_ifindex(&sn->flows, f));
	rs = sd ? rcu_dereference(sd->rs) : NULL;
	if (!rs)
		return true;
	if ((f->t.af == SGFW_AF_INET && f->t.proto == IPPROTO_ICMP) ||
	    (f->t.af == SGFW_AF_INET6 && f->t.proto == IPPROTO_ICMPV6)) {
		p.flags = SGFW_PKT_ICMP_QUERY;
		p.icmp_type = READ_ONCE(f->pstate);
	}
	return !sgfw_ruleset_match(rs, dir, &p);
}

bool sgfw_flow_filter_match(const struct sgfw_flow_filter *ff,
			    const struct sgfw_flow *f)
{
	u32 m = ff->fields;

	if (((m & SGFW_FF_IFINDEX) && f->key != ff->key) ||
	    ((m & SGFW_FF_SG) && f->sg_id != ff->sg_id) ||
	    ((m & SGFW_FF_RULE) && f->rule_id != ff->rule_id) ||
	    ((m & SGFW_FF_PROTO) && f->t.proto != ff->proto) ||
	    ((m & SGFW_FF_STATE) && READ_ONCE(f->state) != ff->state) ||
	    ((m & SGFW_FF_SRC) &&
	     !sgfw_cidr_holds(&ff->src, f->t.af, &f->t.src)) ||
	    ((m & SGFW_FF_DST) &&
	     !sgfw_cidr_holds(&ff->dst, f->t.af, &f->t.dst)))
		return false;
	if ((m & (SGFW_FF_SPORT | SGFW_FF_DPORT)) &&
	    (!sgfw_flow_has_ports(f) ||
	     ((m & SGFW_FF_SPORT) && ntohs(f->t.sport) != ff->sport) ||
	     ((m & SGFW_FF_DPORT) && ntohs(f->t.dport) != ff->dport)))
		return false;
	/* Last: the dearest. */
	return !(m & SGFW_FF_STALE) || sgfw_flow_stale(ff->sn, f);
}

bool sgfw_flow_filter_match_arg(const struct sgfw_flow *f, const void *ff)
{
	return sgfw_flow_filter_match(ff, f);
}
