// SPDX-License-Identifier: GPL-2.0
/*
 * The test harness.  See tap.h.
 */

#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sgtool.h"
#include "tap.h"

static int count;
static int failed;

void tap_test(const char *name, int (*fn)(void))
{
	int ret;

	fflush(stdout);
	ret = fn();
	count++;
	if (ret)
		failed++;
	printf("%sok %d - %s\n", ret ? "not " : "", count, name);
	fflush(stdout);
}

void tap_skip(const char *name, const char *why)
{
	/* A skipped test proves nothing: it counts as a failure. */
	count++;
	failed++;
	printf("not ok %d - %s # SKIP %s\n", count, name, why);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void tap_diag_str(const char *label, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		printf("#   %s NULL\n", label);
		return;
	}
	printf("#   %s \"", label);
	for (; *p; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	puts("\"");
}

static struct run last_run;

static void run_free(void)
{
	free(last_run.out);
	free(last_run.err);
	last_run = (struct run){ 0 };
}

const struct run *run_sgtool(const char *arg, ...)
{
	char *argv[32] = { "sgtool" };
	int argc = 1;
	va_list ap;

	va_start(ap, arg);
	for (; arg && argc < 31; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	argv[argc] = NULL;
	return run_sgtool_argv(argc, argv);
}

const struct run *run_sgtool_argv(int argc, char **argv)
{
	struct run *r = &last_run;
	size_t out_len, err_len;
	FILE *out, *err;

	run_free();
	out = open_memstream(&r->out, &out_len);
	err = open_memstream(&r->err, &err_len);
	if (!out || !err)
		abort();
	sgtool_out = out;
	sgtool_err = err;
	r->status = sgtool_main(argc, argv);
	fclose(out);
	fclose(err);
	sgtool_out = NULL;
	sgtool_err = NULL;
	return r;
}

int tap_done(void)
{
	run_free();
	printf("1..%d\n", count);
	if (failed)
		tap_diag("%d of %d failed", failed, count);
	return failed ? 1 : 0;
}

