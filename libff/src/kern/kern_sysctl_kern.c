/*
 * kern_sysctl_kern.c - the top-level nodes and the kern.* leaves that
 * belong to no protocol: kern.ostype, kern.osrelease, kern.hz,
 * kern.ipc.maxsockbuf, kern.ipc.somaxconn, the main loop's stall gauges
 * kern.loop.max_us, max_run_us, preempted and msg_max_us, its sleep
 * count kern.loop.idle_sleeps and its working time kern.loop.busy_us.  Registered by sysctl_ctx_init(); the
 * socket layer reads ctx->sysctl->st_ipc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/kern_sysctl_var.h"

/* FreeBSD refuses a socket buffer limit below MSIZE + MCLBYTES. */
#define KERN_MAXSOCKBUF_MIN (256 + 2048)

/*
 * kern.hz: the callout wheel's rate, fixed at start: [freebsd.boot] hz
 * (or kern.hz) is read by the config parser, before the wheel exists.
 */
static int
kern_sysctl_hz(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	int hz = (int)ctx->callouts.cw_hz;

	return (sysctl_out(req, &hz, sizeof(hz)));
}

/*
 * A stall gauge of kern.loop, kept in TSC cycles and shown in
 * microseconds.  Writing 0 resets it; any other value is refused.
 */
static int
kern_sysctl_loop_tsc(struct ff_ctx *ctx, struct sysctl_req *req, uint64_t *tsc)
{
	uint64_t hz = ctx->clock.clk_tsc_hz;
	uint64_t v = hz != 0 ? *tsc * 1000000 / hz : 0;
	int error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v != 0)
		return (EINVAL);
	*tsc = 0;
	return (0);
}

/*
 * kern.loop.max_us: the longest main-loop iteration (stack, application
 * loop and flush) since start or the last reset, wall-clock: how long
 * the data path stood still at worst, e.g. while a tool listed 100,000
 * pcbs, the time the kernel gave our core to others included.
 */
static int
kern_sysctl_loop_max(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (kern_sysctl_loop_tsc(ctx, req, &ctx->top.max_tsc));
}

/*
 * kern.loop.max_run_us: the longest iteration the thread was not
 * switched out in (ff_ctx.c): the stall the stack's own code made.
 */
static int
kern_sysctl_loop_max_run(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (kern_sysctl_loop_tsc(ctx, req, &ctx->top.max_run_tsc));
}

/*
 * kern.loop.msg_max_us: the longest single tool request served (one
 * piece of a listing), the loop standing still meanwhile, among those
 * the kernel did not switch the thread out in (ff_msg_handle()).
 */
static int
kern_sysctl_loop_msg_max(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	return (kern_sysctl_loop_tsc(ctx, req, &ctx->top.msg_max_tsc));
}

/*
 * kern.loop.preempted: iterations of 1 ms or more in which the kernel
 * switched the thread out, since start.
 */
static int
kern_sysctl_loop_preempted(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	uint64_t v = ctx->top.preempted;

	return (sysctl_out(req, &v, sizeof(v)));
}

/*
 * kern.loop.idle_sleeps: how often the loop slept ([dpdk] idle_sleep),
 * since start; idle_spin holds it off while the stack is busy.
 */
static int
kern_sysctl_loop_idle_sleeps(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	uint64_t v = ctx->top.idle_sleeps;

	return (sysctl_out(req, &v, sizeof(v)));
}

/*
 * kern.loop.busy_us: the time of the iterations that did work (frames,
 * timers, tool requests), the application's loop function in them
 * included, since start, wall-clock.  ff-top's usr also holds the
 * application's empty polls of idle iterations; this does not: for a
 * busy-polling stack it is the time spent serving, which a load
 * generator's request count turns into a cost per request.
 */
static int
kern_sysctl_loop_busy(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	uint64_t hz = ctx->clock.clk_tsc_hz;
	uint64_t v = hz != 0 ? ctx->top.busy_tsc / hz * 1000000 +
		ctx->top.busy_tsc % hz * 1000000 / hz
			     : 0;

	return (sysctl_out(req, &v, sizeof(v)));
}

/* kern.ipc.maxsockbuf: an unsigned long with a floor. */
static int
kern_sysctl_maxsockbuf(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct kern_ipc *ipc = &ctx->sysctl->st_ipc;
	unsigned long v = ipc->ki_maxsockbuf;
	int error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < KERN_MAXSOCKBUF_MIN)
		return (EINVAL);
	ipc->ki_maxsockbuf = v;
	return (0);
}

