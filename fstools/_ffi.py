"""The C boundary: the one module of fstools that touches ctypes.

It finds and loads the client library, declares every function the tools
call in one table (``_SIGNATURES``), mirrors the ff_msg.h structs as ctypes classes,
and turns every error number into a Python exception in one place
(``_ERRORS`` and ``error_for``).

Which library: see ``fstools._libpath`` (``$FF_LIBFF`` first).

Nothing is loaded at import time: ``library()`` loads on first use, checks
that every symbol exists and that the library speaks ``FF_MSG_ABI_VERSION``,
and fails loudly otherwise.  Code above this module sees bytes, dicts and
exceptions, never ctypes objects.
"""

import atexit
import ctypes
import errno as _errno
import functools
import os
import socket
import struct
import threading

from fstools import _libpath
from ctypes import (
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_int32,
    c_size_t,
    c_ssize_t,
    c_uint16,
    c_uint32,
    c_uint64,
    c_void_p,
)

# ff_msg.h, by hand: tests/unit/test_abi.py checks the structs below against
# the compiled library; these constants follow the header.
FF_MSG_ABI_VERSION = 1
FF_MSG_MAGIC = 0x4D46
FF_MSG_SIZE = 65536
FF_MAX_PROCS = 32
FF_MSGF_REPLY = 0x0001

FF_MSG_ECHO = 1
FF_MSG_TOP = 2
FF_MSG_TRAFFIC = 3
FF_MSG_SYSCTL = 4
FF_MSG_IOCTL = 5
FF_MSG_ROUTE = 6
FF_MSG_IPFW = 7
FF_MSG_NETSTAT = 8
FF_MSG_IOCTL6 = 9
FF_MSG_NDP = 10

FF_DEFAULT_FILE_PREFIX = _libpath.DEFAULT_PREFIX


# ---------------------------------------------------------------------------
# Struct mirrors: same names and fixed-width fields as ff_msg.h.


class MsgHdr(Structure):
    """struct ff_msg_hdr"""

    _c_name_ = "ff_msg_hdr"
    _fields_ = [
        ("fm_magic", c_uint16),
        ("fm_version", c_uint16),
        ("fm_type", c_uint16),
        ("fm_flags", c_uint16),
        ("fm_len", c_uint32),
        ("fm_error", c_int32),
        ("fm_cursor", c_uint64),
        ("fm_proc_id", c_uint32),
        ("fm_seq", c_uint32),
        ("fm_spare", c_uint64 * 4),
    ]


class MsgIov(Structure):
    """struct ff_msg_iov"""

    _c_name_ = "ff_msg_iov"
    _fields_ = [
        ("mi_off", c_uint32),
        ("mi_len", c_uint32),
    ]


class TopStats(Structure):
    """struct ff_top_stats"""

    _c_name_ = "ff_top_stats"
    _fields_ = [
        ("ts_len", c_uint32),
        ("ts_proc_id", c_uint32),
        ("ts_loops", c_uint64),
        ("ts_idle_tsc", c_uint64),
        ("ts_sys_tsc", c_uint64),
        ("ts_usr_tsc", c_uint64),
        ("ts_work_tsc", c_uint64),
        ("ts_tsc_hz", c_uint64),
        ("ts_now_tsc", c_uint64),
        ("ts_rx_packets", c_uint64),
        ("ts_tx_packets", c_uint64),
        ("ts_rx_bytes", c_uint64),
        ("ts_tx_bytes", c_uint64),
        ("ts_spare", c_uint64 * 4),
    ]


class TrafficStats(Structure):
    """struct ff_traffic_stats"""

    _c_name_ = "ff_traffic_stats"
    _fields_ = [
        ("tr_len", c_uint32),
        ("tr_proc_id", c_uint32),
        ("tr_rx_packets", c_uint64),
        ("tr_rx_bytes", c_uint64),
        ("tr_rx_dropped", c_uint64),
        ("tr_tx_packets", c_uint64),
        ("tr_tx_bytes", c_uint64),
        ("tr_tx_dropped", c_uint64),
        ("tr_now_ns", c_uint64),
        ("tr_spare", c_uint64 * 4),
    ]


class AbiEntry(Structure):
    """struct ff_msg_abi_entry (library metadata, never on the ring)"""

    _fields_ = [
        ("fe_struct", c_char_p),
        ("fe_field", c_char_p),
        ("fe_offset", c_uint32),
        ("fe_size", c_uint32),
    ]


# Every struct that crosses the ring, by its C name.
MIRRORED = {
    cls._c_name_: cls for cls in (MsgHdr, MsgIov, TopStats, TrafficStats)
}

HDR_SIZE = ctypes.sizeof(MsgHdr)


# ---------------------------------------------------------------------------
# BEGIN sysctl (FF_MSG_SYSCTL, owned by ff-sysctl; ff_msg.h "FF_MSG_SYSCTL")

FF_SYSCTL_MAXNAME = 24
FF_SYSCTL_NAMEMAX = 256

FF_SYSCTL_GET = 1
FF_SYSCTL_SET = 2
FF_SYSCTL_WALK = 3

FF_SYSCTLF_DESCR = 0x0001
FF_SYSCTLF_NOVALUE = 0x0002
FF_SYSCTLF_TEXT = 0x0004
FF_SYSCTLF_AFTER = 0x0008
FF_SYSCTLF_NODES = 0x0010

# FreeBSD's CTLTYPE_* and CTLFLAG_* (kern_sysctl.h).
CTLTYPE = 0xF
CTLTYPE_NODE = 1
CTLTYPE_INT = 2
CTLTYPE_STRING = 3
CTLTYPE_S64 = 4
CTLTYPE_OPAQUE = 5
CTLTYPE_UINT = 6
CTLTYPE_LONG = 7
CTLTYPE_ULONG = 8
CTLTYPE_U64 = 9
CTLFLAG_RD = 0x80000000
CTLFLAG_WR = 0x40000000
CTLFLAG_TUN = 0x00080000
CTLFLAG_STATS = 0x00002000

# Short type names (--json, SysctlNode.type_name) and flag names.
CTLTYPE_NAMES = {
    CTLTYPE_NODE: "node",
    CTLTYPE_INT: "int",
    CTLTYPE_STRING: "string",
    CTLTYPE_S64: "s64",
    CTLTYPE_OPAQUE: "opaque",
    CTLTYPE_UINT: "uint",
    CTLTYPE_LONG: "long",
    CTLTYPE_ULONG: "ulong",
    CTLTYPE_U64: "u64",
}
CTLFLAG_NAMES = [
    (CTLFLAG_RD, "RD"),
    (CTLFLAG_WR, "WR"),
    (CTLFLAG_TUN, "TUN"),
    (CTLFLAG_STATS, "STATS"),
]

# Opaque values decoded field by field: format tag -> (struct module
# layout, field names).  Stats structs add theirs here as they land.
SYSCTL_STRUCTS = {
    "S,teststat": ("=4Q", ("a", "b", "c", "d")),
}


class SysctlReq(Structure):
    """struct ff_sysctl_req"""

    _c_name_ = "ff_sysctl_req"
    _fields_ = [
        ("sr_len", c_uint32),
        ("sr_op", c_uint32),
        ("sr_flags", c_uint32),
        ("sr_oidlen", c_uint32),
        ("sr_oid", c_int32 * FF_SYSCTL_MAXNAME),
        ("sr_rootlen", c_uint32),
        ("sr_maxnodes", c_uint32),
        ("sr_name", MsgIov),
        ("sr_new", MsgIov),
        ("sr_spare", c_uint64 * 4),
    ]


class SysctlRep(Structure):
    """struct ff_sysctl_rep"""

    _c_name_ = "ff_sysctl_rep"
    _fields_ = [
        ("sp_len", c_uint32),
        ("sp_count", c_uint32),
        ("sp_first", c_uint32),
        ("sp_spare0", c_uint32),
        ("sp_remaining", c_uint64),
        ("sp_spare", c_uint64 * 2),
    ]


class SysctlNode(Structure):
    """struct ff_sysctl_node"""

    _c_name_ = "ff_sysctl_node"
    _fields_ = [
        ("sn_reclen", c_uint32),
        ("sn_kind", c_uint32),
        ("sn_oidlen", c_uint32),
        ("sn_error", c_int32),
        ("sn_oid", c_int32 * FF_SYSCTL_MAXNAME),
        ("sn_name", MsgIov),
        ("sn_fmt", MsgIov),
        ("sn_descr", MsgIov),
        ("sn_value", MsgIov),
        ("sn_oldvalue", MsgIov),
        ("sn_valuesize", c_uint32),
        ("sn_spare0", c_uint32),
        ("sn_spare", c_uint64 * 2),
    ]


