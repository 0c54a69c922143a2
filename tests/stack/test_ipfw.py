"""ipfw through the test port: actions, match options, not/or, skipto and
call/return, sets, counters, logging, the output hook, and the stack's
own check of what a tool sends.

Expected behaviour is ipfw(8)'s (FreeBSD 13): rules in number order, the
first match decides; count/skipto/call/return go on; `reject' answers
with ICMP host unreachable, `unreach CODE' with that code, `reset' with a
TCP RST; a disabled set's rules are skipped; the default rule 65535 is
`allow ip from any to any' unless default_to_accept is 0 at boot.
"""

import pytest
from scapy.layers.inet import ICMP, IP, TCP, UDP, IPerror

from ffstack import CONFIG, StackError, OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi
from ipfw_util import (
    DENY_CONFIG_BOOT,
    LogCapture,
    add,
    fwstat,
    ipfw,
    to_us,
    listing,
    passes,
    rule,
    rules,
)


@pytest.fixture
def fw(st):
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def syn(dport=80, sport=40000, seq=1000, flags="S"):
    return TCP(sport=sport, dport=dport, seq=seq, flags=flags)


# -- the default rule and the rule list ----------------------------------------


def test_default_rule_accepts(fw):
    assert listing(fw) == ["65535 allow ip from any to any"]
    assert passes(fw, ICMP())
    fw.expect(ICMP)
    # The request in and the echo reply out: both hooks see each.
    assert rule(fw, 65535).pcnt == 2
    assert rule(fw, 65535).bcnt == 2 * 28  # IP 20 + ICMP 8


def test_default_rule_alone_counts_every_packet_each_way(fw):
    """With only the default rule the stack counts without walking the
    rules (ip_fw2.c, ipfw_default_pass): still every packet and its IP
    length (ip_len), in and out, for TCP segments of any size; a rule
    added goes back to the walk, and both rules count."""
    lfd = fw.tcp_socket()
    assert fw.tcp_bind(lfd, "", 80) == 0
    assert fw.tcp_listen(lfd, 4) == 0
    sizes, nbytes = (0, 1, 17, 999), 0
    for i, n in enumerate(sizes):
        seg = TCP(sport=41000 + i, dport=80, seq=1000, flags="S") / (b"x" * n)
        nbytes += 20 + 20 + n
        fw.inject(to_us(fw, seg))
        nbytes += fw.expect(TCP)[IP].len  # the SYN-ACK
    r = rule(fw, 65535)
    assert (r.pcnt, r.bcnt) == (2 * len(sizes), nbytes)
    assert r.timestamp > 0
    add(fw, "100 count tcp from any to any")
    fw.inject(to_us(fw, TCP(sport=42000, dport=80, seq=1, flags="S")))
    fw.expect(TCP)
    assert rule(fw, 100).pcnt == 2
    assert rule(fw, 65535).pcnt == 2 * len(sizes) + 2
    assert fw.tcp_close(lfd) == 0


def test_default_to_accept_0_at_boot_denies(make_stack):
    st = make_stack(CONFIG + DENY_CONFIG_BOOT)
    st.arp_add(PEER_IP, PEER_MAC)
    assert listing(st) == ["65535 deny ip from any to any"]
    assert not passes(st, ICMP())
    assert fwstat(st, "ipfw_denied") == 1


def test_default_to_accept_is_boot_only(fw):
    with pytest.raises(StackError) as e:
        fw.sysctl("net.inet.ip.fw.default_to_accept", 0)
    assert e.value.errno == 1  # EPERM: read-only at run time


def test_rules_listed_in_number_order(fw):
    add(fw, "300 deny ip from any to any", "100 count ip from any to any")
    add(fw, "200 allow icmp from any to any")
    assert [r.rulenum for r in rules(fw)] == [100, 200, 300, 65535]


def test_automatic_numbers_step_100(fw):
    add(fw, "allow ip from any to any")
    add(fw, "allow ip from any to any")
    add(fw, "1000 count ip from any to any", "allow ip from any to any")
    assert [r.rulenum for r in rules(fw)] == [100, 200, 1000, 1100, 65535]


