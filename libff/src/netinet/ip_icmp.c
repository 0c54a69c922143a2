/*
 * ip_icmp.c - ICMP for IPv4 (FreeBSD's netinet/ip_icmp.c): input, echo
 * and timestamp replies, error generation and its rate limit (shared
 * with tcp_input's RSTs).
 *
 * Entry points: icmp_init(), icmp_input_consume(), icmp_error_consume(),
 * icmp_ratecheck().  RFC 792, RFC 1122 3.2.2 (when not to send an
 * error) and 3.2.2.1 (pass a received error to the transport protocol:
 * tcp_ctlinput), RFC 1812 4.3.2.8 (rate limiting).
 *
 * Errors are never sent about an ICMP error, a fragment other than the
 * first, a datagram sent to a broadcast or multicast address (link or
 * IP), or from an address that names no single host.  Echo, timestamp
 * and error messages, and TCP's RSTs from closed and from open ports,
 * each get at most net.inet.icmp.icmplim per second (0: no limit),
 * counted by kind in net.inet.icmp.bandlim.*: a SYN, ACK or port scan
 * flood gets no answer flood back.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/udp_var.h"
#include "netinet/tcp_var.h"
#include "kern/kern_sysctl.h"
#include "netinet/in_cksum.h"
#include "kern/mbuf.h"
#include "kern/libkern.h"

#define ICMP_TSLEN     20 /* header + three timestamps */
/* A quoted header with all its options and the 8 bytes behind it. */
#define ICMP_QUOTE_MAX (0xf * 4 + 8)

int
icmp_init(struct ff_ctx *ctx)
{
	struct icmp_state *is = V_icmp(ctx);

	memset(is, 0, sizeof(*is));
	is->icmplim = 200;
	is->bmcastecho = 0;
	is->quotelen = 8;
	memset(is->lim_sec, 0xff, sizeof(is->lim_sec));
	return (0);
}

int
icmp_ratecheck(struct ff_ctx *ctx, enum icmp_bandlim which)
{
	struct icmp_state *is = V_icmp(ctx);
	uint64_t sec = ff_clock_uptime(&ctx->clock);

	if (is->icmplim <= 0 || which == BANDLIM_UNLIMITED)
		return (1);
	if (is->lim_sec[which] != sec) {
		is->lim_sec[which] = sec;
		is->lim_count[which] = 0;
	}
	if (++is->lim_count[which] > is->icmplim) {
		is->ratelimited++;
		is->lim_dropped[which]++;
		return (0);
	}
	return (1);
}

/* 1 when src names no single host we could answer. */
static int
icmp_badsrc(struct in_addr src)
{
	uint32_t a = ntohl(src.s_addr);

	return (IN_MULTICAST(a) || IN_EXPERIMENTAL(a) || (a >> 24) == 0 ||
	    a == INADDR_BROADCAST);
}

/*
 * Send m (IP header, ICMP message) back where it came from: our address
 * it was sent to as source (or the interface's), options dropped, new
 * checksum.  Consumes m.
 */
static void
icmp_reflect_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int hlen)
{
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	struct in_ifaddr *ia;
	struct icmp *icp;
	struct in_addr src;
	uint16_t sum;
	int icmplen = ntohs(ip->ip_len) - hlen;

	if (icmp_badsrc(ip->ip_src)) {
		ICMPSTAT_INC(ctx, icps_badaddr);
		m_freem(m);
		return;
	}
	if (in_localip(ctx, ip->ip_dst))
		src = ip->ip_dst;
	else if ((ia = in_ifaddr_primary(ifp)) != NULL)
		src = ia->ia_addr;
	else
		src.s_addr = INADDR_ANY;
	if (hlen > (int)sizeof(ip_hdr_t)) {
		/* Strip options: move the fixed header up against the data. */
		memmove((uint8_t *)ip + hlen - sizeof(ip_hdr_t), ip,
		    sizeof(ip_hdr_t));
		ip = (ip_hdr_t *)m_adj(m, hlen - sizeof(ip_hdr_t));
		IP_SET_VHL(ip, sizeof(ip_hdr_t));
	}
	ip->ip_dst = ip->ip_src;
	ip->ip_src = src;
	ip->ip_len = htons((uint16_t)(sizeof(ip_hdr_t) + icmplen));
	ip->ip_ttl = 0; /* ip_output: net.inet.ip.ttl */
	icp = (struct icmp *)(ip + 1);
	icp->icmp_cksum = 0;
	if (in_cksum_mbuf(m, sizeof(ip_hdr_t), icmplen, &sum) == 0)
		icp->icmp_cksum = sum;
	ICMPSTAT_INC(ctx, icps_reflect);
	ICMPSTAT_INC(ctx, icps_outhist[icp->icmp_type]);
	(void)ip_output_consume(ctx, m, 0);
}

