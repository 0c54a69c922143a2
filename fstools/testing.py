"""fstools.testing: a pytest plugin that runs an ff stack for a test.

Registered as the ``fstools`` pytest11 entry point (pyproject.toml), so
any test in a tree where fstools is installed can ask for:

- ``ff_stack``: a running stack (examples/ff_primary) in a fresh network
  namespace, answering tools, torn down after the test;
- ``ff_stack_factory``: the same, made by a call, for a test that wants
  another program or config: ``ff_stack_factory(program=...,
  extra_config=..., config=..., idle_sleep=..., peer_addr=...)``.

    def test_ttl(ff_stack):
        ff_stack.stack.sysctl_set("net.inet.ip.ttl", 33)
        assert "ttl=33" in ff_stack.nsexec("ping", "-c1", ff_stack.addr).stdout

The handle (``StackHandle``) has the namespace (``ns``), the tap, the
DPDK file ``prefix``, the stack's and the Linux peer's addresses and MACs
(``addr``, ``peer_addr``, ``mac``, ``peer_mac``), ``nsexec(*cmd)`` to run
a command in the namespace, ``tool("ff-route", ...)`` to run a tool
against the stack, and ``stack``: the ``fstools.Stack`` API.  A process
attaches to one stack in its life (DPDK's EAL starts once), so ``stack``
forwards each call to a helper process attached to this stack
(``python -m fstools.testing serve PREFIX``); answers and exceptions come
back as the same dataclasses and ``StackError``s.

How a stack is made: a namespace, a config with a net_tap vdev and a
file prefix unique to the test (198.18.0.2/24 on the stack, gateway
198.18.0.1), the program started inside the namespace; once it answers
an ECHO the kernel end of the tap gets its own MAC (net_tap gives it the
port's, and ARP would fail "from ourselves"), 198.18.0.1/24 and link up.
``restart()`` (or ``testing.restart(handle)``) starts the program again
in the same namespace with the same config and file prefix, after it
died (SIGKILL included) or after stopping it: the helper attached to
the old process is stopped first (it holds the prefix's runtime files,
and a process attaches once in its life), the old process is reaped,
and the new one starts over the hugepage files and runtime directory
the old one left; ``stack`` then reaches the new process.

Teardown stops the helper and the program by PID and waits for them,
deletes the namespace (and so the tap), and removes the prefix's
hugepage files and /var/run/dpdk/PREFIX.  Without root, /dev/net/tun,
iproute2 or 32 free hugepages the fixtures skip (fail under $CI).

Network safety: all traffic stays inside the namespace; addresses come
from 198.18.0.0/15 (RFC 2544's benchmarking range).
"""

import glob
import itertools
import os
import pickle
import shutil
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
STACK_ADDR = "198.18.0.2"
PEER_ADDR = "198.18.0.1"
DEFAULT_PROGRAM = ROOT / "examples" / "ff_primary"

_serial = itertools.count(1)


def skip_reason():
    """Why a stack cannot run here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, hugepages)"
    if not os.path.exists("/dev/net/tun"):
        return "needs /dev/net/tun"
    if shutil.which("ip") is None:
        return "needs iproute2"
    free = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("HugePages_Free:"):
                free = int(line.split()[1])
    if free < 32:
        return "needs free hugepages (scripts/ff-setup deps reserves them)"
    return None


def run(cmd, check=True, **kw):
    return subprocess.run(
        cmd, check=check, capture_output=True, text=True, **kw
    )


def _stack_cpu():
    """The last CPU we may use: the test process keeps the first."""
    return max(os.sched_getaffinity(0))


def make_config(tap, prefix, mac, idle_sleep=100, extra=""):
    """The default config: one net_tap port, 198.18.0.2/24."""
    return f"""\
[dpdk]
lcore_mask={1 << _stack_cpu():x}
file_prefix={prefix}
port_list=0
nb_vdev=1
idle_sleep={idle_sleep}
nb_mbufs=8191

[vdev0]
driver=net_tap
iface={tap}
mac={mac}

[port0]
addr={STACK_ADDR}
netmask=255.255.255.0
broadcast=198.18.0.255
gateway={PEER_ADDR}

