"""The deterministic test port of libff, from Python.

This module is the only place in tests/stack that loads the test library
(libff/libff_test.so: libff.so's API plus the ff_test_* hooks, or
$FF_TEST_LIBFF) for the stack tests: one table of signatures (`_SIGNATURES`), one place where a
negative errno becomes an exception (`_check`).  A test sees `Stack`:

    st = Stack(CONFIG)
    st.inject(Ether(dst=st.mac) / IP(dst="198.18.0.2") / ICMP())
    rep = st.expect(ICMP)
    assert st.destroy() == 0          # every mbuf back in the pool

Frames go in and come out as scapy packets; time is virtual
(`advance(seconds)`); counters are read by name (`counter("ip.ips_badsum")`,
see libff/src/testport/ff_test_counters.c).
"""

import ctypes
import errno
import os
from pathlib import Path

from scapy.layers.inet import ICMP, IP
from scapy.layers.l2 import Ether

REPO = Path(__file__).resolve().parent.parent.parent

# DPDK mbuf offload flags the tests hand in (rte_mbuf_core.h).
RX_IP_CKSUM_BAD = 1 << 4
RX_IP_CKSUM_GOOD = 1 << 7
RX_VLAN = 1 << 0
RX_VLAN_STRIPPED = 1 << 6
RX_OFFLOAD_IPV4_CKSUM = 1 << 1  # RTE_ETH_RX_OFFLOAD_IPV4_CKSUM

# Stack flags the tests use.
RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_REJECT = 0x1, 0x2, 0x4, 0x8
RTF_STATIC, RTF_BLACKHOLE, RTF_PINNED, RTF_LOCAL = (
    0x800,
    0x1000,
    0x100000,
    0x200000,
)
LLE_STATIC, LLE_VALID, LLE_PUB = 0x2, 0x8, 0x20
IFF_UP, IFF_PROMISC = 0x1, 0x100

_P, _I, _U32, _U64 = (
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.c_uint32,
    ctypes.c_uint64,
)
_S, _B = ctypes.c_char_p, ctypes.c_char_p

# name: (restype, argtypes)
_SIGNATURES = {
    "ff_test_eal_init": (_I, [_I]),
    "ff_test_create": (_P, [_S, ctypes.c_char_p, ctypes.c_size_t]),
    "ff_test_destroy": (_I, [_P]),
    "ff_test_create_proc": (
        _P,
        [_S, _I, ctypes.c_char_p, ctypes.c_size_t],
    ),
    "ff_test_join": (_I, [_P, _P]),
    "ff_test_dispatcher": (_I, [_P, _P]),
    "ff_test_procs_live": (_I, [_P, _U32]),
    "ff_test_rss_hash": (_U32, [_S, _I, _S, _I]),
    "ff_test_toeplitz": (_U32, [_B, _U32, _B, _U32]),
    "ff_test_inject": (_I, [_P, _I, _B, _U32, _U64]),
    "ff_test_inject_split": (_I, [_P, _I, _B, _U32, ctypes.c_void_p, _I]),
    "ff_test_inject_split_at_end": (
        _I,
        [_P, _I, _B, _U32, ctypes.c_void_p, _I],
    ),
    "ff_test_run": (_I, [_P]),
    "ff_test_iterate": (_I, [_P]),
    "ff_test_loop_stall": (_I, [_P, _U64, _I]),
    "ff_test_loop_idle": (_I, [_P, _U64]),
    "ff_test_loop_switching": (_I, [_P, _I]),
    "ff_test_loop_echo": (_I, [_P, _I]),
    "ff_test_advance": (_I, [_P, _U64, _U64]),
    "ff_test_now": (_U64, [_P]),
    "ff_test_pop": (_I, [_P, _I, ctypes.c_void_p, _U32]),
    "ff_test_tx_pending": (_I, [_P, _I]),
    "ff_test_mbufs_in_use": (_I, [_P]),
    "ff_test_check": (_I, [_P, ctypes.c_char_p, ctypes.c_size_t]),
    "ff_test_port_mac": (_I, [_P, _I, ctypes.c_void_p]),
    "ff_test_port_offloads": (_I, [_P, _I, _U64, _U64]),
    "ff_test_port_txsegmax": (_I, [_P, _I, _I]),
    "ff_test_sysctl_set": (_I, [_P, _S, _S]),
    "ff_test_counter": (_I, [_P, _S, ctypes.POINTER(_U64)]),
    "ff_test_fuzz": (_I, [_P, _U64, _U32, _B, ctypes.POINTER(_U32), _U32]),
    "ff_test_route_add": (_I, [_P, _S, _I, _S, _S, _U32]),
    "ff_test_route_delete": (_I, [_P, _S, _I]),
    "ff_test_route_get": (_I, [_P, _S, ctypes.c_char_p, ctypes.c_size_t]),
    "ff_test_route_count": (_I, [_P]),
    "ff_test_ipfw_dyn_nbuckets": (_I, [_P]),
    "ff_test_tcb_hash_buckets": (_I, [_P]),
    "ff_test_arp_add": (_I, [_P, _S, _B, _I]),
    "ff_test_arp_delete": (_I, [_P, _S]),
    "ff_test_arp_get": (
        _I,
        [
            _P,
            _S,
            ctypes.c_void_p,
            ctypes.POINTER(_I),
            ctypes.POINTER(ctypes.c_int64),
        ],
    ),
    "ff_test_arp_count": (_I, [_P]),
    "ff_test_ifaddr_add": (_I, [_P, _S, _S, _I]),
    "ff_test_ifaddr_delete": (_I, [_P, _S, _S]),
    "ff_test_if_setflags": (_I, [_P, _S, _U32]),
    "ff_test_ip_output": (_I, [_P, _S, _S, _I, _B, _U32, _I]),
}

