/*
 * kern_mbuf.h - the packet pool under pressure (kern_mbuf.c): how full
 * ctx->pktmbuf_pool is, the watermarks below which the stack refuses
 * new work, and the counters of what it refused (kern.ipc.overload.*).
 *
 * Levels, from the share of the pool that is free, each threshold a
 * sysctl (percent of kern.ipc.nmbufs):
 *   MBP_WIN    below mbuf_win_pct:   advertised receive windows shrink;
 *   MBP_SYN    below mbuf_syn_pct:   new SYNs are dropped, unanswered;
 *   MBP_REASS  below mbuf_reass_pct: reassembly queues (TCP, IP) are
 *              freed and out-of-order segments refused.
 * ARP, ICMP, established connections and the tools are served at every
 * level: nothing above refuses them.
 *
 * State: struct mbuf_state in struct ff_stack (V_mbuf(ctx)).
 */
#ifndef _KERN_KERN_MBUF_H_
#define _KERN_KERN_MBUF_H_

#include <stdint.h>

#include "kern/kern_sysctl_stats.h"

struct ff_ctx;
struct socket;

#define MBP_NONE  0
#define MBP_WIN	  1
#define MBP_SYN	  2
#define MBP_REASS 3

/*
 * What overload refused (kern.ipc.overload.*; ours): X(field, sysctl
 * leaf under kern.ipc.overload, description).
 */
#define OVLSTAT_LIST(X, A)                                                 \
	X(ovl_syn_nombuf, syn_nombuf,                                      \
	    "SYNs dropped: free mbufs below mbuf_syn_pct")                 \
	X(ovl_syn_nosock, syn_nosock,                                      \
	    "SYNs dropped: sockets or TCP control blocks running out")     \
	X(ovl_syn_listenq, syn_listenq, "SYNs dropped: listen queue full") \
	X(ovl_win_shrunk, win_shrunk,                                      \
	    "Receive windows offered smaller than the buffer room")        \
	X(ovl_reass_flushed, reass_flushed,                                \
	    "Queued out-of-order segments freed below mbuf_reass_pct")     \
	X(ovl_reass_refused, reass_refused,                                \
	    "Out-of-order segments refused below mbuf_reass_pct")          \
	X(ovl_level_up, level_up, "Times the pool pressure level rose")

struct ovlstat {
	OVLSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ovlstat, OVLSTAT_LIST);

struct mbuf_state {
	int mb_win_pct;		  /* kern.ipc.overload.mbuf_win_pct */
	int mb_syn_pct;		  /* kern.ipc.overload.mbuf_syn_pct */
	int mb_reass_pct;	  /* kern.ipc.overload.mbuf_reass_pct */
	int mb_sock_pct;	  /* kern.ipc.overload.sock_syn_pct */
	int mb_level;		  /* MBP_*, kern.ipc.overload.level */
	unsigned int mb_nmbufs;	  /* kern.ipc.nmbufs: pool size */
	unsigned int mb_mclbytes; /* kern.ipc.mclbytes: data a buffer holds */
	unsigned int mb_free;	  /* free at the last update, at least */
	struct ovlstat mb_stat;
};

#define V_mbuf(ctx)	    ((ctx)->vnet.v_mbuf)
#define OVLSTAT_INC(ctx, f) (V_mbuf(ctx)->mb_stat.f++)

void mbuf_init(struct ff_ctx *ctx);
int mbuf_sysctl_attach(struct ff_ctx *ctx);
/*
 * Look at the pool again (once per received burst, and after anything
 * that takes many mbufs at once); on reaching MBP_REASS the protocols
 * drain their reassembly queues.  Returns the level.
 */
int mbuf_pressure_update(struct ff_ctx *ctx);
/* The level at the last update. */
int mbuf_pressure(struct ff_ctx *ctx);
/* A receive window of `space' bytes as pressure allows (counted). */
uint32_t mbuf_rcv_clamp(struct ff_ctx *ctx, uint32_t space, uint32_t maxseg);
/*
 * Whether a SYN for listener `head' must be dropped before anything is
 * allocated for it: 0, or why (counted): the pool is short, the socket
 * table is (or the protocol's own pcbs are: pcbs_short), or the accept
 * queue is full.
 */
#define MBSYN_NOMBUF  1
#define MBSYN_NOSOCK  2
#define MBSYN_LISTENQ 3
int
mbuf_syn_refuse(struct ff_ctx *ctx, const struct socket *head, int pcbs_short);

#endif /* _KERN_KERN_MBUF_H_ */
