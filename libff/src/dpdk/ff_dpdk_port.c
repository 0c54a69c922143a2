/*
 * ff_dpdk_port.c - the DPDK port backend: the only code that calls
 * rte_eth_*.
 *
 * The primary configures each port with one rx and one tx queue per stack
 * process (process N owns queue N), enables the checksum offloads the
 * device offers (unless [dpdk] tx_csum_offoad_skip) and TSO (with [dpdk]
 * tso, when it offers it), starts it and sets
 * promiscuous mode as configured.  Secondary stack processes only use
 * their queue; the primary also reads the queues of dead ones
 * (p_adopted, decided by core/ff_ctx.c).  With several processes the
 * primary makes a ring per port and ordered pair of processes
 * (FF_HO_FMT), through which a process hands a frame it received to the
 * one that owns it (po_handover; core/ff_dispatch.c decides).  Each queue
 * has [portN] rx_desc / tx_desc descriptors, as the driver rounds them.
 * [portN] mtu is checked against the driver's limits at open and set
 * with the queues (dpdk_mtu_limits(); net_memif's MTU is ff's own).
 * [portN] csum_trust (net_memif only) adds checksum offloads that
 * nothing performs: both ends are ff stacks (ff_dpdk_csum_trust()).
 * The offloads become FreeBSD's capability words in the
 * port (if_capabilities / if_capenable / if_hwassist of its ifnet), and
 * every frame's DPDK flags are translated to and from the stack's
 * struct pkthdr at the burst (dpdk/ff_dpdk_mbuf.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "ff_config.h"
#include "ff_msg.h"
#include "core/ff_ctx.h"
#include "dpdk/ff_dpdk.h"
#include "dpdk/ff_dpdk_mbuf.h"
#include "dpdk/ff_memif_zc.h"
#include "net/ff_port.h"

#define FF_HO_RING	    1024 /* frames in flight from one process to another */
#define FF_HO_FMT	    "ff_ho_%u_%d_%d" /* port, from, to */
#define MEMIF_BSIZE_DEFAULT 2048 /* net_memif's bsize= when not given */

/* Offloads the device offers and we enabled (RTE_ETH_*_OFFLOAD_*). */
struct dpdk_offloads {
	uint64_t rx_capa;
	uint64_t tx_capa;
	uint64_t rx_enabled;
	uint64_t tx_enabled;
};

struct dpdk_port {
	struct ff_port dp_port; /* must be first */
	struct dpdk_offloads dp_off;
	int dp_tso_hdr_in_mtu; /* see dpdk_tso_fit() */
	int dp_memif_zc;       /* memif zero copy: ff_memif_zc_tx() */
	/* MTUs the port takes (dpdk_mtu_limits()); soft: ff keeps it. */
	uint32_t dp_mtu_min, dp_mtu_max;
	const char *dp_mtu_why; /* what sets dp_mtu_max, for messages */
	int dp_mtu_soft;
	/* Handover between stack processes: ring [from self to q], [q to self]. */
	struct rte_ring *dp_ho_out[FF_MAX_PROCS];
	struct rte_ring *dp_ho_in[FF_MAX_PROCS];
	int dp_nprocs;
	int dp_ho_next; /* in-ring to read first next time (fairness) */
};

/*
 * net_tap (DPDK 22.11) refuses a TSO frame whose tso_segsz plus its
 * Ethernet, IP and TCP headers exceeds the MTU, i.e. it counts the
 * Ethernet header in: a full-MSS segment (1460 + 54 > 1500) is dropped.
 * For such a device the segments are cut that much smaller, which TCP
 * allows (a segment may carry less than the MSS).
 */
static void
dpdk_tso_fit(struct ff_port *p, struct rte_mbuf *m)
{
	uint16_t hdrs = m->l2_len + m->l3_len + m->l4_len;

	if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) != 0 &&
	    m->tso_segsz + hdrs > p->p_mtu && p->p_mtu > hdrs)
		m->tso_segsz = p->p_mtu - hdrs;
}

/* The queues of dead processes this one reads for them (core decides). */
static uint16_t
dpdk_rx_adopted(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t q, got = 0;

	for (q = 0; q < FF_MAX_PROCS && got < n; q++)
		if ((p->p_adopted & (1u << q)) != 0 && q != p->p_queue)
			got += rte_eth_rx_burst(
			    p->p_port_id, q, pkts + got, n - got);
	return (got);
}

