"""The sysctl MIB tree and FF_MSG_SYSCTL, driven through ff_test_sysctl_*.

Each test gets a fresh tree (a bare context: kern.* plus one debug.test.*
leaf of every type) and talks to it through the very handler that answers
ff-sysctl, with requests built by fstools._ffi.  No EAL, no hugepages.
"""

import ctypes
import errno
import random
import struct

import pytest

from fstools import _ffi
from fstools._ffi import (
    FF_MSG_SYSCTL,
    FF_SYSCTL_GET,
    FF_SYSCTL_SET,
    FF_SYSCTL_WALK,
    FF_SYSCTLF_AFTER,
    FF_SYSCTLF_DESCR,
    FF_SYSCTLF_NODES,
    FF_SYSCTLF_NOVALUE,
    FF_SYSCTLF_TEXT,
    HDR_SIZE,
)

REQ_SIZE = _ffi.sizeof("ff_sysctl_req")
NODE_SIZE = _ffi.sizeof("ff_sysctl_node")

# FreeBSD errno values (the same numbers as Linux below 35).
EPERM, ENOENT, EIO, ENOMEM, EISDIR, EINVAL = 1, 2, 5, 12, 21, 22


@pytest.fixture(scope="module")
def lib(libff_test_path):
    dll = ctypes.CDLL(str(libff_test_path))
    dll.ff_test_sysctl_new.restype = ctypes.c_void_p
    dll.ff_test_sysctl_new.argtypes = [ctypes.c_int]
    dll.ff_test_sysctl_free.restype = None
    dll.ff_test_sysctl_free.argtypes = [ctypes.c_void_p]
    dll.ff_test_sysctl_msg.restype = ctypes.c_int
    dll.ff_test_sysctl_msg.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
        ctypes.c_void_p,
        ctypes.c_size_t,
    ]
    dll.ff_test_sysctl_set_string.restype = ctypes.c_int
    dll.ff_test_sysctl_set_string.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
    ]
    dll.ff_test_sysctl_count.restype = ctypes.c_int
    dll.ff_test_sysctl_count.argtypes = [ctypes.c_void_p, ctypes.c_int]
    dll.ff_test_sysctl_somaxconn.restype = ctypes.c_uint
    dll.ff_test_sysctl_somaxconn.argtypes = [ctypes.c_void_p]
    dll.ff_test_sysctl_add_int.restype = ctypes.c_int
    dll.ff_test_sysctl_add_int.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
    ]
    return dll


class Tree:
    """One test tree and the requests a test sends it."""

    def __init__(self, lib, with_test=True):
        self.lib = lib
        self.h = lib.ff_test_sysctl_new(1 if with_test else 0)
        assert self.h
        self.rep = ctypes.create_string_buffer(_ffi.FF_MSG_SIZE)
        self.keep = []

    def close(self):
        self.lib.ff_test_sysctl_free(self.h)

    def raw(self, body, fm_len=None, msg_type=FF_MSG_SYSCTL):
        """Send a body as is; return (fm_error, fm_cursor, reply body)."""
        length = HDR_SIZE + len(body)
        hdr = _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC,
            fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=msg_type,
            fm_len=length if fm_len is None else fm_len,
            fm_seq=7,
        )
        msg = hdr + bytes(body)
        n = self.lib.ff_test_sysctl_msg(
            self.h, msg, len(msg), self.rep, len(self.rep)
        )
        assert n >= HDR_SIZE
        h = _ffi.decode("ff_msg_hdr", self.rep.raw[:HDR_SIZE])
        assert h["fm_len"] == n and h["fm_seq"] == 7
        assert h["fm_flags"] & _ffi.FF_MSGF_REPLY
        return h["fm_error"], h["fm_cursor"], self.rep.raw[HDR_SIZE:n]

    def ask(self, op, **kw):
        """Encode and send; return (error, cursor, remaining, records)."""
        err, cursor, body = self.raw(_ffi.encode_sysctl_req(op, **kw))
        if err:
            assert body == b""
            return err, cursor, 0, []
        remaining, recs = _ffi.decode_sysctl_reply(body)
        check_layout(body)
        assert remaining == cursor
        return err, cursor, remaining, recs

    def get(self, name=None, oid=None, flags=0):
        err, _, _, recs = self.ask(
            FF_SYSCTL_GET, name=name, oid=oid, flags=flags
        )
        if err:
            return err, None
        assert len(recs) == 1
        return 0, recs[0]

    def set(self, name, new, text=None):
        if text is None:
            text = isinstance(new, str)
        flags = FF_SYSCTLF_TEXT if text else 0
        err, _, _, recs = self.ask(
            FF_SYSCTL_SET, name=name, new=new, flags=flags
        )
        return err, (recs[0] if recs else None)

    def value(self, name):
        err, rec = self.get(name)
        assert err == 0
        return rec["value"]

    def walk(self, name=None, flags=0, maxnodes=0):
        """Every record of a walk, resuming until done; and the trips."""
        top = 0
        if name is not None:
            err, node = self.get(name)
            assert err == 0
            top = len(node["oid"])
        err, cursor, _, recs = self.ask(
            FF_SYSCTL_WALK, name=name, flags=flags, maxnodes=maxnodes
        )
        assert err == 0
        out, trips = list(recs), 1
        while cursor:
            assert recs, "cursor without records"
            err, cursor, _, recs = self.ask(
                FF_SYSCTL_WALK,
                oid=out[-1]["oid"],
                rootlen=top,
                flags=flags | FF_SYSCTLF_AFTER,
                maxnodes=maxnodes,
            )
            assert err == 0
            out.extend(recs)
            trips += 1
            assert trips < 10000
        return out, trips


