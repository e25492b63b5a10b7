#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The checks of a guest of tests/boot-check.sh, run by sgfw-check.service
# once the boot got past sgfw.service, on systemd with the packages
# installed.  The files it uses are in /var/lib/sgfw-check (copied there
# by the initramfs): "case" says how the guest booted:
#
#   good     /etc/sgfw/sgfw.json is good.json: sgfw.service is active and
#            the running configuration is the file; dummy0, created after
#            the unit ran, has its configuration, and vm0, which no device
#            has, waits for one; then a reload applies
#            reload.json; a reload of broken.json fails and changes
#            nothing; a restart with broken.json fails the unit, its
#            status shows sgtool's message, nothing changes.
#   broken   /etc/sgfw/sgfw.json is broken.json: sgfw.service failed at
#            boot, its status shows sgtool's message, nothing was applied
#            (the module is loaded, empty); with good.json back a restart
#            makes it active with the file in force.
#
# Prints a plan, one TAP line per check ("ok N - RELEASE: what"), "# "
# lines of diagnostics, and "sgfw-boot: done" at the end, which the host
# requires.  No "set -e": every check says what it found.
set -u

d=/var/lib/sgfw-check
conf=/etc/sgfw/sgfw.json
sgtool=/usr/sbin/sgtool
rel=$(uname -r)
mode=$(cat "$d/case")
export SYSTEMD_COLORS=0 SYSTEMD_PAGER=cat LC_ALL=C.UTF-8
# splat_re, taint_bad: copied beside this file by tests/boot-check.sh.
# shellcheck source-path=SCRIPTDIR source=../kernel-log.sh
. "$d/kernel-log.sh"
# sgtool's message for broken.json's rule naming a group that does not
# exist: where in the file, then the kernel's words (module/netlink.c),
# which 6.1 has without the name (no formatted extack messages there).
want_msg='sgtool: sg "web" rule 2: (sgfw: )?(no security group named nosuch|no such security group)$'

# The console may hold half a line of systemd's status output.
echo
echo "sgfw-boot: start $rel $mode, up $(cut -d' ' -f1 /proc/uptime) s"
# When sgfw.service began and ended at boot, in microseconds since the
# kernel started (for the log: how long the boot takes to get there).
unit_times=$(systemctl show -P InactiveExitTimestampMonotonic sgfw)-$(systemctl show -P StateChangeTimestampMonotonic sgfw)
userspace=$(systemctl show -P UserspaceTimestampMonotonic)

n=0
# check NAME CMD...: one TAP line, ok when CMD succeeds; what CMD printed,
# when it fails, as diagnostics.
check() {
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $rel: $name"
	else
		echo "not ok $n - $rel: $name"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

# The module modprobe loaded is the one DKMS built in the scratch root for
# this kernel, not one of the host's.
dkms_module() {
	local path
	path=$(modinfo -n sgfw) || return 1
	echo "modinfo -n sgfw: $path"
	case $path in
	"/lib/modules/$rel/updates/dkms/sgfw.ko"*) ;;
	*) return 1 ;;
	esac
	[ -d /sys/module/sgfw ] || { echo "sgfw is not loaded"; return 1; }
	echo "loaded: $(cat /sys/module/sgfw/srcversion), file: $(modinfo -F srcversion "$path")"
	[ "$(cat /sys/module/sgfw/srcversion)" = "$(modinfo -F srcversion "$path")" ]
}

is_active() { # STATE: systemctl is-active sgfw says STATE
	local s
	s=$(systemctl is-active sgfw)
	echo "is-active: $s"
	[ "$s" = "$1" ] && return 0
	systemctl status --no-pager -l -n 10 sgfw
	return 1
}

# running FILE: `sgtool -p save` prints FILE byte for byte (the files are
# written in save's canonical form; reload.json has web's new rule last:
# a rule an apply keeps keeps its id, and save lists rules by id).
running() {
	"$sgtool" -p save >/tmp/saved.json || return 1
	diff -u "$1" /tmp/saved.json
}

