// SPDX-License-Identifier: GPL-2.0
/*
 * The output layer: the same calls in text, JSON and pretty JSON; JSON
 * string escaping; terminal-safe text; key/value alignment.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "print.h"
#include "tap.h"
#include "tests.h"

static char *captured;
static size_t captured_len;
static FILE *capture_file;

static void capture(enum print_mode mode)
{
	free(captured);
	captured = NULL;
	capture_file = open_memstream(&captured, &captured_len);
	if (!capture_file)
		abort();
	print_init(capture_file, mode);
}

/* Finish; return what was printed, or NULL when print_end() failed. */
static const char *captured_output(int *err)
{
	*err = print_end();
	fclose(capture_file);
	return captured;
}

/* Every kind of value and container, as a command would print them. */
static void scene(void)
{
	print_open_object(NULL);
	print_string("name", "name %s\n", "web");
	print_u64("rules", "rules %" PRIu64 "\n", 3);
	print_bool("tracked", "tracked %s\n", true);
	print_null("description", "description %s\n");
	print_s64("delta", "delta %" PRId64 "\n", -5);
	print_u64("max", "max %" PRIu64 "\n", UINT64_MAX);
	print_open_array("ports");
	print_u64(NULL, " %" PRIu64, 22);
	print_u64(NULL, " %" PRIu64, 443);
	print_close_array();
	print_text("\n");
	print_open_object("limits");
	print_u64("ingress", "ingress %" PRIu64 "\n", 60);
	print_close_object();
	print_open_array("empty");
	print_close_array();
	print_open_object("none");
	print_close_object();
	print_open_array("rule_list");
	print_open_object(NULL);
	print_string("proto", "rule %s", "tcp");
	print_u64("port", "/%" PRIu64 "\n", 22);
	print_close_object();
	print_open_object(NULL);
	print_string("proto", "rule %s", "icmp");
	print_text("\n");
	print_close_object();
	print_close_array();
	print_close_object();
}

