/*
 * ff_ctx.c - the per-process context and one iteration of the main loop.
 *
 * Entry points: ff_ctx_create(), ff_ctx_destroy(), ff_ctx_iterate(),
 * ff_ctx_get(), ff_ctx_set_current().
 *
 * ff_run() (ff_run.c) and the test port both drive the stack through
 * ff_ctx_iterate(), so tests exercise the very loop that production runs.
 *
 * The longest iteration (kern.loop.max_us) is wall-clock time: on a
 * shared machine it includes the time the kernel ran something else on
 * our core.  To tell the two apart the loop reads the thread's
 * involuntary context switches (getrusage(RUSAGE_THREAD), a system call:
 * not on every iteration) at the start of an iteration when the last
 * read is a millisecond old, and at the end of any iteration that is a
 * millisecond long or longer than the longest unpreempted one so far.
 * If the count moved, the iteration was switched out (kern.loop.preempted
 * counts those of 1 ms or more); if not, it is a candidate for
 * kern.loop.max_run_us, the stall our own code made.  A switch between
 * the start read and the iteration's start (at most a millisecond before)
 * is blamed on the iteration too: the error is on the side of "the
 * kernel", never of hiding a stall of ours behind one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "core/ff_stack.h"
#include "core/ff_dispatch.h"
#include "ipc/ff_msg_server.h"

_Static_assert(FF_RX_BURST_MAX == FF_PORT_BURST, "[dpdk] rx_burst range");

/* Full receive bursts read per port and iteration, at most (ff_ctx_rx). */
#define FF_RX_BURSTS 8

/* Requests served per iteration: tools never starve the data path. */
#define FF_MSG_BUDGET 32

/*
 * The one process-wide pointer: the API (ff_socket() and friends) has no
 * context argument, as in F-Stack.  Everything else reaches state through
 * the context it is handed.
 */
static struct ff_ctx *ff_current;

struct ff_ctx *
ff_ctx_get(void)
{
	return (ff_current);
}

void
ff_ctx_set_current(struct ff_ctx *ctx)
{
	ff_current = ctx;
}

/* The calling thread's involuntary context switches so far. */
static uint64_t
ff_ctx_nivcsw(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return (0);
	return ((uint64_t)ru.ru_nivcsw);
}

static uint32_t
ff_ctx_procs_all(const struct ff_ctx *ctx)
{
	return (ctx->nb_procs >= 32 ? 0xffffffffu : (1u << ctx->nb_procs) - 1);
}

uint32_t
ff_ctx_procs_set(struct ff_ctx *ctx, uint32_t live)
{
	uint32_t dead;
	int i;

	live &= ff_ctx_procs_all(ctx);
	ctx->procs_live = live | (1u << ctx->proc_id);
	dead = ff_ctx_procs_all(ctx) & ~ctx->procs_live;
	if (ctx->proc_id != 0)
		return (0);
	for (i = 0; i < ctx->nb_ports; i++)
		ctx->ports[i]->p_adopted = dead;
	return (dead);
}

struct ff_ctx *
ff_ctx_create(struct ff_config *cfg, int testmode)
{
	struct ff_ctx *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	ctx->cfg = cfg;
	ctx->proc_id = cfg->dpdk.proc_id;
	ctx->nb_procs = cfg->dpdk.nb_procs > 0 ? cfg->dpdk.nb_procs : 1;
	ctx->procs_live = ff_ctx_procs_all(ctx);
	ctx->testmode = testmode;
	ff_clock_init(&ctx->clock, testmode);
	ctx->top.ms_tsc = ctx->clock.clk_tsc_hz / 1000;
	ctx->top.csw_read = ff_ctx_nivcsw;
	ff_callout_wheel_init(&ctx->callouts, cfg->hz);
	return (ctx);
}

void
ff_ctx_destroy(struct ff_ctx *ctx)
{
	int i;

	if (ctx == NULL)
		return;
	if (ctx->msg != NULL)
		ff_msg_server_destroy(ctx);
	if (ctx->stack != NULL)
		ff_stack_detach(ctx);
	for (i = 0; i < ctx->nb_ports; i++) {
		struct ff_port *p = ctx->ports[i];

		if (p == NULL)
			continue;
		ff_port_flush(ctx, p);
		/* Whatever the device would not take goes back to the pool. */
		rte_pktmbuf_free_bulk(p->p_txbuf, p->p_ntx);
		p->p_ntx = 0;
		if (p->p_ops->po_close != NULL)
			p->p_ops->po_close(p);
		ctx->ports[i] = NULL;
	}
	if (ff_current == ctx)
		ff_current = NULL;
	free(ctx->cfg);
	free(ctx);
}

/*
 * Receive on every port and push it up; returns frames seen.  With full
 * bursts (rx_burst 32: the default and the throughput profile's) a port
 * is read again while its bursts come back full, FF_RX_BURSTS at most: a
 * bulk sender that writes far more per iteration than one burst of ACKs
 * otherwise leaves them in the ring until the peer's port refuses more.
 * A shorter rx_burst (the latency profile's 8, or one set by hand) asks
 * that the loop answer after that many frames: one burst per iteration.
 */
