/*
 * mbuf.h - the packet buffer as the stack sees it (FreeBSD's sys/mbuf.h
 * in spirit): the one header through which kern/, net/ and netinet/ reach
 * DPDK's rte_mbuf.
 *
 * The buffer stays an rte_mbuf from the port to the socket and back (no
 * copy); what changes is the vocabulary.  Protocols use FreeBSD-named
 * accessors (mtod(), m_pktlen(), m_len(), m_adj(), m_trim(), m_append(),
 * m_prepend(), m_get(), m_gethdr(), m_freem(), m_freem_bulk(), m_last(), m_cat(),
 * m_copydata_p(), M_TRAILINGSPACE(), M_WRITABLE()) that are static inline wrappers of rte_pktmbuf_*, so the per-packet
 * path costs exactly what it did when it called DPDK directly.
 *
 * What FreeBSD keeps in m_pkthdr and DPDK keeps in ol_flags (checksum
 * verdicts of the receiving NIC, a VLAN tag it took off, transmit offload
 * requests) is kept here in a stack-owned struct pkthdr, in the mbuf's
 * private area (rte_mbuf_to_priv()), with FreeBSD's names and values:
 *   rx: CSUM_L3_CALC / CSUM_L3_VALID, CSUM_L4_CALC / CSUM_L4_VALID,
 *       M_VLANTAG with ether_vtag;
 *   tx: CSUM_IP (header checksum by the NIC) with l2hlen / l3hlen;
 *       CSUM_IP_TSO (the NIC cuts a TCP super-segment into tso_segsz
 *       payloads) with l4hlen too; CSUM_IP_TCP / CSUM_IP_UDP (the sum
 *       field holds the pseudo-header sum, left to a trusted link, or
 *       completed by ip_output: netinet/in_cksum.h in_delayed_cksum()).
 * The port backend writes the rx words for every frame it receives and
 * turns the tx words into ol_flags when it sends (dpdk/ff_dpdk_mbuf.h).
 * Why the private area and not a registered dynamic field: its offset is
 * a compile-time constant (sizeof(struct rte_mbuf)), so an access is one
 * load with no per-process offset variable to look up (a dynfield offset
 * is a process-wide global, which the one-context rule forbids) and no
 * registration that could fail; the price is M_PRIVSIZE bytes per mbuf,
 * given to every pool that feeds the stack (dpdk/ff_dpdk.c, the test
 * port's pools).
 */
#ifndef _KERN_MBUF_H_
#define _KERN_MBUF_H_

#include <stdint.h>
#include <string.h>
#include <rte_mbuf.h>

/* m_pkthdr.csum_flags, transmit requests (FreeBSD sys/mbuf.h values). */
#define CSUM_IP	      0x00000001 /* IPv4 header checksum by the NIC */
#define CSUM_IP_UDP   0x00000002 /* UDP checksum by the link (pseudo sum in) */
#define CSUM_IP_TCP   0x00000004 /* TCP checksum by the link (pseudo sum in) */
#define CSUM_IP_TSO   0x00000010 /* TCP segmentation by the NIC */
/* m_pkthdr.csum_flags, receive verdicts: CALC without VALID is bad. */
#define CSUM_L3_CALC  0x01000000 /* the NIC checked the IP header */
#define CSUM_L3_VALID 0x02000000 /* ... and it was correct */
#define CSUM_L4_CALC  0x04000000 /* the NIC checked TCP/UDP */
#define CSUM_L4_VALID 0x08000000 /* ... and it was correct */

/* pkthdr m_flags (FreeBSD keeps these in struct mbuf; values its own). */
#define M_VLANTAG 0x0080 /* ether_vtag holds a stripped tag */
#define M_PEERCOPY \
	0x0100 /* a copy another stack process received: learn
			    * from it, do not answer it (core/ff_dispatch.c) */

/*
 * The stack's per-packet header, in the private area of the first
 * segment.  Rx words are written for every received frame and zeroed by
 * m_gethdr(); the first 8 bytes are one word so the backend sets them
 * with a single store.
 */
struct pkthdr {
	uint32_t csum_flags; /* CSUM_* above */
	uint16_t ether_vtag; /* 802.1Q TCI when M_VLANTAG */
	uint16_t m_flags;    /* M_VLANTAG */
	uint8_t l2hlen;	     /* link header bytes, for CSUM_IP */
	uint8_t l3hlen;	     /* IP header bytes, for CSUM_IP */
	uint8_t l4hlen;	     /* TCP header bytes, for CSUM_IP_TSO */
	uint8_t pad;
	uint16_t tso_segsz; /* payload bytes per segment, for CSUM_IP_TSO */
	uint8_t pad2[2];
};

/*
 * Private area every stack pool gives each mbuf: a whole cache line, so
 * that packet data (after it and the headroom) still starts on a line
 * and a frame's headers share one.  The pool's elements are rounded up
 * to cache lines anyway: 16 bytes would cost the same memory.
 */
#define M_PRIVSIZE RTE_CACHE_LINE_SIZE
_Static_assert(sizeof(struct pkthdr) <= M_PRIVSIZE &&
	M_PRIVSIZE % RTE_MBUF_PRIV_ALIGN == 0,
    "pkthdr fits the private area");
/* Data room of one segment (FreeBSD's cluster size is the same 2 KiB). */
#define MCLBYTES  RTE_MBUF_DEFAULT_DATAROOM
/* Most segments one chain may have. */
#define M_MAXSEGS RTE_MBUF_MAX_NB_SEGS

/* m's pkthdr: the private area right after the rte_mbuf (as DPDK's). */
static inline struct pkthdr *
m_pkthdr(const struct rte_mbuf *m)
{
	return ((struct pkthdr *)(uintptr_t)(m + 1));
}

