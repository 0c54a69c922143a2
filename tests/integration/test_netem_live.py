"""TCP under loss and delay in both directions: examples/tcp_echo moves
100 MB each way at once (the client's 100 MB in, the same 100 MB echoed
back) with matching SHA-256 checksums, while lossy_link drops 1 % of the
frames and delays the rest by DELAY_MS on EACH direction: Linux to the
stack (data and ACKs of the client) and the stack to Linux (the echoed
data and the stack's ACKs).  So the stack is a sender under loss too,
and its loss recovery (SACK, fast retransmit, the RTO) is exercised live.

The link: lossy_link (tests/integration/lossy_link.c, built here with cc,
a user-space netem; this machine's kernel has neither sch_netem nor tc
actions, and an ingress netem would need ifb besides).  The tap gets no
address; a veth pair joins the stack's namespace (vA) to a second
namespace of the test (vB, 198.18.0.1/24, its own MAC: the Linux side),
and lossy_link bridges the tap and vA with AF_PACKET sockets, with -l/-d
on the tap>vA direction (the stack's frames) and -L/-D on vA>tap
(Linux's), drawn from one seeded PRNG.  vB's checksum and segmentation
offloads are off, so every frame it sends is a complete frame on the
wire.  The counters lossy_link prints when stopped must show about 1 %
lost each way.

What is measured: the stack's own retransmissions, from its tcpstat
(net.inet.tcp.stats read through fstools.Stack): tcps_sndrexmitpack
against the data segments it sent (tcps_sndpack + tcps_sndrexmitpack).
With 1 % of its segments lost it must resend about 1 %; more than 2 %
fails the test (resending what arrived: a spurious RTO, a go-back-N
after a timeout, a SACK scoreboard that forgets).  Linux's side is
reported beside it (nstat) and held under 4 %.

Time: a loss-based sender is held to MSS/RTT * 1.22/sqrt(p) (Mathis et
al.): 1448 B / 10 ms * 12.2 = 1.8 MB/s at DELAY_MS = 5 (a 10 ms round
trip) and p = 1 %.  The stack reaches about that (1.8 MB/s, 60 s for
100 MB each way on the 2-core VM).  In a two-way transfer Linux's ACKs
ride on its data: the stack counts an ACK that SACKs new data as a
duplicate even so (RFC 6675 2), and starts recovery once IsLost says
so, so nearly every loss ends in a fast retransmit, not in its RTO
(230 ms, then cwnd 1; RFC 5681's rule, no data on a duplicate ACK, left
about a third of the losses to it: 0.8 MB/s).  LIMIT_S bounds the run at 300 s;
FF_TEST_NETEM_DELAY and FF_TEST_NETEM_MB change the delay and size for
experiments.  The Linux side's congestion control is its namespace's
default (the host's; printed with the result) unless FF_TEST_NETEM_CC
names one.  The time taken, the
stack's and Linux's retransmission figures and lossy_link's counters are
printed (pytest -s).  Everything lives in namespaces the test creates
and goes with them; lossy_link is stopped by its PID."""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from fstools import testing

from .conftest import PEER_ADDR, ROOT, run, stats
from .test_tcp_live import ECHO, STACK

SIZE = int(os.environ.get("FF_TEST_NETEM_MB", "100")) * 1024 * 1024
LIMIT_S = 300
LOSS_PCT = 1
DELAY_MS = int(os.environ.get("FF_TEST_NETEM_DELAY", "5"))  # each way
REXMIT_MAX = 0.02  # the stack's retransmitted share of its data segments
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
                    "-l",
                    str(LOSS_PCT),
                    "-d",
                    str(DELAY_MS),
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
        testing.stop_process(self.proc, timeout=10)
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


def _need_ethtool():
    if shutil.which("ethtool") is None:
        why = "no ethtool (lossy_link needs vB's offloads off)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


def _echo(nsexec):
    """The client's 100 MB through the echo: (CompletedProcess, seconds)."""
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
            "100 MB each way under loss did not finish in %d s" % LIMIT_S
        )
    return cp, time.monotonic() - t0


# The stack's loss-recovery counters printed with the result.
RECOVERY = (
    "tcps_rexmttimeo",
    "tcps_sack_recovery_episode",
    "tcps_sack_rexmits",
    "tcps_sack_lostrexmt",
    "tcps_sndrexmitbad",
    "tcps_dsack_count",
    "tcps_rcvdupack",
    "tcps_rcvoopack",
)


def _rexmit_share(before, after):
    """The stack's retransmitted data segments, all its data segments."""
    sent = after["tcps_sndpack"] - before["tcps_sndpack"]
    again = after["tcps_sndrexmitpack"] - before["tcps_sndrexmitpack"]
    return again, sent + again


def _report(rtt, cc, took, ours, delta, linux, link):
    rate = SIZE / took / 1e6
    print(
        "\n%d MB each way, lossy_link loss %d%% delay %d ms each way (ping "
        "min rtt %.1f ms), Linux cc %s: %.1f s, %.2f MB/s each way"
        % (SIZE >> 20, LOSS_PCT, DELAY_MS, rtt, cc, took, rate)
    )
    again, total = ours
    print(
        "  the stack: %d of %d data segments retransmitted (%.2f %%)"
        % (again, total, 100.0 * again / max(total, 1))
    )
    print("  " + " ".join("%s %d" % (k, delta[k]) for k in RECOVERY))
    print("  Linux side: " + " ".join("%s %s" % kv for kv in linux.items()))
    print(link.log_text().rstrip())


def test_echo_100mb_under_loss_and_delay_both_ways(
    make_primary, lossy_link, tmp_path
):
    _need_ethtool()
    prim = make_primary(
        program=ROOT / "examples" / "tcp_echo", peer_addr=False
    )
    link = LossyLink(prim, lossy_link, tmp_path / "lossy_link.log")
    try:
        link.start()
        rtt = _ping_min_rtt(link.nsexec)
        assert 2 * DELAY_MS <= rtt < 2 * DELAY_MS + 15, rtt
        before = stats(prim, "net.inet.tcp.stats")
        cp, took = _echo(link.nsexec)
        after = stats(prim, "net.inet.tcp.stats")
        linux = _linux_tcp_stats(link.nsexec)
    finally:
        counters = link.stop()
    m = re.search(r"^cc (\S+)$", cp.stderr, re.M)
    ours = _rexmit_share(before, after)
    cc = m.group(1) if m else "?"
    delta = {k: after[k] - before[k] for k in RECOVERY}
    _report(rtt, cc, took, ours, delta, linux, link)
    assert cp.stdout.split() == [str(SIZE), "True"], (
        cp.stdout + cp.stderr + prim.log_text()
    )
    assert took < LIMIT_S, "took %.1f s" % took
    # The stack resends what was lost on the way (1 %), not what arrived.
    again, total = ours
    # (100 MB is 72,400 segments of 1448 bytes: at least half as many.)
    assert total > SIZE // 2896 and again > 0, ours
    assert again / total < REXMIT_MAX, ours
    if "TcpRetransSegs" in linux and "TcpOutSegs" in linux:
        # Linux resends what was lost on the way (1 %), not what the
        # stack threw away or made it believe lost.
        resent = int(linux["TcpRetransSegs"]) / int(linux["TcpOutSegs"])
        assert resent < 0.04, linux
    # About 1 % of what each side sent was lost, none of it for want of
    # queue room or through a super-frame.
    for d in (link.va, prim.tap):
        c = counters[d]
        assert c["rx"] > 50000, counters
        assert 0.006 < c["lost"] / c["rx"] < 0.014, counters
        assert c["big"] == 0 and c["qfull"] == 0, counters
