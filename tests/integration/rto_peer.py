"""A TCP peer that withholds its ACKs, for the live RTO test
(tests/integration/test_rto_live.py).

    python rto_peer.py TAP PEER_MAC PEER_IP STACK_MAC STACK_IP PORT N

Run inside the stack's namespace, on the kernel end of the stack's tap,
which must have no IPv4 address: the frames go through a raw AF_PACKET
socket, so the Linux kernel's TCP never sees the connection (it neither
ACKs nor resets).  The peer answers the stack's ARP requests for
PEER_IP, makes a connection to STACK_IP:PORT (an HTTP server:
examples/helloworld), sends one request, and from then on acknowledges
nothing.  It records the kernel's receive time of the first data
segment of the reply and of its first N retransmissions (the same
sequence number), resets the connection, and prints one JSON line:

    {"times": [t0, t1, ...], "seq": S, "len": L, "mss": M}

Times are seconds (CLOCK_REALTIME, from SO_TIMESTAMPNS).  Exit status 1
with a message on stderr when the stack does not answer in time.
"""

import json
import os
import select
import socket
import struct
import sys
import time

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import ARP, Ether

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SO_TIMESTAMPNS = 35  # Linux; SCM_TIMESTAMPNS has the same value
REQUEST = b"GET / HTTP/1.1\r\nHost: ff\r\nUser-Agent: rto_peer\r\n\r\n"
ANSWER_S = 5.0  # a handshake or reply not seen by then is a failure
WAIT_S = 10.0  # nor a retransmission (the fourth is due after 1.84 s)


class Peer:
    """The raw socket, our addresses and our side of the connection."""

    def __init__(self, tap, mac, ip, smac, sip, port):
        self.mac, self.ip, self.smac, self.sip = mac, ip, smac, sip
        self.sport = 40000 + os.getpid() % 20000
        self.dport = port
        self.seq = 1000  # our ISN; the next byte we send after the SYN
        self.ack = 0
        self.sock = socket.socket(
            socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL)
        )
        self.sock.bind((tap, ETH_P_ALL))
        self.sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    def send(self, flags, data=b"", options=None):
        frame = (
            Ether(src=self.mac, dst=self.smac)
            / IP(src=self.ip, dst=self.sip)
            / TCP(
                sport=self.sport,
                dport=self.dport,
                flags=flags,
                seq=self.seq,
                ack=self.ack if "A" in flags else 0,
                window=65535,
                options=options or [],
            )
            / data
        )
        self.sock.send(bytes(frame))
        self.seq += len(data) + ("S" in flags) + ("F" in flags)

    def _answer_arp(self, pkt):
        arp = pkt[ARP]
        if arp.op == 1 and arp.pdst == self.ip:
            reply = Ether(src=self.mac, dst=arp.hwsrc) / ARP(
                op=2,
                hwsrc=self.mac,
                psrc=self.ip,
                hwdst=arp.hwsrc,
                pdst=arp.psrc,
            )
            self.sock.send(bytes(reply))

    def _read(self, timeout):
        """One incoming frame: (Ether, kernel time) or (None, None)."""
        if not select.select([self.sock], [], [], timeout)[0]:
            return None, None
        data, anc, _, addr = self.sock.recvmsg(65536, 256)
        if addr[2] == PACKET_OUTGOING:
            return None, None
        stamp = time.time()
        for level, kind, raw in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("=qq", raw[:16])
                stamp = sec + nsec / 1e9
        return Ether(data), stamp

    def segment(self, deadline):
        """The next segment of our connection from the stack, answering
        ARP on the way: (TCP layer, receive time), or (None, None)."""
        while (left := deadline - time.monotonic()) > 0:
            pkt, stamp = self._read(left)
            if pkt is None:
                continue
            if ARP in pkt:
                self._answer_arp(pkt)
            elif (
                TCP in pkt
                and pkt[IP].src == self.sip
                and pkt[TCP].dport == self.sport
            ):
                return pkt[TCP], stamp
        return None, None


def connect(peer):
    """SYN (sent again each second), SYN-ACK, ACK: the stack's MSS."""
    deadline = time.monotonic() + ANSWER_S
    while time.monotonic() < deadline:
        peer.seq = 1000
        peer.send("S", options=[("MSS", 1460)])
        t, _ = peer.segment(min(deadline, time.monotonic() + 1.0))
        if t is not None and str(t.flags) == "SA":
            peer.ack = t.seq + 1
            peer.send("A")
            return dict(t.options).get("MSS", 536)
    raise SystemExit("rto_peer: no SYN-ACK from %s" % peer.sip)


def reply_times(peer, n):
    """Receive times of the reply's first data segment and of its first
    n retransmissions; nothing is acknowledged."""
    deadline = time.monotonic() + ANSWER_S
    first, times = None, []
    while len(times) <= n:
        t, stamp = peer.segment(deadline)
        if t is None:
            raise SystemExit(
                "rto_peer: %d of %d transmissions seen, then none for "
                "%.0f s" % (len(times), n + 1, WAIT_S)
            )
        data = bytes(t.payload)
        if not data or (first is not None and t.seq != first[0]):
            continue
        if first is None:
            first = (t.seq, len(data))
        times.append(stamp)
        deadline = time.monotonic() + WAIT_S
    return first, times


def main(argv):
    if len(argv) != 8:
        sys.stderr.write(__doc__)
        return 2
    tap, mac, ip, smac, sip, port, n = argv[1:]
    peer = Peer(tap, mac, ip, smac, sip, int(port))
    mss = connect(peer)
    peer.send("PA", data=REQUEST)
    (seq, length), times = reply_times(peer, int(n))
    peer.send("R")
    print(json.dumps({"times": times, "seq": seq, "len": length, "mss": mss}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
