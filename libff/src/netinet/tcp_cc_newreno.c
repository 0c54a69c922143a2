/*
 * tcp_cc_newreno.c - NewReno congestion control (FreeBSD's cc_newreno):
 * slow start with appropriate byte counting (RFC 3465, L = 2 segments),
 * congestion avoidance of one segment per window (RFC 5681 3.1), the
 * ssthresh halving on loss (RFC 5681 3.2, equation 4), and the window
 * after a NewReno recovery (RFC 6582 3.2 step 3).
 *
 * Entry point: newreno_cc_algo, registered by tcp_init().  The fast
 * retransmit and partial-ACK mechanics themselves live in tcp_input.c.
 */
#include <stdint.h>

#include "core/ff_ctx.h"
#include "netinet/tcp_var.h"

static void
newreno_conn_init(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;

	tp->snd_cwnd = cc_initial_window(tp);
}

static void
newreno_ack_received(struct cc_var *ccv, uint16_t type)
{
	struct tcpcb *tp = ccv->tp;
	uint32_t incr, maxwin;

	if (type != CC_ACK || IN_RECOVERY(tp->t_flags))
		return;
	if (tp->snd_cwnd <= tp->snd_ssthresh) {
		/* Slow start, RFC 3465: at most 2 SMSS per ACK. */
		incr = ccv->bytes_this_ack;
		if (incr > 2 * tp->t_maxseg)
			incr = 2 * tp->t_maxseg;
	} else {
		/* Congestion avoidance: one SMSS per cwnd of bytes acked. */
		tp->t_bytes_acked += ccv->bytes_this_ack;
		if (tp->t_bytes_acked < tp->snd_cwnd)
			return;
		tp->t_bytes_acked -= tp->snd_cwnd;
		incr = tp->t_maxseg;
	}
	maxwin = (uint32_t)TCP_MAXWIN << tp->snd_scale;
	tp->snd_cwnd =
	    tp->snd_cwnd + incr > maxwin ? maxwin : tp->snd_cwnd + incr;
}

/* RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2 * SMSS). */
static uint32_t
newreno_halve(struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	uint32_t win = flight < tp->snd_cwnd ? flight : tp->snd_cwnd;
	uint32_t segs = win / 2 / tp->t_maxseg;

	return ((segs < 2 ? 2 : segs) * tp->t_maxseg);
}

static void
newreno_cong_signal(struct cc_var *ccv, uint32_t type)
{
	struct tcpcb *tp = ccv->tp;

	switch (type) {
	case CC_NDUPACK:
		if (!IN_FASTRECOVERY(tp->t_flags)) {
			tp->snd_ssthresh = newreno_halve(tp);
			ENTER_RECOVERY(tp->t_flags);
		}
		break;
	case CC_ECN:
		if (!IN_CONGRECOVERY(tp->t_flags)) {
			tp->snd_ssthresh = newreno_halve(tp);
			tp->snd_cwnd = tp->snd_ssthresh;
			ENTER_CONGRECOVERY(tp->t_flags);
		}
		break;
	case CC_RTO:
		tp->snd_ssthresh = newreno_halve(tp);
		tp->snd_cwnd = tp->t_maxseg; /* loss window, RFC 5681 */
		break;
	case CC_RTO_ERR:
		tp->snd_cwnd = tp->snd_cwnd_prev;
		tp->snd_ssthresh = tp->snd_ssthresh_prev;
		tp->snd_recover = tp->snd_recover_prev;
		break;
	}
}

/*
 * RFC 6582 3.2 step 3: deflate to min(ssthresh, FlightSize + SMSS), so
 * that a full ACK does not release a burst.  CUBIC ends recovery the same
 * way (RFC 9438 4.6), hence not static.
 */
void
newreno_cc_post_recovery(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;
	uint32_t flight = tp->snd_max - tp->snd_una;

	if (!IN_FASTRECOVERY(tp->t_flags))
		return;
	if (flight + tp->t_maxseg < tp->snd_ssthresh)
		tp->snd_cwnd = flight + tp->t_maxseg;
	else
		tp->snd_cwnd = tp->snd_ssthresh;
}

/* RFC 5681 4.1: restart from the initial window after an idle RTO. */
static void
newreno_after_idle(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;
	uint32_t iw = cc_initial_window(tp);

	if (tp->snd_cwnd > iw)
		tp->snd_cwnd = iw;
}

const struct cc_algo newreno_cc_algo = {
	.name = "newreno",
	.conn_init = newreno_conn_init,
	.ack_received = newreno_ack_received,
	.cong_signal = newreno_cong_signal,
	.post_recovery = newreno_cc_post_recovery,
	.after_idle = newreno_after_idle,
};
