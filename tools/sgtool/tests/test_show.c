// SPDX-License-Identifier: GPL-2.0
/*
 * What each object looks like, in text and in JSON, from replies the
 * scripted kernel sends as the module would; and what happens to replies
 * that are malformed or cut short.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

/* An ifindex no device has, for a device that went away. */
#define GONE_IFINDEX 0x7ffffff0u

static char want[4096];

/* What a rule holds; -1 for an attribute left out. */
struct canned_rule {
	int id, dir, proto, port_from, port_to, type, code;
	const char *peer;	/* "CIDR", "sg:NAME" or "pl:NAME" */
	int plen;
	const char *desc;
};

static void put_rule_attrs(struct nlmsghdr *nlh, const struct canned_rule *r)
{
	mnl_attr_put_u32(nlh, SGFW_A_RULE_ID, (uint32_t)r->id);
	mnl_attr_put_u32(nlh, SGFW_A_RULE_DIRECTION, (uint32_t)r->dir);
	fake_put_match(nlh, SGFW_A_RULE_MATCH, r->proto, r->port_from,
		       r->port_to, r->type, r->code);
	if (!strncmp(r->peer, "sg:", 3)) {
		mnl_attr_put_strz(nlh, SGFW_A_RULE_PEER_SG, r->peer + 3);
	} else if (!strncmp(r->peer, "pl:", 3)) {
		mnl_attr_put_strz(nlh, SGFW_A_RULE_PEER_PREFIX_LIST,
				  r->peer + 3);
	} else {
		fake_put_cidr(nlh, SGFW_A_RULE_PEER, r->peer, r->plen);
	}
	if (r->desc)
		mnl_attr_put_strz(nlh, SGFW_A_RULE_DESCRIPTION, r->desc);
}

static const struct canned_rule web_rules[] = {
	{ 4, 0, 6, 80, 80, -1, -1, "0.0.0.0", 0, "http" },
	{ 5, 0, 6, 8000, 8080, -1, -1, "pl:office", -1, NULL },
	{ 6, 0, 1, -1, -1, 8, -1, "sg:db", -1, NULL },
	{ 11, 0, 58, -1, -1, 1, 4, "fd00::", 8, "say \"hi\"" },
	{ 9, 0, 47, -1, -1, -1, -1, "10.0.0.0", 8, NULL },
	{ 10, 0, 0, -1, -1, -1, -1, "10.0.0.1", -1, NULL },
	{ 1, 1, -1, -1, -1, -1, -1, "0.0.0.0", 0, NULL },
	{ 2, 1, -1, -1, -1, -1, -1, "::", 0, NULL },
};

/* A group as SGFW_CMD_SG_GET sends it; web has everything, db nothing. */
static void put_group(uint16_t flags, uint8_t cmd, bool web)
{
	struct nlmsghdr *nlh = fake_put_genl(FAKE_FAMILY_ID, flags, cmd);

	if (!web) {
		mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "db");
		mnl_attr_put_u32(nlh, SGFW_A_SG_ID, 8);
		mnl_attr_put_u32(nlh, SGFW_A_SG_ATTACHED, 0);
		return;
	}
	mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "web");
	mnl_attr_put_u32(nlh, SGFW_A_SG_ID, 3);
	mnl_attr_put_strz(nlh, SGFW_A_SG_DESCRIPTION, "web servers");
	for (size_t i = 0; i < ARRAY_SIZE(web_rules); i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, SGFW_A_SG_RULE);

		put_rule_attrs(nlh, &web_rules[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	fake_put_cidr(nlh, SGFW_A_SG_MEMBER, "10.0.0.5", -1);
	fake_put_cidr(nlh, SGFW_A_SG_MEMBER, "fd00::5", -1);
	mnl_attr_put_u32(nlh, SGFW_A_SG_ATTACHED, 2);
}

/*
 * web as a dump splits a large group: every message names it, and each
 * carries the next part of its lists.
 */
static void put_group_split(uint16_t flags)
{
	struct nlmsghdr *nlh;
	size_t i, part;

	for (part = 0; part < 3; part++) {
		nlh = fake_put_genl(FAKE_FAMILY_ID, flags, SGFW_CMD_SG_GET);
		mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "web");
		mnl_attr_put_u32(nlh, SGFW_A_SG_ID, 3);
		mnl_attr_put_strz(nlh, SGFW_A_SG_DESCRIPTION, "web servers");
		mnl_attr_put_u32(nlh, SGFW_A_SG_ATTACHED, 2);
		for (i = part * 3; i < ARRAY_SIZE(web_rules) && i < part * 3 + 3;
		     i++) {
			struct nlattr *nest = mnl_attr_nest_start(nlh,
								  SGFW_A_SG_RULE);

			put_rule_attrs(nlh, &web_rules[i]);
			mnl_attr_nest_end(nlh, nest);
		}
		if (part == 2) {
			fake_put_cidr(nlh, SGFW_A_SG_MEMBER, "10.0.0.5", -1);
			fake_put_cidr(nlh, SGFW_A_SG_MEMBER, "fd00::5", -1);
		}
		/* Split over reads too. */
		fake_flush();
	}
}

