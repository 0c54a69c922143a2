"""fstools.launch: the prefix guess that starts the early attach, and that
a tool started through it still finds its module."""

import subprocess
import sys

import pytest

from fstools import launch


@pytest.mark.parametrize(
    "argv,prefix",
    [
        ([], None),
        (["-n", "1"], None),
        (["-P", "web"], "web"),
        (["--prefix", "web", "-n", "1"], "web"),
        (["--prefix=web"], "web"),
        (["-Pweb"], "web"),
        (["-n", "1", "-P"], None),  # missing value: click complains
    ],
)
def test_prefix_of(argv, prefix):
    assert launch.prefix_of(argv) == prefix


def test_help_does_not_attach():
    assert not launch.wants_stack(["--help"])
    assert launch.wants_stack(["-n", "1"])


def test_launcher_runs_the_named_tool_without_a_stack(tmp_path):
    # argv[0] names the tool; no stack runs under this prefix.
    code = (
        "import sys; sys.argv[0] = 'ff-top'; "
        "from fstools.launch import main; main()"
    )
    cp = subprocess.run(
        [sys.executable, "-c", code, "-n", "1", "--prefix", "ffnolaunch"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert cp.returncode == 1
    assert cp.stderr.startswith("ff-top: ") and "ffnolaunch" in cp.stderr