static uint16_t
dpdk_rx_burst(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t rx = ((struct dpdk_port *)p)->dp_off.rx_enabled;
	uint16_t i, got;

	got = rte_eth_rx_burst(p->p_port_id, p->p_queue, pkts, n);
	if (p->p_adopted != 0)
		got += dpdk_rx_adopted(p, pkts + got, n - got);
	/*
	 * The frames were written by another core (over af_xdp, the kernel
	 * in the sender's context): their first lines miss in our cache,
	 * and the Ethernet header's is the first load of each one's way up
	 * (perf, issue 15).  Ask for them all at once.
	 */
	for (i = 0; i < got; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < got; i++) {
		ff_dpdk_rx_import(pkts[i], rx);
		m_pkthdr(pkts[i])->csum_flags |= p->p_rx_trust;
	}
	return (got);
}

static uint16_t
dpdk_tx_burst(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t i;

	if (p->p_hwassist != 0)
		for (i = 0; i < n; i++) {
			ff_dpdk_tx_export(pkts[i]);
			if (((struct dpdk_port *)p)->dp_tso_hdr_in_mtu)
				dpdk_tso_fit(p, pkts[i]);
		}
	if (((struct dpdk_port *)p)->dp_memif_zc)
		return (ff_memif_zc_tx(p->p_port_id, p->p_queue, pkts, n));
	return (rte_eth_tx_burst(p->p_port_id, p->p_queue, pkts, n));
}

static uint16_t
dpdk_handover(struct ff_port *p, int proc, struct rte_mbuf **pkts, uint16_t n)
{
	struct dpdk_port *dp = (struct dpdk_port *)p;

	if (proc < 0 || proc >= dp->dp_nprocs || dp->dp_ho_out[proc] == NULL)
		return (0);
	return ((uint16_t)rte_ring_enqueue_burst(
	    dp->dp_ho_out[proc], (void **)pkts, n, NULL));
}

static uint16_t
dpdk_handover_rx(struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	struct dpdk_port *dp = (struct dpdk_port *)p;
	uint16_t got = 0;
	int i, q;

	for (i = 0; i < dp->dp_nprocs && got < n; i++) {
		q = (dp->dp_ho_next + i) % dp->dp_nprocs;
		if (dp->dp_ho_in[q] != NULL)
			got += (uint16_t)rte_ring_dequeue_burst(dp->dp_ho_in[q],
			    (void **)pkts + got, n - got, NULL);
	}
	dp->dp_ho_next =
	    (dp->dp_ho_next + 1) % (dp->dp_nprocs ? dp->dp_nprocs : 1);
	return (got);
}

static int
dpdk_link_up(struct ff_port *p)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(p->p_port_id, &link) != 0)
		return (0);
	return (link.link_status == RTE_ETH_LINK_UP);
}

/*
 * ifconfig mtu: within the port's limits (dpdk_mtu_limits()), through
 * the driver, or kept by ff alone where the driver has no MTU.
 */
static int
dpdk_set_mtu(struct ff_port *p, uint16_t mtu)
{
	struct dpdk_port *dp = (struct dpdk_port *)p;
	int rc = 0;

	if (mtu < dp->dp_mtu_min || mtu > dp->dp_mtu_max)
		return (-EINVAL);
	if (!dp->dp_mtu_soft)
		rc = rte_eth_dev_set_mtu(p->p_port_id, mtu);
	if (rc == 0)
		p->p_mtu = mtu;
	return (rc);
}

static int
dpdk_set_promisc(struct ff_port *p, int on)
{
	int rc = on ? rte_eth_promiscuous_enable(p->p_port_id)
		    : rte_eth_promiscuous_disable(p->p_port_id);

	if (rc == 0)
		p->p_promisc = on;
	return (rc);
}

static void
dpdk_close(struct ff_port *p)
{
	struct dpdk_port *dp = (struct dpdk_port *)p;
	int q;

	/* The primary owns the device and the rings; secondaries let go. */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		rte_eth_dev_stop(p->p_port_id);
		rte_eth_dev_close(p->p_port_id);
		for (q = 0; q < dp->dp_nprocs; q++) {
			rte_ring_free(dp->dp_ho_out[q]);
			rte_ring_free(dp->dp_ho_in[q]);
		}
	}
	free(p);
}

