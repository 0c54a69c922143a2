"""Faults of the stack process itself, end to end (issue 16).

- The primary SIGSTOPped while tools wait for it: each tool gives up
  after its --timeout with one clear line on stderr and exit status 1
  (no hang, no traceback); after SIGCONT the next tool is served.
- The primary stopped (SIGTERM) while tools loop on it: each says so
  and exits 1, none dies of a signal.
- The primary SIGKILLed while tools wait: the tools fail the same way;
  the hugepage files and /var/run/dpdk/PREFIX it leaves behind do not
  stop a new primary with the same file prefix, which serves the next
  tool; fstools.testing's restart() takes its own helper (attached to
  the dead primary) out of the way, and another process still attached
  makes the stack refuse with its pid.
- The port going down and up under load (ff-ifconfig down/up, and the
  Linux end of the tap down/up): a Linux client's established
  keep-alive connection works again afterwards.

Each test prints what happened and how long recovery took (the fault
table of issue 16); no timing is asserted.

Network safety: all traffic stays inside the test's namespace, to
198.18.0.2 from 198.18.0.1.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from fstools import testing

from .conftest import ROOT

TOOL_TIMEOUT = 2.0
# Far above TOOL_TIMEOUT plus a tool's start-up: reaching it means the
# tool hung, which is the failure these tests look for.
HANG = 60

TOOLS = [
    ("ff-sysctl", "net.inet.ip.ttl"),
    ("ff-top", "-n", "1", "-d", "0.2"),
    ("ff-ifconfig", "-a"),
    ("ff-route", "-n", "get", "default"),
    ("ff-arp", "-an"),
]


def _tool_cmd(name):
    exe = testing.VENV_BIN / name
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "fstools." + name[3:]]


def _start_tools(prim):
    """Every tool against ``prim``, all at once; their Popens."""
    return [
        (
            args[0],
            subprocess.Popen(
                _tool_cmd(args[0])
                + ["--prefix", prim.prefix, "--timeout", str(TOOL_TIMEOUT)]
                + list(args[1:]),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for args in TOOLS
    ]


def _assert_failed_clearly(name, proc, prefix):
    try:
        out, err = proc.communicate(timeout=HANG)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(
            "%s hung on a stopped or dead stack" % name
        ) from None
    assert proc.returncode == 1, (name, proc.returncode, out, err)
    assert out == "", (name, out)
    lines = err.strip().splitlines()
    # One line naming the tool and the stack, nothing from the EAL.
    assert len(lines) == 1, (name, err)
    assert lines[0].startswith(name + ": "), (name, err)
    assert prefix in lines[0], (name, err)
    assert "Traceback" not in err and "EAL" not in err, (name, err)
    return lines[0]


def _served(prim):
    cp = prim.tool("ff-sysctl", "-n", "net.inet.ip.ttl", timeout=HANG)
    return cp.returncode == 0 and cp.stdout.strip() == "64"


def _until_served(prim, limit=30):
    """Seconds until a tool is served again (None: not within limit)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if _served(prim):
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def _report(fault, what, recovery):
    print(
        "\nFAULT | %s | %s | recovery %s"
        % (fault, what, "%.2f s" % recovery if recovery is not None else "-")
    )


def test_sigstop_while_tools_wait(primary):
    assert _served(primary)
    os.kill(primary.pid, signal.SIGSTOP)
    try:
        procs = _start_tools(primary)
        msgs = [_assert_failed_clearly(n, p, primary.prefix) for n, p in procs]
        for m in msgs:
            assert "did not answer within 2 s" in m, m
        # Still stopped, still failing the same way: nothing was queued
        # that jams the ring for later.
        procs = _start_tools(primary)
        for n, p in procs:
            _assert_failed_clearly(n, p, primary.prefix)
    finally:
        os.kill(primary.pid, signal.SIGCONT)
    recovery = _until_served(primary)
    assert recovery is not None, primary.log_text()
    # Every tool, not just the first, is served again.
    for args in TOOLS:
        cp = primary.tool(*args, timeout=HANG)
        assert cp.returncode == 0, (args, cp.stderr)
    assert primary.alive()
    _report("primary SIGSTOPped", msgs[0], recovery)


