"""[freebsd.boot] tunables, each set in the config a test stack starts
from and seen by what it does on the wire or to the tables it sizes
(test_boot_tunables.py has the tables sized at start and the refusals).

The expected behaviour is FreeBSD's, from tcp(4), ip(4), ipfw(8) and the
RFCs they follow:
  net.inet.tcp.rfc1323=0      no window scale or timestamp options
                              (RFC 7323) in a SYN or SYN-ACK;
  net.inet.tcp.mssdflt        the MSS used when the peer's SYN has none;
  net.inet.tcp.minmss         the smallest MSS a peer's offer can impose;
  net.inet.ip.maxfragsperpacket  a datagram in more fragments is dropped,
                              every fragment counted in ips_fragdropped;
  net.inet.ip.fw.tables_max   table numbers 0 .. tables_max-1;
  net.inet.ip.fw.dyn_buckets  the size of the dynamic-rule hash;
  net.inet.tcp.sack.globalmaxholes  SACK holes across all connections;
  net.inet.tcp.reass.maxsegments    out-of-order segments held across
                              all connections;
  net.inet.tcp.icmp_may_rst   an ICMP port unreachable aborts a
                              connection in SYN_SENT (or does not);
  net.inet.tcp.blackhole_local  blackhole applies to our own traffic;
  net.inet.tcp.nolocaltimewait  no TIME_WAIT when the far end is one of
                              our own addresses;
  net.inet.tcp.recvbuf_auto/inc/max  the receive buffer (and the window
                              advertised) grows under bulk data, in
                              steps of at least recvbuf_inc, to
                              recvbuf_max; without it, it stays at
                              net.inet.tcp.recvspace;
  kern.hz                     the timers' granularity (1/hz s);
  net.inet.tcp.delacktime, rexmit_initial  the delayed-ACK time and the
                              first RTO (RFC 6298 2.1);
  net.inet.tcp.sendspace/recvspace  a new connection's buffers and the
                              window it offers;
  net.inet.tcp.ack_war_timewindow/cnt  challenge ACKs (RFC 5961) per
                              window.
Last, for every CTLFLAG_TUN node of the tree, the value given in
[freebsd.boot] is the node's: the tests elsewhere that show a tunable's
effect by setting it at run time then hold for the boot setting too.
"""

import errno
from pathlib import Path

import pytest
from scapy.layers.inet import ICMP, IP, TCP, fragment
from scapy.layers.l2 import Ether

import ffstack
import test_boot_tunables as tb
from ffstack import OUR_IP, PEER_IP, PEER_MAC, StackError
from fstools import _ffi
from ipfw_util import DENY_CONFIG_BOOT, add, ipfw, passes
from overload_util import sysctl
from tcp_peer import Peer, establish, quiesce

SOL_SOCKET, SO_RCVBUF = 1, 8  # Linux numbers (the ff_test_* calls)
IPPROTO_TCP, TCP_NODELAY = 6, 1
TF_SACK_PERMIT = 0x200


def opts(t):
    return dict((k, v) for k, v in t.options)


def listener(st, port=80):
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", port) == 0
    assert st.tcp_listen(lfd, 8) == 0
    return lfd


def data_lengths(peer):
    out = []
    while (p := peer.pop()) is not None:
        if len(bytes(p[TCP].payload)):
            out.append(len(bytes(p[TCP].payload)))
    return out


# -- options and MSS ------------------------------------------------------------


@pytest.mark.parametrize("on", [1, 0])
def test_rfc1323(make_stack, on):
    st = tb.tcp_boot_stack(make_stack, "net.inet.tcp.rfc1323=%d" % on)
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 1000
    peer.send(
        "S",
        options=[("MSS", 1460), ("WScale", 7), ("Timestamp", (12345, 0))],
    )
    o = opts(peer.expect("SA"))
    assert ("WScale" in o) == bool(on)
    assert ("Timestamp" in o) == bool(on)
    peer.send("A", options=[("Timestamp", (12346, 0))] if on else None)
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    info = st.tcp_info(fd)
    assert (info["snd_scale"], info["rcv_scale"]) == ((7, 6) if on else (0, 0))
    # Our own SYN asks for them, or not.
    cfd = st.tcp_socket()
    assert st.tcp_connect(cfd, PEER_IP, 8080) == -errno.EINPROGRESS
    o = opts(Peer(st).expect("S"))
    assert ("WScale" in o) == bool(on)
    assert ("Timestamp" in o) == bool(on)
    st.drain()
    quiesce(st, fd, lfd, cfd)


