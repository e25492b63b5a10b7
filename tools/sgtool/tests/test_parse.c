// SPDX-License-Identifier: GPL-2.0
/*
 * The value parsers: numbers, addresses, CIDRs, addresses with a port,
 * port ranges, protocols, timeouts, keywords, and the names they are
 * printed with.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/sgfw.h>

#include "parse.h"
#include "sgtool.h"
#include "tap.h"
#include "tests.h"

static int test_u32(void)
{
	uint32_t v = 7;

	EXPECT_INT(parse_u32("0", 10, &v), 0);
	EXPECT_INT(v, 0);
	EXPECT_INT(parse_u32("10", 10, &v), 0);
	EXPECT_INT(v, 10);
	EXPECT_INT(parse_u32("007", 10, &v), 0);
	EXPECT_INT(v, 7);
	EXPECT_INT(parse_u32("4294967295", UINT32_MAX, &v), 0);
	EXPECT_INT(v, UINT32_MAX);
	EXPECT_INT(parse_u32("11", 10, &v), -ERANGE);
	EXPECT_INT(parse_u32("4294967296", UINT32_MAX, &v), -ERANGE);
	EXPECT_INT(parse_u32("99999999999999999999999", UINT32_MAX, &v),
		   -ERANGE);
	/* Only plain decimal digits. */
	EXPECT_INT(parse_u32("", 10, &v), -EINVAL);
	EXPECT_INT(parse_u32("-1", 10, &v), -EINVAL);
	EXPECT_INT(parse_u32("+1", 10, &v), -EINVAL);
	EXPECT_INT(parse_u32(" 1", 10, &v), -EINVAL);
	EXPECT_INT(parse_u32("1 ", 10, &v), -EINVAL);
	EXPECT_INT(parse_u32("0x10", 100, &v), -EINVAL);
	EXPECT_INT(parse_u32("1e3", 10000, &v), -EINVAL);
	/* A long word is not a number, however it starts. */
	EXPECT_INT(parse_u32("99999999999x", UINT32_MAX, &v), -EINVAL);
	EXPECT_INT(v, UINT32_MAX);
	return 0;
}

static int check_cidr(const char *s, int family, const char *addr,
		      int plen, bool has_plen)
{
	struct cidr c;
	char buf[ADDR_TEXT_LEN];

	EXPECT_INT(parse_cidr(s, &c), 0);
	EXPECT_INT(c.addr.family, family);
	addr_format(&c.addr, buf, sizeof(buf));
	EXPECT_STR(buf, addr);
	EXPECT_INT(c.plen, plen);
	EXPECT_INT(c.has_plen, has_plen);
	return 0;
}

static int test_cidr_v4(void)
{
	EXPECT_INT(check_cidr("10.0.0.0/8", AF_INET, "10.0.0.0", 8, true), 0);
	/* Sent as written: the kernel stores it canonical. */
	EXPECT_INT(check_cidr("10.1.2.3/8", AF_INET, "10.1.2.3", 8, true), 0);
	EXPECT_INT(check_cidr("0.0.0.0/0", AF_INET, "0.0.0.0", 0, true), 0);
	EXPECT_INT(check_cidr("192.168.1.1", AF_INET, "192.168.1.1", 32,
			      false), 0);
	EXPECT_INT(check_cidr("192.168.1.1/32", AF_INET, "192.168.1.1", 32,
			      true), 0);
	return 0;
}

static int test_cidr_v6(void)
{
	EXPECT_INT(check_cidr("::/0", AF_INET6, "::", 0, true), 0);
	EXPECT_INT(check_cidr("fd00::/8", AF_INET6, "fd00::", 8, true), 0);
	EXPECT_INT(check_cidr("2001:db8::1", AF_INET6, "2001:db8::1", 128,
			      false), 0);
	EXPECT_INT(check_cidr("2001:DB8:0:0::1/128", AF_INET6, "2001:db8::1",
			      128, true), 0);
	EXPECT_INT(check_cidr("::ffff:10.0.0.1/96", AF_INET6,
			      "::ffff:10.0.0.1", 96, true), 0);
	return 0;
}

