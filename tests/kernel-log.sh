# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034 # splat_re: used by the scripts that source this
#
# Sourced by the checks that end a guest (tests/qemu/guest-init.sh, for
# the QEMU and debug-kernel guests; tests/boot/guest-check.sh, for the
# systemd boots): what says that the kernel has been in trouble.

# Lines of a kernel log that mean the kernel is in trouble.
splat_re='WARNING:|BUG:|Oops|RCU stall|rcu_.*detected stall|suspected memory leak|general protection|refcount_t|INFO: task .* blocked for more than|UBSAN:|KASAN:|Kernel panic'

# The kernel's taint flags B (bad page), D (died), W (warning) and L
# (soft lockup), as a number: 0 when it has none of them.
taint_bad() {
	echo $(($(cat /proc/sys/kernel/tainted) & ((1 << 5) | (1 << 7) | (1 << 9) | (1 << 14))))
}
