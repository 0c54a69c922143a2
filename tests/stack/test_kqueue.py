"""kqueue (kern/kern_event.c): EVFILT_READ/EVFILT_WRITE with EV_ADD,
EV_DELETE, EV_ENABLE, EV_DISABLE, EV_ONESHOT, EV_CLEAR, EV_DISPATCH,
EV_RECEIPT, EV_EOF and error events, driven by UDP datagrams over lo0."""

import errno
import socket

import pytest

from ffstack import (
    EV_ADD,
    EV_CLEAR,
    EV_DELETE,
    EV_DISABLE,
    EV_DISPATCH,
    EV_ENABLE,
    EV_EOF,
    EV_ERROR,
    EV_ONESHOT,
    EV_RECEIPT,
    EVFILT_READ,
    EVFILT_WRITE,
)

PORT = 9000


@pytest.fixture
def env(udp_pair):
    """(api, kq, receiving socket, sending socket, send(payload))."""
    a, rx, tx, send = udp_pair
    kq = a.kqueue()
    yield a, kq, rx, tx, send
    a.close(kq)


def test_read_filter_level_triggered(env):
    a, kq, rx, tx, send = env
    assert a.kevent(kq, [(rx, EVFILT_READ, EV_ADD, 0, 0, 0x1234)]) == []
    send(b"12345")
    ev = a.kevent(kq)
    assert ev == [(rx, EVFILT_READ, 0, 0, 5, 0x1234)]
    assert a.kevent(kq) == ev  # still readable: again
    a.recv(rx)
    assert a.kevent(kq) == []


def test_data_is_bytes_readable(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD)])
    send(b"a" * 100)
    send(b"b" * 50)
    assert a.kevent(kq)[0][4] == 150


def test_clear_reports_each_arrival_once(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD | EV_CLEAR)])
    send()
    assert len(a.kevent(kq)) == 1
    assert a.kevent(kq) == []  # data still there: no repeat
    send()
    assert a.kevent(kq)[0][4] == 8


def test_oneshot_deletes_the_knote(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD | EV_ONESHOT)])
    send()
    ev = a.kevent(kq)
    assert len(ev) == 1 and ev[0][2] & EV_ONESHOT
    send()
    assert a.kevent(kq) == []
    err = a.kevent(kq, [(rx, EVFILT_READ, EV_DELETE)])
    assert err == [(rx, EVFILT_READ, EV_ERROR, 0, errno.ENOENT, 0)]


def test_dispatch_disables_after_report(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD | EV_DISPATCH)])
    send()
    assert len(a.kevent(kq)) == 1
    assert a.kevent(kq) == []
    assert len(a.kevent(kq, [(rx, EVFILT_READ, EV_ENABLE)])) == 1


def test_disable_and_enable(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD | EV_DISABLE)])
    send()
    assert a.kevent(kq) == []
    assert len(a.kevent(kq, [(rx, EVFILT_READ, EV_ENABLE)])) == 1
    a.kevent(kq, [(rx, EVFILT_READ, EV_DISABLE)])
    assert a.kevent(kq) == []


def test_delete(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD)])
    send()
    a.kevent(kq, [(rx, EVFILT_READ, EV_DELETE)], nevents=0)
    assert a.kevent(kq) == []


def test_write_filter_reports_space(env):
    a, kq, rx, tx, send = env
    ev = a.kevent(kq, [(tx, EVFILT_WRITE, EV_ADD, 0, 0, 7)])
    assert ev == [(tx, EVFILT_WRITE, 0, 0, 9216, 7)]


def test_both_filters_on_one_socket(env):
    a, kq, rx, tx, send = env
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD), (rx, EVFILT_WRITE, EV_ADD)])
    send()
    assert sorted(e[1] for e in a.kevent(kq)) == [EVFILT_WRITE, EVFILT_READ]


def test_eof_flag_after_shutdown(env):
    a, kq, rx, tx, send = env
    a.connect(rx, "127.0.0.1", 9)
    a.kevent(kq, [(rx, EVFILT_READ, EV_ADD)])
    a.shutdown(rx, socket.SHUT_RD)
    ev = a.kevent(kq)
    assert ev[0][2] & EV_EOF and ev[0][4] == 0


def test_change_errors(env):
    a, kq, rx, tx, send = env
    ev = a.kevent(
        kq,
        [
            (99, EVFILT_READ, EV_ADD),
            (rx, -5, EV_ADD),
            (kq, EVFILT_READ, EV_ADD),
            (rx, EVFILT_READ, EV_ADD | EV_RECEIPT),
        ],
    )
    assert [(e[0], e[2], e[4]) for e in ev] == [
        (99, EV_ERROR, errno.EBADF),
        (rx, EV_ERROR, errno.EINVAL),
        (kq, EV_ERROR, errno.EINVAL),
        (rx, EV_ERROR, 0),
    ]
    with pytest.raises(OSError) as e:
        a.kevent(kq, [(99, EVFILT_READ, EV_ADD)], nevents=0)
    assert e.value.errno == errno.EBADF
    with pytest.raises(OSError) as e:
        a.kevent(rx)
    assert e.value.errno == errno.EBADF


def test_close_drops_registrations(env, st):
    a, kq, rx, tx, send = env
    other = a.socket(socket.SOCK_DGRAM)
    a.bind(other, "127.0.0.1", PORT + 1)
    a.kevent(kq, [(other, EVFILT_READ, EV_ADD)])
    a.close(other)
    again = a.socket(socket.SOCK_DGRAM)  # same descriptor number
    assert again == other
    a.bind(again, "127.0.0.1", PORT + 1)
    a.sendto(tx, b"x", "127.0.0.1", PORT + 1)
    st.run()
    assert a.kevent(kq) == []
    a.close(again)


def test_closing_kqueue_frees_knotes(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    kq = a.kqueue()
    a.kevent(kq, [(fd, EVFILT_WRITE, EV_ADD)])
    a.close(kq)
    with pytest.raises(OSError) as e:
        a.kevent(kq)
    assert e.value.errno == errno.EBADF
    a.close(fd)
