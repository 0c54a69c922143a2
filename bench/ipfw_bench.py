#!/usr/bin/env python3
"""ipfw benchmark on the test port: what rules cost a packet, what a
table lookup costs, and how long 100,000 rules take to load and list.

    .venv/bin/python bench/ipfw_bench.py [-n PACKETS]

Runs in one process, no root, no hugepages (libff_test.so):
  rules   PACKETS ICMP echo requests through a stack with 0, 10, 100
          and 1,000 rules that do not match (the default rule accepts),
          beside the same stack with net.inet.ip.fw.enable=0; per
          packet, and the extra cost per rule.  The figure includes the
          harness's per-packet call from Python (the same in every row):
          compare rows, not absolute values.
  table   the same packets against `deny ip from table(1,0) to any'
          (looked up, value differs: no match) with 65,536 entries in
          table 1, beside a rule that matches nothing without a table.
  load    100,000 rules added in messages of as many as fit, then
          listed, through the tools' message path (ff_test_msg).
Not a pass/fail test: the machine is shared and noisy; compare figures
from the same run only.
"""

import argparse
import socket
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "stack"))
sys.path.insert(0, str(ROOT))

import ffstack  # noqa: E402
from scapy.layers.inet import ICMP, IP  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402

from fstools import _ffi  # noqa: E402
from ipfw_util import add, ipfw, rules  # noqa: E402


def per_packet_ns(st, n):
    frame = bytes(
        Ether(dst=st.mac(), src=ffstack.PEER_MAC)
        / IP(src=ffstack.PEER_IP, dst=ffstack.OUR_IP)
        / ICMP()
    )
    inject, run, h = st.lib.ff_test_inject, st.lib.ff_test_run, st.h
    pop, buf, cap = st.lib.ff_test_pop, st._buf, st.POP_CAP
    t = time.perf_counter_ns()
    for _ in range(n):
        inject(h, 0, frame, len(frame), 0)
        run(h)
        while pop(h, 0, buf, cap) > 0:  # the reply, unparsed
            pass
    return (time.perf_counter_ns() - t) / n


def fresh():
    st = ffstack.Stack()
    st.arp_add(ffstack.PEER_IP, ffstack.PEER_MAC)
    return st


def bench_rules(n):
    print("rules (ns per echo request and its reply, both hooks):")
    st = fresh()
    st.sysctl("net.inet.ip.fw.enable", 0)
    base = per_packet_ns(st, n)
    st.destroy()
    print("  ipfw off      %9.0f" % base)
    for count in (0, 10, 100, 1000):
        st = fresh()
        texts = [
            "%d deny tcp from 10.%d.%d.0/24 to any 8080"
            % (i + 1, i // 250, i % 250)
            for i in range(count)
        ]
        for i in range(0, count, 500):
            add(st, *texts[i : i + 500])
        ns = per_packet_ns(st, n)
        extra = (ns - base) / (2 * count) if count else 0.0
        print(
            "  %5d rules   %9.0f  (%+.0f ns, %.1f ns per rule per packet)"
            % (count, ns, ns - base, extra)
        )
        st.destroy()


def bench_table(n):
    print("table lookup (ns per echo request and reply):")
    st = fresh()
    add(st, "100 deny ip from 10.0.0.0/8 to any")
    plain = per_packet_ns(st, n)
    st.destroy()
    st = fresh()
    for base in range(0, 65536, 4000):
        k = min(4000, 65536 - base)
        data = b"".join(
            _ffi.encode_ipfw_tentry(
                struct.pack("!I", (10 << 24) + (base + i) * 8), 29, 1
            )
            for i in range(k)
        )
        ipfw(
            st,
            _ffi.FF_IPFW_TABLE,
            data,
            k,
            subop=_ffi.FF_IPFW_TABLE_ADD,
            table=1,
        )
    data = _ffi.encode_ipfw_tentry(socket.inet_aton(ffstack.PEER_IP), 32, 9)
    ipfw(
        st, _ffi.FF_IPFW_TABLE, data, 1, subop=_ffi.FF_IPFW_TABLE_ADD, table=1
    )
    add(st, "100 deny ip from table(1,0) to any")
    ns = per_packet_ns(st, n)
    print("  address rule  %9.0f" % plain)
    print(
        "  65,537-entry table %6.0f  (%+.0f ns for two lookups)"
        % (ns, ns - plain)
    )
    st.destroy()


def bench_load():
    st = fresh()
    texts = [
        "%d count tcp from 10.%d.%d.0/24 to any 8080"
        % (1 + i * 65534 // 100000, i % 250, i // 250 % 250)
        for i in range(100000)
    ]
    t = time.perf_counter()
    for i in range(0, 100000, 800):
        add(st, *texts[i : i + 800])
    load = time.perf_counter() - t
    t = time.perf_counter()
    got = rules(st)
    listing = time.perf_counter() - t
    print(
        "100,000 rules: load %.2f s, list %.2f s (%d listed, compiling "
        "and decoding in Python included)" % (load, listing, len(got))
    )
    st.destroy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=20000, help="packets per row")
    args = ap.parse_args()
    ffstack.lib()
    bench_rules(args.n)
    bench_table(args.n)
    bench_load()


if __name__ == "__main__":
    main()