static int test_cidr_bad(void)
{
	static const char *const bad[] = {
		"", "/8", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0", "10.0.0.256",
		"10.0.0.0/-1", "10.0.0.0/ 8", "10.0.0.0/+8", "10.0.0.0/0x8",
		"1.2.3.4.5", "10.0.0.0 /8", "::g", "fd00::/8x", ":::",
		"fe80::1%eth0", "host.example", "sg", "0x0a000001",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
	};
	struct cidr c;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_cidr(bad[i], &c) != -EINVAL) {
			tap_diag_str("accepted:", bad[i]);
			return -1;
		}
	}
	/* The address is fine, the length too long for its family. */
	EXPECT_INT(parse_cidr("10.0.0.0/33", &c), -ERANGE);
	EXPECT_INT(parse_cidr("::/129", &c), -ERANGE);
	EXPECT_INT(parse_cidr("::/4294967296", &c), -ERANGE);
	EXPECT_INT(parse_cidr("10.0.0.0/32", &c), 0);
	EXPECT_INT(parse_cidr("::/128", &c), 0);
	return 0;
}

/* @s is @addr of @family, with the port @port (-1: none). */
static int check_endpoint(const char *s, int family, const char *addr,
			  int port)
{
	char buf[ADDR_TEXT_LEN];
	uint16_t p = 7;
	struct addr a;
	bool has;

	EXPECT_INT(parse_endpoint(s, &a, &has, &p), 0);
	EXPECT_INT(a.family, family);
	addr_format(&a, buf, sizeof(buf));
	EXPECT_STR(buf, addr);
	EXPECT_INT(has, port >= 0);
	if (port >= 0)
		EXPECT_INT(p, port);
	return 0;
}

static int test_endpoints(void)
{
	static const char *const bad[] = {
		"", ":80", "10.0.0.1:", "10.0.0.1:x", "10.0.0.1:-1",
		"10.0.0.1: 80", "10.0.0.1/32", "10.0.0.1:80:80", "[10.0.0.1]",
		"[10.0.0.1]:80", "[fd00::1", "[fd00::1]80", "[fd00::1]:",
		"fd00::1]:80", "[[fd00::1]]:80", "fd00::g:80", "host:80",
		"fd00::/8",
	};
	uint16_t port;
	struct addr a;
	bool has;

	EXPECT_INT(check_endpoint("10.0.0.1", AF_INET, "10.0.0.1", -1), 0);
	EXPECT_INT(check_endpoint("10.0.0.1:80", AF_INET, "10.0.0.1", 80), 0);
	EXPECT_INT(check_endpoint("10.0.0.1:0", AF_INET, "10.0.0.1", 0), 0);
	EXPECT_INT(check_endpoint("10.0.0.1:65535", AF_INET, "10.0.0.1",
				  65535), 0);
	EXPECT_INT(check_endpoint("fd00::1", AF_INET6, "fd00::1", -1), 0);
	/* Without brackets, the last group is the address's. */
	EXPECT_INT(check_endpoint("fd00::1:80", AF_INET6, "fd00::1:80", -1),
		   0);
	EXPECT_INT(check_endpoint("[fd00::1]", AF_INET6, "fd00::1", -1), 0);
	EXPECT_INT(check_endpoint("[fd00::1]:443", AF_INET6, "fd00::1", 443),
		   0);
	EXPECT_INT(check_endpoint("[::ffff:10.0.0.1]:53", AF_INET6,
				  "::ffff:10.0.0.1", 53), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse_endpoint(bad[i], &a, &has, &port) != -EINVAL) {
			tap_diag_str("accepted:", bad[i]);
			return -1;
		}
	}
	EXPECT_INT(parse_endpoint("10.0.0.1:65536", &a, &has, &port), -ERANGE);
	EXPECT_INT(parse_endpoint("[fd00::1]:99999999999", &a, &has, &port),
		   -ERANGE);
	return 0;
}

