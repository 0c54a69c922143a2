"""[dpdk] profile=latency|throughput (core/ff_config_profile.c), seen on
the wire of the test port with the virtual clock.

What the profiles promise (issue 15, the man page libff.3):
  latency     the answer to a frame leaves in the loop iteration that
              received it (pkt_tx_delay 0); receive bursts of 8 frames;
              TCP acknowledges at once (net.inet.tcp.delayed_ack 0).
  throughput  frames wait up to 100 us for company (pkt_tx_delay 100,
              F-Stack's default), a full burst of 32 leaves at once;
              receive bursts of 32, read again while they come back
              full (8 at most per iteration); a lone segment's ACK waits for the
              delayed-ACK timer, FreeBSD's 40 ms, and every second
              full segment is acknowledged at once (RFC 9293 3.8.6.3,
              RFC 5681 4.2).
A key the file sets itself wins, in [dpdk], [freebsd.boot] or
[freebsd.sysctl]."""

import pytest
from scapy.layers.inet import ICMP

import ffstack
from ffstack import CONFIG, PEER_IP, PEER_MAC
from tcp_peer import Peer, establish, quiesce

US = 1000  # ns
BURST = 32  # net/ff_port.h FF_PORT_BURST, a full transmit burst


def config(profile, dpdk="", extra=""):
    text = CONFIG.replace("port_list=0", f"port_list=0\nprofile={profile}")
    return text.replace("port_list=0", "port_list=0\n" + dpdk) + extra


def stack(make_stack, profile, dpdk="", extra=""):
    st = make_stack(config(profile, dpdk, extra), drain=False)
    st.advance(5)  # let the gratuitous ARPs go, whatever the delay
    st.drain()
    assert st.arp_add(PEER_IP, PEER_MAC, ffstack.LLE_STATIC) == 0
    return st


def ping(st, seq, run=True):
    st.inject_ping(seq, run=run)


def iterate(st):
    return st.lib.ff_test_iterate(st.h)


# --- transmit batching --------------------------------------------------


def test_latency_reply_leaves_in_the_same_iteration(make_stack):
    st = stack(make_stack, "latency")
    ping(st, 1, run=False)
    iterate(st)  # one iteration: received, answered, flushed
    assert st.pending() == 1
    assert st.expect(ICMP)[ICMP].seq == 1


def test_throughput_holds_a_reply_up_to_pkt_tx_delay(make_stack):
    st = stack(make_stack, "throughput")
    ping(st, 1)
    assert st.pending() == 0
    st.lib.ff_test_advance(st.h, 99 * US, 1 * US)
    assert st.pending() == 0
    st.lib.ff_test_advance(st.h, 1 * US, 0)
    assert st.expect(ICMP)[ICMP].seq == 1


def test_throughput_full_burst_leaves_at_once(make_stack):
    st = stack(make_stack, "throughput")
    for seq in range(BURST):
        ping(st, seq, run=False)
    iterate(st)  # one receive burst of 32 answered: a full transmit burst
    assert [p[ICMP].seq for p in st.drain()] == list(range(BURST))


def test_explicit_pkt_tx_delay_wins_over_the_profile(make_stack):
    st = stack(make_stack, "latency", dpdk="pkt_tx_delay=10")
    ping(st, 1)
    assert st.pending() == 0
    st.lib.ff_test_advance(st.h, 10 * US, 0)
    assert st.expect(ICMP)[ICMP].seq == 1


# --- receive burst ------------------------------------------------------


@pytest.mark.parametrize(
    "profile,dpdk,per_iteration",
    [
        ("latency", "", 8),
        ("throughput", "", 32),
        ("throughput", "rx_burst=3", 3),
    ],
)
def test_rx_burst(make_stack, profile, dpdk, per_iteration):
    # pkt_tx_delay=0: each iteration's answers leave with it.
    st = stack(make_stack, profile, dpdk=dpdk + "\npkt_tx_delay=0")
    for seq in range(BURST):
        ping(st, seq, run=False)
    iterate(st)
    assert [p[ICMP].seq for p in st.drain()] == list(range(per_iteration))
    st.run()
    assert [p[ICMP].seq for p in st.drain()] == list(
        range(per_iteration, BURST)
    )


