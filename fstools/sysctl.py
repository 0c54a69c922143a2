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

import click

from fstools import cli
from fstools.stack import (
    CTLFLAG_TUN,
    CTLTYPE_INT,
    CTLTYPE_LONG,
    CTLTYPE_NODE,
    CTLTYPE_OPAQUE,
    CTLTYPE_S64,
    CTLTYPE_STRING,
    CTLTYPE_U64,
    CTLTYPE_UINT,
    CTLTYPE_ULONG,
    StackRefused,
    bsd_strerror,
)
from fstools.views import sysctl as view

NAME = "ff-sysctl"


# Type names as sysctl(8) words them in "invalid <type> '<value>'".
TYPE_WORDS = {
    CTLTYPE_NODE: "node",
    CTLTYPE_INT: "integer",
    CTLTYPE_STRING: "string",
    CTLTYPE_S64: "int64_t",
    CTLTYPE_OPAQUE: "opaque",
    CTLTYPE_UINT: "unsigned integer",
    CTLTYPE_LONG: "long integer",
    CTLTYPE_ULONG: "unsigned long",
    CTLTYPE_U64: "uint64_t",
}
# Range of each integer type (LP64: long is 64 bits).
TYPE_RANGES = {
    CTLTYPE_INT: (-(2**31), 2**31 - 1),
    CTLTYPE_UINT: (0, 2**32 - 1),
    CTLTYPE_LONG: (-(2**63), 2**63 - 1),
    CTLTYPE_ULONG: (0, 2**64 - 1),
    CTLTYPE_S64: (-(2**63), 2**63 - 1),
    CTLTYPE_U64: (0, 2**64 - 1),
}


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


# -- the command -------------------------------------------------------------


class Run:
    """One invocation: the stack, the options, the output."""

    def __init__(self, st, opts, out):
        self.st = st
        self.opts = opts
        self.out = out
        self.multi = False

    def line(self, proc, text):
        return (
            None
            if text is None
            else ("[%d] " % proc if self.multi else "") + text
        )

    def read(self, procs, name):
        for proc in procs:
            try:
                nodes = self.st.sysctl_walk(
                    name,
                    descr=self.opts.descr,
                    novalue=self.opts.names_only,
                    proc=proc,
                )
            except StackRefused as e:
                if e.name in ("ENOENT", "EINVAL"):
                    return self.out.warn("unknown oid '%s'" % name)
                self.out.warn("%s: %s" % (name, e.message))
                continue
            self.show(proc, nodes, explicit=name is not None)

    def show(self, proc, nodes, explicit):
        for node in nodes:
            if node.error:
                # -a skips what cannot be read, as sysctl(8) does.
                if explicit:
                    self.out.warn(
                        "%s: %s" % (node.name, bsd_strerror(node.error))
                    )
                continue
            text = view.render(node, self.opts)
            if text is None and explicit and len(nodes) == 1:
                text = view.render(node, self.opts._replace(opaque=True))
            self.out.item(
                view.json_record(node, self.opts.descr),
                [t for t in [self.line(proc, text)] if t],
            )

    def write(self, procs, name, text):
        for proc in procs:
            try:
                old, new = self.st.sysctl_set(name, text, proc=proc)
            except StackRefused as e:
                if not self.write_error(proc, name, text, e):
                    return
                continue
            self.out.item(
                view.json_write(old, new),
                [self.line(proc, view.render_write(old, new, self.opts))],
            )

    def write_error(self, proc, name, text, exc):
        """Report a refused write; False when the other processes would
        refuse it the same way (so they are not asked)."""
        warn = self.out.warn
        where = ("proc %d: " % proc) if self.multi else ""
        if exc.name == "ENOENT":
            warn("unknown oid '%s'" % name)
            return False
        if exc.name == "EISDIR":
            warn("oid '%s' isn't a leaf node" % name)
            return False
        try:
            node = self.st.sysctl(name, proc=proc)
        except StackRefused:
            node = None
        if exc.name == "EPERM" and node is not None:
            if node.kind & CTLFLAG_TUN:
                warn("oid '%s' is a read only tunable" % name)
                warn("Tunable values are set in config.ini [freebsd.boot]")
            else:
                warn("oid '%s' is read only" % name)
            return False
        if exc.name == "EINVAL" and node is not None:
            verdict = check_text(node, text)
            if verdict is not None:
                warn(verdict)
                return False
        warn("%s=%s: %s%s" % (name, text, where, exc.message))
        return True


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-sysctl net.inet.tcp.sendspace",
        "ff-sysctl net.inet.tcp.sendspace=65536     every process",
        "ff-sysctl --proc 1 kern.ipc.somaxconn=1024",
        "ff-sysctl -a",
        "ff-sysctl -d net.inet.tcp",
        "ff-sysctl -x net.inet.ip.stats",
        "ff-sysctl --proc all --json kern.ipc",
    ),
)
@cli.common_options()
@click.option(
    "-a", "--all", "all_", is_flag=True, help="Every node of the tree."
)
@click.option(
    "-n",
    "--no-name",
    "values_only",
    is_flag=True,
    help="Values only, without names.",
)
@click.option(
    "-N",
    "--names-only",
    "names_only",
    is_flag=True,
    help="Names only, without values.",
)
@click.option(
    "-d",
    "--describe",
    "descr",
    is_flag=True,
    help="Descriptions instead of values.",
)
@click.option(
    "-e",
    "--equals",
    "equals",
    is_flag=True,
    help="Separate name and value with '='.",
)
@click.option(
    "-o",
    "--opaque",
    "opaque",
    is_flag=True,
    help="Show opaque values (first 16 bytes).",
)
@click.option(
    "-x",
    "--hex",
    "hexdump",
    is_flag=True,
    help="Show opaque values whole, in hex.",
)
@click.argument("operands", nargs=-1, metavar="[name[=value] ...]")
def command(
    common,
    all_,
    values_only,
    names_only,
    descr,
    equals,
    opaque,
    hexdump,
    operands,
):
    """Show or set the stack's sysctl variables, as FreeBSD's sysctl(8)."""
    if values_only and names_only:
        raise click.UsageError("-n and -N exclude each other")
    if not operands and not all_:
        raise click.UsageError("give -a or at least one name")
    opts = view.Options(
        values_only, names_only, descr, equals, opaque, hexdump
    )
    out = common.out(NAME)
    with common.stack() as st:
        run = Run(st, opts, out)
        reads = st.targets()
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
                writes = st.targets(writing=True)
            run.multi = len(writes) > 1
            run.write(writes, name, value)
    out.finish()


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
