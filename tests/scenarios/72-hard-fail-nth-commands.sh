#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# needs: fail-nth (the debug kernel only: Debian's have no fault injection)
#
# As 71, with a single command (a transaction of its own, on a copy of the
# whole configuration): port settings changed (addresses and a MAC: a new
# port, its hooks kept).  Each allocation it makes is failed in turn; after
# each run the configuration is the old one or the new, nothing in
# between, and a failure says why.  (A rule added went the same way, 123
# allocations, all but a few of them the copy's: left out for time.)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../failnth.sh
. "$(dirname "$0")/../failnth.sh"

log "fail each allocation of a single command in turn"
try "iface set port" iface set p0 mode port address 10.9.0.6 mac 02:00:00:00:00:06
save
same "$cur" "$base" || fail "the base configuration did not come back"
