"""FF_MSG_IOCTL (net/if_msg.c) through ff_test_msg(): the interface ioctls
ff-ifconfig sends, answered by the same code as on the message ring.
Every operation good and malformed; a refused request changes nothing."""

import ctypes

import pytest
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi
from fstools._ffi import (
    FF_IOCTL_ADDADDR,
    FF_IOCTL_DELADDR,
    FF_IOCTL_LIST,
    FF_IOCTL_SETFLAGS,
    FF_IOCTL_SETMTU,
    FF_MSG_IOCTL,
)

# FreeBSD errno numbers.
ENXIO, EBUSY, EEXIST, EINVAL = 6, 16, 17, 22
EMSGSIZE, EOPNOTSUPP, EAFNOSUPPORT = 40, 45, 47
EADDRINUSE, EADDRNOTAVAIL, EBADMSG = 48, 49, 89

IFF_UP, IFF_BROADCAST, IFF_RUNNING, IFF_PROMISC = 0x1, 0x2, 0x40, 0x100
IFF_SIMPLEX, IFF_MULTICAST, IFF_LOOPBACK = 0x800, 0x8000, 0x8


def ioctl(st, op, name="", **kw):
    err, cur, body = st.msg(
        FF_MSG_IOCTL, _ffi.encode_ioctl_req(op, name, **kw)
    )
    return err, (_ffi.decode_ioctl_reply(body) if not err else None)


def ifinfo(st, name):
    err, recs = ioctl(st, FF_IOCTL_LIST, name)
    assert err == 0 and len(recs) == 1
    return recs[0]


def test_list_all(st):
    err, recs = ioctl(st, FF_IOCTL_LIST)
    assert err == 0
    assert [r["name"] for r in recs] == ["lo0", "f-stack-0"]
    lo, eth = recs
    assert lo["flags"] == IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_MULTICAST
    assert lo["mtu"] == 16384 and lo["type"] == 0x18
    assert lo["addrs"] == [
        {
            "addr": "127.0.0.1",
            "netmask": "255.0.0.0",
            "broadaddr": None,
            "flags": 0,
        }
    ]
    assert (
        eth["flags"]
        == (IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_SIMPLEX | IFF_MULTICAST)
        == 0x8843
    )
    assert eth["mtu"] == 1500 and eth["type"] == 6 and eth["metric"] == 0
    assert ":".join("%02x" % b for b in eth["lladdr"]) == st.mac()
    assert eth["addrs"] == [
        {
            "addr": OUR_IP,
            "netmask": "255.255.255.0",
            "broadaddr": "198.18.0.255",
            "flags": 0,
        }
    ]
    assert eth["index"] > lo["index"] >= 1


def test_list_one_and_unknown(st):
    assert ifinfo(st, "f-stack-0")["name"] == "f-stack-0"
    assert ioctl(st, FF_IOCTL_LIST, "nosuch0") == (ENXIO, None)


def test_counters(st):
    before = ifinfo(st, "f-stack-0")["counters"]
    st.arp_add(PEER_IP, PEER_MAC)
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP()
    )
    st.expect(ICMP)
    after = ifinfo(st, "f-stack-0")["counters"]
    # ipackets, opackets, ibytes, obytes (FreeBSD's ift_counter order).
    assert after[0] == before[0] + 1 and after[2] == before[2] + 1
    assert after[5] > before[5] and after[6] > before[6]


def test_setflags_down_up_promisc(st):
    err, recs = ioctl(st, FF_IOCTL_SETFLAGS, "f-stack-0", value=0x8842)
    assert err == 0 and not recs[0]["flags"] & IFF_UP
    st.arp_add(PEER_IP, PEER_MAC)
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP()
    )
    st.expect_nothing()  # down: nothing answered
    err, recs = ioctl(
        st, FF_IOCTL_SETFLAGS, "f-stack-0", value=0x8843 | IFF_PROMISC
    )
    assert err == 0 and recs[0]["flags"] == 0x8843 | IFF_PROMISC
    # Read-only flags are ignored, as FreeBSD ignores them.
    err, recs = ioctl(st, FF_IOCTL_SETFLAGS, "f-stack-0", value=IFF_UP)
    assert err == 0 and recs[0]["flags"] == 0x8843


