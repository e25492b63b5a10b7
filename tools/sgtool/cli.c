// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line matching and messages.  See cli.h.
 */

#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "sgtool.h"

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") ||
	       !strcmp(arg, "--help");
}

const struct cli_cmd *cli_find(const struct cli_cmd *cmds, const char *name)
{
	for (; cmds->name; cmds++)
		if (!strcmp(cmds->name, name))
			return cmds;
	return NULL;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sgtool: ", sgtool_err);
	va_start(ap, fmt);
	vfprintf(sgtool_err, fmt, ap);
	va_end(ap);
	fputc('\n', sgtool_err);
}

int cli_usage_error(const char *object, const char *fmt, ...)
{
	va_list ap;

	fputs("sgtool: ", sgtool_err);
	va_start(ap, fmt);
	vfprintf(sgtool_err, fmt, ap);
	va_end(ap);
	if (object)
		fprintf(sgtool_err, ", try \"sgtool %s help\"\n", object);
	else
		fputs(", try \"sgtool help\"\n", sgtool_err);
	return SGTOOL_EXIT_USAGE;
}

int cli_dispatch(const char *object, const struct cli_cmd *cmds,
		 int argc, char **argv)
{
	const char *what = object ? "command" : "object";
	const struct cli_cmd *c;

	if (argc < 1)
		return cli_usage_error(object, "missing %s", what);
	c = cli_find(cmds, cli_is_help(argv[0]) ? "help" : argv[0]);
	if (!c) {
		if (object)
			return cli_usage_error(object,
					       "unknown command \"%s\" for %s",
					       argv[0], object);
		return cli_usage_error(NULL, "unknown object \"%s\"", argv[0]);
	}
	return c->fn(argc, argv);
}

int cli_run(const struct cli_object *obj, int argc, char **argv)
{
	if (argc < 2 && obj->fallback)
		return obj->fallback(argc, argv);
	if (argc >= 2 && cli_is_help(argv[1])) {
		fputs(obj->usage, sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	return cli_dispatch(obj->name, obj->cmds, argc - 1, argv + 1);
}

void cli_list(FILE *f, const struct cli_cmd *cmds)
{
	int width = 0;

	for (const struct cli_cmd *c = cmds; c->name; c++)
		if (strcmp(c->name, "help") && (int)strlen(c->name) > width)
			width = (int)strlen(c->name);
	for (; cmds->name; cmds++)
		if (strcmp(cmds->name, "help"))
			fprintf(f, "  %-*s  %s\n", width, cmds->name,
				cmds->help);
}

int cli_no_more_args(const char *object, int argc, char **argv)
{
	if (argc < 1)
		return SGTOOL_EXIT_OK;
	return cli_usage_error(object, "unexpected argument \"%s\"", argv[0]);
}

static int output_status(int err)
{
	if (err) {
		cli_error("cannot write the output: %s", strerror(-err));
		return SGTOOL_EXIT_USAGE;
	}
	return SGTOOL_EXIT_OK;
}

int cli_output_end(void)
{
	return output_status(print_end());
}

int cli_output_next(void)
{
	return output_status(print_next());
}
