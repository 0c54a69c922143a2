"""TCP through the test port: ICMP fragmentation-needed lowers the MSS
and what is in flight is sent again in the smaller size (DF set with
net.inet.tcp.path_mtu_discovery); ICMP errors that quote no segment in
flight are ignored; port unreachable ends a connection attempt; SO_LINGER
with a zero time closes with a RST; SO_REUSEPORT listeners share a port;
receive buffer autotuning grows the buffer and the advertised window on
a long-delay path (virtual time)."""

import errno
import struct

from scapy.layers.inet import ICMP, IP, TCP
from scapy.layers.l2 import Ether

import ffstack
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

SOL_SOCKET, SO_LINGER, SO_RCVBUF, SO_REUSEPORT = 1, 13, 8, 15  # Linux
IPPROTO_TCP, TCP_NODELAY = 6, 1


def payload(t):
    return bytes(t.payload)


def icmp_about(st, ippkt, type=3, code=4, mtu=1000):
    """Inject an ICMP error quoting ippkt's IP header and 8 bytes."""
    quote = bytes(ippkt)[: 20 + 8]
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(type=type, code=code, nexthopmtu=mtu)
        / quote
    )


def sent_segments(peer):
    out = []
    while (p := peer.pop()) is not None:
        out.append(p)
    return out


def test_frag_needed_lowers_mss(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, mss=1460)
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    assert st.tcp_send(fd, b"m" * 4000) == 4000
    segs = sent_segments(peer)
    assert [len(payload(p[TCP])) for p in segs] == [1460, 1460, 1080]
    assert all(p[IP].flags == "DF" for p in segs)
    icmp_about(st, segs[0][IP], mtu=1000)
    assert st.tcp_info(fd)["maxseg"] == 960
    assert st.counter("tcp.tcps_mturesent") == 1
    again = sent_segments(peer)
    assert again[0][TCP].seq == segs[0][TCP].seq
    assert all(p[IP].len <= 1000 for p in again)
    assert sum(len(payload(p[TCP])) for p in again) == 4000
    # A larger MTU than ours changes nothing.
    icmp_about(st, again[0][IP], mtu=1400)
    assert st.tcp_info(fd)["maxseg"] == 960
    peer.send("A", ack=segs[0][TCP].seq + 4000)
    assert st.tcp_send(fd, b"n" * 2000) == 2000
    assert [len(payload(p[TCP])) for p in sent_segments(peer)] == [
        960,
        960,
        80,
    ]
    peer.send("A", ack=segs[0][TCP].seq + 6000)
    quiesce(st, fd)


def test_icmp_for_segment_not_in_flight_ignored(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, mss=1460)
    assert st.tcp_send(fd, b"m" * 1000) == 1000
    seg = sent_segments(peer)[0]
    peer.send("A", ack=seg[TCP].seq + 1000)  # acknowledged: not in flight
    icmp_about(st, seg[IP], mtu=600)
    assert st.tcp_info(fd)["maxseg"] == 1460
    assert st.counter("tcp.tcps_mturesent") == 0
    # Path MTU discovery off: no DF, frag-needed ignored.
    st.sysctl("net.inet.tcp.path_mtu_discovery", 0)
    assert st.tcp_send(fd, b"o" * 100) == 100
    seg = sent_segments(peer)[0]
    assert seg[IP].flags == 0
    icmp_about(st, seg[IP], mtu=600)
    assert st.tcp_info(fd)["maxseg"] == 1460
    peer.send("A", ack=seg[TCP].seq + 100)
    quiesce(st, fd)


def test_port_unreachable_refuses_connect(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 9) == -errno.EINPROGRESS
    syn = st.expect(TCP)
    icmp_about(st, syn[IP], code=3)
    assert st.tcp_info(fd) is None
    assert st.tcp_recv(fd) == -errno.ECONNREFUSED
    assert st.tcp_close(fd) == 0


def test_host_unreachable_is_soft_error(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 9) == -errno.EINPROGRESS
    syn = st.expect(TCP)
    icmp_about(st, syn[IP], code=1)  # host unreachable
    assert st.tcp_info(fd)["state_name"] == "SYN_SENT"
    # Reported when the attempt gives up, instead of ETIMEDOUT.
    st.advance(80, step=1)
    st.drain()
    assert st.tcp_info(fd) is None
    assert st.tcp_recv(fd) == -errno.EHOSTUNREACH
    assert st.tcp_close(fd) == 0


