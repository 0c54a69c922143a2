/*
 * tcp_input.c - TCP input (FreeBSD's netinet/tcp_input.c, split by
 * concern): segment validation, connection lookup, the LISTEN and
 * SYN_SENT cases, and for synchronized connections the checks of RFC
 * 9293 3.10.7.4 in their order (PAWS, RST, SYN, acceptability and
 * trimming, ACK, data, FIN).
 *
 * Entry points: tcp_input_consume() (from ip_deliver), tcp_dooptions().
 *
 * RFC 9293 3.10.7 (SEGMENT ARRIVES), 3.5.2 (reset generation), RFC 5961
 * 3 and 4 (challenge ACK for an in-window RST or SYN), RFC 7323 (window
 * scale, timestamps, PAWS), RFC 5681 3.2 and RFC 6582 (fast retransmit,
 * NewReno partial ACKs), RFC 6675 2 and 5 (with SACK: what counts as a
 * duplicate ACK, recovery once IsLost(HighACK + 1)), RFC 6298 5.2-5.3 (timer on new ACKs), RFC 1122
 * 4.2.3.2 (delayed ACK, ACK at least every second full segment).
 *
 * Every segment dropped bumps a named counter: tcpstat's where FreeBSD
 * has one, tcpxstat's otherwise.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/ff_port.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/in_pcb.h"
#include "kern/kern_mbuf.h"
#include "netinet/tcp_var.h"
#include "kern/libkern.h"
#include "kern/mbuf.h"
#include "netinet/in_cksum.h"

/* Verdicts of the synchronized-state steps. */
#define TI_CONTINUE	 0 /* go on with the next step */
#define TI_DROP		 1 /* free the segment, nothing more */
#define TI_DROPACK	 2 /* free it and send an ACK */
#define TI_DROPRST	 3 /* free it and answer with a RST (limited) */
#define TI_DONE		 4 /* segment consumed, tp may be gone */
#define TI_DROPRST_UNLIM 5 /* the same, a RST never rate limited */

#define TCP_DUPTHRESH 3 /* duplicate ACKs to a fast retransmit */

static int tcp_input_fin(struct tcpcb *tp);

static uint32_t
tcp_get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return (ntohl(v));
}

void
tcp_dooptions(struct tcpopt *to, const uint8_t *cp, int cnt, int flags)
{
	int opt, optlen, i;

	memset(to, 0, sizeof(*to));
	for (; cnt > 0; cnt -= optlen, cp += optlen) {
		opt = cp[0];
		if (opt == TCPOPT_EOL)
			break;
		if (opt == TCPOPT_NOP) {
			optlen = 1;
			continue;
		}
		if (cnt < 2 || (optlen = cp[1]) < 2 || optlen > cnt)
			break;
		switch (opt) {
		case TCPOPT_MAXSEG:
			if (optlen != TCPOLEN_MAXSEG || !(flags & TO_SYN))
				continue;
			to->to_flags |= TOF_MSS;
			to->to_mss = (uint16_t)((cp[2] << 8) | cp[3]);
			break;
		case TCPOPT_WINDOW:
			if (optlen != TCPOLEN_WINDOW || !(flags & TO_SYN))
				continue;
			to->to_flags |= TOF_SCALE;
			to->to_wscale =
			    cp[2] > TCP_MAXWINSHIFT ? TCP_MAXWINSHIFT : cp[2];
			break;
		case TCPOPT_SACK_PERMITTED:
			if (optlen != TCPOLEN_SACK_PERMITTED ||
			    !(flags & TO_SYN))
				continue;
			to->to_flags |= TOF_SACKPERM;
			break;
		case TCPOPT_TIMESTAMP:
			if (optlen != TCPOLEN_TIMESTAMP)
				continue;
			to->to_flags |= TOF_TS;
			to->to_tsval = tcp_get32(cp + 2);
			to->to_tsecr = tcp_get32(cp + 6);
			break;
		case TCPOPT_SACK:
			if (optlen <= 2 || (optlen - 2) % TCPOLEN_SACK != 0 ||
			    (flags & TO_SYN))
				continue;
			to->to_flags |= TOF_SACK;
			to->to_nsacks = (uint8_t)((optlen - 2) / TCPOLEN_SACK);
			if (to->to_nsacks > TCP_MAX_SACK)
				to->to_nsacks = TCP_MAX_SACK;
			for (i = 0; i < to->to_nsacks; i++) {
				to->to_sacks[i].start =
				    tcp_get32(cp + 2 + 8 * i);
				to->to_sacks[i].end = tcp_get32(cp + 6 + 8 * i);
			}
			break;
		}
	}
}

/* 1 when the TCP checksum is right (NIC verdict, loopback, or ours). */
static int
tcp_cksum_ok(struct ifnet *ifp, const struct rte_mbuf *m, const ip_hdr_t *ip,
    uint32_t iphlen, int lflags)
{
	uint32_t f = m_pkthdr(m)->csum_flags;
	uint32_t len = m_pktlen(m) - iphlen, s;
	uint16_t raw;

	if (lflags & M_LOOP)
		return (1);
	if ((f & CSUM_L4_CALC) != 0 && (ifp->if_capenable & IFCAP_RXCSUM) != 0)
		return ((f & CSUM_L4_VALID) != 0);
	if (in_cksum_raw_mbuf(m, iphlen, len, &raw) != 0)
		return (0);
	s = (uint32_t)in_pseudo_sum(ip) + raw;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (s == 0xffff);
}

