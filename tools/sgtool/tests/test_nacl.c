// SPDX-License-Identifier: GPL-2.0
/*
 * Network ACLs: what `nacl` and `iface nacl` send, what `nacl show`
 * prints from the replies the module would send, and the command lines
 * sgtool refuses itself.
 */

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <linux/sgfw.h>

#include "expect_req.h"

/* A field of the rule's match nest, and of its peer's cidr nest. */
#define MATCH(f)	IN(ATTR(SGFW_A_NACL_RULE_MATCH), SGFW_A_MATCH_##f)
#define PEER(f)		IN(ATTR(SGFW_A_NACL_RULE_PEER), SGFW_A_CIDR_##f)
#include "fake_kernel.h"
#include "nl.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

static const char *refusal;	/* the extack of respond_refuse() */
static char want[4096];

static void respond_refuse(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_error(-EINVAL, refusal);
}

static void respond_done(const struct nlmsghdr *req)
{
	(void)req;
	fake_put_done(0, NULL);
}

static void loaded(void (*respond)(const struct nlmsghdr *))
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond;
}

/* Requests. */

static int test_nacl_add_del_show(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("nacl", "add", "edge", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_NACL_NEW);
	EXPECT_TYPES(SGFW_A_NACL_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_NACL_NAME), "edge");

	EXPECT_RUN(run_sgtool("nacl", "del", "edge", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_NACL_DEL);
	EXPECT_TYPES(SGFW_A_NACL_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_NACL_NAME), "edge");

	EXPECT_RUN(run_sgtool("nacl", "show", "edge", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_NACL_GET);
	EXPECT_TYPES(SGFW_A_NACL_NAME);
	EXPECT_ATTR_STR(ATTR(SGFW_A_NACL_NAME), "edge");

	fake.respond = respond_done;
	EXPECT_RUN(run_sgtool("nacl", "show", NULL), 0, "", "");
	EXPECT_DUMP(SGFW_CMD_NACL_GET);
	EXPECT_TYPES(-1);
	/* No command is "show", and no NACL is an empty array. */
	EXPECT_RUN(run_sgtool("-j", "nacl", NULL), 0, "[]\n", "");
	EXPECT_DUMP(SGFW_CMD_NACL_GET);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_rule_add_tcp_v4(void)
{
	loaded(fake_respond_ack);
	/* Quiet, as `ip` is: the number is the user's own. */
	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "100", "ingress",
			      "allow", "tcp", "port", "22", "from",
			      "10.1.2.3/8", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_NACL_RULE_NEW);
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION, SGFW_A_NACL_RULE_ACTION,
		     SGFW_A_NACL_RULE_MATCH, SGFW_A_NACL_RULE_PEER);
	EXPECT_ATTR_STR(ATTR(SGFW_A_NACL_RULE_NACL), "edge");
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 100);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_DIRECTION), SGFW_DIRECTION_INGRESS);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_ACTION), SGFW_NACL_ACTION_ALLOW);
	EXPECT_U8(MATCH(PROTOCOL), 6);
	EXPECT_U16(MATCH(PORT_FROM), 22);
	EXPECT_U16(MATCH(PORT_TO), 22);
	/* As written: the kernel makes it 10.0.0.0/8. */
	EXPECT_IN4(PEER(IPV4), "10.1.2.3");
	EXPECT_U8(PEER(PREFIX_LEN), 8);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_rule_add_deny_all_v6(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "32766",
			      "egress", "deny", "all", "to", "::/0", NULL), 0,
		   "", "");
	/* "all" is no protocol attribute at all. */
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION, SGFW_A_NACL_RULE_ACTION,
		     SGFW_A_NACL_RULE_PEER);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 32766);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_DIRECTION), SGFW_DIRECTION_EGRESS);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_ACTION), SGFW_NACL_ACTION_DENY);
	EXPECT_IN6(PEER(IPV6), "::");
	EXPECT_U8(PEER(PREFIX_LEN), 0);
	return 0;
}

