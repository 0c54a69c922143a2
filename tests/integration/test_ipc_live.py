"""The message ring against a live primary: ff-top and ff-traffic end to
end, no stack, many tools at once, tools killed mid-request, garbage.

Each tool run is its own DPDK secondary process.
"""

import contextlib
import glob
import json
import random
import re
import os
import signal
import socket
import subprocess
import sys
import time


from .conftest import IPC_TOOL, VENV_BIN


def tool_cmd(name):
    exe = VENV_BIN / name
    return (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-m", "fstools." + name[3:]]
    )


def test_top_json_two_samples(primary):
    cp = primary.tool("ff-top", "-n", "2", "-d", "0.3", "--json")
    assert cp.returncode == 0, cp.stderr
    samples = [json.loads(line) for line in cp.stdout.splitlines()]
    assert len(samples) == 2
    for s in samples:
        assert s["proc_id"] == 0
        assert s["loops"] > 0
        # Shares of one interval's cycles: they add up to the whole.
        assert 99.0 <= s["idle"] + s["sys"] + s["usr"] <= 101.0


def test_top_table(primary):
    cp = primary.tool("ff-top", "-n", "1", "-d", "0.2")
    assert cp.returncode == 0, cp.stderr
    lines = cp.stdout.splitlines()
    assert (
        lines[0] == "|  proc_id|     idle|      sys|      usr|           loop|"
    )
    assert lines[1].startswith("|        0|")
    assert "EAL" not in cp.stdout + cp.stderr


def test_traffic_counts_peer_frames(primary):
    # IPv6 router solicitations, ARP and our pings all reach the port.
    primary.nsexec(
        "ping", "-c", "3", "-i", "0.2", "-W", "1", "198.18.0.2", check=False
    )
    cp = primary.tool("ff-traffic", "-s")
    assert cp.returncode == 0, cp.stderr
    header, row = cp.stdout.strip().splitlines()[-2:]
    values = dict(zip(header.split(","), row.split(",")))
    assert int(values["rx_packets"]) >= 3
    assert int(values["rx_bytes"]) >= 3 * 42


