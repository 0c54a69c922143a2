"""ff-top: how busy each stack process is.

Prints, for every chosen process, the share of the elapsed cycles spent
idle, in the stack (sys) and in the application (usr), and the main-loop
iterations.  As vmstat(8) does, the first row covers the time since the
stack started, so ``ff-top -n 1`` answers at once; each later row covers
the ``-d`` seconds since the row before.

    $ ff-top -n 2
    |  proc_id|     idle|      sys|      usr|           loop|
    |        0|   92.44%|    4.00%|    3.56%|          13427|
    |        0|   91.80%|    4.51%|    3.69%|          13502|

    $ ff-top --proc all -n 1
    |  proc_id|     idle|      sys|      usr|           loop|
    |        0|   92.44%|    4.00%|    3.56%|          13427|
    |        1|   95.10%|    2.90%|    2.00%|          14002|
    |    total|  187.54%|    6.90%|    5.56%|          27429|

    $ ff-top --json -n 1
    {"proc_id": 0, "idle": 92.44, "sys": 4.0, "usr": 3.56, "loops": 13427,
     "rx_pps": 41022.0, "tx_pps": 41020.0, "rx_bps": 33474120.0, ...}

On a terminal, without -n, a live view (bars, loops/s, packet and bit
rates) refreshes every -d seconds until Ctrl-C.
"""

import time

import click

from fstools import cli, output

NAME = "ff-top"

# F-Stack's columns and widths.
TABLE = output.PipeTable(("proc_id", "idle", "sys", "usr", "loop"),
                         (9, 9, 9, 9, 15))

JSON_KEYS = ("proc_id", "idle", "sys", "usr", "loops",
             "rx_pps", "tx_pps", "rx_bps", "tx_bps")


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
    return [TABLE.row((r["proc_id"], "%.2f%%" % r["idle"],
                       "%.2f%%" % r["sys"], "%.2f%%" % r["usr"], r["loops"]))
            for r in rows]


# -- live view (rich, terminal only) -----------------------------------------

def _si(value):
    for scale, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= scale:
            return "%.1f%s" % (value / scale, prefix)
    return "%.0f" % value


def _bar(pct, width, style):
    from rich.text import Text
    filled = int(round(width * min(max(pct, 0.0), 100.0) / 100.0))
    bar = Text("\u2588" * filled, style=style)
    bar.append("\u2591" * (width - filled), style="dim")
    bar.append("%7.2f%%" % pct)
    return bar


def dashboard(records, delay, prefix, width=120):
    """The live view of one interval, as a rich renderable.

    The bars take what a ``width``-column terminal leaves over (at 80
    columns, none: the percentages remain).
    """
    from rich.table import Table
    bar = max(0, min(20, (width - 60) // 3 - 8))
    table = Table(title="ff-top  prefix %s  every %gs  (Ctrl-C quits)"
                  % (prefix, delay), title_justify="left", box=None,
                  header_style="bold")
    table.add_column("proc", justify="right", no_wrap=True)
    for name in ("idle", "sys", "usr"):
        table.add_column(name, no_wrap=True)
    for name in ("loops/s", "rx pps", "tx pps", "rx bit/s", "tx bit/s"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in records:
        table.add_row(str(r["proc_id"]), _bar(r["idle"], bar, "green"),
                      _bar(r["sys"], bar, "yellow"),
                      _bar(r["usr"], bar, "cyan"),
                      _si(r["loops"] / delay), _si(r["rx_pps"]),
                      _si(r["tx_pps"]), _si(r["rx_bps"]), _si(r["tx_bps"]))
    return table


# -- sampling ----------------------------------------------------------------

def sample(stack, ids):
    return time.monotonic(), [stack.top(i) for i in ids]


def since_start(cur):
    """A sample of zeros at the stack's start, to diff the first one with.

    work_tsc counts every cycle the loop accounted, so it is the stack's
    age in cycles."""
    zero = {f: 0 for f in vars(cur)}
    zero.update(proc_id=cur.proc_id, tsc_hz=cur.tsc_hz,
                now_tsc=max(cur.now_tsc - cur.work_tsc, 0))
    return type(cur)(**zero)


def interval_records(stack, ids, delay, count):
    """Yield the records of each row (a list per row): the first since
    the stack started, then one per ``delay`` seconds."""
    prev_t, prev = sample(stack, ids)
    yield [usage(since_start(c), c, 0.0) for c in prev]
    more = None if count is None else count - 1
    if more == 0:
        return
    for _ in cli.intervals(delay, more):
        cur_t, cur = sample(stack, ids)
        yield [usage(p, c, cur_t - prev_t) for p, c in zip(prev, cur)]
        prev_t, prev = cur_t, cur


def _run_live(opts, stack, ids, delay):
    from rich.live import Live
    from rich.text import Text
    con = output.console()
    with Live(Text("ff-top: first sample taken, waiting %gs..." % delay),
              console=con, auto_refresh=False, transient=False) as live:
        for records in interval_records(stack, ids, delay, None):
            live.update(dashboard(records, delay, opts.prefix, con.width),
                        refresh=True)


def _run_plain(opts, stack, ids, delay, count):
    out = opts.out(NAME, json_lines=True)
    for n, records in enumerate(interval_records(stack, ids, delay, count)):
        lines = table_rows(records)
        if n == 0 or len(records) > 1:
            lines.insert(0, TABLE.header())
        out.table(records, lines)


@cli.command(NAME, epilog=cli.examples(
    "ff-top                      live view on a terminal, every second",
    "ff-top -n 1                 once, since the stack started",
    "ff-top -n 5                 that, then four one-second intervals",
    "ff-top -d 2 -n 3 --proc all all processes and a total, every 2 s",
    "ff-top --json -n 1 | jq .idle"))
@cli.common_options()
@click.option("-d", "--delay", type=click.FloatRange(min=0.01), default=1.0,
              show_default=True, metavar="SECS",
              help="Seconds between samples.")
@click.option("-n", "--count", type=click.IntRange(min=1), default=None,
              metavar="COUNT",
              help="Rows to show, the first since start (default: until "
              "Ctrl-C).")
def command(opts, delay, count):
    """Show where the stack processes spend their cycles: idle, stack
    (sys) and application (usr) shares, and main-loop iterations."""
    live = count is None and opts.out(NAME).interactive
    with opts.stack() as stack:
        ids = stack.targets()
        try:
            if live:
                _run_live(opts, stack, ids, delay)
            else:
                _run_plain(opts, stack, ids, delay, count)
        except KeyboardInterrupt:
            pass            # the normal way to stop an endless view


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
