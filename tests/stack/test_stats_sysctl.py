"""Statistics written once, exported whole, and the sysctl tree unchanged.

Each stats struct (struct tcpstat, ipstat, ...) is an X-macro list in its
_var.h; from it come the struct, the opaque sysctl holding it (FreeBSD's
net.inet.tcp.stats, "S,tcpstat"), its layout in ff_msg_abi_table(), and
the test harness's lookups by name.  Here the sysctl is read through the
tools' message path, decoded with the exported layout only, and checked
against the per-field lookups and against what FreeBSD counts for frames
from the wire.  A write zeroes a stats node, as FreeBSD's counter handler
does on any write (netstat -z writes zeros).
"""

import struct
from pathlib import Path

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.l2 import ARP, Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC, stats_layout
from fstools import _ffi

CTLTYPE_OPAQUE, CTLFLAG_RW, CTLFLAG_STATS = 5, 0xC0000000, 0x2000

# node, struct (its "S,<struct>" format), prefix of ff_test_counter()
STATS_NODES = [
    ("net.inet.tcp.stats", "tcpstat", "tcp."),
    ("net.inet.ip.stats", "ipstat", "ip."),
    ("net.inet.udp.stats", "udpstat", "udp."),
    ("net.inet.icmp.stats", "icmpstat", "icmp."),
    ("net.link.ether.arp.stats", "arpstat", "arp."),
    ("net.inet.tcp.xstats", "tcpxstat", "tcpx."),
    ("net.inet.ip.xstats", "ipxstat", "ipx."),
    ("net.inet.udp.xstats", "udpxstat", "udpx."),
    ("net.link.ether.arp.xstats", "arpxstat", "arpx."),
    ("net.link.ether.xstats", "etherxstat", "ether."),
    ("kern.ipc.sostat", "sostat", "so."),
]

TREE = Path(__file__).parent / "data" / "sysctl_tree.tsv"


def frame(pkt):
    return Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC) / pkt


def ip_frame(st, pkt):
    return (
        Ether(dst=st.mac(), src=PEER_MAC) / IP(src=PEER_IP, dst=OUR_IP) / pkt
    )


def flip(raw, off):
    """The frame with the 16-bit checksum at `off' made wrong."""
    raw = bytearray(bytes(raw))
    raw[off] ^= 0xFF
    return bytes(raw)


def traffic(st):
    """Some of everything: a socket made and closed, ARP, ping, UDP and
    TCP to closed ports, and a bad checksum at each layer."""
    st.tcp_close(st.tcp_socket())
    st.inject(frame(ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)))
    st.inject(ip_frame(st, ICMP(id=1, seq=1) / b"ping"))
    st.inject(ip_frame(st, UDP(sport=5000, dport=9) / b"x"))
    st.inject(ip_frame(st, TCP(sport=40000, dport=81, flags="S")))
    st.inject(flip(ip_frame(st, ICMP()), 14 + 10))  # IP header sum
    st.inject(flip(ip_frame(st, TCP(dport=80, flags="S")), 14 + 20 + 16))
    st.inject(flip(ip_frame(st, UDP(dport=9) / b"y"), 14 + 20 + 6))
    st.drain()


# -- the tree ----------------------------------------------------------------


def _fixed(oid):
    """An OID with the numbers OID_AUTO handed out (>= 0x100, in the
    order subsystems register) as "*": FreeBSD's fixed ones must hold,
    the others may move when registration order changes."""
    return ".".join(n if int(n) < 0x100 else "*" for n in oid.split("."))


def test_walk_lists_the_same_tree(st):
    """ff-sysctl -a: every node with its kind, format, description and
    FreeBSD's fixed numbers, as before the registration became
    table-driven."""
    want = sorted(
        [w[0], _fixed(w[1])] + w[2:]
        for w in (
            line.split("\t")
            for line in TREE.read_text().splitlines()
            if not line.startswith("#")
        )
    )
    flags = (
        _ffi.FF_SYSCTLF_NODES | _ffi.FF_SYSCTLF_DESCR | _ffi.FF_SYSCTLF_NOVALUE
    )
    got = sorted(
        [
            r["name"],
            _fixed(".".join(map(str, r["oid"]))),
            "0x%08x" % r["kind"],
            r["fmt"],
            r["descr"],
        ]
        for r in st.sysctl_walk(flags)
    )
    assert [g[0] for g in got] == [w[0] for w in want]
    assert got == want


# -- layout: the exported table is the struct, counter after counter -------


@pytest.mark.parametrize("node,sname,prefix", STATS_NODES)
def test_node_is_whole_struct(st, node, sname, prefix):
    rec = st.sysctl_get(node)
    assert rec["kind"] == CTLTYPE_OPAQUE | CTLFLAG_RW | CTLFLAG_STATS
    assert rec["fmt"] == "S," + sname
    fields = stats_layout()[sname]
    assert fields[0] == ("", 0, len(rec["value"]))
    pos = 0
    for name, off, size in fields[1:]:
        assert off == pos and size % 8 == 0 and size > 0, name
        pos += size
    assert pos == len(rec["value"]), "gap or tail after the last field"


def test_freebsd_layouts():
    """Where FreeBSD 13 fixes a struct, its size in uint64_t counters and
    a few landmarks (netinet/ip_var.h, udp_var.h, icmp_var.h), so
    FreeBSD's netstat -s could read ours."""
    lay = {s: {f: (o, n) for f, o, n in v} for s, v in stats_layout().items()}
    assert lay["ipstat"][""][1] == 29 * 8
    assert lay["ipstat"]["ips_badsum"][0] == 8
    assert lay["udpstat"][""][1] == 14 * 8
    assert lay["icmpstat"]["icps_outhist"] == (3 * 8, 41 * 8)  # 0..40
    assert lay["icmpstat"]["icps_inhist"] == (49 * 8, 41 * 8)


