"""Firewall rules, dynamic rules and tables as FreeBSD's ipfw(8) prints
them, and as --json.

Used by ff-ipfw.  Golden tests: tests/unit/test_ipfw_tool.py.
"""

import socket
import time

from fstools.ipfw_rule import PROTO_NAMES, format_action, format_body

RULE_KEYS = (
    "proc_id",
    "rulenum",
    "set",
    "packets",
    "bytes",
    "last_match",
    "action",
    "body",
    "text",
)
STATE_KEYS = (
    "proc_id",
    "rulenum",
    "kind",
    "proto",
    "src",
    "sport",
    "dst",
    "dport",
    "expire",
    "packets",
    "bytes",
)
ENTRY_KEYS = ("proc_id", "table", "addr", "masklen", "value")
TABLE_KEYS = ("proc_id", "table", "count", "limit", "rules")


def _body(rule, compact=False, names=False):
    body = format_body(rule)
    if compact and body.startswith("ip from any to any"):
        body = body[len("ip from any to any") :].strip()
    if names:
        body = " ".join(_port_name(w, body) for w in body.split(" "))
    return body


def _port_name(word, body):
    """-N: a single numeric port as /etc/services names it."""
    proto = body.split(" ", 1)[0]
    if not word.isdigit() or proto not in ("tcp", "udp"):
        return word
    try:
        return socket.getservbyport(int(word), proto)
    except (OSError, OverflowError):
        return word


def widths(rules, states=()):
    """The packet and byte columns' widths, as ipfw show sizes them."""
    items = list(rules) + list(states)
    pw = max((len(str(r.pcnt)) for r in items), default=1)
    bw = max((len(str(r.bcnt)) for r in items), default=1)
    return pw, bw


def _stamp(rule, width=20):
    if not rule.timestamp:
        return " " * width
    return time.strftime("%b %e %H:%M:%S %Y", time.localtime(rule.timestamp))


def rule_line(
    rule,
    counters=None,
    show_set=False,
    stamps=False,
    compact=False,
    names=False,
):
    """One ``ipfw [-a] [-S] [-t] list`` line."""
    head = "%05d" % rule.rulenum
    if counters is not None:
        head += " %*d %*d" % (counters[0], rule.pcnt, counters[1], rule.bcnt)
    if stamps:
        head += " " + _stamp(rule)
    if show_set:
        head += " set %d" % rule.set
    parts = [head, format_action(rule), _body(rule, compact, names)]
    return " ".join(p for p in parts if p)


def json_rule(proc, rule):
    return {
        "proc_id": proc,
        "rulenum": rule.rulenum,
        "set": rule.set,
        "packets": rule.pcnt,
        "bytes": rule.bcnt,
        "last_match": rule.timestamp or None,
        "action": format_action(rule),
        "body": format_body(rule),
        "text": rule_line(rule),
    }


def state_line(s, counters):
    """One dynamic rule: FreeBSD's ``STATE`` / ``LIMIT`` line."""
    proto = PROTO_NAMES.get(s.proto, str(s.proto))
    return "%05d %*d %*d (%ds) %s %s %s %d <-> %s %d" % (
        s.rulenum,
        counters[0],
        s.pcnt,
        counters[1],
        s.bcnt,
        s.expire,
        "LIMIT" if s.kind == "limit" else "STATE",
        proto,
        s.src,
        s.sport,
        s.dst,
        s.dport,
    )


def json_state(s):
    return {
        "proc_id": s.proc_id,
        "rulenum": s.rulenum,
        "kind": s.kind,
        "proto": s.proto,
        "src": s.src,
        "sport": s.sport,
        "dst": s.dst,
        "dport": s.dport,
        "expire": s.expire,
        "packets": s.pcnt,
        "bytes": s.bcnt,
    }


def entry_line(e):
    return "%s/%d %d" % (e.addr, e.masklen, e.value)


def json_entry(proc, e):
    return {
        "proc_id": proc,
        "table": e.table,
        "addr": e.addr,
        "masklen": e.masklen,
        "value": e.value,
    }


def table_lines(t):
    """``ipfw table N info``."""
    return [
        "--- table(%d), set(0) ---" % t.table,
        " kindex: %d, type: addr" % t.table,
        " references: %d, valtype: legacy" % t.refcnt,
        " algorithm: addr:radix (rte_rib)",
        " items: %d, size: %d" % (t.count, t.limit),
    ]


def json_table(proc, t):
    return {
        "proc_id": proc,
        "table": t.table,
        "count": t.count,
        "limit": t.limit,
        "rules": t.refcnt,
    }


def sets_line(disabled):
    """``ipfw set show``: the disabled sets, then the enabled ones."""
    off = [str(i) for i in range(32) if disabled >> i & 1]
    on = [str(i) for i in range(32) if not disabled >> i & 1]
    out = ("disable " + " ".join(off) + " ") if off else ""
    return out + "enable " + " ".join(on)


NAT_KEYS = (
    "proc_id",
    "nat",
    "ip",
    "same_ports",
    "reset",
    "redirects",
    "states",
    "tcp",
    "udp",
    "icmp",
    "in",
    "out",
    "new",
    "full",
    "expired",
    "frag",
    "reset_dropped",
)


def json_nat(n):
    """One NAT instance: its configuration and counters (NAT_KEYS)."""
    c = n.config
    return {
        "proc_id": n.proc_id,
        "nat": c.nat,
        "ip": c.ip,
        "same_ports": c.same_ports,
        "reset": c.reset,
        "redirects": [
            {
                "mode": r.mode,
                "proto": r.proto,
                "public_addr": r.public_addr or c.ip,
                "public_port": r.public_port,
                "backends": [
                    {"addr": a, "port": p, "flows": f}
                    for a, p, f in r.backends
                ],
            }
            for r in c.redirects
        ],
        "states": n.states,
        "tcp": n.tcp,
        "udp": n.udp,
        "icmp": n.icmp,
        "in": n.translated_in,
        "out": n.translated_out,
        "new": n.created,
        "full": n.full,
        "expired": n.expired,
        "frag": n.frag,
        "reset_dropped": n.reset_dropped,
    }


def nat_config_line(n):
    """``ipfw nat N show config``: the command that makes it."""
    from fstools.ipfw_nat import format_config

    return format_config(n.config)


def nat_log_line(n):
    """``ipfw nat N show log``: states by protocol and the counters."""
    from fstools.ipfw_nat import format_log

    return format_log(n)
