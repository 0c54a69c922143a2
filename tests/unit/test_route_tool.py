"""ff-route: route(8)'s grammar and messages, the get block and the
netstat -rn table compared with FreeBSD's, --json keys pinned.
End to end against the real handler: tests/stack/test_net_tools.py."""

from dataclasses import replace

import click
import pytest

from fstools import netcmd, route, stack
from fstools.views import route as route_view
from fstools.route import Request, parse

GW = stack.Route(
    proc_id=0,
    destination="0.0.0.0",
    netmask="0.0.0.0",
    gateway="198.18.0.1",
    flags=0x843,
    interface="f-stack-0",
    index=2,
    mtu=1500,
    weight=1,
    expire=0,
    use=5,
)
NET = replace(
    GW,
    destination="198.18.0.0",
    netmask="255.255.255.0",
    gateway=None,
    flags=0x100041,
)
LOCAL = replace(
    GW,
    destination="198.18.0.2",
    netmask="255.255.255.255",
    gateway=None,
    flags=0x300845,
    index=1,
    interface="lo0",
)


@pytest.mark.parametrize(
    "words,req",
    [
        (
            ["add", "-net", "198.19.0.0/16", "198.18.0.1"],
            Request(
                "add",
                "198.19.0.0",
                0xC6130000,
                16,
                False,
                "198.18.0.1",
                0xC6120001,
            ),
        ),
        (
            ["add", "198.19.1.1", "198.18.0.1"],
            Request(
                "add",
                "198.19.1.1",
                0xC6130101,
                32,
                True,
                "198.18.0.1",
                0xC6120001,
            ),
        ),
        (
            [
                "add",
                "-net",
                "198.19.0.0",
                "198.18.0.1",
                "-netmask",
                "255.255.0.0",
            ],
            Request(
                "add",
                "198.19.0.0",
                0xC6130000,
                16,
                False,
                "198.18.0.1",
                0xC6120001,
            ),
        ),
        (
            ["add", "-net", "10.0.0.0", "-interface", "f-stack-0"],
            Request(
                "add", "10.0.0.0", 0x0A000000, 8, False, ifname="f-stack-0"
            ),
        ),
        (
            ["add", "default", "198.18.0.1"],
            Request("add", "default", 0, 0, False, "198.18.0.1", 0xC6120001),
        ),
        (
            ["change", "-net", "198.19.0.0/16", "-mtu", "1400"],
            Request("change", "198.19.0.0", 0xC6130000, 16, False, mtu=1400),
        ),
        (
            ["delete", "-net", "198.19.5.0/16"],
            Request("delete", "198.19.5.0", 0xC6130000, 16, False),
        ),
        (
            ["get", "198.19.1.1"],
            Request("get", "198.19.1.1", 0xC6130101, None, False),
        ),
        (
            ["show", "198.19.1.1"],
            Request("get", "198.19.1.1", 0xC6130101, None, False),
        ),
        (["show"], Request("show")),
        (["flush"], Request("flush")),
    ],
)
def test_parse(words, req):
    assert parse(words) == req


@pytest.mark.parametrize(
    "words",
    [
        ["frob"],
        ["add"],
        ["add", "-net", "198.19.0.0/16"],
        ["add", "-net", "198.19.0.0/16", "198.18.0.1", "extra"],
        ["add", "-host", "198.19.0.0/16", "198.18.0.1"],
        ["add", "198.19.0.0/16", "198.18.0.1", "-interface", "f-stack-0"],
        ["add", "198.19.0.0/16", "198.18.0.1", "-mtu", "20"],
        ["add", "198.19.0.0/16", "198.18.0.1", "-bogus"],
        ["get"],
        ["flush", "x"],
    ],
)
def test_parse_usage_errors(words):
    with pytest.raises(click.UsageError):
        parse(words)


@pytest.mark.parametrize(
    "words",
    [
        ["add", "198.19.0.300", "198.18.0.1"],
        ["add", "x", "198.18.0.1"],
        ["add", "198.19.0.0/16", "gw.example"],
        ["add", "198.19.0.0", "198.18.0.1", "-netmask", "255.0.255.0"],
    ],
)
def test_parse_bad_addresses(words):
    with pytest.raises(netcmd.BadValue):
        parse(words)


def test_change_lines():
    req = parse(["add", "-net", "198.19.0.0/16", "198.18.0.1"])
    assert route.change_line(req) == "add net 198.19.0.0: gateway 198.18.0.1"
    assert route.change_line(req, "route already in table") == (
        "add net 198.19.0.0: gateway 198.18.0.1: route already in table"
    )
    req = parse(["add", "-host", "198.19.1.1", "-interface", "f-stack-0"])
    assert route.change_line(req) == "add host 198.19.1.1: gateway f-stack-0"
    assert (
        route.change_line(parse(["delete", "default"])) == "delete net default"
    )


def test_get_block_golden():
    # ../shared/reference/fstack-tool-outputs.md, "route -p 0 -n get default"
    # (our default route is also STATIC: added from the config).
    assert (
        "\n".join(
            route_view.get_block("0.0.0.0", replace(GW, flags=0x43), True)
        )
        == """\
   route to: 0.0.0.0
destination: 0.0.0.0
       mask: 0.0.0.0
    gateway: 198.18.0.1
        fib: 0
  interface: f-stack-0
      flags: <UP,GATEWAY,DONE>
 recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire
       0         0         0         0      1500         1         0 """
    )
    # Asked by name with -n, the answer is still numeric, as FreeBSD's.
    assert (
        route_view.get_block("default", GW, True)[0] == "   route to: 0.0.0.0"
    )
    lines = route_view.get_block("default", GW, False)
    assert lines[1] == "destination: default"
    lines = route_view.get_block("198.18.0.2", LOCAL, True)
    assert "mask" not in "".join(lines) and "gateway" not in "".join(lines)
    assert lines[-3] == "      flags: <UP,HOST,DONE,STATIC,PINNED,LOCAL>"


def test_show_table_golden():
    assert route_view.show_table([GW, LOCAL, NET]) == [
        "Routing tables",
        "",
        "Internet:",
        "Destination        Gateway            Flags      Netif Expire",
        "default            198.18.0.1         UGS    f-stack-0",
        "198.18.0.2         link#1             UHS          lo0",
        "198.18.0.0/24      link#2             U      f-stack-0",
    ]
    short = replace(NET, interface="lo0")
    assert route_view.show_table([short])[3] == (
        "Destination        Gateway            Flags     Netif Expire"
    )


def test_json_keys_pinned():
    rec = route_view.json_route(GW)
    assert tuple(rec) == route_view.JSON_KEYS
    assert rec["prefixlen"] == 0 and rec["gateway"] == "198.18.0.1"
    assert route_view.json_route(NET)["gateway"] is None


def test_class_len():
    assert route._class_len(0x0A000000) == 8
    assert route._class_len(0x0A010000) == 16
    assert route._class_len(0xC6130000) == 24
