/*
 * in_cksum.h - the Internet checksum (RFC 1071, RFC 1624's one's
 * complement arithmetic) over flat buffers and mbuf chains, and the
 * TCP/UDP pseudo-header sum (RFC 9293 3.1, RFC 768).
 *
 * Entry points: in_cksum_buf(), in_cksum_mbuf(), in_cksum_raw_mbuf(),
 * in_pseudo_sum(), in_cksum_l4(), in_cksum_l4_sum(), in_cksum_pseudo_l4(),
 * in_delayed_cksum().
 *
 * A seam header, like kern/mbuf.h: the sums are DPDK's optimised inline
 * ones (rte_ip.h), and this is the only file of netinet/ that includes
 * that header.  Everything here is static inline: no function call and
 * no rte_* symbol per packet.
 */
#ifndef _NETINET_IN_CKSUM_H_
#define _NETINET_IN_CKSUM_H_

#include <stdint.h>
#include <string.h>
#include <rte_ip.h>

#include "kern/libkern.h"
#include "kern/mbuf.h"
#include "netinet/ip.h"

/* Checksum of len bytes at p: 0 when a received header is intact. */
static inline uint16_t
in_cksum_buf(const void *p, size_t len)
{
	uint16_t s = rte_raw_cksum(p, len);

	return ((uint16_t)~s);
}

/*
 * The raw one's-complement sum (not inverted) of len bytes from offset
 * off in chain m; 0, or -1 when the chain is shorter.  Each segment's
 * run is summed 16 bytes a time (cksum_sum(), about a third of
 * rte_raw_cksum_mbuf()'s time for a full segment: every received TCP
 * payload on a port without checksum offload, as memif, goes through
 * here); a run that starts at an odd offset of the whole contributes
 * its sum byte-swapped (RFC 1071 2(B)).
 */
static inline int
in_cksum_raw_mbuf(
    const struct rte_mbuf *m, uint32_t off, uint32_t len, uint16_t *raw)
{
	uint64_t s = 0, part;
	uint32_t n, done = 0;
	uint16_t f;

	for (; m != NULL && off >= m_len(m); m = m->next)
		off -= m_len(m);
	for (; m != NULL && done < len; m = m->next, off = 0) {
		n = m_len(m) - off;
		if (n > len - done)
			n = len - done;
		part = cksum_sum(mtodo(m, off), n);
		if (done & 1) {
			f = cksum_fold(part);
			part = (uint16_t)((f << 8) | (f >> 8));
		}
		s = cksum_add(s, part);
		done += n;
	}
	if (done < len)
		return (-1);
	*raw = cksum_fold(s);
	return (0);
}

/*
 * Checksum of len bytes from offset off in chain m; *sum gets it.
 * Returns 0, or -1 when the chain is shorter than off + len.
 */
static inline int
in_cksum_mbuf(
    const struct rte_mbuf *m, uint32_t off, uint32_t len, uint16_t *sum)
{
	uint16_t s;

	if (m_pktlen(m) < off + len)
		return (-1);
	if (in_cksum_raw_mbuf(m, off, len, &s) != 0)
		return (-1);
	*sum = (uint16_t)~s;
	return (0);
}

/*
 * Pseudo-header sum of ip (addresses, protocol, and ip_len less the
 * header as the upper-layer length), not inverted.
 */
static inline uint16_t
in_pseudo_sum(const ip_hdr_t *ip)
{
	return (rte_ipv4_phdr_cksum((const struct rte_ipv4_hdr *)ip, 0));
}

/*
 * The TCP or UDP checksum to send for l4 (contiguous after ip).  DPDK
 * reads the header as its struct rte_ipv4_hdr: a copy, since reading
 * our struct ip's storage through that type breaks C's aliasing rules,
 * and the compiler did hoist the read of the header length above the
 * bit-field store that set it (tcp_respond's RSTs went out 20 off).
 */
static inline uint16_t
in_cksum_l4(const ip_hdr_t *ip, const void *l4)
{
	struct rte_ipv4_hdr h;

	memcpy(&h, ip, sizeof(h));
	return (rte_ipv4_udptcp_cksum(&h, l4));
}

/*
 * What a TCP or UDP sum field holds when the link is left the sum
 * (CSUM_IP_TCP / CSUM_IP_UDP; a trusted link, [portN] csum_trust): the
 * pseudo-header sum with the upper-layer length, not inverted, which is
 * what a NIC's offload expects there (FreeBSD's in_pseudo(), DPDK's
 * rte_ipv4_phdr_cksum()).  Read from a copy, as in in_cksum_l4().
 */
static inline uint16_t
in_cksum_pseudo_l4(const ip_hdr_t *ip)
{
	struct rte_ipv4_hdr h;

	memcpy(&h, ip, sizeof(h));
	return (rte_ipv4_phdr_cksum(&h, 0));
}

/*
 * FreeBSD's in_delayed_cksum(): complete the sum a datagram left to a
 * link that turned out not to take it (an interface without the
 * CSUM_* in its if_hwassist, lo0 among them).  The field at `field'
 * (from the IP header, which is contiguous up to it) holds the pseudo
 * sum; the sum of the whole upper layer with it is the checksum's
 * complement.  0 goes as its other form, 0xffff (RFC 768).
 */
static inline void
in_delayed_cksum(struct rte_mbuf *m, uint32_t hlen, uint32_t field)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	uint16_t raw, s;

	if (in_cksum_raw_mbuf(m, hlen, ntohs(ip->ip_len) - hlen, &raw) != 0)
		return;
	s = (uint16_t)~raw;
	s = s == 0 ? 0xffff : s;
	memcpy(mtodo(m, field), &s, sizeof(s));
}

/*
 * in_cksum_l4() for a header of hlen bytes at l4 (contiguous after ip)
 * followed by a payload whose sum is already known (`payload', summed
 * from an even offset while it was copied: sbcopydata_cksum()).
 */
static inline uint16_t
in_cksum_l4_sum(
    const ip_hdr_t *ip, const void *l4, size_t hlen, uint64_t payload)
{
	struct rte_ipv4_hdr h;
	uint64_t sum;
	uint16_t s;

	memcpy(&h, ip, sizeof(h));
	/*
	 * With the end-around carry: a payload's sum can be anywhere up to
	 * 2^64 - 1 (8 bytes of 0xff are), and a plain add would drop the
	 * carry out of bit 63 (the checksum was 1 off for such payloads).
	 */
	sum = cksum_add(cksum_add(payload, rte_ipv4_phdr_cksum(&h, 0)),
	    cksum_sum(l4, hlen));
	s = (uint16_t)~cksum_fold(sum);
	/* As rte_ipv4_udptcp_cksum(): 0 is sent as its other form. */
	return (s == 0 ? 0xffff : s);
}

#endif /* _NETINET_IN_CKSUM_H_ */
