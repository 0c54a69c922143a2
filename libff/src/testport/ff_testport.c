/*
 * ff_testport.c - an ff_port backend made of two in-memory queues.
 *
 * Entry points: ff_testport_open(), ff_testport_rx_put(),
 * ff_testport_tx_get(), ff_testport_tx_count(), ff_testport_set_offloads(),
 * ff_testport_join().
 *
 * Test ports of stacks that stand for several processes of one port can
 * be joined (ff_testport_join()): each then hands frames to the others
 * as the DPDK backend does through its rings.
 *
 * Tests put frames on the receive queue (the main loop takes them with
 * po_rx_burst, as from a NIC) and take what the stack sent from the
 * transmit queue.  Both queues are bounded: a full transmit queue
 * refuses frames like a full NIC ring, and the core counts the drop.
 * Offloads are whatever the test sets (in DPDK's words, as a device
 * reports them): they become the port's IFCAP_* / CSUM_* words, and
 * received and sent frames' flags are translated as the DPDK backend
 * does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "ff_msg.h"
#include "dpdk/ff_dpdk_mbuf.h"
#include "net/ff_port.h"
#include "testport/ff_testport.h"

/* A bounded FIFO of mbufs. */
struct tp_queue {
	struct rte_mbuf *q_ring[FF_TESTPORT_QLEN];
	unsigned int q_head;  /* next to take */
	unsigned int q_count; /* frames queued */
	unsigned int q_cap;   /* at most: the ring size, up to QLEN */
};

struct ff_testport {
	struct ff_port tp_port;	 /* must be first */
	struct tp_queue tp_rx;	 /* injected, not yet received */
	struct tp_queue tp_tx;	 /* sent, not yet popped */
	uint64_t tp_rx_offloads; /* RTE_ETH_RX_OFFLOAD_* "enabled" */
	/* Joined test ports: other processes' queues of the same port. */
	struct tp_queue tp_ho;			    /* handed to us */
	struct ff_testport *tp_peers[FF_MAX_PROCS]; /* by process */
	int tp_proc;				    /* ours */
};

static int
tpq_put(struct tp_queue *q, struct rte_mbuf *m)
{
	if (q->q_count == FF_TESTPORT_QLEN || q->q_count == q->q_cap)
		return (-ENOBUFS);
	q->q_ring[(q->q_head + q->q_count) % FF_TESTPORT_QLEN] = m;
	q->q_count++;
	return (0);
}

static struct rte_mbuf *
tpq_get(struct tp_queue *q)
{
	struct rte_mbuf *m;

	if (q->q_count == 0)
		return (NULL);
	m = q->q_ring[q->q_head];
	q->q_head = (q->q_head + 1) % FF_TESTPORT_QLEN;
	q->q_count--;
	return (m);
}

static void
tpq_purge(struct tp_queue *q)
{
	struct rte_mbuf *m;

	while ((m = tpq_get(q)) != NULL)
		rte_pktmbuf_free(m);
}

static uint16_t
tp_rx_burst(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	struct ff_testport *tp = (struct ff_testport *)p;
	uint16_t i;

	/* Frames carry the DPDK flags the test gave: translate as dpdk/. */
	for (i = 0; i < n; i++) {
		if ((pkts[i] = tpq_get(&tp->tp_rx)) == NULL)
			break;
		ff_dpdk_rx_import(pkts[i], tp->tp_rx_offloads);
		m_pkthdr(pkts[i])->csum_flags |= p->p_rx_trust;
	}
	return (i);
}

static uint16_t
tp_tx_burst(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	struct ff_testport *tp = (struct ff_testport *)p;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (p->p_hwassist != 0) /* as dpdk_tx_burst() */
			ff_dpdk_tx_export(pkts[i]);
		if (tpq_put(&tp->tp_tx, pkts[i]) != 0)
			break;
	}
	return (i);
}

static uint16_t
tp_handover(struct ff_port *p, int proc, struct rte_mbuf **pkts, uint16_t n)
{
	struct ff_testport *tp = (struct ff_testport *)p, *to;
	uint16_t i;

	if (proc < 0 || proc >= FF_MAX_PROCS ||
	    (to = tp->tp_peers[proc]) == NULL)
		return (0);
	for (i = 0; i < n; i++)
		if (tpq_put(&to->tp_ho, pkts[i]) != 0)
			break;
	return (i);
}

static uint16_t
tp_handover_rx(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	struct ff_testport *tp = (struct ff_testport *)p;
	uint16_t i;

	for (i = 0; i < n; i++)
		if ((pkts[i] = tpq_get(&tp->tp_ho)) == NULL)
			break;
	return (i);
}

static int
tp_link_up(struct ff_port *p)
{
	return (1);
}

static int
tp_set_mtu(struct ff_port *p, uint16_t mtu)
{
	p->p_mtu = mtu;
	return (0);
}

static int
tp_set_promisc(struct ff_port *p, int on)
{
	p->p_promisc = on;
	return (0);
}