static int test_addr_format(void)
{
	struct cidr c;
	char buf[ADDR_TEXT_LEN];

	EXPECT_INT(parse_cidr("10.9.8.7/16", &c), 0);
	cidr_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "10.9.8.7/16");
	EXPECT_INT(parse_cidr("fd00:0::1", &c), 0);
	cidr_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "fd00::1/128");
	/* The longest text fits. */
	EXPECT_INT(parse_cidr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"
			      "/128", &c), 0);
	cidr_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	/* prefix_format(): a host without its length, with or without "/N". */
	EXPECT_INT(parse_cidr("10.0.0.5", &c), 0);
	prefix_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "10.0.0.5");
	EXPECT_INT(parse_cidr("10.0.0.5/32", &c), 0);
	prefix_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "10.0.0.5");
	EXPECT_INT(parse_cidr("10.9.0.0/24", &c), 0);
	prefix_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "10.9.0.0/24");
	EXPECT_INT(parse_cidr("fd00::5/128", &c), 0);
	prefix_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "fd00::5");
	EXPECT_INT(parse_cidr("fd00::/64", &c), 0);
	prefix_format(&c, buf, sizeof(buf));
	EXPECT_STR(buf, "fd00::/64");
	return 0;
}

static int check_ports(const char *s, int want_err, int from, int to)
{
	uint16_t f = 1, t = 1;

	EXPECT_INT(parse_port_range(s, &f, &t), want_err);
	if (!want_err) {
		EXPECT_INT(f, from);
		EXPECT_INT(t, to);
	}
	return 0;
}