/* Validate the header once; 0 with *seg filled, or -1 (counted). */
static int
tcp_input_validate(struct ff_ctx *ctx, struct ifnet *ifp,
    const struct rte_mbuf *m, uint32_t iphlen, int lflags, struct tcpseg *seg)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	uint32_t len = m_pktlen(m) - iphlen, off;
	const tcp_hdr_t *th;

	if (len < sizeof(*th) || m_len(m) < iphlen + sizeof(*th)) {
		TCPSTAT_INC(ctx, tcps_rcvshort);
		return (-1);
	}
	th = mtodo(m, iphlen);
	off = (uint32_t)TCP_HDRLEN(th);
	if (off < sizeof(*th) || off > len) {
		TCPSTAT_INC(ctx, tcps_rcvbadoff);
		return (-1);
	}
	if (m_len(m) < iphlen + off) {
		TCPSTAT_INC(ctx, tcps_rcvshort); /* options not contiguous */
		return (-1);
	}
	if (!tcp_cksum_ok(ifp, m, ip, iphlen, lflags)) {
		TCPSTAT_INC(ctx, tcps_rcvbadsum);
		return (-1);
	}
	if ((lflags & (M_BCAST | M_MCAST)) ||
	    IN_MULTICAST(ntohl(ip->ip_dst.s_addr)) ||
	    in_broadcast(ip->ip_dst, ifp)) {
		TCPXSTAT_INC(ctx, tcpx_badaddr);
		return (-1);
	}
	memset(seg, 0, sizeof(*seg));
	seg->th = th;
	seg->src = ip->ip_src;
	seg->dst = ip->ip_dst;
	seg->sport = th->th_sport;
	seg->dport = th->th_dport;
	seg->seq = ntohl(th->th_seq);
	seg->ack = ntohl(th->th_ack);
	seg->win = ntohs(th->th_win);
	seg->flags = th->th_flags & TH_FLAGS;
	seg->tlen = len - off;
	seg->doff = iphlen + off;
	seg->lflags = lflags;
	if ((seg->flags & TH_SYN) && (seg->flags & (TH_FIN | TH_RST))) {
		TCPXSTAT_INC(ctx, tcpx_badflags);
		return (-1);
	}
	tcp_dooptions(&seg->to, (const uint8_t *)(th + 1),
	    (int)(off - sizeof(*th)), (seg->flags & TH_SYN) ? TO_SYN : 0);
	return (0);
}

/*
 * RFC 9293 3.10.7.1 and 3.5.2: answer a segment that has no connection
 * (or is unacceptable in a half-open one) with a RST.  Never a RST for a
 * RST.  rstreason is the icmplim limiter the RST goes through
 * (BANDLIM_RST_CLOSEDPORT, BANDLIM_RST_OPENPORT, or BANDLIM_UNLIMITED),
 * so that a flood of segments gets no flood of RSTs back.  Consumes m.
 */
static void
tcp_dropwithreset(struct ff_ctx *ctx, const struct tcpseg *seg,
    struct rte_mbuf *m, enum icmp_bandlim rstreason)
{
	uint32_t len = seg->tlen;

	m_freem(m);
	if ((seg->flags & TH_RST) || !icmp_ratecheck(ctx, rstreason))
		return;
	if (seg->flags & TH_ACK) {
		tcp_respond(ctx, NULL, seg->dst, seg->dport, seg->src,
		    seg->sport, seg->ack, 0, TH_RST);
		return;
	}
	if (seg->flags & TH_SYN)
		len++;
	if (seg->flags & TH_FIN)
		len++;
	tcp_respond(ctx, NULL, seg->dst, seg->dport, seg->src, seg->sport, 0,
	    seg->seq + len, TH_RST | TH_ACK);
}

/*
 * RFC 5961 (3.2, 4.2, 5.2 and 7): answer with an ACK of what we expect,
 * at most net.inet.tcp.ack_war_cnt per ack_war_timewindow ms per
 * connection (FreeBSD's names; 0 for either: no limit).
 */
static void
tcp_challenge_ack(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tcp_state *ts = V_tcp(ctx);
	uint64_t now = tcp_ticks(ctx);

	if (ts->ack_war_timewindow > 0 && ts->ack_war_cnt > 0) {
		if (now >= tp->t_challenge_ack_end) {
			tp->t_challenge_ack_end = now +
			    (uint64_t)tcp_ms_ticks(ctx, ts->ack_war_timewindow);
			tp->t_challenge_ack_cnt = 0;
		}
		if (tp->t_challenge_ack_cnt >= (uint32_t)ts->ack_war_cnt) {
			TCPXSTAT_INC(ctx, tcpx_ackwar_limited);
			return;
		}
		tp->t_challenge_ack_cnt++;
	}
	TCPXSTAT_INC(ctx, tcpx_challenge_ack);
	tp->t_flags |= TF_ACKNOW;
	(void)tcp_output(tp);
}

/* Options of a SYN: window scale, timestamps, MSS (RFC 7323, 9293). */
static void
tcp_syn_options(struct tcpcb *tp, const struct tcpseg *seg)
{
	struct ff_ctx *ctx = tp->t_ctx;
	const struct tcpopt *to = &seg->to;

	if ((to->to_flags & TOF_SCALE) && (tp->t_flags & TF_REQ_SCALE)) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->to_wscale;
		tp->rcv_scale = tp->request_r_scale;
	} else {
		tp->t_flags &= ~TF_REQ_SCALE;
		tp->snd_scale = tp->rcv_scale = 0;
	}
	if ((to->to_flags & TOF_TS) && (tp->t_flags & TF_REQ_TSTMP)) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = to->to_tsval;
		tp->ts_recent_age = tcp_ts_getticks(ctx);
	} else
		tp->t_flags &= ~TF_REQ_TSTMP;
	if ((to->to_flags & TOF_SACKPERM) && V_tcp(ctx)->sack_enable)
		tp->t_flags |= TF_SACK_PERMIT; /* RFC 2018 2 */
	else
		tp->t_flags &= ~TF_SACK_PERMIT;
	tp->t_maxseg = tcp_mss_for(ctx, tp->t_inpcb->inp_faddr,
	    (to->to_flags & TOF_MSS) ? to->to_mss : 0);
}

