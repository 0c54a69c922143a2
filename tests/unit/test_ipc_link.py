"""libffipc.so, the tools' client, links DPDK's EAL statically, and its
link wraps the EAL's calls into the service library (rte_service_init(),
rte_service_start_with_defaults(), rte_service_finalize()) into
libff/src/dpdk/ff_eal_noservice.c: a tool runs no service, and the real
rte_service_init() of a secondary allocates its tables from the primary's
shared heap, where a SIGKILLed tool left them for good.

Checked on the library itself (nm, its full symbol table): the service
library is not in it at all, so no path of the EAL can reach it, and the
wraps are."""

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("nm") is None, reason="nm (binutils) missing"
)

WRAPS = {
    "__wrap_rte_service_init",
    "__wrap_rte_service_start_with_defaults",
    "__wrap_rte_service_finalize",
}


def defined(path):
    """Every function and object the library defines, local ones too."""
    r = subprocess.run(
        ["nm", "--defined-only", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        parts[2]
        for parts in (line.split() for line in r.stdout.splitlines())
        if len(parts) == 3
    }


@pytest.fixture
def ipc_symbols(repo_root):
    path = repo_root / "libff" / "libffipc.so"
    if not path.exists():
        pytest.fail("libff/libffipc.so missing: run make first")
    names = defined(path)
    if not names:
        pytest.skip("libffipc.so is stripped")
    return names


def test_the_eal_is_linked_in(ipc_symbols):
    # Else the next test would hold for a client with no EAL at all.
    assert {"rte_eal_init", "rte_memzone_lookup"} <= ipc_symbols


def test_no_service_library_in_the_tools_client(ipc_symbols):
    service = sorted(n for n in ipc_symbols if n.startswith("rte_service_"))
    assert service == []
    assert WRAPS <= ipc_symbols
