"""ARP (netinet/if_ether.c) through the test port: requests and replies,
the cache and its expiry, the hold queue, static and published entries,
and every malformed message counted and dropped."""

import errno

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import ARP, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from ffstack import LLE_PUB, LLE_STATIC, LLE_VALID, CONFIG

BCAST = "ff:ff:ff:ff:ff:ff"


def who_has(st, pdst=OUR_IP, psrc=PEER_IP, hwsrc=PEER_MAC, **kw):
    return Ether(dst=BCAST, src=hwsrc) / ARP(
        op=1, hwsrc=hwsrc, psrc=psrc, pdst=pdst, **kw
    )


def test_gratuitous_arp_on_attach(make_stack):
    st = make_stack(drain=False)
    p = st.expect(ARP)
    assert p.dst == BCAST and p[ARP].op == 1
    assert p[ARP].psrc == p[ARP].pdst == OUR_IP
    assert p[ARP].hwsrc == st.mac()
    assert st.counter("arp.txrequests") == 1


def test_request_answered_and_sender_learnt(st):
    st.inject(who_has(st))
    rep = st.expect(ARP)
    assert rep.dst == PEER_MAC and rep.src == st.mac()
    a = rep[ARP]
    assert (a.op, a.hwsrc, a.psrc, a.hwdst, a.pdst) == (
        2,
        st.mac(),
        OUR_IP,
        PEER_MAC,
        PEER_IP,
    )
    assert len(bytes(rep)) == 42  # trimmed: no padding echoed
    mac, flags, left = st.arp_get(PEER_IP)
    assert mac == PEER_MAC and flags & LLE_VALID and left == 1200
    assert st.counters("arp.received", "arp.rxrequests", "arp.txreplies") == {
        "arp.received": 1,
        "arp.rxrequests": 1,
        "arp.txreplies": 1,
    }


def test_request_for_other_address_ignored(st):
    st.inject(who_has(st, pdst="198.18.0.77"))
    st.expect_nothing()
    assert st.counter("arpx.arpx_notours") == 1
    assert st.arp_get(PEER_IP) is None  # not about us: nothing learnt


def test_resolve_holds_packets_then_sends(st):
    # An echo request from a peer we do not know yet: the reply waits.
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src="198.18.0.9", dst=OUR_IP)
        / ICMP(id=1, seq=1)
    )
    req = st.expect(ARP)
    assert req.dst == BCAST and req[ARP].pdst == "198.18.0.9"
    assert req[ARP].psrc == OUR_IP
    st.expect_nothing()
    st.inject(
        Ether(dst=st.mac(), src="02:00:00:00:aa:09")
        / ARP(
            op=2,
            hwsrc="02:00:00:00:aa:09",
            psrc="198.18.0.9",
            hwdst=st.mac(),
            pdst=OUR_IP,
        )
    )
    rep = st.expect(ICMP)
    assert rep.dst == "02:00:00:00:aa:09" and rep[ICMP].type == 0
    assert st.counter("arp.rxreplies") == 1


def test_hold_queue_bounded(st):
    st.sysctl("net.link.ether.inet.maxhold", 2)
    for i in range(5):
        st.inject(
            Ether(dst=st.mac(), src=PEER_MAC)
            / IP(src="198.18.0.9", dst=OUR_IP)
            / ICMP(seq=i)
        )
    st.drain()
    assert st.counter("arp.dropped") == 3
    st.inject(
        Ether(dst=st.mac(), src="02:00:00:00:aa:09")
        / ARP(
            op=2,
            hwsrc="02:00:00:00:aa:09",
            psrc="198.18.0.9",
            hwdst=st.mac(),
            pdst=OUR_IP,
        )
    )
    seqs = [p[ICMP].seq for p in st.drain()]
    assert seqs == [3, 4]  # the newest two, in order


def test_unanswered_resolution_retries_then_gives_up(st):
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src="198.18.0.9", dst=OUR_IP)
        / ICMP()
    )
    st.advance(10, step=0.1)
    reqs = [p for p in st.drain() if ARP in p]
    assert len(reqs) == 5  # net.link.ether.inet.maxtries
    assert st.counter("arp.dropped") == 1
    # Down for net.link.ether.inet.wait (20 s): refused at once.
    assert st.ip_output("198.18.0.9") == -errno.EHOSTDOWN
    st.advance(21, step=1)
    assert st.arp_get("198.18.0.9") is None
    assert st.counter("arp.timeouts") == 1


