#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict over the kernel code (module, UAPI header, KUnit
# suites): one TAP line, failing on any error, warning or check.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
rc=0
out=$(make -s -C "$repo" style 2>&1) || rc=$?
bad=$(printf '%s\n' "$out" | grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' || true)
# checkpatch exits non-zero on any report, and so does make when it is
# missing; --terse prints nothing at all for clean files.
if [ "$rc" = 0 ] && [ -z "$bad" ]; then
	echo "ok 1 - style: checkpatch --strict clean"
else
	printf '%s\n' "${bad:-$out}" | sed 's/^/# /'
	echo "not ok 1 - style: checkpatch --strict clean"
	exit 1
fi
