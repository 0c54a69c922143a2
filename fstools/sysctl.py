"""ff-sysctl: read and set the stack's sysctl MIB, as FreeBSD's sysctl(8).

    $ ff-sysctl net.inet.tcp.sendspace
    net.inet.tcp.sendspace: 16384
    $ ff-sysctl net.inet.tcp.sendspace=65536
    net.inet.tcp.sendspace: 16384 -> 65536
    $ ff-sysctl -n kern.ipc.somaxconn
    128
    $ ff-sysctl -d kern.hz
    kern.hz: Timer ticks per second (callout wheel)
    $ ff-sysctl nosuch
    ff-sysctl: unknown oid 'nosuch'

``-a`` walks the whole tree in batches (as many nodes as fit one 64 KiB
message), so it takes a round trip or two, not one per OID.  A write goes
to every running stack process unless ``--proc`` names one; a read asks
process 0 (or ``--proc``); when several processes answer, each line starts
with ``[N] ``.
"""

import os
import struct
from typing import NamedTuple

import click

from fstools import cli, output

NAME = "ff-sysctl"

# --json keys, pinned by tests/unit/test_sysctl_tool.py.
JSON_KEYS = ("proc_id", "name", "oid", "type", "format", "flags", "value",
             "description")
JSON_WRITE_KEYS = ("proc_id", "name", "old", "new")

# FreeBSD's CTLTYPE_* numbers (kern_sysctl.h), kept here so this module
# needs no ctypes import.
CTLTYPE = 0xF
CTLTYPE_NODE, CTLTYPE_INT, CTLTYPE_STRING, CTLTYPE_S64 = 1, 2, 3, 4
CTLTYPE_OPAQUE, CTLTYPE_UINT, CTLTYPE_LONG, CTLTYPE_ULONG = 5, 6, 7, 8
CTLTYPE_U64 = 9
CTLFLAG_RD, CTLFLAG_WR = 0x80000000, 0x40000000
CTLFLAG_TUN, CTLFLAG_STATS = 0x00080000, 0x00002000

# Type names as sysctl(8) words them in "invalid <type> '<value>'".
TYPE_WORDS = {
    CTLTYPE_NODE: "node", CTLTYPE_INT: "integer", CTLTYPE_STRING: "string",
    CTLTYPE_S64: "int64_t", CTLTYPE_OPAQUE: "opaque",
    CTLTYPE_UINT: "unsigned integer", CTLTYPE_LONG: "long integer",
    CTLTYPE_ULONG: "unsigned long", CTLTYPE_U64: "uint64_t",
}
# Short names for --json.
TYPE_NAMES = {
    CTLTYPE_NODE: "node", CTLTYPE_INT: "int", CTLTYPE_STRING: "string",
    CTLTYPE_S64: "s64", CTLTYPE_OPAQUE: "opaque", CTLTYPE_UINT: "uint",
    CTLTYPE_LONG: "long", CTLTYPE_ULONG: "ulong", CTLTYPE_U64: "u64",
}
# Range of each integer type (LP64: long is 64 bits).
TYPE_RANGES = {
    CTLTYPE_INT: (-2**31, 2**31 - 1), CTLTYPE_UINT: (0, 2**32 - 1),
    CTLTYPE_LONG: (-2**63, 2**63 - 1), CTLTYPE_ULONG: (0, 2**64 - 1),
    CTLTYPE_S64: (-2**63, 2**63 - 1), CTLTYPE_U64: (0, 2**64 - 1),
}

# Structs the tool can print field by field: format -> (struct module
# format, field names).  Protocols add theirs as their stats land.
STRUCTS = {
    "S,teststat": ("=4Q", ("a", "b", "c", "d")),
}

# FreeBSD errno numbers the tool words itself.
EPERM, ENOENT, EISDIR, EINVAL = 1, 2, 21, 22


class Node(NamedTuple):
    """One sysctl node as the stack reported it."""
    proc_id: int
    name: str
    oid: tuple
    kind: int
    fmt: str
    descr: str
    value: bytes
    error: int          # reading it failed: a FreeBSD errno, else 0

    @property
    def type(self):
        return self.kind & CTLTYPE


