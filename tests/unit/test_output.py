"""fstools.output: colour rules, tables, JSON, terminal vs pipe."""

import io
import json

import pytest

from fstools import output


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)


def test_color_follows_terminal_and_no_color(monkeypatch):
    assert output.use_color(Tty()) is True
    assert output.use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert output.use_color(Tty()) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert output.use_color(Tty()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert output.use_color(io.StringIO()) is True


def test_pipe_table():
    t = output.PipeTable(("a", "bb"), (4, 3), rule=True)
    assert t.header() == "|----|---|\n|   a| bb|\n|----|---|"
    assert t.row((1, "x")) == "|   1|  x|"
    with pytest.raises(ValueError):
        output.PipeTable(("a",), (1, 2))


def test_columns():
    text = output.columns(
        [["tcp4", 0, "LISTEN"]],
        [("Proto", -5), ("Recv-Q", 6), ("(state)", -11)],
    )
    assert text == "Proto Recv-Q (state)\ntcp4       0 LISTEN"


RECORDS = [{"name": "lo0", "mtu": 16384}, {"name": "f-stack-0", "mtu": 1500}]


def test_render_json():
    s = io.StringIO()
    output.render(RECORDS, ["name", "mtu"], as_json=True, stream=s)
    assert json.loads(s.getvalue()) == RECORDS


def test_render_pipe_uses_plain_text():
    s = io.StringIO()
    output.render(
        RECORDS,
        ["name", "mtu"],
        as_json=False,
        stream=s,
        titles=["Name", "Mtu"],
        widths=[-10, 6],
    )
    assert (
        s.getvalue()
        == "Name          Mtu\nlo0         16384\nf-stack-0    1500\n"
    )
    s = io.StringIO()
    output.render(RECORDS, ["name", "mtu"], as_json=False, stream=s)
    assert s.getvalue().splitlines()[0].split() == ["name", "mtu"]


def test_render_terminal_uses_rich(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    s = Tty()
    output.render(RECORDS, ["name", "mtu"], as_json=False, stream=s)
    assert "f-stack-0" in s.getvalue() and "\x1b[" not in s.getvalue()


def test_json_line():
    s = io.StringIO()
    output.emit_json_line({"a": 1, "b": [2]}, s)
    assert s.getvalue() == '{"a": 1, "b": [2]}\n'


def test_terminal_size_is_none_off_a_terminal(tmp_path):
    from fstools import output

    with open(tmp_path / "f", "w") as f:
        assert output.terminal_size(f) is None
    assert output.terminal_size(object()) is None


def test_json_list_is_one_record_a_line():
    # A list of records (ff-netstat -an --json at 100,000 sockets) is one
    # document that json parses back whole, each record on its own line
    # so grep finds one; an object stays indented.
    records = [{"local": "198.18.0.2.80", "state": "LISTEN", "q": [0, 1]}] * 3
    stream = io.StringIO()
    output.emit_json(records, stream)
    text = stream.getvalue()
    assert json.loads(text) == records
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.rstrip(",")) for line in lines[1:-1]] == records
    stream = io.StringIO()
    output.emit_json({"tcp": {"sndtotal": 1}}, stream)
    assert stream.getvalue() == '{\n  "tcp": {\n    "sndtotal": 1\n  }\n}\n'
