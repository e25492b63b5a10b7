/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the generated netlink-gen.c (the kernel's ynl-gen-c.py, from
 * uapi/sgfw.yaml) needs of a kernel older than the generator.
 *
 * 6.1 has no split ops: struct genl_split_ops, one entry per command and
 * kind (do or dump), each with its own policy and hooks, came in 6.2.  So
 * that one generated table serves both kernels, 6.1 gets the struct here,
 * with the fields and layout of 6.2's, and netlink.c registers the table
 * on 6.1 as the struct genl_ops of that kernel, one per command, its do
 * and its dump merged (sgfw_genl_ops_set(); a dump then validates with
 * the do's policy, or its own for a command that has no do, and pre_doit
 * is the family's).
 *
 * 6.1's policies point at ranges that are not const (6.2 made them so);
 * the generator's are: NLA_POLICY_FULL_RANGE() takes them as 6.1 wants.
 * Nothing writes through the pointer.
 */
#ifndef _SGFW_NETLINK_COMPAT_H
#define _SGFW_NETLINK_COMPAT_H

#include <net/genetlink.h>

/*
 * Split ops and GENL_SET_ERR_MSG_FMT() came in one release (6.2); a type
 * cannot be tested for, a macro can.
 */
#ifndef GENL_SET_ERR_MSG_FMT
#define SGFW_GENL_NO_SPLIT_OPS

struct genl_split_ops {
	union {
		struct {
			int (*pre_doit)(const struct genl_split_ops *ops,
					struct sk_buff *skb,
					struct genl_info *info);
			int (*doit)(struct sk_buff *skb,
				    struct genl_info *info);
			void (*post_doit)(const struct genl_split_ops *ops,
					  struct sk_buff *skb,
					  struct genl_info *info);
		};
		struct {
			int (*start)(struct netlink_callback *cb);
			int (*dumpit)(struct sk_buff *skb,
				      struct netlink_callback *cb);
			int (*done)(struct netlink_callback *cb);
		};
	};
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

#undef NLA_POLICY_FULL_RANGE
#define NLA_POLICY_FULL_RANGE(tp, _range) {				\
	.type = NLA_ENSURE_UINT_OR_BINARY_TYPE(tp),			\
	.validation_type = NLA_VALIDATE_RANGE_PTR,			\
	.range = (struct netlink_range_validation *)(_range),		\
}

/* The attributes of a dump's request, parsed by its policy. */
static inline struct nlattr **sgfw_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#else
static inline struct nlattr **sgfw_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#endif

/*
 * Joining the events group needs CAP_NET_ADMIN over the namespace: a flag
 * of the group since 6.7 (and Debian's 6.1.y); before it, genl_bind()
 * tested GENL_UNS_ADMIN_PERM in the group's flags for the same.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define SGFW_MCGRP_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
#define SGFW_MCGRP_ADMIN	GENL_UNS_ADMIN_PERM
#endif

#endif /* _SGFW_NETLINK_COMPAT_H */
