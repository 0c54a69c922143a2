"""TCP segments that arrive as IP fragments.  RFC 791 lets any fragment
but the last carry as little as 8 bytes, so a first fragment may hold
only part of the TCP header (its ports and sequence number); the
segment is served once reassembled, its header read only then."""

import errno

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether

from tcp_peer import PEER_MAC, Peer, establish, quiesce, tcp_stack


def split(pkt, first):
    """The IP datagram of pkt as two fragments: the first carrying
    `first` bytes of IP payload (a multiple of 8), the second the rest."""
    ip = pkt[IP].copy()
    del ip.chksum, ip.len
    raw = bytes(ip[IP].payload)
    assert first % 8 == 0 and 0 < first < len(raw)
    hdr = dict(src=ip.src, dst=ip.dst, id=4242, proto=ip.proto, ttl=64)
    eth = Ether(dst=pkt[Ether].dst, src=PEER_MAC)
    return [
        eth / IP(flags="MF", frag=0, **hdr) / raw[:first],
        eth / IP(frag=first // 8, **hdr) / raw[first:],
    ]


def test_data_segment_whose_header_spans_fragments(make_stack):
    """A 32-byte header (timestamps) split after 24 bytes."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    seg = peer.segment(
        "PA",
        data=b"split-header",
        options=[("NOP", None), ("NOP", None), ("Timestamp", (7, 0))],
    )
    assert len(seg[TCP]) - len(b"split-header") == 32
    for f in split(seg, 24):
        st.inject(f)
    st.advance(0.2, step=0.01)  # the delayed ACK
    ack = peer.expect("A")
    assert ack.ack == peer.seq + len(b"split-header")
    assert st.tcp_recv(fd) == b"split-header"
    assert st.counter("ip.ips_reassembled") == 1
    assert st.counter("tcp.tcps_rcvshort") == 0
    peer.seq += len(b"split-header")
    quiesce(st, fd)


def test_syn_in_an_eight_byte_first_fragment(make_stack):
    """Only the ports and the sequence number in the first fragment."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 1000
    syn = peer.segment(
        "S",
        options=[
            ("MSS", 1400),
            ("SAckOK", b""),
            ("Timestamp", (1, 0)),
            ("NOP", None),
            ("WScale", 7),
        ],
    )
    for f in split(syn, 8):
        st.inject(f)
    sa = peer.expect("SA")
    assert sa.ack == 1001
    assert st.counter("ip.ips_reassembled") == 1
    peer.seq = 1001
    peer.ack = sa.seq + 1
    peer.send("A")
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    assert st.tcp_recv(fd) == -errno.EAGAIN
    quiesce(st, fd, lfd)
