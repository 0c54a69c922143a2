"""ipfw NAT through the test port: a layer-4 load balancer and
masquerading, checked on the wire with scapy.

ipfw(8) / libalias(3): `nat N' in a rule hands the packet to instance N
(configured with `ipfw nat N config ip A ...'); an inbound packet to a
redirect_port address and port goes to one of its backends, in turn for
each new flow (LSNAT, RFC 2391), and the backend's replies leave with the
public address and port again; an outbound packet without a state gets
the instance's address and a port (its own with same_ports); `reset'
drops the states when the address changes.  Checksums are the ones
scapy computes from the rewritten packet (RFC 1624 incremental update
must give the same as a full sum).

Clients on port 0 (198.18.0.0/24), backends on port 1 (198.19.0.0/24),
the stack forwarding between them; the virtual IP is the stack's own
198.18.0.2, port 80.
"""

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import Ether

from ffstack import CONFIG, FORWARDING, PEER_IP, PEER_MAC
from fstools import _ffi
from fstools.ipfw_nat import parse_config
from fstools.stack import _encode_nat_config, _nat_instance
from ipfw_util import add, fwstat, ipfw

VIP = "198.18.0.2"
BACKENDS = ("198.19.0.10", "198.19.0.11")
BMAC = {"198.19.0.10": "02:00:00:00:bb:10", "198.19.0.11": "02:00:00:00:bb:11"}


def nat_send(st, nat, data):
    """One FF_IPFW_NAT_CONFIG request of instance ``nat``: its errno."""
    err, *_ = ipfw(
        st,
        _ffi.FF_IPFW_NAT,
        data,
        1,
        subop=_ffi.FF_IPFW_NAT_CONFIG,
        rulenum=nat,
    )
    return err


def nat_config(st, nat, text, expect=0):
    """`ipfw nat N config <text>' through the tool's grammar."""
    err = nat_send(
        st, nat, _encode_nat_config(parse_config(nat, text.split()))
    )
    assert err == expect
    return err


def nat_get(st, nat):
    err, _, head, recs = ipfw(
        st, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_GET, rulenum=nat
    )
    assert err == 0
    (n,) = _ffi.decode_ipfw_nats(recs, head["fp_count"])
    return _nat_instance(0, n)


def forwarder(make_stack):
    """A stack forwarding between the clients' port 0 and the backends'
    port 1, every neighbour in its ARP table."""
    st = make_stack(FORWARDING)
    st.drain(1)
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    for a, m in BMAC.items():
        assert st.arp_add(a, m) == 0
    return st


@pytest.fixture
def lb(make_stack):
    """The load balancer: VIP:80 over two backends' port 8080."""
    st = forwarder(make_stack)
    nat_config(
        st,
        1,
        "ip %s redirect_port tcp %s:8080,%s:8080 80" % ((VIP,) + BACKENDS),
    )
    add(
        st,
        "100 nat 1 tcp from any to %s 80 in" % VIP,
        "200 nat 1 tcp from 198.19.0.0/24 8080 to any out",
    )
    return st


def from_client(st, l4, src=PEER_IP, dst=VIP):
    st.inject(Ether(dst=st.mac(), src=PEER_MAC) / IP(src=src, dst=dst) / l4)


def from_backend(st, backend, l4, dst=PEER_IP):
    st.inject(
        Ether(dst=st.mac(1), src=BMAC[backend])
        / IP(src=backend, dst=dst)
        / l4,
        port=1,
    )


def sums_ok(pkt):
    """The IP and L4 checksums equal the ones scapy computes afresh."""
    ip = pkt[IP]
    fresh = IP(bytes(ip))
    l4 = fresh.payload
    got = (fresh.chksum, l4.chksum)
    del fresh.chksum
    del l4.chksum
    again = IP(bytes(fresh))
    return got == (again.chksum, again.payload.chksum)


