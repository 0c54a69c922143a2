/*
 * ff_dpdk.c - EAL start-up from config.ini, the packet pool, and the
 * clean-up DPDK does not do itself.
 *
 * EAL arguments: the lcore of this process (the proc_id-th bit of
 * lcore_mask), proc type, file prefix, --no-pci unless [dpdk] allow names
 * PCI devices, one --vdev per [vdevN] (primary only), memory and log
 * level, --single-file-segments for memif zero copy (primary only).  DPDK logs to stderr, or to [dpdk] log_file: never to stdout,
 * which belongs to the application.  With [dpdk] numa_on the pool is
 * taken from the NUMA socket of the first port (ff_dpdk_numa_socket()).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "ff_config.h"
#include "core/ff_ctx.h"
#include "dpdk/ff_dpdk.h"
#include "dpdk/ff_runtime.h"
#include "kern/mbuf.h"
#include "net/ff_port.h"

#define FF_POOL_NAME  "ff_pktmbuf_pool"
#define FF_POOL_CACHE 256

/* Argument builder: strings live in one caller-provided buffer. */
struct eal_argv {
	char **av;
	int ac, max;
	char *buf;
	size_t used, len;
	int overflow;
};

static void
eal_add(struct eal_argv *a, const char *fmt, const char *val)
{
	int n;

	if (a->ac >= a->max - 1 || a->used >= a->len) {
		a->overflow = 1;
		return;
	}
	n = snprintf(a->buf + a->used, a->len - a->used, fmt, val);
	if (n < 0 || (size_t)n >= a->len - a->used) {
		a->overflow = 1;
		return;
	}
	a->av[a->ac++] = a->buf + a->used;
	a->av[a->ac] = NULL;
	a->used += n + 1;
}

/* The CPU of this process: the proc_id-th bit set in lcore_mask. */
static int
proc_lcore(const struct ff_config *cfg)
{
	int bit, seen = 0;

	for (bit = 0; bit < 64; bit++)
		if (cfg->dpdk.lcore_mask_bits & (1ULL << bit))
			if (seen++ == cfg->dpdk.proc_id)
				return (bit);
	return (-1);
}

static const char *
proc_type_arg(enum ff_proc_type t)
{
	if (t == FF_PROC_SECONDARY)
		return ("--proc-type=secondary");
	if (t == FF_PROC_AUTO)
		return ("--proc-type=auto");
	return ("--proc-type=primary");
}

/*
 * memif zero copy hands the peer each memory list of ours as one file
 * descriptor and offsets into it: one hugepage file per list, not one per
 * page (DPDK refuses the devarg otherwise).
 */
static int
cfg_zero_copy(const struct ff_config *cfg)
{
	int i;

	for (i = 0; i < FF_MAX_VDEVS; i++)
		if (cfg->vdevs[i].vc_present && cfg->vdevs[i].vc_zero_copy)
			return (1);
	return (0);
}

