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

import struct
from typing import NamedTuple

import click

from fstools import cli, netcmd, output

NAME = "ff-arp"

# --json keys, pinned by tests/unit/test_arp_tool.py.
JSON_KEYS = ("proc_id", "ip", "mac", "interface", "expires", "permanent",
             "published", "type")

RTF_UP, RTF_LLINFO, RTF_STATIC, RTF_ANNOUNCE = 0x1, 0x400, 0x800, 0x4000
RTF_IFADDR = 0x1000000
ESRCH, ENXIO, EEXIST, ENETUNREACH = 3, 6, 17, 51

MAX_AGE = "net.link.ether.inet.max_age"


class Entry(NamedTuple):
    """What ``-s`` (or a line of ``-f``) asks for."""
    host: str
    mac: bytes
    temp: bool = False
    pub: bool = False


# -- rendering ---------------------------------------------------------------

def line(e):
    """FreeBSD's arp -a line for one entry (a route-message dict)."""
    mac = (netcmd.mac_str(e["lladdr"]) if e["flags"] & RTF_UP
           else "(incomplete)")
    text = "? (%s) at %s on %s" % (e["dst"], mac, e["ifname"])
    if e["flags"] & RTF_STATIC:
        text += " permanent"
    elif e["expire"]:
        text += " expires in %d seconds" % e["expire"]
    else:
        text += " expired"
    if e["flags"] & RTF_ANNOUNCE:
        text += " published"
    return text + " [ethernet]"


def json_entry(proc, e):
    static = bool(e["flags"] & RTF_STATIC)
    return {"proc_id": proc, "ip": e["dst"],
            "mac": netcmd.mac_str(e["lladdr"]) if e["flags"] & RTF_UP
            else None,
            "interface": e["ifname"],
            "expires": None if static else e["expire"],
            "permanent": static, "published": bool(e["flags"] & RTF_ANNOUNCE),
            "type": "ethernet"}


def sort_key(e):
    return netcmd.aton(e["dst"])


# -- talking to the stack ----------------------------------------------------

def _msg(stack, proc, rtm_type, **kw):
    from fstools import _ffi
    kw["flags"] = kw.get("flags", 0) | RTF_LLINFO
    body = _ffi.encode_rt_msg(rtm_type, **kw)
    return _ffi.decode_rt_msg(stack.request(proc, _ffi.FF_MSG_ROUTE,
                                            body).body)


def entries(stack, proc, ifindex=0):
    from fstools import _ffi
    body = _ffi.encode_rt_msg(_ffi.FF_RTM_DUMP, flags=RTF_LLINFO,
                              index=ifindex)
    out = []
    for reply in stack.request_parts(proc, _ffi.FF_MSG_ROUTE, body):
        out.extend(_ffi.decode_rt_dump(reply.body))
    return sorted(out, key=sort_key)


def max_age(stack, proc):
    """The lifetime of a temporary entry on proc: its MAX_AGE, seconds."""
    from fstools import _ffi
    body = _ffi.encode_sysctl_req(_ffi.FF_SYSCTL_GET, name=MAX_AGE)
    reply = stack.request(proc, _ffi.FF_MSG_SYSCTL, body)
    _, recs = _ffi.decode_sysctl_reply(reply.body)
    if len(recs) != 1 or len(recs[0]["value"]) != 4:
        raise _ffi.ProtocolError("sysctl %s: not an int" % MAX_AGE)
    return struct.unpack("=i", recs[0]["value"])[0]


def ifindex_of(stack, proc, ifname):
    """The index of ``ifname`` on proc, or None."""
    from fstools import _ffi
    from fstools.ipc import StackError
    body = _ffi.encode_ioctl_req(_ffi.FF_IOCTL_LIST, ifname)
    try:
        reply = stack.request(proc, _ffi.FF_MSG_IOCTL, body)
    except StackError as e:
        if e.errno == ENXIO:
            return None
        raise
    return _ffi.decode_ioctl_reply(reply.body)[0]["index"]


# -- the command -------------------------------------------------------------

