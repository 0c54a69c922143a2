"""ff-exporter without a stack: the metric-name table against the
library's stats layouts, the exposition of fake samples, one snapshot
per process a scrape, Stack.snapshot's fixed set of messages, and the
command line."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client import CollectorRegistry, generate_latest

from fake_snapshots import snap
from fstools import _ffi, exporter, stack
from fstools.views import exporter as view

TREE = (
    Path(__file__).resolve().parents[1] / "stack" / "data" / "sysctl_tree.tsv"
)


def stats_structs():
    """Every "S,<struct>" the stack exports as a sysctl."""
    out = set()
    for line in TREE.read_text().splitlines():
        if line.startswith("#"):
            continue
        fmt = line.split("\t")[3]
        if fmt.startswith("S,"):
            out.add(fmt[2:])
    return out


def test_every_stats_field_has_a_metric():
    assert set(view.STATS) == stats_structs()
    for struct, table in view.STATS.items():
        layout = _ffi.stats_layout(struct)
        assert layout is not None, struct
        fields = {f for f, _, _ in layout[0]}
        real = {f for f in fields if not f.endswith(("_pad", "spares"))}
        assert set(table) == real, struct


def test_metric_names_follow_prometheus_conventions():
    names = [n for t in view.STATS.values() for n, _ in t.values()]
    names += [n for n, _ in view.IF_COUNTERS.values()]
    names += [n for n, _ in view.PORT_COUNTERS.values()]
    names += [n for n, _ in view.GAUGES.values()]
    assert len(names) == len(set(names))  # one number, one name
    for name in names:
        assert view.NAME_RE.match("ff_" + name), name
        assert name == name.lower(), name
        assert not name.endswith("_total"), name  # the family adds it
        if "bytes" in name:
            assert name.endswith("_bytes"), name  # the unit last
    for table in view.STATS.values():
        for name, help_ in table.values():
            assert help_, name
    assert set(view.IF_COUNTERS) == set(_ffi.IF_COUNTER_NAMES)
    assert view.STATS["tcpstat"]["tcps_sndrexmitpack"][0] == (
        "tcp_retransmitted_segments"
    )


def exposition(snaps):
    class One:
        def collect(self):
            return view.families(snaps)

    reg = CollectorRegistry(auto_describe=False)
    reg.register(One())
    return generate_latest(reg).decode()


def test_exposition_of_two_processes():
    s0, s1 = snap(2, 0, rexmit=30), snap(3, 1, rexmit=5)
    s0.structs["icmpstat"] = {"icps_outhist": [0, 0, 0, 4] + [0] * 37}
    s0.interfaces[0].counters["ierrors"] = 2
    text = exposition([s0, s1])
    lines = set(text.splitlines())
    assert (
        "# TYPE ff_tcp_retransmitted_segments_total counter" in lines
        and 'ff_tcp_retransmitted_segments_total{proc="0"} 30.0' in lines
        and 'ff_tcp_retransmitted_segments_total{proc="1"} 5.0' in lines
    )
    assert "# HELP ff_tcp_retransmitted_segments_total " in text
    assert (
        'ff_interface_receive_errors_total{interface="f-stack-0",proc="0"}'
        " 2.0" in lines
    )
    assert (
        'ff_interface_received_packets_total{interface="f-stack-0",'
        'proc="1"} 3000.0' in lines
    )
    assert 'ff_port_received_packets_total{proc="0"} 2000.0' in lines
    assert 'ff_tcp_connections{proc="0",state="ESTABLISHED"} 20.0' in lines
    assert 'ff_tcp_connections{proc="0",state="TIME_WAIT"} 312.0' in lines
    assert "# TYPE ff_tcp_connections gauge" in lines
    assert 'ff_sockets_open{proc="0"} 333.0' in lines
    assert 'ff_mbufs_free{proc="0"} 8191.0' in lines
    assert 'ff_mbuf_data_bytes{proc="0"} 2048.0' in lines
    # A 64-bit read-only sysctl not in GAUGES: a counter by its name.
    assert 'ff_ipc_overload_win_shrunk_total{proc="1"} 21.0' in lines
    assert 'ff_icmp_sent_messages_total{proc="0",type="3"} 4.0' in lines
    # Cycles as seconds: 400 sys cycles a sample at 10 kHz.
    assert 'ff_cpu_seconds_total{mode="sys",proc="0"} 0.08' in lines
    assert 'ff_loop_iterations_total{proc="1"} 40281.0' in lines


class FakeStack:
    """Stack's duck for the command: counts snapshots."""

    calls = []

    def __init__(self, prefix=None, proc=0, timeout=2.0):
        self.proc = proc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def proc_ids(self, spec):
        return [0, 1]

    def targets(self, writing=False):
        return [self.proc]

    def snapshot(self, proc):
        FakeStack.calls.append(proc)
        return snap(2, proc, rexmit=7)