def check_layout(body):
    """Every record and every part lies inside the reply, 8-aligned."""
    rep = _ffi.decode("ff_sysctl_rep", body)
    assert rep["sp_len"] == _ffi.sizeof("ff_sysctl_rep")
    pos = rep["sp_first"] - HDR_SIZE
    for _ in range(rep["sp_count"]):
        assert pos % 8 == 0 and pos + NODE_SIZE <= len(body)
        sn = _ffi.decode("ff_sysctl_node", body[pos:])
        assert sn["sn_reclen"] % 8 == 0
        assert pos + sn["sn_reclen"] <= len(body)
        pos += sn["sn_reclen"]
    assert pos == len(body) or rep["sp_count"] == 0


@pytest.fixture
def tree(lib):
    t = Tree(lib)
    yield t
    t.close()


def i32(v):
    return struct.pack("=i", v)


def u32(v):
    return struct.pack("=I", v)


def i64(v):
    return struct.pack("=q", v)


def u64(v):
    return struct.pack("=Q", v)


# -- the ABI -----------------------------------------------------------------


def test_abi_table_matches_mirror(lib):
    table = ctypes.cast(
        lib.ff_msg_abi_table, ctypes.CFUNCTYPE(ctypes.POINTER(_ffi.AbiEntry))
    )()
    layout = {}
    i = 0
    while table[i].fe_struct is not None:
        e = table[i]
        layout.setdefault(e.fe_struct.decode(), {})[e.fe_field.decode()] = (
            e.fe_offset,
            e.fe_size,
        )
        i += 1
    mirror = _ffi.mirror_layout()
    for name in ("ff_sysctl_req", "ff_sysctl_rep", "ff_sysctl_node"):
        assert layout[name] == mirror[name], name


# -- kern.* and numbers ------------------------------------------------------


def test_kern_nodes(tree):
    err, rec = tree.get("kern.ostype")
    assert err == 0 and rec["value"] == b"ff\0" and rec["oid"] == [1, 1]
    assert rec["fmt"] == "A" and rec["type"] == _ffi.CTLTYPE_STRING
    assert tree.get("kern.osrelease")[1]["oid"] == [1, 2]
    assert tree.value("kern.hz") == i32(1000)
    err, rec = tree.get("kern.ipc.maxsockbuf")
    assert rec["oid"] == [1, 30, 1] and rec["value"] == u64(2097152)
    assert rec["fmt"] == "LU"
    err, rec = tree.get("kern.ipc.somaxconn")
    assert rec["oid"] == [1, 30, 3] and rec["value"] == u32(128)
    assert rec["kind"] & _ffi.CTLFLAG_TUN


