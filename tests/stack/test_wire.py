"""Golden bytes for every wire format the stack writes (smoltcp style):
Ethernet, ARP request and reply, IPv4 header, ICMP echo reply and error,
IPv4 fragments.  The literals were checked against scapy's independent
encoders; a change in any byte is a change in the wire format."""

from scapy.layers.inet import ICMP, IP, fragment
from scapy.layers.l2 import ARP, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC

H = bytes.fromhex


def test_gratuitous_arp_bytes(make_stack):
    st = make_stack(drain=False)
    assert st.pop_raw() == H(
        "ffffffffffff"
        "020000000001"
        "0806"  # Ethernet: bcast, us, ARP
        "0001"
        "0800"
        "06"
        "04"
        "0001"  # hrd, pro, hln, pln, op
        "020000000001"
        "c6120002"  # sha, spa 198.18.0.2
        "000000000000"
        "c6120002"
    )  # tha, tpa = spa


def test_arp_reply_bytes(st):
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    assert st.pop_raw() == H(
        "02000000aa01"
        "020000000001"
        "0806"
        "0001"
        "0800"
        "06"
        "04"
        "0002"  # op reply
        "020000000001"
        "c6120002"  # us
        "02000000aa01"
        "c6120001"
    )  # the asker


def test_echo_reply_bytes(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP, id=0x1111)
        / ICMP(id=0xABCD, seq=1)
        / b"golden!!"
    )
    assert st.pop_raw() == H(
        "02000000aa01"
        "020000000001"
        "0800"
        "45"
        "00"
        "0024"
        "0001"
        "0000"
        "40"
        "01"
        "eeb0"  # id 1, ttl 64
        "c6120002"
        "c6120001"
        "00"
        "00"
        "f9cd"
        "abcd"
        "0001"  # echo reply
        "676f6c64656e2121"
    )


def test_protocol_unreachable_bytes(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP, id=0x2222, proto=253)
        / b"ABCDEFGHIJ"
    )
    assert st.pop_raw() == H(
        "02000000aa01"
        "020000000001"
        "0800"
        "45"
        "00"
        "0038"
        "0001"
        "0000"
        "40"
        "01"
        "ee9c"
        "c6120002"
        "c6120001"
        "03"
        "02"
        "ebe8"
        "00000000"  # unreach proto
        "4500001e2222000040fdcb99c6120001c6120002"  # quoted header
        "4142434445464748"
    )  # and 8 bytes


def test_fragment_bytes(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    assert st.ip_output(PEER_IP, proto=253, payload=bytes(range(256)) * 7) == 0
    frags = [st.pop_raw(), st.pop_raw()]
    assert st.pop_raw() is None
    ref = fragment(
        IP(src=OUR_IP, dst=PEER_IP, id=1, proto=253) / (bytes(range(256)) * 7),
        fragsize=1480,
    )
    assert [f[14:] for f in frags] == [bytes(r) for r in ref]
    # length 1500, id 1, MF and offset 0, ttl 64, protocol 253
    assert frags[0][14:24] == H("450005dc0001200040fd")
    assert frags[1][20:22] == H("00b9")  # offset 185 * 8 = 1480
