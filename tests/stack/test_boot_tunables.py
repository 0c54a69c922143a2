"""[freebsd.boot]: FreeBSD's loader tunables applied at start.

Each class of tunable is set in the config a test stack starts from, and
its effect is seen through behaviour or a read-only sysctl: the socket and
descriptor tables (kern.ipc.maxsockets, kern.maxfiles, at ten million as
well), the TCP connection hash (net.inet.tcp.tcbhashsize), the SYN cache
and the host cache, IP reassembly limits, kern.hz, kern.ipc.nmbufs and a
run-time TCP knob (RWTUN).  Then the refusals: an unknown name, a node
that is no tunable, a value out of range or not accepted, and a
boot-only (RDTUN) node in [freebsd.sysctl]; each stops the start with
one line naming the file and line (the test port's file is test.ini).
"""

import ctypes
import errno

import pytest
from scapy.layers.inet import ICMP, IP, fragment
from scapy.layers.l2 import Ether

import ffstack
from ffstack import OUR_IP, PEER_IP, PEER_MAC, StackError
from overload_util import synflood, sysctl
from tcp_peer import MSL_MS, Peer, establish, quiesce
from test_tcp_hostcache import HC, hc_count, learn_mtu

SOCK_DGRAM = 2


def boot(*lines, sysctls=()):
    """ffstack.CONFIG with a [freebsd.boot] (and [freebsd.sysctl])."""
    text = (
        ffstack.CONFIG
        + "\n[freebsd.boot]\n"
        + "".join(line + "\n" for line in lines)
    )
    if sysctls:
        text += "[freebsd.sysctl]\n" + "".join(s + "\n" for s in sysctls)
    return text


def line_of(text, key):
    """The 1-based line of `key=' in text (what the message names)."""
    for n, line in enumerate(text.split("\n"), 1):
        if line.startswith(key + "="):
            return n
    raise AssertionError(key)


def tcp_boot_stack(make_stack, *lines):
    st = make_stack(boot(*lines))
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    st.sysctl("net.inet.tcp.msl", MSL_MS)
    return st


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (n, ctypes.c_size_t)
        for n in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap_in_use():
    """Bytes malloc has handed out and not taken back (glibc)."""
    fn = ctypes.CDLL(None).mallinfo2
    fn.restype = _Mallinfo2
    m = fn()
    return m.uordblks + m.hblkhd


def open_udp(st, n):
    """n UDP sockets; their descriptors are 0..n-1 (lowest free first)."""
    sock = st.api.socket
    for i in range(n):
        assert sock(SOCK_DGRAM) == i


def close_all(st, n):
    for fd in range(n):
        st.api.close(fd)


# -- the socket and descriptor tables -----------------------------------------


def test_defaults_are_freebsd_like(st):
    assert sysctl(st, "kern.ipc.maxsockets") == 65536
    assert sysctl(st, "kern.maxfiles") == 65536
    # FreeBSD's tcp_init(): a quarter of maxsockets, a power of 2.
    assert sysctl(st, "net.inet.tcp.tcbhashsize") == 16384
    fd = st.tcp_socket()  # the first TCP pcb makes the hash
    assert st.tcb_hash_buckets() == 16384
    assert st.tcp_close(fd) == 0


def test_maxsockets_limits_sockets(make_stack):
    st = make_stack(boot("kern.ipc.maxsockets=100"))
    assert sysctl(st, "kern.ipc.maxsockets") == 100
    open_udp(st, 100)
    with pytest.raises(OSError) as e:
        st.api.socket(SOCK_DGRAM)
    assert e.value.errno == errno.ENOBUFS  # FreeBSD's soalloc() failure
    close_all(st, 100)


def test_maxfiles_limits_descriptors(make_stack):
    st = make_stack(boot("kern.maxfiles=50"))
    assert sysctl(st, "kern.maxfiles") == 50
    open_udp(st, 50)
    with pytest.raises(OSError) as e:
        st.api.socket(SOCK_DGRAM)
    assert e.value.errno in (errno.EMFILE, errno.ENFILE)
    assert sysctl(st, "kern.ipc.numopensockets") == 50  # closed again
    close_all(st, 50)


