"""ipfw NAT as a layer-4 load balancer, live: a virtual IP on the stack
(its own 198.18.0.2, port 80) spread over two Linux web servers that
answer with their own name, and 1,000 HTTP requests from a Linux client
in another namespace, none failing, each backend serving about half.

ipfw(8) / libalias(3): `redirect_port tcp A:p,B:p 80' gives each new
flow to the next backend in turn (LSNAT, RFC 2391) and the backends'
replies leave with the virtual address and port again.

The network (198.18.0.0/15 only), the stack's namespace NS as a Linux
router between three links:

    client ns  198.18.2.10 --- 198.18.2.1   NS   198.18.0.1 --tap-- stack 198.18.0.2
    backend ns 198.19.1.10/.11 --- 198.19.1.1  NS

The stack reaches the backends through its default gateway 198.18.0.1
and forwards (net.inet.ip.forwarding=1).  NS sends what comes from the
backends back to the stack (a policy route: iif the backends' veth,
default via 198.18.0.2), so a reply never skips the load balancer:
without the stack's rewrite the client would see 198.19.1.10:8080
answer its SYN to 198.18.0.2:80 and reset it.

The servers (python's http.server, HTTP/1.0: one connection per request)
live at most SERVER_LIFE_S and are stopped by PID; the namespaces are
deleted afterwards.
"""

import json
import subprocess
import sys
import time

import pytest

from fstools import testing

from .conftest import run

VIP = "198.18.0.2"
BACKENDS = {"198.19.1.10": "alpha", "198.19.1.11": "beta"}
CLIENT = "198.18.2.10"
REQUESTS = 1000
SERVER_LIFE_S = 240

SERVER = r"""
import http.server, sys, threading
name, addr = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer((addr, 8080), H)
threading.Timer(float(sys.argv[3]), srv.shutdown).start()
srv.serve_forever()
"""

CLIENT_LOOP = r"""
import collections, http.client, json, sys
seen, errors = collections.Counter(), []
for i in range(int(sys.argv[2])):
    try:
        c = http.client.HTTPConnection(sys.argv[1], 80, timeout=5)
        c.request("GET", "/")
        r = c.getresponse()
        body = r.read().decode()
        c.close()
        if r.status == 200:
            seen[body] += 1
        else:
            errors.append("status %d" % r.status)
    except OSError as e:
        errors.append(repr(e))
print(json.dumps({"seen": seen, "errors": errors[:10], "failed": len(errors)}))
"""


def ns_run(ns, *cmd, timeout=30):
    return run(["ip", "netns", "exec", ns, *cmd], timeout=timeout)


