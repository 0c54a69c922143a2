"""Zero copy to the port: with kern.ipc.zero_copy.send=1 a socket the
application handed chains (ff_zc_send) has its segments built by
reference to its send buffer's mbufs (sbrefdata: a header mbuf, then
indirect mbufs sharing the buffer's data), as FreeBSD's tcp_output
m_copym()s its send buffer.  Off (the default), segments are copied.

What the peer (scapy) sees must not tell: every segment carries the
bytes the application put in its chains, with the checksum RFC 9293 3.1
defines (scapy recomputes it), also when a segment starts at an odd
offset of an mbuf or spans several, partial ones; a retransmission (by
the timer, or of a SACK hole in the middle) carries the same bytes; an
acknowledgement that frees the buffer's mbufs while a frame still waits
in the port leaves that frame's bytes intact; and every mbuf goes back
to the pool.  A frame is seen to be a chain by its nb_segs (the test
port reports the DPDK words of the frame popped last), and a port that
takes no chains (net_af_xdp: ff_test_port_txsegmax) gets copies.
"""

import ctypes
import struct

from scapy.layers.inet import IP, TCP, in4_chksum

from ffstack import CONFIG
from tcp_peer import Peer, establish, quiesce, tcp_stack

TF_SACK_PERMIT = 0x00000200


def pattern(n, seed=0):
    return bytes((i * 13 + seed * 7 + (i >> 8)) & 0xFF for i in range(n))


def right_checksum(seg):
    """What the checksum field must hold for seg (zeroed, then summed)."""
    t = bytearray(bytes(seg[TCP]))
    t[16:18] = b"\0\0"
    ip = seg[IP]
    return in4_chksum(6, IP(src=ip.src, dst=ip.dst, proto=6), bytes(t))


def nb_segs(st):
    """Mbufs of the frame popped last."""
    out = (ctypes.c_uint64 * 4)()
    st.lib.ff_test_pop_offloads.argtypes = [ctypes.c_void_p, type(out)]
    assert st.lib.ff_test_pop_offloads(st.h, out) == 0
    return out[3]


def pseudo_checksum(seg):
    """What a segment left to a trusted link ([portN] csum_trust) holds
    in its checksum field: the pseudo-header sum (RFC 9293 3.1), not
    inverted, as a NIC's offload expects."""
    ip = seg[IP]
    return (
        in4_chksum(
            6, IP(src=ip.src, dst=ip.dst, proto=6), b"\0" * len(seg[TCP])
        )
        ^ 0xFFFF
    )


def pop_data(st, una, want=right_checksum):
    """Every data segment the stack sent: (offset from una, payload,
    nb_segs), each checksum checked (want: what it must hold)."""
    got = []
    st.run()  # what the last call queued reaches the port
    while (p := st.pop()) is not None:
        if TCP not in p:
            continue
        t = p[TCP]
        pl = bytes(t.payload)
        if not pl:
            continue
        assert t.chksum == want(p), ((t.seq - una), len(pl))
        got.append(((t.seq - una) & 0xFFFFFFFF, pl, nb_segs(st)))
    return got


def zc_send(api, fd, data):
    m = api.zc_get(len(data))
    assert api.zc_write(m, data) == len(data)
    assert api.zc_send(fd, m) == len(data)


def setup(make_stack, mss=1460, nseg=10, sack=False, byref=1, config=None):
    st = tcp_stack(make_stack, config)
    if byref is not None:
        st.sysctl("kern.ipc.zero_copy.send", byref)
    st.sysctl("net.inet.tcp.initcwnd_segments", nseg)
    peer = Peer(st)
    fd = establish(st, peer, mss=mss)
    if sack:
        st.tcp_setflags(fd, TF_SACK_PERMIT, 0)
    return st, peer, fd, peer.ack


def stream(st, peer, una, total, want=right_checksum):
    """Collect segments, acknowledging each flight, until total bytes
    came in order; the bytes and the segments' nb_segs."""
    data, segs = b"", []
    for _ in range(200):
        st.run()
        got = pop_data(st, una, want)
        for off, pl, n in got:
            assert off == len(data), "segment at %d, expected %d" % (
                off,
                len(data),
            )
            data += pl
            segs.append(n)
        if len(data) >= total:
            break
        peer.send("A", ack=una + len(data), win=65535)
    peer.send("A", ack=una + len(data), win=65535)
    return data, segs


