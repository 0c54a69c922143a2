/*
 * fuzz_msg.c - libFuzzer harness: the message ring's request handler
 * (ff_msg_handle(), what the ring server answers every slot with) with
 * arbitrary requests of every type: echo, top, traffic, sysctl, ioctl,
 * route and ARP (the types with a handler), and the numbers without one
 * (ipfw, netstat, the reserved and unknown ones), which must be refused.
 *
 * Input: requests, each
 *
 *   type  the message type (FF_MSG_*; any number)
 *   how   bit 0: an 8-byte resume cursor follows; bit 1: the 64-byte
 *         header itself comes from the input (magic, version, length
 *         and all); otherwise a valid header is made for the body
 *   len   16 bits: body bytes, then the body (cut to what is left)
 *
 * Requests run in turn on one stack (a route added by one is there for
 * the next); the invariants are checked after each, and at the end the
 * stack must give every mbuf back (requests may change timers and add
 * static entries, so nothing else is asked of it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ff_msg.h"
#include "testport/ff_testport.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t req[FF_MSG_SIZE], rep[FF_MSG_SIZE];
	struct ff_msg_hdr *h = (struct ff_msg_hdr *)req;
	struct fuzz_in in = { data, size };
	struct ff_test *t = fuzz_stack(fuzz_config);
	uint8_t type, how;
	uint16_t blen;
	uint64_t cursor;
	size_t len;
	int n;

	while (in.n >= 4) {
		type = fuzz_u8(&in);
		how = fuzz_u8(&in);
		blen = fuzz_u16(&in);
		cursor = (how & 1)
		    ? (uint64_t)fuzz_u32(&in) | (uint64_t)fuzz_u32(&in) << 32
		    : 0;
		memset(req, 0, sizeof(*h));
		if (how & 2) {
			len = fuzz_bytes(&in, req, sizeof(*h));
		} else {
			h->fm_magic = FF_MSG_MAGIC;
			h->fm_version = FF_MSG_ABI_VERSION;
			h->fm_type = type;
			h->fm_cursor = cursor;
			h->fm_seq = 7;
			len = sizeof(*h);
		}
		len += fuzz_bytes(&in, req + sizeof(*h),
		    blen < sizeof(req) - sizeof(*h) ? blen
						    : sizeof(req) - sizeof(*h));
		if (!(how & 2))
			h->fm_len = (uint32_t)len;
		n = ff_test_msg(t, req, len, rep, sizeof(rep));
		fuzz_nmsgs++;
		if (n < (int)sizeof(*h) || n > (int)sizeof(rep))
			fuzz_fail(
			    "answer of %d bytes to a type %u request", n, type);
		fuzz_drain(t, NULL, NULL);
		fuzz_check(t, "after a request");
	}
	fuzz_settle_destroy(t, 0);
	return (0);
}
