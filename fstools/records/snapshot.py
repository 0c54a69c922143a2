"""One process's live state in one round of messages (ff-top's dashboard,
ff-exporter).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

from dataclasses import dataclass

from fstools.records.sysctl import is_stats


@dataclass(frozen=True)
class Snapshot:
    """What ``Stack.snapshot()`` read of one process: its main-loop and
    port counters, its interfaces with their counters, and every live
    sysctl (stats structs, counters and gauges), by name."""

    proc_id: int
    top: object  # TopStats
    traffic: object  # TrafficStats
    interfaces: tuple  # of Interface
    sysctls: dict  # name -> SysctlNode

    def value(self, name, default=None):
        """A number (or list of numbers) sysctl's value, or ``default``
        when the stack has no such node or could not read it."""
        node = self.sysctls.get(name)
        if node is None or node.error:
            return default
        return node.decoded

    def stats(self):
        """{struct name: {field: count}} of every stats struct read
        ("S,tcpstat" -> "tcpstat")."""
        return {
            n.fmt[2:]: n.decoded
            for n in self.sysctls.values()
            if not n.error and is_stats(n)
        }