MIRRORED.update(
    {cls._c_name_: cls for cls in (SysctlReq, SysctlRep, SysctlNode)}
)


def encode_sysctl_req(
    op, flags=0, name=None, oid=None, rootlen=0, maxnodes=0, new=None
):
    """A FF_MSG_SYSCTL request body: the fixed part, then name, then value.

    ``name`` is a str (sent NUL-terminated), ``oid`` a list of ints (wins
    over the name), ``new`` bytes (or a str with FF_SYSCTLF_TEXT, sent
    NUL-terminated).  Offsets count from the message start.
    """
    req = SysctlReq(
        sr_len=ctypes.sizeof(SysctlReq),
        sr_op=op,
        sr_flags=flags,
        sr_rootlen=rootlen,
        sr_maxnodes=maxnodes,
    )
    if oid:
        if len(oid) > FF_SYSCTL_MAXNAME:
            raise ValueError("OID longer than %d" % FF_SYSCTL_MAXNAME)
        req.sr_oidlen = len(oid)
        for i, n in enumerate(oid):
            req.sr_oid[i] = n
    tail = b""
    off = HDR_SIZE + ctypes.sizeof(SysctlReq)
    if name is not None and not oid:
        data = name.encode("utf-8", "surrogateescape") + b"\0"
        req.sr_name = MsgIov(off + len(tail), len(data))
        tail += data
    if new is not None:
        data = (
            new.encode("utf-8", "surrogateescape") + b"\0"
            if isinstance(new, str)
            else bytes(new)
        )
        req.sr_new = MsgIov(off + len(tail) if data else 0, len(data))
        tail += data
    return bytes(req) + tail


def _sysctl_part(body, iov, what):
    """The bytes an ff_msg_iov of a reply names (offsets from the message)."""
    if iov.mi_len == 0:
        return b""
    start = iov.mi_off - HDR_SIZE
    if iov.mi_off < HDR_SIZE or start + iov.mi_len > len(body):
        raise ProtocolError("sysctl answer: %s outside the message" % what)
    return bytes(body[start : start + iov.mi_len])


def _sysctl_str(body, iov, what):
    return (
        _sysctl_part(body, iov, what).rstrip(b"\0").decode("utf-8", "replace")
    )


def decode_sysctl_reply(body):
    """A FF_MSG_SYSCTL answer body -> (remaining, [record dict, ...]).

    Record keys: name, oid, kind, type, fmt, descr, value, oldvalue
    (None unless a SET), valuesize, error (a FreeBSD errno or 0).
    """
    rsize = ctypes.sizeof(SysctlRep)
    nsize = ctypes.sizeof(SysctlNode)
    if len(body) < rsize:
        raise ProtocolError("sysctl answer too short (%d bytes)" % len(body))
    rep = SysctlRep.from_buffer_copy(bytes(body[:rsize]))
    records = []
    pos = rep.sp_first - HDR_SIZE if rep.sp_count else 0
    for _ in range(rep.sp_count):
        if pos < rsize or pos + nsize > len(body):
            raise ProtocolError("sysctl answer: record outside the message")
        sn = SysctlNode.from_buffer_copy(bytes(body[pos : pos + nsize]))
        if sn.sn_reclen < nsize or sn.sn_oidlen > FF_SYSCTL_MAXNAME:
            raise ProtocolError("sysctl answer: malformed record")
        records.append(
            {
                "name": _sysctl_str(body, sn.sn_name, "name"),
                "oid": list(sn.sn_oid[: sn.sn_oidlen]),
                "kind": sn.sn_kind,
                "type": sn.sn_kind & CTLTYPE,
                "fmt": _sysctl_str(body, sn.sn_fmt, "format"),
                "descr": _sysctl_str(body, sn.sn_descr, "description"),
                "value": _sysctl_part(body, sn.sn_value, "value"),
                "oldvalue": (
                    _sysctl_part(body, sn.sn_oldvalue, "old value")
                    if sn.sn_oldvalue.mi_len
                    else None
                ),
                "valuesize": sn.sn_valuesize,
                "error": sn.sn_error,
            }
        )
        pos += sn.sn_reclen
    return rep.sp_remaining, records


# END sysctl
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# BEGIN ioctl/route (FF_MSG_IOCTL, FF_MSG_ROUTE; owned by ff-ifconfig,
# ff-route, ff-arp; ff_msg.h "FF_MSG_IOCTL" and "FF_MSG_ROUTE")

from ctypes import c_char, c_uint8  # noqa: E402

FF_AF_INET = 2
FF_IFNAMSIZ = 16
FF_IFCOUNTERS = 12

FF_IOCTL_LIST = 1
FF_IOCTL_SETFLAGS = 2
FF_IOCTL_SETMTU = 3
FF_IOCTL_ADDADDR = 4
FF_IOCTL_DELADDR = 5
FF_IOCTL_SETCAP = 6

# ii_capenable / SETCAP's ir_value bits (FreeBSD net/if.h)
FF_IFCAP_RXCSUM = 0x00001
FF_IFCAP_TXCSUM = 0x00002
FF_IFCAP_TSO4 = 0x00100
FF_IFCAP_LINKSTATE = 0x80000

FF_RTM_VERSION = 5
FF_RTM_ADD = 0x1
FF_RTM_DELETE = 0x2
FF_RTM_CHANGE = 0x3
FF_RTM_GET = 0x4
FF_RTM_DUMP = 0x80

FF_RTA_DST = 0x01
FF_RTA_GATEWAY = 0x02
FF_RTA_NETMASK = 0x04
FF_RTA_IFP = 0x10
FF_RTA_IFA = 0x20

FF_RTV_MTU = 0x1
FF_RTV_EXPIRE = 0x4

# FreeBSD's if.h, if_types.h and route.h values the answers carry.
IFF_UP = 0x1
IFF_PROMISC = 0x100
IFT_ETHER = 0x06
IFT_LOOP = 0x18
LINK_STATE_DOWN = 1
LINK_STATE_UP = 2
RTF_UP = 0x1
RTF_GATEWAY = 0x2
RTF_HOST = 0x4
RTF_REJECT = 0x8
RTF_DONE = 0x40
RTF_LLINFO = 0x400
RTF_STATIC = 0x800
RTF_BLACKHOLE = 0x1000
RTF_ANNOUNCE = 0x4000
RTF_IFADDR = 0x1000000

# FreeBSD's IFFBITS and IFCAPBITS (ifconfig's flags= and options=) and
# route(8)'s routeflags, in bit order.
IFF_NAMES = [
    (0x1, "UP"),
    (0x2, "BROADCAST"),
    (0x4, "DEBUG"),
    (0x8, "LOOPBACK"),
    (0x10, "POINTOPOINT"),
    (0x20, "NEEDSEPOCH"),
    (0x40, "RUNNING"),
    (0x80, "NOARP"),
    (0x100, "PROMISC"),
    (0x200, "ALLMULTI"),
    (0x400, "OACTIVE"),
    (0x800, "SIMPLEX"),
    (0x1000, "LINK0"),
    (0x2000, "LINK1"),
    (0x4000, "LINK2"),
    (0x8000, "MULTICAST"),
]
IFCAP_NAMES = [
    (0x1, "RXCSUM"),
    (0x2, "TXCSUM"),
    (0x4, "NETCONS"),
    (0x8, "VLAN_MTU"),
    (0x10, "VLAN_HWTAGGING"),
    (0x20, "JUMBO_MTU"),
    (0x40, "POLLING"),
    (0x80, "VLAN_HWCSUM"),
    (0x100, "TSO4"),
    (0x200, "TSO6"),
    (0x400, "LRO"),
    (0x800, "WOL_UCAST"),
    (0x1000, "WOL_MCAST"),
    (0x2000, "WOL_MAGIC"),
    (0x4000, "TOE4"),
    (0x8000, "TOE6"),
    (0x10000, "VLAN_HWFILTER"),
    (0x40000, "VLAN_HWTSO"),
    (0x80000, "LINKSTATE"),
    (0x100000, "NETMAP"),
    (0x200000, "RXCSUM_IPV6"),
    (0x400000, "TXCSUM_IPV6"),
]
RTF_NAMES = [
    (0x1, "UP"),
    (0x2, "GATEWAY"),
    (0x4, "HOST"),
    (0x8, "REJECT"),
    (0x10, "DYNAMIC"),
    (0x20, "MODIFIED"),
    (0x40, "DONE"),
    (0x200, "XRESOLVE"),
    (0x400, "LLINFO"),
    (0x800, "STATIC"),
    (0x1000, "BLACKHOLE"),
    (0x4000, "PROTO2"),
    (0x8000, "PROTO1"),
    (0x40000, "PROTO3"),
    (0x80000, "FIXEDMTU"),
    (0x100000, "PINNED"),
    (0x200000, "LOCAL"),
    (0x400000, "BROADCAST"),
    (0x800000, "MULTICAST"),
]
# ii_counters, in FreeBSD's ift_counter order.
IF_COUNTER_NAMES = (
    "ipackets",
    "ierrors",
    "opackets",
    "oerrors",
    "collisions",
    "ibytes",
    "obytes",
    "imcasts",
    "omcasts",
    "iqdrops",
    "oqdrops",
    "noproto",
)


