/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A security group rule as the kernel reports it, shared by `rule add`,
 * which prints the rule it made, and `sg show`, which prints every rule.
 */
#ifndef SGTOOL_RULE_H
#define SGTOOL_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/sgfw.h>

#include "nl.h"
#include "parse.h"

enum peer_kind {
	PEER_CIDR,
	PEER_SG,
	PEER_PREFIX_LIST,
};

/* Strings point into the message the rule was decoded from. */
struct rule {
	uint32_t id;
	const char *sg;			/* NULL when absent */
	uint32_t direction;
	bool any_proto;
	uint8_t proto;
	bool any_port;
	uint16_t port_from, port_to;
	bool any_type, any_code;
	uint8_t icmp_type, icmp_code;
	enum peer_kind peer;
	struct cidr cidr;		/* PEER_CIDR */
	const char *peer_name;		/* PEER_SG, PEER_PREFIX_LIST */
	const char *description;	/* NULL when absent */
};

/* From attributes indexed by type; 0 or -EBADMSG. */
int rule_decode(const struct nlattr *tb[SGFW_A_RULE_MAX + 1], struct rule *r);

/*
 * Print @r as one object: in text one line, "rule ID DIRECTION PROTO ...",
 * which reads as the `rule add` that makes it; with @with_sg the JSON has
 * the group's name too.
 */
void rule_print(const struct rule *r, bool with_sg);

#endif /* SGTOOL_RULE_H */
