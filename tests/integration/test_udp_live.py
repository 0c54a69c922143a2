"""UDP through a live stack: examples/udp_echo answers Linux's datagrams
inside the test's namespace (round trips of several sizes, one fragmented)."""

import sys

from .conftest import ROOT

STACK = "198.18.0.2"

CLIENT = r"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
ok = 0
for size in [int(x) for x in sys.argv[1:]]:
    data = bytes((i * 7 + size) & 0xff for i in range(size))
    for attempt in range(5):
        s.sendto(data, ("%s", 7))
        try:
            got, src = s.recvfrom(65536)
        except socket.timeout:
            continue
        if got == data and src == ("%s", 7):
            ok += 1
        else:
            print("size", size, "got", len(got), src, file=sys.stderr)
        break
    else:
        print("size", size, "no answer", file=sys.stderr)
print(ok)
""" % (STACK, STACK)


def test_udp_echo_round_trips(make_primary):
    prim = make_primary(program=ROOT / "examples" / "udp_echo")
    sizes = ["1", "64", "512", "1472", "4000"]
    cp = prim.nsexec(
        sys.executable, "-c", CLIENT, *sizes, check=False, timeout=120
    )
    assert cp.stdout.strip() == str(len(sizes)), (
        cp.stdout + cp.stderr + prim.log_text()
    )
