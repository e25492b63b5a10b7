// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool: configure sgfw, the stateful security groups and network ACLs
 * of a Linux host, over its generic netlink family.
 *
 *	sgtool [OPTIONS] OBJECT { COMMAND | help }
 *
 * Each object is a file with an OBJECT_main(); this one reads the global
 * options and hands the rest of the command line to the object named.
 */

#include <string.h>

#include "cli.h"
#include "print.h"
#include "sgtool.h"

struct sgtool_opts sgtool_opts;
FILE *sgtool_out;
FILE *sgtool_err;

static const struct cli_cmd objects[] = {
	{ "version", version_main,
	  "show the versions of sgtool and of the sgfw kernel module" },
	{ "status", status_main,
	  "show the flow table figures of the network namespace" },
	{ "sg", sg_main, "create, delete and show security groups" },
	{ "rule", rule_main, "add and delete the rules of a security group" },
	{ "prefix-list", pl_main, "manage prefix lists, sets of CIDRs" },
	{ "nacl", nacl_main, "manage network ACLs and their numbered rules" },
	{ "iface", iface_main,
	  "attach security groups and network ACLs to devices" },
	{ "flow", flow_main, "list tracked flows, show or set their limit" },
	{ "explain", explain_main,
	  "show what a device's rules would do with a packet" },
	{ "stats", stats_main, "show the namespace's and devices' counters" },
	{ "monitor", monitor_main,
	  "print events as they come: flows, drops, changes; flow logs" },
	{ "save", save_main, "print the whole configuration as JSON" },
	{ "apply", apply_main,
	  "make the configuration a saved file's, in one transaction" },
	{ "diff", diff_main, "show what applying a file would change" },
	{ "confirm", confirm_main, "keep the configuration of an apply ... confirm" },
	{ 0 }
};

static void usage(FILE *f)
{
	fputs("Usage: sgtool [OPTIONS] OBJECT { COMMAND | help }\n"
	      "       sgtool help [OBJECT]\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json           print JSON\n"
	      "  -p, --pretty         print indented JSON (implies -j)\n"
	      "  -n, --netns NETNS    act in the network namespace NETNS\n"
	      "                       (/run/netns/NETNS, as ip -n does)\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Objects:\n", f);
	cli_list(f, objects);
}

/* sgtool help [OBJECT] */
static int help(int argc, char **argv)
{
	char *obj_argv[3];

	if (argc < 2) {
		usage(sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	if (argc > 2)
		return cli_no_more_args(NULL, argc - 2, argv + 2);
	obj_argv[0] = argv[1];
	obj_argv[1] = "help";
	obj_argv[2] = NULL;
	return cli_dispatch(NULL, objects, 2, obj_argv);
}

int sgtool_main(int argc, char **argv)
{
	enum print_mode mode;

	sgtool_opts = (struct sgtool_opts){ 0 };
	if (!sgtool_out)
		sgtool_out = stdout;
	if (!sgtool_err)
		sgtool_err = stderr;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		const char *opt = argv[0];

		if (!strcmp(opt, "-j") || !strcmp(opt, "--json")) {
			sgtool_opts.json = true;
		} else if (!strcmp(opt, "-p") || !strcmp(opt, "--pretty")) {
			sgtool_opts.json = true;
			sgtool_opts.pretty = true;
		} else if (!strcmp(opt, "-n") || !strcmp(opt, "--netns")) {
			if (argc < 2)
				return cli_usage_error(NULL,
					"option \"%s\" needs a namespace name",
					opt);
			sgtool_opts.netns = argv[1];
			argc--;
			argv++;
		} else if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) {
			usage(sgtool_out);
			return SGTOOL_EXIT_OK;
		} else {
			return cli_usage_error(NULL, "unknown option \"%s\"",
					       opt);
		}
	}

	if (argc < 1) {
		usage(sgtool_err);
		return SGTOOL_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help"))
		return help(argc, argv);

	if (sgtool_opts.pretty)
		mode = PRINT_JSON_PRETTY;
	else if (sgtool_opts.json)
		mode = PRINT_JSON;
	else
		mode = PRINT_TEXT;
	print_init(sgtool_out, mode);

	return cli_dispatch(NULL, objects, argc, argv);
}

/* The unit tests link everything above and bring their own main(). */
#ifndef SGTOOL_NO_MAIN
int main(int argc, char **argv)
{
	sgtool_out = stdout;
	sgtool_err = stderr;
	return sgtool_main(argc, argv);
}
#endif
