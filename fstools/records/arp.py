"""ARP entries (arp).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass

from fstools import _ffi


@dataclass(frozen=True)
class ArpEntry:
    """One ARP entry of one process (an RTF_LLINFO route message)."""

    proc_id: int
    ip: str
    mac: str  # meaningful once ``complete``
    interface: str
    index: int
    flags: int  # RTF_*
    expire: int  # seconds left (0: permanent or expired)

    @property
    def complete(self) -> bool:
        """Resolved (RTF_UP); else the request is still unanswered."""
        return bool(self.flags & _ffi.RTF_UP)

    @property
    def permanent(self) -> bool:
        return bool(self.flags & _ffi.RTF_STATIC)

    @property
    def published(self) -> bool:
        return bool(self.flags & _ffi.RTF_ANNOUNCE)

    @property
    def local(self) -> bool:
        """One of the stack's own addresses (not deleted by ``-d -a``)."""
        return bool(self.flags & _ffi.RTF_IFADDR)
