"""The retransmission timeout on the virtual clock, against RFC 6298 and
FreeBSD's knobs.

RFC 6298 5.5: each expiry doubles the timeout ("RTO <- RTO * 2"), up to a
ceiling (FreeBSD's TCPTV_REXMTMAX, 64 s).  FreeBSD's TCPT_RANGESET makes
the timeout from the estimate as max(estimate, net.inet.tcp.rexmit_min)
plus net.inet.tcp.rexmit_slop (defaults 30 ms and 200 ms), so the first
retransmission of a fresh low-RTT connection comes after about 230 ms:
room for a peer's delayed ACK (40-200 ms on FreeBSD, Windows and many
embedded stacks)."""

from scapy.layers.inet import TCP

from tcp_peer import Peer, establish, quiesce, tcp_stack


def payload(t):
    return bytes(t.payload)


def low_rtt(st, peer, fd):
    """One exchange with a 1 ms round trip: the RTT estimator is seeded."""
    assert st.tcp_send(fd, b"s" * 10) == 10
    seg = peer.expect("PA")
    st.advance(0.001, step=0.001)
    peer.send("A", ack=seg.seq + 10)
    assert st.tcp_info(fd)["srtt"] != 0


def retransmit_gaps(st, peer, n, step=0.005, limit=200.0):
    """Send a segment nobody acknowledges; the gaps (s) between it and
    its first n retransmissions."""
    first = peer.expect("PA")
    t, gaps = st.now(), []
    while len(gaps) < n:
        waited = 0.0
        while (p := peer.pop()) is None:
            assert waited < limit, "no retransmission in %s s" % limit
            st.advance(step, step=step)
            waited += step
        assert p[TCP].seq == first.seq and payload(p[TCP]) == payload(first)
        gaps.append(round(st.now() - t, 3))
        t = st.now()
    return gaps


def close_to(got, want, tol=0.006):
    return len(got) == len(want) and all(
        abs(a - b) <= tol for a, b in zip(got, want)
    )


def test_low_rtt_timeout_is_min_plus_slop_and_doubles(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    low_rtt(st, peer, fd)
    assert st.tcp_send(fd, b"lost" * 25) == 100
    gaps = retransmit_gaps(st, peer, 6)
    # rexmit_min 30 ms + rexmit_slop 200 ms, then RFC 6298 5.5 doubling.
    want = [0.23, 0.46, 0.92, 1.84, 3.68, 7.36]
    assert close_to(gaps, want), (gaps, want)
    assert st.tcp_info(fd)["rxtshift"] == 6
    peer.send("A", ack=peer.ack + 100)
    quiesce(st, fd)


def test_backoff_stops_at_64_seconds(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    low_rtt(st, peer, fd)
    assert st.tcp_send(fd, b"lost" * 25) == 100
    gaps = retransmit_gaps(st, peer, 10, step=0.01)
    # 0.23 * 2^8 = 58.9 s, then the 64 s ceiling (FreeBSD's
    # TCPTV_REXMTMAX).
    assert close_to(gaps[:9], [0.23 * 2**k for k in range(9)], 0.012), gaps
    assert abs(gaps[9] - 64.0) <= 0.012, gaps
    peer.send("A", ack=peer.ack + 100)
    quiesce(st, fd)


def test_rexmit_slop_and_min_are_real_knobs(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.rexmit_slop", 0)
    st.sysctl("net.inet.tcp.rexmit_min", 50)
    peer = Peer(st)
    fd = establish(st, peer)
    low_rtt(st, peer, fd)
    assert st.tcp_send(fd, b"lost" * 25) == 100
    gaps = retransmit_gaps(st, peer, 4, step=0.002)
    # No slop: the floor alone, doubled (the backoff comes after the
    # clamp, so a sub-millisecond RTT does not stay under the floor).
    assert close_to(gaps, [0.05, 0.1, 0.2, 0.4], 0.003), gaps
    peer.send("A", ack=peer.ack + 100)
    quiesce(st, fd)


def test_delayed_ack_peer_sees_no_spurious_retransmission(make_stack):
    """A peer that holds every ACK for 100 ms (a delayed-ACK stack):
    the 230 ms timeout never fires, so nothing is sent twice and the
    congestion window is never collapsed by a spurious RTO.  The path
    itself is fast (1 ms): a bulk transfer's ACKs come at once, only a
    lone segment's ACK waits for the peer's delayed-ACK timer."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    low_rtt(st, peer, fd)
    for i in range(50):
        assert st.tcp_send(fd, b"r%03d" % i) == 4
        seg = peer.expect("PA")
        st.advance(0.1, step=0.005)
        assert peer.pop() is None, "retransmitted before the ACK came"
        peer.send("A", ack=seg.seq + 4)
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    assert st.counter("tcp.tcps_sndrexmitpack") == 0
    assert st.counter("tcp.tcps_sndrexmitbad") == 0
    quiesce(st, fd)
