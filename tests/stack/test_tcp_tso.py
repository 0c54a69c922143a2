"""TCP segmentation offload ([dpdk] tso, netinet/tcp_output.c, the tx
words of dpdk/ff_dpdk_mbuf.h): on a port that offers TSO, with tso=1, the
stack hands down super-segments of whole MSS payloads, at most 65517
bytes of IP datagram (FreeBSD's if_hw_tsomax), flagged for the port to cut
(RTE_MBUF_F_TX_TCP_SEG with tso_segsz = the MSS) and carrying the pseudo-
header sum without the length in th_sum; without tso=1, or on a port
without TSO, segments stay within the MSS.  The test port stands for the
device: it shows the frame and its DPDK words as the device gets them."""

import ctypes
import struct

import pytest
from scapy.layers.inet import IP, TCP

from ffstack import CONFIG, capenable
from tcp_peer import Peer, establish, quiesce, tcp_stack

# rte_ethdev.h and rte_mbuf_core.h (DPDK 22.11).
TX_OFFLOAD_IPV4_CKSUM = 1 << 1
TX_OFFLOAD_TCP_CKSUM = 1 << 3
TX_OFFLOAD_TCP_TSO = 1 << 5
TX_OFFLOAD_MULTI_SEGS = 1 << 15
F_TX_TCP_SEG = 1 << 50
F_TX_IPV4 = 1 << 55
IFCAP_TSO4 = 0x100  # FreeBSD net/if.h
TSO_MAX = 65535 - (14 + 4)  # if_hw_tsomax: IP_MAXPACKET less a VLAN header
MSS = 1460
TSO_PORT = (
    TX_OFFLOAD_IPV4_CKSUM
    | TX_OFFLOAD_TCP_CKSUM
    | TX_OFFLOAD_TCP_TSO
    | TX_OFFLOAD_MULTI_SEGS
)


def stack(make_stack, tso, port_tx=TSO_PORT):
    cfg = CONFIG.replace("port_list=0", f"port_list=0\ntso={tso}")
    st = tcp_stack(lambda: make_stack(cfg))
    st.offloads(tx=port_tx)
    st.sysctl("net.inet.tcp.sendspace", 256 * 1024)  # room for 64 KB
    return st


def pop_offloads(st):
    """(ol_flags, tso_segsz, l4_len, nb_segs) of the frame popped last."""
    out = (ctypes.c_uint64 * 4)()
    st.lib.ff_test_pop_offloads.argtypes = [ctypes.c_void_p, out._type_ * 4]
    assert st.lib.ff_test_pop_offloads(st.h, out) == 0
    return tuple(out)


def pseudo_sum(ip):
    """RFC 793 pseudo-header sum of src, dst and protocol, no length."""
    words = struct.unpack("!4H", bytes(ip)[12:20])
    s = sum(words) + 6
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ack(peer, t):
    """ACK every second MSS of t, as a receiver of the cut segments does."""
    n = len(t.payload)
    for off in [*range(2 * MSS, n, 2 * MSS), n]:
        peer.ack = t.seq + off
        peer.send("A")


def send_all(st, peer, fd, data):
    """Send data, ACK everything that comes, return the frames seen."""
    frames, sent, got = [], 0, b""
    while len(got) < len(data):
        if sent < len(data):
            n = st.tcp_send(fd, data[sent:])
            sent += max(n, 0)
        new = []
        while (p := st.pop()) is not None:
            if TCP in p:
                new.append((p, pop_offloads(st)))
        assert new, "the stack stopped sending at %d" % len(got)
        for p, _ in new:
            got += bytes(p[TCP].payload)
            ack(peer, p[TCP])
        frames += new
    assert got == data
    return frames


@pytest.fixture
def data():
    return bytes(i * 7 % 251 for i in range(300_000))


def test_capability_follows_config(make_stack):
    assert capenable(stack(make_stack, 1)) & IFCAP_TSO4
    assert not capenable(stack(make_stack, 0)) & IFCAP_TSO4
    no_tso = TSO_PORT & ~TX_OFFLOAD_TCP_TSO
    assert not capenable(stack(make_stack, 1, no_tso)) & IFCAP_TSO4


def test_super_segments(make_stack, data):
    st = stack(make_stack, 1)
    peer = Peer(st)
    fd = establish(st, peer, mss=MSS)
    frames = send_all(st, peer, fd, data)  # slow start opens cwnd
    big = [(p, o) for p, o in frames if len(p[TCP].payload) > MSS]
    assert big, "no super-segment"
    # All acknowledged, cwnd past 64 KB: a burst starts with the largest
    # datagram of whole MSS payloads.
    whole = (TSO_MAX - 40) // MSS * MSS + 40
    more = send_all(st, peer, fd, data[:100_000])
    assert more[0][0][IP].len == whole
    frames += more
    for p, (ol, segsz, l4len, nsegs) in big:
        assert p[IP].len <= TSO_MAX
        assert ol & (F_TX_TCP_SEG | F_TX_IPV4) == F_TX_TCP_SEG | F_TX_IPV4
        assert segsz == MSS and l4len == p[TCP].dataofs * 4
        assert nsegs > 1  # a chain: a 2 KB mbuf cannot hold it
        assert p[TCP].chksum == pseudo_sum(p[IP])
    # Whole MSS payloads, except where the send buffer ran out.
    for p, _ in big[:-1]:
        assert len(p[TCP].payload) % MSS == 0
    quiesce(st, fd)


@pytest.mark.parametrize(
    "tso,port_tx",
    [(0, TSO_PORT), (1, TSO_PORT & ~TX_OFFLOAD_TCP_TSO)],
    ids=["tso=0", "port-without-tso"],
)
def test_segments_within_mss(make_stack, data, tso, port_tx):
    st = stack(make_stack, tso, port_tx)
    peer = Peer(st)
    fd = establish(st, peer, mss=MSS)
    for p, (ol, *_) in send_all(st, peer, fd, data[:100_000]):
        assert len(p[TCP].payload) <= MSS
        assert not ol & F_TX_TCP_SEG
        ref = IP(bytes(p[IP]))
        del ref[TCP].chksum  # scapy computes the whole checksum
        assert IP(bytes(ref))[TCP].chksum == p[TCP].chksum
    quiesce(st, fd)