#define STATE struct sysctl_tree

static const struct sysctl_entry kern_sysctls[] = {
	SYSCTL_NODE("kern", "Kernel: identity, clock and IPC limits"),
	SYSCTL_NODE("kern.ipc", "Sockets and socket buffers"),
	SYSCTL_NODE("net", "Networking"),
	SYSCTL_NODE("net.inet", "Internet (IPv4) protocols"),
	SYSCTL_NODE("net.inet.ip", "IP"),
	SYSCTL_NODE("net.inet.icmp", "ICMP"),
	SYSCTL_NODE("net.inet.tcp", "TCP"),
	SYSCTL_NODE("net.inet.udp", "UDP"),
	SYSCTL_NODE("net.link", "Link layers"),
	SYSCTL_NODE("net.link.ether", "Ethernet"),
	SYSCTL_NODE("debug", "Debugging"),
	SYSCTL_STRING("kern.ostype", CTLFLAG_RD, STATE, st_ostype,
	    "Operating system type"),
	SYSCTL_STRING("kern.osrelease", CTLFLAG_RD, STATE, st_osrelease,
	    "Operating system release"),
	SYSCTL_PROC("kern.hz", CTLTYPE_INT | CTLFLAG_RDTUN, kern_sysctl_hz, "I",
	    "Timer ticks per second (callout wheel)"),
	SYSCTL_PROC("kern.ipc.maxsockbuf",
	    CTLTYPE_ULONG | CTLFLAG_RW | CTLFLAG_TUN, kern_sysctl_maxsockbuf,
	    "LU", "Largest socket buffer size, bytes"),
	SYSCTL_UINT("kern.ipc.somaxconn", CTLFLAG_RW | CTLFLAG_TUN, STATE,
	    st_ipc.ki_somaxconn, 0, 65535,
	    "Largest listen queue a socket may ask for"),
	SYSCTL_NODE("kern.loop", "The main loop"),
	SYSCTL_PROC("kern.loop.max_us", CTLTYPE_U64 | CTLFLAG_RW,
	    kern_sysctl_loop_max, "QU",
	    "Longest main-loop iteration since reset, us (write 0 to reset)"),
	SYSCTL_PROC("kern.loop.max_run_us", CTLTYPE_U64 | CTLFLAG_RW,
	    kern_sysctl_loop_max_run, "QU",
	    "Longest main-loop iteration not preempted by the kernel, us "
	    "(write 0 to reset)"),
	SYSCTL_PROC("kern.loop.preempted", CTLTYPE_U64 | CTLFLAG_RD,
	    kern_sysctl_loop_preempted, "QU",
	    "Main-loop iterations of 1 ms or more the kernel switched out"),
	SYSCTL_PROC("kern.loop.msg_max_us", CTLTYPE_U64 | CTLFLAG_RW,
	    kern_sysctl_loop_msg_max, "QU",
	    "Longest tool request served, not preempted, us "
	    "(write 0 to reset)"),
	SYSCTL_PROC("kern.loop.idle_sleeps", CTLTYPE_U64 | CTLFLAG_RD,
	    kern_sysctl_loop_idle_sleeps, "QU",
	    "Idle sleeps of the main loop (idle_sleep, after idle_spin)"),
	SYSCTL_PROC("kern.loop.busy_us", CTLTYPE_U64 | CTLFLAG_RD,
	    kern_sysctl_loop_busy, "QU",
	    "Time of the main-loop iterations that did work, application "
	    "loop included, us"),
};

#undef STATE

int
kern_sysctl_register(struct ff_ctx *ctx)
{
	struct sysctl_tree *t = ctx->sysctl;

	t->st_ipc.ki_maxsockbuf = KERN_MAXSOCKBUF_DEFAULT;
	t->st_ipc.ki_somaxconn = KERN_SOMAXCONN_DEFAULT;
	snprintf(t->st_ostype, sizeof(t->st_ostype), "%s", KERN_OSTYPE_STR);
	snprintf(
	    t->st_osrelease, sizeof(t->st_osrelease), "%s", KERN_OSRELEASE_STR);
	return (SYSCTL_ADD_TABLE(ctx, t, kern_sysctls) == 0 ? 0 : -1);
}
