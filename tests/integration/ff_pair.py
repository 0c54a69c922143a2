"""Two ff stacks joined with no kernel stack in the path, for tests and bench/.

A server (examples/helloworld, udp_echo, ...) and examples/ff_bench run as
two DPDK primaries, each with its own config.ini and file prefix:

  net_memif      the server is the memif master, ff_bench the slave; the
                 socket lives in a temporary directory; no kernel network
                 device at all.
  net_af_xdp     each stack on one end of a veth pair, in namespaces made
  net_af_packet  here (AF_XDP sockets, or AF_PACKET where AF_XDP is not
                 available); the kernel only moves frames across the veth.

The server takes the highest CPU, ff_bench the lowest; both sleep when idle
(idle_sleep) unless told otherwise: two busy pollers would fight over a
2-core machine.  Everything is stopped by PID; namespaces and both
stacks' DPDK runtime files are removed (fstools.testing's helpers).

With mtu=N both stacks get [port0] mtu=N (and a veth pair that MTU).
With csum_trust=("server", "client") (or one of them) those stacks get
[port0] csum_trust=1: TCP/UDP sums left out and not verified (memif).

Network safety: memif never leaves the process pair; the veth pair lives
between two namespaces made here; addresses are 198.18.0.0/15.
"""

import hashlib
import json
import os
import subprocess
import time
from pathlib import Path

from fstools import testing

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "examples" / "ff_bench"
SERVER_ADDR = "198.18.0.1"
CLIENT_ADDR = "198.18.0.2"

CONFIG = """[dpdk]
lcore_list={cpu}
file_prefix={prefix}
log_level=warning
port_list=0
nb_vdev=1
promiscuous=1
numa_on=0
idle_sleep={idle_sleep}
{tx}

[vdev0]
driver={driver}
{link}

[port0]
addr={addr}
netmask=255.255.255.0
broadcast=198.18.0.255
gateway={gateway}
{port}
[freebsd.boot]
hz=1000
"""


