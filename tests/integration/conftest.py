"""A live stack in a network namespace, for end-to-end tests.

The ``primary`` fixture makes a network namespace, writes a config with a
net_tap vdev and a file prefix unique to the test, starts
examples/ff_primary (or another program) inside the namespace, gives the
kernel end of the tap its own MAC and 198.18.0.1/24, and waits until the
stack answers on its message ring.  With ``peer_addr=False`` it leaves
198.18.0.1 off the tap, for a test that puts the Linux side elsewhere
(test_netem_live.py: behind a user-space lossy link).  Afterwards it stops
the process by its PID, waits for it, and removes the namespace (and so
the tap), the hugepage files and the DPDK runtime directory of the prefix.

Network safety: all traffic stays inside the namespace; addresses come from
198.18.0.0/15.
"""

import glob
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
IPC_TOOL = Path(__file__).with_name("ipc_tool.py")
STACK_ADDR = "198.18.0.2"
PEER_ADDR = "198.18.0.1"

_serial = itertools.count(1)


def _skip_reason():
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
    return subprocess.run(cmd, check=check, capture_output=True, text=True,
                          **kw)


def _stack_cpu():
    """The last CPU we may use: the test process keeps the first."""
    return max(os.sched_getaffinity(0))


def make_config(tap, prefix, mac, idle_sleep=100, extra=""):
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


@dataclass
class Primary:
    """One stack process in its own namespace."""
    ns: str
    tap: str
    prefix: str
    mac: str
    peer_mac: str
    config: Path
    log: Path
    proc: subprocess.Popen = None
    extra_env: dict = field(default_factory=dict)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def nsexec(self, *cmd, check=True, timeout=60):
        return run(["ip", "netns", "exec", self.ns, *cmd], check=check,
                   timeout=timeout)

    def tool(self, name, *args, timeout=30, check=False):
        """Run fstools' ``name`` (e.g. "ff-top") against this stack."""
        exe = VENV_BIN / name
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m",
                                                 "fstools." + name[3:]]
        return run(cmd + ["--prefix", self.prefix, *args], check=check,
                   timeout=timeout)

    def ipc(self, *args, timeout=60, check=True):
        """tests/integration/ipc_tool.py against this stack; its JSON."""
        cp = run([sys.executable, str(IPC_TOOL), self.prefix, *args],
                 check=False, timeout=timeout)
        if check and cp.returncode != 0:
            raise AssertionError("ipc_tool %s failed (%d): %s %s" % (
                " ".join(args), cp.returncode, cp.stdout, cp.stderr))
        lines = cp.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else {}


def _wait_for(pred, timeout, what, prim):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        if prim.proc is not None and not prim.alive():
            raise AssertionError("%s: stack exited (%s) during start-up:\n%s"
                                 % (what, prim.proc.returncode,
                                    prim.log_text()))
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s:\n%s"
                         % (what, prim.log_text()))


def _tap_exists(prim):
    return run(["ip", "-n", prim.ns, "link", "show", prim.tap],
               check=False).returncode == 0


def _answers(prim):
    """One attach and ECHO; a tool can only attach once per process."""
    return prim.ipc("ping", "1", check=False, timeout=30).get("ok", False)


def _set_peer_mac(prim):
    """Give the kernel end of the tap its own MAC, and check it stuck."""
    run(["ip", "-n", prim.ns, "link", "set", prim.tap, "address",
         prim.peer_mac])
    return prim.peer_mac in run(["ip", "-n", prim.ns, "link", "show",
                                 prim.tap]).stdout


def _start(prim, program, peer_addr=True):
    logf = open(prim.log, "w")
    prim.proc = subprocess.Popen(
        ["ip", "netns", "exec", prim.ns, str(program), "-c", str(prim.config)],
        stdout=logf, stderr=subprocess.STDOUT, cwd=str(ROOT),
        start_new_session=True)
    logf.close()
    _wait_for(lambda: _tap_exists(prim), 30, "the stack's tap", prim)
    # Only once the stack answers has net_tap finished with the tap: it
    # sets the kernel end's MAC to the port's while it starts the port.
    _wait_for(lambda: _answers(prim), 30, "the stack's message ring", prim)
    _wait_for(lambda: _set_peer_mac(prim), 10, "the tap's MAC", prim)
    ip = ["ip", "-n", prim.ns]
    if peer_addr:
        run(ip + ["addr", "add", PEER_ADDR + "/24", "dev", prim.tap])
    run(ip + ["link", "set", prim.tap, "up"])
    run(ip + ["link", "set", "lo", "up"])


def _stop(prim):
    if prim.proc is not None and prim.alive():
        prim.proc.send_signal(signal.SIGTERM)
        try:
            prim.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            prim.proc.kill()
            prim.proc.wait(timeout=15)
    run(["ip", "netns", "del", prim.ns], check=False)
    for f in glob.glob("/dev/hugepages/%smap_*" % prim.prefix):
        os.unlink(f)
    shutil.rmtree("/var/run/dpdk/" + prim.prefix, ignore_errors=True)


@pytest.fixture
def make_primary(tmp_path):
    """Factory: make_primary(program=..., extra_config=..., idle_sleep=...,
    peer_addr=True) -> Primary."""
    reason = _skip_reason()
    if reason:
        # CI has all it needs (scripts/ff-setup): a skip there hides a fault.
        if os.environ.get("CI"):
            pytest.fail("integration test cannot run: " + reason)
        pytest.skip(reason)
    made = []

    def factory(program=ROOT / "examples" / "ff_primary", extra_config="",
                idle_sleep=100, peer_addr=True):
        n = next(_serial)
        tag = "%d%02d" % (os.getpid() % 100000, n % 100)
        prim = Primary(ns="fft-%s" % tag, tap="fft%s" % tag,
                       prefix="fft%s" % tag,
                       mac="02:18:00:%02x:%02x:02" % (n % 256, os.getpid() % 256),
                       peer_mac="02:18:00:%02x:%02x:01" % (n % 256,
                                                           os.getpid() % 256),
                       config=tmp_path / ("config%d.ini" % n),
                       log=tmp_path / ("stack%d.log" % n))
        prim.config.write_text(make_config(prim.tap, prim.prefix, prim.mac,
                                           idle_sleep, extra_config))
        run(["ip", "netns", "add", prim.ns])
        made.append(prim)
        _start(prim, program, peer_addr)
        return prim

    yield factory
    for prim in made:
        _stop(prim)


@pytest.fixture
def primary(make_primary):
    """The example primary with the default test config."""
    return make_primary()