def test_mssdflt_without_a_peer_mss(make_stack):
    st = tb.tcp_boot_stack(make_stack, "net.inet.tcp.mssdflt=1000")
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S")  # no MSS option
    peer.expect("SA")
    peer.send("A")
    fd = st.tcp_accept(lfd)
    assert st.tcp_info(fd)["maxseg"] == 1000
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    assert st.tcp_send(fd, b"m" * 2500) == 2500
    assert data_lengths(peer) == [1000, 1000, 500]
    quiesce(st, fd, lfd)


@pytest.mark.parametrize(
    "boot,mss", [((), 216), (("net.inet.tcp.minmss=300",), 300)]
)
def test_minmss_clamps_a_small_offer(make_stack, boot, mss):
    """A peer offering MSS 100 gets segments of minmss (FreeBSD's default
    216) bytes, not 100."""
    st = tb.tcp_boot_stack(make_stack, *boot)
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S", options=[("MSS", 100)])
    peer.expect("SA")
    peer.send("A")
    fd = st.tcp_accept(lfd)
    st.tcp_setopt(fd, IPPROTO_TCP, TCP_NODELAY, 1)
    assert st.tcp_send(fd, b"m" * (3 * mss)) == 3 * mss
    assert data_lengths(peer) == [mss] * 3
    quiesce(st, fd, lfd)


# -- IP reassembly --------------------------------------------------------------


def echo_in(st, ident, nfrags):
    """An echo request in nfrags fragments of 1480 bytes (the last one
    shorter); the frames the stack sent back."""
    size = nfrags * 1480 - 100 - 8
    pkt = (
        IP(src=PEER_IP, dst=OUR_IP, id=ident) / ICMP(id=ident) / (b"e" * size)
    )
    frags = fragment(pkt, 1480)
    assert len(frags) == nfrags
    for f in frags:
        st.inject(Ether(dst=st.mac(), src=PEER_MAC) / f)
    return st.drain()


def test_maxfragsperpacket(make_stack):
    st = make_stack(tb.boot("net.inet.ip.maxfragsperpacket=4"))
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    assert any(ICMP in p and p[ICMP].type == 0 for p in echo_in(st, 1, 4))
    assert st.counter("ip.ips_fragdropped") == 0
    # One more fragment: the whole datagram goes, each fragment counted.
    assert not any(ICMP in p for p in echo_in(st, 2, 5))
    assert st.counter("ip.ips_fragdropped") == 5
    assert st.counter("ip.ipq_count") == 0


# -- ipfw -----------------------------------------------------------------------


def table_create(st, n):
    err, _, _, _ = ipfw(
        st, _ffi.FF_IPFW_TABLE, subop=_ffi.FF_IPFW_TABLE_CREATE, table=n
    )
    return err


def test_tables_max(make_stack):
    st = make_stack(tb.boot("net.inet.ip.fw.tables_max=4"))
    assert sysctl(st, "net.inet.ip.fw.tables_max") == 4
    assert table_create(st, 3) == 0
    assert table_create(st, 4) == errno.EINVAL
    # The default (128) takes table 4.
    st2 = make_stack()
    assert table_create(st2, 4) == 0


def test_dyn_buckets(make_stack):
    st = make_stack(
        ffstack.CONFIG + DENY_CONFIG_BOOT + "net.inet.ip.fw.dyn_buckets=64\n"
    )
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    assert sysctl(st, "net.inet.ip.fw.dyn_buckets") == 64
    assert st.ipfw_dyn_nbuckets() == 0  # the hash is made at the first state
    add(
        st,
        "100 check-state",
        "200 allow tcp from any to me 80 setup keep-state",
    )
    lfd = listener(st)
    assert passes(st, TCP(sport=40000, dport=80, seq=1000, flags="S"))
    assert st.ipfw_dyn_nbuckets() == 64
    synack = st.expect(TCP)  # out through the state (default deny)
    assert synack[TCP].flags == "SA"
    ack = TCP(
        sport=40000, dport=80, seq=1001, ack=synack[TCP].seq + 1, flags="A"
    )
    assert passes(st, ack)  # no SYN: only the state lets it in
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    st.api.close(fd)
    st.api.close(lfd)
    st.run()
    assert passes(st, TCP(sport=40000, dport=80, seq=1001, flags="R"))


