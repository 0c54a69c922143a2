"""ff-route against a live primary in a namespace: a route that shows in
`get` and that traffic follows, removed by `delete`; FreeBSD's messages;
bad input that leaves the table as it was.  Traffic stays in the test's
namespace, addresses in 198.18.0.0/15."""

from .conftest import PEER_ADDR, STACK_ADDR

REMOTE = "198.19.1.1"  # a second address on the Linux side


def ping_from(prim, src, count=2):
    return (
        prim.nsexec(
            "ping",
            "-c",
            str(count),
            "-W",
            "2",
            "-i",
            "0.2",
            "-I",
            src,
            STACK_ADDR,
            check=False,
            timeout=30,
        ).returncode
        == 0
    )


def test_route_add_get_traffic_delete(primary):
    primary.nsexec("ip", "addr", "add", REMOTE + "/32", "dev", primary.tap)
    # Without the default route the stack has no way back to 198.19/16.
    cp = primary.tool("ff-route", "delete", "default")
    assert (cp.returncode, cp.stdout) == (0, "delete net default\n"), cp.stderr
    assert not ping_from(primary, REMOTE, count=1)
    cp = primary.tool("ff-route", "add", "-net", "198.19.0.0/16", PEER_ADDR)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        0,
        "add net 198.19.0.0: gateway 198.18.0.1\n",
        "",
    )
    cp = primary.tool("ff-route", "-n", "get", REMOTE)
    assert cp.returncode == 0, cp.stderr
    assert cp.stdout.splitlines()[:7] == [
        "   route to: 198.19.1.1",
        "destination: 198.19.0.0",
        "       mask: 255.255.0.0",
        "    gateway: 198.18.0.1",
        "        fib: 0",
        "  interface: f-stack-0",
        "      flags: <UP,GATEWAY,DONE,STATIC>",
    ]
    assert any(ping_from(primary, REMOTE) for _ in range(4))
    show = primary.tool("ff-route", "-n", "show").stdout
    assert "198.19.0.0/16      198.18.0.1         UGS    f-stack-0" in show
    cp = primary.tool("ff-route", "delete", "-net", "198.19.0.0/16")
    assert (cp.returncode, cp.stdout) == (0, "delete net 198.19.0.0\n")
    assert not ping_from(primary, REMOTE, count=1)
    cp = primary.tool("ff-route", "get", REMOTE)
    assert (cp.returncode, cp.stderr) == (
        1,
        "ff-route: route has not been found\n",
    )
    cp = primary.tool("ff-route", "add", "default", PEER_ADDR)
    assert cp.stdout == "add net default: gateway 198.18.0.1\n"


def test_change_and_mtu(primary):
    assert (
        primary.tool("ff-route", "add", "198.19.0.0/16", PEER_ADDR).returncode
        == 0
    )
    cp = primary.tool(
        "ff-route", "change", "198.19.0.0/16", PEER_ADDR, "-mtu", "1280"
    )
    assert cp.returncode == 0, cp.stderr
    out = primary.tool("ff-route", "-n", "get", "198.19.0.5").stdout
    assert out.splitlines()[-1].split()[4] == "1280"


def test_messages_and_bad_input(primary):
    assert (
        primary.tool("ff-route", "add", "198.19.0.0/16", PEER_ADDR).returncode
        == 0
    )
    before = primary.tool("ff-route", "-n", "show").stdout
    cp = primary.tool("ff-route", "add", "-net", "198.19.0.0/16", PEER_ADDR)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        1,
        "",
        "ff-route: writing to routing socket: File exists\n"
        "ff-route: add net 198.19.0.0: gateway 198.18.0.1: route already "
        "in table\n",
    )
    cases = [
        (("delete", "198.20.0.0/16"), 1, "not in table"),
        (("add", "198.20.0.0/16", "198.19.5.5"), 1, "Network is unreachable"),
        (
            ("add", "198.20.0.0/16", "-interface", "nosuch0"),
            1,
            "ff-route: interface nosuch0 does not exist",
        ),
        (("add", "198.20.0.300/16", PEER_ADDR), 1, "bad address"),
        (("add", "198.20.0.0/16", "gateway.example"), 1, "bad address"),
        (("delete", "198.18.0.0/24"), 1, "entry in use"),
        (("add", "198.20.0.0/16"), 2, "missing gateway"),
        (("add",), 2, "missing destination"),
        (("frobnicate",), 2, "bad command"),
        (("add", "198.20.0.0/16", PEER_ADDR, "-mtu", "x"), 2, "not a number"),
    ]
    for args, code, text in cases:
        cp = primary.tool("ff-route", *args)
        assert cp.returncode == code and text in cp.stderr, (args, cp.stderr)
    assert primary.tool("ff-route", "-n", "show").stdout == before
