"""ff-arp: show and change the stack's ARP table, as FreeBSD's arp(8).

    $ ff-arp -a
    ? (198.18.0.1) at 02:18:00:00:00:01 on f-stack-0 expires in 1195 seconds [ethernet]
    ? (198.18.0.2) at 02:18:00:00:00:02 on f-stack-0 permanent [ethernet]
    $ ff-arp -s 198.18.0.9 02:18:00:00:00:09 pub
    $ ff-arp -s 198.18.0.10 02:18:00:00:00:0a temp
    $ ff-arp -S 198.18.0.9 02:18:00:00:00:0b
    198.18.0.9 (198.18.0.9) deleted
    $ ff-arp -f ethers.txt
    $ ff-arp -d 198.18.0.77
    ff-arp: delete: cannot locate 198.18.0.77

Entries travel as routing messages with RTF_LLINFO (FF_MSG_ROUTE), as
arp(8) uses the routing socket.  An entry set with ``temp`` is sent
without RTF_STATIC and with RTV_EXPIRE: rmx_expire is its lifetime, the
stack's net.link.ether.inet.max_age, read first as arp(8) does.  Names
are never looked up: the host column is ``?`` and hosts are given as
addresses.  A change goes to every stack process unless ``--proc`` names
one.  Every entry of ``-f`` is checked before the first is set.
"""

from typing import NamedTuple

import click

from fstools import cli, netcmd
from fstools.stack import StackRefused
from fstools.views import arp as view

NAME = "ff-arp"


class Entry(NamedTuple):
    """What ``-s`` (or a line of ``-f``) asks for."""

    host: str
    mac: bytes
    temp: bool = False
    pub: bool = False


# -- the command -------------------------------------------------------------


def _no_interface(out, e, ifname):
    if e.name != "ENXIO" or not ifname:
        raise e
    out.warn("interface %s does not exist" % ifname)


def show(st, out, ifname, host=None):
    procs = st.targets()
    for proc in procs:
        try:
            entries = st.arp_entries(ifname, proc=proc)
        except StackRefused as e:
            return _no_interface(out, e, ifname)
        found = [e for e in entries if host is None or e.ip == host]
        if host is not None and not found:
            out.line("%s (%s) -- no entry" % (host, host))
            out.failed = True
        for e in found:
            out.item(
                view.json_entry(e),
                [("[%d] " % proc if len(procs) > 1 else "") + view.line(e)],
            )


def delete_entry(st, out, host):
    for proc in st.targets(writing=True):
        try:
            st.arp_delete(host, proc=proc)
        except StackRefused as e:
            if e.name != "ESRCH":
                raise
            return out.warn("delete: cannot locate %s" % host)
    out.line("%s (%s) deleted" % (host, host))


def delete_all(st, out, ifname):
    for proc in st.targets(writing=True):
        try:
            gone = st.arp_flush(ifname, proc=proc)
        except StackRefused as e:
            return _no_interface(out, e, ifname)
        for e in gone:
            out.line("%s (%s) deleted" % (e.ip, e.ip))


def set_entry(st, out, entry, replace=False):
    """arp -s (-S: delete any entry for the host first)."""
    procs = st.targets(writing=True)
    deleted = False
    for proc in procs:
        where = "proc %d: " % proc if len(procs) > 1 else ""
        if replace:
            try:
                st.arp_delete(entry.host, proc=proc)
                if not deleted:
                    out.line("%s (%s) deleted" % (entry.host, entry.host))
                deleted = True
            except StackRefused as e:
                if e.name != "ESRCH":
                    raise
        try:
            st.arp_set(
                entry.host,
                entry.mac,
                temp=entry.temp,
                pub=entry.pub,
                proc=proc,
            )
        except StackRefused as e:
            reason = SET_ERRORS.get(e.name)
            out.warn(
                where
                + (
                    reason % entry.host
                    if reason
                    else "set: %s: %s" % (entry.host, e.message)
                )
            )


# arp(8)'s words for the stack's refusals of -s.
SET_ERRORS = {
    "ENETUNREACH": "cannot intuit interface index and type for %s",
    "EEXIST": "set: %s is one of our addresses",
}


def _host(word):
    try:
        netcmd.aton(word)
    except netcmd.BadValue:
        raise netcmd.BadValue(
            "%s: bad address (give an IPv4 address)" % word
        ) from None
    return word


