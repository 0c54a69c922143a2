"""A SYN flood from the Linux side of the namespace against
examples/helloworld while curl keeps succeeding (the SYN cache and SYN
cookies, tcp_syncache.c); afterwards the stack is healthy.

Network safety: the flood is sent with scapy inside the test's own
namespace, onto its tap, to 198.18.0.2 only; sources are random
addresses of 198.19.0.0/16 (inside 198.18.0.0/15) and ports; at most
20,000 frames and 5 s."""

import shutil
import subprocess
import sys
import time

import pytest

from .conftest import ROOT

FLOOD = r"""
import random, sys, time
from scapy.all import Ether, IP, TCP, conf
tap, mac, peer_mac = sys.argv[1], sys.argv[2], sys.argv[3]
rnd = random.Random(5)
frames = [bytes(Ether(dst=mac, src=peer_mac) /
                IP(src="198.19.%d.%d" % (rnd.randrange(256),
                                         rnd.randrange(1, 255)),
                   dst="198.18.0.2") /
                TCP(sport=rnd.randrange(1024, 65535), dport=80, flags="S",
                    seq=rnd.randrange(1 << 32),
                    options=[("MSS", 1460)]))
          for _ in range(20000)]
s = conf.L2socket(iface=tap)
end = time.monotonic() + 5.0
sent = 0
for f in frames:
    if time.monotonic() > end:
        break
    s.send(f)
    sent += 1
s.close()
print(sent)
"""


def _curl(prim):
    cp = prim.nsexec(
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "--max-time",
        "3",
        "http://198.18.0.2/",
        check=False,
        timeout=10,
    )
    return cp.returncode == 0 and cp.stdout.strip() == "200"


def test_synflood_while_curl_succeeds(make_primary):
    if shutil.which("curl") is None:
        pytest.skip("curl not installed")
    prim = make_primary(program=ROOT / "examples" / "helloworld")
    assert _curl(prim)
    flood = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            prim.ns,
            sys.executable,
            "-c",
            FLOOD,
            prim.tap,
            prim.mac,
            prim.peer_mac,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ok = bad = 0
    try:
        while flood.poll() is None:
            if _curl(prim):
                ok += 1
            else:
                bad += 1
            time.sleep(0.1)
        out, err = flood.communicate(timeout=30)
    finally:
        if flood.poll() is None:
            flood.kill()
            flood.wait()
    assert flood.returncode == 0, err
    sent = int(out.strip().splitlines()[-1])
    assert sent > 1000, "the flood did not get going: %d" % sent
    assert ok >= 1 and bad <= max(1, ok // 10), (ok, bad)
    # Healthy afterwards: curl, and the stack still runs.
    for _ in range(5):
        assert _curl(prim)
    assert prim.alive()
    cp = prim.tool(
        "ff-sysctl", "net.inet.tcp.syncache.count", "kern.ipc.overload.level"
    )
    assert cp.returncode == 0, cp.stderr