static int test_rule_add_icmp_and_hosts(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "1", "ingress",
			      "allow", "icmp", "icmp-type", "3", "icmp-code",
			      "4", "from", "10.0.0.1", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION, SGFW_A_NACL_RULE_ACTION,
		     SGFW_A_NACL_RULE_MATCH, SGFW_A_NACL_RULE_PEER);
	EXPECT_U8(MATCH(PROTOCOL), 1);
	EXPECT_U8(MATCH(ICMP_TYPE), 3);
	EXPECT_U8(MATCH(ICMP_CODE), 4);
	/* A bare address is a host. */
	EXPECT_IN4(PEER(IPV4), "10.0.0.1");
	EXPECT_U8(PEER(PREFIX_LEN), 32);

	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "2", "egress",
			      "allow", "icmpv6", "icmp-type", "128", "to",
			      "2001:db8::1", NULL), 0, "", "");
	EXPECT_U8(MATCH(PROTOCOL), 58);
	EXPECT_U8(MATCH(ICMP_TYPE), 128);
	EXPECT(!MATCH(ICMP_CODE));
	EXPECT_IN6(PEER(IPV6), "2001:db8::1");
	EXPECT_U8(PEER(PREFIX_LEN), 128);

	/* Protocol 0 is a protocol, not "all". */
	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "3", "ingress",
			      "deny", "0", "from", "0.0.0.0/0", NULL), 0, "",
		   "");
	EXPECT_U8(MATCH(PROTOCOL), 0);
	return 0;
}

static int test_rule_add_any_order(void)
{
	loaded(fake_respond_ack);
	/* The keywords after PROTO may come in any order, as for SG rules. */
	EXPECT_RUN(run_sgtool("nacl", "rule", "add", "edge", "200", "ingress",
			      "allow", "udp", "from", "0.0.0.0/0", "port",
			      "1024-65535", NULL), 0, "", "");
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION, SGFW_A_NACL_RULE_ACTION,
		     SGFW_A_NACL_RULE_MATCH, SGFW_A_NACL_RULE_PEER);
	EXPECT_U8(MATCH(PROTOCOL), 17);
	EXPECT_U16(MATCH(PORT_FROM), 1024);
	EXPECT_U16(MATCH(PORT_TO), 65535);
	EXPECT_IN4(PEER(IPV4), "0.0.0.0");
	EXPECT_U8(PEER(PREFIX_LEN), 0);
	return 0;
}

/* Sent as written, the kernel's message printed, exit 2. */
#define EXPECT_REFUSED(msg, ...)					\
	do {								\
		refusal = (msg);					\
		snprintf(want, sizeof(want), "sgtool: %s\n", refusal);	\
		EXPECT_RUN(run_sgtool(__VA_ARGS__, NULL), 2, "", want);	\
	} while (0)

static int test_kernel_judges_nacl_rules(void)
{
	loaded(respond_refuse);

	EXPECT_REFUSED("rule number must be 1 to 32766", "nacl", "rule", "add",
		       "edge", "0", "ingress", "allow", "all", "from",
		       "0.0.0.0/0");
	EXPECT_DO(SGFW_CMD_NACL_RULE_NEW);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 0);
	EXPECT_REFUSED("rule number must be 1 to 32766", "nacl", "rule", "add",
		       "edge", "32767", "ingress", "allow", "all", "from",
		       "0.0.0.0/0");
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 32767);
	EXPECT_REFUSED("rule number must be 1 to 32766", "nacl", "rule", "add",
		       "edge", "4294967295", "ingress", "allow", "all",
		       "from", "0.0.0.0/0");
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), UINT32_MAX);

	EXPECT_REFUSED("ingress rule 100 exists", "nacl", "rule", "add",
		       "edge", "100", "ingress", "deny", "tcp", "from",
		       "10.0.0.0/8");

	/* No CIDR: sent without one, for the kernel to say why it needs one. */
	EXPECT_REFUSED("deny without a match", "nacl", "rule", "add", "edge",
		       "300", "ingress", "deny", "all");
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION, SGFW_A_NACL_RULE_ACTION);

	EXPECT_REFUSED("ports need tcp or udp", "nacl", "rule", "add", "edge",
		       "5", "ingress", "allow", "icmp", "port", "80", "from",
		       "0.0.0.0/0");
	EXPECT_U16(MATCH(PORT_FROM), 80);
	EXPECT_REFUSED("port range is reversed", "nacl", "rule", "add",
		       "edge", "5", "egress", "allow", "tcp", "port", "90-80",
		       "to", "0.0.0.0/0");
	EXPECT_U16(MATCH(PORT_FROM), 90);
	EXPECT_U16(MATCH(PORT_TO), 80);
	EXPECT_REFUSED("at most 40 rules per direction per family", "nacl",
		       "rule", "add", "edge", "41", "ingress", "allow", "all",
		       "from", "10.0.0.41");
	EXPECT_REFUSED("no such network ACL", "nacl", "rule", "add", "nope",
		       "1", "ingress", "allow", "all", "from", "10.0.0.1");
	EXPECT_REFUSED("no such rule", "nacl", "rule", "del", "edge", "0",
		       "egress");
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 0);
	EXPECT_REFUSED("the network ACL is attached to a device", "nacl",
		       "del", "edge");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_rule_del(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("nacl", "rule", "del", "edge", "100", "egress",
			      NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_NACL_RULE_DEL);
	EXPECT_TYPES(SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
		     SGFW_A_NACL_RULE_DIRECTION);
	EXPECT_ATTR_STR(ATTR(SGFW_A_NACL_RULE_NACL), "edge");
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_NUMBER), 100);
	EXPECT_U32(ATTR(SGFW_A_NACL_RULE_DIRECTION), SGFW_DIRECTION_EGRESS);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_iface_nacl(void)
{
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "nacl", "lo", "edge", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_IFACE_NACL);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_NACL);
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_IFNAME), "lo");
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_NACL), "edge");

	/* "none": the same command with no name. */
	EXPECT_RUN(run_sgtool("iface", "nacl", "lo", "none", NULL), 0, "", "");
	EXPECT_DO(SGFW_CMD_IFACE_NACL);
	EXPECT_TYPES(SGFW_A_IFACE_IFNAME);

	fake.respond = respond_refuse;
	refusal = "no such network ACL";
	EXPECT_RUN(run_sgtool("iface", "nacl", "lo", "nope", NULL), 2, "",
		   "sgtool: no such network ACL\n");
	EXPECT_ATTR_STR(ATTR(SGFW_A_IFACE_NACL), "nope");

	/* A name no device can have is refused before anything is sent. */
	loaded(fake_respond_ack);
	EXPECT_RUN(run_sgtool("iface", "nacl", "sgtool-nodev0123", "edge",
			      NULL), 1, "",
		   "sgtool: invalid device name \"sgtool-nodev0123\": 1 to 15 "
		   "characters\n");
	EXPECT_INT(fake.requests, 0);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

