"""Interfaces (stack.Interface) as FreeBSD's ifconfig(8) prints them, and as
--json.

Used by ff-ifconfig.  fstools.output decides which look is
written.  Golden tests: tests/unit/test_ifconfig_tool.py.
"""

from fstools import netcmd
from fstools.stack import (
    IFCAP_NAMES,
    IFF_NAMES,
    IFT_ETHER,
    IFT_LOOP,
    LINK_STATE_DOWN,
    LINK_STATE_UP,
)

JSON_KEYS = (
    "proc_id",
    "name",
    "index",
    "flags",
    "flag_names",
    "metric",
    "mtu",
    "options",
    "option_names",
    "ether",
    "inet",
    "media",
    "status",
    "counters",
)


INET_KEYS = ("addr", "netmask", "prefixlen", "broadcast")


def status_word(ifp):
    if ifp.type != IFT_ETHER:
        return None
    return {LINK_STATE_UP: "active", LINK_STATE_DOWN: "no carrier"}.get(
        ifp.link_state, "unknown"
    )


def render(ifp, verbose=False):
    """One stack.Interface as FreeBSD's ifconfig prints it (lines)."""
    lines = [
        "%s: flags=%s metric %d mtu %d"
        % (ifp.name, netcmd.bits(ifp.flags, IFF_NAMES), ifp.metric, ifp.mtu)
    ]
    if ifp.capenable:
        lines.append("\toptions=" + netcmd.bits(ifp.capenable, IFCAP_NAMES))
    if ifp.type == IFT_ETHER:
        lines.append("\tether " + ifp.lladdr)
    for a in ifp.addrs:
        line = "\tinet %s netmask 0x%08x" % (a.addr, netcmd.aton(a.netmask))
        if a.broadcast:
            line += " broadcast " + a.broadcast
        lines.append(line)
    if ifp.type == IFT_ETHER:
        lines.append("\tmedia: Ethernet autoselect")
        lines.append("\tstatus: " + status_word(ifp))
    if ifp.type == IFT_LOOP:
        lines.append("\tgroups: lo")
    if verbose:
        c = ifp.counters
        lines.append(
            "\tinput: packets %(ipackets)d bytes %(ibytes)d "
            "errors %(ierrors)d drops %(iqdrops)d "
            "multicast %(imcasts)d noproto %(noproto)d" % c
        )
        lines.append(
            "\toutput: packets %(opackets)d bytes %(obytes)d "
            "errors %(oerrors)d drops %(oqdrops)d "
            "multicast %(omcasts)d collisions %(collisions)d" % c
        )
    return lines


def json_record(ifp):
    eth = ifp.type == IFT_ETHER
    return {
        "proc_id": ifp.proc_id,
        "name": ifp.name,
        "index": ifp.index,
        "flags": ifp.flags,
        "flag_names": list(ifp.flag_names),
        "metric": ifp.metric,
        "mtu": ifp.mtu,
        "options": ifp.capenable,
        "option_names": list(ifp.option_names),
        "ether": ifp.lladdr if eth else None,
        "inet": [
            {
                "addr": a.addr,
                "netmask": a.netmask,
                "prefixlen": a.prefixlen,
                "broadcast": a.broadcast,
            }
            for a in ifp.addrs
        ],
        "media": "Ethernet autoselect" if eth else None,
        "status": status_word(ifp),
        "counters": dict(ifp.counters),
    }
