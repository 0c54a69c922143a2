"""[portN] csum_trust: a link whose other end is an ff stack that trusts
it too (net_memif; here the test port plays it).  As FreeBSD's lo0 with
IFCAP_RXCSUM | IFCAP_TXCSUM and Linux's veth (CHECKSUM_PARTIAL): TCP and
UDP checksums are left out on transmit, the field holding the
pseudo-header sum as a NIC's offload expects (RFC 9293 3.1 and RFC 768
define the pseudo header; DPDK's rte_ipv4_phdr_cksum() and FreeBSD's
in_pseudo() put it there), while the IP header is still summed; and what
is received is not verified, so a wrong sum is neither dropped nor
counted.  The same frames through a port without the key are summed
and checked as ever (tcps_rcvbadsum, udps_badsum, ips_badsum).  A
datagram cut into fragments carries the pseudo sum of the whole one, and
one reassembled from fragments is not verified either.  The interface
says both capabilities on (ff-ifconfig's options=)."""

import socket

import pytest
from scapy.layers.inet import IP, TCP, UDP, defragment, fragment
from scapy.layers.l2 import Ether
from scapy.utils import checksum

from ffstack import CONFIG, OUR_IP, PEER_IP, PEER_MAC, capenable
from tcp_peer import Peer, handshake_passive, quiesce, tcp_stack

TRUST = CONFIG + "csum_trust=1\n"
IFCAP_RXCSUM, IFCAP_TXCSUM = 0x1, 0x2  # FreeBSD net/if.h
IPPROTO_TCP, IPPROTO_UDP = 6, 17


def pseudo_sum(ip, proto):
    """The pseudo-header sum (addresses, protocol, upper-layer length),
    not inverted: scapy's checksum() is its complement."""
    ph = (
        socket.inet_aton(ip.src)
        + socket.inet_aton(ip.dst)
        + bytes([0, proto])
        + (ip.len - 4 * ip.ihl).to_bytes(2, "big")
    )
    return checksum(ph) ^ 0xFFFF


def fresh(pkt, layer):
    """The checksum scapy computes for pkt's layer (IP, TCP or UDP)."""
    p = Ether(bytes(pkt))
    del p[layer].chksum
    return Ether(bytes(p))[layer].chksum


def stacks(make_stack):
    """(a stack without the key, one with it), the peer's MAC known."""
    return tcp_stack(make_stack), tcp_stack(make_stack, TRUST)


def test_interface_says_rxcsum_and_txcsum(make_stack):
    plain, trusted = stacks(make_stack)
    assert capenable(plain) & (IFCAP_RXCSUM | IFCAP_TXCSUM) == 0
    on = capenable(trusted)
    assert on & IFCAP_RXCSUM and on & IFCAP_TXCSUM


