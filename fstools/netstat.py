"""ff-netstat: the stack's sockets, routes, statistics and interfaces,
as FreeBSD 13's netstat(1) shows them.

    $ ff-netstat -an
    Active Internet connections (including servers)
    Proto Recv-Q Send-Q Local Address          Foreign Address        (state)
    tcp4       0      0 198.18.0.2.80          198.18.0.1.40652       ESTABLISHED
    tcp4       0      0 *.80                   *.*                    LISTEN

    $ ff-netstat -L
    Current listen queue sizes (qlen/incqlen/maxqlen)
    Proto Listen                           Local Address
    tcp4  0/0/512                          *.http

    $ ff-netstat -s -p tcp
    tcp:
        533419 packets sent
                380316 data packets (246570094 bytes)
    ...

    $ ff-netstat -w 1 -q 2
                input        (Total)           output
       packets  errs     idrops      bytes    packets  errs      bytes colls
             5     0          0        450          5     0        450     0
           994     0          0      97412        994     0      97412     0

Addresses are always numeric: a tool attached to the stack does not ask
a resolver; ports are named from /etc/services unless -n.
"""

import time

import click

from fstools import cli
from fstools.views import netstat as view
from fstools.views import route as route_view

NAME = "ff-netstat"

PROTOS = ("tcp", "udp")
STAT_PROTOS = tuple(name for name, _, _ in view.STATS)


def _connections(stack, ids, protos):
    out = []
    for i in ids:
        for proto in protos:
            # netstat lists the newest first, as FreeBSD's pcb list runs.
            out.extend(reversed(stack.connections(proto, proc=i)))
    return out


def _socket_protos(proto, family):
    if family not in (None, "inet"):
        return ()
    if proto is None:
        return PROTOS
    return (proto,) if proto in PROTOS else ()


def _socket_lines(stack, ids, protos, so):
    """view.socket_lines() of every connection, made a message's worth
    at a time: 100,000 records are never held at once (a third of a
    GiB), only their rows."""
    rows = []
    for i in ids:
        for proto in protos:
            part = view.socket_rows(stack.iter_connections(proto, proc=i), so)
            rows.extend(reversed(part))  # newest first, as _connections()
    return (view.socket_header(so) + rows) if rows else []


def sockets(opts, stack, ids, so, protos):
    out = opts.out(NAME)
    if out.as_json:
        conns = _connections(stack, ids, protos)
        out.table([view.conn_json(c) for c in conns if view.shown(c, so)], [])
        return out.finish()
    lines = _socket_lines(stack, ids, protos, so)
    if lines:
        out.table([], lines)
    return out.finish()


def _stats(stack, ids, names):
    """[(protocol, {counter: total over ids}, lines, states)]: states
    (TCP: {state: connections}) from net.inet.tcp.states, else None."""
    out = []
    for name, oid, lines in view.STATS:
        if name not in names:
            continue
        counts = view.summed_counts(
            stack.sysctl(oid, proc=i).decoded for i in ids
        )
        states = None
        if name == "tcp":
            per = [
                stack.sysctl("net.inet.tcp.states", proc=i).decoded
                for i in ids
            ]
            states = dict(
                zip(view.TCP_STATES, (sum(col) for col in zip(*per)))
            )
        out.append((name, counts, lines, states))
    return out


def statistics(opts, stack, ids, names, sflag):
    out = opts.out(NAME)
    for name, counts, lines, states in _stats(stack, ids, names):
        out.item(
            {
                "protocol": name,
                "proc_ids": list(ids),
                "counters": counts,
                "states": states,
            },
            view.stats_lines(name, counts, lines, sflag, states),
        )
    return out.finish()


def zero(opts, stack, ids, names):
    for name, oid, _ in view.STATS:
        if name in names:
            for i in ids:
                stack.stats_zero(oid, proc=i)


def routes(opts, stack, ids):
    out = opts.out(NAME)
    for i in ids:
        rts = stack.routes(proc=i)
        lines = route_view.show_table(rts)
        if len(ids) > 1:
            lines = ["proc %d:" % i] + lines
        out.table([route_view.json_route(r) for r in rts], lines)
    return out.finish()


def interfaces(opts, stack, ids, ifname, b, d, h, W):
    out = opts.out(NAME)
    rows = []
    for i in ids:
        ifs = stack.interfaces(ifname, proc=i)
        rows.extend(view.if_records(ifs))
    out.table(
        [{k: r[k] for k in view.IF_JSON_KEYS} for r in rows],
        view.if_lines(rows, b=b, d=d, h=h, W=W),
    )
    return out.finish()


