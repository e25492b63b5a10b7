// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_ruleset: the compiled ruleset of a device (building,
 * first-match lookup, the untracked-flow rule).
 *
 * Rules and packets are written in tables as text (addresses, CIDRs) and
 * turned into specs and struct sgfw_pkt here, so that each case reads as
 * the rule and packet it is about.
 */

#include <kunit/test.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/ipv6.h>

#include "../../module/ruleset.h"

#define SGFW_TEST_ANY		(-1)
#define SGFW_TEST_MAX_CIDRS	4
#define SGFW_TEST_MAX_RULES	4

#define SGFW_IN			SGFW_DIRECTION_INGRESS
#define SGFW_EG			SGFW_DIRECTION_EGRESS

/* A rule as the tables write it: SGFW_TEST_ANY for "all" and "any". */
struct sgfw_test_rule {
	enum sgfw_direction dir;
	int proto;
	int from, to;		/* port range; from SGFW_TEST_ANY: all */
	int type, code;
	const char *peers;	/* "cidr[,cidr...]", of one family */
};

/* Every protocol. */
#define R_ALL(d, p)							\
	{ .dir = d, .proto = SGFW_TEST_ANY, .from = SGFW_TEST_ANY,	\
	  .type = SGFW_TEST_ANY, .code = SGFW_TEST_ANY, .peers = p }
/* One protocol: tcp or udp on every port, or any other protocol. */
#define R_PROTO(d, pr, p)						\
	{ .dir = d, .proto = pr, .from = SGFW_TEST_ANY,		\
	  .type = SGFW_TEST_ANY, .code = SGFW_TEST_ANY, .peers = p }
/* tcp or udp on ports @f to @t. */
#define R_PORTS(d, pr, f, t, p)						\
	{ .dir = d, .proto = pr, .from = f, .to = t,			\
	  .type = SGFW_TEST_ANY, .code = SGFW_TEST_ANY, .peers = p }
/* icmp or icmpv6 of type @ty and code @co, either SGFW_TEST_ANY. */
#define R_ICMP(d, pr, ty, co, p)					\
	{ .dir = d, .proto = pr, .from = SGFW_TEST_ANY,		\
	  .type = ty, .code = co, .peers = p }

/* A packet as the tables write it; the family follows the addresses. */
struct sgfw_test_pkt {
	const char *src, *dst;
	u8 proto;
	u16 sport, dport;
	u8 type, code;
};

#define P_L4(s, d, pr, sp, dp)						\
	{ .src = s, .dst = d, .proto = pr, .sport = sp, .dport = dp }
#define P_ICMP(s, d, pr, ty, co)					\
	{ .src = s, .dst = d, .proto = pr, .type = ty, .code = co }

/* Well-known addresses of the tables: documentation ranges. */
#define H4	"192.0.2.1"		/* this host */
#define R4	"203.0.113.9"		/* a remote host */
#define H6	"2001:db8::1"
#define R6	"2001:db8:ffff::9"

/* Parse @s (up to @delim) into @a; return its family or fail the case. */
static enum sgfw_af sgfw_test_addr(struct kunit *test, const char *s,
				   int delim, union sgfw_addr *a,
				   const char **end)
{
	memset(a, 0, sizeof(*a));
	int ok;

	if (strchr(s, ':')) {
		ok = in6_pton(s, -1, a->in6.s6_addr, delim, end);
		KUNIT_ASSERT_EQ_MSG(test, ok, 1, "bad address %s", s);
		return SGFW_AF_INET6;
	}
	ok = in4_pton(s, -1, (u8 *)&a->ip, delim, end);
	KUNIT_ASSERT_EQ_MSG(test, ok, 1, "bad address %s", s);
	return SGFW_AF_INET;
}

/* Parse "cidr[,cidr...]" into @c; return how many. */
static u32 sgfw_test_cidrs(struct kunit *test, const char *list,
			   struct sgfw_cidr *c)
{
	char buf[256], *s = buf, *tok;
	u32 n = 0;

	KUNIT_ASSERT_GT(test, strscpy(buf, list, sizeof(buf)), 0);
	while ((tok = strsep(&s, ","))) {
		const char *end;
		u8 plen;

		KUNIT_ASSERT_LT(test, n, SGFW_TEST_MAX_CIDRS);
		c[n].af = sgfw_test_addr(test, tok, '/', &c[n].addr, &end);
		KUNIT_ASSERT_EQ_MSG(test, *end, '/', "no prefix in %s", tok);
		KUNIT_ASSERT_EQ(test, kstrtou8(end + 1, 10, &plen), 0);
		c[n].plen = plen;
		KUNIT_ASSERT_EQ(test, c[n].af, c[0].af);
		n++;
	}
	return n;
}

static void sgfw_test_spec(const struct sgfw_test_rule *r, u32 rule_id,
			   u32 sg_id, struct sgfw_rule_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->rule_id = rule_id;
	spec->sg_id = sg_id;
	spec->dir = r->dir;
	spec->any_proto = r->proto == SGFW_TEST_ANY;
	spec->proto = spec->any_proto ? 0 : r->proto;
	spec->any_port = r->from == SGFW_TEST_ANY;
	if (!spec->any_port) {
		spec->port_from = r->from;
		spec->port_to = r->to;
	}
	spec->any_type = r->type == SGFW_TEST_ANY;
	spec->icmp_type = spec->any_type ? 0 : r->type;
	spec->any_code = r->code == SGFW_TEST_ANY;
	spec->icmp_code = spec->any_code ? 0 : r->code;
}

/* Add @r to @b, for the family of its peers. */
static void sgfw_test_add(struct kunit *test, struct sgfw_ruleset_builder *b,
			  const struct sgfw_test_rule *r, u32 rule_id,
			  u32 sg_id)
{
	struct sgfw_cidr peers[SGFW_TEST_MAX_CIDRS];
	struct sgfw_rule_spec spec;
	u32 n;

	n = sgfw_test_cidrs(test, r->peers, peers);
	sgfw_test_spec(r, rule_id, sg_id, &spec);
	KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, peers[0].af, &spec, peers, n),
			0);
}

static void sgfw_test_pkt(struct kunit *test, const struct sgfw_test_pkt *tp,
			  struct sgfw_pkt *p)
{
	enum sgfw_af af;

	memset(p, 0, sizeof(*p));
	p->t.af = sgfw_test_addr(test, tp->src, -1, &p->t.src, NULL);
	af = sgfw_test_addr(test, tp->dst, -1, &p->t.dst, NULL);
	KUNIT_ASSERT_EQ(test, af, p->t.af);
	p->t.proto = tp->proto;
	p->t.sport = htons(tp->sport);
	p->t.dport = htons(tp->dport);
	p->icmp_type = tp->type;
	p->icmp_code = tp->code;
}

KUNIT_DEFINE_ACTION_WRAPPER(sgfw_test_builder_destroy,
			    sgfw_ruleset_builder_destroy,
			    struct sgfw_ruleset_builder *);
KUNIT_DEFINE_ACTION_WRAPPER(sgfw_test_ruleset_put, sgfw_ruleset_put,
			    struct sgfw_ruleset *);

/* A builder destroyed when the case ends, unless it is finished. */
static struct sgfw_ruleset_builder *sgfw_test_builder(struct kunit *test)
{
	struct sgfw_ruleset_builder *b = sgfw_ruleset_builder_new();

	int err;

	KUNIT_ASSERT_NOT_NULL(test, b);
	err = kunit_add_action_or_reset(test, sgfw_test_builder_destroy, b);
	KUNIT_ASSERT_EQ(test, err, 0);
	return b;
}

/* Finish @b into a ruleset put when the case ends. */
static struct sgfw_ruleset *sgfw_test_finish(struct kunit *test,
					     struct sgfw_ruleset_builder *b,
					     const struct sgfw_timeouts *to,
					     enum sgfw_tracking tracking)
{
	struct sgfw_ruleset *rs;
	int err;

	kunit_remove_action(test, sgfw_test_builder_destroy, b);
	rs = sgfw_ruleset_finish(b, to, tracking);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
	err = kunit_add_action_or_reset(test, sgfw_test_ruleset_put, rs);
	KUNIT_ASSERT_EQ(test, err, 0);
	return rs;
}

/*
 * A ruleset of the rules in @rules up to the first without peers, rule i
 * with id i + 1 in group 100 + i.
 */
static struct sgfw_ruleset *
sgfw_test_ruleset(struct kunit *test, const struct sgfw_test_rule *rules,
		  int max, enum sgfw_tracking tracking)
{
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	int i;

	for (i = 0; i < max && rules[i].peers; i++)
		sgfw_test_add(test, b, &rules[i], i + 1, 100 + i);
	return sgfw_test_finish(test, b, NULL, tracking);
}

