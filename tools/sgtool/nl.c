// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink on libmnl.  See nl.h.
 *
 * The receive loop is written out here rather than left to mnl_cb_run():
 * it needs to keep the extended ack of both NLMSG_ERROR and NLMSG_DONE,
 * and to read a dump to its end after a callback has failed, so that the
 * next request on the socket does not meet the rest of this one.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>

#include "nl.h"

static void mnl_tr_close(void *priv)
{
	mnl_socket_close(priv);
}

static int mnl_tr_send(void *priv, const void *buf, size_t len)
{
	return mnl_socket_sendto(priv, buf, len) < 0 ? -errno : 0;
}

static ssize_t mnl_tr_recv(void *priv, void *buf, size_t len)
{
	ssize_t n;

	do
		n = mnl_socket_recvfrom(priv, buf, len);
	while (n < 0 && errno == EINTR);
	/* libmnl reports a reply larger than @buf as ENOSPC. */
	return n < 0 ? -errno : n;
}

static int mnl_tr_join(void *priv, uint32_t group)
{
	unsigned int g = group;

	return mnl_socket_setsockopt(priv, NETLINK_ADD_MEMBERSHIP, &g,
				     sizeof(g)) < 0 ? -errno : 0;
}

static int mnl_tr_set_rcvbuf(void *priv, int bytes)
{
	int fd = mnl_socket_get_fd(priv);

	if (!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof(bytes)))
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) ?
	       -errno : 0;
}

static int mnl_tr_wait(void *priv, int timeout_ms, const sigset_t *sigmask)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(priv), .events = POLLIN };
	struct timespec ts = {
		.tv_sec = timeout_ms / 1000,
		.tv_nsec = (long)(timeout_ms % 1000) * 1000000,
	};
	int n = ppoll(&pfd, 1, timeout_ms < 0 ? NULL : &ts, sigmask);

	return n < 0 ? -errno : n;
}

int nl_mnl_transport_open(struct nl_transport *tr)
{
	struct mnl_socket *nl;
	int one = 1;
	int err;

	nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl);
		return err;
	}
	/*
	 * Both are best effort: without them errors still arrive, only with
	 * no message, or with our own request echoed back.
	 */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));

	*tr = (struct nl_transport){
		.send = mnl_tr_send,
		.recv = mnl_tr_recv,
		.close = mnl_tr_close,
		.join = mnl_tr_join,
		.set_rcvbuf = mnl_tr_set_rcvbuf,
		.wait = mnl_tr_wait,
		.priv = nl,
		.portid = mnl_socket_get_portid(nl),
	};
	return 0;
}

int (*nl_transport_open)(struct nl_transport *tr) = nl_mnl_transport_open;

struct nl_sock *nl_open(void)
{
	struct nl_sock *s;
	int err;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->req = malloc(NL_BUF_SIZE);
	s->rbuf = malloc(NL_RBUF_SIZE);
	if (!s->req || !s->rbuf) {
		err = -ENOMEM;
		goto err_free;
	}
	err = nl_transport_open(&s->tr);
	if (err)
		goto err_free;
	/* As libmnl's examples do: not reusing a recent run's numbers. */
	s->seq = (uint32_t)time(NULL);
	return s;

err_free:
	free(s->rbuf);
	free(s->req);
	free(s);
	errno = -err;
	return NULL;
}

void nl_close(struct nl_sock *s)
{
	if (!s)
		return;
	s->tr.close(s->tr.priv);
	free(s->rbuf);
	free(s->req);
	free(s);
}

