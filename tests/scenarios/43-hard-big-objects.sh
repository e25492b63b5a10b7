#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Objects at their limits are shown whole: a group with every rule it may
# have (60 per direction and family), each with a 255-byte description,
# and 1000 members, next to a small one; a prefix list of 1000 entries.
# Prefix lists count as their max-entries against the rule limits, and
# refuse what would break them, saying how to raise it.
#
#   $ns1: only the namespace, no traffic
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1"
ns=$ns1

desc=$(printf 'd%.0s' $(seq 255))
log "a group with 240 rules of 255-byte descriptions and 1000 members"
assert sgt "$ns" sg add big desc "$desc"
assert sgt "$ns" sg add small
sg_egress_clear "$ns" big
for dir in ingress egress; do
	[ $dir = ingress ] && w=from || w=to
	for i in $(seq 60); do
		assert sgt "$ns" rule add big $dir tcp port $((1000 + i)) \
			$w 10.0.0.0/8 desc "$desc"
		assert sgt "$ns" rule add big $dir tcp port $((1000 + i)) \
			$w fd00::/8 desc "$desc"
	done
done
assert_fails sgt "$ns" rule add big ingress tcp port 9999 from 10.0.0.0/8
members=$(for i in $(seq 0 999); do echo "10.1.$((i / 250)).$((i % 250 + 1))"; done)
# shellcheck disable=SC2086 # one argument per address
assert sgt "$ns" sg member add big $members

check_big() {
	"$PYTHON" -S -c '
import json, sys
groups = {g["name"]: g for g in json.loads(sys.argv[1])}
b = groups["big"]
assert len(b["rules"]) == 240, len(b["rules"])
assert len(b["members"]) == 1000, len(b["members"])
assert b["description"] == sys.argv[2]
assert all(r["description"] == sys.argv[2] for r in b["rules"])
assert len({r["id"] for r in b["rules"]}) == 240
assert sorted(groups) == sorted(sys.argv[3].split()), sorted(groups)
' "$1" "$desc" "$2"
}
out=$(sgj "$ns" sg show big) || fail "sg show big: $out"
check_big "$out" big || fail "sg show big is not whole"
out=$(sgj "$ns" sg show) || fail "sg show: $out"
check_big "$out" "big small" || fail "a dump of every group is not whole"
assert_eq "rule lines in text" 240 \
	"$(sgt "$ns" sg show big | grep -c '^  rule ')"

log "a prefix list of 1000 entries"
assert sgt "$ns" prefix-list add wide max-entries 1000
entries=$(for i in $(seq 0 999); do echo "10.$((i / 250)).$((i % 250)).0/24"; done)
# shellcheck disable=SC2086 # one argument per prefix
assert sgt "$ns" prefix-list entry add wide $entries
assert_eq "entries shown" 1000 \
	"$(sgj "$ns" prefix-list show wide | jpy 'len(j[0]["entries"])')"
assert_eq "entries in a dump" "1000 1000" \
	"$(sgj "$ns" prefix-list show | jpy '" ".join(str(p["max_entries"]) if p["name"] == "wide" else "" for p in j).strip() + " " + str(len([p for p in j if p["name"] == "wide"][0]["entries"]))')"

log "max-entries: how many entries, and how many rules a list counts as"
assert sgt "$ns" prefix-list add office
assert_eq "default max-entries" 20 \
	"$(sgj "$ns" prefix-list show office | jpy 'j[0]["max_entries"]')"
entries=$(for i in $(seq 20); do echo "192.0.2.$i"; done)
# shellcheck disable=SC2086 # one argument per prefix
assert sgt "$ns" prefix-list entry add office $entries
out=$(sgt "$ns" prefix-list entry add office 192.0.2.21 2>&1) &&
	fail "a 21st entry in a list of 20: $out"
assert_match "the 21st entry" 'raise it with prefix-list set NAME max-entries N' "$out"
assert sgt "$ns" prefix-list set office max-entries 25
assert sgt "$ns" prefix-list entry add office 192.0.2.21
out=$(sgt "$ns" prefix-list set office max-entries 10 2>&1) &&
	fail "max-entries below the entries: $out"
assert_match "max-entries below the entries" 'holds (21 entries|more entries)' "$out"

# A rule naming a list counts as its max-entries: two of 25 fit in 60.
assert sgt "$ns" sg add office-sg
sg_egress_clear "$ns" office-sg
assert sgt "$ns" rule add office-sg ingress tcp port 22 from prefix-list office
assert sgt "$ns" rule add office-sg ingress tcp port 80 from prefix-list office
out=$(sgt "$ns" rule add office-sg ingress tcp port 443 from prefix-list office 2>&1) &&
	fail "a third rule of 25: $out"
assert_match "a third rule of 25" 'more than 60 rules' "$out"
out=$(sgt "$ns" rule add office-sg ingress tcp port 22 from prefix-list wide 2>&1) &&
	fail "a rule naming a list of 1000: $out"
assert_match "a list of 1000" 'more than 60 rules' "$out"
# Raising a named list past what its group holds is refused.
out=$(sgt "$ns" prefix-list set office max-entries 31 2>&1) &&
	fail "max-entries past the group's limit: $out"
assert_match "past the group's limit" 'office-sg would count more than 60|more than 60 rules' "$out"
assert sgt "$ns" prefix-list set office max-entries 30
assert_eq "max-entries" 30 \
	"$(sgj "$ns" prefix-list show office | jpy 'j[0]["max_entries"]')"
