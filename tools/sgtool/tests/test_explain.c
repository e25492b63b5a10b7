// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool explain: the request it sends for each kind of packet, and the
 * answer it prints, in text and JSON, from replies the scripted kernel
 * sends as the module would, malformed ones included.  The command lines
 * it refuses are in test_requests.c, with every other object's.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "expect_req.h"
#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

/* A field of the request's source or destination nest. */
#define SRC(f)	IN(ATTR(SGFW_A_EXPLAIN_SRC), SGFW_A_CIDR_##f)
#define DST(f)	IN(ATTR(SGFW_A_EXPLAIN_DST), SGFW_A_CIDR_##f)

#define MALFORMED "sgtool: malformed reply from the kernel\n"

/* The answer of the scripted kernel; -1 and NULL leave an attribute out. */
struct canned {
	int verdict;
	const char *nacl;
	int nacl_rule, nacl_action;
	const char *sg;
	int rule_id, track, timeout;
	bool flow;
	int flow_state;
	bool audit;
};

static struct canned canned;
static bool bad_verdict_size;	/* the verdict as a u16 */

static void put_opt_u32(struct nlmsghdr *nlh, uint16_t type, int v)
{
	if (v >= 0)
		mnl_attr_put_u32(nlh, type, (uint32_t)v);
}

static void respond_explain(const struct nlmsghdr *req)
{
	const struct canned *c = &canned;
	struct nlmsghdr *nlh;

	(void)req;
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, SGFW_CMD_EXPLAIN);
	if (bad_verdict_size)
		mnl_attr_put_u16(nlh, SGFW_A_EXPLAIN_VERDICT, 0);
	else
		put_opt_u32(nlh, SGFW_A_EXPLAIN_VERDICT, c->verdict);
	if (c->nacl)
		mnl_attr_put_strz(nlh, SGFW_A_EXPLAIN_NACL, c->nacl);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_NACL_RULE, c->nacl_rule);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_NACL_ACTION, c->nacl_action);
	if (c->sg)
		mnl_attr_put_strz(nlh, SGFW_A_EXPLAIN_SG, c->sg);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_RULE_ID, c->rule_id);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_TRACK, c->track);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_TIMEOUT, c->timeout);
	if (c->flow)
		mnl_attr_put(nlh, SGFW_A_EXPLAIN_FLOW, 0, NULL);
	put_opt_u32(nlh, SGFW_A_EXPLAIN_FLOW_STATE, c->flow_state);
	if (c->audit)
		mnl_attr_put(nlh, SGFW_A_EXPLAIN_AUDIT, 0, NULL);
	fake_put_error(0, NULL);
}

/* Nothing is known of the packet: no NACL, no rule, no flow. */
static const struct canned no_rule = {
	SGFW_VERDICT_NO_RULE, NULL, -1, -1, NULL, -1, -1, -1, false, -1, false
};

static void scripted(const struct canned *c)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond_explain;
	canned = *c;
	bad_verdict_size = false;
}

/* A nest of SGFW_A_CIDR_* with the address alone, as strict policy wants. */
static int check_addr_nest(const struct nlattr *nest)
{
	EXPECT(nest != NULL);
	EXPECT(nest->nla_type & NLA_F_NESTED);
	EXPECT(!IN(nest, SGFW_A_CIDR_PREFIX_LEN));
	return 0;
}