/* --- one rule, one packet ------------------------------------------------ */

struct sgfw_test_match_case {
	const char *desc;
	struct sgfw_test_rule rule;
	enum sgfw_direction dir;
	struct sgfw_test_pkt pkt;
	bool match;
};

#define TCP	IPPROTO_TCP
#define UDP	IPPROTO_UDP
#define ICMP	IPPROTO_ICMP
#define ICMP6	IPPROTO_ICMPV6

static const struct sgfw_test_match_case sgfw_test_match_cases[] = {
	/* tcp and udp port ranges: the packet's destination port. */
	{ "tcp 1000-2000, dport 999", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 999), false },
	{ "tcp 1000-2000, dport 1000", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 1000), true },
	{ "tcp 1000-2000, dport 1500", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 1500), true },
	{ "tcp 1000-2000, dport 2000", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 2000), true },
	{ "tcp 1000-2000, dport 2001", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 2001), false },
	{ "tcp 1000-2000, sport in range, dport not",
	  R_PORTS(SGFW_IN, TCP, 1000, 2000, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1500, 80), false },
	{ "tcp 22, dport 22", R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), true },
	{ "tcp 22, dport 21", R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 21), false },
	{ "tcp 22, dport 23", R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 23), false },
	{ "tcp 0-65535, dport 0", R_PORTS(SGFW_IN, TCP, 0, 65535, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 0), true },
	{ "tcp 0, dport 0", R_PORTS(SGFW_IN, TCP, 0, 0, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 0), true },
	{ "tcp 0, dport 1", R_PORTS(SGFW_IN, TCP, 0, 0, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 1), false },
	{ "tcp 65535, dport 65535", R_PORTS(SGFW_IN, TCP, 65535, 65535,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 65535), true },
	{ "tcp 65535, dport 65534", R_PORTS(SGFW_IN, TCP, 65535, 65535,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, TCP, 40000, 65534), false },
	{ "tcp all ports, dport 0", R_PROTO(SGFW_IN, TCP, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 0), true },
	{ "tcp all ports, dport 65535", R_PROTO(SGFW_IN, TCP, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 65535), true },
	{ "tcp all ports, udp packet", R_PROTO(SGFW_IN, TCP, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, UDP, 40000, 22), false },
	{ "udp 53, udp dport 53", R_PORTS(SGFW_IN, UDP, 53, 53, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, UDP, 40000, 53), true },
	{ "udp 53, udp dport 54", R_PORTS(SGFW_IN, UDP, 53, 53, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, UDP, 40000, 54), false },
	{ "udp 53, tcp dport 53", R_PORTS(SGFW_IN, UDP, 53, 53, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, TCP, 40000, 53), false },
	{ "udp all ports, dport 12345", R_PROTO(SGFW_IN, UDP, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, UDP, 40000, 12345), true },
	{ "egress tcp 443, dport 443", R_PORTS(SGFW_EG, TCP, 443, 443,
	  "0.0.0.0/0"), SGFW_EG, P_L4(H4, R4, TCP, 50000, 443), true },
	{ "egress tcp 443, sport 443 (a reply)", R_PORTS(SGFW_EG, TCP, 443,
	  443, "0.0.0.0/0"), SGFW_EG, P_L4(H4, R4, TCP, 443, 50000), false },
	{ "v6 tcp 1000-2000, dport 2000", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "::/0"), SGFW_IN, P_L4(R6, H6, TCP, 40000, 2000), true },
	{ "v6 tcp 1000-2000, dport 2001", R_PORTS(SGFW_IN, TCP, 1000, 2000,
	  "::/0"), SGFW_IN, P_L4(R6, H6, TCP, 40000, 2001), false },

	/* Every protocol, and protocols by number (0 is one of them). */
	{ "all, tcp", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1, 2), true },
	{ "all, udp", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, UDP, 1, 2), true },
	{ "all, icmp echo", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_ICMP(R4, H4, ICMP, 8, 0), true },
	{ "all, gre (47)", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 47, 0, 0), true },
	{ "all, protocol 0", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 0, 0, 0), true },
	{ "all, protocol 255", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 255, 0, 0), true },
	{ "v6 all, icmpv6", R_ALL(SGFW_IN, "::/0"), SGFW_IN,
	  P_ICMP(R6, H6, ICMP6, 128, 0), true },
	{ "protocol 47, gre", R_PROTO(SGFW_IN, 47, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 47, 0, 0), true },
	{ "protocol 47, protocol 0", R_PROTO(SGFW_IN, 47, "0.0.0.0/0"),
	  SGFW_IN, P_L4(R4, H4, 0, 0, 0), false },
	{ "protocol 47, tcp", R_PROTO(SGFW_IN, 47, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1, 2), false },
	{ "protocol 0, protocol 0", R_PROTO(SGFW_IN, 0, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 0, 0, 0), true },
	{ "protocol 0, gre", R_PROTO(SGFW_IN, 0, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, 47, 0, 0), false },
	{ "protocol 0, tcp", R_PROTO(SGFW_IN, 0, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1, 2), false },
	{ "v6 protocol 0, protocol 0", R_PROTO(SGFW_IN, 0, "::/0"), SGFW_IN,
	  P_L4(R6, H6, 0, 0, 0), true },
	{ "v6 protocol 47, udp", R_PROTO(SGFW_IN, 47, "::/0"), SGFW_IN,
	  P_L4(R6, H6, UDP, 1, 2), false },

	/* icmp type and code, each "any" or one value. */
	{ "icmp any, echo 8/0", R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY,
	  SGFW_TEST_ANY, "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 8, 0),
	  true },
	{ "icmp any, unreachable 3/13", R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY,
	  SGFW_TEST_ANY, "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 3, 13),
	  true },
	{ "icmp any, udp", R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY, SGFW_TEST_ANY,
	  "0.0.0.0/0"), SGFW_IN, P_L4(R4, H4, UDP, 1, 2), false },
	{ "icmp 8 any code, 8/0", R_ICMP(SGFW_IN, ICMP, 8, SGFW_TEST_ANY,
	  "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 8, 0), true },
	{ "icmp 8 any code, 8/9", R_ICMP(SGFW_IN, ICMP, 8, SGFW_TEST_ANY,
	  "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 8, 9), true },
	{ "icmp 8 any code, 0/0", R_ICMP(SGFW_IN, ICMP, 8, SGFW_TEST_ANY,
	  "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 0, 0), false },
	{ "icmp 3/4, 3/4", R_ICMP(SGFW_IN, ICMP, 3, 4, "0.0.0.0/0"), SGFW_IN,
	  P_ICMP(R4, H4, ICMP, 3, 4), true },
	{ "icmp 3/4, 3/3", R_ICMP(SGFW_IN, ICMP, 3, 4, "0.0.0.0/0"), SGFW_IN,
	  P_ICMP(R4, H4, ICMP, 3, 3), false },
	{ "icmp 3/4, 4/4", R_ICMP(SGFW_IN, ICMP, 3, 4, "0.0.0.0/0"), SGFW_IN,
	  P_ICMP(R4, H4, ICMP, 4, 4), false },
	{ "icmp 0/0 is not any, 0/0", R_ICMP(SGFW_IN, ICMP, 0, 0, "0.0.0.0/0"),
	  SGFW_IN, P_ICMP(R4, H4, ICMP, 0, 0), true },
	{ "icmp 0/0 is not any, 8/0", R_ICMP(SGFW_IN, ICMP, 0, 0, "0.0.0.0/0"),
	  SGFW_IN, P_ICMP(R4, H4, ICMP, 8, 0), false },
	{ "icmp any type code 0, 3/0", R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY, 0,
	  "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 3, 0), true },
	{ "icmp any type code 0, 3/1", R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY, 0,
	  "0.0.0.0/0"), SGFW_IN, P_ICMP(R4, H4, ICMP, 3, 1), false },
	{ "icmpv6 128, 128/0", R_ICMP(SGFW_IN, ICMP6, 128, SGFW_TEST_ANY,
	  "::/0"), SGFW_IN, P_ICMP(R6, H6, ICMP6, 128, 0), true },
	{ "icmpv6 128, 129/0", R_ICMP(SGFW_IN, ICMP6, 128, SGFW_TEST_ANY,
	  "::/0"), SGFW_IN, P_ICMP(R6, H6, ICMP6, 129, 0), false },
	{ "icmpv6 any, packet too big 2/0", R_ICMP(SGFW_IN, ICMP6,
	  SGFW_TEST_ANY, SGFW_TEST_ANY, "::/0"), SGFW_IN,
	  P_ICMP(R6, H6, ICMP6, 2, 0), true },
	{ "icmpv6 1/4, 1/4", R_ICMP(SGFW_IN, ICMP6, 1, 4, "::/0"), SGFW_IN,
	  P_ICMP(R6, H6, ICMP6, 1, 4), true },
	{ "icmpv6 1/4, 1/3", R_ICMP(SGFW_IN, ICMP6, 1, 4, "::/0"), SGFW_IN,
	  P_ICMP(R6, H6, ICMP6, 1, 3), false },
	/* In IPv6, protocol 1 is not icmp: a type cannot narrow it. */
	{ "protocol 1 in v6 ignores the type", R_ICMP(SGFW_IN, ICMP, 8,
	  SGFW_TEST_ANY, "::/0"), SGFW_IN, P_ICMP(R6, H6, ICMP, 0, 0), true },

	/* IPv4 CIDR edges. */
	{ "10.0.0.0/8, first address", R_ALL(SGFW_IN, "10.0.0.0/8"), SGFW_IN,
	  P_L4("10.0.0.0", H4, TCP, 1, 2), true },
	{ "10.0.0.0/8, last address", R_ALL(SGFW_IN, "10.0.0.0/8"), SGFW_IN,
	  P_L4("10.255.255.255", H4, TCP, 1, 2), true },
	{ "10.0.0.0/8, one below", R_ALL(SGFW_IN, "10.0.0.0/8"), SGFW_IN,
	  P_L4("9.255.255.255", H4, TCP, 1, 2), false },
	{ "10.0.0.0/8, one above", R_ALL(SGFW_IN, "10.0.0.0/8"), SGFW_IN,
	  P_L4("11.0.0.0", H4, TCP, 1, 2), false },
	{ "/32, the address", R_ALL(SGFW_IN, "198.51.100.7/32"), SGFW_IN,
	  P_L4("198.51.100.7", H4, TCP, 1, 2), true },
	{ "/32, the next address", R_ALL(SGFW_IN, "198.51.100.7/32"), SGFW_IN,
	  P_L4("198.51.100.8", H4, TCP, 1, 2), false },
	{ "/32, the previous address", R_ALL(SGFW_IN, "198.51.100.7/32"),
	  SGFW_IN, P_L4("198.51.100.6", H4, TCP, 1, 2), false },
	{ "/31, second address", R_ALL(SGFW_IN, "198.51.100.6/31"), SGFW_IN,
	  P_L4("198.51.100.7", H4, TCP, 1, 2), true },
	{ "/31, next pair", R_ALL(SGFW_IN, "198.51.100.6/31"), SGFW_IN,
	  P_L4("198.51.100.8", H4, TCP, 1, 2), false },
	{ "128.0.0.0/1, 128.0.0.0", R_ALL(SGFW_IN, "128.0.0.0/1"), SGFW_IN,
	  P_L4("128.0.0.0", H4, TCP, 1, 2), true },
	{ "128.0.0.0/1, 255.255.255.255", R_ALL(SGFW_IN, "128.0.0.0/1"),
	  SGFW_IN, P_L4("255.255.255.255", H4, TCP, 1, 2), true },
	{ "128.0.0.0/1, 127.255.255.255", R_ALL(SGFW_IN, "128.0.0.0/1"),
	  SGFW_IN, P_L4("127.255.255.255", H4, TCP, 1, 2), false },
	{ "0.0.0.0/1, 127.255.255.255", R_ALL(SGFW_IN, "0.0.0.0/1"), SGFW_IN,
	  P_L4("127.255.255.255", H4, TCP, 1, 2), true },
	{ "0.0.0.0/1, 128.0.0.0", R_ALL(SGFW_IN, "0.0.0.0/1"), SGFW_IN,
	  P_L4("128.0.0.0", H4, TCP, 1, 2), false },
	{ "0.0.0.0/0, 0.0.0.0", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4("0.0.0.0", H4, TCP, 1, 2), true },
	{ "0.0.0.0/0, 255.255.255.255", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4("255.255.255.255", H4, TCP, 1, 2), true },
	{ "10.1.2.3/8 is stored as 10.0.0.0/8", R_ALL(SGFW_IN, "10.1.2.3/8"),
	  SGFW_IN, P_L4("10.9.9.9", H4, TCP, 1, 2), true },
	{ "0.0.0.0/0, an IPv6 packet", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R6, H6, TCP, 1, 2), false },
	{ "0.0.0.0/0, v4-mapped IPv6 source", R_ALL(SGFW_IN, "0.0.0.0/0"),
	  SGFW_IN, P_L4("::ffff:203.0.113.9", H6, TCP, 1, 2), false },

	/* IPv6 CIDR edges. */
	{ "2001:db8::/32, last address", R_ALL(SGFW_IN, "2001:db8::/32"),
	  SGFW_IN, P_L4("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1,
	  2), true },
	{ "2001:db8::/32, one above", R_ALL(SGFW_IN, "2001:db8::/32"),
	  SGFW_IN, P_L4("2001:db9::", H6, TCP, 1, 2), false },
	{ "2001:db8::/32, one below", R_ALL(SGFW_IN, "2001:db8::/32"),
	  SGFW_IN, P_L4("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1,
	  2), false },
	{ "/128, the address", R_ALL(SGFW_IN, "2001:db8::7/128"), SGFW_IN,
	  P_L4("2001:db8::7", H6, TCP, 1, 2), true },
	{ "/128, the next address", R_ALL(SGFW_IN, "2001:db8::7/128"),
	  SGFW_IN, P_L4("2001:db8::8", H6, TCP, 1, 2), false },
	{ "/127, second address", R_ALL(SGFW_IN, "2001:db8::6/127"), SGFW_IN,
	  P_L4("2001:db8::7", H6, TCP, 1, 2), true },
	{ "/127, next pair", R_ALL(SGFW_IN, "2001:db8::6/127"), SGFW_IN,
	  P_L4("2001:db8::8", H6, TCP, 1, 2), false },
	{ "/64, last of the subnet", R_ALL(SGFW_IN, "2001:db8:0:1::/64"),
	  SGFW_IN, P_L4("2001:db8:0:1:ffff:ffff:ffff:ffff", H6, TCP, 1, 2),
	  true },
	{ "/64, next subnet", R_ALL(SGFW_IN, "2001:db8:0:1::/64"), SGFW_IN,
	  P_L4("2001:db8:0:2::", H6, TCP, 1, 2), false },
	{ "/65, first of the upper half", R_ALL(SGFW_IN,
	  "2001:db8::8000:0:0:0/65"), SGFW_IN,
	  P_L4("2001:db8::8000:0:0:1", H6, TCP, 1, 2), true },
	{ "/65, last of the lower half", R_ALL(SGFW_IN,
	  "2001:db8::8000:0:0:0/65"), SGFW_IN,
	  P_L4("2001:db8::7fff:ffff:ffff:ffff", H6, TCP, 1, 2), false },
	{ "8000::/1, 8000::", R_ALL(SGFW_IN, "8000::/1"), SGFW_IN,
	  P_L4("8000::", H6, TCP, 1, 2), true },
	{ "8000::/1, all ones", R_ALL(SGFW_IN, "8000::/1"), SGFW_IN,
	  P_L4("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1, 2),
	  true },
	{ "8000::/1, 7fff:...", R_ALL(SGFW_IN, "8000::/1"), SGFW_IN,
	  P_L4("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1, 2),
	  false },
	{ "::/1, 7fff:...", R_ALL(SGFW_IN, "::/1"), SGFW_IN,
	  P_L4("7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1, 2),
	  true },
	{ "::/1, 8000::", R_ALL(SGFW_IN, "::/1"), SGFW_IN,
	  P_L4("8000::", H6, TCP, 1, 2), false },
	{ "::/0, ::", R_ALL(SGFW_IN, "::/0"), SGFW_IN,
	  P_L4("::", H6, TCP, 1, 2), true },
	{ "::/0, all ones", R_ALL(SGFW_IN, "::/0"), SGFW_IN,
	  P_L4("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", H6, TCP, 1, 2),
	  true },
	{ "2001:db8::1:2:3/64 is stored as 2001:db8::/64", R_ALL(SGFW_IN,
	  "2001:db8::1:2:3/64"), SGFW_IN, P_L4("2001:db8::9", H6, TCP, 1, 2),
	  true },
	{ "::/0, an IPv4 packet", R_ALL(SGFW_IN, "::/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1, 2), false },

	/* The peer is the source on ingress, the destination on egress. */
	{ "ingress, source in the peer", R_ALL(SGFW_IN, "10.0.0.0/8"), SGFW_IN,
	  P_L4("10.1.1.1", H4, TCP, 1, 2), true },
	{ "ingress, only destination in the peer", R_ALL(SGFW_IN,
	  "10.0.0.0/8"), SGFW_IN, P_L4(R4, "10.1.1.1", TCP, 1, 2), false },
	{ "egress, destination in the peer", R_ALL(SGFW_EG, "10.0.0.0/8"),
	  SGFW_EG, P_L4(H4, "10.1.1.1", TCP, 1, 2), true },
	{ "egress, only source in the peer", R_ALL(SGFW_EG, "10.0.0.0/8"),
	  SGFW_EG, P_L4("10.1.1.1", R4, TCP, 1, 2), false },
	{ "v6 ingress, source in the peer", R_ALL(SGFW_IN, "2001:db8:1::/48"),
	  SGFW_IN, P_L4("2001:db8:1::5", H6, TCP, 1, 2), true },
	{ "v6 ingress, only destination in the peer", R_ALL(SGFW_IN,
	  "2001:db8:1::/48"), SGFW_IN, P_L4(R6, "2001:db8:1::5", TCP, 1, 2),
	  false },
	{ "v6 egress, destination in the peer", R_ALL(SGFW_EG,
	  "2001:db8:1::/48"), SGFW_EG, P_L4(H6, "2001:db8:1::5", TCP, 1, 2),
	  true },
	{ "v6 egress, only source in the peer", R_ALL(SGFW_EG,
	  "2001:db8:1::/48"), SGFW_EG, P_L4("2001:db8:1::5", R6, TCP, 1, 2),
	  false },
	{ "ingress rule, egress packet", R_ALL(SGFW_IN, "0.0.0.0/0"), SGFW_EG,
	  P_L4(H4, R4, TCP, 1, 2), false },
	{ "egress rule, ingress packet", R_ALL(SGFW_EG, "0.0.0.0/0"), SGFW_IN,
	  P_L4(R4, H4, TCP, 1, 2), false },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_match_cases, sgfw_test_match_cases, desc);

static void sgfw_ruleset_match_one_rule(struct kunit *test)
{
	const struct sgfw_test_match_case *c = test->param_value;
	const struct sgfw_crule *r;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;

	rs = sgfw_test_ruleset(test, &c->rule, 1, SGFW_TRACKING_AUTO);
	sgfw_test_pkt(test, &c->pkt, &p);

	rcu_read_lock();
	r = sgfw_ruleset_match(rs, c->dir, &p);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, !!r, c->match);
	if (r)
		KUNIT_EXPECT_EQ(test, r->rule_id, 1);
}

/* --- several rules ------------------------------------------------------- */

/* The id of the rule that allows @tp in @dir, 0 for none. */
static u32 sgfw_test_match_id(struct kunit *test, struct sgfw_ruleset *rs,
			      enum sgfw_direction dir,
			      const struct sgfw_test_pkt *tp)
{
	const struct sgfw_crule *r;
	struct sgfw_pkt p;
	u32 id;

	sgfw_test_pkt(test, tp, &p);
	rcu_read_lock();
	r = sgfw_ruleset_match(rs, dir, &p);
	id = r ? r->rule_id : 0;
	rcu_read_unlock();
	return id;
}

/* The same for a packet from @src to port @dport of @dst. */
static u32 sgfw_test_id(struct kunit *test, struct sgfw_ruleset *rs,
			enum sgfw_direction dir, const char *src,
			const char *dst, u8 proto, u16 dport)
{
	struct sgfw_test_pkt tp = P_L4(src, dst, proto, 40000, dport);

	return sgfw_test_match_id(test, rs, dir, &tp);
}

/*
 * Rules of several groups form one list in the order they were added; the
 * first that allows the packet is the one returned, with its own ids.
 */
static void sgfw_ruleset_first_match_in_build_order(struct kunit *test)
{
	static const struct sgfw_test_rule a1 =
		R_PORTS(SGFW_IN, TCP, 22, 22, "10.0.0.0/8");
	static const struct sgfw_test_rule a2 =
		R_PORTS(SGFW_IN, TCP, 20, 30, "0.0.0.0/0");
	static const struct sgfw_test_rule b1 = R_ALL(SGFW_IN, "0.0.0.0/0");
	static const struct sgfw_test_pkt ssh_inside =
		P_L4("10.1.1.1", H4, TCP, 40000, 22);
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	const struct sgfw_crule *r;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;

	sgfw_test_add(test, b, &a1, 10, 1);
	sgfw_test_add(test, b, &a2, 11, 1);
	sgfw_test_add(test, b, &b1, 20, 2);
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	sgfw_test_pkt(test, &ssh_inside, &p);
	rcu_read_lock();
	r = sgfw_ruleset_match(rs, SGFW_IN, &p);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->rule_id, 10);
	KUNIT_EXPECT_EQ(test, r->sg_id, 1);
	KUNIT_EXPECT_EQ(test, r->proto, TCP);
	KUNIT_EXPECT_EQ(test, r->port_from, 22);
	KUNIT_EXPECT_EQ(test, r->port_to, 22);
	KUNIT_EXPECT_EQ(test, r->peer_count, 1);
	KUNIT_EXPECT_FALSE(test, r->flags & SGFW_CRULE_PEER_ANY);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 22),
			11);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.1.1.1",
					   H4, TCP, 25), 11);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.1.1.1",
					   H4, UDP, 22), 20);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 31),
			20);
	/* Group 2's rule was for IPv4 ingress only. */
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_EG, H4, R4, TCP, 31),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R6, H6, TCP, 31),
			0);
}

