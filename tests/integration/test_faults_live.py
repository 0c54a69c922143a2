"""Faults of the primary while tools wait on it (issue 16): stopped with
SIGSTOP, killed with SIGKILL.

A tool then fails by itself, within its --timeout (the subprocess bound
here is far above it, so a tool that hangs fails the test), with one
clear line naming the stack (no traceback, no EAL noise); a primary that
resumes, or one started again with the same file prefix, serves the next
tool.  No timing is asserted beyond "it ends".
"""

import json
import signal
import subprocess
import sys

from fstools import testing

from .conftest import VENV_BIN

TOOL_TIMEOUT = "2"  # seconds a tool waits for each answer
BOUND = 60  # seconds after which a tool counts as hung


def tool_cmd(name):
    exe = VENV_BIN / name
    return (
        [str(exe)]
        if exe.exists()
        else [sys.executable, "-m", "fstools." + name[3:]]
    )


def _start_sampler(prefix):
    """ff-top sampling every 0.1 s; returns once it printed a sample, so
    that it is attached and asking when the fault comes."""
    p = subprocess.Popen(
        tool_cmd("ff-top")
        + ["--prefix", prefix, "--json", "-n", "100000", "-d", "0.1"]
        + ["--timeout", TOOL_TIMEOUT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = p.stdout.readline()
    assert json.loads(line)["loops"] > 0, p.stderr.read()
    return p


def _clear_failure(name, prefix, returncode, stderr):
    """A tool's failure as a user sees it: exit 1, one line, its name and
    the stack's prefix in it, nothing else."""
    assert returncode == 1, (returncode, stderr)
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(name + ": "), stderr
    assert prefix in lines[0], stderr
    for noise in ("Traceback", "EAL", "Broken pipe"):
        assert noise not in stderr, stderr
    return lines[0]


def test_primary_stopped_tools_fail_then_it_serves_again(primary):
    sampler = _start_sampler(primary.prefix)
    primary.proc.send_signal(signal.SIGSTOP)
    try:
        _, err = sampler.communicate(timeout=BOUND)
        line = _clear_failure(
            "ff-top", primary.prefix, sampler.returncode, err
        )
        assert "did not answer within %s s" % TOOL_TIMEOUT in line
        # A tool started while it is stopped fails the same way.
        cp = primary.tool(
            "ff-sysctl",
            "--timeout",
            TOOL_TIMEOUT,
            "net.inet.ip.ttl",
            timeout=BOUND,
        )
        line = _clear_failure(
            "ff-sysctl", primary.prefix, cp.returncode, cp.stderr
        )
        assert "did not answer" in line
    finally:
        primary.proc.send_signal(signal.SIGCONT)
    # Resumed, it answers the next tools (the abandoned slots came back).
    for _ in range(3):
        cp = primary.tool("ff-sysctl", "-n", "net.inet.ip.ttl", timeout=BOUND)
        assert cp.returncode == 0, cp.stderr
        assert cp.stdout.strip() == "64"
    cp = primary.tool("ff-top", "-n", "1", "--json", timeout=BOUND)
    assert cp.returncode == 0, cp.stderr
    assert primary.alive()


def test_primary_killed_tools_fail_then_a_restarted_one_serves(primary):
    sampler = _start_sampler(primary.prefix)
    primary.proc.send_signal(signal.SIGKILL)
    primary.proc.wait(timeout=BOUND)
    _, err = sampler.communicate(timeout=BOUND)
    _clear_failure("ff-top", primary.prefix, sampler.returncode, err)
    # With no primary, a new tool says so at once.
    cp = primary.tool(
        "ff-route", "--timeout", TOOL_TIMEOUT, "-n", "show", timeout=BOUND
    )
    line = _clear_failure("ff-route", primary.prefix, cp.returncode, cp.stderr)
    assert "no stack" in line
    # Started again with the same prefix (the dead one's runtime files and
    # hugepage files still there), it serves the next tool.
    testing.start(primary, testing.DEFAULT_PROGRAM)
    cp = primary.tool("ff-top", "-n", "1", "--json", timeout=BOUND)
    assert cp.returncode == 0, cp.stderr
    assert json.loads(cp.stdout)["loops"] > 0
    cp = primary.tool("ff-route", "-n", "show", timeout=BOUND)
    assert cp.returncode == 0, cp.stderr
    assert "198.18.0.0" in cp.stdout
    # And the network side is back: the peer reaches it.
    primary.nsexec("ping", "-c", "1", "-W", "5", primary.addr)
