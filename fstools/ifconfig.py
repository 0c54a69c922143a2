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
    $ ff-ifconfig nosuch0
    ff-ifconfig: interface nosuch0 does not exist

``-v`` (and ``--json``) add FreeBSD's per-interface packet and byte
counters, which F-Stack's ifconfig never showed.  A change goes to every
stack process unless ``--proc`` names one; a read asks process 0 (or
``--proc``, or ``--proc all``: one block per process, headed ``[N]``).
"""

from typing import NamedTuple

import click

from fstools import cli, netcmd, output

NAME = "ff-ifconfig"

# --json keys, pinned by tests/unit/test_ifconfig_tool.py.
JSON_KEYS = ("proc_id", "name", "index", "flags", "flag_names", "metric",
             "mtu", "options", "option_names", "ether", "inet", "media",
             "status", "counters")
INET_KEYS = ("addr", "netmask", "prefixlen", "broadcast")
COUNTER_NAMES = ("ipackets", "ierrors", "opackets", "oerrors", "collisions",
                 "ibytes", "obytes", "imcasts", "omcasts", "iqdrops",
                 "oqdrops", "noproto")

IFF_UP, IFF_PROMISC = 0x1, 0x100
IFT_ETHER, IFT_LOOP = 0x06, 0x18
LINK_STATE_DOWN, LINK_STATE_UP = 1, 2
ENXIO = 6

# FreeBSD's IFFBITS and IFCAPBITS, in bit order.
FLAG_NAMES = [(0x1, "UP"), (0x2, "BROADCAST"), (0x4, "DEBUG"),
              (0x8, "LOOPBACK"), (0x10, "POINTOPOINT"), (0x20, "NEEDSEPOCH"),
              (0x40, "RUNNING"), (0x80, "NOARP"), (0x100, "PROMISC"),
              (0x200, "ALLMULTI"), (0x400, "OACTIVE"), (0x800, "SIMPLEX"),
              (0x1000, "LINK0"), (0x2000, "LINK1"), (0x4000, "LINK2"),
              (0x8000, "MULTICAST")]
OPTION_NAMES = [(0x1, "RXCSUM"), (0x2, "TXCSUM"), (0x4, "NETCONS"),
                (0x8, "VLAN_MTU"), (0x10, "VLAN_HWTAGGING"),
                (0x20, "JUMBO_MTU"), (0x40, "POLLING"),
                (0x80, "VLAN_HWCSUM"), (0x100, "TSO4"), (0x200, "TSO6"),
                (0x400, "LRO"), (0x800, "WOL_UCAST"), (0x1000, "WOL_MCAST"),
                (0x2000, "WOL_MAGIC"), (0x4000, "TOE4"), (0x8000, "TOE6"),
                (0x10000, "VLAN_HWFILTER"), (0x40000, "VLAN_HWTSO"),
                (0x80000, "LINKSTATE"), (0x100000, "NETMAP"),
                (0x200000, "RXCSUM_IPV6"), (0x400000, "TXCSUM_IPV6")]


class Change(NamedTuple):
    """What the words after the interface name ask for."""
    addr: int = None        # address to add or delete
    plen: int = None
    mask: int = None
    broadcast: int = None
    alias: str = None       # None (replace the primary), "add", "delete"
    mtu: int = None
    up: bool = None
    promisc: bool = None

    def empty(self):
        return all(v is None for v in self)


# -- parsing -----------------------------------------------------------------

KEYWORDS = {"alias": "add", "add": "add", "-alias": "delete",
            "delete": "delete", "remove": "delete"}


def parse_change(words):
    """The words after ``ifname`` -> Change.  UsageError for grammar,
    BadValue for a word that should be an address or mask."""
    w = cli.Words(words)
    ch = {}
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
        elif "addr" not in ch:
            ch["addr"], ch["plen"] = netcmd.parse_prefix(word)
        else:
            raise click.UsageError("unexpected word %r" % word)
    change = Change(**ch)
    if change.alias and change.addr is None:
        raise click.UsageError("%s needs an address" % (
            "alias" if change.alias == "add" else "-alias"))
    if (change.mask is not None or change.broadcast is not None) and \
            change.addr is None:
        raise click.UsageError("netmask and broadcast need an address")
    return change


def effective_mask(change):
    """The mask to send: netmask, else /len, else None (class mask)."""
    if change.mask is not None:
        return change.mask
    if change.plen is not None:
        return netcmd.len2mask(change.plen)
    return None


# -- rendering ---------------------------------------------------------------

def status_word(rec):
    if rec["type"] != IFT_ETHER:
        return None
    return {LINK_STATE_UP: "active", LINK_STATE_DOWN: "no carrier"}.get(
        rec["link_state"], "unknown")


def render(rec, verbose=False):
    """One interface as FreeBSD's ifconfig prints it (lines, no newline)."""
    lines = ["%s: flags=%s metric %d mtu %d" % (
        rec["name"], netcmd.bits(rec["flags"], FLAG_NAMES), rec["metric"],
        rec["mtu"])]
    if rec["capenable"]:
        lines.append("\toptions=" + netcmd.bits(rec["capenable"],
                                                 OPTION_NAMES))
    if rec["type"] == IFT_ETHER:
        lines.append("\tether " + netcmd.mac_str(rec["lladdr"]))
    for a in rec["addrs"]:
        line = "\tinet %s netmask 0x%08x" % (a["addr"],
                                            netcmd.aton(a["netmask"]))
        if a["broadaddr"]:
            line += " broadcast " + a["broadaddr"]
        lines.append(line)
    if rec["type"] == IFT_ETHER:
        lines.append("\tmedia: Ethernet autoselect")
        lines.append("\tstatus: " + status_word(rec))
    if rec["type"] == IFT_LOOP:
        lines.append("\tgroups: lo")
    if verbose:
        c = dict(zip(COUNTER_NAMES, rec["counters"]))
        lines.append("\tinput: packets %(ipackets)d bytes %(ibytes)d "
                     "errors %(ierrors)d drops %(iqdrops)d "
                     "multicast %(imcasts)d noproto %(noproto)d" % c)
        lines.append("\toutput: packets %(opackets)d bytes %(obytes)d "
                     "errors %(oerrors)d drops %(oqdrops)d "
                     "multicast %(omcasts)d collisions %(collisions)d" % c)
    return lines