/* Two groups that each allow part: the device allows the union. */
static void sgfw_ruleset_union_of_groups(struct kunit *test)
{
	static const struct sgfw_test_rule rules[] = {
		/* Groups 100, 101 and 102. */
		R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
		R_PORTS(SGFW_IN, UDP, 53, 53, "10.0.0.0/8"),
		R_PORTS(SGFW_IN, TCP, 443, 443, "2001:db8::/32"),
	};
	struct sgfw_ruleset *rs;

	rs = sgfw_test_ruleset(test, rules, ARRAY_SIZE(rules),
			       SGFW_TRACKING_AUTO);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 22),
			1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.2.3.4",
					   H4, UDP, 53), 2);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "11.2.3.4",
					   H4, UDP, 53), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 80),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "2001:db8:5::1",
					   H6, TCP, 443), 3);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "2001:db9::1",
					   H6, TCP, 443), 0);
}

/* A group peer is several CIDRs: any of them matches. */
static void sgfw_ruleset_group_peer_several_cidrs(struct kunit *test)
{
	static const struct sgfw_test_rule rules[] = {
		R_PORTS(SGFW_IN, TCP, 5432, 5432,
			"10.0.0.1/32,10.0.0.2/32,192.168.0.0/16"),
		R_PORTS(SGFW_IN, TCP, 5432, 5432,
			"2001:db8::1/128,2001:db8:1::/48"),
	};
	static const struct sgfw_test_pkt tp =
		P_L4("10.0.0.2", H4, TCP, 40000, 5432);
	const struct sgfw_crule *r;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;

	rs = sgfw_test_ruleset(test, rules, ARRAY_SIZE(rules),
			       SGFW_TRACKING_AUTO);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.1",
					   H4, TCP, 5432), 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.2",
					   H4, TCP, 5432), 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "192.168.77.1",
					   H4, TCP, 5432), 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.3",
					   H4, TCP, 5432), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "2001:db8::1",
					   H6, TCP, 5432), 2);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "2001:db8:1:2::3",
					   H6, TCP, 5432), 2);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "2001:db8::2",
					   H6, TCP, 5432), 0);

	sgfw_test_pkt(test, &tp, &p);
	rcu_read_lock();
	r = sgfw_ruleset_match(rs, SGFW_IN, &p);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->peer_count, 3);
	rcu_read_unlock();
}

