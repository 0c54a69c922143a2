"""ff-ipfw against a live stack in a namespace, with Linux's curl and
ping as the peer (examples/helloworld serves port 80).

ipfw(8): `deny' drops silently (curl waits until its --max-time, exit
28) while other traffic goes on; `delete' restores; `reset' answers a
SYN with a RST and `unreach port' with ICMP port unreachable, both of
which Linux reports to connect() as ECONNREFUSED at once (curl exit 7); `count' counts what ping sent (84-byte
datagrams: 20 IP + 8 ICMP + 56 data); with the default rule denying
(net.inet.ip.fw.default_to_accept=0), `allow tcp from any to me 80
setup keep-state' serves curl and nothing else gets in.
"""

import json
import sys

import pytest

from .conftest import ROOT, STACK_ADDR

URL = "http://%s/" % STACK_ADDR
CONNECT = (
    "import socket\n"
    "try:\n"
    "    socket.create_connection((%r, 80), timeout=2)\n"
    "    print('connected')\n"
    "except OSError as e:\n"
    "    print(type(e).__name__)\n" % STACK_ADDR
)


@pytest.fixture
def web(make_primary):
    if not (ROOT / "examples" / "helloworld").exists():
        pytest.skip("examples/helloworld not built")
    return make_primary(program=ROOT / "examples" / "helloworld")


def curl(h, url=URL):
    return h.nsexec(
        "curl",
        "-s",
        "-S",
        "-o",
        "/dev/null",
        "--max-time",
        "2",
        url,
        check=False,
        timeout=20,
    )


def ping(h, count=1):
    return h.nsexec(
        "ping",
        "-n",
        "-q",
        "-c",
        str(count),
        "-i",
        "0.2",
        "-W",
        "2",
        STACK_ADDR,
        check=False,
        timeout=20,
    )


def ipfw(h, *args):
    cp = h.tool("ff-ipfw", *args)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return cp.stdout


def test_deny_80_then_delete(web):
    assert curl(web).returncode == 0
    assert (
        ipfw(web, "add", "100", "deny", "tcp", "from", "any", "to", "me", "80")
        == "00100 deny tcp from any to me 80\n"
    )
    cp = curl(web)
    assert cp.returncode == 28, cp.stderr  # timed out: dropped silently
    assert ping(web).returncode == 0
    show = ipfw(web, "show").splitlines()
    assert show[0].startswith("00100 ") and show[0].endswith(
        "deny tcp from any to me 80"
    )
    assert int(show[0].split()[1]) >= 1  # the SYNs curl sent
    assert show[-1].split()[0] == "65535"
    ipfw(web, "delete", "100")
    assert curl(web).returncode == 0
    assert ipfw(web, "list") == "65535 allow ip from any to any\n"


@pytest.mark.parametrize("action", ["reset", "unreach port"])
def test_refused_at_once(web, action):
    ipfw(
        web,
        "add",
        "100",
        *action.split(),
        "tcp",
        "from",
        "any",
        "to",
        "me",
        "80",
    )
    cp = curl(web)
    assert cp.returncode == 7, cp.stderr  # failed to connect, not 28
    cp = web.nsexec(sys.executable, "-c", CONNECT, check=False, timeout=20)
    assert cp.stdout.strip() == "ConnectionRefusedError", cp.stdout + cp.stderr
    assert ping(web).returncode == 0


def test_counters_match_packets_sent(web):
    ipfw(web, "add", "100", "count", "icmp", "from", "any", "to", "me")
    assert ping(web, 5).returncode == 0
    (rule,) = [
        r
        for r in json.loads(ipfw(web, "-P", "0", "--json", "show"))
        if r["rulenum"] == 100
    ]
    assert (rule["packets"], rule["bytes"]) == (5, 5 * 84)
    ipfw(web, "zero", "100")
    (rule,) = [
        r
        for r in json.loads(ipfw(web, "--json", "show"))
        if r["rulenum"] == 100
    ]
    assert rule["packets"] == 0


