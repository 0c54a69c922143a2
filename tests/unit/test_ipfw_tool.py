"""ff-ipfw: FreeBSD's rule grammar compiled and printed back (round
trip), ipfw(8)'s errors for bad rules, show's column widths (F-Stack's
ipfw capture in /work/shared/reference), rules files checked whole,
--json keys pinned.  Against the stack: tests/stack/test_ipfw*.py and
tests/integration/test_ipfw_live.py."""

import struct

import pytest
from click.testing import CliRunner

from fstools import _ffi, ipfw
from fstools.ipfw_rule import (
    RuleError,
    compile_rule,
    decode_cmd,
    format_rule,
    rule_from_record,
)
from fstools.records.ipfw import IpfwState
from fstools.views import ipfw as view

ROUND_TRIP = [
    "00100 deny tcp from any to me 80",
    "00100 allow ip from any to any",
    "00200 allow tcp from any to me 80 setup keep-state",
    "00300 reject udp from 198.18.0.0/24 to any 53",
    "00400 reset tcp from any to any 1000-2000,3000",
    "00500 unreach port udp from any to not me",
    "00600 count log icmp from any to any icmptypes 0,8",
    "00700 count log logamount 5 ip from 10.0.0.1,10.0.0.2 to any in",
    "00800 skipto 1000 ip from any to any out xmit f-stack-0",
    "00900 skipto tablearg ip from table(1) to any",
    "01000 call 2000 ip from table(2,7) to any via lo0",
    "01100 return ip from any to any",
    "01200 check-state",
    "01300 prob 0.500000 deny icmp from any to any",
    "01400 deny tcp from any to any { established or tcpflags fin,!ack }",
    "01500 allow tcp from any to me 22 limit src-addr 4",
    "01600 deny ip from any to any not frag iplen 1-40 ipttl 1",
    "01700 deny ip from 10.0.0.0:255.0.255.0 to any",
    "01800 allow ip from any to any recv f-stack-*",
    "01900 deny ip from not me to any proto udp",
    "02000 nat 1 tcp from any to 198.18.0.2 80 in",
    "02100 nat 65535 tcp from 198.19.0.0/24 8080 to any out",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip(text):
    rule = compile_rule(text.split())
    assert format_rule(rule) == text
    # Through the wire form and back, as the stack answers it.
    raw = rule.encode()
    rec = _ffi.decode_ipfw_rules(raw, 1)[0]
    assert format_rule(rule_from_record(rec)) == text


def test_set_and_counters_in_show():
    r = compile_rule("100 set 3 count tcp from any to any 80".split())
    assert r.set == 3
    r.pcnt, r.bcnt = 6, 394
    assert format_rule(r, counters=(2, 4)) == (
        "00100  6  394 count tcp from any to any 80"
    )


def test_show_widths_as_fstack_prints():
    """F-Stack's ipfw show: one column width for all rules."""
    a = compile_rule("100 count tcp from any to any 80".split())
    b = compile_rule("allow ip from any to any".split())
    b.rulenum, b.pcnt, b.bcnt = 65535, 15, 1635
    w = view.widths([a, b])
    assert [view.rule_line(r, w) for r in (a, b)] == [
        "00100  0    0 count tcp from any to any 80",
        "65535 15 1635 allow ip from any to any",
    ]


def test_dst_port_option_prints_after_address():
    r = compile_rule("100 deny tcp from any to any dst-port 80".split())
    assert format_rule(r) == "00100 deny tcp from any to any 80"


def test_compact():
    r = compile_rule("100 count ip from any to any via lo0".split())
    assert view.rule_line(r, compact=True) == "00100 count via lo0"


def test_instruction_layout():
    """The words FreeBSD's ipfw_insn has: opcode, len | flags, arg1."""
    r = compile_rule("100 deny tcp from not 10.0.0.0/8 to any 80".split())
    cmd = b"".join(i.encode() for i in r.match + r.action)
    assert struct.unpack_from("=BBH", cmd, 0) == (_ffi.O_PROTO, 1, 6)
    assert struct.unpack_from("=BBH", cmd, 4) == (
        _ffi.O_IP_SRC_MASK,
        3 | _ffi.F_NOT,
        0,
    )
    assert cmd[8:16] == bytes([10, 0, 0, 0, 255, 0, 0, 0])
    assert struct.unpack_from("=BBHI", cmd, 16) == (
        _ffi.O_IP_DSTPORT,
        2,
        0,
        80 | 80 << 16,
    )
    match, action = decode_cmd(cmd, 6)
    assert [i.op for i in action] == [_ffi.O_DENY]


@pytest.mark.parametrize(
    "text,message",
    [
        ("100 alow tcp from any to any", "invalid action alow"),
        ("100 deny tcp from 1.2.3 to any", "hostname ``1.2.3'' unknown"),
        ("100 deny tcp from any to any 70000", "port 70000 out of range"),
        ("65536 deny ip from any to any", "rule number 65536 out of range"),
        ("65535 deny ip from any to any", "rule number 65535 is the default"),
        ("100 deny tcp from any", "missing to"),
        ("100 deny", "missing protocol"),
        (
            "100 deny tcp from any to any keep-state limit src-addr 1",
            "only one",
        ),
        ("100 nat 0 ip from any to any", "nat 0 out of range"),
        ("100 nat ip from any to any", "invalid nat ip"),
        ("100 unreach 16 ip from any to any", "unreach code 16 out of range"),
        ("100 deny ip from 10.0.0.0/33 to any", "mask length 33 out of range"),
        ("100 deny tcp from any to any bogus", "unrecognised option"),
    ],
)
def test_bad_rules(text, message):
    with pytest.raises(RuleError, match=message.replace("``", ".*")):
        compile_rule(text.split())


def test_cli_bad_rule_exit_1_nothing_sent():
    r = CliRunner().invoke(ipfw.command, "add 100 alow tcp from any to any")
    assert r.exit_code == 1
    assert "ff-ipfw: invalid action alow" in r.output


def test_rules_file_checked_whole(tmp_path):
    f = tmp_path / "rules"
    f.write_text(
        "# a comment\n"
        "add 100 allow tcp from any to me 80\n"
        "add 200 alow tcp from any to any\n"
        "ipfw add 300 deny tcp from any to any 70000\n"
        "table 1 add 10.0.0.0/8 5\n"
    )
    r = CliRunner().invoke(ipfw.command, [str(f)])
    assert r.exit_code == 1
    assert "%s:3: invalid action alow" % f in r.output
    assert "%s:4: port 70000 out of range" % f in r.output
    assert "2 bad lines, nothing applied" in r.output


def test_rules_file_parsed():
    ops = [
        ipfw.parse(w.split())
        for w in (
            "add 100 allow tcp from any to me 80",
            "delete 100 200",
            "set disable 1 2 enable 3",
            "set move rule 100 to 4",
            "set swap 1 2",
            "table 1 add 10.0.0.0/8 5",
            "table 1 create limit 1000000",
            "zero",
            "show 100-200",
        )
    ]
    assert [o.kind for o in ops] == [
        "add",
        "delete",
        "set_enable",
        "set_move_rule",
        "set_swap",
        "table_add",
        "table_create",
        "zero",
        "show",
    ]
    assert ops[2].args == (1 << 3, 1 << 1 | 1 << 2)  # (enable, disable)
    assert ops[5].args == (1, ("10.0.0.0", 8, 5))
    assert ops[6].args == (1, 1000000)
    assert ops[8].args == ((100, 200),)


@pytest.mark.parametrize(
    "words,message",
    [
        ("delete 0", "rule number 0 out of range"),
        ("set disable 32", "invalid set number 32"),
        ("table 1 add 10.0.0.0/40", "bad table entry"),
        ("frob", "bad command"),
    ],
)
def test_bad_commands(words, message):
    with pytest.raises(ipfw.BadCommand, match=message):
        ipfw.parse(words.split())


def test_json_keys_pinned():
    r = compile_rule("100 deny tcp from any to me 80".split())
    r.pcnt, r.bcnt, r.timestamp = 3, 180, 1796629913
    rec = view.json_rule(0, r)
    assert tuple(rec) == view.RULE_KEYS
    assert rec == {
        "proc_id": 0,
        "rulenum": 100,
        "set": 0,
        "packets": 3,
        "bytes": 180,
        "last_match": 1796629913,
        "action": "deny",
        "body": "tcp from any to me 80",
        "text": "00100 deny tcp from any to me 80",
    }
    s = IpfwState(
        0,
        200,
        6,
        "198.18.0.1",
        40000,
        "198.18.0.2",
        80,
        299,
        5,
        300,
        "keep-state",
    )
    assert tuple(view.json_state(s)) == view.STATE_KEYS
    assert view.state_line(s, (1, 3)) == (
        "00200 5 300 (299s) STATE tcp 198.18.0.1 40000 <-> 198.18.0.2 80"
    )


def test_sets_line():
    assert view.sets_line(1 << 1 | 1 << 2).startswith(
        "disable 1 2 enable 0 3 "
    )


def test_names_port_by_service():
    r = compile_rule("100 deny tcp from any to any 22".split())
    assert (
        view.rule_line(r, names=True) == "00100 deny tcp from any to any ssh"
    )


def test_launch_reads_no_prefix_from_ipfw_dash_p():
    """ff-ipfw's -P is the process (F-Stack's); the early attach must not
    take it for the prefix."""
    from fstools import launch

    assert launch.prefix_of(["-P", "0", "show"], None) is None
    assert launch.prefix_of(["--prefix", "x", "-P", "1"], None) == "x"
    assert launch.prefix_of(["-P", "y"]) == "y"
    assert "ff-ipfw" in launch.P_IS_PROC


def test_sets_and_times_columns():
    r = compile_rule("100 set 4 count ip from any to any".split())
    assert view.rule_line(r, show_set=True) == (
        "00100 set 4 count ip from any to any"
    )
    # Never matched: the time column is blank, 20 wide.
    assert view.rule_line(r, stamps=True) == (
        "00100 " + " " * 20 + " count ip from any to any"
    )
    r.timestamp = 1796629913
    line = view.rule_line(r, stamps=True)
    assert line.startswith("00100 ") and line.endswith(
        " 2026 count ip from any to any"
    )