static void put_pls(void)
{
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_PL_GET);
	mnl_attr_put_strz(nlh, SGFW_A_PL_NAME, "office");
	fake_put_cidr(nlh, SGFW_A_PL_ENTRY, "10.0.0.0", 8);
	fake_put_cidr(nlh, SGFW_A_PL_ENTRY, "192.168.1.0", 24);
	fake_put_cidr(nlh, SGFW_A_PL_ENTRY, "fd00::", 8);
	fake_put_cidr(nlh, SGFW_A_PL_ENTRY, "2001:db8::1", -1);
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_PL_GET);
	mnl_attr_put_strz(nlh, SGFW_A_PL_NAME, "empty");
}

static void put_ifaces(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, if_nametoindex("lo"));
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "lo");
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_SG, "web");
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_SG, "db");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 350);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_ALWAYS);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_ACCEPTED, 100);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED, 3);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_FLOWS, 12);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_NACL, "edge");
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED_NO_RULE, 2);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED_NACL, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED_TABLE_FULL, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED_INVALID, 1);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED_SPOOFED, 0);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 1);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_AUDIT_NO_RULE, 4);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_AUDIT_NACL, 3);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_AUDIT_TABLE_FULL, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_AUDIT_INVALID, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_AUDIT_SPOOFED, 0);
	/* A port: hosts with "/32" or without, as the kernel may send them. */
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_MODE, SGFW_IFACE_MODE_PORT);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_SOURCE_CHECK, 0);
	nest = mnl_attr_nest_start(nlh, SGFW_A_IFACE_ADDRESSES);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "10.0.0.5", 32);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "fd00::5", -1);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "10.9.0.0", 24);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "fd00:1::", 64);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, SGFW_A_IFACE_MAC, 6, "\x02\x00\x5e\xab\xcd\x05");

	/* Split over two reads, as a dump may be. */
	fake_flush();
	/* A name that waits for its device: no index. */
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "vm0");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 432000);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_AUTO);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_ACCEPTED, 0);
	mnl_attr_put_u64(nlh, SGFW_A_IFACE_DROPPED, 0);
	/*
	 * No mode, source check or addresses, as from a module before port
	 * mode: the defaults.
	 */
}

struct canned_flow {
	const char *src, *dst;
	int proto, sport, dport, icmp_id;
	uint32_t ifindex;
	int state;
	uint32_t expires_ms;
	const char *sg;
	int rule_id, dir;
	uint64_t packets, bytes;
};

static void put_flow(const struct canned_flow *f)
{
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_FLOW_GET);
	mnl_attr_put_u8(nlh, SGFW_A_FLOW_PROTOCOL, (uint8_t)f->proto);
	fake_put_cidr(nlh, SGFW_A_FLOW_SRC, f->src, -1);
	fake_put_cidr(nlh, SGFW_A_FLOW_DST, f->dst, -1);
	if (f->sport >= 0) {
		mnl_attr_put_u16(nlh, SGFW_A_FLOW_SPORT, (uint16_t)f->sport);
		mnl_attr_put_u16(nlh, SGFW_A_FLOW_DPORT, (uint16_t)f->dport);
	}
	if (f->icmp_id >= 0)
		mnl_attr_put_u16(nlh, SGFW_A_FLOW_ICMP_ID,
				 (uint16_t)f->icmp_id);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_IFINDEX, f->ifindex);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_STATE, (uint32_t)f->state);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_EXPIRES_IN, f->expires_ms);
	if (f->sg)
		mnl_attr_put_strz(nlh, SGFW_A_FLOW_SG, f->sg);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_RULE_ID, (uint32_t)f->rule_id);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_DIRECTION, (uint32_t)f->dir);
	mnl_attr_put_u64(nlh, SGFW_A_FLOW_PACKETS, f->packets);
	mnl_attr_put_u64(nlh, SGFW_A_FLOW_BYTES, f->bytes);
}

