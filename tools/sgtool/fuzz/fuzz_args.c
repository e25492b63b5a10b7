// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: sgtool's whole command path, from argv to the request
 * "sent", against the scripted kernel of the unit tests (tests/fake_kernel.c)
 * so that nothing real is contacted.
 *
 * Input: words separated by NUL or newline bytes, one argv word each; a
 * separator at the very end of the input ends the last word and does not
 * start an empty one (so a seed file is one word a line, as it reads),
 * two separators in a row make an empty word.  Inputs of more than
 * MAX_WORDS words or with a word longer than MAX_WORD bytes are not run.
 *
 * Leading words that start with '@' and are known below tell the fake
 * kernel how to behave for this input; they are not passed to sgtool (no
 * sgtool command line starts with '@', so nothing is lost):
 *
 *	@unloaded	the sgfw family is not registered
 *	@error		every sgfw request fails, with an extended ack
 *			(a message and the offset of its last attribute)
 *	@warn		every success carries a warning (extack message)
 *	@noreply	sgfw requests get no answer at all (recv fails)
 *	@status-error	SGFW_CMD_STATUS fails with EPERM and a message
 *
 * By default the module is "loaded" and every request succeeds: dumps end
 * at once (nothing to list), the requests whose reply is an object
 * (sg add, rule add, show NAME, explain) get their own attributes back,
 * with the id the kernel would add (explain: a verdict), so that the
 * output code runs on what was parsed.
 *
 * Invariants checked after each run (a failure aborts, as a crash would):
 * the exit status is 0, 1 or 2, and every socket opened was closed.
 * LeakSanitizer checks that each run freed what it allocated.
 *
 * SGTOOL_FUZZ_VERBOSE=1 in the environment sends sgtool's output to
 * stdout and stderr (instead of /dev/null) and prints each argv: for
 * replaying one input, `./fuzz_args crash-...`.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sgfw.h>

#include "fake_kernel.h"
#include "nl.h"
#include "print.h"
#include "sgtool.h"

#define MAX_WORDS	64
#define MAX_WORD	4096

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink_out, *sink_err;
static int verbose;

/* What the fake kernel does for this input (the '@' words). */
static struct {
	int error;
	int warn;
	int noreply;
} mode;

/*
 * -n NETNS: sgtool's netns_enter() (netns.c, fuzzed as it is) checks the
 * name, opens /run/netns/NAME read-only and calls setns(2).  This
 * definition of setns() is the executable's own, so the call in netns.c
 * is bound to it at link time and never reaches the C library: the
 * fuzzer cannot leave its network namespace whatever the input.
 * Pretending success lets the command go on to the fake transport.
 * LLVMFuzzerInitialize() checks that the stub is what gets called, and
 * tests/sgtool-fuzz.sh that the binary defines setns.
 */
static unsigned long setns_calls;

int setns(int fd, int nstype)
{
	(void)fd;
	(void)nstype;
	setns_calls++;
	return 0;
}

/*
 * Device names: a fixed set instead of the host's, so that a run does not
 * depend on the machine (and does no ioctl).  These replace the C
 * library's (and the sanitizer's weak interceptors) in this executable.
 */
static const char *const fake_devs[] = { "lo", "eth0", "eth1", "veth0",
					 "br0" };

unsigned int if_nametoindex(const char *ifname)
{
	if (strlen(ifname) < IF_NAMESIZE)
		for (unsigned int i = 0; i < ARRAY_SIZE(fake_devs); i++)
			if (!strcmp(ifname, fake_devs[i]))
				return i + 1;
	errno = ENODEV;
	return 0;
}

char *if_indextoname(unsigned int ifindex, char *ifname)
{
	if (ifindex < 1 || ifindex > ARRAY_SIZE(fake_devs)) {
		errno = ENXIO;
		return NULL;
	}
	snprintf(ifname, IF_NAMESIZE, "%s", fake_devs[ifindex - 1]);
	return ifname;
}

/* Offset, from the request's nlmsghdr, of its last top-level attribute. */
static uint32_t last_attr_offset(const struct nlmsghdr *req)
{
	const struct nlattr *a;
	uint32_t off = 0;

	mnl_attr_for_each(a, req, GENL_HDRLEN)
		off = (uint32_t)((const char *)a - (const char *)req);
	return off;
}

/*
 * Reply with the request's own attributes, plus a u32 attribute @id_type
 * (the id the kernel gives a new object) unless it is 0.
 */
static void echo(const struct nlmsghdr *req, uint8_t cmd, uint16_t id_type)
{
	size_t attrs = req->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	struct nlmsghdr *nlh;

	if (req->nlmsg_len > fake.req_len ||
	    NLMSG_HDRLEN + GENL_HDRLEN + attrs + MNL_ATTR_HDRLEN + 4 >
	    FAKE_BUF_SIZE) {
		fake_put_error(-EMSGSIZE, "fuzz: reply too large");
		return;
	}
	nlh = fake_put_genl(FAKE_FAMILY_ID, 0, cmd);
	memcpy((char *)nlh + nlh->nlmsg_len,
	       (const char *)req + NLMSG_HDRLEN + GENL_HDRLEN, attrs);
	nlh->nlmsg_len += (uint32_t)attrs;
	if (id_type)
		mnl_attr_put_u32(nlh, id_type, 7);
	/* The ack in a recv() of its own, as a large reply would be. */
	fake_flush();
}

