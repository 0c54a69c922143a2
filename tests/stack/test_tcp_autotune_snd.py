"""Send-buffer autotuning through the test port, on the virtual clock
(libff/src/netinet/tcp_autotune.c, tcp_autosndbuf()).

FreeBSD's rule (tcp_output.c, net.inet.tcp.sendbuf_*): while
sendbuf_auto is on and the application has not set SO_SNDBUF, a
connection whose send buffer is at least 7/8 full, whose peer window is
at least 4/5 of the buffer and whose windows would let all the unsent
bytes go, grows the buffer by sendbuf_inc, never past sendbuf_max
(defaults 1, 8192 and 2097152; the buffer starts at
net.inet.tcp.sendspace, 32768).  An application that keeps the buffer
full towards a peer with a large window (RFC 7323 scaling) and an
opening congestion window is such a connection: its buffer grows in
steps of sendbuf_inc up to sendbuf_max.  With sendbuf_auto=0 it stays
at sendspace, and once SO_SNDBUF is set autotuning stops for good."""

import errno

from scapy.layers.inet import TCP

from tcp_peer import Peer, handshake_passive, quiesce, tcp_stack

SOL_SOCKET, SO_SNDBUF = 1, 7  # Linux numbers (the ff_test_* calls)
SENDSPACE = 32768  # net.inet.tcp.sendspace (FreeBSD's default)
SENDBUF_INC = 8192  # net.inet.tcp.sendbuf_inc
SENDBUF_MAX = 2097152  # net.inet.tcp.sendbuf_max
CHUNK = b"b" * 65536
RTT = 0.01  # seconds of virtual time per round trip


def bulk_connection(st):
    """A connection from a peer that scales its window by 2^7 (65535 in
    the header is 8 MB): (peer, listen fd, connection fd)."""
    peer = Peer(st)
    lfd, fd = handshake_passive(
        st, peer, options=[("MSS", 1460), ("WScale", 7)]
    )
    assert st.tcp_info(fd)["snd_wnd"] == 65535 << 7
    return peer, lfd, fd


def fill(st, fd):
    """Write until the send buffer takes no more; bytes written."""
    total = 0
    while (n := st.tcp_send(fd, CHUNK)) > 0:
        total += n
    assert n in (0, -errno.EAGAIN), n
    return total


def ack_round(st, peer):
    """One round trip: everything the stack sent is acknowledged at once
    (a cumulative ACK with the full window); the segments' count."""
    end, count = None, 0
    while (p := peer.pop()) is not None:
        t = p[TCP]
        if len(t.payload):
            end, count = t.seq + len(t.payload), count + 1
    st.advance(RTT, step=RTT)
    if end is not None:
        peer.send("A", ack=end)
    return count


def sndbuf(st, fd):
    rc, size = st.tcp_getopt(fd, SOL_SOCKET, SO_SNDBUF)
    assert rc == 0
    return size


def bulk_send(st, fd, peer, rounds):
    """rounds of: fill the buffer, one round trip; the buffer's sizes."""
    sizes = [sndbuf(st, fd)]
    for _ in range(rounds):
        fill(st, fd)
        assert ack_round(st, peer) > 0
        sizes.append(sndbuf(st, fd))
    return sizes


def test_send_buffer_grows_by_inc_up_to_max(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.sendbuf_max", 4 * SENDSPACE)
    peer, lfd, fd = bulk_connection(st)
    sizes = bulk_send(st, fd, peer, 24)
    assert sizes[0] == SENDSPACE, sizes
    # Steps of sendbuf_inc, never down, to sendbuf_max and no further.
    assert all(b >= a for a, b in zip(sizes, sizes[1:])), sizes
    assert all((s - SENDSPACE) % SENDBUF_INC == 0 for s in sizes), sizes
    assert sizes[-1] == 4 * SENDSPACE, sizes
    # Set by the application: autotuning stops for good.
    assert st.tcp_setopt(fd, SOL_SOCKET, SO_SNDBUF, 50000) == 0
    st.sysctl("net.inet.tcp.sendbuf_max", SENDBUF_MAX)
    assert bulk_send(st, fd, peer, 4)[1:] == [50000] * 4
    quiesce(st, fd, lfd)


def test_send_buffer_step_is_sendbuf_inc(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.sendbuf_inc", 3 * SENDBUF_INC)
    peer, lfd, fd = bulk_connection(st)
    sizes = bulk_send(st, fd, peer, 10)
    grown = sorted(set(sizes))
    assert len(grown) > 2 and grown[-1] <= SENDBUF_MAX, sizes
    assert all((s - SENDSPACE) % (3 * SENDBUF_INC) == 0 for s in sizes)
    quiesce(st, fd, lfd)


def test_send_buffer_stays_without_sendbuf_auto(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.sendbuf_auto", 0)
    peer, lfd, fd = bulk_connection(st)
    sizes = bulk_send(st, fd, peer, 12)
    assert sizes == [SENDSPACE] * 13, sizes
    # The same bulk send did move data: the congestion window opened.
    assert st.tcp_info(fd)["cwnd"] > SENDSPACE
    quiesce(st, fd, lfd)
