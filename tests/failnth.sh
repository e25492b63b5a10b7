# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# For the scenarios that fail each allocation of a command in turn (71,
# 72), sourced after tests/lib.sh: the kernel's fault injection set up,
# tests/failnth.c built, the namespace $nsf with its base configuration
# ($d/base.json, applied) and the new one apply makes of it
# ($d/new.json), and try, which runs a command with its allocations
# failing one by one.
#
#   $nsf: d0 (dummy, endpoint: groups web and ssh, NACL edge), p0 (dummy,
#         port mode with addresses), the base configuration restored after
#         each run that changed it.

require_sgtool
[ -w /proc/self/fail-nth ] ||
	fail "no /proc/self/fail-nth: the kernel lacks CONFIG_FAULT_INJECTION"
dbg=/sys/kernel/debug
if [ ! -d "$dbg/failslab" ]; then
	mount -t debugfs none "$dbg" 2>/dev/null
	at_exit "umount '$dbg'"
fi
[ -d "$dbg/failslab" ] || fail "no $dbg/failslab: the kernel lacks CONFIG_FAILSLAB"
# Also the allocations that may sleep (GFP_KERNEL), and quietly.
echo N >"$dbg/failslab/ignore-gfp-wait"
echo 0 >"$dbg/failslab/verbose"
at_exit "echo Y >'$dbg/failslab/ignore-gfp-wait'; echo 2 >'$dbg/failslab/verbose'"

d=$SGFW_TMP
cc -Wall -shared -fPIC -o "$d/failnth.so" "$(dirname "$0")/../failnth.c" \
	-ldl || fail "cannot build tests/failnth.c"

nsf=sgfw-fn-$$
ns_add "$nsf"
for dev in d0 p0; do
	nsx "$nsf" ip link add "$dev" type dummy
	nsx "$nsf" ip link set "$dev" up
done
nsx "$nsf" ip addr add 192.0.2.1/24 dev d0

python3 -S - "$d" <<'EOF'
import json, sys
d = sys.argv[1]
def rule(port, peer, direction="ingress", proto="tcp"):
    return {"direction": direction, "protocol": proto, "port_from": port,
            "port_to": port, "peer": peer}
base = {
    "prefix_lists": [{"name": "office", "max_entries": 10,
                      "entries": ["198.51.100.0/24", "2001:db8:100::/48"]}],
    "security_groups": [
        {"name": "web", "rules": [rule(80, "0.0.0.0/0"), rule(443, "::/0"),
                                  rule(5432, "sg web")]},
        {"name": "ssh", "rules": [rule(22, "prefix-list office")],
         "members": ["203.0.113.7"]},
        {"name": "spare", "rules": [rule(9, "10.0.0.0/8", "egress", "udp")]}],
    "network_acls": [{"name": "edge", "rules": [
        {"number": 100, "direction": "ingress", "action": "allow",
         "protocol": "all", "cidr": "0.0.0.0/0"},
        {"number": 100, "direction": "egress", "action": "allow",
         "protocol": "all", "cidr": "0.0.0.0/0"}]}],
    "interfaces": [
        {"name": "d0", "security_groups": ["web", "ssh"],
         "network_acl": "edge"},
        {"name": "p0", "security_groups": ["web"], "mode": "port",
         "addresses": ["10.9.0.5", "fd00::5"]}],
}
json.dump(base, open(d + "/base.json", "w"))
# What apply makes of it: a changed rule, a new group on both devices, a
# prefix list grown, a NACL rule more, port mode with a MAC, a waiting name.
new = json.loads(json.dumps(base))
new["security_groups"][0]["rules"][0] = rule(8080, "0.0.0.0/0")
new["security_groups"].append({"name": "db", "rules": [
    rule(3306 + i, "10.%d.0.0/16" % i) for i in range(3)]})
new["prefix_lists"][0]["entries"].append("192.0.2.0/24")
new["network_acls"][0]["rules"].append(
    {"number": 50, "direction": "ingress", "action": "deny",
     "protocol": "tcp", "port_from": 23, "port_to": 23,
     "cidr": "0.0.0.0/0"})
