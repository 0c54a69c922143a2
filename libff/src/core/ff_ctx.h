/*
 * ff_ctx.h - the per-process stack context.
 *
 * Every piece of mutable stack state hangs off one struct ff_ctx, passed
 * explicitly as the first argument; there are no other file-level mutable
 * globals.  A test creates and destroys as many contexts as it likes
 * through the test port (src/testport) without restarting the EAL.
 *
 * Subsystems keep their own state in their own struct, declared in their
 * own header and embedded or pointed to here.
 */
#ifndef _FF_CTX_H_
#define _FF_CTX_H_

#include <stdint.h>
#include <sys/queue.h>

#include "ff_config.h"
#include "core/ff_clock.h"
#include "core/ff_callout.h"
#include "kern/kern_sysctl_stats.h"

struct rte_mempool;
struct rte_mbuf;
struct ff_port;
struct ff_msg_server;
struct ff_stack;
struct sysctl_tree;
struct if_state;
struct ether_state;
struct rt_state;
struct in_state;
struct arp_state;
struct ip_state;
struct ipfw_state;
struct icmp_state;
struct uipc_state;
struct udp_state;
struct tcp_state;
struct mbuf_state;

/*
 * Where each subsystem's state is, inside ctx->stack (FreeBSD's VNET in
 * spirit).  core/ff_stack.c, the composition root, allocates all of it
 * as one struct ff_stack and points these at its parts; a subsystem's
 * V_x(ctx) shorthand, beside its state in its own _var.h, reads one of
 * them, so a file includes only the states it uses.  Reaching a field
 * costs what a field of one struct behind ctx->stack would: one load
 * and an offset.
 */
struct ff_vnet {
	struct if_state *v_if;	     /* net/if_var.h */
	struct ether_state *v_ether; /* net/ether_var.h */
	struct rt_state *v_rt;	     /* net/route.h */
	struct in_state *v_in;	     /* netinet/in_var.h */
	struct arp_state *v_arp;     /* netinet/arp_var.h */
	struct ip_state *v_ip;	     /* netinet/ip_var.h */
	struct ipfw_state *v_ipfw;   /* netinet/ip_fw.h */
	struct icmp_state *v_icmp;   /* netinet/icmp_var.h */
	struct uipc_state *v_uipc;   /* kern/uipc_var.h */
	struct udp_state *v_udp;     /* netinet/udp_var.h */
	struct tcp_state *v_tcp;     /* netinet/tcp_var.h */
	struct mbuf_state *v_mbuf;   /* kern/kern_mbuf.h */
};

/* Main loop accounting, shown by ff-top (struct ff_top_stats). */
struct ff_top {
	uint64_t loops;
	uint64_t idle_tsc;
	uint64_t sys_tsc;
	uint64_t usr_tsc;
	uint64_t work_tsc;
	/* Whole iterations that did work, application loop included:
	 * kern.loop.busy_us, what a busy poller spent serving. */
	uint64_t busy_tsc;
	uint64_t max_tsc; /* longest iteration since reset: kern.loop.max_us */
	/*
	 * Telling a stall the stack made from one the kernel made
	 * (ff_ctx.c): the thread's involuntary context switches, read
	 * at most once a millisecond and after a long iteration.
	 */
	uint64_t max_run_tsc; /* longest not switched out: max_run_us */
	uint64_t preempted;   /* iterations >= 1 ms switched out */
	uint64_t idle_sleeps; /* idle_sleep taken: kern.loop.idle_sleeps */
	uint64_t work_ns;     /* stack time of the last busy iteration */
	uint64_t msg_max_tsc; /* longest request served, not switched out */
	uint64_t ms_tsc;      /* cycles in a millisecond */
	uint64_t csw;	      /* involuntary switches at the last read */
	uint64_t csw_tsc;     /* TSC of that read */
	/*
	 * ff_run(): the TSC reading that ended the last iteration (or the
	 * idle sleep after it), taken as the start of the next one, which
	 * follows at once; 0: the next iteration reads the TSC itself.
	 */
	uint64_t next_t0;
	uint64_t end_tsc; /* the TSC reading that ended the last iteration */
	/* getrusage(RUSAGE_THREAD)'s ru_nivcsw; the test port's own count. */
	uint64_t (*csw_read)(void);
};

/* Port traffic, shown by ff-traffic (struct ff_traffic_stats). */
#define FF_TRAFFIC_LIST(X, A) \
	X(rx_packets)         \
	X(rx_bytes)           \
	X(rx_dropped)         \
	X(tx_packets)         \
	X(tx_bytes)           \
	X(tx_dropped)

