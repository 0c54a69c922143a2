"""Write the seed corpora of the libFuzzer harnesses (tests/fuzz/corpus/).

    .venv/bin/python tests/fuzz/make_corpus.py

Seeds are real traffic in each harness's input format: frames built with
scapy as a peer sends them (ARP, ping, UDP, TCP handshakes, fragments),
TCP exchanges for every parked state, requests encoded by the tools' own
encoders (fstools._ffi) and the tree's config files.  File names are the
SHA-1 of the content, as libFuzzer names what it adds; the run is
deterministic, so running it again changes nothing.
"""

import hashlib
import shutil
import struct
import sys
from pathlib import Path

from scapy.layers.inet import ICMP, IP, TCP, UDP, fragment
from scapy.layers.l2 import ARP, Dot1Q, Ether

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from fstools import _ffi  # noqa: E402

OUT = REPO / "tests" / "fuzz" / "corpus"
PEER_MAC, PEER_IP, OUR_IP = "02:00:00:00:aa:01", "198.18.0.1", "198.18.0.2"
# The test port's MAC of port 0 (ff_testport.c: 02:00:00:00:00:01 + id).
OUR_MAC = "02:00:00:00:00:01"


def frames_input(frames, advance=(), tight=False):
    """fuzz_ether's format: a mode byte, each frame behind its length."""
    out = bytes([1 if tight else 0])
    for i, f in enumerate(frames):
        raw = bytes(f)
        out += struct.pack("<H", len(raw) | (0x8000 if i in advance else 0))
        out += raw
    return out


def ether_seeds():
    e = Ether(dst=OUR_MAC, src=PEER_MAC)
    b = Ether(dst="ff:ff:ff:ff:ff:ff", src=PEER_MAC)
    ip = IP(src=PEER_IP, dst=OUR_IP)
    big = IP(src=PEER_IP, dst=OUR_IP, id=7) / ICMP() / (b"f" * 3000)
    arp_req = b / ARP(op=1, hwsrc=PEER_MAC, psrc=PEER_IP, pdst=OUR_IP)
    yield frames_input([arp_req])
    yield frames_input(
        [e / ARP(op=2, hwsrc=PEER_MAC, psrc="198.18.0.9", pdst=OUR_IP)]
    )
    yield frames_input([e / ip / ICMP() / b"ping"])
    yield frames_input(
        [
            e
            / IP(src=PEER_IP, dst=OUR_IP, options=b"\x07\x07\x04" + b"\0" * 5)
            / ICMP()
        ]
    )
    yield frames_input([e / ip / UDP(sport=9, dport=7) / b"u"])
    yield frames_input([e / IP(src=PEER_IP, dst="198.19.0.9", ttl=1) / UDP()])
    yield frames_input([e / IP(src="198.18.0.9", dst=OUR_IP, proto=99) / b"x"])
    yield frames_input([e / Dot1Q(vlan=3) / ip / ICMP()])
    yield frames_input(
        [
            e
            / ip
            / ICMP(type=3, code=4, nexthopmtu=576)
            / IP(src=OUR_IP, dst=PEER_IP)
            / TCP(sport=80, dport=40000)
        ]
    )
    yield frames_input([e / ip / ICMP(type=13)])
    yield frames_input([e / f for f in fragment(big, 1480)], advance=(2,))
    yield frames_input([e / f for f in fragment(big, 600)], tight=True)
    # A handshake to the listener: SYN, then an ACK of a guessed ISN (RST).
    yield frames_input(
        [
            e
            / ip
            / TCP(
                sport=40000,
                dport=80,
                flags="S",
                seq=1000,
                options=[
                    ("MSS", 1460),
                    ("SAckOK", b""),
                    ("Timestamp", (1, 0)),
                    ("WScale", 7),
                ],
            ),
            e / ip / TCP(sport=40000, dport=80, flags="A", seq=1001, ack=1),
            e / ip / TCP(sport=40001, dport=81, flags="S", seq=5),
        ]
    )
    # Three peers at once against a listen queue of two.
    yield frames_input(
        [
            e / ip / TCP(sport=40000 + i, dport=80, flags="S", seq=1000)
            for i in range(4)
        ],
        tight=True,
    )
    # Packets for an unresolved neighbour, more than the hold queue takes.
    yield frames_input(
        [
            e / IP(src=PEER_IP, dst="198.19.0.9") / ICMP(seq=i)
            for i in range(4)
        ],
        tight=True,
    )
    # The peer resolves us first, then pings through the ARP entry it made.
    yield frames_input([arp_req, e / ip / ICMP(seq=2)], advance=(1,))


