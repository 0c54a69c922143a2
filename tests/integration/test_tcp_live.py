"""TCP through a live stack against Linux inside the test's namespace:
examples/helloworld (kqueue) and helloworld_epoll answer curl with the
649-byte page, keep-alive and Connection: close, and wrk -t1 -c100 -d5s
both ways with zero errors; examples/tcp_echo moves 100 MB both ways with
matching checksums."""

import shutil
import sys

import pytest

from .conftest import ROOT

STACK = "198.18.0.2"

KEEPALIVE = (
    r"""
import socket, sys
s = socket.create_connection(("%s", 80), timeout=5)
req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
n = int(sys.argv[1])
s.sendall(req * n)                      # pipelined
buf = b""
while buf.count(b"HTTP/1.1 200 OK") < n or len(buf) < 649 * n:
    d = s.recv(65536)
    if not d:
        break
    buf += d
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
rest = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    rest += d
print(len(buf), len(rest))
"""
    % STACK
)


@pytest.mark.parametrize("program", ["helloworld", "helloworld_epoll"])
def test_helloworld_curl(make_primary, program):
    if not (ROOT / "examples" / program).exists():
        pytest.skip("examples/%s not built" % program)
    prim = make_primary(program=ROOT / "examples" / program)
    if shutil.which("curl"):
        cp = prim.nsexec(
            "curl",
            "-s",
            "-i",
            "--max-time",
            "10",
            "http://%s/" % STACK,
            check=False,
            timeout=30,
        )
        assert cp.returncode == 0, cp.stderr + prim.log_text()
        assert cp.stdout.startswith("HTTP/1.1 200 OK"), cp.stdout
        # Text mode turned each CRLF into a newline.
        assert len(cp.stdout.encode()) + cp.stdout.count("\n") == 649
    cp = prim.nsexec(
        sys.executable, "-c", KEEPALIVE, "20", check=False, timeout=60
    )
    assert cp.stdout.split() == [str(649 * 20), "644"], (
        cp.stdout + cp.stderr + prim.log_text()
    )


ECHO = (
    r"""
import hashlib, socket, sys, threading
size = int(sys.argv[1])
s = socket.create_connection(("%s", 7), timeout=20)
data = bytes((i * 131 + 7) & 0xff for i in range(65536))
sent = hashlib.sha256()
got = hashlib.sha256()
n_got = 0
def reader():
    global n_got
    while n_got < size:
        d = s.recv(1 << 20)
        if not d:
            break
        got.update(d)
        n_got += len(d)
t = threading.Thread(target=reader)
t.start()
left = size
while left > 0:
    chunk = data[:min(left, len(data))]
    s.sendall(chunk)
    sent.update(chunk)
    left -= len(chunk)
t.join()
s.close()
print(n_got, sent.hexdigest() == got.hexdigest())
"""
    % STACK
)


def test_tcp_echo_transfer(make_primary):
    prim = make_primary(program=ROOT / "examples" / "tcp_echo")
    size = 100 * 1024 * 1024
    cp = prim.nsexec(
        sys.executable, "-c", ECHO, str(size), check=False, timeout=300
    )
    assert cp.stdout.split() == [str(size), "True"], (
        cp.stdout + cp.stderr + prim.log_text()
    )


def _wrk(prim, *extra):
    cp = prim.nsexec(
        "wrk",
        "-t1",
        "-c100",
        "-d5s",
        *extra,
        "http://%s/" % STACK,
        check=False,
        timeout=60,
    )
    out = cp.stdout + cp.stderr
    assert cp.returncode == 0, out + prim.log_text()
    assert "Socket errors" not in out, out
    assert "Non-2xx" not in out, out
    reqs = int(out.split(" requests in ")[0].split()[-1])
    assert reqs > 0, out
    return reqs


@pytest.mark.skipif(shutil.which("wrk") is None, reason="no wrk")
@pytest.mark.parametrize("program", ["helloworld", "helloworld_epoll"])
def test_helloworld_wrk_keepalive_and_close(make_primary, program):
    prim = make_primary(program=ROOT / "examples" / program)
    _wrk(prim)
    _wrk(prim, "-H", "Connection: close")