def test_same_number_kept_in_order_added(fw):
    add(fw, "100 count tcp from any to any", "100 count udp from any to any")
    assert listing(fw)[:2] == [
        "00100 count tcp from any to any",
        "00100 count udp from any to any",
    ]


def test_enable_0_bypasses(fw):
    add(fw, "100 deny ip from any to any")
    assert not passes(fw, ICMP())
    fw.sysctl("net.inet.ip.fw.enable", 0)
    assert passes(fw, ICMP())
    assert rule(fw, 100).pcnt == 1


# -- actions -------------------------------------------------------------------


def test_deny_port_80_only(fw):
    add(fw, "100 deny tcp from any to me 80")
    assert not passes(fw, syn(80))
    fw.expect_nothing()
    assert passes(fw, syn(81))  # closed port: TCP answers RST
    assert fw.expect(TCP)[TCP].flags == "RA"
    assert passes(fw, ICMP())  # ping still works
    r = rule(fw, 100)
    assert (r.pcnt, r.bcnt) == (1, 40)
    assert r.timestamp > 0


def test_delete_restores(fw):
    add(fw, "100 deny tcp from any to me 80")
    assert not passes(fw, syn(80))
    err, _, _, _ = ipfw(fw, _ffi.FF_IPFW_DELETE, rulenum=100)
    assert err == 0
    assert passes(fw, syn(80))
    err, _, _, _ = ipfw(fw, _ffi.FF_IPFW_DELETE, rulenum=100)
    assert err == 3  # ESRCH


def test_reject_is_host_unreachable(fw):
    add(fw, "100 reject udp from any to any")
    assert not passes(fw, UDP(sport=5000, dport=53) / b"q")
    rep = fw.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, 1)
    assert rep[IP].dst == PEER_IP and rep[IPerror].dst == OUR_IP
    assert fwstat(fw, "ipfw_rejected") == 1


@pytest.mark.parametrize(
    "code,num", [("net", 0), ("port", 3), ("filter-prohib", 13), ("9", 9)]
)
def test_unreach_code(fw, code, num):
    add(fw, "100 unreach %s udp from any to any" % code)
    assert listing(fw)[0].startswith("00100 unreach ")
    assert not passes(fw, UDP(sport=5000, dport=53))
    rep = fw.expect(ICMP)
    assert (rep[ICMP].type, rep[ICMP].code) == (3, num)


def checksums_right(frame):
    """The frame's IP and TCP checksums equal those scapy computes."""
    fresh = frame.copy()
    del fresh[IP].chksum
    del fresh[TCP].chksum
    fresh = fresh.__class__(bytes(fresh))
    return (frame[IP].chksum, frame[TCP].chksum) == (
        fresh[IP].chksum,
        fresh[TCP].chksum,
    )


def test_reset_answers_syn_with_rst_ack(fw):
    add(fw, "100 reset tcp from any to me 80")
    assert not passes(fw, syn(80, seq=1000))
    rep = fw.expect(TCP)
    assert rep[TCP].flags == "RA"
    assert checksums_right(rep)
    assert (rep[TCP].seq, rep[TCP].ack) == (0, 1001)
    assert (rep[TCP].sport, rep[TCP].dport) == (80, 40000)


def test_closed_port_rst_checksum_right(fw):
    """No rule: TCP's own RST (tcp_respond, as reset's) sums right."""
    assert passes(fw, syn(81))
    assert checksums_right(fw.expect(TCP))


def test_reset_answers_ack_with_rst_at_its_ack(fw):
    add(fw, "100 reset tcp from any to me 80")
    assert not passes(fw, syn(80, flags="A") / TCP())
    rep = fw.expect(TCP)
    assert rep[TCP].flags == "R"


def test_reset_never_answers_rst(fw):
    add(fw, "100 reset tcp from any to me 80")
    assert not passes(fw, syn(80, flags="R"))
    fw.expect_nothing()


def test_count_goes_on(fw):
    add(fw, "100 count icmp from any to any", "200 deny icmp from any to any")
    assert not passes(fw, ICMP())
    assert (rule(fw, 100).pcnt, rule(fw, 200).pcnt) == (1, 1)


