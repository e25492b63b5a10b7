#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make deb` into a scratch directory, lintian over what it built (an
# error fails; warnings are shown), and the packages' contents and control
# data: where each file is, the conffile, the dependencies, the versions,
# dkms.conf as DKMS needs it, the systemd unit.  One TAP line per check.
# Installing the packages, with their DKMS builds, and booting them is
# tests/boot-check.sh's part.
# shellcheck disable=SC2317 # the checks are functions that result() runs
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
out=$(mktemp -d /var/tmp/sgfw-deb.XXXXXX)
trap 'rm -rf "$out"' EXIT
n=0 fail=0

# result NAME CMD...: one TAP line, ok when CMD succeeds; its output, if
# it fails, as diagnostics.
result() {
	name=$1
	shift
	n=$((n + 1))
	if "$@" >"$out/result.log" 2>&1; then
		echo "ok $n - deb: $name"
	else
		sed 's/^/# /' "$out/result.log"
		echo "not ok $n - deb: $name"
		fail=1
	fi
}

dkms_deb=$out/sgfw-dkms_${ver}_all.deb
tool_deb=

built() {
	make -C "$repo" deb DEB_DIR="$out" >"$out/make.log" 2>&1 || {
		tail -30 "$out/make.log"
		return 1
	}
	tool_deb=$(ls "$out"/sgtool_"$ver"_*.deb)
	ls "$dkms_deb" "$tool_deb" "$out/sgfw_$ver.dsc" \
		"$out"/sgfw_"$ver"_*.changes
}
result "make deb builds sgfw-dkms, sgtool and the source package $ver" built
if [ ! -f "$dkms_deb" ] || [ -z "$tool_deb" ]; then
	echo "1..$n"
	exit 1
fi

lint() {
	lintian -I -E --pedantic "$out"/sgfw_"$ver"_*.changes \
		>"$out/lintian.log" 2>&1
	grep -E '^[WIPX]: ' "$out/lintian.log" | sed 's/^/# lintian: /' >&3
	! grep '^E: ' "$out/lintian.log"
}
result "lintian reports no error on the .changes, .dsc and .debs" lint 3>&1

# has DEB PATH...: every PATH is in DEB.
has() {
	deb=$1
	shift
	dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' \
		>"$out/contents"
	for p in "$@"; do
		grep -qxF "$p" "$out/contents" || {
			echo "$(basename "$deb") has no $p"
			return 1
		}
	done
}

# field DEB NAME: the control field NAME of DEB.
field() { dpkg-deb -f "$1" "$2"; }

tool_files() {
	has "$tool_deb" /usr/sbin/sgtool /usr/share/man/man8/sgtool.8.gz \
		/usr/share/bash-completion/completions/sgtool \
		/lib/systemd/system/sgfw.service /etc/sgfw/sgfw.json
}
result "sgtool: sgtool, man page, bash completion, sgfw.service, /etc/sgfw/sgfw.json" \
	tool_files

conffile() {
	dpkg-deb -I "$tool_deb" conffiles | grep -qx /etc/sgfw/sgfw.json
}
result "sgtool: /etc/sgfw/sgfw.json is a conffile" conffile

tool_control() {
	deps=$(field "$tool_deb" Depends)
	echo "Depends: $deps"
	[ "$(field "$tool_deb" Architecture)" != all ] &&
		[ "$(field "$tool_deb" Version)" = "$ver" ] &&
		echo "$deps" | grep -q "sgfw-dkms (= $ver)" &&
		echo "$deps" | grep -q 'libmnl0' &&
		echo "$deps" | grep -q 'libjansson4'
}
result "sgtool: version $ver, depends on sgfw-dkms (= $ver), libmnl0, libjansson4" \
	tool_control

