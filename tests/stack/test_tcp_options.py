"""Golden bytes for TCP options (tcp_addoptions / tcp_dooptions)."""

from ffstack import (
    TOF_MSS,
    TOF_SACKPERM,
    TOF_SCALE,
    TOF_TS,
    tcp_addoptions,
    tcp_dooptions,
)


def test_syn_options_golden():
    raw = tcp_addoptions(
        TOF_MSS | TOF_SCALE | TOF_TS,
        mss=1460,
        wscale=7,
        tsval=0x01020304,
        tsecr=0,
    )
    assert raw.hex() == ("020405b4010303070101080a0102030400000000")


def test_timestamp_only_golden():
    raw = tcp_addoptions(TOF_TS, tsval=5, tsecr=6)
    assert raw.hex() == "0101080a0000000500000006"


def test_mss_sackperm_golden():
    raw = tcp_addoptions(TOF_MSS | TOF_SACKPERM, mss=536)
    assert raw.hex() == "0204021801010402"


def test_nothing():
    assert tcp_addoptions(0) == b""


def test_parse_linux_syn():
    # Linux's SYN layout: MSS, SACK-permitted + timestamps, NOP, wscale.
    raw = bytes.fromhex("020405b40402080a0000abcd000000000103030a")
    flags, mss, ws, tsval, tsecr, _ = tcp_dooptions(raw, syn=True)
    assert flags == TOF_MSS | TOF_SACKPERM | TOF_TS | TOF_SCALE
    assert (mss, ws, tsval, tsecr) == (1460, 10, 0xABCD, 0)


def test_syn_only_options_ignored_outside_syn():
    raw = bytes.fromhex("020405b4010303070101080a0000000100000002")
    flags, *_ = tcp_dooptions(raw, syn=False)
    assert flags == TOF_TS


def test_wscale_capped_at_14():
    flags, _, ws, *_ = tcp_dooptions(bytes.fromhex("0303ff00"), syn=True)
    assert flags == TOF_SCALE and ws == 14


def test_malformed_options_stop_quietly():
    # MSS then an option claiming 40 bytes: keep what was read.
    raw = bytes.fromhex("020405b408280000")
    flags, mss, *_ = tcp_dooptions(raw, syn=True)
    assert flags == TOF_MSS and mss == 1460
    for bad in (
        b"\x02",
        b"\x02\x00",
        b"\x02\x01\x00\x00",
        b"\x08\x0a\x00",
        b"\x03\x02\x05",
        b"\x05\x03\x00\x00",
    ):
        tcp_dooptions(bad, syn=True)  # no crash, nothing parsed
    assert tcp_dooptions(b"\x00\x02\x04\x05\xb4", syn=True)[0] == 0
