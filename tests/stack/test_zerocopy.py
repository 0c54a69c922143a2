"""Zero copy (ff_api.h's ff_zc_* calls) through the test port.

The peer is scapy: what it receives must be exactly the bytes the
application put in its chains, in order, whatever the socket buffer's
room (a whole send, a partial one, a chain far larger than the buffer);
what it sends comes back to the application as a chain of the received
mbufs.  Bad input is refused with the errno ff_api.h names and counted
(kern.ipc.sostat's sos_zc*), and every mbuf goes back to the pool: the
fixture's teardown checks the stack's invariants (ff_test_check: every
chain held as long as recorded) and that no mbuf is missing.
"""

import ctypes
import errno
import socket

import pytest
from scapy.layers.inet import TCP

import ffstack
from tcp_peer import Peer, establish, quiesce, tcp_stack

SOL_SOCKET, SO_SNDBUF = 1, 7  # Linux numbers, as the API takes them


def pattern(n, seed=0):
    return bytes((i * 7 + seed) & 0xFF for i in range(n))


def received(st, peer, ack=True):
    """The payload bytes the stack sent since the last call, in sequence
    order (no gaps, no repeats), acknowledged by the peer when ack."""
    data = b""
    while (p := peer.pop()) is not None:
        t = p[TCP]
        pl = bytes(t.payload)
        if not pl:
            continue
        assert t.seq == peer.ack, "segment at %d, expected %d" % (
            t.seq,
            peer.ack,
        )
        data += pl
        peer.ack = (t.seq + len(pl)) & 0xFFFFFFFF
    if ack and data:
        peer.send("A", win=65535)
    return data


def received_all(st, peer, n):
    """received() until n bytes came (the congestion window opens as the
    peer acknowledges)."""
    data = b""
    for _ in range(1000):
        st.run()
        got = received(st, peer)
        data += got
        if len(data) >= n or not got:
            break
    st.run()
    return data


def send_all(st, peer, fd, m):
    """ff_zc_send() the chain until all of it is taken (EAGAIN while the
    buffer is short of room: the peer acknowledges), collecting what the
    peer receives; (bytes received, calls)."""
    out, calls = b"", 0
    while m.bsd_mbuf is not None:
        calls += 1
        assert calls < 500, "no progress"
        try:
            assert st.api.zc_send(fd, m) > 0
        except OSError as e:
            assert e.errno == errno.EAGAIN
        st.run()
        out += received(st, peer)
        st.run()
    return out, calls


def zc_filled(api, data):
    m = api.zc_get(len(data))
    assert (m.len, m.off) == (len(data), 0)
    assert api.zc_write(m, data) == len(data)
    assert m.off == len(data)
    return m


def test_whole_chain_sent(make_stack):
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    base = st.mbufs_in_use()
    data = pattern(5000)
    m = zc_filled(api, data)
    assert st.mbufs_in_use() == base + 3  # 2048-byte segments
    assert api.zc_send(fd, m) == 5000
    assert (m.bsd_mbuf, m.len) == (None, 0)  # all taken: no chain held
    assert received_all(st, peer, len(data)) == data
    assert st.tcp_info(fd)["snd_cc"] == 0
    assert st.mbufs_in_use() == base  # acked data freed
    assert st.counter("so.sos_zcget") == 1
    assert st.counter("so.sos_zcsend") == 1
    assert st.counter("so.sos_zcpartial") == 0
    quiesce(st, fd)


def test_partial_write_rest_stays_with_the_application(make_stack):
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    api.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 5000)
    base = st.mbufs_in_use()
    data = pattern(12000, 3)
    m = zc_filled(api, data)
    n = api.zc_send(fd, m)
    assert n == 5000  # the send buffer's room, cut inside a segment
    assert m.bsd_mbuf is not None and m.len == 12000 - 5000
    assert m.off == 12000 - 5000  # the cursor stays behind the data
    assert st.counter("so.sos_zcpartial") == 1
    assert st.counter("so.sos_zccut") == 1
    assert st.check() is None
    # The cursor is the stack's: one the application scribbles is not
    # believed (still at the end of the rest), and is put back.
    m.off = 0
    assert api.zc_segment(m) == b""
    assert m.off == 7000
    # No room now: EAGAIN, chain untouched.
    with pytest.raises(OSError) as e:
        api.zc_send(fd, m)
    assert e.value.errno == errno.EAGAIN
    assert m.len == 7000
    out = received(st, peer)
    st.run()
    more, _ = send_all(st, peer, fd, m)
    out += more
    out += received_all(st, peer, len(data) - len(out))
    assert out == data
    assert st.mbufs_in_use() == base
    quiesce(st, fd)


