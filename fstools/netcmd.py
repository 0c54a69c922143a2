"""Shared by ff-ifconfig, ff-route and ff-arp: IPv4 and MAC text and
FreeBSD flag words, for parsing their operands and rendering answers.

Which processes a change goes to is ``Stack.targets``; talking to the
stack is ``fstools.stack``'s: this module is pure text.
"""


class BadValue(Exception):
    """A word that is not what it should be (the tool says ``bad value``)."""


def aton(text):
    """Dotted quad -> int (host order); BadValue otherwise."""
    parts = text.split(".")
    if len(parts) != 4 or not all(
        p.isdigit() and len(p) <= 3 and int(p) < 256 for p in parts
    ):
        raise BadValue(text)
    n = 0
    for p in parts:
        n = (n << 8) | int(p)
    return n


def ntoa(n):
    return "%d.%d.%d.%d" % (
        n >> 24 & 255,
        n >> 16 & 255,
        n >> 8 & 255,
        n & 255,
    )


def len2mask(plen):
    return (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF if plen else 0


def mask2len(mask):
    """Prefix length of a contiguous mask, else None."""
    plen = bin(mask).count("1")
    return plen if len2mask(plen) == mask else None


def parse_prefix(text):
    """``a.b.c.d[/len]`` -> (address int, len or None); BadValue."""
    addr, _, plen = text.partition("/")
    a = aton(addr)
    if not plen:
        return a, None
    if not plen.isdigit() or int(plen) > 32:
        raise BadValue(text)
    return a, int(plen)


def parse_mask(text):
    """A netmask: dotted, 0x hex (ifconfig), or /len; BadValue."""
    try:
        if text.startswith("/"):
            plen = int(text[1:], 10)
            if not 0 <= plen <= 32:
                raise ValueError
            return len2mask(plen)
        if text.lower().startswith("0x"):
            mask = int(text, 16)
            if mask > 0xFFFFFFFF:
                raise ValueError
        else:
            mask = aton(text)
    except ValueError:
        raise BadValue(text) from None
    if mask2len(mask) is None:
        raise BadValue(text)
    return mask


def mac_str(raw):
    """6 bytes -> ``02:18:00:00:00:02`` (two digits a byte, as FreeBSD)."""
    return ":".join("%02x" % b for b in raw)


def parse_mac(text):
    """``2:18:0:0:0:1`` or ``02-18-...`` -> 6 bytes; BadValue."""
    parts = text.replace("-", ":").split(":")
    try:
        if len(parts) != 6 or not all(1 <= len(p) <= 2 for p in parts):
            raise ValueError
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise BadValue(text) from None


def bits(value, names, hexfmt="%x"):
    """FreeBSD's ``%b``: ``8843<UP,BROADCAST,...>`` from [(bit, name)]."""
    words = [name for bit, name in names if value & bit]
    return (hexfmt % value) + "<" + ",".join(words) + ">"
