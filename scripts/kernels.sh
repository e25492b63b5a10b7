#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel releases sgfw is built and tested against, one per line:
# Debian's current 6.1 LTS and 6.12 LTS kernels for amd64.  The ABI names
# change with every security update, so they are resolved from the package
# metadata (the metapackages' dependencies), never written down.
#
# SGFW_KERNELS="rel1 rel2" overrides the list.
set -eu

if [ -n "${SGFW_KERNELS:-}" ]; then
	for k in $SGFW_KERNELS; do echo "$k"; done
	exit 0
fi

resolve() { # metapackage prefix
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: linux-headers-\($2[^ ]*-amd64\)\$/\1/p" | head -n1
}

k61=$(resolve linux-headers-amd64 '6\.1\.')
k612=$(resolve linux-headers-6.12-amd64 '6\.12\.')
if [ -z "$k61" ] || [ -z "$k612" ]; then
	echo "kernels.sh: cannot resolve Debian's 6.1 and 6.12 kernels (run apt-get update)" >&2
	exit 1
fi
echo "$k61"
echo "$k612"
