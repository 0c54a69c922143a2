"""ff-route: manipulate the stack's routing table, as FreeBSD's route(8).

    $ ff-route add -net 198.19.0.0/16 198.18.0.1
    add net 198.19.0.0: gateway 198.18.0.1
    $ ff-route add -net 198.19.0.0/16 198.18.0.1
    ff-route: writing to routing socket: File exists
    ff-route: add net 198.19.0.0: gateway 198.18.0.1: route already in table
    $ ff-route -n get 198.19.1.1
       route to: 198.19.1.1
    destination: 198.19.0.0
           mask: 255.255.0.0
        gateway: 198.18.0.1
            fib: 0
      interface: f-stack-0
          flags: <UP,GATEWAY,DONE,STATIC>
     recvpipe  sendpipe  ssthresh  rtt,msec    mtu        weight    expire
           0         0         0         0      1500         1         0
    $ ff-route -n show
    Routing tables

    Internet:
    Destination        Gateway            Flags     Netif Expire
    default            198.18.0.1         UGS   f-stack-0
    ...

Routes are messages with FreeBSD's rt_msghdr meaning (FF_MSG_ROUTE).  A
change goes to every stack process unless ``--proc`` names one (state is
per process, as in F-Stack); ``get`` and ``show`` ask process 0 (or
``--proc``).
"""

from typing import NamedTuple

import click

from fstools import cli, netcmd
from fstools.stack import RTF_BLACKHOLE, RTF_REJECT, RTF_STATIC, StackRefused
from fstools.views import route as view

NAME = "ff-route"

JSON_CHANGE_KEYS = (
    "proc_id",
    "command",
    "kind",
    "destination",
    "gateway",
    "result",
)


# route(8)'s words for the stack's refusals.
REASONS = {
    "ESRCH": "not in table",
    "EBUSY": "entry in use",
    "ENOBUFS": "not enough memory",
    "EEXIST": "route already in table",
}


class Request(NamedTuple):
    """One route(8) command, parsed."""

    cmd: str  # add, delete, change, get
    dest: str = None  # as typed, "/len" cut (route(8) prints it)
    addr: int = None
    plen: int = None  # None: no mask (host, or longest match)
    host: bool = False
    gateway: str = None  # as typed
    gw_addr: int = None
    ifname: str = None  # -interface
    mtu: int = None
    flags: int = 0  # -static -blackhole -reject

    @property
    def kind(self):
        return "host" if self.host else "net"


# -- parsing -----------------------------------------------------------------

COMMANDS = ("add", "delete", "change", "get", "flush", "show")


def parse(words):
    """route(8)'s words after the options -> Request; UsageError for the
    grammar, netcmd.BadValue for an address that is not one."""
    w = cli.Words(words)
    cmd = w.choice("command", COMMANDS)
    if cmd == "flush":
        w.accept("-inet")
        w.end()
        return Request(cmd)
    if cmd == "show" and not w:
        return Request(cmd)
    if cmd == "show":
        cmd = "get"
    r = {"cmd": cmd, "host": None, "flags": 0}
    positional = []
    while w:
        word = w.next("argument")
        if word in ("-net", "-host"):
            r["host"] = word == "-host"
        elif word == "-inet":
            continue
        elif word in ("-interface", "-iface"):
            r["ifname"] = w.next("interface name after %s" % word)
        elif word == "-netmask":
            r["mask"] = netcmd.parse_mask(w.next("netmask"))
        elif word == "-mtu":
            r["mtu"] = w.integer("mtu", 68, 65535)
        elif word in ("-static", "-blackhole", "-reject"):
            r["flags"] |= {
                "-static": RTF_STATIC,
                "-blackhole": RTF_BLACKHOLE,
                "-reject": RTF_REJECT,
            }[word]
        elif word.startswith("-"):
            raise click.UsageError("unknown modifier %s" % word)
        else:
            positional.append(word)
    return _finish(r, positional)


def _finish(r, positional):
    cmd = r["cmd"]
    if not positional:
        raise click.UsageError("missing destination")
    if len(positional) > (1 if cmd == "get" else 2):
        raise click.UsageError("unexpected word %r" % positional[-1])
    dest = positional[0]
    if dest == "default":
        addr, plen, text = 0, 0, "default"
    else:
        addr, plen = netcmd.parse_prefix(dest)
        text = dest.split("/")[0]
    mask = r.pop("mask", None)
    if mask is not None:
        plen = netcmd.mask2len(mask)
    host = r["host"]
    if host is None:
        host = plen is None and cmd != "get"
    if host:
        if plen not in (None, 32):
            raise click.UsageError("a host route has no netmask")
        plen = 32 if cmd != "get" else None
    elif plen is None and cmd != "get":
        plen = _class_len(addr)
    if plen is not None:
        addr &= netcmd.len2mask(plen)
    gateway = positional[1] if len(positional) > 1 else None
    gw_addr = netcmd.aton(gateway) if gateway is not None else None
    if (
        cmd in ("add", "change")
        and gateway is None
        and "ifname" not in r
        and (cmd == "add" or r.get("mtu") is None)
    ):
        raise click.UsageError("missing gateway (or -interface ifname)")
    if gateway is not None and "ifname" in r:
        raise click.UsageError("give a gateway or -interface, not both")
    return Request(
        cmd=cmd,
        dest=text,
        addr=addr,
        plen=plen,
        host=host,
        gateway=gateway,
        gw_addr=gw_addr,
        ifname=r.get("ifname"),
        mtu=r.get("mtu"),
        flags=r["flags"],
    )


