// SPDX-License-Identifier: GPL-2.0
/*
 * save, apply and diff against the scripted kernel: a device's settings
 * as save writes them, as apply reads a file and sends them in the
 * transaction, and what diff says of the difference.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/sgfw.h>

#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

/* The file the commands read, written by put_file(). */
static char path[] = "/tmp/sgtool-test-config-XXXXXX";
static char want[1024];

/* What the transaction's TXN_IFACE requests carried. */
static unsigned int txn_ifaces;
static int txn_audit;		/* SGFW_A_IFACE_AUDIT of the last; -1: none */
static int txn_mode;		/* SGFW_A_IFACE_MODE of the last; -1: none */
static int txn_source_check;	/* SGFW_A_IFACE_SOURCE_CHECK; -1: none */
/* The addresses of the last, in text with their prefix length if sent. */
static char txn_addresses[512];	/* "-" without SGFW_A_IFACE_ADDRESSES */
static char txn_mac[32];	/* "-" without SGFW_A_IFACE_MAC */

/*
 * Three devices: lo in audit mode, dummy0 with a group and tracking
 * always, as a module before port mode sends them, and vm0, a port.
 */
static void put_ifaces(void)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, 1);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "lo");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 432000);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_AUTO);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 1);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_MODE, SGFW_IFACE_MODE_ENDPOINT);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_SOURCE_CHECK, 1);
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, 7);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "dummy0");
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_SG, "web");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 350);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_ALWAYS);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 0);
	/* Its addresses out of order, a host with "/32" and one without. */
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "vm0");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 432000);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_AUTO);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 0);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_MODE, SGFW_IFACE_MODE_PORT);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_SOURCE_CHECK, 0);
	nest = mnl_attr_nest_start(nlh, SGFW_A_IFACE_ADDRESSES);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "fd00::5", -1);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "10.9.0.0", 24);
	fake_put_cidr(nlh, SGFW_A_IFACE_ADDRESSES_ADDRESS, "10.0.0.5", 32);
	mnl_attr_nest_end(nlh, nest);
	mnl_attr_put(nlh, SGFW_A_IFACE_MAC, 6, "\x02\x00\x00\x00\x00\xa5");
}

/* The request's SGFW_A_IFACE_MAC into txn_mac, or "-". */
static void record_mac(void)
{
	const struct nlattr *a = fake_req_attr(SGFW_A_IFACE_MAC, 0);
	const uint8_t *m;

	if (!a || mnl_attr_get_payload_len(a) != 6) {
		snprintf(txn_mac, sizeof(txn_mac), "%s", a ? "bad" : "-");
		return;
	}
	m = mnl_attr_get_payload(a);
	snprintf(txn_mac, sizeof(txn_mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* The addresses of the request's SGFW_A_IFACE_ADDRESSES into txn_addresses. */
static void record_addresses(void)
{
	const struct nlattr *nest = fake_req_attr(SGFW_A_IFACE_ADDRESSES, 0);
	const struct nlattr *a;
	size_t n = 0;

	if (!nest) {
		snprintf(txn_addresses, sizeof(txn_addresses), "-");
		return;
	}
	txn_addresses[0] = '\0';
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *ip4 = fake_nested(a, SGFW_A_CIDR_IPV4);
		const struct nlattr *ip6 = fake_nested(a, SGFW_A_CIDR_IPV6);
		const struct nlattr *plen = fake_nested(a,
							SGFW_A_CIDR_PREFIX_LEN);
		char buf[INET6_ADDRSTRLEN] = "?";

		if (ip4)
			inet_ntop(AF_INET, mnl_attr_get_payload(ip4), buf,
				  sizeof(buf));
		else if (ip6)
			inet_ntop(AF_INET6, mnl_attr_get_payload(ip6), buf,
				  sizeof(buf));
		n += snprintf(txn_addresses + n, sizeof(txn_addresses) - n,
			      "%s%s", n ? " " : "", buf);
		if (plen && n < sizeof(txn_addresses))
			n += snprintf(txn_addresses + n,
				      sizeof(txn_addresses) - n, "/%u",
				      mnl_attr_get_u8(plen));
		if (n >= sizeof(txn_addresses))
			break;
	}
}

/* Dumps: the devices above and nothing else; every "do" acked. */
static void respond_config(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	const struct nlattr *a;
	uint8_t v;

	if (req->nlmsg_flags & NLM_F_DUMP) {
		if (genl->cmd == SGFW_CMD_IFACE_GET)
			put_ifaces();
		fake_put_done(0, NULL);
		return;
	}
	if (genl->cmd == SGFW_CMD_TXN_IFACE) {
		txn_ifaces++;
		a = fake_req_attr(SGFW_A_IFACE_AUDIT, 0);
		txn_audit = a && !nl_attr_u8(a, &v) ? v : -1;
		a = fake_req_attr(SGFW_A_IFACE_MODE, 0);
		txn_mode = a ? (int)mnl_attr_get_u32(a) : -1;
		a = fake_req_attr(SGFW_A_IFACE_SOURCE_CHECK, 0);
		txn_source_check = a && !nl_attr_u8(a, &v) ? v : -1;
		record_addresses();
		record_mac();
	}
	fake_respond_ack(req);
}

/* An empty namespace: every dump empty, every "do" acked. */
static void respond_empty(const struct nlmsghdr *req)
{
	if (req->nlmsg_flags & NLM_F_DUMP)
		fake_put_done(0, NULL);
	else
		fake_respond_ack(req);
}

static void scripted(void)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond_config;
	txn_ifaces = 0;
	txn_audit = -1;
	txn_mode = -1;
	txn_source_check = -1;
	snprintf(txn_addresses, sizeof(txn_addresses), "-");
	snprintf(txn_mac, sizeof(txn_mac), "-");
}

/* @text into the file at @path; 0 or -1. */
static int put_file(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f) ? -1 : 0;
}

