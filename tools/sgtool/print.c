// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output from the same calls.  See print.h.
 *
 * The JSON writer keeps a stack of open containers so that it can put the
 * commas and, in pretty mode, the line breaks and indentation; the text
 * writer keeps the same stack only to indent nested key/value lines.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "print.h"

struct print_level {
	bool is_array;
	bool has_items;
	/* Left out of the JSON: an object or array opened without a key. */
	bool skip;
};

static struct {
	FILE *f;
	enum print_mode mode;
	int depth;
	/* levels[0] is the top level, outside any container. */
	struct print_level levels[PRINT_MAX_DEPTH + 1];
	int kv_width;
	int error;
} ps = { .mode = PRINT_TEXT };

void print_init(FILE *f, enum print_mode mode)
{
	memset(&ps, 0, sizeof(ps));
	ps.f = f;
	ps.mode = mode;
}

bool print_is_json(void)
{
	return ps.mode != PRINT_TEXT;
}

static bool pretty(void)
{
	return ps.mode == PRINT_JSON_PRETTY;
}

static void indent(int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", ps.f);
}

/*
 * Length of the well-formed UTF-8 sequence at @s, or 0 when @s does not
 * start one (a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF or a sequence cut short, by a NUL among others).
 */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		/* A NUL fails here too, so nothing past it is read. */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Write @s as a JSON string.  Strings from the kernel (descriptions, names)
 * are arbitrary bytes: control characters are escaped, and bytes that are
 * not UTF-8 become U+FFFD so that the document stays valid JSON.
 */
static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', ps.f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", ps.f);
			break;
		case '\\':
			fputs("\\\\", ps.f);
			break;
		case '\b':
			fputs("\\b", ps.f);
			break;
		case '\f':
			fputs("\\f", ps.f);
			break;
		case '\n':
			fputs("\\n", ps.f);
			break;
		case '\r':
			fputs("\\r", ps.f);
			break;
		case '\t':
			fputs("\\t", ps.f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(ps.f, "\\u%04x", *s);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputs("\\ufffd", ps.f);
				break;
			}
			fwrite(s, 1, n, ps.f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', ps.f);
}

/*
 * A copy of @str that is safe to put on a terminal: C0 and C1 control
 * characters and DEL become \xNN, so that a description set by someone
 * else cannot move the cursor or change the terminal's settings.
 * Return NULL when out of memory.
 */
static char *text_sanitize(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char *out = malloc(strlen(str) * 4 + 1);
	char *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s < 0x20 || *s == 0x7f) {
			p += sprintf(p, "\\x%02x", *s);
		} else if (*s == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
			p += sprintf(p, "\\x%02x\\x%02x", s[0], s[1]);
			s++;
		} else {
			*p++ = (char)*s;
		}
	}
	*p = '\0';
	return out;
}

/*
 * Start a value in the JSON: the separator, the indentation and the key.
 * Return false when the value is to be left out.
 */
static bool json_member(const char *key)
{
	struct print_level *l = &ps.levels[ps.depth];

	if (l->skip)
		return false;
	if (ps.depth == 0) {
		/* Several documents: one per line, as `ip -j monitor` does. */
		if (l->has_items)
			fputc('\n', ps.f);
		l->has_items = true;
		return true;
	}
	if (!l->is_array && !key)
		return false;
	if (l->has_items)
		fputc(',', ps.f);
	l->has_items = true;
	if (pretty()) {
		fputc('\n', ps.f);
		indent(ps.depth);
	}
	if (!l->is_array) {
		json_string(key);
		fputs(pretty() ? ": " : ":", ps.f);
	}
	return true;
}

static void open_container(const char *key, bool is_array)
{
	bool skip = true;

	if (ps.depth == PRINT_MAX_DEPTH) {
		ps.error = -EOVERFLOW;
		return;
	}
	if (print_is_json()) {
		skip = !json_member(key);
		if (!skip)
			fputc(is_array ? '[' : '{', ps.f);
	}
	ps.depth++;
	ps.levels[ps.depth] = (struct print_level){
		.is_array = is_array,
		.skip = skip,
	};
}

