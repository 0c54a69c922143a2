"""UDP (netinet/udp_usrreq.c) through the socket API: echo with scapy as
the peer, checksums both ways, port unreachable, buffer limits, connected
sockets, ephemeral ports, bind conflicts, udpstat counters, and ICMP
errors about our datagrams reaching connected sockets (udp_ctlinput)."""

import errno
import select
import socket

import pytest
from scapy.layers.inet import ICMP, IP, UDP, UDPerror
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from ffstack import EV_ADD, EV_CLEAR, EVFILT_READ


def to_us(st, l3):
    return Ether(dst=st.mac(), src=PEER_MAC) / l3


def dgram(
    st, dport, payload=b"hello", sport=5000, src=PEER_IP, dst=OUR_IP, **kw
):
    st.inject(
        to_us(
            st,
            IP(src=src, dst=dst)
            / UDP(sport=sport, dport=dport, **kw)
            / payload,
        )
    )


@pytest.fixture
def peer(st):
    """The stack with the peer's MAC known, so replies go out at once."""
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def udp_socket(st, port=0, addr="0.0.0.0"):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    if port is not None:
        a.bind(fd, addr, port)
    return fd


def checksums_fresh(pkt):
    """True when the IP and UDP checksums equal what scapy computes."""
    raw = bytes(pkt)
    fresh = Ether(raw)
    del fresh[IP].chksum
    del fresh[UDP].chksum
    return bytes(Ether(bytes(fresh))) == raw


def test_echo(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    dgram(st, 7, b"ping" * 25, sport=40000)
    data, src = a.recvfrom(fd)
    assert data == b"ping" * 25 and src == (PEER_IP, 40000)
    assert a.sendto(fd, data, *src) == 100
    st.run()
    rep = st.expect(UDP)
    assert (rep[IP].src, rep[IP].dst) == (OUR_IP, PEER_IP)
    assert (rep[UDP].sport, rep[UDP].dport) == (7, 40000)
    assert bytes(rep[UDP].payload) == b"ping" * 25
    assert rep[UDP].len == 108 and checksums_fresh(rep)
    assert st.counters("udp.udps_ipackets", "udp.udps_opackets") == {
        "udp.udps_ipackets": 1,
        "udp.udps_opackets": 1,
    }
    a.close(fd)


def test_port_unreachable_for_closed_port(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 9999)
    a.close(fd)
    dgram(st, 9999)
    rep = st.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, 3)
    assert rep[UDPerror].dport == 9999
    assert st.counter("udp.udps_noport") == 1


def test_no_unreachable_for_broadcast_or_blackhole(peer):
    st = peer
    dgram(st, 9999, dst="198.18.0.255")
    st.expect_nothing()
    assert st.counter("udp.udps_noportbcast") == 1
    st.sysctl("net.inet.udp.blackhole", 1)
    dgram(st, 9999)
    st.expect_nothing()
    assert st.counter("udp.udps_noport") == 2


