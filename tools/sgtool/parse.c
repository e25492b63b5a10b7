// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line values and their names.  See parse.h.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/sgfw.h>

#include "parse.h"
#include "sgtool.h"

int parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	unsigned long long n = 0;

	/* strtoul() would take a sign, spaces and "0x": be stricter. */
	if (!*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		n = n * 10 + (unsigned int)(*p - '0');
		/* Stop before the product can wrap; the rest is digits. */
		if (n > max) {
			while (*++p)
				if (*p < '0' || *p > '9')
					return -EINVAL;
			return -ERANGE;
		}
	}
	*v = (uint32_t)n;
	return 0;
}

int parse_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int parse_cidr(const char *s, struct cidr *c)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t plen, max;
	int err;

	memset(c, 0, sizeof(*c));
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	err = parse_addr(buf, &c->addr);
	if (err)
		return err;

	max = c->addr.family == AF_INET ? 32 : 128;
	if (!slash) {
		c->plen = (uint8_t)max;
		return 0;
	}
	err = parse_u32(slash + 1, max, &plen);
	if (err)
		return err;
	c->plen = (uint8_t)plen;
	c->has_plen = true;
	return 0;
}

int parse_endpoint(const char *s, struct addr *a, bool *has_port,
		   uint16_t *port)
{
	const char *bracket = NULL, *colon;
	char buf[INET6_ADDRSTRLEN];
	uint32_t p;
	size_t len;
	int err;

	*has_port = false;
	if (*s == '[') {
		bracket = strchr(++s, ']');
		if (!bracket || (bracket[1] && bracket[1] != ':'))
			return -EINVAL;
		colon = bracket[1] ? bracket + 1 : NULL;
		len = (size_t)(bracket - s);
	} else {
		if (!parse_addr(s, a))
			return 0;
		colon = strrchr(s, ':');
		if (!colon)
			return -EINVAL;
		len = (size_t)(colon - s);
	}
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* Brackets for IPv6 only, and IPv6 with a port in brackets only. */
	if (parse_addr(buf, a) || (a->family == AF_INET6) != !!bracket)
		return -EINVAL;
	if (!colon)
		return 0;
	err = parse_u32(colon + 1, 65535, &p);
	if (err)
		return err;
	*port = (uint16_t)p;
	*has_port = true;
	return 0;
}

int parse_port_range(const char *s, uint16_t *from, uint16_t *to)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	uint32_t a, b;
	size_t len;
	int err;

	if (!dash) {
		err = parse_u32(s, 65535, &a);
		if (err)
			return err;
		*from = *to = (uint16_t)a;
		return 0;
	}
	len = (size_t)(dash - s);
	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* Both halves must be numbers before either is said to be large. */
	err = parse_u32(buf, UINT32_MAX, &a);
	if (!err)
		err = parse_u32(dash + 1, UINT32_MAX, &b);
	if (err == -ERANGE)
		return -ERANGE;
	if (err)
		return -EINVAL;
	if (a > 65535 || b > 65535)
		return -ERANGE;
	*from = (uint16_t)a;
	*to = (uint16_t)b;
	return 0;
}

static const struct {
	const char *name;
	uint8_t proto;
} protos[] = {
	{ "tcp", PROTO_TCP },
	{ "udp", PROTO_UDP },
	{ "icmp", PROTO_ICMP },
	{ "icmpv6", PROTO_ICMPV6 },
};

int parse_protocol(const char *s, uint8_t *proto, bool *any)
{
	uint32_t n;
	int err;

	*any = false;
	if (!strcmp(s, "all")) {
		*any = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
		if (!strcmp(s, protos[i].name)) {
			*proto = protos[i].proto;
			return 0;
		}
	}
	err = parse_u32(s, 255, &n);
	if (err)
		return err;
	*proto = (uint8_t)n;
	return 0;
}

int parse_timeout(const char *s, bool nitro_ok, uint32_t *v)
{
	if (nitro_ok && !strcmp(s, "aws-nitro")) {
		*v = TIMEOUT_AWS_NITRO;
		return 0;
	}
	return parse_u32(s, UINT32_MAX, v);
}

int parse_tracking(const char *s, uint32_t *v)
{
	if (!strcmp(s, "auto"))
		*v = SGFW_TRACKING_AUTO;
	else if (!strcmp(s, "always"))
		*v = SGFW_TRACKING_ALWAYS;
	else
		return -EINVAL;
	return 0;
}

int parse_iface_mode(const char *s, uint32_t *v)
{
	if (!strcmp(s, "endpoint"))
		*v = SGFW_IFACE_MODE_ENDPOINT;
	else if (!strcmp(s, "port"))
		*v = SGFW_IFACE_MODE_PORT;
	else
		return -EINVAL;
	return 0;
}