/* Command lines sgtool refuses itself: nothing is opened or sent. */
static const struct {
	const char *args[14];
	const char *err;
} refused[] = {
	{ { "nacl", "add" },
	  "missing network ACL name, try \"sgtool nacl help\"" },
	{ { "nacl", "add", "edge", "desc", "x" },
	  "unexpected argument \"desc\", try \"sgtool nacl help\"" },
	{ { "nacl", "del" },
	  "missing network ACL name, try \"sgtool nacl help\"" },
	{ { "nacl", "show", "edge", "core" },
	  "unexpected argument \"core\", try \"sgtool nacl help\"" },
	{ { "nacl", "list" },
	  "unknown command \"list\" for nacl, try \"sgtool nacl help\"" },
	{ { "nacl", "rule" },
	  "missing command, try \"sgtool nacl rule help\"" },
	{ { "nacl", "rule", "show" },
	  "unknown command \"show\" for nacl rule, "
	  "try \"sgtool nacl rule help\"" },
	{ { "nacl", "rule", "add" },
	  "missing network ACL name, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge" },
	  "missing rule number, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "ten", "ingress", "allow", "all",
	    "from", "0.0.0.0/0" },
	  "invalid rule number \"ten\", try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "-1", "ingress", "allow", "all",
	    "from", "0.0.0.0/0" },
	  "invalid rule number \"-1\", try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "4294967296", "ingress", "allow",
	    "all", "from", "0.0.0.0/0" },
	  "rule number \"4294967296\" is too large, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100" },
	  "missing direction (ingress or egress), try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "in", "allow", "all" },
	  "expected \"ingress\" or \"egress\", not \"in\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress" },
	  "missing action (allow or deny), try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "permit", "all" },
	  "expected \"allow\" or \"deny\", not \"permit\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "tcp", "allow" },
	  "expected \"allow\" or \"deny\", not \"tcp\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow" },
	  "missing protocol, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "sctp" },
	  "unknown protocol \"sctp\" (tcp, udp, icmp, icmpv6, all or 0-255), "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "256" },
	  "protocol \"256\" is out of range (0-255), "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "egress", "allow", "all",
	    "from", "0.0.0.0/0" },
	  "egress rules take \"to CIDR\", not \"from\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "to", "0.0.0.0/0" },
	  "ingress rules take \"from CIDR\", not \"to\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from" },
	  "\"from\" needs a CIDR, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "10.0.0.0/33" },
	  "prefix length out of range in \"10.0.0.0/33\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "fd00::/129" },
	  "prefix length out of range in \"fd00::/129\", "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "10.0.0.256" },
	  "invalid CIDR \"10.0.0.256\": expected an IPv4 or IPv6 prefix, "
	  "try \"sgtool nacl help\"" },
	/* A NACL's peer is a CIDR only: no groups, no prefix lists. */
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "sg", "web" },
	  "invalid CIDR \"sg\": expected an IPv4 or IPv6 prefix, "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "10.0.0.1", "from", "10.0.0.2" },
	  "more than one CIDR, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "tcp",
	    "port", "65536", "from", "0.0.0.0/0" },
	  "port out of range in \"65536\" (0-65535), "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "tcp",
	    "port", "1-2-3", "from", "0.0.0.0/0" },
	  "invalid port \"1-2-3\" (P or P-Q), try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "tcp",
	    "port", "80", "port", "81", "from", "0.0.0.0/0" },
	  "\"port\" given twice, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "tcp",
	    "port" },
	  "\"port\" needs a value, try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "icmp",
	    "icmp-type", "256", "from", "0.0.0.0/0" },
	  "icmp-type \"256\" is out of range (0-255), "
	  "try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "icmp",
	    "icmp-code", "x", "from", "0.0.0.0/0" },
	  "invalid icmp-code \"x\", try \"sgtool nacl help\"" },
	/* NACL rules have no description. */
	{ { "nacl", "rule", "add", "edge", "100", "ingress", "allow", "all",
	    "from", "0.0.0.0/0", "desc", "x" },
	  "unexpected argument \"desc\", try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "del", "edge", "100" },
	  "missing direction (ingress or egress), try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "del", "edge", "100", "ingress", "allow" },
	  "unexpected argument \"allow\", try \"sgtool nacl help\"" },
	{ { "nacl", "rule", "del", "edge", "x", "ingress" },
	  "invalid rule number \"x\", try \"sgtool nacl help\"" },
	{ { "iface", "nacl" },
	  "missing device name, try \"sgtool iface help\"" },
	{ { "iface", "nacl", "lo" },
	  "missing network ACL name (or \"none\"), "
	  "try \"sgtool iface help\"" },
	{ { "iface", "nacl", "lo", "edge", "core" },
	  "unexpected argument \"core\", try \"sgtool iface help\"" },
};