struct nlmsghdr *nl_msg_raw(struct nl_sock *s, uint16_t type, uint8_t cmd,
			    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	/*
	 * libmnl leaves the padding after an attribute as it finds it: clear
	 * the whole buffer so that no stale byte goes to the kernel.
	 */
	memset(s->req, 0, NL_BUF_SIZE);
	nlh = mnl_nlmsg_put_header(s->req);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *nl_msg(struct nl_sock *s, uint8_t cmd, uint16_t flags)
{
	return nl_msg_raw(s, s->family_id, cmd, (uint8_t)s->family_version,
			  flags);
}

static void nl_err_reset(struct nl_err *e)
{
	memset(e, 0, sizeof(*e));
	e->attr_type = -1;
	e->miss_type = -1;
}

/*
 * The bounds of NLMSGERR_ATTR_POLICY (the policy an attribute broke: the
 * kernel's message is then a generic "integer out of range"), as text
 * for the message, e.g. "1 to 32766" or "at most 63 bytes".
 */
static void parse_policy(const struct nlattr *nest, char *buf, size_t len)
{
	bool has_min = false, has_max = false, has_len = false;
	int64_t smin = 0, smax = 0;
	uint64_t min = 0, max = 0;
	bool sign = false;
	uint32_t maxlen = 0;
	const struct nlattr *a;

	buf[0] = '\0';
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			has_min = !nl_attr_u64(a, &min);
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			has_max = !nl_attr_u64(a, &max);
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			has_min = !nl_attr_u64(a, (uint64_t *)&smin);
			sign = true;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			has_max = !nl_attr_u64(a, (uint64_t *)&smax);
			sign = true;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			has_len = !nl_attr_u32(a, &maxlen);
			break;
		}
	}
	if (has_min && has_max && sign)
		snprintf(buf, len, "%" PRId64 " to %" PRId64, smin, smax);
	else if (has_min && has_max)
		snprintf(buf, len, "%" PRIu64 " to %" PRIu64, min, max);
	else if (has_len)
		snprintf(buf, len, "at most %" PRIu32 " bytes", maxlen);
}

/* The extended-ack attributes start @off bytes into @nlh's payload. */
static void parse_ext_ack(const struct nlmsghdr *nlh, size_t off,
			  const void *req, size_t req_len, struct nl_err *e)
{
	char bounds[64] = "";
	const struct nlattr *a;
	uint32_t v;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    off > mnl_nlmsg_get_payload_len(nlh))
		return;

	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (nl_attr_str(a))
				snprintf(e->msg, sizeof(e->msg), "%s",
					 nl_attr_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (nl_attr_u32(a, &v))
				break;
			e->offset = v;
			/* The offset counts from the request's nlmsghdr. */
			if (req && v >= NLMSG_HDRLEN &&
			    (size_t)v + sizeof(struct nlattr) <= req_len) {
				struct nlattr bad;

				memcpy(&bad, (const char *)req + v,
				       sizeof(bad));
				e->attr_type = bad.nla_type & NLA_TYPE_MASK;
			}
			break;
#ifdef NLMSGERR_ATTR_MISS_TYPE
		case NLMSGERR_ATTR_MISS_TYPE:
			if (!nl_attr_u32(a, &v))
				e->miss_type = (int)v;
			break;
#endif
		case NLMSGERR_ATTR_POLICY:
			parse_policy(a, bounds, sizeof(bounds));
			break;
		}
	}
	/* "integer out of range (1 to 32766)" */
	if (bounds[0] && e->msg[0]) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof(e->msg) - n, " (%s)", bounds);
	}
}

int nl_parse_error(const struct nlmsghdr *nlh, const void *req,
		   size_t req_len, struct nl_err *e)
{
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off;
	int code;

	nl_err_reset(e);
	if (len < sizeof(int))
		return -EBADMSG;
	memcpy(&code, err, sizeof(code));
	if (code > 0)
		return -EBADMSG;
	e->code = code;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		/* A dump's end: the error, then the attributes. */
		parse_ext_ack(nlh, sizeof(int), req, req_len, e);
		return e->code;
	}

	/*
	 * An ack or error: struct nlmsgerr, then the request's payload unless
	 * the kernel capped it (we ask it to with NETLINK_CAP_ACK), then the
	 * attributes.
	 */
	if (len < sizeof(*err))
		return e->code;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN)
			return e->code;
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	parse_ext_ack(nlh, off, req, req_len, e);
	return e->code;
}

