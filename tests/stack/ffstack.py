"""The deterministic test port of libff, from Python.

This module is the only place in tests/stack that loads libff.so for the
stack tests: one table of signatures (`_SIGNATURES`), one place where a
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

from scapy.layers.l2 import Ether

REPO = Path(__file__).resolve().parent.parent.parent

# DPDK mbuf offload flags the tests hand in (rte_mbuf_core.h).
RX_IP_CKSUM_BAD = 1 << 4
RX_IP_CKSUM_GOOD = 1 << 7
RX_VLAN = 1 << 0
RX_VLAN_STRIPPED = 1 << 6
RX_OFFLOAD_IPV4_CKSUM = 1 << 1       # RTE_ETH_RX_OFFLOAD_IPV4_CKSUM

# Stack flags the tests use.
RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_REJECT = 0x1, 0x2, 0x4, 0x8
RTF_STATIC, RTF_BLACKHOLE, RTF_PINNED, RTF_LOCAL = (0x800, 0x1000,
                                                    0x100000, 0x200000)
LLE_STATIC, LLE_VALID, LLE_PUB = 0x2, 0x8, 0x20
IFF_UP, IFF_PROMISC = 0x1, 0x100

_P, _I, _U32, _U64 = (ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32,
                      ctypes.c_uint64)
_S, _B = ctypes.c_char_p, ctypes.c_char_p

# name: (restype, argtypes)
_SIGNATURES = {
    "ff_test_eal_init": (_I, [_I]),
    "ff_test_create": (_P, [_S, ctypes.c_char_p, ctypes.c_size_t]),
    "ff_test_destroy": (_I, [_P]),
    "ff_test_inject": (_I, [_P, _I, _B, _U32, _U64]),
    "ff_test_run": (_I, [_P]),
    "ff_test_advance": (_I, [_P, _U64, _U64]),
    "ff_test_now": (_U64, [_P]),
    "ff_test_pop": (_I, [_P, _I, ctypes.c_void_p, _U32]),
    "ff_test_tx_pending": (_I, [_P, _I]),
    "ff_test_mbufs_in_use": (_I, [_P]),
    "ff_test_port_mac": (_I, [_P, _I, ctypes.c_void_p]),
    "ff_test_port_offloads": (_I, [_P, _I, _U64, _U64]),
    "ff_test_sysctl_set": (_I, [_P, _S, _S]),
    "ff_test_counter": (_I, [_P, _S, ctypes.POINTER(_U64)]),
    "ff_test_fuzz": (_I, [_P, _U64, _U32, _B, ctypes.POINTER(_U32), _U32]),
    "ff_test_route_add": (_I, [_P, _S, _I, _S, _S, _U32]),
    "ff_test_route_delete": (_I, [_P, _S, _I]),
    "ff_test_route_get": (_I, [_P, _S, ctypes.c_char_p, ctypes.c_size_t]),
    "ff_test_route_count": (_I, [_P]),
    "ff_test_arp_add": (_I, [_P, _S, _B, _I]),
    "ff_test_arp_delete": (_I, [_P, _S]),
    "ff_test_arp_get": (_I, [_P, _S, ctypes.c_void_p,
                             ctypes.POINTER(_I),
                             ctypes.POINTER(ctypes.c_int64)]),
    "ff_test_arp_count": (_I, [_P]),
    "ff_test_ifaddr_add": (_I, [_P, _S, _S, _I]),
    "ff_test_ifaddr_delete": (_I, [_P, _S, _S]),
    "ff_test_if_setflags": (_I, [_P, _S, _U32]),
    "ff_test_ip_output": (_I, [_P, _S, _S, _I, _B, _U32, _I]),
}

_lib = None


def libpath():
    return Path(os.environ.get("FF_LIBFF") or REPO / "libff" / "libff.so")


def lib():
    """libff.so with every signature declared, the EAL started once."""
    global _lib
    if _lib is None:
        dll = ctypes.CDLL(str(libpath()))
        for name, (res, args) in _SIGNATURES.items():
            fn = getattr(dll, name)         # AttributeError: missing symbol
            fn.restype, fn.argtypes = res, args
        rc = dll.ff_test_eal_init(int(os.environ.get("FF_TEST_LOGLEVEL",
                                                     "1")))
        if rc != 0:
            raise OSError(-rc, "EAL init: " + os.strerror(-rc))
        _lib = dll
    return _lib


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


class Stack:
    """One stack on the test port (a fresh one per test)."""

    POP_CAP = 65536

    def __init__(self, config=CONFIG, drain=True):
        self.lib = lib()
        err = ctypes.create_string_buffer(512)
        h = self.lib.ff_test_create(_b(config), err, len(err))
        if not h:
            raise StackError(errno.EINVAL, err.value.decode())
        self.h = h
        self._buf = ctypes.create_string_buffer(self.POP_CAP)
        self.run()
        if drain:                       # gratuitous ARP of the addresses
            self.drain()

    # -- life -------------------------------------------------------------
    def destroy(self):
        """Free the stack; returns the mbufs still missing from its pool."""
        h, self.h = self.h, None
        return self.lib.ff_test_destroy(h) if h else 0

    def mbufs_in_use(self):
        return self.lib.ff_test_mbufs_in_use(self.h)

    # -- frames -----------------------------------------------------------
    def mac(self, port=0):
        raw = ctypes.create_string_buffer(6)
        _check(self.lib.ff_test_port_mac(self.h, port, raw), "port_mac")
        return _mac_str(raw.raw)

    def inject(self, pkt, port=0, ol_flags=0, run=True):
        raw = bytes(pkt)
        _check(self.lib.ff_test_inject(self.h, port, raw, len(raw),
                                       ol_flags), "inject")
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
        n = _check(self.lib.ff_test_pop(self.h, port, self._buf,
                                        self.POP_CAP), "pop")
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
        _check(self.lib.ff_test_counter(self.h, _b(name), ctypes.byref(v)),
               "counter " + name)
        return v.value

    def counters(self, *names):
        return {n: self.counter(n) for n in names}

    def sysctl(self, name, value):
        _check(self.lib.ff_test_sysctl_set(self.h, _b(name), _b(str(value))),
               "sysctl " + name)

    def offloads(self, port=0, rx=0, tx=0):
        _check(self.lib.ff_test_port_offloads(self.h, port, rx, tx),
               "offloads")

    def fuzz(self, seed, count, corpus):
        raw = [bytes(p) for p in corpus]
        lens = (_U32 * len(raw))(*[len(r) for r in raw])
        return _check(self.lib.ff_test_fuzz(self.h, seed, count,
                                             b"".join(raw), lens, len(raw)),
                      "fuzz")

    # -- internal API ---------------------------------------------------------
    def route_add(self, dst, plen, gw=None, ifname=None, flags=0):
        return self.lib.ff_test_route_add(self.h, _b(dst), plen,
                                          _b(gw or ""), _b(ifname or ""),
                                          flags)

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

    def arp_add(self, addr, mac, flags=0):
        return self.lib.ff_test_arp_add(self.h, _b(addr), _mac_bytes(mac),
                                        flags)

    def arp_delete(self, addr):
        return self.lib.ff_test_arp_delete(self.h, _b(addr))

    def arp_get(self, addr):
        """(mac, flags, seconds left or -1) or None."""
        mac = ctypes.create_string_buffer(6)
        fl, exp = _I(), ctypes.c_int64()
        rc = self.lib.ff_test_arp_get(self.h, _b(addr), mac,
                                      ctypes.byref(fl), ctypes.byref(exp))
        if rc == -errno.ENOENT:
            return None
        _check(rc, "arp_get")
        return _mac_str(mac.raw), fl.value, exp.value

    def arp_count(self):
        return self.lib.ff_test_arp_count(self.h)

    def ifaddr_add(self, ifname, addr, plen):
        rc = self.lib.ff_test_ifaddr_add(self.h, _b(ifname), _b(addr), plen)
        self.run()                      # flush the gratuitous ARP
        return rc

    def ifaddr_delete(self, ifname, addr):
        return self.lib.ff_test_ifaddr_delete(self.h, _b(ifname), _b(addr))

    def if_setflags(self, ifname, flags):
        return self.lib.ff_test_if_setflags(self.h, _b(ifname), flags)

    def ip_output(self, dst, proto=253, payload=b"x" * 8, src=None, flags=0):
        """ip_output_consume() on a fresh datagram: 0 or a negative errno."""
        rc = self.lib.ff_test_ip_output(self.h, _b(src or ""), _b(dst),
                                        proto, payload, len(payload), flags)
        self.run()
        return rc


# -- the message ring's answer path, without the ring (ff_test_msg) ----------

MSG_CAP = 65536


def _msg_fn():
    fn = lib().ff_test_msg
    fn.restype = _I
    fn.argtypes = [_P, _B, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
    return fn


def _stack_msg(self, msg_type, body=b"", cursor=0, fm_len=None, raw=None,
               seq=7):
    """Answer one request as the ring server would.

    Returns (fm_error, fm_cursor, reply body).  ``raw`` sends those bytes
    as the whole message; ``fm_len`` lies about the length.
    """
    from fstools import _ffi
    if raw is None:
        length = _ffi.HDR_SIZE + len(body)
        raw = _ffi.encode_header(
            fm_magic=_ffi.FF_MSG_MAGIC, fm_version=_ffi.FF_MSG_ABI_VERSION,
            fm_type=msg_type, fm_len=length if fm_len is None else fm_len,
            fm_cursor=cursor, fm_seq=seq) + bytes(body)
    rep = ctypes.create_string_buffer(MSG_CAP)
    n = _check(_msg_fn()(self.h, raw, len(raw), rep, MSG_CAP), "msg")
    h = _ffi.decode("ff_msg_hdr", rep.raw[:_ffi.HDR_SIZE])
    assert h["fm_flags"] & _ffi.FF_MSGF_REPLY and h["fm_len"] == n
    self.run()
    return h["fm_error"], h["fm_cursor"], rep.raw[_ffi.HDR_SIZE:n]


Stack.msg = _stack_msg
