/*
 * tcp_hostcache.c - the TCP host cache (FreeBSD's netinet/tcp_hostcache.c,
 * by behaviour and names).
 *
 * A connection learns things about the path to its peer that outlive it:
 * the path MTU (ICMP fragmentation needed, RFC 1191), the smoothed RTT
 * and its variance, and, after a loss, a slow start threshold.  They are
 * kept here by foreign address, so that the next connection to the same
 * host starts from them instead of from the defaults: its SYN offers an
 * MSS that fits the path (it does not lose its first full-sized segments
 * to a black hole again), its first RTO follows the known RTT, and slow
 * start stops where the path choked before.
 *
 * Who calls what:
 *   tcp_ctlinput's PMTU path      tcp_hc_updatemtu()
 *   tcp_mss_for() (every MSS)     tcp_hc_getmtu()
 *   cc_conn_init() (established)  tcp_hc_get(): RTT, variance, ssthresh
 *   tcp_discardcb() (closed)      tcp_hc_update(), once the connection
 *                                 took 4 RTT samples (FreeBSD's rule)
 * Updates of RTT, variance and ssthresh are averaged with what the entry
 * holds; the MTU replaces it.
 *
 * Memory is bounded: net.inet.tcp.hostcache.hashsize buckets of at most
 * bucketlimit entries, cachelimit entries in all, allocated as one pool
 * on first use (nothing is allocated per packet or per connection).  A
 * full bucket gives up its least recently updated entry
 * (tcps_hc_bucketoverflow); a full cache with an empty bucket adds
 * nothing (tcpx_hc_nospace).  An entry nobody used or updated for
 * `expire' seconds is gone: a lookup no longer finds it, and the purge
 * callout, every `prune' seconds while the cache is not empty, gives its
 * memory back.
 *
 * Entry points: tcp_hc_init(), tcp_hc_sysctl_attach(), tcp_hc_destroy(),
 * tcp_hc_get(), tcp_hc_getmtu(), tcp_hc_updatemtu(), tcp_hc_update().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "netinet/tcp_var.h"
#include "kern/libkern.h"

#define TCP_HOSTCACHE_HASHSIZE	  512 /* FreeBSD's defaults */
#define TCP_HOSTCACHE_BUCKETLIMIT 30
#define TCP_HOSTCACHE_EXPIRE	  3600 /* s: one hour */
#define TCP_HOSTCACHE_PRUNE	  300  /* s: five minutes */
#define TCP_HOSTCACHE_MAXHASH	  65536
#define TCP_HOSTCACHE_MAXLIMIT	  (1U << 20)
#define TCP_HOSTCACHE_MAXTIME	  (1 << 30) /* s: expire, prune */

static uint64_t
tcp_hc_now(struct ff_ctx *ctx)
{
	return (ff_clock_uptime(&ctx->clock));
}

/* -- the table ---------------------------------------------------------- */

static void
tcp_hc_free_table(struct tcp_hostcache *hc)
{
	free(hc->hashbase);
	free(hc->zone);
	hc->hashbase = NULL;
	hc->zone = NULL;
	TAILQ_INIT(&hc->freelist);
	hc->cache_count = 0;
}

/* Buckets and entries, once, at the sizes the sysctls say: 0 or -1. */
static int
tcp_hc_alloc(struct tcp_hostcache *hc)
{
	unsigned int i;

	if (hc->hashbase != NULL)
		return (0);
	hc->hashbase = calloc(hc->hashsize, sizeof(*hc->hashbase));
	hc->zone = calloc(hc->cache_limit, sizeof(*hc->zone));
	if (hc->hashbase == NULL || hc->zone == NULL) {
		tcp_hc_free_table(hc);
		return (-1);
	}
	for (i = 0; i < hc->hashsize; i++)
		TAILQ_INIT(&hc->hashbase[i].hch_bucket);
	TAILQ_INIT(&hc->freelist);
	for (i = 0; i < hc->cache_limit; i++)
		TAILQ_INSERT_TAIL(&hc->freelist, &hc->zone[i], rmx_q);
	return (0);
}

static struct hc_head *
tcp_hc_bucket(struct ff_ctx *ctx, struct in_addr faddr)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);

	return (&hc->hashbase[tcp_siphash(hc->hashkey, &faddr.s_addr,
				  sizeof(faddr.s_addr)) &
	    (hc->hashsize - 1)]);
}

