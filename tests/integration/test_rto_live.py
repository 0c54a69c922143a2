"""The retransmission timeout seen on the wire: examples/helloworld answers
one request from a peer that then acknowledges nothing
(tests/integration/rto_peer.py: scapy on a raw AF_PACKET socket on the
kernel end of the tap, which has no IPv4 address, so the Linux kernel
neither ACKs nor resets), and the gaps between the reply and its
retransmissions are measured from the kernel's receive times.

What they must be: RFC 6298 5.5 doubles the timeout on each expiry
("RTO <- RTO * 2"); FreeBSD's TCPT_RANGESET makes the base timeout
max(estimate, net.inet.tcp.rexmit_min) + net.inet.tcp.rexmit_slop
(30 ms + 200 ms by default), so on this sub-millisecond link the first
retransmission comes after about 230 ms, then 460, 920 and 1840 ms.
The test asserts the pattern, not the machine's speed: the first gap in
[200, 400) ms and each next gap 1.5 to 2.5 times the one before (a
loaded 2-core machine fires a timer tens of milliseconds late).  Before
the fix the wire showed 30, 30, 30, 30 ms.  The gaps are printed
(pytest -s)."""

import json
import sys
from pathlib import Path

from .conftest import ROOT, stats

PEER = Path(__file__).with_name("rto_peer.py")
RETRANSMISSIONS = 4  # about 3.5 s of waiting
FIRST_MS = (200, 400)  # rexmit_min + rexmit_slop = 230 ms, and room
RATIO = (1.5, 2.5)  # RFC 6298 5.5: twice the previous timeout


def test_retransmissions_back_off_from_min_plus_slop(make_primary):
    prim = make_primary(
        program=ROOT / "examples" / "helloworld", peer_addr=False
    )
    node = prim.stack.sysctl("net.inet.tcp.rexmit_slop").decoded
    assert node == 200, "rexmit_slop %r is not FreeBSD's default" % node
    cp = prim.nsexec(
        sys.executable,
        str(PEER),
        prim.tap,
        prim.peer_mac,
        prim.peer_addr,
        prim.mac,
        prim.addr,
        "80",
        str(RETRANSMISSIONS),
        check=False,
        timeout=60,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr + prim.log_text()
    got = json.loads(cp.stdout.strip().splitlines()[-1])
    t = got["times"]
    gaps = [round((b - a) * 1000, 1) for a, b in zip(t, t[1:])]
    print(
        "\nreply of %d bytes (seq %d) retransmitted after %s ms"
        % (got["len"], got["seq"], ", ".join("%g" % g for g in gaps))
    )
    assert len(gaps) == RETRANSMISSIONS, got
    assert FIRST_MS[0] <= gaps[0] < FIRST_MS[1], gaps
    for a, b in zip(gaps, gaps[1:]):
        assert RATIO[0] <= b / a <= RATIO[1], gaps
    # The stack's own count agrees: each gap was a timeout.
    tcp = stats(prim, "net.inet.tcp.stats")
    assert tcp["tcps_rexmttimeo"] >= RETRANSMISSIONS, tcp
    assert tcp["tcps_sndrexmitpack"] >= RETRANSMISSIONS, tcp
