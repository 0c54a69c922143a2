"""Two stack processes on one net_tap port with two queues, in the test's
namespace: process 0 the DPDK primary, process 1 a secondary, each pinned
to its own CPU (idle_sleep keeps both pollers and Linux on two cores).

- wrk from Linux against helloworld in both: zero errors, and both
  processes transmit (each answers the connections it owns);
- 1,000 outgoing connections from each process (examples/tcp_connect) to
  a Linux echo server: every one echoed;
- the secondary SIGKILLed under load: process 0 goes on serving, new
  connections included; a secondary started again rejoins;
- the tools with --proc all; a change goes to both;
- SIGTERM to the primary stops the secondary too, cleanly."""

import os
import re
import signal
import subprocess
import sys
import time

import pytest


from .conftest import ROOT

STACK = "198.18.0.2"
PEER = "198.18.0.1"

CONFIG = """\
[dpdk]
lcore_mask={mask}
file_prefix={{prefix}}
port_list=0
nb_vdev=1
idle_sleep=100
nb_mbufs=16383

[vdev0]
driver=net_tap
iface={{tap}}
mac={{mac}}

[port0]
addr={{addr}}
netmask=255.255.255.0
broadcast=198.18.0.255
gateway={{peer_addr}}

[freebsd.boot]
hz=1000
"""

ECHO_SERVER = r"""
import asyncio, sys
async def echo(r, w):
    try:
        while data := await r.read(4096):
            w.write(data)
            await w.drain()
    finally:
        w.close()
async def main():
    srv = await asyncio.start_server(echo, sys.argv[1], 7, backlog=1024)
    print("ready", flush=True)
    await srv.serve_forever()
asyncio.run(main())
"""


def two_cpus():
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        pytest.skip("needs two CPUs")
    return "%x" % ((1 << cpus[-2]) | (1 << cpus[-1]))


