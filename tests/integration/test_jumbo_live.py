"""A jumbo MTU over memif on live stacks ([port0] mtu=9000 on both ends,
tests/integration/ff_pair.py): ff_bench echoes a file through
examples/tcp_echo and gets it back with the same SHA-256, then sends for
about 2 s into tcp_echo's sink, every byte counted at both ends.  Both
interfaces say mtu 9000 (ff-ifconfig's record) and the server's interface
received frames longer than a 1500-byte MTU allows: the mean frame of the
bulk run is well above 1514 bytes, which only jumbo frames give (a
1500-byte link's frames are at most 1514).  Each stack's packet buffers
then hold a whole frame, as FreeBSD's 9k jumbo clusters (ff-netstat -m
says so), and memif's zero copy, which receives a frame into one buffer,
carries the MTU too: the same echo and bulk run with ff_bench's side in
zero copy.  A port that cannot carry the MTU does not start: net_tap
(DPDK 22.11 gives it 1522 bytes of max_rx_pktlen) with mtu=9000 stops
with the line's message, and so does net_af_xdp, which sends a frame in
one 2 KB mbuf.  ff-ifconfig's mtu on memif stays within one memif buffer.
"""

import re
import sys
from pathlib import Path

import pytest

from fstools import testing

from .conftest import ROOT, run
from .ff_pair import SERVER_ADDR

TCP_ECHO = ROOT / "examples" / "tcp_echo"
NETSTAT = Path(sys.executable).parent / "ff-netstat"
MTU = 9000
SIZE = 16 * 1024 * 1024


def interface(prefix):
    """f-stack-0 of the stack under prefix, as ff-ifconfig reads it."""
    remote = testing.RemoteStack(prefix)
    try:
        return remote.interface("f-stack-0")
    finally:
        remote.close()


def test_memif_jumbo_echo_and_bulk(make_pair, tmp_path):
    p = make_pair(TCP_ECHO, mtu=MTU)
    p.echo_file(tmp_path, SIZE)
    server = interface(p.prefix["server"])
    assert server.mtu == MTU
    # FreeBSD's driver takes 9 KB clusters for a jumbo MTU; ff's pool too.
    assert "9k jumbo clusters in use" in ff_netstat_m(p.prefix["server"])
    before = server.counters
    # ifconfig mtu: within one memif buffer (bsize=9216 less 14 + 4).
    remote = testing.RemoteStack(p.prefix["server"])
    try:
        with pytest.raises(Exception, match="SIOCSIFMTU"):
            remote.set_interface("f-stack-0", mtu=9199)
        remote.set_interface("f-stack-0", mtu=9198)
        assert remote.interface("f-stack-0").mtu == 9198
    finally:
        remote.close()

    # Into the sink: tcp_echo is told nothing; it reads what comes.
    p.stop()
    p = make_pair(TCP_ECHO, {"FF_TCP_ECHO_MODE": "sink"}, mtu=MTU)
    rc, res, err = p.bench(
        "-m", "send", "-n", "1", "-d", "2", "--json", SERVER_ADDR + ":7"
    )
    assert rc == 0, (rc, res, err, p.log_text())
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    c = interface(p.prefix["server"]).counters
    assert c["ipackets"] > 0
    mean = c["ibytes"] / c["ipackets"]
    assert mean > 4000, (mean, c, before)  # ACKs are 54-66 bytes
    p.stop()
    m = re.search(r"(\d+) bytes received", p.log_text())
    assert m and int(m.group(1)) == res["bytes_total"], p.log_text()


def runtime_files(prefix):
    """The EAL's runtime directory and hugepage files of prefix."""
    found = [str(Path("/var/run/dpdk", prefix))]
    found = [f for f in found if Path(f).exists()]
    for mnt in Path("/proc/mounts").read_text().splitlines():
        dev, where, fstype = mnt.split()[:3]
        if fstype == "hugetlbfs":
            found += [str(f) for f in Path(where).glob(prefix + "map_*")]
    return found


def test_tap_refuses_a_jumbo_mtu(tmp_path):
    """net_tap's max_rx_pktlen (1522 in DPDK 22.11) bounds its MTU: the
    primary stops at start, in its own namespace, with the line named."""
    h = testing.new_handle(tmp_path)
    text = testing.make_config(h.tap, h.prefix, h.mac)
    h.config.write_text(text.replace("[port0]\n", "[port0]\nmtu=9000\n"))
    line = text.splitlines().index("[port0]") + 2
    run(["ip", "netns", "add", h.ns])
    try:
        cp = h.nsexec(
            str(ROOT / "examples" / "ff_primary"), "-c", str(h.config),
            check=False, timeout=60,
        )  # fmt: skip
        # A refused start removes what its EAL made, as an exit does.
        left = runtime_files(h.prefix)
    finally:
        testing.stop(h)
    assert cp.returncode != 0
    assert left == [], left
    want = (
        "%s:%d: [port0] mtu: 9000: port 0 (net_tap0) takes 68-1504 "
        "(net_tap: the driver's max_rx_pktlen less the Ethernet header "
        "and CRC)" % (h.config, line)
    )
    assert want in cp.stdout + cp.stderr, cp.stdout + cp.stderr


