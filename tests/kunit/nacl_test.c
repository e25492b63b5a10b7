// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite sgfw_nacl: a network ACL compiled as a ruleset, and its
 * verdict (sgfw_ruleset_nacl_allows()).
 *
 * The configuration adds a NACL's rules to the builder by direction, then
 * by number, deny rules with spec.deny, each with the per-CPU counters the
 * rule owns; the builder keeps that order, so the first rule that matches
 * is the lowest-numbered one.  The cases build rulesets the same way from
 * tables written as text, and look at the verdict and at which rule
 * counted the packet: only the rule that decided may count it.
 */

#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/err.h>
#include <linux/in.h>
#include <linux/inet.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/string.h>

#include "../../module/ruleset.h"

#define NT_ANY		(-1)
#define NT_MAX_RULES	6
/* What every packet of the tables weighs, for the byte counters. */
#define NT_LEN		1234

#define IN		SGFW_DIRECTION_INGRESS
#define EG		SGFW_DIRECTION_EGRESS
#define TCP		IPPROTO_TCP
#define UDP		IPPROTO_UDP
#define ICMP		IPPROTO_ICMP
#define ICMP6		IPPROTO_ICMPV6

/* Documentation addresses: this host, a client, and someone else. */
#define H4		"192.0.2.2"
#define C4		"192.0.2.1"
#define X4		"203.0.113.9"
#define H6		"2001:db8::2"
#define C6		"2001:db8::1"
#define X6		"2001:db8:ffff::9"

/*
 * A NACL rule as the tables write it: NT_ANY for "all" and "any".  A
 * table ends at the first rule numbered 0, which no real rule can be.
 */
struct sgfw_nacl_test_rule {
	u32 num;
	enum sgfw_direction dir;
	bool deny;
	int proto;
	int from, to;		/* ports; from NT_ANY: every port */
	int type, code;
	const char *cidr;
};

#define NR(n, d, dn, pr, f, t, ty, co, c)				\
	{ .num = n, .dir = d, .deny = dn, .proto = pr, .from = f,	\
	  .to = t, .type = ty, .code = co, .cidr = c }
/* allow or deny every protocol */
#define A_ALL(n, d, c)							\
	NR(n, d, false, NT_ANY, NT_ANY, 0, NT_ANY, NT_ANY, c)
#define D_ALL(n, d, c)							\
	NR(n, d, true, NT_ANY, NT_ANY, 0, NT_ANY, NT_ANY, c)
/* one protocol, every port */
#define A_PROTO(n, d, pr, c)						\
	NR(n, d, false, pr, NT_ANY, 0, NT_ANY, NT_ANY, c)
/* tcp or udp, ports @f to @t */
#define A_PORTS(n, d, pr, f, t, c) NR(n, d, false, pr, f, t, NT_ANY, NT_ANY, c)
#define D_PORTS(n, d, pr, f, t, c) NR(n, d, true, pr, f, t, NT_ANY, NT_ANY, c)
/* icmp or icmpv6, type and code each a value or NT_ANY */
#define A_ICMP(n, d, pr, ty, co, c) NR(n, d, false, pr, NT_ANY, 0, ty, co, c)
#define D_ICMP(n, d, pr, ty, co, c) NR(n, d, true, pr, NT_ANY, 0, ty, co, c)

/* A packet; its family follows the addresses. */
struct sgfw_nacl_test_pkt {
	const char *src, *dst;
	u8 proto;
	u16 sport, dport;
	u8 type, code;
};

#define P_L4(s, d, pr, sp, dp)						\
	{ .src = s, .dst = d, .proto = pr, .sport = sp, .dport = dp }
#define P_ICMP(s, d, pr, ty, co)					\
	{ .src = s, .dst = d, .proto = pr, .type = ty, .code = co }

/* A NACL built from a table, with the counters of each of its rules. */
struct sgfw_nacl_test {
	struct sgfw_ruleset *rs;
	const struct sgfw_nacl_test_rule *rules;
	struct sgfw_rule_ctr __percpu *ctr[NT_MAX_RULES];
	int n;
};

