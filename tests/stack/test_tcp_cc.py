"""Congestion control through the test port: CUBIC (RFC 9438) and
NewReno (RFC 5681, 6582) reduction on loss and growth over simulated
round trips in virtual time, each checked against its RFC formula;
net.inet.tcp.cc.algorithm (CUBIC by default, as FreeBSD 14) switched at
run time affects new connections only.

Loss is signalled the RFC 6675 way (three duplicate ACKs with SACK
blocks), so cwnd right after it is ssthresh: beta * W_max for CUBIC,
FlightSize / 2 for NewReno."""

from scapy.layers.inet import TCP

from fstools import _ffi
from tcp_peer import Peer, establish, quiesce, tcp_stack

TF_SACK_PERMIT, TF_FASTRECOVERY = 0x200, 0x00100000
MSS = 1000
C, BETA = 0.4, 0.7
ALPHA = 3 * (1 - BETA) / (1 + BETA)


def sysctl_get(st, name):
    err, _, body = st.msg(
        _ffi.FF_MSG_SYSCTL,
        _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, name=name),
    )
    assert err == 0
    return _ffi.decode_sysctl_reply(body)[1][0]["value"]


def w_cubic(t, w_max, k):
    """RFC 9438 eq. 1 in bytes; t and k in seconds."""
    return C * (t - k) ** 3 * MSS + w_max


def conn(st, sport, nseg=40):
    st.sysctl("net.inet.tcp.initcwnd_segments", nseg)
    st.sysctl("net.inet.tcp.sendspace", 1 << 20)
    peer = Peer(st, sport=sport, dport=80 + sport - 40000)
    fd = establish(st, peer, mss=MSS)
    st.tcp_setflags(fd, TF_SACK_PERMIT, 0)
    return peer, fd


def data_segs(st):
    return [p[TCP] for p in st.drain() if len(bytes(p[TCP].payload))]


def sack_ack(peer, una, ack, blocks):
    sack = tuple(
        x
        for s, e in blocks
        for x in ((una + s) & 0xFFFFFFFF, (una + e) & 0xFFFFFFFF)
    )
    peer.send(
        "A",
        ack=(una + ack) & 0xFFFFFFFF,
        options=[("SAck", sack)] if sack else None,
    )


def lose_first(st, peer, fd, nseg=40):
    """nseg segments out, the first lost, three SACKed duplicate ACKs."""
    st.tcp_send(fd, b"d" * (nseg * MSS))
    segs = data_segs(st)
    assert len(segs) == nseg
    una = segs[0].seq
    for k in (2, 3, 4):
        sack_ack(peer, una, 0, [(MSS, k * MSS)])
    resent = data_segs(st)
    assert resent and resent[0].seq == una  # fast retransmit
    return una


def finish_recovery(st, peer, fd, una, nseg=40):
    sack_ack(peer, una, nseg * MSS, [])
    info = st.tcp_info(fd)
    assert not info["flags"] & TF_FASTRECOVERY
    return info


