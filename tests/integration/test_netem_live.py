"""TCP under loss and delay: examples/tcp_echo moves 100 MB both ways at
once (the client's 100 MB in, the same 100 MB echoed back) with matching
SHA-256 checksums, while everything the Linux side sends to the stack,
data and ACKs, is delayed by 20 ms and 1 % of it lost; what the stack
sends reaches Linux at once and whole.  That is the issue's "netem on the
Linux side": one-way 20 ms delay, so a 20 ms round trip.

Two ways to make that link, the same impairment either way:

- netem, where the kernel has sch_netem: ``tc qdisc add dev <tap> root
  netem loss 1% delay 20ms`` on the kernel end of the stack's tap, which
  is also the Linux side (198.18.0.1).
- lossy_link (tests/integration/lossy_link.c, built here with cc), where
  it has not (or with FF_TEST_LOSSY_LINK=1): the tap gets no address; a
  veth pair joins the stack's namespace (vA) to a second namespace of the
  test (vB, 198.18.0.1/24, its own MAC: the Linux side), and lossy_link
  bridges the tap and vA with AF_PACKET sockets, dropping 1 % of the
  frames from vA to the tap and delaying the rest by 20 ms (nothing lost
  or delayed towards vB).  vB's checksum and segmentation offloads are
  off, so every frame it sends is a complete frame on the wire.  The
  counters lossy_link prints when stopped must show the 1 % loss.

Time depends on the Linux side's congestion control, which a namespace
takes from the host (printed with the result; FF_TEST_NETEM_CC=cubic
forces one on the client's socket).  A loss-based one is held to
MSS/RTT * 1.22/sqrt(p) = 1460 B / 20 ms * 12.2 = 0.9 MB/s (Mathis et
al.): measured on the 2-core VM, CUBIC took 139.5 s through the stack
and 142.5 s for 100 MB one way Linux to Linux on the same lossy_link:
the formula's limit, not the stack's.  With BBR (this VM's default),
which does not back off for random loss, it takes 13 to 15 s, with
about 0.95 % of Linux's segments retransmitted (the 1 % loss; 26 s and
13 % while the reassembly queue dropped in-window segments; more than
4 % fails the test).  Both fit the bound of 180 s (LIMIT_S); the size
stays at the issue's 100 MB.
The time taken is printed (pytest -s).  Everything lives in namespaces
the test creates and goes with them; lossy_link is stopped by its PID."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from .conftest import PEER_ADDR, ROOT, run
from .test_tcp_live import ECHO, STACK

SIZE = 100 * 1024 * 1024
LIMIT_S = 180
LOSS_PCT = 1
DELAY_MS = 20
# The Linux side's congestion control: its namespace's default unless
# FF_TEST_NETEM_CC names one (set on the socket with TCP_CONGESTION).
LINUX_CC = os.environ.get("FF_TEST_NETEM_CC", "")
# Run before ECHO: its socket gets LINUX_CC, and the one in use goes to
# stderr ("cc <name>").
CC_PRELUDE = r"""
import socket, sys
_connect = socket.create_connection
def _create_connection(*a, **k):
    s = _connect(*a, **k)
    if %r:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, %r)
    cc = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, 16)
    print("cc", cc.rstrip(b"\0").decode(), file=sys.stderr)
    return s
