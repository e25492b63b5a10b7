#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of this tree installed as README says, and a host
# booted with them:
#
#  1. `make deb` into a scratch directory.
#  2. A scratch Debian root: an overlay whose lower layer is the host's /
#     (which it never writes) and whose upper layer is a fresh tmpfs.  In
#     a chroot there, `apt-get install ./sgfw-dkms_*.deb ./sgtool_*.deb`:
#     both packages are installed, DKMS built and installed sgfw.ko for
#     each kernel of scripts/kernels.sh, sgfw.service is enabled,
#     /etc/sgfw/sgfw.json is a conffile, and the host is as it was.
#  3. Each kernel boots under QEMU with systemd as PID 1, its root a tmpfs
#     over that upper layer over the host's root (tests/qemu/mkinitramfs.sh),
#     into sgfw-check.target (tests/boot/): once with good.json as
#     /etc/sgfw/sgfw.json, once with broken.json.  tests/boot/guest-check.sh
#     checks there that the module is DKMS's, that the unit is active and
#     the file in force (or failed, with sgtool's message in its status,
#     and nothing applied), that `systemctl reload sgfw` applies a changed
#     file, and that a broken one changes nothing.  The guests run side by
#     side, as many as there are CPUs.
#
# One TAP line per check ("ok N - boot: ..."); a guest that crashes, hangs
# or reports fewer checks than it planned is a failure of its own.
#
# Environment:
#   SGFW_CACHE          the initramfs and the guests' console logs (qemu/)
#   SGFW_BOOT_TIMEOUT   seconds a guest may take (300)
#   SGFW_BOOT_JOBS      guests at once (the number of CPUs)
#   SGFW_QEMU_APPEND    more kernel parameters for the guests
#
# No "set -e": every step says what failed, and the EXIT trap unmounts and
# removes the scratch root whatever happens.  Runs as root (mount, chroot).
# shellcheck disable=SC2317 # the checks are functions that result() runs
# shellcheck disable=SC2016 # dpkg-query's ${Field} formats
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
cache=${SGFW_CACHE:-/var/cache/sgfw}
tmo=${SGFW_BOOT_TIMEOUT:-300}
jobs=${SGFW_BOOT_JOBS:-$(nproc)}
n=0 fail=0

ok() { n=$((n + 1)); echo "ok $n - boot: $*"; }
not_ok() { n=$((n + 1)); fail=1; echo "not ok $n - boot: $*"; }

# A step that cannot go on: its failure, the plan, out.
fatal() {
	not_ok "$@"
	echo "1..$n"
	exit 1
}

[ "$(id -u)" = 0 ] || fatal "runs as root (mount, chroot)"
kernels=$("$repo/scripts/kernels.sh") || fatal "scripts/kernels.sh"

scratch=$(mktemp -d /var/tmp/sgfw-boot.XXXXXX)
# overlayfs refuses an upper directory inside its lower layer, the host's
# /: the upper layer and everything else of this run live on a tmpfs of
# their own, which also leaves nothing behind.
fs=$scratch/fs
upper=$fs/upper
root=$fs/root
debs=$fs/debs
logs=$fs/logs

cleanup() {
	local p m
	# The guests still running: their time limits' (timeout(1)) process
	# ids, which pass the signal on to QEMU.
	for p in "$logs"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	wait 2>/dev/null
	for m in "$root/dev" "$root/sys" "$root/proc" "$root" "$fs"; do
		mountpoint -q "$m" && umount "$m"
	done
	# Never remove through a mount left behind: the scratch root has the
	# host's /dev bound in it, and is an overlay over the host's /.
	if grep -qF " $scratch/" /proc/mounts; then
		echo "# still mounted under $scratch, left there:" >&2
		grep -F " $scratch/" /proc/mounts >&2
	else
		rm -rf --one-file-system "$scratch"
	fi
}
trap cleanup EXIT
# Interrupted (^C, a CI job's time limit): clean up all the same.
trap 'exit 130' INT TERM

# result NAME CMD...: one TAP line, ok when CMD succeeds; what it printed,
# if it fails, as diagnostics.
result() {
	local name=$1
	shift
	if "$@" >"$fs/result.log" 2>&1; then
		ok "$name"
	else
		sed 's/^/# /' "$fs/result.log"
		not_ok "$name"
	fi
}

# seconds since T0, for the timing lines.
since() { echo $(($(date +%s) - $1)); }

