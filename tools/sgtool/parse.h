/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The values of the command line (numbers, addresses, prefixes, ports,
 * protocols, timeouts) and their names on output.
 *
 * The parsers refuse only what cannot be put in the request as it is: a
 * word where a number goes, a port past 65535, a prefix length past the
 * family's.  Whatever fits the attribute is the kernel's to judge (a
 * reversed port range, a timeout out of its range), so that the user gets
 * the kernel's own message for it.
 */
#ifndef SGTOOL_PARSE_H
#define SGTOOL_PARSE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* IANA protocol numbers of the protocols with a name. */
#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_UDP	17
#define PROTO_ICMPV6	58

/* "aws-nitro": the TCP established timeout of AWS's newest hardware. */
#define TIMEOUT_AWS_NITRO	350

struct addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

struct cidr {
	struct addr addr;
	uint8_t plen;		/* 32 or 128 when the text had none */
	bool has_plen;		/* the text had a "/N" */
};

/* Room for any address or CIDR as text, "[...]:port" included. */
#define ADDR_TEXT_LEN	(INET6_ADDRSTRLEN + 16)

/*
 * Each returns 0, -EINVAL when @s is not of the form, or -ERANGE when it
 * is but its value does not fit.
 */

/* Decimal digits only, no sign, no spaces, at most @max. */
int parse_u32(const char *s, uint32_t max, uint32_t *v);
/* An IPv4 or IPv6 address. */
int parse_addr(const char *s, struct addr *a);
/* ADDR or ADDR/LEN; a bare address is a host (/32 or /128). */
int parse_cidr(const char *s, struct cidr *c);
/*
 * An address with an optional port: 10.0.0.1, 10.0.0.1:80, fd00::1,
 * [fd00::1] or [fd00::1]:80 (an IPv6 address with a port is bracketed).
 * *has_port says whether there was one; -ERANGE is a port past 65535.
 */
int parse_endpoint(const char *s, struct addr *a, bool *has_port,
		   uint16_t *port);
/* P or P-Q, each 0-65535; a reversed range is left to the kernel. */
int parse_port_range(const char *s, uint16_t *from, uint16_t *to);
/*
 * tcp, udp, icmp, icmpv6, all or a number 0-255: *any is true for "all"
 * (no protocol attribute), else *proto is the number.
 */
int parse_protocol(const char *s, uint8_t *proto, bool *any);
/* Seconds; with @nitro_ok the word "aws-nitro" is TIMEOUT_AWS_NITRO. */
int parse_timeout(const char *s, bool nitro_ok, uint32_t *v);
/* auto or always, as enum sgfw_tracking. */
int parse_tracking(const char *s, uint32_t *v);
/* endpoint or port, as enum sgfw_iface_mode. */
int parse_iface_mode(const char *s, uint32_t *v);
/* ingress or egress, as enum sgfw_direction. */
int parse_direction(const char *s, uint32_t *v);
/* allow or deny, as enum sgfw_nacl_action. */
int parse_nacl_action(const char *s, uint32_t *v);
/* on or off. */
int parse_on_off(const char *s, bool *v);
/*
 * A MAC address, six hexadecimal bytes of one or two digits separated by
 * colons ("02:00:00:00:00:05"): -EINVAL when it is not one, -EDOM when it
 * is all zeros or multicast (broadcast too), which no instance has.
 */
#define MAC_LEN 6
int parse_mac(const char *s, uint8_t mac[MAC_LEN]);

/* Names for output; NULL when the value has none. */
const char *proto_name(uint8_t proto);
const char *direction_name(uint32_t dir);
const char *tracking_name(uint32_t tracking);
const char *iface_mode_name(uint32_t mode);
const char *nacl_action_name(uint32_t action);
const char *flow_state_name(uint32_t state);
/* accept, no-rule, nacl, table-full, invalid, spoofed. */
const char *verdict_name(uint32_t verdict);
/* none, tracked, untracked (enum sgfw_track). */
const char *track_name(uint32_t track);
/* enum sgfw_end_reason: "expired", "device-gone". */
const char *end_reason_name(uint32_t reason);
/* SGFW_CMD_*, as the family's spec spells them: "sg-new", "txn-commit". */
const char *cmd_name(uint32_t cmd);

/* "10.0.0.1", "fd00::1". */
void addr_format(const struct addr *a, char *buf, size_t len);
/* "02:00:00:00:00:05": lower case, two digits a byte; 18 bytes. */
#define MAC_STRLEN 18
void mac_format(const uint8_t mac[MAC_LEN], char *buf, size_t len);
/* "10.0.0.0/8": always with the prefix length. */
void cidr_format(const struct cidr *c, char *buf, size_t len);
/* "10.0.0.0/8", but a host without its length: "10.0.0.1", "fd00::1". */
void prefix_format(const struct cidr *c, char *buf, size_t len);
/* "10.0.0.1:22", "[fd00::1]:22", or the bare address without a port. */
void endpoint_format(const struct addr *a, bool port, uint16_t p,
		     char *buf, size_t len);

#endif /* SGTOOL_PARSE_H */