/*
 * Shared peer sets: the rules of @n (walked when short, classified when
 * long) on tcp ports 100 + i take set @a (i even) or @b (i odd); the
 * ruleset keeps its own references, so the sets outlive their maker's.
 */
static void sgfw_test_peer_sets(struct kunit *test, u32 n)
{
	static const struct sgfw_test_rule tcp =
		R_PORTS(SGFW_IN, TCP, 100, 100, "0.0.0.0/0");
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	struct sgfw_cidr ca[SGFW_TEST_MAX_CIDRS], cb[SGFW_TEST_MAX_CIDRS];
	struct sgfw_peer_set *a, *bs;
	struct sgfw_rule_spec spec;
	struct sgfw_ruleset *rs;
	u32 i, na, nb;

	na = sgfw_test_cidrs(test, "10.0.0.1/32,10.0.0.5/32", ca);
	nb = sgfw_test_cidrs(test, "192.168.0.0/16", cb);
	a = sgfw_peer_set_new(SGFW_AF_INET, ca, na, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	bs = sgfw_peer_set_new(SGFW_AF_INET, cb, nb, false);
	if (IS_ERR(bs))
		sgfw_peer_set_put(a);
	KUNIT_ASSERT_FALSE(test, IS_ERR(bs));
	for (i = 0; i < n; i++) {
		sgfw_test_spec(&tcp, i + 1, 100, &spec);
		spec.port_from = 100 + i;
		spec.port_to = 100 + i;
		KUNIT_EXPECT_EQ(test, sgfw_ruleset_add_set(b, SGFW_AF_INET,
							   &spec,
							   i % 2 ? bs : a), 0);
	}
	sgfw_peer_set_put(a);
	sgfw_peer_set_put(bs);
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.5", H4,
					   TCP, 100), 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.1", H4,
					   TCP, 100 + n - 2), n - 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.2", H4,
					   TCP, 100), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "192.168.3.4",
					   H4, TCP, 100), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "192.168.3.4",
					   H4, TCP, 101), 2);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.1", H4,
					   TCP, 101), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "192.168.3.4",
					   H4, TCP, 100 + n - 1), n);
	KUNIT_EXPECT_PTR_EQ(test,
			    sgfw_ruleset_rule_peers(rs, SGFW_AF_INET, SGFW_IN,
						    0),
			    sgfw_ruleset_rule_peers(rs, SGFW_AF_INET, SGFW_IN,
						    2));
}

