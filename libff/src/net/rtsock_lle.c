/*
 * rtsock_lle.c - the ARP table through FF_MSG_ROUTE messages carrying
 * RTF_LLINFO (what FreeBSD's arp(8) does with RTF_LLDATA on the routing
 * socket): add a static, temporary or published entry, delete one or all,
 * get one, and dump the table.
 *
 * Entry point: rtsock_lle(), called by ff_msg_route() after the message's
 * fixed part was checked.  Our own addresses are listed as permanent
 * entries (FF_RTF_IFADDR), as FreeBSD's lltable holds them; they live in
 * the address list here, so they cannot be deleted as ARP entries.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/arp_var.h"
#include "net/net_msg.h"

/* An entry as a message. */
static void
lle_fill(struct ff_ctx *ctx, const struct arp_entry_info *ai,
    struct ff_rt_msghdr *out)
{
	struct ifnet *ifp = ifnet_byindex(ctx, ai->ai_if_index);

	memset(out, 0, sizeof(*out));
	out->rtm_msglen = sizeof(*out);
	out->rtm_version = FF_RTM_VERSION;
	out->rtm_type = FF_RTM_GET;
	out->rtm_flags = FF_RTF_UP | FF_RTF_HOST | FF_RTF_LLINFO | FF_RTF_DONE;
	if (ai->ai_flags & LLE_STATIC)
		out->rtm_flags |= FF_RTF_STATIC;
	if (ai->ai_flags & LLE_PUB)
		out->rtm_flags |= FF_RTF_ANNOUNCE;
	if (ai->ai_flags & LLE_IFADDR)
		out->rtm_flags |= FF_RTF_IFADDR | FF_RTF_STATIC;
	/* An entry still waiting for its reply has no link address. */
	if (ai->ai_flags & (LLE_VALID | LLE_IFADDR))
		memcpy(out->rtm_lladdr, &ai->ai_mac, ETHER_ADDR_LEN);
	else
		out->rtm_flags &= ~FF_RTF_UP;
	out->rtm_addrs = FF_RTA_DST | FF_RTA_IFP;
	net_msg_sin_set(&out->rtm_dst, ai->ai_addr);
	out->rtm_index = ai->ai_if_index;
	if (ifp != NULL)
		memcpy(out->rtm_ifname, ifp->if_xname, sizeof(out->rtm_ifname));
	out->rtm_rmx.rmx_expire =
	    ai->ai_expire > 0 ? (uint64_t)ai->ai_expire : 0;
	out->rtm_rmx.rmx_weight = 1;
}

/* A dump in progress: skip, then records while they fit. */
struct lle_walk {
	struct ff_ctx *lw_ctx;
	struct net_msg_out *lw_no;
	uint16_t lw_index; /* 0: every interface */
	uint64_t lw_skip;
	uint64_t lw_seen;
	int lw_full;
};

static int
lle_dump_cb(void *arg, const struct arp_entry_info *ai)
{
	struct lle_walk *lw = arg;
	struct ff_rt_msghdr *out;

	if (lw->lw_index != 0 && ai->ai_if_index != lw->lw_index)
		return (0);
	if (lw->lw_seen++ < lw->lw_skip)
		return (0);
	if ((out = net_msg_reserve(lw->lw_no, sizeof(*out))) == NULL) {
		lw->lw_full = 1;
		return (1);
	}
	lle_fill(lw->lw_ctx, ai, out);
	lw->lw_no->no_count++;
	return (0);
}

/* Our own addresses on Ethernet interfaces, as permanent entries. */
static int
lle_dump_ifaddrs(struct lle_walk *lw)
{
	struct arp_entry_info ai;
	struct in_ifaddr *ia;
	struct ifnet *ifp;
	int r;

	TAILQ_FOREACH(ifp, &V_if(lw->lw_ctx)->if_list, if_link)
	{
		if (ifp->if_type != IFT_ETHER)
			continue;
		TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
		{
			memset(&ai, 0, sizeof(ai));
			ai.ai_addr = ia->ia_addr;
			ai.ai_mac = ifp->if_lladdr;
			ai.ai_if_index = ifp->if_index;
			ai.ai_flags = LLE_IFADDR | LLE_STATIC | LLE_VALID;
			ai.ai_expire = -1;
			if ((r = lle_dump_cb(lw, &ai)) != 0)
				return (r);
		}
	}
	return (0);
}

