"""Several stack processes on one port, through two joined test ports:
stack `a' stands for process 0, `b' for process 1 of lcore_mask=3.  A
frame injected into a's port is what the NIC put on queue 0.

Expected owners come from this file's own Toeplitz hash (checked against
the test vectors of Microsoft's RSS specification) with the symmetric key
0x6d5a and F-Stack's table: bucket hash % 128, process bucket % 2."""

import ctypes
import random

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Ether

import ffstack
from ffstack import LLE_STATIC, OUR_IP, PEER_IP, PEER_MAC, Api

MP_CONFIG = ffstack.CONFIG.replace("lcore_mask=1", "lcore_mask=3")
SYM_KEY = bytes([0x6D, 0x5A] * 20)
MS_KEY = bytes.fromhex(
    "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c"
    "6a42b73bbeac01fa"
)


def toeplitz(key, data):
    k, klen, h = int.from_bytes(key, "big"), len(key) * 8, 0
    for i in range(len(data) * 8):
        if data[i // 8] & (0x80 >> (i % 8)):
            h ^= (k >> (klen - 32 - i)) & 0xFFFFFFFF
    return h


def tuple4(src, sport, dst, dport):
    ip = lambda a: bytes(int(x) for x in a.split("."))  # noqa: E731
    return (
        ip(src) + ip(dst) + sport.to_bytes(2, "big") + dport.to_bytes(2, "big")
    )


def owner(src, sport, dst, dport, nprocs=2):
    return (toeplitz(SYM_KEY, tuple4(src, sport, dst, dport)) % 128) % nprocs


@pytest.fixture
def pair(libff_test_path):
    a = ffstack.Stack(MP_CONFIG, proc=0)
    b = ffstack.Stack(MP_CONFIG, proc=1)
    assert a.lib.ff_test_join(a.h, b.h) == 0
    for st in (a, b):
        st.arp_add(PEER_IP, PEER_MAC, LLE_STATIC)
    yield a, b
    # b may hold frames of a's pool: it goes first.
    assert b.destroy() == 0
    assert a.destroy() == 0


def run(*stacks):
    for _ in range(3):
        for st in stacks:
            st.run()


def syn(st, sport, dport=80, seq=1000):
    return (
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / TCP(sport=sport, dport=dport, flags="S", seq=seq)
    )


def listen(st, port=80):
    api = Api(st)
    fd = api.socket(1)
    api.bind(fd, "0.0.0.0", port)
    api.listen(fd)
    return api, fd


def test_toeplitz_matches_the_rss_specification():
    lib = ffstack.lib()
    # Microsoft, "Verifying the RSS hash calculation": IPv4 with TCP.
    # IPv4 with TCP (4-tuple) and IPv4 alone (addresses only).
    for src, sport, dst, dport, want, want_ip in (
        ("66.9.149.187", 2794, "161.142.100.80", 1766, 0x51CCC178, 0x323E8FC2),
        ("199.92.111.2", 14230, "65.69.140.83", 4739, 0xC626B0EA, 0xD718262A),
    ):
        data = tuple4(src, sport, dst, dport)
        assert toeplitz(MS_KEY, data) == want
        assert lib.ff_test_toeplitz(MS_KEY, 40, data, 12) == want
        assert toeplitz(MS_KEY, data[:8]) == want_ip
        assert lib.ff_test_toeplitz(MS_KEY, 40, data[:8], 8) == want_ip


def test_flow_hash_is_symmetric():
    lib = ffstack.lib()
    for sport in (1, 80, 40000, 65535):
        there = lib.ff_test_rss_hash(b"198.18.0.1", sport, b"198.18.0.2", 80)
        back = lib.ff_test_rss_hash(b"198.18.0.2", 80, b"198.18.0.1", sport)
        assert there == back
        assert there == toeplitz(SYM_KEY, tuple4(PEER_IP, sport, OUR_IP, 80))


def test_flow_hash_by_table_is_the_toeplitz_hash():
    """The stack hashes by table (net/rss_symtab.h): the same values as
    the bit-by-bit definition, on tuples of every kind of byte."""
    lib, rnd = ffstack.lib(), random.Random(14)
    for _ in range(300):
        src = ".".join(str(rnd.randrange(256)) for _ in range(4))
        dst = ".".join(str(rnd.randrange(256)) for _ in range(4))
        sp, dp = rnd.randrange(65536), rnd.randrange(65536)
        want = toeplitz(SYM_KEY, tuple4(src, sp, dst, dp))
        assert lib.ff_test_rss_hash(src.encode(), sp, dst.encode(), dp) == want


def test_each_flow_reaches_its_owner(pair):
    a, b = pair
    listen(a)
    listen(b)
    ports = range(40000, 40024)
    owners = [owner(PEER_IP, p, OUR_IP, 80) for p in ports]
    assert 0 in owners and 1 in owners
    for p, o in zip(ports, owners):
        a.inject(syn(a, p), run=False)
        run(a, b)
        got = {0: a.drain(), 1: b.drain()}
        assert [TCP in f and f[TCP].flags == "SA" for f in got[o]] == [True]
        assert got[1 - o] == []
        assert got[o][0][TCP].dport == p
    moved = owners.count(1)
    assert a.counter("rss.rss_handover_out") == moved
    assert b.counter("rss.rss_handover_in") == moved
    assert b.counter("rss.rss_handover_out") == 0


def test_a_whole_connection_lives_in_its_owner(pair):
    a, b = pair
    api_b, lfd = listen(b)
    listen(a)
    sport = next(
        p for p in range(41000, 41100) if owner(PEER_IP, p, OUR_IP, 80) == 1
    )
    a.inject(syn(a, sport, seq=1000), run=False)
    run(a, b)
    sa = b.expect(TCP)
    assert sa[TCP].flags == "SA" and a.drain() == []
    ack = (
        Ether(dst=a.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / TCP(sport=sport, dport=80, flags="A", seq=1001, ack=sa[TCP].seq + 1)
    )
    a.inject(ack / b"hello", run=False)
    run(a, b)
    fd, peer = api_b.accept(lfd)
    assert peer == (PEER_IP, sport)
    assert api_b.recv(fd) == b"hello"
    assert a.drain() == []
    api_b.close(fd)
    run(b)
    b.drain()
    assert a.counter("tcp.tcps_rcvtotal") == 0


def test_a_dead_process_flows_go_to_the_first_live_one(pair):
    a, b = pair
    listen(a)
    listen(b)
    sport, later = [
        p for p in range(42000, 42100) if owner(PEER_IP, p, OUR_IP, 80) == 1
    ][:2]
    # Process 1 died: process 0 takes its flows and reads its queue.
    assert a.lib.ff_test_procs_live(a.h, 0b01) == 0b10
    a.inject(syn(a, sport), run=False)
    run(a, b)
    assert a.expect(TCP)[TCP].flags == "SA"
    assert b.drain() == []
    assert a.counter("rss.rss_handover_out") == 0
    # It runs again: its flows go back to it.
    assert a.lib.ff_test_procs_live(a.h, 0b11) == 0
    a.inject(syn(a, later), run=False)
    run(a, b)
    assert a.drain() == []
    assert b.expect(TCP)[TCP].flags == "SA"


def test_arp_reaches_both_and_is_answered_once(pair):
    a, b = pair
    for st in (a, b):
        st.arp_delete(PEER_IP)
    a.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP),
        run=False,
    )
    run(a, b)
    replies = a.drain()
    assert len(replies) == 1 and replies[0][ARP].op == 2
    assert b.drain() == []
    for st in (a, b):
        mac, _, _ = st.arp_get(PEER_IP)
        assert mac == PEER_MAC
    assert a.counter("rss.rss_copies") == 1
    assert b.counter("rss.rss_handover_in") == 1