/* Handshake done: RFC 9293 3.10.7.3 / 3.10.7.4 (SYN-RECEIVED). */
static void
tcp_established(struct tcpcb *tp, int passive)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);

	TCPSTAT_INC(ctx, tcps_connects);
	if (passive)
		TCPSTAT_INC(ctx, tcps_accepts);
	tcp_state_change(tp, TCPS_ESTABLISHED);
	callout_stop(ctx, &tp->t_timers.tt_keep);
	tcp_timer_keepalive(tp);
	cc_conn_init(tp);
	if (so != NULL)
		soisconnected(so);
	if (tp->t_flags & TF_NEEDFIN) {
		tp->t_flags &= ~TF_NEEDFIN;
		tcp_state_change(tp, TCPS_FIN_WAIT_1);
	}
}

/* An RTT sample for an ACK covering the timed segment (Karn-safe). */
static void
tcp_ack_rtt(struct tcpcb *tp, tcp_seq ack)
{
	if (tp->t_rtttime != 0 && SEQ_GT(ack, tp->t_rtseq))
		tcp_xmit_timer(
		    tp, (int)(tcp_ticks(tp->t_ctx) + 1 - tp->t_rtttime));
}

/*
 * LISTEN (RFC 9293 3.10.7.2): a SYN goes to the SYN cache, unless the
 * stack is short of mbufs, sockets or queue room (mbuf_syn_refuse());
 * the final ACK of a handshake comes back from it as a connection in
 * SYN_RECEIVED (*tpp), for the caller to process the segment on.  The
 * RSTs for ACKs nobody expects (an ACK flood) are rate limited as
 * BANDLIM_RST_OPENPORT; the one for a handshake that found no socket
 * (rst_on_sock_fail) answers a peer that did everything right and is
 * not.
 */
static void
tcp_input_listen(struct tcpcb *ltp, struct tcpseg *seg, struct rte_mbuf **mp,
    struct tcpcb **tpp)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	int rst;

	*tpp = NULL;
	if (seg->flags & TH_RST) {
		syncache_chkrst(ltp, seg);
		m_freem(*mp);
		*mp = NULL;
		return;
	}
	if ((seg->flags & (TH_SYN | TH_ACK)) == TH_ACK) {
		if ((*tpp = syncache_expand(ltp, seg, &rst)) != NULL)
			return;
		if (rst != SC_RST_NONE) {
			tcp_dropwithreset(ctx, seg, *mp,
			    rst == SC_RST_SOCKFAIL ? BANDLIM_UNLIMITED
						   : BANDLIM_RST_OPENPORT);
			*mp = NULL;
		}
		return;
	}
	if (seg->flags & TH_ACK) {
		TCPSTAT_INC(ctx, tcps_badsyn);
		tcp_dropwithreset(ctx, seg, *mp, BANDLIM_RST_OPENPORT);
		*mp = NULL;
		return;
	}
	m_freem(*mp);
	*mp = NULL;
	if ((seg->flags & TH_SYN) == 0 || tcp_socket(ltp) == NULL) {
		TCPXSTAT_INC(ctx, tcpx_notsyn);
		return;
	}
	switch (mbuf_syn_refuse(ctx, tcp_socket(ltp),
	    V_tcp(ctx)->tcb_count >= V_tcp(ctx)->maxtcpcb)) {
	case 0:
		syncache_add(ltp, seg);
		return;
	case MBSYN_LISTENQ:
		TCPSTAT_INC(ctx, tcps_listendrop);
		return;
	default:
		return;
	}
}

/*
 * SYN_SENT: RFC 9293 3.10.7.3.  The RST for a bad ACK clears a half-open
 * connection the peer still holds, so our SYN can get through; it takes
 * the full 4-tuple to draw one, so it is never rate limited (as in
 * FreeBSD): a shared limiter would let an ACK flood elsewhere starve it.
 */
static void
tcp_input_synsent(struct tcpcb *tp, struct tcpseg *seg, struct rte_mbuf *m)
{
	struct ff_ctx *ctx = tp->t_ctx;
	int ackok = (seg->flags & TH_ACK) && SEQ_GT(seg->ack, tp->iss) &&
	    SEQ_LEQ(seg->ack, tp->snd_max);

	if ((seg->flags & TH_ACK) && !ackok) {
		TCPXSTAT_INC(ctx, tcpx_synsentbadack);
		tcp_dropwithreset(ctx, seg, m, BANDLIM_UNLIMITED);
		return;
	}
	m_freem(m);
	if (seg->flags & TH_RST) {
		if (ackok)
			(void)tcp_drop(tp, ECONNREFUSED);
		else
			TCPSTAT_INC(ctx, tcps_badrst);
		return;
	}
	if ((seg->flags & TH_SYN) == 0) {
		TCPXSTAT_INC(ctx, tcpx_notsyn);
		return;
	}
	tp->irs = seg->seq;
	tcp_rcvseqinit(tp);
	tcp_syn_options(tp, seg);
	tp->snd_wnd = tp->snd_max_wnd = seg->win;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->t_flags |= TF_ACKNOW;
	if (ackok) {
		/*
		 * Established first, as in FreeBSD: cc_conn_init() takes the
		 * host cache's RTT only while there is no sample, and the
		 * SYN's then refines it instead of replacing it.
		 */
		tcp_established(tp, 0);
		tcp_ack_rtt(tp, seg->ack);
		tp->snd_una = seg->ack;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		tcp_timer_stop_rexmt(tp);
	} else {
		/* Simultaneous open: our SYN again, now with an ACK. */
		tcp_state_change(tp, TCPS_SYN_RECEIVED);
		tcp_timer_stop_rexmt(tp);
		tp->snd_nxt = tp->snd_una;
	}
	(void)tcp_output(tp);
}

