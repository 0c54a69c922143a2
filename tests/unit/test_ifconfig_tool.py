"""ff-ifconfig: the word grammar and FreeBSD ifconfig(8)'s output, from
stack.Interface records; --json keys pinned.
End to end against the real handler: tests/stack/test_net_tools.py."""

from dataclasses import replace

import click
import pytest

from fstools import ifconfig, netcmd, stack
from fstools.views import iface as iface_view
from fstools._ffi import IF_COUNTER_NAMES
from fstools.ifconfig import Change, parse_change

ETH = stack.Interface(
    proc_id=0,
    index=2,
    type=6,
    link_state=2,
    flags=0x8843,
    mtu=1500,
    metric=0,
    capenable=3,
    name="f-stack-0",
    lladdr="02:18:00:00:00:02",
    counters=dict(
        zip(IF_COUNTER_NAMES, [10, 0, 9, 0, 0, 1200, 900, 2, 1, 0, 0, 0])
    ),
    addrs=(stack.Address("198.18.0.2", "255.255.255.0", "198.18.0.255"),),
)
LO = stack.Interface(
    proc_id=0,
    index=1,
    type=0x18,
    link_state=2,
    flags=0x8049,
    mtu=16384,
    metric=0,
    capenable=0x80003,
    name="lo0",
    lladdr="00:00:00:00:00:00",
    counters=dict.fromkeys(IF_COUNTER_NAMES, 0),
    addrs=(stack.Address("127.0.0.1", "255.0.0.0", None),),
)

# FreeBSD's format (../shared/reference/fstack-tool-outputs.md), with
# two-digit MAC bytes as FreeBSD prints them.
GOLDEN_ETH = """\
f-stack-0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500
\toptions=3<RXCSUM,TXCSUM>
\tether 02:18:00:00:00:02
\tinet 198.18.0.2 netmask 0xffffff00 broadcast 198.18.0.255
\tmedia: Ethernet autoselect
\tstatus: active"""
GOLDEN_LO = """\
lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> metric 0 mtu 16384
\toptions=80003<RXCSUM,TXCSUM,LINKSTATE>
\tinet 127.0.0.1 netmask 0xff000000
\tgroups: lo"""


def test_render_golden():
    assert "\n".join(iface_view.render(ETH)) == GOLDEN_ETH
    assert "\n".join(iface_view.render(LO)) == GOLDEN_LO


def test_render_verbose_counters():
    lines = iface_view.render(ETH, verbose=True)
    assert lines[-2:] == [
        "\tinput: packets 10 bytes 1200 errors 0 drops 0 multicast 2 "
        "noproto 0",
        "\toutput: packets 9 bytes 900 errors 0 drops 0 multicast 1 "
        "collisions 0",
    ]


def test_render_down_promisc_no_carrier():
    rec = replace(ETH, flags=0x8942, link_state=1, capenable=0)
    lines = iface_view.render(rec)
    assert lines[0].startswith(
        "f-stack-0: flags=8942<BROADCAST,RUNNING,PROMISC,SIMPLEX,MULTICAST>"
    )
    assert lines[-1] == "\tstatus: no carrier"
    assert not any("options" in l for l in lines)


def test_json_keys_pinned():
    rec = iface_view.json_record(ETH)
    assert tuple(rec) == iface_view.JSON_KEYS
    assert tuple(rec["inet"][0]) == iface_view.INET_KEYS
    assert tuple(rec["counters"]) == IF_COUNTER_NAMES
    assert rec["ether"] == "02:18:00:00:00:02"
    assert rec["flag_names"] == [
        "UP",
        "BROADCAST",
        "RUNNING",
        "SIMPLEX",
        "MULTICAST",
    ]
    assert iface_view.json_record(LO)["ether"] is None


@pytest.mark.parametrize(
    "words,change",
    [
        (
            ["inet", "198.18.1.2/24", "alias"],
            Change(addr=0xC6120102, plen=24, alias="add"),
        ),
        (["198.18.1.2", "-alias"], Change(addr=0xC6120102, alias="delete")),
        (["198.18.1.2", "delete"], Change(addr=0xC6120102, alias="delete")),
        (
            [
                "198.18.1.2",
                "netmask",
                "0xffff0000",
                "broadcast",
                "198.18.255.255",
            ],
            Change(addr=0xC6120102, mask=0xFFFF0000, broadcast=0xC612FFFF),
        ),
        (
            ["198.18.1.2", "netmask", "255.255.255.0"],
            Change(addr=0xC6120102, mask=0xFFFFFF00),
        ),
        (["mtu", "1400"], Change(mtu=1400)),
        (["up", "promisc"], Change(up=True, promisc=True)),
        (["down", "-promisc"], Change(up=False, promisc=False)),
        ([], Change()),
        # ifconfig(8): "txcsum", "-txcsum", ...; the last word for one wins
        (["-txcsum"], Change(caps_on=(), caps_off=("txcsum",))),
        (
            ["rxcsum", "-txcsum", "mtu", "1400"],
            Change(mtu=1400, caps_on=("rxcsum",), caps_off=("txcsum",)),
        ),
        (["-rxcsum", "rxcsum"], Change(caps_on=("rxcsum",), caps_off=())),
        (["tso", "-tso4"], Change(caps_on=(), caps_off=("tso4",))),
    ],
)
def test_parse_change(words, change):
    assert parse_change(words) == change


