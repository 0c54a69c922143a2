"""fstools.Stack: the public Python API of a running ff stack.

What the ff-* tools do, as calls that return frozen dataclasses:

    import fstools

    with fstools.Stack(prefix="ff") as st:
        for ifp in st.interfaces():
            print(ifp.name, ifp.mtu, [a.addr for a in ifp.addrs])
        st.set_interface("f-stack-0", mtu=1400)             # ifconfig
        st.route_add("198.19.0.0/16", gateway="198.18.0.1")   # route add
        print(st.route_get("198.19.1.1").gateway)            # route get
        st.arp_set("198.18.0.9", "02:18:00:00:00:09", pub=True)
        old, new = st.sysctl_set("net.inet.ip.ttl", 33)      # sysctl a=b
        print(st.sysctl("net.inet.ip.ttl").decoded)          # 33
        print(st.top().idle_tsc, st.traffic().rx_packets)
        for c in st.connections("tcp"):                      # netstat -a
            print(c.laddr, c.lport, c.faddr, c.fport, c.state_name)

Processes: a stack may run several processes, each with its own tables
(as in F-Stack).  Every call asks one process: ``proc=`` of the call, else
the Stack's ``proc`` (default 0).  ``Stack(proc="all")`` or
``targets(writing=True)`` name every running process, for a caller that
wants to apply a change everywhere, as the tools do.

Errors are exceptions, all ``StackError(errno, message)``:
``NoStackError`` (no stack under the prefix), ``StackTimeout``,
``StackBusy``, ``PermissionDenied``, ``ProtocolError``, ``LibraryError``
(host errno, or None), and ``StackRefused`` for the stack's own verdict
(``errno`` a FreeBSD number, ``name`` such as "EEXIST", ``message`` the
FreeBSD text, e.g. "File exists").  ``fstools._ffi`` maps them from the C
side, in one place.

A process attaches to one prefix in its life (DPDK's EAL starts once):
tests that start many stacks talk to them from subprocesses (see
``fstools.testing``).  This module and ``fstools.ipc`` are the only ones
above ``fstools._ffi``; tools use this API only.
"""

from __future__ import annotations

import gc
import importlib
import operator
from dataclasses import fields, replace
from typing import TYPE_CHECKING

from fstools import _ffi, ipc
from fstools._ffi import (
    CTLFLAG_RD,
    CTLFLAG_STATS,
    CTLFLAG_TUN,
    CTLFLAG_WR,
    CTLTYPE,
    CTLTYPE_INT,
    CTLTYPE_LONG,
    CTLTYPE_NODE,
    CTLTYPE_OPAQUE,
    CTLTYPE_S64,
    CTLTYPE_STRING,
    CTLTYPE_U64,
    CTLTYPE_UINT,
    CTLTYPE_ULONG,
    FF_MAX_PROCS as MAX_PROCS,
    IFCAP_NAMES,
    IFF_NAMES,
    IFF_PROMISC,
    IFF_UP,
    IFT_ETHER,
    IFT_LOOP,
    LINK_STATE_DOWN,
    LINK_STATE_UP,
    RTF_ANNOUNCE,
    RTF_BLACKHOLE,
    RTF_DONE,
    RTF_GATEWAY,
    RTF_HOST,
    RTF_IFADDR,
    RTF_LLINFO,
    RTF_REJECT,
    RTF_STATIC,
    RTF_UP,
    AbiMismatch,
    AlreadyAttached,
    LibraryError,
    MessageTooBig,
    NoStackError,
    NotAttached,
    PermissionDenied,
    ProtocolError,
    StackBusy,
    StackError,
    StackRefused,
    StackTimeout,
    bsd_errno_name,
    bsd_strerror,
)

__all__ = [
    "Stack",
    "Interface",
    "Address",
    "Route",
    "ArpEntry",
    "SysctlNode",
    "Snapshot",
    "TopStats",
    "TrafficStats",
    "IpfwState",
    "TableEntry",
    "TableInfo",
    "IpfwHead",
    "Connection",
    "SockBuf",
    "StackError",
    "StackRefused",
    "NoStackError",
    "StackTimeout",
    "StackBusy",
    "PermissionDenied",
    "ProtocolError",
    "LibraryError",
    "AbiMismatch",
    "NotAttached",
    "AlreadyAttached",
    "MessageTooBig",
    "MAX_PROCS",
    "bsd_strerror",
    "bsd_errno_name",
]


# -- records ---------------------------------------------------------------
#
# The dataclasses live in fstools.records, a module per kind, loaded on
# first use (a tool defines only the ones it needs: start-up time).

_RECORDS = {
    "Address": "iface",
    "Interface": "iface",
    "Route": "route",
    "ArpEntry": "arp",
    "SysctlNode": "sysctl",
    "Snapshot": "snapshot",
    "TopStats": "top",
    "TrafficStats": "traffic",
    "IpfwState": "ipfw",
    "TableEntry": "ipfw",
    "TableInfo": "ipfw",
    "IpfwHead": "ipfw",
    "Connection": "netstat",
    "SockBuf": "netstat",
    "NatConfig": "ipfw",
    "NatInstance": "ipfw",
    "NatRedirect": "ipfw",
}

if TYPE_CHECKING:
    from fstools.records.arp import ArpEntry
    from fstools.records.iface import Address, Interface
    from fstools.records.route import Route
    from fstools.records.snapshot import Snapshot
    from fstools.records.sysctl import SysctlNode
    from fstools.records.top import TopStats
    from fstools.records.ipfw import IpfwHead, IpfwState, TableEntry, TableInfo
    from fstools.records.traffic import TrafficStats
    from fstools.records.netstat import Connection, SockBuf


def __getattr__(name):
    """``fstools.stack.Route`` and the other records, loaded on first use."""
    if name not in _RECORDS:
        raise AttributeError(
            "module %r has no attribute %r" % (__name__, name)
        )
    module = importlib.import_module("fstools.records." + _RECORDS[name])
    return getattr(module, name)


def _record(cls, raw, prefix, **extra):
    names = {f.name for f in fields(cls)}
    vals = {
        k[len(prefix) :]: v
        for k, v in raw.items()
        if k.startswith(prefix) and k[len(prefix) :] in names
    }
    vals.update(extra)
    return cls(**vals)


