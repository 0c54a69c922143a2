"""The tools' decoders of answers, fed random and mutated answers: a
seeded generator (the same seed gives the same run) over every decoder
of fstools._ffi and the records fstools.Stack makes from them.

An answer is untrusted input (a stack of another version, a corrupt
slot): whatever its bytes, a call on ``fstools.Stack`` returns records
whose every property reads, or raises a ``StackError`` (a
``ProtocolError``: "an answer that does not follow ff_msg.h") or a
``ValueError``; never an IndexError, struct.error, AttributeError or any
other exception a tool would show as a traceback.

Valid answers are built here from the mirrored structs (what the stack
sends, tests/stack checks the layouts against the library), then
mutated: bits flipped, 32-bit fields set to edge values (the offsets and
counts), bytes cut or added; one answer in eight is random bytes.
"""

import ctypes
import random

import pytest

from fstools import _ffi, ipc, stack
from fstools._ffi import StackError

SEED = 20261207
ROUNDS = 1500
HDR = _ffi.HDR_SIZE
EDGES = (0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def _sin(addr):
    s = _ffi.SockaddrIn(sin_len=16, sin_family=_ffi.FF_AF_INET)
    s.sin_addr[:] = list(addr)
    return s


def _rand_sin(rng):
    if rng.random() < 0.2:
        return _ffi.SockaddrIn()
    return _sin(bytes(rng.randrange(256) for _ in range(4)))


def sysctl_answer(rng, valid=False, count=None):
    """ff_sysctl_rep, then records, each followed by its strings."""
    rsize = ctypes.sizeof(_ffi.SysctlRep)
    nsize = ctypes.sizeof(_ffi.SysctlNode)
    fmts = ["I", "IU", "LU", "Q", "A", "S,tcpstat", "S,teststat", "S,x", ""]
    count = rng.randrange(4) if count is None else count
    recs, pos = [], HDR + rsize
    for _ in range(count):
        name = b"net.inet.x%d\0" % rng.randrange(100)
        fmt = rng.choice(fmts).encode() + b"\0"
        value = bytes(
            rng.randrange(256) for _ in range(rng.choice((4, 8, 32)))
        )
        strings = name + fmt + value
        sn = _ffi.SysctlNode(
            sn_reclen=(nsize + len(strings) + 7) & ~7,
            sn_kind=rng.choice((1, 2, 3, 5, 6, 9, 0x80000002)),
            sn_oidlen=3,
        )
        sn.sn_oid[:3] = [4, 2, rng.randrange(300)]
        off = pos + nsize
        sn.sn_name = _ffi.MsgIov(off, len(name))
        sn.sn_fmt = _ffi.MsgIov(off + len(name), len(fmt))
        sn.sn_value = _ffi.MsgIov(off + len(name) + len(fmt), len(value))
        sn.sn_valuesize = len(value)
        rec = (bytes(sn) + strings).ljust(sn.sn_reclen, b"\0")
        recs.append(rec)
        pos += len(rec)
    rep = _ffi.SysctlRep(
        sp_len=rsize, sp_count=count, sp_first=HDR + rsize if count else 0
    )
    return bytes(rep) + b"".join(recs)


def one_node(rng, valid=False):
    """A GET or SET answer: one record."""
    return sysctl_answer(rng, count=1)


def ioctl_answer(rng, valid=False):
    rsize = ctypes.sizeof(_ffi.IoctlRep)
    isize = ctypes.sizeof(_ffi.IfInfo)
    asize = ctypes.sizeof(_ffi.IfaddrInfo)
    count = rng.randrange(3)
    recs, pos = [], HDR + rsize
    for i in range(count):
        naddrs = rng.randrange(3)
        ii = _ffi.IfInfo(
            ii_reclen=isize + naddrs * asize,
            ii_index=i + 1,
            ii_type=rng.choice((6, 24)),
            ii_flags=rng.randrange(1 << 16),
            ii_mtu=1500,
            ii_name=b"f-stack-%d" % i,
            ii_naddrs=naddrs,
            ii_addrs=_ffi.MsgIov(pos + isize if naddrs else 0, naddrs * asize),
        )
        addrs = b"".join(
            bytes(
                _ffi.IfaddrInfo(
                    ifa_addr=_rand_sin(rng),
                    ifa_netmask=_rand_sin(rng),
                    ifa_broadaddr=_rand_sin(rng),
                )
            )
            for _ in range(naddrs)
        )
        recs.append(bytes(ii) + addrs)
        pos += ii.ii_reclen
    rep = _ffi.IoctlRep(ip_len=rsize, ip_count=count, ip_first=HDR + rsize)
    return bytes(rep) + b"".join(recs)


def rt_msg(rng, valid=False):
    # A valid answer names the destination of every route and ARP entry.
    dst = _sin(bytes(rng.randrange(256) for _ in range(4)))
    m = _ffi.RtMsghdr(
        rtm_msglen=ctypes.sizeof(_ffi.RtMsghdr),
        rtm_version=_ffi.FF_RTM_VERSION,
        rtm_type=rng.choice((1, 2, 4)),
        rtm_index=rng.randrange(4),
        rtm_flags=rng.randrange(1 << 24),
        rtm_addrs=rng.randrange(64),
        rtm_dst=dst if valid else _rand_sin(rng),
        rtm_gateway=_rand_sin(rng),
        rtm_netmask=_rand_sin(rng),
        rtm_ifa=_rand_sin(rng),
        rtm_ifname=b"f-stack-0",
    )
    m.rtm_lladdr[:6] = [rng.randrange(256) for _ in range(6)]
    m.rtm_rmx.rmx_expire = rng.choice((0, 1200, 2**63))
    return bytes(m)


def rt_dump_answer(rng, valid=False):
    dsize = ctypes.sizeof(_ffi.RtDump)
    msgs = [rt_msg(rng, valid) for _ in range(rng.randrange(4))]
    rd = _ffi.RtDump(rd_len=dsize, rd_count=len(msgs), rd_first=HDR + dsize)
    return bytes(rd) + b"".join(msgs)


def netstat_answer(rng, valid=False):
    """ff_netstat_rep, then records of np_reclen bytes each (a newer
    stack's may be longer than ours)."""
    rsize, xsize = ctypes.sizeof(_ffi.NetstatRep), ctypes.sizeof(_ffi.Xinpcb)
    reclen = xsize + rng.choice((0, 0, 8, 64))
    recs = []
    for _ in range(rng.randrange(5)):
        x = _ffi.Xinpcb(
            xi_len=reclen,
            xi_version=_ffi.FF_XINPCB_VERSION,
            xi_proto=rng.choice((_ffi.IPPROTO_TCP, _ffi.IPPROTO_UDP)),
            xi_vflag=1,
            xi_gencnt=rng.randrange(1 << 64),
            xi_fd=rng.randrange(-1, 1 << 16),
            xt_state=rng.randrange(-1, 12),
            xt_cc=rng.choice((b"newreno", b"cubic", b"\xff\xfe")),
        )
        for f in ("xi_laddr", "xi_faddr", "xi_lport", "xi_fport"):
            getattr(x, f)[:] = [rng.randrange(256) for _ in getattr(x, f)]
        recs.append(bytes(x).ljust(reclen, b"\0"))
    rep = _ffi.NetstatRep(
        np_len=rsize,
        np_count=len(recs),
        np_first=HDR + rsize,
        np_reclen=reclen,
        np_gen=rng.randrange(1 << 64),
        np_pcbcount=len(recs),
    )
    return bytes(rep) + b"".join(recs)


def struct_answer(name):
    def make(rng, valid=False):
        n = _ffi.sizeof(name)
        return bytes(rng.randrange(256) for _ in range(n))

    return make


def mutate(rng, data):
    """One to four mutations of ``data`` (libFuzzer's kinds, by hand)."""
    b = bytearray(data)
    for _ in range(rng.randrange(1, 5)):
        kind = rng.randrange(5)
        if kind == 0 and b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        elif kind == 1 and len(b) >= 4:
            # An offset or a count of the answer's fixed parts.
            at = rng.randrange(len(b) // 4) * 4
            b[at : at + 4] = rng.choice(EDGES).to_bytes(4, "little")
        elif kind == 2:
            del b[rng.randrange(len(b) + 1) :]
        elif kind == 3:
            b += bytes(rng.randrange(256) for _ in range(rng.randrange(64)))
        elif b:
            b[rng.randrange(len(b))] = rng.choice(EDGES) & 0xFF
    return bytes(b)


class FuzzSession:
    """ipc.Session's shape; every answer comes from ``self.make``."""

    def __init__(self, prefix=None, timeout=2.0):
        self.prefix, self.timeout = prefix or "ff", timeout
        self.rng, self.make = None, None

    def attach(self):
        return self

    def detach(self):
        pass

    def procs(self):
        return [1]

    def proc_ids(self, spec):
        return [0]

    def request(self, proc, msg_type, body=b"", cursor=0):
        data = self.make(self.rng)
        if self.rng.randrange(8) == 0:
            data = bytes(
                self.rng.randrange(256)
                for _ in range(self.rng.randrange(2048))
            )
        else:
            data = mutate(self.rng, data)
        return ipc.Reply(msg_type, 0, 0, proc, 1, data)

    def request_parts(self, proc, msg_type, body=b""):
        yield self.request(proc, msg_type, body)


def read_all(obj):
    """Every field and property of a record (what a view may show)."""
    for rec in obj if isinstance(obj, (list, tuple)) else [obj]:
        repr(rec)
        for name in dir(type(rec)):
            if isinstance(getattr(type(rec), name), property):
                getattr(rec, name)


CALLS = {
    "sysctl_walk": (sysctl_answer, lambda st: st.sysctl_walk()),
    "sysctl": (one_node, lambda st: st.sysctl("net.inet.ip.ttl")),
    "sysctl_set": (one_node, lambda st: st.sysctl_set("a.b", 3)),
    "interfaces": (ioctl_answer, lambda st: st.interfaces()),
    "routes": (rt_dump_answer, lambda st: st.routes()),
    "arp_entries": (rt_dump_answer, lambda st: st.arp_entries()),
    "route_get": (rt_msg, lambda st: st.route_get("198.18.0.1")),
    "top": (struct_answer("ff_top_stats"), lambda st: st.top()),
    "traffic": (struct_answer("ff_traffic_stats"), lambda st: st.traffic()),
    "connections": (netstat_answer, lambda st: st.connections("tcp")),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_any_answer_decodes_or_fails_cleanly(monkeypatch, call):
    session = FuzzSession()
    monkeypatch.setattr(ipc, "Session", lambda *a, **kw: session)
    make, ask = CALLS[call]
    rng = random.Random("%d-%s" % (SEED, call))
    session.rng, session.make = rng, make
    st = stack.Stack()
    clean = 0
    for i in range(ROUNDS):
        try:
            read_all(ask(st))
            clean += 1
        except (StackError, ValueError):
            pass
        except Exception as e:  # noqa: BLE001 - the finding itself
            pytest.fail(
                "%s: answer %d of seed %d: %s: %s"
                % (call, i, SEED, type(e).__name__, e)
            )
    # The mutations leave enough answers whole to reach the records.
    assert clean > ROUNDS // 20, "only %d answers decoded" % clean


@pytest.mark.parametrize("call", sorted(CALLS))
def test_unmutated_answers_decode(monkeypatch, call):
    """The generator's answers are valid ones: the fuzzing starts from
    answers the decoders accept, so mutations reach past the first check."""
    make, ask = CALLS[call]
    rng = random.Random(SEED)

    class Valid(FuzzSession):
        def request(self, proc, msg_type, body=b"", cursor=0):
            return ipc.Reply(msg_type, 0, 0, proc, 1, make(rng, valid=True))

    monkeypatch.setattr(ipc, "Session", Valid)
    st = stack.Stack()
    for _ in range(50):
        read_all(ask(st))


def test_arp_entry_without_address_is_a_protocol_error(monkeypatch):
    """Found by the generator above: an ARP answer whose entry has no
    destination (sin_len 0) made arp_entries() sort on None, an
    AttributeError out of ff-arp -a."""
    m = _ffi.RtMsghdr(
        rtm_msglen=ctypes.sizeof(_ffi.RtMsghdr),
        rtm_version=_ffi.FF_RTM_VERSION,
        rtm_type=_ffi.FF_RTM_GET,
        rtm_flags=_ffi.RTF_LLINFO,
    )
    dsize = ctypes.sizeof(_ffi.RtDump)
    answer = bytes(
        _ffi.RtDump(rd_len=dsize, rd_count=1, rd_first=HDR + dsize)
    ) + bytes(m)

    class One(FuzzSession):
        def request(self, proc, msg_type, body=b"", cursor=0):
            return ipc.Reply(msg_type, 0, 0, proc, 1, answer)

    monkeypatch.setattr(ipc, "Session", One)
    with pytest.raises(_ffi.ProtocolError, match="without an address"):
        stack.Stack().arp_entries()
