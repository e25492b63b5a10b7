// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool monitor against the scripted kernel: the group it joins, each
 * kind of event in text and JSON, a lost event, the kinds chosen on the
 * command line, and flowlog from the command line to its records.  A
 * SIGTERM that the scripted kernel raises once the events are read ends
 * each run, as a user's would.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "conn.h"
#include "fake_kernel.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

/* An ifindex no device has, for a device that went away. */
#define GONE_IFINDEX 0x7ffffff0u
/* 2023-11-14 22:13:20 UTC. */
#define T0 1700000000ULL

static char want[4096];

/* The kernel acks the request that turns the namespace's events on. */
static void scripted(void)
{
	fake_install();
	fake.loaded = true;
	fake.stop_when_idle = true;
	fake.respond = fake_respond_ack;
}

/* An event of @cmd with its device, direction and tuple. */
static struct nlmsghdr *put_tuple(uint8_t cmd, uint32_t ifindex,
				  uint32_t dir, uint8_t proto,
				  const char *src, const char *dst,
				  int sport, int dport)
{
	struct nlmsghdr *nlh = fake_put_event(cmd);

	mnl_attr_put_u32(nlh, SGFW_A_EVENT_IFINDEX, ifindex);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_DIRECTION, dir);
	mnl_attr_put_u8(nlh, SGFW_A_EVENT_PROTOCOL, proto);
	fake_put_cidr(nlh, SGFW_A_EVENT_SRC, src, -1);
	fake_put_cidr(nlh, SGFW_A_EVENT_DST, dst, -1);
	if (sport >= 0) {
		mnl_attr_put_u16(nlh, SGFW_A_EVENT_SPORT, (uint16_t)sport);
		mnl_attr_put_u16(nlh, SGFW_A_EVENT_DPORT, (uint16_t)dport);
	}
	return nlh;
}

/* What a flow event says of its flow beside the tuple. */
static void put_flow(struct nlmsghdr *nlh, const char *sg, uint32_t rule,
		     uint32_t state, uint64_t packets, uint64_t bytes,
		     uint64_t start, uint64_t end)
{
	if (sg)
		mnl_attr_put_strz(nlh, SGFW_A_EVENT_SG, sg);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_RULE_ID, rule);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_STATE, state);
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_PACKETS, packets);
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_BYTES, bytes);
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_START, start);
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_END, end);
}

/* A drop, or a packet of an untracked flow: its length, time, count. */
static void put_packet(struct nlmsghdr *nlh, uint64_t bytes, uint64_t end,
		       uint32_t suppressed)
{
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_BYTES, bytes);
	mnl_attr_put_u64(nlh, SGFW_A_EVENT_END, end);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_SUPPRESSED, suppressed);
}

static struct nlmsghdr *put_config(uint32_t cmd, const char *name,
				   uint32_t ifindex)
{
	struct nlmsghdr *nlh = fake_put_event(SGFW_CMD_CONFIG_NTF);

	mnl_attr_put_u32(nlh, SGFW_A_EVENT_CMD, cmd);
	if (name)
		mnl_attr_put_strz(nlh, SGFW_A_EVENT_NAME, name);
	if (ifindex)
		mnl_attr_put_u32(nlh, SGFW_A_EVENT_IFINDEX, ifindex);
	return nlh;
}