_lib = None


def libpath():
    """The test library: $FF_TEST_LIBFF, else the tree's libff_test.so."""
    return Path(
        os.environ.get("FF_TEST_LIBFF") or REPO / "libff" / "libff_test.so"
    )


def lib():
    """libff_test.so with every signature declared, the EAL started once."""
    global _lib
    if _lib is None:
        dll = ctypes.CDLL(str(libpath()))
        for name, (res, args) in _SIGNATURES.items():
            fn = getattr(dll, name)  # AttributeError: missing symbol
            fn.restype, fn.argtypes = res, args
        rc = dll.ff_test_eal_init(int(os.environ.get("FF_TEST_LOGLEVEL", "1")))
        if rc != 0:
            raise OSError(-rc, "EAL init: " + os.strerror(-rc))
        _lib = dll
    return _lib


def lsan_check():
    """LeakSanitizer's check, now: 1 when it found memory that nothing
    points to any more (its report on stderr), else 0.  Needs the ASan
    runtime in the process (scripts/ff-setup's sanitized run preloads it;
    PYTHONMALLOC=malloc there lets it see Python's own pointers)."""
    return ctypes.CDLL(None).__lsan_do_recoverable_leak_check()


class StackError(OSError):
    """A negative errno from the stack."""


def _check(rc, what):
    if rc < 0:
        raise StackError(-rc, "%s: %s" % (what, os.strerror(-rc)))
    return rc


def _b(s):
    return s.encode() if isinstance(s, str) else s


def _mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def _mac_str(raw):
    return ":".join("%02x" % b for b in raw)


# The test port's Linux-side peer and our address in CONFIG.  Tests import
# them from here, not from conftest: tests/unit has a conftest too, and a
# bare "import conftest" gets whichever was loaded first.
PEER_MAC = "02:00:00:00:aa:01"
PEER_IP = "198.18.0.1"
OUR_IP = "198.18.0.2"

CONFIG = """
[dpdk]
lcore_mask=1
port_list=0

[port0]
addr=198.18.0.2
netmask=255.255.255.0
broadcast=198.18.0.255
gateway=198.18.0.1
"""

# Two ports: the peers' 198.18.0.0/24 on port 0, 198.19.0.0/24 on port 1.
TWO_PORTS = CONFIG.replace("port_list=0", "port_list=0,1") + (
    """
[port1]
addr=198.19.0.2
netmask=255.255.255.0
"""
)
# The same, forwarding between them (a router).
FORWARDING = TWO_PORTS + "\n[freebsd.sysctl]\nnet.inet.ip.forwarding=1\n"


