"""Command-line plumbing shared by every ff-* tool.

- ``command(name, ...)``: a click command whose failures all go through
  ``FFCommand.invoke``, the one place errors become exit codes: a
  ``StackError`` prints ``<tool>: <message>`` on stderr and exits 1,
  ``fail()`` and ``Renderer.warn()`` do the same, click's usage errors
  exit 2; success exits 0.
- ``common_options()``: ``--proc ID|all``, ``--prefix``, ``--json`` and
  ``--timeout`` on every tool, collected into one ``Common`` object,
  whose ``stack()`` is the tool's ``fstools.Stack`` and ``out()`` its
  ``output.Renderer``.
- ``Words``: the positional grammars of the BSD tools (``ifconfig ifname
  inet addr/len up``, ``route add -net ...``), parsed after click.
- ``intervals()``: the sleep/count loop of interval tools (top, traffic),
  ``interval_options()`` their -d SECS and -n COUNT.
- ``read_lines()``: a file of commands, one a line (ff-ipfw FILE,
  ff-arp -f), every line checked before any is applied.

This module stays cheap to import: tools start in a few tens of ms.
"""

import functools
import os
import time
from typing import NamedTuple

import click

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


def _max_procs():
    from fstools.stack import MAX_PROCS

    return MAX_PROCS


CONTEXT_SETTINGS = {"max_content_width": 100}


class ProcSpec(click.ParamType):
    """A stack process: a number in 0..31, or ``all``."""

    name = "ID|all"

    def get_metavar(self, param, ctx=None):
        return "ID|all"

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value == "all":
            return value
        max_procs = _max_procs()
        try:
            n = int(value, 10)
        except (TypeError, ValueError):
            self.fail(
                "%r is not a process id (0-%d) or 'all'"
                % (value, max_procs - 1),
                param,
                ctx,
            )
        if not 0 <= n < max_procs:
            self.fail(
                "process id %d out of range 0-%d" % (n, max_procs - 1),
                param,
                ctx,
            )
        return n


class Common(NamedTuple):
    """The options every tool takes."""

    proc: object  # int or "all"
    prefix: str
    json: bool
    timeout: float
    explicit: bool = True  # --proc or $FF_PROC_ID named the process

    def stack(self):
        """An unattached ``fstools.Stack`` for these options (use
        ``with``).  Without an explicit process, reads ask process 0 and
        changes go to every process (``Stack.targets``)."""
        from fstools import stack

        return stack.Stack(
            self.prefix, self.proc if self.explicit else None, self.timeout
        )

    def out(self, tool, json_lines=False):
        """The run's ``output.Renderer``."""
        from fstools import output

        return output.Renderer(tool, self.json, json_lines)


def _default_proc():
    return os.environ.get("FF_PROC_ID", "0")


def _default_prefix():
    return os.environ.get("FF_FILE_PREFIX") or "ff"


def _explicit_proc():
    ctx = click.get_current_context(silent=True)
    source = ctx.get_parameter_source("proc") if ctx else None
    return (source is not None and source.name != "DEFAULT") or bool(
        os.environ.get("FF_PROC_ID")
    )


def common_options(proc_short="-p", prefix_short="-P"):
    """Add the common options; the command function gets ``opts`` first.

    Pass ``proc_short=None`` (or ``prefix_short=None``) where the BSD tool
    already uses that letter for something else.
    """

    def names(long, short):
        return (long, short) if short else (long,)

    options = [
        click.option(
            *names("--proc", proc_short),
            "proc",
            type=ProcSpec(),
            default=_default_proc,
            help="Stack process to ask, or 'all'  [default: 0, "
            "or $FF_PROC_ID].",
        ),
        click.option(
            *names("--prefix", prefix_short),
            "prefix",
            metavar="PREFIX",
            default=_default_prefix,
            help="DPDK file prefix of the stack  [default: ff, "
            "or $FF_FILE_PREFIX].",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Machine-readable output (JSON).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.001),
            default=2.0,
            show_default=True,
            metavar="SECONDS",
            help="How long to wait for each answer.",
        ),
    ]

    def decorate(f):
        @functools.wraps(f)
        def wrapper(*args, proc, prefix, as_json, timeout, **kwargs):
            opts = Common(
                proc=proc,
                prefix=prefix,
                json=as_json,
                timeout=timeout,
                explicit=_explicit_proc(),
            )
            return f(opts, *args, **kwargs)

        wrapper.__click_params__ = list(getattr(f, "__click_params__", []))
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


def fail(tool, message, code=EXIT_FAILURE):
    """Print ``tool: message`` on stderr and exit with ``code``."""
    click.echo("%s: %s" % (tool, message), err=True)
    raise click.exceptions.Exit(code)