static int test_tcp_v4(void)
{
	scripted(&no_rule);
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "tcp",
			      "10.0.0.1:40000", "10.0.0.2:22", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	EXPECT_DO(SGFW_CMD_EXPLAIN);
	EXPECT_TYPES(SGFW_A_EXPLAIN_IFINDEX, SGFW_A_EXPLAIN_DIRECTION,
		     SGFW_A_EXPLAIN_PROTOCOL, SGFW_A_EXPLAIN_SRC,
		     SGFW_A_EXPLAIN_DST, SGFW_A_EXPLAIN_SPORT,
		     SGFW_A_EXPLAIN_DPORT);
	EXPECT_U32(ATTR(SGFW_A_EXPLAIN_IFINDEX), if_nametoindex("lo"));
	EXPECT_U32(ATTR(SGFW_A_EXPLAIN_DIRECTION), SGFW_DIRECTION_INGRESS);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 6);
	EXPECT_INT(check_addr_nest(ATTR(SGFW_A_EXPLAIN_SRC)), 0);
	EXPECT_INT(check_addr_nest(ATTR(SGFW_A_EXPLAIN_DST)), 0);
	EXPECT_IN4(SRC(IPV4), "10.0.0.1");
	EXPECT_IN4(DST(IPV4), "10.0.0.2");
	EXPECT_U16(ATTR(SGFW_A_EXPLAIN_SPORT), 40000);
	EXPECT_U16(ATTR(SGFW_A_EXPLAIN_DPORT), 22);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_udp_v6_one_port(void)
{
	scripted(&no_rule);
	EXPECT_RUN(run_sgtool("explain", "lo", "egress", "udp", "fd00::1",
			      "[fd00::2]:53", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	/* A port left out is the kernel's 0: not sent. */
	EXPECT_TYPES(SGFW_A_EXPLAIN_IFINDEX, SGFW_A_EXPLAIN_DIRECTION,
		     SGFW_A_EXPLAIN_PROTOCOL, SGFW_A_EXPLAIN_SRC,
		     SGFW_A_EXPLAIN_DST, SGFW_A_EXPLAIN_DPORT);
	EXPECT_U32(ATTR(SGFW_A_EXPLAIN_DIRECTION), SGFW_DIRECTION_EGRESS);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 17);
	EXPECT_IN6(SRC(IPV6), "fd00::1");
	EXPECT_IN6(DST(IPV6), "fd00::2");
	EXPECT_U16(ATTR(SGFW_A_EXPLAIN_DPORT), 53);

	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "17",
			      "[fd00::1]:5353", "fd00::2", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 17);
	EXPECT_U16(ATTR(SGFW_A_EXPLAIN_SPORT), 5353);
	EXPECT(!ATTR(SGFW_A_EXPLAIN_DPORT));
	return 0;
}

static int test_icmp(void)
{
	scripted(&no_rule);
	/* The keywords in any order; the identifier goes as the sport. */
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "icmp", "10.0.0.1",
			      "10.0.0.2", "icmp-id", "77", "icmp-type", "3",
			      "icmp-code", "4", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	EXPECT_TYPES(SGFW_A_EXPLAIN_IFINDEX, SGFW_A_EXPLAIN_DIRECTION,
		     SGFW_A_EXPLAIN_PROTOCOL, SGFW_A_EXPLAIN_SRC,
		     SGFW_A_EXPLAIN_DST, SGFW_A_EXPLAIN_SPORT,
		     SGFW_A_EXPLAIN_ICMP_TYPE, SGFW_A_EXPLAIN_ICMP_CODE);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 1);
	EXPECT_U16(ATTR(SGFW_A_EXPLAIN_SPORT), 77);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_ICMP_TYPE), 3);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_ICMP_CODE), 4);

	/* No type: the kernel's echo request. */
	EXPECT_RUN(run_sgtool("explain", "lo", "egress", "icmpv6", "fd00::1",
			      "fd00::2", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	EXPECT_TYPES(SGFW_A_EXPLAIN_IFINDEX, SGFW_A_EXPLAIN_DIRECTION,
		     SGFW_A_EXPLAIN_PROTOCOL, SGFW_A_EXPLAIN_SRC,
		     SGFW_A_EXPLAIN_DST);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 58);

	/* Another protocol: addresses only. */
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "0", "10.0.0.1",
			      "10.0.0.2", NULL), 0,
		   "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
		   "");
	EXPECT_TYPES(SGFW_A_EXPLAIN_IFINDEX, SGFW_A_EXPLAIN_DIRECTION,
		     SGFW_A_EXPLAIN_PROTOCOL, SGFW_A_EXPLAIN_SRC,
		     SGFW_A_EXPLAIN_DST);
	EXPECT_U8(ATTR(SGFW_A_EXPLAIN_PROTOCOL), 0);
	return 0;
}

