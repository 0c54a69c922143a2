"""Helpers of the SYN cache and overload tests: the C-side SYN flood and
mbuf hold of libff/src/testport/ff_test_overload.c, and sysctl reads
through the tools' message path (ff_test_msg), as ff-sysctl asks."""

import ctypes

from fstools import _ffi

_P, _I, _U32, _U64 = (
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_uint32,
    ctypes.c_uint64,
)


def _fn(st, name, res, args):
    fn = getattr(st.lib, name)
    fn.restype, fn.argtypes = res, args
    return fn


def synflood(st, count, dport=80, seed=1, step_ms=1, dst="198.18.0.2"):
    """count SYNs from random 198.19.x.y sources, injected in C."""
    fn = _fn(
        st,
        "ff_test_synflood",
        _I,
        [_P, _I, ctypes.c_char_p, _I, _U32, _U64, _U32],
    )
    n = fn(st.h, 0, dst.encode(), dport, count, seed, step_ms)
    assert n >= 0
    return n


def mbuf_hold(st, n):
    return _fn(st, "ff_test_mbuf_hold", _I, [_P, _U32])(st.h, n)


def mbuf_release(st):
    return _fn(st, "ff_test_mbuf_release", _I, [_P])(st.h)


def sysctl(st, name):
    """An integer sysctl read over the tool message path."""
    err, _, body = st.msg(
        _ffi.FF_MSG_SYSCTL,
        _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, name=name),
    )
    assert err == 0, (name, err)
    _, recs = _ffi.decode_sysctl_reply(body)
    v = recs[0]["value"]
    return int.from_bytes(v, "little") if isinstance(v, bytes) else v
