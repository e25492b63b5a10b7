#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--smoke] [--only GROUPS] [--base REPO] [--json FILE]
#
# `make bench`: boot the benchmark's kernel (User-Mode Linux built by
# scripts/uml.sh with SGFW_UML_FLAVOUR=bench: nf_tables, conntrack and
# pktgen, no checker; it runs kernel code natively) and run
# tests/bench/bench.py in it: baseline, nftables + conntrack and sgfw, side
# by side in that one boot.  Prints the table; --json FILE also writes the
# figures.  --smoke: one short round (make check runs it so that the bench
# cannot rot; its figures mean nothing), as a TAP line.  --only GROUPS:
# only those groups of figures, comma-separated, of established (with the
# memory figures), new_flow, rules, tcp and expiry: a quicker run for
# comparing two builds on one group (each its own boot: compare the
# ratios, not the figures).  --base REPO: the module of another checkout
# too (built as this one's), as a fourth variant "base" in the same boot
# (bench.py --base-ko): the fairest comparison of two commits, for the
# established and new_flow groups.
#
# Environment: SGFW_CACHE, SGFW_UML_MEM (MiB, 3072).
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${SGFW_CACHE:-/var/cache/sgfw}
mem=${SGFW_UML_MEM:-3072}
smoke=0 only='' base='' json=
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; shift ;;
	--only) only=$2; shift 2 ;;
	--base) base=$(cd "$2" && pwd); shift 2 ;;
	--json) json=$2; shift 2 ;;
	*) echo "usage: $0 [--smoke] [--only GROUPS] [--base REPO] [--json FILE]" >&2; exit 2 ;;
	esac
done
case $only in
*[!a-z_,]*) echo "$0: --only takes group names and commas" >&2; exit 2 ;;
esac

die() { echo "bench/run.sh: $*" >&2; exit 1; }

rel=$(SGFW_UML_FLAVOUR=bench "$repo/scripts/uml.sh" module) ||
	die "building the benchmark's kernel failed"
if [ -n "$base" ]; then
	SGFW_UML_FLAVOUR=bench "$base/scripts/uml.sh" module >/dev/null ||
		die "building $base's module failed"
	[ -f "$base/build/$rel/sgfw.ko" ] || die "no $base/build/$rel/sgfw.ko"
fi
make -s -C "$repo" sgtool >&2 || die "building sgtool failed"
mkdir -p "$repo/build/bench"
${CC:-cc} -O2 -Wall -o "$repo/build/bench/tcpconn" "$here/tcpconn.c" ||
	die "building tcpconn failed"
linux=$cache/uml-bench/linux
case $repo$cache$base in
*[!A-Za-z0-9_./+-]*) die "unsupported characters in $repo or $cache" ;;
esac

logdir=$cache/uml-bench/log
mkdir -p "$logdir"
log=$logdir/$(date +%Y%m%d-%H%M%S)-$$.log
ls -t "$logdir"/*.log 2>/dev/null | tail -n +20 | xargs -r rm -f

# slab_nomerge: sgfw's and conntrack's flow caches keep their own names in
# /proc/slabinfo.
args="mem=${mem}M rootfstype=hostfs rootflags=/ ro loglevel=3 slab_nomerge"
args="$args con0=null,fd:1 con=null"
args="$args init=$repo/tests/qemu/guest-init.sh"
args="$args sgfw_repo=$repo sgfw_cache=$cache sgfw_mode=script"
args="$args sgfw_script=$here/guest.sh sgfw_timeout=1500"
[ $smoke = 1 ] && args="$args sgfw_bench=smoke"
[ -n "$only" ] && args="$args sgfw_bench_only=$only"
[ -n "$base" ] && args="$args sgfw_bench_base=$base/build/$rel/sgfw.ko"

start=$(date +%s)
# On one host CPU: every system call of a guest process is a ptrace stop,
# a switch between two host processes, which costs several times as much
# when the other CPU is idle and has to be woken for it (measured: the
# TCP figure ran at 900 connections a second spread over two idle CPUs,
# 3900 pinned).
cpu=$(($(nproc) - 1))
# shellcheck disable=SC2086 # one argument per word
timeout -k 10 1800 taskset -c $cpu "$linux" $args </dev/null 2>&1 | tr -d '\r' >"$log" || true
elapsed=$(($(date +%s) - start))

# The table (the script's output but the JSON), then the JSON.
sed -n '/^sgfw-guest: script begin/,/^sgfw-guest: script end/p' "$log" |
	sed '1d;$d' | sed '/^bench-json begin/,/^bench-json end/d'
if [ -n "$json" ]; then
	sed -n '/^bench-json begin/,/^bench-json end/p' "$log" | sed '1d;$d' \
		>"$json"
fi
ok=1
grep -q '^ok [0-9]* - .*: script guest.sh' "$log" || ok=0
grep -q '^not ok' "$log" && ok=0
grep -q '^sgfw-guest: done' "$log" || ok=0
grep -q '^bench-json end' "$log" || ok=0
if [ $smoke = 1 ]; then
	if [ $ok = 1 ]; then
		echo "ok 1 - bench: smoke run of every figure in $rel"
	else
		echo "not ok 1 - bench: smoke run of every figure in $rel"
		grep -v '^sgfw-guest: dmesg' "$log" | grep '^not ok\|Error\|Traceback\|rror:' |
			head -n 20 | sed 's/^/#   /'
	fi
fi
echo "bench/run.sh: $rel: ${elapsed}s; log: $log" >&2
[ $ok = 1 ]
