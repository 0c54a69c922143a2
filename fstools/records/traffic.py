"""Port counter samples (ff-traffic).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TrafficStats:
    """Port counters of one process since it started (``ff-traffic``)."""

    proc_id: int
    rx_packets: int
    rx_bytes: int
    rx_dropped: int
    tx_packets: int
    tx_bytes: int
    tx_dropped: int
    now_ns: int
