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

from fstools import cli, netcmd, output

NAME = "ff-route"

# --json keys, pinned by tests/unit/test_route_tool.py.
JSON_KEYS = ("proc_id", "destination", "prefixlen", "gateway", "flags",
             "flag_names", "interface", "mtu", "expire", "use")
JSON_CHANGE_KEYS = ("proc_id", "command", "kind", "destination", "gateway",
                    "result")

RTF_UP, RTF_GATEWAY, RTF_HOST, RTF_DONE = 0x1, 0x2, 0x4, 0x40
RTF_REJECT, RTF_STATIC, RTF_BLACKHOLE = 0x8, 0x800, 0x1000

# FreeBSD's route(8) flag names (routeflags), bit order.
FLAG_NAMES = [(0x1, "UP"), (0x2, "GATEWAY"), (0x4, "HOST"), (0x8, "REJECT"),
              (0x10, "DYNAMIC"), (0x20, "MODIFIED"), (0x40, "DONE"),
              (0x200, "XRESOLVE"), (0x400, "LLINFO"), (0x800, "STATIC"),
              (0x1000, "BLACKHOLE"), (0x4000, "PROTO2"), (0x8000, "PROTO1"),
              (0x40000, "PROTO3"), (0x80000, "FIXEDMTU"),
              (0x100000, "PINNED"), (0x200000, "LOCAL"),
              (0x400000, "BROADCAST"), (0x800000, "MULTICAST")]
# netstat -r's letters.
FLAG_LETTERS = [(0x1, "U"), (0x2, "G"), (0x4, "H"), (0x8, "R"), (0x10, "D"),
                (0x20, "M"), (0x800, "S"), (0x8000, "1"), (0x4000, "2"),
                (0x40000, "3"), (0x1000, "B")]

# FreeBSD errno numbers and route(8)'s words for them.
ESRCH, EBUSY, EEXIST, ENOBUFS, ENXIO = 3, 16, 17, 55, 6
REASONS = {ESRCH: "not in table", EBUSY: "entry in use",
           ENOBUFS: "not enough memory", EEXIST: "route already in table"}


class Request(NamedTuple):
    """One route(8) command, parsed."""
    cmd: str                    # add, delete, change, get
    dest: str = None            # as typed, "/len" cut (route(8) prints it)
    addr: int = None
    plen: int = None            # None: no mask (host, or longest match)
    host: bool = False
    gateway: str = None         # as typed
    gw_addr: int = None
    ifname: str = None          # -interface
    mtu: int = None
    flags: int = 0              # -static -blackhole -reject

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
            r["flags"] |= {"-static": RTF_STATIC, "-blackhole": RTF_BLACKHOLE,
                           "-reject": RTF_REJECT}[word]
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
    if cmd in ("add", "change") and gateway is None and "ifname" not in r \
            and (cmd == "add" or r.get("mtu") is None):
        raise click.UsageError("missing gateway (or -interface ifname)")
    if gateway is not None and "ifname" in r:
        raise click.UsageError("give a gateway or -interface, not both")
    return Request(cmd=cmd, dest=text, addr=addr, plen=plen, host=host,
                   gateway=gateway, gw_addr=gw_addr, ifname=r.get("ifname"),
                   mtu=r.get("mtu"), flags=r["flags"])


def _class_len(addr):
    """route(8)'s guess for ``-net a.b.c.d`` without a mask: the class,
    widened until no host bits are left out (FreeBSD's inet_makenetandmask)."""
    top = addr >> 24
    plen = 8 if top < 128 else 16 if top < 192 else 24
    while plen < 32 and addr & ~netcmd.len2mask(plen) & 0xFFFFFFFF:
        plen += 8
    return plen


# -- rendering ---------------------------------------------------------------

def change_line(req, reason=None):
    """``add net 198.19.0.0: gateway 198.18.0.1[: reason]``."""
    line = "%s %s %s" % (req.cmd, req.kind, req.dest)
    gw = req.gateway or req.ifname
    if gw:
        line += ": gateway " + gw
    if reason:
        line += ": " + reason
    return line


def dest_name(m, numeric):
    if m["dst"] == "0.0.0.0" and m["netmask"] == "0.0.0.0" and not numeric:
        return "default"
    return m["dst"]