def test_no_primary_fails_fast_and_cleanly():
    prefix = "ffnone%d" % os.getpid()
    # Fails at once, not after its --timeout: a tool that waited the
    # 120 s would overrun subprocess's 30 s and raise TimeoutExpired.
    cp = subprocess.run(
        tool_cmd("ff-top")
        + ["-n", "1", "--prefix", prefix]
        + ["--timeout", "120"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert cp.returncode == 1
    assert cp.stdout == ""
    err = cp.stderr.strip().splitlines()
    assert len(err) == 1, cp.stderr
    assert err[0].startswith("ff-top: ") and prefix in err[0]
    assert "EAL" not in cp.stderr and "Broken pipe" not in cp.stderr


def test_eight_tools_at_once_get_their_own_answers(primary):
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(IPC_TOOL),
                primary.prefix,
                "echo",
                "300",
                "tool%d" % i,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    tops = [
        subprocess.Popen(
            tool_cmd("ff-top")
            + ["--prefix", primary.prefix, "-n", "1", "-d", "0.1", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, (out, err)
        assert json.loads(out.splitlines()[-1]) == {"ok": True, "count": 300}
    for p in tops:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert json.loads(out)["loops"] > 0


def _start_spinner(prefix):
    """A tool looping on TOP requests; returns once it is mid-stream."""
    p = subprocess.Popen(
        [sys.executable, str(IPC_TOOL), prefix, "spin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = p.stdout.readline()  # "spinning" once attached
    assert "spinning" in line, p.stderr.read()
    return p


@contextlib.contextmanager
def _churning(prefix, n):
    """n tools looping on requests, all started in the same instant;
    yields them once each is attached.  On the way out, a failure too,
    every one still running is SIGKILLed and reaped: tools left churning
    outlive the test."""
    tools = [
        subprocess.Popen(
            [sys.executable, str(IPC_TOOL), prefix, "churn"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    try:
        for p in tools:
            line = p.stdout.readline()
            assert "spinning" in line, line or p.stderr.read()
        yield tools
    finally:
        for p in tools:
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
            p.stdout.close()
            p.stderr.close()


def test_tools_killed_mid_request_leak_nothing(primary):
    # More kills than the ring has slots: a slot lost per kill would show.
    for _ in range(9):
        spinners = [_start_spinner(primary.prefix) for _ in range(8)]
        time.sleep(0.05)
        for p in spinners:
            p.send_signal(signal.SIGKILL)
        for p in spinners:
            p.wait(timeout=30)
    time.sleep(0.5)  # the stack's sweep runs every 0.2 s
    assert primary.ipc("top", "1000", timeout=120) == {
        "ok": True,
        "count": 1000,
    }
    assert primary.alive()


def _telemetry(prefix, command):
    """One answer of the primary's DPDK telemetry socket (v2 protocol:
    a JSON greeting, then one JSON answer per command)."""
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % prefix
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as s:
        s.settimeout(10)
        s.connect(path)
        json.loads(s.recv(16384))
        s.send(command.encode())
        return json.loads(s.recv(65536))[command.split(",")[0]]


def _shared_state(primary):
    """What tools can leave in the primary: bytes and blocks in use in its
    shared heap (EAL telemetry), its hugepage files (the kernel's view),
    its memzones, and the runtime directory's entries, channel sockets
    (mp_socket_<pid>_*) apart.  Taken with no tool running."""
    heap = _telemetry(primary.prefix, "/eal/heap_info,0")
    rundir = os.listdir("/var/run/dpdk/" + primary.prefix)
    return {
        "heap_bytes": heap["Alloc_size"],
        "heap_blocks": heap["Alloc_count"],
        "hugepages": len(glob.glob("/dev/hugepages/%smap_*" % primary.prefix)),
        "memzones": len(_telemetry(primary.prefix, "/eal/memzone_list")),
        "rundir_files": len(rundir),
        "channel_sockets": sum(f.startswith("mp_socket_") for f in rundir),
    }


def test_tool_runs_give_back_the_shared_heap(primary):
    """Each tool's EAL allocated the service library's tables (about
    150 KB) from the primary's shared heap; a tool that left them there
    made the primary map another 2 MB hugepage every 14 runs or so, for
    good (a monitoring loop used up the pool in hours).  Over 60 runs the
    heap's bytes in use, and everything else a tool could leave, stay
    put."""
    cp = primary.tool("ff-sysctl", "kern.hz")  # the first tool's files
    assert cp.returncode == 0, cp.stderr
    before = _shared_state(primary)
    for _ in range(60):
        cp = primary.tool("ff-sysctl", "kern.hz")
        assert cp.returncode == 0, cp.stderr
    assert _shared_state(primary) == before


def test_killed_tools_leave_the_primary_nothing(primary):
    """96 tools SIGKILLed at random moments once attached (8 at a time,
    each looping on requests), then one ordinary run: the primary's
    shared heap holds as many bytes as before, and no hugepage file,
    memzone, runtime file or channel socket is left over.  (Before the
    tools' EAL stopped allocating the service tables, each kill left
    155,904 bytes in the heap for good: 300 kills, 21 more hugepages.)"""
    rng = random.Random(16)
    cp = primary.tool("ff-sysctl", "kern.hz")
    assert cp.returncode == 0, cp.stderr
    before = _shared_state(primary)
    for _ in range(12):
        with _churning(primary.prefix, 8) as tools:
            for p in tools:
                time.sleep(rng.uniform(0, 0.03))
                p.send_signal(signal.SIGKILL)
    # The next tool's start clears what the dead left in the runtime
    # directory; the shared heap must not need it.
    cp = primary.tool("ff-sysctl", "kern.hz")
    assert cp.returncode == 0, cp.stderr
    assert _shared_state(primary) == before
    assert _msg_gauges(primary) == [1, 1]
    assert primary.alive()


def test_garbage_requests_get_errors_and_stack_serves_on(primary):
    res = primary.ipc("garbage", "2000", "7", timeout=120)
    assert res["ok"], res
    assert res["answered"] == res["errors"] > 1000
    # And the tools still work, and the stack counted what it refused.
    cp = primary.tool("ff-top", "-n", "1", "-d", "0.1", "--json")
    assert cp.returncode == 0, cp.stderr
    cp = primary.tool("ff-sysctl", "--json", "kern.ipc.msg")
    assert cp.returncode == 0, cp.stderr
    text = cp.stdout
    counters = {}
    for name in ("errors", "badstate"):
        m = re.search(r'"kern\.ipc\.msg\.%s"[^}]*?"value": (\d+)' % name, text)
        assert m, text
        counters[name] = int(m.group(1))
    assert counters["errors"] >= res["answered"]
    # Every stray doorbell bit was counted as naming an empty slot.
    assert counters["badstate"] >= res["raw"]


def test_stack_stops_cleanly_on_sigterm(make_primary):
    prim = make_primary()
    prim.proc.send_signal(signal.SIGTERM)
    assert prim.proc.wait(timeout=15) == 0
    assert not os.path.exists("/var/run/dpdk/" + prim.prefix)
    leftovers = [
        f
        for f in os.listdir("/dev/hugepages")
        if f.startswith(prim.prefix + "map_")
    ]
    assert leftovers == []


def _msg_gauges(primary):
    """kern.ipc.msg.inuse and .owners, the asking tool included; after a
    sweep (every 0.2 s) has taken back what the last tool left."""
    time.sleep(0.5)
    cp = primary.tool(
        "ff-sysctl",
        "-n",
        "kern.ipc.msg.inuse",
        "kern.ipc.msg.owners",
        check=True,
    )
    return [int(x) for x in cp.stdout.split()]


def test_sixty_four_tools_killed_at_random_steps_free_every_slot(primary):
    """64 tools at once (as many as the ring has slots), each looping on
    requests and SIGKILLed at a random moment of its loop: while claiming,
    writing, posting, waiting or reading.  Afterwards every slot and
    owner record is free (the one asking is counted) and 10,000 requests
    succeed.  (Tools are killed once attached: a secondary killed inside
    DPDK's own start-up is the EAL's matter, not the ring's.)"""
    rng = random.Random(20261207)
    kills = 0
    for _ in range(4):
        # All 64 started in the same instant: their EAL starts must not
        # trip over each other (ff_runtime_start_lock; before it, a few
        # dozen at once failed with "EAL: Cannot init memory").
        with _churning(primary.prefix, 64) as tools:
            t0 = time.monotonic()
            for when, i in sorted(
                (rng.uniform(0, 0.5), i) for i in range(len(tools))
            ):
                time.sleep(max(0.0, t0 + when - time.monotonic()))
                tools[i].send_signal(signal.SIGKILL)
                kills += 1
    assert kills == 256
    assert _msg_gauges(primary) == [1, 1]
    assert primary.ipc("top", "10000", timeout=300) == {
        "ok": True,
        "count": 10000,
    }
    assert _msg_gauges(primary) == [1, 1]
    assert primary.alive()


def test_tool_in_another_pid_namespace(primary):
    """A tool's pid means nothing in another PID namespace: its slots are
    kept while it lives (it is seen) and taken back by the lease (5 s)
    once it is killed."""
    unshare = ["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]
    cp = subprocess.run(
        unshare
        + [sys.executable, str(IPC_TOOL), primary.prefix, "top", "3000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cp.returncode == 0, cp.stderr
    assert json.loads(cp.stdout.splitlines()[-1]) == {
        "ok": True,
        "count": 3000,
    }
    p = subprocess.Popen(
        unshare + [sys.executable, str(IPC_TOOL), primary.prefix, "spin"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert "spinning" in p.stdout.readline()
    p.send_signal(signal.SIGKILL)  # unshare dies, its child with it
    p.wait(timeout=30)
    time.sleep(6.0)  # past FF_MSG_LEASE_NS
    assert _msg_gauges(primary) == [1, 1]
    assert primary.ipc("top", "100") == {"ok": True, "count": 100}