def test_skipto_jumps_forward(fw):
    add(
        fw,
        "100 skipto 300 icmp from any to any in",
        "200 deny icmp from any to any",
        "300 allow icmp from any to any",
        "400 deny ip from any to any",
    )
    assert passes(fw, ICMP())
    # The echo reply (out) is not skipped: rule 200 denies it.
    assert [rule(fw, n).pcnt for n in (100, 200, 300)] == [1, 1, 1]


def test_skipto_backwards_goes_to_next_rule(fw):
    add(
        fw,
        "100 count icmp from any to any",
        "200 skipto 100 icmp from any to any",
        "300 deny icmp from any to any",
    )
    assert not passes(fw, ICMP())
    assert [rule(fw, n).pcnt for n in (100, 200, 300)] == [1, 1, 1]


def test_call_and_return(fw):
    add(
        fw,
        "100 call 1000 icmp from any to any in",
        "200 allow icmp from any to any",
        "300 deny ip from any to any",
        "1000 count icmp from any to any",
        "1010 return ip from any to any",
        "1020 deny ip from any to any",
    )
    assert passes(fw, ICMP())
    pc = [rule(fw, n).pcnt for n in (100, 200, 300, 1000, 1010, 1020)]
    assert pc == [1, 2, 0, 1, 1, 0]  # the reply out: rule 200 only


def test_return_without_call_goes_on(fw):
    add(fw, "100 return ip from any to any", "200 deny icmp from any to any")
    assert not passes(fw, ICMP())


def test_call_stack_overflow_goes_on(fw):
    # A rule that calls itself: 16 calls, then the call is skipped.
    add(
        fw,
        "100 call 100 icmp from any to any",
        "200 deny icmp from any to any",
    )
    assert not passes(fw, ICMP())
    assert rule(fw, 100).pcnt == 17
    assert fwstat(fw, "ipfw_callstack") == 1


# -- match options ---------------------------------------------------------------


MATCHES = [
    # rule body, packet (layer 4 over IP from the peer), IP fields, matches
    ("tcp from any to any", syn(), {}, True),
    ("udp from any to any", syn(), {}, False),
    ("ip from 198.18.0.1 to any", ICMP(), {}, True),
    ("ip from 198.18.0.0/24 to any", ICMP(), {}, True),
    ("ip from 198.18.1.0/24 to any", ICMP(), {}, False),
    ("ip from 10.0.0.1,198.18.0.1 to any", ICMP(), {}, True),
    ("ip from { 10.0.0.1,198.18.0.0/30 } to any", ICMP(), {}, True),
    ("ip from 10.0.0.1,10.0.0.2 to any", ICMP(), {}, False),
    ("ip from any to me", ICMP(), {}, True),
    ("ip from me to any", ICMP(), {}, False),
    ("ip from not 198.18.0.1 to any", ICMP(), {}, False),
    ("ip from any to not me", ICMP(), {}, False),
    ("tcp from any 40000 to any", syn(), {}, True),
    ("tcp from any to any 79-81", syn(), {}, True),
    ("tcp from any to any 22,443", syn(), {}, False),
    ("tcp from any to any dst-port 80", syn(), {}, True),
    ("tcp from any to any src-port 1-1024", syn(), {}, False),
    ("ip from any to any in", ICMP(), {}, True),
    ("ip from any to any out", ICMP(), {}, False),
    ("ip from any to any via f-stack-0", ICMP(), {}, True),
    ("ip from any to any recv f-stack-*", ICMP(), {}, True),
    ("ip from any to any xmit f-stack-0", ICMP(), {}, False),
    ("ip from any to any via lo0", ICMP(), {}, False),
    ("tcp from any to any setup", syn(), {}, True),
    ("tcp from any to any setup", syn(flags="SA"), {}, False),
    ("tcp from any to any established", syn(flags="A"), {}, True),
    ("tcp from any to any established", syn(), {}, False),
    ("tcp from any to any tcpflags syn,!ack", syn(), {}, True),
    ("tcp from any to any tcpflags fin", syn(), {}, False),
    ("icmp from any to any icmptypes 0,8", ICMP(type=8), {}, True),
    ("icmp from any to any icmptypes 13", ICMP(type=8), {}, False),
    ("ip from any to any iplen 28", ICMP(), {}, True),
    ("ip from any to any iplen 29-1500", ICMP(), {}, False),
    ("ip from any to any ipttl 64", ICMP(), {"ttl": 64}, True),
    ("ip from any to any ipttl 1-10", ICMP(), {"ttl": 64}, False),
    ("ip from any to any frag", b"x" * 16, {"frag": 2, "proto": 17}, True),
    ("ip from any to any frag", ICMP(), {}, False),
    ("ip from any to any not frag", ICMP(), {}, True),
    ("ip from any to any proto icmp", ICMP(), {}, True),
    ("ip from any to any { proto udp or proto icmp }", ICMP(), {}, True),
    ("ip from any to any { proto udp or proto tcp }", ICMP(), {}, False),
    ("ip from any to any { proto udp or not proto tcp }", ICMP(), {}, True),
    (
        "ip from any to any { proto udp or proto icmp } ipttl 1",
        ICMP(),
        {},
        False,
    ),
]