def test_dyn_buckets_not_a_power_of_two_refused():
    text = tb.boot("net.inet.ip.fw.dyn_buckets=100")
    with pytest.raises(StackError) as e:
        ffstack.Stack(text)
    assert str(e.value.strerror) == (
        "test.ini:%d: [freebsd.boot] net.inet.ip.fw.dyn_buckets: 100 is not "
        "a valid value (Number of dyn. buckets)"
        % tb.line_of(text, "net.inet.ip.fw.dyn_buckets")
    )


# -- SACK holes and reassembly across connections ---------------------------------


def sack_sender(st, sport):
    """A SACK connection with ten 1000-byte segments in flight: (peer, fd,
    first sequence number)."""
    peer = Peer(st, sport=sport)
    fd = establish(st, peer, mss=1000)
    st.tcp_setflags(fd, TF_SACK_PERMIT, 0)
    st.tcp_send(fd, b"s" * 10000)
    segs = [p[TCP] for p in st.drain()]
    assert len(segs) == 10
    return peer, fd, segs[0].seq


def sack_ack(peer, una, blocks):
    sack = tuple(x for s, e in blocks for x in (una + s, una + e))
    peer.send("A", ack=una, options=[("SAck", sack)])


@pytest.mark.parametrize(
    "boot,overflow", [((), 0), (("net.inet.tcp.sack.globalmaxholes=2",), 1)]
)
def test_sack_globalmaxholes(make_stack, boot, overflow):
    """Three holes on one connection (sack.maxholes is 128 a connection):
    the third one fits unless the whole stack may have only two."""
    st = tb.tcp_boot_stack(
        make_stack, "net.inet.tcp.initcwnd_segments=10", *boot
    )
    peer, fd, una = sack_sender(st, 40000)
    sack_ack(peer, una, [(1000, 2000)])
    sack_ack(peer, una, [(3000, 4000), (1000, 2000)])
    sack_ack(peer, una, [(5000, 6000), (3000, 4000), (1000, 2000)])
    assert st.counter("tcp.tcps_sack_sboverflow") == overflow
    st.drain()
    peer.send("A", ack=una + 10000)
    quiesce(st, fd)


def test_reass_maxsegments_across_connections(make_stack):
    st = tb.tcp_boot_stack(make_stack, "net.inet.tcp.reass.maxsegments=3")
    fds = []
    for port in (80, 81):
        peer = Peer(st, dport=port)
        fd = establish(st, peer)
        b = peer.seq
        for k in (1, 2):
            peer.send("A", seq=b + 10 * k, data=b"x" * 5, advance=False)
        fds.append(fd)
    # Two per connection (maxqueuelen is far above), three in all.
    assert [st.tcp_info(fd)["segqlen"] for fd in fds] == [2, 1]
    assert st.counter("tcp.tcps_rcvreassfull") == 1
    st.drain()
    quiesce(st, *fds)


# -- ICMP, blackhole, TIME_WAIT for our own connections ---------------------------


@pytest.mark.parametrize("on", [1, 0])
def test_icmp_may_rst(make_stack, on):
    st = tb.tcp_boot_stack(make_stack, "net.inet.tcp.icmp_may_rst=%d" % on)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 9) == -errno.EINPROGRESS
    syn = st.expect(TCP)
    st.inject(
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=PEER_IP, dst=OUR_IP)
        / ICMP(type=3, code=3)  # port unreachable
        / bytes(syn[IP])[:28]
    )
    if on:
        assert st.tcp_info(fd) is None
        assert st.tcp_recv(fd) == -errno.ECONNREFUSED
    else:
        assert st.tcp_info(fd)["state_name"] == "SYN_SENT"
    assert st.tcp_close(fd) == 0
    st.drain()