int nl_talk(struct nl_sock *s, struct nlmsghdr *nlh, nl_cb_t cb, void *data)
{
	bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	int cb_err = 0;
	bool stop = false;
	int ret;

	nl_err_reset(&s->err);
	s->dump_intr = false;
	nlh->nlmsg_flags |= NLM_F_REQUEST;
	/* A dump ends with NLMSG_DONE; the kernel acks no dump. */
	if (!dump)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++s->seq;
	s->req_len = nlh->nlmsg_len;

	ret = s->tr.send(s->tr.priv, nlh, nlh->nlmsg_len);
	if (ret < 0)
		return ret;

	for (;;) {
		const struct nlmsghdr *m = (const struct nlmsghdr *)s->rbuf;
		ssize_t n = s->tr.recv(s->tr.priv, s->rbuf, NL_RBUF_SIZE);
		int len;

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -EPROTO;
		len = (int)n;

		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			/* Left over from a request that was abandoned. */
			if (m->nlmsg_seq != s->seq ||
			    !mnl_nlmsg_portid_ok(m, s->tr.portid))
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				s->dump_intr = true;

			switch (m->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_OVERRUN:
				return -EOVERFLOW;
			case NLMSG_ERROR:
			case NLMSG_DONE:
				ret = nl_parse_error(m, s->req, s->req_len,
						     &s->err);
				return ret ? ret : cb_err;
			}

			if (!cb || stop)
				continue;
			ret = cb(m, data);
			if (ret) {
				stop = true;
				if (ret < 0)
					cb_err = ret;
			}
		}
	}
}

const char *nl_strerror(const struct nl_sock *s, int err)
{
	if (s && s->err.code && s->err.code == err && s->err.msg[0])
		return s->err.msg;
	return strerror(-err);
}

int nl_mcast_group(const struct nl_sock *s, const char *name)
{
	for (unsigned int i = 0; i < s->n_groups; i++)
		if (!strcmp(s->groups[i].name, name))
			return (int)s->groups[i].id;
	return -ENOENT;
}

int nl_join(struct nl_sock *s, uint32_t group)
{
	return s->tr.join(s->tr.priv, group);
}

int nl_set_rcvbuf(struct nl_sock *s, int bytes)
{
	return s->tr.set_rcvbuf(s->tr.priv, bytes);
}

int nl_wait(struct nl_sock *s, int timeout_ms, const sigset_t *sigmask)
{
	return s->tr.wait(s->tr.priv, timeout_ms, sigmask);
}

