// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink layer: extended acks decoded from hand-built NLMSG_ERROR and
 * NLMSG_DONE messages, the family lookup, dumps split over several reads,
 * and what happens to replies nobody is waiting for.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <linux/sgfw.h>

#include "fake_kernel.h"
#include "nl.h"
#include "tap.h"
#include "tests.h"

static union {
	char buf[4096];
	struct nlmsghdr align;
} reply, request;

static size_t bad_attr_offset;

/* A request with two attributes; the second is the one to blame. */
static struct nlmsghdr *build_request(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(request.buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = FAKE_FAMILY_ID;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 77;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = 42;
	mnl_attr_put_u32(nlh, 1, 10);
	bad_attr_offset = nlh->nlmsg_len;
	mnl_attr_put_u32(nlh, 5, 20);
	return nlh;
}

/* An NLMSG_ERROR for build_request(), the request echoed unless @capped. */
static struct nlmsghdr *build_error(int error, bool capped, bool tlvs)
{
	const struct nlmsghdr *req = build_request();
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reply.buf);
	size_t echo = capped ? 0 : req->nlmsg_len - NLMSG_HDRLEN;
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) |
			   (tlvs ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + echo);
	e->error = error;
	memcpy(&e->msg, req, capped ? sizeof(*req) : req->nlmsg_len);
	return nlh;
}

static int check_extack(bool capped)
{
	struct nlmsghdr *nlh = build_error(-EINVAL, capped, true);
	struct nl_err e;

	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "port range is reversed");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, (uint32_t)bad_attr_offset);
#ifdef NLMSGERR_ATTR_MISS_TYPE
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, 3);
#endif

	EXPECT_INT(nl_parse_error(nlh, request.buf,
				  ((struct nlmsghdr *)request.buf)->nlmsg_len,
				  &e), -EINVAL);
	EXPECT_INT(e.code, -EINVAL);
	EXPECT_STR(e.msg, "port range is reversed");
	EXPECT_INT(e.offset, bad_attr_offset);
	EXPECT_INT(e.attr_type, 5);
#ifdef NLMSGERR_ATTR_MISS_TYPE
	EXPECT_INT(e.miss_type, 3);
#endif
	return 0;
}

static int test_extack_capped(void)
{
	return check_extack(true);
}

static int test_extack_after_echoed_request(void)
{
	return check_extack(false);
}

static int test_error_without_extack(void)
{
	struct nlmsghdr *nlh = build_error(-EPERM, true, false);
	struct nl_err e;

	/* Attributes without NLM_F_ACK_TLVS are not an extended ack. */
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "ignored");
	EXPECT_INT(nl_parse_error(nlh, NULL, 0, &e), -EPERM);
	EXPECT_STR(e.msg, "");
	EXPECT_INT(e.attr_type, -1);
	EXPECT_INT(e.miss_type, -1);
	return 0;
}

static int test_ack_with_warning(void)
{
	struct nlmsghdr *nlh = build_error(0, true, true);
	struct nl_err e;

	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "limit lowered");
	EXPECT_INT(nl_parse_error(nlh, NULL, 0, &e), 0);
	EXPECT_STR(e.msg, "limit lowered");
	return 0;
}

static int test_done_with_error(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reply.buf);
	struct nl_err e;
	int *err;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	*err = -EBUSY;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "table changed");
	EXPECT_INT(nl_parse_error(nlh, NULL, 0, &e), -EBUSY);
	EXPECT_STR(e.msg, "table changed");
	return 0;
}

static int test_malformed_extacks(void)
{
	struct nlmsghdr *nlh;
	struct nl_err e;

	/* Too short to hold the error. */
	nlh = mnl_nlmsg_put_header(reply.buf);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 2);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	EXPECT_INT(nl_parse_error(nlh, NULL, 0, &e), -EBADMSG);

	/* A positive error is no errno. */
	nlh = build_error(5, true, false);
	EXPECT_INT(nl_parse_error(nlh, NULL, 0, &e), -EBADMSG);

	/* A message without its NUL, an offset outside the request. */
	nlh = build_error(-EINVAL, true, true);
	mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, 3, "abc");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 4000);
	EXPECT_INT(nl_parse_error(nlh, request.buf,
				  ((struct nlmsghdr *)request.buf)->nlmsg_len,
				  &e), -EINVAL);
	EXPECT_STR(e.msg, "");
	EXPECT_INT(e.offset, 4000);
	EXPECT_INT(e.attr_type, -1);
	return 0;
}

