"""A jumbo MTU ([portN] mtu, dpdk/ff_dpdk_port.c; netinet/tcp_output.c):
the interface takes it, the MSS we offer is the MTU less 40 bytes of IP
and TCP headers (RFC 879, RFC 6691: 8960 for 9000), a bulk write goes out
in segments of up to that MSS less options, built as a header mbuf and
chained data where the port takes chains, with IP and TCP checksums a
receiver checks (scapy); where it takes none (net_af_xdp) a segment stays
within one mbuf.  A segment of the whole MSS from the peer, in a chain of
mbufs as memif hands it up, is taken and read back byte for byte; so is
such a chain that reaches past the window the stack advertised or starts
with bytes it already has: the reader gets what the ACK covers, no byte
more or fewer (RFC 9293 3.10.7.4: trim to the window, drop the duplicate
prefix), wherever the cut falls in the chain; a frame longer than the MTU
is dropped and counted (FreeBSD's ether_input "discard oversize
frame")."""

import errno

import pytest
from scapy.layers.inet import IP, TCP


from ffstack import CONFIG, ifinfo
from tcp_peer import PEER_IP, Peer, quiesce, tcp_stack

MTU = 9000
MSS = MTU - 40  # RFC 6691: the MTU less 20 bytes of IP, 20 of TCP
ETHER_HDR = 14
MBUF = 2048  # RTE_MBUF_DEFAULT_DATAROOM: what one mbuf holds


def jumbo_stack(make_stack, mtu=MTU):
    cfg = CONFIG.replace("[port0]", f"[port0]\nmtu={mtu}")
    st = tcp_stack(lambda: make_stack(cfg))
    st.sysctl("net.inet.tcp.sendspace", 256 * 1024)
    return st


def opts(t):
    return dict((k, v) for k, v in t.options)


def accept(st, peer, options):
    """A listener on 80 and the peer's handshake: (lfd, fd, SYN-ACK)."""
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 1000
    peer.send("S", options=options)
    sa = peer.expect("SA")
    peer.send("A", options=[o for o in options if o[0] == "Timestamp"])
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    return lfd, fd, sa


def test_interface_takes_the_mtu(make_stack):
    assert ifinfo(jumbo_stack(make_stack))["mtu"] == MTU
    assert ifinfo(tcp_stack(make_stack))["mtu"] == 1500  # without the key


def test_syn_offers_mtu_less_40(make_stack):
    st = jumbo_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 80) == -errno.EINPROGRESS
    syn = Peer(st, sport=80, dport=0).expect("S")
    assert opts(syn)["MSS"] == MSS
    assert st.tcp_close(fd) == 0


def test_synack_offers_mtu_less_40(make_stack):
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, sa = accept(st, peer, [("MSS", MSS)])
    assert opts(sa)["MSS"] == MSS
    assert st.tcp_info(fd)["maxseg"] == MSS
    quiesce(st, fd, lfd)


@pytest.fixture
def data():
    return bytes(i * 7 % 251 for i in range(200_000))


def checksums_valid(p):
    """IP and TCP checksums as a receiver computes them (scapy)."""
    ref = IP(bytes(p[IP]))
    del ref.chksum
    del ref[TCP].chksum
    ref = IP(bytes(ref))
    return (ref.chksum, ref[TCP].chksum) == (p[IP].chksum, p[TCP].chksum)


def send_all(st, peer, fd, data):
    """Write data, ACK every segment that comes: the frames seen."""
    frames, sent, got = [], 0, b""
    while len(got) < len(data):
        if sent < len(data):
            sent += max(st.tcp_send(fd, data[sent:]), 0)
        new = [p for p in st.drain() if TCP in p]
        assert new, "the stack stopped sending at %d" % len(got)
        for p in new:
            assert p[TCP].seq == peer.ack
            got += bytes(p[TCP].payload)
            peer.ack = p[TCP].seq + len(p[TCP].payload)
            peer.send("A")
        frames += new
    assert got == data
    return frames


@pytest.mark.parametrize(
    "options,optlen",
    [([("MSS", MSS)], 0), ([("MSS", MSS), ("Timestamp", (1, 0))], 12)],
    ids=["no-options", "timestamps"],
)
def test_bulk_segments_of_the_mss(make_stack, data, options, optlen):
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, _ = accept(st, peer, options)
    frames = send_all(st, peer, fd, data)
    sizes = [len(p[TCP].payload) for p in frames]
    assert max(sizes) == MSS - optlen  # full segments: the MSS less options
    assert sizes.count(MSS - optlen) >= len(data) // MSS - 1
    for p in frames:
        assert len(p) <= ETHER_HDR + MTU and p[IP].len <= MTU
        assert checksums_valid(p)
    quiesce(st, fd, lfd)


def test_port_without_chains_keeps_one_mbuf(make_stack, data):
    st = jumbo_stack(make_stack)
    st.txsegmax(1)  # as net_af_xdp: one mbuf a frame
    peer = Peer(st)
    lfd, fd, sa = accept(st, peer, [("MSS", MSS)])
    assert opts(sa)["MSS"] == MSS  # the link's MTU is still 9000
    frames = send_all(st, peer, fd, data[:50_000])
    assert all(len(p) <= MBUF for p in frames)
    assert max(len(p[TCP].payload) for p in frames) == MBUF - ETHER_HDR - 40
    assert all(checksums_valid(p) for p in frames)
    quiesce(st, fd, lfd)