static int test_refused_before_sending(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		const char *const *a = refused[i].args;
		const struct run *r;
		char line[512];

		loaded(fake_respond_ack);
		r = run_sgtool(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
			       a[8], a[9], a[10], a[11], a[12], NULL);
		snprintf(line, sizeof(line), "sgtool: %s\n", refused[i].err);
		if (r->status != 1 || strcmp(r->out, "") ||
		    strcmp(r->err, line) || fake.opens) {
			tap_diag("command %zu: %s %s %s %s ...", i, a[0],
				 a[1] ? a[1] : "", a[2] ? a[2] : "",
				 a[3] ? a[3] : "");
			EXPECT_INT(r->status, 1);
			EXPECT_STR(r->out, "");
			EXPECT_STR(r->err, line);
			EXPECT_INT(fake.opens, 0);
		}
	}
	return 0;
}

static int test_not_loaded(void)
{
	static const char *const cmds[][4] = {
		{ "nacl", NULL }, { "nacl", "add", "edge", NULL },
		{ "nacl", "rule", "del", "edge" },
		{ "iface", "nacl", "lo", "none" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++) {
		const char *extra = i == 2 ? "1" : NULL;

		fake_install();
		EXPECT_RUN(run_sgtool(cmds[i][0], cmds[i][1], cmds[i][2],
				      cmds[i][3], extra, extra ? "ingress" :
				      NULL, NULL), 1, "",
			   "sgtool: the sgfw kernel module is not loaded "
			   "(try: modprobe sgfw)\n");
		EXPECT_INT(fake.closes, fake.opens);
	}
	return 0;
}

/* Printing, from the replies the module would send. */

/* What a canned rule holds; -1 for an attribute left out. */
struct canned_nacl_rule {
	int number, dir, action, proto, port_from, port_to, type, code;
	const char *cidr;	/* NULL: none */
	int plen;
	long long packets, bytes;
};

static void put_nacl_rule(struct nlmsghdr *nlh,
			  const struct canned_nacl_rule *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, SGFW_A_NACL_RULE);

	if (r->number >= 0)
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_NUMBER,
				 (uint32_t)r->number);
	mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_DIRECTION, (uint32_t)r->dir);
	mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_ACTION, (uint32_t)r->action);
	fake_put_match(nlh, SGFW_A_NACL_RULE_MATCH, r->proto, r->port_from,
		       r->port_from >= 0 ? r->port_to : -1, r->type, r->code);
	if (r->cidr)
		fake_put_cidr(nlh, SGFW_A_NACL_RULE_PEER, r->cidr, r->plen);
	/* The kernel pads its u64s (nla_put_u64_64bit). */
	if (r->packets >= 0) {
		mnl_attr_put(nlh, SGFW_A_NACL_RULE_PAD, 0, "");
		mnl_attr_put_u64(nlh, SGFW_A_NACL_RULE_PACKETS,
				 (uint64_t)r->packets);
	}
	if (r->bytes >= 0)
		mnl_attr_put_u64(nlh, SGFW_A_NACL_RULE_BYTES,
				 (uint64_t)r->bytes);
	mnl_attr_nest_end(nlh, nest);
}

