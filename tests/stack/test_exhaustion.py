"""Each bounded table driven to exhaustion through the test port (issue
16): the listen queue, the ARP table and its hold queues, IP reassembly,
the SYN cache and ipfw's dynamic rules.  For each: what does not fit is
counted in its FreeBSD counter, what is held stays within its bound,
ping, ARP and the tools' requests are still answered while it is full,
and once the load stops everything comes back (counts to zero, every
mbuf back in the pool, the next legitimate user served).

The pool and the socket table are in test_overload.py; the limits and
counters are FreeBSD's (sonewconn's 3/2 rule, ip_reass.c's
maxfragpackets/maxfragsperpacket, if_ether.c's maxhold,
syncache.cachelimit, ip_fw_dynamic.c's dyn_max).
"""

import errno
import struct

from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment
from scapy.layers.l2 import ARP, Ether

import ffstack
from ffstack import CONFIG, OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi
from ipfw_util import DENY_CONFIG_BOOT, add, fwstat, passes
from overload_util import synflood, sysctl
from tcp_peer import Peer, quiesce, tcp_stack


def still_answers(st, tag):
    """Ping from the peer, the peer's ARP request and a tool's request
    (an echo and a sysctl read over the message path) are answered."""
    st.drain()
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(id=tag, seq=1)
        / b"ping"
    )
    rep = [p for p in st.drain() if p.haslayer(ICMP)]
    assert [(p[ICMP].type, p[ICMP].id) for p in rep] == [(0, tag)]
    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    rep = [p for p in st.drain() if p.haslayer(ARP)]
    assert [(p[ARP].op, p[ARP].psrc, p[ARP].hwsrc) for p in rep] == [
        (2, OUR_IP, st.mac())
    ]
    err, _, body = st.msg(_ffi.FF_MSG_ECHO, b"tool %d" % tag)
    assert err == 0 and body == b"tool %d" % tag
    assert sysctl(st, "net.inet.ip.ttl") == 64


def known_stack(make_stack, config=CONFIG):
    st = make_stack(config)
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    return st


# -- the listen queue ---------------------------------------------------------


def test_listen_queue_full(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 4) == 0
    # sonewconn() refuses once qlen > 3 * qlimit / 2: room for 7.
    room = 3 * 4 // 2 + 1
    base = st.mbufs_in_use()
    done = 0
    for port in range(20000, 20200):  # 200 handshakes, nobody accepts
        p = Peer(st, sport=port)
        p.seq = 100
        p.send("S")
        sa = p.pop()
        if sa is not None and str(sa[TCP].flags) == "SA":
            p.send("A", ack=sa[TCP].seq + 1)
            done += 1
        st.drain()
    # What did not fit was counted; the queue holds `room', no more.
    # Once the queue is full a SYN is dropped before anything is made.
    assert done == room
    assert st.counter("tcp.tcps_listendrop") == 200 - room
    assert st.counter("tcp.sockets") == 1 + room
    still_answers(st, 1)
    # The application accepts: the queued come out, then nothing.
    fds = []
    while (fd := st.tcp_accept(lfd)) >= 0:
        fds.append(fd)
    assert len(fds) == room and fd == -errno.EAGAIN
    for fd in fds:
        assert st.tcp_close(fd) == 0
    st.advance(5, step=0.5)
    st.drain()
    # The next client gets in and is accepted.
    p = Peer(st, sport=30000)
    p.seq = 100
    p.send("S")
    assert p.expect("SA").ack == 101
    p.send("A")
    fd = st.tcp_accept(lfd)
    assert fd >= 0 and st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    quiesce(st, fd, lfd)
    assert st.mbufs_in_use() == base


# -- the ARP table and its hold queues ----------------------------------------


