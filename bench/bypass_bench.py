#!/usr/bin/env python3
"""HTTP with no kernel stack in the path: ff over net_memif and net_af_xdp
beside Linux over veth, in one run, as ratios.

    sudo .venv/bin/python bench/bypass_bench.py [-d SECONDS] [-c CONNS]
        [--latency] [--perf] [--csum-trust]

Runs, on this machine, one after the other (servers on the highest CPU,
load generators on the lowest):
  linux   bench/linux_http_server (epoll, the same response bytes as
          helloworld's, captured from it) in a namespace, wrk from another
          one across a veth pair: keep-alive requests/s (wrk -t1 -cCONNS)
          and connections/s ("Connection: close").  Then the latency at a
          fixed rate of 50 % of that keep-alive maximum, measured by
          examples/ff_bench in open loop (wrk has no fixed rate), ff_bench
          on the client's end of the veth through net_af_xdp.
  memif   examples/helloworld and examples/ff_bench as two DPDK primaries
          joined by net_memif (tests/integration/ff_pair.py): the same
          three figures, ff_bench with -n CONNS.
  memif+trust  with --csum-trust: memif again, [port0] csum_trust=1 on
          both stacks (TCP checksums neither computed nor verified, as
          Linux's veth leaves them, CHECKSUM_PARTIAL); a column beside
          memif's.
  af_xdp  the same two over a veth pair through net_af_xdp (net_af_packet
          when this kernel gives no AF_XDP socket: said so in the output),
          with busy_budget=0 (xdp_args(): no recvfrom() per empty poll).

Every ff process runs with [dpdk] profile=latency (--profile) and sleeps
5 us after an idle loop (--idle-sleep; 55 us with the kernel's timer
slack), the server and ff_bench each pinned to its own core.
--idle-sleep 0 busy polls: right where the two cores are the stacks' own;
where other work shares them a busy poller gets its core in scheduler
slices of milliseconds, and the latency figures show that, not the stack
(issue 15 measured p50 6.5 ms busy against 0.1-0.4 ms sleeping, at load
average 3-6 on this 2-core VM).  The header prints the load average.

--latency: what a user with a core per stack gets, as F-Stack's users
run it.  Keep-alive, the fixed-rate run and connections/s are made by
stacks started for them alone that busy poll (idle_sleep 0, the profile
given), each on its own core (its DPDK lcore: the server on the highest
CPU, ff_bench on the lowest); memif's queues are polled (no rx interrupt
is armed), and this script only waits for its children while they
measure.  Linux has the same two cores: its server and wrk pinned one to
each.  Before the busy stacks start the two cores are sampled for 0.5 s:
their busy share and the other runnable tasks on them, and after it the
involuntary context switches of the server's loop thread and of ff_bench
(the times the kernel gave their core to something else); a run on cores
that were not quiet is marked NOT QUIET with what shared them, and its
percentiles are the machine's, not the stack's.  So is a run during
which other tasks ran 1 ms or more in all (their run time from
/proc/*/task/*/schedstat before and after it, ksoftirqd not counted:
over a veth it is the path's own receive work), listed with their times:
on the development VM kdamond.0 (DAMON's sampler) takes a core for up
to 3.4 ms at a time, and a busy poller's requests wait that long.  Over af_xdp a busy
poller also competes with the kernel's veth work (softirqs pushed to
ksoftirqd on its core): on shared cores that run loses requests
(ff_bench's write errors, more than 4096 late).  In the ff-top line of a
busy run, "usr" holds helloworld's empty polls too.

With --latency the script first runs bench/hiccup.c for 1 s pinned to
each core: a thread that never sleeps, reading the TSC, counting the gaps
over 20 and 50 us (interrupts, other tasks, the hypervisor) and the
share of the time they take.  A request that arrives in such a gap waits
it out, at the client or at the server; printed under the table as the
floor under p99 on this machine.

Where the time goes in the memif case, from the server's own counters
(ff-top) over the fixed-rate run: its cycles per request in the stack
(sys) and in helloworld's loop (usr), and the idle share; --perf adds
perf's top entries for the server over the same run.

Cycles per request, the same way on both sides and at the same offered
load (issue 15): the server process's CPU time over a fixed-rate run at
50 % of Linux's maximum (the scheduler's run time of all its threads,
/proc/PID/task/*/schedstat, in cycles at the TSC rate) over the requests
ff_bench counted.  The Linux server blocks in epoll_wait when it has
nothing to do; the ff server for this run sleeps idle_sleep after an idle
iteration (--idle-sleep; a busy poller's CPU time is its whole core
whatever the load), so each pays for its own way of waiting.  ff_bench
is the client of both runs, polled the same way in both (busy with
--latency).  What the kernel does in the server's system calls is in it
on both sides, and on a veth pair that includes the peer's receive: a
sender's frame is pushed through the other end in the sender's own
context (softirq at the end of the send; this kernel has no IRQ time
accounting, so it is charged to the task).  For the Linux server that is
the XDP redirect into ff_bench's AF_XDP socket, and so it is for ff over
af_xdp (the kick of each transmit burst is a sendto()).  Softirqs left to
ksoftirqd are in neither.  "both ends" adds ff_bench's CPU time (getrusage
of the children), the whole exchange whoever pays for the veth.  "server
loop, ff-top" is ff's own count over that run, the main loop's cycles
outside idle iterations (ff-top's sys + usr): wall-clock, so time the
kernel gave the core to other work is in it.  With --latency, "busy
poller's work" is the busy-polling server's kern.loop.busy_us over its
fixed-rate run (the time of the iterations that did work, frames, timers
and the application's loop function in them), per request, and its ratio
is to the Linux server's CPU time at that rate: what a request costs a
stack with a core of its own, without its empty polls.

Not a pass/fail test: the machine is shared and noisy; compare figures
from the same run only.  Targets are issue 15's.

Network safety: memif never leaves the two processes; veth pairs live
between namespaces made here; addresses are 198.18.0.0/15.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import http_bench  # noqa: E402
from bench.bulk_bench import table as print_table  # noqa: E402
from fstools import testing  # noqa: E402
from tests.integration.ff_pair import (  # noqa: E402
    BENCH,
    SERVER_ADDR,
    Pair,
)

HELLO = ROOT / "examples" / "helloworld"
TARGETS = {"rps": 5.0, "cps": 4.0, "p50": 10.0, "p99": 30.0, "cyc": 0.3}

LINUX_CLIENT_CONFIG = """[dpdk]
lcore_list={cpu}
file_prefix={prefix}
log_level=warning
port_list=0
nb_vdev=1
promiscuous=1
numa_on=0
idle_sleep={idle_sleep}
{profile}
[vdev0]
driver={driver}
iface=ffbv1
{args}
[port0]
addr=198.18.1.3
netmask=255.255.255.0
broadcast=198.18.1.255
gateway=198.18.1.2
[freebsd.boot]
hz=1000
"""


def xdp_args(driver):
    """net_af_xdp's devargs here: busy_budget=0.  DPDK's default (64)
    asks for the kernel's preferred busy polling and then makes a
    recvfrom() on every empty receive poll, to run a NAPI that on a veth
    pair runs in the sender's softirq anyway: one system call per idle
    iteration (as many as idle_sleep's sleeps; every iteration when busy
    polling), none with 0."""
    return "busy_budget=0" if driver == "net_af_xdp" else ""


def ff_bench_json(prefix_cmd, config, *args, timeout=120):
    cp = subprocess.run(
        prefix_cmd + [str(BENCH), "-c", str(config), "--json", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = [x for x in cp.stdout.splitlines() if x.startswith("{")]
    if not lines:
        sys.exit("bypass_bench: ff_bench failed: %s" % cp.stderr[-2000:])
    return json.loads(lines[-1])


def errors(res):
    return sum(res["errors"].values())


def top_stats(prefix):
    """The server's main-loop counters (ff-top's TopStats)."""
    rs = testing.RemoteStack(prefix)
    try:
        return rs.top()
    finally:
        rs.close()


def busy_us(prefix):
    """kern.loop.busy_us of the stack under prefix: the time of its loop
    iterations that did work, the application's loop function in them."""
    import struct

    rs = testing.RemoteStack(prefix)
    try:
        return struct.unpack("=Q", rs.sysctl("kern.loop.busy_us").value)[0]
    finally:
        rs.close()