/* Parse @s (up to @delim) into @a; return its family or fail the case. */
static enum sgfw_af sgfw_nacl_test_addr(struct kunit *test, const char *s,
					int delim, union sgfw_addr *a,
					const char **end)
{
	int ok;

	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		ok = in6_pton(s, -1, a->in6.s6_addr, delim, end);
		KUNIT_ASSERT_EQ_MSG(test, ok, 1, "bad address %s", s);
		return SGFW_AF_INET6;
	}
	ok = in4_pton(s, -1, (u8 *)&a->ip, delim, end);
	KUNIT_ASSERT_EQ_MSG(test, ok, 1, "bad address %s", s);
	return SGFW_AF_INET;
}

static void sgfw_nacl_test_cidr(struct kunit *test, const char *s,
				struct sgfw_cidr *c)
{
	const char *end;
	u8 plen;

	c->af = sgfw_nacl_test_addr(test, s, '/', &c->addr, &end);
	KUNIT_ASSERT_EQ_MSG(test, *end, '/', "no prefix length in %s", s);
	KUNIT_ASSERT_EQ(test, kstrtou8(end + 1, 10, &plen), 0);
	c->plen = plen;
}

static void sgfw_nacl_test_pkt(struct kunit *test,
			       const struct sgfw_nacl_test_pkt *tp,
			       struct sgfw_pkt *p)
{
	enum sgfw_af af;

	memset(p, 0, sizeof(*p));
	p->t.af = sgfw_nacl_test_addr(test, tp->src, -1, &p->t.src, NULL);
	af = sgfw_nacl_test_addr(test, tp->dst, -1, &p->t.dst, NULL);
	KUNIT_ASSERT_EQ(test, af, p->t.af);
	p->t.proto = tp->proto;
	p->t.sport = htons(tp->sport);
	p->t.dport = htons(tp->dport);
	p->icmp_type = tp->type;
	p->icmp_code = tp->code;
	p->len = NT_LEN;
}

static void sgfw_nacl_test_ctr_free(void *ctr)
{
	free_percpu((void __force __percpu *)ctr);
}

/* Counters for one rule, freed when the case ends (after the ruleset). */
static struct sgfw_rule_ctr __percpu *sgfw_nacl_test_ctr(struct kunit *test)
{
	struct sgfw_rule_ctr __percpu *ctr;
	int cpu;

	ctr = alloc_percpu(struct sgfw_rule_ctr);
	KUNIT_ASSERT_NOT_NULL(test, ctr);
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ctr, cpu)->syncp);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, sgfw_nacl_test_ctr_free,
						  (void __force *)ctr));
	return ctr;
}

KUNIT_DEFINE_ACTION_WRAPPER(sgfw_nacl_test_builder_destroy,
			    sgfw_ruleset_builder_destroy,
			    struct sgfw_ruleset_builder *);
KUNIT_DEFINE_ACTION_WRAPPER(sgfw_nacl_test_ruleset_put, sgfw_ruleset_put,
			    struct sgfw_ruleset *);

/* A builder destroyed when the case ends, unless it is finished. */
static struct sgfw_ruleset_builder *sgfw_nacl_test_builder(struct kunit *test)
{
	struct sgfw_ruleset_builder *b = sgfw_ruleset_builder_new();
	int err;

	KUNIT_ASSERT_NOT_NULL(test, b);
	err = kunit_add_action_or_reset(test, sgfw_nacl_test_builder_destroy,
					b);
	KUNIT_ASSERT_EQ(test, err, 0);
	return b;
}

/* Finish @b into a ruleset put when the case ends. */
static struct sgfw_ruleset *
sgfw_nacl_test_finish(struct kunit *test, struct sgfw_ruleset_builder *b)
{
	struct sgfw_ruleset *rs;
	int err;

	kunit_remove_action(test, sgfw_nacl_test_builder_destroy, b);
	rs = sgfw_ruleset_finish(b, NULL, SGFW_TRACKING_AUTO);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, rs);
	err = kunit_add_action_or_reset(test, sgfw_nacl_test_ruleset_put, rs);
	KUNIT_ASSERT_EQ(test, err, 0);
	return rs;
}

/* The spec of @r, as the configuration makes it (rule id: the number). */
static void sgfw_nacl_test_spec(const struct sgfw_nacl_test_rule *r,
				struct sgfw_rule_ctr __percpu *ctr,
				struct sgfw_rule_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->rule_id = r->num;
	spec->dir = r->dir;
	spec->deny = r->deny;
	spec->ctr = ctr;
	spec->any_proto = r->proto == NT_ANY;
	spec->proto = spec->any_proto ? 0 : r->proto;
	spec->any_port = r->from == NT_ANY;
	if (!spec->any_port) {
		spec->port_from = r->from;
		spec->port_to = r->to;
	}
	spec->any_type = r->type == NT_ANY;
	spec->icmp_type = spec->any_type ? 0 : r->type;
	spec->any_code = r->code == NT_ANY;
	spec->icmp_code = spec->any_code ? 0 : r->code;
}