@pytest.fixture
def fake(monkeypatch):
    FakeStack.calls = []
    monkeypatch.setattr(stack, "Stack", FakeStack)
    return FakeStack


def run(*args):
    return CliRunner().invoke(exporter.command, list(args))


def test_once_is_one_snapshot_per_process(fake):
    r = run("--once")
    assert r.exit_code == 0, r.output
    assert fake.calls == [0, 1]
    assert 'ff_tcp_retransmitted_segments_total{proc="1"} 7.0' in r.output
    fake.calls = []
    r = run("--once", "-p", "1", "--json")
    assert r.exit_code == 0, r.output
    assert fake.calls == [1]
    recs = json.loads(r.output)
    assert {
        "metric": "ff_tcp_retransmitted_segments_total",
        "labels": {"proc": "1"},
        "value": 7.0,
        "type": "counter",
    } in recs


@pytest.mark.parametrize(
    "args",
    [
        ["--json"],
        ["--listen", "9542"],
        ["--listen", "127.0.0.1:http"],
        ["--listen", "127.0.0.1:70000"],
    ],
)
def test_bad_usage_exits_2(fake, args):
    r = run(*args)
    assert r.exit_code == 2, r.output


def test_help_has_examples():
    r = run("--help")
    assert r.exit_code == 0
    for word in ("--listen", "HOST:PORT", "--once", "Examples:", "/metrics"):
        assert word in r.output


def test_snapshot_asks_a_fixed_set_of_messages(monkeypatch):
    """One walk the first time (which nodes hold live values), then per
    snapshot: top, traffic, interfaces and one get per live node;
    nothing that grows with the connections."""
    st = stack.Stack(prefix="none")
    asked = []
    walk = [
        stack.SysctlNode(
            0, "kern.ipc.numopensockets", (1,), 0x80000006, "IU", "", b""
        ),
        stack.SysctlNode(
            0, "kern.ipc.somaxconn", (2,), 0xC0000006, "IU", "", b""
        ),
        stack.SysctlNode(
            0, "net.inet.tcp.stats", (3,), 0xC0002005, "S,tcpstat", "", b""
        ),
        stack.SysctlNode(
            0, "net.inet.tcp.states", (4,), 0x80000005, "QU", "", b""
        ),
        stack.SysctlNode(0, "kern.ostype", (5,), 0x80000003, "A", "", b""),
    ]

    def note(what, result):
        def call(*a, **kw):
            asked.append(what if what != "get" else a[0])
            return result

        return call

    monkeypatch.setattr(st, "sysctl_walk", note("walk", walk))
    monkeypatch.setattr(st, "sysctl", note("get", walk[0]))
    monkeypatch.setattr(st, "top", note("top", None))
    monkeypatch.setattr(st, "traffic", note("traffic", None))
    monkeypatch.setattr(st, "interfaces", note("ifs", []))
    st.snapshot(0)
    first = list(asked)
    asked.clear()
    st.snapshot(0)
    assert first[0] == "walk"
    assert sorted(asked) == sorted(
        [
            "kern.ipc.numopensockets",
            "net.inet.tcp.stats",
            "net.inet.tcp.states",
            "top",
            "traffic",
            "ifs",
        ]
    )
    assert first[1:] == asked