def tcp_seg(
    flags=0,
    act=0,
    seq=0,
    ack=0,
    win=65535,
    opts=b"",
    pay=b"",
    advance=False,
    badsum=False,
    peer=0,
):
    """One record of fuzz_tcp's input (see fuzz_tcp.c)."""
    ctl = flags | (0x40 if badsum else 0) | (0x80 if advance else 0)
    return (
        struct.pack(
            "<BBhhHBB",
            ctl,
            act,
            seq,
            ack,
            win,
            len(opts) | peer << 6,
            len(pay),
        )
        + opts
        + pay
    )


FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16
MSS = b"\x02\x04\x05\xb4"
SACKOK = b"\x04\x02"
TS = b"\x08\x0a\x00\x00\x00\x05\x00\x00\x00\x00"
WS = b"\x03\x03\x07"


def sack(left, right):
    return b"\x01\x01\x05\x0a" + struct.pack(">II", left, right)


def tcp_seeds():
    # State numbers as fuzz_tcp.c: 0 LISTEN ... 8 TIME_WAIT.
    hs = tcp_seg(SYN, seq=-1, opts=MSS + SACKOK + WS + b"\x01" + TS[:10])
    yield (
        bytes([0, 0])
        + hs
        + tcp_seg(ACK)
        + tcp_seg(ACK | PSH, act=5, pay=b"GET /\r\n")
    )
    yield bytes([0, 0]) + tcp_seg(SYN, seq=-1) + tcp_seg(RST)
    yield bytes([0, 0]) + tcp_seg(ACK, seq=5, ack=9)
    yield bytes([1, 0]) + tcp_seg(ACK) + tcp_seg(ACK | FIN, act=5)
    yield bytes([1, 0]) + tcp_seg(SYN, seq=-1) + tcp_seg(ACK, advance=True)
    yield bytes([2, 0]) + tcp_seg(SYN | ACK, seq=-1, opts=MSS + WS + b"\x01")
    yield bytes([2, 0]) + tcp_seg(SYN, seq=-1) + tcp_seg(ACK)
    yield bytes([2, 0]) + tcp_seg(RST | ACK)
    for opts in (0, 1, 4, 5):
        yield (
            bytes([3, opts])
            + tcp_seg(ACK | PSH, pay=b"hello")
            + tcp_seg(ACK, act=1 | (20 << 3))
            + tcp_seg(ACK, ack=97 * 20)
        )
    yield (
        bytes([3, 4])
        + tcp_seg(ACK, act=1 | (31 << 3))
        + tcp_seg(ACK, opts=sack(0x20000001 + 1460, 0x20000001 + 2920))
        + tcp_seg(ACK)
        + tcp_seg(ACK)
        + tcp_seg(ACK)
    )
    yield (
        bytes([3, 0])
        + tcp_seg(ACK | PSH, seq=100, pay=b"later")
        + tcp_seg(ACK | PSH, pay=b"x" * 100)
        + tcp_seg(ACK, act=2)
    )
    yield (
        bytes([3, 2])
        + tcp_seg(ACK | PSH, pay=b"wrap" * 8)
        + tcp_seg(ACK | FIN, seq=32)
    )
    yield (
        bytes([3, 0])
        + tcp_seg(ACK, win=0, act=1 | (8 << 3))
        + tcp_seg(ACK, advance=True)
        + tcp_seg(ACK, win=4096)
    )
    yield bytes([3, 0]) + tcp_seg(RST, seq=0) + tcp_seg(ACK)
    yield bytes([3, 0]) + tcp_seg(SYN, seq=-1)
    yield bytes([3, 0]) + tcp_seg(ACK | PSH, pay=b"bad", badsum=True)
    yield bytes([4, 0]) + tcp_seg(ACK, ack=1) + tcp_seg(ACK | FIN, ack=1)
    yield bytes([4, 0]) + tcp_seg(ACK | FIN) + tcp_seg(ACK, ack=1)
    yield (
        bytes([5, 0])
        + tcp_seg(ACK | PSH, ack=1, pay=b"more")
        + tcp_seg(ACK | FIN, seq=4, ack=1)
    )
    yield (
        bytes([6, 0])
        + tcp_seg(ACK, seq=1, act=1 | (3 << 3))
        + tcp_seg(ACK, seq=1, ack=97 * 3, act=4)
    )
    yield bytes([7, 0]) + tcp_seg(ACK, seq=1, ack=1)
    yield bytes([7, 0]) + tcp_seg(ACK | FIN, seq=0, ack=0)
    yield (
        bytes([8, 0])
        + tcp_seg(ACK | FIN, seq=0, ack=1)
        + tcp_seg(SYN, seq=1000)
    )
    yield bytes([8, 1]) + tcp_seg(ACK, seq=1, ack=1, advance=True)
    # Tight limits: out-of-order blocks past the queue, a full buffer.
    yield (
        bytes([3, 8])
        + b"".join(
            tcp_seg(ACK | PSH, seq=100 * i, pay=b"o" * 10) for i in range(1, 7)
        )
        + tcp_seg(ACK | PSH, pay=b"x" * 100)
    )
    yield bytes([3, 8]) + b"".join(
        tcp_seg(ACK | PSH, seq=200 * i, pay=b"f" * 200) for i in range(25)
    )
    yield bytes([0, 8]) + b"".join(
        tcp_seg(SYN, seq=-1 - i, peer=i % 4) for i in range(6)
    )


