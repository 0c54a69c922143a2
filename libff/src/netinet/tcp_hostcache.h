/*
 * tcp_hostcache.h - the TCP host cache (tcp_hostcache.c), after FreeBSD's
 * netinet/tcp_hostcache.c: what past connections learnt about a remote
 * host (path MTU, slow start threshold, RTT and its variance), kept by
 * foreign address so that the next connection starts from it.
 *
 * State: struct tcp_hostcache in struct tcp_state (V_hostcache(ctx)).
 */
#ifndef _NETINET_TCP_HOSTCACHE_H_
#define _NETINET_TCP_HOSTCACHE_H_

#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "core/ff_callout.h"

struct ff_ctx;

/*
 * The metrics a connection takes from the cache and gives back, FreeBSD's
 * struct hc_metrics_lite; 0 is "not known".  RTT and variance are in the
 * control block's units (t_srtt, t_rttvar: callout ticks scaled by
 * TCP_RTT_SCALE and TCP_RTTVAR_SCALE), so they move between the two as
 * they are.
 */
struct hc_metrics_lite {
	uint32_t rmx_mtu;      /* path MTU, bytes */
	uint32_t rmx_ssthresh; /* slow start threshold, bytes */
	uint32_t rmx_rtt;      /* smoothed RTT (t_srtt) */
	uint32_t rmx_rttvar;   /* RTT variance (t_rttvar) */
	uint32_t rmx_cwnd;     /* congestion window at close */
	uint32_t rmx_sendpipe; /* send pipe size (unused, 0) */
	uint32_t rmx_recvpipe; /* receive pipe size (unused, 0) */
};

/* One remote host. */
struct hc_metrics {
	TAILQ_ENTRY(hc_metrics) rmx_q; /* bucket, most recently updated first */
	struct in_addr ip4;	       /* the foreign address */
	struct hc_metrics_lite rmx;    /* what we know of it */
	uint64_t rmx_expire;	       /* stack uptime (s) it is dropped at */
	uint64_t rmx_hits;	       /* lookups that found it */
	uint64_t rmx_updates;	       /* updates */
};
TAILQ_HEAD(hc_qhead, hc_metrics);

struct hc_head {
	struct hc_qhead hch_bucket;
	unsigned int hch_length;
};

struct tcp_hostcache {
	struct hc_head *hashbase;	 /* hashsize buckets, lazily */
	struct hc_metrics *zone;	 /* cache_limit entries, lazily */
	struct hc_qhead freelist;	 /* unused entries of zone */
	unsigned int hashsize;		 /* net.inet.tcp.hostcache.hashsize */
	unsigned int bucket_limit;	 /* ...hostcache.bucketlimit */
	unsigned int cache_limit;	 /* ...hostcache.cachelimit */
	unsigned int cache_count;	 /* ...hostcache.count */
	int enable;			 /* ...hostcache.enable */
	int expire;			 /* ...hostcache.expire, s */
	int prune;			 /* ...hostcache.prune, s */
	int purgeall;			 /* ...hostcache.purge */
	uint64_t hashkey[2];		 /* bucket hash secret */
	struct ff_callout purge_callout; /* every prune s while not empty */
};

#define V_hostcache(ctx) (&V_tcp(ctx)->tcp_hostcache)

/* Life: at tcp_init(), sysctls at attach, everything freed at tcp_fini(). */
void tcp_hc_init(struct ff_ctx *ctx);
int tcp_hc_sysctl_attach(struct ff_ctx *ctx);
void tcp_hc_destroy(struct ff_ctx *ctx);

/* What is known of faddr; all zero when nothing (or the cache is off). */
void tcp_hc_get(
    struct ff_ctx *ctx, struct in_addr faddr, struct hc_metrics_lite *hcml);
/* The path MTU learnt for faddr, 0 if none. */
uint32_t tcp_hc_getmtu(struct ff_ctx *ctx, struct in_addr faddr);
/* A smaller path MTU towards faddr (ICMP fragmentation needed). */
void tcp_hc_updatemtu(struct ff_ctx *ctx, struct in_addr faddr, uint32_t mtu);
/* A closing connection's metrics, smoothed into the entry. */
void tcp_hc_update(struct ff_ctx *ctx, struct in_addr faddr,
    const struct hc_metrics_lite *hcml);

#endif /* _NETINET_TCP_HOSTCACHE_H_ */
