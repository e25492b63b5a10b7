// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: exact keywords, the options, help, and the one-line
 * errors for what is not understood.  The scripted kernel stands behind
 * every run, so nothing here reaches the real one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fake_kernel.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

static int called;

static int cmd_a(int argc, char **argv)
{
	(void)argv;
	called = argc;
	return 0;
}

static const struct cli_cmd table[] = {
	{ "show", cmd_a, "show" },
	{ "showall", cmd_a, "show all" },
	{ "help", cmd_a, "help" },
	{ 0 }
};

static int test_find_is_exact(void)
{
	EXPECT(cli_find(table, "show") == &table[0]);
	EXPECT(cli_find(table, "showall") == &table[1]);
	EXPECT(cli_find(table, "sho") == NULL);
	EXPECT(cli_find(table, "showa") == NULL);
	EXPECT(cli_find(table, "shows") == NULL);
	EXPECT(cli_find(table, "SHOW") == NULL);
	EXPECT(cli_find(table, "") == NULL);
	return 0;
}

static int test_help_words(void)
{
	EXPECT(cli_is_help("help"));
	EXPECT(cli_is_help("-h"));
	EXPECT(cli_is_help("--help"));
	EXPECT(!cli_is_help("hel"));
	EXPECT(!cli_is_help("-help"));
	return 0;
}

static int test_dispatch_passes_the_rest(void)
{
	char *argv[] = { "showall", "x", "y", NULL };

	called = 0;
	EXPECT_INT(cli_dispatch("thing", table, 3, argv), 0);
	EXPECT_INT(called, 3);
	return 0;
}

static int fallback_argc;

static int fallback(int argc, char **argv)
{
	(void)argv;
	fallback_argc = argc;
	return 7;
}

static const struct cli_cmd thing_cmds[] = {
	{ "show", cmd_a, "show" },
	{ 0 }
};

static const struct cli_object thing = {
	.name = "thing",
	.cmds = thing_cmds,
	.usage = "Usage: thing\n",
	.fallback = fallback,
};

static int test_run_object(void)
{
	char *none[] = { "thing", NULL };
	char *show[] = { "thing", "show", "x", NULL };
	char *help[] = { "thing", "-h", "x", NULL };
	FILE *saved = sgtool_out;
	char *out = NULL;
	size_t len = 0;
	int status;

	fallback_argc = 0;
	EXPECT_INT(cli_run(&thing, 1, none), 7);
	EXPECT_INT(fallback_argc, 1);
	called = 0;
	EXPECT_INT(cli_run(&thing, 3, show), 0);
	EXPECT_INT(called, 2);

	sgtool_out = open_memstream(&out, &len);
	EXPECT(sgtool_out);
	status = cli_run(&thing, 3, help);
	fclose(sgtool_out);
	sgtool_out = saved;
	EXPECT_INT(status, 0);
	EXPECT_STR(out, "Usage: thing\n");
	free(out);
	return 0;
}

static int test_unknown_object(void)
{
	fake_install();
	EXPECT_RUN(run_sgtool("stat", NULL), 1, "",
		   "sgtool: unknown object \"stat\", try \"sgtool help\"\n");
	EXPECT_RUN(run_sgtool("statuss", NULL), 1, "",
		   "sgtool: unknown object \"statuss\", try \"sgtool help\"\n");
	EXPECT_INT(fake.opens, 0);
	return 0;
}

static int test_unknown_command(void)
{
	fake_install();
	EXPECT_RUN(run_sgtool("status", "sho", NULL), 1, "",
		   "sgtool: unknown command \"sho\" for status, "
		   "try \"sgtool status help\"\n");
	EXPECT_RUN(run_sgtool("version", "show", NULL), 1, "",
		   "sgtool: unknown command \"show\" for version, "
		   "try \"sgtool version help\"\n");
	EXPECT_INT(fake.opens, 0);
	return 0;
}

static int test_extra_argument(void)
{
	EXPECT_RUN(run_sgtool("status", "show", "all", NULL), 1, "",
		   "sgtool: unexpected argument \"all\", "
		   "try \"sgtool status help\"\n");
	EXPECT_RUN(run_sgtool("help", "status", "more", NULL), 1, "",
		   "sgtool: unexpected argument \"more\", "
		   "try \"sgtool help\"\n");
	return 0;
}

