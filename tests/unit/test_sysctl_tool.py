"""ff-sysctl: operand parsing, value rendering (FreeBSD sysctl(8) format),
client-side value checks, --json keys; the CLI against a fake stack.

The fake answers FF_MSG_SYSCTL from a small Python tree with the real
encoders of fstools._ffi, so no libff is needed here; the real handler
is exercised in tests/stack/test_sysctl.py."""

import ctypes
import json
import struct
from dataclasses import replace

import pytest
from click.testing import CliRunner

from fstools import _ffi, ipc, stack, sysctl
from fstools.stack import SysctlNode as Node
from fstools.views import sysctl as sysctl_view

Options = sysctl_view.Options

RD, WR, TUN = stack.CTLFLAG_RD, stack.CTLFLAG_WR, stack.CTLFLAG_TUN


def node(
    name, type_, fmt, value, kind=RD, descr="", oid=(1, 2), error=0, proc=0
):
    return Node(
        proc_id=proc,
        name=name,
        oid=tuple(oid),
        kind=kind | type_,
        fmt=fmt,
        descr=descr,
        value=value,
        error=error,
    )


INT = node(
    "net.inet.tcp.sendspace",
    stack.CTLTYPE_INT,
    "I",
    struct.pack("=i", 16384),
    kind=RD | WR,
    descr="Send space",
    oid=(4, 2, 6, 8),
)
NEG = node("debug.x", stack.CTLTYPE_INT, "I", struct.pack("=i", -3))
UINT = node(
    "kern.ipc.somaxconn",
    stack.CTLTYPE_UINT,
    "IU",
    struct.pack("=I", 4294967295),
)
ULONG = node(
    "kern.ipc.maxsockbuf",
    stack.CTLTYPE_ULONG,
    "LU",
    struct.pack("=Q", 2097152),
)
U64 = node("debug.u64", stack.CTLTYPE_U64, "QU", struct.pack("=Q", 2**64 - 1))
HEX = node("debug.hex", stack.CTLTYPE_INT, "IX", struct.pack("=i", 255))
ARR = node("debug.arr", stack.CTLTYPE_INT, "I", struct.pack("=3i", 1, 2, 3))
STR = node("kern.ostype", stack.CTLTYPE_STRING, "A", b"ff\0")
KNOWN = node(
    "debug.test.stats",
    stack.CTLTYPE_OPAQUE,
    "S,teststat",
    struct.pack("=4Q", 1, 2, 3, 4),
)
BLOB = node(
    "net.inet.ip.stats", stack.CTLTYPE_OPAQUE, "S,ipstat", bytes(range(20))
)


# -- parsing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "arg,expect",
    [
        ("kern.hz", ("kern.hz", None)),
        ("a.b=1", ("a.b", "1")),
        ("a.b=  1", ("a.b", "1")),
        ("a.b=", ("a.b", "")),
        ("a.b=x=y", ("a.b", "x=y")),
    ],
)
def test_parse_operand(arg, expect):
    assert sysctl.parse_operand(arg) == expect


@pytest.mark.parametrize(
    "n,text,verdict",
    [
        (INT, "12", None),
        (INT, "0x10", None),
        (INT, "abc", "invalid integer 'abc'"),
        (INT, "", "empty numeric value"),
        (INT, "2147483648", "invalid integer '2147483648'"),
        (UINT, "-1", "invalid unsigned integer '-1'"),
        (ULONG, "1.5", "invalid unsigned long '1.5'"),
        (U64, "x", "invalid uint64_t 'x'"),
        (STR, "anything", None),
        (BLOB, "1", "oid 'net.inet.ip.stats' is type 5, cannot set that"),
        (
            node("kern", stack.CTLTYPE_NODE, "N", b""),
            "1",
            "oid 'kern' isn't a leaf node",
        ),
    ],
)
def test_check_text(n, text, verdict):
    assert sysctl.check_text(n, text) == verdict


# -- rendering ---------------------------------------------------------------


