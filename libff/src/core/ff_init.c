/*
 * ff_init.c - start and run a stack process: ff_init(), ff_run(),
 * ff_stop_run().
 *
 * ff_init() reads the command line and config.ini, checks everything it
 * can before the EAL starts, then brings up the EAL, the packet pool, the
 * ports, the protocols and the message ring, in that order.  ff_run()
 * turns ff_ctx_iterate() until told to stop (or, in a secondary, until the
 * primary is gone), sleeping idle_sleep µs after an idle iteration (once
 * idle_spin µs have passed since the last busy one), then takes everything
 * down again and leaves no hugepage file or runtime directory behind.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_mempool.h>

#include "ff_api.h"
#include "ff_config.h"
#include "core/ff_ctx.h"
#include "dpdk/ff_dpdk.h"
#include "dpdk/ff_runtime.h"
#include "ipc/ff_msg_server.h"
#include "core/ff_stack.h"
#include "core/ff_profile.h"

#define FF_PRIMARY_WAIT 30 /* seconds a secondary waits for the primary */

/* Set from signal context; ff_run() turns it into ctx->stop. */
static volatile sig_atomic_t ff_signalled;

struct ff_args {
	const char *conf;
	int proc_id;
	enum ff_proc_type proc_type;
};

/* "-c X", "-cX", "--conf X" and "--conf=X" all give X. */
static const char *
opt_value(char *const argv[], int argc, int *i, const char *s, const char *l)
{
	const char *a = argv[*i];
	size_t ll = strlen(l);

	if (strcmp(a, s) == 0 || strcmp(a, l) == 0)
		return (*i + 1 < argc ? argv[++*i] : "");
	if (strncmp(a, s, 2) == 0 && a[2] != '\0' && a[1] != '-')
		return (a + 2);
	if (strncmp(a, l, ll) == 0 && a[ll] == '=')
		return (a + ll + 1);
	return (NULL);
}

static int
parse_proc_type(const char *v, enum ff_proc_type *t)
{
	if (strcmp(v, "primary") == 0)
		*t = FF_PROC_PRIMARY;
	else if (strcmp(v, "secondary") == 0)
		*t = FF_PROC_SECONDARY;
	else if (strcmp(v, "auto") == 0)
		*t = FF_PROC_AUTO;
	else
		return (-1);
	return (0);
}

/*
 * Our options only; the application's own arguments are left alone, as
 * F-Stack does.
 */
static int
parse_args(int argc, char *const argv[], struct ff_args *a)
{
	const char *v;
	char *end;
	int i;

	a->conf = "config.ini";
	a->proc_id = 0;
	a->proc_type = FF_PROC_PRIMARY;
	for (i = 1; i < argc; i++) {
		if ((v = opt_value(argv, argc, &i, "-c", "--conf")) != NULL)
			a->conf = v;
		else if ((v = opt_value(argv, argc, &i, "-p", "--proc-id")) !=
		    NULL) {
			errno = 0;
			a->proc_id = (int)strtol(v, &end, 10);
			if (*v == '\0' || *end != '\0' || a->proc_id < 0 ||
			    a->proc_id >= FF_MAX_PROCS) {
				fprintf(
				    stderr, "ff_init: bad proc id \"%s\"\n", v);
				return (-1);
			}
		} else if ((v = opt_value(
				argv, argc, &i, "-t", "--proc-type")) != NULL &&
		    parse_proc_type(v, &a->proc_type) != 0) {
			fprintf(stderr,
			    "ff_init: bad proc type \"%s\" (primary, "
			    "secondary or auto)\n",
			    v);
			return (-1);
		}
	}
	return (0);
}

static void
ff_on_signal(int sig)
{
	ff_signalled = sig;
}

static void
ff_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ff_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A peer closing a tap or socket must not kill the stack. */
	signal(SIGPIPE, SIG_IGN);
}

