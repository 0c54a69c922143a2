/*
 * rss_config.h - receive-side scaling in software: the Toeplitz hash, the
 * key ff uses, and which stack process a hash belongs to (after
 * FreeBSD's net/rss_config.h and net/toeplitz.h).
 *
 * ff's key is the symmetric one (0x6d5a repeated, Woo and Park, "Scalable
 * TCP Session Monitoring with Symmetric Receive-side Scaling", 2012): its
 * 32-bit windows repeat every 16 bits, so swapping the source and the
 * destination address (32 bits apart) or port (16 bits apart) of the
 * input leaves the hash unchanged.  Both directions of a flow therefore
 * have one hash and one owner, whether its first packet was received or
 * sent; a NIC given the same key and indirection table agrees with us
 * packet for packet.
 *
 * The indirection table is F-Stack's: RSS_BUCKETS buckets, bucket i
 * served by process i % nprocs; a hash goes to bucket hash % RSS_BUCKETS.
 */
#ifndef _NET_RSS_CONFIG_H_
#define _NET_RSS_CONFIG_H_

#include <stddef.h>
#include <stdint.h>

#define RSS_KEYSIZE 40	/* bytes: the IPv4 and IPv6 inputs fit under it */
#define RSS_BUCKETS 128 /* indirection table entries */

/* The symmetric key (0x6d, 0x5a repeated), RSS_KEYSIZE bytes. */
extern const uint8_t rss_key_symmetric[RSS_KEYSIZE];

/*
 * The Toeplitz hash of `data' (len bytes, network order) under `key'
 * (keylen bytes, at least len + 4).  Microsoft's RSS specification.
 */
uint32_t toeplitz_hash(
    const uint8_t *key, size_t keylen, const uint8_t *data, size_t len);

/* toeplitz_hash() under rss_key_symmetric, by table (len <= 36). */
uint32_t rss_hash_symmetric(const uint8_t *data, size_t len);

/* The process (0..nprocs-1) that serves `hash'; 0 when nprocs <= 1. */
int rss_hash2proc(uint32_t hash, int nprocs);

#endif /* _NET_RSS_CONFIG_H_ */