def read_lines(tool, path, parse, errors, nothing):
    """The commands of the file ``path``, one a line, ``#`` to the end of
    a line a comment: ``parse(words, "path:line")`` of each line with
    words (a None it returns is left out).  Every line is checked; each
    one ``parse`` refuses (raising one of ``errors``) is reported as
    ``tool: path:line: message``, then the tool fails ("N bad lines, "
    and ``nothing``) before anything is applied."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(tool, "cannot open %s: %s" % (path, e.strerror))
    out, bad = [], 0
    for n, text in enumerate(lines, 1):
        words = text.split("#", 1)[0].split()
        if not words:
            continue
        try:
            got = parse(words, "%s:%d" % (path, n))
        except errors as e:
            click.echo("%s: %s:%d: %s" % (tool, path, n, e), err=True)
            bad += 1
            continue
        if got is not None:
            out.append(got)
    if bad:
        fail(
            tool,
            "%s: %d bad line%s, %s"
            % (path, bad, "" if bad == 1 else "s", nothing),
        )
    return out


class FFCommand(click.Command):
    """A tool's command: the one place errors become exit codes."""

    def invoke(self, ctx):
        from fstools.stack import StackError

        try:
            return super().invoke(ctx)
        except StackError as e:
            fail(self.name, e.message)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None


def examples(*lines):
    """An epilog listing examples, kept as typed by click's help."""
    return "\b\nExamples:\n" + "\n".join("  " + line for line in lines)


def command(name, *, epilog=None, words=False, **kwargs):
    """Decorator: the tool's click command named ``name`` (``ff-top``).

    ``words=True`` lets options such as ``-net`` or ``-alias`` through as
    positional words (add ``words_argument()`` and parse with ``Words``).
    """
    settings = dict(CONTEXT_SETTINGS)
    if words:
        settings.update(
            ignore_unknown_options=True, allow_interspersed_args=False
        )
    settings.update(kwargs.pop("context_settings", {}))
    return click.command(
        name, cls=FFCommand, epilog=epilog, context_settings=settings, **kwargs
    )


def words_argument(metavar="WORDS..."):
    """The positional words of a BSD grammar, unparsed, as ``words``."""
    return click.argument(
        "words", nargs=-1, type=click.UNPROCESSED, metavar=metavar
    )


def main(cmd, argv=None):
    """Console-script entry: run ``cmd``; exits with its status.

    The process then leaves with os._exit(): interpreter finalisation
    (tearing down every module, a full GC) costs a one-shot tool about a
    tenth of its life and does nothing for it.  Output is flushed and the
    early attach released first, by hand, since atexit does not run.
    """
    try:
        cmd.main(args=argv, prog_name=cmd.name)
        code = 0
    except SystemExit as e:
        code = (
            e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        )
    _leave(code)


def _leave(code):
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1  # a closed pipe: the output is lost
    ipc = sys.modules.get("fstools.ipc")
    if ipc is not None:
        ipc.release_early()
    os._exit(code)


def interval_options(count_help):
    """-d/--delay SECS (1 by default) and -n/--count COUNT (None: until
    Ctrl-C) of the interval tools; ``count_help`` says what is counted."""

    def decorate(f):
        f = click.option(
            "-n",
            "--count",
            type=click.IntRange(min=1),
            default=None,
            metavar="COUNT",
            help=count_help,
        )(f)
        return click.option(
            "-d",
            "--delay",
            type=click.FloatRange(min=0.01),
            default=1.0,
            show_default=True,
            metavar="SECS",
            help="Seconds between samples.",
        )(f)

    return decorate


def intervals(delay, count):
    """Sleep ``delay`` seconds, then yield; ``count`` times (None: forever)."""
    n = 0
    while count is None or n < count:
        time.sleep(delay)
        n += 1
        yield n


class Words:
    """Positional words of a BSD grammar, consumed left to right.

    Every error is a click.UsageError, so the tool exits 2 with a usage
    hint.
    """

    def __init__(self, words):
        self._words = list(words)
        self._pos = 0

    def __bool__(self):
        return self._pos < len(self._words)

    def __len__(self):
        return len(self._words) - self._pos

    def peek(self, default=None):
        return self._words[self._pos] if self else default

    def next(self, what):
        """The next word; ``what`` names it in the error when missing."""
        if not self:
            raise click.UsageError("missing %s" % what)
        word = self._words[self._pos]
        self._pos += 1
        return word

    def accept(self, *choices):
        """Consume and return the next word if it is one of ``choices``."""
        if self and self._words[self._pos] in choices:
            return self.next("")
        return None

    def choice(self, what, choices):
        word = self.next(what)
        if word not in choices:
            raise click.UsageError(
                "bad %s %r (expected %s)" % (what, word, ", ".join(choices))
            )
        return word

    def integer(self, what, lo=None, hi=None):
        word = self.next(what)
        try:
            value = int(word, 0)
        except ValueError:
            raise click.UsageError(
                "bad %s %r: not a number" % (what, word)
            ) from None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise click.UsageError(
                "bad %s %r: out of range %s-%s" % (what, word, lo, hi)
            )
        return value

    def rest(self):
        words, self._pos = self._words[self._pos :], len(self._words)
        return words

    def end(self):
        """Fail when words are left over."""
        if self:
            raise click.UsageError("unexpected word %r" % self.peek())