@pytest.mark.parametrize("local", [0, 1])
def test_blackhole_local(make_stack, local):
    """blackhole=2 sends no RST from a closed port; our own connection
    to one (over lo0) still gets refused unless blackhole_local."""
    st = tb.tcp_boot_stack(
        make_stack,
        "net.inet.tcp.blackhole=2",
        "net.inet.tcp.blackhole_local=%d" % local,
    )
    fd = st.tcp_socket()
    rc = st.tcp_connect(fd, "127.0.0.1", 9)  # lo0 answers at once
    st.run()
    if local:
        assert rc == -errno.EINPROGRESS
        assert st.tcp_info(fd)["state_name"] == "SYN_SENT"
    else:
        assert rc == -errno.ECONNREFUSED
        assert st.tcp_info(fd) is None
    assert st.tcp_close(fd) == 0
    st.advance(1, step=0.1)
    # A peer's SYN to a closed port is blackholed either way.
    Peer(st, dport=9).send("S")
    st.expect_nothing()


@pytest.mark.parametrize("nolocal", [1, 0])
def test_nolocaltimewait(make_stack, nolocal):
    """An active close of a connection to ourselves (127.0.0.1): with
    nolocaltimewait the control block goes at once, without it it waits
    in TIME_WAIT for 2 MSL (1 s here)."""
    st = tb.tcp_boot_stack(
        make_stack, "net.inet.tcp.nolocaltimewait=%d" % nolocal
    )
    lfd = listener(st)
    cfd = st.tcp_socket()
    assert st.tcp_connect(cfd, "127.0.0.1", 80) in (0, -errno.EINPROGRESS)
    st.run()
    sfd = st.tcp_accept(lfd)
    assert sfd >= 0
    assert st.tcp_close(cfd) == 0
    st.run()
    assert st.tcp_close(sfd) == 0
    st.run()
    st.advance(0.01, step=0.001)
    assert st.counter("tcp.tcb_count") == (1 if nolocal else 2)  # + listener
    st.advance(2.1, step=0.1)
    assert st.counter("tcp.tcb_count") == 1
    # Not for a connection to another host: TIME_WAIT as always.
    peer = Peer(st, dport=81)
    fd = establish(st, peer)
    assert st.tcp_close(fd) == 0
    peer.expect("FA")
    peer.send("A")
    peer.send("FA")
    st.advance(0.01, step=0.001)
    assert st.counter("tcp.tcb_count") == 2  # TIME_WAIT and the listener
    st.drain()
    quiesce(st, lfd)


# -- receive-buffer autotuning ------------------------------------------------------

RECVSPACE = 65536  # net.inet.tcp.recvspace (FreeBSD's default)
RTT = 0.01


def rcvbuf(st, fd):
    rc, size = st.tcp_getopt(fd, SOL_SOCKET, SO_RCVBUF)
    assert rc == 0
    return size


def bulk_receive(make_stack, rounds, *lines):
    """A peer RTT away with timestamps (RFC 7323) sends all the window
    allows once a round trip, and the application reads everything: the
    receive buffer's sizes and the largest window advertised (bytes)."""
    st = tb.tcp_boot_stack(make_stack, *lines)
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 1000
    peer.send(
        "S", options=[("MSS", 1460), ("WScale", 7), ("Timestamp", (1, 0))]
    )
    sa = peer.expect("SA")
    echo, ack, win = opts(sa)["Timestamp"][0], sa.ack, sa.window
    st.advance(RTT, step=RTT)
    peer.send("A", options=[("Timestamp", (2, echo))])
    fd = st.tcp_accept(lfd)
    scale = st.tcp_info(fd)["rcv_scale"]  # a SYN's window is not scaled
    sizes, maxwin, mine = [rcvbuf(st, fd)], win, 3

    def acks():
        nonlocal ack, win, maxwin
        tsvals = []
        while (p := peer.pop()) is not None:
            t = p[TCP]
            tsvals.append(opts(t)["Timestamp"][0])
            ack, win = t.ack, t.window << scale
            maxwin = max(maxwin, win)
        return tsvals

    for _ in range(rounds):
        room = ack + win - peer.seq
        while room >= 1448:
            o = [("Timestamp", (mine, echo))]
            peer.send("A", data=b"d" * 1448, options=o)
            room -= 1448
        while isinstance(st.tcp_recv(fd), bytes):
            pass
        # What the stack sent on this data, now: echoed a round trip on.
        echo = acks()[0]
        sizes.append(rcvbuf(st, fd))
        st.advance(RTT, step=RTT)
        mine += 10
        acks()  # delayed ACKs: not echoed
    return st, lfd, fd, sizes, maxwin


