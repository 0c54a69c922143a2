/*
 * icmp_var.h - ICMP statistics and state, after FreeBSD's
 * netinet/icmp_var.h.  struct icmpstat keeps FreeBSD's field names and
 * order (net.inet.icmp.stats, "S,icmpstat").
 */
#ifndef _NETINET_ICMP_VAR_H_
#define _NETINET_ICMP_VAR_H_

#include <stdint.h>

#include "kern/kern_sysctl_stats.h"
#include "netinet/ip_icmp.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;

#define ICMPSTAT_LIST(X, A)                                                    \
	/* Messages generated. */                                              \
	X(icps_error)	 /* calls to icmp_error */                             \
	X(icps_oldshort) /* no error: old ip too short */                      \
	X(icps_oldicmp)	 /* no error: old was an icmp error */                 \
	A(icps_outhist, ICMP_MAXTYPE + 1) /* sent, by type */                  \
	/* Messages received. */                                               \
	X(icps_badcode)			 /* icmp_code out of range */          \
	X(icps_tooshort)		 /* packet < ICMP_MINLEN */            \
	X(icps_checksum)		 /* bad checksum */                    \
	X(icps_badlen)			 /* calculated bound mismatch */       \
	X(icps_reflect)			 /* responses sent */                  \
	A(icps_inhist, ICMP_MAXTYPE + 1) /* received, by type */               \
	X(icps_bmcastecho)		 /* b/mcast echo requests dropped */   \
	X(icps_bmcasttstamp)		 /* b/mcast tstamp requests dropped */ \
	X(icps_badaddr)			 /* bad return address */              \
	X(icps_noroute)			 /* no route back */

struct icmpstat {
	ICMPSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(icmpstat, ICMPSTAT_LIST);

/*
 * Rate-limited kinds, after FreeBSD's BANDLIM_*: each gets its own
 * net.inet.icmp.icmplim per second (FreeBSD's badport_bandlim), and
 * what it suppressed is net.inet.icmp.bandlim.<leaf>.  X(KIND, leaf,
 * description) makes BANDLIM_KIND, the sysctl and the tests' name.
 * BANDLIM_UNLIMITED names a response that is never limited.
 */
#define BANDLIM_LIST(X)                                                        \
	X(ICMP_UNREACH, icmp_unreach, "Limited icmp unreach responses")        \
	X(ICMP_ECHO, icmp_ping, "Limited icmp ping responses")                 \
	X(ICMP_TSTAMP, icmp_tstamp, "Limited icmp tstamp responses")           \
	/* time exceeded, parameter problem */                                 \
	X(ICMP_OTHER, icmp_other,                                              \
	    "Limited icmp time exceeded and parameter problem responses")      \
	/* tcp_input: RST for a port nobody holds */                           \
	X(RST_CLOSEDPORT, rst_closedport, "Limited closed port RST responses") \
	/* tcp_input: RST from a listener or a connection (bad ACK in	\
	   the handshake) */        \
	X(RST_OPENPORT, rst_openport, "Limited open port RST responses")

#define BANDLIM_ENUM(K, leaf, descr) BANDLIM_##K,
enum icmp_bandlim {
	BANDLIM_UNLIMITED = -1,
	BANDLIM_LIST(BANDLIM_ENUM) BANDLIM_MAX
};
#undef BANDLIM_ENUM
_Static_assert(BANDLIM_ICMP_UNREACH == 0, "lim_dropped[] is by kind");

struct icmp_state {
	struct icmpstat icmpstat;      /* net.inet.icmp.stats */
	int icmplim;		       /* net.inet.icmp.icmplim, per second */
	int bmcastecho;		       /* net.inet.icmp.bmcastecho */
	int quotelen;		       /* net.inet.icmp.quotelen */
	uint64_t lim_sec[BANDLIM_MAX]; /* second being counted */
	int lim_count[BANDLIM_MAX];    /* messages in that second */
	uint64_t ratelimited;	       /* net.inet.icmp.ratelimited (ours) */
	uint64_t lim_dropped[BANDLIM_MAX]; /* net.inet.icmp.bandlim.* */
	uint64_t unknowntype;		   /* type > ICMP_MAXTYPE (ours) */
};

#define V_icmp(ctx)	     ((ctx)->vnet.v_icmp)
#define ICMPSTAT_INC(ctx, f) (V_icmp(ctx)->icmpstat.f++)

/* pr_init of ICMP (netinet/in_proto.c); always 0. */
int icmp_init(struct ff_ctx *ctx);
/* Register net.inet.icmp.*; 0 or a negative errno. */
int icmp_sysctl_attach(struct ff_ctx *ctx);

/* Input from ip_input: the IP header is at the front of m; consumes m. */
void icmp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp,
    struct rte_mbuf *m, int hlen, int lflags);

/*
 * Answer the packet m (IP header at the front) with an ICMP error of
 * (type, code); mtu goes into NEEDFRAG.  lflags carries M_BCAST/M_MCAST
 * from the link.  Consumes m whether or not an error is sent.
 */
void icmp_error_consume(struct ff_ctx *ctx, struct rte_mbuf *m, int type,
    int code, uint32_t mtu, int lflags);

/*
 * 1 when one more response of kind `which' may go out this second (an
 * ICMP message, or for BANDLIM_RST_* a TCP RST); 0 when it is to be
 * suppressed (counted).  BANDLIM_UNLIMITED always passes.
 */
int icmp_ratecheck(struct ff_ctx *ctx, enum icmp_bandlim which);

#endif /* _NETINET_ICMP_VAR_H_ */
