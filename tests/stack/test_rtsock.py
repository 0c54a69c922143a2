"""FF_MSG_ROUTE (net/rtsock.c, net/rtsock_lle.c) through ff_test_msg():
the routing messages ff-route sends (RTM_ADD, RTM_DELETE, RTM_CHANGE,
RTM_GET, the dump) and the ARP entries of ff-arp (RTF_LLINFO), good and
malformed.  A refused message leaves the table as it was."""

import ctypes

from scapy.layers.inet import IP
from scapy.layers.l2 import ARP, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi
from fstools._ffi import (
    FF_MSG_ROUTE,
    FF_RTM_ADD,
    FF_RTM_CHANGE,
    FF_RTM_DELETE,
    FF_RTM_DUMP,
    FF_RTM_GET,
)

ESRCH, ENXIO, EBUSY, EEXIST, EINVAL = 3, 6, 16, 17, 22
EOPNOTSUPP, EAFNOSUPPORT, EADDRNOTAVAIL, ENETUNREACH = 45, 47, 49, 51

RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_DONE = 0x1, 0x2, 0x4, 0x40
RTF_REJECT, RTF_BLACKHOLE = 0x8, 0x1000
RTF_LLINFO, RTF_STATIC, RTF_ANNOUNCE = 0x400, 0x800, 0x4000
RTF_PINNED, RTF_LOCAL, RTF_IFADDR = 0x100000, 0x200000, 0x1000000

MASK16, MASK24 = "255.255.0.0", "255.255.255.0"
MAC9 = bytes.fromhex("020000000009")


def route(st, rtm_type, **kw):
    err, cur, body = st.msg(FF_MSG_ROUTE, _ffi.encode_rt_msg(rtm_type, **kw))
    return err, (_ffi.decode_rt_msg(body) if not err else None)


def dump(st, flags=0, index=0):
    recs, cursor, parts = [], 0, 0
    while True:
        err, cursor, body = st.msg(
            FF_MSG_ROUTE,
            _ffi.encode_rt_msg(FF_RTM_DUMP, flags=flags, index=index),
            cursor=cursor,
        )
        assert err == 0
        recs += _ffi.decode_rt_dump(body)
        parts += 1
        if cursor == 0:
            return recs, parts


def test_add_get_delete_net_route(st):
    err, m = route(
        st,
        FF_RTM_ADD,
        dst="198.19.0.0",
        netmask=MASK16,
        gateway=PEER_IP,
        seq=42,
    )
    assert err == 0
    assert (m["dst"], m["netmask"], m["gateway"], m["ifname"]) == (
        "198.19.0.0",
        MASK16,
        PEER_IP,
        "f-stack-0",
    )
    assert m["flags"] == RTF_UP | RTF_GATEWAY | RTF_STATIC | RTF_DONE
    assert m["seq"] == 42 and m["type"] == FF_RTM_ADD and m["mtu"] == 1500
    err, g = route(st, FF_RTM_GET, dst="198.19.1.1")
    assert err == 0 and g["dst"] == "198.19.0.0" and g["gateway"] == PEER_IP
    assert (
        route(
            st, FF_RTM_ADD, dst="198.19.0.0", netmask=MASK16, gateway=PEER_IP
        )[0]
        == EEXIST
    )
    err, d = route(st, FF_RTM_DELETE, dst="198.19.0.0", netmask=MASK16)
    assert err == 0 and d["gateway"] == PEER_IP
    assert (
        route(st, FF_RTM_DELETE, dst="198.19.0.0", netmask=MASK16)[0] == ESRCH
    )
    assert route(st, FF_RTM_GET, dst="198.19.1.1")[1]["dst"] == "0.0.0.0"


def test_traffic_follows_the_route(st):
    st.arp_add("198.18.0.9", "02:00:00:00:00:09")
    st.arp_add(PEER_IP, PEER_MAC)
    assert (
        route(
            st,
            FF_RTM_ADD,
            dst="198.19.0.0",
            netmask=MASK16,
            gateway="198.18.0.9",
        )[0]
        == 0
    )
    assert st.ip_output("198.19.1.1") == 0
    assert st.expect(IP).dst == "02:00:00:00:00:09"
    assert route(st, FF_RTM_DELETE, dst="198.19.0.0", netmask=MASK16)[0] == 0
    assert st.ip_output("198.19.1.1") == 0
    assert st.expect(IP).dst == PEER_MAC  # the default again