def _class_len(addr):
    """route(8)'s guess for ``-net a.b.c.d`` without a mask: the class,
    widened until no host bits are left out (FreeBSD's inet_makenetandmask)."""
    top = addr >> 24
    plen = 8 if top < 128 else 16 if top < 192 else 24
    while plen < 32 and addr & ~netcmd.len2mask(plen) & 0xFFFFFFFF:
        plen += 8
    return plen


# -- messages ----------------------------------------------------------------


def change_line(req, reason=None):
    """``add net 198.19.0.0: gateway 198.18.0.1[: reason]``."""
    line = "%s %s %s" % (req.cmd, req.kind, req.dest)
    gw = req.gateway or req.ifname
    if gw:
        line += ": gateway " + gw
    if reason:
        line += ": " + reason
    return line


# -- the command -------------------------------------------------------------


def send(st, proc, req):
    """The request on one process, through the Stack call of its verb."""
    call = {
        "add": st.route_add,
        "change": st.route_change,
        "delete": st.route_delete,
        "get": st.route_get,
    }[req.cmd]
    dest = netcmd.ntoa(req.addr)
    if req.plen is not None and not req.host:
        dest += "/%d" % req.plen
    if req.cmd == "get":
        return call(dest, proc=proc)
    return call(
        dest,
        req.gateway and netcmd.ntoa(req.gw_addr),
        host=req.host,
        interface=req.ifname,
        mtu=req.mtu,
        static=bool(req.flags & RTF_STATIC),
        blackhole=bool(req.flags & RTF_BLACKHOLE),
        reject=bool(req.flags & RTF_REJECT),
        proc=proc,
    )


def change(st, out, req, quiet):
    procs = st.targets(writing=True)
    for proc in procs:
        prefix = "[%d] " % proc if len(procs) > 1 else ""
        try:
            send(st, proc, req)
            result = "ok"
        except StackRefused as e:
            if e.name == "ENXIO" and req.ifname:
                return out.warn("interface %s does not exist" % req.ifname)
            out.warn("%swriting to routing socket: %s" % (prefix, e.message))
            out.warn(prefix + change_line(req, REASONS.get(e.name, e.message)))
            result = e.message
        else:
            if not quiet:
                out.line(prefix + change_line(req))
        out.item(
            {
                "proc_id": proc,
                "command": req.cmd,
                "kind": req.kind,
                "destination": req.dest,
                "gateway": req.gateway or req.ifname,
                "result": result,
            }
        )


def get(st, out, req, quiet, numeric):
    for proc in st.targets():
        try:
            r = send(st, proc, req)
        except StackRefused as e:
            if e.name != "ESRCH":
                raise
            out.warn("route has not been found")
            continue
        out.item(
            view.json_route(r),
            () if quiet else view.get_block(req.dest, r, numeric),
        )


def show(st, out):
    for proc in st.targets():
        routes = st.routes(proc=proc)
        out.table(
            [view.json_route(r) for r in routes],
            view.show_table(routes),
            view.TABLE_KEYS,
            view.TABLE_TITLES,
        )


def flush(st, out, quiet):
    """Every gateway route goes, as route(8)'s flush."""
    for proc in st.targets(writing=True):
        for r in st.routes(proc=proc):
            if not r.via_gateway:
                continue
            try:
                st.route_delete(
                    r.destination,
                    prefixlen=r.prefixlen,
                    host=r.is_host,
                    proc=proc,
                )
            except StackRefused as e:
                out.warn("%s: %s" % (r.destination, e.message))
                continue
            if not quiet:
                out.line(
                    "%-20.20s %-20.20s done" % (view.table_dest(r), r.gateway)
                )


@cli.command(
    NAME,
    words=True,
    epilog=cli.examples(
        "ff-route add -net 198.19.0.0/16 198.18.0.1",
        "ff-route add -host 198.19.1.1 -interface f-stack-0",
        "ff-route change -net 198.19.0.0/16 198.18.0.9 -mtu 1400",
        "ff-route -n get 198.19.1.1",
        "ff-route delete -net 198.19.0.0/16",
        "ff-route -n show",
        "ff-route --proc 1 flush",
    ),
)
@cli.common_options()
@click.option(
    "-n",
    "--numeric",
    is_flag=True,
    help="Numeric output (no names such as 'default').",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Accepted for route(8) compatibility.",
)
@cli.words_argument(
    "add|delete|change|get|flush|show [-net|-host] "
    "destination[/len] [gateway|-interface ifname] "
    "[-netmask m] [-mtu n]"
)
def command(common, numeric, quiet, verbose, words):
    """Show and change the stack's routing table, as FreeBSD's route(8)."""
    if not words:
        raise click.UsageError("missing command")
    try:
        req = parse(words)
    except netcmd.BadValue as e:
        cli.fail(NAME, "%s: bad address" % e)
    out = common.out(NAME)
    with common.stack() as st:
        if req.cmd == "show":
            show(st, out)
        elif req.cmd == "flush":
            flush(st, out, quiet)
        elif req.cmd == "get":
            get(st, out, req, quiet, numeric)
        else:
            change(st, out, req, quiet)
    out.finish()


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
