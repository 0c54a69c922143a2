/*
 * tcp_sack.c - selective acknowledgments (FreeBSD's netinet/tcp_sack.c):
 * as a receiver, the list of out-of-order blocks we report (RFC 2018 4:
 * the block holding the latest segment first, then the others, newest
 * first) and, ahead of them once, the duplicate a segment brought
 * (D-SACK, RFC 2883); as a sender, the scoreboard of what the peer has not SACKed
 * (holes between snd_una and snd_fack) and the loss recovery of RFC 6675
 * built on it: IsLost(), pipe (SetPipe) and NextSeg(), with its rescue
 * retransmission (rule 4) for a loss at the tail of the flight.
 *
 * Entry points: tcp_sack_init(), tcp_sack_fini(), tcp_sack_sysctl_attach(),
 * tcp_update_sack_list(), tcp_update_dsack_list(), tcp_clean_sackreport(),
 * tcp_sack_fillopt(), tcp_sack_sent(), tcp_sack_doack(),
 * tcp_free_sackholes(), tcp_sack_recovery_start(), tcp_sack_lost_una(),
 * tcp_sack_pipe(), tcp_sack_output(), tcp_sack_rexmitted(),
 * tcp_sack_rescue(), tcp_sack_rescued().
 *
 * RFC 2018 (option, receiver rules), RFC 6675 (conservative SACK-based
 * loss recovery; DupThresh 3), RFC 2883 (D-SACK blocks: counted, not
 * used).
 *
 * Bounds: net.inet.tcp.sack.maxholes holes per connection and
 * net.inet.tcp.sack.globalmaxholes in the whole stack.  Holes come from
 * a per-stack free list: an entry is malloc'd only while the pool grows
 * toward its high-water mark, and recycled after that (no allocation per
 * packet in steady state).  When no hole can be had the scoreboard stays
 * conservative (the SACKed range is treated as not SACKed) and
 * tcps_sack_sboverflow counts it.  A SACK block outside snd_una..snd_max
 * is ignored and counted (tcpx_badsack); a D-SACK block (below the
 * cumulative ACK) is counted in tcps_dsack_count.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "netinet/tcp_var.h"

#define TCP_SACK_DUPTHRESH 3 /* RFC 6675 DupThresh */

static void tcp_sack_hint(struct tcpcb *tp, tcp_seq una);
static int tcp_sack_islost(struct tcpcb *tp, int idx, uint32_t above);

void
tcp_sack_init(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);

	ts->sack_enable = 1;
	ts->sack_maxholes = 128;
	ts->sack_globalmaxholes = 65536;
	ts->sack_globalholes = 0;
	TAILQ_INIT(&ts->sackhole_free);
}

void
tcp_sack_fini(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct sackhole *p;

	while ((p = TAILQ_FIRST(&ts->sackhole_free)) != NULL) {
		TAILQ_REMOVE(&ts->sackhole_free, p, scblink);
		free(p);
	}
	ts->sackhole_total = 0;
}

#define STATE struct tcp_state

static const struct sysctl_entry tcp_sack_sysctls[] = {
	SYSCTL_NODE("net.inet.tcp.sack", "TCP SACK"),
	SYSCTL_INT("net.inet.tcp.sack.enable", CTLFLAG_RW | CTLFLAG_TUN, STATE,
	    sack_enable, 0, 1, "Enable/Disable TCP SACK support"),
	SYSCTL_INT("net.inet.tcp.sack.maxholes", CTLFLAG_RW | CTLFLAG_TUN,
	    STATE, sack_maxholes, 1, 1 << 16,
	    "Maximum number of TCP SACK holes allowed per connection"),
	SYSCTL_INT("net.inet.tcp.sack.globalmaxholes", CTLFLAG_RW | CTLFLAG_TUN,
	    STATE, sack_globalmaxholes, 1, 1 << 24,
	    "Global maximum number of TCP SACK holes"),
	SYSCTL_INT("net.inet.tcp.sack.globalholes", CTLFLAG_RD, STATE,
	    sack_globalholes, 0, 1 << 24,
	    "Global number of TCP SACK holes currently allocated"),
};

#undef STATE

int
tcp_sack_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_tcp(ctx), tcp_sack_sysctls));
}

