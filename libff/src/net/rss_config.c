/*
 * rss_config.c - the Toeplitz hash and the indirection table (see
 * rss_config.h).
 *
 * Entry points: toeplitz_hash(), rss_hash_symmetric() (the same under
 * rss_key_symmetric, by table: about 20 cycles for an IPv4 4-tuple where
 * the bit loop takes 470), rss_hash2proc().
 *
 * The Toeplitz hash (Microsoft, "Receive Side Scaling", "RSS hashing
 * functions"): for every bit set in the input, from the most significant
 * bit of its first byte on, XOR in the 32 bits of the key that start at
 * that bit's position.
 */
#include "net/rss_config.h"
#include "net/rss_symtab.h"

/* 0x6d, 0x5a twenty times: five rows of 8 bytes. */
/* clang-format off */
const uint8_t rss_key_symmetric[RSS_KEYSIZE] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};
/* clang-format on */

uint32_t
toeplitz_hash(
    const uint8_t *key, size_t keylen, const uint8_t *data, size_t len)
{
	uint32_t hash = 0, window;
	size_t i, next = 4;
	int b;

	if (keylen < 4)
		return (0);
	/* The window: key bits [pos, pos + 32), shifted in one at a time. */
	window = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
	    (uint32_t)key[2] << 8 | key[3];
	/* Branch-free: the input bits are random, a branch would miss. */
	for (i = 0; i < len; i++) {
		for (b = 7; b >= 0; b--) {
			hash ^= window & -(uint32_t)((data[i] >> b) & 1);
			window = window << 1 |
			    (next < keylen ? (uint32_t)(key[next] >> b) & 1
					   : 0);
		}
		next++;
	}
	return (hash);
}

uint32_t
rss_hash_symmetric(const uint8_t *data, size_t len)
{
	uint32_t hash = 0;
	size_t i;

	for (i = 0; i < len && i + 4 <= RSS_KEYSIZE; i++)
		hash ^= rss_symtab[i & 1][data[i]];
	return (hash);
}

int
rss_hash2proc(uint32_t hash, int nprocs)
{
	if (nprocs <= 1)
		return (0);
	return ((int)((hash % RSS_BUCKETS) % (uint32_t)nprocs));
}
