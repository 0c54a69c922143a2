"""Ethernet, ARP, IPv4 and ICMP of a live stack against Linux's own tools,
inside the test's network namespace."""

import glob
import os
import re

STACK = "198.18.0.2"


def ping(prim, *args):
    return prim.nsexec(
        "ping", "-n", "-W", "2", *args, STACK, check=False, timeout=120
    )


def received(cp):
    m = re.search(r"(\d+) received", cp.stdout)
    return int(m.group(1)) if m else 0


def test_ping_twenty(primary):
    cp = ping(primary, "-c", "20", "-i", "0.05")
    assert received(cp) == 20, cp.stdout + cp.stderr


def test_ping_4000_bytes_fragmented_both_ways(primary):
    # 4,008 bytes of ICMP: three fragments each way at MTU 1500.
    cp = ping(primary, "-c", "5", "-i", "0.1", "-s", "4000")
    assert received(cp) == 5, cp.stdout + cp.stderr
    assert "4008 bytes from" in cp.stdout


def _neigh(prim):
    return prim.nsexec("ip", "neigh", "show", STACK, "dev", prim.tap).stdout


def test_linux_learns_the_stack_mac(primary):
    ping(primary, "-c", "1")
    assert primary.mac in _neigh(primary).lower()


def test_answers_after_linux_flushes_its_arp_cache(primary):
    assert received(ping(primary, "-c", "1")) == 1
    primary.nsexec("ip", "neigh", "flush", "dev", primary.tap)
    assert primary.mac not in _neigh(primary).lower()
    cp = ping(primary, "-c", "3", "-i", "0.1")
    assert received(cp) == 3, cp.stdout
    assert primary.mac in _neigh(primary).lower()


def test_no_answer_for_addresses_not_ours(primary):
    # The stack announces 198.18.0.2 when the address is added; whether
    # Linux kept it or learnt it from a later request, it must resolve
    # without the stack ever answering for an address it does not own.
    cp = primary.nsexec(
        "ping", "-n", "-c", "1", "-W", "1", "198.18.0.77", check=False
    )
    assert received(cp) == 0
    assert (
        "198.18.0.77"
        not in primary.nsexec("ip", "neigh", "show", "nud", "reachable").stdout
    )


def tun_fd_flags(pid):
    """The open-file flags of each /dev/net/tun descriptor of pid."""
    flags = []
    for fd in glob.glob("/proc/%d/fd/*" % pid):
        try:
            if os.readlink(fd) != "/dev/net/tun":
                continue
            info = open(fd.replace("/fd/", "/fdinfo/")).read()
        except OSError:
            continue
        flags.append(
            int(re.search(r"^flags:\s+([0-7]+)", info, re.M).group(1), 8)
        )
    return flags


def test_tap_is_polled_not_signalled(primary):
    """net_tap's per-packet rx signal is off (ff_dpdk.c): no tap fd is
    O_ASYNC, and the real-time signals held during set-up are back to
    their defaults; traffic still flows."""
    O_ASYNC = 0o20000
    flags = tun_fd_flags(primary.pid)
    assert flags, "no /dev/net/tun descriptor in the primary"
    assert all(not f & O_ASYNC for f in flags), [oct(f) for f in flags]
    status = open("/proc/%d/status" % primary.pid).read()
    for key in ("SigIgn", "SigCgt"):
        mask = int(
            re.search(r"^%s:\s+([0-9a-f]+)" % key, status, re.M).group(1), 16
        )
        # Bits 34 and up are SIGRTMIN (34, after glibc's two) to SIGRTMAX.
        assert mask >> 34 == 0, "%s %x" % (key, mask)
    assert received(ping(primary, "-c", "5", "-i", "0.05")) == 5
