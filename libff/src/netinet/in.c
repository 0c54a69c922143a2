/*
 * in.c - IPv4 interface addresses (FreeBSD's netinet/in.c): add and
 * delete, with the connected and local routes and the gratuitous ARP that
 * go with them, and the "is this address ours / a broadcast" questions.
 *
 * Entry points: in_init(), in_fini(), in_addr_add(), in_addr_delete(),
 * in_ifdetach(), in_ifaddr_lookup(), in_ifaddr_primary(),
 * in_ifaddr_onlink(), in_localip(), in_broadcast(), in_mask2len(),
 * in_len2mask().  RFC 1122 3.2.1.3 (addressing), RFC 5227 (announce).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/arp_var.h"

void
in_init(struct ff_ctx *ctx)
{
	TAILQ_INIT(&V_in(ctx)->in_ifaddrhead);
	V_in(ctx)->in_naddrs = 0;
}

void
in_fini(struct ff_ctx *ctx)
{
	/* Addresses belong to interfaces: if_fini() removed them. */
}

int
in_mask2len(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int len = 0;

	while (len < 32 && (m & (0x80000000u >> len)) != 0)
		len++;
	if (len < 32 && (m << len) != 0)
		return (-1); /* not contiguous */
	return (len);
}

struct in_addr
in_len2mask(int len)
{
	struct in_addr a;

	a.s_addr = htonl(len <= 0 ? 0 : 0xffffffffu << (32 - len));
	return (a);
}

struct in_ifaddr *
in_ifaddr_lookup(struct ff_ctx *ctx, struct in_addr addr)
{
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ia, &V_in(ctx)->in_ifaddrhead, ia_global)
	if (ia->ia_addr.s_addr == addr.s_addr)
		return (ia);
	return (NULL);
}

struct in_ifaddr *
in_ifaddr_primary(struct ifnet *ifp)
{
	return (TAILQ_FIRST(&ifp->if_addrhead));
}

struct in_ifaddr *
in_ifaddr_onlink(struct ifnet *ifp, struct in_addr addr)
{
	struct in_ifaddr *ia;
	uint32_t a = ntohl(addr.s_addr);

	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
	if ((a & ia->ia_subnetmask) == ia->ia_subnet)
		return (ia);
	return (NULL);
}

int
in_localip(struct ff_ctx *ctx, struct in_addr addr)
{
	return (in_ifaddr_lookup(ctx, addr) != NULL);
}

int
in_broadcast(struct in_addr addr, const struct ifnet *ifp)
{
	const struct in_ifaddr *ia;
	uint32_t a = ntohl(addr.s_addr);

	if (addr.s_addr == INADDR_BROADCAST || addr.s_addr == INADDR_ANY)
		return (1);
	if ((ifp->if_flags & IFF_BROADCAST) == 0)
		return (0);
	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
	{
		if (addr.s_addr == ia->ia_broadaddr.s_addr)
			return (1);
		/* The old all-zeros broadcast of the subnet (RFC 1122). */
		if (ia->ia_subnetmask != 0xffffffffu && a == ia->ia_subnet &&
		    ia->ia_subnetmask != 0)
			return (1);
	}
	return (0);
}

/* Install the connected route of ia unless another address has it. */
static void
in_addroute(struct ff_ctx *ctx, struct in_ifaddr *ia)
{
	struct rt_addinfo ri;
	int plen = in_mask2len(ia->ia_netmask);

	memset(&ri, 0, sizeof(ri));
	if (plen < 32 && rt_lookup_exact(ctx, ia->ia_addr, plen) == NULL) {
		ri.ra_dst = ia->ia_addr;
		ri.ra_plen = plen;
		ri.ra_flags = RTF_PINNED;
		ri.ra_ifp = ia->ia_ifp;
		ri.ra_ifa = ia;
		if (rt_add(ctx, &ri) == 0)
			ia->ia_flags |= IFA_ROUTE;
	}
	/* The local host route through lo0 (netstat -r: UHS lo0). */
	if (V_if(ctx)->if_loif != NULL && ia->ia_ifp != V_if(ctx)->if_loif &&
	    rt_lookup_exact(ctx, ia->ia_addr, 32) == NULL) {
		memset(&ri, 0, sizeof(ri));
		ri.ra_dst = ia->ia_addr;
		ri.ra_plen = 32;
		ri.ra_flags = RTF_STATIC | RTF_LOCAL | RTF_PINNED;
		ri.ra_ifp = V_if(ctx)->if_loif;
		ri.ra_ifa = ia;
		(void)rt_add(ctx, &ri);
	}
}

