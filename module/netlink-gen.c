// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/sgfw.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/sgfw.h>
#include <netlink-compat.h>

/* Integer value ranges */
static const struct netlink_range_validation sgfw_a_status_flow_limit_range = {
	.min	= 1ULL,
	.max	= 16777216ULL,
};

static const struct netlink_range_validation sgfw_a_iface_tcp_established_timeout_range = {
	.min	= 60ULL,
	.max	= 432000ULL,
};

static const struct netlink_range_validation sgfw_a_txn_confirm_range = {
	.min	= 1ULL,
	.max	= 86400ULL,
};

static const struct netlink_range_validation sgfw_a_txn_flow_limit_range = {
	.min	= 1ULL,
	.max	= 16777216ULL,
};

/* Common nested types */
const struct nla_policy sgfw_cidr_nl_policy[SGFW_A_CIDR_PREFIX_LEN + 1] = {
	[SGFW_A_CIDR_IPV4] = { .type = NLA_U32, },
	[SGFW_A_CIDR_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[SGFW_A_CIDR_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy sgfw_flow_filter_nl_policy[SGFW_A_FLOW_FILTER_STALE + 1] = {
	[SGFW_A_FLOW_FILTER_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SGFW_A_FLOW_FILTER_SG] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_FLOW_FILTER_RULE_ID] = { .type = NLA_U32, },
	[SGFW_A_FLOW_FILTER_PROTOCOL] = { .type = NLA_U8, },
	[SGFW_A_FLOW_FILTER_SRC] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_FLOW_FILTER_DST] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_FLOW_FILTER_SPORT] = { .type = NLA_U16, },
	[SGFW_A_FLOW_FILTER_DPORT] = { .type = NLA_U16, },
	[SGFW_A_FLOW_FILTER_STATE] = NLA_POLICY_MAX(NLA_U32, 11),
	[SGFW_A_FLOW_FILTER_STALE] = { .type = NLA_FLAG, },
};

const struct nla_policy sgfw_iface_addresses_nl_policy[SGFW_A_IFACE_ADDRESSES_ADDRESS + 1] = {
	[SGFW_A_IFACE_ADDRESSES_ADDRESS] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

const struct nla_policy sgfw_match_nl_policy[SGFW_A_MATCH_ICMP_CODE + 1] = {
	[SGFW_A_MATCH_PROTOCOL] = { .type = NLA_U8, },
	[SGFW_A_MATCH_PORT_FROM] = { .type = NLA_U16, },
	[SGFW_A_MATCH_PORT_TO] = { .type = NLA_U16, },
	[SGFW_A_MATCH_ICMP_TYPE] = { .type = NLA_U8, },
	[SGFW_A_MATCH_ICMP_CODE] = { .type = NLA_U8, },
};

const struct nla_policy sgfw_nacl_entry_nl_policy[SGFW_A_NACL_RULE_BYTES + 1] = {
	[SGFW_A_NACL_RULE_NUMBER] = NLA_POLICY_RANGE(NLA_U32, 1, 32766),
	[SGFW_A_NACL_RULE_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_NACL_RULE_ACTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_NACL_RULE_MATCH] = NLA_POLICY_NESTED(sgfw_match_nl_policy),
	[SGFW_A_NACL_RULE_PEER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_NACL_RULE_PACKETS] = { .type = NLA_U64, },
	[SGFW_A_NACL_RULE_BYTES] = { .type = NLA_U64, },
};

const struct nla_policy sgfw_sg_rule_nl_policy[SGFW_A_RULE_LAST_HIT + 1] = {
	[SGFW_A_RULE_ID] = { .type = NLA_U32, },
	[SGFW_A_RULE_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_RULE_MATCH] = NLA_POLICY_NESTED(sgfw_match_nl_policy),
	[SGFW_A_RULE_PEER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_RULE_PEER_SG] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_PEER_PREFIX_LIST] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 255, },
	[SGFW_A_RULE_FLOWS] = { .type = NLA_U64, },
	[SGFW_A_RULE_LAST_HIT] = { .type = NLA_U32, },
};

/* SGFW_CMD_STATUS_SET - do */
static const struct nla_policy sgfw_status_set_nl_policy[SGFW_A_STATUS_EVENTS + 1] = {
	[SGFW_A_STATUS_FLOW_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &sgfw_a_status_flow_limit_range),
	[SGFW_A_STATUS_EVENTS] = NLA_POLICY_MAX(NLA_U8, 1),
};

