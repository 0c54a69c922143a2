"""[dpdk] pkt_tx_delay (net/ff_port.c, core/ff_ctx.c): transmitted frames
wait in the port's buffer until the oldest has waited the delay, or until a
burst (FF_PORT_BURST, 32 frames) is full; 0 sends at the end of every loop
iteration.  Driven with the virtual clock and ICMP echo replies as the
frames to send."""

import pytest
from scapy.layers.inet import ICMP

from ffstack import CONFIG, PEER_IP, PEER_MAC, Stack

BURST = 32  # net/ff_port.h FF_PORT_BURST
US = 1000  # ns


def advance(st, ns, step=0):
    """Whole nanoseconds: float seconds would lose one to rounding."""
    st.lib.ff_test_advance(st.h, ns, step)


def stack(delay_us):
    st = Stack(
        CONFIG.replace("port_list=0", f"port_list=0\npkt_tx_delay={delay_us}"),
        drain=False,
    )
    st.advance(5)  # let the gratuitous ARPs go
    st.drain()
    assert st.arp_add(PEER_IP, PEER_MAC) == 0
    return st


def ping(st, seq, run=True):
    st.inject_ping(seq, run=run)


@pytest.fixture
def held():
    st = stack(50)
    yield st
    assert st.destroy() == 0


def test_zero_sends_at_once():
    st = stack(0)
    ping(st, 1)
    assert st.pending() == 1
    assert st.expect(ICMP)[ICMP].seq == 1
    assert st.destroy() == 0


def test_frame_held_until_the_delay_passes(held):
    st = held
    ping(st, 1)
    assert st.pending() == 0
    advance(st, 49 * US, step=1 * US)
    assert st.pending() == 0
    advance(st, 1 * US)
    assert st.pending() == 1
    assert st.expect(ICMP)[ICMP].seq == 1


def test_delay_counts_from_the_oldest_frame(held):
    st = held
    ping(st, 1)
    advance(st, 30 * US)
    ping(st, 2)  # joins the batch: goes with the first, 20 µs later
    advance(st, 19 * US, step=1 * US)
    assert st.pending() == 0
    advance(st, 1 * US)
    assert [p[ICMP].seq for p in st.drain()] == [1, 2]


def test_full_burst_goes_early(held):
    st = held
    for seq in range(BURST + 1):
        ping(st, seq, run=False)
    st.run()  # one receive burst of 32 answered: a full transmit burst
    assert st.pending() == BURST
    assert [p[ICMP].seq for p in st.drain()] == list(range(BURST))
    advance(st, 49 * US, step=1 * US)
    assert st.pending() == 0  # the 33rd waits its 50 µs
    advance(st, 1 * US)
    assert st.expect(ICMP)[ICMP].seq == BURST
