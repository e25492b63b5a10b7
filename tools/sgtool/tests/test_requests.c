// SPDX-License-Identifier: GPL-2.0
/*
 * What each command sends: the command, the flags and every attribute,
 * checked in the request the scripted kernel received.  Values the kernel
 * is to judge are sent as written and its message printed; values that do
 * not fit an attribute stop sgtool before it sends anything.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "expect_req.h"

/* A field of the rule's match nest, and of its peer's cidr nest. */
#define MATCH(f)	IN(ATTR(SGFW_A_RULE_MATCH), SGFW_A_MATCH_##f)
#define PEER(f)		IN(ATTR(SGFW_A_RULE_PEER), SGFW_A_CIDR_##f)
#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

static const char *refusal;	/* the extack of respond_refuse() */

static void respond_refuse(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_error(-EINVAL, refusal);
}

/*
 * SGFW_CMD_RULE_NEW answered as the module does: the rule as sent, with
 * an id; everything else acked.
 */
static void respond_echo_rule(const struct nlmsghdr *req)
{
	const struct nlattr *a;
	struct nlmsghdr *nlh;

	if (fake_req_cmd() != SGFW_CMD_RULE_NEW) {
		fake_respond_ack(req);
		return;
	}
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_RULE_NEW);
	mnl_attr_put_u32(nlh, SGFW_A_RULE_ID, 7);
	mnl_attr_for_each(a, req, GENL_HDRLEN)
		mnl_attr_put(nlh, mnl_attr_get_type(a),
			     mnl_attr_get_payload_len(a),
			     mnl_attr_get_payload(a));
	fake_put_error(0, NULL);
}

static void loaded(void (*respond)(const struct nlmsghdr *))
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond;
}

/* FLOW_FLUSH removed 7 flows; a FLOW_GET dump has none. */
static void respond_flush(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	struct nlmsghdr *nlh;

	if (genl->cmd == SGFW_CMD_FLOW_GET) {
		fake_put_done(0, NULL);
		return;
	}
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_FLOW_FLUSH);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_FLUSHED, 7);
	fake_put_error(0, NULL);
}

static unsigned int lo_index(void)
{
	return if_nametoindex("lo");
}

/* A nest with NLA_F_NESTED, as strict validation wants. */
static int check_nest_flag(const struct nlattr *a)
{
	EXPECT(a != NULL);
	EXPECT(a->nla_type & NLA_F_NESTED);
	return 0;
}

static int test_sg_add(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("sg", "add", "web", "desc", "web servers", NULL),
		   0, "", "");
	EXPECT_DO(SGFW_CMD_SG_NEW);
	EXPECT_TYPES(SGFW_A_SG_NAME, SGFW_A_SG_DESCRIPTION);
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_NAME), "web");
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_DESCRIPTION), "web servers");

	EXPECT_RUN(run_sgtool("sg", "add", "db", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_SG_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_NAME), "db");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_sg_del_and_show(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("sg", "del", "web", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_SG_DEL);
	EXPECT_TYPES(SGFW_A_SG_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_NAME), "web");

	EXPECT_RUN(run_sgtool("sg", "show", "web", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_SG_GET);
	EXPECT_TYPES(SGFW_A_SG_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_NAME), "web");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static void respond_done(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_done(0, NULL);
}

static int test_sg_show_dump(void)
{
	loaded(respond_done);
	EXPECT_RUN(run_sgtool("sg", "show", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_SG_GET);
	EXPECT_TYPES(-1);
	EXPECT_RUN(run_sgtool("-j", "sg", NULL), 0, "[]\n", "");
	EXPECT_DUMP(SGFW_CMD_SG_GET);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_sg_members(void)
{
	const struct nlattr *tb[SGFW_A_CIDR_MAX + 1];

	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("sg", "member", "add", "web", "10.0.0.5",
			      "fd00::5", "192.168.0.1/32", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_MEMBER_ADD);
	EXPECT_TYPES(SGFW_A_SG_NAME, SGFW_A_SG_MEMBER, SGFW_A_SG_MEMBER,
		     SGFW_A_SG_MEMBER);
	EXPECT_ATTR_STR(ATTR(SGFW_A_SG_NAME), "web");

	EXPECT_INT(check_nest_flag(fake_req_attr(SGFW_A_SG_MEMBER, 0)), 0);
	EXPECT_INT(nl_parse_nested(fake_req_attr(SGFW_A_SG_MEMBER, 0), tb,
				   SGFW_A_CIDR_MAX), 0);
	EXPECT_IN4(tb[SGFW_A_CIDR_IPV4], "10.0.0.5");
	/* Members are addresses: no prefix length. */
	EXPECT(!tb[SGFW_A_CIDR_IPV6] && !tb[SGFW_A_CIDR_PREFIX_LEN]);

	EXPECT_INT(nl_parse_nested(fake_req_attr(SGFW_A_SG_MEMBER, 1), tb,
				   SGFW_A_CIDR_MAX), 0);
	EXPECT_IN6(tb[SGFW_A_CIDR_IPV6], "fd00::5");
	EXPECT(!tb[SGFW_A_CIDR_IPV4] && !tb[SGFW_A_CIDR_PREFIX_LEN]);

	EXPECT_INT(nl_parse_nested(fake_req_attr(SGFW_A_SG_MEMBER, 2), tb,
				   SGFW_A_CIDR_MAX), 0);
	EXPECT_IN4(tb[SGFW_A_CIDR_IPV4], "192.168.0.1");
	EXPECT(!tb[SGFW_A_CIDR_PREFIX_LEN]);

	EXPECT_RUN(run_sgtool("sg", "member", "del", "web", "fd00::5", NULL),
		   0, "", "");
	EXPECT_DO(SGFW_CMD_MEMBER_DEL);
	EXPECT_TYPES(SGFW_A_SG_NAME, SGFW_A_SG_MEMBER);
	return 0;
}

static int test_rule_add_tcp(void)
{
	loaded(respond_echo_rule);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "tcp", "port",
			      "22", "from", "10.1.2.3/8", "desc", "ssh", NULL),
		   0, "rule 7 added\n", "");
	EXPECT_DO(SGFW_CMD_RULE_NEW);
	EXPECT_TYPES(SGFW_A_RULE_SG, SGFW_A_RULE_DIRECTION, SGFW_A_RULE_MATCH,
		     SGFW_A_RULE_PEER, SGFW_A_RULE_DESCRIPTION);
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_SG), "web");
	EXPECT_U32(ATTR(SGFW_A_RULE_DIRECTION), SGFW_DIRECTION_INGRESS);
	EXPECT_U8(MATCH(PROTOCOL), 6);
	EXPECT_U16(MATCH(PORT_FROM), 22);
	EXPECT_U16(MATCH(PORT_TO), 22);
	/* As written: the kernel makes it 10.0.0.0/8. */
	EXPECT_IN4(PEER(IPV4), "10.1.2.3");
	EXPECT_U8(PEER(PREFIX_LEN), 8);
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_DESCRIPTION), "ssh");
	return 0;
}