static int test_scene_json(void)
{
	int err;

	capture(PRINT_JSON);
	scene();
	EXPECT_STR(captured_output(&err),
		   "{\"name\":\"web\",\"rules\":3,\"tracked\":true,"
		   "\"description\":null,\"delta\":-5,"
		   "\"max\":18446744073709551615,\"ports\":[22,443],"
		   "\"limits\":{\"ingress\":60},\"empty\":[],\"none\":{},"
		   "\"rule_list\":[{\"proto\":\"tcp\",\"port\":22},"
		   "{\"proto\":\"icmp\"}]}\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_scene_pretty(void)
{
	int err;

	capture(PRINT_JSON_PRETTY);
	scene();
	EXPECT_STR(captured_output(&err),
		   "{\n"
		   "  \"name\": \"web\",\n"
		   "  \"rules\": 3,\n"
		   "  \"tracked\": true,\n"
		   "  \"description\": null,\n"
		   "  \"delta\": -5,\n"
		   "  \"max\": 18446744073709551615,\n"
		   "  \"ports\": [\n"
		   "    22,\n"
		   "    443\n"
		   "  ],\n"
		   "  \"limits\": {\n"
		   "    \"ingress\": 60\n"
		   "  },\n"
		   "  \"empty\": [],\n"
		   "  \"none\": {},\n"
		   "  \"rule_list\": [\n"
		   "    {\n"
		   "      \"proto\": \"tcp\",\n"
		   "      \"port\": 22\n"
		   "    },\n"
		   "    {\n"
		   "      \"proto\": \"icmp\"\n"
		   "    }\n"
		   "  ]\n"
		   "}\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_scene_text(void)
{
	int err;

	capture(PRINT_TEXT);
	scene();
	EXPECT_STR(captured_output(&err),
		   "name web\n"
		   "rules 3\n"
		   "tracked true\n"
		   "description none\n"
		   "delta -5\n"
		   "max 18446744073709551615\n"
		   " 22 443\n"
		   "ingress 60\n"
		   "rule tcp/22\n"
		   "rule icmp\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_json_escapes_controls(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_object(NULL);
	print_string("k\"ey\\", NULL, "q\"b\\s/\n\t\r\b\f\x01\x1f\x7f.");
	print_close_object();
	EXPECT_STR(captured_output(&err),
		   "{\"k\\\"ey\\\\\":\"q\\\"b\\\\s/\\n\\t\\r\\b\\f"
		   "\\u0001\\u001f\\u007f.\"}\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_json_keeps_utf8(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_array(NULL);
	/* Two, three and four bytes, and the last code point. */
	print_string(NULL, NULL, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
		     "\xf4\x8f\xbf\xbf");
	print_close_array();
	EXPECT_STR(captured_output(&err),
		   "[\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
		   "\xf4\x8f\xbf\xbf\"]\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_json_replaces_bad_utf8(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_array(NULL);
	print_string(NULL, NULL, "a\xff" "b");		/* not a lead byte */
	print_string(NULL, NULL, "\xc0\xaf");		/* overlong '/' */
	print_string(NULL, NULL, "\xed\xa0\x80");	/* a surrogate */
	print_string(NULL, NULL, "\xe2\x82" "end");	/* cut short */
	print_string(NULL, NULL, "\xf4\x90\x80\x80");	/* past U+10FFFF */
	print_close_array();
	EXPECT_STR(captured_output(&err),
		   "[\"a\\ufffdb\",\"\\ufffd\\ufffd\","
		   "\"\\ufffd\\ufffd\\ufffd\",\"\\ufffd\\ufffdend\","
		   "\"\\ufffd\\ufffd\\ufffd\\ufffd\"]\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_text_escapes_terminal_controls(void)
{
	int err;

	capture(PRINT_TEXT);
	print_kv_string("description", "evil\x1b[31mred\n\xc2\x9b" "caf\xc3\xa9");
	print_string("x", "[%s]\n", "tab\there\x7f");
	EXPECT_STR(captured_output(&err),
		   "description: evil\\x1b[31mred\\x0a\\xc2\\x9bcaf\xc3\xa9\n"
		   "[tab\\x09here\\x7f]\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_kv_aligned_in_text_members_in_json(void)
{
	int err;

	capture(PRINT_TEXT);
	print_open_object(NULL);
	print_kv_width(6);
	print_kv_string("tool", "1.0");
	print_kv_u64("module", 2);
	print_open_object("nested");
	print_kv_u64("deep", 3);
	print_close_object();
	print_close_object();
	EXPECT_STR(captured_output(&err),
		   "tool:   1.0\n"
		   "module: 2\n"
		   "  deep:   3\n");
	EXPECT_INT(err, 0);

	capture(PRINT_JSON);
	print_open_object(NULL);
	print_kv_width(6);
	print_kv_string("tool", "1.0");
	print_kv_u64("module", 2);
	print_close_object();
	EXPECT_STR(captured_output(&err), "{\"tool\":\"1.0\",\"module\":2}\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_keyless_and_formatless_values_are_left_out(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_object(NULL);
	print_string(NULL, "text only %s\n", "a");
	print_string("json_only", NULL, "b");
	/* A keyless container in an object: left out with its contents. */
	print_open_object(NULL);
	print_u64("hidden", NULL, 1);
	print_close_object();
	print_close_object();
	EXPECT_STR(captured_output(&err), "{\"json_only\":\"b\"}\n");
	EXPECT_INT(err, 0);

	capture(PRINT_TEXT);
	print_open_object(NULL);
	print_string(NULL, "text only %s\n", "a");
	print_string("json_only", NULL, "b");
	print_close_object();
	EXPECT_STR(captured_output(&err), "text only a\n");
	EXPECT_INT(err, 0);
	return 0;
}

static int test_end_closes_and_separates_documents(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_object(NULL);
	print_u64("a", NULL, 1);
	print_close_object();
	print_open_object(NULL);
	print_open_array("b");
	print_u64(NULL, NULL, 2);
	/* Left open: print_end() closes what is still open. */
	EXPECT_STR(captured_output(&err), "{\"a\":1}\n{\"b\":[2]}\n");
	EXPECT_INT(err, 0);

	capture(PRINT_JSON);
	EXPECT_STR(captured_output(&err), "");
	return 0;
}

static int test_misuse_is_reported(void)
{
	int err;

	capture(PRINT_JSON);
	print_open_object(NULL);
	print_close_array();
	captured_output(&err);
	EXPECT_INT(err, -EINVAL);

	capture(PRINT_JSON);
	for (int i = 0; i <= PRINT_MAX_DEPTH; i++)
		print_open_array(NULL);
	captured_output(&err);
	EXPECT_INT(err, -EOVERFLOW);
	return 0;
}

static int test_write_error_is_reported(void)
{
	FILE *f = fopen("/dev/full", "w");

	EXPECT(f != NULL);
	print_init(f, PRINT_JSON);
	print_open_object(NULL);
	print_string("a", NULL, "b");
	print_close_object();
	EXPECT_INT(print_end(), -ENOSPC);
	fclose(f);
	return 0;
}

void suite_print(void)
{
	tap_test("print: the scene in compact JSON", test_scene_json);
	tap_test("print: the scene in pretty JSON", test_scene_pretty);
	tap_test("print: the scene in text", test_scene_text);
	tap_test("print: JSON escapes quotes, backslashes and controls",
		 test_json_escapes_controls);
	tap_test("print: JSON keeps well-formed UTF-8", test_json_keeps_utf8);
	tap_test("print: JSON replaces malformed UTF-8 with U+FFFD",
		 test_json_replaces_bad_utf8);
	tap_test("print: text escapes terminal control characters",
		 test_text_escapes_terminal_controls);
	tap_test("print: key/value lines aligned in text, members in JSON",
		 test_kv_aligned_in_text_members_in_json);
	tap_test("print: keyless values leave JSON, formatless leave text",
		 test_keyless_and_formatless_values_are_left_out);
	tap_test("print: end closes containers and separates documents",
		 test_end_closes_and_separates_documents);
	tap_test("print: unbalanced or too deep containers are errors",
		 test_misuse_is_reported);
	tap_test("print: a failed write is reported", test_write_error_is_reported);
	free(captured);
	captured = NULL;
}
