"""fstools.ipc.Session over a fake library: message framing, errors,
multi-part requests; stack.Stack's top and traffic records."""

import errno
import struct

import pytest

from fstools import _ffi, ipc, stack


class FakeLib:
    """Stands in for _ffi.Library; answers like a stack would."""

    def __init__(self, handler, pids=(99,)):
        self.handler = handler  # (hdr dict, body) -> (error, cursor, body)
        self.pids = list(pids)
        self.sent = []
        self.attached = None

    def attach(self, prefix):
        if prefix == "none":
            raise _ffi.error_for(errno.ESRCH, "")
        self.attached = prefix

    def detach(self):
        self.attached = None

    def procs(self):
        return self.pids

    def request(self, proc, message, timeout_ms):
        h = _ffi.decode("ff_msg_hdr", message)
        body = message[_ffi.HDR_SIZE :]
        self.sent.append((proc, h, body, timeout_ms))
        if isinstance(self.handler, Exception):
            raise self.handler
        err, cursor, out = self.handler(h, body)
        return (
            _ffi.encode_header(
                fm_magic=h["fm_magic"],
                fm_version=h["fm_version"],
                fm_type=h["fm_type"],
                fm_flags=_ffi.FF_MSGF_REPLY,
                fm_len=_ffi.HDR_SIZE + len(out),
                fm_error=err,
                fm_cursor=cursor,
                fm_proc_id=proc,
                fm_seq=h["fm_seq"],
            )
            + out
        )


@pytest.fixture
def lib(monkeypatch):
    def install(handler, **kw):
        fake = FakeLib(handler, **kw)
        monkeypatch.setattr(_ffi, "library", lambda: fake)
        return fake

    return install


def test_request_framing(lib):
    fake = lib(lambda h, b: (0, 0, b[::-1]))
    with ipc.Session("pfx", timeout=0.5) as st:
        assert fake.attached == "pfx"
        assert st.echo(2, b"abc") == b"cba"
        st.echo(2)
    assert fake.attached is None
    (proc, h, body, tmo), (_, h2, _, _) = fake.sent
    assert (proc, body, tmo) == (2, b"abc", 500)
    assert (
        h["fm_magic"],
        h["fm_version"],
        h["fm_type"],
        h["fm_len"],
        h["fm_flags"],
        h["fm_proc_id"],
    ) == (
        _ffi.FF_MSG_MAGIC,
        _ffi.FF_MSG_ABI_VERSION,
        _ffi.FF_MSG_ECHO,
        67,
        0,
        2,
    )
    assert h2["fm_seq"] == h["fm_seq"] + 1


def test_default_prefix(lib, monkeypatch):
    fake = lib(lambda h, b: (0, 0, b""))
    monkeypatch.setenv("FF_FILE_PREFIX", "fromenv")
    with ipc.Session():
        assert fake.attached == "fromenv"
    monkeypatch.delenv("FF_FILE_PREFIX")
    assert ipc.Session().prefix == "ff"


def test_no_stack_names_the_prefix(lib):
    lib(lambda h, b: (0, 0, b""))
    with pytest.raises(
        ipc.NoStackError, match='^no stack is running with file prefix "none"$'
    ):
        ipc.Session("none").attach()


def test_request_errors_name_process_and_prefix(lib):
    lib(_ffi.error_for(errno.ETIMEDOUT))
    with (
        ipc.Session("ff", timeout=1) as st,
        pytest.raises(ipc.StackTimeout, match="process 3 .*within 1 s"),
    ):
        st.echo(3)
    lib(_ffi.error_for(errno.ESRCH))
    with (
        ipc.Session("ff") as st,
        pytest.raises(ipc.NoStackError, match="process 5 is running"),
    ):
        st.echo(5)


def test_stack_verdict_becomes_stack_error(lib):
    lib(lambda h, b: (45, 0, b""))
    with ipc.Session() as st, pytest.raises(stack.StackError) as ei:
        st.request(0, 9)
    assert (ei.value.errno, ei.value.name, str(ei.value)) == (
        45,
        "EOPNOTSUPP",
        "Operation not supported",
    )


def test_malformed_reply(lib):
    fake = lib(lambda h, b: (0, 0, b""))
    fake.request = lambda *a: b"\0" * 10
    with ipc.Session() as st, pytest.raises(ipc.ProtocolError):
        st.echo(0)
    fake.request = lambda *a: b"\0" * 64
    with ipc.Session() as st, pytest.raises(ipc.ProtocolError):
        st.echo(0)


def test_not_attached(lib):
    lib(lambda h, b: (0, 0, b""))
    with pytest.raises(_ffi.NotAttached):
        ipc.Session().echo(0)


def test_multi_part_follows_the_cursor(lib):
    def parts(h, body):
        c = h["fm_cursor"]
        return 0, (c + 1 if c < 2 else 0), b"part%d" % c

    lib(parts)
    with ipc.Session() as st:
        got = [(r.body, r.cursor) for r in st.request_parts(0, 8, b"q")]
    assert got == [(b"part0", 1), (b"part1", 2), (b"part2", 0)]


def test_multi_part_stuck_cursor(lib):
    lib(lambda h, b: (0, 7, b""))
    with ipc.Session() as st, pytest.raises(ipc.ProtocolError):
        list(st.request_parts(0, 8))


def test_top_and_traffic_records(lib):
    top = struct.pack(
        "<II11Q4Q", 136, 1, 10, 20, 30, 40, 90, 1000, 5, 6, 7, 8, 9, 0, 0, 0, 0
    )
    tr = struct.pack("<II7Q4Q", 88, 1, 1, 2, 3, 4, 5, 6, 7, 0, 0, 0, 0)
    lib(lambda h, b: (0, 0, top if h["fm_type"] == _ffi.FF_MSG_TOP else tr))
    with stack.Stack() as st:
        t = st.top(1)
        r = st.traffic(1)
    assert t == stack.TopStats(
        proc_id=1,
        loops=10,
        idle_tsc=20,
        sys_tsc=30,
        usr_tsc=40,
        work_tsc=90,
        tsc_hz=1000,
        now_tsc=5,
        rx_packets=6,
        tx_packets=7,
        rx_bytes=8,
        tx_bytes=9,
    )
    assert r == stack.TrafficStats(
        proc_id=1,
        rx_packets=1,
        rx_bytes=2,
        rx_dropped=3,
        tx_packets=4,
        tx_bytes=5,
        tx_dropped=6,
        now_ns=7,
    )


def test_proc_ids(lib):
    lib(lambda h, b: (0, 0, b""), pids=[11, 0, 13])
    with ipc.Session() as st:
        assert st.proc_ids("all") == [0, 2]
        assert st.proc_ids(1) == [1]
    lib(lambda h, b: (0, 0, b""), pids=[0, 0])
    with ipc.Session() as st, pytest.raises(ipc.NoStackError):
        st.proc_ids("all")