/* The answers, and how each reads. */
static const struct {
	struct canned c;
	const char *text, *json;
} answers[] = {
	{ { SGFW_VERDICT_ACCEPTED, "edge", 100, SGFW_NACL_ACTION_ALLOW, "web",
	    4, SGFW_TRACK_TRACKED, 432000, false, -1, false },
	  "verdict accept\n"
	  "nacl edge rule 100 allow\n"
	  "rule sg web id 4\n"
	  "track tracked timeout 432000s\n"
	  "flow none\n",
	  "{\"verdict\":\"accept\",\"accepted\":true,\"audit\":false,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":\"edge\",\"nacl_rule\":100,\"nacl_action\":\"allow\","
	  "\"sg\":\"web\",\"rule_id\":4,\"track\":\"tracked\","
	  "\"timeout\":432000,\"flow\":false,\"flow_state\":null}\n" },
	{ { SGFW_VERDICT_NACL, "edge", -1, SGFW_NACL_ACTION_DENY, NULL, -1, -1,
	    -1, false, -1, true },
	  "verdict drop nacl (audit: passes)\n"
	  "nacl edge implicit-deny\n"
	  "rule none\n"
	  "flow none\n",
	  "{\"verdict\":\"nacl\",\"accepted\":true,\"audit\":true,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":\"edge\",\"nacl_rule\":null,\"nacl_action\":\"deny\","
	  "\"sg\":null,\"rule_id\":null,\"track\":null,\"timeout\":null,"
	  "\"flow\":false,\"flow_state\":null}\n" },
	{ { SGFW_VERDICT_NACL, "edge", 50, SGFW_NACL_ACTION_DENY, NULL, -1, -1,
	    -1, false, -1, false },
	  "verdict drop nacl\n"
	  "nacl edge rule 50 deny\n"
	  "rule none\n"
	  "flow none\n",
	  "{\"verdict\":\"nacl\",\"accepted\":false,\"audit\":false,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":\"edge\",\"nacl_rule\":50,\"nacl_action\":\"deny\","
	  "\"sg\":null,\"rule_id\":null,\"track\":null,\"timeout\":null,"
	  "\"flow\":false,\"flow_state\":null}\n" },
	/* Carried by its flow; the group that opened it is gone. */
	{ { SGFW_VERDICT_ACCEPTED, "edge", -1, -1, NULL, 4,
	    SGFW_TRACK_UNTRACKED, -1, true, SGFW_FLOW_STATE_ESTABLISHED,
	    true },
	  "verdict accept\n"
	  "nacl edge not-reached\n"
	  "rule sg - id 4\n"
	  "track untracked\n"
	  "flow existing state established\n",
	  "{\"verdict\":\"accept\",\"accepted\":true,\"audit\":true,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":\"edge\",\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":null,\"rule_id\":4,\"track\":\"untracked\","
	  "\"timeout\":null,\"flow\":true,"
	  "\"flow_state\":\"established\"}\n" },
	{ { SGFW_VERDICT_NO_RULE, NULL, -1, -1, NULL, -1, -1, -1, false, -1,
	    false },
	  "verdict drop no-rule\nnacl none\nrule none\nflow none\n",
	  "{\"verdict\":\"no-rule\",\"accepted\":false,\"audit\":false,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":null,\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":null,\"rule_id\":null,\"track\":null,\"timeout\":null,"
	  "\"flow\":false,\"flow_state\":null}\n" },
	{ { SGFW_VERDICT_TABLE_FULL, NULL, -1, -1, "web", 4,
	    SGFW_TRACK_NONE, -1, false, -1, false },
	  "verdict drop table-full\nnacl none\nrule sg web id 4\n"
	  "track none\nflow none\n",
	  "{\"verdict\":\"table-full\",\"accepted\":false,\"audit\":false,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":null,\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":\"web\",\"rule_id\":4,\"track\":\"none\",\"timeout\":null,"
	  "\"flow\":false,\"flow_state\":null}\n" },
	{ { SGFW_VERDICT_INVALID, NULL, -1, -1, NULL, -1, -1, -1, true,
	    SGFW_FLOW_STATE_TIME_WAIT, true },
	  "verdict drop invalid (audit: passes)\nnacl none\nrule none\n"
	  "flow existing state time-wait\n",
	  "{\"verdict\":\"invalid\",\"accepted\":true,\"audit\":true,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":null,\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":null,\"rule_id\":null,\"track\":null,\"timeout\":null,"
	  "\"flow\":true,\"flow_state\":\"time-wait\"}\n" },
	{ { SGFW_VERDICT_SPOOFED, NULL, -1, -1, NULL, -1, -1, -1, false, -1,
	    false },
	  "verdict drop spoofed\nnacl none\nrule none\nflow none\n",
	  "{\"verdict\":\"spoofed\",\"accepted\":false,\"audit\":false,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":null,\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":null,\"rule_id\":null,\"track\":null,\"timeout\":null,"
	  "\"flow\":false,\"flow_state\":null}\n" },
	/* Values this sgtool has no name for: their numbers. */
	{ { 9, NULL, -1, -1, NULL, 1, 7, -1, true, 99, true },
	  "verdict drop 9 (audit: passes)\nnacl none\nrule sg - id 1\n"
	  "track 7\nflow existing state 99\n",
	  "{\"verdict\":9,\"accepted\":true,\"audit\":true,"
	  "\"unfiltered\":false,\"always_pass\":false,"
	  "\"nacl\":null,\"nacl_rule\":null,\"nacl_action\":null,"
	  "\"sg\":null,\"rule_id\":1,\"track\":7,\"timeout\":null,"
	  "\"flow\":true,\"flow_state\":99}\n" },
};

