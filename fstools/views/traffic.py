"""Port counters (stack.TrafficStats) as F-Stack's traffic table, the -s CSV
and the --json records.

Used by ff-traffic.  fstools.output decides which look is
written.  Golden tests: tests/unit/test_traffic.py.
"""

from fstools import output

COUNTERS = (
    "rx_packets",
    "rx_bytes",
    "tx_packets",
    "tx_bytes",
    "rx_dropped",
    "tx_dropped",
)


JSON_KEYS = ("proc_id",) + COUNTERS


# F-Stack's traffic table: six columns of 20, ruled header.
TABLE = output.PipeTable(
    (
        "rx packets",
        "rx bytes",
        "tx packets",
        "tx bytes",
        "rx_dropped",
        "tx_dropped",
    ),
    (20,) * 6,
    rule=True,
)


def counters(stats):
    """stack.TrafficStats -> a record with the JSON_KEYS (absolute values)."""
    rec = {"proc_id": stats.proc_id}
    for key in COUNTERS:
        rec[key] = getattr(stats, key)
    return rec


def delta(prev, cur):
    """The record of one interval (restarted counters count from 0)."""
    rec = {"proc_id": cur["proc_id"]}
    for key in COUNTERS:
        new, old = cur[key], prev[key]
        rec[key] = new - old if new >= old else new
    return rec


def summed(records):
    return [sum(r[key] for r in records) for key in COUNTERS]


def csv_snapshot(records):
    """``-s``: a header line and one line of absolute counters (summed)."""
    return "%s\n%s" % (
        ",".join(COUNTERS),
        ",".join(str(v) for v in summed(records)),
    )