def test_lb_rewrites_both_directions_with_correct_checksums(lb):
    st = lb
    from_client(st, TCP(sport=40000, dport=80, seq=1000, flags="S"))
    out = st.expect(IP, port=1)
    assert (out[IP].src, out[IP].dst) == (PEER_IP, BACKENDS[0])
    assert (out[TCP].sport, out[TCP].dport) == (40000, 8080)
    assert out[IP].ttl == 63  # forwarded
    assert sums_ok(out)
    from_backend(
        st,
        BACKENDS[0],
        TCP(sport=8080, dport=40000, seq=5000, ack=1001, flags="SA"),
    )
    back = st.expect(IP)
    assert (back[IP].src, back[IP].dst) == (VIP, PEER_IP)
    assert (back[TCP].sport, back[TCP].dport) == (80, 40000)
    assert back[TCP].flags == "SA" and back[TCP].ack == 1001
    assert sums_ok(back)
    # The rest of the flow sticks to its backend.
    from_client(st, TCP(sport=40000, dport=80, seq=1001, ack=5001, flags="A"))
    assert st.expect(IP, port=1)[IP].dst == BACKENDS[0]
    n = nat_get(st, 1)
    assert (n.states, n.tcp, n.created) == (1, 1, 1)
    assert (n.translated_in, n.translated_out) == (2, 1)


def test_redirect_port_spreads_new_flows_over_the_backends(lb):
    st = lb
    seen = {}
    for i in range(10):
        from_client(st, TCP(sport=41000 + i, dport=80, flags="S"))
        out = st.expect(IP, port=1)
        seen[41000 + i] = out[IP].dst
        assert out[TCP].dport == 8080 and sums_ok(out)
    assert sorted(seen.values()).count(BACKENDS[0]) == 5
    assert sorted(seen.values()).count(BACKENDS[1]) == 5
    # Each flow's next packet goes where its first went.
    for sport, backend in seen.items():
        from_client(st, TCP(sport=sport, dport=80, flags="A", seq=2))
        assert st.expect(IP, port=1)[IP].dst == backend
    (r,) = nat_get(st, 1).config.redirects
    assert [b[2] for b in r.backends] == [5, 5]
    # Each backend's reply leaves from the VIP to its own client.
    for sport, backend in seen.items():
        from_backend(st, backend, TCP(sport=8080, dport=sport, flags="SA"))
        back = st.expect(IP)
        assert (back[IP].src, back[TCP].sport) == (VIP, 80)
        assert back[TCP].dport == sport and sums_ok(back)


def test_other_ports_are_not_redirected(lb):
    st = lb
    from_client(st, TCP(sport=40000, dport=81, flags="S"))
    rst = st.expect(TCP)  # the stack's own closed port answers
    assert "R" in rst[TCP].flags
    st.expect_nothing(port=1)
    assert nat_get(st, 1).states == 0


@pytest.fixture
def masq(make_stack):
    """Masquerading: the backends' network goes out as 198.18.0.2."""
    st = forwarder(make_stack)
    add(
        st,
        "100 nat 2 ip from 198.19.0.0/24 to any out xmit f-stack-0",
        "200 nat 2 ip from any to %s in recv f-stack-0" % VIP,
    )
    return st


def test_udp_masquerade_both_directions(masq):
    st = masq
    nat_config(st, 2, "ip %s" % VIP)
    from_backend(st, BACKENDS[0], UDP(sport=5000, dport=53) / b"query")
    out = st.expect(IP)
    assert out[IP].src == VIP and out[UDP].dport == 53
    aport = out[UDP].sport
    # libalias: without same_ports, an alias port from 32768..65535.
    assert 32768 <= aport <= 65535
    assert sums_ok(out)
    from_client(st, UDP(sport=53, dport=aport) / b"answer")
    back = st.expect(IP, port=1)
    assert (back[IP].dst, back[UDP].dport) == (BACKENDS[0], 5000)
    assert bytes(back[UDP].payload) == b"answer" and sums_ok(back)
    n = nat_get(st, 2)
    assert (n.udp, n.translated_out, n.translated_in) == (1, 1, 1)


def test_udp_without_checksum_keeps_none(masq):
    st = masq
    nat_config(st, 2, "ip %s" % VIP)
    from_backend(st, BACKENDS[0], UDP(sport=5000, dport=53, chksum=0) / b"q")
    out = st.expect(IP)
    assert out[IP].src == VIP and out[UDP].chksum == 0