/*
 * Compile the rules of @rules up to the first numbered 0 into @nt->rs,
 * with new counters in @nt->ctr, or with @ctr when it is not NULL (a
 * rebuild: the rules keep their counters).  The table must be in the
 * order the configuration keeps, by direction and then by number.
 */
static void sgfw_nacl_test_build(struct kunit *test,
				 const struct sgfw_nacl_test_rule *rules,
				 struct sgfw_rule_ctr __percpu *const *ctr,
				 struct sgfw_nacl_test *nt)
{
	struct sgfw_ruleset_builder *b = sgfw_nacl_test_builder(test);
	int i;

	memset(nt, 0, sizeof(*nt));
	nt->rules = rules;
	for (i = 0; i < NT_MAX_RULES && rules[i].num; i++) {
		const struct sgfw_nacl_test_rule *r = &rules[i];
		struct sgfw_rule_spec spec;
		struct sgfw_cidr cidr;

		if (i)
			KUNIT_ASSERT_TRUE_MSG(test, r[-1].dir < r->dir ||
					      (r[-1].dir == r->dir &&
					       r[-1].num < r->num),
					      "rule %u out of order", r->num);
		nt->ctr[i] = ctr ? ctr[i] : sgfw_nacl_test_ctr(test);
		sgfw_nacl_test_cidr(test, r->cidr, &cidr);
		sgfw_nacl_test_spec(r, nt->ctr[i], &spec);
		KUNIT_ASSERT_EQ(test, 0,
				sgfw_ruleset_add(b, cidr.af, &spec, &cidr, 1));
	}
	nt->n = i;
	nt->rs = sgfw_nacl_test_finish(test, b);
}

/* The verdict on @tp, in the context of the hooks: RCU, BH off. */
static bool sgfw_nacl_test_allows(struct kunit *test,
				  const struct sgfw_ruleset *rs,
				  enum sgfw_direction dir,
				  const struct sgfw_nacl_test_pkt *tp)
{
	const struct sgfw_crule *rule;
	struct sgfw_pkt p;
	bool ok;

	sgfw_nacl_test_pkt(test, tp, &p);
	local_bh_disable();
	rcu_read_lock();
	ok = sgfw_ruleset_nacl_allows(rs, dir, &p, true, &rule);
	rcu_read_unlock();
	local_bh_enable();
	return ok;
}

/* Rule @i of @nt has counted @packets packets of NT_LEN bytes. */
static void sgfw_nacl_test_expect_ctr(struct kunit *test,
				      const struct sgfw_nacl_test *nt, int i,
				      u64 packets)
{
	u64 p, b;

	sgfw_rule_ctr_read(nt->ctr[i], &p, &b);
	KUNIT_EXPECT_EQ_MSG(test, p, packets, "packets of rule %u %s",
			    nt->rules[i].num,
			    nt->rules[i].dir == IN ? "ingress" : "egress");
	KUNIT_EXPECT_EQ_MSG(test, b, packets * NT_LEN, "bytes of rule %u %s",
			    nt->rules[i].num,
			    nt->rules[i].dir == IN ? "ingress" : "egress");
}

/* --- one packet against a small NACL ------------------------------------ */

struct sgfw_nacl_test_case {
	const char *desc;
	struct sgfw_nacl_test_rule rules[NT_MAX_RULES];
	enum sgfw_direction dir;
	struct sgfw_nacl_test_pkt pkt;
	bool allow;
	/* The number of the rule (of direction @dir) that decides; 0: none. */
	u32 decided_by;
};

