/*
 * ip_var.h - IPv4 statistics, tunables, reassembly queues and the entry
 * points of ip_input.c, ip_output.c, ip_reass.c and ip_options.c, after
 * FreeBSD's netinet/ip_var.h.  struct ipstat keeps FreeBSD's field names
 * and order (net.inet.ip.stats, "S,ipstat"), written once as IPSTAT_LIST
 * (kern/kern_sysctl_stats.h).
 */
#ifndef _NETINET_IP_VAR_H_
#define _NETINET_IP_VAR_H_

#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "core/ff_callout.h"
#include "kern/kern_sysctl_stats.h"
#include "netinet/ip.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;

/*
 * Always 0 in ff, for the reason before each colon (FreeBSD keeps
 * them in the struct; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	no ip_tryforward path: ips_fastforward
 *	no ICMP redirects sent: ips_redirectsent
 *	no raw IP sockets: ips_rawout
 *	no gif tunnels: ips_nogif
 */
#define IPSTAT_LIST(X, A)                                            \
	X(ips_total)	    /* total packets received */             \
	X(ips_badsum)	    /* checksum bad */                       \
	X(ips_tooshort)	    /* packet too short */                   \
	X(ips_toosmall)	    /* not enough data */                    \
	X(ips_badhlen)	    /* ip header length < data size */       \
	X(ips_badlen)	    /* ip length < ip header length */       \
	X(ips_fragments)    /* fragments received */                 \
	X(ips_fragdropped)  /* frags dropped (dups, out of space) */ \
	X(ips_fragtimeout)  /* fragments timed out */                \
	X(ips_forward)	    /* packets forwarded */                  \
	X(ips_fastforward)  /* packets fast forwarded */             \
	X(ips_cantforward)  /* packets rcvd for unreachable dest */  \
	X(ips_redirectsent) /* packets forwarded on same net */      \
	X(ips_noproto)	    /* unknown or unsupported protocol */    \
	X(ips_delivered)    /* datagrams delivered to upper level */ \
	X(ips_localout)	    /* total ip packets generated here */    \
	X(ips_odropped)	    /* lost packets due to nobufs, etc. */   \
	X(ips_reassembled)  /* total packets reassembled ok */       \
	X(ips_fragmented)   /* datagrams successfully fragmented */  \
	X(ips_ofragments)   /* output fragments created */           \
	X(ips_cantfrag)	    /* don't fragment flag was set, etc. */  \
	X(ips_badoptions)   /* error in option processing */         \
	X(ips_noroute)	    /* packets discarded due to no route */  \
	X(ips_badvers)	    /* ip version != 4 */                    \
	X(ips_rawout)	    /* total raw ip packets generated */     \
	X(ips_toolong)	    /* ip length > max ip packet size */     \
	X(ips_notmember)    /* multicasts for unregistered grps */   \
	X(ips_nogif)	    /* no match gif found */                 \
	X(ips_badaddr)	    /* invalid address on header */

struct ipstat {
	IPSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ipstat, IPSTAT_LIST);

/*
 * Always 0 in ff, for the reason before each colon (a guard kept in the
 * code; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	loop guard, no exchange via lo0 nests 5 sends: ipx_loopdrop
 */
/* Drops FreeBSD counts nowhere; ours (net.inet.ip.xstats). */
#define IPXSTAT_LIST(X, A)                                    \
	X(ipx_ttlexceeded) /* TTL ran out while forwarding */ \
	X(ipx_loopdrop)	   /* loopback nesting too deep */    \
	X(ipx_reassmem)	   /* fragment refused: memory bound */

