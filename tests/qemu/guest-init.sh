#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of a test guest, on the host's userland (the host root, read-only over
# 9p, see mkinitramfs.sh).  Its settings come from the kernel command line,
# written by run.sh:
#
#   sgfw_repo=PATH       the repository (build/<release>/sgfw.ko, tests/)
#   sgfw_mode=test       insmod sgfw, run scenarios, print TAP
#   sgfw_mode=script     insmod sgfw, run sgfw_script=PATH with its output
#                        shown as is, then the same end checks
#   sgfw_tests=A,B       scenarios to run (default: all of tests/scenarios)
#   sgfw_timeout=SECS    per-scenario time limit (default 300)
#   sgfw_verbose=1       show every scenario's output, not only failures'
#   sgfw_cache=PATH      $SGFW_CACHE on the host, for the scenarios
#   sgfw_kmemleak=1      the kernel has kmemleak (the debug kernel): a scan
#                        after rmmod must find nothing
#
# Output: one TAP line per check ("ok N - <release>: <what>"), "# " lines of
# diagnostics, the whole kernel log between "sgfw-guest: dmesg begin/end"
# (run.sh keeps it in the log file only), and finally "sgfw-guest: done",
# the marker run.sh requires.  The guest then powers off.
#
# No "set -e": an unexpected failure in PID 1 would panic the kernel and
# lose the report.  Every step checks its own result, and the EXIT trap
# powers off whatever happens.
set -u

poweroff_guest() {
	sync
	echo o >/proc/sysrq-trigger
	# Returning from init would panic the kernel before the power-off
	# work runs.
	while :; do sleep 10; done
}
trap poweroff_guest EXIT

mount_fs() { # type dir [options]
	mountpoint -q "$2" && return 0
	mount -t "$1" ${3:+-o "$3"} "$1" "$2"
}

mount_fs proc /proc
mount_fs sysfs /sys
mount_fs devtmpfs /dev
mkdir -p /dev/pts /dev/shm 2>/dev/null
mount_fs devpts /dev/pts
mount_fs tmpfs /dev/shm
# The root is read-only: everything that is written goes to tmpfs.  Those
# tmpfs hide the host's /tmp, /run and /var/tmp, where a CI job may well have
# cloned the repository: keep a view of the host root to expose such paths
# again (see expose below).
mount_fs tmpfs /tmp mode=1777
mkdir -p /tmp/.host
mount --bind / /tmp/.host
mount_fs tmpfs /run mode=755
mount_fs tmpfs /var/tmp mode=1777
mkdir -p /run/netns
[ -d /sys/kernel/debug ] && mount_fs debugfs /sys/kernel/debug

# Debian's userland only: nothing installed by hand under /usr/local.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LC_ALL=C.UTF-8 TERM=dumb
export PYTHONDONTWRITEBYTECODE=1
hostname sgfw-guest 2>/dev/null
ip link set lo up 2>/dev/null