/* One event of each kind and shape, a lost event, an unknown command. */
static void put_events(void)
{
	uint32_t lo = if_nametoindex("lo");
	struct nlmsghdr *nlh;

	nlh = put_tuple(SGFW_CMD_FLOW_NEW_NTF, lo, SGFW_DIRECTION_INGRESS, 6,
			"10.0.0.1", "10.0.0.2", 40000, 22);
	put_flow(nlh, "web", 4, SGFW_FLOW_STATE_SYN_SENT, 1, 60, T0, T0);
	nlh = put_tuple(SGFW_CMD_FLOW_NEW_NTF, lo, SGFW_DIRECTION_EGRESS, 1,
			"10.0.0.2", "10.0.0.9", -1, -1);
	mnl_attr_put_u16(nlh, SGFW_A_EVENT_ICMP_ID, 77);
	put_flow(nlh, "web", 6, SGFW_FLOW_STATE_ACTIVE, 1, 84, T0, T0);
	nlh = put_tuple(SGFW_CMD_FLOW_END_NTF, lo, SGFW_DIRECTION_INGRESS, 6,
			"10.0.0.1", "10.0.0.2", 40000, 22);
	put_flow(nlh, "web", 4, SGFW_FLOW_STATE_CLOSE, 10, 1234, T0, T0 + 5);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_REASON, SGFW_END_CLOSED);
	nlh = put_tuple(SGFW_CMD_UNTRACKED_NTF, GONE_IFINDEX,
			SGFW_DIRECTION_EGRESS, 17, "fd00::1", "fd00::2", 5353,
			53);
	mnl_attr_put_strz(nlh, SGFW_A_EVENT_SG, "web");
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_RULE_ID, 2);
	put_packet(nlh, 80, T0 + 1, 3);
	nlh = put_tuple(SGFW_CMD_DROP_NTF, lo, SGFW_DIRECTION_INGRESS, 1,
			"10.0.0.9", "10.0.0.2", -1, -1);
	mnl_attr_put_u8(nlh, SGFW_A_EVENT_ICMP_TYPE, 8);
	mnl_attr_put_u8(nlh, SGFW_A_EVENT_ICMP_CODE, 0);
	put_packet(nlh, 84, T0 + 2, 0);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_VERDICT, SGFW_VERDICT_NACL);
	mnl_attr_put(nlh, SGFW_A_EVENT_AUDIT, 0, NULL);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_NACL_RULE, 100);
	fake_put_event_error(-ENOBUFS);
	nlh = put_tuple(SGFW_CMD_DROP_NTF, lo, SGFW_DIRECTION_INGRESS, 6,
			"192.0.2.1", "10.0.0.2", 1234, 23);
	put_packet(nlh, 60, T0 + 3, 0);
	mnl_attr_put_u32(nlh, SGFW_A_EVENT_VERDICT, SGFW_VERDICT_NO_RULE);
	put_config(SGFW_CMD_SG_NEW, "web", 0);
	put_config(SGFW_CMD_IFACE_ATTACH, "web", lo);
	nlh = put_config(SGFW_CMD_TXN_COMMIT, NULL, 0);
	mnl_attr_put(nlh, SGFW_A_EVENT_ROLLBACK, 0, NULL);
	/* A command of a newer kernel is no event sgtool knows. */
	fake_put_event(99);
}

static const char events_text[] =
	"flow-new dev lo ingress tcp 10.0.0.1:40000 -> 10.0.0.2:22"
	" sg web rule 4\n"
	"flow-new dev lo egress icmp 10.0.0.2 -> 10.0.0.9 sg web rule 6"
	" id 77\n"
	"flow-end dev lo ingress tcp 10.0.0.1:40000 -> 10.0.0.2:22"
	" sg web rule 4 reason closed packets 10 bytes 1234 duration 5s\n"
	"untracked dev 2147483632 egress udp [fd00::1]:5353 -> [fd00::2]:53"
	" sg web rule 2 bytes 80 suppressed 3\n"
	"drop dev lo ingress icmp 10.0.0.9 -> 10.0.0.2 reason nacl"
	" type 8 code 0 nacl-rule 100 audit bytes 84\n"
	"lost events (receive buffer overflow)\n"
	"drop dev lo ingress tcp 192.0.2.1:1234 -> 10.0.0.2:23"
	" reason no-rule bytes 60\n"
	"config sg-new name web\n"
	"config iface-attach name web dev lo\n"
	"config txn-commit rollback\n";

static int test_monitor_text(void)
{
	scripted();
	put_events();
	EXPECT_RUN(run_sgtool("monitor", NULL), 0, events_text, "");
	EXPECT_INT(fake.group, FAKE_EVENTS_GROUP);
	EXPECT_INT(fake.rcvbuf, CONN_EVENTS_RCVBUF);
	EXPECT_INT(fake.closes, fake.opens);
	/* Every kind named is every kind. */
	scripted();
	put_events();
	EXPECT_RUN(run_sgtool("monitor", "config", "drops", "flows", NULL), 0,
		   events_text, "");
	return 0;
}

