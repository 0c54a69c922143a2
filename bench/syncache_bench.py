#!/usr/bin/env python3
"""What a flood SYN costs the stack: cycles per SYN on the test port.

    .venv/bin/python bench/syncache_bench.py [-n SYNS] [-r ROUNDS]

Runs in one process, no root, no network (libff_test.so).  A listener
on port 80, then SYNS spoofed SYNs from random 198.19.0.0/16 sources
(ff_test_synflood_cycles: frames built outside the timed part, the
virtual clock stopped so nothing expires), timed with the TSC in
bursts of 32: the copy into an mbuf (as a driver's receive), the
stack's input and the SYN-ACK handed to the port.  Cases:
  fill        the first cachelimit SYNs of a fresh stack (entries made)
  flood       the SYNs after it, the cache full (FreeBSD's defaults:
              512 buckets of at most 30): what a flood costs in steady
              state
  cookies     net.inet.tcp.syncookies_only=1: a cookie and no state
  no cookies  net.inet.tcp.syncookies=0, the cache full: each SYN evicts
              the bucket's oldest entry
Reports the minimum and median of ROUNDS rounds (fresh stack each; on
a shared machine the minimum is the round least disturbed: other
processes evict the cache a bucket walk misses in).  Not a pass/fail
test: compare figures from the same run only.
"""

import argparse
import ctypes
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "stack"))
sys.path.insert(0, str(ROOT))

import ffstack  # noqa: E402
from overload_util import sysctl  # noqa: E402


def flood(st, n, seed):
    fn = st.lib.ff_test_synflood_cycles
    fn.restype = ctypes.c_int
    fn.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_uint32,
        ctypes.c_uint64,
        ctypes.POINTER(ctypes.c_uint64),
    ]
    cyc = ctypes.c_uint64()
    got = fn(st.h, 0, ffstack.OUR_IP.encode(), 80, n, seed, ctypes.byref(cyc))
    if got != n:
        sys.exit("syncache_bench: %d of %d SYNs injected" % (got, n))
    return cyc.value / n


def stack(**sysctls):
    st = ffstack.Stack()
    # The flood's SYN-ACKs go to the gateway: its ARP entry, once.
    st.arp_add(ffstack.PEER_IP, ffstack.PEER_MAC, ffstack.LLE_STATIC)
    for k, v in sysctls.items():
        st.sysctl(k, v)
    fd = st.tcp_socket()
    assert st.tcp_bind(fd, "", 80) == 0 and st.tcp_listen(fd, 128) == 0
    return st


def one_round(n, seed):
    res = {}
    st = stack()
    limit = sysctl(st, "net.inet.tcp.syncache.cachelimit")
    res["fill"] = flood(st, limit, seed)
    res["flood"] = flood(st, n, seed + 1)
    res["entries"] = sysctl(st, "net.inet.tcp.syncache.count")
    st.destroy()
    st = stack(**{"net.inet.tcp.syncookies_only": 1})
    res["cookies"] = flood(st, n, seed + 2)
    st.destroy()
    st = stack(**{"net.inet.tcp.syncookies": 0})
    flood(st, limit, seed + 3)
    res["no cookies"] = flood(st, n, seed + 4)
    st.destroy()
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", "--syns", type=int, default=200000)
    ap.add_argument("-r", "--rounds", type=int, default=3)
    args = ap.parse_args()
    rounds = [one_round(args.syns, 1000 * (i + 1)) for i in range(args.rounds)]
    print("cycles (TSC) per SYN over %d rounds:" % args.rounds)
    print("  %-11s %8s %8s   all" % ("", "min", "median"))
    for k in ("fill", "flood", "cookies", "no cookies"):
        vals = sorted(r[k] for r in rounds)
        print(
            "  %-11s %8.0f %8.0f   (%s)"
            % (
                k,
                vals[0],
                statistics.median(vals),
                ", ".join("%.0f" % v for v in vals),
            )
        )
    print("  entries after the flood: %d" % rounds[-1]["entries"])


if __name__ == "__main__":
    main()
