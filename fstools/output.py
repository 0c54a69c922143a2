"""The output layer shared by every tool: one set of records, three looks.

Every tool hands what it has to one ``Renderer`` (``cli.Common.out()``):
``item(record, lines)`` for one record and its FreeBSD text,
``table(records, lines, keys, titles)`` for a table, ``line(text)`` for
what only the text shows, ``warn(message)`` for a failure the tool goes
on after.  The renderer alone decides what is written: the records as
``--json``, the text in a pipe, a rich table on a terminal; its
``finish()`` writes the JSON document and ends the run with status 1
after a warning.  No tool tests ``--json`` itself.

- ``--json``: ``emit_json`` (one document) or ``emit_json_line`` (one
  object per line, for interval tools).  Keys are the record's keys, in
  order; tests pin them.
- In a pipe: plain FreeBSD-style text (``pipe_table`` for F-Stack's
  ``|  col|`` tables, ``columns`` for fixed-width columns, ``plain_table``
  through tabulate).
- On a terminal: rich (``console``, ``rich_table``); colour follows the
  terminal and NO_COLOR.

rich and tabulate are imported only when used: they cost more to import
than a one-shot tool takes to run.
"""

import os
import sys


def _stream(stream):
    return sys.stdout if stream is None else stream


def is_terminal(stream=None):
    stream = _stream(stream)
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def use_color(stream=None):
    """Colour on a terminal, unless NO_COLOR is set (non-empty) or TERM=dumb.

    FORCE_COLOR (non-empty) turns it on anywhere.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return is_terminal(stream) and os.environ.get("TERM") != "dumb"


def emit(text, stream=None):
    """Write ``text`` and a newline, flushed (interval tools)."""
    stream = _stream(stream)
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def emit_json(obj, stream=None):
    """One JSON document: an object indented, a list one element a line.

    A list is a tool's records, up to hundreds of thousands of them
    (ff-netstat -an): json's indenting encoder is pure Python, about
    2.5 times slower than encoding each record compactly with the C one,
    and one record a line is also what grep and a reader want.
    """
    import json

    if not isinstance(obj, list) or not obj:
        emit(json.dumps(obj, indent=2), stream)
        return
    encode = json.JSONEncoder(separators=(", ", ": ")).encode
    stream = _stream(stream)
    stream.write("[\n")
    last = len(obj) - 1
    for i, item in enumerate(obj):
        stream.write("  " + encode(item) + (",\n" if i < last else "\n"))
    stream.write("]\n")
    stream.flush()


def emit_json_line(obj, stream=None):
    """One JSON object on one line, flushed (streams of samples)."""
    import json

    stream = _stream(stream)
    stream.write(json.dumps(obj, separators=(", ", ": ")) + "\n")
    stream.flush()


class PipeTable:
    """F-Stack's tool tables: right-aligned cells between bars.

        |  proc_id|     idle|
        |        0|   92.44%|

    ``rule=True`` adds ``|-----|`` lines around the header, as F-Stack's
    traffic tool prints them.
    """

    def __init__(self, titles, widths, rule=False):
        if len(titles) != len(widths):
            raise ValueError("titles and widths differ in length")
        self.titles = list(titles)
        self.widths = list(widths)
        self.rule = rule

    def row(self, cells):
        return (
            "|"
            + "|".join("%*s" % (w, c) for w, c in zip(self.widths, cells))
            + "|"
        )

    def ruler(self):
        return "|" + "|".join("-" * w for w in self.widths) + "|"

    def header(self):
        head = self.row(self.titles)
        if self.rule:
            return "\n".join((self.ruler(), head, self.ruler()))
        return head


def columns(rows, spec, header=True):
    """Fixed-width columns, FreeBSD style: ``spec`` is [(title, width)].

    A negative width left-aligns (printf's ``%-*s``); the last column is
    not padded.
    """
    lines = []
    if header:
        rows = [[t for t, _ in spec]] + list(rows)
    for row in rows:
        cells = ["%*s" % (w, c) for (_, w), c in zip(spec, row)]
        lines.append(" ".join(cells).rstrip())
    return "\n".join(lines)


def plain_table(rows, headers, **kwargs):
    """A plain-text table through tabulate (imported here, on demand)."""
    from tabulate import tabulate

    kwargs.setdefault("tablefmt", "plain")
    kwargs.setdefault("disable_numparse", True)
    return tabulate(rows, headers=headers, **kwargs)


def console(stream=None):
    """A rich Console on ``stream`` that follows the colour rules above."""
    from rich.console import Console

    color = use_color(stream)
    return Console(
        file=_stream(stream),
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
    )


def terminal_size(stream=None):
    """(columns, lines) of the terminal behind ``stream`` as the kernel
    has it now, or None when it is no terminal.  Unlike rich's own size,
    a stale COLUMNS/LINES in the environment does not override it: a
    live view follows every resize."""
    stream = sys.__stdout__ if stream is None else stream
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None
    return (size.columns, size.lines) if size.columns and size.lines else None


def rich_table(records, keys, titles=None, title=None, justify=None):
    """A rich Table of ``records`` (dicts) over ``keys``."""
    from rich.table import Table

    table = Table(title=title, box=None, header_style="bold")
    titles = titles or keys
    justify = justify or {}
    for key, head in zip(keys, titles):
        table.add_column(head, justify=justify.get(key, "right"))
    for rec in records:
        table.add_row(*(str(rec[k]) for k in keys))
    return table


def render(records, keys, *, as_json, titles=None, widths=None, stream=None):
    """Records as JSON, a rich table on a terminal, or plain columns.

    ``widths`` gives the plain columns' widths (FreeBSD's printf widths);
    without it tabulate lays them out.
    """
    if as_json:
        emit_json([{k: r[k] for k in keys} for r in records], stream)
        return
    titles = titles or keys
    if is_terminal(stream):
        console(stream).print(rich_table(records, keys, titles))
        return
    rows = [[r[k] for k in keys] for r in records]
    if widths:
        emit(columns(rows, list(zip(titles, widths))), stream)
    else:
        emit(plain_table(rows, titles), stream)


class Renderer:
    """One tool run's output (see the module's docstring).

    ``json_lines``: JSON as one object per line as records come (interval
    tools), instead of one document at the end.
    """

    def __init__(self, tool, as_json=False, json_lines=False, stream=None):
        self.tool = tool
        self.as_json = as_json
        self.json_lines = json_lines
        self.stream = stream
        self.records = []
        self.failed = False

    @property
    def interactive(self):
        """Text to a terminal: where a live view may run."""
        return not self.as_json and is_terminal(self.stream)

    def line(self, text):
        """Text only (a heading, a confirmation): nothing with --json."""
        if not self.as_json and text is not None:
            emit(text, self.stream)

    def lines(self, texts):
        """Text lines written at once (a long listing, not line by line
        with a flush each): nothing with --json."""
        if not self.as_json:
            text = "\n".join(texts)
            if text:
                emit(text, self.stream)

    def item(self, record, lines=()):
        """One record: ``record`` in JSON, ``lines`` (FreeBSD's) as text."""
        if not self.as_json:
            if lines:
                emit("\n".join(lines), self.stream)
        elif self.json_lines:
            emit_json_line(record, self.stream)
        elif record is not None:
            self.records.append(record)

    def table(self, records, lines, keys=None, titles=None):
        """A table: JSON records, a rich table of ``keys`` on a terminal
        (when given), else FreeBSD's ``lines``."""
        if self.as_json:
            for rec in records:
                self.item(rec)
        elif keys and is_terminal(self.stream):
            console(self.stream).print(rich_table(records, keys, titles))
        else:
            emit("\n".join(lines), self.stream)

    def warn(self, message):
        """``tool: message`` on stderr; the run will end with status 1."""
        import click

        click.echo("%s: %s" % (self.tool, message), err=True)
        self.failed = True

    def finish(self):
        """The JSON document (unless streamed); exit 1 after a warning."""
        if self.as_json and not self.json_lines:
            emit_json(self.records, self.stream)
        if self.failed:
            import click

            raise click.exceptions.Exit(1)


class KeyReader:
    """Single key presses from a terminal, for live views (ff-top's
    dashboard): ``with KeyReader() as keys: ch = keys.read(0.2)``.

    Puts the terminal in cbreak mode (no echo, no line buffering; Ctrl-C
    still interrupts) and restores it on exit.  ``read(timeout)`` returns
    one character, or None when none came within ``timeout`` seconds or
    stdin is no terminal.
    """

    def __init__(self, stream=None):
        self.stream = sys.stdin if stream is None else stream
        self._saved = None

    def __enter__(self):
        import termios
        import tty

        try:
            fd = self.stream.fileno()
            if os.isatty(fd):
                self._saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
        except (AttributeError, ValueError, OSError, termios.error):
            self._saved = None
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            import termios

            termios.tcsetattr(
                self.stream.fileno(), termios.TCSADRAIN, self._saved
            )
        return False

    def read(self, timeout):
        """One key, or None after ``timeout`` seconds."""
        import select
        import time

        if self._saved is None:
            time.sleep(max(0.0, timeout))
            return None
        fd = self.stream.fileno()
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        if not ready:
            return None
        data = os.read(fd, 1)
        return data.decode("latin-1") if data else None
