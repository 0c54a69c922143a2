/*
 * ff_test_check.c - the stack's own invariants, checked from outside:
 * what the fuzz harnesses (tests/fuzz) assert after every input, and
 * what a stack test may assert after any step.
 *
 * Entry point: ff_test_check().
 *
 * Checked: the timing wheel (every armed callout in the bucket of its
 * tick, in the future, counted in cw_pending); every TCP timer armed
 * belongs to a live control block (control blocks are recycled through
 * tcb_free, not freed, so AddressSanitizer would not see a timer left
 * on one), and so does every one waiting for a full port to drain
 * (tcp_state.sndfull_wait, as long as its count); the TCP, UDP and reassembly lists agree with their counters
 * and their back pointers; sockets attached to pcbs are no more than the
 * sockets open; every socket buffer's counts are those of its chain
 * (bytes, buffer bytes, records, tail, the cached send pointer); a
 * control block's send sequence numbers are in order (snd_una <= snd_nxt
 * <= snd_max) and never more than the send buffer, SYN and FIN ahead;
 * every zero-copy chain the application holds is as long as recorded,
 * its cursor inside it.  Walking the wheel reads every armed callout, so
 * one embedded in freed memory is an ASan report here rather than later.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "core/ff_ctx.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_var.h"
#include "netinet/tcp_seq.h"
#include "netinet/tcp_var.h"
#include "netinet/udp_var.h"
#include "kern/socketvar.h"
#include "kern/uipc_var.h"
#include "testport/ff_testport.h"

static int
check_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-EPROTO);
}

/* Is `c' one of the timers of the control block it would belong to? */
static int
is_tcp_timer(const struct ff_callout *c)
{
	const struct tcpcb *tp = c->c_arg;

	return (c == &tp->t_timers.tt_rexmt || c == &tp->t_timers.tt_persist ||
	    c == &tp->t_timers.tt_keep || c == &tp->t_timers.tt_2msl ||
	    c == &tp->t_timers.tt_delack);
}

static int
tcb_live(struct ff_ctx *ctx, const struct tcpcb *tp)
{
	const struct tcpcb *p;

	TAILQ_FOREACH(p, &V_tcp(ctx)->tcb_list, t_link)
	if (p == tp)
		return (1);
	return (0);
}

static int
ipq_live(struct ff_ctx *ctx, const struct ipq *q)
{
	const struct ipq *p;

	TAILQ_FOREACH(p, &V_ip(ctx)->ipq_list, ipq_link)
	if (p == q)
		return (1);
	return (0);
}

static int
check_wheel(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct ff_callout_wheel *cw = &ctx->callouts;
	const struct ff_callout *c;
	uint64_t n = 0;
	int b;

	for (b = 0; b < FF_CALLOUT_WHEEL; b++)
		TAILQ_FOREACH(c, &cw->cw_bucket[b], c_link)
		{
			n++;
			if (!callout_pending(c) || c->c_func == NULL ||
			    (int)(c->c_time & (FF_CALLOUT_WHEEL - 1)) != b ||
			    c->c_time <= cw->cw_ticks)
				return (check_fail(err, errlen,
				    "callout %p: flags %#x, tick %llu in bucket %d at tick %llu",
				    (const void *)c, c->c_flags,
				    (unsigned long long)c->c_time, b,
				    (unsigned long long)cw->cw_ticks));
			if (ctx->stack == NULL || c->c_arg == NULL)
				continue;
			if (is_tcp_timer(c) && !tcb_live(ctx, c->c_arg))
				return (check_fail(err, errlen,
				    "callout %p armed on a freed tcpcb %p",
				    (const void *)c, c->c_arg));
			if (c == &((const struct ipq *)c->c_arg)->ipq_timer &&
			    !ipq_live(ctx, c->c_arg))
				return (check_fail(err, errlen,
				    "callout %p armed on a freed ipq %p",
				    (const void *)c, c->c_arg));
		}
	if (n != cw->cw_pending)
		return (check_fail(err, errlen,
		    "%llu callouts in the wheel, cw_pending %llu",
		    (unsigned long long)n, (unsigned long long)cw->cw_pending));
	return (0);
}

