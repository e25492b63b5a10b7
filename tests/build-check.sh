#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the module from scratch for every supported kernel with W=1 (extra
# compiler warnings) and C=1 (sparse).  A kernel passes when the build
# succeeds and prints no warning or error at all.  One TAP line per kernel.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
n=0 fail=0
for k in $("$repo/scripts/kernels.sh"); do
	n=$((n + 1))
	dir=build/wcheck/$k
	log=$(mktemp)
	rm -rf "${repo:?}/$dir"
	if make -C "$repo" module KERNELRELEASE="$k" BUILDDIR="$dir" \
		KBUILD_OPTS="W=1 C=1" >"$log" 2>&1 &&
	   ! grep -qiE 'warning:|error:' "$log" &&
	   [ -f "$repo/$dir/sgfw.ko" ]; then
		echo "ok $n - build: $k with W=1 and sparse, no warnings"
	else
		grep -iE 'warning:|error:' "$log" | sed 's/^/# /' || tail -20 "$log" | sed 's/^/# /'
		echo "not ok $n - build: $k with W=1 and sparse, no warnings"
		fail=1
	fi
	rm -f "$log"
done
exit $fail