def get_block(target, m, numeric):
    """The block ``route get`` prints."""
    # As FreeBSD: the address asked for, named "default" unless -n.
    if target in ("default", "0.0.0.0"):
        target = "0.0.0.0" if numeric else "default"
    lines = ["   route to: %s" % target,
             "destination: %s" % dest_name(m, numeric)]
    if not m["flags"] & RTF_HOST:
        lines.append("       mask: %s" % m["netmask"])
    if m["flags"] & RTF_GATEWAY and m["gateway"]:
        lines.append("    gateway: %s" % m["gateway"])
    lines.append("        fib: 0")
    lines.append("  interface: %s" % m["ifname"])
    lines.append("      flags: <%s>" % ",".join(
        n for bit, n in FLAG_NAMES if m["flags"] & bit))
    lines.append(" recvpipe  sendpipe  ssthresh  rtt,msec    mtu        "
                 "weight    expire")
    lines.append("%8d  %8d  %8d  %8d  %8d  %8d  %8d " % (
        0, 0, 0, 0, m["mtu"], m["weight"], m["expire"]))
    return lines


def table_dest(m):
    if m["dst"] == "0.0.0.0" and m["netmask"] == "0.0.0.0":
        return "default"
    if m["flags"] & RTF_HOST:
        return m["dst"]
    return "%s/%d" % (m["dst"], netcmd.mask2len(netcmd.aton(m["netmask"])))


def table_flags(flags):
    return "".join(c for bit, c in FLAG_LETTERS if flags & bit)


def show_table(routes):
    """netstat -rn's Internet part: FreeBSD's columns, Netif widened to fit."""
    width = max([8] + [len(m["ifname"]) for m in routes])
    lines = ["Routing tables", "", "Internet:",
             "%-18s %-18s %-6s %*s %s" % ("Destination", "Gateway", "Flags",
                                          width, "Netif", "Expire")]
    for m in routes:
        gw = (m["gateway"] if m["flags"] & RTF_GATEWAY
              else "link#%d" % m["index"])
        expire = str(m["expire"]) if m["expire"] else ""
        lines.append(("%-18s %-18s %-6s %*s %s" % (
            table_dest(m), gw, table_flags(m["flags"]), width, m["ifname"],
            expire)).rstrip())
    return lines


def json_route(proc, m):
    return {"proc_id": proc, "destination": m["dst"],
            "prefixlen": netcmd.mask2len(netcmd.aton(m["netmask"]))
            if m["netmask"] else 32,
            "gateway": m["gateway"] if m["flags"] & RTF_GATEWAY else None,
            "flags": m["flags"] & ~RTF_DONE,
            "flag_names": [n for bit, n in FLAG_NAMES
                           if m["flags"] & ~RTF_DONE & bit],
            "interface": m["ifname"], "mtu": m["mtu"],
            "expire": m["expire"], "use": m["pksent"]}


# -- talking to the stack ----------------------------------------------------

def send(stack, proc, req, rtm_type):
    from fstools import _ffi
    plen = req.plen
    body = _ffi.encode_rt_msg(
        rtm_type, flags=req.flags | (0x4 if req.host else 0),
        dst=netcmd.ntoa(req.addr),
        netmask=netcmd.ntoa(netcmd.len2mask(plen)) if plen is not None
        and not req.host else None,
        gateway=req.gateway and netcmd.ntoa(req.gw_addr),
        ifname=req.ifname or "", mtu=req.mtu)
    reply = stack.request(proc, _ffi.FF_MSG_ROUTE, body)
    return _ffi.decode_rt_msg(reply.body)


def dump(stack, proc):
    from fstools import _ffi
    body = _ffi.encode_rt_msg(_ffi.FF_RTM_DUMP)
    routes = []
    for reply in stack.request_parts(proc, _ffi.FF_MSG_ROUTE, body):
        routes.extend(_ffi.decode_rt_dump(reply.body))
    return routes


RTM_TYPES = {"add": 0x1, "delete": 0x2, "change": 0x3, "get": 0x4}


# -- the command -------------------------------------------------------------

