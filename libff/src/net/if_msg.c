/*
 * if_msg.c - FF_MSG_IOCTL: the interface ioctls of ff-ifconfig
 * (FreeBSD's SIOCGIFCONF/SIOCGIFFLAGS/SIOCSIFFLAGS/SIOCSIFMTU/SIOCSIFCAP/
 * SIOCAIFADDR/SIOCDIFADDR in net/if.c and netinet/in.c, as one message kind).
 *
 * Entry point: ff_msg_ioctl(), from the message dispatch table.  The
 * layout is in ff_msg.h.  A request is checked whole before anything
 * changes: its length, op, spare fields, the interface name and every
 * address; a bad one gets EINVAL / EAFNOSUPPORT / ENXIO, never a crash.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "ipc/ff_msg_server.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "net/net_msg.h"

_Static_assert(FF_IFCOUNTERS == IFCOUNTERS, "counter count");
_Static_assert(FF_IFNAMSIZ == IFNAMSIZ, "name size");
_Static_assert(FF_IFCAP_RXCSUM == IFCAP_RXCSUM &&
	FF_IFCAP_TXCSUM == IFCAP_TXCSUM && FF_IFCAP_TSO4 == IFCAP_TSO4 &&
	FF_IFCAP_LINKSTATE == IFCAP_LINKSTATE,
    "ii_capenable is if_capenable");

static uint8_t
ifmsg_link_state(struct ifnet *ifp)
{
	struct ff_port *p = ifp->if_port;

	if (p == NULL)
		return (FF_LINK_STATE_UP);
	if (p->p_ops == NULL || p->p_ops->po_link_up == NULL)
		return (FF_LINK_STATE_UNKNOWN);
	return (
	    p->p_ops->po_link_up(p) ? FF_LINK_STATE_UP : FF_LINK_STATE_DOWN);
}

static void
ifmsg_fill(struct ifnet *ifp, struct ff_ifinfo *ii)
{
	ii->ii_index = ifp->if_index;
	ii->ii_type = ifp->if_type;
	ii->ii_link_state = ifmsg_link_state(ifp);
	ii->ii_flags = ifp->if_flags;
	ii->ii_mtu = ifp->if_mtu;
	ii->ii_capenable = ifp->if_capenable;
	memcpy(ii->ii_name, ifp->if_xname, sizeof(ii->ii_name));
	if (ifp->if_type == IFT_ETHER)
		memcpy(ii->ii_lladdr, &ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ii->ii_counters, ifp->if_counters, sizeof(ii->ii_counters));
}

/* One interface record with its addresses; ENOSPC when it does not fit. */
static int
ifmsg_record(struct net_msg_out *no, struct ifnet *ifp)
{
	struct ff_ifaddr_info *fa;
	struct ff_ifinfo *ii;
	struct in_ifaddr *ia;
	size_t start = no->no_off;

	if ((ii = net_msg_reserve(no, sizeof(*ii))) == NULL)
		goto full;
	ifmsg_fill(ifp, ii);
	TAILQ_FOREACH(ia, &ifp->if_addrhead, ia_link)
	{
		if ((fa = net_msg_reserve(no, sizeof(*fa))) == NULL)
			goto full;
		if (ii->ii_naddrs++ == 0)
			ii->ii_addrs.mi_off = net_msg_off(no, fa);
		net_msg_sin_set(&fa->ifa_addr, ia->ia_addr);
		net_msg_sin_set(&fa->ifa_netmask, ia->ia_netmask);
		if (ifp->if_flags & IFF_BROADCAST)
			net_msg_sin_set(&fa->ifa_broadaddr, ia->ia_broadaddr);
		fa->ifa_flags = (uint32_t)(ia->ia_flags & IA_VIP);
	}
	ii->ii_addrs.mi_len = ii->ii_naddrs * sizeof(*fa);
	no->no_off = (no->no_off + 7) & ~(size_t)7;
	if (no->no_off > no->no_cap)
		goto full;
	ii->ii_reclen = (uint32_t)(no->no_off - ((uint8_t *)ii - no->no_body));
	no->no_count++;
	return (0);
full:
	no->no_off = start;
	return (ENOSPC);
}

/* Interfaces from index *cursor on, as many as fit. */
static int
ifmsg_list(struct ff_ctx *ctx, struct net_msg_out *no, struct ifnet *only,
    uint64_t *cursor)
{
	struct ifnet *ifp;
	uint64_t from = *cursor;

	*cursor = 0;
	if (only != NULL)
		return (ifmsg_record(no, only) == 0 ? 0 : ENOMEM);
	TAILQ_FOREACH(ifp, &V_if(ctx)->if_list, if_link)
	{
		if (ifp->if_index < from)
			continue;
		if (ifmsg_record(no, ifp) != 0) {
			if (no->no_count == 0)
				return (ENOMEM);
			*cursor = ifp->if_index;
			break;
		}
	}
	return (0);
}

