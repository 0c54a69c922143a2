"""ff-arp: arp(8)'s lines for every kind of entry, operand checks,
--json keys pinned.  End to end: tests/stack/test_net_tools.py."""

import pytest
from click.testing import CliRunner

from fstools import arp

MAC = bytes.fromhex("021800000001")
LEARNT = {"dst": "198.18.0.1", "lladdr": MAC, "ifname": "f-stack-0",
          "flags": 0x445, "expire": 1195, "index": 2}


@pytest.mark.parametrize("entry,text", [
    (LEARNT, "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 expires in "
             "1195 seconds [ethernet]"),
    (dict(LEARNT, flags=0xC45, expire=0),
     "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 permanent "
     "[ethernet]"),
    (dict(LEARNT, flags=0x4C45, expire=0),
     "? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 permanent "
     "published [ethernet]"),
    (dict(LEARNT, flags=0x444, expire=0),
     "? (198.18.0.1) at (incomplete) on f-stack-0 expired [ethernet]"),
])
def test_lines_golden(entry, text):
    assert arp.line(entry) == text


def test_json_keys_pinned():
    rec = arp.json_entry(0, LEARNT)
    assert tuple(rec) == arp.JSON_KEYS
    assert rec == {"proc_id": 0, "ip": "198.18.0.1",
                   "mac": "02:18:00:00:00:01", "interface": "f-stack-0",
                   "expires": 1195, "permanent": False, "published": False,
                   "type": "ethernet"}


def test_sorted_by_address():
    es = [dict(LEARNT, dst=d) for d in ("198.18.0.10", "198.18.0.9",
                                        "10.0.0.1")]
    assert [e["dst"] for e in sorted(es, key=arp.sort_key)] == [
        "10.0.0.1", "198.18.0.9", "198.18.0.10"]


@pytest.mark.parametrize("args,code,message", [
    ([], 2, "give -a or one host"),
    (["-a", "198.18.0.1"], 2, "-a takes no host"),
    (["-d", "-s", "198.18.0.1"], 2, "exclude each other"),
    (["-s", "198.18.0.1"], 2, "missing Ethernet address"),
    (["-s", "198.18.0.1", "zz", ], 1,
     "ff-arp: invalid Ethernet address 'zz'"),
    (["-s", "198.18.0.1", "02:00:00:00:00:01", "temp"], 1, "ff-arp: temp"),
    (["-s", "198.18.0.1", "02:00:00:00:00:01", "bogus"], 2, "bad modifier"),
    (["-d", "host.example"], 1, "ff-arp: host.example: bad address"),
])
def test_operand_errors(args, code, message):
    r = CliRunner().invoke(arp.command, args)
    assert r.exit_code == code and message in r.output