static const struct ff_port_ops dpdk_port_ops = {
	.po_rx_burst = dpdk_rx_burst,
	.po_tx_burst = dpdk_tx_burst,
	.po_link_up = dpdk_link_up,
	.po_set_mtu = dpdk_set_mtu,
	.po_set_promisc = dpdk_set_promisc,
	.po_close = dpdk_close,
	.po_handover = dpdk_handover,
	.po_handover_rx = dpdk_handover_rx,
};

/*
 * The ring from process `from' to process `to' on this port: the primary
 * makes every one (before any secondary can start), the others find them.
 */
static struct rte_ring *
dpdk_ho_ring(struct ff_ctx *ctx, uint16_t port_id, int from, int to)
{
	char name[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(name, sizeof(name), FF_HO_FMT, port_id, from, to);
	if ((r = rte_ring_lookup(name)) != NULL ||
	    rte_eal_process_type() != RTE_PROC_PRIMARY)
		return (r);
	return (rte_ring_create(name, FF_HO_RING,
	    ff_dpdk_numa_socket(ctx->cfg, rte_eth_dev_socket_id(port_id)),
	    RING_F_SP_ENQ | RING_F_SC_DEQ));
}

/*
 * Handover rings of every process pair (primary), or this process's
 * (secondary).  A process that starts again finds frames handed to its
 * predecessor: they belong to connections that died with it.
 */
static int
dpdk_ho_setup(
    struct ff_ctx *ctx, struct dpdk_port *dp, char *err, size_t errlen)
{
	uint16_t id = dp->dp_port.p_port_id;
	int a, b, me = ctx->proc_id, n = ctx->nb_procs;
	struct rte_mbuf *m;

	dp->dp_nprocs = n;
	for (a = 0; a < n && n > 1; a++)
		for (b = 0; b < n; b++) {
			if (a == b ||
			    (rte_eal_process_type() != RTE_PROC_PRIMARY &&
				a != me && b != me))
				continue;
			if (dpdk_ho_ring(ctx, id, a, b) == NULL) {
				snprintf(err, errlen,
				    "port %u: handover ring %d to %d: %s", id,
				    a, b, rte_strerror(rte_errno));
				return (-1);
			}
		}
	for (b = 0; b < n && n > 1; b++) {
		if (b == me)
			continue;
		dp->dp_ho_out[b] = dpdk_ho_ring(ctx, id, me, b);
		dp->dp_ho_in[b] = dpdk_ho_ring(ctx, id, b, me);
		while (rte_ring_dequeue(dp->dp_ho_in[b], (void **)&m) == 0)
			rte_pktmbuf_free(m);
	}
	return (0);
}

/* Offloads: what the device has, less what config turns off. */
static void
dpdk_pick_offloads(struct ff_ctx *ctx, const struct rte_eth_dev_info *di,
    struct dpdk_offloads *o)
{
	o->rx_capa = di->rx_offload_capa;
	o->tx_capa = di->tx_offload_capa;
	o->rx_enabled = ff_dpdk_rx_offloads(&ctx->cfg->dpdk, o->rx_capa);
	o->tx_enabled = ff_dpdk_tx_offloads(&ctx->cfg->dpdk, o->tx_capa);
}

/*
 * Which of [portN] rx_desc / tx_desc size a ring of the driver's, from
 * the DPDK 22.11 drivers: net_af_xdp makes its AF_XDP receive and
 * transmit rings both of the receive queue's size and ignores the
 * transmit queue's; net_tap reads each frame with readv() into rx_desc
 * chained mbufs and queues nothing itself (the kernel's tap queue is the
 * interface's txqueuelen); net_memif's rings are its rsize= argument and
 * net_af_packet's its framecnt=.  A NIC sizes both.  A size that would
 * change nothing is refused, and the sysctls show 0 for no such ring.
 */
enum { DESC_OWN, DESC_NONE, DESC_FROM_RX };

static const struct {
	const char *driver;
	int rx, tx;
	const char *why;
} dpdk_desc_rings[] = {
	{ "net_af_xdp", DESC_OWN, DESC_FROM_RX,
	    "sizes its transmit ring from rx_desc" },
	{ "net_tap", DESC_NONE, DESC_NONE,
	    "has no descriptor ring (the kernel's tap queue is the "
	    "interface's txqueuelen)" },
	{ "net_memif", DESC_NONE, DESC_NONE,
	    "sizes its rings from its rsize= argument" },
	{ "net_af_packet", DESC_NONE, DESC_NONE,
	    "sizes its rings from its framecnt= argument" },
};

static void
dpdk_desc_kind(const char *driver, int *rx, int *tx, const char **why)
{
	size_t i;

	*rx = *tx = DESC_OWN;
	*why = "";
	for (i = 0; i < sizeof(dpdk_desc_rings) / sizeof(dpdk_desc_rings[0]);
	     i++)
		if (strcmp(driver, dpdk_desc_rings[i].driver) == 0) {
			*rx = dpdk_desc_rings[i].rx;
			*tx = dpdk_desc_rings[i].tx;
			*why = dpdk_desc_rings[i].why;
		}
}

static int
dpdk_desc_check(const struct ff_port *p, const struct ff_port_cfg *pc,
    const char *driver, char *err, size_t errlen)
{
	const char *why, *key = NULL;
	int rx, tx;

	dpdk_desc_kind(driver, &rx, &tx, &why);
	if (rx != DESC_OWN && pc->pc_rx_desc != FF_PORT_DESC_DEFAULT)
		key = "rx_desc";
	else if (tx != DESC_OWN && pc->pc_tx_desc != FF_PORT_DESC_DEFAULT &&
	    (tx == DESC_NONE || pc->pc_tx_desc != pc->pc_rx_desc))
		key = "tx_desc";
	if (key == NULL)
		return (0);
	snprintf(err, errlen, "port %u (%s): [port%u] %s: %s %s", p->p_port_id,
	    p->p_name, pc->pc_port_id, key, driver, why);
	return (-1);
}

/* The sizes the driver's rings really have: 0 where it has none. */
static void
dpdk_desc_in_force(struct ff_port *p, const char *driver)
{
	const char *why;
	int rx, tx;

	dpdk_desc_kind(driver, &rx, &tx, &why);
	if (tx == DESC_FROM_RX)
		p->p_tx_desc = p->p_rx_desc;
	else if (tx == DESC_NONE)
		p->p_tx_desc = 0;
	if (rx == DESC_NONE)
		p->p_rx_desc = 0;
}

/*
 * [portN] rx_desc / tx_desc as the driver takes them: it rounds to its
 * own limits (rte_eth_dev_info's rx_desc_lim, tx_desc_lim), and a ring
 * that is not the size asked for is said, once, by the primary.
 */
static int
dpdk_desc_adjust(struct ff_port *p, const struct ff_port_cfg *pc, uint16_t *nrx,
    uint16_t *ntx)
{
	int rc;

	*nrx = (uint16_t)pc->pc_rx_desc;
	*ntx = (uint16_t)pc->pc_tx_desc;
	if ((rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->p_port_id, nrx, ntx)))
		return (rc);
	if (*nrx != pc->pc_rx_desc)
		fprintf(stderr,
		    "ff: port %u (%s): [port%u] rx_desc %d: the driver "
		    "takes %u\n",
		    p->p_port_id, p->p_name, pc->pc_port_id, pc->pc_rx_desc,
		    *nrx);
	if (*ntx != pc->pc_tx_desc)
		fprintf(stderr,
		    "ff: port %u (%s): [port%u] tx_desc %d: the driver "
		    "takes %u\n",
		    p->p_port_id, p->p_name, pc->pc_port_id, pc->pc_tx_desc,
		    *ntx);
	return (0);
}

