"""ifconfig [-]rxcsum, [-]txcsum, [-]tso4 (SIOCSIFCAP, FF_IOCTL_SETCAP;
net/if.c if_setcap()): FreeBSD's ifconfig(8) turns an interface's
checksum offloads off and on at run time.  On a [portN] csum_trust port
(the test port plays the peer ff stack), -txcsum makes the next TCP
segment and UDP datagram leave with the full sum (RFC 9293 3.1, RFC 768:
what scapy computes) in place of the pseudo-header sum, and txcsum brings
the pseudo sum back; -rxcsum makes the stack verify what it receives, so
a wrong sum is dropped and counted (tcps_rcvbadsum, udps_badsum) where it
was taken.  A capability the interface lacks is refused with EINVAL
(FreeBSD's ifhwioctl()), one that cannot change with EOPNOTSUPP (lo0's),
and TSO goes with -txcsum (FreeBSD's drivers: "tso4 disabled due to
-txcsum", "enable txcsum first" = EAGAIN).  FreeBSD errno values."""

import pytest
from scapy.layers.inet import IP, TCP, UDP

from ffstack import capenable
from fstools import _ffi
from fstools._ffi import FF_IOCTL_SETCAP, FF_MSG_IOCTL
from tcp_peer import Peer, handshake_passive, quiesce, tcp_stack
from test_csum_trust import (
    BAD,
    IPPROTO_TCP,
    IPPROTO_UDP,
    TRUST,
    fresh,
    pseudo_sum,
    tcp_wrong_sum,
    udp_sent,
    udp_wrong_sum,
)

IFCAP_RXCSUM, IFCAP_TXCSUM, IFCAP_TSO4 = 0x1, 0x2, 0x100  # net/if.h
EINVAL, EAGAIN, EOPNOTSUPP = 22, 35, 45  # FreeBSD sys/errno.h


def setcap(st, on=0, off=0, name="f-stack-0"):
    """ifconfig's SIOCSIFCAP: the new set from the current one; fm_error."""
    want = (capenable(st, name) | on) & ~off
    err, _, _ = st.msg(
        FF_MSG_IOCTL, _ffi.encode_ioctl_req(FF_IOCTL_SETCAP, name, want)
    )
    return err


def tcp_sent(st, sport):
    """A data segment as the stack sends it."""
    peer = Peer(st, sport=sport, dport=80)
    lfd, fd = handshake_passive(st, peer)
    assert st.tcp_send(fd, b"x" * 1000) == 1000
    st.run()
    seg = peer.pop()
    assert seg is not None and len(seg[TCP].payload) == 1000
    peer.send("A", ack=None)
    quiesce(st, fd, lfd)
    return seg


def is_pseudo(pkt, layer, proto):
    return pkt[layer].chksum == pseudo_sum(pkt[IP], proto) != fresh(pkt, layer)


def test_txcsum_off_and_on_at_run_time(make_stack):
    st = tcp_stack(make_stack, TRUST)
    assert is_pseudo(tcp_sent(st, 41000), TCP, IPPROTO_TCP)
    assert setcap(st, off=IFCAP_TXCSUM) == 0
    assert capenable(st) & (IFCAP_TXCSUM | IFCAP_RXCSUM) == IFCAP_RXCSUM
    seg, dgram = tcp_sent(st, 41001), udp_sent(st)
    assert seg[TCP].chksum == fresh(seg, TCP)
    assert dgram[UDP].chksum == fresh(dgram, UDP)
    assert seg[IP].chksum == fresh(seg, IP)
    assert setcap(st, on=IFCAP_TXCSUM) == 0
    assert capenable(st) & IFCAP_TXCSUM
    assert is_pseudo(tcp_sent(st, 41002), TCP, IPPROTO_TCP)
    assert is_pseudo(udp_sent(st), UDP, IPPROTO_UDP)


def test_rxcsum_off_verifies_what_comes_in(make_stack):
    st = tcp_stack(make_stack, TRUST)
    assert tcp_wrong_sum(st, TCP) and udp_wrong_sum(st)
    assert st.counters(*BAD.values()) == {k: 0 for k in BAD.values()}
    assert setcap(st, off=IFCAP_RXCSUM) == 0
    assert capenable(st) & (IFCAP_TXCSUM | IFCAP_RXCSUM) == IFCAP_TXCSUM
    assert not tcp_wrong_sum(st, TCP)
    assert st.counter(BAD[TCP]) == 1
    assert not udp_wrong_sum(st)
    assert st.counter(BAD[UDP]) == 1
    assert setcap(st, on=IFCAP_RXCSUM) == 0
    assert tcp_wrong_sum(st, TCP)
    assert st.counter(BAD[TCP]) == 1


def test_missing_capability_refused(make_stack):
    """A port without checksum offload: txcsum is EINVAL, nothing moves,
    and segments still leave fully summed."""
    st = tcp_stack(make_stack)
    before = capenable(st)
    assert before & (IFCAP_TXCSUM | IFCAP_RXCSUM) == 0
    assert setcap(st) == 0  # what it has is taken as it is
    assert setcap(st, on=IFCAP_TXCSUM) == EINVAL
    assert setcap(st, on=IFCAP_RXCSUM) == EINVAL
    assert capenable(st) == before
    seg = tcp_sent(st, 41003)
    assert seg[TCP].chksum == fresh(seg, TCP)


@pytest.mark.parametrize("cap", [IFCAP_RXCSUM, IFCAP_TXCSUM])
def test_lo0_capabilities_stay(make_stack, cap):
    st = tcp_stack(make_stack)
    before = capenable(st, "lo0")
    assert before & cap
    assert setcap(st, off=cap, name="lo0") == EOPNOTSUPP
    assert capenable(st, "lo0") == before


def test_txcsum_off_takes_tso4(make_stack):
    """-txcsum on a TSO port: TSO4 off too, so the next burst leaves in
    MSS-sized segments, each fully summed by the stack, IP header too
    (the port is asked for nothing: no ol_flags)."""
    from test_tcp_tso import MSS, establish, send_all, stack

    st = stack(make_stack, tso=1)
    assert capenable(st) & (IFCAP_TXCSUM | IFCAP_TSO4) == (
        IFCAP_TXCSUM | IFCAP_TSO4
    )
    assert setcap(st, off=IFCAP_TXCSUM) == 0
    assert capenable(st) & (IFCAP_TXCSUM | IFCAP_TSO4) == 0
    peer = Peer(st)
    fd = establish(st, peer, mss=MSS)
    data = bytes(i * 7 % 251 for i in range(100_000))
    for p, (ol, *_) in send_all(st, peer, fd, data):
        assert len(p[TCP].payload) <= MSS and ol == 0
        assert p[TCP].chksum == fresh(p, TCP)
        assert p[IP].chksum == fresh(p, IP)
    quiesce(st, fd)
    assert setcap(st, on=IFCAP_TSO4) == EAGAIN
    assert setcap(st, on=IFCAP_TXCSUM) == 0
    assert capenable(st) & (IFCAP_TXCSUM | IFCAP_TSO4) == IFCAP_TXCSUM
    assert setcap(st, on=IFCAP_TSO4) == 0
    assert capenable(st) & IFCAP_TSO4