int parse_direction(const char *s, uint32_t *v)
{
	if (!strcmp(s, "ingress"))
		*v = SGFW_DIRECTION_INGRESS;
	else if (!strcmp(s, "egress"))
		*v = SGFW_DIRECTION_EGRESS;
	else
		return -EINVAL;
	return 0;
}

int parse_nacl_action(const char *s, uint32_t *v)
{
	if (!strcmp(s, "allow"))
		*v = SGFW_NACL_ACTION_ALLOW;
	else if (!strcmp(s, "deny"))
		*v = SGFW_NACL_ACTION_DENY;
	else
		return -EINVAL;
	return 0;
}

int parse_on_off(const char *s, bool *v)
{
	if (!strcmp(s, "on"))
		*v = true;
	else if (!strcmp(s, "off"))
		*v = false;
	else
		return -EINVAL;
	return 0;
}

int parse_mac(const char *s, uint8_t mac[MAC_LEN])
{
	uint8_t v[MAC_LEN], any = 0;

	for (int i = 0; i < MAC_LEN; i++) {
		int digits = 0;

		v[i] = 0;
		for (; digits < 2 && isxdigit((unsigned char)*s); digits++, s++)
			v[i] = (uint8_t)(v[i] * 16 +
					 (isdigit((unsigned char)*s) ?
					  *s - '0' :
					  tolower((unsigned char)*s) - 'a' +
					  10));
		if (!digits || *s != (i == MAC_LEN - 1 ? '\0' : ':'))
			return -EINVAL;
		s++;
		any |= v[i];
	}
	if (!any || (v[0] & 1))
		return -EDOM;
	memcpy(mac, v, MAC_LEN);
	return 0;
}

const char *proto_name(uint8_t proto)
{
	for (size_t i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].proto == proto)
			return protos[i].name;
	return NULL;
}

const char *direction_name(uint32_t dir)
{
	switch (dir) {
	case SGFW_DIRECTION_INGRESS:
		return "ingress";
	case SGFW_DIRECTION_EGRESS:
		return "egress";
	}
	return NULL;
}

const char *tracking_name(uint32_t tracking)
{
	switch (tracking) {
	case SGFW_TRACKING_AUTO:
		return "auto";
	case SGFW_TRACKING_ALWAYS:
		return "always";
	}
	return NULL;
}

const char *iface_mode_name(uint32_t mode)
{
	switch (mode) {
	case SGFW_IFACE_MODE_ENDPOINT:
		return "endpoint";
	case SGFW_IFACE_MODE_PORT:
		return "port";
	}
	return NULL;
}

const char *nacl_action_name(uint32_t action)
{
	switch (action) {
	case SGFW_NACL_ACTION_ALLOW:
		return "allow";
	case SGFW_NACL_ACTION_DENY:
		return "deny";
	}
	return NULL;
}

const char *flow_state_name(uint32_t state)
{
	static const char *const names[] = {
		[SGFW_FLOW_STATE_NONE] = "none",
		[SGFW_FLOW_STATE_SYN_SENT] = "syn-sent",
		[SGFW_FLOW_STATE_SYN_RECV] = "syn-recv",
		[SGFW_FLOW_STATE_ESTABLISHED] = "established",
		[SGFW_FLOW_STATE_FIN_WAIT] = "fin-wait",
		[SGFW_FLOW_STATE_CLOSE_WAIT] = "close-wait",
		[SGFW_FLOW_STATE_LAST_ACK] = "last-ack",
		[SGFW_FLOW_STATE_TIME_WAIT] = "time-wait",
		[SGFW_FLOW_STATE_CLOSE] = "close",
		[SGFW_FLOW_STATE_UDP_SINGLE] = "udp-single",
		[SGFW_FLOW_STATE_UDP_STREAM] = "udp-stream",
		[SGFW_FLOW_STATE_ACTIVE] = "active",
	};

	if (state >= ARRAY_SIZE(names))
		return NULL;
	return names[state];
}

const char *end_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[SGFW_END_EXPIRED] = "expired",
		[SGFW_END_CLOSED] = "closed",
		[SGFW_END_EVICTED] = "evicted",
		[SGFW_END_FLUSHED] = "flushed",
		[SGFW_END_DEVICE_GONE] = "device-gone",
		[SGFW_END_GROUP_GONE] = "group-gone",
		[SGFW_END_NAMESPACE_GONE] = "namespace-gone",
	};

	if (reason >= ARRAY_SIZE(names))
		return NULL;
	return names[reason];
}

