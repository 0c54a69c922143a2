"""epoll with Linux semantics (kern/ff_epoll.c): one event per descriptor
with the combined mask, level and edge (EPOLLET) triggering, EPOLLONESHOT,
EPOLLRDHUP/EPOLLHUP, data returned intact, and the error cases."""

import errno
import select
import socket

import pytest

IN, OUT, ET = select.EPOLLIN, select.EPOLLOUT, select.EPOLLET
RDNORM, WRNORM = select.EPOLLRDNORM, select.EPOLLWRNORM
ADD, MOD, DEL = 1, 3, 2  # EPOLL_CTL_ADD, _MOD, _DEL


@pytest.fixture
def env(udp_pair):
    """(api, epfd, receiving socket, sending socket, send(payload))."""
    a, rx, tx, send = udp_pair
    ep = a.epoll_create()
    yield a, ep, rx, tx, send
    a.close(ep)


def test_level_triggered_in(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, rx, IN)
    assert a.epoll_wait(ep) == []
    send()
    assert a.epoll_wait(ep) == [(IN, rx)]
    assert a.epoll_wait(ep) == [(IN, rx)]  # still readable
    a.recv(rx)
    assert a.epoll_wait(ep) == []


def test_edge_triggered_reports_new_arrivals_only(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, rx, IN | ET)
    send()
    assert a.epoll_wait(ep) == [(IN, rx)]
    assert a.epoll_wait(ep) == []  # data left, but no new edge
    send()
    assert a.epoll_wait(ep) == [(IN, rx)]
    a.recv(rx)
    assert a.epoll_wait(ep) == []  # reading is no edge
    a.recv(rx)


def test_oneshot_until_rearmed(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, rx, IN | select.EPOLLONESHOT)
    send()
    assert a.epoll_wait(ep) == [(IN, rx)]
    send()
    assert a.epoll_wait(ep) == []
    a.epoll_ctl(ep, MOD, rx, IN | select.EPOLLONESHOT)
    assert a.epoll_wait(ep) == [(IN, rx)]


def test_one_event_with_combined_mask(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, rx, IN | OUT | RDNORM | WRNORM)
    send()
    assert a.epoll_wait(ep) == [(IN | OUT | RDNORM | WRNORM, rx)]


def test_data_kept_intact(env):
    a, ep, rx, tx, send = env
    cookie = 0xDEADBEEFCAFEF00D
    a.epoll_ctl(ep, ADD, tx, OUT, data=cookie)
    assert a.epoll_wait(ep) == [(OUT, cookie)]


def test_maxevents_and_order(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, tx, OUT)
    a.epoll_ctl(ep, ADD, rx, IN)
    send()
    first = a.epoll_wait(ep, 1)
    second = a.epoll_wait(ep, 1)
    assert len(first) == len(second) == 1 and first != second
    assert sorted(a.epoll_wait(ep)) == sorted(first + second)


def test_rdhup_and_hup_after_shutdown(env):
    a, ep, rx, tx, send = env
    a.connect(rx, "127.0.0.1", 9)
    a.epoll_ctl(ep, ADD, rx, IN | select.EPOLLRDHUP | ET)
    a.shutdown(rx, socket.SHUT_RD)
    assert a.epoll_wait(ep) == [(IN | select.EPOLLRDHUP, rx)]
    a.shutdown(rx, socket.SHUT_WR)
    assert a.epoll_wait(ep) == [(IN | select.EPOLLRDHUP | select.EPOLLHUP, rx)]


def test_mod_and_del(env):
    a, ep, rx, tx, send = env
    a.epoll_ctl(ep, ADD, tx, IN)
    assert a.epoll_wait(ep) == []
    a.epoll_ctl(ep, MOD, tx, OUT)
    assert a.epoll_wait(ep) == [(OUT, tx)]
    a.epoll_ctl(ep, DEL, tx)
    assert a.epoll_wait(ep) == []


def test_errors(env, st):
    a, ep, rx, tx, send = env

    def raises(err, *args):
        with pytest.raises(OSError) as e:
            a.epoll_ctl(*args)
        assert e.value.errno == err

    a.epoll_ctl(ep, ADD, rx, IN)
    raises(errno.EEXIST, ep, ADD, rx, IN)
    raises(errno.ENOENT, ep, MOD, tx, IN)
    raises(errno.ENOENT, ep, DEL, tx)
    raises(errno.EBADF, ep, ADD, 99, IN)
    raises(errno.EBADF, 99, ADD, rx, IN)
    raises(errno.EINVAL, rx, ADD, tx, IN)  # not an epoll descriptor
    raises(errno.EINVAL, ep, ADD, ep, IN)
    raises(errno.EINVAL, ep, 9, tx, IN)
    kq = a.kqueue()
    raises(errno.EPERM, ep, ADD, kq, IN)
    a.close(kq)
    for args, err in (((0,), errno.EINVAL), ((-1,), errno.EINVAL)):
        with pytest.raises(OSError) as e:
            a.epoll_create(*args)
        assert e.value.errno == err
    with pytest.raises(OSError) as e:
        a.epoll_wait(ep, 0)
    assert e.value.errno == errno.EINVAL


def test_close_drops_registration(env, st):
    a, ep, rx, tx, send = env
    other = a.socket(socket.SOCK_DGRAM)
    a.epoll_ctl(ep, ADD, other, OUT)
    a.close(other)
    assert a.epoll_wait(ep) == []
    again = a.socket(socket.SOCK_DGRAM)
    assert again == other
    a.epoll_ctl(ep, ADD, again, OUT)  # not EEXIST: a new socket
    assert a.epoll_wait(ep) == [(OUT, again)]
    a.close(again)


def test_two_epoll_sets_on_one_socket(env, st):
    a, ep, rx, tx, send = env
    ep2 = a.epoll_create()
    a.epoll_ctl(ep, ADD, rx, IN | ET)
    a.epoll_ctl(ep2, ADD, rx, IN)
    send()
    assert a.epoll_wait(ep) == [(IN, rx)]
    assert a.epoll_wait(ep2) == [(IN, rx)]
    a.close(ep2)