static int test_answers(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(answers); i++) {
		const struct run *r;

		scripted(&answers[i].c);
		r = run_sgtool("explain", "lo", "ingress", "tcp", "10.0.0.1",
			       "10.0.0.2:22", NULL);
		if (r->status || strcmp(r->out, answers[i].text) ||
		    strcmp(r->err, ""))
			tap_diag("answer %zu", i);
		EXPECT_RUN(r, 0, answers[i].text, "");
		r = run_sgtool("-j", "explain", "lo", "ingress", "tcp",
			       "10.0.0.1", "10.0.0.2:22", NULL);
		if (r->status || strcmp(r->out, answers[i].json))
			tap_diag("answer %zu", i);
		EXPECT_RUN(r, 0, answers[i].json, "");
	}
	return 0;
}

static int test_pretty(void)
{
	scripted(&answers[0].c);
	EXPECT_RUN(run_sgtool("-p", "explain", "lo", "ingress", "tcp",
			      "10.0.0.1", "10.0.0.2:22", NULL), 0,
		   "{\n"
		   "  \"verdict\": \"accept\",\n"
		   "  \"accepted\": true,\n"
		   "  \"audit\": false,\n"
		   "  \"unfiltered\": false,\n"
		   "  \"always_pass\": false,\n"
		   "  \"nacl\": \"edge\",\n"
		   "  \"nacl_rule\": 100,\n"
		   "  \"nacl_action\": \"allow\",\n"
		   "  \"sg\": \"web\",\n"
		   "  \"rule_id\": 4,\n"
		   "  \"track\": \"tracked\",\n"
		   "  \"timeout\": 432000,\n"
		   "  \"flow\": false,\n"
		   "  \"flow_state\": null\n"
		   "}\n", "");
	return 0;
}