static struct ff_config *
ff_load_config(const struct ff_args *a, char *err, size_t errlen)
{
	struct ff_config *cfg = malloc(sizeof(*cfg));

	if (cfg == NULL) {
		snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	if (ff_config_load(a->conf, cfg, err, errlen) != 0) {
		free(cfg);
		return (NULL);
	}
	cfg->dpdk.proc_id = a->proc_id;
	cfg->dpdk.proc_type = a->proc_type;
	if (a->proc_id >= cfg->dpdk.nb_procs) {
		snprintf(err, errlen,
		    "%s: proc id %d, but [dpdk] lcore_mask "
		    "%s has %d process(es)",
		    a->conf, a->proc_id, cfg->dpdk.lcore_mask,
		    cfg->dpdk.nb_procs);
		free(cfg);
		return (NULL);
	}
	return (cfg);
}

/* Everything after the EAL: pool, ports, protocols, message ring. */
static int
ff_bring_up(struct ff_ctx *ctx, char *err, size_t errlen)
{
	if (ff_dpdk_pool_attach(ctx, err, errlen) != 0 ||
	    ff_dpdk_ports_open(ctx, err, errlen) != 0 ||
	    ff_stack_attach(ctx, err, errlen) != 0 ||
	    ff_msg_server_create(ctx, err, errlen) != 0)
		return (-1);
	return (0);
}

/*
 * A start that failed after the EAL came up: stop it and, as a primary
 * (which owns the prefix: the EAL holds its lock), remove the runtime
 * files and hugepage files it made, as a primary's exit does, so that a
 * refused start leaves nothing under /var/run/dpdk behind.
 */
static void
ff_eal_undo(const char *prefix)
{
	int primary = rte_eal_process_type() == RTE_PROC_PRIMARY;

	rte_eal_cleanup();
	if (primary)
		ff_dpdk_remove_runtime_files(prefix);
}

int
ff_init(int argc, char *const argv[])
{
	char prefix[sizeof(((struct ff_config *)0)->dpdk.file_prefix)];
	struct ff_args a;
	struct ff_config *cfg;
	struct ff_ctx *ctx;
	char err[512] = "";
	int error = EINVAL;

	if (ff_ctx_get() != NULL) {
		fprintf(stderr, "ff_init: already initialised\n");
		errno = EALREADY;
		return (-1);
	}
	if (parse_args(argc, argv, &a) != 0)
		goto fail;
	if ((cfg = ff_load_config(&a, err, sizeof(err))) == NULL) {
		error = errno ? errno : EINVAL;
		goto fail;
	}
	if (cfg->dpdk.proc_type == FF_PROC_SECONDARY &&
	    ff_runtime_wait_ready(cfg->dpdk.file_prefix, FF_PRIMARY_WAIT) !=
		0) {
		snprintf(err, sizeof(err),
		    "no primary ready under file prefix \"%s\" after %d s",
		    cfg->dpdk.file_prefix, FF_PRIMARY_WAIT);
		free(cfg);
		error = ENXIO;
		goto fail;
	}
	if (ff_dpdk_eal_init(cfg, err, sizeof(err)) != 0) {
		free(cfg);
		error = EIO;
		goto fail;
	}
	if ((ctx = ff_ctx_create(cfg, 0)) == NULL) {
		ff_eal_undo(cfg->dpdk.file_prefix);
		free(cfg);
		error = EIO;
		goto fail;
	}
	if (ff_bring_up(ctx, err, sizeof(err)) != 0) {
		snprintf(prefix, sizeof(prefix), "%s", cfg->dpdk.file_prefix);
		ff_ctx_destroy(ctx);
		ff_eal_undo(prefix);
		error = EIO;
		goto fail;
	}
	/* Restarted: the primary may still read our queue for us. */
	if (ff_msg_server_wait_unadopted(ctx, 1000) != 0)
		fprintf(stderr,
		    "ff_init: process 0 still reads the queues of "
		    "process %d; going on\n",
		    ctx->proc_id);
	ff_ctx_set_current(ctx);
	ff_signals_install();
	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		ff_runtime_mark_ready(cfg->dpdk.file_prefix, cfg->dpdk.no_huge);
		if (cfg->dpdk.no_huge)
			fprintf(stderr,
			    "ff_init: no_huge=1: this process's memory is "
			    "private, so no tool (ff-*) and no secondary "
			    "process can attach to it\n");
	}
	return (0);
fail:
	if (err[0] != '\0')
		fprintf(stderr, "ff_init: %s\n", err);
	errno = error;
	return (-1);
}

/*
 * Sleep after an idle iteration; the time slept counts as idle.  Frames
 * held by pkt_tx_delay must not wait for idle_sleep too: then the sleep is
 * the shorter of the two.  The sleep runs from the reading that ended the
 * iteration to the one that starts the next (ff_ctx.h's next_t0).
 */
static void
ff_idle_sleep(struct ff_ctx *ctx)
{
	const struct ff_dpdk_cfg *d = &ctx->cfg->dpdk;
	uint64_t t1;
	int us = d->idle_sleep;

	if (d->pkt_tx_delay < us && ff_ctx_tx_held(ctx))
		us = d->pkt_tx_delay;
	usleep((useconds_t)us);
	/* Idle, and part of all the cycles accounted (ts_work_tsc), so that
	 * idle + sys + usr stays equal to the total. */
	t1 = ff_clock_tsc(&ctx->clock);
	ctx->top.idle_tsc += t1 - ctx->top.end_tsc;
	ctx->top.work_tsc += t1 - ctx->top.end_tsc;
	ctx->top.next_t0 = t1;
}

#define FF_SHUTDOWN_GRACE     5	   /* seconds the clean-up may take */
#define FF_SECONDARY_GRACE_MS 3000 /* for secondaries to stop first */

struct ff_watchdog {
	char wd_prefix[64];
	int wd_primary;
};

