"""Fixtures for the tool tests: a fake stack in place of fstools.stack.Stack,
so tools run in-process (click's CliRunner) with no stack and no libff."""

import time

import pytest

from fstools import stack as ipc


def top_stats(
    proc,
    loops=0,
    idle=0,
    sys=0,
    usr=0,
    hz=1_000_000_000,
    now=0,
    rx=0,
    tx=0,
    rxb=0,
    txb=0,
):
    """A stack.TopStats; work = idle + sys + usr."""
    return ipc.TopStats(
        proc_id=proc,
        loops=loops,
        idle_tsc=idle,
        sys_tsc=sys,
        usr_tsc=usr,
        work_tsc=idle + sys + usr,
        tsc_hz=hz,
        now_tsc=now,
        rx_packets=rx,
        tx_packets=tx,
        rx_bytes=rxb,
        tx_bytes=txb,
    )


def traffic_stats(proc, rx=0, rxb=0, rxd=0, tx=0, txb=0, txd=0, now=0):
    return ipc.TrafficStats(
        proc_id=proc,
        rx_packets=rx,
        rx_bytes=rxb,
        rx_dropped=rxd,
        tx_packets=tx,
        tx_bytes=txb,
        tx_dropped=txd,
        now_ns=now,
    )


@pytest.fixture
def fake_stack(monkeypatch):
    """install(top={proc: [TopStats...]}, traffic=..., pids=[...],
    attach_error=exc) replaces stack.Stack; each top()/traffic() call
    returns the process's next sample (an exception in the list is
    raised).  time.sleep is recorded in Fake.sleeps, not slept."""

    def install(top=None, traffic=None, pids=(4242,), attach_error=None):
        queues = {
            "top": {p: list(v) for p, v in (top or {}).items()},
            "traffic": {p: list(v) for p, v in (traffic or {}).items()},
        }

        class Fake:
            sleeps = []
            made = []

            def __init__(self, prefix=None, proc=0, timeout=2.0):
                self.prefix = prefix or "ff"
                self.proc = proc
                self.timeout = timeout
                Fake.made.append(self)

            def __enter__(self):
                if attach_error is not None:
                    raise attach_error
                return self

            def __exit__(self, *exc):
                return False

            def procs(self):
                return list(pids)

            def proc_ids(self, spec):
                if spec == "all":
                    return [i for i, pid in enumerate(pids) if pid]
                return [int(spec)]

            def targets(self, writing=False):
                return self.proc_ids(0 if self.proc is None else self.proc)

            def _next(self, kind, proc):
                try:
                    item = queues[kind][proc].pop(0)
                except (KeyError, IndexError):
                    raise ipc.NoStackError(
                        "no stack process %d is running with file prefix "
                        '"%s"' % (proc, self.prefix)
                    ) from None
                if isinstance(item, BaseException):
                    raise item
                return item

            def top(self, proc):
                return self._next("top", proc)

            def traffic(self, proc):
                return self._next("traffic", proc)

        monkeypatch.setattr(ipc, "Stack", Fake)
        monkeypatch.setattr(time, "sleep", Fake.sleeps.append)
        return Fake

    return install


@pytest.fixture
def make_top():
    """The top_stats() builder above, for tests."""
    return top_stats


@pytest.fixture
def make_traffic():
    """The traffic_stats() builder above, for tests."""
    return traffic_stats