def frag(ctl, off, payload):
    """One record of fuzz_reass's input (see fuzz_reass.c)."""
    return struct.pack("<BHB", ctl, off, len(payload)) + payload


def reass_input(*frags, tight=False):
    """fuzz_reass's format: a mode byte, then the fragments."""
    return bytes([1 if tight else 0]) + b"".join(frags)


def reass_seeds():
    udp = bytes(UDP(sport=9, dport=7, len=8 + 40, chksum=0) / (b"r" * 40))
    icmp = bytes(ICMP() / (b"i" * 40))
    MF, UDP_P, ICMP_P = 4, 1 << 3, 0
    yield (
        reass_input()
        + frag(MF | UDP_P, 0, udp[:24])
        + frag(UDP_P, 3, udp[24:])
    )
    yield (
        reass_input()
        + frag(UDP_P, 3, udp[24:])
        + frag(MF | UDP_P, 0, udp[:24])
    )
    yield (
        frag(MF | ICMP_P, 0, icmp[:16])
        + frag(MF | ICMP_P, 2, icmp[16:32])
        + frag(ICMP_P, 4, icmp[32:])
    )
    yield (
        reass_input()
        + frag(MF | ICMP_P, 0, icmp[:16])
        + frag(ICMP_P, 1, icmp[8:])
    )
    yield (
        reass_input()
        + frag(MF | UDP_P, 0, udp[:24])
        + frag(0x80 | UDP_P, 3, udp[24:])
    )
    yield (
        frag(MF | UDP_P | 1, 0, udp[:24])
        + frag(MF | UDP_P | 2, 0, udp[:24])
        + frag(UDP_P | 3, 3, udp[24:])
        + frag(UDP_P | 1, 3, udp[24:])
    )
    yield reass_input() + b"".join(
        frag(MF | ICMP_P, i, b"z" * 8) for i in range(20)
    )
    yield (
        reass_input()
        + frag(MF | (2 << 3), 0, b"t" * 24)
        + frag(2 << 3, 3, b"t" * 8)
    )
    yield reass_input() + frag(MF | 0x20, 0, udp[:24])
    yield reass_input(
        *(frag(4 | (k & 3), 0, udp[:24]) for k in range(4)),
        *(frag(4 | 1, i, b"q" * 8) for i in range(3, 8)),
        tight=True,
    )


# fuzz_msg's operations (see fuzz_msg.c).
OP_POST, OP_WORD, OP_BELL, OP_OWNER, OP_RUN, OP_SWEEP, OP_CLAIM, OP_LEN = (
    range(8)
)
POST_RAWLEN, POST_ABANDON, POST_NORUN, POST_UNREAD = 0x08, 0x10, 0x20, 0x40
# ipc/ff_msg_ring.h: slot states and the slot word.
MS_FREE, MS_CLAIMED, MS_REQUEST, MS_DONE, MS_ABANDONED = range(5)


def ms_word(state, gen, owner):
    return owner << 32 | (gen & 0xFFFFFF) << 8 | state


def msg(msg_type, body, cursor=None, raw_hdr=None, op=OP_POST, slot=0):
    """One POST of fuzz_msg's input: a request through a free slot."""
    how = (1 if cursor is not None else 0) | (2 if raw_hdr else 0)
    out = struct.pack("<BBBBH", op, slot, msg_type, how, len(body))
    if cursor is not None:
        out += struct.pack("<Q", cursor)
    return out + (raw_hdr or b"") + body


