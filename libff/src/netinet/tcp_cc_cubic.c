/*
 * tcp_cc_cubic.c - CUBIC congestion control (RFC 9438, formerly RFC
 * 8312; FreeBSD's cc_cubic), the stack's default algorithm as in FreeBSD
 * 14.  Window growth after a reduction follows
 *
 *	W_cubic(t) = C * (t - K)^3 + W_max,   K = cbrt((W_max - cwnd_epoch) / C)
 *
 * with C = 0.4 segments/s^3 and beta_cubic = 0.7 (RFC 9438 4.2, 4.6),
 * bounded below by the Reno-friendly estimate W_est (4.3), with fast
 * convergence (4.7) and the RTO rules of 4.8.  Slow start is NewReno's
 * (RFC 5681 with RFC 3465 ABC, L = 2 SMSS); no HyStart.
 *
 * Arithmetic: integers only.  Windows are bytes; times are milliseconds
 * from the stack's one clock (tcp_ts_getticks()).  beta = 7/10 and C =
 * 4/10 are applied as exact rationals; K is an integer cube root (in ms)
 * computed once per congestion event, never per ACK.  Per ACK, C*(t-K)^3
 * is evaluated in milli-segments as (t-K)^3 * 4 / 10^7 with |t-K|
 * clamped to 2^20 ms (about 17 minutes; (2^20)^3 fits in 63 bits), then
 * scaled by the MSS: no floating point and no overflow on the ACK path.
 * alpha_cubic = 3 (1 - beta) / (1 + beta) = 9/17 is also exact.
 *
 * Entry point: cubic_cc_algo, registered by tcp_init().  State lives in
 * cc_var.cc_mem (struct cubic, no allocation).
 */
#include <stdint.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/tcp_var.h"

#define CUBIC_BETA_NUM	7 /* beta_cubic = 7/10 */
#define CUBIC_BETA_DEN	10
#define CUBIC_ALPHA_NUM 9 /* alpha_cubic = 3(1-b)/(1+b) = 9/17 */
#define CUBIC_ALPHA_DEN 17
#define CUBIC_MAXDT_MS	(1 << 20) /* clamp of |t - K| */

/* Per-connection state (RFC 9438 names), in cc_var.cc_mem. */
struct cubic {
	uint32_t t_epoch;    /* ms the CA stage began */
	uint32_t w_max;	     /* bytes: window before the reduction */
	uint32_t cwnd_epoch; /* bytes: cwnd when the stage began */
	uint32_t k_ms;	     /* K, ms */
	uint32_t w_est;	     /* bytes: Reno-friendly estimate */
	uint32_t w_est_rem;  /* W_est growth short of a byte */
	uint32_t prev_w_max; /* for an undo (CC_RTO_ERR) */
	uint32_t flags;	     /* CUBICF_* */
};
#define CUBICF_EPOCH 0x01 /* t_epoch valid: in a CA stage */
#define CUBICF_RTO   0x02 /* after an RTO: K = 0 next stage */

_Static_assert(sizeof(struct cubic) <= CC_MEM_SIZE, "cubic state size");

static struct cubic *
cubic_state(struct cc_var *ccv)
{
	return ((struct cubic *)(void *)ccv->cc_mem);
}

static int
cubic_cb_init(struct cc_var *ccv)
{
	memset(ccv->cc_mem, 0, sizeof(ccv->cc_mem));
	return (0);
}

/* Integer cube root, rounded down (bit by bit: 22 steps for 64 bits). */
static uint32_t
cubic_cbrt(uint64_t x)
{
	uint64_t r = 0, b;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		r <<= 1;
		b = 3 * r * (r + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			r++;
		}
	}
	return ((uint32_t)r);
}

/* K in ms: cbrt((W_max - cwnd_epoch) / (C * MSS)), 1 s = 10^3 ms. */
static uint32_t
cubic_k(uint32_t w_max, uint32_t cwnd_epoch, uint32_t mss)
{
	uint64_t d;

	if (w_max <= cwnd_epoch || mss == 0)
		return (0);
	/* (d / mss) / 0.4 segments, times 10^9 for ms^3. */
	d = (uint64_t)(w_max - cwnd_epoch) * 2500000000ULL / mss;
	return (cubic_cbrt(d));
}

