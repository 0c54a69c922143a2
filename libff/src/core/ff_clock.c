/*
 * ff_clock.c - the stack's clock: CLOCK_MONOTONIC read once per loop
 * iteration, or a virtual clock that only tests move.
 */
#include <time.h>

#include <rte_cycles.h>

#include "core/ff_clock.h"

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

void
ff_clock_init(struct ff_clock *clk, int is_virtual)
{
	clk->clk_virtual = is_virtual;
	clk->clk_now_ns = 0;
	clk->clk_base_ns = is_virtual ? 0 : monotonic_ns();
	clk->clk_wall_ns = clock_ns(CLOCK_REALTIME);
	clk->clk_tsc_hz = rte_get_tsc_hz();
}

uint64_t
ff_clock_update(struct ff_clock *clk)
{
	if (!clk->clk_virtual)
		clk->clk_now_ns = monotonic_ns() - clk->clk_base_ns;
	return (clk->clk_now_ns);
}

void
ff_clock_advance(struct ff_clock *clk, uint64_t ns)
{
	if (clk->clk_virtual)
		clk->clk_now_ns += ns;
}
