"""The SYN cache and SYN cookies (tcp_syncache.c), RFC 5961 challenge
ACKs with their rate limit, RFC 1337 TIME_WAIT protection, and
net.inet.tcp.blackhole: through the test port, state by state."""

import errno

from scapy.layers.inet import TCP

from overload_util import sysctl, synflood
from tcp_peer import Peer, establish, quiesce, tcp_stack

GW_MAC = "02:00:00:00:aa:01"


def listener(st, port=80, backlog=128):
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", port) == 0
    assert st.tcp_listen(lfd, backlog) == 0
    return lfd


def test_entry_added_then_promoted(make_stack):
    st = tcp_stack(make_stack)
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 500
    peer.send("S", options=[("MSS", 1400), ("WScale", 3)])
    sa = peer.expect("SA")
    assert sysctl(st, "net.inet.tcp.syncache.count") == 1
    assert st.counter("tcp.syncache_count") == 1  # the fuzzers' gauge
    assert st.counter("tcp.tcb_count") == 1  # the listener only
    assert st.counter("tcp.sockets") == 1
    peer.send("A", ack=sa.seq + 1)
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    assert st.counter("tcp.syncache_count") == 0
    fd = st.tcp_accept(lfd)
    info = st.tcp_info(fd)
    assert info["state_name"] == "ESTABLISHED" and info["maxseg"] == 1400
    assert info["snd_scale"] == 3
    assert st.counter("tcp.tcps_sc_added") == 1
    assert st.counter("tcp.tcps_sc_completed") == 1
    quiesce(st, fd, lfd)


def test_synack_retransmitted_then_entry_dropped(make_stack):
    st = tcp_stack(make_stack)
    lfd = listener(st)
    peer = Peer(st)
    peer.send("S", seq=77)
    first = peer.expect("SA")
    times, t0 = [], st.now()
    for _ in range(200):
        st.advance(0.1, step=0.05)
        while (p := peer.pop()) is not None:
            assert p[TCP].seq == first.seq and p[TCP].flags == "SA"
            times.append(round(st.now() - t0))
    assert times == [1, 3, 7]  # rexmtlimit 3, doubling
    assert st.counter("tcp.tcps_sc_retransmitted") == 3
    assert st.counter("tcp.tcps_sc_stale") == 1  # gone after 15 s
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    quiesce(st, lfd)


def test_duplicate_syn_and_rst_in_cache(make_stack):
    st = tcp_stack(make_stack)
    lfd = listener(st)
    peer = Peer(st)
    peer.send("S", seq=10, advance=False)
    a = peer.expect("SA")
    peer.send("S", seq=10)
    assert peer.expect("SA").seq == a.seq  # same entry, same ISS
    assert st.counter("tcp.tcps_sc_dupsyn") == 1
    peer.send("R", seq=11)
    assert st.counter("tcp.tcps_sc_reset") == 1
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    quiesce(st, lfd)


def test_syn_flood_100k_with_cookies(make_stack):
    st = tcp_stack(make_stack)
    lfd = listener(st)
    st.sysctl("net.inet.tcp.syncache.cachelimit", 1024)
    base = st.mbufs_in_use()
    assert synflood(st, 100000, seed=7) == 100000
    count = sysctl(st, "net.inet.tcp.syncache.count")
    assert 0 < count <= 1024  # memory bounded
    assert st.counter("tcp.tcps_sc_sendcookie") > 90000
    # The first overflow paused the cache (15 s, the flood took 0.1 s of
    # virtual time): no entry after it.
    assert st.counter("tcp.tcps_sc_added") <= 1024
    assert (
        st.counter("tcp.tcps_sc_bucketoverflow")
        + st.counter("tcp.tcps_sc_cacheoverflow")
        == 1
    )
    assert st.counter("tcp.tcb_count") == 1 and st.counter("tcp.sockets") == 1
    assert st.mbufs_in_use() == base  # every mbuf back
    # A legitimate handshake right after the flood.
    peer = Peer(st, sport=33333)
    peer.seq = 1000
    peer.send("S", options=[("MSS", 1460)])
    sa = peer.expect("SA")
    peer.send("A", ack=sa.seq + 1)
    fd = st.tcp_accept(lfd)
    assert fd >= 0 and st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    st.advance(20, step=1)  # entries time out
    st.drain()
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    quiesce(st, fd, lfd)


