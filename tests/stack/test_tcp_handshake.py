"""TCP handshakes through the test port: the options we offer and accept
(MSS, window scale, timestamps; no SACK-permitted until SACK exists),
simultaneous open, RSTs to closed and open ports and their rate limits
(net.inet.icmp.icmplim, shared with ICMP as FreeBSD's badport_bandlim)."""

import errno

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import Ether

import ffstack
from overload_util import synflood, sysctl
from tcp_peer import (
    OUR_IP,
    PEER_IP,
    PEER_MAC,
    Peer,
    establish,
    handshake_passive,
    quiesce,
    tcp_stack,
)


def opts(t):
    return dict((k, v) for k, v in t.options)


def test_passive_open_options(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 1000
    peer.send(
        "S",
        options=[
            ("MSS", 1400),
            ("SAckOK", b""),
            ("Timestamp", (12345, 0)),
            ("NOP", None),
            ("WScale", 7),
        ],
    )
    sa = peer.expect("SA")
    o = opts(sa)
    assert sa.ack == 1001
    assert o["MSS"] == 1460  # ours: MTU 1500 - 40
    assert o["WScale"] == 6  # recvbuf_max (2 MB) autotuned
    assert o["Timestamp"][1] == 12345  # echoed
    assert "SAckOK" in o  # net.inet.tcp.sack.enable (RFC 2018)
    assert sa.window == 65535
    peer.send("A", options=[("Timestamp", (12346, o["Timestamp"][0]))])
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    info = st.tcp_info(fd)
    assert info["state_name"] == "ESTABLISHED"
    assert info["maxseg"] == 1400 and info["snd_scale"] == 7
    assert info["rcv_scale"] == 6
    assert st.counter("tcp.tcps_accepts") == 1
    # Data carries timestamps; the payload is cut by the option length.
    assert st.tcp_send(fd, b"x" * 3000) == 3000
    seg = peer.expect("A")
    assert len(bytes(seg.payload)) == 1400 - 12
    assert "Timestamp" in opts(seg)
    st.drain()
    quiesce(st, fd, lfd)


def test_passive_open_without_options(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 7
    peer.send("S")
    sa = peer.expect("SA")
    o = opts(sa)
    assert set(o) == {"MSS"}  # nothing they did not offer
    peer.send("A")
    fd = st.tcp_accept(lfd)
    info = st.tcp_info(fd)
    assert info["maxseg"] == 536  # RFC 9293 default
    assert info["snd_scale"] == info["rcv_scale"] == 0
    quiesce(st, fd, lfd)


def test_active_open(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, "198.18.0.1", 8080) == -errno.EINPROGRESS
    syn = Peer(st).expect("S")
    o = opts(syn)
    assert o["MSS"] == 1460 and o["WScale"] == 6 and "Timestamp" in o
    peer = Peer(st, sport=8080, dport=syn.sport)
    peer.ack = syn.seq + 1
    peer.seq = 90000
    assert st.tcp_info(fd)["state_name"] == "SYN_SENT"
    peer.send(
        "SA",
        options=[
            ("MSS", 1200),
            ("WScale", 2),
            ("Timestamp", (1, o["Timestamp"][0])),
        ],
    )
    ack = peer.expect("A")
    assert ack.ack == 90001 and ack.seq == syn.seq + 1
    info = st.tcp_info(fd)
    assert info["state_name"] == "ESTABLISHED"
    assert info["maxseg"] == 1200 and info["snd_scale"] == 2
    assert st.counter("tcp.tcps_connects") == 1
    assert st.tcp_connect(fd, "198.18.0.1", 8080) == -errno.EISCONN
    quiesce(st, fd)


def test_simultaneous_open(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_bind(fd, "", 5555) == 0
    assert st.tcp_connect(fd, "198.18.0.1", 6666) == -errno.EINPROGRESS
    peer = Peer(st, sport=6666, dport=5555)
    syn = peer.expect("S")
    peer.seq = 300
    peer.send("S")  # their SYN crosses ours
    sa = peer.expect("SA")
    assert sa.seq == syn.seq and sa.ack == 301
    assert st.tcp_info(fd)["state_name"] == "SYN_RCVD"
    peer.send("SA", seq=300, ack=syn.seq + 1, advance=False)
    assert st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    quiesce(st, fd)


def test_rst_to_closed_port(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, dport=81)
    peer.send("S", seq=1000)
    r = peer.expect("RA")
    assert r.seq == 0 and r.ack == 1001
    peer.send("A", seq=5, ack=777, data=b"hello")
    r = peer.expect("R")
    assert r.seq == 777
    peer.send("R", seq=5, ack=0)  # never a RST for a RST
    peer.expect_nothing()
    assert st.counter("tcpx.tcpx_noport") == 3


def sent_rsts(st):
    return [p for p in st.drain() if TCP in p and p[TCP].flags.R]


def test_rst_to_closed_port_rate_limited(make_stack):
    # FreeBSD's badport_bandlim(BANDLIM_RST_CLOSEDPORT): at most
    # net.inet.icmp.icmplim RSTs per second of the (virtual) clock.
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.icmp.icmplim", 5)
    peer = Peer(st, dport=81)
    for i in range(20):
        peer.send("S", seq=1000 * i)
    assert len(sent_rsts(st)) == 5
    assert st.counter("icmp.bandlim.rst_closedport") == 15
    assert st.counter("tcpx.tcpx_noport") == 20
    peer.send("R", seq=5)  # no RST for a RST: not counted
    assert st.counter("icmp.bandlim.rst_closedport") == 15
    # One limiter per kind: port unreachables still go out.
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / UDP(sport=5, dport=999)
    )
    assert ICMP in st.expect()
    # The next second brings another icmplim.
    st.advance(1.0)
    for i in range(20):
        peer.send("S", seq=1000 * i)
    assert len(sent_rsts(st)) == 5
    # The limit is the sysctl's; 0 lifts it.
    st.advance(1.0)
    st.sysctl("net.inet.icmp.icmplim", 12)
    for i in range(20):
        peer.send("S", seq=1000 * i)
    assert len(sent_rsts(st)) == 12
    st.sysctl("net.inet.icmp.icmplim", 0)
    for i in range(20):
        peer.send("A", seq=5, ack=1000 * i)
    assert len(sent_rsts(st)) == 20
    assert st.counter("icmp.bandlim.rst_closedport") == 15 + 15 + 8
    assert st.counter("icmp.bandlim.icmp_unreach") == 0


def test_syn_flood_to_closed_port_gets_icmplim_rsts(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl(st, "net.inet.icmp.icmplim") == 200
    assert synflood(st, 5000, dport=81, step_ms=0) == 5000
    assert st.counter("tcpx.tcpx_noport") == 5000
    assert st.counter("icmp.bandlim.rst_closedport") == 4800
    assert sysctl(st, "net.inet.icmp.bandlim.rst_closedport") == 4800


def test_rst_from_open_port_rate_limited(make_stack):
    # FreeBSD's BANDLIM_RST_OPENPORT: ACKs to a listener that no SYN
    # cache entry or cookie expects (an ACK flood) get at most icmplim
    # RSTs a second, on a limiter of their own.
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.icmp.icmplim", 5)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer = Peer(st)
    for i in range(20):
        peer.send("A", seq=7, ack=1000 * i + 1)
    assert len(sent_rsts(st)) == 5
    assert st.counter("icmp.bandlim.rst_openport") == 15
    assert sysctl(st, "net.inet.icmp.bandlim.rst_openport") == 15
    assert st.counter("icmp.ratelimited") == 15
    # A SYN-ACK to a listener is answered through the same limiter.
    peer.send("SA", seq=7, ack=99)
    assert sent_rsts(st) == []
    assert st.counter("icmp.bandlim.rst_openport") == 16
    # Closed ports keep their own limiter.
    Peer(st, dport=81).send("A", seq=7, ack=5)
    assert len(sent_rsts(st)) == 1
    assert st.counter("icmp.bandlim.rst_closedport") == 0
    # The next second brings another icmplim; the limit is the sysctl's.
    st.advance(1.0)
    st.sysctl("net.inet.icmp.icmplim", 12)
    for i in range(20):
        peer.send("A", seq=7, ack=1000 * i + 1)
    assert len(sent_rsts(st)) == 12
    assert st.counter("icmp.bandlim.rst_openport") == 16 + 8
    st.sysctl("net.inet.icmp.icmplim", 0)  # no limit
    for i in range(20):
        peer.send("A", seq=7, ack=1000 * i + 1)
    assert len(sent_rsts(st)) == 20
    assert st.counter("icmp.bandlim.rst_openport") == 24
    quiesce(st, lfd)


def connecting_with_icmplim(make_stack, limit):
    """A stack with icmplim at limit, one socket in SYN_SENT to port 9:
    (stack, fd, our SYN, the peer as port 9)."""
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.icmp.icmplim", limit)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, "198.18.0.1", 9) == -errno.EINPROGRESS
    syn = Peer(st).expect("S")
    return st, fd, syn, Peer(st, sport=9, dport=syn.sport)


def test_rst_for_bad_ack_in_syn_received_rate_limited(make_stack):
    st, fd, syn, peer = connecting_with_icmplim(make_stack, 3)
    peer.send("S", seq=500)  # simultaneous open
    peer.expect("SA")
    assert st.tcp_info(fd)["state_name"] == "SYN_RCVD"
    for i in range(10):  # ACKs of nothing we sent
        peer.send("A", ack=syn.seq + 1000 + i, advance=False)
    assert len(sent_rsts(st)) == 3
    assert st.counter("icmp.bandlim.rst_openport") == 7
    quiesce(st, fd)


def test_rst_for_bad_ack_in_syn_sent_not_limited(make_stack):
    # As in FreeBSD (BANDLIM_UNLIMITED): this RST clears a half-open
    # connection the peer holds, so that our SYN gets through; it takes
    # the 4-tuple to draw one, and a shared limiter an ACK flood drains
    # would hold it back.
    st, fd, syn, peer = connecting_with_icmplim(make_stack, 3)
    for i in range(10):
        peer.send("A", seq=500, ack=syn.seq + 1000 + i)
    assert len(sent_rsts(st)) == 10
    assert st.counter("icmp.bandlim.rst_openport") == 0
    assert st.tcp_info(fd)["state_name"] == "SYN_SENT"
    quiesce(st, fd)


def test_challenge_acks_not_under_icmplim(make_stack):
    # RFC 5961 challenge ACKs keep their own limit (ack_war_cnt), even
    # with the RST limiters spent.
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.icmp.icmplim", 1)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    flood = Peer(st, sport=40100)
    for i in range(3):
        flood.send("A", seq=7, ack=1000 * i + 1)
    assert len(sent_rsts(st)) == 1
    peer = Peer(st, sport=40001, dport=2000)
    fd = establish(st, peer)
    for _ in range(3):
        peer.send("R", seq=peer.seq + 100, advance=False)
    acks = [p for p in st.drain() if TCP in p]
    assert len(acks) == 3 and all(a[TCP].flags == "A" for a in acks)
    quiesce(st, fd, lfd)


def test_connect_refused(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, "198.18.0.1", 9) == -errno.EINPROGRESS
    syn = Peer(st).expect("S")
    peer = Peer(st, sport=9, dport=syn.sport)
    peer.send("RA", seq=0, ack=syn.seq + 1)
    assert st.tcp_recv(fd) == -errno.ECONNREFUSED
    assert st.tcp_info(fd) is None
    quiesce(st, fd)


def _fill_queue(st, ports):
    """A SYN-ACK for every SYN (the SYN cache), then the final ACKs:
    how many were refused with a RST for want of queue room."""
    peers = []
    for port in ports:
        p = Peer(st, sport=port)
        p.seq = 100
        p.send("S")
        p.expect("SA")
        peers.append(p)
    rsts = 0
    for p in peers:
        p.send("A")
        r = p.pop()
        rsts += r is not None and "R" in str(r[TCP].flags)
    return rsts


def test_listen_queue_overflow(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 2) == 0  # room for 3 (3/2 rule)
    # FreeBSD: sonewconn() refuses once qlen + incqlen > 3; with
    # syncache.rst_on_sock_fail the peer hears a RST.
    assert _fill_queue(st, range(41000, 41006)) == 2
    assert st.counter("tcp.tcps_listendrop") == 2
    # The queue is full: a new SYN is dropped before anything is made.
    p = Peer(st, sport=41010)
    p.send("S", seq=100)
    p.expect_nothing()
    assert st.counter("tcp.tcps_listendrop") == 3
    assert st.counter("tcp.tcps_sc_added") == 6
    quiesce(st, lfd)


def test_somaxconn_caps_backlog(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("kern.ipc.somaxconn", 1)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 100) == 0
    assert _fill_queue(st, range(42000, 42004)) == 2
    assert st.counter("tcp.tcps_listendrop") == 2
    quiesce(st, lfd)


def test_api_errors(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = st.tcp_socket()
    assert st.tcp_recv(fd) == -errno.ENOTCONN
    assert st.tcp_send(fd, b"x") == -errno.ENOTCONN
    assert st.tcp_shutdown(fd, ffstack.SHUT_WR) == -errno.ENOTCONN
    assert st.tcp_close(fd) == 0
    lfd, cfd = handshake_passive(st, peer)
    assert st.tcp_shutdown(cfd, ffstack.SHUT_WR) == 0
    peer.expect("FA")
    assert st.tcp_send(cfd, b"x") == -errno.EPIPE
    fd2 = establish(st, Peer(st, sport=40001, dport=2000))
    assert st.tcp_connect(fd2, "198.18.0.1", 40001) == -errno.EISCONN
    quiesce(st, cfd, lfd, fd2)


def test_nodelay_and_maxseg_options(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    P, N, M = ffstack.IPPROTO_TCP, ffstack.TCP_NODELAY, ffstack.TCP_MAXSEG
    assert st.tcp_getopt(fd, P, N) == (0, 0)
    assert st.tcp_setopt(fd, P, N, 1) == 0
    assert st.tcp_getopt(fd, P, N) == (0, 1)
    assert st.tcp_setopt(fd, P, M, 1000) == 0
    assert st.tcp_getopt(fd, P, M) == (0, 1000)
    assert st.tcp_setopt(fd, P, M, 10) == -errno.EINVAL
    quiesce(st, fd)


def test_syn_retransmitted_then_connect_times_out(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, "198.18.0.1", 8080) == -errno.EINPROGRESS
    peer = Peer(st)
    syn = peer.expect("S")
    times = []
    t0 = st.now()
    for _ in range(300):
        st.advance(0.25, step=0.05)
        while (p := peer.pop()) is not None:
            assert "S" in p[TCP].flags and p[TCP].seq == syn.seq
            times.append(round(st.now() - t0))
        if st.tcp_info(fd) is None:
            break
    assert times[:4] == [1, 3, 7, 15], times  # 1, 2, 4, 8 s apart
    assert st.tcp_info(fd) is None  # keepinit: 75 s
    assert 74 <= st.now() - t0 <= 76
    assert st.tcp_recv(fd) == -errno.ETIMEDOUT
    quiesce(st, fd)