class Pair:
    """The primary's handle (ff_stack_factory) and the secondary."""

    def __init__(self, prim, program, tmp_path):
        self.prim, self.program, self.tmp = prim, program, tmp_path
        self.sec, self.n = None, 0

    def start_secondary(self):
        self.n += 1
        self.sec_log = self.tmp / ("secondary%d.log" % self.n)
        with open(self.sec_log, "w") as log:
            self.sec = subprocess.Popen(
                [
                    "ip",
                    "netns",
                    "exec",
                    self.prim.ns,
                    str(self.program),
                    "-c",
                    str(self.prim.config),
                    "-p",
                    "1",
                    "-t",
                    "secondary",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        end = time.monotonic() + 30
        while time.monotonic() < end:
            assert self.sec.poll() is None, self.sec_log.read_text()
            try:
                if self.prim.stack.echo(b"x", proc=1) == b"x":
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(0.2)
        raise AssertionError("secondary never answered")

    def stop_secondary(self, sig=signal.SIGTERM):
        if self.sec is not None and self.sec.poll() is None:
            self.sec.send_signal(sig)
            try:
                self.sec.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.sec.kill()
                self.sec.wait(timeout=15)
        return self.sec.returncode

    def traffic(self, proc):
        return self.prim.stack.traffic(proc=proc)


@pytest.fixture
def make_pair(ff_stack_factory, tmp_path):
    made = []

    def make(program="helloworld"):
        prog = ROOT / "examples" / program
        if not prog.exists():
            pytest.skip("examples/%s not built" % program)
        prim = ff_stack_factory(
            program=prog, config=CONFIG.format(mask=two_cpus())
        )
        pair = Pair(prim, prog, tmp_path)
        made.append(pair)
        pair.start_secondary()
        return pair

    yield make
    for pair in made:
        pair.stop_secondary()


def wrk(prim, conns=16, secs=3):
    cp = prim.nsexec(
        "wrk",
        "-t1",
        "-c%d" % conns,
        "-d%ds" % secs,
        "http://%s/" % STACK,
        timeout=secs + 30,
    )
    return cp.stdout


def requests(out):
    return int(re.search(r"(\d+) requests in", out).group(1))


def curl_codes(prim, n):
    return [
        prim.nsexec(
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-m",
            "3",
            "-w",
            "%{http_code}",
            "http://%s/" % STACK,
            check=False,
        ).stdout
        for _ in range(n)
    ]


def test_wrk_served_by_both(make_pair):
    pair = make_pair()
    before = [pair.traffic(p).tx_packets for p in (0, 1)]
    out = wrk(pair.prim)
    assert "Socket errors" not in out and "Non-2xx" not in out, out
    assert requests(out) > 0
    after = [pair.traffic(p).tx_packets for p in (0, 1)]
    # Each process answers the connections it owns on its own queue.
    assert all(a - b > 100 for a, b in zip(after, before)), (before, after)


def test_outgoing_connections_from_both(make_pair, tmp_path, monkeypatch):
    go = tmp_path / "go"
    monkeypatch.setenv("FF_CONNECT_COUNT", "1000")
    monkeypatch.setenv("FF_CONNECT_GO", str(go))
    pair = make_pair("tcp_connect")
    srv = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            pair.prim.ns,
            sys.executable,
            "-c",
            ECHO_SERVER,
            PEER,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert srv.stdout.readline().strip() == "ready"
        go.touch()
        logs = [pair.prim.log, pair.sec_log]
        done = re.compile(
            r"process (\d): (\d+) connections, (\d+) echoed, (\d+) failed"
        )
        end = time.monotonic() + 90
        found = {}
        while time.monotonic() < end and len(found) < 2:
            for log in logs:
                m = done.search(log.read_text(errors="replace"))
                if m:
                    found[int(m.group(1))] = m.groups()[1:]
            time.sleep(0.5)
        assert found == {0: ("1000", "1000", "0"), 1: ("1000", "1000", "0")}, [
            log.read_text(errors="replace")[-2000:] for log in logs
        ]
    finally:
        srv.terminate()
        srv.wait(timeout=15)


def top_rows(prim):
    cp = prim.tool("ff-top", "--proc", "all", "-n", "1")
    assert cp.returncode == 0, cp.stdout + cp.stderr
    top = cp.stdout
    return [
        line.split("|")[1].strip()
        for line in top.splitlines()
        if line.startswith("|")
    ][1:]


def test_secondary_killed_then_restarted(make_pair):
    pair = make_pair()
    load = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            pair.prim.ns,
            "wrk",
            "-t1",
            "-c8",
            "-d3s",
            "http://%s/" % STACK,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)
    served = pair.traffic(0).tx_packets
    assert pair.stop_secondary(signal.SIGKILL) == -signal.SIGKILL
    out = load.communicate(timeout=60)[0]
    assert requests(out) > 0, out
    assert pair.traffic(0).tx_packets > served
    # New connections, wherever the tap puts them: process 0 reads the
    # dead process's queue and takes its flows.
    assert curl_codes(pair.prim, 10) == ["200"] * 10
    # The tools see the one process that runs.
    assert top_rows(pair.prim) == ["0"]
    pair.start_secondary()
    assert top_rows(pair.prim) == ["0", "1", "total"]
    assert curl_codes(pair.prim, 10) == ["200"] * 10
    out = wrk(pair.prim, conns=8, secs=2)
    assert "Socket errors" not in out and "Non-2xx" not in out, out


def test_tools_see_every_process(make_pair):
    pair = make_pair()
    assert top_rows(pair.prim) == ["0", "1", "total"]
    ids = pair.prim.tool(
        "ff-sysctl", "--proc", "all", "net.inet.rss.proc_id", check=True
    )
    assert ids.stdout.split("\n")[:2] == [
        "[0] net.inet.rss.proc_id: 0",
        "[1] net.inet.rss.proc_id: 1",
    ], ids.stdout
    pair.prim.tool("ff-sysctl", "net.inet.ip.ttl=33", check=True)  # to both
    ttl = pair.prim.tool(
        "ff-sysctl", "--proc", "all", "-n", "net.inet.ip.ttl", check=True
    )
    assert ttl.stdout.split() == ["[0]", "33", "[1]", "33"], ttl.stdout


def test_primary_stop_stops_the_secondary(make_pair):
    pair = make_pair()
    prim = pair.prim
    prim.proc.send_signal(signal.SIGTERM)
    assert prim.proc.wait(timeout=30) == 0, prim.log_text()
    assert pair.sec.wait(timeout=30) == 0, pair.sec_log.read_text()
    assert "stopped or died" in pair.sec_log.read_text()
    assert not os.path.exists("/var/run/dpdk/" + prim.prefix), os.listdir(
        "/var/run/dpdk/" + prim.prefix
    )
    assert "still blocked" not in prim.log_text() + pair.sec_log.read_text()
