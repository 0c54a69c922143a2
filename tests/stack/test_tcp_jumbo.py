"""A jumbo MTU ([portN] mtu, dpdk/ff_dpdk_port.c): the interface takes
it, and the MSS we offer is the MTU less 40 bytes of IP and TCP headers
(RFC 879, RFC 6691: 8960 for 9000)."""

import errno


from ffstack import CONFIG
from fstools import _ffi
from fstools._ffi import FF_IOCTL_LIST, FF_MSG_IOCTL
from tcp_peer import PEER_IP, Peer, quiesce, tcp_stack

MTU = 9000
MSS = MTU - 40  # RFC 6691: the MTU less 20 bytes of IP, 20 of TCP
ETHER_HDR = 14
MBUF = 2048  # RTE_MBUF_DEFAULT_DATAROOM: what one mbuf holds


def jumbo_stack(make_stack, mtu=MTU):
    cfg = CONFIG.replace("[port0]", f"[port0]\nmtu={mtu}")
    st = tcp_stack(lambda: make_stack(cfg))
    st.sysctl("net.inet.tcp.sendspace", 256 * 1024)
    return st


def opts(t):
    return dict((k, v) for k, v in t.options)


def ifmtu(st):
    err, _, body = st.msg(
        FF_MSG_IOCTL, _ffi.encode_ioctl_req(FF_IOCTL_LIST, "f-stack-0")
    )
    assert err == 0
    return _ffi.decode_ioctl_reply(body)[0]["mtu"]


def accept(st, peer, options):
    """A listener on 80 and the peer's handshake: (lfd, fd, SYN-ACK)."""
    lfd = st.tcp_socket()
    assert st.tcp_bind(lfd, "", 80) == 0
    assert st.tcp_listen(lfd, 8) == 0
    peer.seq = 1000
    peer.send("S", options=options)
    sa = peer.expect("SA")
    peer.send("A", options=[o for o in options if o[0] == "Timestamp"])
    fd = st.tcp_accept(lfd)
    assert fd >= 0
    return lfd, fd, sa


def test_interface_takes_the_mtu(make_stack):
    assert ifmtu(jumbo_stack(make_stack)) == MTU
    assert ifmtu(tcp_stack(make_stack)) == 1500  # without the key


def test_syn_offers_mtu_less_40(make_stack):
    st = jumbo_stack(make_stack)
    fd = st.tcp_socket()
    assert st.tcp_connect(fd, PEER_IP, 80) == -errno.EINPROGRESS
    syn = Peer(st, sport=80, dport=0).expect("S")
    assert opts(syn)["MSS"] == MSS
    assert st.tcp_close(fd) == 0


def test_synack_offers_mtu_less_40(make_stack):
    st = jumbo_stack(make_stack)
    peer = Peer(st)
    lfd, fd, sa = accept(st, peer, [("MSS", MSS)])
    assert opts(sa)["MSS"] == MSS
    assert st.tcp_info(fd)["maxseg"] == MSS
    quiesce(st, fd, lfd)
