/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One output layer for every command.  A command describes what it prints
 * once, with calls that name each value by its JSON key and by its text
 * format; the mode chosen at start-up decides which of the two is written.
 * The model is iproute2's json_print: a NULL key leaves a value out of the
 * JSON (except inside an array, where values have no keys), a NULL format
 * leaves it out of the text.
 */
#ifndef SGTOOL_PRINT_H
#define SGTOOL_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum print_mode {
	PRINT_TEXT,
	PRINT_JSON,		/* compact JSON, one document per line */
	PRINT_JSON_PRETTY,	/* indented JSON */
};

/* Containers may nest this deep; deeper ones are a bug in the caller. */
#define PRINT_MAX_DEPTH 16

void print_init(FILE *f, enum print_mode mode);
bool print_is_json(void);

void print_open_object(const char *key);
void print_close_object(void);
void print_open_array(const char *key);
void print_close_array(void);

/* @fmt is a printf format taking exactly the one value, or NULL. */
void print_string(const char *key, const char *fmt, const char *value);
void print_u64(const char *key, const char *fmt, uint64_t value);
void print_s64(const char *key, const char *fmt, int64_t value);
void print_bool(const char *key, const char *fmt, bool value);
void print_null(const char *key, const char *fmt);
/*
 * @number is the text of a JSON number ("29.5"), written as it is: for
 * values such as fractions that the integer calls cannot carry.  @fmt
 * takes it as a string.
 */
void print_number(const char *key, const char *fmt, const char *number);

/*
 * A value that has a name or, unknown to this sgtool (a newer kernel's),
 * only a number: @name under @key (text: @fmt, which takes a string), or
 * @value as a number when @name is NULL.
 */
void print_name(const char *key, const char *fmt, const char *name,
		uint64_t value);

/* Text only: free-form text such as headings and separators. */
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Key/value lines: text "key: value" with the values aligned at the column
 * set by print_kv_width() (the longest key of the block, say), JSON a member
 * named key.  Most "show" commands need nothing else.
 */
void print_kv_width(int width);
void print_kv_string(const char *key, const char *value);
void print_kv_u64(const char *key, uint64_t value);

/*
 * Finish the output: close what is still open, end the JSON document with
 * a newline and flush.  Return 0, or -errno when the output could not be
 * written (a full disk, a closed pipe).
 */
int print_end(void);

/*
 * print_end(), then start again in the same mode: for a stream of
 * documents (sgtool monitor), each ended and flushed as it is complete.
 */
int print_next(void);

#endif /* SGTOOL_PRINT_H */