/* The window we offer now, for the acceptability test. */
static uint32_t
tcp_rcv_wnd(struct tcpcb *tp)
{
	uint32_t w = tcp_rcv_space(tp), adv = tp->rcv_adv - tp->rcv_nxt;

	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt) && w < adv)
		w = adv;
	return (w);
}

/* RFC 7323 5.3: PAWS. */
static int
tcp_paws(struct tcpcb *tp, struct tcpseg *seg)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint32_t now = tcp_ts_getticks(ctx);

	if ((seg->to.to_flags & TOF_TS) == 0 ||
	    (tp->t_flags & TF_RCVD_TSTMP) == 0 || (seg->flags & TH_RST) ||
	    tp->ts_recent == 0 || !TSTMP_LT(seg->to.to_tsval, tp->ts_recent))
		return (TI_CONTINUE);
	if (now - tp->ts_recent_age > 24U * 24 * 60 * 60 * 1000) {
		tp->ts_recent = 0; /* idle for 24 days: invalid */
		return (TI_CONTINUE);
	}
	TCPSTAT_INC(ctx, tcps_rcvduppack);
	TCPSTAT_ADD(ctx, tcps_rcvdupbyte, seg->tlen);
	TCPSTAT_INC(ctx, tcps_pawsdrop);
	return (TI_DROPACK);
}

/* RST in a synchronized state (RFC 9293 3.10.7.4 second, RFC 5961 3). */
static int
tcp_input_rst(struct tcpcb *tp, struct tcpseg *seg)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint32_t wnd = tcp_rcv_wnd(tp);

	if ((seg->flags & TH_RST) == 0)
		return (TI_CONTINUE);
	if (tp->t_state == TCPS_TIME_WAIT) {
		/* RFC 1337: a RST must not cut TIME_WAIT short. */
		TCPXSTAT_INC(ctx, tcpx_tw_rstignored);
		return (TI_DROP);
	}
	if (seg->seq != tp->rcv_nxt) {
		TCPSTAT_INC(ctx, tcps_badrst);
		if (SEQ_GT(seg->seq, tp->rcv_nxt) &&
		    SEQ_LT(seg->seq, tp->rcv_nxt + wnd))
			tcp_challenge_ack(tp);
		return (TI_DROP);
	}
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
		(void)tcp_drop(tp, ECONNREFUSED);
		break;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
		TCPSTAT_INC(ctx, tcps_drops);
		if (tcp_socket(tp) != NULL)
			tcp_socket(tp)->so_error = ECONNRESET;
		(void)tcp_close(tp);
		break;
	default:
		(void)tcp_close(tp);
	}
	return (TI_DONE);
}

/*
 * Acceptability test and trimming to the window (RFC 9293 3.10.7.4
 * first check).  Adjusts seg (seq, tlen, doff, flags).
 */
static int
tcp_input_trim(struct tcpcb *tp, struct tcpseg *seg)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint32_t wnd = tcp_rcv_wnd(tp);
	int32_t todrop = (int32_t)(tp->rcv_nxt - seg->seq);

	if (todrop > 0) {
		if (seg->flags & TH_SYN) {
			seg->flags &= ~TH_SYN;
			seg->seq++;
			todrop--;
		}
		/* The data below rcv_nxt came twice (RFC 2883). */
		tcp_update_dsack_list(tp, seg->seq,
		    seg->seq +
			(uint32_t)(todrop < (int32_t)seg->tlen
				? todrop
				: (int32_t)seg->tlen));
		if (todrop > (int32_t)seg->tlen ||
		    (todrop == (int32_t)seg->tlen &&
			(seg->flags & TH_FIN) == 0)) {
			/* Duplicate: keep the ACK, answer with ours. */
			tp->t_flags |= TF_ACKNOW;
			TCPSTAT_INC(ctx, tcps_rcvduppack);
			TCPSTAT_ADD(ctx, tcps_rcvdupbyte, seg->tlen);
			seg->flags &= ~TH_FIN;
			todrop = (int32_t)seg->tlen;
		} else {
			TCPSTAT_INC(ctx, tcps_rcvpartduppack);
			TCPSTAT_ADD(ctx, tcps_rcvpartdupbyte, todrop);
		}
		seg->seq += (uint32_t)todrop;
		seg->tlen -= (uint32_t)todrop;
		seg->doff += (uint32_t)todrop;
	}
	todrop = (int32_t)(seg->seq + seg->tlen - (tp->rcv_nxt + wnd));
	if (todrop > 0) {
		TCPSTAT_INC(ctx, tcps_rcvpackafterwin);
		if (todrop >= (int32_t)seg->tlen) {
			TCPSTAT_ADD(ctx, tcps_rcvbyteafterwin, seg->tlen);
			if (wnd == 0 && seg->seq == tp->rcv_nxt) {
				TCPSTAT_INC(ctx, tcps_rcvwinprobe);
				tp->t_flags |= TF_ACKNOW;
			} else if (seg->tlen > 0 || (seg->flags & TH_FIN)) {
				TCPXSTAT_INC(ctx, tcpx_outofwin);
				return (TI_DROPACK);
			}
		} else
			TCPSTAT_ADD(ctx, tcps_rcvbyteafterwin, todrop);
		seg->tlen -=
		    (uint32_t)(todrop > (int32_t)seg->tlen ? (int32_t)seg->tlen
							   : todrop);
		seg->flags &= ~(TH_PUSH | TH_FIN);
	}
	return (TI_CONTINUE);
}

