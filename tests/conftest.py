"""Fixtures shared by every test directory.  Append new fixtures; keep each
one small and documented."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """fstools' pytest plugin (ff_stack) comes through its pytest11 entry
    point; load it by hand in a virtualenv installed before it had one."""
    if not config.pluginmanager.has_plugin("fstools"):
        config.pluginmanager.import_plugin("fstools.testing")


@pytest.fixture(scope="session")
def repo_root():
    """The source tree's root (the directory holding pyproject.toml)."""
    return REPO


@pytest.fixture(scope="session")
def libff_path():
    """Path of a built libff.so: $FF_LIBFF, else `make libff/libff.so`.

    Skips when the library cannot be built; under CI (``$CI`` set) that is
    a failure instead, so the tests that need it always run there.
    """
    env = os.environ.get("FF_LIBFF")
    if env:
        return Path(env)
    lib = REPO / "libff" / "libff.so"
    try:
        r = subprocess.run(["make", "-C", str(REPO), "libff/libff.so"],
                           capture_output=True, text=True, timeout=600)
        ok, why = r.returncode == 0, (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        ok, why = False, str(e)
    if ok and lib.exists():
        return lib
    tail = "\n".join(why.splitlines()[-5:])
    if os.environ.get("CI"):
        pytest.fail("libff.so cannot be built:\n" + tail)
    pytest.skip("libff.so cannot be built (make libff/libff.so failed):\n"
                + tail)
