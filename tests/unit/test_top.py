"""ff-top: table format, interval arithmetic, JSON keys, exit codes."""

import json

import pytest
from click.testing import CliRunner

from fstools import ipc, top
from fstools.views import top as top_view

HEADER = "|  proc_id|     idle|      sys|      usr|           loop|"


def run(*args):
    return CliRunner().invoke(top.command, list(args))


def samples(make_top, proc, n, loops=13427):
    """n cumulative samples 1 s apart, the first 1 s after the stack
    started: 92.44 % idle, 4 % sys, 3.56 % usr, 1000 rx / 900 tx packets
    of 100 / 1000 bytes per second."""
    return [
        make_top(
            proc,
            loops=loops * i,
            idle=9244 * i,
            sys=400 * i,
            usr=356 * i,
            hz=10000,
            now=10000 * i,
            rx=1000 * i,
            tx=900 * i,
            rxb=100000 * i,
            txb=900000 * i,
        )
        for i in range(1, n + 1)
    ]


def test_table_header_and_row_widths():
    assert top_view.TABLE.header() == HEADER
    rec = {
        "proc_id": 0,
        "idle": 92.44,
        "sys": 4.0,
        "usr": 3.56,
        "loops": 13427,
    }
    assert top_view.table_rows([rec]) == [
        "|        0|   92.44%|    4.00%|    3.56%|          13427|"
    ]


def test_total_row_when_several_processes():
    recs = [
        {
            "proc_id": 0,
            "idle": 92.44,
            "sys": 4.0,
            "usr": 3.56,
            "loops": 13427,
            "rx_pps": 1.0,
            "tx_pps": 2.0,
            "rx_bps": 3.0,
            "tx_bps": 4.0,
        },
        {
            "proc_id": 1,
            "idle": 95.1,
            "sys": 2.9,
            "usr": 2.0,
            "loops": 14002,
            "rx_pps": 1.0,
            "tx_pps": 2.0,
            "rx_bps": 3.0,
            "tx_bps": 4.0,
        },
    ]
    assert top_view.table_rows(recs) == [
        "|        0|   92.44%|    4.00%|    3.56%|          13427|",
        "|        1|   95.10%|    2.90%|    2.00%|          14002|",
        "|    total|  187.54%|    6.90%|    5.56%|          27429|",
    ]


def test_usage_is_per_interval(make_top):
    a, b = samples(make_top, 0, 3)[1:]
    rec = top_view.usage(a, b, wall=1.0)
    assert rec == {
        "proc_id": 0,
        "idle": 92.44,
        "sys": 4.0,
        "usr": 3.56,
        "loops": 13427,
        "rx_pps": 1000.0,
        "tx_pps": 900.0,
        "rx_bps": 800000.0,
        "tx_bps": 7200000.0,
    }


def test_usage_idle_stack_and_restart(make_top):
    a = make_top(0, loops=50, idle=10, hz=0, now=0)
    # No cycles elapsed: 0 %, wall clock for rates.
    rec = top_view.usage(a, a, wall=2.0)
    assert (rec["idle"], rec["sys"], rec["loops"], rec["rx_pps"]) == (
        0.0,
        0.0,
        0,
        0.0,
    )
    # Counters went backwards: the process restarted, count from 0.
    b = make_top(0, loops=7, idle=5, hz=0, rx=4)
    rec = top_view.usage(make_top(0, loops=100, idle=90, rx=10), b, wall=2.0)
    assert rec["loops"] == 7 and rec["idle"] == 100.0 and rec["rx_pps"] == 2.0


def test_cli_plain_table(fake_stack, make_top):
    fake = fake_stack(top={0: samples(make_top, 0, 3)})
    r = run("-n", "2", "-d", "0.5")
    assert r.exit_code == 0, r.output
    # First row since start, at once; then one interval.
    assert r.output == (
        HEADER + "\n"
        "|        0|   92.44%|    4.00%|    3.56%|          13427|\n"
        "|        0|   92.44%|    4.00%|    3.56%|          13427|\n"
    )
    assert fake.sleeps == [0.5]