@pytest.mark.parametrize(
    "body,pkt,ipkw,hit",
    MATCHES,
    ids=["%s|%d" % (m[0], i) for i, m in enumerate(MATCHES)],
)
def test_match_option(fw, body, pkt, ipkw, hit):
    add(fw, "100 deny " + body)
    assert passes(fw, pkt, **ipkw) is not hit
    if hit:  # denied: no answer went out to be counted as well
        assert rule(fw, 100).pcnt == 1


def test_options_listed_as_written(fw):
    texts = [
        "00100 deny tcp from any to me 80",
        "00200 allow tcp from 198.18.0.0/24,10.1.2.3 1024-65535 to not me "
        "22,80 in via f-stack-0 setup",
        "00300 count log logamount 5 icmp from any to any icmptypes 0,8 "
        "ipttl 1-64 iplen 28-100",
        "00400 skipto tablearg ip from table(1) to any",
        "00500 reset tcp from any to any { established or tcpflags fin }",
        "00600 unreach port udp from any to any out xmit f-stack-0",
        "00700 allow tcp from any to me 80 limit src-addr dst-port 10",
        "00800 check-state",
        "00900 call 2000 ip from any to any not frag",
        "01000 return ip from any to any",
    ]
    ipfw(fw, _ffi.FF_IPFW_TABLE, subop=_ffi.FF_IPFW_TABLE_CREATE, table=1)
    add(fw, *[t[6:] if t[:5].isdigit() else t for t in texts])
    assert listing(fw)[:-1] == texts


# -- sets ---------------------------------------------------------------------------


def sets(st, subop, rulenum=0, a=0, b=0):
    err, _, head, _ = ipfw(
        st, _ffi.FF_IPFW_SET, subop=subop, rulenum=rulenum, set=a, set2=b
    )
    return err, head


def test_disabled_set_is_skipped(fw):
    add(fw, "100 set 1 deny icmp from any to any")
    assert not passes(fw, ICMP())
    err, head = sets(fw, _ffi.FF_IPFW_SET_ENABLE, b=1 << 1)
    assert err == 0 and head["fp_disabled"] == 1 << 1
    assert passes(fw, ICMP())
    sets(fw, _ffi.FF_IPFW_SET_ENABLE, a=1 << 1)
    assert not passes(fw, ICMP())


def test_enable_and_disable_in_one_change(fw):
    add(fw, "100 set 1 deny icmp from any to any")
    add(fw, "200 set 2 allow icmp from any to any")
    sets(fw, _ffi.FF_IPFW_SET_ENABLE, b=1 << 2)
    assert not passes(fw, ICMP())
    err, head = sets(fw, _ffi.FF_IPFW_SET_ENABLE, a=1 << 2, b=1 << 1)
    assert head["fp_disabled"] == 1 << 1
    assert passes(fw, ICMP())
    assert rule(fw, 200).pcnt == 2  # the request and the echo reply


def test_set_31_cannot_be_disabled(fw):
    assert sets(fw, _ffi.FF_IPFW_SET_ENABLE, b=1 << 31)[0] == 22