def _mac(raw):
    return ":".join("%02x" % b for b in raw)


def address_key(entry):
    """Sort key of ARP entries: their IPv4 address, as a number."""
    return tuple(int(p) for p in entry.ip.split("."))


def _interface(proc, d):
    from fstools.records.iface import Address, Interface

    addrs = tuple(
        Address(a["addr"], a["netmask"], a["broadaddr"], a["flags"])
        for a in d["addrs"]
    )
    return Interface(
        proc_id=proc,
        name=d["name"],
        index=d["index"],
        type=d["type"],
        link_state=d["link_state"],
        flags=d["flags"],
        mtu=d["mtu"],
        metric=d["metric"],
        capenable=d["capenable"],
        lladdr=_mac(d["lladdr"]),
        addrs=addrs,
        counters=dict(zip(_ffi.IF_COUNTER_NAMES, d["counters"])),
    )


def _route(proc, m):
    from fstools.records.route import Route

    return Route(
        proc_id=proc,
        destination=m["dst"],
        netmask=m["netmask"],
        gateway=m["gateway"],
        flags=m["flags"],
        interface=m["ifname"],
        index=m["index"],
        mtu=m["mtu"],
        weight=m["weight"],
        expire=m["expire"],
        use=m["pksent"],
    )


def _arp(proc, m):
    from fstools.records.arp import ArpEntry

    if m["dst"] is None:
        # Every entry the stack sends names its address (RTA_DST).
        raise ProtocolError("ARP answer: an entry without an address")
    return ArpEntry(
        proc_id=proc,
        ip=m["dst"],
        mac=_mac(m["lladdr"]),
        interface=m["ifname"],
        index=m["index"],
        flags=m["flags"],
        expire=m["expire"],
    )


def _node(proc, rec):
    from fstools.records.sysctl import SysctlNode

    return SysctlNode(
        proc_id=proc,
        name=rec["name"],
        oid=tuple(rec["oid"]),
        kind=rec["kind"],
        fmt=rec["fmt"],
        descr=rec["descr"],
        value=rec["value"],
        error=rec["error"],
    )


_CONN_FIELDS = (
    # (Connection field, ff_xinpcb key), in the record's order
    ("proc_id", "xi_proc_id"),
    ("pid", "xi_pid"),
    ("gencnt", "xi_gencnt"),
    ("laddr", "xi_laddr"),
    ("lport", "xi_lport"),
    ("faddr", "xi_faddr"),
    ("fport", "xi_fport"),
    ("flags", "xi_flags"),
    ("flowid", "xi_flowid"),
    ("flowtype", "xi_flowtype"),
    ("fd", "xi_fd"),
    ("so_options", "xso_options"),
    ("so_state", "xso_state"),
    ("so_error", "xso_error"),
    ("qlen", "xso_qlen"),
    ("incqlen", "xso_incqlen"),
    ("qlimit", "xso_qlimit"),
    ("t_flags", "xt_flags"),
    ("cwnd", "xt_snd_cwnd"),
    ("ssthresh", "xt_snd_ssthresh"),
    ("maxseg", "xt_maxseg"),
    ("snd_wnd", "xt_snd_wnd"),
    ("rcv_wnd", "xt_rcv_wnd"),
    ("srtt_us", "xt_srtt"),
    ("rttvar_us", "xt_rttvar"),
    ("rto_us", "xt_rto"),
    ("rxtshift", "xt_rxtshift"),
    ("sndrexmitpack", "xt_sndrexmitpack"),
    ("rcvoopack", "xt_rcvoopack"),
    ("sndzerowin", "xt_sndzerowin"),
    ("tt_rexmt", "tt_rexmt"),
    ("tt_persist", "tt_persist"),
    ("tt_keep", "tt_keep"),
    ("tt_2msl", "tt_2msl"),
    ("tt_delack", "tt_delack"),
    ("rcvtime", "t_rcvtime"),
    ("cc", "xt_cc"),
)


_CONN_NAMES = tuple(n for n, _ in _CONN_FIELDS)
_CONN_KEYS = tuple(k for _, k in _CONN_FIELDS)
_SB_NAMES = (
    "cc",
    "hiwat",
    "lowat",
    "mbcnt",
    "mbmax",
    "mcnt",
    "ccnt",
    "flags",
    "state",
)


# Where each Connection field sits in _ffi.netstat_rows()' tuples.
_CONN_PICK = operator.itemgetter(*map(_ffi.XINPCB_ROW.index, _CONN_KEYS))
_ROW_PROTO = _ffi.XINPCB_ROW.index("xi_proto")
_ROW_STATE = _ffi.XINPCB_ROW.index("xt_state")
_ROW_RCV = _ffi.XINPCB_ROW.index("xso_rcv.sb_cc")
_ROW_SND = _ffi.XINPCB_ROW.index("xso_snd.sb_cc")
assert _ffi.XINPCB_ROW[_ROW_RCV : _ROW_RCV + len(_SB_NAMES)] == tuple(
    "xso_rcv.sb_" + n for n in _SB_NAMES
)


def _connections(rows):
    """Connections from netstat_rows()' tuples (100,000 in a listing:
    records.fast_new's way, inline, three objects a record)."""
    from fstools.records.netstat import Connection, SockBuf

    new = object.__new__
    r, s, nsb = _ROW_RCV, _ROW_SND, len(_SB_NAMES)
    out = []
    for row in rows:
        c, rcv, snd = new(Connection), new(SockBuf), new(SockBuf)
        rcv.__dict__.update(zip(_SB_NAMES, row[r : r + nsb]))
        snd.__dict__.update(zip(_SB_NAMES, row[s : s + nsb]))
        d = c.__dict__
        d.update(zip(_CONN_NAMES, _CONN_PICK(row)))
        if row[_ROW_PROTO] == _ffi.IPPROTO_TCP:
            d["proto"], d["state"] = "tcp", row[_ROW_STATE]
        else:
            d["proto"], d["state"] = "udp", -1
        d["rcv"], d["snd"] = rcv, snd
        out.append(c)
    return out


def _dotted(n):
    return ".".join(str(b) for b in n.to_bytes(4, "big"))


