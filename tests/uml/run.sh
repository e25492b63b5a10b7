#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [SCENARIO...]
#
# The scenarios of tests/scenarios (all, or those named) on the debug
# kernel: User-Mode Linux built by scripts/uml.sh with KASAN, KMEMLEAK,
# lockdep, PROVE_RCU, debug objects, UBSAN and full preemption, booted with
# the host's root file system as its own (hostfs, read-only) and
# tests/qemu/guest-init.sh as init, exactly as the QEMU guests run them.
# sgfw.ko is the one scripts/uml.sh built for it, with the race windows of
# module/debug.h compiled in.  Any report of a checker fails the run, and
# so does a kmemleak scan after rmmod that finds anything.
#
# Prints the guest's TAP lines ("ok N - RELEASE: SCENARIO"); exits non-zero
# if any failed or the kernel did not reach its end marker.
#
# Environment: SGFW_CACHE, SGFW_UML_TIMEOUT (seconds for the whole run,
# default 2400), SGFW_SCENARIO_TIMEOUT (300), SGFW_UML_MEM (MiB, 2048),
# V=1 (every scenario's output).
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${SGFW_CACHE:-/var/cache/sgfw}
tmo=${SGFW_UML_TIMEOUT:-2400}
scen_tmo=${SGFW_SCENARIO_TIMEOUT:-300}
mem=${SGFW_UML_MEM:-2048}
verbose=${V:-0}
linux=$cache/uml-debug/linux

die() { echo "uml/run.sh: $*" >&2; exit 1; }

[ -x "$linux" ] || die "no $linux: run scripts/uml.sh module first"
rel=$("$repo/scripts/uml.sh" release)
[ -f "$repo/build/$rel/sgfw.ko" ] ||
	die "no build/$rel/sgfw.ko: run scripts/uml.sh module first"

tests=
for s in "$@"; do
	s=$(basename "$s" .sh)
	[ -f "$repo/tests/scenarios/$s.sh" ] || die "no such scenario: $s"
	tests=${tests:+$tests,}$s
done
case $repo$cache in
*[!A-Za-z0-9_./+-]*) die "unsupported characters in $repo or $cache" ;;
esac

logdir=$cache/uml-debug/log
mkdir -p "$logdir"
log=$logdir/$(date +%Y%m%d-%H%M%S)-$$.log
ls -t "$logdir"/*.log 2>/dev/null | tail -n +20 | xargs -r rm -f

args="mem=${mem}M rootfstype=hostfs rootflags=/ ro loglevel=3"
args="$args con0=null,fd:1 con=null"
args="$args init=$repo/tests/qemu/guest-init.sh"
args="$args sgfw_repo=$repo sgfw_cache=$cache sgfw_mode=test"
args="$args sgfw_timeout=$scen_tmo sgfw_verbose=$verbose sgfw_kmemleak=1"
args="$args sgfw_debug=1"
[ -n "$tests" ] && args="$args sgfw_tests=$tests"

start=$(date +%s)
set +e
# shellcheck disable=SC2086 # one argument per word
timeout -k 10 "$tmo" "$linux" $args </dev/null 2>&1 |
	awk -v logf="$log" -v verbose="$verbose" '
	{ gsub(/\r/, ""); print > logf; fflush(logf) }
	/^sgfw-guest: dmesg begin/	{ in_dmesg = 1; next }
	/^sgfw-guest: dmesg end/	{ in_dmesg = 0; next }
	in_dmesg			{ next }
	verbose == 1			{ print; fflush(); next }
	/^(not )?ok [0-9]+ |^# |^1\.\.[0-9]+$/	{ print; fflush() }'
status=("${PIPESTATUS[@]}")
set -e
elapsed=$(($(date +%s) - start))

nok=$(grep -c '^ok [0-9]' "$log" || true)
nfail=$(grep -c '^not ok [0-9]' "$log" || true)
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n1)
last=$(sed -n 's/^\(not \)\{0,1\}ok \([0-9][0-9]*\) .*/\2/p' "$log" | tail -n1)
problem=
if [ "${status[0]}" -eq 124 ] || [ "${status[0]}" -eq 137 ]; then
	problem="killed after ${tmo}s (SGFW_UML_TIMEOUT)"
elif ! grep -q '^sgfw-guest: done' "$log"; then
	problem="stopped before its end marker (crash, panic or oops)"
elif [ -z "$plan" ] || [ "$plan" -ne $((nok + nfail)) ]; then
	problem="planned ${plan:-no} tests but reported $((nok + nfail))"
fi
if [ -n "$problem" ]; then
	echo "not ok $((${last:-0} + 1)) - $rel: kernel finished # $problem"
	nfail=$((nfail + 1))
	echo "# last lines of the console:"
	grep -v '^sgfw-guest: dmesg' "$log" | tail -n 60 | sed 's/^/#   /'
elif [ "$nfail" -gt 0 ]; then
	echo "# last lines of the kernel log:"
	sed -n '/^sgfw-guest: dmesg begin/,/^sgfw-guest: dmesg end/p' "$log" |
		grep -v '^sgfw-guest: dmesg' | tail -n 40 | sed 's/^/#   /'
fi
echo "uml/run.sh: $rel: $nok passed, $nfail failed, ${elapsed}s; log: $log" >&2
[ "$nfail" -eq 0 ]
