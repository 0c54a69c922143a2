"""netstat's looks: FreeBSD 13's netstat(1) formats, column for column,
and the --json records.

    sockets     Active Internet connections (-a, -n, -W, -A, -L, -x, -T,
                -C, -R)
    stats       -s: FreeBSD's wording and plurals from the stats structs
    interfaces  -i / -I (with -b, -d, -h, -W)
    sideways    -w: one line per interval
    mbufs       -m: packet buffer pool and socket table use

Used by ff-netstat; fstools.output decides which look is written.
Golden tests: tests/unit/test_netstat_tool.py.
"""

import dataclasses

from fstools.records.netstat import TCP_STATES, Connection, SockBuf

# -- sockets ----------------------------------------------------------------

CONN_JSON_KEYS = tuple(f.name for f in dataclasses.fields(Connection)) + (
    "state_name",
)


_SB_JSON_KEYS = tuple(f.name for f in dataclasses.fields(SockBuf))


def conn_json(c):
    """dataclasses.asdict(c) and the state's name (asdict's deep copy
    costs 50 us a record: 5 s at 100,000)."""
    rec = {k: getattr(c, k) for k in CONN_JSON_KEYS[:-1]}
    for sb in ("rcv", "snd"):
        buf = rec[sb]
        rec[sb] = {k: getattr(buf, k) for k in _SB_JSON_KEYS}
    rec["state_name"] = c.state_name
    return rec


_SERVICES = {}


def servname(port, proto):
    """/etc/services' name of a port (no resolver: the file only)."""
    key = (port, proto)
    if key not in _SERVICES:
        import socket

        try:
            _SERVICES[key] = socket.getservbyport(port, proto)
        except OSError:
            _SERVICES[key] = None
    return _SERVICES[key]


def lnaof(addr):
    """inet_lnaof(): the host part of a classful address."""
    n = int.from_bytes(bytes(int(p) for p in addr.split(".")), "big")
    if n >> 31 == 0:
        return n & 0x00FFFFFF
    if n >> 30 == 2:
        return n & 0x0000FFFF
    return n & 0xFF


class SocketOptions:
    """The flags that shape the socket list."""

    def __init__(
        self,
        a=False,
        n=False,
        W=False,
        A=False,
        L=False,
        x=False,
        T=False,
        C=False,
        R=False,
        procs=False,
    ):
        self.a, self.n, self.W, self.A, self.L = a, n, W, A, L
        self.x, self.T, self.C, self.R = x, T, C, R
        self.procs = procs  # a process column (--proc all)

    @property
    def addr_width(self):
        return 18 if self.A and not self.W else 22


def inetprint(addr, port, proto, num_port, o):
    """FreeBSD's inetprint(): "host.port " cut (or not, -W) to width,
    and a space."""
    host = "*" if addr == "0.0.0.0" else addr
    if not o.W:
        host = host[: 12 if (o.A and not num_port) else 16]
    line = host + "."
    name = None
    if not num_port and port:
        name = servname(port, proto)
    if name or port == 0:
        line += (name or "*")[:15] + " "
    else:
        line += "%d " % port
    w = o.addr_width
    if o.W:
        return "%-*s " % (w, line)
    return "%-*.*s " % (w, w, line[:w])


def shown(c, o):
    """Whether the list shows c: without -a, no listener and no socket
    bound to a wildcard local address; with -L, listeners only."""
    if not o.a and (
        (c.proto == "tcp" and c.state == 1) or lnaof(c.laddr) == 0
    ):
        return False
    if o.L and c.qlimit == 0:
        return False
    return True


