/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgfw messages: building requests whose size depends on the command line
 * (descriptions, lists of addresses), and decoding the address attributes
 * every object shares.
 */
#ifndef SGTOOL_MSG_H
#define SGTOOL_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"
#include "parse.h"

/*
 * A request being built.  Each put that does not fit sets @full instead
 * of writing, so that the command can check once, before sending.
 */
struct req {
	struct nl_sock *s;
	struct nlmsghdr *nlh;
	bool full;
};

void req_init(struct req *r, struct nl_sock *s, uint8_t cmd, uint16_t flags);
void req_u8(struct req *r, uint16_t type, uint8_t v);
void req_flag(struct req *r, uint16_t type);
void req_u16(struct req *r, uint16_t type, uint16_t v);
void req_u32(struct req *r, uint16_t type, uint32_t v);
void req_str(struct req *r, uint16_t type, const char *v);
/* SGFW_A_IFACE_MAC: a MAC address, all zeros for none. */
void req_mac(struct req *r, const uint8_t mac[MAC_LEN]);
/* @v4 and @v6 are the attribute types for the two families. */
void req_addr(struct req *r, uint16_t v4, uint16_t v6, const struct addr *a);
/* A nest of SGFW_A_CIDR_*, with the prefix length when @plen. */
void req_cidr(struct req *r, uint16_t type, const struct cidr *c, bool plen);
/*
 * SGFW_A_IFACE_ADDRESSES: a nest of the @n CIDRs of @v (an empty nest when
 * @n is 0, which clears the list), each with its prefix length when the
 * text had one.
 */
void req_addresses(struct req *r, const struct cidr *v, size_t n);
/*
 * Open a nest of type @type; NULL (and @r full) when it does not fit.
 * req_nest_end() closes it unless a put into it did not fit.
 */
struct nlattr *req_nest_start(struct req *r, uint16_t type);
void req_nest_end(struct req *r, struct nlattr *nest);

/*
 * Send the request and run @cb over the replies; return an exit status,
 * having reported any failure.  A request too large for one message is a
 * usage error, refused before anything is sent.
 */
int req_talk(struct req *r, nl_cb_t cb, void *data);

/*
 * req_talk() with nl_collect() into @m, asked again (with @m emptied)
 * while the kernel flags the dump as one the configuration changed in the
 * middle of (NLM_F_DUMP_INTR).  Return an exit status, as req_talk().
 */
int req_collect(struct req *r, struct nl_msgs *m);

/* A nest of SGFW_A_CIDR_*; no prefix length means a host. */
int msg_cidr(const struct nlattr *nest, struct cidr *c);

/*
 * The MAC address of SGFW_A_IFACE_MAC @a into @mac: 0, -ENOENT when @a is
 * NULL (none: @mac all zeros), -EBADMSG when it is not six bytes.
 */
int msg_mac(const struct nlattr *a, uint8_t mac[MAC_LEN]);

/* The most addresses a device has (SGFW_A_IFACE_ADDRESSES). */
#define IFACE_MAX_ADDRESSES	64

/*
 * Call @fn on every address of the nest SGFW_A_IFACE_ADDRESSES @nest (NULL:
 * none), in order.  Return 0, -EBADMSG, or the first error of @fn.
 */
int msg_addresses(const struct nlattr *nest,
		  int (*fn)(const struct cidr *c, void *arg), void *arg);

/* Where a string attribute is optional: NULL when absent, else checked. */
int msg_opt_str(const struct nlattr *a, const char **s);
/*
 * Where a number is optional (a counter, say): *has says whether it is
 * there; 0, or -EBADMSG when it is of the wrong size.
 */
int msg_opt_u32(const struct nlattr *a, bool *has, uint32_t *v);
int msg_opt_u64(const struct nlattr *a, bool *has, uint64_t *v);

/*
 * A "show" command: one request (a dump, or a "do" when @build is set),
 * every reply checked by @walk(nlh, false, walk_arg) before any is printed
 * by @walk(nlh, true, walk_arg), inside one JSON array.  The kernel may
 * split a large object over several messages of a dump, each with the
 * object's @join_key attribute (a name): those are joined into one before
 * they are walked, the attributes of the later ones added to the first.
 */
struct msg_show {
	uint8_t cmd;
	/* Put the attributes of the "do"; return an exit status. */
	int (*build)(struct req *q, void *arg);
	void *build_arg;
	int (*walk)(const struct nlmsghdr *nlh, bool print, void *arg);
	void *walk_arg;
	bool dump;		/* a dump even with @build */
	uint16_t join_key;	/* 0: one message per object */
	const uint16_t *join_lists;	/* the list attributes, 0-ended */
};

/*
 * Join the messages of @m that carry the same string attribute @key one
 * after the other into the first of them: it gets their attributes of the
 * types in @lists (0-ended).  Return 0, -ENOMEM or -EBADMSG.
 */
int msg_join(struct nl_msgs *m, uint16_t key, const uint16_t *lists);

int msg_show(const struct msg_show *sh);

/*
 * Loop over the top-level attributes of the genetlink message @nlh of type
 * @type (once checked by nl_parse_attrs()).
 */
#define msg_for_each_attr(a, nlh, type)					\
	mnl_attr_for_each(a, nlh, GENL_HDRLEN)				\
		if (mnl_attr_get_type(a) != (type)) {} else

#endif /* SGTOOL_MSG_H */