def test_ten_million_sockets_setting(make_stack):
    """Limits of ten million: read back, more than 65,536 sockets open,
    and memory that follows the sockets in use, not the setting."""
    ffstack.Stack(ffstack.CONFIG).destroy()  # the EAL is up: not counted
    before = heap_in_use()
    st0 = ffstack.Stack(ffstack.CONFIG)
    default = heap_in_use() - before
    st0.destroy()
    before = heap_in_use()
    st = make_stack(
        boot("kern.ipc.maxsockets=10000000", "kern.maxfiles=10000000")
    )
    started = heap_in_use() - before
    assert sysctl(st, "kern.ipc.maxsockets") == 10000000
    assert sysctl(st, "kern.maxfiles") == 10000000
    base = heap_in_use()
    open_udp(st, 10000)
    small = heap_in_use() - base
    open_udp_from(st, 10000, 70000)
    large = heap_in_use() - base
    assert sysctl(st, "kern.ipc.numopensockets") == 70000
    close_all(st, 70000)
    assert sysctl(st, "kern.ipc.numopensockets") == 0
    if small <= 0:  # e.g. AddressSanitizer's allocator: no mallinfo2
        pytest.skip("glibc heap accounting not available")
    per_socket = large / 70000
    print(
        "bytes per UDP socket: %.0f (10,000: %.0f); stack start %d "
        "(default limits: %d)" % (per_socket, small / 10000, started, default)
    )
    # Proportional: seven times the sockets, seven times the memory
    # (the descriptor table doubles, so allow its slack).
    assert 5.5 < large / small < 8.5
    assert 200 < per_socket < 2048
    # The setting itself costs nothing like ten million sockets.
    assert started - default < 1024 * 1024


def open_udp_from(st, first, last):
    sock = st.api.socket
    for i in range(first, last):
        assert sock(SOCK_DGRAM) == i


# -- TCP: connection hash, SYN cache, host cache, a run-time knob ----------------


def test_tcbhashsize(make_stack):
    st = tcp_boot_stack(make_stack, "net.inet.tcp.tcbhashsize=256")
    assert sysctl(st, "net.inet.tcp.tcbhashsize") == 256
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"hello")  # found through the hash
    assert st.tcp_recv(fd) == b"hello"
    assert st.tcb_hash_buckets() == 256  # the hash was made that size
    quiesce(st, fd)
    # Read-only at run time (RDTUN): ff-sysctl gets EPERM.
    assert (
        st.sysctl_set_raw(
            "net.inet.tcp.tcbhashsize", (512).to_bytes(4, "little")
        )
        == errno.EPERM
    )


@pytest.mark.parametrize(
    "maxsockets,buckets",
    # maxsockets / 4 rounded down to a power of 2, never below FreeBSD's
    # historical 512 (tcp_init()).
    [(100, 512), (4096, 1024), (300000, 65536)],
)
def test_tcbhashsize_follows_maxsockets(make_stack, maxsockets, buckets):
    st = tcp_boot_stack(make_stack, "kern.ipc.maxsockets=%d" % maxsockets)
    assert sysctl(st, "net.inet.tcp.tcbhashsize") == buckets
    fd = st.tcp_socket()
    assert st.tcb_hash_buckets() == buckets
    assert st.tcp_close(fd) == 0


def test_tcbhashsize_zero_is_sized_from_maxsockets(make_stack):
    st = tcp_boot_stack(
        make_stack, "kern.ipc.maxsockets=8192", "net.inet.tcp.tcbhashsize=0"
    )
    assert sysctl(st, "net.inet.tcp.tcbhashsize") == 2048
    fd = st.tcp_socket()
    assert st.tcb_hash_buckets() == 2048
    assert st.tcp_close(fd) == 0


