"""ff-ipfw's NAT grammar (ipfw(8): `ipfw nat N config ip A [same_ports]
[reset] [redirect_addr L P] [redirect_port proto L:p[,L2:p2...] [A:]P]',
`nat N show config', `nat N show log', `nat N delete'), its text and
--json, without a stack; the stack's side is tests/stack/test_ipfw_nat.py.
"""

import pytest
from click.testing import CliRunner

from fstools import _ffi, ipfw
from fstools.ipfw_nat import NatError, format_config, format_log, parse
from fstools.records.ipfw import NatInstance, NatRedirect
from fstools.stack import _encode_nat_config, _nat_instance
from fstools.views import ipfw as view

LB = (
    "ipfw nat 1 config ip 198.18.0.2 same_ports reset "
    "redirect_port tcp 198.19.0.10:8080,198.19.0.11:8080 80"
)


def test_config_parsed():
    kind, n, cfg = parse(LB.split()[2:])
    assert (kind, n) == ("nat_config", 1)
    assert (cfg.ip, cfg.same_ports, cfg.reset) == ("198.18.0.2", True, True)
    assert cfg.redirects == (
        NatRedirect(
            "port",
            "tcp",
            "",
            80,
            (("198.19.0.10", 8080, 0), ("198.19.0.11", 8080, 0)),
        ),
    )


@pytest.mark.parametrize(
    "text",
    [
        LB,
        "ipfw nat 7 config ip 198.18.0.2",
        "ipfw nat 2 config ip 198.18.0.2 redirect_addr 198.19.0.10 "
        "198.18.0.50",
        "ipfw nat 3 config ip 198.18.0.2 redirect_port udp "
        "198.19.0.10:53 198.18.0.9:5353",
    ],
)
def test_show_config_is_the_command(text):
    """show config prints the command that makes the instance, also
    after the wire form and back (as the stack answers it)."""
    _, _, cfg = parse(text.split()[2:])
    assert format_config(cfg) == text
    raw = _encode_nat_config(cfg)
    (rec,) = _ffi.decode_ipfw_nats(raw, 1)
    assert format_config(_nat_instance(0, rec).config) == text


@pytest.mark.parametrize(
    "words,message",
    [
        ("1 config", "ip is required"),
        ("1 config ip 198.18.0.300", "bad address 198.18.0.300"),
        ("1 config ip 198.18.0.2 log", "unsupported option log"),
        ("1 config ip 198.18.0.2 if f-stack-0", "unsupported option if"),
        ("0 config ip 198.18.0.2", "invalid nat number 0"),
        ("65536 show config", "invalid nat number 65536"),
        (
            "1 config ip 198.18.0.2 redirect_port sctp 198.19.0.1:80 80",
            "unknown protocol sctp",
        ),
        (
            "1 config ip 198.18.0.2 redirect_port tcp 198.19.0.1:80-90 80",
            "port ranges are not supported",
        ),
        (
            "1 config ip 198.18.0.2 redirect_port tcp 198.19.0.1 80",
            "missing port",
        ),
        (
            "1 config ip 198.18.0.2 redirect_port tcp 198.19.0.1:70000 80",
            "bad port 70000",
        ),
        (
            "1 config ip 198.18.0.2 redirect_port tcp 198.19.0.1:80",
            "needs an argument",
        ),
        (
            "1 config ip 198.18.0.2 redirect_port tcp 198.19.0.1:80 80 "
            "198.18.0.9",
            "remote part is not supported",
        ),
        ("1 config ip 198.18.0.2 redirect_addr 198.19.0.1", "argument"),
        ("1 frob", "invalid nat command"),
        ("", "needs an instance number"),
    ],
)
def test_bad_configs(words, message):
    with pytest.raises(NatError, match=message):
        parse(words.split())


def test_too_many_backends():
    many = ",".join("198.19.0.%d:80" % i for i in range(1, 34))
    with pytest.raises(NatError, match="more than 32 backends"):
        parse(
            ("1 config ip 198.18.0.2 redirect_port tcp %s 80" % many).split()
        )


def test_commands_parsed():
    kinds = [
        ipfw.parse(("nat " + w).split()).kind
        for w in (
            "1 config ip 198.18.0.2",
            "1 show config",
            "1 show",
            "1 show log",
            "1 delete",
            "show config",
        )
    ]
    assert kinds == [
        "nat_config",
        "nat_show_config",
        "nat_show_config",
        "nat_show_log",
        "nat_delete",
        "nat_show_config",
    ]
    assert ipfw.parse("nat show config".split()).args == (0, None)


def test_cli_bad_nat_exit_1():
    r = CliRunner().invoke(ipfw.command, "nat 1 config ip 198.18.0.2 log")
    assert r.exit_code == 1
    assert "ff-ipfw: nat 1 config: unsupported option log" in r.output


def _instance():
    _, _, cfg = parse(LB.split()[2:])
    cfg = cfg.__class__(
        cfg.nat,
        cfg.ip,
        cfg.same_ports,
        cfg.reset,
        (
            NatRedirect(
                "port",
                "tcp",
                "",
                80,
                (("198.19.0.10", 8080, 3), ("198.19.0.11", 8080, 2)),
            ),
        ),
    )
    return NatInstance(0, cfg, 5, 4, 0, 1, 40, 38, 6, 1, 1, 0, 0)


def test_show_log_line():
    assert view.nat_log_line(_instance()) == (
        "nat 1: icmp=1, udp=0, tcp=4 / tot=5, in=40, out=38, new=6, "
        "full=1, expired=1, frag=0, reset=0"
    )
    assert format_log(_instance()) == view.nat_log_line(_instance())


def test_json_keys_pinned():
    rec = view.json_nat(_instance())
    assert tuple(rec) == view.NAT_KEYS
    assert rec["redirects"] == [
        {
            "mode": "port",
            "proto": "tcp",
            "public_addr": "198.18.0.2",
            "public_port": 80,
            "backends": [
                {"addr": "198.19.0.10", "port": 8080, "flows": 3},
                {"addr": "198.19.0.11", "port": 8080, "flows": 2},
            ],
        }
    ]
    assert (rec["states"], rec["full"], rec["in"]) == (5, 1, 40)