def test_setmtu_changes_fragmentation(st):
    err, recs = ioctl(st, FF_IOCTL_SETMTU, "f-stack-0", value=1400)
    assert err == 0 and recs[0]["mtu"] == 1400
    st.arp_add(PEER_IP, PEER_MAC)
    assert st.ip_output(PEER_IP, payload=b"x" * 1600) == 0
    assert [len(p[IP]) for p in st.drain()] == [1396, 20 + 1600 - 1376]


@pytest.mark.parametrize("mtu", [0, 67, 65536, 2**32 - 1])
def test_setmtu_out_of_range(st, mtu):
    assert ioctl(st, FF_IOCTL_SETMTU, "f-stack-0", value=mtu)[0] == EINVAL
    assert ifinfo(st, "f-stack-0")["mtu"] == 1500


def test_add_and_delete_alias(st):
    err, recs = ioctl(
        st,
        FF_IOCTL_ADDADDR,
        "f-stack-0",
        addr="198.18.1.2",
        mask="255.255.255.0",
    )
    assert err == 0
    assert [a["addr"] for a in recs[0]["addrs"]] == [OUR_IP, "198.18.1.2"]
    assert recs[0]["addrs"][1]["broadaddr"] == "198.18.1.255"
    assert st.route_get("198.18.1.7")[0] == "198.18.1.0/24"
    assert (
        ioctl(
            st,
            FF_IOCTL_ADDADDR,
            "f-stack-0",
            addr="198.18.1.2",
            mask="255.255.255.0",
        )[0]
        == EEXIST
    )
    assert (
        ioctl(
            st,
            FF_IOCTL_ADDADDR,
            "lo0",
            addr="198.18.1.2",
            mask="255.255.255.255",
        )[0]
        == EADDRINUSE
    )
    err, recs = ioctl(st, FF_IOCTL_DELADDR, "f-stack-0", addr="198.18.1.2")
    assert err == 0 and [a["addr"] for a in recs[0]["addrs"]] == [OUR_IP]
    assert st.route_get("198.18.1.7")[0] == "0.0.0.0/0"
    assert (
        ioctl(st, FF_IOCTL_DELADDR, "f-stack-0", addr="198.18.1.2")[0]
        == EADDRNOTAVAIL
    )


def test_add_with_broadcast_and_class_mask(st):
    err, recs = ioctl(
        st,
        FF_IOCTL_ADDADDR,
        "f-stack-0",
        addr="198.19.5.5",
        mask="255.255.0.0",
        broadaddr="198.19.255.254",
    )
    assert err == 0 and recs[0]["addrs"][1]["broadaddr"] == "198.19.255.254"
    # No mask: the address's class (198/8 is class C), as FreeBSD.
    err, recs = ioctl(st, FF_IOCTL_ADDADDR, "f-stack-0", addr="198.18.9.1")
    assert err == 0 and recs[0]["addrs"][2]["netmask"] == "255.255.255.0"


def _req(op=FF_IOCTL_LIST, name="f-stack-0", **kw):
    return _ffi.IoctlReq.from_buffer_copy(
        _ffi.encode_ioctl_req(op, name, **kw)
    )


def _send(st, req, extra=b""):
    return st.msg(FF_MSG_IOCTL, bytes(req) + extra)[0]