def test_recvbuf_auto_off_stays_at_recvspace(make_stack):
    st, lfd, fd, sizes, maxwin = bulk_receive(
        make_stack, 6, "net.inet.tcp.recvbuf_auto=0"
    )
    assert sizes == [RECVSPACE] * len(sizes)
    assert maxwin <= RECVSPACE
    quiesce(st, fd, lfd)


def test_recvbuf_grows_to_max(make_stack):
    """With the defaults (recvbuf_max 2 MB) the buffer is past 600 KB
    after six round trips here; recvbuf_max stops it at 256 KB."""
    st, lfd, fd, sizes, maxwin = bulk_receive(
        make_stack, 6, "net.inet.tcp.recvbuf_max=262144"
    )
    assert sizes[0] == RECVSPACE
    assert sizes == sorted(sizes)  # it only grows
    assert sizes[-1] == 262144  # and stops at recvbuf_max
    assert RECVSPACE < maxwin <= 262144
    quiesce(st, fd, lfd)


def test_recvbuf_inc_is_the_least_step(make_stack):
    """Each growth is at least recvbuf_inc, unless recvbuf_max stops it
    (the default step here, 16384 or twice what arrived, is ~200 KB)."""
    inc, top = 1000000, 2097152
    st, lfd, fd, sizes, maxwin = bulk_receive(
        make_stack,
        6,
        "net.inet.tcp.recvbuf_inc=%d" % inc,
        "net.inet.tcp.recvbuf_max=%d" % top,
    )
    grown = [(a, b) for a, b in zip(sizes, sizes[1:]) if b != a]
    assert grown
    assert all(b - a >= inc or b == top for a, b in grown)
    assert grown[0][1] - grown[0][0] >= inc
    quiesce(st, fd, lfd)


# -- timers, buffers and the challenge-ACK window ---------------------------------


@pytest.mark.parametrize(
    "boot,ms", [((), 40), (("net.inet.tcp.delacktime=77",), 77)]
)
def test_delacktime(make_stack, boot, ms):
    """A lone segment is acknowledged delacktime ms later (tcp(4);
    FreeBSD's default 40 ms)."""
    st = tb.tcp_boot_stack(make_stack, *boot)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    st.advance((ms - 2) / 1000, step=0.001)
    peer.expect_nothing()
    st.advance(0.003, step=0.001)
    assert peer.expect("A").ack == peer.seq
    quiesce(st, fd)


@pytest.mark.parametrize("hz", [1000, 10])
def test_hz_is_the_timer_granularity(make_stack, hz):
    """Callouts run on ticks of 1/hz s: at hz=10 the 40 ms delayed ACK
    waits for the next 100 ms tick."""
    st = tb.tcp_boot_stack(make_stack, "kern.hz=%d" % hz)
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    st.advance(0.045, step=0.001)
    if hz == 1000:
        peer.expect("A")
    else:
        peer.expect_nothing()
        st.advance(0.06, step=0.001)
        peer.expect("A")
    quiesce(st, fd)


def test_sendspace_and_recvspace(make_stack):
    """A new connection's buffers: SO_SNDBUF is sendspace and takes that
    many bytes; the window it offers is recvspace (tcp(4))."""
    st = tb.tcp_boot_stack(
        make_stack,
        "net.inet.tcp.sendspace=20000",
        "net.inet.tcp.recvspace=30000",
        "net.inet.tcp.sendbuf_auto=0",
    )
    lfd = listener(st)
    peer = Peer(st)
    peer.seq = 1000
    peer.send("S", options=[("MSS", 1460)])
    assert peer.expect("SA").window == 30000
    peer.send("A", win=0)  # the peer takes nothing: all stays buffered
    fd = st.tcp_accept(lfd)
    assert st.tcp_getopt(fd, SOL_SOCKET, 7) == (0, 20000)  # SO_SNDBUF
    assert rcvbuf(st, fd) == 30000
    assert st.tcp_send(fd, b"x" * 50000) == 20000
    st.drain()
    peer.send("RA", advance=False)
    quiesce(st, fd, lfd)