def test_receive_a_whole_mss_in_a_chain(make_stack):
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, _ = accept(st, peer, [("MSS", MSS)])
    payload = bytes(i * 13 % 256 for i in range(MSS))
    pkt = peer.segment("A", data=payload)
    assert len(pkt) == ETHER_HDR + MTU
    # As memif hands it up: one 2 KB mbuf per descriptor.
    st.inject_split(pkt, list(range(MBUF, len(pkt), MBUF)))
    peer.seq += MSS
    assert st.tcp_recv(fd, 2 * MSS) == payload
    assert st.counter("tcp.tcps_rcvbadsum") == 0
    st.advance(1)  # the delayed ACK
    acks = [p for p in st.drain() if TCP in p]
    assert acks and acks[-1][TCP].ack == peer.seq
    quiesce(st, fd, lfd)


def test_frame_longer_than_the_mtu_is_dropped_and_counted(make_stack):
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, _ = accept(st, peer, [("MSS", MSS)])
    pkt = peer.segment("A", data=b"y" * (MSS + 1))  # 9001 bytes of IP
    names = ("if.f-stack-0.ierrors", "ether.ethx_toolong")
    before = st.counters(*names)
    st.inject_split(pkt, list(range(MBUF, len(pkt), MBUF)))
    after = st.counters(*names)
    assert [after[n] - before[n] for n in names] == [1, 1]
    assert st.tcp_recv(fd, 2 * MSS) == -errno.EAGAIN
    quiesce(st, fd, lfd)


def test_truncated_jumbo_chain_is_dropped_and_counted(make_stack):
    """IP's total length says 9000, the chain brings 6000 (a driver that
    lost descriptors): dropped and counted in ips_tooshort, as FreeBSD's
    ip_input does when the packet is shorter than ip_len."""
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, _ = accept(st, peer, [("MSS", MSS)])
    pkt = bytes(peer.segment("A", data=b"z" * MSS))
    before = st.counter("ip.ips_tooshort")
    st.inject_split(pkt[:6000], [MBUF, 2 * MBUF])
    assert st.counter("ip.ips_tooshort") - before == 1
    assert st.tcp_recv(fd, 2 * MSS) == -errno.EAGAIN
    quiesce(st, fd, lfd)


def chained(pkt):
    """The cuts memif makes in a frame: one 2 KB mbuf per descriptor."""
    return list(range(MBUF, len(pkt), MBUF))


def last_ack(st):
    acks = [p for p in st.drain() if TCP in p]
    assert acks, "no ACK"
    return acks[-1][TCP]


def test_chain_past_the_window_is_cut_to_it(make_stack):
    """A full-MSS chain of which only the first part fits the advertised
    window: the window's bytes are read, the rest is not (it comes again),
    and what is read is what the ACK says was taken.  The bytes past the
    window fill more than the chain's last 2 KB mbuf."""
    st = jumbo_stack(make_stack)
    st.sysctl("net.inet.tcp.recvbuf_auto", 0)
    st.sysctl("net.inet.tcp.recvspace", 12 * 1024)
    peer = Peer(st)
    lfd, fd, sa = accept(st, peer, [("MSS", MSS)])
    payload = bytes(i * 13 % 256 for i in range(2 * MSS))
    first = peer.segment("A", data=payload[:MSS])
    st.inject_split(first, chained(first))
    st.advance(1)
    ack = last_ack(st)
    assert ack.ack == peer.seq + MSS
    room = ack.window  # no window scale offered: bytes
    second = peer.segment("A", seq=peer.seq + MSS, data=payload[MSS:])
    assert 0 < room and MSS - room > len(second) % MBUF, room
    st.inject_split(second, chained(second))
    st.advance(1)
    taken = last_ack(st).ack - peer.seq
    assert taken == MSS + room
    assert st.tcp_recv(fd, 4 * MSS) == payload[:taken]
    assert st.tcp_recv(fd, 4 * MSS) == -errno.EAGAIN
    quiesce(st, fd, lfd)


@pytest.mark.parametrize("dup", [100, MBUF, 5000, MSS - 1])
def test_chain_with_a_duplicate_prefix_gives_the_new_bytes(make_stack, dup):
    """The peer sends dup bytes, then all MSS bytes again from the same
    sequence number (a retransmission that covers more): the reader gets
    every byte once, whichever mbuf of the chain the new data starts in."""
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, _ = accept(st, peer, [("MSS", MSS)])
    payload = bytes(i * 13 % 256 for i in range(MSS))
    head = peer.segment("A", data=payload[:dup])
    st.inject_split(head, chained(head))
    whole = peer.segment("A", data=payload)
    st.inject_split(whole, chained(whole))
    st.advance(1)
    assert last_ack(st).ack == peer.seq + MSS
    assert st.tcp_recv(fd, 4 * MSS) == payload
    assert st.counter("tcp.tcps_rcvshort") == 0
    quiesce(st, fd, lfd)
