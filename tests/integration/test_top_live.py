"""ff-top's dashboard in a real terminal: tmux runs it against helloworld
in a namespace while Linux holds connections open, pings and knocks on a
closed port; the pane shows what a person would see, the keys switch
views, a resize redraws it to the new size, and q ends it with status 0.
With --proc all over two stack processes (a primary and a secondary,
test_multiproc_live's pair), it shows a CPU row for each and their
total, and the TCP states and sockets of both together.

Everything started here (the tmux server, the connection holder, the
knocking loop) is stopped by PID; the stack by the fixture.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT, STACK_ADDR, VENV_BIN
from .test_multiproc_live import CONFIG as PAIR_CONFIG
from .test_multiproc_live import Pair, two_cpus

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="no tmux (scripts/ff-setup deps)"
)

HOLD = """
import socket, sys, time
conns = [socket.create_connection((sys.argv[1], 80)) for _ in range(5)]
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""

# A SYN to a closed port: the stack answers RST and counts tcpx_noport.
KNOCK = """
import socket, sys, time
for _ in range(int(sys.argv[2])):
    s = socket.socket()
    s.settimeout(1)
    try:
        s.connect((sys.argv[1], 81))
    except OSError:
        pass
    s.close()
    time.sleep(0.2)
"""


class Tmux:
    """A tmux server of our own (its socket name), one session."""

    def __init__(self, tmp_path, cmd, width=120, height=40):
        self.sock = "ff-top-test-%d" % os.getpid()
        conf = tmp_path / "tmux.conf"
        # The pane stays after ff-top exits: its status can be read.  A
        # server without clients sizes windows by default-size.
        conf.write_text(
            "set -g remain-on-exit on\n"
            "set -g default-size %dx%d\n" % (width, height)
        )
        self.tmux(
            "-f",
            str(conf),
            "new-session",
            "-d",
            "-s",
            "top",
            "-x",
            str(width),
            "-y",
            str(height),
            cmd,
        )
        self.server_pid = int(self.tmux("display-message", "-p", "#{pid}"))

    def tmux(self, *args):
        cp = subprocess.run(
            ["tmux", "-L", self.sock, *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert cp.returncode == 0, cp.stderr
        return cp.stdout.strip()

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "top")

    def pane(self, fmt):
        return self.tmux("display-message", "-p", "-t", "top", fmt)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "top", *keys)

    def wait_for(self, pred, what, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.screen()
            if pred(text):
                return text
            time.sleep(0.1)
        raise AssertionError(
            "%s never showed; the pane (%s):\n%s"
            % (what, self.pane("#{pane_width}x#{pane_height}"), text)
        )

    def stop(self):
        try:
            os.kill(self.server_pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        end = time.monotonic() + 10
        while time.monotonic() < end:
            try:
                os.kill(self.server_pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(self.server_pid, signal.SIGKILL)


def _stuck(term):
    """Why ff-top did not quit: its screen and the state of the pane's
    processes and their threads."""
    out = []
    pids = [term.pane("#{pane_pid}")]
    for pid in pids:
        try:
            with open("/proc/%s/task/%s/children" % (pid, pid)) as f:
                pids += f.read().split()
            for task in sorted(os.listdir("/proc/%s/task" % pid)):
                with open("/proc/%s/task/%s/stat" % (pid, task)) as f:
                    out.append(" ".join(f.read().split()[:3]))
        except OSError as e:
            out.append("%s: %s" % (pid, e))
    return "ff-top did not quit on q: %s\n%s" % (
        "; ".join(out),
        term.screen(),
    )


def _ns_python(prim, code, *args):
    return subprocess.Popen(
        ["ip", "netns", "exec", prim.ns, sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc):
    if proc.poll() is None:
        proc.terminate()
    proc.wait(timeout=15)


@pytest.fixture
def hello(make_primary):
    prog = ROOT / "examples" / "helloworld"
    if not prog.exists():
        pytest.skip("examples/helloworld not built")
    return make_primary(program=prog)


def test_dashboard_in_tmux(hello, tmp_path):
    status = tmp_path / "status"
    top = "%s --prefix %s -d 0.5; echo exit $? > %s" % (
        VENV_BIN / "ff-top",
        hello.prefix,
        status,
    )
    holder = _ns_python(hello, HOLD, STACK_ADDR, "120")
    knock = None
    term = None
    try:
        assert holder.stdout.readline().strip() == "held"
        term = Tmux(tmp_path, top)
        knock = _ns_python(hello, KNOCK, STACK_ADDR, "300")
        hello.nsexec(
            "ping", "-n", "-q", "-c", "20", "-i", "0.1", STACK_ADDR,
            check=False, timeout=60,
        )  # fmt: skip
        text = term.wait_for(
            lambda t: "tcpx_noport" in t and "ESTABLISHED 5" in t,
            "the moved panel and the held connections",
        )
        # What a person sees on the overview.
        lines = text.splitlines()
        assert lines[0].startswith("ff-top  prefix %s" % hello.prefix)
        assert "q quit" in lines[0]
        for title in ("CPU", "Traffic", "TCP", "Memory", "Moved"):
            assert "\u2500 " + title in text, title
        assert "LISTEN 1" in text and "ESTABLISHED 5" in text
        # The listener and the 5 accepted sockets, at least.
        used = re.search(r"sockets .* (\d+)/(\d+)", text)
        assert used and int(used.group(1)) >= 6, text
        assert "mbufs" in text
        moved = text[text.index("Moved") :]
        assert "tcpx_noport" in moved
        assert all(len(line) <= 120 for line in lines)

        term.keys("2")
        text = term.wait_for(
            lambda t: "TCP connections by state" in t, "the tcp view"
        )
        assert "SYN_SENT" in text and "TIME_WAIT" in text

        term.keys("3")
        term.wait_for(
            lambda t: "Counters that moved" in t, "the counters view"
        )
        term.keys("1")
        term.wait_for(lambda t: "Memory" in t, "the overview again")

        term.tmux("resize-window", "-t", "top", "-x", "80", "-y", "24")
        # Redrawn to the new size: the CPU panel's box closes at column
        # 80 (the old one, cut by tmux, has no right corner there).
        text = term.wait_for(
            lambda t: any(
                line.startswith("\u256d\u2500 CPU")
                and len(line) == 80
                and line.endswith("\u256e")
                for line in t.splitlines()
            ),
            "the dashboard redrawn at 80x24",
        )
        assert len(text.splitlines()) <= 24

        assert not status.exists()  # still running
        term.keys("q")
        # The pane's shell writes ff-top's exit status once it has reaped
        # it (tmux's own pane_dead_status depends on when its server
        # gets to waitpid(), which is not what this test is about).
        end = time.monotonic() + 15
        while not status.exists() or not status.read_text().endswith("\n"):
            assert time.monotonic() < end, _stuck(term)
            time.sleep(0.1)
        assert status.read_text() == "exit 0\n", term.screen()
        assert hello.alive()
    finally:
        if term is not None:
            term.stop()
        if knock is not None:
            _stop(knock)
        _stop(holder)


@pytest.fixture
def hello_pair(ff_stack_factory, tmp_path):
    """helloworld in two stack processes: a primary and a secondary on
    one tap with two queues, each on its own CPU, idle_sleep (neither
    busy-polls); the secondary stopped by its PID afterwards."""
    prog = ROOT / "examples" / "helloworld"
    if not prog.exists():
        pytest.skip("examples/helloworld not built")
    prim = ff_stack_factory(
        program=prog, config=PAIR_CONFIG.format(mask=two_cpus())
    )
    pair = Pair(prim, prog, tmp_path)
    try:
        pair.start_secondary()
        yield pair
    finally:
        if pair.sec is not None:
            pair.stop_secondary()


def _cpu_rows(text):
    """{proc: (idle, sys, usr)} of the CPU panel, as shown."""
    cpu = text[text.index("\u2500 CPU") : text.index("\u2500 Traffic")]
    rows = {}
    for line in cpu.splitlines():
        m = re.match(
            r"\u2502\s+(\d+|total)\s+([\d.]+)%\s+([\d.]+)%.*?\s([\d.]+)%",
            line,
        )
        if m:
            rows[m.group(1)] = tuple(float(m.group(i)) for i in (2, 3, 4))
    return rows


def _sysctl_all(prim, name):
    """[value of proc 0, value of proc 1] of an integer sysctl."""
    cp = prim.tool("ff-sysctl", "--proc", "all", "-n", name, check=True)
    return [int(v) for v in cp.stdout.split()[1::2]]


def test_dashboard_of_two_processes_in_tmux(hello_pair, tmp_path):
    prim = hello_pair.prim
    top = "%s --prefix %s --proc all -d 0.5; echo exit $? > %s" % (
        VENV_BIN / "ff-top",
        prim.prefix,
        tmp_path / "status",
    )
    holder = _ns_python(prim, HOLD, STACK_ADDR, "120")
    term = None
    try:
        assert holder.stdout.readline().strip() == "held"
        # Where the tap's queues put the 5 connections: each process
        # owns its own (ff-netstat asks each one).
        est = [
            len(
                [
                    ln
                    for ln in prim.tool(
                        "ff-netstat", "--proc", str(i), "-an", check=True
                    ).stdout.splitlines()
                    if ln.endswith("ESTABLISHED")
                ]
            )
            for i in (0, 1)
        ]
        assert sum(est) == 5, est
        maxsockets = _sysctl_all(prim, "kern.ipc.maxsockets")
        term = Tmux(tmp_path, top)
        text = term.wait_for(
            lambda t: "ESTABLISHED 5" in t and "total" in t,
            "both processes and the held connections",
        )
        lines = text.splitlines()
        assert lines[0].startswith(
            "ff-top  prefix %s  proc 0,1 " % prim.prefix
        )
        # One CPU row a process, and their total: its shares are the
        # sums of theirs (each shown to 0.1).
        rows = _cpu_rows(text)
        assert sorted(rows) == ["0", "1", "total"], text
        for k in range(3):
            assert abs(rows["total"][k] - rows["0"][k] - rows["1"][k]) <= 0.2
        # idle_sleep: both processes mostly wait.
        assert rows["0"][0] > 50 and rows["1"][0] > 50, text
        # The TCP states and the socket table of both together: one
        # listener each, the 5 connections wherever they are.
        assert "LISTEN 2" in text and "ESTABLISHED 5" in text
        used = re.search(r"sockets .* (\d+)/(\d+) ", text)
        assert used, text
        assert int(used.group(1)) >= 7
        assert int(used.group(2)) == sum(maxsockets)
        # The tcp view: the per-state table of both.
        term.keys("2")
        text = term.wait_for(
            lambda t: "TCP connections by state" in t, "the tcp view"
        )
        states = dict(re.findall(r"\b(LISTEN|ESTABLISHED)\s+(\d+)", text))
        assert states == {"LISTEN": "2", "ESTABLISHED": "5"}, text
        term.keys("q")
        end = time.monotonic() + 15
        status = tmp_path / "status"
        while not status.exists() or not status.read_text().endswith("\n"):
            assert time.monotonic() < end, _stuck(term)
            time.sleep(0.1)
        assert status.read_text() == "exit 0\n", term.screen()
        assert prim.alive() and hello_pair.sec.poll() is None
    finally:
        if term is not None:
            term.stop()
        _stop(holder)