class Run:
    def __init__(self, stack, common, ifname):
        self.stack, self.common, self.ifname = stack, common, ifname
        self.failed = False
        self.records = []
        self.lifetimes = {}         # proc -> its MAX_AGE, read once

    def fail(self, message):
        netcmd.warn(NAME, message)
        self.failed = True

    def index(self, proc):
        if not self.ifname:
            return 0
        idx = ifindex_of(self.stack, proc, self.ifname)
        if idx is None:
            self.fail("interface %s does not exist" % self.ifname)
        return idx

    def show(self, host=None):
        procs = netcmd.targets(self.stack, self.common, writing=False)
        for proc in procs:
            idx = self.index(proc)
            if idx is None:
                return
            found = [e for e in entries(self.stack, proc, idx)
                     if host is None or e["dst"] == host]
            if host is not None and not found:
                output.emit("%s (%s) -- no entry" % (host, host))
                self.failed = True
            for e in found:
                if self.common.json:
                    self.records.append(json_entry(proc, e))
                else:
                    output.emit(("[%d] " % proc if len(procs) > 1 else "")
                                + line(e))

    def delete(self, host):
        from fstools import _ffi
        from fstools.ipc import StackError
        for proc in netcmd.targets(self.stack, self.common, writing=True):
            try:
                _msg(self.stack, proc, _ffi.FF_RTM_DELETE, dst=host)
            except StackError as e:
                if e.errno != ESRCH:
                    raise
                self.fail("delete: cannot locate %s" % host)
                return
        if not self.common.json:
            output.emit("%s (%s) deleted" % (host, host))

    def delete_all(self):
        from fstools import _ffi
        for proc in netcmd.targets(self.stack, self.common, writing=True):
            idx = self.index(proc)
            if idx is None:
                return
            gone = [e for e in entries(self.stack, proc, idx)
                    if not e["flags"] & RTF_IFADDR]
            _msg(self.stack, proc, _ffi.FF_RTM_DELETE, index=idx)
            for e in gone:
                if not self.common.json:
                    output.emit("%s (%s) deleted" % (e["dst"], e["dst"]))

    def lifetime(self, proc):
        if proc not in self.lifetimes:
            self.lifetimes[proc] = max_age(self.stack, proc)
        return self.lifetimes[proc]

    def set(self, entry, replace=False):
        """arp -s (-S: delete any entry for the host first)."""
        from fstools import _ffi
        from fstools.ipc import StackError
        host = entry.host
        flags = RTF_ANNOUNCE if entry.pub else 0
        procs = netcmd.targets(self.stack, self.common, writing=True)
        deleted = False
        for proc in procs:
            where = "proc %d: " % proc if len(procs) > 1 else ""
            if replace:
                try:
                    _msg(self.stack, proc, _ffi.FF_RTM_DELETE, dst=host)
                    if not deleted and not self.common.json:
                        output.emit("%s (%s) deleted" % (host, host))
                    deleted = True
                except StackError as e:
                    if e.errno != ESRCH:
                        raise
            if entry.temp:
                kw = {"flags": flags, "expire": self.lifetime(proc)}
            else:
                kw = {"flags": flags | RTF_STATIC}
            try:
                _msg(self.stack, proc, _ffi.FF_RTM_ADD, dst=host,
                     lladdr=entry.mac, **kw)
            except StackError as e:
                if e.errno == ENETUNREACH:
                    self.fail("%scannot intuit interface index and type "
                              "for %s" % (where, host))
                elif e.errno == EEXIST:
                    self.fail("%sset: %s is one of our addresses"
                              % (where, host))
                else:
                    self.fail("%sset: %s: %s" % (where, host,
                                                 netcmd.strerror(e)))


def _host(word):
    try:
        netcmd.aton(word)
    except netcmd.BadValue:
        raise netcmd.BadValue("%s: bad address (give an IPv4 address)"
                              % word) from None
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
        raise netcmd.BadValue("invalid Ethernet address '%s'" % eth) \
            from None
    temp = pub = False
    while w:
        word = w.next("")
        if word == "temp":
            temp = True
        elif word == "pub":
            pub = True
            w.accept("only")        # pre-8.0 FreeBSD: no longer different
        elif word in ("blackhole", "reject"):
            raise netcmd.BadValue("%s: not supported: this stack's ARP "
                                  "entries cannot discard or reject "
                                  "traffic" % word)
        else:
            raise click.UsageError("Invalid parameter '%s'" % word)
    return Entry(host, mac, temp, pub)


def read_file(path):
    """The entries of an ``arp -f`` file: one ``-s`` operand list a line,
    ``#`` to the end of a line a comment.  Every bad line is reported;
    then the tool fails before setting anything."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        cli.fail(NAME, "cannot open %s: %s" % (path, e.strerror))
    out, bad = [], 0
    for n, text in enumerate(lines, 1):
        words = text.split("#", 1)[0].split()
        if not words:
            continue
        try:
            if len(words) < 2:
                raise netcmd.BadValue("bad line: %s" % text.strip())
            out.append(parse_entry(words))
        except (netcmd.BadValue, click.UsageError) as e:
            netcmd.warn(NAME, "%s:%d: %s" % (path, n, e))
            bad += 1
    if bad:
        cli.fail(NAME, "%s: %d bad line%s, no entry set"
                 % (path, bad, "" if bad == 1 else "s"))
    return out


@cli.command(NAME, epilog=cli.examples(
    "ff-arp -a",
    "ff-arp -i f-stack-0 -a",
    "ff-arp 198.18.0.1",
    "ff-arp -d 198.18.0.1",
    "ff-arp -d -a",
    "ff-arp -s 198.18.0.9 02:18:00:00:00:09 pub",
    "ff-arp -s 198.18.0.10 02:18:00:00:00:0a temp",
    "ff-arp -S 198.18.0.9 02:18:00:00:00:0b",
    "ff-arp -f ethers.txt",
    "ff-arp --proc all --json -a"))
@cli.common_options()
@click.option("-a", "--all", "all_", is_flag=True, help="Every entry.")
@click.option("-d", "--delete", is_flag=True,
              help="Delete the host's entry (with -a: every entry).")
@click.option("-s", "--set", "set_", is_flag=True,
              help="Add an entry: host ether [temp] [pub [only]]; "
                   "permanent unless temp.")
@click.option("-S", "--replace", is_flag=True,
              help="As -s, deleting any entry for the host first.")
@click.option("-f", "--file", "file_", is_flag=True,
              help="Add the entries of a file, one -s operand list a "
                   "line.")
@click.option("-i", "--interface", metavar="IFNAME",
              help="Only entries on this interface.")
@click.option("-n", "--numeric", is_flag=True,
              help="Numeric output (names are never looked up anyway).")
@click.argument("operands", nargs=-1,
                metavar="[host [ether [temp] [pub [only]]] | file]")
def command(common, all_, delete, set_, replace, file_, interface, numeric,
            operands):
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
    with common.stack() as stack:
        run = Run(stack, common, interface)
        if setting or file_:
            for entry in todo:
                run.set(entry, replace)
        elif delete and all_:
            run.delete_all()
        elif delete:
            run.delete(host)
        else:
            run.show(None if all_ else host)
        if common.json:
            output.emit_json(run.records)
    netcmd.finish(run.failed)


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