/* The mask of an ADDADDR: given, or the address's class (FreeBSD's). */
static int
ifmsg_mask(
    const struct ff_ioctl_req *ir, struct in_addr addr, struct in_addr *mask)
{
	uint32_t a = ntohl(addr.s_addr);

	if (ir->ir_mask.sin_len != 0)
		return (net_msg_sin_get(&ir->ir_mask, mask));
	if (IN_CLASSA(a))
		mask->s_addr = htonl(IN_CLASSA_NET);
	else if (IN_CLASSB(a))
		mask->s_addr = htonl(IN_CLASSB_NET);
	else
		mask->s_addr = htonl(IN_CLASSC_NET);
	return (0);
}

static int
ifmsg_addaddr(
    struct ff_ctx *ctx, struct ifnet *ifp, const struct ff_ioctl_req *ir)
{
	struct in_addr addr, mask, bcast;
	int error;

	bcast.s_addr = INADDR_ANY;
	if ((error = net_msg_sin_get(&ir->ir_addr, &addr)) != 0 ||
	    (error = ifmsg_mask(ir, addr, &mask)) != 0)
		return (error);
	if (ir->ir_broadaddr.sin_len != 0 &&
	    (error = net_msg_sin_get(&ir->ir_broadaddr, &bcast)) != 0)
		return (error);
	if (in_mask2len(mask) < 0)
		return (EINVAL);
	return (-in_addr_add(ctx, ifp, addr, mask, bcast, 0));
}

static int
ifmsg_deladdr(
    struct ff_ctx *ctx, struct ifnet *ifp, const struct ff_ioctl_req *ir)
{
	struct in_addr addr;
	int error;

	if ((error = net_msg_sin_get(&ir->ir_addr, &addr)) != 0)
		return (error);
	return (-in_addr_delete(ctx, ifp, addr));
}

/* The request's fixed part, checked field by field. */
static int
ifmsg_check(const struct ff_msg_hdr *req, struct ff_ioctl_req *ir)
{
	size_t i;

	if (req->fm_len != sizeof(*req) + sizeof(*ir))
		return (EINVAL);
	memcpy(ir, req + 1, sizeof(*ir));
	if (ir->ir_len != sizeof(*ir) || ir->ir_op < FF_IOCTL_LIST ||
	    ir->ir_op > FF_IOCTL_SETCAP || ir->ir_spare0 != 0)
		return (EINVAL);
	for (i = 0; i < sizeof(ir->ir_spare) / sizeof(ir->ir_spare[0]); i++)
		if (ir->ir_spare[i] != 0)
			return (EINVAL);
	if (memchr(ir->ir_name, '\0', sizeof(ir->ir_name)) == NULL)
		return (EINVAL);
	/* Only LIST may leave the interface out. */
	if (ir->ir_name[0] == '\0' && ir->ir_op != FF_IOCTL_LIST)
		return (EINVAL);
	return (0);
}

/* Carry out a set operation on ifp: 0 or a host errno. */
static int
ifmsg_set(struct ff_ctx *ctx, struct ifnet *ifp, const struct ff_ioctl_req *ir)
{
	switch (ir->ir_op) {
	case FF_IOCTL_SETFLAGS:
		return (-if_setflags(ctx, ifp, ir->ir_value));
	case FF_IOCTL_SETMTU:
		return (-if_setmtu(ctx, ifp, ir->ir_value));
	case FF_IOCTL_ADDADDR:
		return (ifmsg_addaddr(ctx, ifp, ir));
	case FF_IOCTL_DELADDR:
		return (ifmsg_deladdr(ctx, ifp, ir));
	case FF_IOCTL_SETCAP:
		return (-if_setcap(ifp, ir->ir_value));
	}
	return (EINVAL);
}

int
ff_msg_ioctl(struct ff_ctx *ctx, const struct ff_msg_hdr *req, void *body,
    size_t cap, uint64_t *cursor)
{
	struct ff_ioctl_rep rep;
	struct ff_ioctl_req ir;
	struct net_msg_out no;
	struct ifnet *ifp = NULL;
	int error;

	if (ctx->stack == NULL)
		return (-ENXIO);
	if ((error = ifmsg_check(req, &ir)) != 0)
		return (-error);
	if (ir.ir_name[0] != '\0' &&
	    (error = net_msg_ifunit(ctx, ir.ir_name, &ifp)) != 0)
		return (-error);
	if (ir.ir_op != FF_IOCTL_LIST) {
		*cursor = 0;
		if ((error = ifmsg_set(ctx, ifp, &ir)) != 0)
			return (-error);
	}
	if (cap < sizeof(rep))
		return (-ENOMEM);
	net_msg_out_init(&no, body, cap, sizeof(rep));
	if ((error = ifmsg_list(ctx, &no, ifp, cursor)) != 0)
		return (-error);
	memset(&rep, 0, sizeof(rep));
	rep.ip_len = sizeof(rep);
	rep.ip_count = no.no_count;
	rep.ip_first =
	    no.no_count ? net_msg_off(&no, no.no_body + sizeof(rep)) : 0;
	memcpy(body, &rep, sizeof(rep));
	return ((int)no.no_off);
}