for i in new["interfaces"]:
    i["security_groups"].append("db")
new["interfaces"][1]["mac"] = "02:00:00:00:00:05"
new["interfaces"].append({"name": "w0", "security_groups": ["ssh"]})
json.dump(new, open(d + "/new.json", "w"))
EOF

# save: the configuration (one line), in $cur.
save() {
	sgt "$nsf" save >"$d/cur" || fail "save"
	IFS= read -r cur <"$d/cur"
}
# canon CONFIG: CONFIG with each group's rules in a fixed order (save lists
# them by id, and restoring the base after a command gives some new ids).
canon() {
	echo "$1" | jpy '{**j, "security_groups": [{**g, "rules": sorted(g["rules"], key=lambda r: json.dumps(r, sort_keys=True))} for g in j["security_groups"]]}'
}
# same A B: the same configuration?
same() { [ "$1" = "$2" ] || [ "$(canon "$1")" = "$(canon "$2")" ]; }
restore() { sgt "$nsf" apply "$d/base.json" || fail "restoring the base"; }
# run N CMD...: sgtool CMD with the Nth allocation failing (0: none); sets
# rc and left (the count left at its exit); its standard error in $d/err.
run() {
	local n=$1
	shift
	rc=0
	LD_PRELOAD="$d/failnth.so" SGFW_FAIL_NTH="$n" \
		SGFW_FAIL_NTH_OUT="$d/left" "$SGTOOL" -n "$nsf" "$@" \
		>/dev/null 2>"$d/err" || rc=$?
	IFS= read -r left <"$d/left" || left=
}

assert sgt "$nsf" apply "$d/base.json"
save
# shellcheck disable=SC2034 # the scenarios compare with it
base=$cur
# try WHAT CMD...: CMD, failing each of its allocations in turn.
try() {
	local what=$1 s0 s1 n i failed=0
	shift
	save
	s0=$cur
	run 0 "$@"
	[ "$rc" = 0 ] || fail "$what: $(cat "$d/err")"
	save
	s1=$cur
	! same "$s1" "$s0" || fail "$what changes nothing"
	restore
	# How many it makes: a count it never reaches.
	run 1000000 "$@"
	[ "$rc" = 0 ] || fail "$what, counting: $(cat "$d/err")"
	n=$((1000000 - left))
	if [ "$n" -le 0 ] || [ "$n" -ge 1000000 ]; then
		fail "$what: $n allocations counted ($left left)"
	fi
	restore
	save
	s0=$cur
	for i in $(seq "$n"); do
		run "$i" "$@"
		save
		if [ "$left" != 0 ]; then
			# Fewer allocations this time (the last few are the
			# program's own, and vary): it ran with none failing.
			if [ "$rc" != 0 ] || ! same "$cur" "$s1"; then
				fail "$what, allocation $i of $n not reached ($left left), yet sgtool: $(cat "$d/err")"
			fi
		elif [ "$rc" = 0 ]; then
			same "$cur" "$s1" ||
				fail "$what, allocation $i of $n failed: sgtool succeeded, but the configuration is not what $what makes"
		else
			failed=$((failed + 1))
			[ -s "$d/err" ] ||
				fail "$what, allocation $i of $n failed: sgtool said nothing (status $rc)"
			if [ "$cur" != "$s0" ] && ! same "$cur" "$s1" &&
			   ! same "$cur" "$s0"; then
				echo "$s0" >"$d/s0"
				diff "$d/s0" "$d/cur" >&2
				fail "$what, allocation $i of $n failed ($(cat "$d/err")): the configuration is neither the old one nor the new"
			fi
		fi
		if [ "$cur" != "$s0" ]; then
			restore
			save
			s0=$cur
		fi
	done
	log "$what: $n allocations, each failed once: sgtool failed $failed times, and nothing was left halfway"
}

