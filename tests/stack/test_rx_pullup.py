"""A received frame whose headers are cut across mbufs (memif's 2 KB
mbufs for a jumbo MTU, a PMD with small rx buffers or header split) is
pulled up, not dropped: each layer makes contiguous the header bytes it
reads, as FreeBSD's m_pullup() in ip_input, icmp_input, udp_input and
tcp_input (kern/uipc_mbuf.c; net/if_ethersubr.c, netinet/if_ether.c,
ip_input.c, ip_icmp.c, udp_usrreq.c, tcp_input.c).  For an ICMP echo
request (with IP options), a UDP datagram to a bound socket, a TCP SYN to
a listener and a TCP segment with timestamps on an established connection,
the frame is cut at every offset inside its Ethernet, IP and L4 headers
(and once into one-byte mbufs): the stack answers as for the whole frame
(RFC 792 echo reply, the datagram read back, RFC 9293 SYN-ACK and ACK)
and no drop counter moves.  So do an ARP request, an 802.1Q-tagged echo
cut inside its tag, and an ICMP port unreachable cut inside the datagram
it quotes.  A frame really shorter than its headers is still dropped and
counted.  The echo and the TCP segment are sent a second time with each
piece at the very end of its mbuf's buffer (a driver that fills its
buffers from the top): the pull-up slides the first piece down, keeping
room before it for the reply's headers."""

import errno
import socket

import pytest

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Dot1Q, Ether

from ffstack import CONFIG, OUR_IP, PEER_IP, PEER_MAC
from tcp_peer import Peer, tcp_stack

ETHER_HDR = 14
# Record route with room for one address: IP options of 8 bytes.
IP_RR = b"\x07\x07\x04" + b"\0" * 4 + b"\x00"

DROPS = (
    "if.f-stack-0.ierrors",
    "ether.ethx_tooshort",
    "ip.ips_toosmall",
    "ip.ips_badhlen",
    "ip.ips_badlen",
    "ip.ips_tooshort",
    "ip.ips_badsum",
    "icmp.icps_tooshort",
    "icmp.icps_checksum",
    "icmp.icps_badlen",
    "udp.udps_hdrops",
    "udp.udps_badlen",
    "udp.udps_badsum",
    "tcp.tcps_rcvshort",
    "tcp.tcps_rcvbadoff",
    "tcp.tcps_rcvbadsum",
)


def no_drops(st):
    moved = {n: v for n, v in st.counters(*DROPS).items() if v}
    assert not moved, moved


def header_len(pkt):
    """Bytes of Ethernet, IP (with options) and L4 header (with options)."""
    pkt = Ether(bytes(pkt))  # the fields as built
    ip = pkt[IP]
    l4 = ip.payload
    if TCP in pkt:
        l4len = pkt[TCP].dataofs * 4
    else:
        l4len = 8  # ICMP echo, UDP
    assert len(bytes(l4)) >= l4len
    return ETHER_HDR + ip.ihl * 4 + l4len


def cuts_of(pkt):
    """Each a chain: one cut at every offset inside the headers (and just
    after them), then every header byte in its own mbuf."""
    n = header_len(pkt)
    return [[k] for k in range(1, n + 1)] + [list(range(1, n + 1))]


def to_us(st, l3):
    return Ether(dst=st.mac(), src=PEER_MAC) / l3


def echo(st, seq):
    return to_us(
        st,
        IP(src=PEER_IP, dst=OUR_IP, options=IP_RR)
        / ICMP(id=0x4242, seq=seq)
        / (b"ping" * 8),
    )


def check_echo_reply(st, seq):
    rep = st.expect(ICMP)
    ip, ic = rep[IP], rep[ICMP]
    assert (ip.src, ip.dst, ip.ihl) == (OUR_IP, PEER_IP, 5)
    assert (ic.type, ic.code, ic.id, ic.seq) == (0, 0, 0x4242, seq)
    assert bytes(ic.payload) == b"ping" * 8
    raw = bytes(rep)  # checksums as sent equal scapy's
    fresh = Ether(raw)
    del fresh[IP].chksum
    del fresh[ICMP].chksum
    assert bytes(Ether(bytes(fresh))) == raw


AT_END = pytest.mark.parametrize("at_end", [False, True], ids=["", "at_end"])


@AT_END
def test_icmp_echo_cut_anywhere_in_its_headers(st, at_end):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    st.sysctl("net.inet.icmp.icmplim", 0)
    st.inject(echo(st, 0))  # the whole frame, for reference
    check_echo_reply(st, 0)
    for seq, cuts in enumerate(cuts_of(echo(st, 0)), 1):
        st.inject_split(echo(st, seq), cuts, at_end=at_end)
        check_echo_reply(st, seq)
        st.expect_nothing()
    assert st.counter("icmp.icps_reflect") == len(cuts_of(echo(st, 0))) + 1
    assert st.counter("ip.ips_badoptions") == 0
    no_drops(st)