/* ---- Receiver: the blocks we report (RFC 2018 4). ---- */

/* 1 when [start, end) lies inside one of the blocks we report. */
static int
tcp_sack_covered(const struct tcpcb *tp, tcp_seq start, tcp_seq end)
{
	int i;

	for (i = 0; i < tp->rcv_numsacks; i++)
		if (SEQ_LEQ(tp->sackblks[i].start, start) &&
		    SEQ_GEQ(tp->sackblks[i].end, end))
			return (1);
	return (0);
}

/*
 * The out-of-order segment [start, end) arrived, and was queued (held)
 * or was a duplicate of queued data (also reported as a D-SACK): its
 * block (merged with every block it touches) goes first, the others
 * follow in their order, the oldest falls off past MAX_SACK_BLKS.  A
 * segment dropped unqueued changes nothing.
 */
void
tcp_update_sack_list(struct tcpcb *tp, tcp_seq start, tcp_seq end, int held)
{
	struct sackblk nb = { start, end }, keep[MAX_SACK_BLKS];
	struct sackblk *b;
	int i, n = 0;

	if (SEQ_GEQ(start, end) || SEQ_LEQ(end, tp->rcv_nxt))
		return;
	if (!held) {
		if (!tcp_sack_covered(tp, start, end))
			return;
		tcp_update_dsack_list(tp, start, end);
	}
	for (i = 0; i < tp->rcv_numsacks; i++) {
		b = &tp->sackblks[i];
		if (SEQ_LEQ(b->start, nb.end) && SEQ_GEQ(b->end, nb.start)) {
			if (SEQ_LT(b->start, nb.start))
				nb.start = b->start;
			if (SEQ_GT(b->end, nb.end))
				nb.end = b->end;
		} else if (SEQ_GT(b->end, tp->rcv_nxt) && n < MAX_SACK_BLKS - 1)
			keep[n++] = *b;
	}
	tp->sackblks[0] = nb;
	memcpy(&tp->sackblks[1], keep, (size_t)n * sizeof(keep[0]));
	tp->rcv_numsacks = n + 1;
}

/*
 * [start, end) arrived again, below rcv_nxt or inside a block we hold
 * (RFC 2883): the next ACK, sent at once, reports it as its first block,
 * so the sender can tell a retransmission that was not needed (or a
 * duplicate from the network) from a loss and undo what it did for it.
 * Each duplicate is reported once; one adjacent to or overlapping the
 * pending report extends it, another replaces it.
 */
void
tcp_update_dsack_list(struct tcpcb *tp, tcp_seq start, tcp_seq end)
{
	struct sackblk *d = &tp->rcv_dsack;

	if ((tp->t_flags & TF_SACK_PERMIT) == 0 || SEQ_GEQ(start, end))
		return;
	if (d->start != d->end && SEQ_LEQ(d->start, end) &&
	    SEQ_GEQ(d->end, start)) {
		if (SEQ_LT(start, d->start))
			d->start = start;
		if (SEQ_GT(end, d->end))
			d->end = end;
	} else {
		d->start = start;
		d->end = end;
	}
	tp->t_flags |= TF_ACKNOW;
}

/* rcv_nxt moved: drop the blocks it covers, trim one it enters. */
void
tcp_clean_sackreport(struct tcpcb *tp)
{
	struct sackblk *b;
	int i, n = 0;

	if (TAILQ_EMPTY(&tp->t_segq)) {
		tp->rcv_numsacks = 0;
		return;
	}
	for (i = 0; i < tp->rcv_numsacks; i++) {
		b = &tp->sackblks[i];
		if (SEQ_LEQ(b->end, tp->rcv_nxt))
			continue;
		if (SEQ_LT(b->start, tp->rcv_nxt))
			b->start = tp->rcv_nxt;
		tp->sackblks[n++] = *b;
	}
	tp->rcv_numsacks = n;
}

/*
 * SACK blocks for an outgoing ACK; 1 when to carries some.  A pending
 * D-SACK goes first (RFC 2883 4), then the blocks newest first; for a
 * duplicate inside a block, that block is the newest, so it comes
 * second, as RFC 2883 4.1 asks.  What does not fit the option space
 * (tcp_addoptions) is left out from the end.
 */
