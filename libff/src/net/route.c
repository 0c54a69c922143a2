/*
 * route.c - the IPv4 routing table (FreeBSD's net/route.c and
 * net/route/route_ctl.c, much reduced).
 *
 * Entry points: rt_init(), rt_fini(), rt_add(), rt_delete(),
 * rt_delete_ifp(), rt_delete_ifa(), rt_lookup(), rt_lookup_exact(),
 * rt_foreach().
 *
 * Longest-prefix match is net/rib.h's (DPDK's rte_rib); our struct
 * rtentry lives in each node's extension area, so a lookup returns the
 * record directly.  The trie also creates nodes for trie branching that carry no route: those are
 * told apart by rt_flags == 0 (every real route has RTF_UP).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/rib.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/in_var.h"

#define RT_MAX_ROUTES 4096

int
rt_init(struct ff_ctx *ctx)
{
	struct rt_state *rs = V_rt(ctx);

	/* Trie names are process-wide: the context's address is unique. */
	snprintf(rs->rt_name, sizeof(rs->rt_name), "ffrt%p", (void *)ctx);
	/* Routes plus branch nodes. */
	rs->rt_rib =
	    rib_create(rs->rt_name, RT_MAX_ROUTES * 2, sizeof(struct rtentry));
	if (rs->rt_rib == NULL)
		return (-ENOMEM);
	rs->rt_count = 0;
	rs->rt_max = RT_MAX_ROUTES;
	rs->rt_last = NULL;
	return (0);
}

void
rt_fini(struct ff_ctx *ctx)
{
	struct rt_state *rs = V_rt(ctx);

	if (rs->rt_rib != NULL)
		rib_free(rs->rt_rib);
	rs->rt_rib = NULL;
	rs->rt_count = 0;
	rs->rt_last = NULL;
}

static struct rtentry *
rt_from_node(struct rib_node *node)
{
	struct rtentry *rt;

	if (node == NULL)
		return (NULL);
	rt = rib_ext(node);
	return (rt->rt_flags != 0 ? rt : NULL);
}

/*
 * The longest match for dst.  Every segment of a connection asks for
 * the same destination: the last answer is kept, as FreeBSD's inpcb
 * keeps its route until the table's generation moves, here until
 * rt_add() or rt_delete() changes which entry matches (an entry's own
 * fields, flags and MTU, are read through the pointer, so a change of
 * them is seen at once).
 */
struct rtentry *
rt_lookup(struct ff_ctx *ctx, struct in_addr dst)
{
	struct rt_state *rs = V_rt(ctx);
	struct rib_node *node;
	struct rtentry *rt;

	if (rs->rt_last != NULL && rs->rt_last_dst.s_addr == dst.s_addr)
		return (rs->rt_last);
	node = rib_lookup(rs->rt_rib, ntohl(dst.s_addr));
	/* Skip branch nodes up to the nearest real route. */
	while (node != NULL) {
		if ((rt = rt_from_node(node)) != NULL) {
			rs->rt_last_dst = dst;
			rs->rt_last = rt;
			return (rt);
		}
		node = rib_lookup_parent(node);
	}
	return (NULL);
}

struct rtentry *
rt_lookup_exact(struct ff_ctx *ctx, struct in_addr dst, int plen)
{
	uint32_t a;

	if (plen < 0 || plen > 32)
		return (NULL);
	a = ntohl(dst.s_addr) & rib_depth_to_mask((uint8_t)plen);
	return (rt_from_node(
	    rib_lookup_exact(V_rt(ctx)->rt_rib, a, (uint8_t)plen)));
}

/* Interface and source address for a new route: 0 or a negative errno. */
static int
rt_resolve_ifp(struct ff_ctx *ctx, const struct rt_addinfo *info,
    struct ifnet **ifpp, struct in_ifaddr **iap)
{
	struct rtentry *gwrt;

	*ifpp = info->ra_ifp;
	*iap = info->ra_ifa;
	if ((info->ra_flags & RTF_GATEWAY) != 0 && *ifpp == NULL) {
		/* The gateway must sit on a directly connected subnet. */
		gwrt = rt_lookup(ctx, info->ra_gateway);
		if (gwrt == NULL || (gwrt->rt_flags & RTF_GATEWAY) != 0 ||
		    (gwrt->rt_flags & RTF_LOCAL) != 0)
			return (-ENETUNREACH);
		*ifpp = gwrt->rt_ifp;
		if (*iap == NULL)
			*iap = gwrt->rt_ifa;
	}
	if (*ifpp == NULL)
		return (-EINVAL);
	if (*iap == NULL)
		*iap = in_ifaddr_primary(*ifpp);
	return (0);
}