def json_record(proc, rec):
    def names(value, table):
        return [n for bit, n in table if value & bit]
    inet = []
    for a in rec["addrs"]:
        inet.append({"addr": a["addr"], "netmask": a["netmask"],
                     "prefixlen": netcmd.mask2len(netcmd.aton(a["netmask"])),
                     "broadcast": a["broadaddr"]})
    eth = rec["type"] == IFT_ETHER
    return {"proc_id": proc, "name": rec["name"], "index": rec["index"],
            "flags": rec["flags"],
            "flag_names": names(rec["flags"], FLAG_NAMES),
            "metric": rec["metric"], "mtu": rec["mtu"],
            "options": rec["capenable"],
            "option_names": names(rec["capenable"], OPTION_NAMES),
            "ether": netcmd.mac_str(rec["lladdr"]) if eth else None,
            "inet": inet,
            "media": "Ethernet autoselect" if eth else None,
            "status": status_word(rec),
            "counters": dict(zip(COUNTER_NAMES, rec["counters"]))}


def selected(recs, up_only, down_only):
    return [r for r in recs
            if not (up_only and not r["flags"] & IFF_UP)
            and not (down_only and r["flags"] & IFF_UP)]


# -- talking to the stack ----------------------------------------------------

def ioctl(stack, proc, op, name="", **kw):
    """One FF_MSG_IOCTL; the interface records of the answer."""
    from fstools import _ffi
    body = _ffi.encode_ioctl_req(op, name, **kw)
    recs = []
    for reply in stack.request_parts(proc, _ffi.FF_MSG_IOCTL, body):
        recs.extend(_ffi.decode_ioctl_reply(reply.body))
    return recs


def interfaces(stack, proc, name=""):
    from fstools import _ffi
    return ioctl(stack, proc, _ffi.FF_IOCTL_LIST, name)