def test_get_by_oid_and_auto_numbers(tree):
    err, rec = tree.get(oid=[1, 30, 3])
    assert err == 0 and rec["name"] == "kern.ipc.somaxconn"
    err, rec = tree.get("kern.hz")
    assert rec["oid"][0] == 1 and rec["oid"][1] >= 0x100
    err, rec = tree.get("debug.test.int")
    assert rec["oid"][0] == 5 and rec["oid"][1] >= 0x100


def test_interior_node(tree):
    err, rec = tree.get("kern.ipc", flags=FF_SYSCTLF_DESCR)
    assert err == 0 and rec["type"] == _ffi.CTLTYPE_NODE
    assert rec["value"] == b"" and rec["descr"]
    assert tree.set("kern.ipc", "1")[0] == EISDIR


def test_description(tree):
    err, rec = tree.get("debug.test.int", flags=FF_SYSCTLF_DESCR)
    assert rec["descr"] == "An int in [-100, 100]"
    assert tree.get("debug.test.int")[1]["descr"] == ""


# -- every type, read and written -------------------------------------------

TYPES = [
    # name, binary new, packed expect, text new
    ("debug.test.int", i32(-42), i32(-42), "-42"),
    ("debug.test.uint", u32(999), u32(999), "999"),
    ("debug.test.long", i64(-4999999999), i64(-4999999999), "-4999999999"),
    (
        "debug.test.ulong",
        u64(2**64 - 1),
        u64(2**64 - 1),
        "18446744073709551615",
    ),
    ("debug.test.u64", u64(2**63 + 5), u64(2**63 + 5), "9223372036854775813"),
    ("debug.test.even", i32(64), i32(64), "0x40"),
]


@pytest.mark.parametrize("name,new,expect,text", TYPES)
def test_number_types(tree, name, new, expect, text):
    old = tree.value(name)
    err, rec = tree.set(name, new)
    assert err == 0
    assert rec["oldvalue"] == old and rec["value"] == expect
    assert tree.value(name) == expect
    tree.set(name, old)
    err, rec = tree.set(name, text)
    assert err == 0 and rec["value"] == expect and rec["oldvalue"] == old


def test_string(tree):
    assert tree.value("debug.test.string") == b"\0"
    err, rec = tree.set("debug.test.string", "hello")
    assert err == 0 and rec["oldvalue"] == b"\0"
    assert rec["value"] == b"hello\0"
    assert tree.set("debug.test.string", b"bin\0", text=False)[0] == 0
    assert tree.value("debug.test.string") == b"bin\0"
    assert tree.set("debug.test.string", "x" * 15)[0] == 0
    assert tree.set("debug.test.string", "x" * 16)[0] == EINVAL
    assert tree.set("debug.test.string", b"a\0b", text=False)[0] == EINVAL
    assert tree.value("debug.test.string") == b"x" * 15 + b"\0"
    assert tree.set("debug.test.string", "")[0] == 0
    assert tree.value("debug.test.string") == b"\0"


def test_opaque(tree):
    err, rec = tree.get("debug.test.stats")
    assert rec["fmt"] == "S,teststat"
    assert rec["value"] == struct.pack("=4Q", 1, 2, 3, 4)
    err, rec = tree.set("debug.test.stats", b"\1", text=False)
    assert err == 0 and rec["oldvalue"] == struct.pack("=4Q", 1, 2, 3, 4)
    assert rec["value"] == bytes(32)
    assert tree.set("debug.test.blob", b"12345678", text=False)[0] == 0
    assert tree.value("debug.test.blob") == b"12345678"
    assert tree.set("debug.test.blob", b"1234", text=False)[0] == EINVAL
    assert tree.set("debug.test.blob", "12345678")[0] == EINVAL
    assert tree.value("debug.test.blob") == b"12345678"


def test_write_takes_effect(tree, lib):
    assert tree.set("kern.ipc.somaxconn", "4096")[0] == 0
    assert lib.ff_test_sysctl_somaxconn(tree.h) == 4096
    assert (
        lib.ff_test_sysctl_set_string(tree.h, b"kern.ipc.somaxconn", b"77")
        == 0
    )
    assert tree.value("kern.ipc.somaxconn") == u32(77)


# -- refused writes ----------------------------------------------------------