class SockaddrIn(Structure):
    """struct ff_sockaddr_in (FreeBSD's sockaddr_in)"""

    _c_name_ = "ff_sockaddr_in"
    _fields_ = [
        ("sin_len", c_uint8),
        ("sin_family", c_uint8),
        ("sin_port", c_uint16),
        ("sin_addr", c_uint8 * 4),
        ("sin_zero", c_uint8 * 8),
    ]


class IoctlReq(Structure):
    """struct ff_ioctl_req"""

    _c_name_ = "ff_ioctl_req"
    _fields_ = [
        ("ir_len", c_uint32),
        ("ir_op", c_uint32),
        ("ir_value", c_uint32),
        ("ir_spare0", c_uint32),
        ("ir_name", c_char * FF_IFNAMSIZ),
        ("ir_addr", SockaddrIn),
        ("ir_mask", SockaddrIn),
        ("ir_broadaddr", SockaddrIn),
        ("ir_spare", c_uint64 * 4),
    ]


class IoctlRep(Structure):
    """struct ff_ioctl_rep"""

    _c_name_ = "ff_ioctl_rep"
    _fields_ = [
        ("ip_len", c_uint32),
        ("ip_count", c_uint32),
        ("ip_first", c_uint32),
        ("ip_spare0", c_uint32),
        ("ip_spare", c_uint64 * 2),
    ]


class IfaddrInfo(Structure):
    """struct ff_ifaddr_info"""

    _c_name_ = "ff_ifaddr_info"
    _fields_ = [
        ("ifa_addr", SockaddrIn),
        ("ifa_netmask", SockaddrIn),
        ("ifa_broadaddr", SockaddrIn),
        ("ifa_flags", c_uint32),
        ("ifa_spare0", c_uint32),
    ]


class IfInfo(Structure):
    """struct ff_ifinfo"""

    _c_name_ = "ff_ifinfo"
    _fields_ = [
        ("ii_reclen", c_uint32),
        ("ii_index", c_uint16),
        ("ii_type", c_uint8),
        ("ii_link_state", c_uint8),
        ("ii_flags", c_uint32),
        ("ii_mtu", c_uint32),
        ("ii_metric", c_uint32),
        ("ii_capenable", c_uint32),
        ("ii_name", c_char * FF_IFNAMSIZ),
        ("ii_lladdr", c_uint8 * 8),
        ("ii_naddrs", c_uint32),
        ("ii_spare0", c_uint32),
        ("ii_addrs", MsgIov),
        ("ii_counters", c_uint64 * FF_IFCOUNTERS),
        ("ii_spare", c_uint64 * 2),
    ]


class RtMetrics(Structure):
    """struct ff_rt_metrics"""

    _c_name_ = "ff_rt_metrics"
    _fields_ = [
        ("rmx_mtu", c_uint32),
        ("rmx_weight", c_uint32),
        ("rmx_expire", c_uint64),
        ("rmx_pksent", c_uint64),
        ("rmx_recvpipe", c_uint32),
        ("rmx_sendpipe", c_uint32),
        ("rmx_ssthresh", c_uint32),
        ("rmx_rtt", c_uint32),
        ("rmx_spare", c_uint64 * 2),
    ]


class RtMsghdr(Structure):
    """struct ff_rt_msghdr"""

    _c_name_ = "ff_rt_msghdr"
    _fields_ = [
        ("rtm_msglen", c_uint32),
        ("rtm_version", c_uint8),
        ("rtm_type", c_uint8),
        ("rtm_index", c_uint16),
        ("rtm_flags", c_uint32),
        ("rtm_addrs", c_uint32),
        ("rtm_inits", c_uint32),
        ("rtm_seq", c_uint32),
        ("rtm_rmx", RtMetrics),
        ("rtm_dst", SockaddrIn),
        ("rtm_gateway", SockaddrIn),
        ("rtm_netmask", SockaddrIn),
        ("rtm_ifa", SockaddrIn),
        ("rtm_ifname", c_char * FF_IFNAMSIZ),
        ("rtm_lladdr", c_uint8 * 8),
        ("rtm_spare", c_uint64 * 2),
    ]


class RtDump(Structure):
    """struct ff_rt_dump"""

    _c_name_ = "ff_rt_dump"
    _fields_ = [
        ("rd_len", c_uint32),
        ("rd_count", c_uint32),
        ("rd_first", c_uint32),
        ("rd_spare0", c_uint32),
        ("rd_spare", c_uint64 * 2),
    ]


MIRRORED.update(
    {
        cls._c_name_: cls
        for cls in (
            SockaddrIn,
            IoctlReq,
            IoctlRep,
            IfaddrInfo,
            IfInfo,
            RtMetrics,
            RtMsghdr,
            RtDump,
        )
    }
)


def _sin(addr):
    """A dotted quad (str) or 4 bytes -> SockaddrIn; None -> absent (zeros)."""
    sa = SockaddrIn()
    if addr is None:
        return sa
    if isinstance(addr, str):
        parts = addr.split(".")
        if len(parts) != 4 or not all(
            p.isdigit() and int(p) < 256 for p in parts
        ):
            raise ValueError("bad IPv4 address %r" % addr)
        addr = bytes(int(p) for p in parts)
    sa.sin_len = ctypes.sizeof(SockaddrIn)
    sa.sin_family = FF_AF_INET
    sa.sin_addr[:] = list(addr)
    return sa


def _sin_str(sa):
    """SockaddrIn -> dotted quad, or None when absent."""
    if sa.sin_len == 0:
        return None
    return "%d.%d.%d.%d" % tuple(sa.sin_addr)


def _name(raw):
    return raw.decode("utf-8", "replace")


def encode_ioctl_req(
    op, name="", value=0, addr=None, mask=None, broadaddr=None
):
    """A FF_MSG_IOCTL request body (addresses as dotted quads or None)."""
    data = name.encode("utf-8", "surrogateescape")
    if len(data) >= FF_IFNAMSIZ:
        raise ValueError("interface name too long: %r" % name)
    req = IoctlReq(
        ir_len=ctypes.sizeof(IoctlReq),
        ir_op=op,
        ir_value=value,
        ir_name=data,
        ir_addr=_sin(addr),
        ir_mask=_sin(mask),
        ir_broadaddr=_sin(broadaddr),
    )
    return bytes(req)


def _iface_addrs(body, ii):
    size = ctypes.sizeof(IfaddrInfo)
    if ii.ii_naddrs == 0:
        return []
    start = ii.ii_addrs.mi_off - HDR_SIZE
    if (
        ii.ii_addrs.mi_off < HDR_SIZE
        or ii.ii_addrs.mi_len != ii.ii_naddrs * size
        or start + ii.ii_addrs.mi_len > len(body)
    ):
        raise ProtocolError("ioctl answer: addresses outside the message")
    out = []
    for i in range(ii.ii_naddrs):
        fa = IfaddrInfo.from_buffer_copy(body, start + i * size)
        out.append(
            {
                "addr": _sin_str(fa.ifa_addr),
                "netmask": _sin_str(fa.ifa_netmask),
                "broadaddr": _sin_str(fa.ifa_broadaddr),
                "flags": fa.ifa_flags,
            }
        )
    return out


def decode_ioctl_reply(body):
    """A FF_MSG_IOCTL answer body -> [interface dict, ...].

    Keys: index, type, link_state, flags, mtu, metric, capenable, name,
    lladdr (6 bytes), counters (12 ints, FreeBSD's ift_counter order),
    addrs ([{addr, netmask, broadaddr, flags}]).
    """
    body = bytes(body)
    rsize, isize = ctypes.sizeof(IoctlRep), ctypes.sizeof(IfInfo)
    if len(body) < rsize:
        raise ProtocolError("ioctl answer too short (%d bytes)" % len(body))
    rep = IoctlRep.from_buffer_copy(body[:rsize])
    pos = rep.ip_first - HDR_SIZE
    out = []
    for _ in range(rep.ip_count):
        if pos < rsize or pos + isize > len(body):
            raise ProtocolError("ioctl answer: record outside the message")
        ii = IfInfo.from_buffer_copy(body, pos)
        if ii.ii_reclen < isize:
            raise ProtocolError("ioctl answer: malformed record")
        out.append(
            {
                "index": ii.ii_index,
                "type": ii.ii_type,
                "link_state": ii.ii_link_state,
                "flags": ii.ii_flags,
                "mtu": ii.ii_mtu,
                "metric": ii.ii_metric,
                "capenable": ii.ii_capenable,
                "name": _name(ii.ii_name),
                "lladdr": bytes(ii.ii_lladdr[:6]),
                "counters": list(ii.ii_counters),
                "addrs": _iface_addrs(body, ii),
            }
        )
        pos += ii.ii_reclen
    return out