def test_syncache_cachelimit(make_stack):
    st = tcp_boot_stack(make_stack, "net.inet.tcp.syncache.cachelimit=16")
    assert sysctl(st, "net.inet.tcp.syncache.cachelimit") == 16
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 128) == 0
    assert synflood(st, 200, seed=3) == 200
    assert 0 < sysctl(st, "net.inet.tcp.syncache.count") <= 16
    assert st.counter("tcp.tcps_sc_added") <= 16
    assert st.counter("tcp.tcps_sc_sendcookie") >= 200 - 16
    st.advance(20, step=1)
    st.drain()
    quiesce(st, lfd)


def test_syncache_hashsize_and_bucketlimit(make_stack):
    st = tcp_boot_stack(
        make_stack,
        "net.inet.tcp.syncache.hashsize=1",
        "net.inet.tcp.syncache.bucketlimit=2",
    )
    assert sysctl(st, "net.inet.tcp.syncache.hashsize") == 1
    assert sysctl(st, "net.inet.tcp.syncache.cachelimit") == 2
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 128) == 0
    for i in range(5):
        Peer(st, sport=41000 + i).send("S", options=[("MSS", 1460)])
    st.drain()
    assert sysctl(st, "net.inet.tcp.syncache.count") == 2
    st.advance(20, step=1)
    st.drain()
    quiesce(st, lfd)


def test_hostcache_sizes(make_stack):
    st = tcp_boot_stack(make_stack, HC + "hashsize=1", HC + "bucketlimit=3")
    assert sysctl(st, HC + "cachelimit") == 3
    fds = []
    for i in range(5):
        ip = "198.18.0.%d" % (20 + i)
        assert st.arp_add(ip, PEER_MAC, ffstack.LLE_STATIC) == 0
        _, fd = learn_mtu(st, ip=ip, sport=41000 + i)
        fds.append(fd)
    assert hc_count(st) == 3
    quiesce(st, *fds)


@pytest.mark.parametrize("limit_first", [True, False])
def test_explicit_cachelimit_wins_whatever_the_order(make_stack, limit_first):
    """hashsize and bucketlimit make cachelimit their product; a
    cachelimit given too stays, before or after them in the file (as
    FreeBSD's loader does it)."""
    sizes = [HC + "hashsize=1024", HC + "bucketlimit=40"]
    limit = [HC + "cachelimit=20000"]
    st = make_stack(boot(*(limit + sizes if limit_first else sizes + limit)))
    assert sysctl(st, HC + "hashsize") == 1024
    assert sysctl(st, HC + "bucketlimit") == 40
    assert sysctl(st, HC + "cachelimit") == 20000


def test_rwtun_tcp_knob(make_stack):
    st = make_stack(boot("net.inet.tcp.delacktime=77"))
    assert sysctl(st, "net.inet.tcp.delacktime") == 77
    st.sysctl("net.inet.tcp.delacktime", 40)  # RWTUN: still writable
    assert sysctl(st, "net.inet.tcp.delacktime") == 40


# -- IP reassembly, clock, packet pool --------------------------------------------


def test_maxfragpackets(make_stack):
    st = make_stack(boot("net.inet.ip.maxfragpackets=4"))
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    for ident in range(10):
        pkt = (
            IP(src=PEER_IP, dst=OUR_IP, id=ident)
            / ICMP(id=ident, seq=1)
            / (b"x" * 3000)
        )
        st.inject(Ether(dst=st.mac(), src=PEER_MAC) / fragment(pkt, 1480)[0])
    assert st.counter("ip.ipq_count") == 4
    assert st.counter("ip.ips_fragdropped") == 6


def test_fd_reserve(make_stack):
    """F-Stack's fd_reserve: our descriptors start above the kernel's;
    kern.maxfiles still counts how many may be open."""
    st = make_stack(boot("fd_reserve=1024", "kern.maxfiles=3"))
    fds = [st.api.socket(SOCK_DGRAM) for _ in range(3)]
    assert fds == [1024, 1025, 1026]
    with pytest.raises(OSError) as e:
        st.api.socket(SOCK_DGRAM)
    assert e.value.errno in (errno.EMFILE, errno.ENFILE)
    st.api.close(1025)
    assert st.api.socket(SOCK_DGRAM) == 1025  # the lowest free again
    for fd in fds:
        st.api.close(fd)


