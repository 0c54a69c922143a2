"""config.ini parser (libff/src/core/ff_config*.c), driven through ctypes.

struct ff_config is opaque here: the tests hand the library a buffer big
enough for it and read the result back through ff_test_config_dump() of
the test harness (libff/src/testport/ff_test_config.c, in libff_test.so),
which prints it as name=value lines.  Nothing here needs root, hugepages
or the EAL.
"""

import ctypes
import errno
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
CFG_SIZE = 1 << 20  # more than sizeof(struct ff_config)
ERR_SIZE = 512

# A valid [port0] to build bad configs around.
PORT0 = "[port0]\naddr=198.18.0.2\nnetmask=255.255.255.0\n"


@pytest.fixture(scope="session")
def lib(libff_test_path):
    # $FF_TEST_LIBFF lets a developer test a library built elsewhere.
    so = ctypes.CDLL(str(libff_test_path), use_errno=True)
    so.ff_config_load.argtypes = [
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    so.ff_config_load.restype = ctypes.c_int
    so.ff_config_load_string.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    so.ff_config_load_string.restype = ctypes.c_int
    so.ff_config_defaults.argtypes = [ctypes.c_void_p]
    so.ff_config_defaults.restype = None
    so.ff_test_config_dump.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_size_t,
    ]
    so.ff_test_config_dump.restype = ctypes.c_size_t
    return so


class Result:
    def __init__(self, rc, err, message, dump):
        self.rc = rc
        self.errno = err
        self.message = message
        self.cfg = dump


def _dump(lib, cfg):
    need = lib.ff_test_config_dump(cfg, None, 0)
    buf = ctypes.create_string_buffer(need + 1)
    assert lib.ff_test_config_dump(cfg, buf, len(buf)) == need
    out = {}
    for line in buf.value.decode().splitlines():
        key, _, value = line.partition("=")
        out[key] = value
    return out


def _result(lib, rc, cfg, err):
    return Result(
        rc,
        ctypes.get_errno() if rc != 0 else 0,
        err.value.decode(),
        _dump(lib, cfg),
    )


def load_string(lib, text, name="config.ini"):
    cfg = ctypes.create_string_buffer(CFG_SIZE)
    err = ctypes.create_string_buffer(ERR_SIZE)
    ctypes.set_errno(0)
    rc = lib.ff_config_load_string(
        text.encode(), name.encode(), cfg, err, ERR_SIZE
    )
    return _result(lib, rc, cfg, err)


def load_file(lib, path):
    cfg = ctypes.create_string_buffer(CFG_SIZE)
    err = ctypes.create_string_buffer(ERR_SIZE)
    ctypes.set_errno(0)
    rc = lib.ff_config_load(str(path).encode(), cfg, err, ERR_SIZE)
    return _result(lib, rc, cfg, err)


def defaults(lib):
    cfg = ctypes.create_string_buffer(CFG_SIZE)
    lib.ff_config_defaults(cfg)
    return _dump(lib, cfg)


def ok(lib, text):
    r = load_string(lib, text)
    assert r.rc == 0, r.message
    return r.cfg


# --- what parses -----------------------------------------------------------


def test_shipped_config_ini(lib):
    r = load_file(lib, ROOT / "config.ini")
    assert r.rc == 0, r.message
    c = r.cfg
    assert c["path"] == str(ROOT / "config.ini")
    assert c["dpdk.lcore_mask"] == "1"
    assert c["dpdk.nb_procs"] == "1"
    assert c["dpdk.file_prefix"] == "ff"
    assert c["dpdk.port_list"] == "0"
    assert c["dpdk.nb_vdev"] == "1"
    assert c["dpdk.pkt_tx_delay"] == "0"
    assert c["vdev0.driver"] == "net_tap"
    assert c["vdev0.devargs"] == "net_tap0,iface=fftap0,mac=02:18:00:00:00:02"
    assert c["port0.addr"] == "198.18.0.2"
    assert c["port0.netmask"] == "255.255.255.0"
    assert c["port0.broadcast"] == "198.18.0.255"
    assert c["port0.gateway"] == "198.18.0.1"
    assert c["port0.if_name"] == "f-stack-0"
    assert c["boot.hz"] == "1000"


DEFAULTS = {
    "dpdk.lcore_mask": "1",
    "dpdk.lcore_mask_bits": "0x1",
    "dpdk.nb_procs": "1",
    "dpdk.file_prefix": "ff",
    "dpdk.log_level": "5",
    "dpdk.promiscuous": "1",
    "dpdk.numa_on": "1",
    "dpdk.vlan_strip": "1",
    "dpdk.idle_sleep": "0",
    "dpdk.idle_spin": "0",
    "dpdk.pkt_tx_delay": "0",
    "dpdk.rx_burst": "32",
    "dpdk.timer_slack": "0",
    "dpdk.profile": "",
    "dpdk.tso": "0",
    "dpdk.nb_mbufs": "8191",
    "dpdk.nb_vdev": "0",
    "dpdk.port_list": "",
    "dpdk.channel": "0",
    "dpdk.log_file": "",
    "boot.hz": "1000",
}


def test_defaults(lib):
    c = defaults(lib)
    for key, value in DEFAULTS.items():
        assert c[key] == value, key


@pytest.mark.parametrize("text", ["", "; nothing\n", "[dpdk]\n"])
def test_empty_config_gives_defaults(lib, text):
    c = ok(lib, text)
    for key, value in DEFAULTS.items():
        assert c[key] == value, key


def test_dpdk_keys(lib):
    c = ok(
        lib,
        "[dpdk]\nlcore_mask=0x0f\nchannel=4\nmemory=256\n"
        "no_huge=1\nbase_virtaddr=0x7f0000000000\nfile_prefix=ff-t1\n"
        "allow=0000:01:00.0,0000:02:00.0\nlog_level=debug\n"
        "log_file=/tmp/ff.log\nnb_bond=0\npromiscuous=0\nnuma_on=0\n"
        "tx_csum_offoad_skip=1\ntso=1\nvlan_strip=0\nvlan_filter=\n"
        "vlan_accept=1\nidle_sleep=100\npkt_tx_delay=100\n"
        "symmetric_rss=0\nnb_mbufs=16383\n",
    )
    assert c["dpdk.lcore_mask"] == "0x0f"
    assert c["dpdk.lcore_mask_bits"] == "0xf"
    assert c["dpdk.nb_procs"] == "4"
    assert c["dpdk.channel"] == "4"
    assert c["dpdk.memory"] == "256"
    assert c["dpdk.no_huge"] == "1"
    assert c["dpdk.base_virtaddr"] == "0x7f0000000000"
    assert c["dpdk.file_prefix"] == "ff-t1"
    assert c["dpdk.allow"] == "0000:01:00.0,0000:02:00.0"
    assert c["dpdk.log_level"] == "8"
    assert c["dpdk.log_file"] == "/tmp/ff.log"
    assert c["dpdk.promiscuous"] == "0"
    assert c["dpdk.numa_on"] == "0"
    assert c["dpdk.tx_csum_offoad_skip"] == "1"
    assert c["dpdk.tso"] == "1"
    assert c["dpdk.vlan_strip"] == "0"
    assert c["dpdk.vlan_accept"] == "1"
    assert c["dpdk.idle_sleep"] == "100"
    assert c["dpdk.pkt_tx_delay"] == "100"
    assert c["dpdk.nb_mbufs"] == "16383"