static void
tcp_hc_free(struct ff_ctx *ctx, struct hc_head *hch, struct hc_metrics *e)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);

	TAILQ_REMOVE(&hch->hch_bucket, e, rmx_q);
	hch->hch_length--;
	hc->cache_count--;
	TAILQ_INSERT_HEAD(&hc->freelist, e, rmx_q);
}

/* The live entry of faddr in bucket hch; an expired one is dropped. */
static struct hc_metrics *
tcp_hc_find(struct ff_ctx *ctx, struct hc_head *hch, struct in_addr faddr)
{
	struct hc_metrics *e;

	TAILQ_FOREACH(e, &hch->hch_bucket, rmx_q)
	if (e->ip4.s_addr == faddr.s_addr)
		break;
	if (e != NULL && tcp_hc_now(ctx) >= e->rmx_expire) {
		tcp_hc_free(ctx, hch, e); /* the purge is not due yet */
		e = NULL;
	}
	return (e);
}

/* -- expiry ------------------------------------------------------------- */

/* Drop the expired entries, or every entry. */
static void
tcp_hc_purge_internal(struct ff_ctx *ctx, int all)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	struct hc_metrics *e, *next;
	uint64_t now = tcp_hc_now(ctx);
	unsigned int i;

	if (hc->hashbase == NULL)
		return;
	for (i = 0; i < hc->hashsize && hc->cache_count > 0; i++)
		for (e = TAILQ_FIRST(&hc->hashbase[i].hch_bucket); e != NULL;
		     e = next) {
			next = TAILQ_NEXT(e, rmx_q);
			if (all || now >= e->rmx_expire)
				tcp_hc_free(ctx, &hc->hashbase[i], e);
		}
}

static void tcp_hc_purge(struct ff_ctx *ctx, void *arg);

static void
tcp_hc_purge_arm(struct ff_ctx *ctx)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);

	callout_reset(ctx, &hc->purge_callout,
	    ff_ms_to_ticks(ctx, (uint64_t)hc->prune * 1000), tcp_hc_purge,
	    NULL);
}

/*
 * The periodic run (FreeBSD's tcp_hc_purge()).  It only runs while the
 * cache holds something: an idle stack keeps no timer for it.
 */
static void
tcp_hc_purge(struct ff_ctx *ctx, void *arg)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	int all = hc->purgeall;

	hc->purgeall = 0;
	tcp_hc_purge_internal(ctx, all);
	if (hc->cache_count > 0)
		tcp_hc_purge_arm(ctx);
}

/* -- lookups and updates -------------------------------------------------- */

/*
 * A new entry for faddr at the head of hch; NULL when there is no room.
 * A full bucket, or a full cache, recycles the bucket's least recently
 * updated entry, as FreeBSD does; nothing to recycle, nothing added.
 */
static struct hc_metrics *
tcp_hc_insert(struct ff_ctx *ctx, struct hc_head *hch, struct in_addr faddr)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	struct hc_metrics *e;

	if (hch->hch_length >= hc->bucket_limit ||
	    hc->cache_count >= hc->cache_limit) {
		if ((e = TAILQ_LAST(&hch->hch_bucket, hc_qhead)) == NULL) {
			TCPXSTAT_INC(ctx, tcpx_hc_nospace);
			return (NULL);
		}
		tcp_hc_free(ctx, hch, e);
		TCPSTAT_INC(ctx, tcps_hc_bucketoverflow);
	}
	if ((e = TAILQ_FIRST(&hc->freelist)) == NULL) {
		TCPXSTAT_INC(ctx, tcpx_hc_nospace); /* cannot happen */
		return (NULL);
	}
	TAILQ_REMOVE(&hc->freelist, e, rmx_q);
	memset(e, 0, sizeof(*e));
	e->ip4 = faddr;
	TAILQ_INSERT_HEAD(&hch->hch_bucket, e, rmx_q);
	hch->hch_length++;
	if (hc->cache_count++ == 0 && !callout_pending(&hc->purge_callout))
		tcp_hc_purge_arm(ctx);
	TCPSTAT_INC(ctx, tcps_hc_added);
	return (e);
}

