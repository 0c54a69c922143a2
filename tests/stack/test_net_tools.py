"""ff-ifconfig, ff-route and ff-arp end to end against a test-port stack:
the tools' requests answered by the real handlers through ff_test_msg()
(no shared memory, no EAL of a primary), their output compared with
FreeBSD's formats."""

import json

import pytest
from click.testing import CliRunner

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi, arp, ifconfig, ipc, route
from fstools.views import arp as arp_view
from fstools.views import iface as iface_view
from fstools.views import route as route_view


class FakeStack:
    """ipc.Session's shape, answered by one or two test stacks."""

    stacks = []

    def __init__(self, prefix=None, timeout=2.0):
        pass

    def attach(self):
        return self

    def detach(self):
        pass

    def proc_ids(self, spec):
        return list(range(len(self.stacks))) if spec == "all" else [spec]

    def request(self, proc, msg_type, body=b"", cursor=0):
        err, cur, rep = self.stacks[proc].msg(msg_type, body, cursor=cursor)
        if err:
            raise _ffi.stack_error(err)
        return ipc.Reply(msg_type, 0, cur, proc, 0, rep)

    def request_parts(self, proc, msg_type, body=b""):
        cursor = 0
        while True:
            reply = self.request(proc, msg_type, body, cursor)
            yield reply
            if not reply.cursor:
                return
            cursor = reply.cursor


@pytest.fixture
def tool(st, monkeypatch):
    monkeypatch.setattr(ipc, "Session", FakeStack)
    monkeypatch.setattr(FakeStack, "stacks", [st])
    monkeypatch.delenv("FF_PROC_ID", raising=False)

    def run(cmd, *args):
        r = CliRunner().invoke(cmd.command, list(args))
        return r.exit_code, r.stdout, r.stderr

    return run


def test_ifconfig_show(st, tool):
    code, out, err = tool(ifconfig, "f-stack-0")
    assert code == 0 and err == ""
    assert out == (
        "f-stack-0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> "
        "metric 0 mtu 1500\n"
        "\tether %s\n"
        "\tinet 198.18.0.2 netmask 0xffffff00 broadcast 198.18.0.255\n"
        "\tmedia: Ethernet autoselect\n"
        "\tstatus: active\n" % st.mac()
    )
    code, out, _ = tool(ifconfig, "-a")
    assert out.startswith(
        "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> "
        "metric 0 mtu 16384\n\toptions=80003<RXCSUM,"
        "TXCSUM,LINKSTATE>\n\tinet 127.0.0.1 netmask "
        "0xff000000\n\tgroups: lo\nf-stack-0: "
    )
    assert tool(ifconfig, "-l")[1] == "lo0 f-stack-0\n"
    assert "\tinput: packets " in tool(ifconfig, "-v", "f-stack-0")[1]


def test_ifconfig_configure(st, tool):
    assert tool(ifconfig, "f-stack-0", "inet", "198.18.1.2/24", "alias") == (
        0,
        "",
        "",
    )
    out = tool(ifconfig, "f-stack-0")[1]
    assert (
        "\tinet 198.18.1.2 netmask 0xffffff00 broadcast 198.18.1.255\n" in out
    )
    assert tool(ifconfig, "f-stack-0", "198.18.1.2", "-alias")[0] == 0
    assert "198.18.1.2" not in tool(ifconfig, "f-stack-0")[1]
    assert tool(ifconfig, "f-stack-0", "mtu", "1400", "promisc")[0] == 0
    out = tool(ifconfig, "f-stack-0")[1]
    assert out.startswith(
        "f-stack-0: flags=8943<UP,BROADCAST,RUNNING,"
        "PROMISC,SIMPLEX,MULTICAST> metric 0 mtu 1400"
    )
    assert tool(ifconfig, "f-stack-0", "down")[0] == 0
    assert tool(ifconfig, "-d", "-l")[1] == "f-stack-0\n"
    assert tool(ifconfig, "-u", "-l")[1] == "lo0\n"


