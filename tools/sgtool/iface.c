// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool iface: which security groups and which network ACL filter a
 * device, and its settings.
 *
 *	iface attach DEV NAME...
 *	iface detach DEV [NAME...]
 *	iface nacl DEV {NAME|none}
 *	iface set DEV [tcp-established-timeout S] [udp-timeout S]
 *		[udp-stream-timeout S] [tracking auto|always] [audit on|off]
 *		[mode endpoint|port] [source-check on|off]
 *		[address ADDR...|address none] [mac MAC|mac none]
 *	iface show [DEV]
 *
 * DEV is a device name in the namespace sgtool acts on (-n).  The
 * configuration is bound to the name: the kernel keeps it for a device
 * that is gone, or not there yet, and shows such a name as waiting.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "cmd.h"
#include "dev.h"
#include "msg.h"
#include "print.h"
#include "sgtool.h"

#define OBJ "iface"

/* The settings of `iface set`, in the order of the attributes. */
static const struct {
	const char *keyword;	/* on the command line and in text */
	const char *key;	/* in JSON */
	uint16_t attr;
} settings[] = {
	{ "tcp-established-timeout", "tcp_established_timeout",
	  SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT },
	{ "udp-timeout", "udp_timeout", SGFW_A_IFACE_UDP_TIMEOUT },
	{ "udp-stream-timeout", "udp_stream_timeout",
	  SGFW_A_IFACE_UDP_STREAM_TIMEOUT },
	{ "tracking", "tracking", SGFW_A_IFACE_TRACKING },
	{ "audit", "audit", SGFW_A_IFACE_AUDIT },
	{ "mode", "mode", SGFW_A_IFACE_MODE },
	{ "source-check", "source_check", SGFW_A_IFACE_SOURCE_CHECK },
};

#define N_SETTINGS ARRAY_SIZE(settings)

/* After the settings: "address ADDR..." or "address none". */
#define ADDRESS_KEYWORD "address"
/* "mac MAC" or "mac none". */
#define MAC_KEYWORD "mac"

/* The settings that are on or off: u8 attributes, booleans in JSON. */
static bool setting_is_bool(size_t k)
{
	return settings[k].attr == SGFW_A_IFACE_AUDIT ||
	       settings[k].attr == SGFW_A_IFACE_SOURCE_CHECK;
}

/*
 * What a reply without the setting @k means: an older module's device,
 * which is an endpoint whose source check, were it a port, would be on.
 * Return false when the setting has no default to show.
 */
static bool setting_default(size_t k, uint64_t *v)
{
	if (settings[k].attr == SGFW_A_IFACE_MODE) {
		*v = SGFW_IFACE_MODE_ENDPOINT;
		return true;
	}
	if (settings[k].attr == SGFW_A_IFACE_SOURCE_CHECK) {
		*v = 1;
		return true;
	}
	return false;
}

/*
 * The value of setting @k: a word (tracking auto, audit on, mode port) or
 * a number, and in JSON a string, a boolean or a number.
 */
static void setting_print(size_t k, uint64_t v)
{
	const char *name = NULL;
	char fmt[64];

	if (setting_is_bool(k)) {
		print_bool(settings[k].key, NULL, v);
		print_text(" %s %s", settings[k].keyword, v ? "on" : "off");
		return;
	}
	if (settings[k].attr == SGFW_A_IFACE_TRACKING && v <= UINT32_MAX)
		name = tracking_name((uint32_t)v);
	if (settings[k].attr == SGFW_A_IFACE_MODE && v <= UINT32_MAX)
		name = iface_mode_name((uint32_t)v);
	if (name) {
		snprintf(fmt, sizeof(fmt), " %s %%s", settings[k].keyword);
		print_string(settings[k].key, fmt, name);
	} else {
		snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, settings[k].keyword);
		print_u64(settings[k].key, fmt, v);
	}
}

/* The addresses of a device: counted, and printed when @print. */
struct address_walk {
	bool print;
	unsigned int n;
};

static int address_walk(const struct cidr *c, void *arg)
{
	struct address_walk *w = arg;
	char buf[ADDR_TEXT_LEN];

	w->n++;
	if (w->print) {
		/* A host as a bare address, as members and flows are. */
		prefix_format(c, buf, sizeof(buf));
		print_string(NULL, " %s", buf);
	}
	return 0;
}