static int
in_addr_check(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr addr,
    struct in_addr mask)
{
	struct in_ifaddr *ia;
	uint32_t a = ntohl(addr.s_addr);

	if (in_mask2len(mask) < 0 || addr.s_addr == INADDR_ANY ||
	    addr.s_addr == INADDR_BROADCAST || IN_MULTICAST(a))
		return (-EINVAL);
	if ((ia = in_ifaddr_lookup(ctx, addr)) != NULL)
		return (ia->ia_ifp == ifp ? -EEXIST : -EADDRINUSE);
	return (0);
}

int
in_addr_add(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr addr,
    struct in_addr mask, struct in_addr bcast, int flags)
{
	struct in_ifaddr *ia;
	int error;

	if ((error = in_addr_check(ctx, ifp, addr, mask)) != 0)
		return (error);
	if ((ia = calloc(1, sizeof(*ia))) == NULL)
		return (-ENOMEM);
	ia->ia_ifp = ifp;
	ia->ia_addr = addr;
	ia->ia_netmask = mask;
	ia->ia_subnetmask = ntohl(mask.s_addr);
	ia->ia_subnet = ntohl(addr.s_addr) & ia->ia_subnetmask;
	if (bcast.s_addr != INADDR_ANY)
		ia->ia_broadaddr = bcast;
	else
		ia->ia_broadaddr.s_addr =
		    htonl(ia->ia_subnet | ~ia->ia_subnetmask);
	ia->ia_flags = flags & IA_VIP;
	TAILQ_INSERT_TAIL(&ifp->if_addrhead, ia, ia_link);
	TAILQ_INSERT_TAIL(&V_in(ctx)->in_ifaddrhead, ia, ia_global);
	V_in(ctx)->in_naddrs++;
	in_addroute(ctx, ia);
	/* Announce it (RFC 5227 2.3), which also refreshes neighbours. */
	if (ifp->if_type == IFT_ETHER && (ifp->if_flags & IFF_UP) != 0)
		(void)arprequest(ctx, ifp, addr, addr);
	return (0);
}

/* Free ia: its routes, then the record (or hand its prefix on). */
static void
in_ifaddr_free(struct ff_ctx *ctx, struct in_ifaddr *ia)
{
	struct ifnet *ifp = ia->ia_ifp;
	struct in_ifaddr *other;

	TAILQ_REMOVE(&ifp->if_addrhead, ia, ia_link);
	TAILQ_REMOVE(&V_in(ctx)->in_ifaddrhead, ia, ia_global);
	V_in(ctx)->in_naddrs--;
	rt_delete_ifa(ctx, ia);
	/* Another address on the same prefix takes the connected route. */
	TAILQ_FOREACH(other, &ifp->if_addrhead, ia_link)
	if ((other->ia_flags & IFA_ROUTE) == 0)
		in_addroute(ctx, other);
	free(ia);
}

int
in_addr_delete(struct ff_ctx *ctx, struct ifnet *ifp, struct in_addr addr)
{
	struct in_ifaddr *ia;

	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
	if (ia->ia_addr.s_addr == addr.s_addr)
		break;
	if (ia == NULL)
		return (-EADDRNOTAVAIL);
	in_ifaddr_free(ctx, ia);
	arp_prune(ctx, ifp); /* entries no longer on a subnet of ifp */
	return (0);
}

void
in_ifdetach(struct ff_ctx *ctx, struct ifnet *ifp)
{
	struct in_ifaddr *ia;

	while ((ia = TAILQ_FIRST(&ifp->if_addrhead)) != NULL) {
		TAILQ_REMOVE(&ifp->if_addrhead, ia, ia_link);
		TAILQ_REMOVE(&V_in(ctx)->in_ifaddrhead, ia, ia_global);
		V_in(ctx)->in_naddrs--;
		rt_delete_ifa(ctx, ia);
		free(ia);
	}
}