def test_ifconfig_errors(st, tool):
    assert tool(ifconfig, "nosuch0") == (
        1,
        "",
        "ff-ifconfig: interface nosuch0 does not exist\n",
    )
    assert tool(ifconfig, "nosuch0", "mtu", "1400")[0] == 1
    code, out, err = tool(ifconfig, "f-stack-0", "198.18.1.300/24", "alias")
    assert (code, err) == (1, "ff-ifconfig: 198.18.1.300: bad value\n")
    code, _, err = tool(ifconfig, "f-stack-0", "198.18.0.9", "-alias")
    assert (code, err) == (
        1,
        "ff-ifconfig: ioctl (SIOCDIFADDR): Cannot assign requested address\n",
    )
    code, _, err = tool(ifconfig, "f-stack-0", "mtu", "20")
    assert (code, err) == (
        1,
        "ff-ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n",
    )
    assert tool(ifconfig, "f-stack-0", "mtu")[0] == 2
    assert tool(ifconfig, "f-stack-0", "mtu", "big")[0] == 2
    assert tool(ifconfig, "f-stack-0", "inet6", "::1")[0] == 2
    assert "mtu 1500" in tool(ifconfig, "f-stack-0")[1]  # unchanged


def test_ifconfig_json(st, tool):
    recs = json.loads(tool(ifconfig, "--json")[1])
    assert [tuple(r) for r in recs] == [iface_view.JSON_KEYS] * 2
    eth = recs[1]
    assert eth["inet"] == [
        {
            "addr": OUR_IP,
            "netmask": "255.255.255.0",
            "prefixlen": 24,
            "broadcast": "198.18.0.255",
        }
    ]
    assert tuple(eth["counters"]) == _ffi.IF_COUNTER_NAMES


def test_route_add_get_delete(st, tool):
    code, out, err = tool(route, "add", "-net", "198.19.0.0/16", PEER_IP)
    assert (code, out, err) == (
        0,
        "add net 198.19.0.0: gateway 198.18.0.1\n",
        "",
    )
    code, out, err = tool(route, "add", "-net", "198.19.0.0/16", PEER_IP)
    assert (code, out) == (1, "")
    assert err == (
        "ff-route: writing to routing socket: File exists\n"
        "ff-route: add net 198.19.0.0: gateway 198.18.0.1: "
        "route already in table\n"
    )
    code, out, _ = tool(route, "-n", "get", "198.19.1.1")
    assert code == 0 and out == (
        "   route to: 198.19.1.1\n"
        "destination: 198.19.0.0\n"
        "       mask: 255.255.0.0\n"
        "    gateway: 198.18.0.1\n"
        "        fib: 0\n"
        "  interface: f-stack-0\n"
        "      flags: <UP,GATEWAY,DONE,STATIC>\n"
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    "
        "expire\n"
        "       0         0         0         0      1500         1         "
        "0 \n"
    )
    assert tool(route, "delete", "-net", "198.19.0.0/16") == (
        0,
        "delete net 198.19.0.0\n",
        "",
    )
    code, _, err = tool(route, "delete", "-net", "198.19.0.0/16")
    assert code == 1 and err.endswith(": not in table\n")


def test_route_show_and_flush(st, tool):
    tool(route, "add", "-host", "198.19.1.1", "-interface", "f-stack-0")
    out = tool(route, "-n", "show")[1].splitlines()
    assert out[:4] == [
        "Routing tables",
        "",
        "Internet:",
        # Netif widened to the longest name, as FreeBSD.
        "Destination        Gateway            Flags      Netif Expire",
    ]
    assert "default            198.18.0.1         UGS    f-stack-0" in out
    assert "198.18.0.0/24      link#2             U      f-stack-0" in out
    assert "198.19.1.1         link#2             UHS    f-stack-0" in out
    assert "127.0.0.0/8        link#1             U            lo0" in out
    assert "198.18.0.2         link#1             UHS          lo0" in out
    assert tool(route, "flush")[1] == (
        "default              198.18.0.1           done\n"
    )
    assert "default" not in tool(route, "-n", "show")[1]


def test_route_errors(st, tool):
    n = st.route_count()
    assert tool(route, "add", "-net", "198.19.0.0/16")[0] == 2
    assert tool(route, "add", "-net", "198.19.0.0/99", PEER_IP)[0] == 1
    assert tool(route, "add", "-net", "198.19.0.0/16", "bogus")[0] == 1
    assert tool(route, "frobnicate", "x")[0] == 2
    code, _, err = tool(
        route, "add", "-net", "198.19.0.0/16", "-interface", "nosuch0"
    )
    assert (code, err) == (1, "ff-route: interface nosuch0 does not exist\n")
    code, _, err = tool(route, "add", "198.19.0.0/16", "203.0.113.1")
    assert code == 1 and "Network is unreachable" in err
    assert tool(route, "get", "203.0.113.1")[0] == 0  # the default
    st.route_delete("0.0.0.0", 0)
    assert tool(route, "get", "203.0.113.1") == (
        1,
        "",
        "ff-route: route has not been found\n",
    )
    assert st.route_count() == n - 1


