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
