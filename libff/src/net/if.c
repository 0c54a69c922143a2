/*
 * if.c - the interface list of a stack: attach, detach, lookup, flags
 * and MTU (FreeBSD's net/if.c).
 *
 * Entry points: if_init(), if_fini(), if_attach(), if_detach(), ifunit(),
 * ifnet_byindex(), if_setflags(), if_setmtu().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "net/route.h"
#include "kern/mbuf.h"
#include "netinet/in_var.h"
#include "netinet/arp_var.h"

#define IF_MINMTU 68 /* RFC 791: every link carries 68 bytes */

void
if_init(struct ff_ctx *ctx)
{
	struct if_state *ifs = V_if(ctx);

	TAILQ_INIT(&ifs->if_list);
	ifs->if_nextindex = 1;
	ifs->if_loif = NULL;
	ifs->if_loopdepth = 0;
}

void
if_fini(struct ff_ctx *ctx)
{
	struct ifnet *ifp;

	while ((ifp = TAILQ_LAST(&V_if(ctx)->if_list, ifnethead)) != NULL)
		if_detach(ctx, ifp);
}

struct ifnet *
ifunit(struct ff_ctx *ctx, const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &V_if(ctx)->if_list, if_link)
	if (strncmp(ifp->if_xname, name, IFNAMSIZ) == 0)
		return (ifp);
	return (NULL);
}

struct ifnet *
ifnet_byindex(struct ff_ctx *ctx, uint16_t index)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &V_if(ctx)->if_list, if_link)
	if (ifp->if_index == index)
		return (ifp);
	return (NULL);
}

struct ifnet *
if_attach(
    struct ff_ctx *ctx, const char *name, uint8_t type, struct ff_port *port)
{
	struct if_state *ifs = V_if(ctx);
	struct ifnet *ifp;

	if (name[0] == '\0' || strlen(name) >= IFNAMSIZ) {
		errno = EINVAL;
		return (NULL);
	}
	if (ifunit(ctx, name) != NULL) {
		errno = EEXIST;
		return (NULL);
	}
	if ((ifp = calloc(1, sizeof(*ifp))) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	strcpy(ifp->if_xname, name);
	ifp->if_index = ifs->if_nextindex++;
	ifp->if_type = type;
	TAILQ_INIT(&ifp->if_addrhead);
	if (type == IFT_LOOP) {
		ifp->if_flags =
		    IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_MULTICAST;
		ifp->if_mtu = 16384;
		/*
		 * Nothing on lo0 is corrupted in transit: received packets
		 * are not checked (M_LOOP), which is what RXCSUM/TXCSUM say
		 * to ifconfig; headers are still summed on output
		 * (if_hwassist 0) so a looped packet is a valid one.
		 */
		ifp->if_capabilities =
		    IFCAP_RXCSUM | IFCAP_TXCSUM | IFCAP_LINKSTATE;
		ifp->if_capenable = ifp->if_capabilities;
		ifs->if_loif = ifp;
	} else {
		ifp->if_flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING |
		    IFF_SIMPLEX | IFF_MULTICAST;
		ifp->if_port = port;
		ifp->if_mtu = port->p_mtu ? port->p_mtu : 1500;
		ifp->if_lladdr = port->p_mac;
		ifp->if_capabilities = port->p_capabilities;
		ifp->if_capenable = port->p_capenable;
		ifp->if_hwassist = port->p_hwassist;
		ifp->if_txsegmax = port->p_txsegmax;
		if (port->p_promisc)
			ifp->if_flags |= IFF_PROMISC;
		port->p_ifp = ifp;
	}
	TAILQ_INSERT_TAIL(&ifs->if_list, ifp, if_link);
	return (ifp);
}

void
if_detach(struct ff_ctx *ctx, struct ifnet *ifp)
{
	struct if_state *ifs = V_if(ctx);

	in_ifdetach(ctx, ifp);
	rt_delete_ifp(ctx, ifp);
	arp_flush(ctx, ifp);
	TAILQ_REMOVE(&ifs->if_list, ifp, if_link);
	if (ifp->if_port != NULL)
		ifp->if_port->p_ifp = NULL;
	if (ifs->if_loif == ifp)
		ifs->if_loif = NULL;
	free(ifp);
}

int
if_snd_full(const struct ifnet *ifp)
{
	return (ifp->if_port != NULL && ff_port_tx_full(ifp->if_port));
}

int
if_setflags(struct ff_ctx *ctx, struct ifnet *ifp, uint32_t flags)
{
	const uint32_t settable = IFF_UP | IFF_PROMISC;
	struct ff_port *p = ifp->if_port;
	int error;

	if (p != NULL && ((flags ^ ifp->if_flags) & IFF_PROMISC) != 0 &&
	    p->p_ops->po_set_promisc != NULL) {
		error = p->p_ops->po_set_promisc(p, (flags & IFF_PROMISC) != 0);
		if (error != 0)
			return (error);
	}
	ifp->if_flags = (ifp->if_flags & ~settable) | (flags & settable);
	return (0);
}

/* What IFCAP_TXCSUM and IFCAP_TSO4 stand for in if_hwassist. */
#define IF_HWASSIST_TXCSUM (CSUM_IP | CSUM_IP_TCP | CSUM_IP_UDP)
#define IF_HWASSIST_TSO4   CSUM_IP_TSO

int
if_setcap(struct ifnet *ifp, uint32_t capenable)
{
	const uint32_t runtime = IFCAP_RXCSUM | IFCAP_TXCSUM | IFCAP_TSO4;
	struct ff_port *p = ifp->if_port;
	uint32_t may, assist;

	if ((capenable & ~ifp->if_capabilities) != 0)
		return (-EINVAL);
	/*
	 * TSO needs the sums: as FreeBSD's drivers, tso4 without txcsum is
	 * refused ("enable txcsum first") and -txcsum drops TSO ("tso4
	 * disabled due to -txcsum").
	 */
	if ((capenable & IFCAP_TXCSUM) == 0) {
		if ((capenable & ~ifp->if_capenable & IFCAP_TSO4) != 0)
			return (-EAGAIN);
		capenable &= ~IFCAP_TSO4;
	}
	/*
	 * lo0's RXCSUM/TXCSUM describe what it is (nothing is corrupted on
	 * it), not a device's work: they stay.
	 */
	may = p != NULL ? p->p_capenable & runtime : 0;
	if (((capenable ^ ifp->if_capenable) & ~may) != 0)
		return (-EOPNOTSUPP);
	assist = ifp->if_hwassist & ~(IF_HWASSIST_TXCSUM | IF_HWASSIST_TSO4);
	if (p != NULL && (capenable & IFCAP_TXCSUM) != 0)
		assist |= p->p_hwassist & IF_HWASSIST_TXCSUM;
	if (p != NULL && (capenable & IFCAP_TSO4) != 0)
		assist |= p->p_hwassist & IF_HWASSIST_TSO4;
	ifp->if_capenable = capenable;
	ifp->if_hwassist = assist;
	return (0);
}

int
if_setmtu(struct ff_ctx *ctx, struct ifnet *ifp, uint32_t mtu)
{
	struct ff_port *p = ifp->if_port;
	int error;

	if (mtu < IF_MINMTU || mtu > 65535)
		return (-EINVAL);
	if (p != NULL && p->p_ops->po_set_mtu != NULL) {
		error = p->p_ops->po_set_mtu(p, (uint16_t)mtu);
		if (error != 0)
			return (error);
	}
	ifp->if_mtu = mtu;
	return (0);
}
