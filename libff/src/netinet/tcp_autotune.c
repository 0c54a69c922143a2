/*
 * tcp_autotune.c - automatic sizing of a connection's socket buffers
 * (FreeBSD's tcp_autorcvbuf() in tcp_input.c and the send-buffer block
 * of tcp_output.c), up to net.inet.tcp.recvbuf_max / sendbuf_max and
 * never above kern.ipc.maxsockbuf.
 *
 * Entry points: tcp_autorcvbuf() (in-order data arrived),
 * tcp_autosndbuf() (tcp_output is about to send), tcp_autorcvbuf_limit()
 * (the window scale a connection asks for covers it, RFC 7323 2.2).
 *
 * Receive: the bytes that arrive within one round trip are counted; when
 * the peer filled more than 7/8 of the buffer in that time the buffer
 * was the bottleneck, and it grows to twice what arrived (at least
 * recvbuf_inc more).  The round trip comes from the timestamps the peer
 * echoes (RFC 7323 4.3: a pure receiver has no other sample), else from
 * the RTT estimator.  Send: when the buffer is 7/8 full, the peer's
 * window is at least 4/5 of it and the windows would let all of it go,
 * it grows by sendbuf_inc.  Either stops for good (SB_AUTOSIZE cleared)
 * once the application sets SO_RCVBUF or SO_SNDBUF itself.
 */
#include <errno.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "netinet/tcp_var.h"

static uint32_t
tcp_autolimit(struct ff_ctx *ctx, int max)
{
	unsigned long sbmax = ctx->sysctl->st_ipc.ki_maxsockbuf;

	return ((unsigned long)max < sbmax ? (uint32_t)max : (uint32_t)sbmax);
}

uint32_t
tcp_autorcvbuf_limit(struct ff_ctx *ctx, const struct socket *so)
{
	uint32_t lim;

	if (!V_tcp(ctx)->recvbuf_auto ||
	    (so->so_rcv.sb_flags & SB_AUTOSIZE) == 0)
		return (so->so_rcv.sb_hiwat);
	lim = tcp_autolimit(ctx, V_tcp(ctx)->recvbuf_max);
	return (lim > so->so_rcv.sb_hiwat ? lim : so->so_rcv.sb_hiwat);
}

/* A round-trip sample from the echoed timestamp, ms; biased to the min. */
static void
tcp_autorcvbuf_rtt(struct tcpcb *tp, const struct tcpopt *to, uint32_t now)
{
	int32_t rtt;

	if ((to->to_flags & TOF_TS) == 0 || to->to_tsecr == 0 ||
	    (tp->t_flags & TF_RCVD_TSTMP) == 0)
		return;
	rtt = (int32_t)(now + tp->ts_offset - to->to_tsecr);
	if (rtt < 0 || rtt > 60000)
		return;
	if (rtt == 0)
		rtt = 1;
	if (tp->t_rcvrtt == 0 || (uint32_t)rtt < tp->t_rcvrtt)
		tp->t_rcvrtt = (uint32_t)rtt;
	else
		tp->t_rcvrtt = (7 * tp->t_rcvrtt + (uint32_t)rtt) / 8;
}

/* The round trip to measure over, ms; 0 when there is none yet. */
static uint32_t
tcp_autorcvbuf_period(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint64_t hz = ctx->callouts.cw_hz ? ctx->callouts.cw_hz : 1000;

	if (tp->t_rcvrtt != 0)
		return (tp->t_rcvrtt);
	return (
	    (uint32_t)(((uint64_t)(tp->t_srtt >> TCP_RTT_SHIFT) * 1000) / hz));
}

void
tcp_autorcvbuf(struct tcpcb *tp, const struct tcpopt *to, uint32_t tlen)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);
	uint32_t now = tcp_ts_getticks(ctx) | 1, rtt, hiwat, lim, newsize;

	if (so == NULL || tlen == 0 || !V_tcp(ctx)->recvbuf_auto ||
	    (so->so_rcv.sb_flags & SB_AUTOSIZE) == 0)
		return;
	tcp_autorcvbuf_rtt(tp, to, now);
	if ((rtt = tcp_autorcvbuf_period(tp)) == 0)
		return;
	if (tp->t_rfbuf_ts == 0) {
		tp->t_rfbuf_ts = now;
		tp->t_rfbuf_cnt = 0;
	}
	tp->t_rfbuf_cnt += tlen;
	if (now - tp->t_rfbuf_ts < rtt)
		return;
	hiwat = so->so_rcv.sb_hiwat;
	lim = tcp_autorcvbuf_limit(ctx, so);
	/* A period much longer than a round trip says nothing. */
	if (now - tp->t_rfbuf_ts <= 2 * rtt &&
	    tp->t_rfbuf_cnt > hiwat / 8 * 7 && hiwat < lim) {
		newsize = hiwat + (uint32_t)V_tcp(ctx)->recvbuf_inc;
		if (newsize < 2 * tp->t_rfbuf_cnt)
			newsize = 2 * tp->t_rfbuf_cnt;
		(void)sbreserve(so, &so->so_rcv, newsize < lim ? newsize : lim);
	}
	tp->t_rfbuf_ts = now;
	tp->t_rfbuf_cnt = 0;
}

void
tcp_autosndbuf(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);
	struct sockbuf *sb;
	uint32_t lim, sendwin, newsize, off, unsent;

	if (so == NULL || !V_tcp(ctx)->sendbuf_auto ||
	    (so->so_snd.sb_flags & SB_AUTOSIZE) == 0 ||
	    tp->t_state != TCPS_ESTABLISHED)
		return;
	sb = &so->so_snd;
	lim = tcp_autolimit(ctx, V_tcp(ctx)->sendbuf_max);
	sendwin = tp->snd_wnd < tp->snd_cwnd ? tp->snd_wnd : tp->snd_cwnd;
	off = tp->snd_nxt - tp->snd_una;
	unsent = sb->sb_cc > off ? sb->sb_cc - off : 0;
	if (sb->sb_hiwat >= lim || tp->snd_wnd / 4 * 5 < sb->sb_hiwat ||
	    sb->sb_cc < sb->sb_hiwat / 8 * 7 || sendwin < unsent)
		return;
	newsize = sb->sb_hiwat + (uint32_t)V_tcp(ctx)->sendbuf_inc;
	if (sbreserve(so, sb, newsize < lim ? newsize : lim) != 0)
		sb->sb_flags &= ~SB_AUTOSIZE;
}
