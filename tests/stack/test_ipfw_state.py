"""ipfw's dynamic rules and tables through the test port.

ipfw(8): keep-state makes a dynamic rule on a match, and a later packet
of the same flow, in either direction, takes the rule's action at the
first check-state, keep-state or limit rule; a dynamic rule lives
net.inet.ip.fw.dyn_*_lifetime seconds after its last packet (UDP:
dyn_udp_lifetime, 10 s); no more than dyn_max exist; limit N allows N
flows sharing the named fields.  Tables map addresses or prefixes to a
value, matched with table(N) or table(N,value), the value used by
skipto/call tablearg.
"""

import socket

import pytest
from scapy.layers.inet import ICMP, TCP, UDP

from ffstack import CONFIG, PEER_IP, PEER_MAC
from fstools import _ffi
from ipfw_util import (
    DENY_CONFIG_BOOT,
    add,
    fwstat,
    ipfw,
    passes,
    rule,
    udp_bytes,
)


@pytest.fixture
def deny(make_stack):
    """A stack whose default rule denies, the peer's MAC known."""
    st = make_stack(CONFIG + DENY_CONFIG_BOOT)
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def dyn(st):
    return st.sysctl_get("net.inet.ip.fw.dyn_count")["value"]


def dyn_count(st):
    import struct

    return struct.unpack("=I", dyn(st))[0]


def test_keep_state_lets_the_reply_through_default_deny(deny):
    st = deny
    a = st.api
    ls = a.socket(socket.SOCK_STREAM)
    a.bind(ls, "0.0.0.0", 80)
    a.listen(ls)
    add(
        st,
        "100 check-state",
        "200 allow tcp from any to me 80 setup keep-state",
    )
    assert passes(st, TCP(sport=40000, dport=80, seq=1000, flags="S"))
    synack = st.expect(TCP)  # out through the state, not the default rule
    assert synack[TCP].flags == "SA"
    assert rule(st, 65535).pcnt == 0
    assert dyn_count(st) == 1
    # The third packet of the handshake has no SYN: the state lets it in.
    ack = TCP(
        sport=40000, dport=80, seq=1001, ack=synack[TCP].seq + 1, flags="A"
    )
    assert passes(st, ack)
    fd, _ = a.accept(ls)
    # Another port and ping stay blocked.
    assert not passes(st, TCP(sport=40001, dport=81, flags="S"))
    assert not passes(st, ICMP())
    st.expect_nothing()
    a.close(fd)
    a.close(ls)
    st.run()
    fin = st.expect(TCP)  # our FIN goes out through the state
    assert "F" in fin[TCP].flags
    # The peer resets: the connection is gone, through the state too.
    assert passes(st, TCP(sport=40000, dport=80, seq=1001, flags="R"))


def test_state_expires_after_udp_lifetime(deny):
    st = deny
    add(st, "100 allow udp from any to me 5000 keep-state")
    assert passes(st, UDP(sport=4000, dport=5000) / b"q")
    st.drain()  # port unreachable: no socket (ICMP goes out? denied)
    assert dyn_count(st) == 1
    # Our answer from 5000 to the peer's 4000: the reverse of the flow.
    assert st.ip_output(PEER_IP, proto=17, payload=udp_bytes(5000, 4000)) == 0
    assert st.expect(UDP)[UDP].dport == 4000
    st.advance(11)  # dyn_udp_lifetime is 10 s
    assert dyn_count(st) == 0
    assert fwstat(st, "ipfw_dyn_expired") == 1
    assert (
        st.ip_output(PEER_IP, proto=17, payload=udp_bytes(5000, 4000)) == -13
    )


def test_udp_lifetime_sysctl_shortens(deny):
    st = deny
    st.sysctl("net.inet.ip.fw.dyn_udp_lifetime", 2)
    add(st, "100 allow udp from any to me keep-state")
    passes(st, UDP(sport=4000, dport=5000))
    st.drain()
    st.advance(1)
    assert dyn_count(st) == 1
    st.advance(2)
    assert dyn_count(st) == 0


def test_dynamic_table_full_drops_and_counts(deny):
    st = deny
    st.sysctl("net.inet.ip.fw.dyn_max", 2)
    add(st, "100 allow udp from any to me keep-state")
    got = [passes(st, UDP(sport=4000 + i, dport=5000)) for i in range(3)]
    st.drain()
    assert got == [True, True, False]
    assert dyn_count(st) == 2
    assert fwstat(st, "ipfw_dyn_full") == 1
    st.advance(11)  # room again once they expire
    assert passes(st, UDP(sport=4009, dport=5000))
    st.drain()


def test_limit_src_addr(deny):
    st = deny
    add(st, "100 allow udp from any to me limit src-addr 2")
    got = [passes(st, UDP(sport=4000 + i, dport=5000)) for i in range(3)]
    assert got == [True, True, False]
    assert fwstat(st, "ipfw_limit_drop") == 1
    # Another source has its own count; a known flow still passes.
    assert passes(st, UDP(sport=4000, dport=5000), src="198.18.0.7")
    assert passes(st, UDP(sport=4000, dport=5000))
    st.drain()


def test_deleting_the_rule_forgets_its_states(deny):
    st = deny
    add(st, "100 allow udp from any to me keep-state")
    passes(st, UDP(sport=4000, dport=5000))
    st.drain()
    assert dyn_count(st) == 1
    assert ipfw(st, _ffi.FF_IPFW_DELETE, rulenum=100)[0] == 0
    assert dyn_count(st) == 0