static int test_port_ranges(void)
{
	EXPECT_INT(check_ports("22", 0, 22, 22), 0);
	EXPECT_INT(check_ports("0", 0, 0, 0), 0);
	EXPECT_INT(check_ports("65535", 0, 65535, 65535), 0);
	EXPECT_INT(check_ports("0-65535", 0, 0, 65535), 0);
	EXPECT_INT(check_ports("1024-65535", 0, 1024, 65535), 0);
	EXPECT_INT(check_ports("80-80", 0, 80, 80), 0);
	/* Reversed: fits the attributes, so the kernel says what is wrong. */
	EXPECT_INT(check_ports("90-80", 0, 90, 80), 0);
	EXPECT_INT(check_ports("65536", -ERANGE, 0, 0), 0);
	EXPECT_INT(check_ports("0-65536", -ERANGE, 0, 0), 0);
	EXPECT_INT(check_ports("65536-1", -ERANGE, 0, 0), 0);
	EXPECT_INT(check_ports("99999999999-1", -ERANGE, 0, 0), 0);
	EXPECT_INT(check_ports("", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("-", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("80-", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("-80", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("1-2-3", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("http", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("80:90", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("80 - 90", -EINVAL, 0, 0), 0);
	EXPECT_INT(check_ports("65536-x", -EINVAL, 0, 0), 0);
	return 0;
}

static int check_proto(const char *s, int want_err, bool any, int proto)
{
	uint8_t p = 99;
	bool a = !any;

	EXPECT_INT(parse_protocol(s, &p, &a), want_err);
	if (!want_err) {
		EXPECT_INT(a, any);
		if (!any)
			EXPECT_INT(p, proto);
	}
	return 0;
}

static int test_protocols(void)
{
	EXPECT_INT(check_proto("tcp", 0, false, 6), 0);
	EXPECT_INT(check_proto("udp", 0, false, 17), 0);
	EXPECT_INT(check_proto("icmp", 0, false, 1), 0);
	EXPECT_INT(check_proto("icmpv6", 0, false, 58), 0);
	EXPECT_INT(check_proto("all", 0, true, 0), 0);
	/* 0 is a protocol (hop-by-hop), not "all". */
	EXPECT_INT(check_proto("0", 0, false, 0), 0);
	EXPECT_INT(check_proto("47", 0, false, 47), 0);
	EXPECT_INT(check_proto("255", 0, false, 255), 0);
	EXPECT_INT(check_proto("256", -ERANGE, false, 0), 0);
	EXPECT_INT(check_proto("TCP", -EINVAL, false, 0), 0);
	EXPECT_INT(check_proto("tc", -EINVAL, false, 0), 0);
	EXPECT_INT(check_proto("gre", -EINVAL, false, 0), 0);
	EXPECT_INT(check_proto("-1", -EINVAL, false, 0), 0);
	EXPECT_INT(check_proto("", -EINVAL, false, 0), 0);
	return 0;
}

static int test_timeouts(void)
{
	uint32_t v = 0;

	EXPECT_INT(parse_timeout("350", false, &v), 0);
	EXPECT_INT(v, 350);
	EXPECT_INT(parse_timeout("aws-nitro", true, &v), 0);
	EXPECT_INT(v, 350);
	EXPECT_INT(TIMEOUT_AWS_NITRO, 350);
	/* Only where the TCP established timeout is meant. */
	EXPECT_INT(parse_timeout("aws-nitro", false, &v), -EINVAL);
	/* Out of the kernel's ranges, but sent for it to refuse. */
	EXPECT_INT(parse_timeout("0", false, &v), 0);
	EXPECT_INT(v, 0);
	EXPECT_INT(parse_timeout("432001", true, &v), 0);
	EXPECT_INT(v, 432001);
	EXPECT_INT(parse_timeout("4294967295", false, &v), 0);
	EXPECT_INT(parse_timeout("4294967296", false, &v), -ERANGE);
	EXPECT_INT(parse_timeout("30s", false, &v), -EINVAL);
	EXPECT_INT(parse_timeout("-30", false, &v), -EINVAL);
	EXPECT_INT(parse_timeout("", false, &v), -EINVAL);
	return 0;
}

static int test_keywords(void)
{
	uint32_t v = 9;

	EXPECT_INT(parse_tracking("auto", &v), 0);
	EXPECT_INT(v, SGFW_TRACKING_AUTO);
	EXPECT_INT(parse_tracking("always", &v), 0);
	EXPECT_INT(v, SGFW_TRACKING_ALWAYS);
	EXPECT_INT(parse_tracking("alway", &v), -EINVAL);
	EXPECT_INT(parse_iface_mode("port", &v), 0);
	EXPECT_INT(v, SGFW_IFACE_MODE_PORT);
	EXPECT_INT(parse_iface_mode("endpoint", &v), 0);
	EXPECT_INT(v, SGFW_IFACE_MODE_ENDPOINT);
	EXPECT_INT(parse_iface_mode("Port", &v), -EINVAL);
	EXPECT_INT(parse_iface_mode("", &v), -EINVAL);
	EXPECT_INT(parse_direction("ingress", &v), 0);
	EXPECT_INT(v, SGFW_DIRECTION_INGRESS);
	EXPECT_INT(parse_direction("egress", &v), 0);
	EXPECT_INT(v, SGFW_DIRECTION_EGRESS);
	EXPECT_INT(parse_direction("in", &v), -EINVAL);
	EXPECT_INT(parse_nacl_action("allow", &v), 0);
	EXPECT_INT(v, SGFW_NACL_ACTION_ALLOW);
	EXPECT_INT(parse_nacl_action("deny", &v), 0);
	EXPECT_INT(v, SGFW_NACL_ACTION_DENY);
	EXPECT_INT(parse_nacl_action("permit", &v), -EINVAL);
	EXPECT_INT(parse_nacl_action("Allow", &v), -EINVAL);
	EXPECT_INT(parse_nacl_action("", &v), -EINVAL);
	return 0;
}

static int test_on_off(void)
{
	bool on = false;

	EXPECT_INT(parse_on_off("on", &on), 0);
	EXPECT(on);
	EXPECT_INT(parse_on_off("off", &on), 0);
	EXPECT(!on);
	EXPECT_INT(parse_on_off("ON", &on), -EINVAL);
	EXPECT_INT(parse_on_off("1", &on), -EINVAL);
	EXPECT_INT(parse_on_off("true", &on), -EINVAL);
	EXPECT_INT(parse_on_off("", &on), -EINVAL);
	return 0;
}

static int test_names(void)
{
	EXPECT_STR(proto_name(6), "tcp");
	EXPECT_STR(proto_name(17), "udp");
	EXPECT_STR(proto_name(1), "icmp");
	EXPECT_STR(proto_name(58), "icmpv6");
	EXPECT(proto_name(0) == NULL);
	EXPECT(proto_name(47) == NULL);
	EXPECT_STR(direction_name(SGFW_DIRECTION_EGRESS), "egress");
	EXPECT(direction_name(2) == NULL);
	EXPECT_STR(tracking_name(SGFW_TRACKING_ALWAYS), "always");
	EXPECT(tracking_name(2) == NULL);
	EXPECT_STR(iface_mode_name(SGFW_IFACE_MODE_ENDPOINT), "endpoint");
	EXPECT_STR(iface_mode_name(SGFW_IFACE_MODE_PORT), "port");
	EXPECT(iface_mode_name(2) == NULL);
	EXPECT_STR(nacl_action_name(SGFW_NACL_ACTION_ALLOW), "allow");
	EXPECT_STR(nacl_action_name(SGFW_NACL_ACTION_DENY), "deny");
	EXPECT(nacl_action_name(2) == NULL);
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_NONE), "none");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_SYN_SENT), "syn-sent");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_SYN_RECV), "syn-recv");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_ESTABLISHED),
		   "established");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_FIN_WAIT), "fin-wait");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_CLOSE_WAIT),
		   "close-wait");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_LAST_ACK), "last-ack");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_TIME_WAIT), "time-wait");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_CLOSE), "close");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_UDP_SINGLE),
		   "udp-single");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_UDP_STREAM),
		   "udp-stream");
	EXPECT_STR(flow_state_name(SGFW_FLOW_STATE_ACTIVE), "active");
	EXPECT(flow_state_name(SGFW_FLOW_STATE_ACTIVE + 1) == NULL);
	EXPECT_STR(verdict_name(SGFW_VERDICT_ACCEPTED), "accept");
	EXPECT_STR(verdict_name(SGFW_VERDICT_NO_RULE), "no-rule");
	EXPECT_STR(verdict_name(SGFW_VERDICT_NACL), "nacl");
	EXPECT_STR(verdict_name(SGFW_VERDICT_TABLE_FULL), "table-full");
	EXPECT_STR(verdict_name(SGFW_VERDICT_INVALID), "invalid");
	EXPECT_STR(verdict_name(SGFW_VERDICT_SPOOFED), "spoofed");
	EXPECT(verdict_name(SGFW_VERDICT_SPOOFED + 1) == NULL);
	EXPECT_STR(track_name(SGFW_TRACK_NONE), "none");
	EXPECT_STR(track_name(SGFW_TRACK_TRACKED), "tracked");
	EXPECT_STR(track_name(SGFW_TRACK_UNTRACKED), "untracked");
	EXPECT(track_name(SGFW_TRACK_UNTRACKED + 1) == NULL);
	return 0;
}

void suite_parse(void)
{
	tap_test("parse: numbers are plain decimal within their maximum",
		 test_u32);
	tap_test("parse: IPv4 CIDRs, a bare address is a /32",
		 test_cidr_v4);
	tap_test("parse: IPv6 CIDRs, a bare address is a /128",
		 test_cidr_v6);
	tap_test("parse: malformed CIDRs and prefix lengths are refused",
		 test_cidr_bad);
	tap_test("parse: an address with a port, IPv6 in brackets",
		 test_endpoints);
	tap_test("parse: addresses and CIDRs print back", test_addr_format);
	tap_test("parse: port ranges 0-65535, reversed left to the kernel",
		 test_port_ranges);
	tap_test("parse: protocols by name and number, all is no protocol",
		 test_protocols);
	tap_test("parse: timeouts in seconds, aws-nitro is 350",
		 test_timeouts);
	tap_test("parse: tracking, mode, direction and NACL action keywords",
		 test_keywords);
	tap_test("parse: on and off", test_on_off);
	tap_test("parse: protocol, direction, tracking, action, state, "
		 "verdict and track names",
		 test_names);
}