def test_icmp_echo_masquerade(masq):
    st = masq
    nat_config(st, 2, "ip %s" % VIP)
    from_backend(st, BACKENDS[1], ICMP(type=8, id=7, seq=1) / b"ping")
    out = st.expect(IP)
    assert out[IP].src == VIP and out[ICMP].type == 8
    aid = out[ICMP].id
    assert 32768 <= aid <= 65535 and sums_ok(out)
    from_client(st, ICMP(type=0, id=aid, seq=1) / b"ping")
    back = st.expect(IP, port=1)
    assert back[IP].dst == BACKENDS[1]
    assert (back[ICMP].type, back[ICMP].id) == (0, 7) and sums_ok(back)
    assert nat_get(st, 2).icmp == 1


def test_same_ports_keeps_the_local_port(masq):
    st = masq
    nat_config(st, 2, "ip %s same_ports" % VIP)
    from_backend(st, BACKENDS[0], TCP(sport=1234, dport=80, flags="S"))
    out = st.expect(IP)
    assert (out[IP].src, out[TCP].sport) == (VIP, 1234) and sums_ok(out)
    # The same local port of another host is taken towards that peer:
    # the second flow gets another alias port.
    from_backend(st, BACKENDS[1], TCP(sport=1234, dport=80, flags="S"))
    out2 = st.expect(IP)
    assert out2[IP].src == VIP and out2[TCP].sport != 1234


def test_state_table_full_is_counted_and_dropped(masq):
    st = masq
    nat_config(st, 2, "ip %s" % VIP)
    st.sysctl("net.inet.ip.fw.nat_max", 2)
    for sport in (6000, 6001):
        from_backend(st, BACKENDS[0], UDP(sport=sport, dport=53))
        st.expect(IP)
    from_backend(st, BACKENDS[0], UDP(sport=6002, dport=53))
    st.expect_nothing()
    n = nat_get(st, 2)
    assert (n.states, n.full) == (2, 1)
    # A flow that has its state still goes through.
    from_backend(st, BACKENDS[0], UDP(sport=6000, dport=53))
    assert st.expect(IP)[IP].src == VIP
    # States expire (UDP: 60 s); then a new flow gets one again.
    st.advance(61, step=1)
    from_backend(st, BACKENDS[0], UDP(sport=6002, dport=53))
    assert st.expect(IP)[IP].src == VIP
    n = nat_get(st, 2)
    assert (n.states, n.full, n.expired) == (1, 1, 2)


def test_reset_drops_states_on_a_new_address(masq):
    st = masq
    nat_config(st, 2, "ip %s reset" % VIP)
    from_backend(st, BACKENDS[0], UDP(sport=7000, dport=53))
    st.expect(IP)
    # The same address again: states stay.
    nat_config(st, 2, "ip %s reset" % VIP)
    assert nat_get(st, 2).states == 1
    # Without reset a new address keeps them too.
    nat_config(st, 2, "ip 198.18.0.3")
    assert nat_get(st, 2).states == 1
    nat_config(st, 2, "ip %s reset" % VIP)
    n = nat_get(st, 2)
    assert (n.states, n.reset_dropped) == (0, 1)


def test_redirect_addr_both_directions(masq):
    st = masq
    nat_config(
        st, 2, "ip %s redirect_addr %s 198.18.0.50" % (VIP, BACKENDS[0])
    )
    # Outbound from the local address: the public one, port unchanged.
    from_backend(st, BACKENDS[0], TCP(sport=2222, dport=80, flags="S"))
    out = st.expect(IP)
    assert (out[IP].src, out[TCP].sport) == ("198.18.0.50", 2222)
    assert sums_ok(out)


def test_nat_of_a_missing_instance_denies(masq):
    st = masq
    from_backend(st, BACKENDS[0], UDP(sport=5000, dport=53))
    st.expect_nothing()


def test_bad_configs_are_refused(make_stack):
    st = make_stack()
    import errno

    # No address.
    data = _ffi.encode_ipfw_nat(1, "0.0.0.0", 0, [])
    assert nat_send(st, 1, data) == errno.EINVAL
    # A redirect_port without backends.
    data = _ffi.encode_ipfw_nat(
        1,
        VIP,
        0,
        [
            {
                "mode": _ffi.FF_NAT_REDIR_PORT,
                "proto": 6,
                "pport": 80,
                "local": [],
            }
        ],
    )
    assert nat_send(st, 1, data) == errno.EINVAL
    err, *_ = ipfw(st, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_GET, rulenum=1)
    assert err == errno.ESRCH
    err, *_ = ipfw(
        st, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_DELETE, rulenum=1
    )
    assert err == errno.ESRCH