/* Entries from number *cursor on (same caveat as the route dump). */
static int
lle_dump(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct net_msg_out *no, uint64_t *cursor)
{
	struct lle_walk lw;

	if (rtm->rtm_index != 0 && ifnet_byindex(ctx, rtm->rtm_index) == NULL)
		return (ENXIO);
	memset(&lw, 0, sizeof(lw));
	lw.lw_ctx = ctx;
	lw.lw_no = no;
	lw.lw_index = rtm->rtm_index;
	lw.lw_skip = *cursor;
	if (lle_dump_ifaddrs(&lw) == 0)
		(void)arp_foreach(ctx, lle_dump_cb, &lw);
	if (lw.lw_full && no->no_count == 0)
		return (ENOMEM);
	*cursor = lw.lw_full ? lw.lw_skip + no->no_count : 0;
	return (0);
}

/* A link address a static entry may hold: unicast, not all zeros. */
static int
lle_mac_ok(const uint8_t *mac)
{
	static const uint8_t zero[ETHER_ADDR_LEN];

	return ((mac[0] & 0x01) == 0 && memcmp(mac, zero, sizeof(zero)) != 0);
}

/*
 * arp -s: a static entry, or with RTV_EXPIRE and a non-zero rmx_expire
 * (seconds to live, as a dump reports them; arp -s ... temp) a dynamic
 * one, which RTF_STATIC contradicts.  An entry cannot blackhole or reject
 * traffic here: RTF_BLACKHOLE and RTF_REJECT are refused, not ignored.
 */
static int
lle_add(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm, struct in_addr dst)
{
	struct ether_addr mac;
	uint64_t expire = 0;
	int flags = LLE_STATIC;

	if (rtm->rtm_flags & (FF_RTF_BLACKHOLE | FF_RTF_REJECT))
		return (EOPNOTSUPP);
	if (rtm->rtm_inits & FF_RTV_EXPIRE)
		expire = rtm->rtm_rmx.rmx_expire;
	if (expire != 0) {
		if ((rtm->rtm_flags & FF_RTF_STATIC) != 0 ||
		    expire > ARP_MAX_EXPIRE)
			return (EINVAL);
		flags = 0;
	}
	if (!lle_mac_ok(rtm->rtm_lladdr))
		return (EINVAL);
	if (in_localip(ctx, dst))
		return (EEXIST); /* our own address has its entry */
	if (rtm->rtm_flags & FF_RTF_ANNOUNCE)
		flags |= LLE_PUB;
	memcpy(&mac, rtm->rtm_lladdr, sizeof(mac));
	return (-arp_add(ctx, dst, &mac, flags, (int)expire));
}

static int
lle_delete(
    struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm, struct in_addr dst)
{
	struct ifnet *ifp = NULL;

	if ((rtm->rtm_addrs & FF_RTA_DST) == 0) {
		/* Everything (of one interface): arp -d -a. */
		if (rtm->rtm_index != 0 &&
		    (ifp = ifnet_byindex(ctx, rtm->rtm_index)) == NULL)
			return (ENXIO);
		arp_flush(ctx, ifp);
		return (0);
	}
	return (arp_delete(ctx, dst) == 0 ? 0 : ESRCH);
}

int
rtsock_lle(struct ff_ctx *ctx, const struct ff_rt_msghdr *rtm,
    struct net_msg_out *no, uint64_t *cursor)
{
	struct arp_entry_info ai;
	struct ff_rt_msghdr *out;
	struct in_addr dst;
	int error;

	if (rtm->rtm_type == FF_RTM_DUMP)
		return (lle_dump(ctx, rtm, no, cursor));
	if ((out = net_msg_reserve(no, sizeof(*out))) == NULL)
		return (ENOMEM);
	dst.s_addr = INADDR_ANY;
	if ((rtm->rtm_addrs & FF_RTA_DST) == 0 &&
	    rtm->rtm_type != FF_RTM_DELETE)
		return (EINVAL);
	if ((rtm->rtm_addrs & FF_RTA_DST) &&
	    (error = net_msg_sin_get(&rtm->rtm_dst, &dst)) != 0)
		return (error);
	switch (rtm->rtm_type) {
	case FF_RTM_ADD:
		error = lle_add(ctx, rtm, dst);
		break;
	case FF_RTM_DELETE:
		error = lle_delete(ctx, rtm, dst);
		break;
	case FF_RTM_GET:
		error = 0;
		break;
	default:
		return (EOPNOTSUPP); /* CHANGE: delete and add instead */
	}
	if (error != 0)
		return (error);
	*out = *rtm;
	out->rtm_flags |= FF_RTF_DONE;
	if ((rtm->rtm_addrs & FF_RTA_DST) == 0)
		return (0);
	if (rtm->rtm_type == FF_RTM_DELETE)
		return (0);
	if (arp_get(ctx, dst, &ai) != 0)
		return (ESRCH);
	lle_fill(ctx, &ai, out);
	out->rtm_type = rtm->rtm_type;
	out->rtm_seq = rtm->rtm_seq;
	return (0);
}