def test_cookie_only_handshake_and_bad_cookie(make_stack):
    st = tcp_stack(make_stack)
    lfd = listener(st)
    st.sysctl("net.inet.tcp.syncookies_only", 1)
    peer = Peer(st)
    peer.seq = 4000
    peer.send(
        "S", options=[("MSS", 1300), ("WScale", 2), ("Timestamp", (100, 0))]
    )
    sa = peer.expect("SA")
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0  # no state
    assert st.counter("tcp.tcps_sc_sendcookie") == 1
    # A forged cookie: answered with a RST, counted, nothing made.
    bad = Peer(st, sport=40001)
    bad.send("A", seq=9, ack=sa.seq + 1 + 4096)
    assert bad.expect("R").seq == sa.seq + 1 + 4096
    assert st.counter("tcpx.tcpx_sc_badcookie") == 1
    assert st.counter("tcp.sockets") == 1
    # The real one: the connection comes back from the cookie.
    ts = dict(sa.options)["Timestamp"][0]
    peer.send("A", ack=sa.seq + 1, options=[("Timestamp", (101, ts))])
    assert st.counter("tcp.tcps_sc_recvcookie") == 1
    fd = st.tcp_accept(lfd)
    info = st.tcp_info(fd)
    assert info["state_name"] == "ESTABLISHED"
    assert info["maxseg"] == 1200 - 12 or info["maxseg"] == 1200
    assert info["snd_scale"] == 2
    quiesce(st, fd, lfd)


