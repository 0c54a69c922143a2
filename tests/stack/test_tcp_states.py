"""net.inet.tcp.states: live control blocks counted by TCP state.

FreeBSD's TCPCTL_STATES (net.inet.tcp.states, "TCP connection counts by
TCP state"): one 64-bit count per state, in tcp_fsm.h's order, what
ff-top shows as connections by state.  Each test walks a connection
through RFC 9293's state diagram (3.3.2) with a peer played by scapy and
reads the array through the tools' message path after every step.
"""

import struct

from ffstack import TCPS, SHUT_WR
from tcp_peer import MSL_MS, Peer, establish, quiesce, tcp_stack


def states(st):
    """{state name: count} for the states with a count, and the raw
    record (fmt, length) to check the export's shape."""
    rec = st.sysctl_get("net.inet.tcp.states")
    value = bytes(rec["value"])
    counts = struct.unpack("=%dQ" % (len(value) // 8), value)
    return {TCPS[i]: n for i, n in enumerate(counts) if n}


def test_export_shape(make_stack):
    st = tcp_stack(make_stack)
    rec = st.sysctl_get("net.inet.tcp.states")
    assert rec["fmt"] == "QU"
    assert len(bytes(rec["value"])) == 8 * 11  # TCP_NSTATES counters
    assert states(st) == {}


def test_passive_open_and_close(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    assert states(st) == {"CLOSED": 1}  # a new socket's control block
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 4)
    assert states(st) == {"LISTEN": 1}
    peer = Peer(st)
    peer.seq = 100
    peer.send("S")
    peer.expect("SA")
    peer.send("A")
    assert states(st) == {"LISTEN": 1, "ESTABLISHED": 1}
    fd = st.tcp_accept(lfd)
    peer.send("FA")
    peer.expect("A")
    assert states(st) == {"LISTEN": 1, "CLOSE_WAIT": 1}
    st.tcp_close(fd)
    fin = peer.expect("FA")
    assert states(st) == {"LISTEN": 1, "LAST_ACK": 1}
    peer.send("A", ack=fin.seq + 1)
    assert states(st) == {"LISTEN": 1}
    quiesce(st, lfd)
    assert states(st) == {}


def test_active_close_through_time_wait(make_stack):
    st = tcp_stack(make_stack)
    peer = Peer(st)
    fd = establish(st, peer)
    assert states(st) == {"ESTABLISHED": 1}
    st.tcp_shutdown(fd, SHUT_WR)
    fin = peer.expect("FA")
    assert states(st) == {"FIN_WAIT_1": 1}
    peer.send("A", ack=fin.seq + 1)
    assert states(st) == {"FIN_WAIT_2": 1}
    peer.send("FA")
    peer.expect("A")
    assert states(st) == {"TIME_WAIT": 1}
    assert st.tcp_close(fd) == 0
    assert states(st) == {"TIME_WAIT": 1}  # outlives the descriptor
    st.advance(2 * MSL_MS / 1000 + 0.2)
    assert states(st) == {}


def test_counts_add_up_to_pcbcount(make_stack):
    st = tcp_stack(make_stack)
    fds = []
    for port in range(40000, 40005):
        fds.append(establish(st, Peer(st, sport=port, dport=port - 32000)))
    syn = st.tcp_socket()
    st.tcp_bind(syn, "", 5000)
    st.tcp_connect(syn, "198.18.0.1", 40100)
    assert states(st) == {"SYN_SENT": 1, "ESTABLISHED": 5}
    count = st.sysctl_get("net.inet.tcp.pcbcount")
    assert struct.unpack("=i", bytes(count["value"]))[0] == 6
    st.tcp_close(fds[0])  # FIN sent: FIN_WAIT_1
    assert states(st) == {"SYN_SENT": 1, "ESTABLISHED": 4, "FIN_WAIT_1": 1}
    quiesce(st, syn, *fds[1:])
    assert states(st) == {}
