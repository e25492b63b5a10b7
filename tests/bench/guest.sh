#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's script in its guest (tests/bench/run.sh boots it through
# tests/qemu/guest-init.sh, which loads sgfw first and checks the kernel log
# after).  sgfw_bench=smoke on the kernel command line runs the short
# version.
set -eu
args=
grep -qw sgfw_bench=smoke /proc/cmdline && args=--smoke
# shellcheck disable=SC2086 # no argument or one
exec "$PYTHON" "$SGFW_REPO/tests/bench/bench.py" $args