static void close_container(bool is_array)
{
	struct print_level *l = &ps.levels[ps.depth];

	if (ps.depth == 0 || l->is_array != is_array) {
		ps.error = -EINVAL;
		return;
	}
	if (print_is_json() && !l->skip) {
		if (l->has_items && pretty()) {
			fputc('\n', ps.f);
			indent(ps.depth - 1);
		}
		fputc(is_array ? ']' : '}', ps.f);
	}
	ps.depth--;
}

void print_open_object(const char *key)
{
	open_container(key, false);
}

void print_close_object(void)
{
	close_container(false);
}

void print_open_array(const char *key)
{
	open_container(key, true);
}

void print_close_array(void)
{
	close_container(true);
}

void print_string(const char *key, const char *fmt, const char *value)
{
	char *safe;

	if (print_is_json()) {
		if (json_member(key))
			json_string(value);
		return;
	}
	if (!fmt)
		return;
	safe = text_sanitize(value);
	if (!safe) {
		ps.error = -ENOMEM;
		return;
	}
	fprintf(ps.f, fmt, safe);
	free(safe);
}

void print_u64(const char *key, const char *fmt, uint64_t value)
{
	if (print_is_json()) {
		if (json_member(key))
			fprintf(ps.f, "%" PRIu64, value);
	} else if (fmt) {
		fprintf(ps.f, fmt, value);
	}
}

void print_s64(const char *key, const char *fmt, int64_t value)
{
	if (print_is_json()) {
		if (json_member(key))
			fprintf(ps.f, "%" PRId64, value);
	} else if (fmt) {
		fprintf(ps.f, fmt, value);
	}
}

void print_bool(const char *key, const char *fmt, bool value)
{
	const char *s = value ? "true" : "false";

	if (print_is_json()) {
		if (json_member(key))
			fputs(s, ps.f);
	} else if (fmt) {
		fprintf(ps.f, fmt, s);
	}
}

void print_null(const char *key, const char *fmt)
{
	if (print_is_json()) {
		if (json_member(key))
			fputs("null", ps.f);
	} else if (fmt) {
		fprintf(ps.f, fmt, "none");
	}
}

void print_number(const char *key, const char *fmt, const char *number)
{
	if (print_is_json()) {
		if (json_member(key))
			fputs(number, ps.f);
	} else if (fmt) {
		fprintf(ps.f, fmt, number);
	}
}

void print_name(const char *key, const char *fmt, const char *name,
		uint64_t value)
{
	char number[24];

	if (name) {
		print_string(key, fmt, name);
		return;
	}
	snprintf(number, sizeof(number), "%" PRIu64, value);
	print_number(key, fmt, number);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (print_is_json())
		return;
	va_start(ap, fmt);
	vfprintf(ps.f, fmt, ap);
	va_end(ap);
}

void print_kv_width(int width)
{
	ps.kv_width = width;
}

/* The text half of a key/value line; @value is already safe to print. */
static void text_kv(const char *key, const char *value)
{
	int pad = ps.kv_width - (int)strlen(key);

	/* Lines inside the top-level object are not indented. */
	indent(ps.depth > 1 ? ps.depth - 1 : 0);
	fprintf(ps.f, "%s:%*s %s\n", key, pad > 0 ? pad : 0, "", value);
}

void print_kv_string(const char *key, const char *value)
{
	char *safe;

	if (print_is_json()) {
		print_string(key, NULL, value);
		return;
	}
	safe = text_sanitize(value);
	if (!safe) {
		ps.error = -ENOMEM;
		return;
	}
	text_kv(key, safe);
	free(safe);
}

void print_kv_u64(const char *key, uint64_t value)
{
	char buf[24];

	if (print_is_json()) {
		print_u64(key, NULL, value);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	text_kv(key, buf);
}

int print_end(void)
{
	int err = ps.error;

	while (ps.depth > 0)
		close_container(ps.levels[ps.depth].is_array);
	if (print_is_json() && ps.levels[0].has_items)
		fputc('\n', ps.f);
	errno = 0;
	if (fflush(ps.f) == EOF || ferror(ps.f))
		err = errno ? -errno : -EIO;
	return err;
}

int print_next(void)
{
	enum print_mode mode = ps.mode;
	FILE *f = ps.f;
	int err = print_end();

	print_init(f, mode);
	return err;
}
