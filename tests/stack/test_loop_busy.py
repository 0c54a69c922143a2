"""kern.loop.busy_us: the time of the main-loop iterations that did work
(frames, timers, tool requests), the application's loop function in
them included; idle iterations, whatever the application spent polling
in them, are not in it (core/ff_ctx.c ff_ctx_iterate()).

A long iteration is made on the test port's virtual clock, as in
test_loop_max.py (ff_test_loop_stall(): the loop's TSC readings jump by
1,000 s in the application's slot), once in an iteration with nothing
to do and once in one that answers a ping, so nothing here depends on
how fast the machine is.  No timing is asserted beyond "the 1,000 s
made in the loop function are in it, or are not".
"""

import struct

from scapy.layers.inet import ICMP

import ffstack
from ffstack import PEER_IP, PEER_MAC

BUSY = "kern.loop.busy_us"
STALL_US = 1_000_000_000  # 1,000 s on the virtual clock


def busy(st):
    return struct.unpack("<Q", st.sysctl_get(BUSY)["value"])[0]


def quiet(make_stack):
    st = make_stack()
    st.advance(5)  # the gratuitous ARPs and start-up timers are behind us
    st.drain()
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    st.lib.ff_test_iterate(st.h)
    return st


def stalled_iteration(st):
    assert st.lib.ff_test_loop_stall(st.h, STALL_US, 0) == 0
    st.lib.ff_test_iterate(st.h)


def test_idle_iteration_is_not_busy(make_stack):
    st = quiet(make_stack)
    before = busy(st)
    stalled_iteration(st)  # nothing received, no timer due: idle
    # The sysctl read itself is a tool request served: a busy iteration,
    # but a real one, far shorter than the stall.
    assert busy(st) - before < STALL_US
    st.expect_nothing()


def test_iteration_that_answers_is_busy(make_stack):
    st = quiet(make_stack)
    before = busy(st)
    st.inject_ping(1, ident=3, run=False)
    stalled_iteration(st)
    assert st.expect(ICMP)[ICMP].seq == 1
    assert busy(st) - before >= STALL_US


def test_read_only(make_stack):
    st = make_stack()
    assert st.sysctl_set_raw(BUSY, struct.pack("<Q", 0)) != 0