def socket_header(o):
    lines = []
    if o.L:
        lines.append("Current listen queue sizes (qlen/incqlen/maxqlen)")
    else:
        lines.append(
            "Active Internet connections"
            + (" (including servers)" if o.a else "")
        )
    w = o.addr_width
    head = "%-4.4s " % "Proc" if o.procs else ""
    if o.A:
        head += "%-16s " % "Tcpcb"
    if o.L:
        head += "%-5.5s %-32.32s %-*.*s" % (
            "Proto",
            "Listen",
            w,
            w,
            "Local Address",
        )
    elif o.T:
        head += "%-5.5s %-6.6s %-6.6s %-6.6s %-*.*s %s" % (
            "Proto",
            "Rexmit",
            "OOORcv",
            "0-win",
            w,
            w,
            "Local Address",
            "Foreign Address",
        )
    else:
        head += "%-5.5s %-6.6s %-6.6s %-*.*s %-*.*s" % (
            "Proto",
            "Recv-Q",
            "Send-Q",
            w,
            w,
            "Local Address",
            w,
            w,
            "Foreign Address",
        )
        if not o.x and not o.R:
            head += " %-11.11s" % "(state)"
    if o.x:
        head += " " + " ".join(
            "%-6.6s" % t
            for t in (
                "R-MBUF",
                "S-MBUF",
                "R-CLUS",
                "S-CLUS",
                "R-HIWA",
                "S-HIWA",
                "R-LOWA",
                "S-LOWA",
                "R-BCNT",
                "S-BCNT",
                "R-BMAX",
                "S-BMAX",
            )
        )
        head += " " + " ".join(
            "%7.7s" % t
            for t in ("rexmt", "persist", "keep", "2msl", "delack", "rcvtime")
        )
    elif o.R:
        head += "  %8.8s %5.5s %4.4s %7.7s %4.4s" % (
            "flowid",
            "ftype",
            "proc",
            "pid",
            "fd",
        )
    if o.C:
        head += " %-16.16s %10.10s %10.10s %8.8s %8.8s %8.8s" % (
            "CC",
            "cwnd",
            "ssthresh",
            "srtt",
            "rttvar",
            "rto",
        )
    lines.append(head.rstrip())
    return lines