static void sgfw_ruleset_peer_set_shared(struct kunit *test)
{
	struct sgfw_cidr c[SGFW_TEST_MAX_CIDRS];
	u32 n;

	/* Checked as sgfw_ruleset_add() checks its peers. */
	n = sgfw_test_cidrs(test, "10.0.0.0/24", c);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_peer_set_new(SGFW_AF_INET, c, n,
							true)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sgfw_peer_set_new(SGFW_AF_INET6, c, n,
							false)), -EINVAL);
	/* Walked (short) and classified (long). */
	sgfw_test_peer_sets(test, 4);
	sgfw_test_peer_sets(test, 20);
}

/*
 * A rule whose peer has no address (a group with no member) matches no
 * packet, even for every protocol, does not hide the rules after it, and
 * does not make its direction "all open".
 */
static void sgfw_ruleset_peer_without_cidrs_matches_nothing(struct kunit *test)
{
	static const struct sgfw_test_rule ssh =
		R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0");
	static const struct sgfw_test_rule all = R_ALL(SGFW_IN, "0.0.0.0/0");
	static const struct sgfw_test_pkt tp = P_L4(R4, H4, TCP, 40000, 22);
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	const struct sgfw_crule *r;
	struct sgfw_rule_spec spec;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;
	enum sgfw_af af;

	sgfw_test_spec(&all, 1, 1, &spec);
	for (af = SGFW_AF_INET; af < SGFW_AF_NUM; af++)
		KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, af, &spec, NULL, 0),
				0);
	spec.dir = SGFW_EG;
	KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, SGFW_AF_INET, &spec, NULL, 0),
			0);
	sgfw_test_add(test, b, &ssh, 2, 1);
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, UDP, 53),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "0.0.0.0",
					   H4, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R6, H6, UDP, 53),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_EG, H4, R4, TCP, 22),
			0);

	/* ssh from anywhere, with egress "all" to nobody: tracked. */
	sgfw_test_pkt(test, &tp, &p);
	rcu_read_lock();
	r = sgfw_ruleset_match(rs, SGFW_IN, &p);
	KUNIT_EXPECT_NOT_NULL(test, r);
	if (r) {
		KUNIT_EXPECT_EQ(test, r->rule_id, 2);
		KUNIT_EXPECT_FALSE(test, sgfw_ruleset_untracked(rs, SGFW_IN,
								&p));
	}
	rcu_read_unlock();
}

/* An empty ruleset allows nothing, in any family or direction. */
static void sgfw_ruleset_empty_allows_nothing(struct kunit *test)
{
	struct sgfw_ruleset *rs;

	rs = sgfw_test_finish(test, sgfw_test_builder(test), NULL,
			      SGFW_TRACKING_AUTO);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 22),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_EG, H4, R4, TCP, 22),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R6, H6, TCP, 22),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_EG, H6, R6, TCP, 22),
			0);
}

/* The ruleset carries the device's settings, or the defaults. */
static void sgfw_ruleset_settings(struct kunit *test)
{
	static const struct sgfw_timeouts to = {
		.tcp_established = 350,
		.udp = 60,
		.udp_stream = 120,
	};
	struct sgfw_ruleset *rs;
	const struct sgfw_timeouts *got;

	rs = sgfw_test_finish(test, sgfw_test_builder(test), &to,
			      SGFW_TRACKING_ALWAYS);
	got = sgfw_ruleset_timeouts(rs);
	KUNIT_EXPECT_EQ(test, got->tcp_established, 350);
	KUNIT_EXPECT_EQ(test, got->udp, 60);
	KUNIT_EXPECT_EQ(test, got->udp_stream, 120);
	KUNIT_EXPECT_EQ(test, sgfw_ruleset_tracking(rs), SGFW_TRACKING_ALWAYS);

	rs = sgfw_test_finish(test, sgfw_test_builder(test), NULL,
			      SGFW_TRACKING_AUTO);
	got = sgfw_ruleset_timeouts(rs);
	KUNIT_EXPECT_EQ(test, got->tcp_established, SGFW_TCP_EST_TIMEOUT_DEF);
	KUNIT_EXPECT_EQ(test, got->udp, SGFW_UDP_TIMEOUT_DEF);
	KUNIT_EXPECT_EQ(test, got->udp_stream, SGFW_UDP_STREAM_TIMEOUT_DEF);
	KUNIT_EXPECT_EQ(test, sgfw_ruleset_tracking(rs), SGFW_TRACKING_AUTO);
}

/* --- refused rules ------------------------------------------------------- */

struct sgfw_test_refuse_case {
	const char *desc;
	int af;			/* enum sgfw_af, or out of range */
	int dir;		/* enum sgfw_direction, or out of range */
	struct sgfw_test_rule rule;
	bool null_peers;	/* the CIDRs' count, but no array */
	u8 plen;		/* overrides the first CIDR's when non-zero */
	int err;
};

static const struct sgfw_test_refuse_case sgfw_test_refuse_cases[] = {
	{ "family out of range", SGFW_AF_NUM, SGFW_IN,
	  R_ALL(SGFW_IN, "0.0.0.0/0"), false, 0, -EINVAL },
	{ "direction out of range", SGFW_AF_INET, 2,
	  R_ALL(SGFW_IN, "0.0.0.0/0"), false, 0, -EINVAL },
	{ "port_from above port_to", SGFW_AF_INET, SGFW_IN,
	  R_PORTS(SGFW_IN, TCP, 81, 80, "0.0.0.0/0"), false, 0, -EINVAL },
	{ "IPv4 peer in the IPv6 list", SGFW_AF_INET6, SGFW_IN,
	  R_ALL(SGFW_IN, "0.0.0.0/0"), false, 0, -EINVAL },
	{ "IPv6 peer in the IPv4 list", SGFW_AF_INET, SGFW_IN,
	  R_ALL(SGFW_IN, "::/0"), false, 0, -EINVAL },
	{ "IPv4 prefix 33", SGFW_AF_INET, SGFW_IN,
	  R_ALL(SGFW_IN, "10.0.0.0/8"), false, 33, -EINVAL },
	{ "IPv6 prefix 129", SGFW_AF_INET6, SGFW_IN,
	  R_ALL(SGFW_IN, "2001:db8::/32"), false, 129, -EINVAL },
	{ "peers counted but missing", SGFW_AF_INET, SGFW_IN,
	  R_ALL(SGFW_IN, "0.0.0.0/0"), true, 0, -EINVAL },
	/* Not refused: ports mean nothing to gre, and are ignored. */
	{ "gre with a port range", SGFW_AF_INET, SGFW_IN,
	  R_PORTS(SGFW_IN, 47, 81, 80, "0.0.0.0/0"), false, 0, 0 },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_refuse_cases, sgfw_test_refuse_cases, desc);

/*
 * A refused rule changes nothing: the rules added before it and after it
 * are there, in order, and it is not.
 */
static void sgfw_ruleset_add_refused(struct kunit *test)
{
	const struct sgfw_test_refuse_case *c = test->param_value;
	static const struct sgfw_test_rule before =
		R_PORTS(SGFW_IN, TCP, 22, 22, "10.0.0.0/8");
	static const struct sgfw_test_rule after =
		R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0");
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	struct sgfw_cidr peers[SGFW_TEST_MAX_CIDRS];
	struct sgfw_rule_spec spec;
	struct sgfw_ruleset *rs;
	u32 n;

	sgfw_test_add(test, b, &before, 1, 1);
	n = sgfw_test_cidrs(test, c->rule.peers, peers);
	if (c->plen)
		peers[0].plen = c->plen;
	sgfw_test_spec(&c->rule, 2, 1, &spec);
	spec.dir = c->dir;
	KUNIT_EXPECT_EQ(test, sgfw_ruleset_add(b, c->af, &spec,
					       c->null_peers ? NULL : peers,
					       n), c->err);
	sgfw_test_add(test, b, &after, 3, 1);
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.0.1",
					   H4, TCP, 22), 1);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, TCP, 22),
			3);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, 47, 0),
			c->err ? 0 : 2);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4, UDP, 22),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R6, H6, UDP, 22),
			0);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_EG, H4, R4, UDP, 22),
			0);
}

