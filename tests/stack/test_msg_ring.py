"""The message ring's slot state machine and doorbell (ipc/ff_msg_ring.h)
on a test stack: the real server (ff_test_msg_ring()), a tool played by
the test through the shared slot area.

Expected behaviour is the protocol ff_msg_ring.h documents: a tool turns
a FREE slot to CLAIMED with its owner id, writes its request, turns it
to REQUEST and sets the slot's doorbell bit; the stack answers in the
slot (DONE, same generation and owner), an ABANDONED slot it frees, a
bit of a slot holding no request it counts (kern.ipc.msg.badstate) and
leaves alone; its sweep frees slots whose owner is gone.
"""

import ctypes
import errno
import os
import time

import pytest

from fstools import _ffi

FF_MSG_SIZE = 65536
NSLOTS, NOWNERS = 64, 256
FREE, CLAIMED, REQUEST, DONE, ABANDONED = range(5)
OWNER = 3 * NOWNERS + 1  # a tool's id for owner record 1
SWEEP = 0.25  # s: past the server's sweep period (200 ms)


class Owner(ctypes.Structure):
    _fields_ = [
        ("mo_id", ctypes.c_uint32),
        ("mo_pid", ctypes.c_int32),
        ("mo_pidns", ctypes.c_uint64),
        ("mo_seen_ns", ctypes.c_uint64),
        ("mo_pad", ctypes.c_uint64),
    ]


class Slot(ctypes.Structure):
    _fields_ = [
        ("ms_word", ctypes.c_uint64),
        ("ms_len", ctypes.c_uint32),
        ("ms_pad0", ctypes.c_uint32),
        ("ms_pad", ctypes.c_uint8 * 48),
        ("ms_buf", ctypes.c_uint8 * FF_MSG_SIZE),
    ]


class Area(ctypes.Structure):
    _fields_ = [
        ("ma_magic", ctypes.c_uint32),
        ("ma_version", ctypes.c_uint32),
        ("ma_nslots", ctypes.c_uint32),
        ("ma_proc_id", ctypes.c_uint32),
        ("ma_server_pid", ctypes.c_int32),
        ("ma_owner_seq", ctypes.c_uint32),
        ("ma_pad2", ctypes.c_uint64 * 5),
        ("ma_pending", ctypes.c_uint64),
        ("ma_pad3", ctypes.c_uint64 * 7),
        ("ma_owners", Owner * NOWNERS),
        ("ma_slots", Slot * NSLOTS),
    ]


def word(state, gen, owner):
    return owner << 32 | (gen & 0xFFFFFF) << 8 | state


def mono_ns():
    """CLOCK_MONOTONIC, the clock of owner records' last-seen times."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


class Ring:
    def __init__(self, st):
        lib = st.lib
        lib.ff_test_msg_ring.restype = ctypes.c_int
        lib.ff_test_msg_ring.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        lib.ff_test_msg_stats.restype = ctypes.c_int
        lib.ff_test_msg_stats.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_uint64),
            ctypes.c_uint32,
        ]
        p = ctypes.c_void_p()
        assert lib.ff_test_msg_ring(st.h, ctypes.byref(p)) == 0
        self.st, self.lib = st, lib
        self.a = Area.from_address(p.value)
        st.run()  # the server's first loop sweeps an empty area
        o = self.a.ma_owners[OWNER % NOWNERS]
        o.mo_pid, o.mo_pidns = os.getpid(), os.stat("/proc/self/ns/pid").st_ino
        o.mo_seen_ns = mono_ns()
        o.mo_id = OWNER

    def stats(self):
        out = (ctypes.c_uint64 * 5)()
        assert self.lib.ff_test_msg_stats(self.st.h, out, 5) == 5
        return dict(
            zip(
                ("served", "errors", "badstate", "reclaimed", "abandoned"), out
            )
        )

    def post(self, i, body=b"hello", seq=9, ring=True):
        """Claim slot i (FREE), write an ECHO, mark it REQUEST, ring."""
        s = self.a.ma_slots[i]
        gen = (s.ms_word >> 8 & 0xFFFFFF) + 1
        assert s.ms_word & 0xFF == FREE
        s.ms_word = word(CLAIMED, gen, OWNER)
        req = (
            _ffi.encode_header(
                fm_magic=_ffi.FF_MSG_MAGIC,
                fm_version=_ffi.FF_MSG_ABI_VERSION,
                fm_type=_ffi.FF_MSG_ECHO,
                fm_len=_ffi.HDR_SIZE + len(body),
                fm_seq=seq,
            )
            + body
        )
        ctypes.memmove(s.ms_buf, req, len(req))
        s.ms_len = len(req)
        s.ms_word = word(REQUEST, gen, OWNER)
        if ring:
            self.a.ma_pending |= 1 << i
        return gen

    def answer(self, i):
        """The answer's header (ff_msg_hdr) and body in slot i."""
        s = self.a.ma_slots[i]
        data = bytes(s.ms_buf[: s.ms_len])
        return _ffi.MsgHdr.from_buffer_copy(data), data[_ffi.HDR_SIZE :]