def _cpus():
    mine = sorted(os.sched_getaffinity(0))
    return mine[-1], mine[0]


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class Pair:
    """A server stack and ff_bench's stack over one link driver."""

    def __init__(
        self,
        tmp,
        driver="net_memif",
        idle_sleep=20,
        profile=None,
        args="",
        zero_copy=False,
        mtu=None,
        csum_trust=(),
    ):
        self.tmp = Path(tmp)
        self.driver = driver
        # memif zero copy ([vdev0] zero_copy=1): ff_bench's side, the client
        self.zero_copy = zero_copy
        # [port0] mtu of both stacks (a veth's too), None: the default
        self.mtu = mtu
        self.csum_trust = tuple(csum_trust)  # roles with [port0] csum_trust
        self.args = args  # more devargs of a veth driver ("busy_budget=0")
        # One value for both stacks, or {"server": us, "client": us}.
        self.idle_sleep = (
            idle_sleep
            if isinstance(idle_sleep, dict)
            else {"server": idle_sleep, "client": idle_sleep}
        )
        # A [dpdk] profile sets pkt_tx_delay itself; without one, 0.
        self.tx = "profile=%s" % profile if profile else "pkt_tx_delay=0"
        tag = "%d%d" % (os.getpid() % 10000, int(time.time() * 1000) % 1000)
        self.ns = {"server": None, "client": None}
        if driver != "net_memif":
            self.ns = {"server": "ffps" + tag, "client": "ffpc" + tag}
        self.ifname = {"server": "ffpv0" + tag, "client": "ffpv1" + tag}
        self.proc = None
        self.log = self.tmp / "server.log"
        self.prefix = {
            r: "ffp%s%s" % (r[0], tag) for r in ("server", "client")
        }
        srv_cpu, cli_cpu = _cpus()
        self.config = {
            "server": self._config("server", srv_cpu),
            "client": self._config("client", cli_cpu),
        }

    def _config(self, role, cpu):
        if self.driver == "net_memif":
            link = "path=%s\nmac=02:18:00:0e:00:%02x\nargs=role=%s" % (
                self.tmp / "memif.sock",
                1 if role == "server" else 2,
                role,
            )
            if self.zero_copy and role == "client":
                link += "\nzero_copy=1"
        else:
            link = "iface=%s" % self.ifname[role]
            if self.args:
                link += "\nargs=%s" % self.args
        path = self.tmp / ("%s.ini" % role)
        path.write_text(
            CONFIG.format(
                cpu=cpu,
                prefix=self.prefix[role],
                idle_sleep=self.idle_sleep[role],
                tx=self.tx,
                driver=self.driver,
                link=link,
                addr=SERVER_ADDR if role == "server" else CLIENT_ADDR,
                gateway=CLIENT_ADDR if role == "server" else SERVER_ADDR,
                port=("mtu=%d\n" % self.mtu if self.mtu else "")
                + ("csum_trust=1\n" if role in self.csum_trust else ""),
            )
        )
        return path

    def _nsexec(self, role):
        ns = self.ns[role]
        return ["ip", "netns", "exec", ns] if ns else []

    def _links_up(self):
        srv, cli = self.ns["server"], self.ns["client"]
        for ns in (srv, cli):
            testing.run(["ip", "netns", "add", ns])
            testing.run(["ip", "-n", ns, "link", "set", "lo", "up"])
        testing.run(
            ["ip", "link", "add", self.ifname["server"], "netns", srv]
            + ["type", "veth", "peer", "name", self.ifname["client"]]
            + ["netns", cli]
        )
        for role in ("server", "client"):
            mtu = ["mtu", str(self.mtu)] if self.mtu else []
            testing.run(
                ["ip", "-n", self.ns[role], "link", "set"]
                + [self.ifname[role], "up"]
                + mtu
            )

    def start(self, program, env=None, timeout=30):
        """Start the server; returns once it says it serves."""
        if self.driver != "net_memif":
            self._links_up()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                self._nsexec("server")
                + [str(program), "-c", str(self.config["server"])],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(os.environ, **(env or {})),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ", pid %d" % self.proc.pid in self.log_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(
            "%s did not start over %s: %s"
            % (program, self.driver, self.log_text())
        )

    def bench(self, *args, timeout=60):
        """ff_bench ARGS against the server: (exit status, stdout, stderr),
        stdout's JSON object in place of the text when --json is given."""
        cp = subprocess.run(
            self._nsexec("client")
            + [str(BENCH), "-c", str(self.config["client"]), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        out = cp.stdout
        if "--json" in args:
            lines = [x for x in out.splitlines() if x.startswith("{")]
            out = json.loads(lines[-1]) if lines else None
        return cp.returncode, out, cp.stderr

    def echo_file(self, tmp_path, size, port=7):
        """ff_bench -m echo of size random bytes through the server (an
        echo): checks no error, the byte count and the SHA-256 of what
        came back; ff_bench's JSON record."""
        src, out = tmp_path / "in.bin", tmp_path / "out.bin"
        src.write_bytes(os.urandom(size))
        rc, res, err = self.bench(
            "-m", "echo", "-f", str(src), "-o", str(out), "-d", "60",
            "--json", "%s:%d" % (SERVER_ADDR, port), timeout=120,
        )  # fmt: skip
        assert rc == 0, (rc, res, err, self.log_text())
        assert res["errors"] == {"connect": 0, "read": 0, "write": 0}, res
        assert res["bytes_total"] == size, res
        assert out.stat().st_size == size
        assert _sha256(out) == _sha256(src)
        return res

    def stop(self):
        testing.stop_process(self.proc)
        for ns in self.ns.values():
            if ns:
                testing.run(["ip", "netns", "del", ns], check=False)
        for prefix in self.prefix.values():
            testing.remove_runtime(prefix)

    def log_text(self):
        """The server's output so far."""
        return self.log.read_text(errors="replace")
