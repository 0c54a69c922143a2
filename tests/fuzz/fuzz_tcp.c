/*
 * fuzz_tcp.c - libFuzzer harness: TCP input against a connection parked
 * in a chosen state, with both initial sequence numbers known so that
 * fuzzed segments land in the window and reach deep into tcp_input().
 *
 * Input: byte 0 picks the state (mod 9): LISTEN, SYN_RECEIVED (a
 * syncache entry), SYN_SENT, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2,
 * CLOSE_WAIT, LAST_ACK, TIME_WAIT; byte 1 the connection's options (bit
 * 0 timestamps, bit 1 the peer's ISN just below 2^32, bit 2 SACK
 * permitted) and bit 3 every limit tiny (fuzz_config_tight: 4 KB socket
 * buffers, 4 out-of-order blocks, a listen queue of 2, 4 syncache
 * entries), bit 4 sequence numbers relative to the parked connection's
 * rcv_nxt (so that in-order data fills the window).  Then segments from the peer (198.18.0.1:40000 to
 * 198.18.0.2:80), each:
 *
 *   ctl   TCP flags in bits 0-5; bit 6 a wrong checksum; bit 7 the clock
 *         moves 200 ms first (timers fire between segments)
 *   act   what the application does first: bits 0-2 none, write
 *         (bits 3-7) * 97 bytes, read, shutdown(SHUT_WR), close, accept
 *   seq   16 bits, signed, added to the peer's ISN + 1 (bit 4: to
 *         rcv_nxt)
 *   ack   16 bits, signed, added to our ISN + 1
 *   win   16 bits
 *   olen  options length (bits 0-5, cut to 40; zero-padded to 4); bits
 *         6-7 the peer's port, 40000 + n (more peers for the listener)
 *   plen  payload length, 0-255, then olen + plen bytes of the input
 *
 * A segment with an odd sequence number and two bytes of payload or more
 * arrives as a chain of three mbufs, cut inside the TCP header and in the
 * middle of the payload (as memif hands a jumbo frame up in 2 KB mbufs):
 * the header is pulled up, and a duplicate prefix or the bytes beyond
 * the window are cut across mbufs (m_cutfront(), m_cutback()).
 *
 * The payload to the parked connection is not the input's: each byte is
 * a function of its sequence number (stream_byte()), and every read of
 * a connection parked past its handshake is checked against it and
 * against rcv_nxt, so a byte delivered twice, lost or moved, or one the
 * stack did not take, is a finding, not only a crash.
 *
 * Our ISN is learnt from every SYN we send (SYN-ACKs of the listener
 * included), so "ISN + 1 + 0" stays the right ack after a new handshake.
 * At the end every descriptor closes and the stack settles: no control
 * block, socket, pcb or mbuf may stay (fuzz_settle_end()).
 */
#include <stdint.h>
#include <string.h>

#include "netinet/tcp_fsm.h"
#include "netinet/tcp_var.h"
#include "testport/ff_testport.h"
#include "fuzz_common.h"

#define OUR_PORT  80
#define PEER_PORT 40000
#define OUR_ISS	  0x20000000u
#define MAXFD	  8

struct conn {
	struct ff_test *t;
	uint8_t mac[6];
	uint32_t irs; /* the peer's ISN */
	uint32_t iss; /* ours, as last seen on the wire */
	int fd;	      /* the parked socket (a listener in LISTEN) */
	int fds[MAXFD];
	int nfds;
	uint32_t nxt;	/* its rcv_nxt, as last seen (rcv_nxt()) */
	int stream;	/* fd reads the peer's stream from irs + 1 */
	uint32_t nread; /* bytes of it read so far */
};

/*
 * The parked connection's rcv_nxt (ff_test_tcp_info()'s ninth word), or
 * the last one seen where it has none now (a listener, a connection
 * reset with data still to read), at first the peer's ISN + 1.
 */