[freebsd.boot]
hz=1000
{extra}"""


# -- the Stack API from another process ---------------------------------------


def _send(stream, obj):
    data = pickle.dumps(obj)
    stream.write(struct.pack("=I", len(data)) + data)
    stream.flush()


def _recv(stream):
    head = stream.read(4)
    if len(head) < 4:
        raise EOFError("the fstools.testing helper went away")
    return pickle.loads(stream.read(struct.unpack("=I", head)[0]))


class RemoteStack:
    """``fstools.Stack``'s calls, run by a helper process attached to the
    stack under ``prefix`` (started on first use; ``close()`` stops it)."""

    def __init__(self, prefix, timeout=5.0):
        self.prefix = prefix
        self.timeout = timeout
        self._proc = None

    def _start(self):
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fstools.testing",
                "serve",
                self.prefix,
                str(self.timeout),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(ROOT),
        )

    def _call(self, name, args, kwargs):
        if self._proc is None:
            self._start()
        _send(self._proc.stdin, (name, args, kwargs))
        ok, value = _recv(self._proc.stdout)
        if not ok:
            raise value
        return value

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def close(self):
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        proc.stdin.close()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        proc.stdout.close()


def serve(prefix, timeout):
    """The helper: attach, then answer calls read from stdin until EOF."""
    from fstools.stack import Stack, StackError

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write the pipe
    st, failed = Stack(prefix, timeout=timeout), None
    try:
        st.attach()
    except StackError as e:
        failed = e  # every call gets it
    while True:
        try:
            name, args, kwargs = _recv(inp)
        except EOFError:
            break
        try:
            if failed is not None:
                raise failed
            _send(out, (True, getattr(st, name)(*args, **kwargs)))
        except Exception as e:  # noqa: BLE001 - raised in the caller
            _send(out, (False, e))
    if failed is None:
        st.detach()
    return 0


def ping(prefix):
    """Exit 0 when process 0 under ``prefix`` answers an ECHO."""
    from fstools.stack import Stack, StackError

    try:
        with Stack(prefix, timeout=2.0) as st:
            return 0 if st.echo(b"ping") == b"ping" else 1
    except StackError:
        return 1


# -- one stack in a namespace -------------------------------------------------


@dataclass
class StackHandle:
    """One stack process in its own namespace (see the module docstring)."""

    ns: str
    tap: str
    prefix: str
    mac: str
    peer_mac: str
    config: Path
    log: Path
    proc: subprocess.Popen = None
    program: Path = DEFAULT_PROGRAM
    extra_env: dict = field(default_factory=dict)
    addr: str = STACK_ADDR
    peer_addr: str = PEER_ADDR
    remote: RemoteStack = None

    @property
    def pid(self):
        return self.proc.pid

    @property
    def stack(self):
        """The ``fstools.Stack`` API of this stack (calls go through a
        helper process, see ``RemoteStack``)."""
        if self.remote is None:
            self.remote = RemoteStack(self.prefix)
        return self.remote

    def alive(self):
        return self.proc.poll() is None

    def restart(self, program=None, peer_addr=True):
        """Start the stack again (see ``restart()``)."""
        restart(self, program, peer_addr)

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def nsexec(self, *cmd, check=True, timeout=60):
        """Run ``cmd`` in the namespace; its CompletedProcess (text)."""
        return run(
            ["ip", "netns", "exec", self.ns, *cmd],
            check=check,
            timeout=timeout,
        )

    def tool(self, name, *args, timeout=30, check=False):
        """Run fstools' ``name`` (e.g. "ff-top") against this stack."""
        exe = VENV_BIN / name
        cmd = (
            [str(exe)]
            if exe.exists()
            else [sys.executable, "-m", "fstools." + name[3:]]
        )
        return run(
            cmd + ["--prefix", self.prefix, *args],
            check=check,
            timeout=timeout,
        )


def _wait_for(pred, timeout, what, handle):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        if handle.proc is not None and not handle.alive():
            raise AssertionError(
                "%s: stack exited (%s) during start-up:\n%s"
                % (what, handle.proc.returncode, handle.log_text())
            )
        time.sleep(0.05)
    raise AssertionError(
        "timed out waiting for %s:\n%s" % (what, handle.log_text())
    )


def _tap_exists(handle):
    return (
        run(
            ["ip", "-n", handle.ns, "link", "show", handle.tap], check=False
        ).returncode
        == 0
    )


def _answers(handle):
    """One attach and ECHO, in a process of its own (one attach each)."""
    return (
        run(
            [sys.executable, "-m", "fstools.testing", "ping", handle.prefix],
            check=False,
            timeout=30,
            cwd=str(ROOT),
        ).returncode
        == 0
    )


def _set_peer_mac(handle):
    """Give the kernel end of the tap its own MAC, and check it stuck."""
    run(
        [
            "ip",
            "-n",
            handle.ns,
            "link",
            "set",
            handle.tap,
            "address",
            handle.peer_mac,
        ]
    )
    return (
        handle.peer_mac
        in run(["ip", "-n", handle.ns, "link", "show", handle.tap]).stdout
    )


def _close_remote(handle):
    """Stop the helper attached to an earlier process of this handle:
    it holds the prefix's runtime files (a new primary would refuse to
    start over them) and cannot follow to a new process."""
    if handle.remote is not None:
        handle.remote.close()
        handle.remote = None