#define SAVED								\
	"{\"flow_limit\":1000,\"prefix_lists\":[],\"security_groups\":[],"	\
	"\"network_acls\":[],\"interfaces\":["				\
	"{\"name\":\"lo\",\"security_groups\":[],"			\
	"\"tcp_established_timeout\":432000,\"udp_timeout\":30,"	\
	"\"udp_stream_timeout\":180,\"tracking\":\"auto\","		\
	"\"audit\":true},"						\
	"{\"name\":\"dummy0\",\"security_groups\":[\"web\"],"		\
	"\"tcp_established_timeout\":350,\"udp_timeout\":30,"		\
	"\"udp_stream_timeout\":180,\"tracking\":\"always\"},"		\
	"{\"name\":\"vm0\",\"security_groups\":[],"			\
	"\"tcp_established_timeout\":432000,\"udp_timeout\":30,"	\
	"\"udp_stream_timeout\":180,\"tracking\":\"auto\","		\
	"\"mode\":\"port\",\"source_check\":false,"			\
	"\"addresses\":[\"10.0.0.5\",\"10.9.0.0/24\",\"fd00::5\"],"	\
	"\"mac\":\"02:00:00:00:00:a5\"}]}\n"

/*
 * "audit": true only when on, "mode", "source_check", "addresses" and
 * "mac" only when not the defaults, and `save | diff` finds nothing.
 */
