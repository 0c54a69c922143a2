"""[dpdk] idle_spin: after an iteration that did work the loop keeps
polling for idle_spin microseconds before it sleeps idle_sleep
(core/ff_ctx.c ff_ctx_idle_due(), core/ff_init.c ff_run()).

Counted, not timed: ff_test_loop_idle() moves the test port's virtual
clock, runs one iteration and says what ff_run() would do next (sleep or
poll again), and kern.loop.idle_sleeps counts the sleeps taken.  The work
is one ICMP echo request answered.
"""

import struct

import pytest
from scapy.layers.inet import ICMP

import ffstack
from ffstack import CONFIG, PEER_IP, PEER_MAC

SLEEPS = "kern.loop.idle_sleeps"


def stack(make_stack, dpdk):
    st = make_stack(CONFIG.replace("port_list=0", "port_list=0\n" + dpdk))
    st.advance(5)  # the gratuitous ARPs and start-up timers are behind us
    st.drain()
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    return st


def sleeps(st):
    return struct.unpack("<Q", st.sysctl_get(SLEEPS)["value"])[0]


def step(st, us=0):
    rc = st.lib.ff_test_loop_idle(st.h, us)
    assert rc in (0, 1), rc
    return rc


def work(st, seq):
    """One iteration that answers a ping: busy, so no sleep after it."""
    st.inject_ping(seq, ident=9, run=False)
    assert step(st) == 0
    assert st.expect(ICMP)[ICMP].seq == seq


def test_spin_holds_the_sleep_off_then_sleeps(make_stack):
    st = stack(make_stack, "idle_sleep=5\nidle_spin=100")
    work(st, 1)
    before = sleeps(st)
    # Idle iterations inside the 100 us window: polled, never slept.
    assert [step(st, 10) for _ in range(9)] == [0] * 9  # 90 us after work
    assert sleeps(st) == before
    assert step(st, 10) == 1  # 100 us: the window is over
    assert sleeps(st) == before + 1
    assert step(st) == 1  # and it goes on sleeping while idle
    assert sleeps(st) == before + 2
    # New work opens a new window.
    work(st, 2)
    assert step(st, 50) == 0
    assert sleeps(st) == before + 2


def test_no_spin_sleeps_after_the_first_idle_iteration(make_stack):
    st = stack(make_stack, "idle_sleep=5")
    work(st, 1)
    before = sleeps(st)
    assert step(st) == 1
    assert sleeps(st) == before + 1


def test_no_idle_sleep_never_sleeps(make_stack):
    st = stack(make_stack, "")
    work(st, 1)
    assert [step(st, 1000) for _ in range(5)] == [0] * 5
    assert sleeps(st) == 0


def test_idle_sleeps_is_read_only(make_stack):
    st = stack(make_stack, "idle_sleep=5")
    assert st.sysctl_set_raw(SLEEPS, struct.pack("<Q", 0)) != 0


@pytest.mark.parametrize("spin", [1, 100000])
def test_spin_bounds_accepted(make_stack, spin):
    st = stack(make_stack, f"idle_sleep=5\nidle_spin={spin}")
    work(st, 1)
    assert step(st, spin) == 1