static uint32_t
rcv_nxt(struct conn *c)
{
	uint32_t info[9];

	if (c->fd >= 0 && ff_test_tcp_info(c->t, c->fd, info, 9) == 9 &&
	    info[0] >= TCPS_SYN_RECEIVED)
		c->nxt = info[8];
	return (c->nxt);
}

/*
 * The byte at sequence number s of the peer's stream to the parked
 * connection: what the application reads must be these, in order, with
 * no byte more, fewer or moved (RFC 9293: data is delivered by sequence
 * number), whatever the segments overlapped or the window cut.
 */
static uint8_t
stream_byte(uint32_t s)
{
	return ((uint8_t)((s * 2654435761u) >> 24));
}

static void
stream_fill(uint8_t *pay, size_t plen, uint32_t seq)
{
	size_t i;

	for (i = 0; i < plen; i++)
		pay[i] = stream_byte(seq + (uint32_t)i);
}

static void
stream_check(struct conn *c, const uint8_t *buf, int n)
{
	uint32_t s;
	int i;

	for (i = 0; i < n; i++) {
		s = c->irs + 1 + c->nread + (uint32_t)i;
		if (buf[i] != stream_byte(s))
			fuzz_fail("byte %u of the stream read as %#x, sent %#x",
			    c->nread + (uint32_t)i, buf[i], stream_byte(s));
	}
	c->nread += (uint32_t)n;
	/* Nothing read that the stack did not take in order (and ACK). */
	if (c->nread > rcv_nxt(c) - (c->irs + 1))
		fuzz_fail("read %u bytes of the stream, rcv_nxt says %u",
		    c->nread, rcv_nxt(c) - (c->irs + 1));
}

/* Learn our ISN from every SYN we send. */
static void
learn_iss(void *arg, const uint8_t *f, size_t len)
{
	struct conn *c = arg;
	const uint8_t *tcp;
	size_t hl;

	if (len < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00 ||
	    f[14 + 9] != 6)
		return;
	hl = (size_t)(f[14] & 0x0f) * 4;
	if (len < 14 + hl + 20)
		return;
	tcp = f + 14 + hl;
	if (tcp[13] & TH_SYN)
		c->iss = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 |
		    (uint32_t)tcp[6] << 8 | tcp[7];
}

static void
segment(struct conn *c, uint16_t sport, uint8_t flags, uint32_t seq,
    uint32_t ack, uint16_t win, const uint8_t *opt, size_t olen,
    const uint8_t *pay, size_t plen, int badsum)
{
	uint8_t seg[20 + 40 + 255], frame[14 + 20 + sizeof(seg)];
	size_t pad = (olen + 3) & ~(size_t)3, len = 20 + pad + plen, flen;
	uint32_t cuts[2];
	uint16_t sum;

	memset(seg, 0, 20 + pad);
	seg[0] = (uint8_t)(sport >> 8);
	seg[1] = (uint8_t)sport;
	seg[2] = OUR_PORT >> 8;
	seg[3] = OUR_PORT & 0xff;
	seg[4] = (uint8_t)(seq >> 24);
	seg[5] = (uint8_t)(seq >> 16);
	seg[6] = (uint8_t)(seq >> 8);
	seg[7] = (uint8_t)seq;
	seg[8] = (uint8_t)(ack >> 24);
	seg[9] = (uint8_t)(ack >> 16);
	seg[10] = (uint8_t)(ack >> 8);
	seg[11] = (uint8_t)ack;
	seg[12] = (uint8_t)(((20 + pad) / 4) << 4);
	seg[13] = flags;
	seg[14] = (uint8_t)(win >> 8);
	seg[15] = (uint8_t)win;
	if (olen > 0)
		memcpy(seg + 20, opt, olen);
	if (plen > 0)
		memcpy(seg + 20 + pad, pay, plen);
	sum = fuzz_l4_cksum(FUZZ_PEER_IP, FUZZ_OUR_IP, 6, seg, len);
	if (badsum)
		sum ^= 0x5a5a;
	seg[16] = (uint8_t)(sum >> 8);
	seg[17] = (uint8_t)sum;
	flen = fuzz_ip_frame(
	    frame, c->mac, FUZZ_PEER_IP, FUZZ_OUR_IP, 6, 1, 0, seg, len);
	if ((seq & 1) != 0 && plen >= 2) {
		/* As memif hands up a jumbo frame: a chain of mbufs. */
		cuts[0] = 14 + 20 + 10;
		cuts[1] = (uint32_t)(14 + 20 + 20 + pad + plen / 2);
		fuzz_inject_split(c->t, frame, flen, cuts, 2);
	} else
		fuzz_inject(c->t, frame, flen);
	fuzz_drain(c->t, learn_iss, c);
}

