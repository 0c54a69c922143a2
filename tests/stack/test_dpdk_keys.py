"""[dpdk] and [portN] keys whose effect the test port shows: the offloads
a port turns on (tx_csum_offoad_skip, vlan_strip) as FreeBSD capability
bits (if_capenable, what ff-ifconfig prints as options=, read through the
tools' ioctl message), the size of the packet pool (nb_mbufs and its
[freebsd.boot] twin kern.ipc.nmbufs), and the default route a port's
gateway adds."""

import socket

import pytest
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether

from ffstack import CONFIG, PEER_MAC, StackError, capenable

# rte_ethdev.h (DPDK 22.11): what a device offers.
RX_OFFLOAD_VLAN_STRIP = 1 << 0
RX_OFFLOAD_IPV4_CKSUM = 1 << 1
TX_OFFLOAD_IPV4_CKSUM = 1 << 1
TX_OFFLOAD_UDP_CKSUM = 1 << 2
TX_OFFLOAD_TCP_CKSUM = 1 << 3
# FreeBSD net/if.h
IFCAP_RXCSUM, IFCAP_TXCSUM, IFCAP_VLAN_HWTAGGING = 0x1, 0x2, 0x10
RTF_GATEWAY = 0x2
TX_CSUM = TX_OFFLOAD_IPV4_CKSUM | TX_OFFLOAD_UDP_CKSUM | TX_OFFLOAD_TCP_CKSUM


def dpdk_cfg(*lines, config=CONFIG):
    return config.replace(
        "port_list=0", "port_list=0\n" + "".join(x + "\n" for x in lines)
    )


@pytest.mark.parametrize("skip", [0, 1])
def test_tx_csum_offoad_skip(make_stack, skip):
    st = make_stack(dpdk_cfg("tx_csum_offoad_skip=%d" % skip))
    st.offloads(rx=RX_OFFLOAD_IPV4_CKSUM, tx=TX_CSUM)
    on = capenable(st)
    assert bool(on & IFCAP_TXCSUM) == (not skip)
    assert on & IFCAP_RXCSUM  # receive checksums are not affected


@pytest.mark.parametrize("strip", [0, 1])
def test_vlan_strip(make_stack, strip):
    st = make_stack(dpdk_cfg("vlan_strip=%d" % strip))
    st.offloads(rx=RX_OFFLOAD_VLAN_STRIP | RX_OFFLOAD_IPV4_CKSUM, tx=TX_CSUM)
    on = capenable(st)
    assert bool(on & IFCAP_VLAN_HWTAGGING) == bool(strip)
    assert on & IFCAP_TXCSUM


def frames_until_the_pool_is_empty(st):
    """Inject frames without running the stack until no mbuf is left;
    how many went in.  They are for another host: dropped after."""
    junk = Ether(dst="02:00:00:00:00:99", src=PEER_MAC) / (b"\0" * 46)
    n = 0
    while True:
        try:
            st.inject(junk, run=False)
        except StackError as e:
            assert e.errno == 105  # ENOBUFS: the pool is empty
            break
        n += 1
        assert n <= 4000
    st.run()
    return n


@pytest.mark.parametrize(
    "config",
    [
        dpdk_cfg("nb_mbufs=1023"),
        CONFIG + "[freebsd.boot]\nkern.ipc.nmbufs=1023\n",
    ],
    ids=["nb_mbufs", "kern.ipc.nmbufs"],
)
def test_pool_holds_nb_mbufs(make_stack, config):
    """rte_pktmbuf_pool_create(n) makes n mbufs: what the stack holds at
    start and what the test injects add up to 1023 (the default pool,
    8191, would take more than the test port's 4096-frame queue)."""
    st = make_stack(config)
    held = st.mbufs_in_use()
    assert frames_until_the_pool_is_empty(st) == 1023 - held


@pytest.mark.parametrize("gateway", ["198.18.0.1", "198.18.0.254", None])
def test_gateway_is_the_default_route(make_stack, gateway):
    config = CONFIG.replace("gateway=198.18.0.1\n", "")
    if gateway:
        config += "gateway=%s\n" % gateway
    st = make_stack(config)
    route = st.route_get("203.0.113.5")
    if gateway is None:
        assert route is None
        return
    dst, gw, ifname, flags, _ = route
    assert (dst, gw, ifname) == ("0.0.0.0/0", gateway, "f-stack-0")
    assert flags & RTF_GATEWAY
    # A datagram off the subnet goes to the gateway's MAC.
    gw_mac = "02:00:00:00:aa:fe"
    assert st.arp_add(gateway, gw_mac) == 0
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.sendto(fd, b"off-link", "203.0.113.5", 9)
    st.run()
    out = st.expect(UDP)
    assert out[Ether].dst == gw_mac and out[IP].dst == "203.0.113.5"
    a.close(fd)


@pytest.mark.parametrize("ports", ["0", "0,1"])
def test_port_list_opens_only_those_ports(make_stack, ports):
    """[port1] is configured; only with port_list=0,1 is it opened (an
    interface, its subnet route)."""
    st = make_stack(
        CONFIG.replace("port_list=0", "port_list=" + ports)
        + "[port1]\naddr=198.19.0.2\nnetmask=255.255.255.0\n"
    )
    route = st.route_get("198.19.0.7")
    if ports == "0":
        assert route is None or route[2] != "f-stack-1"
    else:
        assert route[:3] == ("198.19.0.0/24", "0.0.0.0", "f-stack-1")
    assert st.route_get("198.18.0.7")[2] == "f-stack-0"


def test_port_address_netmask_broadcast_name(make_stack):
    """addr/netmask make the interface's subnet route, if_name names it,
    and the broadcast address (addr | ~netmask by default) is ours: a
    datagram to it reaches a socket (RFC 919)."""
    config = (
        CONFIG.replace("netmask=255.255.255.0", "netmask=255.255.0.0")
        .replace("broadcast=198.18.0.255\n", "")
        .replace("[port0]\n", "[port0]\nif_name=eth-test\n")
    )
    st = make_stack(config)
    assert st.route_get("198.18.5.5")[:3] == (
        "198.18.0.0/16",
        "0.0.0.0",
        "eth-test",
    )
    a = st.api
    fd = a.socket(socket.SOCK_DGRAM)
    a.bind(fd, "0.0.0.0", 9000)
    for dst in ("198.18.0.2", "198.18.255.255", "198.18.0.255"):
        st.inject(
            Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
            / IP(src="198.18.0.1", dst=dst)
            / UDP(sport=5000, dport=9000)
            / dst.encode()
        )
    got = []
    while True:
        try:
            got.append(a.recv(fd))
        except OSError:
            break
    # 198.18.0.255 is a host of the /16, not ours: not delivered.
    assert got == [b"198.18.0.2", b"198.18.255.255"]
    a.close(fd)