def encode_rt_msg(
    rtm_type,
    flags=0,
    dst=None,
    netmask=None,
    gateway=None,
    ifa=None,
    ifname="",
    index=0,
    mtu=None,
    lladdr=None,
    expire=None,
    seq=0,
):
    """A FF_MSG_ROUTE request body; rtm_addrs follows what is given.

    ``expire`` (seconds to live, RTV_EXPIRE) makes an ARP entry temporary.
    """
    addrs = 0
    for bit, value in (
        (FF_RTA_DST, dst),
        (FF_RTA_GATEWAY, gateway),
        (FF_RTA_NETMASK, netmask),
        (FF_RTA_IFA, ifa),
    ):
        if value is not None:
            addrs |= bit
    if ifname or index:
        addrs |= FF_RTA_IFP
    data = ifname.encode("utf-8", "surrogateescape")
    if len(data) >= FF_IFNAMSIZ:
        raise ValueError("interface name too long: %r" % ifname)
    m = RtMsghdr(
        rtm_msglen=ctypes.sizeof(RtMsghdr),
        rtm_version=FF_RTM_VERSION,
        rtm_type=rtm_type,
        rtm_index=index,
        rtm_flags=flags,
        rtm_addrs=addrs,
        rtm_seq=seq,
        rtm_dst=_sin(dst),
        rtm_gateway=_sin(gateway),
        rtm_netmask=_sin(netmask),
        rtm_ifa=_sin(ifa),
        rtm_ifname=data,
    )
    if mtu is not None:
        m.rtm_inits |= FF_RTV_MTU
        m.rtm_rmx.rmx_mtu = mtu
    if expire is not None:
        m.rtm_inits |= FF_RTV_EXPIRE
        m.rtm_rmx.rmx_expire = expire
    if lladdr is not None:
        m.rtm_lladdr[:6] = list(lladdr)
    return bytes(m)


def _rt_dict(m):
    return {
        "type": m.rtm_type,
        "index": m.rtm_index,
        "flags": m.rtm_flags,
        "addrs": m.rtm_addrs,
        "inits": m.rtm_inits,
        "seq": m.rtm_seq,
        "dst": _sin_str(m.rtm_dst),
        "gateway": _sin_str(m.rtm_gateway),
        "netmask": _sin_str(m.rtm_netmask),
        "ifa": _sin_str(m.rtm_ifa),
        "ifname": _name(m.rtm_ifname),
        "lladdr": bytes(m.rtm_lladdr[:6]),
        "mtu": m.rtm_rmx.rmx_mtu,
        "weight": m.rtm_rmx.rmx_weight,
        "expire": m.rtm_rmx.rmx_expire,
        "pksent": m.rtm_rmx.rmx_pksent,
    }


def decode_rt_msg(body):
    """A FF_MSG_ROUTE answer (one message) -> dict (see ``_rt_dict``)."""
    size = ctypes.sizeof(RtMsghdr)
    if len(body) < size:
        raise ProtocolError("route answer too short (%d bytes)" % len(body))
    m = RtMsghdr.from_buffer_copy(bytes(body[:size]))
    if m.rtm_msglen != size or m.rtm_version != FF_RTM_VERSION:
        raise ProtocolError("route answer: malformed message")
    return _rt_dict(m)


def decode_rt_dump(body):
    """A FF_MSG_ROUTE DUMP answer -> [message dict, ...]."""
    body = bytes(body)
    dsize, msize = ctypes.sizeof(RtDump), ctypes.sizeof(RtMsghdr)
    if len(body) < dsize:
        raise ProtocolError("route dump too short (%d bytes)" % len(body))
    rd = RtDump.from_buffer_copy(body[:dsize])
    pos = rd.rd_first - HDR_SIZE
    out = []
    for _ in range(rd.rd_count):
        if pos < dsize or pos + msize > len(body):
            raise ProtocolError("route dump: record outside the message")
        m = RtMsghdr.from_buffer_copy(body, pos)
        if m.rtm_msglen != msize:
            raise ProtocolError("route dump: malformed record")
        out.append(_rt_dict(m))
        pos += msize
    return out


# ---------------------------------------------------------------------------
# FF_MSG_IPFW (ff-ipfw): ff_msg.h's firewall messages and instruction set.

FF_IPFW_ADD = 1
FF_IPFW_DELETE = 2
FF_IPFW_LIST = 3
FF_IPFW_ZERO = 4
FF_IPFW_RESETLOG = 5
FF_IPFW_FLUSH = 6
FF_IPFW_SET = 7
FF_IPFW_TABLE = 8
FF_IPFW_NAT = 9
FF_IPFWF_SET = 0x0001
FF_IPFWF_DYN = 0x0002
FF_IPFWF_ALL = 0x0004
FF_IPFW_SET_GET = 1
FF_IPFW_SET_ENABLE = 2
FF_IPFW_SET_MOVE_RULE = 3
FF_IPFW_SET_MOVE = 4
FF_IPFW_SET_SWAP = 5
FF_IPFW_TABLE_CREATE = 1
FF_IPFW_TABLE_DESTROY = 2
FF_IPFW_TABLE_ADD = 3
FF_IPFW_TABLE_DELETE = 4
FF_IPFW_TABLE_FLUSH = 5
FF_IPFW_TABLE_LIST = 6
FF_IPFW_TABLE_INFO = 7
FF_IPFW_TABLE_LIST_TABLES = 8
FF_IPFW_NAT_CONFIG = 1
FF_IPFW_NAT_DELETE = 2
FF_IPFW_NAT_GET = 3
FF_NAT_SAME_PORTS = 0x0001
FF_NAT_RESET = 0x0002
FF_NAT_REDIR_ADDR = 1
FF_NAT_REDIR_PORT = 2
FF_IPFW_NAT_SPOOL = 32
FF_IPFW_DEFAULT_RULE = 65535
FF_IPFW_RESVD_SET = 31
FF_IPFW_MAXSETS = 32
FF_IPFW_TABLES_MAX = 65535
FF_IPFW_RULE_WORDS = 255
F_NOT = 0x80
F_OR = 0x40
F_LEN_MASK = 0x3F
O_PROTO = 1
O_IP_SRC_ME = 2
O_IP_DST_ME = 3
O_IP_SRC_MASK = 4
O_IP_DST_MASK = 5
O_IP_SRC_LOOKUP = 6
O_IP_DST_LOOKUP = 7
O_IP_SRCPORT = 8
O_IP_DSTPORT = 9
O_IN = 10
O_VIA = 11
O_RECV = 12
O_XMIT = 13
O_TCPFLAGS = 14
O_ESTAB = 15
O_ICMPTYPE = 16
O_FRAG = 17
O_IPLEN = 18
O_IPTTL = 19
O_PROB = 20
O_KEEP_STATE = 21
O_LIMIT = 22
O_LOG = 40
O_CHECK_STATE = 41
O_ACCEPT = 42
O_DENY = 43
O_REJECT = 44
O_COUNT = 45
O_SKIPTO = 46
O_CALLRETURN = 47
O_NAT = 48
ICMP_REJECT_RST = 0x100
IP_FW_TARG = 0
FF_IPFW_LOOKUP_ANY = 0xFFFFFFFF
FF_DYN_SRC_ADDR = 0x1
FF_DYN_SRC_PORT = 0x2
FF_DYN_DST_ADDR = 0x4
FF_DYN_DST_PORT = 0x8


class IpfwReq(Structure):
    """struct ff_ipfw_req"""

    _c_name_ = "ff_ipfw_req"
    _fields_ = [
        ("fw_len", c_uint32),
        ("fw_op", c_uint32),
        ("fw_subop", c_uint32),
        ("fw_flags", c_uint32),
        ("fw_rulenum", c_uint32),
        ("fw_rulenum2", c_uint32),
        ("fw_set", c_uint32),
        ("fw_set2", c_uint32),
        ("fw_table", c_uint32),
        ("fw_count", c_uint32),
        ("fw_data", MsgIov),
        ("fw_spare", c_uint64 * 4),
    ]


class IpfwRep(Structure):
    """struct ff_ipfw_rep"""

    _c_name_ = "ff_ipfw_rep"
    _fields_ = [
        ("fp_len", c_uint32),
        ("fp_count", c_uint32),
        ("fp_first", c_uint32),
        ("fp_disabled", c_uint32),
        ("fp_nrules", c_uint32),
        ("fp_ndyn", c_uint32),
        ("fp_now", c_uint64),
        ("fp_spare", c_uint64 * 2),
    ]


