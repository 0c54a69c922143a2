"""The TCP host cache (tcp_hostcache.c) through the test port: a path MTU
learnt from ICMP fragmentation-needed is used by the next connection to
the same host (the MSS it offers and sends with), not by one to another
host; entries expire on the virtual clock; net.inet.tcp.hostcache.enable,
purgenow, cachelimit, hashsize and bucketlimit; the list; a closed
connection's RTT and ssthresh seed the next one to the host."""

import errno

import pytest
from scapy.layers.inet import IP, TCP

import ffstack
from fstools import _ffi
from tcp_peer import PEER_IP, PEER_MAC, Peer, establish, quiesce, tcp_stack
from test_tcp_pmtu_sockopts import icmp_about, payload, sent_segments

IPPROTO_TCP, TCP_NODELAY = 6, 1
HC = "net.inet.tcp.hostcache."


def sysctl_get(st, name):
    err, _, body = st.msg(
        _ffi.FF_MSG_SYSCTL,
        _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, name=name),
    )
    assert err == 0, (name, err)
    rec = _ffi.decode_sysctl_reply(body)[1][0]
    v = rec["value"]
    if rec["type"] == 3:  # CTLTYPE_STRING
        return bytes(v).rstrip(b"\0").decode()
    return int.from_bytes(v, "little", signed=rec["type"] == 2)


def hc_count(st):
    return sysctl_get(st, HC + "count")


def hc_list(st):
    """{address: {column: value}} from net.inet.tcp.hostcache.list."""
    text = sysctl_get(st, HC + "list")
    lines = text.split("\n")
    assert lines[0] == ""  # FreeBSD's leading newline
    head = lines[1]
    assert head.split() == [
        "IP",
        "address",
        "MTU",
        "SSTRESH",
        "RTT",
        "RTTVAR",
        "CWND",
        "SENDPIPE",
        "RECVPIPE",
        "HITS",
        "UPD",
        "EXP",
    ]
    cols = head.replace("IP address", "IP").split()
    out = {}
    for line in lines[2:]:
        if line:
            f = line.split()
            assert len(line) == len(head), (line, head)  # aligned
            out[f[0]] = dict(zip(cols[1:], f[1:]))
    return out


def learn_mtu(st, mtu=1000, ip=PEER_IP, sport=40000):
    """A connection to ip told by ICMP that the path takes mtu bytes; all
    its data acknowledged afterwards.  Returns (peer, fd)."""
    peer = Peer(st, sport=sport, dport=sport - 38000, ip=ip)
    fd = establish(st, peer, mss=1460, faddr=ip)
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    assert st.tcp_send(fd, b"m" * 3000) == 3000
    segs = sent_segments(peer)
    assert len(payload(segs[0][TCP])) == 1460
    icmp_about(st, segs[0][IP], mtu=mtu)
    assert st.tcp_info(fd)["maxseg"] == mtu - 40
    sent_segments(peer)  # the resent data
    peer.send("A", ack=segs[0][TCP].seq + 3000)
    return peer, fd


def syn_mss(st, ip=PEER_IP, port=80):
    """Connect to ip:port; the MSS option of our SYN, and the fd."""
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, ip, port) == -errno.EINPROGRESS
    while True:
        p = st.expect(TCP)
        if p[IP].dst == ip and "S" in str(p[TCP].flags):
            return dict(p[TCP].options)["MSS"], fd, p[TCP]


def abort(st, *fds):
    """Close connection attempts nobody answers: no lookup in between."""
    for fd in fds:
        assert st.tcp_close(fd) == 0
    st.drain()


