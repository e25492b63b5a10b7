/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test harness with no framework: one "ok N - name" or "not ok N - name"
 * line per test, "# " lines for diagnostics, the plan at the end.
 *
 * A test is a function returning 0 on success; the EXPECT macros print
 * what differed and return -1.  A suite is a function that calls
 * tap_test() for each of its tests; tests.h lists the suites.
 */
#ifndef SGTOOL_TESTS_TAP_H
#define SGTOOL_TESTS_TAP_H

#include <stdbool.h>
#include <string.h>

void tap_test(const char *name, int (*fn)(void));
/* A test that cannot run here: reported as "not ok ... # SKIP why". */
void tap_skip(const char *name, const char *why);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print @s as a C string literal in a diagnostic line. */
void tap_diag_str(const char *label, const char *s);
/* Print the plan; return the exit status of the runner. */
int tap_done(void);

#define EXPECT(cond)							\
	do {								\
		if (!(cond)) {						\
			tap_diag("%s:%d: expected %s", __FILE__,	\
				 __LINE__, #cond);			\
			return -1;					\
		}							\
	} while (0)

#define EXPECT_INT(got, want)						\
	do {								\
		long long g_ = (got), w_ = (want);			\
		if (g_ != w_) {						\
			tap_diag("%s:%d: %s is %lld, want %lld",	\
				 __FILE__, __LINE__, #got, g_, w_);	\
			return -1;					\
		}							\
	} while (0)

#define EXPECT_STR(got, want)						\
	do {								\
		const char *g_ = (got), *w_ = (want);			\
		if (!g_ || strcmp(g_, w_)) {				\
			tap_diag("%s:%d: %s differs", __FILE__,	\
				 __LINE__, #got);			\
			tap_diag_str("got: ", g_);			\
			tap_diag_str("want:", w_);			\
			return -1;					\
		}							\
	} while (0)

/*
 * Run one sgtool command line in this process, capturing its output.  The
 * arguments are those after the program name, NULL-terminated.  The result
 * stays valid until the next call.
 */
struct run {
	int status;
	char *out;
	char *err;
};

const struct run *run_sgtool(const char *arg, ...) __attribute__((sentinel));
/* The same with a whole command line, argv[0] the program's name. */
const struct run *run_sgtool_argv(int argc, char **argv);

/* Evaluates @call, a run_sgtool() call, once. */
#define EXPECT_RUN(call, want_status, want_out, want_err)		\
	do {								\
		const struct run *r_ = (call);				\
		EXPECT_INT(r_->status, want_status);			\
		EXPECT_STR(r_->out, want_out);				\
		EXPECT_STR(r_->err, want_err);				\
	} while (0)

#endif /* SGTOOL_TESTS_TAP_H */
