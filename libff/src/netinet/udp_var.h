/*
 * udp_var.h - UDP statistics, tunables and entry points, after FreeBSD's
 * netinet/udp_var.h.  struct udpstat keeps FreeBSD's field names and
 * order (net.inet.udp.stats, "S,udpstat").
 */
#ifndef _NETINET_UDP_VAR_H_
#define _NETINET_UDP_VAR_H_

#include <stdint.h>

#include "kern/kern_sysctl_stats.h"
#include "netinet/in_pcb.h"
#include "netinet/ip.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;

/*
 * Always 0 in ff, for the reason before each colon (FreeBSD keeps
 * them in the struct; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	FreeBSD counts it nowhere: udpps_pcbcachemiss
 *	    udpps_pcbhashmiss udps_fastout
 *	no multicast groups: udps_noportmcast udps_filtermcast
 */
#define UDPSTAT_LIST(X, A)                                           \
	/* input statistics: */                                      \
	X(udps_ipackets)      /* total input packets */              \
	X(udps_hdrops)	      /* packet shorter than header */       \
	X(udps_badsum)	      /* checksum error */                   \
	X(udps_nosum)	      /* no checksum */                      \
	X(udps_badlen)	      /* data length larger than packet */   \
	X(udps_noport)	      /* no socket on port */                \
	X(udps_noportbcast)   /* of above, arrived as broadcast */   \
	X(udps_fullsock)      /* not delivered, input socket full */ \
	X(udpps_pcbcachemiss) /* input packets missing pcb cache */  \
	X(udpps_pcbhashmiss)  /* input packets not for hashed pcb */ \
	/* output statistics: */                                     \
	X(udps_opackets) /* total output packets */                  \
	X(udps_fastout)	 /* output packets on fast path */           \
	/* of no socket on port, arrived as multicast */             \
	X(udps_noportmcast)                                          \
	X(udps_filtermcast) /* blocked by multicast filter */

struct udpstat {
	UDPSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(udpstat, UDPSTAT_LIST);

/* What FreeBSD does not count (net.inet.udp.xstats, "S,udpxstat"). */
#define UDPXSTAT_LIST(X, A)                                        \
	X(udpx_icmpnotify)   /* ICMP error: so_error set */        \
	X(udpx_icmpnopcb)    /* ICMP error: no connected socket */ \
	X(udpx_icmpbadquote) /* ICMP error: quote no UDP header */ \
	X(udpx_icmpignored)  /* ICMP error: no errno for it */

struct udpxstat {
	UDPXSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(udpxstat, UDPXSTAT_LIST);

#define UDP_RECVSPACE_DEFAULT (40 * (1024 + 28)) /* FreeBSD's 42080 */
#define UDP_MAXDGRAM_DEFAULT  9216

struct udp_state {
	struct udpstat udpstat;	     /* net.inet.udp.stats */
	struct udpxstat udpxstat;    /* net.inet.udp.xstats */
	struct inpcbinfo udbinfo;    /* UDP pcbs */
	int udp_cksum;		     /* net.inet.udp.checksum */
	unsigned long udp_recvspace; /* net.inet.udp.recvspace */
	unsigned long udp_sendspace; /* net.inet.udp.maxdgram */
	int udp_blackhole;	     /* net.inet.udp.blackhole */
};

#define V_udp(ctx)	    ((ctx)->vnet.v_udp)
#define V_udbinfo(ctx)	    (&V_udp(ctx)->udbinfo)
#define UDPSTAT_INC(ctx, f) (V_udp(ctx)->udpstat.f++)

/* pr_init: state and pcb table; 0 or a negative errno. */
int udp_init(struct ff_ctx *ctx);
/* Register net.inet.udp.*; 0 or a negative errno. */
int udp_sysctl_attach(struct ff_ctx *ctx);
void udp_fini(struct ff_ctx *ctx);
/* UDP's entry in inetdomain (netinet/in_proto.c). */
struct protosw;
extern const struct protosw udp_protosw;

/* From ip_deliver: the IP header (hlen bytes) is at the front; consumes m. */
void udp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp,
    struct rte_mbuf *m, int hlen, int lflags);

/*
 * An ICMP error (type, code) quoting a datagram we sent (FreeBSD's
 * udp_ctlinput): oip is the quoted IP header, oiplen bytes of the quote
 * are readable (icmp_input checked the IP header and 8 bytes behind it).
 */
void udp_ctlinput(struct ff_ctx *ctx, int type, int code, const ip_hdr_t *oip,
    uint32_t oiplen);

#endif /* _NETINET_UDP_VAR_H_ */