/* --- size ---------------------------------------------------------------- */

#define SGFW_TEST_MANY	1000

/*
 * A device's worth of rules, and a peer of a thousand addresses: the
 * builder grows its arrays many times and every rule lands in its place.
 */
static void sgfw_ruleset_many_rules(struct kunit *test)
{
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	struct sgfw_rule_spec spec = {};
	struct sgfw_ruleset *rs;
	struct sgfw_cidr *peers;
	char src[16];
	u32 i;

	peers = kunit_kcalloc(test, SGFW_TEST_MANY, sizeof(*peers),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, peers);
	for (i = 0; i < SGFW_TEST_MANY; i++) {
		peers[i].af = SGFW_AF_INET;
		peers[i].plen = 32;
		peers[i].addr.ip = htonl(0x0a000000 + i);
	}

	spec.dir = SGFW_IN;
	spec.proto = TCP;
	for (i = 0; i < SGFW_TEST_MANY - 1; i++) {
		spec.rule_id = i + 1;
		spec.port_from = i + 1;
		spec.port_to = i + 1;
		KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, SGFW_AF_INET, &spec,
						       &peers[i], 1), 0);
	}
	spec.rule_id = SGFW_TEST_MANY;
	spec.proto = UDP;
	spec.port_from = 0;
	spec.port_to = 65535;
	KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, SGFW_AF_INET, &spec, peers,
					       SGFW_TEST_MANY), 0);
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	for (i = 0; i < SGFW_TEST_MANY - 1; i++) {
		snprintf(src, sizeof(src), "10.0.%u.%u", i >> 8, i & 0xff);
		KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, src, H4,
						   TCP, i + 1), i + 1);
		/* The right port from the wrong address: no rule. */
		KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, R4, H4,
						   TCP, i + 1), 0);
	}
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.3.231",
					   H4, UDP, 7), SGFW_TEST_MANY);
	KUNIT_EXPECT_EQ(test, sgfw_test_id(test, rs, SGFW_IN, "10.0.3.232",
					   H4, UDP, 7), 0);
}

/*
 * Builders dropped half-built free what they hold; under KASAN a double or
 * wrong free here fails the run.  finish() takes its builder in every case.
 */
static void sgfw_ruleset_builder_destroy_frees(struct kunit *test)
{
	static const struct sgfw_test_rule rules[] = {
		R_ALL(SGFW_IN, "10.0.0.0/8,192.168.0.0/16"),
		R_PORTS(SGFW_EG, TCP, 1, 2, "2001:db8::/32"),
		R_ALL(SGFW_EG, "0.0.0.0/0"),
	};
	struct sgfw_ruleset_builder *b;
	struct sgfw_ruleset *rs;
	int i, n;

	sgfw_ruleset_builder_destroy(NULL);
	sgfw_ruleset_put(NULL);

	for (n = 0; n <= ARRAY_SIZE(rules); n++) {
		b = sgfw_ruleset_builder_new();
		KUNIT_ASSERT_NOT_NULL(test, b);
		for (i = 0; i < n; i++)
			sgfw_test_add(test, b, &rules[i], i + 1, 1);
		sgfw_ruleset_builder_destroy(b);

		b = sgfw_ruleset_builder_new();
		KUNIT_ASSERT_NOT_NULL(test, b);
		for (i = 0; i < n; i++)
			sgfw_test_add(test, b, &rules[i], i + 1, 1);
		rs = sgfw_ruleset_finish(b, NULL, SGFW_TRACKING_AUTO);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
		sgfw_ruleset_put(rs);
	}
	/* Let the deferred frees run inside this case. */
	rcu_barrier();
}

/* --- untracked flows ----------------------------------------------------- */

struct sgfw_test_untracked_case {
	const char *desc;
	struct sgfw_test_rule rules[SGFW_TEST_MAX_RULES];
	enum sgfw_tracking tracking;
	enum sgfw_direction dir;
	struct sgfw_test_pkt pkt;
	bool untracked;
};

#define AUTO	SGFW_TRACKING_AUTO
#define ALWAYS	SGFW_TRACKING_ALWAYS

static const struct sgfw_test_untracked_case sgfw_test_untracked_cases[] = {
	/* (a): allowed from anywhere, and the other way is all open. */
	{ "(a) tcp 22 from anywhere, egress all open",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), true },
	{ "(a) udp 53 from anywhere, egress all open",
	  { R_PORTS(SGFW_IN, UDP, 53, 53, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, UDP, 40000, 53), true },
	{ "(a) v6 tcp 22 from anywhere, egress all open",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "::/0"), R_ALL(SGFW_EG, "::/0") },
	  AUTO, SGFW_IN, P_L4(R6, H6, TCP, 40000, 22), true },
	{ "(a) egress to anywhere, ingress all open",
	  { R_ALL(SGFW_IN, "0.0.0.0/0"),
	    R_PORTS(SGFW_EG, TCP, 443, 443, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 50000, 443), true },
	{ "(a) all open both ways, ingress tcp",
	  { R_ALL(SGFW_IN, "0.0.0.0/0"), R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 8080), true },
	{ "(a) all open both ways, egress udp",
	  { R_ALL(SGFW_IN, "0.0.0.0/0"), R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, UDP, 40000, 123), true },
	{ "(a) egress all open through a set holding 0.0.0.0/0",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "10.0.0.0/8,0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), true },
	{ "(a) not: the rule's peer is 10.0.0.0/8",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "10.0.0.0/8"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4("10.1.1.1", H4, TCP, 40000, 22), false },
	{ "(a) union: a 10.0.0.0/8 rule first, a 0.0.0.0/0 one after",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "10.0.0.0/8"),
	    R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4("10.1.1.1", H4, TCP, 40000, 22), true },
	{ "(a) not: egress all protocols to 10.0.0.0/8 only",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "10.0.0.0/8") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), false },
	{ "(a) not: egress tcp on all ports is not all open",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_PROTO(SGFW_EG, TCP, "0.0.0.0/0"),
	    R_PROTO(SGFW_EG, UDP, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), false },
	{ "(a) not: no egress rule",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), false },
	{ "(a) not: egress all open in IPv4 only, v6 flow",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "::/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R6, H6, TCP, 40000, 22), false },
	{ "(a) not: tracking always",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  ALWAYS, SGFW_IN, P_L4(R4, H4, TCP, 40000, 22), false },
	{ "(a) not: icmp is always tracked",
	  { R_ICMP(SGFW_IN, ICMP, SGFW_TEST_ANY, SGFW_TEST_ANY, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_ICMP(R4, H4, ICMP, 8, 0), false },
	{ "(a) not: icmpv6 is always tracked",
	  { R_ALL(SGFW_IN, "::/0"), R_ALL(SGFW_EG, "::/0") },
	  AUTO, SGFW_IN, P_ICMP(R6, H6, ICMP6, 128, 0), false },
	{ "(a) not: gre, all open both ways",
	  { R_ALL(SGFW_IN, "0.0.0.0/0"), R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, 47, 0, 0), false },

	/* A new outbound flow under the default egress rule. */
	{ "outbound, no ingress rule: tracked",
	  { R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 50000, 443), false },
	{ "outbound to 443, ingress tcp 22 from anywhere: tracked",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 50000, 443), false },

	/* (b): the reply of a flow that (a) leaves untracked. */
	{ "(b) ssh reply, egress all open",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 22, 40000), true },
	{ "(b) v6 dns reply, egress all open",
	  { R_PORTS(SGFW_IN, UDP, 53, 53, "::/0"), R_ALL(SGFW_EG, "::/0") },
	  AUTO, SGFW_EG, P_L4(H6, R6, UDP, 53, 40000), true },
	{ "(b) reply to egress 443, ingress all open",
	  { R_ALL(SGFW_IN, "0.0.0.0/0"),
	    R_PORTS(SGFW_EG, TCP, 443, 443, "0.0.0.0/0") },
	  AUTO, SGFW_IN, P_L4(R4, H4, TCP, 443, 50000), true },
	{ "(b) not: ssh allowed from 10.0.0.0/8 only",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "10.0.0.0/8"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, "10.1.1.1", TCP, 22, 40000), false },
	{ "(b) not: the ingress rule is for udp",
	  { R_PORTS(SGFW_IN, UDP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 22, 40000), false },
	{ "(b) not: egress not all open",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_PROTO(SGFW_EG, TCP, "0.0.0.0/0") },
	  AUTO, SGFW_EG, P_L4(H4, R4, TCP, 22, 40000), false },
	{ "(b) not: tracking always",
	  { R_PORTS(SGFW_IN, TCP, 22, 22, "0.0.0.0/0"),
	    R_ALL(SGFW_EG, "0.0.0.0/0") },
	  ALWAYS, SGFW_EG, P_L4(H4, R4, TCP, 22, 40000), false },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_test_untracked_cases, sgfw_test_untracked_cases,
		       desc);