static int test_rule_add_all_v6(void)
{
	loaded(respond_echo_rule);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "egress", "all", "to",
			      "::/0", NULL), 0, "rule 7 added\n", "");
	/* "all" is no protocol attribute at all. */
	EXPECT_TYPES(SGFW_A_RULE_SG, SGFW_A_RULE_DIRECTION, SGFW_A_RULE_PEER);
	EXPECT_U32(ATTR(SGFW_A_RULE_DIRECTION), SGFW_DIRECTION_EGRESS);
	EXPECT_IN6(PEER(IPV6), "::");
	EXPECT_U8(PEER(PREFIX_LEN), 0);
	return 0;
}

static int test_rule_add_protocol_zero_and_hosts(void)
{
	loaded(respond_echo_rule);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "0", "from",
			      "10.0.0.1", NULL), 0, "rule 7 added\n", "");
	/* Protocol 0 is a protocol, not "all". */
	EXPECT_U8(MATCH(PROTOCOL), 0);
	EXPECT_IN4(PEER(IPV4), "10.0.0.1");
	EXPECT_U8(PEER(PREFIX_LEN), 32);

	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "47", "from",
			      "2001:db8::1", NULL), 0, "rule 7 added\n", "");
	EXPECT_U8(MATCH(PROTOCOL), 47);
	EXPECT_IN6(PEER(IPV6), "2001:db8::1");
	EXPECT_U8(PEER(PREFIX_LEN), 128);
	return 0;
}

static int test_rule_add_icmp_and_group_peer(void)
{
	loaded(respond_echo_rule);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "icmp",
			      "icmp-type", "8", "icmp-code", "0", "from", "sg",
			      "db", NULL), 0, "rule 7 added\n", "");
	EXPECT_TYPES(SGFW_A_RULE_SG, SGFW_A_RULE_DIRECTION, SGFW_A_RULE_MATCH,
		     SGFW_A_RULE_PEER_SG);
	EXPECT_U8(MATCH(PROTOCOL), 1);
	EXPECT_U8(MATCH(ICMP_TYPE), 8);
	EXPECT_U8(MATCH(ICMP_CODE), 0);
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_PEER_SG), "db");

	EXPECT_RUN(run_sgtool("rule", "add", "web", "egress", "icmpv6",
			      "icmp-type", "128", "to", "fd00::/8", NULL), 0,
		   "rule 7 added\n", "");
	EXPECT_U8(MATCH(PROTOCOL), 58);
	EXPECT_U8(MATCH(ICMP_TYPE), 128);
	EXPECT(!MATCH(ICMP_CODE));
	return 0;
}

static int test_rule_add_range_and_prefix_list(void)
{
	loaded(respond_echo_rule);
	/* The keywords may come in any order after the protocol. */
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "udp", "from",
			      "prefix-list", "office", "desc", "high ports",
			      "port", "1024-65535", NULL), 0,
		   "rule 7 added\n", "");
	EXPECT_TYPES(SGFW_A_RULE_SG, SGFW_A_RULE_DIRECTION, SGFW_A_RULE_MATCH,
		     SGFW_A_RULE_PEER_PREFIX_LIST, SGFW_A_RULE_DESCRIPTION);
	EXPECT_U8(MATCH(PROTOCOL), 17);
	EXPECT_U16(MATCH(PORT_FROM), 1024);
	EXPECT_U16(MATCH(PORT_TO), 65535);
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_PEER_PREFIX_LIST), "office");
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_DESCRIPTION), "high ports");
	return 0;
}

/*
 * What fits the attributes but may be wrong is the kernel's to refuse:
 * sent as written, its message printed, exit 2.
 */
static int test_kernel_judges_rules(void)
{
	char want[128];

	loaded(respond_refuse);

	refusal = "ports need tcp or udp";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "icmp", "port",
			      "80", "from", "0.0.0.0/0", NULL), 2, "", want);
	EXPECT_DO(SGFW_CMD_RULE_NEW);
	EXPECT_U8(MATCH(PROTOCOL), 1);
	EXPECT_U16(MATCH(PORT_FROM), 80);
	/* Ports without a protocol: a match nest of the ports alone. */
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "all", "port",
			      "80", "from", "0.0.0.0/0", NULL), 2, "", want);
	EXPECT(!MATCH(PROTOCOL));
	EXPECT_NEST_TYPES(ATTR(SGFW_A_RULE_MATCH), SGFW_A_MATCH_PORT_FROM,
			  SGFW_A_MATCH_PORT_TO);

	refusal = "an icmp code needs an icmp type";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "icmp",
			      "icmp-code", "3", "from", "0.0.0.0/0", NULL), 2,
		   "", want);
	EXPECT(!MATCH(ICMP_TYPE));
	EXPECT_U8(MATCH(ICMP_CODE), 3);

	refusal = "port range is reversed";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "tcp", "port",
			      "90-80", "from", "0.0.0.0/0", NULL), 2, "", want);
	EXPECT_U16(MATCH(PORT_FROM), 90);
	EXPECT_U16(MATCH(PORT_TO), 80);

	refusal = "icmp needs an IPv4 peer";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "icmp", "from",
			      "::/0", NULL), 2, "", want);

	refusal = "the group has this rule";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	EXPECT_RUN(run_sgtool("rule", "add", "web", "egress", "all", "to",
			      "0.0.0.0/0", NULL), 2, "", want);

	refusal = "description is longer than 255 bytes";
	snprintf(want, sizeof(want), "sgtool: %s\n", refusal);
	{
		char desc[300];

		memset(desc, 'd', sizeof(desc) - 1);
		desc[sizeof(desc) - 1] = '\0';
		EXPECT_RUN(run_sgtool("sg", "add", "web", "desc", desc, NULL),
			   2, "", want);
		EXPECT_INT(strlen(nl_attr_str(ATTR(SGFW_A_SG_DESCRIPTION))),
			   299);
	}
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_rule_del(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("rule", "del", "web", "7", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_RULE_DEL);
	EXPECT_TYPES(SGFW_A_RULE_SG, SGFW_A_RULE_ID);
	EXPECT_ATTR_STR(ATTR(SGFW_A_RULE_SG), "web");
	EXPECT_U32(ATTR(SGFW_A_RULE_ID), 7);
	EXPECT_RUN(run_sgtool("rule", "del", "web", "4294967295", NULL), 0,
		   "", "");
	EXPECT_U32(ATTR(SGFW_A_RULE_ID), UINT32_MAX);
	return 0;
}