def test_move_rule_and_swap_and_move_set(fw):
    add(
        fw,
        "100 deny icmp from any to any",
        "200 set 5 count ip from any to any",
    )
    assert sets(fw, _ffi.FF_IPFW_SET_MOVE_RULE, rulenum=100, b=3)[0] == 0
    assert rule(fw, 100).set == 3
    sets(fw, _ffi.FF_IPFW_SET_SWAP, a=3, b=5)
    assert (rule(fw, 100).set, rule(fw, 200).set) == (5, 3)
    sets(fw, _ffi.FF_IPFW_SET_MOVE, a=5, b=7)
    assert rule(fw, 100).set == 7
    sets(fw, _ffi.FF_IPFW_SET_ENABLE, b=1 << 7)
    assert passes(fw, ICMP())
    assert rule(fw, 65535).set == 31


def test_delete_set_and_flush_keep_set_31(fw):
    add(
        fw,
        "100 set 1 count ip from any to any",
        "200 set 2 count ip from any to any",
    )
    add(fw, "300 set 31 count ip from any to any")
    err, _, _, _ = ipfw(
        fw, _ffi.FF_IPFW_DELETE, flags=_ffi.FF_IPFWF_SET, set=1
    )
    assert err == 0
    assert [r.rulenum for r in rules(fw)] == [200, 300, 65535]
    ipfw(fw, _ffi.FF_IPFW_FLUSH)
    assert [r.rulenum for r in rules(fw)] == [300, 65535]


# -- counters and logs ----------------------------------------------------------


def test_counters_and_zero(fw):
    add(fw, "100 count icmp from any to me", "200 count udp from any to any")
    for _ in range(3):
        passes(fw, ICMP() / (b"x" * 12))
    passes(fw, UDP(sport=1, dport=9))
    assert (rule(fw, 100).pcnt, rule(fw, 100).bcnt) == (3, 120)
    assert ipfw(fw, _ffi.FF_IPFW_ZERO, rulenum=100)[0] == 0
    assert (rule(fw, 100).pcnt, rule(fw, 100).timestamp) == (0, 0)
    assert rule(fw, 200).pcnt == 1
    assert ipfw(fw, _ffi.FF_IPFW_ZERO, rulenum=150)[0] == 3  # ESRCH
    ipfw(fw, _ffi.FF_IPFW_ZERO)
    assert all(r.pcnt == 0 for r in rules(fw))


def test_log_logamount_and_resetlog(fw, tmp_path):
    fw.sysctl("net.inet.ip.fw.verbose", 1)
    add(fw, "100 count log logamount 2 icmp from any to any in")
    with LogCapture(tmp_path / "a.log") as log:
        for _ in range(3):
            passes(fw, ICMP())
    assert [ln for ln in log.lines if "ipfw:" in ln] == [
        "ipfw: 100 Count ICMP:8 198.18.0.1 198.18.0.2 in via f-stack-0",
        "ipfw: 100 Count ICMP:8 198.18.0.1 198.18.0.2 in via f-stack-0",
        "ipfw: limit 2 reached on entry 100",
    ]
    assert fwstat(fw, "ipfw_log_limited") == 1
    ipfw(fw, _ffi.FF_IPFW_RESETLOG, rulenum=100)
    with LogCapture(tmp_path / "b.log") as log:
        passes(fw, ICMP())
    assert [ln for ln in log.lines if "ipfw:" in ln] == [
        "ipfw: 100 Count ICMP:8 198.18.0.1 198.18.0.2 in via f-stack-0"
    ]


def test_log_quiet_without_verbose(fw, tmp_path):
    add(fw, "100 count log icmp from any to any in")
    with LogCapture(tmp_path / "a.log") as log:
        passes(fw, ICMP())
    assert not [ln for ln in log.lines if "ipfw:" in ln]


def test_cut_transport_header_seen_without_ports(fw):
    """A TCP header cut short matches no port option and is counted;
    TCP then drops it as malformed."""
    add(fw, "100 deny tcp from any to any 80", "200 count tcp from any to any")
    fw.inject(to_us(fw, b"\x9c\x40\x00\x50" + b"\0" * 6, proto=6))
    assert (rule(fw, 100).pcnt, rule(fw, 200).pcnt) == (0, 1)
    assert fwstat(fw, "ipfw_short") == 1