static void sgfw_ruleset_untracked_flows(struct kunit *test)
{
	const struct sgfw_test_untracked_case *c = test->param_value;
	const struct sgfw_crule *r;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;

	rs = sgfw_test_ruleset(test, c->rules, SGFW_TEST_MAX_RULES,
			       c->tracking);
	sgfw_test_pkt(test, &c->pkt, &p);

	rcu_read_lock();
	r = sgfw_ruleset_match(rs, c->dir, &p);
	KUNIT_EXPECT_NOT_NULL_MSG(test, r, "no rule allows the packet");
	if (r)
		KUNIT_EXPECT_EQ(test, sgfw_ruleset_untracked(rs, c->dir, &p),
				c->untracked);
	rcu_read_unlock();
}

/* --- the classifier against a plain walk --------------------------------- */

/*
 * Random rules and packets drawn from small pools of ports and addresses,
 * so that ranges and prefixes overlap and nest, packets hit and miss; the
 * answer of the ruleset (the first rule that allows, and whether the flow
 * is untracked) must be that of a plain walk of the rules written here.
 * Long lists go through the classifier, short ones are walked (8 rules of
 * one prefix each always are): both; and so do short lists with many
 * prefixes (a prefix list as the peer).
 */
#define SGFW_TEST_RND_PEERS	16
#define SGFW_TEST_RND_PKTS	3000

struct sgfw_test_rrule {
	struct sgfw_rule_spec spec;
	struct sgfw_cidr peers[SGFW_TEST_RND_PEERS];
	u32 n;
};

struct sgfw_test_rnd_case {
	enum sgfw_af af;
	u32 rules;
	u32 peers;	/* the most of one rule */
};

static const struct sgfw_test_rnd_case sgfw_test_rnd_cases[] = {
	{ SGFW_AF_INET, 8, 1 },
	{ SGFW_AF_INET, 6, 3 },
	{ SGFW_AF_INET, 4, SGFW_TEST_RND_PEERS },
	{ SGFW_AF_INET, 40, 3 },
	{ SGFW_AF_INET, 1000, 3 },
	{ SGFW_AF_INET6, 8, 1 },
	{ SGFW_AF_INET6, 6, 3 },
	{ SGFW_AF_INET6, 4, SGFW_TEST_RND_PEERS },
	{ SGFW_AF_INET6, 40, 3 },
	{ SGFW_AF_INET6, 1000, 3 },
};

static void sgfw_test_rnd_desc(const struct sgfw_test_rnd_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s, %u rules of up to %u peers",
		 c->af == SGFW_AF_INET ? "inet" : "inet6", c->rules, c->peers);
}

KUNIT_ARRAY_PARAM(sgfw_test_rnd, sgfw_test_rnd_cases, sgfw_test_rnd_desc);

/* xorshift32: the same draws on every run. */
static u32 sgfw_test_rnd_next(u32 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* An address of the pool: few networks, few hosts in each. */
static void sgfw_test_rnd_addr(u32 *s, enum sgfw_af af, union sgfw_addr *a)
{
	u32 net = sgfw_test_rnd_next(s) % 4, host = sgfw_test_rnd_next(s) % 64;

	memset(a, 0, sizeof(*a));
	if (!(sgfw_test_rnd_next(s) % 16))
		host = sgfw_test_rnd_next(s);	/* now and then, anywhere */
	if (af == SGFW_AF_INET) {
		a->ip = htonl(0x0a000000 | net << 8 | (host & 0xff) |
			      (host & 0xffff0000));
		return;
	}
	a->all[0] = htonl(0x20010db8);
	a->all[1] = htonl(net);
	a->all[2] = htonl(host >> 16);
	a->all[3] = htonl(host & 0xff);
}

/* An address no rule names but by 0.0.0.0/0 (::/0). */
static void sgfw_test_foreign(u32 *s, enum sgfw_af af, union sgfw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (af == SGFW_AF_INET) {
		a->ip = htonl(0xc6336400 | (sgfw_test_rnd_next(s) & 0xff));
		return;
	}
	a->all[0] = htonl(0x3fff0000);
	a->all[3] = htonl(sgfw_test_rnd_next(s) & 0xff);
}

static u8 sgfw_test_rnd_proto(u32 *s, enum sgfw_af af)
{
	static const u8 v4[] = { TCP, TCP, TCP, UDP, UDP, UDP, IPPROTO_ICMP,
				 IPPROTO_GRE, IPPROTO_ICMPV6 };
	static const u8 v6[] = { TCP, TCP, TCP, UDP, UDP, UDP, IPPROTO_ICMPV6,
				 IPPROTO_GRE, IPPROTO_ICMP };

	return (af == SGFW_AF_INET ? v4 : v6)[sgfw_test_rnd_next(s) %
					      ARRAY_SIZE(v4)];
}

static u16 sgfw_test_rnd_port(u32 *s)
{
	switch (sgfw_test_rnd_next(s) % 16) {
	case 0:
		return 0;
	case 1:
		return 65535;
	default:
		return 1000 + sgfw_test_rnd_next(s) % 48;
	}
}

static u8 sgfw_test_icmp_of(enum sgfw_af af)
{
	return af == SGFW_AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

static void sgfw_test_rnd_rule(u32 *s, enum sgfw_af af, u32 id, u32 peers,
			       struct sgfw_test_rrule *r)
{
	static const u8 v4len[] = { 0, 8, 16, 22, 24, 24, 28, 32, 32 };
	static const u8 v6len[] = { 0, 32, 48, 60, 64, 64, 96, 120, 128 };
	struct sgfw_rule_spec *sp = &r->spec;
	u8 max = af == SGFW_AF_INET ? 32 : 128;
	u32 i, k, x;

	memset(r, 0, sizeof(*r));
	sp->rule_id = id;
	sp->sg_id = 1 + id % 7;
	sp->dir = sgfw_test_rnd_next(s) % 2 ? SGFW_IN : SGFW_EG;
	sp->any_proto = !(sgfw_test_rnd_next(s) % 20);
	sp->proto = sp->any_proto ? 0 : sgfw_test_rnd_proto(s, af);
	x = sgfw_test_rnd_next(s) % 8;
	sp->any_port = !x;
	if (x == 1) {
		sp->port_from = 0;
		sp->port_to = 65535;
	} else if (x) {
		sp->port_from = sgfw_test_rnd_port(s);
		sp->port_to = sp->port_from;
		if (sp->port_from < 65500)
			sp->port_to += sgfw_test_rnd_next(s) % 6;
	}
	sp->any_type = !(sgfw_test_rnd_next(s) % 3);
	sp->icmp_type = sgfw_test_rnd_next(s) % 4;
	sp->any_code = !(sgfw_test_rnd_next(s) % 2);
	sp->icmp_code = sgfw_test_rnd_next(s) % 3;

	r->n = 1 + sgfw_test_rnd_next(s) % peers;
	/* One rule in five has a group's sorted hosts for its peer. */
	sp->peer_hosts = !(sgfw_test_rnd_next(s) % 5);
	for (i = 0; i < r->n; i++) {
		r->peers[i].af = af;
		sgfw_test_rnd_addr(s, af, &r->peers[i].addr);
		x = sgfw_test_rnd_next(s) % ARRAY_SIZE(v4len);
		r->peers[i].plen = sp->peer_hosts ? max :
				   af == SGFW_AF_INET ? v4len[x] : v6len[x];
		/* /0 only now and then: it opens the rule to everything. */
		if (!r->peers[i].plen && sgfw_test_rnd_next(s) % 8)
			r->peers[i].plen = max;
	}
	if (!sp->peer_hosts)
		return;
	/* Sorted as sgfw_cidr_cmp() does (address bytes), no duplicate. */
	for (i = 1; i < r->n; i++)
		for (k = i; k && memcmp(&r->peers[k - 1].addr,
					&r->peers[k].addr,
					sizeof(r->peers[k].addr)) > 0; k--)
			swap(r->peers[k - 1], r->peers[k]);
	for (i = 1, k = 1; i < r->n; i++)
		if (memcmp(&r->peers[i].addr, &r->peers[k - 1].addr,
			   sizeof(r->peers[i].addr)))
			r->peers[k++] = r->peers[i];
	r->n = k;
}

static bool sgfw_test_ref_l4(const struct sgfw_rule_spec *sp, enum sgfw_af af,
			     u8 proto, u16 port, u8 type, u8 code)
{
	if (sp->any_proto)
		return true;
	if (sp->proto != proto)
		return false;
	if ((proto == TCP || proto == UDP) && !sp->any_port &&
	    (port < sp->port_from || port > sp->port_to))
		return false;
	if (proto == sgfw_test_icmp_of(af) &&
	    ((!sp->any_type && sp->icmp_type != type) ||
	     (!sp->any_code && sp->icmp_code != code)))
		return false;
	return true;
}

static bool sgfw_test_ref_peer(const struct sgfw_test_rrule *r,
			       enum sgfw_af af, const union sgfw_addr *a)
{
	u32 i;

	for (i = 0; i < r->n; i++) {
		const struct sgfw_cidr *c = &r->peers[i];

		if (af == SGFW_AF_INET) {
			u32 m = c->plen ? ~0U << (32 - c->plen) : 0;

			if (!((ntohl(a->ip) ^ ntohl(c->addr.ip)) & m))
				return true;
		} else if (ipv6_prefix_equal(&a->in6, &c->addr.in6, c->plen)) {
			return true;
		}
	}
	return false;
}

static bool sgfw_test_ref_peer_any(const struct sgfw_test_rrule *r)
{
	u32 i;

	for (i = 0; i < r->n; i++)
		if (!r->peers[i].plen)
			return true;
	return false;
}

/* The id of the first rule of @dir that allows @p, or 0. */
static u32 sgfw_test_ref_match(const struct sgfw_test_rrule *rr, u32 n,
			       enum sgfw_direction dir,
			       const struct sgfw_pkt *p)
{
	const union sgfw_addr *peer = dir == SGFW_IN ? &p->t.src : &p->t.dst;
	u32 i;

	for (i = 0; i < n; i++)
		if (rr[i].spec.dir == dir &&
		    sgfw_test_ref_l4(&rr[i].spec, p->t.af, p->t.proto,
				     ntohs(p->t.dport), p->icmp_type,
				     p->icmp_code) &&
		    sgfw_test_ref_peer(&rr[i], p->t.af, peer))
			return rr[i].spec.rule_id;
	return 0;
}

/* A rule of @dir open to every address that allows @proto to @port. */
static bool sgfw_test_ref_open(const struct sgfw_test_rrule *rr, u32 n,
			       enum sgfw_direction dir, enum sgfw_af af,
			       u8 proto, u16 port)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (rr[i].spec.dir == dir && sgfw_test_ref_peer_any(&rr[i]) &&
		    sgfw_test_ref_l4(&rr[i].spec, af, proto, port, 0, 0))
			return true;
	return false;
}

/* A rule of @dir that allows everything from/to everywhere. */
static bool sgfw_test_ref_all_open(const struct sgfw_test_rrule *rr, u32 n,
				   enum sgfw_direction dir)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (rr[i].spec.dir == dir && rr[i].spec.any_proto &&
		    sgfw_test_ref_peer_any(&rr[i]))
			return true;
	return false;
}

