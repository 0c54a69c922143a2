/*
 * ip_output.c - IPv4 output: header completion, route lookup, source
 * address choice, checksum (in software, or by the NIC when the port
 * offers it) and fragmentation (FreeBSD's netinet/ip_output.c).
 *
 * Entry point: ip_output_consume().  RFC 791 2.3 and 3.2 (fragmentation;
 * only options with the copied bit go into later fragments), RFC 1122
 * 3.3.1 (routing outbound datagrams).
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "net/ether_var.h"
#include "net/route.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/ip_fw.h"
#include "netinet/in_cksum.h"
#include "kern/mbuf.h"
#include "kern/libkern.h"

/* Header checksum by the NIC when the port offers it, else here. */
static void
ip_output_cksum(struct ifnet *ifp, struct rte_mbuf *m, ip_hdr_t *ip, int hlen)
{
	struct pkthdr *ph;

	ip->ip_sum = 0;
	if ((ifp->if_hwassist & CSUM_IP) != 0) {
		ph = m_pkthdr(m);
		ph->csum_flags |= CSUM_IP;
		ph->l3hlen = (uint8_t)hlen;
		return;
	}
	ip->ip_sum = in_cksum_buf(ip, hlen);
}

/*
 * A TCP or UDP sum left to the interface (CSUM_IP_TCP / CSUM_IP_UDP)
 * that this one does not take is completed here, before fragments are
 * cut (FreeBSD's ip_output(), sw_csum).  Only a trusted link takes it
 * ([portN] csum_trust, dpdk/ff_dpdk_mbuf.h).
 */
static void
ip_output_delayed(struct ifnet *ifp, struct rte_mbuf *m, int hlen)
{
	struct pkthdr *ph = m_pkthdr(m);
	uint32_t f =
	    ph->csum_flags & (CSUM_IP_TCP | CSUM_IP_UDP) & ~ifp->if_hwassist;

	if (f == 0)
		return;
	in_delayed_cksum(m, (uint32_t)hlen,
	    (uint32_t)hlen + ((f & CSUM_IP_TCP) != 0 ? 16 : 6));
	ph->csum_flags &= ~f;
}

/*
 * The options of the first fragment that later fragments carry (the
 * copied bit), padded with EOL to a multiple of 4.  Returns their length.
 */
static int
ip_optcopy(const uint8_t *src, int srclen, uint8_t *dst)
{
	int off = 0, n = 0, optlen;

	while (off < srclen) {
		if (src[off] == IPOPT_EOL)
			break;
		if (src[off] == IPOPT_NOP) {
			off++;
			continue;
		}
		optlen = off + 1 < srclen ? src[off + 1] : 0;
		if (optlen < 2 || optlen > srclen - off)
			break; /* checked on input; be safe */
		if (IPOPT_COPIED(src[off])) {
			memcpy(dst + n, src + off, optlen);
			n += optlen;
		}
		off += optlen;
	}
	while ((n & 3) != 0)
		dst[n++] = IPOPT_EOL;
	return (n);
}

/* One fragment: payload [off, off+len) of m behind a copy of its header. */
static struct rte_mbuf *
ip_frag_one(struct ff_ctx *ctx, struct rte_mbuf *m, int hlen, int fhlen,
    int off, int len, int more)
{
	const ip_hdr_t *oip = mtod(m, const ip_hdr_t *);
	struct rte_mbuf *n;
	const void *src;
	ip_hdr_t *ip;
	uint16_t ooff = ntohs(oip->ip_off);
	uint8_t *p;

	if ((n = m_gethdr(ctx->pktmbuf_pool)) == NULL)
		return (NULL);
	if ((p = (uint8_t *)m_append(n, fhlen + len)) == NULL) {
		m_freem(n);
		return (NULL);
	}
	memcpy(p, oip, sizeof(ip_hdr_t));
	if (fhlen > (int)sizeof(ip_hdr_t)) {
		if (off == 0)
			memcpy(p + sizeof(ip_hdr_t), oip + 1, fhlen - 20);
		else
			(void)ip_optcopy((const uint8_t *)(oip + 1), hlen - 20,
			    p + sizeof(ip_hdr_t));
	}
	src = m_copydata_p(m, hlen + off, len, p + fhlen);
	if (src != p + fhlen)
		memcpy(p + fhlen, src, len);
	ip = (ip_hdr_t *)p;
	IP_SET_VHL(ip, fhlen);
	ip->ip_len = htons((uint16_t)(fhlen + len));
	ip->ip_off = htons((uint16_t)((ooff & ~(IP_MF | IP_OFFMASK)) |
	    ((ooff & IP_OFFMASK) + (off >> 3)) |
	    ((more || (ooff & IP_MF) != 0) ? IP_MF : 0)));
	return (n);
}

/* Length of the header later fragments carry. */
static int
ip_frag_hlen(const struct rte_mbuf *m, int hlen)
{
	uint8_t opts[IP_MAXHDRLEN];
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);

	if (hlen == (int)sizeof(ip_hdr_t))
		return (hlen);
	return ((int)sizeof(ip_hdr_t) +
	    ip_optcopy((const uint8_t *)(ip + 1), hlen - 20, opts));
}

