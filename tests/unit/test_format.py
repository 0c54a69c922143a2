"""Formatting as a habit: every C file of the tree as .clang-format says
(style(9), as near as clang-format gets), every Python file as ruff's
formatter and linter configured in pyproject.toml say.  A file that
drifts fails here with the command that fixes it."""

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
C_DIRS = ("libff", "examples", "tests")
PY_DIRS = ("fstools", "tests", "bench", "examples", "scripts")


def c_files():
    files = sorted(
        p
        for d in C_DIRS
        for p in (REPO / d).rglob("*")
        if p.suffix in (".c", ".h") and "build" not in p.parts
    )
    assert len(files) > 100, "the C sources were not found"
    return files


def ruff():
    exe = Path(sys.executable).parent / "ruff"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ruff"]


def test_c_files_are_clang_formatted():
    exe = shutil.which("clang-format")
    assert exe, "clang-format is missing: scripts/ff-setup deps installs it"
    files = [str(p) for p in c_files()]
    cp = subprocess.run(
        [exe, "--dry-run", "--Werror", *files],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    bad = sorted(
        {
            line.split(":")[0]
            for line in cp.stderr.splitlines()
            if ": error:" in line
        }
    )
    assert cp.returncode == 0, (
        "not formatted (fix: clang-format -i FILE): %s" % " ".join(bad)
    )


def test_python_files_are_ruff_formatted():
    cp = subprocess.run(
        ruff() + ["format", "--check", *PY_DIRS],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert cp.returncode == 0, "fix: ruff format\n" + cp.stdout + cp.stderr


def test_python_files_pass_ruff_check():
    cp = subprocess.run(
        ruff() + ["check", "--output-format", "concise", *PY_DIRS],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert cp.returncode == 0, cp.stdout + cp.stderr