def test_default_deny_keep_state(make_primary):
    if not (ROOT / "examples" / "helloworld").exists():
        pytest.skip("examples/helloworld not built")
    h = make_primary(
        program=ROOT / "examples" / "helloworld",
        extra_config="net.inet.ip.fw.default_to_accept=0\n",
    )
    assert ipfw(h, "list") == "65535 deny ip from any to any\n"
    assert curl(h).returncode == 28
    ipfw(h, "add", "100", "check-state")
    ipfw(
        h,
        "add",
        "200",
        "allow",
        "tcp",
        "from",
        "any",
        "to",
        "me",
        "80",
        "setup",
        "keep-state",
    )
    for _ in range(3):
        cp = curl(h)
        assert cp.returncode == 0, cp.stderr
    assert ping(h).returncode == 1  # nothing else gets in
    assert curl(h, "http://%s:81/" % STACK_ADDR).returncode == 28
    # Rule 200 matched 3 SYNs itself; the rest of each connection, both
    # ways, matched through its dynamic rule.
    (r200,) = [
        r for r in json.loads(ipfw(h, "--json", "show")) if r["rulenum"] == 200
    ]
    assert r200["packets"] > 3 * 3


def test_table_of_a_million_entries(web):
    """A table made for 1,000,000 entries takes them all (in messages of
    4,000) and refuses one more; a rule on it denies the peer's ping by
    its value."""
    ipfw(web, "table", "1", "create", "limit", "1000000")
    # 10.0.0.0/29, 10.0.0.8/29, ...: disjoint prefixes, and the peer.
    entries = [
        ("10.%d.%d.%d" % (a >> 16 & 255, a >> 8 & 255, a & 255), 29, i)
        for i, a in ((i, i * 8) for i in range(999999))
    ]
    entries.append(("198.18.0.1", 32, 7))
    web.stack.ipfw_table_add(1, entries)
    (info,) = web.stack.ipfw_tables(1)
    assert (info.count, info.limit) == (1000000, 1000000)
    cp = web.tool("ff-ipfw", "table", "1", "add", "198.18.0.9")
    assert cp.returncode == 1 and "table is full" in cp.stderr
    ipfw(web, "add", "100", "deny", "icmp", "from", "table(1,8)", "to", "any")
    assert ping(web).returncode == 0  # the peer's value is 7, not 8
    ipfw(web, "add", "200", "deny", "icmp", "from", "table(1)", "to", "any")
    assert ping(web).returncode == 1


def test_rules_file_in_order_stops_at_the_refused_line(web, tmp_path):
    """A rules file runs in its order (adds in messages of as many as
    fit, the table commands and the delete between them where they
    stand); the first line the stack refuses is named file:line, the
    ones before it stay, none after it runs."""
    f = tmp_path / "rules"
    f.write_text(
        "# the peer's pings denied through table 1\n"
        "add 100 count icmp from any to any\n"
        "table 1 create\n"
        "table 1 add 198.18.0.1 8\n"
        "add 200 deny icmp from table(1,8) to any\n"
        "add 300 count tcp from any to me 80\n"
        "delete 100\n"
        "table 2 create limit 1\n"
        "table 2 add 10.0.0.1\n"
        "table 2 add 10.0.0.2\n"
        "add 400 deny tcp from any to me 80\n"
    )
    cp = web.tool("ff-ipfw", "-q", str(f))
    assert cp.returncode == 1, cp.stdout + cp.stderr
    assert cp.stderr == "ff-ipfw: %s:10: table_add: table is full\n" % f
    assert ipfw(web, "list") == (
        "00200 deny icmp from table(1,8) to any\n"
        "00300 count tcp from any to me 80\n"
        "65535 allow ip from any to any\n"
    )
    assert ping(web).returncode == 1
    assert curl(web).returncode == 0