@pytest.mark.parametrize("window_ms,cnt", [(1000, 5), (100, 2)])
def test_ack_war_window_and_count(make_stack, window_ms, cnt):
    """RFC 5961 challenge ACKs, at most ack_war_cnt per
    ack_war_timewindow ms: ten forged ACKs 20 ms apart draw cnt in the
    first window and more once it is over."""
    st = tb.tcp_boot_stack(
        make_stack,
        "net.inet.tcp.ack_war_timewindow=%d" % window_ms,
        "net.inet.tcp.ack_war_cnt=%d" % cnt,
    )
    peer = Peer(st)
    fd = establish(st, peer)
    ghost = (peer.ack - (1 << 30)) % (1 << 32)
    answered = []
    for _ in range(10):
        peer.send("A", ack=ghost, advance=False)
        answered.append(len([p for p in st.drain() if TCP in p]))
        st.advance(0.02, step=0.01)
    # 10 ACKs over 200 ms: one window of 1 s holds them all, windows of
    # 100 ms are two.
    assert sum(answered) == (cnt if window_ms == 1000 else 2 * cnt)
    quiesce(st, fd)


@pytest.mark.parametrize(
    "boot,ms", [((), 1000), (("net.inet.tcp.rexmit_initial=400",), 400)]
)
def test_rexmit_initial(make_stack, boot, ms):
    """Our SYN, unanswered, goes again after the initial RTO: rexmit_initial
    ms (RFC 6298 2.1; FreeBSD's default 1 s)."""
    st = tb.tcp_boot_stack(make_stack, *boot)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 8080) == -errno.EINPROGRESS
    peer = Peer(st)
    peer.expect("S")
    st.advance((ms - 20) / 1000, step=0.005)
    peer.expect_nothing()
    st.advance(0.04, step=0.005)
    peer.expect("S")
    assert st.tcp_close(fd) == 0
    st.drain()


# -- every tunable: the [freebsd.boot] value is the node's -------------------------

TREE = Path(__file__).with_name("data") / "sysctl_tree.tsv"
CTLFLAG_TUN = 0x80000


def tunables():
    """(name, type) of every CTLFLAG_TUN node in the registered tree."""
    out = []
    for line in TREE.read_text().splitlines():
        f = line.split("\t")
        if (
            len(f) >= 4
            and f[2].startswith("0x")
            and int(f[2], 16) & CTLFLAG_TUN
        ):
            out.append((f[0], f[3]))
    return out


def read_node(st, name, kind):
    err, _, body = st.msg(
        _ffi.FF_MSG_SYSCTL,
        _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, name=name),
    )
    assert err == 0, (name, err)
    v = _ffi.decode_sysctl_reply(body)[1][0]["value"]
    if kind == "A":
        return v.rstrip(b"\0").decode()
    return int.from_bytes(v, "little", signed=not kind.endswith("U"))


@pytest.mark.parametrize(
    "name,kind", tunables(), ids=[n for n, _ in tunables()]
)
def test_boot_value_reaches_the_node(make_stack, name, kind):
    """The run-time tests of a tunable's effect (the "(via sysctl)" rows of
    the table) set the node; [freebsd.boot] sets that same node at start:
    a value other than the default, read back."""
    default = read_node(make_stack(), name, kind)
    if kind == "A":
        candidates = [a for a in ("cubic", "newreno") if a != default]
    else:
        d = int(default)
        candidates = [d * 2, d + 1, d - 1, 1 - d]
        candidates = [c for c in candidates if c >= 0 and c != d]
    for c in candidates:
        try:
            st = make_stack(tb.boot("%s=%s" % (name, c)))
        except StackError:
            continue  # not a value this node takes
        assert str(read_node(st, name, kind)) == str(c)
        return
    pytest.fail("no value other than %s accepted" % default)
