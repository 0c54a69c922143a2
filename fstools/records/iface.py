"""Interfaces and their IPv4 addresses (ifconfig).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass

from fstools import _ffi
from fstools import records


@dataclass(frozen=True)
class Address:
    """One IPv4 address of an interface (FreeBSD's in_ifaddr)."""

    addr: str
    netmask: str
    broadcast: str | None
    flags: int = 0

    @property
    def prefixlen(self) -> int | None:
        return records.prefixlen(self.netmask)


@dataclass(frozen=True)
class Interface:
    """One interface of one process, as ``ifconfig`` shows it."""

    proc_id: int
    name: str
    index: int
    type: int  # IFT_ETHER, IFT_LOOP
    link_state: int  # LINK_STATE_UP, LINK_STATE_DOWN, 0 (unknown)
    flags: int  # IFF_*
    mtu: int
    metric: int
    capenable: int  # IFCAP_* enabled (ifconfig's options=)
    lladdr: str  # "02:18:00:00:00:02"
    addrs: tuple  # of Address
    counters: dict  # FreeBSD's if_data counters, by name

    @property
    def flag_names(self) -> tuple:
        return records.names(self.flags, _ffi.IFF_NAMES)

    @property
    def option_names(self) -> tuple:
        return records.names(self.capenable, _ffi.IFCAP_NAMES)

    @property
    def is_ether(self) -> bool:
        return self.type == _ffi.IFT_ETHER

    @property
    def up(self) -> bool:
        return bool(self.flags & _ffi.IFF_UP)
