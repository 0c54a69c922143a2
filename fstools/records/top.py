"""Main-loop samples (ff-top).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TopStats:
    """Main-loop counters of one process since it started (``ff-top``)."""

    proc_id: int
    loops: int
    idle_tsc: int
    sys_tsc: int
    usr_tsc: int
    work_tsc: int
    tsc_hz: int
    now_tsc: int
    rx_packets: int
    tx_packets: int
    rx_bytes: int
    tx_bytes: int