static int test_prefix_lists(void)
{
	const struct nlattr *tb[SGFW_A_CIDR_MAX + 1];

	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("prefix-list", "add", "office", NULL), 0, "",
		   "");
	EXPECT_DO(SGFW_CMD_PL_NEW);
	EXPECT_TYPES(SGFW_A_PL_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_PL_NAME), "office");

	EXPECT_RUN(run_sgtool("prefix-list", "add", "wide", "max-entries",
			      "1000", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_PL_NEW);
	EXPECT_TYPES(SGFW_A_PL_NAME, SGFW_A_PL_MAX_ENTRIES);
	EXPECT_ATTR_STR(ATTR(SGFW_A_PL_NAME), "wide");
	EXPECT_U32(ATTR(SGFW_A_PL_MAX_ENTRIES), 1000);

	/* The kernel checks the range: 0 goes to it. */
	EXPECT_RUN(run_sgtool("prefix-list", "set", "wide", "max-entries",
			      "0", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_PL_SET);
	EXPECT_TYPES(SGFW_A_PL_NAME, SGFW_A_PL_MAX_ENTRIES);
	EXPECT_U32(ATTR(SGFW_A_PL_MAX_ENTRIES), 0);

	EXPECT_RUN(run_sgtool("prefix-list", "del", "office", NULL), 0, "",
		   "");
	EXPECT_DO(SGFW_CMD_PL_DEL);
	EXPECT_TYPES(SGFW_A_PL_NAME);

	EXPECT_RUN(run_sgtool("prefix-list", "entry", "add", "office",
			      "10.1.2.3/8", "fd00::1", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_PL_ENTRY_ADD);
	EXPECT_TYPES(SGFW_A_PL_NAME, SGFW_A_PL_ENTRY, SGFW_A_PL_ENTRY);
	EXPECT_INT(check_nest_flag(fake_req_attr(SGFW_A_PL_ENTRY, 0)), 0);
	EXPECT_INT(nl_parse_nested(fake_req_attr(SGFW_A_PL_ENTRY, 0), tb,
				   SGFW_A_CIDR_MAX), 0);
	EXPECT_IN4(tb[SGFW_A_CIDR_IPV4], "10.1.2.3");
	EXPECT_U8(tb[SGFW_A_CIDR_PREFIX_LEN], 8);
	EXPECT_INT(nl_parse_nested(fake_req_attr(SGFW_A_PL_ENTRY, 1), tb,
				   SGFW_A_CIDR_MAX), 0);
	EXPECT_IN6(tb[SGFW_A_CIDR_IPV6], "fd00::1");
	EXPECT_U8(tb[SGFW_A_CIDR_PREFIX_LEN], 128);

	EXPECT_RUN(run_sgtool("prefix-list", "entry", "del", "office",
			      "10.0.0.0/8", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_PL_ENTRY_DEL);
	EXPECT_TYPES(SGFW_A_PL_NAME, SGFW_A_PL_ENTRY);

	EXPECT_RUN(run_sgtool("prefix-list", "show", "office", NULL), 0, "",
		   "");
	EXPECT_DO(SGFW_CMD_PL_GET);
	EXPECT_TYPES(SGFW_A_PL_NAME);

	fake.respond = respond_done;
	EXPECT_RUN(run_sgtool("prefix-list", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_PL_GET);
	EXPECT_TYPES(-1);
	return 0;
}

static int test_iface_attach_detach(void)
{
	/* The name, as given: the kernel binds the configuration to it. */
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "attach", "vm0", "web", "db", NULL), 0,
		   "", "");
	EXPECT_DO(SGFW_CMD_IFACE_ATTACH);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_SG, SGFW_A_IFACE_SG);
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_IFNAME), "vm0");
	/* In the order given. */
	EXPECT_ATTR_STR(fake_req_attr(SGFW_A_IFACE_SG, 0), "web");
	EXPECT_ATTR_STR(fake_req_attr(SGFW_A_IFACE_SG, 1), "db");

	EXPECT_RUN(run_sgtool("iface", "detach", "lo", "db", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_IFACE_DETACH);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_SG);

	/* No names: every group. */
	EXPECT_RUN(run_sgtool("iface", "detach", "lo", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_IFACE_DETACH);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_iface_set(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "tracking", "always",
			      "udp-stream-timeout", "120", "udp-timeout", "45",
			      "tcp-established-timeout", "aws-nitro", NULL), 0,
		   "", "");
	EXPECT_DO(SGFW_CMD_IFACE_SET);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT,
		     SGFW_A_IFACE_UDP_TIMEOUT, SGFW_A_IFACE_UDP_STREAM_TIMEOUT,
		     SGFW_A_IFACE_TRACKING);
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_IFNAME), "lo");
	EXPECT_U32(ATTR(SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT), 350);
	EXPECT_U32(ATTR(SGFW_A_IFACE_UDP_TIMEOUT), 45);
	EXPECT_U32(ATTR(SGFW_A_IFACE_UDP_STREAM_TIMEOUT), 120);
	EXPECT_U32(ATTR(SGFW_A_IFACE_TRACKING), SGFW_TRACKING_ALWAYS);

	EXPECT_RUN(run_sgtool("iface", "set", "lo", "tracking", "auto", NULL),
		   0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_TRACKING);
	EXPECT_U32(ATTR(SGFW_A_IFACE_TRACKING), SGFW_TRACKING_AUTO);

	/* Audit mode is a u8, 1 or 0. */
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "audit", "on",
			      "udp-timeout", "60", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_UDP_TIMEOUT,
		     SGFW_A_IFACE_AUDIT);
	EXPECT_U8(ATTR(SGFW_A_IFACE_AUDIT), 1);
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "audit", "off", NULL), 0,
		   "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_AUDIT);
	EXPECT_U8(ATTR(SGFW_A_IFACE_AUDIT), 0);

	/* Out of range: the kernel's to refuse, with its message. */
	fake.respond = respond_refuse;
	refusal = "udp timeout must be 30 to 60 seconds";
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "udp-timeout", "10",
			      NULL), 2, "",
		   "sgtool: udp timeout must be 30 to 60 seconds\n");
	EXPECT_U32(ATTR(SGFW_A_IFACE_UDP_TIMEOUT), 10);
	refusal = "tcp established timeout must be 60 to 432000 seconds";
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "tcp-established-timeout",
			      "432001", NULL), 2, "",
		   "sgtool: tcp established timeout must be 60 to 432000 "
		   "seconds\n");
	EXPECT_U32(ATTR(SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT), 432001);
	return 0;
}