static int test_save(void)
{
	const struct run *r;

	scripted();
	r = run_sgtool("save", NULL);
	EXPECT_RUN(r, 0, SAVED, "");
	EXPECT_INT(put_file(r->out), 0);
	EXPECT_RUN(run_sgtool("diff", path, NULL), 0, "", "");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_diff(void)
{
	scripted();
	EXPECT_INT(put_file("{\"interfaces\":[{\"name\":\"lo\"},"
			    "{\"name\":\"dummy0\",\"audit\":true,"
			    "\"security_groups\":[\"web\"],"
			    "\"tcp_established_timeout\":350,"
			    "\"tracking\":\"always\"},"
			    "{\"name\":\"vm0\",\"mode\":\"port\","
			    "\"source_check\":false,"
			    "\"addresses\":[\"10.0.0.5/32\",\"10.9.0.0/24\","
			    "\"fd00::5\"],\"mac\":\"2:0:0:0:0:A5\"}]}"), 0);
	EXPECT_RUN(run_sgtool("diff", path, NULL), 1,
		   "- iface lo\n"
		   "~ iface dummy0: audit none -> true\n", "");

	/* The port's settings and its addresses, one by one. */
	scripted();
	EXPECT_INT(put_file("{\"interfaces\":[{\"name\":\"lo\",\"audit\":true},"
			    "{\"name\":\"dummy0\","
			    "\"security_groups\":[\"web\"],"
			    "\"tcp_established_timeout\":350,"
			    "\"tracking\":\"always\",\"mode\":\"port\"},"
			    "{\"name\":\"vm0\",\"source_check\":true,"
			    "\"addresses\":[\"fd00::5\",\"10.0.0.6\","
			    "\"10.0.0.5\"],\"mac\":\"02:00:00:00:00:A6\"}]}"),
		   0);
	EXPECT_RUN(run_sgtool("diff", path, NULL), 1,
		   "~ iface dummy0: mode none -> \"port\"\n"
		   "~ iface vm0: mode \"port\" -> none\n"
		   "~ iface vm0: source_check false -> none\n"
		   "~ iface vm0: mac \"02:00:00:00:00:a5\" -> "
		   "\"02:00:00:00:00:a6\"\n"
		   "- iface vm0 address \"10.9.0.0/24\"\n"
		   "+ iface vm0 address \"10.0.0.6\"\n", "");
	/* A port with nothing else is kept, and a new one. */
	scripted();
	EXPECT_INT(put_file("{\"interfaces\":[{\"name\":\"vm1\","
			    "\"addresses\":[\"192.0.2.1\"]}]}"), 0);
	EXPECT_RUN(run_sgtool("diff", path, NULL), 1,
		   "- iface lo\n"
		   "- iface dummy0\n"
		   "- iface vm0\n"
		   "+ iface vm1\n", "");
	return 0;
}

/* Files and what their device's TXN_IFACE carries. */
static const struct {
	const char *file;
	unsigned int ifaces;
	int audit;
	int mode, source_check;		/* -1: not sent, the default */
	const char *addresses;		/* "-": not sent */
	const char *mac;		/* "-": not sent */
} applied[] = {
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":true}]}", 1, 1,
	  -1, -1, "-", "-" },
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":false,"
	  "\"tracking\":\"always\"}]}", 1, 0, -1, -1, "-", "-" },
	{ "{\"interfaces\":[{\"name\":\"lo\",\"tracking\":\"always\"}]}",
	  1, 0, -1, -1, "-", "-" },
	/* Nothing but the defaults: nothing to keep, nothing sent. */
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":false}]}", 0, -1,
	  -1, -1, "-", "-" },
	{ "{\"interfaces\":[{\"name\":\"lo\",\"mode\":\"endpoint\","
	  "\"source_check\":true,\"addresses\":[]}]}", 0, -1, -1, -1, "-",
	  "-" },
	/* A port: canonical, sorted, hosts without a prefix length. */
	{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":\"port\","
	  "\"addresses\":[\"fd00::5/128\",\"10.9.0.7/24\",\"10.0.0.5\"]}]}",
	  1, 0, SGFW_IFACE_MODE_PORT, -1, "10.0.0.5 10.9.0.0/24 fd00::5",
	  "-" },
	{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":\"port\","
	  "\"source_check\":false}]}", 1, 0, SGFW_IFACE_MODE_PORT, 0, "-",
	  "-" },
	{ "{\"interfaces\":[{\"name\":\"vm0\",\"source_check\":false}]}",
	  1, 0, -1, 0, "-", "-" },
	/* A MAC address, canonical; null is none. */
	{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":\"port\","
	  "\"mac\":\"02:0:00:AB:cd:5\"}]}", 1, 0, SGFW_IFACE_MODE_PORT, -1,
	  "-", "02:00:00:ab:cd:05" },
	{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":\"port\","
	  "\"mac\":null}]}", 1, 0, SGFW_IFACE_MODE_PORT, -1, "-", "-" },
};

