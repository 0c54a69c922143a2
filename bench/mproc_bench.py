#!/usr/bin/env python3
"""Multi-process benchmark: server cycles per request with 1 and with 2
stack processes on one net_tap port, at the same offered load.

    sudo .venv/bin/python bench/mproc_bench.py [-d SECONDS] [-c CONNS] [-r RATE]

examples/helloworld runs as one process, then as two (a primary and a
secondary, one CPU each, idle_sleep so that they and wrk share the
machine).  wrk offers the same load both times: CONNS keep-alive
connections, each sending RATE requests per second (a wrk Lua delay()).
From ff-top's counters (fstools.Stack.top) of every process: the cycles
the stacks spent working (sys + usr, not idle) per request answered, side
by side and as a ratio (the goal is flat: linear scaling per core), and
the share of received frames that needed a handover to another process
(net.inet.rss.handover_in over rx packets).  Not a pass/fail test.

Network safety: everything stays in the namespace made here, 198.18.0.0/15.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fstools import testing  # noqa: E402

CONFIG = """\
[dpdk]
lcore_mask={mask:x}
file_prefix={prefix}
port_list=0
nb_vdev=1
idle_sleep=100
nb_mbufs=16383

[vdev0]
driver=net_tap
iface={tap}
mac={mac}

[port0]
addr=198.18.0.2
netmask=255.255.255.0
broadcast=198.18.0.255
gateway=198.18.0.1
"""


def secondary(handle, program, log):
    proc = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            handle.ns,
            str(program),
            "-c",
            str(handle.config),
            "-p",
            "1",
            "-t",
            "secondary",
        ],
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            if handle.stack.echo(b"x", proc=1) == b"x":
                return proc
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.2)
    proc.kill()
    sys.exit("mproc_bench: the secondary did not start")


def sample(handle, nprocs):
    tops = [handle.stack.top(proc=p) for p in range(nprocs)]
    ho = [
        int(handle.stack.sysctl("net.inet.rss.handover_in", proc=p).decoded)
        for p in range(nprocs)
    ]
    work = sum(t.sys_tsc + t.usr_tsc for t in tops)
    rx = sum(t.rx_packets for t in tops)
    return work, rx, sum(ho), tops[0].tsc_hz


def run(nprocs, args, tmp, lua):
    cpus = sorted(os.sched_getaffinity(0))
    mask = (1 << cpus[-1]) | ((1 << cpus[-2]) if nprocs == 2 else 0)
    handle = testing.new_handle(Path(tmp))
    handle.config.write_text(
        CONFIG.format(
            mask=mask, prefix=handle.prefix, tap=handle.tap, mac=handle.mac
        )
    )
    sec = None
    try:
        subprocess.run(["ip", "netns", "add", handle.ns], check=True)
        testing.start(handle, ROOT / "examples" / "helloworld")
        if nprocs == 2:
            sec = secondary(
                handle,
                ROOT / "examples" / "helloworld",
                Path(tmp) / "secondary.log",
            )
        w0, rx0, ho0, hz = sample(handle, nprocs)
        out = handle.nsexec(
            "wrk",
            "-t1",
            "-c%d" % args.conns,
            "-d%ds" % args.duration,
            "-s",
            lua,
            "http://198.18.0.2/",
            timeout=args.duration + 60,
        ).stdout
        w1, rx1, ho1, _ = sample(handle, nprocs)
    finally:
        if sec is not None and sec.poll() is None:
            sec.send_signal(signal.SIGTERM)
            sec.wait(timeout=15)
        testing.stop(handle)
    reqs = int(re.search(r"(\d+) requests in", out).group(1))
    errors = "Socket errors" in out or "Non-2xx" in out
    return {
        "requests": reqs,
        "cycles": (w1 - w0) / max(reqs, 1),
        "handover": (ho1 - ho0) / max(rx1 - rx0, 1),
        "errors": errors,
        "ghz": hz / 1e9,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-d", "--duration", type=int, default=5)
    ap.add_argument("-c", "--conns", type=int, default=20)
    ap.add_argument(
        "-r",
        "--rate",
        type=int,
        default=200,
        help="requests per second per connection",
    )
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("wrk"):
        sys.exit("mproc_bench: needs root and wrk (scripts/ff-setup deps)")
    if len(os.sched_getaffinity(0)) < 2:
        sys.exit("mproc_bench: needs two CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "rate.lua"
        lua.write_text(
            "function delay() return %d end\n" % max(1, 1000 // args.rate)
        )
        res = {n: run(n, args, tmp, str(lua)) for n in (1, 2)}
    print(
        "offered: %d connections x %d req/s, %d s"
        % (args.conns, args.rate, args.duration)
    )
    print("%-28s %12s %12s %8s" % ("", "1 process", "2 processes", "ratio"))
    one, two = res[1], res[2]
    print(
        "%-28s %12d %12d %8.2f"
        % (
            "requests answered",
            one["requests"],
            two["requests"],
            two["requests"] / max(one["requests"], 1),
        )
    )
    print(
        "%-28s %12.0f %12.0f %8.2f"
        % (
            "stack cycles per request",
            one["cycles"],
            two["cycles"],
            two["cycles"] / max(one["cycles"], 1),
        )
    )
    print(
        "%-28s %11.2f%% %11.2f%%"
        % ("frames handed over", 100 * one["handover"], 100 * two["handover"])
    )
    if one["errors"] or two["errors"]:
        print("wrk reported errors: see its output")


if __name__ == "__main__":
    main()