def _addr_mask(text, prefixlen=None):
    """``a.b.c.d[/len]`` -> (address, netmask or None), host bits kept."""
    addr, _, plen = text.partition("/")
    if plen:
        prefixlen = int(plen)
    if prefixlen is None:
        return addr, None
    return addr, _dotted(
        (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF if prefixlen else 0
    )


def _prefix(dest, prefixlen):
    """A route's destination: (network address, netmask or None);
    "default" is 0.0.0.0/0."""
    if dest == "default":
        return "0.0.0.0", "0.0.0.0"
    addr, mask = _addr_mask(dest, prefixlen)
    if mask is None:
        return addr, None
    net = int.from_bytes(
        bytes(int(p) for p in addr.split(".")), "big"
    ) & int.from_bytes(bytes(int(p) for p in mask.split(".")), "big")
    return _dotted(net), mask


def _mac_bytes(mac):
    parts = mac.replace("-", ":").split(":")
    if len(parts) != 6:
        raise ValueError("bad Ethernet address %r" % mac)
    return bytes(int(p, 16) for p in parts)


# -- the API ---------------------------------------------------------------


class Stack:
    """A running ff stack under one DPDK file prefix.

    ``Stack(prefix=None, proc=0, timeout=2.0)``: ``prefix`` defaults to
    $FF_FILE_PREFIX, else "ff"; ``proc`` is the process a call asks when
    it names none (an int, or "all": every running one for
    ``targets()``); ``timeout`` bounds each answer, in seconds.  Use it
    as a context manager (``with Stack(...) as st``), or call
    ``attach()`` and ``detach()``.
    """

    def __init__(
        self,
        prefix: str | None = None,
        proc: int | str = 0,
        timeout: float = 2.0,
    ):
        self._session = ipc.Session(prefix, timeout)
        self.proc = proc
        self._max_age = {}
        self._live = {}

    @property
    def prefix(self) -> str:
        return self._session.prefix

    @property
    def timeout(self) -> float:
        return self._session.timeout

    # -- life ---------------------------------------------------------------

    def attach(self) -> "Stack":
        self._session.attach()
        return self

    def detach(self) -> None:
        self._session.detach()

    def __enter__(self) -> "Stack":
        return self.attach()

    def __exit__(self, *exc) -> bool:
        self.detach()
        return False

    # -- processes ----------------------------------------------------------

    def pids(self) -> list:
        """Pid of every stack process, indexed by proc id (0: not running)."""
        return self._session.procs()

    def proc_ids(self, spec: int | str | None = None) -> list:
        """Proc ids named by ``spec`` (default: the Stack's ``proc``): an
        int, or "all" (the running ones; NoStackError when none runs)."""
        return self._session.proc_ids(self.proc if spec is None else spec)

    def targets(self, writing: bool = False) -> list:
        """The processes a tool asks: a read asks ``proc``; a change goes
        to every running process unless ``proc`` was given (the Stack was
        made with ``proc`` None: each process has its own tables)."""
        if self.proc is None:
            return self.proc_ids("all") if writing else [0]
        return self.proc_ids(self.proc)

    def _one(self, proc):
        if proc is not None:
            return proc
        return self.proc if isinstance(self.proc, int) else 0

    def _ask(self, proc, msg_type, body=b""):
        return self._session.request(self._one(proc), msg_type, body)

    def _ask_parts(self, proc, msg_type, body=b""):
        return self._session.request_parts(self._one(proc), msg_type, body)

    def echo(self, body: bytes = b"", proc: int | None = None) -> bytes:
        """The stack's echo of ``body`` (a liveness check)."""
        return self._ask(proc, _ffi.FF_MSG_ECHO, body).body

    # -- top and traffic ----------------------------------------------------

    def top(self, proc: int | None = None) -> TopStats:
        """Main-loop counters of one process (ff-top's sample)."""
        from fstools.records.top import TopStats

        raw = _ffi.decode(
            "ff_top_stats", self._ask(proc, _ffi.FF_MSG_TOP).body
        )
        return _record(TopStats, raw, "ts_")

    def traffic(self, proc: int | None = None) -> TrafficStats:
        """Port counters of one process (ff-traffic's sample)."""
        from fstools.records.traffic import TrafficStats

        raw = _ffi.decode(
            "ff_traffic_stats", self._ask(proc, _ffi.FF_MSG_TRAFFIC).body
        )
        return _record(TrafficStats, raw, "tr_")

    # -- protocol control blocks (netstat) -------------------------------------

    def connections(
        self, proto: str = "tcp", proc: int | None = None
    ) -> list[Connection]:
        """Every pcb of ``proto`` ("tcp" or "udp") in one process, in the
        order they were made: a consistent listing in parts (each pcb that
        lives through it appears once; those made meanwhile do not)."""
        # The records hold no cycles, but each is a container: with the
        # collector on, 100,000 of them set it walking the growing list
        # again and again (a third of a listing's time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return list(self.iter_connections(proto, proc))
        finally:
            if collecting:
                gc.enable()

    def iter_connections(self, proto: str = "tcp", proc: int | None = None):
        """``connections()`` as a generator, one message's worth at a time."""
        number = {"tcp": _ffi.IPPROTO_TCP, "udp": _ffi.IPPROTO_UDP}[proto]
        one = self._one(proc)
        gen, cursor = 0, 0
        while True:
            reply = self._session.request(
                one,
                _ffi.FF_MSG_NETSTAT,
                _ffi.encode_netstat_req(number, gen),
                cursor,
            )
            rgen, _, rows = _ffi.netstat_rows(reply.body)
            yield from _connections(rows)
            if reply.cursor == 0:
                return
            if reply.cursor <= cursor:
                raise ProtocolError("netstat: cursor went back")
            gen, cursor = rgen, reply.cursor

    # -- interfaces (ifconfig) ----------------------------------------------

    def _ioctl(self, proc, op, name="", **kw):
        body = _ffi.encode_ioctl_req(op, name, **kw)
        recs = []
        for reply in self._ask_parts(proc, _ffi.FF_MSG_IOCTL, body):
            recs.extend(_ffi.decode_ioctl_reply(reply.body))
        return [_interface(self._one(proc), r) for r in recs]

    def interfaces(
        self, name: str | None = None, proc: int | None = None
    ) -> list:
        """Every interface (or only ``name``: StackRefused ENXIO when it
        does not exist), with its addresses and counters."""
        return self._ioctl(proc, _ffi.FF_IOCTL_LIST, name or "")

    def interface(self, name: str, proc: int | None = None) -> Interface:
        """One interface (StackRefused ENXIO when it does not exist)."""
        return self.interfaces(name, proc)[0]

    def set_interface(
        self,
        name: str,
        *,
        addr: str | None = None,
        netmask: str | None = None,
        broadcast: str | None = None,
        alias: str | None = None,
        mtu: int | None = None,
        up: bool | None = None,
        promisc: bool | None = None,
        proc: int | None = None,
    ) -> None:
        """ifconfig's changes, in its order: an address (``alias`` None
        replaces the first address, "add" adds one, "delete" removes
        ``addr``; ``addr`` may be "a.b.c.d/len"), then ``mtu``, then the
        ``up`` and ``promisc`` flags.  The first refusal stops it: a
        StackRefused whose message names the ioctl, as ifconfig(8) does
        ("ioctl (SIOCAIFADDR): File exists")."""
        self.interface(name, proc)
        if addr is not None:
            a, mask = _addr_mask(addr)
            mask = netmask or mask
            if alias == "delete":
                self._step(
                    proc,
                    name,
                    "ioctl (SIOCDIFADDR)",
                    _ffi.FF_IOCTL_DELADDR,
                    addr=a,
                )
            else:
                if alias is None:
                    cur = self.interface(name, proc).addrs
                    if cur:
                        self._step(
                            proc,
                            name,
                            "ioctl (SIOCDIFADDR)",
                            _ffi.FF_IOCTL_DELADDR,
                            addr=cur[0].addr,
                        )
                self._step(
                    proc,
                    name,
                    "ioctl (SIOCAIFADDR)",
                    _ffi.FF_IOCTL_ADDADDR,
                    addr=a,
                    mask=mask,
                    broadaddr=broadcast,
                )
        if mtu is not None:
            self._step(
                proc,
                name,
                "ioctl SIOCSIFMTU (set mtu)",
                _ffi.FF_IOCTL_SETMTU,
                value=mtu,
            )
        if up is not None or promisc is not None:
            flags = self.interface(name, proc).flags
            for on, bit in ((up, _ffi.IFF_UP), (promisc, _ffi.IFF_PROMISC)):
                if on is not None:
                    flags = flags | bit if on else flags & ~bit
            self._step(
                proc,
                name,
                "ioctl (SIOCSIFFLAGS)",
                _ffi.FF_IOCTL_SETFLAGS,
                value=flags,
            )

    # ifconfig(8)'s capability words and the IFCAP_* bit each one sets.
    CAPABILITIES = {
        "rxcsum": _ffi.FF_IFCAP_RXCSUM,
        "txcsum": _ffi.FF_IFCAP_TXCSUM,
        "tso4": _ffi.FF_IFCAP_TSO4,
        "tso": _ffi.FF_IFCAP_TSO4,  # IPv4 only: tso is tso4
    }

    def set_capabilities(
        self,
        name: str,
        on: tuple = (),
        off: tuple = (),
        proc: int | None = None,
    ) -> None:
        """ifconfig's ``rxcsum``, ``-rxcsum``, ``txcsum``, ``-txcsum``,
        ``tso4``, ``-tso4``: turn each capability named in ``on`` on and
        each in ``off`` off, one SIOCSIFCAP each, ``on`` first, as
        ifconfig(8) does word by word.  ``-txcsum`` takes TSO4 with it
        (the stack's doing, as FreeBSD's drivers).  A refusal is a
        StackRefused naming the word: EINVAL the interface lacks the
        capability, EOPNOTSUPP it cannot change (lo0's, one the port was
        started without), EAGAIN tso4 without txcsum."""
        steps = [(c, True) for c in on] + [(c, False) for c in off]
        for cap, _ in steps:
            if cap not in self.CAPABILITIES:
                raise ValueError("unknown capability %r" % cap)
        for cap, enable in steps:
            cur = self.interface(name, proc).capenable
            bit = self.CAPABILITIES[cap]
            self._step(
                proc,
                name,
                "%s%s: ioctl (SIOCSIFCAP)" % ("" if enable else "-", cap),
                _ffi.FF_IOCTL_SETCAP,
                value=cur | bit if enable else cur & ~bit,
            )

    def _step(self, proc, name, what, op, **kw):
        try:
            self._ioctl(proc, op, name, **kw)
        except StackRefused as e:
            raise _ffi.stack_error(e.errno, what) from None

    # -- routes (route) -----------------------------------------------------

    def _rt(self, proc, rtm_type, **kw):
        body = _ffi.encode_rt_msg(rtm_type, **kw)
        m = _ffi.decode_rt_msg(self._ask(proc, _ffi.FF_MSG_ROUTE, body).body)
        return m

    def _route_msg(
        self,
        proc,
        rtm_type,
        destination,
        gateway=None,
        prefixlen=None,
        host=None,
        interface=None,
        mtu=None,
        static=False,
        blackhole=False,
        reject=False,
    ):
        dst, mask = _prefix(destination, prefixlen)
        if host is None:
            host = mask is None and rtm_type != _ffi.FF_RTM_GET
        flags = (
            (_ffi.RTF_HOST if host else 0)
            | (_ffi.RTF_STATIC if static else 0)
            | (_ffi.RTF_BLACKHOLE if blackhole else 0)
            | (_ffi.RTF_REJECT if reject else 0)
        )
        m = self._rt(
            proc,
            rtm_type,
            flags=flags,
            dst=dst,
            netmask=None if host else mask,
            gateway=gateway,
            ifname=interface or "",
            mtu=mtu,
        )
        return _route(self._one(proc), m)

    def route_get(self, destination: str, proc: int | None = None) -> Route:
        """The route to ``destination`` (longest match; "a.b.c.d/len"
        for an exact network, "default" for the default route).
        StackRefused ESRCH when there is none."""
        return self._route_msg(proc, _ffi.FF_RTM_GET, destination)

    def route_add(
        self,
        destination: str,
        gateway: str | None = None,
        *,
        prefixlen: int | None = None,
        host: bool | None = None,
        interface: str | None = None,
        mtu: int | None = None,
        static: bool = False,
        blackhole: bool = False,
        reject: bool = False,
        proc: int | None = None,
    ) -> Route:
        """route add: to ``destination`` ("a.b.c.d/len", or a host when
        no length is given) through ``gateway`` or out of ``interface``.
        StackRefused EEXIST when the route is already in the table."""
        return self._route_msg(
            proc,
            _ffi.FF_RTM_ADD,
            destination,
            gateway,
            prefixlen,
            host,
            interface,
            mtu,
            static,
            blackhole,
            reject,
        )

    def route_change(
        self,
        destination: str,
        gateway: str | None = None,
        *,
        prefixlen: int | None = None,
        host: bool | None = None,
        interface: str | None = None,
        mtu: int | None = None,
        static: bool = False,
        blackhole: bool = False,
        reject: bool = False,
        proc: int | None = None,
    ) -> Route:
        """route change: a new gateway, interface or MTU (ESRCH: none)."""
        return self._route_msg(
            proc,
            _ffi.FF_RTM_CHANGE,
            destination,
            gateway,
            prefixlen,
            host,
            interface,
            mtu,
            static,
            blackhole,
            reject,
        )

    def route_delete(
        self,
        destination: str,
        gateway: str | None = None,
        *,
        prefixlen: int | None = None,
        host: bool | None = None,
        interface: str | None = None,
        mtu: int | None = None,
        static: bool = False,
        blackhole: bool = False,
        reject: bool = False,
        proc: int | None = None,
    ) -> Route:
        """route delete (StackRefused ESRCH when not in the table)."""
        return self._route_msg(
            proc,
            _ffi.FF_RTM_DELETE,
            destination,
            gateway,
            prefixlen,
            host,
            interface,
            mtu,
            static,
            blackhole,
            reject,
        )

    def routes(self, proc: int | None = None) -> list:
        """The whole routing table of one process, in the stack's order."""
        body = _ffi.encode_rt_msg(_ffi.FF_RTM_DUMP)
        out = []
        for reply in self._ask_parts(proc, _ffi.FF_MSG_ROUTE, body):
            out.extend(_ffi.decode_rt_dump(reply.body))
        return [_route(self._one(proc), m) for m in out]

    # -- ARP (arp) ----------------------------------------------------------

    def arp_entries(
        self, interface: str | None = None, proc: int | None = None
    ) -> list:
        """The ARP table (only ``interface``'s entries when given; ENXIO
        when it does not exist), sorted by address as arp -a shows it."""
        index = self.interface(interface, proc).index if interface else 0
        body = _ffi.encode_rt_msg(
            _ffi.FF_RTM_DUMP, flags=_ffi.RTF_LLINFO, index=index
        )
        out = []
        for reply in self._ask_parts(proc, _ffi.FF_MSG_ROUTE, body):
            out.extend(_ffi.decode_rt_dump(reply.body))
        return sorted((_arp(self._one(proc), m) for m in out), key=address_key)

    def arp_set(
        self,
        ip: str,
        mac: str | bytes,
        *,
        temp: bool = False,
        pub: bool = False,
        proc: int | None = None,
    ) -> None:
        """arp -s: a permanent entry (``temp``: one that lives
        net.link.ether.inet.max_age seconds); ``pub`` answers for it.
        StackRefused ENETUNREACH when no interface reaches ``ip``, EEXIST
        when ``ip`` is one of the stack's own addresses."""
        lladdr = mac if isinstance(mac, bytes) else _mac_bytes(mac)
        flags = _ffi.RTF_LLINFO | (_ffi.RTF_ANNOUNCE if pub else 0)
        if temp:
            kw = {"flags": flags, "expire": self._arp_max_age(proc)}
        else:
            kw = {"flags": flags | _ffi.RTF_STATIC}
        self._rt(proc, _ffi.FF_RTM_ADD, dst=ip, lladdr=lladdr, **kw)

    def arp_delete(self, ip: str, proc: int | None = None) -> None:
        """arp -d (StackRefused ESRCH when there is no entry)."""
        self._rt(proc, _ffi.FF_RTM_DELETE, flags=_ffi.RTF_LLINFO, dst=ip)

    def arp_flush(
        self, interface: str | None = None, proc: int | None = None
    ) -> list:
        """arp -d -a: every entry but the stack's own addresses goes;
        returns the entries deleted."""
        gone = [e for e in self.arp_entries(interface, proc) if not e.local]
        index = self.interface(interface, proc).index if interface else 0
        self._rt(proc, _ffi.FF_RTM_DELETE, flags=_ffi.RTF_LLINFO, index=index)
        return gone

    def _arp_max_age(self, proc):
        proc = self._one(proc)
        if proc not in self._max_age:
            node = self.sysctl("net.link.ether.inet.max_age", proc=proc)
            if not isinstance(node.decoded, int):
                raise ProtocolError("sysctl %s: not an int" % node.name)
            self._max_age[proc] = node.decoded
        return self._max_age[proc]

    # -- sysctl -------------------------------------------------------------

    def _sysctl_req(self, proc, *args, **kw):
        body = _ffi.encode_sysctl_req(*args, **kw)
        reply = self._ask(proc, _ffi.FF_MSG_SYSCTL, body)
        _, recs = _ffi.decode_sysctl_reply(reply.body)
        return reply, recs

    def sysctl(
        self, name: str, descr: bool = False, proc: int | None = None
    ) -> SysctlNode:
        """One node (an interior one comes back with type NODE, no value).
        StackRefused ENOENT for an unknown name."""
        flags = _ffi.FF_SYSCTLF_DESCR if descr else 0
        _, recs = self._sysctl_req(proc, _ffi.FF_SYSCTL_GET, flags, name=name)
        if len(recs) != 1:
            raise ProtocolError("sysctl get: %d nodes" % len(recs))
        return _node(self._one(proc), recs[0])

    def sysctl_walk(
        self,
        name: str | None = None,
        descr: bool = False,
        novalue: bool = False,
        proc: int | None = None,
    ) -> list:
        """Every leaf under ``name`` (None: the whole tree), in FreeBSD's
        order, in batches of one message each."""
        flags = (_ffi.FF_SYSCTLF_DESCR if descr else 0) | (
            _ffi.FF_SYSCTLF_NOVALUE if novalue else 0
        )
        kw = {"name": name}
        top, nodes = None, []
        while True:
            reply, recs = self._sysctl_req(
                proc, _ffi.FF_SYSCTL_WALK, flags, **kw
            )
            nodes.extend(_node(self._one(proc), r) for r in recs)
            if reply.cursor == 0:
                return nodes
            if not recs:
                raise ProtocolError("sysctl walk: cursor without nodes")
            if top is None:
                top = len(self.sysctl(name, proc=proc).oid) if name else 0
            flags |= _ffi.FF_SYSCTLF_AFTER
            kw = {"oid": list(nodes[-1].oid), "rootlen": top}

    def stats_zero(self, name: str, proc: int | None = None) -> SysctlNode:
        """Zero a statistics struct (net.inet.tcp.stats, ...: netstat
        -z); returns the node with the counts before.  StackRefused
        EPERM when the node cannot be written."""
        _, recs = self._sysctl_req(
            proc, _ffi.FF_SYSCTL_SET, 0, name=name, new=b"\0"
        )
        if len(recs) != 1:
            raise ProtocolError("sysctl set: %d nodes" % len(recs))
        node = _node(self._one(proc), recs[0])
        return replace(node, value=recs[0]["oldvalue"] or b"")

    def sysctl_set(self, name: str, value, proc: int | None = None) -> tuple:
        """Write ``value`` (int or str, parsed by the stack as sysctl(8)'s
        text); returns (old node, new node).  StackRefused: ENOENT
        unknown, EPERM read only, EINVAL a bad value, EISDIR a node."""
        _, recs = self._sysctl_req(
            proc,
            _ffi.FF_SYSCTL_SET,
            _ffi.FF_SYSCTLF_TEXT,
            name=name,
            new=str(value),
        )
        if len(recs) != 1:
            raise ProtocolError("sysctl set: %d nodes" % len(recs))
        new = _node(self._one(proc), recs[0])
        # The answer carries the old value beside the new one.
        return replace(new, value=recs[0]["oldvalue"] or b""), new

    # -- everything at once (ff-top's dashboard, ff-exporter) -------------

    def live_sysctls(self, proc: int | None = None) -> list:
        """Names of the nodes that hold live values: every stats struct
        and every read-only number (counters and gauges such as
        kern.ipc.numopensockets or net.inet.tcp.states), not tunables,
        strings or tables.  Found by one walk without values, then
        remembered: the tree does not change while a stack runs."""
        proc = self._one(proc)
        if proc not in self._live:
            self._live[proc] = [
                n.name
                for n in self.sysctl_walk(novalue=True, proc=proc)
                if _live(n)
            ]
        return self._live[proc]

    def snapshot(self, proc: int | None = None) -> Snapshot:
        """One process's top and traffic counters, interfaces and live
        sysctls (``live_sysctls()``), in one round of messages: a fixed
        number of them, whatever the number of connections.  A node
        that cannot be read comes back with its ``error`` set."""
        from fstools.records.snapshot import Snapshot

        proc = self._one(proc)
        nodes = {}
        for name in self.live_sysctls(proc):
            try:
                nodes[name] = self.sysctl(name, proc=proc)
            except StackRefused as e:
                nodes[name] = _node(
                    proc,
                    dict(
                        name=name,
                        oid=(),
                        kind=0,
                        fmt="",
                        descr="",
                        value=b"",
                        error=e.errno,
                    ),
                )
        return Snapshot(
            proc_id=proc,
            top=self.top(proc),
            traffic=self.traffic(proc),
            interfaces=tuple(self.interfaces(proc=proc)),
            sysctls=nodes,
        )

    # -- firewall (ipfw) ----------------------------------------------------

    # Bytes of rules per ADD message: a request (header, ff_ipfw_req and
    # the rules) and its answer (the same rules back) fit one slot.
    _IPFW_BATCH = _ffi.FF_MSG_SIZE - 1024

    def _ipfw(self, proc, op, data=b"", count=0, **kw):
        """One FF_MSG_IPFW request: (IpfwHead, record bytes, count)."""
        body = _ffi.encode_ipfw_req(op, data, count, **kw)
        rep = self._ask(proc, _ffi.FF_MSG_IPFW, body)
        head, recs = _ffi.decode_ipfw_reply(rep.body)
        return _ipfw_head(head), recs, head["fp_count"]

    def _ipfw_parts(self, proc, op, **kw):
        body = _ffi.encode_ipfw_req(op, **kw)
        for rep in self._ask_parts(proc, _ffi.FF_MSG_IPFW, body):
            head, recs = _ffi.decode_ipfw_reply(rep.body)
            yield _ipfw_head(head), recs, head["fp_count"]

    def ipfw_add(self, rules: list, proc: int | None = None) -> list:
        """Add compiled rules (``fstools.ipfw_rule.Rule``), in messages
        of as many as fit; each message is all or nothing.  Returns the
        rules as the stack took them (with their numbers).  StackRefused
        EINVAL for a rule the stack refuses, ENOENT for a table that does
        not exist; the refusal's ``added`` holds the rules taken before
        the refused message (they stay in) and ``refused`` the rules of
        that message (none of them taken)."""
        from fstools.ipfw_rule import rule_from_record

        out, first = [], 0
        for last, data in self._ipfw_pieces(rules):
            try:
                _, recs, count = self._ipfw(
                    proc, _ffi.FF_IPFW_ADD, data, last - first
                )
            except StackRefused as e:
                e.added, e.refused = out, rules[first:last]
                raise
            out += [
                rule_from_record(r)
                for r in _ffi.decode_ipfw_rules(recs, count)
            ]
            first = last
        return out

    def _ipfw_pieces(self, rules):
        """(end index, bytes) of each run of ``rules`` that fits one ADD
        message, in order."""
        piece, size = [], 0
        for i, raw in enumerate(r.encode() for r in rules):
            if piece and size + len(raw) > self._IPFW_BATCH:
                yield i, b"".join(piece)
                piece, size = [], 0
            piece.append(raw)
            size += len(raw)
        if piece:
            yield len(rules), b"".join(piece)

    def ipfw_rules(
        self, first: int = 0, last: int = 0, proc: int | None = None
    ) -> tuple:
        """(IpfwHead, [Rule]) of rules first..last (0, 0: all), with
        their counters and last-match times, the default rule last."""
        from fstools.ipfw_rule import rule_from_record

        head, out = None, []
        for part, recs, count in self._ipfw_parts(
            proc, _ffi.FF_IPFW_LIST, rulenum=first, rulenum2=last
        ):
            head = part
            out += [
                rule_from_record(r)
                for r in _ffi.decode_ipfw_rules(recs, count)
            ]
        return head, out

    def ipfw_states(self, proc: int | None = None) -> list:
        """The dynamic rules (ipfw -d)."""
        from fstools.records.ipfw import IpfwState

        out = []
        for _, recs, count in self._ipfw_parts(
            proc, _ffi.FF_IPFW_LIST, flags=_ffi.FF_IPFWF_DYN
        ):
            for d in _ffi.decode_ipfw_records("ff_ipfw_dyn", recs, count):
                out.append(
                    IpfwState(
                        proc_id=self._one(proc),
                        rulenum=d["d_rulenum"],
                        proto=d["d_proto"],
                        src=".".join(map(str, d["d_src"])),
                        sport=d["d_sport"],
                        dst=".".join(map(str, d["d_dst"])),
                        dport=d["d_dport"],
                        expire=d["d_expire"],
                        pcnt=d["d_pcnt"],
                        bcnt=d["d_bcnt"],
                        kind="limit"
                        if d["d_type"] == _ffi.O_LIMIT
                        else "keep-state",
                    )
                )
        return out

    def ipfw_delete(self, rulenum: int, proc: int | None = None) -> None:
        """Every rule numbered ``rulenum`` (StackRefused ESRCH: none)."""
        self._ipfw(proc, _ffi.FF_IPFW_DELETE, rulenum=rulenum)

    def ipfw_delete_set(self, set_: int, proc: int | None = None) -> None:
        self._ipfw(
            proc, _ffi.FF_IPFW_DELETE, flags=_ffi.FF_IPFWF_SET, set=set_
        )

    def ipfw_zero(self, rulenum: int = 0, proc: int | None = None) -> None:
        """Counters of rule ``rulenum`` (0: every rule) back to 0."""
        self._ipfw(proc, _ffi.FF_IPFW_ZERO, rulenum=rulenum)

    def ipfw_resetlog(self, rulenum: int = 0, proc: int | None = None):
        self._ipfw(proc, _ffi.FF_IPFW_RESETLOG, rulenum=rulenum)

    def ipfw_flush(
        self, states_only: bool = False, proc: int | None = None
    ) -> None:
        """Every rule but set 31's and the default one, and every state
        (``states_only``: the states alone)."""
        flags = _ffi.FF_IPFWF_DYN if states_only else 0
        self._ipfw(proc, _ffi.FF_IPFW_FLUSH, flags=flags)

    def _ipfw_set(self, proc, subop, rulenum=0, a=0, b=0):
        head, _, _ = self._ipfw(
            proc, _ffi.FF_IPFW_SET, subop=subop, rulenum=rulenum, set=a, set2=b
        )
        return head

    def ipfw_sets(self, proc: int | None = None) -> int:
        """The mask of the disabled sets (set show)."""
        return self._ipfw_set(proc, _ffi.FF_IPFW_SET_GET).disabled

    def ipfw_set_enable(
        self, enable: int = 0, disable: int = 0, proc: int | None = None
    ) -> int:
        """Enable the sets of mask ``enable`` and disable those of
        ``disable`` in one change (set 31 cannot be disabled: EINVAL);
        returns the disabled mask."""
        return self._ipfw_set(
            proc, _ffi.FF_IPFW_SET_ENABLE, a=enable, b=disable
        ).disabled

    def ipfw_set_move_rule(
        self, rulenum: int, set_: int, proc: int | None = None
    ) -> None:
        """set move rule N to S (ESRCH: no rule N)."""
        self._ipfw_set(proc, _ffi.FF_IPFW_SET_MOVE_RULE, rulenum, b=set_)

    def ipfw_set_move(self, a: int, b: int, proc: int | None = None):
        """set move A to B: every rule of set A goes to set B."""
        self._ipfw_set(proc, _ffi.FF_IPFW_SET_MOVE, a=a, b=b)

    def ipfw_set_swap(self, a: int, b: int, proc: int | None = None):
        self._ipfw_set(proc, _ffi.FF_IPFW_SET_SWAP, a=a, b=b)

    def _table(self, proc, subop, table, data=b"", count=0, flags=0):
        return self._ipfw(
            proc,
            _ffi.FF_IPFW_TABLE,
            data,
            count,
            subop=subop,
            table=table,
            flags=flags,
        )

    def ipfw_table_create(
        self, table: int, limit: int = 0, proc: int | None = None
    ) -> None:
        """A table of at most ``limit`` entries (0: the default size);
        StackRefused EEXIST when it exists."""
        self._table(proc, _ffi.FF_IPFW_TABLE_CREATE, table, count=limit)

    def ipfw_table_destroy(self, table: int, proc: int | None = None):
        self._table(proc, _ffi.FF_IPFW_TABLE_DESTROY, table)

    def ipfw_table_flush(self, table: int, proc: int | None = None):
        self._table(proc, _ffi.FF_IPFW_TABLE_FLUSH, table)

    def _tentries(self, proc, subop, table, entries):
        step = (self._IPFW_BATCH // 16) & ~7
        for i in range(0, len(entries), step):
            part = entries[i : i + step]
            data = b"".join(
                _ffi.encode_ipfw_tentry(_addr_bytes(a), m, v)
                for a, m, v in part
            )
            self._table(proc, subop, table, data, len(part))

    def ipfw_table_add(
        self, table: int, entries: list, proc: int | None = None
    ) -> None:
        """Add [(address, masklen, value)] (a missing table is made);
        an entry already there takes the new value."""
        self._tentries(proc, _ffi.FF_IPFW_TABLE_ADD, table, entries)

    def ipfw_table_delete(
        self, table: int, entries: list, proc: int | None = None
    ) -> None:
        """Delete [(address, masklen)] (StackRefused ESRCH: not there)."""
        self._tentries(
            proc,
            _ffi.FF_IPFW_TABLE_DELETE,
            table,
            [(a, m, 0) for a, m, *_ in entries],
        )

    def ipfw_table_list(self, table: int, proc: int | None = None) -> list:
        """[TableEntry] of ``table`` (StackRefused ENOENT: no table)."""
        from fstools.records.ipfw import TableEntry

        out = []
        for _, recs, count in self._ipfw_parts(
            proc,
            _ffi.FF_IPFW_TABLE,
            subop=_ffi.FF_IPFW_TABLE_LIST,
            table=table,
        ):
            for te in _ffi.decode_ipfw_records("ff_ipfw_tentry", recs, count):
                out.append(
                    TableEntry(
                        table=table,
                        addr=".".join(map(str, te["te_addr"])),
                        masklen=te["te_masklen"],
                        value=te["te_value"],
                    )
                )
        return out

    def ipfw_nat_config(self, config, proc: int | None = None) -> None:
        """Create NAT instance ``config.nat`` or replace its configuration
        (``fstools.records.ipfw.NatConfig``)."""
        self._ipfw(
            proc,
            _ffi.FF_IPFW_NAT,
            _encode_nat_config(config),
            1,
            subop=_ffi.FF_IPFW_NAT_CONFIG,
            rulenum=config.nat,
        )

    def ipfw_nat_delete(self, nat: int, proc: int | None = None) -> None:
        """Delete NAT instance ``nat`` (StackRefused ESRCH: none)."""
        self._ipfw(
            proc, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_DELETE, rulenum=nat
        )

    def ipfw_nats(self, nat: int = 0, proc: int | None = None) -> list:
        """[NatInstance]: ``nat`` (ESRCH: none) or every instance (0)."""
        _, recs, n = self._ipfw(
            proc, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_GET, rulenum=nat
        )
        return [_nat_instance(proc, r) for r in _ffi.decode_ipfw_nats(recs, n)]

    def ipfw_tables(
        self, table: int | None = None, proc: int | None = None
    ) -> list:
        """[TableInfo] of every table (or of ``table``: ENOENT if none)."""
        from fstools.records.ipfw import TableInfo

        if table is None:
            _, recs, n = self._table(
                proc,
                _ffi.FF_IPFW_TABLE_LIST_TABLES,
                0,
                flags=_ffi.FF_IPFWF_ALL,
            )
        else:
            _, recs, n = self._table(proc, _ffi.FF_IPFW_TABLE_INFO, table)
        return [
            TableInfo(
                table=t["ti_table"],
                count=t["ti_count"],
                limit=t["ti_limit"],
                refcnt=t["ti_refcnt"],
            )
            for t in _ffi.decode_ipfw_records("ff_ipfw_tinfo", recs, n)
        ]


_NUMBERS = (
    CTLTYPE_INT,
    CTLTYPE_UINT,
    CTLTYPE_LONG,
    CTLTYPE_ULONG,
    CTLTYPE_S64,
    CTLTYPE_U64,
)


def _live(node):
    """A stats struct, or a read-only number (an array of them too:
    "QU" over an opaque node)."""
    if node.kind & CTLFLAG_STATS:
        return node.fmt.startswith("S,")
    if node.kind & CTLFLAG_WR:
        return False
    if node.type in _NUMBERS:
        return True
    return node.type == CTLTYPE_OPAQUE and node.fmt[:1] in ("I", "L", "Q")


def _encode_nat_config(config):
    """A NatConfig as FF_IPFW_NAT_CONFIG's record (_nat_instance's
    inverse)."""
    flags = (_ffi.FF_NAT_SAME_PORTS if config.same_ports else 0) | (
        _ffi.FF_NAT_RESET if config.reset else 0
    )
    redirs = [
        {
            "mode": _ffi.FF_NAT_REDIR_ADDR
            if r.mode == "addr"
            else _ffi.FF_NAT_REDIR_PORT,
            "proto": {"tcp": 6, "udp": 17}.get(r.proto, 0),
            "paddr": r.public_addr,
            "pport": r.public_port,
            "local": [(b[0], b[1]) for b in r.backends],
        }
        for r in config.redirects
    ]
    return _ffi.encode_ipfw_nat(config.nat, config.ip, flags, redirs)


def _nat_instance(proc, n):
    from fstools.records.ipfw import NatConfig, NatInstance, NatRedirect

    protos = {6: "tcp", 17: "udp"}
    redirs = tuple(
        NatRedirect(
            mode="addr" if r["mode"] == _ffi.FF_NAT_REDIR_ADDR else "port",
            proto=protos.get(r["proto"], ""),
            public_addr="" if r["paddr"] == "0.0.0.0" else r["paddr"],
            public_port=r["pport"],
            backends=tuple(r["local"]),
        )
        for r in n["redirects"]
    )
    cfg = NatConfig(
        nat=n["n_id"],
        ip=n["ip"],
        same_ports=bool(n["n_flags"] & _ffi.FF_NAT_SAME_PORTS),
        reset=bool(n["n_flags"] & _ffi.FF_NAT_RESET),
        redirects=redirs,
    )
    return NatInstance(
        proc_id=proc,
        config=cfg,
        states=n["n_states"],
        tcp=n["n_tcp"],
        udp=n["n_udp"],
        icmp=n["n_icmp"],
        translated_in=n["n_in"],
        translated_out=n["n_out"],
        created=n["n_new"],
        full=n["n_full"],
        expired=n["n_expired"],
        frag=n["n_frag"],
        reset_dropped=n["n_reset"],
    )


def _ipfw_head(head):
    from fstools.records.ipfw import IpfwHead

    return IpfwHead(
        disabled=head["fp_disabled"],
        nrules=head["fp_nrules"],
        ndyn=head["fp_ndyn"],
        now=head["fp_now"],
    )


def _addr_bytes(addr):
    if isinstance(addr, bytes):
        return addr
    parts = addr.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise ValueError("bad IPv4 address %r" % addr)
    return bytes(int(p) for p in parts)
