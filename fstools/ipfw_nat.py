"""ipfw(8)'s NAT grammar: `nat N config ...' to a NatConfig, and the
text of `nat N show config' / `show log'.

    ip A                    the alias address (required)
    same_ports              keep the local port when it is free
    reset                   a new address drops every state
    redirect_addr L P       local address L is public address P
    redirect_port proto L:p[,L2:p2...] [A:]P
                            public port P (of address A, default the
                            alias address) spread over the backends L:p,
                            one new flow each in turn (LSNAT)

FreeBSD's `if', `log', `deny_in', `unreg_only', `redirect_proto',
port ranges and the remote part of redirect_port are refused, not
ignored.
"""

import socket

from fstools.records.ipfw import NatConfig, NatInstance, NatRedirect

SPOOL = 32  # FF_IPFW_NAT_SPOOL: most backends of one redirect_port


class NatError(ValueError):
    """A configuration the grammar refuses: str() is the message."""


def _addr(word):
    parts = word.split(".")
    if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
        raise NatError("bad address %s" % word)
    if word == "0.0.0.0":
        raise NatError("bad address %s" % word)
    return socket.inet_ntoa(socket.inet_aton(word))


def _port(word):
    if "-" in word:
        raise NatError("port ranges are not supported: %s" % word)
    if not word.isdigit() or not 1 <= int(word) <= 65535:
        raise NatError("bad port %s" % word)
    return int(word)


def _addr_port(word):
    addr, sep, port = word.rpartition(":")
    if not sep:
        raise NatError("missing port in %s" % word)
    return _addr(addr), _port(port)


def _next(words, i, what):
    if i >= len(words):
        raise NatError("%s needs an argument" % what)
    return words[i]


def _redirect_port(words, i):
    proto = _next(words, i, "redirect_port")
    if proto not in ("tcp", "udp"):
        raise NatError("redirect_port: unknown protocol %s" % proto)
    targets = _next(words, i + 1, "redirect_port %s" % proto).split(",")
    if len(targets) > SPOOL:
        raise NatError("redirect_port: more than %d backends" % SPOOL)
    backends = tuple(_addr_port(t) + (0,) for t in targets)
    public = _next(words, i + 2, "redirect_port %s" % proto)
    paddr = ""
    if ":" in public:
        paddr, pport = _addr_port(public)
    else:
        pport = _port(public)
    if i + 3 < len(words) and words[i + 3][:1].isdigit():
        raise NatError("redirect_port: the remote part is not supported")
    return NatRedirect("port", proto, paddr, pport, backends), i + 3


def parse_config(nat, words):
    """The words after `nat N config' -> NatConfig."""
    ip, same, reset, redirs, i = None, False, False, [], 0
    while i < len(words):
        w = words[i]
        if w == "ip":
            ip, i = _addr(_next(words, i + 1, "ip")), i + 2
        elif w == "same_ports":
            same, i = True, i + 1
        elif w == "reset":
            reset, i = True, i + 1
        elif w == "redirect_addr":
            local = _addr(_next(words, i + 1, "redirect_addr"))
            public = _addr(_next(words, i + 2, "redirect_addr"))
            redirs.append(NatRedirect("addr", "", public, 0, ((local, 0, 0),)))
            i += 3
        elif w == "redirect_port":
            r, i = _redirect_port(words, i + 1)
            redirs.append(r)
        else:
            raise NatError("nat %d config: unsupported option %s" % (nat, w))
    if ip is None:
        raise NatError("nat %d config: ip is required" % nat)
    return NatConfig(nat, ip, same, reset, tuple(redirs))


def format_config(cfg: NatConfig) -> str:
    """`ipfw nat 1 config ip 198.18.0.2 same_ports redirect_port tcp
    198.18.1.10:80,198.18.1.11:80 80'."""
    out = ["ipfw nat %d config ip %s" % (cfg.nat, cfg.ip)]
    if cfg.same_ports:
        out.append("same_ports")
    if cfg.reset:
        out.append("reset")
    for r in cfg.redirects:
        if r.mode == "addr":
            out.append(
                "redirect_addr %s %s" % (r.backends[0][0], r.public_addr)
            )
            continue
        targets = ",".join("%s:%d" % (b[0], b[1]) for b in r.backends)
        public = (
            "%s:%d" % (r.public_addr, r.public_port)
            if r.public_addr
            else str(r.public_port)
        )
        out.append("redirect_port %s %s %s" % (r.proto, targets, public))
    return " ".join(out)


def format_log(n: NatInstance) -> str:
    """libalias's link counts as `show log' prints them, then our
    counters: `nat 1: icmp=0, udp=0, tcp=2 / tot=2, in=..., ...'."""
    return (
        "nat %d: icmp=%d, udp=%d, tcp=%d / tot=%d, in=%d, out=%d, new=%d, "
        "full=%d, expired=%d, frag=%d, reset=%d"
        % (
            n.config.nat,
            n.icmp,
            n.udp,
            n.tcp,
            n.states,
            n.translated_in,
            n.translated_out,
            n.created,
            n.full,
            n.expired,
            n.frag,
            n.reset_dropped,
        )
    )


def parse(words):
    """`N config ...', `N show config|log', `N delete', `show config'
    (every instance) -> (kind, nat, NatConfig or None)."""
    if not words:
        raise NatError("nat needs an instance number")
    if words[0] == "show" and words[1:] in (["config"], ["log"], []):
        return (
            "nat_show_" + (words[1] if len(words) > 1 else "config"),
            0,
            None,
        )
    if not words[0].isdigit() or not 1 <= int(words[0]) <= 65535:
        raise NatError("invalid nat number %s" % words[0])
    n, rest = int(words[0]), words[1:]
    if rest[:1] == ["config"]:
        return ("nat_config", n, parse_config(n, rest[1:]))
    if rest == ["delete"]:
        return ("nat_delete", n, None)
    if rest in (["show"], ["show", "config"]):
        return ("nat_show_config", n, None)
    if rest == ["show", "log"]:
        return ("nat_show_log", n, None)
    raise NatError("invalid nat command %s" % " ".join(words))
