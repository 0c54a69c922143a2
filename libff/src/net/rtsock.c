/*
 * rtsock.c - FF_MSG_ROUTE: routing messages with FreeBSD's rt_msghdr
 * semantics (net/rtsock.c there): RTM_ADD, RTM_DELETE, RTM_CHANGE,
 * RTM_GET, and a multi-part dump of the table for ff-route show and
 * ff-netstat -r.  Messages with RTF_LLINFO go to the ARP table
 * (rtsock_lle.c).
 *
 * Entry point: ff_msg_route(), from the message dispatch table.  The
 * layout is in ff_msg.h.  Every field is checked before the table is
 * touched; a refused message leaves the table as it was.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "ipc/ff_msg_server.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "net/net_msg.h"

_Static_assert(FF_RTF_GATEWAY == RTF_GATEWAY && FF_RTF_HOST == RTF_HOST &&
	FF_RTF_STATIC == RTF_STATIC && FF_RTF_PINNED == RTF_PINNED &&
	FF_RTF_LOCAL == RTF_LOCAL && FF_RTF_LLINFO == RTF_LLINFO &&
	FF_RTF_BLACKHOLE == RTF_BLACKHOLE && FF_RTF_REJECT == RTF_REJECT,
    "route flags are FreeBSD's on both sides");

#define RTSOCK_MINMTU 68

/* What a checked message asks for. */
struct rtsock_req {
	struct in_addr rq_dst;
	int rq_plen;  /* from the netmask, or 32 */
	int rq_exact; /* a netmask was given */
	struct in_addr rq_gateway;
	int rq_has_gw;
	struct ifnet *rq_ifp;	  /* RTA_IFP, else NULL */
	struct in_ifaddr *rq_ifa; /* RTA_IFA, else NULL */
	uint32_t rq_mtu;	  /* RTV_MTU, else 0 */
};

/* The fixed part: lengths, version, type and the flag words. */
static int
rtsock_check(const struct ff_msg_hdr *req, struct ff_rt_msghdr *rtm)
{
	if (req->fm_len != sizeof(*req) + sizeof(*rtm))
		return (EINVAL);
	memcpy(rtm, req + 1, sizeof(*rtm));
	if (rtm->rtm_msglen != sizeof(*rtm) ||
	    rtm->rtm_version != FF_RTM_VERSION)
		return (EINVAL);
	if (rtm->rtm_type != FF_RTM_ADD && rtm->rtm_type != FF_RTM_DELETE &&
	    rtm->rtm_type != FF_RTM_CHANGE && rtm->rtm_type != FF_RTM_GET &&
	    rtm->rtm_type != FF_RTM_DUMP)
		return (EINVAL);
	if ((rtm->rtm_flags & ~FF_RTF_REQMASK) != 0 ||
	    (rtm->rtm_addrs & ~FF_RTA_ALL) != 0 ||
	    (rtm->rtm_inits &
		~(FF_RTV_MTU |
		    ((rtm->rtm_flags & FF_RTF_LLINFO) ? FF_RTV_EXPIRE : 0))) !=
		0)
		return (EINVAL); /* only ARP entries expire */
	if (memchr(rtm->rtm_ifname, '\0', sizeof(rtm->rtm_ifname)) == NULL)
		return (EINVAL);
	return (0);
}

/* The interface of RTA_IFP: by name, else by index. */
static int
rtsock_ifp(
    struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm, struct ifnet **ifpp)
{
	if (rtm->rtm_ifname[0] != '\0')
		return (net_msg_ifunit(ctx, rtm->rtm_ifname, ifpp));
	if (rtm->rtm_index == 0)
		return (EINVAL);
	*ifpp = ifnet_byindex(ctx, rtm->rtm_index);
	return (*ifpp == NULL ? ENXIO : 0);
}

static int
rtsock_dst(const struct ff_rt_msghdr *rtm, struct rtsock_req *rq)
{
	struct in_addr mask;
	int error;

	if ((rtm->rtm_addrs & FF_RTA_DST) == 0)
		return (EINVAL);
	if ((error = net_msg_sin_get(&rtm->rtm_dst, &rq->rq_dst)) != 0)
		return (error);
	rq->rq_plen = 32;
	if ((rtm->rtm_addrs & FF_RTA_NETMASK) == 0)
		return (0);
	if ((error = net_msg_sin_get(&rtm->rtm_netmask, &mask)) != 0)
		return (error);
	if ((rq->rq_plen = in_mask2len(mask)) < 0)
		return (EINVAL);
	/* A host route has no other mask. */
	if ((rtm->rtm_flags & FF_RTF_HOST) && rq->rq_plen != 32)
		return (EINVAL);
	rq->rq_exact = 1;
	return (0);
}