/* A segment of the handshake or the close that parks the connection. */
static void
park_segment(struct conn *c, uint8_t flags, uint32_t seq, uint32_t ack)
{
	segment(c, PEER_PORT, flags, seq, ack, 65535, NULL, 0, NULL, 0, 0);
}

static void
expect_state(struct conn *c, int state)
{
	uint32_t info[1];

	if (ff_test_tcp_info(c->t, c->fd, info, 1) != 1 ||
	    (int)info[0] != state)
		fuzz_fail("parking: state %d, wanted %d", (int)info[0], state);
}

static void
establish(struct conn *c, uint8_t opts)
{
	c->iss = OUR_ISS;
	c->fd = ff_test_tcp_establish(c->t, "198.18.0.2", OUR_PORT,
	    "198.18.0.1", PEER_PORT, OUR_ISS, c->irs, 65535, 1460,
	    (opts & 1) ? 12345 : 0);
	if (c->fd < 0)
		fuzz_fail("establish: %d", c->fd);
	if (opts & 4)
		ff_test_tcp_setflags(c->t, c->fd, TF_SACK_PERMIT, 0);
}

/* Put the connection in state `which' (0-8); see the file's header. */
static void
park(struct conn *c, int which, uint8_t opts)
{
	int fd;

	switch (which) {
	case 0: /* LISTEN */
	case 1: /* SYN_RECEIVED: a syncache entry */
		fd = ff_test_tcp_socket(c->t);
		if (fd < 0 || ff_test_tcp_bind(c->t, fd, NULL, OUR_PORT) != 0 ||
		    ff_test_tcp_listen(c->t, fd, 4) != 0)
			fuzz_fail("listener");
		c->fd = fd;
		expect_state(c, TCPS_LISTEN);
		if (which == 1)
			park_segment(c, TH_SYN, c->irs, 0);
		break;
	case 2: /* SYN_SENT */
		fd = ff_test_tcp_socket(c->t);
		if (fd < 0 || ff_test_tcp_bind(c->t, fd, NULL, OUR_PORT) != 0)
			fuzz_fail("socket");
		c->fd = fd;
		(void)ff_test_tcp_connect(c->t, fd, "198.18.0.1", PEER_PORT);
		fuzz_drain(c->t, learn_iss, c);
		expect_state(c, TCPS_SYN_SENT);
		break;
	default:
		establish(c, opts);
		expect_state(c, TCPS_ESTABLISHED);
		c->stream = 1;
		if (which == 4 || which == 5 || which == 8) {
			ff_test_tcp_shutdown(c->t, c->fd, 1);
			fuzz_drain(c->t, NULL, NULL);
			expect_state(c, TCPS_FIN_WAIT_1);
		}
		if (which == 5 || which == 8) {
			park_segment(c, TH_ACK, c->irs + 1, c->iss + 2);
			expect_state(c, TCPS_FIN_WAIT_2);
		}
		if (which == 8) {
			park_segment(
			    c, TH_FIN | TH_ACK, c->irs + 1, c->iss + 2);
			expect_state(c, TCPS_TIME_WAIT);
		}
		if (which == 6 || which == 7) {
			park_segment(
			    c, TH_FIN | TH_ACK, c->irs + 1, c->iss + 1);
			expect_state(c, TCPS_CLOSE_WAIT);
		}
		if (which == 7) {
			ff_test_tcp_shutdown(c->t, c->fd, 1);
			fuzz_drain(c->t, NULL, NULL);
			expect_state(c, TCPS_LAST_ACK);
		}
	}
	c->fds[c->nfds++] = c->fd;
}

