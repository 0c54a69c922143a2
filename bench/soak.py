#!/usr/bin/env python3
"""Soak: connections opened and closed continuously, for a bounded time.

    sudo .venv/bin/python bench/soak.py [--minutes 10] [--plot soak.svg]
        [--out DIR]

examples/helloworld runs in a network namespace (net_tap, idle_sleep
100 us, on the last CPU); from the Linux side of its tap, on the first
CPU, two loads run side by side until the time is up:
  - wrk -H 'Connection: close' (every request a new connection), in
    back-to-back runs of at most 5 s;
  - a connect-churn client: connect, one GET, read the page, close, as
    fast as it goes, timing each (its latency is the one reported).
Every second the stack's pool and socket counts (kern.ipc.nmbufs -
kern.ipc.overload.mbufs_free, kern.ipc.numopensockets,
net.inet.tcp.pcbcount, TCP states), the primary's RSS and the churn
client's latency are sampled.  At the end the load stops, the stack is
given 2 MSL to let TIME_WAIT run out, and the counts are compared with
those before the load: a socket or mbuf not given back is a leak.

Prints a table (one row per interval) and the verdict (growth after
warm-up, leaked sockets and mbufs), and writes a plot (plain SVG).  With
--out DIR, DIR gets all three to keep: soak.txt (what was printed),
soak.tsv (every one-second sample) and soak.svg (the plot).
Stops by itself; Ctrl-C stops it early and cleans up.  net.inet.tcp.msl
is set to 2 s (FreeBSD's default is 30 s) so that TIME_WAIT, which holds
a pcb per closed connection, settles within the run.

Network safety: everything stays in a namespace made here; 198.18.0.0/15.
"""

import argparse
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fstools import testing  # noqa: E402

MSL_MS = 2000

# The connect-churn client: one connection per request until the
# deadline; each second a line "n p50_us p99_us failures".
CHURN = r"""
import socket, sys, time
addr, end = sys.argv[1], time.monotonic() + float(sys.argv[2])
req = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
lat, fails, tick = [], 0, time.monotonic() + 1
while time.monotonic() < end:
    t0 = time.monotonic()
    try:
        s = socket.create_connection((addr, 80), timeout=2)
        s.sendall(req)
        while s.recv(65536):
            pass
        s.close()
        lat.append(time.monotonic() - t0)
    except OSError:
        fails += 1
    if time.monotonic() >= tick:
        lat.sort()
        n = len(lat)
        p50 = lat[n // 2] * 1e6 if n else 0
        p99 = lat[min(n - 1, n * 99 // 100)] * 1e6 if n else 0
        print(n, int(p50), int(p99), fails, flush=True)
        lat, fails, tick = [], 0, tick + 1
"""