/*
 * Milliseconds since midnight UT from the wall clock (RFC 792: a standard
 * value, so the high bit stays clear), as FreeBSD's iptime().
 */
static uint32_t
icmp_iptime(struct ff_ctx *ctx)
{
	uint64_t ms = ff_clock_wall(&ctx->clock) / FF_NS_PER_MS;

	return (htonl((uint32_t)(ms % (24ULL * 3600 * 1000))));
}

/* 1 when an echo/timestamp to a b/mcast address must be ignored. */
static int
icmp_bmcast_refused(struct ff_ctx *ctx, int lflags, uint64_t *counter)
{
	if ((lflags & (M_BCAST | M_MCAST)) == 0 || V_icmp(ctx)->bmcastecho)
		return (0);
	(*counter)++;
	return (1);
}

/* Sanity of an error message; 0 when it may be passed on. */
static int
icmp_check_error(struct ff_ctx *ctx, const struct icmp *icp, int icmplen)
{
	static const uint8_t maxcode[ICMP_MAXTYPE + 1] = {
		[ICMP_UNREACH] = 15,
		[ICMP_TIMXCEED] = 1,
		[ICMP_PARAMPROB] = 2,
		[ICMP_SOURCEQUENCH] = 0,
	};

	if (icp->icmp_code > maxcode[icp->icmp_type]) {
		ICMPSTAT_INC(ctx, icps_badcode);
		return (-1);
	}
	if (icmplen < ICMP_ADVLENMIN) {
		ICMPSTAT_INC(ctx, icps_badlen);
		return (-1);
	}
	return (0);
}

/*
 * Tell the transport protocol of the datagram an error quotes (FreeBSD's
 * ip_ctlprotox[] dispatch to pr_ctlinput).  The quote must hold the whole
 * IP header and 8 bytes behind it, contiguous (icps_badlen otherwise):
 * enough for either protocol's ports.
 */
static void
icmp_notify(struct ff_ctx *ctx, struct rte_mbuf *m, int hlen, int icmplen)
{
	struct icmp *icp;
	const ip_hdr_t *oip;
	uint32_t avail;
	int ohlen;

	/* The quote as far as its largest header and 8 bytes, contiguous. */
	(void)m_pullup(m,
	    (uint32_t)hlen +
		min((uint32_t)icmplen, ICMP_MINLEN + ICMP_QUOTE_MAX));
	icp = mtodo(m, hlen);
	oip = (const ip_hdr_t *)(icp + 1);
	avail = m_len(m) - (uint32_t)hlen - ICMP_MINLEN;
	ohlen = IP_HDRLEN(oip);

	if ((uint32_t)icmplen - ICMP_MINLEN < avail)
		avail = (uint32_t)icmplen - ICMP_MINLEN;
	if (ohlen < (int)sizeof(ip_hdr_t) || avail < (uint32_t)ohlen + 8) {
		ICMPSTAT_INC(ctx, icps_badlen);
		return;
	}
	switch (oip->ip_p) {
	case IPPROTO_TCP:
		tcp_ctlinput(ctx, icp->icmp_type, icp->icmp_code,
		    ntohs(icp->icmp_nextmtu), oip, avail);
		break;
	case IPPROTO_UDP:
		udp_ctlinput(ctx, icp->icmp_type, icp->icmp_code, oip, avail);
		break;
	}
}