@pytest.mark.parametrize(
    "queued,per_iteration",
    [(3 * BURST + 5, 3 * BURST + 5), (9 * BURST, 8 * BURST)],
)
def test_full_bursts_are_read_again(make_stack, queued, per_iteration):
    """With full bursts (rx_burst 32, the throughput profile's) one
    iteration reads until a burst comes back short, eight bursts at most
    (core/ff_ctx.c FF_RX_BURSTS): ACKs do not wait in the ring while the
    application sends."""
    st = stack(
        make_stack,
        "throughput",
        dpdk="pkt_tx_delay=0",
        extra="[freebsd.sysctl]\nnet.inet.icmp.icmplim=0\n",  # no limit
    )
    for seq in range(queued):
        ping(st, seq, run=False)
    iterate(st)
    assert [p[ICMP].seq for p in st.drain()] == list(range(per_iteration))
    st.run()
    assert [p[ICMP].seq for p in st.drain()] == list(
        range(per_iteration, queued)
    )


# --- delayed ACK ----------------------------------------------------------


def test_latency_acks_a_segment_at_once(make_stack):
    st = stack(make_stack, "latency")
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"GET / HTTP/1.1\r\n\r\n", run=False)
    iterate(st)
    assert peer.expect("A").ack == peer.seq
    assert st.counter("tcp.tcps_delack") == 0
    quiesce(st, fd)


def test_latency_reply_carries_the_ack(make_stack):
    st = stack(make_stack, "latency")
    peer = Peer(st)
    fd = establish(st, peer)
    assert st.lib.ff_test_loop_echo(st.h, fd) == 0
    req = b"GET / HTTP/1.1\r\n\r\n"
    peer.send("PA", data=req, run=False)
    iterate(st)  # received, answered by the loop, flushed
    assert st.pending() == 1  # one segment: no pure ACK ahead of it
    reply = peer.expect("PA")
    assert reply.ack == peer.seq
    assert bytes(reply.payload) == req
    peer.send("A", run=False)
    iterate(st)
    peer.expect_nothing()  # an ACK of data is not acknowledged
    assert st.lib.ff_test_loop_echo(st.h, -1) == 0
    quiesce(st, fd)


def test_latency_acks_every_second_full_segment(make_stack):
    st = stack(make_stack, "latency")
    peer = Peer(st)
    fd = establish(st, peer)
    for c in b"abc":
        peer.send("A", data=bytes([c]) * 1460, run=False)
    iterate(st)  # one receive burst of three, no reply written
    first, second = peer.expect("A"), peer.expect("A")
    assert first.ack == peer.seq - 1460  # at once, for the second
    assert second.ack == peer.seq  # the third, at the iteration's end
    peer.expect_nothing()
    assert len(st.tcp_recv(fd)) == 3 * 1460
    quiesce(st, fd)


def test_throughput_delays_the_ack_of_a_lone_segment(make_stack):
    st = stack(make_stack, "throughput")
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    st.advance(0.039, step=0.001)
    peer.expect_nothing()  # 40 ms delayed-ACK timer, 100 us hold
    st.advance(0.002, step=0.001)
    assert peer.expect("A").ack == peer.seq
    assert st.counter("tcp.tcps_delack") == 1
    peer.send("PA", data=b"b" * 1460)
    peer.send("PA", data=b"c" * 1460)
    st.advance(0.0001, step=0.00001)  # pkt_tx_delay
    assert peer.expect("A").ack == peer.seq  # every second full segment
    quiesce(st, fd)


@pytest.mark.parametrize("section", ["freebsd.boot", "freebsd.sysctl"])
def test_explicit_delayed_ack_wins_over_latency(make_stack, section):
    st = stack(
        make_stack,
        "latency",
        extra=f"\n[{section}]\nnet.inet.tcp.delayed_ack=1\n",
    )
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    peer.expect_nothing()
    st.advance(0.05, step=0.01)
    assert peer.expect("A").ack == peer.seq
    quiesce(st, fd)


def test_explicit_delacktime_wins_over_throughput(make_stack):
    st = stack(
        make_stack,
        "throughput",
        extra="\n[freebsd.sysctl]\nnet.inet.tcp.delacktime=100\n",
    )
    peer = Peer(st)
    fd = establish(st, peer)
    peer.send("PA", data=b"a" * 100)
    st.advance(0.09, step=0.01)
    peer.expect_nothing()  # 100 ms, not the profile's 40
    st.advance(0.011, step=0.001)
    assert peer.expect("A").ack == peer.seq
    quiesce(st, fd)
