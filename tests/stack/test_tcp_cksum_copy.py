"""The TCP checksum of data segments, summed while the payload is copied
out of the send buffer (kern/subr_cksum.c, sbcopydata_cksum): every
segment's checksum is the one RFC 9293 3.1 defines, as scapy computes
it, also when a segment's bytes come from several buffer mbufs and one of
them starts at an odd offset of the payload (an odd MSS, writes of odd
sizes), and the bytes are the ones written."""

import random

import pytest
from scapy.layers.inet import IP, TCP, in4_chksum

from tcp_peer import Peer, handshake_passive, quiesce, tcp_stack

WRITES = (1001, 1920, 7, 3333, 1, 4095, 2, 999, 6000)


def right_checksum(seg):
    """What the checksum field must hold for seg (zeroed, then summed)."""
    t = bytearray(bytes(seg[TCP]))
    t[16:18] = b"\0\0"
    ip = seg[IP]
    return in4_chksum(6, IP(src=ip.src, dst=ip.dst, proto=6), bytes(t))


@pytest.mark.parametrize("mss", [1001, 1460, 536])
def test_data_segment_checksums(make_stack, mss):
    rng = random.Random(mss)
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40000, dport=80)
    lfd, fd = handshake_passive(st, peer, options=[("MSS", mss)])
    data = bytes(rng.randrange(256) for _ in range(sum(WRITES)))
    off = 0
    for n in WRITES:
        assert st.tcp_send(fd, data[off : off + n]) == n
        off += n
    got, segs = b"", 0
    while len(got) < len(data):
        st.run()
        p = peer.pop()
        if p is None:  # the window is full: acknowledge what came
            peer.send("A", win=65535)
            continue
        t = p[TCP]
        payload = bytes(t.payload)
        if not payload:
            continue
        assert t.chksum == right_checksum(p), (segs, len(payload))
        assert len(payload) <= mss
        got += payload
        segs += 1
        peer.ack = (t.seq + len(payload)) & 0xFFFFFFFF
    assert got == data
    assert segs >= len(data) // mss
    peer.send("A", win=65535)
    quiesce(st, fd, lfd)


@pytest.mark.parametrize("n", [8, 15, 16, 24, 31, 40, 1448])
def test_all_ones_payload_checksum(make_stack, n):
    """A payload of 0xff bytes: its 64-bit sum is near 2^64 when its words
    are summed without a 32-byte run, so the header's and pseudo-header's
    sums must be added with the end-around carry (RFC 1071 2(B)), not
    with a plain 64-bit add that drops it."""
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40001, dport=80)
    lfd, fd = handshake_passive(st, peer)
    assert st.tcp_send(fd, b"\xff" * n) == n
    p = peer.pop()
    assert p is not None and bytes(p[TCP].payload) == b"\xff" * n
    assert p[TCP].chksum == right_checksum(p)
    peer.ack = (p[TCP].seq + n) & 0xFFFFFFFF
    peer.send("A", win=65535)
    quiesce(st, fd, lfd)