/*
 * One device.  In text:
 *
 *	eth0: ifindex 2
 *	  sgs web db
 *	  nacl edge
 *	  tcp-established-timeout 432000 ... audit off mode port source-check on
 *	  addresses 10.0.0.5 fd00::5 10.9.0.0/24
 *	  mac 02:00:00:00:00:05
 */
static int iface_walk(const struct nlmsghdr *nlh, bool print, void *arg)
{
	const struct nlattr *tb[SGFW_A_IFACE_MAX + 1];
	struct address_walk addrs = { 0 };
	uint64_t values[N_SETTINGS];
	char macbuf[MAC_STRLEN];
	uint8_t mac[MAC_LEN];
	bool have[N_SETTINGS];
	const char *ifname, *nacl;
	const struct nlattr *a;
	uint32_t ifindex = 0;
	bool any = false;
	int n = 0, err;

	(void)arg;
	err = nl_parse_attrs(nlh, tb, SGFW_A_IFACE_MAX);
	if (err)
		return err;
	if (tb[SGFW_A_IFACE_IFINDEX] &&
	    nl_attr_u32(tb[SGFW_A_IFACE_IFINDEX], &ifindex))
		return -EBADMSG;
	err = msg_opt_str(tb[SGFW_A_IFACE_IFNAME], &ifname) ?:
	      msg_opt_str(tb[SGFW_A_IFACE_NACL], &nacl);
	if (err)
		return err;
	if (!ifname)
		return -EBADMSG;
	for (size_t i = 0; i < N_SETTINGS; i++) {
		err = nl_attr_uint(tb[settings[i].attr], &values[i]);
		if (err == -EBADMSG)
			return err;
		have[i] = !err || setting_default(i, &values[i]);
		any |= have[i];
	}
	msg_for_each_attr(a, nlh, SGFW_A_IFACE_SG)
		if (!nl_attr_str(a))
			return -EBADMSG;
	if (msg_mac(tb[SGFW_A_IFACE_MAC], mac) == -EBADMSG)
		return -EBADMSG;
	err = msg_addresses(tb[SGFW_A_IFACE_ADDRESSES], address_walk, &addrs);
	if (err || !print)
		return err;

	print_open_object(NULL);
	print_string("device", "%s:", ifname);
	if (ifindex) {
		print_u64("ifindex", " ifindex %" PRIu64, ifindex);
		print_string("state", " %s\n", "bound");
	} else {
		/* No device has the name: the configuration waits for one. */
		print_null("ifindex", NULL);
		print_string("state", " %s\n", "waiting");
	}
	print_open_array("sgs");
	print_text("  sgs");
	msg_for_each_attr(a, nlh, SGFW_A_IFACE_SG) {
		print_string(NULL, " %s", nl_attr_str(a));
		n++;
	}
	print_text("%s\n", n ? "" : " none");
	print_close_array();
	if (nacl)
		print_string("nacl", "  nacl %s\n", nacl);
	else
		print_null("nacl", "  nacl %s\n");

	if (any)
		print_text(" ");
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (have[i])
			setting_print(i, values[i]);
	if (any)
		print_text("\n");

	/* Absent: the list is empty. */
	print_open_array("addresses");
	print_text("  addresses");
	addrs.print = true;
	msg_addresses(tb[SGFW_A_IFACE_ADDRESSES], address_walk, &addrs);
	print_text("%s\n", addrs.n ? "" : " none");
	print_close_array();
	/* Absent: none, MAC addresses are not checked. */
	if (tb[SGFW_A_IFACE_MAC]) {
		mac_format(mac, macbuf, sizeof(macbuf));
		print_string("mac", "  mac %s\n", macbuf);
	} else {
		print_null("mac", "  mac %s\n");
	}
	print_close_object();
	return 0;
}

static int build_iface_name(struct req *q, void *arg)
{
	int status = dev_name_check(arg);

	if (status)
		return status;
	req_str(q, SGFW_A_IFACE_IFNAME, arg);
	return SGTOOL_EXIT_OK;
}