/*
 * DPDK's clean-up takes the shared memory-hotplug lock for writing.  A
 * tool killed while it was attaching can leave that lock held for good,
 * and the clean-up would then spin forever: after a grace period we say
 * so, remove the runtime files ourselves and leave.
 */
static void *
ff_shutdown_watchdog(void *arg)
{
	struct ff_watchdog *wd = arg;

	sleep(FF_SHUTDOWN_GRACE);
	fprintf(stderr,
	    "ff: EAL clean-up still blocked after %d s (a tool "
	    "killed while attaching holds a DPDK lock); exiting anyway\n",
	    FF_SHUTDOWN_GRACE);
	if (wd->wd_primary)
		ff_dpdk_remove_runtime_files(wd->wd_prefix);
	_exit(0);
	return (NULL);
}

static void
ff_watchdog_start(const char *prefix, int primary)
{
	static struct ff_watchdog wd; /* read by the thread only */
	pthread_t tid;

	snprintf(wd.wd_prefix, sizeof(wd.wd_prefix), "%s", prefix);
	wd.wd_primary = primary;
	if (pthread_create(&tid, NULL, ff_shutdown_watchdog, &wd) == 0)
		pthread_detach(tid);
}

/* Take the process down; the primary also removes DPDK's leftovers. */
static void
ff_run_shutdown(struct ff_ctx *ctx)
{
	char prefix[sizeof(ctx->cfg->dpdk.file_prefix)];
	struct rte_mempool *mp = ctx->pktmbuf_pool;
	int primary = rte_eal_process_type() == RTE_PROC_PRIMARY;

	snprintf(prefix, sizeof(prefix), "%s", ctx->cfg->dpdk.file_prefix);
	/* Secondaries use our ports and memory: they go first. */
	if (primary &&
	    ff_msg_server_stop_secondaries(ctx, FF_SECONDARY_GRACE_MS) != 0)
		fprintf(stderr,
		    "ff: secondary stack processes still run "
		    "after %d ms; stopping anyway\n",
		    FF_SECONDARY_GRACE_MS);
	ff_watchdog_start(prefix, primary);
	ff_ctx_destroy(ctx);
	if (primary)
		rte_mempool_free(mp);
	rte_eal_cleanup();
	if (primary)
		ff_dpdk_remove_runtime_files(prefix);
}

#define FF_PRIMARY_CHECK_NS \
	100000000ULL /* how often the others are looked at */

/*
 * Every FF_PRIMARY_CHECK_NS: which processes run.  The primary reads a
 * dead secondary's queues for it; a secondary lives in the primary's
 * memory and on ports the primary configured, so when the primary stops
 * or dies it stops too (returns 1).
 */
static int
ff_procs_watch(struct ff_ctx *ctx, uint64_t *next)
{
	uint64_t now = ctx->clock.clk_now_ns;

	if (ctx->nb_procs <= 1 || now < *next)
		return (0);
	*next = now + FF_PRIMARY_CHECK_NS;
	if (ff_msg_server_primary_gone(ctx)) {
		fprintf(stderr,
		    "ff: process %d: the primary (process 0) stopped or "
		    "died; stopping\n",
		    ctx->proc_id);
		return (1);
	}
	ff_msg_server_adopted(
	    ctx, ff_ctx_procs_set(ctx, ff_msg_server_procs_live(ctx)));
	return (0);
}

/*
 * [dpdk] timer_slack: how late the kernel may end this thread's sleeps
 * (idle_sleep).  Its default, 50 µs, turns idle_sleep=5 into 55 µs.
 */
static void
ff_run_timer_slack(struct ff_ctx *ctx)
{
	int us = ctx->cfg->dpdk.timer_slack;

	if (us > 0 &&
	    prctl(PR_SET_TIMERSLACK, (unsigned long)us * 1000UL, 0, 0, 0) != 0)
		fprintf(stderr,
		    "ff: timer_slack %d us: %s; the kernel's kept\n", us,
		    strerror(errno));
}

int
ff_run(loop_func_t loop, void *arg)
{
	struct ff_ctx *ctx = ff_ctx_get();
	uint64_t next_check = 0;

	if (ctx == NULL) {
		errno = ENXIO;
		return (-1);
	}
	ctx->loop = loop;
	ctx->loop_arg = arg;
	ff_run_timer_slack(ctx);
	if (ctx->cfg->dpdk.profile[0] != '\0')
		ff_profile_log(ctx, stderr);
	while (
	    !ctx->stop && !ff_signalled && !ff_procs_watch(ctx, &next_check)) {
		if (ff_ctx_idle_due(ctx, ff_ctx_iterate(ctx)))
			ff_idle_sleep(ctx);
		else /* the next iteration starts where this one ended */
			ctx->top.next_t0 = ctx->top.end_tsc;
	}
	ctx->top.next_t0 = 0;
	ff_run_shutdown(ctx);
	return (0);
}

void
ff_stop_run(void)
{
	struct ff_ctx *ctx = ff_ctx_get();

	if (ctx != NULL)
		ctx->stop = 1;
}
