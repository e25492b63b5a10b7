#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command refuses an attribute it does not use: for each operation
# of uapi/sgfw.yaml, do and dump alike, a request that carries one
# attribute of the command's set that its request does not list (or, when
# it lists them all, the next type) is refused with EINVAL, and the
# extended ack points at that attribute, so it is the attribute and not,
# say, a missing one that was refused.  Nothing changes meanwhile.
# (On 6.1, which registers a command's do and dump as one operation, a
# dump is refused by its start callback, whose extended ack that kernel
# does not send: there the refusal alone is checked for dumps.)
#
#   +----------------------------------+
#   | $ns1  raw generic netlink socket |
#   +----------------------------------+
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"

require_sgtool
ns_add "$ns1"
before=$(sgt "$ns1" save)

nsx "$ns1" python3 - "$SGFW_REPO/uapi/sgfw.yaml" <<'EOF' || fail "a command took an attribute it does not use"
import errno, socket, struct, sys
import os
import yaml

spec = yaml.safe_load(open(sys.argv[1]))
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_CAP_ACK = 270, 11, 10
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2

s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
s.bind((0, 0))
s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
seq = 0


def attr(t, payload):
    a = struct.pack("HH", 4 + len(payload), t) + payload
    return a + b"\0" * (-len(a) % 4)


def talk(family, cmd, attrs, flags):
    global seq
    seq += 1
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    s.send(struct.pack("IHHII", 16 + len(body), family,
                       NLM_F_REQUEST | flags, seq, 0) + body)
    while True:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, typ, fl, sq, _ = struct.unpack_from("IHHII", data, off)
            if sq == seq and typ == 2:  # NLMSG_ERROR
                err = struct.unpack_from("i", data, off + 16)[0]
                # capped: nlmsgerr is the error and the request's header
                tlv, msg, offs = off + 16 + 4 + 16, "", None
                while tlv + 4 <= off + ln:
                    alen, atyp = struct.unpack_from("HH", data, tlv)
                    val = data[tlv + 4:tlv + alen]
                    if atyp == NLMSGERR_ATTR_MSG:
                        msg = val.rstrip(b"\0").decode()
                    elif atyp == NLMSGERR_ATTR_OFFS:
                        offs = struct.unpack("I", val)[0]
                    tlv += (alen + 3) & ~3
                return err, msg, offs, None
            if sq == seq and typ == 3:  # NLMSG_DONE
                return 0, "", None, None
            if sq == seq and typ >= 16:
                reply = data[off:off + ln]
                if not flags & NLM_F_DUMP:
                    return 0, "", None, reply
            off += (ln + 3) & ~3


# The family's id, from the controller (CTRL_CMD_GETFAMILY).
_, _, _, reply = talk(16, 3, attr(2, b"sgfw\0"), 0)
pos, family = 20, None
while pos < len(reply):
    alen, atyp = struct.unpack_from("HH", reply, pos)
    if atyp == 1:  # CTRL_ATTR_FAMILY_ID
        family = struct.unpack_from("H", reply, pos + 4)[0]
    pos += (alen + 3) & ~3
assert family, "no sgfw family"

sets = {a["name"]: a for a in spec["attribute-sets"]}


def types(aset):
    out, v = {}, 1
    for a in sets[aset]["attributes"]:
        v = a.get("value", v)
        out[a["name"]] = v
        v += 1
    return out


release = tuple(int(x) for x in os.uname().release.split(".")[:2])
split_ops = release >= (6, 2)
bad = 0
checked = 0
for cmd, op in enumerate(spec["operations"]["list"], 1):
    t = types(op["attribute-set"])
    for kind in ("do", "dump"):
        if kind not in op:
            continue
        used = (op[kind] or {}).get("request", {}).get("attributes", [])
        unused = [n for n in t if n not in used]
        junk = t[unused[0]] if unused else max(t.values()) + 1
        err, msg, offs, _ = talk(family, cmd, attr(junk, b"\0" * 4),
                                 NLM_F_DUMP if kind == "dump" else NLM_F_ACK)
        checked += 1
        what = "%s %s with attribute %d" % (op["name"], kind, junk)
        if err != -errno.EINVAL or (offs != 20 and
                                    (split_ops or kind == "do")):
            print("FAIL: %s: error %d, offset %s, %r" % (what, err, offs, msg))
            bad += 1
        else:
            print("ok: %s refused: %s" % (what, msg))
print("%d requests, %d took an attribute they do not use" % (checked, bad))
sys.exit(1 if bad or checked < 30 else 0)
EOF
assert_eq "the configuration after the requests" "$before" "$(sgt "$ns1" save)"
