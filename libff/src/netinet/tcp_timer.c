/*
 * tcp_timer.c - TCP's timers (FreeBSD's netinet/tcp_timer.c): retransmit
 * with exponential backoff, persist (zero-window probes), keepalive,
 * delayed ACK, 2MSL (TIME_WAIT and orphaned FIN_WAIT_2),
 * connection-establishment limit; and the RTT estimator.
 *
 * Entry points: tcp_timer_activate_rexmt(), tcp_timer_stop_rexmt(),
 * tcp_setpersist(), tcp_timer_keepalive(), tcp_timer_delack(),
 * tcp_timer_ack_retry(),
 * tcp_timer_2msl(), tcp_timer_keep(), tcp_timers_stop(),
 * tcp_xmit_timer(), tcp_rexmtval(), tcp_twstart(), tcp_ms_ticks().
 *
 * RFC 6298 (RTO = SRTT + max(G, 4 RTTVAR), alpha 1/8, beta 1/4, Karn's
 * rule: no sample from a retransmitted segment, backoff doubling up to
 * 64 s), RFC 1122 4.2.3.2 and RFC 9293 3.8.6.3 (delayed ACK, at most
 * 500 ms; net.inet.tcp.delacktime), RFC 9293 3.10.7.4 (TIME_WAIT for
 * 2 MSL; net.inet.tcp.msl), RFC 9293 3.8.6.1 and RFC 1122 4.2.2.17
 * (zero-window probes: the RTO doubled per probe, kept within
 * net.inet.tcp.persmin and persmax), RFC 1122 4.2.3.6 and RFC 9293
 * 3.8.4 (keepalive: after keepidle without a segment from the peer,
 * keepcnt probes keepintvl apart, then the connection is dropped with
 * ETIMEDOUT; SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT).
 *
 * The keepalive timer is lazy: input only records t_rcvtime, and the
 * timer, when it fires, re-arms itself for what is left of the idle time.
 */
#include <errno.h>

#include "core/ff_ctx.h"
#include "netinet/in_pcb.h"
#include "netinet/in_var.h"
#include "netinet/tcp_var.h"

int
tcp_ms_ticks(struct ff_ctx *ctx, int ms)
{
	return ((int)ff_ms_to_ticks(ctx, ms > 0 ? (uint64_t)ms : 0));
}

/* Current RTO from the estimator, before backoff, in ticks. */
int
tcp_rexmtval(const struct tcpcb *tp)
{
	int var = tp->t_rttvar >> (TCP_RTTVAR_SHIFT - 2); /* 4 RTTVAR */

	if (var < 1)
		var = 1; /* G: one tick */
	return ((tp->t_srtt >> TCP_RTT_SHIFT) + var);
}

/*
 * The base RTO from an estimate of rto ticks, as FreeBSD's TCPT_RANGESET
 * makes it: at least rexmit_min, plus net.inet.tcp.rexmit_slop (room for
 * a peer's delayed ACK: without it a sub-millisecond RTT gives a 30 ms
 * timeout that fires before a 40-200 ms delayed ACK comes back), at most
 * 64 s.  Backoff doubles this value (tcp_rto_backoff).
 */
int
tcp_rto_range(struct tcpcb *tp, int rto)
{
	struct ff_ctx *ctx = tp->t_ctx;
	int lo = tcp_ms_ticks(ctx, V_tcp(ctx)->rexmit_min);
	int hi = tcp_ms_ticks(ctx, TCPTV_REXMTMAX_MS);

	if (rto < lo)
		rto = lo;
	rto += tcp_ms_ticks(ctx, V_tcp(ctx)->rexmit_slop);
	return (rto > hi ? hi : rto);
}

/*
 * RFC 6298 5.5: each expiry doubles the (already clamped) timeout, up to
 * the 64 s ceiling.  Doubling after the clamp matters: a sub-millisecond
 * RTT doubled n times stays under rexmit_min and would never back off.
 */
int
tcp_rto_backoff(struct tcpcb *tp, int base, int shift)
{
	int hi = tcp_ms_ticks(tp->t_ctx, TCPTV_REXMTMAX_MS);

	while (shift-- > 0 && base < hi)
		base <<= 1;
	return (base > hi ? hi : base);
}