static int test_monitor_json(void)
{
	unsigned int lo = if_nametoindex("lo");

	snprintf(want, sizeof(want),
		 "{\"event\":\"flow-new\",\"dev\":\"lo\",\"ifindex\":%u,"
		 "\"direction\":\"ingress\",\"protocol\":\"tcp\","
		 "\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"sport\":40000,"
		 "\"dport\":22,\"sg\":\"web\",\"rule_id\":4,\"packets\":1,"
		 "\"bytes\":60,\"state\":\"syn-sent\",\"start\":1700000000,"
		 "\"end\":1700000000}\n"
		 "{\"event\":\"flow-new\",\"dev\":\"lo\",\"ifindex\":%u,"
		 "\"direction\":\"egress\",\"protocol\":\"icmp\","
		 "\"src\":\"10.0.0.2\",\"dst\":\"10.0.0.9\",\"sg\":\"web\","
		 "\"rule_id\":6,\"icmp_id\":77,\"packets\":1,\"bytes\":84,"
		 "\"state\":\"active\",\"start\":1700000000,"
		 "\"end\":1700000000}\n"
		 "{\"event\":\"flow-end\",\"dev\":\"lo\",\"ifindex\":%u,"
		 "\"direction\":\"ingress\",\"protocol\":\"tcp\","
		 "\"src\":\"10.0.0.1\",\"dst\":\"10.0.0.2\",\"sport\":40000,"
		 "\"dport\":22,\"sg\":\"web\",\"rule_id\":4,"
		 "\"reason\":\"closed\",\"packets\":10,\"bytes\":1234,"
		 "\"state\":\"close\",\"start\":1700000000,"
		 "\"end\":1700000005}\n"
		 "{\"event\":\"untracked\",\"dev\":2147483632,"
		 "\"ifindex\":2147483632,\"direction\":\"egress\","
		 "\"protocol\":\"udp\",\"src\":\"fd00::1\",\"dst\":\"fd00::2\","
		 "\"sport\":5353,\"dport\":53,\"sg\":\"web\",\"rule_id\":2,"
		 "\"bytes\":80,\"suppressed\":3,\"end\":1700000001}\n"
		 "{\"event\":\"drop\",\"dev\":\"lo\",\"ifindex\":%u,"
		 "\"direction\":\"ingress\",\"protocol\":\"icmp\","
		 "\"src\":\"10.0.0.9\",\"dst\":\"10.0.0.2\","
		 "\"reason\":\"nacl\",\"icmp_type\":8,\"icmp_code\":0,"
		 "\"nacl_rule\":100,"
		 "\"audit\":true,\"bytes\":84,\"suppressed\":0,"
		 "\"end\":1700000002}\n"
		 "{\"event\":\"lost\"}\n"
		 "{\"event\":\"drop\",\"dev\":\"lo\",\"ifindex\":%u,"
		 "\"direction\":\"ingress\",\"protocol\":\"tcp\","
		 "\"src\":\"192.0.2.1\",\"dst\":\"10.0.0.2\",\"sport\":1234,"
		 "\"dport\":23,\"reason\":\"no-rule\",\"audit\":false,"
		 "\"bytes\":60,\"suppressed\":0,\"end\":1700000003}\n"
		 "{\"event\":\"config\",\"cmd\":\"sg-new\",\"name\":\"web\"}\n"
		 "{\"event\":\"config\",\"cmd\":\"iface-attach\","
		 "\"name\":\"web\",\"dev\":\"lo\",\"ifindex\":%u}\n"
		 "{\"event\":\"config\",\"cmd\":\"txn-commit\","
		 "\"rollback\":true}\n",
		 lo, lo, lo, lo, lo, lo);
	scripted();
	put_events();
	EXPECT_RUN(run_sgtool("-j", "monitor", NULL), 0, want, "");
	return 0;
}

static int test_monitor_kinds(void)
{
	scripted();
	put_events();
	EXPECT_RUN(run_sgtool("monitor", "drops", NULL), 0,
		   "drop dev lo ingress icmp 10.0.0.9 -> 10.0.0.2 reason nacl"
		   " type 8 code 0 nacl-rule 100 audit bytes 84\n"
		   "lost events (receive buffer overflow)\n"
		   "drop dev lo ingress tcp 192.0.2.1:1234 -> 10.0.0.2:23"
		   " reason no-rule bytes 60\n", "");
	scripted();
	put_events();
	EXPECT_RUN(run_sgtool("monitor", "config", NULL), 0,
		   "lost events (receive buffer overflow)\n"
		   "config sg-new name web\n"
		   "config iface-attach name web dev lo\n"
		   "config txn-commit rollback\n", "");
	scripted();
	put_events();
	EXPECT(!strncmp(run_sgtool("monitor", "flows", NULL)->out,
			"flow-new dev lo ingress tcp", 27));
	EXPECT(!strstr(run_sgtool("monitor", "flows", NULL)->out, "drop"));
	return 0;
}