static int test_unknown_option(void)
{
	EXPECT_RUN(run_sgtool("-x", "status", NULL), 1, "",
		   "sgtool: unknown option \"-x\", try \"sgtool help\"\n");
	/* Options are whole words too: no bundling, no prefixes. */
	EXPECT_RUN(run_sgtool("-jp", "status", NULL), 1, "",
		   "sgtool: unknown option \"-jp\", try \"sgtool help\"\n");
	EXPECT_RUN(run_sgtool("--js", "status", NULL), 1, "",
		   "sgtool: unknown option \"--js\", try \"sgtool help\"\n");
	EXPECT_RUN(run_sgtool("-n", NULL), 1, "",
		   "sgtool: option \"-n\" needs a namespace name, "
		   "try \"sgtool help\"\n");
	return 0;
}

static int test_no_object_prints_usage_and_fails(void)
{
	const struct run *r = run_sgtool(NULL, NULL);

	EXPECT_INT(r->status, 1);
	EXPECT_STR(r->out, "");
	EXPECT(!strncmp(r->err, "Usage: sgtool [OPTIONS] OBJECT", 30));
	r = run_sgtool("-j", NULL);
	EXPECT_INT(r->status, 1);
	EXPECT(!strncmp(r->err, "Usage: ", 7));
	return 0;
}

static int test_help_lists_objects(void)
{
	static const char *const forms[] = { "help", "-h", "--help" };

	for (unsigned int i = 0; i < 3; i++) {
		const struct run *r = run_sgtool(forms[i], NULL);

		EXPECT_INT(r->status, 0);
		EXPECT_STR(r->err, "");
		EXPECT(!strncmp(r->out, "Usage: sgtool [OPTIONS] OBJECT", 30));
		EXPECT(strstr(r->out, "\n  version      show the versions"));
		EXPECT(strstr(r->out, "\n  status       show the flow table"));
		EXPECT(strstr(r->out, "\n  sg           "));
		EXPECT(strstr(r->out, "\n  rule         "));
		EXPECT(strstr(r->out, "\n  prefix-list  "));
		EXPECT(strstr(r->out, "\n  nacl         manage network ACLs"));
		EXPECT(strstr(r->out, "\n  iface        "));
		EXPECT(strstr(r->out, "\n  flow         "));
		EXPECT(strstr(r->out, "\n  stats        "));
		EXPECT(strstr(r->out, "\n  monitor      print events"));
		EXPECT(strstr(r->out, "-p, --pretty"));
	}
	return 0;
}

static int test_object_help(void)
{
	static const char *const forms[][2] = {
		{ "status", "help" }, { "status", "-h" },
		{ "status", "--help" }, { "help", "status" },
	};

	fake_install();
	for (unsigned int i = 0; i < 4; i++) {
		const struct run *r = run_sgtool(forms[i][0], forms[i][1],
						 NULL);

		EXPECT_INT(r->status, 0);
		EXPECT_STR(r->err, "");
		EXPECT(!strncmp(r->out,
				"Usage: sgtool [OPTIONS] status [ show ]\n",
				40));
	}
	EXPECT_RUN(run_sgtool("help", "stat", NULL), 1, "",
		   "sgtool: unknown object \"stat\", try \"sgtool help\"\n");
	EXPECT(!strncmp(run_sgtool("version", "help", NULL)->out,
			"Usage: sgtool [OPTIONS] version\n", 32));
	EXPECT_INT(fake.opens, 0);
	return 0;
}