mkdir -p "$fs"
mount -t tmpfs -o mode=755 sgfw-boot "$fs" || fatal "a tmpfs for the scratch root"
mkdir -p "$upper" "$fs/work" "$root" "$debs" "$logs"

# ---- 1. the packages

t0=$(date +%s)
make_deb() {
	make -C "$repo" deb DEB_DIR="$debs" >"$logs/deb.log" 2>&1 || {
		tail -n 30 "$logs/deb.log"
		return 1
	}
	ls "$debs/sgfw-dkms_${ver}_all.deb" "$debs"/sgtool_"$ver"_*.deb
}
result "make deb builds sgfw-dkms and sgtool $ver" make_deb
echo "# make deb took $(since "$t0") s"
dkms_deb=$debs/sgfw-dkms_${ver}_all.deb
tool_deb=$(ls "$debs"/sgtool_"$ver"_*.deb 2>/dev/null)
if [ ! -f "$dkms_deb" ] || [ -z "$tool_deb" ]; then
	fatal "no packages to install"
fi

# ---- 2. installed into a scratch root

# What the install must not change on the host: its packages, DKMS tree,
# modules and units.
host_state() {
	local k
	dpkg-query -W -f='${Package} ${Status} ${Version}\n' sgtool sgfw-dkms 2>&1
	ls -d /var/lib/dkms/sgfw "/usr/src/sgfw-$ver" 2>&1
	for k in $kernels; do
		ls "/lib/modules/$k/updates/dkms" 2>&1
		stat -c '%n %s %Y' "/lib/modules/$k/modules.dep"
	done
	ls -l /etc/systemd/system/sysinit.target.wants 2>&1
}
host_before=$(host_state)

t0=$(date +%s)
# metacopy and redirect_dir off: the upper layer holds whole files and
# plain directories, so that the guests can stack it as a layer of their
# own over the same host root.
mount -t overlay sgfw-boot-root \
	-o "lowerdir=/,upperdir=$upper,workdir=$fs/work,metacopy=off,redirect_dir=off,index=off" \
	"$root" || fatal "an overlay over the host's / for the scratch root"
if ! mount -t proc proc "$root/proc" ||
	! mount -t sysfs -o ro sysfs "$root/sys" ||
	! mount --bind /dev "$root/dev"; then
	fatal "/proc, /sys and /dev in the scratch root"
fi

# Nothing the packages' maintainer scripts do may start a service: the
# chroot is not a booted system (deb-systemd-invoke skips starting when
# /run/systemd/system is missing, as it is here; invoke-rc.d asks
# policy-rc.d).  Only in the scratch root, and gone before it boots.
policy=
if [ ! -e "$root/usr/sbin/policy-rc.d" ]; then
	policy=$root/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# tests/boot-check.sh: start nothing\nexit 101\n' \
		>"$policy"
	chmod 755 "$policy"
fi
mkdir -p "$root/var/cache/sgfw-check"
cp "$dkms_deb" "$tool_deb" "$root/var/cache/sgfw-check/"

in_root() {
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LC_ALL=C.UTF-8 HOME=/root DEBIAN_FRONTEND=noninteractive "$@"
}

install_pkgs() {
	# Everything the packages depend on is on the host already
	# (scripts/deps.sh): apt installs these two and nothing else.
	# (--no-download would say so too, but apt then refuses local .deb
	# files: "Pathname to install is not absolute".)
	in_root apt-get install -y -q -o Dpkg::Use-Pty=0 \
		"/var/cache/sgfw-check/$(basename "$dkms_deb")" \
		"/var/cache/sgfw-check/$(basename "$tool_deb")" \
		>"$logs/install.log" 2>&1
	local rc=$?
	sed 's/^/  /' "$logs/install.log"
	[ "$rc" = 0 ] || return 1
	grep -q '^0 upgraded, 2 newly installed, 0 to remove' \
		"$logs/install.log" || return 1
	for p in sgfw-dkms sgtool; do
		in_root dpkg-query -W -f='${Package} ${Status} ${Version}\n' "$p" |
			grep -x "$p install ok installed $ver" || return 1
	done
}
result "apt-get installs sgfw-dkms and sgtool $ver, and nothing else, into a scratch root" \
	install_pkgs
installed=$fail
echo "# the install (and its DKMS builds) took $(since "$t0") s"
grep -i '^ *Building for' "$logs/install.log" | sed 's/^ */# dkms: /'