def eal_args(lib, dpdk_lines):
    return ok(lib, "[dpdk]\n" + dpdk_lines)["eal.args"].split()


@pytest.mark.parametrize(
    "line,arg",
    # DPDK's EAL options (doc/guides/linux_gsg/linux_eal_parameters.rst):
    # -n channels, -m megabytes, --no-huge, --base-virtaddr,
    # --file-prefix (the runtime directory /var/run/dpdk/<prefix>).
    [
        ("channel=4", "-n4"),
        ("memory=256", "-m256"),
        ("no_huge=1", "--no-huge"),
        ("base_virtaddr=0x7f0000000000", "--base-virtaddr=0x7f0000000000"),
        ("file_prefix=ff-t1", "--file-prefix=ff-t1"),
        ("log_level=debug", "--log-level=8"),
        ("allow=0000:01:00.0", "--allow=0000:01:00.0"),
    ],
    ids=[
        "channel",
        "memory",
        "no_huge",
        "base_virtaddr",
        "file_prefix",
        "log_level",
        "allow",
    ],
)
def test_dpdk_keys_become_eal_arguments(lib, line, arg):
    """Each EAL key's argument is in the vector ff_dpdk_eal_args() hands
    rte_eal_init(), and not there by default (file_prefix: "ff")."""
    assert arg in eal_args(lib, line + "\n")
    plain = eal_args(lib, "")
    assert arg not in plain
    assert "--file-prefix=ff" in plain  # the default, also the tools' -P
    assert "--no-pci" in plain and "--log-level=5" in plain  # warning
    assert ("--no-pci" in eal_args(lib, line + "\n")) == (
        not line.startswith("allow")
    )


def test_memif_zero_copy_eal_argument(lib):
    """memif zero copy needs one hugepage file per memory list (DPDK
    refuses zero-copy=yes without --single-file-segments); nothing else
    gets it."""
    memif = "[vdev0]\ndriver=net_memif\nargs=role=client\n"
    assert "--single-file-segments" in eal_args(lib, memif + "zero_copy=1\n")
    assert "--single-file-segments" not in eal_args(lib, memif)
    assert "--single-file-segments" not in eal_args(
        lib, memif + "zero_copy=0\n"
    )


def test_fstack_old_names(lib):
    c = ok(lib, "[dpdk]\npci_whitelist=0000:01:00.0\ntx_csum_offload_skip=1\n")
    assert c["dpdk.allow"] == "0000:01:00.0"
    assert c["dpdk.tx_csum_offoad_skip"] == "1"


@pytest.mark.parametrize(
    "value,level",
    [
        ("1", 1),
        ("8", 8),
        ("emerg", 1),
        ("alert", 2),
        ("crit", 3),
        ("err", 4),
        ("warning", 5),
        ("notice", 6),
        ("info", 7),
        ("debug", 8),
    ],
)
def test_log_level(lib, value, level):
    assert ok(lib, f"[dpdk]\nlog_level={value}\n")["dpdk.log_level"] == str(
        level
    )


def test_port_list_ranges(lib):
    ports = "".join(
        f"[port{i}]\naddr=198.18.{i}.2\nnetmask=255.255.255.0\n"
        for i in (0, 1, 2, 3, 5)
    )
    c = ok(lib, "[dpdk]\nport_list=0-3,5\n" + ports)
    assert c["dpdk.port_list"] == "0,1,2,3,5"
    assert c["port5.if_name"] == "f-stack-5"


@pytest.mark.parametrize(
    "mask,lcores",
    [("1", "0"), ("34", "2,4-5"), ("f0", "4-7"), ("8000000000000001", "0,63")],
)
def test_lcore_list_is_lcore_mask(lib, mask, lcores):
    by_mask = ok(lib, f"[dpdk]\nlcore_mask={mask}\n")
    by_list = ok(lib, f"[dpdk]\nlcore_list={lcores}\n")
    for key in ("dpdk.lcore_mask_bits", "dpdk.nb_procs", "eal.args"):
        assert by_list[key] == by_mask[key]
    assert by_list["dpdk.lcore_mask"] == mask


def test_process_pins_to_its_lcore(lib):
    # One process per lcore of the set; process 0 takes the lowest.
    args = ok(lib, "[dpdk]\nlcore_list=2,4-5\n")["eal.args"].split()
    assert args[0] == "ff"
    assert [a for a in args if a.startswith("-l")] == ["-l2"]


def test_port_lcore_list_of_every_lcore(lib):
    c = ok(lib, "[dpdk]\nlcore_list=1-2\n" + PORT0 + "lcore_list=2,1\n")
    assert c["port0.lcore_list"] == "2,1"


@pytest.mark.parametrize(
    "numa_on,dev_socket,socket",
    # SOCKET_ID_ANY is -1 (rte_memory.h); a device that does not know its
    # socket reports -1 too.
    [("1", 1, 1), ("1", 0, 0), ("1", -1, -1), ("0", 1, -1), ("0", 0, -1)],
)
def test_numa_on_picks_the_port_socket(lib, numa_on, dev_socket, socket):
    cfg = ctypes.create_string_buffer(CFG_SIZE)
    err = ctypes.create_string_buffer(ERR_SIZE)
    text = f"[dpdk]\nnuma_on={numa_on}\n".encode()
    assert lib.ff_config_load_string(text, b"c", cfg, err, ERR_SIZE) == 0
    lib.ff_test_numa_socket.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.ff_test_numa_socket.restype = ctypes.c_int
    assert lib.ff_test_numa_socket(cfg, dev_socket) == socket


def test_port_list_defaults_to_every_port(lib):
    c = ok(lib, "[port2]\naddr=198.18.2.2\nnetmask=255.255.0.0\n" + PORT0)
    assert c["dpdk.port_list"] == "0,2"


