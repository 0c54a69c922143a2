"""A live stack in a network namespace, for end-to-end tests.

The stack itself comes from fstools' pytest plugin (``fstools.testing``,
the same ``ff_stack`` fixtures users get): a namespace, a config with a
net_tap vdev and a file prefix unique to the test, examples/ff_primary
(or another program) inside it, the kernel end of the tap with its own
MAC and 198.18.0.1/24, and everything stopped by PID and removed
afterwards.  Here it gets our old names, ``primary`` and
``make_primary(program=..., extra_config=..., idle_sleep=...,
peer_addr=True)``, and one test-only helper, ``Primary.ipc()``: the
low-level ring client tests/integration/ipc_tool.py, and one reader,
``stats(handle, "net.inet.tcp.stats")``: a stats sysctl read through
the handle's ``fstools.Stack`` and decoded with the layout the library
exports.

Network safety: all traffic stays inside the namespace; addresses come from
198.18.0.0/15.
"""

import json
import struct
import sys
from pathlib import Path

import pytest

from fstools import _ffi, testing
from fstools.testing import (  # noqa: F401 - the tests' and bench's names
    PEER_ADDR,
    ROOT,
    STACK_ADDR,
    VENV_BIN,
    make_config,
    run,
)

IPC_TOOL = Path(__file__).with_name("ipc_tool.py")


class Primary(testing.StackHandle):
    """One stack process in its own namespace, plus the ipc_tool helper."""

    def ipc(self, *args, timeout=60, check=True):
        """tests/integration/ipc_tool.py against this stack; its JSON."""
        cp = run(
            [sys.executable, str(IPC_TOOL), self.prefix, *args],
            check=False,
            timeout=timeout,
        )
        if check and cp.returncode != 0:
            raise AssertionError(
                "ipc_tool %s failed (%d): %s %s"
                % (" ".join(args), cp.returncode, cp.stdout, cp.stderr)
            )
        lines = cp.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else {}


def stats(handle, name):
    """A stats sysctl (net.inet.tcp.stats, ...) of the stack: {field: n}.

    fstools.Stack hands back the opaque value ("S,tcpstat"); its fields
    and offsets come from the compiled library (ff_msg_abi_table()).
    """
    node = handle.stack.sysctl(name)
    layout = _ffi.abi_layout()[node.fmt.split(",", 1)[1]]
    assert len(node.value) == layout[""][1], (name, len(node.value))
    return {
        field: struct.unpack_from("=Q", node.value, off)[0]
        for field, (off, size) in layout.items()
        if field and size == 8
    }


# The benchmarks (bench/*.py) make and stop stacks with these.
_start = testing.start
_stop = testing.stop


@pytest.fixture
def make_primary(ff_stack_factory):
    """Factory: make_primary(program=..., extra_config=..., idle_sleep=...,
    peer_addr=True) -> Primary."""

    def factory(**kw):
        return ff_stack_factory(handle_class=Primary, **kw)

    return factory


@pytest.fixture
def make_pair(tmp_path):
    """Factory: make_pair(program, env=None, **Pair's keywords) -> a
    started ff_pair.Pair (server running program) in tmp_path; every pair
    made is stopped at the end.  .tmp and .made for pairs made by hand."""
    from .ff_pair import Pair

    made = []

    def factory(program, env=None, **kw):
        p = Pair(tmp_path, **kw)
        made.append(p)
        p.start(program, env=env)
        return p

    factory.tmp, factory.made = tmp_path, made
    yield factory
    for p in made:
        p.stop()


@pytest.fixture
def primary(make_primary):
    """The example primary with the default test config."""
    return make_primary()
