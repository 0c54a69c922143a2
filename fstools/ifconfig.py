"""ff-ifconfig: show and configure the stack's interfaces, as FreeBSD's
ifconfig(8).

    $ ff-ifconfig f-stack-0
    f-stack-0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500
        options=3<RXCSUM,TXCSUM>
        ether 02:18:00:00:00:02
        inet 198.18.0.2 netmask 0xffffff00 broadcast 198.18.0.255
        media: Ethernet autoselect
        status: active
    $ ff-ifconfig f-stack-0 inet 198.18.1.2/24 alias
    $ ff-ifconfig f-stack-0 mtu 1400
    $ ff-ifconfig f-stack-0 -txcsum
    $ ff-ifconfig nosuch0
    ff-ifconfig: interface nosuch0 does not exist

``-v`` (and ``--json``) add FreeBSD's per-interface packet and byte
counters, which F-Stack's ifconfig never showed.  A change goes to every
stack process unless ``--proc`` names one; a read asks process 0 (or
``--proc``, or ``--proc all``: one block per process, headed ``[N]``).
"""

from typing import NamedTuple

import click

from fstools import cli, netcmd
from fstools.stack import StackRefused
from fstools.views import iface as view

NAME = "ff-ifconfig"


class Change(NamedTuple):
    """What the words after the interface name ask for."""

    addr: int = None  # address to add or delete
    plen: int = None
    mask: int = None
    broadcast: int = None
    alias: str = None  # None (replace the primary), "add", "delete"
    mtu: int = None
    up: bool = None
    promisc: bool = None
    caps_on: tuple = None  # capability words turned on: ("txcsum", ...)
    caps_off: tuple = None  # and off (-txcsum)

    def empty(self):
        return all(v is None for v in self)


# -- parsing -----------------------------------------------------------------

KEYWORDS = {
    "alias": "add",
    "add": "add",
    "-alias": "delete",
    "delete": "delete",
    "remove": "delete",
}

# ifconfig(8)'s capability words (each also with a leading "-").
CAPABILITIES = ("rxcsum", "txcsum", "tso4", "tso")


def parse_change(words):
    """The words after ``ifname`` -> Change.  UsageError for grammar,
    BadValue for a word that should be an address or mask."""
    w = cli.Words(words)
    ch = {}
    caps = {}  # word -> on; the last one said wins
    while w:
        word = w.next("word")
        if word == "inet":
            continue
        if word in ("inet6", "link", "ether", "lladdr"):
            raise click.UsageError("address family %s not supported" % word)
        if word in KEYWORDS:
            ch["alias"] = KEYWORDS[word]
        elif word == "netmask":
            ch["mask"] = netcmd.parse_mask(w.next("netmask"))
        elif word == "broadcast":
            ch["broadcast"] = netcmd.aton(w.next("broadcast address"))
        elif word == "mtu":
            ch["mtu"] = w.integer("mtu", 0, 65535)
        elif word in ("up", "down"):
            ch["up"] = word == "up"
        elif word in ("promisc", "-promisc"):
            ch["promisc"] = word == "promisc"
        elif word.removeprefix("-") in CAPABILITIES:
            cap = word.removeprefix("-")
            caps["tso4" if cap == "tso" else cap] = not word.startswith("-")
        elif "addr" not in ch:
            ch["addr"], ch["plen"] = netcmd.parse_prefix(word)
        else:
            raise click.UsageError("unexpected word %r" % word)
    if caps:
        ch["caps_on"] = tuple(c for c, on in caps.items() if on)
        ch["caps_off"] = tuple(c for c, on in caps.items() if not on)
    change = Change(**ch)
    if change.alias and change.addr is None:
        raise click.UsageError(
            "%s needs an address"
            % ("alias" if change.alias == "add" else "-alias")
        )
    if (
        change.mask is not None or change.broadcast is not None
    ) and change.addr is None:
        raise click.UsageError("netmask and broadcast need an address")
    return change


def effective_mask(change):
    """The mask to send: netmask, else /len, else None (class mask)."""
    if change.mask is not None:
        return change.mask
    if change.plen is not None:
        return netcmd.len2mask(change.plen)
    return None


