#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run sgfw's KUnit suites (tests/kunit/) on User-Mode Linux with
# the kernel's own kunit.py, from the 6.12 source in the cache, and print
# one TAP line per test case on stdout:
#
#	ok N - kunit: <suite>.<case>	or	not ok N - kunit: <suite>.<case>
#
# A parameterised case is one line, failed if any parameter failed (the
# failed parameters follow as `#` lines).  Extra lines fail the run when the
# build fails, a requested config option is missing, the kernel crashes
# mid-run, no test runs, or the kernel log shows a BUG/WARNING/lockdep/KASAN
# report; see tests/kunit/ktap2tap.py.  kunit.py's own output goes to stderr.
#
# usage: scripts/kunit.sh [kunit.py run options, e.g. 'sgfw_status.*']
#
# The sgfw sources join the cached kernel tree as net/sgfw, a symlink to
# this checkout that is re-pointed on every run (CI builds other clones),
# and the build directory stays in the cache, so a second run only rebuilds
# what changed.  One run at a time per cache: both are shared.
#
# SGFW_KUNIT_ARCH=x86_64 runs the same suites on an x86_64 kernel under
# QEMU with two CPUs instead (TAP lines "kunit-smp: ..."): User-Mode Linux
# has one CPU, where DEBUG_PREEMPT cannot tell a per-CPU access with
# preemption on, and where no two threads of a race case run at once.
#
# Environment: SGFW_CACHE (default /var/cache/sgfw), SGFW_KUNIT_JOBS
# (default 2), SGFW_KUNIT_TIMEOUT (seconds for the boot, default 600),
# SGFW_KUNIT_ARCH (um or x86_64).
set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd -P)
cache=${SGFW_CACHE:-/var/cache/sgfw}
src=$cache/linux-source-6.12
arch=${SGFW_KUNIT_ARCH:-um}
py=/usr/bin/python3
case $arch in
um)
	name=kunit
	build=$cache/kunit-build
	kunitconfig=$repo/tests/kunit/.kunitconfig
	arch_args=()
	;;
x86_64)
	name=kunit-smp
	build=$cache/kunit-build-x86_64
	# The suites' options, and what an SMP x86_64 kernel adds.
	kunitconfig=$(mktemp)
	trap 'rm -f "$kunitconfig"' EXIT
	grep -v UML_ "$repo/tests/kunit/.kunitconfig" |
		cat - "$repo/tests/kunit/smp.kunitconfig" >"$kunitconfig"
	arch_args=(--qemu_args="-smp 2 -m 2048")
	;;
*)
	echo "not ok 1 - kunit: no architecture $arch" && exit 1 ;;
esac
export SGFW_KUNIT_NAME=$name

# Print a failing TAP line and stop.
fail() {
	echo "not ok 1 - $name: $1"
	echo "kunit.sh: $1" >&2
	exit 1
}

for arg in "$@"; do
	case $arg in
	# Each isolated boot overwrites the console log that is parsed here.
	--run_isolated*) fail "--run_isolated is not supported" ;;
	--raw_output*|--json*) fail "$arg: this script parses the log itself" ;;
	esac
done

if [ ! -f "$src/tools/testing/kunit/kunit.py" ]; then
	"$here/deps.sh" >&2 || fail "scripts/deps.sh failed"
fi
[ -f "$src/tools/testing/kunit/kunit.py" ] ||
	fail "no kernel source at $src"

mkdir -p "$cache"
exec 9>"$cache/kunit-$arch.lock"
flock 9

# Join the sgfw sources to the kernel tree.  The Kconfig and Makefile lines
# are added once; the test object needs nothing more, since sgfw's Kbuild
# lists it and CONFIG_SGFW_KUNIT_TEST depends on CONFIG_SGFW.
# Both architectures' runs may start together (make check): one at a time.
(
	flock 8
	ln -sfn "$repo" "$src/net/sgfw"
	grep -qxF 'source "net/sgfw/Kconfig"' "$src/net/Kconfig" ||
		echo 'source "net/sgfw/Kconfig"' >>"$src/net/Kconfig"
	grep -qxF 'obj-$(CONFIG_SGFW) += sgfw/' "$src/net/Makefile" ||
		echo 'obj-$(CONFIG_SGFW) += sgfw/' >>"$src/net/Makefile"
) 8>"$cache/kunit-src.lock"

# Make decides what to rebuild from timestamps, which say nothing when the
# symlink now points at another checkout, or when deps.sh unpacked a newer
# source (tar keeps the old timestamps): then rebuild sgfw, or everything.
mkdir -p "$build"
src_id=$(ls -d "$src"/.sgfw-unpacked-* 2>/dev/null | head -n1)
if [ "$(cat "$build/.sgfw-source" 2>/dev/null)" != "$src_id" ]; then
	echo "kunit.sh: new kernel source, building from scratch" >&2
	rm -rf "$build"
	mkdir -p "$build"
	echo "$src_id" >"$build/.sgfw-source"
fi
if [ "$(cat "$build/.sgfw-repo" 2>/dev/null)" != "$repo" ]; then
	rm -rf "$build/net/sgfw"
	echo "$repo" >"$build/.sgfw-repo"
fi

# kunit.py writes the whole console log of the boot here; parse that, not
# kunit.py's exit status, which can be 0 when tests are missing.
log=$build/test.log
rm -f "$log"
rc=0
PYTHONUNBUFFERED=1 "$py" "$src/tools/testing/kunit/kunit.py" run \
	--kunitconfig="$kunitconfig" \
	--build_dir="$build" \
	--arch="$arch" "${arch_args[@]}" \
	--jobs="${SGFW_KUNIT_JOBS:-2}" \
	--timeout="${SGFW_KUNIT_TIMEOUT:-600}" \
	"$@" 2>&1 | sed -u 's/^/kunit.py: /' >&2 || rc=$?

# Every option the kunitconfig asks for must be in the kernel that ran,
# with the value asked for.
n=0
missing=0
if [ -f "$build/.config" ]; then
	while IFS= read -r opt; do
		case $opt in
		CONFIG_*=*) want=$opt ;;
		"# CONFIG_"*" is not set") want=$opt ;;
		*) continue ;;
		esac
		if ! grep -qxF "$want" "$build/.config"; then
			n=$((n + 1))
			missing=1
			echo "not ok $n - $name: config has $want"
		fi
	done <"$kunitconfig"
fi

if [ ! -f "$log" ]; then
	n=$((n + 1))
	echo "not ok $n - $name: configure or build failed (kunit.py exit $rc)"
	exit 1
fi

prc=0
"$py" "$repo/tests/kunit/ktap2tap.py" "$log" $((n + 1)) >"$build/tap" ||
	prc=$?
cat "$build/tap"
n=$((n + $(grep -cE '^(not )?ok [0-9]+ ' "$build/tap" || true)))

# kunit.py failing while the log shows nothing wrong means the log is not
# telling the whole story: never let that pass.
if [ "$rc" -ne 0 ] && [ "$prc" -eq 0 ]; then
	echo "not ok $((n + 1)) - $name: kunit.py exit $rc, log shows no failure"
	exit 1
fi
[ "$prc" -eq 0 ] && [ "$missing" -eq 0 ]
