"""ARP entries (stack.ArpEntry) as FreeBSD's arp(8) prints them, and as --json.

Used by ff-arp.  fstools.output decides which look is
written.  Golden tests: tests/unit/test_arp_tool.py.
"""

JSON_KEYS = (
    "proc_id",
    "ip",
    "mac",
    "interface",
    "expires",
    "permanent",
    "published",
    "type",
)


def line(e):
    """FreeBSD's arp -a line for one entry (a stack.ArpEntry)."""
    text = "? (%s) at %s on %s" % (
        e.ip,
        e.mac if e.complete else "(incomplete)",
        e.interface,
    )
    if e.permanent:
        text += " permanent"
    elif e.expire:
        text += " expires in %d seconds" % e.expire
    else:
        text += " expired"
    if e.published:
        text += " published"
    return text + " [ethernet]"


def json_entry(e):
    return {
        "proc_id": e.proc_id,
        "ip": e.ip,
        "mac": e.mac if e.complete else None,
        "interface": e.interface,
        "expires": None if e.permanent else e.expire,
        "permanent": e.permanent,
        "published": e.published,
        "type": "ethernet",
    }
