"""ff-exporter: the live stack's counters for Prometheus.

Serves ``/metrics`` over HTTP: interface and port counters, every field
of the stats structs (netstat -s), socket and mbuf use, TCP connections
by state and the main loop's time by mode (ff-top), labelled by process
and interface.  Each scrape asks each process once (a fixed number of
messages, whatever the number of connections); names and help come
from fstools/views/exporter.py.

    $ ff-exporter --listen 127.0.0.1:9542 &
    $ curl -s 127.0.0.1:9542/metrics | grep retransmitted_segments
    # HELP ff_tcp_retransmitted_segments_total Data packets retransmitted
    # TYPE ff_tcp_retransmitted_segments_total counter
    ff_tcp_retransmitted_segments_total{proc="0"} 17.0

    $ ff-exporter --once | grep 'ff_tcp_connections{'
    ff_tcp_connections{proc="0",state="ESTABLISHED"} 20.0

    $ ff-exporter --once --json
    [{"metric": "ff_sockets_open", "labels": {"proc": "0"}, "value": 21.0,
      "type": "gauge"}, ...]
"""

import click

from fstools import cli

NAME = "ff-exporter"


class Collector:
    """prometheus_client's collector: one round of snapshots a scrape."""

    def __init__(self, stack, ids):
        self.stack = stack
        self.ids = ids

    def collect(self):
        from fstools.views import exporter as view

        ids = self.ids() if callable(self.ids) else self.ids
        return view.families([self.stack.snapshot(i) for i in ids])

    def describe(self):
        return []  # no scrape at registration


def _listen(text):
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter(
            "%r: expected HOST:PORT, e.g. 127.0.0.1:9542" % text
        )
    return host.strip("[]") or "127.0.0.1", int(port)


def _stack_gone(stack):
    """Has the stack exited?  (A stopped or busy one has not.)"""
    from fstools.stack import NoStackError, StackError

    try:
        stack.echo(b"")
    except NoStackError:
        return True
    except StackError:
        pass  # slow to answer: still there
    return False


def _serve(registry, host, port, stack=None):
    """HTTP in this thread, one scrape at a time (the stack session
    is not shared between threads).  Between requests, once a second,
    checks that the stack still runs: an exporter of a stack that died
    would keep its DPDK files locked, and a new stack with the same
    prefix could not start, so it stops instead (exit status 1)."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from prometheus_client import make_wsgi_app

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass  # no line per scrape

    try:
        server = make_server(
            host, port, make_wsgi_app(registry), handler_class=Quiet
        )
    except OSError as e:
        cli.fail(NAME, "listen %s:%d: %s" % (host, port, e.strerror))
    click.echo(
        "%s: serving http://%s:%d/metrics" % (NAME, host, port), err=True
    )
    server.timeout = 1.0
    with server:
        while True:
            server.handle_request()
            if stack is not None and _stack_gone(stack):
                cli.fail(
                    NAME,
                    'the stack with file prefix "%s" exited; stopping, '
                    "so that a new one can start" % stack.prefix,
                )


def _once(opts, registry):
    from prometheus_client import generate_latest

    class Scraped:
        """The families of one scrape, for both looks (collected once)."""

        families = list(registry.collect())

        def collect(self):
            return self.families

    out = opts.out(NAME)
    records = [
        {
            "metric": s.name,
            "labels": s.labels,
            "value": s.value,
            "type": fam.type,
        }
        for fam in Scraped.families
        for s in fam.samples
        if not s.name.endswith("_created")
    ]
    text = generate_latest(Scraped()).decode().rstrip("\n")
    out.table(records, [text])
    return out.finish()


@cli.command(
    NAME,
    epilog=cli.examples(
        "ff-exporter                           on 127.0.0.1:9542, every process",
        "ff-exporter --listen 0.0.0.0:9542 -p 0  process 0 only, any address",
        "ff-exporter --once                    one scrape on stdout",
        "ff-exporter --once --json | jq '.[] | select(.metric == \"ff_sockets_open\")'",
        "curl -s 127.0.0.1:9542/metrics | grep ff_tcp_retransmitted",
    ),
)
@cli.common_options()
@click.option(
    "--listen",
    default="127.0.0.1:9542",
    show_default=True,
    metavar="HOST:PORT",
    help="Address and port to serve /metrics on.",
)
@click.option(
    "--once",
    is_flag=True,
    help="Print one scrape (or its samples with --json) and exit.",
)
def command(opts, listen, once):
    """Serve the stack's counters and gauges for Prometheus at /metrics,
    every running process unless -p names one."""
    host, port = _listen(listen)
    if opts.json and not once:
        raise click.UsageError("--json goes with --once")
    from prometheus_client import CollectorRegistry

    with opts.stack() as stack:
        if opts.explicit:
            ids = stack.targets()
        else:
            # Every process running at scrape time: one may start later.
            def ids():
                return stack.proc_ids("all")

        registry = CollectorRegistry(auto_describe=False)
        registry.register(Collector(stack, ids))
        if once:
            return _once(opts, registry)
        try:
            _serve(registry, host, port, stack)
        except KeyboardInterrupt:
            pass  # the normal way to stop a server


def main(argv=None):
    return cli.main(command, argv)


if __name__ == "__main__":
    main()
