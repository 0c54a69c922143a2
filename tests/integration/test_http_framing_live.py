"""HTTP/1.1 message framing of the two HTTP examples, end to end against
Linux.

examples/helloworld (a stack in a namespace, net_tap) against a Linux
client that sends requests byte by byte, pipelined, as HTTP/1.0, and with
the Connection field in any case: RFC 9112 9.3 says when a connection
persists ("close" in Connection ends it after the response; HTTP/1.0
closes unless asked to keep alive), 9.3.2 that pipelined requests are
answered in order; the pages are helloworld's documented 649 bytes (kept
alive) and 644 ("Connection: close").

examples/ff_bench (net_af_packet, one end of a veth pair) against a Linux
server in the other namespace that answers every request with a scripted
reply: replies cut anywhere across segments and field names in any case
(RFC 9110 5.1) are counted with no error; a head whose lines end in a
bare LF, or a Content-Length given twice with different values (RFC 9112
6.3: invalid framing, an unrecoverable error) is a read error, and the
run exits 1.  The same value twice is one valid value (RFC 9110 8.6).

Network safety: the namespaces are the tests' own; addresses are
198.18.0.0/15.
"""

import subprocess
import sys

import pytest

from fstools import testing

from .conftest import ROOT
from .ff_pair import SERVER_ADDR, Pair

STACK = "198.18.0.2"
PAGE, PAGE_CLOSE = 649, 644

# Requests to helloworld from Linux; prints what came back on one
# connection and whether the server closed it.
CLIENT = (
    r"""
import socket, sys, time
s = socket.create_connection(("%s", 80), timeout=5)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
mode = sys.argv[1]
head = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
if mode == "bytewise":
    for i in range(len(head)):
        s.send(head[i:i + 1])
        time.sleep(0.005)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
elif mode == "pipelined":
    s.sendall(head + b"GET / HTTP/1.1\r\nHost: x\r\nconnection: CLOSE\r\n\r\n"
              + head)
elif mode == "http10":
    s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
elif mode == "http10_keepalive":
    s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
    time.sleep(0.3)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nCONNECTION:close\r\n\r\n")
buf = b""
closed = False
s.settimeout(1.5)
try:
    while True:
        d = s.recv(65536)
        if not d:
            closed = True
            break
        buf += d
except socket.timeout:
    pass
print(len(buf), buf.count(b"HTTP/1.1 200 OK"),
      buf.count(b"Connection: close\r\n"), closed)
"""
    % STACK
)


@pytest.mark.parametrize(
    "mode, want",
    [
        # One request in 27 segments, then one that closes.
        ("bytewise", [PAGE + PAGE_CLOSE, 2, 1, True]),
        # The second of three asks to close: the third is not answered.
        ("pipelined", [PAGE + PAGE_CLOSE, 2, 1, True]),
        # HTTP/1.0 without keep-alive: one reply, then the end.
        ("http10", [PAGE_CLOSE, 1, 1, True]),
        # HTTP/1.0 asking to keep alive: the connection stays.
        ("http10_keepalive", [PAGE + PAGE_CLOSE, 2, 1, True]),
    ],
)
def test_helloworld_framing(make_primary, mode, want):
    prim = make_primary(program=ROOT / "examples" / "helloworld")
    cp = prim.nsexec(sys.executable, "-c", CLIENT, mode, check=False,
                     timeout=60)  # fmt: skip
    got = cp.stdout.split()
    assert got == [str(x) for x in want], (
        cp.stdout + cp.stderr + prim.log_text()
    )


# A Linux HTTP server that answers every request head with REPLY (its
# pieces, each sent alone, 2 ms apart: one segment each).
SERVER = r"""
import socket, sys, threading, time
pieces = [bytes.fromhex(x) for x in sys.argv[2].split(",")]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((sys.argv[1], 8080))
ls.listen(64)
print("ready", flush=True)
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        buf += d
        while b"\r\n\r\n" in buf:
            buf = buf.split(b"\r\n\r\n", 1)[1]
            for p in pieces:
                c.sendall(p)
                if len(pieces) > 1:
                    time.sleep(0.002)
    c.close()
while True:
    c, _ = ls.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""

BODY = b"hello, ff_bench"
GOOD = (
    b"HTTP/1.1 200 OK\r\nServer: linux\r\ncontent-LENGTH: \t%d \r\n"
    b"Content-Type: text/plain\r\n\r\n%s" % (len(BODY), BODY)
)


def _cut(reply, *at):
    return [reply[a:b] for a, b in zip((0,) + at, at + (len(reply),))]


def _ff_bench_against_linux(tmp, pieces):
    """ff_bench (net_af_packet) against SERVER in the peer namespace:
    (exit status, JSON result, stderr)."""
    p = Pair(tmp, driver="net_af_packet", idle_sleep=50)
    srv = None
    try:
        p._links_up()
        ns, dev = p.ns["server"], p.ifname["server"]
        testing.run(["ip", "-n", ns, "addr", "add", SERVER_ADDR + "/24"]
                    + ["dev", dev])  # fmt: skip
        # Linux leaves the checksum to the "hardware" on a veth: AF_PACKET
        # hands it to ff unfilled.  Have Linux fill it in.
        testing.run(["ip", "netns", "exec", ns, "ethtool", "-K", dev, "tx",
                     "off"])  # fmt: skip
        srv = subprocess.Popen(
            ["ip", "netns", "exec", ns, sys.executable, "-c", SERVER,
             SERVER_ADDR, ",".join(x.hex() for x in pieces)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert srv.stdout.readline().strip() == "ready"
        return p.bench("-n", "2", "-d", "1", "-w", "10", "--json",
                       SERVER_ADDR + ":8080")  # fmt: skip
    finally:
        testing.stop_process(srv)
        p.stop()


def test_ff_bench_reply_cut_anywhere(tmp_path):
    """Cut inside the status line, inside a field name, between CR and
    LF of the empty line, and inside the body: every reply counted,
    every byte of it, no error."""
    cr = GOOD.index(b"\r\n\r\n") + 1
    pieces = _cut(GOOD, 5, GOOD.index(b"LENGTH") + 3, cr, cr + 4)
    assert b"".join(pieces) == GOOD and len(pieces) == 5
    rc, res, err = _ff_bench_against_linux(tmp_path, pieces)
    assert rc == 0, (rc, res, err)
    assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
    assert res["requests"] > 0, res
    assert res["bytes"] == res["requests"] * len(GOOD), res


def test_ff_bench_same_length_twice_is_one(tmp_path):
    reply = GOOD.replace(b"\r\n\r\n", b"\r\nContent-Length: %d\r\n\r\n"
                         % len(BODY))  # fmt: skip
    rc, res, err = _ff_bench_against_linux(tmp_path, [reply])
    assert rc == 0, (rc, res, err)
    assert res["bytes"] == res["requests"] * len(reply), res


@pytest.mark.parametrize(
    "reply",
    [
        # Lines that end in a bare LF.
        GOOD.replace(b"\r\n", b"\n"),
        # Two Content-Length values that differ.
        GOOD.replace(b"\r\n\r\n", b"\r\nContent-Length: 3\r\n\r\n"),
        # A status other than 200.
        GOOD.replace(b"200 OK", b"204 No Content"),
    ],
    ids=["bare_lf", "two_lengths", "status_204"],
)
def test_ff_bench_bad_framing_is_a_read_error(tmp_path, reply):
    rc, res, err = _ff_bench_against_linux(tmp_path, [reply])
    assert rc == 1, (rc, res, err)
    assert "does not answer as asked" in err, err
    assert res["requests"] == 0 and res["errors"]["read"] == 1, res