static int iface_show(int argc, char **argv)
{
	static const struct msg_show sh = {
		.cmd = SGFW_CMD_IFACE_GET,
		.walk = iface_walk,
	};

	return cmd_show(OBJ, &sh, build_iface_name, argc, argv);
}

/* iface { attach | detach } DEV NAME...; argv[0] is the command. */
static int iface_sgs(int argc, char **argv, uint8_t cmd, bool need_names)
{
	struct req q;
	int status;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing device name");
	if (need_names && argc < 3)
		return cli_usage_error(OBJ, "missing security group name");
	status = cmd_open_ifname(&q, cmd, argv[1]);
	if (status)
		return status;
	for (int i = 2; i < argc; i++)
		req_str(&q, SGFW_A_IFACE_SG, argv[i]);
	return cmd_send(&q);
}

static int iface_attach(int argc, char **argv)
{
	return iface_sgs(argc, argv, SGFW_CMD_IFACE_ATTACH, true);
}

static int iface_detach(int argc, char **argv)
{
	return iface_sgs(argc, argv, SGFW_CMD_IFACE_DETACH, false);
}

/* iface nacl DEV {NAME|none} */
static int iface_nacl(int argc, char **argv)
{
	struct req q;
	int status;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing device name");
	if (argc < 3)
		return cli_usage_error(OBJ, "missing network ACL name "
				       "(or \"none\")");
	status = cli_no_more_args(OBJ, argc - 3, argv + 3);
	if (status)
		return status;
	status = cmd_open_ifname(&q, SGFW_CMD_IFACE_NACL, argv[1]);
	if (status)
		return status;
	/* No name: the kernel removes the device's NACL. */
	if (strcmp(argv[2], "none"))
		req_str(&q, SGFW_A_IFACE_NACL, argv[2]);
	return cmd_send(&q);
}

/*
 * The value @s of setting @k (whose keyword is @kw) into *v; return 0, or
 * report it and return an exit status.
 */
static int setting_parse(size_t k, const char *kw, const char *s,
			 uint32_t *v)
{
	bool on;
	int err;

	if (settings[k].attr == SGFW_A_IFACE_TRACKING) {
		if (parse_tracking(s, v))
			return cli_usage_error(OBJ, "expected \"auto\" or "
					       "\"always\" after \"tracking\", "
					       "not \"%s\"", s);
		return 0;
	}
	if (settings[k].attr == SGFW_A_IFACE_MODE) {
		if (parse_iface_mode(s, v))
			return cli_usage_error(OBJ, "expected \"endpoint\" or "
					       "\"port\" after \"mode\", not "
					       "\"%s\"", s);
		return 0;
	}
	if (setting_is_bool(k)) {
		if (parse_on_off(s, &on))
			return cli_usage_error(OBJ, "expected \"on\" or "
					       "\"off\" after \"%s\", not "
					       "\"%s\"", kw, s);
		*v = on;
		return 0;
	}
	/* The range is the kernel's to check. */
	err = parse_timeout(s, settings[k].attr ==
			    SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT, v);
	if (err == -ERANGE)
		return cli_usage_error(OBJ, "%s \"%s\" is too large", kw, s);
	if (err)
		return cli_usage_error(OBJ, "invalid %s \"%s\" (seconds)", kw,
				       s);
	return 0;
}

/* The index of the setting @s names, or N_SETTINGS. */
static size_t setting_find(const char *s)
{
	size_t k;

	for (k = 0; k < N_SETTINGS; k++)
		if (!strcmp(s, settings[k].keyword))
			break;
	return k;
}

/* The addresses of "iface set": *n is -1 until "address" is given. */
struct addresses {
	int n;
	struct cidr v[IFACE_MAX_ADDRESSES];
};

/*
 * argv[0] is "address": the addresses up to the next keyword, or "none",
 * into @a; *used is how many words that took.  Return 0, or report the
 * error and return an exit status.
 */