def test_bad_checksum_dropped_zero_checksum_accepted(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    dgram(st, 7, b"bad", chksum=0x1234)
    with pytest.raises(OSError) as e:
        a.recv(fd)
    assert e.value.errno == errno.EAGAIN
    assert st.counter("udp.udps_badsum") == 1
    dgram(st, 7, b"nosum", chksum=0)
    assert a.recv(fd) == b"nosum"
    assert st.counter("udp.udps_nosum") == 1
    a.close(fd)


def test_bad_length_dropped(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    dgram(st, 7, b"x" * 10, len=30)
    dgram(st, 7, b"x" * 10, len=4)
    assert st.counter("udp.udps_badlen") == 2
    st.inject(to_us(st, IP(src=PEER_IP, dst=OUR_IP, proto=17) / b"abc"))
    assert st.counter("udp.udps_hdrops") == 1
    st.expect_nothing()
    a.close(fd)


def test_receive_buffer_limit_counts_fullsock(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    a.setsockopt(fd, socket.SOL_SOCKET, socket.SO_RCVBUF, 1000)
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_RCVBUF) == 1000
    for i in range(3):
        dgram(st, 7, bytes([i]) * 400)
    assert st.counter("udp.udps_fullsock") == 1
    assert a.ioctl(fd, 0x541B) == 800  # FIONREAD
    assert a.recv(fd) == b"\0" * 400
    assert a.recv(fd) == b"\1" * 400
    a.close(fd)


def test_recv_truncates_and_peeks(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    dgram(st, 7, b"0123456789")
    dgram(st, 7, b"second")
    assert a.recv(fd, 4, socket.MSG_PEEK) == b"0123"
    assert a.recv(fd, 4) == b"0123"  # rest discarded
    assert a.recv(fd) == b"second"
    a.close(fd)


def test_recvfrom_many_sources_in_order(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    for i in range(5):
        dgram(st, 7, b"m%d" % i, sport=6000 + i, src="198.18.0.%d" % (10 + i))
    for i in range(5):
        assert a.recvfrom(fd) == (
            b"m%d" % i,
            ("198.18.0.%d" % (10 + i), 6000 + i),
        )
    a.close(fd)


def test_maxdgram_and_fragmented_output(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7)
    with pytest.raises(OSError) as e:
        a.sendto(fd, b"x" * 9217, PEER_IP, 9)
    assert e.value.errno == errno.EMSGSIZE
    assert a.sendto(fd, b"y" * 4000, PEER_IP, 9) == 4000
    st.run()
    frags = st.drain()
    assert len(frags) == 3 and all(IP in f for f in frags)
    assert sum(len(f[IP].payload) for f in frags) == 4008
    a.close(fd)


def test_ephemeral_port_and_implicit_bind(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, port=None)
    assert a.getsockname(fd) == ("0.0.0.0", 0)
    a.sendto(fd, b"q", PEER_IP, 53)
    st.run()
    out = st.expect(UDP)
    port = a.getsockname(fd)[1]
    assert 10000 <= port <= 65535 and out[UDP].sport == port
    dgram(st, port, b"answer", sport=53)
    assert a.recvfrom(fd) == (b"answer", (PEER_IP, 53))
    a.close(fd)


def test_connected_socket(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, port=None)
    a.connect(fd, PEER_IP, 5353)
    laddr, lport = a.getsockname(fd)
    assert laddr == OUR_IP and lport >= 10000
    assert a.getpeername(fd) == (PEER_IP, 5353)
    assert a.send(fd, b"hi") == 2
    st.run()
    out = st.expect(UDP)
    assert (out[UDP].sport, out[UDP].dport, out[IP].src) == (
        lport,
        5353,
        OUR_IP,
    )
    with pytest.raises(OSError) as e:
        a.sendto(fd, b"x", PEER_IP, 9)
    assert e.value.errno == errno.EISCONN
    # Only the peer gets through; another source is refused.
    dgram(st, lport, b"other", sport=5354)
    assert st.expect(ICMP)[ICMP].type == 3
    dgram(st, lport, b"peer", sport=5353)
    assert a.recv(fd) == b"peer"
    # connect(AF_UNSPEC) dissolves the association.
    a.connect_raw(fd, b"\0\0" + b"\0" * 14)
    with pytest.raises(OSError) as e:
        a.getpeername(fd)
    assert e.value.errno == errno.ENOTCONN
    a.close(fd)


def test_bind_conflicts(st):
    a = st.api
    fd1 = udp_socket(st, 7000)
    fd2 = a.socket(socket.SOCK_DGRAM)
    with pytest.raises(OSError) as e:
        a.bind(fd2, "0.0.0.0", 7000)
    assert e.value.errno == errno.EADDRINUSE
    with pytest.raises(OSError) as e:
        a.bind(fd2, OUR_IP, 7000)  # overlaps the wildcard
    assert e.value.errno == errno.EADDRINUSE
    with pytest.raises(OSError) as e:
        a.bind(fd2, "203.0.113.1", 7001)  # not ours
    assert e.value.errno == errno.EADDRNOTAVAIL
    a.setsockopt(fd2, socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    a.bind(fd2, OUR_IP, 7000)  # exact address: allowed
    with pytest.raises(OSError) as e:
        a.bind(fd2, OUR_IP, 7002)  # already bound
    assert e.value.errno == errno.EINVAL
    fd3, fd4 = a.socket(socket.SOCK_DGRAM), a.socket(socket.SOCK_DGRAM)
    for fd in (fd3, fd4):
        a.setsockopt(fd, socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        a.bind(fd, "0.0.0.0", 7100)
    for fd in (fd1, fd2, fd3, fd4):
        a.close(fd)


def test_specific_address_wins_over_wildcard(peer):
    st, a = peer, peer.api
    wild = udp_socket(st, 7000)
    a2 = a.socket(socket.SOCK_DGRAM)
    a.setsockopt(a2, socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    a.bind(a2, OUR_IP, 7000)
    dgram(st, 7000, b"to-specific")
    assert a.recv(a2) == b"to-specific"
    with pytest.raises(OSError):
        a.recv(wild)
    a.close(wild)
    a.close(a2)


def test_loopback_between_two_sockets(st):
    a = st.api
    srv = udp_socket(st, 7, "127.0.0.1")
    cli = udp_socket(st, port=None)
    a.sendto(cli, b"over lo0", "127.0.0.1", 7)
    st.run()
    data, src = a.recvfrom(srv)
    assert data == b"over lo0" and src[0] == "127.0.0.1"
    a.sendto(srv, b"back", *src)
    st.run()
    assert a.recvfrom(cli) == (b"back", ("127.0.0.1", 7))
    a.close(srv)
    a.close(cli)


def test_send_after_shutdown_is_epipe(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, port=None)
    a.connect(fd, PEER_IP, 9)
    a.shutdown(fd, socket.SHUT_WR)
    with pytest.raises(OSError) as e:
        a.send(fd, b"x")
    assert e.value.errno == errno.EPIPE
    a.close(fd)


def test_no_route_is_enetunreach(make_stack):
    st = make_stack("""
[dpdk]
lcore_mask=1
port_list=0
[port0]
addr=198.18.0.2
netmask=255.255.255.0
broadcast=198.18.0.255
""")
    a = st.api
    fd = udp_socket(st, 7)
    with pytest.raises(OSError) as e:
        a.sendto(fd, b"x", "203.0.113.9", 9)
    assert e.value.errno == errno.ENETUNREACH
    a.close(fd)


def test_close_frees_socket_and_pcb(st):
    a = st.api
    fds = [udp_socket(st, 8000 + i) for i in range(10)]
    assert st.sockets_in_use() == 10 and st.counter("so.udp_pcbs") == 10
    for fd in fds:
        a.close(fd)
    assert st.sockets_in_use() == 0 and st.counter("so.udp_pcbs") == 0


# -- ICMP errors about our datagrams (udp_ctlinput) -------------------------


def icmp_about(st, sent, type=3, code=3, quote=None, src=PEER_IP):
    """Inject an ICMP error from src quoting the datagram `sent' (a frame
    we sent): its IP header and the 8 bytes behind, as routers do."""
    raw = bytes(sent[IP])[:28] if quote is None else quote
    st.inject(
        to_us(st, IP(src=src, dst=OUR_IP) / ICMP(type=type, code=code) / raw)
    )


def connected_udp(st, port=5353, addr=PEER_IP):
    """A connected UDP socket and the first datagram it sent."""
    a = st.api
    fd = udp_socket(st, port=None)
    a.connect(fd, addr, port)
    a.send(fd, b"query")
    st.run()
    return fd, st.expect(UDP)


def errno_of(fn, *args):
    with pytest.raises(OSError) as e:
        fn(*args)
    return e.value.errno


def test_port_unreachable_refuses_connected_socket_once(peer):
    st, a = peer, peer.api
    fd, sent = connected_udp(st)
    icmp_about(st, sent)
    assert st.counter("udpx.udpx_icmpnotify") == 1
    assert (
        a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_ERROR)
        == errno.ECONNREFUSED
    )
    # SO_ERROR read and cleared it; the next error goes to send.
    icmp_about(st, sent)
    assert errno_of(a.send, fd, b"again") == errno.ECONNREFUSED
    assert a.send(fd, b"again") == 5  # reported once only
    st.run()
    assert st.expect(UDP)[UDP].dport == 5353
    # And to recv, when no datagram is queued before it.
    icmp_about(st, sent)
    assert errno_of(a.recv, fd) == errno.ECONNREFUSED
    assert errno_of(a.recv, fd) == errno.EAGAIN
    dgram(st, sent[UDP].sport, b"late answer", sport=5353)
    assert a.recv(fd) == b"late answer"
    a.close(fd)


@pytest.mark.parametrize(
    "type_, code, want",
    [
        (3, 1, errno.EHOSTUNREACH),  # host unreachable
        (3, 0, errno.EHOSTUNREACH),  # net unreachable
        (3, 2, errno.ECONNREFUSED),  # protocol unreachable
        (3, 13, errno.ECONNREFUSED),  # administratively prohibited
        (3, 4, errno.EMSGSIZE),  # fragmentation needed
        (11, 0, errno.EHOSTUNREACH),  # TTL exceeded in transit
        (12, 0, errno.ENOPROTOOPT),  # parameter problem
    ],
)
def test_unreachable_codes_map_like_inetctlerrmap(peer, type_, code, want):
    # The error comes from the gateway, about a host behind it.
    st, a = peer, peer.api
    fd, sent = connected_udp(st, 53, "203.0.113.9")
    icmp_about(st, sent, type_, code)
    assert errno_of(a.send, fd, b"x") == want
    a.close(fd)


def test_errors_without_errno_are_ignored(peer):
    st, a = peer, peer.api
    fd, sent = connected_udp(st)
    icmp_about(st, sent, 11, 1)  # reassembly time exceeded
    icmp_about(st, sent, 4, 0)  # source quench (RFC 6633)
    assert st.counter("udpx.udpx_icmpignored") == 2
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_ERROR) == 0
    a.close(fd)


def test_unconnected_socket_is_not_told(peer):
    st, a = peer, peer.api
    fd = udp_socket(st, 7000)
    a.sendto(fd, b"hello", PEER_IP, 5353)
    st.run()
    icmp_about(st, st.expect(UDP))
    assert st.counter("udpx.udpx_icmpnopcb") == 1
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_ERROR) == 0
    assert errno_of(a.recv, fd) == errno.EAGAIN
    assert a.sendto(fd, b"hello", PEER_IP, 5353) == 5
    a.close(fd)


def test_mismatching_or_bad_quote_is_ignored(peer):
    st, a = peer, peer.api
    fd, sent = connected_udp(st)
    ip = sent[IP]

    def quote(**kw):
        q = ip.copy()
        for k, v in kw.items():
            setattr(q[UDP] if k in ("sport", "dport", "len") else q, k, v)
        del q.chksum
        return bytes(q)[:28]

    # Another peer, another port of the peer, another local port.
    icmp_about(st, sent, quote=quote(dst="198.18.0.77"))
    icmp_about(st, sent, quote=quote(dport=5354))
    icmp_about(st, sent, quote=quote(sport=ip[UDP].sport + 1))
    assert st.counter("udpx.udpx_icmpnopcb") == 3
    # Not a UDP header: a later fragment, a length below the header's.
    icmp_about(st, sent, quote=quote(frag=185))
    icmp_about(st, sent, quote=quote(len=4))
    assert st.counter("udpx.udpx_icmpbadquote") == 2
    # Too short to hold the ports: icmp_input drops it.
    icmp_about(st, sent, quote=bytes(ip)[:24])
    assert st.counter("icmp.icps_badlen") == 1
    assert st.counter("udpx.udpx_icmpnotify") == 0
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_ERROR) == 0
    assert a.send(fd, b"still fine") == 10
    a.close(fd)


def test_error_wakes_kqueue_and_epoll(peer):
    st, a = peer, peer.api
    fd, sent = connected_udp(st)
    kq, ep = a.kqueue(), a.epoll_create()
    a.kevent(kq, [(fd, EVFILT_READ, EV_ADD | EV_CLEAR)])
    a.epoll_ctl(ep, 1, fd, select.EPOLLIN)  # EPOLL_CTL_ADD
    assert a.kevent(kq) == [] and a.epoll_wait(ep) == []
    icmp_about(st, sent)
    ((ident, filt, _, _, data, _),) = a.kevent(kq)
    assert (ident, filt, data) == (fd, EVFILT_READ, 0)
    ((events, who),) = a.epoll_wait(ep)
    assert who == fd and events & select.EPOLLERR
    assert events & select.EPOLLIN
    assert errno_of(a.recv, fd) == errno.ECONNREFUSED
    assert a.epoll_wait(ep) == []
    for d in (kq, ep, fd):
        a.close(d)