def apply(stack, proc, name, change):
    """Carry out ``change`` on one process; returns [(what, error)] for
    the steps that failed (what: FreeBSD's ioctl wording)."""
    from fstools import _ffi
    from fstools.ipc import StackError
    steps = []
    if change.addr is not None:
        addr = netcmd.ntoa(change.addr)
        mask = effective_mask(change)
        kw = {"addr": addr,
              "mask": netcmd.ntoa(mask) if mask is not None else None,
              "broadaddr": (netcmd.ntoa(change.broadcast)
                            if change.broadcast is not None else None)}
        if change.alias == "delete":
            steps.append(("ioctl (SIOCDIFADDR)", _ffi.FF_IOCTL_DELADDR,
                          {"addr": addr}))
        else:
            if change.alias is None:
                cur = interfaces(stack, proc, name)[0]["addrs"]
                if cur:
                    steps.append(("ioctl (SIOCDIFADDR)",
                                  _ffi.FF_IOCTL_DELADDR,
                                  {"addr": cur[0]["addr"]}))
            steps.append(("ioctl (SIOCAIFADDR)", _ffi.FF_IOCTL_ADDADDR, kw))
    if change.mtu is not None:
        steps.append(("ioctl SIOCSIFMTU (set mtu)", _ffi.FF_IOCTL_SETMTU,
                      {"value": change.mtu}))
    if change.up is not None or change.promisc is not None:
        steps.append(("ioctl (SIOCSIFFLAGS)", _ffi.FF_IOCTL_SETFLAGS, None))
    failed = []
    for what, op, kw in steps:
        if kw is None:
            flags = interfaces(stack, proc, name)[0]["flags"]
            for on, bit in ((change.up, IFF_UP),
                            (change.promisc, IFF_PROMISC)):
                if on is not None:
                    flags = flags | bit if on else flags & ~bit
            kw = {"value": flags}
        try:
            ioctl(stack, proc, op, name, **kw)
        except StackError as e:
            failed.append((what, e))
            break
    return failed


# -- the command -------------------------------------------------------------

def _show(stack, common, procs, name, opts):
    from fstools.ipc import StackError
    records, failed = [], False
    for proc in procs:
        try:
            recs = interfaces(stack, proc, name or "")
        except StackError as e:
            if e.errno == ENXIO:
                netcmd.warn(NAME, "interface %s does not exist" % name)
                return True
            raise
        recs = selected(recs, opts["u"], opts["d"])
        if common.json:
            records.extend(json_record(proc, r) for r in recs)
            continue
        prefix = "[%d] " % proc if len(procs) > 1 else ""
        if opts["l"]:
            output.emit(prefix + " ".join(r["name"] for r in recs))
            continue
        for r in recs:
            lines = render(r, opts["v"])
            lines[0] = prefix + lines[0]
            output.emit("\n".join(lines))
    if common.json:
        output.emit_json(records)
    return failed


def _configure(stack, common, name, change):
    from fstools.ipc import StackError
    procs = netcmd.targets(stack, common, writing=True)
    failed = False
    for proc in procs:
        where = "proc %d: " % proc if len(procs) > 1 else ""
        try:
            interfaces(stack, proc, name)
            errors = apply(stack, proc, name, change)
        except StackError as e:
            if e.errno == ENXIO:
                netcmd.warn(NAME, "interface %s does not exist" % name)
                return True
            raise
        for what, e in errors:
            netcmd.warn(NAME, "%s%s: %s" % (where, what, netcmd.strerror(e)))
            failed = True
    return failed


@cli.command(NAME, words=True, epilog=cli.examples(
    "ff-ifconfig -a",
    "ff-ifconfig -v f-stack-0                 with packet counters",
    "ff-ifconfig f-stack-0 inet 198.18.1.2/24 alias",
    "ff-ifconfig f-stack-0 inet 198.18.1.2 -alias",
    "ff-ifconfig f-stack-0 mtu 1400",
    "ff-ifconfig f-stack-0 down",
    "ff-ifconfig --proc all --json"))
@cli.common_options()
@click.option("-a", "--all", "all_", is_flag=True,
              help="Every interface (the default).")
@click.option("-l", "--list", "list_", is_flag=True,
              help="Interface names only, on one line.")
@click.option("-u", "--up", "up_only", is_flag=True,
              help="Only interfaces that are up.")
@click.option("-d", "--down", "down_only", is_flag=True,
              help="Only interfaces that are down.")
@click.option("-v", "--verbose", is_flag=True,
              help="Packet and byte counters as well.")
@cli.words_argument("[ifname [inet] [address[/len]] [netmask m] "
                    "[broadcast b] [alias|-alias|delete] [mtu n] "
                    "[up|down] [promisc|-promisc]]")
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
    with common.stack() as stack:
        if change.empty():
            failed = _show(stack, common, netcmd.targets(stack, common,
                                                         writing=False),
                           name, opts)
        else:
            failed = _configure(stack, common, name, change)
    netcmd.finish(failed)


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
