/*
 * ip_input.c - IPv4 input: header validation, local delivery and
 * forwarding (FreeBSD's netinet/ip_input.c and ip_fastfwd.c, split).
 *
 * Entry points: ip_init(), ip_fini(), ip_input_consume().  The firewall
 * (ip_fw2.c) sees every datagram once it is valid, before options,
 * reassembly, delivery or forwarding: FreeBSD's pfil hook.
 * RFC 791, RFC 1122 3.2.1 (what a host must check and discard),
 * RFC 1812 5.2-5.3 (forwarding: TTL, unreachable next hop).
 *
 * Checks in FreeBSD's order, each drop in its ipstat counter: too small
 * for a header (ips_toosmall), version (ips_badvers), header length
 * (ips_badhlen), checksum (ips_badsum; the NIC's verdict when the port
 * has the offload), total length below the header (ips_badlen) or beyond
 * the frame (ips_tooshort), loopback or multicast addresses where they
 * must not be (ips_badaddr), options (ips_badoptions, ip_options.c).
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/ip_fw.h"
#include "netinet/icmp_var.h"
#include "netinet/udp_var.h"
#include "netinet/tcp_var.h"
#include "kern/kern_sysctl.h"
#include "netinet/in_cksum.h"
#include "kern/mbuf.h"

int
ip_init(struct ff_ctx *ctx)
{
	struct ip_state *ips = V_ip(ctx);

	memset(ips, 0, sizeof(*ips));
	ips->forwarding = 0;
	ips->defttl = IPDEFTTL;
	ips->sourceroute = 0;
	ips->process_options = 1;
	ips->maxfragpackets = 64;
	ips->maxfragsperpacket = IPQ_MAXFRAGS;
	ips->maxfrags = 512;
	ips->fragttl = 30; /* IPFRAGTTL: 60 half-second slow ticks */
	ips->ip_id = 1;
	TAILQ_INIT(&ips->ipq_list);
	return (0);
}

void
ip_fini(struct ff_ctx *ctx)
{
	ip_reass_drain(ctx);
}

/* 1 when the header checksum is right (NIC verdict or computed). */
static int
ip_cksum_ok(struct ifnet *ifp, struct rte_mbuf *m, const ip_hdr_t *ip, int hlen,
    int lflags)
{
	uint32_t f = m_pkthdr(m)->csum_flags;

	/* The port says only with IFCAP_RXCSUM on; lo0 (M_LOOP) always. */
	if ((f & CSUM_L3_CALC) != 0 &&
	    ((lflags & M_LOOP) != 0 || (ifp->if_capenable & IFCAP_RXCSUM) != 0))
		return ((f & CSUM_L3_VALID) != 0);
	return (in_cksum_buf(ip, hlen) == 0);
}

/*
 * Validate the header; returns its length, or 0 when m was dropped.
 * Trims link-level padding so that the chain is exactly ip_len long.
 */
static int
ip_check(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	struct ipstat *st = &V_ip(ctx)->ipstat;
	const ip_hdr_t *ip;
	uint32_t hlen, len;

	/*
	 * A port may cut a frame anywhere in its buffers: the header (and
	 * then its options) is made contiguous, as FreeBSD's m_pullup().
	 */
	if (m_pullup(m, sizeof(ip_hdr_t)) != 0) {
		st->ips_toosmall++;
		goto bad;
	}
	ip = mtod(m, const ip_hdr_t *);
	if (ip->ip_v != IPVERSION) {
		st->ips_badvers++;
		goto bad;
	}
	hlen = IP_HDRLEN(ip);
	if (hlen < sizeof(ip_hdr_t) || m_pullup(m, hlen) != 0) {
		st->ips_badhlen++;
		goto bad;
	}
	ip = mtod(m, const ip_hdr_t *);
	if (!ip_cksum_ok(ifp, m, ip, (int)hlen, lflags)) {
		st->ips_badsum++;
		goto bad;
	}
	len = ntohs(ip->ip_len);
	if (len < hlen) {
		st->ips_badlen++;
		goto bad;
	}
	if (m_pktlen(m) < len) {
		st->ips_tooshort++;
		goto bad;
	}
	if (m_pktlen(m) > len)
		m_cutback(m, len); /* link padding after the datagram */
	return ((int)hlen);
bad:
	m_freem(m);
	return (0);
}

/* RFC 1122 3.2.1.3: addresses that must never arrive from a wire. */
static int
ip_badaddr(const struct ifnet *ifp, const ip_hdr_t *ip)
{
	uint32_t src = ntohl(ip->ip_src.s_addr);
	uint32_t dst = ntohl(ip->ip_dst.s_addr);

	if ((ifp->if_flags & IFF_LOOPBACK) == 0 &&
	    ((src >> IN_CLASSA_NSHIFT) == IN_LOOPBACKNET ||
		(dst >> IN_CLASSA_NSHIFT) == IN_LOOPBACKNET))
		return (1);
	return (IN_MULTICAST(src) || src == INADDR_BROADCAST);
}

