/*
 * tcp_timer.c - TCP's timers (FreeBSD's netinet/tcp_timer.c): retransmit
 * with exponential backoff, delayed ACK, 2MSL (TIME_WAIT and orphaned
 * FIN_WAIT_2), connection-establishment limit; and the RTT estimator.
 *
 * Entry points: tcp_timer_activate_rexmt(), tcp_timer_stop_rexmt(),
 * tcp_timer_delack(), tcp_timer_2msl(), tcp_timer_keep(),
 * tcp_timers_stop(), tcp_xmit_timer(), tcp_rexmtval(), tcp_twstart(),
 * tcp_ms_ticks().
 *
 * RFC 6298 (RTO = SRTT + max(G, 4 RTTVAR), alpha 1/8, beta 1/4, Karn's
 * rule: no sample from a retransmitted segment, backoff doubling up to
 * 64 s), RFC 1122 4.2.3.2 and RFC 9293 3.8.6.3 (delayed ACK, at most
 * 500 ms; net.inet.tcp.delacktime), RFC 9293 3.10.7.4 (TIME_WAIT for
 * 2 MSL; net.inet.tcp.msl).  Persist and keepalive arrive with issue 5
 * (the callouts are in place: tt_persist, tt_keep).
 */
#include <errno.h>

#include "ff_ctx.h"
#include "ff_stack_var.h"
#include "tcp_var.h"

int
tcp_ms_ticks(struct ff_ctx *ctx, int ms)
{
	return ((int)ff_ms_to_ticks(ctx, ms > 0 ? (uint64_t)ms : 0));
}

/* Current RTO from the estimator, before backoff, in ticks. */
int
tcp_rexmtval(const struct tcpcb *tp)
{
	int var = tp->t_rttvar >> (TCP_RTTVAR_SHIFT - 2);	/* 4 RTTVAR */

	if (var < 1)
		var = 1;			/* G: one tick */
	return ((tp->t_srtt >> TCP_RTT_SHIFT) + var);
}

/* RTO clamped to [rexmit_min, 64 s], with the backoff applied. */
static int
tcp_rto_range(struct tcpcb *tp, int rto)
{
	struct ff_ctx *ctx = tp->t_ctx;
	int lo = tcp_ms_ticks(ctx, V_tcp(ctx)->rexmit_min);
	int hi = tcp_ms_ticks(ctx, TCPTV_REXMTMAX_MS);

	if (rto < lo)
		rto = lo;
	return (rto > hi ? hi : rto);
}

/* A new RTT sample of rtt ticks (RFC 6298 2.2 and 2.3). */
void
tcp_xmit_timer(struct tcpcb *tp, int rtt)
{
	int delta;

	TCPSTAT_INC(tp->t_ctx, tcps_rttupdated);
	if (rtt < 1)
		rtt = 1;
	if (tp->t_srtt != 0) {
		delta = (rtt << TCP_RTT_SHIFT) - tp->t_srtt;
		tp->t_srtt += delta >> 3;		/* alpha = 1/8 */
		if (tp->t_srtt <= 0)
			tp->t_srtt = 1;
		if (delta < 0)
			delta = -delta;
		delta >>= TCP_RTT_SHIFT - TCP_RTTVAR_SHIFT;
		tp->t_rttvar += (delta - tp->t_rttvar) >> 2;	/* beta = 1/4 */
		if (tp->t_rttvar <= 0)
			tp->t_rttvar = 1;
	} else {
		tp->t_srtt = rtt << TCP_RTT_SHIFT;
		tp->t_rttvar = rtt << (TCP_RTTVAR_SHIFT - 1);	/* R/2 */
	}
	tp->t_rttupdated++;
	tp->t_rtttime = 0;
	tp->t_rxtshift = 0;
	tp->t_rxtcur = tcp_rto_range(tp, tcp_rexmtval(tp));
	tp->t_softerror = 0;
}

