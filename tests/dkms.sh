#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the DKMS package against every supported kernel's headers in a
# scratch DKMS tree (dkms add + build, no install), exactly as `make
# dkms-install` lays the sources out.  One TAP line per kernel.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
scratch=$(mktemp -d /var/tmp/sgfw-dkms.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

mkdir -p "$scratch/src" "$scratch/tree" "$scratch/install"
make -s -C "$repo" dkms-source DKMS_SRC="$scratch/src/sgfw-$ver"

opts="--dkmstree $scratch/tree --sourcetree $scratch/src --installtree $scratch/install"
n=0 fail=0
# shellcheck disable=SC2086
dkms add $opts -m sgfw -v "$ver" >"$scratch/add.log" 2>&1 || {
	cat "$scratch/add.log" | sed 's/^/# /'
	echo "not ok 1 - dkms: add"
	exit 1
}
for k in $("$repo/scripts/kernels.sh"); do
	n=$((n + 1))
	# shellcheck disable=SC2086
	if dkms build $opts -m sgfw -v "$ver" -k "$k" >"$scratch/build.log" 2>&1 &&
	   ls "$scratch/tree/sgfw/$ver/$k"/*/module/sgfw.ko* >/dev/null 2>&1; then
		echo "ok $n - dkms: build for $k"
	else
		sed 's/^/# /' "$scratch/build.log"
		find "$scratch/tree" -name make.log -exec sed 's/^/# /' {} \;
		echo "not ok $n - dkms: build for $k"
		fail=1
	fi
done
exit $fail