/* Every address and metric of the message, resolved. */
static int
rtsock_parse(
    struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm, struct rtsock_req *rq)
{
	struct in_addr ifa;
	int error;

	memset(rq, 0, sizeof(*rq));
	if ((error = rtsock_dst(rtm, rq)) != 0)
		return (error);
	if (rtm->rtm_addrs & FF_RTA_GATEWAY) {
		if ((error = net_msg_sin_get(
			 &rtm->rtm_gateway, &rq->rq_gateway)) != 0)
			return (error);
		rq->rq_has_gw = 1;
	}
	if ((rtm->rtm_addrs & FF_RTA_IFP) &&
	    (error = rtsock_ifp(ctx, rtm, &rq->rq_ifp)) != 0)
		return (error);
	if (rtm->rtm_addrs & FF_RTA_IFA) {
		if ((error = net_msg_sin_get(&rtm->rtm_ifa, &ifa)) != 0)
			return (error);
		if ((rq->rq_ifa = in_ifaddr_lookup(ctx, ifa)) == NULL)
			return (EADDRNOTAVAIL);
	}
	if (rtm->rtm_inits & FF_RTV_MTU) {
		rq->rq_mtu = rtm->rtm_rmx.rmx_mtu;
		if (rq->rq_mtu < RTSOCK_MINMTU || rq->rq_mtu > 65535)
			return (EINVAL);
	}
	return (0);
}

/* A route as a message: what RTM_GET answers and the dump lists. */
static void
rtsock_fill(const struct rtentry *rt, struct ff_rt_msghdr *out)
{
	memset(out, 0, sizeof(*out));
	out->rtm_msglen = sizeof(*out);
	out->rtm_version = FF_RTM_VERSION;
	out->rtm_flags = rt->rt_flags | FF_RTF_DONE;
	out->rtm_addrs = FF_RTA_DST | FF_RTA_NETMASK;
	net_msg_sin_set(&out->rtm_dst, rt->rt_dst);
	net_msg_sin_set(&out->rtm_netmask, rt->rt_netmask);
	if (rt->rt_flags & RTF_GATEWAY) {
		out->rtm_addrs |= FF_RTA_GATEWAY;
		net_msg_sin_set(&out->rtm_gateway, rt->rt_gateway);
	}
	if (rt->rt_ifp != NULL) {
		out->rtm_addrs |= FF_RTA_IFP;
		out->rtm_index = rt->rt_ifp->if_index;
		memcpy(out->rtm_ifname, rt->rt_ifp->if_xname,
		    sizeof(out->rtm_ifname));
		out->rtm_rmx.rmx_mtu =
		    rt->rt_mtu ? rt->rt_mtu : rt->rt_ifp->if_mtu;
	}
	if (rt->rt_ifa != NULL) {
		out->rtm_addrs |= FF_RTA_IFA;
		net_msg_sin_set(&out->rtm_ifa, rt->rt_ifa->ia_addr);
	}
	if (rt->rt_mtu != 0)
		out->rtm_inits |= FF_RTV_MTU;
	out->rtm_rmx.rmx_weight = 1;
	out->rtm_rmx.rmx_pksent = rt->rt_use;
	out->rtm_rmx.rmx_expire = rt->rt_expire;
}

