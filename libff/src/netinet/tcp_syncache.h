/*
 * tcp_syncache.h - the SYN cache and SYN cookies (tcp_syncache.c), after
 * FreeBSD's netinet/tcp_syncache.h: embryonic connections live in a
 * bounded hash of small entries instead of sockets and control blocks;
 * when a bucket or the cache is full a cookie (RFC 4987) keeps no state.
 *
 * State: struct tcp_syncache in struct tcp_state (V_syncache(ctx)).
 */
#ifndef _NETINET_TCP_SYNCACHE_H_
#define _NETINET_TCP_SYNCACHE_H_

#include <stdint.h>
#include <sys/queue.h>

#include "core/ff_callout.h"
#include "netinet/tcp_seq.h"

struct ff_ctx;
struct tcpcb;
struct tcpseg;
struct rte_mbuf;

/* One embryonic connection: what its SYN said and what we answered. */
struct syncache {
	TAILQ_ENTRY(syncache) sc_hash; /* bucket list, newest first */
	struct tcpcb *sc_ltp;	       /* the listener */
	struct in_addr sc_laddr, sc_faddr;
	uint16_t sc_lport, sc_fport;  /* network order */
	tcp_seq sc_irs;		      /* peer's ISN */
	tcp_seq sc_iss;		      /* ours (a cookie when enabled) */
	uint32_t sc_tsreflect;	      /* peer's tsval, echoed */
	uint32_t sc_ts_offset;	      /* our timestamp offset */
	uint32_t sc_wnd;	      /* peer's window in the SYN */
	uint16_t sc_peer_mss;	      /* peer's MSS option, 0 none */
	uint8_t sc_requested_s_scale; /* peer's window shift */
	uint8_t sc_requested_r_scale; /* ours */
	uint8_t sc_rxmits;	      /* SYN-ACK retransmissions */
	uint8_t sc_flags;	      /* SCF_* */
	uint64_t sc_rxttime;	      /* tick of the next retransmission */
	uint64_t sc_start;	      /* tick of the first SYN-ACK + 1 */
};

#define SCF_NOOPT     0x01 /* no options at all */
#define SCF_WINSCALE  0x02 /* window scaling agreed */
#define SCF_TIMESTAMP 0x04 /* timestamps agreed */
#define SCF_SACK      0x08 /* SACK permitted */

TAILQ_HEAD(sch_head, syncache);

struct syncache_head {
	struct sch_head sch_bucket;  /* entries */
	struct ff_callout sch_timer; /* earliest retransmission */
	uint64_t sch_nextc;	     /* tick it is armed for */
	int sch_length;		     /* entries in the bucket */
};

/* SYN cookie secrets: two slots, the older one still accepted. */
struct syncookie_secret {
	uint64_t key[2][2]; /* SipHash keys, odd and even */
	uint32_t gen[2];    /* time counter of each slot */
	int oddeven;	    /* the slot new cookies use */
	uint64_t next_ms;   /* clock (ms) of the next rotation */
};

struct tcp_syncache {
	struct syncache_head *hashbase; /* hashsize buckets, lazily */
	struct syncache *zone;		/* cache_limit entries, lazily */
	struct sch_head freelist;	/* unused entries of zone */
	unsigned int hashsize;		/* net.inet.tcp.syncache.hashsize */
	unsigned int bucket_limit;	/* ...syncache.bucketlimit */
	unsigned int cache_limit;	/* ...syncache.cachelimit */
	unsigned int rexmt_limit;	/* ...syncache.rexmtlimit */
	int rst_on_sock_fail;		/* ...syncache.rst_on_sock_fail */
	unsigned int count;		/* ...syncache.count */
	unsigned int alloc_hashsize, alloc_limit; /* sizes allocated */
	int syncookies;				  /* net.inet.tcp.syncookies */
	int syncookies_only; /* net.inet.tcp.syncookies_only */
	uint64_t hashkey[2]; /* bucket hash secret */
	/*
	 * Paused (FreeBSD's syncache_pause()): after an overflow, cookies
	 * only, no lookups and no inserts, until pause_until; an overflow
	 * soon after the last pause doubles it (pause_backoff).
	 */
	int paused;
	unsigned int pause_backoff;
	uint64_t pause_until; /* tick; 0: never paused */
	struct syncookie_secret secret;
};

#define V_syncache(ctx) (&V_tcp(ctx)->tcp_syncache)

/* Life: at tcp_init(), sysctls at attach, everything freed at tcp_fini(). */
void syncache_init(struct ff_ctx *ctx);
int syncache_sysctl_attach(struct ff_ctx *ctx);
void syncache_fini(struct ff_ctx *ctx);

/*
 * A SYN for listener ltp (RFC 9293 3.10.7.2): answered from an entry or
 * with a cookie, or dropped and counted.  Does not take the mbuf.
 */
void syncache_add(struct tcpcb *ltp, const struct tcpseg *seg);
/*
 * An ACK (without SYN or RST) for listener ltp: the final ACK of a
 * handshake in the cache or carrying a valid cookie.  Returns the new
 * connection in SYN_RECEIVED (the caller processes the segment on it),
 * or NULL: *rst says whether to answer with a RST, and why (bad ACK or
 * cookie: SC_RST_BADACK; no socket: SC_RST_SOCKFAIL).  Counted either way.
 */
#define SC_RST_NONE	0
#define SC_RST_BADACK	1 /* rate limited (BANDLIM_RST_OPENPORT) */
#define SC_RST_SOCKFAIL 2 /* rst_on_sock_fail: never limited */
struct tcpcb *
syncache_expand(struct tcpcb *ltp, const struct tcpseg *seg, int *rst);
/* A RST for listener ltp: drops a matching entry (tcps_sc_reset). */
void syncache_chkrst(struct tcpcb *ltp, const struct tcpseg *seg);
/* ltp stops listening: its entries go, each with a RST to the peer. */
void syncache_listen_gone(struct tcpcb *ltp);

#endif /* _NETINET_TCP_SYNCACHE_H_ */