/*
 * The timeout before backoff: rexmit_initial (RFC 6298 2.1, 1 s) while
 * there is no RTT sample, with no slop (a SYN or first segment is not
 * held by a delayed ACK); the estimate through tcp_rto_range() after.
 */
static int
tcp_rto_base(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	int init = tcp_ms_ticks(ctx, V_tcp(ctx)->rexmit_initial);
	int lo = tcp_ms_ticks(ctx, V_tcp(ctx)->rexmit_min);

	if (tp->t_state == TCPS_SYN_SENT || tp->t_state == TCPS_SYN_RECEIVED ||
	    tp->t_srtt == 0)
		return (init < lo ? lo : init);
	return (tcp_rto_range(tp, tcp_rexmtval(tp)));
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
		tp->t_srtt += delta >> 3; /* alpha = 1/8 */
		if (tp->t_srtt <= 0)
			tp->t_srtt = 1;
		if (delta < 0)
			delta = -delta;
		delta >>= TCP_RTT_SHIFT - TCP_RTTVAR_SHIFT;
		tp->t_rttvar += (delta - tp->t_rttvar) >> 2; /* beta = 1/4 */
		if (tp->t_rttvar <= 0)
			tp->t_rttvar = 1;
	} else {
		tp->t_srtt = rtt << TCP_RTT_SHIFT;
		tp->t_rttvar = rtt << (TCP_RTTVAR_SHIFT - 1); /* R/2 */
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

	if (++tp->t_rxtshift > TCP_MAXRXTSHIFT) {
		TCPSTAT_INC(ctx, tcps_timeoutdrop);
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	/* As FreeBSD: the timeouts that retransmit, not the last one. */
	TCPSTAT_INC(ctx, tcps_rexmttimeo);
	if (tp->t_rxtshift == 1) {
		/* Remember the window for an undo if the RTO was spurious. */
		tp->snd_cwnd_prev = tp->snd_cwnd;
		tp->snd_ssthresh_prev = tp->snd_ssthresh;
		tp->snd_recover_prev = tp->snd_recover;
		tp->t_flags |= TF_PREVVALID;
	} else
		tp->t_flags &= ~TF_PREVVALID;
	tp->t_rxtcur = tcp_rto_backoff(tp, tcp_rto_base(tp), tp->t_rxtshift);
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

/*
 * net.inet.tcp.delayed_ack 2 (ours; the latency profile's): the ACK of a
 * lone segment waits only for the end of the main-loop iteration that
 * received it, the "timer" being that iteration's end rather than
 * delacktime.  An application that answers in the same iteration sends
 * the ACK with its data (tcp_output clears TF_DELACK); one that does not
 * has the pure ACK leave in the same transmit flush it would have left in
 * with delayed_ack 0.  A second segment before then is acknowledged at
 * once (tcp_delack(), RFC 5681 4.2), as with the timer.
 */
void
tcp_delack_loop_cancel(struct tcpcb *tp)
{
	if (!tp->t_delack_queued)
		return;
	TAILQ_REMOVE(&V_tcp(tp->t_ctx)->delack_loop, tp, t_delack_link);
	tp->t_delack_queued = 0;
}

/* Queue tp's ACK for the end of this iteration (tcp_delack_loop_flush). */
static void
tcp_delack_loop(struct tcpcb *tp)
{
	if (tp->t_delack_queued)
		return;
	TAILQ_INSERT_TAIL(&V_tcp(tp->t_ctx)->delack_loop, tp, t_delack_link);
	tp->t_delack_queued = 1;
}

/* At the end of an iteration, before the transmit flush. */
void
tcp_delack_loop_flush(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tcpcb *tp;

	while ((tp = TAILQ_FIRST(&ts->delack_loop)) != NULL) {
		tcp_delack_loop_cancel(tp);
		if ((tp->t_flags & TF_DELACK) == 0)
			continue; /* a segment carried it already */
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
	}
}

/* Arm the delayed ACK (net.inet.tcp.delacktime, or the iteration's end). */
void
tcp_timer_delack(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	if (V_tcp(ctx)->delayed_ack == 2) {
		tcp_delack_loop(tp);
		return;
	}
	callout_reset(ctx, &tp->t_timers.tt_delack,
	    (uint64_t)tcp_ms_ticks(ctx, V_tcp(ctx)->delacktime),
	    tcp_timer_delack_fire, tp);
}

/*
 * An ACK the port refused (ENOBUFS: its buffer full of frames a slow
 * peer has not taken) goes again at the next tick: else, with the peer
 * waiting for it to send more, nothing would ever send it and the peer
 * would sit out a retransmission timeout.
 */
void
tcp_timer_ack_retry(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	tp->t_flags |= TF_DELACK;
	callout_reset(ctx, &tp->t_timers.tt_delack,
	    (uint64_t)tcp_ms_ticks(ctx, 1), tcp_timer_delack_fire, tp);
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

/* 1 when keepalives are wanted on this connection (and its state). */
static int
tcp_keepalive_wanted(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	int opts;

	if (tp->t_state < TCPS_ESTABLISHED || tp->t_state > TCPS_CLOSING)
		return (0);
	opts = inp->inp_socket != NULL ? inp->inp_socket->so_options
				       : inp->inp_so_options;
	return (
	    (opts & SO_KEEPALIVE) != 0 || V_tcp(tp->t_ctx)->always_keepalive);
}

/* The connection's keepalive parameters, in ticks (and probes). */
static uint64_t
tcp_keepidle_ticks(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	return (ff_ms_to_ticks(ctx,
	    tp->t_keepidle ? tp->t_keepidle : (uint64_t)V_tcp(ctx)->keepidle));
}

static uint64_t
tcp_keepintvl_ticks(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	return (ff_ms_to_ticks(ctx,
	    tp->t_keepintvl ? tp->t_keepintvl
			    : (uint64_t)V_tcp(ctx)->keepintvl));
}

static uint64_t
tcp_keepcnt(struct tcpcb *tp)
{
	return (tp->t_keepcnt ? tp->t_keepcnt
			      : (uint64_t)V_tcp(tp->t_ctx)->keepcnt);
}

/* A keepalive probe: an old sequence number makes the peer ACK. */
static void
tcp_keepalive_probe(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;

	TCPSTAT_INC(tp->t_ctx, tcps_keepprobe);
	tcp_respond(tp->t_ctx, tp, inp->inp_laddr, inp->inp_lport,
	    inp->inp_faddr, inp->inp_fport, tp->snd_una - 1, tp->rcv_nxt,
	    TH_ACK);
}

/*
 * tt_keep fired.  Before ESTABLISHED it limits connection set-up; after,
 * it is the keepalive timer: probe once idle for keepidle, every
 * keepintvl after that, and drop after keepcnt unanswered probes.
 */
static void
tcp_timer_keep_fire(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;
	uint64_t idle, kidle, intvl;

	TCPSTAT_INC(ctx, tcps_keeptimeo);
	if (tp->t_state < TCPS_ESTABLISHED) {
		TCPSTAT_INC(ctx, tcps_keepdrops);
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	if (!tcp_keepalive_wanted(tp)) {
		tcp_timer_keepalive(tp);
		return;
	}
	idle = tcp_ticks(ctx) - tp->t_rcvtime;
	kidle = tcp_keepidle_ticks(tp);
	intvl = tcp_keepintvl_ticks(tp);
	if (idle >= kidle + tcp_keepcnt(tp) * intvl) {
		TCPSTAT_INC(ctx, tcps_keepdrops);
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	if (idle < kidle) {
		tcp_timer_keepalive(tp);
		return;
	}
	tcp_keepalive_probe(tp);
	callout_reset(
	    ctx, &tp->t_timers.tt_keep, intvl, tcp_timer_keep_fire, tp);
}

/* Connection set-up limit (before ESTABLISHED), ms. */
void
tcp_timer_keep(struct tcpcb *tp, uint64_t ms)
{
	callout_reset(tp->t_ctx, &tp->t_timers.tt_keep,
	    ff_ms_to_ticks(tp->t_ctx, ms), tcp_timer_keep_fire, tp);
}

/* Keepalive: fire when keepidle since the last segment will have passed. */
void
tcp_timer_keepalive(struct tcpcb *tp)
{
	uint64_t idle = tcp_ticks(tp->t_ctx) - tp->t_rcvtime;
	uint64_t kidle = tcp_keepidle_ticks(tp);

	if (tp->t_state < TCPS_ESTABLISHED || tp->t_state == TCPS_TIME_WAIT)
		return;
	callout_reset(tp->t_ctx, &tp->t_timers.tt_keep,
	    idle < kidle ? kidle - idle : 1, tcp_timer_keep_fire, tp);
}

/*
 * Persist timer fired: probe the zero window with one byte (the first
 * unsent one, sent again at each probe: snd_nxt stays, tcp_output).  A
 * peer silent for net.inet.tcp.keepidle while we back off to the
 * maximum, or for persmax once the user closed, loses the connection.
 * A window that is open but too small for silly window avoidance to
 * use gets what fits, as data (RFC 1122 4.2.3.4's override timeout;
 * FreeBSD's TF_FORCEDATA with a nonzero window): the retransmission
 * timer then runs for it, and gives up on a silent peer.
 */
static void
tcp_timer_persist(struct ff_ctx *ctx, void *arg)
{
	struct tcpcb *tp = arg;
	uint64_t idle = tcp_ticks(ctx) - tp->t_rcvtime;

	TCPSTAT_INC(ctx, tcps_persisttimeo);
	if (tp->snd_wnd != 0) {
		tp->t_rxtshift = 0;
		tp->t_force = 1;
		(void)tcp_output(tp);
		tp->t_force = 0;
		return;
	}
	if ((tp->t_persistshift >= TCP_MAXRXTSHIFT &&
		idle >= ff_ms_to_ticks(ctx, (uint64_t)V_tcp(ctx)->keepidle)) ||
	    (tp->t_state > TCPS_CLOSE_WAIT &&
		idle >= ff_ms_to_ticks(ctx, (uint64_t)V_tcp(ctx)->persmax))) {
		TCPSTAT_INC(ctx, tcps_persistdrop);
		(void)tcp_drop(tp, ETIMEDOUT);
		return;
	}
	tcp_setpersist(tp);
	tp->t_force = 1;
	(void)tcp_output(tp);
	tp->t_force = 0;
}

/*
 * Arm the persist timer: the RTO (rexmit_initial before any sample)
 * doubled per probe already sent, kept within [persmin, persmax]
 * (RFC 9293 3.8.6.1; FreeBSD's tcp_setpersist).  Only with data waiting
 * that the window does not let go (zero, or too small to be worth a
 * segment) and no retransmission pending.
 */
void
tcp_setpersist(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tcp_state *ts = V_tcp(ctx);
	struct socket *so = tcp_socket(tp);
	uint64_t t, lo, hi;

	if (so == NULL || so->so_snd.sb_cc == 0 ||
	    callout_pending(&tp->t_timers.tt_rexmt))
		return;
	t = tp->t_srtt != 0 ? (uint64_t)tcp_rto_range(tp, tcp_rexmtval(tp))
			    : (uint64_t)tcp_ms_ticks(ctx, ts->rexmit_initial);
	t <<= tp->t_persistshift;
	lo = ff_ms_to_ticks(ctx, (uint64_t)ts->persmin);
	hi = ff_ms_to_ticks(ctx, (uint64_t)ts->persmax);
	t = t < lo ? lo : (t > hi ? hi : t);
	callout_reset(ctx, &tp->t_timers.tt_persist, t, tcp_timer_persist, tp);
	if (tp->t_persistshift < TCP_MAXRXTSHIFT)
		tp->t_persistshift++;
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
 * that stray segments are answered as RFC 9293 3.10.7.4 says).  With
 * net.inet.tcp.nolocaltimewait, a connection whose far end is one of
 * our own addresses (FreeBSD's in_localip(faddr) in tcp_twstart()) does
 * not wait: no segment of it can be delayed in a network.  Its 2MSL
 * timer is 0, so the ACK of the peer's FIN still goes out first and the
 * pcb goes at the next tick.
 */
void
tcp_twstart(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);
	uint64_t wait = 2 * (uint64_t)V_tcp(ctx)->msl;

	if (V_tcp(ctx)->nolocaltimewait &&
	    in_localip(ctx, tp->t_inpcb->inp_faddr))
		wait = 0;
	tcp_state_change(tp, TCPS_TIME_WAIT);
	tcp_timers_stop(tp);
	tcp_reass_flush(tp);
	tcp_timer_2msl(tp, wait);
	tp->t_inpcb->inp_flags |= INP_TIMEWAIT;
	if (so != NULL) {
		soisdisconnected(so);
		if ((so->so_state & SS_NOFDREF) != 0)
			in_pcbdetach(tp->t_inpcb);
	}
}