int
rt_add(struct ff_ctx *ctx, const struct rt_addinfo *info)
{
	struct rt_state *rs = V_rt(ctx);
	struct rib_node *node;
	struct in_ifaddr *ia;
	struct ifnet *ifp;
	struct rtentry *rt;
	uint32_t mask, a;
	int error;

	if (info->ra_plen < 0 || info->ra_plen > 32)
		return (-EINVAL);
	mask = rib_depth_to_mask((uint8_t)info->ra_plen);
	a = ntohl(info->ra_dst.s_addr) & mask;
	if (rt_lookup_exact(ctx, info->ra_dst, info->ra_plen) != NULL)
		return (-EEXIST);
	if (rs->rt_count >= rs->rt_max)
		return (-ENOBUFS);
	if ((error = rt_resolve_ifp(ctx, info, &ifp, &ia)) != 0)
		return (error);
	node = rib_lookup_exact(rs->rt_rib, a, (uint8_t)info->ra_plen);
	if (node == NULL)
		node = rib_insert(rs->rt_rib, a, (uint8_t)info->ra_plen);
	if (node == NULL)
		return (-ENOBUFS);
	rt = rib_ext(node);
	memset(rt, 0, sizeof(*rt));
	rt->rt_dst.s_addr = htonl(a);
	rt->rt_netmask.s_addr = htonl(mask);
	rt->rt_plen = (uint8_t)info->ra_plen;
	rt->rt_gateway = info->ra_gateway;
	rt->rt_flags = info->ra_flags | RTF_UP;
	if (info->ra_plen == 32)
		rt->rt_flags |= RTF_HOST;
	rt->rt_ifp = ifp;
	rt->rt_ifa = ia;
	rt->rt_mtu = info->ra_mtu;
	rs->rt_count++;
	rs->rt_last = NULL; /* it may match closer */
	return (0);
}

int
rt_delete(struct ff_ctx *ctx, struct in_addr dst, int plen)
{
	struct rt_state *rs = V_rt(ctx);
	struct rtentry *rt;

	if ((rt = rt_lookup_exact(ctx, dst, plen)) == NULL)
		return (-ESRCH);
	rt->rt_flags = 0; /* in case the trie keeps the node for branching */
	rib_remove(rs->rt_rib, ntohl(rt->rt_dst.s_addr), rt->rt_plen);
	rs->rt_count--;
	rs->rt_last = NULL;
	return (0);
}

/* Collect up to n matching routes (the table cannot change mid-walk). */
struct rt_match {
	struct ifnet *m_ifp;
	struct in_ifaddr *m_ia;
	struct in_addr m_dst[64];
	int m_plen[64];
	int m_n;
};

static int
rt_match_cb(void *arg, const struct rtentry *rt)
{
	struct rt_match *mt = arg;

	if ((mt->m_ifp != NULL && rt->rt_ifp == mt->m_ifp) ||
	    (mt->m_ia != NULL && rt->rt_ifa == mt->m_ia)) {
		mt->m_dst[mt->m_n] = rt->rt_dst;
		mt->m_plen[mt->m_n] = rt->rt_plen;
		if (++mt->m_n == 64)
			return (1);
	}
	return (0);
}

static void
rt_delete_matching(struct ff_ctx *ctx, struct ifnet *ifp, struct in_ifaddr *ia)
{
	struct rt_match mt;
	int i, more;

	do {
		memset(&mt, 0, sizeof(mt));
		mt.m_ifp = ifp;
		mt.m_ia = ia;
		more = rt_foreach(ctx, rt_match_cb, &mt);
		for (i = 0; i < mt.m_n; i++)
			rt_delete(ctx, mt.m_dst[i], mt.m_plen[i]);
	} while (more != 0);
}

void
rt_delete_ifp(struct ff_ctx *ctx, struct ifnet *ifp)
{
	rt_delete_matching(ctx, ifp, NULL);
}

void
rt_delete_ifa(struct ff_ctx *ctx, struct in_ifaddr *ia)
{
	rt_delete_matching(ctx, NULL, ia);
}

int
rt_foreach(struct ff_ctx *ctx, int (*fn)(void *arg, const struct rtentry *rt),
    void *arg)
{
	struct rib *rib = V_rt(ctx)->rt_rib;
	struct rib_node *node = NULL;
	struct rtentry *rt;
	int r;

	if (rib == NULL)
		return (0);
	/* rib_next() leaves out the covering prefix: 0/0 first. */
	rt = rt_from_node(rib_lookup_exact(rib, 0, 0));
	if (rt != NULL && (r = fn(arg, rt)) != 0)
		return (r);
	while ((node = rib_next(rib, node)) != NULL) {
		rt = rt_from_node(node);
		if (rt != NULL && rt->rt_plen != 0 && (r = fn(arg, rt)) != 0)
			return (r);
	}
	return (0);
}
