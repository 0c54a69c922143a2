/*
 * if_var.h - network interfaces (struct ifnet) of one stack, after
 * FreeBSD's net/if_var.h.
 *
 * An interface is either an Ethernet port (f-stack-N, backed by a
 * struct ff_port) or the loopback lo0.  It carries flags, MTU, link-level
 * address, its IPv4 addresses (struct in_ifaddr, netinet/in_var.h) and
 * FreeBSD's per-interface counters.
 *
 * API for the interface ioctls (ff-ifconfig): plain functions returning
 * 0 or a negative errno.
 */
#ifndef _NET_IF_VAR_H_
#define _NET_IF_VAR_H_

#include <stdint.h>
#include <sys/queue.h>

#include "ff_config.h"
#include "net/if_ether.h"

struct ff_ctx;
struct ff_port;
struct rte_mbuf;
struct in_ifaddr;

#define IFNAMSIZ 16

/* Interface flags: FreeBSD's values (net/if.h). */
#define IFF_UP	      0x1    /* administratively up */
#define IFF_BROADCAST 0x2    /* broadcast address valid */
#define IFF_LOOPBACK  0x8    /* a loopback net */
#define IFF_RUNNING   0x40   /* IFF_DRV_RUNNING: resources up */
#define IFF_PROMISC   0x100  /* receive all frames */
#define IFF_SIMPLEX   0x800  /* cannot hear own transmissions */
#define IFF_MULTICAST 0x8000 /* supports multicast */

/*
 * Capabilities (if_capabilities: what the port can do; if_capenable:
 * what is on).  FreeBSD's values (net/if.h); ifconfig's options=.
 */
#define IFCAP_RXCSUM	     0x00001 /* checks IPv4/TCP/UDP sums on rx */
#define IFCAP_TXCSUM	     0x00002 /* computes them on tx */
#define IFCAP_VLAN_MTU	     0x00008 /* carries full-size tagged frames */
#define IFCAP_VLAN_HWTAGGING 0x00010 /* strips/inserts 802.1Q tags */
#define IFCAP_JUMBO_MTU	     0x00020 /* frames over 1500 bytes */
#define IFCAP_TSO4	     0x00100 /* TCP segmentation over IPv4 */
#define IFCAP_LRO	     0x00400 /* coalesces received TCP segments */
#define IFCAP_VLAN_HWFILTER  0x10000 /* filters VLAN ids in hardware */
#define IFCAP_LINKSTATE	     0x80000 /* reports link state */

/* Interface types (IANA ifType, FreeBSD net/if_types.h). */
#define IFT_ETHER 0x06
#define IFT_LOOP  0x18

/*
 * Always 0 in ff, for the reason before each colon (FreeBSD counts them
 * in its drivers; tests/stack/test_counters_move.py holds them
 * at 0 and checks that every other counter moves):
 *	no shared medium: collisions
 *	frames keep DPDK's headroom, a refusal is oqdrops: oerrors
 */
/*
 * Per-interface counters, in FreeBSD's ift_counter order: X(NAME, name)
 * makes IFCOUNTER_NAME and the name the tools and tests know it by.
 */
#define IFCOUNTER_LIST(X)                                                     \
	X(IPACKETS, ipackets)	  /* frames received */                       \
	X(IERRORS, ierrors)	  /* input errors (bad frames) */             \
	X(OPACKETS, opackets)	  /* frames the port took */                  \
	X(OERRORS, oerrors)	  /* output errors */                         \
	X(COLLISIONS, collisions) /* always 0 (above) */                      \
	X(IBYTES, ibytes)	  /* bytes received */                        \
	X(OBYTES, obytes)	  /* bytes sent */                            \
	X(IMCASTS, imcasts)	  /* multicast/broadcast frames received */   \
	X(OMCASTS, omcasts)	  /* multicast/broadcast frames sent */       \
	X(IQDROPS, iqdrops)	  /* dropped on input (no resources, VLAN) */ \
	X(OQDROPS, oqdrops)	  /* dropped on output */                     \
	X(NOPROTO, noproto)	  /* unknown or unsupported protocol */

#define IFCOUNTER_ENUM(N, n) IFCOUNTER_##N,
enum ift_counter { IFCOUNTER_LIST(IFCOUNTER_ENUM) IFCOUNTERS };
#undef IFCOUNTER_ENUM
_Static_assert(IFCOUNTER_IPACKETS == 0 && IFCOUNTER_NOPROTO == 11,
    "FreeBSD's ift_counter numbers");