/* Window update (RFC 9293 3.10.7.4, SND.WL1/SND.WL2 rule). */
static void
tcp_input_window(struct tcpcb *tp, struct tcpseg *seg)
{
	uint32_t wnd = seg->win << tp->snd_scale;

	if ((seg->flags & TH_ACK) &&
	    (SEQ_LT(tp->snd_wl1, seg->seq) ||
		(tp->snd_wl1 == seg->seq &&
		    (SEQ_LT(tp->snd_wl2, seg->ack) ||
			(tp->snd_wl2 == seg->ack && wnd > tp->snd_wnd))))) {
		if (seg->tlen == 0 && tp->snd_wl2 == seg->ack &&
		    wnd > tp->snd_wnd)
			TCPSTAT_INC(tp->t_ctx, tcps_rcvwinupd);
		tp->snd_wnd = wnd;
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = seg->ack;
		if (wnd > tp->snd_max_wnd)
			tp->snd_max_wnd = wnd;
		if (wnd > 0) {
			callout_stop(tp->t_ctx, &tp->t_timers.tt_persist);
			tp->t_persistshift = 0;
		}
	}
}

/*
 * Enter fast recovery (RFC 5681 3.2, RFC 6582; with SACK, RFC 6675 5
 * step 4), unless the ACK is still inside the last recovery.
 */
static void
tcp_enter_recovery(struct tcpcb *tp)
{
	tcp_seq onxt;

	tp->t_dupacks = TCP_DUPTHRESH;
	/*
	 * No new recovery inside the last one.  RFC 6582 3.2 step 2: the
	 * ACK must cover more than recover.  With SACK, RFC 6675 5.1: not
	 * until HighACK reaches RecoveryPoint, i.e. snd_una at snd_recover
	 * is enough (the first segment sent after a recovery may be lost).
	 */
	if (SEQ_LT(tp->snd_una, tp->snd_recover) ||
	    (tp->snd_una == tp->snd_recover &&
		(tp->t_flags & TF_SACK_PERMIT) == 0)) {
		tp->t_dupacks = 0;
		return;
	}
	cc_cong_signal(tp, CC_NDUPACK);
	tp->snd_recover = tp->snd_max;
	tcp_timer_stop_rexmt(tp);
	tp->t_rtttime = 0;
	if (tp->t_flags & TF_SACK_PERMIT) {
		tcp_sack_recovery_start(tp);
		(void)tcp_output(tp);
		return;
	}
	onxt = tp->snd_nxt;
	tp->snd_nxt = tp->snd_una;
	tp->snd_cwnd = tp->t_maxseg;
	(void)tcp_output(tp);
	tp->snd_cwnd = tp->snd_ssthresh + 3 * tp->t_maxseg;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/*
 * A duplicate ACK: fast retransmit on the third (RFC 5681 3.2, 6582);
 * with SACK, RFC 6675 5: no inflation, pipe decides what goes out, and
 * recovery starts early when IsLost(HighACK + 1) already holds (C).
 */
static void
tcp_dupack(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;

	TCPSTAT_INC(ctx, tcps_rcvdupack);
	cc_ack_received(tp, 0, CC_DUPACK);
	if (IN_FASTRECOVERY(tp->t_flags)) {
		if ((tp->t_flags & TF_SACK_PERMIT) == 0)
			tp->snd_cwnd += tp->t_maxseg; /* inflate */
		(void)tcp_output(tp);
		return;
	}
	if (++tp->t_dupacks < TCP_DUPTHRESH && !tcp_sack_lost_una(tp))
		return;
	tcp_enter_recovery(tp);
}

/* RFC 6582 3.2 step 5: a partial ACK retransmits the next hole. */
static void
tcp_newreno_partial_ack(struct tcpcb *tp, tcp_seq ack, uint32_t acked)
{
	tcp_seq onxt = tp->snd_nxt;
	uint32_t ocwnd = tp->snd_cwnd;

	tcp_timer_stop_rexmt(tp);
	tp->t_rtttime = 0;
	tp->snd_nxt = ack;
	tp->snd_cwnd = tp->t_maxseg + acked;
	(void)tcp_output(tp);
	tp->snd_cwnd = ocwnd;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
	/* Deflate by the amount acked, add back one segment. */
	tp->snd_cwnd = tp->snd_cwnd > acked ? tp->snd_cwnd - acked : 0;
	tp->snd_cwnd += tp->t_maxseg;
}

/* Our FIN was acked: the state moves on.  TI_DONE when tp is gone. */
static int
tcp_finacked(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);

	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		tcp_state_change(tp, TCPS_FIN_WAIT_2);
		if (so == NULL || (so->so_state & SS_NOFDREF)) {
			if (so != NULL)
				soisdisconnected(so);
			tcp_timer_2msl(tp, TCP_FINWAIT2_MS);
		}
		break;
	case TCPS_CLOSING:
		tcp_twstart(tp);
		return (TI_DROP);
	case TCPS_LAST_ACK:
		(void)tcp_close(tp);
		return (TI_DONE);
	}
	return (TI_CONTINUE);
}

