#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `make deb`: the Debian packages sgfw-dkms and sgtool, and the source
# package, built by debhelper (debian/) from a copy of the tree in
# OUT/sgfw-VERSION; the packages land in OUT (default build/deb), which is
# made anew.  Unsigned.
#
# VERSION is dkms.conf's PACKAGE_VERSION, the project's one version:
# debian/changelog is written here with it, dated by the last commit.  The
# copy is what git tracks (and new files not yet ignored), or out of git
# (a release tarball) everything but build/; it is built as a release
# tarball would be, out of reach of the checkout's git.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-build/deb}
case $out in /*) ;; *) out=$repo/$out ;; esac
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$repo/dkms.conf")
[ -n "$ver" ] || { echo "deb.sh: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
src=$out/sgfw-$ver

rm -rf "$out"
mkdir -p "$src"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	when=$(git -C "$repo" log -1 --format=%ct)
	# Files deleted but not yet committed are skipped.
	(cd "$repo" && git ls-files -z -c -o --exclude-standard |
		tar -c --null --ignore-failed-read -T - -f -) | tar -x -C "$src"
else
	when=$(date +%s)
	(cd "$repo" && tar -c --exclude=./build -f - .) | tar -x -C "$src"
fi

maint=$(sed -n 's/^Maintainer: //p' "$src/debian/control")
cat >"$src/debian/changelog" <<EOF
sgfw ($ver) unstable; urgency=medium

  * sgfw $ver, built by make deb.

 -- $maint  $(date -R -u -d "@$when")
EOF

export GIT_CEILING_DIRECTORIES="$out"
(cd "$src" && dpkg-buildpackage -us -uc)
ls -l "$out"