/*
 * Is the datagram for this host?  1 yes (with M_BCAST added for a
 * broadcast destination), 0 no, -1 a multicast group we are not in.
 */
static int
ip_ours(struct ff_ctx *ctx, struct ifnet *ifp, const ip_hdr_t *ip, int *lflags)
{
	uint32_t dst = ntohl(ip->ip_dst.s_addr);

	if (in_localip(ctx, ip->ip_dst))
		return (1);
	if (IN_MULTICAST(dst)) {
		if (dst != INADDR_ALLHOSTS_GROUP)
			return (-1);
		*lflags |= M_MCAST;
		return (1);
	}
	if (in_broadcast(ip->ip_dst, ifp)) {
		*lflags |= M_BCAST;
		return (1);
	}
	return (0);
}

/* RFC 1812 5.3.1: decrement TTL, or answer with time exceeded. */
static int
ip_forward_ttl(struct ff_ctx *ctx, struct rte_mbuf *m, ip_hdr_t *ip, int lflags)
{
	uint32_t sum;

	if (ip->ip_ttl <= IPTTLDEC) {
		V_ip(ctx)->ipxstat.ipx_ttlexceeded++;
		icmp_error_consume(
		    ctx, m, ICMP_TIMXCEED, ICMP_TIMXCEED_INTRANS, 0, lflags);
		return (-1);
	}
	ip->ip_ttl -= IPTTLDEC;
	/* RFC 1624 incremental update: the TTL byte is the high half. */
	sum = ntohs(ip->ip_sum) + (IPTTLDEC << 8);
	ip->ip_sum = htons((uint16_t)(sum + (sum >> 16)));
	return (0);
}

/*
 * A segment or datagram that came over a trusted link ([portN]
 * csum_trust: the port's p_rx_trust, the peer's doing, whatever
 * ifconfig [-]txcsum / [-]rxcsum made of this side) may carry the
 * pseudo-header sum in place of its checksum, its sender having left
 * the sum to the link.  Forwarded, it is handled as one of
 * ours: the field gets the pseudo sum again (whatever the sender put
 * there) and CSUM_IP_TCP / CSUM_IP_UDP leave the sum to ip_output,
 * which completes it unless the outgoing interface is trusted too.  A
 * UDP datagram without a sum (0, RFC 768) stays without; a fragment
 * holds too little of its datagram to be summed and goes as it came.
 * What came over any other link is not touched: a router does not
 * mend a sum it never checked.
 */
static void
ip_forward_trusted(struct ifnet *ifp, struct rte_mbuf *m)
{
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	uint32_t hlen = IP_HDRLEN(ip), field, flag;
	uint16_t s;

	if (ifp->if_port == NULL || ifp->if_port->p_rx_trust == 0 ||
	    (ntohs(ip->ip_off) & (IP_MF | IP_OFFMASK)) != 0)
		return;
	if (ip->ip_p == IPPROTO_TCP) {
		field = hlen + 16;
		flag = CSUM_IP_TCP;
	} else if (ip->ip_p == IPPROTO_UDP) {
		field = hlen + 6;
		flag = CSUM_IP_UDP;
	} else
		return;
	if (m_pullup(m, field + sizeof(s)) != 0)
		return; /* too short: it goes as it came */
	ip = mtod(m, ip_hdr_t *);
	memcpy(&s, mtodo(m, field), sizeof(s));
	if (flag == CSUM_IP_UDP && s == 0)
		return;
	s = in_cksum_pseudo_l4(ip);
	memcpy(mtodo(m, field), &s, sizeof(s));
	m_pkthdr(m)->csum_flags |= flag;
}

static void
ip_forward(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	struct ipstat *st = &V_ip(ctx)->ipstat;
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	struct rtentry *rt;
	uint32_t mtu, dst = ntohl(ip->ip_dst.s_addr);

	if ((lflags & (M_BCAST | M_MCAST)) != 0 || IN_MULTICAST(dst) ||
	    IN_EXPERIMENTAL(dst) || (dst >> IN_CLASSA_NSHIFT) == 0) {
		st->ips_cantforward++;
		m_freem(m);
		return;
	}
	if (ip_forward_ttl(ctx, m, ip, lflags) != 0)
		return;
	ip_forward_trusted(ifp, m);
	ip = mtod(m, ip_hdr_t *);
	rt = rt_lookup(ctx, ip->ip_dst);
	if (rt == NULL || (rt->rt_flags & RTF_REJECT) != 0) {
		st->ips_noroute++;
		st->ips_cantforward++;
		icmp_error_consume(
		    ctx, m, ICMP_UNREACH, ICMP_UNREACH_HOST, 0, lflags);
		return;
	}
	mtu = rt->rt_mtu ? rt->rt_mtu : rt->rt_ifp->if_mtu;
	if ((ntohs(ip->ip_off) & IP_DF) != 0 && ntohs(ip->ip_len) > mtu) {
		st->ips_cantfrag++;
		st->ips_cantforward++;
		icmp_error_consume(
		    ctx, m, ICMP_UNREACH, ICMP_UNREACH_NEEDFRAG, mtu, lflags);
		return;
	}
	if (ip_output_consume(ctx, m, IP_FORWARDING) == 0)
		st->ips_forward++;
	else
		st->ips_cantforward++;
}