/* Waiting for a full port: live control blocks, flagged, counted. */
static int
check_sndfull(struct ff_ctx *ctx, char *err, size_t errlen)
{
	const struct tcp_state *ts = V_tcp(ctx);
	const struct tcpcb *tp;
	int n = 0;

	TAILQ_FOREACH(tp, &ts->sndfull_wait, t_sndfull_link)
	{
		n++;
		if (!tp->t_sndfull_queued || !tcb_live(ctx, tp))
			return (check_fail(err, errlen,
			    "tcpcb %p waits for the port: queued %d, live %d",
			    (const void *)tp, tp->t_sndfull_queued,
			    tcb_live(ctx, tp)));
		if (n > ts->tcb_count)
			break; /* a loop: the count below says so */
	}
	if (n != ts->sndfull_count)
		return (check_fail(err, errlen,
		    "%d tcpcbs wait for the port, sndfull_count %d", n,
		    ts->sndfull_count));
	return (0);
}

/* A socket buffer's counters against its chain. */
static int
check_sockbuf(
    const struct sockbuf *sb, const char *what, char *err, size_t errlen)
{
	const struct rte_mbuf *m, *last = NULL, *rec;
	uint32_t cc = 0, mbcnt = 0, nrec = 0;
	int sndptr_seen = 0;
	uint16_t i;

	if ((sb->sb_flags & SB_ATOMIC) != 0) {
		/* Records: an address segment then the datagram's segments. */
		for (rec = sb->sb_mb; rec != NULL; rec = last->next) {
			nrec++;
			cc +=
			    rec->pkt_len - (uint32_t)sizeof(struct sockaddr_in);
			for (m = rec, i = 1;; i++, m = m->next) {
				mbcnt += m->buf_len;
				if (i >= rec->nb_segs || m->next == NULL)
					break;
			}
			last = m;
		}
	} else
		for (m = sb->sb_mb; m != NULL; m = m->next) {
			if (m == sb->sb_sndptr && cc != sb->sb_sndptroff)
				return (check_fail(err, errlen,
				    "%s: sb_sndptr %p at byte %u, recorded %u",
				    what, (const void *)m, cc,
				    sb->sb_sndptroff));
			if (m == sb->sb_sndptr)
				sndptr_seen = 1;
			cc += m->data_len;
			mbcnt += m->buf_len;
			last = m;
		}
	if (sb->sb_sndptr != NULL && !sndptr_seen &&
	    (sb->sb_flags & SB_ATOMIC) == 0)
		return (
		    check_fail(err, errlen, "%s: sb_sndptr %p not in the chain",
			what, (const void *)sb->sb_sndptr));
	if (cc != sb->sb_cc || mbcnt != sb->sb_mbcnt || nrec != sb->sb_reccnt ||
	    last != sb->sb_mbtail)
		return (check_fail(err, errlen,
		    "%s: chain of %u bytes, %u buffer bytes, %u records, "
		    "tail %p; counted %u, %u, %u, tail %p",
		    what, cc, mbcnt, nrec, (const void *)last, sb->sb_cc,
		    sb->sb_mbcnt, sb->sb_reccnt, (const void *)sb->sb_mbtail));
	return (0);
}

/* Send sequence numbers in order, and no further ahead than the data. */
static int
check_tcp_seq(const struct tcpcb *tp, char *err, size_t errlen)
{
	const struct socket *so = tp->t_inpcb->inp_socket;
	uint32_t cc = so != NULL ? so->so_snd.sb_cc : 0;

	if (tp->t_state <= TCPS_SYN_SENT)
		return (0);
	if (!SEQ_LEQ(tp->snd_una, tp->snd_nxt) ||
	    !SEQ_LEQ(tp->snd_nxt, tp->snd_max) ||
	    (so != NULL && tp->snd_max - tp->snd_una > cc + 2))
		return (check_fail(err, errlen,
		    "tcpcb %p (state %d): snd_una %u snd_nxt %u snd_max %u "
		    "with %u bytes to send",
		    (const void *)tp, tp->t_state, tp->snd_una, tp->snd_nxt,
		    tp->snd_max, cc));
	return (0);
}

