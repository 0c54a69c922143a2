"""FF_MSG_NETSTAT through the test port: the pcb export (struct
ff_xinpcb, FreeBSD's xinpcb / xtcpcb style) and its cursor.

Expected values come from the connections the tests make (addresses,
ports, backlog, descriptors), from RFC 9293's states and from the
tcp_peer exchange (a retransmission, an out-of-order segment); the
cursor is checked under churn: every connection alive through a
listing appears exactly once, none made during it appears."""

import errno
import struct

from tcp_peer import (
    PEER_IP,
    Peer,
    establish,
    handshake_passive,
    quiesce,
    tcp_stack,
)

from fstools import _ffi

TCPS_LISTEN, TCPS_ESTABLISHED = 1, 4


def part(st, proto=_ffi.IPPROTO_TCP, gen=0, cursor=0, maxrecs=0):
    """One FF_MSG_NETSTAT part: (error, cursor, gen, pcbcount, records)."""
    body = _ffi.encode_netstat_req(proto, gen, maxrecs)
    err, cur, rep = st.msg(_ffi.FF_MSG_NETSTAT, body, cursor=cursor)
    if err:
        return err, cur, 0, 0, []
    g, count, recs = _ffi.decode_netstat_reply(rep)
    return err, cur, g, count, recs


def listing(st, proto=_ffi.IPPROTO_TCP, maxrecs=0, between=None):
    """A whole listing; between(n) runs after the n-th part."""
    out, gen, cursor, n = [], 0, 0, 0
    while True:
        err, cursor, g, _, recs = part(st, proto, gen, cursor, maxrecs)
        assert err == 0
        out.extend(recs)
        gen, n = g, n + 1
        if cursor == 0:
            return out, n
        if between is not None:
            between(n)


def by_ports(recs):
    return {(r["xi_lport"], r["xi_fport"]): r for r in recs}


def test_listener_and_connection_records(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40001, dport=80)
    lfd, fd = handshake_passive(st, peer, backlog=5)
    recs, parts = listing(st)
    assert parts == 1 and len(recs) == 2
    lis, conn = recs  # made in that order
    for r in recs:
        assert r["xi_len"] == _ffi.sizeof("ff_xinpcb")
        assert r["xi_version"] == _ffi.FF_XINPCB_VERSION
        assert r["xi_proto"] == 6 and r["xi_vflag"] == 1
    assert (lis["xi_laddr"], lis["xi_lport"]) == ("0.0.0.0", 80)
    assert (lis["xi_faddr"], lis["xi_fport"]) == ("0.0.0.0", 0)
    assert lis["xt_state"] == TCPS_LISTEN and lis["xi_fd"] == lfd
    assert (lis["xso_qlen"], lis["xso_incqlen"], lis["xso_qlimit"]) == (
        0,
        0,
        5,
    )
    assert lis["xi_flowtype"] == _ffi.FF_M_HASHTYPE_NONE
    assert (conn["xi_laddr"], conn["xi_lport"]) == ("198.18.0.2", 80)
    assert (conn["xi_faddr"], conn["xi_fport"]) == (PEER_IP, 40001)
    assert conn["xt_state"] == TCPS_ESTABLISHED and conn["xi_fd"] == fd
    assert conn["xt_maxseg"] == 1460  # the peer's MSS option
    assert conn["xt_snd_cwnd"] > 0 and conn["xt_cc"] != ""
    assert conn["xi_flowtype"] == _ffi.FF_M_HASHTYPE_OPAQUE_HASH
    assert conn["xt_sndrexmitpack"] == conn["xt_rcvoopack"] == 0
    # Keepalive runs (always_keepalive), nothing else in ESTABLISHED idle.
    assert conn["tt_rexmt"] == conn["tt_2msl"] == 0
    assert conn["xi_lport"] != conn["xi_fport"]
    quiesce(st, lfd, fd)


def test_buffers_counters_and_timers(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40002, dport=80)
    fd = establish(st, peer)
    assert st.tcp_send(fd, b"x" * 1000) == 1000
    peer.expect("PA")
    # Unacknowledged data: the retransmit timer runs.
    (conn,) = listing(st)[0]
    assert conn["xso_snd"]["sb_cc"] == 1000
    # 1000 bytes fit one segment (a cluster-sized DPDK buffer).
    assert conn["xso_snd"]["sb_mcnt"] == conn["xso_snd"]["sb_ccnt"] == 1
    assert conn["tt_rexmt"] > 0
    # An out-of-order segment (a hole of 10 bytes before it), which
    # acknowledges none of our data.
    peer.send("A", seq=peer.seq + 10, ack=5001, data=b"y" * 20, advance=False)
    st.advance(2.0)  # RTO (1 s initial) fires: one retransmission
    (conn,) = listing(st)[0]
    assert conn["xt_rcvoopack"] == 1
    assert conn["xt_sndrexmitpack"] >= 1
    assert conn["xso_rcv"]["sb_cc"] == 0  # held in reassembly, not readable
    quiesce(st, fd)


