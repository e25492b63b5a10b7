/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks on the last request the scripted kernel received: its command,
 * its flags, and its attributes in order and by value.  Each returns -1
 * from the test, as the EXPECT macros of tap.h do.
 */
#ifndef SGTOOL_TESTS_EXPECT_REQ_H
#define SGTOOL_TESTS_EXPECT_REQ_H

#include <arpa/inet.h>
#include <string.h>

#include "fake_kernel.h"
#include "nl.h"
#include "tap.h"

#define ATTR(type)	fake_req_attr(type, 0)
/* The attribute @type in the nest @nest (an attribute of the request). */
#define IN(nest, type)	fake_nested(nest, type)

/* The types got_[] (-1 ended) are exactly the list. */
#define EXPECT_TYPE_LIST(got_, ...)					\
	do {								\
		static const int want_[] = { __VA_ARGS__, -1 };		\
									\
		for (unsigned int i_ = 0; ; i_++) {			\
			EXPECT_INT(got_[i_], want_[i_]);		\
			if (want_[i_] < 0)				\
				break;					\
		}							\
	} while (0)

/* The request's attribute types, in order, are exactly the list. */
#define EXPECT_TYPES(...)						\
	do {								\
		int got_[32];						\
									\
		fake_req_types(got_, 32);				\
		EXPECT_TYPE_LIST(got_, __VA_ARGS__);			\
	} while (0)

/* The attribute types in @nest, in order, are exactly the list. */
#define EXPECT_NEST_TYPES(nest, ...)					\
	do {								\
		int got_[32];						\
									\
		fake_nest_types(nest, got_, 32);			\
		EXPECT_TYPE_LIST(got_, __VA_ARGS__);			\
	} while (0)

#define EXPECT_U8(a, v)							\
	do {								\
		uint8_t x_;						\
		EXPECT_INT(nl_attr_u8(a, &x_), 0);			\
		EXPECT_INT(x_, v);					\
	} while (0)
#define EXPECT_U16(a, v)						\
	do {								\
		uint16_t x_;						\
		EXPECT_INT(nl_attr_u16(a, &x_), 0);			\
		EXPECT_INT(x_, v);					\
	} while (0)
#define EXPECT_U32(a, v)						\
	do {								\
		uint32_t x_;						\
		EXPECT_INT(nl_attr_u32(a, &x_), 0);			\
		EXPECT_INT(x_, v);					\
	} while (0)
#define EXPECT_ATTR_STR(a, v) EXPECT_STR(nl_attr_str(a), v)

/* An IPv4 attribute: 4 bytes, network order. */
#define EXPECT_IN4(a, text)						\
	do {								\
		struct in_addr a4_;					\
		EXPECT((a) != NULL);					\
		EXPECT_INT(mnl_attr_get_payload_len(a), 4);		\
		inet_pton(AF_INET, text, &a4_);				\
		EXPECT(!memcmp(mnl_attr_get_payload(a), &a4_, 4));	\
	} while (0)
#define EXPECT_IN6(a, text)						\
	do {								\
		struct in6_addr a6_;					\
		EXPECT((a) != NULL);					\
		EXPECT_INT(mnl_attr_get_payload_len(a), 16);		\
		inet_pton(AF_INET6, text, &a6_);				\
		EXPECT(!memcmp(mnl_attr_get_payload(a), &a6_, 16));	\
	} while (0)

/* Last request: @cmd, a "do" that wants an ack. */
#define EXPECT_DO(cmd)							\
	do {								\
		EXPECT_INT(fake_req_cmd(), cmd);			\
		EXPECT_INT(fake_req_flags(), NLM_F_REQUEST | NLM_F_ACK); \
	} while (0)
#define EXPECT_DUMP(cmd)						\
	do {								\
		EXPECT_INT(fake_req_cmd(), cmd);			\
		EXPECT_INT(fake_req_flags(), NLM_F_REQUEST | NLM_F_DUMP); \
	} while (0)

#endif /* SGTOOL_TESTS_EXPECT_REQ_H */