class Topology:
    """The client and backend namespaces, their links, the servers."""

    def __init__(self, h):
        self.h = h
        self.cns, self.bns = h.ns + "-c", h.ns + "-b"
        self.servers = []

    def link(self, ns, here, there, addr_here, addrs_there):
        h = self.h
        run(
            ["ip", "-n", h.ns, "link", "add", here, "type", "veth"]
            + ["peer", "name", there, "netns", ns]
        )
        run(["ip", "-n", h.ns, "addr", "add", addr_here + "/24", "dev", here])
        run(["ip", "-n", h.ns, "link", "set", here, "up"])
        for dev_ns, dev in ((h.ns, here), (ns, there)):
            # Complete checksums on the wire (no partial sums to forward).
            ns_run(dev_ns, "ethtool", "-K", dev, "tx", "off", "tso", "off")
        for a in addrs_there:
            run(["ip", "-n", ns, "addr", "add", a + "/24", "dev", there])
        run(["ip", "-n", ns, "link", "set", there, "up"])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        run(
            ["ip", "-n", ns, "route", "add", "default", "via", addr_here]
            + ["dev", there]
        )

    def start(self):
        h = self.h
        run(["ip", "netns", "add", self.cns])
        run(["ip", "netns", "add", self.bns])
        for k in ("ip_forward=1", "conf.all.rp_filter=0"):
            ns_run(h.ns, "sysctl", "-qw", "net.ipv4." + k)
        ns_run(h.ns, "sysctl", "-qw", "net.ipv4.conf.default.rp_filter=0")
        self.link(self.cns, "vc0", "vc1", "198.18.2.1", [CLIENT])
        self.link(self.bns, "vb0", "vb1", "198.19.1.1", list(BACKENDS))
        for dev in ("vc0", "vb0", h.tap):
            ns_run(h.ns, "sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=0" % dev)
        # The backends' replies go back through the stack.
        run(["ip", "-n", h.ns, "rule", "add", "iif", "vb0", "lookup", "100"])
        run(
            ["ip", "-n", h.ns, "route", "add", "default", "via", VIP]
            + ["dev", h.tap, "table", "100"]
        )
        for addr, name in BACKENDS.items():
            self.servers.append(
                subprocess.Popen(
                    ["ip", "netns", "exec", self.bns, sys.executable, "-c"]
                    + [SERVER, name, addr, str(SERVER_LIFE_S)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        for addr in BACKENDS:
            self.wait_server(addr)

    def wait_server(self, addr):
        probe = "import socket; socket.create_connection((%r, 8080), 1)" % addr
        for _ in range(100):
            cp = run(
                ["ip", "netns", "exec", self.bns, sys.executable, "-c", probe],
                check=False,
                timeout=10,
            )
            if cp.returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("backend %s does not listen" % addr)

    def stop(self):
        for p in self.servers:
            testing.stop_process(p, timeout=10)
        run(["ip", "netns", "del", self.cns], check=False)
        run(["ip", "netns", "del", self.bns], check=False)


@pytest.fixture
def lb(make_primary):
    h = make_primary(
        extra_config="\n[freebsd.sysctl]\nnet.inet.ip.forwarding=1\n"
    )
    topo = Topology(h)
    try:
        topo.start()
        yield h, topo
    finally:
        topo.stop()


def ipfw(h, *args):
    cp = h.tool("ff-ipfw", *args)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    return cp.stdout


def test_load_balancer_1000_requests_over_two_backends(lb):
    h, topo = lb
    backends = ",".join("%s:8080" % a for a in BACKENDS)
    ipfw(
        h,
        *(
            "nat 1 config ip %s redirect_port tcp %s 80" % (VIP, backends)
        ).split(),
    )
    ipfw(h, *("add 100 nat 1 tcp from any to %s 80 in" % VIP).split())
    ipfw(h, *"add 200 nat 1 tcp from 198.19.1.0/24 8080 to any out".split())
    assert ipfw(h, "nat", "1", "show", "config") == (
        "ipfw nat 1 config ip %s redirect_port tcp %s 80\n" % (VIP, backends)
    )
    cp = run(
        ["ip", "netns", "exec", topo.cns, sys.executable, "-c"]
        + [CLIENT_LOOP, VIP, str(REQUESTS)],
        timeout=600,
    )
    res = json.loads(cp.stdout)
    print("client:", res)
    assert res["failed"] == 0, res["errors"]
    seen = res["seen"]
    assert sum(seen.values()) == REQUESTS
    assert set(seen) == set(BACKENDS.values())
    # In turn: half each, give or take flows that met a state again.
    assert min(seen.values()) >= REQUESTS * 4 // 10, seen
    log = ipfw(h, "nat", "1", "show", "log")
    print(log)
    assert log.startswith("nat 1: icmp=0, udp=0, tcp=")
    (inst,) = json.loads(ipfw(h, "--json", "nat", "1", "show", "log"))
    (redir,) = inst["redirects"]
    flows = {b["addr"]: b["flows"] for b in redir["backends"]}
    # Each request opened a connection the stack gave to a backend in
    # turn; the backend that answered is the one it chose.  (A client
    # port reused while its state lived would meet that state again:
    # one request more than flows for that backend.)
    assert sum(flows.values()) == inst["new"]
    for addr, name in BACKENDS.items():
        assert 0 <= seen[name] - flows[addr] <= REQUESTS - inst["new"], (
            flows,
            seen,
        )
    assert inst["full"] == 0 and inst["in"] > 0 and inst["out"] > 0
