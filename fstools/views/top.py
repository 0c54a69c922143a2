"""Main-loop samples (stack.TopStats) as shares and rates: F-Stack's top
table and the --json records (the live dashboard, which uses them, is
views/dashboard.py).

Used by ff-top.  fstools.output decides which look is
written.  Golden tests: tests/unit/test_top.py.
"""

from fstools import output

# F-Stack's columns and widths.
TABLE = output.PipeTable(
    ("proc_id", "idle", "sys", "usr", "loop"), (9, 9, 9, 9, 15)
)


JSON_KEYS = (
    "proc_id",
    "idle",
    "sys",
    "usr",
    "loops",
    "rx_pps",
    "tx_pps",
    "rx_bps",
    "tx_bps",
)


def _delta(new, old):
    # A restarted process starts its counters again from 0.
    return new - old if new >= old else new


def usage(prev, cur, wall):
    """One interval of one process: a record with the JSON_KEYS.

    ``prev`` and ``cur`` are stack.TopStats; ``wall`` is the interval as
    measured here, used when the stack's own clock tells nothing.
    """
    work = _delta(cur.work_tsc, prev.work_tsc)
    ticks = _delta(cur.now_tsc, prev.now_tsc)
    secs = ticks / cur.tsc_hz if cur.tsc_hz and ticks else wall

    def pct(new, old):
        return round(100.0 * _delta(new, old) / work, 2) if work else 0.0

    def rate(new, old, scale=1):
        return round(scale * _delta(new, old) / secs, 1) if secs else 0.0

    return {
        "proc_id": cur.proc_id,
        "idle": pct(cur.idle_tsc, prev.idle_tsc),
        "sys": pct(cur.sys_tsc, prev.sys_tsc),
        "usr": pct(cur.usr_tsc, prev.usr_tsc),
        "loops": _delta(cur.loops, prev.loops),
        "rx_pps": rate(cur.rx_packets, prev.rx_packets),
        "tx_pps": rate(cur.tx_packets, prev.tx_packets),
        "rx_bps": rate(cur.rx_bytes, prev.rx_bytes, 8),
        "tx_bps": rate(cur.tx_bytes, prev.tx_bytes, 8),
    }


def total(records):
    """The ``total`` row: sums of every column, as F-Stack prints it."""
    tot = {"proc_id": "total"}
    for key in JSON_KEYS[1:]:
        tot[key] = sum(r[key] for r in records)
    for key in ("idle", "sys", "usr"):
        tot[key] = round(tot[key], 2)
    return tot


def table_rows(records):
    """The F-Stack table lines for one interval (no header)."""
    rows = list(records)
    if len(rows) > 1:
        rows.append(total(rows))
    return [
        TABLE.row(
            (
                r["proc_id"],
                "%.2f%%" % r["idle"],
                "%.2f%%" % r["sys"],
                "%.2f%%" % r["usr"],
                r["loops"],
            )
        )
        for r in rows
    ]


def _si(value):
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return "%.1f%s" % (value / scale, prefix)
    return "%.0f" % value
