"""SACK through the test port (RFC 2018, RFC 6675): SACK-permitted on
SYN and SYN-ACK, the blocks we send for holes in the reassembly queue
(exact blocks, most recent first, 4 without and 3 with timestamps),
D-SACK blocks for duplicates below rcv_nxt or inside a block (RFC 2883,
first and once), the
scoreboard and RFC 6675 recovery as a sender (only the holes the peer
reports are sent again; one rescue retransmission of a lost tail per
recovery; a new recovery once the ACK reaches the old recovery point),
bad blocks ignored and counted, the scoreboard bound, and
net.inet.tcp.sack.enable."""

from scapy.layers.inet import TCP

from tcp_peer import Peer, establish, quiesce, tcp_stack

TF_SACK_PERMIT = 0x200


def opts(t):
    return dict((k, v) for k, v in t.options)


def sack_blocks(t, base):
    """The SACK option of t as (start, end) pairs relative to base."""
    raw = opts(t).get("SAck", ())
    return [
        ((raw[i] - base) & 0xFFFFFFFF, (raw[i + 1] - base) & 0xFFFFFFFF)
        for i in range(0, len(raw), 2)
    ]


def sack_conn(st, peer, **kw):
    fd = establish(st, peer, **kw)
    st.tcp_setflags(fd, TF_SACK_PERMIT, 0)
    return fd


def ooo(peer, base, start, end, ts=None):
    """Send [base + start, base + end) out of order; the ACK it draws."""
    o = [("Timestamp", ts)] if ts else None
    peer.send(
        "A",
        seq=base + start,
        data=b"x" * (end - start),
        advance=False,
        options=o,
    )
    return peer.expect("A")


def test_syn_carries_sackperm_and_negotiates(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=80, dport=40000)
    fd = st.tcp_socket()
    assert st.tcp_bind(fd, "", 40000) == 0
    st.tcp_connect(fd, "198.18.0.1", 80)
    syn = peer.expect("S")
    assert "SAckOK" in opts(syn)
    peer.seq = 7000
    peer.send("SA", ack=syn.seq + 1, options=[("MSS", 1460), ("SAckOK", b"")])
    peer.expect("A")
    assert st.tcp_info(fd)["flags"] & TF_SACK_PERMIT
    quiesce(st, fd)


