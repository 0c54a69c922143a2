/*
 * uipc_mbuf.c - operations on packet chains shared by the protocols.
 *
 * Entry points: m_pullup() (see kern/mbuf.h).
 *
 * Why: a port may hand up a frame cut anywhere over several mbufs
 * (memif's 2 KB mbufs for a jumbo MTU, small rx buffers, header split),
 * and a reassembled datagram is a chain of the fragments' segments (RFC
 * 791 lets a first fragment carry as little as 8 bytes, less than a TCP
 * header).  Protocols read their header through one pointer, so each
 * layer first makes the bytes it reads contiguous here, as FreeBSD's
 * ether, ip, icmp, udp and tcp input do with m_pullup().
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