# Nothing is configured: no group, prefix list, NACL or device setting.
empty() {
	"$sgtool" -j save >/tmp/saved.json || return 1
	cat /tmp/saved.json
	python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
sys.exit(any(doc[k] for k in ("prefix_lists", "security_groups",
                              "network_acls", "interfaces")))' /tmp/saved.json
}

# The unit's status (the journal's last lines of it) shows the message.
status_says() {
	local out
	out=$(systemctl status --no-pager -l -n 20 sgfw)
	printf '%s\n' "$out"
	printf '%s\n' "$out" | grep -qE "$want_msg"
}

reload_fails() {
	! systemctl reload sgfw
}

restart_fails() {
	! systemctl restart sgfw
}

# dummy0, created after sgfw.service ran, is bound to its configuration;
# vm0, named by the file, waits for a device.
bound() {
	"$sgtool" -j iface show >/tmp/ifaces.json || return 1
	cat /tmp/ifaces.json
	python3 -c 'import json, sys
state = {i["device"]: i["state"] for i in json.load(open(sys.argv[1]))}
sys.exit(state != {"dummy0": "bound", "vm0": "waiting"})' /tmp/ifaces.json
}

fixed() {
	running "$d/good.json" && is_active active
}

# The kernel did not complain, from the boot to here: no splat in its
# log, no taint for a warning, a bad page, a death or a soft lockup.
kernel_clean() {
	local splat bad
	splat=$(dmesg | grep -E "$splat_re")
	bad=$(taint_bad)
	[ -z "$splat" ] && [ "$bad" -eq 0 ] && return 0
	printf '%s\n' "$splat"
	echo "tainted: $(cat /proc/sys/kernel/tainted)"
	return 1
}

case $mode in
good)
	echo "1..14"
	check "sgfw.ko loaded at boot is DKMS's (updates/dkms)" dkms_module
	check "sgfw.service is active after boot" is_active active
	check "sgtool save is /etc/sgfw/sgfw.json after boot" running "$d/good.json"
	check "dummy0, made after sgfw.service, is bound; vm0 waits" bound
	cp "$d/reload.json" "$conf"
	check "systemctl reload sgfw of a changed file" systemctl reload sgfw
	check "the reloaded file is in force" running "$d/reload.json"
	check "sgfw.service is still active after the reload" is_active active
	cp "$d/broken.json" "$conf"
	check "systemctl reload sgfw of a broken file fails" reload_fails
	check "the failed reload changed nothing" running "$d/reload.json"
	check "systemctl restart sgfw with a broken file fails" restart_fails
	check "sgfw.service is failed after it" is_active failed
	check "systemctl status sgfw shows sgtool's message" status_says
	check "the failed restart changed nothing" running "$d/reload.json"
	check "kernel log clean" kernel_clean
	;;
broken)
	echo "1..7"
	check "sgfw.ko loaded at boot is DKMS's (updates/dkms)" dkms_module
	check "sgfw.service is failed after a boot with a broken file" \
		is_active failed
	check "systemctl status sgfw shows sgtool's message" status_says
	check "nothing was applied" empty
	cp "$d/good.json" "$conf"
	check "systemctl restart sgfw with the file fixed" systemctl restart sgfw
	check "sgtool save is the fixed file, sgfw.service active" \
		fixed
	check "kernel log clean" kernel_clean
	;;
*)
	echo "1..1"
	check "known case '$mode'" false
	;;
esac

# What the boot was like, for the log, and what failed besides sgfw.
echo "# systemd started at $userspace us; sgfw.service ran at boot from-to (us): $unit_times; checks done at $(cut -d' ' -f1 /proc/uptime) s"
systemctl --failed --no-legend 2>&1 | sed 's/^/# failed: /'
echo "sgfw-boot: done $rel"
# The console is a serial port: let the last lines out before the power-off.
sleep 1