@pytest.fixture
def ring(make_stack):
    return Ring(make_stack())


def test_request_through_a_slot(ring):
    gen = ring.post(17, b"ping")
    ring.st.run()
    assert ring.a.ma_slots[17].ms_word == word(DONE, gen, OWNER)
    assert ring.a.ma_pending == 0
    hdr, body = ring.answer(17)
    assert body == b"ping"
    assert hdr.fm_seq == 9 and hdr.fm_error == 0
    assert hdr.fm_flags & _ffi.FF_MSGF_REPLY
    assert ring.stats()["served"] == 1


def test_bits_of_slots_without_a_request(ring):
    # FREE, CLAIMED, DONE and a state that does not exist: untouched.
    words = {
        3: word(FREE, 4, 0),
        4: word(CLAIMED, 1, OWNER),
        5: word(DONE, 2, OWNER),
        6: word(0x17, 1, OWNER),
    }
    for i, w in words.items():
        ring.a.ma_slots[i].ms_word = w
    ring.a.ma_pending = sum(1 << i for i in words)
    ring.st.run()
    assert {i: ring.a.ma_slots[i].ms_word for i in words} == words
    assert ring.a.ma_pending == 0
    assert ring.stats()["badstate"] == 4
    assert ring.stats()["served"] == 0


def test_abandoned_slot_is_freed(ring):
    gen = ring.post(8)
    ring.a.ma_slots[8].ms_word = word(ABANDONED, gen, OWNER)
    ring.st.run()
    assert ring.a.ma_slots[8].ms_word == word(FREE, gen, 0)
    assert ring.stats()["abandoned"] == 1
    assert ring.stats()["served"] == 0


def test_posted_without_a_bit_waits_for_it(ring):
    gen = ring.post(30, ring=False)
    ring.st.run()
    assert ring.a.ma_slots[30].ms_word == word(REQUEST, gen, OWNER)
    ring.a.ma_pending |= 1 << 30
    ring.st.run()
    assert ring.a.ma_slots[30].ms_word == word(DONE, gen, OWNER)


def test_sweep_frees_slots_of_gone_owners(ring):
    a = ring.a
    # Owner record 7: a pid that cannot run, in our PID namespace.
    dead = a.ma_owners[7]
    dead.mo_pid = 0x7FFFFFF0
    dead.mo_pidns = a.ma_owners[OWNER % NOWNERS].mo_pidns
    dead.mo_seen_ns = mono_ns()
    dead.mo_id = 3 * NOWNERS + 7
    a.ma_slots[40].ms_word = word(CLAIMED, 1, 3 * NOWNERS + 7)
    # A stale id for our own record: an earlier registration's.
    a.ma_slots[41].ms_word = word(DONE, 1, OWNER + NOWNERS)
    # Ours, alive: kept.
    a.ma_slots[42].ms_word = word(DONE, 5, OWNER)
    ring.st.advance(SWEEP, step=0)
    assert a.ma_slots[40].ms_word == word(FREE, 1, 0)
    assert a.ma_slots[41].ms_word == word(FREE, 1, 0)
    assert a.ma_slots[42].ms_word == word(DONE, 5, OWNER)
    assert a.ma_owners[7].mo_id == 0
    assert a.ma_owners[OWNER % NOWNERS].mo_id == OWNER
    assert ring.stats()["reclaimed"] == 2


def test_round_robin_past_the_budget(ring):
    """64 posted at once (twice the 32 a loop serves): every one answered,
    no bit left."""
    gens = [ring.post(i, bytes([i])) for i in range(NSLOTS)]
    ring.st.run()
    assert ring.a.ma_pending == 0
    for i, gen in enumerate(gens):
        assert ring.a.ma_slots[i].ms_word == word(DONE, gen, OWNER)
        assert ring.answer(i)[1] == bytes([i])
    assert ring.stats()["served"] == NSLOTS


def test_one_ring_per_stack(make_stack, ring):
    other = make_stack()
    p = ctypes.c_void_p()
    assert ring.lib.ff_test_msg_ring(other.h, ctypes.byref(p)) == -errno.EEXIST