class Stack:
    """One stack on the test port (a fresh one per test)."""

    POP_CAP = 65536

    def __init__(self, config=CONFIG, drain=True, proc=0):
        self.lib = lib()
        err = ctypes.create_string_buffer(512)
        h = self.lib.ff_test_create_proc(_b(config), proc, err, len(err))
        if not h:
            raise StackError(errno.EINVAL, err.value.decode())
        self.h = h
        self._buf = ctypes.create_string_buffer(self.POP_CAP)
        self.run()
        if drain:  # gratuitous ARP of the addresses
            self.drain()

    # -- life -------------------------------------------------------------
    def destroy(self):
        """Free the stack; returns the mbufs still missing from its pool."""
        h, self.h = self.h, None
        return self.lib.ff_test_destroy(h) if h else 0

    def mbufs_in_use(self):
        return self.lib.ff_test_mbufs_in_use(self.h)

    def check(self):
        """The stack's invariants (ff_test_check.c): None when they hold,
        else what is wrong."""
        err = ctypes.create_string_buffer(256)
        rc = self.lib.ff_test_check(self.h, err, len(err))
        return None if rc == 0 else err.value.decode()

    # -- frames -----------------------------------------------------------
    def mac(self, port=0):
        raw = ctypes.create_string_buffer(6)
        _check(self.lib.ff_test_port_mac(self.h, port, raw), "port_mac")
        return _mac_str(raw.raw)

    def inject(self, pkt, port=0, ol_flags=0, run=True):
        raw = bytes(pkt)
        _check(
            self.lib.ff_test_inject(self.h, port, raw, len(raw), ol_flags),
            "inject",
        )
        if run:
            self.run()

    def inject_ping(self, seq, ident=7, run=True):
        """An ICMP echo request (RFC 792) from the peer to our address."""
        self.inject(
            Ether(dst=self.mac(), src=PEER_MAC)
            / IP(src=PEER_IP, dst=OUR_IP)
            / ICMP(type=8, id=ident, seq=seq),
            run=run,
        )

    def inject_split(self, pkt, cuts, port=0, run=True, at_end=False):
        """pkt as a chain of mbufs cut at the increasing offsets cuts; with
        at_end each piece sits at the very end of its mbuf's buffer."""
        raw = bytes(pkt)
        arr = (ctypes.c_uint32 * max(len(cuts), 1))(*cuts)
        call = (
            self.lib.ff_test_inject_split_at_end
            if at_end
            else self.lib.ff_test_inject_split
        )
        _check(
            call(self.h, port, raw, len(raw), arr, len(cuts)), "inject_split"
        )
        if run:
            self.run()

    def run(self):
        return self.lib.ff_test_run(self.h)

    def advance(self, seconds, step=0.1):
        """Move the virtual clock, running the loop every `step' seconds."""
        ns, st = int(seconds * 1e9), int(step * 1e9) if step else 0
        return self.lib.ff_test_advance(self.h, ns, st)

    def now(self):
        return self.lib.ff_test_now(self.h) / 1e9

    def pop_raw(self, port=0):
        n = _check(
            self.lib.ff_test_pop(self.h, port, self._buf, self.POP_CAP), "pop"
        )
        return self._buf.raw[:n] if n else None

    def pop(self, port=0):
        raw = self.pop_raw(port)
        return Ether(raw) if raw is not None else None

    def drain(self, port=0):
        """Everything transmitted so far, oldest first."""
        out = []
        while (p := self.pop(port)) is not None:
            out.append(p)
        return out

    def pending(self, port=0):
        return self.lib.ff_test_tx_pending(self.h, port)

    def expect(self, layer=None, port=0):
        """The next transmitted frame, which must exist (and hold layer)."""
        p = self.pop(port)
        assert p is not None, "the stack sent nothing"
        if layer is not None:
            assert layer in p, "expected %s, got %r" % (layer.__name__, p)
        return p

    def expect_nothing(self, port=0):
        p = self.pop(port)
        assert p is None, "unexpected frame: %r" % p

    # -- knobs and counters -------------------------------------------------
    def counter(self, name):
        v = _U64()
        _check(
            self.lib.ff_test_counter(self.h, _b(name), ctypes.byref(v)),
            "counter " + name,
        )
        return v.value

    def counters(self, *names):
        return {n: self.counter(n) for n in names}

    def sysctl(self, name, value):
        _check(
            self.lib.ff_test_sysctl_set(self.h, _b(name), _b(str(value))),
            "sysctl " + name,
        )

    def offloads(self, port=0, rx=0, tx=0):
        _check(
            self.lib.ff_test_port_offloads(self.h, port, rx, tx), "offloads"
        )

    def txsegmax(self, n, port=0):
        """Most mbufs one frame the test port sends may have."""
        _check(self.lib.ff_test_port_txsegmax(self.h, port, n), "txsegmax")

    def fuzz(self, seed, count, corpus):
        raw = [bytes(p) for p in corpus]
        lens = (_U32 * len(raw))(*[len(r) for r in raw])
        return _check(
            self.lib.ff_test_fuzz(
                self.h, seed, count, b"".join(raw), lens, len(raw)
            ),
            "fuzz",
        )

    # -- internal API ---------------------------------------------------------
    def route_add(self, dst, plen, gw=None, ifname=None, flags=0):
        return self.lib.ff_test_route_add(
            self.h, _b(dst), plen, _b(gw or ""), _b(ifname or ""), flags
        )

    def route_delete(self, dst, plen):
        return self.lib.ff_test_route_delete(self.h, _b(dst), plen)

    def route_get(self, dst):
        """(dst/plen, gateway, ifname, flags, use) or None."""
        out = ctypes.create_string_buffer(256)
        rc = self.lib.ff_test_route_get(self.h, _b(dst), out, len(out))
        if rc == -errno.ESRCH:
            return None
        _check(rc, "route_get")
        d, g, ifn, fl, use = out.value.decode().split()
        return d, g, ifn, int(fl, 16), int(use)

    def route_count(self):
        return self.lib.ff_test_route_count(self.h)

    def ipfw_dyn_nbuckets(self):
        return self.lib.ff_test_ipfw_dyn_nbuckets(self.h)

    def tcb_hash_buckets(self):
        return self.lib.ff_test_tcb_hash_buckets(self.h)

    def arp_add(self, addr, mac, flags=0):
        return self.lib.ff_test_arp_add(
            self.h, _b(addr), _mac_bytes(mac), flags
        )

    def arp_delete(self, addr):
        return self.lib.ff_test_arp_delete(self.h, _b(addr))

    def arp_get(self, addr):
        """(mac, flags, seconds left or -1) or None."""
        mac = ctypes.create_string_buffer(6)
        fl, exp = _I(), ctypes.c_int64()
        rc = self.lib.ff_test_arp_get(
            self.h, _b(addr), mac, ctypes.byref(fl), ctypes.byref(exp)
        )
        if rc == -errno.ENOENT:
            return None
        _check(rc, "arp_get")
        return _mac_str(mac.raw), fl.value, exp.value

    def arp_count(self):
        return self.lib.ff_test_arp_count(self.h)

    def ifaddr_add(self, ifname, addr, plen):
        rc = self.lib.ff_test_ifaddr_add(self.h, _b(ifname), _b(addr), plen)
        self.run()  # flush the gratuitous ARP
        return rc

    def ifaddr_delete(self, ifname, addr):
        return self.lib.ff_test_ifaddr_delete(self.h, _b(ifname), _b(addr))

    def if_setflags(self, ifname, flags):
        return self.lib.ff_test_if_setflags(self.h, _b(ifname), flags)

    def ip_output(self, dst, proto=253, payload=b"x" * 8, src=None, flags=0):
        """ip_output_consume() on a fresh datagram: 0 or a negative errno."""
        rc = self.lib.ff_test_ip_output(
            self.h, _b(src or ""), _b(dst), proto, payload, len(payload), flags
        )
        self.run()
        return rc


# -- the message ring's answer path, without the ring (ff_test_msg) ----------

MSG_CAP = 65536


