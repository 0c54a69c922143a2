/*
 * if_ethersubr.c - Ethernet input and output (FreeBSD's
 * net/if_ethersubr.c).
 *
 * Entry points: ether_input_consume(), ether_output_consume(),
 * ether_output_frame().  IEEE 802.3 framing, RFC 894 (IP over Ethernet),
 * RFC 1112 6.4 (multicast mapping), IEEE 802.1Q tags.
 *
 * A tagged frame (tag in the frame, or stripped by the NIC and reported
 * in the mbuf) is dropped and counted in noproto unless [dpdk]
 * vlan_accept is set; then the tag is removed and the frame handled as
 * if it were untagged.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "net/ether_var.h"
#include "netinet/ip_var.h"
#include "netinet/arp_var.h"
#include "kern/kern_sysctl.h"
#include "net/if_ether.h"
#include "kern/mbuf.h"

/*
 * Remove an in-frame 802.1Q tag: the inner type, or -1 when the frame is
 * too short.  The tag is pulled up with the header first.
 */
static int
ether_vlan_strip(struct rte_mbuf *m)
{
	uint16_t type;
	uint8_t *p;

	if (m_pullup(m, ETHER_HDR_LEN + ETHER_VLAN_ENCAP_LEN) != 0)
		return (-1);
	type = ntohs(mtod(m, const struct ether_vlan_header *)->evl_proto);
	p = mtod(m, uint8_t *);
	memmove(p + ETHER_VLAN_ENCAP_LEN, p, 2 * ETHER_ADDR_LEN);
	m_adj(m, ETHER_VLAN_ENCAP_LEN);
	return (type);
}

/* 1 when the frame is for this station: our MAC, broadcast, multicast. */
static int
ether_for_us(struct ifnet *ifp, const struct ether_header *eh, int *lflags)
{
	*lflags = 0;
	if (ETHER_IS_MULTICAST(eh->ether_dhost)) {
		*lflags =
		    ETHER_IS_BROADCAST(eh->ether_dhost) ? M_BCAST : M_MCAST;
		if_inc_counter(ifp, IFCOUNTER_IMCASTS, 1);
		return (1);
	}
	return (memcmp(eh->ether_dhost, &ifp->if_lladdr, ETHER_ADDR_LEN) == 0);
}

/*
 * Tag handling; returns the inner type, or -1 when m was dropped (an
 * inner type of 0 is an 802.3 length, counted as such by the caller).
 */
static int
ether_vlan_input(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, uint16_t type)
{
	struct ether_state *es = V_ether(ctx);
	int inner;

	if (!es->vlan_accept)
		goto drop;
	m_pkthdr(m)->m_flags &= ~M_VLANTAG;
	if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ)
		return (type); /* the NIC took the tag off */
	if ((inner = ether_vlan_strip(m)) < 0) {
		es->etherxstat.ethx_tooshort++;
		if_inc_counter(ifp, IFCOUNTER_IERRORS, 1);
		m_freem(m);
		return (-1);
	}
	return (inner);
drop:
	es->etherxstat.ethx_vlandrop++;
	if_inc_counter(ifp, IFCOUNTER_NOPROTO, 1);
	m_freem(m);
	return (-1);
}

/*
 * A frame longer than the MTU lets the link carry, its header and an
 * 802.1Q tag in the frame counted (FreeBSD's ETHER_MAX_FRAME, "discard
 * oversize frame"): a peer with a larger MTU, or a broken one.  A jumbo
 * frame may arrive as a chain (a driver's 2 KB mbufs; memif's buffers
 * hold a whole frame, dpdk/ff_dpdk.c's pool_bufsize()).
 */
static int
ether_toolong(const struct ifnet *ifp, const struct rte_mbuf *m)
{
	const struct ether_header *eh = mtod(m, const struct ether_header *);
	uint32_t max = ifp->if_mtu + ETHER_HDR_LEN;

	if (eh->ether_type == htons(ETHERTYPE_VLAN) ||
	    eh->ether_type == htons(ETHERTYPE_QINQ))
		max += ETHER_VLAN_ENCAP_LEN;
	return (m_pktlen(m) > max);
}

