/*
 * fuzz_reass.c - libFuzzer harness: streams of IPv4 fragments into
 * ip_reass (RFC 791, RFC 815; overlaps drop the datagram, RFC 5722's
 * rule).
 *
 * Input: a mode byte (bit 0: every limit tiny, fuzz_config_tight: two
 * datagrams, four fragments each, six in all), then fragments, each 4
 * bytes and a payload:
 *
 *   ctl   bits 0-1 the datagram (id 0x100 + n; n = 3 from another
 *         source), bit 2 MF, bits 3-4 the protocol (ICMP, UDP to our
 *         socket on port 7, TCP, 99), bit 5 a wrong header checksum,
 *         bit 6 the clock moves 1 s first, bit 7 moves 20 s first
 *         (fragments of a datagram younger and older than fragttl)
 *   off   16 bits: the fragment offset in 8-byte units (13 bits used)
 *   len   payload bytes, 0-255: taken from the input, zeros past its end
 *
 * The UDP socket is read after every fragment (a datagram completed
 * there is delivered); at the end it closes and the stack settles: no
 * queue, fragment or mbuf may stay (fuzz_settle_end()).
 */
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <stdint.h>
#include <string.h>

#include "ff_api.h"
#include "testport/ff_testport.h"
#include "testport/ff_test_sock.h"
#include "fuzz_common.h"

static const uint8_t protos[4] = { 1, 17, 6, 99 };

static int
udp_socket(struct ff_test *t)
{
	struct sockaddr_in sin;
	int fd, on = 1;

	ff_test_use(t);
	if ((fd = ff_socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		fuzz_fail("udp socket");
	(void)ff_ioctl(fd, FIONBIO, &on);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(7);
	if (ff_bind(fd, (struct linux_sockaddr *)&sin, sizeof(sin)) != 0)
		fuzz_fail("udp bind");
	return (fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536];
	struct fuzz_in in = { data, size };
	uint8_t frame[14 + 20 + 255], pay[255], mac[6], ctl, len;
	struct ff_test *t;
	int udp;
	size_t flen;
	uint16_t off;

	fuzz_begin(data, size);
	t = fuzz_stack((fuzz_u8(&in) & 1) ? fuzz_config_tight : fuzz_config);
	udp = udp_socket(t);
	if (ff_test_port_mac(t, 0, mac) != 0)
		fuzz_fail("port");
	while (in.n >= 4) {
		ctl = fuzz_u8(&in);
		off = fuzz_u16(&in) & 0x1fff;
		len = fuzz_u8(&in);
		memset(pay, 0, sizeof(pay));
		(void)fuzz_bytes(&in, pay, len);
		if (ctl & 0x40)
			ff_test_advance(t, 1000000000ULL, 0);
		if (ctl & 0x80)
			ff_test_advance(t, 20000000000ULL, 0);
		flen = fuzz_ip_frame(frame, mac,
		    (ctl & 3) == 3 ? FUZZ_PEER_IP + 8 : FUZZ_PEER_IP,
		    FUZZ_OUR_IP, protos[(ctl >> 3) & 3],
		    (uint16_t)(0x100 + (ctl & 3)),
		    (uint16_t)(off | ((ctl & 4) ? 0x2000 : 0)), pay, len);
		if (ctl & 0x20)
			frame[14 + 10] ^= 0x5a;
		fuzz_inject(t, frame, flen);
		fuzz_drain(t, NULL, NULL);
		ff_test_use(t);
		while (ff_read(udp, buf, sizeof(buf)) > 0)
			;
		fuzz_check(t, "after a fragment");
	}
	ff_test_use(t);
	ff_close(udp);
	fuzz_settle_end(t, FUZZ_STRICT);
	return (0);
}