ONE_MBUF = r"takes 68-2034 \(%s: one mbuf a frame: the port sends no chains\)"


def test_af_xdp_refuses_a_jumbo_mtu(make_pair):
    """net_af_xdp sends a frame in one mbuf (no chains in DPDK 22.11)."""
    with pytest.raises(RuntimeError) as e:
        make_pair(TCP_ECHO, driver="net_af_xdp", mtu=MTU)
    assert re.search(
        r"server\.ini:\d+: \[port0\] mtu: 9000: port 0 \(net_af_xdp0\) "
        + ONE_MBUF % "net_af_xdp",
        str(e.value),
    ), str(e.value)


def test_memif_zero_copy_carries_a_jumbo_mtu(make_pair, tmp_path):
    """memif zero copy receives a frame into one of ff_bench's mbufs: with
    buffers that hold a whole 9000-byte frame the echo comes back intact
    and the bulk run's frames are jumbo ones."""
    p = make_pair(TCP_ECHO, zero_copy=True, mtu=MTU)
    p.echo_file(tmp_path, SIZE)
    p.stop()
    p = make_pair(
        TCP_ECHO, {"FF_TCP_ECHO_MODE": "sink"}, zero_copy=True, mtu=MTU
    )
    rc, res, err = p.bench(
        "-m", "send", "-n", "1", "-d", "2", "--json", SERVER_ADDR + ":7"
    )
    assert rc == 0, (rc, res, err, p.log_text())
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    c = interface(p.prefix["server"]).counters
    assert c["ibytes"] / c["ipackets"] > 4000, c
    p.stop()
    m = re.search(r"(\d+) bytes received", p.log_text())
    assert m and int(m.group(1)) == res["bytes_total"], p.log_text()


def test_a_pool_too_large_says_its_buffer_size(make_pair):
    """A pool the hugepages cannot hold stops the start with its size in
    buffers and in bytes a buffer (9216 of data and DPDK's 128 of
    headroom for a 9000-byte MTU's frame), not a bare "no memory"."""
    from .ff_pair import Pair

    p = Pair(make_pair.tmp, mtu=MTU)
    make_pair.made.append(p)
    cfg = p.config["server"]
    cfg.write_text(
        cfg.read_text().replace("[dpdk]\n", "[dpdk]\nnb_mbufs=4000000\n")
    )
    with pytest.raises(RuntimeError) as e:
        p.start(TCP_ECHO)
    assert "packet pool (4000000 mbufs of 9344 bytes): " in str(e.value), str(
        e.value
    )


def test_af_xdp_in_the_stack_keeps_2k_buffers(make_pair):
    """net_af_xdp takes a frame in one mbuf of its umem (2 KB): a stack
    with such a port keeps 2 KB buffers though a memif port of the same
    stack has a jumbo MTU, which memif then carries in chains."""
    from .ff_pair import Pair

    p = Pair(make_pair.tmp, "net_af_xdp")
    make_pair.made.append(p)
    cfg = p.config["server"]
    text = cfg.read_text().replace(
        "port_list=0\nnb_vdev=1", "port_list=0,1\nnb_vdev=2"
    )
    text = text.replace(
        "[freebsd.boot]",
        "[vdev1]\ndriver=net_memif\npath=%s\nargs=role=server\n\n"
        "[port1]\naddr=198.18.1.1\nnetmask=255.255.255.0\n"
        "broadcast=198.18.1.255\nmtu=%d\n\n[freebsd.boot]"
        % (make_pair.tmp / "jumbo.sock", MTU),
    )
    cfg.write_text(text)
    p.start(TCP_ECHO)
    remote = testing.RemoteStack(p.prefix["server"])
    try:
        assert remote.sysctl("kern.ipc.mclbytes").decoded == 2048
        assert remote.interface("f-stack-1").mtu == MTU
    finally:
        remote.close()
    assert "mbuf clusters in use" in ff_netstat_m(p.prefix["server"])


def ff_netstat_m(prefix):
    return run([str(NETSTAT), "--prefix", prefix, "-m"]).stdout
