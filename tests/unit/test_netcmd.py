"""fstools.netcmd: address, mask and MAC text, FreeBSD's %b flags."""

import pytest

from fstools import netcmd


def test_addresses():
    assert netcmd.aton("198.18.0.1") == 0xC6120001
    assert netcmd.ntoa(0xC6120001) == "198.18.0.1"
    assert netcmd.parse_prefix("198.18.0.0/15") == (0xC6120000, 15)
    for bad in (
        "1.2.3",
        "1.2.3.256",
        "a.b.c.d",
        "1.2.3.4.5",
        "",
        "01234.1.1.1",
    ):
        with pytest.raises(netcmd.BadValue):
            netcmd.aton(bad)
    with pytest.raises(netcmd.BadValue):
        netcmd.parse_prefix("1.2.3.4/x")


def test_masks():
    assert (
        netcmd.parse_mask("0xffffff00")
        == netcmd.parse_mask("255.255.255.0")
        == netcmd.parse_mask("/24")
        == 0xFFFFFF00
    )
    assert (
        netcmd.mask2len(0xFFFF0000) == 16
        and netcmd.mask2len(0xFF00FF00) is None
    )
    for bad in ("0xff00ff00", "/33", "0x1ffffffff", "255.0.255.0"):
        with pytest.raises(netcmd.BadValue):
            netcmd.parse_mask(bad)


def test_macs():
    assert netcmd.mac_str(bytes([2, 0x18, 0, 0, 0, 1])) == "02:18:00:00:00:01"
    assert netcmd.parse_mac("2:18:0:0:0:1") == bytes([2, 0x18, 0, 0, 0, 1])
    assert netcmd.parse_mac("02-18-00-00-00-01") == bytes(
        [2, 0x18, 0, 0, 0, 1]
    )
    for bad in ("zz:00:00:00:00:00", "1:2:3:4:5", "123:0:0:0:0:0"):
        with pytest.raises(netcmd.BadValue):
            netcmd.parse_mac(bad)


def test_bits():
    names = [(1, "UP"), (2, "BROADCAST"), (0x40, "RUNNING")]
    assert netcmd.bits(0x43, names) == "43<UP,BROADCAST,RUNNING>"
    assert netcmd.bits(0, names) == "0<>"