/* The @nth (from 0) attribute of type @type in @nest, or NULL. */
static const struct nlattr *nth_nested(const struct nlattr *nest,
				       uint16_t type, unsigned int nth)
{
	const struct nlattr *a;

	if (!nest)
		return NULL;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type && !nth--)
			return a;
	return NULL;
}

#define ADDRESS(n) \
	nth_nested(ATTR(SGFW_A_IFACE_ADDRESSES), SGFW_A_IFACE_ADDRESSES_ADDRESS, n)

static int test_iface_set_port(void)
{
	const struct nlattr *c;

	loaded(fake_respond_ack);
	/* Each alone. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "mode", "port", NULL), 0,
		   "", "");
	EXPECT_DO(SGFW_CMD_IFACE_SET);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_MODE);
	EXPECT_U32(ATTR(SGFW_A_IFACE_MODE), SGFW_IFACE_MODE_PORT);
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "mode", "endpoint", NULL),
		   0, "", "");
	EXPECT_U32(ATTR(SGFW_A_IFACE_MODE), SGFW_IFACE_MODE_ENDPOINT);
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "source-check", "off",
			      NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_SOURCE_CHECK);
	EXPECT_U8(ATTR(SGFW_A_IFACE_SOURCE_CHECK), 0);
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "source-check", "on",
			      NULL), 0, "", "");
	EXPECT_U8(ATTR(SGFW_A_IFACE_SOURCE_CHECK), 1);

	/* Addresses up to the next keyword, as written; in any order. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "address", "10.0.0.5",
			      "fd00::5", "10.9.0.0/24", "source-check", "on",
			      "mode", "port", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_MODE,
		     SGFW_A_IFACE_SOURCE_CHECK, SGFW_A_IFACE_ADDRESSES);
	EXPECT_U32(ATTR(SGFW_A_IFACE_MODE), SGFW_IFACE_MODE_PORT);
	EXPECT_U8(ATTR(SGFW_A_IFACE_SOURCE_CHECK), 1);
	EXPECT_NEST_TYPES(ATTR(SGFW_A_IFACE_ADDRESSES),
			  SGFW_A_IFACE_ADDRESSES_ADDRESS,
			  SGFW_A_IFACE_ADDRESSES_ADDRESS,
			  SGFW_A_IFACE_ADDRESSES_ADDRESS);
	/* A bare address is a host: no prefix length. */
	c = ADDRESS(0);
	EXPECT_NEST_TYPES(c, SGFW_A_CIDR_IPV4);
	EXPECT_IN4(IN(c, SGFW_A_CIDR_IPV4), "10.0.0.5");
	c = ADDRESS(1);
	EXPECT_NEST_TYPES(c, SGFW_A_CIDR_IPV6);
	EXPECT_IN6(IN(c, SGFW_A_CIDR_IPV6), "fd00::5");
	c = ADDRESS(2);
	EXPECT_NEST_TYPES(c, SGFW_A_CIDR_IPV4, SGFW_A_CIDR_PREFIX_LEN);
	EXPECT_IN4(IN(c, SGFW_A_CIDR_IPV4), "10.9.0.0");
	EXPECT_U8(IN(c, SGFW_A_CIDR_PREFIX_LEN), 24);

	/* With the other settings, at the end of the line. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "audit", "on", "address",
			      "192.0.2.1/32", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_AUDIT,
		     SGFW_A_IFACE_ADDRESSES);
	c = ADDRESS(0);
	EXPECT_IN4(IN(c, SGFW_A_CIDR_IPV4), "192.0.2.1");
	EXPECT_U8(IN(c, SGFW_A_CIDR_PREFIX_LEN), 32);
	EXPECT(ADDRESS(1) == NULL);

	/* "none": an empty nest, which clears the list. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "address", "none", NULL),
		   0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_ADDRESSES);
	EXPECT_INT(mnl_attr_get_payload_len(ATTR(SGFW_A_IFACE_ADDRESSES)), 0);

	/* "mac": six bytes, one or two digits each, either case. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "mac", "02:00:5E:0a:b:5",
			      "address", "10.0.0.5", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_ADDRESSES,
		     SGFW_A_IFACE_MAC);
	EXPECT_INT(mnl_attr_get_payload_len(ATTR(SGFW_A_IFACE_MAC)), 6);
	EXPECT(!memcmp(mnl_attr_get_payload(ATTR(SGFW_A_IFACE_MAC)),
		       "\x02\x00\x5e\x0a\x0b\x05", 6));
	/* It ends a list of addresses; "none" is all zeros, which clears. */
	EXPECT_RUN(run_sgtool("iface", "set", "vm0", "address", "10.0.0.5",
			      "mac", "none", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_ADDRESSES,
		     SGFW_A_IFACE_MAC);
	EXPECT(ADDRESS(1) == NULL);
	EXPECT_INT(mnl_attr_get_payload_len(ATTR(SGFW_A_IFACE_MAC)), 6);
	EXPECT(!memcmp(mnl_attr_get_payload(ATTR(SGFW_A_IFACE_MAC)),
		       "\0\0\0\0\0\0", 6));

	/* The kernel's refusal, with its message. */
	fake.respond = respond_refuse;
	refusal = "source check needs port mode";
	EXPECT_RUN(run_sgtool("iface", "set", "lo", "source-check", "off",
			      NULL), 2, "",
		   "sgtool: source check needs port mode\n");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_iface_set_port_errors(void)
{
	static const struct {
		const char *args[5];
		const char *err;
	} bad[] = {
		{ { "address" }, "\"address\" needs an address, or \"none\"" },
		{ { "address", "mode", "port" },
		  "\"address\" needs an address, or \"none\"" },
		{ { "address", "none", "10.0.0.1" },
		  "\"address none\" takes no address" },
		{ { "address", "10.0.0.1", "none" }, "invalid CIDR \"none\"" },
		{ { "address", "10.0.0.300" }, "invalid CIDR \"10.0.0.300\"" },
		{ { "address", "fd00::/129" },
		  "prefix length out of range in \"fd00::/129\"" },
		{ { "address", "10.0.0.1", "address", "10.0.0.2" },
		  "\"address\" given twice" },
		{ { "mode", "foo" },
		  "expected \"endpoint\" or \"port\" after \"mode\", not "
		  "\"foo\"" },
		{ { "mode" }, "\"mode\" needs a value" },
		{ { "mode", "port", "mode", "port" }, "\"mode\" given twice" },
		{ { "source-check", "yes" },
		  "expected \"on\" or \"off\" after \"source-check\", not "
		  "\"yes\"" },
		{ { "source-check" }, "\"source-check\" needs a value" },
		{ { "mac" }, "\"mac\" needs a MAC address, or \"none\"" },
		{ { "mac", "none", "mac", "none" }, "\"mac\" given twice" },
		{ { "mac", "02:00:00:00:05" },
		  "invalid MAC address \"02:00:00:00:05\" "
		  "(XX:XX:XX:XX:XX:XX, or \"none\")" },
		{ { "mac", "02:00:00:00:00:05:06" },
		  "invalid MAC address \"02:00:00:00:00:05:06\" "
		  "(XX:XX:XX:XX:XX:XX, or \"none\")" },
		{ { "mac", "02-00-00-00-00-05" },
		  "invalid MAC address \"02-00-00-00-00-05\" "
		  "(XX:XX:XX:XX:XX:XX, or \"none\")" },
		{ { "mac", "02:00:00:00:00:123" },
		  "invalid MAC address \"02:00:00:00:00:123\" "
		  "(XX:XX:XX:XX:XX:XX, or \"none\")" },
		{ { "mac", "02:00:00:00:00:0g" },
		  "invalid MAC address \"02:00:00:00:00:0g\" "
		  "(XX:XX:XX:XX:XX:XX, or \"none\")" },
		{ { "mac", "ff:ff:ff:ff:ff:ff" },
		  "\"ff:ff:ff:ff:ff:ff\" is not an instance's MAC address "
		  "(all zeros, multicast or broadcast)" },
		{ { "mac", "33:33:00:00:00:01" },
		  "\"33:33:00:00:00:01\" is not an instance's MAC address "
		  "(all zeros, multicast or broadcast)" },
		{ { "mac", "0:0:0:0:0:0" },
		  "\"0:0:0:0:0:0\" is not an instance's MAC address "
		  "(all zeros, multicast or broadcast)" },
	};
	char *argv[80], want[200];
	char addrs[65][32];
	int argc;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		argc = 0;
		argv[argc++] = "sgtool";
		argv[argc++] = "iface";
		argv[argc++] = "set";
		argv[argc++] = "vm0";
		for (size_t k = 0; k < 5 && bad[i].args[k]; k++)
			argv[argc++] = (char *)bad[i].args[k];
		argv[argc] = NULL;
		loaded(fake_respond_ack);
		snprintf(want, sizeof(want),
			 "sgtool: %s, try \"sgtool iface help\"\n", bad[i].err);
		EXPECT_RUN(run_sgtool_argv(argc, argv), 1, "", want);
		/* Nothing is sent. */
		EXPECT_INT(fake.requests, 0);
	}

	/* At most 64 addresses. */
	argc = 0;
	argv[argc++] = "sgtool";
	argv[argc++] = "iface";
	argv[argc++] = "set";
	argv[argc++] = "vm0";
	argv[argc++] = "address";
	for (unsigned int i = 0; i < 64; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "10.0.0.%u", i + 1);
		argv[argc++] = addrs[i];
	}
	argv[argc] = NULL;
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool_argv(argc, argv), 0, "", "");
	EXPECT_NEST_TYPES(ADDRESS(63), SGFW_A_CIDR_IPV4);
	snprintf(addrs[64], sizeof(addrs[64]), "10.0.1.1");
	argv[argc++] = addrs[64];
	argv[argc] = NULL;
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool_argv(argc, argv), 1, "",
		   "sgtool: 65 addresses, more than the 64 a device may have, "
		   "try \"sgtool iface help\"\n");
	EXPECT_INT(fake.requests, 0);
	return 0;
}

