/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suites of run_tests, one per file.  A new area (the CIDR, port and
 * protocol parsers, say) is a new test_<area>.c with a suite here and in
 * run_tests.c; the Makefile builds every .c file in tests/.
 */
#ifndef SGTOOL_TESTS_H
#define SGTOOL_TESTS_H

void suite_print(void);
void suite_cli(void);
void suite_nl(void);
void suite_commands(void);
void suite_binary(void);
void suite_parse(void);
void suite_requests(void);
void suite_show(void);
void suite_nacl(void);
void suite_explain(void);
void suite_config(void);
void suite_monitor(void);
void suite_flowlog(void);

#endif /* SGTOOL_TESTS_H */
