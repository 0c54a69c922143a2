/*
 * kern_mbuf.c - overload control: the packet pool's fill level, the
 * watermarks below which new work is refused early, and the counters of
 * every refusal (F-Stack goes silent when its pool runs dry; we shed new
 * load first and keep answering).
 *
 * Entry points: mbuf_init(), mbuf_sysctl_attach(),
 * mbuf_pressure_update() (ff_stack_input(), once per burst),
 * mbuf_pressure(), mbuf_rcv_clamp() (tcp_rcv_space()),
 * mbuf_syn_refuse() (tcp_input's LISTEN case, before the SYN cache).
 *
 * Sysctls: kern.ipc.nmbufs, kern.ipc.overload.{mbuf_win_pct,
 * mbuf_syn_pct, mbuf_reass_pct, sock_syn_pct} (watermarks, percent
 * free), kern.ipc.overload.{level, mbufs_free} and one read-only
 * counter per struct ovlstat field (kern.ipc.overload.syn_nombuf, ...).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "kern/kern_sysctl.h"
#include "kern/kern_mbuf.h"
#include "kern/mbuf.h"
#include "kern/protosw.h"

/*
 * The pool's size and what one buffer holds: 2048 bytes (FreeBSD's
 * MCLBYTES), or a whole jumbo frame (dpdk/ff_dpdk.c's pool_bufsize()).
 */
static void
mbuf_pool_sizes(struct ff_ctx *ctx, struct mbuf_state *mb)
{
	mb->mb_nmbufs = m_pool_size(ctx->pktmbuf_pool);
	mb->mb_mclbytes = rte_pktmbuf_data_room_size(ctx->pktmbuf_pool) -
	    RTE_PKTMBUF_HEADROOM;
}

void
mbuf_init(struct ff_ctx *ctx)
{
	struct mbuf_state *mb = V_mbuf(ctx);

	memset(mb, 0, sizeof(*mb));
	mb->mb_win_pct = 50;
	mb->mb_syn_pct = 25;
	mb->mb_reass_pct = 12;
	mb->mb_sock_pct = 2;
	if (ctx->pktmbuf_pool != NULL)
		mbuf_pool_sizes(ctx, mb);
}

static unsigned int
mbuf_free_now(struct ff_ctx *ctx)
{
	if (ctx->pktmbuf_pool == NULL)
		return (0);
	return (m_pool_avail(ctx->pktmbuf_pool));
}

/* The highest of the three pool watermarks (percent free). */
static int
mbuf_pct_max(const struct mbuf_state *mb)
{
	int m = mb->mb_win_pct;

	if (mb->mb_syn_pct > m)
		m = mb->mb_syn_pct;
	return (mb->mb_reass_pct > m ? mb->mb_reass_pct : m);
}

int
mbuf_pressure_update(struct ff_ctx *ctx)
{
	struct mbuf_state *mb = V_mbuf(ctx);
	uint64_t pct;
	int level;

	if (mb->mb_nmbufs == 0 && ctx->pktmbuf_pool != NULL)
		mbuf_pool_sizes(ctx, mb);
	if (mb->mb_nmbufs == 0)
		return (MBP_NONE);
	/*
	 * Once per receive burst: what the pool's ring holds alone is
	 * enough when it is above the highest watermark (the caches only
	 * add to it), and the exact count is taken only near one.
	 */
	mb->mb_free =
	    ctx->pktmbuf_pool != NULL ? m_pool_avail_min(ctx->pktmbuf_pool) : 0;
	if ((uint64_t)mb->mb_free * 100 <
	    (uint64_t)mbuf_pct_max(mb) * mb->mb_nmbufs)
		mb->mb_free = mbuf_free_now(ctx);
	pct = (uint64_t)mb->mb_free * 100 / mb->mb_nmbufs;
	if (pct < (uint64_t)mb->mb_reass_pct)
		level = MBP_REASS;
	else if (pct < (uint64_t)mb->mb_syn_pct)
		level = MBP_SYN;
	else if (pct < (uint64_t)mb->mb_win_pct)
		level = MBP_WIN;
	else
		level = MBP_NONE;
	if (level > mb->mb_level) {
		mb->mb_stat.ovl_level_up++;
		if (level >= MBP_REASS) /* free reassembly queues */
			domain_drain(ctx);
	}
	mb->mb_level = level;
	return (level);
}

int
mbuf_pressure(struct ff_ctx *ctx)
{
	return (V_mbuf(ctx)->mb_level);
}

