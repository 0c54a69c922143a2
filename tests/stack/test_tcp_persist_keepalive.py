"""TCP persist and keepalive timers through the test port: zero-window
probes backed off within net.inet.tcp.persmin/persmax and the transfer
resuming when the window opens; keepalive probes after keepidle every
keepintvl and the drop with ETIMEDOUT after keepcnt of them (sysctls and
the TCP_KEEP* socket options with Linux numbers)."""

import errno

from scapy.layers.inet import TCP

from tcp_peer import Peer, establish, handshake_passive, quiesce, tcp_stack

SOL_SOCKET, SO_KEEPALIVE = 1, 9  # Linux numbers (the API)
IPPROTO_TCP, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT = 6, 4, 5, 6


def payload(t):
    return bytes(t.payload)


def next_segment(st, peer, limit, step=0.01):
    """Advance the clock until the stack sends something: (t, TCP)."""
    t0 = st.now()
    while st.now() - t0 < limit:
        st.advance(step, step=step)
        if (p := peer.pop()) is not None:
            return st.now(), p[TCP]
    raise AssertionError("nothing sent in %s s" % limit)


def zero_window(st, peer, fd, rtt=0.25):
    """Data queued, the peer takes 100 bytes after rtt and closes its
    window: (snd_una, RTO in ms)."""
    assert st.tcp_send(fd, b"d" * 100) == 100
    first = peer.expect("PA")
    st.advance(rtt, step=0.01)
    peer.send("A", ack=first.seq + 100, win=0)
    assert st.tcp_send(fd, b"q" * 300) == 300
    peer.expect_nothing()
    return first.seq + 100, st.tcp_info(fd)["rxtcur"]


def persist_gaps(rto_ms, persmin, persmax, n):
    """RTO doubled per probe, within [persmin, persmax], seconds."""
    return [min(max(rto_ms << k, persmin), persmax) / 1000 for k in range(n)]


def probe_gaps(st, peer, una, n, limit):
    """n probes, each answered with a zero window: the gaps (s)."""
    t, gaps = st.now(), []
    for _ in range(n):
        now, probe = next_segment(st, peer, limit)
        gaps.append(now - t)
        t = now
        # One byte, always the first unacknowledged one.
        assert probe.seq == una and len(payload(probe)) == 1
        peer.send("A", ack=una, win=0)  # still closed
    return gaps


def close_to(got, want):
    return all(abs(a - b) < 0.015 for a, b in zip(got, want)) and len(
        got
    ) == len(want)