@pytest.mark.parametrize("proc", [0, 1])
def test_connect_picks_a_port_that_hashes_home(pair, proc):
    st = pair[proc]
    api = Api(st)
    fds = [api.socket(1) for _ in range(16)]
    for fd in fds:
        try:
            api.connect(fd, PEER_IP, 8080)
        except BlockingIOError:
            pass
    st.run()
    sports = [f[TCP].sport for f in st.drain() if TCP in f]
    assert len(sports) == 16
    assert [owner(OUR_IP, p, PEER_IP, 8080) for p in sports] == [proc] * 16
    for fd in fds:
        api.close(fd)
    st.run()
    st.drain()


def test_bind_then_connect_rehomes_the_port(pair):
    b = pair[1]
    api = Api(b)
    fds, bound = [api.socket(1) for _ in range(12)], []
    for fd in fds:
        api.bind(fd, OUR_IP, 0)
        bound.append(api.getsockname(fd)[1])
    away = [p for p in bound if owner(OUR_IP, p, PEER_IP, 8080) != 1]
    assert away  # the PRNG is seeded: the test does not depend on luck
    for fd in fds:
        try:
            api.connect(fd, PEER_IP, 8080)
        except BlockingIOError:
            pass
    b.run()
    sports = [f[TCP].sport for f in b.drain() if TCP in f]
    assert [owner(OUR_IP, p, PEER_IP, 8080) for p in sports] == [1] * 12
    assert b.counter("rss.rss_lport_rehome") == len(away)
    for fd in fds:
        api.close(fd)
    b.run()
    b.drain()


