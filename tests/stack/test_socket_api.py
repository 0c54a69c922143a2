"""The socket API (ff_api.h, kern/ff_syscalls.c): every call's error
cases with FreeBSD's errno meaning, Linux numbers at the boundary, the
descriptor table, options, ioctl/fcntl and poll."""

import errno
import fcntl
import select
import socket

import pytest

from ffstack import OUR_IP, PEER_IP


def raises(err, fn, *args):
    with pytest.raises(OSError) as e:
        fn(*args)
    assert e.value.errno == err, e.value


def test_socket_errors(st):
    a = st.api
    raises(errno.EAFNOSUPPORT, a.socket, socket.SOCK_DGRAM, 0, 10)  # AF_INET6
    raises(errno.EINVAL, a.socket, socket.SOCK_DGRAM | 0x10000)
    raises(errno.EPROTOTYPE, a.socket, socket.SOCK_RAW)
    raises(errno.EPROTONOSUPPORT, a.socket, socket.SOCK_DGRAM, 6)
    fd = a.socket(socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_TYPE) == 2
    assert a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_PROTOCOL) == 17
    a.close(fd)


def test_descriptors_lowest_free_and_ebadf(st):
    a = st.api
    fds = [a.socket(socket.SOCK_DGRAM) for _ in range(3)]
    assert fds == [0, 1, 2]
    a.close(1)
    assert a.socket(socket.SOCK_DGRAM) == 1
    for fd in fds:
        a.close(fd)
    raises(errno.EBADF, a.close, 0)
    raises(errno.EBADF, a.close, -1)
    raises(errno.EBADF, a.close, 1 << 20)
    raises(errno.EBADF, a.recv, 7)
    raises(errno.EBADF, a.send, 7, b"x")
    raises(errno.EBADF, a.bind, 7)
    raises(errno.EBADF, a.fcntl, 7, fcntl.F_GETFL)
    assert st.files_in_use() == 0


def test_enotsock_on_kqueue_and_epoll(st):
    a = st.api
    kq, ep = a.kqueue(), a.epoll_create()
    for fd in (kq, ep):
        raises(errno.ENOTSOCK, a.recv, fd)
        raises(errno.ENOTSOCK, a.bind, fd)
        raises(
            errno.ENOTSOCK,
            a.setsockopt,
            fd,
            socket.SOL_SOCKET,
            socket.SO_REUSEADDR,
            1,
        )
    a.close(kq)
    a.close(ep)


