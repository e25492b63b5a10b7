// SPDX-License-Identifier: GPL-2.0
/*
 * The commands end to end against the scripted kernel: what they print in
 * each mode, what they send, and how each failure reads, the module not
 * being loaded first of all.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "conn.h"
#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

#define NOT_LOADED_LINE "sgtool: " CONN_NOT_LOADED "\n"

static char want[512];

static void loaded(void)
{
	fake_install();
	fake.loaded = true;
}

/* Every socket a command opened, it closed. */
#define EXPECT_SOCKETS_CLOSED() EXPECT_INT(fake.closes, fake.opens)

static int test_not_loaded_line_is_exact(void)
{
	EXPECT_STR(NOT_LOADED_LINE,
		   "sgtool: the sgfw kernel module is not loaded "
		   "(try: modprobe sgfw)\n");
	return 0;
}

static int test_status_not_loaded(void)
{
	fake_install();
	EXPECT_RUN(run_sgtool("status", NULL), 1, "", NOT_LOADED_LINE);
	EXPECT_RUN(run_sgtool("-j", "status", NULL), 1, "", NOT_LOADED_LINE);
	EXPECT_INT(fake.requests, 2);
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

/* A module of another version of the family: refused before any request. */
static int test_family_version_mismatch(void)
{
	loaded();
	fake.family_version = SGFW_GENL_VERSION + 1;
	snprintf(want, sizeof(want),
		 "sgtool: the sgfw module speaks version %u of its netlink family and this sgtool version %u: install the sgtool of the module\n",
		 SGFW_GENL_VERSION + 1, SGFW_GENL_VERSION);
	EXPECT_RUN(run_sgtool("sg", "show", NULL), 1, "", want);
	EXPECT_INT(fake.requests, 1);
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

static int test_version_not_loaded(void)
{
	fake_install();
	snprintf(want, sizeof(want), "tool:   %s\n", sgtool_version);
	EXPECT_RUN(run_sgtool("version", NULL), 1, want, NOT_LOADED_LINE);
	snprintf(want, sizeof(want), "{\"tool\":\"%s\"}\n", sgtool_version);
	EXPECT_RUN(run_sgtool("-j", "version", NULL), 1, want,
		   NOT_LOADED_LINE);
	snprintf(want, sizeof(want), "{\n  \"tool\": \"%s\"\n}\n",
		 sgtool_version);
	EXPECT_RUN(run_sgtool("-p", "version", NULL), 1, want,
		   NOT_LOADED_LINE);
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

static int test_version_loaded(void)
{
	loaded();
	snprintf(want, sizeof(want), "tool:   %s\nmodule: 1.2.3-test\n",
		 sgtool_version);
	EXPECT_RUN(run_sgtool("version", NULL), 0, want, "");
	snprintf(want, sizeof(want),
		 "{\"tool\":\"%s\",\"module\":\"1.2.3-test\"}\n",
		 sgtool_version);
	EXPECT_RUN(run_sgtool("--json", "version", NULL), 0, want, "");
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

static int test_status_text(void)
{
	loaded();
	EXPECT_RUN(run_sgtool("status", NULL), 0,
		   "version:                       1.2.3-test\n"
		   "flows:                         5\n"
		   "flow_limit:                    1000\n"
		   "conntrack_allowance_exceeded:  1099511627777\n"
		   "conntrack_allowance_available: 995\n", "");
	/* "show" is the default command, and says the same. */
	EXPECT_STR(run_sgtool("status", "show", NULL)->out,
		   "version:                       1.2.3-test\n"
		   "flows:                         5\n"
		   "flow_limit:                    1000\n"
		   "conntrack_allowance_exceeded:  1099511627777\n"
		   "conntrack_allowance_available: 995\n");
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

static int test_status_json(void)
{
	loaded();
	EXPECT_RUN(run_sgtool("-j", "status", NULL), 0,
		   "{\"version\":\"1.2.3-test\",\"flows\":5,"
		   "\"flow_limit\":1000,"
		   "\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995}\n", "");
	return 0;
}

static int test_status_pretty(void)
{
	static const char pretty[] =
		"{\n"
		"  \"version\": \"1.2.3-test\",\n"
		"  \"flows\": 5,\n"
		"  \"flow_limit\": 1000,\n"
		"  \"conntrack_allowance_exceeded\": 1099511627777,\n"
		"  \"conntrack_allowance_available\": 995\n"
		"}\n";

	loaded();
	EXPECT_RUN(run_sgtool("-p", "status", NULL), 0, pretty, "");
	/* -p implies -j, in either order. */
	EXPECT_RUN(run_sgtool("-j", "--pretty", "status", NULL), 0, pretty,
		   "");
	EXPECT_RUN(run_sgtool("-p", "-j", "status", NULL), 0, pretty, "");
	return 0;
}

static int test_status_request(void)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);

	loaded();
	EXPECT_INT(run_sgtool("status", NULL)->status, 0);
	/* The family lookup, then the status request. */
	EXPECT_INT(fake.requests, 2);
	EXPECT_INT(req->nlmsg_type, FAKE_FAMILY_ID);
	EXPECT_INT(req->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	EXPECT_INT(genl->cmd, SGFW_CMD_STATUS);
	EXPECT_INT(genl->version, SGFW_GENL_VERSION);
	/* The policy refuses every attribute: send none. */
	EXPECT_INT(req->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
	return 0;
}

static int test_kernel_error_with_message(void)
{
	loaded();
	fake.status_error = -EPERM;
	fake.status_extack = "status is not allowed in this namespace";
	EXPECT_RUN(run_sgtool("status", NULL), 2, "",
		   "sgtool: status is not allowed in this namespace\n");
	/* version still prints the tool's, then the kernel's complaint. */
	snprintf(want, sizeof(want), "{\"tool\":\"%s\"}\n", sgtool_version);
	EXPECT_RUN(run_sgtool("-j", "version", NULL), 2, want,
		   "sgtool: status is not allowed in this namespace\n");
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

static int test_kernel_error_without_message(void)
{
	loaded();
	fake.status_error = -EPERM;
	snprintf(want, sizeof(want), "sgtool: %s\n", strerror(EPERM));
	EXPECT_RUN(run_sgtool("status", NULL), 2, "", want);
	return 0;
}

static int test_kernel_warning(void)
{
	loaded();
	fake.status_extack = "flow limit lowered to fit memory";
	EXPECT_RUN(run_sgtool("-j", "status", NULL), 0,
		   "{\"version\":\"1.2.3-test\",\"flows\":5,"
		   "\"flow_limit\":1000,"
		   "\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995}\n",
		   "sgtool: warning: flow limit lowered to fit memory\n");
	return 0;
}

static int test_missing_figure_is_left_out(void)
{
	loaded();
	fake.status_omit_flows = true;
	EXPECT_RUN(run_sgtool("-j", "status", NULL), 0,
		   "{\"version\":\"1.2.3-test\",\"flow_limit\":1000,"
		   "\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995}\n", "");
	return 0;
}

static int test_status_frags(void)
{
	loaded();
	fake.status_frags = true;
	EXPECT_RUN(run_sgtool("status", NULL), 0,
		   "version:                       1.2.3-test\n"
		   "flows:                         5\n"
		   "flow_limit:                    1000\n"
		   "conntrack_allowance_exceeded:  1099511627777\n"
		   "conntrack_allowance_available: 995\n"
		   "frags:                         3\n"
		   "frags_full:                    8589934594\n", "");
	EXPECT_RUN(run_sgtool("-j", "status", NULL), 0,
		   "{\"version\":\"1.2.3-test\",\"flows\":5,"
		   "\"flow_limit\":1000,"
		   "\"conntrack_allowance_exceeded\":1099511627777,"
		   "\"conntrack_allowance_available\":995,"
		   "\"frags\":3,\"frags_full\":8589934594}\n", "");
	return 0;
}

static int test_malformed_reply(void)
{
	loaded();
	fake.status_bad_size = true;
	EXPECT_RUN(run_sgtool("status", NULL), 2, "",
		   "sgtool: malformed reply from the kernel\n");
	EXPECT_SOCKETS_CLOSED();
	return 0;
}

void suite_commands(void)
{
	tap_test("commands: the not-loaded line reads as documented",
		 test_not_loaded_line_is_exact);
	tap_test("commands: status without the module is one line, exit 1",
		 test_status_not_loaded);
	tap_test("commands: version without the module shows the tool's",
		 test_version_not_loaded);
	tap_test("commands: a module of another family version is refused",
		 test_family_version_mismatch);
	tap_test("commands: version shows the tool's and the module's",
		 test_version_loaded);
	tap_test("commands: status in text", test_status_text);
	tap_test("commands: status in JSON", test_status_json);
	tap_test("commands: status in pretty JSON", test_status_pretty);
	tap_test("commands: status sends a bare SGFW_CMD_STATUS",
		 test_status_request);
	tap_test("commands: a kernel error prints its extack, exit 2",
		 test_kernel_error_with_message);
	tap_test("commands: a kernel error without extack prints strerror",
		 test_kernel_error_without_message);
	tap_test("commands: a warning on success goes to stderr",
		 test_kernel_warning);
	tap_test("commands: status shows the fragment table's figures",
		 test_status_frags);
	tap_test("commands: a figure the module omits is left out",
		 test_missing_figure_is_left_out);
	tap_test("commands: a malformed reply is an error, exit 2",
		 test_malformed_reply);
	fake_uninstall();
}