void
icmp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    int hlen, int lflags)
{
	struct icmpstat *st = &V_icmp(ctx)->icmpstat;
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	int icmplen = ntohs(ip->ip_len) - hlen;
	uint32_t ts;
	struct icmp *icp;
	uint16_t sum;

	/* A port may cut the frame anywhere: the header is pulled up. */
	if (icmplen < ICMP_MINLEN ||
	    m_pullup(m, (uint32_t)(hlen + ICMP_MINLEN)) != 0) {
		st->icps_tooshort++;
		goto free;
	}
	if (in_cksum_mbuf(m, hlen, icmplen, &sum) != 0 || sum != 0) {
		st->icps_checksum++;
		goto free;
	}
	icp = mtodo(m, hlen);
	if (icp->icmp_type > ICMP_MAXTYPE) {
		V_icmp(ctx)->unknowntype++;
		goto free;
	}
	st->icps_inhist[icp->icmp_type]++;
	switch (icp->icmp_type) {
	case ICMP_ECHO:
		if (icmp_bmcast_refused(ctx, lflags, &st->icps_bmcastecho) ||
		    !icmp_ratecheck(ctx, BANDLIM_ICMP_ECHO))
			goto free;
		icp->icmp_type = ICMP_ECHOREPLY;
		icmp_reflect_consume(ctx, ifp, m, hlen);
		return;
	case ICMP_TSTAMP:
		if (icmp_bmcast_refused(ctx, lflags, &st->icps_bmcasttstamp) ||
		    !icmp_ratecheck(ctx, BANDLIM_ICMP_TSTAMP))
			goto free;
		if (icmplen < ICMP_TSLEN ||
		    m_pullup(m, (uint32_t)(hlen + ICMP_TSLEN)) != 0) {
			st->icps_badlen++;
			goto free;
		}
		icp = mtodo(m, hlen);
		icp->icmp_type = ICMP_TSTAMPREPLY;
		/* Originate, receive, transmit: 2-byte aligned, as icp. */
		ts = icmp_iptime(ctx);
		memcpy((uint8_t *)(icp + 1) + 4, &ts, 4); /* receive */
		memcpy((uint8_t *)(icp + 1) + 8, &ts, 4); /* transmit */
		icmp_reflect_consume(ctx, ifp, m, hlen);
		return;
	case ICMP_UNREACH:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
	case ICMP_SOURCEQUENCH:
		if (icmp_check_error(ctx, icp, icmplen) == 0)
			icmp_notify(ctx, m, hlen, icmplen);
		goto free;
	default:
		/* Replies, redirects, router messages: nobody listens. */
		goto free;
	}
free:
	m_freem(m);
}

/* RFC 1122 3.2.2: may we answer the datagram n with an error? */
static int
icmp_error_allowed(struct ff_ctx *ctx, struct rte_mbuf *n, int type, int lflags)
{
	const ip_hdr_t *oip = mtod(n, const ip_hdr_t *);
	int ohlen = IP_HDRLEN(oip);
	const struct icmp *oicp;

	if ((ntohs(oip->ip_off) & IP_OFFMASK) != 0)
		return (0);
	if ((lflags & (M_BCAST | M_MCAST)) != 0 ||
	    IN_MULTICAST(ntohl(oip->ip_dst.s_addr)) ||
	    oip->ip_dst.s_addr == INADDR_BROADCAST || icmp_badsrc(oip->ip_src))
		return (0);
	if (m_pullup(n, (uint32_t)(ohlen + 8)) != 0) {
		ICMPSTAT_INC(ctx, icps_oldshort);
		return (0);
	}
	if (oip->ip_p == IPPROTO_ICMP && type != ICMP_REDIRECT) {
		oicp = mtodo(n, ohlen);
		if (!ICMP_INFOTYPE(oicp->icmp_type)) {
			ICMPSTAT_INC(ctx, icps_oldicmp);
			return (0);
		}
	}
	return (icmp_ratecheck(ctx,
	    type == ICMP_UNREACH ? BANDLIM_ICMP_UNREACH : BANDLIM_ICMP_OTHER));
}

/* Build the error for n into a new mbuf; NULL when out of mbufs. */
static struct rte_mbuf *
icmp_error_build(
    struct ff_ctx *ctx, struct rte_mbuf *n, int type, int code, uint32_t mtu)
{
	const ip_hdr_t *oip = mtod(n, const ip_hdr_t *);
	uint32_t quote = IP_HDRLEN(oip) + V_icmp(ctx)->quotelen;
	struct rte_mbuf *m;
	struct icmp *icp;
	ip_hdr_t *ip;

