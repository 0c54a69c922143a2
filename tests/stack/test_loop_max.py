"""kern.loop.max_us: the longest main-loop iteration since the last reset.

A stall gauge for benches (bench/netstat_live_bench.py): it moves up when
an iteration does work, a write of 0 resets it, any other write is
refused (EINVAL, as FreeBSD answers a value a handler does not take).
The iteration that serves the reset counts itself, so a read right
after a reset is small, not 0: not asserted.  No timing is asserted beyond "some work took at least a microsecond".
"""

import errno
import struct

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC

NAME = "kern.loop.max_us"


def max_us(st):
    rec = st.sysctl_get(NAME)
    return struct.unpack("<Q", rec["value"])[0]


def test_reset_then_work_moves_it(st):
    assert st.sysctl_set_raw(NAME, struct.pack("<Q", 0)) == 0
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
    assert max_us(st) >= 1


def test_nonzero_write_refused(st):
    assert st.sysctl_set_raw(NAME, struct.pack("<Q", 5)) == errno.EINVAL
