#!/usr/bin/env python3
"""HTTP benchmark: ff's helloworld over net_tap beside the Linux kernel.

    sudo .venv/bin/python bench/http_bench.py [-d SECONDS] [-c CONNS]

Runs, in one go and on this machine:
  ff     examples/helloworld in a network namespace with a net_tap port,
         busy-polling on one core; wrk from the Linux side of the tap.
  linux  bench/linux_http_server (epoll, the same response bytes, captured
         from helloworld) on the same core, in a namespace joined to the
         client's by a veth pair; wrk the same way.
wrk always runs pinned to the other core.  Three figures each:
requests/s with keep-alive (wrk -t1 -cCONNS), connections/s with
"Connection: close", and the p50 latency of a single connection.  Prints
both columns and their ratio.  Not a pass/fail test: the machine is
shared and noisy; compare figures from the same run only.

Network safety: everything stays in namespaces made here, 198.18.0.0/15.
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

from tests.integration import conftest as live  # noqa: E402

TARGETS = {"rps": 0.9, "cps": 1.0}  # ratios to Linux (issue 5)
P50_TARGET_US = 34.0


def sh(*cmd, check=True, timeout=120):
    return subprocess.run(
        cmd, check=check, capture_output=True, text=True, timeout=timeout
    )


def cpus():
    mine = sorted(os.sched_getaffinity(0))
    if len(mine) < 2:
        sys.exit("http_bench: needs two CPUs (stack and load on their own)")
    return mine[-1], mine[0]


CAPTURE = """
import socket, sys
s = socket.create_connection((sys.argv[1], 80), 5)
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode())
s.settimeout(0.5)
data = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
except OSError:
    pass
