#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# needs: fail-nth (the debug kernel only: Debian's have no fault injection)
#
# As 71, with single commands (each a transaction of its own, on a copy of
# the whole configuration): a rule added to a group of two devices, port
# settings changed (addresses and a MAC).  Each allocation each makes is
# failed in turn; after each run the configuration is the old one or the
# new, nothing in between, and a failure says why.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source-path=SCRIPTDIR source=../failnth.sh
. "$(dirname "$0")/../failnth.sh"

log "fail each allocation of single commands in turn"
try "rule add" rule add web ingress tcp port 8443 from 10.1.0.0/16
try "iface set port" iface set p0 mode port address 10.9.0.6 mac 02:00:00:00:00:06
save
same "$cur" "$base" || fail "the base configuration did not come back"
