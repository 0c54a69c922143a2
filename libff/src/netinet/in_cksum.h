/*
 * in_cksum.h - the Internet checksum (RFC 1071) over flat buffers and
 * mbuf chains, on top of DPDK's raw one's-complement sums.
 */
#ifndef _NETINET_IN_CKSUM_H_
#define _NETINET_IN_CKSUM_H_

#include <stdint.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/* Checksum of len bytes at p: 0 when a received header is intact. */
static inline uint16_t
in_cksum_buf(const void *p, size_t len)
{
	uint16_t s = rte_raw_cksum(p, len);

	return ((uint16_t)~s);
}

/*
 * Checksum of len bytes from offset off in chain m; *sum gets it.
 * Returns 0, or -1 when the chain is shorter than off + len.
 */
static inline int
in_cksum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t len,
    uint16_t *sum)
{
	uint16_t s;

	if (rte_pktmbuf_pkt_len(m) < off + len)
		return (-1);
	if (rte_raw_cksum_mbuf(m, off, len, &s) != 0)
		return (-1);
	*sum = (uint16_t)~s;
	return (0);
}

#endif /* _NETINET_IN_CKSUM_H_ */
