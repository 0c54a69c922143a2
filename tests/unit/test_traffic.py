"""ff-traffic: F-Stack table, CSV snapshot, JSON keys."""

import json

from click.testing import CliRunner

from fstools import traffic
from fstools.views import traffic as traffic_view

RULE = "|" + "|".join(["-" * 20] * 6) + "|"
HEAD = (
    "|          rx packets|            rx bytes|          tx packets|"
    "            tx bytes|          rx_dropped|          tx_dropped|"
)


def run(*args):
    return CliRunner().invoke(traffic.command, list(args))


def series(make_traffic, proc, n, scale=1):
    return [
        make_traffic(
            proc,
            rx=42731 * i * scale,
            rxb=4358562 * i * scale,
            tx=42731 * i * scale,
            txb=30552665 * i * scale,
            rxd=i,
            txd=0,
        )
        for i in range(n)
    ]


def test_table_layout():
    assert traffic_view.TABLE.header() == "\n".join((RULE, HEAD, RULE))
    assert traffic_view.TABLE.row([42731, 4358562, 42731, 30552665, 0, 0]) == (
        "|               42731|             4358562|               42731|"
        "            30552665|                   0|                   0|"
    )


def test_intervals_plain(fake_stack, make_traffic):
    fake = fake_stack(traffic={0: series(make_traffic, 0, 3)})
    r = run("-n", "2")
    assert r.exit_code == 0, r.output
    row = (
        "|               42731|             4358562|               42731|"
        "            30552665|                   1|                   0|"
    )
    assert r.output == "\n".join((RULE, HEAD, RULE, row, row)) + "\n"
    assert fake.sleeps == [1.0, 1.0]


def test_all_processes_are_summed(fake_stack, make_traffic):
    fake_stack(
        traffic={
            0: series(make_traffic, 0, 2),
            1: series(make_traffic, 1, 2, scale=2),
        },
        pids=[5, 6],
    )
    r = run("--proc", "all", "-n", "1")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[3].split("|")[1].strip() == str(3 * 42731)


def test_csv_snapshot(fake_stack, make_traffic):
    fake = fake_stack(
        traffic={
            0: [make_traffic(0, 1, 2, 3, 4, 5, 6)],
            1: [make_traffic(1, 10, 20, 30, 40, 50, 60)],
        },
        pids=[1, 2],
    )
    r = run("-s", "--proc", "all")
    assert r.exit_code == 0, r.output
    assert r.output == (
        "rx_packets,rx_bytes,tx_packets,tx_bytes,"
        "rx_dropped,tx_dropped\n11,22,44,55,33,66\n"
    )
    assert fake.sleeps == []


def test_json_keys_pinned(fake_stack, make_traffic):
    fake_stack(traffic={0: series(make_traffic, 0, 2)})
    r = run("--json", "-n", "1")
    assert r.exit_code == 0, r.output
    obj = json.loads(r.output)
    assert list(obj) == [
        "proc_id",
        "rx_packets",
        "rx_bytes",
        "tx_packets",
        "tx_bytes",
        "rx_dropped",
        "tx_dropped",
    ]
    assert obj["rx_packets"] == 42731


def test_snapshot_json(fake_stack, make_traffic):
    fake_stack(traffic={0: [make_traffic(0, 1, 2, 3, 4, 5, 6)]})
    r = run("-s", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [
        {
            "proc_id": 0,
            "rx_packets": 1,
            "rx_bytes": 2,
            "tx_packets": 4,
            "tx_bytes": 5,
            "rx_dropped": 3,
            "tx_dropped": 6,
        }
    ]


def test_restarted_counters():
    prev = dict(
        proc_id=0,
        rx_packets=100,
        rx_bytes=1000,
        tx_packets=100,
        tx_bytes=1000,
        rx_dropped=5,
        tx_dropped=5,
    )
    cur = dict(prev, rx_packets=3, rx_bytes=300, rx_dropped=6)
    d = traffic_view.delta(prev, cur)
    assert (
        d["rx_packets"],
        d["rx_bytes"],
        d["rx_dropped"],
        d["tx_packets"],
    ) == (3, 300, 1, 0)


def test_no_stack_message(fake_stack):
    from fstools import ipc

    fake_stack(
        attach_error=ipc.NoStackError(
            'no stack is running with file prefix "x"'
        )
    )
    r = run("-P", "x", "-s")
    assert r.exit_code == 1
    assert r.stderr == 'ff-traffic: no stack is running with file prefix "x"\n'


def test_help():
    r = run("--help")
    assert r.exit_code == 0
    assert "-s, --snapshot" in r.output and "Examples:" in r.output