/* Every request to sgfw but SGFW_CMD_STATUS, which fake_kernel.c answers. */
static void respond(const struct nlmsghdr *req)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	const char *warning = mode.warn ? "fuzz: a warning" : NULL;
	struct nlmsghdr *nlh;

	if (mode.noreply)
		return;
	if (mode.error) {
		nlh = fake_put_error(-EINVAL, "fuzz: refused");
		if (last_attr_offset(req))
			mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS,
					 last_attr_offset(req));
		return;
	}
	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP) {
		fake_put_done(0, warning);
		return;
	}
	switch (genl->cmd) {
	case SGFW_CMD_SG_NEW:
	case SGFW_CMD_SG_GET:
		echo(req, genl->cmd, SGFW_A_SG_ID);
		break;
	case SGFW_CMD_RULE_NEW:
		echo(req, genl->cmd, SGFW_A_RULE_ID);
		break;
	case SGFW_CMD_EXPLAIN:
		echo(req, genl->cmd, SGFW_A_EXPLAIN_VERDICT);
		break;
	case SGFW_CMD_PL_GET:
	case SGFW_CMD_NACL_GET:
	case SGFW_CMD_IFACE_GET:
		echo(req, genl->cmd, 0);
		break;
	}
	if (req->nlmsg_flags & NLM_F_ACK)
		fake_put_error(0, warning);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("SGTOOL_FUZZ_VERBOSE");

	(void)argc;
	(void)argv;
	verbose = v && *v && strcmp(v, "0");
	if (verbose) {
		sink_out = stdout;
		sink_err = stderr;
	} else {
		sink_out = fopen("/dev/null", "w");
		if (!sink_out) {
			perror("fuzz_args: /dev/null");
			abort();
		}
		sink_err = sink_out;
	}

	/* "sgtool apply -" reads stdin: never the terminal's. */
	if (!freopen("/dev/null", "r", stdin)) {
		perror("fuzz_args: /dev/null");
		abort();
	}

	/* The stub above, not the C library's setns(), must be linked. */
	setns(-1, CLONE_NEWNET);
	if (setns_calls != 1) {
		fputs("fuzz_args: setns() is not the stub\n", stderr);
		abort();
	}
	setns_calls = 0;
	return 0;
}

static void free_words(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(words[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS];
	size_t n = 0, start = 0, first = 0;
	char **argv;
	int argc, status;

	/* Split: NUL and '\n' end a word; a final separator adds nothing. */
	for (size_t i = 0; i <= size; i++) {
		size_t len;

		if (i < size && data[i] != '\0' && data[i] != '\n')
			continue;
		if (i == size && start == size)
			break;
		len = i - start;
		if (n == MAX_WORDS || len > MAX_WORD) {
			free_words(words, n);
			return 0;
		}
		/* Each word its own allocation: ASan sees a read past it. */
		words[n] = malloc(len + 1);
		if (!words[n])
			abort();
		memcpy(words[n], data + start, len);
		words[n][len] = '\0';
		n++;
		start = i + 1;
	}

	fake_install();
	fake.loaded = true;
	fake.respond = respond;
	memset(&mode, 0, sizeof(mode));
	for (; first < n && words[first][0] == '@'; first++) {
		const char *w = words[first];

		if (!strcmp(w, "@unloaded")) {
			fake.loaded = false;
		} else if (!strcmp(w, "@error")) {
			mode.error = 1;
		} else if (!strcmp(w, "@warn")) {
			mode.warn = 1;
		} else if (!strcmp(w, "@noreply")) {
			mode.noreply = 1;
		} else if (!strcmp(w, "@status-error")) {
			fake.status_error = -EPERM;
			fake.status_extack = "fuzz: status refused";
		} else {
			break;
		}
	}

	argc = (int)(n - first) + 1;
	argv = malloc(((size_t)argc + 1) * sizeof(*argv));
	if (!argv)
		abort();
	argv[0] = "sgtool";
	for (size_t i = first; i < n; i++)
		argv[1 + i - first] = words[i];
	argv[argc] = NULL;

	if (verbose) {
		fputs("fuzz_args: argv:", stderr);
		for (int i = 0; i < argc; i++)
			fprintf(stderr, " [%s]", argv[i]);
		fputc('\n', stderr);
	}

	/* Whatever a previous run left: sgtool_main() resets sgtool_opts. */
	print_init(sink_out, PRINT_TEXT);
	sgtool_out = sink_out;
	sgtool_err = sink_err;

	status = sgtool_main(argc, argv);

	fflush(sink_out);
	fflush(sink_err);
	clearerr(sink_out);
	clearerr(sink_err);
	if (verbose)
		fprintf(stderr, "fuzz_args: exit status %d, %u socket(s) "
			"opened, %u closed, %u request(s)\n", status,
			fake.opens, fake.closes, fake.requests);

	if (status != SGTOOL_EXIT_OK && status != SGTOOL_EXIT_USAGE &&
	    status != SGTOOL_EXIT_KERNEL) {
		fprintf(stderr, "fuzz_args: exit status %d\n", status);
		abort();
	}
	if (fake.opens != fake.closes) {
		fprintf(stderr, "fuzz_args: %u socket(s) opened, %u closed\n",
			fake.opens, fake.closes);
		abort();
	}

	/* The fake transport stays installed: no run opens a real socket. */
	free(argv);
	free_words(words, n);
	return 0;
}