class Options(NamedTuple):
    """How to print (sysctl(8)'s -n -N -d -e -o -x)."""
    values_only: bool = False   # -n
    names_only: bool = False    # -N
    descr: bool = False         # -d
    equals: bool = False        # -e
    opaque: bool = False        # -o
    hexdump: bool = False       # -x


class SysctlError(Exception):
    """A failure sysctl(8) reports as a warning; the tool goes on."""


# -- talking to the stack ----------------------------------------------------

def _node(proc, rec):
    return Node(proc_id=proc, name=rec["name"], oid=tuple(rec["oid"]),
                kind=rec["kind"], fmt=rec["fmt"], descr=rec["descr"],
                value=rec["value"], error=rec["error"])


def walk(stack, proc, name=None, descr=False, novalue=False):
    """Every leaf under ``name`` (None: the whole tree), in FreeBSD order.

    Raises ipc.StackError (ENOENT for an unknown name)."""
    from fstools import _ffi
    flags = ((_ffi.FF_SYSCTLF_DESCR if descr else 0)
             | (_ffi.FF_SYSCTLF_NOVALUE if novalue else 0))
    body = _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_WALK, flags, name=name)
    top = None
    nodes = []
    while True:
        reply = stack.request(proc, _ffi.FF_MSG_SYSCTL, body)
        _, recs = _ffi.decode_sysctl_reply(reply.body)
        nodes.extend(_node(proc, r) for r in recs)
        if reply.cursor == 0:
            return nodes
        if not recs:
            raise _ffi.ProtocolError("sysctl walk: cursor without nodes")
        if top is None:
            top = len(get(stack, proc, name).oid) if name else 0
        body = _ffi.encode_sysctl_req(
            _ffi.FF_SYSCTL_WALK, flags | _ffi.FF_SYSCTLF_AFTER,
            oid=list(nodes[-1].oid), rootlen=top)


def get(stack, proc, name, descr=False):
    """One node (an interior node comes back with type NODE, no value)."""
    from fstools import _ffi
    flags = _ffi.FF_SYSCTLF_DESCR if descr else 0
    body = _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, flags, name=name)
    reply = stack.request(proc, _ffi.FF_MSG_SYSCTL, body)
    _, recs = _ffi.decode_sysctl_reply(reply.body)
    if len(recs) != 1:
        raise _ffi.ProtocolError("sysctl get: %d nodes" % len(recs))
    return _node(proc, recs[0])


def set_text(stack, proc, name, text):
    """Write ``text`` (parsed by the stack); returns (old Node, new Node)."""
    from fstools import _ffi
    body = _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_SET, _ffi.FF_SYSCTLF_TEXT,
                                  name=name, new=text)
    reply = stack.request(proc, _ffi.FF_MSG_SYSCTL, body)
    _, recs = _ffi.decode_sysctl_reply(reply.body)
    if len(recs) != 1:
        raise _ffi.ProtocolError("sysctl set: %d nodes" % len(recs))
    new = _node(proc, recs[0])
    return new._replace(value=recs[0]["oldvalue"] or b""), new


# -- rendering ---------------------------------------------------------------

def _ints(fmt, value):
    """Integers of an I/L/Q format (several for arrays)."""
    size = 4 if fmt[0] == "I" else 8
    signed = not fmt[1:2] in ("U", "X")
    code = {(4, True): "i", (4, False): "I",
            (8, True): "q", (8, False): "Q"}[(size, signed)]
    n = len(value) // size
    return list(struct.unpack("=%d%s" % (n, code), value[:n * size]))


def decode(node):
    """The node's value as Python: int, [int], str, dict (known struct),
    bytes (unknown struct), or None (interior node)."""
    fmt = node.fmt or ""
    if node.type == CTLTYPE_NODE:
        return None
    if fmt.startswith("A") or node.type == CTLTYPE_STRING:
        return node.value.split(b"\0", 1)[0].decode("utf-8", "replace")
    if fmt[:1] in ("I", "L", "Q"):
        vals = _ints(fmt, node.value)
        return vals[0] if len(vals) == 1 else vals
    if fmt in STRUCTS:
        layout, names = STRUCTS[fmt]
        if len(node.value) == struct.calcsize(layout):
            return dict(zip(names, struct.unpack(layout, node.value)))
    return bytes(node.value)