static int
ff_ctx_rx(struct ff_ctx *ctx)
{
	struct rte_mbuf *pkts[FF_PORT_BURST];
	uint16_t burst = (uint16_t)ctx->cfg->dpdk.rx_burst, n;
	int b, i, j, total = 0;
	int bursts = burst == FF_PORT_BURST ? FF_RX_BURSTS : 1;

	for (i = 0; i < ctx->nb_ports; i++) {
		struct ff_port *p = ctx->ports[i];

		for (b = 0; b < bursts; b++) {
			n = p->p_ops->po_rx_burst(p, pkts, burst);
			if (n == 0)
				break;
			for (j = 0; j < n; j++)
				ctx->traffic.rx_bytes +=
				    rte_pktmbuf_pkt_len(pkts[j]);
			ctx->traffic.rx_packets += n;
			ff_dispatch_input(ctx, p, pkts, n);
			total += n;
			if (n < burst)
				break;
		}
	}
	/* What other processes of the port received for us. */
	for (i = 0; i < ctx->nb_ports && ctx->nb_procs > 1; i++)
		total += ff_dispatch_handover_input(ctx, ctx->ports[i]);
	return (total);
}

/*
 * Push what is due: everything when pkt_tx_delay is 0, else the ports
 * whose oldest frame has waited that long (a full burst went already).
 */
static int
ff_ctx_flush(struct ff_ctx *ctx)
{
	uint64_t hold = (uint64_t)ctx->cfg->dpdk.pkt_tx_delay * FF_NS_PER_US;
	uint64_t now = ff_clock_now(&ctx->clock);
	int i, total = 0;

	for (i = 0; i < ctx->nb_ports; i++)
		if (ff_port_tx_due(ctx->ports[i], now, hold))
			total += ff_port_flush(ctx, ctx->ports[i]);
	return (total);
}

int
ff_ctx_tx_held(const struct ff_ctx *ctx)
{
	int i;

	for (i = 0; i < ctx->nb_ports; i++)
		if (ctx->ports[i]->p_ntx != 0)
			return (1);
	return (0);
}

/*
 * [dpdk] idle_spin: a sleep costs the next frame its wake-up (idle_sleep
 * plus the kernel's timer slack, ~55 µs by default), so a stack that just
 * did work keeps polling for idle_spin µs of stack time (the TSC-driven
 * clock, virtual on the test port) and only then sleeps.
 */
int
ff_ctx_idle_due(struct ff_ctx *ctx, int work)
{
	const struct ff_dpdk_cfg *d = &ctx->cfg->dpdk;
	uint64_t now = ff_clock_now(&ctx->clock);

	if (work != 0) {
		ctx->top.work_ns = now;
		return (0);
	}
	if (d->idle_sleep == 0 ||
	    now - ctx->top.work_ns < (uint64_t)d->idle_spin * FF_NS_PER_US)
		return (0);
	ctx->top.idle_sleeps++;
	return (1);
}

/*
 * Record an iteration of d cycles that ended at TSC t: the wall-clock
 * maximum always; whether it was switched out when it is long enough to
 * matter (see the top of this file).
 */
static void
ff_ctx_account_max(struct ff_ctx *ctx, uint64_t d, uint64_t t)
{
	struct ff_top *top = &ctx->top;
	uint64_t csw;

	if (d > top->max_tsc)
		top->max_tsc = d;
	if (d <= top->max_run_tsc && d < top->ms_tsc)
		return;
	csw = top->csw_read();
	if (csw == top->csw) {
		if (d > top->max_run_tsc)
			top->max_run_tsc = d;
	} else if (d >= top->ms_tsc)
		top->preempted++;
	top->csw = csw;
	top->csw_tsc = t;
}

int
ff_ctx_iterate(struct ff_ctx *ctx)
{
	uint64_t t0, t1, t2, t3;
	int work = 0;

	/* One TSC reading fewer per turn of ff_run(): its end is our start. */
	t0 = ctx->top.next_t0 != 0 ? ctx->top.next_t0
				   : ff_clock_tsc(&ctx->clock);
	ctx->top.next_t0 = 0;
	if (t0 - ctx->top.csw_tsc >= ctx->top.ms_tsc) {
		ctx->top.csw = ctx->top.csw_read();
		ctx->top.csw_tsc = t0;
	}
	ff_clock_update(&ctx->clock, t0);
	work += ff_callout_run(ctx, &ctx->callouts, ctx->clock.clk_now_ns);
	work += ff_ctx_rx(ctx);
	if (ctx->msg != NULL)
		work += ff_msg_server_poll(ctx, FF_MSG_BUDGET);
	t1 = ff_clock_tsc(&ctx->clock);
	if (ctx->loop != NULL)
		ctx->loop(ctx->loop_arg);
	t2 = ff_clock_tsc(&ctx->clock);
	ff_stack_iteration_end(ctx);
	work += ff_ctx_flush(ctx);
	t3 = ff_clock_tsc(&ctx->clock);
	ctx->top.end_tsc = t3;

	ctx->top.loops++;
	ctx->top.usr_tsc += t2 - t1;
	/* A loop that moved nothing was idle, whatever the stack looked at. */
	if (work != 0) {
		ctx->top.sys_tsc += (t1 - t0) + (t3 - t2);
		ctx->top.busy_tsc += t3 - t0;
	} else
		ctx->top.idle_tsc += (t1 - t0) + (t3 - t2);
	ctx->top.work_tsc += t3 - t0;
	ff_ctx_account_max(ctx, t3 - t0, t3);
	return (work);
}
