/*
 * route.h - the IPv4 routing table of one stack, after FreeBSD's
 * net/route.h.
 *
 * Longest-prefix match is net/rib.h's trie (DPDK's rte_rib); each
 * trie node carries our entry record (struct rtentry) in its extension
 * area: destination, mask, gateway, flags, interface, source address,
 * use count and MTU, which ff-route and ff-netstat -r list.
 *
 * API for the routing messages (RTM_ADD, RTM_DELETE, RTM_GET): plain
 * functions returning 0 or a negative errno.
 */
#ifndef _NET_ROUTE_H_
#define _NET_ROUTE_H_

#include <stdint.h>
#include <netinet/in.h>

struct ff_ctx;
struct ifnet;
struct in_ifaddr;
struct rib;

/* Route flags: FreeBSD's values. */
#define RTF_UP	      0x1      /* route usable */
#define RTF_GATEWAY   0x2      /* destination is a gateway */
#define RTF_HOST      0x4      /* host entry (net otherwise) */
#define RTF_REJECT    0x8      /* host or net unreachable */
#define RTF_DYNAMIC   0x10     /* created dynamically (redirect) */
#define RTF_DONE      0x40     /* message confirmed */
#define RTF_LLINFO    0x400    /* link-level info (ARP) */
#define RTF_STATIC    0x800    /* manually added */
#define RTF_BLACKHOLE 0x1000   /* just discard packets */
#define RTF_PINNED    0x100000 /* connected route: not deletable by hand */
#define RTF_LOCAL     0x200000 /* route to one of our addresses */

struct rtentry {
	struct in_addr rt_dst;	   /* destination, masked */
	struct in_addr rt_netmask; /* mask */
	uint8_t rt_plen;	   /* prefix length 0..32 */
	struct in_addr rt_gateway; /* next hop, when RTF_GATEWAY */
	uint32_t rt_flags;	   /* RTF_* */
	struct ifnet *rt_ifp;	   /* outgoing interface */
	struct in_ifaddr *rt_ifa;  /* source address for this route */
	uint64_t rt_use;	   /* packets sent through it */
	uint32_t rt_mtu;	   /* 0 = the interface's */
	uint64_t rt_expire;	   /* 0 = never */
};

struct rt_state {
	struct rib *rt_rib; /* the trie; entries in node ext */
	int rt_count;	    /* entries */
	int rt_max;	    /* capacity (trie nodes / 2) */
	char rt_name[32];   /* unique trie name */
	/* The last rt_lookup(): valid until a route is added or deleted. */
	struct in_addr rt_last_dst;
	struct rtentry *rt_last;
};

#define V_rt(ctx) ((ctx)->vnet.v_rt)

/* What rt_add() is asked for (a routing message, or the stack itself). */
struct rt_addinfo {
	struct in_addr ra_dst;
	int ra_plen;		   /* 0..32 */
	struct in_addr ra_gateway; /* with RTF_GATEWAY */
	uint32_t ra_flags;	   /* RTF_* (RTF_UP added) */
	struct ifnet *ra_ifp;	   /* NULL: from the gateway's subnet */
	struct in_ifaddr *ra_ifa;  /* NULL: the interface's primary */
	uint32_t ra_mtu;	   /* 0 = interface MTU */
};

/* Table life; 0 or a negative errno. */
int rt_init(struct ff_ctx *ctx);
void rt_fini(struct ff_ctx *ctx);

/*
 * Add a route.  Returns 0, -EEXIST (same destination and prefix),
 * -ENETUNREACH (gateway not on a connected subnet), -EINVAL (bad prefix,
 * no interface), -ENOBUFS (table full).
 */
int rt_add(struct ff_ctx *ctx, const struct rt_addinfo *info);
/* Delete dst/plen: 0 or -ESRCH (not in table). */
int rt_delete(struct ff_ctx *ctx, struct in_addr dst, int plen);
/* Delete every route through ifp, or using ia as source address. */
void rt_delete_ifp(struct ff_ctx *ctx, struct ifnet *ifp);
void rt_delete_ifa(struct ff_ctx *ctx, struct in_ifaddr *ia);

/* Longest-prefix match for dst, or NULL. */
struct rtentry *rt_lookup(struct ff_ctx *ctx, struct in_addr dst);
/* Exact dst/plen, or NULL. */
struct rtentry *
rt_lookup_exact(struct ff_ctx *ctx, struct in_addr dst, int plen);

/*
 * Call fn for every route in address order (default route first),
 * stopping when it returns non-zero; returns that value.  fn must not
 * add or delete routes.
 */
int rt_foreach(struct ff_ctx *ctx,
    int (*fn)(void *arg, const struct rtentry *rt), void *arg);

#endif /* _NET_ROUTE_H_ */