struct ff_traffic {
	FF_TRAFFIC_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ff_traffic, FF_TRAFFIC_LIST);

/*
 * Dispatch among stack processes (core/ff_dispatch.c), shown as
 * net.inet.rss.* sysctls.
 */
#define FF_RSSSTAT_LIST(X, A)                                              \
	X(rss_handover_out)  /* received here, handed to their owner */    \
	X(rss_handover_in)   /* handed to us by another process */         \
	X(rss_handover_drop) /* for another process that would not take */ \
	X(rss_copies)	     /* copies of ARP/broadcast for the others */  \
	X(rss_copy_fail)     /* copies not made (no mbuf) or not taken */  \
	X(rss_disp_drop)     /* the application's dispatcher dropped */    \
	X(rss_disp_resp)     /* the dispatcher sent back out */            \
	X(rss_lport_rehome)  /* anonymous ports re-chosen at connect */

struct ff_rssstat {
	FF_RSSSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ff_rssstat, FF_RSSSTAT_LIST);

/* ff_regist_packet_dispatcher()'s callback (ff_api.h's dispatch_func_t). */
typedef int (*ff_dispatch_func_t)(
    void *data, uint16_t *len, uint16_t queue_id, uint16_t nb_queues);

typedef int (*ff_loop_func_t)(void *arg);

struct ff_ctx {
	struct ff_config *cfg; /* owned */
	int proc_id;
	int nb_procs; /* stack processes sharing the ports (lcore_mask) */
	uint32_t procs_live; /* bit per process that runs (ff_ctx_procs_set) */
	int testmode;	     /* test port + virtual clock */

	struct ff_clock clock;		  /* read once per loop */
	struct ff_callout_wheel callouts; /* timers at cfg->hz */

	struct rte_mempool *pktmbuf_pool;
	struct ff_port *ports[FF_MAX_PORTS];
	int nb_ports;

	struct ff_msg_server *msg;  /* tool requests; NULL in tests */
	struct ff_stack *stack;	    /* the protocols (core/ff_stack.c) */
	struct ff_vnet vnet;	    /* their parts of *stack */
	struct sysctl_tree *sysctl; /* MIB tree (src/kern/kern_sysctl.c) */

	struct ff_top top;
	struct ff_traffic traffic;
	struct ff_rssstat rssstat;
	ff_dispatch_func_t dispatcher; /* NULL: the flow hash decides */

	ff_loop_func_t loop;
	void *loop_arg;
	volatile int stop; /* set by ff_stop_run(), signals */
};

/*
 * Create a context for `cfg' (ownership passes to the context): clock,
 * timers and counters, no ports and no stack yet.  `testmode' selects the
 * virtual clock.  Returns NULL with errno set.
 */
struct ff_ctx *ff_ctx_create(struct ff_config *cfg, int testmode);
/* Detach the stack, close ports and message server, free everything. */
void ff_ctx_destroy(struct ff_ctx *ctx);

/*
 * One main-loop iteration: read the clock, run due timers, receive on
 * every port and push frames up the stack, serve tool requests, call the
 * application's loop, flush the transmit buffers that are due ([dpdk]
 * pkt_tx_delay), account cycles.  Returns how much work was done (frames,
 * timers, requests); 0 means idle.
 */
int ff_ctx_iterate(struct ff_ctx *ctx);

/*
 * Which stack processes run (a bit each).  A dead process's flows go to
 * the first live one, and the primary polls the dead one's queues for it
 * (its ports' p_adopted); returns the queues the primary adopted.
 */
uint32_t ff_ctx_procs_set(struct ff_ctx *ctx, uint32_t live);

/* 1 when a port holds frames that pkt_tx_delay has not let go yet. */
int ff_ctx_tx_held(const struct ff_ctx *ctx);

/*
 * After an iteration that did `work': 1 when the loop is to sleep now
 * ([dpdk] idle_sleep), counted in kern.loop.idle_sleeps; 0 while it keeps
 * polling ([dpdk] idle_spin µs after the last busy iteration).
 */
int ff_ctx_idle_due(struct ff_ctx *ctx, int work);

/*
 * The process's current context, for the application API that has no
 * context argument: set by ff_init(), and by the test port around the
 * calls it makes into a given stack.
 */
struct ff_ctx *ff_ctx_get(void);
void ff_ctx_set_current(struct ff_ctx *ctx);

#endif /* _FF_CTX_H_ */
