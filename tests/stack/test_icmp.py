"""ICMP (netinet/ip_icmp.c): echo replies with correct checksums, errors
(protocol, port and host unreachable, time exceeded), the rate limit, and
the cases where no error may be sent."""

import time

from scapy.layers.inet import ICMP, IP, UDP, IPerror, UDPerror
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC


def to_us(st, l3, **kw):
    return Ether(dst=st.mac(), src=PEER_MAC, **kw) / l3


def known_peer(st):
    """Teach the stack the peer's MAC so replies go out at once."""
    assert st.arp_add(PEER_IP, PEER_MAC) == 0


def test_echo_reply(st):
    known_peer(st)
    st.inject(
        to_us(
            st,
            IP(src=PEER_IP, dst=OUR_IP, ttl=9, id=77)
            / ICMP(id=0x1234, seq=7)
            / (b"ping" * 10),
        )
    )
    rep = st.expect(ICMP)
    assert rep.dst == PEER_MAC and rep.src == st.mac()
    ip, ic = rep[IP], rep[ICMP]
    assert (ip.src, ip.dst, ip.ttl, ip.proto) == (OUR_IP, PEER_IP, 64, 1)
    assert (ic.type, ic.code, ic.id, ic.seq) == (0, 0, 0x1234, 7)
    assert bytes(ic.payload) == b"ping" * 10
    # Checksums as sent equal the ones scapy computes afresh.
    raw = bytes(rep)
    fresh = Ether(raw)
    del fresh[IP].chksum
    del fresh[ICMP].chksum
    assert bytes(Ether(bytes(fresh))) == raw
    assert st.counter("icmp.icps_reflect") == 1
    assert st.counter("icmp.icps_inhist.8") == 1
    assert st.counter("icmp.icps_outhist.0") == 1
    assert st.counter("ip.ips_delivered") == 1


def test_echo_reply_via_gateway_for_offlink_source(st):
    # The source is off-link: the reply goes to the default gateway.
    known_peer(st)
    st.inject(to_us(st, IP(src="203.0.113.5", dst=OUR_IP) / ICMP()))
    rep = st.expect(ICMP)
    assert rep.dst == PEER_MAC and rep[IP].dst == "203.0.113.5"
    assert st.route_get("203.0.113.5")[4] == 1  # use count


def test_echo_with_options_answered_without_them(st):
    known_peer(st)
    st.inject(
        to_us(
            st,
            IP(
                src=PEER_IP,
                dst=OUR_IP,
                options=b"\x07\x07\x04" + b"\0" * 4 + b"\x00",
            )
            / ICMP(seq=3),
        )
    )
    rep = st.expect(ICMP)
    assert rep[IP].ihl == 5 and rep[ICMP].seq == 3


def test_bad_icmp_checksum(st):
    st.inject(to_us(st, IP(src=PEER_IP, dst=OUR_IP) / ICMP(chksum=0xDEAD)))
    st.expect_nothing()
    assert st.counter("icmp.icps_checksum") == 1


def test_icmp_too_short(st):
    st.inject(to_us(st, IP(src=PEER_IP, dst=OUR_IP, proto=1) / b"\x08\0\0"))
    st.expect_nothing()
    assert st.counter("icmp.icps_tooshort") == 1


def test_broadcast_echo_ignored(st):
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / IP(src=PEER_IP, dst="198.18.0.255")
        / ICMP()
    )
    st.expect_nothing()
    assert st.counter("icmp.icps_bmcastecho") == 1


def test_protocol_unreachable(st):
    known_peer(st)
    st.inject(to_us(st, IP(src=PEER_IP, dst=OUR_IP, proto=250) / b"abcdefgh"))
    rep = st.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, 2)
    assert rep[IPerror].proto == 250 and rep[IP].src == OUR_IP
    assert bytes(rep[IPerror].payload) == b"abcdefgh"  # quotelen 8
    assert st.counter("ip.ips_noproto") == 1


def test_port_unreachable(st):
    known_peer(st)
    st.inject(
        to_us(st, IP(src=PEER_IP, dst=OUR_IP) / UDP(sport=5000, dport=9))
    )
    rep = st.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, 3)
    assert rep[UDPerror].dport == 9


def test_no_error_about_an_error_or_a_broadcast(st):
    known_peer(st)
    st.inject(
        to_us(
            st,
            IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(type=3, code=3)
            / bytes(IP(src=OUR_IP, dst=PEER_IP) / UDP()),
        )
    )
    st.inject(
        to_us(
            st, IP(src=PEER_IP, dst="198.18.0.255", proto=250) / b"12345678"
        ),
        run=True,
    )
    st.expect_nothing()
    assert st.counter("icmp.icps_oldicmp") == 0  # an error: not reached
    assert st.counter("icmp.icps_error") == 1  # the broadcast one


def test_host_unreachable_when_forwarding_without_route(make_stack):
    st = make_stack("""
[dpdk]
lcore_mask=1
port_list=0
[port0]
addr=198.18.0.2
netmask=255.255.255.0
[freebsd.sysctl]
net.inet.ip.forwarding=1
""")
    known_peer(st)
    st.inject(to_us(st, IP(src=PEER_IP, dst="203.0.113.9") / UDP()))
    rep = st.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, 1)
    assert st.counter("ip.ips_noroute") == 1


def test_icmplim_rate_limits_errors(st):
    known_peer(st)
    st.sysctl("net.inet.icmp.icmplim", 3)
    for i in range(10):
        st.inject(
            to_us(
                st, IP(src=PEER_IP, dst=OUR_IP, proto=250, id=i) / (b"x" * 8)
            )
        )
    assert len(st.drain()) == 3
    assert st.counter("icmp.ratelimited") == 7
    st.advance(1.0)
    st.inject(to_us(st, IP(src=PEER_IP, dst=OUR_IP, proto=250) / (b"x" * 8)))
    assert len(st.drain()) == 1


DAY_MS = 24 * 3600 * 1000


def ms_since_midnight_ut(t):
    return int(t * 1000) % DAY_MS


def test_timestamp_reply(st):
    """RFC 792: receive and transmit timestamps in milliseconds since
    midnight UT, a standard value (high bit clear)."""
    known_peer(st)
    st.advance(2.5)
    st.inject(
        to_us(
            st,
            IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(type=13, ts_ori=1, ts_rx=0, ts_tx=0),
        )
    )
    rep = st.expect(ICMP)
    # The stack's wall clock is the real time at its start plus its own
    # (virtual) 2.5 s: it lies at most a few seconds behind ours + 2.5 s.
    want = ms_since_midnight_ut(time.time() + 2.5)
    ic = rep[ICMP]
    assert ic.type == 14 and ic.ts_ori == 1 and ic.ts_rx == ic.ts_tx
    assert ic.ts_rx < 1 << 31 and ic.ts_rx < DAY_MS
    assert 0 <= (want - ic.ts_rx) % DAY_MS < 5000, (want, ic.ts_rx)
    # It moves with the stack's clock, to the millisecond.
    st.advance(1.25)
    st.inject(
        to_us(
            st,
            IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(type=13, ts_ori=2, ts_rx=0, ts_tx=0),
        )
    )
    assert (st.expect(ICMP)[ICMP].ts_rx - ic.ts_rx) % DAY_MS == 1250