static int test_monitor_errors(void)
{
	scripted();
	fake.join_error = -EPERM;
	EXPECT_RUN(run_sgtool("monitor", NULL), 2, "",
		   "sgtool: cannot listen to sgfw events: Operation not"
		   " permitted (it needs CAP_NET_ADMIN over the network"
		   " namespace)\n");
	EXPECT_INT(fake.closes, fake.opens);
	/* A socket that fails is reported, not waited on for ever. */
	scripted();
	fake.stop_when_idle = false;
	EXPECT_RUN(run_sgtool("monitor", NULL), 2, "",
		   "sgtool: cannot read events: Resource temporarily"
		   " unavailable\n");
	EXPECT_INT(fake.closes, fake.opens);

	scripted();
	EXPECT_RUN(run_sgtool("monitor", "flows", "drop", NULL), 1, "",
		   "sgtool: unknown event kind \"drop\", try \"sgtool monitor"
		   " help\"\n");
	EXPECT_RUN(run_sgtool("monitor", "flows", "flows", NULL), 1, "",
		   "sgtool: \"flows\" given twice, try \"sgtool monitor"
		   " help\"\n");
	EXPECT_RUN(run_sgtool("monitor", "all", NULL), 1, "",
		   "sgtool: unknown command \"all\" for monitor, try"
		   " \"sgtool monitor help\"\n");
	EXPECT_INT(fake.opens, 0);
	EXPECT(!strncmp(run_sgtool("monitor", "help", NULL)->out,
			"Usage: sgtool [OPTIONS] monitor [ flows ]", 41));
	return 0;
}

static int test_flowlog_usage_errors(void)
{
	static const struct {
		const char *args[4];
		const char *err;
	} bad[] = {
		{ { "format", "${version} ${bogus}" },
		  "unknown flowlog field \"${bogus}\"" },
		{ { "format", "${srcaddr} ${dst" },
		  "unterminated field \"${dst\"" },
		{ { "format", "no fields" },
		  "format \"no fields\" has no field" },
		{ { "interval", "0" },
		  "invalid interval \"0\" (1-600 seconds)" },
		{ { "interval", "601" },
		  "invalid interval \"601\" (1-600 seconds)" },
		{ { "interval", "1m" },
		  "invalid interval \"1m\" (1-600 seconds)" },
		{ { "interval" }, "\"interval\" needs a value" },
		{ { "interval", "5", "interval", "6" },
		  "\"interval\" given twice" },
		{ { "flows" }, "unexpected argument \"flows\"" },
	};

	scripted();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(want, sizeof(want),
			 "sgtool: %s, try \"sgtool monitor help\"\n",
			 bad[i].err);
		EXPECT_RUN(run_sgtool("monitor", "flowlog", bad[i].args[0],
				      bad[i].args[1], bad[i].args[2],
				      bad[i].args[3], NULL), 1, "", want);
	}
	/* Nothing was joined or asked. */
	EXPECT_INT(fake.opens, 0);
	return 0;
}

/* The flow table at the end of the interval: one flow, 10.0.0.3's. */
static void respond_flows(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	struct nlmsghdr *nlh;

	if (genl->cmd == SGFW_CMD_STATUS_SET) {
		fake_respond_ack(req);
		return;
	}
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_FLOW_GET);
	mnl_attr_put_u8(nlh, SGFW_A_FLOW_PROTOCOL, 6);
	fake_put_cidr(nlh, SGFW_A_FLOW_SRC, "10.0.0.3", -1);
	fake_put_cidr(nlh, SGFW_A_FLOW_DST, "10.0.0.2", -1);
	mnl_attr_put_u16(nlh, SGFW_A_FLOW_SPORT, 50000);
	mnl_attr_put_u16(nlh, SGFW_A_FLOW_DPORT, 443);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_IFINDEX, if_nametoindex("lo"));
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_STATE, SGFW_FLOW_STATE_ESTABLISHED);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_EXPIRES_IN, 1000);
	mnl_attr_put_strz(nlh, SGFW_A_FLOW_SG, "web");
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_RULE_ID, 5);
	mnl_attr_put_u32(nlh, SGFW_A_FLOW_DIRECTION, SGFW_DIRECTION_INGRESS);
	mnl_attr_put_u64(nlh, SGFW_A_FLOW_PACKETS, 7);
	mnl_attr_put_u64(nlh, SGFW_A_FLOW_BYTES, 700);
	mnl_attr_put_u64(nlh, SGFW_A_FLOW_START, T0);
	fake_put_done(0, NULL);
}