/* Every object, and the commands with commands of their own. */
static int test_every_object_has_help(void)
{
	static const struct {
		const char *args[3];
		const char *usage;
	} helps[] = {
		{ { "sg", "help" }, "Usage: sgtool [OPTIONS] sg add NAME" },
		{ { "help", "sg" }, "Usage: sgtool [OPTIONS] sg add NAME" },
		{ { "sg", "member", "help" },
		  "Usage: sgtool [OPTIONS] sg member { add | del } NAME" },
		{ { "rule", "help" }, "Usage: sgtool [OPTIONS] rule add NAME" },
		{ { "help", "rule" }, "Usage: sgtool [OPTIONS] rule add NAME" },
		{ { "prefix-list", "--help" },
		  "Usage: sgtool [OPTIONS] prefix-list add NAME" },
		{ { "prefix-list", "entry", "help" },
		  "Usage: sgtool [OPTIONS] prefix-list add NAME" },
		{ { "iface", "-h" }, "Usage: sgtool [OPTIONS] iface attach DEV" },
		{ { "nacl", "help" }, "Usage: sgtool [OPTIONS] nacl add NAME" },
		{ { "help", "nacl" }, "Usage: sgtool [OPTIONS] nacl add NAME" },
		{ { "nacl", "rule", "--help" },
		  "Usage: sgtool [OPTIONS] nacl add NAME" },
		{ { "flow", "help" }, "Usage: sgtool [OPTIONS] flow [ show ]" },
		{ { "stats", "help" }, "Usage: sgtool [OPTIONS] stats [ show ]" },
		{ { "monitor", "--help" },
		  "Usage: sgtool [OPTIONS] monitor [ flows ]" },
		{ { "help", "monitor" },
		  "Usage: sgtool [OPTIONS] monitor [ flows ]" },
	};

	fake_install();
	for (unsigned int i = 0; i < ARRAY_SIZE(helps); i++) {
		const struct run *r = run_sgtool(helps[i].args[0],
						 helps[i].args[1],
						 helps[i].args[2], NULL);

		EXPECT_INT(r->status, 0);
		EXPECT_STR(r->err, "");
		if (strncmp(r->out, helps[i].usage, strlen(helps[i].usage))) {
			tap_diag_str("help for", helps[i].args[0]);
			tap_diag_str("got:", r->out);
			return -1;
		}
	}
	/* What the help says about the presets and the JSON. */
	EXPECT(strstr(run_sgtool("iface", "help", NULL)->out,
		      "\"aws-nitro\" is 350"));
	EXPECT(strstr(run_sgtool("rule", "help", NULL)->out,
		      "0 is the protocol numbered 0"));
	EXPECT(strstr(run_sgtool("iface", "help", NULL)->out,
		      "iface nacl DEV { NAME | none }"));
	EXPECT(strstr(run_sgtool("nacl", "help", NULL)->out,
		      "nacl rule del NAME NUM { ingress | egress }"));
	EXPECT(strstr(run_sgtool("nacl", "help", NULL)->out,
		      "ACTION := { allow | deny }"));
	EXPECT_INT(fake.opens, 0);
	return 0;
}

static int test_netns_missing(void)
{
	fake_install();
	EXPECT_RUN(run_sgtool("-n", "sgtool-test-no-such-ns", "status", NULL),
		   1, "",
		   "sgtool: cannot enter network namespace "
		   "\"sgtool-test-no-such-ns\": No such file or directory\n");
	/* No socket is opened in the caller's namespace instead. */
	EXPECT_INT(fake.opens, 0);
	return 0;
}

static int test_netns_name_must_be_plain(void)
{
	static const char *const bad[] = { "../x", "a/b", ".", "..", "" };

	fake_install();
	for (unsigned int i = 0; i < 5; i++) {
		char want[128];

		snprintf(want, sizeof(want),
			 "sgtool: invalid network namespace name \"%s\"\n",
			 bad[i]);
		EXPECT_RUN(run_sgtool("--netns", bad[i], "status", NULL), 1,
			   "", want);
	}
	EXPECT_INT(fake.opens, 0);
	return 0;
}

void suite_cli(void)
{
	fake_install();
	tap_test("cli: keywords match exactly, never by prefix",
		 test_find_is_exact);
	tap_test("cli: help, -h and --help ask for help", test_help_words);
	tap_test("cli: dispatch hands the command its arguments",
		 test_dispatch_passes_the_rest);
	tap_test("cli: an object runs its fallback, help or command",
		 test_run_object);
	tap_test("cli: an unknown object is one line and exit 1",
		 test_unknown_object);
	tap_test("cli: an unknown command is one line and exit 1",
		 test_unknown_command);
	tap_test("cli: an extra argument is refused", test_extra_argument);
	tap_test("cli: an unknown or incomplete option is refused",
		 test_unknown_option);
	tap_test("cli: no object prints the usage and exits 1",
		 test_no_object_prints_usage_and_fails);
	tap_test("cli: help lists the objects on stdout",
		 test_help_lists_objects);
	tap_test("cli: each object has its own help", test_object_help);
	tap_test("cli: every object and sub-command has its help",
		 test_every_object_has_help);
	tap_test("cli: -n with a missing namespace is one line and exit 1",
		 test_netns_missing);
	tap_test("cli: -n takes a plain name, never a path",
		 test_netns_name_must_be_plain);
	fake_uninstall();
}
