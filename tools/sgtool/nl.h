/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small generic netlink layer on libmnl: open a socket, resolve a family
 * by name, send one request and run a callback over its replies (a single
 * reply or a multi-part dump), and keep the kernel's extended ack so that
 * its message reaches the user.
 */
#ifndef SGTOOL_NL_H
#define SGTOOL_NL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* Both buffers hold the largest message the kernel puts in a dump skb. */
#define NL_BUF_SIZE		65536
/*
 * Replies: the kernel sends one object whole in the reply to a "do", and
 * a security group at its limits (240 rules with descriptions and 1000
 * members) takes about 120 KiB.
 */
#define NL_RBUF_SIZE		(256 * 1024)
#define NL_MAX_MCAST_GROUPS	8

/* What the kernel said about the last request. */
struct nl_err {
	int code;		/* 0, or the negative errno it returned */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" when absent */
	uint32_t offset;	/* NLMSGERR_ATTR_OFFS, 0 when absent */
	int attr_type;		/* type of the attribute at offset, or -1 */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
};

/*
 * How messages reach the kernel.  nl_open() takes one from
 * nl_transport_open, which is a libmnl socket except in the unit tests,
 * which put a scripted kernel there.
 */
struct nl_transport {
	int (*send)(void *priv, const void *buf, size_t len);	 /* 0/-errno */
	ssize_t (*recv)(void *priv, void *buf, size_t len);	 /* len/-errno */
	void (*close)(void *priv);
	int (*join)(void *priv, uint32_t group);		 /* 0/-errno */
	int (*set_rcvbuf)(void *priv, int bytes);		 /* 0/-errno */
	/* As ppoll(2) for input: 1, 0 on timeout, -errno. */
	int (*wait)(void *priv, int timeout_ms, const sigset_t *sigmask);
	void *priv;
	uint32_t portid;
};

extern int (*nl_transport_open)(struct nl_transport *tr);
int nl_mnl_transport_open(struct nl_transport *tr);

struct nl_mcast_group {
	char name[GENL_NAMSIZ];
	uint32_t id;
};

struct nl_sock {
	struct nl_transport tr;
	uint16_t family_id;
	uint32_t family_version;
	struct nl_mcast_group groups[NL_MAX_MCAST_GROUPS];
	unsigned int n_groups;
	uint32_t seq;
	char *req;		/* the request being built, then sent */
	size_t req_len;		/* length of the last request sent */
	char *rbuf;
	struct nl_err err;
	/* A message of the last dump said the dump saw a change mid-way. */
	bool dump_intr;
};

/*
 * Reply callback: return 0 to go on, a positive value to ignore the rest of
 * the replies, or a negative errno to fail the request (the rest of the
 * replies are read and dropped, so the socket stays usable).
 */
typedef int (*nl_cb_t)(const struct nlmsghdr *nlh, void *data);

/* Return a socket, or NULL with errno set. */
struct nl_sock *nl_open(void);
void nl_close(struct nl_sock *s);

/* Return 0, -ENOENT when no family has that name, or another -errno. */
int nl_resolve(struct nl_sock *s, const char *family);

/*
 * Start a request in the socket's buffer: to the resolved family with
 * nl_msg(), to any other (the controller) with nl_msg_raw().  @flags may
 * hold NLM_F_DUMP and the NEW flags; nl_talk() adds NLM_F_REQUEST and, to
 * everything but dumps, NLM_F_ACK.  Put attributes with the
 * mnl_attr_put_*_check() calls and NL_BUF_SIZE.
 */
struct nlmsghdr *nl_msg(struct nl_sock *s, uint8_t cmd, uint16_t flags);
struct nlmsghdr *nl_msg_raw(struct nl_sock *s, uint16_t type, uint8_t cmd,
			    uint8_t version, uint16_t flags);

/*
 * Send @nlh and call @cb (may be NULL) on every reply until the ack, the
 * error or the end of the dump.  Return 0 or a negative errno; s->err
 * holds the kernel's extended ack, also on success (a warning).
 */
int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, nl_cb_t cb, void *data);

/* The kernel's message for @err when it sent one, strerror() otherwise. */
const char *nl_strerror(const struct nl_sock *s, int err);

/* The id of the family's multicast group @name, or -ENOENT. */
int nl_mcast_group(const struct nl_sock *s, const char *name);

/*
 * Listening to a multicast group: join it (NETLINK_ADD_MEMBERSHIP: 0,
 * -EPERM without the capability the group asks for, another -errno), ask
 * for a receive buffer of @bytes (SO_RCVBUFFORCE, which needs
 * CAP_NET_ADMIN, else SO_RCVBUF, which the kernel caps at rmem_max).
 */
int nl_join(struct nl_sock *s, uint32_t group);
int nl_set_rcvbuf(struct nl_sock *s, int bytes);

/*
 * Wait up to @timeout_ms (-1: for ever) for a message to read, with the
 * signal mask @sigmask while waiting, as ppoll(2) does: 1 when there is
 * one, 0 on timeout, -EINTR when a signal came, another -errno.
 */
int nl_wait(struct nl_sock *s, int timeout_ms, const sigset_t *sigmask);

/*
 * Read what one recv() returns of the messages the kernel sent unasked
 * (notifications: sequence number 0) and call @cb on each of the family's.
 * Return 0, -ENOBUFS when the socket overflowed and some were lost, the
 * callback's negative errno, or another -errno.
 */
int nl_recv_ntf(struct nl_sock *s, nl_cb_t cb, void *data);

/*
 * Decode an NLMSG_ERROR or NLMSG_DONE message into @e.  @req, the request
 * it answers, lets NLMSGERR_ATTR_OFFS be turned into an attribute type.
 * Return e->code, or -EBADMSG when the message is malformed.
 */
int nl_parse_error(const struct nlmsghdr *nlh, const void *req,
		   size_t req_len, struct nl_err *e);

/*
 * Index the attributes of a genetlink message, or of a nest, by type into
 * @tb[0..max]; unknown types are ignored, so that a newer kernel can add
 * some.  Return 0 or -EBADMSG.
 */
int nl_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max);
int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max);

/* Getters: 0, -ENOENT when @a is NULL, -EBADMSG when its size is wrong. */
int nl_attr_u8(const struct nlattr *a, uint8_t *v);
int nl_attr_u16(const struct nlattr *a, uint16_t *v);
int nl_attr_u32(const struct nlattr *a, uint32_t *v);
int nl_attr_u64(const struct nlattr *a, uint64_t *v);
/* The string, or NULL when @a is NULL or not NUL-terminated. */
const char *nl_attr_str(const struct nlattr *a);
/*
 * An unsigned integer of 1, 2, 4 or 8 bytes, for enums and counts whose
 * width a newer kernel may change; 0, -ENOENT or -EBADMSG as above.
 */
int nl_attr_uint(const struct nlattr *a, uint64_t *v);

/*
 * Replies kept for later: nl_collect() as the callback of nl_talk() appends
 * a copy of every reply to the struct nl_msgs it is given, so that a dump
 * can be checked whole before anything of it is printed.
 */
struct nl_msgs {
	struct nlmsghdr **v;
	size_t n, cap;
};

int nl_collect(const struct nlmsghdr *nlh, void *data);
void nl_msgs_free(struct nl_msgs *m);

#endif /* SGTOOL_NL_H */