def test_fstack_sample_boot_section(make_stack):
    """F-Stack's sample [freebsd.boot], without the lines ff refuses
    (kern.ncallout, IPv6: see REFUSED), starts and takes effect."""
    st = make_stack(
        boot(
            "hz=100",
            "fd_reserve=1024",
            "kern.ipc.maxsockets=262144",
            "net.inet.tcp.syncache.hashsize=4096",
            "net.inet.tcp.syncache.bucketlimit=100",
            "net.inet.tcp.tcbhashsize=65536",
        )
    )
    assert sysctl(st, "kern.hz") == 100
    assert sysctl(st, "kern.ipc.maxsockets") == 262144
    assert sysctl(st, "net.inet.tcp.syncache.hashsize") == 4096
    assert sysctl(st, "net.inet.tcp.syncache.cachelimit") == 409600
    assert sysctl(st, "net.inet.tcp.tcbhashsize") == 65536
    fd = st.api.socket(SOCK_DGRAM)
    assert fd == 1024
    st.api.close(fd)


def test_hz(make_stack):
    st = make_stack(boot("kern.hz=250"))
    assert sysctl(st, "kern.hz") == 250


def test_nmbufs_sizes_the_pool(make_stack):
    st = make_stack(boot("kern.ipc.nmbufs=2047"))
    assert sysctl(st, "kern.ipc.nmbufs") == 2047


# -- refusals ---------------------------------------------------------------------

REFUSED = [
    (
        "kern.ipc.maxsocket=262144",
        "unknown tunable (no such sysctl)",
    ),
    (
        "net.inet6.ip6.forwarding=0",
        "IPv6 is not supported yet",
    ),
    ("kern.features.inet6=1", "IPv6 is not supported yet"),
    (
        "kern.ncallout=262144",
        "not supported by ff: its callouts live in the structures that "
        "own them, there is no callout table to size",
    ),
    (
        "net.inet.ip.ttl=32",
        "not a tunable; set it in [freebsd.sysctl]",
    ),
    ("kern.ostype=ff", "read-only, not a tunable"),
    ("net.inet.tcp=1", "a sysctl node, not a tunable"),
    ("kern.maxfiles=0", "0 is out of range (1..134217728)"),
    (
        "kern.maxfiles=lots",
        "lots is not a valid value (Maximum number of files)",
    ),
    ("kern.ipc.maxsockets=0", "0 is out of range"),
    ("kern.ipc.maxsockets=200000000", "200000000 is out of range"),
    (
        "net.inet.tcp.tcbhashsize=1000",
        "1000 is not a valid value (Size of TCP control-block hashtable)",
    ),
    (
        "net.inet.tcp.syncache.hashsize=3",
        "3 is not a valid value (Size of TCP syncache hashtable)",
    ),
    ("net.inet.ip.maxfragpackets=5000", "5000 is out of range (0..4096)"),
]


@pytest.mark.parametrize(
    "setting,why", REFUSED, ids=[s.split("=")[0] for s, _ in REFUSED]
)
def test_refused(setting, why):
    text = boot("hz=1000", setting)
    key = setting.split("=")[0]
    with pytest.raises(StackError) as e:
        ffstack.Stack(text)
    assert str(e.value.strerror) == "test.ini:%d: [freebsd.boot] %s: %s" % (
        line_of(text, key),
        key,
        why,
    )


def test_boot_only_node_refused_in_sysctl_section():
    text = boot(sysctls=["kern.ipc.maxsockets=1000"])
    with pytest.raises(StackError) as e:
        ffstack.Stack(text)
    assert str(e.value.strerror) == (
        "test.ini:%d: [freebsd.sysctl] kern.ipc.maxsockets: read-only at "
        "run time; set it in [freebsd.boot]"
        % line_of(text, "kern.ipc.maxsockets")
    )