static const struct sgfw_nacl_test_case sgfw_nacl_test_cases[] = {
	/* First match wins, lowest number first. */
	{ "deny 10 before allow 20: denied by 10",
	  { D_PORTS(10, IN, TCP, 80, 80, C4 "/32"),
	    A_PORTS(20, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 10 },
	{ "allow 10 before deny 20: allowed by 10",
	  { A_PORTS(10, IN, TCP, 80, 80, "0.0.0.0/0"),
	    D_PORTS(20, IN, TCP, 80, 80, C4 "/32") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 10 },
	{ "deny 10 for another peer: allowed by 20",
	  { D_PORTS(10, IN, TCP, 80, 80, X4 "/32"),
	    A_PORTS(20, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 20 },
	{ "deny 10 for another port: allowed by 20",
	  { D_PORTS(10, IN, TCP, 22, 22, "0.0.0.0/0"),
	    A_ALL(20, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 20 },
	{ "numbers far apart: 1 decides before 32766",
	  { D_ALL(1, IN, "0.0.0.0/0"), A_ALL(32766, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, UDP, 40000, 53), false, 1 },
	{ "allow, deny, allow: the middle one decides",
	  { A_PORTS(100, IN, TCP, 22, 22, "0.0.0.0/0"),
	    D_ALL(200, IN, "192.0.2.0/24"),
	    A_ALL(300, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 200 },
	{ "deny of a narrower prefix first: the wider allow is not reached",
	  { D_ALL(10, IN, "192.0.2.0/25"), A_ALL(20, IN, "192.0.2.0/24") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 10 },
	{ "deny of a narrower prefix first, address past it: allowed",
	  { D_ALL(10, IN, "192.0.2.0/25"), A_ALL(20, IN, "192.0.2.0/24") },
	  IN, P_L4("192.0.2.200", H4, TCP, 40000, 80), true, 20 },

	/* The implicit final deny. */
	{ "no rules: denied",
	  { }, IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "no rules, egress: denied",
	  { }, EG, P_L4(H4, C4, TCP, 80, 40000), false, 0 },
	{ "nothing matches: denied",
	  { A_PORTS(10, IN, TCP, 22, 22, "0.0.0.0/0"),
	    A_PORTS(20, IN, UDP, 80, 80, "0.0.0.0/0"),
	    A_ALL(30, IN, X4 "/32") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "only deny rules, none matching: still denied",
	  { D_ALL(10, IN, X4 "/32") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },

	/* One list per family. */
	{ "IPv4 allow all, IPv6 packet: denied",
	  { A_ALL(10, IN, "0.0.0.0/0") },
	  IN, P_L4(C6, H6, TCP, 40000, 80), false, 0 },
	{ "IPv6 allow all, IPv4 packet: denied",
	  { A_ALL(10, IN, "::/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "IPv4 deny 10, IPv6 allow 20, IPv6 packet: allowed by 20",
	  { D_ALL(10, IN, "0.0.0.0/0"), A_ALL(20, IN, "::/0") },
	  IN, P_L4(C6, H6, TCP, 40000, 80), true, 20 },
	{ "IPv6 deny 10, IPv4 allow 20, IPv4 packet: allowed by 20",
	  { D_ALL(10, IN, "::/0"), A_ALL(20, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 20 },
	{ "IPv6 deny 10 before allow 20: denied by 10",
	  { D_PORTS(10, IN, TCP, 80, 80, C6 "/128"),
	    A_PORTS(20, IN, TCP, 80, 80, "::/0") },
	  IN, P_L4(C6, H6, TCP, 40000, 80), false, 10 },
	{ "IPv6 deny 10 for another peer: allowed by 20",
	  { D_PORTS(10, IN, TCP, 80, 80, X6 "/128"),
	    A_PORTS(20, IN, TCP, 80, 80, "::/0") },
	  IN, P_L4(C6, H6, TCP, 40000, 80), true, 20 },

	/* One list per direction; the peer is the source in, the dest out. */
	{ "ingress allow, egress packet: denied",
	  { A_ALL(10, IN, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 40000), false, 0 },
	{ "egress allow, ingress packet: denied",
	  { A_ALL(10, EG, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "egress deny 10 to the client does not touch ingress",
	  { A_ALL(10, IN, "0.0.0.0/0"), D_ALL(10, EG, C4 "/32"),
	    A_ALL(20, EG, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 10 },
	{ "egress deny 10 to the client: denied by it",
	  { A_ALL(10, IN, "0.0.0.0/0"), D_ALL(10, EG, C4 "/32"),
	    A_ALL(20, EG, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 40000), false, 10 },
	{ "egress deny to the client, packet to someone else: allowed by 20",
	  { D_ALL(10, EG, C4 "/32"), A_ALL(20, EG, "0.0.0.0/0") },
	  EG, P_L4(H4, X4, TCP, 80, 40000), true, 20 },
	{ "ingress peer is the source, not the destination",
	  { A_ALL(10, IN, H4 "/32") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "egress peer is the destination, not the source",
	  { A_ALL(10, EG, H4 "/32") },
	  EG, P_L4(H4, C4, TCP, 80, 40000), false, 0 },

	/* Ports: the destination port, the ephemeral range of the replies. */
	{ "tcp 80 in, dport 80",
	  { A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), true, 100 },
	{ "tcp 80 in, dport 81",
	  { A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 81), false, 0 },
	{ "tcp 80 in, the sport is 80, not the dport",
	  { A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 80, 40000), false, 0 },
	{ "tcp 80 in, udp dport 80",
	  { A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, UDP, 40000, 80), false, 0 },
	{ "reply to 32767, below 32768-60999",
	  { A_PORTS(100, EG, TCP, 32768, 60999, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 32767), false, 0 },
	{ "reply to 32768, first of 32768-60999",
	  { A_PORTS(100, EG, TCP, 32768, 60999, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 32768), true, 100 },
	{ "reply to 60999, last of 32768-60999",
	  { A_PORTS(100, EG, TCP, 32768, 60999, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 60999), true, 100 },
	{ "reply to 61000, above 32768-60999",
	  { A_PORTS(100, EG, TCP, 32768, 60999, "0.0.0.0/0") },
	  EG, P_L4(H4, C4, TCP, 80, 61000), false, 0 },
	{ "IPv6 reply to 45000, in 32768-60999",
	  { A_PORTS(100, EG, TCP, 32768, 60999, "::/0") },
	  EG, P_L4(H6, C6, TCP, 80, 45000), true, 100 },
	{ "udp deny 53 first, tcp 53 allowed by all",
	  { D_PORTS(10, IN, UDP, 53, 53, "0.0.0.0/0"),
	    A_ALL(20, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 53), true, 20 },
	{ "udp deny 53 first, udp 53 denied",
	  { D_PORTS(10, IN, UDP, 53, 53, "0.0.0.0/0"),
	    A_ALL(20, IN, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, UDP, 40000, 53), false, 10 },
	{ "protocol 47 allowed, gre",
	  { A_PROTO(10, IN, 47, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, 47, 0, 0), true, 10 },
	{ "protocol 47 allowed, protocol 50",
	  { A_PROTO(10, IN, 47, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, 50, 0, 0), false, 0 },

	/* icmp and icmpv6 type and code. */
	{ "deny echo 8/0, allow icmp: echo denied",
	  { D_ICMP(10, IN, ICMP, 8, 0, "0.0.0.0/0"),
	    A_ICMP(20, IN, ICMP, NT_ANY, NT_ANY, "0.0.0.0/0") },
	  IN, P_ICMP(C4, H4, ICMP, 8, 0), false, 10 },
	{ "deny echo 8/0, allow icmp: echo reply allowed",
	  { D_ICMP(10, IN, ICMP, 8, 0, "0.0.0.0/0"),
	    A_ICMP(20, IN, ICMP, NT_ANY, NT_ANY, "0.0.0.0/0") },
	  IN, P_ICMP(C4, H4, ICMP, 0, 0), true, 20 },
	{ "deny echo 8/0, allow icmp: 8/1 allowed",
	  { D_ICMP(10, IN, ICMP, 8, 0, "0.0.0.0/0"),
	    A_ICMP(20, IN, ICMP, NT_ANY, NT_ANY, "0.0.0.0/0") },
	  IN, P_ICMP(C4, H4, ICMP, 8, 1), true, 20 },
	{ "allow unreachable 3 any code, 3/4",
	  { A_ICMP(10, IN, ICMP, 3, NT_ANY, "0.0.0.0/0") },
	  IN, P_ICMP(C4, H4, ICMP, 3, 4), true, 10 },
	{ "allow unreachable 3 any code, 11/0",
	  { A_ICMP(10, IN, ICMP, 3, NT_ANY, "0.0.0.0/0") },
	  IN, P_ICMP(C4, H4, ICMP, 11, 0), false, 0 },
	{ "allow icmp, tcp",
	  { A_ICMP(10, IN, ICMP, NT_ANY, NT_ANY, "0.0.0.0/0") },
	  IN, P_L4(C4, H4, TCP, 40000, 80), false, 0 },
	{ "icmpv6 deny 128 first, echo request denied",
	  { D_ICMP(10, IN, ICMP6, 128, NT_ANY, "::/0"),
	    A_ICMP(20, IN, ICMP6, NT_ANY, NT_ANY, "::/0") },
	  IN, P_ICMP(C6, H6, ICMP6, 128, 0), false, 10 },
	{ "icmpv6 deny 128 first, echo reply allowed",
	  { D_ICMP(10, IN, ICMP6, 128, NT_ANY, "::/0"),
	    A_ICMP(20, IN, ICMP6, NT_ANY, NT_ANY, "::/0") },
	  IN, P_ICMP(C6, H6, ICMP6, 129, 0), true, 20 },
	{ "icmpv6 allow 1/4, 1/3",
	  { A_ICMP(10, IN, ICMP6, 1, 4, "::/0") },
	  IN, P_ICMP(C6, H6, ICMP6, 1, 3), false, 0 },
};

KUNIT_ARRAY_PARAM_DESC(sgfw_nacl_test_cases, sgfw_nacl_test_cases, desc);

/*
 * The verdict, and the counters: one packet counted by the rule that
 * decided, none by any other rule (of either direction).
 */
static void sgfw_nacl_verdict(struct kunit *test)
{
	const struct sgfw_nacl_test_case *c = test->param_value;
	struct sgfw_nacl_test nt;
	int i;

	sgfw_nacl_test_build(test, c->rules, NULL, &nt);
	KUNIT_EXPECT_EQ(test, sgfw_nacl_test_allows(test, nt.rs, c->dir,
						    &c->pkt), c->allow);
	for (i = 0; i < nt.n; i++)
		sgfw_nacl_test_expect_ctr(test, &nt, i,
					  c->decided_by &&
					  c->rules[i].num == c->decided_by &&
					  c->rules[i].dir == c->dir);
	/* A case that names a deciding rule must have one. */
	if (c->decided_by) {
		for (i = 0; i < nt.n; i++)
			if (c->rules[i].num == c->decided_by &&
			    c->rules[i].dir == c->dir)
				break;
		KUNIT_EXPECT_LT(test, i, nt.n);
	}
}

/* --- counters ------------------------------------------------------------ */

/* Packets and bytes add up on the rule that decides, allow or deny. */
static void sgfw_nacl_counters_add_up(struct kunit *test)
{
	static const struct sgfw_nacl_test_rule rules[] = {
		D_PORTS(10, IN, TCP, 23, 23, "0.0.0.0/0"),
		A_PORTS(20, IN, TCP, 1, 1023, "0.0.0.0/0"),
		A_PORTS(10, EG, TCP, 32768, 60999, "0.0.0.0/0"),
		{ }
	};
	static const struct sgfw_nacl_test_pkt telnet =
		P_L4(C4, H4, TCP, 40000, 23);
	static const struct sgfw_nacl_test_pkt ssh =
		P_L4(C4, H4, TCP, 40000, 22);
	static const struct sgfw_nacl_test_pkt high =
		P_L4(C4, H4, TCP, 40000, 8080);
	struct sgfw_nacl_test nt;
	int i;

	sgfw_nacl_test_build(test, rules, NULL, &nt);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_FALSE(test, sgfw_nacl_test_allows(test, nt.rs, IN,
							       &telnet));
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, sgfw_nacl_test_allows(test, nt.rs, IN,
							      &ssh));
	/* The implicit deny has no counter: nobody counts these. */
	for (i = 0; i < 7; i++)
		KUNIT_EXPECT_FALSE(test, sgfw_nacl_test_allows(test, nt.rs, IN,
							       &high));
	sgfw_nacl_test_expect_ctr(test, &nt, 0, 3);
	sgfw_nacl_test_expect_ctr(test, &nt, 1, 5);
	sgfw_nacl_test_expect_ctr(test, &nt, 2, 0);
}

/*
 * A rule change rebuilds the NACL: the rules that stay keep their
 * counters, and the old ruleset, which a packet in flight may still hold,
 * keeps its old verdicts: a packet sees the old list or the new one.
 */
static void sgfw_nacl_rebuild_keeps_old_list(struct kunit *test)
{
	static const struct sgfw_nacl_test_rule old_rules[] = {
		A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0"),
		{ }
	};
	/* The same rule 100, and a deny for the client before it. */
	static const struct sgfw_nacl_test_rule new_rules[] = {
		D_ALL(10, IN, C4 "/32"),
		A_PORTS(100, IN, TCP, 80, 80, "0.0.0.0/0"),
		{ }
	};
	static const struct sgfw_nacl_test_pkt web =
		P_L4(C4, H4, TCP, 40000, 80);
	struct sgfw_rule_ctr __percpu *ctr[NT_MAX_RULES] = {};
	struct sgfw_nacl_test old, new;

	sgfw_nacl_test_build(test, old_rules, NULL, &old);
	KUNIT_EXPECT_TRUE(test, sgfw_nacl_test_allows(test, old.rs, IN, &web));

	ctr[0] = sgfw_nacl_test_ctr(test);
	ctr[1] = old.ctr[0];
	sgfw_nacl_test_build(test, new_rules, ctr, &new);
	KUNIT_EXPECT_FALSE(test, sgfw_nacl_test_allows(test, new.rs, IN, &web));
	KUNIT_EXPECT_TRUE(test, sgfw_nacl_test_allows(test, old.rs, IN, &web));

	/* Rule 100: two packets through the old list, none through the new. */
	sgfw_nacl_test_expect_ctr(test, &old, 0, 2);
	sgfw_nacl_test_expect_ctr(test, &new, 1, 2);
	sgfw_nacl_test_expect_ctr(test, &new, 0, 1);
}

/*
 * Forty rules in one direction and family, the most a NACL may have:
 * rule n (1 to 40) matches tcp ports from (41 - n) * 10 up, and denies
 * when n is odd.  A packet to port d is decided by the lowest n that
 * matches, max(1, 41 - d / 10), and by no rule when d < 10.
 */
#define NT_FORTY	40

static void sgfw_nacl_forty_rules(struct kunit *test)
{
	struct sgfw_rule_ctr __percpu **ctr;
	struct sgfw_ruleset_builder *b;
	struct sgfw_ruleset *rs;
	struct sgfw_cidr any = { .af = SGFW_AF_INET, .plen = 0 };
	u64 seen[NT_FORTY + 1] = {};
	int n, d;

	ctr = kunit_kcalloc(test, NT_FORTY + 1, sizeof(*ctr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctr);
	b = sgfw_nacl_test_builder(test);
	for (n = 1; n <= NT_FORTY; n++) {
		struct sgfw_rule_spec spec = {
			.rule_id = n,
			.dir = IN,
			.proto = TCP,
			.port_from = (NT_FORTY + 1 - n) * 10,
			.port_to = 65535,
			.any_type = true,
			.any_code = true,
			.deny = n & 1,
		};

		ctr[n] = sgfw_nacl_test_ctr(test);
		spec.ctr = ctr[n];
		KUNIT_ASSERT_EQ(test, 0, sgfw_ruleset_add(b, SGFW_AF_INET,
							  &spec, &any, 1));
	}
	rs = sgfw_nacl_test_finish(test, b);

	for (d = 0; d <= 450; d += 5) {
		struct sgfw_nacl_test_pkt tp = P_L4(C4, H4, TCP, 40000, d);
		int want = d < 10 ? 0 : max(1, NT_FORTY + 1 - d / 10);
		bool ok = sgfw_nacl_test_allows(test, rs, IN, &tp);

		KUNIT_EXPECT_EQ_MSG(test, ok, want && !(want & 1),
				    "port %d, rule %d", d, want);
		if (want)
			seen[want]++;
	}
	for (n = 1; n <= NT_FORTY; n++) {
		u64 p, bytes;

		sgfw_rule_ctr_read(ctr[n], &p, &bytes);
		KUNIT_EXPECT_EQ_MSG(test, p, seen[n], "rule %d", n);
		KUNIT_EXPECT_EQ_MSG(test, bytes, seen[n] * NT_LEN, "rule %d",
				    n);
	}
}

static struct kunit_case sgfw_nacl_cases[] = {
	KUNIT_CASE_PARAM(sgfw_nacl_verdict, sgfw_nacl_test_cases_gen_params),
	KUNIT_CASE(sgfw_nacl_counters_add_up),
	KUNIT_CASE(sgfw_nacl_rebuild_keeps_old_list),
	KUNIT_CASE(sgfw_nacl_forty_rules),
	{}
};

static struct kunit_suite sgfw_nacl_suite = {
	.name = "sgfw_nacl",
	.test_cases = sgfw_nacl_cases,
};

kunit_test_suite(sgfw_nacl_suite);
