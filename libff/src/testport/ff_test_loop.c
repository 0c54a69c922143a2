/*
 * ff_test_loop.c - a long main-loop iteration on demand, with or without
 * the kernel switching the thread out, for the stall gauges
 * kern.loop.max_us, max_run_us, preempted and msg_max_us
 * (tests/stack/test_loop_max.py).
 *
 * Entry points: ff_test_loop_stall(), ff_test_loop_switching(),
 * ff_test_loop_echo(), ff_test_loop_idle().
 *
 * A real stall cannot be made on demand in a test (and the machine's own
 * preemptions would blur it), so the next iteration is made long on the
 * virtual clock (ff_clock_stall(): the loop's TSC readings jump) from the
 * application-loop slot, and the thread's involuntary switch count comes
 * from a counter of the test's instead of getrusage().
 */
#include <errno.h>

#include "ff_api.h"
#include "core/ff_ctx.h"
#include "testport/ff_testport.h"

/* One stall armed at a time: tests drive one stack at a time. */
static struct {
	struct ff_ctx *ls_ctx;
	uint64_t ls_ns;
	int ls_switched;
	ff_loop_func_t ls_loop; /* the slot's owner, put back after */
	void *ls_arg;
} loop_stall;

/* The test's involuntary switch count: moves only when a test says. */
static uint64_t loop_nivcsw;
/* ff_test_loop_switching(): switched out between any two reads. */
static int loop_switching;

static uint64_t
loop_test_nivcsw(void)
{
	return (loop_switching ? loop_nivcsw++ : loop_nivcsw);
}

/* The stack counts the test's switches from now on, not the thread's. */
static void
loop_test_switches(struct ff_ctx *ctx)
{
	ctx->top.csw_read = loop_test_nivcsw;
	ctx->top.csw = loop_nivcsw;
}

/* In the loop's application slot: spend the time, once. */
static int
loop_stall_run(void *arg)
{
	struct ff_ctx *ctx = loop_stall.ls_ctx;
	int rc = 0;

	loop_stall.ls_ctx = NULL;
	ff_clock_stall(&ctx->clock, loop_stall.ls_ns);
	if (loop_stall.ls_switched)
		loop_nivcsw++;
	ctx->loop = loop_stall.ls_loop;
	ctx->loop_arg = loop_stall.ls_arg;
	if (ctx->loop != NULL)
		rc = ctx->loop(ctx->loop_arg);
	return (rc);
}

/*
 * Make the next iteration us microseconds longer than it is, switched
 * out by the kernel in the middle if `switched'.  From now on the stack
 * counts the test's switches, not the thread's.
 */
int
ff_test_loop_stall(struct ff_test *t, uint64_t us, int switched)
{
	struct ff_ctx *ctx;

	if (t == NULL || t->t_ctx == NULL || loop_stall.ls_ctx != NULL)
		return (-EINVAL);
	ctx = t->t_ctx;
	if (!ctx->clock.clk_virtual)
		return (-EINVAL);
	loop_test_switches(ctx);
	loop_stall.ls_ctx = ctx;
	loop_stall.ls_ns = us * FF_NS_PER_US;
	loop_stall.ls_switched = switched;
	loop_stall.ls_loop = ctx->loop;
	loop_stall.ls_arg = ctx->loop_arg;
	ctx->loop = loop_stall_run;
	ctx->loop_arg = NULL;
	return (0);
}

/*
 * With `on', the kernel switches the thread out between any two reads of
 * its switch count: every request served and iteration run from now on
 * is preempted, until called again with 0.
 */
int
ff_test_loop_switching(struct ff_test *t, int on)
{
	if (t == NULL || t->t_ctx == NULL || !t->t_ctx->clock.clk_virtual)
		return (-EINVAL);
	loop_test_switches(t->t_ctx);
	loop_switching = on != 0;
	return (0);
}

/*
 * An application in the loop's slot that answers in the iteration that
 * received: whatever TCP socket `echo_fd' holds is written back at once,
 * as a request/reply server does (the ACK a reply carries, net.inet.tcp.
 * delayed_ack 2, tests/stack/test_profile.py).
 */
static int echo_fd = -1;

static int
loop_echo_run(void *arg)
{
	char buf[2048];
	ssize_t n;

	(void)arg;
	while (echo_fd >= 0 && (n = ff_read(echo_fd, buf, sizeof(buf))) > 0)
		(void)ff_write(echo_fd, buf, (size_t)n);
	return (0);
}

/* Echo what fd receives from the loop's slot; fd -1 takes it away. */
int
ff_test_loop_echo(struct ff_test *t, int fd)
{
	if (t == NULL || t->t_ctx == NULL || loop_stall.ls_ctx != NULL)
		return (-EINVAL);
	echo_fd = fd;
	t->t_ctx->loop = fd >= 0 ? loop_echo_run : NULL;
	t->t_ctx->loop_arg = NULL;
	return (0);
}

/*
 * ff_run()'s step without the sleep itself: the clock moves by us first
 * (the time the loop would have spent polling), then one iteration, then
 * the decision ff_run() takes (ff_ctx_idle_due(), which counts a sleep in
 * kern.loop.idle_sleeps).
 */
int
ff_test_loop_idle(struct ff_test *t, uint64_t us)
{
	struct ff_ctx *ctx;

	if (t == NULL || t->t_ctx == NULL || !t->t_ctx->clock.clk_virtual)
		return (-EINVAL);
	ctx = t->t_ctx;
	ff_clock_advance(&ctx->clock, us * FF_NS_PER_US);
	return (ff_ctx_idle_due(ctx, ff_ctx_iterate(ctx)));
}