struct ifnet {
	TAILQ_ENTRY(ifnet) if_link;  /* all interfaces of the stack */
	char if_xname[IFNAMSIZ];     /* f-stack-0, lo0 */
	uint16_t if_index;	     /* 1, 2, ...; never reused while up */
	uint8_t if_type;	     /* IFT_ETHER, IFT_LOOP */
	uint32_t if_flags;	     /* IFF_* */
	uint32_t if_mtu;	     /* IP MTU */
	uint32_t if_capabilities;    /* IFCAP_*: what it can do */
	uint32_t if_capenable;	     /* IFCAP_*: what is on */
	uint32_t if_hwassist;	     /* CSUM_* the port does on tx */
	uint16_t if_txsegmax;	     /* most mbufs in one frame it sends */
	struct ether_addr if_lladdr; /* link-level address */
	struct ff_port *if_port;     /* NULL for lo0 */
	TAILQ_HEAD(, in_ifaddr) if_addrhead; /* IPv4 addresses, primary first */
	uint64_t if_counters[IFCOUNTERS];    /* enum ift_counter */
};

TAILQ_HEAD(ifnethead, ifnet);

/* Interfaces of one stack (struct ff_stack). */
struct if_state {
	struct ifnethead if_list; /* in index order */
	uint16_t if_nextindex;	  /* index of the next attach */
	struct ifnet *if_loif;	  /* lo0 */
	int if_loopdepth;	  /* nesting of if_simloop() */
};

/* This stack's interfaces (FreeBSD's V_ifnet). */
#define V_if(ctx) ((ctx)->vnet.v_if)

static inline void
if_inc_counter(struct ifnet *ifp, enum ift_counter c, uint64_t n)
{
	ifp->if_counters[c] += n;
}

/* Life of the interface list: init empty, fini detaches everything. */
void if_init(struct ff_ctx *ctx);
void if_fini(struct ff_ctx *ctx);

/*
 * Attach an interface: an Ethernet port (port != NULL, type IFT_ETHER) or
 * the loopback.  Returns the ifnet or NULL with errno (EEXIST name taken,
 * ENOMEM).
 */
struct ifnet *if_attach(
    struct ff_ctx *ctx, const char *name, uint8_t type, struct ff_port *port);
/* Remove addresses, routes and ARP entries, then free ifp. */
void if_detach(struct ff_ctx *ctx, struct ifnet *ifp);

/* Lookups: NULL when there is no such interface. */
struct ifnet *ifunit(struct ff_ctx *ctx, const char *name);
struct ifnet *ifnet_byindex(struct ff_ctx *ctx, uint16_t index);

/*
 * Change flags (IFF_UP, IFF_PROMISC; others are read-only and ignored) or
 * the MTU (68 .. the port's maximum).  0, or -EINVAL / the port's error.
 */
int if_setflags(struct ff_ctx *ctx, struct ifnet *ifp, uint32_t flags);
int if_setmtu(struct ff_ctx *ctx, struct ifnet *ifp, uint32_t mtu);

/*
 * SIOCSIFCAP: if_capenable becomes capenable (ifconfig [-]rxcsum,
 * [-]txcsum, [-]tso4).  Only IFCAP_RXCSUM, IFCAP_TXCSUM and IFCAP_TSO4
 * of a port change, and only those it was started with (the device's
 * offloads are configured once, at open).  if_hwassist follows:
 * -txcsum takes CSUM_IP, CSUM_IP_TCP, CSUM_IP_UDP and TSO (IFCAP_TSO4
 * needs IFCAP_TXCSUM, as FreeBSD's drivers say) away, txcsum and tso4
 * give back what the port offers.  0, or -EINVAL (a capability the
 * interface does not have), -EOPNOTSUPP (one that cannot change: lo0,
 * started off, not a checksum one), -EAGAIN (tso4 without txcsum).
 */
int if_setcap(struct ifnet *ifp, uint32_t capenable);

/*
 * 1 when ifp's port buffer is full of frames its device refused: the
 * next frame would be dropped (ENOBUFS).  0 for lo0 and a free port.
 */
int if_snd_full(const struct ifnet *ifp);

/*
 * Loopback output: hand an IPv4 packet (no link header) back to
 * ip_input as if received on lo0.  Consumes m; 0 or a negative errno.
 */
int
if_simloop_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m);

#endif /* _NET_IF_VAR_H_ */