def test_malformed_fixed_part(st):
    size = ctypes.sizeof(_ffi.IoctlReq)
    good = bytes(_req())
    assert st.msg(FF_MSG_IOCTL, good[: size - 1])[0] == EINVAL
    assert st.msg(FF_MSG_IOCTL, good + b"\0" * 8)[0] == EINVAL
    assert st.msg(FF_MSG_IOCTL, b"")[0] == EINVAL
    for field, value in (
        ("ir_len", size - 1),
        ("ir_len", 0),
        ("ir_op", 0),
        ("ir_op", _ffi.FF_IOCTL_SETCAP + 1),  # the first op not defined
        ("ir_spare0", 1),
    ):
        r = _req()
        setattr(r, field, value)
        assert _send(st, r) == EINVAL, field
    r = _req()
    r.ir_spare[3] = 1
    assert _send(st, r) == EINVAL


def test_name_without_nul_and_missing_name(st):
    r = _req()
    ctypes.memmove(
        ctypes.addressof(r) + _ffi.IoctlReq.ir_name.offset, b"f" * 16, 16
    )
    assert _send(st, r) == EINVAL
    for op in (
        FF_IOCTL_SETFLAGS,
        FF_IOCTL_SETMTU,
        FF_IOCTL_DELADDR,
        _ffi.FF_IOCTL_SETCAP,
    ):
        assert _send(st, _req(op, "", value=1500)) == EINVAL
    assert _send(st, _req(FF_IOCTL_SETMTU, "nosuch0", value=1500)) == ENXIO


def test_bad_addresses(st):
    r = _req(FF_IOCTL_ADDADDR, addr="198.18.1.2", mask="255.255.255.0")
    r.ir_addr.sin_family = 28  # AF_INET6
    assert _send(st, r) == EAFNOSUPPORT
    r = _req(FF_IOCTL_ADDADDR, addr="198.18.1.2", mask="255.255.255.0")
    r.ir_addr.sin_len = 8
    assert _send(st, r) == EINVAL
    r = _req(FF_IOCTL_ADDADDR, addr="198.18.1.2", mask="255.255.255.0")
    r.ir_mask.sin_family = 1
    assert _send(st, r) == EAFNOSUPPORT
    r = _req(FF_IOCTL_ADDADDR, addr="198.18.1.2", mask="255.255.255.0")
    r.ir_addr.sin_port = 80
    assert _send(st, r) == EINVAL
    assert _send(st, _req(FF_IOCTL_ADDADDR)) == EINVAL  # no address
    assert (
        _send(
            st, _req(FF_IOCTL_ADDADDR, addr="198.18.1.2", mask="255.0.255.0")
        )
        == EINVAL
    )
    for bad in ("0.0.0.0", "255.255.255.255", "224.0.0.1"):
        assert (
            _send(st, _req(FF_IOCTL_ADDADDR, addr=bad, mask="255.255.255.0"))
            == EINVAL
        )
    assert [a["addr"] for a in ifinfo(st, "f-stack-0")["addrs"]] == [OUR_IP]


def test_refused_requests_change_nothing(st):
    before = ifinfo(st, "f-stack-0")
    for req in (
        _req(FF_IOCTL_SETMTU, value=10),
        _req(FF_IOCTL_ADDADDR, addr="224.0.0.1", mask="255.0.0.0"),
        _req(FF_IOCTL_DELADDR, addr="198.18.7.7"),
    ):
        assert _send(st, req) != 0
    after = ifinfo(st, "f-stack-0")
    before.pop("counters"), after.pop("counters")
    assert after == before


def test_header_checks(st):
    body = _ffi.encode_ioctl_req(FF_IOCTL_LIST)
    assert st.msg(FF_MSG_IOCTL, body, fm_len=_ffi.HDR_SIZE + 1)[0] == EMSGSIZE
    assert st.msg(15, body)[0] == EOPNOTSUPP
    raw = bytearray(
        _ffi.encode_header(
            fm_magic=0x1234,
            fm_version=1,
            fm_type=FF_MSG_IOCTL,
            fm_len=_ffi.HDR_SIZE + len(body),
        )
        + body
    )
    assert st.msg(0, raw=bytes(raw))[0] == EBADMSG
    assert st.msg(0, raw=b"\0" * 10)[0] == EMSGSIZE