/* Replies that contradict themselves print nothing, exit 2. */
static int test_malformed(void)
{
	static const struct canned bad[] = {
		/* No verdict. */
		{ -1, NULL, -1, -1, NULL, -1, -1, -1, false, -1, false },
		/* A group without its rule. */
		{ 0, NULL, -1, -1, "web", -1, -1, -1, false, -1, false },
		/* A NACL rule without its action. */
		{ 1, "edge", 100, -1, NULL, -1, -1, -1, false, -1, false },
		/* An action of no NACL. */
		{ 1, NULL, 100, SGFW_NACL_ACTION_DENY, NULL, -1, -1, -1, false,
		  -1, false },
		/* No rule matched, yet allowed. */
		{ 0, "edge", -1, SGFW_NACL_ACTION_ALLOW, NULL, -1, -1, -1,
		  false, -1, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		scripted(&bad[i]);
		EXPECT_RUN(run_sgtool("-j", "explain", "lo", "ingress", "tcp",
				      "10.0.0.1", "10.0.0.2", NULL), 2, "",
			   MALFORMED);
		EXPECT_INT(fake.closes, fake.opens);
	}
	scripted(&no_rule);
	bad_verdict_size = true;
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "tcp", "10.0.0.1",
			      "10.0.0.2", NULL), 2, "", MALFORMED);
	/* An ack and no answer. */
	fake.respond = fake_respond_ack;
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "tcp", "10.0.0.1",
			      "10.0.0.2", NULL), 2, "", MALFORMED);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static void respond_refuse(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_error(-ENODEV, "no such device in this namespace");
}

static int test_failures(void)
{
	scripted(&no_rule);
	fake.respond = respond_refuse;
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "tcp", "10.0.0.1",
			      "10.0.0.2", NULL), 2, "",
		   "sgtool: no such device in this namespace\n");
	EXPECT_INT(fake.closes, fake.opens);

	/* Looked up in the namespace, after the family: nothing sent. */
	scripted(&no_rule);
	EXPECT_RUN(run_sgtool("explain", "sgtool-nodev0", "ingress", "tcp",
			      "10.0.0.1", "10.0.0.2", NULL), 1, "",
		   "sgtool: cannot find device \"sgtool-nodev0\"\n");
	EXPECT_INT(fake.requests, 1);
	EXPECT_INT(fake.closes, fake.opens);

	fake_install();
	EXPECT_RUN(run_sgtool("explain", "lo", "ingress", "tcp", "10.0.0.1",
			      "10.0.0.2", NULL), 1, "",
		   "sgtool: the sgfw kernel module is not loaded "
		   "(try: modprobe sgfw)\n");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_help(void)
{
	const struct run *r;

	r = run_sgtool("explain", "help", NULL);
	EXPECT_INT(r->status, 0);
	EXPECT(!strncmp(r->out, "Usage: sgtool [OPTIONS] explain DEV "
			"{ ingress | egress } PROTO SRC DST\n", 70));
	r = run_sgtool("help", "explain", NULL);
	EXPECT_INT(r->status, 0);
	EXPECT(strstr(r->out, "[ icmp-type T [ icmp-code C ] ] "
		      "[ icmp-id N ]\n"));
	EXPECT(strstr(run_sgtool("help", NULL)->out, "\n  explain      "));
	return 0;
}

void suite_explain(void)
{
	tap_test("explain: tcp over IPv4 sends the device, the direction, "
		 "the addresses and the ports", test_tcp_v4);
	tap_test("explain: udp over IPv6, one port, a protocol by number",
		 test_udp_v6_one_port);
	tap_test("explain: icmp type, code and identifier; icmpv6's echo "
		 "request", test_icmp);
	tap_test("explain: every kind of answer in text and JSON",
		 test_answers);
	tap_test("explain: pretty JSON", test_pretty);
	tap_test("explain: a malformed answer prints nothing, exit 2",
		 test_malformed);
	tap_test("explain: the kernel's refusal, an unknown device, no "
		 "module", test_failures);
	tap_test("explain: help", test_help);
	fake_uninstall();
}