def test_linger_zero_sends_rst(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"unread")
    st.drain()
    st.api.setsockopt(fd, SOL_SOCKET, SO_LINGER, struct.pack("ii", 1, 0))
    assert st.api.getsockopt(fd, SOL_SOCKET, SO_LINGER, 8) == struct.pack(
        "ii", 1, 0
    )
    assert st.tcp_close(fd) == 0
    rst = peer.expect("RA")
    assert rst.seq == peer.ack
    peer.expect_nothing()  # no FIN, no TIME_WAIT
    assert st.counter("tcp.tcb_count") == 0
    assert st.counter("tcp.sockets") == 0


def test_reuseport_listeners_share_connections(make_stack):
    st = tcp_stack(make_stack)
    lfds = []
    for _ in range(2):
        lfd = st.tcp_socket()
        assert st.tcp_setopt(lfd, SOL_SOCKET, SO_REUSEPORT, 1) == 0
        assert st.tcp_bind(lfd, "", 80) == 0
        assert st.tcp_listen(lfd, 64) == 0
        lfds.append(lfd)
    # Without SO_REUSEPORT a third bind fails.
    other = st.tcp_socket()
    assert st.tcp_bind(other, "", 80) == -errno.EADDRINUSE
    for port in range(41000, 41040):
        peer = Peer(st, sport=port)
        peer.seq = 100
        peer.send("S")
        peer.expect("SA")
        peer.send("A")
    counts, fds = [], []
    for lfd in lfds:
        n = 0
        while (fd := st.tcp_accept(lfd)) >= 0:
            fds.append(fd)
            n += 1
        counts.append(n)
    assert sum(counts) == 40 and min(counts) >= 10, counts
    for fd in fds:
        st.tcp_close(fd)
    st.advance(3, step=0.1)
    st.drain()
    quiesce(st, other, *lfds)


def test_receive_buffer_autotuning_grows_window(make_stack):
    # A whole window arrives between two loop iterations: more segments
    # than the default 1024-descriptor receive ring holds.
    ring = ffstack.CONFIG.replace("[port0]", "[port0]\nrx_desc=4096")
    st = tcp_stack(make_stack, ring)
    peer = Peer(st)
    lfd, fd = handshake_passive(
        st, peer, options=[("MSS", 1460), ("WScale", 7), ("Timestamp", (1, 0))]
    )
    _, hiwat0 = st.tcp_getopt(fd, SOL_SOCKET, SO_RCVBUF)
    scale = st.tcp_info(fd)["rcv_scale"]
    assert hiwat0 == 65536 and scale == 6
    tsecr, wnd, tsval, sent = 0, 65535, 2, 0
    wins = []
    for _ in range(12):  # 12 round trips of 100 ms
        n = wnd // 1448
        for _ in range(n):
            peer.send(
                "A",
                data=b"a" * 1448,
                run=False,
                options=[("Timestamp", (tsval, tsecr))],
            )
            sent += 1448
        st.run()
        st.advance(0.1, step=0.01)  # the other half of the RTT
        for p in sent_segments(peer):
            ts = dict(p[TCP].options).get("Timestamp")
            if ts:
                tsecr = ts[0]
            wnd = p[TCP].window << scale
        while (
            isinstance(st.tcp_recv(fd, 1 << 20), bytes)
            and st.tcp_info(fd)["rcv_cc"]
        ):
            pass
        for p in sent_segments(peer):
            wnd = p[TCP].window << scale
        wins.append(wnd)
        tsval += 100
    _, hiwat = st.tcp_getopt(fd, SOL_SOCKET, SO_RCVBUF)
    assert hiwat > 4 * hiwat0, (hiwat, wins)
    assert max(wins) > 4 * 65535, wins
    assert hiwat <= 2097152
    # SO_RCVBUF set by the application stops the autotuning.
    assert st.tcp_setopt(fd, SOL_SOCKET, SO_RCVBUF, 100000) == 0
    assert st.tcp_getopt(fd, SOL_SOCKET, SO_RCVBUF) == (0, 100000)
    quiesce(st, fd, lfd)
