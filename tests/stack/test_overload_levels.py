"""kern.ipc.overload.level follows the pool's free share against each of
the three watermarks (kern_mbuf.c): at or above mbuf_win_pct none (0),
below it windows (1), below mbuf_syn_pct SYNs (2), below mbuf_reass_pct
reassembly (3), whatever share of the free mbufs sits in the pool's ring
or elsewhere; a watermark raised above the free share takes effect at
the next update."""

from overload_util import mbuf_hold, mbuf_release, sysctl
from tcp_peer import tcp_stack


def _hold_to(st, pct):
    """Hold free mbufs until pct percent of the pool (or just under) is
    free; the level as the stack now sees it."""
    n = sysctl(st, "kern.ipc.nmbufs")
    free = sysctl(st, "kern.ipc.overload.mbufs_free")
    want = n * pct // 100
    if free > want:
        mbuf_hold(st, free - want)
    assert sysctl(st, "kern.ipc.overload.mbufs_free") <= want
    return sysctl(st, "kern.ipc.overload.level")


def test_level_follows_each_watermark(make_stack):
    st = tcp_stack(make_stack)
    assert sysctl(st, "kern.ipc.overload.level") == 0
    # Defaults 50 / 25 / 12: just under each one, one level more.
    assert _hold_to(st, 60) == 0
    assert _hold_to(st, 49) == 1
    assert _hold_to(st, 24) == 2
    assert _hold_to(st, 11) == 3
    assert mbuf_release(st) > 0
    assert sysctl(st, "kern.ipc.overload.level") == 0


def test_raised_watermark_counts_at_next_update(make_stack):
    st = tcp_stack(make_stack)
    assert _hold_to(st, 70) == 0
    # 70 % free is under a window watermark of 80.
    st.sysctl("kern.ipc.overload.mbuf_win_pct", 80)
    assert _hold_to(st, 69) == 1
    # And over it once lowered again.
    st.sysctl("kern.ipc.overload.mbuf_win_pct", 60)
    assert _hold_to(st, 68) == 0
    mbuf_release(st)
