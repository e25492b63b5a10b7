// SPDX-License-Identifier: GPL-2.0
/*
 * A shim for tests/scenarios/71-hard-fail-nth.sh, loaded into sgtool with
 * LD_PRELOAD: the Nth allocation that the kernel may fail for the program
 * (its slab allocations: /proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION
 * and CONFIG_FAILSLAB) fails, counting from the first netlink request the
 * program sends that is not the family's lookup (GENL_ID_CTRL): what
 * sgfw does for the command, and what the program does after.
 *
 *   SGFW_FAIL_NTH=N          the allocation to fail, 1 the first
 *   SGFW_FAIL_NTH_OUT=FILE   written at exit: how many of the N were left
 *                            (0: the Nth came, and failed; N - 1 - K: K
 *                            came, none failed), or "unarmed" when no
 *                            request was sent
 *
 * Built by the scenario: cc -shared -fPIC -o failnth.so failnth.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GENL_ID_CTRL	0x10

static int nth_fd = -1;
static int armed;

/* Arm the count before the first request of the family goes. */
static void arm(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const char *n = getenv("SGFW_FAIL_NTH");

	if (armed || !n || len < sizeof(*nlh) ||
	    nlh->nlmsg_type == GENL_ID_CTRL)
		return;
	armed = 1;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0 || pwrite(nth_fd, n, strlen(n), 0) < 0) {
		perror("failnth: /proc/thread-self/fail-nth");
		_exit(99);
	}
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
			       const struct sockaddr *, socklen_t);

	if (!real)
		real = dlsym(RTLD_NEXT, "sendto");
	arm(buf, len);
	return real(fd, buf, len, flags, to, tolen);
}

__attribute__((destructor)) static void report(void)
{
	const char *out = getenv("SGFW_FAIL_NTH_OUT");
	char left[32] = "unarmed\n";
	ssize_t n;
	FILE *f;

	if (nth_fd >= 0) {
		n = pread(nth_fd, left, sizeof(left) - 1, 0);
		left[n > 0 ? n : 0] = '\0';
		/* Nothing after this may fail by the count. */
		if (pwrite(nth_fd, "0", 1, 0) < 0)
			left[0] = '\0';
	}
	if (!out)
		return;
	f = fopen(out, "w");
	if (f) {
		fputs(left, f);
		fclose(f);
	}
}
