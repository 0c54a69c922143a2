/*
 * ff_test.c - the stack under test, driven from pytest through ctypes:
 * EAL start in test mode, stack creation from config text, frame
 * injection, running the loop until idle, the virtual clock, popping
 * transmitted frames, mbuf accounting, and a seeded fuzzer.
 *
 * Entry points: the ff_test_* functions of ff_testport.h (exported from
 * libff_test.so by libff_test.map, never from libff.so).
 *
 * Every call sets the current context to the test's stack for its
 * duration, as ff_init() does for a real process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ff_config.h"
#include "core/ff_ctx.h"
#include "dpdk/ff_dpdk.h"
#include "dpdk/ff_dpdk_mbuf.h"
#include "dpdk/ff_runtime.h"
#include "kern/mbuf.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "core/ff_stack.h"
#include "kern/kern_sysctl.h"
#include "testport/ff_testport.h"

#define TEST_MAX_ITER 100000 /* bound on "run until idle" */

/*
 * The EAL and DPDK's object names are process-wide, so these two are
 * too: whether the EAL is up, and a counter that names each pool.
 */
static int test_eal_up;
static unsigned int test_pool_seq;

int
ff_test_eal_init(int log_level)
{
	char prefix[64], level[32];
	char *argv[16];
	int argc = 0;

	if (test_eal_up)
		return (0);
	snprintf(
	    prefix, sizeof(prefix), "--file-prefix=fftest%d", (int)getpid());
	snprintf(level, sizeof(level), "--log-level=%d",
	    log_level > 0 ? log_level : 4);
	argv[argc++] = "fftest";
	argv[argc++] = "--no-huge";
	argv[argc++] = "--no-shconf";
	argv[argc++] = "-m";
	argv[argc++] = "256";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = prefix;
	argv[argc++] = level;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0)
		return (-rte_errno);
	/* --no-shconf still makes an (empty) runtime directory: not ours to keep. */
	ff_dpdk_remove_runtime_files(prefix + strlen("--file-prefix="));
	test_eal_up = 1;
	return (0);
}

int
ff_test_log_capture(const char *path)
{
	static FILE *f; /* process-wide, as DPDK's log stream is */

	if (f != NULL) {
		(void)rte_openlog_stream(NULL);
		fclose(f);
		f = NULL;
	}
	if (path == NULL) {
		rte_log_set_global_level(4);
		return (0);
	}
	if ((f = fopen(path, "a")) == NULL)
		return (-errno);
	setvbuf(f, NULL, _IOLBF, 0);
	(void)rte_openlog_stream(f);
	rte_log_set_global_level(RTE_LOG_DEBUG);
	return (0);
}

static struct ff_ctx *
tctx(struct ff_test *t)
{
	ff_ctx_set_current(t->t_ctx);
	return (t->t_ctx);
}

static struct ff_port *
test_port(struct ff_test *t, int port)
{
	struct ff_ctx *ctx = t->t_ctx;
	int i;

	for (i = 0; i < ctx->nb_ports; i++)
		if (ctx->ports[i] != NULL && ctx->ports[i]->p_port_id == port)
			return (ctx->ports[i]);
	return (NULL);
}

