"""The TCP checksum of received segments, verified in software when the
port gives no verdict (memif, the test port): in_cksum_raw_mbuf() sums
each mbuf of the frame's chain 16 bytes at a time (kern/subr_cksum.c,
cksum_sum).  A segment whose checksum is the one RFC 9293 3.1 defines
(scapy computes it) is taken, whatever its length and however the frame
is cut over mbufs, also at odd offsets of the payload and in the middle
of a 16-byte run; a segment with any one bit changed after its checksum
was computed is dropped and counted (tcps_rcvbadsum), and its bytes never
reach the socket."""

import errno
import random

import pytest
from scapy.layers.inet import TCP

from tcp_peer import Peer, handshake_passive, quiesce, tcp_stack

# Lengths around the 16- and 32-byte runs and the 8-byte tail, and full
# segments.
LENGTHS = (1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 1001, 1448, 1460)
HDRS = 14 + 20 + 20  # Ethernet, IP, TCP: where the payload starts


def frame(peer, data):
    """A data segment with scapy's own checksum filled in."""
    p = peer.segment("PA", data=data)
    return p.__class__(bytes(p))


def cuts_for(n, rng):
    """Ways to cut a frame of n payload bytes over mbufs: none, after the
    headers, at odd payload offsets, every 5 bytes of a short one."""
    out = [[], [HDRS]]
    if n > 2:
        out.append([HDRS, HDRS + 1])
        out.append([HDRS + n // 2 | 1])
    if n > 40:
        odd = sorted({HDRS + (rng.randrange(n) | 1) for _ in range(3)})
        out.append(odd)
    if 3 < n < 70:
        out.append(list(range(HDRS + 1, HDRS + n, 5)))
    return out


@pytest.mark.parametrize("n", LENGTHS)
def test_good_segments_taken_however_cut(make_stack, n):
    rng = random.Random(n)
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40000, dport=80)
    lfd, fd = handshake_passive(st, peer)
    bad0 = st.counter("tcp.tcps_rcvbadsum")
    for cuts in cuts_for(n, rng):
        data = bytes(rng.randrange(256) for _ in range(n))
        st.inject_split(frame(peer, data), cuts)
        peer.seq = (peer.seq + n) & 0xFFFFFFFF
        got = b""
        while len(got) < n:
            r = st.tcp_recv(fd)
            assert isinstance(r, bytes) and r, (cuts, r)
            got += r
        assert got == data, cuts
    assert st.counter("tcp.tcps_rcvbadsum") == bad0
    peer.send("A", ack=None)
    quiesce(st, fd, lfd)


@pytest.mark.parametrize("n", (1, 17, 33, 1448))
def test_one_bit_changed_is_dropped(make_stack, n):
    rng = random.Random(1000 + n)
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40001, dport=80)
    lfd, fd = handshake_passive(st, peer)
    data = bytes(rng.randrange(256) for _ in range(n))
    good = bytes(frame(peer, data))
    # The first and last payload byte, one in the middle, the urgent
    # pointer's low byte (a header word the sum covers).
    spots = sorted({HDRS, HDRS + n - 1, HDRS + n // 2, HDRS - 1})
    for spot in spots:
        for cuts in (
            [],
            [HDRS + 1],
            [spot | 1] if spot | 1 < len(good) else [],
        ):
            bad = bytearray(good)
            bad[spot] ^= 1 << rng.randrange(8)
            before = st.counter("tcp.tcps_rcvbadsum")
            st.inject_split(bytes(bad), cuts)
            assert st.counter("tcp.tcps_rcvbadsum") == before + 1, (spot, cuts)
            assert st.tcp_recv(fd) == -errno.EAGAIN  # nothing was taken
    # The same segment, intact, is taken.
    st.inject_split(good, [HDRS + 1])
    peer.seq = (peer.seq + n) & 0xFFFFFFFF
    got = b""
    while len(got) < n:
        got += st.tcp_recv(fd)
    assert got == data
    st.advance(0.5)  # a delayed ACK
    ack = peer.expect()
    assert ack.ack == peer.seq
    peer.send("A")
    quiesce(st, fd, lfd)


def test_checksum_field_is_scapys(make_stack):
    """The frames this test makes carry scapy's checksum, not a stale
    one (a test that would pass with any checksum proves nothing)."""
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40002, dport=80)
    p = frame(peer, b"abc")
    q = peer.segment("PA", data=b"abc")
    q[TCP].chksum = None
    assert p[TCP].chksum == q.__class__(bytes(q))[TCP].chksum != 0