static int test_flowlog_run(void)
{
	static const char first[] =
		"lo 10.0.0.1:40000 6 10 1234 ACCEPT SKIPDATA web 4 closed"
		" ingress -\n";
	const struct run *r;
	char *line;

	scripted();
	fake.respond = respond_flows;
	put_events();
	r = run_sgtool("monitor", "flowlog", "format",
		       "${interface-id} ${srcaddr}:${srcport} ${protocol}"
		       " ${packets} ${bytes} ${action} ${log-status} ${sg}"
		       " ${rule-id} ${reason} ${flow-direction} ${vpc-id}",
		       NULL);
	EXPECT_INT(r->status, 0);
	/* The flow that ended, then the aggregates and flows in any order. */
	EXPECT(!strncmp(r->out, first, strlen(first)));
	EXPECT(strstr(r->out, "\n2147483632 fd00::1:5353 17 1 80 ACCEPT"
		      " SKIPDATA web 2 - egress -\n"));
	EXPECT(strstr(r->out, "\nlo 10.0.0.9:0 1 1 84 ACCEPT SKIPDATA - - -"
		      " ingress -\n"));
	EXPECT(strstr(r->out, "\nlo 192.0.2.1:1234 6 1 60 REJECT SKIPDATA - -"
		      " no-rule ingress -\n"));
	EXPECT(strstr(r->out, "\nlo 10.0.0.3:50000 6 7 700 ACCEPT SKIPDATA web"
		      " 5 - ingress -\n"));
	line = r->out;
	for (int i = 0; i < 5; i++) {
		line = strchr(line, '\n');
		EXPECT(line);
		line++;
	}
	EXPECT_STR(line, "");
	EXPECT_STR(r->err, "sgtool: lost events (receive buffer overflow):"
		   " this interval's records say SKIPDATA\n");
	/* The events socket and the dump's. */
	EXPECT_INT(fake.opens, 2);
	EXPECT_INT(fake.closes, 2);
	EXPECT_INT(fake_req_cmd(), SGFW_CMD_FLOW_GET);
	return 0;
}

/* The namespace's events: on before the group is joined; "off" ends them. */
static int test_monitor_events_switch(void)
{
	unsigned int i;

	scripted();
	put_events();
	run_sgtool("monitor", "config", NULL);
	for (i = 0; i < fake.n_cmds; i++)
		if (fake.cmds[i] == SGFW_CMD_STATUS_SET)
			break;
	EXPECT(i < fake.n_cmds);
	scripted();
	EXPECT_RUN(run_sgtool("monitor", "off", NULL), 0, "", "");
	EXPECT_INT(fake_req_cmd(), SGFW_CMD_STATUS_SET);
	EXPECT(fake_req_attr(SGFW_A_STATUS_EVENTS, 0));
	EXPECT_INT(mnl_attr_get_u8(fake_req_attr(SGFW_A_STATUS_EVENTS, 0)), 0);
	EXPECT_INT(fake.joined, 0);
	EXPECT_RUN(run_sgtool("monitor", "off", "now", NULL), 1, "",
		   "sgtool: unexpected argument \"now\", try \"sgtool monitor"
		   " help\"\n");
	return 0;
}

void suite_monitor(void)
{
	tap_test("monitor: every kind of event in text, a lost one",
		 test_monitor_text);
	tap_test("monitor: every kind of event in JSON", test_monitor_json);
	tap_test("monitor: only the kinds named", test_monitor_kinds);
	tap_test("monitor: joining refused, a failed read, usage errors",
		 test_monitor_errors);
	tap_test("monitor: flowlog's usage errors come before any request",
		 test_flowlog_usage_errors);
	tap_test("monitor: flowlog from events and a dump to its records",
		 test_flowlog_run);
	tap_test("monitor: events turned on to listen, and off",
		 test_monitor_events_switch);
	fake_uninstall();
}