class IpfwInsn(Structure):
    """struct ff_ipfw_insn"""

    _c_name_ = "ff_ipfw_insn"
    _fields_ = [
        ("opcode", c_uint8),
        ("len", c_uint8),
        ("arg1", c_uint16),
    ]


class IpfwRule(Structure):
    """struct ff_ipfw_rule (its instruction words follow)"""

    _c_name_ = "ff_ipfw_rule"
    _fields_ = [
        ("r_reclen", c_uint32),
        ("r_rulenum", c_uint16),
        ("r_set", c_uint8),
        ("r_flags", c_uint8),
        ("r_cmd_len", c_uint16),
        ("r_act_ofs", c_uint16),
        ("r_spare0", c_uint32),
        ("r_pcnt", c_uint64),
        ("r_bcnt", c_uint64),
        ("r_timestamp", c_uint64),
        ("r_logged", c_uint64),
    ]


class IpfwDyn(Structure):
    """struct ff_ipfw_dyn"""

    _c_name_ = "ff_ipfw_dyn"
    _fields_ = [
        ("d_rulenum", c_uint16),
        ("d_proto", c_uint8),
        ("d_type", c_uint8),
        ("d_expire", c_uint32),
        ("d_src", c_uint8 * 4),
        ("d_dst", c_uint8 * 4),
        ("d_sport", c_uint16),
        ("d_dport", c_uint16),
        ("d_state", c_uint32),
        ("d_pcnt", c_uint64),
        ("d_bcnt", c_uint64),
    ]


class IpfwTentry(Structure):
    """struct ff_ipfw_tentry"""

    _c_name_ = "ff_ipfw_tentry"
    _fields_ = [
        ("te_addr", c_uint8 * 4),
        ("te_masklen", c_uint8),
        ("te_spare", c_uint8 * 3),
        ("te_value", c_uint32),
        ("te_spare1", c_uint32),
    ]


class IpfwTinfo(Structure):
    """struct ff_ipfw_tinfo"""

    _c_name_ = "ff_ipfw_tinfo"
    _fields_ = [
        ("ti_table", c_uint32),
        ("ti_count", c_uint32),
        ("ti_limit", c_uint32),
        ("ti_refcnt", c_uint32),
    ]


class IpfwNat(Structure):
    """struct ff_ipfw_nat (its redirects follow)"""

    _c_name_ = "ff_ipfw_nat"
    _fields_ = [
        ("n_reclen", c_uint32),
        ("n_id", c_uint16),
        ("n_flags", c_uint16),
        ("n_ip", c_uint8 * 4),
        ("n_nredir", c_uint16),
        ("n_spare0", c_uint16),
        ("n_states", c_uint32),
        ("n_tcp", c_uint32),
        ("n_udp", c_uint32),
        ("n_icmp", c_uint32),
        ("n_in", c_uint64),
        ("n_out", c_uint64),
        ("n_new", c_uint64),
        ("n_full", c_uint64),
        ("n_expired", c_uint64),
        ("n_frag", c_uint64),
        ("n_reset", c_uint64),
        ("n_spare", c_uint64 * 2),
    ]


class IpfwNatRedir(Structure):
    """struct ff_ipfw_nat_redir"""

    _c_name_ = "ff_ipfw_nat_redir"
    _fields_ = [
        ("r_mode", c_uint8),
        ("r_proto", c_uint8),
        ("r_nlocal", c_uint16),
        ("r_paddr", c_uint8 * 4),
        ("r_pport", c_uint16),
        ("r_spare0", c_uint16),
        ("r_laddr", (c_uint8 * 4) * FF_IPFW_NAT_SPOOL),
        ("r_lport", c_uint16 * FF_IPFW_NAT_SPOOL),
        ("r_flows", c_uint64 * FF_IPFW_NAT_SPOOL),
    ]


MIRRORED.update(
    {
        cls._c_name_: cls
        for cls in (
            IpfwNat,
            IpfwNatRedir,
            IpfwReq,
            IpfwRep,
            IpfwInsn,
            IpfwRule,
            IpfwDyn,
            IpfwTentry,
            IpfwTinfo,
        )
    }
)

IPFW_RULE_SIZE = ctypes.sizeof(IpfwRule)


def encode_ipfw_req(op, data=b"", count=0, **fields):
    """A FF_MSG_IPFW request body: the request, then ``data`` (rules or
    table entries, ``count`` of them) which fw_data names."""
    req = IpfwReq(fw_len=ctypes.sizeof(IpfwReq), fw_op=op, fw_count=count)
    for k, v in fields.items():
        setattr(req, "fw_" + k, v)
    if data:
        req.fw_data.mi_off = HDR_SIZE + ctypes.sizeof(IpfwReq)
        req.fw_data.mi_len = len(data)
    return bytes(req) + bytes(data)


def encode_ipfw_rule(rulenum, set_, act_ofs, cmd):
    """One struct ff_ipfw_rule record with its instruction words."""
    reclen = (IPFW_RULE_SIZE + len(cmd) + 7) & ~7
    r = IpfwRule(
        r_reclen=reclen,
        r_rulenum=rulenum,
        r_set=set_,
        r_cmd_len=len(cmd) // 4,
        r_act_ofs=act_ofs,
    )
    return (bytes(r) + bytes(cmd)).ljust(reclen, b"\0")


def encode_ipfw_tentry(addr, masklen, value):
    te = IpfwTentry(te_masklen=masklen, te_value=value)
    te.te_addr[:] = list(addr)
    return bytes(te)


def decode_ipfw_reply(body):
    """A FF_MSG_IPFW answer -> (head dict, bytes from the first record)."""
    body = bytes(body)
    size = ctypes.sizeof(IpfwRep)
    if len(body) < size:
        raise ProtocolError("ipfw answer too short (%d bytes)" % len(body))
    rep = decode("ff_ipfw_rep", body)
    pos = rep["fp_first"] - HDR_SIZE
    if rep["fp_count"] and (pos < size or pos > len(body)):
        raise ProtocolError("ipfw answer: records outside the message")
    return rep, body[pos:] if rep["fp_count"] else b""


def decode_ipfw_rules(data, count):
    """fp_count rule records -> [dict with the ff_ipfw_rule fields and
    "cmd" (the instruction words as bytes)]."""
    out, pos = [], 0
    for _ in range(count):
        if pos + IPFW_RULE_SIZE > len(data):
            raise ProtocolError("ipfw answer: rule outside the message")
        r = decode("ff_ipfw_rule", data[pos:])
        end = pos + IPFW_RULE_SIZE + 4 * r["r_cmd_len"]
        if r["r_reclen"] < IPFW_RULE_SIZE or end > len(data):
            raise ProtocolError("ipfw answer: malformed rule")
        r["cmd"] = data[pos + IPFW_RULE_SIZE : end]
        out.append(r)
        pos += r["r_reclen"]
    return out


def decode_ipfw_records(cls_name, data, count):
    """Fixed-size records (dynamic rules, table entries, infos)."""
    size = ctypes.sizeof(MIRRORED[cls_name])
    if count * size > len(data):
        raise ProtocolError("ipfw answer: records outside the message")
    out = []
    for i in range(count):
        raw = data[i * size : (i + 1) * size]
        d = decode(cls_name, raw)
        obj = MIRRORED[cls_name].from_buffer_copy(raw)
        for name, ctype in MIRRORED[cls_name]._fields_:
            if issubclass(ctype, ctypes.Array) and "spare" not in name:
                d[name] = bytes(getattr(obj, name))
        out.append(d)
    return out


def encode_ipfw_nat(nid, ip, flags, redirs):
    """A NAT_CONFIG body: struct ff_ipfw_nat then its redirects; ip and
    addresses as dotted strings, each redirect a dict (mode, proto,
    paddr, pport, local: [(addr, port)])."""
    n = IpfwNat(
        n_reclen=ctypes.sizeof(IpfwNat)
        + len(redirs) * ctypes.sizeof(IpfwNatRedir),
        n_id=nid,
        n_flags=flags,
        n_nredir=len(redirs),
    )
    n.n_ip[:] = list(socket.inet_aton(ip))
    out = bytes(n)
    for d in redirs:
        r = IpfwNatRedir(
            r_mode=d["mode"],
            r_proto=d.get("proto", 0),
            r_nlocal=len(d["local"]),
            r_pport=d.get("pport", 0),
        )
        r.r_paddr[:] = list(socket.inet_aton(d.get("paddr") or "0.0.0.0"))
        for i, (addr, port) in enumerate(d["local"]):
            r.r_laddr[i][:] = list(socket.inet_aton(addr))
            r.r_lport[i] = port
        out += bytes(r)
    return out