static int test_attrs_parse(void)
{
	const struct nlattr *tb[4];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reply.buf);
	struct nlattr *a;
	uint32_t v32;
	uint64_t v64;

	mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
	mnl_attr_put_u32(nlh, 1, 7);
	mnl_attr_put_u16(nlh, 2, 8);
	mnl_attr_put_u32(nlh, 9, 9);	/* newer than us: ignored */
	mnl_attr_put(nlh, 3, 2, "ab");	/* no NUL */
	EXPECT_INT(nl_parse_attrs(nlh, tb, 3), 0);
	EXPECT_INT(nl_attr_u32(tb[1], &v32), 0);
	EXPECT_INT(v32, 7);
	EXPECT_INT(nl_attr_u32(tb[2], &v32), -EBADMSG);
	EXPECT_INT(nl_attr_u64(tb[1], &v64), -EBADMSG);
	EXPECT_INT(nl_attr_u32(tb[0], &v32), -ENOENT);
	EXPECT(nl_attr_str(tb[3]) == NULL);
	EXPECT(nl_attr_str(NULL) == NULL);

	/* An attribute running past the end of the message. */
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, 1, 0);
	a->nla_len = 64;
	EXPECT_INT(nl_parse_attrs(nlh, tb, 3), -EBADMSG);
	return 0;
}

static int test_resolve_loaded(void)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nl_sock *s;

	fake_install();
	fake.loaded = true;
	s = nl_open();
	EXPECT(s != NULL);
	EXPECT_INT(nl_resolve(s, "sgfw"), 0);
	EXPECT_INT(s->family_id, FAKE_FAMILY_ID);
	EXPECT_INT(s->family_version, SGFW_GENL_VERSION);
	EXPECT_INT(nl_mcast_group(s, "events"), FAKE_EVENTS_GROUP);
	EXPECT_INT(nl_mcast_group(s, "even"), -ENOENT);

	EXPECT_INT(req->nlmsg_type, GENL_ID_CTRL);
	EXPECT_INT(req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	EXPECT_INT(genl->cmd, CTRL_CMD_GETFAMILY);
	EXPECT_INT(nl_parse_attrs(req, tb, CTRL_ATTR_MAX), 0);
	EXPECT_STR(nl_attr_str(tb[CTRL_ATTR_FAMILY_NAME]), "sgfw");
	nl_close(s);
	EXPECT_INT(fake.closes, 1);
	return 0;
}

static int test_resolve_not_loaded(void)
{
	struct nl_sock *s;

	fake_install();
	s = nl_open();
	EXPECT(s != NULL);
	EXPECT_INT(nl_resolve(s, "sgfw"), -ENOENT);
	EXPECT_INT(s->family_id, 0);
	EXPECT_INT(nl_resolve(s, "a-name-longer-than-genl-allows"), -EINVAL);
	nl_close(s);
	return 0;
}

/* The replies of the test dump command: three, over two reads. */
static void respond_dump(const struct nlmsghdr *req)
{
	for (uint32_t i = 1; i <= 3; i++) {
		struct nlmsghdr *nlh;

		nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, 99);
		mnl_attr_put_u32(nlh, 1, i);
		if (i == 2)
			fake_flush();
	}
	(void)req;
	fake_put_done(0, NULL);
}

static void respond_dump_fails(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, 99);
	fake_put_done(-EBUSY, "the table changed during the dump");
}

/* Replies to an abandoned request, then the answer to this one. */
static void respond_after_stale(const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, 99);
	nlh->nlmsg_seq = req->nlmsg_seq - 1;
	fake_put_error(-EIO, "stale")->nlmsg_seq--;
	fake_flush();
	respond_dump(req);
}

struct dump_seen {
	unsigned int calls;
	uint32_t sum;
	int ret;	/* what the callback returns */
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[2];
	struct dump_seen *seen = data;
	uint32_t v = 0;

	seen->calls++;
	if (nl_parse_attrs(nlh, tb, 1) || nl_attr_u32(tb[1], &v))
		return -EBADMSG;
	seen->sum += v;
	return seen->ret;
}

static struct nl_sock *open_resolved(void (*respond)(const struct nlmsghdr *))
{
	struct nl_sock *s;

	fake_install();
	fake.loaded = true;
	fake.respond = respond;
	s = nl_open();
	if (s && nl_resolve(s, "sgfw")) {
		nl_close(s);
		return NULL;
	}
	return s;
}

