"""examples/ff_bench against ff servers with no kernel stack between them.

ff_bench and the server are two DPDK primaries (tests/integration/ff_pair.py)
joined by net_memif, or by a veth pair through net_af_xdp.  Every run is a
couple of seconds; only correctness is checked (no errors, every byte the
server sends accounted for), never a rate or a latency.

The reply sizes are helloworld's fixed pages, as its header documents and
as curl sees them from Linux (tests/integration/test_stack_live.py): 649
bytes kept alive, 644 for "Connection: close".
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .ff_pair import ROOT, SERVER_ADDR, Pair

HELLO = ROOT / "examples" / "helloworld"
UDP_ECHO = ROOT / "examples" / "udp_echo"
NETSTAT = Path(sys.executable).parent / "ff-netstat"
PAGE, PAGE_CLOSE = 649, 644


@pytest.fixture
def pair(make_pair):
    def factory(driver="net_memif", program=HELLO):
        return make_pair(program, driver=driver)

    factory.tmp, factory.made = make_pair.tmp, make_pair.made
    return factory


def _ok(rc, res, err):
    assert rc == 0, (rc, res, err)
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    assert res["requests"] > 0, res


def test_memif_keepalive_pipelined(pair):
    p = pair()
    rc, res, err = p.bench(
        "-n", "8", "-D", "4", "-d", "2", "--json", SERVER_ADDR + ":80"
    )
    _ok(rc, res, err)
    assert res["bytes"] == res["requests"] * PAGE, res
    # Closed loop: the 8 connections opened once, not per request.
    assert res["connections_opened"] <= 8, res


def test_memif_connection_per_request(pair):
    p = pair()
    rc, res, err = p.bench(
        "-m", "close", "-n", "4", "-d", "2", "--json", SERVER_ADDR + ":80"
    )
    _ok(rc, res, err)
    assert res["bytes"] == res["requests"] * PAGE_CLOSE, res
    # One connection per request (the reply of each ends it).
    assert res["connections_opened"] >= res["requests"], res


def _server_tcp_stats(p):
    cp = subprocess.run(
        [str(NETSTAT), "--prefix", p.prefix["server"], "-s", "-p", "tcp"]
        + ["--json"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr
    (rec,) = json.loads(cp.stdout)
    return rec["counters"]


def test_memif_ports_coming_round_at_once_pass_time_wait(pair):
    """Connection per request with ff_bench's ephemeral ports cut to 200:
    each comes round within milliseconds, its 4-tuple still in TIME_WAIT
    on the server (helloworld closes first), the new SYN often within the
    same tick of the client's timestamp clock.  RFC 6191: a SYN whose
    timestamp is newer, or equal with a sequence number beyond the old
    connection's (FreeBSD's ISN moves by at least 4096 per connection),
    ends the TIME_WAIT; none is refused (tcps_badsyn: answered with an
    ACK, which cost the client a SYN retransmission one second later)."""
    p = Pair(pair.tmp, "net_memif")
    pair.made.append(p)
    with open(p.config["client"], "a") as f:
        f.write(
            "\n[freebsd.sysctl]\n"
            "net.inet.ip.portrange.first=20000\n"
            "net.inet.ip.portrange.last=20199\n"
        )
    p.start(HELLO)
    rc, res, err = p.bench(
        "-m", "close", "-n", "8", "-d", "2", "--json", SERVER_ADDR + ":80"
    )
    _ok(rc, res, err)
    st = _server_tcp_stats(p)
    assert st["tcps_tw_recycles"] > 0, st  # the ports came round
    assert st["tcps_badsyn"] == 0, st


def test_memif_open_loop_rate(pair):
    """-R: no more requests are answered than came due (rate x time):
    without the rate, 4 connections here do tens of thousands a second."""
    p = pair()
    rc, res, err = p.bench(
        "-n", "4", "-R", "2000", "-d", "2", "--json", SERVER_ADDR + ":80"
    )
    _ok(rc, res, err)
    due = 2000 * res["duration_s"]
    assert res["requests"] <= due + 1, res
    # All 4 connections were set up before the clock started: no request
    # of the run waited for a handshake.
    assert res["connections_opened"] == 0, res
    lat = res["latency_us"]
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p99.9"], lat
    assert lat["p99.9"] <= lat["max"] * 1.02, lat


def test_memif_udp_echo(pair):
    p = pair(program=UDP_ECHO)
    rc, res, err = p.bench(
        "-m", "udp", "-n", "4", "-s", "300", "-d", "2", "--json",
        SERVER_ADDR + ":7",
    )  # fmt: skip
    _ok(rc, res, err)
    assert res["bytes"] == res["requests"] * 300, res


def test_no_server_is_an_error(pair):
    """Nobody on port 81: ff_bench says so and exits 1, it does not hang."""
    p = pair()
    rc, res, err = p.bench("-w", "2", "-d", "1", "--json", SERVER_ADDR + ":81")
    assert rc == 1, (rc, res, err)
    assert "no reply from 198.18.0.1:81" in err
    assert res["requests"] == 0 and res["errors"]["connect"] == 1, res


@pytest.mark.parametrize("driver", ["net_af_xdp", "net_af_packet"])
def test_veth_keepalive(pair, driver):
    try:
        p = pair(driver)
    except RuntimeError as e:
        if driver == "net_af_xdp" and "net_af_xdp" in str(e):
            pytest.skip("no AF_XDP socket on a veth here: %s" % e)
        raise
    rc, res, err = p.bench(
        "-n", "4", "-D", "2", "-d", "2", "--json", SERVER_ADDR + ":80"
    )  # fmt: skip
    _ok(rc, res, err)
    assert res["bytes"] == res["requests"] * PAGE, res


def test_wrong_reply_is_an_error(pair):
    """An echo server sends the request back, not an HTTP reply: a read
    error, exit status 1, no request counted."""
    p = pair(program=ROOT / "examples" / "tcp_echo")
    rc, res, err = p.bench("-w", "5", "-d", "1", "--json", SERVER_ADDR + ":7")
    assert rc == 1, (rc, res, err)
    assert "does not answer as asked" in err
    assert res["requests"] == 0 and res["errors"]["read"] == 1, res
