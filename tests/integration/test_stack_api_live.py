"""fstools.Stack against a live primary (through the ff_stack fixture's
helper process): each call's records and errors, checked against the
config the fixture wrote and against Linux's view from the namespace."""

import pytest

from fstools.stack import (
    ArpEntry,
    Interface,
    NoStackError,
    Route,
    StackRefused,
    SysctlNode,
    TopStats,
    TrafficStats,
)
from fstools.testing import RemoteStack


def test_interfaces(ff_stack):
    ifps = {i.name: i for i in ff_stack.stack.interfaces()}
    eth = ifps["f-stack-0"]
    assert isinstance(eth, Interface) and eth.is_ether and eth.up
    assert eth.lladdr == ff_stack.mac
    assert [(a.addr, a.prefixlen, a.broadcast) for a in eth.addrs] == [
        (ff_stack.addr, 24, "198.18.0.255")
    ]
    assert ifps["lo0"].addrs[0].addr == "127.0.0.1"
    with pytest.raises(StackRefused) as e:
        ff_stack.stack.interface("nosuch0")
    assert e.value.name == "ENXIO"


def test_set_interface_alias_and_mtu(ff_stack):
    st = ff_stack.stack
    st.set_interface("f-stack-0", addr="198.18.0.7/24", alias="add", mtu=1400)
    eth = st.interface("f-stack-0")
    assert eth.mtu == 1400
    assert "198.18.0.7" in [a.addr for a in eth.addrs]
    ping = ff_stack.nsexec(
        "ping", "-c", "1", "-W", "2", "198.18.0.7", check=False
    )
    assert ping.returncode == 0
    with pytest.raises(StackRefused) as e:
        st.set_interface("f-stack-0", addr="198.18.0.99", alias="delete")
    assert e.value.what == "ioctl (SIOCDIFADDR)"
    assert e.value.message.startswith("ioctl (SIOCDIFADDR): ")


def test_routes(ff_stack):
    st = ff_stack.stack
    default = st.route_get("default")
    assert isinstance(default, Route)
    assert (default.gateway, default.via_gateway) == (ff_stack.peer_addr, True)
    st.route_add("198.19.0.0/16", "198.18.0.1")
    r = st.route_get("198.19.1.1")
    assert (r.destination, r.prefixlen, r.gateway, r.interface) == (
        "198.19.0.0",
        16,
        "198.18.0.1",
        "f-stack-0",
    )
    with pytest.raises(StackRefused) as e:
        st.route_add("198.19.0.0/16", "198.18.0.1")
    assert (e.value.name, e.value.message) == ("EEXIST", "File exists")
    assert "198.19.0.0" in [x.destination for x in st.routes()]
    st.route_delete("198.19.0.0/16")
    with pytest.raises(StackRefused) as e:
        st.route_delete("198.19.0.0/16")
    assert e.value.name == "ESRCH"


def test_arp(ff_stack):
    st = ff_stack.stack
    ff_stack.nsexec("ping", "-c", "1", "-W", "2", ff_stack.addr)
    learnt = {e.ip: e for e in st.arp_entries()}
    peer = learnt[ff_stack.peer_addr]
    assert isinstance(peer, ArpEntry)
    assert (peer.mac, peer.complete, peer.permanent) == (
        ff_stack.peer_mac,
        True,
        False,
    )
    st.arp_set("198.18.0.9", "02:18:00:00:00:09", pub=True)
    e = {e.ip: e for e in st.arp_entries("f-stack-0")}["198.18.0.9"]
    assert (e.mac, e.permanent, e.published) == (
        "02:18:00:00:00:09",
        True,
        True,
    )
    st.arp_delete("198.18.0.9")
    with pytest.raises(StackRefused) as err:
        st.arp_delete("198.18.0.9")
    assert err.value.name == "ESRCH"


def test_sysctl(ff_stack):
    st = ff_stack.stack
    node = st.sysctl("kern.ipc.somaxconn", descr=True)
    assert isinstance(node, SysctlNode) and node.type_name == "uint"
    assert "RD" in node.flag_names and "WR" in node.flag_names
    assert node.descr
    names = [n.name for n in st.sysctl_walk("net.inet.ip")]
    assert "net.inet.ip.ttl" in names and "net.inet.ip.forwarding" in names
    for name, errno in (("nosuch.oid", "ENOENT"), ("kern.ostype", "EPERM")):
        with pytest.raises(StackRefused) as e:
            st.sysctl_set(name, 1)
        assert e.value.name == errno


def test_top_and_traffic(ff_stack):
    st = ff_stack.stack
    before = st.traffic()
    ff_stack.nsexec("ping", "-c", "3", "-i", "0.2", ff_stack.addr)
    after = st.traffic()
    assert isinstance(after, TrafficStats)
    assert after.rx_packets - before.rx_packets >= 3
    assert after.tx_packets - before.tx_packets >= 3
    top = st.top()
    assert isinstance(top, TopStats) and top.loops > 0 and top.tsc_hz > 0
    assert st.proc_ids("all") == [0]


def test_no_stack_is_an_exception_with_errno(ff_stack):
    other = RemoteStack(ff_stack.prefix + "x")
    try:
        with pytest.raises(NoStackError) as e:
            other.echo(b"x")
        assert e.value.errno == 3 and ff_stack.prefix + "x" in e.value.message
    finally:
        other.close()