def decode_ipfw_nats(data, count):
    """NAT_GET records -> [dict of ff_ipfw_nat fields, "ip" dotted, and
    "redirects": [dict with "paddr" and "local": [(addr, port, flows)]]]."""
    out, pos, nsize = [], 0, ctypes.sizeof(IpfwNat)
    rsize = ctypes.sizeof(IpfwNatRedir)
    for _ in range(count):
        if pos + nsize > len(data):
            raise ProtocolError("ipfw answer: NAT record outside the message")
        n = decode("ff_ipfw_nat", data[pos:])
        end = pos + nsize + n["n_nredir"] * rsize
        if n["n_reclen"] < nsize or end > len(data):
            raise ProtocolError("ipfw answer: malformed NAT record")
        n["ip"] = socket.inet_ntoa(data[pos + 8 : pos + 12])
        n["redirects"] = []
        for i in range(n["n_nredir"]):
            raw = data[pos + nsize + i * rsize : pos + nsize + (i + 1) * rsize]
            r = IpfwNatRedir.from_buffer_copy(raw)
            n["redirects"].append(
                {
                    "mode": r.r_mode,
                    "proto": r.r_proto,
                    "paddr": socket.inet_ntoa(bytes(r.r_paddr)),
                    "pport": r.r_pport,
                    "local": [
                        (
                            socket.inet_ntoa(bytes(r.r_laddr[k])),
                            r.r_lport[k],
                            r.r_flows[k],
                        )
                        for k in range(r.r_nlocal)
                    ],
                }
            )
        out.append(n)
        pos += (n["n_reclen"] + 7) & ~7
    return out


# END ipfw

# END ioctl/route
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# FF_MSG_NETSTAT: the pcb lists (struct ff_xinpcb, FreeBSD's xtcpcb style).

FF_NETSTAT_MAXSTEPS = 4096
FF_XINPCB_VERSION = 1
FF_TCP_CA_NAME_MAX = 16
FF_M_HASHTYPE_NONE = 0
FF_M_HASHTYPE_OPAQUE_HASH = 191
IPPROTO_TCP = 6
IPPROTO_UDP = 17
XI_ANONPORT = 0x1
XI_TIMEWAIT = 0x2
XI_NOSOCKET = 0x4


class NetstatReq(Structure):
    """struct ff_netstat_req"""

    _c_name_ = "ff_netstat_req"
    _fields_ = [
        ("nr_len", c_uint32),
        ("nr_proto", c_uint32),
        ("nr_gen", c_uint64),
        ("nr_maxrecs", c_uint32),
        ("nr_spare0", c_uint32),
        ("nr_spare", c_uint64 * 3),
    ]


class NetstatRep(Structure):
    """struct ff_netstat_rep"""

    _c_name_ = "ff_netstat_rep"
    _fields_ = [
        ("np_len", c_uint32),
        ("np_count", c_uint32),
        ("np_first", c_uint32),
        ("np_reclen", c_uint32),
        ("np_gen", c_uint64),
        ("np_pcbcount", c_uint32),
        ("np_spare0", c_uint32),
        ("np_spare", c_uint64 * 2),
    ]


class Xsockbuf(Structure):
    """struct ff_xsockbuf"""

    _c_name_ = "ff_xsockbuf"
    _fields_ = [
        ("sb_cc", c_uint32),
        ("sb_hiwat", c_uint32),
        ("sb_lowat", c_uint32),
        ("sb_mbcnt", c_uint32),
        ("sb_mbmax", c_uint32),
        ("sb_mcnt", c_uint32),
        ("sb_ccnt", c_uint32),
        ("sb_flags", c_uint16),
        ("sb_state", c_uint16),
    ]


class Xinpcb(Structure):
    """struct ff_xinpcb"""

    _c_name_ = "ff_xinpcb"
    _fields_ = [
        ("xi_len", c_uint32),
        ("xi_version", c_uint16),
        ("xi_proto", c_uint8),
        ("xi_vflag", c_uint8),
        ("xi_gencnt", c_uint64),
        ("xi_laddr", c_uint8 * 4),
        ("xi_faddr", c_uint8 * 4),
        ("xi_lport", c_uint8 * 2),
        ("xi_fport", c_uint8 * 2),
        ("xi_flags", c_uint32),
        ("xi_flowid", c_uint32),
        ("xi_flowtype", c_uint32),
        ("xi_proc_id", c_uint32),
        ("xi_pid", c_uint32),
        ("xi_fd", c_int32),
        ("xso_options", c_uint32),
        ("xso_state", c_uint32),
        ("xso_error", c_int32),
        ("xso_qlen", c_uint32),
        ("xso_incqlen", c_uint32),
        ("xso_qlimit", c_uint32),
        ("xso_rcv", Xsockbuf),
        ("xso_snd", Xsockbuf),
        ("xt_state", c_int32),
        ("xt_flags", c_uint32),
        ("xt_snd_cwnd", c_uint32),
        ("xt_snd_ssthresh", c_uint32),
        ("xt_maxseg", c_uint32),
        ("xt_snd_wnd", c_uint32),
        ("xt_rcv_wnd", c_uint32),
        ("xt_srtt", c_uint32),
        ("xt_rttvar", c_uint32),
        ("xt_rto", c_uint32),
        ("xt_rxtshift", c_uint32),
        ("xt_sndrexmitpack", c_uint32),
        ("xt_rcvoopack", c_uint32),
        ("xt_sndzerowin", c_uint32),
        ("tt_rexmt", c_int32),
        ("tt_persist", c_int32),
        ("tt_keep", c_int32),
        ("tt_2msl", c_int32),
        ("tt_delack", c_int32),
        ("t_rcvtime", c_int32),
        ("xt_cc", c_char * FF_TCP_CA_NAME_MAX),
        ("xi_spare", c_uint64 * 8),
    ]


MIRRORED.update(
    {cls._c_name_: cls for cls in (NetstatReq, NetstatRep, Xsockbuf, Xinpcb)}
)


def encode_netstat_req(proto, gen=0, maxrecs=0):
    """A FF_MSG_NETSTAT request body."""
    return bytes(
        NetstatReq(
            nr_len=ctypes.sizeof(NetstatReq),
            nr_proto=proto,
            nr_gen=gen,
            nr_maxrecs=maxrecs,
        )
    )


# A listing decodes 100,000 records: one struct.iter_unpack over each
# answer's records (ctypes attribute reads cost 20 times more), the
# spare room skipped as pad bytes; the layout is checked against the
# mirror at import.
_SB_FIELDS = tuple(name for name, _ in Xsockbuf._fields_)
_XINPCB_FMT = struct.Struct(
    "<IHBBQ4s4s2s2sIIIIIi"
    + "IIiIII"
    + "IIIIIIIHH" * 2
    + "iI"
    + "I" * 12
    + "iiiiii"
    + "%ds" % FF_TCP_CA_NAME_MAX
    + "4x64x"
)
assert _XINPCB_FMT.size == ctypes.sizeof(Xinpcb)
assert Xinpcb.xi_spare.offset == _XINPCB_FMT.size - 64
_NETSTAT_REP_FMT = struct.Struct("<IIIIQI")
assert NetstatRep.np_pcbcount.offset == _NETSTAT_REP_FMT.size - 4
_XI_HEAD = tuple(name for name, _ in Xinpcb._fields_[:21])
_XI_TAIL = tuple(name for name, _ in Xinpcb._fields_[23:-2])

# netstat_rows()' tuples: ff_xinpcb's fields in order, each socket
# buffer's fields flattened in place (xso_rcv.sb_cc, ...), the spare
# room left out.
XINPCB_ROW = (
    _XI_HEAD
    + tuple("xso_rcv." + f for f in _SB_FIELDS)
    + tuple("xso_snd." + f for f in _SB_FIELDS)
    + _XI_TAIL
    + ("xt_cc",)
)
_ROW_LADDR = XINPCB_ROW.index("xi_laddr")
assert XINPCB_ROW[_ROW_LADDR : _ROW_LADDR + 4] == (
    "xi_laddr",
    "xi_faddr",
    "xi_lport",
    "xi_fport",
)
_CC_NAMES = {}


def _cc_name(raw):
    """xt_cc as a str, decoded once per name (a stack has a few)."""
    name = _CC_NAMES.get(raw)
    if name is None:
        name = _name(raw.split(b"\0", 1)[0])
        if len(_CC_NAMES) < 64:
            _CC_NAMES[raw] = name
    return name


