/*
 * in_var.h - IPv4 interface addresses (struct in_ifaddr), after FreeBSD's
 * netinet/in_var.h.
 *
 * An interface holds several addresses: the primary (first), aliases and
 * [portN] vip_addr entries.  Adding an address installs the connected
 * route of its prefix and a host route to lo0, and announces the address
 * with a gratuitous ARP; deleting it removes both routes and the ARP
 * entries learnt through it.
 *
 * API for the interface ioctls (SIOCAIFADDR/SIOCDIFADDR): 0 or a
 * negative errno.
 */
#ifndef _NETINET_IN_VAR_H_
#define _NETINET_IN_VAR_H_

#include <stdint.h>
#include <sys/queue.h>
#include <netinet/in.h>

struct ff_ctx;
struct ifnet;

struct in_ifaddr {
	TAILQ_ENTRY(in_ifaddr) ia_link;	  /* on the interface */
	TAILQ_ENTRY(in_ifaddr) ia_global; /* on the stack's list */
	struct ifnet *ia_ifp;		  /* back pointer */
	struct in_addr ia_addr;		  /* the address */
	struct in_addr ia_netmask;	  /* its mask */
	struct in_addr ia_broadaddr;	  /* subnet broadcast */
	uint32_t ia_subnet;		  /* addr & mask, host order */
	uint32_t ia_subnetmask;		  /* mask, host order */
	int ia_flags;			  /* IFA_ROUTE, IA_VIP */
};

#define IFA_ROUTE 0x01 /* installed the connected route */
#define IA_VIP	  0x10 /* came from vip_addr */

TAILQ_HEAD(in_ifaddrhead, in_ifaddr);

struct in_state {
	struct in_ifaddrhead in_ifaddrhead; /* every address, all ifs */
	int in_naddrs;			    /* how many */
};

#define V_in(ctx) ((ctx)->vnet.v_in)

void in_init(struct ff_ctx *ctx);
void in_fini(struct ff_ctx *ctx);

/*
 * Add addr/mask to ifp; bcast 0 means the subnet broadcast.  Returns 0,
 * -EEXIST (already on this interface), -EADDRINUSE (on another one),
 * -EINVAL (bad address or mask), -ENOMEM.
 */
int in_addr_add(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr addr,
    struct in_addr mask, struct in_addr bcast, int flags);
/* Remove addr from ifp: 0 or -EADDRNOTAVAIL. */
int in_addr_delete(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr addr);
/* Remove every address of ifp. */
void in_ifdetach(struct ff_ctx *ctx, struct ifnet *ifp);

/* The in_ifaddr holding exactly addr (any interface), or NULL. */
struct in_ifaddr *in_ifaddr_lookup(struct ff_ctx *ctx, struct in_addr addr);
/* The primary address of ifp, or NULL. */
struct in_ifaddr *in_ifaddr_primary(struct ifnet *ifp);
/* The address of ifp whose subnet holds addr, or NULL. */
struct in_ifaddr *in_ifaddr_onlink(struct ifnet *ifp, struct in_addr addr);
/* 1 when addr is one of ours. */
int in_localip(struct ff_ctx *ctx, struct in_addr addr);
/* 1 when addr is a broadcast address on ifp (limited, subnet, any). */
int in_broadcast(struct in_addr addr, const struct ifnet *ifp);
/* Prefix length of a contiguous netmask, or -1. */
int in_mask2len(struct in_addr mask);
struct in_addr in_len2mask(int len);

/* The Internet domain: ip, icmp, udp, tcp (in_proto.c). */
struct domain;
extern const struct domain inetdomain;

#endif /* _NETINET_IN_VAR_H_ */