static bool sgfw_test_ref_untracked(const struct sgfw_test_rrule *rr, u32 n,
				    enum sgfw_direction dir,
				    const struct sgfw_pkt *p)
{
	enum sgfw_direction opp = dir == SGFW_IN ? SGFW_EG : SGFW_IN;

	if (p->t.proto != TCP && p->t.proto != UDP)
		return false;
	if (sgfw_test_ref_all_open(rr, n, opp) &&
	    sgfw_test_ref_open(rr, n, dir, p->t.af, p->t.proto,
			       ntohs(p->t.dport)))
		return true;
	return sgfw_test_ref_all_open(rr, n, dir) &&
	       sgfw_test_ref_open(rr, n, opp, p->t.af, p->t.proto,
				  ntohs(p->t.sport));
}

static void sgfw_ruleset_classifier_as_walk(struct kunit *test)
{
	const struct sgfw_test_rnd_case *c = test->param_value;
	struct sgfw_ruleset_builder *b = sgfw_test_builder(test);
	u32 seed = 0x5eed0000 + c->rules + c->af, i, hits = 0, n = c->rules;
	struct sgfw_test_rrule *rr;
	struct sgfw_ruleset *rs;
	struct sgfw_pkt p;

	rr = kunit_kcalloc(test, n, sizeof(*rr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, rr);
	for (i = 0; i < n; i++) {
		sgfw_test_rnd_rule(&seed, c->af, i + 1, c->peers, &rr[i]);
		KUNIT_ASSERT_EQ(test, sgfw_ruleset_add(b, c->af, &rr[i].spec,
						       rr[i].peers, rr[i].n),
				0);
	}
	rs = sgfw_test_finish(test, b, NULL, SGFW_TRACKING_AUTO);

	for (i = 0; i < SGFW_TEST_RND_PKTS; i++) {
		enum sgfw_direction dir = i % 2 ? SGFW_IN : SGFW_EG;
		const struct sgfw_crule *r;
		u32 want, got;
		bool unt;

		memset(&p, 0, sizeof(p));
		p.t.af = c->af;
		sgfw_test_rnd_addr(&seed, c->af, &p.t.src);
		sgfw_test_rnd_addr(&seed, c->af, &p.t.dst);
		/* A quarter of the peers from outside every pool. */
		if (!(sgfw_test_rnd_next(&seed) % 4))
			sgfw_test_foreign(&seed, c->af, &p.t.src);
		if (!(sgfw_test_rnd_next(&seed) % 4))
			sgfw_test_foreign(&seed, c->af, &p.t.dst);
		p.t.proto = sgfw_test_rnd_proto(&seed, c->af);
		if (p.t.proto == TCP || p.t.proto == UDP) {
			p.t.sport = htons(sgfw_test_rnd_port(&seed));
			p.t.dport = htons(sgfw_test_rnd_port(&seed));
		}
		p.icmp_type = sgfw_test_rnd_next(&seed) % 4;
		p.icmp_code = sgfw_test_rnd_next(&seed) % 3;

		want = sgfw_test_ref_match(rr, n, dir, &p);
		rcu_read_lock();
		r = sgfw_ruleset_match(rs, dir, &p);
		got = r ? r->rule_id : 0;
		unt = sgfw_ruleset_untracked(rs, dir, &p);
		rcu_read_unlock();
		KUNIT_EXPECT_EQ_MSG(test, got, want, "packet %u", i);
		KUNIT_EXPECT_EQ_MSG(test, unt,
				    sgfw_test_ref_untracked(rr, n, dir, &p),
				    "packet %u", i);
		hits += !!want;
	}
	/* Both answers are common enough to be tested. */
	kunit_info(test, "%u of %u packets allowed\n", hits,
		   SGFW_TEST_RND_PKTS);
	KUNIT_EXPECT_GT(test, hits, SGFW_TEST_RND_PKTS / 20);
	KUNIT_EXPECT_LT(test, hits, SGFW_TEST_RND_PKTS * 99 / 100);
}

static struct kunit_case sgfw_ruleset_cases[] = {
	KUNIT_CASE_PARAM(sgfw_ruleset_match_one_rule,
			 sgfw_test_match_cases_gen_params),
	KUNIT_CASE(sgfw_ruleset_first_match_in_build_order),
	KUNIT_CASE(sgfw_ruleset_union_of_groups),
	KUNIT_CASE(sgfw_ruleset_group_peer_several_cidrs),
	KUNIT_CASE(sgfw_ruleset_peer_set_shared),
	KUNIT_CASE(sgfw_ruleset_peer_without_cidrs_matches_nothing),
	KUNIT_CASE(sgfw_ruleset_empty_allows_nothing),
	KUNIT_CASE(sgfw_ruleset_settings),
	KUNIT_CASE_PARAM(sgfw_ruleset_add_refused,
			 sgfw_test_refuse_cases_gen_params),
	KUNIT_CASE(sgfw_ruleset_many_rules),
	KUNIT_CASE(sgfw_ruleset_builder_destroy_frees),
	KUNIT_CASE_PARAM(sgfw_ruleset_untracked_flows,
			 sgfw_test_untracked_cases_gen_params),
	KUNIT_CASE_PARAM(sgfw_ruleset_classifier_as_walk,
			 sgfw_test_rnd_gen_params),
	{}
};

static struct kunit_suite sgfw_ruleset_suite = {
	.name = "sgfw_ruleset",
	.test_cases = sgfw_ruleset_cases,
};

kunit_test_suite(sgfw_ruleset_suite);