@pytest.mark.parametrize(
    "n,line",
    [
        (INT, "net.inet.tcp.sendspace: 16384"),
        (NEG, "debug.x: -3"),
        (UINT, "kern.ipc.somaxconn: 4294967295"),
        (ULONG, "kern.ipc.maxsockbuf: 2097152"),
        (U64, "debug.u64: 18446744073709551615"),
        (HEX, "debug.hex: 0x000000ff"),
        (ARR, "debug.arr: 1 2 3"),
        (STR, "kern.ostype: ff"),
        (KNOWN, "debug.test.stats: { a = 1, b = 2, c = 3, d = 4 }"),
        (BLOB, None),
    ],
)
def test_render_default(n, line):
    assert sysctl_view.render(n, Options()) == line


def test_render_flags():
    assert sysctl_view.render(INT, Options(values_only=True)) == "16384"
    assert (
        sysctl_view.render(INT, Options(names_only=True))
        == "net.inet.tcp.sendspace"
    )
    assert (
        sysctl_view.render(INT, Options(equals=True))
        == "net.inet.tcp.sendspace=16384"
    )
    assert (
        sysctl_view.render(INT, Options(descr=True))
        == "net.inet.tcp.sendspace: Send space"
    )
    assert (
        sysctl_view.render(INT, Options(descr=True, values_only=True))
        == "Send space"
    )


def test_render_opaque():
    assert sysctl_view.render(BLOB, Options(opaque=True)) == (
        "net.inet.ip.stats: Format:S,ipstat Length:20 "
        "Dump:0x000102030405060708090a0b0c0d0e0f..."
    )
    assert sysctl_view.render(BLOB, Options(hexdump=True)) == (
        "net.inet.ip.stats: Format:S,ipstat Length:20 "
        "Dump:0x" + bytes(range(20)).hex()
    )


def test_render_write():
    new = replace(INT, value=struct.pack("=i", 65536))
    assert (
        sysctl_view.render_write(INT, new, Options())
        == "net.inet.tcp.sendspace: 16384 -> 65536"
    )
    assert (
        sysctl_view.render_write(INT, new, Options(values_only=True))
        == "16384 -> 65536"
    )


# -- --json keys, pinned -----------------------------------------------------


def test_json_read_keys():
    rec = sysctl_view.json_record(INT, with_descr=False)
    assert (
        tuple(rec)
        == sysctl_view.JSON_KEYS
        == (
            "proc_id",
            "name",
            "oid",
            "type",
            "format",
            "flags",
            "value",
            "description",
        )
    )
    assert rec == {
        "proc_id": 0,
        "name": "net.inet.tcp.sendspace",
        "oid": [4, 2, 6, 8],
        "type": "int",
        "format": "I",
        "flags": ["RD", "WR"],
        "value": 16384,
        "description": None,
    }
    assert (
        sysctl_view.json_record(BLOB, True)["value"] == bytes(range(20)).hex()
    )
    assert sysctl_view.json_record(KNOWN, True)["value"] == {
        "a": 1,
        "b": 2,
        "c": 3,
        "d": 4,
    }


def test_json_write_keys():
    new = replace(INT, value=struct.pack("=i", 1))
    rec = sysctl_view.json_write(INT, new)
    assert (
        tuple(rec)
        == sysctl_view.JSON_WRITE_KEYS
        == ("proc_id", "name", "old", "new")
    )
    assert rec == {
        "proc_id": 0,
        "name": "net.inet.tcp.sendspace",
        "old": 16384,
        "new": 1,
    }


# -- the CLI against a fake stack --------------------------------------------


