"""FreeBSD's ipfw(8) rule grammar: text to compiled instructions and back.

A rule is compiled once here, into the instruction list of ff_msg.h
(FreeBSD's ipfw_insn: opcode, length and flags, a 16-bit argument, then
words), and the stack checks it again.  ``compile_rule`` takes the words
after ``add``; ``format_rule`` prints a rule as ``ipfw show`` does:

    >>> r = compile_rule("100 deny tcp from any to me 80".split())
    >>> format_rule(r)
    '00100 deny tcp from any to me 80'

Errors are ``RuleError`` with FreeBSD's wording where it has one
("invalid action foo", "rule number 65536 out of range").
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

from fstools import _ffi as F

__all__ = ["RuleError", "Rule", "compile_rule", "format_rule", "Insn"]


class RuleError(ValueError):
    """A rule the grammar refuses; str() is the message ff-ipfw prints."""


@dataclass
class Insn:
    """One instruction: opcode, F_NOT/F_OR flags, arg1, extra words."""

    op: int
    arg1: int = 0
    words: list = field(default_factory=list)  # 4-byte bytes each
    flags: int = 0

    def encode(self) -> bytes:
        n = 1 + len(self.words)
        return struct.pack("=BBH", self.op, n | self.flags, self.arg1) + (
            b"".join(self.words)
        )


@dataclass
class Rule:
    """A compiled rule: number (0: automatic), set, match and action
    instructions; counters when read back from the stack."""

    rulenum: int = 0
    set: int = 0
    match: list = field(default_factory=list)
    action: list = field(default_factory=list)  # [O_LOG], action
    pcnt: int = 0
    bcnt: int = 0
    timestamp: int = 0

    def encode(self) -> bytes:
        cmd = b"".join(i.encode() for i in self.match)
        act_ofs = len(cmd) // 4
        cmd += b"".join(i.encode() for i in self.action)
        if len(cmd) // 4 > F.FF_IPFW_RULE_WORDS:
            raise RuleError("rule too long")
        return F.encode_ipfw_rule(self.rulenum, self.set, act_ofs, cmd)


def _w(v: int) -> bytes:
    return struct.pack("=I", v & 0xFFFFFFFF)


# -- names --------------------------------------------------------------------

ACTIONS = {
    "allow": F.O_ACCEPT,
    "accept": F.O_ACCEPT,
    "pass": F.O_ACCEPT,
    "permit": F.O_ACCEPT,
    "deny": F.O_DENY,
    "drop": F.O_DENY,
    "count": F.O_COUNT,
    "check-state": F.O_CHECK_STATE,
}
# FreeBSD's icmpcodes (ipfw2.c), unreach's argument.
UNREACH_CODES = {
    "net": 0,
    "host": 1,
    "protocol": 2,
    "port": 3,
    "needfrag": 4,
    "srcfail": 5,
    "net-unknown": 6,
    "host-unknown": 7,
    "isolated": 8,
    "net-prohib": 9,
    "host-prohib": 10,
    "tosnet": 11,
    "toshost": 12,
    "filter-prohib": 13,
    "host-precedence": 14,
    "precedence-cutoff": 15,
}
UNREACH_NAMES = {v: k for k, v in UNREACH_CODES.items()}
PROTOS = {"ip": 0, "all": 0, "icmp": 1, "tcp": 6, "udp": 17}
PROTO_NAMES = {1: "icmp", 6: "tcp", 17: "udp"}
TCPFLAGS = [
    ("fin", 0x01),
    ("syn", 0x02),
    ("rst", 0x04),
    ("psh", 0x08),
    ("ack", 0x10),
    ("urg", 0x20),
]
TH_SYN, TH_ACK = 0x02, 0x10
LIMIT_KEYS = [
    ("src-addr", F.FF_DYN_SRC_ADDR),
    ("src-port", F.FF_DYN_SRC_PORT),
    ("dst-addr", F.FF_DYN_DST_ADDR),
    ("dst-port", F.FF_DYN_DST_PORT),
]
IFACE_OPS = {"via": F.O_VIA, "recv": F.O_RECV, "xmit": F.O_XMIT}
IFACE_NAMES = {v: k for k, v in IFACE_OPS.items()}


# -- parsing helpers -------------------------------------------------------------


def _num(text, what, lo=0, hi=65535):
    try:
        v = int(text, 0) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise RuleError("invalid %s %s" % (what, text)) from None
    if not lo <= v <= hi:
        raise RuleError("%s %s out of range" % (what, text))
    return v


def _addr(text):
    """addr[/len] or addr:mask -> (address bytes, mask bytes)."""
    mask = 32
    if "/" in text:
        text, m = text.split("/", 1)
        mask = _num(m, "mask length", 0, 32)
        mbytes = struct.pack("!I", (0xFFFFFFFF << (32 - mask)) & 0xFFFFFFFF)
    elif ":" in text:
        text, m = text.split(":", 1)
        mbytes = _quad(m)
    else:
        mbytes = b"\xff\xff\xff\xff"
    a = _quad(text)
    a = bytes(x & y for x, y in zip(a, mbytes))
    return a, mbytes


def _quad(text):
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise RuleError("hostname ``%s'' unknown" % text)
    return bytes(int(p) for p in parts)


def _port(text, proto):
    if text.isdigit():
        return _num(text, "port", 0, 65535)
    try:
        return socket.getservbyname(text, PROTO_NAMES.get(proto))
    except (OSError, TypeError):
        raise RuleError("unknown port ``%s''" % text) from None


def _ranges(text, what, proto=None, hi=65535):
    """'80,443,1000-2000' -> words (low | high << 16)."""
    words = []
    for part in text.split(","):
        if not part:
            raise RuleError("invalid %s %s" % (what, text))
        lo_s, _, hi_s = part.partition("-")
        conv = (lambda t: _port(t, proto)) if what == "port" else None
        lo = conv(lo_s) if conv else _num(lo_s, what, 0, hi)
        top = (conv(hi_s) if conv else _num(hi_s, what, 0, hi)) if hi_s else lo
        if top < lo:
            raise RuleError("invalid %s range %s" % (what, part))
        words.append(_w(lo | top << 16))
    return words


def _is_ports(tok, proto):
    if tok is None or tok in KEYWORDS:
        return False
    try:
        _ranges(tok, "port", proto)
        return True
    except RuleError:
        return False


class _Tokens:
    def __init__(self, words):
        self.w = list(words)
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.w[j] if j < len(self.w) else None

    def next(self, what=None):
        if self.i >= len(self.w):
            raise RuleError("missing %s" % (what or "argument"))
        self.i += 1
        return self.w[self.i - 1]

    def done(self):
        return self.i >= len(self.w)


KEYWORDS = {
    "from",
    "to",
    "in",
    "out",
    "via",
    "recv",
    "xmit",
    "setup",
    "established",
    "tcpflags",
    "icmptypes",
    "frag",
    "iplen",
    "ipttl",
    "keep-state",
    "limit",
    "src-port",
    "dst-port",
    "not",
    "or",
    "{",
    "}",
    "proto",
    "src-ip",
    "dst-ip",
}


def _split_words(words):
    """Braces and commas next to them become words of their own."""
    out = []
    for w in words:
        while w.startswith("{") and w != "{":
            out.append("{")
            w = w[1:]
        tail = []
        while w.endswith("}") and w != "}":
            tail.append("}")
            w = w[:-1]
        if w:
            out.append(w)
        out.extend(tail)
    return out


# -- addresses ---------------------------------------------------------------------


def _address(t, src, proto):
    """One address spec (after from/to): instructions (maybe none)."""
    me, mask, lookup = (
        (F.O_IP_SRC_ME, F.O_IP_SRC_MASK, F.O_IP_SRC_LOOKUP)
        if src
        else (F.O_IP_DST_ME, F.O_IP_DST_MASK, F.O_IP_DST_LOOKUP)
    )
    flags = 0
    if t.peek() == "not":
        t.next()
        flags = F.F_NOT
    tok = t.next("address")
    if tok == "{":
        items = []
        while (tok := t.next("}")) != "}":
            items += [x for x in tok.split(",") if x]
        if "or" in items:
            raise RuleError("or-blocks of addresses: use a list a,b")
        tok = ",".join(items)
        if not tok:
            raise RuleError("empty address list")
    if tok == "any":
        if flags:
            raise RuleError("not any: matches nothing")
        return []
    if tok == "me":
        return [Insn(me, flags=flags)]
    if tok.startswith("table(") and tok.endswith(")"):
        inner = tok[6:-1].split(",")
        n = _num(inner[0], "table", 0, F.FF_IPFW_TABLES_MAX - 1)
        val = (
            _num(inner[1], "table value", 0, 0xFFFFFFFE)
            if len(inner) > 1
            else F.FF_IPFW_LOOKUP_ANY
        )
        return [Insn(lookup, n, [_w(val)], flags)]
    words = []
    for part in tok.split(","):
        a, m = _addr(part)
        words += [a, m]
    return [Insn(mask, 0, words, flags)]


def _ports_insn(t, src, proto):
    tok = t.peek()
    if tok is not None and tok[:1].isdigit() and tok not in KEYWORDS:
        _ranges(tok, "port", proto)  # numbers: a bad one is an error
    if not _is_ports(tok, proto):
        return []
    t.next()
    op = F.O_IP_SRCPORT if src else F.O_IP_DSTPORT
    return [Insn(op, 0, _ranges(tok, "port", proto))]


# -- options ------------------------------------------------------------------------


def _tcpflags(text):
    names = dict(TCPFLAGS)
    set_, clear = 0, 0
    for f in text.split(","):
        neg = f.startswith("!")
        f = f.lstrip("!")
        if f not in names:
            raise RuleError("invalid tcpflags %s" % text)
        if neg:
            clear |= names[f]
        else:
            set_ |= names[f]
    return set_ | clear << 8


def _option(t, tok, proto):
    """One option word (already taken) -> instructions."""
    if tok in ("in", "out"):
        return [Insn(F.O_IN, flags=F.F_NOT if tok == "out" else 0)]
    if tok in IFACE_OPS:
        name = t.next("interface").encode()
        if len(name) >= F.FF_IFNAMSIZ:
            raise RuleError("interface name too long: %s" % name.decode())
        raw = name.ljust(F.FF_IFNAMSIZ, b"\0")
        words = [raw[i : i + 4] for i in range(0, F.FF_IFNAMSIZ, 4)]
        return [Insn(IFACE_OPS[tok], 0, words)]
    if tok == "setup":
        return [Insn(F.O_TCPFLAGS, TH_SYN | TH_ACK << 8)]
    if tok == "established":
        return [Insn(F.O_ESTAB)]
    if tok == "tcpflags":
        return [Insn(F.O_TCPFLAGS, _tcpflags(t.next("tcpflags")))]
    if tok == "icmptypes":
        bits = 0
        for x in t.next("icmptypes").split(","):
            bits |= 1 << _num(x, "icmptype", 0, 31)
        return [Insn(F.O_ICMPTYPE, 0, [_w(bits)])]
    if tok == "frag":
        return [Insn(F.O_FRAG)]
    if tok == "iplen":
        return [Insn(F.O_IPLEN, 0, _ranges(t.next("iplen"), "iplen"))]
    if tok == "ipttl":
        return [Insn(F.O_IPTTL, 0, _ranges(t.next("ipttl"), "ipttl", hi=255))]
    if tok in ("src-port", "dst-port"):
        op = F.O_IP_SRCPORT if tok == "src-port" else F.O_IP_DSTPORT
        return [Insn(op, 0, _ranges(t.next("port"), "port", proto))]
    if tok in ("src-ip", "dst-ip"):
        return _address(t, tok == "src-ip", proto)
    if tok == "proto":
        return [Insn(F.O_PROTO, _proto(t.next("protocol")))]
    if tok == "keep-state":
        return [Insn(F.O_KEEP_STATE)]
    if tok == "limit":
        return [_limit(t)]
    raise RuleError("unrecognised option [%d] %s" % (t.i, tok))


def _limit(t):
    keys = dict(LIMIT_KEYS)
    mask = 0
    while t.peek() in keys:
        mask |= keys[t.next()]
    if mask == 0:
        raise RuleError("limit needs src-addr, src-port, dst-addr or dst-port")
    n = _num(t.next("limit count"), "limit", 1, 65535)
    return Insn(F.O_LIMIT, n, [_w(mask)])


def _proto(tok):
    if tok in PROTOS:
        return PROTOS[tok]
    if tok.isdigit():
        return _num(tok, "protocol", 0, 255)
    try:
        return socket.getprotobyname(tok)
    except OSError:
        raise RuleError("invalid protocol ``%s''" % tok) from None


def _options(t, proto):
    out, state = [], []
    while not t.done():
        tok = t.next()
        if tok == "{":
            out += _or_block(t, proto)
            continue
        neg = 0
        if tok == "not":
            neg, tok = F.F_NOT, t.next("option")
        ins = _option(t, tok, proto)
        if neg:
            if len(ins) != 1 or ins[0].op in (F.O_KEEP_STATE, F.O_LIMIT):
                raise RuleError("not %s: cannot be negated" % tok)
            ins[0].flags ^= F.F_NOT
        if ins and ins[0].op in (F.O_KEEP_STATE, F.O_LIMIT):
            if state:
                raise RuleError("only one of keep-state and limit")
            state = ins
        else:
            out += ins
    return out + state  # keep-state and limit last, as FreeBSD's


def _or_block(t, proto):
    """'{ opt or opt ... }' -> instructions, all but the last with F_OR."""
    block = []
    while True:
        tok = t.next("}")
        if tok == "}":
            break
        if tok == "or":
            continue
        neg = 0
        if tok == "not":
            neg, tok = F.F_NOT, t.next("option")
        ins = _option(t, tok, proto)
        if len(ins) != 1 or ins[0].op in (F.O_KEEP_STATE, F.O_LIMIT):
            raise RuleError("%s cannot be in an or-block" % tok)
        ins[0].flags ^= neg
        block += ins
    if not block:
        raise RuleError("empty or-block")
    for i in block[:-1]:
        i.flags |= F.F_OR
    return block


# -- the rule ---------------------------------------------------------------------


def _action(t):
    tok = t.next("action")
    if tok in ACTIONS:
        return Insn(ACTIONS[tok])
    if tok == "reject":
        return Insn(F.O_REJECT, UNREACH_CODES["host"])
    if tok == "reset":
        return Insn(F.O_REJECT, F.ICMP_REJECT_RST)
    if tok == "unreach":
        code = t.next("unreach code")
        if code in UNREACH_CODES:
            return Insn(F.O_REJECT, UNREACH_CODES[code])
        return Insn(F.O_REJECT, _num(code, "unreach code", 0, 15))
    if tok in ("skipto", "call"):
        arg = t.next("rule number")
        n = (
            F.IP_FW_TARG
            if arg == "tablearg"
            else _num(arg, "rule number", 1, 65535)
        )
        return Insn(F.O_SKIPTO if tok == "skipto" else F.O_CALLRETURN, n)
    if tok == "return":
        return Insn(F.O_CALLRETURN, 0, flags=F.F_NOT)
    if tok == "nat":
        return Insn(F.O_NAT, _num(t.next("nat instance"), "nat", 1, 65535))
    raise RuleError("invalid action %s" % tok)


def _head(t, rule):
    """[num] [set N] [prob p]: the prob instruction, or None."""
    if t.peek() is not None and t.peek().isdigit():
        rule.rulenum = _num(t.next(), "rule number", 0, 65535)
        if rule.rulenum == 65535:
            raise RuleError("rule number 65535 is the default rule")
    if t.peek() == "set":
        t.next()
        rule.set = _num(t.next("set"), "set", 0, 31)
    if t.peek() == "prob":
        t.next()
        try:
            p = float(t.next("probability"))
        except ValueError:
            raise RuleError("illegal match prob.") from None
        if not 0 < p <= 1:
            raise RuleError("illegal match prob. %s" % p)
        if p < 1:
            return Insn(F.O_PROB, 0, [_w(int(p * 0x7FFFFFFF))])
    return None


def _log(t):
    if t.peek() != "log":
        return []
    t.next()
    amount = 0
    if t.peek() == "logamount":
        t.next()
        amount = _num(t.next("logamount"), "logamount", 0, 65535)
    return [Insn(F.O_LOG, amount)]


def _body(t):
    """proto from src [ports] to dst [ports] [options] -> instructions."""
    proto = _proto(t.next("protocol"))
    out = [Insn(F.O_PROTO, proto)] if proto else []
    if t.next("from") != "from":
        raise RuleError("missing ``from''")
    out += _address(t, True, proto)
    out += _ports_insn(t, True, proto)
    if t.next("to") != "to":
        raise RuleError("missing ``to''")
    out += _address(t, False, proto)
    out += _ports_insn(t, False, proto)
    return out + _options(t, proto)


def compile_rule(words) -> Rule:
    """The words of ``add`` (without it) -> Rule; RuleError when bad."""
    if isinstance(words, str):
        words = words.split()
    t = _Tokens(_split_words(words))
    rule = Rule()
    prob = _head(t, rule)
    act = _action(t)
    log = _log(t)
    rule.action = log + [act]
    if act.op == F.O_CHECK_STATE and t.done():
        rule.match = [prob] if prob else []
        return rule
    if t.done():
        raise RuleError("missing protocol")
    rule.match = ([prob] if prob else []) + _body(t)
    return rule


# -- decoding and printing ----------------------------------------------------------


def decode_cmd(cmd: bytes, act_ofs: int):
    """Instruction words -> (match Insns, action Insns)."""
    out, pos = [], 0
    while pos + 4 <= len(cmd):
        op, ln, arg1 = struct.unpack_from("=BBH", cmd, pos)
        n = ln & F.F_LEN_MASK
        if n == 0:
            break
        words = [cmd[pos + 4 * k : pos + 4 * k + 4] for k in range(1, n)]
        out.append((pos // 4, Insn(op, arg1, words, ln & (F.F_NOT | F.F_OR))))
        pos += 4 * n
    match = [i for p, i in out if p < act_ofs]
    action = [i for p, i in out if p >= act_ofs]
    return match, action


def rule_from_record(rec) -> Rule:
    match, action = decode_cmd(rec["cmd"], rec["r_act_ofs"])
    return Rule(
        rulenum=rec["r_rulenum"],
        set=rec["r_set"],
        match=match,
        action=action,
        pcnt=rec["r_pcnt"],
        bcnt=rec["r_bcnt"],
        timestamp=rec["r_timestamp"],
    )


def _u32(word):
    return struct.unpack("=I", word)[0]


def _fmt_ranges(i):
    out = []
    for w in i.words:
        v = _u32(w)
        lo, hi = v & 0xFFFF, v >> 16
        out.append(str(lo) if lo == hi else "%d-%d" % (lo, hi))
    return ",".join(out)


def _fmt_addr(i):
    if i.op in (F.O_IP_SRC_ME, F.O_IP_DST_ME):
        return "me"
    if i.op in (F.O_IP_SRC_LOOKUP, F.O_IP_DST_LOOKUP):
        v = _u32(i.words[0])
        if v == F.FF_IPFW_LOOKUP_ANY:
            return "table(%d)" % i.arg1
        return "table(%d,%d)" % (i.arg1, v)
    parts = []
    for k in range(0, len(i.words), 2):
        a, m = i.words[k], i.words[k + 1]
        plen = bin(int.from_bytes(m, "big")).count("1")
        mask_ok = int.from_bytes(m, "big") == (
            (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
        )
        s = socket.inet_ntoa(a)
        if not mask_ok:
            s += ":" + socket.inet_ntoa(m)
        elif plen != 32:
            s += "/%d" % plen
        parts.append(s)
    return ",".join(parts)


def _fmt_tcpflags(arg):
    set_, clear = arg & 0xFF, arg >> 8
    if set_ == TH_SYN and clear == TH_ACK:
        return "setup"
    out = [n for n, b in TCPFLAGS if set_ & b] + [
        "!" + n for n, b in TCPFLAGS if clear & b
    ]
    return "tcpflags " + ",".join(out)


def _fmt_option(i):
    op = i.op
    if op == F.O_IN:
        return "out" if i.flags & F.F_NOT else "in"
    neg = "not " if i.flags & F.F_NOT else ""
    if op in IFACE_NAMES:
        name = b"".join(i.words).split(b"\0")[0].decode()
        return neg + "%s %s" % (IFACE_NAMES[op], name)
    if op == F.O_TCPFLAGS:
        return neg + _fmt_tcpflags(i.arg1)
    if op == F.O_ESTAB:
        return neg + "established"
    if op == F.O_ICMPTYPE:
        bits = _u32(i.words[0])
        return (
            neg
            + "icmptypes "
            + ",".join(str(k) for k in range(32) if bits >> k & 1)
        )
    if op == F.O_FRAG:
        return neg + "frag"
    if op == F.O_IPLEN:
        return neg + "iplen " + _fmt_ranges(i)
    if op == F.O_IPTTL:
        return neg + "ipttl " + _fmt_ranges(i)
    if op == F.O_IP_SRCPORT:
        return neg + "src-port " + _fmt_ranges(i)
    if op == F.O_IP_DSTPORT:
        return neg + "dst-port " + _fmt_ranges(i)
    if op in (F.O_IP_SRC_ME, F.O_IP_SRC_MASK, F.O_IP_SRC_LOOKUP):
        return neg + "src-ip " + _fmt_addr(i)
    if op in (F.O_IP_DST_ME, F.O_IP_DST_MASK, F.O_IP_DST_LOOKUP):
        return neg + "dst-ip " + _fmt_addr(i)
    if op == F.O_PROTO:
        return neg + "proto " + PROTO_NAMES.get(i.arg1, str(i.arg1))
    if op == F.O_KEEP_STATE:
        return "keep-state"
    if op == F.O_LIMIT:
        mask = _u32(i.words[0])
        keys = " ".join(n for n, b in LIMIT_KEYS if mask & b)
        return "limit %s %d" % (keys, i.arg1)
    return "[opcode %d]" % op


def _fmt_action(act):
    op, arg = act.op, act.arg1
    if op == F.O_ACCEPT:
        return "allow"
    if op == F.O_DENY:
        return "deny"
    if op == F.O_COUNT:
        return "count"
    if op == F.O_CHECK_STATE:
        return "check-state"
    if op == F.O_REJECT:
        if arg == F.ICMP_REJECT_RST:
            return "reset"
        if arg == UNREACH_CODES["host"]:
            return "reject"
        return "unreach " + UNREACH_NAMES.get(arg, str(arg))
    targ = "tablearg" if arg == F.IP_FW_TARG else str(arg)
    if op == F.O_SKIPTO:
        return "skipto " + targ
    if op == F.O_CALLRETURN:
        return "return" if act.flags & F.F_NOT else "call " + targ
    if op == F.O_NAT:
        return "nat %d" % arg
    return "[action %d]" % op


def _take(match, ops):
    """The leading instructions of match whose opcode is in ops."""
    n = 0
    while (
        n < len(match) and match[n].op in ops and not match[n].flags & F.F_OR
    ):
        n += 1
    return match[:n], match[n:]


def format_body(rule: Rule) -> str:
    """What follows the action: 'tcp from any to me 80 setup'."""
    match = list(rule.match)
    if match and match[0].op == F.O_PROB:
        match.pop(0)
    if not match and rule.action[-1].op == F.O_CHECK_STATE:
        return ""
    proto = "ip"
    if match and match[0].op == F.O_PROTO and not match[0].flags:
        p = match.pop(0).arg1
        proto = PROTO_NAMES.get(p, str(p))
    src, match = _take(
        match, (F.O_IP_SRC_ME, F.O_IP_SRC_MASK, F.O_IP_SRC_LOOKUP)
    )
    sport, match = _take(match, (F.O_IP_SRCPORT,))
    dst, match = _take(
        match, (F.O_IP_DST_ME, F.O_IP_DST_MASK, F.O_IP_DST_LOOKUP)
    )
    dport, match = _take(match, (F.O_IP_DSTPORT,))

    def side(addrs, ports):
        s = " ".join(
            ("not " if a.flags & F.F_NOT else "") + _fmt_addr(a) for a in addrs
        )
        s = s or "any"
        if ports:
            s += " " + " ".join(
                ("not " if p.flags & F.F_NOT else "") + _fmt_ranges(p)
                for p in ports
            )
        return s

    words = [proto, "from", side(src, sport), "to", side(dst, dport)]
    block = []
    for i in match:
        block.append(_fmt_option(i))
        if i.flags & F.F_OR:
            continue
        if len(block) > 1:
            words.append("{ " + " or ".join(block) + " }")
        else:
            words.append(block[0])
        block = []
    return " ".join(words)


def format_action(rule: Rule) -> str:
    """'[prob p] action [log [logamount n]]'."""
    out = []
    if rule.match and rule.match[0].op == F.O_PROB:
        p = _u32(rule.match[0].words[0]) / 0x7FFFFFFF
        out.append("prob %f" % p)
    act = rule.action[-1]
    out.append(_fmt_action(act))
    if len(rule.action) > 1 and rule.action[0].op == F.O_LOG:
        amount = rule.action[0].arg1
        out.append("log logamount %d" % amount if amount else "log")
    return " ".join(out)


def format_rule(rule: Rule, counters=None, set_=False) -> str:
    """One line of ``ipfw list`` (``counters``: (pcnt width, bcnt width)
    for ``show``; ``set_`` adds ``set N`` as -S does)."""
    head = "%05d" % rule.rulenum
    if counters is not None:
        head += " %*d %*d" % (counters[0], rule.pcnt, counters[1], rule.bcnt)
    if set_:
        head += " set %d" % rule.set
    body = format_body(rule)
    return " ".join(x for x in (head, format_action(rule), body) if x)
