/*
 * ff_port.h - a port as the stack sees it: the port ops table (receive
 * and transmit bursts, link state, MTU, promiscuous mode, close), a MAC
 * address, an MTU, FreeBSD's capability words and a transmit buffer
 * flushed by the main loop (at once, or after [dpdk] pkt_tx_delay).
 *
 * Generic: two backends implement it, dpdk/ff_dpdk_port.c (rte_eth_* on
 * a real or virtual DPDK device; the only code that calls rte_eth_*) and
 * the test port (src/testport), an in-memory queue pair driven by tests.
 * Every stack process has its own queue on the port; the ports of several
 * processes also pass frames to each other (po_handover).
 * A backend fills p_capabilities / p_capenable / p_hwassist from what the
 * device offers and what it turned on (if_attach() copies them into the
 * ifnet), and, for every frame it receives, the frame's struct pkthdr
 * (kern/mbuf.h): protocols never see the device's own flags.
 */
#ifndef _NET_FF_PORT_H_
#define _NET_FF_PORT_H_

#include <stdint.h>

#include "net/if_ether.h"

struct rte_mbuf;
struct ff_ctx;
struct ff_port;
struct ifnet;

#define FF_PORT_BURST 32

struct ff_port_ops {
	/* Receive up to n frames; returns how many. */
	uint16_t (*po_rx_burst)(
	    struct ff_port *p, struct rte_mbuf **pkts, uint16_t n);
	/* Hand n frames to the device; returns how many it took. */
	uint16_t (*po_tx_burst)(
	    struct ff_port *p, struct rte_mbuf **pkts, uint16_t n);
	/* Link state now: 1 up, 0 down. */
	int (*po_link_up)(struct ff_port *p);
	/* Set the MTU / promiscuous mode; 0 or a negative errno. */
	int (*po_set_mtu)(struct ff_port *p, uint16_t mtu);
	int (*po_set_promisc)(struct ff_port *p, int on);
	void (*po_close)(struct ff_port *p);
	/*
	 * Several stack processes on the port (core/ff_dispatch.c): hand n
	 * frames this process received to process `proc', which takes them
	 * from po_handover_rx.  Returns how many were taken; the caller
	 * keeps the rest.  NULL when the port has no other process.
	 */
	uint16_t (*po_handover)(
	    struct ff_port *p, int proc, struct rte_mbuf **pkts, uint16_t n);
	uint16_t (*po_handover_rx)(
	    struct ff_port *p, struct rte_mbuf **pkts, uint16_t n);
};

struct ff_port {
	const struct ff_port_ops *p_ops;
	uint16_t p_port_id; /* DPDK port id or test port number */
	uint16_t p_queue;   /* rx/tx queue this process owns */
	uint32_t p_adopted; /* rx queues of dead processes polled too */
	char p_name[64];    /* device name, for messages */
	char p_driver[32];  /* driver, for dev.<driver>.<unit>: "tap" */
	int p_rx_desc;	    /* descriptors per rx queue, as the driver took */
	int p_tx_desc;	    /* descriptors per tx queue */
	int p_zero_copy;    /* memif zero copy: frames stay in our pool */
	struct ether_addr p_mac;
	uint16_t p_mtu;
	int p_promisc;
	uint32_t p_capabilities; /* IFCAP_* the device has */
	uint32_t p_capenable;	 /* IFCAP_* turned on */
	uint32_t p_hwassist;	 /* CSUM_* it computes on tx */
	uint32_t p_rx_trust; /* CSUM_L* verdicts given every received frame */
	uint16_t p_txsegmax; /* most mbufs per frame it sends (1: no chains) */
	struct ifnet *p_ifp; /* the stack's interface on this port */
	void *p_backend;     /* backend private state */

	/* Transmit buffer: frames wait here until the loop flushes. */
	struct rte_mbuf *p_txbuf[FF_PORT_BURST];
	uint16_t p_ntx;
	uint64_t p_tx_first_ns; /* when the oldest buffered frame came */
};

/*
 * Queue one frame for transmission; takes ownership of m in every case.
 * 0, or -ENOBUFS when it found the buffer full of frames the device
 * refused: it was freed and counted as a drop, and a sender that can
 * (TCP) treats it as not sent.
 */
int
ff_port_tx_consume(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf *m);
/* 1 when the buffer is full of frames the device refused. */
int ff_port_tx_full(const struct ff_port *p);
/*
 * Whether the end of a loop iteration at now_ns should push p's buffer:
 * it holds frames and the oldest has waited hold_ns (0: at once).
 */
int ff_port_tx_due(const struct ff_port *p, uint64_t now_ns, uint64_t hold_ns);
/*
 * Push buffered frames to the device; returns how many went out.  What
 * it refused stays buffered, in order, due at once.
 */
int ff_port_flush(struct ff_ctx *ctx, struct ff_port *p);
/*
 * Register dev.<driver>.<unit>.rx_desc and tx_desc for p, one of
 * ctx->ports; 0 or a negative errno.
 */
int ff_port_sysctl_attach(struct ff_ctx *ctx, struct ff_port *p);

#endif /* _NET_FF_PORT_H_ */
