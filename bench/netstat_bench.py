#!/usr/bin/env python3
"""The pcb export at scale: N ESTABLISHED connections (default 100,000)
made on a test-port stack, then listed through FF_MSG_NETSTAT as
ff-netstat asks for them, part by part.

    .venv/bin/python bench/netstat_bench.py [-n N]

Prints how many connections the listing returned (it must be all of
them), how many parts it took, the handler's CPU time per part (median
and max: the main loop is held for that long, target under 1 ms) beside
its wall time (which includes whatever else the shared machine ran), and
the whole listing's time including Python's decoding of every record,
beside a baseline measured in the same run: the same records decoded
from bytes already in memory, without the stack.  Then ff-netstat -an
itself over the same stack (its session answered by the test port, its
text written to /dev/null): wall and CPU time, the CPU time being what
the tool costs on a quiet machine (target 1.5 s).  Not a pass/fail
test.  No network, no root, no hugepages: the
test port runs in this process (make builds libff_test.so).
"""

import argparse
import ctypes
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "stack")]

import ffstack  # noqa: E402
from fstools import _ffi  # noqa: E402


def make(n):
    cfg = ffstack.CONFIG + (
        "\n[freebsd.boot]\nkern.ipc.maxsockets=%d\n"
        "net.inet.tcp.maxtcpcb=%d\nkern.maxfiles=%d\n" % ((n + 100,) * 3)
    )
    st = ffstack.Stack(cfg)
    st.ifaddr_add("f-stack-0", "198.18.0.3", 24)
    for i in range(n):  # 60,000 local ports per local address
        st.tcp_establish(
            1024 + i % 60000,
            40000,
            5000,
            1000,
            laddr="198.18.0.%d" % (2 + i // 60000),
        )
    return st


def part(st, fn, gen, cursor):
    body = _ffi.encode_netstat_req(_ffi.IPPROTO_TCP, gen)
    raw = (
        _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC,
            fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=_ffi.FF_MSG_NETSTAT,
            fm_len=_ffi.HDR_SIZE + len(body),
            fm_cursor=cursor,
            fm_seq=1,
        )
        + body
    )
    rep = ctypes.create_string_buffer(_ffi.FF_MSG_SIZE)
    wall, cpu = time.perf_counter(), time.thread_time()
    n = fn(st.h, raw, len(raw), rep, _ffi.FF_MSG_SIZE)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    h = _ffi.decode("ff_msg_hdr", rep.raw[: _ffi.HDR_SIZE])
    return h["fm_cursor"], rep.raw[_ffi.HDR_SIZE : n], cpu, wall


class PortSession:
    """ipc.Session's shape, answered by the test-port stack."""

    stack = None

    def __init__(self, prefix=None, timeout=2.0):
        pass

    def attach(self):
        return self

    def detach(self):
        pass

    def proc_ids(self, spec):
        return [0]

    def request(self, proc, msg_type, body=b"", cursor=0):
        from fstools import ipc

        err, cur, rep = self.stack.msg(msg_type, body, cursor=cursor)
        if err:
            raise _ffi.stack_error(err)
        return ipc.Reply(msg_type, 0, cur, proc, 0, rep)


def tool_run(st, args):
    """ff-netstat ``args`` over ``st``: (wall s, CPU s, lines)."""
    from fstools import ipc, netstat

    ipc.Session, PortSession.stack = PortSession, st
    saved = sys.stdout
    with open("/dev/null", "w") as sink:
        sys.stdout = sink
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            netstat.command.main(args, standalone_mode=False)
        finally:
            sys.stdout = saved
        return time.perf_counter() - wall, time.process_time() - cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100000)
    n = ap.parse_args().n
    st = make(n)
    fn = ffstack._msg_fn()
    gen = cursor = 0
    bodies, cpus, walls = [], [], []
    t0 = time.perf_counter()
    count = 0
    while True:
        cursor, body, cpu, wall = part(st, fn, gen, cursor)
        gen, _, recs = _ffi.netstat_rows(body)
        bodies.append(body)
        count += len(recs)
        cpus.append(cpu)
        walls.append(wall)
        if cursor == 0:
            break
    total = time.perf_counter() - t0
    t0 = time.perf_counter()
    for body in bodies:
        _ffi.netstat_rows(body)
    base = time.perf_counter() - t0
    ms = 1e3
    print("connections %d, listed %d in %d parts" % (n, count, len(bodies)))
    print(
        "handler CPU per part: median %.3f ms, max %.3f ms (target 1 ms)"
        % (statistics.median(cpus) * ms, max(cpus) * ms)
    )
    print(
        "handler wall per part: median %.3f ms, max %.3f ms"
        % (statistics.median(walls) * ms, max(walls) * ms)
    )
    print(
        "whole listing with decoding %.2f s (target 1.5 s); decoding "
        "alone %.2f s; ratio %.2f" % (total, base, total / base)
    )
    for args in (["-an"], ["-an", "--json"]):
        wall, cpu = tool_run(st, args)
        print(
            "ff-netstat %s: wall %.2f s, CPU %.2f s (target 1.5 s)"
            % (" ".join(args), wall, cpu)
        )
    st.destroy()


if __name__ == "__main__":
    main()