class FakeTree:
    """A stack process's MIB in Python, answering FF_MSG_SYSCTL."""

    def __init__(self, proc):
        self.proc = proc
        # name -> [oid, kind, fmt, value bytes, descr]
        self.vars = {
            "kern.ostype": [(1, 1), RD | 3, "A", b"ff\0", "OS type"],
            "kern.ipc.somaxconn": [
                (1, 30, 3),
                RD | WR | TUN | 6,
                "IU",
                struct.pack("=I", 128),
                "Backlog cap",
            ],
            "net.inet.tcp.sendspace": [
                (4, 2, 6, 8),
                RD | WR | 2,
                "I",
                struct.pack("=i", 16384),
                "Send space",
            ],
        }

    def _record(self, name, flags, old=None):
        oid, kind, fmt, value, descr = self.vars[name]
        return {
            "name": name,
            "oid": oid,
            "kind": kind,
            "fmt": fmt,
            "descr": descr if flags & _ffi.FF_SYSCTLF_DESCR else "",
            "value": b"" if flags & _ffi.FF_SYSCTLF_NOVALUE else value,
            "old": old,
        }

    def answer(self, body):
        req = _ffi.SysctlReq.from_buffer_copy(
            body[: ctypes.sizeof(_ffi.SysctlReq)]
        )
        name = None
        if req.sr_name.mi_len:
            off = req.sr_name.mi_off - _ffi.HDR_SIZE
            name = body[off : off + req.sr_name.mi_len - 1].decode()
        names = sorted(self.vars, key=lambda n: self.vars[n][0])
        if req.sr_op == _ffi.FF_SYSCTL_WALK:
            picked = [
                n
                for n in names
                if name is None or n == name or n.startswith(name + ".")
            ]
            if not picked:
                return 2, []
            return 0, [self._record(n, req.sr_flags) for n in picked]
        if name not in self.vars:
            return 2, []
        if req.sr_op == _ffi.FF_SYSCTL_SET:
            off = req.sr_new.mi_off - _ffi.HDR_SIZE
            text = body[off : off + req.sr_new.mi_len - 1].decode()
            var = self.vars[name]
            if not var[1] & WR:
                return 1, []
            try:
                v = int(text, 0)
            except ValueError:
                return 22, []
            if not 0 <= v <= 65535:
                return 22, []
            old = var[3]
            var[3] = struct.pack("=" + ("I" if var[2] == "IU" else "i"), v)
            return 0, [self._record(name, 0, old)]
        return 0, [self._record(name, req.sr_flags)]


def encode_reply(records):
    """A reply body per ff_msg.h, built with the ctypes mirrors."""
    rsize = ctypes.sizeof(_ffi.SysctlRep)
    nsize = ctypes.sizeof(_ffi.SysctlNode)
    out = bytearray(rsize)
    for r in records:
        start = len(out)
        sn = _ffi.SysctlNode(sn_kind=r["kind"], sn_oidlen=len(r["oid"]))
        for i, n in enumerate(r["oid"]):
            sn.sn_oid[i] = n
        out += bytes(nsize)
        for field, data in (
            ("sn_name", r["name"].encode() + b"\0"),
            ("sn_fmt", r["fmt"].encode() + b"\0"),
            ("sn_descr", r["descr"].encode() + b"\0"),
            ("sn_oldvalue", r["old"]),
            ("sn_value", r["value"]),
        ):
            if data:
                setattr(
                    sn, field, _ffi.MsgIov(_ffi.HDR_SIZE + len(out), len(data))
                )
                out += data
        out += bytes(-len(out) % 8)
        sn.sn_reclen = len(out) - start
        out[start : start + nsize] = bytes(sn)
    rep = _ffi.SysctlRep(
        sp_len=rsize, sp_count=len(records), sp_first=_ffi.HDR_SIZE + rsize
    )
    out[:rsize] = bytes(rep)
    return bytes(out)


@pytest.fixture
def fake(monkeypatch):
    trees = {0: FakeTree(0), 1: FakeTree(1)}

    class Fake:
        requests = []

        def __init__(self, prefix=None, timeout=2.0):
            pass

        def attach(self):
            return self

        def detach(self):
            pass

        def proc_ids(self, spec):
            return sorted(trees) if spec == "all" else [int(spec)]

        def request(self, proc, msg_type, body=b"", cursor=0):
            assert msg_type == _ffi.FF_MSG_SYSCTL
            Fake.requests.append(proc)
            if proc not in trees:
                raise ipc.NoStackError(
                    "no stack process %d is running "
                    'with file prefix "ff"' % proc
                )
            err, recs = trees[proc].answer(body)
            if err:
                raise _ffi.stack_error(err)
            return ipc.Reply(
                type=msg_type,
                error=0,
                cursor=0,
                proc_id=proc,
                seq=1,
                body=encode_reply(recs),
            )

    monkeypatch.setattr(ipc, "Session", Fake)
    monkeypatch.delenv("FF_PROC_ID", raising=False)
    Fake.trees = trees
    return Fake


