// SPDX-License-Identifier: GPL-2.0
/*
 * Building and decoding sgfw messages.  See msg.h.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "cli.h"
#include "conn.h"
#include "print.h"
#include "msg.h"
#include "sgtool.h"

void req_init(struct req *r, struct nl_sock *s, uint8_t cmd, uint16_t flags)
{
	r->s = s;
	r->nlh = nl_msg(s, cmd, flags);
	r->full = false;
}

static void req_put(struct req *r, uint16_t type, size_t len, const void *v)
{
	if (!r->full && !mnl_attr_put_check(r->nlh, NL_BUF_SIZE, type, len, v))
		r->full = true;
}

void req_flag(struct req *r, uint16_t type)
{
	req_put(r, type, 0, "");
}

void req_u8(struct req *r, uint16_t type, uint8_t v)
{
	req_put(r, type, sizeof(v), &v);
}

void req_u16(struct req *r, uint16_t type, uint16_t v)
{
	req_put(r, type, sizeof(v), &v);
}

void req_u32(struct req *r, uint16_t type, uint32_t v)
{
	req_put(r, type, sizeof(v), &v);
}

void req_mac(struct req *r, const uint8_t mac[MAC_LEN])
{
	req_put(r, SGFW_A_IFACE_MAC, MAC_LEN, mac);
}

int msg_mac(const struct nlattr *a, uint8_t mac[MAC_LEN])
{
	memset(mac, 0, MAC_LEN);
	if (!a)
		return -ENOENT;
	if (mnl_attr_get_payload_len(a) != MAC_LEN)
		return -EBADMSG;
	memcpy(mac, mnl_attr_get_payload(a), MAC_LEN);
	return 0;
}

void req_str(struct req *r, uint16_t type, const char *v)
{
	/* An attribute's length is 16 bits: past that it cannot be sent. */
	if (strlen(v) + 1 > UINT16_MAX - MNL_ATTR_HDRLEN)
		r->full = true;
	else
		req_put(r, type, strlen(v) + 1, v);
}

void req_addr(struct req *r, uint16_t v4, uint16_t v6, const struct addr *a)
{
	if (a->family == AF_INET)
		req_put(r, v4, sizeof(a->v4), &a->v4);
	else
		req_put(r, v6, sizeof(a->v6), &a->v6);
}

struct nlattr *req_nest_start(struct req *r, uint16_t type)
{
	struct nlattr *nest;

	if (r->full)
		return NULL;
	nest = mnl_attr_nest_start_check(r->nlh, NL_BUF_SIZE, type);
	if (!nest)
		r->full = true;
	return nest;
}

void req_nest_end(struct req *r, struct nlattr *nest)
{
	if (!r->full)
		mnl_attr_nest_end(r->nlh, nest);
}

void req_cidr(struct req *r, uint16_t type, const struct cidr *c, bool plen)
{
	struct nlattr *nest = req_nest_start(r, type);

	if (!nest)
		return;
	req_addr(r, SGFW_A_CIDR_IPV4, SGFW_A_CIDR_IPV6, &c->addr);
	if (plen)
		req_u8(r, SGFW_A_CIDR_PREFIX_LEN, c->plen);
	req_nest_end(r, nest);
}

void req_addresses(struct req *r, const struct cidr *v, size_t n)
{
	struct nlattr *nest = req_nest_start(r, SGFW_A_IFACE_ADDRESSES);

	if (!nest)
		return;
	for (size_t i = 0; i < n; i++)
		req_cidr(r, SGFW_A_IFACE_ADDRESSES_ADDRESS, &v[i],
			 v[i].has_plen);
	req_nest_end(r, nest);
}

int req_talk(struct req *r, nl_cb_t cb, void *data)
{
	if (r->full) {
		cli_error("too many or too long arguments for one request");
		return SGTOOL_EXIT_USAGE;
	}
	return conn_report(r->s, nl_talk(r->s, r->nlh, cb, data));
}

/* Changes a dump may run into before sgtool gives up. */
#define DUMP_TRIES	20

int req_collect(struct req *r, struct nl_msgs *m)
{
	for (int i = 0; i < DUMP_TRIES; i++) {
		int status = req_talk(r, nl_collect, m);

		if (status || !r->s->dump_intr)
			return status;
		nl_msgs_free(m);
	}
	cli_error("the configuration changed while it was read, %d times; try again",
		  DUMP_TRIES);
	return SGTOOL_EXIT_KERNEL;
}

/*
 * Exactly one of @v4 (u32, network order) and @v6 (16 bytes) into @a.
 * Return 0, -ENOENT when neither is there, or -EBADMSG.
 */
static int msg_addr(const struct nlattr *v4, const struct nlattr *v6,
		    struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (v4 && v6)
		return -EBADMSG;
	if (v4) {
		if (mnl_attr_get_payload_len(v4) != sizeof(a->v4))
			return -EBADMSG;
		a->family = AF_INET;
		memcpy(&a->v4, mnl_attr_get_payload(v4), sizeof(a->v4));
		return 0;
	}
	if (v6) {
		if (mnl_attr_get_payload_len(v6) != sizeof(a->v6))
			return -EBADMSG;
		a->family = AF_INET6;
		memcpy(&a->v6, mnl_attr_get_payload(v6), sizeof(a->v6));
		return 0;
	}
	return -ENOENT;
}

