/*
 * ff_clock.h - the one clock of the stack.
 *
 * The main loop reads the time once per iteration into clk_now_ns, from
 * the TSC reading it takes for its cycle accounting (ff_clock.c); the
 * rest of the stack uses that value (ff_clock_now()).  In test mode the
 * clock is virtual: it only moves when a test advances it, so timers,
 * retransmissions and expiries are deterministic.
 */
#ifndef _FF_CLOCK_H_
#define _FF_CLOCK_H_

#include <stdint.h>

#include <rte_cycles.h>

struct ff_clock {
	int clk_virtual;	 /* test port: moved by ff_clock_advance() */
	uint64_t clk_now_ns;	 /* time of the current loop iteration */
	uint64_t clk_base_ns;	 /* monotonic time at stack start */
	uint64_t clk_wall_ns;	 /* CLOCK_REALTIME at stack start */
	uint64_t clk_tsc_hz;	 /* cycles per second (top accounting) */
	uint64_t clk_mult;	 /* ns per TSC cycle, 32.32 fixed point */
	uint64_t clk_resync_tsc; /* cycles between two CLOCK_MONOTONIC reads */
	uint64_t clk_anchor_tsc; /* TSC at the last CLOCK_MONOTONIC read */
	uint64_t clk_anchor_ns;	 /* stack time at that read */
	uint64_t clk_tsc_skew;	 /* cycles ff_clock_stall() added: 0 unless
				    a test made an iteration look long */
};

#define FF_NS_PER_SEC 1000000000ULL
#define FF_NS_PER_MS  1000000ULL
#define FF_NS_PER_US  1000ULL

void ff_clock_init(struct ff_clock *clk, int is_virtual);
/* The time of the iteration whose TSC reading is tsc; returns new now. */
uint64_t ff_clock_update(struct ff_clock *clk, uint64_t tsc);
void ff_clock_advance(struct ff_clock *clk, uint64_t ns);
/*
 * Virtual clock only: as if the CPU had spent ns more in what runs now,
 * for the loop's cycle accounting (ff_clock_tsc()); stack time does not
 * move.  The test port injects a long loop iteration with it.
 */
void ff_clock_stall(struct ff_clock *clk, uint64_t ns);

/* The TSC as the main loop's cycle accounting reads it. */
static inline uint64_t
ff_clock_tsc(const struct ff_clock *clk)
{
	return (rte_rdtsc() + clk->clk_tsc_skew);
}

/* Nanoseconds since the stack started, as of this loop iteration. */
static inline uint64_t
ff_clock_now(const struct ff_clock *clk)
{
	return (clk->clk_now_ns);
}

/* Whole seconds since start: ARP expiry, TIME_WAIT and friends. */
static inline uint64_t
ff_clock_uptime(const struct ff_clock *clk)
{
	return (clk->clk_now_ns / FF_NS_PER_SEC);
}

/*
 * Wall-clock time (ns since the Epoch, UTC) as of this loop iteration:
 * the real time at start plus the stack's own clock, so it moves with
 * the virtual clock in tests and never jumps inside the stack.
 */
static inline uint64_t
ff_clock_wall(const struct ff_clock *clk)
{
	return (clk->clk_wall_ns + clk->clk_now_ns);
}

#endif /* _FF_CLOCK_H_ */