#define ING SGFW_DIRECTION_INGRESS
#define EGR SGFW_DIRECTION_EGRESS
#define ALLOW SGFW_NACL_ACTION_ALLOW
#define DENY SGFW_NACL_ACTION_DENY

/* Out of order on purpose: sgtool lists them by direction and number. */
static const struct canned_nacl_rule edge_rules[] = {
	{ 100, EGR, ALLOW, 6, 1024, 65535, -1, -1, "0.0.0.0", 0, 7, 420 },
	{ 200, ING, DENY, -1, -1, -1, -1, -1, "::", 0, 0, 0 },
	{ 100, ING, ALLOW, 6, 22, 22, -1, -1, "10.0.0.0", 8, 5000000000LL,
	  (1LL << 40) + 1 },
	{ 150, ING, ALLOW, 1, -1, -1, 8, 0, "192.168.1.1", -1, 2, 168 },
	{ 32766, EGR, DENY, 47, -1, -1, -1, -1, "fd00::", 8, 0, 0 },
	{ 50, ING, ALLOW, 58, -1, -1, 128, -1, "fd00::", 8, 1, 104 },
};

static const char edge_text[] =
	"nacl edge attached 2\n"
	"  rule 50 ingress allow icmpv6 icmp-type 128 from fd00::/8"
	" packets 1 bytes 104\n"
	"  rule 100 ingress allow tcp port 22 from 10.0.0.0/8"
	" packets 5000000000 bytes 1099511627777\n"
	"  rule 150 ingress allow icmp icmp-type 8 icmp-code 0"
	" from 192.168.1.1/32 packets 2 bytes 168\n"
	"  rule 200 ingress deny all from ::/0 packets 0 bytes 0\n"
	"  rule 100 egress allow tcp port 1024-65535 to 0.0.0.0/0"
	" packets 7 bytes 420\n"
	"  rule 32766 egress deny 47 to fd00::/8 packets 0 bytes 0\n";

static const char empty_text[] = "nacl empty attached 0\n";

#define NO_PORTS "\"port_from\":null,\"port_to\":null"
#define NO_ICMP "\"icmp_type\":null,\"icmp_code\":null"

static const char edge_json[] =
	"{\"name\":\"edge\",\"attached\":2,\"rules\":["
	"{\"number\":50,\"direction\":\"ingress\",\"action\":\"allow\","
	"\"protocol\":\"icmpv6\"," NO_PORTS ",\"icmp_type\":128,"
	"\"icmp_code\":null,\"cidr\":\"fd00::/8\",\"packets\":1,"
	"\"bytes\":104},"
	"{\"number\":100,\"direction\":\"ingress\",\"action\":\"allow\","
	"\"protocol\":\"tcp\",\"port_from\":22,\"port_to\":22," NO_ICMP ","
	"\"cidr\":\"10.0.0.0/8\",\"packets\":5000000000,"
	"\"bytes\":1099511627777},"
	"{\"number\":150,\"direction\":\"ingress\",\"action\":\"allow\","
	"\"protocol\":\"icmp\"," NO_PORTS ",\"icmp_type\":8,\"icmp_code\":0,"
	"\"cidr\":\"192.168.1.1/32\",\"packets\":2,\"bytes\":168},"
	"{\"number\":200,\"direction\":\"ingress\",\"action\":\"deny\","
	"\"protocol\":\"all\"," NO_PORTS "," NO_ICMP ","
	"\"cidr\":\"::/0\",\"packets\":0,\"bytes\":0},"
	"{\"number\":100,\"direction\":\"egress\",\"action\":\"allow\","
	"\"protocol\":\"tcp\",\"port_from\":1024,\"port_to\":65535,"
	NO_ICMP ",\"cidr\":\"0.0.0.0/0\",\"packets\":7,\"bytes\":420},"
	"{\"number\":32766,\"direction\":\"egress\",\"action\":\"deny\","
	"\"protocol\":47," NO_PORTS "," NO_ICMP ","
	"\"cidr\":\"fd00::/8\",\"packets\":0,\"bytes\":0}"
	"]}";

