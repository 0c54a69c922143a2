"""What the libraries export (nm -D): libff.so, the product, exactly the
symbols libff/libff.map lists (the application API, the config API, the
tools' client) and no test hook; libff_test.so the same plus the test
harness's ff_test_* hooks (libff/libff_test.map), which tests/ call."""

import re
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("nm") is None, reason="nm (binutils) missing"
)


def exported(path):
    """Functions and data a library defines in its dynamic symbol table
    (version nodes, type A, left out)."""
    r = subprocess.run(
        ["nm", "-D", "--defined-only", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] != "A":
            names.add(parts[2].split("@")[0])
    return names


def map_globals(path):
    """The names a version script lists under global: (comments out)."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    names = set()
    for block in re.findall(r"global:(.*?)(?:local:|\};)", text, re.S):
        names |= {n.strip() for n in block.split(";") if n.strip()}
    return names


def test_product_exports_no_test_hook(libff_path):
    hooks = sorted(n for n in exported(libff_path) if "ff_test_" in n)
    assert hooks == [], "libff.so exports test hooks: %s" % hooks


def test_product_exports_exactly_its_map(libff_path, repo_root):
    listed = map_globals(repo_root / "libff" / "libff.map")
    assert all("*" not in n for n in listed), "libff.map: name every symbol"
    assert exported(libff_path) == listed


def test_test_library_adds_the_hooks(libff_test_path, repo_root):
    listed = map_globals(repo_root / "libff" / "libff.map")
    got = exported(libff_test_path)
    hooks = {n for n in got if n.startswith("ff_test_")}
    assert got - hooks == listed, "libff_test.so: libff.map's API, no more"
    # The hooks the stack and config tests declare (tests/stack/ffstack.py,
    # tests/unit/test_config.py, tests/stack/test_sysctl.py) are there.
    for name in (
        "ff_test_create",
        "ff_test_inject",
        "ff_test_counter",
        "ff_test_config_dump",
        "ff_test_sysctl_new",
        "ff_test_msg",
        "ff_test_tcp_socket",
    ):
        assert name in hooks, name
