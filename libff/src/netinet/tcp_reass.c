/*
 * tcp_reass.c - the out-of-order queue of a connection (FreeBSD's
 * netinet/tcp_reass.c): segments beyond rcv_nxt wait here, trimmed of any
 * overlap, until the hole before them fills.
 *
 * Entry points: tcp_reass_consume(), tcp_reass_deliver(),
 * tcp_reass_flush(), tcp_reass_fini().  RFC 9293 3.10.7.4 ("segments
 * with higher beginning sequence numbers ... may be held").
 *
 * Bounds: net.inet.tcp.reass.maxqueuelen segments per connection and
 * net.inet.tcp.reass.maxsegments entries in the whole stack; beyond them
 * a segment is dropped (tcps_rcvreassfull), except the one that fills
 * the hole at rcv_nxt, which always gets in.  Entries come from a free
 * list (allocated on first use, bounded by maxsegments).
 */
#include <stdlib.h>

#include <rte_mbuf.h>

#include "ff_ctx.h"
#include "ff_stack_var.h"
#include "tcp_var.h"

struct tseg_qent {
	TAILQ_ENTRY(tseg_qent) tqe_q;	/* by sequence number */
	tcp_seq		 tqe_seq;	/* first byte */
	uint32_t	 tqe_len;	/* data bytes */
	int		 tqe_fin;	/* a FIN follows the data */
	struct rte_mbuf	*tqe_m;		/* the data (headers stripped) */
};

static struct tseg_qent *
tqe_alloc(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tseg_qent *q;

	if ((q = TAILQ_FIRST(&ts->segq_free)) != NULL) {
		TAILQ_REMOVE(&ts->segq_free, q, tqe_q);
		ts->segq_nfree--;
		return (q);
	}
	if (ts->segq_total >= ts->reass_maxsegments ||
	    (q = malloc(sizeof(*q))) == NULL)
		return (NULL);
	ts->segq_total++;
	return (q);
}

static void
tqe_free(struct tcpcb *tp, struct tseg_qent *q)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);

	TAILQ_REMOVE(&tp->t_segq, q, tqe_q);
	tp->t_segqlen--;
	tp->t_segqbytes -= q->tqe_len;
	TAILQ_INSERT_HEAD(&ts->segq_free, q, tqe_q);
	ts->segq_nfree++;
}

/* Drop n bytes from the front of q (the next segment overlaps it). */
static void
tqe_trim_front(struct tcpcb *tp, struct tseg_qent *q, uint32_t n)
{
	(void)rte_pktmbuf_adj(q->tqe_m, (uint16_t)n);
	q->tqe_seq += n;
	q->tqe_len -= n;
	tp->t_segqbytes -= n;
}

/*
 * Cut the new segment [*seq, *seq + *len) against its predecessor;
 * returns 0 when nothing new is left.
 */
static int
tcp_reass_prev(struct tcpcb *tp, struct tseg_qent *p, tcp_seq *seq,
    uint32_t *len, struct rte_mbuf *m)
{
	int32_t i;

	if (p == NULL)
		return (1);
	i = (int32_t)(p->tqe_seq + p->tqe_len - *seq);
	if (i <= 0)
		return (1);
	if ((uint32_t)i >= *len)
		return (0);
	(void)rte_pktmbuf_adj(m, (uint16_t)i);
	*seq += (uint32_t)i;
	*len -= (uint32_t)i;
	return (1);
}

/* Remove or trim the successors the new segment covers. */
static int
tcp_reass_next(struct tcpcb *tp, struct tseg_qent *q, tcp_seq seq,
    uint32_t len)
{
	struct tseg_qent *nq;
	int32_t i;
	int fin = 0;

	while (q != NULL && SEQ_GT(seq + len, q->tqe_seq)) {
		i = (int32_t)(seq + len - q->tqe_seq);
		if ((uint32_t)i < q->tqe_len) {
			tqe_trim_front(tp, q, (uint32_t)i);
			break;
		}
		nq = TAILQ_NEXT(q, tqe_q);
		if (q->tqe_fin && seq + len == q->tqe_seq + q->tqe_len)
			fin = 1;
		rte_pktmbuf_free(q->tqe_m);
		tqe_free(tp, q);
		q = nq;
	}
	return (fin);
}

