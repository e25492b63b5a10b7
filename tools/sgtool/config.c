// SPDX-License-Identifier: GPL-2.0
/*
 * sgtool save, apply, diff, confirm: a namespace's whole configuration as
 * one JSON document (docs/config-format.md), applied in one kernel
 * transaction (uapi/linux/sgfw.h, "Transactions").
 *
 * Everything goes through one canonical form, the document save prints:
 * the kernel's configuration is read into it, a file is read into it
 * (every field checked, every value written as save writes it), and apply
 * and diff work on canonical documents only.  So `save | diff` prints
 * nothing, and a file says the same after `apply` and `save`.
 */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "msg.h"
#include "parse.h"
#include "print.h"
#include "rule.h"
#include "sgtool.h"

/* Defaults of a device with no settings (semantics.md). */
#define DEF_TCP_EST	432000
#define DEF_UDP		30
#define DEF_UDP_STREAM	180
#define DEF_PL_MAX	20

/* Rules per TXN_SG_RULE request: far below a request's size at any length. */
#define RULES_PER_MSG	16

static const char *file_name;

/* Report a fault of the file at @where; return -1. */
static int bad(const char *where, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(sgtool_err, "sgtool: %s: %s%s", file_name, where ? where : "",
		where ? ": " : "");
	va_start(ap, fmt);
	vfprintf(sgtool_err, fmt, ap);
	va_end(ap);
	fputc('\n', sgtool_err);
	return -1;
}

/* ---- canonical values ---- */

