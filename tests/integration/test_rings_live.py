"""[portN] rx_desc / tx_desc and [dpdk] idle_spin on a live primary over
net_tap (dpdk/ff_dpdk_port.c, core/ff_init.c).

The ring sizes reach the driver: ff-sysctl reads them back under
dev.tap.0 (the driver's word through rte_eth_*_queue_info_get where it
answers, else what the queue was set up with).  idle_spin reaches the
loop: the start-up line shows it, and an idle stack with the longest
spin (100 ms) still sleeps (kern.loop.idle_sleeps moves across a
second).  Counted, not timed."""

import time

from .conftest import make_config


def template(dpdk="", port="", idle_sleep=100):
    text = make_config("{tap}", "{prefix}", "{mac}", idle_sleep)
    text = text.replace("[dpdk]\n", "[dpdk]\n" + dpdk, 1)
    return text.replace("[port0]\n", "[port0]\n" + port, 1)


def sysctl_n(prim, name):
    cp = prim.tool("ff-sysctl", "-n", name)
    assert cp.returncode == 0, cp.stderr
    return int(cp.stdout.strip())


def test_ring_sizes_reach_the_driver(make_primary):
    prim = make_primary(config=template(port="rx_desc=512\ntx_desc=2048\n"))
    assert sysctl_n(prim, "dev.tap.0.rx_desc") == 512
    assert sysctl_n(prim, "dev.tap.0.tx_desc") == 2048
    assert "the driver takes" not in prim.log_text()


def test_default_ring_sizes(make_primary):
    prim = make_primary(config=template())
    assert sysctl_n(prim, "dev.tap.0.rx_desc") == 1024
    assert sysctl_n(prim, "dev.tap.0.tx_desc") == 1024


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
