/*
 * ff_dispatch.c - which stack process handles a received frame, when
 * several processes share a port (shared nothing: one stack each).
 *
 * Entry points: ff_dispatch_input() (every burst from a port's queue),
 * ff_dispatch_handover_input() (frames other processes handed to us),
 * ff_dispatch_sysctl_attach(), and ff_regist_packet_dispatcher() (ff_api.h).
 *
 * The NIC's queue is not trusted: a tap, virtio, ENA or memif port spreads
 * frames by a hash of its own or not at all.  Each frame is classified in
 * software (netinet/in_rss.c): a TCP or UDP flow belongs to the process
 * its symmetric Toeplitz hash names (net/rss_config.h), which is also the
 * process whose connect() chose a local port that hashes home
 * (netinet/in_pcb.c); a frame received by another process is handed to
 * its owner through the port's per-pair queue (po_handover: an rte_ring
 * per process pair on a DPDK port) and counted.  ARP and link broadcasts
 * are copied to every process, so every stack learns its neighbours.
 * Where the NIC's RSS already uses our key and table, the owner is always
 * the receiver and nothing moves.  A dead process's flows go to the first
 * live process, and the primary reads the dead one's queues
 * (ff_ctx_procs_set()), until it starts again.
 *
 * An application's dispatcher (F-Stack's ff_regist_packet_dispatcher)
 * sees every frame first and decides: a process, a drop
 * (FF_DISPATCH_ERROR) or an answer sent back out of the port
 * (FF_DISPATCH_RESPONSE).  A frame it keeps in this process is still
 * copied to the others when it is ARP or a broadcast.
 */
#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "ff_api.h"
#include "core/ff_ctx.h"
#include "core/ff_dispatch.h"
#include "core/ff_stack.h"
#include "kern/kern_sysctl.h"
#include "kern/libkern.h"
#include "kern/mbuf.h"
#include "net/ff_port.h"
#include "net/rss_config.h"
#include "netinet/in_rss.h"

/* What to do with one frame. */
#define DISP_DROP   (-1) /* freed here */
#define DISP_RESP   (-2) /* sent back out of the port */
#define DISP_LOCAL  0x40 /* flag: keep it, and ... */
#define DISP_COPIES 0x80 /* ... copy it to every other process */

static int
disp_nprocs(const struct ff_ctx *ctx)
{
	return (ctx->nb_procs > 0 ? ctx->nb_procs : 1);
}

/* Copies of m for every other process (ARP, broadcast, multicast). */
static void
disp_copy_all(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf *m)
{
	struct rte_mbuf *c;
	int q;

	if (p->p_ops->po_handover == NULL)
		return;
	for (q = 0; q < disp_nprocs(ctx); q++) {
		if (q == ctx->proc_id || (ctx->procs_live & (1u << q)) == 0)
			continue;
		c = rte_pktmbuf_copy(m, ctx->pktmbuf_pool, 0, UINT32_MAX);
		if (c == NULL) {
			ctx->rssstat.rss_copy_fail++;
			continue;
		}
		/* The receive verdicts travel with the copy. */
		memcpy(m_pkthdr(c), m_pkthdr(m), sizeof(struct pkthdr));
		m_pkthdr(c)->m_flags |= M_PEERCOPY;
		if (p->p_ops->po_handover(p, q, &c, 1) == 1)
			ctx->rssstat.rss_copies++;
		else {
			rte_pktmbuf_free(c);
			ctx->rssstat.rss_copy_fail++;
		}
	}
}

/*
 * The flows of a process that died go to the first live one, on which
 * every process agrees, until it runs again.
 */
static int
disp_live(const struct ff_ctx *ctx, int proc)
{
	if ((ctx->procs_live & (1u << proc)) != 0 || ctx->procs_live == 0)
		return (proc);
	return (__builtin_ctz(ctx->procs_live));
}

/* The flow hash's verdict for m. */
static int
disp_by_hash(struct ff_ctx *ctx, struct rte_mbuf *m)
{
	uint32_t hash = 0;

	/*
	 * The headers it reads are made contiguous first (a port may cut a
	 * frame anywhere): else a flow whose ports are in a second mbuf
	 * would hash by its addresses only, and land in the wrong process.
	 */
	(void)m_pullup(m, min(m_pktlen(m), RSS_FRAME_HDRMAX));
	switch (rss_frame_classify(rte_pktmbuf_mtod(m, const uint8_t *),
	    rte_pktmbuf_data_len(m), &hash)) {
	case RSS_FRAME_FLOW:
		return (disp_live(ctx, rss_hash2proc(hash, disp_nprocs(ctx))));
	case RSS_FRAME_ALL:
		return (DISP_LOCAL | DISP_COPIES);
	default:
		return (DISP_LOCAL);
	}
}

/*
 * The application's dispatcher on m.  It may rewrite the frame in place
 * and change its length within the first segment's buffer.
 */
static int
disp_by_app(struct ff_ctx *ctx, struct rte_mbuf *m)
{
	uint16_t len, old;
	int r, n = disp_nprocs(ctx);

	/* It sees one segment: at least the headers, wherever a port cut. */
	(void)m_pullup(m, min(m_pktlen(m), RSS_FRAME_HDRMAX));
	len = old = rte_pktmbuf_data_len(m);
	r = ctx->dispatcher(rte_pktmbuf_mtod(m, void *), &len,
	    (uint16_t)ctx->proc_id, (uint16_t)n);
	if (len != old) {
		if (m->nb_segs != 1 || len > old + rte_pktmbuf_tailroom(m) ||
		    len == 0)
			return (DISP_DROP);
		m->data_len = len;
		m->pkt_len = len;
	}
	if (r == FF_DISPATCH_RESPONSE)
		return (DISP_RESP);
	if (r < 0 || r >= n)
		return (DISP_DROP);
	if (r != ctx->proc_id)
		return (r);
	/* Kept here; ARP and broadcasts still reach the others. */
	r = disp_by_hash(ctx, m);
	return (r >= 0 && (r & DISP_COPIES) ? r : DISP_LOCAL);
}