# The unit, enabled and started on installation, not stopped on upgrade.
unit() {
	rm -rf "$out/x"
	dpkg-deb -x "$tool_deb" "$out/x"
	u=$out/x/lib/systemd/system/sgfw.service
	for want in DefaultDependencies=no Type=oneshot RemainAfterExit=yes \
		'ExecStart=/sbin/modprobe sgfw' \
		'ExecStart=/usr/sbin/sgtool apply /etc/sgfw/sgfw.json' \
		'ExecReload=/usr/sbin/sgtool apply /etc/sgfw/sgfw.json'; do
		grep -qxF "$want" "$u" || {
			echo "sgfw.service has no \"$want\""
			return 1
		}
	done
	# KEY=VALUE: VALUE among the words of a KEY= line.
	for want in Before=network-pre.target Wants=network-pre.target \
		After=local-fs.target After=systemd-modules-load.service; do
		sed -n "s/^${want%%=*}=//p" "$u" | tr ' ' '\n' |
			grep -qxF "${want#*=}" || {
			echo "sgfw.service has no \"$want\""
			return 1
		}
	done
	# Its syntax and commands, with the sgtool of the package.
	sed "s|/usr/sbin/sgtool|$out/x/usr/sbin/sgtool|" "$u" \
		>"$out/sgfw.service"
	systemd-analyze verify --man=no "$out/sgfw.service" || return 1
	dpkg-deb -I "$tool_deb" postinst >"$out/postinst"
	dpkg-deb -I "$tool_deb" prerm >"$out/prerm"
	# shellcheck disable=SC2016 # prerm's own "$1"
	grep -q 'deb-systemd-helper.*enable' "$out/postinst" &&
		grep -q 'deb-systemd-invoke start' "$out/postinst" &&
		grep -qF '[ "$1" = remove ]' "$out/prerm"
}
result "sgtool: sgfw.service loads sgfw and applies the file; enabled, started, kept on upgrade" \
	unit

tool_version() {
	"$out/x/usr/sbin/sgtool" version | grep -qx "tool: *$ver"
}
result "sgtool: the packaged sgtool says it is $ver" tool_version

dkms_files() {
	[ "$(field "$dkms_deb" Architecture)" = all ] &&
		[ "$(field "$dkms_deb" Version)" = "$ver" ] &&
		field "$dkms_deb" Depends | grep -q dkms &&
		has "$dkms_deb" "/usr/src/sgfw-$ver/dkms.conf" \
			"/usr/src/sgfw-$ver/Kbuild" \
			"/usr/src/sgfw-$ver/module/main.c" \
			"/usr/src/sgfw-$ver/module/netlink-gen.c" \
			"/usr/src/sgfw-$ver/uapi/linux/sgfw.h"
}
result "sgfw-dkms: arch all, version $ver, depends on dkms, the sources in /usr/src/sgfw-$ver" \
	dkms_files

dkms_conf() {
	rm -rf "$out/d"
	dpkg-deb -x "$dkms_deb" "$out/d"
	c=$out/d/usr/src/sgfw-$ver/dkms.conf
	cat "$c"
	! grep -q '^CLEAN=' "$c" &&
		grep -qx 'BUILD_EXCLUSIVE_KERNEL_MIN="6.1"' "$c" &&
		grep -qx "PACKAGE_VERSION=\"$ver\"" "$c" &&
		cmp "$c" "$repo/dkms.conf"
}
result "sgfw-dkms: dkms.conf is the tree's, without CLEAN, with BUILD_EXCLUSIVE_KERNEL_MIN" \
	dkms_conf

# dkms.conf's version is the packages'; the fallbacks of builds that are
# not told the version (in-tree KUnit, sgtool out of git) must agree.
fallbacks() {
	grep -q "^#define SGFW_VERSION \"$ver\"" "$repo/module/version.h" &&
		grep -q "^#define SGTOOL_VERSION \"$ver\"" \
			"$repo/tools/sgtool/version.c" &&
		grep -q "|| echo $ver)" "$repo/tools/sgtool/Makefile"
}
result "version.h, version.c and tools/sgtool/Makefile fall back to dkms.conf's $ver" \
	fallbacks

# The source package builds from itself, without the checkout.
source_pkg() {
	rm -rf "$out/s"
	dpkg-source -x "$out/sgfw_$ver.dsc" "$out/s" &&
		[ -x "$out/s/debian/rules" ] && [ -f "$out/s/debian/changelog" ] &&
		[ -f "$out/s/tools/systemd/sgfw.service" ]
}
result "the source package unpacks with its debian/changelog" source_pkg

echo "1..$n"
exit $fail
