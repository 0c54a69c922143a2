"""ff-top's live dashboard: intervals of stack.Snapshot samples with their
history, drawn with rich for a terminal of any size.  Under wrk -c50
(Connection: close), a ping flood and SYNs to a closed port, at 110x42:

    ff-top  prefix fft1016601  proc 0  every 1s  08:14:45                    1 overview  2 tcp  3 counters  q quit
    ╭─ CPU ──────────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ proc   idle  sys             usr             loops/s                                                       │
    │    0  51.6%   44.2% ▁▁▁▄▄▄▄    4.2% ▁▁▁▁▁▁▁     7.2k                                                       │
    ╰────────────────────────────────────────────────────────────────────────────────────────────────────────────╯
    ╭─ Traffic ───────────────────────────────────────────╮╭─ TCP ───────────────────────────────────────────────╮
    │ rx pkt/s   98.3k  ▁▂████                            ││ LISTEN 1  ESTABLISHED 27  FIN_WAIT_1 17             │
    │ tx pkt/s   59.0k  ▁▂████                            ││ TIME_WAIT 14042                                     │
    │ rx bit/s   61.9M  ▁▂████                            ││ accepts/s          19.7k  ▁▂████                    │
    │ tx bit/s  134.2M  ▁▂████                            ││ connects/s             0  ▁▁▁▁▁▁                    │
    │ drops        0/0  rx/tx since start                 ││ rexmit/s               0  ▁▁▁▁▁▁                    │
    ╰─────────────────────────────────────────────────────╯│ rexmit timeouts/s      0  ▁▁▁▁▁▁                    │
                                                           │ drops +0/0  embryonic +0/0  listenq +0/0            │
                                                           ╰─────────────────────────────────────────────────────╯
    ╭─ Memory ───────────────────────────────────────────────────────────────────────────────────────────────────╮
    │ mbufs    ██████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  1050/8191  13%                                │
    │ sockets  ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░   40/65536   0%                                │
    ╰────────────────────────────────────────────────────────────────────────────────────────────────────────────╯
    ╭─ Moved: errors and drops in the last 1s ───────────────────────────────────────────────────────────────────╮
    │ net.inet.icmp.ratelimited  +58  58/s  196                                                                  │
    │ tcpx_noport                 +1   1/s    4                                                                  │
    ╰────────────────────────────────────────────────────────────────────────────────────────────────────────────╯

Three views (keys 1, 2, 3; Tab cycles): the overview above; "tcp", every
state's count and every TCP counter that moved; "counters", every
counter of the stack that moved in the interval.

Used by ff-top (fstools/top.py feeds it and reads the keys).  Golden
tests: tests/unit/test_top_dashboard.py.
"""

import collections
import time

from fstools.records import netstat as netstat_records
from fstools.views import counters as cnt
from fstools.views import top as top_view

VIEWS = ("overview", "tcp", "counters")

# tcp_fsm.h's order: the index in net.inet.tcp.states.
TCP_STATES = netstat_records.TCP_STATES

# The TCP panel's rates: (title, tcpstat field).
TCP_RATES = (
    ("accepts/s", "tcps_accepts"),
    ("connects/s", "tcps_connattempt"),
    ("rexmit/s", "tcps_sndrexmitpack"),
    ("rexmit timeouts/s", "tcps_rexmttimeo"),
)
# Dropped connections, shown as "+interval/total": (title, tcpstat field).
TCP_DROPS = (
    ("drops", "tcps_drops"),
    ("embryonic", "tcps_conndrops"),
    ("listenq", "tcps_listendrop"),
)

SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def spark(values, width, top=None):
    """The last ``width`` values as block characters, scaled to ``top``
    (default: their maximum); a zero is the lowest block."""
    vals = list(values)[-width:] if width > 0 else []
    if not vals:
        return ""
    top = top if top is not None else max(vals)
    if top <= 0:
        return SPARKS[0] * len(vals)
    last = len(SPARKS) - 1
    return "".join(
        SPARKS[min(last, max(0, int(round(last * v / top))))] for v in vals
    )