def test_zero_window_probes_back_off(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    una, rto = zero_window(st, peer, fd)
    assert 945 <= rto <= 960, rto  # R + 4 R/2 + slop 200 ms
    gaps = probe_gaps(st, peer, una, 8, 120)
    want = persist_gaps(rto, 5000, 60000, 8)  # 5 5 5 7.6 15.2 30.4 60 60
    assert close_to(gaps, want), (gaps, want)
    assert st.counter("tcp.tcps_persisttimeo") == 8
    assert st.counter("tcp.tcps_sndprobe") == 8
    assert st.counter("tcp.tcps_rexmttimeo") == 0
    info = st.tcp_info(fd)
    assert info["snd_nxt"] == una and info["state_name"] == "ESTABLISHED"
    # The window opens: the data goes, probing stops.
    peer.send("A", ack=una, win=65535)
    got = b""
    while (p := peer.pop()) is not None:
        got += payload(p[TCP])
    assert got == b"q" * 300
    peer.send("A", ack=una + 300)
    st.advance(200, step=1)
    assert st.counter("tcp.tcps_persisttimeo") == 8
    quiesce(st, fd)


def test_persist_sysctls_and_probe_accepted(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.persmin", 1000)
    st.sysctl("net.inet.tcp.persmax", 3000)
    peer = Peer(st)
    fd = establish(st, peer)
    una, rto = zero_window(st, peer, fd)
    gaps = probe_gaps(st, peer, una, 4, 10)
    want = persist_gaps(rto, 1000, 3000, 4)  # 1 1.5 3 3
    assert close_to(gaps, want), (gaps, want)
    # The peer takes the probe's byte (a window of one) and closes
    # again: the next probe is for the byte after it.
    now, probe = next_segment(st, peer, 10)
    peer.send("A", ack=una + 1, win=0)
    assert st.tcp_info(fd)["snd_una"] == una + 1
    now, probe = next_segment(st, peer, 10)
    assert probe.seq == una + 1 and payload(probe) == b"q"
    peer.send("A", ack=una + 1, win=65535)
    assert b"".join(payload(p[TCP]) for p in st.drain()) == b"q" * 299
    peer.send("A", ack=una + 300)
    quiesce(st, fd)


def test_persist_gives_up_on_silent_closed_peer(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.persmax", 2000)
    peer = Peer(st)
    fd = establish(st, peer)
    zero_window(st, peer, fd)
    assert st.tcp_close(fd) == 0  # FIN_WAIT_1 behind the data
    st.advance(10, step=0.1)
    assert st.counter("tcp.tcps_persistdrop") == 1
    st.drain()
    assert st.counter("tcp.tcb_count") == 0
    assert st.counter("tcp.sockets") == 0


def keepalive_conn(st, peer, passive=False):
    if passive:
        lfd, fd = handshake_passive(st, peer)
        st.tcp_close(lfd)
    else:
        fd = establish(st, peer)
    assert st.tcp_setopt(fd, SOL_SOCKET, SO_KEEPALIVE, 1) == 0
    return fd


def test_keepalive_probes_then_drop(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.keepidle", 10000)
    st.sysctl("net.inet.tcp.keepintvl", 2000)
    st.sysctl("net.inet.tcp.keepcnt", 3)
    peer = Peer(st)
    fd = keepalive_conn(st, peer, passive=True)
    t0 = st.now()
    times = []
    for _ in range(3):
        now, probe = next_segment(st, peer, 20, step=0.1)
        times.append(round(now - t0, 1))
        # An old sequence number: the peer must answer with an ACK.
        assert str(probe.flags) == "A" and payload(probe) == b""
        assert probe.seq == (peer.ack - 1) & 0xFFFFFFFF
        assert probe.ack == peer.seq
    assert times == [10.0, 12.0, 14.0], times
    assert st.counter("tcp.tcps_keepprobe") == 3
    st.advance(2.1, step=0.1)
    rst = peer.expect("RA")
    assert rst.seq == peer.ack
    assert st.tcp_info(fd) is None
    assert st.tcp_recv(fd) == -errno.ETIMEDOUT
    assert st.counter("tcp.tcps_keepdrops") == 1
    quiesce(st, fd)


def test_keepalive_answered_keeps_connection(make_stack):
    st = tcp_stack(make_stack)
    # The socket option alone decides here (FreeBSD's default of 1 would
    # probe whatever the option says).
    st.sysctl("net.inet.tcp.always_keepalive", 0)
    peer = Peer(st)
    fd = keepalive_conn(st, peer)
    # Per-socket values, in seconds, with Linux's option numbers.
    assert st.tcp_setopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, 5) == 0
    assert st.tcp_setopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, 1) == 0
    assert st.tcp_setopt(fd, IPPROTO_TCP, TCP_KEEPCNT, 2) == 0
    assert st.tcp_getopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == (0, 5)
    assert st.tcp_getopt(fd, IPPROTO_TCP, TCP_KEEPCNT) == (0, 2)
    assert st.tcp_setopt(fd, IPPROTO_TCP, TCP_KEEPCNT, 0) == -errno.EINVAL
    for _ in range(5):
        now, probe = next_segment(st, peer, 10, step=0.1)
        peer.send("A")  # the peer is alive
    assert st.counter("tcp.tcps_keepprobe") == 5
    assert st.counter("tcp.tcps_keepdrops") == 0
    # Traffic resets the idle time: no probe for 5 s after a segment.
    st.advance(4, step=0.1)
    peer.send("PA", data=b"hello")
    st.advance(4.9, step=0.1)
    assert all(
        payload(p[TCP]) == b"" and p[TCP].seq == peer.ack for p in st.drain()
    )  # the delayed ACK only
    assert st.counter("tcp.tcps_keepprobe") == 5
    # SO_KEEPALIVE off: silence, no probe, no drop.
    assert st.tcp_setopt(fd, SOL_SOCKET, SO_KEEPALIVE, 0) == 0
    st.advance(30, step=0.5)
    peer.expect_nothing()
    assert st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    quiesce(st, fd)


def test_always_keepalive_is_on_by_default(make_stack):
    """FreeBSD's net.inet.tcp.always_keepalive default: 1 (tcp(4)), so a
    peer whose FIN or RST was lost does not hold a socket forever."""
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.keepidle", 1000)
    st.sysctl("net.inet.tcp.keepintvl", 500)
    st.sysctl("net.inet.tcp.keepcnt", 2)
    peer = Peer(st)
    lfd, fd = handshake_passive(st, peer)
    st.advance(1.1, step=0.1)
    assert str(peer.expect().flags) == "A"  # a probe, never answered
    st.advance(1.1, step=0.1)
    while st.pop() is not None:
        pass
    assert st.counter("tcp.tcps_keepdrops") == 1
    assert st.tcp_info(fd) is None or st.tcp_info(fd)["state_name"] in (
        "CLOSED",
    )
    quiesce(st, fd, lfd)


def test_no_keepalive_without_option(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.always_keepalive", 0)
    st.sysctl("net.inet.tcp.keepidle", 1000)
    peer = Peer(st)
    lfd, fd = handshake_passive(st, peer)
    st.advance(20, step=0.5)
    peer.expect_nothing()
    assert st.counter("tcp.tcps_keepprobe") == 0
    st.sysctl("net.inet.tcp.always_keepalive", 1)
    st.advance(1.5, step=0.5)
    assert str(peer.expect().flags) == "A"
    quiesce(st, fd, lfd)


def test_window_too_small_to_send_is_not_a_hang(make_stack):
    """Found by tests/fuzz (fuzz_tcp): the peer offers 3 bytes, less than
    sender silly window avoidance sends (RFC 9293 3.8.6.2.1: not a full
    segment, not half the largest window seen), then falls silent.  No
    segment is in flight, so no retransmission timer runs; the window is
    not zero, so no persist timer ran either: the connection waited for
    ever, and after close() it was never freed.  As FreeBSD does, the
    persist timer runs in this state too (RFC 1122 4.2.3.4's override
    timeout): when it fires, what the window allows goes out as data,
    retransmitted until the silent peer is given up on."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("A", win=3)
    assert st.tcp_send(fd, b"s" * 2231) == 2231
    peer.expect_nothing()
    una = st.tcp_info(fd)["snd_una"]
    _, seg = next_segment(st, peer, 10)
    assert seg.seq == una and payload(seg) == b"sss"
    assert st.counter("tcp.tcps_persisttimeo") == 1
    # As data: the retransmission timer now runs for it.
    _, again = next_segment(st, peer, 10)
    assert again.seq == una and payload(again) == b"sss"
    assert st.counter("tcp.tcps_rexmttimeo") >= 1
    # Closed with the peer silent, the connection is dropped in the end.
    assert st.tcp_close(fd) == 0
    st.advance(2000, step=1)
    st.drain()
    assert st.counter("tcp.tcb_count") == 0
    assert st.counter("tcp.inpcbs") == 0
    assert st.counter("tcp.sockets") == 0
