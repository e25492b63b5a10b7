// SPDX-License-Identifier: GPL-2.0
/*
 * The scripted kernel.  See fake_kernel.h.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sgfw.h>

#include "fake_kernel.h"
#include "nl.h"

struct fake_kernel fake;

/*
 * The message being built: its length is final only when the next one
 * starts or the buffer is read, so it is added to the buffer then.
 */
static struct nlmsghdr *open_msg;
static bool building;

static void seal(void)
{
	if (open_msg) {
		fake.lens[fake.tail - 1] += NLMSG_ALIGN(open_msg->nlmsg_len);
		open_msg = NULL;
	}
}

void fake_flush(void)
{
	seal();
	building = false;
}

struct nlmsghdr *fake_put(uint16_t type, uint16_t flags)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	struct nlmsghdr *nlh;

	seal();
	if (!building) {
		if (fake.tail == FAKE_MAX_BUFS)
			abort();
		fake.lens[fake.tail++] = 0;
		building = true;
	}
	nlh = (struct nlmsghdr *)(fake.bufs[fake.tail - 1] +
				  fake.lens[fake.tail - 1]);
	nlh = mnl_nlmsg_put_header(nlh);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = FAKE_PORTID;
	open_msg = nlh;
	return nlh;
}

struct nlmsghdr *fake_put_genl(uint16_t type, uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *nlh = fake_put(type, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = 1;
	return nlh;
}

struct nlmsghdr *fake_put_error(int error, const char *msg)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	nlh = fake_put(NLMSG_ERROR, NLM_F_CAPPED | (msg ? NLM_F_ACK_TLVS : 0));
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	memcpy(&e->msg, fake.req, sizeof(e->msg));
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	return nlh;
}

struct nlmsghdr *fake_put_done(int error, const char *msg)
{
	struct nlmsghdr *nlh;
	int *e;

	nlh = fake_put(NLMSG_DONE, NLM_F_MULTI | (msg ? NLM_F_ACK_TLVS : 0));
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	*e = error;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	return nlh;
}

void fake_put_addr(struct nlmsghdr *nlh, uint16_t v4, uint16_t v6,
		   const char *text)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, text, &a4) == 1)
		mnl_attr_put(nlh, v4, sizeof(a4), &a4);
	else if (inet_pton(AF_INET6, text, &a6) == 1)
		mnl_attr_put(nlh, v6, sizeof(a6), &a6);
	else
		abort();
}

void fake_put_cidr(struct nlmsghdr *nlh, uint16_t type, const char *text,
		   int plen)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	fake_put_addr(nlh, SGFW_A_CIDR_IPV4, SGFW_A_CIDR_IPV6, text);
	if (plen >= 0)
		mnl_attr_put_u8(nlh, SGFW_A_CIDR_PREFIX_LEN, (uint8_t)plen);
	mnl_attr_nest_end(nlh, nest);
}

void fake_put_match(struct nlmsghdr *nlh, uint16_t type, int proto,
		    int port_from, int port_to, int icmp_type, int icmp_code)
{
	struct nlattr *nest;

	if (proto < 0 && port_from < 0 && port_to < 0 && icmp_type < 0 &&
	    icmp_code < 0)
		return;
	nest = mnl_attr_nest_start(nlh, type);
	if (proto >= 0)
		mnl_attr_put_u8(nlh, SGFW_A_MATCH_PROTOCOL, (uint8_t)proto);
	if (port_from >= 0)
		mnl_attr_put_u16(nlh, SGFW_A_MATCH_PORT_FROM,
				 (uint16_t)port_from);
	if (port_to >= 0)
		mnl_attr_put_u16(nlh, SGFW_A_MATCH_PORT_TO, (uint16_t)port_to);
	if (icmp_type >= 0)
		mnl_attr_put_u8(nlh, SGFW_A_MATCH_ICMP_TYPE,
				(uint8_t)icmp_type);
	if (icmp_code >= 0)
		mnl_attr_put_u8(nlh, SGFW_A_MATCH_ICMP_CODE,
				(uint8_t)icmp_code);
	mnl_attr_nest_end(nlh, nest);
}

static void ack(const struct nlmsghdr *req)
{
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_put_error(0, NULL);
}

