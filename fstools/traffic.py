"""ff-traffic: packets, bytes and drops through the stack's ports.

Per interval (-d seconds), the packets and bytes received and sent and
the packets dropped, summed over the chosen processes:

    $ ff-traffic -n 2
    |--------------------|--------------------|--------------------|--------------------|--------------------|--------------------|
    |          rx packets|            rx bytes|          tx packets|            tx bytes|          rx_dropped|          tx_dropped|
    |--------------------|--------------------|--------------------|--------------------|--------------------|--------------------|
    |               42731|             4358562|               42731|            30552665|                   0|                   0|
    |               35107|             3580914|               35107|            25101505|                   0|                   0|

    $ ff-traffic -s
    rx_packets,rx_bytes,tx_packets,tx_bytes,rx_dropped,tx_dropped
    1204711,122880522,1204688,861351920,0,0

    $ ff-traffic --json -n 1
    {"proc_id": 0, "rx_packets": 42731, "rx_bytes": 4358562, ...}
"""

import click

from fstools import cli, output

NAME = "ff-traffic"

COUNTERS = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
            "rx_dropped", "tx_dropped")
JSON_KEYS = ("proc_id",) + COUNTERS

# F-Stack's traffic table: six columns of 20, ruled header.
TABLE = output.PipeTable(("rx packets", "rx bytes", "tx packets", "tx bytes",
                          "rx_dropped", "tx_dropped"), (20,) * 6, rule=True)


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
    return "%s\n%s" % (",".join(COUNTERS),
                       ",".join(str(v) for v in summed(records)))


def sample(stack, ids):
    return [counters(stack.traffic(i)) for i in ids]


def _run(opts, stack, ids, delay, count):
    out = opts.out(NAME, json_lines=True)
    prev = sample(stack, ids)
    for n in cli.intervals(delay, count):
        cur = sample(stack, ids)
        records = [delta(p, c) for p, c in zip(prev, cur)]
        prev = cur
        head = [TABLE.header()] if n == 1 else []
        out.table(records, head + [TABLE.row(summed(records))])


@cli.command(NAME, epilog=cli.examples(
    "ff-traffic                  every second until Ctrl-C",
    "ff-traffic -d 5 -n 12       a minute in five-second steps",
    "ff-traffic -s --proc all    counters since start, as CSV",
    "ff-traffic --json -n 1"))
@cli.common_options()
@click.option("-d", "--delay", type=click.FloatRange(min=0.01), default=1.0,
              show_default=True, metavar="SECS",
              help="Seconds between samples.")
@click.option("-n", "--count", type=click.IntRange(min=1), default=None,
              metavar="COUNT",
              help="Number of intervals to show (default: until Ctrl-C).")
@click.option("-s", "--snapshot", is_flag=True,
              help="Print the counters since start once, as CSV.")
def command(opts, delay, count, snapshot):
    """Show packets, bytes and drops through the stack's ports, per
    interval, summed over the chosen processes."""
    with opts.stack() as stack:
        ids = stack.targets()
        if snapshot:
            records = sample(stack, ids)
            out = opts.out(NAME)
            out.table(records, [csv_snapshot(records)])
            return out.finish()
        try:
            _run(opts, stack, ids, delay, count)
        except KeyboardInterrupt:
            pass            # the normal way to stop an endless view


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