static void put_flows(void)
{
	const struct canned_flow flows[] = {
		{ "10.0.0.1", "10.0.0.2", 6, 40000, 22, -1,
		  if_nametoindex("lo"), SGFW_FLOW_STATE_ESTABLISHED,
		  431999873, "web", 4, 0, 10, 1234 },
		{ "fd00::1", "fd00::2", 17, 5353, 53, -1, GONE_IFINDEX,
		  SGFW_FLOW_STATE_UDP_STREAM, 179500, NULL, 1, 1, 4, 400 },
		{ "10.0.0.1", "10.0.0.2", 1, -1, -1, 77, if_nametoindex("lo"),
		  SGFW_FLOW_STATE_ACTIVE, 30000, "web", 6, 0, 2, 168 },
		{ "10.0.0.1", "10.0.0.3", 47, -1, -1, -1, if_nametoindex("lo"),
		  SGFW_FLOW_STATE_ACTIVE, 7, "web", 9, 0, 1, 100 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(flows); i++)
		put_flow(&flows[i]);
}

/* How the kernel answers, chosen by each test. */
static enum {
	REPLY_GOOD,
	REPLY_NO_ID,		/* a group without its id */
	REPLY_TWO_PEERS,	/* a rule with two peers */
	REPLY_MIXED_FAMILY,	/* a flow from IPv4 to IPv6 */
	REPLY_BAD_TRACKING,	/* a 3-byte tracking mode */
	REPLY_BAD_ADDRESS,	/* an address of 3 bytes */
	REPLY_DUMP_FAILS,	/* NLMSG_DONE with an error */
	REPLY_SPLIT,		/* a dump splits web over three messages */
} reply;

static void respond(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	uint16_t flags = dump ? NLM_F_MULTI : 0;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (reply == REPLY_DUMP_FAILS) {
		fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, genl->cmd);
		fake_put_done(-EINTR, "the dump was interrupted, try again");
		return;
	}

	switch (genl->cmd) {
	case SGFW_CMD_SG_NEW:
	case SGFW_CMD_SG_GET:
		if (reply == REPLY_SPLIT && dump)
			put_group_split(flags);
		else
			put_group(flags, genl->cmd, true);
		if (reply == REPLY_NO_ID) {
			nlh = fake_put_genl(FAKE_FAMILY_ID, flags, genl->cmd);
			mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "noid");
		}
		if (reply == REPLY_TWO_PEERS) {
			nlh = fake_put_genl(FAKE_FAMILY_ID, flags, genl->cmd);
			mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "bad");
			mnl_attr_put_u32(nlh, SGFW_A_SG_ID, 9);
			nest = mnl_attr_nest_start(nlh, SGFW_A_SG_RULE);
			put_rule_attrs(nlh, &web_rules[0]);
			mnl_attr_put_strz(nlh, SGFW_A_RULE_PEER_SG, "db");
			mnl_attr_nest_end(nlh, nest);
		}
		if (dump)
			put_group(flags, genl->cmd, false);
		break;
	case SGFW_CMD_PL_GET:
		put_pls();
		break;
	case SGFW_CMD_IFACE_GET:
		put_ifaces();
		if (reply == REPLY_BAD_TRACKING) {
			nlh = fake_put_genl(FAKE_FAMILY_ID, flags, genl->cmd);
			mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, 1);
			mnl_attr_put(nlh, SGFW_A_IFACE_TRACKING, 3, "abc");
		}
		if (reply == REPLY_BAD_ADDRESS) {
			struct nlattr *a;

			nlh = fake_put_genl(FAKE_FAMILY_ID, flags, genl->cmd);
			mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "vm1");
			nest = mnl_attr_nest_start(nlh, SGFW_A_IFACE_ADDRESSES);
			a = mnl_attr_nest_start(nlh,
						SGFW_A_IFACE_ADDRESSES_ADDRESS);
			mnl_attr_put(nlh, SGFW_A_CIDR_IPV4, 3, "abc");
			mnl_attr_nest_end(nlh, a);
			mnl_attr_nest_end(nlh, nest);
		}
		break;
	case SGFW_CMD_FLOW_GET:
		put_flows();
		if (reply == REPLY_MIXED_FAMILY) {
			const struct canned_flow f = {
				"10.0.0.1", "fd00::1", 6, 1, 2, -1, 1, 0, 0,
				NULL, 1, 0, 0, 0
			};

			put_flow(&f);
		}
		break;
	default:
		fake_put_error(-EOPNOTSUPP, NULL);
		return;
	}
	if (dump)
		fake_put_done(0, NULL);
	else
		fake_put_error(0, NULL);
}

/* A group whose rules have opened 5 flows and none. */
static void respond_counters(const struct nlmsghdr *req)
{
	static const struct canned_rule rules[] = {
		{ 1, 0, 6, 22, 22, -1, -1, "10.0.0.0", 24, NULL },
		{ 2, 0, 6, 23, 23, -1, -1, "10.0.0.0", 24, NULL },
	};
	struct nlmsghdr *nlh;

	(void)req;
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_SG_GET);
	mnl_attr_put_strz(nlh, SGFW_A_SG_NAME, "ctr");
	mnl_attr_put_u32(nlh, SGFW_A_SG_ID, 5);
	mnl_attr_put_u32(nlh, SGFW_A_SG_ATTACHED, 1);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		struct nlattr *nest = mnl_attr_nest_start(nlh, SGFW_A_SG_RULE);

		put_rule_attrs(nlh, &rules[i]);
		mnl_attr_put_u64(nlh, SGFW_A_RULE_FLOWS, i ? 0 : 5);
		if (!i)
			mnl_attr_put_u32(nlh, SGFW_A_RULE_LAST_HIT, 3);
		mnl_attr_nest_end(nlh, nest);
	}
	fake_put_error(0, NULL);
}

