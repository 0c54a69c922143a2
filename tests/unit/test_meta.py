"""Every tool ships complete: for each console script in pyproject.toml a
man page in man/ (mdoc, lint-clean, SYNOPSIS matching --help), bash, zsh
and fish completions naming every option, and a test that mentions it.
The library too: man/libff.3 documents every call libff.map exports for
applications (NAME, SYNOPSIS and its own ERRORS)."""

import importlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import click
import pytest

REPO = Path(__file__).resolve().parents[2]


def scripts():
    with open(REPO / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["scripts"]


TOOLS = sorted(scripts())


def command_of(tool):
    module, func = scripts()[tool].split(":")
    mod = importlib.import_module(module)
    assert callable(getattr(mod, func)), "%s: no %s()" % (module, func)
    if module == "fstools.launch":
        # The launcher runs fstools.<tool name without ff->.
        module = "fstools." + tool[3:].replace("-", "_")
        mod = importlib.import_module(module)
        assert callable(mod.main), "%s: no main()" % module
    for obj in vars(mod).values():
        if isinstance(obj, click.Command) and obj.name == tool:
            return obj
    pytest.fail("%s has no click command named %s" % (module, tool))


def options_of(cmd):
    """[(short or None, long)] of every option but --help."""
    out = []
    for p in cmd.params:
        if isinstance(p, click.Option):
            shorts = [o for o in p.opts if not o.startswith("--")]
            longs = [o for o in p.opts if o.startswith("--")]
            out.append((shorts[0] if shorts else None, longs[0]))
    return out


def synopsis_flags(page):
    text = page.read_text()
    m = re.search(r"^\.Sh SYNOPSIS\n(.*?)^\.Sh ", text, re.S | re.M)
    assert m, "%s: no SYNOPSIS" % page.name
    return {
        "-" + f.replace("\\-", "-")
        for f in re.findall(r"\bFl (\S+)", m.group(1))
    }


def test_there_are_tools():
    assert "ff-top" in TOOLS and "ff-traffic" in TOOLS


@pytest.mark.parametrize("tool", TOOLS)
def test_man_page(tool):
    assert (REPO / "man" / (tool + ".8")).is_file(), "man/%s.8 missing" % tool


@pytest.mark.parametrize("tool", TOOLS)
def test_synopsis_matches_help(tool):
    page = REPO / "man" / (tool + ".8")
    flags = synopsis_flags(page)
    opts = options_of(command_of(tool))
    for short, long in opts:
        assert (short or long) in flags, "%s SYNOPSIS lacks %s" % (
            page.name,
            short or long,
        )
    known = {o for pair in opts for o in pair if o}
    assert flags <= known, "%s SYNOPSIS names unknown %s" % (
        page.name,
        sorted(flags - known),
    )


@pytest.mark.parametrize("tool", TOOLS)
def test_completions(tool):
    files = {
        "bash": REPO / "completions/bash" / tool,
        "zsh": REPO / "completions/zsh" / ("_" + tool),
        "fish": REPO / "completions/fish" / (tool + ".fish"),
    }
    for shell, path in files.items():
        assert path.is_file(), "%s completion missing: %s" % (shell, path)
    longs = [long for _, long in options_of(command_of(tool))] + ["--help"]
    for long in longs:
        for shell in ("bash", "zsh"):
            assert long in files[shell].read_text(), (
                "%s completion for %s lacks %s" % (shell, tool, long)
            )
        assert "-l " + long[2:] in files["fish"].read_text(), (
            "fish completion for %s lacks %s" % (tool, long)
        )


@pytest.mark.parametrize("tool", TOOLS)
def test_bash_completion_runs(tool):
    path = REPO / "completions/bash" / tool
    m = re.search(
        r"complete -F (\w+) %s\b" % re.escape(tool), path.read_text()
    )
    assert m, "%s: no 'complete -F func %s'" % (path, tool)
    script = (
        'source "%s"; COMP_WORDS=(%s --); COMP_CWORD=1; %s; '
        'printf "%%s\\n" "${COMPREPLY[@]}"' % (path, tool, m.group(1))
    )
    out = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    for _, long in options_of(command_of(tool)):
        assert long in out


@pytest.mark.parametrize("tool", TOOLS)
def test_tool_has_a_test(tool):
    here = Path(__file__).name
    for path in (REPO / "tests").rglob("test_*.py"):
        if path.name != here and tool in path.read_text():
            return
    pytest.fail("no test under tests/ mentions %s" % tool)


MAN_PAGES = sorted((REPO / "man").glob("*.[1-9]"))


@pytest.mark.skipif(shutil.which("mandoc") is None, reason="mandoc missing")
@pytest.mark.parametrize("page", MAN_PAGES, ids=[p.name for p in MAN_PAGES])
def test_mandoc_lint(page):
    r = subprocess.run(
        ["mandoc", "-Tlint", "-W", "warning", str(page)],
        capture_output=True,
        text=True,
    )
    # A stale system mandoc.db is the host's business, not the page's.
    msgs = [
        l
        for l in (r.stdout + r.stderr).splitlines()
        if "outdated mandoc.db" not in l
    ]
    assert r.returncode == 0 and not msgs, "\n".join(msgs)


# -- libff.3 ------------------------------------------------------------------

LIBFF3 = REPO / "man" / "libff.3"
# Calls that cannot fail, or whose errors are the host's: libff.3 says so
# in RETURN VALUES instead of giving them an ERRORS entry.
NO_ERRORS = {
    "ff_stop_run",
    "ff_config_defaults",
    "ff_gettimeofday",
    "ff_regist_packet_dispatcher",
}


def application_calls():
    """The names libff.map exports for applications: its "Application API"
    and "Configuration" groups (not the tools' client)."""
    text = (REPO / "libff" / "libff.map").read_text()
    names, group = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("/*"):
            group = line
        elif (
            re.fullmatch(r"ff_\w+;", line)
            and group
            and ("Application API" in group or "Configuration" in group)
        ):
            names.append(line[:-1])
    return names


def page_section(name):
    text = LIBFF3.read_text()
    m = re.search(r"^\.Sh %s\n(.*?)(?=^\.Sh |\Z)" % name, text, re.M | re.S)
    assert m, "libff.3 has no %s section" % name
    return m.group(1)


def test_libff_map_has_application_calls():
    calls = application_calls()
    assert "ff_socket" in calls and "ff_config_load" in calls
    assert not [n for n in calls if n.startswith(("ff_test_", "ff_ipc_"))]


@pytest.mark.parametrize("call", application_calls())
def test_libff3_documents_call(call):
    named = re.findall(r"^\.Nm (\w+)", page_section("NAME"), re.M)
    assert call in named, "libff.3 NAME lacks " + call
    synopsis = re.findall(
        r"^\.(?:Fn|Fo) (\w+)", page_section("SYNOPSIS"), re.M
    )
    assert call in synopsis, "libff.3 SYNOPSIS lacks " + call
    headings = re.findall(r"^\.Ss (.*)$", page_section("ERRORS"), re.M)
    own = [h for h in headings if call in re.split(r"[ ,]+", h)]
    if call in NO_ERRORS:
        assert not own
        assert "Fn %s" % call in page_section("RETURN VALUES")
    else:
        assert own, "libff.3 ERRORS has no entry for " + call


def test_libff3_synopsis_is_exported():
    exported = set(application_calls())
    synopsis = re.findall(
        r"^\.(?:Fn|Fo) (\w+)", page_section("SYNOPSIS"), re.M
    )
    assert synopsis and set(synopsis) <= exported