def test_cli_one_row_needs_no_wait(fake_stack, make_top):
    fake = fake_stack(top={0: samples(make_top, 0, 1)})
    r = run("-n", "1", "--json")
    assert r.exit_code == 0, r.output
    rec = json.loads(r.output)
    assert (rec["idle"], rec["loops"], rec["rx_pps"]) == (92.44, 13427, 1000.0)
    assert fake.sleeps == []


def test_cli_all_processes_total(fake_stack, make_top):
    fake_stack(
        top={0: samples(make_top, 0, 2), 1: samples(make_top, 1, 2)},
        pids=[10, 11],
    )
    r = run("--proc", "all", "-n", "1")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == HEADER
    assert [l.split("|")[1].strip() for l in lines[1:]] == ["0", "1", "total"]
    assert (
        lines[3] == "|    total|  184.88%|    8.00%|    7.12%|          26854|"
    )


def test_cli_json_keys_pinned(fake_stack, make_top):
    fake_stack(top={0: samples(make_top, 0, 3)})
    r = run("--json", "-n", "2")
    assert r.exit_code == 0, r.output
    objs = [json.loads(l) for l in r.output.splitlines()]
    assert len(objs) == 2
    for o in objs:
        assert list(o) == [
            "proc_id",
            "idle",
            "sys",
            "usr",
            "loops",
            "rx_pps",
            "tx_pps",
            "rx_bps",
            "tx_bps",
        ]
    assert objs[0]["idle"] == 92.44 and objs[0]["loops"] == 13427


def test_cli_options_reach_the_stack(fake_stack, make_top):
    fake = fake_stack(top={3: samples(make_top, 3, 2)}, pids=[1, 0, 0, 2])
    r = run("-p", "3", "-P", "web", "--timeout", "0.25", "-n", "1")
    assert r.exit_code == 0, r.output
    assert (fake.made[0].prefix, fake.made[0].timeout) == ("web", 0.25)
    assert r.output.splitlines()[1].startswith("|        3|")


def test_cli_env_defaults(fake_stack, make_top, monkeypatch):
    fake = fake_stack(top={2: samples(make_top, 2, 2)})
    monkeypatch.setenv("FF_FILE_PREFIX", "envpfx")
    monkeypatch.setenv("FF_PROC_ID", "2")
    r = run("-n", "1")
    assert r.exit_code == 0, r.output
    assert fake.made[0].prefix == "envpfx"


def test_cli_no_stack(fake_stack):
    fake_stack(
        attach_error=ipc.NoStackError(
            'no stack is running with file prefix "ff"'
        )
    )
    r = run("-n", "1")
    assert r.exit_code == 1
    assert r.stderr == 'ff-top: no stack is running with file prefix "ff"\n'
    assert r.stdout == ""


def test_cli_timeout_message(fake_stack, make_top):
    fake_stack(
        top={
            0: [
                make_top(0),
                ipc.StackTimeout(
                    'stack process 0 (file prefix "ff") did not answer within 2 s'
                ),
            ]
        }
    )
    r = run("-n", "2")
    assert r.exit_code == 1
    assert r.stderr.startswith("ff-top: stack process 0 ")


def test_cli_ctrl_c_exits_zero(fake_stack, make_top):
    fake_stack(top={0: samples(make_top, 0, 2) + [KeyboardInterrupt()]})
    r = run()
    assert r.exit_code == 0, r.output
    assert r.output.count("|        0|") == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--proc", "x"],
        ["--proc", "32"],
        ["-n", "0"],
        ["-d", "0"],
        ["--bogus"],
        ["--timeout", "0"],
        ["extra"],
    ],
)
def test_cli_bad_usage_exits_2(fake_stack, args):
    fake_stack()
    r = run(*args)
    assert r.exit_code == 2, r.output


def test_help_shows_options_and_examples():
    r = run("--help")
    assert r.exit_code == 0
    for word in (
        "--proc ID|all",
        "--prefix",
        "--json",
        "--timeout",
        "-d, --delay",
        "-n, --count",
        "Examples:",
        "ff-top -n 5",
    ):
        assert word in r.output