def _msg_fn():
    fn = lib().ff_test_msg
    fn.restype = _I
    fn.argtypes = [_P, _B, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
    return fn


def _stack_msg(
    self, msg_type, body=b"", cursor=0, fm_len=None, raw=None, seq=7
):
    """Answer one request as the ring server would.

    Returns (fm_error, fm_cursor, reply body).  ``raw`` sends those bytes
    as the whole message; ``fm_len`` lies about the length.
    """
    from fstools import _ffi

    if raw is None:
        length = _ffi.HDR_SIZE + len(body)
        raw = _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC,
            fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=msg_type,
            fm_len=length if fm_len is None else fm_len,
            fm_cursor=cursor,
            fm_seq=seq,
        ) + bytes(body)
    rep = ctypes.create_string_buffer(MSG_CAP)
    n = _check(_msg_fn()(self.h, raw, len(raw), rep, MSG_CAP), "msg")
    h = _ffi.decode("ff_msg_hdr", rep.raw[: _ffi.HDR_SIZE])
    assert h["fm_flags"] & _ffi.FF_MSGF_REPLY and h["fm_len"] == n
    self.run()
    return h["fm_error"], h["fm_cursor"], rep.raw[_ffi.HDR_SIZE : n]


Stack.msg = _stack_msg


# -- sysctl through the tools' message path (as ff-sysctl asks) -------------


def _sysctl_ask(self, op, **kw):
    """One FF_MSG_SYSCTL request: (fm_error, fm_cursor, records)."""
    from fstools import _ffi

    err, cursor, body = self.msg(
        _ffi.FF_MSG_SYSCTL, _ffi.encode_sysctl_req(op, **kw)
    )
    if err:
        return err, cursor, []
    return err, cursor, _ffi.decode_sysctl_reply(body)[1]


def _sysctl_get(self, name):
    """The record of one node (value as the stack sent it: bytes)."""
    from fstools import _ffi

    err, _, recs = _sysctl_ask(self, _ffi.FF_SYSCTL_GET, name=name)
    if err:
        raise StackError(err, "sysctl %s: %s" % (name, os.strerror(err)))
    return recs[0]


def _sysctl_set_raw(self, name, new):
    """Write bytes to a node; 0 or the FreeBSD errno it answered."""
    from fstools import _ffi

    err, _, _ = _sysctl_ask(self, _ffi.FF_SYSCTL_SET, name=name, new=new)
    return err


def _sysctl_walk(self, flags=0):
    """Every record of a whole-tree walk (``ff-sysctl -a``), resumed."""
    from fstools import _ffi

    err, cursor, recs = _sysctl_ask(self, _ffi.FF_SYSCTL_WALK, flags=flags)
    out = list(recs)
    while err == 0 and cursor and recs:
        err, cursor, recs = _sysctl_ask(
            self,
            _ffi.FF_SYSCTL_WALK,
            oid=out[-1]["oid"],
            flags=flags | _ffi.FF_SYSCTLF_AFTER,
        )
        out.extend(recs)
    if err:
        raise StackError(err, "sysctl walk: " + os.strerror(err))
    return out


def stats_layout():
    """Every stats struct's layout as libff exports it (ff_msg_abi_table(),
    made from the struct's own list): {struct: [(field, offset, size)]},
    fields in order; the struct's size under the field name ""."""
    from fstools import _ffi

    fn = ctypes.cast(
        lib().ff_msg_abi_table, ctypes.CFUNCTYPE(ctypes.POINTER(_ffi.AbiEntry))
    )
    table, layout, i = fn(), {}, 0
    while table[i].fe_struct is not None:
        e = table[i]
        layout.setdefault(e.fe_struct.decode(), []).append(
            (e.fe_field.decode(), e.fe_offset, e.fe_size)
        )
        i += 1
    return layout


