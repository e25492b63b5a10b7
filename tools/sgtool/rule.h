/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A security group rule as the kernel reports it, shared by `rule add`,
 * which prints the rule it made, and `sg show`, which prints every rule;
 * and the match fields (protocol, ports, icmp type and code) that network
 * ACL rules have too, with their parsers.
 */
#ifndef SGTOOL_RULE_H
#define SGTOOL_RULE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/sgfw.h>

#include "msg.h"
#include "nl.h"
#include "parse.h"

enum peer_kind {
	PEER_CIDR,
	PEER_SG,
	PEER_PREFIX_LIST,
};

/*
 * What a rule matches besides its peer, shared by security group rules and
 * network ACL rules.  Zeroed, it matches everything.
 */
struct rule_match {
	bool has_proto;			/* false: every protocol ("all") */
	uint8_t proto;
	bool has_ports;			/* false: every port */
	uint16_t port_from, port_to;
	bool has_type, has_code;	/* false: any */
	uint8_t icmp_type, icmp_code;
};

/*
 * Parse PROTO into @m.  Return 0, or report the error (pointing to the
 * help of @obj) and return an exit status.
 */
int rule_match_parse_proto(const char *obj, const char *s,
			   struct rule_match *m);

/*
 * When argv[0] is "port", "icmp-type" or "icmp-code", parse it and its
 * value into @m and set *used to 2; otherwise set *used to 0.  Return 0,
 * or report the error and return an exit status.
 */
int rule_match_parse(const char *obj, int argc, char **argv,
		     struct rule_match *m, int *used);

/*
 * A nest @type of SGFW_A_MATCH_*, of the fields of @m that are set; none
 * when no field is.
 */
void rule_match_put(struct req *q, uint16_t type, const struct rule_match *m);

/* From a nest of SGFW_A_MATCH_*, NULL when absent; 0 or -EBADMSG. */
int rule_match_decode(const struct nlattr *nest, struct rule_match *m);

/*
 * Print the keys protocol, port_from, port_to, icmp_type and icmp_code;
 * in text " PROTO [port P[-Q]] [icmp-type T] [icmp-code C]".
 */
void rule_match_print(const struct rule_match *m);

/* Strings point into the message the rule was decoded from. */
struct rule {
	uint32_t id;
	const char *sg;			/* NULL when absent */
	uint32_t direction;
	struct rule_match match;
	enum peer_kind peer;
	struct cidr cidr;		/* PEER_CIDR */
	const char *peer_name;		/* PEER_SG, PEER_PREFIX_LIST */
	const char *description;	/* NULL when absent */
	bool has_flows, has_last_hit;	/* counters, in replies */
	uint64_t flows;
	uint32_t last_hit;		/* seconds ago */
};

/* From attributes indexed by type; 0 or -EBADMSG. */
int rule_decode(const struct nlattr *tb[SGFW_A_RULE_MAX + 1], struct rule *r);

/* A rule as SGFW_CMD_NACL_GET lists it. */
struct nacl_rule {
	uint32_t number;
	uint32_t direction;
	uint32_t action;
	struct rule_match match;
	bool has_cidr;
	struct cidr cidr;
	bool has_packets, has_bytes;
	uint64_t packets, bytes;
};

/* Decode an SGFW_A_NACL_RULE nest: 0, -EBADMSG. */
int nacl_rule_decode(const struct nlattr *nest, struct nacl_rule *r);

/*
 * Print @r as one object: in text one line, "rule ID DIRECTION PROTO ...",
 * which reads as the `rule add` that makes it; with @with_sg the JSON has
 * the group's name too.
 */
void rule_print(const struct rule *r, bool with_sg);

#endif /* SGTOOL_RULE_H */