/*
 * The ring sizes in force, for dev.<driver>.<unit>.rx_desc: the driver's
 * own word where it answers (rte_eth_*_queue_info_get), else what the
 * queue was set up with (or, in a secondary, configured).
 */
static void
dpdk_desc_read(struct ff_port *p, int rx, int tx)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_txq_info ti;

	p->p_rx_desc = rx;
	p->p_tx_desc = tx;
	if (rte_eth_rx_queue_info_get(p->p_port_id, p->p_queue, &ri) == 0 &&
	    ri.nb_desc != 0)
		p->p_rx_desc = ri.nb_desc;
	if (rte_eth_tx_queue_info_get(p->p_port_id, p->p_queue, &ti) == 0 &&
	    ti.nb_desc != 0)
		p->p_tx_desc = ti.nb_desc;
}

/*
 * bsize= of the memif vdev that made port p (its devargs, which
 * core/ff_config_vdev.c derived from [portN] mtu), else memif's 2048.
 */
static uint32_t
dpdk_memif_bsize(const struct ff_ctx *ctx, const struct ff_port *p)
{
	const char *d, *arg;
	size_t len;
	int i;

	for (i = 0; i < FF_MAX_VDEVS; i++) {
		d = ctx->cfg->vdevs[i].vc_devargs;
		len = strcspn(d, ",");
		if (!ctx->cfg->vdevs[i].vc_present ||
		    strncmp(d, p->p_name, len) != 0 || p->p_name[len] != '\0')
			continue;
		if ((arg = strstr(d, ",bsize=")) != NULL)
			return ((uint32_t)strtoul(arg + 7, NULL, 10));
	}
	return (MEMIF_BSIZE_DEFAULT);
}