@pytest.mark.parametrize("proc", [0, 1])
def test_first_datagram_binds_a_port_that_hashes_home(pair, proc):
    st = pair[proc]
    api = Api(st)
    fds = [api.socket(2) for _ in range(12)]
    for fd in fds:
        api.sendto(fd, b"q", PEER_IP, 5353)
    st.run()
    sports = [f[UDP].sport for f in st.drain() if UDP in f]
    assert len(sports) == 12
    assert [owner(OUR_IP, p, PEER_IP, 5353) for p in sports] == [proc] * 12
    for fd in fds:
        api.close(fd)


DISPATCH = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_uint16),
    ctypes.c_uint16,
    ctypes.c_uint16,
)


def ping(st):
    return (
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(id=7, seq=1)
        / b"abcd"
    )


def test_dispatcher_sends_to_the_process_it_names(pair):
    a, b = pair
    seen = []

    def to_b(data, plen, queue, nqueues):
        seen.append((plen[0], queue, nqueues))
        return 1

    cb = DISPATCH(to_b)
    a.lib.ff_test_dispatcher(a.h, ctypes.cast(cb, ctypes.c_void_p))
    a.inject(ping(a), run=False)
    run(a, b)
    assert seen == [(len(ping(a)), 0, 2)]
    assert a.drain() == []
    assert b.expect(ICMP)[ICMP].type == 0
    a.lib.ff_test_dispatcher(a.h, None)


def test_dispatcher_drops_and_answers(pair):
    a, b = pair
    verdict = [ffstack_dispatch_error()]

    def decide(data, plen, queue, nqueues):
        if verdict[0] == -2:  # answer: the frame back, MACs swapped
            buf = (ctypes.c_uint8 * plen[0]).from_address(data)
            buf[0:12] = bytes(buf[6:12]) + bytes(buf[0:6])
            plen[0] = 40  # and cut short
        return verdict[0]

    cb = DISPATCH(decide)
    a.lib.ff_test_dispatcher(a.h, ctypes.cast(cb, ctypes.c_void_p))
    a.inject(ping(a), run=False)
    run(a, b)
    assert a.drain() == [] and b.drain() == []
    assert a.counter("rss.rss_disp_drop") == 1
    verdict[0] = -2
    sent = bytes(ping(a))
    a.inject(ping(a), run=False)
    run(a, b)
    out = a.pop_raw()
    assert out == sent[6:12] + sent[0:6] + sent[12:40]
    assert a.counter("rss.rss_disp_resp") == 1
    a.lib.ff_test_dispatcher(a.h, None)


def ffstack_dispatch_error():
    return -1  # FF_DISPATCH_ERROR (ff_api.h, F-Stack's value)


def test_a_flow_cut_inside_its_headers_reaches_its_owner(pair):
    """A port may cut a frame anywhere (memif's 2 KB mbufs, header
    split): the dispatch pulls up the headers it hashes, so a SYN whose
    ports (or addresses) are in a later mbuf still goes to its owner."""
    a, b = pair
    listen(a)
    listen(b)
    ports = [p for p in range(40000, 40064) if owner(PEER_IP, p, OUR_IP, 80)]
    # Inside the Ethernet header, inside IP's addresses, between IP and
    # TCP, between the ports.
    for p, cut in zip(ports, (6, 14 + 14, 14 + 20, 14 + 22)):
        a.inject_split(syn(a, p), [cut], run=False)
        run(a, b)
        assert a.drain() == []
        got = b.drain()
        assert [f[TCP].flags == "SA" and f[TCP].dport == p for f in got] == [
            True
        ], cut
    assert a.counter("rss.rss_handover_out") == 4
    assert b.counter("rss.rss_handover_in") == 4


def test_dispatcher_sees_the_headers_of_a_cut_frame(pair):
    """The application's dispatcher sees the first segment: a frame a
    port cut inside its headers is pulled up first, so that it reads
    Ethernet, IP and the ICMP header whole."""
    a, b = pair
    seen = []

    def look(data, plen, queue, nqueues):
        seen.append(ctypes.string_at(data, plen[0]))
        return 0

    cb = DISPATCH(look)
    a.lib.ff_test_dispatcher(a.h, ctypes.cast(cb, ctypes.c_void_p))
    whole = bytes(ping(a))
    a.inject_split(ping(a), [5, 14 + 9], run=False)
    run(a, b)
    assert len(seen) == 1 and seen[0] == whole[: len(seen[0])]
    assert len(seen[0]) >= 14 + 20 + 8
    assert a.expect(ICMP)[ICMP].type == 0
    a.lib.ff_test_dispatcher(a.h, None)