# -- selecting ---------------------------------------------------------------


def selected(ifps, up_only, down_only):
    return [
        i
        for i in ifps
        if not (up_only and not i.up) and not (down_only and i.up)
    ]


# -- the command -------------------------------------------------------------


def show(st, out, name, opts):
    procs = st.targets()
    for proc in procs:
        try:
            ifps = st.interfaces(name, proc=proc)
        except StackRefused as e:
            if e.name != "ENXIO":
                raise
            return out.warn("interface %s does not exist" % name)
        ifps = selected(ifps, opts["u"], opts["d"])
        prefix = "[%d] " % proc if len(procs) > 1 else ""
        if opts["l"]:
            out.line(prefix + " ".join(i.name for i in ifps))
        for ifp in ifps:
            lines = [] if opts["l"] else view.render(ifp, opts["v"])
            if lines:
                lines[0] = prefix + lines[0]
            out.item(view.json_record(ifp), lines)


def _ntoa(n):
    return None if n is None else netcmd.ntoa(n)


def configure(st, out, name, change):
    procs = st.targets(writing=True)
    for proc in procs:
        where = "proc %d: " % proc if len(procs) > 1 else ""
        try:
            st.set_interface(
                name,
                addr=_ntoa(change.addr),
                netmask=_ntoa(effective_mask(change)),
                broadcast=_ntoa(change.broadcast),
                alias=change.alias,
                mtu=change.mtu,
                up=change.up,
                promisc=change.promisc,
                proc=proc,
            )
            if change.caps_on is not None:
                st.set_capabilities(
                    name, change.caps_on, change.caps_off, proc=proc
                )
        except StackRefused as e:
            if e.what is None and e.name == "ENXIO":
                return out.warn("interface %s does not exist" % name)
            if e.what is None:
                raise
            out.warn(where + e.message)


@cli.command(
    NAME,
    words=True,
    epilog=cli.examples(
        "ff-ifconfig -a",
        "ff-ifconfig -v f-stack-0                 with packet counters",
        "ff-ifconfig f-stack-0 inet 198.18.1.2/24 alias",
        "ff-ifconfig f-stack-0 inet 198.18.1.2 -alias",
        "ff-ifconfig f-stack-0 mtu 1400",
        "ff-ifconfig f-stack-0 down",
        "ff-ifconfig f-stack-0 -txcsum -rxcsum     checksums by the stack",
        "ff-ifconfig --proc all --json",
    ),
)
@cli.common_options()
@click.option(
    "-a", "--all", "all_", is_flag=True, help="Every interface (the default)."
)
@click.option(
    "-l",
    "--list",
    "list_",
    is_flag=True,
    help="Interface names only, on one line.",
)
@click.option(
    "-u", "--up", "up_only", is_flag=True, help="Only interfaces that are up."
)
@click.option(
    "-d",
    "--down",
    "down_only",
    is_flag=True,
    help="Only interfaces that are down.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Packet and byte counters as well."
)
@cli.words_argument(
    "[ifname [inet] [address[/len]] [netmask m] "
    "[broadcast b] [alias|-alias|delete] [mtu n] "
    "[up|down] [promisc|-promisc] [[-]rxcsum] [[-]txcsum] [[-]tso4]]"
)
def command(common, all_, list_, up_only, down_only, verbose, words):
    """Show or configure the stack's interfaces, as FreeBSD's ifconfig(8)."""
    name, rest = (words[0], words[1:]) if words else (None, ())
    if name is not None and name.startswith("-"):
        raise click.UsageError("no such option: %s" % name)
    if up_only and down_only:
        raise click.UsageError("-u and -d exclude each other")
    try:
        change = parse_change(rest)
    except netcmd.BadValue as e:
        cli.fail(NAME, "%s: bad value" % e)
    if not change.empty() and (all_ or list_):
        raise click.UsageError("-a and -l take no configuration")
    opts = {"l": list_, "u": up_only, "d": down_only, "v": verbose}
    out = common.out(NAME)
    with common.stack() as st:
        if change.empty():
            show(st, out, name, opts)
        else:
            configure(st, out, name, change)
    out.finish()


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
