/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the sgfw_* KUnit suites (one file per area in
 * tests/kunit/, all linked into sgfw_test.o by Kbuild).
 */
#ifndef _SGFW_TEST_H
#define _SGFW_TEST_H

struct kunit;
struct net;

struct net *sgfw_test_net_new(struct kunit *test);

#endif /* _SGFW_TEST_H */