def test_cc_sysctls(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl_get(st, "net.inet.tcp.cc.algorithm") == b"cubic\0"
    assert sysctl_get(st, "net.inet.tcp.cc.available") == b"newreno, cubic\0"
    assert sysctl_get(st, "net.inet.tcp.sack.enable") == (1).to_bytes(
        4, "little"
    )


def test_cubic_loss_is_beta_wmax(make_stack):
    st = tcp_stack(make_stack)
    peer, fd = conn(st, 40000)
    assert st.tcp_info(fd)["cwnd"] == 40 * MSS
    una = lose_first(st, peer, fd)
    info = st.tcp_info(fd)
    assert info["ssthresh"] == int(BETA * 40 * MSS) == 28000
    assert info["cwnd"] == 28000  # RFC 6675: cwnd = ssthresh
    info = finish_recovery(st, peer, fd, una)
    assert info["cwnd"] == 28000
    quiesce(st, fd)


def test_newreno_loss_halves(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.cc.algorithm", "newreno")
    peer, fd = conn(st, 40000)
    una = lose_first(st, peer, fd)
    info = st.tcp_info(fd)
    assert info["ssthresh"] == 40 * MSS // 2  # FlightSize / 2
    assert info["cwnd"] == 20000
    finish_recovery(st, peer, fd, una)
    quiesce(st, fd)


def test_switch_affects_new_connections_only(make_stack):
    st = tcp_stack(make_stack)
    peer_a, fd_a = conn(st, 40000)  # CUBIC, the default
    st.sysctl("net.inet.tcp.cc.algorithm", "newreno")
    peer_b, fd_b = conn(st, 40001)
    una_a = lose_first(st, peer_a, fd_a)
    una_b = lose_first(st, peer_b, fd_b)
    assert st.tcp_info(fd_a)["ssthresh"] == 28000  # still CUBIC
    assert st.tcp_info(fd_b)["ssthresh"] == 20000  # NewReno
    finish_recovery(st, peer_a, fd_a, una_a)
    finish_recovery(st, peer_b, fd_b, una_b)
    st.sysctl("net.inet.tcp.cc.algorithm", "cubic")
    peer_c, fd_c = conn(st, 40002)
    una_c = lose_first(st, peer_c, fd_c)
    assert st.tcp_info(fd_c)["ssthresh"] == 28000
    finish_recovery(st, peer_c, fd_c, una_c)
    quiesce(st, fd_a, fd_b, fd_c)


def rounds(st, peer, fd, n, rtt):
    """n round trips of rtt seconds: the window goes out, one ACK comes
    back for all of it.  Yields (now, acked bytes, cwnd before, info)."""
    for _ in range(n):
        st.tcp_send(fd, b"r" * 65536)
        segs = data_segs(st)
        assert segs
        una = st.tcp_info(fd)["snd_una"]
        hi = max(s.seq + len(bytes(s.payload)) for s in segs) & 0xFFFFFFFF
        before = st.tcp_info(fd)["cwnd"]
        st.advance(rtt, step=rtt)
        peer.send("A", ack=hi)
        yield st.now(), (hi - una) & 0xFFFFFFFF, before, st.tcp_info(fd)


def follow_cubic(st, peer, fd, w_max, k, n, rtt):
    """n round trips, each cwnd checked against RFC 9438 computed here in
    floating point: W_est (4.3) or the step toward W_cubic(t + RTT)
    (4.4, 4.5).  Returns [(t, cwnd)]."""
    epoch = w_est = None
    seen = []
    for now, acked, before, info in rounds(st, peer, fd, n, rtt):
        cwnd = info["cwnd"]
        if epoch is None:
            epoch, w_est = now, before
        t = now - epoch
        srtt = (info["srtt"] >> 5) / 1000.0  # hz = 1000
        alpha = ALPHA if w_est < w_max else 1.0
        w_est += alpha * acked * MSS / before
        if w_cubic(t, w_max, k) < w_est:
            want = w_est
        else:
            target = min(
                max(w_cubic(t + srtt, w_max, k), before), 1.5 * before
            )
            want = before + (target - before) * acked / before
        assert abs(cwnd - want) <= max(0.01 * want, 2), (t, cwnd, want)
        seen.append((t, cwnd))
    return seen


def test_cubic_growth_follows_wcubic(make_stack):
    """After a loss at W_max = 40 segments, cwnd follows RFC 9438: the
    Reno-friendly estimate or, above it, W_cubic(t + RTT) per ACK
    (cwnd += (target - cwnd) / cwnd per segment acked), concave up to
    W_max near t = K and convex beyond."""
    st = tcp_stack(make_stack)
    peer, fd = conn(st, 40000)
    w_max = 40 * MSS
    una = lose_first(st, peer, fd)
    finish_recovery(st, peer, fd, una)
    k = (w_max * (1 - BETA) / C / MSS) ** (1 / 3)  # 3.107 s
    rtt = 0.2
    seen = follow_cubic(st, peer, fd, w_max, k, 25, rtt)
    # The shape: concave to W_max around K, convex beyond it.
    near_k = min(seen, key=lambda x: abs(x[0] + rtt - k))
    assert abs(near_k[1] - w_max) <= 0.03 * w_max
    assert seen[0][1] < 0.8 * w_max
    assert seen[-1][1] > w_max + 2 * MSS
    # Against the formula itself (the per-ACK step lands on the target).
    for t, cwnd in seen[2:]:
        assert abs(cwnd - w_cubic(t + rtt, w_max, k)) <= 0.03 * w_max
    quiesce(st, fd)


def test_newreno_growth_one_mss_per_rtt(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.cc.algorithm", "newreno")
    peer, fd = conn(st, 40000)
    una = lose_first(st, peer, fd)
    finish_recovery(st, peer, fd, una)
    cw = [info["cwnd"] for *_, info in rounds(st, peer, fd, 8, 0.1)]
    # cwnd == ssthresh: one slow-start ACK (at most 2 SMSS, RFC 3465),
    # then congestion avoidance: one SMSS per RTT (RFC 5681 3.1).
    assert cw[0] == 20000 + 2 * MSS
    assert [b - a for a, b in zip(cw, cw[1:])] == [MSS] * 7
    quiesce(st, fd)


def test_cubic_rto(make_stack):
    """RFC 9438 4.8: on an RTO cwnd is one segment and ssthresh
    beta * cwnd; the next CA stage starts with K = 0."""
    st = tcp_stack(make_stack)
    peer, fd = conn(st, 40000, nseg=20)
    st.tcp_send(fd, b"d" * 20 * MSS)
    segs = data_segs(st)
    st.advance(1.1, step=0.01)
    info = st.tcp_info(fd)
    assert info["cwnd"] == MSS
    assert info["ssthresh"] == int(BETA * 20 * MSS)
    peer.send("A", ack=segs[-1].seq + MSS)
    st.drain()
    quiesce(st, fd)


def test_cubic_fast_convergence(make_stack):
    """RFC 9438 4.7: a loss below the previous W_max lowers W_max to
    cwnd * (1 + beta) / 2, so the plateau comes sooner and lower."""
    st = tcp_stack(make_stack)
    peer, fd = conn(st, 40000)
    una = lose_first(st, peer, fd)  # W_max = 40 segments
    finish_recovery(st, peer, fd, una)
    for _ in rounds(st, peer, fd, 1, 0.2):  # past RFC 6582 "recover"
        pass
    st.tcp_send(fd, b"f" * 100000)
    segs = data_segs(st)
    info = st.tcp_info(fd)
    una, w = info["snd_una"], info["cwnd"]  # about 29000 < W_max
    assert w < 40 * MSS
    for k in (2, 3, 4):
        sack_ack(peer, una, 0, [(MSS, k * MSS)])
    data_segs(st)
    assert st.tcp_info(fd)["ssthresh"] == int(BETA * w)
    hi = max(x.seq + len(bytes(x.payload)) for x in segs)
    sack_ack(peer, una, (hi - una) & 0xFFFFFFFF, [])
    epoch_cwnd = st.tcp_info(fd)["cwnd"]
    assert epoch_cwnd == int(BETA * w)
    w_max = w * (1 + BETA) / 2  # below w, not w
    k = ((w_max - epoch_cwnd) / C / MSS) ** (1 / 3)
    seen = follow_cubic(st, peer, fd, w_max, k, 12, 0.2)
    # Near the new, lower W_max the Reno-friendly estimate takes over.
    assert seen[-1][1] > w_max
    quiesce(st, fd)
