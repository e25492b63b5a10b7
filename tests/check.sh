#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every test of the project, ending with one line
# "N passed, N failed".  Each step prints TAP lines ("ok N - name" or
# "not ok N - name"); this script counts them.  A step that fails without
# saying which test failed counts as one failure of its own, so a crash of a
# runner is never lost.  A skipped test is reported as "not ok" by the
# runners and so counts as a failure.
#
# Steps: dependencies, builds for both kernels with W=1 and sparse, the
# UAPI spec check, checkpatch, sgtool's unit tests, sgtool's command line
# under libFuzzer, sgtool's bash completion, KUnit on UML and on an SMP
# x86_64 kernel, the integration scenarios in QEMU on both Debian kernels
# and on the debug kernel (UML with KASAN, KMEMLEAK, lockdep...), the three
# side by side, make install into a scratch root, a DKMS build against both
# kernels' headers, the Debian packages (make deb, lintian, their
# contents), the packages installed into a scratch root (DKMS builds for
# both kernels) and both kernels booted with them under systemd
# (sgfw.service applies /etc/sgfw/sgfw.json, or fails on a broken one),
# and a smoke run of the benchmark (make bench) on its own kernel, so that
# it cannot rot.
#
# SGFW_CHECK_ONLY="step ..." runs only the named steps (build uapi style
# sgtool sgtool-fuzz completion kunit kunit-smp qemu uml bench install dkms
# deb boot), for quick iterations.
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1
export SGFW_CACHE=${SGFW_CACHE:-/var/cache/sgfw}
logdir=$(mktemp -d /var/tmp/sgfw-check.XXXXXX)
tap="$logdir/all.tap"
: >"$tap"
start=$(date +%s)

want() {
	[ -z "${SGFW_CHECK_ONLY:-}" ] && return 0
	case " $SGFW_CHECK_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# step NAME CMD...: run CMD, show its output, keep its TAP lines.
step() {
	local name=$1 rc t0
	shift
	t0=$(date +%s)
	echo "# --- $name"
	"$@" >"$logdir/$name.log" 2>&1
	rc=$?
	report "$name" "$rc" "$t0"
}

report() {
	local name=$1 rc=$2 t0=$3
	cat "$logdir/$name.log"
	grep -E '^(not )?ok [0-9]+ ' "$logdir/$name.log" >>"$tap"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$logdir/$name.log"; then
		echo "not ok 1 - $name: exited with status $rc" | tee -a "$tap"
	fi
	if ! grep -qE '^(not )?ok ' "$logdir/$name.log" && [ "$rc" -eq 0 ]; then
		echo "not ok 1 - $name: ran no test" | tee -a "$tap"
	fi
	echo "# $name took $(($(date +%s) - t0)) s"
}

echo "# sgfw check, logs in $logdir"
if ! scripts/deps.sh >"$logdir/deps.log" 2>&1; then
	cat "$logdir/deps.log"
	echo "not ok 1 - deps: install packages" | tee -a "$tap"
fi
kernels=$(scripts/kernels.sh)

# The SMP KUnit kernel runs its cases on one of its two CPUs, nearly all
# of the time, and the steps before the guests mostly on one too (checkpatch,
# the fuzzer, the UML KUnit kernel): side by side, reported in its place.
smp_pid=
if want kunit-smp; then
	smp_t0=$(date +%s)
	env SGFW_KUNIT_ARCH=x86_64 scripts/kunit.sh >"$logdir/kunit-smp.log" 2>&1 &
	smp_pid=$!
fi

want build && step build tests/build-check.sh
want uapi && step uapi tests/uapi-check.sh
want style && step style tests/style.sh
want sgtool && step sgtool make -s -C tools/sgtool check
want sgtool-fuzz && step sgtool-fuzz tests/sgtool-fuzz.sh
want completion && step completion tests/completion.sh
want kunit && step kunit scripts/kunit.sh
if [ -n "$smp_pid" ]; then
	echo "# --- kunit-smp (since the start)"
	wait "$smp_pid"
	report kunit-smp $? "$smp_t0"
fi

# uml_half N: the scenarios of the debug kernel's guest N of two, which run
# side by side (User-Mode Linux has one CPU), split so that both take about
# as long: the longest first, each to the guest with less so far, by the
# seconds each took there (tests/uml/seconds; 60 for one not listed).
uml_half() {
	local s w
	for s in tests/scenarios/*.sh; do
		s=$(basename "$s" .sh)
		w=$(awk -v s="$s" '$1 == s { print $2 }' tests/uml/seconds)
		echo "${w:-60} $s"
	done | sort -k1,1nr -k2,2 |
		awk -v want="$1" '{
			g = t[1] <= t[2] ? 1 : 2
			t[g] += $1
			if (g == want)
				print $2
		}' | sort
}

if want qemu || want uml || want bench; then
	# The guests need the module for their kernel and sgtool; the debug
	# kernel and the benchmark's are built from source (cached).
	t0=$(date +%s)
	echo "# --- guests-prepare"
	ok=1
	guests=
	if want qemu; then
		for k in $kernels; do
			make -s module KERNELRELEASE="$k" \
				>"$logdir/module-$k.log" 2>&1 || ok=0
			guests="$guests qemu-$k"
		done
	fi
	if want uml; then
		scripts/uml.sh module >"$logdir/module-uml.log" 2>&1 || ok=0
		guests="$guests uml-debug-1 uml-debug-2"
	fi
	if want bench; then
		SGFW_UML_FLAVOUR=bench scripts/uml.sh module \
			>"$logdir/module-bench.log" 2>&1 || ok=0
		guests="$guests bench"
	fi
	make -s sgtool >"$logdir/sgtool-build.log" 2>&1 || ok=0
	echo "# guests-prepare took $(($(date +%s) - t0)) s"
	if [ $ok = 0 ]; then
		cat "$logdir"/module-*.log "$logdir/sgtool-build.log"
		echo "not ok 1 - guests: build modules, UML kernels and sgtool" |
			tee -a "$tap"
	else
		# Side by side: each guest runs on one CPU; the debug kernel's
		# scenarios are split between two of them, so that both CPUs
		# stay busy after the Debian kernels' guests are done.
		t0=$(date +%s)
		pids=
		for g in $guests; do
			# shellcheck disable=SC2046 # uml_half: one scenario per word
			case $g in
			qemu-*) tests/qemu/run.sh "${g#qemu-}" ;;
			uml-debug-*) tests/uml/run.sh $(uml_half "${g#uml-debug-}") ;;
			bench) tests/bench/run.sh --smoke ;;
			esac >"$logdir/$g.log" 2>&1 &
			pids="$pids $!:$g"
		done
		for p in $pids; do
			wait "${p%%:*}"
			report "${p#*:}" $? "$t0"
		done
	fi
fi

want install && step install tests/install-check.sh
want dkms && step dkms tests/dkms.sh
want deb && step deb tests/deb-check.sh
want boot && step boot tests/boot-check.sh

passed=$(grep -c '^ok ' "$tap")
failed=$(grep -c '^not ok ' "$tap")
echo "# make check took $(($(date +%s) - start)) s"
if [ "$failed" -ne 0 ]; then
	echo "# failed:"
	grep '^not ok ' "$tap" | sed 's/^/#   /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
