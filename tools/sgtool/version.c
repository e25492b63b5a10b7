// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool version: the tool's version and the loaded module's.
 */

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "print.h"
#include "sgtool.h"
#include "status.h"

/* The Makefile passes `git describe`, or 0.1.0 outside a git tree. */
#ifndef SGTOOL_VERSION
#define SGTOOL_VERSION "0.1.0"
#endif

const char sgtool_version[] = SGTOOL_VERSION;

/* sgtool version, with nothing after it. */
static int version_show(int argc, char **argv)
{
	struct conn_failure why;
	struct sgfw_status st;
	struct nl_sock *s;
	int status, out, err = 0;

	(void)argc;
	(void)argv;
	/*
	 * Ask the module first and complain last, so that the tool's version
	 * is printed whatever happens and the JSON stays one whole document.
	 */
	status = conn_try_open(&s, &why);
	if (!status)
		err = status_query(s, &st);

	print_open_object(NULL);
	print_kv_width(sizeof("module") - 1);
	print_kv_string("tool", sgtool_version);
	if (!status && !err && (st.have & (1u << SGFW_A_STATUS_VERSION)))
		print_kv_string("module", st.version);
	print_close_object();
	out = cli_output_end();

	if (status)
		return conn_failure_report(&why);
	status = conn_report(s, err);
	nl_close(s);
	return status ? status : out;
}

static const char version_usage[] =
	"Usage: sgtool [OPTIONS] version\n"
	"\n"
	"Show the version of sgtool and of the sgfw kernel module.\n"
	"When the module is not loaded, show sgtool's and fail.\n";

static const struct cli_cmd version_cmds[] = {
	{ 0 }
};

static const struct cli_object version_object = {
	.name = "version",
	.cmds = version_cmds,
	.usage = version_usage,
	.fallback = version_show,
};

int version_main(int argc, char **argv)
{
	return cli_run(&version_object, argc, argv);
}