def start(handle, program, peer_addr=True):
    """Start ``program -c config`` in the (existing) namespace and wait
    until it answers; then set up the Linux end of the tap."""
    if handle.proc is not None and handle.alive():
        raise AssertionError(
            "stack pid %d still runs: stop it or restart()" % handle.pid
        )
    _close_remote(handle)
    handle.program = program
    logf = open(handle.log, "w")
    handle.proc = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            handle.ns,
            str(program),
            "-c",
            str(handle.config),
        ],
        stdout=logf,
        stderr=subprocess.STDOUT,
        cwd=str(ROOT),
        start_new_session=True,
    )
    logf.close()
    _wait_for(lambda: _tap_exists(handle), 30, "the stack's tap", handle)
    # Only once the stack answers has net_tap finished with the tap: it
    # sets the kernel end's MAC to the port's while it starts the port.
    _wait_for(lambda: _answers(handle), 30, "the stack's message ring", handle)
    _wait_for(lambda: _set_peer_mac(handle), 10, "the tap's MAC", handle)
    ip = ["ip", "-n", handle.ns]
    if peer_addr:
        run(ip + ["addr", "add", handle.peer_addr + "/24", "dev", handle.tap])
    run(ip + ["link", "set", handle.tap, "up"])
    run(ip + ["link", "set", "lo", "up"])


def stop_process(proc, timeout=15):
    """SIGTERM ``proc`` (a Popen) by its PID if it still runs and wait for
    it; SIGKILL when it has not ended within ``timeout`` seconds."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def remove_runtime(prefix):
    """Remove what a DPDK primary under ``prefix`` may leave: its
    hugepage files and /var/run/dpdk/PREFIX."""
    for f in glob.glob("/dev/hugepages/%smap_*" % prefix):
        os.unlink(f)
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)


def restart(handle, program=None, peer_addr=True):
    """Start the stack of ``handle`` again: its helper stopped, the old
    process stopped if it still runs and reaped, then ``start()`` with
    the same config (``program``: the last one started by default).

    The dead process's runtime files are reused, not removed: the new
    primary starts over them (DPDK clears the prefix's hugepage files
    no process holds), and if another process attached to the old one
    still holds them the stack refuses with a message naming it, which
    start() raises.  Only the ready mark goes first: it names the dead
    pid, which another process may get meanwhile."""
    _close_remote(handle)
    stop_process(handle.proc)
    try:
        os.unlink("/var/run/dpdk/%s/ff_ready" % handle.prefix)
    except FileNotFoundError:
        pass
    start(handle, program or handle.program, peer_addr)


def stop(handle):
    """Stop the helper and the stack by PID, wait, remove what they left."""
    _close_remote(handle)
    stop_process(handle.proc)
    run(["ip", "netns", "del", handle.ns], check=False)
    remove_runtime(handle.prefix)


def new_handle(tmp_path, handle_class=StackHandle):
    """A handle with names unique to this process and call (not started)."""
    n = next(_serial)
    tag = "%d%02d" % (os.getpid() % 100000, n % 100)
    return handle_class(
        ns="fft-%s" % tag,
        tap="fft%s" % tag,
        prefix="fft%s" % tag,
        mac="02:18:00:%02x:%02x:02" % (n % 256, os.getpid() % 256),
        peer_mac="02:18:00:%02x:%02x:01" % (n % 256, os.getpid() % 256),
        config=tmp_path / ("config%d.ini" % n),
        log=tmp_path / ("stack%d.log" % n),
    )


@pytest.fixture
def ff_stack_factory(tmp_path):
    """Factory: ``ff_stack_factory(program=examples/ff_primary,
    extra_config="", idle_sleep=100, peer_addr=True, config=None,
    handle_class=StackHandle)`` -> a started StackHandle.

    ``config`` replaces the default config: a str.format template with
    {tap}, {prefix}, {mac}, {addr}, {peer_addr} and {lcore_mask}.
    """
    reason = skip_reason()
    if reason:
        # CI has all it needs (scripts/ff-setup): a skip there hides a fault.
        if os.environ.get("CI"):
            pytest.fail("integration test cannot run: " + reason)
        pytest.skip(reason)
    made = []

    def factory(
        program=DEFAULT_PROGRAM,
        extra_config="",
        idle_sleep=100,
        peer_addr=True,
        config=None,
        handle_class=StackHandle,
    ):
        handle = new_handle(tmp_path, handle_class)
        if config is None:
            text = make_config(
                handle.tap, handle.prefix, handle.mac, idle_sleep, extra_config
            )
        else:
            text = config.format(
                tap=handle.tap,
                prefix=handle.prefix,
                mac=handle.mac,
                addr=handle.addr,
                peer_addr=handle.peer_addr,
                lcore_mask="%x" % (1 << _stack_cpu()),
            )
        handle.config.write_text(text)
        run(["ip", "netns", "add", handle.ns])
        made.append(handle)
        start(handle, program, peer_addr)
        return handle

    yield factory
    for handle in made:
        stop(handle)


@pytest.fixture
def ff_stack(ff_stack_factory):
    """examples/ff_primary with the default config, in its namespace."""
    return ff_stack_factory()


def main(argv):
    if len(argv) >= 3 and argv[1] == "serve":
        return serve(argv[2], float(argv[3]) if len(argv) > 3 else 5.0)
    if len(argv) == 3 and argv[1] == "ping":
        return ping(argv[2])
    sys.stderr.write(
        "usage: python -m fstools.testing serve PREFIX "
        "[TIMEOUT] | ping PREFIX\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