def test_next_connection_takes_learnt_mtu(make_stack):
    st = tcp_stack(make_stack)
    other = "198.18.0.9"
    assert st.arp_add(other, PEER_MAC, ffstack.LLE_STATIC) == 0
    assert hc_count(st) == 0
    peer, fd = learn_mtu(st, mtu=1000)
    assert hc_count(st) == 1
    assert st.counter("tcp.tcps_hc_added") == 1
    # Active open to the same host: offers and uses 960; data fits 1000.
    mss, cfd, syn = syn_mss(st, PEER_IP, 81)
    assert mss == 960
    p2 = Peer(st, sport=81, dport=syn.sport)
    p2.seq, p2.ack = 7000, syn.seq + 1
    p2.send("SA", options=[("MSS", 1460)])
    p2.expect("A")
    assert st.tcp_info(cfd)["state_name"] == "ESTABLISHED"
    assert st.tcp_info(cfd)["maxseg"] == 960
    st.tcp_setopt(cfd, IPPROTO_TCP, TCP_NODELAY, 1)
    assert st.tcp_send(cfd, b"x" * 2500) == 2500
    segs = sent_segments(p2)
    assert [len(payload(s[TCP])) for s in segs] == [960, 960, 580]
    assert all(s[IP].len <= 1000 for s in segs)
    p2.send("A", ack=syn.seq + 1 + 2500)
    # Passive open from the same host: the SYN-ACK offers 960 too.
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    p3 = Peer(st, sport=40100)
    p3.seq = 100
    p3.send("S", options=[("MSS", 1460)])
    sa = p3.expect("SA")
    assert dict(sa.options)["MSS"] == 960
    p3.send("A")
    afd = st.tcp_accept(lfd)
    assert afd >= 0 and st.tcp_info(afd)["maxseg"] == 960
    # Another host is not concerned.
    mss, ofd, _ = syn_mss(st, other, 80)
    assert mss == 1460
    hosts = hc_list(st)
    assert list(hosts) == [PEER_IP]
    assert hosts[PEER_IP]["MTU"] == "1000"
    assert int(hosts[PEER_IP]["HITS"]) >= 3
    assert hosts[PEER_IP]["UPD"] == "1"
    abort(st, ofd)
    quiesce(st, fd, cfd, afd, lfd)


