/*
 * tcp_reass.c - the out-of-order queue of a connection (FreeBSD's
 * netinet/tcp_reass.c): segments beyond rcv_nxt wait here, trimmed of any
 * overlap, until the hole before them fills.  A segment that continues
 * an entry (or is continued by one) joins it as one mbuf chain, so an
 * entry is a block of contiguous data and the queue as long as the
 * number of blocks, not of segments: a window with one hole is one
 * entry however many segments follow the hole.
 *
 * Entry points: tcp_reass_consume(), tcp_reass_deliver(),
 * tcp_reass_flush(), tcp_reass_fini().  RFC 9293 3.10.7.4 ("segments
 * with higher beginning sequence numbers ... may be held").
 *
 * Bounds: a connection holds no more than its receive buffer would
 * (payload bytes up to sb_hiwat, mbuf memory up to sb_mbmax): every
 * segment inside the window we offered fits, so a sender that keeps to
 * it never loses data here, and one sending tiny segments pins no more
 * mbufs than the socket buffer may.  net.inet.tcp.reass.maxqueuelen
 * entries per connection and net.inet.tcp.reass.maxsegments entries in
 * the whole stack bound the blocks.  Beyond any of them a segment is
 * dropped (tcps_rcvreassfull), except the one that fills the hole at
 * rcv_nxt, which always gets in.  Entries come from a free list
 * (allocated on first use, bounded by maxsegments).
 */
#include <stdlib.h>

#include "core/ff_ctx.h"
#include "kern/kern_mbuf.h"
#include "kern/socketvar.h"
#include "netinet/tcp_var.h"
#include "kern/mbuf.h"