def parse_entry(words):
    """``host ether [temp] [blackhole|reject] [pub [only]]`` -> Entry.

    netcmd.BadValue for a bad host or Ethernet address and for what the
    stack cannot do (the tool exits 1); click.UsageError for a missing
    word or an unknown one (exit 2).
    """
    w = cli.Words(words)
    host = _host(w.next("host"))
    eth = w.next("Ethernet address")
    try:
        mac = netcmd.parse_mac(eth)
    except netcmd.BadValue:
        raise netcmd.BadValue("invalid Ethernet address '%s'" % eth) from None
    temp = pub = False
    while w:
        word = w.next("")
        if word == "temp":
            temp = True
        elif word == "pub":
            pub = True
            w.accept("only")  # pre-8.0 FreeBSD: no longer different
        elif word in ("blackhole", "reject"):
            raise netcmd.BadValue(
                "%s: not supported: this stack's ARP "
                "entries cannot discard or reject "
                "traffic" % word
            )
        else:
            raise click.UsageError("Invalid parameter '%s'" % word)
    return Entry(host, mac, temp, pub)


def read_file(path):
    """The entries of an ``arp -f`` file: one ``-s`` operand list a line,
    ``#`` to the end of a line a comment.  Every bad line is reported;
    then the tool fails before setting anything."""

    def line(words, where):
        if len(words) < 2:
            raise netcmd.BadValue("bad line: %s" % " ".join(words))
        return parse_entry(words)

    return cli.read_lines(
        NAME, path, line, (netcmd.BadValue, click.UsageError), "no entry set"
    )


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-arp -a",
        "ff-arp -i f-stack-0 -a",
        "ff-arp 198.18.0.1",
        "ff-arp -d 198.18.0.1",
        "ff-arp -d -a",
        "ff-arp -s 198.18.0.9 02:18:00:00:00:09 pub",
        "ff-arp -s 198.18.0.10 02:18:00:00:00:0a temp",
        "ff-arp -S 198.18.0.9 02:18:00:00:00:0b",
        "ff-arp -f ethers.txt",
        "ff-arp --proc all --json -a",
    ),
)
@cli.common_options()
@click.option("-a", "--all", "all_", is_flag=True, help="Every entry.")
@click.option(
    "-d",
    "--delete",
    is_flag=True,
    help="Delete the host's entry (with -a: every entry).",
)
@click.option(
    "-s",
    "--set",
    "set_",
    is_flag=True,
    help="Add an entry: host ether [temp] [pub [only]]; "
    "permanent unless temp.",
)
@click.option(
    "-S",
    "--replace",
    is_flag=True,
    help="As -s, deleting any entry for the host first.",
)
@click.option(
    "-f",
    "--file",
    "file_",
    is_flag=True,
    help="Add the entries of a file, one -s operand list a line.",
)
@click.option(
    "-i",
    "--interface",
    metavar="IFNAME",
    help="Only entries on this interface.",
)
@click.option(
    "-n",
    "--numeric",
    is_flag=True,
    help="Numeric output (names are never looked up anyway).",
)
@click.argument(
    "operands", nargs=-1, metavar="[host [ether [temp] [pub [only]]] | file]"
)
def command(
    common, all_, delete, set_, replace, file_, interface, numeric, operands
):
    """Show and change the stack's ARP table, as FreeBSD's arp(8)."""
    setting = set_ or replace
    if sum(map(bool, (set_, replace, delete, file_))) > 1:
        raise click.UsageError("-d, -s, -S and -f exclude each other")
    if (setting or file_) and all_:
        raise click.UsageError("-s, -S and -f take no -a")
    if file_ and len(operands) != 1:
        raise click.UsageError("-f takes one file name")
    if not (all_ or setting or file_) and len(operands) != 1:
        raise click.UsageError("give -a or one host")
    if all_ and operands:
        raise click.UsageError("-a takes no host")
    if interface and (setting or file_ or (delete and not all_)):
        cli.fail(NAME, "-i not applicable to this operation")
    try:
        if setting:
            todo = [parse_entry(operands)]
        elif file_:
            todo = read_file(operands[0])
        elif operands:
            host = _host(operands[0])
    except netcmd.BadValue as e:
        cli.fail(NAME, str(e))
    out = common.out(NAME)
    with common.stack() as st:
        if setting or file_:
            for entry in todo:
                set_entry(st, out, entry, replace)
        elif delete and all_:
            delete_all(st, out, interface)
        elif delete:
            delete_entry(st, out, host)
        else:
            show(st, out, interface, None if all_ else host)
    out.finish()


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
