"""[dpdk] and [portN] keys seen on a live primary: file_prefix (DPDK's
runtime directory /var/run/dpdk/<prefix>, and the tools find the stack
with -P), log_file (the EAL's log goes there), no_huge (no hugepage file
mapped: DPDK's --no-huge runs from anonymous memory; the port still
answers), gateway (the
default route, as ff-route shows it) and idle_sleep (an idle poller that
sleeps uses a small part of a core; one that does not uses all of it).
One stack at a time; a few seconds in all."""

import subprocess
import time
from pathlib import Path

import pytest

from fstools import testing

from .conftest import PEER_ADDR, STACK_ADDR, VENV_BIN, make_config, run

GATEWAY = "198.18.0.254"


def template(dpdk_lines, idle_sleep=100):
    """The default config with extra [dpdk] lines and our gateway, as a
    template of the factory's names."""
    text = make_config("{tap}", "{prefix}", "{mac}", idle_sleep)
    text = text.replace("[dpdk]\n", "[dpdk]\n" + dpdk_lines, 1)
    return text.replace("gateway=198.18.0.1", "gateway=" + GATEWAY)


def test_prefix_log_file_and_gateway(make_primary, tmp_path):
    log = tmp_path / "eal.log"
    prim = make_primary(config=template("log_level=info\nlog_file=%s\n" % log))
    assert Path("/var/run/dpdk", prim.prefix).is_dir()
    # Without no_huge the EAL maps its hugepage files, <prefix>map_N.
    maps = Path("/proc/%d/maps" % prim.pid).read_text()
    assert "/dev/hugepages/%smap_" % prim.prefix in maps
    assert "EAL" in log.read_text()  # the EAL's own lines go there
    assert "EAL" not in prim.log_text()  # and not to stderr
    route = [str(VENV_BIN / "ff-route"), "-P", prim.prefix, "-n", "get"]
    cp = run(route + ["default"], check=False, timeout=30)
    assert cp.returncode == 0, cp.stderr
    # As F-Stack's route -n get default prints it (reference capture).
    assert cp.stdout.splitlines()[1:4] == [
        "destination: 0.0.0.0",
        "       mask: 0.0.0.0",
        "    gateway: %s" % GATEWAY,
    ]


def test_no_huge(tmp_path):
    """A primary with no_huge maps no hugepage file, and still serves the
    port (ping).  DPDK's --no-huge leaves no shared memory for secondary
    processes, so the tools cannot attach, and say so: the stack is started
    by hand here, not by the factory, which waits for the tools' ECHO."""
    if testing.skip_reason():
        pytest.skip(testing.skip_reason())
    h = testing.new_handle(tmp_path)
    h.config.write_text(
        template("no_huge=1\n").format(tap=h.tap, prefix=h.prefix, mac=h.mac)
    )
    run(["ip", "netns", "add", h.ns])
    try:
        with open(h.log, "w") as logf:
            h.proc = subprocess.Popen(
                ["ip", "netns", "exec", h.ns, str(testing.DEFAULT_PROGRAM)]
                + ["-c", str(h.config)],
                stdout=logf,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        testing._wait_for(lambda: "running" in h.log_text(), 30, "start", h)
        maps = Path("/proc/%d/maps" % h.pid).read_text()
        assert "/dev/hugepages" not in maps and h.prefix + "map_" not in maps
        testing._wait_for(lambda: testing._set_peer_mac(h), 10, "MAC", h)
        ip = ["ip", "-n", h.ns]
        run(ip + ["addr", "add", PEER_ADDR + "/24", "dev", h.tap])
        run(ip + ["link", "set", h.tap, "up"])
        ping = ["ip", "netns", "exec", h.ns, "ping", "-c", "1", "-W", "1"]
        assert any(
            run(ping + [STACK_ADDR], check=False).returncode == 0
            for _ in range(5)
        )
        # A tool cannot map that memory; it says why, not an EAL error.
        cp = run(
            [str(VENV_BIN / "ff-sysctl"), "-P", h.prefix, "kern.hz"],
            check=False,
            timeout=30,
        )
        assert cp.returncode == 1
        assert "runs with no_huge=1" in cp.stderr, cp.stderr
        assert "no_huge=1: this process's memory is private" in h.log_text()
    finally:
        testing.stop(h)


def cpu_share(prim, seconds=2.0):
    """CPU time the process used over `seconds` of wall time, as a part
    of one core (utime + stime from /proc/PID/stat)."""

    def ticks():
        f = Path("/proc/%d/stat" % prim.pid).read_text().rsplit(")", 1)[1]
        return sum(int(x) for x in f.split()[11:13])

    t0, c0 = time.monotonic(), ticks()
    time.sleep(seconds)
    t1, c1 = time.monotonic(), ticks()
    return (c1 - c0) / 100.0 / (t1 - t0)  # USER_HZ is 100 on Linux


def test_idle_sleep_frees_the_core(make_primary):
    sleepy = make_primary(idle_sleep=1000)
    sleeping = cpu_share(sleepy)
    testing.stop(sleepy)  # never two pollers at once
    busy = make_primary(idle_sleep=0)
    polling = cpu_share(busy)
    print(
        "idle_sleep=1000: %.2f core; idle_sleep=0: %.2f" % (sleeping, polling)
    )
    assert sleeping < 0.2
    assert polling > 0.2 and polling > 5 * sleeping


def promiscuity(prim):
    """The tap's promiscuity count as Linux sees it (`ip -d link`): the
    net_tap PMD turns IFF_PROMISC on the kernel side on and off."""
    out = prim.nsexec("ip", "-d", "link", "show", prim.tap).stdout
    return int(out.split("promiscuity ", 1)[1].split()[0])


@pytest.mark.parametrize("value", [0, 1])
def test_promiscuous(make_primary, value):
    prim = make_primary(config=template("promiscuous=%d\n" % value))
    cp = prim.tool("ff-ifconfig", "f-stack-0")
    assert cp.returncode == 0, cp.stderr
    flags = cp.stdout.split("<", 1)[1].split(">", 1)[0].split(",")
    assert ("PROMISC" in flags) == bool(value)
    assert promiscuity(prim) == value
