"""[port0] csum_trust=1 on live stacks over memif (tests/integration/
ff_pair.py).  With it on both ends, ff_bench echoes random bytes through
examples/tcp_echo and gets them back with the same SHA-256, and the
server counted no bad checksum (TCP, IP, UDP); its interface says
RXCSUM and TXCSUM.  With it on ff_bench's end only, what that end sends
carries no real TCP checksum: the server, which verifies, drops every
segment as a bad checksum (tcps_rcvbadsum moves) and ff_bench never
connects, which shows from the other end that the sums are left out."""

from fstools import testing
from fstools.views import counters

from .conftest import ROOT
from .ff_pair import SERVER_ADDR

TCP_ECHO = ROOT / "examples" / "tcp_echo"
SIZE = 8 * 1024 * 1024
BAD = ("tcpstat.tcps_rcvbadsum", "ipstat.ips_badsum", "udpstat.udps_badsum")
IFCAP_RXCSUM, IFCAP_TXCSUM = 0x1, 0x2  # FreeBSD net/if.h


def server_state(p):
    """The server's bad-checksum counters and f-stack-0's capenable."""
    remote = testing.RemoteStack(p.prefix["server"])
    try:
        flat, _ = counters.flatten(remote.snapshot())
        cap = remote.interface("f-stack-0").capenable
    finally:
        remote.close()
    return {k: flat[k] for k in BAD}, cap


def test_both_ends_trust_echo_matches(make_pair, tmp_path):
    p = make_pair(TCP_ECHO, csum_trust=("server", "client"))
    p.echo_file(tmp_path, SIZE)
    bad, cap = server_state(p)
    assert bad == {k: 0 for k in BAD}
    assert cap & IFCAP_RXCSUM and cap & IFCAP_TXCSUM


def test_one_end_trusts_the_other_drops_its_segments(make_pair):
    p = make_pair(TCP_ECHO, csum_trust=("client",))
    before, cap = server_state(p)
    assert cap & (IFCAP_RXCSUM | IFCAP_TXCSUM) == 0
    rc, res, err = p.bench(
        "-m", "send", "-n", "1", "-d", "2", "--json", SERVER_ADDR + ":7",
        timeout=120,
    )  # fmt: skip
    after, _ = server_state(p)
    assert rc != 0 or res["errors"]["connect"] > 0, (rc, res, err)
    assert after["tcpstat.tcps_rcvbadsum"] > before["tcpstat.tcps_rcvbadsum"]
