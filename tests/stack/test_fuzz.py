"""A seeded fuzz run: 100,000 random and mutated frames through the test
port leave the stack alive (it still answers ARP and ping) and every mbuf
back in its pool.  Frames are mutated in C (ff_test_fuzz) from a corpus
built here, so the run takes a few seconds."""

from scapy.layers.inet import ICMP, IP, UDP, fragment
from scapy.layers.l2 import ARP, Dot1Q, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from ffstack import TWO_PORTS


def corpus(st):
    e = Ether(dst=st.mac(), src=PEER_MAC)
    b = Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
    big = IP(src=PEER_IP, dst=OUR_IP, id=7) / ICMP() / (b"f" * 3000)
    return [
        b / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP),
        e / ARP(op=2, hwsrc=PEER_MAC, psrc="198.18.0.9", pdst=OUR_IP),
        e / IP(src=PEER_IP, dst=OUR_IP) / ICMP() / b"ping",
        e
        / IP(src=PEER_IP, dst=OUR_IP, options=b"\x07\x07\x04" + b"\0" * 5)
        / ICMP(),
        e / IP(src=PEER_IP, dst=OUR_IP) / UDP(dport=7) / b"u",
        e / IP(src=PEER_IP, dst="198.19.0.9", ttl=1) / UDP(),
        e / IP(src="198.18.0.9", dst=OUR_IP, proto=99) / (b"x" * 20),
        e / Dot1Q(vlan=3) / IP(src=PEER_IP, dst=OUR_IP) / ICMP(),
        e
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(type=3, code=3)
        / IP(src=OUR_IP, dst=PEER_IP)
        / UDP(),
        e / IP(src=PEER_IP, dst=OUR_IP) / ICMP(type=13),
    ] + [e / f for f in fragment(big, 1480)]


def still_alive(st):
    st.drain()
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:cc:01")
        / ARP(
            op=1, hwsrc="02:00:00:00:cc:01", psrc="198.18.0.200", pdst=OUR_IP
        )
    )
    assert st.expect(ARP)[ARP].op == 2
    st.inject(
        Ether(dst=st.mac(), src="02:00:00:00:cc:01")
        / IP(src="198.18.0.200", dst=OUR_IP)
        / ICMP(seq=99)
    )
    assert st.expect(ICMP)[ICMP].seq == 99


def test_fuzz_100k(make_stack):
    st = make_stack(TWO_PORTS)
    st.drain(1)
    n = st.fuzz(seed=20240611, count=100_000, corpus=corpus(st))
    assert n == 100_000
    still_alive(st)
    # Let every timer run out: ARP entries, holds, reassembly queues.
    st.advance(1300, step=10)
    st.drain()
    st.drain(1)
    assert st.counter("ip.ipq_count") == 0
    assert st.mbufs_in_use() == 0
    assert st.counter("ip.ips_total") > 10_000


def test_fuzz_is_deterministic(make_stack):
    a, b = make_stack(TWO_PORTS), make_stack(TWO_PORTS)
    names = (
        "ip.ips_total",
        "ip.ips_badsum",
        "arp.received",
        "icmp.icps_reflect",
        "if.f-stack-0.ierrors",
        "ip.ips_fragments",
    )
    for st in (a, b):
        st.fuzz(seed=7, count=5000, corpus=corpus(st))
    assert a.counters(*names) == b.counters(*names)
