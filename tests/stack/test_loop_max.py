"""The main loop's stall gauges (kern.loop.*).

kern.loop.max_us, the longest iteration since the last reset, wall-clock;
kern.loop.max_run_us, the longest one the kernel did not switch the
thread out in (the stall the stack's own code made); kern.loop.preempted,
the iterations of 1 ms or more the kernel switched out; and
kern.loop.msg_max_us, the longest tool request served.  A write of 0
resets a maximum, any other write is refused (EINVAL, as FreeBSD answers
a value a handler does not take).

A long iteration, switched out or not, is made on the test port's
virtual clock (ff_test_loop_stall(): the loop's TSC readings jump by a
given time and the thread's involuntary switch count is the test's), so
nothing here depends on how fast or busy the machine is: the injected
stall is 1,000 s, far beyond any real iteration.  The iteration that
serves a reset counts itself, so a read right after a reset is small,
not 0: not asserted.  No timing is asserted beyond "some work took at
least a microsecond".
"""

import errno
import struct

import pytest
from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi

MAX = "kern.loop.max_us"
RUN = "kern.loop.max_run_us"
PREEMPTED = "kern.loop.preempted"
MSG = "kern.loop.msg_max_us"
STALL_US = 1_000_000_000  # 1,000 s on the virtual clock


def u64(st, name):
    rec = st.sysctl_get(name)
    return struct.unpack("<Q", rec["value"])[0]


def reset(st, name):
    assert st.sysctl_set_raw(name, struct.pack("<Q", 0)) == 0


def stall(st, us, switched):
    """One iteration ``us`` longer, switched out if ``switched``."""
    assert st.lib.ff_test_loop_stall(st.h, us, int(switched)) == 0
    st.lib.ff_test_iterate(st.h)


def test_reset_then_work_moves_it(st):
    reset(st, MAX)
    # 64 echo requests: two full receive bursts, handled in the loop.
    for i in range(64):
        st.inject(
            Ether(dst=st.mac(), src=PEER_MAC)
            / IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(id=7, seq=i)
            / (b"x" * 512),
            run=False,
        )
    st.run()
    assert st.drain()  # an ARP request first: the replies wait for it
    assert u64(st, MAX) >= 1


@pytest.mark.parametrize("name", [MAX, RUN, MSG])
def test_nonzero_write_refused(st, name):
    assert st.sysctl_set_raw(name, struct.pack("<Q", 5)) == errno.EINVAL


def test_preempted_is_read_only(st):
    assert st.sysctl_set_raw(PREEMPTED, struct.pack("<Q", 0)) != 0


def test_switched_out_stall_is_the_kernels(st):
    """A long iteration the kernel switched the thread out in counts in
    the wall-clock maximum and as preempted, not as the stack's own."""
    reset(st, MAX)
    reset(st, RUN)
    before = u64(st, PREEMPTED)
    stall(st, STALL_US, switched=True)
    assert u64(st, MAX) >= STALL_US
    assert u64(st, RUN) < STALL_US
    assert u64(st, PREEMPTED) == before + 1


def test_unswitched_stall_is_the_stacks(st):
    """The same stall without a switch is the stack's own: max_run_us
    shows it, preempted does not move; a reset brings it back down."""
    reset(st, RUN)
    before = u64(st, PREEMPTED)
    stall(st, STALL_US, switched=False)
    assert u64(st, RUN) >= STALL_US
    assert u64(st, MAX) >= STALL_US
    assert u64(st, PREEMPTED) == before
    reset(st, RUN)
    assert u64(st, RUN) < STALL_US


def test_short_switched_iteration_not_counted(st):
    """A switch in an iteration under 1 ms is no stall: preempted stays."""
    before = u64(st, PREEMPTED)
    stall(st, 100, switched=True)
    assert u64(st, PREEMPTED) == before


def test_msg_max_moves_with_a_request(st):
    """Walking the whole tree with descriptions, one request, takes the
    handler more than a microsecond.  A request the kernel switched the
    thread out in is not counted: three walks, so that one preempted by
    this machine cannot leave the gauge at 0."""
    reset(st, MSG)
    flags = (
        _ffi.FF_SYSCTLF_NODES | _ffi.FF_SYSCTLF_DESCR | _ffi.FF_SYSCTLF_NOVALUE
    )
    for _ in range(3):
        assert len(st.sysctl_walk(flags)) > 100
    assert u64(st, MSG) >= 1


def test_msg_max_skips_switched_out_requests(st):
    """A request the kernel switched the thread out in is the kernel's
    stall, not the handler's: with every request switched out (the
    test's switch count moves at every read) the gauge stays at 0 after
    a reset, however much the walk did; switched no more, it moves."""
    flags = (
        _ffi.FF_SYSCTLF_NODES | _ffi.FF_SYSCTLF_DESCR | _ffi.FF_SYSCTLF_NOVALUE
    )
    assert st.lib.ff_test_loop_switching(st.h, 1) == 0
    try:
        reset(st, MSG)
        assert len(st.sysctl_walk(flags)) > 100
        assert u64(st, MSG) == 0
    finally:
        assert st.lib.ff_test_loop_switching(st.h, 0) == 0
    assert len(st.sysctl_walk(flags)) > 100
    assert u64(st, MSG) >= 1
