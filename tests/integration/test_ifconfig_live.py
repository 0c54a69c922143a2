"""ff-ifconfig against a live primary in a namespace: the interface as
FreeBSD prints it, an alias that answers Linux's ping and stops when
removed, an MTU that changes what the stack sends, and bad input that
leaves the stack as it was.  Traffic stays in the test's namespace,
addresses in 198.18.0.0/15."""

import json

from .conftest import PEER_ADDR, STACK_ADDR


def ping(prim, dst, *args, count=2):
    return (
        prim.nsexec(
            "ping",
            "-c",
            str(count),
            "-W",
            "2",
            "-i",
            "0.2",
            *args,
            dst,
            check=False,
            timeout=30,
        ).returncode
        == 0
    )


def answers(prim, dst, tries=4):
    """Linux's ping is answered, allowing for neighbour resolution after
    a change (a FAILED entry waits for the next packet) and a busy host."""
    return any(ping(prim, dst) for _ in range(tries))


def reassembled(prim):
    """Linux's count of datagrams it reassembled (Ip: ReasmOKs)."""
    lines = [
        l.split()
        for l in prim.nsexec("cat", "/proc/net/snmp").stdout.splitlines()
        if l.startswith("Ip:")
    ]
    return int(dict(zip(lines[0], lines[1]))["ReasmOKs"])


def test_show(primary):
    cp = primary.tool("ff-ifconfig", "f-stack-0")
    assert cp.returncode == 0, cp.stderr
    lines = cp.stdout.splitlines()
    # [dpdk] promiscuous=1 is the default, as in F-Stack.
    assert lines[0] == (
        "f-stack-0: flags=8943<UP,BROADCAST,RUNNING,PROMISC,"
        "SIMPLEX,MULTICAST> metric 0 mtu 1500"
    )
    assert "\tether %s" % primary.mac in lines
    assert (
        "\tinet %s netmask 0xffffff00 broadcast 198.18.0.255" % STACK_ADDR
    ) in lines
    assert lines[-1] == "\tstatus: active"
    assert primary.tool("ff-ifconfig", "-l").stdout == "lo0 f-stack-0\n"


def test_counters_follow_traffic(primary):
    def counters():
        cp = primary.tool("ff-ifconfig", "--json", "f-stack-0")
        return json.loads(cp.stdout)[0]["counters"]

    before = counters()
    assert ping(primary, STACK_ADDR, count=3)
    after = counters()
    assert after["ipackets"] >= before["ipackets"] + 3
    assert after["opackets"] >= before["opackets"] + 3
    assert after["ibytes"] > before["ibytes"]
    assert (
        "\tinput: packets "
        in primary.tool("ff-ifconfig", "-v", "f-stack-0").stdout
    )


def test_alias_answers_ping_then_stops(primary):
    primary.nsexec("ip", "addr", "add", "198.18.1.1/24", "dev", primary.tap)
    assert not ping(primary, "198.18.1.2", count=1)
    cp = primary.tool(
        "ff-ifconfig", "f-stack-0", "inet", "198.18.1.2/24", "alias"
    )
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, "", "")
    assert (
        "\tinet 198.18.1.2 netmask 0xffffff00 broadcast 198.18.1.255"
        in primary.tool("ff-ifconfig", "f-stack-0").stdout
    )
    assert answers(primary, "198.18.1.2")
    cp = primary.tool(
        "ff-ifconfig", "f-stack-0", "inet", "198.18.1.2", "-alias"
    )
    assert cp.returncode == 0, cp.stderr
    assert "198.18.1.2" not in primary.tool("ff-ifconfig", "f-stack-0").stdout
    assert not ping(primary, "198.18.1.2", count=2)
    assert answers(primary, STACK_ADDR)  # the primary address still is


