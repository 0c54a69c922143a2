#!/usr/bin/env python3
"""ipfw on a live stack: what rules and a big table cost helloworld's
requests/s, and how long ff-ipfw takes to load and list 100,000 rules.

    sudo flock /tmp/ff-integ.lock .venv/bin/python bench/ipfw_live_bench.py \
        [-d SECONDS] [-c CONNS] [-r ROUNDS] [--load-only]

examples/helloworld runs in a network namespace with a net_tap port,
busy-polling on one CPU; wrk (-t1 -cCONNS -dSECONDSs, keep-alive) runs
from the Linux side of the tap on the other CPU.  In one run, on one
stack, the rows interleaved, ROUNDS times (5 by default):
  off       net.inet.ip.fw.enable=0: the baseline
  0 rules   filtering on, the default rule alone
  N rules   N = 10, 100, 1,000: N-1 rules that do not match the
            client (`deny tcp from 198.19.x.y to any 81', first) and
            a final `allow ip from any to any'; every packet, both
            ways, walks them all
  table     table 1 holding 1,000,000 /32 entries (198.19.0.0 and up,
            not the client), one rule `deny ip from table(1) to any'
            and the allow: two lookups per request and reply
Each row prints its median requests/s (and the range over the rounds)
and the ratio of its median to the baseline's. Then 100,000 rules are
loaded from a file with `ff-ipfw -q FILE' and listed with `ff-ipfw list'
(the tool's whole cost: parsing, compiling, the messages in pieces,
decoding, printing into a pipe), then the same through the Stack API
(compiled in this process, ipfw_add in messages of as many as fit,
ipfw_rules, from this process attached to the stack); and the table's
load time through the Stack API.  --load-only: the 100,000 rules alone
(no wrk, no table).  Not a pass/fail test: the machine is
shared and noisy; compare figures from the same run only.

Network safety: everything stays in the namespace made here,
198.18.0.0/15.
"""

import argparse
import ipaddress
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fstools import testing  # noqa: E402
from fstools.ipfw_rule import compile_rule  # noqa: E402
from fstools.stack import Stack  # noqa: E402

URL = "http://%s/" % testing.STACK_ADDR
TABLE_SIZE = 1000000
BIG = 100000


def wrk(h, cpu, secs, conns):
    out = h.nsexec(
        "taskset",
        "-c",
        str(cpu),
        "wrk",
        "-t1",
        "-c%d" % conns,
        "-d%ds" % secs,
        "--timeout",
        "2s",
        URL,
        timeout=secs + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    m = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        out,
    )
    if m:
        errors += sum(map(int, m.groups()))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    return rps, errors


def far(i):
    """The i-th address of 198.19.0.0/16 and up: never the client."""
    return str(ipaddress.IPv4Address((198 << 24) + (19 << 16) + i))


def ff_ipfw(h, *args, timeout=600):
    t = time.perf_counter()
    cp = h.tool("ff-ipfw", *args, timeout=timeout)
    took = time.perf_counter() - t
    if cp.returncode != 0:
        sys.exit(
            "ipfw_live_bench: ff-ipfw %s: %s"
            % (" ".join(args[:3]), cp.stderr.strip()[:300])
        )
    return took, cp.stdout


def load_file(h, path, lines):
    path.write_text("".join(line + "\n" for line in lines))
    return ff_ipfw(h, "-q", str(path))[0]


def rule_set(n):
    """N-1 rules that do not match the client, then the allow."""
    lines = [
        "add %d deny tcp from %s to any 81" % (i + 1, far(i))
        for i in range(n - 1)
    ]
    return lines + ["add %d allow ip from any to any" % n]


def check_rules(st, n):
    """The stack holds n rules and the default one."""
    _, out = st.ipfw_rules()
    if len(out) != n + 1:
        sys.exit("ipfw_live_bench: %d rules, expected %d" % (len(out), n + 1))


def bench(h, st, cpu, args, tmp):
    """Every row once per round, the rows interleaved so that the
    machine's drift spreads over all of them; then big_rules()."""
    st.ipfw_table_create(1, TABLE_SIZE)
    t = time.perf_counter()
    st.ipfw_table_add(1, [(far(i), 32, 0) for i in range(TABLE_SIZE)])
    table_load = time.perf_counter() - t
    (info,) = st.ipfw_tables(1)
    if info.count != TABLE_SIZE:
        sys.exit("ipfw_live_bench: table holds %d entries" % info.count)

    def rules(lines):
        def setup():
            st.sysctl_set("net.inet.ip.fw.enable", 1)
            st.ipfw_flush()
            if lines:
                load_file(h, tmp / "rules", lines)
            check_rules(st, len(lines))

        return setup

    rows = [
        (
            "ipfw off (baseline)",
            "net.inet.ip.fw.enable=0",
            lambda: st.sysctl_set("net.inet.ip.fw.enable", 0),
        ),
        ("0 rules", "the default rule alone", rules([])),
    ]
    for n in (10, 100, 1000):
        rows.append(
            (
                "%d rules" % n,
                "%d not matching, then allow" % (n - 1),
                rules(rule_set(n)),
            )
        )
    rows.append(
        (
            "1,000,000-entry table",
            "deny from table(1) (no match), allow",
            rules(
                [
                    "add 100 deny ip from table(1) to any",
                    "add 200 allow ip from any to any",
                ]
            ),
        )
    )
    got = {label: [] for label, _, _ in rows}
    for r in range(args.rounds):
        for label, _, setup in rows:
            setup()
            rps, errors = wrk(h, cpu, args.duration, args.conns)
            got[label].append((rps, errors))
            print(
                "  round %d  %-24s %10.0f req/s" % (r + 1, label, rps),
                flush=True,
            )
    st.sysctl_set("net.inet.ip.fw.enable", 1)
    st.ipfw_flush()
    st.ipfw_table_destroy(1)
    table = [(label, note, got[label]) for label, note, _ in rows]
    return (table, table_load) + big_rules(h, st, tmp)


