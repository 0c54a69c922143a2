/*
 * ff_port.c - transmit buffering common to every port backend.
 *
 * Frames are buffered per port and pushed to the device in bursts: as
 * soon as the buffer holds a full burst, and at the end of a main-loop
 * iteration (ff_ctx_iterate()) once the oldest buffered frame has waited
 * [dpdk] pkt_tx_delay µs (0, the default: at the end of every iteration).
 * Frames the device refuses (its ring is full: a memif peer that has
 * not caught up) stay buffered, in order, and are offered again at the
 * next flush: a burst of TCP data is not lost to a queue that frees in
 * microseconds.  Only a frame that finds the buffer itself full, after
 * one more try, is freed and counted in tx_dropped and in its
 * interface's oqdrops (FreeBSD's name for a frame a full send queue could
 * not take): the stack never blocks on a full queue.  The interface's
 * opackets, obytes and omcasts count what the device took.
 *
 * ff_port_sysctl_attach() shows each port's rings as FreeBSD drivers
 * show their hardware: dev.<driver>.<unit>.rx_desc and tx_desc, and a
 * memif port's zero copy, dev.memif.<unit>.zero_copy.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/mbuf.h"
#include "net/ff_port.h"
#include "net/if_var.h"

/* 1 when frame m goes to an Ethernet multicast (or broadcast) address. */
static int
ff_port_mcast(const struct rte_mbuf *m)
{
	return ((mtod(m, const uint8_t *)[0] & 0x01) != 0);
}

int
ff_port_flush(struct ff_ctx *ctx, struct ff_port *p)
{
	uint16_t i, sent, left;
	uint64_t bytes = 0, mcasts = 0;

	if (p->p_ntx == 0)
		return (0);
	/* Count before the burst: the device may free what it took at once. */
	for (i = 0; i < p->p_ntx; i++) {
		bytes += m_pktlen(p->p_txbuf[i]);
		mcasts += (uint64_t)ff_port_mcast(p->p_txbuf[i]);
	}
	sent = p->p_ops->po_tx_burst(p, p->p_txbuf, p->p_ntx);
	for (i = sent; i < p->p_ntx; i++) {
		bytes -= m_pktlen(p->p_txbuf[i]);
		mcasts -= (uint64_t)ff_port_mcast(p->p_txbuf[i]);
	}
	left = p->p_ntx - sent;
	ctx->traffic.tx_packets += sent;
	ctx->traffic.tx_bytes += bytes;
	if (p->p_ifp != NULL) {
		/* What the port took. */
		if_inc_counter(p->p_ifp, IFCOUNTER_OPACKETS, sent);
		if_inc_counter(p->p_ifp, IFCOUNTER_OBYTES, bytes);
		if_inc_counter(p->p_ifp, IFCOUNTER_OMCASTS, mcasts);
	}
	/* What it refused waits, oldest first, for the next flush. */
	if (left > 0 && sent > 0)
		memmove(&p->p_txbuf[0], &p->p_txbuf[sent],
		    left * sizeof(p->p_txbuf[0]));
	/* p_tx_first_ns stays: they are due again at the next iteration. */
	p->p_ntx = left;
	return (sent);
}

/* Free frame m that found the buffer full: an output drop. */
static void
ff_port_drop(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf *m)
{
	ctx->traffic.tx_dropped++;
	if (p->p_ifp != NULL)
		if_inc_counter(p->p_ifp, IFCOUNTER_OQDROPS, 1);
	m_freem(m);
}

int
ff_port_tx_consume(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf *m)
{
	/* Frames the device refused fill the buffer: one more try. */
	if (p->p_ntx == FF_PORT_BURST)
		ff_port_flush(ctx, p);
	if (p->p_ntx == FF_PORT_BURST) {
		ff_port_drop(ctx, p, m);
		return (-ENOBUFS);
	}
	if (p->p_ntx == 0)
		p->p_tx_first_ns = ff_clock_now(&ctx->clock);
	p->p_txbuf[p->p_ntx++] = m;
	/* A full burst goes at once: holding it longer batches nothing. */
	if (p->p_ntx == FF_PORT_BURST)
		ff_port_flush(ctx, p);
	return (0);
}

int
ff_port_tx_full(const struct ff_port *p)
{
	return (p->p_ntx == FF_PORT_BURST);
}

int
ff_port_tx_due(const struct ff_port *p, uint64_t now_ns, uint64_t hold_ns)
{
	if (p->p_ntx == 0)
		return (0);
	return (hold_ns == 0 || now_ns - p->p_tx_first_ns >= hold_ns);
}

/*
 * dev.<driver>.<unit>: the port's ring sizes, read-only, and a memif
 * port's zero copy (only the client has it: 0 on a server).  The unit counts
 * the ports of the same driver before this one, as FreeBSD numbers a
 * driver's devices (dev.tap.0, dev.tap.1, dev.af_xdp.0).
 */
int
ff_port_sysctl_attach(struct ff_ctx *ctx, struct ff_port *p)
{
	char dev[48], node[64], rx[80], tx[80], zc[80], descr[96];
	int error, i, unit = 0;

	for (i = 0; i < ctx->nb_ports && ctx->ports[i] != p; i++)
		if (ctx->ports[i] != NULL &&
		    strcmp(ctx->ports[i]->p_driver, p->p_driver) == 0)
			unit++;
	snprintf(dev, sizeof(dev), "dev.%s", p->p_driver);
	snprintf(node, sizeof(node), "%s.%d", dev, unit);
	snprintf(rx, sizeof(rx), "%s.rx_desc", node);
	snprintf(tx, sizeof(tx), "%s.tx_desc", node);
	snprintf(descr, sizeof(descr), "port %u (%s)", p->p_port_id, p->p_name);
	const struct sysctl_entry tab[] = {
		SYSCTL_NODE("dev", "Devices"),
		SYSCTL_NODE(dev, "Ports of this driver"),
		SYSCTL_NODE(node, descr),
		SYSCTL_INT(rx, CTLFLAG_RD, struct ff_port, p_rx_desc, 0, 0,
		    "Receive descriptors per queue ([portN] rx_desc, as the "
		    "driver took it; 0: the driver has no such ring)"),
		SYSCTL_INT(tx, CTLFLAG_RD, struct ff_port, p_tx_desc, 0, 0,
		    "Transmit descriptors per queue ([portN] tx_desc, as the "
		    "driver took it; 0: the driver has no such ring)"),
	};

	if ((error = SYSCTL_ADD_TABLE(ctx, p, tab)) != 0 ||
	    strcmp(p->p_driver, "memif") != 0)
		return (error);
	snprintf(zc, sizeof(zc), "%s.zero_copy", node);
	const struct sysctl_entry memif[] = {
		SYSCTL_INT(zc, CTLFLAG_RD, struct ff_port, p_zero_copy, 0, 0,
		    "Frames stay in this client's own packet pool, which the "
		    "memif server maps ([vdevN] zero_copy)"),
	};

	return (SYSCTL_ADD_TABLE(ctx, p, memif));
}
