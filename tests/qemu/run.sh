#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--script PATH] RELEASE [SCENARIO...]
#
# Boot Debian's kernel RELEASE under QEMU (software emulation) with the host's
# root file system as the guest's (read-only, over 9p), load
# build/RELEASE/sgfw.ko and run the scenarios of tests/scenarios (all of them,
# or those named: "03-traffic-unfiltered", with or without ".sh"), each in
# its own shell; then unload sgfw and check the guest's kernel log.
#
# Prints the guest's TAP lines on stdout ("ok N - RELEASE: SCENARIO"), and
# the output of failed scenarios as "# " lines.  Exits non-zero if any test
# failed, or if the guest did not reach its end marker (a crash, a panic or a
# hang counts as a failure, reported as a "not ok" line of its own).
#
# --script PATH   run one script instead of the scenarios, with its output
#                 shown as is (demonstrations); the end checks still run.
#
# Environment:
#   SGFW_CACHE              cache directory (default /var/cache/sgfw); the
#                           initramfs and the console logs go to its qemu/
#   SGFW_QEMU_TIMEOUT       seconds before the whole guest is killed (2400)
#   SGFW_SCENARIO_TIMEOUT   seconds each scenario may take (300)
#   SGFW_QEMU_MEM           guest memory in MiB (1024)
#   SGFW_QEMU_SMP           guest CPUs (1)
#   SGFW_QEMU_LOGLEVEL      guest console log level (3: only critical kernel
#                           messages reach the console; all of them are in
#                           the log file anyway)
#   SGFW_QEMU_APPEND        more kernel parameters (e.g. mitigations=off,
#                           about 10% faster under emulation)
#   V=1                     show the whole console, and every scenario's
#                           output, not only the failures'
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${SGFW_CACHE:-/var/cache/sgfw}
tmo=${SGFW_QEMU_TIMEOUT:-2400}
scen_tmo=${SGFW_SCENARIO_TIMEOUT:-300}
mem=${SGFW_QEMU_MEM:-1024}
smp=${SGFW_QEMU_SMP:-1}
loglevel=${SGFW_QEMU_LOGLEVEL:-3}
verbose=${V:-0}

usage() {
	echo "usage: $0 [--script PATH] RELEASE [SCENARIO...]" >&2
	exit 2
}
die() { echo "run.sh: $*" >&2; exit 1; }

script=
while [ $# -gt 0 ]; do
	case $1 in
	--script)	[ $# -ge 2 ] || usage; script=$2; shift 2 ;;
	--script=*)	script=${1#*=}; shift ;;
	-h|--help)	usage ;;
	--)		shift; break ;;
	-*)		usage ;;
	*)		break ;;
	esac