def big_rules(h, st, tmp):
    """BIG rules loaded and listed by ff-ipfw, then through the Stack
    API: (ff-ipfw's figures, the API's)."""
    # 100,000 rules: numbers 1..65534 (some repeat, as FreeBSD allows).
    big = [
        "add %d count tcp from %s to any 81" % (1 + i * 65534 // BIG, far(i))
        for i in range(BIG)
    ]
    load = load_file(h, tmp / "big", big)
    check_rules(st, BIG)
    listing, out = ff_ipfw(h, "list")
    tool = (load, listing, len(out.splitlines()))
    st.ipfw_flush()
    # The same through the Stack API: compiled here, added in messages
    # of as many rules as fit, listed in parts.
    t = time.perf_counter()
    compiled = [compile_rule(line.split()[1:]) for line in big]
    comp = time.perf_counter() - t
    t = time.perf_counter()
    st.ipfw_add(compiled)
    load = time.perf_counter() - t
    t = time.perf_counter()
    _, got_rules = st.ipfw_rules()
    listing = time.perf_counter() - t
    api = (comp, load, listing, len(got_rules))
    st.ipfw_flush()
    return tool, api


def report_big(tool, api):
    print(
        "%d rules, ff-ipfw: load (ff-ipfw -q FILE) %.2f s, list "
        "(ff-ipfw list) %.2f s, %d lines" % ((BIG,) + tool)
    )
    print(
        "%d rules, Stack API: compile %.2f s, load (ipfw_add) %.2f s, list "
        "(ipfw_rules) %.2f s, %d rules" % ((BIG,) + api)
    )


def report(rows, table_load, tool, api, args):
    med = {
        label: statistics.median(r for r, _ in runs) for label, _, runs in rows
    }
    base = med[rows[0][0]]
    print()
    print(
        "helloworld, wrk -t1 -c%d -d%ds keep-alive, %d interleaved rounds "
        "on one stack: median (min-max) requests/s, ratio of medians"
        % (args.conns, args.duration, args.rounds)
    )
    head = ("ipfw", "requests/s", "min-max", "ratio", "errors", "rule set")
    cells = [
        (
            label,
            "%.0f" % med[label],
            "%.0f-%.0f" % (min(r for r, _ in runs), max(r for r, _ in runs)),
            "%.2f" % (med[label] / base) if base else "-",
            str(sum(e for _, e in runs)),
            note,
        )
        for label, note, runs in rows
    ]
    w = [max(len(c[i]) for c in cells + [head]) for i in range(len(head))]
    line = "  ".join("%-*s" % (w[i], c) for i, c in enumerate(head))
    print(line.rstrip())
    print("-" * len(line.rstrip()))
    for c in cells:
        print("  ".join("%-*s" % (w[i], x) for i, x in enumerate(c)).rstrip())
    print()
    print(
        "1,000,000 table entries added (Stack API, messages in pieces): "
        "%.2f s" % table_load
    )
    report_big(tool, api)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-d", "--duration", type=int, default=3)
    ap.add_argument("-c", "--conns", type=int, default=20)
    ap.add_argument("-r", "--rounds", type=int, default=5)
    ap.add_argument("--app", default=str(ROOT / "examples" / "helloworld"))
    ap.add_argument(
        "--load-only",
        action="store_true",
        help="Only load and list 100,000 rules (no wrk, no table).",
    )
    args = ap.parse_args()
    if args.duration > 5:
        sys.exit("ipfw_live_bench: load runs are bounded (-d 5 at most)")
    if os.geteuid() != 0 or not shutil.which("wrk"):
        sys.exit("ipfw_live_bench: needs root and wrk (scripts/ff-setup deps)")
    if not os.path.exists(args.app):
        sys.exit("ipfw_live_bench: %s not built" % args.app)
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        sys.exit("ipfw_live_bench: needs two CPUs (stack and wrk apart)")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        h = testing.new_handle(tmp)
        # Busy-polling on the last CPU (make_config's lcore_mask), wrk on
        # the first: never two pollers on one core.
        h.config.write_text(
            testing.make_config(h.tap, h.prefix, h.mac, idle_sleep=0)
        )
        st = None
        try:
            testing.run(["ip", "netns", "add", h.ns])
            testing.start(h, args.app)
            # Attached here, not through the harness's helper process
            # (h.stack): no pickling of 100,000 rules in the figures.
            st = Stack(h.prefix, timeout=5.0).attach()
            print(
                "helloworld on CPU %d, wrk on CPU %d" % (cpus[-1], cpus[0]),
                flush=True,
            )
            if args.load_only:
                res = big_rules(h, st, tmp)
            else:
                res = bench(h, st, cpus[0], args, tmp)
        finally:
            if st is not None:
                st.detach()
            testing.stop(h)
    if args.load_only:
        report_big(*res)
    else:
        report(*res, args)


if __name__ == "__main__":
    main()