static int addresses_parse(int argc, char **argv, struct addresses *a,
			   int *used)
{
	int n = 1, status;

	*used = 1;
	if (a->n >= 0)
		return cli_usage_error(OBJ, "\"%s\" given twice", argv[0]);
	while (n < argc && setting_find(argv[n]) == N_SETTINGS &&
	       strcmp(argv[n], ADDRESS_KEYWORD) && strcmp(argv[n], MAC_KEYWORD))
		n++;
	*used = n;
	if (n == 1)
		return cli_usage_error(OBJ, "\"%s\" needs an address, or "
				       "\"none\"", argv[0]);
	if (!strcmp(argv[1], "none")) {
		if (n > 2)
			return cli_usage_error(OBJ, "\"%s none\" takes no "
					       "address", argv[0]);
		a->n = 0;
		return 0;
	}
	if (n - 1 > IFACE_MAX_ADDRESSES)
		return cli_usage_error(OBJ, "%d addresses, more than the %d a "
				       "device may have", n - 1,
				       IFACE_MAX_ADDRESSES);
	for (int i = 1; i < n; i++) {
		status = cmd_parse_cidr(OBJ, argv[i], &a->v[i - 1]);
		if (status)
			return status;
	}
	a->n = n - 1;
	return 0;
}

/*
 * The value @s of "mac" into @mac (all zeros for "none"); return 0, or
 * report it and return an exit status.
 */
static int mac_parse(const char *s, uint8_t mac[MAC_LEN])
{
	int err;

	if (!strcmp(s, "none")) {
		memset(mac, 0, MAC_LEN);
		return 0;
	}
	err = parse_mac(s, mac);
	if (err == -EDOM)
		return cli_usage_error(OBJ, "\"%s\" is not an instance's MAC "
				       "address (all zeros, multicast or "
				       "broadcast)", s);
	if (err)
		return cli_usage_error(OBJ, "invalid MAC address \"%s\" "
				       "(XX:XX:XX:XX:XX:XX, or \"none\")", s);
	return 0;
}

static int iface_set(int argc, char **argv)
{
	struct addresses addrs = { .n = -1 };
	uint8_t mac[MAC_LEN];
	bool have_mac = false;
	uint32_t values[N_SETTINGS];
	bool have[N_SETTINGS] = { false };
	bool any = false;
	struct req q;
	int status, used;

	if (argc < 2)
		return cli_usage_error(OBJ, "missing device name");
	for (int i = 2; i < argc; i += 2) {
		size_t k;

		if (!strcmp(argv[i], MAC_KEYWORD)) {
			if (i + 1 >= argc)
				return cli_usage_error(OBJ, "\"%s\" needs a MAC "
						       "address, or \"none\"",
						       argv[i]);
			if (have_mac)
				return cli_usage_error(OBJ, "\"%s\" given "
						       "twice", argv[i]);
			status = mac_parse(argv[i + 1], mac);
			if (status)
				return status;
			have_mac = true;
			any = true;
			continue;
		}
		if (!strcmp(argv[i], ADDRESS_KEYWORD)) {
			status = addresses_parse(argc - i, argv + i, &addrs,
						 &used);
			if (status)
				return status;
			any = true;
			i += used - 2;
			continue;
		}
		k = setting_find(argv[i]);
		if (k == N_SETTINGS)
			return cli_no_more_args(OBJ, argc - i, argv + i);
		if (i + 1 >= argc)
			return cli_usage_error(OBJ, "\"%s\" needs a value",
					       argv[i]);
		if (have[k])
			return cli_usage_error(OBJ, "\"%s\" given twice",
					       argv[i]);
		status = setting_parse(k, argv[i], argv[i + 1], &values[k]);
		if (status)
			return status;
		have[k] = true;
		any = true;
	}
	if (!any)
		return cli_usage_error(OBJ, "nothing to set");

	status = cmd_open_ifname(&q, SGFW_CMD_IFACE_SET, argv[1]);
	if (status)
		return status;
	for (size_t k = 0; k < N_SETTINGS; k++) {
		if (!have[k])
			continue;
		if (setting_is_bool(k))
			req_u8(&q, settings[k].attr, (uint8_t)values[k]);
		else
			req_u32(&q, settings[k].attr, values[k]);
	}
	/* "address none": an empty list, which clears the device's. */
	if (addrs.n >= 0)
		req_addresses(&q, addrs.v, (size_t)addrs.n);
	/* "mac none": all zeros, which clears the device's. */
	if (have_mac)
		req_mac(&q, mac);
	return cmd_send(&q);
}

