"""fstools._ffi without the library: error table, constants, encoding."""

import errno
import re

import pytest

from fstools import _ffi


@pytest.mark.parametrize(
    "err,cls",
    [
        (errno.ESRCH, _ffi.NoStackError),
        (errno.ETIMEDOUT, _ffi.StackTimeout),
        (errno.EBUSY, _ffi.StackBusy),
        (errno.EMSGSIZE, _ffi.MessageTooBig),
        (errno.ENOTCONN, _ffi.NotAttached),
        (errno.EALREADY, _ffi.AlreadyAttached),
        (errno.EACCES, _ffi.PermissionDenied),
        (errno.EIO, _ffi.FFError),
    ],
)
def test_error_table(err, cls):
    e = _ffi.error_for(err)
    assert type(e) is cls and e.errno == err and e.message


def test_error_message_override():
    e = _ffi.error_for(errno.ESRCH, 'no stack is running with file prefix "x"')
    assert str(e) == 'no stack is running with file prefix "x"'


@pytest.mark.parametrize(
    "num,name,text",
    [
        (17, "EEXIST", "File exists"),
        (45, "EOPNOTSUPP", "Operation not supported"),
        (48, "EADDRINUSE", "Address already in use"),
        (60, "ETIMEDOUT", "Connection timed out"),
        (2, "ENOENT", "No such file or directory"),
        (88, "EDOOFUS", "Programming error"),
        (999, "E999", "Unknown error: 999"),
    ],
)
def test_stack_errors_are_freebsd_numbers(num, name, text):
    e = _ffi.stack_error(num)
    assert isinstance(e, _ffi.StackError)
    assert (e.errno, e.name, str(e)) == (num, name, text)
    assert (
        str(_ffi.stack_error(num, "add net 10.1.0.0"))
        == "add net 10.1.0.0: " + text
    )


def test_constants_follow_the_header(repo_root):
    text = (repo_root / "libff/include/ff_msg.h").read_text()
    defines = dict(
        re.findall(r"#define\s+(FF_\w+)\s+(0x[0-9a-fA-F]+|\d+)", text)
    )
    checked = 0
    for name, value in defines.items():
        if hasattr(_ffi, name):
            assert getattr(_ffi, name) == int(value, 0), name
            checked += 1
    assert checked >= 10
    ipc_h = (repo_root / "libff/include/ff_ipc.h").read_text()
    assert '"%s"' % _ffi.FF_DEFAULT_FILE_PREFIX in ipc_h


def test_header_struct_sizes():
    lay = _ffi.mirror_layout()
    assert lay["ff_msg_hdr"][""] == (0, 64)  # "64 bytes" in ff_msg.h
    assert lay["ff_msg_hdr"]["fm_cursor"] == (16, 8)


def test_encode_decode_roundtrip():
    raw = _ffi.encode_header(
        fm_magic=_ffi.FF_MSG_MAGIC, fm_type=2, fm_len=64, fm_seq=7, fm_error=-1
    )
    assert len(raw) == _ffi.HDR_SIZE and raw[:2] == b"FM"
    h = _ffi.decode("ff_msg_hdr", raw)
    assert (h["fm_type"], h["fm_seq"], h["fm_error"]) == (2, 7, -1)
    assert "fm_spare" not in h


def test_decode_short_and_long_bodies():
    size = _ffi.sizeof("ff_top_stats")
    assert _ffi.decode("ff_top_stats", b"")["ts_loops"] == 0
    body = (size).to_bytes(4, "little") + b"\0" * 4 + (5).to_bytes(8, "little")
    assert _ffi.decode("ff_top_stats", body)["ts_loops"] == 5
    assert _ffi.decode("ff_top_stats", body + b"\xff" * 4096)["ts_len"] == size


def test_missing_symbol_fails_loudly(monkeypatch):
    monkeypatch.setenv("FF_LIBFF", "libc.so.6")
    _ffi.library.cache_clear()
    try:
        with pytest.raises(_ffi.LibraryError, match="missing symbol ff_ipc_"):
            _ffi.library()
    finally:
        _ffi.library.cache_clear()


def test_missing_library(monkeypatch, tmp_path):
    monkeypatch.setenv("FF_LIBFF", str(tmp_path / "nope.so"))
    _ffi.library.cache_clear()
    try:
        with pytest.raises(_ffi.LibraryError, match="FF_LIBFF"):
            _ffi.library()
    finally:
        _ffi.library.cache_clear()
