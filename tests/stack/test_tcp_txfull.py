"""A data segment the port refuses (its buffer full of frames the device
would not take: a memif peer that has not caught up) is not lost to a
retransmission: ip_output says ENOBUFS, tcp_output takes the segment's
sequence space back (FreeBSD's tcp_output on a send error) and sends
the same bytes, as new data, as soon as the port drains (the end of the
loop iteration that finds it with room), without waiting for an ACK or
for the retransmission timeout (at least rexmit_min + rexmit_slop,
230 ms).  The drop itself is if.oqdrops and tcpx_oerrors; no
retransmission is counted and nothing is sent twice (RFC 9293 3.4: the
sequence numbers the peer sees stay contiguous)."""

from scapy.layers.inet import TCP
from scapy.layers.l2 import Ether

from ffstack import CONFIG
from tcp_peer import (
    PEER_IP,
    Peer,
    establish,
    handshake_passive,
    quiesce,
    tcp_stack,
)

DEVICE, BUFFER = 1024, 32  # the port's ring ([port0] tx_desc), its buffer
OQDROPS = "if.f-stack-0.oqdrops"
MSS = 1460  # handshake_passive's


def fill_port(st):
    """Frames nobody takes: the device's queue, then the port's buffer."""
    for _ in range(DEVICE + BUFFER):
        assert st.ip_output(PEER_IP) == 0


def empty_port(st):
    """The peer takes every frame; the TCP segments among them."""
    segs = []
    st.run()  # the buffered frames move to the device as it frees
    while (raw := st.pop_raw()) is not None or st.pending():
        if raw is not None:
            p = Ether(raw)
            if TCP in p:
                segs.append(p[TCP])
        st.run()
    return segs


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
    # Sent once the port has room, before the first segment's ACK.
    segs = [(t.seq, bytes(t.payload)) for t in empty_port(st) if t.payload]
    assert segs == [(start + 1000, b"b" * MSS)]
    peer.send("A", ack=start + 1000, win=60000)
    peer.expect_nothing()
    assert st.counter("tcp.tcps_sndrexmitpack") == 0
    assert st.counter("tcp.tcps_sndpack") >= 2
    peer.send("A", ack=start + 1000 + MSS)
    peer.expect_nothing()  # all acknowledged: nothing left to send
    quiesce(st, fd, lfd)


def test_refused_ack_goes_again(make_stack):
    """An ACK the full port refuses is sent again once it drains (the end
    of the iteration that finds room; the next tick at the latest), not
    left for the peer's retransmission timeout: a bulk
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
    # It goes as soon as the port drains, virtual time not moving.
    acks = [t.ack for t in empty_port(st) if t.dport == 40002]
    assert acks and acks[-1] == peer.seq, acks
    st.advance(0.005, step=0.001)
    peer.expect_nothing()  # and not again at the retry tick
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    assert st.tcp_recv(fd) == b"x" * MSS + b"y" * MSS
    quiesce(st, fd, lfd)


def small_ring_stack(make_stack):
    return tcp_stack(
        make_stack, CONFIG.replace("[port0]", "[port0]\ntx_desc=32")
    )


def fill_small_port(st):
    for _ in range(32 + BUFFER):
        assert st.ip_output(PEER_IP) == 0


def test_refused_with_nothing_in_flight_goes_when_the_port_drains(make_stack):
    """Nothing in flight, so no ACK will come: the refused segment goes
    in the iterations after the port drains (virtual time does not move,
    so no timer sent it), as new data, then the rest of the buffer, the
    peer's bytes exact and contiguous."""
    st = small_ring_stack(make_stack)
    peer = Peer(st, sport=40004, dport=80)
    lfd, fd = handshake_passive(st, peer)
    start = peer.ack
    fill_small_port(st)
    before = st.counter(OQDROPS)
    data = bytes(range(256)) * 23  # 5888 bytes: five segments
    assert st.tcp_send(fd, data) == len(data)
    assert st.counter(OQDROPS) == before + 1  # the first was refused
    got, seq = b"", start
    segs = empty_port(st)
    assert segs and segs[0].seq == start  # the refused one, first
    for _ in range(3):  # Nagle holds the small tail until an ACK
        for t in segs:
            if t.payload:
                assert t.seq == seq, (t.seq, seq)  # contiguous, no resend
                got += bytes(t.payload)
                seq += len(t.payload)
        peer.send("A", ack=seq)
        segs = empty_port(st)
    assert got == data
    assert st.check() is None
    assert st.counter("tcp.tcps_sndrexmitpack") == 0
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    st.advance(1, step=0.01)  # the fallback timer finds nothing to do
    peer.expect_nothing()
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    quiesce(st, fd, lfd)


def test_connection_freed_while_waiting_leaves_nothing(make_stack):
    """A connection reset while it waits for the port: its control block
    is freed (and recycled by the next connection) and the port's
    draining sends nothing for it."""
    st = small_ring_stack(make_stack)
    peer = Peer(st, sport=40006, dport=80)
    lfd, fd = handshake_passive(st, peer)
    fill_small_port(st)
    before = st.counter(OQDROPS)
    assert st.tcp_send(fd, b"z" * MSS) == MSS
    assert st.counter(OQDROPS) == before + 1  # waiting for the port
    peer.send("R", ack=peer.ack)
    assert st.counter("tcp.tcb_count") == 1  # the listener's
    assert st.check() is None  # nothing waits for the port on its behalf
    # A new connection takes the freed control block.
    other = Peer(st, sport=40008, dport=81)
    ofd = establish(st, other)
    assert st.counter("tcp.tcb_count") == 2
    assert st.check() is None
    segs = empty_port(st)
    assert st.check() is None
    assert [t for t in segs if t.dport == 40006] == []
    assert [t for t in segs if t.dport == 40008 and t.payload] == []
    assert st.counter("tcp.tcps_sndrexmitpack") == 0
    assert st.tcp_send(ofd, b"o" * 100) == 100  # it works as any other
    seg = other.expect("PA")
    assert bytes(seg.payload) == b"o" * 100
    st.advance(2, step=0.01)
    while (p := peer.pop()) is not None:
        assert p[TCP].dport != 40006, p
    assert st.tcp_close(fd) == 0
    quiesce(st, ofd, lfd)
