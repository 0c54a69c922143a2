"""The stats lists' static check (libff/src/kern/kern_sysctl_stats.h) and
the sysctl tables' type check (kern_sysctl.h) hold: a struct that is its
list compiles, one with a field beside the list or a padding hole does
not, and a SYSCTL_INT on a field that is not an int does not either."""

import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent.parent / "libff" / "src"

LIST = """
#include <stddef.h>
#include "kern/kern_sysctl_stats.h"
#include "kern/kern_sysctl.h"
#define FOO_LIST(X, A) X(foo_a) A(foo_h, 3) X(foo_b)
"""

CASES = {
    "exact": (
        "struct foo { FOO_LIST(STATS_X, STATS_A) };"
        "STATS_CHECK(foo, FOO_LIST);",
        True,
    ),
    "field beside the list": (
        "struct foo { FOO_LIST(STATS_X, STATS_A) uint64_t extra; };"
        "STATS_CHECK(foo, FOO_LIST);",
        False,
    ),
    "padding hole": (
        "struct foo { uint32_t x; FOO_LIST(STATS_X, STATS_A) };"
        "STATS_CHECK(foo, FOO_LIST);",
        False,
    ),
    "int entry on an int": (
        "struct s { int i; long l; };"
        'const struct sysctl_entry t[] = { SYSCTL_INT("a", CTLFLAG_RW,'
        ' struct s, i, 0, 1, "d") };',
        True,
    ),
    "int entry on a long": (
        "struct s { int i; long l; };"
        'const struct sysctl_entry t[] = { SYSCTL_INT("a", CTLFLAG_RW,'
        ' struct s, l, 0, 1, "d") };',
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_static_checks(tmp_path, case):
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    body, compiles = CASES[case]
    src = tmp_path / "t.c"
    src.write_text(LIST + body + "\n")
    r = subprocess.run(
        [
            cc,
            "-std=gnu11",
            "-iquote",
            str(SRC),
            "-c",
            str(src),
            "-o",
            str(tmp_path / "t.o"),
        ],
        capture_output=True,
        text=True,
    )
    assert (r.returncode == 0) == compiles, r.stderr