def decode_stats(fmt, value):
    """An opaque stats value ("S,tcpstat") -> {field: int, array: [int]}."""
    import struct

    fields = stats_layout()[fmt.split(",", 1)[1]]
    out = {}
    for field, off, size in fields:
        if field:
            words = struct.unpack_from("=%dQ" % (size // 8), value, off)
            out[field] = words[0] if size == 8 else list(words)
    return out


def _sysctl_stats(self, name):
    """A stats sysctl (net.inet.tcp.stats, ...) read and decoded."""
    rec = self.sysctl_get(name)
    return decode_stats(rec["fmt"], rec["value"])


Stack.sysctl_stats = _sysctl_stats
Stack.sysctl_ask = _sysctl_ask
Stack.sysctl_get = _sysctl_get
Stack.sysctl_set_raw = _sysctl_set_raw
Stack.sysctl_walk = _sysctl_walk


# -- TCP (libff/src/testport/ff_test_tcp.c) ----------------------------------

_SIGNATURES.update(
    {
        "ff_test_tcp_socket": (_I, [_P]),
        "ff_test_tcp_bind": (_I, [_P, _I, _S, _I]),
        "ff_test_tcp_listen": (_I, [_P, _I, _I]),
        "ff_test_tcp_connect": (_I, [_P, _I, _S, _I]),
        "ff_test_tcp_accept": (_I, [_P, _I]),
        "ff_test_tcp_send": (_I, [_P, _I, _B, _U32]),
        "ff_test_tcp_recv": (_I, [_P, _I, ctypes.c_void_p, _U32]),
        "ff_test_tcp_shutdown": (_I, [_P, _I, _I]),
        "ff_test_tcp_close": (_I, [_P, _I]),
        "ff_test_tcp_setopt": (_I, [_P, _I, _I, _I, _I]),
        "ff_test_tcp_getopt": (_I, [_P, _I, _I, _I, ctypes.POINTER(_I)]),
        "ff_test_tcp_info": (_I, [_P, _I, ctypes.POINTER(_U32), _U32]),
        "ff_test_tcp_establish": (
            _I,
            [_P, _S, _I, _S, _I, _U32, _U32, _U32, _U32, _U32],
        ),
        "ff_test_tcp_addoptions": (
            _I,
            [_U32, _U32, _U32, _U32, _U32, ctypes.c_void_p],
        ),
        "ff_test_tcp_dooptions": (_I, [_B, _I, _I, ctypes.POINTER(_U32)]),
        "ff_test_tcp_setflags": (_I, [_P, _I, _U32, _U32]),
    }
)

# TCP states (tcp_fsm.h) and the fields of ff_test_tcp_info(), in order.
TCPS = (
    "CLOSED",
    "LISTEN",
    "SYN_SENT",
    "SYN_RCVD",
    "ESTABLISHED",
    "CLOSE_WAIT",
    "FIN_WAIT_1",
    "CLOSING",
    "LAST_ACK",
    "FIN_WAIT_2",
    "TIME_WAIT",
)
TCP_INFO_FIELDS = (
    "state",
    "flags",
    "iss",
    "irs",
    "snd_una",
    "snd_nxt",
    "snd_max",
    "snd_wnd",
    "rcv_nxt",
    "rcv_adv",
    "cwnd",
    "ssthresh",
    "maxseg",
    "snd_scale",
    "rcv_scale",
    "rxtcur",
    "rxtshift",
    "srtt",
    "dupacks",
    "segqlen",
    "snd_cc",
    "rcv_cc",
)
# tcp.h's TOF_* and FreeBSD's level/option numbers the tests use.
TOF_MSS, TOF_SCALE, TOF_SACKPERM, TOF_TS, TOF_SACK = 1, 2, 4, 0x10, 0x80
IPPROTO_TCP, TCP_NODELAY, TCP_MAXSEG = 6, 1, 2
SHUT_RD, SHUT_WR, SHUT_RDWR = 0, 1, 2


def _tcp_call(name):
    def call(self, *args):
        args = [_b(a) if isinstance(a, str) else a for a in args]
        rc = getattr(self.lib, "ff_test_tcp_" + name)(self.h, *args)
        self.run()  # flush what the call sent
        return rc

    call.__name__ = "tcp_" + name
    call.__doc__ = "ff_test_tcp_%s(): the result, or a negative errno" % name
    return call


for _n in (
    "socket",
    "bind",
    "listen",
    "connect",
    "accept",
    "shutdown",
    "close",
):
    setattr(Stack, "tcp_" + _n, _tcp_call(_n))


def _tcp_setopt(self, fd, level, name, value):
    return self.lib.ff_test_tcp_setopt(self.h, fd, level, name, value)


def _tcp_getopt(self, fd, level, name):
    """(rc, value)."""
    v = _I()
    rc = self.lib.ff_test_tcp_getopt(self.h, fd, level, name, ctypes.byref(v))
    return rc, v.value


def _tcp_send(self, fd, data, run=True):
    rc = self.lib.ff_test_tcp_send(self.h, fd, bytes(data), len(data))
    if run:
        self.run()
    return rc


def _tcp_recv(self, fd, cap=65536):
    """bytes read, or a negative errno (int)."""
    buf = ctypes.create_string_buffer(cap)
    rc = self.lib.ff_test_tcp_recv(self.h, fd, buf, cap)
    self.run()  # a window update may go out
    return buf.raw[:rc] if rc >= 0 else rc


def _tcp_info(self, fd):
    """The control block of fd as a dict (TCP_INFO_FIELDS), or None."""
    out = (_U32 * len(TCP_INFO_FIELDS))()
    rc = self.lib.ff_test_tcp_info(self.h, fd, out, len(out))
    if rc < 0:
        return None
    d = dict(zip(TCP_INFO_FIELDS, out))
    d["state_name"] = TCPS[d["state"]]
    return d


def _tcp_establish(
    self,
    lport,
    fport,
    iss,
    irs,
    faddr="198.18.0.1",
    laddr="198.18.0.2",
    wnd=65535,
    mss=1460,
    tsval=0,
):
    """A connection put straight into ESTABLISHED (no handshake): fd."""
    return _check(
        self.lib.ff_test_tcp_establish(
            self.h,
            _b(laddr),
            lport,
            _b(faddr),
            fport,
            iss & 0xFFFFFFFF,
            irs & 0xFFFFFFFF,
            wnd,
            mss,
            tsval,
        ),
        "tcp_establish",
    )


def tcp_addoptions(flags, mss=0, wscale=0, tsval=0, tsecr=0):
    """tcp_addoptions() of a struct tcpopt: the option bytes."""
    out = ctypes.create_string_buffer(40)
    n = lib().ff_test_tcp_addoptions(flags, mss, wscale, tsval, tsecr, out)
    return out.raw[:n]


def tcp_dooptions(raw, syn=True):
    """tcp_dooptions(): (flags, mss, wscale, tsval, tsecr, nsacks)."""
    out = (_U32 * 6)()
    lib().ff_test_tcp_dooptions(bytes(raw), len(raw), 1 if syn else 0, out)
    return tuple(out)


Stack.tcp_setopt = _tcp_setopt
Stack.tcp_getopt = _tcp_getopt
Stack.tcp_send = _tcp_send
Stack.tcp_recv = _tcp_recv
Stack.tcp_info = _tcp_info
Stack.tcp_establish = _tcp_establish
Stack.tcp_setflags = lambda self, fd, set=0, clr=0: (
    self.lib.ff_test_tcp_setflags(self.h, fd, set, clr)
)


# -- sockets API (libff/src/kern, testport/ff_test_sock.c) ---------------------
#
# `Api(st)' calls the application API (ff_socket, ff_kevent, ...) on stack
# st: each call first points the library at st (ff_test_use), then raises
# OSError(errno) on -1, as the os module does.  Numbers are Linux's (the
# API's boundary): the socket, errno and select modules' constants work.

_SIGNATURES.update(
    {
        "ff_test_use": (_I, [_P]),
        "ff_test_sockets_inuse": (_I, [_P]),
        "ff_test_files_inuse": (_I, [_P]),
    }
)

_SSZ = ctypes.c_ssize_t
_SOCKLEN = ctypes.c_uint32


class SockaddrIn(ctypes.Structure):
    _fields_ = [
        ("sin_family", ctypes.c_uint16),
        ("sin_port", ctypes.c_uint16),
        ("sin_addr", ctypes.c_uint8 * 4),
        ("sin_zero", ctypes.c_uint8 * 8),
    ]


class Kevent(ctypes.Structure):
    """FreeBSD's struct kevent as ff_api.h defines it (64 bytes)."""

    _fields_ = [
        ("ident", ctypes.c_size_t),
        ("filter", ctypes.c_short),
        ("flags", ctypes.c_ushort),
        ("fflags", ctypes.c_uint),
        ("data", ctypes.c_int64),
        ("udata", ctypes.c_void_p),
        ("ext", ctypes.c_uint64 * 4),
    ]


class EpollEvent(ctypes.Structure):
    """Linux's packed struct epoll_event (12 bytes on x86-64)."""

    _pack_ = 1
    _fields_ = [("events", ctypes.c_uint32), ("data", ctypes.c_uint64)]


class ZcMbuf(ctypes.Structure):
    """struct ff_zc_mbuf (ff_api.h): a zero-copy chain the app holds."""

    _fields_ = [
        ("bsd_mbuf", ctypes.c_void_p),
        ("bsd_mbuf_off", ctypes.c_void_p),
        ("off", ctypes.c_int),
        ("len", ctypes.c_int),
    ]


class PollFd(ctypes.Structure):
    _fields_ = [
        ("fd", ctypes.c_int),
        ("events", ctypes.c_short),
        ("revents", ctypes.c_short),
    ]


EVFILT_READ, EVFILT_WRITE = -1, -2
EV_ADD, EV_DELETE, EV_ENABLE, EV_DISABLE = 0x1, 0x2, 0x4, 0x8
EV_ONESHOT, EV_CLEAR, EV_RECEIPT, EV_DISPATCH = 0x10, 0x20, 0x40, 0x80
EV_ERROR, EV_EOF = 0x4000, 0x8000
FIONREAD, FIONBIO = 0x541B, 0x5421

_API_SIGNATURES = {
    "ff_socket": (_I, [_I, _I, _I]),
    "ff_bind": (_I, [_I, ctypes.c_void_p, _SOCKLEN]),
    "ff_connect": (_I, [_I, ctypes.c_void_p, _SOCKLEN]),
    "ff_listen": (_I, [_I, _I]),
    "ff_accept": (_I, [_I, ctypes.c_void_p, ctypes.POINTER(_SOCKLEN)]),
    "ff_accept4": (_I, [_I, ctypes.c_void_p, ctypes.POINTER(_SOCKLEN), _I]),
    "ff_close": (_I, [_I]),
    "ff_shutdown": (_I, [_I, _I]),
    "ff_getsockname": (_I, [_I, ctypes.c_void_p, ctypes.POINTER(_SOCKLEN)]),
    "ff_getpeername": (_I, [_I, ctypes.c_void_p, ctypes.POINTER(_SOCKLEN)]),
    "ff_setsockopt": (_I, [_I, _I, _I, ctypes.c_void_p, _SOCKLEN]),
    "ff_getsockopt": (
        _I,
        [_I, _I, _I, ctypes.c_void_p, ctypes.POINTER(_SOCKLEN)],
    ),
    "ff_read": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t]),
    "ff_write": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t]),
    "ff_send": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t, _I]),
    "ff_recv": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t, _I]),
    "ff_sendto": (
        _SSZ,
        [_I, ctypes.c_void_p, ctypes.c_size_t, _I, ctypes.c_void_p, _SOCKLEN],
    ),
    "ff_recvfrom": (
        _SSZ,
        [
            _I,
            ctypes.c_void_p,
            ctypes.c_size_t,
            _I,
            ctypes.c_void_p,
            ctypes.POINTER(_SOCKLEN),
        ],
    ),
    "ff_ioctl": (_I, [_I, ctypes.c_ulong, ctypes.POINTER(_I)]),
    "ff_fcntl": (_I, [_I, _I, ctypes.c_long]),
    "ff_poll": (_I, [ctypes.c_void_p, ctypes.c_ulong, _I]),
    "ff_kqueue": (_I, []),
    "ff_kevent": (
        _I,
        [_I, ctypes.c_void_p, _I, ctypes.c_void_p, _I, ctypes.c_void_p],
    ),
    "ff_epoll_create": (_I, [_I]),
    "ff_epoll_ctl": (_I, [_I, _I, _I, ctypes.c_void_p]),
    "ff_epoll_wait": (_I, [_I, ctypes.c_void_p, _I, _I]),
    "ff_zc_mbuf_get": (_I, [ctypes.c_void_p, _I]),
    "ff_zc_mbuf_write": (_I, [ctypes.c_void_p, ctypes.c_void_p, _I]),
    "ff_zc_mbuf_read": (_I, [ctypes.c_void_p, ctypes.c_void_p, _I]),
    "ff_zc_mbuf_segment": (
        _I,
        [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(_I)],
    ),
    "ff_zc_mbuf_free": (_I, [ctypes.c_void_p]),
    "ff_zc_send": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t]),
    "ff_zc_recv": (_SSZ, [_I, ctypes.c_void_p, ctypes.c_size_t]),
}

