/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every part of sgtool shares: the global options, the output
 * streams, the exit statuses and the object entry points.
 */
#ifndef SGTOOL_H
#define SGTOOL_H

#include <stdbool.h>
#include <stdio.h>

/*
 * Exit statuses, as iproute2's: 1 for a command line that makes no sense
 * or for nothing to talk to (no module, no such namespace), 2 when the
 * kernel refused a request.
 */
#define SGTOOL_EXIT_OK		0
#define SGTOOL_EXIT_USAGE	1
#define SGTOOL_EXIT_KERNEL	2

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct sgtool_opts {
	bool json;
	bool pretty;		/* implies json */
	const char *netns;	/* NULL: the caller's namespace */
};

extern struct sgtool_opts sgtool_opts;

/* stdout and stderr, except in the unit tests, which capture them. */
extern FILE *sgtool_out;
extern FILE *sgtool_err;

extern const char sgtool_version[];

/* Run one command line (argv[0] is the program); return the exit status. */
int sgtool_main(int argc, char **argv);

/*
 * Objects.  Each gets the command line from its own keyword on (argv[0]
 * is "status", say) and returns an exit status.
 */
int version_main(int argc, char **argv);
int status_main(int argc, char **argv);
int sg_main(int argc, char **argv);
int rule_main(int argc, char **argv);
int pl_main(int argc, char **argv);
int nacl_main(int argc, char **argv);
int iface_main(int argc, char **argv);
int flow_main(int argc, char **argv);
int explain_main(int argc, char **argv);
int stats_main(int argc, char **argv);
int monitor_main(int argc, char **argv);
int save_main(int argc, char **argv);
int apply_main(int argc, char **argv);
int diff_main(int argc, char **argv);
int confirm_main(int argc, char **argv);

#endif /* SGTOOL_H */
