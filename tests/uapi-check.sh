#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# uapi/sgfw.yaml and uapi/linux/sgfw.h must describe the same family:
#  1. the spec validates against the kernel's genetlink-c schema;
#  2. every constant the kernel's YNL generator derives from the spec has
#     the same value in our hand-written header;
#  3. the module's policies and table of operations, module/netlink-gen.c
#     and .h, are what the generator makes of the spec now.  To make them
#     again after a change of the spec: tests/uapi-check.sh --regenerate.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
src=${SGFW_CACHE:-/var/cache/sgfw}/linux-source-6.12
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ynl-gen-c.py looks for the kernel tree around the spec (MAINTAINERS) and
# for the schema beside the specs directory: give it a tiny tree of its own.
mkdir -p "$work/Documentation/netlink/specs"
touch "$work/MAINTAINERS"
cp "$src/Documentation/netlink/genetlink-legacy.yaml" "$work/Documentation/netlink/"
cp "$repo/uapi/sgfw.yaml" "$work/Documentation/netlink/specs/"

if (cd "$src/tools/net/ynl" && timeout 60 "$py" ynl-gen-c.py --mode uapi \
	--header --spec "$work/Documentation/netlink/specs/sgfw.yaml" \
	-o "$work/gen.h") >"$work/gen.log" 2>&1; then
	echo "ok 1 - uapi: spec validates and generates"
else
	sed 's/^/# /' "$work/gen.log" | tail -20
	echo "not ok 1 - uapi: spec validates and generates"
	exit 1
fi

# Print every enumerator and #define of the generated header, evaluated
# against one header and then the other; the two listings must be equal.
names=$(sed -n 's/^[[:space:]]*\([A-Z_][A-Z0-9_]*\)\( = [0-9]*\)\{0,1\},$/\1/p;
	s/^#define \([A-Z_][A-Z0-9_]*\)[[:space:]].*/\1/p' "$work/gen.h" |
	grep -v '^_UAPI_')
{
	cat <<'EOC'
#include <stdio.h>
#include HDR
static void print_s(const char *n, const char *v) { printf("%s=\"%s\"\n", n, v); }
static void print_i(const char *n, long long v) { printf("%s=%lld\n", n, v); }
#define P(x) _Generic((x), char *: print_s, default: print_i)(#x, x)
int main(void)
{
EOC
	for n in $names; do
		echo "	P($n);"
	done
	echo '	return 0;'
	echo '}'
} >"$work/dump.c"
ok=1
for h in "$work/gen.h" "$repo/uapi/linux/sgfw.h"; do
	tag=$(basename "$h")
	if ! cc -w -o "$work/dump-$tag" -DHDR="\"$h\"" "$work/dump.c" 2>"$work/cc.log"; then
		sed 's/^/# /' "$work/cc.log" | head -20
		ok=0
	else
		"$work/dump-$tag" >"$work/$tag.txt"
	fi
done
if [ $ok = 1 ] && diff -u "$work/gen.h.txt" "$work/sgfw.h.txt" >"$work/diff" 2>&1; then
	echo "ok 2 - uapi: header agrees with spec ($(echo $names | wc -w) constants)"
else
	sed 's/^/# /' "$work/diff" 2>/dev/null || true
	echo "not ok 2 - uapi: header agrees with spec"
	exit 1
fi

# 3: the generated kernel code, made again (the kernel tree's name for the
# spec is in its comment, so the copy lives where the kernel's would).
gen_ok=1
for kind in source header; do
	ext=c
	[ $kind = header ] && ext=h
	if ! (cd "$src/tools/net/ynl" && timeout 60 "$py" ynl-gen-c.py \
		--mode kernel --$kind \
		--spec "$work/Documentation/netlink/specs/sgfw.yaml" \
		-o "$work/netlink-gen.$ext") >"$work/gen-$ext.log" 2>&1; then
		sed 's/^/# /' "$work/gen-$ext.log" | tail -10
		gen_ok=0
		continue
	fi
	if [ "${1:-}" = --regenerate ]; then
		cp "$work/netlink-gen.$ext" "$repo/module/netlink-gen.$ext"
	elif ! diff -u "$repo/module/netlink-gen.$ext" "$work/netlink-gen.$ext" \
		>"$work/gen-$ext.diff"; then
		sed 's/^/# /' "$work/gen-$ext.diff" | head -40
		gen_ok=0
	fi
done
if [ $gen_ok = 1 ]; then
	echo "ok 3 - uapi: module/netlink-gen.[ch] are what the spec generates"
else
	echo "# run tests/uapi-check.sh --regenerate after changing the spec"
	echo "not ok 3 - uapi: module/netlink-gen.[ch] are what the spec generates"
	exit 1
fi
