/*
 * libkern.h - small helpers every layer uses (FreeBSD's sys/libkern.h):
 * typed min/max, the stack's pseudo-random numbers and the Internet
 * checksum's sum computed while copying (kern/subr_cksum.c).
 *
 * Entry points: imin(), imax(), min(), max(), ulmin(), ulmax(),
 * ff_random64(), ff_log(), cksum_copy(), cksum_sum(), cksum_fold().
 *
 * ff_random64() is DPDK's rte_rand() behind an out-of-line wrapper
 * (dpdk/ff_dpdk_lib.c), so that protocols name no rte_* symbol; it is
 * used for keys and initial values at set-up and per connection, never
 * per packet.
 */
#ifndef _KERN_LIBKERN_H_
#define _KERN_LIBKERN_H_

#include <stddef.h>
#include <stdint.h>

static inline int
imin(int a, int b)
{
	return (a < b ? a : b);
}

static inline int
imax(int a, int b)
{
	return (a > b ? a : b);
}

static inline unsigned int
min(unsigned int a, unsigned int b)
{
	return (a < b ? a : b);
}

static inline unsigned int
max(unsigned int a, unsigned int b)
{
	return (a > b ? a : b);
}

static inline size_t
ulmin(size_t a, size_t b)
{
	return (a < b ? a : b);
}

static inline size_t
ulmax(size_t a, size_t b)
{
	return (a > b ? a : b);
}

/* 64 pseudo-random bits (not for cryptography); never fails. */
uint64_t ff_random64(void);

/*
 * A line in the stack's log (DPDK's log stream: stderr or [dpdk]
 * log_file), FreeBSD's log(9).  Levels are syslog's plus one (DPDK's
 * numbering); FF_LOG_SECURITY, what ipfw logs, is the warning level so
 * that the default [dpdk] log_level shows it.
 */
#define FF_LOG_SECURITY 5
void
ff_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Copy len bytes from src to dst and return their one's-complement sum
 * (RFC 1071) as the machine loads the words, not folded: cksum_fold()
 * makes it the 16-bit sum.  A run that starts at an odd offset of what
 * is summed contributes its folded sum byte-swapped.
 */
uint64_t cksum_copy(void *dst, const void *src, size_t len);
/* cksum_copy() without the copy: the sum of a received payload. */
uint64_t cksum_sum(const void *src, size_t len);
/* a + b in 64-bit one's complement: the carry out of bit 63 added back. */
static inline uint64_t
cksum_add(uint64_t a, uint64_t b)
{
	a += b;
	return (a + (a < b));
}
/* A 64-bit one's-complement sum folded to 16 bits (not inverted). */
uint16_t cksum_fold(uint64_t sum);

#endif /* _KERN_LIBKERN_H_ */
