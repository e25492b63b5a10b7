#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make install` into a scratch DESTDIR for every supported kernel: the
# module lands under kernel/net/sgfw with depmod's index naming it,
# sgtool, its man page, its bash completion and the unit sgfw.service
# (running that sgtool) land under PREFIX, and the empty configuration in
# /etc/sgfw.  One TAP line per kernel.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
n=0 fail=0
for k in $("$repo/scripts/kernels.sh"); do
	n=$((n + 1))
	dest=$(mktemp -d /var/tmp/sgfw-install.XXXXXX)
	log=$dest.log
	if make -C "$repo" install KERNELRELEASE="$k" DESTDIR="$dest" \
		>"$log" 2>&1 &&
	   ls "$dest/lib/modules/$k/kernel/net/sgfw/sgfw.ko"* >/dev/null 2>&1 &&
	   grep -q '^kernel/net/sgfw/sgfw.ko[^:]*:' \
		"$dest/lib/modules/$k/modules.dep" &&
	   [ -x "$dest/usr/local/sbin/sgtool" ] &&
	   [ -f "$dest/usr/local/share/man/man8/sgtool.8" ] &&
	   [ -f "$dest/usr/local/share/bash-completion/completions/sgtool" ] &&
	   grep -qx 'ExecStart=/usr/local/sbin/sgtool apply /etc/sgfw/sgfw.json' \
		"$dest/usr/local/lib/systemd/system/sgfw.service" &&
	   [ -f "$dest/etc/sgfw/sgfw.json" ]; then
		echo "ok $n - install: make install for $k"
	else
		sed 's/^/# /' "$log" | tail -20
		find "$dest" -type f | sed 's/^/# /' | head -20
		echo "not ok $n - install: make install for $k"
		fail=1
	fi
	rm -rf "$dest" "$log"
done
exit $fail