def test_arp_hold_queues_and_table_full(make_stack):
    st = known_stack(make_stack)
    # A /16 alias, so that thousands of neighbours are on link.
    assert st.ifaddr_add("f-stack-0", "198.19.0.2", 16) == 0
    # Echo replies are limited to icmplim a second; unlimited here so
    # that every ping makes a reply to resolve.
    st.sysctl("net.inet.icmp.icmplim", 0)
    st.drain()
    base = st.mbufs_in_use()
    maxhold = sysctl(st, "net.link.ether.inet.maxhold")
    nsrc = 4200  # more neighbours than the table's 4096 entries
    for i in range(nsrc):
        src = "198.19.%d.%d" % (1 + i // 250, 1 + i % 250)
        # Each ping's reply waits for the neighbour's address.
        st.inject(
            Ether(
                dst=st.mac(), src="02:00:00:01:%02x:%02x" % (i >> 8, i & 255)
            )
            / IP(src=src, dst="198.19.0.2")
            / ICMP(id=i & 0xFFFF, seq=1),
            run=False,
        )
        if i % 64 == 63:
            st.run()
            st.pop_raw()  # the who-has each new entry asks
            while st.pop_raw() is not None:
                pass
    st.run()
    while st.pop_raw() is not None:
        pass
    # More held than a hold queue takes, for one neighbour.
    for seq in range(maxhold + 5):
        st.inject(
            Ether(dst=st.mac(), src="02:00:00:01:00:00")
            / IP(src="198.19.1.1", dst="198.19.0.2")
            / ICMP(id=0, seq=2 + seq),
        )
    st.drain()
    xstats = st.sysctl_stats("net.link.ether.arp.xstats")
    assert st.counter("arp.nentries") == 4096  # the table's bound
    assert xstats["arpx_tablefull"] >= nsrc - 4096
    assert st.counter("arp.dropped") >= 5 + (nsrc - 4096)
    # Held: at most maxhold per entry, and nowhere near the whole pool.
    held = st.mbufs_in_use() - base
    assert 0 < held <= 4096 * maxhold
    still_answers(st, 2)
    # Nobody answers: after maxtries requests an entry is down for
    # `wait' seconds, then removed with what it held.
    wait = sysctl(st, "net.link.ether.inet.wait")
    tries = sysctl(st, "net.link.ether.inet.maxtries")
    for _ in range(tries + wait + 2):
        st.advance(1, step=0.5)
        while st.pop_raw() is not None:
            pass
    assert st.counter("arp.nentries") == 1  # the peer's static entry
    assert st.mbufs_in_use() == base
    # A new neighbour is resolved and gets its reply.
    st.inject(
        Ether(dst=st.mac(), src="02:00:00:02:00:01")
        / IP(src="198.19.200.1", dst="198.19.0.2")
        / ICMP(id=77, seq=1)
    )
    req = [p for p in st.drain() if p.haslayer(ARP)]
    assert [(p[ARP].op, p[ARP].pdst) for p in req] == [(1, "198.19.200.1")]
    st.inject(
        Ether(dst=st.mac(), src="02:00:00:02:00:01")
        / ARP(
            op=2,
            hwsrc="02:00:00:02:00:01",
            psrc="198.19.200.1",
            hwdst=st.mac(),
            pdst="198.19.0.2",
        )
    )
    rep = [p for p in st.drain() if p.haslayer(ICMP)]
    assert [(p[ICMP].type, p[ICMP].id) for p in rep] == [(0, 77)]
    still_answers(st, 3)


# -- IP reassembly --------------------------------------------------------------


def big_echo(ident, size=4000, src=PEER_IP):
    return (
        IP(src=src, dst=OUR_IP, id=ident)
        / ICMP(id=9, seq=ident & 0xFFFF)
        / bytes(i % 251 for i in range(size))
    )


def test_reassembly_queues_full(make_stack):
    st = known_stack(make_stack)
    eth = Ether(dst=st.mac(), src=PEER_MAC)
    base = st.mbufs_in_use()
    maxq = sysctl(st, "net.inet.ip.maxfragpackets")
    perpkt = sysctl(st, "net.inet.ip.maxfragsperpacket")
    # First fragments of more datagrams than may wait (never completed).
    n = maxq + 100
    for ident in range(1, n + 1):
        st.inject(eth / fragment(big_echo(ident), 1480)[0], run=False)
        if ident % 64 == 0:
            st.run()
    st.run()
    st.drain()
    assert st.counter("ip.ipq_count") <= maxq
    assert st.counter("ip.ips_fragdropped") >= n - maxq
    # One datagram in more pieces than one may have: 8-byte fragments.
    tiny = fragment(big_echo(0xBEEF, size=8 * (perpkt + 20)), 8)
    for f in tiny[:-1]:  # never completes
        st.inject(eth / f, run=False)
    st.run()
    st.drain()
    assert st.counter("ip.ips_fragdropped") >= n - maxq + 20
    held = st.mbufs_in_use() - base
    assert 0 < held <= sysctl(st, "net.inet.ip.maxfrags")
    still_answers(st, 4)
    # The load stops: the queues time out and give everything back.
    st.advance(sysctl(st, "net.inet.ip.fragttl") + 2, step=1)
    st.drain()
    assert st.counter("ip.ipq_count") == 0
    assert st.counter("ip.ips_fragtimeout") > 0
    assert st.mbufs_in_use() == base
    # A whole fragmented echo is reassembled and answered again.
    for f in fragment(big_echo(0x4242), 1480):
        st.inject(eth / f)
    rep = st.drain()
    assert any(p.haslayer(ICMP) and p[ICMP].type == 0 for p in rep)
    still_answers(st, 5)


# -- the SYN cache --------------------------------------------------------------


def test_syncache_full_without_cookies(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 128) == 0
    st.sysctl("net.inet.tcp.syncookies", 0)
    st.sysctl("net.inet.tcp.syncache.cachelimit", 512)
    base = st.mbufs_in_use()
    assert synflood(st, 20000, seed=11) == 20000
    st.drain()
    # Bounded: the cache stops at its limit, the rest is counted.
    assert 0 < sysctl(st, "net.inet.tcp.syncache.count") <= 512
    over = st.counter("tcp.tcps_sc_zonefail") + st.counter(
        "tcp.tcps_sc_bucketoverflow"
    )
    assert over > 0
    assert st.counter("tcp.tcps_sc_sendcookie") == 0
    assert st.counter("tcp.sockets") == 1
    still_answers(st, 6)
    # The flood stops: the entries give up their SYN-ACKs and go.
    for _ in range(60):
        st.advance(1, step=0.5)
        while st.pop_raw() is not None:
            pass
        if sysctl(st, "net.inet.tcp.syncache.count") == 0:
            break
    assert sysctl(st, "net.inet.tcp.syncache.count") == 0
    assert st.mbufs_in_use() == base
    p = Peer(st, sport=33333)
    p.seq = 1000
    p.send("S", options=[("MSS", 1460)])
    sa = p.expect("SA")
    p.send("A", ack=sa.seq + 1)
    fd = st.tcp_accept(lfd)
    assert fd >= 0 and st.tcp_info(fd)["state_name"] == "ESTABLISHED"
    still_answers(st, 7)
    quiesce(st, fd, lfd)


# -- ipfw's dynamic rules -------------------------------------------------------


def dyn_count(st):
    v = st.sysctl_get("net.inet.ip.fw.dyn_count")["value"]
    return struct.unpack("=I", v)[0]


def test_ipfw_dynamic_rules_full(make_stack):
    st = known_stack(make_stack, CONFIG + DENY_CONFIG_BOOT)
    add(
        st,
        "50 allow icmp from any to any",
        "100 allow udp from any to me keep-state",
    )
    dyn_max = 300
    st.sysctl("net.inet.ip.fw.dyn_max", dyn_max)
    base = st.mbufs_in_use()
    flows = dyn_max + 200
    got = [
        passes(st, UDP(sport=10000 + i, dport=5000) / b"x")
        for i in range(flows)
    ]
    st.drain()
    assert got.count(True) == dyn_max
    assert got[dyn_max:] == [False] * (flows - dyn_max)
    assert dyn_count(st) == dyn_max
    assert fwstat(st, "ipfw_dyn_full") == flows - dyn_max
    assert st.mbufs_in_use() == base  # a state holds no packet
    still_answers(st, 8)
    # The flows go quiet: their states expire, a new flow is let in.
    st.advance(sysctl(st, "net.inet.ip.fw.dyn_udp_lifetime") + 2, step=1)
    st.drain()
    assert dyn_count(st) == 0
    assert passes(st, UDP(sport=9999, dport=5000) / b"x")
    st.drain()
    assert dyn_count(st) == 1
    still_answers(st, 9)
