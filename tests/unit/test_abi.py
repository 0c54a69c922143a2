"""The Python mirror of ff_msg.h against the compiled library's own table
(ff_msg_abi_table()): every mirrored struct's size, every field's offset
and size."""

import pytest

from fstools import _ffi


@pytest.fixture(scope="module")
def lib_layout(libff_path):
    mp = pytest.MonkeyPatch()
    mp.setenv("FF_LIBFF", str(libff_path))
    _ffi.library.cache_clear()
    try:
        yield _ffi.abi_layout()
    finally:
        mp.undo()
        _ffi.library.cache_clear()


@pytest.mark.parametrize("struct", sorted(_ffi.MIRRORED))
def test_struct_matches_library(lib_layout, struct):
    mirror = _ffi.mirror_layout()[struct]
    assert struct in lib_layout, "libff exports no layout for " + struct
    assert mirror[""] == lib_layout[struct][""], "sizeof(struct %s)" % struct
    assert mirror == lib_layout[struct]


def test_abi_version(lib_layout):
    assert _ffi.library().abi_version() == _ffi.FF_MSG_ABI_VERSION


def test_version_mismatch_fails_loudly(lib_layout, monkeypatch):
    monkeypatch.setattr(_ffi, "FF_MSG_ABI_VERSION", 999)
    _ffi.library.cache_clear()
    try:
        with pytest.raises(_ffi.AbiMismatch, match="version"):
            _ffi.library()
    finally:
        _ffi.library.cache_clear()