static int test_sg_show_counters(void)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond_counters;
	EXPECT_RUN(run_sgtool("sg", "show", "ctr", NULL), 0,
		   "sg ctr id 5 attached 1\n"
		   "  rule 1 ingress tcp port 22 from 10.0.0.0/24"
		   " flows 5 last-hit 3s\n"
		   "  rule 2 ingress tcp port 23 from 10.0.0.0/24 flows 0\n",
		   "");
	EXPECT_RUN(run_sgtool("-j", "sg", "show", "ctr", NULL), 0,
		   "[{\"name\":\"ctr\",\"id\":5,\"attached\":1,"
		   "\"description\":null,\"members\":[],\"rules\":["
		   "{\"id\":1,\"direction\":\"ingress\",\"protocol\":\"tcp\","
		   "\"port_from\":22,\"port_to\":22,\"icmp_type\":null,"
		   "\"icmp_code\":null,\"peer\":\"10.0.0.0/24\","
		   "\"description\":null,\"flows\":5,\"last_hit\":3},"
		   "{\"id\":2,\"direction\":\"ingress\",\"protocol\":\"tcp\","
		   "\"port_from\":23,\"port_to\":23,\"icmp_type\":null,"
		   "\"icmp_code\":null,\"peer\":\"10.0.0.0/24\","
		   "\"description\":null,\"flows\":0,\"last_hit\":null}]}]\n",
		   "");
	return 0;
}

static void scripted(void)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond;
	reply = REPLY_GOOD;
}

static const char sg_text[] =
	"sg web id 3 attached 2\n"
	"  desc \"web servers\"\n"
	"  members 10.0.0.5 fd00::5\n"
	"  rule 4 ingress tcp port 80 from 0.0.0.0/0 desc \"http\"\n"
	"  rule 5 ingress tcp port 8000-8080 from prefix-list office\n"
	"  rule 6 ingress icmp icmp-type 8 from sg db\n"
	"  rule 11 ingress icmpv6 icmp-type 1 icmp-code 4 from fd00::/8"
	" desc \"say \"hi\"\"\n"
	"  rule 9 ingress 47 from 10.0.0.0/8\n"
	"  rule 10 ingress 0 from 10.0.0.1/32\n"
	"  rule 1 egress all to 0.0.0.0/0\n"
	"  rule 2 egress all to ::/0\n";

static const char db_text[] = "sg db id 8 attached 0\n";

#define NO_PORTS "\"port_from\":null,\"port_to\":null"
#define NO_ICMP "\"icmp_type\":null,\"icmp_code\":null"

static const char sg_json[] =
	"{\"name\":\"web\",\"id\":3,\"attached\":2,"
	"\"description\":\"web servers\","
	"\"members\":[\"10.0.0.5\",\"fd00::5\"],"
	"\"rules\":["
	"{\"id\":4,\"direction\":\"ingress\",\"protocol\":\"tcp\","
	"\"port_from\":80,\"port_to\":80," NO_ICMP ","
	"\"peer\":\"0.0.0.0/0\",\"description\":\"http\"},"
	"{\"id\":5,\"direction\":\"ingress\",\"protocol\":\"tcp\","
	"\"port_from\":8000,\"port_to\":8080," NO_ICMP ","
	"\"peer\":\"prefix-list office\",\"description\":null},"
	"{\"id\":6,\"direction\":\"ingress\",\"protocol\":\"icmp\","
	NO_PORTS ",\"icmp_type\":8,\"icmp_code\":null,"
	"\"peer\":\"sg db\",\"description\":null},"
	"{\"id\":11,\"direction\":\"ingress\",\"protocol\":\"icmpv6\","
	NO_PORTS ",\"icmp_type\":1,\"icmp_code\":4,"
	"\"peer\":\"fd00::/8\",\"description\":\"say \\\"hi\\\"\"},"
	"{\"id\":9,\"direction\":\"ingress\",\"protocol\":47,"
	NO_PORTS "," NO_ICMP ","
	"\"peer\":\"10.0.0.0/8\",\"description\":null},"
	"{\"id\":10,\"direction\":\"ingress\",\"protocol\":0,"
	NO_PORTS "," NO_ICMP ","
	"\"peer\":\"10.0.0.1/32\",\"description\":null},"
	"{\"id\":1,\"direction\":\"egress\",\"protocol\":\"all\","
	NO_PORTS "," NO_ICMP ","
	"\"peer\":\"0.0.0.0/0\",\"description\":null},"
	"{\"id\":2,\"direction\":\"egress\",\"protocol\":\"all\","
	NO_PORTS "," NO_ICMP ","
	"\"peer\":\"::/0\",\"description\":null}"
	"]}";

static const char db_json[] =
	"{\"name\":\"db\",\"id\":8,\"attached\":0,\"description\":null,"
	"\"members\":[],\"rules\":[]}";