/* The entry a new connection reads: counted as a hit, and kept alive. */
static struct hc_metrics *
tcp_hc_lookup(struct ff_ctx *ctx, struct in_addr faddr)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	struct hc_metrics *e;

	if (!hc->enable || hc->hashbase == NULL || hc->cache_count == 0)
		return (NULL);
	if ((e = tcp_hc_find(ctx, tcp_hc_bucket(ctx, faddr), faddr)) == NULL)
		return (NULL);
	e->rmx_hits++;
	e->rmx_expire = tcp_hc_now(ctx) + (uint64_t)hc->expire;
	return (e);
}

void
tcp_hc_get(
    struct ff_ctx *ctx, struct in_addr faddr, struct hc_metrics_lite *hcml)
{
	struct hc_metrics *e = tcp_hc_lookup(ctx, faddr);

	if (e == NULL)
		memset(hcml, 0, sizeof(*hcml));
	else
		*hcml = e->rmx;
}

uint32_t
tcp_hc_getmtu(struct ff_ctx *ctx, struct in_addr faddr)
{
	struct hc_metrics *e = tcp_hc_lookup(ctx, faddr);

	return (e != NULL ? e->rmx.rmx_mtu : 0);
}

/* A new value averaged with the cached one (FreeBSD's smoothing). */
static uint32_t
tcp_hc_smooth(uint32_t cached, uint32_t v)
{
	return (cached == 0 ? v : (uint32_t)(((uint64_t)cached + v) / 2));
}

void
tcp_hc_update(struct ff_ctx *ctx, struct in_addr faddr,
    const struct hc_metrics_lite *hcml)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	struct hc_metrics_lite *m;
	struct hc_metrics *e;
	struct hc_head *hch;

	if (!hc->enable)
		return;
	if (tcp_hc_alloc(hc) != 0) {
		TCPXSTAT_INC(ctx, tcpx_hc_nospace);
		return;
	}
	hch = tcp_hc_bucket(ctx, faddr);
	if ((e = tcp_hc_find(ctx, hch, faddr)) == NULL &&
	    (e = tcp_hc_insert(ctx, hch, faddr)) == NULL)
		return;
	e->rmx_updates++;
	e->rmx_expire = tcp_hc_now(ctx) + (uint64_t)hc->expire;
	m = &e->rmx;
	if (hcml->rmx_mtu != 0)
		m->rmx_mtu = hcml->rmx_mtu; /* the path's latest word */
	if (hcml->rmx_rtt != 0) {
		m->rmx_rtt = tcp_hc_smooth(m->rmx_rtt, hcml->rmx_rtt);
		TCPSTAT_INC(ctx, tcps_cachedrtt);
	}
	if (hcml->rmx_rttvar != 0) {
		m->rmx_rttvar = tcp_hc_smooth(m->rmx_rttvar, hcml->rmx_rttvar);
		TCPSTAT_INC(ctx, tcps_cachedrttvar);
	}
	if (hcml->rmx_ssthresh != 0) {
		m->rmx_ssthresh =
		    tcp_hc_smooth(m->rmx_ssthresh, hcml->rmx_ssthresh);
		TCPSTAT_INC(ctx, tcps_cachedssthresh);
	}
	if (hcml->rmx_cwnd != 0)
		m->rmx_cwnd = tcp_hc_smooth(m->rmx_cwnd, hcml->rmx_cwnd);
	if (hcml->rmx_sendpipe != 0)
		m->rmx_sendpipe =
		    tcp_hc_smooth(m->rmx_sendpipe, hcml->rmx_sendpipe);
	if (hcml->rmx_recvpipe != 0)
		m->rmx_recvpipe =
		    tcp_hc_smooth(m->rmx_recvpipe, hcml->rmx_recvpipe);
	/* Most recently updated first: a full bucket gives up its tail. */
	TAILQ_REMOVE(&hch->hch_bucket, e, rmx_q);
	TAILQ_INSERT_HEAD(&hch->hch_bucket, e, rmx_q);
}

void
tcp_hc_updatemtu(struct ff_ctx *ctx, struct in_addr faddr, uint32_t mtu)
{
	struct hc_metrics_lite hcml;

	memset(&hcml, 0, sizeof(hcml));
	hcml.rmx_mtu = mtu;
	tcp_hc_update(ctx, faddr, &hcml);
}

/* -- life ------------------------------------------------------------------ */

