"""Fixtures of the stack tests: a fresh stack on the test port per test,
with a leak check when it is destroyed: every mbuf back in the pool, no
socket and no descriptor left open."""

import os
import socket
import pytest

import ffstack


def pytest_sessionfinish(session, exitstatus):
    """With $FF_LSAN=1 (the sanitized run of scripts/ff-setup), look for
    leaks once every stack is gone: libff memory that nothing reaches is
    lost, and fails the run."""
    if os.environ.get("FF_LSAN") == "1" and ffstack.lsan_check():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def make_stack(libff_test_path):
    """Factory: make_stack(config=None) -> Stack; all destroyed and
    leak-checked at the end of the test."""
    stacks = []

    def make(config=ffstack.CONFIG, **kw):
        st = ffstack.Stack(config, **kw)
        stacks.append(st)
        return st

    yield make
    broken = [e for e in (st.check() for st in stacks if st.h) if e]
    assert not broken, "stack invariants broken: %r" % broken
    left = [(st.sockets_in_use(), st.files_in_use()) for st in stacks if st.h]
    leaks = [st.destroy() for st in stacks]
    assert leaks == [0] * len(leaks), "mbufs leaked: %r" % leaks
    assert all(x == (0, 0) for x in left), (
        "(sockets, descriptors) left open: %r" % left
    )


@pytest.fixture
def st(make_stack):
    """The default stack: f-stack-0 198.18.0.2/24, gateway 198.18.0.1."""
    return make_stack()


@pytest.fixture
def udp_pair(st):
    """A poller's test bench: (api, receiving socket, sending socket,
    send(payload)), two UDP sockets over lo0 on port 9000; closed after."""
    a = st.api
    rx = a.socket(socket.SOCK_DGRAM)
    a.bind(rx, "127.0.0.1", 9000)
    tx = a.socket(socket.SOCK_DGRAM)

    def send(payload=b"data"):
        a.sendto(tx, payload, "127.0.0.1", 9000)
        st.run()

    yield a, rx, tx, send
    for fd in (rx, tx):
        a.close(fd)