static int test_sg_show(void)
{
	scripted();
	snprintf(want, sizeof(want), "%s%s", sg_text, db_text);
	EXPECT_RUN(run_sgtool("sg", "show", NULL), 0, want, "");
	snprintf(want, sizeof(want), "[%s,%s]\n", sg_json, db_json);
	EXPECT_RUN(run_sgtool("-j", "sg", "show", NULL), 0, want, "");

	/* One group is still an array. */
	EXPECT_RUN(run_sgtool("sg", "show", "web", NULL), 0, sg_text, "");
	snprintf(want, sizeof(want), "[%s]\n", sg_json);
	EXPECT_RUN(run_sgtool("-j", "sg", "show", "web", NULL), 0, want, "");
	return 0;
}

/* A group the kernel split over several messages is shown once, whole. */
static int test_sg_show_split(void)
{
	scripted();
	reply = REPLY_SPLIT;
	snprintf(want, sizeof(want), "%s%s", sg_text, db_text);
	EXPECT_RUN(run_sgtool("sg", "show", NULL), 0, want, "");
	snprintf(want, sizeof(want), "[%s,%s]\n", sg_json, db_json);
	EXPECT_RUN(run_sgtool("-j", "sg", "show", NULL), 0, want, "");
	return 0;
}

static int test_sg_show_pretty(void)
{
	const struct run *r;

	scripted();
	r = run_sgtool("-p", "sg", "show", "web", NULL);
	EXPECT_INT(r->status, 0);
	EXPECT(!strncmp(r->out,
			"[\n"
			"  {\n"
			"    \"name\": \"web\",\n"
			"    \"id\": 3,\n"
			"    \"attached\": 2,\n"
			"    \"description\": \"web servers\",\n"
			"    \"members\": [\n"
			"      \"10.0.0.5\",\n"
			"      \"fd00::5\"\n"
			"    ],\n"
			"    \"rules\": [\n"
			"      {\n"
			"        \"id\": 4,\n"
			"        \"direction\": \"ingress\",\n", 200));
	EXPECT(strstr(r->out, "        \"description\": null\n"
			      "      }\n"
			      "    ]\n"
			      "  }\n"
			      "]\n"));
	return 0;
}

static int test_sg_add_output(void)
{
	scripted();
	/* Quiet in text, as `ip` is. */
	EXPECT_RUN(run_sgtool("sg", "add", "web", NULL), 0, "", "");
	snprintf(want, sizeof(want), "%s\n", sg_json);
	EXPECT_RUN(run_sgtool("-j", "sg", "add", "web", NULL), 0, want, "");
	return 0;
}

static void respond_rule(const struct nlmsghdr *req)
{
	static const struct canned_rule r = {
		12, 0, 17, 53, 53, -1, -1, "10.0.0.0", 8, "dns"
	};
	struct nlmsghdr *nlh;

	(void)req;
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_RULE_NEW);
	put_rule_attrs(nlh, &r);
	mnl_attr_put_strz(nlh, SGFW_A_RULE_SG, "web");
	fake_put_error(0, NULL);
}

static void respond_rule_ack_only(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_error(0, NULL);
}

static int test_rule_add_output(void)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond_rule;
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "udp", "port",
			      "53", "from", "10.1.1.1/8", "desc", "dns", NULL),
		   0, "rule 12 added\n", "");
	EXPECT_RUN(run_sgtool("-j", "rule", "add", "web", "ingress", "udp",
			      "port", "53", "from", "10.1.1.1/8", NULL), 0,
		   "{\"id\":12,\"sg\":\"web\",\"direction\":\"ingress\","
		   "\"protocol\":\"udp\",\"port_from\":53,\"port_to\":53,"
		   NO_ICMP ",\"peer\":\"10.0.0.0/8\","
		   "\"description\":\"dns\"}\n", "");

	/* A kernel that made the rule but did not say which. */
	fake.respond = respond_rule_ack_only;
	EXPECT_RUN(run_sgtool("rule", "add", "web", "ingress", "udp", "from",
			      "10.0.0.0/8", NULL), 2, "",
		   "sgtool: rule added, but the kernel's reply is "
		   "malformed\n");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_prefix_list_show(void)
{
	scripted();
	EXPECT_RUN(run_sgtool("prefix-list", "show", NULL), 0,
		   "prefix-list office\n"
		   "  10.0.0.0/8\n"
		   "  192.168.1.0/24\n"
		   "  fd00::/8\n"
		   "  2001:db8::1/128\n"
		   "prefix-list empty\n", "");
	EXPECT_RUN(run_sgtool("-j", "prefix-list", NULL), 0,
		   "[{\"name\":\"office\",\"entries\":[\"10.0.0.0/8\","
		   "\"192.168.1.0/24\",\"fd00::/8\",\"2001:db8::1/128\"]},"
		   "{\"name\":\"empty\",\"entries\":[]}]\n", "");
	return 0;
}

