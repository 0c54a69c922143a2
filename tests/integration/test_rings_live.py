"""[portN] rx_desc / tx_desc and [dpdk] idle_spin on a live primary over
net_tap (dpdk/ff_dpdk_port.c, core/ff_init.c).

net_tap has no descriptor ring (DPDK 22.11), so a size is refused and
dev.tap.0's read 0; the test port's rings (tests/stack/test_port_rings.py)
show sizes reaching a port that has them.  idle_spin reaches the
loop: the start-up line shows it, and an idle stack with the longest
spin (100 ms) still sleeps (kern.loop.idle_sleeps moves across a
second).  Counted, not timed."""

import time

import pytest

from .conftest import make_config


def template(dpdk="", port="", idle_sleep=100):
    text = make_config("{tap}", "{prefix}", "{mac}", idle_sleep)
    text = text.replace("[dpdk]\n", "[dpdk]\n" + dpdk, 1)
    return text.replace("[port0]\n", "[port0]\n" + port, 1)


def sysctl_n(prim, name):
    cp = prim.tool("ff-sysctl", "-n", name)
    assert cp.returncode == 0, cp.stderr
    return int(cp.stdout.strip())


def test_tap_refuses_a_ring_size(make_primary):
    # DPDK 22.11's net_tap has no descriptor ring: it reads each frame
    # with readv() and the kernel's tap queue is the interface's
    # txqueuelen.  A size it would ignore stops the start, naming the key.
    for key in ("rx_desc=512", "tx_desc=2048"):
        with pytest.raises(AssertionError) as e:
            make_primary(config=template(port=key + "\n"))
        name = key.split("=")[0]
        assert "[port0] %s: net_tap has no descriptor ring" % name in str(
            e.value
        ), str(e.value)


def test_tap_shows_no_ring(make_primary):
    prim = make_primary(config=template())
    assert sysctl_n(prim, "dev.tap.0.rx_desc") == 0
    assert sysctl_n(prim, "dev.tap.0.tx_desc") == 0


def test_idle_spin_in_a_running_primary(make_primary):
    prim = make_primary(
        config=template(
            dpdk="profile=latency\nidle_spin=100000\n", idle_sleep=5
        )
    )
    line = [
        x for x in prim.log_text().splitlines() if x.startswith("ff: profile")
    ]
    assert len(line) == 1, prim.log_text()
    assert "idle_sleep 5 us, idle_spin 100000 us" in line[0], line
    first = sysctl_n(prim, "kern.loop.idle_sleeps")
    time.sleep(1)
    # Idle for a second, ten spin windows: it slept (each ff-sysctl is work).
    assert sysctl_n(prim, "kern.loop.idle_sleeps") > first