def si(value):
    """41022 -> "41.0k" (top_view's units)."""
    return top_view._si(value)


def _rate(delta, secs):
    return delta / secs if secs else 0.0


class Dashboard:
    """The dashboard's state: the last interval and the history of every
    plotted series (``history`` intervals)."""

    def __init__(self, prefix, delay, history=120):
        self.prefix = prefix
        self.delay = delay
        self.view = VIEWS[0]
        self.last = None  # the last interval (a dict), None before one
        self.hist = collections.defaultdict(
            lambda: collections.deque(maxlen=history)
        )

    # -- data -----------------------------------------------------------------

    def feed(self, prev, cur, wall, first=False):
        """One interval from two lists of snapshots (one per process, same
        order) ``wall`` seconds apart; ``first``: ``prev`` are zeros at
        the stack's start (only the CPU shares are shown for it)."""
        procs = [top_view.usage(p.top, c.top, wall) for p, c in zip(prev, cur)]
        if first:
            # Since start: the stack's age, from its own cycle counter.
            wall = max(
                (c.top.work_tsc / c.top.tsc_hz for c in cur if c.top.tsc_hz),
                default=wall,
            )
        pc, pg = cnt.summed(prev)
        cc, cg = cnt.summed(cur)
        moved = [] if first else cnt.moved(pc, cc)
        iv = {
            "secs": wall,
            "first": first,
            "procs": procs,
            "total": top_view.total(procs) if len(procs) > 1 else None,
            "gauges": cg,
            "counters": cc,
            "moved": moved,
            "tcp": {} if first else self._tcp(pc, cc, wall),
        }
        for r in procs:
            for key in ("sys", "usr"):
                self.hist["%s.%s" % (r["proc_id"], key)].append(r[key])
        if not first:
            for key in ("rx_pps", "tx_pps", "rx_bps", "tx_bps"):
                self.hist[key].append(sum(r[key] for r in procs))
            for title, _ in TCP_RATES:
                self.hist[title].append(iv["tcp"][title])
        self.last = iv
        return iv

    def _tcp(self, pc, cc, secs):
        out = {}
        for title, field in TCP_RATES:
            key = "tcpstat." + field
            out[title] = _rate(cc.get(key, 0) - pc.get(key, 0), secs)
        for title, field in TCP_DROPS:
            key = "tcpstat." + field
            out[title] = (cc.get(key, 0) - pc.get(key, 0), cc.get(key, 0))
        return out

    def key(self, ch):
        """A key pressed: switch the view; "q" returns False (quit)."""
        if ch in ("q", "Q"):
            return False
        if ch in ("1", "2", "3"):
            self.view = VIEWS[int(ch) - 1]
        elif ch == "\t":
            self.view = VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)]
        return True

    # -- drawing --------------------------------------------------------------

    def render(self, width, height):
        """The whole screen, ``width`` x ``height`` cells, as a rich
        renderable."""
        from rich.console import Group

        parts = [self._header(width)]
        if self.last is None:
            from rich.text import Text

            parts.append(Text("waiting for the first sample..."))
            return Group(*parts)
        if self.view == "overview":
            # Panels in order of importance; one that does not fit the
            # height left is skipped (a small terminal keeps CPU first).
            used = 1
            for part in (
                self._cpu(width),
                self._middle(width),
                self._memory(width),
            ):
                rows = _rows(part, width)
                if used + rows <= height:
                    parts.append(part)
                    used += rows
            if height - used >= 3:
                parts.append(self._moved(width, height - used - 2, True))
        elif self.view == "tcp":
            states = self._tcp_states(width)
            parts.append(states)
            left = height - 1 - _rows(states, width)
            if left >= 3:
                parts.append(self._tcp_moved(width, left - 2))
        else:
            parts.append(self._moved(width, max(1, height - 3), False))
        return Group(*parts)

    def _header(self, width):
        from rich.text import Text

        procs = [r["proc_id"] for r in self.last["procs"]] if self.last else []
        head = Text("ff-top", style="bold")
        head.append(
            "  prefix %s  proc %s  every %gs  %s"
            % (
                self.prefix,
                ",".join(str(p) for p in procs) or "-",
                self.delay,
                time.strftime("%H:%M:%S"),
            )
        )
        keys = Text()
        for n, name in enumerate(VIEWS, 1):
            keys.append(
                " %d " % n, style="reverse" if name == self.view else ""
            )
            keys.append(name + " ")
        keys.append(" q ", style="reverse")
        keys.append("quit")
        pad = width - len(head) - len(keys)
        if pad >= 1:
            head.append(" " * pad)
            head.append_text(keys)
        head.no_wrap = True
        head.overflow = "crop"
        return head

    def _panel(self, body, title, width=None):
        from rich import box
        from rich.panel import Panel

        return Panel(
            body,
            title=title,
            title_align="left",
            box=box.ROUNDED,
            width=width,
            padding=(0, 1),
        )

    def _grid(self, *justify):
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        for j in justify:
            grid.add_column(justify=j, no_wrap=True)
        return grid

    def _cpu(self, width):
        rows = list(self.last["procs"])
        total = self.last["total"]
        sw = max(0, min(40, (width - 48) // 2))
        grid = self._grid("right", "right", "left", "left", "right")
        grid.add_row("proc", "idle", "sys", "usr", "loops/s")
        secs = self.last["secs"] or self.delay
        for r in rows + ([total] if total else []):
            p = r["proc_id"]
            grid.add_row(
                str(p),
                "%.1f%%" % r["idle"],
                "%5.1f%% %s"
                % (r["sys"], spark(self.hist["%s.sys" % p], sw, 100)),
                "%5.1f%% %s"
                % (r["usr"], spark(self.hist["%s.usr" % p], sw, 100)),
                si(r["loops"] / secs),
            )
        title = "CPU (since start)" if self.last["first"] else "CPU"
        return self._panel(grid, title)

    def _traffic(self, sw):
        grid = self._grid("left", "right", "left")
        procs = self.last["procs"]
        for title, key in (
            ("rx pkt/s", "rx_pps"),
            ("tx pkt/s", "tx_pps"),
            ("rx bit/s", "rx_bps"),
            ("tx bit/s", "tx_bps"),
        ):
            value = sum(r[key] for r in procs)
            grid.add_row(title, si(value), spark(self.hist[key], sw))
        c = self.last["counters"]
        grid.add_row(
            "drops",
            "%d/%d"
            % (c.get("port.rx_dropped", 0), c.get("port.tx_dropped", 0)),
            "rx/tx since start",
        )
        return grid

    def _tcp_panel(self, sw, inner):
        from rich.text import Text

        states = self.last["gauges"].get("net.inet.tcp.states")
        line = Text()
        if states is None:
            line.append("(no net.inet.tcp.states)", style="dim")
        else:
            shown = [
                (n, v)
                for n, v in zip(TCP_STATES, states)
                if v or n in ("ESTABLISHED", "LISTEN", "TIME_WAIT")
            ]
            # Lines of whole "STATE count" pairs: a count never wraps
            # away from its state.
            col = 0
            for n, v in shown:
                pair = len(n) + 1 + len(str(v))
                if col and col + 2 + pair > inner:
                    line.append("\n")
                    col = 0
                elif col:
                    line.append("  ")
                    col += 2
                line.append(n, style="bold")
                line.append(" %d" % v)
                col += pair
        grid = self._grid("left", "right", "left")
        tcp = self.last["tcp"]
        for title, _ in TCP_RATES:
            grid.add_row(
                title, si(tcp.get(title, 0)), spark(self.hist[title], sw)
            )
        drops = "  ".join(
            "%s +%d/%d" % (title, *tcp.get(title, (0, 0)))
            for title, _ in TCP_DROPS
        )
        from rich.console import Group

        return Group(
            line, grid, Text(drops, no_wrap=True, overflow="ellipsis")
        )

    def _middle(self, width):
        from rich.table import Table

        if width >= 100:
            half = width // 2
            sw = max(0, min(40, half - 26))
            grid = Table.grid()
            grid.add_column(width=half)
            grid.add_column(width=width - half)
            grid.add_row(
                self._panel(self._traffic(sw), "Traffic"),
                self._panel(self._tcp_panel(sw, width - half - 4), "TCP"),
            )
            return grid
        sw = max(0, min(40, width - 30))
        from rich.console import Group

        return Group(
            self._panel(self._traffic(sw), "Traffic"),
            self._panel(self._tcp_panel(sw, width - 4), "TCP"),
        )

    def _memory(self, width):
        g = self.last["gauges"]
        bw = max(4, min(50, width - 40))
        grid = self._grid("left", "left", "right", "right")
        nmb = g.get("kern.ipc.nmbufs")
        free = g.get("kern.ipc.overload.mbufs_free")
        if nmb is not None and free is not None:
            grid.add_row("mbufs", *_bar(nmb - free, nmb, bw))
        socks = g.get("kern.ipc.numopensockets")
        maxs = g.get("kern.ipc.maxsockets")
        if socks is not None and maxs:
            grid.add_row("sockets", *_bar(socks, maxs, bw))
        level = g.get("kern.ipc.overload.level")
        if level:
            grid.add_row("pressure", "level %d" % level, "", "")
        return self._panel(grid, "Memory")

    def _moved_rows(self, rows, limit, grid):
        secs = self.last["secs"] or self.delay
        for key, delta, total in rows[:limit]:
            grid.add_row(
                cnt.label(key),
                "+%d" % delta,
                "%s/s" % si(delta / secs),
                str(total),
            )
        if len(rows) > limit:
            grid.add_row("... %d more" % (len(rows) - limit), "", "", "")

    def _moved(self, width, limit, problems):
        from rich.text import Text

        rows = self.last["moved"]
        if problems:
            rows = [r for r in rows if cnt.is_problem(r[0])]
            title = "Moved: errors and drops in the last %gs" % self.delay
        else:
            title = "Counters that moved in the last %gs" % self.delay
        if self.last["first"]:
            return self._panel(Text("(after the first interval)"), title)
        if not rows:
            return self._panel(Text("nothing", style="dim"), title)
        grid = self._grid("left", "right", "right", "right")
        self._moved_rows(
            rows, max(1, limit - 1 if len(rows) > limit else limit), grid
        )
        return self._panel(grid, title)

    def _tcp_states(self, width):
        states = self.last["gauges"].get("net.inet.tcp.states") or [0] * 11
        grid = self._grid(*(["left", "right"] * 4))
        cells = ["%s" % n for n in TCP_STATES]
        vals = [str(v) for v in states]
        pairs = list(zip(cells, vals))
        for i in range(0, len(pairs), 4):
            row = []
            for n, v in pairs[i : i + 4]:
                row += [n, v]
            row += [""] * (8 - len(row))
            grid.add_row(*row)
        return self._panel(grid, "TCP connections by state")

    def _tcp_moved(self, width, limit):
        from rich.text import Text

        rows = [
            r
            for r in self.last["moved"]
            if r[0].startswith(("tcpstat.", "tcpxstat."))
        ]
        title = "TCP counters that moved in the last %gs" % self.delay
        if not rows:
            return self._panel(Text("nothing", style="dim"), title)
        grid = self._grid("left", "right", "right", "right")
        self._moved_rows(rows, limit, grid)
        return self._panel(grid, title)


def _bar(used, total, width):
    from rich.text import Text

    share = used / total if total else 0.0
    filled = int(round(width * min(max(share, 0.0), 1.0)))
    style = "red" if share > 0.9 else "yellow" if share > 0.7 else "green"
    bar = Text("\u2588" * filled, style=style)
    bar.append("\u2591" * (width - filled), style="dim")
    return bar, "%d/%d" % (used, total), "%.0f%%" % (100 * share)


def _rows(renderable, width):
    """Lines a panel or group takes at ``width`` columns."""
    from rich.console import Console

    con = Console(width=width, color_system=None, file=_Null())
    return len(con.render_lines(renderable, con.options, pad=False))


class _Null:
    def write(self, _):
        pass

    def flush(self):
        pass
