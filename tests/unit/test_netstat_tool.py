"""ff-netstat: every output mode against FreeBSD 13's netstat(1)
formats (the F-Stack 1.25 captures in the reference for -an and -s; the
printf widths of FreeBSD's inet.c / if.c for the others), --json keys
pinned; in-process over a fake Stack.  Live: tests/integration/
test_netstat_live.py; the export itself: tests/stack/test_netstat.py."""

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from fstools import netstat, stack
from fstools.records.iface import Address, Interface
from fstools.records.netstat import Connection, SockBuf
from fstools.views import netstat as view

SB = SockBuf(
    cc=0,
    hiwat=65536,
    lowat=1,
    mbcnt=0,
    mbmax=524288,
    mcnt=0,
    ccnt=0,
    flags=0,
    state=0,
)

LISTEN = Connection(
    proc_id=0,
    pid=4242,
    proto="tcp",
    gencnt=1,
    laddr="0.0.0.0",
    lport=80,
    faddr="0.0.0.0",
    fport=0,
    flags=0,
    flowid=0,
    flowtype=0,
    fd=3,
    so_options=2,
    so_state=0,
    so_error=0,
    qlen=2,
    incqlen=1,
    qlimit=512,
    rcv=SB,
    snd=SB,
    state=1,
    t_flags=0,
    cwnd=0,
    ssthresh=0,
    maxseg=536,
    snd_wnd=0,
    rcv_wnd=0,
    srtt_us=0,
    rttvar_us=0,
    rto_us=1000000,
    rxtshift=0,
    sndrexmitpack=0,
    rcvoopack=0,
    sndzerowin=0,
    tt_rexmt=0,
    tt_persist=0,
    tt_keep=0,
    tt_2msl=0,
    tt_delack=0,
    rcvtime=1500,
    cc="",
)
EST = replace(
    LISTEN,
    gencnt=2,
    laddr="198.18.0.2",
    faddr="198.18.0.1",
    fport=40652,
    fd=5,
    so_options=0,
    qlen=0,
    incqlen=0,
    qlimit=0,
    state=4,
    rcv=replace(SB, cc=36, mcnt=1, ccnt=1, mbcnt=2176),
    snd=replace(SB, cc=649),
    flowid=0xDEADBEEF,
    flowtype=191,
    cwnd=14600,
    ssthresh=1073725440,
    maxseg=1460,
    srtt_us=250,
    rttvar_us=125,
    rto_us=200000,
    sndrexmitpack=3,
    rcvoopack=7,
    sndzerowin=1,
    tt_rexmt=210,
    tt_keep=7199990,
    rcvtime=10,
    cc="newreno",
)
TW = replace(
    EST,
    gencnt=3,
    fport=40640,
    state=10,
    fd=-1,
    tt_keep=0,
    tt_rexmt=0,
    tt_2msl=1990,
    rcv=SB,
    snd=SB,
)
UDP = replace(
    LISTEN,
    proto="udp",
    gencnt=1,
    laddr="127.0.0.1",
    lport=5353,
    state=-1,
    qlimit=0,
    qlen=0,
    incqlen=0,
    cc="",
    fd=7,
)

IFACES = [
    Interface(
        proc_id=0,
        name="f-stack-0",
        index=2,
        type=6,
        link_state=2,
        flags=0x8843,
        mtu=1500,
        metric=0,
        capenable=3,
        lladdr="02:18:00:00:00:02",
        addrs=(Address("198.18.0.2", "255.255.255.0", "198.18.0.255", 0),),
        counters=dict(
            ipackets=120,
            ierrors=0,
            opackets=118,
            oerrors=0,
            collisions=0,
            ibytes=12000,
            obytes=11800,
            imcasts=0,
            omcasts=0,
            iqdrops=2,
            oqdrops=1,
            noproto=0,
        ),
    )
]

TCPSTAT = {f: 0 for f in ("tcps_sndtotal", "tcps_sndpack", "tcps_sndbyte")}