def run(*args):
    return CliRunner().invoke(sysctl.command, list(args))


def test_cli_read(fake):
    r = run("net.inet.tcp.sendspace")
    assert (r.exit_code, r.stdout, r.stderr) == (
        0,
        "net.inet.tcp.sendspace: 16384\n",
        "",
    )
    assert fake.requests == [0]


def test_cli_subtree_and_all(fake):
    r = run("kern")
    assert r.stdout == "kern.ostype: ff\nkern.ipc.somaxconn: 128\n"
    r = run("-a", "-N")
    assert r.stdout.split() == [
        "kern.ostype",
        "kern.ipc.somaxconn",
        "net.inet.tcp.sendspace",
    ]
    r = run("-a", "-e", "-n")
    assert r.stdout == "ff\n128\n16384\n"


def test_cli_describe(fake):
    r = run("-d", "kern.ipc.somaxconn")
    assert r.stdout == "kern.ipc.somaxconn: Backlog cap\n"


def test_cli_write_goes_to_every_process(fake):
    r = run("kern.ipc.somaxconn=1024")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "[0] kern.ipc.somaxconn: 128 -> 1024\n"
        "[1] kern.ipc.somaxconn: 128 -> 1024\n"
    )
    r = run("-p", "1", "kern.ipc.somaxconn=5")
    assert r.stdout == "kern.ipc.somaxconn: 1024 -> 5\n"
    r = run("-p", "all", "kern.ipc.somaxconn")
    assert r.stdout == (
        "[0] kern.ipc.somaxconn: 1024\n[1] kern.ipc.somaxconn: 5\n"
    )


def test_cli_write_proc_from_environment(fake, monkeypatch):
    monkeypatch.setenv("FF_PROC_ID", "1")
    r = run("kern.ipc.somaxconn=9")
    assert r.stdout == "kern.ipc.somaxconn: 128 -> 9\n"


def test_cli_errors(fake):
    r = run("nosuch")
    assert (r.exit_code, r.stderr) == (1, "ff-sysctl: unknown oid 'nosuch'\n")
    r = run("kern.ostype=bsd")
    assert (r.exit_code, r.stderr) == (
        1,
        "ff-sysctl: oid 'kern.ostype' is read only\n",
    )
    r = run("-p", "0", "kern.ipc.somaxconn=abc")
    assert (r.exit_code, r.stderr) == (
        1,
        "ff-sysctl: invalid unsigned integer 'abc'\n",
    )
    r = run("kern.ipc.somaxconn=70000")
    assert r.exit_code == 1
    assert r.stderr == (
        "ff-sysctl: kern.ipc.somaxconn=70000: proc 0: Invalid argument\n"
        "ff-sysctl: kern.ipc.somaxconn=70000: proc 1: Invalid argument\n"
    )
    r = run("kern.ostype", "nosuch", "net.inet.tcp.sendspace")
    assert r.exit_code == 1
    assert r.stdout == "kern.ostype: ff\nnet.inet.tcp.sendspace: 16384\n"


def test_cli_no_stack(fake):
    r = run("-p", "5", "kern.ostype")
    assert r.exit_code == 1
    assert r.stderr.startswith("ff-sysctl: no stack process 5 is running")


@pytest.mark.parametrize("args", [(), ("-n", "-N", "kern"), ("--bogus",)])
def test_cli_usage(fake, args):
    assert run(*args).exit_code == 2


def test_cli_json(fake):
    r = run("--json", "kern.ipc.somaxconn")
    assert r.exit_code == 0
    recs = json.loads(r.stdout)
    assert [tuple(x) for x in recs] == [sysctl_view.JSON_KEYS]
    assert recs[0]["value"] == 128 and recs[0]["flags"] == ["RD", "WR", "TUN"]
    r = run("--json", "-p", "0", "kern.ipc.somaxconn=3")
    assert json.loads(r.stdout) == [
        {"proc_id": 0, "name": "kern.ipc.somaxconn", "old": 128, "new": 3}
    ]
