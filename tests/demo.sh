#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: install what is needed, build sgfw for Debian's 6.12 kernel
# and sgtool, boot that kernel under QEMU with the module loaded, and run
# the narrated session of tests/demo/guest-demo.sh in it.
#
# Environment: SGFW_CACHE (default /var/cache/sgfw), and those of
# tests/qemu/run.sh.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SGFW_CACHE=${SGFW_CACHE:-/var/cache/sgfw}
mkdir -p "$SGFW_CACHE"
buildlog=$SGFW_CACHE/demo-build.log

# step WHAT CMD...: run CMD with its output in the build log, shown only
# if it fails.
step() {
	local what=$1
	shift
	echo "demo: $what"
	if ! "$@" >>"$buildlog" 2>&1; then
		tail -n 40 "$buildlog" >&2
		echo "demo: $what failed; the whole log is $buildlog" >&2
		exit 1
	fi
}

: >"$buildlog"
step "installing the Debian packages sgfw needs (scripts/deps.sh)" scripts/deps.sh
rel=$(scripts/kernels.sh | grep '^6\.12\.' | head -n1)
[ -n "$rel" ] || { echo "demo: no 6.12 kernel in scripts/kernels.sh" >&2; exit 1; }
step "building sgfw.ko for $rel" make module KERNELRELEASE="$rel"
step "building sgtool" make sgtool
echo "demo: booting $rel under QEMU (software emulation: give it a minute)"
exec tests/qemu/run.sh --script tests/demo/guest-demo.sh "$rel"