@pytest.mark.parametrize(
    "name,new",
    [
        ("kern.ostype", "bsd"),
        ("kern.osrelease", "1"),
        ("kern.hz", "100"),
        ("debug.test.ro", "1"),
        ("debug.test.big", "1"),
        ("debug.test.broken", "1"),
    ],
)
def test_read_only(tree, name, new):
    before = tree.get(name)
    assert tree.set(name, new)[0] == EPERM
    assert tree.set(name, b"\0\0\0\0", text=False)[0] == EPERM
    assert tree.get(name) == before


@pytest.mark.parametrize(
    "name,new",
    [
        ("debug.test.int", i32(101)),
        ("debug.test.int", i32(-101)),
        ("debug.test.uint", u32(9)),
        ("debug.test.uint", u32(1001)),
        ("debug.test.long", i64(5000000001)),
        ("debug.test.even", i32(3)),
        ("kern.ipc.somaxconn", u32(65536)),
        ("kern.ipc.maxsockbuf", u64(100)),
        ("debug.test.int", b"\1\0"),
        ("debug.test.int", i64(1)),
        ("debug.test.u64", u32(1)),
        ("debug.test.int", b""),
    ],
)
def test_out_of_range_or_wrong_size(tree, name, new):
    before = tree.value(name)
    assert tree.set(name, new, text=False)[0] == EINVAL
    assert tree.value(name) == before


@pytest.mark.parametrize(
    "name,text,msg_err,set_err",
    [
        ("debug.test.int", "101", EINVAL, errno.ERANGE),
        ("debug.test.int", "4294967296", EINVAL, errno.ERANGE),
        ("debug.test.uint", "-1", EINVAL, errno.ERANGE),
        ("debug.test.uint", "5", EINVAL, errno.ERANGE),
        ("debug.test.int", "abc", EINVAL, errno.EINVAL),
        ("debug.test.int", "12abc", EINVAL, errno.EINVAL),
        ("debug.test.int", "", EINVAL, errno.EINVAL),
        ("debug.test.u64", "99999999999999999999", EINVAL, errno.ERANGE),
        ("debug.test.even", "7", EINVAL, errno.EINVAL),
        ("kern.ipc.somaxconn", "70000", EINVAL, errno.ERANGE),
        ("kern.ostype", "x", EPERM, errno.EPERM),
        ("no.such.node", "1", ENOENT, errno.ENOENT),
    ],
)
def test_text_errors(tree, lib, name, text, msg_err, set_err):
    # The message answers like FreeBSD (EINVAL); [freebsd.sysctl] gets
    # ERANGE for a number out of range so the config error can say so.
    err, _ = tree.set(name, text)
    assert err == msg_err
    assert (
        lib.ff_test_sysctl_set_string(tree.h, name.encode(), text.encode())
        == set_err
    )


def test_unknown_oid(tree):
    assert tree.get("net.inet.tcp.nosuch")[0] == ENOENT
    assert tree.get("nosuch")[0] == ENOENT
    assert tree.get(oid=[1, 30, 99])[0] == ENOENT
    assert tree.get(oid=[99])[0] == ENOENT
    assert tree.ask(FF_SYSCTL_WALK, name="nosuch")[0] == ENOENT
    for bad in ("a..b", ".a", "a.", "a b", "a=b"):
        assert tree.get(bad)[0] == EINVAL, bad


# -- walks -------------------------------------------------------------------


def test_walk_every_leaf_once(tree, lib):
    recs, trips = tree.walk()
    names = [r["name"] for r in recs]
    assert len(names) == len(set(names))
    assert len(names) == lib.ff_test_sysctl_count(tree.h, 1)
    assert trips <= 3  # debug.test.big does not fit with the others
    assert "kern.ipc.somaxconn" in names and "debug.test.int" in names
    oids = [r["oid"] for r in recs]
    assert oids == sorted(oids)  # FreeBSD's order
    big = recs[names.index("debug.test.big")]
    assert big["error"] == ENOMEM and big["value"] == b""
    assert big["valuesize"] == 80000
    broken = recs[names.index("debug.test.broken")]
    assert broken["error"] == EIO
    assert all(r["type"] != _ffi.CTLTYPE_NODE for r in recs)


@pytest.mark.parametrize("maxnodes", [1, 2, 3, 7])
def test_walk_resume_in_small_steps(tree, maxnodes):
    whole, _ = tree.walk()
    parts, trips = tree.walk(maxnodes=maxnodes)
    assert [r["name"] for r in parts] == [r["name"] for r in whole]
    assert trips >= len(whole) // maxnodes


