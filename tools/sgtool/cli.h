/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line matching and messages.  Keywords are matched exactly: a
 * prefix of a keyword is not that keyword, so that adding a keyword never
 * changes what an existing command line means.
 */
#ifndef SGTOOL_CLI_H
#define SGTOOL_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;	/* one line */
};

/* "help", "-h" or "--help". */
bool cli_is_help(const char *arg);

/* The entry of the NULL-terminated @cmds named exactly @name, or NULL. */
const struct cli_cmd *cli_find(const struct cli_cmd *cmds, const char *name);

/*
 * Run the entry of @cmds named by argv[0] with (argc, argv); "-h" and
 * "--help" find the entry "help".  @object is NULL for the table of
 * objects, else the object whose commands @cmds are; it names the help to
 * point to when argv[0] is unknown or missing.
 */
int cli_dispatch(const char *object, const struct cli_cmd *cmds,
		 int argc, char **argv);

/*
 * An object, or a group of commands within one ("sg member"), as a table:
 * its commands, what its help prints, and what it does when no command
 * follows its keyword.
 */
struct cli_object {
	const char *name;		/* as in "sgtool NAME help" */
	const struct cli_cmd *cmds;	/* NULL-terminated, without "help" */
	const char *usage;		/* what "help" or "-h" prints */
	/* Run with (argc, argv) when no command follows; NULL: an error. */
	int (*fallback)(int argc, char **argv);
};

/*
 * argv[0] is the keyword of @obj.  Print its usage on sgtool_out when
 * argv[1] asks for help, run its fallback when there is no argv[1], else
 * cli_dispatch() the command line from argv[1] on to its commands.
 */
int cli_run(const struct cli_object *obj, int argc, char **argv);

/* Print "  name   help" for each entry of @cmds but "help". */
void cli_list(FILE *f, const struct cli_cmd *cmds);

/* "sgtool: " @fmt "\n" on sgtool_err. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A usage error: the message, then where to find help (`sgtool help` or
 * `sgtool OBJECT help`), on one line.  Return SGTOOL_EXIT_USAGE.
 */
int cli_usage_error(const char *object, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Refuse anything after the last expected argument: argv[0] is extra. */
int cli_no_more_args(const char *object, int argc, char **argv);

/* Finish the output (print_end()); return an exit status. */
int cli_output_end(void);
/* Finish one document of a stream (print_next()); an exit status. */
int cli_output_next(void);

#endif /* SGTOOL_CLI_H */