static const char empty_json[] =
	"{\"name\":\"empty\",\"attached\":0,\"rules\":[]}";

/* How the kernel answers, chosen by each test. */
static enum {
	REPLY_GOOD,
	REPLY_NEWER,		/* values this sgtool has no name for */
	REPLY_NO_NUMBER,	/* a rule without its number */
	REPLY_TWO_CIDRS,	/* a rule with an IPv4 and an IPv6 address */
	REPLY_SHORT_COUNTER,	/* packets as a u32 */
	REPLY_NO_NAME,		/* a NACL without its name */
	REPLY_IFACE_BAD_NACL,	/* a device's NACL name not a string */
	REPLY_DUMP_FAILS,	/* NLMSG_DONE with an error */
	REPLY_INTR_ONCE,	/* a first dump that a change came into */
	REPLY_INTR_ALWAYS,	/* every dump */
} reply;

static void put_nacl(uint16_t flags, const char *name, uint32_t attached,
		     const struct canned_nacl_rule *rules, size_t n)
{
	struct nlmsghdr *nlh;

	nlh = fake_put_genl(FAKE_FAMILY_ID, flags, SGFW_CMD_NACL_GET);
	if (name)
		mnl_attr_put_strz(nlh, SGFW_A_NACL_NAME, name);
	mnl_attr_put_u32(nlh, SGFW_A_NACL_ATTACHED, attached);
	for (size_t i = 0; i < n; i++)
		put_nacl_rule(nlh, &rules[i]);
}

static void put_bad_nacl(uint16_t flags)
{
	static const struct canned_nacl_rule no_number = {
		-1, ING, ALLOW, -1, -1, -1, -1, -1, "10.0.0.0", 8, 0, 0
	};
	static const struct canned_nacl_rule newer[] = {
		{ 5, 2, 7, -1, -1, -1, -1, -1, "10.0.0.0", 8, -1, -1 },
		{ 6, EGR, DENY, -1, -1, -1, -1, -1, NULL, -1, -1, -1 },
	};
	struct nlmsghdr *nlh;
	struct nlattr *nest, *inner;

	switch (reply) {
	case REPLY_NEWER:
		put_nacl(flags, "newer", 1, newer, ARRAY_SIZE(newer));
		break;
	case REPLY_NO_NUMBER:
		put_nacl(flags, "bad", 0, &no_number, 1);
		break;
	case REPLY_NO_NAME:
		put_nacl(flags, NULL, 0, NULL, 0);
		break;
	case REPLY_TWO_CIDRS:
		nlh = fake_put_genl(FAKE_FAMILY_ID, flags, SGFW_CMD_NACL_GET);
		mnl_attr_put_strz(nlh, SGFW_A_NACL_NAME, "bad");
		nest = mnl_attr_nest_start(nlh, SGFW_A_NACL_RULE);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_NUMBER, 1);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_DIRECTION, ING);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_ACTION, ALLOW);
		inner = mnl_attr_nest_start(nlh, SGFW_A_NACL_RULE_PEER);
		fake_put_addr(nlh, SGFW_A_CIDR_IPV4, SGFW_A_CIDR_IPV6,
			      "10.0.0.1");
		fake_put_addr(nlh, SGFW_A_CIDR_IPV4, SGFW_A_CIDR_IPV6,
			      "fd00::1");
		mnl_attr_nest_end(nlh, inner);
		mnl_attr_nest_end(nlh, nest);
		break;
	case REPLY_SHORT_COUNTER:
		nlh = fake_put_genl(FAKE_FAMILY_ID, flags, SGFW_CMD_NACL_GET);
		mnl_attr_put_strz(nlh, SGFW_A_NACL_NAME, "bad");
		nest = mnl_attr_nest_start(nlh, SGFW_A_NACL_RULE);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_NUMBER, 1);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_DIRECTION, ING);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_ACTION, ALLOW);
		mnl_attr_put_u32(nlh, SGFW_A_NACL_RULE_PACKETS, 1);
		mnl_attr_nest_end(nlh, nest);
		break;
	default:
		break;
	}
}

