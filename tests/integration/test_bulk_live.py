"""TCP bulk transfer and zero copy on live stacks.

ff_bench's bulk mode against examples/tcp_echo, two DPDK primaries joined
by net_memif (tests/integration/ff_pair.py), for about 2 s each way,
copying and zero copy: no error, and the bytes ff_bench counts are
exactly the bytes tcp_echo counts at its end (a sink reads every byte
before it closes; a source's every byte is read before its FIN).  Never
a rate.

Then tcp_echo in zero-copy mode (FF_TCP_ECHO_ZC=1: each chain of received
mbufs is sent back as it is) echoes 100 MB to a Linux client in the
test's namespace with matching SHA-256 (segments copied, and sent by
reference: kern.ipc.zero_copy.send=1), and helloworld's zero-copy
replies (FF_HTTP_ZC=1) are the 649-byte page.
"""

import re
import struct
import sys

import pytest

from .conftest import ROOT, stats
from .ff_pair import SERVER_ADDR
from .test_tcp_live import ECHO, KEEPALIVE

TCP_ECHO = ROOT / "examples" / "tcp_echo"


@pytest.fixture
def pair(make_pair):
    return lambda env: make_pair(TCP_ECHO, env)


def server_counts(p):
    """(received, sent) from tcp_echo's last line, once it stopped."""
    p.stop()
    m = re.search(r"(\d+) bytes received, (\d+) bytes sent", p.log_text())
    assert m, p.log_text()
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("zc", [False, True], ids=["copy", "zerocopy"])
@pytest.mark.parametrize("mode", ["send", "recv"])
def test_memif_bulk_exact_bytes(pair, mode, zc):
    env = {"FF_TCP_ECHO_MODE": "sink" if mode == "send" else "source"}
    if zc:
        env["FF_TCP_ECHO_ZC"] = "1"
    p = pair(env)
    args = ["-m", mode, "-n", "2", "-d", "2", "--json"]
    rc, res, err = p.bench(
        *args + (["-Z"] if zc else []) + [SERVER_ADDR + ":7"]
    )
    assert rc == 0, (rc, res, err, p.log_text())
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    assert res["zero_copy"] is zc and res["streams"] == 2, res
    assert 0 < res["bytes"] <= res["bytes_total"], res
    received, sent = server_counts(p)
    if mode == "send":
        assert (received, sent) == (res["bytes_total"], 0), res
    else:
        assert sent == res["bytes_total"], (sent, res)


@pytest.mark.parametrize("byref", [0, 1], ids=["copied", "byref"])
def test_tcp_echo_zero_copy_100mb(make_primary, monkeypatch, byref):
    """With kern.ipc.zero_copy.send=1 the echoed chains go to net_tap by
    reference, each segment a header mbuf and the received mbufs."""
    monkeypatch.setenv("FF_TCP_ECHO_ZC", "1")
    prim = make_primary(
        program=TCP_ECHO,
        extra_config="[freebsd.sysctl]\nkern.ipc.zero_copy.send=%d\n" % byref,
    )
    assert "(zero copy)" in prim.log_text()
    node = prim.stack.sysctl("kern.ipc.zero_copy.send")
    assert struct.unpack("=i", node.value)[0] == byref
    size = 100 * 1024 * 1024
    cp = prim.nsexec(
        sys.executable, "-c", ECHO, str(size), check=False, timeout=300
    )
    assert cp.stdout.split() == [str(size), "True"], (
        cp.stdout + cp.stderr + prim.log_text()
    )
    # The stack's own count: chains received and sent whole or in parts.
    so = stats(prim, "kern.ipc.sostat")
    assert so["sos_zcrecv"] > 0 and so["sos_zcsend"] >= so["sos_zcrecv"], so


@pytest.mark.parametrize("program", ["helloworld", "helloworld_epoll"])
def test_helloworld_zero_copy_replies(make_primary, monkeypatch, program):
    monkeypatch.setenv("FF_HTTP_ZC", "1")
    prim = make_primary(program=ROOT / "examples" / program)
    assert "zero copy" in prim.log_text()
    cp = prim.nsexec(
        sys.executable, "-c", KEEPALIVE, "20", check=False, timeout=60
    )
    assert cp.stdout.split() == [str(649 * 20), "644"], (
        cp.stdout + cp.stderr + prim.log_text()
    )
    so = stats(prim, "kern.ipc.sostat")
    assert so["sos_zcget"] == 21 and so["sos_zcsend"] >= 21, so