int
tcp_sack_fillopt(struct tcpcb *tp, struct tcpopt *to)
{
	int i, n = 0;

	if ((tp->t_flags & TF_SACK_PERMIT) == 0)
		return (0);
	if (tp->rcv_dsack.start != tp->rcv_dsack.end)
		to->to_sacks[n++] = tp->rcv_dsack;
	for (i = 0; i < tp->rcv_numsacks && n < TCP_MAX_SACK; i++)
		to->to_sacks[n++] = tp->sackblks[i];
	if (n == 0)
		return (0);
	to->to_nsacks = (uint8_t)n;
	to->to_flags |= TOF_SACK;
	return (1);
}

/* A segment with our SACK option left: its D-SACK has been reported. */
void
tcp_sack_sent(struct tcpcb *tp)
{
	tp->rcv_dsack.start = tp->rcv_dsack.end;
}

/* ---- Sender: the scoreboard. ---- */

static struct sackhole *
tcp_sackhole_alloc(struct tcpcb *tp, tcp_seq start, tcp_seq end)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);
	struct sackhole *p;

	if (tp->snd_numholes >= ts->sack_maxholes ||
	    ts->sack_globalholes >= ts->sack_globalmaxholes) {
		TCPSTAT_INC(tp->t_ctx, tcps_sack_sboverflow);
		return (NULL);
	}
	if ((p = TAILQ_FIRST(&ts->sackhole_free)) != NULL)
		TAILQ_REMOVE(&ts->sackhole_free, p, scblink);
	else if ((p = malloc(sizeof(*p))) != NULL)
		ts->sackhole_total++;
	else {
		TCPSTAT_INC(tp->t_ctx, tcps_sack_sboverflow);
		return (NULL);
	}
	p->start = p->rxmit = start;
	p->end = end;
	tp->snd_numholes++;
	ts->sack_globalholes++;
	return (p);
}

static void
tcp_sackhole_free(struct tcpcb *tp, struct sackhole *p)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);

	TAILQ_REMOVE(&tp->snd_holes, p, scblink);
	TAILQ_INSERT_HEAD(&ts->sackhole_free, p, scblink);
	tp->snd_numholes--;
	ts->sack_globalholes--;
}

void
tcp_free_sackholes(struct tcpcb *tp)
{
	struct sackhole *p;

	while ((p = TAILQ_FIRST(&tp->snd_holes)) != NULL)
		tcp_sackhole_free(tp, p);
	tp->snd_fack = tp->snd_una;
	memset(&tp->sackhint, 0, sizeof(tp->sackhint));
}

/* The cumulative ACK took everything below ack. */
static void
tcp_sack_cumack(struct tcpcb *tp, tcp_seq ack)
{
	struct sackhole *p;

	while ((p = TAILQ_FIRST(&tp->snd_holes)) != NULL) {
		if (SEQ_LEQ(p->end, ack)) {
			tcp_sackhole_free(tp, p);
			continue;
		}
		if (SEQ_LT(p->start, ack)) {
			p->start = ack;
			if (SEQ_LT(p->rxmit, ack))
				p->rxmit = ack;
		}
		break;
	}
	if (TAILQ_EMPTY(&tp->snd_holes) &&
	    (SEQ_LT(tp->snd_fack, ack) || SEQ_GT(tp->snd_fack, tp->snd_max)))
		tp->snd_fack = ack;
}

/* Cut the SACKed range [s, e) out of hole p; -1 when a split failed. */
static int
tcp_sackhole_cut(struct tcpcb *tp, struct sackhole *p, tcp_seq s, tcp_seq e)
{
	struct sackhole *q;

	if (SEQ_LEQ(s, p->start) && SEQ_GEQ(e, p->end)) {
		tcp_sackhole_free(tp, p);
	} else if (SEQ_LEQ(s, p->start)) {
		p->start = e;
		if (SEQ_LT(p->rxmit, e))
			p->rxmit = e;
	} else if (SEQ_GEQ(e, p->end)) {
		p->end = s;
		if (SEQ_GT(p->rxmit, s))
			p->rxmit = s;
	} else {
		if ((q = tcp_sackhole_alloc(tp, e, p->end)) == NULL)
			return (-1); /* keep the hole whole: conservative */
		q->rxmit = SEQ_GT(p->rxmit, e) ? p->rxmit : e;
		TAILQ_INSERT_AFTER(&tp->snd_holes, p, q, scblink);
		p->end = s;
		if (SEQ_GT(p->rxmit, s))
			p->rxmit = s;
	}
	return (0);
}