/*
 * The MTUs a port takes.  Ethdev (DPDK 22.11) checks an MTU against the
 * driver's min_mtu and max_mtu and its frame, MTU plus the Ethernet
 * header and CRC (18 bytes, or max_rx_pktlen - max_mtu where the driver
 * says both), against max_rx_pktlen.  net_memif is the exception: it has
 * no mtu_set and says 1518 bytes of max_rx_pktlen, but nothing in it
 * checks a frame's length, so there the MTU is ff's alone, up to what
 * one descriptor of bsize= bytes holds: a longer frame would go over
 * chained descriptors, whose flags DPDK 22.11 leaves stale (see
 * cfg_memif_bsize(), which sizes bsize= for [portN] mtu).  A port that
 * sends each frame in one mbuf (p_txsegmax 1: net_af_xdp) takes no
 * frame longer than an mbuf's data room, nor does memif's zero copy,
 * whose server writes each frame into one of our mbufs (a longer one
 * would go over chained descriptors).
 */
static void
dpdk_mtu_limits(
    struct ff_ctx *ctx, struct dpdk_port *dp, const struct rte_eth_dev_info *di)
{
	uint32_t oh = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN, room;

	dp->dp_mtu_soft = strcmp(di->driver_name, "net_memif") == 0;
	dp->dp_mtu_min =
	    di->min_mtu > FF_PORT_MTU_MIN ? di->min_mtu : FF_PORT_MTU_MIN;
	dp->dp_mtu_max = FF_PORT_MTU_MAX;
	dp->dp_mtu_why = "IP's largest datagram";
	if (dp->dp_mtu_soft) {
		room = dpdk_memif_bsize(ctx, &dp->dp_port);
		oh = RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
		if (room > oh && room - oh < dp->dp_mtu_max) {
			dp->dp_mtu_max = room - oh;
			dp->dp_mtu_why =
			    "one descriptor of bsize= a frame, less "
			    "an Ethernet header and a VLAN tag";
		}
	} else {
		if (di->max_mtu != UINT16_MAX &&
		    di->max_rx_pktlen > di->max_mtu)
			oh = di->max_rx_pktlen - di->max_mtu;
		if (di->max_mtu < dp->dp_mtu_max) {
			dp->dp_mtu_max = di->max_mtu;
			dp->dp_mtu_why = "the driver's max_mtu";
		}
		if (di->max_rx_pktlen > oh &&
		    di->max_rx_pktlen - oh < dp->dp_mtu_max) {
			dp->dp_mtu_max = di->max_rx_pktlen - oh;
			dp->dp_mtu_why = "the driver's max_rx_pktlen less "
					 "the Ethernet header and CRC";
		}
	}
	room = rte_pktmbuf_data_room_size(ctx->pktmbuf_pool) -
	    RTE_PKTMBUF_HEADROOM - RTE_ETHER_HDR_LEN;
	if (dp->dp_port.p_txsegmax < 2 && room < dp->dp_mtu_max) {
		dp->dp_mtu_max = room;
		dp->dp_mtu_why = "one mbuf a frame: the port sends no chains";
	}
	if (dp->dp_memif_zc && room < dp->dp_mtu_max) {
		dp->dp_mtu_max = room;
		dp->dp_mtu_why = "one mbuf a frame: memif zero copy";
	}
}

/*
 * [portN] csum_trust=1: only on net_memif, whose other end is a process
 * of this host (core/ff_config.c refuses it on other [vdevN] drivers;
 * here a PCI device's port, whose driver only the EAL knows).
 */