# -- the output hook --------------------------------------------------------------


def test_output_denied_with_eacces(fw):
    add(fw, "100 deny udp from me to any out")
    assert fw.ip_output(PEER_IP, proto=17, payload=b"\0" * 8) == -13
    fw.expect_nothing()
    assert fw.ip_output(PEER_IP, proto=253) == 0
    assert fw.expect(IP)[IP].proto == 253


def test_echo_reply_denied_on_output(fw):
    add(fw, "100 deny icmp from me to any icmptypes 0 xmit f-stack-0")
    assert passes(fw, ICMP())
    fw.expect_nothing()
    assert rule(fw, 100).pcnt == 1


# -- what the stack refuses --------------------------------------------------------


def raw_rule(num, words, act_ofs, set_=0):
    import struct

    cmd = b"".join(struct.pack("=BBH", *w) for w in words)
    return _ffi.encode_ipfw_rule(num, set_, act_ofs, cmd)


@pytest.mark.parametrize(
    "words,act_ofs,why",
    [
        ([(99, 1, 0), (_ffi.O_DENY, 1, 0)], 1, "unknown opcode"),
        ([(_ffi.O_DENY, 1, 0), (_ffi.O_DENY, 1, 0)], 0, "two actions"),
        ([(_ffi.O_PROTO, 1, 6)], 0, "no action"),
        ([(_ffi.O_PROTO, 3, 6), (_ffi.O_DENY, 1, 0)], 1, "length past action"),
        ([(_ffi.O_IP_SRC_MASK, 1, 0), (_ffi.O_DENY, 1, 0)], 1, "no address"),
        ([(_ffi.O_PROTO, 1 | 0x40, 6), (_ffi.O_DENY, 1, 0)], 1, "open or"),
        ([(_ffi.O_REJECT, 1, 16)], 0, "bad unreach code"),
        (
            [(_ffi.O_IP_SRC_LOOKUP, 2, 7), (0, 0, 0), (_ffi.O_DENY, 1, 0)],
            2,
            "no table",
        ),
    ],
)
def test_bad_rule_refused_set_unchanged(fw, words, act_ofs, why):
    add(fw, "100 count ip from any to any")
    before = listing(fw)
    data = raw_rule(200, [(_ffi.O_COUNT, 1, 0)], 0) + raw_rule(
        300, words, act_ofs
    )
    err, _, _, _ = ipfw(fw, _ffi.FF_IPFW_ADD, data, 2)
    assert err in (22, 2), why  # EINVAL, ENOENT (table)
    assert listing(fw) == before


def test_rule_65535_refused(fw):
    data = raw_rule(65535, [(_ffi.O_DENY, 1, 0)], 0)
    assert ipfw(fw, _ffi.FF_IPFW_ADD, data, 1)[0] == 22
    assert ipfw(fw, _ffi.FF_IPFW_DELETE, rulenum=65535)[0] == 22


def test_truncated_request_refused(fw):
    data = raw_rule(100, [(_ffi.O_DENY, 1, 0)], 0)
    assert ipfw(fw, _ffi.FF_IPFW_ADD, data[:-8], 1)[0] == 22
    assert ipfw(fw, _ffi.FF_IPFW_ADD, data, 2)[0] == 22
    assert ipfw(fw, 99)[0] == 22


def test_100000_rules_load_and_list(fw):
    per = 800
    for base in range(0, 100000, per):
        texts = [
            "%d count tcp from 10.%d.%d.0/24 to any 8080"
            % (1 + (base + i) * 65534 // 100000, i % 250, base % 250)
            for i in range(per)
        ]
        add(fw, *texts)
    got = rules(fw)
    assert len(got) == 100001
    assert got[-1].rulenum == 65535
    assert [r.rulenum for r in got] == sorted(r.rulenum for r in got)
    assert passes(fw, ICMP())  # 100,000 rules looked at, none matched
    assert rule(fw, 65535).pcnt == 2  # the request and the echo reply