def test_port_keys(lib):
    c = ok(
        lib,
        "[dpdk]\nlcore_mask=3\n"
        "[port0]\naddr=10.0.0.5\nnetmask=255.255.252.0\n"
        "gateway=10.0.3.254\nif_name=eth-test\nlcore_list=0-1\n"
        "vip_addr=10.0.8.1;10.0.8.2; 10.0.8.3;\nvip_ifname=\n"
        "ipfw_pr=\nslave_port_list=\naddr6=\n",
    )
    assert c["port0.addr"] == "10.0.0.5"
    assert c["port0.broadcast"] == "10.0.3.255"  # addr | ~netmask
    assert c["port0.gateway"] == "10.0.3.254"
    assert c["port0.has_gateway"] == "1"
    assert c["port0.if_name"] == "eth-test"
    assert c["port0.lcore_list"] == "0,1"
    assert c["port0.vip_addr"] == "10.0.8.1;10.0.8.2;10.0.8.3"


@pytest.mark.parametrize(
    "vdev",
    ["[vdev0]\ndriver=net_memif\n", ""],
    ids=["net_memif", "no vdev (a PCI port: checked at start)"],
)
def test_csum_trust_accepted(lib, vdev):
    """[portN] csum_trust: off by default (a memif peer may be VPP, which
    needs the sums); 1 is taken for a memif port, and for a port of no
    [vdevN], whose driver only the EAL knows."""
    assert ok(lib, PORT0)["port0.csum_trust"] == "0"
    c = ok(lib, vdev + PORT0 + "csum_trust=1\n")
    assert c["port0.csum_trust"] == "1"


def test_gateway_is_optional(lib):
    assert ok(lib, PORT0)["port0.has_gateway"] == "0"


def test_point_to_point_masks(lib):
    ok(
        lib,
        "[port0]\naddr=198.18.0.0\nnetmask=255.255.255.254\n"
        "gateway=198.18.0.1\n",
    )
    ok(lib, "[port0]\naddr=198.18.0.7\nnetmask=255.255.255.255\n")


@pytest.mark.parametrize(
    "vdev,devargs",
    [
        (
            "driver=net_tap\niface=fftap3\nmac=02:00:00:00:00:09\n",
            "net_tap0,iface=fftap3,mac=02:00:00:00:00:09",
        ),
        ("driver=net_tap\n", "net_tap0"),
        (
            "driver=net_tap\nargs=iface=t0,persist\n",
            "net_tap0,iface=t0,persist",
        ),
        (
            "driver=net_memif\npath=/run/ff.sock\nargs=role=server\n",
            "net_memif0,socket=/run/ff.sock,role=server",
        ),
        (
            "driver=net_af_packet\niface=veth0\nqueues=2\n",
            "net_af_packet0,iface=veth0,qpairs=2",
        ),
        (
            "driver=net_af_xdp\niface=veth0\nqueues=1\n",
            "net_af_xdp0,iface=veth0,queue_count=1",
        ),
        (
            "driver=net_af_xdp\nargs=iface=veth1,start_queue=0\n",
            "net_af_xdp0,iface=veth1,start_queue=0",
        ),
        ("driver=net_ring\n", "net_ring0"),
        # DPDK's memif devarg is zero-copy=yes|no (rte_eth_memif.c).
        (
            "driver=net_memif\nzero_copy=1\nargs=role=client\n",
            "net_memif0,zero-copy=yes,role=client",
        ),
        (
            "driver=net_memif\nzero_copy=0\n",
            "net_memif0,zero-copy=no",
        ),
        # F-Stack's virtio-user section: no driver key.
        (
            "path=/dev/vhost-net\nqueues=1\nqueue_size=256\n"
            "mac=00:00:00:00:00:01\ncq=0\n",
            "virtio_user0,path=/dev/vhost-net,queues=1,queue_size=256,"
            "mac=00:00:00:00:00:01,cq=0",
        ),
    ],
)
def test_vdev_devargs(lib, vdev, devargs):
    c = ok(lib, "[dpdk]\nnb_vdev=1\n[vdev0]\n" + vdev)
    assert c["vdev0.devargs"] == devargs


def test_nb_vdev_defaults_to_sections(lib):
    c = ok(lib, "[vdev0]\ndriver=net_ring\n[vdev1]\ndriver=net_tap\n")
    assert c["dpdk.nb_vdev"] == "2"
    assert c["vdev1.devargs"] == "net_tap1"


def test_freebsd_sections(lib):
    c = ok(
        lib,
        "[freebsd.boot]\nhz=100\nkern.ipc.maxsockets=262144\n"
        "[freebsd.sysctl]\nkern.ipc.somaxconn=32768\n"
        "net.inet.tcp.cc.algorithm=cubic\n",
    )
    assert c["boot.hz"] == "100"
    assert c["boot.kern.ipc.maxsockets"] == "262144"
    assert c["boot.kern.ipc.maxsockets@line"] == "3"
    assert c["sysctl.kern.ipc.somaxconn"] == "32768"
    assert c["sysctl.kern.ipc.somaxconn@line"] == "5"
    assert c["sysctl.net.inet.tcp.cc.algorithm"] == "cubic"
    assert c["sysctl.net.inet.tcp.cc.algorithm@line"] == "6"


def test_boot_keys_the_parser_applies(lib):
    """kern.hz is FreeBSD's name of F-Stack's hz; kern.ipc.nmbufs sizes
    the packet pool like [dpdk] nb_mbufs."""
    c = ok(
        lib,
        "[freebsd.boot]\nkern.hz=250\nkern.ipc.nmbufs=4095\nfd_reserve=1024\n",
    )
    assert c["boot.hz"] == "250"
    assert c["boot.fd_reserve"] == "1024"
    assert c["dpdk.nb_mbufs"] == "4095"
    assert "boot.kern.ipc.nmbufs" not in c


def test_comments_and_blanks(lib):
    c = ok(
        lib,
        "# hash comment\n; semicolon comment\n\n"
        "[dpdk]   ; comment after a section\n"
        "  idle_sleep = 7   ; inline comment after a blank\n"
        "\tallow=a;b\n"
        "    ; indented comment\n"
        "pkt_tx_delay: 3\r\n",
    )
    assert c["dpdk.idle_sleep"] == "7"
    assert c["dpdk.allow"] == "a;b"
    assert c["dpdk.pkt_tx_delay"] == "3"


def test_semicolon_without_blank_stays_in_value(lib):
    c = ok(
        lib,
        "[port0]\naddr=198.18.0.2\nnetmask=255.255.255.0\n"
        "vip_addr=198.18.0.3;198.18.0.4 ; two VIPs\n",
    )
    assert c["port0.vip_addr"] == "198.18.0.3;198.18.0.4"