static int
dpdk_csum_trust(struct ff_ctx *ctx, struct ff_port *p,
    const struct ff_port_cfg *pc, const char *driver, char *err, size_t errlen)
{
	if (!pc->pc_csum_trust)
		return (0);
	if (strcmp(driver, "net_memif") != 0) {
		snprintf(err, errlen,
		    "%s:%d: [port%u] csum_trust: 1 needs a net_memif port, "
		    "whose other end is a process on this host; port %u (%s) "
		    "is %s, whose peer may need the sums",
		    ctx->cfg->path, pc->pc_csum_trust_line, pc->pc_port_id,
		    p->p_port_id, p->p_name, driver);
		return (-1);
	}
	ff_dpdk_csum_trust(&p->p_capabilities, &p->p_capenable, &p->p_hwassist,
	    &p->p_rx_trust);
	return (0);
}

/* [portN] mtu within the port's limits; the message names its line. */
static int
dpdk_mtu_check(struct ff_ctx *ctx, const struct dpdk_port *dp,
    const struct ff_port_cfg *pc, const char *driver, char *err, size_t errlen)
{
	const struct ff_port *p = &dp->dp_port;

	if (pc->pc_mtu == 0 ||
	    ((uint32_t)pc->pc_mtu >= dp->dp_mtu_min &&
		(uint32_t)pc->pc_mtu <= dp->dp_mtu_max))
		return (0);
	snprintf(err, errlen,
	    "%s:%d: [port%u] mtu: %d: port %u (%s) takes %u-%u (%s: %s)",
	    ctx->cfg->path, pc->pc_mtu_line, pc->pc_port_id, pc->pc_mtu,
	    p->p_port_id, p->p_name, dp->dp_mtu_min, dp->dp_mtu_max, driver,
	    dp->dp_mtu_why);
	return (-1);
}