def sh(*cmd, check=True, timeout=60):
    return subprocess.run(
        cmd, check=check, capture_output=True, text=True, timeout=timeout
    )


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """The stack's counts, read through fstools.Stack."""

    def __init__(self, prefix):
        from fstools.stack import Stack

        self.st = Stack(prefix, timeout=2.0).attach()

    def num(self, name):
        return int.from_bytes(self.st.sysctl(name).value, "little")

    def sample(self):
        states = self.st.sysctl("net.inet.tcp.states").value
        states = struct.unpack("=%dQ" % (len(states) // 8), states)
        return {
            "mbufs": self.num("kern.ipc.nmbufs")
            - self.num("kern.ipc.overload.mbufs_free"),
            "sockets": self.num("kern.ipc.numopensockets"),
            "pcbs": self.num("net.inet.tcp.pcbcount"),
            "time_wait": states[10] if len(states) > 10 else 0,
            "accepts": self.tcp_accepts(),
        }

    def tcp_accepts(self):
        from fstools import _ffi

        node = self.st.sysctl("net.inet.tcp.stats")
        layout = _ffi.abi_layout()[node.fmt.split(",", 1)[1]]
        off, _ = layout["tcps_accepts"]
        return struct.unpack_from("=Q", node.value, off)[0]

    def close(self):
        self.st.detach()


def wrk_loop(ns, cpu, url, end, procs):
    """Start the next bounded wrk run if the last one ended."""
    left = end - time.monotonic()
    if left < 1:
        return
    if procs and procs[-1].poll() is None:
        return
    secs = max(1, min(5, int(left)))
    procs.append(
        subprocess.Popen(
            ["ip", "netns", "exec", ns, "taskset", "-c", str(cpu), "wrk"]
            + ["-t1", "-c8", "-d%ds" % secs, "--timeout", "2s"]
            + ["-H", "Connection: close", url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    )


def wrk_requests(procs):
    total = errors = 0
    for p in procs:
        out, _ = p.communicate(timeout=30)
        for line in out.splitlines():
            if "requests in" in line:
                total += int(line.split()[0])
            if "Socket errors" in line or "Non-2xx" in line:
                errors += sum(
                    int(x.strip(","))
                    for x in line.split()
                    if x.strip(",").isdigit()
                )
    return total, errors


def svg_plot(rows, path, warm):
    """Six small panels over time, plain SVG."""
    series = [
        ("connections/s", "cps"),
        ("open sockets", "sockets"),
        ("TCP pcbs (TIME_WAIT included)", "pcbs"),
        ("mbufs in use", "mbufs"),
        ("RSS (MiB)", "rss_mib"),
        ("churn p99 latency (ms)", "p99_ms"),
    ]
    w, ph, pad = 720, 120, 40
    h = len(series) * (ph + pad) + pad
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'font-family="sans-serif" font-size="11">' % (w, h),
        '<rect width="100%" height="100%" fill="white"/>',
    ]
    tmax = max(r["t"] for r in rows) or 1
    for i, (title, key) in enumerate(series):
        y0 = pad + i * (ph + pad)
        vals = [r[key] for r in rows]
        lo, hi = 0, max(vals) * 1.1 or 1

        def x(t):
            return 60 + (w - 80) * t / tmax

        def y(v, y0=y0, lo=lo, hi=hi):
            return y0 + ph - ph * (v - lo) / (hi - lo)

        out.append(
            '<text x="60" y="%d" font-weight="bold">%s</text>'
            % (y0 - 6, title)
        )
        out.append(
            '<rect x="60" y="%d" width="%d" height="%d" fill="none" '
            'stroke="#999"/>' % (y0, w - 80, ph)
        )
        for v in (lo, hi):
            out.append(
                '<text x="55" y="%.1f" text-anchor="end">%s</text>'
                % (y(v) + 4, "%.4g" % v)
            )
        out.append(
            '<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#c88" '
            'stroke-dasharray="4,3"/>' % (x(warm), y0, x(warm), y0 + ph)
        )
        pts = " ".join("%.1f,%.1f" % (x(r["t"]), y(r[key])) for r in rows)
        out.append(
            '<polyline points="%s" fill="none" stroke="#1f5fa8" '
            'stroke-width="1.2"/>' % pts
        )
    out.append(
        '<text x="%d" y="%d" text-anchor="end">seconds (dashed: end of '
        "warm-up)</text>" % (w - 20, h - 10)
    )
    out.append("</svg>")
    Path(path).write_text("\n".join(out) + "\n")


class Report:
    """What the run prints, also kept for soak.txt when asked."""

    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        print(text, flush=True)
        self.lines.append(text)

    def save(self, path):
        Path(path).write_text("\n".join(self.lines) + "\n")


TSV_KEYS = (
    "t",
    "cps",
    "sockets",
    "pcbs",
    "time_wait",
    "mbufs",
    "rss_mib",
    "p50_ms",
    "p99_ms",
    "fails",
)


def write_tsv(rows, path):
    """Every sample, one line a second, tab-separated with a header."""
    lines = ["\t".join(TSV_KEYS)]
    for r in rows:
        lines.append(
            "\t".join(
                "%.2f" % r[k] if isinstance(r[k], float) else str(r[k])
                for k in TSV_KEYS
            )
        )
    Path(path).write_text("\n".join(lines) + "\n")


def table(rows, every, out=print):
    head = "%6s %8s %8s %7s %6s %6s %8s %8s %8s %6s" % (
        "t(s)",
        "conn/s",
        "sockets",
        "pcbs",
        "tw",
        "mbufs",
        "RSS MiB",
        "p50 ms",
        "p99 ms",
        "fails",
    )
    out(head)
    for r in rows:
        if r["t"] % every and r is not rows[-1]:
            continue
        out(
            "%6d %8d %8d %7d %6d %6d %8.1f %8.2f %8.2f %6d"
            % (
                r["t"],
                r["cps"],
                r["sockets"],
                r["pcbs"],
                r["time_wait"],
                r["mbufs"],
                r["rss_mib"],
                r["p50_ms"],
                r["p99_ms"],
                r["fails"],
            )
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--plot", default="soak.svg", help="SVG to write")
    ap.add_argument(
        "--every", type=int, default=10, help="table row every N s"
    )
    ap.add_argument("--app", default=str(ROOT / "examples" / "helloworld"))
    ap.add_argument(
        "--out", help="directory for soak.txt, soak.tsv and soak.svg"
    )
    args = ap.parse_args()
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        args.plot = os.path.join(args.out, "soak.svg")
    out = Report()
    if os.geteuid() != 0 or not shutil.which("wrk"):
        sys.exit("soak: needs root and wrk (scripts/ff-setup deps)")
    if not os.path.exists(args.app):
        sys.exit("soak: %s not built (make)" % args.app)
    cpus = sorted(os.sched_getaffinity(0))
    load_cpu = cpus[0]
    duration = args.minutes * 60
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with tempfile.TemporaryDirectory() as tmp:
        h = testing.new_handle(Path(tmp))
        h.config.write_text(testing.make_config(h.tap, h.prefix, h.mac))
        procs, churn, sampler = [], None, None
        rows = []
        try:
            sh("ip", "netns", "add", h.ns)
            testing.start(h, Path(args.app))
            sampler = Sampler(h.prefix)
            sampler.st.sysctl_set("net.inet.tcp.msl", MSL_MS)
            before = sampler.sample()
            out(
                "soak: %s for %.1f min; stack pid %d on CPU %d, load on "
                "CPU %d; before: %d sockets, %d mbufs in use"
                % (
                    Path(args.app).name,
                    args.minutes,
                    h.pid,
                    cpus[-1],
                    load_cpu,
                    before["sockets"],
                    before["mbufs"],
                )
            )
            t0 = time.monotonic()
            end = t0 + duration
            url = "http://%s/" % h.addr
            churn = subprocess.Popen(
                ["ip", "netns", "exec", h.ns, "taskset", "-c", str(load_cpu)]
                + [sys.executable, "-c", CHURN, h.addr, str(duration)],
                stdout=subprocess.PIPE,
                text=True,
            )
            os.set_blocking(churn.stdout.fileno(), False)
            last = before["accepts"]
            lat = (0, 0, 0)
            tick = t0 + 1
            while time.monotonic() < end:
                # The next wrk run starts as soon as the last one ends.
                while time.monotonic() < tick:
                    wrk_loop(h.ns, load_cpu, url, end, procs)
                    time.sleep(min(0.05, max(0, tick - time.monotonic())))
                tick += 1
                while True:
                    line = churn.stdout.readline()
                    if not line:
                        break
                    n, p50, p99, fails = map(int, line.split())
                    lat = (p50, p99, fails)
                s = sampler.sample()
                rows.append(
                    dict(
                        s,
                        t=int(round(time.monotonic() - t0)),
                        cps=s["accepts"] - last,
                        rss_mib=rss_kib(h.pid) / 1024,
                        p50_ms=lat[0] / 1000,
                        p99_ms=lat[1] / 1000,
                        fails=lat[2],
                    )
                )
                last = s["accepts"]
                if not h.alive():
                    sys.exit("soak: the stack exited:\n" + h.log_text())
            churn.wait(timeout=30)
            reqs, errs = wrk_requests(procs)
            # The load has stopped: TIME_WAIT runs out in 2 MSL.
            settle_end = time.monotonic() + 2 * MSL_MS / 1000 + 5
            after = sampler.sample()
            while time.monotonic() < settle_end and (
                after["sockets"] != before["sockets"]
                or after["pcbs"] != before["pcbs"]
                or after["mbufs"] > before["mbufs"]
            ):
                time.sleep(0.5)
                after = sampler.sample()
        except KeyboardInterrupt:
            print("soak: interrupted", file=sys.stderr)
            return 130
        finally:
            if churn is not None and churn.poll() is None:
                churn.kill()
                churn.wait()
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
            if sampler is not None:
                sampler.close()
            rss_end = rss_kib(h.pid) if h.proc else 0
            testing.stop(h)
    if not rows:
        return 1
    warm = max(10, int(len(rows) * 0.1))
    table(rows, args.every, out)
    steady = rows[warm:] or rows
    total = after["accepts"] - before["accepts"]

    def spread(key):
        vals = [r[key] for r in steady]
        return min(vals), max(vals)

    out()
    out(
        "connections accepted: %d (%.0f/s); wrk: %d requests, %d errors"
        % (total, total / duration, reqs, errs)
    )
    for key, unit in (
        ("rss_mib", "MiB"),
        ("mbufs", ""),
        ("sockets", ""),
        ("pcbs", ""),
    ):
        lo, hi = spread(key)
        out(
            "after warm-up (%d s): %-8s min %g max %g %s"
            % (warm, key, round(lo, 1), round(hi, 1), unit)
        )
    rss_growth = steady[-1]["rss_mib"] - steady[0]["rss_mib"]
    out(
        "RSS growth after warm-up: %+.1f MiB (end %.1f MiB)"
        % (rss_growth, rss_end / 1024)
    )
    leaked_sockets = after["sockets"] - before["sockets"]
    leaked_pcbs = after["pcbs"] - before["pcbs"]
    leaked_mbufs = after["mbufs"] - before["mbufs"]
    out(
        "after the load: %d leaked sockets, %d leaked pcbs, %d leaked mbufs"
        % (leaked_sockets, leaked_pcbs, leaked_mbufs)
    )
    svg_plot(rows, args.plot, warm)
    out("plot: %s" % args.plot)
    if args.out:
        write_tsv(rows, os.path.join(args.out, "soak.tsv"))
        out.save(os.path.join(args.out, "soak.txt"))
    return (
        0
        if (leaked_sockets, leaked_pcbs) == (0, 0) and leaked_mbufs <= 0
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