static int test_iface_show(void)
{
	loaded(respond_done);
	EXPECT_RUN(run_sgtool("iface", "show", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_IFACE_GET);
	EXPECT_TYPES(-1);
	EXPECT_RUN(run_sgtool("-j", "iface", NULL), 0, "[]\n", "");
	EXPECT_DUMP(SGFW_CMD_IFACE_GET);

	fake.respond = fake_respond_ack;
	EXPECT_RUN(run_sgtool("iface", "show", "lo", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_IFACE_GET);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_IFNAME), "lo");
	return 0;
}

static int test_unknown_device(void)
{
	static const char *const cmds[][4] = {
		{ "iface", "attach", "sgtool-nodev0", "web" },
		{ "iface", "detach", "sgtool-nodev0", NULL },
		{ "iface", "set", "sgtool-nodev0", "udp-timeout" },
		{ "iface", "show", "sgtool-nodev0", NULL },
	};

	/* Whether the name is known is the kernel's to say. */
	for (unsigned int i = 0; i < 4; i++) {
		const char *extra = i == 2 ? "30" : NULL;

		loaded(respond_refuse);
		refusal = "no such device in this namespace, and sgfw has no "
			  "configuration for that name";
		EXPECT_RUN(run_sgtool(cmds[i][0], cmds[i][1], cmds[i][2],
				      cmds[i][3], extra, NULL), 2, "",
			   "sgtool: no such device in this namespace, and "
			   "sgfw has no configuration for that name\n");
		EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_IFNAME), "sgtool-nodev0");
		EXPECT_INT(fake.closes, fake.opens);
	}
	/* A name no device can have is refused here, and nothing is sent. */
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "detach", "lo-and-a-much-longer-name",
			      NULL), 1, "",
		   "sgtool: invalid device name "
		   "\"lo-and-a-much-longer-name\": 1 to 15 characters\n");
	EXPECT_INT(fake.requests, 0);
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "attach", "", "web", NULL), 1, "",
		   "sgtool: invalid device name \"\": 1 to 15 characters\n");
	EXPECT_INT(fake.requests, 0);
	return 0;
}

