"""The records fstools.Stack returns: frozen dataclasses, one kind a module.

    iface    Interface, Address         (Stack.interfaces)
    route    Route                      (Stack.routes, route_get, ...)
    arp      ArpEntry                   (Stack.arp_entries)
    sysctl   SysctlNode                 (Stack.sysctl, sysctl_walk, ...)
    top      TopStats                   (Stack.top)
    traffic  TrafficStats               (Stack.traffic)

Import them from ``fstools`` or ``fstools.stack`` (which load the module
on first use): defining a dataclass costs about as much as a tool's whole
request, so a tool defines only the ones it uses.
"""


def names(value, table):
    """The names of the bits of ``value`` set, from [(bit, name)]."""
    return tuple(name for bit, name in table if value & bit)


def prefixlen(mask):
    """Prefix length of a dotted netmask (None for a non-contiguous one)."""
    n = int.from_bytes(bytes(int(p) for p in mask.split(".")), "big")
    plen = bin(n).count("1")
    return plen if n == ((0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF) else None


def fast_new(cls, values):
    """A frozen dataclass of ``cls`` from ``values`` (every field, by
    name), without __init__: its frozen per-field setattr costs 20 µs
    a record, and netstat makes 100,000 of them."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj
