/*
 * ff_dpdk_mbuf.h - where DPDK's offload words meet the stack's: the
 * translation a port backend applies to every frame it receives or
 * sends, and to the device's offload capabilities once at open.
 *
 * Entry points (all static inline, nothing allocated, no syscall):
 *   ff_dpdk_rx_import()  RTE_MBUF_F_RX_* of a received frame into its
 *                        struct pkthdr (CSUM_L3_* / CSUM_L4_*, M_VLANTAG),
 *                        trusting a verdict only when the device was
 *                        asked for that offload;
 *   ff_dpdk_tx_export()  the stack's CSUM_IP request into
 *                        RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM, and
 *                        CSUM_IP_TSO into RTE_MBUF_F_TX_TCP_SEG with
 *                        tso_segsz and the header lengths;
 *   ff_dpdk_rx_offloads(), ff_dpdk_tx_offloads()
 *                        the rx and tx offloads to enable, from the config
 *                        (vlan_strip, tx_csum_offoad_skip, tso);
 *   ff_dpdk_ifcap(), ff_dpdk_hwassist()
 *                        RTE_ETH_*_OFFLOAD_* words into FreeBSD's IFCAP_*
 *                        and CSUM_* (struct ff_port's p_capabilities,
 *                        p_capenable, p_hwassist);
 *   ff_dpdk_csum_trust() the same words for a link whose other end is an
 *                        ff stack that trusts it ([portN] csum_trust):
 *                        checksum "offloads" that nothing performs.
 * Used by dpdk/ff_dpdk_port.c and by the test port, whose tests speak in
 * DPDK's flags.
 */
#ifndef _DPDK_FF_DPDK_MBUF_H_
#define _DPDK_FF_DPDK_MBUF_H_

#include <stdint.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ff_config.h"
#include "kern/mbuf.h"
#include "net/if_var.h"

#define FF_DPDK_RX_L4_CKSUM \
	(RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)

/* One verdict: valid | calc when good, calc alone when bad, else 0. */
static inline uint32_t
ff_dpdk_verdict(
    uint64_t f, uint64_t good, uint64_t bad, uint32_t calc, uint32_t valid)
{
	if (f == good)
		return (calc | valid);
	if (f == bad)
		return (calc);
	return (0);
}

static inline void
ff_dpdk_rx_import(struct rte_mbuf *m, uint64_t rx_offloads)
{
	struct pkthdr *ph = m_pkthdr(m);
	uint64_t f = m->ol_flags;
	uint32_t csum = 0;

	if ((rx_offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0)
		csum |= ff_dpdk_verdict(f & RTE_MBUF_F_RX_IP_CKSUM_MASK,
		    RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_BAD,
		    CSUM_L3_CALC, CSUM_L3_VALID);
	if ((rx_offloads & FF_DPDK_RX_L4_CKSUM) != 0)
		csum |= ff_dpdk_verdict(f & RTE_MBUF_F_RX_L4_CKSUM_MASK,
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD,
		    CSUM_L4_CALC, CSUM_L4_VALID);
	ph->csum_flags = csum;
	if ((f & RTE_MBUF_F_RX_VLAN_STRIPPED) != 0) {
		ph->m_flags = M_VLANTAG;
		ph->ether_vtag = m->vlan_tci;
	} else
		ph->m_flags = 0;
}

static inline void
ff_dpdk_tx_export(struct rte_mbuf *m)
{
	const struct pkthdr *ph = m_pkthdr(m);

	if ((ph->csum_flags & CSUM_IP) != 0) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		m->l2_len = ph->l2hlen;
		m->l3_len = ph->l3hlen;
	}
	/* TCP_SEG implies the TCP checksum (th_sum holds the pseudo sum). */
	if ((ph->csum_flags & CSUM_IP_TSO) != 0) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG;
		m->l2_len = ph->l2hlen;
		m->l3_len = ph->l3hlen;
		m->l4_len = ph->l4hlen;
		m->tso_segsz = ph->tso_segsz;
	}
}

/*
 * The rx offloads to turn on, of those the device offers (rx_capa): the
 * checksum verdicts, and VLAN stripping with [dpdk] vlan_strip.
 */
