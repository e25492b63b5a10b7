/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small, named helpers for what differs between the kernels sgfw supports
 * (Debian's 6.1 and 6.12).  Each is written once here, so the code that
 * uses it has no #ifdef.
 */
#ifndef _SGFW_COMPAT_H
#define _SGFW_COMPAT_H

#include <linux/netlink.h>

/*
 * sgfw_err_fmt() - set a formatted extack message.
 *
 * NL_SET_ERR_MSG_FMT_MOD() appeared in 6.2 together with the buffer in the
 * extack it formats into.  On 6.1 the message is @plain, the same sentence
 * without its variable part.
 */
#ifdef NL_SET_ERR_MSG_FMT_MOD
#define sgfw_err_fmt(extack, plain, fmt, args...) do {		\
	(void)(plain);							\
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##args);			\
} while (0)
#else
#define sgfw_err_fmt(extack, plain, fmt, args...) do {		\
	/* Checks the format and uses the arguments; compiled out. */	\
	if (0)								\
		(void)snprintf(NULL, 0, fmt, ##args);			\
	NL_SET_ERR_MSG_MOD(extack, plain);				\
} while (0)
#endif

#endif /* _SGFW_COMPAT_H */
