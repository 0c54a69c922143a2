/*
 * ff_callout.c - the timing wheel behind callout(9)-style timers.
 *
 * Entry points: ff_callout_wheel_init(), ff_callout_run() (main loop),
 * callout_init(), callout_reset(), callout_stop().
 *
 * A callout lives in bucket (time % FF_CALLOUT_WHEEL); a bucket holds
 * timers of every lap, so running a tick visits only that bucket and skips
 * the entries of later laps.  Work per tick is the bucket's length, not
 * the number of timers.
 */
#include <stddef.h>

#include "core/ff_ctx.h"
#include "core/ff_callout.h"

static uint64_t
ns_to_ticks(uint64_t ns, uint32_t hz)
{
	/* Split to avoid overflowing 64 bits at high hz after long uptimes. */
	return ((ns / FF_NS_PER_SEC) * hz +
	    (ns % FF_NS_PER_SEC) * hz / FF_NS_PER_SEC);
}

/* The first ns at which ns_to_ticks() reaches tick t (rounded up). */
static uint64_t
ticks_to_ns(uint64_t t, uint32_t hz)
{
	return ((t / hz) * FF_NS_PER_SEC +
	    ((t % hz) * FF_NS_PER_SEC + hz - 1) / hz);
}

void
ff_callout_wheel_init(struct ff_callout_wheel *cw, uint32_t hz)
{
	int i;

	for (i = 0; i < FF_CALLOUT_WHEEL; i++)
		TAILQ_INIT(&cw->cw_bucket[i]);
	cw->cw_ticks = 0;
	cw->cw_next_ns = 0;
	cw->cw_hz = hz ? hz : 1000;
	cw->cw_pending = 0;
	cw->cw_next = NULL;
}

void
callout_init(struct ff_callout *c)
{
	c->c_time = 0;
	c->c_func = NULL;
	c->c_arg = NULL;
	c->c_flags = 0;
}

uint64_t
ff_ms_to_ticks(const struct ff_ctx *ctx, uint64_t ms)
{
	uint32_t hz = ctx->callouts.cw_hz;

	return ((ms * hz + 999) / 1000);
}

int
callout_stop(struct ff_ctx *ctx, struct ff_callout *c)
{
	struct ff_callout_wheel *cw = &ctx->callouts;

	if (!callout_pending(c))
		return (0);
	/* Keep a running bucket walk valid when a callback stops its successor. */
	if (cw->cw_next == c)
		cw->cw_next = TAILQ_NEXT(c, c_link);
	TAILQ_REMOVE(
	    &cw->cw_bucket[c->c_time & (FF_CALLOUT_WHEEL - 1)], c, c_link);
	c->c_flags &= ~CALLOUT_PENDING;
	cw->cw_pending--;
	return (1);
}

void
callout_reset(struct ff_ctx *ctx, struct ff_callout *c, uint64_t ticks,
    ff_callout_fn_t func, void *arg)
{
	struct ff_callout_wheel *cw = &ctx->callouts;

	callout_stop(ctx, c);
	/* A timer armed for "now" fires on the next tick, never in the past. */
	c->c_time = cw->cw_ticks + (ticks ? ticks : 1);
	c->c_func = func;
	c->c_arg = arg;
	c->c_flags |= CALLOUT_PENDING;
	TAILQ_INSERT_TAIL(
	    &cw->cw_bucket[c->c_time & (FF_CALLOUT_WHEEL - 1)], c, c_link);
	cw->cw_pending++;
}

/* Fire everything due in the bucket of tick `t'. */
static int
callout_run_bucket(struct ff_ctx *ctx, struct ff_callout_wheel *cw, uint64_t t)
{
	struct ff_callout_list *b = &cw->cw_bucket[t & (FF_CALLOUT_WHEEL - 1)];
	struct ff_callout *c;
	int ran = 0;

	for (c = TAILQ_FIRST(b); c != NULL; c = cw->cw_next) {
		cw->cw_next = TAILQ_NEXT(c, c_link);
		if (c->c_time > t)
			continue; /* a later lap */
		TAILQ_REMOVE(b, c, c_link);
		c->c_flags &= ~CALLOUT_PENDING;
		cw->cw_pending--;
		c->c_func(ctx, c->c_arg);
		ran++;
	}
	cw->cw_next = NULL;
	return (ran);
}

int
ff_callout_run(struct ff_ctx *ctx, struct ff_callout_wheel *cw, uint64_t now_ns)
{
	uint64_t target;
	int ran = 0;

	/* Most iterations of a polling loop fall inside one tick. */
	if (now_ns < cw->cw_next_ns)
		return (0);
	target = ns_to_ticks(now_ns, cw->cw_hz);
	/*
	 * After a long stall (or a big virtual-clock jump) walk at most one
	 * lap of buckets: every pending timer is then due and found.
	 */
	if (target > cw->cw_ticks + FF_CALLOUT_WHEEL)
		cw->cw_ticks = target - FF_CALLOUT_WHEEL;
	while (cw->cw_ticks < target) {
		cw->cw_ticks++;
		if (cw->cw_pending == 0) {
			cw->cw_ticks = target;
			break;
		}
		ran += callout_run_bucket(ctx, cw, cw->cw_ticks);
	}
	cw->cw_next_ns = ticks_to_ns(cw->cw_ticks + 1, cw->cw_hz);
	return (ran);
}
