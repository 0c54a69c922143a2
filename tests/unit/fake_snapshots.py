"""Fake stack.Snapshot samples for the dashboard and exporter tests."""

import struct
from dataclasses import dataclass, field

from fstools import stack

U64, INT, UINT, OPAQUE = (
    stack.CTLTYPE_U64,
    stack.CTLTYPE_INT,
    stack.CTLTYPE_UINT,
    stack.CTLTYPE_OPAQUE,
)
RD = stack.CTLFLAG_RD


def top_stats(proc, loops=0, idle=0, sys=0, usr=0, hz=10000, now=0, **kw):
    """A stack.TopStats (work = idle + sys + usr); rx, tx, rxb, txb."""
    return stack.TopStats(
        proc_id=proc,
        loops=loops,
        idle_tsc=idle,
        sys_tsc=sys,
        usr_tsc=usr,
        work_tsc=idle + sys + usr,
        tsc_hz=hz,
        now_tsc=now,
        rx_packets=kw.get("rx", 0),
        tx_packets=kw.get("tx", 0),
        rx_bytes=kw.get("rxb", 0),
        tx_bytes=kw.get("txb", 0),
    )


def traffic_stats(proc, rx=0, tx=0):
    return stack.TrafficStats(
        proc_id=proc,
        rx_packets=rx,
        rx_bytes=0,
        rx_dropped=0,
        tx_packets=tx,
        tx_bytes=0,
        tx_dropped=0,
        now_ns=0,
    )


def node(name, value, ctltype, fmt):
    code = {"I": "i", "IU": "I", "QU": "Q"}[fmt]
    vals = value if isinstance(value, list) else [value]
    return stack.SysctlNode(
        proc_id=0,
        name=name,
        oid=(),
        kind=RD | ctltype,
        fmt=fmt,
        descr="",
        value=struct.pack("=%d%s" % (len(vals), code), *vals),
    )


@dataclass
class Iface:
    name: str
    counters: dict


@dataclass
class Snap:
    """A stack.Snapshot's duck: the stats structs given decoded."""

    proc_id: int
    top: object
    traffic: object
    interfaces: tuple
    sysctls: dict
    structs: dict = field(default_factory=dict)

    def stats(self):
        return self.structs


def snap(i, proc=0, states=None, rexmit=0, badsum=0, accepts=0, used=0):
    """The i-th sample of a process, one second after the one before:
    1000 rx / 900 tx packets a second, 92.44 % idle."""
    states = states or [0, 1, 0, 0, 20, 0, 0, 0, 0, 0, 312]
    nodes = [
        node("net.inet.tcp.states", states, OPAQUE, "QU"),
        node("kern.ipc.nmbufs", 8191, UINT, "IU"),
        node("kern.ipc.mclbytes", 2048, UINT, "IU"),
        node("kern.ipc.overload.mbufs_free", 8191 - used, UINT, "IU"),
        node("kern.ipc.numopensockets", 333, UINT, "IU"),
        node("kern.ipc.maxsockets", 1024, INT, "I"),
        node("kern.ipc.overload.level", 0, INT, "I"),
        node("kern.ipc.overload.win_shrunk", 7 * i, U64, "QU"),
    ]
    return Snap(
        proc_id=proc,
        top=top_stats(
            proc,
            loops=13427 * i,
            idle=9244 * i,
            sys=400 * i,
            usr=356 * i,
            hz=10000,
            now=10000 * i,
            rx=1000 * i,
            tx=900 * i,
            rxb=100000 * i,
            txb=900000 * i,
        ),
        traffic=traffic_stats(proc, rx=1000 * i, tx=900 * i),
        interfaces=(Iface("f-stack-0", {"ierrors": 0, "ipackets": 1000 * i}),),
        sysctls={n.name: n for n in nodes},
        structs={
            "tcpstat": {
                "tcps_accepts": accepts,
                "tcps_connattempt": 0,
                "tcps_sndrexmitpack": rexmit,
                "tcps_rexmttimeo": 0,
                "tcps_drops": 2 * i,
                "tcps_conndrops": 0,
                "tcps_listendrop": 0,
                "tcps_rcvbadsum": badsum,
                "tcps_sndtotal": 5000 * i,
            }
        },
    )
