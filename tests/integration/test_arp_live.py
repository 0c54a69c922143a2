"""ff-arp against a live primary in a namespace: the Linux side's MAC
learnt and listed as FreeBSD prints it, deleted, a permanent entry and a
published one that Linux resolves, a temporary one with its expiry, -S
and -f; bad input that leaves the table as it was.  Traffic stays in the
test's namespace, addresses in 198.18.0.0/15."""

import re

from .conftest import PEER_ADDR, STACK_ADDR


def ping(prim, dst, count=1, tries=3):
    """Linux pings dst (a few tries: the host may be busy)."""
    return any(
        prim.nsexec(
            "ping", "-c", str(count), "-W", "2", dst, check=False, timeout=30
        ).returncode
        == 0
        for _ in range(tries)
    )


def test_list_delete_set(primary):
    assert ping(primary, STACK_ADDR)
    cp = primary.tool("ff-arp", "-a")
    assert cp.returncode == 0, cp.stderr
    lines = cp.stdout.splitlines()
    assert re.fullmatch(
        r"\? \(198\.18\.0\.1\) at %s on f-stack-0 expires in \d+ seconds "
        r"\[ethernet\]" % primary.peer_mac,
        lines[0],
    ), lines
    assert lines[1] == (
        "? (198.18.0.2) at %s on f-stack-0 permanent [ethernet]" % primary.mac
    )
    cp = primary.tool("ff-arp", "-d", PEER_ADDR)
    assert (cp.returncode, cp.stdout) == (
        0,
        "198.18.0.1 (198.18.0.1) deleted\n",
    )
    assert PEER_ADDR not in primary.tool("ff-arp", "-a").stdout
    cp = primary.tool("ff-arp", "-d", PEER_ADDR)
    assert (cp.returncode, cp.stderr) == (
        1,
        "ff-arp: delete: cannot locate 198.18.0.1\n",
    )
    cp = primary.tool("ff-arp", "-s", "198.18.0.40", "02:18:00:00:00:40")
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, "", "")
    assert primary.tool("ff-arp", "198.18.0.40").stdout == (
        "? (198.18.0.40) at 02:18:00:00:00:40 on f-stack-0 permanent "
        "[ethernet]\n"
    )


def test_published_entry_answers_linux(primary):
    cp = primary.tool(
        "ff-arp", "-s", "198.18.0.50", "02:18:00:00:00:50", "pub"
    )
    assert cp.returncode == 0, cp.stderr
    assert "published" in primary.tool("ff-arp", "198.18.0.50").stdout
    neigh = ""
    for _ in range(5):  # no echo reply; the ARP is enough
        ping(primary, "198.18.0.50", tries=1)
        neigh = primary.nsexec("ip", "neigh", "show", "198.18.0.50").stdout
        if "lladdr" in neigh:
            break
    assert "lladdr 02:18:00:00:00:50" in neigh, (
        neigh,
        primary.tool("ff-sysctl", "net.link.ether.arp").stdout,
    )


def test_temp_replace_and_file(primary, tmp_path):
    max_age = int(
        primary.tool("ff-sysctl", "-n", "net.link.ether.inet.max_age").stdout
    )
    cp = primary.tool(
        "ff-arp", "-s", "198.18.0.60", "02:18:00:00:00:60", "temp"
    )
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, "", "")
    line = primary.tool("ff-arp", "198.18.0.60").stdout
    m = re.fullmatch(
        r"\? \(198\.18\.0\.60\) at 02:18:00:00:00:60 on "
        r"f-stack-0 expires in (\d+) seconds \[ethernet\]\n",
        line,
    )
    assert m and 0 < int(m.group(1)) <= max_age, line
    # -S: the temporary entry goes, a permanent one takes its place.
    cp = primary.tool("ff-arp", "-S", "198.18.0.60", "02:18:00:00:00:61")
    assert (cp.returncode, cp.stdout) == (
        0,
        "198.18.0.60 (198.18.0.60) deleted\n",
    ), cp.stderr
    assert primary.tool("ff-arp", "198.18.0.60").stdout == (
        "? (198.18.0.60) at 02:18:00:00:00:61 on f-stack-0 permanent "
        "[ethernet]\n"
    )
    ethers = tmp_path / "ethers"
    ethers.write_text(
        "# two by hand\n198.18.0.61 02:18:00:00:00:62\n"
        "198.18.0.62 02:18:00:00:00:63 temp pub\n"
    )
    cp = primary.tool("ff-arp", "-f", str(ethers))
    assert (cp.returncode, cp.stdout, cp.stderr) == (0, "", "")
    out = primary.tool("ff-arp", "-a").stdout
    assert (
        "? (198.18.0.61) at 02:18:00:00:00:62 on f-stack-0 permanent "
        "[ethernet]\n"
    ) in out
    assert re.search(
        r"\? \(198\.18\.0\.62\) at 02:18:00:00:00:63 on "
        r"f-stack-0 expires in \d+ seconds published "
        r"\[ethernet\]\n",
        out,
    ), out
    for host in ("198.18.0.60", "198.18.0.61", "198.18.0.62"):
        assert primary.tool("ff-arp", "-d", host).returncode == 0


def test_delete_all_and_bad_input(primary):
    assert ping(primary, STACK_ADDR)
    assert (
        primary.tool(
            "ff-arp", "-s", "198.18.0.40", "02:18:00:00:00:40"
        ).returncode
        == 0
    )

    def table():
        return re.sub(
            r"expires in \d+",
            "expires in N",
            primary.tool("ff-arp", "-a").stdout,
        )

    before = table()
    cases = [
        (
            ("-s", "203.0.113.5", "02:00:00:00:00:01"),
            1,
            "ff-arp: cannot intuit interface index and type for 203.0.113.5\n",
        ),
        (
            ("-s", "198.18.0.41", "zz:00"),
            1,
            "ff-arp: invalid Ethernet address 'zz:00'\n",
        ),
        (("-s", "198.18.0.300", "02:00:00:00:00:01"), 1, None),
        (
            ("-i", "nosuch0", "-a"),
            1,
            "ff-arp: interface nosuch0 does not exist\n",
        ),
        (
            ("-d", "198.18.0.77"),
            1,
            "ff-arp: delete: cannot locate 198.18.0.77\n",
        ),
        (("-s", "198.18.0.41"), 2, None),
        (("-s", "198.18.0.41", "02:00:00:00:00:01", "temp", "bogus"), 2, None),
        (("-s", "198.18.0.41", "02:00:00:00:00:01", "reject"), 1, None),
        (
            ("-f", "/nonexistent/ethers"),
            1,
            "ff-arp: cannot open /nonexistent/ethers: No such file or "
            "directory\n",
        ),
        ((), 2, None),
    ]
    for args, code, err in cases:
        cp = primary.tool("ff-arp", *args)
        assert cp.returncode == code and cp.stderr, (args, cp.stderr)
        if err:
            assert cp.stderr == err, args
    assert table() == before
    cp = primary.tool("ff-arp", "-d", "-a")
    assert cp.returncode == 0
    assert "198.18.0.40 (198.18.0.40) deleted" in cp.stdout
    # Linux may confirm its neighbour at any time, and the stack learns
    # 198.18.0.1 again: only the entries set by hand must stay gone.
    out = primary.tool("ff-arp", "-a").stdout
    assert "198.18.0.40" not in out
    assert (
        "? (198.18.0.2) at %s on f-stack-0 permanent [ethernet]\n"
        % primary.mac
    ) in out