def test_delete_instance(lb):
    st = lb
    err, *_ = ipfw(
        st, _ffi.FF_IPFW_NAT, subop=_ffi.FF_IPFW_NAT_DELETE, rulenum=1
    )
    assert err == 0
    # The rule now names no instance: the packet is denied.
    from_client(st, TCP(sport=40000, dport=80, flags="S"))
    st.expect_nothing()
    st.expect_nothing(port=1)


def test_local_tcp_masquerade_with_tso(make_stack):
    """The stack's own connection aliased to 198.18.0.99: the SYN's TCP
    checksum is whole; a TSO super-segment, whose checksum the NIC
    computes, holds the pseudo-header sum of the rewritten header
    (addresses and protocol, no length: tests/stack/test_tcp_tso.py);
    the peer's SYN-ACK to the alias reaches the socket."""
    import errno

    from tcp_peer import quiesce, tcp_stack
    from test_tcp_tso import TSO_PORT, pseudo_sum

    st = tcp_stack(
        lambda: make_stack(CONFIG.replace("port_list=0", "port_list=0\ntso=1"))
    )
    st.offloads(tx=TSO_PORT)
    st.sysctl("net.inet.tcp.sendspace", 256 * 1024)
    nat_config(st, 3, "ip 198.18.0.99")
    add(
        st,
        "100 nat 3 tcp from me to any out",
        "200 nat 3 tcp from any to 198.18.0.99 in",
    )
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 8080) == -errno.EINPROGRESS
    syn = st.expect(TCP)
    assert syn[IP].src == "198.18.0.99" and syn[TCP].flags == "S"
    aport = syn[TCP].sport
    assert 32768 <= aport <= 65535
    fresh = IP(bytes(syn[IP]))
    del fresh[TCP].chksum  # the IP header's sum is the NIC's (0 here)
    assert IP(bytes(fresh))[TCP].chksum == syn[TCP].chksum
    from_client(
        st,
        TCP(
            sport=8080,
            dport=aport,
            seq=9000,
            ack=syn[TCP].seq + 1,
            flags="SA",
            window=65535,
            options=[("MSS", 1460)],
        ),
        dst="198.18.0.99",
    )
    ack = st.expect(TCP)
    assert (ack[IP].src, ack[TCP].sport, ack[TCP].flags) == (
        "198.18.0.99",
        aport,
        "A",
    )
    assert st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    assert st.api.write(fd, b"z" * 8000) == 8000
    st.run()
    big = st.expect(TCP)
    assert big[IP].src == "198.18.0.99" and len(big[TCP].payload) > 1460
    assert big[TCP].chksum == pseudo_sum(big[IP])
    st.drain()
    from_client(
        st,
        TCP(sport=8080, dport=aport, seq=9001, flags="R"),
        dst="198.18.0.99",
    )
    assert st.tcp_info(fd) is None  # the reset reached it: pcb gone
    quiesce(st, fd)


def test_redirect_addr_inbound(masq):
    st = masq
    nat_config(st, 2, "ip %s redirect_addr %s %s" % (VIP, BACKENDS[0], VIP))
    from_client(st, UDP(sport=9, dport=9000) / b"x")
    out = st.expect(IP, port=1)
    assert (out[IP].dst, out[UDP].dport) == (BACKENDS[0], 9000)
    assert sums_ok(out)


def test_lb_rewrites_a_frame_cut_inside_its_headers(lb):
    """A port may cut a frame anywhere (memif's 2 KB mbufs, header
    split): NAT pulls up the header bytes it rewrites instead of denying
    the packet as short."""
    st = lb
    ip_at = 14
    for i, cut in enumerate((ip_at + 10, ip_at + 20, ip_at + 22, ip_at + 37)):
        sport = 41000 + i
        st.inject_split(
            Ether(dst=st.mac(), src=PEER_MAC)
            / IP(src=PEER_IP, dst=VIP)
            / TCP(sport=sport, dport=80, seq=1000, flags="S"),
            [cut],
        )
        out = st.expect(IP, port=1)
        assert out[IP].dst in BACKENDS and out[IP].src == PEER_IP, cut
        assert (out[TCP].sport, out[TCP].dport) == (sport, 8080), cut
        assert sums_ok(out), cut
    assert fwstat(st, "ipfw_short") == 0
    assert nat_get(st, 1).created == 4