/*
 * Under pressure a connection is offered at most 8, 4 or 2 segments of
 * new window (MBP_WIN, MBP_SYN, MBP_REASS): peers slow down before the
 * pool is gone.  tcp_output never shrinks what it already offered.
 */
uint32_t
mbuf_rcv_clamp(struct ff_ctx *ctx, uint32_t space, uint32_t maxseg)
{
	static const uint32_t segs[] = { 0, 8, 4, 2 };
	int level = V_mbuf(ctx)->mb_level;
	uint32_t cap;

	if (level == MBP_NONE)
		return (space);
	cap = segs[level] * maxseg;
	if (space <= cap)
		return (space);
	OVLSTAT_INC(ctx, ovl_win_shrunk);
	return (cap);
}

int
mbuf_syn_refuse(struct ff_ctx *ctx, const struct socket *head, int pcbs_short)
{
	struct mbuf_state *mb = V_mbuf(ctx);
	struct uipc_state *us = V_uipc(ctx);
	uint64_t sockfree;

	if (mb->mb_level >= MBP_SYN) {
		OVLSTAT_INC(ctx, ovl_syn_nombuf);
		return (MBSYN_NOMBUF);
	}
	sockfree = us->us_numopensockets >= (unsigned int)us->us_maxsockets
	    ? 0
	    : (unsigned int)us->us_maxsockets - us->us_numopensockets;
	if (sockfree * 100 < (uint64_t)us->us_maxsockets * mb->mb_sock_pct ||
	    sockfree == 0 || pcbs_short) {
		OVLSTAT_INC(ctx, ovl_syn_nosock);
		return (MBSYN_NOSOCK);
	}
	/* The accept queue: sonewconn()'s own 3/2 rule, checked first. */
	if (head->so_qlen + head->so_incqlen > 3 * head->so_qlimit / 2) {
		OVLSTAT_INC(ctx, ovl_syn_listenq);
		return (MBSYN_LISTENQ);
	}
	return (0);
}

static int
mbuf_sysctl_free(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	unsigned int n = mbuf_free_now(ctx);

	return (sysctl_out(req, &n, sizeof(n)));
}

#define STATE struct mbuf_state

/* A watermark, percent of the pool (or of kern.ipc.maxsockets). */
#define MBUF_PCT(name, f, descr) \
	SYSCTL_INT(              \
	    "kern.ipc.overload." name, CTLFLAG_RW, STATE, f, 0, 100, descr)
/* An entry of OVLSTAT_LIST: a read-only counter. */
#define MBUF_OVL(f, leaf, descr) \
	SYSCTL_U64(              \
	    "kern.ipc.overload." #leaf, CTLFLAG_RD, STATE, mb_stat.f, descr),

static const struct sysctl_entry mbuf_sysctls[] = {
	SYSCTL_NODE("kern.ipc.overload",
	    "Overload control: watermarks and what was refused"),
	SYSCTL_UINT("kern.ipc.nmbufs", CTLFLAG_RDTUN, STATE, mb_nmbufs, 0, 0,
	    "Packet buffers in the pool"),
	SYSCTL_UINT("kern.ipc.mclbytes", CTLFLAG_RD, STATE, mb_mclbytes, 0, 0,
	    "Data one packet buffer holds: 2048 (a cluster), or a whole frame "
	    "of a net_memif port's jumbo MTU (a jumbo cluster)"),
	SYSCTL_PROC("kern.ipc.overload.mbufs_free", CTLTYPE_UINT | CTLFLAG_RD,
	    mbuf_sysctl_free, "IU", "Packet buffers free now"),
	SYSCTL_INT("kern.ipc.overload.level", CTLFLAG_RD, STATE, mb_level, 0, 0,
	    "Pool pressure: 0 none, 1 windows, 2 SYNs, 3 reassembly"),
	MBUF_PCT("mbuf_win_pct", mb_win_pct,
	    "Free mbufs (percent) below which receive windows shrink"),
	MBUF_PCT("mbuf_syn_pct", mb_syn_pct,
	    "Free mbufs (percent) below which new SYNs are dropped"),
	MBUF_PCT("mbuf_reass_pct", mb_reass_pct,
	    "Free mbufs (percent) below which reassembly queues are freed"),
	MBUF_PCT("sock_syn_pct", mb_sock_pct,
	    "Free sockets (percent of maxsockets) below which SYNs are "
	    "dropped"),
	OVLSTAT_LIST(MBUF_OVL, MBUF_OVL)
};

#undef MBUF_OVL
#undef MBUF_PCT
#undef STATE

int
mbuf_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_mbuf(ctx), mbuf_sysctls));
}
