#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# needs: fail-nth (the debug kernel only: Debian's have no fault injection)
#
# Every allocation a command makes may fail, and a failed command changes
# nothing.  Here the command is "apply" of a whole new configuration (one
# transaction: groups, rules, a prefix list, a NACL, port mode with a MAC,
# a waiting name; tests/failnth.sh): its Nth slab allocation after it sends
# its first request fails (/proc/thread-self/fail-nth, set by
# tests/failnth.c in sgtool), for every N from 1 to as many as it makes.
# After each run the configuration (sgtool save) is what it was before, or
# what apply makes when nothing fails: nothing in between; when sgtool
# says it succeeded, it is the latter; when it says it failed, it says
# why.  The run's end checks find no kernel report and, after rmmod, no
# leak.  (72 does the same with single commands.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../failnth.sh
. "$(dirname "$0")/../failnth.sh"

log "fail each allocation of apply in turn"
try "apply" apply "$d/new.json"
save
same "$cur" "$base" || fail "the base configuration did not come back"
