/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sgfw: stateful security groups and stateless network ACLs for Linux.
 *
 * Generic netlink family "sgfw", version 1.  The family is described by
 * uapi/sgfw.yaml; this header and that spec must agree.
 *
 * Every object lives in a network namespace: a request acts on the namespace
 * of the socket that sends it.  Every attribute is a plain scalar or string,
 * or a nest flagged with NLA_F_NESTED; there are no binary structures.
 * Validation is strict: an unknown attribute, a wrong type or a value out of
 * range is refused with an extended-ack message naming the attribute, and a
 * refused request changes nothing.
 *
 * Commands
 * --------
 *
 * SGFW_CMD_STATUS (do, no privilege needed)
 *   Request: no attributes.
 *   Reply:
 *     SGFW_A_STATUS_VERSION      string, the module's version
 *     SGFW_A_STATUS_FLOWS        u32, flows tracked in this namespace now
 *     SGFW_A_STATUS_FLOW_LIMIT   u32, the most flows this namespace may track
 *     SGFW_A_STATUS_ALLOWANCE_EXCEEDED
 *                                u64, packets dropped because the flow table
 *                                was full (conntrack_allowance_exceeded)
 *     SGFW_A_STATUS_ALLOWANCE_AVAILABLE
 *                                u32, flows that can still be created
 *                                (conntrack_allowance_available)
 *   Zero is a real value for every figure: a namespace that has never seen a
 *   packet reports zeros.
 */
#ifndef _UAPI_LINUX_SGFW_H
#define _UAPI_LINUX_SGFW_H

#define SGFW_GENL_NAME		"sgfw"
#define SGFW_GENL_VERSION	1

enum sgfw_cmd {
	SGFW_CMD_UNSPEC,
	SGFW_CMD_STATUS,

	__SGFW_CMD_MAX
};

#define SGFW_CMD_MAX (__SGFW_CMD_MAX - 1)

enum sgfw_a_status {
	SGFW_A_STATUS_UNSPEC,
	SGFW_A_STATUS_PAD,
	SGFW_A_STATUS_VERSION,
	SGFW_A_STATUS_FLOWS,
	SGFW_A_STATUS_FLOW_LIMIT,
	SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
	SGFW_A_STATUS_ALLOWANCE_AVAILABLE,

	__SGFW_A_STATUS_MAX
};

#define SGFW_A_STATUS_MAX (__SGFW_A_STATUS_MAX - 1)

#endif /* _UAPI_LINUX_SGFW_H */