void
ether_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m)
{
	struct etherxstat *xs = &V_ether(ctx)->etherxstat;
	const struct ether_header *eh;
	uint16_t type;
	int inner, lflags;

	/*
	 * A port may cut a frame anywhere in its buffers (small rx buffers,
	 * header split): the header is made contiguous, not refused.
	 */
	if (m_pullup(m, ETHER_HDR_LEN) != 0) {
		xs->ethx_tooshort++;
		if_inc_counter(ifp, IFCOUNTER_IERRORS, 1);
		goto free;
	}
	if (ether_toolong(ifp, m)) {
		xs->ethx_toolong++;
		if_inc_counter(ifp, IFCOUNTER_IERRORS, 1);
		goto free;
	}
	if_inc_counter(ifp, IFCOUNTER_IPACKETS, 1);
	if_inc_counter(ifp, IFCOUNTER_IBYTES, m_pktlen(m));
	if ((ifp->if_flags & IFF_UP) == 0) {
		xs->ethx_ifdown++;
		if_inc_counter(ifp, IFCOUNTER_IQDROPS, 1);
		goto free;
	}
	eh = mtod(m, const struct ether_header *);
	if (!ether_for_us(ifp, eh, &lflags)) {
		xs->ethx_notours++;
		goto free;
	}
	type = ntohs(eh->ether_type);
	if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    (m_pkthdr(m)->m_flags & M_VLANTAG) != 0) {
		if ((inner = ether_vlan_input(ctx, ifp, m, type)) < 0)
			return;
		type = (uint16_t)inner;
	}
	m_adj(m, ETHER_HDR_LEN);
	switch (type) {
	case ETHERTYPE_IP:
		ip_input_consume(ctx, ifp, m, lflags);
		return;
	case ETHERTYPE_ARP:
		arp_input_consume(ctx, ifp, m);
		return;
	default:
		if (type < ETHERTYPE_MIN)
			xs->ethx_llc++;
		else
			xs->ethx_unknown++;
		if_inc_counter(ifp, IFCOUNTER_NOPROTO, 1);
	}
free:
	m_freem(m);
}

int
ether_output_frame(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    const struct ether_addr *dst, uint16_t type)
{
	struct ether_header *eh;

	if (ifp->if_port == NULL || (ifp->if_flags & IFF_UP) == 0) {
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		m_freem(m);
		return (-ENETDOWN);
	}
	eh = (struct ether_header *)m_prepend(m, ETHER_HDR_LEN);
	if (eh == NULL) {
		V_ether(ctx)->etherxstat.ethx_nobufs++;
		if_inc_counter(ifp, IFCOUNTER_OERRORS, 1);
		m_freem(m);
		return (-ENOBUFS);
	}
	memcpy(eh->ether_dhost, dst, ETHER_ADDR_LEN);
	memcpy(eh->ether_shost, &ifp->if_lladdr, ETHER_ADDR_LEN);
	eh->ether_type = htons(type);
	/* opackets, obytes, omcasts: once the port took it (ff_port.c). */
	if (ifp->if_hwassist != 0) /* the NIC needs to find the IP header */
		m_pkthdr(m)->l2hlen = ETHER_HDR_LEN;
	return (ff_port_tx_consume(ctx, ifp->if_port, m));
}

/* RFC 1112 6.4: 01:00:5e and the low 23 bits of the group. */
static void
ether_map_multicast(struct in_addr group, struct ether_addr *mac)
{
	uint32_t g = ntohl(group.s_addr);

	mac->octet[0] = 0x01;
	mac->octet[1] = 0x00;
	mac->octet[2] = 0x5e;
	mac->octet[3] = (g >> 16) & 0x7f;
	mac->octet[4] = (g >> 8) & 0xff;
	mac->octet[5] = g & 0xff;
}

int
ether_output_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    struct in_addr dst, int bcast)
{
	struct ether_addr mac;
	int error;

	if (ifp->if_type == IFT_LOOP)
		return (if_simloop_consume(ctx, ifp, m));
	if ((ifp->if_flags & IFF_UP) == 0) {
		if_inc_counter(ifp, IFCOUNTER_OQDROPS, 1);
		m_freem(m);
		return (-ENETDOWN);
	}
	if (bcast) {
		memset(&mac, 0xff, sizeof(mac));
	} else if (IN_MULTICAST(ntohl(dst.s_addr))) {
		ether_map_multicast(dst, &mac);
	} else {
		error = arpresolve(ctx, ifp, m, dst, &mac);
		if (error == -EWOULDBLOCK)
			return (0); /* held until the reply comes */
		if (error != 0)
			return (error); /* m freed and counted by ARP */
	}
	return (ether_output_frame(ctx, ifp, m, &mac, ETHERTYPE_IP));
}

static const struct sysctl_entry ether_sysctls[] = {
	SYSCTL_STATS("net.link.ether.xstats", struct ether_state, etherxstat,
	    "S,etherxstat",
	    "Ethernet input drops by cause (struct etherxstat)"),
};

int
ether_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_ether(ctx), ether_sysctls));
}