def test_states_sysctl_counts_the_listing(make_stack):
    """net.inet.tcp.states (netstat -s's by-state block) counts the same
    control blocks the listing shows, state by state, as they change."""
    st = tcp_stack(make_stack)
    peer = Peer(st, sport=40003, dport=80)
    lfd, fd = handshake_passive(st, peer)
    other = _conn(st, 8080)

    def listed():
        out = [0] * 11
        for r in listing(st)[0]:
            out[r["xt_state"]] += 1
        return out

    def values():
        rec = st.sysctl_get("net.inet.tcp.states")
        assert rec["fmt"] == "QU"
        return list(struct.unpack("=11Q", rec["value"]))

    assert values() == listed() == [0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0]
    assert st.tcp_close(fd) == 0  # FIN_WAIT_1
    assert values() == listed()
    assert values()[6] == 1
    quiesce(st, lfd, other)
    assert values() == [0] * 11


def test_udp_listing(st):
    a = st.api
    s = a.socket(2)  # SOCK_DGRAM
    a.bind(s, "127.0.0.1", 5353)
    recs, _ = listing(st, _ffi.IPPROTO_UDP)
    assert [(r["xi_laddr"], r["xi_lport"], r["xi_proto"]) for r in recs] == [
        ("127.0.0.1", 5353, 17)
    ]
    assert recs[0]["xt_state"] == 0 and recs[0]["xi_fd"] == s
    a.close(s)


def test_bad_requests(st):
    # fm_error carries FreeBSD's numbers (EPROTONOSUPPORT is 43 there).
    assert _ffi.bsd_errno_name(part(st, proto=1)[0]) == "EPROTONOSUPPORT"
    # A cursor without the listing's generation, and the reverse.
    assert part(st, gen=0, cursor=5)[0] == errno.EINVAL
    assert part(st, gen=5, cursor=0)[0] == errno.EINVAL
    assert part(st, gen=5, cursor=9)[0] == errno.EINVAL  # past the end
    body = _ffi.encode_netstat_req(_ffi.IPPROTO_TCP)
    err, _, _ = st.msg(_ffi.FF_MSG_NETSTAT, body[:-8])
    assert err == errno.EINVAL
    bad_len = struct.pack("<I", 12) + body[4:]
    assert st.msg(_ffi.FF_MSG_NETSTAT, bad_len)[0] == errno.EINVAL


def _conn(st, port):
    """An ESTABLISHED connection on our port ``port`` (each needs its
    own: tcp_establish binds without SO_REUSEADDR)."""
    return establish(st, Peer(st, sport=40000, dport=port))


def _reset(st, fds, port, irs=1000):
    """The peer resets the connection and the application closes it:
    its pcb is freed."""
    Peer(st, sport=40000, dport=port).send("R", seq=irs + 1)
    assert st.tcp_close(fds.pop(port)) == 0


def test_cursor_under_churn(make_stack):
    """Connections close and open between the parts: each one alive
    through the listing appears once, none made during it appears."""
    st = tcp_stack(make_stack)
    fds = {}
    for port in range(20000, 20600):
        fds[port] = _conn(st, port)
    doomed = set(range(20000, 20600, 3))
    made = {}

    def churn(n):
        for port in list(doomed)[(n - 1) * 20 : n * 20]:
            _reset(st, fds, port)
        for port in range(30000 + n * 10, 30000 + n * 10 + 10):
            made[port] = _conn(st, port)

    recs, parts = listing(st, maxrecs=50, between=churn)
    assert parts == 12
    seen = [r["xi_lport"] for r in recs]
    assert len(seen) == len(set(seen)), "a connection listed twice"
    survivors = set(range(20000, 20600)) - doomed
    assert survivors <= set(seen), "a connection missing"
    assert not set(made) & set(seen), "a connection made meanwhile listed"
    gens = [r["xi_gencnt"] for r in recs]
    assert gens == sorted(gens)
    quiesce(st, *fds.values(), *made.values())


def test_part_work_is_bounded(make_stack):
    """Thousands of freed pcbs before the live ones: a part examines at
    most FF_NETSTAT_MAXSTEPS entries, so it may carry no record at all,
    and the listing still ends with every live connection."""
    st = tcp_stack(make_stack)
    n, dead = 4400, 4200
    fds = {10000 + i: _conn(st, 10000 + i) for i in range(n)}
    for i in range(dead):
        _reset(st, fds, 10000 + i)
    err, cursor, gen, count, recs = part(st)
    assert (err, recs, count) == (0, [], n - dead)
    assert cursor == _ffi.FF_NETSTAT_MAXSTEPS  # generations 1..4096: holes
    recs, parts = listing(st)
    assert sorted(r["xi_lport"] for r in recs) == list(
        range(10000 + dead, 10000 + n)
    )
    assert parts == 2
    quiesce(st, *fds.values())