/* Pool and test ports for a context; 0 or -1 with err. */
static int
test_ports(struct ff_test *t, char *err, size_t errlen)
{
	struct ff_ctx *ctx = t->t_ctx;
	const struct ff_config *cfg = ctx->cfg;
	const struct ff_port_cfg *pc;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct ff_port *p;
	int i;

	snprintf(name, sizeof(name), "fftest%u", test_pool_seq++);
	t->t_pool_size = (unsigned int)cfg->dpdk.nb_mbufs;
	t->t_pool = rte_pktmbuf_pool_create(name, t->t_pool_size, 0, M_PRIVSIZE,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (t->t_pool == NULL) {
		snprintf(err, errlen, "mbuf pool: %s", rte_strerror(rte_errno));
		return (-1);
	}
	ctx->pktmbuf_pool = t->t_pool;
	/* The ports of port_list, as ff_dpdk_ports_open() opens them. */
	for (i = 0; i < cfg->dpdk.nb_ports; i++) {
		pc = &cfg->ports[cfg->dpdk.port_list[i]];
		p = ff_testport_open(
		    pc->pc_port_id, pc->pc_rx_desc, pc->pc_tx_desc);
		if (p == NULL) {
			snprintf(err, errlen, "test port %d: no memory",
			    cfg->dpdk.port_list[i]);
			return (-1);
		}
		/* [portN] mtu: the test port takes any, as net_memif does. */
		if (pc->pc_mtu != 0)
			p->p_mtu = (uint16_t)pc->pc_mtu;
		/* [portN] csum_trust: the test is an ff peer that trusts. */
		if (pc->pc_csum_trust)
			ff_dpdk_csum_trust(&p->p_capabilities, &p->p_capenable,
			    &p->p_hwassist, &p->p_rx_trust);
		ctx->ports[ctx->nb_ports++] = p;
	}
	return (0);
}

struct ff_test *
ff_test_create(const char *config_text, char *err, size_t errlen)
{
	return (ff_test_create_proc(config_text, 0, err, errlen));
}

struct ff_test *
ff_test_create_proc(
    const char *config_text, int proc_id, char *err, size_t errlen)
{
	struct ff_config *cfg;
	struct ff_test *t;

	if (!test_eal_up && ff_test_eal_init(0) != 0) {
		snprintf(err, errlen, "EAL: %s", rte_strerror(rte_errno));
		return (NULL);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (cfg = calloc(1, sizeof(*cfg))) == NULL) {
		free(t);
		snprintf(err, errlen, "no memory");
		return (NULL);
	}
	if (ff_config_load_string(config_text, "test.ini", cfg, err, errlen) !=
	    0)
		goto fail;
	if (proc_id < 0 || proc_id >= cfg->dpdk.nb_procs) {
		snprintf(err, errlen, "proc id %d: lcore_mask has %d", proc_id,
		    cfg->dpdk.nb_procs);
		goto fail;
	}
	cfg->dpdk.proc_id = proc_id;
	if ((t->t_ctx = ff_ctx_create(cfg, 1)) == NULL)
		goto fail;
	if (test_ports(t, err, errlen) != 0 ||
	    ff_stack_attach(tctx(t), err, errlen) != 0) {
		ff_test_destroy(t);
		return (NULL);
	}
	return (t);
fail:
	free(cfg);
	free(t);
	return (NULL);
}

int
ff_test_destroy(struct ff_test *t)
{
	struct rte_mempool *mp;
	int in_use = 0;

	if (t == NULL)
		return (0);
	mp = t->t_pool;
	(void)ff_test_mbuf_release(t);
	ff_ctx_destroy(tctx(t));
	ff_ctx_set_current(NULL);
	if (mp != NULL) {
		in_use = (int)rte_mempool_in_use_count(mp);
		rte_mempool_free(mp);
	}
	free(t);
	return (in_use);
}

int
ff_test_inject(struct ff_test *t, int port, const void *frame, uint32_t len,
    uint64_t ol_flags)
{
	struct ff_port *p = test_port(t, port);
	struct rte_mbuf *m;
	void *d;

	if (p == NULL)
		return (-ENODEV);
	if ((m = rte_pktmbuf_alloc(t->t_pool)) == NULL)
		return (-ENOBUFS);
	if ((d = rte_pktmbuf_append(m, len)) == NULL) {
		rte_pktmbuf_free(m);
		return (-EMSGSIZE);
	}
	memcpy(d, frame, len);
	m->ol_flags = ol_flags;
	m->port = (uint16_t)port;
	return (ff_testport_rx_put(p, m));
}

/*
 * frame as a chain of mbufs cut at the ncuts increasing offsets cuts[]
 * (a driver that scatters a frame over several buffers): each piece in
 * a segment of its own, at the usual headroom, or with at_end at the very
 * end of its buffer (a driver that fills its buffers from the top), so
 * that a pull-up has no room after the data and must slide it.
 */
static int
test_inject_cut(struct ff_test *t, int port, const void *frame, uint32_t len,
    const uint32_t *cuts, int ncuts, int at_end)
{
	struct ff_port *p = test_port(t, port);
	struct rte_mbuf *m = NULL, *n;
	uint32_t from = 0, to;
	int i;

	if (p == NULL)
		return (-ENODEV);
	for (i = 0; i <= ncuts; i++, from = to) {
		to = i < ncuts ? cuts[i] : len;
		if (to < from || to > len || to - from > UINT16_MAX)
			goto inval;
		if ((n = rte_pktmbuf_alloc(t->t_pool)) == NULL)
			goto nobufs;
		if (rte_pktmbuf_append(n, (uint16_t)(to - from)) == NULL) {
			rte_pktmbuf_free(n);
			goto inval;
		}
		/* At the end, but 2-byte aligned as any driver's buffers. */
		if (at_end)
			n->data_off =
			    (uint16_t)((n->buf_len - (to - from)) & ~1u);
		memcpy(rte_pktmbuf_mtod(n, void *), (const char *)frame + from,
		    to - from);
		if (m == NULL)
			m = n;
		else if (rte_pktmbuf_chain(m, n) != 0) {
			rte_pktmbuf_free(n);
			goto inval;
		}
	}
	m->port = (uint16_t)port;
	return (ff_testport_rx_put(p, m));
inval:
	rte_pktmbuf_free(m);
	return (-EINVAL);
nobufs:
	rte_pktmbuf_free(m);
	return (-ENOBUFS);
}

int
ff_test_inject_split(struct ff_test *t, int port, const void *frame,
    uint32_t len, const uint32_t *cuts, int ncuts)
{
	return (test_inject_cut(t, port, frame, len, cuts, ncuts, 0));
}

int
ff_test_inject_split_at_end(struct ff_test *t, int port, const void *frame,
    uint32_t len, const uint32_t *cuts, int ncuts)
{
	return (test_inject_cut(t, port, frame, len, cuts, ncuts, 1));
}

int
ff_test_run(struct ff_test *t)
{
	struct ff_ctx *ctx = tctx(t);
	int i, w, total = 0;

	for (i = 0; i < TEST_MAX_ITER; i++) {
		if ((w = ff_ctx_iterate(ctx)) == 0)
			break;
		total += w;
	}
	return (total);
}

int
ff_test_iterate(struct ff_test *t)
{
	return (ff_ctx_iterate(tctx(t)));
}

int
ff_test_advance(struct ff_test *t, uint64_t ns, uint64_t step_ns)
{
	uint64_t d;
	int total = 0;

	if (step_ns == 0)
		step_ns = ns;
	total += ff_test_run(t);
	while (ns > 0) {
		d = ns < step_ns ? ns : step_ns;
		ff_clock_advance(&t->t_ctx->clock, d);
		ns -= d;
		total += ff_test_run(t);
	}
	return (total);
}

uint64_t
ff_test_now(struct ff_test *t)
{
	return (ff_clock_now(&t->t_ctx->clock));
}

int
ff_test_pop(struct ff_test *t, int port, void *buf, uint32_t cap)
{
	struct ff_port *p = test_port(t, port);
	struct rte_mbuf *m;
	const void *d;
	uint32_t len;

	if (p == NULL)
		return (-ENODEV);
	if ((m = ff_testport_tx_get(p)) == NULL)
		return (0);
	len = rte_pktmbuf_pkt_len(m);
	t->t_popped = 1;
	t->t_pop_ol_flags = m->ol_flags;
	t->t_pop_tso_segsz = m->tso_segsz;
	t->t_pop_l4_len = m->l4_len;
	t->t_pop_nb_segs = m->nb_segs;
	if (len > cap) {
		rte_pktmbuf_free(m);
		return (-EMSGSIZE);
	}
	d = rte_pktmbuf_read(m, 0, len, buf);
	if (d != NULL && d != buf)
		memcpy(buf, d, len);
	rte_pktmbuf_free(m);
	return ((int)len);
}

int
ff_test_tx_pending(struct ff_test *t, int port)
{
	struct ff_port *p = test_port(t, port);

	return (p == NULL ? -ENODEV : (int)ff_testport_tx_count(p));
}

int
ff_test_pop_offloads(struct ff_test *t, uint64_t *out)
{
	if (!t->t_popped)
		return (-ENOENT);
	out[0] = t->t_pop_ol_flags;
	out[1] = t->t_pop_tso_segsz;
	out[2] = t->t_pop_l4_len;
	out[3] = t->t_pop_nb_segs;
	return (0);
}

int
ff_test_mbufs_in_use(struct ff_test *t)
{
	return ((int)rte_mempool_in_use_count(t->t_pool));
}

int
ff_test_port_mac(struct ff_test *t, int port, uint8_t *mac)
{
	struct ff_port *p = test_port(t, port);

	if (p == NULL)
		return (-ENODEV);
	memcpy(mac, &p->p_mac, 6);
	return (0);
}

int
ff_test_port_offloads(struct ff_test *t, int port, uint64_t rx, uint64_t tx)
{
	struct ff_port *p = test_port(t, port);

	if (p == NULL)
		return (-ENODEV);
	ff_testport_set_offloads(p, rx, tx, &tctx(t)->cfg->dpdk);
	return (0);
}

int
ff_test_port_txsegmax(struct ff_test *t, int port, int n)
{
	struct ff_port *p = test_port(t, port);

	if (p == NULL)
		return (-ENODEV);
	if (n < 1 || n > RTE_MBUF_MAX_NB_SEGS)
		return (-EINVAL);
	p->p_txsegmax = (uint16_t)n;
	if (p->p_ifp != NULL)
		p->p_ifp->if_txsegmax = p->p_txsegmax;
	return (0);
}

int
ff_test_sysctl_set(struct ff_test *t, const char *name, const char *value)
{
	return (-sysctl_set_string(tctx(t), name, value));
}