def test_cache_expiry(st):
    st.inject(who_has(st))
    st.drain()
    assert st.arp_get(PEER_IP) is not None
    st.advance(1199, step=1)
    assert st.arp_get(PEER_IP)[2] == 1
    st.advance(1.5, step=0.5)
    assert st.arp_get(PEER_IP) is None
    assert st.counter("arp.timeouts") == 1


def test_max_age_sysctl(make_stack):
    st = make_stack(
        CONFIG + "\n[freebsd.sysctl]\nnet.link.ether.inet.max_age=60\n"
    )
    st.inject(who_has(st))
    st.drain()
    assert st.arp_get(PEER_IP)[2] == 60
    st.advance(61, step=1)
    assert st.arp_get(PEER_IP) is None


def test_static_entry_not_overwritten_nor_expired(st):
    assert st.arp_add("198.18.0.50", "02:00:00:00:00:50") == 0
    mac, flags, left = st.arp_get("198.18.0.50")
    assert flags & LLE_STATIC and left == -1
    st.inject(who_has(st, psrc="198.18.0.50", hwsrc="02:00:00:00:00:51"))
    st.drain()
    assert st.arp_get("198.18.0.50")[0] == "02:00:00:00:00:50"
    assert st.counter("arpx.arpx_permanent") == 1
    st.advance(5000, step=100)
    assert st.arp_get("198.18.0.50") is not None
    assert st.arp_add("10.9.9.9", "02:00:00:00:00:50") == -errno.ENETUNREACH
    assert st.arp_delete("198.18.0.50") == 0
    assert st.arp_delete("198.18.0.50") == -errno.ENOENT


def test_published_entry_answered(st):
    assert st.arp_add("198.18.0.60", "02:00:00:00:00:60", LLE_PUB) == 0
    st.inject(who_has(st, pdst="198.18.0.60"))
    rep = st.expect(ARP)
    assert rep[ARP].op == 2 and rep[ARP].psrc == "198.18.0.60"
    assert rep[ARP].hwsrc == "02:00:00:00:00:60"


def test_duplicate_address_defended(st):
    st.inject(who_has(st, psrc=OUR_IP, pdst=OUR_IP, hwsrc="02:00:00:00:bb:01"))
    rep = st.expect(ARP)
    assert rep[ARP].op == 2 and rep[ARP].hwsrc == st.mac()
    assert st.counter("arp.dupips") == 1


def test_gratuitous_arp_on_alias(st):
    assert st.ifaddr_add("f-stack-0", "198.18.0.3", 24) == 0
    g = st.expect(ARP)
    assert g[ARP].psrc == g[ARP].pdst == "198.18.0.3"
    st.inject(who_has(st, pdst="198.18.0.3"))
    assert st.expect(ARP)[ARP].psrc == "198.18.0.3"


def malformed():
    eth = Ether(dst=BCAST, src=PEER_MAC, type=0x0806)
    good = ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    return [
        ("arpx.arpx_tooshort", eth / bytes(good)[:7]),
        ("arpx.arpx_tooshort", eth / bytes(good)[:20]),
        (
            "arpx.arpx_badhrd",
            eth
            / ARP(hwtype=99, op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP),
        ),
        (
            "arpx.arpx_badpro",
            eth
            / ARP(
                ptype=0x86DD, op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP
            ),
        ),
        (
            "arpx.arpx_badlen",
            eth / (bytes(good)[:4] + b"\x08" + bytes(good)[5:]),
        ),
        (
            "arpx.arpx_badop",
            eth / ARP(op=7, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP),
        ),
        ("arpx.arpx_fromself", None),
        (
            "arpx.arpx_bcastsrc",
            eth / ARP(op=1, hwsrc=BCAST, psrc=PEER_IP, pdst=OUR_IP),
        ),
        (
            "arpx.arpx_badaddr",
            eth / ARP(op=1, hwsrc=PEER_MAC, psrc="224.0.0.1", pdst=OUR_IP),
        ),
    ]


def test_malformed_arp_counted_and_dropped(st):
    for counter, frame in malformed():
        if frame is None:
            frame = Ether(dst=BCAST, src=PEER_MAC) / ARP(
                op=1, hwsrc=st.mac(), psrc=PEER_IP, pdst=OUR_IP
            )
        before = st.counter(counter)
        st.inject(frame)
        st.expect_nothing()
        assert st.counter(counter) == before + 1, counter
    assert st.arp_count() == 0
