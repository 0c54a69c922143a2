"""Overload that never goes silent (kern_mbuf.c): with the packet pool
nearly empty the stack drops new SYNs before allocating anything and
counts them, shrinks the windows it offers, drops queued out-of-order
data, and still answers ping, the tools and established connections;
with the socket table nearly full (sock_syn_pct) new SYNs are dropped
the same way."""

import socket

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether

from fstools import _ffi
from overload_util import mbuf_hold, mbuf_release, sysctl
from tcp_peer import PEER_MAC, Peer, establish, quiesce, tcp_stack


def starve(st, leave=24):
    """Hold every free mbuf but `leave'."""
    free = sysctl(st, "kern.ipc.overload.mbufs_free")
    return mbuf_hold(st, max(free - leave, 0))


def test_nearly_empty_pool_still_answers(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 16)
    peer = Peer(st, sport=40000, dport=8080)
    fd = establish(st, peer)
    # Out-of-order data queued before the pool runs low.
    peer.send("A", seq=peer.seq + 1000, data=b"o" * 100, advance=False)
    peer.expect("A")
    assert st.tcp_info(fd)["segqlen"] == 1
    assert starve(st) > 0
    assert sysctl(st, "kern.ipc.overload.level") == 3
    assert sysctl(st, "kern.ipc.overload.reass_flushed") == 1
    assert st.tcp_info(fd)["segqlen"] == 0
    # ICMP echo.
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src="198.18.0.1", dst="198.18.0.2")
        / ICMP(id=7, seq=1)
        / b"ping"
    )
    rep = st.expect(ICMP)
    assert rep[ICMP].type == 0 and rep[ICMP].id == 7
    # A tool request (ff-sysctl's and an echo).
    err, _, body = st.msg(_ffi.FF_MSG_ECHO, b"still here")
    assert err == 0 and body == b"still here"
    assert sysctl(st, "kern.ipc.overload.syn_nombuf") == 0
    # A new SYN: dropped unanswered, counted.
    p = Peer(st, sport=41000)
    p.send("S", seq=100)
    p.expect_nothing()
    assert sysctl(st, "kern.ipc.overload.syn_nombuf") == 1
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    # The established connection goes on, with a small window.
    peer.send("PA", data=b"x" * 100)
    st.advance(0.2)  # the delayed ACK
    ack = peer.expect("A")
    assert ack.ack == peer.seq
    # Offered room is clamped (never below what was already offered).
    assert sysctl(st, "kern.ipc.overload.win_shrunk") > 0
    assert st.tcp_recv(fd) == b"x" * 100
    # New out-of-order data is not held.
    peer.send("A", seq=peer.seq + 1000, data=b"o" * 100, advance=False)
    peer.expect("A")
    assert st.tcp_info(fd)["segqlen"] == 0
    assert sysctl(st, "kern.ipc.overload.reass_refused") == 1
    # Pool back: SYNs are welcome again.
    assert mbuf_release(st) > 0
    st.run()
    p.send("S", seq=100)
    st.run()
    assert sysctl(st, "kern.ipc.overload.level") == 0
    assert p.expect("SA").ack == 101
    st.drain()
    quiesce(st, fd, lfd)


def test_watermarks_are_sysctls(make_stack):
    st = tcp_stack(make_stack)
    for name, v in (
        ("kern.ipc.overload.mbuf_win_pct", 50),
        ("kern.ipc.overload.mbuf_syn_pct", 25),
        ("kern.ipc.overload.mbuf_reass_pct", 12),
        ("kern.ipc.overload.sock_syn_pct", 2),
    ):
        assert sysctl(st, name) == v
    assert sysctl(st, "kern.ipc.nmbufs") > 0
    st.sysctl("kern.ipc.overload.mbuf_syn_pct", 100)  # refuse every SYN
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 16)
    p = Peer(st)
    p.send("S", seq=1)  # the burst sees the new watermark
    p.expect_nothing()
    assert sysctl(st, "kern.ipc.overload.syn_nombuf") == 1
    quiesce(st, lfd)


def test_nearly_full_socket_table_refuses_syns(make_stack):
    # kern.ipc.overload.sock_syn_pct: with fewer than that share of
    # kern.ipc.maxsockets free, a SYN is dropped before the SYN cache, so
    # completing handshakes cannot take the last sockets (accept, the
    # application's own sockets, the tools' work).
    st = tcp_stack(make_stack)
    a = st.api
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 16)
    peer = Peer(st, sport=40000, dport=8080)
    fd = establish(st, peer)
    maxsock = sysctl(st, "kern.ipc.maxsockets")
    pct = sysctl(st, "kern.ipc.overload.sock_syn_pct")
    assert pct == 2
    # The most sockets open with the watermark still kept.
    keep = -(-maxsock * pct // 100)
    fill = [
        a.socket(socket.SOCK_DGRAM)
        for _ in range(maxsock - keep - sysctl(st, "kern.ipc.numopensockets"))
    ]
    assert sysctl(st, "kern.ipc.numopensockets") == maxsock - keep
    p1 = Peer(st, sport=41000)
    p1.send("S", seq=100)
    assert p1.expect("SA").ack == 101  # at the watermark: welcome
    p1.send("R", seq=101)
    # One socket more: below the watermark.
    fill.append(a.socket(socket.SOCK_DGRAM))
    p2 = Peer(st, sport=42000)
    p2.send("S", seq=200)
    p2.expect_nothing()
    assert sysctl(st, "kern.ipc.overload.syn_nosock") == 1
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    assert sysctl(st, "kern.ipc.overload.syn_nombuf") == 0
    # The established connection and ping carry on.
    peer.send("PA", data=b"y" * 50)
    st.advance(0.2)  # the delayed ACK
    assert peer.expect("A").ack == peer.seq
    assert st.tcp_recv(fd) == b"y" * 50
    assert st.tcp_send(fd, b"z" * 20) == 20
    assert bytes(peer.expect("PA").payload) == b"z" * 20
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src="198.18.0.1", dst="198.18.0.2")
        / ICMP(id=9, seq=1)
    )
    assert st.expect(ICMP)[ICMP].type == 0
    # Sockets freed: the next handshake goes through and is accepted.
    for s in fill[-100:]:
        a.close(s)
    del fill[-100:]
    p2.seq = 200
    p2.send("S")
    assert p2.expect("SA").ack == 201
    p2.send("A")
    cfd = st.tcp_accept(lfd)
    assert cfd >= 0 and st.tcp_info(cfd)["state_name"] == "ESTABLISHED"
    assert sysctl(st, "kern.ipc.overload.syn_nosock") == 1
    for s in fill:
        a.close(s)
    quiesce(st, fd, cfd, lfd)
