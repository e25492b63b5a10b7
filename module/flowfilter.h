/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flow filters: which flows a dump lists or a flush removes, as the
 * SGFW_A_FLOW_FILTER nest of a request gives them (uapi/linux/sgfw.h).
 */
#ifndef _SGFW_FLOWFILTER_H
#define _SGFW_FLOWFILTER_H

#include "flowtable.h"
#include "types.h"

struct sgfw_net;

#define SGFW_FF_IFINDEX	BIT(0)
#define SGFW_FF_SG	BIT(1)
#define SGFW_FF_RULE	BIT(2)
#define SGFW_FF_PROTO	BIT(3)
#define SGFW_FF_SRC	BIT(4)
#define SGFW_FF_DST	BIT(5)
#define SGFW_FF_SPORT	BIT(6)
#define SGFW_FF_DPORT	BIT(7)
#define SGFW_FF_STATE	BIT(8)
#define SGFW_FF_STALE	BIT(9)

/**
 * struct sgfw_flow_filter - what a flow must match, field by field.
 * @fields: SGFW_FF_*, the fields that are set: a flow matches when it
 *	matches each of them (no field: every flow).
 * @sn: the namespace, whose devices' rulesets judge SGFW_FF_STALE.
 * @key: the key of the flow's device (struct sgfw_flow_dev): of the
 *	configuration of the ifindex asked for, or 0, which no flow has.
 * @sg_id: the group whose rule opened the flow.
 * @rule_id: that rule (with SGFW_FF_SG).
 * @proto: the flow's IP protocol.
 * @state: its enum sgfw_flow_state.
 * @sport: the opener's port (tcp and udp).
 * @dport: the port the flow was opened to (tcp and udp).
 * @src: holds the opener's address.
 * @dst: holds the other side's.
 */
struct sgfw_flow_filter {
	u32 fields;
	struct sgfw_net *sn;
	u32 key;
	u32 sg_id;
	u32 rule_id;
	u8 proto;
	u8 state;
	u16 sport;
	u16 dport;
	struct sgfw_cidr src;
	struct sgfw_cidr dst;
};

/*
 * Does @f match @ff?  For SGFW_FF_STALE, the opening packet of @f, made
 * again from the flow, is judged by the rules its device has now (the
 * groups'; a NACL judges every packet of a flow already).
 * Context: RCU.
 */
bool sgfw_flow_filter_match(const struct sgfw_flow_filter *ff,
			    const struct sgfw_flow *f);

/* The same, with the argument of sgfw_flowtable_flush_if(). */
bool sgfw_flow_filter_match_arg(const struct sgfw_flow *f, const void *ff);

#endif /* _SGFW_FLOWFILTER_H */