def format_value(node, opts):
    """The text after ``name: ``, or None when sysctl(8) prints nothing
    (an unknown struct without -o or -x)."""
    value = decode(node)
    fmt = node.fmt or ""
    if isinstance(value, bytes):
        if not (opts.opaque or opts.hexdump):
            return None
        shown = value if opts.hexdump else value[:16]
        text = "Format:%s Length:%d Dump:0x%s" % (fmt, len(value),
                                                   shown.hex())
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
        return node.descr if opts.values_only else node.name + sep + \
            node.descr
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
    return line if opts.values_only else new.name + \
        ("=" if opts.equals else ": ") + line


def json_record(node, with_descr):
    """A read as a --json object (JSON_KEYS)."""
    value = decode(node)
    if isinstance(value, bytes):
        value = value.hex()
    flags = []
    if node.kind & CTLFLAG_RD:
        flags.append("RD")
    if node.kind & CTLFLAG_WR:
        flags.append("WR")
    if node.kind & CTLFLAG_TUN:
        flags.append("TUN")
    if node.kind & CTLFLAG_STATS:
        flags.append("STATS")
    return {"proc_id": node.proc_id, "name": node.name,
            "oid": list(node.oid), "type": TYPE_NAMES.get(node.type,
                                                          str(node.type)),
            "format": node.fmt, "flags": flags,
            "value": None if node.error else value,
            "description": node.descr if with_descr else None}


def json_write(old, new):
    def val(n):
        v = decode(n)
        return v.hex() if isinstance(v, bytes) else v
    return {"proc_id": new.proc_id, "name": new.name, "old": val(old),
            "new": val(new)}


# -- parsing -----------------------------------------------------------------

def parse_operand(arg):
    """``name[=value]`` -> (name, value or None); blanks after ``=`` go,
    as in sysctl(8)."""
    if "=" not in arg:
        return arg, None
    name, value = arg.split("=", 1)
    return name, value.lstrip()


def check_text(node, text):
    """sysctl(8)'s own verdict on a value for ``node``, or None if it
    would send it: the words it prints before asking the kernel."""
    t = node.type
    if t == CTLTYPE_NODE:
        return "oid '%s' isn't a leaf node" % node.name
    if t in TYPE_RANGES:
        if text == "":
            return "empty numeric value"
        try:
            v = int(text, 0)
        except ValueError:
            return "invalid %s '%s'" % (TYPE_WORDS[t], text)
        lo, hi = TYPE_RANGES[t]
        if not lo <= v <= hi:
            return "invalid %s '%s'" % (TYPE_WORDS[t], text)
        return None
    if t == CTLTYPE_STRING:
        return None
    return "oid '%s' is type %d, cannot set that" % (node.name, t)


def _strerror(exc):
    from fstools import _ffi
    return _ffi.bsd_strerror(exc.errno) if exc.errno else exc.message


# -- the command -------------------------------------------------------------

class Run:
    """One invocation: the stack, the options, what was printed, failures."""

    def __init__(self, stack, opts, common):
        self.stack = stack
        self.opts = opts
        self.common = common
        self.failed = False
        self.records = []
        self.multi = False

    def warn(self, message):
        click.echo("%s: %s" % (NAME, message), err=True)
        self.failed = True

    def line(self, proc, text):
        if text is not None:
            output.emit(("[%d] " % proc if self.multi else "") + text)

    def read(self, procs, name):
        from fstools.ipc import StackError
        for proc in procs:
            try:
                nodes = walk(self.stack, proc, name, descr=self.opts.descr,
                             novalue=self.opts.names_only)
            except StackError as e:
                if e.errno in (ENOENT, EINVAL):
                    self.warn("unknown oid '%s'" % name)
                    return
                self.warn("%s: %s" % (name, _strerror(e)))
                continue
            self.show(proc, nodes, explicit=name is not None)

    def show(self, proc, nodes, explicit):
        for node in nodes:
            if node.error:
                # -a skips what cannot be read, as sysctl(8) does.
                if explicit:
                    self.warn("%s: %s" % (node.name, _strerror_num(
                        node.error)))
                continue
            if self.common.json:
                self.records.append(json_record(node, self.opts.descr))
                continue
            text = render(node, self.opts)
            if text is None and explicit and len(nodes) == 1:
                text = render(node, self.opts._replace(opaque=True))
            self.line(proc, text)

    def write(self, procs, name, text):
        from fstools.ipc import StackError
        for proc in procs:
            try:
                old, new = set_text(self.stack, proc, name, text)
            except StackError as e:
                if not self.write_error(proc, name, text, e):
                    return
                continue
            if self.common.json:
                self.records.append(json_write(old, new))
            else:
                self.line(proc, render_write(old, new, self.opts))

    def write_error(self, proc, name, text, exc):
        """Report a refused write; False when the other processes would
        refuse it the same way (so they are not asked)."""
        from fstools.ipc import StackError
        where = ("proc %d: " % proc) if self.multi else ""
        if exc.errno == ENOENT:
            self.warn("unknown oid '%s'" % name)
            return False
        if exc.errno == EISDIR:
            self.warn("oid '%s' isn't a leaf node" % name)
            return False
        try:
            node = get(self.stack, proc, name)
        except StackError:
            node = None
        if exc.errno == EPERM and node is not None:
            if node.kind & CTLFLAG_TUN:
                self.warn("oid '%s' is a read only tunable" % name)
                self.warn("Tunable values are set in config.ini "
                          "[freebsd.boot]")
            else:
                self.warn("oid '%s' is read only" % name)
            return False
        if exc.errno == EINVAL and node is not None:
            verdict = check_text(node, text)
            if verdict is not None:
                self.warn(verdict)
                return False
        self.warn("%s=%s: %s%s" % (name, text, where, _strerror(exc)))
        return True


