"""Helpers of the ipfw stack tests: rules compiled by ff-ipfw's own
grammar (fstools.ipfw_rule) and sent through the tools' message path
(ff_test_msg), frames from the peer, and the question every test asks:
did the packet get through the firewall?"""

import struct

from scapy.layers.inet import IP
from scapy.layers.l2 import Ether

from ffstack import OUR_IP, PEER_IP, PEER_MAC
from fstools import _ffi
from fstools.ipfw_rule import compile_rule, format_rule, rule_from_record

DENY_CONFIG_BOOT = "\n[freebsd.boot]\nnet.inet.ip.fw.default_to_accept=0\n"


def ipfw(st, op, data=b"", count=0, cursor=0, **kw):
    """One FF_MSG_IPFW request: (fm_error, fm_cursor, head, records)."""
    body = _ffi.encode_ipfw_req(op, data, count, **kw)
    err, cur, rep = st.msg(_ffi.FF_MSG_IPFW, body, cursor=cursor)
    if err:
        return err, cur, None, b""
    head, recs = _ffi.decode_ipfw_reply(rep)
    return err, cur, head, recs


def add(st, *texts, expect=0):
    """Add rules (ipfw add syntax); returns the stack's answer errno."""
    data = b"".join(compile_rule(t.split()).encode() for t in texts)
    err, _, head, recs = ipfw(st, _ffi.FF_IPFW_ADD, data, len(texts))
    assert err == expect, "add %r: errno %d" % (texts, err)
    return err


def rules(st, first=0, last=0):
    """Every rule, multi-part, as ipfw_rule.Rule."""
    out, cursor = [], 0
    while True:
        err, cursor, head, recs = ipfw(
            st,
            _ffi.FF_IPFW_LIST,
            cursor=cursor,
            rulenum=first,
            rulenum2=last,
        )
        assert err == 0
        out += [
            rule_from_record(r)
            for r in _ffi.decode_ipfw_rules(recs, head["fp_count"])
        ]
        if cursor == 0:
            return out


def listing(st):
    return [format_rule(r) for r in rules(st)]


def rule(st, num):
    (r,) = [r for r in rules(st) if r.rulenum == num]
    return r


def fwstat(st, name):
    return st.sysctl_stats("net.inet.ip.fw.stats")[name]


def to_us(st, l3, src=PEER_IP, **ipkw):
    return (
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=src, dst=OUR_IP, **ipkw)
        / l3
    )


def passes(st, l3, src=PEER_IP, **ipkw):
    """Inject l3 from the peer: True when IP delivered it (the firewall
    let it in), the frames the stack sent in answer drained."""
    before = st.counter("ip.ips_delivered")
    pkt = (
        Ether(dst=st.mac(), src=PEER_MAC)
        / IP(src=src, dst=OUR_IP, **ipkw)
        / l3
    )
    st.inject(pkt)
    return st.counter("ip.ips_delivered") > before


def udp_bytes(sport, dport, payload=b"x"):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


class LogCapture:
    """The stack's log lines written while the block runs."""

    def __init__(self, path):
        self.path = path
        self.lines = []

    def __enter__(self):
        import ctypes

        from ffstack import lib

        fn = lib().ff_test_log_capture
        fn.restype, fn.argtypes = ctypes.c_int, [ctypes.c_char_p]
        self._fn = fn
        assert fn(str(self.path).encode()) == 0
        return self

    def __exit__(self, *exc):
        self._fn(None)
        self.lines = self.path.read_text().splitlines()
        return False