/* A new ACK: recovery, RTT, timers, send buffer (RFC 9293 3.10.7.4). */
static int
tcp_newack(struct tcpcb *tp, struct tcpseg *seg)
{
	struct socket *so = tcp_socket(tp);
	uint32_t acked = seg->ack - tp->snd_una, sbcc;
	int finacked = 0;

	TCPSTAT_INC(tp->t_ctx, tcps_rcvackpack);
	TCPSTAT_ADD(tp->t_ctx, tcps_rcvackbyte, acked);
	if (IN_FASTRECOVERY(tp->t_flags)) {
		if (SEQ_LT(seg->ack, tp->snd_recover)) {
			/* With SACK, the scoreboard says what is next. */
			if ((tp->t_flags & TF_SACK_PERMIT) == 0)
				tcp_newreno_partial_ack(tp, seg->ack, acked);
		} else {
			cc_post_recovery(tp);
			EXIT_RECOVERY(tp->t_flags);
		}
	} else
		cc_ack_received(tp, acked, CC_ACK);
	tp->t_dupacks = 0;
	tcp_ack_rtt(tp, seg->ack);
	if (seg->ack == tp->snd_max)
		tcp_timer_stop_rexmt(tp);
	else if (!IN_FASTRECOVERY(tp->t_flags) ||
	    !callout_pending(&tp->t_timers.tt_rexmt))
		tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
	sbcc = so != NULL ? so->so_snd.sb_cc : 0;
	if ((tp->t_flags & TF_SENTFIN) && seg->ack == tp->snd_max &&
	    acked > sbcc)
		finacked = 1;
	if (so != NULL) {
		sbdrop(&so->so_snd, acked > sbcc ? sbcc : acked);
		sowwakeup(so);
	}
	tp->snd_una = seg->ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	/* Keep "recover" just behind the ACKs once past it (no wrap). */
	if (!IN_FASTRECOVERY(tp->t_flags) &&
	    SEQ_GT(tp->snd_una, tp->snd_recover))
		tp->snd_recover = tp->snd_una - 1;
	return (finacked ? tcp_finacked(tp) : TI_CONTINUE);
}

/*
 * SACK in use for this segment (FreeBSD's tcp_is_sack_recovery()): it
 * carries blocks, or the scoreboard has holes to keep up to date.
 */
static int
tcp_sack_inuse(const struct tcpcb *tp, const struct tcpseg *seg)
{
	return ((tp->t_flags & TF_SACK_PERMIT) != 0 &&
	    ((seg->to.to_flags & TOF_SACK) != 0 ||
		!TAILQ_EMPTY(&tp->snd_holes)));
}

/*
 * Is an ACK of exactly snd_una, with data outstanding, a duplicate?
 * With SACK in use, RFC 6675 2: when it SACKs octets not SACKed before,
 * whatever else it carries (data of its own in two-way traffic, another
 * window); one that SACKs nothing new is none (a copy, or forged).
 * Without, RFC 5681 2: no data, no SYN or FIN, the same window.
 */
static int
tcp_is_dupack(
    const struct tcpcb *tp, const struct tcpseg *seg, int sackinuse, int sacked)
{
	if (seg->ack != tp->snd_una)
		return (0);
	if (sackinuse)
		return (sacked);
	return (seg->tlen == 0 && (seg->flags & (TH_SYN | TH_FIN)) == 0 &&
	    (seg->win << tp->snd_scale) == tp->snd_wnd);
}

/* The ACK field (RFC 9293 3.10.7.4 fifth check). */
static int
tcp_input_ack(struct tcpcb *tp, struct tcpseg *seg)
{
	struct ff_ctx *ctx = tp->t_ctx;
	int sackinuse, sacked = 0, r;

	if ((seg->flags & TH_ACK) == 0) {
		TCPXSTAT_INC(ctx, tcpx_noack);
		/* A duplicate still gets our ACK (FreeBSD's dropafterack). */
		return ((tp->t_flags & TF_ACKNOW) ? TI_DROPACK : TI_DROP);
	}
	if (tp->t_state == TCPS_SYN_RECEIVED) {
		if (SEQ_LEQ(seg->ack, tp->snd_una) ||
		    SEQ_GT(seg->ack, tp->snd_max)) {
			TCPSTAT_INC(ctx, tcps_badsyn);
			return (TI_DROPRST);
		}
		tcp_established(tp, 1);
		tp->snd_wl1 = seg->seq - 1; /* take the window below */
	}
	if (SEQ_GT(seg->ack, tp->snd_max)) {
		TCPSTAT_INC(ctx, tcps_rcvacktoomuch);
		return (TI_DROPACK);
	}
	/*
	 * RFC 5961 5.2: an ACK below SND.UNA - MAX.SND.WND acknowledges
	 * nothing we could have sent in this window's life (a blind
	 * injection, or a segment from long ago): drop it, data included,
	 * and answer with a rate-limited challenge ACK.
	 */
	if (SEQ_LT(seg->ack, tp->snd_una - tp->snd_max_wnd)) {
		TCPXSTAT_INC(ctx, tcpx_ghostack);
		tcp_challenge_ack(tp);
		return (TI_DROP);
	}
	sackinuse = tcp_sack_inuse(tp, seg);
	if (sackinuse && SEQ_GEQ(seg->ack, tp->snd_una))
		sacked = tcp_sack_doack(tp, &seg->to, seg->ack);
	if (SEQ_LEQ(seg->ack, tp->snd_una)) {
		if (tp->snd_max == tp->snd_una)
			tp->t_dupacks = 0; /* nothing outstanding */
		else if (tcp_is_dupack(tp, seg, sackinuse, sacked))
			tcp_dupack(tp);
		return (TI_CONTINUE);
	}
	if ((r = tcp_newack(tp, seg)) != TI_CONTINUE)
		return (r);
	/*
	 * RFC 6675 2: an ACK that moves snd_una and SACKs new octets is a
	 * duplicate too, the first after the reset (FreeBSD counts it so);
	 * it may show the next segment lost already.
	 */
	if (sacked && !IN_FASTRECOVERY(tp->t_flags)) {
		tp->t_dupacks = 1;
		if (tcp_sack_lost_una(tp))
			tcp_enter_recovery(tp);
	}
	return (TI_CONTINUE);
}

/* Timestamp to echo (RFC 7323 4.3): the segment covering rcv_nxt. */
static void
tcp_input_tsrecent(struct tcpcb *tp, struct tcpseg *seg)
{
	if ((seg->to.to_flags & TOF_TS) && (tp->t_flags & TF_RCVD_TSTMP) &&
	    SEQ_LEQ(seg->seq, tp->rcv_nxt) &&
	    SEQ_GEQ(seg->seq + seg->tlen +
		    ((seg->flags & (TH_SYN | TH_FIN)) ? 1 : 0),
		tp->rcv_nxt) &&
	    TSTMP_GEQ(seg->to.to_tsval, tp->ts_recent)) {
		tp->ts_recent = seg->to.to_tsval;
		tp->ts_recent_age = tcp_ts_getticks(tp->t_ctx);
	}
}