def test_indented_line_is_not_a_continuation(lib):
    # libinih would append an indented line to the previous value.
    c = ok(lib, "[dpdk]\nidle_sleep=5\n    pkt_tx_delay=9\n")
    assert c["dpdk.idle_sleep"] == "5"
    assert c["dpdk.pkt_tx_delay"] == "9"


def test_longest_line(lib):
    value = "/" + "x" * (199 - len("log_file=/"))
    c = ok(lib, "[dpdk]\nlog_file=" + value + "\n")
    assert c["dpdk.log_file"] == value


def test_utf8_bom(lib):
    assert ok(lib, "\ufeff[dpdk]\nidle_sleep=1\n")["dpdk.idle_sleep"] == "1"


# --- what does not ---------------------------------------------------------

BAD = [
    # sections
    (
        "[dpdk]\n[bogus]\n",
        "config.ini:2: [bogus]: unknown section (dpdk, portN, vdevN, "
        "freebsd.boot, freebsd.sysctl)",
    ),
    (
        "[port]\n",
        "config.ini:1: [port]: unknown section (dpdk, portN, "
        "vdevN, freebsd.boot, freebsd.sysctl)",
    ),
    (
        "[pcap]\nenable=1\n",
        "config.ini:1: [pcap]: F-Stack section not supported by ff",
    ),
    (
        "[bond0]\n",
        "config.ini:1: [bond0]: F-Stack section not supported by ff",
    ),
    (
        "[dpdk]\n[vlan0]\nvlanid=10\n",
        "config.ini:2: [vlan0]: F-Stack section not supported by ff",
    ),
    (
        "[kni]\nenable=1\n",
        "config.ini:1: [kni]: F-Stack section not supported by ff",
    ),
    (
        "[rss_check]\nenable=1\n",
        "config.ini:1: [rss_check]: F-Stack section not supported by ff",
    ),
    (
        "[dpdk]\n[freebsd.boot]\n[dpdk]\n",
        "config.ini:3: [dpdk]: duplicate section (first on line 1)",
    ),
    (
        PORT0 + "[port0]\n",
        "config.ini:4: [port0]: duplicate section (first on line 1)",
    ),
    (
        "[port8]\naddr=1.2.3.4\n",
        "config.ini:1: [port8]: port number 8 is out of range (0..7)",
    ),
    (
        "[vdev8]\n",
        "config.ini:1: [vdev8]: vdev number 8 is out of range (0..7)",
    ),
    (
        "idle_sleep=1\n[dpdk]\n",
        "config.ini:1: [] idle_sleep: key outside any section",
    ),
    (
        "[dpdk]\ngarbage\n",
        "config.ini:2: [dpdk]: syntax error (expected [section], "
        "name = value or a comment)",
    ),
    (
        "[dpdk\nidle_sleep=1\n",
        "config.ini:1: []: syntax error (expected [section], "
        "name = value or a comment)",
    ),
    # a syntax error before a bad value is the one reported
    (
        "[dpdk]\nno equals sign\nidle_sleep=x\n",
        "config.ini:2: [dpdk]: syntax error (expected [section], "
        "name = value or a comment)",
    ),
    (
        "[dpdk]\nidle_sleep=x\nno equals sign\n",
        "config.ini:2: [dpdk] idle_sleep: x is not an integer",
    ),
    (
        "[dpdk]\nallow=" + "a" * 200 + "\n",
        "config.ini:2: [dpdk]: line longer than 199 characters",
    ),
    # keys
    ("[dpdk]\nfoo=1\n", "config.ini:2: [dpdk] foo: unknown key"),
    ("[dpdk]\nLcore_mask=1\n", "config.ini:2: [dpdk] Lcore_mask: unknown key"),
    (PORT0 + "mru=9000\n", "config.ini:4: [port0] mru: unknown key"),
    ("[vdev0]\nqueue=1\n", "config.ini:2: [vdev0] queue: unknown key"),
    (
        "[dpdk]\nidle_sleep=1\nidle_sleep=2\n",
        "config.ini:3: [dpdk] idle_sleep: duplicate key (first on line 2)",
    ),
    (
        "[dpdk]\nallow=a\npci_whitelist=b\n",
        "config.ini:3: [dpdk] pci_whitelist: duplicate key (first on line 2)",
    ),
    (
        "[freebsd.sysctl]\nkern.ipc.somaxconn=1\nkern.ipc.somaxconn=2\n",
        "config.ini:3: [freebsd.sysctl] kern.ipc.somaxconn: duplicate key "
        "(first on line 2)",
    ),
    (
        "[freebsd.boot]\nhz=100\nhz=1000\n",
        "config.ini:3: [freebsd.boot] hz: duplicate key (first on line 2)",
    ),
    (
        "[dpdk]\nproc_id=1\n",
        "config.ini:2: [dpdk] proc_id: comes from the "
        "command line (-p), not from config.ini",
    ),
    (
        "[dpdk]\nproc_type=primary\n",
        "config.ini:2: [dpdk] proc_type: comes "
        "from the command line (-t), not from config.ini",
    ),
    # integers
    (
        "[dpdk]\nidle_sleep=10us\n",
        "config.ini:2: [dpdk] idle_sleep: 10us is not an integer",
    ),
    (
        "[dpdk]\nidle_sleep=0x10\n",
        "config.ini:2: [dpdk] idle_sleep: 0x10 is not an integer",
    ),
    ("[dpdk]\nidle_sleep=\n", "config.ini:2: [dpdk] idle_sleep: empty value"),
    (
        "[dpdk]\nidle_sleep=0 # busy poll\n",
        "config.ini:2: [dpdk] idle_sleep: 0 # busy poll is not an integer",
    ),
    (
        "[dpdk]\npkt_tx_delay=101\n",
        "config.ini:2: [dpdk] pkt_tx_delay: 101 is out of range (0..100)",
    ),
    (
        "[dpdk]\npromiscuous=-1\n",
        "config.ini:2: [dpdk] promiscuous: -1 is out of range (0..1)",
    ),
    (
        "[dpdk]\nnb_mbufs=99999999999999999999\n",
        "config.ini:2: [dpdk] nb_mbufs: 99999999999999999999 is out of range "
        "(1023..16777215)",
    ),
    (
        "[freebsd.boot]\nhz=0\n",
        "config.ini:2: [freebsd.boot] hz: 0 is out of range (1..100000)",
    ),
    (
        "[freebsd.boot]\nhz=100001\n",
        "config.ini:2: [freebsd.boot] hz: 100001 is out of range (1..100000)",
    ),
    (
        "[dpdk]\nlog_level=verbose\n",
        "config.ini:2: [dpdk] log_level: verbose is not a log level (1-8, "
        "emerg, alert, crit, err, warning, notice, info or debug)",
    ),
    (
        "[dpdk]\nlog_level=9\n",
        "config.ini:2: [dpdk] log_level: 9 is out of range (1..8)",
    ),
    # unsupported features
    (
        "[dpdk]\nnb_bond=1\n",
        "config.ini:2: [dpdk] nb_bond: bonding is not supported (only 0)",
    ),
    # keys of features ff does not have yet
    (
        "[dpdk]\nsymmetric_rss=1\n",
        "config.ini:2: [dpdk] symmetric_rss: ff does not support "
        "symmetric_rss yet (it does not program a NIC's RSS key: the flow "
        "hash is its own); only 0",
    ),
    (
        PORT0 + "vip_ifname=lo0\n",
        "config.ini:4: [port0] vip_ifname: ff does not support vip_ifname "
        "yet (VIPs live on the port's own interface); leave it empty",
    ),
    (
        PORT0 + "ipfw_pr=10.0.0.0 255.0.0.0\n",
        "config.ini:4: [port0] ipfw_pr: ff does not support ipfw_pr yet "
        "(ipfw has no fwd action); leave it empty",
    ),
    # lcore_list
    (
        "[dpdk]\nlcore_list=2,x\n",
        "config.ini:2: [dpdk] lcore_list: 2,x is not a list such as 0-3,5",
    ),
    (
        "[dpdk]\nlcore_list=4-2\n",
        "config.ini:2: [dpdk] lcore_list: 4-2 is not a list such as 0-3,5",
    ),
    (
        "[dpdk]\nlcore_list=63-64\n",
        "config.ini:2: [dpdk] lcore_list: lcore 64 is out of range (0..63)",
    ),
    (
        "[dpdk]\nlcore_list=1,1\n",
        "config.ini:2: [dpdk] lcore_list: lcore 1 is listed twice",
    ),
    (
        "[dpdk]\nlcore_mask=3\nlcore_list=0-1\n",
        "config.ini:3: [dpdk] lcore_list: lcore_mask (line 2) and "
        "lcore_list (line 3) both given: use one",
    ),
    (
        "[dpdk]\nlcore_mask=3\n" + PORT0 + "lcore_list=1\n",
        "config.ini:6: [port0] lcore_list: ff does not support serving a "
        "port from some of the lcores yet: every process serves every port "
        "(list all of lcore_mask 3, or leave it out)",
    ),
    (
        "[dpdk]\nvlan_filter=10,20\n",
        "config.ini:2: [dpdk] vlan_filter: "
        "VLAN filtering is not supported; leave it empty",
    ),
    (
        PORT0 + "slave_port_list=1,2\n",
        "config.ini:4: [port0] "
        "slave_port_list: bonding is not supported; leave it empty",
    ),
    (
        PORT0 + "addr6=2001:db8::2\n",
        "config.ini:4: [port0] addr6: "
        "IPv6 is not supported yet; leave it empty",
    ),
    (
        PORT0 + "prefix_len=64\n",
        "config.ini:4: [port0] prefix_len: "
        "IPv6 is not supported yet; leave it empty",
    ),
    (
        PORT0 + "gateway6=2001:db8::1\n",
        "config.ini:4: [port0] gateway6: "
        "IPv6 is not supported yet; leave it empty",
    ),
    (
        PORT0 + "vip_addr6=2001:db8::3;2001:db8::4\n",
        "config.ini:4: [port0] vip_addr6: "
        "IPv6 is not supported yet; leave it empty",
    ),
    # lcore_mask and lists
    (
        "[dpdk]\nlcore_mask=xyz\n",
        "config.ini:2: [dpdk] lcore_mask: xyz is not a hexadecimal number",
    ),
    (
        "[dpdk]\nlcore_mask=0\n",
        "config.ini:2: [dpdk] lcore_mask: 0 selects no lcore",
    ),
    (
        "[dpdk]\nlcore_mask=1ffffffff\n",
        "config.ini:2: [dpdk] lcore_mask: 1ffffffff selects 33 lcores; ff "
        "runs at most 32 stack processes",
    ),
    (
        "[dpdk]\nlcore_list=0-32\n",
        "config.ini:2: [dpdk] lcore_list: 0-32 selects 33 lcores; ff runs "
        "at most 32 stack processes",
    ),
    (
        "[dpdk]\nlcore_mask=10000000000000000\n",
        "config.ini:2: [dpdk] lcore_mask: 10000000000000000 names lcores "
        "above 63",
    ),
    (
        "[dpdk]\nport_list=0,1\n" + PORT0,
        "config.ini:2: [dpdk] port_list: port 1 has no [port1] section",
    ),
    (
        "[dpdk]\nport_list=0-\n",
        "config.ini:2: [dpdk] port_list: 0- is not a list such as 0-3,5",
    ),
    (
        "[dpdk]\nport_list=3-1\n",
        "config.ini:2: [dpdk] port_list: 3-1 is not a list such as 0-3,5",
    ),
    (
        "[dpdk]\nport_list=0,0\n",
        "config.ini:2: [dpdk] port_list: port 0 is listed twice",
    ),
    (
        "[dpdk]\nport_list=8\n",
        "config.ini:2: [dpdk] port_list: port 8 is out of range (0..7)",
    ),
    (
        "[dpdk]\nlcore_mask=1\n" + PORT0 + "lcore_list=0-1\n",
        "config.ini:6: [port0] lcore_list: lcore 1 is not in lcore_mask 1",
    ),
    # addresses
    (
        "[port0]\naddr=198.18.0.256\nnetmask=255.255.255.0\n",
        "config.ini:2: [port0] addr: 198.18.0.256 is not an IPv4 address",
    ),
    (
        "[port0]\naddr=198.18.2\nnetmask=255.255.255.0\n",
        "config.ini:2: [port0] addr: 198.18.2 is not an IPv4 address",
    ),
    (
        "[port0]\naddr=198.18.0.2\nnetmask=255.255.225.0\n",
        "config.ini:3: [port0] netmask: 255.255.225.0 is not a contiguous "
        "netmask",
    ),
    (
        "[port0]\naddr=198.18.0.2\nnetmask=0.0.0.0\n",
        "config.ini:3: [port0] netmask: 0.0.0.0 leaves no network part",
    ),
    (
        PORT0 + "broadcast=198.18.0.254\n",
        "config.ini:4: [port0] broadcast: "
        "198.18.0.254 does not match addr/netmask (expected 198.18.0.255)",
    ),
    (
        PORT0 + "gateway=198.18.1.1\n",
        "config.ini:4: [port0] gateway: "
        "198.18.1.1 is not a host of 198.18.0.0/24",
    ),
    (
        PORT0 + "gateway=198.18.0.255\n",
        "config.ini:4: [port0] gateway: "
        "198.18.0.255 is not a host of 198.18.0.0/24",
    ),
    (
        PORT0 + "gateway=198.18.0.2\n",
        "config.ini:4: [port0] gateway: 198.18.0.2 is the port's own address",
    ),
    (
        "[port0]\naddr=198.18.0.0\nnetmask=255.255.255.0\n",
        "config.ini:2: [port0] addr: 198.18.0.0 is the network address of its "
        "subnet",
    ),
    (
        "[port0]\nnetmask=255.255.255.0\n",
        "config.ini:1: [port0] addr: "
        "missing (every [portN] needs addr and netmask)",
    ),
    (
        "[dpdk]\n[port0]\naddr=198.18.0.2\n",
        "config.ini:2: [port0] netmask: "
        "missing (every [portN] needs addr and netmask)",
    ),
    (
        PORT0 + "vip_addr=198.18.0.3;198.18.0.x\n",
        "config.ini:4: [port0] vip_addr: 198.18.0.x is not an IPv4 address",
    ),
    (
        PORT0 + "vip_addr=198.18.0.3 198.18.0.4\n",
        "config.ini:4: [port0] "
        "vip_addr: 198.18.0.3 198.18.0.4 is not an IPv4 address",
    ),
    # strings
    (
        PORT0 + "if_name=abcdefghijklmnop\n",
        "config.ini:4: [port0] if_name: "
        "abcdefghijklmnop is too long (at most 15 characters)",
    ),
    (
        "[dpdk]\nfile_prefix=a/b\n",
        "config.ini:2: [dpdk] file_prefix: a/b "
        "is not a valid name (letters, digits, '.', '_' and '-' only)",
    ),
    (
        "[dpdk]\nbase_virtaddr=0xg\n",
        "config.ini:2: [dpdk] base_virtaddr: 0xg is not a hexadecimal number",
    ),
    (
        "[freebsd.sysctl]\n" + "k" * 128 + "=1\n",
        "config.ini:2: "
        "[freebsd.sysctl] " + "k" * 128 + ": name too long (at most 127 "
        "characters)",
    ),
    (
        "[freebsd.sysctl]\nkern.ipc.somaxconn=\n",
        "config.ini:2: [freebsd.sysctl] kern.ipc.somaxconn: empty value",
    ),
    # vdevs
    (
        "[dpdk]\nnb_vdev=9\n",
        "config.ini:2: [dpdk] nb_vdev: 9 is out of range (0..8)",
    ),
    (
        "[dpdk]\nnb_vdev=2\n[vdev0]\ndriver=net_ring\n",
        "config.ini:2: [dpdk] nb_vdev: 2, but there is no [vdev1] section",
    ),
    (
        "[dpdk]\nnb_vdev=1\n[vdev0]\ndriver=net_ring\n[vdev1]\n"
        "driver=net_ring\n",
        "config.ini:5: [vdev1]: beyond nb_vdev=1",
    ),
    (
        "[vdev1]\ndriver=net_ring\n",
        "config.ini:1: [vdev1]: no [vdev0] before it (vdevs are numbered "
        "from 0)",
    ),
    (
        "[vdev0]\ndriver=net_pcap\n",
        "config.ini:2: [vdev0] driver: net_pcap "
        "is not a supported driver (net_tap, net_memif, net_af_packet, "
        "net_af_xdp, net_ring, virtio_user)",
    ),
    (
        "[vdev0]\ndriver=net_ring\niface=x0\n",
        "config.ini:3: [vdev0] iface: net_ring has no such setting",
    ),
    (
        "[vdev0]\ndriver=net_tap\nqueue_size=64\n",
        "config.ini:3: [vdev0] queue_size: net_tap has no such setting",
    ),
    (
        "[vdev0]\nqueues=1\n",
        "config.ini:1: [vdev0] path: missing (virtio_user needs it)",
    ),
    (
        "[vdev0]\ndriver=net_af_packet\n",
        "config.ini:1: [vdev0] iface: missing (net_af_packet needs it)",
    ),
    (
        "[vdev0]\ndriver=net_tap\niface=a\nargs=iface=b\n",
        "config.ini:3: [vdev0] iface: iface= is also given in args",
    ),
    (
        "[vdev0]\ndriver=net_tap\nzero_copy=1\n",
        "config.ini:3: [vdev0] zero_copy: net_tap has no such setting",
    ),
    (
        "[vdev0]\ndriver=net_memif\nzero_copy=1\nargs=role=server\n",
        "config.ini:3: [vdev0] zero_copy: only a memif client sends by "
        "reference (args=role=client; the server, memif's default role, "
        "maps the client's memory and copies)",
    ),
    (
        "[vdev0]\ndriver=net_memif\nzero_copy=1\n",
        "config.ini:3: [vdev0] zero_copy: only a memif client sends by "
        "reference (args=role=client; the server, memif's default role, "
        "maps the client's memory and copies)",
    ),
    (
        "[vdev0]\ndriver=net_memif\nargs=role=client,zero-copy=yes\n",
        "config.ini:3: [vdev0] args: zero-copy= is set by zero_copy=1 "
        "(which also gives the EAL --single-file-segments, as memif "
        "needs)",
    ),
    (
        "[dpdk]\nlcore_mask=3\n[vdev0]\ndriver=net_memif\nzero_copy=1\n"
        "args=role=client\n",
        "config.ini:5: [vdev0] zero_copy: one process only (lcore_mask of "
        "one CPU): memif closes the EAL's memory files in every process, "
        "ff mends the primary's alone (dpdk/ff_memif_zc.c)",
    ),
    (
        "[vdev0]\ndriver=net_tap\n" + PORT0 + "csum_trust=1\n",
        "config.ini:6: [port0] csum_trust: 1 needs a net_memif port, whose "
        "other end is a process on this host; port 0 is a net_tap ([vdev0], "
        "line 1), whose peer may need the sums",
    ),
    (
        "[vdev0]\ndriver=net_memif\n" + PORT0 + "csum_trust=2\n",
        "config.ini:6: [port0] csum_trust: 2 is out of range (0..1)",
    ),
    (
        "[vdev0]\ndriver=net_tap\nmac=02:00:00:00:00\n",
        "config.ini:3: "
        "[vdev0] mac: 02:00:00:00:00 is not a MAC address "
        "(xx:xx:xx:xx:xx:xx)",
    ),
    (
        "[vdev0]\npath=/dev/vhost-net\ncq=2\n",
        "config.ini:3: [vdev0] cq: 2 is out of range (0..1)",
    ),
    # [freebsd.boot] keys the parser applies itself (the rest are checked
    # against the sysctl tree at start: tests/stack/test_boot_tunables.py).
    (
        "[freebsd.boot]\nhz=100\nkern.hz=250\n",
        "config.ini:3: [freebsd.boot] kern.hz: duplicate key (first on "
        "line 2)",
    ),
    (
        "[freebsd.boot]\nkern.hz=0\n",
        "config.ini:2: [freebsd.boot] kern.hz: 0 is out of range (1..100000)",
    ),
    (
        "[freebsd.boot]\nkern.ipc.nmbufs=100\n",
        "config.ini:2: [freebsd.boot] kern.ipc.nmbufs: 100 is out of range "
        "(1023..16777215)",
    ),
    (
        "[dpdk]\nnb_mbufs=4095\n[freebsd.boot]\nkern.ipc.nmbufs=8191\n",
        "config.ini:4: [freebsd.boot] kern.ipc.nmbufs: the pool is already "
        "sized by [dpdk] nb_mbufs on line 2",
    ),
    (
        "[freebsd.boot]\nfd_reserve=-1\n",
        "config.ini:2: [freebsd.boot] fd_reserve: -1 is out of range "
        "(0..1048576)",
    ),
    (
        "[freebsd.boot]\nkern.ipc.maxsockets=\n",
        "config.ini:2: [freebsd.boot] kern.ipc.maxsockets: empty value",
    ),
    (
        "[freebsd.boot]\nkern.maxfiles=1\nkern.maxfiles=2\n",
        "config.ini:3: [freebsd.boot] kern.maxfiles: duplicate key (first "
        "on line 2)",
    ),
]