/* rt_add() for a message: a gateway that is ours means "that interface". */
static int
rtsock_add(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    const struct rtsock_req *rq)
{
	struct rt_addinfo ri;
	struct in_ifaddr *ia;

	memset(&ri, 0, sizeof(ri));
	ri.ra_dst = rq->rq_dst;
	ri.ra_plen = rq->rq_plen;
	ri.ra_flags =
	    RTF_STATIC | (rtm->rtm_flags & (RTF_REJECT | RTF_BLACKHOLE));
	ri.ra_ifp = rq->rq_ifp;
	ri.ra_ifa = rq->rq_ifa;
	ri.ra_mtu = rq->rq_mtu;
	if (rq->rq_has_gw &&
	    (ia = in_ifaddr_lookup(ctx, rq->rq_gateway)) != NULL &&
	    (rtm->rtm_flags & FF_RTF_GATEWAY) == 0) {
		if (ri.ra_ifp == NULL)
			ri.ra_ifp = ia->ia_ifp;
		if (ri.ra_ifa == NULL)
			ri.ra_ifa = ia;
	} else if (rq->rq_has_gw) {
		ri.ra_flags |= RTF_GATEWAY;
		ri.ra_gateway = rq->rq_gateway;
	} else if (ri.ra_ifp == NULL)
		return (EINVAL); /* neither gateway nor interface */
	if (ri.ra_ifp != NULL && ri.ra_ifa != NULL &&
	    ri.ra_ifa->ia_ifp != ri.ra_ifp)
		return (EINVAL);
	return (-rt_add(ctx, &ri));
}

/*
 * The route a DELETE or CHANGE names: exact, and for DELETE through the
 * gateway given, if any (CHANGE's gateway is the new one).
 */
static int
rtsock_exact(struct ff_ctx *ctx, const struct rtsock_req *rq, int match_gw,
    struct rtentry **rtp)
{
	struct rtentry *rt;

	if ((rt = rt_lookup_exact(ctx, rq->rq_dst, rq->rq_plen)) == NULL)
		return (ESRCH);
	if (match_gw && rq->rq_has_gw && (rt->rt_flags & RTF_GATEWAY) &&
	    rt->rt_gateway.s_addr != rq->rq_gateway.s_addr)
		return (ESRCH);
	/* Connected and local routes go with their address. */
	if (rt->rt_flags & (RTF_PINNED | RTF_LOCAL))
		return (EBUSY);
	*rtp = rt;
	return (0);
}

/* CHANGE: replace the route, or put the old one back. */
static int
rtsock_change(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct rtsock_req *rq, struct rtentry *rt)
{
	struct rt_addinfo old;
	struct ff_rt_msghdr m = *rtm;
	int error;

	memset(&old, 0, sizeof(old));
	old.ra_dst = rt->rt_dst;
	old.ra_plen = rt->rt_plen;
	old.ra_gateway = rt->rt_gateway;
	old.ra_flags = rt->rt_flags & ~(RTF_UP | RTF_HOST);
	old.ra_ifp = rt->rt_ifp;
	old.ra_ifa = rt->rt_ifa;
	old.ra_mtu = rt->rt_mtu;
	/* What the message leaves out stays as it was. */
	if (!rq->rq_has_gw && rq->rq_ifp == NULL) {
		if (old.ra_flags & RTF_GATEWAY) {
			rq->rq_has_gw = 1;
			rq->rq_gateway = old.ra_gateway;
			m.rtm_flags |= FF_RTF_GATEWAY;
		} else
			rq->rq_ifp = old.ra_ifp;
	}
	if ((rtm->rtm_inits & FF_RTV_MTU) == 0)
		rq->rq_mtu = old.ra_mtu;
	(void)rt_delete(ctx, old.ra_dst, old.ra_plen);
	if ((error = rtsock_add(ctx, &m, rq)) != 0)
		(void)rt_add(ctx, &old);
	return (error);
}

static int
rtsock_get(
    struct ff_ctx *ctx, const struct rtsock_req *rq, struct ff_rt_msghdr *out)
{
	struct rtentry *rt;

	rt = rq->rq_exact ? rt_lookup_exact(ctx, rq->rq_dst, rq->rq_plen)
			  : rt_lookup(ctx, rq->rq_dst);
	if (rt == NULL)
		return (ESRCH);
	rtsock_fill(rt, out);
	return (0);
}

