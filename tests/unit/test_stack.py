"""fstools.stack without a stack: records, their derived fields, value
decoding, the exceptions' shape, and Stack's calls over a fake session
(what each sends).  Against a live stack: tests/integration/
test_stack_api_live.py."""

import pickle
import struct
from dataclasses import FrozenInstanceError

import pytest

import fstools
from fstools import _ffi, ipc, stack


def node(fmt, value, type_, kind=stack.CTLFLAG_RD):
    return stack.SysctlNode(
        proc_id=0,
        name="x",
        oid=(1,),
        kind=kind | type_,
        fmt=fmt,
        descr="",
        value=value,
    )


@pytest.mark.parametrize(
    "fmt,type_,value,decoded",
    [
        ("I", stack.CTLTYPE_INT, struct.pack("=i", -3), -3),
        ("IU", stack.CTLTYPE_UINT, struct.pack("=I", 2**32 - 1), 2**32 - 1),
        ("LU", stack.CTLTYPE_ULONG, struct.pack("=Q", 2**63), 2**63),
        ("I", stack.CTLTYPE_INT, struct.pack("=2i", 1, 2), [1, 2]),
        ("A", stack.CTLTYPE_STRING, b"ff\0junk", "ff"),
        (
            "S,teststat",
            stack.CTLTYPE_OPAQUE,
            struct.pack("=4Q", 1, 2, 3, 4),
            {"a": 1, "b": 2, "c": 3, "d": 4},
        ),
        ("S,ipstat", stack.CTLTYPE_OPAQUE, b"\1\2", b"\1\2"),
        ("N", stack.CTLTYPE_NODE, b"", None),
    ],
)
def test_sysctl_decoded(fmt, type_, value, decoded):
    assert node(fmt, value, type_).decoded == decoded


def test_sysctl_names():
    n = node(
        "I",
        b"",
        stack.CTLTYPE_INT,
        stack.CTLFLAG_RD | stack.CTLFLAG_WR | stack.CTLFLAG_TUN,
    )
    assert (n.type, n.type_name, n.flag_names) == (
        stack.CTLTYPE_INT,
        "int",
        ("RD", "WR", "TUN"),
    )


def test_records_are_frozen_and_derive_fields():
    r = stack.Route(
        proc_id=0,
        destination="198.19.0.0",
        netmask="255.255.0.0",
        gateway="198.18.0.1",
        flags=0x803,
        interface="f-stack-0",
        index=2,
        mtu=1500,
        weight=1,
        expire=0,
        use=0,
    )
    assert (r.prefixlen, r.via_gateway, r.is_host) == (16, True, False)
    assert r.flag_names == ("UP", "GATEWAY", "STATIC")
    with pytest.raises(FrozenInstanceError):
        r.mtu = 1400
    a = stack.Address("198.18.0.2", "255.255.255.0", "198.18.0.255")
    assert a.prefixlen == 24
    e = stack.ArpEntry(
        proc_id=0,
        ip="198.18.0.1",
        mac="02:18:00:00:00:01",
        interface="f-stack-0",
        index=2,
        flags=0x4C05,
        expire=0,
    )
    assert (e.complete, e.permanent, e.published, e.local) == (
        True,
        True,
        True,
        False,
    )


def test_errors_carry_errno_and_survive_pickling():
    e = fstools.StackError(5, "I/O error")
    assert (e.errno, e.message, str(e)) == (5, "I/O error", "I/O error")
    assert fstools.NoStackError("gone").errno is None
    assert issubclass(fstools.StackTimeout, fstools.StackError)
    refused = _ffi.stack_error(17, "ioctl (SIOCAIFADDR)")
    assert isinstance(refused, fstools.StackRefused)
    back = pickle.loads(pickle.dumps(refused))
    assert (type(back), back.errno, back.name, back.what, back.message) == (
        stack.StackRefused,
        17,
        "EEXIST",
        "ioctl (SIOCAIFADDR)",
        "ioctl (SIOCAIFADDR): File exists",
    )


def test_package_exports_lazily():
    assert fstools.Stack is stack.Stack and fstools.MAX_PROCS == 32
    with pytest.raises(AttributeError):
        _ = fstools.Nothing


class Session:
    """ipc.Session's shape: records requests, answers from ``answer``."""

    def __init__(self, prefix=None, timeout=2.0):
        self.prefix, self.timeout, self.sent = prefix or "ff", timeout, []
        self.pids = [10, 0, 12]

    def attach(self):
        return self

    def detach(self):
        pass

    def procs(self):
        return self.pids

    def proc_ids(self, spec):
        return (
            [i for i, p in enumerate(self.pids) if p]
            if spec == "all"
            else [int(spec)]
        )

    def request(self, proc, msg_type, body=b"", cursor=0):
        self.sent.append((proc, msg_type, body))
        return ipc.Reply(msg_type, 0, 0, proc, 1, self.answer(msg_type, body))

    def request_parts(self, proc, msg_type, body=b""):
        yield self.request(proc, msg_type, body)

    def answer(self, msg_type, body):
        assert msg_type == _ffi.FF_MSG_ROUTE
        return body  # the route message back, as the stack does


@pytest.fixture
def session(monkeypatch):
    made = []

    def make(*a, **kw):
        made.append(Session(*a, **kw))
        return made[-1]

    monkeypatch.setattr(ipc, "Session", make)
    return made


def test_targets(session):
    assert stack.Stack(proc=None).targets() == [0]
    assert stack.Stack(proc=None).targets(writing=True) == [0, 2]
    assert stack.Stack(proc=2).targets(writing=True) == [2]
    assert stack.Stack(proc="all").targets() == [0, 2]


def test_route_add_sends_a_masked_network(session):
    with stack.Stack("p", proc=2, timeout=0.5) as st:
        r = st.route_add("198.19.7.9/16", "198.18.0.1", static=True)
    ((proc, msg_type, body),) = session[0].sent
    assert (proc, msg_type) == (2, _ffi.FF_MSG_ROUTE)
    m = _ffi.decode_rt_msg(body)
    assert (m["type"], m["dst"], m["netmask"], m["gateway"]) == (
        _ffi.FF_RTM_ADD,
        "198.19.0.0",
        "255.255.0.0",
        "198.18.0.1",
    )
    assert m["flags"] == _ffi.RTF_STATIC
    assert (r.proc_id, r.destination, r.prefixlen) == (2, "198.19.0.0", 16)
    assert (session[0].prefix, session[0].timeout) == ("p", 0.5)


def test_host_route_and_default(session):
    with stack.Stack() as st:
        st.route_add("198.19.1.1", "198.18.0.1")
        st.route_get("default")
    add, get = (_ffi.decode_rt_msg(b) for _, _, b in session[0].sent)
    assert (add["flags"], add["netmask"]) == (_ffi.RTF_HOST, None)
    assert (get["type"], get["dst"], get["netmask"]) == (
        _ffi.FF_RTM_GET,
        "0.0.0.0",
        "0.0.0.0",
    )