repo='' mode=test tests='' script='' timeout=300 verbose=0 cache=/var/cache/sgfw
kmemleak=0 debug=0
read -r -a cmdline </proc/cmdline
for arg in "${cmdline[@]}"; do
	case $arg in
	sgfw_repo=*)	repo=${arg#*=} ;;
	sgfw_mode=*)	mode=${arg#*=} ;;
	sgfw_tests=*)	tests=${arg#*=} ;;
	sgfw_script=*)	script=${arg#*=} ;;
	sgfw_timeout=*)	timeout=${arg#*=} ;;
	sgfw_verbose=*)	verbose=${arg#*=} ;;
	sgfw_cache=*)	cache=${arg#*=} ;;
	sgfw_kmemleak=*) kmemleak=${arg#*=} ;;
	sgfw_debug=*)	debug=${arg#*=} ;;
	esac
done

# all_scenarios: the scenarios of this guest when none are named: all of
# tests/scenarios, but those that need the debug kernel's fault injection
# (a "# needs: fail-nth" line) only on the debug kernel (sgfw_debug=1).
all_scenarios() {
	local s
	for s in "$repo"/tests/scenarios/*.sh; do
		[ -f "$s" ] || continue
		if [ "$debug" != 1 ] && grep -q '^# needs: fail-nth' "$s"; then
			continue
		fi
		echo "$s"
	done
}

# Make the host's PATH visible again if one of the tmpfs above hides it.
expose() {
	case $1 in
	/tmp/*|/run/*|/var/tmp/*) ;;
	*) return 0 ;;
	esac
	[ -d "/tmp/.host$1" ] || return 0
	mkdir -p "$1" && mount --bind "/tmp/.host$1" "$1"
}
expose "$repo"
expose "$cache"
[ -n "$script" ] && expose "${script%/*}"

rel=$(uname -r)
ko=$repo/build/$rel/sgfw.ko

# What every scenario finds in its environment.
export SGFW_REPO=$repo SGFW_RELEASE=$rel SGFW_CACHE=$cache SGFW_KO=$ko
export SGTOOL=$repo/tools/sgtool/sgtool PYTHON=/usr/bin/python3
export V=$verbose

# The console may hold half a line of firmware output: start afresh.
echo
echo "sgfw-guest: start $rel mode=$mode"

n=0
failed=0
tap() { # ok|not-ok description [reason]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $rel: $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $rel: $2${3:+ # $3}"
	fi
}

# splat_re, taint_bad.
# shellcheck source-path=SCRIPTDIR source=../kernel-log.sh
. "$repo/tests/kernel-log.sh"

# The kernel log since the last "sgfw-test: begin" marker.
dmesg_since_marker() {
	dmesg | awk '/sgfw-test: begin /{ buf = ""; next } { buf = buf $0 "\n" }
		END { printf "%s", buf }'
}

mark_kmsg() {
	echo "<6>sgfw-test: begin $*" >/dev/kmsg
}

# Load the module after the modules it depends on (modprobe finds those in
# the guest kernel's own tree on the host).
load_sgfw() {
	local deps d
	if [ ! -f "$ko" ]; then
		echo "# $ko is missing: build it first (make module KERNELRELEASE=$rel)"
		return 1
	fi
	deps=$(modinfo -F depends "$ko" 2>/dev/null | tr ',' ' ')
	for d in $deps; do
		modprobe "$d" || { echo "# modprobe $d failed"; return 1; }
	done
	insmod "$ko" 2>&1 | sed 's/^/# /'
	[ -d /sys/module/sgfw ]
}

# Run one piece of work (a scenario, or the user's script), with a time limit,
# its output captured, and the kernel log it produced checked.  Prints its
# TAP line.
run_one() { # name command...
	local name=$1 out=/tmp/sgfw-out.$n rc splat reason="" start secs
	shift
	mark_kmsg "$name"
	start=$(date +%s)
	# timeout puts the command in its own process group and signals the
	# whole group, so servers a scenario left in the background die too.
	(cd /tmp && exec timeout -k 5 "$timeout" "$@") </dev/null >"$out" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	splat=$(dmesg_since_marker | grep -E "$splat_re")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		reason="timed out after ${timeout}s"
	elif [ "$rc" -eq 77 ]; then
		reason="SKIP $(sed -n 's/^SKIP: //p' "$out" | tail -n1)"
	elif [ "$rc" -ne 0 ]; then
		reason="exit status $rc"
	elif [ -n "$splat" ]; then
		reason="kernel log splat"
	fi

	if [ -z "$reason" ]; then
		tap ok "$name"
	else
		tap not-ok "$name" "$reason"
	fi
	# Guest time (slowed down by emulation): which scenarios the suite
	# waits on.
	echo "# $name took ${secs}s"
	if [ -n "$reason" ] || [ "$verbose" = 1 ]; then
		sed 's/^/#   /' "$out"
		[ -n "$splat" ] && echo "$splat" | sed 's/^/# dmesg: /'
	fi
	rm -f "$out"

	# A scenario that died before its cleanup ran must not leave its
	# namespaces to the next one.
	if [ -n "$(ip netns list 2>/dev/null)" ]; then
		[ "$verbose" = 1 ] && echo "# removing leftover namespaces: $(ip netns list | tr '\n' ' ')"
		ip -all netns delete 2>/dev/null
	fi
	return 0
}

run_scenarios() {
	local list s name
	if [ -n "$tests" ]; then
		list=
		for s in ${tests//,/ }; do
			list="$list $repo/tests/scenarios/${s%.sh}.sh"
		done
	else
		list=$(all_scenarios)
	fi
	for s in $list; do
		name=$(basename "$s" .sh)
		if [ ! -f "$s" ]; then
			tap not-ok "$name" "no such scenario $s"
			continue
		fi
		# A scenario may unload sgfw; every scenario starts with it
		# loaded.
		if [ ! -d /sys/module/sgfw ]; then
			echo "# sgfw is not loaded before $name: loading it again"
			load_sgfw >/dev/null 2>&1
		fi
		run_one "$name" bash "$s"
	done
}

run_script() {
	local rc
	mark_kmsg "script $script"
	echo "sgfw-guest: script begin"
	# Shown as is, live: this is the demonstration's output.
	(cd /tmp && exec timeout -k 5 "$timeout" bash "$script") </dev/null 2>&1
	rc=$?
	echo "sgfw-guest: script end"
	if [ "$rc" -eq 0 ]; then
		tap ok "script $(basename "$script")"
	else
		tap not-ok "script $(basename "$script")" "exit status $rc"
	fi
}

# kmemleak: what the boot itself leaves unreferenced is not sgfw's; scan it
# now and set it aside, so that a later scan reports only what came after.
kmemleak_file=/sys/kernel/debug/kmemleak
kmemleak_start() {
	[ "$kmemleak" = 1 ] || return 0
	echo scan >"$kmemleak_file" && echo clear >"$kmemleak_file"
}

# After rmmod: nothing sgfw allocated may be left unreferenced.  kmemleak
# reports only objects older than 5 s, and two scans settle what moves.
kmemleak_check() {
	local out
	sleep 6
	echo scan >"$kmemleak_file" 2>/dev/null
	echo scan >"$kmemleak_file" 2>/dev/null
	out=$(cat "$kmemleak_file" 2>&1)
	if [ -z "$out" ]; then
		tap ok "kmemleak finds nothing after rmmod"
	else
		tap not-ok "kmemleak finds nothing after rmmod"
		echo "$out" | head -n 60 | sed 's/^/# /'
	fi
}

# The module must unload cleanly after all that, and the kernel must not have
# complained at any point of the boot.
end_checks() {
	local out splat bad
	if [ ! -d /sys/module/sgfw ]; then
		tap not-ok "rmmod sgfw" "sgfw was not loaded at the end"
	elif out=$(rmmod sgfw 2>&1) && [ ! -d /sys/module/sgfw ]; then
		tap ok "rmmod sgfw"
	else
		tap not-ok "rmmod sgfw"
		echo "$out" | sed 's/^/# /'
		grep -s . /sys/module/sgfw/refcnt /sys/module/sgfw/holders/* |
			sed 's/^/# /'
	fi

	[ "$kmemleak" = 1 ] && kmemleak_check
	# Give deferred work (RCU callbacks, workqueues) a moment to speak.
	sleep 1
	splat=$(dmesg | grep -E "$splat_re")
	bad=$(taint_bad)
	if [ -z "$splat" ] && [ "$bad" -eq 0 ]; then
		tap ok "kernel log clean"
	else
		tap not-ok "kernel log clean"
		[ -n "$splat" ] && echo "$splat" | sed 's/^/# dmesg: /'
		[ "$bad" -ne 0 ] &&
			echo "# kernel tainted: $(cat /proc/sys/kernel/tainted)"
	fi
}

nscen=0
if [ "$mode" = test ]; then
	if [ -n "$tests" ]; then
		nscen=$(echo "${tests//,/ }" | wc -w)
	else
		nscen=$(all_scenarios | wc -l)
	fi
else
	nscen=1
fi
echo "1..$((nscen + 3 + kmemleak))"
kmemleak_start

out=$(load_sgfw 2>&1)
if [ -d /sys/module/sgfw ]; then
	tap ok "insmod sgfw $(cat /sys/module/sgfw/version 2>/dev/null)"
	[ "$verbose" = 1 ] && [ -n "$out" ] && echo "$out"
	case $mode in
	test)	run_scenarios ;;
	script)	run_script ;;
	*)	tap not-ok "unknown sgfw_mode=$mode" ;;
	esac
else
	tap not-ok "insmod sgfw"
	echo "$out"
	# Keep the plan: the scenarios did not run.
	for _ in $(seq "$nscen"); do
		tap not-ok "scenarios" "SKIP sgfw did not load"
	done
fi
end_checks

echo "sgfw-guest: dmesg begin"
dmesg
echo "sgfw-guest: dmesg end"
echo "sgfw-guest: done $rel: $failed of $n failed"