/*
 * One valid block [s, e): holes it covers shrink, a new one may open.
 * 1 when it reported octets not SACKed before.
 */
static int
tcp_sack_block(struct tcpcb *tp, tcp_seq s, tcp_seq e)
{
	struct sackhole *p, *np;
	int changed = 0;

	for (p = TAILQ_FIRST(&tp->snd_holes); p != NULL; p = np) {
		np = TAILQ_NEXT(p, scblink);
		if (SEQ_GEQ(p->start, e))
			break;
		if (SEQ_LEQ(p->end, s))
			continue;
		if (tcp_sackhole_cut(tp, p, s, e) == 0)
			changed = 1;
	}
	if (SEQ_LEQ(e, tp->snd_fack))
		return (changed);
	if (SEQ_GT(s, tp->snd_fack)) {
		/*
		 * No room for the hole: the block stays unrecorded (the
		 * scoreboard conservative), but it did report octets above
		 * all we knew, i.e. segments that left the network: still
		 * a duplicate ACK for the count (RFC 6675 2).
		 */
		if ((p = tcp_sackhole_alloc(tp, tp->snd_fack, s)) == NULL)
			return (1);
		TAILQ_INSERT_TAIL(&tp->snd_holes, p, scblink);
	}
	tp->snd_fack = e;
	return (1);
}

/* Keep only blocks inside (ack, snd_max], sorted by start. */
static int
tcp_sack_valid(
    struct tcpcb *tp, const struct tcpopt *to, tcp_seq ack, struct sackblk *out)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct sackblk b, t;
	int i, j, n = 0;

	for (i = 0; i < to->to_nsacks; i++) {
		b = to->to_sacks[i];
		if (SEQ_LT(b.start, b.end) && SEQ_LEQ(b.end, ack)) {
			TCPSTAT_INC(ctx, tcps_dsack_count); /* RFC 2883 */
			TCPSTAT_ADD(ctx, tcps_dsack_bytes, b.end - b.start);
			continue;
		}
		if (!SEQ_LT(b.start, b.end) || !SEQ_GT(b.start, ack) ||
		    SEQ_GT(b.end, tp->snd_max)) {
			TCPXSTAT_INC(ctx, tcpx_badsack);
			continue;
		}
		for (j = n; j > 0 && SEQ_LT(b.start, out[j - 1].start); j--) {
			t = out[j - 1];
			out[j] = t;
		}
		out[j] = b;
		n++;
	}
	return (n);
}

/*
 * Process the cumulative ACK ack and the SACK blocks of to (RFC 6675
 * 4 and 5, "update the scoreboard").  Returns 1 when the segment SACKed
 * something new.
 */
int
tcp_sack_doack(struct tcpcb *tp, const struct tcpopt *to, tcp_seq ack)
{
	struct sackblk blk[TCP_MAX_SACK];
	int i, n = 0, changed = 0;

	if (TAILQ_EMPTY(&tp->snd_holes) &&
	    (SEQ_LT(tp->snd_fack, ack) || SEQ_GT(tp->snd_fack, tp->snd_max)))
		tp->snd_fack = ack;
	tcp_sack_cumack(tp, ack);
	if (to->to_flags & TOF_SACK) {
		TCPSTAT_INC(tp->t_ctx, tcps_sack_rcv_blocks);
		n = tcp_sack_valid(tp, to, ack, blk);
	}
	for (i = 0; i < n; i++)
		changed |= tcp_sack_block(tp, blk[i].start, blk[i].end);
	tcp_sack_hint(tp, ack);
	return (changed);
}

/*
 * Walk the scoreboard once (ascending) and set the totals pipe needs:
 * SACKed bytes, bytes of holes IsLost() says are lost, and bytes
 * retransmitted from holes.  IsLost (RFC 6675 4) for a hole: DupThresh
 * discontiguous SACKed ranges above it, or more than (DupThresh - 1) *
 * SMSS SACKed bytes above it.
 */