def test_states_listed(deny):
    st = deny
    add(st, "100 allow udp from any to me keep-state")
    passes(st, UDP(sport=4000, dport=5000) / b"abc")
    st.drain()
    err, cur, head, recs = ipfw(st, _ffi.FF_IPFW_LIST, flags=_ffi.FF_IPFWF_DYN)
    (d,) = _ffi.decode_ipfw_records("ff_ipfw_dyn", recs, head["fp_count"])
    assert (d["d_rulenum"], d["d_proto"], d["d_sport"], d["d_dport"]) == (
        100,
        17,
        4000,
        5000,
    )
    assert bytes(d["d_src"]) == socket.inet_aton(PEER_IP)
    assert (d["d_pcnt"], d["d_bcnt"], d["d_expire"]) == (1, 31, 10)


# -- tables -------------------------------------------------------------------


def table(st, subop, tbl, entries=(), count=None, **kw):
    data = b"".join(
        _ffi.encode_ipfw_tentry(socket.inet_aton(a), m, v)
        for a, m, v in entries
    )
    n = len(entries) if count is None else count
    return ipfw(st, _ffi.FF_IPFW_TABLE, data, n, subop=subop, table=tbl, **kw)


@pytest.fixture
def fw(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def test_rule_with_missing_table_refused(fw):
    assert add(fw, "100 deny ip from table(5) to any", expect=2) == 2  # ENOENT


def test_table_match_and_value(fw):
    table(fw, _ffi.FF_IPFW_TABLE_ADD, 1, [("198.18.0.0", 24, 7)])
    add(
        fw,
        "100 deny ip from table(1,8) to any",
        "200 deny ip from table(1) to any",
    )
    assert not passes(fw, ICMP())
    assert (rule(fw, 100).pcnt, rule(fw, 200).pcnt) == (0, 1)


def test_skipto_tablearg_longest_prefix(fw):
    table(
        fw,
        _ffi.FF_IPFW_TABLE_ADD,
        3,
        [("198.18.0.0", 16, 1000), ("198.18.0.1", 32, 2000)],
    )
    add(
        fw,
        "100 skipto tablearg ip from table(3) to any in",
        "500 deny ip from any to any in",
        "1000 deny ip from any to any in",
        "2000 allow ip from any to any",
    )
    assert passes(fw, ICMP())  # /32 wins: skipto 2000
    fw.drain()
    assert not passes(fw, ICMP(), src="198.18.5.5")  # /16: skipto 1000
    assert not passes(fw, ICMP(), src="10.0.0.1")  # no entry: rule 500
    assert [rule(fw, n).pcnt for n in (500, 1000)] == [1, 1]


def test_table_delete_list_flush_destroy(fw):
    entries = [
        ("10.%d.%d.0" % (i // 256, i % 256), 24, i) for i in range(5000)
    ]
    for i in range(0, 5000, 2000):  # 16 bytes each: 4,000 fill a message
        part = entries[i : i + 2000]
        assert table(fw, _ffi.FF_IPFW_TABLE_ADD, 2, part)[0] == 0
    got, cursor = [], 0
    while True:
        err, cursor, head, recs = table(
            fw, _ffi.FF_IPFW_TABLE_LIST, 2, cursor=cursor
        )
        assert err == 0
        got += _ffi.decode_ipfw_records(
            "ff_ipfw_tentry", recs, head["fp_count"]
        )
        if cursor == 0:
            break
    assert len(got) == 5000
    assert sorted((bytes(e["te_addr"]), e["te_value"]) for e in got) == sorted(
        (socket.inet_aton(a), v) for a, _, v in entries
    )
    assert (
        table(fw, _ffi.FF_IPFW_TABLE_DELETE, 2, [("10.0.1.0", 24, 0)])[0] == 0
    )
    assert (
        table(fw, _ffi.FF_IPFW_TABLE_DELETE, 2, [("10.0.1.0", 24, 0)])[0] == 3
    )
    err, _, head, recs = table(fw, _ffi.FF_IPFW_TABLE_INFO, 2)
    (ti,) = _ffi.decode_ipfw_records("ff_ipfw_tinfo", recs, 1)
    assert ti["ti_count"] == 4999
    add(fw, "100 deny ip from table(2) to any")
    assert table(fw, _ffi.FF_IPFW_TABLE_DESTROY, 2)[0] == 16  # EBUSY
    assert table(fw, _ffi.FF_IPFW_TABLE_FLUSH, 2)[0] == 0
    assert passes(fw, ICMP(), src="10.0.0.9")
    fw.drain()
    ipfw(fw, _ffi.FF_IPFW_DELETE, rulenum=100)
    assert table(fw, _ffi.FF_IPFW_TABLE_DESTROY, 2)[0] == 0
    assert table(fw, _ffi.FF_IPFW_TABLE_INFO, 2)[0] == 2  # ENOENT


def test_table_full_refused_whole(fw):
    assert table(fw, _ffi.FF_IPFW_TABLE_CREATE, 4, count=2)[0] == 0
    three = [("10.0.0.%d" % i, 32, 0) for i in range(3)]
    assert table(fw, _ffi.FF_IPFW_TABLE_ADD, 4, three)[0] == 28  # ENOSPC
    err, _, head, recs = table(fw, _ffi.FF_IPFW_TABLE_INFO, 4)
    (ti,) = _ffi.decode_ipfw_records("ff_ipfw_tinfo", recs, 1)
    assert (ti["ti_count"], ti["ti_limit"]) == (0, 2)
    assert fwstat(fw, "ipfw_table_full") == 3


def test_table_entry_with_host_bits_refused(fw):
    assert table(fw, _ffi.FF_IPFW_TABLE_ADD, 1, [("10.0.0.1", 24, 0)])[0] == 22