class Run:
    def __init__(self, stack, common, quiet, numeric):
        self.stack, self.common = stack, common
        self.quiet, self.numeric = quiet, numeric
        self.failed = False
        self.records = []

    def change(self, req):
        from fstools.ipc import StackError
        procs = netcmd.targets(self.stack, self.common, writing=True)
        for proc in procs:
            prefix = "[%d] " % proc if len(procs) > 1 else ""
            try:
                send(self.stack, proc, req, RTM_TYPES[req.cmd])
                result = "ok"
            except StackError as e:
                if e.errno == ENXIO and req.ifname:
                    netcmd.warn(NAME, "interface %s does not exist"
                                % req.ifname)
                    self.failed = True
                    return
                netcmd.warn(NAME, "%swriting to routing socket: %s"
                            % (prefix, netcmd.strerror(e)))
                netcmd.warn(NAME, prefix + change_line(
                    req, REASONS.get(e.errno, netcmd.strerror(e))))
                self.failed = True
                result = netcmd.strerror(e)
            else:
                if not self.quiet and not self.common.json:
                    output.emit(prefix + change_line(req))
            self.records.append({"proc_id": proc, "command": req.cmd,
                                 "kind": req.kind, "destination": req.dest,
                                 "gateway": req.gateway or req.ifname,
                                 "result": result})

    def get(self, req):
        from fstools.ipc import StackError
        for proc in netcmd.targets(self.stack, self.common, writing=False):
            try:
                m = send(self.stack, proc, req, RTM_TYPES["get"])
            except StackError as e:
                if e.errno != ESRCH:
                    raise
                netcmd.warn(NAME, "route has not been found")
                self.failed = True
                continue
            if self.common.json:
                self.records.append(json_route(proc, m))
            elif not self.quiet:
                output.emit("\n".join(get_block(req.dest, m, self.numeric)))

    def show(self):
        for proc in netcmd.targets(self.stack, self.common, writing=False):
            routes = dump(self.stack, proc)
            if self.common.json:
                self.records.extend(json_route(proc, m) for m in routes)
            else:
                output.emit("\n".join(show_table(routes)))

    def flush(self):
        """Every gateway route goes, as route(8)'s flush."""
        from fstools.ipc import StackError
        procs = netcmd.targets(self.stack, self.common, writing=True)
        for proc in procs:
            for m in dump(self.stack, proc):
                if not m["flags"] & RTF_GATEWAY:
                    continue
                plen = netcmd.mask2len(netcmd.aton(m["netmask"]))
                req = Request("delete", dest=m["dst"],
                              addr=netcmd.aton(m["dst"]), plen=plen,
                              host=bool(m["flags"] & RTF_HOST))
                try:
                    send(self.stack, proc, req, RTM_TYPES["delete"])
                except StackError as e:
                    netcmd.warn(NAME, "%s: %s" % (m["dst"],
                                                  netcmd.strerror(e)))
                    self.failed = True
                    continue
                if not self.quiet and not self.common.json:
                    output.emit("%-20.20s %-20.20s done" % (
                        table_dest(m), m["gateway"]))


@cli.command(NAME, words=True, epilog=cli.examples(
    "ff-route add -net 198.19.0.0/16 198.18.0.1",
    "ff-route add -host 198.19.1.1 -interface f-stack-0",
    "ff-route change -net 198.19.0.0/16 198.18.0.9 -mtu 1400",
    "ff-route -n get 198.19.1.1",
    "ff-route delete -net 198.19.0.0/16",
    "ff-route -n show",
    "ff-route --proc 1 flush"))
@cli.common_options()
@click.option("-n", "--numeric", is_flag=True,
              help="Numeric output (no names such as 'default').")
@click.option("-q", "--quiet", is_flag=True,
              help="Print nothing on success.")
@click.option("-v", "--verbose", is_flag=True,
              help="Accepted for route(8) compatibility.")
@cli.words_argument("add|delete|change|get|flush|show [-net|-host] "
                    "destination[/len] [gateway|-interface ifname] "
                    "[-netmask m] [-mtu n]")
def command(common, numeric, quiet, verbose, words):
    """Show and change the stack's routing table, as FreeBSD's route(8)."""
    if not words:
        raise click.UsageError("missing command")
    try:
        req = parse(words)
    except netcmd.BadValue as e:
        cli.fail(NAME, "%s: bad address" % e)
    with common.stack() as stack:
        run = Run(stack, common, quiet, numeric)
        if req.cmd == "show":
            run.show()
        elif req.cmd == "flush":
            run.flush()
        elif req.cmd == "get":
            run.get(req)
        else:
            run.change(req)
        if common.json:
            output.emit_json(run.records)
    netcmd.finish(run.failed)


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