/* Delayed ACK (RFC 1122 4.2.3.2): every second segment, or the timer. */
static void
tcp_delack(struct tcpcb *tp)
{
	if (!V_tcp(tp->t_ctx)->delayed_ack || (tp->t_flags & TF_DELACK))
		tp->t_flags |= TF_ACKNOW;
	else {
		tp->t_flags |= TF_DELACK;
		tcp_timer_delack(tp);
	}
}

/* Data and FIN (RFC 9293 3.10.7.4 seventh and eighth checks). */
static int
tcp_input_data(struct tcpcb *tp, struct tcpseg *seg, struct rte_mbuf **mp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);
	struct rte_mbuf *m = *mp;
	int fin = seg->flags & TH_FIN, held;

	if ((seg->tlen == 0 && !fin) || TCPS_HAVERCVDFIN(tp->t_state))
		return (TI_CONTINUE);
	/*
	 * Keep just the bytes taken: past the headers and any duplicate
	 * prefix, short of what lies beyond the window.  Either cut may
	 * cross segments (a jumbo frame in 2 KB mbufs).
	 */
	if ((m = m_cutfront(*mp, seg->doff, NULL)) == NULL) {
		/* ip_input cut the chain to ip_len: never shorter. */
		TCPSTAT_INC(ctx, tcps_rcvshort);
		m_freem(*mp);
		*mp = NULL;
		return (TI_CONTINUE);
	}
	*mp = NULL;
	m_cutback(m, seg->tlen);
	if (seg->seq == tp->rcv_nxt && TAILQ_EMPTY(&tp->t_segq)) {
		tp->rcv_nxt += seg->tlen;
		TCPSTAT_INC(ctx, tcps_rcvpack);
		TCPSTAT_ADD(ctx, tcps_rcvbyte, seg->tlen);
		tcp_autorcvbuf(tp, &seg->to, seg->tlen);
		if (so != NULL && seg->tlen > 0)
			sbappendstream_consume(&so->so_rcv, m);
		else
			m_freem(m);
		if (seg->tlen > 0)
			tcp_delack(tp);
	} else {
		held = tcp_reass_consume(
			   tp, seg->seq, (int)seg->tlen, fin, m) == 0;
		/* As FreeBSD: one refused for room is rcvreassfull only. */
		if (held && seg->seq != tp->rcv_nxt) {
			TCPSTAT_INC(ctx, tcps_rcvoopack);
			TCPSTAT_ADD(ctx, tcps_rcvoobyte, seg->tlen);
			tp->t_rcvoopack++;
		}
		if (tp->t_flags & TF_SACK_PERMIT)
			tcp_update_sack_list(
			    tp, seg->seq, seg->seq + seg->tlen, held);
		fin = tcp_reass_deliver(tp);
		tp->t_flags |= TF_ACKNOW; /* dup ACK or fill: at once */
	}
	if (tp->rcv_numsacks > 0)
		tcp_clean_sackreport(tp);
	if (so != NULL && so->so_rcv.sb_cc > 0)
		sorwakeup(so);
	return (fin ? tcp_input_fin(tp) : TI_CONTINUE);
}

/* The peer's FIN is in order (RFC 9293 3.10.7.4 eighth check). */
static int
tcp_input_fin(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);

	tp->rcv_nxt++;
	tp->t_flags |= TF_ACKNOW;
	if (so != NULL)
		socantrcvmore(so);
	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_state_change(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		tcp_state_change(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_twstart(tp);
		break;
	}
	return (TI_CONTINUE);
}

/*
 * Data for a connection the user closed: RFC 9293 3.10.7.4 (RST).  The
 * connection goes with it, so at most one such RST per connection: not
 * rate limited (FreeBSD's BANDLIM_UNLIMITED), the peer must learn its
 * data went nowhere.
 */
static int
tcp_input_afterclose(struct tcpcb *tp, struct tcpseg *seg)
{
	struct socket *so = tcp_socket(tp);

	if (seg->tlen == 0 || tp->t_state <= TCPS_CLOSE_WAIT ||
	    (so != NULL && (so->so_state & SS_NOFDREF) == 0))
		return (TI_CONTINUE);
	TCPSTAT_INC(tp->t_ctx, tcps_rcvafterclose);
	(void)tcp_close(tp);
	return (TI_DROPRST_UNLIM);
}

/* SYN_RECEIVED and the peer's SYN again: our SYN-ACK was lost. */
static int
tcp_input_synagain(struct tcpcb *tp, struct tcpseg *seg)
{
	if (tp->t_state != TCPS_SYN_RECEIVED ||
	    (seg->flags & (TH_SYN | TH_ACK)) != TH_SYN || seg->seq != tp->irs)
		return (TI_CONTINUE);
	tp->snd_nxt = tp->snd_una;
	(void)tcp_output(tp);
	return (TI_DROP);
}

/* A SYN left after trimming: in the window (RFC 5961 4). */
static int
tcp_input_syn(struct tcpcb *tp, struct tcpseg *seg)
{
	if ((seg->flags & TH_SYN) == 0)
		return (TI_CONTINUE);
	TCPSTAT_INC(tp->t_ctx, tcps_badsyn);
	tcp_challenge_ack(tp);
	return (TI_DROP);
}