def test_bind_address_errors(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    raises(errno.EINVAL, a.bind_raw, fd, b"\x02\x00\x00\x07")  # short
    raises(errno.EAFNOSUPPORT, a.bind_raw, fd, b"\x0a\x00" + b"\0" * 26)
    raises(errno.EADDRNOTAVAIL, a.bind, fd, "198.18.0.77", 7)
    a.bind(fd, OUR_IP, 7)
    assert a.getsockname(fd) == (OUR_IP, 7)
    raises(errno.EINVAL, a.bind, fd, OUR_IP, 8)
    a.close(fd)


def test_unconnected_datagram_errors(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    raises(errno.EAGAIN, a.recv, fd)
    raises(errno.EDESTADDRREQ, a.send, fd, b"x")
    raises(errno.ENOTCONN, a.getpeername, fd)
    raises(errno.ENOTCONN, a.shutdown, fd, socket.SHUT_RDWR)
    raises(errno.EINVAL, a.shutdown, fd, 7)
    raises(errno.EOPNOTSUPP, a.listen, fd)
    raises(errno.EINVAL, a.accept, fd)
    raises(errno.EADDRNOTAVAIL, a.sendto, fd, b"x", PEER_IP, 0)
    raises(errno.EOPNOTSUPP, a.send, fd, b"x", 0x20000000)  # unknown flag
    a.close(fd)


def test_urgent_data_is_refused_not_sent_as_data(st):
    """MSG_OOB: ff has no urgent data, so a send with it fails with
    EOPNOTSUPP and nothing leaves (it used to go out as ordinary data,
    with no URG)."""
    a = st.api
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        fd = a.socket(kind)
        if kind == socket.SOCK_DGRAM:
            a.connect(fd, PEER_IP, 9)
        raises(errno.EOPNOTSUPP, a.send, fd, b"urgent", socket.MSG_OOB)
        sent = st.drain()  # an ARP request for the peer, perhaps
        assert all(b"urgent" not in bytes(p) for p in sent)
        a.close(fd)


def test_options(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    sol = socket.SOL_SOCKET
    assert a.getsockopt(fd, sol, socket.SO_REUSEADDR) == 0
    a.setsockopt(fd, sol, socket.SO_REUSEADDR, 5)
    assert a.getsockopt(fd, sol, socket.SO_REUSEADDR) == 1  # 0/1 as Linux
    a.setsockopt(fd, sol, socket.SO_BROADCAST, 1)
    assert a.getsockopt(fd, sol, socket.SO_BROADCAST) == 1
    assert a.getsockopt(fd, sol, socket.SO_ERROR) == 0
    assert a.getsockopt(fd, sol, socket.SO_ACCEPTCONN) == 0
    assert a.getsockopt(fd, sol, socket.SO_SNDBUF) == 9216  # maxdgram
    assert a.getsockopt(fd, sol, socket.SO_RCVBUF) == 42080  # recvspace
    raises(errno.EINVAL, a.setsockopt, fd, sol, socket.SO_RCVBUF, 0)
    raises(errno.ENOBUFS, a.setsockopt, fd, sol, socket.SO_RCVBUF, 1 << 30)
    raises(errno.ENOPROTOOPT, a.setsockopt, fd, sol, 999, 1)
    raises(errno.ENOPROTOOPT, a.setsockopt, fd, 99, 1, 1)
    raises(errno.EINVAL, a.setsockopt, fd, sol, socket.SO_REUSEADDR, b"x")
    linger = (1).to_bytes(4, "little") + (5).to_bytes(4, "little")
    a.setsockopt(fd, sol, socket.SO_LINGER, linger)
    assert a.getsockopt(fd, sol, socket.SO_LINGER, 8) == linger
    a.close(fd)


def test_rcvbuf_limit_follows_maxsockbuf(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    st.sysctl("kern.ipc.maxsockbuf", 100000)
    raises(
        errno.ENOBUFS,
        a.setsockopt,
        fd,
        socket.SOL_SOCKET,
        socket.SO_RCVBUF,
        200000,
    )
    a.setsockopt(fd, socket.SOL_SOCKET, socket.SO_RCVBUF, 90000)
    a.close(fd)


def test_nonblocking_flags(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM | socket.SOCK_NONBLOCK)
    assert a.fcntl(fd, fcntl.F_GETFL) & 0o4000
    a.fcntl(fd, fcntl.F_SETFL, 0)
    assert not a.fcntl(fd, fcntl.F_GETFL) & 0o4000
    a.ioctl(fd, 0x5421, 1)  # FIONBIO
    assert a.fcntl(fd, fcntl.F_GETFL) & 0o4000
    raises(errno.EINVAL, a.fcntl, fd, 12345)
    raises(errno.ENOTTY, a.ioctl, fd, 0x1234)
    assert a.ioctl(fd, 0x541B) == 0  # FIONREAD
    a.close(fd)


def test_poll(st):
    a = st.api
    rx = a.socket(socket.SOCK_DGRAM)
    a.bind(rx, "127.0.0.1", 9000)
    tx = a.socket(socket.SOCK_DGRAM)
    ev = select.POLLIN | select.POLLOUT
    assert a.poll(
        [
            (rx, select.POLLIN),
            (tx, ev),
            (99, select.POLLIN),
            (-1, select.POLLIN),
        ]
    ) == [0, select.POLLOUT, select.POLLNVAL, 0]
    a.sendto(tx, b"x", "127.0.0.1", 9000)
    st.run()
    assert a.poll([(rx, select.POLLIN)]) == [select.POLLIN]
    a.close(rx)
    a.close(tx)


def test_shutdown_read_gives_eof(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.connect(fd, "127.0.0.1", 9)
    a.shutdown(fd, socket.SHUT_RD)
    assert a.recv(fd) == b""
    a.close(fd)


def test_sockets_counted_and_sysctl(st):
    a = st.api
    fds = [a.socket(socket.SOCK_DGRAM) for _ in range(4)]
    assert st.sockets_in_use() == 4 and st.files_in_use() == 4
    assert st.counter("so.sos_created") == 4
    for fd in fds:
        a.close(fd)
    assert st.counter("so.sos_freed") == 4