def _strerror_num(num):
    from fstools import _ffi
    return _ffi.bsd_strerror(num)


def _targets(stack, common, writing):
    """Processes to ask: a read asks --proc (default 0); a write goes to
    every running process unless --proc (or $FF_PROC_ID) names one."""
    ctx = click.get_current_context()
    source = ctx.get_parameter_source("proc")
    explicit = (source is not None and source.name != "DEFAULT") or \
        bool(os.environ.get("FF_PROC_ID"))
    if writing and not explicit:
        return stack.proc_ids("all")
    return stack.proc_ids(common.proc)


@cli.command(NAME, epilog=cli.examples(
    "ff-sysctl net.inet.tcp.sendspace",
    "ff-sysctl net.inet.tcp.sendspace=65536     every process",
    "ff-sysctl --proc 1 kern.ipc.somaxconn=1024",
    "ff-sysctl -a",
    "ff-sysctl -d net.inet.tcp",
    "ff-sysctl -x net.inet.ip.stats",
    "ff-sysctl --proc all --json kern.ipc"))
@cli.common_options()
@click.option("-a", "--all", "all_", is_flag=True,
              help="Every node of the tree.")
@click.option("-n", "--no-name", "values_only", is_flag=True,
              help="Values only, without names.")
@click.option("-N", "--names-only", "names_only", is_flag=True,
              help="Names only, without values.")
@click.option("-d", "--describe", "descr", is_flag=True,
              help="Descriptions instead of values.")
@click.option("-e", "--equals", "equals", is_flag=True,
              help="Separate name and value with '='.")
@click.option("-o", "--opaque", "opaque", is_flag=True,
              help="Show opaque values (first 16 bytes).")
@click.option("-x", "--hex", "hexdump", is_flag=True,
              help="Show opaque values whole, in hex.")
@click.argument("operands", nargs=-1, metavar="[name[=value] ...]")
def command(common, all_, values_only, names_only, descr, equals, opaque,
            hexdump, operands):
    """Show or set the stack's sysctl variables, as FreeBSD's sysctl(8)."""
    if values_only and names_only:
        raise click.UsageError("-n and -N exclude each other")
    if not operands and not all_:
        raise click.UsageError("give -a or at least one name")
    opts = Options(values_only, names_only, descr, equals, opaque, hexdump)
    with common.stack() as stack:
        run = Run(stack, opts, common)
        reads = _targets(stack, common, writing=False)
        writes = None
        if not operands:
            run.multi = len(reads) > 1
            run.read(reads, None)
        for op in operands:
            name, value = parse_operand(op)
            if value is None:
                run.multi = len(reads) > 1
                run.read(reads, name)
                continue
            if writes is None:
                writes = _targets(stack, common, writing=True)
            run.multi = len(writes) > 1
            run.write(writes, name, value)
        if common.json:
            output.emit_json(run.records)
    if run.failed:
        raise click.exceptions.Exit(cli.EXIT_FAILURE)


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
