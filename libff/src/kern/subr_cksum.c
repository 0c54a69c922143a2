/*
 * subr_cksum.c - the Internet checksum's sum (RFC 1071) computed while
 * copying: tcp_output copies each segment's payload out of the send
 * buffer, and reading it a second time for the checksum cost as much as
 * the copy (tcp_output_build was a quarter of a bulk sender's samples).
 *
 * Entry points: cksum_copy(), cksum_sum(), cksum_fold().
 *
 * On x86-64 the run is chosen at its first use: AVX2, 64 bytes
 * an iteration, where the CPU has it (half the time of the SSE2 run on a
 * segment: 39 against 66 ns for 1448 bytes of a 4 MB set here), else
 * SSE2.
 *
 * RFC 1071's properties make one pass cheap: the one's-complement sum is
 * independent of byte order (sum the words as the machine loads them;
 * the result is the same sum, byte-swapped, and the swap cancels when it
 * is stored back) and of the width of the words summed (64-bit words
 * with the carry out of bit 63 added back fold to the same 16-bit sum,
 * since 2^16, 2^32 and 2^64 are all 1 modulo 2^16 - 1, RFC 1071 2(B)).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "kern/libkern.h"

/*
 * The tail of a run, fewer than 32 bytes (and the whole run without
 * SSE2): 64-bit words, the last bytes padded with zeros as RFC 1071
 * pads; copied to dst as well unless dst is NULL.
 */
static uint64_t
cksum_tail(uint8_t *d, const uint8_t *s, size_t len, uint64_t acc)
{
	uint64_t w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		if (d != NULL) {
			memcpy(d, &w, 8);
			d += 8;
		}
		acc = cksum_add(acc, w);
	}
	if (len > 0) {
		w = 0;
		memcpy(&w, s, len);
		if (d != NULL)
			memcpy(d, s, len);
		acc = cksum_add(acc, w);
	}
	return (acc);
}

#ifdef __SSE2__
/*
 * 32 bytes at a time: each 32-bit word widened to 64 bits and added to
 * one of four 64-bit lanes, so no carry is ever lost (a lane would need
 * 2^32 words to overflow) and no add waits for the previous one's carry,
 * as the scalar add-with-carry chain does: 1448 bytes in about a third
 * of the time.  The lanes are added with end-around carry at the end.
 */
static uint64_t
cksum_run_sse2(uint8_t *d, const uint8_t *s, size_t len)
{
	const __m128i z = _mm_setzero_si128();
	__m128i a0 = z, a1 = z, v, u;
	uint64_t lane[4];

	for (; len >= 32; s += 32, len -= 32) {
		v = _mm_loadu_si128((const __m128i *)(const void *)s);
		u = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
		if (d != NULL) {
			_mm_storeu_si128((__m128i *)(void *)d, v);
			_mm_storeu_si128((__m128i *)(void *)(d + 16), u);
			d += 32;
		}
		a0 = _mm_add_epi64(a0, _mm_unpacklo_epi32(v, z));
		a1 = _mm_add_epi64(a1, _mm_unpackhi_epi32(v, z));
		a0 = _mm_add_epi64(a0, _mm_unpacklo_epi32(u, z));
		a1 = _mm_add_epi64(a1, _mm_unpackhi_epi32(u, z));
	}
	_mm_storeu_si128((__m128i *)(void *)lane, a0);
	_mm_storeu_si128((__m128i *)(void *)(lane + 2), a1);
	return (cksum_tail(d, s, len,
	    cksum_add(
		cksum_add(lane[0], lane[1]), cksum_add(lane[2], lane[3]))));
}

#if defined(__x86_64__) && defined(__GNUC__)
/*
 * The same with AVX2's 256-bit registers, 64 bytes a time: half the
 * instructions a byte.  The build targets SSE4.2 (DPDK's baseline), so
 * this one is compiled for AVX2 alone and chosen when the process is
 * first used (cksum_run_pick) on a CPU that has it.  The tail, under 64
 * bytes, starts at an even offset and goes through the SSE2 run.
 */
__attribute__((target("avx2"))) static uint64_t
cksum_run_avx2(uint8_t *d, const uint8_t *s, size_t len)
{
	const __m256i z = _mm256_setzero_si256();
	__m256i a0 = z, a1 = z, v, u;
	uint64_t lane[8], sum;
	int i;

	for (; len >= 64; s += 64, len -= 64) {
		v = _mm256_loadu_si256((const __m256i *)(const void *)s);
		u = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32));
		if (d != NULL) {
			_mm256_storeu_si256((__m256i *)(void *)d, v);
			_mm256_storeu_si256((__m256i *)(void *)(d + 32), u);
		}
		a0 = _mm256_add_epi64(a0, _mm256_unpacklo_epi32(v, z));
		a1 = _mm256_add_epi64(a1, _mm256_unpackhi_epi32(v, z));
		a0 = _mm256_add_epi64(a0, _mm256_unpacklo_epi32(u, z));
		a1 = _mm256_add_epi64(a1, _mm256_unpackhi_epi32(u, z));
		if (d != NULL)
			d += 64;
	}
	_mm256_storeu_si256((__m256i *)(void *)lane, a0);
	_mm256_storeu_si256((__m256i *)(void *)(lane + 4), a1);
	sum = 0;
	for (i = 0; i < 8; i++)
		sum = cksum_add(sum, lane[i]);
	return (cksum_add(sum, cksum_run_sse2(d, s, len)));
}

typedef uint64_t cksum_run_fn(uint8_t *, const uint8_t *, size_t);

/*
 * Which run this CPU gets, picked at the first call.  Not a GNU ifunc:
 * its resolver runs while the loader relocates, before a sanitizer's or
 * libFuzzer's runtime is up, and their instrumentation of it crashed
 * every fuzz harness at start.  Two lcores racing here store the same
 * pointer.
 */
static cksum_run_fn *cksum_run_chosen;

static cksum_run_fn *
cksum_run_pick(void)
{
	__builtin_cpu_init();
	return (
	    __builtin_cpu_supports("avx2") ? cksum_run_avx2 : cksum_run_sse2);
}

static uint64_t
cksum_run(uint8_t *d, const uint8_t *s, size_t len)
{
	cksum_run_fn *fn = cksum_run_chosen;

	if (__builtin_expect(fn == NULL, 0))
		cksum_run_chosen = fn = cksum_run_pick();
	return (fn(d, s, len));
}
#else
static uint64_t
cksum_run(uint8_t *d, const uint8_t *s, size_t len)
{
	return (cksum_run_sse2(d, s, len));
}
#endif
#else
static uint64_t
cksum_run(uint8_t *d, const uint8_t *s, size_t len)
{
	return (cksum_tail(d, s, len, 0));
}
#endif

uint64_t
cksum_copy(void *dst, const void *src, size_t len)
{
	return (cksum_run(dst, src, len));
}

uint64_t
cksum_sum(const void *src, size_t len)
{
	return (cksum_run(NULL, src, len));
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
