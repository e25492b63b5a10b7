#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz sgtool's command line (tools/sgtool/fuzz) for a bounded time: build
# the libFuzzer target with clang, ASan, UBSan and LeakSanitizer into a
# temporary directory, then run it over a copy of its seed corpus with its
# dictionary, for SGTOOL_FUZZ_RUNS runs (1000000) or SGTOOL_FUZZ_TIME
# seconds (120), whichever comes first.  The repository is left as it is.
#
#   ok 1 - sgtool-fuzz: build
#   ok 2 - sgtool-fuzz: N runs, no crash, no leak
#
# A crash, a sanitizer report, a leak, a timeout or running out of memory
# is "not ok 2" with the end of the fuzzer's output and the input that did
# it (in hex, and kept under /var/tmp).  A missing clang or libFuzzer
# runtime is "not ok", never a skip.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
fuzz="$repo/tools/sgtool/fuzz"
runs=${SGTOOL_FUZZ_RUNS:-1000000}
max_time=${SGTOOL_FUZZ_TIME:-120}
clang=${CLANG:-clang}

tmp=$(mktemp -d /var/tmp/sgtool-fuzz.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT PIPE TERM

# not_ok N WHAT LOG: the TAP line, then as diagnostics the start of the
# sanitizer's or libFuzzer's report in LOG (its stack) when the end of LOG
# does not hold it, and the end of LOG.
not_ok() {
	echo "not ok $1 - sgtool-fuzz: $2"
	if [ -n "${3:-}" ] && [ -s "$3" ]; then
		first=$(grep -n -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$3" | cut -d: -f1)
		if [ -n "$first" ] &&
		   [ "$first" -le $(($(wc -l <"$3") - 40)) ]; then
			echo "# the report:"
			tail -n +"$first" "$3" | head -n 40 | sed 's/^/# /'
			echo "# the last 40 lines:"
		fi
		tail -n 40 "$3" | sed 's/^/# /'
	fi
}

# 1: build.
if ! command -v "$clang" >/dev/null 2>&1; then
	not_ok 1 "build: $clang not found (Debian: apt-get install clang libclang-rt-dev)"
	not_ok 2 "not run, no fuzzer"
	exit 1
fi
rt=$("$clang" -print-file-name="libclang_rt.fuzzer-$(uname -m).a")
if [ ! -f "$rt" ]; then
	rt_dir=$("$clang" -print-resource-dir)/lib/linux
	rt="$rt_dir/libclang_rt.fuzzer-$(uname -m).a"
fi
if [ ! -f "$rt" ]; then
	ver=$("$clang" -dumpversion | cut -d. -f1)
	not_ok 1 "build: no libFuzzer runtime for $clang (Debian: apt-get install libclang-rt-dev, or libclang-rt-$ver-dev)"
	not_ok 2 "not run, no fuzzer"
	exit 1
fi
if ! make -s -C "$fuzz" O="$tmp/build" CLANG="$clang" >"$tmp/build.log" 2>&1; then
	not_ok 1 "build: make failed" "$tmp/build.log"
	not_ok 2 "not run, no fuzzer"
	exit 1
fi
# The fuzzer must not be able to switch namespaces: setns() is its own.
if ! nm "$tmp/build/fuzz_args" | grep -q ' T setns$'; then
	not_ok 1 "build: fuzz_args does not define its own setns()"
	not_ok 2 "not run, the fuzzer could enter namespaces"
	exit 1
fi
echo "ok 1 - sgtool-fuzz: build"

# 2: fuzz over a copy of the seeds, which the fuzzer adds its finds to.
cp -R "$fuzz/corpus" "$tmp/corpus"
mkdir "$tmp/artifacts"
log="$tmp/fuzz.log"
start=$(date +%s)
# Without symbolized frames a report says little; UBSan stops at once.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:symbolize=1:print_legend=0} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$tmp/build/fuzz_args" -runs="$runs" -max_total_time="$max_time" \
	-dict="$fuzz/sgtool.dict" -max_len=4096 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$tmp/artifacts/" "$tmp/corpus" >"$log" 2>&1
rc=$?
took=$(($(date +%s) - start))
done_runs=$(sed -n 's/^Done \([0-9][0-9]*\) runs in .*/\1/p' "$log" | tail -n 1)
# After a crash there is no "Done" line: the runs so far, from the stats.
ran=${done_runs:-$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)}

# Did libFuzzer write an input that failed?
artifacts() {
	for a in "$tmp"/artifacts/*; do
		[ -f "$a" ] && return 0
	done
	return 1
}

if [ "$rc" -eq 0 ] && [ -n "$done_runs" ] && ! artifacts; then
	echo "ok 2 - sgtool-fuzz: $done_runs runs, no crash, no leak"
	echo "# sgtool-fuzz: $done_runs runs in $took s, corpus" \
		"$(find "$tmp/corpus" -type f | wc -l) inputs"
	exit 0
fi

if grep -q 'ERROR: LeakSanitizer' "$log"; then
	why="memory leak"
elif grep -q 'ERROR: AddressSanitizer' "$log"; then
	why="AddressSanitizer: $(sed -n 's/.*ERROR: AddressSanitizer: \([^ ]*\).*/\1/p' "$log" | head -n 1)"
elif grep -q 'runtime error:' "$log"; then
	why="UndefinedBehaviorSanitizer: $(grep -m 1 -o 'runtime error: .*' "$log")"
elif grep -q 'ERROR: libFuzzer: timeout' "$log"; then
	why="timeout (an input ran over 10 s)"
elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
	why="out of memory"
elif grep -q 'ERROR: libFuzzer: deadly signal' "$log"; then
	why="crash (deadly signal)"
elif [ -z "$done_runs" ]; then
	why="no \"Done N runs\" line (exit status $rc)"
else
	why="exit status $rc"
fi
not_ok 2 "$why after ${ran:-?} runs" "$log"
for a in "$tmp"/artifacts/*; do
	[ -f "$a" ] || continue
	echo "# reproducer $(basename "$a") ($(wc -c <"$a") bytes, hex):"
	{ od -An -tx1 -v "$a" | tr -d ' \n' | fold -w 64; echo; } |
		sed 's/^/#   /'
done
if artifacts; then
	keep=$(mktemp -d /var/tmp/sgtool-fuzz-artifacts.XXXXXX)
	cp "$tmp"/artifacts/* "$keep/"
	echo "# kept in $keep; replay: SGTOOL_FUZZ_VERBOSE=1 fuzz_args FILE" \
		"(make -C tools/sgtool/fuzz)"
fi
exit 1