# The package's postinst builds for every kernel with headers when the
# running kernel is not installed (a chroot's host, as here), but only for
# the running and the newest kernels otherwise.  A kernel of the list it
# skipped gets the module the way a kernel installed later does: by the
# kernel's postinst hook, which DKMS installs.
for k in $kernels; do
	in_root dkms status -m sgfw -v "$ver" -k "$k" 2>/dev/null |
		grep -q ': installed' && continue
	echo "# dkms: the postinst skipped $k; running its kernel hook"
	in_root /etc/kernel/postinst.d/dkms "$k" >>"$logs/install.log" 2>&1
done

dkms_built() { # KERNEL
	local k=$1 ko
	in_root dkms status -m sgfw -v "$ver" -k "$k"
	in_root dkms status -m sgfw -v "$ver" -k "$k" | grep -q ': installed' ||
		return 1
	# In the upper layer, i.e. written by the install, not the host's.
	ko=$(cd "$upper" && find . -path "*/modules/$k/updates/dkms/sgfw.ko*")
	echo "in the upper layer: ${ko:-nothing}"
	[ -n "$ko" ] || return 1
	# depmod ran: modprobe finds it.
	in_root modinfo -k "$k" -n sgfw
	in_root modinfo -k "$k" -n sgfw | grep -q "^/lib/modules/$k/updates/dkms/sgfw.ko"
}
for k in $kernels; do
	result "DKMS built and installed sgfw.ko for $k (updates/dkms, depmod)" \
		dkms_built "$k"
done

enabled() {
	local link=$root/etc/systemd/system/sysinit.target.wants/sgfw.service
	echo "$link -> $(readlink "$link")"
	[ "$(readlink "$link")" = /lib/systemd/system/sgfw.service ] &&
		[ "$(systemctl --root="$root" is-enabled sgfw.service)" = enabled ]
}
result "sgfw.service is enabled (sysinit.target wants it)" enabled

conffile() {
	local c
	c=$(in_root dpkg-query -W -f='${Conffiles}\n' sgtool)
	echo "conffiles: $c"
	echo "$c" | grep -Eq "^ /etc/sgfw/sgfw.json [0-9a-f]{32}$" &&
		[ "$(echo "$c" | awk '$1 == "/etc/sgfw/sgfw.json" { print $2 }')" = \
			"$(md5sum <"$root/etc/sgfw/sgfw.json" | cut -d' ' -f1)" ]
}
result "/etc/sgfw/sgfw.json is a conffile of sgtool, as shipped" conffile

host_untouched() {
	local after
	after=$(host_state)
	[ "$after" = "$host_before" ] && return 0
	diff <(echo "$host_before") <(echo "$after")
	return 1
}
result "the host's packages, DKMS tree, modules and units are as they were" \
	host_untouched

# The scratch root is done: what the guests stack is its upper layer alone.
[ -n "$policy" ] && rm -f "$policy"
rm -rf "$root/var/cache/sgfw-check"
umount "$root/dev" "$root/sys" "$root/proc" "$root" ||
	fatal "unmount the scratch root"

# ---- 3. booted

# Without the packages there is nothing to boot.
[ "$installed" = 0 ] || fatal "the guests boot the packages # not installed"

# What a guest adds over the installed packages (copied into its tmpfs by
# the initramfs): no file systems to mount, the check's target and
# service, the configuration of its case and the files of the checks.
# Masked: what slows a boot under emulation and the checks do not need
# (udev's coldplug, time synchronisation over a network there is not).
#
# The files attach groups to dummy0 (lo is never filtered), which does not
# exist yet when sgfw.service runs: sgfw-check-dev.service makes it after,
# and it must get its configuration then; and to vm0, which no device
# ever has: its configuration waits, and save prints it all the same.
masked="systemd-udevd.service systemd-udevd-control.socket
	systemd-udevd-kernel.socket systemd-udev-trigger.service
	systemd-timesyncd.service systemd-pstore.service"
make_layer() { # DIR CASE
	local l=$1 u
	mkdir -p "$l/etc/systemd/system" "$l/etc/sgfw" "$l/var/lib/sgfw-check"
	echo "# tests/boot-check.sh: the root is the initramfs's overlay" \
		>"$l/etc/fstab"
	cp "$here/boot/sgfw-check.target" "$here/boot/sgfw-check.service" \
		"$here/boot/sgfw-check-dev.service" "$l/etc/systemd/system/"
	for u in $masked; do
		ln -s /dev/null "$l/etc/systemd/system/$u"
	done
	cp "$here/boot/guest-check.sh" "$here/kernel-log.sh" \
		"$here/boot/good.json" "$here/boot/reload.json" \
		"$here/boot/broken.json" "$l/var/lib/sgfw-check/"
	echo "$2" >"$l/var/lib/sgfw-check/case"
	cp "$here/boot/$2.json" "$l/etc/sgfw/sgfw.json"
}