/* The checks of RFC 9293 3.10.7.4 for a synchronized connection. */
static int
tcp_input_sync(struct tcpcb *tp, struct tcpseg *seg, struct rte_mbuf **mp)
{
	int r, origfin = seg->flags & TH_FIN;

	if ((r = tcp_paws(tp, seg)) != TI_CONTINUE ||
	    (r = tcp_input_rst(tp, seg)) != TI_CONTINUE ||
	    (r = tcp_input_synagain(tp, seg)) != TI_CONTINUE ||
	    (r = tcp_input_trim(tp, seg)) != TI_CONTINUE ||
	    (r = tcp_input_syn(tp, seg)) != TI_CONTINUE ||
	    (r = tcp_input_afterclose(tp, seg)) != TI_CONTINUE)
		return (r);
	tcp_input_tsrecent(tp, seg);
	if ((r = tcp_input_ack(tp, seg)) != TI_CONTINUE)
		return (r);
	tcp_input_window(tp, seg);
	if (tp->t_state == TCPS_TIME_WAIT) {
		if (origfin) /* FIN again: our ACK was lost */
			tcp_timer_2msl(tp, 2 * (uint64_t)V_tcp(tp->t_ctx)->msl);
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
		return (TI_DROP);
	}
	if ((r = tcp_input_data(tp, seg, mp)) != TI_CONTINUE)
		return (r);
	(void)tcp_output(tp);
	return (TI_DROP);
}

/*
 * net.inet.tcp.blackhole: no RST from a closed port, for SYNs (1) or
 * for anything (2); loopback traffic still gets one unless
 * net.inet.tcp.blackhole_local.  1 when the segment is to be dropped.
 */
static int
tcp_blackhole(struct ff_ctx *ctx, const struct tcpseg *seg)
{
	struct tcp_state *ts = V_tcp(ctx);

	if (ts->blackhole == 0 || (seg->flags & TH_RST) ||
	    ((seg->lflags & M_LOOP) && !ts->blackhole_local))
		return (0);
	if (ts->blackhole == 1 && (seg->flags & TH_SYN) == 0)
		return (0);
	TCPXSTAT_INC(ctx, tcpx_blackholed);
	return (1);
}

/*
 * A new SYN for a 4-tuple in TIME_WAIT may end it early when it cannot
 * be confused with the old connection (RFC 1122 4.2.2.13, RFC 6191 2):
 * its timestamp is beyond the old one's, or equal to it (the same clock
 * tick: a port used again at once) with its sequence number beyond the
 * old one's; without timestamps, its sequence number beyond.
 */
static int
tcp_tw_recycle(struct tcpcb *tp, const struct tcpseg *seg)
{
	if (tp->t_state != TCPS_TIME_WAIT ||
	    (seg->flags & (TH_SYN | TH_ACK | TH_RST | TH_FIN)) != TH_SYN)
		return (0);
	if ((tp->t_flags & TF_RCVD_TSTMP) && (seg->to.to_flags & TOF_TS)) {
		if (TSTMP_GT(seg->to.to_tsval, tp->ts_recent))
			return (1);
		if (seg->to.to_tsval != tp->ts_recent)
			return (0);
	}
	return (SEQ_GT(seg->seq, tp->rcv_nxt));
}

void
tcp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    int hlen, int lflags)
{
	struct tcpseg seg;
	struct inpcb *inp;
	struct tcpcb *tp;
	int r;

	TCPSTAT_INC(ctx, tcps_rcvtotal);
	/*
	 * A reassembled segment may hold its header across fragments (a
	 * first fragment of 8 bytes is legal): make the header contiguous.
	 */
	(void)m_pullup(m, min(m_pktlen(m), (unsigned int)hlen + TCP_MAXHLEN));
	if (tcp_input_validate(ctx, ifp, m, (uint32_t)hlen, lflags, &seg) !=
	    0) {
		m_freem(m);
		return;
	}
	inp = in_pcblookup(V_tcbinfo(ctx), seg.src, seg.sport, seg.dst,
	    seg.dport, INPLOOKUP_WILDCARD);
	tp = inp != NULL ? inp->inp_ppcb : NULL;
	if (tp != NULL && tcp_tw_recycle(tp, &seg)) {
		TCPSTAT_INC(ctx, tcps_tw_recycles);
		(void)tcp_close(tp);
		inp = in_pcblookup(V_tcbinfo(ctx), seg.src, seg.sport, seg.dst,
		    seg.dport, INPLOOKUP_WILDCARD);
		tp = inp != NULL ? inp->inp_ppcb : NULL;
	}
	if (tp == NULL || tp->t_state == TCPS_CLOSED) {
		TCPXSTAT_INC(ctx, tcpx_noport);
		if (tcp_blackhole(ctx, &seg)) {
			m_freem(m);
			return;
		}
		/* A scan or SYN flood gets at most icmplim RSTs a second. */
		tcp_dropwithreset(ctx, &seg, m, BANDLIM_RST_CLOSEDPORT);
		return;
	}
	if (tp->t_state == TCPS_LISTEN) {
		tcp_input_listen(tp, &seg, &m, &tp);
		if (tp == NULL)
			return;
	}
	tp->t_rcvtime = tcp_ticks(ctx); /* keepalive, persist */
	if (tp->t_state == TCPS_SYN_SENT) {
		tcp_input_synsent(tp, &seg, m);
		return;
	}
	r = tcp_input_sync(tp, &seg, &m);
	if (r == TI_DROPRST || r == TI_DROPRST_UNLIM) {
		/* A bad ACK in SYN_RECEIVED: an ACK flood's, perhaps. */
		tcp_dropwithreset(ctx, &seg, m,
		    r == TI_DROPRST ? BANDLIM_RST_OPENPORT : BANDLIM_UNLIMITED);
		return;
	}
	if (r == TI_DROPACK && (seg.flags & TH_RST) == 0) {
		tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
	}
	if (m != NULL)
		m_freem(m);
}
