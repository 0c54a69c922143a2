"""The socket layer under TCP (kern/uipc_socket.c with tcp_usrreq.c):
listen queues seen through accept, kqueue and epoll; a non-blocking
connect reported as EINPROGRESS then EPOLLOUT; no socket left behind."""

import errno
import select
import socket

import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from ffstack import EV_ADD, EVFILT_READ

EPOLL_CTL_ADD = 1


def seg(st, **kw):
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / TCP(**kw)
    )


@pytest.fixture
def peer(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def handshake(st, sport, dport=80):
    seg(st, sport=sport, dport=dport, flags="S", seq=1000)
    sa = st.expect(TCP)
    assert sa[TCP].flags == "SA"
    seg(st, sport=sport, dport=dport, flags="A", seq=1001, ack=sa[TCP].seq + 1)
    return sa[TCP].seq + 1


def test_listener_readiness_and_accept(peer):
    st, a = peer, peer.api
    lfd = a.socket(socket.SOCK_STREAM)
    a.bind(lfd, "0.0.0.0", 80)
    a.listen(lfd, 8)
    assert a.getsockopt(lfd, socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 1
    with pytest.raises(OSError) as e:
        a.accept(lfd)
    assert e.value.errno == errno.EAGAIN
    ep, kq = a.epoll_create(), a.kqueue()
    a.epoll_ctl(ep, EPOLL_CTL_ADD, lfd, select.EPOLLIN | select.EPOLLET)
    a.kevent(kq, [(lfd, EVFILT_READ, EV_ADD)])
    handshake(st, 4000)
    handshake(st, 4001)
    assert a.epoll_wait(ep) == [(select.EPOLLIN, lfd)]
    assert a.kevent(kq)[0][4] == 2  # connections queued
    with pytest.raises(OSError) as e:
        a.recv(lfd)
    assert e.value.errno == errno.ENOTCONN
    fd1, p1 = a.accept(lfd)
    fd2, p2 = a.accept(lfd)
    assert (p1, p2) == ((PEER_IP, 4000), (PEER_IP, 4001))
    assert a.getsockname(fd1) == (OUR_IP, 80)
    assert a.kevent(kq) == []
    for fd in (fd1, fd2, lfd, ep, kq):
        a.close(fd)
    # The FINs are never acknowledged: 12 backoffs of a 230 ms RTO
    # (rexmit_min + rexmit_slop) doubling to the 64 s ceiling take 373 s.
    st.advance(600, 1)
    st.drain()
    assert st.counter("so.tcp_pcbs") == 0


def test_nonblocking_connect_reports_epollout(peer):
    st, a = peer, peer.api
    fd = a.socket(socket.SOCK_STREAM)
    ep = a.epoll_create()
    a.epoll_ctl(ep, EPOLL_CTL_ADD, fd, select.EPOLLIN | select.EPOLLOUT)
    with pytest.raises(OSError) as e:
        a.connect(fd, PEER_IP, 8080)
    assert e.value.errno == errno.EINPROGRESS
    with pytest.raises(OSError) as e:
        a.connect(fd, PEER_IP, 8080)
    assert e.value.errno == errno.EALREADY
    st.run()
    syn = st.expect(TCP)
    assert syn[TCP].flags == "S" and a.epoll_wait(ep) == []
    with pytest.raises(OSError) as e:
        a.send(fd, b"early")
    assert e.value.errno == errno.ENOTCONN
    seg(
        st,
        sport=8080,
        dport=syn[TCP].sport,
        flags="SA",
        seq=5000,
        ack=syn[TCP].seq + 1,
    )
    assert a.epoll_wait(ep) == [(select.EPOLLOUT, fd)]
    assert a.getpeername(fd) == (PEER_IP, 8080)
    st.drain()
    a.close(fd)
    a.close(ep)
    st.advance(600, 1)  # see above: 373 s of FINs
    st.drain()
    assert st.counter("so.tcp_pcbs") == 0