def msg_seeds():
    f = _ffi
    sysreq = f.encode_sysctl_req
    yield (
        msg(f.FF_MSG_ECHO, b"hello")
        + msg(f.FF_MSG_TOP, b"")
        + msg(f.FF_MSG_TRAFFIC, b"")
    )
    yield msg(f.FF_MSG_SYSCTL, sysreq(f.FF_SYSCTL_GET, name="net.inet.ip.ttl"))
    yield msg(
        f.FF_MSG_SYSCTL,
        sysreq(f.FF_SYSCTL_GET, oid=[1, 1], flags=f.FF_SYSCTLF_DESCR),
    )
    yield msg(f.FF_MSG_SYSCTL, sysreq(f.FF_SYSCTL_WALK, maxnodes=8))
    yield msg(
        f.FF_MSG_SYSCTL,
        sysreq(
            f.FF_SYSCTL_WALK,
            flags=f.FF_SYSCTLF_AFTER | f.FF_SYSCTLF_NODES,
            oid=[4, 2, 0],
            rootlen=1,
        ),
        cursor=5,
    )
    yield msg(
        f.FF_MSG_SYSCTL,
        sysreq(
            f.FF_SYSCTL_SET,
            name="net.inet.ip.ttl",
            flags=f.FF_SYSCTLF_TEXT,
            new="33",
        ),
    )
    yield msg(
        f.FF_MSG_SYSCTL,
        sysreq(
            f.FF_SYSCTL_SET,
            name="net.inet.tcp.msl",
            new=struct.pack("<i", 1000),
        ),
    )
    yield msg(f.FF_MSG_IOCTL, f.encode_ioctl_req(f.FF_IOCTL_LIST))
    yield msg(
        f.FF_MSG_IOCTL,
        f.encode_ioctl_req(
            f.FF_IOCTL_ADDADDR,
            name="f-stack-0",
            addr="198.18.5.2",
            mask="255.255.255.0",
            broadaddr="198.18.5.255",
        ),
    ) + msg(
        f.FF_MSG_IOCTL,
        f.encode_ioctl_req(
            f.FF_IOCTL_DELADDR, name="f-stack-0", addr="198.18.5.2"
        ),
    )
    yield msg(
        f.FF_MSG_IOCTL,
        f.encode_ioctl_req(f.FF_IOCTL_SETFLAGS, name="f-stack-1", value=0),
    ) + msg(
        f.FF_MSG_IOCTL,
        f.encode_ioctl_req(f.FF_IOCTL_SETMTU, name="f-stack-0", value=1400),
    )
    yield (
        msg(
            f.FF_MSG_ROUTE,
            f.encode_rt_msg(
                f.FF_RTM_ADD,
                flags=f.RTF_UP | f.RTF_GATEWAY | f.RTF_STATIC,
                dst="10.1.0.0",
                netmask="255.255.0.0",
                gateway="198.18.0.1",
            ),
        )
        + msg(f.FF_MSG_ROUTE, f.encode_rt_msg(f.FF_RTM_GET, dst="10.1.2.3"))
        + msg(
            f.FF_MSG_ROUTE,
            f.encode_rt_msg(
                f.FF_RTM_DELETE, dst="10.1.0.0", netmask="255.255.0.0"
            ),
        )
    )
    yield msg(f.FF_MSG_ROUTE, f.encode_rt_msg(f.FF_RTM_DUMP))
    yield msg(
        f.FF_MSG_ROUTE,
        f.encode_rt_msg(
            f.FF_RTM_ADD,
            flags=f.RTF_UP | f.RTF_HOST | f.RTF_LLINFO | f.RTF_STATIC,
            dst="198.18.0.7",
            ifname="f-stack-0",
            lladdr=bytes.fromhex("020000000007"),
            expire=60,
        ),
    ) + msg(f.FF_MSG_ROUTE, f.encode_rt_msg(f.FF_RTM_DUMP, flags=f.RTF_LLINFO))
    hdr = f.encode_header(
        fm_magic=f.FF_MSG_MAGIC, fm_version=9, fm_type=f.FF_MSG_ECHO, fm_len=70
    )
    yield (
        msg(f.FF_MSG_ECHO, b"abcdef", raw_hdr=hdr)
        + msg(f.FF_MSG_NETSTAT, b"")
        + msg(f.FF_MSG_IPFW, b"")
        + msg(15, b"x")
    )
    yield from ring_seeds()