_api_dll = None


def api_lib():
    """libff_test.so opened with errno capture, the API signatures
    declared."""
    global _api_dll
    if _api_dll is None:
        lib()
        dll = ctypes.CDLL(str(libpath()), use_errno=True)
        for name, (res, args) in _API_SIGNATURES.items():
            fn = getattr(dll, name)
            fn.restype, fn.argtypes = res, args
        _api_dll = dll
    return _api_dll


def _ref(m):
    return None if m is None else ctypes.byref(m)


def sockaddr(addr, port):
    sa = SockaddrIn()
    sa.sin_family = 2
    sa.sin_port = ((port & 0xFF) << 8) | (port >> 8)
    sa.sin_addr[:] = [int(x) for x in addr.split(".")]
    return sa


def _sa_tuple(sa):
    port = ((sa.sin_port & 0xFF) << 8) | (sa.sin_port >> 8)
    return ".".join(str(b) for b in sa.sin_addr), port


class Api:
    """The ff_* socket API on one test stack; errors raise OSError."""

    def __init__(self, st):
        self.st = st
        self.dll = api_lib()

    def _call(self, name, *args):
        self.st.lib.ff_test_use(self.st.h)
        rc = getattr(self.dll, name)(*args)
        if rc == -1:
            e = ctypes.get_errno()
            raise OSError(e, "%s: %s" % (name, os.strerror(e)))
        return rc

    # -- sockets ----------------------------------------------------------
    def socket(self, type=2, proto=0, domain=2):
        return self._call("ff_socket", domain, type, proto)

    def bind(self, fd, addr="0.0.0.0", port=0):
        sa = sockaddr(addr, port)
        return self._call("ff_bind", fd, ctypes.byref(sa), ctypes.sizeof(sa))

    def bind_raw(self, fd, raw):
        return self._call("ff_bind", fd, raw, len(raw))

    def connect(self, fd, addr, port):
        sa = sockaddr(addr, port)
        return self._call(
            "ff_connect", fd, ctypes.byref(sa), ctypes.sizeof(sa)
        )

    def connect_raw(self, fd, raw):
        return self._call("ff_connect", fd, raw, len(raw))

    def listen(self, fd, backlog=128):
        return self._call("ff_listen", fd, backlog)

    def accept(self, fd, flags=0):
        """(newfd, (addr, port))."""
        sa, n = SockaddrIn(), _SOCKLEN(ctypes.sizeof(SockaddrIn))
        nfd = self._call(
            "ff_accept4", fd, ctypes.byref(sa), ctypes.byref(n), flags
        )
        return nfd, _sa_tuple(sa)

    def close(self, fd):
        return self._call("ff_close", fd)

    def shutdown(self, fd, how):
        return self._call("ff_shutdown", fd, how)

    def getsockname(self, fd):
        sa, n = SockaddrIn(), _SOCKLEN(ctypes.sizeof(SockaddrIn))
        self._call("ff_getsockname", fd, ctypes.byref(sa), ctypes.byref(n))
        return _sa_tuple(sa)

    def getpeername(self, fd):
        sa, n = SockaddrIn(), _SOCKLEN(ctypes.sizeof(SockaddrIn))
        self._call("ff_getpeername", fd, ctypes.byref(sa), ctypes.byref(n))
        return _sa_tuple(sa)

    def setsockopt(self, fd, level, name, value):
        if isinstance(value, int):
            v = _I(value)
            return self._call(
                "ff_setsockopt", fd, level, name, ctypes.byref(v), 4
            )
        buf = ctypes.create_string_buffer(bytes(value), len(value))
        return self._call("ff_setsockopt", fd, level, name, buf, len(value))

    def getsockopt(self, fd, level, name, size=0):
        """The int value, or `size' raw bytes when size is given."""
        buf = ctypes.create_string_buffer(size or 4)
        n = _SOCKLEN(size or 4)
        self._call("ff_getsockopt", fd, level, name, buf, ctypes.byref(n))
        if size:
            return buf.raw[: n.value]
        return int.from_bytes(buf.raw[:4], "little", signed=True)

    # -- data -------------------------------------------------------------
    def send(self, fd, data, flags=0):
        return self._call("ff_send", fd, bytes(data), len(data), flags)

    def write(self, fd, data):
        return self._call("ff_write", fd, bytes(data), len(data))

    def sendto(self, fd, data, addr, port, flags=0):
        sa = sockaddr(addr, port)
        return self._call(
            "ff_sendto",
            fd,
            bytes(data),
            len(data),
            flags,
            ctypes.byref(sa),
            ctypes.sizeof(sa),
        )

    def recv(self, fd, cap=65536, flags=0):
        buf = ctypes.create_string_buffer(max(cap, 1))
        n = self._call("ff_recv", fd, buf, cap, flags)
        return buf.raw[:n]

    def read(self, fd, cap=65536):
        buf = ctypes.create_string_buffer(max(cap, 1))
        n = self._call("ff_read", fd, buf, cap)
        return buf.raw[:n]

    def recvfrom(self, fd, cap=65536, flags=0):
        """(data, (addr, port))."""
        buf = ctypes.create_string_buffer(max(cap, 1))
        sa, n = SockaddrIn(), _SOCKLEN(ctypes.sizeof(SockaddrIn))
        got = self._call(
            "ff_recvfrom",
            fd,
            buf,
            cap,
            flags,
            ctypes.byref(sa),
            ctypes.byref(n),
        )
        return buf.raw[:got], _sa_tuple(sa)

    def ioctl(self, fd, request, value=0):
        v = _I(value)
        self._call("ff_ioctl", fd, request, ctypes.byref(v))
        return v.value

    def fcntl(self, fd, cmd, arg=0):
        return self._call("ff_fcntl", fd, cmd, arg)

    def poll(self, fds):
        """fds: [(fd, events)] -> [revents]."""
        arr = (PollFd * len(fds))(*[PollFd(fd, ev, 0) for fd, ev in fds])
        self._call("ff_poll", arr, len(fds), 0)
        return [p.revents for p in arr]

    # -- zero copy --------------------------------------------------------
    # m: a ZcMbuf (or None for a NULL pointer); each call raises OSError.
    def zc_get(self, length, m=None):
        m = ZcMbuf() if m is None else m
        self._call("ff_zc_mbuf_get", ctypes.byref(m), length)
        return m

    def zc_write(self, m, data, length=None):
        length = len(data) if length is None else length
        return self._call(
            "ff_zc_mbuf_write", _ref(m), None if data is None else data, length
        )

    def zc_read(self, m, cap):
        buf = ctypes.create_string_buffer(max(cap, 1))
        n = self._call("ff_zc_mbuf_read", _ref(m), buf, cap)
        return buf.raw[:n]

    def zc_segment(self, m):
        """The bytes of the segment at the cursor (b"" at the end)."""
        p, n = ctypes.c_void_p(), _I()
        self._call(
            "ff_zc_mbuf_segment", _ref(m), ctypes.byref(p), ctypes.byref(n)
        )
        return ctypes.string_at(p.value, n.value) if n.value else b""

    def zc_free(self, m):
        return self._call("ff_zc_mbuf_free", _ref(m))

    def zc_send(self, fd, m, nbytes=None):
        nbytes = m.len if nbytes is None else nbytes
        return self._call("ff_zc_send", fd, _ref(m), nbytes)

    def zc_recv(self, fd, nbytes, m=None):
        m = ZcMbuf() if m is None else m
        n = self._call("ff_zc_recv", fd, ctypes.byref(m), nbytes)
        return n, m

    # -- kqueue -----------------------------------------------------------
    def kqueue(self):
        return self._call("ff_kqueue")

    def kevent(self, kq, changes=(), nevents=16):
        """changes: [(ident, filter, flags[, fflags, data, udata])];
        returns [(ident, filter, flags, fflags, data, udata)]."""
        ch = (Kevent * max(len(changes), 1))()
        for i, c in enumerate(changes):
            c = tuple(c) + (0, 0, 0)[len(c) - 3 :]
            ch[i].ident, ch[i].filter, ch[i].flags = c[0], c[1], c[2]
            ch[i].fflags, ch[i].data, ch[i].udata = c[3], c[4], c[5] or None
        ev = (Kevent * max(nevents, 1))()
        n = self._call("ff_kevent", kq, ch, len(changes), ev, nevents, None)
        return [
            (e.ident, e.filter, e.flags, e.fflags, e.data, e.udata or 0)
            for e in ev[:n]
        ]

    # -- epoll ------------------------------------------------------------
    def epoll_create(self, size=1):
        return self._call("ff_epoll_create", size)

    def epoll_ctl(self, ep, op, fd, events=0, data=None):
        ev = EpollEvent(events, fd if data is None else data)
        return self._call("ff_epoll_ctl", ep, op, fd, ctypes.byref(ev))

    def epoll_wait(self, ep, maxevents=16):
        """[(events, data)]."""
        evs = (EpollEvent * max(maxevents, 1))()
        n = self._call("ff_epoll_wait", ep, evs, maxevents, 0)
        return [(e.events, e.data) for e in evs[:n]]


def _stack_sockets_in_use(self):
    """Sockets still allocated (0 after a clean test)."""
    return self.lib.ff_test_sockets_inuse(self.h)


def _stack_files_in_use(self):
    """Descriptors still open (sockets, kqueues, epoll sets)."""
    return self.lib.ff_test_files_inuse(self.h)


def _stack_api(self):
    return Api(self)


Stack.sockets_in_use = _stack_sockets_in_use
Stack.files_in_use = _stack_files_in_use
Stack.api = property(_stack_api)


def ifinfo(st, name="f-stack-0"):
    """Interface name as the ring's FF_IOCTL_LIST reports it (what
    ff-ifconfig shows): flags, mtu, capenable, ..."""
    from fstools import _ffi

    err, _, body = st.msg(
        _ffi.FF_MSG_IOCTL, _ffi.encode_ioctl_req(_ffi.FF_IOCTL_LIST, name)
    )
    assert err == 0, err
    return _ffi.decode_ioctl_reply(body)[0]


def capenable(st, name="f-stack-0"):
    """Interface name's IFCAP_* turned on (ff-ifconfig's options=)."""
    return ifinfo(st, name)["capenable"]