/* The data of m as type t, and at offset o (FreeBSD's mtod, mtodo). */
#define mtod(m, t)  rte_pktmbuf_mtod(m, t)
#define mtodo(m, o) rte_pktmbuf_mtod_offset(m, void *, o)

/* Bytes in the whole chain / in this segment. */
#define m_pktlen(m)	   rte_pktmbuf_pkt_len(m)
#define m_len(m)	   rte_pktmbuf_data_len(m)
/* Free room after this segment's data (FreeBSD's M_TRAILINGSPACE). */
#define M_TRAILINGSPACE(m) rte_pktmbuf_tailroom(m)

/*
 * A data segment from pool mp for the middle of a chain (its pkthdr is
 * never read); NULL when the pool is empty.
 */
static inline struct rte_mbuf *
m_get(struct rte_mempool *mp)
{
	return (rte_pktmbuf_alloc(mp));
}

/* A fresh packet from pool mp, its pkthdr cleared; NULL when empty. */
static inline struct rte_mbuf *
m_gethdr(struct rte_mempool *mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m != NULL)
		memset(m_pkthdr(m), 0, sizeof(struct pkthdr));
	return (m);
}

/* Give the whole chain back to its pool. */
static inline void
m_freem(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

/* Free n chains at once (a burst the device refused). */
static inline void
m_freem_bulk(struct rte_mbuf **ms, unsigned int n)
{
	rte_pktmbuf_free_bulk(ms, n);
}

/*
 * Drop len bytes from the front of the first segment; the new start, or
 * NULL if that segment is shorter (a header pulled up before).  Data may
 * span segments: m_cutfront().
 */
static inline char *
m_adj(struct rte_mbuf *m, uint16_t len)
{
	return (rte_pktmbuf_adj(m, len));
}

/*
 * Drop len bytes from the end of the last segment; 0, or -1 when it is
 * shorter.  Data may span segments: m_cutback().
 */
static inline int
m_trim(struct rte_mbuf *m, uint16_t len)
{
	return (rte_pktmbuf_trim(m, len));
}

/* Room for len more bytes at the end / in front; NULL when none. */
static inline char *
m_append(struct rte_mbuf *m, uint16_t len)
{
	return (rte_pktmbuf_append(m, len));
}

static inline char *
m_prepend(struct rte_mbuf *m, uint16_t len)
{
	return (rte_pktmbuf_prepend(m, len));
}

/* Free one segment, not the chain behind it (FreeBSD's m_free). */
static inline void
m_free(struct rte_mbuf *m)
{
	rte_pktmbuf_free_seg(m);
}

/*
 * Make the first len bytes of the chain m contiguous in its first segment
 * (uipc_mbuf.c).  Unlike FreeBSD's m_pullup, m is never consumed: 0,
 * -EINVAL when the chain holds fewer than len bytes, -ENOSPC when the
 * first segment's buffer cannot hold len bytes.
 */
int m_pullup(struct rte_mbuf *m, uint32_t len);

/*
 * Drop the first len bytes of the chain m, whatever segments hold them
 * (FreeBSD's m_adj() with len > 0; uipc_mbuf.c): segments emptied are
 * freed, their buffer bytes added to *freed (NULL: not counted).  The new
 * head, or NULL (m untouched) when the chain holds fewer than len bytes.
 */
struct rte_mbuf *m_cutfront(struct rte_mbuf *m, uint32_t len, uint32_t *freed);

/*
 * Keep the first len bytes of the chain m (FreeBSD's m_adj() with a
 * negative count): the segments past them are freed.
 */
void m_cutback(struct rte_mbuf *m, uint32_t len);

/* The last segment of a chain. */
static inline struct rte_mbuf *
m_last(struct rte_mbuf *m)
{
	return (rte_pktmbuf_lastseg(m));
}

/* Append chain n to chain m; 0, or -1 (too many segments: both kept). */
static inline int
m_cat(struct rte_mbuf *m, struct rte_mbuf *n)
{
	return (rte_pktmbuf_chain(m, n) == 0 ? 0 : -1);
}

/*
 * len bytes from offset off: a pointer into m when they are contiguous,
 * else copied to buf; NULL when the chain is too short.
 */
static inline const void *
m_copydata_p(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *buf)
{
	return (rte_pktmbuf_read(m, off, len, buf));
}

/* 1 when this segment's data may be written in place (FreeBSD's). */
static inline int
M_WRITABLE(const struct rte_mbuf *m)
{
	return (!RTE_MBUF_CLONED(m) && rte_mbuf_refcnt_read(m) == 1 &&
	    !RTE_MBUF_HAS_EXTBUF(m));
}

/* Mbufs in pool mp, free or not (kern.ipc.nmbufs). */
static inline unsigned int
m_pool_size(const struct rte_mempool *mp)
{
	return (mp->size);
}

/* Free mbufs left in pool mp. */
static inline unsigned int
m_pool_avail(const struct rte_mempool *mp)
{
	return (rte_mempool_avail_count(mp));
}

/*
 * Free mbufs in pool mp's common ring: a lower bound of m_pool_avail(),
 * without the per-lcore caches.  DPDK counts those by walking all
 * RTE_MAX_LCORE (128) of them, a cache line each, on every
 * rte_mempool_avail_count().  The ring's count goes through the pool's
 * ops table as the inline rte_mempool_get()/put() reach the ring
 * (rte_mempool_ops_get_count() itself is not exported).
 */
static inline unsigned int
m_pool_avail_min(const struct rte_mempool *mp)
{
	return (rte_mempool_get_ops(mp->ops_index)->get_count(mp));
}

#endif /* _KERN_MBUF_H_ */
