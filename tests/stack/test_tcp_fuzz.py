"""Seeded fuzzing of TCP: mutated segments (bad offsets, options,
flags, checksums, sequence numbers) against a listener and an
established connection leave the stack answering, and after closing
everything no socket, control block or mbuf is left."""

from scapy.layers.inet import IP, TCP

from tcp_peer import Peer, establish, quiesce, tcp_stack


def corpus(st, peer):
    opts = [
        ("MSS", 1460),
        ("WScale", 14),
        ("SAckOK", b""),
        ("Timestamp", (1, 2)),
        ("NOP", None),
        ("EOL", None),
    ]
    segs = [
        peer.segment("S", seq=1, options=opts),
        peer.segment("A", seq=peer.seq, data=b"data" * 100),
        peer.segment("PA", seq=peer.seq + 1000, data=b"ooo" * 50),
        peer.segment("FA", seq=peer.seq),
        peer.segment("R", seq=peer.seq),
        peer.segment("SA", seq=5, ack=6),
        peer.segment("A", seq=peer.seq, ack=peer.ack + 10**6),
        peer.segment("UA", seq=peer.seq, options=[("SAck", (1, 2, 3, 4))]),
    ]
    other = Peer(st, sport=40001, dport=80)
    segs.append(other.segment("S", seq=77, options=opts))
    bad = peer.segment("A", data=b"x")
    bad[TCP].dataofs = 15
    segs.append(bad)
    return segs


def test_tcp_fuzz(make_stack):
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 16)
    peer = Peer(st, sport=40000, dport=8080)
    fd = establish(st, peer)
    st.fuzz(4242, 20000, corpus(st, peer))
    st.drain()
    # Still answers: a new handshake on the listener completes.
    p = Peer(st, sport=45000, dport=80)
    p.seq = 9
    p.send("S")
    assert p.expect("SA").ack == 10
    p.send("A")
    fds = [lfd, fd]
    while (a := st.tcp_accept(lfd)) >= 0:
        fds.append(a)
    st.drain()
    quiesce(st, *fds)


def _mutate(rng, seg):
    """seg with random TCP bytes changed and a valid checksum."""
    from scapy.layers.inet import in4_chksum
    from scapy.packet import Raw

    t = bytearray(bytes(seg[TCP]))
    t[16:18] = b"\0\0"
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(t))
        if i not in (16, 17):
            t[i] = rng.randrange(256)
    if rng.random() < 0.2:
        t = t[: rng.randrange(len(t) + 1)]
    ip = seg[IP]
    ck = in4_chksum(6, IP(src=ip.src, dst=ip.dst, proto=6), bytes(t))
    t[16:18] = ck.to_bytes(2, "big") if len(t) >= 18 else t[16:18]
    return (
        seg.copy().__class__(bytes(seg)[:14])
        / IP(src=ip.src, dst=ip.dst, proto=6)
        / Raw(bytes(t))
    )


def test_tcp_fuzz_valid_checksums(make_stack):
    import random

    rng = random.Random(1234)
    st = tcp_stack(make_stack)
    lfd = st.tcp_socket()
    st.tcp_bind(lfd, "", 80)
    st.tcp_listen(lfd, 16)
    peer = Peer(st, sport=40000, dport=8080)
    fd = establish(st, peer)
    segs = corpus(st, peer)
    for _ in range(1500):
        st.inject(_mutate(rng, rng.choice(segs)), run=False)
        if rng.random() < 0.05:
            st.run()
            st.advance(rng.random(), step=0.05)
            st.drain()
    st.run()
    st.drain()
    assert st.counter("tcp.tcps_rcvtotal") >= 1500
    assert st.counter("tcp.tcps_rcvbadsum") < 100  # they got in
    fds = [lfd, fd]
    while (a := st.tcp_accept(lfd)) >= 0:
        fds.append(a)
    quiesce(st, *fds)