socket.create_connection = _create_connection
""" % (LINUX_CC, LINUX_CC.encode())
LOSSY_SRC = os.path.join(os.path.dirname(__file__), "lossy_link.c")
WARNS = [
    "-Wall",
    "-Wextra",
    "-Wshadow",
    "-Wstrict-prototypes",
    "-Wmissing-prototypes",
    "-Wpointer-arith",
    "-Werror",
]


@pytest.fixture(scope="module")
def lossy_link(tmp_path_factory):
    """lossy_link.c compiled into a temporary directory."""
    cc = os.environ.get("CC", "cc")
    if shutil.which(cc) is None:
        pytest.skip("no C compiler to build lossy_link")
    exe = tmp_path_factory.mktemp("lossy") / "lossy_link"
    cp = run(
        [
            cc,
            "-O2",
            "-std=gnu11",
            "-D_GNU_SOURCE",
            *WARNS,
            LOSSY_SRC,
            "-o",
            str(exe),
        ],
        check=False,
    )
    assert cp.returncode == 0, cp.stderr
    return exe


def _try_netem(prim):
    """netem on the kernel end of the tap; False if the kernel has none."""
    if (
        os.environ.get("FF_TEST_LOSSY_LINK") == "1"
        or shutil.which("tc") is None
    ):
        return False
    cp = prim.nsexec(
        "tc",
        "qdisc",
        "add",
        "dev",
        prim.tap,
        "root",
        "netem",
        "loss",
        "%d%%" % LOSS_PCT,
        "delay",
        "%dms" % DELAY_MS,
        "limit",
        "10000",
        check=False,
    )
    if cp.returncode != 0 and "qdisc kind is unknown" in cp.stderr:
        return False
    assert cp.returncode == 0, cp.stderr
    out = prim.nsexec("tc", "qdisc", "show", "dev", prim.tap).stdout
    assert "netem" in out and "loss %d%%" % LOSS_PCT in out, out
    return True


class LossyLink:
    """The second namespace, the veth pair and the lossy_link process."""

    def __init__(self, prim, exe, log):
        self.prim = prim
        self.ns = prim.ns + "-l"  # the Linux side
        self.va, self.vb = "vA", "vB"
        self.log = log
        self.proc = None
        self.counters = {}
        # The peer's MAC with another third octet: unlike the tap's.
        m = prim.peer_mac.split(":")
        self.mac = ":".join(m[:2] + ["01"] + m[3:])
        self.exe = exe

    def start(self):
        prim, ns = self.prim, self.ns
        run(["ip", "netns", "add", ns])
        run(
            [
                "ip",
                "-n",
                prim.ns,
                "link",
                "add",
                self.va,
                "type",
                "veth",
                "peer",
                "name",
                self.vb,
                "netns",
                ns,
            ]
        )
        # No IPv6 chatter from the bridge ports of the stack's namespace.
        prim.nsexec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        run(["ip", "-n", prim.ns, "link", "set", self.va, "up"])
        run(["ip", "-n", ns, "link", "set", self.vb, "address", self.mac])
        run(
            [
                "ip",
                "netns",
                "exec",
                ns,
                "ethtool",
                "-K",
                self.vb,
                "tx",
                "off",
                "tso",
                "off",
                "gso",
                "off",
            ]
        )
        run(["ip", "-n", ns, "addr", "add", PEER_ADDR + "/24", "dev", self.vb])
        run(["ip", "-n", ns, "link", "set", self.vb, "up"])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        with open(self.log, "w") as logf:
            self.proc = subprocess.Popen(
                [
                    "ip",
                    "netns",
                    "exec",
                    prim.ns,
                    str(self.exe),
                    "-s",
                    "1",
                    "-L",
                    str(LOSS_PCT),
                    "-D",
                    str(DELAY_MS),
                    prim.tap,
                    self.va,
                ],
                stdout=logf,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        end = time.monotonic() + 10
        while "queue" not in self.log_text():
            assert self.proc.poll() is None, self.log_text()
            assert time.monotonic() < end, self.log_text()
            time.sleep(0.02)

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def nsexec(self, *cmd, check=True, timeout=60):
        return run(
            ["ip", "netns", "exec", self.ns, *cmd],
            check=check,
            timeout=timeout,
        )

    def stop(self):
        """SIGTERM by PID, wait, parse the counters; remove our netns."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        run(["ip", "netns", "del", self.ns], check=False)
        for m in re.finditer(r"^(\S+)>(\S+) (rx .*)$", self.log_text(), re.M):
            words = m.group(3).split()
            self.counters[m.group(1)] = dict(
                zip(words[::2], map(int, words[1::2]))
            )
        return self.counters


def _ping_min_rtt(nsexec):
    """The smallest RTT (ms) of a few pings from the Linux side."""
    cp = nsexec(
        "ping",
        "-c",
        "10",
        "-i",
        "0.1",
        "-W",
        "2",
        STACK,
        check=False,
        timeout=30,
    )
    m = re.search(r"rtt min/avg/max/mdev = ([\d.]+)/", cp.stdout)
    assert m, cp.stdout + cp.stderr
    return float(m.group(1))