def netstat_rows(body):
    """A FF_MSG_NETSTAT answer -> (np_gen, np_pcbcount, rows): one tuple
    a record, in ``XINPCB_ROW``'s order, addresses dotted, ports host
    numbers, the congestion control's name a str."""
    rsize, xsize = ctypes.sizeof(NetstatRep), _XINPCB_FMT.size
    if len(body) < rsize:
        raise ProtocolError("netstat answer too short (%d bytes)" % len(body))
    np_len, count, first, reclen, gen, pcbcount = _NETSTAT_REP_FMT.unpack_from(
        body
    )
    if np_len != rsize or reclen < xsize:
        raise ProtocolError("netstat answer: malformed header")
    pos = first - HDR_SIZE
    end = pos + count * reclen
    if count and (pos < rsize or end - reclen + xsize > len(body)):
        raise ProtocolError("netstat answer: record outside the message")
    if reclen == xsize:
        recs = _XINPCB_FMT.iter_unpack(memoryview(body)[pos:end])
    else:  # a newer stack's longer records: their head is ours
        recs = map(
            _XINPCB_FMT.unpack_from,
            [body] * count,
            range(pos, end, reclen),
        )
    ntoa, a = socket.inet_ntoa, _ROW_LADDR
    rows = []
    for v in recs:
        if v[0] < xsize:
            raise ProtocolError("netstat answer: malformed record")
        lp, fp = v[a + 2], v[a + 3]
        rows.append(
            v[:a]
            + (
                ntoa(v[a]),
                ntoa(v[a + 1]),
                lp[0] << 8 | lp[1],
                fp[0] << 8 | fp[1],
            )
            + v[a + 4 : -1]
            + (_cc_name(v[-1]),)
        )
    return gen, pcbcount, rows


def _xinpcb_dict(row):
    d = dict(zip(XINPCB_ROW, row))
    for sb in ("xso_rcv", "xso_snd"):
        d[sb] = {f: d.pop(sb + "." + f) for f in _SB_FIELDS}
    return d


def decode_netstat_reply(body):
    """A FF_MSG_NETSTAT answer -> (np_gen, np_pcbcount, [record dict]):
    ``netstat_rows()`` with each record a dict, the socket buffers
    nested (``xso_rcv``: {"sb_cc": ...})."""
    gen, pcbcount, rows = netstat_rows(bytes(body))
    return gen, pcbcount, [_xinpcb_dict(r) for r in rows]


# ---------------------------------------------------------------------------
# Errors: one table, one function.


class StackError(Exception):
    """Base of every error fstools reports: ``StackError(errno, message)``.

    ``errno`` is a host (Linux) errno for what went wrong on the way to
    the stack (NoStackError, StackTimeout, ...), a FreeBSD errno for the
    stack's own verdict (StackRefused), or None (ProtocolError,
    LibraryError).  ``message`` is the text a tool prints.  A single
    argument is the message, as ``StackError("...")``.
    """

    def __init__(self, errno, message=None):
        if message is None and not isinstance(errno, int):
            errno, message = None, errno
        super().__init__(errno, message)
        self.errno = errno

    @property
    def message(self):
        return self.args[1]

    def __str__(self):
        return str(self.args[1])


# The name of the base before it carried errno first; kept for scripts.
FFError = StackError


class LibraryError(StackError):
    """libff.so missing, incomplete or of another ABI version."""


class AbiMismatch(LibraryError):
    """The library speaks another FF_MSG_ABI_VERSION."""


class NoStackError(StackError):
    """No stack runs under the prefix (or no such process): -ESRCH."""


class NotAttached(StackError):
    """A request before attach: -ENOTCONN."""


class AlreadyAttached(StackError):
    """The EAL already runs for another prefix: -EALREADY."""


class StackTimeout(StackError):
    """The stack did not answer in time: -ETIMEDOUT."""


class StackBusy(StackError):
    """No free message slot within the timeout: -EBUSY."""


class MessageTooBig(StackError):
    """Request too long or answer larger than the buffer: -EMSGSIZE."""


class PermissionDenied(StackError):
    """Not allowed to map the stack's shared memory: -EACCES / -EPERM."""


class ProtocolError(StackError):
    """An answer that does not follow ff_msg.h."""


class StackRefused(StackError):
    """The stack's own verdict (fm_error): ``errno`` is a FreeBSD number,
    ``name`` its FreeBSD name ("EEXIST"), as a system call's would be;
    ``what`` the step that was refused, when the message starts with it
    ("ioctl (SIOCAIFADDR): File exists")."""

    def __init__(self, errno, message=None, name=None, what=None):
        super().__init__(errno, message)
        self.name = name
        self.what = what

    def __reduce__(self):
        return (type(self), (self.errno, self.message, self.name, self.what))


# Host (Linux) errno returned by ff_ipc_* -> exception class.  Anything not
# listed becomes a plain StackError with the system's text.
_ERRORS = {
    _errno.ESRCH: NoStackError,
    _errno.ENOTCONN: NotAttached,
    _errno.EALREADY: AlreadyAttached,
    _errno.ETIMEDOUT: StackTimeout,
    _errno.EBUSY: StackBusy,
    _errno.EMSGSIZE: MessageTooBig,
    _errno.EACCES: PermissionDenied,
    _errno.EPERM: PermissionDenied,
}

# Default texts where the system's own would not tell a user what happened.
_TEXTS = {
    _errno.ESRCH: "no stack is running",
    _errno.ENOTCONN: "not attached to a stack",
    _errno.ETIMEDOUT: "the stack did not answer in time",
    _errno.EBUSY: "the stack has no free message slot",
}

# FreeBSD errno numbers (sys/sys/errno.h) above the range shared with Linux
# (1-34 are the same on both).  fm_error carries these.
_BSD_NAMES = {
    35: "EAGAIN",
    36: "EINPROGRESS",
    37: "EALREADY",
    38: "ENOTSOCK",
    39: "EDESTADDRREQ",
    40: "EMSGSIZE",
    41: "EPROTOTYPE",
    42: "ENOPROTOOPT",
    43: "EPROTONOSUPPORT",
    44: "ESOCKTNOSUPPORT",
    45: "EOPNOTSUPP",
    46: "EPFNOSUPPORT",
    47: "EAFNOSUPPORT",
    48: "EADDRINUSE",
    49: "EADDRNOTAVAIL",
    50: "ENETDOWN",
    51: "ENETUNREACH",
    52: "ENETRESET",
    53: "ECONNABORTED",
    54: "ECONNRESET",
    55: "ENOBUFS",
    56: "EISCONN",
    57: "ENOTCONN",
    58: "ESHUTDOWN",
    59: "ETOOMANYREFS",
    60: "ETIMEDOUT",
    61: "ECONNREFUSED",
    62: "ELOOP",
    63: "ENAMETOOLONG",
    64: "EHOSTDOWN",
    65: "EHOSTUNREACH",
    66: "ENOTEMPTY",
    67: "EPROCLIM",
    68: "EUSERS",
    69: "EDQUOT",
    70: "ESTALE",
    71: "EREMOTE",
    72: "EBADRPC",
    73: "ERPCMISMATCH",
    74: "EPROGUNAVAIL",
    75: "EPROGMISMATCH",
    76: "EPROCUNAVAIL",
    77: "ENOLCK",
    78: "ENOSYS",
    79: "EFTYPE",
    80: "EAUTH",
    81: "ENEEDAUTH",
    82: "EIDRM",
    83: "ENOMSG",
    84: "EOVERFLOW",
    85: "ECANCELED",
    86: "EILSEQ",
    87: "ENOATTR",
    88: "EDOOFUS",
    89: "EBADMSG",
    90: "EMULTIHOP",
    91: "ENOLINK",
    92: "EPROTO",
    93: "ENOTCAPABLE",
    94: "ECAPMODE",
    95: "ENOTRECOVERABLE",
    96: "EOWNERDEAD",
    97: "EINTEGRITY",
}

# FreeBSD names Linux lacks (or words differently), with FreeBSD's meaning.
_BSD_ONLY_TEXTS = {
    "EOPNOTSUPP": "Operation not supported",
    "EPROCLIM": "Too many processes",
    "EBADRPC": "RPC struct is bad",
    "ERPCMISMATCH": "RPC version wrong",
    "EPROGUNAVAIL": "RPC program not available",
    "EPROGMISMATCH": "Program version wrong",
    "EPROCUNAVAIL": "Bad procedure for program",
    "EFTYPE": "Inappropriate file type or format",
    "EAUTH": "Authentication error",
    "ENEEDAUTH": "Need authenticator",
    "ENOATTR": "Attribute not found",
    "EDOOFUS": "Programming error",
    "ENOTCAPABLE": "Capabilities insufficient",
    "ECAPMODE": "Not permitted in capability mode",
    "EINTEGRITY": "Integrity check failed",
}


def bsd_errno_name(num):
    """FreeBSD errno number -> its name (``E...``), or ``"E<num>"``."""
    if 0 < num <= 34:
        return _errno.errorcode.get(num, "E%d" % num)
    return _BSD_NAMES.get(num, "E%d" % num)