def test_tools_attached_when_the_primary_stops_fail_clearly(make_primary):
    """The primary stopped cleanly (SIGTERM) under 8 ff-top loops: each
    one says the stack is not running and exits 1; none dies of a signal.
    (The stack frees memory at exit, and DPDK unmaps every hugepage that
    empties from every process of the prefix: were the message ring's
    memory among it, a tool reading the ring would get SIGSEGV.)"""
    prim = make_primary()
    tools = [
        subprocess.Popen(
            _tool_cmd("ff-top")
            + ["--prefix", prim.prefix, "--timeout", str(TOOL_TIMEOUT)]
            + ["-d", "0.05"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    try:
        for p in tools:
            assert p.stdout.readline(), p.stderr.read()  # attached, served
        prim.proc.send_signal(signal.SIGTERM)
        assert prim.proc.wait(timeout=HANG) == 0, prim.log_text()
        for p in tools:
            try:
                err = p.communicate(timeout=HANG)[1]
            except subprocess.TimeoutExpired:
                raise AssertionError(
                    "ff-top hung on a stopped stack"
                ) from None
            assert p.returncode == 1, (p.returncode, err)
            lines = err.strip().splitlines()
            assert len(lines) == 1, err
            assert lines[0].startswith("ff-top: "), err
            assert "is running" in lines[0] and prim.prefix in lines[0], err
    finally:
        for p in tools:
            if p.poll() is None:
                p.kill()
            p.wait(timeout=HANG)
            p.stdout.close()
            p.stderr.close()
    _report("primary stopped (SIGTERM) under 8 ff-top", lines[0], None)


def test_sigkill_while_tools_wait_then_restart(make_primary):
    prim = make_primary()
    # Two long-lived secondaries still attached when the primary dies:
    # the plugin's own fstools.Stack helper (prim.stack), which
    # restart() must take out of the way, and another process's, which
    # it must not touch.
    node = prim.stack.sysctl("net.inet.ip.ttl")
    assert int.from_bytes(node.value, sys.byteorder) == 64
    other = testing.RemoteStack(prim.prefix)
    try:
        other.sysctl("net.inet.ip.ttl")
        _sigkill_then_restart(prim, other)
    finally:
        other.close()


def _sigkill_then_restart(prim, other):
    # Stopped first so that the tools are surely mid-request when it dies.
    os.kill(prim.pid, signal.SIGSTOP)
    procs = _start_tools(prim)
    time.sleep(0.5)  # let them post their requests
    t_kill = time.monotonic()
    os.kill(prim.pid, signal.SIGKILL)
    prim.proc.wait(timeout=HANG)
    msgs = [_assert_failed_clearly(n, p, prim.prefix) for n, p in procs]
    # A tool started after the death is told there is no stack, at once.
    cp = prim.tool("ff-sysctl", "net.inet.ip.ttl", timeout=HANG)
    after = cp.stderr.strip()
    assert cp.returncode == 1 and cp.stdout == ""
    assert cp.stderr.startswith("ff-sysctl: no stack is running"), cp.stderr
    assert prim.prefix in cp.stderr
    # The dead primary's files are all still there ...
    run_dir = "/var/run/dpdk/" + prim.prefix
    assert os.path.exists(run_dir + "/config")
    # While a secondary of the dead primary still runs it holds the
    # prefix's files locked: a new primary cannot start, and says who.
    # The plugin's helper is not among them: restart() stopped it.
    helper = prim.remote._proc.pid
    holder = other._proc.pid
    with pytest.raises(AssertionError) as failed:
        prim.restart()
    assert "still hold" in str(failed.value), str(failed.value)
    assert "1 process attached" in str(failed.value), str(failed.value)
    assert "pid %d)" % holder in str(failed.value), str(failed.value)
    assert prim.remote is None
    with pytest.raises(ProcessLookupError):
        os.kill(helper, 0)
    other.close()
    # Once it is gone, a new primary with the same prefix starts over
    # the files the dead one left, and the plugin's stack reaches it.
    assert os.path.exists(run_dir + "/config")
    t_restart = time.monotonic()
    prim.restart()
    recovery = _until_served(prim)
    assert recovery is not None, prim.log_text()
    node = prim.stack.sysctl("net.inet.ip.ttl")
    assert int.from_bytes(node.value, sys.byteorder) == 64
    for args in TOOLS:
        cp = prim.tool(*args, timeout=HANG)
        assert cp.returncode == 0, (args, cp.stderr)
    # The network works again too (the tap came back with the restart).
    assert (
        prim.nsexec(
            "ping", "-c", "1", "-W", "2", prim.addr, check=False
        ).returncode
        == 0
    )
    _report(
        "primary SIGKILLed",
        "%s / then %s" % (msgs[0], after),
        time.monotonic() - t_kill,
    )
    print("restart to first answer: %.2f s" % (time.monotonic() - t_restart))
    # Again, with nothing else attached: SIGKILL, then restart() at once.
    os.kill(prim.pid, signal.SIGKILL)
    prim.proc.wait(timeout=HANG)
    t_restart = time.monotonic()
    prim.restart()
    assert _until_served(prim) is not None, prim.log_text()
    assert (
        int.from_bytes(
            prim.stack.sysctl("net.inet.ip.ttl").value, sys.byteorder
        )
        == 64
    )
    print(
        "SIGKILL, restart() with the plugin's helper attached: "
        "served after %.2f s" % (time.monotonic() - t_restart)
    )


# A Linux client with one long-lived keep-alive connection: a request
# each time a line comes on stdin, "ok" or "fail <why>" for each.
CLIENT = r"""
import socket, sys
s = socket.create_connection(("198.18.0.2", 80), timeout=10)
def ask():
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed by peer")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    n = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
         if l.lower().startswith(b"content-length")][0]
    while len(body) < n:
        chunk = s.recv(4096)
        if not chunk:
            raise OSError("closed by peer")
        body += chunk
    return head.split(b"\r\n")[0]
for line in sys.stdin:
    try:
        status = ask()
        print("ok" if b" 200 " in status else "fail " + status.decode(),
              flush=True)
    except OSError as e:
        print("fail", e, flush=True)
"""


def _wrk(prim, seconds=4):
    return subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            prim.ns,
            "wrk",
            "-t1",
            "-c8",
            "-d%ds" % seconds,
            "--timeout",
            "2s",
            "http://198.18.0.2/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _client(prim):
    return subprocess.Popen(
        ["ip", "netns", "exec", prim.ns, sys.executable, "-c", CLIENT],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _post(client):
    client.stdin.write("go\n")
    client.stdin.flush()


def _ask(client):
    _post(client)
    return client.stdout.readline().strip()


def _down_up(prim, how, outage, during):
    """Take the port down, call ``during()``, wait ``outage`` s, up."""
    if how == "ff-ifconfig":
        cp = prim.tool("ff-ifconfig", "f-stack-0", "down", timeout=HANG)
        assert cp.returncode == 0, cp.stderr
        during()
        time.sleep(outage)
        cp = prim.tool("ff-ifconfig", "f-stack-0", "up", timeout=HANG)
        assert cp.returncode == 0, cp.stderr
    else:
        link = ["ip", "-n", prim.ns, "link", "set", prim.tap]
        testing.run(link + ["down"])
        during()
        time.sleep(outage)
        testing.run(link + ["up"])


@pytest.mark.parametrize("how", ["ff-ifconfig", "tap"])
def test_port_down_up_under_load(make_primary, how):
    prim = make_primary(program=ROOT / "examples" / "helloworld")
    client = _client(prim)
    try:
        assert _ask(client) == "ok"
        wrk = _wrk(prim)
        time.sleep(1.0)  # under load
        t0 = time.monotonic()
        # A request sent into the outage: TCP retransmits it across,
        # nothing is reset, and the answer comes once the port is up.
        _down_up(prim, how, outage=1.0, during=lambda: _post(client))
        t_up = time.monotonic()
        answer = client.stdout.readline().strip()
        recovery = time.monotonic() - t_up
        assert answer == "ok", (answer, prim.log_text())
        out, err = wrk.communicate(timeout=HANG)
        assert wrk.returncode == 0, err
        # New connections too, and the connection keeps working.
        assert _ask(client) == "ok"
        cp = prim.nsexec(
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "--max-time",
            "5",
            "http://198.18.0.2/",
            check=False,
        )
        assert cp.stdout.strip() == "200", (cp.stdout, cp.stderr)
        assert prim.alive()
        reqs = [
            line.split()[0]
            for line in out.splitlines()
            if "requests in" in line
        ]
        _report(
            "port down/up (%s) 1 s under wrk" % how,
            "request sent into the outage answered; wrk %s requests; "
            "outage %.1f s" % (reqs[0] if reqs else "?", t_up - t0),
            recovery,
        )
    finally:
        client.stdin.close()
        try:
            client.wait(timeout=HANG)
        except subprocess.TimeoutExpired:
            client.kill()
            client.wait()


def test_exporter_stops_when_its_stack_dies(make_primary):
    # The realistic long-lived secondary: ff-exporter.  Left running, it
    # would hold the dead stack's files and no new stack could start.
    prim = make_primary()
    exe = testing.VENV_BIN / "ff-exporter"
    exporter = subprocess.Popen(
        ["ip", "netns", "exec", prim.ns, str(exe), "--prefix", prim.prefix]
        + ["--listen", "127.0.0.1:9549"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = exporter.stderr.readline()
        assert "serving http://127.0.0.1:9549/metrics" in line, line
        # A stopped stack is not a dead one: the exporter waits.
        os.kill(prim.pid, signal.SIGSTOP)
        time.sleep(3)
        assert exporter.poll() is None
        t_kill = time.monotonic()
        os.kill(prim.pid, signal.SIGKILL)
        prim.proc.wait(timeout=HANG)
        try:
            rest = exporter.communicate(timeout=HANG)[1]
        except subprocess.TimeoutExpired:
            raise AssertionError("ff-exporter outlived its stack") from None
        assert exporter.returncode == 1, rest
        assert rest.strip() == (
            'ff-exporter: the stack with file prefix "%s" exited; '
            "stopping, so that a new one can start" % prim.prefix
        ), rest
        testing.start(prim, testing.DEFAULT_PROGRAM)
        recovery = _until_served(prim)
        assert recovery is not None, prim.log_text()
        _report(
            "primary SIGKILLed under ff-exporter",
            rest.strip(),
            time.monotonic() - t_kill,
        )
    finally:
        if exporter.poll() is None:
            exporter.kill()
            exporter.wait()