# -- values: sysctl == per-field lookups == what the wire says --------------


@pytest.mark.parametrize("node,sname,prefix", STATS_NODES)
def test_sysctl_equals_counters(st, node, sname, prefix):
    traffic(st)
    stats = st.sysctl_stats(node)
    # Our drop counters may rightly stay 0; FreeBSD's structs may not.
    assert any(
        stats[f] for f in stats if not isinstance(stats[f], list)
    ) or sname.endswith("xstat")
    for field, v in stats.items():
        if isinstance(v, list):
            assert v == [
                st.counter("%s%s.%d" % (prefix, field, i))
                for i in range(len(v))
            ], field
        else:
            assert v == st.counter(prefix + field), field


def delta(before, after):
    return {
        k: (
            after[k] - before[k]
            if not isinstance(v, list)
            else [a - b for a, b in zip(after[k], v)]
        )
        for k, v in before.items()
    }


def test_ip_bad_header_checksum(st):
    """RFC 791 header checksum wrong: FreeBSD counts the packet in
    ips_total, then ips_badsum, and drops it."""
    b = st.sysctl_stats("net.inet.ip.stats")
    st.inject(flip(ip_frame(st, ICMP()), 14 + 10))
    st.expect_nothing()
    d = delta(b, st.sysctl_stats("net.inet.ip.stats"))
    assert d["ips_total"] == 1 and d["ips_badsum"] == 1
    assert d["ips_delivered"] == 0


def test_tcp_bad_checksum(st):
    """RFC 9293 checksum wrong: delivered by IP; TCP counts it in
    tcps_rcvtotal and tcps_rcvbadsum, drops it, answers nothing."""
    ib = st.sysctl_stats("net.inet.ip.stats")
    tb = st.sysctl_stats("net.inet.tcp.stats")
    st.inject(
        flip(ip_frame(st, TCP(sport=40001, dport=80, flags="S")), 14 + 20 + 16)
    )
    st.expect_nothing()
    di = delta(ib, st.sysctl_stats("net.inet.ip.stats"))
    dt = delta(tb, st.sysctl_stats("net.inet.tcp.stats"))
    assert di["ips_delivered"] == 1 and di["ips_badsum"] == 0
    assert dt["tcps_rcvtotal"] == 1 and dt["tcps_rcvbadsum"] == 1
    assert dt["tcps_sndctrl"] == 0 and dt["tcps_sndtotal"] == 0


def test_udp_bad_checksum(st):
    """RFC 768 checksum wrong: udps_ipackets, then udps_badsum; no port
    unreachable."""
    b = st.sysctl_stats("net.inet.udp.stats")
    st.inject(flip(ip_frame(st, UDP(sport=5000, dport=9) / b"y"), 14 + 20 + 6))
    st.expect_nothing()
    d = delta(b, st.sysctl_stats("net.inet.udp.stats"))
    assert d["udps_ipackets"] == 1 and d["udps_badsum"] == 1
    assert d["udps_noport"] == 0


def test_icmp_echo_histograms(st):
    """An echo request (type 8) in, an echo reply (type 0) out."""
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    b = st.sysctl_stats("net.inet.icmp.stats")
    st.inject(ip_frame(st, ICMP(type=8, id=7, seq=1) / b"abc"))
    assert st.expect(ICMP)[ICMP].type == 0
    d = delta(b, st.sysctl_stats("net.inet.icmp.stats"))
    assert d["icps_inhist"][8] == 1 and sum(d["icps_inhist"]) == 1
    assert d["icps_outhist"][0] == 1 and sum(d["icps_outhist"]) == 1
    assert d["icps_reflect"] == 1 and d["icps_checksum"] == 0


def test_arp_request_answered(st):
    """A request for our address: received, rxrequests, txreplies."""
    b = st.sysctl_stats("net.link.ether.arp.stats")
    st.inject(frame(ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)))
    assert st.expect(ARP)[ARP].op == 2
    d = delta(b, st.sysctl_stats("net.link.ether.arp.stats"))
    assert d["received"] == 1 and d["rxrequests"] == 1
    assert d["txreplies"] == 1 and d["rxreplies"] == 0


# -- writes: zeroing, as netstat -z does -------------------------------------


@pytest.mark.parametrize("node,sname,prefix", STATS_NODES)
def test_write_zeroes(st, node, sname, prefix):
    traffic(st)
    before = st.sysctl_get(node)["value"]
    err, _, recs = st.sysctl_ask(
        _ffi.FF_SYSCTL_SET, name=node, new=bytes(len(before))
    )
    assert err == 0
    assert recs[0]["oldvalue"] == before  # what netstat -z printed
    assert st.sysctl_get(node)["value"] == bytes(len(before))
    first = stats_layout()[sname][1][0]
    assert st.counter(prefix + first + (".0" if first == "_pad" else "")) == 0


def test_write_zeroes_whatever_written(st):
    """FreeBSD's counter handler zeroes on any write, not only zeros."""
    traffic(st)
    assert st.sysctl_stats("net.inet.tcp.stats")["tcps_rcvtotal"] > 0
    assert st.sysctl_set_raw("net.inet.tcp.stats", struct.pack("=Q", 7)) == 0
    stats = st.sysctl_stats("net.inet.tcp.stats")
    assert not any(stats[f] for f in stats if not isinstance(stats[f], list))
    assert st.counter("tcp.tcps_rcvtotal") == 0