/* W_cubic(t) in bytes for t ms into the stage (RFC 9438 eq. 1). */
static uint64_t
cubic_wcubic(const struct cubic *c, uint32_t t, uint32_t mss)
{
	int64_t dt = (int64_t)t - (int64_t)c->k_ms, cube, w;

	if (dt > CUBIC_MAXDT_MS)
		dt = CUBIC_MAXDT_MS;
	if (dt < -CUBIC_MAXDT_MS)
		dt = -CUBIC_MAXDT_MS;
	/* C * dt^3 / 10^9 segments = dt^3 * 4 / 10^10; here milli-segments. */
	cube = dt * dt * dt / 10000000 * 4;
	w = (int64_t)c->w_max + cube * (int64_t)mss / 1000;
	return (w < 0 ? 0 : (uint64_t)w);
}

static void
cubic_conn_init(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;

	tp->snd_cwnd = cc_initial_window(tp);
}

/* Slow start, as NewReno: at most 2 SMSS per ACK (RFC 3465). */
static uint32_t
cubic_slowstart(struct cc_var *ccv)
{
	uint32_t incr = ccv->bytes_this_ack;

	return (incr > 2 * ccv->tp->t_maxseg ? 2 * ccv->tp->t_maxseg : incr);
}

/* The first ACK of a congestion avoidance stage (RFC 9438 4.2, 4.8). */
static void
cubic_epoch_start(struct cubic *c, struct tcpcb *tp, uint32_t now)
{
	c->flags |= CUBICF_EPOCH;
	c->t_epoch = now;
	c->cwnd_epoch = tp->snd_cwnd;
	c->w_est = tp->snd_cwnd;
	c->w_est_rem = 0;
	if ((c->flags & CUBICF_RTO) || c->w_max < tp->snd_cwnd)
		c->w_max = tp->snd_cwnd; /* K = 0 */
	c->flags &= ~CUBICF_RTO;
	c->k_ms = cubic_k(c->w_max, c->cwnd_epoch, tp->t_maxseg);
}

/*
 * W_est grows by alpha_cubic segments per window of bytes acked (RFC
 * 9438 4.3), alpha = 1 once W_est reaches W_max.
 */
static void
cubic_west(struct cubic *c, struct tcpcb *tp, uint32_t acked)
{
	uint64_t anum = c->w_est < c->w_max ? CUBIC_ALPHA_NUM : CUBIC_ALPHA_DEN;
	uint64_t num = (uint64_t)acked * tp->t_maxseg * anum + c->w_est_rem;
	uint64_t den = (uint64_t)tp->snd_cwnd * CUBIC_ALPHA_DEN, inc;

	inc = num / den;
	c->w_est_rem = (uint32_t)(num % den);
	c->w_est = c->w_est + inc > UINT32_MAX ? UINT32_MAX
					       : (uint32_t)(c->w_est + inc);
}

/* Congestion avoidance: the increase this ACK earns, bytes. */
static uint32_t
cubic_avoid(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;
	struct cubic *c = cubic_state(ccv);
	uint32_t now = tcp_ts_getticks(tp->t_ctx), rtt, t;
	uint64_t target, cwnd = tp->snd_cwnd, wc;

	if ((c->flags & CUBICF_EPOCH) == 0)
		cubic_epoch_start(c, tp, now);
	cubic_west(c, tp, ccv->bytes_this_ack);
	rtt = (uint32_t)(((uint64_t)(tp->t_srtt >> TCP_RTT_SHIFT) * 1000) /
	    tp->t_ctx->callouts.cw_hz);
	t = now - c->t_epoch;
	wc = cubic_wcubic(c, t, tp->t_maxseg);
	if (wc < c->w_est) /* Reno-friendly region (4.3) */
		return (c->w_est > cwnd ? (uint32_t)(c->w_est - cwnd) : 0);
	/* Concave and convex regions (4.4, 4.5): toward W_cubic(t + RTT). */
	target = cubic_wcubic(c, t + rtt, tp->t_maxseg);
	if (target < cwnd)
		target = cwnd;
	if (target > cwnd + cwnd / 2)
		target = cwnd + cwnd / 2;
	return ((uint32_t)((target - cwnd) * ccv->bytes_this_ack / cwnd));
}