@pytest.mark.parametrize(
    "text,message", BAD, ids=[m.split(": ", 1)[1] for _, m in BAD]
)
def test_bad_config(lib, text, message):
    r = load_string(lib, text)
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message == message
    assert "\n" not in r.message


def test_nothing_half_applied(lib):
    r = load_string(
        lib,
        "[dpdk]\nidle_sleep=50\nfile_prefix=zz\n"
        "[freebsd.boot]\nhz=7\n[port0]\naddr=1.2.3.4\n",
    )
    assert r.rc == -1
    assert r.cfg == defaults(lib)


def test_too_many_sysctls(lib):
    lines = "".join(f"kern.x{i}={i}\n" for i in range(257))
    r = load_string(lib, "[freebsd.sysctl]\n" + lines)
    assert r.message == (
        "config.ini:258: [freebsd.sysctl] kern.x256: "
        "more than 256 entries in one section"
    )


def test_message_names_the_file(lib, tmp_path):
    path = tmp_path / "my.ini"
    path.write_text(
        "[dpdk]\n\n[port0]\naddr=198.18.0.2\nnetmask=255.255.225.0\n"
    )
    r = load_file(lib, path)
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message == (
        f"{path}:5: [port0] netmask: 255.255.225.0 is not a contiguous netmask"
    )


