"""Closing TCP connections through the test port: a FIN in every state,
half-close, simultaneous close, TIME_WAIT (2 MSL, re-ACKed FINs) and its
end, RST in established and closing states, data after close."""

import errno

from scapy.layers.inet import TCP

import ffstack
from tcp_peer import MSL_MS, Peer, establish, quiesce, tcp_stack


def state(st, fd):
    info = st.tcp_info(fd)
    return info["state_name"] if info else None


def test_fin_in_listen_is_ignored(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    peer = Peer(st)
    peer.send("F", seq=10)
    peer.expect_nothing()
    peer.send("FA", seq=10, ack=99)
    assert peer.expect("R").seq == 99
    assert state(st, lfd) == "LISTEN"
    quiesce(st, lfd)


def test_fin_in_syn_sent_is_ignored(make_stack):
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    st.tcp_bind(fd, "", 5000)
    st.tcp_connect(fd, "198.18.0.1", 40000)
    peer = Peer(st, sport=40000, dport=5000)
    peer.expect("S")
    peer.send("F", seq=10)
    peer.expect_nothing()
    assert state(st, fd) == "SYN_SENT"
    quiesce(st, fd)


def test_fin_in_syn_received(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    peer = Peer(st)
    peer.seq = 100
    peer.send("S")
    peer.expect("SA")
    peer.send("FA")  # ACK of our SYN, with a FIN
    assert peer.expect("A").ack == 102
    fd = st.tcp_accept(lfd)
    assert state(st, fd) == "CLOSE_WAIT"
    assert st.tcp_recv(fd) == b""  # EOF
    quiesce(st, fd, lfd)


def test_fin_in_established_then_last_ack(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("FA", data=b"bye")
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "CLOSE_WAIT"
    assert st.tcp_recv(fd) == b"bye"
    assert st.tcp_recv(fd) == b""
    assert st.tcp_send(fd, b"still open") == 10  # half-close
    assert bytes(peer.expect("PA").payload) == b"still open"
    peer.send("FA", seq=peer.seq - 1)  # FIN again: re-ACKed
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "CLOSE_WAIT"
    assert st.tcp_shutdown(fd, ffstack.SHUT_WR) == 0
    fin = peer.expect("FA")
    assert state(st, fd) == "LAST_ACK"
    peer.send("FA", seq=peer.seq - 1, ack=fin.seq)  # FIN in LAST_ACK
    assert peer.expect("FA").seq == fin.seq  # ours, again
    assert state(st, fd) == "LAST_ACK"
    peer.send("A", ack=fin.seq + 1)
    assert state(st, fd) is None
    assert st.counter("tcp.tcb_count") == 0
    quiesce(st, fd)


def test_fin_in_fin_wait_1_simultaneous_close(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_shutdown(fd, ffstack.SHUT_WR)
    fin = peer.expect("FA")
    assert state(st, fd) == "FIN_WAIT_1"
    peer.send("FA", ack=fin.seq)  # their FIN crosses ours
    # The ACK carries our FIN again, as FreeBSD's tcp_output does.
    assert peer.expect("FA").ack == peer.seq
    assert state(st, fd) == "CLOSING"
    peer.send("FA", seq=peer.seq - 1, ack=fin.seq)  # FIN in CLOSING
    peer.expect("FA")  # our FIN again, not acked yet
    peer.send("A", ack=fin.seq + 1)
    assert state(st, fd) == "TIME_WAIT"
    quiesce(st, fd)


def test_fin_ack_in_fin_wait_1(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_shutdown(fd, ffstack.SHUT_WR)
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1)
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "TIME_WAIT"
    quiesce(st, fd)


def test_fin_in_fin_wait_2_and_time_wait(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_shutdown(fd, ffstack.SHUT_WR)
    fin = peer.expect("FA")
    peer.send("A", ack=fin.seq + 1)
    assert state(st, fd) == "FIN_WAIT_2"
    peer.send("PA", data=b"more")  # half-closed: data still comes
    st.advance(0.1)
    peer.expect("A")
    assert st.tcp_recv(fd) == b"more"
    peer.send("FA")
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "TIME_WAIT"
    assert st.tcp_close(fd) == 0
    assert st.counter("tcp.tcb_count") == 1  # TIME_WAIT outlives the fd
    st.advance(MSL_MS / 1000)  # one MSL: still there
    peer.send("FA", seq=peer.seq - 1)  # FIN in TIME_WAIT: ACK, restart
    assert peer.expect("A").ack == peer.seq
    st.advance(2 * MSL_MS / 1000 - 0.2)
    assert st.counter("tcp.tcb_count") == 1
    st.advance(0.3)
    assert st.counter("tcp.tcb_count") == 0  # 2 MSL after the last FIN
    peer.send("S", seq=5000)  # the port is closed again
    assert peer.expect("RA").ack == 5001
    quiesce(st)


def test_orphaned_fin_wait_2_times_out(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_close(fd)
    fin = peer.expect("FA")
    peer.send("A", ack=fin.seq + 1)
    assert st.counter("tcp.tcb_count") == 1
    st.advance(61, step=1)
    assert st.counter("tcp.tcb_count") == 0
    assert st.counter("tcp.tcps_finwait2_drops") == 1
    quiesce(st)


def test_close_sends_queued_data_then_fin(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer, wnd=1000, mss=500)
    st.tcp_send(fd, b"d" * 3000)
    st.tcp_close(fd)  # data still queued
    got = b""
    for _ in range(10):
        segs = [p[TCP] for p in st.drain() if TCP in p]
        if not segs:
            break
        for s in segs:
            got += bytes(s.payload)
            last = s
        n = len(bytes(last.payload)) + ("F" in last.flags)
        peer.send("A", ack=last.seq + n)
    assert got == b"d" * 3000 and "F" in last.flags
    peer.send("FA", ack=last.seq + len(bytes(last.payload)) + 1)
    peer.expect("A")
    quiesce(st)


def test_rst_in_established(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("R", seq=peer.seq + 100, advance=False)  # in window: challenge
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "ESTABLISHED"
    assert st.counter("tcp.tcps_badrst") == 1
    peer.send("R", seq=peer.seq + 10**6, advance=False)  # outside: dropped
    peer.expect_nothing()
    peer.send("R")  # exact: reset
    assert state(st, fd) is None
    assert st.tcp_recv(fd) == -errno.ECONNRESET
    assert st.tcp_send(fd, b"x") in (-errno.EPIPE, -errno.ECONNRESET)
    quiesce(st, fd)


def test_syn_in_established_gets_challenge_ack(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("S", seq=peer.seq + 5, advance=False)
    assert peer.expect("A").ack == peer.seq
    assert state(st, fd) == "ESTABLISHED"
    quiesce(st, fd)


def test_data_after_close_resets(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    st.tcp_close(fd)
    fin = peer.expect("FA")
    peer.send("PA", data=b"late", ack=fin.seq + 1)
    r = peer.expect("R")
    assert r.seq == fin.seq + 1
    assert st.counter("tcp.tcps_rcvafterclose") == 1
    assert st.counter("tcp.tcb_count") == 0
    quiesce(st)


def test_close_with_listener_queue(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    for port in (40001, 40002):
        p = Peer(st, sport=port)
        p.seq = 10
        p.send("S")
        p.expect("SA")
    p.send("A")  # one completed, one embryonic
    st.tcp_close(lfd)  # both are reset
    rsts = [x for x in st.drain() if TCP in x and "R" in x[TCP].flags]
    assert len(rsts) == 2
    quiesce(st)


def test_new_syn_recycles_time_wait(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S")
    peer.expect("SA")
    peer.send("A")
    fd = st.tcp_accept(lfd)
    st.tcp_close(fd)  # we close first: TIME_WAIT here
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1)
    peer.expect("A")
    assert st.counter("tcp.tcb_count") == 2  # listener + TIME_WAIT
    old = peer.seq
    peer.send("S", seq=old - 100, advance=False)  # older: not recycled
    assert "S" not in str(peer.expect().flags)
    peer.seq = old + 100000
    peer.send("S")  # newer: a new connection
    sa = peer.expect("SA")
    assert sa.ack == old + 100001
    assert st.counter("tcp.tcps_tw_recycles") == 1
    peer.send("A")
    fd2 = st.tcp_accept(lfd)
    assert fd2 >= 0
    quiesce(st, fd2, lfd)


def test_new_syn_recycles_time_wait_of_a_shut_down_socket(make_stack):
    """RFC 6191 / FreeBSD's tcp_twcheck(): a SYN beyond the old connection
    ends TIME_WAIT even while the application still holds the socket
    (shutdown(), not close()); the listener takes the new connection, and
    the old descriptor keeps reading EOF."""
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S")
    peer.expect("SA")
    peer.send("A")
    fd = st.tcp_accept(lfd)
    assert st.tcp_shutdown(fd, ffstack.SHUT_WR) == 0  # the descriptor stays
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1)
    peer.expect("A")
    assert state(st, fd) == "TIME_WAIT"
    old = peer.seq
    peer.seq = old + 100000
    peer.send("S")
    sa = peer.expect("SA")  # not a RST: the listener answers
    assert sa.ack == old + 100001
    assert st.counter("tcp.tcps_tw_recycles") == 1
    peer.send("A")
    fd2 = st.tcp_accept(lfd)
    assert fd2 >= 0
    assert state(st, fd2) == "ESTABLISHED"
    assert st.tcp_recv(fd) == b""  # the old one: over, not reset
    quiesce(st, fd, fd2, lfd)


def _active_open(make_stack):
    """Our port 5000 connected to the peer's 40000 by a handshake: the
    stack, the descriptor, the peer, and our SYN."""
    st = tcp_stack(make_stack)
    fd = st.tcp_socket()
    st.tcp_bind(fd, "", 5000)
    st.tcp_connect(fd, "198.18.0.1", 40000)
    peer = Peer(st, sport=40000, dport=5000)
    syn = peer.expect("S")
    peer.seq = 1000
    peer.send("SA", ack=syn.seq + 1)
    peer.expect("A")
    return st, fd, peer, syn


def test_new_syn_to_time_wait_of_a_shut_down_socket_without_listener(
    make_stack,
):
    """With nobody listening, the recycled TIME_WAIT leaves no connection:
    the SYN gets a RST as for any closed port (RFC 9293 3.10.7.1)."""
    st, fd, peer, syn = _active_open(make_stack)
    assert st.tcp_shutdown(fd, ffstack.SHUT_WR) == 0
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1)
    peer.expect("A")
    assert state(st, fd) == "TIME_WAIT"
    peer.seq += 100000
    peer.send("S", advance=False)
    rst = peer.expect("RA")
    assert rst.ack == peer.seq + 1
    assert st.counter("tcp.tcps_tw_recycles") == 1
    quiesce(st, fd)


def _time_wait_with_timestamps(st, tsval):
    """A connection from the peer, with timestamps, that we close first:
    its TIME_WAIT here, the peer's last TSval tsval; (listen fd, old seq)."""
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S", options=[("MSS", 1460), ("Timestamp", (tsval, 0))])
    sa = peer.expect("SA")
    ecr = dict(sa.options)["Timestamp"][0]
    peer.send("A", options=[("Timestamp", (tsval, ecr))])
    fd = st.tcp_accept(lfd)
    st.tcp_close(fd)
    fin = peer.expect("FA")
    peer.send("FA", ack=fin.seq + 1, options=[("Timestamp", (tsval, ecr))])
    peer.expect("A")
    assert state(st, fd) is None or state(st, fd) == "TIME_WAIT"
    assert st.counter("tcp.tcb_count") == 2  # listener + TIME_WAIT
    return lfd, peer


def test_syn_with_the_same_timestamp_and_a_newer_seq_recycles_time_wait(
    make_stack,
):
    """RFC 6191 2: with timestamps on the old connection, a SYN whose
    TSval equals the last one seen (the peer's clock has not ticked: a
    port used again at once) and whose sequence number is beyond the old
    connection's ends TIME_WAIT; one whose TSval is older does not, even
    with a newer sequence number, nor an equal TSval with an old one."""
    st = tcp_stack(make_stack)
    lfd, peer = _time_wait_with_timestamps(st, 777)
    old = peer.seq
    ts = ("Timestamp", (777, 0))
    peer.send("S", seq=old - 1, options=[ts], advance=False)
    assert "S" not in str(peer.pop()[TCP].flags)  # not a SYN-ACK
    older = ("Timestamp", (776, 0))
    peer.send("S", seq=old + 50, options=[older], advance=False)
    assert "S" not in str(peer.pop()[TCP].flags)
    assert st.counter("tcp.tcps_tw_recycles") == 0
    peer.seq = old + 50
    peer.send("S", options=[("MSS", 1460), ts])
    sa = peer.expect("SA")
    assert sa.ack == old + 51
    assert st.counter("tcp.tcps_tw_recycles") == 1
    ecr = dict(sa.options)["Timestamp"][0]
    peer.send("A", options=[("Timestamp", (777, ecr))])
    fd2 = st.tcp_accept(lfd)
    assert fd2 >= 0
    quiesce(st, fd2, lfd)


def test_syn_with_a_newer_timestamp_recycles_time_wait(make_stack):
    """RFC 6191 2: a SYN whose TSval is beyond the last one seen ends
    TIME_WAIT whatever its sequence number."""
    st = tcp_stack(make_stack)
    lfd, peer = _time_wait_with_timestamps(st, 777)
    peer.seq -= 100000
    peer.send("S", options=[("MSS", 1460), ("Timestamp", (778, 0))])
    sa = peer.expect("SA")
    assert sa.ack == peer.seq
    assert st.counter("tcp.tcps_tw_recycles") == 1
    st.drain()
    quiesce(st, lfd)


def test_isn_of_a_4_tuple_used_again_at_once_is_beyond_the_old_one(
    make_stack,
):
    """A port used again for the same peer within the same clock tick
    (a random ephemeral port can come round at once) starts its sequence
    numbers beyond all the connection before it sent, so that the peer's
    TIME_WAIT takes the new SYN (RFC 6191 2) rather than leaving it to a
    retransmission a second later.  FreeBSD's tcp_new_isn() moves its
    offset by 4096 to 8191 on each ISN besides its clock; the virtual
    clock stands still here."""
    st, fd, peer, syn = _active_open(make_stack)
    assert st.tcp_send(fd, b"r" * 500) == 500
    assert len(bytes(peer.expect().payload)) == 500
    peer.send("FA")  # the peer closes first: its TIME_WAIT
    peer.expect("A")
    st.tcp_close(fd)
    fin = peer.expect("FA")
    peer.send("A", ack=fin.seq + 1)
    assert st.counter("tcp.tcb_count") == 0
    fd = st.tcp_socket()
    st.tcp_bind(fd, "", 5000)
    st.tcp_connect(fd, "198.18.0.1", 40000)
    syn2 = peer.expect("S")
    # The peer's rcv_nxt was fin.seq + 1: beyond it, and by FreeBSD's step.
    assert 0 < (syn2.seq - (fin.seq + 1)) % 2**32 < 2**31
    assert 4096 <= (syn2.seq - syn.seq) % 2**32 <= 8191
    peer.send("R", seq=peer.seq, ack=syn2.seq + 1, advance=False)
    st.drain()
    quiesce(st, fd)