void
tcp_hc_init(struct ff_ctx *ctx)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);

	memset(hc, 0, sizeof(*hc));
	TAILQ_INIT(&hc->freelist);
	callout_init(&hc->purge_callout);
	hc->enable = 1;
	hc->hashsize = TCP_HOSTCACHE_HASHSIZE;
	hc->bucket_limit = TCP_HOSTCACHE_BUCKETLIMIT;
	hc->cache_limit = TCP_HOSTCACHE_HASHSIZE * TCP_HOSTCACHE_BUCKETLIMIT;
	hc->expire = TCP_HOSTCACHE_EXPIRE;
	hc->prune = TCP_HOSTCACHE_PRUNE;
	hc->hashkey[0] = ff_random64();
	hc->hashkey[1] = ff_random64();
}

void
tcp_hc_destroy(struct ff_ctx *ctx)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);

	callout_stop(ctx, &hc->purge_callout);
	tcp_hc_free_table(hc);
}

/* -- sysctls --------------------------------------------------------------- */

/*
 * hashsize, bucketlimit, cachelimit (boot-time only in FreeBSD): the
 * table is sized on first use, so a change drops it and every entry in
 * it (it is only a cache); the next update allocates the new size.  A
 * new hashsize or bucketlimit makes cachelimit their product again.
 */
static int
tcp_hc_sysctl_size(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	unsigned int *p = sysctl_oid_arg1(oidp), v = *p;
	uint64_t limit;
	int error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v == 0 || v > TCP_HOSTCACHE_MAXLIMIT)
		return (EINVAL);
	if (p == &hc->hashsize &&
	    (v > TCP_HOSTCACHE_MAXHASH || (v & (v - 1)) != 0))
		return (EINVAL); /* a power of 2: a mask hashes */
	if (p == &hc->cache_limit &&
	    (uint64_t)v > (uint64_t)hc->hashsize * hc->bucket_limit)
		return (EINVAL); /* more than the buckets hold */
	if (v == *p)
		return (0); /* the same size: keep the entries */
	tcp_hc_destroy(ctx);
	*p = v;
	if (p != &hc->cache_limit) {
		limit = (uint64_t)hc->hashsize * hc->bucket_limit;
		hc->cache_limit = limit > TCP_HOSTCACHE_MAXLIMIT
		    ? TCP_HOSTCACHE_MAXLIMIT
		    : (unsigned int)limit;
	}
	return (0);
}

static int
tcp_hc_sysctl_count(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	unsigned int n = V_hostcache(ctx)->cache_count;

	return (sysctl_out(req, &n, sizeof(n)));
}

/* prune: a new period applies to the run already scheduled, too. */
static int
tcp_hc_sysctl_prune(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	int v = hc->prune, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 1 || v > TCP_HOSTCACHE_MAXTIME)
		return (EINVAL);
	hc->prune = v;
	if (callout_pending(&hc->purge_callout))
		tcp_hc_purge_arm(ctx);
	return (0);
}

/* purgenow: 1 drops every entry now; 2 also picks a new hash secret. */
static int
tcp_hc_sysctl_purgenow(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	int v = 0, error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 0 || v > 2)
		return (EINVAL);
	if (v >= 1)
		tcp_hc_purge_internal(ctx, 1);
	if (v == 2) { /* empty now: nothing to rehash */
		hc->hashkey[0] = ff_random64();
		hc->hashkey[1] = ff_random64();
	}
	return (0);
}

/* Callout ticks scaled by `scale' (t_srtt, t_rttvar) to ms, rounded. */
static uint64_t
tcp_hc_ms(const struct ff_ctx *ctx, uint32_t v, unsigned int scale)
{
	uint64_t div = (uint64_t)ctx->callouts.cw_hz * scale;

	return (((uint64_t)v * 1000 + div / 2) / div);
}

/*
 * list: the table as FreeBSD's `sysctl net.inet.tcp.hostcache.list'
 * prints it (with its TCP_HC_COUNTERS columns), one host a line, unsorted.
 * RTTVAR is converted with its own scale (FreeBSD applies the RTT's).
 */