/* PCI allow list ("0000:01:00.0,0000:01:00.1") or --no-pci. */
static void
eal_add_pci(struct eal_argv *a, const struct ff_config *cfg)
{
	char list[sizeof(cfg->dpdk.allow)], *tok, *save = NULL;

	if (cfg->dpdk.allow[0] == '\0') {
		eal_add(a, "%s", "--no-pci");
		return;
	}
	snprintf(list, sizeof(list), "%s", cfg->dpdk.allow);
	for (tok = strtok_r(list, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		eal_add(a, "--allow=%s", tok);
}

int
ff_dpdk_eal_args(const struct ff_config *cfg, char **argv, int max, char *buf,
    size_t buflen, char *err, size_t errlen)
{
	struct eal_argv a = { argv, 0, max, buf, 0, buflen, 0 };
	char num[32];
	int i, lcore = proc_lcore(cfg);

	if (lcore < 0) {
		snprintf(err, errlen,
		    "proc id %d: lcore_mask %s has no bit "
		    "for it",
		    cfg->dpdk.proc_id, cfg->dpdk.lcore_mask);
		return (-1);
	}
	eal_add(&a, "%s", "ff");
	snprintf(num, sizeof(num), "%d", lcore);
	eal_add(&a, "-l%s", num);
	eal_add(&a, "%s", proc_type_arg(cfg->dpdk.proc_type));
	eal_add(&a, "--file-prefix=%s", cfg->dpdk.file_prefix);
	eal_add_pci(&a, cfg);
	snprintf(num, sizeof(num), "%d", cfg->dpdk.log_level);
	eal_add(&a, "--log-level=%s", num);
	if (cfg->dpdk.channel > 0) {
		snprintf(num, sizeof(num), "%d", cfg->dpdk.channel);
		eal_add(&a, "-n%s", num);
	}
	if (cfg->dpdk.memory > 0) {
		snprintf(num, sizeof(num), "%d", cfg->dpdk.memory);
		eal_add(&a, "-m%s", num);
	}
	if (cfg->dpdk.no_huge)
		eal_add(&a, "%s", "--no-huge");
	if (cfg->dpdk.base_virtaddr[0] != '\0')
		eal_add(&a, "--base-virtaddr=%s", cfg->dpdk.base_virtaddr);
	/* Devices are created by the primary; secondaries find them
	 * (and take the memory layout from the primary). */
	if (cfg->dpdk.proc_type != FF_PROC_SECONDARY && cfg_zero_copy(cfg))
		eal_add(&a, "%s", "--single-file-segments");
	if (cfg->dpdk.proc_type != FF_PROC_SECONDARY)
		for (i = 0; i < FF_MAX_VDEVS; i++)
			if (cfg->vdevs[i].vc_present)
				eal_add(
				    &a, "--vdev=%s", cfg->vdevs[i].vc_devargs);
	if (a.overflow) {
		snprintf(err, errlen, "too many or too long EAL arguments");
		return (-1);
	}
	return (a.ac);
}

/*
 * net_tap (22.11) picks a free real-time signal, marks its queue fds
 * O_ASYNC with it, and skips the readv of an rx burst until the signal
 * has fired, so that an empty burst costs no syscall.  The price is one
 * signal delivery per received packet -- frame set-up, FPU state save and
 * restore, sigreturn -- about a fifth of the core under load, more than
 * the readv itself.  We poll anyway.  When no real-time signal is free the
 * PMD turns the trigger off for good and reads on every burst, so the
 * primary holds every unused one (SIG_IGN) while the tap fds are made and
 * gives them back once the ports are set up.
 */
static sigset_t tap_held;

static int
cfg_has_tap(const struct ff_config *cfg)
{
	int i;

	for (i = 0; i < FF_MAX_VDEVS; i++)
		if (cfg->vdevs[i].vc_present &&
		    strcmp(cfg->vdevs[i].vc_driver, "net_tap") == 0)
			return (1);
	return (0);
}

static void
tap_hold_rtsigs(const struct ff_config *cfg)
{
	struct sigaction sa, old;
	int sig;

	sigemptyset(&tap_held);
	if (cfg->dpdk.proc_type == FF_PROC_SECONDARY || !cfg_has_tap(cfg))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		if (sigaction(sig, NULL, &old) == 0 &&
		    old.sa_handler == SIG_DFL && sigaction(sig, &sa, NULL) == 0)
			sigaddset(&tap_held, sig);
}

static void
tap_release_rtsigs(void)
{
	struct sigaction sa;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		if (sigismember(&tap_held, sig) == 1)
			sigaction(sig, &sa, NULL);
	sigemptyset(&tap_held);
}

/* DPDK's log goes to stderr or the configured file, never to stdout. */
static int
eal_log_open(const struct ff_config *cfg, char *err, size_t errlen)
{
	FILE *f = stderr;

	if (cfg->dpdk.log_file[0] != '\0') {
		f = fopen(cfg->dpdk.log_file, "a");
		if (f == NULL) {
			snprintf(err, errlen, "[dpdk] log_file: %s: %s",
			    cfg->dpdk.log_file, strerror(errno));
			return (-1);
		}
		setvbuf(f, NULL, _IOLBF, 0);
	}
	rte_openlog_stream(f);
	return (0);
}

/*
 * A primary that cannot start: is it because processes attached to a
 * previous primary of the same prefix (which died without cleaning up)
 * still hold its runtime files?  DPDK only says "Cannot init memzone".
 */
static int
eal_held_by_others(const struct ff_config *cfg, char *err, size_t errlen)
{
	char pids[256];
	int n;

	n = ff_runtime_holders(cfg->dpdk.file_prefix, pids, sizeof(pids));
	if (n == 0)
		return (0);
	snprintf(err, errlen,
	    "EAL start failed with file prefix \"%s\": %d process%s "
	    "attached to an earlier stack under this prefix still hold%s "
	    "its runtime files (pid %s): stop %s, then start the stack again",
	    cfg->dpdk.file_prefix, n, n == 1 ? "" : "es", n == 1 ? "s" : "",
	    pids, n == 1 ? "it" : "them");
	return (1);
}

int
ff_dpdk_eal_init(const struct ff_config *cfg, char *err, size_t errlen)
{
	char *argv[FF_EAL_MAXARGS], buf[8192];
	int argc, lock, rc;

	argc = ff_dpdk_eal_args(
	    cfg, argv, FF_EAL_MAXARGS, buf, sizeof(buf), err, errlen);
	if (argc < 0 || eal_log_open(cfg, err, errlen) != 0)
		return (-1);
	tap_hold_rtsigs(cfg);
	/* A secondary starts its EAL apart from tools and other secondaries
	 * (ff_runtime.h says why); a primary runs before any of them. */
	lock = cfg->dpdk.proc_type == FF_PROC_SECONDARY
	    ? ff_runtime_start_lock(cfg->dpdk.file_prefix, 10000)
	    : -1;
	rc = rte_eal_init(argc, argv);
	ff_runtime_start_unlock(lock);
	if (rc < 0) {
		tap_release_rtsigs();
		if (cfg->dpdk.proc_type != FF_PROC_SECONDARY &&
		    eal_held_by_others(cfg, err, errlen))
			return (-1);
		snprintf(err, errlen,
		    "EAL start failed with file prefix "
		    "\"%s\": %s",
		    cfg->dpdk.file_prefix, rte_strerror(rte_errno));
		return (-1);
	}
	return (0);
}

int
ff_dpdk_numa_socket(const struct ff_config *cfg, int dev_socket)
{
	if (!cfg->dpdk.numa_on || dev_socket < 0)
		return (SOCKET_ID_ANY);
	return (dev_socket);
}

/* The pool serves every port: it goes where the first one is. */
static int
pool_socket(const struct ff_config *cfg)
{
	if (cfg->dpdk.nb_ports == 0)
		return (SOCKET_ID_ANY);
	return (ff_dpdk_numa_socket(
	    cfg, rte_eth_dev_socket_id(cfg->dpdk.port_list[0])));
}

/*
 * The pool's buffer size: DPDK's default (2 KB of data, FreeBSD's
 * MCLBYTES), or, where a net_memif port has a jumbo MTU, room for a
 * whole frame of it (vc_frame, as its bsize=: core/ff_config_vdev.c),
 * as a FreeBSD driver takes 9 KB clusters (MJUM9BYTES) for a jumbo MTU.
 * memif then hands a frame up in one mbuf, not a chain of five, a send
 * buffer holds 9 KB a segment, and memif's zero copy, whose server
 * writes each frame into one of our mbufs, carries the MTU.  Not with net_af_xdp in the same
 * stack: it takes a frame in one mbuf of at most a page (its umem's
 * frames), so there the pool keeps 2 KB and memif its chains.
 */
static uint32_t
pool_bufsize(const struct ff_config *cfg)
{
	uint32_t room = RTE_MBUF_DEFAULT_DATAROOM;
	int i;

	for (i = 0; i < FF_MAX_VDEVS; i++) {
		if (!cfg->vdevs[i].vc_present)
			continue;
		if (strcmp(cfg->vdevs[i].vc_driver, "net_af_xdp") == 0)
			return (RTE_MBUF_DEFAULT_BUF_SIZE);
		if ((uint32_t)cfg->vdevs[i].vc_frame > room)
			room = (uint32_t)cfg->vdevs[i].vc_frame;
	}
	room += RTE_PKTMBUF_HEADROOM;
	return (room > UINT16_MAX ? UINT16_MAX : room);
}

int
ff_dpdk_pool_attach(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct rte_mempool *mp;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		mp = rte_pktmbuf_pool_create(FF_POOL_NAME,
		    ctx->cfg->dpdk.nb_mbufs, FF_POOL_CACHE, M_PRIVSIZE,
		    (uint16_t)pool_bufsize(ctx->cfg), pool_socket(ctx->cfg));
	else
		mp = rte_mempool_lookup(FF_POOL_NAME);
	/* Every mbuf carries the stack's struct pkthdr (kern/mbuf.h). */
	if (mp != NULL && rte_pktmbuf_priv_size(mp) < M_PRIVSIZE) {
		snprintf(err, errlen,
		    "packet pool %s: private area of %u "
		    "bytes, the stack needs %u",
		    FF_POOL_NAME, (unsigned int)rte_pktmbuf_priv_size(mp),
		    (unsigned int)M_PRIVSIZE);
		return (-1);
	}
	if (mp == NULL) {
		tap_release_rtsigs(); /* the ports will not be opened */
		snprintf(err, errlen, "packet pool (%d mbufs of %u bytes): %s",
		    ctx->cfg->dpdk.nb_mbufs, pool_bufsize(ctx->cfg),
		    rte_strerror(rte_errno));
		return (-1);
	}
	ctx->pktmbuf_pool = mp;
	return (0);
}

int
ff_dpdk_ports_open(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct ff_config *cfg = ctx->cfg;
	struct ff_port *p;
	uint16_t id;
	int i;

	for (i = 0; i < cfg->dpdk.nb_ports; i++) {
		id = cfg->dpdk.port_list[i];
		p = ff_dpdk_port_open(ctx, id, &cfg->ports[id], err, errlen);
		if (p == NULL)
			break;
		ctx->ports[ctx->nb_ports++] = p;
	}
	tap_release_rtsigs();
	return (i < cfg->dpdk.nb_ports ? -1 : 0);
}
