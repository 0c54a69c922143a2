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

from fstools import cli
from fstools.views import traffic as view

NAME = "ff-traffic"


def sample(stack, ids):
    return [view.counters(stack.traffic(i)) for i in ids]


def _run(opts, stack, ids, delay, count):
    out = opts.out(NAME, json_lines=True)
    prev = sample(stack, ids)
    for n in cli.intervals(delay, count):
        cur = sample(stack, ids)
        records = [view.delta(p, c) for p, c in zip(prev, cur)]
        prev = cur
        head = [view.TABLE.header()] if n == 1 else []
        out.table(records, head + [view.TABLE.row(view.summed(records))])


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-traffic                  every second until Ctrl-C",
        "ff-traffic -d 5 -n 12       a minute in five-second steps",
        "ff-traffic -s --proc all    counters since start, as CSV",
        "ff-traffic --json -n 1",
    ),
)
@cli.common_options()
@cli.interval_options("Number of intervals to show (default: until Ctrl-C).")
@click.option(
    "-s",
    "--snapshot",
    is_flag=True,
    help="Print the counters since start once, as CSV.",
)
def command(opts, delay, count, snapshot):
    """Show packets, bytes and drops through the stack's ports, per
    interval, summed over the chosen processes."""
    with opts.stack() as stack:
        ids = stack.targets()
        if snapshot:
            records = sample(stack, ids)
            out = opts.out(NAME)
            out.table(records, [view.csv_snapshot(records)])
            return out.finish()
        try:
            _run(opts, stack, ids, delay, count)
        except KeyboardInterrupt:
            pass  # the normal way to stop an endless view


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