@pytest.mark.parametrize(
    "words",
    [
        ["mtu"],
        ["mtu", "big"],
        ["mtu", "70000"],
        ["alias"],
        ["inet6", "::1"],
        ["1.2.3.4", "5.6.7.8"],
        ["netmask", "255.0.0.0"],
    ],
)
def test_parse_change_usage_errors(words):
    with pytest.raises(click.UsageError):
        parse_change(words)


@pytest.mark.parametrize(
    "words",
    [
        ["198.18.1.300"],
        ["bogus"],
        ["1.2.3.4/33"],
        ["1.2.3.4", "netmask", "255.0.255.0"],
        ["1.2.3.4", "broadcast", "x"],
        ["--txcsum"],
        ["txcsum6"],
    ],
)
def test_parse_change_bad_values(words):
    with pytest.raises(netcmd.BadValue):
        parse_change(words)


def test_effective_mask():
    assert ifconfig.effective_mask(Change(addr=1, plen=16)) == 0xFFFF0000
    assert (
        ifconfig.effective_mask(Change(addr=1, plen=16, mask=0xFF000000))
        == 0xFF000000
    )
    assert ifconfig.effective_mask(Change(addr=1)) is None


def test_selected():
    down = replace(ETH, flags=0x8842)
    assert ifconfig.selected([LO, down], True, False) == [LO]
    assert ifconfig.selected([LO, down], False, True) == [down]


def test_cli_usage_errors():
    from click.testing import CliRunner

    r = CliRunner().invoke(ifconfig.command, ["-u", "-d"])
    assert r.exit_code == 2
    r = CliRunner().invoke(ifconfig.command, ["f-stack-0", "1.2.3.999"])
    assert r.exit_code == 1 and "ff-ifconfig: 1.2.3.999: bad value" in r.output


class _CapStack:
    """What configure() asks of a stack for capability words."""

    def __init__(self):
        self.calls = []

    def targets(self, writing=False):
        return [0]

    def set_interface(self, name, **kw):
        self.calls.append(("set_interface", name))

    def set_capabilities(self, name, on, off, proc=None):
        self.calls.append(("set_capabilities", name, on, off, proc))


def test_configure_sends_capability_words():
    st = _CapStack()
    ifconfig.configure(st, None, "f-stack-0", parse_change(["-txcsum"]))
    assert st.calls[-1] == (
        "set_capabilities",
        "f-stack-0",
        (),
        ("txcsum",),
        0,
    )
    st = _CapStack()
    ifconfig.configure(st, None, "f-stack-0", parse_change(["mtu", "1400"]))
    assert [c[0] for c in st.calls] == ["set_interface"]


def test_set_capabilities_sends_setcap(monkeypatch):
    """One SIOCSIFCAP a word, on the interface's capenable: -txcsum
    clears IFCAP_TXCSUM (2) and keeps the rest (FreeBSD net/if.h)."""
    from fstools import _ffi

    sent = []
    st = stack.Stack.__new__(stack.Stack)
    monkeypatch.setattr(
        st, "interface", lambda name, proc=None: replace(ETH, capenable=0x103)
    )
    monkeypatch.setattr(
        st,
        "_step",
        lambda proc, name, what, op, **kw: sent.append((what, op, kw)),
    )
    st.set_capabilities("f-stack-0", on=("rxcsum",), off=("txcsum",))
    assert sent == [
        ("rxcsum: ioctl (SIOCSIFCAP)", _ffi.FF_IOCTL_SETCAP, {"value": 0x103}),
        (
            "-txcsum: ioctl (SIOCSIFCAP)",
            _ffi.FF_IOCTL_SETCAP,
            {"value": 0x101},
        ),
    ]
    with pytest.raises(ValueError):
        st.set_capabilities("f-stack-0", on=("lro",))