class Fake:
    """A Stack with canned answers per process."""

    conns = {0: {"tcp": [LISTEN, EST, TW], "udp": [UDP]}}
    stats = {}
    zeroed = []
    ifaces = IFACES
    sysctls = {
        "kern.ipc.nmbufs": 8192,
        "kern.ipc.mclbytes": 2048,
        "kern.ipc.overload.mbufs_free": 8000,
        "kern.ipc.numopensockets": 3,
        "kern.ipc.maxsockets": 262144,
        "net.inet.tcp.pcbcount": 3,
        "net.inet.tcp.states": [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1],
    }

    def __init__(self, prefix=None, proc=0, timeout=2.0):
        self.proc = proc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def targets(self, writing=False):
        return [0, 1] if self.proc == "all" else [0]

    def connections(self, proto, proc=None):
        return list(Fake.conns.get(proc, {}).get(proto, []))

    def iter_connections(self, proto, proc=None):
        return iter(self.connections(proto, proc))

    def sysctl(self, name, proc=None):
        class N:
            decoded = Fake.stats.get(name, Fake.sysctls.get(name, {}))

        return N()

    def stats_zero(self, name, proc=None):
        Fake.zeroed.append((name, proc))

    def interfaces(self, name=None, proc=None):
        return [i for i in Fake.ifaces if name in (None, i.name)]

    def routes(self, proc=None):
        return [
            stack.Route(
                proc_id=0,
                destination="0.0.0.0",
                netmask="0.0.0.0",
                gateway="198.18.0.1",
                flags=0x843,
                interface="f-stack-0",
                index=2,
                mtu=1500,
                weight=1,
                expire=0,
                use=0,
            ),
            stack.Route(
                proc_id=0,
                destination="198.18.0.0",
                netmask="255.255.255.0",
                gateway=None,
                flags=0x100041,
                interface="f-stack-0",
                index=2,
                mtu=1500,
                weight=1,
                expire=0,
                use=0,
            ),
        ]


@pytest.fixture(autouse=True)
def fake(monkeypatch):
    import time

    monkeypatch.setattr(stack, "Stack", Fake)
    monkeypatch.setattr(time, "sleep", lambda s: None)
    Fake.zeroed = []
    Fake.stats = {}
    return Fake


def run(*args):
    r = CliRunner().invoke(netstat.command, list(args))
    return r.exit_code, r.output


def test_an_matches_freebsd():
    code, out = run("-an")
    assert code == 0
    assert out.splitlines() == [
        "Active Internet connections (including servers)",
        "Proto Recv-Q Send-Q Local Address          Foreign Address"
        "        (state)",
        "tcp4       0      0 198.18.0.2.80          198.18.0.1.40640"
        "       TIME_WAIT",
        "tcp4      36    649 198.18.0.2.80          198.18.0.1.40652"
        "       ESTABLISHED",
        "tcp4       0      0 *.80                   *.*"
        "                    LISTEN",
        "udp4       0      0 127.0.0.1.5353         *.*",
    ]


def test_without_a_no_listeners_and_port_names():
    code, out = run()
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Active Internet connections"
    # The local port is named from /etc/services, the foreign one (a
    # different port) stays a number, as FreeBSD's inetprint() does.
    assert lines[2].startswith("tcp4       0      0 198.18.0.2.http")
    assert "198.18.0.1.40640" in lines[2]
    assert not any("LISTEN" in x for x in lines)
    assert len(lines) == 5  # two TCP, the UDP socket on 127.0.0.1


def test_listen_queues():
    code, out = run("-aLn", "-p", "tcp")
    assert out.splitlines() == [
        "Current listen queue sizes (qlen/incqlen/maxqlen)",
        "Proto Listen                           Local Address",
        "tcp4  2/1/512                          *.80",
    ]