def test_walk_with_nodes(tree, lib):
    recs, _ = tree.walk(flags=FF_SYSCTLF_NODES | FF_SYSCTLF_NOVALUE)
    names = [r["name"] for r in recs]
    assert len(names) == len(set(names))
    assert len(names) == lib.ff_test_sysctl_count(tree.h, 0)
    assert (
        names.index("kern")
        < names.index("kern.ipc")
        < names.index("kern.ipc.maxsockbuf")
    )
    assert all(r["value"] == b"" for r in recs)


def test_walk_subtree(tree):
    recs, _ = tree.walk("debug.test", maxnodes=2)
    names = [r["name"] for r in recs]
    assert names and all(n.startswith("debug.test.") for n in names)
    assert len(names) == 12
    recs, _ = tree.walk("kern.ipc")
    assert [r["name"] for r in recs] == [
        "kern.ipc.maxsockbuf",
        "kern.ipc.somaxconn",
    ]
    recs, _ = tree.walk("kern.ostype")
    assert [r["name"] for r in recs] == ["kern.ostype"]


def test_walk_resume_survives_changes(tree, lib):
    err, cursor, _, first = tree.ask(FF_SYSCTL_WALK, maxnodes=2)
    assert cursor > 0
    v = ctypes.c_int(5)
    tree.keep.append(v)
    assert (
        lib.ff_test_sysctl_add_int(tree.h, b"debug.test.late", ctypes.byref(v))
        == 0
    )
    # Resume after a path that no longer exists: the next one after it.
    err, _, _, recs = tree.ask(
        FF_SYSCTL_WALK, oid=[1, 30, 2], flags=FF_SYSCTLF_AFTER, maxnodes=1
    )
    assert err == 0 and recs[0]["name"] == "kern.ipc.somaxconn"
    err, _, _, recs = tree.ask(
        FF_SYSCTL_WALK, oid=[1, 99999], flags=FF_SYSCTLF_AFTER, maxnodes=1
    )
    assert err == 0 and recs[0]["oid"][0] > 1
    whole, _ = tree.walk()
    assert "debug.test.late" in [r["name"] for r in whole]


def test_walk_end(tree):
    whole, _ = tree.walk()
    err, cursor, remaining, recs = tree.ask(
        FF_SYSCTL_WALK, oid=whole[-1]["oid"], flags=FF_SYSCTLF_AFTER
    )
    assert err == 0 and cursor == 0 and recs == []


def test_walk_one_trip_for_a_plain_stack(lib):
    t = Tree(lib, with_test=False)
    try:
        recs, trips = t.walk(flags=FF_SYSCTLF_DESCR)
        # kern.ostype, osrelease, hz, ipc.maxsockbuf, ipc.somaxconn and
        # loop.max_us, max_run_us, preempted, msg_max_us, idle_sleeps,
        # busy_us: the leaves no protocol owns.
        assert trips == 1 and len(recs) == 11
    finally:
        t.close()


def test_get_too_big_and_failing(tree):
    assert tree.get("debug.test.big")[0] == ENOMEM
    assert tree.get("debug.test.broken")[0] == EIO


# -- malformed requests ------------------------------------------------------


def req(**fields):
    """A raw ff_sysctl_req with fields set directly (no checks)."""
    r = _ffi.SysctlReq(sr_len=REQ_SIZE, sr_op=FF_SYSCTL_GET)
    for k, v in fields.items():
        if k == "sr_oid":
            for i, n in enumerate(v):
                r.sr_oid[i] = n
        elif k in ("sr_name", "sr_new"):
            setattr(r, k, _ffi.MsgIov(*v))
        else:
            setattr(r, k, v)
    return bytes(r)


NAME_OFF = HDR_SIZE + REQ_SIZE

