"""sysctl nodes (stack.SysctlNode) as FreeBSD's sysctl(8) prints them, with
its -n -N -d -e -o -x, and as --json.

Used by ff-sysctl.  fstools.output decides which look is
written.  Golden tests: tests/unit/test_sysctl_tool.py.
"""

from typing import NamedTuple

from fstools.records.sysctl import is_stats

JSON_KEYS = (
    "proc_id",
    "name",
    "oid",
    "type",
    "format",
    "flags",
    "value",
    "description",
)


JSON_WRITE_KEYS = ("proc_id", "name", "old", "new")


class Options(NamedTuple):
    """How to print (sysctl(8)'s -n -N -d -e -o -x)."""

    values_only: bool = False  # -n
    names_only: bool = False  # -N
    descr: bool = False  # -d
    equals: bool = False  # -e
    opaque: bool = False  # -o
    hexdump: bool = False  # -x


def format_value(node, opts):
    """The text after ``name: ``, or None when sysctl(8) prints nothing
    (an unknown struct without -o or -x)."""
    value = node.decoded
    fmt = node.fmt or ""
    if is_stats(node):
        # sysctl(8) has no text form for a stats struct (netstat -s has):
        # shown as opaque, only with -o or -x.
        value = bytes(node.value)
    if isinstance(value, bytes):
        if not (opts.opaque or opts.hexdump):
            return None
        shown = value if opts.hexdump else value[:16]
        text = "Format:%s Length:%d Dump:0x%s" % (fmt, len(value), shown.hex())
        if len(shown) < len(value):
            text += "..."
        return text
    if isinstance(value, dict):
        return "{ %s }" % ", ".join("%s = %s" % kv for kv in value.items())
    if isinstance(value, list):
        value = " ".join(_hex(fmt, v) for v in value)
    elif isinstance(value, int):
        value = _hex(fmt, value)
    return str(value)


def _hex(fmt, v):
    if fmt[1:2] == "X":
        size = 4 if fmt[0] == "I" else 8
        return "%#0*x" % (2 + size * 2, v)
    return str(v)


def render(node, opts):
    """One line of output for a read, or None to print nothing."""
    sep = "=" if opts.equals else ": "
    if opts.names_only:
        return node.name
    if opts.descr:
        return node.descr if opts.values_only else node.name + sep + node.descr
    text = format_value(node, opts)
    if text is None:
        return None
    return text if opts.values_only else node.name + sep + text


def render_write(old, new, opts):
    """``name: old -> new`` (just ``old -> new`` with -n)."""
    plain = opts._replace(descr=False, names_only=False, values_only=True)
    before = format_value(old, plain) or ""
    after = format_value(new, plain) or ""
    line = "%s -> %s" % (before, after)
    return (
        line
        if opts.values_only
        else new.name + ("=" if opts.equals else ": ") + line
    )


def _json_value(node):
    value = node.decoded
    return value.hex() if isinstance(value, bytes) else value


def json_record(node, with_descr):
    """A read as a --json object (JSON_KEYS)."""
    return {
        "proc_id": node.proc_id,
        "name": node.name,
        "oid": list(node.oid),
        "type": node.type_name,
        "format": node.fmt,
        "flags": list(node.flag_names),
        "value": None if node.error else _json_value(node),
        "description": node.descr if with_descr else None,
    }


def json_write(old, new):
    return {
        "proc_id": new.proc_id,
        "name": new.name,
        "old": _json_value(old),
        "new": _json_value(new),
    }