def _linux_tcp_stats(nsexec):
    """Linux's loss-recovery counters in its namespace (nstat), for the
    report: retransmissions, recoveries, and cwnd reductions undone."""
    want = (
        "TcpOutSegs",
        "TcpRetransSegs",
        "TcpExtTCPSackRecovery",
        "TcpExtTCPLossProbes",
        "TcpExtTCPTimeouts",
        "TcpExtTCPFullUndo",
        "TcpExtTCPPartialUndo",
        "TcpExtTCPDSACKUndo",
        "TcpExtTCPLossUndo",
        "TcpExtTCPSpuriousRTOs",
        "TcpExtTCPDSACKRecv",
    )
    if shutil.which("nstat") is None:
        return {}
    cp = nsexec("nstat", "-asz", check=False)
    got = {}
    for line in cp.stdout.splitlines():
        w = line.split()
        if len(w) >= 2 and w[0] in want:
            got[w[0]] = w[1]
    return got


def test_echo_100mb_under_loss_and_delay(make_primary, lossy_link, tmp_path):
    prim = make_primary(
        program=ROOT / "examples" / "tcp_echo", peer_addr=False
    )
    link = None
    if _try_netem(prim):
        how = "netem"
        run(
            [
                "ip",
                "-n",
                prim.ns,
                "addr",
                "add",
                PEER_ADDR + "/24",
                "dev",
                prim.tap,
            ]
        )
        nsexec = prim.nsexec
    else:
        how = "lossy_link"
        if shutil.which("ethtool") is None:
            why = (
                "no netem and no ethtool (lossy_link needs vB's offloads off)"
            )
            if os.environ.get("CI"):
                pytest.fail(why)
            pytest.skip(why)
        link = LossyLink(prim, lossy_link, tmp_path / "lossy_link.log")
        nsexec = link.nsexec
    try:
        if link is not None:
            link.start()
        rtt = _ping_min_rtt(nsexec)
        assert DELAY_MS <= rtt < DELAY_MS + 15, rtt
        t0 = time.monotonic()
        try:
            cp = nsexec(
                sys.executable,
                "-c",
                CC_PRELUDE + ECHO,
                str(SIZE),
                check=False,
                timeout=LIMIT_S,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(
                "100 MB each way under %s did not finish in %d s"
                % (how, LIMIT_S)
            )
        took = time.monotonic() - t0
        linux = _linux_tcp_stats(nsexec)
    finally:
        counters = link.stop() if link is not None else {}
    m = re.search(r"^cc (\S+)$", cp.stderr, re.M)
    print(
        "\n%d MB each way under %s loss %d%% delay %d ms (ping min rtt "
        "%.1f ms), Linux cc %s: %.1f s, %.2f MB/s each way"
        % (
            SIZE >> 20,
            how,
            LOSS_PCT,
            DELAY_MS,
            rtt,
            m.group(1) if m else "?",
            took,
            SIZE / took / 1e6,
        )
    )
    print("  Linux side: " + " ".join("%s %s" % kv for kv in linux.items()))
    if link is not None:
        print(link.log_text().rstrip())
    assert cp.stdout.split() == [str(SIZE), "True"], (
        cp.stdout + cp.stderr + prim.log_text()
    )
    assert took < LIMIT_S, "took %.1f s" % took
    if "TcpRetransSegs" in linux and "TcpOutSegs" in linux:
        # Linux resends what was lost on the way (1 %), not what the
        # stack threw away or made it believe lost.
        resent = int(linux["TcpRetransSegs"]) / int(linux["TcpOutSegs"])
        assert resent < 0.04, linux
    if link is not None:
        # What Linux sent lost about 1 %; what the stack sent, nothing.
        to_stack, to_linux = counters[link.va], counters[prim.tap]
        assert to_stack["rx"] > 50000, counters
        ratio = to_stack["lost"] / to_stack["rx"]
        assert 0.006 < ratio < 0.014, counters
        assert to_linux["lost"] == 0 and to_linux["fwd"] > 50000, counters
        for c in (to_stack, to_linux):
            assert c["big"] == 0 and c["qfull"] == 0, counters