static const char iface_usage[] =
	"Usage: sgtool [OPTIONS] iface attach DEV NAME...\n"
	"       sgtool [OPTIONS] iface detach DEV [ NAME... ]\n"
	"       sgtool [OPTIONS] iface nacl DEV { NAME | none }\n"
	"       sgtool [OPTIONS] iface set DEV [ tcp-established-timeout S ]\n"
	"              [ udp-timeout S ] [ udp-stream-timeout S ]\n"
	"              [ tracking { auto | always } ] [ audit { on | off } ]\n"
	"              [ mode { endpoint | port } ] [ source-check { on | off } ]\n"
	"              [ address { ADDR... | none } ] [ mac { MAC | none } ]\n"
	"       sgtool [OPTIONS] iface [ show [ DEV ] ]\n"
	"\n"
	"Attach security groups to the device DEV (at most 16), or\n"
	"detach them; without NAME, detach every group, which removes\n"
	"DEV's flows.  A device with neither a group nor a NACL is not\n"
	"filtered.  The configuration is bound to the name DEV: a device\n"
	"created or renamed later under it gets it, one renamed away\n"
	"loses it, and when DEV goes away it waits for the next device\n"
	"of the name until \"iface detach\" (and no NACL or settings)\n"
	"removes it.  DEV must exist, or have a configuration already;\n"
	"only \"apply\" may name a device that does not exist yet.\n"
	"\n"
	"\"iface nacl\" gives DEV the network ACL NAME (a device has at\n"
	"most one: remove the one it has first), or takes its NACL away\n"
	"with \"none\".  A device with no NACL has no NACL filtering.\n"
	"\n"
	"Timeouts are idle times in seconds: tcp-established-timeout\n"
	"60-432000 (default 432000; \"aws-nitro\" is 350), udp-timeout\n"
	"30-60 (default 30), udp-stream-timeout 60-180 (default 180).\n"
	"tracking \"always\" tracks every flow, even those that \"auto\"\n"
	"leaves untracked.  audit \"on\" lets pass the packets DEV would\n"
	"drop, counted by reason (see \"sgtool stats\"), to try rules out.\n"
	"\n"
	"mode \"endpoint\" (the default): DEV is the namespace's own\n"
	"interface; ingress is what it receives through DEV, egress what\n"
	"it sends.  mode \"port\": DEV is the host side of an instance's\n"
	"interface (veth peer, tap); ingress is what the host sends into\n"
	"DEV, egress what comes out of it.  address: the instance's\n"
	"addresses, IPv4 or IPv6 addresses or CIDRs (at most 64), which\n"
	"replace the list DEV has; \"none\" clears it.  They are what\n"
	"source check accepts, and what DEV's groups stand for as peers.\n"
	"source-check \"on\" (the default): packets from the instance with\n"
	"another source are dropped (spoofed); \"off\": none is.\n"
	"mac: the instance's MAC address (XX:XX:XX:XX:XX:XX, unicast); with\n"
	"source-check on, frames from the instance with another Ethernet\n"
	"source, ARP with another sender hardware address and neighbour\n"
	"discovery naming another link-layer address are dropped (spoofed);\n"
	"\"none\" (the default): MAC addresses are not checked.\n"
	"Any of the settings may be given alone, in any order.\n"
	"\n"
	"\"iface show\" prints every device name sgfw has a configuration\n"
	"for, or DEV, bound to its device or waiting for one; with -j, a\n"
	"JSON array.\n";

static const struct cli_cmd iface_cmds[] = {
	{ "attach", iface_attach, "attach security groups to a device" },
	{ "detach", iface_detach, "detach security groups from a device" },
	{ "nacl", iface_nacl, "attach a network ACL to a device, or none" },
	{ "set", iface_set,
	  "set a device's timeouts, tracking, audit mode, port mode, "
	  "addresses and MAC address" },
	{ "show", iface_show, "show devices (the default)" },
	{ 0 }
};

static const struct cli_object iface_object = {
	.name = OBJ,
	.cmds = iface_cmds,
	.usage = iface_usage,
	.fallback = iface_show,
};

int iface_main(int argc, char **argv)
{
	return cli_run(&iface_object, argc, argv);
}