/* SGFW_CMD_SG_NEW - do */
static const struct nla_policy sgfw_sg_new_nl_policy[SGFW_A_SG_DESCRIPTION + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_SG_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 255, },
};

/* SGFW_CMD_SG_DEL - do */
static const struct nla_policy sgfw_sg_del_nl_policy[SGFW_A_SG_NAME + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_SG_GET - do */
static const struct nla_policy sgfw_sg_get_nl_policy[SGFW_A_SG_NAME + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_RULE_NEW - do */
static const struct nla_policy sgfw_rule_new_nl_policy[SGFW_A_RULE_DESCRIPTION + 1] = {
	[SGFW_A_RULE_SG] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_RULE_MATCH] = NLA_POLICY_NESTED(sgfw_match_nl_policy),
	[SGFW_A_RULE_PEER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_RULE_PEER_SG] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_PEER_PREFIX_LIST] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 255, },
};

/* SGFW_CMD_RULE_DEL - do */
static const struct nla_policy sgfw_rule_del_nl_policy[SGFW_A_RULE_SG + 1] = {
	[SGFW_A_RULE_SG] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_RULE_ID] = { .type = NLA_U32, },
};

/* SGFW_CMD_MEMBER_ADD - do */
static const struct nla_policy sgfw_member_add_nl_policy[SGFW_A_SG_MEMBER + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_SG_MEMBER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_MEMBER_DEL - do */
static const struct nla_policy sgfw_member_del_nl_policy[SGFW_A_SG_MEMBER + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_SG_MEMBER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_PL_NEW - do */
static const struct nla_policy sgfw_pl_new_nl_policy[SGFW_A_PL_MAX_ENTRIES + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_PL_MAX_ENTRIES] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* SGFW_CMD_PL_DEL - do */
static const struct nla_policy sgfw_pl_del_nl_policy[SGFW_A_PL_NAME + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_PL_ENTRY_ADD - do */
static const struct nla_policy sgfw_pl_entry_add_nl_policy[SGFW_A_PL_ENTRY + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_PL_ENTRY] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_PL_ENTRY_DEL - do */
static const struct nla_policy sgfw_pl_entry_del_nl_policy[SGFW_A_PL_ENTRY + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_PL_ENTRY] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_PL_GET - do */
static const struct nla_policy sgfw_pl_get_nl_policy[SGFW_A_PL_NAME + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_IFACE_ATTACH - do */
static const struct nla_policy sgfw_iface_attach_nl_policy[SGFW_A_IFACE_SG + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SGFW_A_IFACE_SG] = { .type = NLA_STRING, .len = 63, },
};

/* SGFW_CMD_IFACE_DETACH - do */
static const struct nla_policy sgfw_iface_detach_nl_policy[SGFW_A_IFACE_SG + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SGFW_A_IFACE_SG] = { .type = NLA_STRING, .len = 63, },
};

/* SGFW_CMD_IFACE_SET - do */
static const struct nla_policy sgfw_iface_set_nl_policy[SGFW_A_IFACE_MAC + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &sgfw_a_iface_tcp_established_timeout_range),
	[SGFW_A_IFACE_UDP_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 30, 60),
	[SGFW_A_IFACE_UDP_STREAM_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 60, 180),
	[SGFW_A_IFACE_TRACKING] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_IFACE_AUDIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGFW_A_IFACE_MODE] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_IFACE_SOURCE_CHECK] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGFW_A_IFACE_ADDRESSES] = NLA_POLICY_NESTED(sgfw_iface_addresses_nl_policy),
	[SGFW_A_IFACE_MAC] = NLA_POLICY_EXACT_LEN(6),
};

/* SGFW_CMD_IFACE_GET - do */
static const struct nla_policy sgfw_iface_get_nl_policy[SGFW_A_IFACE_IFNAME + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
};

/* SGFW_CMD_FLOW_GET - dump */
static const struct nla_policy sgfw_flow_get_nl_policy[SGFW_A_FLOW_FILTER + 1] = {
	[SGFW_A_FLOW_FILTER] = NLA_POLICY_NESTED(sgfw_flow_filter_nl_policy),
};