def test_missing_file(lib, tmp_path):
    path = tmp_path / "nope.ini"
    r = load_file(lib, path)
    assert (r.rc, r.errno) == (-1, errno.ENOENT)
    assert r.message == f"{path}: No such file or directory"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(lib, tmp_path):
    path = tmp_path / "secret.ini"
    path.write_text("[dpdk]\n")
    path.chmod(0)
    r = load_file(lib, path)
    assert (r.rc, r.errno) == (-1, errno.EACCES)
    assert r.message == f"{path}: Permission denied"


def test_binary_file(lib, tmp_path):
    path = tmp_path / "bin.ini"
    path.write_bytes(b"[dpdk]\n\0\n")
    r = load_file(lib, path)
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message.startswith(f"{path}: not a config file")


def test_small_error_buffer(lib):
    cfg = ctypes.create_string_buffer(CFG_SIZE)
    err = ctypes.create_string_buffer(8)
    rc = lib.ff_config_load_string(
        b"[dpdk]\nfoo=1\n", b"config.ini", cfg, err, 8
    )
    assert rc == -1
    assert err.value == b"config."
    assert (
        lib.ff_config_load_string(b"[dpdk]\nfoo=1\n", None, cfg, None, 0) == -1
    )


# --- [dpdk] profile (core/ff_config_profile.c) ------------------------------
# What each profile sets is issue 15's: latency sends at the end of every
# loop iteration (pkt_tx_delay 0) and takes short receive bursts (8);
# throughput holds frames F-Stack's 100 us and takes full bursts (32).