def top_work(prefix):
    """The server's busy cycles so far, and its TSC rate."""
    t = top_stats(prefix)
    return t.sys_tsc + t.usr_tsc, t.tsc_hz


def top_split(t0, t1, requests):
    """Where the server's cycles went between two samples."""
    d = {k: getattr(t1, k) - getattr(t0, k) for k in ("idle_tsc", "sys_tsc")}
    d["usr_tsc"] = t1.usr_tsc - t0.usr_tsc
    total = max(sum(d.values()), 1)
    n = max(requests, 1)
    return {
        "sys_per_req": d["sys_tsc"] / n,
        "usr_per_req": d["usr_tsc"] / n,
        "idle_pct": 100.0 * d["idle_tsc"] / total,
        "sys_pct": 100.0 * d["sys_tsc"] / total,
        "usr_pct": 100.0 * d["usr_tsc"] / total,
        "loops_per_req": (t1.loops - t0.loops) / n,
    }


def perf_start(pid, path):
    """perf record of the server, or None when perf is not installed."""
    if not shutil.which("perf"):
        print("bypass_bench: --perf: no perf here (apt-get install "
              "linux-perf)", file=sys.stderr)  # fmt: skip
        return None
    return subprocess.Popen(
        ["perf", "record", "-q", "-o", str(path), "-p", str(pid)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def perf_report(proc, path, top=12):
    """Stop perf and return its top entries by symbol, as text lines."""
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=30)
    cp = subprocess.run(
        ["perf", "report", "--no-children", "--stdio", "-i", str(path)]
        + ["--sort", "dso,symbol"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [x for x in cp.stdout.splitlines() if x.strip() and x[0] != "#"]
    return lines[:top]


def proc_cpu_s(pid):
    """CPU time of every thread of process pid so far, in seconds: the
    scheduler's run time (/proc/PID/task/TID/schedstat, first field, ns),
    exact where utime + stime are counted in 10 ms ticks."""
    total = 0
    for t in Path("/proc/%d/task" % pid).iterdir():
        try:
            total += int((t / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


def children_cpu_s():
    """User + system time of the children waited for so far (the load
    generator of a run that just ended)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def cpu_times():
    """{cpu: (busy, total)} jiffies from /proc/stat."""
    out = {}
    for line in Path("/proc/stat").read_text().splitlines():
        f = line.split()
        if not f[0].startswith("cpu") or f[0] == "cpu":
            continue
        v = [int(x) for x in f[1:]]
        idle = v[3] + v[4]  # idle, iowait
        out[int(f[0][3:])] = (sum(v) - idle, sum(v))
    return out


def runnable_others(cpus, mine):
    """Tasks in state R last run on one of cpus, not ours: (pid, comm, cpu)."""
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) in mine:
            continue
        try:
            for t in (d / "task").iterdir():
                st = (t / "stat").read_text()
                comm = st[st.index("(") + 1 : st.rindex(")")]
                f = st.rsplit(")", 1)[1].split()
                # f[0] is field 3 (state); field 39 (processor) is f[36].
                if f[0] == "R" and int(f[36]) in cpus:
                    found.append((int(d.name), comm, int(f[36])))
        except (OSError, ValueError, IndexError):
            continue
    return found


def quiet_check(cpus, mine=()):
    """The two cores over 0.5 s before a latency run: busy share of each,
    other runnable tasks on them, the load average."""
    a = cpu_times()
    time.sleep(0.5)
    b = cpu_times()
    busy = {
        c: 100.0 * (b[c][0] - a[c][0]) / max(b[c][1] - a[c][1], 1)
        for c in cpus
    }
    others = runnable_others(set(cpus), {os.getpid(), *mine})
    quiet = all(x < 10.0 for x in busy.values()) and not others
    return {
        "busy": busy,
        "others": others,
        "load": os.getloadavg(),
        "quiet": quiet,
    }


def task_runtimes():
    """{tid: (pid, process name, task name, run time in ns)} of every task
    on the machine (/proc/PID/task/TID/schedstat)."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            pname = (d / "comm").read_text().strip()
            for t in (d / "task").iterdir():
                ns = int((t / "schedstat").read_text().split()[0])
                tname = (t / "comm").read_text().strip()
                out[int(t.name)] = (int(d.name), pname, tname, ns)
        except (OSError, ValueError, IndexError):
            continue
    return out


OURS = ("ff_bench", "helloworld", "linux_http_serv", "wrk")


def others_ran(before, after, mine=()):
    """What else ran on the machine (both cores are the run's) between two
    task_runtimes(): [(task name, ms)], most first.  A kernel thread that
    takes a busy poller's core for milliseconds (here kdamond, DAMON's
    sampler: up to 3.4 ms at a time) is in the percentiles."""
    mine = {os.getpid(), *mine}
    ran = {}
    for tid, (pid, pname, tname, ns) in after.items():
        if pid in mine or pname in OURS:
            continue
        d = ns - before.get(tid, (0, "", "", 0))[3]
        if d > 0:
            ran[tname] = ran.get(tname, 0) + d / 1e6
    return sorted(ran.items(), key=lambda kv: -kv[1])


def quiet_text(name, q, switches, ran=()):
    """One line: quiet or not, with what shared the cores."""
    busy = ", ".join("cpu%d %.0f%%" % (c, x) for c, x in q["busy"].items())
    sw = ", ".join("%s %d" % kv for kv in switches.items())
    text = (
        "%s: %s before the run (load average %s); involuntary switches"
        " during it: %s"
        % (name, busy, " ".join("%.2f" % x for x in q["load"]), sw)
    )
    if q["others"]:
        text += "; runnable on those cores: " + ", ".join(
            "%d %s (cpu%d)" % o for o in q["others"][:8]
        )
    # ksoftirqd is the veth's own receive work when left to it (af_xdp).
    other_ms = sum(ms for n, ms in ran if not n.startswith("ksoftirqd"))
    if ran:
        text += "; other tasks ran %.1f ms during it (%s)" % (
            sum(ms for _, ms in ran),
            ", ".join("%s %.1f" % kv for kv in ran[:4]),
        )
    if not q["quiet"] or other_ms >= 1.0:
        text = (
            "NOT QUIET " + text + ": its percentiles include time the "
            "kernel gave these cores to other work"
        )
    return text  # fmt: skip


def hiccups(tmp, secs=1.0):
    """bench/hiccup.c pinned to each core in turn: {cpu: {"5": [gaps, ms],
    "20": ..., "50": ...}}, the gaps a thread that never sleeps sees."""
    exe = Path(tmp) / "hiccup"
    subprocess.run(
        ["cc", "-O2", "-o", str(exe), str(ROOT / "bench" / "hiccup.c")],
        check=True,
    )
    out = {}
    for cpu in sorted(os.sched_getaffinity(0)):
        cp = subprocess.run(
            ["taskset", "-c", str(cpu), str(exe), str(secs)],
            capture_output=True,
            text=True,
            check=True,
        )
        out[cpu] = json.loads(cp.stdout)
    return out


def hiccup_text(h, secs=1.0):
    """One line: each core's gaps over 20 and 50 us and their share."""
    per = "; ".join(
        "cpu%d %d over 20 us (%.1f ms, %.2f %% of the time), %d over 50 us"
        % (c, g["20"][0], g["20"][1], g["20"][1] / (10 * secs), g["50"][0])
        for c, g in h.items()
    )
    return (
        "the cores' own hiccups (bench/hiccup.c, a thread that never "
        "sleeps, %.0f s a core before the runs): %s; a request that "
        "arrives in one waits it out at either end, a floor under p99 "
        "that no stack goes below on this machine" % (secs, per)
    )


def nivcsw(pid):
    """Involuntary context switches of thread pid so far (proc(5))."""
    for line in Path("/proc/%d/status" % pid).read_text().splitlines():
        if line.startswith("nonvoluntary_ctxt_switches:"):
            return int(line.split()[1])
    return 0


def children_nivcsw():
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_nivcsw


def trust_roles(trust):
    """Pair's csum_trust: both stacks, or neither."""
    return ("server", "client") if trust else ()


def run_busy(tmp, driver, args, rate, profile, trust=False):
    """--latency: keep-alive, the fixed-rate run and connections/s on two
    busy-polling stacks started for them alone, a core each, with the
    quiet check before them and the switches counted over the fixed-rate
    run."""
    pair = Pair(
        Path(tmp),
        driver,
        idle_sleep=0,
        profile=profile,
        args=xdp_args(driver),
        csum_trust=trust_roles(trust),
    )
    perf = None
    url = SERVER_ADDR + ":80"
    c, d = str(args.conns), str(args.duration)
    try:
        q = quiet_check(sorted(os.sched_getaffinity(0)))
        pair.start(HELLO)
        prefix = pair.prefix["server"]
        ka = pair.bench("-n", c, "-d", d, "--json", url)[1]
        t0, b0 = top_stats(prefix), busy_us(prefix)
        if args.perf and driver == "net_memif":
            perf = perf_start(pair.proc.pid, Path(tmp) / "perf.data")
        s0, c0 = nivcsw(pair.proc.pid), children_nivcsw()
        r0 = task_runtimes()
        fx = pair.bench("-n", c, "-R", "%.0f" % rate, "-d", d, "--json", url)[
            1
        ]
        ran = others_ran(r0, task_runtimes(), {pair.proc.pid})
        s1, c1 = nivcsw(pair.proc.pid), children_nivcsw()
        t1, b1 = top_stats(prefix), busy_us(prefix)
        perf_lines = perf_report(perf, Path(tmp) / "perf.data") if perf else []
        perf = None
        # Last: it leaves the server's ports in TIME_WAIT.
        cl = pair.bench("-m", "close", "-n", c, "-d", d, "--json", url)[1]
    finally:
        if perf is not None:
            perf.kill()
            perf.wait()
        pair.stop()
    sw = {"server": s1 - s0, "ff_bench": c1 - c0}
    busy = (b1 - b0) * 1e-6 * t1.tsc_hz / max(fx["requests"], 1)
    return ka, fx, cl, t0, t1, perf_lines, q, sw, busy, ran


def run_sleeping(tmp, driver, args, rate, profile, maxima, trust=False):
    """The stacks sleeping idle_sleep when idle, as the Linux server
    blocks in epoll_wait: the fixed-rate run gives the server's cycles per
    request at the same offered load as Linux's; without --latency
    (maxima) also keep-alive and connections/s, and the percentiles."""
    # The client as in Linux's fixed-rate run: busy polling with --latency.
    client = args.idle_sleep if maxima else 0
    pair = Pair(
        Path(tmp),
        driver,
        idle_sleep={"server": args.idle_sleep, "client": client},
        profile=profile,
        args=xdp_args(driver),
        csum_trust=trust_roles(trust),
    )
    perf = None
    url = SERVER_ADDR + ":80"
    c, d = str(args.conns), str(args.duration)
    out = {}
    try:
        pair.start(HELLO)
        prefix = pair.prefix["server"]
        if maxima:
            out["ka"] = pair.bench("-n", c, "-d", d, "--json", url)[1]
        t0 = top_stats(prefix)
        if maxima and args.perf and driver == "net_memif":
            perf = perf_start(pair.proc.pid, Path(tmp) / "perf.data")
        c0, k0 = proc_cpu_s(pair.proc.pid), children_cpu_s()
        fx = pair.bench("-n", c, "-R", "%.0f" % rate, "-d", d, "--json", url)[
            1
        ]
        c1, k1 = proc_cpu_s(pair.proc.pid), children_cpu_s()
        t1 = top_stats(prefix)
        out["perf"] = (
            perf_report(perf, Path(tmp) / "perf.data") if perf else []
        )
        perf = None
        if maxima:
            # Last: it leaves the server's ports in TIME_WAIT.
            out["cl"] = pair.bench(
                "-m", "close", "-n", c, "-d", d, "--json", url
            )[1]  # fmt: skip
    finally:
        if perf is not None:
            perf.kill()
            perf.wait()
        pair.stop()
    n = max(fx["requests"], 1)
    out.update(fx=fx, t0=t0, t1=t1, cpu=c1 - c0, pair_cpu=c1 - c0 + k1 - k0)
    out["loop"] = (t1.sys_tsc + t1.usr_tsc - t0.sys_tsc - t0.usr_tsc) / n
    out["hz"] = t1.tsc_hz
    return out


def run_ff(tmp, driver, args, rate, trust=False):
    """helloworld <-> ff_bench over driver: keep-alive, close, fixed rate;
    the server's cycles per request at the fixed rate, sleeping when idle.
    trust: [port0] csum_trust=1 on both stacks (memif)."""
    profile = args.profile if args.profile != "none" else None
    (Path(tmp) / "sleep").mkdir()
    sl = run_sleeping(
        Path(tmp) / "sleep",
        driver,
        args,
        rate,
        profile,
        not args.latency,
        trust,
    )
    quiet, busy = None, None
    if args.latency:
        (Path(tmp) / "busy").mkdir()
        ka, fx, cl, t0, t1, perf_lines, q, sw, busy, ran = run_busy(
            Path(tmp) / "busy", driver, args, rate, profile, trust
        )
        quiet = quiet_text("fixed-rate run, " + driver, q, sw, ran)
    else:
        ka, fx, cl = sl["ka"], sl["fx"], sl["cl"]
        t0, t1, perf_lines = sl["t0"], sl["t1"], sl["perf"]
    hz = sl["hz"]
    n = max(sl["fx"]["requests"], 1)
    return {
        "quiet": quiet,
        "split": top_split(t0, t1, fx["requests"]),
        "perf": perf_lines,
        "rps": ka["requests_per_s"],
        "cps": cl["requests_per_s"],
        "p50": fx["latency_us"]["p50"],
        "p99": fx["latency_us"]["p99"],
        "fixed_rps": fx["requests_per_s"],
        "loop_cyc": sl["loop"],
        "busy_cyc": busy,
        "cyc": sl["cpu"] * hz / n,
        "pair_cyc": sl["pair_cpu"] * hz / n,
        "ghz": hz / 1e9,
        "errors": errors(ka) + errors(cl) + errors(fx) + errors(sl["fx"]),
    }


def tx_csum_off(ns, dev, state="off"):
    """Linux leaves the TCP checksum of what it sends on a veth to the
    "hardware" (CHECKSUM_PARTIAL): an AF_XDP or AF_PACKET reader at the
    other end gets it unfilled and ff drops the segment as bad.  Make
    Linux fill it in (state "on" gives the offload back)."""
    testing.run(["ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx", state])


def capture_pages(tmp):
    """helloworld's two replies, read by Linux across a veth pair, and the
    driver that worked: net_af_xdp, else net_af_packet."""
    for driver in ("net_af_xdp", "net_af_packet"):
        (Path(tmp) / driver).mkdir()
        pair = Pair(Path(tmp) / driver, driver, idle_sleep=100)
        try:
            pair.start(HELLO, timeout=20)
        except RuntimeError:
            pair.stop()
            continue
        try:
            ns = pair.ns["client"]
            dev = pair.ifname["client"]
            testing.run(["ip", "-n", ns, "addr", "add", "198.18.0.3/24"] +
                        ["dev", dev])  # fmt: skip
            tx_csum_off(ns, dev)
            pages = [
                http_bench.capture_response(ns, SERVER_ADDR, close)
                for close in (False, True)
            ]
        finally:
            pair.stop()
        return pages, driver
    sys.exit("bypass_bench: neither net_af_xdp nor net_af_packet started")


def run_linux(tmp, args, pages, xdp_driver):
    srv_cpu, cli_cpu = (
        max(os.sched_getaffinity(0)),
        min(os.sched_getaffinity(0)),
    )
    files = [Path(tmp) / "keepalive", Path(tmp) / "close"]
    for f, data in zip(files, pages):
        f.write_bytes(data)
    tag = str(os.getpid() % 100000)
    lp = http_bench.LinuxPair(tag)
    try:
        lp.up()
        lp.serve(http_bench.build_baseline(tmp), files, srv_cpu)
        url = "http://198.18.1.2/"
        pid = lp.proc.pid
        ka = http_bench.wrk(lp.cli, cli_cpu, url, args.duration, args.conns)
        rate = ka["rps"] / 2
        tx_csum_off(lp.srv, "ffbv0")
        cfg = Path(tmp) / "linux-client.ini"
        cfg.write_text(
            LINUX_CLIENT_CONFIG.format(
                cpu=cli_cpu,
                prefix="ffbl" + tag,
                idle_sleep=args.idle_sleep,
                profile="profile=%s" % args.profile
                if args.profile != "none"
                else "",
                driver=xdp_driver,
                args="args=" + xdp_args(xdp_driver)
                if xdp_args(xdp_driver)
                else "",
            )
        )
        idle = 0 if args.latency else args.idle_sleep
        cfg.write_text(
            cfg.read_text().replace(
                "idle_sleep=%d\n" % args.idle_sleep, "idle_sleep=%d\n" % idle
            )
        )
        q = quiet_check(sorted(os.sched_getaffinity(0)), {pid})
        s0, n0 = nivcsw(pid), children_nivcsw()
        r0 = task_runtimes()
        c0, k0 = proc_cpu_s(pid), children_cpu_s()
        fx = ff_bench_json(
            ["ip", "netns", "exec", lp.cli],
            cfg,
            "-n",
            str(args.conns),
            "-R",
            "%.0f" % rate,
            "-d",
            str(args.duration),
            "198.18.1.2:80",
        )
        c1, k1 = proc_cpu_s(pid), children_cpu_s()
        ran = others_ran(r0, task_runtimes(), {pid})
        s1, n1 = nivcsw(pid), children_nivcsw()
        tx_csum_off(lp.srv, "ffbv0", "on")
        cl = http_bench.wrk(
            lp.cli, cli_cpu, url, args.duration, args.conns, close=True
        )
    finally:
        lp.down()
    sw = {"linux server": s1 - s0, "ff_bench": n1 - n0}
    return {
        "quiet": quiet_text("fixed-rate run, linux", q, sw, ran)
        if args.latency
        else None,
        "rps": ka["rps"],
        "cps": cl["rps"],
        "p50": fx["latency_us"]["p50"],
        "p99": fx["latency_us"]["p99"],
        "fixed_rps": fx["requests_per_s"],
        "cpu_s": c1 - c0,
        "pair_cpu_s": c1 - c0 + k1 - k0,
        "requests": fx["requests"],
        "errors": ka["errors"] + ka["non2xx"] + cl["errors"] + cl["non2xx"]
        + errors(fx),
    }  # fmt: skip


def table(lx, cols):
    def ratio(a, b):
        return "%.2fx" % (a / b) if a and b else "-"

    head = ["metric", "linux (veth)"]
    for name, _ in cols:
        head += [name, "ratio"]
    head.append("target")
    rows = []
    spec = [
        ("requests/s (keep-alive)", "rps", "%.0f", ">= %.0fx" % TARGETS["rps"]),
        ("connections/s (close)", "cps", "%.0f", ">= %.0fx" % TARGETS["cps"]),
        ("fixed rate, requests/s", "fixed_rps", "%.0f", "50% of linux max"),
        ("p50 at that rate (us)", "p50", "%.1f", "<= %.0f us" % TARGETS["p50"]),
        ("p99 at that rate (us)", "p99", "%.1f", "<= %.0f us" % TARGETS["p99"]),
        ("server cycles/request at that rate", "cyc", "%.0f",
         "<= %.1fx (af_xdp)" % TARGETS["cyc"]),
        ("  both ends' cycles/request", "pair_cyc", "%.0f", "(the pair)"),
        ("  server loop, ff-top", "loop_cyc", "%.0f", "(ff's own count)"),
        ("  busy poller's work", "busy_cyc", "%.0f", "(kern.loop.busy_us)"),
        ("errors", "errors", "%d", "0"),
    ]  # fmt: skip
    for label, key, fmt, target in spec:
        row = [label, fmt % lx[key] if lx[key] is not None else "-"]
        for _, res in cols:
            if res[key] is None:
                row += ["-", "-"]
                continue
            ratio_of = lx["cyc"] if key == "busy_cyc" else lx[key]
            row += [fmt % res[key], ratio(res[key], ratio_of)]
        row.append(target)
        rows.append(row)
    print_table(head, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-d", "--duration", type=int, default=3)
    ap.add_argument("-c", "--conns", type=int, default=50)
    ap.add_argument(
        "--idle-sleep",
        type=int,
        default=5,
        help="idle_sleep (us) of every ff process (0: busy poll)",
    )
    ap.add_argument(
        "--profile",
        choices=("latency", "throughput", "none"),
        default="latency",
        help="[dpdk] profile of every ff process (default latency)",
    )
    ap.add_argument(
        "--latency",
        action="store_true",
        help="fixed-rate runs on busy-polling stacks, a core each, with "
        "the cores' quiet check (see above)",
    )
    ap.add_argument(
        "--perf",
        action="store_true",
        help="perf record the memif server over the fixed-rate run",
    )
    ap.add_argument(
        "--csum-trust",
        action="store_true",
        help="also memif with [port0] csum_trust=1 on both stacks (no TCP "
        "checksums), a column beside memif's",
    )
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("wrk"):
        sys.exit("bypass_bench: needs root and wrk (scripts/ff-setup deps)")
    if not BENCH.exists() or not HELLO.exists():
        sys.exit("bypass_bench: build first (make)")
    if args.duration > 5:
        sys.exit("bypass_bench: -d 5 at most (load runs are bounded)")
    with tempfile.TemporaryDirectory() as tmp:
        sub = [Path(tmp) / n for n in ("cap", "memif", "xdp", "lx", "trust")]
        for d in sub:
            d.mkdir()
        pages, xdp = capture_pages(sub[0])
        hic = hiccups(tmp) if args.latency else None
        print(
            "link for the af_xdp column: %s%s; %ds per run, %d connections,"
            " idle_sleep %d us%s, profile %s; load average %s"
            % (
                xdp,
                "" if xdp == "net_af_xdp" else " (no AF_XDP socket here)",
                args.duration,
                args.conns,
                args.idle_sleep,
                " (for the cycles; the other runs busy poll, --latency)"
                if args.latency
                else "",
                args.profile,
                " ".join("%.2f" % x for x in os.getloadavg()),
            ),
            flush=True,
        )
        lx = run_linux(sub[3], args, pages, xdp)
        rate = lx["rps"] / 2
        time.sleep(0.5)
        mem = run_ff(sub[1], "net_memif", args, rate)
        trusted = None
        if args.csum_trust:
            trusted = run_ff(sub[4], "net_memif", args, rate, trust=True)
        xd = run_ff(sub[2], xdp, args, rate)
    hz = mem["ghz"] * 1e9
    lx["cyc"] = lx["cpu_s"] * hz / max(lx["requests"], 1)  # at the rate
    lx["pair_cyc"] = lx["pair_cpu_s"] * hz / max(lx["requests"], 1)
    lx["loop_cyc"] = lx["busy_cyc"] = None
    print(
        "fixed rate %.0f requests/s (50%% of linux's keep-alive maximum); "
        "TSC %.2f GHz" % (rate, mem["ghz"])
    )
    cols = [("ff memif", mem)]
    if trusted is not None:
        cols.append(("ff memif+trust", trusted))
    table(lx, cols + [("ff %s" % xdp.replace("net_", ""), xd)])
    for res in (lx, mem, trusted, xd):
        if res is None:
            continue
        if res["quiet"]:
            print(res["quiet"])
    if hic is not None:
        print(hiccup_text(hic))
    s = mem["split"]
    print(
        "memif server over the fixed-rate run (ff-top): %.0f cycles/request "
        "in the stack (sys), %.0f in helloworld's loop (usr), %.1f loops/"
        "request; idle %.1f%%, sys %.1f%%, usr %.1f%%"
        % (
            s["sys_per_req"],
            s["usr_per_req"],
            s["loops_per_req"],
            s["idle_pct"],
            s["sys_pct"],
            s["usr_pct"],
        )
    )
    if mem["perf"]:
        print("perf, memif server, fixed-rate run (overhead, dso, symbol):")
        for line in mem["perf"]:
            print("  " + line.strip())


if __name__ == "__main__":
    main()