/*
 * Queue the segment m (data only, seq..seq+len, FIN after it when fin)
 * that starts beyond rcv_nxt, or at it.  Consumes m.  Returns 0 when
 * queued, -1 when dropped (counted).
 */
int
tcp_reass_consume(struct tcpcb *tp, tcp_seq seq, int tlen, int fin,
    struct rte_mbuf *m)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tseg_qent *q, *p = NULL, *te;
	uint32_t len = (uint32_t)tlen;

	if (seq != tp->rcv_nxt &&
	    tp->t_segqlen >= V_tcp(ctx)->reass_maxqueuelen)
		goto full;
	/* Short of mbufs: hold nothing the peer will send again. */
	if (seq != tp->rcv_nxt && mbuf_pressure(ctx) >= MBP_REASS) {
		OVLSTAT_INC(ctx, ovl_reass_refused);
		rte_pktmbuf_free(m);
		return (-1);
	}
	TAILQ_FOREACH(q, &tp->t_segq, tqe_q) {
		if (SEQ_GT(q->tqe_seq, seq))
			break;
		p = q;
	}
	if (!tcp_reass_prev(tp, p, &seq, &len, m)) {
		TCPSTAT_INC(ctx, tcps_rcvduppack);
		TCPSTAT_ADD(ctx, tcps_rcvdupbyte, (uint32_t)tlen);
		rte_pktmbuf_free(m);
		return (-1);
	}
	if (tcp_reass_next(tp, q, seq, len))
		fin = 1;
	if ((te = tqe_alloc(ctx)) == NULL)
		goto full;
	te->tqe_seq = seq;
	te->tqe_len = len;
	te->tqe_fin = fin;
	te->tqe_m = m;
	if (p != NULL)
		TAILQ_INSERT_AFTER(&tp->t_segq, p, te, tqe_q);
	else
		TAILQ_INSERT_HEAD(&tp->t_segq, te, tqe_q);
	tp->t_segqlen++;
	tp->t_segqbytes += len;
	return (0);
full:
	TCPSTAT_INC(ctx, tcps_rcvreassfull);
	rte_pktmbuf_free(m);
	return (-1);
}

/*
 * Move what is now in order to the socket; returns TH_FIN when the
 * peer's FIN became in order too (rcv_nxt does not cover it yet).
 */
int
tcp_reass_deliver(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);
	struct tseg_qent *q;
	int flags = 0;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL &&
	    q->tqe_seq == tp->rcv_nxt) {
		tp->rcv_nxt += q->tqe_len;
		if (so != NULL && q->tqe_len > 0)
			sbappendstream_consume(&so->so_rcv, q->tqe_m);
		else
			rte_pktmbuf_free(q->tqe_m);
		if (q->tqe_fin)
			flags = TH_FIN;
		tqe_free(tp, q);
		if (flags)
			break;
	}
	return (flags);
}

void
tcp_reass_flush(struct tcpcb *tp)
{
	struct tseg_qent *q;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL) {
		rte_pktmbuf_free(q->tqe_m);
		tqe_free(tp, q);
	}
	tp->rcv_numsacks = 0;		/* nothing held: no SACK blocks */
}

void
tcp_reass_fini(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tseg_qent *q;

	while ((q = TAILQ_FIRST(&ts->segq_free)) != NULL) {
		TAILQ_REMOVE(&ts->segq_free, q, tqe_q);
		free(q);
	}
	ts->segq_nfree = 0;
	ts->segq_total = 0;
}