def bsd_strerror(num):
    """FreeBSD errno number -> message text, as FreeBSD's strerror(3)."""
    name = bsd_errno_name(num)
    if name in _BSD_ONLY_TEXTS:
        return _BSD_ONLY_TEXTS[name]
    host = getattr(_errno, name, None)
    if host is not None:
        return os.strerror(host)
    return "Unknown error: %d" % num


def error_for(err, message=None):
    """The exception for host errno ``err`` (positive), not raised.

    ``message`` replaces the default text (e.g. the library's attach
    message, or the caller's description with prefix and process).
    """
    cls = _ERRORS.get(err, StackError)
    if not message:
        message = _TEXTS.get(err) or os.strerror(err)
    return cls(err, message)


def stack_error(bsd_errno, what=None):
    """The exception for a stack's fm_error (a FreeBSD errno), not raised."""
    text = bsd_strerror(bsd_errno)
    if what:
        text = "%s: %s" % (what, text)
    return StackRefused(bsd_errno, text, bsd_errno_name(bsd_errno), what)


def _check(result, func, args):
    """ctypes errcheck: negative results are -errno."""
    if result >= 0:
        return result
    message = None
    if func.__name__ == "ff_ipc_attach":
        message = args[1].value.decode("utf-8", "replace").strip()
    raise error_for(-result, message)


# ---------------------------------------------------------------------------
# Every function the tools call: name, restype, argtypes, errcheck.

_SIGNATURES = (
    ("ff_ipc_attach", c_int, (c_char_p, c_char_p, c_size_t), _check),
    ("ff_ipc_detach", c_int, (), _check),
    ("ff_ipc_procs", c_int, (POINTER(c_int32), c_int), _check),
    (
        "ff_ipc_request",
        c_ssize_t,
        (c_int, c_void_p, c_size_t, c_void_p, c_size_t, c_int),
        _check,
    ),
    ("ff_ipc_post_raw", c_int, (c_int, c_uint64), _check),
    ("ff_msg_abi_version", c_uint32, (), None),
    ("ff_msg_abi_table", POINTER(AbiEntry), (), None),
)


def _candidates():
    return _libpath.candidates()


class Library:
    """libff.so, loaded and checked; methods return plain Python values."""

    def __init__(self, path):
        try:
            self._dll = ctypes.CDLL(path)
        except OSError as e:
            raise LibraryError(
                "cannot load %s: %s (set FF_LIBFF to the "
                "library's path)" % (path, e)
            ) from None
        self.path = path
        for name, restype, argtypes, check in _SIGNATURES:
            try:
                fn = getattr(self._dll, name)
            except AttributeError:
                raise LibraryError(
                    "%s: missing symbol %s" % (path, name)
                ) from None
            fn.restype = restype
            fn.argtypes = argtypes
            if check is not None:
                fn.errcheck = check
            setattr(self, "_" + name, fn)
        version = self._ff_msg_abi_version()
        if version != FF_MSG_ABI_VERSION:
            raise AbiMismatch(
                "%s speaks tool ABI version %d, fstools speaks %d: install "
                "matching versions" % (path, version, FF_MSG_ABI_VERSION)
            )
        self._reply = ctypes.create_string_buffer(FF_MSG_SIZE)

    def attach(self, prefix):
        err = ctypes.create_string_buffer(256)
        self._ff_ipc_attach(prefix.encode(), err, len(err))

    def detach(self):
        self._ff_ipc_detach()

    def procs(self):
        """Pids of the stack processes by proc id (0: not running)."""
        pids = (c_int32 * FF_MAX_PROCS)()
        n = self._ff_ipc_procs(pids, FF_MAX_PROCS)
        return list(pids[: min(n, FF_MAX_PROCS)])

    def request(self, proc, message, timeout_ms):
        """Send ``message`` (bytes, header first); return the answer bytes."""
        n = self._ff_ipc_request(
            proc, message, len(message), self._reply, FF_MSG_SIZE, timeout_ms
        )
        return self._reply.raw[:n]

    def post_raw(self, proc, bits):
        self._ff_ipc_post_raw(proc, bits)

    def abi_version(self):
        return self._ff_msg_abi_version()

    def abi_table(self):
        table = self._ff_msg_abi_table()
        rows = []
        i = 0
        while table[i].fe_struct is not None:
            e = table[i]
            rows.append(
                (
                    e.fe_struct.decode(),
                    e.fe_field.decode(),
                    e.fe_offset,
                    e.fe_size,
                )
            )
            i += 1
        return rows


@functools.lru_cache(maxsize=None)
def library():
    """The loaded library (loaded, checked and cached on first call)."""
    errors = []
    for path in _candidates():
        try:
            return Library(path)
        except AbiMismatch:
            raise
        except LibraryError as e:
            errors.append(e.message)
    raise LibraryError("; ".join(errors))


# ---------------------------------------------------------------------------
# The early attach.  A one-shot tool spends most of its life starting:
# Python's imports (click above all) and the EAL attach.  The attach runs in
# C with the GIL released, so the launcher (fstools.launch, through
# fstools.ipc) starts it in a thread before importing the tool, and
# ``ipc.Session.attach()`` collects the outcome with ``take_early()``.  The
# library keeps its attached state per process, so the session's own
# attach then returns at once.

_early = {}


def _attach_early(prefix):
    try:
        lib = library()
        lib.attach(prefix)
    except StackError as e:
        _early["error"] = e
        return
    _early["lib"] = lib
    atexit.register(release_early)


def start_early(prefix):
    """Begin attaching to ``prefix`` in the background (once)."""
    if "thread" not in _early:
        _early["prefix"] = prefix
        _early["thread"] = threading.Thread(
            target=_attach_early, args=(prefix,), daemon=True
        )
        _early["thread"].start()


def take_early(prefix):
    """Wait for the early attach to ``prefix``; raise its error, if any.

    True when it attached, False when there was none for that prefix.
    The caller then owns the attach (and detaches it)."""
    thread = _early.get("thread")
    if thread is None or _early.get("prefix") != prefix:
        return False
    thread.join()
    _early["taken"] = True
    if "error" in _early:
        raise _early["error"]
    return True


def release_early():
    """Detach when no session took the attach (help, bad usage); once."""
    if "lib" in _early and not _early.get("taken"):
        _early["taken"] = True
        _early["lib"].detach()


# ---------------------------------------------------------------------------
# Encoding and decoding, so callers never handle ctypes objects.


def encode_header(**fields):
    """A ff_msg_hdr as bytes; fields not given are 0 (fm_spare always)."""
    h = MsgHdr(**fields)
    return bytes(h)


def decode(cls_name, data):
    """Bytes -> dict of the mirrored struct ``cls_name``'s fields.

    Shorter input (an older stack) reads as zeros, longer input (a newer
    one) is cut: both sides grow structs only at the end, into spares.
    Array fields (spares) are left out.
    """
    cls = MIRRORED[cls_name]
    size = ctypes.sizeof(cls)
    raw = bytes(data[:size]).ljust(size, b"\0")
    obj = cls.from_buffer_copy(raw)
    return {
        name: getattr(obj, name)
        for name, ctype in cls._fields_
        if not issubclass(ctype, ctypes.Array)
    }


def sizeof(cls_name):
    return ctypes.sizeof(MIRRORED[cls_name])


def abi_layout():
    """The compiled library's layout: {struct: {field: (offset, size)}}.

    The struct's own size is under the field name ``""`` as (0, size).
    """
    layout = {}
    for name, field, offset, size in library().abi_table():
        layout.setdefault(name, {})[field] = (offset, size)
    return layout


_STATS_LAYOUTS = {}


def stats_layout(name):
    """A stats struct's fields as the library exports them (ABI table rows
    made from the struct's own X-macro list): [(field, offset, size)] in
    offset order, with its size; None when the library has no such
    struct.  Decodes ``S,tcpstat`` and friends without a hand-copied
    field list."""
    if name not in _STATS_LAYOUTS:
        rows = abi_layout().get(name)
        if rows is None or "" not in rows:
            _STATS_LAYOUTS[name] = None
        else:
            fields = sorted(
                ((f, off, size) for f, (off, size) in rows.items() if f),
                key=lambda r: r[1],
            )
            _STATS_LAYOUTS[name] = (fields, rows[""][1])
    return _STATS_LAYOUTS[name]


def mirror_layout():
    """The same table built from the ctypes mirrors in this module."""
    layout = {}
    for name, cls in MIRRORED.items():
        fields = {"": (0, ctypes.sizeof(cls))}
        for fname, _ in cls._fields_:
            desc = getattr(cls, fname)
            fields[fname] = (desc.offset, desc.size)
        layout[name] = fields
    return layout