static inline uint64_t
ff_dpdk_rx_offloads(const struct ff_dpdk_cfg *d, uint64_t rx_capa)
{
	uint64_t want = RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
	    RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;

	if (d->vlan_strip)
		want |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	return (rx_capa & want);
}

/*
 * The tx offloads to turn on, of those the device offers (tx_capa): the
 * checksums unless [dpdk] tx_csum_offoad_skip, TCP segmentation with
 * [dpdk] tso, and frames of several segments whenever it takes them
 * (TSO's super-segments are chains, and so are segments tcp_output sends
 * by reference: a header mbuf before the send buffer's data).
 */
static inline uint64_t
ff_dpdk_tx_offloads(const struct ff_dpdk_cfg *d, uint64_t tx_capa)
{
	const uint64_t csum = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
	    RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	uint64_t on = 0;

	if (!d->tx_csum_offload_skip)
		on |= tx_capa & csum;
	if (d->tso && (tx_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO) != 0)
		on |= tx_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO;
	on |= tx_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	return (on);
}

/* IFCAP_* of rx and tx offload words (capabilities or enabled ones). */
static inline uint32_t
ff_dpdk_ifcap(uint64_t rx, uint64_t tx)
{
	uint32_t cap = 0;

	if ((rx & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | FF_DPDK_RX_L4_CKSUM)) != 0)
		cap |= IFCAP_RXCSUM;
	if ((tx &
		(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
		    RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) != 0)
		cap |= IFCAP_TXCSUM;
	if ((rx & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0)
		cap |= IFCAP_VLAN_HWTAGGING;
	if ((rx & RTE_ETH_RX_OFFLOAD_VLAN_FILTER) != 0)
		cap |= IFCAP_VLAN_HWFILTER;
	if ((rx & RTE_ETH_RX_OFFLOAD_TCP_LRO) != 0)
		cap |= IFCAP_LRO;
	if ((tx & RTE_ETH_TX_OFFLOAD_TCP_TSO) != 0)
		cap |= IFCAP_TSO4;
	return (cap);
}

/*
 * CSUM_* the device computes on tx, from the enabled tx offloads: the IP
 * header's, and TSO's per-segment sums.  A device's TCP and UDP sums are
 * not asked for (ff_dpdk_tx_export() has no word for them): tcp_output
 * sums a segment's payload while it copies it, which costs less than
 * the one pass a NIC would save.  CSUM_IP_TCP / CSUM_IP_UDP mean a
 * trusted link (ff_dpdk_csum_trust()).
 */
static inline uint32_t
ff_dpdk_hwassist(uint64_t tx)
{
	uint32_t a = 0;

	if ((tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) != 0)
		a |= CSUM_IP;
	if ((tx & RTE_ETH_TX_OFFLOAD_TCP_TSO) != 0)
		a |= CSUM_IP_TSO;
	return (a);
}

/*
 * A trusted link ([portN] csum_trust=1, net_memif between two ff
 * stacks): what Linux's veth does with CHECKSUM_PARTIAL and FreeBSD's
 * lo0 with IFCAP_RXCSUM | IFCAP_TXCSUM.  The port says both
 * capabilities, on; the stack leaves TCP and UDP sums to it on tx
 * (CSUM_IP_TCP | CSUM_IP_UDP: the field holds the pseudo-header sum, as
 * a NIC's offload expects, and nothing completes it), and every frame
 * received is marked checked and valid, IP header and TCP/UDP alike.
 * The IP header is still summed (20 bytes; a reader of the frames sees
 * valid headers).
 */
#define FF_CSUM_TRUSTED \
	(CSUM_L3_CALC | CSUM_L3_VALID | CSUM_L4_CALC | CSUM_L4_VALID)

static inline void
ff_dpdk_csum_trust(uint32_t *capabilities, uint32_t *capenable,
    uint32_t *hwassist, uint32_t *rx_trust)
{
	*capabilities |= IFCAP_RXCSUM | IFCAP_TXCSUM;
	*capenable |= IFCAP_RXCSUM | IFCAP_TXCSUM;
	*hwassist |= CSUM_IP_TCP | CSUM_IP_UDP;
	*rx_trust = FF_CSUM_TRUSTED;
}

#endif /* _DPDK_FF_DPDK_MBUF_H_ */