static int test_flow_requests(void)
{
	loaded(respond_done);
	EXPECT_RUN(run_sgtool("flow", "show", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_FLOW_GET);
	EXPECT_TYPES(-1);
	EXPECT_RUN(run_sgtool("-j", "flow", NULL), 0, "[]\n", "");

	fake.respond = fake_respond_ack;
	EXPECT_RUN(run_sgtool("flow", "limit", "5000", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_STATUS_SET);
	EXPECT_TYPES(SGFW_A_STATUS_FLOW_LIMIT);
	EXPECT_U32(ATTR(SGFW_A_STATUS_FLOW_LIMIT), 5000);

	/* 0 and too large fit a u32: the kernel refuses them. */
	fake.respond = respond_refuse;
	refusal = "the flow limit is 1 to 16777216";
	EXPECT_RUN(run_sgtool("flow", "limit", "0", NULL), 2, "",
		   "sgtool: the flow limit is 1 to 16777216\n");
	EXPECT_U32(ATTR(SGFW_A_STATUS_FLOW_LIMIT), 0);
	EXPECT_RUN(run_sgtool("flow", "limit", "16777217", NULL), 2, "",
		   "sgtool: the flow limit is 1 to 16777216\n");
	EXPECT_U32(ATTR(SGFW_A_STATUS_FLOW_LIMIT), 16777217);

	/* Without N: the figures of SGFW_CMD_STATUS. */
	fake.n_cmds = 0;
	EXPECT_RUN(run_sgtool("flow", "limit", NULL), 0,
		   "flow_limit: 1000\nflows:      5\n", "");
	EXPECT_INT(fake.n_cmds, 1);
	EXPECT_INT(fake.cmds[0], SGFW_CMD_STATUS);
	return 0;
}

static int test_stats_requests(void)
{
	loaded(respond_done);
	EXPECT_RUN(run_sgtool("-j", "stats", NULL), 0,
		   "{\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995,"
		   "\"devices\":[]}\n", "");
	EXPECT_INT(fake.n_cmds, 2);
	EXPECT_INT(fake.cmds[0], SGFW_CMD_STATUS);
	EXPECT_INT(fake.cmds[1], SGFW_CMD_IFACE_GET);
	EXPECT_DUMP(SGFW_CMD_IFACE_GET);
	EXPECT_TYPES(-1);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

/* Command lines sgtool refuses itself: nothing is opened or sent. */
static const struct {
	const char *args[12];
	const char *err;
} refused[] = {
	{ { "sg", "add" }, "missing security group name, try \"sgtool sg help\"" },
	{ { "sg", "add", "web", "descr", "x" },
	  "unexpected argument \"descr\", try \"sgtool sg help\"" },
	{ { "sg", "add", "web", "desc" },
	  "\"desc\" needs a value, try \"sgtool sg help\"" },
	{ { "sg", "del", "web", "db" },
	  "unexpected argument \"db\", try \"sgtool sg help\"" },
	{ { "sg", "show", "web", "db" },
	  "unexpected argument \"db\", try \"sgtool sg help\"" },
	{ { "sg", "member", "add", "web" },
	  "missing address, try \"sgtool sg help\"" },
	{ { "sg", "member", "add", "web", "10.0.0.0/24" },
	  "a member is an address, not a prefix: \"10.0.0.0/24\", "
	  "try \"sgtool sg help\"" },
	{ { "sg", "member", "del", "web", "10.0.0.1", "nope" },
	  "invalid address \"nope\", try \"sgtool sg help\"" },
	{ { "sg", "member", "list" },
	  "unknown command \"list\" for sg member, "
	  "try \"sgtool sg member help\"" },
	{ { "rule" }, "missing command, try \"sgtool rule help\"" },
	{ { "rule", "add", "web" },
	  "missing direction (ingress or egress), try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "in", "tcp" },
	  "expected \"ingress\" or \"egress\", not \"in\", "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress" },
	  "missing protocol, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "sctp", "from", "0.0.0.0/0" },
	  "unknown protocol \"sctp\" (tcp, udp, icmp, icmpv6, all or 0-255), "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "256", "from", "0.0.0.0/0" },
	  "protocol \"256\" is out of range (0-255), try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp" },
	  "missing \"from PEER\", try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "egress", "tcp", "port", "80" },
	  "missing \"to PEER\", try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "egress", "tcp", "from", "0.0.0.0/0" },
	  "egress rules take \"to PEER\", not \"from\", "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "to", "0.0.0.0/0" },
	  "ingress rules take \"from PEER\", not \"to\", "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from" },
	  "\"from\" needs a peer, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "sg" },
	  "\"from sg\" needs a name, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "1.2.3.4",
	    "from", "1.2.3.5" },
	  "more than one peer, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "10.0.0.0/33" },
	  "prefix length out of range in \"10.0.0.0/33\", "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "10.0.0.256" },
	  "invalid peer \"10.0.0.256\": expected an IPv4 or IPv6 CIDR, "
	  "\"sg NAME\" or \"prefix-list NAME\", try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "port", "65536", "from",
	    "0.0.0.0/0" },
	  "port out of range in \"65536\" (0-65535), "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "port", "80-", "from",
	    "0.0.0.0/0" },
	  "invalid port \"80-\" (P or P-Q), try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "port", "80", "port",
	    "81", "from", "0.0.0.0/0" },
	  "\"port\" given twice, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "icmp", "icmp-type", "256",
	    "from", "0.0.0.0/0" },
	  "icmp-type \"256\" is out of range (0-255), "
	  "try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "icmp", "icmp-code", "x",
	    "from", "0.0.0.0/0" },
	  "invalid icmp-code \"x\", try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "0.0.0.0/0",
	    "desc" },
	  "\"desc\" needs a value, try \"sgtool rule help\"" },
	{ { "rule", "add", "web", "ingress", "tcp", "from", "0.0.0.0/0",
	    "extra" },
	  "unexpected argument \"extra\", try \"sgtool rule help\"" },
	{ { "rule", "del", "web" }, "missing rule id, try \"sgtool rule help\"" },
	{ { "rule", "del", "web", "-1" },
	  "invalid rule id \"-1\", try \"sgtool rule help\"" },
	{ { "rule", "del", "web", "4294967296" },
	  "invalid rule id \"4294967296\", try \"sgtool rule help\"" },
	{ { "prefix-list", "add" },
	  "missing prefix list name, try \"sgtool prefix-list help\"" },
	{ { "prefix-list", "add", "wide", "max-entries" },
	  "\"max-entries\" needs a value, try \"sgtool prefix-list help\"" },
	{ { "prefix-list", "add", "wide", "max-entries", "many" },
	  "invalid max-entries \"many\", try \"sgtool prefix-list help\"" },
	{ { "prefix-list", "set", "wide" },
	  "missing \"max-entries N\", try \"sgtool prefix-list help\"" },
	{ { "prefix-list", "del", "wide", "max-entries", "5" },
	  "unexpected argument \"max-entries\", "
	  "try \"sgtool prefix-list help\"" },
	{ { "prefix-list", "entry", "add", "office" },
	  "missing CIDR, try \"sgtool prefix-list entry help\"" },
	{ { "prefix-list", "entry", "add", "office", "10.0.0.0/8", "x/8" },
	  "invalid CIDR \"x/8\", try \"sgtool prefix-list entry help\"" },
	{ { "prefix-list", "entry", "del", "office", "::/129" },
	  "prefix length out of range in \"::/129\", "
	  "try \"sgtool prefix-list entry help\"" },
	{ { "iface", "attach", "lo" },
	  "missing security group name, try \"sgtool iface help\"" },
	{ { "iface", "attach" },
	  "missing device name, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo" }, "nothing to set, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "udp-timeout" },
	  "\"udp-timeout\" needs a value, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "udp-timeout", "30s" },
	  "invalid udp-timeout \"30s\" (seconds), try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "udp-timeout", "aws-nitro" },
	  "invalid udp-timeout \"aws-nitro\" (seconds), "
	  "try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "udp-timeout", "99999999999" },
	  "udp-timeout \"99999999999\" is too large, "
	  "try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "tracking", "sometimes" },
	  "expected \"auto\" or \"always\" after \"tracking\", not "
	  "\"sometimes\", try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "tracking", "auto", "tracking", "auto" },
	  "\"tracking\" given twice, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "audit", "yes" },
	  "expected \"on\" or \"off\" after \"audit\", not \"yes\", "
	  "try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "audit", "on", "audit", "off" },
	  "\"audit\" given twice, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "audit" },
	  "\"audit\" needs a value, try \"sgtool iface help\"" },
	{ { "iface", "set", "lo", "mtu", "1500" },
	  "unexpected argument \"mtu\", try \"sgtool iface help\"" },
	{ { "iface", "show", "lo", "eth0" },
	  "unexpected argument \"eth0\", try \"sgtool iface help\"" },
	{ { "flow", "show", "all" },
	  "unknown filter \"all\", try \"sgtool flow help\"" },
	{ { "flow", "flush", "sport" },
	  "\"sport\" needs a value, try \"sgtool flow help\"" },
	{ { "flow", "show", "dport", "65536" },
	  "invalid dport \"65536\" (0-65535), try \"sgtool flow help\"" },
	{ { "flow", "flush", "src", "10.0.0.0/33" },
	  "invalid src \"10.0.0.0/33\": expected an IPv4 or IPv6 CIDR, try \"sgtool flow help\"" },
	{ { "flow", "show", "state", "open" },
	  "unknown flow state \"open\", try \"sgtool flow help\"" },
	{ { "flow", "show", "stale", "stale" },
	  "\"stale\" given twice, try \"sgtool flow help\"" },
	{ { "flow", "flush", "proto", "all" },
	  "invalid protocol \"all\", try \"sgtool flow help\"" },
	{ { "flow", "limit", "1k" },
	  "invalid flow limit \"1k\", try \"sgtool flow help\"" },
	{ { "flow", "limit", "4294967296" },
	  "flow limit \"4294967296\" is too large, try \"sgtool flow help\"" },
	{ { "flow", "limit", "10", "20" },
	  "unexpected argument \"20\", try \"sgtool flow help\"" },
	{ { "stats", "all" },
	  "unknown command \"all\" for stats, try \"sgtool stats help\"" },
	{ { "explain" }, "missing device name, try \"sgtool explain help\"" },
	{ { "explain", "lo" },
	  "missing direction (ingress or egress), try \"sgtool explain help\"" },
	{ { "explain", "lo", "in", "tcp", "10.0.0.1", "10.0.0.2" },
	  "expected \"ingress\" or \"egress\", not \"in\", "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress" },
	  "missing protocol, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "sctp", "10.0.0.1", "10.0.0.2" },
	  "unknown protocol \"sctp\" (tcp, udp, icmp, icmpv6 or 0-255), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "all", "10.0.0.1", "10.0.0.2" },
	  "unknown protocol \"all\" (tcp, udp, icmp, icmpv6 or 0-255), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "256", "10.0.0.1", "10.0.0.2" },
	  "protocol \"256\" is out of range (0-255), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp" },
	  "missing source address, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1:80" },
	  "missing destination address, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1", "fd00::2" },
	  "the source and the destination are of two families, "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "[fd00::1]:80", "10.0.0.2:22" },
	  "the source and the destination are of two families, "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2:80" },
	  "ports apply to tcp and udp only, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "47", "10.0.0.1:5", "10.0.0.2" },
	  "ports apply to tcp and udp only, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1", "10.0.0.2",
	    "port", "80" },
	  "unexpected argument \"port\", try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1", "10.0.0.2",
	    "icmp-type", "8" },
	  "icmp-type, icmp-code and icmp-id apply to icmp over IPv4 and "
	  "icmpv6 over IPv6 only, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "fd00::1", "fd00::2",
	    "icmp-id", "1" },
	  "icmp-type, icmp-code and icmp-id apply to icmp over IPv4 and "
	  "icmpv6 over IPv6 only, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2",
	    "icmp-code", "1" },
	  "\"icmp-code\" needs \"icmp-type\", try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2",
	    "icmp-type", "256" },
	  "icmp-type \"256\" is out of range (0-255), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2",
	    "icmp-id", "65536" },
	  "invalid icmp-id \"65536\" (0-65535), try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2",
	    "icmp-id" },
	  "\"icmp-id\" needs a value, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "icmp", "10.0.0.1", "10.0.0.2",
	    "icmp-id", "1", "icmp-id", "2" },
	  "\"icmp-id\" given twice, try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1:65536", "10.0.0.2" },
	  "port out of range in \"10.0.0.1:65536\" (0-65535), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.0/8", "10.0.0.2" },
	  "invalid source \"10.0.0.0/8\": expected an IPv4 or IPv6 address, "
	  "with an optional port (10.0.0.1:80, [fd00::1]:80), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1", "fd00::2:80x" },
	  "invalid destination \"fd00::2:80x\": expected an IPv4 or IPv6 "
	  "address, with an optional port (10.0.0.1:80, [fd00::1]:80), "
	  "try \"sgtool explain help\"" },
	{ { "explain", "lo", "ingress", "tcp", "10.0.0.1", "10.0.0.2",
	    "extra" },
	  "unexpected argument \"extra\", try \"sgtool explain help\"" },
};