int msg_cidr(const struct nlattr *nest, struct cidr *c)
{
	const struct nlattr *tb[SGFW_A_CIDR_MAX + 1];
	uint8_t max;
	int err;

	memset(c, 0, sizeof(*c));
	err = nl_parse_nested(nest, tb, SGFW_A_CIDR_MAX);
	if (err)
		return err;
	err = msg_addr(tb[SGFW_A_CIDR_IPV4], tb[SGFW_A_CIDR_IPV6], &c->addr);
	if (err)
		return -EBADMSG;
	max = c->addr.family == AF_INET ? 32 : 128;
	c->plen = max;
	if (tb[SGFW_A_CIDR_PREFIX_LEN]) {
		if (nl_attr_u8(tb[SGFW_A_CIDR_PREFIX_LEN], &c->plen) ||
		    c->plen > max)
			return -EBADMSG;
		c->has_plen = true;
	}
	return 0;
}

int msg_addresses(const struct nlattr *nest,
		  int (*fn)(const struct cidr *c, void *arg), void *arg)
{
	const struct nlattr *tb[SGFW_A_IFACE_ADDRESSES_MAX + 1];
	const struct nlattr *a;
	struct cidr c;
	int err;

	if (!nest)
		return 0;
	if (nl_parse_nested(nest, tb, SGFW_A_IFACE_ADDRESSES_MAX))
		return -EBADMSG;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != SGFW_A_IFACE_ADDRESSES_ADDRESS)
			continue;
		if (msg_cidr(a, &c))
			return -EBADMSG;
		err = fn(&c, arg);
		if (err)
			return err;
	}
	return 0;
}

int msg_opt_str(const struct nlattr *a, const char **s)
{
	*s = NULL;
	if (!a)
		return 0;
	*s = nl_attr_str(a);
	return *s ? 0 : -EBADMSG;
}

/* What nl_attr_*() said of an optional attribute, as msg_opt_*() say it. */
static int msg_opt(int err, bool *has)
{
	*has = !err;
	return err == -EBADMSG ? err : 0;
}

int msg_opt_u32(const struct nlattr *a, bool *has, uint32_t *v)
{
	return msg_opt(nl_attr_u32(a, v), has);
}

int msg_opt_u64(const struct nlattr *a, bool *has, uint64_t *v)
{
	return msg_opt(nl_attr_u64(a, v), has);
}

/* The string attribute @key of @nlh, or NULL. */
static const char *msg_key(const struct nlmsghdr *nlh, uint16_t key)
{
	const struct nlattr *a;

	msg_for_each_attr(a, nlh, key)
		return nl_attr_str(a);
	return NULL;
}

static bool msg_in(uint16_t type, const uint16_t *lists)
{
	for (; *lists; lists++)
		if (type == *lists)
			return true;
	return false;
}

int msg_join(struct nl_msgs *m, uint16_t key, const uint16_t *lists)
{
	size_t i = 0, j, k;

	while (i < m->n) {
		const char *name = msg_key(m->v[i], key);

		for (j = i + 1; name && j < m->n; j++) {
			const char *next = msg_key(m->v[j], key);
			const struct nlattr *a;
			struct nlmsghdr *nlh;
			size_t add = 0;

			if (!next || strcmp(name, next))
				break;
			mnl_attr_for_each(a, m->v[j], GENL_HDRLEN)
				if (msg_in(mnl_attr_get_type(a), lists))
					add += MNL_ALIGN(a->nla_len);
			if (m->v[i]->nlmsg_len + add > UINT32_MAX)
				return -EBADMSG;
			nlh = realloc(m->v[i], m->v[i]->nlmsg_len + add);
			if (!nlh)
				return -ENOMEM;
			m->v[i] = nlh;
			name = msg_key(nlh, key);
			mnl_attr_for_each(a, m->v[j], GENL_HDRLEN) {
				if (!msg_in(mnl_attr_get_type(a), lists))
					continue;
				memset((char *)nlh + nlh->nlmsg_len, 0,
				       MNL_ALIGN(a->nla_len));
				memcpy((char *)nlh + nlh->nlmsg_len, a,
				       a->nla_len);
				nlh->nlmsg_len += MNL_ALIGN(a->nla_len);
			}
		}
		/* Messages i+1 .. j-1 are in message i now. */
		for (k = i + 1; k < j; k++)
			free(m->v[k]);
		if (j > i + 1) {
			memmove(&m->v[i + 1], &m->v[j],
				(m->n - j) * sizeof(*m->v));
			m->n -= j - i - 1;
		}
		i++;
	}
	return 0;
}

int msg_show(const struct msg_show *sh)
{
	struct nl_msgs replies = { 0 };
	struct nl_sock *s;
	struct req q;
	int status;

	status = conn_open(&s);
	if (status)
		return status;

	req_init(&q, s, sh->cmd, sh->build && !sh->dump ? 0 : NLM_F_DUMP);
	if (sh->build) {
		status = sh->build(&q, sh->build_arg);
		if (status)
			goto out;
	}
	status = req_collect(&q, &replies);
	if (status)
		goto out;
	if (sh->join_key && msg_join(&replies, sh->join_key, sh->join_lists)) {
		cli_error("malformed reply from the kernel");
		status = SGTOOL_EXIT_KERNEL;
		goto out;
	}

	/* All or nothing: a malformed reply prints no half of a table. */
	for (size_t i = 0; i < replies.n; i++) {
		if (sh->walk(replies.v[i], false, sh->walk_arg)) {
			cli_error("malformed reply from the kernel");
			status = SGTOOL_EXIT_KERNEL;
			goto out;
		}
	}
	print_open_array(NULL);
	for (size_t i = 0; i < replies.n; i++)
		sh->walk(replies.v[i], true, sh->walk_arg);
	print_close_array();
	status = cli_output_end();
out:
	nl_msgs_free(&replies);
	nl_close(s);
	return status;
}