static void respond(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	uint16_t flags = dump ? NLM_F_MULTI : 0;
	struct nlmsghdr *nlh;

	if (reply == REPLY_DUMP_FAILS) {
		fake_put_genl(FAKE_FAMILY_ID, NLM_F_MULTI, genl->cmd);
		fake_put_done(-EINTR, "the dump was interrupted, try again");
		return;
	}
	if (dump && (reply == REPLY_INTR_ALWAYS ||
		     (reply == REPLY_INTR_ONCE && fake.n_cmds == 1))) {
		/* Half a configuration, its second part flagged. */
		put_nacl(flags, "edge", 2, edge_rules, 1);
		fake_flush();
		put_nacl(flags | NLM_F_DUMP_INTR, "stale", 0, NULL, 0);
		fake_put_done(0, NULL);
		return;
	}
	switch (genl->cmd) {
	case SGFW_CMD_NACL_GET:
		put_nacl(flags, "edge", 2, edge_rules,
			 ARRAY_SIZE(edge_rules));
		/* A dump split over two reads, as the kernel may. */
		if (dump)
			fake_flush();
		put_bad_nacl(flags);
		if (dump)
			put_nacl(flags, "empty", 0, NULL, 0);
		break;
	case SGFW_CMD_IFACE_GET:
		nlh = fake_put_genl(FAKE_FAMILY_ID, flags, genl->cmd);
		mnl_attr_put_u32(nlh, SGFW_A_IFACE_IFINDEX,
				 if_nametoindex("lo"));
		mnl_attr_put_strz(nlh, SGFW_A_IFACE_IFNAME, "lo");
		if (reply == REPLY_IFACE_BAD_NACL)
			mnl_attr_put(nlh, SGFW_A_IFACE_NACL, 4, "edge");
		else
			mnl_attr_put_strz(nlh, SGFW_A_IFACE_NACL, "edge");
		break;
	default:
		fake_put_error(-EOPNOTSUPP, NULL);
		return;
	}
	if (dump)
		fake_put_done(0, NULL);
	else
		fake_put_error(0, NULL);
}

static void scripted(void)
{
	fake_install();
	fake.loaded = true;
	fake.respond = respond;
	reply = REPLY_GOOD;
}