	quote = min(quote, m_pktlen(n));
	quote = min(quote, (uint32_t)(IP_MSS - sizeof(*ip) - ICMP_MINLEN));
	if ((m = m_gethdr(ctx->pktmbuf_pool)) == NULL)
		return (NULL);
	ip = (ip_hdr_t *)m_append(m, sizeof(*ip) + ICMP_MINLEN + quote);
	if (ip == NULL) {
		m_freem(m);
		return (NULL);
	}
	memset(ip, 0, sizeof(*ip) + ICMP_MINLEN);
	icp = (struct icmp *)(ip + 1);
	icp->icmp_type = (uint8_t)type;
	if (type == ICMP_PARAMPROB)
		icp->icmp_pptr = (uint8_t)code; /* the pointer, code 0 */
	else
		icp->icmp_code = (uint8_t)code;
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG)
		icp->icmp_nextmtu = htons((uint16_t)mtu);
	memcpy(icp + 1, m_copydata_p(n, 0, quote, icp + 1), quote);
	icp->icmp_cksum = in_cksum_buf(icp, ICMP_MINLEN + quote);
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_len = htons((uint16_t)(sizeof(*ip) + ICMP_MINLEN + quote));
	ip->ip_p = IPPROTO_ICMP;
	ip->ip_dst = oip->ip_src;
	if (in_localip(ctx, oip->ip_dst))
		ip->ip_src = oip->ip_dst;
	return (m);
}

void
icmp_error_consume(struct ff_ctx *ctx, struct rte_mbuf *n, int type, int code,
    uint32_t mtu, int lflags)
{
	struct rte_mbuf *m;

	ICMPSTAT_INC(ctx, icps_error);
	if (!icmp_error_allowed(ctx, n, type, lflags)) {
		m_freem(n);
		return;
	}
	m = icmp_error_build(ctx, n, type, code, mtu);
	m_freem(n);
	if (m == NULL) {
		IPSTAT_INC(ctx, ips_odropped);
		return;
	}
	ICMPSTAT_INC(ctx, icps_outhist[type]);
	if (ip_output_consume(ctx, m, 0) == -EHOSTUNREACH)
		ICMPSTAT_INC(ctx, icps_noroute);
}

#define STATE struct icmp_state

/* What each limiter suppressed (lim_dropped); FreeBSD only logs them. */
#define ICMP_BANDLIM(K, leaf, descr)                                  \
	SYSCTL_U64("net.inet.icmp.bandlim." #leaf, CTLFLAG_RD, STATE, \
	    lim_dropped[BANDLIM_##K], descr),

static const struct sysctl_entry icmp_sysctls[] = {
	SYSCTL_INT("net.inet.icmp.icmplim", CTLFLAG_RW, STATE, icmplim, 0,
	    INT_MAX, "Maximum number of ICMP responses per second"),
	SYSCTL_INT("net.inet.icmp.bmcastecho", CTLFLAG_RW, STATE, bmcastecho, 0,
	    1, "Reply to multicast/broadcast ICMP echo and timestamp"),
	SYSCTL_INT("net.inet.icmp.quotelen", CTLFLAG_RW, STATE, quotelen, 8,
	    548,
	    "Number of bytes from original packet to quote in ICMP "
	    "reply"),
	SYSCTL_STATS("net.inet.icmp.stats", STATE, icmpstat, "S,icmpstat",
	    "ICMP statistics (struct icmpstat, netinet/icmp_var.h)"),
	SYSCTL_U64("net.inet.icmp.ratelimited", CTLFLAG_RD, STATE, ratelimited,
	    "Responses suppressed by icmplim (ICMP messages and "
	    "TCP RSTs)"),
	SYSCTL_NODE("net.inet.icmp.bandlim",
	    "Responses suppressed by icmplim, by kind"),
	BANDLIM_LIST(ICMP_BANDLIM)
};

#undef ICMP_BANDLIM
#undef STATE

int
icmp_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_icmp(ctx), icmp_sysctls));
}