def ring_seeds():
    """The slot state machine: what broken, slow and dead tools leave."""
    f = _ffi
    echo = msg(f.FF_MSG_ECHO, b"ping")
    # Three posts met by one poll, one abandoned, one answer left unread.
    yield (
        msg(f.FF_MSG_ECHO, b"a", op=OP_POST | POST_NORUN, slot=5)
        + msg(f.FF_MSG_TOP, b"", op=OP_POST | POST_NORUN | POST_ABANDON)
        + msg(f.FF_MSG_TRAFFIC, b"", op=OP_POST | POST_UNREAD, slot=63)
        + bytes([OP_RUN])
        + echo
    )
    # Doorbell bits of FREE, CLAIMED, DONE and unknown-state slots.
    yield (
        bytes([OP_CLAIM, 3, OP_CLAIM | POST_RAWLEN, 9])
        + bytes([OP_WORD, 12])
        + struct.pack("<Q", ms_word(MS_DONE, 4, 3 * 256 + 1))
        + bytes([OP_WORD, 13])
        + struct.pack("<Q", ms_word(0x17, 1, 5))
        + bytes([OP_BELL])
        + struct.pack("<Q", 0xFFFFFFFFFFFFFFFF)
        + bytes([OP_RUN])
        + echo
    )
    # A REQUEST nobody posted properly: garbage length, then rung.
    yield (
        bytes([OP_WORD, 20])
        + struct.pack("<Q", ms_word(MS_REQUEST, 2, 3 * 256 + 1))
        + bytes([OP_LEN, 20])
        + struct.pack("<I", 0xFFFFFFF0)
        + bytes([OP_BELL])
        + struct.pack("<Q", 1 << 20)
        + msg(f.FF_MSG_ECHO, b"x" * 40, op=OP_POST | POST_RAWLEN)
        + struct.pack("<I", 12)
    )
    # Stale, dead, silent and foreign owners, then the sweep.
    yield (
        bytes([OP_CLAIM, 30, OP_CLAIM, 31])
        + bytes([OP_OWNER, 7, 0x0C])  # a pid that cannot run
        + struct.pack("<I", 0)
        + bytes([OP_WORD, 40])
        + struct.pack("<Q", ms_word(MS_CLAIMED, 1, 3 * 256 + 7))
        + bytes([OP_OWNER, 8, 0x63])  # another namespace, seen long ago
        + struct.pack("<I", 3 * 256 + 8)
        + bytes([OP_WORD, 41])
        + struct.pack("<Q", ms_word(MS_REQUEST, 1, 3 * 256 + 8))
        + bytes([OP_OWNER, 9, 0xA3])  # another namespace, seen "later"
        + struct.pack("<I", 3 * 256 + 9)
        + bytes([OP_WORD, 42])
        + struct.pack("<Q", ms_word(MS_DONE, 1, 3 * 256 + 9))
        + bytes([OP_WORD, 43])
        + struct.pack("<Q", ms_word(MS_ABANDONED, 1, 4 * 256 + 1))
        + bytes([OP_SWEEP])
        + bytes([OP_OWNER, 1, 0x01])  # our own record, an older id
        + struct.pack("<I", 0)
        + bytes([OP_SWEEP])
        + echo
    )


def config_seeds():
    for p in [REPO / "config.ini", *sorted((REPO / "examples").glob("*.ini"))]:
        yield p.read_bytes()
    yield (
        b"[dpdk]\nlcore_mask=1\nport_list=0\nnb_mbufs=2047\n"
        b"[port0]\naddr=198.18.0.2\nnetmask=255.255.255.0\n"
        b"gateway=198.18.0.1\n[freebsd.boot]\nhz=100\n"
        b"kern.ipc.maxsockets=64\n[freebsd.sysctl]\n"
        b"net.inet.tcp.sendspace=16384\nnet.inet.ip.ttl=32\n"
    )
    yield (
        b"[dpdk]\nlcore_list=0\nport_list=0-1\nvlan_strip=0\n"
        b"[port0]\naddr=198.18.0.2\nnetmask=255.255.255.0\n"
        b"[port1]\naddr=198.19.0.2\nnetmask=255.255.255.0\n"
        b"broadcast=198.19.0.255\n"
    )


def write(name, seeds):
    d = OUT / name
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    n = size = 0
    for s in seeds:
        (d / hashlib.sha1(s).hexdigest()).write_bytes(s)
        n += 1
        size += len(s)
    print("%-7s %3d seeds, %6d bytes" % (name, n, size))


def main():
    write("ether", ether_seeds())
    write("tcp", tcp_seeds())
    write("reass", reass_seeds())
    write("msg", msg_seeds())
    write("config", config_seeds())


if __name__ == "__main__":
    main()