static int
tcp_hc_sysctl_list(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_hostcache *hc = V_hostcache(ctx);
	const struct hc_metrics_lite *m;
	const struct hc_metrics *e;
	char line[192], addr[INET_ADDRSTRLEN];
	uint64_t now = tcp_hc_now(ctx);
	unsigned int i;
	int n, error, first = 0;

	n = snprintf(line, sizeof(line),
	    "\n%-15s %5s %8s %8s %8s %8s %8s %8s %4s %4s %4s\n", "IP address",
	    "MTU", "SSTRESH", "RTT", "RTTVAR", "CWND", "SENDPIPE", "RECVPIPE",
	    "HITS", "UPD", "EXP");
	first = sysctl_out(req, line, (size_t)n);
	for (i = 0; hc->hashbase != NULL && i < hc->hashsize; i++)
		TAILQ_FOREACH(e, &hc->hashbase[i].hch_bucket, rmx_q)
		{
			m = &e->rmx;
			inet_ntop(AF_INET, &e->ip4, addr, sizeof(addr));
			n = snprintf(line, sizeof(line),
			    "%-15s %5u %8u "
			    "%6" PRIu64 "ms %6" PRIu64 "ms %8u %8u %8u "
			    "%4" PRIu64 " %4" PRIu64 " %4" PRIu64 "\n",
			    addr, m->rmx_mtu, m->rmx_ssthresh,
			    tcp_hc_ms(ctx, m->rmx_rtt, TCP_RTT_SCALE),
			    tcp_hc_ms(ctx, m->rmx_rttvar, TCP_RTTVAR_SCALE),
			    m->rmx_cwnd, m->rmx_sendpipe, m->rmx_recvpipe,
			    e->rmx_hits, e->rmx_updates,
			    e->rmx_expire > now ? e->rmx_expire - now : 0);
			/* Keep counting past a short buffer: the size. */
			error = sysctl_out(req, line, (size_t)n);
			if (first == 0)
				first = error;
		}
	error = sysctl_out(req, "", 1);
	return (first != 0 ? first : error);
}

#define STATE	struct tcp_hostcache
#define HC_SIZE (CTLTYPE_UINT | CTLFLAG_RW | CTLFLAG_TUN)

static const struct sysctl_entry tcp_hc_sysctls[] = {
	SYSCTL_NODE("net.inet.tcp.hostcache", "TCP host cache"),
	SYSCTL_INT("net.inet.tcp.hostcache.enable", CTLFLAG_RW | CTLFLAG_TUN,
	    STATE, enable, 0, 1,
	    "Start new connections from, and leave their metrics in, the "
	    "TCP host cache"),
	SYSCTL_PROC_VAR("net.inet.tcp.hostcache.cachelimit", HC_SIZE, STATE,
	    cache_limit, tcp_hc_sysctl_size, "IU",
	    "Most entries the host cache holds (at most hashsize * "
	    "bucketlimit)"),
	SYSCTL_PROC_VAR("net.inet.tcp.hostcache.hashsize", HC_SIZE, STATE,
	    hashsize, tcp_hc_sysctl_size, "IU",
	    "Buckets of the host cache hash table (a power of 2)"),
	SYSCTL_PROC_VAR("net.inet.tcp.hostcache.bucketlimit", HC_SIZE, STATE,
	    bucket_limit, tcp_hc_sysctl_size, "IU",
	    "Most entries in one host cache bucket"),
	SYSCTL_PROC("net.inet.tcp.hostcache.count", CTLTYPE_UINT | CTLFLAG_RD,
	    tcp_hc_sysctl_count, "IU", "Entries in the host cache now"),
	SYSCTL_INT("net.inet.tcp.hostcache.expire", CTLFLAG_RW | CTLFLAG_TUN,
	    STATE, expire, 1, TCP_HOSTCACHE_MAXTIME,
	    "Seconds a host cache entry lives after its last use or update"),
	SYSCTL_PROC("net.inet.tcp.hostcache.prune",
	    CTLTYPE_INT | CTLFLAG_RW | CTLFLAG_TUN, tcp_hc_sysctl_prune, "I",
	    "Seconds between the runs that free expired host cache entries"),
	SYSCTL_INT("net.inet.tcp.hostcache.purge", CTLFLAG_RW, STATE, purgeall,
	    0, 1, "Drop every host cache entry at the next prune run"),
	SYSCTL_PROC("net.inet.tcp.hostcache.purgenow", CTLTYPE_INT | CTLFLAG_RW,
	    tcp_hc_sysctl_purgenow, "I",
	    "Write 1 to drop every host cache entry now, 2 to also pick a "
	    "new hash secret"),
	SYSCTL_PROC("net.inet.tcp.hostcache.list", CTLTYPE_STRING | CTLFLAG_RD,
	    tcp_hc_sysctl_list, "A", "The host cache, one host a line"),
};

#undef HC_SIZE
#undef STATE

int
tcp_hc_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_hostcache(ctx), tcp_hc_sysctls));
}
