"""Routes (route, netstat -r).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass

from fstools import _ffi
from fstools import records


@dataclass(frozen=True)
class Route:
    """One route of one process (an rt_msghdr's meaning)."""

    proc_id: int
    destination: str
    netmask: str | None  # None: a host route
    gateway: str | None
    flags: int  # RTF_*
    interface: str
    index: int
    mtu: int
    weight: int
    expire: int
    use: int  # packets sent (rmx_pksent)

    @property
    def prefixlen(self) -> int:
        return records.prefixlen(self.netmask) if self.netmask else 32

    @property
    def flag_names(self) -> tuple:
        return records.names(self.flags, _ffi.RTF_NAMES)

    @property
    def is_host(self) -> bool:
        return bool(self.flags & _ffi.RTF_HOST)

    @property
    def via_gateway(self) -> bool:
        return bool(self.flags & _ffi.RTF_GATEWAY)