def test_sack_disabled(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.sack.enable", 0)
    peer = Peer(st, sport=80, dport=40001)
    fd = st.tcp_socket()
    assert st.tcp_bind(fd, "", 40001) == 0
    st.tcp_connect(fd, "198.18.0.1", 80)
    syn = peer.expect("S")
    assert "SAckOK" not in opts(syn)
    peer.seq = 7000
    peer.send("SA", ack=syn.seq + 1, options=[("SAckOK", b"")])
    peer.expect("A")
    assert not st.tcp_info(fd)["flags"] & TF_SACK_PERMIT
    # Out-of-order data draws a plain duplicate ACK.
    assert "SAck" not in opts(ooo(peer, peer.seq, 100, 200))
    quiesce(st, fd)


def test_no_sack_blocks_unless_permitted(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    ack = ooo(peer, peer.seq, 100, 200)
    assert ack.ack == peer.seq and "SAck" not in opts(ack)
    quiesce(st, fd)


def test_receiver_blocks_most_recent_first(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = sack_conn(st, peer)
    b = peer.seq
    a = ooo(peer, b, 100, 200)
    assert a.ack == b and sack_blocks(a, b) == [(100, 200)]
    a = ooo(peer, b, 300, 400)
    assert sack_blocks(a, b) == [(300, 400), (100, 200)]
    a = ooo(peer, b, 500, 600)
    assert sack_blocks(a, b) == [(500, 600), (300, 400), (100, 200)]
    # Filling the hole between two blocks merges them, reported first.
    a = ooo(peer, b, 200, 300)
    assert sack_blocks(a, b) == [(100, 400), (500, 600)]
    # A segment inside a block: that block first (RFC 2018 4), after
    # the D-SACK block for the duplicate (RFC 2883 4.1).
    a = ooo(peer, b, 520, 540)
    assert sack_blocks(a, b) == [(520, 540), (500, 600), (100, 400)]
    for s in (700, 900, 1100):
        a = ooo(peer, b, s, s + 100)
    # Without timestamps 4 blocks fit: the oldest is left out.
    assert sack_blocks(a, b) == [
        (1100, 1200),
        (900, 1000),
        (700, 800),
        (500, 600),
    ]
    # In-order data fills the first hole: its block is gone.
    a = ooo(peer, b, 0, 100)
    assert a.ack == b + 400
    assert sack_blocks(a, b) == [
        (1100, 1200),
        (900, 1000),
        (700, 800),
        (500, 600),
    ]
    assert st.counter("tcp.tcps_sack_send_blocks") == 9
    a = ooo(peer, b, 400, 500)
    a = ooo(peer, b, 600, 700)
    a = ooo(peer, b, 800, 900)
    a = ooo(peer, b, 1000, 1100)
    assert a.ack == b + 1200 and "SAck" not in opts(a)
    assert len(st.tcp_recv(fd)) == 1200
    quiesce(st, fd)


def test_receiver_three_blocks_with_timestamps(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = sack_conn(st, peer, tsval=100)
    b = peer.seq
    for i, s in enumerate((100, 300, 500, 700)):
        a = ooo(peer, b, s, s + 100, ts=(101 + i, 0))
    assert "Timestamp" in opts(a)
    assert sack_blocks(a, b) == [(700, 800), (500, 600), (300, 400)]
    quiesce(st, fd)


def test_dsack_for_data_below_rcv_nxt(make_stack):
    # RFC 2883: a segment that brings nothing new is answered at once,
    # the duplicate reported as the first (here only) block, and once.
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = sack_conn(st, peer)
    b = peer.seq
    peer.send("A", data=b"x" * 100)
    st.advance(0.5)  # the delayed ACK
    assert peer.expect("A").ack == b + 100
    a = ooo(peer, b, 0, 100)  # the same segment again
    assert a.ack == b + 100 and sack_blocks(a, b) == [(0, 100)]
    # Part old, part new: the old part reported, the new part taken.
    a = ooo(peer, b, 60, 160)
    assert a.ack == b + 160 and sack_blocks(a, b) == [(60, 100)]
    peer.expect_nothing()
    # Reported once: the next ACK has only the hole's block.
    a = ooo(peer, b, 200, 300)
    assert a.ack == b + 160 and sack_blocks(a, b) == [(200, 300)]
    quiesce(st, fd)


def test_dsack_inside_a_block_then_its_block(make_stack):
    # RFC 2883 4.1: a duplicate above rcv_nxt, the D-SACK block first,
    # then the block holding it, then the others.
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = sack_conn(st, peer)
    b = peer.seq
    ooo(peer, b, 100, 200)
    ooo(peer, b, 300, 400)
    a = ooo(peer, b, 100, 200)
    assert a.ack == b
    assert sack_blocks(a, b) == [(100, 200), (100, 200), (300, 400)]
    a = ooo(peer, b, 500, 600)
    assert sack_blocks(a, b) == [(500, 600), (100, 200), (300, 400)]
    assert st.counter("tcp.tcps_rcvduppack") == 1
    quiesce(st, fd)


def test_dsack_with_timestamps_fits(make_stack):
    # With timestamps three blocks fit: the D-SACK and the two newest.
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = sack_conn(st, peer, tsval=100)
    b = peer.seq
    for i, s in enumerate((100, 300, 500)):
        ooo(peer, b, s, s + 100, ts=(101 + i, 0))
    a = ooo(peer, b, 300, 400, ts=(110, 0))
    assert "Timestamp" in opts(a)
    assert sack_blocks(a, b) == [(300, 400), (300, 400), (500, 600)]
    quiesce(st, fd)


def test_no_dsack_unless_permitted(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    b = peer.seq
    peer.send("A", data=b"x" * 100)
    st.advance(0.5)
    peer.expect("A")
    a = ooo(peer, b, 0, 100)
    assert a.ack == b + 100 and "SAck" not in opts(a)
    quiesce(st, fd)


def sender_setup(make_stack, nseg=10, mss=1000):
    """A SACK connection with nseg segments of mss bytes in flight."""
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.initcwnd_segments", nseg)
    peer = Peer(st)
    fd = sack_conn(st, peer, mss=mss)
    st.tcp_send(
        fd, bytes(range(256)) * (nseg * mss // 256) + b"z" * (nseg * mss % 256)
    )
    segs = [p[TCP] for p in st.drain()]
    assert len(segs) == nseg
    una = segs[0].seq
    return st, peer, fd, una


def sack_ack(peer, una, ack, blocks):
    """An ACK for una + ack with SACK blocks relative to una."""
    sack = tuple(
        x
        for s, e in blocks
        for x in ((una + s) & 0xFFFFFFFF, (una + e) & 0xFFFFFFFF)
    )
    peer.send("A", ack=una + ack, options=[("SAck", sack)] if sack else None)


def rexmits(st, una):
    """(offset, length) of every data segment the stack sent."""
    return [
        ((p[TCP].seq - una) & 0xFFFFFFFF, len(bytes(p[TCP].payload)))
        for p in st.drain()
        if len(bytes(p[TCP].payload))
    ]


def test_sender_resends_only_the_holes(make_stack):
    st, peer, fd, una = sender_setup(make_stack)
    # Segments 2 and 5 are lost; the peer reports what it holds.
    sack_ack(peer, una, 1000, [])
    sack_ack(peer, una, 2000, [])
    assert rexmits(st, una) == []
    sack_ack(peer, una, 2000, [(3000, 4000)])
    sack_ack(peer, una, 2000, [(3000, 5000)])
    assert rexmits(st, una) == []
    sack_ack(peer, una, 2000, [(6000, 7000), (3000, 5000)])
    # Third duplicate: recovery; the first hole goes at once, and the
    # other one (no new data to send: NextSeg rule 3).
    assert rexmits(st, una) == [(2000, 1000), (5000, 1000)]
    assert st.counter("tcp.tcps_sack_recovery_episode") == 1
    for e in (8000, 9000, 10000):
        sack_ack(peer, una, 2000, [(6000, e), (3000, 5000)])
    assert rexmits(st, una) == []  # nothing the peer has
    sack_ack(peer, una, 5000, [(6000, 10000)])  # the first hole filled
    assert rexmits(st, una) == []
    sack_ack(peer, una, 10000, [])
    info = st.tcp_info(fd)
    assert info["snd_una"] == una + 10000
    assert not info["flags"] & 0x00100000  # out of fast recovery
    assert st.counters(
        "tcp.tcps_sack_rexmits",
        "tcp.tcps_sack_rexmit_bytes",
        "tcp.tcps_sndrexmitpack",
    ) == {
        "tcp.tcps_sack_rexmits": 2,
        "tcp.tcps_sack_rexmit_bytes": 2000,
        "tcp.tcps_sndrexmitpack": 2,
    }
    assert st.counter("tcp.tcps_sack_rcv_blocks") == 7
    quiesce(st, fd)


def test_sender_lost_hole_before_new_data(make_stack):
    """NextSeg rule 1 before rule 2: with more data queued, the lost hole
    is resent first, then new data as pipe allows; a hole not yet lost
    waits."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    st.tcp_send(fd, b"n" * 10000)  # new data waiting
    assert rexmits(st, una) == []
    for blocks in ([(1000, 2000)], [(1000, 3000)], [(1000, 4000)]):
        sack_ack(peer, una, 0, blocks)
    sent = rexmits(st, una)
    assert sent[0] == (0, 1000)  # the lost first segment
    assert all(off >= 10000 for off, _ in sent[1:])  # then new data only
    quiesce(st, fd)


def test_sack_block_outside_window_ignored(make_stack):
    st, peer, fd, una = sender_setup(make_stack, nseg=4)
    bad = [(5000, 6000), (100000, 100100), (3000, 2500)]
    sack_ack(peer, una, 1000, bad)
    assert st.counter("tcpx.tcpx_badsack") == 3
    sack_ack(peer, una, 1000, [(2000, 3000)])
    sack_ack(peer, una, 1000, [(2000, 4000)])
    assert rexmits(st, una) == []  # two dupacks only
    sack_ack(peer, una, 4000, [])
    assert st.tcp_info(fd)["snd_una"] == una + 4000
    quiesce(st, fd)


def test_dsack_counted(make_stack):
    st, peer, fd, una = sender_setup(make_stack, nseg=4)
    sack_ack(peer, una, 2000, [(0, 1000)])  # RFC 2883 D-SACK
    assert st.counter("tcp.tcps_dsack_count") == 1
    assert st.counter("tcpx.tcpx_badsack") == 0
    sack_ack(peer, una, 4000, [])
    quiesce(st, fd)


def test_scoreboard_bounded(make_stack):
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    st.sysctl("net.inet.tcp.sack.maxholes", 2)
    # Four holes reported: only two fit; the scoreboard stays
    # conservative and the overflow is counted.
    sack_ack(peer, una, 0, [(1000, 2000)])
    sack_ack(peer, una, 0, [(3000, 4000), (1000, 2000)])
    sack_ack(peer, una, 0, [(5000, 6000), (3000, 4000), (1000, 2000)])
    sack_ack(peer, una, 0, [(7000, 8000), (5000, 6000), (3000, 4000)])
    assert st.counter("tcp.tcps_sack_sboverflow") >= 1
    sent = rexmits(st, una)
    assert sent and sent[0] == (0, 1000)
    # Everything acked in the end; nothing is left behind.
    sack_ack(peer, una, 10000, [])
    assert st.tcp_info(fd)["snd_una"] == una + 10000
    quiesce(st, fd)


def test_rto_discards_scoreboard(make_stack):
    st, peer, fd, una = sender_setup(make_stack, nseg=6)
    sack_ack(peer, una, 0, [(2000, 3000)])
    sack_ack(peer, una, 0, [(4000, 5000), (2000, 3000)])
    assert rexmits(st, una) == []
    st.advance(1.5, step=0.01)  # RTO: go back to snd_una
    sent = rexmits(st, una)
    assert sent and sent[0] == (0, 1000)
    sack_ack(peer, una, 6000, [])
    assert st.tcp_info(fd)["snd_una"] == una + 6000
    quiesce(st, fd)


def test_passive_open_negotiates_sack(make_stack):
    from tcp_peer import handshake_passive

    st = tcp_stack(make_stack)
    peer = Peer(st)
    lfd, fd = handshake_passive(
        st, peer, options=[("MSS", 1460), ("SAckOK", b"")]
    )
    assert st.tcp_info(fd)["flags"] & TF_SACK_PERMIT
    b = peer.seq
    assert sack_blocks(ooo(peer, b, 100, 200), b) == [(100, 200)]
    quiesce(st, fd, lfd)


def test_passive_open_without_sackperm(make_stack):
    from tcp_peer import handshake_passive

    st = tcp_stack(make_stack)
    peer = Peer(st)
    lfd, fd = handshake_passive(st, peer)
    assert not st.tcp_info(fd)["flags"] & TF_SACK_PERMIT
    assert "SAck" not in opts(ooo(peer, peer.seq, 100, 200))
    quiesce(st, fd, lfd)


def test_rescue_retransmission_of_the_tail(make_stack):
    """RFC 6675 NextSeg rule 4: segment 0 and the tail (8, 9) are lost.
    SACKs for 1..7 start recovery and resend 0 only: nothing above it is
    lost per IsLost (nothing is SACKed above 7), there is no new data,
    and no rescue before the ACK passes the first retransmission
    (RescueRxt, 4.3).  The ACK of 0..7 then passes it: the last segment
    goes once as the rescue; later ACKs of the recovery bring no other."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    for e in (2000, 3000, 4000):
        sack_ack(peer, una, 0, [(1000, e)])
    assert rexmits(st, una) == [(0, 1000)]
    for e in (5000, 6000, 7000, 8000):
        sack_ack(peer, una, 0, [(1000, e)])
    assert rexmits(st, una) == []  # RescueRxt not passed
    assert st.counter("tcpx.tcpx_sack_rescue") == 0
    sack_ack(peer, una, 8000, [])  # partial ACK, no SACK
    assert rexmits(st, una) == [(9000, 1000)]  # the highest unSACKed
    assert st.counter("tcpx.tcpx_sack_rescue") == 1
    assert st.tcp_info(fd)["flags"] & 0x00100000  # still in recovery
    # One per recovery: more ACKs at 8000 bring no second rescue.
    for _ in range(3):
        sack_ack(peer, una, 8000, [])
    assert rexmits(st, una) == []
    # The rescue's SACK shows segment 8 missing: NextSeg rule 3 sends it.
    sack_ack(peer, una, 8000, [(9000, 10000)])
    assert rexmits(st, una) == [(8000, 1000)]
    sack_ack(peer, una, 10000, [])
    assert not st.tcp_info(fd)["flags"] & 0x00100000
    assert st.counter("tcpx.tcpx_sack_rescue") == 1
    assert st.counter("tcp.tcps_sack_recovery_episode") == 1
    quiesce(st, fd)


def test_no_rescue_for_a_hole_already_resent(make_stack):
    """Everything up to snd_max SACKed but a hole rule 3 has resent: the
    highest unSACKed octet is in that hole, a rescue would only send it
    a second time; the timer has it."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    for e in (2000, 3000, 4000):
        sack_ack(peer, una, 0, [(1000, e)])
    sack_ack(peer, una, 0, [(5000, 10000), (1000, 4000)])
    assert rexmits(st, una) == [(0, 1000), (4000, 1000)]
    sack_ack(peer, una, 4000, [(5000, 10000)])  # past RescueRxt
    assert rexmits(st, una) == []
    assert st.counter("tcpx.tcpx_sack_rescue") == 0
    sack_ack(peer, una, 10000, [])
    quiesce(st, fd)


def test_new_recovery_right_at_the_recovery_point(make_stack):
    """RFC 6675 5.1: a new recovery may start once HighACK reaches the
    old RecoveryPoint.  The recovery ends with an ACK of exactly
    snd_recover; the first segment sent after it is lost: its three
    duplicate ACKs start the next recovery instead of waiting for the
    RTO."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    for e in (2000, 3000, 4000):
        sack_ack(peer, una, 0, [(1000, e)])
    assert rexmits(st, una) == [(0, 1000)]
    sack_ack(peer, una, 10000, [])  # snd_recover: recovery over
    assert not st.tcp_info(fd)["flags"] & 0x00100000
    st.tcp_send(fd, b"n" * 7000)
    assert [o for o, _ in rexmits(st, una)][:4] == [10000, 11000, 12000, 13000]
    for e in (12000, 13000, 14000):
        sack_ack(peer, una, 10000, [(11000, e)])
    assert rexmits(st, una) == [(10000, 1000)]
    assert st.counter("tcp.tcps_sack_recovery_episode") == 2
    sack_ack(peer, una, 17000, [])
    quiesce(st, fd)


def sack_data(peer, una, ack, blocks, data=b"", win=65535):
    """sack_ack() on a segment that also carries data from the peer (two-way
    traffic) and may announce another window."""
    sack = tuple(
        x
        for s, e in blocks
        for x in ((una + s) & 0xFFFFFFFF, (una + e) & 0xFFFFFFFF)
    )
    peer.send("A", ack=una + ack, data=data, win=win, options=[("SAck", sack)])


def test_acks_carrying_data_and_new_sack_blocks_are_duplicates(make_stack):
    """RFC 6675 2 (DupAck): an ACK that SACKs octets not SACKed before is a
    duplicate even when it carries data or a new window.  The peer sends
    its own data on each ACK (two-way traffic) while segment 0 is lost:
    the third such ACK starts recovery and resends segment 0 at once, no
    retransmission timeout; the peer's data is delivered too."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    # Half segments SACKed: only the count can start recovery (IsLost
    # needs more than (DupThresh - 1) * SMSS SACKed, or 3 ranges).
    sack_data(peer, una, 0, [(1000, 1500)], data=b"a" * 100)
    sack_data(peer, una, 0, [(1000, 2000)], data=b"b" * 100, win=60000)
    assert rexmits(st, una) == []
    sack_data(peer, una, 0, [(1000, 2500)], data=b"c" * 100)
    assert rexmits(st, una)[0] == (0, 1000)
    assert st.counter("tcp.tcps_sack_recovery_episode") == 1
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    assert st.tcp_recv(fd) == b"a" * 100 + b"b" * 100 + b"c" * 100
    sack_data(peer, una, 10000, [])
    assert not st.tcp_info(fd)["flags"] & 0x00100000  # recovery over
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    quiesce(st, fd)


def test_data_ack_without_new_sack_neither_counts_nor_resets(make_stack):
    """A segment at snd_una that carries data and SACKs nothing new is no
    duplicate (RFC 6675 2), and it is no cumulative ACK either, so the
    count goes on (RFC 5681 resets it only on an ACK of new data)."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    # Small blocks: fewer than DupThresh ranges and SMSS * (DupThresh - 1)
    # bytes SACKed, so only the count can start recovery (not IsLost).
    sack_ack(peer, una, 0, [(2000, 2500)])
    sack_ack(peer, una, 0, [(2000, 3000)])
    sack_data(peer, una, 0, [(2000, 3000)], data=b"d" * 10)
    assert rexmits(st, una) == []  # not a third duplicate
    sack_ack(peer, una, 0, [(4000, 4500), (2000, 3000)])
    assert rexmits(st, una)[0] == (0, 1000)
    assert st.counter("tcp.tcps_sack_recovery_episode") == 1
    sack_ack(peer, una, 10000, [])
    quiesce(st, fd)


def test_lost_per_islost_before_three_duplicates(make_stack):
    """RFC 6675 5 (C): with fewer than DupThresh duplicates but IsLost
    (HighACK + 1), recovery starts: one ACK that SACKs more than
    (DupThresh - 1) * SMSS above snd_una (its earlier ACKs were lost on
    the way back) resends segment 0 at once."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    sack_ack(peer, una, 0, [(1000, 4000)])
    assert rexmits(st, una)[0] == (0, 1000)
    assert st.counter("tcp.tcps_sack_recovery_episode") == 1
    sack_ack(peer, una, 10000, [])
    quiesce(st, fd)


def test_partial_ack_with_new_sack_blocks_counts(make_stack):
    """An ACK that moves snd_una and SACKs new octets starts the count at
    one (RFC 6675 2; FreeBSD counts it so): two plain duplicates more
    make three."""
    st, peer, fd, una = sender_setup(make_stack, nseg=10)
    sack_ack(peer, una, 1000, [(2000, 3000)])  # 1 lost, 0 acked
    sack_ack(peer, una, 1000, [(2000, 3000), (4000, 4500)])
    assert rexmits(st, una) == []
    sack_ack(peer, una, 1000, [(2000, 3000), (4000, 5000)])
    assert rexmits(st, una)[0] == (1000, 1000)
    sack_ack(peer, una, 10000, [])
    quiesce(st, fd)