static int test_iface_show(void)
{
	unsigned int lo = if_nametoindex("lo");

	scripted();
	snprintf(want, sizeof(want),
		 "lo: ifindex %u bound\n"
		 "  sgs web db\n"
		 "  nacl edge\n"
		 "  tcp-established-timeout 350 udp-timeout 30"
		 " udp-stream-timeout 180 tracking always audit on"
		 " mode port source-check off\n"
		 "  addresses 10.0.0.5 fd00::5 10.9.0.0/24 fd00:1::/64\n"
		 "  mac 02:00:5e:ab:cd:05\n"
		 "vm0: waiting\n"
		 "  sgs none\n"
		 "  nacl none\n"
		 "  tcp-established-timeout 432000 udp-timeout 30"
		 " udp-stream-timeout 180 tracking auto audit off"
		 " mode endpoint source-check on\n"
		 "  addresses none\n"
		 "  mac none\n", lo);
	EXPECT_RUN(run_sgtool("iface", "show", NULL), 0, want, "");
	snprintf(want, sizeof(want),
		 "[{\"device\":\"lo\",\"ifindex\":%u,\"state\":\"bound\","
		 "\"sgs\":[\"web\",\"db\"],"
		 "\"nacl\":\"edge\",\"tcp_established_timeout\":350,\"udp_timeout\":30,"
		 "\"udp_stream_timeout\":180,\"tracking\":\"always\","
		 "\"audit\":true,\"mode\":\"port\",\"source_check\":false,"
		 "\"addresses\":[\"10.0.0.5\",\"fd00::5\",\"10.9.0.0/24\","
		 "\"fd00:1::/64\"],\"mac\":\"02:00:5e:ab:cd:05\"},"
		 "{\"device\":\"vm0\",\"ifindex\":null,\"state\":\"waiting\","
		 "\"sgs\":[],\"nacl\":null,"
		 "\"tcp_established_timeout\":432000,\"udp_timeout\":30,"
		 "\"udp_stream_timeout\":180,\"tracking\":\"auto\","
		 "\"audit\":false,\"mode\":\"endpoint\","
		 "\"source_check\":true,\"addresses\":[],\"mac\":null}]\n",
		 lo);
	EXPECT_RUN(run_sgtool("-j", "iface", NULL), 0, want, "");
	return 0;
}

static int test_flow_show(void)
{
	scripted();
	EXPECT_RUN(run_sgtool("flow", "show", NULL), 0,
		   "tcp 10.0.0.1:40000 -> 10.0.0.2:22 dev lo state established"
		   " expires 431999.873s sg web rule 4 direction ingress"
		   " packets 10 bytes 1234\n"
		   "udp [fd00::1]:5353 -> [fd00::2]:53 dev ifindex 2147483632"
		   " state udp-stream expires 179.500s rule 1"
		   " direction egress packets 4 bytes 400\n"
		   "icmp 10.0.0.1 -> 10.0.0.2 id 77 dev lo state active"
		   " expires 30.000s sg web rule 6 direction ingress"
		   " packets 2 bytes 168\n"
		   "47 10.0.0.1 -> 10.0.0.3 dev lo state active"
		   " expires 0.007s sg web rule 9 direction ingress"
		   " packets 1 bytes 100\n", "");
	EXPECT_RUN(run_sgtool("-j", "flow", NULL), 0,
		   "[{\"protocol\":\"tcp\",\"src\":\"10.0.0.1\","
		   "\"dst\":\"10.0.0.2\",\"sport\":40000,\"dport\":22,"
		   "\"icmp_id\":null,\"device\":\"lo\","
		   "\"state\":\"established\",\"tracked\":true,"
		   "\"expires_in\":431999.873,\"sg\":\"web\",\"rule_id\":4,"
		   "\"direction\":\"ingress\",\"packets\":10,\"bytes\":1234},"
		   "{\"protocol\":\"udp\",\"src\":\"fd00::1\","
		   "\"dst\":\"fd00::2\",\"sport\":5353,\"dport\":53,"
		   "\"icmp_id\":null,\"device\":2147483632,"
		   "\"state\":\"udp-stream\",\"tracked\":true,"
		   "\"expires_in\":179.500,\"sg\":null,\"rule_id\":1,"
		   "\"direction\":\"egress\",\"packets\":4,\"bytes\":400},"
		   "{\"protocol\":\"icmp\",\"src\":\"10.0.0.1\","
		   "\"dst\":\"10.0.0.2\",\"sport\":null,\"dport\":null,"
		   "\"icmp_id\":77,\"device\":\"lo\","
		   "\"state\":\"active\",\"tracked\":true,"
		   "\"expires_in\":30.000,\"sg\":\"web\",\"rule_id\":6,"
		   "\"direction\":\"ingress\",\"packets\":2,\"bytes\":168},"
		   "{\"protocol\":47,\"src\":\"10.0.0.1\","
		   "\"dst\":\"10.0.0.3\",\"sport\":null,\"dport\":null,"
		   "\"icmp_id\":null,\"device\":\"lo\","
		   "\"state\":\"active\",\"tracked\":true,"
		   "\"expires_in\":0.007,\"sg\":\"web\",\"rule_id\":9,"
		   "\"direction\":\"ingress\",\"packets\":1,\"bytes\":100}]\n",
		   "");
	return 0;
}