mkdir -p "$cache/qemu/log"
guests=
for c in good broken; do
	for k in $kernels; do
		guests="$guests $k:$c"
	done
done

start_guest() { # KERNEL CASE
	local k=$1 c=$2 name=$1-$2 initrd cmdline
	make_layer "$fs/layer-$name" "$c"
	if ! initrd=$("$repo/tests/qemu/mkinitramfs.sh" "$k" 2>"$logs/$name.console"); then
		echo "1 0" >"$logs/$name.rc"
		return
	fi
	cmdline="console=ttyS0 loglevel=3 panic=-1 oops=panic edd=off"
	cmdline="$cmdline watchdog_thresh=30 rcupdate.rcu_cpu_stall_timeout=60"
	# firstboot would ask questions on the console if the host has no
	# machine-id.
	cmdline="$cmdline systemd.unit=sgfw-check.target systemd.firstboot=off"
	# Only failures: a status line of a slow job ("A start job is running")
	# has no newline, and a TAP line written after it would be lost.
	cmdline="$cmdline systemd.show_status=error"
	cmdline="$cmdline sgfw_boot_layer=$fs/layer-$name"
	[ -n "${SGFW_QEMU_APPEND:-}" ] && cmdline="$cmdline $SGFW_QEMU_APPEND"
	# In the background: QEMU under its time limit, whose process id
	# the clean-up kills if need be, and then its exit status and time.
	(
		t=$(date +%s)
		timeout -k 10 "$tmo" qemu-system-x86_64 \
			-accel tcg -m 1024 -smp 1 -nographic -nodefaults \
			-no-reboot -serial stdio -monitor none \
			-kernel "/boot/vmlinuz-$k" -initrd "$initrd" \
			-append "$cmdline" \
			-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
			-virtfs "local,path=$upper,mount_tag=sgfwpkg,security_model=none,readonly=on,multidevs=remap" \
			</dev/null >"$logs/$name.console" 2>&1 &
		echo "$!" >"$logs/$name.pid"
		wait "$!"
		echo "$? $(since "$t")" >"$logs/$name.rc"
		# Done: its id is no longer ours to kill.
		rm -f "$logs/$name.pid"
	) &
}

# finish_guest KERNEL CASE: the guest's TAP lines, numbered on, and its
# verdict.
finish_guest() {
	local k=$1 c=$2 name=$1-$2 rc log plan got secs problem=
	read -r rc secs <"$logs/$name.rc" || rc=none secs=0
	log=$cache/qemu/log/boot-$name-$(date +%Y%m%d-%H%M%S)-$$.log
	sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' \
		"$logs/$name.console" >"$log"
	# Keep the last 10 logs of each guest.
	# shellcheck disable=SC2012 # names of our own making
	ls -t "$cache/qemu/log/boot-$name-"*.log | tail -n +11 | xargs -r rm -f

	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | head -n1)
	got=$(grep -cE '^(not )?ok [0-9]+ - ' "$log")
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok * - }" ;;
		"not ok "*) not_ok "${line#not ok * - }" ;;
		"# "*) echo "$line" ;;
		esac
	done < <(grep -E '^((not )?ok [0-9]+ - |# )' "$log")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		problem="killed after ${tmo}s (SGFW_BOOT_TIMEOUT)"
	elif ! grep -q '^sgfw-boot: done' "$log"; then
		problem="stopped before its end marker (exit status $rc)"
	elif [ -z "$plan" ] || [ "$plan" != "$got" ]; then
		problem="planned ${plan:-no} checks, reported $got"
	fi
	if [ -n "$problem" ]; then
		not_ok "$k: the guest booted with $c.json finished # $problem"
		echo "# last lines of its console ($log):"
		tail -n 40 "$log" | sed 's/^/#   /'
	fi
	echo "# guest $name: ${secs}s; console log: $log"
}

t0=$(date +%s)
running=0
for g in $guests; do
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
	start_guest "${g%%:*}" "${g#*:}"
	running=$((running + 1))
done
wait
for g in $guests; do
	finish_guest "${g%%:*}" "${g#*:}"
done
echo "# the guests took $(since "$t0") s"

echo "1..$n"
exit $fail