static int
disp_owner(struct ff_ctx *ctx, struct rte_mbuf *m)
{
	int r;

	r = ctx->dispatcher != NULL ? disp_by_app(ctx, m)
				    : disp_by_hash(ctx, m);
	if (r == ctx->proc_id)
		return (DISP_LOCAL);
	return (r);
}

/* An answer of the dispatcher: the frame goes out as it left it. */
static void
disp_respond(struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf *m)
{
	m->ol_flags = 0;
	memset(m_pkthdr(m), 0, sizeof(struct pkthdr));
	ctx->rssstat.rss_disp_resp++;
	(void)ff_port_tx_consume(ctx, p, m);
}

/* Hand the frames of pkts whose owner is proc to it. */
static void
disp_handover(struct ff_ctx *ctx, struct ff_port *p, int proc,
    struct rte_mbuf **pkts, const int *owner, uint16_t n)
{
	struct rte_mbuf *out[FF_PORT_BURST];
	uint16_t i, k = 0, took = 0;

	for (i = 0; i < n; i++)
		if (owner[i] == proc)
			out[k++] = pkts[i];
	if (k == 0)
		return;
	if (p->p_ops->po_handover != NULL)
		took = p->p_ops->po_handover(p, proc, out, k);
	ctx->rssstat.rss_handover_out += took;
	ctx->rssstat.rss_handover_drop += k - took;
	ctx->traffic.rx_dropped += k - took;
	rte_pktmbuf_free_bulk(out + took, k - took);
}

void
ff_dispatch_input(
    struct ff_ctx *ctx, struct ff_port *p, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *local[FF_PORT_BURST];
	int owner[FF_PORT_BURST], q, nq = disp_nprocs(ctx), remote = 0;
	uint16_t i, nl = 0;

	if (nq <= 1 && ctx->dispatcher == NULL) {
		ff_stack_input(ctx, p, pkts, n);
		return;
	}
	for (i = 0; i < n; i++) {
		owner[i] = disp_owner(ctx, pkts[i]);
		if (owner[i] == DISP_DROP) {
			ctx->rssstat.rss_disp_drop++;
			rte_pktmbuf_free(pkts[i]);
		} else if (owner[i] == DISP_RESP)
			disp_respond(ctx, p, pkts[i]);
		else if (owner[i] & DISP_LOCAL) {
			if (owner[i] & DISP_COPIES)
				disp_copy_all(ctx, p, pkts[i]);
			local[nl++] = pkts[i];
		} else
			remote = 1;
	}
	for (q = 0; remote && q < nq; q++)
		if (q != ctx->proc_id)
			disp_handover(ctx, p, q, pkts, owner, n);
	if (nl > 0)
		ff_stack_input(ctx, p, local, nl);
}

int
ff_dispatch_handover_input(struct ff_ctx *ctx, struct ff_port *p)
{
	struct rte_mbuf *pkts[FF_PORT_BURST];
	uint16_t n;

	if (p->p_ops->po_handover_rx == NULL)
		return (0);
	n = p->p_ops->po_handover_rx(p, pkts, FF_PORT_BURST);
	if (n == 0)
		return (0);
	ctx->rssstat.rss_handover_in += n;
	ff_stack_input(ctx, p, pkts, n);
	return (n);
}

void
ff_regist_packet_dispatcher(dispatch_func_t func)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (ctx != NULL)
		ctx->dispatcher = func;
}

#define STATE struct ff_ctx
#define RSS_U64(leaf, f, descr) \
	SYSCTL_U64("net.inet.rss." leaf, CTLFLAG_RD, STATE, rssstat.f, descr)

static const struct sysctl_entry dispatch_sysctls[] = {
	SYSCTL_NODE(
	    "net.inet.rss", "Receive-side scaling among stack processes"),
	SYSCTL_INT("net.inet.rss.procs", CTLFLAG_RD, STATE, nb_procs, 0, 0,
	    "Stack processes sharing the ports"),
	SYSCTL_INT("net.inet.rss.proc_id", CTLFLAG_RD, STATE, proc_id, 0, 0,
	    "This stack process"),
	RSS_U64("handover_out", rss_handover_out,
	    "Frames received here and handed to the process that owns them"),
	RSS_U64("handover_in", rss_handover_in,
	    "Frames another process received and handed to this one"),
	RSS_U64("handover_drop", rss_handover_drop,
	    "Frames for another process that its queue would not take"),
	RSS_U64("copies", rss_copies,
	    "Copies of ARP and broadcast frames given to the other processes"),
	RSS_U64("copy_fail", rss_copy_fail,
	    "Copies not made (no mbuf) or not taken"),
	RSS_U64("dispatch_drop", rss_disp_drop,
	    "Frames the application's dispatcher dropped or sent nowhere"),
	RSS_U64("dispatch_response", rss_disp_resp,
	    "Frames the application's dispatcher sent back out"),
	RSS_U64("lport_rehome", rss_lport_rehome,
	    "Anonymous local ports chosen again at connect to hash home"),
};

#undef RSS_U64
#undef STATE

int
ff_dispatch_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, ctx, dispatch_sysctls));
}