static void
cubic_ack_received(struct cc_var *ccv, uint16_t type)
{
	struct tcpcb *tp = ccv->tp;
	uint32_t incr, maxwin;

	if (type != CC_ACK || IN_RECOVERY(tp->t_flags) ||
	    ccv->bytes_this_ack == 0)
		return;
	if (tp->snd_cwnd < tp->snd_ssthresh)
		incr = cubic_slowstart(ccv);
	else
		incr = cubic_avoid(ccv);
	maxwin = (uint32_t)TCP_MAXWIN << tp->snd_scale;
	tp->snd_cwnd = (uint64_t)tp->snd_cwnd + incr > maxwin
	    ? maxwin
	    : tp->snd_cwnd + incr;
}

/*
 * A congestion event (RFC 9438 4.6, 4.7): W_max from cwnd with fast
 * convergence, ssthresh = beta * cwnd (at least 2 SMSS), a new stage.
 */
static void
cubic_reduce(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;
	struct cubic *c = cubic_state(ccv);
	uint64_t cwnd = tp->snd_cwnd, ss;

	c->prev_w_max = c->w_max;
	if (cwnd < c->w_max) /* fast convergence */
		c->w_max = (uint32_t)(cwnd * (CUBIC_BETA_DEN + CUBIC_BETA_NUM) /
		    (2 * CUBIC_BETA_DEN));
	else
		c->w_max = (uint32_t)cwnd;
	ss = cwnd * CUBIC_BETA_NUM / CUBIC_BETA_DEN;
	if (ss < 2 * (uint64_t)tp->t_maxseg)
		ss = 2 * (uint64_t)tp->t_maxseg;
	tp->snd_ssthresh = (uint32_t)ss;
	c->flags &= ~CUBICF_EPOCH;
}

static void
cubic_cong_signal(struct cc_var *ccv, uint32_t type)
{
	struct tcpcb *tp = ccv->tp;
	struct cubic *c = cubic_state(ccv);

	switch (type) {
	case CC_NDUPACK:
		if (!IN_FASTRECOVERY(tp->t_flags)) {
			cubic_reduce(ccv);
			ENTER_RECOVERY(tp->t_flags);
		}
		break;
	case CC_ECN:
		if (!IN_CONGRECOVERY(tp->t_flags)) {
			cubic_reduce(ccv);
			tp->snd_cwnd = tp->snd_ssthresh;
			ENTER_CONGRECOVERY(tp->t_flags);
		}
		break;
	case CC_RTO:
		/* 4.8: Reno's loss window, ssthresh with beta_cubic. */
		if (tp->t_rxtshift <= 1)
			cubic_reduce(ccv);
		c->flags |= CUBICF_RTO;
		c->flags &= ~CUBICF_EPOCH;
		tp->snd_cwnd = tp->t_maxseg;
		break;
	case CC_RTO_ERR:
		tp->snd_cwnd = tp->snd_cwnd_prev;
		tp->snd_ssthresh = tp->snd_ssthresh_prev;
		tp->snd_recover = tp->snd_recover_prev;
		c->w_max = c->prev_w_max;
		c->flags &= ~(CUBICF_RTO | CUBICF_EPOCH);
		break;
	}
}

/* Idle restart (RFC 5681 4.1); the CA stage begins again. */
static void
cubic_after_idle(struct cc_var *ccv)
{
	struct tcpcb *tp = ccv->tp;
	struct cubic *c = cubic_state(ccv);
	uint32_t iw = cc_initial_window(tp);

	if (tp->snd_cwnd > iw)
		tp->snd_cwnd = iw;
	c->flags &= ~CUBICF_EPOCH;
}

const struct cc_algo cubic_cc_algo = {
	.name = "cubic",
	.cb_init = cubic_cb_init,
	.conn_init = cubic_conn_init,
	.ack_received = cubic_ack_received,
	.cong_signal = cubic_cong_signal,
	.post_recovery = newreno_cc_post_recovery, /* as NewReno */
	.after_idle = cubic_after_idle,
};
