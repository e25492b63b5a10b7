/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scripted kernel behind nl_open(): it answers the controller's family
 * lookup and SGFW_CMD_STATUS as the module does, records the requests it
 * gets, and lets a test queue any other reply by hand.  Each queued buffer
 * is what one recv() returns, so multi-part replies can be split over
 * several reads as the kernel splits a dump.  Events of the multicast
 * group wait in a queue of their own, which only the socket that joined
 * the group reads.
 */
#ifndef SGTOOL_TESTS_FAKE_KERNEL_H
#define SGTOOL_TESTS_FAKE_KERNEL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define FAKE_FAMILY_ID		29
#define FAKE_PORTID		4242
#define FAKE_EVENTS_GROUP	7
#define FAKE_MAX_BUFS		8
#define FAKE_BUF_SIZE		8192
#define FAKE_MAX_CMDS		32
#define FAKE_MAX_EVENTS		32
#define FAKE_EVENT_SIZE		512

struct fake_kernel {
	/* Behaviour, set by the test. */
	bool loaded;			/* "sgfw" is registered */
	unsigned int family_version;	/* 0: SGFW_GENL_VERSION */
	int status_error;		/* what SGFW_CMD_STATUS returns */
	const char *status_extack;	/* with this message, or none */
	bool status_omit_flows;		/* leave SGFW_A_STATUS_FLOWS out */
	bool status_bad_size;		/* send FLOWS as a u16 */
	bool status_frags;		/* send FRAGS and FRAGS_FULL */
	/*
	 * Requests to anything but the controller and SGFW_CMD_STATUS go
	 * here; with no handler they fail with -EOPNOTSUPP.
	 */
	void (*respond)(const struct nlmsghdr *req);
	int join_error;			/* what joining a group gets */
	/*
	 * A wait of the group's socket with no event left gets a SIGTERM,
	 * as a user's would come; without it, the wait fails with -EAGAIN.
	 */
	bool stop_when_idle;

	/* What happened. */
	unsigned int opens, closes, requests;
	unsigned int joined;		/* the socket in the group */
	uint32_t group;			/* the group it joined */
	int rcvbuf;			/* the receive buffer it asked for */
	char req[FAKE_BUF_SIZE];	/* the last request */
	size_t req_len;
	/* The genetlink commands of every request to sgfw, in order. */
	uint8_t cmds[FAKE_MAX_CMDS];
	unsigned int n_cmds;

	/* Replies waiting to be read. */
	char bufs[FAKE_MAX_BUFS][FAKE_BUF_SIZE];
	size_t lens[FAKE_MAX_BUFS];
	unsigned int head, tail;

	/* Events waiting to be read, one a recv(), or a recv()'s error. */
	char events[FAKE_MAX_EVENTS][FAKE_EVENT_SIZE];
	int event_errors[FAKE_MAX_EVENTS];
	unsigned int event_head, event_tail;
};

extern struct fake_kernel fake;

/* Reset @fake and make nl_open() use it. */
void fake_install(void);
/* Make nl_open() open real sockets again. */
void fake_uninstall(void);

/*
 * Append a message to the reply being built and return it, with the seq
 * and port of the last request, for the test to add attributes to.
 * fake_put_genl() adds a genetlink header.
 */
struct nlmsghdr *fake_put(uint16_t type, uint16_t flags);
struct nlmsghdr *fake_put_genl(uint16_t type, uint16_t flags, uint8_t cmd);
/* Append an NLMSG_ERROR (an ack when @error is 0), capped, with @msg. */
struct nlmsghdr *fake_put_error(int error, const char *msg);
/* Append NLMSG_DONE carrying @error and @msg. */
struct nlmsghdr *fake_put_done(int error, const char *msg);
/*
 * Put the address @text (IPv4 or IPv6; anything else aborts the test) as
 * the attribute @v4 (4 bytes) or @v6 (16 bytes), network order.
 */
void fake_put_addr(struct nlmsghdr *nlh, uint16_t v4, uint16_t v6,
		   const char *text);
/*
 * A nest @type of SGFW_A_CIDR_*: the address @text, and the prefix length
 * @plen unless it is negative.
 */
void fake_put_cidr(struct nlmsghdr *nlh, uint16_t type, const char *text,
		   int plen);
/*
 * A nest @type of SGFW_A_MATCH_*, of the fields that are not negative;
 * none when every one is.
 */
void fake_put_match(struct nlmsghdr *nlh, uint16_t type, int proto,
		    int port_from, int port_to, int icmp_type, int icmp_code);
/* End the current recv() buffer; the next fake_put() starts another. */
void fake_flush(void);

/*
 * Queue an event of command @cmd, for the test to add attributes to, and
 * a recv() of the group's socket that fails with @error (-ENOBUFS, say).
 */
struct nlmsghdr *fake_put_event(uint8_t cmd);
void fake_put_event_error(int error);

/* A respond hook that acks every request and records nothing more. */
void fake_respond_ack(const struct nlmsghdr *req);

/*
 * The last request: its genetlink command and flags, and its top-level
 * attributes: the number of type @type, and the @nth (from 0) of them, or
 * NULL.
 */
uint8_t fake_req_cmd(void);
uint16_t fake_req_flags(void);
unsigned int fake_req_count(uint16_t type);
const struct nlattr *fake_req_attr(uint16_t type, unsigned int nth);
/* Every top-level attribute type of the last request, in order, -1 ended. */
void fake_req_types(int *types, unsigned int max);
/* The first attribute of type @type in @nest (NULL: none, or no nest). */
const struct nlattr *fake_nested(const struct nlattr *nest, uint16_t type);
/* Every attribute type in @nest, in order, -1 ended (none without @nest). */
void fake_nest_types(const struct nlattr *nest, int *types, unsigned int max);

#endif /* SGTOOL_TESTS_FAKE_KERNEL_H */
