/*
 * if_loop.c - the loopback interface lo0 (FreeBSD's net/if_loop.c).
 *
 * Entry point: if_simloop_consume().  A packet sent to lo0 (or to one of
 * our own addresses, whose host routes point at lo0) is passed straight
 * back to ip_input.  The nesting depth is bounded so that a packet that
 * keeps answering itself cannot recurse without end.
 */
#include <errno.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/ip_var.h"
#include "kern/mbuf.h"

#define LOOP_MAXDEPTH 4

int
if_simloop_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m)
{
	struct if_state *ifs = V_if(ctx);
	struct ifnet *lo = ifs->if_loif;
	uint32_t len = m_pktlen(m);

	if (lo == NULL || ifs->if_loopdepth >= LOOP_MAXDEPTH) {
		V_ip(ctx)->ipxstat.ipx_loopdrop++;
		if (lo != NULL)
			if_inc_counter(lo, IFCOUNTER_OQDROPS, 1);
		m_freem(m);
		return (-ENOBUFS);
	}
	if_inc_counter(lo, IFCOUNTER_OPACKETS, 1);
	if_inc_counter(lo, IFCOUNTER_OBYTES, len);
	if_inc_counter(lo, IFCOUNTER_IPACKETS, 1);
	if_inc_counter(lo, IFCOUNTER_IBYTES, len);
	/* Our own packets need no checksum check on the way back in. */
	m_pkthdr(m)->csum_flags = CSUM_L3_CALC | CSUM_L3_VALID;
	ifs->if_loopdepth++;
	ip_input_consume(ctx, lo, m, M_LOOP);
	ifs->if_loopdepth--;
	return (0);
}