const char *verdict_name(uint32_t verdict)
{
	static const char *const names[] = {
		[SGFW_VERDICT_ACCEPTED] = "accept",
		[SGFW_VERDICT_NO_RULE] = "no-rule",
		[SGFW_VERDICT_NACL] = "nacl",
		[SGFW_VERDICT_TABLE_FULL] = "table-full",
		[SGFW_VERDICT_INVALID] = "invalid",
		[SGFW_VERDICT_SPOOFED] = "spoofed",
	};

	if (verdict >= ARRAY_SIZE(names))
		return NULL;
	return names[verdict];
}

const char *track_name(uint32_t track)
{
	switch (track) {
	case SGFW_TRACK_NONE:
		return "none";
	case SGFW_TRACK_TRACKED:
		return "tracked";
	case SGFW_TRACK_UNTRACKED:
		return "untracked";
	}
	return NULL;
}

const char *cmd_name(uint32_t cmd)
{
	static const char *const names[] = {
		[SGFW_CMD_STATUS] = "status",
		[SGFW_CMD_STATUS_SET] = "status-set",
		[SGFW_CMD_SG_NEW] = "sg-new",
		[SGFW_CMD_SG_DEL] = "sg-del",
		[SGFW_CMD_SG_GET] = "sg-get",
		[SGFW_CMD_RULE_NEW] = "rule-new",
		[SGFW_CMD_RULE_DEL] = "rule-del",
		[SGFW_CMD_MEMBER_ADD] = "member-add",
		[SGFW_CMD_MEMBER_DEL] = "member-del",
		[SGFW_CMD_PL_NEW] = "pl-new",
		[SGFW_CMD_PL_DEL] = "pl-del",
		[SGFW_CMD_PL_ENTRY_ADD] = "pl-entry-add",
		[SGFW_CMD_PL_ENTRY_DEL] = "pl-entry-del",
		[SGFW_CMD_PL_GET] = "pl-get",
		[SGFW_CMD_IFACE_ATTACH] = "iface-attach",
		[SGFW_CMD_IFACE_DETACH] = "iface-detach",
		[SGFW_CMD_IFACE_SET] = "iface-set",
		[SGFW_CMD_IFACE_GET] = "iface-get",
		[SGFW_CMD_FLOW_GET] = "flow-get",
		[SGFW_CMD_NACL_NEW] = "nacl-new",
		[SGFW_CMD_NACL_DEL] = "nacl-del",
		[SGFW_CMD_NACL_GET] = "nacl-get",
		[SGFW_CMD_NACL_RULE_NEW] = "nacl-rule-new",
		[SGFW_CMD_NACL_RULE_DEL] = "nacl-rule-del",
		[SGFW_CMD_IFACE_NACL] = "iface-nacl",
		[SGFW_CMD_PL_SET] = "pl-set",
		[SGFW_CMD_TXN_BEGIN] = "txn-begin",
		[SGFW_CMD_TXN_PL] = "txn-pl",
		[SGFW_CMD_TXN_SG] = "txn-sg",
		[SGFW_CMD_TXN_SG_RULE] = "txn-sg-rule",
		[SGFW_CMD_TXN_NACL] = "txn-nacl",
		[SGFW_CMD_TXN_IFACE] = "txn-iface",
		[SGFW_CMD_TXN_COMMIT] = "txn-commit",
		[SGFW_CMD_TXN_ABORT] = "txn-abort",
		[SGFW_CMD_CONFIRM] = "confirm",
		[SGFW_CMD_FLOW_FLUSH] = "flow-flush",
		[SGFW_CMD_EXPLAIN] = "explain",
		[SGFW_CMD_FLOW_NEW_NTF] = "flow-new-ntf",
		[SGFW_CMD_FLOW_END_NTF] = "flow-end-ntf",
		[SGFW_CMD_DROP_NTF] = "drop-ntf",
		[SGFW_CMD_UNTRACKED_NTF] = "untracked-ntf",
		[SGFW_CMD_CONFIG_NTF] = "config-ntf",
	};

	if (cmd >= ARRAY_SIZE(names))
		return NULL;
	return names[cmd];
}

void mac_format(const uint8_t mac[MAC_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

void addr_format(const struct addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->family == AF_INET ?
		       (const void *)&a->v4 : (const void *)&a->v6, buf,
		       (socklen_t)len))
		snprintf(buf, len, "?");
}

void cidr_format(const struct cidr *c, char *buf, size_t len)
{
	size_t n;

	addr_format(&c->addr, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", c->plen);
}

void prefix_format(const struct cidr *c, char *buf, size_t len)
{
	if (c->plen == (c->addr.family == AF_INET ? 32 : 128))
		addr_format(&c->addr, buf, len);
	else
		cidr_format(c, buf, len);
}

void endpoint_format(const struct addr *a, bool port, uint16_t p,
		     char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	addr_format(a, addr, sizeof(addr));
	if (!port)
		snprintf(buf, len, "%s", addr);
	else if (a->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr, p);
	else
		snprintf(buf, len, "%s:%u", addr, p);
}
