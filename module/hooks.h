/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_HOOKS_H
#define _SGFW_HOOKS_H

#include <linux/types.h>

#include "../uapi/linux/sgfw.h"
#include "types.h"

struct net;
struct net_device;
struct sgfw_crule;
struct sgfw_dev;
struct sgfw_flow;
struct sgfw_net;
struct sgfw_pkt;

int sgfw_hooks_register(struct net *net);
void sgfw_hooks_unregister(struct net *net);
int sgfw_port_hooks_add(struct net *net, struct sgfw_dev *sd,
			struct net_device *dev);
void sgfw_port_hooks_del(struct net *net, struct sgfw_dev *sd);

/*
 * struct sgfw_judgement - what sgfw_judge() found.
 * @verdict: enum sgfw_verdict (the same values as enum sgfw_dev_count).
 * @nacl_asked: the device's network ACL judged the packet.
 * @nacl_rule: the network ACL rule that decided; NULL when the device has
 *	no ACL or none of its rules matched (the implicit deny).
 * @rule: the group rule that allows the packet; NULL when none was asked
 *	(a packet its flow carried, or one the ACL dropped first) or none
 *	does.
 * @flow: the flow that carried the packet, or NULL.
 * @track: enum sgfw_track: what a rule's allowing the packet records.
 * @timeout: in jiffies, of the flow the packet opens (SGFW_TRACK_TRACKED).
 *
 * Cleared for every packet: the two small fields share a word, so that on
 * 64-bit it is five stores rather than a string instruction.
 */
struct sgfw_judgement {
	u32 verdict;
	bool nacl_asked;
	u8 track;
	const struct sgfw_crule *nacl_rule;
	const struct sgfw_crule *rule;
	const struct sgfw_flow *flow;
	unsigned long timeout;
};

/*
 * sgfw_judge() - judge packet @p on filtered device @sd in @dir, as the
 * hooks do.  With @dry (explain), nothing changes and nothing is counted
 * or reported: no flow is created or moved on (a packet that would open
 * one is accepted: whether the table has room is not known in advance).
 * Context: RCU.
 */
void sgfw_judge(struct sgfw_net *sn, struct sgfw_dev *sd,
		enum sgfw_direction dir, const struct sgfw_pkt *p, bool dry,
		struct sgfw_judgement *j);

#endif /* _SGFW_HOOKS_H */
