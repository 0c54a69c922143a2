#!/usr/bin/env python3
"""One-shot tool latency: the median wall time of a tool run, start to
exit, against a live primary this script starts in a namespace.

    sudo .venv/bin/python bench/tools_bench.py [-r RUNS]

Times, RUNS times each (default 20), the whole command as a user types
it (Python start-up, EAL attach, request, output):
  ff-sysctl net.inet.tcp.sendspace   (kern.ipc.somaxconn if the stack has
                                      no TCP yet)       target 100 ms
  ff-sysctl -a                                          target 1 s
  ff-top -n 1                                           target 100 ms
  ff-ifconfig f-stack-0, ff-route -n get default, ff-arp -a
                                                        target 100 ms
and prints each median (and min, max) beside its target, after two
baselines measured in the same run: a bare Python start (`python3 -c
pass`) and the same plus `import click`, the floor any click tool stands
on.  Last, the median of one TOP request inside a running tool (1,000
requests one after another, tests/integration/ipc_tool.py): the ring's
own round trip, with the stack sleeping idle_sleep = 100 µs between idle
loops.  Not a pass/fail test: the machine is shared and noisy.

Network safety: the stack runs in a namespace made here, 198.18.0.0/15;
it is stopped by its PID and the namespace, hugepage files and DPDK
runtime directory are removed afterwards (tests/integration/conftest.py).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration import conftest as live  # noqa: E402

BIN = Path(sys.executable).parent


def timed(prim, runs, *cmd):
    """Wall times (s) of ``runs`` runs of tool ``cmd`` against prim."""
    argv = [str(BIN / cmd[0]), "--prefix", prim.prefix, *cmd[1:]]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        cp = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        times.append(time.perf_counter() - t0)
        if cp.returncode != 0:
            sys.exit(
                "tools_bench: %s failed (%d): %s"
                % (" ".join(cmd), cp.returncode, cp.stderr.strip())
            )
    return times


def sendspace_name(prim):
    argv = [
        str(BIN / "ff-sysctl"),
        "--prefix",
        prim.prefix,
        "net.inet.tcp.sendspace",
    ]
    cp = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return (
        "net.inet.tcp.sendspace"
        if cp.returncode == 0
        else "kern.ipc.somaxconn"
    )


def row(label, times, target):
    med = statistics.median(times)
    verdict = "within" if med <= target else "over"
    return "%-36s %8.1f ms %8.1f %8.1f   target %6.0f ms (%s)" % (
        label,
        med * 1e3,
        min(times) * 1e3,
        max(times) * 1e3,
        target * 1e3,
        verdict,
    )


def baseline(runs, *code):
    """Wall times of ``python3 -c CODE``: what every tool pays first."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", *code], check=True)
        times.append(time.perf_counter() - t0)
    return times


def measure(prim, runs):
    name = sendspace_name(prim)
    cases = [
        (("ff-sysctl", name), 0.1),
        (("ff-sysctl", "-a"), 1.0),
        (("ff-top", "-n", "1"), 0.1),
        (("ff-ifconfig", "f-stack-0"), 0.1),
        (("ff-route", "-n", "get", "default"), 0.1),
        (("ff-arp", "-a"), 0.1),
    ]
    print(
        "%-36s %11s %8s %8s"
        % ("command (%d runs)" % runs, "median", "min", "max")
    )
    for label, code in (
        ("baseline: python3 -c pass", "pass"),
        ("baseline: python3 -c 'import click'", "import click"),
    ):
        times = baseline(runs, code)
        print(
            "%-36s %8.1f ms %8.1f %8.1f"
            % (
                label,
                statistics.median(times) * 1e3,
                min(times) * 1e3,
                max(times) * 1e3,
            ),
            flush=True,
        )
    for cmd, target in cases:
        print(row(" ".join(cmd), timed(prim, runs, *cmd), target), flush=True)
    res = prim.ipc("time", "1000")
    print(
        "%-36s %8.1f us (p90 %.1f us)"
        % (
            "one TOP request in a running tool",
            res["median_us"],
            res["p90_us"],
        )
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-r", "--runs", type=int, default=20)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("tools_bench: needs root (namespace, hugepages)")
    program = ROOT / "examples" / "ff_primary"
    if not program.exists():
        sys.exit("tools_bench: %s not built (make)" % program)
    # Fresh bytecode first, as scripts/ff-setup makes it: with
    # PYTHONDONTWRITEBYTECODE set, a source edited since would be compiled
    # again on every run and the figures would time the compiler.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "fstools")],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tag = str(os.getpid() % 100000)
    with tempfile.TemporaryDirectory() as tmp:
        prim = live.Primary(
            ns="ffb-t" + tag,
            tap="fftb" + tag,
            prefix="fftb" + tag,
            mac="02:18:00:0c:00:02",
            peer_mac="02:18:00:0c:00:01",
            config=Path(tmp) / "config.ini",
            log=Path(tmp) / "stack.log",
        )
        prim.config.write_text(
            live.make_config(prim.tap, prim.prefix, prim.mac)
        )
        try:
            live.run(["ip", "netns", "add", prim.ns])
            live._start(prim, program)
            measure(prim, args.runs)
        finally:
            live._stop(prim)


if __name__ == "__main__":
    main()
