// SPDX-License-Identifier: GPL-2.0
/*
 * save, apply and diff against the scripted kernel: a device's settings
 * as save writes them, as apply reads a file and sends them in the
 * transaction, and what diff says of the difference.
 */

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

/* Two devices: lo in audit mode, dummy0 with a group and tracking always. */
static void put_ifaces(void)
{
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, 1);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "lo");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 432000);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_AUTO);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 1);
	nlh = fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, SGFW_CMD_IFACE_GET);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX, 7);
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "dummy0");
	mnl_attr_put_strz(nlh, SGFW_A_IFACE_SG, "web");
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, 350);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_TIMEOUT, 30);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_UDP_STREAM_TIMEOUT, 180);
	mnl_attr_put_u32(nlh, SGFW_A_IFACE_TRACKING, SGFW_TRACKING_ALWAYS);
	mnl_attr_put_u8(nlh, SGFW_A_IFACE_AUDIT, 0);
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
	"\"udp_stream_timeout\":180,\"tracking\":\"always\"}]}\n"

/* "audit": true only when on, and `save | diff` finds nothing. */
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
			    "\"tracking\":\"always\"}]}"), 0);
	EXPECT_RUN(run_sgtool("diff", path, NULL), 1,
		   "- iface lo\n"
		   "~ iface dummy0: audit none -> true\n", "");
	return 0;
}

/* Files and what their device's TXN_IFACE carries. */
static const struct {
	const char *file;
	unsigned int ifaces;
	int audit;
} applied[] = {
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":true}]}", 1, 1 },
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":false,"
	  "\"tracking\":\"always\"}]}", 1, 0 },
	{ "{\"interfaces\":[{\"name\":\"lo\",\"tracking\":\"always\"}]}",
	  1, 0 },
	/* Nothing but the defaults: nothing to keep, nothing sent. */
	{ "{\"interfaces\":[{\"name\":\"lo\",\"audit\":false}]}", 0, -1 },
};

static int test_apply(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(applied); i++) {
		scripted();
		EXPECT_INT(put_file(applied[i].file), 0);
		EXPECT_RUN(run_sgtool("apply", path, NULL), 0, "", "");
		if (txn_ifaces != applied[i].ifaces ||
		    txn_audit != applied[i].audit)
			tap_diag_str("file:", applied[i].file);
		EXPECT_INT(txn_ifaces, applied[i].ifaces);
		EXPECT_INT(txn_audit, applied[i].audit);
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

void suite_config(void)
{
	int fd = mkstemp(path);

	if (fd < 0) {
		tap_skip("config: save, diff and apply", "no temporary file");
		return;
	}
	close(fd);
	tap_test("config: save writes \"audit\": true only for a device in "
		 "audit mode, and diff of it finds nothing", test_save);
	tap_test("config: diff shows a device's audit mode changing",
		 test_diff);
	tap_test("config: apply sends each device's audit mode in "
		 "TXN_IFACE", test_apply);
	tap_test("config: apply refuses an \"audit\" that is not a boolean",
		 test_apply_refused);
	tap_test("config: the packages' empty /etc/sgfw/sgfw.json is what "
		 "save prints for an empty namespace, and applies",
		 test_empty_config);
	unlink(path);
	fake_uninstall();
}
