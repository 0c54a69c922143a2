"""ff-exporter against a live primary: it runs inside the test's
namespace on 127.0.0.1 there, Linux pings the stack and knocks on a
closed TCP port, and a scrape over HTTP (curl in the namespace) gives
the numbers Linux's side expects and the same ones ff-sysctl, ff-traffic
and ff-ifconfig report for the same counters.

The exporter is stopped by PID; the stack by the fixture.
"""

import json
import re
import subprocess
import time

import pytest

from .conftest import STACK_ADDR, VENV_BIN

PORT = 9542
PINGS = 10

SAMPLE = re.compile(r"^(\w+)(?:\{(.*)\})? (\S+)$")


def parse(text):
    """{(metric, frozenset of labels): value} of an exposition, and
    {metric: type}."""
    values, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, line
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        values[(m.group(1), labels)] = float(m.group(3))
    return values, types


def metric(values, name, **labels):
    key = (name, frozenset(dict(proc="0", **labels).items()))
    assert key in values, "%s%s not scraped" % (name, labels)
    return values[key]


@pytest.fixture
def exporter(primary):
    """ff-exporter in the stack's namespace, listening on 127.0.0.1."""
    # Linux's IPv6 chatter on the tap would move the port counters.
    primary.nsexec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
    proc = subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            primary.ns,
            str(VENV_BIN / "ff-exporter"),
            "--prefix",
            primary.prefix,
            "--listen",
            "127.0.0.1:%d" % PORT,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()
        assert "serving http://127.0.0.1:%d/metrics" % PORT in line, (
            line + proc.stderr.read() if proc.poll() is not None else line
        )
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def scrape(primary):
    cp = primary.nsexec(
        "curl",
        "-sS",
        "--max-time",
        "10",
        "http://127.0.0.1:%d/metrics" % PORT,
        timeout=30,
    )
    return parse(cp.stdout)


def tool_json(primary, tool, *args):
    """A tool's --json records (a document, or one object a line);
    --json first, before a BSD grammar's words."""
    cp = primary.tool(tool, "--json", *args)
    assert cp.returncode == 0, cp.stderr
    try:
        doc = json.loads(cp.stdout)
    except json.JSONDecodeError:
        doc = [json.loads(line) for line in cp.stdout.splitlines()]
    return doc if isinstance(doc, list) else [doc]


def still(values):
    """The scrape without what always moves: the loop's time, its
    iterations, sleeps and stall gauges (kern.loop.*), and the message
    counters (kern.ipc.msg.*, moved by the tools themselves)."""
    return {
        k: v
        for k, v in values.items()
        if not k[0].startswith(("ff_cpu_seconds", "ff_loop_", "ff_ipc_msg_"))
    }


def test_scrape_equals_the_tools(primary, exporter):
    cp = primary.nsexec(
        "ping", "-n", "-q", "-c", str(PINGS), "-i", "0.05", STACK_ADDR,
        check=False, timeout=60,
    )  # fmt: skip
    assert " %d received" % PINGS in cp.stdout, cp.stdout
    primary.nsexec(
        "curl", "-s", "--max-time", "5", "http://%s:81/" % STACK_ADDR,
        check=False, timeout=30,
    )  # fmt: skip

    # The stack is quiet now, but an ARP refresh may still come: compare
    # the tools with a scrape only when the scrapes around them agree.
    for _ in range(5):
        before, types = scrape(primary)
        icmp = tool_json(primary, "ff-sysctl", "net.inet.icmp.stats")[0]
        ip = tool_json(primary, "ff-sysctl", "net.inet.ip.stats")[0]
        tcpx = tool_json(primary, "ff-sysctl", "net.inet.tcp.xstats")[0]
        socks = tool_json(primary, "ff-sysctl", "kern.ipc.numopensockets")[0]
        traffic = tool_json(primary, "ff-traffic", "-s")[0]
        ifp = tool_json(primary, "ff-ifconfig", "f-stack-0")[0]
        after, _ = scrape(primary)
        if still(before) == still(after):
            break
        time.sleep(0.5)
    else:
        pytest.fail("the counters never stood still over two scrapes")
    m = after

    # What Linux's ping saw: PINGS echo requests in, PINGS replies out.
    echo_in = metric(m, "ff_icmp_received_messages_total", type="8")
    echo_out = metric(m, "ff_icmp_sent_messages_total", type="0")
    assert echo_in == echo_out == PINGS
    assert types["ff_icmp_received_messages_total"] == "counter"

    # ff-sysctl's stats structs, field by field.
    assert echo_in == icmp["value"]["icps_inhist"][8]
    assert (
        metric(m, "ff_icmp_responses_total") == (icmp["value"]["icps_reflect"])
    )
    assert (
        metric(m, "ff_ip_received_packets_total") == (ip["value"]["ips_total"])
    )
    assert (
        metric(m, "ff_ip_delivered_packets_total")
        == (ip["value"]["ips_delivered"])
    )
    # curl's SYN to port 81 was answered with a RST: counted as noport.
    assert metric(m, "ff_tcp_noport_total") == tcpx["value"]["tcpx_noport"]
    assert tcpx["value"]["tcpx_noport"] >= 1
    assert metric(m, "ff_sockets_open") == socks["value"]
    assert types["ff_sockets_open"] == "gauge"

    # ff-traffic's port counters and ff-ifconfig's interface counters.
    for field, name in (
        ("rx_packets", "ff_port_received_packets_total"),
        ("tx_packets", "ff_port_sent_packets_total"),
        ("rx_bytes", "ff_port_received_bytes_total"),
        ("tx_bytes", "ff_port_sent_bytes_total"),
        ("rx_dropped", "ff_port_receive_drops_total"),
    ):
        assert metric(m, name) == traffic[field], field
    assert traffic["rx_packets"] >= PINGS + 1  # the pings and the SYN
    for field, name in (
        ("ipackets", "ff_interface_received_packets_total"),
        ("opackets", "ff_interface_sent_packets_total"),
        ("ibytes", "ff_interface_received_bytes_total"),
        ("ierrors", "ff_interface_receive_errors_total"),
    ):
        got = metric(m, name, interface="f-stack-0")
        assert got == ifp["counters"][field], field

    # TCP by state and the loop's time by mode are there too.
    assert metric(m, "ff_tcp_connections", state="ESTABLISHED") == 0
    assert metric(m, "ff_cpu_seconds_total", mode="idle") > 0
