/*
 * ff_clock.c - the stack's clock: the TSC read once per loop iteration,
 * or a virtual clock that only tests move.
 *
 * Entry points: ff_clock_init(), ff_clock_update(), ff_clock_advance(),
 * ff_clock_stall().
 *
 * clock_gettime(CLOCK_MONOTONIC) on every iteration was a quarter of a
 * busy-polling primary's cycles (perf, issue 15).  The main loop reads the
 * TSC anyway for its cycle accounting, so the time of an iteration is
 * derived from that reading: stack time at the last anchor plus the
 * cycles since, scaled to ns.  Every FF_CLOCK_RESYNC_NS the clock is
 * anchored to CLOCK_MONOTONIC again, so that an inexact TSC rate (DPDK may
 * estimate it) cannot make the stack's time drift from the system's; the
 * result never goes backwards.
 */
#include <time.h>

#include <rte_cycles.h>

#include "core/ff_clock.h"

/* How long the TSC alone carries the clock between two anchors. */
#define FF_CLOCK_RESYNC_NS FF_NS_PER_MS

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ((uint64_t)ts.tv_sec * FF_NS_PER_SEC + (uint64_t)ts.tv_nsec);
}

static uint64_t
monotonic_ns(void)
{
	return (clock_ns(CLOCK_MONOTONIC));
}

/* Anchor the TSC to CLOCK_MONOTONIC; returns that stack time. */
static uint64_t
clock_anchor(struct ff_clock *clk, uint64_t tsc)
{
	clk->clk_anchor_tsc = tsc;
	clk->clk_anchor_ns = monotonic_ns() - clk->clk_base_ns;
	return (clk->clk_anchor_ns);
}

void
ff_clock_init(struct ff_clock *clk, int is_virtual)
{
	uint64_t hz = rte_get_tsc_hz();

	clk->clk_virtual = is_virtual;
	clk->clk_now_ns = 0;
	clk->clk_base_ns = is_virtual ? 0 : monotonic_ns();
	clk->clk_wall_ns = clock_ns(CLOCK_REALTIME);
	clk->clk_tsc_hz = hz;
	/* ns per cycle in 32.32 fixed point; no rate known: anchor always. */
	clk->clk_mult = hz != 0 ? (FF_NS_PER_SEC << 32) / hz : 0;
	clk->clk_resync_tsc =
	    hz != 0 ? FF_CLOCK_RESYNC_NS * hz / FF_NS_PER_SEC : 0;
	if (!is_virtual)
		clock_anchor(clk, rte_rdtsc());
}

uint64_t
ff_clock_update(struct ff_clock *clk, uint64_t tsc)
{
	uint64_t d, now;

	if (clk->clk_virtual)
		return (clk->clk_now_ns);
	d = tsc - clk->clk_anchor_tsc;
	/* Below the resync period the product fits in 64 bits. */
	if (d >= clk->clk_resync_tsc)
		now = clock_anchor(clk, tsc);
	else
		now = clk->clk_anchor_ns + ((d * clk->clk_mult) >> 32);
	if (now > clk->clk_now_ns)
		clk->clk_now_ns = now;
	return (clk->clk_now_ns);
}

void
ff_clock_advance(struct ff_clock *clk, uint64_t ns)
{
	if (clk->clk_virtual)
		clk->clk_now_ns += ns;
}

void
ff_clock_stall(struct ff_clock *clk, uint64_t ns)
{
	uint64_t hz = clk->clk_tsc_hz;

	/* Whole seconds apart: ns * hz would overflow past ~7 s. */
	if (clk->clk_virtual)
		clk->clk_tsc_skew += ns / FF_NS_PER_SEC * hz +
		    ns % FF_NS_PER_SEC * hz / FF_NS_PER_SEC;
}