struct ipxstat {
	IPXSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(ipxstat, IPXSTAT_LIST);

/* Link-level flags passed up with a packet (FreeBSD's m_flags). */
#define M_BCAST 0x01 /* received as link broadcast */
#define M_MCAST 0x02 /* received as link multicast */
#define M_LOOP	0x04 /* came through lo0 */

/* ip_output() flags. */
#define IP_FORWARDING	  0x01 /* forwarding: header is complete */
#define IP_ALLOWBROADCAST 0x02 /* may send to a broadcast address */
#define IP_RAWOUTPUT	  0x04 /* header filled by the caller */

/* A datagram being reassembled (keyed by src, dst, id, protocol). */
struct ipq {
	TAILQ_ENTRY(ipq) ipq_link;	 /* ip_state.ipq_list */
	struct in_addr ipq_src, ipq_dst; /* key */
	uint16_t ipq_id;		 /* key, network order */
	uint8_t ipq_p;			 /* key */
	uint8_t ipq_nfrags;		 /* fragments held */
	uint32_t ipq_total; /* payload length once last seen, or 0 */
	struct rte_mbuf *ipq_frags[16]; /* sorted by offset */
	uint16_t ipq_off[16];		/* payload offset of each, bytes */
	uint16_t ipq_len[16];		/* payload length of each */
	int ipq_lflags;			/* link flags of the first fragment */
	struct ifnet *ipq_ifp;		/* where the first fragment came in */
	struct ff_callout ipq_timer;	/* fragttl */
	struct ff_ctx *ipq_ctx;		/* for the timer */
};

#define IPQ_MAXFRAGS 16 /* capacity of one struct ipq */

TAILQ_HEAD(ipqhead, ipq);

struct ip_state {
	struct ipstat ipstat;	 /* net.inet.ip.stats */
	struct ipxstat ipxstat;	 /* net.inet.ip.xstats */
	int forwarding;		 /* net.inet.ip.forwarding */
	int defttl;		 /* net.inet.ip.ttl */
	int sourceroute;	 /* net.inet.ip.sourceroute */
	int process_options;	 /* net.inet.ip.process_options */
	int maxfragpackets;	 /* net.inet.ip.maxfragpackets */
	int maxfragsperpacket;	 /* net.inet.ip.maxfragsperpacket */
	int maxfrags;		 /* net.inet.ip.maxfrags */
	int fragttl;		 /* net.inet.ip.fragttl, seconds */
	uint16_t ip_id;		 /* next datagram id */
	struct ipqhead ipq_list; /* datagrams being reassembled */
	int ipq_count;		 /* entries on ipq_list */
	int frag_count;		 /* fragments held, all queues */
};

#define V_ip(ctx)	   ((ctx)->vnet.v_ip)
#define IPSTAT_INC(ctx, f) (V_ip(ctx)->ipstat.f++)

/* pr_init (always 0) / pr_destroy of IP (netinet/in_proto.c). */
int ip_init(struct ff_ctx *ctx);
void ip_fini(struct ff_ctx *ctx);
/* Register net.inet.ip.*; 0 or a negative errno. */
int ip_sysctl_attach(struct ff_ctx *ctx);

/* From ether_input or lo0: the IP header is at the front; consumes m. */
void ip_input_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags);

/*
 * Send the datagram m whose IP header is at the front: ip_len, ip_p,
 * ip_dst (and ip_src, or INADDR_ANY to pick one) filled in; the rest is
 * completed unless IP_FORWARDING/IP_RAWOUTPUT.  Routes, fragments to the
 * interface MTU and hands to ether_output.  Consumes m.  Returns 0,
 * -EHOSTUNREACH (no route, ips_noroute), -EMSGSIZE (DF set, ips_cantfrag),
 * -EACCES (broadcast without IP_ALLOWBROADCAST), -ENOBUFS (ips_odropped)
 * or the link's error.
 */
int ip_output_consume(struct ff_ctx *ctx, struct rte_mbuf *m, int flags);
/*
 * 1 when a packet to dst would now find its interface's send queue full
 * (ENOBUFS): a sender that was refused asks before it builds the next.
 */
int ip_output_full(struct ff_ctx *ctx, struct in_addr dst);

/*
 * Reassembly (ip_reass.c): takes a fragment, returns the complete datagram
 * (header at the front, ip_off 0, ip_len whole) or NULL when the fragment
 * was queued or dropped.
 */
struct rte_mbuf *ip_reass_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int *lflags);
/* Free every queue (detach; IP's pr_drain when memory is short). */
void ip_reass_drain(struct ff_ctx *ctx);

/*
 * Options (ip_options.c): 0 to go on, 1 when m was consumed (dropped or
 * answered with an ICMP error).
 */
int ip_dooptions(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags);

/* Internal: the datagram's next id. */
static inline uint16_t
ip_newid(struct ip_state *ips)
{
	return (ips->ip_id++);
}

#endif /* _NETINET_IP_VAR_H_ */
