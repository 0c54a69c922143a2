/*
 * ether_var.h - Ethernet input and output (if_ethersubr.c): entry points
 * and the drops FreeBSD does not count anywhere else.
 */
#ifndef _NET_ETHER_VAR_H_
#define _NET_ETHER_VAR_H_

#include <stdint.h>
#include <netinet/in.h>

#include "kern/kern_sysctl_stats.h"

struct ff_ctx;
struct ifnet;
struct rte_mbuf;
struct ether_addr;

/*
 * Always 0 in ff, for the reason before each colon (a guard kept in the
 * code; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	every frame sent keeps DPDK's 128-byte headroom: ethx_nobufs
 */
/* net.link.ether.xstats (ours): every Ethernet-level drop by cause. */
#define ETHERXSTAT_LIST(X, A)                                    \
	X(ethx_tooshort) /* shorter than a header (ierrors) */   \
	X(ethx_vlandrop) /* tagged, vlan_accept off (noproto) */ \
	X(ethx_llc)	 /* 802.3 length field (noproto) */      \
	X(ethx_unknown)	 /* unknown ether type (noproto) */      \
	X(ethx_notours)	 /* unicast to another station */        \
	X(ethx_ifdown)	 /* interface down (iqdrops) */          \
	X(ethx_nobufs)	 /* no room for a link header */         \
	X(ethx_toolong)	 /* longer than the MTU allows (ierrors) */

struct etherxstat {
	ETHERXSTAT_LIST(STATS_X, STATS_A)
};
STATS_CHECK(etherxstat, ETHERXSTAT_LIST);

struct ether_state {
	struct etherxstat etherxstat;
	int vlan_accept; /* [dpdk] vlan_accept */
};

#define V_ether(ctx) ((ctx)->vnet.v_ether)

/* Register net.link.ether.xstats; 0 or a negative errno. */
int ether_sysctl_attach(struct ff_ctx *ctx);

/* A frame received on ifp; consumes m. */
void
ether_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m);

/*
 * Send the IPv4 packet m (no link header) on ifp to next hop `dst',
 * resolving it with ARP.  Consumes m.  0 (sent or queued for ARP), or a
 * negative errno (-EHOSTDOWN, -ENETDOWN, -ENOBUFS).
 */
int ether_output_consume(struct ff_ctx *ctx, struct ifnet *ifp,
    struct rte_mbuf *m, struct in_addr dst, int bcast);

/*
 * Prepend an Ethernet header (to dst, from ifp, type) and queue the frame
 * on the port.  Consumes m.  0 or a negative errno.
 */
int ether_output_frame(struct ff_ctx *ctx, struct ifnet *ifp,
    struct rte_mbuf *m, const struct ether_addr *dst, uint16_t type);

#endif /* _NET_ETHER_VAR_H_ */