/*
 * Hand a complete datagram to its protocol: ICMP, UDP (udp_usrreq.c),
 * TCP (tcp_input.c); other protocols get protocol unreachable, as
 * FreeBSD's rip_input does when no raw socket wants them.
 */
static void
ip_deliver_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    int hlen, int lflags)
{
	struct ipstat *st = &V_ip(ctx)->ipstat;
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);

	st->ips_delivered++;
	switch (ip->ip_p) {
	case IPPROTO_ICMP:
		icmp_input_consume(ctx, ifp, m, hlen, lflags);
		return;
	case IPPROTO_UDP:
		udp_input_consume(ctx, ifp, m, hlen, lflags);
		return;
	case IPPROTO_TCP:
		tcp_input_consume(ctx, ifp, m, hlen, lflags);
		return;
	default:
		st->ips_delivered--;
		st->ips_noproto++;
		icmp_error_consume(
		    ctx, m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0, lflags);
	}
}

void
ip_input_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	struct ip_state *ips = V_ip(ctx);
	const ip_hdr_t *ip;
	int hlen, ours;

	ips->ipstat.ips_total++;
	if ((hlen = ip_check(ctx, ifp, m, lflags)) == 0)
		return;
	ip = mtod(m, const ip_hdr_t *);
	if (ip_badaddr(ifp, ip)) {
		ips->ipstat.ips_badaddr++;
		m_freem(m);
		return;
	}
	/* pfil's place: checked, not yet delivered nor forwarded. */
	if (ipfw_check_in(ctx, ifp, m, lflags) != 0)
		return;
	if (hlen > (int)sizeof(ip_hdr_t) && ip_dooptions(ctx, ifp, m, lflags))
		return;
	ours = ip_ours(ctx, ifp, ip, &lflags);
	if (ours < 0) {
		ips->ipstat.ips_notmember++;
		m_freem(m);
		return;
	}
	if (ours == 0) {
		if (!ips->forwarding) {
			ips->ipstat.ips_cantforward++;
			m_freem(m);
		} else
			ip_forward(ctx, ifp, m, lflags);
		return;
	}
	if ((ntohs(ip->ip_off) & (IP_MF | IP_OFFMASK)) != 0) {
		ips->ipstat.ips_fragments++;
		if ((m = ip_reass_consume(ctx, ifp, m, &lflags)) == NULL)
			return;
		ip = mtod(m, const ip_hdr_t *);
		hlen = IP_HDRLEN(ip);
	}
	ip_deliver_consume(ctx, ifp, m, hlen, lflags);
}

#define STATE struct ip_state

static const struct sysctl_entry ip_sysctls[] = {
	SYSCTL_INT("net.inet.ip.forwarding", CTLFLAG_RW, STATE, forwarding, 0,
	    1, "Enable IP forwarding between interfaces"),
	SYSCTL_INT("net.inet.ip.ttl", CTLFLAG_RW, STATE, defttl, 1, MAXTTL,
	    "Maximum TTL on IP packets"),
	SYSCTL_INT("net.inet.ip.process_options", CTLFLAG_RW, STATE,
	    process_options, 0, 2,
	    "Enable IP options processing ([LS]SRR, RR, TS)"),
	SYSCTL_INT("net.inet.ip.maxfragpackets", CTLFLAG_RWTUN, STATE,
	    maxfragpackets, 0, 4096,
	    "Maximum number of IPv4 fragment reassembly queue entries"),
	SYSCTL_INT("net.inet.ip.maxfragsperpacket", CTLFLAG_RWTUN, STATE,
	    maxfragsperpacket, 1, IPQ_MAXFRAGS,
	    "Maximum number of IPv4 fragments allowed per packet"),
	SYSCTL_INT("net.inet.ip.maxfrags", CTLFLAG_RWTUN, STATE, maxfrags, 0,
	    65536,
	    "Maximum number of IPv4 fragments allowed across all "
	    "reassembly queues"),
	SYSCTL_INT("net.inet.ip.fragttl", CTLFLAG_RD, STATE, fragttl, 1, 3600,
	    "IP fragment life time on reassembly queue (seconds)"),
	SYSCTL_STATS("net.inet.ip.stats", STATE, ipstat, "S,ipstat",
	    "IP statistics (struct ipstat, netinet/ip_var.h)"),
	SYSCTL_STATS("net.inet.ip.xstats", STATE, ipxstat, "S,ipxstat",
	    "IP drops FreeBSD does not count (struct ipxstat)"),
};

#undef STATE

int
ip_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_ip(ctx), ip_sysctls));
}