def data_segment(st, n):
    """A connection's data segment of n bytes as the stack sends it."""
    peer = Peer(st, sport=40000, dport=80)
    lfd, fd = handshake_passive(st, peer)
    data = bytes(range(256)) * (n // 256) + bytes(n % 256)
    assert st.tcp_send(fd, data) == n
    st.run()
    seg = peer.pop()
    assert seg is not None and bytes(seg[TCP].payload) == data
    peer.send("A", ack=None)
    quiesce(st, fd, lfd)
    return seg


@pytest.mark.parametrize("n", [0, 1, 1000, 1448])
def test_tcp_segments_leave_with_the_pseudo_sum(make_stack, n):
    plain, trusted = stacks(make_stack)
    if n == 0:  # an ACK of the peer's data, no payload
        segs = []
        for st in (plain, trusted):
            peer = Peer(st, sport=40001, dport=80)
            lfd, fd = handshake_passive(st, peer)
            peer.send("PA", data=b"ack me")
            st.advance(300)  # the delayed ACK
            segs.append(peer.expect("A"))
            assert st.tcp_recv(fd) == b"ack me"
            quiesce(st, fd, lfd)
        segs = [Ether() / IP(bytes(s.underlayer)) for s in segs]
    else:
        segs = [data_segment(st, n) for st in (plain, trusted)]
    good, left = segs
    assert good[TCP].chksum == fresh(good, TCP)
    assert left[TCP].chksum == pseudo_sum(left[IP], IPPROTO_TCP)
    assert left[TCP].chksum != fresh(left, TCP)
    assert left[IP].chksum == fresh(left, IP)  # the header still summed


def udp_sent(st):
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.bind(fd, "0.0.0.0", 7)
    assert a.sendto(fd, b"datagram" * 20, PEER_IP, 9) == 160
    a.close(fd)
    st.run()
    return st.expect(UDP)


def udp_left_with_the_pseudo_sum(make_stack, sent):
    """sent(stack): a datagram as it left; summed without the key, the
    pseudo sum with it, the IP header summed either way."""
    plain, trusted = stacks(make_stack)
    good, left = sent(plain), sent(trusted)
    assert good[UDP].chksum == fresh(good, UDP)
    assert left[UDP].chksum == pseudo_sum(left[IP], IPPROTO_UDP)
    assert left[UDP].chksum != fresh(left, UDP)
    assert left[IP].chksum == fresh(left, IP)


def test_udp_datagrams_leave_with_the_pseudo_sum(make_stack):
    udp_left_with_the_pseudo_sum(make_stack, udp_sent)


def wrong(pkt, layer):
    """pkt with layer's checksum one off the right one."""
    p = Ether(bytes(pkt))
    p[layer].chksum = fresh(pkt, layer) ^ 0x0101
    return p


def tcp_wrong_sum(st, layer):
    """A data segment with a wrong TCP or IP header sum: was it taken?"""
    peer = Peer(st, sport=40002, dport=80)
    lfd, fd = handshake_passive(st, peer)
    st.inject(wrong(peer.segment("PA", data=b"unchecked"), layer))
    got = st.tcp_recv(fd)
    peer.seq += 9
    peer.send("F")
    quiesce(st, fd, lfd)
    return got == b"unchecked"


BAD = {
    TCP: "tcp.tcps_rcvbadsum",
    IP: "ip.ips_badsum",
    UDP: "udp.udps_badsum",
}


def taken_only_when_trusted(make_stack, taken, layer):
    """taken(stack): was the frame with a wrong sum delivered?  Not
    without the key (counted in layer's counter), and with it (counted
    nowhere)."""
    plain, trusted = stacks(make_stack)
    assert not taken(plain)
    assert plain.counter(BAD[layer]) == 1
    assert taken(trusted)
    assert trusted.counters(*BAD.values()) == {k: 0 for k in BAD.values()}


@pytest.mark.parametrize("layer", [TCP, IP], ids=["tcp", "ip"])
def test_tcp_wrong_sum_taken_only_when_trusted(make_stack, layer):
    taken_only_when_trusted(
        make_stack, lambda st: tcp_wrong_sum(st, layer), layer
    )


def udp_taken(st, frames, payload):
    """frames injected towards a socket bound to port 7: was payload read?"""
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.bind(fd, "0.0.0.0", 7)
    for f in frames:
        st.inject(f)
    try:
        return a.recv(fd) == payload
    except OSError:
        return False
    finally:
        a.close(fd)


def udp_wrong_sum(st):
    pkt = (
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / UDP(sport=5000, dport=7)
        / b"unchecked"
    )
    return udp_taken(st, [wrong(pkt, UDP)], b"unchecked")


def test_udp_wrong_sum_taken_only_when_trusted(make_stack):
    taken_only_when_trusted(make_stack, udp_wrong_sum, UDP)


def udp_big_sent(st):
    """A 4000-byte datagram as the stack sends it in fragments, joined."""
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.bind(fd, "0.0.0.0", 7)
    assert a.sendto(fd, bytes(range(250)) * 16, PEER_IP, 9) == 4000
    a.close(fd)
    st.run()
    frags = st.drain()
    assert len(frags) == 3
    return Ether(bytes(Ether() / defragment([f[IP] for f in frags])[0]))


def test_fragmented_udp_leaves_with_the_pseudo_sum(make_stack):
    """The sum covers the whole datagram, fragments cut after it."""
    udp_left_with_the_pseudo_sum(make_stack, udp_big_sent)


def udp_big_wrong_sum(st):
    """Fragments of a datagram with a wrong sum: was it delivered?"""
    dgram = IP(src=PEER_IP, dst=OUR_IP, id=77) / UDP(sport=5000, dport=7)
    dgram = wrong(Ether() / dgram / (b"f" * 3000), UDP)[IP]
    frames = [
        Ether(dst=st.mac(), src=PEER_MAC) / f
        for f in fragment(dgram, fragsize=1480)
    ]
    return udp_taken(st, frames, b"f" * 3000)


def test_fragmented_udp_wrong_sum_taken_only_when_trusted(make_stack):
    taken_only_when_trusted(make_stack, udp_big_wrong_sum, UDP)


# Forwarding (net.inet.ip.forwarding=1) between port 0, the trusted link
# (198.18.0.0/24), and port 1 (198.19.0.0/24), trusted or not.
BEYOND, BEYOND_MAC = "198.19.0.9", "02:00:00:00:bb:09"


def router(make_stack, in_trust, out_trust):
    port0 = CONFIG + ("csum_trust=1\n" if in_trust else "")
    port1 = "\n[port1]\naddr=198.19.0.2\nnetmask=255.255.255.0\n"
    port1 += "csum_trust=1\n" if out_trust else ""
    st = make_stack(
        port0.replace("port_list=0", "port_list=0,1")
        + port1
        + "\n[freebsd.sysctl]\nnet.inet.ip.forwarding=1\n"
    )
    st.drain(1)
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    assert st.arp_add(BEYOND, BEYOND_MAC) == 0
    return st


def to_beyond(st, l4, field):
    """A frame from the peer to BEYOND with layer l4's sum field set to
    `field' ("pseudo": the pseudo sum a trusting ff stack sends, "right",
    "wrong", or a number)."""
    pkt = Ether(dst=st.mac(), src=PEER_MAC) / IP(src=PEER_IP, dst=BEYOND) / l4
    pkt = Ether(bytes(pkt))
    layer = TCP if TCP in pkt else UDP
    proto = IPPROTO_TCP if layer is TCP else IPPROTO_UDP
    pkt[layer].chksum = {
        "pseudo": pseudo_sum(pkt[IP], proto),
        "right": fresh(pkt, layer),
        "wrong": fresh(pkt, layer) ^ 0x0101,
    }.get(field, field)
    return Ether(bytes(pkt)), layer


def forwarded(st, pkt, layer):
    st.inject(pkt)
    out = st.expect(layer, port=1)
    assert out[IP].ttl == pkt[IP].ttl - 1
    assert bytes(out[layer].payload) == bytes(pkt[layer].payload)
    return out


SEGMENT = TCP(sport=40000, dport=80, flags="PA", seq=7) / (b"f" * 300)
DATAGRAM = UDP(sport=5000, dport=53) / (b"q" * 45)


@pytest.mark.parametrize("l4", [SEGMENT, DATAGRAM], ids=["tcp", "udp"])
@pytest.mark.parametrize("field", ["pseudo", "right"])
def test_forwarded_off_a_trusted_link_gets_a_real_sum(make_stack, l4, field):
    """RFC 1812 5.3.1 leaves a router's TCP/UDP alone, but a sum the
    sender left to the trusted link would leave here unfinished: a
    segment or datagram out an untrusted port carries the sum scapy
    computes, whether the pseudo sum or a whole one came in."""
    st = router(make_stack, True, False)
    pkt, layer = to_beyond(st, l4, field)
    out = forwarded(st, pkt, layer)
    assert out[layer].chksum == fresh(out, layer)
    assert out[IP].chksum == fresh(out, IP)
    assert st.counter("ip.ips_forward") == 1


def test_forwarded_trusted_to_trusted_keeps_the_pseudo_sum(make_stack):
    st = router(make_stack, True, True)
    pkt, layer = to_beyond(st, SEGMENT, "pseudo")
    out = forwarded(st, pkt, layer)
    assert out[TCP].chksum == pseudo_sum(out[IP], IPPROTO_TCP)


def test_forwarded_udp_without_a_sum_stays_without(make_stack):
    st = router(make_stack, True, False)
    pkt, layer = to_beyond(st, DATAGRAM, 0)
    assert forwarded(st, pkt, layer)[UDP].chksum == 0


@pytest.mark.parametrize("in_trust", [False, True], ids=["plain", "trusted"])
def test_forwarded_wrong_sum_from_an_untrusted_link_untouched(
    make_stack, in_trust
):
    """A router does not check TCP sums, nor mend them: off an untrusted
    link a wrong one goes on as it came.  (Off a trusted one the field
    means nothing and is made right.)"""
    st = router(make_stack, in_trust, False)
    pkt, layer = to_beyond(st, SEGMENT, "wrong")
    out = forwarded(st, pkt, layer)
    if in_trust:
        assert out[TCP].chksum == fresh(out, TCP)
    else:
        assert out[TCP].chksum == pkt[TCP].chksum


def test_forwarded_fragment_goes_as_it_came(make_stack):
    st = router(make_stack, True, False)
    whole, _ = to_beyond(
        st, UDP(sport=5000, dport=53) / (b"x" * 3000), "pseudo"
    )
    frags = fragment(whole[IP], fragsize=1400)
    first = Ether(dst=st.mac(), src=PEER_MAC) / frags[0]
    st.inject(first)
    out = st.expect(IP, port=1)
    assert out[UDP].chksum == whole[UDP].chksum