def test_segments_are_chains_with_right_checksums(make_stack):
    """Odd MSS and chains of odd sizes: segments start at odd offsets of
    mbufs and span partial ones; scapy checks every checksum."""
    st, peer, fd, una = setup(make_stack, mss=1001)
    api = st.api
    base = st.mbufs_in_use()
    sizes = (1, 2049, 777, 4096, 3, 1500, 2047)
    data = pattern(sum(sizes), 1)
    off = 0
    for n in sizes:
        zc_send(api, fd, data[off : off + n])
        off += n
    got, segs = stream(st, peer, una, len(data))
    assert got == data
    # Headers in one mbuf, the data in the buffer's own: never one.
    assert all(n >= 2 for n in segs), segs
    assert any(n >= 3 for n in segs), segs  # one spanning two mbufs
    st.run()
    assert st.mbufs_in_use() == base
    assert st.check() is None
    quiesce(st, fd)


def test_copied_data_before_the_first_chain(make_stack):
    """Bytes ff_write() copied in before the socket's first chain go by
    reference too once it has one; in order, right sums."""
    st, peer, fd, una = setup(make_stack, mss=536)
    api = st.api
    first = pattern(3001, 2)
    st.tcp_send(fd, first, run=False)
    zc_send(api, fd, pattern(5003, 3))
    got, segs = stream(st, peer, una, 8004)
    assert got == first + pattern(5003, 3)
    quiesce(st, fd)


def test_copying_socket_sends_one_mbuf(make_stack):
    """A socket that never used ff_zc_send keeps copying: each segment is
    one mbuf, as before."""
    st, peer, fd, una = setup(make_stack)
    data = pattern(10000, 4)
    assert st.tcp_send(fd, data) == len(data)
    got, segs = stream(st, peer, una, len(data))
    assert got == data and set(segs) == {1}
    quiesce(st, fd)


def test_zero_copy_send_off_copies(make_stack):
    """kern.ipc.zero_copy.send=0 (the default): chains handed over are
    copied into each segment, one mbuf a frame."""
    st, peer, fd, una = setup(make_stack, byref=None)
    v = st.sysctl_get("kern.ipc.zero_copy.send")["value"]
    assert struct.unpack("<i", v)[0] == 0
    data = pattern(9000, 11)
    zc_send(st.api, fd, data)
    got, segs = stream(st, peer, una, len(data))
    assert got == data and set(segs) == {1}
    quiesce(st, fd)


def test_port_without_chains_gets_copies(make_stack):
    """net_af_xdp sends the first mbuf of a chain only: to such a port
    (txsegmax 1) segments are copied into one mbuf."""
    st, peer, fd, una = setup(make_stack)
    st.txsegmax(1)
    data = pattern(9000, 5)
    zc_send(st.api, fd, data)
    got, segs = stream(st, peer, una, len(data))
    assert got == data and set(segs) == {1}
    quiesce(st, fd)


def test_too_many_mbufs_for_the_port_copies(make_stack):
    """A segment spanning more buffer mbufs than the port takes (less the
    header's) is copied; one that fits goes by reference."""
    st, peer, fd, una = setup(make_stack, mss=1460)
    st.txsegmax(2)  # a header and one of data
    api = st.api
    zc_send(api, fd, pattern(600, 6))  # idle: goes at once, one mbuf
    got = pop_data(st, una)
    assert [(o, len(pl), n) for o, pl, n in got] == [(0, 600, 2)]
    # Two more of 600, each its own mbuf, wait for the ACK (Nagle).
    rest = pattern(1200, 7)
    zc_send(api, fd, rest[:600])
    zc_send(api, fd, rest[600:])
    assert pop_data(st, una) == []
    peer.send("A", ack=una + 600, win=65535)
    got = pop_data(st, una)
    # 1200 bytes in two mbufs: more than the port takes, copied.
    assert [(o, pl, n) for o, pl, n in got] == [(600, rest, 1)]
    peer.send("A", ack=una + 1800, win=65535)
    quiesce(st, fd)