sys.stdout.buffer.write(data)
"""


def capture_response(ns, addr, close=False):
    """The bytes the server sends for one GET (keep-alive or close)."""
    req = "GET / HTTP/1.1\\r\\nHost: x\\r\\n"
    if close:
        req += "Connection: close\\r\\n"
    out = subprocess.run(
        [
            "ip",
            "netns",
            "exec",
            ns,
            sys.executable,
            "-c",
            CAPTURE,
            addr,
            req + "\\r\\n",
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    if not out.stdout.startswith(b"HTTP/1.1 200"):
        sys.exit(
            "http_bench: unexpected answer from %s: %r"
            % (addr, out.stdout[:80])
        )
    return out.stdout


def wrk(ns, cpu, url, secs, conns, close=False, latency=False):
    cmd = [
        "ip",
        "netns",
        "exec",
        ns,
        "taskset",
        "-c",
        str(cpu),
        "wrk",
        "-t1",
        "-c%d" % conns,
        "-d%ds" % secs,
        "--timeout",
        "2s",
    ]
    if close:
        cmd += ["-H", "Connection: close"]
    if latency:
        cmd.append("--latency")
    out = subprocess.run(
        cmd + [url], capture_output=True, text=True, timeout=secs + 60
    ).stdout
    res = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = int(m.group(1)) if m else 0
    m = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        out,
    )
    res["errors"] = sum(map(int, m.groups())) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    res["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if m:
        scale = {"us": 1, "ms": 1e3, "s": 1e6}[m.group(2)]
        res["p50_us"] = float(m.group(1)) * scale
    return res


def measure(ns, cpu, url, secs, conns):
    ka = wrk(ns, cpu, url, secs, conns)
    cl = wrk(ns, cpu, url, secs, conns, close=True)
    lat = wrk(ns, cpu, url, max(3, secs // 2), 1, latency=True)
    return {
        "rps": ka["rps"],
        "cps": cl["rps"],
        "p50_us": lat.get("p50_us"),
        "errors": ka["errors"] + cl["errors"] + lat["errors"],
        "non2xx": ka["non2xx"] + cl["non2xx"] + lat["non2xx"],
    }


class LinuxPair:
    """Server and client namespaces joined by a veth pair."""

    def __init__(self, tag):
        self.srv, self.cli = "ffb-s%s" % tag, "ffb-c%s" % tag
        self.proc = None

    def up(self):
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh(
            "ip",
            "link",
            "add",
            "ffbv0",
            "netns",
            self.srv,
            "type",
            "veth",
            "peer",
            "name",
            "ffbv1",
            "netns",
            self.cli,
        )
        sh(
            "ip",
            "-n",
            self.srv,
            "addr",
            "add",
            "198.18.1.2/24",
            "dev",
            "ffbv0",
        )
        sh(
            "ip",
            "-n",
            self.cli,
            "addr",
            "add",
            "198.18.1.1/24",
            "dev",
            "ffbv1",
        )
        sh("ip", "-n", self.srv, "link", "set", "ffbv0", "up")
        sh("ip", "-n", self.cli, "link", "set", "ffbv1", "up")

    def serve(self, binary, pages, cpu):
        self.proc = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                self.srv,
                "taskset",
                "-c",
                str(cpu),
                str(binary),
                "80",
            ]
            + [str(p) for p in pages]
        )
        time.sleep(0.3)

    def down(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=10)
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "del", ns, check=False)


def capture_pages(ns, addr, tmp):
    """helloworld's two replies (keep-alive, close) as the Linux
    baseline serves them, written to files in tmp: their paths."""
    pages = [Path(tmp) / "keepalive", Path(tmp) / "close"]
    for page, close in zip(pages, (False, True)):
        page.write_bytes(capture_response(ns, addr, close))
    return pages


def start_ff(handle, app, tmp):
    """``app`` busy-polling on a net_tap port in the handle's namespace
    (made here); its two replies captured (capture_pages())."""
    handle.config.write_text(
        live.make_config(handle.tap, handle.prefix, handle.mac, idle_sleep=0)
    )
    sh("ip", "netns", "add", handle.ns)
    live._start(handle, Path(app))
    return capture_pages(handle.ns, handle.addr, tmp)


def build_baseline(tmp):
    exe = Path(tmp) / "linux_http_server"
    sh(
        "cc",
        "-O2",
        "-o",
        str(exe),
        str(ROOT / "bench" / "linux_http_server.c"),
    )
    return exe


def report(ff, lx):
    def ratio(a, b):
        return "%.2fx" % (a / b) if a and b else "-"

    rows = [
        (
            "requests/s (keep-alive)",
            "%.0f" % ff["rps"],
            "%.0f" % lx["rps"],
            ratio(ff["rps"], lx["rps"]),
            ">= %.2fx" % TARGETS["rps"],
        ),
        (
            "connections/s (close)",
            "%.0f" % ff["cps"],
            "%.0f" % lx["cps"],
            ratio(ff["cps"], lx["cps"]),
            ">= %.2fx" % TARGETS["cps"],
        ),
        (
            "p50 latency, 1 conn (us)",
            "%.1f" % (ff["p50_us"] or 0),
            "%.1f" % (lx["p50_us"] or 0),
            ratio(ff["p50_us"], lx["p50_us"]),
            "<= %.0f us" % P50_TARGET_US,
        ),
        (
            "socket errors + non-2xx",
            str(ff["errors"] + ff["non2xx"]),
            str(lx["errors"] + lx["non2xx"]),
            "",
            "0",
        ),
    ]
    w = [
        max(
            len(r[i])
            for r in rows
            + [("metric", "ff (net_tap)", "linux (veth)", "ratio", "target")]
        )
        for i in range(5)
    ]
    line = "  ".join(
        "%-*s" % (w[i], h)
        for i, h in enumerate(
            ("metric", "ff (net_tap)", "linux (veth)", "ratio", "target")
        )
    )
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join("%-*s" % (w[i], c) for i, c in enumerate(r)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-d", "--duration", type=int, default=10)
    ap.add_argument("-c", "--conns", type=int, default=50)
    ap.add_argument("--app", default=str(ROOT / "examples" / "helloworld"))
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("wrk"):
        sys.exit("http_bench: needs root and wrk (scripts/ff-setup deps)")
    if not os.path.exists(args.app):
        sys.exit("http_bench: %s not built" % args.app)
    stack_cpu, load_cpu = cpus()
    tag = str(os.getpid() % 100000)
    with tempfile.TemporaryDirectory() as tmp:
        prim = live.Primary(
            ns="ffb-f" + tag,
            tap="ffbt" + tag,
            prefix="ffb" + tag,
            mac="02:18:00:0b:00:02",
            peer_mac="02:18:00:0b:00:01",
            config=Path(tmp) / "config.ini",
            log=Path(tmp) / "stack.log",
        )
        pair = LinuxPair(tag)
        try:
            pages = start_ff(prim, args.app, tmp)
            print(
                "responses: %d bytes (keep-alive), %d (close); %ds per "
                "run, wrk on CPU %d, servers on CPU %d"
                % (
                    pages[0].stat().st_size,
                    pages[1].stat().st_size,
                    args.duration,
                    load_cpu,
                    stack_cpu,
                ),
                flush=True,
            )
            ff = measure(
                prim.ns,
                load_cpu,
                "http://%s/" % live.STACK_ADDR,
                args.duration,
                args.conns,
            )
            live._stop(prim)
            pair.up()
            pair.serve(build_baseline(tmp), pages, stack_cpu)
            lx = measure(
                pair.cli,
                load_cpu,
                "http://198.18.1.2/",
                args.duration,
                args.conns,
            )
        finally:
            live._stop(prim)
            pair.down()
    report(ff, lx)


if __name__ == "__main__":
    main()