MALFORMED = {
    "empty body": b"",
    "short body": req()[: REQ_SIZE - 1],
    "sr_len small": req(sr_len=REQ_SIZE - 8),
    "sr_len large": req(sr_len=REQ_SIZE + 8),
    "op 0": req(sr_op=0, sr_oidlen=1, sr_oid=[1]),
    "op 4": req(sr_op=4, sr_oidlen=1, sr_oid=[1]),
    "op huge": req(sr_op=0xFFFFFFFF, sr_oidlen=1, sr_oid=[1]),
    "unknown flag": req(sr_flags=0x100, sr_oidlen=1, sr_oid=[1]),
    "oidlen 25": req(sr_oidlen=25),
    "oidlen huge": req(sr_oidlen=0xFFFFFFFF),
    "rootlen > oidlen": req(
        sr_op=FF_SYSCTL_WALK,
        sr_oidlen=1,
        sr_oid=[1],
        sr_rootlen=2,
        sr_flags=FF_SYSCTLF_AFTER,
    ),
    "after without walk": req(
        sr_oidlen=1, sr_oid=[1], sr_flags=FF_SYSCTLF_AFTER
    ),
    "after without oid": req(sr_op=FF_SYSCTL_WALK, sr_flags=FF_SYSCTLF_AFTER),
    "get without target": req(),
    "set without target": req(sr_op=FF_SYSCTL_SET),
    "name past end": req(sr_name=(NAME_OFF, 5)) + b"kern",
    "name in header": req(sr_name=(8, 4)) + b"kern\0",
    "name offset 0": req(sr_name=(0, 5)) + b"kern\0",
    "name wraps": req(sr_name=(0xFFFFFFFF, 2)) + b"kern\0",
    "name huge len": req(sr_name=(NAME_OFF, 0xFFFFFFFF)) + b"kern\0",
    "name no NUL": req(sr_name=(NAME_OFF, 4)) + b"kern\0",
    "name inner NUL": req(sr_name=(NAME_OFF, 5)) + b"ke\0n\0",
    "name empty string": req(sr_name=(NAME_OFF, 1)) + b"\0",
    "name len 0 off set": req(sr_name=(NAME_OFF, 0)) + b"kern\0",
    "name too long": req(sr_name=(NAME_OFF, 300)) + b"a" * 299 + b"\0",
    "set text no NUL": req(
        sr_op=FF_SYSCTL_SET,
        sr_flags=FF_SYSCTLF_TEXT,
        sr_oidlen=3,
        sr_oid=[1, 30, 3],
        sr_new=(NAME_OFF, 2),
    )
    + b"12",
    "set text empty iov": req(
        sr_op=FF_SYSCTL_SET,
        sr_flags=FF_SYSCTLF_TEXT,
        sr_oidlen=3,
        sr_oid=[1, 30, 3],
    ),
    "set value past end": req(
        sr_op=FF_SYSCTL_SET,
        sr_oidlen=3,
        sr_oid=[1, 30, 3],
        sr_new=(NAME_OFF, 8),
    )
    + b"\0\0\0\0",
    "set value in header": req(
        sr_op=FF_SYSCTL_SET, sr_oidlen=3, sr_oid=[1, 30, 3], sr_new=(0, 4)
    ),
    "set len 0 off set": req(
        sr_op=FF_SYSCTL_SET,
        sr_oidlen=3,
        sr_oid=[1, 30, 3],
        sr_new=(NAME_OFF, 0),
    ),
}


@pytest.mark.parametrize("what", sorted(MALFORMED))
def test_malformed(tree, what):
    err, cursor, body = tree.raw(MALFORMED[what])
    assert err == EINVAL, what
    assert cursor == 0 and body == b""
    assert tree.value("kern.ipc.somaxconn") == u32(128)


def test_fm_len_disagrees(tree):
    body = _ffi.encode_sysctl_req(FF_SYSCTL_GET, name="kern.hz")
    err, _, _ = tree.raw(body, fm_len=HDR_SIZE + len(body) + 100)
    assert err != 0
    # The name lies beyond a too short fm_len: the helper refuses first.
    err, _, _ = tree.raw(body, fm_len=HDR_SIZE + REQ_SIZE)
    assert err != 0


