/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the commands of several objects share, as iproute2 keeps it in its
 * lib/: a request on a connection of its own (about a device, say),
 * "show [NAME]", the commands that send nothing but a name, and those that
 * add a list of CIDRs to a named set or remove them.
 */
#ifndef SGTOOL_CMD_H
#define SGTOOL_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"
#include "parse.h"

/*
 * Open a connection (conn_open()) and start the request @cmd on it, with
 * no flags.  Return an exit status; on failure nothing is left open.
 */
int cmd_open(struct req *q, uint8_t cmd);

/*
 * cmd_open() the request @cmd about the device @dev, its index (looked up
 * in the namespace the connection is in) put as the u32 attribute @attr.
 * Return an exit status; on failure nothing is left open.
 */
int cmd_open_dev(struct req *q, uint8_t cmd, uint16_t attr, const char *dev);

/*
 * cmd_open() the request @cmd about the device name @dev, which need not
 * be a device's (configurations are bound to names): put as
 * SGFW_A_IFACE_IFNAME.  Return an exit status; on failure nothing is left
 * open.
 */
int cmd_open_ifname(struct req *q, uint8_t cmd, const char *dev);

/* Send @q (req_talk(), no replies wanted), close its connection. */
int cmd_send(struct req *q);

/*
 * "OBJECT show [KEY]", argv[0] being "show": msg_show() of every object of
 * @sh (a dump), or, with KEY, a "do" for that one, KEY put by @build (with
 * KEY as its argument) or, @build NULL, as the string attribute
 * @sh->join_key.  Anything after KEY is refused, pointing to @obj's help.
 */
int cmd_show(const char *obj, const struct msg_show *sh,
	     int (*build)(struct req *q, void *arg), int argc, char **argv);

/*
 * "OBJECT VERB NAME", argv[0] being VERB: send @cmd with NAME as the
 * string attribute @attr.  @what names the object in "missing @what name".
 */
int cmd_name_only(const char *obj, const char *what, uint8_t cmd,
		  uint16_t attr, int argc, char **argv);

/*
 * ADDR or ADDR/LEN (parse_cidr()) into @c; return 0, or report what is
 * wrong with @arg, pointing to the help of @obj, and return an exit
 * status.
 */
int cmd_parse_cidr(const char *obj, const char *arg, struct cidr *c);

/* A set of CIDRs that has a name (a group's members, a prefix list). */
struct cmd_cidr_list {
	const char *obj;	/* whose help a usage error points to */
	const char *what;	/* in "missing @what name" */
	const char *item;	/* in "missing @item" */
	/* Parse one CIDR; return 0, or report it and return an exit status. */
	int (*parse)(const char *obj, const char *arg, struct cidr *c);
	uint16_t name_attr;	/* the set's name, a string */
	uint16_t cidr_attr;	/* each CIDR, a nest of SGFW_A_CIDR_* */
	bool plen;		/* with its prefix length */
};

/*
 * "... { add | del } NAME CIDR...", argv[0] being the verb: send @cmd with
 * NAME and every CIDR, all parsed first.
 */
int cmd_cidr_list(const struct cmd_cidr_list *l, uint8_t cmd,
		  int argc, char **argv);

#endif /* SGTOOL_CMD_H */