static int test_dump_multipart(void)
{
	struct nl_sock *s = open_resolved(respond_dump);
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	struct dump_seen seen = { 0 };

	EXPECT(s != NULL);
	EXPECT_INT(nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen), 0);
	EXPECT_INT(seen.calls, 3);
	EXPECT_INT(seen.sum, 6);
	/* A dump asks for no ack: NLMSG_DONE ends it. */
	EXPECT_INT(req->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
	nl_close(s);
	return 0;
}

static int test_dump_error_in_done(void)
{
	struct nl_sock *s = open_resolved(respond_dump_fails);
	struct dump_seen seen = { 0 };
	int ret;

	EXPECT(s != NULL);
	ret = nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen);
	EXPECT_INT(ret, -EBUSY);
	EXPECT_STR(nl_strerror(s, ret), "the table changed during the dump");
	nl_close(s);
	return 0;
}

static int test_callback_error_drains_the_dump(void)
{
	struct nl_sock *s = open_resolved(respond_dump);
	struct dump_seen seen = { .ret = -ENOMEM };

	EXPECT(s != NULL);
	EXPECT_INT(nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen),
		   -ENOMEM);
	EXPECT_INT(seen.calls, 1);
	/* Everything was read, so the next request gets its own answer. */
	EXPECT_INT(fake.head, fake.tail);
	EXPECT_STR(nl_strerror(s, -ENOMEM), strerror(ENOMEM));
	seen = (struct dump_seen){ 0 };
	EXPECT_INT(nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen), 0);
	EXPECT_INT(seen.calls, 3);

	/* A positive return ignores the rest without failing. */
	seen = (struct dump_seen){ .ret = 1 };
	EXPECT_INT(nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen), 0);
	EXPECT_INT(seen.calls, 1);
	nl_close(s);
	return 0;
}

static int test_stale_replies_are_skipped(void)
{
	struct nl_sock *s = open_resolved(respond_after_stale);
	struct dump_seen seen = { 0 };

	EXPECT(s != NULL);
	EXPECT_INT(nl_talk(s, nl_msg(s, 99, NLM_F_DUMP), dump_cb, &seen), 0);
	EXPECT_INT(seen.calls, 3);
	nl_close(s);
	return 0;
}

static int test_do_request_and_errors(void)
{
	struct nl_sock *s = open_resolved(NULL);
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	int ret;

	EXPECT(s != NULL);
	ret = nl_talk(s, nl_msg(s, 99, 0), NULL, NULL);
	EXPECT_INT(ret, -EOPNOTSUPP);
	EXPECT_STR(nl_strerror(s, ret), strerror(EOPNOTSUPP));
	EXPECT_INT(req->nlmsg_type, FAKE_FAMILY_ID);
	EXPECT_INT(req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	EXPECT_INT(genl->cmd, 99);
	EXPECT_INT(genl->version, SGFW_GENL_VERSION);
	EXPECT_INT(req->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	nl_close(s);
	return 0;
}

void suite_nl(void)
{
	tap_test("nl: extack message, offset and attribute, capped",
		 test_extack_capped);
	tap_test("nl: extack found after an echoed request",
		 test_extack_after_echoed_request);
	tap_test("nl: an error without NLM_F_ACK_TLVS has no message",
		 test_error_without_extack);
	tap_test("nl: an ack can carry a warning", test_ack_with_warning);
	tap_test("nl: NLMSG_DONE carries a dump's error and message",
		 test_done_with_error);
	tap_test("nl: malformed errors and extacks are refused or ignored",
		 test_malformed_extacks);
	tap_test("nl: attributes indexed by type, sizes checked",
		 test_attrs_parse);
	tap_test("nl: the family lookup reads id, version and groups",
		 test_resolve_loaded);
	tap_test("nl: an unknown family is -ENOENT", test_resolve_not_loaded);
	tap_test("nl: a dump over several reads reaches NLMSG_DONE",
		 test_dump_multipart);
	tap_test("nl: a dump's error comes with the kernel's message",
		 test_dump_error_in_done);
	tap_test("nl: a failed callback drains the dump",
		 test_callback_error_drains_the_dump);
	tap_test("nl: replies to an earlier request are skipped",
		 test_stale_replies_are_skipped);
	tap_test("nl: a do request asks for an ack; errors are returned",
		 test_do_request_and_errors);
	fake_uninstall();
}