static int
check_tcbs(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct tcp_state *ts = V_tcp(ctx);
	const struct tcpcb *tp;
	const struct tcp_timer *tt;
	int n = 0, nfree = 0, rc;

	TAILQ_FOREACH(tp, &ts->tcb_list, t_link)
	{
		n++;
		if (tp->t_inpcb == NULL || tp->t_inpcb->inp_ppcb != tp)
			return (check_fail(err, errlen,
			    "tcpcb %p (state %d): inpcb %p does not point back",
			    (const void *)tp, tp->t_state,
			    (const void *)tp->t_inpcb));
		if ((rc = check_tcp_seq(tp, err, errlen)) != 0)
			return (rc);
	}
	TAILQ_FOREACH(tp, &ts->tcb_free, t_link)
	{
		nfree++;
		tt = &tp->t_timers;
		if (callout_pending(&tt->tt_rexmt) ||
		    callout_pending(&tt->tt_persist) ||
		    callout_pending(&tt->tt_keep) ||
		    callout_pending(&tt->tt_2msl) ||
		    callout_pending(&tt->tt_delack))
			return (check_fail(err, errlen,
			    "freed tcpcb %p has a timer armed",
			    (const void *)tp));
	}
	if (n != ts->tcb_count || nfree != ts->tcb_nfree)
		return (check_fail(err, errlen,
		    "tcb_list holds %d (tcb_count %d), tcb_free %d (tcb_nfree %d)",
		    n, ts->tcb_count, nfree, ts->tcb_nfree));
	return (0);
}

/* A pcb list against its counter; adds the pcbs with a socket to *nso. */
static int
check_pcbs(const struct inpcbinfo *info, const char *what, unsigned int *nso,
    char *err, size_t errlen)
{
	const struct inpcb *inp;
	unsigned int n = 0;
	int rc;

	LIST_FOREACH(inp, &info->ipi_listhead, inp_list)
	{
		n++;
		if (inp->inp_socket == NULL)
			continue;
		(*nso)++;
		if (inp->inp_socket->so_pcb != inp)
			return (check_fail(err, errlen,
			    "%s pcb %p: its socket points to %p", what,
			    (const void *)inp, inp->inp_socket->so_pcb));
		if ((rc = check_sockbuf(&inp->inp_socket->so_rcv, "so_rcv", err,
			 errlen)) != 0 ||
		    (rc = check_sockbuf(
			 &inp->inp_socket->so_snd, "so_snd", err, errlen)) != 0)
			return (rc);
	}
	if (n != info->ipi_count)
		return (
		    check_fail(err, errlen, "%s: %u pcbs listed, ipi_count %u",
			what, n, info->ipi_count));
	return (0);
}

static int
check_reass(struct ff_ctx *ctx, char *err, size_t errlen)
{
	struct ip_state *ips = V_ip(ctx);
	const struct ipq *q;
	int n = 0, frags = 0;

	TAILQ_FOREACH(q, &ips->ipq_list, ipq_link)
	{
		n++;
		frags += q->ipq_nfrags;
		if (q->ipq_nfrags == 0 || q->ipq_nfrags > IPQ_MAXFRAGS ||
		    !callout_pending(&q->ipq_timer))
			return (check_fail(err, errlen,
			    "ipq %p: %d fragments, timer %s", (const void *)q,
			    q->ipq_nfrags,
			    callout_pending(&q->ipq_timer) ? "armed" : "idle"));
	}
	if (n != ips->ipq_count || frags != ips->frag_count)
		return (check_fail(err, errlen,
		    "%d ipqs (ipq_count %d), %d fragments (frag_count %d)", n,
		    ips->ipq_count, frags, ips->frag_count));
	return (0);
}

int
ff_test_check(struct ff_test *t, char *err, size_t errlen)
{
	struct ff_ctx *ctx = t->t_ctx;
	unsigned int nso = 0;
	int rc;

	ff_ctx_set_current(ctx);
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((rc = check_wheel(ctx, err, errlen)) != 0 || ctx->stack == NULL)
		return (rc);
	if ((rc = check_tcbs(ctx, err, errlen)) != 0 ||
	    (rc = check_sndfull(ctx, err, errlen)) != 0 ||
	    (rc = check_pcbs(V_tcbinfo(ctx), "tcp", &nso, err, errlen)) != 0 ||
	    (rc = check_pcbs(V_udbinfo(ctx), "udp", &nso, err, errlen)) != 0 ||
	    (rc = check_reass(ctx, err, errlen)) != 0)
		return (rc);
	if (zc_audit(ctx, err, err != NULL ? errlen : 0) != 0)
		return (-EPROTO);
	if (nso > V_uipc(ctx)->us_numopensockets)
		return (check_fail(err, errlen,
		    "%u pcbs have a socket, %u sockets open", nso,
		    V_uipc(ctx)->us_numopensockets));
	return (0);
}
