/*
 * uipc_mbuf.h - operations on packet chains that the protocols share
 * (uipc_mbuf.c), after FreeBSD's kern/uipc_mbuf.c.
 *
 * Entry points: m_pullup().
 */
#ifndef _KERN_UIPC_MBUF_H_
#define _KERN_UIPC_MBUF_H_

#include <stdint.h>

struct rte_mbuf;

/*
 * Make the first len bytes of the chain m contiguous in its first
 * segment, moving bytes up from the segments behind it (segments left
 * empty are freed).  Unlike FreeBSD's m_pullup, m is never consumed:
 * 0, -EINVAL when the chain holds fewer than len bytes, -ENOSPC when the
 * first segment's buffer cannot hold len bytes.
 */
int	m_pullup(struct rte_mbuf *m, uint32_t len);

#endif /* _KERN_UIPC_MBUF_H_ */