def test_route_json(st, tool):
    recs = json.loads(tool(route, "--json", "show")[1])
    assert recs and all(tuple(r) == route_view.JSON_KEYS for r in recs)
    recs = json.loads(
        tool(route, "--json", "add", "198.19.0.0/16", PEER_IP)[1]
    )
    assert [tuple(r) for r in recs] == [route.JSON_CHANGE_KEYS]


def test_arp(st, tool):
    st.arp_add(PEER_IP, PEER_MAC)
    code, out, _ = tool(arp, "-a")
    assert code == 0 and out == (
        "? (198.18.0.1) at 02:00:00:00:aa:01 on f-stack-0 permanent "
        "[ethernet]\n"
        "? (198.18.0.2) at %s on f-stack-0 permanent [ethernet]\n" % st.mac()
    )
    assert tool(arp, "-s", "198.18.0.9", "2:18:0:0:0:9", "pub") == (0, "", "")
    assert tool(arp, "198.18.0.9")[1] == (
        "? (198.18.0.9) at 02:18:00:00:00:09 on f-stack-0 permanent "
        "published [ethernet]\n"
    )
    assert tool(arp, "-d", "198.18.0.9") == (
        0,
        "198.18.0.9 (198.18.0.9) deleted\n",
        "",
    )
    assert tool(arp, "-d", "198.18.0.9") == (
        1,
        "",
        "ff-arp: delete: cannot locate 198.18.0.9\n",
    )
    assert tool(arp, "198.18.0.9") == (
        1,
        "198.18.0.9 (198.18.0.9) -- no entry\n",
        "",
    )
    assert tool(arp, "-d", "-a")[1] == "198.18.0.1 (198.18.0.1) deleted\n"
    assert st.arp_count() == 0


def test_arp_learnt_entry_expires(st, tool):
    from scapy.layers.l2 import ARP, Ether

    st.inject(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
        / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    )
    st.advance(5)
    assert tool(arp, "198.18.0.1")[1] == (
        "? (198.18.0.1) at 02:00:00:00:aa:01 on f-stack-0 expires in 1195 "
        "seconds [ethernet]\n"
    )


def test_arp_errors(st, tool):
    assert tool(arp, "-s", "203.0.113.5", "02:00:00:00:00:01") == (
        1,
        "",
        "ff-arp: cannot intuit interface index and type for 203.0.113.5\n",
    )
    assert tool(arp, "-s", "198.18.0.9", "zz:00") == (
        1,
        "",
        "ff-arp: invalid Ethernet address 'zz:00'\n",
    )
    assert tool(arp, "-s", "bogus", "02:00:00:00:00:01")[0] == 1
    assert tool(arp, "-s", "198.18.0.9")[0] == 2
    assert tool(arp, "-s", "198.18.0.9", "02:00:00:00:00:01", "bogus")[0] == 2
    assert (
        tool(
            arp, "-s", "198.18.0.9", "02:00:00:00:00:01", "temp", "blackhole"
        )[0]
        == 1
    )
    assert tool(arp, "-s", OUR_IP, "02:00:00:00:00:01", "temp") == (
        1,
        "",
        "ff-arp: set: 198.18.0.2 is one of our addresses\n",
    )
    assert tool(arp, "-i", "nosuch0", "-a") == (
        1,
        "",
        "ff-arp: interface nosuch0 does not exist\n",
    )
    assert tool(arp)[0] == 2
    assert st.arp_count() == 0


def test_arp_temp_entry_expires(st, tool):
    assert tool(arp, "-s", "198.18.0.9", "02:18:00:00:00:09", "temp") == (
        0,
        "",
        "",
    )
    st.advance(5, step=1)
    assert tool(arp, "198.18.0.9")[1] == (
        "? (198.18.0.9) at 02:18:00:00:00:09 on f-stack-0 expires in 1195 "
        "seconds [ethernet]\n"
    )
    (rec,) = json.loads(tool(arp, "--json", "198.18.0.9")[1])
    assert (rec["expires"], rec["permanent"]) == (1195, False)
    st.advance(1196, step=1)
    assert tool(arp, "198.18.0.9") == (
        1,
        "198.18.0.9 (198.18.0.9) -- no entry\n",
        "",
    )
    assert st.arp_count() == 0