def _secs(ms):
    return "%4d.%02d" % (ms // 1000, (ms % 1000) // 10)


def socket_row(c, o):
    """One pcb as FreeBSD's protopr() prints it."""
    row = "%-4d " % c.proc_id if o.procs else ""
    if o.A:
        row += "%16x " % c.gencnt
    row += "%-3.3s%-2.2s " % (c.proto, "4")
    if o.L:
        row += "%-32.32s " % ("%d/%d/%d" % (c.qlen, c.incqlen, c.qlimit))
    elif o.T:
        if c.proto == "tcp":
            row += "%6d %6d %6d " % (
                c.sndrexmitpack,
                c.rcvoopack,
                c.sndzerowin,
            )
        else:
            row += " " * 21
    else:
        row += "%6d %6d " % (c.rcv.cc, c.snd.cc)
    if o.n:
        lnum = fnum = True
    elif c.anonport:
        lnum, fnum = True, False
    else:
        lnum, fnum = False, c.lport != c.fport
    row += inetprint(c.laddr, c.lport, c.proto, lnum, o)
    if not o.L:
        row += inetprint(c.faddr, c.fport, c.proto, fnum, o)
    if o.x:
        row += " ".join(
            "%6d" % v
            for v in (
                c.rcv.mcnt,
                c.snd.mcnt,
                c.rcv.ccnt,
                c.snd.ccnt,
                c.rcv.hiwat,
                c.snd.hiwat,
                c.rcv.lowat,
                c.snd.lowat,
                c.rcv.mbcnt,
                c.snd.mbcnt,
                c.rcv.mbmax,
                c.snd.mbmax,
            )
        )
        if c.proto == "tcp":
            row += " " + " ".join(
                _secs(v)
                for v in (
                    c.tt_rexmt,
                    c.tt_persist,
                    c.tt_keep,
                    c.tt_2msl,
                    c.tt_delack,
                    c.rcvtime,
                )
            )
    if c.proto == "tcp" and not (o.L or o.x or o.T or o.R):
        row += "%-11s" % c.state_name
    if o.R:
        row += " %08x %5d %4d %7d %4s" % (
            c.flowid,
            c.flowtype,
            c.proc_id,
            c.pid,
            c.fd if c.fd >= 0 else "-",
        )
    if o.C and c.proto == "tcp":
        row += " %-16.16s %10d %10d %8.3f %8.3f %8.3f" % (
            c.cc,
            c.cwnd,
            c.ssthresh,
            c.srtt_us / 1000,
            c.rttvar_us / 1000,
            c.rto_us / 1000,
        )
    return row.rstrip()


def _numeric_rows(conns, o):
    """socket_row()'s rows for -n with no other column option (-an, the
    listing of 100,000): one format a row, the address columns made
    directly (a dotted quad and a port are never cut at 22)."""
    rows = []
    add = rows.append
    for c in conns:
        if not shown(c, o):
            continue
        la = "*" if c.laddr == "0.0.0.0" else c.laddr[:16]
        fa = "*" if c.faddr == "0.0.0.0" else c.faddr[:16]
        lcol = "%s.%d " % (la, c.lport) if c.lport else la + ".* "
        fcol = "%s.%d " % (fa, c.fport) if c.fport else fa + ".* "
        if c.proto == "tcp":
            row = "tcp4  %6d %6d %-22.22s %-22.22s %-11s" % (
                c.rcv.cc,
                c.snd.cc,
                lcol,
                fcol,
                c.state_name,
            )
        else:
            row = "%-3.3s4  %6d %6d %-22.22s %-22.22s" % (
                c.proto,
                c.rcv.cc,
                c.snd.cc,
                lcol,
                fcol,
            )
        add(row.rstrip())
    return rows


def socket_rows(conns, o):
    """The rows of the connections shown (``conns`` any iterable)."""
    if o.n and not (o.W or o.A or o.L or o.T or o.x or o.R or o.C or o.procs):
        return _numeric_rows(conns, o)
    return [socket_row(c, o) for c in conns if shown(c, o)]


def socket_lines(conns, o):
    """The whole list: the header once, before the first row shown."""
    rows = socket_rows(conns, o)
    return (socket_header(o) + rows) if rows else []


def state_counts(conns):
    """{state name: connections}, TCP only, FreeBSD's state order."""
    out = {name: 0 for name in TCP_STATES}
    for c in conns:
        if c.proto == "tcp":
            out[c.state_name] = out.get(c.state_name, 0) + 1
    return out


# -- statistics (-s) ----------------------------------------------------------


def plural(n):
    return "" if n == 1 else "s"


def pluralies(n):
    return "y" if n == 1 else "ies"


def plurales(n):
    return "" if n == 1 else "es"


# FreeBSD's lines: (kind, fields, text).  Kinds, as netstat's macros:
#   p    one count and its plural        p1a  one count, no plural
#   p2   two counts, each with a plural  p2a  two counts, the first plural
#   p3   one count, y/ies                p4   one count, es
# A line is hidden under -ss when all its counts are 0.
TCP_LINES = (
    ("p", ("tcps_sndtotal",), "\t%d packet%s sent"),
    (
        "p2",
        ("tcps_sndpack", "tcps_sndbyte"),
        "\t\t%d data packet%s (%d byte%s)",
    ),
    (
        "p2",
        ("tcps_sndrexmitpack", "tcps_sndrexmitbyte"),
        "\t\t%d data packet%s (%d byte%s) retransmitted",
    ),
    (
        "p",
        ("tcps_sndrexmitbad",),
        "\t\t%d data packet%s unnecessarily retransmitted",
    ),
    ("p", ("tcps_mturesent",), "\t\t%d resend%s initiated by MTU discovery"),
    (
        "p2a",
        ("tcps_sndacks", "tcps_delack"),
        "\t\t%d ack-only packet%s (%d delayed)",
    ),
    ("p", ("tcps_sndurg",), "\t\t%d URG only packet%s"),
    ("p", ("tcps_sndprobe",), "\t\t%d window probe packet%s"),
    ("p", ("tcps_sndwinup",), "\t\t%d window update packet%s"),
    ("p", ("tcps_sndctrl",), "\t\t%d control packet%s"),
    ("p", ("tcps_rcvtotal",), "\t%d packet%s received"),
    (
        "p2",
        ("tcps_rcvackpack", "tcps_rcvackbyte"),
        "\t\t%d ack%s (for %d byte%s)",
    ),
    ("p", ("tcps_rcvdupack",), "\t\t%d duplicate ack%s"),
    ("p", ("tcps_rcvacktoomuch",), "\t\t%d ack%s for unsent data"),
    (
        "p2",
        ("tcps_rcvpack", "tcps_rcvbyte"),
        "\t\t%d packet%s (%d byte%s) received in-sequence",
    ),
    (
        "p2",
        ("tcps_rcvduppack", "tcps_rcvdupbyte"),
        "\t\t%d completely duplicate packet%s (%d byte%s)",
    ),
    ("p", ("tcps_pawsdrop",), "\t\t%d old duplicate packet%s"),
    (
        "p2",
        ("tcps_rcvpartduppack", "tcps_rcvpartdupbyte"),
        "\t\t%d packet%s with some dup. data (%d byte%s duped)",
    ),
    (
        "p2",
        ("tcps_rcvoopack", "tcps_rcvoobyte"),
        "\t\t%d out-of-order packet%s (%d byte%s)",
    ),
    (
        "p2",
        ("tcps_rcvpackafterwin", "tcps_rcvbyteafterwin"),
        "\t\t%d packet%s (%d byte%s) of data after window",
    ),
    ("p", ("tcps_rcvwinprobe",), "\t\t%d window probe%s"),
    ("p", ("tcps_rcvwinupd",), "\t\t%d window update packet%s"),
    ("p", ("tcps_rcvafterclose",), "\t\t%d packet%s received after close"),
    ("p", ("tcps_rcvbadsum",), "\t\t%d discarded for bad checksum%s"),
    (
        "p",
        ("tcps_rcvbadoff",),
        "\t\t%d discarded for bad header offset field%s",
    ),
    ("p1a", ("tcps_rcvshort",), "\t\t%d discarded because packet too short"),
    (
        "p1a",
        ("tcps_rcvreassfull",),
        "\t\t%d discarded due to full reassembly queue",
    ),
    ("p", ("tcps_connattempt",), "\t%d connection request%s"),
    ("p", ("tcps_accepts",), "\t%d connection accept%s"),
    ("p", ("tcps_badsyn",), "\t%d bad connection attempt%s"),
    ("p", ("tcps_listendrop",), "\t%d listen queue overflow%s"),
    ("p", ("tcps_badrst",), "\t%d ignored RSTs in the window%s"),
    (
        "p",
        ("tcps_connects",),
        "\t%d connection%s established (including accepts)",
    ),
    ("p", ("tcps_usedrtt",), "\t\t%d time%s used RTT from hostcache"),
    (
        "p",
        ("tcps_usedrttvar",),
        "\t\t%d time%s used RTT variance from hostcache",
    ),
    (
        "p",
        ("tcps_usedssthresh",),
        "\t\t%d time%s used slow-start threshold from hostcache",
    ),
    (
        "p2",
        ("tcps_closed", "tcps_drops"),
        "\t%d connection%s closed (including %d drop%s)",
    ),
    (
        "p",
        ("tcps_cachedrtt",),
        "\t\t%d connection%s updated cached RTT on close",
    ),
    (
        "p",
        ("tcps_cachedrttvar",),
        "\t\t%d connection%s updated cached RTT variance on close",
    ),
    (
        "p",
        ("tcps_cachedssthresh",),
        "\t\t%d connection%s updated cached ssthresh on close",
    ),
    ("p", ("tcps_conndrops",), "\t%d embryonic connection%s dropped"),
    (
        "p2",
        ("tcps_rttupdated", "tcps_segstimed"),
        "\t%d segment%s updated rtt (of %d attempt%s)",
    ),
    ("p", ("tcps_rexmttimeo",), "\t%d retransmit timeout%s"),
    (
        "p",
        ("tcps_timeoutdrop",),
        "\t\t%d connection%s dropped by rexmit timeout",
    ),
    ("p", ("tcps_persisttimeo",), "\t%d persist timeout%s"),
    (
        "p",
        ("tcps_persistdrop",),
        "\t\t%d connection%s dropped by persist timeout",
    ),
    (
        "p",
        ("tcps_finwait2_drops",),
        "\t%d Connection%s (fin_wait_2) dropped because of timeout",
    ),
    ("p", ("tcps_keeptimeo",), "\t%d keepalive timeout%s"),
    ("p", ("tcps_keepprobe",), "\t\t%d keepalive probe%s sent"),
    ("p", ("tcps_keepdrops",), "\t\t%d connection%s dropped by keepalive"),
    ("p", ("tcps_predack",), "\t%d correct ACK header prediction%s"),
    ("p", ("tcps_preddat",), "\t%d correct data packet header prediction%s"),
    ("p3", ("tcps_sc_added",), "\t%d syncache entr%s added"),
    ("p1a", ("tcps_sc_retransmitted",), "\t\t%d retransmitted"),
    ("p1a", ("tcps_sc_dupsyn",), "\t\t%d dupsyn"),
    ("p1a", ("tcps_sc_dropped",), "\t\t%d dropped"),
    ("p1a", ("tcps_sc_completed",), "\t\t%d completed"),
    ("p1a", ("tcps_sc_bucketoverflow",), "\t\t%d bucket overflow"),
    ("p1a", ("tcps_sc_cacheoverflow",), "\t\t%d cache overflow"),
    ("p1a", ("tcps_sc_reset",), "\t\t%d reset"),
    ("p1a", ("tcps_sc_stale",), "\t\t%d stale"),
    ("p1a", ("tcps_sc_aborted",), "\t\t%d aborted"),
    ("p1a", ("tcps_sc_badack",), "\t\t%d badack"),
    ("p1a", ("tcps_sc_unreach",), "\t\t%d unreach"),
    ("p", ("tcps_sc_zonefail",), "\t\t%d zone failure%s"),
    ("p", ("tcps_sc_sendcookie",), "\t%d cookie%s sent"),
    ("p", ("tcps_sc_recvcookie",), "\t%d cookie%s received"),
    ("p3", ("tcps_hc_added",), "\t%d hostcache entr%s added"),
    ("p1a", ("tcps_hc_bucketoverflow",), "\t\t%d bucket overflow"),
    ("p", ("tcps_sack_recovery_episode",), "\t%d SACK recovery episode%s"),
    (
        "p",
        ("tcps_sack_rexmits",),
        "\t%d segment rexmit%s in SACK recovery episodes",
    ),
    (
        "p",
        ("tcps_sack_rexmit_bytes",),
        "\t%d byte rexmit%s in SACK recovery episodes",
    ),
    (
        "p",
        ("tcps_sack_rcv_blocks",),
        "\t%d SACK option%s (SACK blocks) received",
    ),
    ("p", ("tcps_sack_send_blocks",), "\t%d SACK option%s (SACK blocks) sent"),
    ("p1a", ("tcps_sack_sboverflow",), "\t%d SACK scoreboard overflow"),
    ("p", ("tcps_ecn_rcvce",), "\t%d packet%s with ECN CE bit set"),
    ("p", ("tcps_ecn_rcvect0",), "\t%d packet%s with ECN ECT(0) bit set"),
    ("p", ("tcps_ecn_rcvect1",), "\t%d packet%s with ECN ECT(1) bit set"),
    ("p", ("tcps_ecn_shs",), "\t%d successful ECN handshake%s"),
    (
        "p",
        ("tcps_ecn_rcwnd",),
        "\t%d time%s ECN reduced the congestion window",
    ),
    (
        "p",
        ("tcps_sig_rcvgoodsig",),
        "\t%d packet%s with matching signature received",
    ),
    (
        "p",
        ("tcps_sig_rcvbadsig",),
        "\t%d packet%s with bad signature received",
    ),
    (
        "p",
        ("tcps_sig_err_buildsig",),
        "\t%d time%s failed to make signature due to no SA",
    ),
    (
        "p",
        ("tcps_sig_err_sigopt",),
        "\t%d time%s unexpected signature received",
    ),
    (
        "p",
        ("tcps_sig_err_nosigopt",),
        "\t%d time%s no signature provided by segment",
    ),
)

UDP_LINES = (
    ("p", ("udps_ipackets",), "\t%d datagram%s received"),
    ("p1a", ("udps_hdrops",), "\t%d with incomplete header"),
    ("p1a", ("udps_badlen",), "\t%d with bad data length field"),
    ("p1a", ("udps_badsum",), "\t%d with bad checksum"),
    ("p1a", ("udps_nosum",), "\t%d with no checksum"),
    ("p1a", ("udps_noport",), "\t%d dropped due to no socket"),
    (
        "p",
        ("udps_noportbcast",),
        "\t%d broadcast/multicast datagram%s undelivered",
    ),
    ("p1a", ("udps_fullsock",), "\t%d dropped due to full socket buffers"),
    ("p1a", ("udpps_pcbhashmiss",), "\t%d not for hashed pcb"),
    ("delivered", (), "\t%d delivered"),
    ("p", ("udps_opackets",), "\t%d datagram%s output"),
    (
        "p",
        ("udps_filtermcast",),
        "\t%d time%s multicast source filter matched",
    ),
)

IP_LINES = (
    ("p", ("ips_total",), "\t%d total packet%s received"),
    ("p", ("ips_badsum",), "\t%d bad header checksum%s"),
    ("p1a", ("ips_toosmall",), "\t%d with size smaller than minimum"),
    ("p1a", ("ips_tooshort",), "\t%d with data size < data length"),
    ("p1a", ("ips_toolong",), "\t%d with ip length > max ip packet size"),
    ("p1a", ("ips_badhlen",), "\t%d with header length < data size"),
    ("p1a", ("ips_badlen",), "\t%d with data length < header length"),
    ("p1a", ("ips_badoptions",), "\t%d with bad options"),
    ("p1a", ("ips_badvers",), "\t%d with incorrect version number"),
    ("p", ("ips_fragments",), "\t%d fragment%s received"),
    (
        "p",
        ("ips_fragdropped",),
        "\t%d fragment%s dropped (dup or out of space)",
    ),
    ("p", ("ips_fragtimeout",), "\t%d fragment%s dropped after timeout"),
    ("p", ("ips_reassembled",), "\t%d packet%s reassembled ok"),
    ("p", ("ips_delivered",), "\t%d packet%s for this host"),
    ("p", ("ips_noproto",), "\t%d packet%s for unknown/unsupported protocol"),
    (
        "forward",
        ("ips_forward", "ips_fastforward"),
        "\t%d packet%s forwarded (%d packet%s fast forwarded)",
    ),
    ("p", ("ips_cantforward",), "\t%d packet%s not forwardable"),
    (
        "p",
        ("ips_notmember",),
        "\t%d packet%s received for unknown multicast group",
    ),
    ("p", ("ips_redirectsent",), "\t%d redirect%s sent"),
    ("p", ("ips_localout",), "\t%d packet%s sent from this host"),
    ("p", ("ips_rawout",), "\t%d packet%s sent with fabricated ip header"),
    (
        "p",
        ("ips_odropped",),
        "\t%d output packet%s dropped due to no bufs, etc.",
    ),
    ("p", ("ips_noroute",), "\t%d output packet%s discarded due to no route"),
    ("p", ("ips_fragmented",), "\t%d output datagram%s fragmented"),
    ("p", ("ips_ofragments",), "\t%d fragment%s created"),
    ("p", ("ips_cantfrag",), "\t%d datagram%s that can't be fragmented"),
    ("p", ("ips_nogif",), "\t%d tunneling packet%s that can't find gif"),
    ("p", ("ips_badaddr",), "\t%d datagram%s with bad address in header"),
)

# icmpnames[] of netstat's inet.c (RFC 792, 950, 1256, 1393, 1475, 1788).
ICMP_NAMES = {
    0: "echo reply",
    3: "destination unreachable",
    4: "source quench",
    5: "routing redirect",
    8: "echo",
    9: "router advertisement",
    10: "router solicitation",
    11: "time exceeded",
    12: "parameter problem",
    13: "time stamp",
    14: "time stamp reply",
    15: "information request",
    16: "information request reply",
    17: "address mask request",
    18: "address mask reply",
    30: "icmp traceroute",
    31: "datagram conversion error",
    32: "mobile host redirect",
    33: "IPv6 where-are-you",
    34: "IPv6 i-am-here",
    35: "mobile registration req",
    36: "mobile registration reply",
    37: "domain name request",
    38: "domain name reply",
    39: "icmp SKIP",
    40: "icmp photuris",
}

ICMP_LINES = (
    ("p", ("icps_error",), "\t%d call%s to icmp_error"),
    (
        "p",
        ("icps_oldicmp",),
        "\t%d error%s not generated in response to an icmp message",
    ),
    ("hist", ("icps_outhist",), "\tOutput histogram:"),
    ("p", ("icps_badcode",), "\t%d message%s with bad code fields"),
    ("p", ("icps_tooshort",), "\t%d message%s less than the minimum length"),
    ("p", ("icps_checksum",), "\t%d message%s with bad checksum"),
    ("p", ("icps_badlen",), "\t%d message%s with bad length"),
    ("p1a", ("icps_bmcastecho",), "\t%d multicast echo requests ignored"),
    (
        "p1a",
        ("icps_bmcasttstamp",),
        "\t%d multicast timestamp requests ignored",
    ),
    ("hist", ("icps_inhist",), "\tInput histogram:"),
    ("p", ("icps_reflect",), "\t%d message response%s generated"),
    ("p4", ("icps_badaddr",), "\t%d invalid return address%s"),
    ("p", ("icps_noroute",), "\t%d no return route%s"),
)

ARP_LINES = (
    ("p", ("txrequests",), "\t%d ARP request%s sent"),
    ("p3", ("txreplies",), "\t%d ARP repl%s sent"),
    ("p", ("rxrequests",), "\t%d ARP request%s received"),
    ("p3", ("rxreplies",), "\t%d ARP repl%s received"),
    ("p", ("received",), "\t%d ARP packet%s received"),
    ("p", ("dropped",), "\t%d total packet%s dropped due to no ARP entry"),
    ("p", ("timeouts",), "\t%d ARP entry%s timed out"),
    ("p", ("dupips",), "\t%d Duplicate IP%s seen"),
)

# -s's protocols, in FreeBSD's order (protox[] then the link layer):
# name, stats sysctl, lines.
STATS = (
    ("tcp", "net.inet.tcp.stats", TCP_LINES),
    ("udp", "net.inet.udp.stats", UDP_LINES),
    ("ip", "net.inet.ip.stats", IP_LINES),
    ("icmp", "net.inet.icmp.stats", ICMP_LINES),
    ("arp", "net.link.ether.arp.stats", ARP_LINES),
)

STATS_JSON_KEYS = ("protocol", "proc_ids", "counters", "states")


def _udp_delivered(s):
    return s.get("udps_ipackets", 0) - sum(
        s.get(f, 0)
        for f in (
            "udps_hdrops",
            "udps_badlen",
            "udps_badsum",
            "udps_noport",
            "udps_noportbcast",
            "udps_fullsock",
        )
    )


def stats_lines(name, counts, lines, sflag=1, states=None):
    """One protocol's block: "tcp:" and its lines (sflag 2: no zeros)."""
    out = ["%s:" % name]
    for kind, fields, text in lines:
        vals = [counts.get(f, 0) for f in fields]
        if kind == "delivered":
            v = _udp_delivered(counts)
            if v or sflag <= 1:
                out.append(text % v)
            continue
        if kind == "hist":
            hist = vals[0] or []
            rows = [
                "\t\t%s: %d" % (ICMP_NAMES.get(i, "#%d" % i), n)
                for i, n in enumerate(hist)
                if n
            ]
            if rows:
                out.extend([text] + rows)
            continue
        if not any(vals) and sflag > 1:
            continue
        if kind == "p":
            out.append(text % (vals[0], plural(vals[0])))
        elif kind == "p1a":
            out.append(text % vals[0])
        elif kind in ("p2", "forward"):
            out.append(
                text % (vals[0], plural(vals[0]), vals[1], plural(vals[1]))
            )
        elif kind == "p2a":
            out.append(text % (vals[0], plural(vals[0]), vals[1]))
        elif kind == "p3":
            out.append(text % (vals[0], pluralies(vals[0])))
        elif kind == "p4":
            out.append(text % (vals[0], plurales(vals[0])))
    if states is not None:
        out.append("TCP connection count by state:")
        for st, n in states.items():
            if n or sflag <= 1:
                out.append(
                    "\t%d %s in %s state"
                    % (n, "connection" if n == 1 else "connections", st)
                )
    return out


def summed_counts(dicts):
    """Counters of several processes added (arrays element by element)."""
    out = {}
    for d in dicts:
        for k, v in d.items():
            if isinstance(v, list):
                old = out.get(k, [0] * len(v))
                out[k] = [a + b for a, b in zip(old, v)]
            else:
                out[k] = out.get(k, 0) + v
    return out


# -- interfaces (-i, -I) -----------------------------------------------------

IF_JSON_KEYS = (
    "proc_id",
    "name",
    "mtu",
    "network",
    "address",
    "ipackets",
    "ierrors",
    "iqdrops",
    "ibytes",
    "opackets",
    "oerrors",
    "obytes",
    "collisions",
    "oqdrops",
)


def humanize(n, width):
    """humanize_number(3) as netstat -h uses it: at most width chars."""
    if n < 10 ** (width - 1) or n < 1000:
        return str(n)
    v = float(n)
    for suffix in "KMGTPE":
        v /= 1000
        text = ("%.1f%s" if v < 10 else "%d%s") % (v, suffix)
        if len(text) <= width and v < 1000:
            return text
    return str(n)


def _stat(v, width, h):
    if v is None:
        return "%*s" % (width, "-")
    return "%*s" % (width, humanize(v, width) if h else v)


def _netname(a):
    from fstools import records

    plen = records.prefixlen(a.netmask) if a.netmask else 32
    net = int.from_bytes(
        bytes(int(p) for p in a.addr.split(".")), "big"
    ) & int.from_bytes(bytes(int(p) for p in a.netmask.split(".")), "big")
    text = ".".join(str(b) for b in net.to_bytes(4, "big"))
    return "%s/%d" % (text, plen) if plen != 32 else text


def if_records(ifaces):
    """The rows of -i: a link row per interface, a row per address."""
    out = []
    for ifp in ifaces:
        k = ifp.counters
        out.append(
            {
                "proc_id": ifp.proc_id,
                "name": ifp.name,
                "up": bool(ifp.flags & 0x1),
                "mtu": ifp.mtu,
                "network": "<Link#%d>" % ifp.index,
                "address": ifp.lladdr
                if ifp.lladdr != "00:00:00:00:00:00"
                else "",
                **{c: k[c] for c in IF_JSON_KEYS[5:]},
            }
        )
        for a in ifp.addrs:
            out.append(
                {
                    "proc_id": ifp.proc_id,
                    "name": ifp.name,
                    "up": bool(ifp.flags & 0x1),
                    "mtu": ifp.mtu,
                    "network": _netname(a),
                    "address": a.addr,
                    **{c: None for c in IF_JSON_KEYS[5:]},
                }
            )
    return out


def if_lines(rows, b=False, d=False, h=False, W=False):
    """FreeBSD's intpr(): per-address rows show "-" (ff keeps no counters
    per address)."""
    nw = 16 if W else 5
    head = "%-*.*s %5.5s %-13.13s %-17.17s %8.8s %5.5s %5.5s" % (
        nw,
        nw,
        "Name",
        "Mtu",
        "Network",
        "Address",
        "Ipkts",
        "Ierrs",
        "Idrop",
    )
    if b:
        head += " %10.10s" % "Ibytes"
    head += " %8.8s %5.5s" % ("Opkts", "Oerrs")
    if b:
        head += " %10.10s" % "Obytes"
    head += " %5s" % "Coll"
    if d:
        head += " %5.5s" % "Drop"
    lines = [head]
    for r in rows:
        name = r["name"] if r["up"] else r["name"][: nw - 1] + "*"
        line = "%-*.*s %5d %-13.13s %-17.17s %s %s %s" % (
            nw,
            nw,
            name,
            r["mtu"],
            r["network"],
            r["address"],
            _stat(r["ipackets"], 8, h),
            _stat(r["ierrors"], 5, h),
            _stat(r["iqdrops"], 5, h),
        )
        if b:
            line += " " + _stat(r["ibytes"], 10, h)
        line += " %s %s" % (
            _stat(r["opackets"], 8, h),
            _stat(r["oerrors"], 5, h),
        )
        if b:
            line += " " + _stat(r["obytes"], 10, h)
        line += " " + _stat(r["collisions"], 5, h)
        if d:
            line += " " + _stat(r["oqdrops"], 5, h)
        lines.append(line)
    return lines


# -- -w: one line per interval ------------------------------------------------

SIDEWAYS_KEYS = (
    "ipackets",
    "ierrors",
    "iqdrops",
    "ibytes",
    "opackets",
    "oerrors",
    "obytes",
    "collisions",
    "oqdrops",
)


def sideways_header(name=None, d=False):
    head2 = "%10s %5s %10s %10s %10s %5s %10s %5s" % (
        "packets",
        "errs",
        "idrops",
        "bytes",
        "packets",
        "errs",
        "bytes",
        "colls",
    )
    if d:
        head2 += " %5.5s" % "drops"
    return [
        "%17s %14.14s %16s" % ("input", name or "(Total)", "output"),
        head2,
    ]


def sideways_totals(ifaces):
    out = dict.fromkeys(SIDEWAYS_KEYS, 0)
    for ifp in ifaces:
        for k in SIDEWAYS_KEYS:
            out[k] += ifp.counters[k]
    return out


def sideways_delta(prev, cur):
    return {k: max(cur[k] - prev[k], 0) for k in SIDEWAYS_KEYS}


def sideways_line(r, d=False, h=False):
    line = " ".join(
        _stat(r[k], w, h)
        for k, w in zip(SIDEWAYS_KEYS[:8], (10, 5, 10, 10, 10, 5, 10, 5))
    )
    if d:
        line += " " + _stat(r["oqdrops"], 5, h)
    return line


# -- -m ---------------------------------------------------------------------

MBUF_JSON_KEYS = (
    "proc_id",
    "mbufs_total",
    "mbufs_free",
    "mbufs_in_use",
    "mclbytes",
    "sockets",
    "maxsockets",
    "tcp_pcbs",
)


def cluster_name(mclbytes):
    """FreeBSD's name of a buffer that holds mclbytes: "mbuf clusters"
    (2 KB), "9k jumbo clusters" (a jumbo MTU's frame)."""
    if mclbytes <= 2048:
        return "mbuf clusters"
    return "%dk jumbo clusters" % (mclbytes // 1024)


def mbuf_lines(r):
    return [
        "%d/%d/%d mbufs in use (current/cache/total)"
        % (r["mbufs_in_use"], r["mbufs_free"], r["mbufs_total"]),
        "%d/%d/%d/%d %s in use (current/cache/total/max)"
        % (
            r["mbufs_in_use"],
            r["mbufs_free"],
            r["mbufs_total"],
            r["mbufs_total"],
            cluster_name(r["mclbytes"]),
        ),
        "%dK/%dK/%dK bytes allocated to network (current/cache/total)"
        % tuple(
            n * r["mclbytes"] // 1024
            for n in (r["mbufs_in_use"], r["mbufs_free"], r["mbufs_total"])
        ),
        "%d/%d sockets in use (current/max)" % (r["sockets"], r["maxsockets"]),
        "%d TCP control blocks in use" % r["tcp_pcbs"],
    ]
