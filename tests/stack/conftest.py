"""Fixtures of the stack tests: a fresh stack on the test port per test,
with a leak check (every mbuf back in the pool) when it is destroyed."""

import pytest

import ffstack

PEER_MAC = "02:00:00:00:aa:01"
PEER_IP = "198.18.0.1"
OUR_IP = "198.18.0.2"


@pytest.fixture
def make_stack(libff_path):
    """Factory: make_stack(config=None) -> Stack; all destroyed and
    leak-checked at the end of the test."""
    stacks = []

    def make(config=ffstack.CONFIG, **kw):
        st = ffstack.Stack(config, **kw)
        stacks.append(st)
        return st

    yield make
    leaks = [st.destroy() for st in stacks]
    assert leaks == [0] * len(leaks), "mbufs leaked: %r" % leaks


@pytest.fixture
def st(make_stack):
    """The default stack: f-stack-0 198.18.0.2/24, gateway 198.18.0.1."""
    return make_stack()