struct tseg_qent {
	TAILQ_ENTRY(tseg_qent) tqe_q; /* by sequence number */
	tcp_seq tqe_seq;	      /* first byte */
	uint32_t tqe_len;	      /* data bytes */
	uint32_t tqe_mbcnt;	      /* buffer bytes of the chain */
	int tqe_fin;		      /* a FIN follows the data */
	struct rte_mbuf *tqe_m;	      /* the data (headers stripped) */
	struct rte_mbuf *tqe_last;    /* last mbuf of tqe_m, to append */
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

/* Back to the free list; the caller has taken or freed tqe_m. */
static void
tqe_release(struct ff_ctx *ctx, struct tseg_qent *q)
{
	struct tcp_state *ts = V_tcp(ctx);

	TAILQ_INSERT_HEAD(&ts->segq_free, q, tqe_q);
	ts->segq_nfree++;
}

static void
tqe_free(struct tcpcb *tp, struct tseg_qent *q)
{
	TAILQ_REMOVE(&tp->t_segq, q, tqe_q);
	tp->t_segqlen--;
	tp->t_segqbytes -= q->tqe_len;
	tp->t_segqmbcnt -= q->tqe_mbcnt;
	tqe_release(tp->t_ctx, q);
}

/* Buffer bytes of the chain m: what it costs, whatever it carries. */
static uint32_t
m_bufbytes(const struct rte_mbuf *m)
{
	uint32_t n = 0;

	for (; m != NULL; m = m->next)
		n += m->buf_len;
	return (n);
}

/* Drop n bytes from the front of q (the next segment overlaps it). */
static void
tqe_trim_front(struct tcpcb *tp, struct tseg_qent *q, uint32_t n)
{
	uint32_t freed = 0;

	q->tqe_m = m_cutfront(q->tqe_m, n, &freed);
	q->tqe_seq += n;
	q->tqe_len -= n;
	q->tqe_mbcnt -= freed;
	tp->t_segqbytes -= n;
	tp->t_segqmbcnt -= freed;
}

/* q holds len more bytes in mbcnt more buffer bytes. */
static void
tqe_grow(struct tcpcb *tp, struct tseg_qent *q, uint32_t len, uint32_t mbcnt)
{
	q->tqe_len += len;
	q->tqe_mbcnt += mbcnt;
	tp->t_segqbytes += len;
	tp->t_segqmbcnt += mbcnt;
}

/*
 * Chain m (len bytes, mbcnt buffer bytes) after q's data; 0 when the
 * chain would be too long for an mbuf's segment count.
 */
static int
tqe_append(struct tcpcb *tp, struct tseg_qent *q, struct rte_mbuf *m,
    uint32_t len, uint32_t mbcnt)
{
	struct rte_mbuf *head = q->tqe_m;

	if (head->nb_segs + m->nb_segs > M_MAXSEGS)
		return (0);
	q->tqe_last->next = m;
	head->nb_segs = (uint16_t)(head->nb_segs + m->nb_segs);
	head->pkt_len += m->pkt_len;
	q->tqe_last = m_last(m);
	tqe_grow(tp, q, len, mbcnt);
	return (1);
}

/* Chain m (len bytes, mbcnt buffer bytes) before q's data; 0 if too long. */
static int
tqe_prepend(struct tcpcb *tp, struct tseg_qent *q, struct rte_mbuf *m,
    uint32_t len, uint32_t mbcnt)
{
	struct rte_mbuf *head = q->tqe_m;

	if (head->nb_segs + m->nb_segs > M_MAXSEGS)
		return (0);
	m_last(m)->next = head;
	m->nb_segs = (uint16_t)(m->nb_segs + head->nb_segs);
	m->pkt_len += head->pkt_len;
	q->tqe_m = m;
	q->tqe_seq -= len;
	tqe_grow(tp, q, len, mbcnt);
	return (1);
}

/* q's successor continues q's data: one entry for both. */
static void
tqe_join_next(struct tcpcb *tp, struct tseg_qent *q)
{
	struct tseg_qent *nq = TAILQ_NEXT(q, tqe_q);
	struct rte_mbuf *m = nq->tqe_m;
	uint32_t len = nq->tqe_len, mbcnt = nq->tqe_mbcnt;

	if (q->tqe_fin || q->tqe_seq + q->tqe_len != nq->tqe_seq ||
	    q->tqe_m->nb_segs + m->nb_segs > M_MAXSEGS)
		return;
	q->tqe_fin = nq->tqe_fin;
	nq->tqe_m = NULL;
	tqe_free(tp, nq);
	(void)tqe_append(tp, q, m, len, mbcnt);
}

/*
 * Whether an out-of-order segment may be held: no more than the
 * receive buffer takes once the data is in order (its bytes and its
 * mbuf memory, as sbspace() counts them).  The window we offer never
 * exceeds that, so a sender that keeps to it loses nothing here.
 */
static int
tcp_reass_room(struct tcpcb *tp, uint32_t len, uint32_t mbcnt)
{
	struct socket *so = tcp_socket(tp);

	if (so == NULL)
		return (1);
	return (tp->t_segqbytes + len <= so->so_rcv.sb_hiwat &&
	    tp->t_segqmbcnt + mbcnt <= so->so_rcv.sb_mbmax);
}

/*
 * The last entry starting at or before seq (NULL if none): the tail
 * first, where a sender's new data lands while a hole waits.
 */
static struct tseg_qent *
tcp_reass_pred(struct tcpcb *tp, tcp_seq seq)
{
	struct tseg_qent *q, *p = NULL;

	q = TAILQ_LAST(&tp->t_segq, tsegqe_head);
	if (q == NULL || SEQ_LEQ(q->tqe_seq, seq))
		return (q);
	TAILQ_FOREACH(q, &tp->t_segq, tqe_q)
	{
		if (SEQ_GT(q->tqe_seq, seq))
			break;
		p = q;
	}
	return (p);
}

/*
 * Cut the new segment [*seq, *seq + *len) against its predecessor;
 * returns 0 when nothing new is left.
 */
static int
tcp_reass_prev(struct tcpcb *tp, struct tseg_qent *p, tcp_seq *seq,
    uint32_t *len, struct rte_mbuf **mp, uint32_t *mbcnt)
{
	int32_t i;

	if (p == NULL)
		return (1);
	i = (int32_t)(p->tqe_seq + p->tqe_len - *seq);
	if (i <= 0)
		return (1);
	if ((uint32_t)i >= *len)
		return (0);
	*mp = m_cutfront(*mp, (uint32_t)i, mbcnt);
	*seq += (uint32_t)i;
	*len -= (uint32_t)i;
	return (1);
}

/*
 * Remove or trim the successors (from q on) the new segment covers.
 * Returns the first one left; *finp set when a removed one ended with
 * a FIN where the new segment ends.
 */
static struct tseg_qent *
tcp_reass_next(
    struct tcpcb *tp, struct tseg_qent *q, tcp_seq seq, uint32_t len, int *finp)
{
	struct tseg_qent *nq;
	int32_t i;