def _totals(stack, ids, ifname):
    ifs = []
    for i in ids:
        ifs.extend(stack.interfaces(ifname, proc=i))
    return view.sideways_totals(ifs)


def sideways(opts, stack, ids, ifname, wait, count, d, h):
    """-w: counters since start, then per interval (FreeBSD's first line
    is the totals too); the header again every 21 lines."""
    out = opts.out(NAME, json_lines=True)
    prev = dict.fromkeys(view.SIDEWAYS_KEYS, 0)
    n = 0
    while count is None or n < count:
        if n:
            time.sleep(wait)
        cur = _totals(stack, ids, ifname)
        rec = view.sideways_delta(prev, cur)
        prev = cur
        head = view.sideways_header(ifname, d) if n % 21 == 0 else []
        out.item(
            dict(rec, interval=n, seconds=wait if n else 0),
            head + [view.sideways_line(rec, d, h)],
        )
        n += 1
    return out.finish()


def mbufs(opts, stack, ids):
    out = opts.out(NAME)
    for i in ids:

        def get(name, i=i):
            return stack.sysctl(name, proc=i).decoded

        total, free = (
            get("kern.ipc.nmbufs"),
            get("kern.ipc.overload.mbufs_free"),
        )
        rec = {
            "proc_id": i,
            "mbufs_total": total,
            "mbufs_free": free,
            "mbufs_in_use": total - free,
            "mclbytes": get("kern.ipc.mclbytes"),
            "sockets": get("kern.ipc.numopensockets"),
            "maxsockets": get("kern.ipc.maxsockets"),
            "tcp_pcbs": get("net.inet.tcp.pcbcount"),
        }
        lines = view.mbuf_lines(rec)
        out.item(rec, (["proc %d:" % i] if len(ids) > 1 else []) + lines)
    return out.finish()


