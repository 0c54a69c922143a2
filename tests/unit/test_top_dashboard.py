"""ff-top's dashboard through its renderer: fake samples of two
intervals in, the text a person sees out (rich at a fixed size, no
colour)."""

import struct
from dataclasses import dataclass, field

import pytest
from rich.console import Console

from fstools import stack
from fstools.views import counters as cnt
from fstools.views import dashboard as dash


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


def text(board, width=120, height=40):
    con = Console(width=width, height=height, record=True, color_system=None)
    con.print(board.render(width, height))
    return con.export_text()


def fed(procs=(0,)):
    board = dash.Dashboard("ff", 1.0)
    for i in range(1, 6):
        board.feed(
            [
                snap(i, p, rexmit=10 * i, badsum=3 * (i // 6), accepts=310 * i)
                for p in procs
            ],
            [
                snap(
                    i + 1,
                    p,
                    rexmit=10 * (i + 1),
                    badsum=3 * ((i + 1) // 6),
                    accepts=310 * (i + 1),
                )
                for p in procs
            ],
            1.0,
        )
    return board


def test_overview_shows_every_panel():
    out = text(fed())
    assert "ff-top" in out and "prefix ff" in out
    for title in ("CPU", "Traffic", "TCP", "Memory", "Moved"):
        assert title in out, title
    assert "92.4%" in out and "13.4k" in out  # idle, loops/s
    assert "1.0k" in out and "800.0k" in out  # rx pkt/s, rx bit/s
    assert "ESTABLISHED 20" in out and "TIME_WAIT 312" in out
    assert "LISTEN 1" in out
    assert "310" in out  # accepts/s
    assert "10.0" in out or "10 " in out  # rexmit/s
    # mbufs: none used; sockets: 333 of 1024.
    assert "0/8191" in out and "333/1024" in out and "33%" in out
    assert "\u2588" in out  # a bar


def test_moved_lists_errors_and_drops_that_changed():
    out = text(fed())
    moved = out[out.index("Moved") :]
    # rcvbadsum went from 0 to 3 in the last interval.
    assert "tcps_rcvbadsum" in moved and "+3" in moved
    assert "tcps_drops" in moved and "+2" in moved
    assert "kern.ipc.overload.win_shrunk" in moved and "+7" in moved
    # Counters that moved but are no errors stay out of this panel.
    assert "tcps_sndtotal" not in moved and "tcps_accepts" not in moved


def test_sparklines_follow_history():
    board = dash.Dashboard("ff", 1.0)
    for rx in (0, 100, 200, 400, 800):
        a, b = snap(1), snap(2)
        b.top = top_stats(0, hz=10000, now=20000, rx=1000 + rx, idle=10)
        a.top = top_stats(0, hz=10000, now=10000, rx=1000, idle=5)
        board.feed([a], [b], 1.0)
    assert list(board.hist["rx_pps"]) == [0, 100, 200, 400, 800]
    assert (
        dash.spark([0, 100, 200, 400, 800], 5)
        == "\u2581\u2582\u2583\u2585\u2588"
    )
    assert dash.spark([0, 100, 200, 400, 800], 3) == "\u2583\u2585\u2588"


def test_proc_all_has_a_total_row():
    out = text(fed((0, 1)))
    cpu = out[out.index("CPU") : out.index("Traffic")]
    assert "total" in cpu
    assert "2.0k" in out  # rx pkt/s of both processes


def test_views_switch_on_keys_and_q_quits():
    board = fed()
    assert board.key("2") is True and board.view == "tcp"
    out = text(board)
    assert "TCP connections by state" in out
    assert "SYN_SENT" in out and "FIN_WAIT_2" in out  # every state
    assert "tcps_sndrexmitpack" in out  # TCP counters that moved
    assert board.key("3") and board.view == "counters"
    out = text(board)
    assert "tcps_sndtotal" in out and "+5000" in out
    assert board.key("\t") and board.view == "overview"
    assert board.key("q") is False


@pytest.mark.parametrize("width,height", [(80, 24), (60, 20), (200, 50)])
def test_fits_the_terminal(width, height):
    out = text(fed(), width, height).splitlines()
    assert len(out) <= height
    assert all(len(line) <= width for line in out)
    assert "CPU" in "\n".join(out)


def test_first_interval_is_since_start():
    board = dash.Dashboard("ff", 1.0)
    zero = snap(0)
    board.feed([zero], [snap(3)], 0.0, first=True)
    out = text(board)
    assert "CPU (since start)" in out and "92.4%" in out
    assert "after the first interval" in out


def test_problem_counters():
    assert cnt.is_problem("tcpstat.tcps_rcvbadsum")
    assert cnt.is_problem("tcpxstat.tcpx_noport")
    assert cnt.is_problem("if.f-stack-0.ierrors")
    assert cnt.is_problem("port.rx_dropped")
    assert not cnt.is_problem("tcpstat.tcps_sndtotal")
    assert not cnt.is_problem("if.f-stack-0.ipackets")
    assert cnt.label("tcpstat.tcps_rcvbadsum") == "tcps_rcvbadsum"
    assert cnt.label("arpstat.dropped") == "arpstat.dropped"