def test_challenge_ack_for_in_window_rst_and_syn_rate_limited(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("R", seq=peer.seq + 100, advance=False)  # in window, not exact
    assert peer.expect("A").ack == peer.seq
    peer.send("S", seq=peer.seq + 5, advance=False)
    assert peer.expect("A").ack == peer.seq
    assert st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    for _ in range(10):
        peer.send("R", seq=peer.seq + 100, advance=False)
    acks = [p for p in st.drain() if TCP in p]
    assert len(acks) == 3  # ack_war_cnt 5 per second
    assert st.counter("tcpx.tcpx_challenge_ack") == 5
    assert st.counter("tcpx.tcpx_ackwar_limited") == 7
    st.advance(1.1)
    peer.send("R", seq=peer.seq + 100, advance=False)
    assert peer.expect("A").ack == peer.seq  # a new window
    peer.send("R")  # exact: reset
    assert st.tcp_info(fd) is None
    quiesce(st, fd)


def test_rst_in_time_wait_is_ignored(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_close(fd)
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1)
    peer.expect("A")
    assert st.counter("tcp.tcb_count") == 1  # TIME_WAIT
    peer.send("R", ack=fin.seq + 1)  # RFC 1337
    assert st.counter("tcp.tcb_count") == 1
    assert st.counter("tcpx.tcpx_tw_rstignored") == 1
    quiesce(st)


def test_blackhole(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, dport=81)
    st.sysctl("net.inet.tcp.blackhole", 1)
    peer.send("S", seq=1)
    peer.expect_nothing()  # no RST for a SYN
    peer.send("A", seq=5, ack=9)
    peer.expect("R")  # other segments: yes
    st.sysctl("net.inet.tcp.blackhole", 2)
    peer.send("A", seq=5, ack=9)
    peer.expect_nothing()
    assert st.counter("tcpx.tcpx_blackholed") == 2
    st.sysctl("net.inet.tcp.blackhole", 0)
    peer.send("S", seq=1)
    peer.expect("RA")


def test_udp_blackhole(make_stack):
    from scapy.layers.inet import IP, UDP, ICMP
    from scapy.layers.l2 import Ether

    st = tcp_stack(make_stack)
    pkt = (
        Ether(dst=st.mac(), src=GW_MAC)
        / IP(src="198.18.0.1", dst="198.18.0.2")
        / UDP(sport=5, dport=999)
    )
    st.inject(pkt)
    assert ICMP in st.expect()  # port unreachable
    st.sysctl("net.inet.udp.blackhole", 1)
    st.inject(pkt)
    st.expect_nothing()


def test_ack_far_below_snd_una_gets_rate_limited_challenge(make_stack):
    """RFC 5961 5.2: SEG.ACK must lie in [SND.UNA - MAX.SND.WND, SND.NXT];
    an ACK below it (here 2^30 below SND.UNA, still "older" in sequence
    space) is discarded with its data and answered by a challenge ACK,
    at most ack_war_cnt (5) per ack_war_timewindow (1 s)."""
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    una = peer.ack
    ghost = (una - (1 << 30)) % (1 << 32)
    peer.send("PA", ack=ghost, data=b"forged", advance=False)
    ch = peer.expect("A")
    assert ch.ack == peer.seq and ch.seq == una  # what we expect
    assert st.tcp_recv(fd) == -errno.EAGAIN  # data discarded
    for _ in range(9):
        peer.send("A", ack=ghost, advance=False)
    acks = [p for p in st.drain() if TCP in p]
    assert len(acks) == 4  # 5 in the window
    assert st.counter("tcpx.tcpx_ghostack") == 10
    assert st.counter("tcpx.tcpx_ackwar_limited") == 5
    # An ACK just inside the window (SND.UNA - MAX.SND.WND) is an old
    # duplicate: accepted silently, its data taken.
    peer.send("PA", ack=(una - 65535) % (1 << 32), data=b"ok")
    assert st.tcp_recv(fd) == b"ok"
    assert st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    quiesce(st, fd)


def tiny_cache(st):
    """One bucket of two entries (cachelimit follows: 2)."""
    st.sysctl("net.inet.tcp.syncache.hashsize", 1)
    st.sysctl("net.inet.tcp.syncache.bucketlimit", 2)


def syn(st, sport, seq=1000):
    """A SYN from sport; the SYN-ACK it gets (retransmissions skipped)."""
    p = Peer(st, sport=sport)
    p.seq = seq
    p.send("S", options=[("MSS", 1460)])
    while True:
        sa = p.expect("SA")
        if sa.dport == sport and sa.ack == seq + 1:
            return p, sa


def test_overflow_pauses_the_cache(make_stack):
    """FreeBSD's syncache_pause(): a bucket overflow with cookies on
    makes every SYN a cookie with no entry and no bucket walk for
    SYNCOOKIE_LIFETIME (15 s), duplicate SYNs included; handshakes still
    complete from the cookies, and entries come back after the pause."""
    st = tcp_stack(make_stack)
    tiny_cache(st)
    lfd = listener(st)
    p0, sa0 = syn(st, 41000)
    syn(st, 41001)
    assert st.counter("tcp.tcps_sc_added") == 2
    syn(st, 41002)  # the bucket is full: a cookie, and the pause
    assert st.counter("tcp.tcps_sc_bucketoverflow") == 1
    assert st.counter("tcp.tcps_sc_sendcookie") == 1
    # Another bucket's worth: no overflow counted, no entry, a cookie.
    p3, sa3 = syn(st, 41003)
    _, dup = syn(st, 41000)  # its entry is not looked at
    assert st.counter("tcp.tcps_sc_dupsyn") == 0
    assert dup.seq == sa0.seq  # same 4-tuple, ISN, options: same cookie
    assert st.counter("tcp.tcps_sc_sendcookie") == 3
    assert st.counter("tcp.tcps_sc_bucketoverflow") == 1
    assert st.counter("tcp.tcps_sc_added") == 2
    assert sysctl(st, "net.inet.tcp.syncache.count") == 2
    # Both handshakes complete from the cookie (the entry of 41000 too).
    p3.send("A", ack=sa3.seq + 1)
    p0.send("A", ack=sa0.seq + 1)
    assert st.counter("tcp.tcps_sc_recvcookie") == 2
    fds = [st.tcp_accept(lfd), st.tcp_accept(lfd)]
    assert all(st.tcp_info(fd)["state_name"] == "ESTABLISHED" for fd in fds)
    st.advance(14, step=0.5)
    st.drain()
    syn(st, 41004)  # 14 s in: still paused
    assert st.counter("tcp.tcps_sc_added") == 2
    assert st.counter("tcp.tcps_sc_sendcookie") == 4
    st.advance(1.5, step=0.5)
    st.drain()
    syn(st, 41005)  # 15.5 s: an entry again
    assert st.counter("tcp.tcps_sc_added") == 3
    assert sysctl(st, "net.inet.tcp.syncache.count") == 1  # the old: stale
    quiesce(st, *fds, lfd)


def overflow(st, port):
    """SYNs into the one bucket until it overflows (at most 3: two
    entries and the one that finds them)."""
    over = st.counter("tcp.tcps_sc_bucketoverflow")
    for i in range(3):
        syn(st, port + i)
        if st.counter("tcp.tcps_sc_bucketoverflow") == over + 1:
            return
    raise AssertionError("no overflow after 3 SYNs")


def paused_for(st, port):
    """Whole seconds until a SYN makes an entry again (one a second)."""
    for s in range(1, 200):
        st.advance(1, step=0.5)
        st.drain()
        added = st.counter("tcp.tcps_sc_added")
        syn(st, port + s)
        if st.counter("tcp.tcps_sc_added") == added + 1:
            return s
    raise AssertionError("still paused after 200 s")


def test_pause_backs_off_when_the_flood_comes_back(make_stack):
    """An overflow within one pause length of the last pause's end
    doubles the pause (15 s, then 30 s); one long after starts again at
    15 s (FreeBSD's pause_backoff)."""
    st = tcp_stack(make_stack)
    tiny_cache(st)
    lfd = listener(st)
    overflow(st, 42000)
    assert paused_for(st, 42100) == 15
    overflow(st, 42200)  # 1 s after the first pause ended
    assert paused_for(st, 42300) == 30
    st.advance(100, step=1)  # long after
    st.drain()
    overflow(st, 42400)
    assert paused_for(st, 42500) == 15
    st.advance(20, step=1)
    st.drain()
    quiesce(st, lfd)


def test_no_pause_without_cookies(make_stack):
    """net.inet.tcp.syncookies=0: nothing to pause for; a SYN for a full
    bucket evicts its oldest entry and the next SYN makes an entry."""
    st = tcp_stack(make_stack)
    tiny_cache(st)
    st.sysctl("net.inet.tcp.syncookies", 0)
    lfd = listener(st)
    for port in (43000, 43001, 43002, 43003):
        syn(st, port)
    assert st.counter("tcp.tcps_sc_added") == 4
    assert st.counter("tcp.tcps_sc_bucketoverflow") == 2
    assert st.counter("tcp.tcps_sc_sendcookie") == 0
    assert sysctl(st, "net.inet.tcp.syncache.count") == 2
    st.advance(20, step=1)
    st.drain()
    quiesce(st, lfd)


def handshake_ts(st, lfd, sport, tsval):
    """A handshake with timestamps; the SYN-ACK's TSval and the first
    data segment's TSval, the clock moved 0.25 s between them."""
    peer = Peer(st, sport=sport)
    peer.seq = 7000
    peer.send("S", options=[("MSS", 1460), ("Timestamp", (tsval, 0))])
    sa = peer.expect("SA")
    sa_ts = dict(sa.options)["Timestamp"][0]
    peer.send("A", ack=sa.seq + 1, options=[("Timestamp", (tsval + 1, sa_ts))])
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    st.advance(0.25)
    st.drain()
    assert st.tcp_send(fd, b"hello") == 5
    d = peer.expect("PA")
    return fd, sa_ts, dict(d.options)["Timestamp"][0]


def test_timestamp_clock_continues_from_the_synack(make_stack):
    """RFC 7323 5.4: one timestamp clock (and offset) per connection:
    the first data segment's TSval is the SYN-ACK's plus the time that
    passed (ms), whether the connection came from an entry or, paused,
    from a cookie."""
    st = tcp_stack(make_stack)
    lfd = listener(st)
    fd1, sa_ts, d_ts = handshake_ts(st, lfd, 44000, 100)
    assert st.counter("tcp.tcps_sc_added") == 1
    assert 250 <= (d_ts - sa_ts) % (1 << 32) <= 251
    st.sysctl("net.inet.tcp.syncookies_only", 1)
    fd2, sa_ts, d_ts = handshake_ts(st, lfd, 44001, 200)
    assert st.counter("tcp.tcps_sc_recvcookie") == 1
    assert 250 <= (d_ts - sa_ts) % (1 << 32) <= 251
    quiesce(st, fd1, fd2, lfd)