static void ctrl_getfamily(const struct nlmsghdr *req)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlattr *groups, *grp;
	struct nlmsghdr *nlh;
	const char *name;

	if (nl_parse_attrs(req, tb, CTRL_ATTR_MAX)) {
		fake_put_error(-EINVAL, "malformed request");
		return;
	}
	name = nl_attr_str(tb[CTRL_ATTR_FAMILY_NAME]);
	/* The controller sends no message for an unknown family. */
	if (!fake.loaded || !name || strcmp(name, SGFW_GENL_NAME)) {
		fake_put_error(-ENOENT, NULL);
		return;
	}
	nlh = fake_put_genl(GENL_ID_CTRL, 0, CTRL_CMD_NEWFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SGFW_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAKE_FAMILY_ID);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, fake.family_version ?:
			 SGFW_GENL_VERSION);
	mnl_attr_put_u32(nlh, CTRL_ATTR_HDRSIZE, 0);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MAXATTR, SGFW_A_STATUS_MAX);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	grp = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "events");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, FAKE_EVENTS_GROUP);
	mnl_attr_nest_end(nlh, grp);
	mnl_attr_nest_end(nlh, groups);
	ack(req);
}

static void sgfw_status(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;

	if (fake.status_error) {
		fake_put_error(fake.status_error, fake.status_extack);
		return;
	}
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_STATUS);
	mnl_attr_put_strz(nlh, SGFW_A_STATUS_VERSION, "1.2.3-test");
	if (fake.status_bad_size)
		mnl_attr_put_u16(nlh, SGFW_A_STATUS_FLOWS, 5);
	else if (!fake.status_omit_flows)
		mnl_attr_put_u32(nlh, SGFW_A_STATUS_FLOWS, 5);
	mnl_attr_put_u32(nlh, SGFW_A_STATUS_FLOW_LIMIT, 1000);
	/* Past 2^32, to show that the u64 is read whole. */
	mnl_attr_put_u64(nlh, SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
			 (1ULL << 40) + 1);
	mnl_attr_put_u32(nlh, SGFW_A_STATUS_ALLOWANCE_AVAILABLE, 995);
	if (fake.status_frags) {
		mnl_attr_put_u32(nlh, SGFW_A_STATUS_FRAGS, 3);
		mnl_attr_put_u64(nlh, SGFW_A_STATUS_FRAGS_FULL,
				 (1ULL << 33) + 2);
	}
	/* A warning rides on the ack of a request that succeeded. */
	if (req->nlmsg_flags & NLM_F_ACK) {
		if (fake.status_extack)
			fake_put_error(0, fake.status_extack);
		else
			fake_put_error(0, NULL);
	}
}

void fake_respond_ack(const struct nlmsghdr *req)
{
	ack(req);
}

uint8_t fake_req_cmd(void)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);

	return genl->cmd;
}

uint16_t fake_req_flags(void)
{
	return ((const struct nlmsghdr *)fake.req)->nlmsg_flags;
}

const struct nlattr *fake_req_attr(uint16_t type, unsigned int nth)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct nlattr *a;

	mnl_attr_for_each(a, req, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type && !nth--)
			return a;
	return NULL;
}

unsigned int fake_req_count(uint16_t type)
{
	unsigned int n = 0;

	while (fake_req_attr(type, n))
		n++;
	return n;
}

void fake_req_types(int *types, unsigned int max)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct nlattr *a;
	unsigned int n = 0;

	mnl_attr_for_each(a, req, GENL_HDRLEN)
		if (n + 1 < max)
			types[n++] = mnl_attr_get_type(a);
	types[n] = -1;
}

const struct nlattr *fake_nested(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	if (!nest)
		return NULL;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

void fake_nest_types(const struct nlattr *nest, int *types, unsigned int max)
{
	const struct nlattr *a;
	unsigned int n = 0;

	if (nest)
		mnl_attr_for_each_nested(a, nest)
			if (n + 1 < max)
				types[n++] = mnl_attr_get_type(a);
	types[n] = -1;
}

static void handle(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);

	if (req->nlmsg_type == FAKE_FAMILY_ID &&
	    fake.n_cmds < FAKE_MAX_CMDS)
		fake.cmds[fake.n_cmds++] = genl->cmd;

	if (req->nlmsg_type == GENL_ID_CTRL &&
	    genl->cmd == CTRL_CMD_GETFAMILY)
		ctrl_getfamily(req);
	else if (fake.loaded && req->nlmsg_type == FAKE_FAMILY_ID &&
		 genl->cmd == SGFW_CMD_STATUS)
		sgfw_status(req);
	else if (fake.respond)
		fake.respond(req);
	else
		fake_put_error(-EOPNOTSUPP, NULL);
}

