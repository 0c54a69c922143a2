/*
 * ip_options.c - IPv4 options on input (FreeBSD's netinet/ip_options.c).
 *
 * Entry point: ip_dooptions().  RFC 791 3.1, RFC 1122 3.2.1.8,
 * RFC 7126 (source routes are dropped by default).
 *
 * As FreeBSD with net.inet.ip.sourceroute=0 and accept_sourceroute=0:
 * every option is checked for a sane length (else parameter problem and
 * ips_badoptions); record route, timestamp and the rest are skipped
 * (nothing is recorded); a source-routed datagram is refused: with
 * "source route failed" when it is for us or we forward, silently
 * (ips_cantforward) when it would need forwarding and we do not forward.
 * net.inet.ip.process_options: 0 ignores options, 2 refuses any datagram
 * carrying them (ICMP filter prohibited).
 */
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "kern/mbuf.h"

/* Reject: ICMP error and ips_badoptions; consumes m, returns 1. */
static int
ip_opt_bad(
    struct ff_ctx *ctx, struct rte_mbuf *m, int type, int code, int lflags)
{
	IPSTAT_INC(ctx, ips_badoptions);
	icmp_error_consume(ctx, m, type, code, 0, lflags);
	return (1);
}

/* A source route option at cp: 1 when m was consumed. */
static int
ip_opt_srcroute(struct ff_ctx *ctx, struct rte_mbuf *m, const uint8_t *cp,
    int optlen, int ptroff, int lflags)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	int off = cp[IPOPT_OFFSET];

	if (optlen < IPOPT_OFFSET + 1 || off < IPOPT_MINOFF)
		return (ip_opt_bad(ctx, m, ICMP_PARAMPROB,
		    ptroff +
			(optlen < IPOPT_OFFSET + 1 ? IPOPT_OLEN : IPOPT_OFFSET),
		    lflags));
	if (!in_localip(ctx, ip->ip_dst) && !V_ip(ctx)->forwarding) {
		/* Not acting as a router: drop without a word. */
		IPSTAT_INC(ctx, ips_cantforward);
		m_freem(m);
		return (1);
	}
	return (ip_opt_bad(ctx, m, ICMP_UNREACH, ICMP_UNREACH_SRCFAIL, lflags));
}

int
ip_dooptions(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	const uint8_t *cp = mtod(m, const uint8_t *);
	int hlen = IP_HDRLEN((const ip_hdr_t *)cp);
	int off = sizeof(ip_hdr_t), opt, optlen;

	if (V_ip(ctx)->process_options == 0)
		return (0);
	if (V_ip(ctx)->process_options == 2)
		return (ip_opt_bad(
		    ctx, m, ICMP_UNREACH, ICMP_UNREACH_FILTER_PROHIB, lflags));
	while (off < hlen) {
		opt = cp[off + IPOPT_OPTVAL];
		if (opt == IPOPT_EOL)
			break;
		if (opt == IPOPT_NOP) {
			off++;
			continue;
		}
		if (off + IPOPT_OLEN >= hlen)
			return (
			    ip_opt_bad(ctx, m, ICMP_PARAMPROB, off, lflags));
		optlen = cp[off + IPOPT_OLEN];
		if (optlen < 2 || optlen > hlen - off)
			return (ip_opt_bad(
			    ctx, m, ICMP_PARAMPROB, off + IPOPT_OLEN, lflags));
		if ((opt == IPOPT_LSRR || opt == IPOPT_SSRR) &&
		    V_ip(ctx)->sourceroute == 0)
			return (ip_opt_srcroute(
			    ctx, m, cp + off, optlen, off, lflags));
		off += optlen;
	}
	return (0);
}
