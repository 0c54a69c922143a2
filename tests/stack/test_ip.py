"""IPv4 (netinet/ip_input.c, ip_output.c, ip_reass.c, ip_options.c) and
Ethernet (net/if_ethersubr.c) through the test port: validation of every
header field with the drop counted in its FreeBSD counter, reassembly and
fragmentation, forwarding, hardware checksum verdicts, VLAN tags."""

import errno

import pytest
from scapy.layers.inet import ICMP, IP, UDP, fragment
from scapy.layers.l2 import Dot1Q, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from ffstack import (
    RX_IP_CKSUM_BAD,
    RX_IP_CKSUM_GOOD,
    RX_OFFLOAD_IPV4_CKSUM,
    RX_VLAN_STRIPPED,
    IFF_UP,
    CONFIG,
    FORWARDING,
)


def eth(st):
    return Ether(dst=st.mac(), src=PEER_MAC)


def ethhdr(st):
    """The 14 bytes of an IPv4 Ethernet header to us, for raw frames."""
    return bytes(Ether(dst=st.mac(), src=PEER_MAC, type=0x0800))


def echo(**kw):
    return IP(src=PEER_IP, dst=OUR_IP, **kw) / ICMP(id=1, seq=1) / (b"z" * 16)


@pytest.fixture
def known(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def raw_ip(**kw):
    """A valid echo request as bytes, to be broken on purpose."""
    return bytearray(bytes(echo(**kw)))


def fix_sum(b):
    b[10:12] = b"\0\0"
    s = sum(
        int.from_bytes(b[i : i + 2], "big")
        for i in range(0, (b[0] & 15) * 4, 2)
    )
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    b[10:12] = (~s & 0xFFFF).to_bytes(2, "big")
    return b


def broken_frames(st):
    e = ethhdr(st)
    short_hlen = fix_sum(raw_ip())
    short_hlen[0] = 0x44  # IHL 4 (16 bytes)
    long_hlen = fix_sum(raw_ip())
    long_hlen[0] = 0x4F  # IHL 15: 60 > the frame
    long_hlen = long_hlen[:40]
    badlen = raw_ip()
    badlen[2:4] = (12).to_bytes(2, "big")  # total length < header
    badlen = fix_sum(badlen)
    toolong = raw_ip()
    toolong[2:4] = (900).to_bytes(2, "big")  # beyond the frame
    toolong = fix_sum(toolong)
    v6 = fix_sum(raw_ip())
    v6[0] = 0x65
    v6 = fix_sum(v6)
    badsum = raw_ip()
    badsum[10] ^= 0xFF
    return [
        ("if.f-stack-0.ierrors", b"\x02\0\0\0\0"),  # < Ethernet hdr
        ("ip.ips_toosmall", e[:12] + b"\x08\x00" + bytes(badsum[:19])),
        ("ip.ips_badvers", e[:14] + bytes(v6)),
        ("ip.ips_badhlen", e[:14] + bytes(short_hlen)),
        ("ip.ips_badhlen", e[:14] + bytes(long_hlen)),
        ("ip.ips_badsum", e[:14] + bytes(badsum)),
        ("ip.ips_badlen", e[:14] + bytes(badlen)),
        ("ip.ips_tooshort", e[:14] + bytes(toolong)),
        (
            "ip.ips_badaddr",
            bytes(eth(st) / IP(src="127.0.0.1", dst=OUR_IP) / ICMP()),
        ),
        (
            "ip.ips_badaddr",
            bytes(eth(st) / IP(src="224.1.1.1", dst=OUR_IP) / ICMP()),
        ),
        (
            "ip.ips_cantforward",
            bytes(eth(st) / IP(src=PEER_IP, dst="203.0.113.1") / ICMP()),
        ),
        (
            "ip.ips_cantforward",
            bytes(
                eth(st) / IP(src=PEER_IP, dst="203.0.113.1", ttl=0) / ICMP()
            ),
        ),
        (
            "ip.ips_notmember",
            bytes(
                Ether(dst="01:00:5e:01:01:01", src=PEER_MAC)
                / IP(src=PEER_IP, dst="239.1.1.1")
                / ICMP()
            ),
        ),
        (
            "if.f-stack-0.noproto",
            bytes(eth(st))[:12] + b"\x86\xdd" + b"\0" * 40,
        ),
        ("ether.ethx_llc", bytes(eth(st))[:12] + b"\x00\x30" + b"\0" * 48),
        (
            "ether.ethx_notours",
            bytes(Ether(dst="02:00:00:00:99:99", src=PEER_MAC) / echo()),
        ),
        ("ether.ethx_vlandrop", bytes(eth(st) / Dot1Q(vlan=5) / echo())),
    ]


def test_malformed_frames_counted_and_dropped(known):
    st = known
    for counter, frame in broken_frames(st):
        before = st.counter(counter)
        st.inject(frame)
        st.expect_nothing()
        assert st.counter(counter) == before + 1, counter
    assert st.counter("icmp.icps_reflect") == 0
    assert st.counter("ip.ips_delivered") == 0


def test_ethernet_padding_trimmed(known):
    st = known
    frame = bytes(eth(st) / IP(src=PEER_IP, dst=OUR_IP) / ICMP()) + b"\0" * 20
    st.inject(frame)
    rep = st.expect(ICMP)
    assert rep[IP].len == 28


def test_ttl_zero_to_us_is_accepted(known):
    # RFC 1122 3.2.1.7: TTL matters only when forwarding.
    known.inject(eth(known) / echo(ttl=0))
    assert known.expect(ICMP)[ICMP].type == 0


def test_forwarding_and_ttl(make_stack):
    st = make_stack(FORWARDING)
    st.drain(1)
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    assert st.arp_add("198.19.0.9", "02:00:00:00:bb:09") == 0
    st.inject(eth(st) / IP(src=PEER_IP, dst="198.19.0.9", ttl=5) / UDP())
    out = st.expect(IP, port=1)
    assert out.dst == "02:00:00:00:bb:09" and out[IP].ttl == 4
    chk = out[IP].chksum
    del out[IP].chksum
    assert IP(bytes(out[IP])).chksum == chk  # incremental update
    assert st.counter("ip.ips_forward") == 1
    # TTL 1 and 0: time exceeded back to the sender, nothing forwarded.
    for ttl in (1, 0):
        st.inject(eth(st) / IP(src=PEER_IP, dst="198.19.0.9", ttl=ttl) / UDP())
        err = st.expect(ICMP)
        assert (err[ICMP].type, err[ICMP].code) == (11, 0)
    st.expect_nothing(port=1)
    assert st.counter("ipx.ipx_ttlexceeded") == 2


def test_forwarding_off_by_default(known):
    known.inject(eth(known) / IP(src=PEER_IP, dst="198.18.0.77") / UDP())
    known.expect_nothing()
    assert known.counter("ip.ips_cantforward") == 1


def test_hardware_checksum_verdicts(known):
    st = known
    st.offloads(rx=RX_OFFLOAD_IPV4_CKSUM)
    bad = raw_ip()
    bad[10] ^= 0xFF
    st.inject(ethhdr(st) + bytes(bad), ol_flags=RX_IP_CKSUM_GOOD)
    assert st.expect(ICMP)[ICMP].type == 0  # the NIC said good
    st.inject(eth(st) / echo(), ol_flags=RX_IP_CKSUM_BAD)
    st.expect_nothing()
    assert st.counter("ip.ips_badsum") == 1
    # Without the offload enabled, flags are not trusted.
    st.offloads(rx=0)
    st.inject(ethhdr(st) + bytes(bad), ol_flags=RX_IP_CKSUM_GOOD)
    st.expect_nothing()
    assert st.counter("ip.ips_badsum") == 2


def test_vlan_accepted_when_configured(make_stack):
    st = make_stack(
        CONFIG.replace("port_list=0", "port_list=0\nvlan_accept=1")
    )
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    st.inject(eth(st) / Dot1Q(vlan=5) / echo())
    assert st.expect(ICMP)[ICMP].type == 0
    st.inject(eth(st) / echo(), ol_flags=RX_VLAN_STRIPPED)
    assert st.expect(ICMP)[ICMP].type == 0


def test_vlan_stripped_by_nic_dropped_by_default(known):
    known.inject(eth(known) / echo(), ol_flags=RX_VLAN_STRIPPED)
    known.expect_nothing()
    assert known.counter("ether.ethx_vlandrop") == 1
    assert known.counter("if.f-stack-0.noproto") == 1


def test_interface_down_drops(known):
    assert known.if_setflags("f-stack-0", 0) == 0
    known.inject(eth(known) / echo())
    known.expect_nothing()
    assert known.counter("if.f-stack-0.iqdrops") == 1
    assert known.if_setflags("f-stack-0", IFF_UP) == 0


def test_interface_counters(known):
    st = known
    st.inject(eth(st) / echo())
    rep = st.expect(ICMP)
    c = st.counters(
        *(
            "if.f-stack-0." + n
            for n in ("ipackets", "ibytes", "opackets", "obytes")
        )
    )
    assert c["if.f-stack-0.ipackets"] == 1
    assert c["if.f-stack-0.ibytes"] == len(bytes(eth(st) / echo()))
    assert c["if.f-stack-0.obytes"] >= len(bytes(rep))


# -- options --------------------------------------------------------------


def test_source_route_refused(known):
    st = known
    lsrr = b"\x83\x07\x04" + bytes([198, 18, 0, 9]) + b"\x00"
    st.inject(eth(st) / IP(src=PEER_IP, dst=OUR_IP, options=lsrr) / ICMP())
    err = st.expect(ICMP)
    assert (err[ICMP].type, err[ICMP].code) == (3, 5)  # source route failed
    assert st.counter("ip.ips_badoptions") == 1


def test_bad_option_length_parameter_problem(known):
    st = known
    st.inject(
        eth(st)
        / IP(src=PEER_IP, dst=OUR_IP, options=b"\x07\x09\x04\x00")
        / ICMP()
    )
    err = st.expect(ICMP)
    assert err[ICMP].type == 12 and err[ICMP].ptr == 21
    assert st.counter("ip.ips_badoptions") == 1


# -- reassembly and fragmentation --------------------------------------------


def big_echo(size=4000, ident=0x4242):
    return (
        IP(src=PEER_IP, dst=OUR_IP, id=ident)
        / ICMP(id=9, seq=1)
        / bytes(i % 251 for i in range(size))
    )


def test_fragmented_echo_reassembled_and_reply_fragmented(known):
    st = known
    req = big_echo()
    frags = fragment(req, fragsize=1480)
    assert len(frags) == 3
    for f in reversed(frags):  # out of order on purpose
        st.inject(eth(st) / f)
    out = st.drain()
    assert len(out) == 3 and all(IP in p for p in out)
    assert [p[IP].flags.MF for p in out] == [1, 1, 0]
    assert all(len(p[IP]) <= 1500 for p in out)
    data = b"".join(
        bytes(p[IP].payload) for p in sorted(out, key=lambda p: p[IP].frag)
    )
    ic = ICMP(data)
    assert ic.type == 0 and ic.id == 9
    assert bytes(ic.payload) == bytes(req[ICMP].payload)
    # The reassembled ICMP checksum is right.
    del ic.chksum
    assert ICMP(bytes(ic)).chksum == ICMP(data).chksum
    assert st.counter("ip.ips_reassembled") == 1
    assert st.counter("ip.ips_fragmented") == 1
    assert st.counter("ip.ips_ofragments") == 3
    assert st.counter("ip.ipq_count") == 0


def test_overlapping_fragments_drop_the_datagram(known):
    st = known
    frags = fragment(big_echo(), fragsize=1480)
    st.inject(eth(st) / frags[0])
    over = IP(bytes(frags[1]))
    over.frag -= 8  # 64 bytes into frag 0
    del over.chksum
    st.inject(eth(st) / over)
    st.inject(eth(st) / frags[2])
    st.expect_nothing()
    assert st.counter("ip.ips_fragdropped") == 2
    assert st.counter("ip.ipq_count") == 1  # frag 2 started anew
    assert st.mbufs_in_use() == 1
    st.advance(31, step=1)
    assert st.counter("ip.ipq_count") == 0
    assert st.mbufs_in_use() == 0


def test_incomplete_datagram_times_out(known):
    st = known
    frags = fragment(big_echo(), fragsize=1480)
    st.inject(eth(st) / frags[0])
    st.inject(eth(st) / frags[2])
    assert st.mbufs_in_use() == 2
    st.advance(29, step=1)
    assert st.counter("ip.ipq_count") == 1
    st.advance(2, step=1)
    st.expect_nothing()
    assert st.counter("ip.ips_fragtimeout") == 2
    assert st.mbufs_in_use() == 0


def test_reassembly_memory_bounded(known):
    st = known
    st.sysctl("net.inet.ip.maxfragpackets", 4)
    for ident in range(10):
        st.inject(eth(st) / fragment(big_echo(ident=ident), 1480)[0])
    assert st.counter("ip.ipq_count") == 4
    assert st.counter("ip.ips_fragdropped") == 6
    assert st.mbufs_in_use() == 4


def test_bad_fragment_length(known):
    st = known
    f = IP(src=PEER_IP, dst=OUR_IP, flags="MF", proto=1) / (b"a" * 13)
    st.inject(eth(st) / f)
    assert st.counter("ip.ips_toosmall") == 1
    assert st.mbufs_in_use() == 0


def test_local_output_fragmented(known):
    st = known
    assert st.ip_output(PEER_IP, payload=b"x" * 1600) == 0
    out = st.drain()
    assert [len(p[IP]) for p in out] == [1500, 20 + 1600 - 1480]
    assert [p[IP].frag for p in out] == [0, 185]
    assert out[0][IP].id == out[1][IP].id


# -- output and routes --------------------------------------------------------


def test_output_unreachable_ehostunreach(make_stack):
    st = make_stack(CONFIG.replace("gateway=198.18.0.1\n", ""))
    assert st.ip_output("203.0.113.1") == -errno.EHOSTUNREACH
    assert st.counter("ip.ips_noroute") == 1
    assert st.ip_output("198.18.0.1") == 0  # on-link: ARP asked
    assert st.expect().type == 0x0806


def test_output_to_ourselves_loops_back(known):
    st = known
    assert st.ip_output(OUR_IP, proto=1, payload=bytes(ICMP(id=5, seq=5))) == 0
    st.expect_nothing()  # through lo0, not the wire
    assert st.counter("icmp.icps_inhist.8") == 1
    assert st.counter("icmp.icps_inhist.0") == 1  # and our own reply
    assert st.counter("if.lo0.ipackets") == 2


def test_longest_prefix_match(known):
    st = known
    assert st.route_add("10.0.0.0", 8, gw="198.18.0.10") == 0
    assert st.route_add("10.1.0.0", 16, gw="198.18.0.11") == 0
    assert st.route_add("10.1.2.0", 24, gw="198.18.0.12") == 0
    assert st.route_add("10.1.2.3", 32, gw="198.18.0.13") == 0
    assert st.route_get("10.9.9.9")[1] == "198.18.0.10"
    assert st.route_get("10.1.9.9")[1] == "198.18.0.11"
    assert st.route_get("10.1.2.9")[1] == "198.18.0.12"
    r = st.route_get("10.1.2.3")
    assert r[0] == "10.1.2.3/32" and r[1] == "198.18.0.13"
    assert r[3] & 0x807 == 0x807  # UP GATEWAY HOST STATIC
    assert st.route_get("11.0.0.1")[0] == "0.0.0.0/0"
    assert st.route_delete("10.1.2.0", 24) == 0
    assert st.route_get("10.1.2.9")[1] == "198.18.0.11"
    assert st.route_delete("10.1.2.0", 24) == -errno.ESRCH
    assert st.route_add("10.1.0.0", 16, gw="198.18.0.11") == -errno.EEXIST
    assert st.route_add("10.5.0.0", 16, gw="192.0.2.1") == -errno.ENETUNREACH
    assert st.route_add("10.5.0.0", 33, gw="198.18.0.1") == -errno.EINVAL
    assert st.route_delete("0.0.0.0", 0) == 0
    assert st.route_get("11.0.0.1") is None


def test_route_output_uses_gateway(known):
    st = known
    st.arp_add("198.18.0.12", "02:00:00:00:00:12")
    assert st.route_add("10.1.2.0", 24, gw="198.18.0.12") == 0
    assert st.ip_output("10.1.2.7") == 0
    p = st.expect(IP)
    assert p.dst == "02:00:00:00:00:12" and p[IP].dst == "10.1.2.7"
    assert p[IP].src == OUR_IP


def test_address_delete_removes_routes(known):
    st = known
    n = st.route_count()
    assert st.ifaddr_add("f-stack-0", "192.0.2.5", 24) == 0
    st.drain()
    assert st.route_count() == n + 2  # connected + local
    assert st.route_get("192.0.2.77")[2] == "f-stack-0"
    assert st.ifaddr_add("f-stack-0", "192.0.2.5", 24) == -errno.EEXIST
    assert st.ifaddr_delete("f-stack-0", "192.0.2.5") == 0
    assert st.route_count() == n
    assert st.ifaddr_delete("f-stack-0", "192.0.2.5") == -errno.EADDRNOTAVAIL


def test_vip_addresses(make_stack):
    st = make_stack(CONFIG + "vip_addr=198.18.1.1;198.18.1.2\n")
    st.arp_add(PEER_IP, PEER_MAC)
    st.inject(eth(st) / IP(src=PEER_IP, dst="198.18.1.2") / ICMP())
    assert st.expect(ICMP)[IP].src == "198.18.1.2"


def test_bad_sysctl_in_config_names_line(libff_test_path):
    import ffstack

    with pytest.raises(ffstack.StackError) as e:
        ffstack.Stack(CONFIG + "\n[freebsd.sysctl]\nnet.inet.ip.ttl=0\n")
    assert "net.inet.ip.ttl" in str(e.value) and ":" in str(e.value)
