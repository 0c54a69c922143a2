"""[dpdk] profile and timer_slack in a running primary (core/ff_init.c,
core/ff_config_profile.c): helloworld and ff_bench joined by net_memif
(tests/integration/ff_pair.py).

What must hold: ff_run() logs the profile and the values in force, the
profile's sysctl is what the stack reports (net.inet.tcp.delayed_ack 2
for latency, FreeBSD's 1 otherwise), an explicit timer_slack is the
kernel's timer slack of the loop's thread (/proc/PID/timerslack_ns,
proc(5)), and traffic flows with no errors.  No rate or latency is
asserted."""

from pathlib import Path

import pytest

from fstools import testing

from .ff_pair import ROOT, SERVER_ADDR, Pair

HELLO = ROOT / "examples" / "helloworld"
PAGE = 649  # helloworld's keep-alive page (test_bench_live.py)


@pytest.fixture
def pairs(tmp_path):
    made = []

    def factory(profile):
        tmp = tmp_path / str(len(made))
        tmp.mkdir()
        p = Pair(tmp, "net_memif", profile=profile)
        made.append(p)
        return p

    yield factory
    for p in made:
        p.stop()


def _delayed_ack(pair):
    rs = testing.RemoteStack(pair.prefix["server"])
    try:
        rec = rs.sysctl("net.inet.tcp.delayed_ack")
    finally:
        rs.close()
    return rec.decoded


@pytest.mark.parametrize(
    "profile,slack_us,delack",
    [
        ("latency", None, 2),
        ("throughput", None, 1),
        ("latency\ntimer_slack=7", 7, 2),
    ],
)
def test_profile_in_a_running_primary(pairs, profile, slack_us, delack):
    p = pairs(profile)  # Pair puts "profile=..." in [dpdk] as it is
    p.start(HELLO)
    name = profile.split("\n")[0]
    line = [
        x for x in p.log_text().splitlines() if x.startswith("ff: profile")
    ]
    assert len(line) == 1, p.log_text()
    assert line[0].startswith("ff: profile %s: " % name), line
    assert "net.inet.tcp.delayed_ack %d," % delack in line[0], line
    assert _delayed_ack(p) == delack
    slack = int(Path("/proc/%d/timerslack_ns" % p.proc.pid).read_text())
    if slack_us is not None:
        assert slack == slack_us * 1000
        assert "timer_slack %d us" % slack_us in line[0], line
    rc, res, err = p.bench("-n", "4", "-d", "1", "--json", SERVER_ADDR + ":80")
    assert rc == 0, (rc, res, err)
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    assert res["requests"] > 0 and res["bytes"] == res["requests"] * PAGE, res
