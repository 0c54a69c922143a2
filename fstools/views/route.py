"""Routes (stack.Route) as FreeBSD's route(8) get and netstat -rn print them,
and as --json.

Used by ff-route (and, later, ff-netstat -r).  fstools.output decides
which look is written.  Golden tests: tests/unit/test_route_tool.py.
"""

from fstools.stack import RTF_DONE

JSON_KEYS = (
    "proc_id",
    "destination",
    "prefixlen",
    "gateway",
    "flags",
    "flag_names",
    "interface",
    "mtu",
    "expire",
    "use",
)


# netstat -r's letters.
FLAG_LETTERS = [
    (0x1, "U"),
    (0x2, "G"),
    (0x4, "H"),
    (0x8, "R"),
    (0x10, "D"),
    (0x20, "M"),
    (0x800, "S"),
    (0x8000, "1"),
    (0x4000, "2"),
    (0x40000, "3"),
    (0x1000, "B"),
]


def dest_name(r, numeric):
    if r.destination == "0.0.0.0" and r.netmask == "0.0.0.0" and not numeric:
        return "default"
    return r.destination


def get_block(target, r, numeric):
    """The block ``route get`` prints for a stack.Route."""
    # As FreeBSD: the address asked for, named "default" unless -n.
    if target in ("default", "0.0.0.0"):
        target = "0.0.0.0" if numeric else "default"
    lines = [
        "   route to: %s" % target,
        "destination: %s" % dest_name(r, numeric),
    ]
    if not r.is_host:
        lines.append("       mask: %s" % r.netmask)
    if r.via_gateway and r.gateway:
        lines.append("    gateway: %s" % r.gateway)
    lines.append("        fib: 0")
    lines.append("  interface: %s" % r.interface)
    lines.append("      flags: <%s>" % ",".join(r.flag_names))
    lines.append(
        " recvpipe  sendpipe  ssthresh  rtt,msec    mtu        "
        "weight    expire"
    )
    lines.append(
        "%8d  %8d  %8d  %8d  %8d  %8d  %8d "
        % (0, 0, 0, 0, r.mtu, r.weight, r.expire)
    )
    return lines


def table_dest(r):
    if r.destination == "0.0.0.0" and r.netmask == "0.0.0.0":
        return "default"
    if r.is_host:
        return r.destination
    return "%s/%d" % (r.destination, r.prefixlen)


def table_flags(flags):
    return "".join(c for bit, c in FLAG_LETTERS if flags & bit)


def table_gateway(r):
    return r.gateway if r.via_gateway else "link#%d" % r.index


def show_table(routes):
    """netstat -rn's Internet part: FreeBSD's columns, Netif widened to fit."""
    width = max([8] + [len(r.interface) for r in routes])
    lines = [
        "Routing tables",
        "",
        "Internet:",
        "%-18s %-18s %-6s %*s %s"
        % ("Destination", "Gateway", "Flags", width, "Netif", "Expire"),
    ]
    for r in routes:
        expire = str(r.expire) if r.expire else ""
        lines.append(
            (
                "%-18s %-18s %-6s %*s %s"
                % (
                    table_dest(r),
                    table_gateway(r),
                    table_flags(r.flags),
                    width,
                    r.interface,
                    expire,
                )
            ).rstrip()
        )
    return lines


def json_route(r):
    flags = r.flags & ~RTF_DONE
    return {
        "proc_id": r.proc_id,
        "destination": r.destination,
        "prefixlen": r.prefixlen,
        "gateway": r.gateway if r.via_gateway else None,
        "flags": flags,
        "flag_names": [n for n in r.flag_names if n != "DONE"],
        "interface": r.interface,
        "mtu": r.mtu,
        "expire": r.expire,
        "use": r.use,
    }


# The rich table on a terminal (route show): JSON keys and their titles.
TABLE_KEYS = (
    "destination",
    "prefixlen",
    "gateway",
    "flag_names",
    "interface",
    "expire",
)


TABLE_TITLES = ("Destination", "Len", "Gateway", "Flags", "Netif", "Expire")