int nl_recv_ntf(struct nl_sock *s, nl_cb_t cb, void *data)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)s->rbuf;
	ssize_t n = s->tr.recv(s->tr.priv, s->rbuf, NL_RBUF_SIZE);
	int len, ret;

	if (n < 0)
		return (int)n;
	for (len = (int)n; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		/* Replies to a request of ours, or another family's. */
		if (m->nlmsg_seq || m->nlmsg_type != s->family_id)
			continue;
		ret = cb(m, data);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int parse_stream(const void *start, size_t len,
			const struct nlattr **tb, unsigned int max)
{
	const char *p = start;
	const char *end = p + len;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (p < end) {
		const struct nlattr *a = (const struct nlattr *)p;
		uint16_t type;

		if (!mnl_attr_ok(a, (int)(end - p)))
			return -EBADMSG;
		type = mnl_attr_get_type(a);
		if (type <= max)
			tb[type] = a;
		p += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

int nl_parse_attrs(const struct nlmsghdr *nlh, const struct nlattr **tb,
		   unsigned int max)
{
	if (mnl_nlmsg_get_payload_len(nlh) < GENL_HDRLEN)
		return -EBADMSG;
	return parse_stream(mnl_nlmsg_get_payload_offset(nlh, GENL_HDRLEN),
			    mnl_nlmsg_get_payload_len(nlh) - GENL_HDRLEN,
			    tb, max);
}

int nl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		    unsigned int max)
{
	return parse_stream(mnl_attr_get_payload(nest),
			    mnl_attr_get_payload_len(nest), tb, max);
}

static int attr_get(const struct nlattr *a, void *v, size_t size)
{
	if (!a)
		return -ENOENT;
	if (mnl_attr_get_payload_len(a) != size)
		return -EBADMSG;
	memcpy(v, mnl_attr_get_payload(a), size);
	return 0;
}

int nl_attr_u8(const struct nlattr *a, uint8_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

int nl_attr_u16(const struct nlattr *a, uint16_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

int nl_attr_u32(const struct nlattr *a, uint32_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

int nl_attr_u64(const struct nlattr *a, uint64_t *v)
{
	return attr_get(a, v, sizeof(*v));
}

const char *nl_attr_str(const struct nlattr *a)
{
	const char *s;
	size_t len;

	if (!a)
		return NULL;
	s = mnl_attr_get_payload(a);
	len = mnl_attr_get_payload_len(a);
	if (!len || s[len - 1] != '\0')
		return NULL;
	return s;
}

int nl_attr_uint(const struct nlattr *a, uint64_t *v)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	if (!a)
		return -ENOENT;
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		memcpy(&v8, mnl_attr_get_payload(a), 1);
		*v = v8;
		return 0;
	case 2:
		memcpy(&v16, mnl_attr_get_payload(a), 2);
		*v = v16;
		return 0;
	case 4:
		memcpy(&v32, mnl_attr_get_payload(a), 4);
		*v = v32;
		return 0;
	case 8:
		memcpy(v, mnl_attr_get_payload(a), 8);
		return 0;
	}
	return -EBADMSG;
}

int nl_collect(const struct nlmsghdr *nlh, void *data)
{
	struct nl_msgs *m = data;
	struct nlmsghdr *copy;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct nlmsghdr **v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	m->v[m->n++] = copy;
	return 0;
}

void nl_msgs_free(struct nl_msgs *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	*m = (struct nl_msgs){ 0 };
}

/* Reply to CTRL_CMD_GETFAMILY: the id, the version, the groups. */
static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *g;
	struct nl_sock *s = data;
	int err;

	err = nl_parse_attrs(nlh, tb, CTRL_ATTR_MAX);
	if (err)
		return err;
	if (nl_attr_u16(tb[CTRL_ATTR_FAMILY_ID], &s->family_id) ||
	    nl_attr_u32(tb[CTRL_ATTR_VERSION], &s->family_version))
		return -EBADMSG;
	if (!tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;

	mnl_attr_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS]) {
		const struct nlattr *gb[CTRL_ATTR_MCAST_GRP_MAX + 1];
		struct nl_mcast_group *grp;
		const char *name;

		if (s->n_groups == NL_MAX_MCAST_GROUPS)
			break;
		if (nl_parse_nested(g, gb, CTRL_ATTR_MCAST_GRP_MAX))
			return -EBADMSG;
		grp = &s->groups[s->n_groups];
		name = nl_attr_str(gb[CTRL_ATTR_MCAST_GRP_NAME]);
		if (!name || nl_attr_u32(gb[CTRL_ATTR_MCAST_GRP_ID], &grp->id))
			return -EBADMSG;
		snprintf(grp->name, sizeof(grp->name), "%s", name);
		s->n_groups++;
	}
	return 0;
}

int nl_resolve(struct nl_sock *s, const char *family)
{
	struct nlmsghdr *nlh;
	int err;

	if (strlen(family) >= GENL_NAMSIZ)
		return -EINVAL;
	nlh = nl_msg_raw(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, family);

	s->family_id = 0;
	s->n_groups = 0;
	err = nl_talk(s, nlh, family_cb, s);
	if (!err && !s->family_id)
		err = -EBADMSG;
	return err;
}
