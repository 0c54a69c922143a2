/*
 * uipc_mbuf.c - operations on packet chains shared by the protocols.
 *
 * Entry points: m_pullup(), m_cutfront(), m_cutback() (see kern/mbuf.h).
 *
 * Why: a port may hand up a frame cut anywhere over several mbufs
 * (memif's 2 KB mbufs for a jumbo MTU, small rx buffers, header split),
 * and a reassembled datagram is a chain of the fragments' segments (RFC
 * 791 lets a first fragment carry as little as 8 bytes, less than a TCP
 * header).  Protocols read their header through one pointer, so each
 * layer first makes the bytes it reads contiguous here, as FreeBSD's
 * ether, ip, icmp, udp and tcp input do with m_pullup().  For the same
 * reason a protocol that cuts bytes off a packet (TCP's duplicate prefix,
 * data beyond the window; link padding after a datagram) cuts across the
 * chain, as FreeBSD's m_adj() does: DPDK's rte_pktmbuf_adj() and
 * rte_pktmbuf_trim() work in one segment and refuse more.
 */
#include <errno.h>
#include <string.h>

#include "kern/libkern.h"
#include "kern/mbuf.h"

/*
 * Room for len bytes in m's own buffer, sliding the data towards its
 * start; as much of the usual headroom is kept as fits, for the headers
 * a reply built in m prepends.
 */
static int
m_makeroom(struct rte_mbuf *m, uint32_t len)
{
	uint32_t off;

	if (len > m->buf_len)
		return (-ENOSPC);
	if ((uint32_t)m->data_off + len <= m->buf_len)
		return (0);
	/* Even, so that the headers keep the alignment they had. */
	off = min(m->buf_len - len, RTE_PKTMBUF_HEADROOM) & ~1u;
	memmove((char *)m->buf_addr + off, mtod(m, char *), m->data_len);
	m->data_off = (uint16_t)off;
	return (0);
}

int
m_pullup(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *n;
	uint32_t k;
	int error;

	if (m->data_len >= len)
		return (0);
	if (m->pkt_len < len)
		return (-EINVAL);
	if ((error = m_makeroom(m, len)) != 0)
		return (error);
	while (m->data_len < len && (n = m->next) != NULL) {
		k = len - m->data_len;
		if (k > n->data_len)
			k = n->data_len;
		memcpy((char *)mtodo(m, m->data_len), mtod(n, char *), k);
		m->data_len += (uint16_t)k;
		n->data_off += (uint16_t)k;
		n->data_len -= (uint16_t)k;
		n->pkt_len -= k;
		if (n->data_len == 0) {
			/* Unlink the emptied segment; its tail moves up. */
			m->next = n->next;
			n->next = NULL;
			n->nb_segs = 1;
			m->nb_segs--;
			m_free(n);
		}
	}
	return (0);
}

struct rte_mbuf *
m_cutfront(struct rte_mbuf *m, uint32_t len, uint32_t *freed)
{
	struct rte_mbuf *next;

	if (len > m->pkt_len)
		return (NULL);
	while (len > 0 && len >= m->data_len && m->next != NULL) {
		next = m->next;
		next->pkt_len = m->pkt_len - m->data_len;
		next->nb_segs = (uint16_t)(m->nb_segs - 1);
		len -= m->data_len;
		if (freed != NULL)
			*freed += m->buf_len;
		m->next = NULL;
		m->nb_segs = 1;
		m_free(m);
		m = next;
	}
	/* The last segment holds the rest: len <= its data_len. */
	if (len > 0)
		(void)rte_pktmbuf_adj(m, (uint16_t)len);
	return (m);
}

void
m_cutback(struct rte_mbuf *m, uint32_t len)
{
	struct rte_mbuf *seg = m, *rest;
	uint32_t left = len;

	if (len >= m->pkt_len)
		return;
	while (seg->data_len < left && seg->next != NULL) {
		left -= seg->data_len;
		seg = seg->next;
	}
	seg->data_len = (uint16_t)left;
	rest = seg->next;
	seg->next = NULL;
	if (rest != NULL) {
		m->nb_segs = (uint16_t)(m->nb_segs - rest->nb_segs);
		m_freem(rest);
	}
	m->pkt_len = len;
}