def test_fuzz(tree):
    """Random requests, some mutated from good ones: answers, no crash."""
    rnd = random.Random(6)
    good = [
        _ffi.encode_sysctl_req(FF_SYSCTL_WALK),
        _ffi.encode_sysctl_req(FF_SYSCTL_GET, name="kern.ipc.somaxconn"),
        _ffi.encode_sysctl_req(
            FF_SYSCTL_SET,
            name="debug.test.string",
            new="abc",
            flags=FF_SYSCTLF_TEXT,
        ),
    ]
    for i in range(3000):
        if i % 3 == 0:
            body = bytes(
                rnd.getrandbits(8) for _ in range(rnd.randrange(0, 400))
            )
        else:
            body = bytearray(rnd.choice(good))
            for _ in range(rnd.randrange(1, 6)):
                body[rnd.randrange(len(body))] = rnd.getrandbits(8)
            body = bytes(body)
        err, _, reply = tree.raw(body)
        if not err:
            _ffi.decode_sysctl_reply(reply)
            check_layout(reply)
    assert tree.value("kern.hz") == i32(1000)


# -- ff-sysctl end to end, against the real handler ---------------------------


class TreeStack:
    """fstools.ipc.Session's shape, answered by test trees (one per proc)."""

    def __init__(self, trees):
        self.trees = trees
        self.trips = 0

    def attach(self):
        return self

    def detach(self):
        pass

    def proc_ids(self, spec):
        return sorted(self.trees) if spec == "all" else [int(spec)]

    def request(self, proc, msg_type, body=b"", cursor=0):
        from fstools import ipc

        self.trips += 1
        err, cur, reply = self.trees[proc].raw(body, msg_type=msg_type)
        if err:
            raise _ffi.stack_error(err)
        return ipc.Reply(
            type=msg_type, error=0, cursor=cur, proc_id=proc, seq=0, body=reply
        )


@pytest.fixture
def cli(lib, monkeypatch):
    from click.testing import CliRunner
    from fstools import ipc, sysctl

    trees = {0: Tree(lib), 1: Tree(lib)}
    backend = TreeStack(trees)
    monkeypatch.setattr(ipc, "Session", lambda *a, **k: backend)
    monkeypatch.delenv("FF_PROC_ID", raising=False)

    def run(*args):
        return CliRunner().invoke(sysctl.command, list(args))

    run.trees = trees
    run.backend = backend
    yield run
    for t in trees.values():
        t.close()


def test_cli_read_write(cli):
    r = cli("kern.ipc.somaxconn")
    assert (r.exit_code, r.stdout) == (0, "kern.ipc.somaxconn: 128\n")
    r = cli("kern.ipc.somaxconn=1024")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == (
        "[0] kern.ipc.somaxconn: 128 -> 1024\n"
        "[1] kern.ipc.somaxconn: 128 -> 1024\n"
    )
    r = cli("--proc", "1", "kern.ipc.somaxconn=7")
    assert r.stdout == "kern.ipc.somaxconn: 1024 -> 7\n"
    r = cli("--proc", "all", "-n", "kern.ipc.somaxconn")
    assert r.stdout == "[0] 1024\n[1] 7\n"


def test_cli_all_in_few_trips(cli):
    r = cli("-a")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "kern.ostype: ff" in lines and "debug.test.int: 0" in lines
    assert "debug.test.stats: { a = 1, b = 2, c = 3, d = 4 }" in lines
    assert not any(l.startswith("debug.test.blob") for l in lines)
    assert cli.backend.trips <= 3


def test_cli_errors(cli):
    r = cli("nosuch")
    assert (r.exit_code, r.stderr) == (1, "ff-sysctl: unknown oid 'nosuch'\n")
    r = cli("--proc", "0", "kern.ostype=x")
    assert (r.exit_code, r.stderr) == (
        1,
        "ff-sysctl: oid 'kern.ostype' is read only\n",
    )
    r = cli("--proc", "0", "debug.test.int=abc")
    assert r.stderr == "ff-sysctl: invalid integer 'abc'\n"
    r = cli("--proc", "0", "debug.test.int=1000")
    assert r.stderr == "ff-sysctl: debug.test.int=1000: Invalid argument\n"
    r = cli("--proc", "0", "kern.ipc=1")
    assert r.stderr == "ff-sysctl: oid 'kern.ipc' isn't a leaf node\n"
    r = cli("--proc", "0", "debug.test.blob=1")
    assert r.stderr == (
        "ff-sysctl: oid 'debug.test.blob' is type 5, cannot set that\n"
    )
    r = cli("--proc", "0", "kern.hz", "nosuch", "kern.ostype")
    assert r.exit_code == 1
    assert r.stdout == "kern.hz: 1000\nkern.ostype: ff\n"
