#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh RELEASE
#
# Build the tiny initramfs that boots a Debian kernel RELEASE under QEMU with
# the host's root file system as the guest's root: busybox, the virtio, 9p,
# 9p-over-virtio and overlay modules of that kernel, and an /init that loads
# them, mounts the host root read-only over 9p and switch_roots into it to
# run tests/qemu/guest-init.sh of the repository named on the kernel command
# line (sgfw_repo=PATH).
#
# With sgfw_boot_layer=PATH on the command line instead (tests/boot-check.sh)
# the guest boots systemd: its root is an overlay of a tmpfs over a second
# 9p share (tag sgfwpkg: the upper directory of a scratch root in which the
# packages were installed) over the host root, and the files of PATH, a
# directory on the host, are copied into the tmpfs first (the check's units,
# an empty fstab, the configuration under test).
#
# The image lands in $SGFW_CACHE/qemu/initramfs-RELEASE.cpio.gz and is only
# rebuilt when one of its inputs changes (this script, busybox, the modules).
# Prints the image's path on stdout.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 RELEASE" >&2
	exit 2
fi
rel=$1
cache=${SGFW_CACHE:-/var/cache/sgfw}
out_dir=$cache/qemu
image=$out_dir/initramfs-$rel.cpio.gz
stamp=$out_dir/initramfs-$rel.stamp
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
busybox=/bin/busybox

die() { echo "mkinitramfs.sh: $*" >&2; exit 1; }

[ -d "/lib/modules/$rel" ] || die "no /lib/modules/$rel (is the kernel installed?)"
[ -x "$busybox" ] || die "no $busybox (apt-get install busybox-static)"
# The dynamic busybox would find no libc in the initramfs.
ldd "$busybox" 2>&1 | grep -q 'not a dynamic executable' ||
	die "$busybox is not static (apt-get install busybox-static)"

# Only ask for the leaves: modprobe resolves what they need, in load order,
# for this kernel's own module tree.  Which pieces are modules and which are
# built in differs between releases (6.12 builds virtio_pci in and ships the
# modules xz-compressed), so nothing here names the intermediate modules.
leaves="virtio_pci 9pnet_virtio 9p overlay"
deps=
for m in $leaves; do
	d=$(modprobe --show-depends -S "$rel" "$m") ||
		die "modprobe cannot resolve $m for $rel"
	deps="$deps$d
"
done
mods=$(printf '%s' "$deps" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
[ -n "$mods" ] || die "no modules resolved for $rel"

# The cache key: everything that ends up in the image.
key=$(
	echo "$rel"
	sha256sum "$self" "$busybox"
	for m in $mods; do stat -c '%n %s %Y' "$m"; done
)
if [ -f "$image" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$key" ]; then
	echo "$image"
	exit 0
fi

mkdir -p "$out_dir"
stage=$(mktemp -d "$out_dir/initramfs-stage.XXXXXX")
trap 'rm -rf "$stage" "$image.tmp.$$"' EXIT

mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" \
	"$stage/newroot" "$stage/modules"
cp "$busybox" "$stage/bin/busybox"
for a in sh mount umount mkdir insmod switch_root cat echo sleep cp mknod; do
	ln -s busybox "$stage/bin/$a"
done
# The kernel opens /dev/console before running /init; give it one even if
# the kernel has no built-in initramfs providing it.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

# busybox insmod cannot read compressed modules: store them plain, numbered
# in load order.
i=10
for m in $mods; do
	name=$(basename "$m")
	case $name in
	*.ko.xz)  xz -dc "$m" >"$stage/modules/$i-${name%.xz}" ;;
	*.ko.zst) zstd -qdc "$m" >"$stage/modules/$i-${name%.zst}" ;;
	*.ko.gz)  gzip -dc "$m" >"$stage/modules/$i-${name%.gz}" ;;
	*.ko)     cp "$m" "$stage/modules/$i-$name" ;;
	*)        die "unexpected module file $m" ;;
	esac
	i=$((i + 1))
done

cat >"$stage/init" <<'EOF'
#!/bin/sh
# Load virtio + 9p, mount the host root read-only, hand over to the
# repository's guest-init.sh.  Any failure powers the guest off so that the
# harness sees a missing end marker instead of waiting for its timeout.
export PATH=/bin

fail() {
	echo "sgfw-initramfs: $*"
	echo o >/proc/sysrq-trigger
	sleep 30
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

for m in /modules/*.ko; do
	insmod "$m" || fail "insmod $m failed"
done

repo=
layer=
for arg in $(cat /proc/cmdline); do
	case $arg in
	sgfw_repo=*) repo=${arg#sgfw_repo=} ;;
	sgfw_boot_layer=*) layer=${arg#sgfw_boot_layer=} ;;
	esac
done

# msize: 9p messages up to 512 KiB (the virtio transport's cap is a little
# under that; the kernel clamps it).  cache=loose: the root is read-only and
# nobody changes the files a test reads while the guest runs, so the guest
# may cache data and metadata, which makes python and friends start fast.
p9="trans=virtio,version=9p2000.L,msize=512000,cache=loose"
if [ -n "$layer" ]; then
	# systemd on a writable root: tmpfs over the installed packages over
	# the host.  The layers are mounted outside /newroot and stay,
	# hidden, under the overlay that uses them.
	mkdir -p /host /pkg /rw
	mount -t 9p -o "ro,$p9" hostroot /host ||
		fail "cannot mount the host root over 9p"
	mount -t 9p -o "ro,$p9" sgfwpkg /pkg ||
		fail "cannot mount the package root over 9p"
	mount -t tmpfs -o mode=755 tmpfs /rw
	mkdir -p /rw/upper /rw/work
	[ -d "/host$layer" ] || fail "no $layer on the host root"
	cp -a "/host$layer/." /rw/upper/ || fail "cannot copy $layer"
	# A host that is a container (a CI job's) has /.dockerenv: systemd
	# would take itself for a container's init, ignore the kernel
	# command line (systemd.unit=) and skip what containers do not do.
	# A whiteout hides it.
	[ -e /host/.dockerenv ] && mknod /rw/upper/.dockerenv c 0 0
	mount -t overlay \
		-o lowerdir=/pkg:/host,upperdir=/rw/upper,workdir=/rw/work \
		overlay /newroot || fail "cannot mount the overlay root"
	[ -x /newroot/lib/systemd/systemd ] || fail "no systemd on the host root"
	# systemd mounts its own /proc, /sys and /run; /dev, where the
	# console is open, goes along.
	umount /proc /sys
	mount --move /dev /newroot/dev
	exec switch_root /newroot /lib/systemd/systemd
fi

[ -n "$repo" ] || fail "no sgfw_repo= on the kernel command line"
mount -t 9p -o "ro,$p9" hostroot /newroot ||
	fail "cannot mount the host root over 9p"
[ -f "/newroot$repo/tests/qemu/guest-init.sh" ] ||
	fail "no $repo/tests/qemu/guest-init.sh on the host root"

# /dev stays: the console is open on it.
umount /proc /sys
exec switch_root /newroot /bin/bash "$repo/tests/qemu/guest-init.sh"
EOF
chmod 755 "$stage/init"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
	gzip -1 >"$image.tmp.$$"
mv "$image.tmp.$$" "$image"
echo "$key" >"$stamp"
echo "$image"
