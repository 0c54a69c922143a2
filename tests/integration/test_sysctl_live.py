"""ff-sysctl against a live primary in a namespace: read, write and read
back, refusals, and -a under a second."""

import time


def test_read_write_read_back(primary):
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn")
    assert (cp.returncode, cp.stdout) == (0, "kern.ipc.somaxconn: 128\n"), (
        cp.stderr
    )
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=1024")
    assert (cp.returncode, cp.stdout) == (
        0,
        "kern.ipc.somaxconn: 128 -> 1024\n",
    ), cp.stderr
    cp = primary.tool("ff-sysctl", "-n", "kern.ipc.somaxconn")
    assert cp.stdout == "1024\n"


def test_refusals_leave_the_stack_unchanged(primary):
    cp = primary.tool("ff-sysctl", "nosuch.oid")
    assert (cp.returncode, cp.stderr) == (
        1,
        "ff-sysctl: unknown oid 'nosuch.oid'\n",
    )
    cp = primary.tool("ff-sysctl", "kern.ostype=bsd")
    assert cp.returncode == 1 and "read only" in cp.stderr
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=abc")
    assert cp.stderr == "ff-sysctl: invalid unsigned integer 'abc'\n"
    cp = primary.tool("ff-sysctl", "kern.ipc.somaxconn=70000")
    assert cp.stderr == (
        "ff-sysctl: kern.ipc.somaxconn=70000: Invalid argument\n"
    )
    cp = primary.tool("ff-sysctl", "-n", "kern.ipc.somaxconn", "kern.ostype")
    assert cp.stdout == "128\nff\n"


def test_all_under_a_second(primary):
    t0 = time.monotonic()
    cp = primary.tool("ff-sysctl", "-a")
    elapsed = time.monotonic() - t0
    assert cp.returncode == 0, cp.stderr
    names = [l.split(":")[0] for l in cp.stdout.splitlines()]
    assert "kern.ostype" in names and "kern.ipc.maxsockbuf" in names
    assert len(names) == len(set(names))
    assert elapsed < 1.0, elapsed