/* A filter is one nest of what was given, in the kernel's order. */
static int test_flow_filters(void)
{
	const struct nlattr *f, *c;

	loaded(respond_flush);
	EXPECT_RUN(run_sgtool("flow", "flush", "stale", "dport", "22", "sg",
			      "web", "src", "10.0.0.9/24", "state",
			      "established", "rule", "4", "proto", "tcp",
			      NULL), 0, "removed 7 flows\n", "");
	EXPECT_DO(SGFW_CMD_FLOW_FLUSH);
	EXPECT_TYPES(SGFW_A_FLOW_FILTER);
	f = ATTR(SGFW_A_FLOW_FILTER);
	EXPECT_NEST_TYPES(f, SGFW_A_FLOW_FILTER_SG, SGFW_A_FLOW_FILTER_RULE_ID,
			  SGFW_A_FLOW_FILTER_PROTOCOL, SGFW_A_FLOW_FILTER_SRC,
			  SGFW_A_FLOW_FILTER_DPORT, SGFW_A_FLOW_FILTER_STATE,
			  SGFW_A_FLOW_FILTER_STALE);
	EXPECT_ATTR_STR(IN(f, SGFW_A_FLOW_FILTER_SG), "web");
	EXPECT_U32(IN(f, SGFW_A_FLOW_FILTER_RULE_ID), 4);
	EXPECT_U8(IN(f, SGFW_A_FLOW_FILTER_PROTOCOL), 6);
	c = IN(f, SGFW_A_FLOW_FILTER_SRC);
	/* As written: the kernel makes it canonical. */
	EXPECT_IN4(IN(c, SGFW_A_CIDR_IPV4), "10.0.0.9");
	EXPECT_U8(IN(c, SGFW_A_CIDR_PREFIX_LEN), 24);
	EXPECT_U16(IN(f, SGFW_A_FLOW_FILTER_DPORT), 22);
	EXPECT_U32(IN(f, SGFW_A_FLOW_FILTER_STATE),
		   SGFW_FLOW_STATE_ESTABLISHED);

	/* No filter: no nest, every flow. */
	EXPECT_RUN(run_sgtool("-j", "flow", "flush", NULL), 0,
		   "{\"removed\":7}\n", "");
	EXPECT(!ATTR(SGFW_A_FLOW_FILTER));

	/* show: a dump that carries the filter. */
	EXPECT_RUN(run_sgtool("flow", "show", "dev", "lo", "dst", "fd00::/8",
			      "sport", "0", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_FLOW_GET);
	f = ATTR(SGFW_A_FLOW_FILTER);
	EXPECT_NEST_TYPES(f, SGFW_A_FLOW_FILTER_IFINDEX,
			  SGFW_A_FLOW_FILTER_DST, SGFW_A_FLOW_FILTER_SPORT);
	EXPECT_U32(IN(f, SGFW_A_FLOW_FILTER_IFINDEX), lo_index());
	EXPECT_IN6(IN(IN(f, SGFW_A_FLOW_FILTER_DST), SGFW_A_CIDR_IPV6),
		   "fd00::");
	EXPECT_U16(IN(f, SGFW_A_FLOW_FILTER_SPORT), 0);
	EXPECT_RUN(run_sgtool("flow", NULL), 0, "", "");
	EXPECT(!ATTR(SGFW_A_FLOW_FILTER));
	return 0;
}

static int test_refused_before_sending(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		const char *const *a = refused[i].args;
		const struct run *r;
		char want[512];

		loaded(fake_respond_ack);
		r = run_sgtool(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
			       a[8], a[9], a[10], NULL);
		snprintf(want, sizeof(want), "sgtool: %s\n", refused[i].err);
		if (r->status != 1 || strcmp(r->out, "") ||
		    strcmp(r->err, want) || fake.opens) {
			tap_diag("command %zu: %s %s %s ...", i, a[0],
				 a[1] ? a[1] : "", a[2] ? a[2] : "");
			EXPECT_INT(r->status, 1);
			EXPECT_STR(r->err, want);
			EXPECT_INT(fake.opens, 0);
		}
	}
	return 0;
}

