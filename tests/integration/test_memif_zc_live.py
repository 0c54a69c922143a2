"""memif zero copy ([vdevN] zero_copy=1 on ff_bench's side, the memif
client) on live stacks: two DPDK primaries joined by net_memif
(tests/integration/ff_pair.py).

The client's frames stay in its own packet pool both ways and the server
copies from and into that memory, which it maps: seen in the server's
/proc/PID/maps, where the client's hugepage file appears (one file per
memory list, EAL --single-file-segments).  A 32 MB file echoed through
examples/tcp_echo (copying, then echoing the received chains by
reference) comes back with the same SHA-256.  dev.memif.0.zero_copy
says so: 1 on the client, 0 on the server (and on both without it).  Ten starts and stops in a
row: DPDK's memif closes the EAL's memory descriptors once connected,
which made the message ring's memzone fail with ENOMEM about every
other start (libff/src/dpdk/ff_memif_zc.c).
"""

import json
import re
import subprocess
import time
from types import SimpleNamespace

import pytest

from fstools.stack import Stack

from .conftest import ROOT, stats
from .ff_pair import BENCH, SERVER_ADDR, Pair

TCP_ECHO = ROOT / "examples" / "tcp_echo"
SIZE = 32 * 1024 * 1024


@pytest.fixture
def pair(make_pair):
    return lambda env=None, zero_copy=True: make_pair(
        TCP_ECHO, env, zero_copy=zero_copy
    )


def client_hugepage_files(p):
    """The client's hugepage files the server maps (zero copy's memory)."""
    maps = open("/proc/%d/maps" % p.proc.pid).read()
    return {
        line.split()[-1]
        for line in maps.splitlines()
        if "/%smap_" % p.prefix["client"] in line
    }


@pytest.mark.parametrize("server_zc", [False, True], ids=["copy", "zc"])
def test_memif_zero_copy_echo_sha256(pair, tmp_path, server_zc):
    p = pair({"FF_TCP_ECHO_ZC": "1"} if server_zc else {})
    p.echo_file(tmp_path, SIZE)


def zero_copy_sysctl(prefix):
    """dev.memif.0.zero_copy of the stack under prefix (ff-sysctl)."""
    cp = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "ff-sysctl"), "--prefix", prefix,
         "-n", "dev.memif.0.zero_copy"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert cp.returncode == 0, cp.stderr
    return int(cp.stdout)


def mapped_while_sending(p):
    """The client's hugepage files in the server's maps, read while
    ff_bench streams to it (memif unmaps them when the client goes), and
    dev.memif.0.zero_copy of both sides then."""
    bench = subprocess.Popen(
        [str(BENCH), "-c", str(p.config["client"]), "-m", "send", "-d", "2",
         SERVER_ADDR + ":7"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    files, views = set(), None
    try:
        time.sleep(0.5)  # the link is up, the stream starts
        views = (
            zero_copy_sysctl(p.prefix["client"]),
            zero_copy_sysctl(p.prefix["server"]),
        )
        deadline = time.monotonic() + 10
        while not files and bench.poll() is None:
            files = client_hugepage_files(p)
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
    finally:
        assert bench.wait(timeout=30) == 0
    return files, views


def test_memif_zero_copy_server_maps_the_client(pair):
    p = pair({"FF_TCP_ECHO_MODE": "sink"})
    files, views = mapped_while_sending(p)
    # One file per memory list (--single-file-segments): "<prefix>map_0".
    assert files and all(f.endswith("map_0") for f in files), files
    assert views == (1, 0)  # the client's port, the server's


def test_memif_copying_server_maps_nothing_of_the_client(pair):
    """The same check fails without zero copy (the check can fail)."""
    p = pair({"FF_TCP_ECHO_MODE": "sink"}, zero_copy=False)
    assert mapped_while_sending(p) == (set(), (0, 0))


def test_memif_zero_copy_ten_starts(tmp_path):
    """Start both stacks, move data, stop them: ten times, no failure."""
    for i in range(10):
        d = tmp_path / str(i)
        d.mkdir()
        p = Pair(d, zero_copy=True)
        try:
            p.start(TCP_ECHO, env={"FF_TCP_ECHO_MODE": "sink"})
            rc, res, err = p.bench(
                "-m", "send", "-d", "0.3", "--json", SERVER_ADDR + ":7"
            )
        finally:
            p.stop()
        assert "Cannot allocate memory" not in err, (i, err)
        assert rc == 0 and res["bytes_total"] > 0, (i, rc, res, err)


def sostat_while_sending(p, *args):
    """The client's kern.ipc.sostat read while ff_bench ARGS
    streams to the server, and ff_bench's JSON record."""
    bench = subprocess.Popen(
        [str(BENCH), "-c", str(p.config["client"]), *args, "--json",
         SERVER_ADDR + ":7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    so = {}
    try:
        time.sleep(1.0)  # the link is up, the streams run
        with Stack(p.prefix["client"], timeout=2.0) as st:
            so = stats(SimpleNamespace(stack=st), "kern.ipc.sostat")
    finally:
        out, err = bench.communicate(timeout=60)
    assert bench.returncode == 0, (out, err, p.log_text())
    lines = [x for x in out.splitlines() if x.startswith("{")]
    return so, json.loads(lines[-1])


def test_memif_zero_copy_with_sends_by_reference(pair):
    """Zero-copy sockets (ff_bench -Z, kern.ipc.zero_copy.send=1) over
    memif zero copy: the segments go by reference (a header mbuf and the
    send buffer's own, kern.ipc.sostat's sos_zcref), the server reads
    their payload where the sender's send buffer holds it, and every byte
    reaches it.  DPDK 22.11's memif zero-copy transmit overran its ring
    with such chains, and gave up a chain that did not fit with its
    first mbufs' reference counts raised (ff_memif_zc_tx() in
    libff/src/dpdk/ff_memif_zc.c mends both); two streams fill the ring
    often."""
    p = pair({"FF_TCP_ECHO_MODE": "sink"})
    with open(p.config["client"], "a") as f:
        f.write("\n[freebsd.sysctl]\nkern.ipc.zero_copy.send=1\n")
    so, res = sostat_while_sending(p, "-m", "send", "-Z", "-n", "2", "-d", "3")
    assert so.get("sos_zcref", 0) > 0, so
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    assert res["zero_copy"] is True and res["bytes_total"] > 0, res
    p.stop()
    m = re.search(r"(\d+) bytes received, (\d+) bytes sent", p.log_text())
    assert m, p.log_text()
    assert int(m.group(1)) == res["bytes_total"], res