done
[ $# -ge 1 ] || usage
rel=$1
shift

case $cache in
/*) ;;
*) cache=$PWD/$cache ;;
esac

# The kernel command line is split on blanks: refuse paths it would mangle.
plain_path() {
	case $1 in
	*[!A-Za-z0-9_./+-]*) die "unsupported characters in path '$1'" ;;
	esac
}

mode="test"
tests=
if [ -n "$script" ]; then
	[ $# -eq 0 ] || die "--script takes no scenarios"
	[ -f "$script" ] || die "no such script: $script"
	script=$(realpath "$script")
	plain_path "$script"
	mode=script
else
	for s in "$@"; do
		s=$(basename "$s" .sh)
		[ -f "$repo/tests/scenarios/$s.sh" ] ||
			die "no such scenario: $repo/tests/scenarios/$s.sh"
		tests=${tests:+$tests,}$s
	done
fi
plain_path "$repo"
plain_path "$cache"

kernel=/boot/vmlinuz-$rel
[ -r "$kernel" ] || die "cannot read $kernel (is linux-image-$rel installed?)"
command -v qemu-system-x86_64 >/dev/null ||
	die "no qemu-system-x86_64 (apt-get install qemu-system-x86)"

if [ ! -f "$repo/build/$rel/sgfw.ko" ]; then
	echo "not ok 1 - $rel: insmod sgfw # $repo/build/$rel/sgfw.ko is missing"
	die "build it first: make module KERNELRELEASE=$rel"
fi

initrd=$("$here/mkinitramfs.sh" "$rel")

logdir=$cache/qemu/log
mkdir -p "$logdir"
log=$logdir/$rel-$(date +%Y%m%d-%H%M%S)-$$.log
# Keep the last 20 logs of each release.
ls -t "$logdir/$rel-"*.log 2>/dev/null | tail -n +20 | xargs -r rm -f

cmdline="console=ttyS0 loglevel=$loglevel panic=-1 oops=panic edd=off"
# Without KVM a guest's CPU is a host thread that a busy host may not run
# for a while: once the boot's W+X page-table walk (debug_checkwx) was
# reported as a 23 s soft lockup, before sgfw was loaded.  The watchdogs
# report only what stalls a minute (soft lockup: twice watchdog_thresh).
cmdline="$cmdline watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
cmdline="$cmdline sgfw_repo=$repo sgfw_cache=$cache sgfw_mode=$mode"
cmdline="$cmdline sgfw_timeout=$scen_tmo sgfw_verbose=$verbose"
[ -n "${SGFW_QEMU_APPEND:-}" ] && cmdline="$cmdline $SGFW_QEMU_APPEND"
[ -n "$tests" ] && cmdline="$cmdline sgfw_tests=$tests"
[ -n "$script" ] && cmdline="$cmdline sgfw_script=$script"

# Only lines the guest means for the reader reach stdout; the whole console,
# cleaned of carriage returns and terminal escapes, goes to the log.  The
# guest's kernel log dump is only ever kept in the log.
filter='
{
	gsub(/\r/, "")
	gsub(/\033\[[0-9;?]*[A-Za-z]/, "")
	gsub(/\033c/, "")
	print > logf
	fflush(logf)
}
/^sgfw-guest: dmesg begin/	{ in_dmesg = 1; next }
/^sgfw-guest: dmesg end/	{ in_dmesg = 0; next }
in_dmesg			{ next }
/^sgfw-guest: script begin/	{ in_script = 1; next }
/^sgfw-guest: script end/	{ in_script = 0; next }
in_script || verbose == 1	{ print; fflush(); next }
/^(not )?ok [0-9]+ |^# |^1\.\.[0-9]+$/	{ print; fflush(); next }
/sgfw-initramfs:|Kernel panic|BUG:|Oops|WARNING:/	{ print "# " $0; fflush() }
'

: >"$log"
start=$(date +%s)
set +e
timeout -k 10 "$tmo" qemu-system-x86_64 \
	-accel tcg -m "$mem" -smp "$smp" \
	-nographic -nodefaults -no-reboot -serial stdio -monitor none \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	</dev/null 2>&1 |
	awk -v logf="$log" -v verbose="$verbose" "$filter"
status=("${PIPESTATUS[@]}")
set -e
elapsed=$(($(date +%s) - start))

# The verdict comes from the log, not from QEMU's exit status: a panicking
# guest exits QEMU as cleanly as one that powered off.
nok=$(grep -c '^ok [0-9]' "$log" || true)
nfail=$(grep -c '^not ok [0-9]' "$log" || true)
plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n1)
last=$(sed -n 's/^\(not \)\{0,1\}ok \([0-9][0-9]*\) .*/\2/p' "$log" | tail -n1)
next=$((${last:-0} + 1))
problem=
if [ "${status[0]}" -eq 124 ] || [ "${status[0]}" -eq 137 ]; then
	problem="guest killed after ${tmo}s (SGFW_QEMU_TIMEOUT)"
elif ! grep -q '^sgfw-guest: done' "$log"; then
	problem="guest stopped before its end marker (crash, panic or QEMU error)"
elif [ -z "$plan" ] || [ "$plan" -ne $((nok + nfail)) ]; then
	problem="guest planned ${plan:-no} tests but reported $((nok + nfail))"
fi
if [ -n "$problem" ]; then
	echo "not ok $next - $rel: guest finished # $problem"
	nfail=$((nfail + 1))
	echo "# last lines of the console:"
	grep -v '^sgfw-guest: dmesg' "$log" | tail -n 40 | sed 's/^/#   /'
elif [ "$nfail" -gt 0 ]; then
	echo "# last lines of the guest kernel log:"
	sed -n '/^sgfw-guest: dmesg begin/,/^sgfw-guest: dmesg end/p' "$log" |
		grep -v '^sgfw-guest: dmesg' | tail -n 25 | sed 's/^/#   /'
fi

echo "run.sh: $rel: $nok passed, $nfail failed, ${elapsed}s; console log: $log" >&2
[ "$nfail" -eq 0 ]