@pytest.mark.parametrize(
    "profile,delay,burst", [("latency", "0", "8"), ("throughput", "100", "32")]
)
def test_profile_sets_its_defaults(lib, profile, delay, burst):
    c = ok(lib, f"[dpdk]\nprofile={profile}\n")
    assert c["dpdk.profile"] == profile
    assert (c["dpdk.pkt_tx_delay"], c["dpdk.rx_burst"]) == (delay, burst)
    assert c["dpdk.timer_slack"] == "0"  # the kernel's: see the man page


@pytest.mark.parametrize("order", ["before", "after"])
def test_profile_explicit_key_wins(lib, order):
    keys = "pkt_tx_delay=20\nrx_burst=4\ntimer_slack=7\n"
    text = (
        f"[dpdk]\n{keys}profile=latency\n"
        if order == "before"
        else f"[dpdk]\nprofile=latency\n{keys}"
    )
    c = ok(lib, text)
    assert (c["dpdk.pkt_tx_delay"], c["dpdk.rx_burst"]) == ("20", "4")
    assert c["dpdk.timer_slack"] == "7"


def test_profile_explicit_zero_wins(lib):
    # 0 given in the file is a value, not "unset".
    c = ok(lib, "[dpdk]\nprofile=throughput\npkt_tx_delay=0\n")
    assert (c["dpdk.pkt_tx_delay"], c["dpdk.rx_burst"]) == ("0", "32")


def test_profile_keeps_the_sysctl_lines_of_the_file(lib):
    # The sysctl part is applied by the stack (tests/stack/test_profile.py);
    # the parser keeps the file's own lines as they are.
    c = ok(
        lib,
        "[dpdk]\nprofile=latency\n"
        "[freebsd.sysctl]\nnet.inet.tcp.delayed_ack=1\n",
    )
    assert c["sysctl.net.inet.tcp.delayed_ack"] == "1"


@pytest.mark.parametrize(
    "value", ["fast", "Latency", "latency,throughput", "none", " "]
)
def test_profile_unknown_value(lib, value):
    r = load_string(lib, f"[dpdk]\nprofile={value}\n")
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    if value.strip():
        assert r.message == (
            f'config.ini:2: [dpdk] profile: unknown profile "{value}" '
            "(latency or throughput)"
        )
    else:
        assert r.message == "config.ini:2: [dpdk] profile: empty value"


