"""A process's live numbers (stack.Snapshot) as flat counters and gauges,
summed over processes, and the difference of two samples.

Used by ff-top's dashboard and ff-exporter: both name a number the same
way.  Counters only grow (every stats struct field, the 64-bit read-only
sysctls such as kern.ipc.overload.win_shrunk, interface and port
counters); gauges go up and down (kern.ipc.numopensockets, the per-state
counts of net.inet.tcp.states, ...).  Keys:

    "tcpstat.tcps_rcvbadsum"        a stats struct's field
    "kern.ipc.overload.win_shrunk"  a counter or gauge sysctl
    "if.f-stack-0.ierrors"          an interface counter (if_data)
    "port.rx_dropped"               the ports' counters (ff-traffic)

Golden tests: tests/unit/test_top_dashboard.py.
"""

import re

from fstools import stack as _stack

# Counter names that say "something went wrong": what the dashboard's
# "moved" panel lists.  Every field of the x-stats structs ("drops
# FreeBSD does not count") is one too.
PROBLEM = re.compile(
    r"drop|bad|err|short|toolong|toosmall|full|overflow|nombuf|nobufs"
    r"|nosock|noport|noproto|noroute|nopcb|cant|fail|refused|shrunk"
    r"|flushed|limit|afterwin|afterclose|timeo|listenq|notours|unreach"
    r"|outofwin|noack|ghostack|badsack|ratelimited|bandlim"
)
_XSTATS = ("tcpxstat", "ipxstat", "udpxstat", "arpxstat", "etherxstat")


def is_counter(node):
    # 64-bit unsigned read-only numbers are counters (kern.ipc.overload.*,
    # net.inet.icmp.bandlim.*); 32-bit ones are gauges.
    return node.type == _stack.CTLTYPE_U64


def flatten(snap):
    """(counters, gauges) of one stack.Snapshot: {key: int}; a gauge may
    be a list (net.inet.tcp.states)."""
    counters, gauges = {}, {}
    for struct, fields in snap.stats().items():
        for field, value in fields.items():
            if isinstance(value, int) and not field.endswith("_pad"):
                counters["%s.%s" % (struct, field)] = value
    for name, node in snap.sysctls.items():
        if node.error or node.fmt.startswith("S,"):
            continue
        value = node.decoded
        if is_counter(node) and isinstance(value, int):
            counters[name] = value
        elif isinstance(value, (int, list)):
            gauges[name] = value
    for ifp in snap.interfaces:
        for key, value in ifp.counters.items():
            counters["if.%s.%s" % (ifp.name, key)] = value
    for key in ("rx_dropped", "tx_dropped"):
        counters["port." + key] = getattr(snap.traffic, key)
    return counters, gauges


def summed(snaps):
    """(counters, gauges) summed over processes (lists element-wise)."""
    counters, gauges = {}, {}
    for snap in snaps:
        c, g = flatten(snap)
        for key, value in c.items():
            counters[key] = counters.get(key, 0) + value
        for key, value in g.items():
            if isinstance(value, list):
                old = gauges.get(key, [0] * len(value))
                gauges[key] = [a + b for a, b in zip(old, value)]
            else:
                gauges[key] = gauges.get(key, 0) + value
    return counters, gauges


def moved(prev, cur):
    """[(key, delta, total)] of the counters that changed between two
    flat samples, largest change first (a counter that went back, as
    after a netstat -z, counts from 0)."""
    out = []
    for key, value in cur.items():
        old = prev.get(key, 0)
        delta = value - old if value >= old else value
        if delta:
            out.append((key, delta, value))
    out.sort(key=lambda r: (-r[1], r[0]))
    return out


def is_problem(key):
    """A counter of errors or drops (see PROBLEM)."""
    struct, _, field = key.rpartition(".")
    if struct in _XSTATS:
        return True
    return bool(PROBLEM.search(field))


def label(key):
    """How a person reads the key: FreeBSD's field name when it carries
    its struct's prefix (tcps_rcvbadsum), else the key."""
    struct, _, field = key.partition(".")
    if struct.endswith("stat") and field.startswith(struct[:2]):
        return field
    return key