def test_timer_retransmission_carries_the_same_bytes(make_stack):
    st, peer, fd, una = setup(make_stack, mss=1000, nseg=4)
    api = st.api
    base = st.mbufs_in_use()
    data = pattern(4000, 8)
    zc_send(api, fd, data)
    first = pop_data(st, una)
    assert b"".join(pl for _, pl, _ in first) == data
    # Half of the second segment acknowledged: the buffer's head mbuf is
    # trimmed in front while the rest stays shared.
    peer.send("A", ack=una + 1500, win=65535)
    st.drain()
    st.advance(3, step=0.05)  # the retransmission timer
    again = pop_data(st, una)
    assert again, "no retransmission"
    off, pl, n = again[0]
    assert off == 1500 and pl == data[1500 : 1500 + len(pl)] and n >= 2
    assert st.counter("tcp.tcps_sndrexmitpack") >= 1
    peer.send("A", ack=una + 4000, win=65535)
    st.drain()
    st.run()
    assert st.mbufs_in_use() == base
    quiesce(st, fd)


def test_sack_hole_in_the_middle_resent_from_the_buffer(make_stack):
    st, peer, fd, una = setup(make_stack, mss=1000, nseg=10, sack=True)
    data = pattern(10000, 9)
    zc_send(st.api, fd, data)
    first = pop_data(st, una)
    assert b"".join(pl for _, pl, _ in first) == data

    def sack_ack(ack, blocks):
        sack = tuple(x for s, e in blocks for x in (una + s, una + e))
        peer.send("A", ack=una + ack, options=[("SAck", sack)])

    sack_ack(3000, [])
    sack_ack(3000, [(4000, 5000)])
    sack_ack(3000, [(4000, 6000)])
    sack_ack(3000, [(4000, 7000)])
    resent = pop_data(st, una)
    assert resent and resent[0][0] == 3000
    for off, pl, n in resent:
        assert pl == data[off : off + len(pl)] and n >= 2
    assert st.counter("tcp.tcps_sack_rexmits") >= 1
    sack_ack(10000, [])
    st.drain()
    quiesce(st, fd)


def test_acknowledged_while_the_frame_waits_in_the_port(make_stack):
    """The peer acknowledges every byte before the port sent the frames
    (the buffer frees its mbufs): each frame's reference keeps its data
    alive and intact, and the pool gets every mbuf back once the port is
    done."""
    st, peer, fd, una = setup(make_stack, mss=1460, nseg=10)
    api = st.api
    base = st.mbufs_in_use()
    data = pattern(8000, 10)
    zc_send(api, fd, data)
    st.run()  # five full segments wait in the port; Nagle holds the rest
    assert st.tcp_info(fd)["snd_cc"] == 8000
    peer.send("A", ack=una + 7300, win=65535, run=False)
    st.run()  # the ACK is taken in: the buffer lets go of its mbufs
    assert st.tcp_info(fd)["snd_cc"] == 700
    got = pop_data(st, una)
    assert b"".join(pl for _, pl, _ in got) == data
    assert all(n >= 2 for _, _, n in got)
    peer.send("A", ack=una + 8000, win=65535)
    st.drain()
    st.run()
    assert st.mbufs_in_use() == base
    assert st.check() is None
    quiesce(st, fd)


def test_sostat_counts_segments_sent_by_reference(make_stack):
    """kern.ipc.sostat's sos_zcref: one for each data segment the port
    got as a chain (a header mbuf and the buffer's own), none for those
    copied into one mbuf (a port that takes no chains)."""
    st, peer, fd, una = setup(make_stack, mss=1000)
    data = pattern(5500, 12)
    zc_send(st.api, fd, data)
    got, segs = stream(st, peer, una, len(data))
    assert got == data and len(segs) == 6 and min(segs) >= 2, segs
    assert st.counter("so.sos_zcref") == 6
    st.txsegmax(1)
    more = pattern(3000, 13)
    zc_send(st.api, fd, more)
    got, segs = stream(st, peer, una + len(data), len(more))
    assert got == more and segs == [1, 1, 1], segs
    assert st.counter("so.sos_zcref") == 6
    quiesce(st, fd)


def test_trusted_link_segments_by_reference_carry_the_pseudo_sum(make_stack):
    """Over a trusted link (csum_trust) the segments still go by
    reference, with the bytes the application put in its chains, and
    their field holds the pseudo-header sum: the link takes the sum, so
    the payload is neither copied nor read."""
    st, peer, fd, una = setup(
        make_stack, mss=1001, config=CONFIG + "csum_trust=1\n"
    )
    data = pattern(7000, 14)
    zc_send(st.api, fd, data[:2049])
    zc_send(st.api, fd, data[2049:])
    got, segs = stream(st, peer, una, len(data), want=pseudo_checksum)
    assert got == data and min(segs) >= 2, segs
    assert st.counter("so.sos_zcref") == len(segs)
    quiesce(st, fd)
