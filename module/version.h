/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SGFW_VERSION_H
#define _SGFW_VERSION_H

/* The Makefile passes the version from git; a release tarball uses this. */
#ifndef SGFW_VERSION
#define SGFW_VERSION "0.1.0"
#endif

#endif /* _SGFW_VERSION_H */