/* SGFW_CMD_NACL_NEW - do */
static const struct nla_policy sgfw_nacl_new_nl_policy[SGFW_A_NACL_NAME + 1] = {
	[SGFW_A_NACL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_NACL_DEL - do */
static const struct nla_policy sgfw_nacl_del_nl_policy[SGFW_A_NACL_NAME + 1] = {
	[SGFW_A_NACL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_NACL_GET - do */
static const struct nla_policy sgfw_nacl_get_nl_policy[SGFW_A_NACL_NAME + 1] = {
	[SGFW_A_NACL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_NACL_RULE_NEW - do */
static const struct nla_policy sgfw_nacl_rule_new_nl_policy[SGFW_A_NACL_RULE_PEER + 1] = {
	[SGFW_A_NACL_RULE_NACL] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_NACL_RULE_NUMBER] = NLA_POLICY_RANGE(NLA_U32, 1, 32766),
	[SGFW_A_NACL_RULE_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_NACL_RULE_ACTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_NACL_RULE_MATCH] = NLA_POLICY_NESTED(sgfw_match_nl_policy),
	[SGFW_A_NACL_RULE_PEER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_NACL_RULE_DEL - do */
static const struct nla_policy sgfw_nacl_rule_del_nl_policy[SGFW_A_NACL_RULE_DIRECTION + 1] = {
	[SGFW_A_NACL_RULE_NACL] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_NACL_RULE_NUMBER] = NLA_POLICY_RANGE(NLA_U32, 1, 32766),
	[SGFW_A_NACL_RULE_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
};

/* SGFW_CMD_IFACE_NACL - do */
static const struct nla_policy sgfw_iface_nacl_nl_policy[SGFW_A_IFACE_NACL + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SGFW_A_IFACE_NACL] = { .type = NLA_NUL_STRING, .len = 63, },
};

/* SGFW_CMD_PL_SET - do */
static const struct nla_policy sgfw_pl_set_nl_policy[SGFW_A_PL_MAX_ENTRIES + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_PL_MAX_ENTRIES] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
};

/* SGFW_CMD_TXN_PL - do */
static const struct nla_policy sgfw_txn_pl_nl_policy[SGFW_A_PL_MAX_ENTRIES + 1] = {
	[SGFW_A_PL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_PL_MAX_ENTRIES] = NLA_POLICY_RANGE(NLA_U32, 1, 1000),
	[SGFW_A_PL_ENTRY] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_TXN_SG - do */
static const struct nla_policy sgfw_txn_sg_nl_policy[SGFW_A_SG_MEMBER + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_SG_DESCRIPTION] = { .type = NLA_NUL_STRING, .len = 255, },
	[SGFW_A_SG_MEMBER] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
};

/* SGFW_CMD_TXN_SG_RULE - do */
static const struct nla_policy sgfw_txn_sg_rule_nl_policy[SGFW_A_SG_RULE + 1] = {
	[SGFW_A_SG_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_SG_RULE] = NLA_POLICY_NESTED(sgfw_sg_rule_nl_policy),
};

/* SGFW_CMD_TXN_NACL - do */
static const struct nla_policy sgfw_txn_nacl_nl_policy[SGFW_A_NACL_RULE + 1] = {
	[SGFW_A_NACL_NAME] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_NACL_RULE] = NLA_POLICY_NESTED(sgfw_nacl_entry_nl_policy),
};

/* SGFW_CMD_TXN_IFACE - do */
static const struct nla_policy sgfw_txn_iface_nl_policy[SGFW_A_IFACE_MAC + 1] = {
	[SGFW_A_IFACE_IFINDEX] = { .type = NLA_U32, },
	[SGFW_A_IFACE_IFNAME] = { .type = NLA_NUL_STRING, .len = 15, },
	[SGFW_A_IFACE_SG] = { .type = NLA_STRING, .len = 63, },
	[SGFW_A_IFACE_NACL] = { .type = NLA_NUL_STRING, .len = 63, },
	[SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32, &sgfw_a_iface_tcp_established_timeout_range),
	[SGFW_A_IFACE_UDP_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 30, 60),
	[SGFW_A_IFACE_UDP_STREAM_TIMEOUT] = NLA_POLICY_RANGE(NLA_U32, 60, 180),
	[SGFW_A_IFACE_TRACKING] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_IFACE_AUDIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGFW_A_IFACE_MODE] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_IFACE_SOURCE_CHECK] = NLA_POLICY_MAX(NLA_U8, 1),
	[SGFW_A_IFACE_ADDRESSES] = NLA_POLICY_NESTED(sgfw_iface_addresses_nl_policy),
	[SGFW_A_IFACE_MAC] = NLA_POLICY_EXACT_LEN(6),
};

/* SGFW_CMD_TXN_COMMIT - do */
static const struct nla_policy sgfw_txn_commit_nl_policy[SGFW_A_TXN_FLOW_LIMIT + 1] = {
	[SGFW_A_TXN_CHECK] = { .type = NLA_FLAG, },
	[SGFW_A_TXN_CONFIRM] = NLA_POLICY_FULL_RANGE(NLA_U32, &sgfw_a_txn_confirm_range),
	[SGFW_A_TXN_FLOW_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &sgfw_a_txn_flow_limit_range),
};

/* SGFW_CMD_FLOW_FLUSH - do */
static const struct nla_policy sgfw_flow_flush_nl_policy[SGFW_A_FLOW_FILTER + 1] = {
	[SGFW_A_FLOW_FILTER] = NLA_POLICY_NESTED(sgfw_flow_filter_nl_policy),
};

/* SGFW_CMD_EXPLAIN - do */
static const struct nla_policy sgfw_explain_nl_policy[SGFW_A_EXPLAIN_ICMP_CODE + 1] = {
	[SGFW_A_EXPLAIN_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[SGFW_A_EXPLAIN_DIRECTION] = NLA_POLICY_MAX(NLA_U32, 1),
	[SGFW_A_EXPLAIN_PROTOCOL] = { .type = NLA_U8, },
	[SGFW_A_EXPLAIN_SRC] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_EXPLAIN_DST] = NLA_POLICY_NESTED(sgfw_cidr_nl_policy),
	[SGFW_A_EXPLAIN_SPORT] = { .type = NLA_U16, },
	[SGFW_A_EXPLAIN_DPORT] = { .type = NLA_U16, },
	[SGFW_A_EXPLAIN_ICMP_TYPE] = { .type = NLA_U8, },
	[SGFW_A_EXPLAIN_ICMP_CODE] = { .type = NLA_U8, },
};

/* Ops table for sgfw */
const struct genl_split_ops sgfw_nl_ops[41] = {
	{
		.cmd		= SGFW_CMD_STATUS,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_status_doit,
		.post_doit	= sgfw_nl_post_doit,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_STATUS_SET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_status_set_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_status_set_nl_policy,
		.maxattr	= SGFW_A_STATUS_EVENTS,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_SG_NEW,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_sg_new_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_sg_new_nl_policy,
		.maxattr	= SGFW_A_SG_DESCRIPTION,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_SG_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_sg_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_sg_del_nl_policy,
		.maxattr	= SGFW_A_SG_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_SG_GET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_sg_get_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_sg_get_nl_policy,
		.maxattr	= SGFW_A_SG_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SGFW_CMD_SG_GET,
		.start	= sgfw_nl_dump_start,
		.dumpit	= sgfw_nl_sg_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SGFW_CMD_RULE_NEW,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_rule_new_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_rule_new_nl_policy,
		.maxattr	= SGFW_A_RULE_DESCRIPTION,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_RULE_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_rule_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_rule_del_nl_policy,
		.maxattr	= SGFW_A_RULE_SG,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_MEMBER_ADD,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_member_add_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_member_add_nl_policy,
		.maxattr	= SGFW_A_SG_MEMBER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_MEMBER_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_member_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_member_del_nl_policy,
		.maxattr	= SGFW_A_SG_MEMBER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_NEW,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_new_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_new_nl_policy,
		.maxattr	= SGFW_A_PL_MAX_ENTRIES,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_del_nl_policy,
		.maxattr	= SGFW_A_PL_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_ENTRY_ADD,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_entry_add_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_entry_add_nl_policy,
		.maxattr	= SGFW_A_PL_ENTRY,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_ENTRY_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_entry_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_entry_del_nl_policy,
		.maxattr	= SGFW_A_PL_ENTRY,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_GET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_get_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_get_nl_policy,
		.maxattr	= SGFW_A_PL_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SGFW_CMD_PL_GET,
		.start	= sgfw_nl_dump_start,
		.dumpit	= sgfw_nl_pl_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SGFW_CMD_IFACE_ATTACH,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_iface_attach_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_iface_attach_nl_policy,
		.maxattr	= SGFW_A_IFACE_SG,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_IFACE_DETACH,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_iface_detach_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_iface_detach_nl_policy,
		.maxattr	= SGFW_A_IFACE_SG,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_IFACE_SET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_iface_set_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_iface_set_nl_policy,
		.maxattr	= SGFW_A_IFACE_MAC,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_IFACE_GET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_iface_get_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_iface_get_nl_policy,
		.maxattr	= SGFW_A_IFACE_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SGFW_CMD_IFACE_GET,
		.start	= sgfw_nl_dump_start,
		.dumpit	= sgfw_nl_iface_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SGFW_CMD_FLOW_GET,
		.start		= sgfw_nl_flow_dump_start,
		.dumpit		= sgfw_nl_flow_get_dumpit,
		.done		= sgfw_nl_flow_dump_done,
		.policy		= sgfw_flow_get_nl_policy,
		.maxattr	= SGFW_A_FLOW_FILTER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SGFW_CMD_NACL_NEW,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_nacl_new_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_nacl_new_nl_policy,
		.maxattr	= SGFW_A_NACL_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_NACL_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_nacl_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_nacl_del_nl_policy,
		.maxattr	= SGFW_A_NACL_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_NACL_GET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_nacl_get_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_nacl_get_nl_policy,
		.maxattr	= SGFW_A_NACL_NAME,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd	= SGFW_CMD_NACL_GET,
		.start	= sgfw_nl_dump_start,
		.dumpit	= sgfw_nl_nacl_get_dumpit,
		.flags	= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DUMP,
	},
	{
		.cmd		= SGFW_CMD_NACL_RULE_NEW,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_nacl_rule_new_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_nacl_rule_new_nl_policy,
		.maxattr	= SGFW_A_NACL_RULE_PEER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_NACL_RULE_DEL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_nacl_rule_del_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_nacl_rule_del_nl_policy,
		.maxattr	= SGFW_A_NACL_RULE_DIRECTION,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_IFACE_NACL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_iface_nacl_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_iface_nacl_nl_policy,
		.maxattr	= SGFW_A_IFACE_NACL,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_PL_SET,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_pl_set_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_pl_set_nl_policy,
		.maxattr	= SGFW_A_PL_MAX_ENTRIES,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_BEGIN,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_begin_doit,
		.post_doit	= sgfw_nl_post_doit,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_PL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_pl_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_pl_nl_policy,
		.maxattr	= SGFW_A_PL_MAX_ENTRIES,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_SG,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_sg_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_sg_nl_policy,
		.maxattr	= SGFW_A_SG_MEMBER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_SG_RULE,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_sg_rule_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_sg_rule_nl_policy,
		.maxattr	= SGFW_A_SG_RULE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_NACL,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_nacl_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_nacl_nl_policy,
		.maxattr	= SGFW_A_NACL_RULE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_IFACE,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_iface_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_iface_nl_policy,
		.maxattr	= SGFW_A_IFACE_MAC,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_COMMIT,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_commit_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_txn_commit_nl_policy,
		.maxattr	= SGFW_A_TXN_FLOW_LIMIT,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_TXN_ABORT,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_txn_abort_doit,
		.post_doit	= sgfw_nl_post_doit,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_CONFIRM,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_confirm_doit,
		.post_doit	= sgfw_nl_post_doit,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_FLOW_FLUSH,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_flow_flush_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_flow_flush_nl_policy,
		.maxattr	= SGFW_A_FLOW_FILTER,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
	{
		.cmd		= SGFW_CMD_EXPLAIN,
		.pre_doit	= sgfw_nl_pre_doit,
		.doit		= sgfw_nl_explain_doit,
		.post_doit	= sgfw_nl_post_doit,
		.policy		= sgfw_explain_nl_policy,
		.maxattr	= SGFW_A_EXPLAIN_ICMP_CODE,
		.flags		= GENL_UNS_ADMIN_PERM | GENL_CMD_CAP_DO,
	},
};

static const struct genl_multicast_group sgfw_nl_mcgrps[] = {
	[SGFW_NLGRP_EVENTS] = { "events", },
};
