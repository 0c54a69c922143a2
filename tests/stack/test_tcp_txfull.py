"""A data segment the port refuses (its buffer full of frames the device
would not take: a memif peer that has not caught up) is not lost to a
retransmission: ip_output says ENOBUFS, tcp_output takes the segment's
sequence space back (FreeBSD's tcp_output on a send error) and sends
the same bytes, as new data, once the port drains and an ACK comes.
The drop itself is if.oqdrops and tcpx_oerrors; no retransmission is
counted and nothing is sent twice."""

from scapy.layers.inet import TCP

from tcp_peer import PEER_IP, Peer, handshake_passive, quiesce, tcp_stack

DEVICE, BUFFER = 1024, 32  # the port's ring ([port0] tx_desc), its buffer
OQDROPS = "if.f-stack-0.oqdrops"
MSS = 1460  # handshake_passive's


def fill_port(st):
    """Frames nobody takes: the device's queue, then the port's buffer."""
    for _ in range(DEVICE + BUFFER):
        assert st.ip_output(PEER_IP) == 0


def empty_port(st):
    st.run()  # the buffered frames move to the device as it frees
    while st.pop_raw() is not None or st.pending():
        st.run()


def test_refused_segment_is_sent_once_as_new_data(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40000, dport=80)
    lfd, fd = handshake_passive(st, peer)
    start = peer.ack  # our first data byte
    assert st.tcp_send(fd, b"a" * 1000) == 1000
    first = peer.expect("PA")  # in flight, not yet acknowledged
    assert (first.seq, bytes(first.payload)) == (start, b"a" * 1000)
    fill_port(st)
    before = st.counters(OQDROPS, "tcpx.tcpx_oerrors")
    # A full segment (Nagle would hold a small one behind the first).
    assert st.tcp_send(fd, b"b" * MSS) == MSS
    assert st.counters(OQDROPS, "tcpx.tcpx_oerrors") == {
        OQDROPS: before[OQDROPS] + 1,
        "tcpx.tcpx_oerrors": before["tcpx.tcpx_oerrors"] + 1,
    }
    # While the port stays full and data is in flight, an ACK (a window
    # update) builds nothing more.
    peer.send("A", ack=start, win=50000)
    assert st.counter(OQDROPS) == before[OQDROPS] + 1
    empty_port(st)
    peer.send("A", ack=start + 1000, win=60000)
    seg = peer.expect("PA")
    assert (seg.seq, bytes(seg.payload)) == (start + 1000, b"b" * MSS)
    peer.expect_nothing()
    assert st.counter("tcp.tcps_sndrexmitpack") == 0
    assert st.counter("tcp.tcps_sndpack") >= 2
    peer.send("A", ack=start + 1000 + MSS)
    peer.expect_nothing()  # all acknowledged: nothing left to send
    quiesce(st, fd, lfd)


def test_refused_ack_goes_again(make_stack):
    """An ACK the full port refuses is sent again once it drains (the
    next tick), not left for the peer's retransmission timeout: a bulk
    receiver whose peer was slow to take its frames dropped half its
    ACKs, and a flight whose last ACK was lost stalled for the peer's
    RTO (at least 230 ms)."""
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40002, dport=80)
    lfd, fd = handshake_passive(st, peer)
    fill_port(st)
    before = st.counter(OQDROPS)
    # Two full segments: RFC 5681 4.2 wants an ACK for them now.
    peer.send("A", data=b"x" * MSS)
    peer.send("PA", data=b"y" * MSS)
    assert st.counter(OQDROPS) > before  # the ACK was refused
    empty_port(st)
    st.advance(0.005, step=0.001)
    acks = []
    while (p := peer.pop()) is not None:
        acks.append(p[TCP].ack)
    assert acks and acks[-1] == peer.seq, acks
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    assert st.tcp_recv(fd) == b"x" * MSS + b"y" * MSS
    quiesce(st, fd, lfd)
