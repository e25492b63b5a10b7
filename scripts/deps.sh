#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package that building, demonstrating and testing sgfw
# needs, and unpack the 6.12 kernel source (KUnit, checkpatch, the YNL tools)
# into the cache directory.  Idempotent: when everything is present it only
# checks, which takes about a second.
#
# Environment: SGFW_CACHE (default /var/cache/sgfw), where kernel builds and
# the unpacked source live, outside the repository.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cache=${SGFW_CACHE:-/var/cache/sgfw}

base_pkgs="build-essential bc bison flex libelf-dev libssl-dev pkg-config
	kmod cpio xz-utils busybox-static qemu-system-x86 iproute2
	iputils-ping procps python3 python3-scapy python3-yaml
	python3-jsonschema libmnl-dev libjansson-dev sparse dkms nftables iperf3
	linux-source-6.12 perl clang libclang-rt-dev
	debhelper dh-dkms lintian bash-completion systemd
	openssh-server openssh-client dnsmasq-base bind9-dnsutils curl"

kernel_pkgs() {
	for k in $("$here/kernels.sh" 2>/dev/null); do
		echo "linux-headers-$k linux-image-$k-unsigned"
	done
}

missing() {
	kp=$(kernel_pkgs)
	[ -n "$kp" ] || { echo "kernels-unresolved"; return; }
	for p in $base_pkgs $kp; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

if [ -n "$(missing)" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2046
	apt-get install -y -q --no-install-recommends $base_pkgs $(kernel_pkgs)
	left=$(missing)
	if [ -n "$left" ]; then
		echo "deps.sh: still missing: $left" >&2
		exit 1
	fi
fi

# The 6.12 source: KUnit runs on UML from it, checkpatch.pl and the YNL
# command-line client come from it.
src_tar=$(ls /usr/src/linux-source-6.12*.tar.* 2>/dev/null | head -n1)
src_dir="$cache/linux-source-6.12"
stamp="$src_dir/.sgfw-unpacked-$(basename "$src_tar")"
if [ ! -e "$stamp" ]; then
	echo "deps.sh: unpacking $(basename "$src_tar") into $cache"
	rm -rf "$src_dir" "$cache/unpack.tmp"
	mkdir -p "$cache/unpack.tmp"
	tar -C "$cache/unpack.tmp" -xf "$src_tar"
	mv "$cache/unpack.tmp"/linux-source-6.12* "$src_dir"
	rmdir "$cache/unpack.tmp"
	touch "$stamp"
fi

# promtool, from Debian's prometheus package, checks what `sgtool stats -o
# prometheus` prints.  Unpacked into the cache rather than installed: the
# package would start a Prometheus server.  One static binary.
prom_dir="$cache/prometheus"
if [ ! -x "$prom_dir/usr/bin/promtool" ]; then
	echo "deps.sh: unpacking promtool into $prom_dir"
	tmp=$(mktemp -d)
	# apt fetches as _apt where it can write.
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get download -q prometheus); then
		apt-get update -q
		(cd "$tmp" && apt-get download -q prometheus)
	fi
	rm -rf "$prom_dir"
	dpkg-deb -x "$tmp"/prometheus_*.deb "$prom_dir"
	rm -rf "$tmp"
	[ -x "$prom_dir/usr/bin/promtool" ] || {
		echo "deps.sh: no promtool in the prometheus package" >&2
		exit 1
	}
fi
exit 0
