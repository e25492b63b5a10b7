#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A configuration dump that a change comes in the middle of says so, and
# loses nothing.  The kernel sends a dump in parts, one per read of the
# reader; each part resumes at the id of the object the last one ended
# with (not at a position, which a deletion shifts) and carries the
# configuration's generation, so that the first message of a part made
# after a change is flagged NLM_F_DUMP_INTR.  sgtool asks again when it
# sees that flag, so that what it prints is one configuration.
#
#   $ns1: prefix lists p00..p29 of 200 entries each (120 KB of dump)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1"

PL_GET=14 PL_NAME=1 PL_ENTRY=2
all='' listed=''
for i in $(seq -w 0 29); do
	assert sgt "$ns1" prefix-list add "p$i" max-entries 200
	cidrs=()
	for j in $(seq 0 199); do cidrs+=("10.$((10#$i)).$j.0/24"); done
	assert sgt "$ns1" prefix-list entry add "p$i" "${cidrs[@]}"
	all="$all p$i"
	listed="$listed p$i:200"
done
all=${all# } listed=${listed# }

log "a dump with no change in it"
out=$(nsx "$ns1" "$PYTHON" "$SGFW_REPO/tests/nlfuzz.py" dump-intr $PL_GET \
	$PL_NAME $PL_ENTRY true) || fail "the dump: $out"
assert_eq "the lists" "$listed" "$(echo "$out" | head -n 1)"
assert_match "not flagged" ' clean$' "$(echo "$out" | tail -n 1)"

log "p00 is deleted after the first part is read"
out=$(nsx "$ns1" "$PYTHON" "$SGFW_REPO/tests/nlfuzz.py" dump-intr $PL_GET \
	$PL_NAME $PL_ENTRY "$SGTOOL" prefix-list del p00) ||
	fail "the dump: $out"
echo "$out" | tail -n 1
# p00 came in the first part; resuming by position would skip a list, or
# the rest of one that a part ended in the middle of.
assert_eq "the lists" "$listed" "$(echo "$out" | head -n 1)"
assert_match "flagged" ' intr$' "$(echo "$out" | tail -n 1)"

log "sgtool reads one configuration while p00 comes and goes"
changes=$SGFW_TMP/changes
echo 0 >"$changes"
(
	n=0
	while :; do
		# A change every half second, so that most dumps end between
		# two (sgtool gives up after twenty interrupted ones).
		"$SGTOOL" -n "$ns1" prefix-list add p00 max-entries 200 || exit 1
		echo $((n += 1)) >"$changes"
		sleep 0.5
		"$SGTOOL" -n "$ns1" prefix-list del p00 || exit 1
		echo $((n += 1)) >"$changes"
		sleep 0.5
	done
) &
churn=$!
at_exit "kill $churn 2>/dev/null"
before=$(cat "$changes")
shows=0
# At least five shows, and on until p00 has changed twice meanwhile.
while [ $shows -lt 5 ] || [ $(($(cat "$changes") - before)) -lt 2 ]; do
	kill -0 $churn 2>/dev/null || fail "changing p00 failed"
	out=$(sgj "$ns1" prefix-list show) || fail "prefix-list show: $out"
	got=$(echo "$out" | jpy '" ".join(p["name"] for p in j if p["name"] != "p00") + " " + " ".join(sorted({str(len(p["entries"])) for p in j if p["name"] != "p00"}))')
	assert_eq "one configuration" "${all#p00 } 200" "$got"
	shows=$((shows + 1))
done
log "$shows shows, each whole, while p00 changed $(($(cat "$changes") - before)) times"