static int test_flow_limit_show(void)
{
	scripted();
	EXPECT_RUN(run_sgtool("flow", "limit", NULL), 0,
		   "flow_limit: 1000\nflows:      5\n", "");
	EXPECT_RUN(run_sgtool("-j", "flow", "limit", NULL), 0,
		   "{\"flow_limit\":1000,\"flows\":5}\n", "");
	return 0;
}

#define PROM_STATUS							\
	"# HELP sgfw_flows Flows tracked in the namespace.\n"		\
	"# TYPE sgfw_flows gauge\n"					\
	"sgfw_flows 5\n"						\
	"# HELP sgfw_flow_limit The most flows the namespace may track.\n" \
	"# TYPE sgfw_flow_limit gauge\n"				\
	"sgfw_flow_limit 1000\n"					\
	"# HELP sgfw_conntrack_allowance_available Flows that can still be" \
	" created.\n"							\
	"# TYPE sgfw_conntrack_allowance_available gauge\n"		\
	"sgfw_conntrack_allowance_available 995\n"			\
	"# HELP sgfw_conntrack_allowance_exceeded_total Packets dropped"	\
	" because the flow table was full.\n"				\
	"# TYPE sgfw_conntrack_allowance_exceeded_total counter\n"	\
	"sgfw_conntrack_allowance_exceeded_total 1099511627777\n"

#define PROM_FRAGS							\
	"# HELP sgfw_frags Fragmented datagrams of port-mode devices"	\
	" whose other fragments may still come.\n"			\
	"# TYPE sgfw_frags gauge\n"					\
	"sgfw_frags 3\n"						\
	"# HELP sgfw_frags_full_total First fragments dropped because"	\
	" the fragment table, or a device's share of it, was full.\n"	\
	"# TYPE sgfw_frags_full_total counter\n"			\
	"sgfw_frags_full_total 8589934594\n"

#define PROM_DEVICES							\
	"# HELP sgfw_device_accepted_packets_total Packets a filtered"	\
	" device accepted.\n"						\
	"# TYPE sgfw_device_accepted_packets_total counter\n"		\
	"sgfw_device_accepted_packets_total{device=\"lo\"} 100\n"	\
	"sgfw_device_accepted_packets_total{device=\"vm0\"} 0\n"	\
	"# HELP sgfw_device_flows Flows tracked on a device now.\n"	\
	"# TYPE sgfw_device_flows gauge\n"				\
	"sgfw_device_flows{device=\"lo\"} 12\n"			\
	"# HELP sgfw_device_dropped_packets_total Packets a filtered"	\
	" device dropped, by reason.\n"					\
	"# TYPE sgfw_device_dropped_packets_total counter\n"		\
	"sgfw_device_dropped_packets_total{device=\"lo\",reason=\"no_rule\"} 2\n" \
	"sgfw_device_dropped_packets_total{device=\"lo\",reason=\"nacl\"} 0\n" \
	"sgfw_device_dropped_packets_total{device=\"lo\",reason=\"table_full\"} 0\n" \
	"sgfw_device_dropped_packets_total{device=\"lo\",reason=\"invalid\"} 1\n" \
	"sgfw_device_dropped_packets_total{device=\"lo\",reason=\"spoofed\"} 0\n" \
	"# HELP sgfw_device_audited_packets_total Packets a device in audit" \
	" mode let pass that it would have dropped, by reason.\n"	\
	"# TYPE sgfw_device_audited_packets_total counter\n"		\
	"sgfw_device_audited_packets_total{device=\"lo\",reason=\"no_rule\"} 4\n" \
	"sgfw_device_audited_packets_total{device=\"lo\",reason=\"nacl\"} 3\n" \
	"sgfw_device_audited_packets_total{device=\"lo\",reason=\"table_full\"} 0\n" \
	"sgfw_device_audited_packets_total{device=\"lo\",reason=\"invalid\"} 0\n" \
	"sgfw_device_audited_packets_total{device=\"lo\",reason=\"spoofed\"} 0\n" \
	"# HELP sgfw_rule_flows_total Flows a security group's rule"	\
	" opened.\n"							\
	"# TYPE sgfw_rule_flows_total counter\n"

#define PROM_WANT PROM_STATUS PROM_DEVICES