def test_T_x_R_C_columns():
    _, out = run("-anT", "-p", "tcp")
    lines = out.splitlines()
    assert lines[1] == (
        "Proto Rexmit OOORcv 0-win  Local Address          Foreign Address"
    )
    assert lines[3] == (
        "tcp4       3      7      1 198.18.0.2.80          198.18.0.1.40652"
    )
    _, out = run("-anx", "-p", "tcp")
    lines = out.splitlines()
    assert lines[1].split()[7:] == [
        "R-MBUF",
        "S-MBUF",
        "R-CLUS",
        "S-CLUS",
        "R-HIWA",
        "S-HIWA",
        "R-LOWA",
        "S-LOWA",
        "R-BCNT",
        "S-BCNT",
        "R-BMAX",
        "S-BMAX",
        "rexmt",
        "persist",
        "keep",
        "2msl",
        "delack",
        "rcvtime",
    ]
    est = lines[3]
    assert est.endswith(
        "     1      0      1      0  65536  65536      1      1   2176"
        "      0 524288 524288    0.21    0.00 7199.99    0.00    0.00"
        "    0.01"
    )
    _, out = run("-anR", "-p", "tcp")
    lines = out.splitlines()
    assert lines[1].endswith("  flowid ftype proc     pid   fd")
    assert lines[3].endswith(" deadbeef   191    0    4242    5")
    assert lines[2].endswith("   191    0    4242    -")  # TIME_WAIT
    _, out = run("-anC", "-p", "tcp")
    lines = out.splitlines()
    assert lines[1].endswith(
        "(state)     CC                     cwnd   ssthresh     srtt"
        "   rttvar      rto"
    )
    assert lines[3].endswith(
        "ESTABLISHED newreno               14600 1073725440    0.250"
        "    0.125  200.000"
    )


def test_A_and_W_widths():
    _, out = run("-anA", "-p", "tcp")
    lines = out.splitlines()
    assert lines[1].startswith(
        "Tcpcb            Proto Recv-Q Send-Q"
        " Local Address      Foreign Address"
    )
    assert lines[3].startswith(
        "               2 tcp4      36    649 "
        "198.18.0.2.80      198.18.0.1.40652   "
    )
    # -W: a long address is not cut.
    Fake.conns = {
        0: {"tcp": [replace(EST, faddr="198.18.100.200", fport=65000)]}
    }
    try:
        _, cut = run("-an", "-p", "tcp")
        _, wide = run("-anW", "-p", "tcp")
    finally:
        Fake.conns = {0: {"tcp": [LISTEN, EST, TW], "udp": [UDP]}}
    assert "198.18.100.200.65000 " in wide
    assert "198.18.100.200.65000 " in cut  # 21 characters fit in 22


def test_proc_all_adds_a_process_column():
    Fake.conns = {0: {"tcp": [EST]}, 1: {"tcp": [replace(EST, proc_id=1)]}}
    try:
        _, out = run("-an", "-p", "tcp", "--proc", "all")
    finally:
        Fake.conns = {0: {"tcp": [LISTEN, EST, TW], "udp": [UDP]}}
    lines = out.splitlines()
    assert lines[1].startswith("Proc Proto Recv-Q")
    assert [x[:5] for x in lines[2:]] == ["0    ", "1    "]


def test_json_keys_pinned():
    code, out = run("-an", "--json", "-p", "tcp")
    recs = json.loads(out)
    assert len(recs) == 3
    assert tuple(recs[0]) == view.CONN_JSON_KEYS
    assert view.CONN_JSON_KEYS[:8] == (
        "proc_id",
        "pid",
        "proto",
        "gencnt",
        "laddr",
        "lport",
        "faddr",
        "fport",
    )
    assert recs[1]["state_name"] == "ESTABLISHED"
    assert recs[1]["rcv"]["cc"] == 36


def _tcpstat(**kw):
    layout = {name: 0 for _, fields, _ in view.TCP_LINES for name in fields}
    layout.update(kw)
    return layout