static int test_show(void)
{
	scripted();
	snprintf(want, sizeof(want), "%s%s", edge_text, empty_text);
	EXPECT_RUN(run_sgtool("nacl", "show", NULL), 0, want, "");
	EXPECT_RUN(run_sgtool("nacl", NULL), 0, want, "");
	snprintf(want, sizeof(want), "[%s,%s]\n", edge_json, empty_json);
	EXPECT_RUN(run_sgtool("-j", "nacl", "show", NULL), 0, want, "");

	/* One NACL is still an array. */
	EXPECT_RUN(run_sgtool("nacl", "show", "edge", NULL), 0, edge_text,
		   "");
	snprintf(want, sizeof(want), "[%s]\n", edge_json);
	EXPECT_RUN(run_sgtool("-j", "nacl", "show", "edge", NULL), 0, want,
		   "");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

static int test_show_pretty(void)
{
	static const char head[] =
		"[\n"
		"  {\n"
		"    \"name\": \"edge\",\n"
		"    \"attached\": 2,\n"
		"    \"rules\": [\n"
		"      {\n"
		"        \"number\": 50,\n"
		"        \"direction\": \"ingress\",\n"
		"        \"action\": \"allow\",\n";
	const struct run *r;

	scripted();
	r = run_sgtool("-p", "nacl", "show", "edge", NULL);
	EXPECT_INT(r->status, 0);
	EXPECT_STR(r->err, "");
	EXPECT(!strncmp(r->out, head, strlen(head)));
	EXPECT(strstr(r->out, "        \"bytes\": 0\n"
			      "      }\n"
			      "    ]\n"
			      "  }\n"
			      "]\n"));
	return 0;
}

/* A newer kernel's values are shown as numbers, absent ones as null. */
static int test_show_newer_values(void)
{
	scripted();
	reply = REPLY_NEWER;
	snprintf(want, sizeof(want), "%s"
		 "nacl newer attached 1\n"
		 "  rule 6 egress deny all\n"
		 "  rule 5 direction 2 action 7 all from 10.0.0.0/8\n"
		 "%s", edge_text, empty_text);
	EXPECT_RUN(run_sgtool("nacl", NULL), 0, want, "");
	snprintf(want, sizeof(want), "[%s,"
		 "{\"name\":\"newer\",\"attached\":1,\"rules\":["
		 "{\"number\":6,\"direction\":\"egress\",\"action\":\"deny\","
		 "\"protocol\":\"all\"," NO_PORTS "," NO_ICMP ","
		 "\"cidr\":null,\"packets\":null,\"bytes\":null},"
		 "{\"number\":5,\"direction\":2,\"action\":7,"
		 "\"protocol\":\"all\"," NO_PORTS "," NO_ICMP ","
		 "\"cidr\":\"10.0.0.0/8\",\"packets\":null,\"bytes\":null}"
		 "]},%s]\n", edge_json, empty_json);
	EXPECT_RUN(run_sgtool("-j", "nacl", NULL), 0, want, "");
	return 0;
}

#define MALFORMED "sgtool: malformed reply from the kernel\n"

static int test_malformed_replies_print_nothing(void)
{
	scripted();
	reply = REPLY_NO_NUMBER;
	EXPECT_RUN(run_sgtool("nacl", NULL), 2, "", MALFORMED);
	EXPECT_RUN(run_sgtool("-j", "nacl", NULL), 2, "", MALFORMED);
	reply = REPLY_TWO_CIDRS;
	EXPECT_RUN(run_sgtool("nacl", NULL), 2, "", MALFORMED);
	reply = REPLY_SHORT_COUNTER;
	EXPECT_RUN(run_sgtool("-j", "nacl", NULL), 2, "", MALFORMED);
	reply = REPLY_NO_NAME;
	EXPECT_RUN(run_sgtool("nacl", NULL), 2, "", MALFORMED);
	reply = REPLY_IFACE_BAD_NACL;
	EXPECT_RUN(run_sgtool("-j", "iface", NULL), 2, "", MALFORMED);
	reply = REPLY_DUMP_FAILS;
	EXPECT_RUN(run_sgtool("-j", "nacl", NULL), 2, "",
		   "sgtool: the dump was interrupted, try again\n");
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

/* A dump flagged NLM_F_DUMP_INTR is asked for again; 20 are too many. */
static int test_interrupted_dump_is_read_again(void)
{
	scripted();
	reply = REPLY_INTR_ONCE;
	fake.n_cmds = 0;
	snprintf(want, sizeof(want), "[%s,%s]\n", edge_json, empty_json);
	EXPECT_RUN(run_sgtool("-j", "nacl", "show", NULL), 0, want, "");
	EXPECT_INT(fake.n_cmds, 2);
	reply = REPLY_INTR_ALWAYS;
	fake.n_cmds = 0;
	EXPECT_RUN(run_sgtool("-j", "nacl", "show", NULL), 2, "",
		   "sgtool: the configuration changed while it was read, 20 times; try again\n");
	EXPECT_INT(fake.n_cmds, 20);
	EXPECT_INT(fake.closes, fake.opens);
	return 0;
}

void suite_nacl(void)
{
	tap_test("nacl: add, del and show NAME send the name; show dumps",
		 test_nacl_add_del_show);
	tap_test("nacl: rule add tcp with a port and an IPv4 CIDR",
		 test_rule_add_tcp_v4);
	tap_test("nacl: rule add deny all to ::/0 has no protocol attribute",
		 test_rule_add_deny_all_v6);
	tap_test("nacl: icmp type and code; a bare address is a host",
		 test_rule_add_icmp_and_hosts);
	tap_test("nacl: rule keywords in any order after the protocol",
		 test_rule_add_any_order);
	tap_test("nacl: numbers, duplicates, a missing CIDR and limits are "
		 "the kernel's to refuse", test_kernel_judges_nacl_rules);
	tap_test("nacl: rule del sends the name, number and direction",
		 test_rule_del);
	tap_test("nacl: an interrupted dump is read again, up to 20 times",
		 test_interrupted_dump_is_read_again);
	tap_test("nacl: iface nacl sends the name, none sends no name",
		 test_iface_nacl);
	tap_test("nacl: bad command lines are one line, exit 1, nothing sent",
		 test_refused_before_sending);
	tap_test("nacl: every command says when the module is not loaded",
		 test_not_loaded);
	tap_test("nacl: show lists rules by direction and number, text and "
		 "JSON", test_show);
	tap_test("nacl: show in pretty JSON", test_show_pretty);
	tap_test("nacl: values without a name print as numbers, absent as "
		 "null", test_show_newer_values);
	tap_test("nacl: a malformed reply prints nothing, exit 2",
		 test_malformed_replies_print_nothing);
	fake_uninstall();
}