static void
tcp_sack_hint(struct tcpcb *tp, tcp_seq una)
{
	struct sackhint *h = &tp->sackhint;
	struct sackhole *p;
	uint32_t holes = 0, below = 0;
	int idx = 0;

	TAILQ_FOREACH(p, &tp->snd_holes, scblink)
	holes += p->end - p->start;
	h->sacked_bytes =
	    SEQ_GT(tp->snd_fack, una) ? tp->snd_fack - una - holes : 0;
	h->lost_bytes = 0;
	h->sack_bytes_rexmit = 0;
	TAILQ_FOREACH(p, &tp->snd_holes, scblink)
	{
		below += SEQ_GT(p->start, una) ? p->start - una : 0;
		una = p->end;
		p->lost = tcp_sack_islost(tp, idx++, h->sacked_bytes - below);
		if (p->lost)
			h->lost_bytes += p->end - p->start;
		h->sack_bytes_rexmit += p->rxmit - p->start;
	}
}

/* IsLost() of the hole at index idx with `above' bytes SACKed above. */
static int
tcp_sack_islost(struct tcpcb *tp, int idx, uint32_t above)
{
	int ranges = tp->snd_numholes - idx;
	struct sackhole *last = TAILQ_LAST(&tp->snd_holes, sackhole_head);

	if (last != NULL && last->end == tp->snd_fack)
		ranges--; /* nothing SACKed past the last hole */
	return (ranges >= TCP_SACK_DUPTHRESH ||
	    above > (TCP_SACK_DUPTHRESH - 1) * tp->t_maxseg);
}

/*
 * RFC 6675 IsLost(HighACK + 1), step (C) of section 5: the scoreboard
 * already says the first unacknowledged segment is lost (DupThresh
 * SACKed ranges, or more than (DupThresh - 1) * SMSS SACKed bytes above
 * it), however few duplicate ACKs made it back.
 */
int
tcp_sack_lost_una(const struct tcpcb *tp)
{
	const struct sackhole *p = TAILQ_FIRST(&tp->snd_holes);

	return (p != NULL && p->start == tp->snd_una && p->lost);
}

/*
 * RFC 6675 SetPipe(): octets in flight, i.e. not SACKed and not lost,
 * plus those retransmitted.
 */
uint32_t
tcp_sack_pipe(struct tcpcb *tp)
{
	const struct sackhint *h = &tp->sackhint;
	uint32_t out = tp->snd_max - tp->snd_una;
	uint32_t gone = h->sacked_bytes + h->lost_bytes;

	return ((out > gone ? out - gone : 0) + h->sack_bytes_rexmit);
}

/*
 * Fast retransmit with SACK (RFC 6675 5 steps 4.1-4.3): cwnd becomes
 * ssthresh (the algorithm set it), and the first segment goes out at
 * once.  Without any SACK information yet, the first segment is the one
 * hole we know of.  RescueRxt is that segment's end: no rescue before
 * the ACK for it shows the retransmission got through (4.3).
 */
void
tcp_sack_recovery_start(struct tcpcb *tp)
{
	struct sackhole *p;
	uint32_t len;

	TCPSTAT_INC(tp->t_ctx, tcps_sack_recovery_episode);
	tp->snd_cwnd = tp->snd_ssthresh;
	if (TAILQ_EMPTY(&tp->snd_holes) && tp->snd_max != tp->snd_una) {
		len = tp->snd_max - tp->snd_una;
		if (len > tp->t_maxseg)
			len = tp->t_maxseg;
		if ((p = tcp_sackhole_alloc(
			 tp, tp->snd_una, tp->snd_una + len)) != NULL) {
			TAILQ_INSERT_HEAD(&tp->snd_holes, p, scblink);
			if (SEQ_LT(tp->snd_fack, p->end))
				tp->snd_fack = p->end;
		}
		tcp_sack_hint(tp, tp->snd_una);
	}
	tp->sackhint.force_first = 1;
	len = tp->snd_max - tp->snd_una;
	tp->sackhint.rescue_rxt =
	    tp->snd_una + (len < tp->t_maxseg ? len : tp->t_maxseg);
}