def test_udp_datagram_cut_anywhere_in_its_headers(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.bind(fd, OUR_IP, 7000)

    def dgram(i):
        data = bytes((i + k) % 256 for k in range(100))
        pkt = to_us(
            st,
            IP(src=PEER_IP, dst=OUR_IP)
            / UDP(sport=5000 + i, dport=7000)
            / data,
        )
        return pkt, data

    pkt, data = dgram(0)
    st.inject(pkt)
    assert a.recvfrom(fd) == (data, (PEER_IP, 5000))
    for i, cuts in enumerate(cuts_of(pkt), 1):
        pkt, data = dgram(i)
        st.inject_split(pkt, cuts)
        assert a.recvfrom(fd) == (data, (PEER_IP, 5000 + i)), cuts
    st.expect_nothing()  # no port unreachable, nothing else
    no_drops(st)
    a.close(fd)


SYN_OPTS = [  # 20 bytes, as FreeBSD's own SYN carries them
    ("MSS", 1460),
    ("NOP", None),
    ("WScale", 7),
    ("SAckOK", b""),
    ("Timestamp", (1000, 0)),
]


def test_tcp_syn_cut_anywhere_in_its_headers(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0

    def syn_synack_rst(i, cuts):
        peer = Peer(st, sport=30000 + i)
        peer.seq = 1000 + i
        pkt = peer.segment("S", options=SYN_OPTS)
        if cuts is None:
            st.inject(pkt)
        else:
            st.inject_split(pkt, cuts)
        sa = peer.expect("SA")
        assert sa.ack == 1001 + i
        o = dict(sa.options)
        assert (
            o["MSS"] == 1460
            and "WScale" in o
            and "SAckOK" in o
            and o["Timestamp"][1] == 1000
        )
        # Take the embryonic connection down again (RFC 9293 3.10.7.3).
        peer.send("R", seq=1001 + i, ack=0)
        peer.expect_nothing()

    syn_synack_rst(0, None)
    pkt = Peer(st).segment("S", options=SYN_OPTS)
    assert (
        header_len(pkt) == ETHER_HDR + 20 + 20 + 20
    )  # options to the last byte
    for i, cuts in enumerate(cuts_of(pkt), 1):
        syn_synack_rst(i, cuts)
    no_drops(st)
    assert st.counter("tcp.tcps_accepts") == 0
    assert st.tcp_close(lfd) == 0


@AT_END
def test_tcp_data_with_timestamps_cut_anywhere_in_its_headers(
    make_stack, at_end
):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.delayed_ack", 0)  # every segment ACKed at once
    peer = Peer(st)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 1000
    peer.send("S", options=[("MSS", 1460), ("Timestamp", (1, 0))])
    sa = peer.expect("SA")
    tsecr = dict(sa.options)["Timestamp"][0]
    peer.send("A", options=[("Timestamp", (2, tsecr))])
    fd = st.tcp_accept(lfd)
    assert fd >= 0

    def data_ack(i, cuts):
        data = bytes((7 * i + k) % 256 for k in range(64))
        # Timestamp option padded as RFC 7323 appendix A: 12 bytes.
        opts = [("NOP", None), ("NOP", None), ("Timestamp", (10 + i, tsecr))]
        pkt = peer.segment("PA", data=data, options=opts)
        if cuts is None:
            st.inject(pkt)
        else:
            st.inject_split(pkt, cuts, at_end=at_end)
        peer.seq += len(data)
        ack = peer.expect("A")
        assert ack.ack == peer.seq, cuts
        assert dict(ack.options)["Timestamp"][1] == 10 + i
        assert st.tcp_recv(fd, 4096) == data, cuts
        return pkt

    pkt = data_ack(0, None)
    assert header_len(pkt) == ETHER_HDR + 20 + 32
    for i, cuts in enumerate(cuts_of(pkt), 1):
        data_ack(i, cuts)
    no_drops(st)
    assert st.counter("tcp.tcps_rcvpackafterwin") == 0
    for f in (fd, lfd):
        assert st.tcp_close(f) == 0
    st.advance(1000, step=1)
    st.drain()


def test_tagged_echo_cut_inside_its_tag(make_stack):
    """With vlan_accept, an 802.1Q tag in the frame is taken off; a frame
    cut inside the tag or the type behind it is answered too."""
    st = make_stack(
        CONFIG.replace("port_list=0", "port_list=0\nvlan_accept=1")
    )
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    for seq, cut in enumerate(range(12, ETHER_HDR + 4 + 21)):
        frame = (
            Ether(dst=st.mac(), src=PEER_MAC)
            / Dot1Q(vlan=5)
            / IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(id=0x4242, seq=seq)
            / (b"ping" * 8)
        )
        st.inject_split(frame, [cut])
        rep = st.expect(ICMP)
        assert (rep[ICMP].type, rep[ICMP].seq) == (0, seq), cut
        assert bytes(rep[ICMP].payload) == b"ping" * 8
    no_drops(st)


def test_port_unreachable_cut_inside_its_quote(st):
    """An ICMP error cut inside its own header or the datagram it quotes
    (RFC 792: IP header and 8 bytes) still reaches the UDP socket that
    sent the datagram (ECONNREFUSED, RFC 1122 4.1.3.3)."""
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.connect(fd, PEER_IP, 5353)
    a.send(fd, b"query")
    st.run()
    sent = st.expect(UDP)
    err = to_us(
        st,
        IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(type=3, code=3)
        / bytes(sent[IP])[:28],
    )
    at = ETHER_HDR + 20
    for n, cut in enumerate((at + 4, at + 8, at + 8 + 12, at + 8 + 22), 1):
        st.inject_split(err, [cut])
        assert st.counter("udpx.udpx_icmpnotify") == n, cut
        so_error = a.getsockopt(fd, socket.SOL_SOCKET, socket.SO_ERROR)
        assert so_error == errno.ECONNREFUSED, cut
    no_drops(st)
    assert st.counter("icmp.icps_badlen") == 0
    a.close(fd)


def test_tagged_frame_with_inner_type_zero_is_freed(make_stack):
    """A tag whose inner type is 0 (an 802.3 length, not a protocol) is
    counted as LLC and its mbufs freed (the leak check at teardown);
    before, a 0 inner type read as "dropped" and the frame leaked."""
    st = make_stack(
        CONFIG.replace("port_list=0", "port_list=0\nvlan_accept=1")
    )
    frame = (
        Ether(dst=st.mac(), src=PEER_MAC) / Dot1Q(vlan=5, type=0) / (b"x" * 46)
    )
    st.inject(frame)
    st.inject_split(frame, [15])
    st.expect_nothing()
    assert st.counter("ether.ethx_llc") == 2
    assert st.mbufs_in_use() == 0


def test_arp_request_cut_anywhere(st):
    req = Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / ARP(
        op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP
    )
    n = ETHER_HDR + 28
    for cuts in [[k] for k in range(1, n + 1)] + [list(range(1, n + 1))]:
        st.inject_split(req, cuts)
        rep = st.expect(ARP)
        assert (rep[ARP].op, rep[ARP].psrc, rep[ARP].pdst) == (
            2,
            OUR_IP,
            PEER_IP,
        )
        assert rep[ARP].hwsrc == st.mac() and rep[ARP].hwdst == PEER_MAC
    no_drops(st)
    assert st.counter("arpx.arpx_tooshort") == 0


def test_frames_shorter_than_their_headers_still_counted(st):
    """Cut or not, a frame that ends inside a header is dropped and
    counted where FreeBSD counts it (ethx_tooshort with ierrors,
    ips_toosmall, ips_badhlen, icps_tooshort, udps_hdrops, tcps_rcvshort);
    the pull-up leaves no mbuf behind (the leak check at teardown)."""
    whole = bytes(echo(st, 1))
    ip_at = ETHER_HDR

    def ip_frame(l3):
        return bytes(to_us(st, l3))

    cases = [
        (whole[:10], [4], "ether.ethx_tooshort"),
        (whole[: ip_at + 12], [ip_at + 3], "ip.ips_toosmall"),
        # IHL says 28 bytes of header, the frame brings 24.
        (whole[: ip_at + 24], [ip_at + 10], "ip.ips_badhlen"),
    ]
    # IP's own length ends inside the L4 header (the frame too).
    for l4, proto, name in (
        (ICMP(), 1, "icmp.icps_tooshort"),
        (UDP(dport=7000), 17, "udp.udps_hdrops"),
        (TCP(dport=80), 6, "tcp.tcps_rcvshort"),
    ):
        l3 = IP(src=PEER_IP, dst=OUR_IP, proto=proto)
        cases.append((ip_frame(l3 / bytes(l4)[:4]), [ip_at + 22], name))
    for frame, cuts, name in cases:
        before = st.counter(name)
        st.inject_split(frame, cuts)
        assert st.counter(name) - before == 1, name
        st.expect_nothing()
    assert st.counter("if.f-stack-0.ierrors") == 1