static int test_stats(void)
{
	scripted();
	EXPECT_RUN(run_sgtool("stats", NULL), 0,
		   "conntrack_allowance_exceeded:  1099511627777\n"
		   "conntrack_allowance_available: 995\n"
		   "devices:\n"
		   "  lo: flows 12 accepted 100 dropped 3 (no-rule 2, nacl 0, "
		   "table-full 0, invalid 1, spoofed 0) audited 7 (no-rule 4, "
		   "nacl 3, table-full 0, invalid 0, spoofed 0)\n"
		   "  vm0: accepted 0 dropped 0\n", "");
	/*
	 * A kernel that gives no reasons: the total alone, and no audited
	 * counts; audited packets are not among the dropped.
	 */
	EXPECT_RUN(run_sgtool("-j", "stats", NULL), 0,
		   "{\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995,"
		   "\"devices\":[{\"device\":\"lo\",\"flows\":12,\"accepted\":100,"
		   "\"dropped\":{\"total\":3,\"no_rule\":2,\"nacl\":0,"
		   "\"table_full\":0,\"invalid\":1,\"spoofed\":0},"
		   "\"audit\":{\"total\":7,\"no_rule\":4,\"nacl\":3,"
		   "\"table_full\":0,\"invalid\":0,\"spoofed\":0}},"
		   "{\"device\":\"vm0\",\"accepted\":0,"
		   "\"dropped\":{\"total\":0},\"audit\":{}}]}\n", "");
	return 0;
}

static int test_stats_prometheus(void)
{
	const struct run *r;

	scripted();
	r = run_sgtool("stats", "-o", "prometheus", NULL);
	EXPECT_INT(r->status, 0);
	EXPECT_STR(r->err, "");
	EXPECT_STR(r->out, PROM_WANT);
	/* The same after "show", and whatever -j says. */
	EXPECT_RUN(run_sgtool("-j", "stats", "show", "-o", "prometheus", NULL),
		   0, PROM_WANT, "");
	/* The fragment table's figures, when the kernel sends them. */
	fake.status_frags = true;
	EXPECT_RUN(run_sgtool("stats", "-o", "prometheus", NULL), 0,
		   PROM_STATUS PROM_FRAGS PROM_DEVICES, "");
	fake.status_frags = false;
	EXPECT_RUN(run_sgtool("stats", "-o", NULL), 1, "",
		   "sgtool: \"-o\" needs a format, try \"sgtool stats help\"\n");
	return 0;
}

#define MALFORMED "sgtool: malformed reply from the kernel\n"

static int test_malformed_replies_print_nothing(void)
{
	scripted();
	reply = REPLY_NO_ID;
	EXPECT_RUN(run_sgtool("sg", NULL), 2, "", MALFORMED);
	EXPECT_RUN(run_sgtool("-j", "sg", NULL), 2, "", MALFORMED);
	reply = REPLY_TWO_PEERS;
	EXPECT_RUN(run_sgtool("-j", "sg", NULL), 2, "", MALFORMED);
	reply = REPLY_MIXED_FAMILY;
	EXPECT_RUN(run_sgtool("flow", NULL), 2, "", MALFORMED);
	reply = REPLY_BAD_TRACKING;
	EXPECT_RUN(run_sgtool("-j", "iface", NULL), 2, "", MALFORMED);
	reply = REPLY_BAD_ADDRESS;
	EXPECT_RUN(run_sgtool("iface", NULL), 2, "", MALFORMED);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_dump_error(void)
{
	static const char *const objs[] = {
		"sg", "prefix-list", "iface", "flow", "stats",
	};

	scripted();
	reply = REPLY_DUMP_FAILS;
	for (unsigned int i = 0; i < 5; i++)
		EXPECT_RUN(run_sgtool("-j", objs[i], NULL), 2, "",
			   "sgtool: the dump was interrupted, try again\n");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

void suite_show(void)
{
	tap_test("show: sg show in text, and as a JSON array",
		 test_sg_show);
	tap_test("show: sg show in pretty JSON", test_sg_show_pretty);
	tap_test("show: sg show gives each rule's flows and last hit",
		 test_sg_show_counters);
	tap_test("show: stats -o prometheus", test_stats_prometheus);
	tap_test("show: sg add is quiet, -j prints the new group",
		 test_sg_add_output);
	tap_test("show: rule add prints the id, -j the rule",
		 test_rule_add_output);
	tap_test("show: prefix-list show in text and JSON",
		 test_prefix_list_show);
	tap_test("show: iface show in text and JSON, its NACL or none, a "
		 "waiting name, port mode, addresses and MAC address or the defaults",
		 test_iface_show);
	tap_test("show: flow show in text and JSON", test_flow_show);
	tap_test("show: flow limit in text and JSON", test_flow_limit_show);
	tap_test("show: a group split over messages is shown once, whole",
		 test_sg_show_split);
	tap_test("show: stats in text and JSON", test_stats);
	tap_test("show: a malformed reply prints nothing, exit 2",
		 test_malformed_replies_print_nothing);
	tap_test("show: a failed dump prints the kernel's message, exit 2",
		 test_dump_error);
	fake_uninstall();
}
