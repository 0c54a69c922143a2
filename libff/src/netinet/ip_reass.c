/*
 * ip_reass.c - reassembly of IPv4 fragments (FreeBSD's
 * netinet/ip_reass.c, RFC 791 3.2, RFC 815).
 *
 * Entry points: ip_reass_consume(), ip_reass_drain().
 *
 * Fragments of one datagram wait in a struct ipq keyed by (source,
 * destination, id, protocol), sorted by offset.  Memory is bounded three
 * ways: net.inet.ip.maxfragpackets datagrams (the oldest is dropped to
 * make room), net.inet.ip.maxfragsperpacket fragments per datagram and
 * net.inet.ip.maxfrags fragments in all.  A datagram not complete after
 * net.inet.ip.fragttl seconds is dropped (ips_fragtimeout).
 *
 * Overlapping fragments are never merged: as RFC 5722 asks of IPv6 (and
 * to shut the door on overlap attacks), a fragment that overlaps another
 * one drops the whole datagram.  Every fragment freed without becoming
 * part of a datagram counts in ips_fragdropped.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "netinet/ip_var.h"
#include "netinet/in_cksum.h"
#include "kern/mbuf.h"

static void ipq_timeout(struct ff_ctx *ctx, void *arg);

/* Free a queue and its fragments; they count in `counter' if not NULL. */
static void
ipq_free(struct ff_ctx *ctx, struct ipq *q, uint64_t *counter)
{
	struct ip_state *ips = V_ip(ctx);
	int i;

	for (i = 0; i < q->ipq_nfrags; i++)
		m_freem(q->ipq_frags[i]);
	if (counter != NULL)
		*counter += q->ipq_nfrags;
	ips->frag_count -= q->ipq_nfrags;
	callout_stop(ctx, &q->ipq_timer);
	TAILQ_REMOVE(&ips->ipq_list, q, ipq_link);
	ips->ipq_count--;
	free(q);
}

static void
ipq_timeout(struct ff_ctx *ctx, void *arg)
{
	ipq_free(ctx, arg, &V_ip(ctx)->ipstat.ips_fragtimeout);
}

void
ip_reass_drain(struct ff_ctx *ctx)
{
	struct ip_state *ips = V_ip(ctx);
	struct ipq *q;

	while ((q = TAILQ_FIRST(&ips->ipq_list)) != NULL)
		ipq_free(ctx, q, &ips->ipstat.ips_fragdropped);
}

static struct ipq *
ipq_find(struct ip_state *ips, const ip_hdr_t *ip)
{
	struct ipq *q;

	TAILQ_FOREACH(q, &ips->ipq_list, ipq_link)
	if (q->ipq_id == ip->ip_id && q->ipq_p == ip->ip_p &&
	    q->ipq_src.s_addr == ip->ip_src.s_addr &&
	    q->ipq_dst.s_addr == ip->ip_dst.s_addr)
		return (q);
	return (NULL);
}

/* A new queue, dropping the oldest one when at the bound. */
static struct ipq *
ipq_create(struct ff_ctx *ctx, const ip_hdr_t *ip)
{
	struct ip_state *ips = V_ip(ctx);
	struct ipq *q;

	if (ips->maxfragpackets <= 0)
		return (NULL);
	if (ips->ipq_count >= ips->maxfragpackets)
		ipq_free(ctx, TAILQ_FIRST(&ips->ipq_list),
		    &ips->ipstat.ips_fragdropped);
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (NULL);
	q->ipq_src = ip->ip_src;
	q->ipq_dst = ip->ip_dst;
	q->ipq_id = ip->ip_id;
	q->ipq_p = ip->ip_p;
	q->ipq_ctx = ctx;
	callout_init(&q->ipq_timer);
	callout_reset(ctx, &q->ipq_timer,
	    ff_ms_to_ticks(ctx, (uint64_t)ips->fragttl * 1000), ipq_timeout, q);
	TAILQ_INSERT_TAIL(&ips->ipq_list, q, ipq_link);
	ips->ipq_count++;
	return (q);
}

/*
 * Place a fragment of payload [off, off+len) in q; -1 when it conflicts
 * (overlap, two different ends, data beyond the end): drop the datagram.
 */
