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


def _built(env, target):
    """$env if set, else REPO/target made with make; skips (fails under
    CI, ``$CI`` set, so the tests that need it always run there) when it
    cannot be built."""
    if os.environ.get(env):
        return Path(os.environ[env])
    lib = REPO / target
    try:
        r = subprocess.run(
            ["make", "-C", str(REPO), target],
            capture_output=True,
            text=True,
            timeout=600,
        )
        ok, why = r.returncode == 0, (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        ok, why = False, str(e)
    if ok and lib.exists():
        return lib
    tail = "\n".join(why.splitlines()[-5:])
    if os.environ.get("CI"):
        pytest.fail("%s cannot be built:\n%s" % (lib.name, tail))
    pytest.skip(
        "%s cannot be built (make %s failed):\n%s" % (lib.name, target, tail)
    )


@pytest.fixture(scope="session")
def libff_path():
    """Path of a built libff.so (the product: application API, config and
    the tools' client): $FF_LIBFF, else `make libff/libff.so`."""
    return _built("FF_LIBFF", "libff/libff.so")


@pytest.fixture(scope="session")
def libff_test_path():
    """Path of a built libff_test.so (libff.so's API plus the test
    harness's ff_test_* hooks): $FF_TEST_LIBFF, else
    `make libff/libff_test.so`."""
    return _built("FF_TEST_LIBFF", "libff/libff_test.so")