def test_chain_far_larger_than_the_buffer(make_stack):
    """F-Stack's send crashes or hangs here: 200 KB through an 8 KB
    send buffer, each call taking what fits, every byte in order."""
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    api.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, 8192)
    base = st.mbufs_in_use()
    data = pattern(200_000, 5)
    m = zc_filled(api, data)
    out, calls = send_all(st, peer, fd, m)
    out += received_all(st, peer, len(data) - len(out))
    assert out == data
    assert calls >= 200_000 // 8192
    assert st.mbufs_in_use() == base
    quiesce(st, fd)


def test_send_less_than_the_chain(make_stack):
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    data = pattern(3000, 9)
    m = zc_filled(api, data)
    assert api.zc_send(fd, m, 1000) == 1000
    assert m.len == 2000
    st.run()
    assert received(st, peer) == data[:1000]
    assert api.zc_read(m, 5000) == b""  # cursor at the end already
    assert api.zc_send(fd, m, 2000) == 2000
    assert received_all(st, peer, 2000) == data[1000:]
    quiesce(st, fd)


def test_zero_copy_receive_and_echo(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.delayed_ack", 0)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    base = st.mbufs_in_use()
    sent = pattern(3 * 1460, 11)
    for i in range(3):
        peer.send("PA", data=sent[i * 1460 : (i + 1) * 1460])
    st.drain()
    held = st.mbufs_in_use()
    assert held > base
    # A receive that ends inside a segment: that part is copied.
    n, m = api.zc_recv(fd, 2000)
    assert (n, m.len, m.off) == (2000, 2000, 0)
    assert st.counter("so.sos_zccut") == 1
    assert api.zc_read(m, 100) == sent[:100]
    assert m.off == 100
    assert api.zc_read(m, 5000) == sent[100:2000]
    # Busy: m still names a chain.
    with pytest.raises(OSError) as e:
        api.zc_recv(fd, 100, m)
    assert e.value.errno == errno.EBUSY
    # The rest, then echo both chains back with no copy.
    n2, m2 = api.zc_recv(fd, 1 << 20)
    assert n2 == len(sent) - 2000 and m2.len == n2
    assert st.tcp_info(fd)["rcv_cc"] == 0
    assert api.zc_send(fd, m) == 2000
    assert api.zc_send(fd, m2) == n2
    assert received_all(st, peer, len(sent)) == sent
    assert st.mbufs_in_use() == base
    assert st.counter("so.sos_zcrecv") == 2
    # Nothing to read: EAGAIN; the peer's FIN: 0.
    with pytest.raises(OSError) as e:
        api.zc_recv(fd, 100)
    assert e.value.errno == errno.EAGAIN
    peer.send("FA")
    st.run()
    n, m = api.zc_recv(fd, 100)
    assert (n, m.bsd_mbuf) == (0, None)
    quiesce(st, fd)


def test_receive_then_free_returns_the_mbufs(make_stack):
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    base = st.mbufs_in_use()
    peer.send("PA", data=b"z" * 1000)
    st.drain()
    n, m = api.zc_recv(fd, 1000)
    assert n == 1000 and st.mbufs_in_use() > base
    assert api.zc_segment(m) == b"z" * 1000
    assert api.zc_free(m) == 0
    assert m.bsd_mbuf is None
    assert st.mbufs_in_use() == base
    assert st.counter("so.sos_zcfree") == 1
    quiesce(st, fd)


def errno_of(fn, *args):
    with pytest.raises(OSError) as e:
        fn(*args)
    return e.value.errno


def test_bad_input_refused_and_counted(make_stack):
    st = tcp_stack(make_stack)
    api = st.api
    peer = Peer(st)
    fd = establish(st, peer)
    base = st.mbufs_in_use()
    assert errno_of(api.zc_get, 0) == errno.EINVAL
    assert errno_of(api.zc_get, -5) == errno.EINVAL
    assert errno_of(api._call, "ff_zc_mbuf_get", None, 10) == errno.EINVAL
    assert st.counter("so.sos_zcbadarg") == 3
    m = api.zc_get(100)
    assert errno_of(api.zc_write, m, b"x" * 101) == errno.EMSGSIZE
    assert errno_of(api.zc_write, m, b"x", -1) == errno.EINVAL
    assert errno_of(api.zc_write, m, None, 4) == errno.EINVAL
    assert errno_of(api.zc_send, fd, m, 101) == errno.EINVAL
    assert errno_of(api.zc_write, None, b"x") == errno.EINVAL
    assert st.counter("so.sos_zcbadarg") == 8
    # A foreign pointer: never followed, refused.
    junk = ctypes.create_string_buffer(4096)
    fake = ffstack.ZcMbuf(ctypes.addressof(junk), None, 0, 100)
    for fn, args in (
        (api.zc_write, (fake, b"x")),
        (api.zc_read, (fake, 10)),
        (api.zc_segment, (fake,)),
        (api.zc_free, (fake,)),
        (api.zc_send, (fd, fake, 10)),
    ):
        assert errno_of(fn, *args) == errno.EINVAL
    fake.bsd_mbuf = 0x10  # not even mapped
    assert errno_of(api.zc_send, fd, fake, 10) == errno.EINVAL
    assert st.counter("so.sos_zcbadchain") == 6
    # Double use: a copy of the struct after the chain was sent.
    stale = ffstack.ZcMbuf.from_buffer_copy(m)
    assert api.zc_send(fd, m) == 100
    assert errno_of(api.zc_send, fd, stale) == errno.EINVAL
    assert errno_of(api.zc_free, stale) == errno.EINVAL
    # Double free.
    m2 = api.zc_get(10)
    stale = ffstack.ZcMbuf.from_buffer_copy(m2)
    api.zc_free(m2)
    assert errno_of(api.zc_free, stale) == errno.EINVAL
    assert st.counter("so.sos_zcbadchain") == 9
    # Not a TCP socket; not a socket.
    u = api.socket(socket.SOCK_DGRAM)
    m3 = api.zc_get(10)
    assert errno_of(api.zc_send, u, m3) == errno.EOPNOTSUPP
    assert errno_of(api.zc_recv, u, 10) == errno.EOPNOTSUPP
    assert errno_of(api.zc_send, 999, m3) == errno.EBADF
    assert errno_of(api.zc_recv, fd, 0) == errno.EINVAL
    api.zc_free(m3)
    api.close(u)
    st.run()
    received(st, peer)
    st.run()
    assert st.mbufs_in_use() == base
    assert st.check() is None
    quiesce(st, fd)


def test_chain_table_and_pool_reserve(make_stack):
    """The application cannot take the pool below the stack's reserve
    (kern.ipc.overload.mbuf_reass_pct): ENOBUFS, counted, nothing lost."""
    st = tcp_stack(make_stack)
    api = st.api
    base = st.mbufs_in_use()
    held = []
    with pytest.raises(OSError) as e:
        for _ in range(100_000):
            held.append(api.zc_get(2048 * 16))
    assert e.value.errno == errno.ENOBUFS
    assert st.counter("so.sos_zcnobufs") == 1
    assert held, "no chain at all"
    for m in held:
        api.zc_free(m)
    assert st.mbufs_in_use() == base


def test_chains_held_at_teardown_are_freed(make_stack):
    st = tcp_stack(make_stack)
    st.api.zc_get(10_000)
    assert st.check() is None
    # The fixture destroys the stack and finds every mbuf in the pool.