	while (q != NULL && SEQ_GT(seq + len, q->tqe_seq)) {
		i = (int32_t)(seq + len - q->tqe_seq);
		if ((uint32_t)i < q->tqe_len) {
			tqe_trim_front(tp, q, (uint32_t)i);
			break;
		}
		nq = TAILQ_NEXT(q, tqe_q);
		if (q->tqe_fin && seq + len == q->tqe_seq + q->tqe_len)
			*finp = 1;
		m_freem(q->tqe_m);
		tqe_free(tp, q);
		q = nq;
	}
	return (q);
}

/* The first entry from q on that [seq, end) does not cover whole. */
static struct tseg_qent *
tcp_reass_uncovered(struct tseg_qent *q, tcp_seq end)
{
	while (q != NULL && SEQ_LEQ(q->tqe_seq + q->tqe_len, end))
		q = TAILQ_NEXT(q, tqe_q);
	return (q);
}

/*
 * Queue the segment m (data only, seq..seq+len, FIN after it when fin)
 * that starts beyond rcv_nxt, or at it.  Consumes m.  It joins the
 * entry it continues and the one it reaches, or gets its own.  Returns
 * 0 when queued, -1 when dropped (counted).
 */
int
tcp_reass_consume(
    struct tcpcb *tp, tcp_seq seq, int tlen, int fin, struct rte_mbuf *m)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tseg_qent *q, *p, *te = NULL;
	uint32_t len = (uint32_t)tlen, mbcnt = m_bufbytes(m), cut = 0;
	int joinp, joinq;

	if (seq != tp->rcv_nxt && !tcp_reass_room(tp, len, mbcnt))
		goto full;
	/* Short of mbufs: hold nothing the peer will send again. */
	if (seq != tp->rcv_nxt && mbuf_pressure(ctx) >= MBP_REASS) {
		OVLSTAT_INC(ctx, ovl_reass_refused);
		m_freem(m);
		return (-1);
	}
	p = tcp_reass_pred(tp, seq);
	q = p != NULL ? TAILQ_NEXT(p, tqe_q) : TAILQ_FIRST(&tp->t_segq);
	if (!tcp_reass_prev(tp, p, &seq, &len, &m, &cut)) {
		TCPSTAT_INC(ctx, tcps_rcvduppack);
		TCPSTAT_ADD(ctx, tcps_rcvdupbyte, (uint32_t)tlen);
		m_freem(m);
		return (-1);
	}
	mbcnt -= cut;
	/* Decided before the queue changes, so a drop loses nothing. */
	joinp = p != NULL && !p->tqe_fin && p->tqe_seq + p->tqe_len == seq;
	q = tcp_reass_uncovered(q, seq + len);
	joinq = q != NULL && SEQ_LEQ(q->tqe_seq, seq + len);
	if (!joinp && !joinq) {
		if (seq != tp->rcv_nxt &&
		    tp->t_segqlen >= V_tcp(ctx)->reass_maxqueuelen)
			goto full;
		if ((te = tqe_alloc(ctx)) == NULL)
			goto full;
	}
	q = tcp_reass_next(tp,
	    p != NULL ? TAILQ_NEXT(p, tqe_q) : TAILQ_FIRST(&tp->t_segq), seq,
	    len, &fin);
	if (joinp && tqe_append(tp, p, m, len, mbcnt)) {
		p->tqe_fin = fin;
		if (joinq)
			tqe_join_next(tp, p);
		return (0);
	}
	if (joinq && tqe_prepend(tp, q, m, len, mbcnt))
		return (0);
	if (te == NULL && (te = tqe_alloc(ctx)) == NULL) {
		/* A chain too long to join, and no entry: rare. */
		TCPSTAT_INC(ctx, tcps_rcvreassfull);
		m_freem(m);
		return (-1);
	}
	te->tqe_seq = seq;
	te->tqe_len = len;
	te->tqe_mbcnt = mbcnt;
	te->tqe_fin = fin;
	te->tqe_m = m;
	te->tqe_last = m_last(m);
	if (p != NULL)
		TAILQ_INSERT_AFTER(&tp->t_segq, p, te, tqe_q);
	else
		TAILQ_INSERT_HEAD(&tp->t_segq, te, tqe_q);
	tp->t_segqlen++;
	tp->t_segqbytes += len;
	tp->t_segqmbcnt += mbcnt;
	return (0);
full:
	TCPSTAT_INC(ctx, tcps_rcvreassfull);
	m_freem(m);
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
			m_freem(q->tqe_m);
		if (q->tqe_fin)
			flags = TH_FIN;
		tqe_free(tp, q);
		if (flags)
			break;
	}
	return (flags);
}

/* Free everything queued; returns the mbufs (segments) freed. */
int
tcp_reass_flush(struct tcpcb *tp)
{
	struct tseg_qent *q;
	int n = 0;

	while ((q = TAILQ_FIRST(&tp->t_segq)) != NULL) {
		n += q->tqe_m->nb_segs;
		m_freem(q->tqe_m);
		tqe_free(tp, q);
	}
	tp->rcv_numsacks = 0; /* nothing held: no SACK blocks */
	return (n);
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