/* ADD, DELETE, CHANGE, GET of one route; the answer is the route. */
static int
rtsock_one(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct ff_rt_msghdr *out)
{
	struct rtsock_req rq;
	struct rtentry *rt;
	int error;

	if ((error = rtsock_parse(ctx, rtm, &rq)) != 0)
		return (error);
	switch (rtm->rtm_type) {
	case FF_RTM_ADD:
		if ((error = rtsock_add(ctx, rtm, &rq)) != 0)
			return (error);
		break;
	case FF_RTM_DELETE:
		if ((error = rtsock_exact(ctx, &rq, 1, &rt)) != 0)
			return (error);
		rtsock_fill(rt, out);
		(void)rt_delete(ctx, rq.rq_dst, rq.rq_plen);
		out->rtm_type = rtm->rtm_type;
		out->rtm_seq = rtm->rtm_seq;
		return (0);
	case FF_RTM_CHANGE:
		if ((error = rtsock_exact(ctx, &rq, 0, &rt)) != 0 ||
		    (error = rtsock_change(ctx, rtm, &rq, rt)) != 0)
			return (error);
		break;
	}
	/* Report the route just made; GET without a mask: longest match. */
	rq.rq_exact = rtm->rtm_type != FF_RTM_GET ||
	    (rtm->rtm_addrs & FF_RTA_NETMASK) != 0;
	if ((error = rtsock_get(ctx, &rq, out)) != 0)
		return (error);
	out->rtm_type = rtm->rtm_type;
	out->rtm_seq = rtm->rtm_seq;
	return (0);
}

/* A dump in progress. */
struct rtsock_walk {
	struct net_msg_out *rw_no;
	uint64_t rw_skip; /* routes sent in earlier parts */
	uint64_t rw_seen;
	int rw_full;
};

static int
rtsock_dump_cb(void *arg, const struct rtentry *rt)
{
	struct rtsock_walk *rw = arg;
	struct ff_rt_msghdr *out;

	if (rw->rw_seen++ < rw->rw_skip)
		return (0);
	if ((out = net_msg_reserve(rw->rw_no, sizeof(*out))) == NULL) {
		rw->rw_full = 1;
		return (1);
	}
	rtsock_fill(rt, out);
	out->rtm_type = FF_RTM_GET;
	rw->rw_no->no_count++;
	return (0);
}

/*
 * The table from route number *cursor on.  The cursor counts routes in
 * the table's address order, so a route added or deleted between two
 * parts may be missed or seen twice: the price of a stateless server.
 */
static int
rtsock_dump(struct ff_ctx *ctx, struct net_msg_out *no, uint64_t *cursor)
{
	struct rtsock_walk rw;

	memset(&rw, 0, sizeof(rw));
	rw.rw_no = no;
	rw.rw_skip = *cursor;
	(void)rt_foreach(ctx, rtsock_dump_cb, &rw);
	if (rw.rw_full && no->no_count == 0)
		return (ENOMEM);
	*cursor = rw.rw_full ? rw.rw_skip + no->no_count : 0;
	return (0);
}

/* A dump's answer: struct ff_rt_dump, then the records. */
static int
rtsock_dump_reply(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct net_msg_out *no, uint64_t *cursor)
{
	struct ff_rt_dump rd;
	int error;

	if (rtm->rtm_flags & FF_RTF_LLINFO)
		error = rtsock_lle(ctx, rtm, no, cursor);
	else
		error = rtsock_dump(ctx, no, cursor);
	if (error != 0)
		return (error);
	memset(&rd, 0, sizeof(rd));
	rd.rd_len = sizeof(rd);
	rd.rd_count = no->no_count;
	rd.rd_first =
	    no->no_count ? net_msg_off(no, no->no_body + sizeof(rd)) : 0;
	memcpy(no->no_body, &rd, sizeof(rd));
	return (0);
}

int
ff_msg_route(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_rt_msghdr rtm;
	struct net_msg_out no;
	int error;

	if (ctx->stack == NULL)
		return (-ENXIO);
	if ((error = rtsock_check(req, &rtm)) != 0)
		return (-error);
	if (cap < sizeof(struct ff_rt_dump) + sizeof(rtm))
		return (-ENOMEM);
	if (rtm.rtm_type == FF_RTM_DUMP) {
		net_msg_out_init(&no, body, cap, sizeof(struct ff_rt_dump));
		error = rtsock_dump_reply(ctx, &rtm, &no, cursor);
		return (error != 0 ? -error : (int)no.no_off);
	}
	*cursor = 0;
	if (rtm.rtm_flags & FF_RTF_LLINFO) {
		net_msg_out_init(&no, body, cap, 0);
		error = rtsock_lle(ctx, &rtm, &no, cursor);
		return (error != 0 ? -error : (int)sizeof(rtm));
	}
	memset(body, 0, sizeof(rtm));
	error = rtsock_one(ctx, &rtm, body);
	return (error != 0 ? -error : (int)sizeof(rtm));
}