def test_arp_temp_lifetime_is_max_age(st, tool):
    st.sysctl("net.link.ether.inet.max_age", 60)
    assert (
        tool(arp, "-s", "198.18.0.9", "2:18:0:0:0:9", "temp", "pub", "only")[0]
        == 0
    )
    assert tool(arp, "198.18.0.9")[1] == (
        "? (198.18.0.9) at 02:18:00:00:00:09 on f-stack-0 expires in 60 "
        "seconds published [ethernet]\n"
    )
    st.advance(61, step=1)
    assert st.arp_get("198.18.0.9") is None


def test_arp_replace(st, tool):
    # -S: the old entry goes (and says so), the new one takes its place.
    assert tool(arp, "-S", "198.18.0.9", "02:18:00:00:00:09") == (0, "", "")
    assert tool(arp, "-S", "198.18.0.9", "02:18:00:00:00:0a", "temp") == (
        0,
        "198.18.0.9 (198.18.0.9) deleted\n",
        "",
    )
    assert tool(arp, "198.18.0.9")[1] == (
        "? (198.18.0.9) at 02:18:00:00:00:0a on f-stack-0 expires in 1200 "
        "seconds [ethernet]\n"
    )
    # -s alone replaces too, silently: back to permanent.
    assert tool(arp, "-s", "198.18.0.9", "02:18:00:00:00:0b") == (0, "", "")
    assert "0b on f-stack-0 permanent" in tool(arp, "198.18.0.9")[1]


def test_arp_file(st, tool, tmp_path):
    f = tmp_path / "ethers"
    f.write_text(
        "# by hand\n198.18.0.9 02:18:00:00:00:09\n\n"
        "  198.18.0.10 02:18:00:00:00:0a temp   # goes away\n"
        "198.18.0.11 02:18:00:00:00:0b pub only\n"
        "203.0.113.5 02:18:00:00:00:0c\n"
    )
    code, out, err = tool(arp, "-f", str(f))
    assert (code, out, err) == (
        1,
        "",
        "ff-arp: cannot intuit interface index and type for 203.0.113.5\n",
    )
    assert tool(arp, "-a")[1].splitlines()[1:] == [
        "? (198.18.0.9) at 02:18:00:00:00:09 on f-stack-0 permanent "
        "[ethernet]",
        "? (198.18.0.10) at 02:18:00:00:00:0a on f-stack-0 expires in 1200 "
        "seconds [ethernet]",
        "? (198.18.0.11) at 02:18:00:00:00:0b on f-stack-0 permanent "
        "published [ethernet]",
    ]
    # One bad line: nothing from the file is set.
    f.write_text("198.18.0.20 02:18:00:00:00:14\n198.18.0.21 zz\n")
    assert tool(arp, "-f", str(f)) == (
        1,
        "",
        "ff-arp: %s:2: invalid Ethernet address 'zz'\n"
        "ff-arp: %s: 1 bad line, no entry set\n" % (f, f),
    )
    assert st.arp_get("198.18.0.20") is None and st.arp_count() == 3


def test_arp_json_and_interface(st, tool):
    st.arp_add(PEER_IP, PEER_MAC)
    recs = json.loads(tool(arp, "--json", "-i", "f-stack-0", "-a")[1])
    assert [tuple(r) for r in recs] == [arp_view.JSON_KEYS] * 2
    assert recs[0] == {
        "proc_id": 0,
        "ip": PEER_IP,
        "mac": PEER_MAC,
        "interface": "f-stack-0",
        "expires": None,
        "permanent": True,
        "published": False,
        "type": "ethernet",
    }
    assert tool(arp, "-i", "lo0", "-a")[1] == ""


def test_changes_go_to_every_process(make_stack, monkeypatch):
    a, b = make_stack(), make_stack()
    monkeypatch.setattr(ipc, "Session", FakeStack)
    monkeypatch.setattr(FakeStack, "stacks", [a, b])
    monkeypatch.delenv("FF_PROC_ID", raising=False)
    r = CliRunner().invoke(route.command, ["add", "198.19.0.0/16", PEER_IP])
    assert r.exit_code == 0
    assert r.stdout == (
        "[0] add net 198.19.0.0: gateway 198.18.0.1\n"
        "[1] add net 198.19.0.0: gateway 198.18.0.1\n"
    )
    assert (
        a.route_get("198.19.0.1")[0]
        == b.route_get("198.19.0.1")[0]
        == "198.19.0.0/16"
    )
    r = CliRunner().invoke(
        route.command, ["--proc", "1", "delete", "198.19.0.0/16"]
    )
    assert (
        r.exit_code == 0
        and a.route_get("198.19.0.1")[0] == "198.19.0.0/16"
        and b.route_get("198.19.0.1")[0] == "0.0.0.0/0"
    )
