// SPDX-License-Identifier: GPL-2.0
/*
 * The built binary, run on this machine's own kernel through a real
 * netlink socket.  Where sgfw is not loaded (the build machines), the
 * not-loaded path is checked; where it is (a test guest), the success
 * path is.  SGTOOL_BIN names the binary.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/sgfw.h>

#include "conn.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

#define NOT_LOADED_LINE "sgtool: " CONN_NOT_LOADED "\n"

static const char *bin;

static struct exec_result {
	int status;		/* the exit status, or -1 */
	char out[4096];
	char err[4096];
} res;

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run the binary with the NULL-terminated arguments into res. */
static void exec_sgtool(const char *arg, ...)
{
	char *argv[16] = { (char *)bin };
	FILE *out = tmpfile(), *err = tmpfile();
	int argc = 1, wstatus;
	va_list ap;
	pid_t pid;

	va_start(ap, arg);
	for (; arg && argc < 15; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;

	res.status = -1;
	res.out[0] = res.err[0] = '\0';
	if (!out || !err)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		dup2(fileno(out), STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		execv(bin, argv);
		_exit(127);
	}
	if (waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus))
		res.status = WEXITSTATUS(wstatus);
	slurp(out, res.out, sizeof(res.out));
	slurp(err, res.err, sizeof(res.err));
}

static int test_status_not_loaded(void)
{
	exec_sgtool("status", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err, NOT_LOADED_LINE);
	return 0;
}

static int test_json_version_not_loaded(void)
{
	char want[256];

	exec_sgtool("-j", "version", NULL);
	snprintf(want, sizeof(want), "{\"tool\":\"%s\"}\n", sgtool_version);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, want);
	EXPECT_STR(res.err, NOT_LOADED_LINE);
	return 0;
}

static int test_status_loaded(void)
{
	exec_sgtool("-j", "status", NULL);
	EXPECT_INT(res.status, 0);
	EXPECT_STR(res.err, "");
	EXPECT(!strncmp(res.out, "{\"version\":\"", 12));
	EXPECT(strstr(res.out, "\"conntrack_allowance_available\":"));
	return 0;
}

static int test_json_version_loaded(void)
{
	char want[256];

	exec_sgtool("-j", "version", NULL);
	snprintf(want, sizeof(want), "{\"tool\":\"%s\",\"module\":\"",
		 sgtool_version);
	EXPECT_INT(res.status, 0);
	EXPECT_STR(res.err, "");
	EXPECT(!strncmp(res.out, want, strlen(want)));
	return 0;
}

static int test_unknown_object(void)
{
	exec_sgtool("bogus", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err,
		   "sgtool: unknown object \"bogus\", try \"sgtool help\"\n");
	return 0;
}

/* Refused by sgtool itself, loaded module or not. */
static int test_bad_rule(void)
{
	exec_sgtool("rule", "add", "web", "ingress", "tcp", "port", "65536",
		    "from", "0.0.0.0/0", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err, "sgtool: port out of range in \"65536\" "
		   "(0-65535), try \"sgtool rule help\"\n");
	return 0;
}

static int test_sg_not_loaded(void)
{
	exec_sgtool("-j", "sg", "show", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err, NOT_LOADED_LINE);
	return 0;
}

static int test_nacl_not_loaded(void)
{
	exec_sgtool("-j", "nacl", "show", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err, NOT_LOADED_LINE);
	return 0;
}

/* Refused by sgtool itself, loaded module or not. */
static int test_bad_nacl_rule(void)
{
	exec_sgtool("nacl", "rule", "add", "edge", "100", "ingress", "allow",
		    "all", "from", "10.0.0.0/33", NULL);
	EXPECT_INT(res.status, 1);
	EXPECT_STR(res.out, "");
	EXPECT_STR(res.err, "sgtool: prefix length out of range in "
		   "\"10.0.0.0/33\", try \"sgtool nacl help\"\n");
	return 0;
}

static int test_help(void)
{
	exec_sgtool("help", NULL);
	EXPECT_INT(res.status, 0);
	EXPECT_STR(res.err, "");
	EXPECT(strstr(res.out, "Usage: sgtool [OPTIONS] OBJECT"));
	return 0;
}

/*
 * Whether this kernel has the family, asked through the same layer over
 * a real socket; 1, 0, or -errno when netlink itself fails.
 */
static int family_present(void)
{
	struct nl_sock *s = nl_open();
	int err;

	if (!s)
		return -errno;
	err = nl_resolve(s, SGFW_GENL_NAME);
	nl_close(s);
	if (err == -ENOENT)
		return 0;
	return err ? err : 1;
}

void suite_binary(void)
{
	static const char *const names[] = {
		"binary: status without the module: the line, exit 1",
		"binary: -j version without the module: the tool's, exit 1",
		"binary: status with the module loaded succeeds",
		"binary: -j version with the module loaded shows both",
	};
	int present;

	bin = getenv("SGTOOL_BIN");
	if (!bin)
		bin = "./sgtool";
	if (access(bin, X_OK)) {
		for (unsigned int i = 0; i < 4; i++)
			tap_skip(names[i], "no binary to run (SGTOOL_BIN)");
		return;
	}

	present = family_present();
	if (present < 0) {
		for (unsigned int i = 0; i < 4; i++)
			tap_skip(names[i], "no generic netlink here");
	} else if (!present) {
		tap_diag("this kernel has no sgfw family");
		tap_test(names[0], test_status_not_loaded);
		tap_test(names[1], test_json_version_not_loaded);
		tap_test("binary: sg show without the module: the line, exit 1",
			 test_sg_not_loaded);
		tap_test("binary: nacl show without the module: the line, "
			 "exit 1", test_nacl_not_loaded);
	} else {
		tap_diag("this kernel has the sgfw family");
		tap_test(names[2], test_status_loaded);
		tap_test(names[3], test_json_version_loaded);
	}
	tap_test("binary: an unknown object exits 1", test_unknown_object);
	tap_test("binary: help exits 0", test_help);
	tap_test("binary: a port past 65535 is refused, exit 1",
		 test_bad_rule);
	tap_test("binary: a NACL rule with a bad CIDR is refused, exit 1",
		 test_bad_nacl_rule);
}