static int
ipq_insert(struct ipq *q, struct rte_mbuf *m, int off, int len, int last)
{
	int i, end = off + len;

	if (last) {
		if (q->ipq_total != 0 && q->ipq_total != (uint32_t)end)
			return (-1);
		q->ipq_total = end;
	} else if (q->ipq_total != 0 && (uint32_t)end > q->ipq_total)
		return (-1);
	for (i = 0; i < q->ipq_nfrags; i++) {
		if (off < q->ipq_off[i] + q->ipq_len[i] && q->ipq_off[i] < end)
			return (-1);
		if (q->ipq_total != 0 &&
		    q->ipq_off[i] + q->ipq_len[i] > (int)q->ipq_total)
			return (-1);
	}
	for (i = q->ipq_nfrags; i > 0 && q->ipq_off[i - 1] > off; i--) {
		q->ipq_frags[i] = q->ipq_frags[i - 1];
		q->ipq_off[i] = q->ipq_off[i - 1];
		q->ipq_len[i] = q->ipq_len[i - 1];
	}
	q->ipq_frags[i] = m;
	q->ipq_off[i] = (uint16_t)off;
	q->ipq_len[i] = (uint16_t)len;
	q->ipq_nfrags++;
	return (0);
}

static int
ipq_complete(const struct ipq *q)
{
	uint32_t next = 0;
	int i;

	if (q->ipq_total == 0)
		return (0);
	for (i = 0; i < q->ipq_nfrags; i++) {
		if (q->ipq_off[i] != next)
			return (0);
		next += q->ipq_len[i];
	}
	return (next == q->ipq_total);
}

/* Chain the fragments of a complete q behind the first one's header. */
static struct rte_mbuf *
ipq_join(struct ff_ctx *ctx, struct ipq *q, int *lflags)
{
	struct rte_mbuf *m = q->ipq_frags[0], *n;
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	int i, hlen = IP_HDRLEN(ip);

	for (i = 1; i < q->ipq_nfrags; i++) {
		n = q->ipq_frags[i];
		m_adj(n, IP_HDRLEN(mtod(n, ip_hdr_t *)));
		if (m_cat(m, n) != 0) {
			/* Out of segments (multi-segment fragments): drop. */
			V_ip(ctx)->ipstat.ips_fragdropped += q->ipq_nfrags;
			m_freem(m);
			for (; i < q->ipq_nfrags; i++)
				m_freem(q->ipq_frags[i]);
			V_ip(ctx)->frag_count -= q->ipq_nfrags;
			q->ipq_nfrags = 0;
			ipq_free(ctx, q, NULL);
			return (NULL);
		}
	}
	ip->ip_len = htons((uint16_t)(hlen + q->ipq_total));
	ip->ip_off = htons(ntohs(ip->ip_off) & ~(IP_MF | IP_OFFMASK));
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum_buf(ip, hlen);
	*lflags = q->ipq_lflags;
	V_ip(ctx)->frag_count -= q->ipq_nfrags;
	q->ipq_nfrags = 0;
	ipq_free(ctx, q, NULL);
	V_ip(ctx)->ipstat.ips_reassembled++;
	return (m);
}

/* Fragment sanity: 0, or -1 after counting why it is refused. */
static int
ip_frag_check(struct ip_state *ips, int hlen, int off, int len, int mf)
{
	if (mf && (len == 0 || (len & 7) != 0)) {
		ips->ipstat.ips_toosmall++;
		return (-1);
	}
	if (!mf && len == 0) {
		ips->ipstat.ips_toosmall++;
		return (-1);
	}
	if (hlen + off + len > IP_MAXPACKET) {
		ips->ipstat.ips_toolong++;
		return (-1);
	}
	return (0);
}

struct rte_mbuf *
ip_reass_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int *lflags)
{
	struct ip_state *ips = V_ip(ctx);
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	int hlen = IP_HDRLEN(ip), ipoff = ntohs(ip->ip_off);
	int off = (ipoff & IP_OFFMASK) << 3, mf = (ipoff & IP_MF) != 0;
	int len = ntohs(ip->ip_len) - hlen;
	struct ipq *q;

	if (ip_frag_check(ips, hlen, off, len, mf) != 0)
		goto drop;
	if (ips->frag_count >= ips->maxfrags) {
		ips->ipxstat.ipx_reassmem++;
		goto drop;
	}
	if ((q = ipq_find(ips, ip)) == NULL &&
	    (q = ipq_create(ctx, ip)) == NULL) {
		ips->ipxstat.ipx_reassmem++;
		goto drop;
	}
	if (q->ipq_nfrags >= ips->maxfragsperpacket ||
	    q->ipq_nfrags >= IPQ_MAXFRAGS ||
	    ipq_insert(q, m, off, len, !mf) != 0) {
		ips->ipstat.ips_fragdropped++;
		m_freem(m);
		ipq_free(ctx, q, &ips->ipstat.ips_fragdropped);
		return (NULL);
	}
	ips->frag_count++;
	if (off == 0) {
		q->ipq_lflags = *lflags;
		q->ipq_ifp = ifp;
	}
	if (!ipq_complete(q))
		return (NULL);
	return (ipq_join(ctx, q, lflags));
drop:
	ips->ipstat.ips_fragdropped++;
	m_freem(m);
	return (NULL);
}
