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

On a terminal, without -n, a dashboard (fstools/views/dashboard.py)
refreshes every -d seconds: CPU shares per process with their history,
packet and bit rates, TCP connections by state, accepts, connects and
retransmits per second, mbuf and socket use, and the error and drop
counters that moved.  Keys: 1 overview, 2 tcp, 3 counters, Tab next
view, q quit.
"""

import time

from fstools import cli, output
from fstools.views import top as view

NAME = "ff-top"


# -- sampling ----------------------------------------------------------------


def sample(stack, ids):
    return time.monotonic(), [stack.top(i) for i in ids]


def since_start(cur):
    """A sample of zeros at the stack's start, to diff the first one with.

    work_tsc counts every cycle the loop accounted, so it is the stack's
    age in cycles."""
    zero = {f: 0 for f in vars(cur)}
    zero.update(
        proc_id=cur.proc_id,
        tsc_hz=cur.tsc_hz,
        now_tsc=max(cur.now_tsc - cur.work_tsc, 0),
    )
    return type(cur)(**zero)


def interval_records(stack, ids, delay, count):
    """Yield the records of each row (a list per row): the first since
    the stack started, then one per ``delay`` seconds."""
    prev_t, prev = sample(stack, ids)
    yield [view.usage(since_start(c), c, 0.0) for c in prev]
    more = None if count is None else count - 1
    if more == 0:
        return
    for _ in cli.intervals(delay, more):
        cur_t, cur = sample(stack, ids)
        yield [view.usage(p, c, cur_t - prev_t) for p, c in zip(prev, cur)]
        prev_t, prev = cur_t, cur


def _snapshots(stack, ids):
    return time.monotonic(), [stack.snapshot(i) for i in ids]


def _run_live(opts, stack, ids, delay):
    """The dashboard (views/dashboard.py) until "q" or Ctrl-C: a sample
    every ``delay`` seconds, keys read in between, redrawn at once on a
    key or when the terminal changes size."""
    from dataclasses import replace

    from rich.live import Live

    from fstools.views import dashboard as dash

    con = output.console()
    board = dash.Dashboard(opts.prefix, delay)
    prev_t, prev = _snapshots(stack, ids)
    start = [replace(s, top=since_start(s.top)) for s in prev]
    board.feed(start, prev, 0.0, first=True)
    with (
        output.KeyReader() as keys,
        Live(console=con, screen=True, auto_refresh=False) as live,
    ):

        def draw():
            size = output.terminal_size() or tuple(con.size)
            con.size = size  # what the kernel says, not $COLUMNS
            live.update(board.render(*size), refresh=True)
            return size

        shown = draw()
        due = prev_t + delay
        while True:
            key = keys.read(min(0.2, max(0.0, due - time.monotonic())))
            if key is not None:
                if not board.key(key):
                    return
                shown = draw()
            if time.monotonic() >= due:
                cur_t, cur = _snapshots(stack, ids)
                board.feed(prev, cur, cur_t - prev_t)
                prev_t, prev = cur_t, cur
                # Behind (a slow sample or draw): the next one a whole
                # delay from now, never back to back.
                due = max(due + delay, time.monotonic() + delay / 2)
                shown = draw()
            elif (output.terminal_size() or shown) != shown:
                shown = draw()


def _run_plain(opts, stack, ids, delay, count):
    out = opts.out(NAME, json_lines=True)
    for n, records in enumerate(interval_records(stack, ids, delay, count)):
        lines = view.table_rows(records)
        if n == 0 or len(records) > 1:
            lines.insert(0, view.TABLE.header())
        out.table(records, lines)


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-top                      dashboard on a terminal (keys 1 2 3, q quits)",
        "ff-top -n 1                 once, since the stack started",
        "ff-top -n 5                 that, then four one-second intervals",
        "ff-top -d 2 -n 3 --proc all all processes and a total, every 2 s",
        "ff-top --json -n 1 | jq .idle",
    ),
)
@cli.common_options()
@cli.interval_options(
    "Rows to show, the first since start (default: until Ctrl-C)."
)
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
            pass  # the normal way to stop an endless view


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
