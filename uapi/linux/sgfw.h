/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * sgfw: stateful security groups and stateless network ACLs for Linux.
 *
 * Generic netlink family "sgfw", version 2.  The family is described by
 * uapi/sgfw.yaml; this header and that spec must agree (tests check).
 * While sgfw is 0.x, a new version may renumber attributes: a program
 * should check the version the controller reports (CTRL_ATTR_VERSION).
 *
 * Every object lives in a network namespace: a request acts on the
 * namespace of the socket that sends it.  Attributes are scalars, strings,
 * or nests flagged NLA_F_NESTED; there are no binary structures, except
 * IPv6 addresses (16 bytes, network order).  IPv4 addresses are u32 in
 * network order.  Ports, ids, counts and timeouts are host order.
 * Enumerations (direction, tracking, flow state) travel as u32; protocol
 * numbers, ICMP types and codes and prefix lengths as u8; ports as u16.
 *
 * Validation is strict: an unknown attribute, a wrong type, a value out
 * of range or a non-zero reserved field of the generic netlink header is
 * refused with an extended-ack message that names the attribute, and a
 * refused request changes nothing.  Every command but SGFW_CMD_STATUS
 * needs CAP_NET_ADMIN in the namespace's user namespace ("admin" below):
 * reading the rules and flows too, as for nftables and ctnetlink.
 *
 * Objects per namespace are bounded: 2500 security groups, 100 prefix
 * lists, 200 network ACLs.  Memory that sgfw allocates for a namespace is
 * charged to a memory cgroup: its configuration to the requesting task's,
 * its flows to the cgroup of the task that first configured it.
 *
 * A dump may split one large object over several messages: each carries
 * the object's name (and id) and the next part of its lists; a reader
 * joins the messages of one object.  The dumps of the configuration
 * (SG_GET, PL_GET, IFACE_GET, NACL_GET) list objects in a fixed order
 * (groups by id, prefix lists and network ACLs by creation, devices by
 * ifindex) and go on where they stopped even when objects come and go
 * between two parts; a dump that a change came in the middle of flags
 * NLM_F_DUMP_INTR on the first message made after it, and its reader
 * should ask again.
 *
 * Names (security groups, prefix lists) are 1 to 63 bytes of letters,
 * digits, '.', '_' and '-'.
 *
 * Commands
 * --------
 *
 * SGFW_CMD_STATUS (do)
 *   Reply: SGFW_A_STATUS_VERSION (string, the module's version),
 *   SGFW_A_STATUS_FLOWS (u32, flows tracked in this namespace now),
 *   SGFW_A_STATUS_FLOW_LIMIT (u32, the most flows it may track),
 *   SGFW_A_STATUS_ALLOWANCE_EXCEEDED (u64, packets dropped because the
 *   table was full: conntrack_allowance_exceeded),
 *   SGFW_A_STATUS_ALLOWANCE_AVAILABLE (u32, flows that can still be
 *   created: conntrack_allowance_available),
 *   SGFW_A_STATUS_BUCKET_FULL (u64, new flows refused because their hash
 *   chain held the most flows of this namespace it may),
 *   SGFW_A_STATUS_EVICTED (u64, flows that had seen no reply, removed to
 *   make room for new ones in a full namespace),
 *   SGFW_A_STATUS_NOMEM (u64, new flows refused for want of memory),
 *   SGFW_A_STATUS_FLOW_LIMIT_CEILING (u32, the highest limit that needs no
 *   CAP_NET_ADMIN in the initial user namespace),
 *   SGFW_A_STATUS_CONFIRM_PENDING (u32, only while a commit awaits its
 *   confirmation: seconds until it goes back), SGFW_A_STATUS_EVENTS (u8,
 *   1 when the namespace sends events), SGFW_A_STATUS_FRAGS (u32,
 *   fragmented datagrams of port-mode devices whose first fragment passed
 *   and whose other fragments may still come), SGFW_A_STATUS_FRAGS_FULL
 *   (u64, first fragments dropped because that table, or the device's
 *   share of it in that direction, was full).
 *
 * SGFW_CMD_STATUS_SET (do, admin)
 *   Request: SGFW_A_STATUS_FLOW_LIMIT (u32, 1 to 16777216; above the
 *   ceiling, only with CAP_NET_ADMIN in the initial user namespace),
 *   SGFW_A_STATUS_EVENTS (u8, 1 or 0: the namespace sends events to the
 *   events group, or builds none), or both.
 *   Lowering the limit below the flows tracked now removes none of them;
 *   new flows wait until the count falls under the limit.  A namespace at
 *   its limit makes room for a new flow by reclaiming its expired flows,
 *   then by evicting its oldest flow that has seen no reply; a flow that
 *   has seen a reply is never evicted.
 *
 * SGFW_CMD_SG_NEW (do, admin)
 *   Request: SGFW_A_SG_NAME (required), SGFW_A_SG_DESCRIPTION (optional,
 *   at most 255 bytes).  The new group has no ingress rules and one egress
 *   rule per family allowing everything to 0.0.0.0/0 and ::/0.
 *   Reply: the group as SGFW_CMD_SG_GET gives it.
 *
 * SGFW_CMD_SG_DEL (do, admin)
 *   Request: SGFW_A_SG_NAME.  Refused while the group is attached to a
 *   device or named as the peer of another group's rule (its own rules
 *   may name it).
 *
 * SGFW_CMD_SG_GET (do, dump, admin)
 *   Request (do): SGFW_A_SG_NAME.  Reply, one message per group:
 *   SGFW_A_SG_NAME, SGFW_A_SG_ID (u32), SGFW_A_SG_DESCRIPTION (absent when
 *   empty), SGFW_A_SG_RULE (nest of SGFW_A_RULE_*, one per rule, ingress
 *   then egress, in id order), SGFW_A_SG_MEMBER (nest of SGFW_A_CIDR_*,
 *   one per address added by hand), SGFW_A_SG_ATTACHED (u32, devices the
 *   group is attached to).
 *
 * SGFW_CMD_RULE_NEW (do, admin)
 *   Request: SGFW_A_RULE_SG (the group's name), SGFW_A_RULE_DIRECTION (enum
 *   sgfw_direction), SGFW_A_RULE_MATCH (a nest: SGFW_A_MATCH_PROTOCOL, u8,
 *   absent means every protocol; SGFW_A_MATCH_PORT_FROM and
 *   SGFW_A_MATCH_PORT_TO, u16, tcp and udp only, both or neither, absent
 *   means every port; SGFW_A_MATCH_ICMP_TYPE and SGFW_A_MATCH_ICMP_CODE, u8,
 *   icmp and icmpv6 only, absent means any, a code needs a type; an absent
 *   nest matches every packet), exactly one peer: SGFW_A_RULE_PEER (a nest of
 *   SGFW_A_CIDR_*; no prefix length: a host), SGFW_A_RULE_PEER_SG or
 *   SGFW_A_RULE_PEER_PREFIX_LIST (names), and SGFW_A_RULE_DESCRIPTION
 *   (optional, at most 255 bytes).  CIDRs are stored canonical; a rule equal
 *   to one the group has is refused; so is a rule past the limits (60 per
 *   direction per family per group, 1000 rules times groups on a device).  A
 *   CIDR peer makes the rule apply to its family only; icmp needs an IPv4
 *   peer and icmpv6 an IPv6 one; a group or prefix-list peer applies to both
 *   families and counts against both limits.  A prefix-list peer counts as
 *   the list's max-entries rules.  Reply: the rule (SGFW_A_RULE_* with its
 *   SGFW_A_RULE_ID).  A rule as SGFW_CMD_SG_GET and RULE_NEW give it has its
 *   counters: SGFW_A_RULE_FLOWS (u64, the flows it opened: those it admitted
 *   that sgfw tracks, a flow picked up again after a flush included, and
 *   untracked tcp connections whose SYN it admitted, a retransmitted SYN
 *   again) and SGFW_A_RULE_LAST_HIT (u32, seconds since it last opened one;
 *   absent while it has opened none).
 *
 * SGFW_CMD_RULE_DEL (do, admin)
 *   Request: SGFW_A_RULE_SG, SGFW_A_RULE_ID.  Flows the rule admitted go
 *   on until they close or time out.
 *
 * SGFW_CMD_MEMBER_ADD, SGFW_CMD_MEMBER_DEL (do, admin)
 *   Request: SGFW_A_SG_NAME, one or more SGFW_A_SG_MEMBER (nests of
 *   SGFW_A_CIDR_IPV4 or SGFW_A_CIDR_IPV6; no prefix length: members are
 *   addresses).  All or nothing: adding a member already present, or
 *   deleting one absent, refuses the whole request.
 *
 * SGFW_CMD_PL_NEW, SGFW_CMD_PL_DEL (do, admin)
 *   Request: SGFW_A_PL_NAME, and for NEW SGFW_A_PL_MAX_ENTRIES (u32, 1 to
 *   1000; absent: 20), the most entries the list may hold.  A prefix
 *   list named by a rule cannot be deleted.
 *
 * SGFW_CMD_PL_SET (do, admin)
 *   Request: SGFW_A_PL_NAME, SGFW_A_PL_MAX_ENTRIES.  Refused below the
 *   entries the list holds, and, for a list rules name, past what the
 *   limits of their groups and devices allow.
 *
 * SGFW_CMD_PL_ENTRY_ADD, SGFW_CMD_PL_ENTRY_DEL (do, admin)
 *   Request: SGFW_A_PL_NAME, one or more SGFW_A_PL_ENTRY (nests of
 *   SGFW_A_CIDR_*).  All or nothing, as for members.  At most the list's
 *   max-entries.
 *
 * SGFW_CMD_PL_GET (do, dump, admin)
 *   Reply: SGFW_A_PL_NAME, SGFW_A_PL_MAX_ENTRIES, SGFW_A_PL_ENTRY (nests
 *   of SGFW_A_CIDR_*).
 *
 * Devices are named by SGFW_A_IFACE_IFNAME: the configuration of a device
 * is bound to its name, not to the device.  The device registered under a
 * configured name, or renamed to one, gets the name's configuration before
 * it can pass a packet; one renamed away or gone leaves it waiting for the
 * next device of the name.  The IFACE_* commands below take the name of a
 * device that exists, or of one that has a configuration (bound or
 * waiting); an unknown name is refused with ENODEV, so that a typo cannot
 * pass silently.  SGFW_CMD_TXN_IFACE takes any valid name.  Instead of
 * the name, a request may give SGFW_A_IFACE_IFINDEX, a device that exists.
 * Loopback is never filtered: a request naming it is refused.
 *
 * SGFW_CMD_IFACE_ATTACH (do, admin)
 *   Request: SGFW_A_IFACE_IFNAME, one or more SGFW_A_IFACE_SG (names, in
 *   order).  Adds the groups to those the device has (at most 16).
 *
 * SGFW_CMD_IFACE_DETACH (do, admin)
 *   Request: SGFW_A_IFACE_IFNAME, zero or more SGFW_A_IFACE_SG.  Without
 *   names, every group is detached and the device is no longer filtered
 *   by groups (its network ACL, if any, still applies).
 *   Flows of a device that loses its last group are removed.
 *
 * SGFW_CMD_IFACE_SET (do, admin)
 *   Request: SGFW_A_IFACE_IFNAME and any of the timeouts (seconds):
 *   SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT (60-432000, default 432000),
 *   SGFW_A_IFACE_UDP_TIMEOUT (30-60, default 30),
 *   SGFW_A_IFACE_UDP_STREAM_TIMEOUT (60-180, default 180), and
 *   SGFW_A_IFACE_TRACKING (enum sgfw_tracking), SGFW_A_IFACE_AUDIT (u8, 1
 *   to put the device in audit mode, 0 to take it out: in audit mode a
 *   packet that would be dropped passes, is counted under its would-be
 *   reason in SGFW_A_IFACE_AUDIT_* instead of SGFW_A_IFACE_DROPPED_*, and
 *   makes a drop event marked SGFW_A_EVENT_AUDIT).  Settings of a device
 *   with no group are kept for when it gets one.
 *   SGFW_A_IFACE_MODE (enum sgfw_iface_mode): endpoint, the default (the
 *   namespace's own interface: ingress is what it receives through the
 *   device, egress what it sends), or port (the host side of an
 *   instance's interface, a veth peer or a tap: ingress is what the host
 *   sends into the device, egress what comes out of it, routed, bridged
 *   or to the host itself).  SGFW_A_IFACE_SOURCE_CHECK (u8, port mode: 1,
 *   the default, drops a packet from the instance whose source is not
 *   one of its addresses, as reason spoofed; 0 checks none).
 *   SGFW_A_IFACE_ADDRESSES (a nest of up to 64 SGFW_A_IFACE_ADDRESSES_ADDRESS,
 *   nests of SGFW_A_CIDR_*): the instance's addresses, replacing the whole
 *   list (an empty nest clears it); they are also what the device's
 *   groups stand for as peers.  SGFW_A_IFACE_MAC (6 bytes, port mode):
 *   the instance's MAC address; while the source check is on, a frame
 *   from the instance whose Ethernet source is another, an ARP packet
 *   whose sender hardware address is another, and an IPv6 neighbour
 *   discovery message whose link-layer address option names another are
 *   dropped as spoofed.  A multicast (or broadcast) address is refused;
 *   all zeros clears it (the default: MAC addresses are not checked).
 *
 * SGFW_CMD_IFACE_GET (do, dump, admin)
 *   Request (do): SGFW_A_IFACE_IFNAME.  Reply, one message per device
 *   name that has a configuration: SGFW_A_IFACE_IFNAME, SGFW_A_IFACE_IFINDEX
 *   (the device that has the name; absent while the name waits),
 *   SGFW_A_IFACE_SG (names in order), the three timeouts,
 *   SGFW_A_IFACE_TRACKING, SGFW_A_IFACE_ACCEPTED and
 *   SGFW_A_IFACE_DROPPED (u64 packet counts), and the drops by reason,
 *   which add up to SGFW_A_IFACE_DROPPED: SGFW_A_IFACE_DROPPED_NO_RULE
 *   (no rule allows it), SGFW_A_IFACE_DROPPED_NACL (a network ACL denies
 *   it), SGFW_A_IFACE_DROPPED_TABLE_FULL (its new flow found no room),
 *   SGFW_A_IFACE_DROPPED_INVALID (it cannot be parsed, or no state of its
 *   flow takes it), SGFW_A_IFACE_DROPPED_SPOOFED (its source is not the
 *   instance's: port mode's source check; 0 in endpoint mode);
 *   SGFW_A_IFACE_AUDIT, and what audit mode let pass by the same reasons:
 *   SGFW_A_IFACE_AUDIT_NO_RULE ... SGFW_A_IFACE_AUDIT_SPOOFED (u64);
 *   SGFW_A_IFACE_MODE, SGFW_A_IFACE_SOURCE_CHECK and, when the list is
 *   not empty, SGFW_A_IFACE_ADDRESSES, and SGFW_A_IFACE_MAC when there is
 *   one; SGFW_A_IFACE_FLOWS (u32, flows tracked on the device now).
 *
 * SGFW_CMD_FLOW_GET (dump, admin)
 *   Reply, one message per tracked flow: SGFW_A_FLOW_PROTOCOL,
 *   SGFW_A_FLOW_SRC and SGFW_A_FLOW_DST (nests of SGFW_A_CIDR_IPV4 or
 *   SGFW_A_CIDR_IPV6; the side that opened the flow is the source),
 *   SGFW_A_FLOW_SPORT and SGFW_A_FLOW_DPORT (tcp, udp; for icmp
 *   queries SGFW_A_FLOW_ICMP_ID), SGFW_A_FLOW_IFINDEX,
 *   SGFW_A_FLOW_STATE (enum sgfw_flow_state), SGFW_A_FLOW_EXPIRES_IN
 *   (u32, milliseconds), SGFW_A_FLOW_SG (name, absent if the group is
 *   gone), SGFW_A_FLOW_RULE_ID, SGFW_A_FLOW_DIRECTION (of the packet that
 *   opened it), SGFW_A_FLOW_PACKETS and SGFW_A_FLOW_BYTES (u64, both
 *   directions), SGFW_A_FLOW_START (u64, when it was opened, in seconds
 *   since the epoch).
 *
 * SGFW_CMD_NACL_NEW, SGFW_CMD_NACL_DEL (do, admin)
 *   Request: SGFW_A_NACL_NAME.  A new network ACL has no rules: attached
 *   to a device, it drops everything (the implicit final deny).  A NACL
 *   attached to a device cannot be deleted.
 *
 * SGFW_CMD_NACL_GET (do, dump, admin)
 *   Reply: SGFW_A_NACL_NAME, SGFW_A_NACL_ATTACHED (u32, devices),
 *   SGFW_A_NACL_RULE (nests of SGFW_A_NACL_RULE_*, ingress then egress,
 *   in number order, each with its SGFW_A_NACL_RULE_PACKETS and
 *   SGFW_A_NACL_RULE_BYTES counters).
 *
 * SGFW_CMD_NACL_RULE_NEW (do, admin)
 *   Request: SGFW_A_NACL_RULE_NACL (the NACL's name), SGFW_A_NACL_RULE_NUMBER
 *   (u32, 1-32766, unique per direction), SGFW_A_NACL_RULE_DIRECTION (enum
 *   sgfw_direction), SGFW_A_NACL_RULE_ACTION (enum sgfw_nacl_action),
 *   SGFW_A_NACL_RULE_MATCH (as for security-group rules), and one CIDR,
 *   required: SGFW_A_NACL_RULE_PEER (a nest of SGFW_A_CIDR_*; no prefix
 *   length: a host).  At most 40 rules per direction per family.  Rules are
 *   evaluated lowest number first; the first that matches allows or denies; no
 *   match denies.  A change applies at once to every packet, tracked flows
 *   included, and a packet sees the old rule list or the new one, never a mix.
 *
 * SGFW_CMD_NACL_RULE_DEL (do, admin)
 *   Request: SGFW_A_NACL_RULE_NACL, SGFW_A_NACL_RULE_NUMBER,
 *   SGFW_A_NACL_RULE_DIRECTION.
 *
 * SGFW_CMD_IFACE_NACL (do, admin)
 *   Request: SGFW_A_IFACE_IFNAME and SGFW_A_IFACE_NACL (the NACL's name;
 *   absent: the device's NACL is removed).  A device has at most one
 *   NACL: attaching one to a device that has one is refused.  On ingress
 *   the NACL is evaluated before the security groups, on egress after
 *   them.  Replies of SGFW_CMD_IFACE_GET carry SGFW_A_IFACE_NACL when a
 *   device has one.
 *
 * Transactions
 * ------------
 *
 * A whole configuration, built in the kernel beside the running one and made
 * the running one in one step (every packet sees the old configuration or the
 * new one), or dropped whole.  One transaction at a time per namespace; it
 * belongs to the socket that began it (another socket's requests are refused
 * with EBUSY), and goes when that socket is closed.  A request of a
 * transaction that its handler refuses ends it: nothing of it is committed
 * (one that the family's policy refuses, before any handler runs, leaves it
 * as it was).  Names in a transaction refer to the transaction's own objects,
 * so objects come before what names them: prefix lists, then groups, then
 * their rules, then network ACLs, then devices.  Each part is checked as it
 * comes, with the limits of the single commands.
 *
 * SGFW_CMD_TXN_BEGIN (do, admin)
 *   Begins a transaction whose candidate is empty.
 *
 * SGFW_CMD_TXN_PL (do, admin)
 *   A prefix list: SGFW_A_PL_NAME, SGFW_A_PL_MAX_ENTRIES (as PL_NEW),
 *   SGFW_A_PL_ENTRY (nests, any number up to max-entries).
 *
 * SGFW_CMD_TXN_SG (do, admin)
 *   A security group with no rule: SGFW_A_SG_NAME,
 *   SGFW_A_SG_DESCRIPTION (optional), SGFW_A_SG_MEMBER (nests, any number).
 *   Unlike SG_NEW, no default rule is added.
 *
 * SGFW_CMD_TXN_SG_RULE (do, admin)
 *   Rules of a group of the transaction: SGFW_A_SG_NAME and SGFW_A_SG_RULE
 *   nests, one per rule, of the SGFW_A_RULE_* attributes of RULE_NEW but
 *   SGFW_A_RULE_SG.  A refused rule is named by the error's offset.
 *
 * SGFW_CMD_TXN_NACL (do, admin)
 *   A network ACL: SGFW_A_NACL_NAME and SGFW_A_NACL_RULE nests of the
 *   SGFW_A_NACL_RULE_* attributes of NACL_RULE_NEW but
 *   SGFW_A_NACL_RULE_NACL.
 *
 * SGFW_CMD_TXN_IFACE (do, admin)
 *   A device's settings: SGFW_A_IFACE_IFNAME (which no device need have:
 *   its configuration then waits), SGFW_A_IFACE_SG (names, up to 16),
 *   SGFW_A_IFACE_NACL, the timeouts, SGFW_A_IFACE_TRACKING and
 *   SGFW_A_IFACE_AUDIT, SGFW_A_IFACE_MODE, SGFW_A_IFACE_SOURCE_CHECK,
 *   SGFW_A_IFACE_ADDRESSES and SGFW_A_IFACE_MAC (as IFACE_SET; absent ones
 *   are the defaults).  A
 *   device that the transaction does not name has no group, no NACL and
 *   the defaults once it is committed.  At most 4096 device names.
 *
 * SGFW_CMD_TXN_COMMIT (do, admin)
 *   Request: SGFW_A_TXN_CHECK (flag: check that the transaction can be
 *   committed, then drop it), SGFW_A_TXN_CONFIRM (u32, 1 to 86400: go
 *   back to the configuration before this commit after that many seconds
 *   unless SGFW_CMD_CONFIRM comes first), SGFW_A_TXN_FLOW_LIMIT (u32, as
 *   STATUS_SET; absent: the limit stays).  Ends the transaction.  What
 *   stays the same keeps its id and counters: a group of the same name,
 *   a rule of that group that allows the same, a network ACL rule of the
 *   same number and content.  Flows are kept as single changes keep them.
 *   While a commit awaits its confirmation, another commit is refused
 *   (EBUSY).
 *
 * SGFW_CMD_TXN_ABORT (do, admin)
 *   Drops the socket's transaction.
 *
 * SGFW_CMD_CONFIRM (do, admin)
 *   Keeps the configuration of a commit that awaits its confirmation;
 *   ENOENT when none does.
 *
 * Flow filters
 * ------------
 *
 * SGFW_CMD_FLOW_GET (dump) and SGFW_CMD_FLOW_FLUSH (do, admin) take an
 * optional SGFW_A_FLOW_FILTER nest; a flow matches when it matches every
 * attribute the nest has: SGFW_A_FLOW_FILTER_IFINDEX (its device),
 * SGFW_A_FLOW_FILTER_SG (a group's name: the flows its rules opened) and
 * SGFW_A_FLOW_FILTER_RULE_ID (with SG only: that rule's), _PROTOCOL, _SRC and
 * _DST (nests of SGFW_A_CIDR_*: the opener's address and the other's lie in
 * them), _SPORT and _DPORT (tcp and udp, the opener's ports), _STATE (enum
 * sgfw_flow_state), and _STALE (flag: the flows that the rules of their
 * device's groups would not admit now: their opening packet, judged now,
 * would be refused; an icmp query is judged with its type and code 0, its
 * code not being kept).  The kernel applies the filter: a dump copies out
 * only what matches, and a flush of one rule's flows among millions copies
 * none.
 *
 * SGFW_CMD_FLOW_FLUSH (do, admin)
 *   Removes the live flows the filter matches (every live flow of the
 *   namespace without one; expired ones are the reaper's).  Reply:
 *   SGFW_A_FLOW_FLUSHED (u32, how many).  The next packets of a removed flow
 *   are judged as packets of no flow: where no rule allows them they are
 *   dropped; where one does, they may open the flow again.
 *
 * SGFW_CMD_EXPLAIN (do, admin)
 *   Request: SGFW_A_EXPLAIN_IFINDEX, _DIRECTION, _PROTOCOL, _SRC and _DST
 *   (nests of SGFW_A_CIDR_*, one family, no prefix length), and as the
 *   protocol needs them _SPORT and _DPORT (tcp, udp) or _ICMP_TYPE and
 *   _ICMP_CODE (icmp, icmpv6; an echo request when absent).  The kernel
 *   builds the packet (a tcp SYN, or an ACK when a flow exists for it),
 *   parses it and judges it with the device's rules by the code that
 *   judges real packets, changing and counting nothing.  Reply:
 *   SGFW_A_EXPLAIN_VERDICT (enum sgfw_verdict), _NACL (the device's network
 *   ACL), _NACL_RULE (the number of its rule that decides; absent for the
 *   implicit deny) and _NACL_ACTION, _SG and _RULE_ID (the rule that allows
 *   it; absent: no rule does), _TRACK (enum sgfw_track) and _TIMEOUT
 *   (seconds, of the flow it would open), _FLOW (flag: a flow exists for
 *   it and would carry it) and _FLOW_STATE, _AUDIT (flag: the device is in
 *   audit mode, and a drop verdict would let it pass), _UNFILTERED (flag:
 *   the device has no group and no network ACL), _ALWAYS_PASS (flag:
 *   neighbour discovery or MLD, which pass whatever the rules; an icmpv6
 *   packet of those types is built with the hop limit they need, 255 or
 *   1).  For a packet a flow carries, _SG and _RULE_ID are absent: no rule
 *   is asked.
 *
 * Events
 * ------
 *
 * The multicast group "events" (SGFW_MCGRP_EVENTS; joining needs
 * CAP_NET_ADMIN in the namespace's user namespace) hears what happens in
 * the namespace of the socket, once the namespace's administrator has
 * turned its events on (SGFW_CMD_STATUS_SET, SGFW_A_STATUS_EVENTS): none
 * are built otherwise, and none while no socket listens.  A reader too
 * slow for them gets ENOBUFS and has lost some.
 * SGFW_CMD_FLOW_NEW_NTF: a flow was opened.  SGFW_CMD_FLOW_END_NTF: one
 * ended, SGFW_A_EVENT_REASON (enum sgfw_end_reason) saying why.  Both
 * carry the flow: SGFW_A_EVENT_IFINDEX, _DIRECTION (its opener's), _PROTOCOL,
 * _SRC, _DST, _SPORT, _DPORT or _ICMP_ID, _SG and _RULE_ID, _STATE,
 * _PACKETS and _BYTES (both directions), _START and _END (seconds since the
 * epoch).  SGFW_CMD_DROP_NTF: a packet was dropped, or marked
 * SGFW_A_EVENT_AUDIT would have been: its device, direction, tuple (with
 * _ICMP_TYPE and _ICMP_CODE for icmp), _BYTES (its length), _END (the
 * time), _VERDICT (the reason) and _NACL_RULE (for a deny rule).
 * SGFW_CMD_UNTRACKED_NTF: a packet of an untracked flow passed, with its
 * tuple, length, time, group and rule.  Drop and untracked events are
 * rate-limited per namespace, each kind apart (the module's event_rate
 * parameter, per second); SGFW_A_EVENT_SUPPRESSED on an event counts the
 * events of its kind suppressed since the last one sent (or that could
 * not be built), so that sent and suppressed add up to what happened,
 * unless a message carrying a count is itself lost to a full socket.
 * Untracked events are sent for packets that passed, after the network
 * ACL.
 * SGFW_CMD_CONFIG_NTF: the configuration changed: SGFW_A_EVENT_CMD (the
 * command that changed it), _NAME (the group, prefix list or network ACL
 * it named), _IFNAME or _IFINDEX (the device, as the request named it),
 * _ROLLBACK (an apply that was not confirmed went back).
 */
#ifndef _UAPI_LINUX_SGFW_H
#define _UAPI_LINUX_SGFW_H

#define SGFW_GENL_NAME		"sgfw"
#define SGFW_GENL_VERSION	2

enum sgfw_direction {
	SGFW_DIRECTION_INGRESS,
	SGFW_DIRECTION_EGRESS,
};

enum sgfw_tracking {
	SGFW_TRACKING_AUTO,
	SGFW_TRACKING_ALWAYS,
};

enum sgfw_iface_mode {
	SGFW_IFACE_MODE_ENDPOINT,
	SGFW_IFACE_MODE_PORT,
};

enum sgfw_nacl_action {
	SGFW_NACL_ACTION_ALLOW,
	SGFW_NACL_ACTION_DENY,
};

enum sgfw_flow_state {
	SGFW_FLOW_STATE_NONE,
	SGFW_FLOW_STATE_SYN_SENT,
	SGFW_FLOW_STATE_SYN_RECV,
	SGFW_FLOW_STATE_ESTABLISHED,
	SGFW_FLOW_STATE_FIN_WAIT,
	SGFW_FLOW_STATE_CLOSE_WAIT,
	SGFW_FLOW_STATE_LAST_ACK,
	SGFW_FLOW_STATE_TIME_WAIT,
	SGFW_FLOW_STATE_CLOSE,
	SGFW_FLOW_STATE_UDP_SINGLE,
	SGFW_FLOW_STATE_UDP_STREAM,
	SGFW_FLOW_STATE_ACTIVE,
};

enum sgfw_verdict {
	SGFW_VERDICT_ACCEPTED,
	SGFW_VERDICT_NO_RULE,
	SGFW_VERDICT_NACL,
	SGFW_VERDICT_TABLE_FULL,
	SGFW_VERDICT_INVALID,
	SGFW_VERDICT_SPOOFED,
};

enum sgfw_end_reason {
	SGFW_END_EXPIRED,
	SGFW_END_CLOSED,
	SGFW_END_EVICTED,
	SGFW_END_FLUSHED,
	SGFW_END_DEVICE_GONE,
	SGFW_END_GROUP_GONE,
	SGFW_END_NAMESPACE_GONE,
};

enum sgfw_track {
	SGFW_TRACK_NONE,
	SGFW_TRACK_TRACKED,
	SGFW_TRACK_UNTRACKED,
};

enum sgfw_a_status {
	SGFW_A_STATUS_UNSPEC,
	SGFW_A_STATUS_PAD,
	SGFW_A_STATUS_VERSION,
	SGFW_A_STATUS_FLOWS,
	SGFW_A_STATUS_FLOW_LIMIT,
	SGFW_A_STATUS_ALLOWANCE_EXCEEDED,
	SGFW_A_STATUS_ALLOWANCE_AVAILABLE,
	SGFW_A_STATUS_BUCKET_FULL,
	SGFW_A_STATUS_EVICTED,
	SGFW_A_STATUS_NOMEM,
	SGFW_A_STATUS_FLOW_LIMIT_CEILING,
	SGFW_A_STATUS_CONFIRM_PENDING,
	SGFW_A_STATUS_EVENTS,
	SGFW_A_STATUS_FRAGS,
	SGFW_A_STATUS_FRAGS_FULL,

	__SGFW_A_STATUS_MAX
};

#define SGFW_A_STATUS_MAX (__SGFW_A_STATUS_MAX - 1)

enum sgfw_a_cidr {
	SGFW_A_CIDR_UNSPEC,
	SGFW_A_CIDR_IPV4,
	SGFW_A_CIDR_IPV6,
	SGFW_A_CIDR_PREFIX_LEN,

	__SGFW_A_CIDR_MAX
};

#define SGFW_A_CIDR_MAX (__SGFW_A_CIDR_MAX - 1)

enum sgfw_a_match {
	SGFW_A_MATCH_UNSPEC,
	SGFW_A_MATCH_PROTOCOL,
	SGFW_A_MATCH_PORT_FROM,
	SGFW_A_MATCH_PORT_TO,
	SGFW_A_MATCH_ICMP_TYPE,
	SGFW_A_MATCH_ICMP_CODE,

	__SGFW_A_MATCH_MAX
};

#define SGFW_A_MATCH_MAX (__SGFW_A_MATCH_MAX - 1)

enum sgfw_a_rule {
	SGFW_A_RULE_UNSPEC,
	SGFW_A_RULE_ID,
	SGFW_A_RULE_SG,
	SGFW_A_RULE_DIRECTION,
	SGFW_A_RULE_MATCH,
	SGFW_A_RULE_PEER,
	SGFW_A_RULE_PEER_SG,
	SGFW_A_RULE_PEER_PREFIX_LIST,
	SGFW_A_RULE_DESCRIPTION,
	SGFW_A_RULE_PAD,
	SGFW_A_RULE_FLOWS,
	SGFW_A_RULE_LAST_HIT,

	__SGFW_A_RULE_MAX
};

#define SGFW_A_RULE_MAX (__SGFW_A_RULE_MAX - 1)

enum sgfw_a_sg {
	SGFW_A_SG_UNSPEC,
	SGFW_A_SG_NAME,
	SGFW_A_SG_ID,
	SGFW_A_SG_DESCRIPTION,
	SGFW_A_SG_RULE,
	SGFW_A_SG_MEMBER,
	SGFW_A_SG_ATTACHED,

	__SGFW_A_SG_MAX
};

#define SGFW_A_SG_MAX (__SGFW_A_SG_MAX - 1)

enum sgfw_a_pl {
	SGFW_A_PL_UNSPEC,
	SGFW_A_PL_NAME,
	SGFW_A_PL_ENTRY,
	SGFW_A_PL_MAX_ENTRIES,

	__SGFW_A_PL_MAX
};

#define SGFW_A_PL_MAX (__SGFW_A_PL_MAX - 1)

enum sgfw_a_iface {
	SGFW_A_IFACE_UNSPEC,
	SGFW_A_IFACE_PAD,
	SGFW_A_IFACE_IFINDEX,
	SGFW_A_IFACE_IFNAME,
	SGFW_A_IFACE_SG,
	SGFW_A_IFACE_TCP_ESTABLISHED_TIMEOUT,
	SGFW_A_IFACE_UDP_TIMEOUT,
	SGFW_A_IFACE_UDP_STREAM_TIMEOUT,
	SGFW_A_IFACE_TRACKING,
	SGFW_A_IFACE_ACCEPTED,
	SGFW_A_IFACE_DROPPED,
	SGFW_A_IFACE_NACL,
	SGFW_A_IFACE_DROPPED_NO_RULE,
	SGFW_A_IFACE_DROPPED_NACL,
	SGFW_A_IFACE_DROPPED_TABLE_FULL,
	SGFW_A_IFACE_DROPPED_INVALID,
	SGFW_A_IFACE_DROPPED_SPOOFED,
	SGFW_A_IFACE_AUDIT,
	SGFW_A_IFACE_AUDIT_NO_RULE,
	SGFW_A_IFACE_AUDIT_NACL,
	SGFW_A_IFACE_AUDIT_TABLE_FULL,
	SGFW_A_IFACE_AUDIT_INVALID,
	SGFW_A_IFACE_AUDIT_SPOOFED,
	SGFW_A_IFACE_MODE,
	SGFW_A_IFACE_SOURCE_CHECK,
	SGFW_A_IFACE_FLOWS,
	SGFW_A_IFACE_ADDRESSES,
	SGFW_A_IFACE_MAC,

	__SGFW_A_IFACE_MAX
};

#define SGFW_A_IFACE_MAX (__SGFW_A_IFACE_MAX - 1)

enum sgfw_a_iface_addresses {
	SGFW_A_IFACE_ADDRESSES_UNSPEC,
	SGFW_A_IFACE_ADDRESSES_ADDRESS,

	__SGFW_A_IFACE_ADDRESSES_MAX
};

#define SGFW_A_IFACE_ADDRESSES_MAX (__SGFW_A_IFACE_ADDRESSES_MAX - 1)

enum sgfw_a_flow {
	SGFW_A_FLOW_UNSPEC,
	SGFW_A_FLOW_PAD,
	SGFW_A_FLOW_PROTOCOL,
	SGFW_A_FLOW_SRC,
	SGFW_A_FLOW_DST,
	SGFW_A_FLOW_SPORT,
	SGFW_A_FLOW_DPORT,
	SGFW_A_FLOW_ICMP_ID,
	SGFW_A_FLOW_IFINDEX,
	SGFW_A_FLOW_STATE,
	SGFW_A_FLOW_EXPIRES_IN,
	SGFW_A_FLOW_SG,
	SGFW_A_FLOW_RULE_ID,
	SGFW_A_FLOW_DIRECTION,
	SGFW_A_FLOW_PACKETS,
	SGFW_A_FLOW_BYTES,
	SGFW_A_FLOW_FILTER,
	SGFW_A_FLOW_FLUSHED,
	SGFW_A_FLOW_START,

	__SGFW_A_FLOW_MAX
};

#define SGFW_A_FLOW_MAX (__SGFW_A_FLOW_MAX - 1)

enum sgfw_a_flow_filter {
	SGFW_A_FLOW_FILTER_UNSPEC,
	SGFW_A_FLOW_FILTER_IFINDEX,
	SGFW_A_FLOW_FILTER_SG,
	SGFW_A_FLOW_FILTER_RULE_ID,
	SGFW_A_FLOW_FILTER_PROTOCOL,
	SGFW_A_FLOW_FILTER_SRC,
	SGFW_A_FLOW_FILTER_DST,
	SGFW_A_FLOW_FILTER_SPORT,
	SGFW_A_FLOW_FILTER_DPORT,
	SGFW_A_FLOW_FILTER_STATE,
	SGFW_A_FLOW_FILTER_STALE,

	__SGFW_A_FLOW_FILTER_MAX
};

#define SGFW_A_FLOW_FILTER_MAX (__SGFW_A_FLOW_FILTER_MAX - 1)

enum sgfw_a_explain {
	SGFW_A_EXPLAIN_UNSPEC,
	SGFW_A_EXPLAIN_IFINDEX,
	SGFW_A_EXPLAIN_DIRECTION,
	SGFW_A_EXPLAIN_PROTOCOL,
	SGFW_A_EXPLAIN_SRC,
	SGFW_A_EXPLAIN_DST,
	SGFW_A_EXPLAIN_SPORT,
	SGFW_A_EXPLAIN_DPORT,
	SGFW_A_EXPLAIN_ICMP_TYPE,
	SGFW_A_EXPLAIN_ICMP_CODE,
	SGFW_A_EXPLAIN_VERDICT,
	SGFW_A_EXPLAIN_NACL,
	SGFW_A_EXPLAIN_NACL_RULE,
	SGFW_A_EXPLAIN_NACL_ACTION,
	SGFW_A_EXPLAIN_SG,
	SGFW_A_EXPLAIN_RULE_ID,
	SGFW_A_EXPLAIN_TRACK,
	SGFW_A_EXPLAIN_TIMEOUT,
	SGFW_A_EXPLAIN_FLOW,
	SGFW_A_EXPLAIN_FLOW_STATE,
	SGFW_A_EXPLAIN_AUDIT,
	SGFW_A_EXPLAIN_UNFILTERED,
	SGFW_A_EXPLAIN_ALWAYS_PASS,

	__SGFW_A_EXPLAIN_MAX
};

#define SGFW_A_EXPLAIN_MAX (__SGFW_A_EXPLAIN_MAX - 1)

enum sgfw_a_event {
	SGFW_A_EVENT_UNSPEC,
	SGFW_A_EVENT_PAD,
	SGFW_A_EVENT_IFINDEX,
	SGFW_A_EVENT_DIRECTION,
	SGFW_A_EVENT_PROTOCOL,
	SGFW_A_EVENT_SRC,
	SGFW_A_EVENT_DST,
	SGFW_A_EVENT_SPORT,
	SGFW_A_EVENT_DPORT,
	SGFW_A_EVENT_ICMP_TYPE,
	SGFW_A_EVENT_ICMP_CODE,
	SGFW_A_EVENT_ICMP_ID,
	SGFW_A_EVENT_SG,
	SGFW_A_EVENT_RULE_ID,
	SGFW_A_EVENT_STATE,
	SGFW_A_EVENT_PACKETS,
	SGFW_A_EVENT_BYTES,
	SGFW_A_EVENT_START,
	SGFW_A_EVENT_END,
	SGFW_A_EVENT_REASON,
	SGFW_A_EVENT_VERDICT,
	SGFW_A_EVENT_AUDIT,
	SGFW_A_EVENT_NACL_RULE,
	SGFW_A_EVENT_SUPPRESSED,
	SGFW_A_EVENT_CMD,
	SGFW_A_EVENT_NAME,
	SGFW_A_EVENT_ROLLBACK,
	SGFW_A_EVENT_IFNAME,

	__SGFW_A_EVENT_MAX
};

#define SGFW_A_EVENT_MAX (__SGFW_A_EVENT_MAX - 1)

enum sgfw_a_nacl_rule {
	SGFW_A_NACL_RULE_UNSPEC,
	SGFW_A_NACL_RULE_PAD,
	SGFW_A_NACL_RULE_NACL,
	SGFW_A_NACL_RULE_NUMBER,
	SGFW_A_NACL_RULE_DIRECTION,
	SGFW_A_NACL_RULE_ACTION,
	SGFW_A_NACL_RULE_MATCH,
	SGFW_A_NACL_RULE_PEER,
	SGFW_A_NACL_RULE_PACKETS,
	SGFW_A_NACL_RULE_BYTES,

	__SGFW_A_NACL_RULE_MAX
};

#define SGFW_A_NACL_RULE_MAX (__SGFW_A_NACL_RULE_MAX - 1)

enum sgfw_a_nacl {
	SGFW_A_NACL_UNSPEC,
	SGFW_A_NACL_NAME,
	SGFW_A_NACL_ATTACHED,
	SGFW_A_NACL_RULE,

	__SGFW_A_NACL_MAX
};

#define SGFW_A_NACL_MAX (__SGFW_A_NACL_MAX - 1)

enum sgfw_a_txn {
	SGFW_A_TXN_UNSPEC,
	SGFW_A_TXN_CHECK,
	SGFW_A_TXN_CONFIRM,
	SGFW_A_TXN_FLOW_LIMIT,

	__SGFW_A_TXN_MAX
};

#define SGFW_A_TXN_MAX (__SGFW_A_TXN_MAX - 1)

enum sgfw_cmd {
	SGFW_CMD_UNSPEC,
	SGFW_CMD_STATUS,
	SGFW_CMD_STATUS_SET,
	SGFW_CMD_SG_NEW,
	SGFW_CMD_SG_DEL,
	SGFW_CMD_SG_GET,
	SGFW_CMD_RULE_NEW,
	SGFW_CMD_RULE_DEL,
	SGFW_CMD_MEMBER_ADD,
	SGFW_CMD_MEMBER_DEL,
	SGFW_CMD_PL_NEW,
	SGFW_CMD_PL_DEL,
	SGFW_CMD_PL_ENTRY_ADD,
	SGFW_CMD_PL_ENTRY_DEL,
	SGFW_CMD_PL_GET,
	SGFW_CMD_IFACE_ATTACH,
	SGFW_CMD_IFACE_DETACH,
	SGFW_CMD_IFACE_SET,
	SGFW_CMD_IFACE_GET,
	SGFW_CMD_FLOW_GET,
	SGFW_CMD_NACL_NEW,
	SGFW_CMD_NACL_DEL,
	SGFW_CMD_NACL_GET,
	SGFW_CMD_NACL_RULE_NEW,
	SGFW_CMD_NACL_RULE_DEL,
	SGFW_CMD_IFACE_NACL,
	SGFW_CMD_PL_SET,
	SGFW_CMD_TXN_BEGIN,
	SGFW_CMD_TXN_PL,
	SGFW_CMD_TXN_SG,
	SGFW_CMD_TXN_SG_RULE,
	SGFW_CMD_TXN_NACL,
	SGFW_CMD_TXN_IFACE,
	SGFW_CMD_TXN_COMMIT,
	SGFW_CMD_TXN_ABORT,
	SGFW_CMD_CONFIRM,
	SGFW_CMD_FLOW_FLUSH,
	SGFW_CMD_EXPLAIN,
	SGFW_CMD_FLOW_NEW_NTF,
	SGFW_CMD_FLOW_END_NTF,
	SGFW_CMD_DROP_NTF,
	SGFW_CMD_UNTRACKED_NTF,
	SGFW_CMD_CONFIG_NTF,

	__SGFW_CMD_MAX
};

#define SGFW_CMD_MAX (__SGFW_CMD_MAX - 1)

#define SGFW_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_SGFW_H */