def test_s_tcp_wording_and_plurals():
    Fake.stats = {
        "net.inet.tcp.stats": _tcpstat(
            tcps_sndtotal=533419,
            tcps_sndpack=380316,
            tcps_sndbyte=246570094,
            tcps_sndacks=102076,
            tcps_sndctrl=1,
            tcps_accepts=51075,
            tcps_closed=50947,
            tcps_drops=74,
            tcps_rcvackpack=1,
            tcps_rcvackbyte=1,
        )
    }
    code, out = run("-s", "-p", "tcp")
    lines = out.splitlines()
    # The F-Stack 1.25 capture's lines (FreeBSD 13's wording).
    assert lines[:4] == [
        "tcp:",
        "\t533419 packets sent",
        "\t\t380316 data packets (246570094 bytes)",
        "\t\t0 data packets (0 bytes) retransmitted",
    ]
    assert "\t\t102076 ack-only packets (0 delayed)" in lines
    assert "\t\t1 control packet" in lines  # singular
    assert "\t\t1 ack (for 1 byte)" in lines
    assert "\t51075 connection accepts" in lines
    assert "\t50947 connections closed (including 74 drops)" in lines
    assert "\t0 syncache entries added" in lines
    assert "\t0 connections in CLOSED state" in lines
    code, out = run("-ss", "-p", "tcp")
    assert out.splitlines() == [
        "tcp:",
        "\t533419 packets sent",
        "\t\t380316 data packets (246570094 bytes)",
        "\t\t102076 ack-only packets (0 delayed)",
        "\t\t1 control packet",
        "\t\t1 ack (for 1 byte)",
        "\t51075 connection accepts",
        "\t50947 connections closed (including 74 drops)",
        # FreeBSD 13's by-state block, from net.inet.tcp.states.
        "TCP connection count by state:",
        "\t1 connection in LISTEN state",
        "\t1 connection in ESTABLISHED state",
        "\t1 connection in TIME_WAIT state",
    ]


def test_s_udp_icmp_arp_and_json():
    Fake.stats = {
        "net.inet.udp.stats": {
            "udps_ipackets": 10,
            "udps_noport": 3,
            "udps_opackets": 1,
        },
        "net.inet.icmp.stats": {
            "icps_reflect": 2,
            "icps_inhist": [0] * 8 + [2] + [0] * 32,
            "icps_outhist": [2] + [0] * 40,
        },
        "net.link.ether.arp.stats": {"txreplies": 1, "rxreplies": 2},
    }
    _, out = run("-ss", "-p", "udp")
    assert out.splitlines() == [
        "udp:",
        "\t10 datagrams received",
        "\t3 dropped due to no socket",
        "\t7 delivered",
        "\t1 datagram output",
    ]
    _, out = run("-ss", "-p", "icmp")
    assert out.splitlines() == [
        "icmp:",
        "\tOutput histogram:",
        "\t\techo reply: 2",
        "\tInput histogram:",
        "\t\techo: 2",
        "\t2 message responses generated",
    ]
    _, out = run("-ss", "-p", "arp")
    assert out.splitlines() == [
        "arp:",
        "\t1 ARP reply sent",
        "\t2 ARP replies received",
    ]
    _, out = run("-s", "-p", "udp", "--json")
    (rec,) = json.loads(out)
    assert tuple(rec) == view.STATS_JSON_KEYS
    assert rec["counters"]["udps_ipackets"] == 10


def test_z_zeroes_after_showing():
    code, _ = run("-s", "-z", "-p", "tcp")
    assert code == 0
    assert Fake.zeroed == [("net.inet.tcp.stats", 0)]


def test_rn_freebsd_columns():
    _, out = run("-rn")
    assert out.splitlines() == [
        "Routing tables",
        "",
        "Internet:",
        # Netif widened to fit "f-stack-0" (FreeBSD's -W look).
        "Destination        Gateway            Flags      Netif Expire",
        "default            198.18.0.1         UGS    f-stack-0",
        "198.18.0.0/24      link#2             U      f-stack-0",
    ]


def test_i_and_flags():
    _, out = run("-i")
    assert out.splitlines() == [
        "Name    Mtu Network       Address              Ipkts Ierrs Idrop"
        "    Opkts Oerrs  Coll",
        "f-sta  1500 <Link#2>      02:18:00:00:00:02      120     0     2"
        "      118     0     0",
        "f-sta  1500 198.18.0.0/24 198.18.0.2               -     -     -"
        "        -     -     -",
    ]
    _, out = run("-i", "-b", "-d", "-W")
    lines = out.splitlines()
    assert lines[0].endswith("Ibytes    Opkts Oerrs     Obytes  Coll  Drop")
    assert lines[1].startswith("f-stack-0         1500 <Link#2>")
    assert lines[1].endswith("12000      118     0      11800     0     1")
    _, out = run("-I", "f-stack-0", "--json")
    recs = json.loads(out)
    assert tuple(recs[0]) == view.IF_JSON_KEYS and recs[0]["ipackets"] == 120


def test_humanize():
    assert view.humanize(999, 5) == "999"
    assert view.humanize(123456, 5) == "123K"
    assert view.humanize(1234567, 5) == "1.2M"


