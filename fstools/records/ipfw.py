"""Firewall records (ipfw): dynamic rules, table entries, tables.

Part of the Stack layer (``fstools.stack``).  Static rules come back as
``fstools.ipfw_rule.Rule`` (compiled instructions, with counters), which
the grammar module prints as ``ipfw show`` does.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class IpfwState:
    """One dynamic rule (ipfw -d): a flow a keep-state or limit rule let in."""

    proc_id: int
    rulenum: int
    proto: int
    src: str
    sport: int
    dst: str
    dport: int
    expire: int  # seconds left
    pcnt: int
    bcnt: int
    kind: str  # "keep-state" or "limit"


@dataclass(frozen=True)
class TableEntry:
    """One entry of an address table: prefix and value."""

    table: int
    addr: str
    masklen: int
    value: int


@dataclass(frozen=True)
class TableInfo:
    """One table: its number, entries, size and the rules that name it."""

    table: int
    count: int
    limit: int
    refcnt: int


@dataclass(frozen=True)
class IpfwHead:
    """What every ipfw answer says of the whole set."""

    disabled: int  # mask of the disabled sets
    nrules: int  # static rules, the default one included
    ndyn: int  # dynamic rules
    now: int  # the stack's clock, seconds since the Epoch


@dataclass(frozen=True)
class NatRedirect:
    """One redirect of a NAT instance: redirect_addr (local <-> public
    address) or redirect_port (a public address and port spread over
    backends, each with the flows it was given)."""

    mode: str  # "addr" or "port"
    proto: str  # "tcp", "udp"; "" for redirect_addr
    public_addr: str  # "" for redirect_port on the instance's address
    public_port: int
    backends: tuple  # ((addr, port, flows), ...); redirect_addr: port 0


@dataclass(frozen=True)
class NatConfig:
    """What `ipfw nat N config' sets, as the tool parsed it."""

    nat: int
    ip: str
    same_ports: bool = False
    reset: bool = False
    redirects: tuple = ()  # NatRedirect (flows 0)


@dataclass(frozen=True)
class NatInstance:
    """One NAT instance as the stack has it: configuration and counters."""

    proc_id: int
    config: NatConfig
    states: int
    tcp: int
    udp: int
    icmp: int
    translated_in: int
    translated_out: int
    created: int
    full: int  # states refused: net.inet.ip.fw.nat_max reached
    expired: int
    frag: int  # fragments after the first, dropped
    reset_dropped: int  # states dropped by reset on a new address