@pytest.mark.parametrize(
    "key,value",
    [("rx_burst", v) for v in ("0", "33", "-1", "x")]
    + [("timer_slack", v) for v in ("0", "100001", "x")],
)
def test_profile_keys_range(lib, key, value):
    r = load_string(lib, f"[dpdk]\n{key}={value}\n")
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message.startswith(f"config.ini:2: [dpdk] {key}: ")


# --- [dpdk] idle_spin (core/ff_ctx.c ff_ctx_idle_due()) ---------------------
# Its effect on the loop is tests/stack/test_idle_spin.py's.


@pytest.mark.parametrize("spin", ["0", "1", "50", "100000"])
def test_idle_spin_values(lib, spin):
    c = ok(lib, f"[dpdk]\nidle_sleep=5\nidle_spin={spin}\n")
    assert (c["dpdk.idle_sleep"], c["dpdk.idle_spin"]) == ("5", spin)


@pytest.mark.parametrize(
    "value,why",
    [
        ("-1", "-1 is out of range (0..100000)"),
        ("100001", "100001 is out of range (0..100000)"),
        ("x", "x is not an integer"),
        ("1.5", "1.5 is not an integer"),
    ],
)
def test_idle_spin_range(lib, value, why):
    r = load_string(lib, f"[dpdk]\nidle_sleep=5\nidle_spin={value}\n")
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message == f"config.ini:3: [dpdk] idle_spin: {why}"


@pytest.mark.parametrize("order", ["before", "after"])
def test_idle_spin_needs_idle_sleep(lib, order):
    # Without idle_sleep the loop never sleeps: a spin would do nothing.
    text = "idle_spin=50\nidle_sleep=0\n"
    if order == "after":
        text = "idle_sleep=0\nidle_spin=50\n"
    r = load_string(lib, "[dpdk]\n" + text)
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    line = 2 if order == "before" else 3
    assert r.message == (
        f"config.ini:{line}: [dpdk] idle_spin: 50 needs idle_sleep > 0: "
        "the loop never sleeps without it"
    )


# --- [portN] rx_desc, tx_desc (dpdk/ff_dpdk_port.c) -------------------------
# What reaches the queues is tests/stack/test_port_rings.py's.


def test_port_desc_default(lib):
    c = ok(lib, PORT0)
    assert (c["port0.rx_desc"], c["port0.tx_desc"]) == ("1024", "1024")


@pytest.mark.parametrize("n", ["32", "64", "2048", "32768"])
def test_port_desc_values(lib, n):
    c = ok(lib, PORT0 + f"rx_desc={n}\ntx_desc={n}\n")
    assert (c["port0.rx_desc"], c["port0.tx_desc"]) == (n, n)


@pytest.mark.parametrize("key", ["rx_desc", "tx_desc"])
@pytest.mark.parametrize(
    "value,why",
    [
        ("1000", "1000 is not a power of two"),
        ("3", "3 is not a power of two"),
        ("16", "16 is out of range (32..32768)"),
        ("65536", "65536 is out of range (32..32768)"),
        ("0", "0 is out of range (32..32768)"),
        ("-1024", "-1024 is out of range (32..32768)"),
        ("x", "x is not an integer"),
    ],
)
def test_port_desc_refused(lib, key, value, why):
    r = load_string(lib, PORT0 + f"{key}={value}\n")
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message == f"config.ini:4: [port0] {key}: {why}"


# --- [portN] mtu (dpdk/ff_dpdk_port.c checks it against the driver) ---------
# The MSS and segments it gives are tests/stack/test_tcp_jumbo.py's; the
# driver's refusal is tests/integration/test_jumbo_live.py's.


def test_port_mtu_default(lib):
    assert ok(lib, PORT0)["port0.mtu"] == "0"  # the driver's own


@pytest.mark.parametrize("n", ["68", "1500", "9000", "65535"])
def test_port_mtu_values(lib, n):
    assert ok(lib, PORT0 + f"mtu={n}\n")["port0.mtu"] == n


@pytest.mark.parametrize(
    "value,why",
    [
        # RFC 791: every internet module forwards 68 bytes unfragmented;
        # IP's total length is 16 bits.
        ("67", "67 is out of range (68..65535)"),
        ("65536", "65536 is out of range (68..65535)"),
        ("0", "0 is out of range (68..65535)"),
        ("9k", "9k is not an integer"),
    ],
)
def test_port_mtu_refused(lib, value, why):
    r = load_string(lib, PORT0 + f"mtu={value}\n")
    assert (r.rc, r.errno) == (-1, errno.EINVAL)
    assert r.message == f"config.ini:4: [port0] mtu: {why}"


# net_memif and a jumbo MTU: one descriptor of bsize= per frame, because
# DPDK 22.11's memif leaves the chain flag of a frame's first descriptor
# stale when it chains descriptors (core/ff_config_vdev.c).
MEMIF0 = "[vdev0]\ndriver=net_memif\nargs=role=server\n"


@pytest.mark.parametrize(
    "mtu,devargs",
    [
        ("1500", "net_memif0,role=server"),  # memif's own 2048 holds it
        ("2030", "net_memif0,role=server"),  # 2030 + 14 + 4 = 2048
        ("2031", "net_memif0,bsize=3072,role=server"),
        ("9000", "net_memif0,bsize=9216,role=server"),
        ("65517", "net_memif0,bsize=65535,role=server"),
    ],
)
def test_memif_bsize_follows_mtu(lib, mtu, devargs):
    c = ok(lib, MEMIF0 + PORT0 + f"mtu={mtu}\n")
    assert c["vdev0.devargs"] == devargs


def test_memif_bsize_given_is_kept(lib):
    text = MEMIF0.replace("role=server", "role=server,bsize=16384")
    c = ok(lib, text + PORT0 + "mtu=9000\n")
    assert c["vdev0.devargs"] == "net_memif0,role=server,bsize=16384"


def test_memif_bsize_too_small_refused(lib):
    text = MEMIF0.replace("role=server", "role=server,bsize=4096")
    r = load_string(lib, text + PORT0 + "mtu=9000\n")
    assert r.rc == -1
    assert r.message == (
        "config.ini:3: [vdev0] args: bsize=4096 is less than a frame of "
        "[port0] mtu=9000 (9018 bytes with its header and a VLAN tag): "
        "DPDK 22.11's memif chains descriptors for it and leaves their "
        "flags stale"
    )


def test_memif_mtu_beyond_a_buffer_refused(lib):
    r = load_string(lib, MEMIF0 + PORT0 + "mtu=65518\n")
    assert r.rc == -1
    assert r.message == (
        "config.ini:7: [port0] mtu: 65518: net_memif's buffers (bsize=) "
        "hold at most 65535 bytes, a frame of mtu 65517 with its header "
        "and a VLAN tag"
    )
