"""fstools.cli: common options, error mapping, positional words."""

import click
import pytest
from click.testing import CliRunner

from fstools import _ffi, cli


@cli.command("ff-demo", words=True)
@cli.common_options(proc_short=None)
@cli.words_argument()
def demo(opts, words):
    w = cli.Words(words)
    verb = w.choice("command", ("add", "delete", "fail", "boom", "int"))
    if verb == "fail":
        raise _ffi.stack_error(17, "add net 10.1.0.0: gateway 198.18.0.1")
    if verb == "boom":
        raise KeyboardInterrupt
    if verb == "int":
        click.echo(w.integer("metric", 0, 10))
    else:
        flag = w.accept("-net", "-host")
        dst = w.next("destination")
        w.end()
        click.echo(
            "%s %s %s %s %s" % (verb, flag, dst, opts.proc, opts.prefix)
        )


def run(*args):
    return CliRunner().invoke(demo, list(args))


def test_words_and_bsd_flags():
    r = run("--proc", "all", "add", "-net", "10.1.0.0/16")
    assert (r.exit_code, r.output) == (0, "add -net 10.1.0.0/16 all ff\n")


def test_error_message_and_status():
    r = run("fail")
    assert r.exit_code == 1
    assert r.stderr == (
        "ff-demo: add net 10.1.0.0: gateway 198.18.0.1: File exists\n"
    )


def test_interrupt_is_130():
    assert run("boom").exit_code == 130


@pytest.mark.parametrize(
    "args,msg",
    [
        ([], "missing command"),
        (["frob"], "bad command 'frob'"),
        (["add"], "missing destination"),
        (["add", "a", "b"], "unexpected word 'b'"),
        (["int", "x"], "not a number"),
        (["int", "11"], "out of range"),
        (["--proc", "-1", "add", "x"], "process id"),
    ],
)
def test_usage_errors_exit_2(args, msg):
    r = run(*args)
    assert r.exit_code == 2 and msg in r.output


def test_no_short_proc_when_disabled():
    assert "-p, --proc" not in run("--help").output
    assert "-P, --prefix" in run("--help").output


def test_proc_spec():
    t = cli.ProcSpec()
    assert t.convert("all", None, None) == "all"
    assert t.convert("7", None, None) == 7
    with pytest.raises(click.BadParameter):
        t.convert("32", None, None)


def test_intervals(monkeypatch):
    slept = []
    monkeypatch.setattr(cli.time, "sleep", slept.append)
    assert list(cli.intervals(0.5, 3)) == [1, 2, 3] and slept == [0.5] * 3
    it = cli.intervals(1, None)
    assert [next(it) for _ in range(5)] == [1, 2, 3, 4, 5]


def test_words_helpers():
    w = cli.Words(["a", "b"])
    assert len(w) == 2 and w.peek() == "a" and w.accept("x") is None
    assert w.rest() == ["a", "b"] and not w and w.peek("z") == "z"
