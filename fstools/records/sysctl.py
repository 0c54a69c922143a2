"""sysctl nodes and their values (sysctl).

Part of the Stack layer (``fstools.stack``): a record its calls return.
Records live one kind per module, imported on first use, so a tool pays
start-up time only for the dataclasses it needs.
"""

import struct
from dataclasses import dataclass

from fstools import _ffi
from fstools import records


@dataclass(frozen=True)
class SysctlNode:
    """One sysctl node of one process, with its raw value."""

    proc_id: int
    name: str
    oid: tuple
    kind: int  # CTLTYPE_* | CTLFLAG_*
    fmt: str  # "I", "IU", "LU", "A", "S,ipstat", ...
    descr: str
    value: bytes
    error: int = 0  # reading it failed: a FreeBSD errno, else 0

    @property
    def type(self) -> int:
        return self.kind & _ffi.CTLTYPE

    @property
    def type_name(self) -> str:
        return _ffi.CTLTYPE_NAMES.get(self.type, str(self.type))

    @property
    def flag_names(self) -> tuple:
        return records.names(self.kind, _ffi.CTLFLAG_NAMES)

    @property
    def decoded(self):
        """The value as Python: int, [int], str, dict (a known struct),
        bytes (an unknown one), or None (an interior node)."""
        return _decode(self)


def _decode(node):
    fmt = node.fmt or ""
    if node.type == _ffi.CTLTYPE_NODE:
        return None
    if fmt.startswith("A") or node.type == _ffi.CTLTYPE_STRING:
        return node.value.split(b"\0", 1)[0].decode("utf-8", "replace")
    if fmt[:1] in ("I", "L", "Q"):
        size = 4 if fmt[0] == "I" else 8
        code = {4: "i", 8: "q"}[size]
        if fmt[1:2] in ("U", "X"):
            code = code.upper()
        n = len(node.value) // size
        vals = list(struct.unpack("=%d%s" % (n, code), node.value[: n * size]))
        return vals[0] if len(vals) == 1 else vals
    if fmt in _ffi.SYSCTL_STRUCTS:
        layout, keys = _ffi.SYSCTL_STRUCTS[fmt]
        if len(node.value) == struct.calcsize(layout):
            return dict(zip(keys, struct.unpack(layout, node.value)))
    elif is_stats(node):
        return _decode_stats(node.value, _ffi.stats_layout(fmt[2:]))
    return bytes(node.value)


def is_stats(node):
    """A whole stats struct (net.inet.tcp.stats: "S,tcpstat"), laid out
    in the library's ABI table: its counters by name."""
    fmt = node.fmt or ""
    if not fmt.startswith("S,") or fmt in _ffi.SYSCTL_STRUCTS:
        return False
    layout = _ffi.stats_layout(fmt[2:])
    return layout is not None and layout[1] == len(node.value)


def _decode_stats(value, layout):
    """{field: count}, an array field as a list of counts."""
    out = {}
    for field, off, size in layout[0]:
        vals = struct.unpack_from("=%dQ" % (size // 8), value, off)
        out[field] = vals[0] if size == 8 else list(vals)
    return out