def test_host_route_and_interface_route(st):
    err, m = route(st, FF_RTM_ADD, dst="198.19.7.7", gateway=PEER_IP)
    assert (
        err == 0
        and m["flags"] & RTF_HOST
        and m["netmask"] == "255.255.255.255"
    )
    err, m = route(
        st, FF_RTM_ADD, dst="198.20.0.0", netmask=MASK16, ifname="f-stack-0"
    )
    assert err == 0 and m["gateway"] is None and not m["flags"] & RTF_GATEWAY
    assert m["ifname"] == "f-stack-0"
    # A gateway that is one of our addresses means "that interface".
    err, m = route(
        st, FF_RTM_ADD, dst="198.21.0.0", netmask=MASK16, gateway=OUR_IP
    )
    assert err == 0 and not m["flags"] & RTF_GATEWAY
    assert (
        route(
            st, FF_RTM_ADD, dst="198.22.0.0", netmask=MASK16, ifname="nosuch0"
        )[0]
        == ENXIO
    )
    assert (
        route(st, FF_RTM_ADD, dst="198.22.0.0", netmask=MASK16, index=99)[0]
        == ENXIO
    )


def test_mtu_and_change(st):
    err, m = route(
        st,
        FF_RTM_ADD,
        dst="198.19.0.0",
        netmask=MASK16,
        gateway=PEER_IP,
        mtu=1280,
    )
    assert err == 0 and m["mtu"] == 1280
    err, m = route(
        st,
        FF_RTM_CHANGE,
        dst="198.19.0.0",
        netmask=MASK16,
        gateway="198.18.0.9",
    )
    assert err == 0 and m["gateway"] == "198.18.0.9" and m["mtu"] == 1280
    err, m = route(
        st, FF_RTM_CHANGE, dst="198.19.0.0", netmask=MASK16, mtu=1400
    )
    assert err == 0 and m["gateway"] == "198.18.0.9" and m["mtu"] == 1400
    # A change that cannot be made leaves the route as it was.
    assert (
        route(
            st,
            FF_RTM_CHANGE,
            dst="198.19.0.0",
            netmask=MASK16,
            gateway="203.0.113.1",
        )[0]
        == ENETUNREACH
    )
    assert (
        route(st, FF_RTM_GET, dst="198.19.0.0", netmask=MASK16)[1]["gateway"]
        == "198.18.0.9"
    )
    assert (
        route(
            st,
            FF_RTM_CHANGE,
            dst="198.23.0.0",
            netmask=MASK16,
            gateway=PEER_IP,
        )[0]
        == ESRCH
    )
    for mtu in (0, 67, 65536):
        assert (
            route(
                st,
                FF_RTM_ADD,
                dst="198.24.0.0",
                netmask=MASK16,
                gateway=PEER_IP,
                mtu=mtu,
            )[0]
            == EINVAL
        )


def test_refusals(st):
    n = st.route_count()
    assert (
        route(
            st,
            FF_RTM_ADD,
            dst="198.19.0.0",
            netmask=MASK16,
            gateway="203.0.113.1",
        )[0]
        == ENETUNREACH
    )
    assert (
        route(st, FF_RTM_ADD, dst="198.19.0.0", netmask=MASK16)[0] == EINVAL
    )  # no gateway, no ifp
    # Connected and local routes go with their address.
    assert (
        route(st, FF_RTM_DELETE, dst="198.18.0.0", netmask=MASK24)[0] == EBUSY
    )
    assert route(st, FF_RTM_DELETE, dst=OUR_IP)[0] == EBUSY
    assert (
        route(
            st,
            FF_RTM_DELETE,
            dst="0.0.0.0",
            netmask="0.0.0.0",
            gateway="198.18.0.99",
        )[0]
        == ESRCH
    )  # wrong gateway
    assert (
        route(
            st,
            FF_RTM_ADD,
            dst="198.19.0.0",
            netmask=MASK16,
            gateway=PEER_IP,
            ifa="198.18.0.77",
        )[0]
        == EADDRNOTAVAIL
    )
    assert route(st, FF_RTM_GET, dst="198.19.0.0", netmask=MASK16)[0] == ESRCH
    assert st.route_count() == n


def test_get_default_and_connected(st):
    err, m = route(st, FF_RTM_GET, dst="0.0.0.0")
    assert err == 0 and (m["dst"], m["netmask"], m["gateway"]) == (
        "0.0.0.0",
        "0.0.0.0",
        PEER_IP,
    )
    err, m = route(st, FF_RTM_GET, dst="198.18.0.77")
    assert err == 0 and m["flags"] & RTF_PINNED and m["gateway"] is None
    assert m["ifa"] == OUR_IP


def test_dump_and_multipart(st):
    recs, parts = dump(st)
    assert len(recs) == st.route_count() and parts == 1
    assert recs[0]["dst"] == "0.0.0.0"
    for i in range(700):
        assert (
            route(
                st,
                FF_RTM_ADD,
                dst="198.19.%d.%d" % (i // 250, i % 250),
                gateway=PEER_IP,
            )[0]
            == 0
        )
    recs, parts = dump(st)
    assert parts > 1 and len(recs) == st.route_count()
    assert len({(r["dst"], r["netmask"]) for r in recs}) == len(recs)


def _rtm(rtm_type=FF_RTM_GET, **kw):
    kw.setdefault("dst", "198.19.0.0")
    return _ffi.RtMsghdr.from_buffer_copy(_ffi.encode_rt_msg(rtm_type, **kw))


def _send(st, m, extra=b""):
    return st.msg(FF_MSG_ROUTE, bytes(m) + extra)[0]


def test_malformed_messages(st):
    n = st.route_count()
    size = ctypes.sizeof(_ffi.RtMsghdr)
    good = bytes(_rtm(FF_RTM_ADD, netmask=MASK16, gateway=PEER_IP))
    assert st.msg(FF_MSG_ROUTE, good[:-1])[0] == EINVAL
    assert st.msg(FF_MSG_ROUTE, good + b"\0")[0] == EINVAL
    assert st.msg(FF_MSG_ROUTE, b"")[0] == EINVAL
    for field, value in (
        ("rtm_msglen", size + 8),
        ("rtm_version", 4),
        ("rtm_type", 0),
        ("rtm_type", 5),
        ("rtm_flags", 0x80000000),
        ("rtm_addrs", 0x8),
        ("rtm_inits", 0x2),
        ("rtm_inits", _ffi.FF_RTV_EXPIRE),
    ):  # ARP only
        m = _ffi.RtMsghdr.from_buffer_copy(good)
        setattr(m, field, value)
        assert _send(st, m) == EINVAL, field
    m = _ffi.RtMsghdr.from_buffer_copy(good)
    ctypes.memmove(
        ctypes.addressof(m) + _ffi.RtMsghdr.rtm_ifname.offset, b"x" * 16, 16
    )
    assert _send(st, m) == EINVAL
    m = _rtm(FF_RTM_ADD, gateway=PEER_IP)
    m.rtm_addrs &= ~_ffi.FF_RTA_DST  # no destination
    assert _send(st, m) == EINVAL
    m = _rtm(FF_RTM_ADD, netmask=MASK16, gateway=PEER_IP)
    m.rtm_dst.sin_family = 28
    assert _send(st, m) == EAFNOSUPPORT
    m = _rtm(FF_RTM_ADD, netmask=MASK16, gateway=PEER_IP)
    m.rtm_gateway.sin_len = 28
    assert _send(st, m) == EINVAL
    assert (
        _send(st, _rtm(FF_RTM_ADD, netmask="255.0.255.0", gateway=PEER_IP))
        == EINVAL
    )
    assert (
        _send(
            st,
            _rtm(FF_RTM_ADD, netmask=MASK16, gateway=PEER_IP, flags=RTF_HOST),
        )
        == EINVAL
    )
    assert st.route_count() == n


# -- ARP entries (RTF_LLINFO) -------------------------------------------------


def arp(st, rtm_type, **kw):
    kw["flags"] = kw.get("flags", 0) | RTF_LLINFO
    return route(st, rtm_type, **kw)


def arp_dump(st, index=0):
    return {r["dst"]: r for r in dump(st, RTF_LLINFO, index)[0]}


def test_arp_add_get_delete(st):
    err, m = arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9)
    assert err == 0 and m["lladdr"] == MAC9 and m["flags"] & RTF_STATIC
    assert m["ifname"] == "f-stack-0" and m["expire"] == 0
    assert st.arp_get("198.18.0.9")[0] == "02:00:00:00:00:09"
    err, m = arp(st, FF_RTM_GET, dst="198.18.0.9")
    assert err == 0 and m["lladdr"] == MAC9
    assert arp(st, FF_RTM_DELETE, dst="198.18.0.9")[0] == 0
    assert st.arp_get("198.18.0.9") is None
    assert arp(st, FF_RTM_DELETE, dst="198.18.0.9")[0] == ESRCH
    assert arp(st, FF_RTM_GET, dst="198.18.0.9")[0] == ESRCH


def test_arp_published_entry_answers(st):
    err, m = arp(
        st, FF_RTM_ADD, dst="198.18.0.50", lladdr=MAC9, flags=RTF_ANNOUNCE
    )
    assert err == 0 and m["flags"] & RTF_ANNOUNCE
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst="198.18.0.50")
    )
    rep = st.expect(ARP)
    assert rep[ARP].op == 2 and rep[ARP].hwsrc == "02:00:00:00:00:09"


