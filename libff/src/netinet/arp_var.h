/*
 * arp_var.h - the ARP cache (link-layer entries for IPv4 neighbours),
 * statistics and tunables, after FreeBSD's netinet/if_ether.h and
 * net/if_llatbl.h.
 *
 * API for the ARP tool (ff-arp) and the routing messages: plain
 * functions returning 0 or a negative errno.
 */
#ifndef _NETINET_ARP_VAR_H_
#define _NETINET_ARP_VAR_H_

#include <limits.h>
#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "core/ff_callout.h"
#include "kern/kern_sysctl_stats.h"
#include "net/if_ether.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;

/* FreeBSD's struct arpstat: net.link.ether.arp.stats, "S,arpstat". */
/*
 * Always 0 in ff, for the reason before each colon (FreeBSD keeps
 * them in the struct; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	room: arp_spares
 */
#define ARPSTAT_LIST(X, A)                                         \
	X(txrequests)	 /* ARP requests sent */                   \
	X(txreplies)	 /* ARP replies sent */                    \
	X(rxrequests)	 /* ARP requests received */               \
	X(rxreplies)	 /* ARP replies received */                \
	X(received)	 /* ARP packets received */                \
	X(txerrors)	 /* ARP requests that failed to go out */  \
	A(arp_spares, 3) /* room to grow */                        \
	X(dropped)	 /* packets dropped waiting for a reply */ \
	X(timeouts)	 /* entries removed by timeout */          \
	X(dupips)	 /* duplicate IPs detected */

struct arpstat {
	ARPSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(arpstat, ARPSTAT_LIST);

/* Input drops FreeBSD only logs; ours (net.link.ether.arp.xstats). */
#define ARPXSTAT_LIST(X, A)                                      \
	X(arpx_tooshort)  /* shorter than an Ethernet ARP */     \
	X(arpx_badhrd)	  /* hardware type not Ethernet */       \
	X(arpx_badpro)	  /* protocol not IPv4 */                \
	X(arpx_badlen)	  /* address lengths not 6/4 */          \
	X(arpx_badop)	  /* neither request nor reply */        \
	X(arpx_fromself)  /* sender hardware address is ours */  \
	X(arpx_bcastsrc)  /* sender hardware is broadcast */     \
	X(arpx_badaddr)	  /* sender IP multicast/broadcast */    \
	X(arpx_notours)	  /* not about our addresses: ignored */ \
	X(arpx_permanent) /* tried to change a static entry */   \
	X(arpx_tablefull) /* no room for a new entry */

struct arpxstat {
	ARPXSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(arpxstat, ARPXSTAT_LIST);

/* Entry flags (FreeBSD's LLE_*). */
#define LLE_VALID  0x0008 /* link address is known */
#define LLE_STATIC 0x0002 /* never expires, not learnt over */
#define LLE_PUB	   0x0020 /* answer requests for it (proxy) */
#define LLE_IFADDR 0x0004 /* one of our own addresses */

#define ARP_MAXHOLD_CAP 16		 /* hold queue capacity per entry */
#define ARP_MAX_EXPIRE	(INT_MAX / 1000) /* s: bound of max_age, temp */
#define ARP_HASHSIZE	64

struct llentry {
	LIST_ENTRY(llentry) la_hash; /* bucket of arp_state.arp_hash */
	struct in_addr la_addr;	     /* the neighbour */
	struct ifnet *la_ifp;	     /* interface it lives on */
	struct ether_addr la_mac;    /* its link address, when valid */
	uint16_t la_flags;	     /* LLE_* */
	uint16_t la_asked;	     /* requests sent while incomplete */
	uint64_t la_expire;	     /* ns: valid until / down until */
	uint64_t la_lastreq;	     /* ns: last request sent */
	struct rte_mbuf *la_hold[ARP_MAXHOLD_CAP]; /* FIFO of packets */
	uint16_t la_numheld;			   /* packets in la_hold */
	struct ff_callout la_timer;		   /* retransmit / expiry */
	struct ff_ctx *la_ctx;			   /* for the timer callback */
};

LIST_HEAD(llentries, llentry);

struct arp_state {
	struct arpstat arpstat;
	struct arpxstat arpxstat;
	int max_age;	 /* net.link.ether.inet.max_age, s */
	int maxtries;	 /* net.link.ether.inet.maxtries */
	int maxhold;	 /* net.link.ether.inet.maxhold */
	int arpt_down;	 /* net.link.ether.inet.wait, s */
	int max_entries; /* bound of the table (4096; no sysctl) */
	int nentries;	 /* entries in the table */
	struct llentries arp_hash[ARP_HASHSIZE];
};

#define V_arp(ctx)	    ((ctx)->vnet.v_arp)
#define ARPSTAT_INC(ctx, f) (V_arp(ctx)->arpstat.f++)

/* A snapshot of one entry for ff-arp. */
struct arp_entry_info {
	struct in_addr ai_addr;
	struct ether_addr ai_mac;
	uint16_t ai_if_index;
	uint16_t ai_flags; /* LLE_* */
	int64_t ai_expire; /* seconds left; -1 permanent */
};

void arp_init(struct ff_ctx *ctx);
void arp_fini(struct ff_ctx *ctx);
/* Register net.link.ether.inet.* and arp.*; 0 or a negative errno. */
int arp_sysctl_attach(struct ff_ctx *ctx);

/* ARP frame (link header stripped) received on ifp; consumes m. */
void
arp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m);

/*
 * Find the link address of next hop `dst' on ifp for packet m.  Returns 0
 * with *mac filled (m untouched, still the caller's); -EWOULDBLOCK when m
 * was queued until the reply comes; another negative errno
 * (-EHOSTDOWN while the entry is down, -ENOBUFS) when m was freed.
 */
int arpresolve(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    struct in_addr dst, struct ether_addr *mac);

/* Send a request for tip from sip (sip == tip: gratuitous). */
int arprequest(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr sip,
    struct in_addr tip);

/*
 * Add an entry by hand (flags LLE_STATIC and LLE_PUB); the interface is
 * the one whose subnet holds addr.  Without LLE_STATIC the entry is
 * dynamic (arp -s ... temp): it expires after `expire' seconds
 * (1..ARP_MAX_EXPIRE) and is learnt over like a learnt one; `expire' is
 * ignored for a static entry.  Replaces any entry for addr.  0,
 * -ENETUNREACH (no such subnet), -EINVAL, -ENOMEM.
 */
int arp_add(struct ff_ctx *ctx, struct in_addr addr,
    const struct ether_addr *mac, int flags, int expire);
/* Delete the entry for addr: 0 or -ENOENT. */
int arp_delete(struct ff_ctx *ctx, struct in_addr addr);
/* Delete every entry on ifp (all of them when ifp is NULL). */
void arp_flush(struct ff_ctx *ctx, struct ifnet *ifp);
/* Delete the dynamic entries of ifp no longer on one of its subnets. */
void arp_prune(struct ff_ctx *ctx, struct ifnet *ifp);
/* Look one up: 0 with *info filled, or -ENOENT. */
int
arp_get(struct ff_ctx *ctx, struct in_addr addr, struct arp_entry_info *info);
/*
 * Call fn for every entry, stopping when it returns non-zero (which
 * arp_foreach then returns).  Entries may not be added or removed by fn.
 */
int arp_foreach(struct ff_ctx *ctx,
    int (*fn)(void *arg, const struct arp_entry_info *info), void *arg);

#endif /* _NETINET_ARP_VAR_H_ */