def test_entry_expires_on_virtual_clock(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl_get(st, HC + "expire") == 3600  # FreeBSD's default
    assert sysctl_get(st, HC + "prune") == 300
    st.sysctl(HC + "expire", 60)
    st.sysctl(HC + "prune", 5)
    peer, fd = learn_mtu(st)
    st.advance(50, step=1)
    assert hc_count(st) == 1
    assert 5 <= int(hc_list(st)[PEER_IP]["EXP"]) <= 10
    st.advance(20, step=1)  # 70 s: expired
    assert hc_count(st) == 0
    assert hc_list(st) == {}
    mss, cfd, _ = syn_mss(st)
    assert mss == 1460
    abort(st, cfd)
    quiesce(st, fd)


def test_use_keeps_entry_alive(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl(HC + "expire", 60)
    st.sysctl(HC + "prune", 5)
    peer, fd = learn_mtu(st)
    fds = []
    for _ in range(3):  # a connection every 40 s
        st.advance(40, step=1)
        mss, cfd, _ = syn_mss(st)
        assert mss == 960
        fds.append(cfd)
        abort(st, cfd)
    assert hc_count(st) == 1
    quiesce(st, fd)


def test_enable_off(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl_get(st, HC + "enable") == 1
    st.sysctl(HC + "enable", 0)
    peer, fd = learn_mtu(st)  # the connection still adapts
    assert hc_count(st) == 0
    mss, cfd, _ = syn_mss(st)
    assert mss == 1460
    abort(st, cfd)
    # An entry made while on is not used while off.
    st.sysctl(HC + "enable", 1)
    peer2, fd2 = learn_mtu(st, sport=40001, mtu=1200)
    assert hc_count(st) == 1
    st.sysctl(HC + "enable", 0)
    mss, cfd, _ = syn_mss(st)
    assert mss == 1460
    abort(st, cfd)
    st.sysctl(HC + "enable", 1)
    mss, cfd, _ = syn_mss(st)
    assert mss == 1160
    abort(st, cfd)
    with pytest.raises(ffstack.StackError) as e:
        st.sysctl(HC + "enable", 2)
    assert e.value.errno in (errno.EINVAL, errno.ERANGE)
    quiesce(st, fd, fd2)


def test_purgenow_and_purge(make_stack):
    st = tcp_stack(make_stack)
    peer, fd = learn_mtu(st)
    assert hc_count(st) == 1
    assert st.counter("tcp.hostcache_count") == 1  # the fuzzers' gauge
    assert sysctl_get(st, HC + "purgenow") == 0
    st.sysctl(HC + "purgenow", 1)
    assert hc_count(st) == 0
    assert st.counter("tcp.hostcache_count") == 0
    mss, cfd, _ = syn_mss(st)
    assert mss == 1460
    abort(st, cfd)
    for bad in (-1, 3):
        with pytest.raises(ffstack.StackError) as e:
            st.sysctl(HC + "purgenow", bad)
        assert e.value.errno == errno.EINVAL
    # purge=1: everything goes at the next prune run, fresh or not.
    st.sysctl(HC + "prune", 10)
    peer2, fd2 = learn_mtu(st, sport=40001)
    st.sysctl(HC + "purge", 1)
    assert hc_count(st) == 1
    st.advance(11, step=1)
    assert hc_count(st) == 0
    assert sysctl_get(st, HC + "purge") == 0
    quiesce(st, fd, fd2)


def test_cachelimit_bounds_the_cache(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl_get(st, HC + "cachelimit") == 512 * 30
    st.sysctl(HC + "cachelimit", 4)
    fds = []
    for i in range(12):
        ip = "198.18.0.%d" % (20 + i)
        assert st.arp_add(ip, PEER_MAC, ffstack.LLE_STATIC) == 0
        _, fd = learn_mtu(st, ip=ip, sport=41000 + i)
        fds.append(fd)
        assert hc_count(st) <= 4
    assert hc_count(st) == 4
    evicted = st.counter("tcp.tcps_hc_bucketoverflow")
    refused = st.counter("tcpx.tcpx_hc_nospace")
    assert evicted + refused == 8
    assert st.counter("tcp.tcps_hc_added") == 4 + evicted
    assert len(hc_list(st)) == 4
    quiesce(st, *fds)


def test_full_bucket_recycles_least_recently_updated(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl(HC + "hashsize", 1)
    st.sysctl(HC + "bucketlimit", 3)
    assert sysctl_get(st, HC + "cachelimit") == 3
    fds, ips = [], ["198.18.0.%d" % (20 + i) for i in range(5)]
    for i, ip in enumerate(ips):
        assert st.arp_add(ip, PEER_MAC, ffstack.LLE_STATIC) == 0
        _, fd = learn_mtu(st, ip=ip, sport=41000 + i)
        fds.append(fd)
    assert sorted(hc_list(st)) == sorted(ips[2:])
    assert st.counter("tcp.tcps_hc_bucketoverflow") == 2
    quiesce(st, *fds)


@pytest.mark.parametrize(
    "name,value",
    [
        ("hashsize", 3),
        ("hashsize", 0),
        ("hashsize", 1 << 17),
        ("bucketlimit", 0),
        ("cachelimit", 0),
        ("cachelimit", 512 * 30 + 1),
        ("expire", 0),
        ("prune", 0),
    ],
)
def test_bad_sizes_refused(make_stack, name, value):
    st = tcp_stack(make_stack)
    with pytest.raises(ffstack.StackError) as e:
        st.sysctl(HC + name, value)
    assert e.value.errno in (errno.EINVAL, errno.ERANGE)
    assert sysctl_get(st, HC + "cachelimit") == 512 * 30
    with pytest.raises(ffstack.StackError):
        st.sysctl(HC + "count", 1)  # read-only


def rtt_connection(st, peer, rounds=6, rtt=0.2):
    """A connection with `rounds' RTT samples of rtt seconds, then reset by
    the peer (the control block is discarded at once)."""
    fd = establish(st, peer)
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    for _ in range(rounds):
        assert st.tcp_send(fd, b"r" * 100) == 100
        seg = peer.expect("PA")
        st.advance(rtt, step=0.01)
        peer.send("A", ack=seg.seq + 100)
    peer.send("R")
    assert st.tcp_info(fd) is None
    return fd


def test_rtt_seeds_next_connection(make_stack):
    st = tcp_stack(make_stack)
    hz = sysctl_get(st, "kern.hz")
    ticks_ms = 1000.0 / hz
    fd1 = rtt_connection(st, Peer(st, sport=40000))
    assert st.counter("tcp.tcps_cachedrtt") == 1
    assert st.counter("tcp.tcps_cachedrttvar") == 1
    entry = hc_list(st)[PEER_IP]
    assert entry["RTT"] in (
        "199ms",
        "200ms",
        "201ms",
        "202ms",
        "203ms",
        "204ms",
        "205ms",
        "210ms",
    )
    # A new connection starts from the cached RTT: its first RTO is one
    # of a 200 ms path, not net.inet.tcp.rexmit_initial (1 s).
    p2 = Peer(st, sport=40001, dport=81)
    fd2 = establish(st, p2)
    assert st.counter("tcp.tcps_usedrtt") == 1
    assert st.counter("tcp.tcps_usedrttvar") == 1
    info = st.tcp_info(fd2)
    srtt_ms = info["srtt"] / 32 * ticks_ms
    rto_ms = info["rxtcur"] * ticks_ms
    assert 190 <= srtt_ms <= 215, srtt_ms
    assert srtt_ms < rto_ms < 600, rto_ms
    # The retransmission timer runs on it (virtual time).
    assert st.tcp_send(fd2, b"z" * 10) == 10
    p2.expect("PA")
    st.advance(rto_ms / 1000 - 0.05, step=0.01)
    p2.expect_nothing()
    st.advance(0.1, step=0.01)
    assert p2.expect("PA").seq == p2.ack - 10
    # Another host starts from the defaults.
    other = "198.18.0.9"
    assert st.arp_add(other, PEER_MAC, ffstack.LLE_STATIC) == 0
    fd3 = establish(st, Peer(st, sport=40002, dport=82, ip=other), faddr=other)
    assert st.tcp_info(fd3)["srtt"] == 0
    assert st.tcp_info(fd3)["rxtcur"] * ticks_ms >= 999
    # An active open's SYN sample refines the cached RTT, not replace it.
    mss, cfd, syn = syn_mss(st, PEER_IP, 83)
    p4 = Peer(st, sport=83, dport=syn.sport)
    p4.seq, p4.ack = 7000, syn.seq + 1
    p4.send("SA", options=[("MSS", 1460)])  # at once: a 1-tick RTT
    p4.expect("A")
    assert st.tcp_info(cfd)["srtt"] / 32 * ticks_ms > 150
    p2.send("A", ack=p2.ack)
    quiesce(st, fd1, fd2, fd3, cfd)


def test_few_samples_not_cached(make_stack):
    st = tcp_stack(make_stack)
    fd = rtt_connection(st, Peer(st), rounds=3)
    assert st.counter("tcp.tcps_cachedrtt") == 0
    assert hc_count(st) == 0
    quiesce(st, fd)


def test_ssthresh_after_loss_seeds_next_connection(make_stack):
    st = tcp_stack(make_stack)
    st.sysctl("net.inet.tcp.sendspace", 1 << 20)
    peer = Peer(st)
    fd = establish(st, peer, mss=1000)
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    for _ in range(4):  # RTT samples
        assert st.tcp_send(fd, b"r" * 100) == 100
        seg = peer.expect("PA")
        st.advance(0.05, step=0.01)
        peer.send("A", ack=seg.seq + 100)
    assert st.tcp_send(fd, b"l" * 8000) == 8000
    first = sent_segments(peer)[0][TCP].seq
    st.advance(1, step=0.01)  # a timeout: ssthresh halves
    sent_segments(peer)
    peer.send("A", ack=first + 8000)
    ss = st.tcp_info(fd)["ssthresh"]
    assert 2000 <= ss < 8000
    peer.send("R")
    # In whole segments of 1000 bytes, as whole packets of 1040.
    cached = max(2, (ss + 500) // 1000) * 1040
    assert hc_list(st)[PEER_IP]["SSTRESH"] == str(cached)
    assert st.counter("tcp.tcps_cachedssthresh") == 1
    p2 = Peer(st, sport=40001, dport=81)
    fd2 = establish(st, p2, mss=1000)
    assert st.tcp_info(fd2)["ssthresh"] == cached
    assert st.counter("tcp.tcps_usedssthresh") == 1
    quiesce(st, fd, fd2)