static int test_apply(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(applied); i++) {
		scripted();
		EXPECT_INT(put_file(applied[i].file), 0);
		EXPECT_RUN(run_sgtool("apply", path, NULL), 0, "", "");
		if (txn_ifaces != applied[i].ifaces ||
		    txn_audit != applied[i].audit ||
		    txn_mode != applied[i].mode ||
		    txn_source_check != applied[i].source_check ||
		    strcmp(txn_addresses, applied[i].addresses) ||
		    strcmp(txn_mac, applied[i].mac))
			tap_diag_str("file:", applied[i].file);
		EXPECT_INT(txn_ifaces, applied[i].ifaces);
		EXPECT_INT(txn_audit, applied[i].audit);
		EXPECT_INT(txn_mode, applied[i].mode);
		EXPECT_INT(txn_source_check, applied[i].source_check);
		EXPECT_STR(txn_addresses, applied[i].addresses);
		EXPECT_STR(txn_mac, applied[i].mac);
		EXPECT_INT(fake.cmds[fake.n_cmds - 1], SGFW_CMD_TXN_COMMIT);
	}
	return 0;
}

/*
 * The configuration the packages install as /etc/sgfw/sgfw.json: what
 * `-p save` prints for an empty namespace, without its flow limit (which a
 * file may leave as it is), and what apply commits.  run_tests runs in
 * tools/sgtool.
 */
#define EMPTY_CONFIG "../systemd/sgfw.json"

