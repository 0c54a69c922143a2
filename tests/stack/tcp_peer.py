"""The far end of a TCP connection, played with scapy through the test
port: builds segments to the stack, pops what the stack sends, and keeps
its own sequence numbers.  Shared by tests/stack/test_tcp_*.py.

    peer = Peer(st, sport=40000, dport=80)
    peer.send("S", seq=1000, options=[("MSS", 1460)])
    synack = peer.expect("SA")
"""

import errno

from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether

import ffstack

PEER_MAC = "02:00:00:00:aa:01"
PEER_IP = "198.18.0.1"
OUR_IP = "198.18.0.2"
MSL_MS = 1000  # tests shorten net.inet.tcp.msl to this


def tcp_stack(make_stack, config=None):
    """A stack that knows the peer's MAC (no ARP exchange) and a short MSL."""
    st = make_stack() if config is None else make_stack(config)
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    st.sysctl("net.inet.tcp.msl", MSL_MS)
    return st


def flagstr(tcp):
    return str(tcp.flags)


class Peer:
    def __init__(self, st, sport=40000, dport=80, ip=PEER_IP):
        self.st, self.sport, self.dport, self.ip = st, sport, dport, ip
        self.seq = 0  # next sequence number we send
        self.ack = 0  # next we expect from the stack

    def segment(
        self, flags, seq=None, ack=None, data=b"", win=65535, options=None
    ):
        t = TCP(
            sport=self.sport,
            dport=self.dport,
            flags=flags,
            seq=(self.seq if seq is None else seq) & 0xFFFFFFFF,
            ack=(self.ack if ack is None else ack) & 0xFFFFFFFF,
            window=win,
            options=options or [],
        )
        return (
            Ether(dst=self.st.mac(), src=PEER_MAC)
            / IP(src=self.ip, dst=OUR_IP)
            / t
            / data
        )

    def send(
        self,
        flags,
        seq=None,
        ack=None,
        data=b"",
        win=65535,
        options=None,
        advance=True,
        run=True,
    ):
        """Inject one segment; our seq moves past its data/SYN/FIN."""
        pkt = self.segment(flags, seq, ack, data, win, options)
        s = pkt[TCP].seq
        self.st.inject(pkt, run=run)
        if advance:
            n = len(data) + ("S" in flags) + ("F" in flags)
            self.seq = (s + n) & 0xFFFFFFFF
        return pkt

    def pop(self):
        """The next TCP segment the stack sent to us, or None."""
        while (p := self.st.pop()) is not None:
            if TCP in p:
                return p
        return None

    def expect(self, flags=None):
        p = self.pop()
        assert p is not None, "the stack sent no segment"
        if flags is not None:
            assert flagstr(p[TCP]) == flags, "expected %s, got %r" % (
                flags,
                p[TCP],
            )
        t = p[TCP]
        n = len(bytes(t.payload)) + ("S" in t.flags) + ("F" in t.flags)
        if n:
            self.ack = (t.seq + n) & 0xFFFFFFFF
        return t

    def expect_nothing(self):
        p = self.pop()
        assert p is None, "unexpected segment %r" % p


def handshake_passive(st, peer, backlog=8, port=80, options=None):
    """A listener on port, a completed handshake: (listen fd, conn fd)."""
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", port) == 0
    assert st.tcp_listen(lfd, backlog) == 0
    peer.seq = 1000
    peer.send("S", options=options or [("MSS", 1460)])
    synack = peer.expect("SA")
    assert synack.ack == 1001
    peer.send("A")
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    return lfd, fd


def establish(st, peer, iss=5000, irs=1000, **kw):
    """A connection in ESTABLISHED without a handshake (named state)."""
    fd = st.tcp_establish(peer.dport, peer.sport, iss, irs, **kw)
    peer.seq, peer.ack = irs + 1, iss + 1
    return fd


def quiesce(st, *fds):
    """Close fds, let FINs and TIME_WAIT run out; no socket or pcb left."""
    for fd in fds:
        assert st.tcp_close(fd) == 0
    # Long enough for a FIN nobody acknowledges to be given up on.
    st.advance(1000, step=1)
    st.drain()
    assert st.counter("tcp.tcb_count") == 0
    assert st.counter("tcp.inpcbs") == 0
    assert st.counter("tcp.sockets") == 0


def no_errno(rc):
    assert rc >= 0, errno.errorcode.get(-rc, rc)
    return rc
