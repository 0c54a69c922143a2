"""TCP under loss and delay: Linux's netem on the kernel end of the
namespace's tap (`tc qdisc add dev <tap> root netem loss 1% delay 20ms`,
so everything Linux sends to the stack, data and ACKs, is delayed and 1 %
of it lost), and examples/tcp_echo moves 100 MB both ways at once with
matching SHA-256 checksums, within 120 s.  The qdisc lives on the tap in
the test's namespace and goes with it."""

import shutil
import sys
import time

import pytest

from .conftest import ROOT
from .test_tcp_live import ECHO

SIZE = 100 * 1024 * 1024
LIMIT_S = 120


def _netem(prim):
    cp = prim.nsexec("tc", "qdisc", "add", "dev", prim.tap, "root", "netem",
                     "loss", "1%", "delay", "20ms", "limit", "10000",
                     check=False)
    if cp.returncode != 0 and "qdisc kind is unknown" in cp.stderr:
        pytest.skip("this kernel has no sch_netem: " + cp.stderr.strip())
    assert cp.returncode == 0, cp.stderr
    out = prim.nsexec("tc", "qdisc", "show", "dev", prim.tap).stdout
    assert "netem" in out and "loss 1%" in out, out


@pytest.mark.skipif(shutil.which("tc") is None, reason="no tc")
def test_echo_100mb_under_netem(make_primary):
    prim = make_primary(program=ROOT / "examples" / "tcp_echo")
    _netem(prim)
    t0 = time.monotonic()
    cp = prim.nsexec(sys.executable, "-c", ECHO, str(SIZE), check=False,
                     timeout=LIMIT_S + 30)
    took = time.monotonic() - t0
    print("100 MB each way under netem loss 1%% delay 20ms: %.1f s" % took)
    assert cp.stdout.split() == [str(SIZE), "True"], (
        cp.stdout + cp.stderr + prim.log_text())
    assert took < LIMIT_S, "took %.1f s" % took
