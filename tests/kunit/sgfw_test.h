/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the sgfw_* KUnit suites (one file per area in
 * tests/kunit/, all linked into sgfw_test.o by Kbuild).
 */
#ifndef _SGFW_TEST_H
#define _SGFW_TEST_H

struct kunit;
struct net;
struct net_device;

struct net *sgfw_test_net_new(struct kunit *test);
struct net_device *sgfw_test_netdev_new(struct kunit *test, struct net *net,
					const char *name);
void sgfw_test_netdev_unregister(struct kunit *test, struct net_device *dev);

/*
 * From net/core/dev.h, which is private to net/core: the suites are built
 * into the kernel (scripts/kunit.sh), where they can call it.
 */
int dev_change_name(struct net_device *dev, const char *newname);

#endif /* _SGFW_TEST_H */