static int test_empty_config(void)
{
	static const char head[] = "{\n  \"flow_limit\": 1000,\n";
	char file[512], saved[sizeof(file) + sizeof(head)];
	FILE *f = fopen(EMPTY_CONFIG, "r");
	size_t n;

	EXPECT(f != NULL);
	n = fread(file, 1, sizeof(file) - 1, f);
	fclose(f);
	file[n] = '\0';
	EXPECT(!strncmp(file, "{\n", 2));
	snprintf(saved, sizeof(saved), "%s%s", head, file + 2);
	scripted();
	fake.respond = respond_empty;
	EXPECT_RUN(run_sgtool("-p", "save", NULL), 0, saved, "");
	scripted();
	fake.respond = respond_empty;
	EXPECT_RUN(run_sgtool("apply", EMPTY_CONFIG, NULL), 0, "", "");
	EXPECT_INT(fake.cmds[fake.n_cmds - 1], SGFW_CMD_TXN_COMMIT);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

/* Anything but a boolean is refused before the transaction begins. */
static int test_apply_refused(void)
{
	static const char *const files[] = {
		"{\"interfaces\":[{\"name\":\"lo\",\"audit\":\"on\"}]}",
		"{\"interfaces\":[{\"name\":\"lo\",\"audit\":1}]}",
		"{\"interfaces\":[{\"name\":\"lo\",\"audit\":null}]}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		scripted();
		EXPECT_INT(put_file(files[i]), 0);
		snprintf(want, sizeof(want),
			 "sgtool: %s: interface \"lo\": \"audit\" must be "
			 "true or false\n", path);
		EXPECT_RUN(run_sgtool("apply", path, NULL), 1, "", want);
		/* The family lookup only. */
		EXPECT_INT(fake.requests, 1);
		EXPECT_INT(fake.closes, fake.opens);
	}
	return 0;
}

/* The port-mode keys, checked as strictly as the others. */
static int test_apply_refused_port(void)
{
	static char many[64 * 16 + 100];
	static const struct {
		const char *file, *err;
	} bad[] = {
		{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":\"bridge\"}]}",
		  "interface \"vm0\": mode is \"endpoint\" or \"port\", not "
		  "\"bridge\"" },
		{ "{\"interfaces\":[{\"name\":\"vm0\",\"mode\":1}]}",
		  "interface \"vm0\": \"mode\" must be a string" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"source_check\":\"on\"}]}",
		  "interface \"vm0\": \"source_check\" must be true or false" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"addresses\":\"10.0.0.5\"}]}",
		  "interface \"vm0\": \"addresses\" must be an array" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"addresses\":[\"10.0.0.5\",\"10.0.0.300\"]}]}",
		  "interface \"vm0\" address 2: \"10.0.0.300\" is not an IPv4 "
		  "or IPv6 address or CIDR" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"addresses\":[\"fd00::/129\"]}]}",
		  "interface \"vm0\" address 1: \"fd00::/129\" is not an IPv4 "
		  "or IPv6 address or CIDR" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"addresses\":[5]}]}",
		  "interface \"vm0\" address 1: an address must be a string" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"addresses\":[\"10.0.0.5\",\"10.0.0.5/32\"]}]}",
		  "interface \"vm0\": 10.0.0.5 is named twice" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"adresses\":[]}]}",
		  "interface 1: unknown key \"adresses\"" },
		{ many, "interface \"vm0\": 65 addresses, more than the 64 a "
		  "device may have" },
		{ "{\"interfaces\":[{\"name\":\"vm0\",\"mac\":5}]}",
		  "interface \"vm0\": \"mac\" must be a string or null" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"mac\":\"02:00:00:00:05\"}]}",
		  "interface \"vm0\": \"mac\" \"02:00:00:00:05\" is not a MAC "
		  "address (XX:XX:XX:XX:XX:XX)" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"mac\":\"02:00:00:00:00:005\"}]}",
		  "interface \"vm0\": \"mac\" \"02:00:00:00:00:005\" is not a "
		  "MAC address (XX:XX:XX:XX:XX:XX)" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"mac\":\"ff:ff:ff:ff:ff:ff\"}]}",
		  "interface \"vm0\": \"mac\" \"ff:ff:ff:ff:ff:ff\" is not an "
		  "instance's MAC address (all zeros, multicast or broadcast)" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"mac\":\"01:00:5e:00:00:01\"}]}",
		  "interface \"vm0\": \"mac\" \"01:00:5e:00:00:01\" is not an "
		  "instance's MAC address (all zeros, multicast or broadcast)" },
		{ "{\"interfaces\":[{\"name\":\"vm0\","
		  "\"mac\":\"00:00:00:00:00:00\"}]}",
		  "interface \"vm0\": \"mac\" \"00:00:00:00:00:00\" is not an "
		  "instance's MAC address (all zeros, multicast or broadcast)" },
	};
	size_t n;

	n = (size_t)snprintf(many, sizeof(many),
			     "{\"interfaces\":[{\"name\":\"vm0\","
			     "\"addresses\":[");
	for (unsigned int i = 0; i < 65; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "%s\"10.0.%u.1\"", i ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "]}]}");

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		scripted();
		EXPECT_INT(put_file(bad[i].file), 0);
		snprintf(want, sizeof(want), "sgtool: %s: %s\n", path,
			 bad[i].err);
		EXPECT_RUN(run_sgtool("apply", path, NULL), 1, "", want);
		/* The family lookup only. */
		EXPECT_INT(fake.requests, 1);
		EXPECT_RUN(run_sgtool("diff", path, NULL), 2, "", want);
	}

	/* 64 are fine. */
	scripted();
	strcpy(strstr(many, ",\"10.0.64.1\""), "]}]}");
	EXPECT_INT(put_file(many), 0);
	EXPECT_RUN(run_sgtool("apply", path, NULL), 0, "", "");
	EXPECT_INT(txn_ifaces, 1);
	EXPECT(!strncmp(txn_addresses, "10.0.0.1 10.0.1.1 ", 18));
	return 0;
}

void suite_config(void)
{
	int fd = mkstemp(path);

	if (fd < 0) {
		tap_skip("config: save, diff and apply", "no temporary file");
		return;
	}
	close(fd);
	tap_test("config: save writes \"audit\": true only for a device in "
		 "audit mode, port mode only when not the defaults, and diff "
		 "of it finds nothing", test_save);
	tap_test("config: diff shows a device's audit mode, port mode, "
		 "addresses and MAC address changing", test_diff);
	tap_test("config: apply sends each device's audit mode and port "
		 "mode (MAC address too) in TXN_IFACE", test_apply);
	tap_test("config: apply refuses an \"audit\" that is not a boolean",
		 test_apply_refused);
	tap_test("config: apply and diff refuse a bad mode, source_check, "
		 "address or MAC address, and more than 64 addresses",
		 test_apply_refused_port);
	tap_test("config: the packages' empty /etc/sgfw/sgfw.json is what "
		 "save prints for an empty namespace, and applies",
		 test_empty_config);
	unlink(path);
	fake_uninstall();
}