static int fake_send(void *priv, const void *buf, size_t len)
{
	(void)priv;
	if (len > sizeof(fake.req) || len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -EMSGSIZE;
	memcpy(fake.req, buf, len);
	fake.req_len = len;
	fake.requests++;
	fake_flush();
	handle((const struct nlmsghdr *)fake.req);
	fake_flush();
	return 0;
}

struct nlmsghdr *fake_put_event(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	if (fake.event_tail == FAKE_MAX_EVENTS)
		abort();
	fake.event_errors[fake.event_tail] = 0;
	nlh = mnl_nlmsg_put_header(fake.events[fake.event_tail++]);
	nlh->nlmsg_type = FAKE_FAMILY_ID;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = SGFW_GENL_VERSION;
	return nlh;
}

void fake_put_event_error(int error)
{
	if (fake.event_tail == FAKE_MAX_EVENTS)
		abort();
	fake.event_errors[fake.event_tail++] = error;
}

/* The next event, or its error, for the socket in the group. */
static ssize_t fake_recv_event(void *buf, size_t len)
{
	const struct nlmsghdr *nlh;
	unsigned int i = fake.event_head;

	if (i == fake.event_tail)
		return -EAGAIN;
	fake.event_head++;
	if (fake.event_errors[i])
		return fake.event_errors[i];
	nlh = (const struct nlmsghdr *)fake.events[i];
	if (nlh->nlmsg_len > len)
		return -ENOSPC;
	memcpy(buf, nlh, nlh->nlmsg_len);
	return nlh->nlmsg_len;
}

static ssize_t fake_recv(void *priv, void *buf, size_t len)
{
	size_t n;

	if (fake.joined && (uintptr_t)priv == fake.joined)
		return fake_recv_event(buf, len);
	fake_flush();
	/* A real socket would block for ever: a bug in the test. */
	if (fake.head == fake.tail)
		return -EAGAIN;
	n = fake.lens[fake.head];
	if (n > len)
		return -ENOSPC;
	memcpy(buf, fake.bufs[fake.head], n);
	if (++fake.head == fake.tail)
		fake.head = fake.tail = 0;
	return (ssize_t)n;
}

static void fake_close(void *priv)
{
	(void)priv;
	fake.closes++;
}

static int fake_join(void *priv, uint32_t group)
{
	if (fake.join_error)
		return fake.join_error;
	fake.joined = (unsigned int)(uintptr_t)priv;
	fake.group = group;
	return 0;
}

static int fake_set_rcvbuf(void *priv, int bytes)
{
	(void)priv;
	fake.rcvbuf = bytes;
	return 0;
}

static int fake_wait(void *priv, int timeout_ms, const sigset_t *sigmask)
{
	sigset_t old;

	if (!fake.joined || (uintptr_t)priv != fake.joined)
		return fake.head != fake.tail ? 1 : -EAGAIN;
	if (fake.event_head != fake.event_tail)
		return 1;
	if (!timeout_ms)
		return 0;
	if (!fake.stop_when_idle)
		return -EAGAIN;
	/* A SIGTERM comes while the signals of @sigmask are let in. */
	sigprocmask(SIG_SETMASK, sigmask, &old);
	raise(SIGTERM);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return -EINTR;
}

static int fake_open(struct nl_transport *tr)
{
	fake.opens++;
	*tr = (struct nl_transport){
		.send = fake_send,
		.recv = fake_recv,
		.close = fake_close,
		.join = fake_join,
		.set_rcvbuf = fake_set_rcvbuf,
		.wait = fake_wait,
		/* Which socket this is: 1 for the first opened. */
		.priv = (void *)(uintptr_t)fake.opens,
		.portid = FAKE_PORTID,
	};
	return 0;
}

void fake_install(void)
{
	memset(&fake, 0, sizeof(fake));
	open_msg = NULL;
	building = false;
	nl_transport_open = fake_open;
}

void fake_uninstall(void)
{
	nl_transport_open = nl_mnl_transport_open;
}