static void
app(struct conn *c, uint8_t act)
{
	static const uint8_t data[31 * 97];
	uint8_t buf[4096];
	int fd, n;

	if (c->fd < 0)
		return;
	switch (act & 7) {
	case 1:
		(void)ff_test_tcp_send(
		    c->t, c->fd, data, (uint32_t)(act >> 3) * 97);
		break;
	case 2:
		n = ff_test_tcp_recv(c->t, c->fd, buf, sizeof(buf));
		if (c->stream && n > 0)
			stream_check(c, buf, n);
		break;
	case 3:
		(void)ff_test_tcp_shutdown(c->t, c->fd, 1);
		break;
	case 4:
		(void)ff_test_tcp_close(c->t, c->fd);
		c->fds[0] = c->fd = -1;
		break;
	case 5:
		fd = ff_test_tcp_accept(c->t, c->fd);
		if (fd >= 0 && c->nfds < MAXFD)
			c->fds[c->nfds++] = fd;
		else if (fd >= 0)
			ff_test_tcp_close(c->t, fd);
		break;
	}
	fuzz_drain(c->t, learn_iss, c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t opt[64], pay[255], ctl, act, olen, plen, which, opts, peer;
	struct conn c;
	int16_t dseq, dack;
	uint32_t seq;
	uint16_t win;
	int i;

	fuzz_begin(data, size);
	if (size < 2)
		return (0);
	memset(&c, 0, sizeof(c));
	which = fuzz_u8(&in) % 9;
	opts = fuzz_u8(&in);
	c.irs = (opts & 2) ? 0xfffffff0u : 0x10000000u;
	c.nxt = c.irs + 1;
	c.t = fuzz_stack((opts & 8) ? fuzz_config_tight : fuzz_config);
	if (ff_test_port_mac(c.t, 0, c.mac) != 0 ||
	    ff_test_arp_add(
		c.t, "198.18.0.1", (const uint8_t *)FUZZ_PEER_MAC, 0) != 0)
		fuzz_fail("port and peer");
	park(&c, which, opts);
	fuzz_check(c.t, "parked");
	while (in.n >= 9) {
		ctl = fuzz_u8(&in);
		act = fuzz_u8(&in);
		dseq = (int16_t)fuzz_u16(&in);
		dack = (int16_t)fuzz_u16(&in);
		win = fuzz_u16(&in);
		olen = fuzz_u8(&in);
		peer = olen >> 6;
		olen &= 0x3f;
		plen = fuzz_u8(&in);
		olen = (uint8_t)fuzz_bytes(&in, opt, olen > 40 ? 40 : olen);
		plen = (uint8_t)fuzz_bytes(&in, pay, plen);
		seq = ((opts & 16) ? rcv_nxt(&c) : c.irs + 1) +
		    (uint32_t)(int32_t)dseq;
		if (peer == 0) /* data after a SYN starts one further */
			stream_fill(pay, plen, seq + ((ctl & TH_SYN) ? 1 : 0));
		if (ctl & 0x80)
			ff_test_advance(c.t, 200000000ULL, 0);
		app(&c, act);
		segment(&c, (uint16_t)(PEER_PORT + peer), ctl & 0x3f, seq,
		    c.iss + 1 + (uint32_t)(int32_t)dack, win, opt, olen, pay,
		    plen, ctl & 0x40);
		fuzz_check(c.t, "after a segment");
		(void)rcv_nxt(&c); /* seen while there is one */
	}
	for (i = 0; i < c.nfds; i++)
		if (c.fds[i] >= 0)
			ff_test_tcp_close(c.t, c.fds[i]);
	/* Unaccepted connections went with the listener. */
	ff_test_arp_delete(c.t, "198.18.0.1");
	fuzz_settle_end(c.t, FUZZ_STRICT);
	return (0);
}