def test_mtu_changes_what_the_stack_sends(primary):
    # 1420 bytes of data: 1448-byte datagrams, unfragmented at 1500.
    n = reassembled(primary)
    assert ping(primary, STACK_ADDR, "-s", "1420", "-M", "dont")
    assert reassembled(primary) == n
    cp = primary.tool("ff-ifconfig", "f-stack-0", "mtu", "1400")
    assert cp.returncode == 0, cp.stderr
    assert "mtu 1400" in primary.tool("ff-ifconfig", "f-stack-0").stdout
    assert ping(primary, STACK_ADDR, "-s", "1420", "-M", "dont")
    assert reassembled(primary) > n  # the replies came in pieces
    assert (
        primary.tool("ff-ifconfig", "f-stack-0", "mtu", "1500").returncode == 0
    )
    n = reassembled(primary)
    assert ping(primary, STACK_ADDR, "-s", "1420", "-M", "dont")
    assert reassembled(primary) == n


def test_down_and_up(primary):
    assert primary.tool("ff-ifconfig", "f-stack-0", "down").returncode == 0
    assert primary.tool("ff-ifconfig", "-d", "-l").stdout == "f-stack-0\n"
    assert not ping(primary, STACK_ADDR, count=1)
    assert primary.tool("ff-ifconfig", "f-stack-0", "up").returncode == 0
    assert answers(primary, STACK_ADDR)


def test_bad_input_leaves_the_stack_unchanged(primary):
    before = primary.tool("ff-ifconfig", "--json").stdout
    cases = [
        (("nosuch0",), 1, "ff-ifconfig: interface nosuch0 does not exist\n"),
        (
            ("nosuch0", "mtu", "1400"),
            1,
            "ff-ifconfig: interface nosuch0 does not exist\n",
        ),
        (
            ("f-stack-0", "198.18.1.300/24", "alias"),
            1,
            "ff-ifconfig: 198.18.1.300: bad value\n",
        ),
        (
            ("f-stack-0", "mtu", "20"),
            1,
            "ff-ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n",
        ),
        (
            ("f-stack-0", "198.18.0.77", "-alias"),
            1,
            "ff-ifconfig: ioctl (SIOCDIFADDR): Cannot assign requested "
            "address\n",
        ),
        (
            ("f-stack-0", "224.0.0.1/24", "alias"),
            1,
            "ff-ifconfig: ioctl (SIOCAIFADDR): Invalid argument\n",
        ),
    ]
    for args, code, err in cases:
        cp = primary.tool("ff-ifconfig", *args)
        assert (cp.returncode, cp.stderr) == (code, err), args
    for args in (
        ("f-stack-0", "mtu"),
        ("f-stack-0", "mtu", "big"),
        ("f-stack-0", "alias"),
        ("-u", "-d"),
    ):
        cp = primary.tool("ff-ifconfig", *args)
        assert cp.returncode == 2 and cp.stderr, args
    after = primary.tool("ff-ifconfig", "--json").stdout

    def strip(s):
        return [dict(r, counters=None) for r in json.loads(s)]

    assert strip(after) == strip(before)
    assert PEER_ADDR


def test_txcsum_off_and_on(primary):
    """FreeBSD's -txcsum: options= loses TXCSUM (and TSO4 with it), the
    stack sums the IP headers itself and is still answered; txcsum puts
    it back.  lo0's stay (Operation not supported)."""

    def options(name="f-stack-0"):
        cp = primary.tool("ff-ifconfig", "--json", name)
        return json.loads(cp.stdout)[0]["option_names"]

    assert "TXCSUM" in options()  # net_tap: IPv4/TCP/UDP tx checksum
    cp = primary.tool("ff-ifconfig", "f-stack-0", "-txcsum")
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, "", "")
    assert not {"TXCSUM", "TSO4"} & set(options())
    assert answers(primary, STACK_ADDR)
    cp = primary.tool("ff-ifconfig", "f-stack-0", "txcsum")
    assert cp.returncode == 0, cp.stderr
    assert "TXCSUM" in options()
    assert answers(primary, STACK_ADDR)
    cp = primary.tool("ff-ifconfig", "lo0", "-rxcsum")
    assert cp.returncode == 1
    assert cp.stderr == (
        "ff-ifconfig: -rxcsum: ioctl (SIOCSIFCAP): Operation not supported\n"
    )
    assert "RXCSUM" in options("lo0")