/* Split m to fit mtu and send every piece to nexthop; consumes m. */
static int
ip_fragment(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int hlen,
    uint32_t mtu, struct in_addr nexthop, int bcast)
{
	struct ipstat *st = &V_ip(ctx)->ipstat;
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	int total = ntohs(ip->ip_len) - hlen, off, len, fhlen, error = 0;
	int fragsize = ((int)mtu - hlen) & ~7;
	int later = ip_frag_hlen(m, hlen);
	struct rte_mbuf *n;

	if (fragsize < 8 || (((int)mtu - later) & ~7) < 8) {
		st->ips_cantfrag++;
		m_freem(m);
		return (-EMSGSIZE);
	}
	for (off = 0; off < total && error == 0; off += len) {
		fhlen = off == 0 ? hlen : later;
		len = imin(((int)mtu - fhlen) & ~7, total - off);
		n = ip_frag_one(
		    ctx, m, hlen, fhlen, off, len, off + len < total);
		if (n == NULL) {
			st->ips_odropped++;
			error = -ENOBUFS;
			break;
		}
		ip_output_cksum(ifp, n, mtod(n, ip_hdr_t *), fhlen);
		st->ips_ofragments++;
		error = ether_output_consume(ctx, ifp, n, nexthop, bcast);
	}
	if (error == 0)
		st->ips_fragmented++;
	m_freem(m);
	return (error);
}

/* Fill what a locally generated header leaves to us. */
static void
ip_output_fill(struct ff_ctx *ctx, ip_hdr_t *ip)
{
	if (ip->ip_v != IPVERSION)
		IP_SET_VHL(ip, sizeof(ip_hdr_t));
	ip->ip_id = htons(ip_newid(V_ip(ctx)));
	ip->ip_off &= htons(IP_DF);
	if (ip->ip_ttl == 0)
		ip->ip_ttl = (uint8_t)V_ip(ctx)->defttl;
	IPSTAT_INC(ctx, ips_localout);
}

/* Route for ip_dst: 0 with *rtp, or a negative errno (m freed). */
static int
ip_output_route(
    struct ff_ctx *ctx, struct rte_mbuf *m, ip_hdr_t *ip, struct rtentry **rtp)
{
	struct rtentry *rt = rt_lookup(ctx, ip->ip_dst);

	if (rt == NULL || (rt->rt_flags & RTF_REJECT) != 0 ||
	    (rt->rt_ifp->if_flags & IFF_UP) == 0) {
		IPSTAT_INC(ctx, ips_noroute);
		m_freem(m);
		return (-EHOSTUNREACH);
	}
	if ((rt->rt_flags & RTF_BLACKHOLE) != 0) {
		IPSTAT_INC(ctx, ips_odropped);
		m_freem(m);
		return (-EHOSTUNREACH);
	}
	*rtp = rt;
	return (0);
}

int
ip_output_full(struct ff_ctx *ctx, struct in_addr dst)
{
	struct rtentry *rt = rt_lookup(ctx, dst);

	return (rt != NULL && if_snd_full(rt->rt_ifp));
}

int
ip_output_consume(struct ff_ctx *ctx, struct rte_mbuf *m, int flags)
{
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	struct in_addr nexthop;
	struct rtentry *rt;
	struct ifnet *ifp;
	uint32_t mtu;
	int error, hlen, bcast = 0;

	if ((flags & (IP_FORWARDING | IP_RAWOUTPUT)) == 0)
		ip_output_fill(ctx, ip);
	hlen = IP_HDRLEN(ip);
	if ((error = ip_output_route(ctx, m, ip, &rt)) != 0)
		return (error);
	ifp = rt->rt_ifp;
	nexthop = (rt->rt_flags & RTF_GATEWAY) ? rt->rt_gateway : ip->ip_dst;
	if ((rt->rt_flags & RTF_GATEWAY) == 0 && ifp->if_type == IFT_ETHER &&
	    in_broadcast(ip->ip_dst, ifp)) {
		if ((flags & IP_ALLOWBROADCAST) == 0) {
			IPSTAT_INC(ctx, ips_odropped);
			m_freem(m);
			return (-EACCES);
		}
		bcast = 1;
	}
	if (ip->ip_src.s_addr == INADDR_ANY && rt->rt_ifa != NULL)
		ip->ip_src = rt->rt_ifa->ia_addr;
	/* pfil's place: routed, before fragments are cut (EACCES). */
	if (ipfw_check_out(ctx, ifp, m) != 0)
		return (-EACCES);
	rt->rt_use++;
	ip_output_delayed(ifp, m, hlen);
	mtu = rt->rt_mtu ? min(rt->rt_mtu, ifp->if_mtu) : ifp->if_mtu;
	/* A TSO super-segment is cut to the MTU by the port. */
	if (ntohs(ip->ip_len) <= mtu ||
	    (m_pkthdr(m)->csum_flags & CSUM_IP_TSO) != 0) {
		ip_output_cksum(ifp, m, ip, hlen);
		return (ether_output_consume(ctx, ifp, m, nexthop, bcast));
	}
	if ((ntohs(ip->ip_off) & IP_DF) != 0) {
		IPSTAT_INC(ctx, ips_cantfrag);
		m_freem(m);
		return (-EMSGSIZE);
	}
	return (ip_fragment(ctx, ifp, m, hlen, mtu, nexthop, bcast));
}
