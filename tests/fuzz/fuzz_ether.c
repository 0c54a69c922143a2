/*
 * fuzz_ether.c - libFuzzer harness: arbitrary frames into ether_input()
 * through the test port.
 *
 * Input: a mode byte (bit 0: every limit tiny, fuzz_config_tight), then
 * frames, each behind a 16-bit little-endian word whose low 11
 * bits are its length (cut to 1518 and to what is left) and whose top
 * bit moves the virtual clock 500 ms first (ARP and reassembly timers
 * fire between frames).  The stack has two ports, a UDP socket on port 7
 * and a TCP listener on port 80, so frames reach every layer; at the end
 * the sockets close and the stack settles (fuzz_settle_end()).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "ff_api.h"
#include "testport/ff_testport.h"
#include "testport/ff_test_sock.h"
#include "fuzz_common.h"

static int
udp_socket(struct ff_test *t)
{
	struct sockaddr_in sin;
	int fd;

	ff_test_use(t);
	if ((fd = ff_socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		fuzz_fail("udp socket");
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
	struct fuzz_in in = { data, size };
	uint8_t frame[FUZZ_FRAME_MAX];
	struct ff_test *t;
	int udp, tcp, i;
	uint16_t w;
	size_t len;

	fuzz_begin(data, size);
	t = fuzz_stack((fuzz_u8(&in) & 1) ? fuzz_config_tight : fuzz_config);
	udp = udp_socket(t);
	tcp = ff_test_tcp_socket(t);
	if (tcp < 0 || ff_test_tcp_bind(t, tcp, NULL, 80) != 0 ||
	    ff_test_tcp_listen(t, tcp, 8) != 0)
		fuzz_fail("tcp listener");
	while (in.n > 0) {
		w = fuzz_u16(&in);
		if (w & 0x8000)
			ff_test_advance(t, 500000000ULL, 0);
		len = fuzz_bytes(&in, frame,
		    (size_t)(w & 0x7ff) > sizeof(frame) ? sizeof(frame)
							: (size_t)(w & 0x7ff));
		fuzz_inject(t, frame, len);
		fuzz_drain(t, NULL, NULL);
		fuzz_check(t, "after a frame");
	}
	/* Whatever connections the input made, accepted and closed. */
	for (i = 0; i < 64; i++) {
		int fd = ff_test_tcp_accept(t, tcp);

		if (fd < 0)
			break;
		ff_test_tcp_close(t, fd);
	}
	ff_test_tcp_close(t, tcp);
	ff_test_use(t);
	ff_close(udp);
	fuzz_settle_end(t, FUZZ_STRICT);
	return (0);
}
