/*
 * subr_cksum.c - the Internet checksum's sum (RFC 1071) computed while
 * copying: tcp_output copies each segment's payload out of the send
 * buffer, and reading it a second time for the checksum cost as much as
 * the copy (tcp_output_build was a quarter of a bulk sender's samples).
 *
 * Entry points: cksum_copy(), cksum_fold().
 *
 * RFC 1071's properties make one pass cheap: the one's-complement sum is
 * independent of byte order (sum the words as the machine loads them;
 * the result is the same sum, byte-swapped, and the swap cancels when it
 * is stored back) and of the width of the words summed (64-bit words
 * with the carry out of bit 63 added back fold to the same 16-bit sum,
 * since 2^16, 2^32 and 2^64 are all 1 modulo 2^16 - 1, RFC 1071 2(B)).
 */
#include <string.h>

#include "kern/libkern.h"

/* a + b with the carry out of bit 63 added back (end-around carry). */
static inline uint64_t
cksum_add64(uint64_t a, uint64_t b)
{
	a += b;
	return (a + (a < b));
}

uint64_t
cksum_copy(void *dst, const void *src, size_t len)
{
	const uint8_t *s = src;
	uint8_t *d = dst;
	unsigned __int128 acc = 0; /* carries pile up in the high half */
	uint64_t w0, w1, w2, w3;

	for (; len >= 32; s += 32, d += 32, len -= 32) {
		memcpy(&w0, s, 8);
		memcpy(&w1, s + 8, 8);
		memcpy(&w2, s + 16, 8);
		memcpy(&w3, s + 24, 8);
		memcpy(d, &w0, 8);
		memcpy(d + 8, &w1, 8);
		memcpy(d + 16, &w2, 8);
		memcpy(d + 24, &w3, 8);
		acc += w0;
		acc += w1;
		acc += w2;
		acc += w3;
	}
	for (; len >= 8; s += 8, d += 8, len -= 8) {
		memcpy(&w0, s, 8);
		memcpy(d, &w0, 8);
		acc += w0;
	}
	if (len > 0) {
		/* The last bytes padded with zeros, as RFC 1071 pads. */
		w0 = 0;
		memcpy(&w0, s, len);
		memcpy(d, s, len);
		acc += w0;
	}
	return (cksum_add64((uint64_t)acc, (uint64_t)(acc >> 64)));
}

uint16_t
cksum_fold(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)sum);
}