/*
 * RFC 6675 NextSeg(): the hole to retransmit from and how many bytes,
 * or NULL (then new data, if any, is next: rule 2).  Rule 1: the first
 * lost hole not yet retransmitted; rule 3 (only when no new data can
 * go): the first hole not yet retransmitted.  Nothing unless cwnd - pipe
 * is at least one SMSS, except the first retransmission of an episode.
 */
struct sackhole *
tcp_sack_output(struct tcpcb *tp, int newdata, uint32_t *len)
{
	struct sackhole *p, *r3 = NULL;
	uint32_t pipe = tcp_sack_pipe(tp);

	p = TAILQ_FIRST(&tp->snd_holes);
	if (tp->sackhint.force_first) {
		tp->sackhint.force_first = 0;
		if (p != NULL && p->start == tp->snd_una &&
		    SEQ_LT(p->rxmit, p->end))
			goto found;
	}
	if (tp->snd_cwnd < pipe || tp->snd_cwnd - pipe < tp->t_maxseg)
		return (NULL);
	TAILQ_FOREACH(p, &tp->snd_holes, scblink)
	{
		if (SEQ_GEQ(p->rxmit, p->end))
			continue;
		if (p->lost)
			goto found;
		if (r3 == NULL)
			r3 = p;
	}
	if (newdata || (p = r3) == NULL)
		return (NULL);
found:
	*len = p->end - p->rxmit;
	if (*len > tp->t_maxseg)
		*len = tp->t_maxseg;
	return (p);
}

/* len bytes of hole p went out again. */
void
tcp_sack_rexmitted(struct tcpcb *tp, struct sackhole *p, uint32_t len)
{
	p->rxmit += len;
	tp->sackhint.sack_bytes_rexmit += len;
	TCPSTAT_INC(tp->t_ctx, tcps_sack_rexmits);
	TCPSTAT_ADD(tp->t_ctx, tcps_sack_rexmit_bytes, len);
}

/*
 * RFC 6675 NextSeg() rule 4, the rescue retransmission, for when rules
 * 1 to 3 found nothing and no new data can go: once the cumulative ACK
 * is past RescueRxt, one segment holding the highest unSACKed octet,
 * [*seq, *seq + *len).  It is meant for a loss at the tail of the
 * flight, above the highest SACK, that no rule reaches and that would
 * otherwise wait for the RTO; its SACKs then show what else is missing.
 * When the highest unSACKed octet is in a hole (nothing unSACKed above
 * snd_fack), rule 3 has already resent it, and a second copy is left to
 * the timer.  0 when no rescue is due.
 */
int
tcp_sack_rescue(struct tcpcb *tp, tcp_seq *seq, uint32_t *len)
{
	tcp_seq hi = tp->snd_max, lo;

	if (tp->t_flags & TF_SENTFIN)
		hi--; /* the FIN is the RTO's to resend */
	if (!SEQ_GT(tp->snd_una, tp->sackhint.rescue_rxt) ||
	    !SEQ_LT(tp->snd_fack, hi) || tcp_sack_room(tp) == 0)
		return (0);
	lo = hi - tp->t_maxseg;
	if (SEQ_LT(lo, tp->snd_fack))
		lo = tp->snd_fack;
	if (SEQ_LT(lo, tp->snd_una))
		lo = tp->snd_una;
	*seq = lo;
	*len = hi - lo;
	return (1);
}

/*
 * The rescue went out (len bytes): RescueRxt becomes the recovery point,
 * so there is one per recovery; HighRxt (the holes' rxmit) stays.
 */
void
tcp_sack_rescued(struct tcpcb *tp, uint32_t len)
{
	tp->sackhint.rescue_rxt = tp->snd_recover;
	TCPXSTAT_INC(tp->t_ctx, tcpx_sack_rescue);
	TCPSTAT_INC(tp->t_ctx, tcps_sack_rexmits);
	TCPSTAT_ADD(tp->t_ctx, tcps_sack_rexmit_bytes, len);
}

/* Room for new data in SACK recovery: cwnd - pipe, 0 below an SMSS. */
uint32_t
tcp_sack_room(struct tcpcb *tp)
{
	uint32_t pipe = tcp_sack_pipe(tp);

	if (tp->snd_cwnd < pipe || tp->snd_cwnd - pipe < tp->t_maxseg)
		return (0);
	return (tp->snd_cwnd - pipe);
}
