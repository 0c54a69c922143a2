"""ff-sysctl against a live primary in a namespace: read, write and read
back, refusals, and -a under a second."""

import json


def test_read_write_read_back(primary):
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn")
    assert (cp.returncode, cp.stdout) == (0, "kern.ipc.somaxconn: 128\n"), (
        cp.stderr
    )
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=1024")
    assert (cp.returncode, cp.stdout) == (
        0,
        "kern.ipc.somaxconn: 128 -> 1024\n",
    ), cp.stderr
    cp = primary.tool("ff-sysctl", "-n", "kern.ipc.somaxconn")
    assert cp.stdout == "1024\n"


def test_refusals_leave_the_stack_unchanged(primary):
    cp = primary.tool("ff-sysctl", "nosuch.oid")
    assert (cp.returncode, cp.stderr) == (
        1,
        "ff-sysctl: unknown oid 'nosuch.oid'\n",
    )
    cp = primary.tool("ff-sysctl", "kern.ostype=bsd")
    assert cp.returncode == 1 and "read only" in cp.stderr
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=abc")
    assert cp.stderr == "ff-sysctl: invalid unsigned integer 'abc'\n"
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=70000")
    assert cp.stderr == (
        "ff-sysctl: kern.ipc.somaxconn=70000: Invalid argument\n"
    )
    cp = primary.tool("ff-sysctl", "-n", "kern.ipc.somaxconn", "kern.ostype")
    assert cp.stdout == "128\nff\n"


def test_all_lists_every_node_once(primary):
    # How long -a takes is bench/tools_bench.py's business, not a test's.
    cp = primary.tool("ff-sysctl", "-a")
    assert cp.returncode == 0, cp.stderr
    names = [l.split(":")[0] for l in cp.stdout.splitlines()]
    assert "kern.ostype" in names and "kern.ipc.maxsockbuf" in names
    assert len(names) == len(set(names))


def test_stats_struct_decoded_from_the_abi_table(primary):
    """net.inet.icmp.stats is the whole struct icmpstat ("S,icmpstat"):
    --json gives its counters by name, decoded with the layout the library
    exports (no field list in the tools); the text form is sysctl(8)'s
    for an opaque struct: skipped by -a without -o, a dump when named."""
    cp = primary.nsexec(
        "ping",
        "-n",
        "-c",
        "3",
        "-i",
        "0.2",
        "-W",
        "2",
        "198.18.0.2",
        check=False,
        timeout=60,
    )
    assert "3 received" in cp.stdout, cp.stdout
    cp = primary.tool("ff-sysctl", "--json", "net.inet.icmp.stats")
    (rec,) = json.loads(cp.stdout)
    assert rec["format"] == "S,icmpstat"
    stats = rec["value"]
    assert stats["icps_inhist"][8] >= 3  # ICMP_ECHO in (RFC 792 type 8)
    assert stats["icps_outhist"][0] >= 3  # ICMP_ECHOREPLY out
    assert stats["icps_reflect"] >= 3
    cp = primary.tool("ff-sysctl", "net.inet.icmp.stats")
    assert cp.stdout.startswith("net.inet.icmp.stats: Format:S,icmpstat ")
    cp = primary.tool("ff-sysctl", "-a")
    assert "net.inet.icmp.stats:" not in cp.stdout
    cp = primary.tool("ff-sysctl", "-ao")
    assert "net.inet.icmp.stats: Format:S,icmpstat " in cp.stdout