static int test_request_too_large(void)
{
	size_t len = 70000;
	char *desc = malloc(len + 1);
	const struct run *r;

	EXPECT(desc != NULL);
	memset(desc, 'x', len);
	desc[len] = '\0';
	loaded(fake_respond_ack);
	r = run_sgtool("sg", "add", "web", "desc", desc, NULL);
	free(desc);
	EXPECT_INT(r->status, 1);
	EXPECT_STR(r->err, "sgtool: too many or too long arguments for one "
		   "request\n");
	/* The family lookup only. */
	EXPECT_INT(fake.requests, 1);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_not_loaded_for_every_object(void)
{
	static const char *const cmds[][4] = {
		{ "sg", NULL }, { "sg", "add", "web", NULL },
		{ "rule", "del", "web", "1" }, { "prefix-list", NULL },
		{ "iface", NULL }, { "flow", NULL }, { "flow", "limit", NULL },
		{ "stats", NULL },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		fake_install();
		EXPECT_RUN(run_sgtool(cmds[i][0], cmds[i][1], cmds[i][2],
				      cmds[i][3], NULL), 1, "",
			   "sgtool: the sgfw kernel module is not loaded "
			   "(try: modprobe sgfw)\n");
		EXPECT_INT(fake.closes, fake.opens);
	}
	return 0;
}

void suite_requests(void)
{
	tap_test("requests: sg add sends the name and description",
		 test_sg_add);
	tap_test("requests: sg del and sg show NAME send the name",
		 test_sg_del_and_show);
	tap_test("requests: sg show without a name is a dump",
		 test_sg_show_dump);
	tap_test("requests: sg member add/del send nested addresses",
		 test_sg_members);
	tap_test("requests: flow show and flush send their filter in one nest",
		 test_flow_filters);
	tap_test("requests: rule add tcp with a port and a CIDR",
		 test_rule_add_tcp);
	tap_test("requests: rule add all has no protocol attribute",
		 test_rule_add_all_v6);
	tap_test("requests: protocol 0 is sent; a bare address is a host",
		 test_rule_add_protocol_zero_and_hosts);
	tap_test("requests: icmp type and code, a group as peer",
		 test_rule_add_icmp_and_group_peer);
	tap_test("requests: a port range and a prefix list as peer",
		 test_rule_add_range_and_prefix_list);
	tap_test("requests: doubtful values are sent, the kernel's word "
		 "printed", test_kernel_judges_rules);
	tap_test("requests: rule del sends the group and the id",
		 test_rule_del);
	tap_test("requests: prefix-list add, del, entry and show",
		 test_prefix_lists);
	tap_test("requests: iface attach and detach send the device name and groups",
		 test_iface_attach_detach);
	tap_test("requests: iface set sends the settings given",
		 test_iface_set);
	tap_test("requests: iface set: mode, source-check, addresses and mac, "
		 "alone or together, none clears",
		 test_iface_set_port);
	tap_test("requests: iface set: a bad mode, source check, address or "
		 "mac sends nothing", test_iface_set_port_errors);
	tap_test("requests: iface show is a dump, or a do for DEV",
		 test_iface_show);
	tap_test("requests: an unknown device is the kernel's to refuse, a bad name sgtool's",
		 test_unknown_device);
	tap_test("requests: flow show dumps; flow limit N sets",
		 test_flow_requests);
	tap_test("requests: stats asks for status, then dumps devices",
		 test_stats_requests);
	tap_test("requests: bad command lines are refused before sending",
		 test_refused_before_sending);
	tap_test("requests: a request too large is refused, not cut",
		 test_request_too_large);
	tap_test("requests: every object says when the module is not loaded",
		 test_not_loaded_for_every_object);
	fake_uninstall();
}