/* Retransmission timeout (RFC 6298 5.4-5.7). */
static void
tcp_timer_rexmt(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;

	TCPSTAT_INC(ctx, tcps_rexmttimeo);
	if (++tp->t_rxtshift > TCP_MAXRXTSHIFT) {
		TCPSTAT_INC(ctx, tcps_timeoutdrop);
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	if (tp->t_rxtshift == 1) {
		/* Remember the window for an undo if the RTO was spurious. */
		tp->snd_cwnd_prev = tp->snd_cwnd;
		tp->snd_ssthresh_prev = tp->snd_ssthresh;
		tp->snd_recover_prev = tp->snd_recover;
		tp->t_flags |= TF_PREVVALID;
	} else
		tp->t_flags &= ~TF_PREVVALID;
	if (tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED ||
	    tp->t_srtt == 0)			/* no sample yet: RFC 6298 2.1 */
		tp->t_rxtcur = tcp_rto_range(tp, tcp_ms_ticks(ctx,
		    V_tcp(ctx)->rexmit_initial) << tp->t_rxtshift);
	else
		tp->t_rxtcur = tcp_rto_range(tp, tcp_rexmtval(tp) <<
		    tp->t_rxtshift);
	/* Karn: the segment in flight will not give an RTT sample. */
	tp->t_rtttime = 0;
	tp->snd_recover = tp->snd_max;
	tp->snd_nxt = tp->snd_una;
	tp->t_flags |= TF_ACKNOW;
	if (tp->t_state >= TCPS_ESTABLISHED)
		cc_cong_signal(tp, CC_RTO);
	tp->t_dupacks = 0;
	(void)tcp_output(tp);
}

void
tcp_timer_activate_rexmt(struct tcpcb *tp, int ticks)
{
	callout_reset(tp->t_ctx, &tp->t_timers.tt_rexmt, (uint64_t)ticks,
	    tcp_timer_rexmt, tp);
}

void
tcp_timer_stop_rexmt(struct tcpcb *tp)
{
	callout_stop(tp->t_ctx, &tp->t_timers.tt_rexmt);
}

static void
tcp_timer_delack_fire(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;

	tp->t_flags |= TF_ACKNOW;
	TCPSTAT_INC(ctx, tcps_delack);
	(void)tcp_output(tp);
}

/* Arm the delayed ACK (net.inet.tcp.delacktime). */
void
tcp_timer_delack(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	callout_reset(ctx, &tp->t_timers.tt_delack,
	    (uint64_t)tcp_ms_ticks(ctx, V_tcp(ctx)->delacktime),
	    tcp_timer_delack_fire, tp);
}

/* 2MSL expired (TIME_WAIT), or an orphaned FIN_WAIT_2 waited enough. */
static void
tcp_timer_2msl_fire(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;

	if (tp->t_state == TCPS_FIN_WAIT_2)
		TCPSTAT_INC(ctx, tcps_finwait2_drops);
	(void)tcp_close(tp);
}

void
tcp_timer_2msl(struct tcpcb *tp, uint64_t ms)
{
	callout_reset(tp->t_ctx, &tp->t_timers.tt_2msl,
	    ff_ms_to_ticks(tp->t_ctx, ms), tcp_timer_2msl_fire, tp);
}

/* Connection establishment took too long (tt_keep before ESTABLISHED). */
static void
tcp_timer_keep_fire(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;

	TCPSTAT_INC(ctx, tcps_keeptimeo);
	if (tp->t_state < TCPS_ESTABLISHED) {
		TCPSTAT_INC(ctx, tcps_keepdrops);
		(void)tcp_drop(tp, ETIMEDOUT);
	}
}

void
tcp_timer_keep(struct tcpcb *tp, uint64_t ms)
{
	callout_reset(tp->t_ctx, &tp->t_timers.tt_keep,
	    ff_ms_to_ticks(tp->t_ctx, ms), tcp_timer_keep_fire, tp);
}

void
tcp_timers_stop(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	callout_stop(ctx, &tp->t_timers.tt_rexmt);
	callout_stop(ctx, &tp->t_timers.tt_persist);
	callout_stop(ctx, &tp->t_timers.tt_keep);
	callout_stop(ctx, &tp->t_timers.tt_2msl);
	callout_stop(ctx, &tp->t_timers.tt_delack);
}

/*
 * Enter TIME_WAIT: stop everything but the 2MSL timer; the socket, if
 * still there, is told the connection is over (the pcb stays hashed so
 * that stray segments are answered as RFC 9293 3.10.7.4 says).
 */
void
tcp_twstart(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);

	tcp_state_change(tp, TCPS_TIME_WAIT);
	tcp_timers_stop(tp);
	tcp_reass_flush(tp);
	tcp_timer_2msl(tp, 2 * (uint64_t)V_tcp(ctx)->msl);
	tp->t_inpcb->inp_flags |= INP_TIMEWAIT;
	if (so != NULL) {
		soisdisconnected(so);
		if ((so->so_state & SS_NOFDREF) != 0)
			in_pcbdetach(tp->t_inpcb);
	}
}