def watch(opts, stack, ids, render, wait):
    """--watch: redraw ``render()``'s lines every ``wait`` s with rich."""
    from rich.live import Live
    from rich.text import Text

    from fstools import output

    con = output.console()
    with Live(console=con, auto_refresh=False, screen=True) as live:
        while True:
            stamp = time.strftime("%H:%M:%S")
            body = "\n".join(render()) or "(nothing)"
            live.update(
                Text(
                    "%s  every %gs  (Ctrl-C to quit)\n\n%s"
                    % (stamp, wait, body)
                ),
                refresh=True,
            )
            time.sleep(wait)


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-netstat -an                every socket, numeric",
        "ff-netstat -aL                listen queues",
        "ff-netstat -an -p tcp -x      buffers and timers",
        "ff-netstat -aR --proc all     flow ids and owning processes",
        "ff-netstat -rn                routes",
        "ff-netstat -s -p tcp          TCP statistics (-ss: no zeros)",
        "ff-netstat -z -s -p tcp       show, then zero them",
        "ff-netstat -i -b -d           interfaces with bytes and drops",
        "ff-netstat -w 1 -q 5          traffic per second, 5 lines",
        "ff-netstat -m                 packet buffers and sockets",
        "ff-netstat -an --watch        live view on a terminal",
        "ff-netstat -an --json",
    ),
)
@cli.common_options(proc_short=None, prefix_short=None)
@click.option(
    "-a", "--all", "aflag", is_flag=True, help="Show listening sockets too."
)
@click.option("-n", "--numeric", "nflag", is_flag=True, help="Numeric ports.")
@click.option(
    "-W", "--wide", "Wflag", is_flag=True, help="Do not cut addresses."
)
@click.option(
    "-A",
    "--address",
    "Aflag",
    is_flag=True,
    help="Show the pcb's generation (ff's pcb identifier).",
)
@click.option(
    "-L", "--listen", "Lflag", is_flag=True, help="Show listen queues."
)
@click.option(
    "-x",
    "--extended",
    "xflag",
    is_flag=True,
    help="Show socket buffers and TCP timers.",
)
@click.option(
    "-T",
    "--tcp-counters",
    "Tflag",
    is_flag=True,
    help="Show retransmits, out-of-order and zero windows.",
)
@click.option(
    "-C",
    "--congestion",
    "Cflag",
    is_flag=True,
    help="Show congestion control state.",
)
@click.option(
    "-R",
    "--flow",
    "Rflag",
    is_flag=True,
    help="Show flow id and type, and the owning process.",
)
@click.option(
    "-p",
    "--protocol",
    "proto",
    metavar="PROTOCOL",
    type=click.Choice(STAT_PROTOS),
    help="Only this protocol.",
)
@click.option(
    "-f",
    "--family",
    "family",
    metavar="FAMILY",
    type=click.Choice(("inet", "inet6", "link")),
    help="Only this address family.",
)
@click.option(
    "-r", "--routes", "rflag", is_flag=True, help="Show the routing table."
)
@click.option(
    "-s",
    "--statistics",
    "sflag",
    count=True,
    help="Show statistics (twice: hide zeros).",
)
@click.option(
    "-z",
    "--zero",
    "zflag",
    is_flag=True,
    help="Zero the statistics (after showing them with -s).",
)
@click.option(
    "-i", "--interfaces", "iflag", is_flag=True, help="Show interfaces."
)
@click.option(
    "-I",
    "--interface",
    "ifname",
    metavar="IFNAME",
    help="Only this interface (-i, -w).",
)
@click.option("-b", "--bytes", "bflag", is_flag=True, help="-i: show bytes.")
@click.option(
    "-d", "--drops", "dflag", is_flag=True, help="-i, -w: show drops."
)
@click.option(
    "-h",
    "--human",
    "hflag",
    is_flag=True,
    help="-i, -w: human-readable counts.",
)
@click.option(
    "-w",
    "--wait",
    "wait",
    type=click.IntRange(min=1),
    metavar="WAIT",
    help="Traffic every WAIT seconds.",
)
@click.option(
    "-q",
    "--count",
    "count",
    type=click.IntRange(min=1),
    metavar="HOWMANY",
    help="-w: stop after HOWMANY lines.",
)
@click.option(
    "-m",
    "--memory",
    "mflag",
    is_flag=True,
    help="Show packet buffer and socket use.",
)
@click.option(
    "--watch",
    "watch_flag",
    is_flag=True,
    help="Redraw the socket list or -s every second (-w sets the "
    "interval) on a terminal.",
)
def command(
    opts,
    aflag,
    nflag,
    Wflag,
    Aflag,
    Lflag,
    xflag,
    Tflag,
    Cflag,
    Rflag,
    proto,
    family,
    rflag,
    sflag,
    zflag,
    iflag,
    ifname,
    bflag,
    dflag,
    hflag,
    wait,
    count,
    mflag,
    watch_flag,
):
    """Show the stack's sockets, routes, statistics or interfaces, as
    FreeBSD's netstat(1) does."""
    if watch_flag and (rflag or iflag or mflag or ifname):
        raise click.UsageError("--watch goes with the socket list or -s")
    if watch_flag and opts.json:
        raise click.UsageError("--watch draws on a terminal, not --json")
    with opts.stack() as stack:
        ids = stack.targets()
        names = (proto,) if proto else STAT_PROTOS
        if family == "inet6":
            names = ()
        if watch_flag:
            return _watch(
                opts,
                stack,
                ids,
                names,
                sflag,
                wait,
                proto,
                family,
                _socket_opts(
                    aflag,
                    nflag,
                    Wflag,
                    Aflag,
                    Lflag,
                    xflag,
                    Tflag,
                    Cflag,
                    Rflag,
                    ids,
                ),
            )
        if rflag:
            return routes(opts, stack, ids)
        if sflag:
            statistics(opts, stack, ids, names, sflag)
            if zflag:
                zero(opts, stack, ids, names)
            return None
        if zflag:
            zero(opts, stack, ids, names)
            return None
        if wait:
            return sideways(
                opts, stack, ids, ifname, wait, count, dflag, hflag
            )
        if iflag or ifname:
            return interfaces(
                opts, stack, ids, ifname, bflag, dflag, hflag, Wflag
            )
        if mflag:
            return mbufs(opts, stack, ids)
        so = _socket_opts(
            aflag, nflag, Wflag, Aflag, Lflag, xflag, Tflag, Cflag, Rflag, ids
        )
        return sockets(opts, stack, ids, so, _socket_protos(proto, family))


def _socket_opts(a, n, W, A, L, x, T, C, R, ids):
    return view.SocketOptions(
        a=a, n=n, W=W, A=A, L=L, x=x, T=T, C=C, R=R, procs=len(ids) > 1
    )


def _watch(opts, stack, ids, names, sflag, wait, proto, family, so):
    from fstools import output

    if not output.is_terminal():
        cli.fail(NAME, "--watch needs a terminal", code=2)
    if sflag:

        def render():
            out = []
            for name, counts, lines, states in _stats(stack, ids, names):
                out.extend(
                    view.stats_lines(name, counts, lines, sflag, states)
                )
            return out
    else:

        def render():
            return _socket_lines(stack, ids, _socket_protos(proto, family), so)

    try:
        watch(opts, stack, ids, render, wait or 1)
    except KeyboardInterrupt:
        pass


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