def test_w_q_lines(monkeypatch):
    counts = iter([100, 1100, 3100])

    def interfaces(self, name=None, proc=None):
        n = next(counts)
        k = dict(
            IFACES[0].counters,
            ipackets=n,
            opackets=n,
            ibytes=n * 100,
            obytes=n * 100,
        )
        return [replace(IFACES[0], counters=k)]

    monkeypatch.setattr(Fake, "interfaces", interfaces)
    code, out = run("-w", "1", "-q", "3")
    assert code == 0
    assert out.splitlines() == [
        "            input        (Total)           output",
        "   packets  errs     idrops      bytes    packets  errs      bytes"
        " colls",
        "       100     0          2      10000        100     0      10000"
        "     0",
        "      1000     0          0     100000       1000     0     100000"
        "     0",
        "      2000     0          0     200000       2000     0     200000"
        "     0",
    ]


def test_m():
    _, out = run("-m")
    assert out.splitlines() == [
        "192/8000/8192 mbufs in use (current/cache/total)",
        "192/8000/8192/8192 mbuf clusters in use (current/cache/total/max)",
        "384K/16000K/16384K bytes allocated to network (current/cache/total)",
        "3/262144 sockets in use (current/max)",
        "3 TCP control blocks in use",
    ]
    _, out = run("-m", "--json")
    assert tuple(json.loads(out)[0]) == view.MBUF_JSON_KEYS


def test_m_names_jumbo_clusters(monkeypatch):
    """A pool of buffers that hold a 9000-byte MTU's frame (9216 bytes of
    data) is FreeBSD's "9k jumbo clusters"; the bytes count them."""
    monkeypatch.setattr(
        Fake, "sysctls", dict(Fake.sysctls, **{"kern.ipc.mclbytes": 9216})
    )
    _, out = run("-m")
    assert out.splitlines()[1:3] == [
        "192/8000/8192/8192 9k jumbo clusters in use "
        "(current/cache/total/max)",
        "1728K/72000K/73728K bytes allocated to network (current/cache/total)",
    ]


def test_watch_refuses_json_and_a_pipe():
    code, out = run("-an", "--watch", "--json")
    assert code == 2
    code, out = run("-an", "--watch")
    assert code == 2 and "needs a terminal" in out


def test_help_has_examples():
    code, out = run("--help")
    assert code == 0 and "ff-netstat -an" in out and "--wait WAIT" in out


def test_stack_sets_every_connection_field():
    """fstools.stack builds Connection without __init__ (speed): every
    field must come from the record, none left unset."""
    from dataclasses import fields

    names = {f.name for f in fields(Connection)}
    made = {n for n, _ in stack._CONN_FIELDS} | {
        "proto",
        "state",
        "rcv",
        "snd",
    }
    assert made == names
    assert stack._SB_NAMES == tuple(f.name for f in fields(SockBuf))
    from fstools import _ffi

    assert tuple(n[3:] for n in _ffi._SB_FIELDS) == stack._SB_NAMES


def test_n_rows_equal_the_general_rows():
    """-an's rows are made by a shortcut (one format a row, for 100,000
    connections): for every kind of row it equals socket_row(), the
    general path the other golden tests pin."""
    conns = [LISTEN, EST, TW, UDP]
    for state in range(-1, 12):
        conns.append(replace(EST, state=state))
    conns += [
        replace(EST, laddr="255.255.255.255", lport=65535, fport=65535),
        replace(EST, faddr="0.0.0.0", fport=0, rcv=replace(SB, cc=10**7)),
        replace(UDP, laddr="0.0.0.0", lport=0),
        replace(UDP, faddr="198.18.0.1", fport=53),
        replace(EST, laddr="10.0.0.1", lport=1),
    ]
    for a in (False, True):
        o = view.SocketOptions(a=a, n=True)
        general = [view.socket_row(c, o) for c in conns if view.shown(c, o)]
        assert view._numeric_rows(conns, o) == general
        assert view.socket_lines(conns, o)[2:] == general
    # The anonymous-port rule and port names are the general path's.
    o = view.SocketOptions(a=True)
    assert view.socket_lines(conns, o)[2:] == [
        view.socket_row(c, o) for c in conns
    ]