static void
tp_close(struct ff_port *p)
{
	struct ff_testport *tp = (struct ff_testport *)p;

	int i;

	for (i = 0; i < FF_MAX_PROCS; i++)
		if (tp->tp_peers[i] != NULL)
			tp->tp_peers[i]->tp_peers[tp->tp_proc] = NULL;
	tpq_purge(&tp->tp_rx);
	tpq_purge(&tp->tp_tx);
	tpq_purge(&tp->tp_ho);
	free(tp);
}

static const struct ff_port_ops tp_ops = {
	.po_rx_burst = tp_rx_burst,
	.po_tx_burst = tp_tx_burst,
	.po_link_up = tp_link_up,
	.po_set_mtu = tp_set_mtu,
	.po_set_promisc = tp_set_promisc,
	.po_close = tp_close,
	.po_handover = tp_handover,
	.po_handover_rx = tp_handover_rx,
};

/* A queue as long as a ring of n descriptors, within the test's bound. */
static unsigned int
tp_cap(int n)
{
	return (
	    n > 0 && n < FF_TESTPORT_QLEN ? (unsigned int)n : FF_TESTPORT_QLEN);
}

struct ff_port *
ff_testport_open(uint16_t port_id, int rx_desc, int tx_desc)
{
	struct ff_testport *tp;
	struct ff_port *p;

	if ((tp = calloc(1, sizeof(*tp))) == NULL)
		return (NULL);
	p = &tp->tp_port;
	p->p_ops = &tp_ops;
	p->p_port_id = port_id;
	snprintf(p->p_name, sizeof(p->p_name), "testport%u", port_id);
	snprintf(p->p_driver, sizeof(p->p_driver), "testport");
	/* [portN] rx_desc / tx_desc bound the queues as a NIC's rings. */
	p->p_rx_desc = rx_desc;
	p->p_tx_desc = tx_desc;
	tp->tp_rx.q_cap = tp_cap(rx_desc);
	tp->tp_tx.q_cap = tp_cap(tx_desc);
	tp->tp_ho.q_cap = FF_TESTPORT_QLEN;
	/* Locally administered, unicast: 02:00:00:00:00:<port + 1>. */
	p->p_mac.octet[0] = 0x02;
	p->p_mac.octet[5] = (uint8_t)(port_id + 1);
	p->p_mtu = 1500;
	/* Like net_memif and net_tap: frames of any number of mbufs. */
	p->p_txsegmax = RTE_MBUF_MAX_NB_SEGS;
	p->p_backend = tp;
	return (p);
}

int
ff_testport_rx_put(struct ff_port *p, struct rte_mbuf *m)
{
	struct ff_testport *tp = (struct ff_testport *)p;

	if (tpq_put(&tp->tp_rx, m) != 0) {
		rte_pktmbuf_free(m);
		return (-ENOBUFS);
	}
	return (0);
}

void
ff_testport_set_offloads(
    struct ff_port *p, uint64_t rx, uint64_t tx, const struct ff_dpdk_cfg *d)
{
	struct ff_testport *tp = (struct ff_testport *)p;
	struct ifnet *ifp = p->p_ifp;
	uint64_t rx_on = ff_dpdk_rx_offloads(d, rx);
	uint64_t tx_on = ff_dpdk_tx_offloads(d, tx);

	tp->tp_rx_offloads = rx_on;
	/* It has what the test says; they are turned on as dpdk/ does it. */
	p->p_capabilities = ff_dpdk_ifcap(rx, tx);
	p->p_capenable = ff_dpdk_ifcap(rx_on, tx_on);
	p->p_hwassist = ff_dpdk_hwassist(tx_on);
	if (p->p_rx_trust != 0) /* [portN] csum_trust stays */
		ff_dpdk_csum_trust(&p->p_capabilities, &p->p_capenable,
		    &p->p_hwassist, &p->p_rx_trust);
	if (ifp != NULL) {
		ifp->if_capabilities = p->p_capabilities;
		ifp->if_capenable = p->p_capenable;
		ifp->if_hwassist = p->p_hwassist;
	}
}

struct rte_mbuf *
ff_testport_tx_get(struct ff_port *p)
{
	return (tpq_get(&((struct ff_testport *)p)->tp_tx));
}

unsigned int
ff_testport_tx_count(const struct ff_port *p)
{
	return (((const struct ff_testport *)p)->tp_tx.q_count);
}

int
ff_testport_join(struct ff_port *a, int proc_a, struct ff_port *b, int proc_b)
{
	struct ff_testport *ta = (struct ff_testport *)a;
	struct ff_testport *tb = (struct ff_testport *)b;

	if (proc_a < 0 || proc_a >= FF_MAX_PROCS || proc_b < 0 ||
	    proc_b >= FF_MAX_PROCS || proc_a == proc_b)
		return (-EINVAL);
	ta->tp_proc = proc_a;
	tb->tp_proc = proc_b;
	ta->tp_peers[proc_b] = tb;
	tb->tp_peers[proc_a] = ta;
	return (0);
}