def test_arp_dump_learnt_static_and_ours(st):
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    st.drain()
    arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9)
    table = arp_dump(st)
    assert set(table) == {PEER_IP, OUR_IP, "198.18.0.9"}
    peer = table[PEER_IP]
    assert peer["expire"] == 1200 and not peer["flags"] & RTF_STATIC
    assert ":".join("%02x" % b for b in peer["lladdr"]) == PEER_MAC
    ours = table[OUR_IP]
    assert ours["flags"] & RTF_IFADDR and ours["flags"] & RTF_STATIC
    assert ":".join("%02x" % b for b in ours["lladdr"]) == st.mac()
    assert table["198.18.0.9"]["flags"] & RTF_STATIC
    lo_index = 1
    assert arp_dump(st, index=lo_index) == {}
    assert (
        st.msg(
            FF_MSG_ROUTE,
            _ffi.encode_rt_msg(FF_RTM_DUMP, flags=RTF_LLINFO, index=99),
        )[0]
        == ENXIO
    )


def test_arp_delete_all(st):
    arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9)
    st.arp_add(PEER_IP, PEER_MAC)
    assert st.arp_count() == 2
    assert arp(st, FF_RTM_DELETE)[0] == 0
    assert st.arp_count() == 0
    assert set(arp_dump(st)) == {OUR_IP}


def test_arp_refusals(st):
    assert (
        arp(st, FF_RTM_ADD, dst="203.0.113.5", lladdr=MAC9)[0] == ENETUNREACH
    )
    assert (
        arp(
            st,
            FF_RTM_ADD,
            dst="198.18.0.9",
            lladdr=bytes.fromhex("010203040506"),
        )[0]
        == EINVAL
    )
    assert arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=bytes(6))[0] == EINVAL
    assert arp(st, FF_RTM_ADD, dst=OUR_IP, lladdr=MAC9)[0] == EEXIST
    assert arp(st, FF_RTM_ADD, lladdr=MAC9)[0] == EINVAL  # no address
    assert (
        arp(st, FF_RTM_CHANGE, dst="198.18.0.9", lladdr=MAC9)[0] == EOPNOTSUPP
    )
    m = _rtm(FF_RTM_ADD, dst="198.18.0.9", flags=RTF_LLINFO, lladdr=MAC9)
    m.rtm_dst.sin_family = 28
    assert _send(st, m) == EAFNOSUPPORT
    assert st.arp_count() == 0


def test_arp_temporary_entry_expires(st):
    # arp -s ... temp: no RTF_STATIC, RTV_EXPIRE with the lifetime.
    err, m = arp(
        st,
        FF_RTM_ADD,
        dst="198.18.0.9",
        lladdr=MAC9,
        expire=30,
        flags=RTF_ANNOUNCE,
    )
    assert err == 0 and not m["flags"] & RTF_STATIC and m["expire"] == 30
    assert m["flags"] & RTF_ANNOUNCE
    st.advance(10, step=1)
    entry = arp_dump(st)["198.18.0.9"]
    assert entry["expire"] == 20 and not entry["flags"] & RTF_STATIC
    assert entry["lladdr"] == MAC9
    timeouts = st.counter("arp.timeouts")
    st.advance(21, step=1)
    assert "198.18.0.9" not in arp_dump(st)
    assert st.arp_get("198.18.0.9") is None
    assert st.counter("arp.timeouts") == timeouts + 1


def test_arp_temporary_and_permanent_replace_each_other(st):
    arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9, flags=RTF_STATIC)
    err, m = arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9, expire=5)
    assert err == 0 and m["expire"] == 5 and not m["flags"] & RTF_STATIC
    err, m = arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9, expire=0)
    assert err == 0 and m["expire"] == 0 and m["flags"] & RTF_STATIC
    st.advance(10, step=1)
    assert st.arp_get("198.18.0.9") is not None  # static now


def test_arp_temporary_entry_learnt_over(st):
    # Like a learnt entry, a temporary one follows the host's replies.
    arp(st, FF_RTM_ADD, dst=PEER_IP, lladdr=MAC9, expire=30)
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    st.drain()
    mac, _, left = st.arp_get(PEER_IP)
    assert mac == PEER_MAC and left == 1200


def test_arp_add_refusals_leave_entry(st):
    arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=MAC9)
    other = bytes.fromhex("02000000000a")
    for kw, error in (
        (dict(flags=RTF_STATIC, expire=30), EINVAL),  # contradiction
        (dict(expire=2**31), EINVAL),
        (dict(expire=2**64 - 1), EINVAL),
        (dict(flags=RTF_BLACKHOLE), EOPNOTSUPP),
        (dict(flags=RTF_REJECT, expire=30), EOPNOTSUPP),
    ):
        assert (
            arp(st, FF_RTM_ADD, dst="198.18.0.9", lladdr=other, **kw)[0]
            == error
        ), kw
    mac, flags, left = st.arp_get("198.18.0.9")
    assert mac == "02:00:00:00:00:09" and left == -1
    assert st.arp_count() == 1
