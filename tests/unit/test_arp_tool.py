"""ff-arp: arp(8)'s lines for every kind of entry, operand checks,
--json keys pinned.  End to end: tests/stack/test_net_tools.py."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from fstools import arp, stack
from fstools.views import arp as arp_view

LEARNT = stack.ArpEntry(
    proc_id=0,
    ip="198.18.0.1",
    mac="02:18:00:00:00:01",
    interface="f-stack-0",
    flags=0x445,
    expire=1195,
    index=2,
)


@pytest.mark.parametrize(
    "entry,text",
    [
        (
            LEARNT,
            "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 expires in "
            "1195 seconds [ethernet]",
        ),
        (
            replace(LEARNT, flags=0xC45, expire=0),
            "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 permanent "
            "[ethernet]",
        ),
        (
            replace(LEARNT, flags=0x4C45, expire=0),
            "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 permanent "
            "published [ethernet]",
        ),
        (
            replace(LEARNT, flags=0x444, expire=0),
            "? (198.18.0.1) at (incomplete) on f-stack-0 expired [ethernet]",
        ),
    ],
)
def test_lines_golden(entry, text):
    assert arp_view.line(entry) == text


def test_json_keys_pinned():
    rec = arp_view.json_entry(LEARNT)
    assert tuple(rec) == arp_view.JSON_KEYS
    assert rec == {
        "proc_id": 0,
        "ip": "198.18.0.1",
        "mac": "02:18:00:00:00:01",
        "interface": "f-stack-0",
        "expires": 1195,
        "permanent": False,
        "published": False,
        "type": "ethernet",
    }


def test_sorted_by_address():
    es = [
        replace(LEARNT, ip=d)
        for d in ("198.18.0.10", "198.18.0.9", "10.0.0.1")
    ]
    assert [e.ip for e in sorted(es, key=stack.address_key)] == [
        "10.0.0.1",
        "198.18.0.9",
        "198.18.0.10",
    ]


@pytest.mark.parametrize(
    "args,code,message",
    [
        ([], 2, "give -a or one host"),
        (["-a", "198.18.0.1"], 2, "-a takes no host"),
        (["-d", "-s", "198.18.0.1"], 2, "exclude each other"),
        (["-s", "198.18.0.1"], 2, "missing Ethernet address"),
        (
            [
                "-s",
                "198.18.0.1",
                "zz",
            ],
            1,
            "ff-arp: invalid Ethernet address 'zz'",
        ),
        (
            ["-s", "198.18.0.1", "02:00:00:00:00:01", "bogus"],
            2,
            "Invalid parameter 'bogus'",
        ),
        (
            ["-s", "198.18.0.1", "02:00:00:00:00:01", "only"],
            2,
            "Invalid parameter 'only'",
        ),
        (
            ["-s", "198.18.0.1", "02:00:00:00:00:01", "blackhole"],
            1,
            "ff-arp: blackhole: not supported",
        ),
        (
            ["-S", "198.18.0.1", "02:00:00:00:00:01", "pub", "reject"],
            1,
            "ff-arp: reject: not supported",
        ),
        (["-d", "host.example"], 1, "ff-arp: host.example: bad address"),
        (["-f"], 2, "-f takes one file name"),
        (["-f", "a", "b"], 2, "-f takes one file name"),
        (["-f", "-a"], 2, "take no -a"),
        (["-f", "-s", "x"], 2, "exclude each other"),
        (
            ["-f", "/nonexistent/ethers"],
            1,
            "ff-arp: cannot open /nonexistent/ethers: No such file or directory",
        ),
        (
            ["-i", "f-stack-0", "-s", "198.18.0.1", "02:00:00:00:00:01"],
            1,
            "ff-arp: -i not applicable to this operation",
        ),
        (
            ["-i", "f-stack-0", "-d", "198.18.0.1"],
            1,
            "ff-arp: -i not applicable to this operation",
        ),
    ],
)
def test_operand_errors(args, code, message):
    r = CliRunner().invoke(arp.command, args)
    assert r.exit_code == code and message in r.output


@pytest.mark.parametrize(
    "words,entry",
    [
        ("198.18.0.9 2:18:0:0:0:9", (False, False)),
        ("198.18.0.9 2:18:0:0:0:9 temp", (True, False)),
        ("198.18.0.9 2:18:0:0:0:9 pub", (False, True)),
        ("198.18.0.9 2:18:0:0:0:9 pub only", (False, True)),
        ("198.18.0.9 2:18:0:0:0:9 temp pub only", (True, True)),
        ("198.18.0.9 2:18:0:0:0:9 pub temp", (True, True)),
    ],
)
def test_set_grammar(words, entry):
    e = arp.parse_entry(words.split())
    assert e == arp.Entry("198.18.0.9", bytes.fromhex("021800000009"), *entry)


def test_file_checked_before_anything_is_set(tmp_path):
    good = tmp_path / "good"
    good.write_text(
        "# gateways\n\n  198.18.0.1 02:18:00:00:00:01\n"
        "198.18.0.9 2:18:0:0:0:9 temp pub # proxied\n"
    )
    assert arp.read_file(str(good)) == [
        arp.Entry("198.18.0.1", bytes.fromhex("021800000001")),
        arp.Entry("198.18.0.9", bytes.fromhex("021800000009"), True, True),
    ]
    bad = tmp_path / "bad"
    bad.write_text(
        "198.18.0.1 02:18:00:00:00:01\n198.18.0.2\n"
        "198.18.0.3 zz\n198.18.0.4 02:18:00:00:00:04 bogus\n"
        "198.18.0.5 02:18:00:00:00:05 blackhole\n"
    )
    r = CliRunner().invoke(arp.command, ["-f", str(bad)])
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.splitlines() == [
        "ff-arp: %s:2: bad line: 198.18.0.2" % bad,
        "ff-arp: %s:3: invalid Ethernet address 'zz'" % bad,
        "ff-arp: %s:4: Invalid parameter 'bogus'" % bad,
        "ff-arp: %s:5: blackhole: not supported: this stack's ARP entries "
        "cannot discard or reject traffic" % bad,
        "ff-arp: %s: 4 bad lines, no entry set" % bad,
    ]
