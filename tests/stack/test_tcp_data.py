"""TCP data transfer through the test port: in-order and out-of-order
delivery (a whole window held behind one hole, contiguous segments
joined into one block and cut again by overlaps, the queue bounded by
the receive buffer), sequence number wraparound, retransmission after
loss with RTO doubling, fast retransmit after three duplicate ACKs,
delayed ACK, Nagle and TCP_NODELAY, window updates."""

import errno

from scapy.layers.inet import TCP

import ffstack
from tcp_peer import Peer, establish, quiesce, tcp_stack


def payload(t):
    return bytes(t.payload)


def test_out_of_order_reassembled(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    base = peer.seq
    peer.send("PA", seq=base + 10, data=b"B" * 10, advance=False)
    ack = peer.expect("A")
    assert ack.ack == base  # duplicate ACK for the hole
    peer.send("PA", seq=base + 30, data=b"D" * 10, advance=False)
    assert peer.expect("A").ack == base
    assert st.tcp_info(fd)["segqlen"] == 2
    assert st.tcp_recv(fd) == -errno.EAGAIN
    peer.send("PA", seq=base + 20, data=b"C" * 10, advance=False)
    peer.send("PA", seq=base, data=b"A" * 10, advance=False)
    ack = peer.expect("A")
    while (nxt := peer.pop()) is not None:
        ack = nxt[TCP]
    assert ack.ack == base + 40
    assert st.tcp_recv(fd) == b"A" * 10 + b"B" * 10 + b"C" * 10 + b"D" * 10
    assert st.counter("tcp.tcps_rcvoopack") == 3
    quiesce(st, fd)


def test_overlapping_segments(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    b = peer.seq
    peer.send("A", seq=b + 5, data=b"fghij", advance=False)
    peer.send("A", seq=b + 3, data=b"DEFGHIJKL", advance=False)
    peer.send("A", seq=b, data=b"abcdef", advance=False)
    st.drain()
    # As FreeBSD: a later segment replaces what it covers in the queue.
    assert st.tcp_recv(fd) == b"abcdefGHIJKL"
    quiesce(st, fd)


def test_reassembly_queue_bounded(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.reass.maxqueuelen", 3)
    peer = Peer(st)
    fd = establish(st, peer)
    b = peer.seq
    for i in range(1, 6):
        peer.send("A", seq=b + 10 * i, data=b"x" * 5, advance=False)
    assert st.tcp_info(fd)["segqlen"] == 3
    assert st.counter("tcp.tcps_rcvreassfull") == 2
    st.drain()
    quiesce(st, fd)


TF_SACK_PERMIT = 0x200


def sack_blocks(t, base):
    raw = dict(t.options).get("SAck", ())
    return [
        ((raw[i] - base) & 0xFFFFFFFF, (raw[i + 1] - base) & 0xFFFFFFFF)
        for i in range(0, len(raw), 2)
    ]


def test_window_behind_a_hole_held_whole(make_stack):
    # 150 segments behind one hole, well inside the 64 KB window: every
    # one is held (the queue is bounded by what the receive buffer takes
    # and by blocks, not by maxqueuelen segments), the SACK block grows
    # with each, and the hole's retransmission delivers all of it.  Were
    # any dropped, the sender would have to send it again.
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_setflags(fd, TF_SACK_PERMIT, 0)
    b = peer.seq
    data = bytes(i % 251 for i in range(15100))
    for i in range(1, 151):
        peer.send(
            "A",
            seq=b + 100 * i,
            data=data[100 * i : 100 * (i + 1)],
            advance=False,
        )
        a = peer.expect("A")
        assert a.ack == b and sack_blocks(a, b) == [(100, 100 * (i + 1))]
    assert st.tcp_info(fd)["segqlen"] == 1  # one block
    assert st.counter("tcp.tcps_rcvreassfull") == 0
    peer.send("A", seq=b, data=data[:100], advance=False)
    a = peer.expect("A")
    assert a.ack == b + 15100 and sack_blocks(a, b) == []
    assert st.tcp_info(fd)["segqlen"] == 0
    assert st.tcp_recv(fd, 20000) == data
    quiesce(st, fd)


def test_reassembly_joins_blocks_and_trims_chains(make_stack):
    # Segments joined into one block are cut again by later overlapping
    # ones, across the mbufs the block is made of: what reaches the
    # socket is each byte once, in order.
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    b = peer.seq
    data = bytes((i * 7) % 256 for i in range(1000))

    def send(start, end):
        peer.send("A", seq=b + start, data=data[start:end], advance=False)
        return peer.expect("A")

    send(400, 500)
    send(500, 600)  # continues the block
    send(300, 400)  # is continued by it
    assert st.tcp_info(fd)["segqlen"] == 1
    send(700, 800)
    send(900, 1000)
    assert st.tcp_info(fd)["segqlen"] == 3
    send(800, 900)  # joins two blocks
    assert st.tcp_info(fd)["segqlen"] == 2
    send(250, 550)  # covers 300..500, cuts into 500..
    assert st.tcp_info(fd)["segqlen"] == 2
    send(560, 720)  # bridges the two, cut at both ends
    assert st.tcp_info(fd)["segqlen"] == 1
    dup = st.counter("tcp.tcps_rcvduppack")
    send(600, 650)  # nothing new
    assert st.counter("tcp.tcps_rcvduppack") == dup + 1
    a = send(0, 250)
    assert a.ack == b + 1000
    assert st.tcp_recv(fd, 2000) == data
    assert st.counter("tcp.tcps_rcvreassfull") == 0
    quiesce(st, fd)


def test_reassembly_bounded_by_receive_buffer(make_stack):
    # Tiny segments cost a whole mbuf each: the queue holds no more mbuf
    # memory than the receive buffer may (sb_mbmax = 8 * 4096 bytes of
    # 2176-byte mbufs: 15), then drops and counts, as when full of blocks.
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.recvspace", 4096)
    peer = Peer(st)
    fd = establish(st, peer)
    b = peer.seq
    for i in range(1, 41):
        peer.send("A", seq=b + i, data=b"t", advance=False)
        peer.expect("A")
    assert st.tcp_info(fd)["segqlen"] == 1
    assert st.counter("tcp.tcps_rcvreassfull") == 40 - 15
    peer.send("A", seq=b, data=b"h", advance=False)
    assert peer.expect("A").ack == b + 16
    assert st.tcp_recv(fd) == b"h" + b"t" * 15
    quiesce(st, fd)


def test_sequence_wraparound(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, iss=2**32 - 100, irs=2**32 - 50)
    st.tcp_setopt(fd, ffstack.IPPROTO_TCP, ffstack.TCP_NODELAY, 1)
    data = bytes(range(256)) * 2
    got = b""
    for i in range(0, len(data), 100):
        peer.send("PA", data=data[i : i + 100])
    st.advance(0.1)
    st.drain()
    got = st.tcp_recv(fd)
    assert got == data
    assert st.tcp_info(fd)["rcv_nxt"] == (2**32 - 50 + 1 + 512) % 2**32
    assert st.tcp_send(fd, data) == len(data)
    sent = b""
    while (p := peer.pop()) is not None:
        sent += payload(p[TCP])
        last = p[TCP]
    assert sent == data
    assert (last.seq + len(payload(last))) % 2**32 == (
        2**32 - 99 + 512
    ) % 2**32
    peer.send("A", ack=(2**32 - 99 + 512) % 2**32)
    info = st.tcp_info(fd)
    assert info["snd_una"] == info["snd_max"] == 413
    assert info["snd_cc"] == 0
    quiesce(st, fd)


def test_retransmission_rto_doubles(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    t0 = st.now()
    assert st.tcp_send(fd, b"lost" * 25) == 100
    first = peer.expect("PA")
    times = []
    for _ in range(4):
        for _ in range(1000):
            st.advance(0.01, step=0.01)
            p = peer.pop()
            if p is not None:
                break
        assert p is not None, "no retransmission"
        assert p[TCP].seq == first.seq and payload(p[TCP]) == payload(first)
        times.append(st.now() - t0)
    gaps = [round(b - a, 2) for a, b in zip([0] + times, times)]
    # Initial RTO 1 s (no RTT sample yet), then 2, 4, 8 s.
    assert gaps == [1.0, 2.0, 4.0, 8.0], gaps
    assert st.tcp_info(fd)["rxtshift"] == 4
    assert st.counter("tcp.tcps_rexmttimeo") == 4
    assert st.counter("tcp.tcps_sndrexmitpack") == 4
    peer.send("A", ack=first.seq + 100)
    info = st.tcp_info(fd)
    assert info["snd_una"] == first.seq + 100
    quiesce(st, fd)


def test_gives_up_after_max_retransmits(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_send(fd, b"x" * 10)
    st.advance(600, step=1)
    assert st.tcp_info(fd) is None
    assert st.tcp_recv(fd) == -errno.ETIMEDOUT
    assert st.counter("tcp.tcps_timeoutdrop") == 1
    st.drain()
    quiesce(st, fd)


def test_rtt_sample_sets_rto(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_send(fd, b"x" * 10)
    seg = peer.expect("PA")
    st.advance(0.1, step=0.01)
    peer.send("A", ack=seg.seq + 10)
    info = st.tcp_info(fd)
    # One sample R = 100 ms: SRTT = R, RTTVAR = R/2, RTO = R + 4 RTTVAR
    # (RFC 6298 2.2), plus net.inet.tcp.rexmit_slop (200 ms) as FreeBSD's
    # TCPT_RANGESET adds it.
    assert 495 <= info["rxtcur"] <= 510, info
    quiesce(st, fd)


def test_fast_retransmit_three_dupacks(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, mss=1000)
    assert st.tcp_send(fd, b"z" * 6000) == 6000
    segs = []
    while (p := peer.pop()) is not None:
        segs.append(p[TCP])
    assert len(segs) == 6
    una = segs[0].seq
    peer.send("A", ack=una + 1000)  # first one arrived
    for _ in range(2):
        peer.send("A", ack=una + 1000)
        peer.expect_nothing()
    peer.send("A", ack=una + 1000)  # third duplicate
    rx = peer.expect()
    assert rx.seq == una + 1000 and len(payload(rx)) == 1000
    assert st.counter("tcp.tcps_rcvdupack") == 3
    assert st.counter("tcp.tcps_sndrexmitpack") == 1
    info = st.tcp_info(fd)
    assert info["ssthresh"] == 2500 // 1000 * 1000 or info["ssthresh"] >= 2000
    # Partial ACK: the next hole goes at once (NewReno).
    peer.send("A", ack=una + 3000)
    rx = peer.expect()
    assert rx.seq == una + 3000
    # Full ACK ends recovery with cwnd = ssthresh or less.
    peer.send("A", ack=una + 6000)
    info = st.tcp_info(fd)
    assert info["snd_una"] == una + 6000
    assert info["cwnd"] <= max(info["ssthresh"], 1000)
    st.drain()
    quiesce(st, fd)


def test_delayed_ack(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    peer.expect_nothing()  # delayed
    st.advance(0.05, step=0.01)
    ack = peer.expect("A")
    assert ack.ack == peer.seq
    assert st.counter("tcp.tcps_delack") == 1
    peer.send("PA", data=b"b" * 100)
    peer.send("PA", data=b"c" * 100)
    assert peer.expect("A").ack == peer.seq  # every second segment
    st.sysctl("net.inet.tcp.delayed_ack", 0)
    peer.send("PA", data=b"d" * 100)
    assert peer.expect("A").ack == peer.seq
    quiesce(st, fd)


def test_nagle_and_nodelay(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_send(fd, b"1")
    first = peer.expect("PA")
    st.tcp_send(fd, b"2")
    st.tcp_send(fd, b"3")
    peer.expect_nothing()  # Nagle: one in flight
    peer.send("A", ack=first.seq + 1)
    assert payload(peer.expect("PA")) == b"23"
    peer.send("A", ack=first.seq + 3)
    st.tcp_setopt(fd, ffstack.IPPROTO_TCP, ffstack.TCP_NODELAY, 1)
    st.tcp_send(fd, b"4")
    st.tcp_send(fd, b"5")
    assert payload(peer.expect("PA")) == b"4"
    assert payload(peer.expect("PA")) == b"5"
    quiesce(st, fd)


def test_window_update_after_read(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.recvspace", 8192)
    peer = Peer(st)
    fd = establish(st, peer)
    assert st.tcp_info(fd)["rcv_adv"] - peer.seq <= 65535
    st.sysctl("net.inet.tcp.delayed_ack", 0)
    for _ in range(4):
        peer.send("PA", data=b"w" * 1460)
    st.drain()
    assert len(st.tcp_recv(fd)) == 4 * 1460
    upd = peer.expect("A")
    assert upd.ack == peer.seq
    assert st.counter("tcp.tcps_sndwinup") >= 1
    quiesce(st, fd)


def window_stack(make_stack):
    """A connection with a 64 KB receive buffer that stays so, each
    segment ACKed at once: (stack, peer, fd)."""
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.recvspace", 65536)
    st.sysctl("net.inet.tcp.recvbuf_auto", 0)
    st.sysctl("net.inet.tcp.delayed_ack", 0)
    peer = Peer(st)
    fd = establish(st, peer)
    return st, peer, fd


def fill(st, peer, nbytes):
    """The peer sends nbytes in 1460-byte segments; the ACKs are taken."""
    for off in range(0, nbytes, 1460):
        peer.send("PA", data=b"w" * min(1460, nbytes - off))
    st.drain()


def test_no_window_update_for_a_small_read_of_a_large_buffer(make_stack):
    """FreeBSD's tcp_output (since 11): a read that opens the window by
    two segments but less than a quarter of the buffer, while the window
    is still wide, sends no update of its own; the read that makes it a
    quarter does, with the buffer's whole space."""
    st, peer, fd = window_stack(make_stack)
    fill(st, peer, 12 * 1460)
    assert len(st.tcp_recv(fd, 3000)) == 3000  # 2 segments and more
    assert st.drain() == []
    assert len(st.tcp_recv(fd, 65536)) == 12 * 1460 - 3000
    upd = peer.expect("A")  # 17,520 bytes: over a quarter of 64 KB
    assert (upd.ack, upd.window) == (peer.seq, 65535)
    quiesce(st, fd)


def test_window_update_when_the_window_was_nearly_closed(make_stack):
    """The same small read when the window is down to an eighth of the
    buffer or less: the peer is about to stop, so it is told."""
    st, peer, fd = window_stack(make_stack)
    fill(st, peer, 42 * 1460)  # 4,216 bytes of room left
    assert len(st.tcp_recv(fd, 3000)) == 3000
    upd = peer.expect("A")
    assert (upd.ack, upd.window) == (peer.seq, 65536 - 42 * 1460 + 3000)
    quiesce(st, fd)


def test_peer_window_limits_sending(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, wnd=3000, mss=1000)
    st.tcp_send(fd, b"q" * 5000)
    segs = st.drain()
    assert sum(len(payload(p[TCP])) for p in segs) == 3000
    peer.send("A", ack=peer.ack + 3000, win=3000)
    segs = st.drain()
    assert sum(len(payload(p[TCP])) for p in segs) == 2000
    quiesce(st, fd)


def test_cc_algorithm_sysctl(make_stack):
    import pytest

    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.cc.algorithm", "newreno")
    with pytest.raises(ffstack.StackError) as e:
        st.sysctl("net.inet.tcp.cc.algorithm", "nosuch")
    assert e.value.errno == errno.ESRCH
    with pytest.raises(ffstack.StackError):
        st.sysctl("net.inet.tcp.cc.available", "newreno")  # read-only


def test_initial_window_and_slow_start(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.initcwnd_segments", 2)
    peer = Peer(st)
    fd = establish(st, peer, mss=1000)
    assert st.tcp_info(fd)["cwnd"] == 2000
    st.tcp_send(fd, b"s" * 20000)
    segs = [p[TCP] for p in st.drain()]
    assert len(segs) == 2  # IW = 2 segments
    peer.send("A", ack=segs[-1].seq + 1000)  # 2000 bytes acked
    assert st.tcp_info(fd)["cwnd"] == 4000  # ABC: +min(acked, 2 MSS)
    assert len(st.drain()) == 4
    quiesce(st, fd)


MSG_MORE = 0x8000  # Linux's value


def test_msg_more_holds_until_the_next_send(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    assert st.api.send(fd, b"head", MSG_MORE) == 4
    st.run()
    peer.expect_nothing()  # idle, but more follows
    assert st.api.send(fd, b"body") == 4
    st.run()
    assert payload(peer.expect("PA")) == b"headbody"
    quiesce(st, fd)


def test_msg_more_then_close_sends_data_and_fin_together(make_stack):
    """A reply sent with MSG_MORE, then close(): one segment, data + FIN
    (helloworld's Connection: close answer)."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    reply = b"r" * 644
    assert st.api.send(fd, reply, MSG_MORE) == len(reply)
    st.run()
    peer.expect_nothing()
    assert st.tcp_close(fd) == 0
    seg = peer.expect("FPA")
    assert payload(seg) == reply
    peer.expect_nothing()
    peer.send("FA", ack=seg.seq + len(reply) + 1)
    assert peer.expect("A").ack == peer.seq
    quiesce(st)