static int
dpdk_queues_setup(struct ff_ctx *ctx, struct ff_port *p,
    const struct ff_port_cfg *pc, const struct rte_eth_dev_info *di, char *err,
    size_t errlen)
{
	struct rte_eth_conf conf;
	uint16_t q, nq = (uint16_t)ctx->cfg->dpdk.nb_procs;
	uint16_t nrx, ntx;
	int rc, sock;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = ((struct dpdk_port *)p)->dp_off.rx_enabled;
	conf.txmode.offloads = ((struct dpdk_port *)p)->dp_off.tx_enabled;
	if (nq > 1 && (di->flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = di->flow_type_rss_offloads &
		    (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	if (!((struct dpdk_port *)p)->dp_mtu_soft)
		conf.rxmode.mtu = (uint32_t)pc->pc_mtu; /* 0: the default */
	if (dpdk_desc_check(p, pc, di->driver_name, err, errlen) != 0)
		return (-1);
	if ((rc = rte_eth_dev_configure(p->p_port_id, nq, nq, &conf)) != 0 ||
	    (rc = dpdk_desc_adjust(p, pc, &nrx, &ntx)) != 0)
		goto fail;
	sock =
	    ff_dpdk_numa_socket(ctx->cfg, rte_eth_dev_socket_id(p->p_port_id));
	for (q = 0; q < nq; q++) {
		if ((rc = rte_eth_rx_queue_setup(p->p_port_id, q, nrx, sock,
			 NULL, ctx->pktmbuf_pool)) != 0 ||
		    (rc = rte_eth_tx_queue_setup(
			 p->p_port_id, q, ntx, sock, NULL)) != 0)
			goto fail;
	}
	p->p_rx_desc = nrx;
	p->p_tx_desc = ntx;
	return (0);
fail:
	snprintf(err, errlen,
	    "port %u (%s): queue setup ([port%u] rx_desc %d, tx_desc %d): %s",
	    p->p_port_id, p->p_name, pc->pc_port_id, pc->pc_rx_desc,
	    pc->pc_tx_desc, rte_strerror(-rc));
	return (-1);
}

static int
dpdk_port_start(struct ff_ctx *ctx, struct ff_port *p, char *err, size_t errlen)
{
	int rc, zc;

	zc = ff_memif_zc_port(ctx, p->p_name);
	if (zc && ff_memif_zc_hold(ctx, p->p_name, err, errlen) != 0)
		return (-1);
	if ((rc = rte_eth_dev_start(p->p_port_id)) != 0) {
		snprintf(err, errlen, "port %u (%s): start: %s", p->p_port_id,
		    p->p_name, rte_strerror(-rc));
		return (-1);
	}
	if (zc &&
	    ff_memif_zc_settle(ctx, p->p_port_id, p->p_name, err, errlen) != 0)
		return (-1);
	p->p_zero_copy = zc;
	/* Not every vdev can filter; a failure here is only noted. */
	if (ctx->cfg->dpdk.promiscuous)
		dpdk_set_promisc(p, 1);
	return (0);
}

struct ff_port *
ff_dpdk_port_open(struct ff_ctx *ctx, uint16_t port_id,
    const struct ff_port_cfg *pc, char *err, size_t errlen)
{
	struct rte_eth_dev_info di;
	struct dpdk_port *dp;
	struct ff_port *p;

	if (!rte_eth_dev_is_valid_port(port_id)) {
		snprintf(err, errlen,
		    "port %u: no such DPDK device (is a "
		    "[vdev%u] or an allowed PCI device configured?)",
		    port_id, port_id);
		return (NULL);
	}
	if (rte_eth_dev_info_get(port_id, &di) != 0 ||
	    (dp = calloc(1, sizeof(*dp))) == NULL) {
		snprintf(
		    err, errlen, "port %u: cannot get device info", port_id);
		return (NULL);
	}
	p = &dp->dp_port;
	p->p_ops = &dpdk_port_ops;
	p->p_port_id = port_id;
	p->p_queue = (uint16_t)ctx->proc_id;
	rte_eth_dev_get_name_by_port(port_id, p->p_name);
	/* FreeBSD's driver names have no bus prefix: net_tap is "tap". */
	snprintf(p->p_driver, sizeof(p->p_driver), "%s",
	    strncmp(di.driver_name, "net_", 4) == 0 ? di.driver_name + 4
						    : di.driver_name);
	p->p_rx_desc = pc->pc_rx_desc;
	p->p_tx_desc = pc->pc_tx_desc;
	dpdk_pick_offloads(ctx, &di, &dp->dp_off);
	dp->dp_tso_hdr_in_mtu = strcmp(di.driver_name, "net_tap") == 0;
	p->p_capabilities =
	    ff_dpdk_ifcap(dp->dp_off.rx_capa, dp->dp_off.tx_capa);
	p->p_capenable =
	    ff_dpdk_ifcap(dp->dp_off.rx_enabled, dp->dp_off.tx_enabled);
	p->p_hwassist = ff_dpdk_hwassist(dp->dp_off.tx_enabled);
	/* Chains only to a driver that takes them (net_af_xdp does not). */
	p->p_txsegmax =
	    (dp->dp_off.tx_enabled & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) != 0 &&
		di.tx_desc_lim.nb_mtu_seg_max > 1
	    ? di.tx_desc_lim.nb_mtu_seg_max
	    : 1;
	/* memif's zero-copy transmit takes chains through ff_memif_zc_tx(). */
	if (ff_memif_zc_port(ctx, p->p_name)) {
		dp->dp_memif_zc = 1;
		if (p->p_txsegmax > ff_memif_zc_segmax())
			p->p_txsegmax = ff_memif_zc_segmax();
	}
	dpdk_mtu_limits(ctx, dp, &di);
	if (dpdk_csum_trust(ctx, p, pc, di.driver_name, err, errlen) != 0 ||
	    dpdk_mtu_check(ctx, dp, pc, di.driver_name, err, errlen) != 0) {
		free(p);
		return (NULL);
	}
	if (rte_eal_process_type() == RTE_PROC_PRIMARY &&
	    (dpdk_queues_setup(ctx, p, pc, &di, err, errlen) != 0 ||
		dpdk_port_start(ctx, p, err, errlen) != 0)) {
		free(p);
		return (NULL);
	}
	if (dpdk_ho_setup(ctx, dp, err, errlen) != 0) {
		dpdk_close(p);
		return (NULL);
	}
	rte_eth_macaddr_get(port_id, (struct rte_ether_addr *)&p->p_mac);
	if (rte_eth_dev_get_mtu(port_id, &p->p_mtu) != 0)
		p->p_mtu = RTE_ETHER_MTU;
	if (dp->dp_mtu_soft && pc->pc_mtu != 0)
		p->p_mtu = (uint16_t)pc->pc_mtu;
	p->p_promisc = rte_eth_promiscuous_get(port_id) == 1;
	dpdk_desc_read(p, p->p_rx_desc, p->p_tx_desc);
	dpdk_desc_in_force(p, di.driver_name);
	return (p);
}
