#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/uml.sh [release|build|module]
#
# The debug kernel: User-Mode Linux built from the 6.12 source in the cache
# with tests/uml/config (PREEMPT, KASAN, KMEMLEAK, lockdep, PROVE_RCU,
# DEBUG_PREEMPT, UBSAN, debug objects...), in $SGFW_CACHE/uml-debug, outside
# the repository, so that a second run only rebuilds what changed.
#
# SGFW_UML_FLAVOUR=bench builds the benchmark's kernel instead: no checker,
# nf_tables, conntrack and pktgen (tests/bench/config), in
# $SGFW_CACHE/uml-bench, and sgfw.ko without the race windows.
#
#   build     build the kernel if needed, print its release on stdout
#   module    build, then sgfw.ko for it into build/RELEASE/ (with the
#             race windows of module/debug.h compiled in), print the release
#   release   print the release of the kernel built last
#
# One build at a time per cache (flock).  Environment: SGFW_CACHE,
# SGFW_UML_JOBS (default: the number of CPUs).
set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd -P)
cache=${SGFW_CACHE:-/var/cache/sgfw}
src=$cache/linux-source-6.12
flavour=${SGFW_UML_FLAVOUR:-debug}
case $flavour in
debug)	fragment=$repo/tests/uml/config hooks=1 ;;
bench)	fragment=$repo/tests/bench/config hooks=0 ;;
*)	echo "uml.sh: unknown SGFW_UML_FLAVOUR=$flavour" >&2; exit 1 ;;
esac
build=$cache/uml-$flavour
jobs=${SGFW_UML_JOBS:-$(nproc)}
what=${1:-build}

die() { echo "uml.sh: $*" >&2; exit 1; }

if [ ! -f "$src/Makefile" ]; then
	"$here/deps.sh" >&2 || die "scripts/deps.sh failed"
fi
[ -f "$src/Makefile" ] || die "no kernel source at $src"

kmake() { make -s -C "$src" O="$build" ARCH=um "$@"; }

if [ "$what" = release ]; then
	kmake kernelrelease
	exit 0
fi

mkdir -p "$cache" "$build"
exec 9>"$cache/uml-$flavour.lock"
flock 9

# Configure again when the fragment or the source changed.
src_id=$(ls -d "$src"/.sgfw-unpacked-* 2>/dev/null | head -n1)
key="$src_id $(sha256sum <"$fragment")"
if [ "$(cat "$build/.sgfw-config-key" 2>/dev/null)" != "$key" ]; then
	echo "uml.sh: configuring $build" >&2
	grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$fragment" \
		>"$build/.config" || true
	kmake olddefconfig >&2
	echo "$key" >"$build/.sgfw-config-key"
fi

# Every option asked for must be in the kernel, with the value asked for.
missing=
while IFS= read -r opt; do
	case $opt in
	CONFIG_*=*|"# CONFIG_"*" is not set") ;;
	*) continue ;;
	esac
	grep -qxF "$opt" "$build/.config" || missing="$missing
  $opt"
done <"$fragment"
[ -z "$missing" ] || die "the kernel config lacks:$missing"

echo "uml.sh: building $build (-j$jobs)" >&2
kmake -j"$jobs" all >&2
rel=$(kmake kernelrelease)

if [ "$what" = module ]; then
	echo "uml.sh: building sgfw.ko for $rel" >&2
	make -s -C "$repo" module KERNELRELEASE="$rel" KERNELDIR="$build" \
		KBUILD_OPTS="ARCH=um SGFW_DEBUG_HOOKS=$hooks" >&2
fi
echo "$rel"