static void cidr_canon(struct cidr *c)
{
	unsigned int bits = c->addr.family == AF_INET ? 32 : 128;
	uint8_t *b = c->addr.family == AF_INET ? (uint8_t *)&c->addr.v4 :
						 c->addr.v6.s6_addr;

	for (unsigned int i = c->plen; i < bits; i++)
		b[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* The kernel's order: IPv4 first, then by address, then prefix length. */
static int cidr_cmp(const struct cidr *a, const struct cidr *b)
{
	size_t len = a->addr.family == AF_INET ? 4 : 16;
	int r;

	if (a->addr.family != b->addr.family)
		return a->addr.family == AF_INET ? -1 : 1;
	r = memcmp(a->addr.family == AF_INET ? (const void *)&a->addr.v4 :
						(const void *)&a->addr.v6,
		   b->addr.family == AF_INET ? (const void *)&b->addr.v4 :
						(const void *)&b->addr.v6,
		   len);
	return r ?: (int)a->plen - (int)b->plen;
}

static int cidr_qcmp(const void *a, const void *b)
{
	return cidr_cmp(a, b);
}

/* What a list of CIDRs holds, and how save writes them. */
enum cidr_kind {
	CIDR_PREFIX,	/* prefixes, always "/N": entries, rule peers */
	CIDR_HOST,	/* addresses, never "/N": members */
	CIDR_ADDRESS,	/* either, a host bare: a device's addresses */
};

static json_t *cidr_json(const struct cidr *c, enum cidr_kind kind)
{
	char buf[ADDR_TEXT_LEN];

	if (kind == CIDR_HOST)
		addr_format(&c->addr, buf, sizeof(buf));
	else if (kind == CIDR_ADDRESS)
		prefix_format(c, buf, sizeof(buf));
	else
		cidr_format(c, buf, sizeof(buf));
	return json_string(buf);
}

/* Append @v to array @a (which takes the reference). */
static void add(json_t *a, json_t *v)
{
	json_array_append_new(a, v);
}

/* Every nest @type of SGFW_A_CIDR_* in @nlh, appended to @arr; 0 or -1. */
static int cidrs_json(const struct nlmsghdr *nlh, uint16_t type, json_t *arr,
		      enum cidr_kind kind)
{
	const struct nlattr *a;

	msg_for_each_attr(a, nlh, type) {
		struct cidr c;

		if (msg_cidr(a, &c))
			return -1;
		add(arr, cidr_json(&c, kind));
	}
	return 0;
}

/* A reply that does not parse: the messages go, and an exit status. */
static int bad_reply(struct nl_msgs *m)
{
	nl_msgs_free(m);
	cli_error("malformed reply from the kernel");
	return SGTOOL_EXIT_KERNEL;
}

static void set(json_t *o, const char *key, json_t *v)
{
	json_object_set_new(o, key, v);
}

static void match_json(json_t *o, const struct rule_match *m)
{
	const char *name = proto_name(m->proto);

	if (!m->has_proto)
		set(o, "protocol", json_string("all"));
	else if (name)
		set(o, "protocol", json_string(name));
	else
		set(o, "protocol", json_integer(m->proto));
	if (m->has_ports) {
		set(o, "port_from", json_integer(m->port_from));
		set(o, "port_to", json_integer(m->port_to));
	}
	if (m->has_type)
		set(o, "icmp_type", json_integer(m->icmp_type));
	if (m->has_code)
		set(o, "icmp_code", json_integer(m->icmp_code));
}

static json_t *rule_json(const struct rule *r)
{
	json_t *o = json_object();
	char peer[ADDR_TEXT_LEN + 80];

	set(o, "direction", json_string(direction_name(r->direction)));
	match_json(o, &r->match);
	if (r->peer == PEER_CIDR)
		cidr_format(&r->cidr, peer, sizeof(peer));
	else
		snprintf(peer, sizeof(peer), "%s %s",
			 r->peer == PEER_SG ? "sg" : "prefix-list",
			 r->peer_name);
	set(o, "peer", json_string(peer));
	if (r->description && r->description[0])
		set(o, "description", json_string(r->description));
	return o;
}

static json_t *nacl_rule_json(const struct nacl_rule *r)
{
	json_t *o = json_object();

	set(o, "number", json_integer(r->number));
	set(o, "direction", json_string(direction_name(r->direction)));
	set(o, "action", json_string(nacl_action_name(r->action)));
	match_json(o, &r->match);
	set(o, "cidr", cidr_json(&r->cidr, CIDR_PREFIX));
	return o;
}

/* ---- reading a file ---- */

static bool key_known(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* @j is an object with no key but @keys. */
static int check_object(json_t *j, const char *where, const char *const *keys)
{
	const char *key;
	json_t *v;

	if (!json_is_object(j))
		return bad(where, "must be an object");
	json_object_foreach(j, key, v) {
		if (!key_known(key, keys))
			return bad(where, "unknown key \"%s\"", key);
	}
	return 0;
}

/* An optional array at @key: NULL when absent. */
static int get_array(json_t *o, const char *key, const char *where,
		     json_t **out)
{
	*out = json_object_get(o, key);
	if (*out && !json_is_array(*out))
		return bad(where, "\"%s\" must be an array", key);
	return 0;
}

static int get_string(json_t *o, const char *key, bool required,
		      const char *where, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v) {
		if (required)
			return bad(where, "\"%s\" is missing", key);
		return 0;
	}
	if (!json_is_string(v))
		return bad(where, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	return 0;
}

/* An integer at @key in [@min, @max]; *@has says whether it was there. */
static int get_uint(json_t *o, const char *key, uint32_t min, uint32_t max,
		    const char *where, bool *has, uint32_t *out)
{
	json_t *v = json_object_get(o, key);
	json_int_t n;

	*has = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return bad(where, "\"%s\" must be a whole number", key);
	n = json_integer_value(v);
	if (n < min || n > max)
		return bad(where, "\"%s\" is %" JSON_INTEGER_FORMAT
			   ", not %" PRIu32 " to %" PRIu32, key, n, min, max);
	*has = true;
	*out = (uint32_t)n;
	return 0;
}

/* A boolean at @key, @def when absent. */
static int get_bool(json_t *o, const char *key, bool def, const char *where,
		    bool *out)
{
	json_t *v = json_object_get(o, key);

	*out = def;
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad(where, "\"%s\" must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

static int get_name(json_t *o, const char *where, const char **name)
{
	if (get_string(o, "name", true, where, name))
		return -1;
	if (!**name || strlen(*name) > 63 ||
	    strspn(*name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(*name))
		return bad(where, "name \"%s\" is not 1 to 63 letters, digits, '.', '_' or '-'",
			   *name);
	return 0;
}

static int get_cidr(json_t *v, enum cidr_kind kind, const char *where,
		    struct cidr *c)
{
	static const char *const what[] = {
		[CIDR_PREFIX] = "an IPv4 or IPv6 CIDR",
		[CIDR_HOST] = "an IPv4 or IPv6 address",
		[CIDR_ADDRESS] = "an IPv4 or IPv6 address or CIDR",
	};

	if (!json_is_string(v))
		return bad(where, "an address must be a string");
	if (parse_cidr(json_string_value(v), c) ||
	    (kind == CIDR_HOST && c->has_plen))
		return bad(where, "\"%s\" is not %s", json_string_value(v),
			   what[kind]);
	if (kind == CIDR_PREFIX)
		c->has_plen = true;
	cidr_canon(c);
	return 0;
}

/* The match fields of a rule, as `rule add` takes them. */
static int match_from_json(json_t *o, const char *where, struct rule_match *m)
{
	uint32_t from = 0, to = 0, type = 0, code = 0;
	bool has_from, has_to;
	json_t *p = json_object_get(o, "protocol");
	bool any, ports, icmp;

	memset(m, 0, sizeof(*m));
	if (!p)
		return bad(where, "\"protocol\" is missing");
	if (json_is_integer(p)) {
		if (json_integer_value(p) < 0 || json_integer_value(p) > 255)
			return bad(where, "protocol numbers are 0 to 255");
		m->has_proto = true;
		m->proto = (uint8_t)json_integer_value(p);
	} else if (!json_is_string(p) ||
		   parse_protocol(json_string_value(p), &m->proto, &any)) {
		return bad(where, "\"protocol\" must be \"all\", a protocol name or a number");
	} else {
		m->has_proto = !any;
	}
	ports = m->has_proto && (m->proto == PROTO_TCP || m->proto == PROTO_UDP);
	icmp = m->has_proto && (m->proto == PROTO_ICMP ||
				m->proto == PROTO_ICMPV6);

	if (get_uint(o, "port_from", 0, 65535, where, &has_from, &from) ||
	    get_uint(o, "port_to", 0, 65535, where, &has_to, &to))
		return -1;
	if ((has_from || has_to) && !ports)
		return bad(where, "ports apply to tcp and udp only");
	if (has_from != has_to)
		return bad(where, "give both port_from and port_to");
	if (has_from && from > to)
		return bad(where, "port range %" PRIu32 "-%" PRIu32
			   " is backwards", from, to);
	/* 0-65535 is every port, which the kernel stores as such. */
	m->has_ports = has_from && !(from == 0 && to == 65535);
	m->port_from = (uint16_t)from;
	m->port_to = (uint16_t)to;

	if (get_uint(o, "icmp_type", 0, 255, where, &m->has_type, &type) ||
	    get_uint(o, "icmp_code", 0, 255, where, &m->has_code, &code))
		return -1;
	if ((m->has_type || m->has_code) && !icmp)
		return bad(where, "icmp_type and icmp_code apply to icmp and icmpv6 only");
	if (m->has_code && !m->has_type)
		return bad(where, "icmp_code needs an icmp_type");
	m->icmp_type = (uint8_t)type;
	m->icmp_code = (uint8_t)code;
	return 0;
}

static int direction_from_json(json_t *o, const char *where, uint32_t *dir)
{
	const char *s;

	if (get_string(o, "direction", true, where, &s))
		return -1;
	if (parse_direction(s, dir))
		return bad(where, "direction is \"ingress\" or \"egress\", not \"%s\"",
			   s);
	return 0;
}

static const char *const rule_keys[] = {
	"direction", "protocol", "port_from", "port_to", "icmp_type",
	"icmp_code", "peer", "description", NULL
};

/* A group's rule; its strings point into @o. */
static int rule_from_json(json_t *o, const char *where, struct rule *r)
{
	const char *peer;

	memset(r, 0, sizeof(*r));
	if (check_object(o, where, rule_keys) ||
	    direction_from_json(o, where, &r->direction) ||
	    match_from_json(o, where, &r->match) ||
	    get_string(o, "peer", true, where, &peer) ||
	    get_string(o, "description", false, where, &r->description))
		return -1;
	if (!strncmp(peer, "sg ", 3)) {
		r->peer = PEER_SG;
		r->peer_name = peer + 3;
	} else if (!strncmp(peer, "prefix-list ", 12)) {
		r->peer = PEER_PREFIX_LIST;
		r->peer_name = peer + 12;
	} else {
		r->peer = PEER_CIDR;
		if (get_cidr(json_object_get(o, "peer"), CIDR_PREFIX, where,
			     &r->cidr))
			return bad(where, "\"peer\" is a CIDR, \"sg NAME\" or \"prefix-list NAME\"");
	}
	if (r->description && strlen(r->description) > 255)
		return bad(where, "descriptions are at most 255 bytes long");
	return 0;
}

static const char *const nacl_rule_keys[] = {
	"number", "direction", "action", "protocol", "port_from", "port_to",
	"icmp_type", "icmp_code", "cidr", NULL
};

static int nacl_rule_from_json(json_t *o, const char *where,
			       struct nacl_rule *r)
{
	const char *action;
	bool has;

	memset(r, 0, sizeof(*r));
	if (check_object(o, where, nacl_rule_keys) ||
	    get_uint(o, "number", 1, 32766, where, &has, &r->number))
		return -1;
	if (!has)
		return bad(where, "\"number\" is missing");
	if (direction_from_json(o, where, &r->direction) ||
	    get_string(o, "action", true, where, &action))
		return -1;
	if (parse_nacl_action(action, &r->action))
		return bad(where, "action is \"allow\" or \"deny\", not \"%s\"",
			   action);
	if (match_from_json(o, where, &r->match))
		return -1;
	if (!json_object_get(o, "cidr"))
		return bad(where, "\"cidr\" is missing");
	r->has_cidr = true;
	return get_cidr(json_object_get(o, "cidr"), CIDR_PREFIX, where,
			&r->cidr);
}

/* A sorted array of canonical CIDRs from @arr, refusing a repeated one. */
static json_t *cidrs_from_json(json_t *arr, enum cidr_kind kind,
			       const char *where)
{
	size_t n = arr ? json_array_size(arr) : 0, i;
	struct cidr *v = calloc(n ?: 1, sizeof(*v));
	json_t *out = json_array();
	char w[200];

	if (!v || !out)
		goto err;
	for (i = 0; i < n; i++) {
		snprintf(w, sizeof(w), "%s %s %zu", where,
			 kind == CIDR_ADDRESS ? "address" : "entry", i + 1);
		if (get_cidr(json_array_get(arr, i), kind, w, &v[i]))
			goto err;
	}
	qsort(v, n, sizeof(*v), cidr_qcmp);
	for (i = 0; i < n; i++) {
		if (i && !cidr_cmp(&v[i - 1], &v[i])) {
			char buf[ADDR_TEXT_LEN];

			if (kind == CIDR_ADDRESS)
				prefix_format(&v[i], buf, sizeof(buf));
			else
				cidr_format(&v[i], buf, sizeof(buf));
			bad(where, "%s is named twice", buf);
			goto err;
		}
		add(out, cidr_json(&v[i], kind));
	}
	free(v);
	return out;
err:
	free(v);
	json_decref(out);
	return NULL;
}

/* A name not seen before in @seen (an object used as a set). */
static int unique(json_t *seen, const char *name, const char *what)
{
	if (json_object_get(seen, name))
		return bad(NULL, "%s \"%s\" is named twice", what, name);
	set(seen, name, json_true());
	return 0;
}

static const char *const pl_keys[] = {
	"name", "max_entries", "entries", NULL
};

static json_t *pl_from_json(json_t *in, size_t idx, json_t *seen)
{
	const char *name;
	json_t *o, *arr, *entries;
	uint32_t max = DEF_PL_MAX;
	char where[120];
	bool has;

	snprintf(where, sizeof(where), "prefix list %zu", idx + 1);
	if (check_object(in, where, pl_keys) || get_name(in, where, &name))
		return NULL;
	snprintf(where, sizeof(where), "prefix list \"%s\"", name);
	if (unique(seen, name, "prefix list") ||
	    get_uint(in, "max_entries", 1, 1000, where, &has, &max) ||
	    get_array(in, "entries", where, &arr))
		return NULL;
	entries = cidrs_from_json(arr, CIDR_PREFIX, where);
	if (!entries)
		return NULL;
	if (json_array_size(entries) > max) {
		bad(where, "%zu entries, more than its max_entries %" PRIu32,
		    json_array_size(entries), max);
		json_decref(entries);
		return NULL;
	}
	o = json_object();
	set(o, "name", json_string(name));
	set(o, "max_entries", json_integer(max));
	set(o, "entries", entries);
	return o;
}

/* Do two canonical rules allow the same (descriptions aside)? */
static bool rule_same(json_t *a, json_t *b)
{
	size_t na = json_object_size(a), nb = json_object_size(b);
	const char *key;
	json_t *v;

	na -= !!json_object_get(a, "description");
	nb -= !!json_object_get(b, "description");
	if (na != nb)
		return false;
	json_object_foreach(a, key, v) {
		if (strcmp(key, "description") &&
		    !json_equal(v, json_object_get(b, key)))
			return false;
	}
	return true;
}

/* The rule of @rules that allows what @r does, or NULL. */
static json_t *find_rule(json_t *rules, json_t *r)
{
	json_t *o;
	size_t i;

	json_array_foreach(rules, i, o)
		if (rule_same(o, r))
			return o;
	return NULL;
}

static const char *const sg_keys[] = {
	"name", "description", "rules", "members", NULL
};

static json_t *sg_from_json(json_t *in, size_t idx, json_t *seen)
{
	json_t *o, *rules, *members, *arr;
	const char *name, *desc;
	char where[160];
	struct rule r;
	size_t i;

	snprintf(where, sizeof(where), "security group %zu", idx + 1);
	if (check_object(in, where, sg_keys) || get_name(in, where, &name))
		return NULL;
	snprintf(where, sizeof(where), "sg \"%s\"", name);
	if (unique(seen, name, "security group") ||
	    get_string(in, "description", false, where, &desc) ||
	    get_array(in, "rules", where, &arr))
		return NULL;
	if (desc && strlen(desc) > 255) {
		bad(where, "descriptions are at most 255 bytes long");
		return NULL;
	}
	/* Ingress rules, then egress, each in the file's order. */
	rules = json_array();
	for (uint32_t dir = 0; dir < 2; dir++) {
		for (i = 0; arr && i < json_array_size(arr); i++) {
			char w[200];
			json_t *j;

			snprintf(w, sizeof(w), "%s rule %zu", where, i + 1);
			if (rule_from_json(json_array_get(arr, i), w, &r))
				goto err;
			if (r.direction != dir)
				continue;
			j = rule_json(&r);
			if (find_rule(rules, j)) {
				json_decref(j);
				bad(w, "the group has this rule twice");
				goto err;
			}
			add(rules, j);
		}
	}
	if (get_array(in, "members", where, &arr))
		goto err;
	members = cidrs_from_json(arr, CIDR_HOST, where);
	if (!members)
		goto err;
	o = json_object();
	set(o, "name", json_string(name));
	if (desc && *desc)
		set(o, "description", json_string(desc));
	set(o, "rules", rules);
	set(o, "members", members);
	return o;
err:
	json_decref(rules);
	return NULL;
}

static const char *const nacl_keys[] = { "name", "rules", NULL };

static int nacl_rule_order(const void *a, const void *b)
{
	const struct nacl_rule *x = a, *y = b;

	if (x->direction != y->direction)
		return x->direction < y->direction ? -1 : 1;
	return x->number < y->number ? -1 : x->number > y->number;
}

static json_t *nacl_from_json(json_t *in, size_t idx, json_t *seen)
{
	struct nacl_rule *v;
	const char *name;
	char where[160];
	json_t *o, *arr, *rules;
	size_t i, n;

	snprintf(where, sizeof(where), "network ACL %zu", idx + 1);
	if (check_object(in, where, nacl_keys) || get_name(in, where, &name))
		return NULL;
	snprintf(where, sizeof(where), "nacl \"%s\"", name);
	if (unique(seen, name, "network ACL") ||
	    get_array(in, "rules", where, &arr))
		return NULL;
	n = arr ? json_array_size(arr) : 0;
	v = calloc(n ?: 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		char w[200];

		snprintf(w, sizeof(w), "%s rule %zu", where, i + 1);
		if (nacl_rule_from_json(json_array_get(arr, i), w, &v[i])) {
			free(v);
			return NULL;
		}
	}
	qsort(v, n, sizeof(*v), nacl_rule_order);
	rules = json_array();
	for (i = 0; i < n; i++) {
		if (i && !nacl_rule_order(&v[i - 1], &v[i])) {
			bad(where, "rule %" PRIu32 " %s is named twice",
			    v[i].number, direction_name(v[i].direction));
			free(v);
			json_decref(rules);
			return NULL;
		}
		add(rules, nacl_rule_json(&v[i]));
	}
	free(v);
	o = json_object();
	set(o, "name", json_string(name));
	set(o, "rules", rules);
	return o;
}

static const char *const iface_keys[] = {
	"name", "security_groups", "network_acl", "tcp_established_timeout",
	"udp_timeout", "udp_stream_timeout", "tracking", "audit", "mode",
	"source_check", "addresses", "mac", NULL
};

/*
 * The instance's MAC address at "mac", canonical ("02:00:00:00:00:05"),
 * into @out (MAC_STRLEN bytes); "" when it has none (absent or null).
 */
static int get_mac(json_t *o, const char *where, char *out)
{
	json_t *v = json_object_get(o, "mac");
	uint8_t mac[MAC_LEN];
	int err;

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(where, "\"mac\" must be a string or null");
	err = parse_mac(json_string_value(v), mac);
	if (err == -EDOM)
		return bad(where, "\"mac\" \"%s\" is not an instance's MAC "
			   "address (all zeros, multicast or broadcast)",
			   json_string_value(v));
	if (err)
		return bad(where, "\"mac\" \"%s\" is not a MAC address "
			   "(XX:XX:XX:XX:XX:XX)", json_string_value(v));
	mac_format(mac, out, MAC_STRLEN);
	return 0;
}

/*
 * The port-mode settings of a device into @o, each only when it is not
 * the default, so that a file written before port mode reads the same:
 * "mode": "port", "source_check": false, "addresses" when there are some,
 * "mac" when there is one (@mac not "").  @addrs is canonical (and taken).
 */
static void port_json(json_t *o, uint32_t mode, bool source_check,
		      json_t *addrs, const char *mac)
{
	if (mode != SGFW_IFACE_MODE_ENDPOINT)
		set(o, "mode", json_string(iface_mode_name(mode)));
	if (!source_check)
		set(o, "source_check", json_false());
	if (json_array_size(addrs))
		set(o, "addresses", addrs);
	else
		json_decref(addrs);
	if (*mac)
		set(o, "mac", json_string(mac));
}

/* A device's settings; NULL with *@skip when it has none to keep. */
static json_t *iface_from_json(json_t *in, size_t idx, json_t *seen,
			       bool *skip)
{
	uint32_t est = DEF_TCP_EST, udp = DEF_UDP, stream = DEF_UDP_STREAM;
	uint32_t tracking = 0, mode = SGFW_IFACE_MODE_ENDPOINT;
	const char *name, *nacl, *tr, *md;
	json_t *o, *arr, *sgs, *addrs, *addr_arr;
	char where[120], mac[MAC_STRLEN];
	bool has, audit, source_check;

	*skip = false;
	snprintf(where, sizeof(where), "interface %zu", idx + 1);
	if (check_object(in, where, iface_keys) ||
	    get_string(in, "name", true, where, &name))
		return NULL;
	snprintf(where, sizeof(where), "interface \"%s\"", name);
	if (unique(seen, name, "interface") ||
	    get_array(in, "security_groups", where, &arr) ||
	    get_string(in, "network_acl", false, where, &nacl) ||
	    get_uint(in, "tcp_established_timeout", 60, 432000, where, &has,
		     &est) ||
	    get_uint(in, "udp_timeout", 30, 60, where, &has, &udp) ||
	    get_uint(in, "udp_stream_timeout", 60, 180, where, &has,
		     &stream) ||
	    get_string(in, "tracking", false, where, &tr) ||
	    get_bool(in, "audit", false, where, &audit) ||
	    get_string(in, "mode", false, where, &md) ||
	    get_bool(in, "source_check", true, where, &source_check) ||
	    get_array(in, "addresses", where, &addr_arr) ||
	    get_mac(in, where, mac))
		return NULL;
	if (tr && parse_tracking(tr, &tracking)) {
		bad(where, "tracking is \"auto\" or \"always\", not \"%s\"", tr);
		return NULL;
	}
	if (md && parse_iface_mode(md, &mode)) {
		bad(where, "mode is \"endpoint\" or \"port\", not \"%s\"", md);
		return NULL;
	}
	if (json_array_size(addr_arr) > IFACE_MAX_ADDRESSES) {
		bad(where, "%zu addresses, more than the %d a device may have",
		    json_array_size(addr_arr), IFACE_MAX_ADDRESSES);
		return NULL;
	}
	addrs = cidrs_from_json(addr_arr, CIDR_ADDRESS, where);
	if (!addrs)
		return NULL;
	sgs = json_array();
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		json_t *g = json_array_get(arr, i);

		if (!json_is_string(g)) {
			bad(where, "\"security_groups\" holds names");
			json_decref(sgs);
			json_decref(addrs);
			return NULL;
		}
		add(sgs, json_string(json_string_value(g)));
	}
	if (!json_array_size(sgs) && !nacl && est == DEF_TCP_EST &&
	    udp == DEF_UDP && stream == DEF_UDP_STREAM && !tracking &&
	    !audit && mode == SGFW_IFACE_MODE_ENDPOINT && source_check &&
	    !json_array_size(addrs) && !*mac) {
		/* Nothing to keep: the kernel keeps no entry for it. */
		json_decref(sgs);
		json_decref(addrs);
		*skip = true;
		return NULL;
	}
	o = json_object();
	set(o, "name", json_string(name));
	set(o, "security_groups", sgs);
	if (nacl)
		set(o, "network_acl", json_string(nacl));
	set(o, "tcp_established_timeout", json_integer(est));
	set(o, "udp_timeout", json_integer(udp));
	set(o, "udp_stream_timeout", json_integer(stream));
	set(o, "tracking", json_string(tracking_name(tracking)));
	/* Written only when on: a file that never heard of it reads the same. */
	if (audit)
		set(o, "audit", json_true());
	port_json(o, mode, source_check, addrs, mac);
	return o;
}

static const char *const doc_keys[] = {
	"flow_limit", "prefix_lists", "security_groups", "network_acls",
	"interfaces", NULL
};

/* The canonical form of the document @in, or NULL (reported). */
static json_t *doc_from_file(json_t *in)
{
	static const struct {
		const char *key;
		json_t *(*one)(json_t *in, size_t idx, json_t *seen);
	} lists[] = {
		{ "prefix_lists", pl_from_json },
		{ "security_groups", sg_from_json },
		{ "network_acls", nacl_from_json },
	};
	json_t *doc, *arr, *out, *seen;
	uint32_t limit;
	bool has;

	if (check_object(in, "the document", doc_keys) ||
	    get_uint(in, "flow_limit", 1, 16777216, "the document", &has,
		     &limit))
		return NULL;
	doc = json_object();
	if (has)
		set(doc, "flow_limit", json_integer(limit));
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		if (get_array(in, lists[l].key, "the document", &arr))
			goto err;
		out = json_array();
		seen = json_object();
		set(doc, lists[l].key, out);
		for (size_t i = 0; arr && i < json_array_size(arr); i++) {
			json_t *o = lists[l].one(json_array_get(arr, i), i,
						 seen);

			if (!o) {
				json_decref(seen);
				goto err;
			}
			add(out, o);
		}
		json_decref(seen);
	}
	if (get_array(in, "interfaces", "the document", &arr))
		goto err;
	out = json_array();
	seen = json_object();
	set(doc, "interfaces", out);
	for (size_t i = 0; arr && i < json_array_size(arr); i++) {
		bool skip;
		json_t *o = iface_from_json(json_array_get(arr, i), i, seen,
					    &skip);

		if (!o && !skip) {
			json_decref(seen);
			goto err;
		}
		if (o)
			add(out, o);
	}
	json_decref(seen);
	return doc;
err:
	json_decref(doc);
	return NULL;
}

/* ---- reading the kernel ---- */

/* A dump of @cmd, split objects joined; an exit status. */
static int dump(struct nl_sock *s, uint8_t cmd, uint16_t key,
		const uint16_t *lists, struct nl_msgs *m)
{
	struct req q;
	int status;

	req_init(&q, s, cmd, NLM_F_DUMP);
	status = req_collect(&q, m);
	if (!status && key && msg_join(m, key, lists)) {
		cli_error("malformed reply from the kernel");
		status = SGTOOL_EXIT_KERNEL;
	}
	return status;
}

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SGFW_A_STATUS_MAX + 1];
	uint32_t *v = data;

	if (nl_parse_attrs(nlh, tb, SGFW_A_STATUS_MAX) ||
	    nl_attr_u32(tb[SGFW_A_STATUS_FLOW_LIMIT], &v[0]))
		return -EBADMSG;
	v[1] = 0;
	nl_attr_u32(tb[SGFW_A_STATUS_CONFIRM_PENDING], &v[1]);
	return 0;
}

static int read_pls(struct nl_sock *s, json_t *out)
{
	static const uint16_t lists[] = { SGFW_A_PL_ENTRY, 0 };
	struct nl_msgs m = { 0 };
	int status = dump(s, SGFW_CMD_PL_GET, SGFW_A_PL_NAME, lists, &m);

	for (size_t i = 0; !status && i < m.n; i++) {
		const struct nlattr *tb[SGFW_A_PL_MAX + 1];
		json_t *o = json_object(), *e = json_array();
		uint32_t max;

		add(out, o);
		if (nl_parse_attrs(m.v[i], tb, SGFW_A_PL_MAX) ||
		    !nl_attr_str(tb[SGFW_A_PL_NAME]) ||
		    nl_attr_u32(tb[SGFW_A_PL_MAX_ENTRIES], &max)) {
			json_decref(e);
			goto bad_msg;
		}
		set(o, "name", json_string(nl_attr_str(tb[SGFW_A_PL_NAME])));
		set(o, "max_entries", json_integer(max));
		set(o, "entries", e);
		if (cidrs_json(m.v[i], SGFW_A_PL_ENTRY, e, CIDR_PREFIX))
			goto bad_msg;
	}
	nl_msgs_free(&m);
	return status;
bad_msg:
	return bad_reply(&m);
}

static int read_sgs(struct nl_sock *s, json_t *out)
{
	static const uint16_t lists[] = { SGFW_A_SG_RULE, SGFW_A_SG_MEMBER, 0 };
	struct nl_msgs m = { 0 };
	int status = dump(s, SGFW_CMD_SG_GET, SGFW_A_SG_NAME, lists, &m);

	for (size_t i = 0; !status && i < m.n; i++) {
		const struct nlattr *tb[SGFW_A_SG_MAX + 1], *a;
		json_t *o = json_object(), *rules = json_array();
		json_t *members = json_array();
		const char *desc;

		add(out, o);
		if (nl_parse_attrs(m.v[i], tb, SGFW_A_SG_MAX) ||
		    !nl_attr_str(tb[SGFW_A_SG_NAME]) ||
		    msg_opt_str(tb[SGFW_A_SG_DESCRIPTION], &desc)) {
			json_decref(rules);
			json_decref(members);
			goto bad_msg;
		}
		set(o, "name", json_string(nl_attr_str(tb[SGFW_A_SG_NAME])));
		if (desc && *desc)
			set(o, "description", json_string(desc));
		set(o, "rules", rules);
		set(o, "members", members);
		msg_for_each_attr(a, m.v[i], SGFW_A_SG_RULE) {
			const struct nlattr *rtb[SGFW_A_RULE_MAX + 1];
			struct rule r;

			if (nl_parse_nested(a, rtb, SGFW_A_RULE_MAX) ||
			    rule_decode(rtb, &r) ||
			    !direction_name(r.direction))
				goto bad_msg;
			add(rules, rule_json(&r));
		}
		if (cidrs_json(m.v[i], SGFW_A_SG_MEMBER, members, CIDR_HOST))
			goto bad_msg;
	}
	nl_msgs_free(&m);
	return status;
bad_msg:
	return bad_reply(&m);
}

static int read_nacls(struct nl_sock *s, json_t *out)
{
	static const uint16_t lists[] = { SGFW_A_NACL_RULE, 0 };
	struct nl_msgs m = { 0 };
	int status = dump(s, SGFW_CMD_NACL_GET, SGFW_A_NACL_NAME, lists, &m);

	for (size_t i = 0; !status && i < m.n; i++) {
		const struct nlattr *tb[SGFW_A_NACL_MAX + 1], *a;
		json_t *o = json_object(), *rules = json_array();

		add(out, o);
		if (nl_parse_attrs(m.v[i], tb, SGFW_A_NACL_MAX) ||
		    !nl_attr_str(tb[SGFW_A_NACL_NAME])) {
			json_decref(rules);
			goto bad_msg;
		}
		set(o, "name", json_string(nl_attr_str(tb[SGFW_A_NACL_NAME])));
		set(o, "rules", rules);
		msg_for_each_attr(a, m.v[i], SGFW_A_NACL_RULE) {
			struct nacl_rule r;

			if (nacl_rule_decode(a, &r) || !r.has_cidr ||
			    !direction_name(r.direction) ||
			    !nacl_action_name(r.action))
				goto bad_msg;
			add(rules, nacl_rule_json(&r));
		}
	}
	nl_msgs_free(&m);
	return status;
bad_msg:
	return bad_reply(&m);
}

/* A device's addresses as the kernel lists them. */
struct cidr_vec {
	struct cidr *v;
	size_t n;
};

static int cidr_vec_add(const struct cidr *c, void *arg)
{
	struct cidr_vec *a = arg;
	struct cidr *v = realloc(a->v, (a->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	a->v = v;
	a->v[a->n] = *c;
	cidr_canon(&a->v[a->n++]);
	return 0;
}

/* The addresses of the nest @nest, canonical and sorted, or NULL. */
static json_t *addresses_json(const struct nlattr *nest)
{
	struct cidr_vec a = { 0 };
	json_t *out = NULL;

	if (!msg_addresses(nest, cidr_vec_add, &a)) {
		if (a.n)
			qsort(a.v, a.n, sizeof(*a.v), cidr_qcmp);
		out = json_array();
		for (size_t i = 0; i < a.n; i++)
			add(out, cidr_json(&a.v[i], CIDR_ADDRESS));
	}
	free(a.v);
	return out;
}

static int read_ifaces(struct nl_sock *s, json_t *out)
{
	struct nl_msgs m = { 0 };
	int status = dump(s, SGFW_CMD_IFACE_GET, 0, NULL, &m);

	for (size_t i = 0; !status && i < m.n; i++) {
		const struct nlattr *tb[SGFW_A_IFACE_MAX + 1], *a;
		uint32_t est, udp, stream, tracking;
		uint32_t mode = SGFW_IFACE_MODE_ENDPOINT;
		uint8_t audit = 0, source_check = 1, mac[MAC_LEN];
		char macbuf[MAC_STRLEN] = "";
		json_t *o, *sgs, *addrs;
		const char *nacl;

		if (nl_parse_attrs(m.v[i], tb, SGFW_A_IFACE_MAX) ||
		    !nl_attr_str(tb[SGFW_A_IFACE_IFNAME]) ||
		    msg_opt_str(tb[SGFW_A_IFACE_NACL], &nacl) ||
		    nl_attr_u32(tb[SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT],
				&est) ||
		    nl_attr_u32(tb[SGFW_A_IFACE_UDP_TIMEOUT], &udp) ||
		    nl_attr_u32(tb[SGFW_A_IFACE_UDP_STREAM_TIMEOUT], &stream) ||
		    nl_attr_u32(tb[SGFW_A_IFACE_TRACKING], &tracking) ||
		    !tracking_name(tracking) ||
		    nl_attr_u8(tb[SGFW_A_IFACE_AUDIT], &audit) == -EBADMSG ||
		    nl_attr_u32(tb[SGFW_A_IFACE_MODE], &mode) == -EBADMSG ||
		    !iface_mode_name(mode) ||
		    nl_attr_u8(tb[SGFW_A_IFACE_SOURCE_CHECK],
			       &source_check) == -EBADMSG ||
		    msg_mac(tb[SGFW_A_IFACE_MAC], mac) == -EBADMSG)
			goto bad_msg;
		if (tb[SGFW_A_IFACE_MAC])
			mac_format(mac, macbuf, sizeof(macbuf));
		o = json_object();
		add(out, o);
		set(o, "name", json_string(nl_attr_str(tb[SGFW_A_IFACE_IFNAME])));
		set(o, "security_groups", sgs = json_array());
		msg_for_each_attr(a, m.v[i], SGFW_A_IFACE_SG) {
			if (!nl_attr_str(a))
				goto bad_msg;
			add(sgs, json_string(nl_attr_str(a)));
		}
		if (nacl)
			set(o, "network_acl", json_string(nacl));
		set(o, "tcp_established_timeout", json_integer(est));
		set(o, "udp_timeout", json_integer(udp));
		set(o, "udp_stream_timeout", json_integer(stream));
		set(o, "tracking", json_string(tracking_name(tracking)));
		if (audit)
			set(o, "audit", json_true());
		addrs = addresses_json(tb[SGFW_A_IFACE_ADDRESSES]);
		if (!addrs)
			goto bad_msg;
		port_json(o, mode, source_check, addrs, macbuf);
	}
	nl_msgs_free(&m);
	return status;
bad_msg:
	return bad_reply(&m);
}

/* The namespace's configuration, canonical, in *@out; an exit status. */
static int doc_from_kernel(struct nl_sock *s, json_t **out)
{
	json_t *doc = json_object(), *pls, *sgs, *nacls, *ifaces;
	uint32_t st[2];
	struct req q;
	int status;

	req_init(&q, s, SGFW_CMD_STATUS, 0);
	status = req_talk(&q, status_cb, st);
	if (status)
		goto err;
	set(doc, "flow_limit", json_integer(st[0]));
	set(doc, "prefix_lists", pls = json_array());
	set(doc, "security_groups", sgs = json_array());
	set(doc, "network_acls", nacls = json_array());
	set(doc, "interfaces", ifaces = json_array());
	status = read_pls(s, pls) ?: read_sgs(s, sgs) ?:
		 read_nacls(s, nacls) ?: read_ifaces(s, ifaces);
	if (status)
		goto err;
	*out = doc;
	return SGTOOL_EXIT_OK;
err:
	json_decref(doc);
	return status;
}

/* ---- applying ---- */

/* Where a refused request of the transaction was; "" for none. */
struct apply_ctx {
	char what[200];
	/* TXN_SG_RULE: the offsets of its rule nests and their numbers. */
	uint32_t offs[RULES_PER_MSG];
	size_t nums[RULES_PER_MSG];
	size_t n;
};

/* Send @q; on refusal, say which object (and rule) of the file it was. */
static int txn_talk(struct req *q, struct apply_ctx *c)
{
	struct nl_sock *s = q->s;
	int err;

	if (q->full) {
		cli_error("%s: too large for one request", c->what);
		return SGTOOL_EXIT_USAGE;
	}
	err = nl_talk(s, q->nlh, NULL, NULL);
	if (!err)
		return SGTOOL_EXIT_OK;
	if (c->n && s->err.offset >= c->offs[0]) {
		size_t k = c->n;

		while (k > 1 && c->offs[k - 1] > s->err.offset)
			k--;
		cli_error("%s rule %zu: %s", c->what, c->nums[k - 1],
			  nl_strerror(s, err));
	} else if (c->what[0]) {
		cli_error("%s: %s", c->what, nl_strerror(s, err));
	} else {
		cli_error("%s", nl_strerror(s, err));
	}
	return SGTOOL_EXIT_KERNEL;
}

static void put_sg_rule(struct req *q, const struct rule *r)
{
	struct nlattr *nest = req_nest_start(q, SGFW_A_SG_RULE);

	if (!nest)
		return;
	req_u32(q, SGFW_A_RULE_DIRECTION, r->direction);
	rule_match_put(q, SGFW_A_RULE_MATCH, &r->match);
	if (r->peer == PEER_CIDR)
		req_cidr(q, SGFW_A_RULE_PEER, &r->cidr, true);
	else
		req_str(q, r->peer == PEER_SG ? SGFW_A_RULE_PEER_SG :
			SGFW_A_RULE_PEER_PREFIX_LIST, r->peer_name);
	if (r->description)
		req_str(q, SGFW_A_RULE_DESCRIPTION, r->description);
	req_nest_end(q, nest);
}

static void put_nacl_rule(struct req *q, const struct nacl_rule *r)
{
	struct nlattr *nest = req_nest_start(q, SGFW_A_NACL_RULE);

	if (!nest)
		return;
	req_u32(q, SGFW_A_NACL_RULE_NUMBER, r->number);
	req_u32(q, SGFW_A_NACL_RULE_DIRECTION, r->direction);
	req_u32(q, SGFW_A_NACL_RULE_ACTION, r->action);
	rule_match_put(q, SGFW_A_NACL_RULE_MATCH, &r->match);
	req_cidr(q, SGFW_A_NACL_RULE_PEER, &r->cidr, true);
	req_nest_end(q, nest);
}

static void put_cidrs(struct req *q, uint16_t type, json_t *arr, bool host)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		struct cidr c;

		parse_cidr(json_string_value(v), &c);
		req_cidr(q, type, &c, !host);
	}
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static uint32_t jint(json_t *o, const char *key)
{
	return (uint32_t)json_integer_value(json_object_get(o, key));
}

static int apply_pls(struct nl_sock *s, json_t *pls)
{
	struct apply_ctx c = { 0 };
	struct req q;
	json_t *o;
	size_t i;
	int status;

	json_array_foreach(pls, i, o) {
		snprintf(c.what, sizeof(c.what), "prefix list \"%s\"",
			 jstr(o, "name"));
		req_init(&q, s, SGFW_CMD_TXN_PL, 0);
		req_str(&q, SGFW_A_PL_NAME, jstr(o, "name"));
		req_u32(&q, SGFW_A_PL_MAX_ENTRIES, jint(o, "max_entries"));
		put_cidrs(&q, SGFW_A_PL_ENTRY, json_object_get(o, "entries"),
			  false);
		status = txn_talk(&q, &c);
		if (status)
			return status;
	}
	return 0;
}

static int apply_sgs(struct nl_sock *s, json_t *sgs)
{
	struct apply_ctx c = { 0 };
	struct req q;
	json_t *o, *rules;
	size_t i, k;
	int status;

	/* Every group first: rules may name any of them. */
	json_array_foreach(sgs, i, o) {
		snprintf(c.what, sizeof(c.what), "sg \"%s\"", jstr(o, "name"));
		req_init(&q, s, SGFW_CMD_TXN_SG, 0);
		req_str(&q, SGFW_A_SG_NAME, jstr(o, "name"));
		if (jstr(o, "description"))
			req_str(&q, SGFW_A_SG_DESCRIPTION,
				jstr(o, "description"));
		put_cidrs(&q, SGFW_A_SG_MEMBER, json_object_get(o, "members"),
			  true);
		status = txn_talk(&q, &c);
		if (status)
			return status;
	}
	json_array_foreach(sgs, i, o) {
		rules = json_object_get(o, "rules");
		snprintf(c.what, sizeof(c.what), "sg \"%s\"", jstr(o, "name"));
		for (k = 0; k < json_array_size(rules);) {
			req_init(&q, s, SGFW_CMD_TXN_SG_RULE, 0);
			req_str(&q, SGFW_A_SG_NAME, jstr(o, "name"));
			for (c.n = 0; c.n < RULES_PER_MSG &&
			     k < json_array_size(rules); c.n++, k++) {
				struct rule r;

				rule_from_json(json_array_get(rules, k), "",
					       &r);
				c.offs[c.n] = q.nlh->nlmsg_len;
				c.nums[c.n] = k + 1;
				put_sg_rule(&q, &r);
			}
			status = txn_talk(&q, &c);
			if (status)
				return status;
		}
		c.n = 0;
	}
	return 0;
}

static int apply_nacls(struct nl_sock *s, json_t *nacls)
{
	struct apply_ctx c = { 0 };
	struct req q;
	json_t *o, *rules, *r;
	size_t i, k;
	int status;

	json_array_foreach(nacls, i, o) {
		snprintf(c.what, sizeof(c.what), "nacl \"%s\"",
			 jstr(o, "name"));
		req_init(&q, s, SGFW_CMD_TXN_NACL, 0);
		req_str(&q, SGFW_A_NACL_NAME, jstr(o, "name"));
		rules = json_object_get(o, "rules");
		json_array_foreach(rules, k, r) {
			struct nacl_rule nr;

			nacl_rule_from_json(r, "", &nr);
			put_nacl_rule(&q, &nr);
		}
		status = txn_talk(&q, &c);
		if (status)
			return status;
	}
	return 0;
}

/*
 * The port-mode settings of the canonical device @o, those that are not
 * the defaults only (absent ones are), so that a file without them
 * applies on a module without port mode too.
 */
static void put_port(struct req *q, json_t *o)
{
	json_t *arr = json_object_get(o, "addresses"), *v;
	struct cidr addrs[IFACE_MAX_ADDRESSES];
	uint8_t mac[MAC_LEN];
	uint32_t mode;
	size_t i;

	if (jstr(o, "mode")) {
		parse_iface_mode(jstr(o, "mode"), &mode);
		req_u32(q, SGFW_A_IFACE_MODE, mode);
	}
	if (json_is_false(json_object_get(o, "source_check")))
		req_u8(q, SGFW_A_IFACE_SOURCE_CHECK, 0);
	if (jstr(o, "mac") && !parse_mac(jstr(o, "mac"), mac))
		req_mac(q, mac);
	if (!json_array_size(arr))
		return;
	json_array_foreach(arr, i, v)
		parse_cidr(json_string_value(v), &addrs[i]);
	req_addresses(q, addrs, json_array_size(arr));
}

static int apply_ifaces(struct nl_sock *s, json_t *ifaces)
{
	struct apply_ctx c = { 0 };
	uint32_t tracking;
	struct req q;
	json_t *o, *g;
	size_t i, k;
	int status;

	/* The devices named need not exist yet: their configuration waits. */
	json_array_foreach(ifaces, i, o) {
		snprintf(c.what, sizeof(c.what), "interface \"%s\"",
			 jstr(o, "name"));
		req_init(&q, s, SGFW_CMD_TXN_IFACE, 0);
		req_str(&q, SGFW_A_IFACE_IFNAME, jstr(o, "name"));
		json_array_foreach(json_object_get(o, "security_groups"), k, g)
			req_str(&q, SGFW_A_IFACE_SG, json_string_value(g));
		if (jstr(o, "network_acl"))
			req_str(&q, SGFW_A_IFACE_NACL, jstr(o, "network_acl"));
		req_u32(&q, SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT,
			jint(o, "tcp_established_timeout"));
		req_u32(&q, SGFW_A_IFACE_UDP_TIMEOUT, jint(o, "udp_timeout"));
		req_u32(&q, SGFW_A_IFACE_UDP_STREAM_TIMEOUT,
			jint(o, "udp_stream_timeout"));
		parse_tracking(jstr(o, "tracking"), &tracking);
		req_u32(&q, SGFW_A_IFACE_TRACKING, tracking);
		req_u8(&q, SGFW_A_IFACE_AUDIT,
		       json_is_true(json_object_get(o, "audit")));
		put_port(&q, o);
		status = txn_talk(&q, &c);
		if (status)
			return status;
	}
	return 0;
}

/*
 * One transaction that makes the namespace's configuration @doc (or, with
 * @check, finds out whether it could).  A refused part ends the
 * transaction in the kernel, and so does this socket's close.
 */
static int doc_apply(struct nl_sock *s, json_t *doc, bool check,
		     uint32_t confirm)
{
	struct apply_ctx c = { 0 };
	struct req q;
	int status;

	req_init(&q, s, SGFW_CMD_TXN_BEGIN, 0);
	status = txn_talk(&q, &c) ?:
		 apply_pls(s, json_object_get(doc, "prefix_lists")) ?:
		 apply_sgs(s, json_object_get(doc, "security_groups")) ?:
		 apply_nacls(s, json_object_get(doc, "network_acls")) ?:
		 apply_ifaces(s, json_object_get(doc, "interfaces"));
	if (status)
		return status;
	req_init(&q, s, SGFW_CMD_TXN_COMMIT, 0);
	if (check)
		mnl_attr_put(q.nlh, SGFW_A_TXN_CHECK, 0, NULL);
	if (confirm)
		req_u32(&q, SGFW_A_TXN_CONFIRM, confirm);
	if (json_object_get(doc, "flow_limit"))
		req_u32(&q, SGFW_A_TXN_FLOW_LIMIT, jint(doc, "flow_limit"));
	return txn_talk(&q, &c);
}

/* ---- differences ---- */

static void diff_line(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void diff_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(sgtool_out, fmt, ap);
	va_end(ap);
	fputc('\n', sgtool_out);
}

static json_t *find_named(json_t *arr, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(arr, i, o)
		if (!strcmp(jstr(o, "name"), name))
			return o;
	return NULL;
}

static char *dump_compact(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER |
			  JSON_ENCODE_ANY);
}

static bool array_has(json_t *arr, json_t *v)
{
	json_t *w;
	size_t i;

	json_array_foreach(arr, i, w)
		if (json_equal(v, w))
			return true;
	return false;
}

/* Items of list @key in @a that @b lacks, as "SIGN PREFIX ITEM" lines. */
static int diff_items(json_t *a, json_t *b, const char *key, char sign,
		      const char *prefix, bool rules)
{
	json_t *la = json_object_get(a, key), *lb = json_object_get(b, key);
	json_t *v;
	size_t i;
	int n = 0;

	json_array_foreach(la, i, v) {
		char *t;

		if (rules ? find_rule(lb, v) != NULL : array_has(lb, v))
			continue;
		t = dump_compact(v);
		diff_line("%c %s %s", sign, prefix, t);
		free(t);
		n++;
	}
	return n;
}

/* Rules in both whose descriptions differ. */
static int diff_descs(json_t *cur, json_t *want, const char *prefix)
{
	json_t *rc = json_object_get(cur, "rules");
	json_t *rw = json_object_get(want, "rules");
	json_t *v, *o;
	size_t i;
	int n = 0;

	json_array_foreach(rw, i, v) {
		o = find_rule(rc, v);
		if (o && !json_equal(o, v)) {
			char *t = dump_compact(v);

			diff_line("~ %s %s", prefix, t);
			free(t);
			n++;
		}
	}
	return n;
}

/* Keys other than @lists whose values differ, as "~ PREFIX: KEY A -> B". */
static int diff_fields(json_t *cur, json_t *want, const char *prefix,
		       const char *const *lists)
{
	const char *key;
	json_t *v;
	int n = 0;
	json_t *all = json_object();

	json_object_update(all, cur);
	json_object_update(all, want);
	json_object_foreach(all, key, v) {
		json_t *a = json_object_get(cur, key);
		json_t *b = json_object_get(want, key);
		char *ta, *tb;

		if (key_known(key, lists) || (a && b && json_equal(a, b)))
			continue;
		ta = a ? dump_compact(a) : strdup("none");
		tb = b ? dump_compact(b) : strdup("none");
		diff_line("~ %s: %s %s -> %s", prefix, key, ta, tb);
		free(ta);
		free(tb);
		n++;
	}
	json_decref(all);
	return n;
}

static int diff_list(json_t *cur, json_t *want, const char *key,
		     const char *what)
{
	static const char *const lists[] = {
		"name", "rules", "members", "entries", "addresses", NULL
	};
	json_t *lc = json_object_get(cur, key), *lw = json_object_get(want, key);
	json_t *o, *p;
	char prefix[200];
	size_t i;
	int n = 0;

	json_array_foreach(lc, i, o) {
		if (!find_named(lw, jstr(o, "name"))) {
			diff_line("- %s %s", what, jstr(o, "name"));
			n++;
		}
	}
	json_array_foreach(lw, i, o) {
		p = find_named(lc, jstr(o, "name"));
		if (!p) {
			diff_line("+ %s %s", what, jstr(o, "name"));
			n++;
			continue;
		}
		if (json_equal(p, o))
			continue;
		snprintf(prefix, sizeof(prefix), "%s %s", what,
			 jstr(o, "name"));
		n += diff_fields(p, o, prefix, lists);
		snprintf(prefix, sizeof(prefix), "%s %s rule", what,
			 jstr(o, "name"));
		n += diff_items(p, o, "rules", '-', prefix, true);
		n += diff_items(o, p, "rules", '+', prefix, true);
		n += diff_descs(p, o, prefix);
		snprintf(prefix, sizeof(prefix), "%s %s member", what,
			 jstr(o, "name"));
		n += diff_items(p, o, "members", '-', prefix, false);
		n += diff_items(o, p, "members", '+', prefix, false);
		snprintf(prefix, sizeof(prefix), "%s %s entry", what,
			 jstr(o, "name"));
		n += diff_items(p, o, "entries", '-', prefix, false);
		n += diff_items(o, p, "entries", '+', prefix, false);
		snprintf(prefix, sizeof(prefix), "%s %s address", what,
			 jstr(o, "name"));
		n += diff_items(p, o, "addresses", '-', prefix, false);
		n += diff_items(o, p, "addresses", '+', prefix, false);
	}
	return n;
}

/* Print what applying @want over @cur changes; return how many lines. */
static int doc_diff(json_t *cur, json_t *want)
{
	json_t *a = json_object_get(cur, "flow_limit");
	json_t *b = json_object_get(want, "flow_limit");
	int n = 0;

	if (b && !json_equal(a, b)) {
		diff_line("~ flow_limit: %" JSON_INTEGER_FORMAT " -> %"
			  JSON_INTEGER_FORMAT, json_integer_value(a),
			  json_integer_value(b));
		n++;
	}
	n += diff_list(cur, want, "prefix_lists", "prefix-list");
	n += diff_list(cur, want, "security_groups", "sg");
	n += diff_list(cur, want, "network_acls", "nacl");
	n += diff_list(cur, want, "interfaces", "iface");
	return n;
}

/* ---- commands ---- */

static json_t *load_file(const char *path)
{
	json_error_t e;
	json_t *in, *doc;

	file_name = strcmp(path, "-") ? path : "stdin";
	if (!strcmp(path, "-"))
		in = json_loadf(stdin, JSON_REJECT_DUPLICATES, &e);
	else
		in = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (!in) {
		if (e.line < 0)
			cli_error("%s: %s", file_name, e.text);
		else
			cli_error("%s:%d:%d: %s", file_name, e.line, e.column,
				  e.text);
		return NULL;
	}
	doc = doc_from_file(in);
	json_decref(in);
	return doc;
}

int save_main(int argc, char **argv)
{
	struct nl_sock *s;
	json_t *doc;
	int status;

	if (argc > 1 && cli_is_help(argv[1])) {
		fputs("Usage: sgtool [-p] save\n"
		      "Print the namespace's whole configuration as JSON\n"
		      "(docs/config-format.md); -p indents it.\n", sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	if (argc > 1)
		return cli_no_more_args("save", argc - 1, argv + 1);
	status = conn_open(&s);
	if (status)
		return status;
	status = doc_from_kernel(s, &doc);
	nl_close(s);
	if (status)
		return status;
	json_dumpf(doc, sgtool_out, JSON_PRESERVE_ORDER |
		   (sgtool_opts.pretty ? JSON_INDENT(2) : JSON_COMPACT));
	fputc('\n', sgtool_out);
	json_decref(doc);
	return cli_output_end();
}

static void apply_usage(FILE *f)
{
	fputs("Usage: sgtool apply [check] FILE|- [confirm SECONDS]\n"
	      "Make the namespace's configuration exactly FILE, in one\n"
	      "transaction.  check: only find out whether it could be.\n"
	      "confirm: go back to the configuration before, after SECONDS\n"
	      "(1 to 86400), unless \"sgtool confirm\" comes first.\n", f);
}

int apply_main(int argc, char **argv)
{
	uint32_t confirm = 0;
	bool check = false;
	struct nl_sock *s;
	json_t *doc;
	int status;

	argc--;
	argv++;
	if (argc && cli_is_help(argv[0])) {
		apply_usage(sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	if (argc && !strcmp(argv[0], "check")) {
		check = true;
		argc--;
		argv++;
	}
	if (argc != 1 && argc != 3) {
		apply_usage(sgtool_err);
		return SGTOOL_EXIT_USAGE;
	}
	if (argc == 3) {
		if (strcmp(argv[1], "confirm") || check)
			return cli_usage_error("apply",
					       "unexpected \"%s\"", argv[1]);
		if (parse_u32(argv[2], 86400, &confirm) || !confirm)
			return cli_usage_error("apply",
					       "confirm takes 1 to 86400 seconds, not \"%s\"",
					       argv[2]);
	}
	/* Into the namespace first: interface names are its own. */
	status = conn_open(&s);
	if (status)
		return status;
	doc = load_file(argv[0]);
	if (!doc) {
		nl_close(s);
		return SGTOOL_EXIT_USAGE;
	}
	status = doc_apply(s, doc, check, confirm);
	json_decref(doc);
	nl_close(s);
	return status;
}

int diff_main(int argc, char **argv)
{
	json_t *doc, *cur;
	struct nl_sock *s;
	int status, n;

	if (argc == 2 && cli_is_help(argv[1])) {
		fputs("Usage: sgtool diff FILE|-\n"
		      "Print what \"sgtool apply FILE\" would change, a line\n"
		      "each; exit 0 when nothing, 1 when something, 2 on error.\n",
		      sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	if (argc != 2) {
		cli_error("usage: sgtool diff FILE|-");
		return 2;
	}
	status = conn_open(&s);
	if (status)
		return 2;
	status = doc_from_kernel(s, &cur);
	nl_close(s);
	if (status)
		return 2;
	doc = load_file(argv[1]);
	if (!doc) {
		json_decref(cur);
		return 2;
	}
	n = doc_diff(cur, doc);
	json_decref(cur);
	json_decref(doc);
	if (cli_output_end())
		return 2;
	return n ? 1 : 0;
}

int confirm_main(int argc, char **argv)
{
	struct nl_sock *s;
	struct req q;
	int status;

	if (argc > 1 && cli_is_help(argv[1])) {
		fputs("Usage: sgtool confirm\n"
		      "Keep the configuration of an \"apply ... confirm\".\n",
		      sgtool_out);
		return SGTOOL_EXIT_OK;
	}
	if (argc > 1)
		return cli_no_more_args("confirm", argc - 1, argv + 1);
	status = conn_open(&s);
	if (status)
		return status;
	req_init(&q, s, SGFW_CMD_CONFIRM, 0);
	status = req_talk(&q, NULL, NULL);
	nl_close(s);
	return status;
}
