"""[portN] rx_desc and tx_desc: the descriptors of each receive and
transmit queue (dpdk/ff_dpdk_port.c hands them to the driver; the test
port's queues hold that many frames, as a NIC's rings do), shown
read-only as dev.<driver>.<unit>.rx_desc and tx_desc, as FreeBSD drivers
show their hardware under dev.<driver>.<unit>.

The default ring is 1024 descriptors each way (dpdk/ff_dpdk_port.c's
sizes before the keys existed).
"""

import errno

import pytest
from scapy.layers.inet import ICMP

import ffstack
from ffstack import CONFIG, PEER_IP, PEER_MAC

RX = "dev.testport.0.rx_desc"
TX = "dev.testport.0.tx_desc"


def stack(make_stack, keys=""):
    text = CONFIG.replace("[port0]", "[port0]\n" + keys)
    assert text != CONFIG or not keys
    st = make_stack(text)
    st.advance(5)
    st.drain()
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    return st


def sysctl_int(st, name):
    return int.from_bytes(st.sysctl_get(name)["value"], "little", signed=True)


def ping(st, seq):
    st.inject_ping(seq, ident=11, run=False)


def test_default_rings(make_stack):
    st = stack(make_stack)
    assert (sysctl_int(st, RX), sysctl_int(st, TX)) == (1024, 1024)


def test_rings_from_config(make_stack):
    st = stack(make_stack, "rx_desc=64\ntx_desc=4096")
    assert (sysctl_int(st, RX), sysctl_int(st, TX)) == (64, 4096)


@pytest.mark.parametrize("name", [RX, TX])
def test_rings_read_only(make_stack, name):
    st = stack(make_stack)
    assert st.sysctl_set_raw(name, (64).to_bytes(4, "little")) != 0


def test_rx_ring_full_refuses_the_next_frame(make_stack):
    st = stack(make_stack, "rx_desc=64")
    for i in range(64):
        ping(st, i)
    with pytest.raises(OSError) as e:
        ping(st, 64)
    assert e.value.errno == errno.ENOBUFS
    st.run()
    assert st.pending() == 64  # every frame the ring held was answered


def test_tx_ring_full_holds_the_rest_until_it_drains(make_stack):
    st = stack(make_stack, "tx_desc=32")
    for i in range(40):
        ping(st, i)
    st.run()
    assert st.pending() == 32  # the ring is full
    seqs = [st.expect(ICMP)[ICMP].seq for _ in range(32)]
    st.run()  # the 8 the ring refused stayed buffered, in order
    seqs += [st.expect(ICMP)[ICMP].seq for _ in range(8)]
    assert seqs == list(range(40))
