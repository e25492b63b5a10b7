/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/sgfw.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_SGFW_GEN_H
#define _LINUX_SGFW_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/sgfw.h>
#include <netlink-compat.h>

/* Common nested types */
extern const struct nla_policy sgfw_cidr_nl_policy[SGFW_A_CIDR_PREFIX_LEN + 1];
extern const struct nla_policy sgfw_flow_filter_nl_policy[SGFW_A_FLOW_FILTER_STALE + 1];
extern const struct nla_policy sgfw_iface_addresses_nl_policy[SGFW_A_IFACE_ADDRESSES_ADDRESS + 1];
extern const struct nla_policy sgfw_match_nl_policy[SGFW_A_MATCH_ICMP_CODE + 1];
extern const struct nla_policy sgfw_nacl_entry_nl_policy[SGFW_A_NACL_RULE_BYTES + 1];
extern const struct nla_policy sgfw_sg_rule_nl_policy[SGFW_A_RULE_LAST_HIT + 1];

/* Ops table for sgfw */
extern const struct genl_split_ops sgfw_nl_ops[41];

int sgfw_nl_pre_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		     struct genl_info *info);
void
sgfw_nl_post_doit(const struct genl_split_ops *ops, struct sk_buff *skb,
		  struct genl_info *info);
int sgfw_nl_dump_start(struct netlink_callback *cb);
int sgfw_nl_flow_dump_start(struct netlink_callback *cb);
int sgfw_nl_flow_dump_done(struct netlink_callback *cb);

int sgfw_nl_status_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_status_set_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_sg_new_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_sg_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_sg_get_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_sg_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sgfw_nl_rule_new_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_member_add_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_member_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_new_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_entry_add_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_entry_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_get_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sgfw_nl_iface_attach_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_iface_detach_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_iface_set_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_iface_get_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_iface_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sgfw_nl_flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sgfw_nl_nacl_new_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_nacl_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_nacl_get_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_nacl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int sgfw_nl_nacl_rule_new_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_nacl_rule_del_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_iface_nacl_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_pl_set_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_begin_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_pl_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_sg_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_sg_rule_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_nacl_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_iface_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_commit_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_txn_abort_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_confirm_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_flow_flush_doit(struct sk_buff *skb, struct genl_info *info);
int sgfw_nl_explain_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	SGFW_NLGRP_EVENTS,
};

#endif /* _LINUX_SGFW_GEN_H */
