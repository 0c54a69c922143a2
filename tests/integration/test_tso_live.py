"""[dpdk] tso=1 over net_tap, which offers TSO in software in DPDK 22.11
(the PMD cuts the super-segments with librte_gso): the port turns
IFCAP_TSO4 on, a bulk echo through examples/tcp_echo comes back intact,
and the frames ff handed the port average more than one Ethernet MTU,
so super-segments did reach it."""

import sys

from .conftest import ROOT, make_config
from .test_tcp_live import ECHO  # the checksummed echo client

IFCAP_TSO4 = 0x100  # FreeBSD net/if.h


def test_bulk_echo_with_tso(make_primary):
    # The default config as a template, with tso=1 in [dpdk].
    template = make_config("{tap}", "{prefix}", "{mac}").replace(
        "[dpdk]\n", "[dpdk]\ntso=1\n"
    )
    prim = make_primary(
        program=ROOT / "examples" / "tcp_echo", config=template
    )
    (port,) = prim.stack.interfaces("f-stack-0")
    assert port.capenable & IFCAP_TSO4, port
    before = prim.stack.traffic()
    size = 20 * 1024 * 1024
    cp = prim.nsexec(
        sys.executable, "-c", ECHO, str(size), check=False, timeout=300
    )
    assert cp.stdout.split() == [str(size), "True"], (
        cp.stdout + cp.stderr + prim.log_text()
    )
    after = prim.stack.traffic()
    frames = after.tx_packets - before.tx_packets
    nbytes = after.tx_bytes - before.tx_bytes
    print(
        "tso over net_tap: %d bytes in %d frames handed to the port, "
        "%.0f bytes each" % (nbytes, frames, nbytes / frames)
    )
    assert nbytes >= size
    assert nbytes / frames > 1514, (frames, nbytes)
