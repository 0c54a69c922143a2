/*
 * ff_callout.h - timers in the manner of FreeBSD's callout(9).
 *
 * A hashed timing wheel of FF_CALLOUT_WHEEL buckets, advanced at `hz'
 * ticks per second by the main loop.  A callout is embedded in the object
 * it serves (an ARP entry, a TCP control block, a reassembly queue); the
 * wheel never allocates, so arming a timer cannot fail.  Callbacks run
 * from the main loop with the context as first argument and may re-arm
 * or stop any callout, their own included.
 */
#ifndef _FF_CALLOUT_H_
#define _FF_CALLOUT_H_

#include <stdint.h>
#include <sys/queue.h>

struct ff_ctx;

typedef void (*ff_callout_fn_t)(struct ff_ctx *ctx, void *arg);

struct ff_callout {
	TAILQ_ENTRY(ff_callout) c_link; /* bucket list */
	uint64_t c_time;		/* tick at which it fires */
	ff_callout_fn_t c_func;
	void *c_arg;
	int c_flags; /* CALLOUT_PENDING */
};

#define CALLOUT_PENDING 0x0001

#define FF_CALLOUT_WHEEL 1024 /* buckets; a power of two */

TAILQ_HEAD(ff_callout_list, ff_callout);

struct ff_callout_wheel {
	struct ff_callout_list cw_bucket[FF_CALLOUT_WHEEL];
	uint64_t cw_ticks;   /* ticks processed so far */
	uint64_t cw_next_ns; /* stack time at which tick cw_ticks + 1 starts */
	uint32_t cw_hz;
	uint64_t cw_pending;	    /* callouts armed */
	struct ff_callout *cw_next; /* next to visit while running a bucket */
};

void ff_callout_wheel_init(struct ff_callout_wheel *cw, uint32_t hz);
/* Run every callout due at or before `now_ns'; returns how many ran. */
int ff_callout_run(
    struct ff_ctx *ctx, struct ff_callout_wheel *cw, uint64_t now_ns);

void callout_init(struct ff_callout *c);
/* (Re)arm `c' to fire `ticks' ticks from now (0 = next tick). */
void callout_reset(struct ff_ctx *ctx, struct ff_callout *c, uint64_t ticks,
    ff_callout_fn_t func, void *arg);
/* Disarm; returns 1 if it was pending. */
int callout_stop(struct ff_ctx *ctx, struct ff_callout *c);

static inline int
callout_pending(const struct ff_callout *c)
{
	return ((c->c_flags & CALLOUT_PENDING) != 0);
}

/* Milliseconds to ticks, rounded up, at the context's hz. */
uint64_t ff_ms_to_ticks(const struct ff_ctx *ctx, uint64_t ms);

#endif /* _FF_CALLOUT_H_ */
