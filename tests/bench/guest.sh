#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's script in its guest (tests/bench/run.sh boots it through
# tests/qemu/guest-init.sh, which loads sgfw first and checks the kernel log
# after).  sgfw_bench=smoke on the kernel command line runs the short
# version; sgfw_bench_only=GROUPS only those groups of figures (bench.py
# --only); sgfw_bench_base=KO another build as a fourth variant (bench.py
# --base-ko).
set -eu
args=
grep -qw sgfw_bench=smoke /proc/cmdline && args=--smoke
only=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^sgfw_bench_only=//p')
[ -n "$only" ] && args="$args --only $only"
base=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^sgfw_bench_base=//p')
[ -n "$base" ] && args="$args --base-ko $base"
# shellcheck disable=SC2086 # a few words, none with spaces
exec "$PYTHON" "$SGFW_REPO/tests/bench/bench.py" $args
