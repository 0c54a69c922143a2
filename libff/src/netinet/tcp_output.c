/*
 * tcp_output.c - TCP output (FreeBSD's netinet/tcp_output.c): decide
 * whether a segment is due, build it (headers, options, data copied out
 * of so_snd, or so_snd's own mbufs by reference for a zero-copy socket)
 * and hand it to ip_output; keep the send sequence space, the retransmit
 * timer and RTT timing up to date.
 *
 * Entry points: tcp_output(), tcp_sndfull_kick(), tcp_sndfull_cancel(),
 * tcp_addoptions(), tcp_rcv_space().
 *
 * RFC 9293 3.8.6 (receive window management, SWS avoidance), RFC 1122
 * 4.2.3.4 and RFC 896 (Nagle; TCP_NODELAY), RFC 7323 (window scale and
 * timestamps), RFC 9293 3.7.1 and RFC 6691 (MSS option), RFC 6298 5.1
 * (arm the retransmit timer), RFC 5681 (cwnd bounds the send window),
 * RFC 9293 3.8.6.1 (zero-window probes: one byte, sent again in place;
 * the persist timer is in tcp_timer.c), RFC 1191 (DF on every segment
 * with net.inet.tcp.path_mtu_discovery).
 *
 * TSO, as FreeBSD does it: when the route's interface has IFCAP_TSO4 on
 * (a port that offers TCP segmentation, with [dpdk] tso=1), new data and
 * retransmissions at snd_nxt go down as one super-segment of up to
 * TCP_TSO_MAX bytes of IP datagram, whole MSS-sized payloads unless it
 * empties the send buffer, flagged CSUM_IP_TSO with tso_segsz = the MSS
 * less options; the port cuts it.  Its data is an mbuf chain.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "netinet/in_pcb.h"
#include "kern/kern_mbuf.h"
#include "kern/uipc_var.h"
#include "netinet/tcp_var.h"
#include "kern/mbuf.h"
#include "netinet/in_cksum.h"

/* Flags each state sends (FreeBSD's tcp_outflags[]). */
static const uint8_t tcp_outflags[TCP_NSTATES] = {
	TH_RST | TH_ACK, /* CLOSED */
	0,		 /* LISTEN */
	TH_SYN,		 /* SYN_SENT */
	TH_SYN | TH_ACK, /* SYN_RECEIVED */
	TH_ACK,		 /* ESTABLISHED */
	TH_ACK,		 /* CLOSE_WAIT */
	TH_FIN | TH_ACK, /* FIN_WAIT_1 */
	TH_FIN | TH_ACK, /* CLOSING */
	TH_FIN | TH_ACK, /* LAST_ACK */
	TH_ACK,		 /* FIN_WAIT_2 */
	TH_ACK,		 /* TIME_WAIT */
};

/* Pad with NOPs until off % mod == rem. */
static int
tcp_opt_align(uint8_t *optp, int off, int mod, int rem)
{
	while (off % mod != rem)
		optp[off++] = TCPOPT_NOP;
	return (off);
}

static void
tcp_put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

int
tcp_addoptions(const struct tcpopt *to, uint8_t *optp)
{
	int off = 0, i, n;

	if (to->to_flags & TOF_MSS) {
		optp[off++] = TCPOPT_MAXSEG;
		optp[off++] = TCPOLEN_MAXSEG;
		optp[off++] = (uint8_t)(to->to_mss >> 8);
		optp[off++] = (uint8_t)to->to_mss;
	}
	if (to->to_flags & TOF_SCALE) {
		off = tcp_opt_align(optp, off, 4, 1);
		optp[off++] = TCPOPT_WINDOW;
		optp[off++] = TCPOLEN_WINDOW;
		optp[off++] = to->to_wscale;
	}
	if (to->to_flags & TOF_SACKPERM) {
		off = tcp_opt_align(optp, off, 4, 2);
		optp[off++] = TCPOPT_SACK_PERMITTED;
		optp[off++] = TCPOLEN_SACK_PERMITTED;
	}
	if (to->to_flags & TOF_TS) {
		off = tcp_opt_align(optp, off, 4, 2);
		optp[off++] = TCPOPT_TIMESTAMP;
		optp[off++] = TCPOLEN_TIMESTAMP;
		tcp_put32(optp + off, to->to_tsval);
		tcp_put32(optp + off + 4, to->to_tsecr);
		off += 8;
	}
	if ((to->to_flags & TOF_SACK) && to->to_nsacks > 0) {
		off = tcp_opt_align(optp, off, 4, 2);
		n = (TCP_MAXOLEN - off - TCPOLEN_SACKHDR) / TCPOLEN_SACK;
		if (n > to->to_nsacks)
			n = to->to_nsacks;
		if (n > 0) {
			optp[off++] = TCPOPT_SACK;
			optp[off++] =
			    (uint8_t)(TCPOLEN_SACKHDR + n * TCPOLEN_SACK);
			for (i = 0; i < n; i++, off += 8) {
				tcp_put32(optp + off, to->to_sacks[i].start);
				tcp_put32(optp + off + 4, to->to_sacks[i].end);
			}
		}
	}
	while (off % 4 != 0)
		optp[off++] = TCPOPT_EOL;
	return (off);
}

/* Room in the receive buffer, in bytes, within what the scale allows. */
uint32_t
tcp_rcv_space(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);
	uint32_t max = (uint32_t)TCP_MAXWIN << tp->rcv_scale;
	long space;

	if (so == NULL)
		return (0);
	space = sbspace(&so->so_rcv);
	if (space < 0)
		space = 0;
	if ((uint32_t)space > max)
		space = max;
	/* A short packet pool offers less (kern_mbuf.c). */
	return (mbuf_rcv_clamp(tp->t_ctx, (uint32_t)space, tp->t_maxseg));
}

/* The window to advertise now: SWS avoidance, never shrinking. */
static uint32_t
tcp_output_recwin(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);
	uint32_t recwin = tcp_rcv_space(tp), adv = tp->rcv_adv - tp->rcv_nxt;

	if (so != NULL && recwin < so->so_rcv.sb_hiwat / 4 &&
	    recwin < tp->t_maxseg)
		recwin = 0;
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt) && recwin < adv)
		recwin = adv;
	return (recwin);
}

/* Options for this segment; returns their length. */
static int
tcp_output_options(struct tcpcb *tp, int flags, uint8_t *opt)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tcpopt to;

	if (tp->t_flags & TF_NOOPT)
		return (0);
	memset(&to, 0, sizeof(to));
	if (flags & TH_SYN) {
		to.to_flags |= TOF_MSS;
		to.to_mss = (uint16_t)tcp_mss_for(
		    ctx, tp->t_inpcb->inp_faddr, TCP_MAXMSS);
		if ((tp->t_flags & TF_REQ_SCALE) &&
		    ((flags & TH_ACK) == 0 || (tp->t_flags & TF_RCVD_SCALE))) {
			to.to_flags |= TOF_SCALE;
			to.to_wscale = tp->request_r_scale;
		}
	}
	if ((tp->t_flags & TF_REQ_TSTMP) &&
	    ((flags & TH_SYN) && (flags & TH_ACK) == 0
		    ? 1
		    : (tp->t_flags & TF_RCVD_TSTMP) != 0) &&
	    (flags & TH_RST) == 0) {
		to.to_flags |= TOF_TS;
		to.to_tsval = tcp_ts_getticks(ctx) + tp->ts_offset;
		to.to_tsecr = tp->ts_recent;
	}
	if (flags & TH_SYN) {
		/* RFC 2018 2: SACK-permitted, on a SYN-ACK only if asked. */
		if (V_tcp(ctx)->sack_enable &&
		    ((flags & TH_ACK) == 0 || (tp->t_flags & TF_SACK_PERMIT)))
			to.to_flags |= TOF_SACKPERM;
	} else if ((flags & TH_RST) == 0)
		(void)tcp_sack_fillopt(tp, &to);
	return (tcp_addoptions(&to, opt));
}

/*
 * Largest TSO datagram: IP_MAXPACKET less an Ethernet header with a VLAN
 * tag, as FreeBSD's default if_hw_tsomax.
 */
#define TCP_TSO_MAX (65535 - (14 + 4))

/* What to send: the decision half of tcp_output. */
struct tcp_sendplan {
	int flags;	    /* TH_* */
	uint32_t off;	    /* of the data, from snd_una */
	uint32_t len;	    /* data bytes */
	uint32_t tso_segsz; /* TSO: payload per wire segment; 0 = no TSO */
	uint32_t recwin;    /* window to advertise, bytes */
	int sendalot;	    /* more to send after this one */
	int optlen;
	uint8_t opt[TCP_MAXOLEN];
};

/* The data length and flags of the next segment. */
static void
tcp_plan_len(struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp)
{
	uint32_t sb_cc = so != NULL ? so->so_snd.sb_cc : 0;
	uint32_t sendwin =
	    tp->snd_wnd < tp->snd_cwnd ? tp->snd_wnd : tp->snd_cwnd;
	int32_t len;

	if (tp->t_force && sendwin == 0)
		sendwin = 1;
	sp->off = tp->snd_nxt - tp->snd_una;
	sp->flags = tcp_outflags[tp->t_state];
	/* The SYN occupies sequence space ahead of the data. */
	if ((sp->flags & TH_SYN) && SEQ_GT(tp->snd_nxt, tp->snd_una))
		sp->flags &= ~TH_SYN;
	/* No data before the handshake is over (no TCP Fast Open). */
	if (tp->t_state < TCPS_ESTABLISHED) {
		sp->len = 0;
		return;
	}
	if (TCP_SACK_RECOVERY(tp))
		sendwin = tp->snd_wnd; /* and cwnd - pipe, below */
	len = (int32_t)((sb_cc < sendwin ? sb_cc : sendwin) - sp->off);
	if (len < 0)
		len = 0;
	sp->len = (uint32_t)len;
	/* RFC 6675 5 (C): new data only while cwnd - pipe >= 1 SMSS. */
	if (TCP_SACK_RECOVERY(tp) && sp->len > tcp_sack_room(tp))
		sp->len = tcp_sack_room(tp);
}

/* The interface towards the peer, or NULL without a route. */
static struct ifnet *
tcp_output_ifp(struct tcpcb *tp)
{
	struct rtentry *rt = rt_lookup(tp->t_ctx, tp->t_inpcb->inp_faddr);

	return (rt != NULL ? rt->rt_ifp : NULL);
}

/*
 * The most data a segment that is not TSO may carry besides the MSS:
 * what one mbuf holds behind the headers where the interface towards
 * the peer takes no chains (if_txsegmax 1: net_af_xdp),
 * else that and if_txsegmax - 1 mbufs more chained behind it, which a
 * jumbo MTU needs (a 9000-byte frame is five 2 KB mbufs where buffers
 * are 2 KB).
 */
static uint32_t
tcp_seg_room(struct tcpcb *tp, int optlen)
{
	uint32_t one = MCLBYTES - 40 - 14 - (uint32_t)optlen;
	struct ifnet *ifp = tcp_output_ifp(tp);

	if (ifp == NULL || ifp->if_txsegmax < 2)
		return (one);
	return (one + (uint32_t)(ifp->if_txsegmax - 1) * MCLBYTES);
}

/* Cut the data to the MSS (less options) and to what the port takes. */
static void
tcp_plan_cut(struct tcpcb *tp, struct tcp_sendplan *sp)
{
	uint32_t max = tp->t_maxseg - (uint32_t)sp->optlen;
	uint32_t room = tcp_seg_room(tp, sp->optlen);

	if (room < max)
		max = room;
	if (sp->len > max) {
		sp->len = max;
		sp->sendalot = 1;
	}
}

/* The interface towards the peer segments for us (IFCAP_TSO4 on). */
static int
tcp_tso_ok(struct tcpcb *tp)
{
	struct ifnet *ifp = tcp_output_ifp(tp);

	return (ifp != NULL && (ifp->if_capenable & IFCAP_TSO4) != 0 &&
	    (ifp->if_hwassist & CSUM_IP_TSO) != 0);
}

/*
 * Plan a super-segment when more than one MSS is to go and the interface
 * can cut it: at most TCP_TSO_MAX, whole segments unless the send buffer
 * empties (FreeBSD's "no fractional last segment").  1 when planned.
 */
static int
tcp_plan_tso(struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp)
{
	uint32_t seg = tp->t_maxseg - (uint32_t)sp->optlen;
	uint32_t max = TCP_TSO_MAX -
	    (uint32_t)(sizeof(ip_hdr_t) + sizeof(tcp_hdr_t) + sp->optlen);

	if (sp->len <= seg || (sp->flags & TH_SYN) || tp->t_force ||
	    so == NULL || !tcp_tso_ok(tp))
		return (0);
	if (sp->len > max) {
		sp->len = max;
		sp->sendalot = 1;
	}
	if (sp->off + sp->len < so->so_snd.sb_cc && sp->len % seg != 0) {
		sp->len -= sp->len % seg;
		sp->sendalot = 1;
	}
	sp->tso_segsz = seg;
	return (1);
}

/*
 * Is a window update worth a segment of its own?  As FreeBSD's
 * tcp_output() since 11: not when the scaled window would not move; two
 * segments more when that is also a quarter of the buffer, or the
 * window was down to an eighth of it, or the buffer is small (8
 * segments or fewer), or the field is full; or half the buffer.  The
 * 4.4BSD rule (two segments) sent one for every other read of a large
 * buffer: with 9000-byte segments, one for each two received.
 */
static int
tcp_plan_winupd(struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp)
{
	uint32_t max = (uint32_t)TCP_MAXWIN << tp->rcv_scale;
	uint32_t hiwat = so->so_rcv.sb_hiwat, recwin, old = 0, adv;

	recwin = sp->recwin < max ? sp->recwin : max;
	if (SEQ_GT(tp->rcv_adv, tp->rcv_nxt))
		old = tp->rcv_adv - tp->rcv_nxt;
	adv = recwin > old ? recwin - old : 0;
	if (old >> tp->rcv_scale >= (old + adv) >> tp->rcv_scale)
		return (0);
	if (adv >= 2 * tp->t_maxseg &&
	    (adv >= hiwat / 4 || recwin <= hiwat / 8 ||
		hiwat <= 8 * tp->t_maxseg || adv >= max))
		return (1);
	return (2 * adv >= hiwat);
}

/* Is anything due?  (Nagle, window updates, control flags.) */
static int
tcp_plan_due(struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp)
{
	uint32_t sb_cc = so != NULL ? so->so_snd.sb_cc : 0;
	int idle = tp->snd_max == tp->snd_una;

	if (sp->len > 0) {
		if (sp->len >= tp->t_maxseg - (uint32_t)sp->optlen ||
		    sp->sendalot)
			return (1);
		if ((idle || (tp->t_flags & TF_NODELAY)) &&
		    (tp->t_flags & TF_MORETOCOME) == 0 &&
		    sp->off + sp->len >= sb_cc)
			return (1);
		if (tp->t_force)
			return (1);
		if (tp->snd_max_wnd > 0 && sp->len >= tp->snd_max_wnd / 2)
			return (1);
		if (SEQ_LT(tp->snd_nxt, tp->snd_max))
			return (1);
	}
	if (so != NULL && !TCPS_HAVERCVDFIN(tp->t_state) &&
	    tp->t_state >= TCPS_ESTABLISHED && tcp_plan_winupd(tp, so, sp))
		return (2);
	if (tp->t_flags & TF_ACKNOW)
		return (1);
	if (sp->flags & (TH_SYN | TH_RST))
		return (1);
	if ((sp->flags & TH_FIN) &&
	    ((tp->t_flags & TF_SENTFIN) == 0 || tp->snd_nxt == tp->snd_una))
		return (1);
	return (0);
}

/*
 * Data of a TSO super-segment or of a segment longer than one mbuf (a
 * jumbo MTU), len bytes of so_snd from off, as a chain of fresh segments
 * behind m; 0, or -1 when the pool ran dry.  With sum, each piece is
 * summed as it is copied and added to *sum, the payload's `done' bytes
 * before it already in (RFC 1071: a piece at an odd offset has its
 * bytes swapped).
 */
static int
tcp_output_chain(struct ff_ctx *ctx, struct rte_mbuf *m, struct socket *so,
    uint32_t off, uint32_t len, uint32_t done, uint64_t *sum)
{
	struct rte_mbuf *n;
	uint32_t chunk;
	uint64_t part;
	uint16_t f;
	char *d;

	while (len > 0) {
		if ((n = m_get(ctx->pktmbuf_pool)) == NULL)
			return (-1);
		chunk = M_TRAILINGSPACE(n) < len ? M_TRAILINGSPACE(n) : len;
		d = m_append(n, (uint16_t)chunk);
		if (sum == NULL)
			(void)sbcopydata(&so->so_snd, off, chunk, d);
		else {
			(void)sbcopydata_cksum(
			    &so->so_snd, off, chunk, d, &part);
			if (done & 1) {
				f = cksum_fold(part);
				part = (uint16_t)((f << 8) | (f >> 8));
			}
			*sum = cksum_add(*sum, part);
		}
		if (m_cat(m, n) != 0) {
			m_freem(n);
			return (-1);
		}
		off += chunk;
		done += chunk;
		len -= chunk;
	}
	return (0);
}

/*
 * What a TSO super-segment's th_sum holds: the pseudo-header sum without
 * the length (FreeBSD's in_pseudo(src, dst, IPPROTO_TCP)), which the NIC
 * completes for each segment it cuts.
 */
static uint16_t
tcp_tso_pseudo(const ip_hdr_t *ip)
{
	uint32_t src = ntohl(ip->ip_src.s_addr), dst = ntohl(ip->ip_dst.s_addr);
	uint32_t sum = (src >> 16) + (src & 0xffff) + (dst >> 16) +
	    (dst & 0xffff) + IPPROTO_TCP;

	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (htons((uint16_t)sum));
}

/* Mark m for the port to cut into tso_segsz payloads. */
static void
tcp_output_tso(struct rte_mbuf *m, ip_hdr_t *ip, tcp_hdr_t *th,
    const struct tcp_sendplan *sp)
{
	struct pkthdr *ph = m_pkthdr(m);

	ph->csum_flags |= CSUM_IP_TSO;
	ph->l3hlen = (uint8_t)sizeof(*ip);
	ph->l4hlen = (uint8_t)(sizeof(*th) + (size_t)sp->optlen);
	ph->tso_segsz = (uint16_t)sp->tso_segsz;
	th->th_sum = tcp_tso_pseudo(ip);
}

/*
 * The interface towards the peer leaves the TCP sum to its link
 * (CSUM_IP_TCP in if_hwassist: a trusted link, [portN] csum_trust; see
 * dpdk/ff_dpdk_mbuf.h).  ip_output completes it if the segment goes
 * out another way after all (in_delayed_cksum()).
 */
static int
tcp_output_nosum(struct tcpcb *tp)
{
	struct ifnet *ifp = tcp_output_ifp(tp);

	return (ifp != NULL && (ifp->if_hwassist & CSUM_IP_TCP) != 0);
}

/*
 * How many mbufs of so_snd one data segment may take by reference
 * (sbrefdata()): 0 to copy, when the application never handed the
 * socket chains (ff_zc_send(): the copying path's data was copied once
 * already, and a copy into one mbuf keeps its segments single frames)
 * or the interface towards the peer takes no chains (net_af_xdp, lo0).
 */
static uint32_t
tcp_output_refsegs(struct tcpcb *tp, struct socket *so)
{
	struct ifnet *ifp;

	if (so == NULL || (so->so_snd.sb_flags & SB_ZEROCOPY) == 0)
		return (0);
	ifp = tcp_output_ifp(tp);
	if (ifp == NULL || ifp->if_txsegmax < 2)
		return (0);
	return ((uint32_t)ifp->if_txsegmax - 1); /* the header takes one */
}

/*
 * The payload of a segment that is not TSO: so_snd's own mbufs, by
 * reference, when they may go so (*sum: their sum), else NULL.
 */
static struct rte_mbuf *
tcp_output_refdata(
    struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp, uint64_t *sum)
{
	struct rte_mbuf *m;
	uint32_t segs;

	if (sp->len == 0 || sp->tso_segsz != 0 ||
	    (segs = tcp_output_refsegs(tp, so)) == 0)
		return (NULL);
	/* A trusted link takes the sum: the payload is then never read. */
	m = sbrefdata(&so->so_snd, sp->off, sp->len, tp->t_ctx->pktmbuf_pool,
	    segs, tcp_output_nosum(tp) ? NULL : sum);
	if (m != NULL)
		V_uipc(tp->t_ctx)->us_stat.sos_zcref++;
	return (m);
}

/*
 * The rest of tcp_output_build() for such an interface: the payload
 * copied without a sum, th_sum the pseudo-header sum, as for a NIC.
 */
static struct rte_mbuf *
tcp_output_unsummed(struct tcpcb *tp, struct socket *so,
    struct tcp_sendplan *sp, struct rte_mbuf *m, uint32_t inline_len,
    const struct rte_mbuf *data)
{
	ip_hdr_t *ip = mtod(m, ip_hdr_t *);
	tcp_hdr_t *th = (tcp_hdr_t *)(ip + 1);
	uint32_t hdrlen = (uint32_t)(sizeof(*ip) + sizeof(*th) + sp->optlen);

	if (sp->len > 0 && data == NULL) {
		(void)sbcopydata(
		    &so->so_snd, sp->off, inline_len, (uint8_t *)ip + hdrlen);
		if (inline_len < sp->len &&
		    tcp_output_chain(tp->t_ctx, m, so, sp->off + inline_len,
			sp->len - inline_len, inline_len, NULL) != 0) {
			m_freem(m);
			return (NULL);
		}
	}
	m_pkthdr(m)->csum_flags |= CSUM_IP_TCP;
	th->th_sum = in_cksum_pseudo_l4(ip);
	return (m);
}

/*
 * Build the segment: headers in a fresh mbuf, the data copied behind
 * them or, for a zero-copy socket, so_snd's mbufs chained by reference
 * (FreeBSD's m_copym() of the send buffer).  NULL when the pool is empty.
 */
static struct rte_mbuf *
tcp_output_build(
    struct tcpcb *tp, struct socket *so, struct tcp_sendplan *sp, tcp_seq seq)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct inpcb *inp = tp->t_inpcb;
	int hdrlen = (int)(sizeof(ip_hdr_t) + sizeof(tcp_hdr_t)) + sp->optlen;
	uint32_t inline_len = sp->tso_segsz != 0 ? 0 : sp->len;
	struct rte_mbuf *m, *data;
	tcp_hdr_t *th;
	ip_hdr_t *ip;
	uint32_t win;
	uint64_t sum = 0;

	if ((data = tcp_output_refdata(tp, so, sp, &sum)) != NULL)
		inline_len = 0;
	if ((m = m_gethdr(ctx->pktmbuf_pool)) == NULL) {
		m_freem(data);
		return (NULL);
	}
	/* Past one mbuf (a jumbo MTU), the rest is chained below. */
	if (inline_len > M_TRAILINGSPACE(m) - (uint32_t)hdrlen)
		inline_len = M_TRAILINGSPACE(m) - (uint32_t)hdrlen;
	ip = (ip_hdr_t *)m_append(m, (uint16_t)(hdrlen + inline_len));
	if (ip == NULL ||
	    (sp->tso_segsz != 0 &&
		tcp_output_chain(ctx, m, so, sp->off, sp->len, 0, NULL)) ||
	    (data != NULL && m_cat(m, data) != 0)) {
		m_freem(data);
		m_freem(m);
		return (NULL);
	}
	memset(ip, 0, (size_t)hdrlen);
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_len = htons((uint16_t)(hdrlen + sp->len));
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = inp->inp_laddr;
	ip->ip_dst = inp->inp_faddr;
	ip->ip_ttl = inp->inp_ip_ttl;
	ip->ip_tos = inp->inp_ip_tos;
	if (V_tcp(ctx)->path_mtu_discovery)
		ip->ip_off = htons(IP_DF);
	th = (tcp_hdr_t *)(ip + 1);
	th->th_sport = inp->inp_lport;
	th->th_dport = inp->inp_fport;
	th->th_seq = htonl(seq);
	th->th_ack = (sp->flags & TH_ACK) ? htonl(tp->rcv_nxt) : 0;
	th->th_off = (uint8_t)((sizeof(*th) + (size_t)sp->optlen) >> 2);
	th->th_flags = (uint8_t)sp->flags;
	win = (sp->flags & TH_SYN) ? sp->recwin : sp->recwin >> tp->rcv_scale;
	th->th_win = htons((uint16_t)(win > TCP_MAXWIN ? TCP_MAXWIN : win));
	memcpy(th + 1, sp->opt, (size_t)sp->optlen);
	if (sp->tso_segsz != 0) {
		tcp_output_tso(m, ip, th, sp);
		return (m);
	}
	if (tcp_output_nosum(tp))
		return (tcp_output_unsummed(tp, so, sp, m, inline_len, data));
	if (sp->len == 0) {
		th->th_sum = in_cksum_l4(ip, th);
		return (m);
	}
	/* The payload is summed as it is copied: one pass over it. */
	if (data == NULL) {
		(void)sbcopydata_cksum(&so->so_snd, sp->off, inline_len,
		    (uint8_t *)ip + hdrlen, &sum);
		if (inline_len < sp->len &&
		    tcp_output_chain(ctx, m, so, sp->off + inline_len,
			sp->len - inline_len, inline_len, &sum) != 0) {
			m_freem(m);
			return (NULL);
		}
	}
	th->th_sum =
	    in_cksum_l4_sum(ip, th, (size_t)(hdrlen - sizeof(*ip)), sum);
	return (m);
}

/* Statistics for a segment about to go out. */
static void
tcp_output_stats(struct tcpcb *tp, struct tcp_sendplan *sp, int due)
{
	struct ff_ctx *ctx = tp->t_ctx;

	TCPSTAT_INC(ctx, tcps_sndtotal);
	/* In TIME_WAIT we only answer: an ACK of the peer's segment. */
	if (tp->t_state == TCPS_TIME_WAIT)
		TCPSTAT_INC(ctx, tcps_tw_responds);
	if (sp->len > 0) {
		if (tp->t_force && sp->len == 1)
			TCPSTAT_INC(ctx, tcps_sndprobe);
		else if (SEQ_LT(tp->snd_nxt, tp->snd_max)) {
			TCPSTAT_INC(ctx, tcps_sndrexmitpack);
			tp->t_sndrexmitpack++;
			TCPSTAT_ADD(ctx, tcps_sndrexmitbyte, sp->len);
		} else {
			TCPSTAT_INC(ctx, tcps_sndpack);
			TCPSTAT_ADD(ctx, tcps_sndbyte, sp->len);
		}
	} else if (sp->flags & (TH_SYN | TH_FIN | TH_RST))
		TCPSTAT_INC(ctx, tcps_sndctrl);
	else if (due == 2 && (tp->t_flags & TF_ACKNOW) == 0)
		TCPSTAT_INC(ctx, tcps_sndwinup); /* an ACK owed is an ACK */
	else
		TCPSTAT_INC(ctx, tcps_sndacks);
}

/*
 * A segment carrying SACK blocks (FreeBSD counts segments); a D-SACK
 * in it is not sent again.
 */
static void
tcp_output_sackstat(struct tcpcb *tp, int flags)
{
	if ((flags & (TH_SYN | TH_RST)) != 0 ||
	    (tp->t_flags & (TF_SACK_PERMIT | TF_NOOPT)) != TF_SACK_PERMIT)
		return;
	if (tp->rcv_numsacks > 0 || tp->rcv_dsack.start != tp->rcv_dsack.end)
		TCPSTAT_INC(tp->t_ctx, tcps_sack_send_blocks);
	tcp_sack_sent(tp);
}

/* Sequence space, RTT timing and timers after a segment went out. */
static void
tcp_output_advance(struct tcpcb *tp, struct tcp_sendplan *sp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	tcp_seq startseq = tp->snd_nxt;

	if (sp->flags & (TH_SYN | TH_FIN)) {
		if (sp->flags & TH_SYN)
			tp->snd_nxt++;
		if (sp->flags & TH_FIN) {
			tp->snd_nxt++;
			tp->t_flags |= TF_SENTFIN;
		}
	}
	tp->snd_nxt += sp->len;
	if (SEQ_GT(tp->snd_nxt, tp->snd_max)) {
		tp->snd_max = tp->snd_nxt;
		if (tp->t_rtttime == 0 && tp->snd_nxt != startseq) {
			tp->t_rtttime = tcp_ticks(ctx) + 1;
			tp->t_rtseq = startseq;
			TCPSTAT_INC(ctx, tcps_segstimed);
		}
	}
	if (tp->snd_nxt != startseq &&
	    !callout_pending(&tp->t_timers.tt_rexmt) &&
	    tp->snd_nxt != tp->snd_una) {
		callout_stop(ctx, &tp->t_timers.tt_persist);
		tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
	}
	if (sp->recwin > 0 && SEQ_GT(tp->rcv_nxt + sp->recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + sp->recwin;
	if (sp->recwin == 0) {
		tp->t_flags |= TF_RXWIN0SENT;
		tp->t_sndzerowin++;
	} else
		tp->t_flags &= ~TF_RXWIN0SENT;
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
	callout_stop(ctx, &tp->t_timers.tt_delack);
}

/*
 * A window probe went out (persist timer): snd_max covers the byte, but
 * snd_nxt stays so that the next probe sends it again, and no
 * retransmission timer runs (FreeBSD's TF_FORCEDATA case).
 */
static void
tcp_output_probe_advance(struct tcpcb *tp, struct tcp_sendplan *sp)
{
	tcp_seq end = tp->snd_nxt + sp->len;

	if (sp->flags & TH_FIN) {
		end++;
		tp->t_flags |= TF_SENTFIN;
	}
	if (SEQ_GT(end, tp->snd_max))
		tp->snd_max = end;
	if (SEQ_GT(tp->rcv_nxt + sp->recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + sp->recwin;
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
	callout_stop(tp->t_ctx, &tp->t_timers.tt_delack);
}

/*
 * The peer's window is zero with data waiting: no retransmission timer,
 * back to snd_una, the persist timer probes (FreeBSD's tcp_output).
 */
static void
tcp_output_zerowin(struct tcpcb *tp, struct socket *so)
{
	if (tp->snd_wnd != 0 || tp->t_force || so == NULL ||
	    tp->t_state < TCPS_ESTABLISHED ||
	    callout_pending(&tp->t_timers.tt_persist) ||
	    tp->snd_nxt - tp->snd_una >= so->so_snd.sb_cc)
		return;
	tcp_timer_stop_rexmt(tp);
	tp->t_rxtshift = 0;
	tp->snd_nxt = tp->snd_una;
	tcp_setpersist(tp);
}

/*
 * Nothing is due, yet data waits and no timer will bring it out: the
 * window is open but smaller than sender silly window avoidance sends
 * into, with nothing in flight.  Persist, as FreeBSD's tcp_output does
 * ("if send window is too small, there is data to transmit, and no
 * retransmit or persist is pending, then go to persist state"); else a
 * peer that never widens its window would hold the connection for ever.
 */
static void
tcp_output_smallwin(struct tcpcb *tp, struct socket *so)
{
	if (so == NULL || tp->t_state < TCPS_ESTABLISHED ||
	    tp->snd_max - tp->snd_una >= so->so_snd.sb_cc ||
	    callout_pending(&tp->t_timers.tt_rexmt) ||
	    callout_pending(&tp->t_timers.tt_persist))
		return;
	tp->t_rxtshift = 0;
	tcp_setpersist(tp);
}

/*
 * SACK recovery (RFC 6675 5 (C), NextSeg() rules 1, 3 and 4): retransmit
 * from a hole of the scoreboard, at the hole's own sequence number, or
 * the rescue retransmission at the tail; snd_nxt and snd_max stay.  1
 * when a segment went out (more may follow), 0 when the pool was empty,
 * -1 when nothing is due.
 */
static int
tcp_output_sack(struct tcpcb *tp, struct socket *so)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint32_t sb_cc = so != NULL ? so->so_snd.sb_cc : 0, len;
	uint32_t out = tp->snd_max - tp->snd_una;
	int newdata = sb_cc > out && tp->snd_wnd > out;
	struct tcp_sendplan sp;
	struct sackhole *p;
	struct rte_mbuf *m;
	tcp_seq seq;

	if (!TCP_SACK_RECOVERY(tp))
		return (-1);
	if ((p = tcp_sack_output(tp, newdata, &len)) != NULL)
		seq = p->rxmit;
	else if (newdata || !tcp_sack_rescue(tp, &seq, &len))
		return (-1);
	memset(&sp, 0, sizeof(sp));
	sp.flags = TH_ACK;
	sp.off = seq - tp->snd_una;
	sp.len = sp.off < sb_cc ? sb_cc - sp.off : 0; /* not the FIN */
	if (sp.len > len)
		sp.len = len;
	sp.optlen = tcp_output_options(tp, sp.flags, sp.opt);
	tcp_plan_cut(tp, &sp);
	if (sp.len == 0) { /* only the FIN: the RTO resends it */
		if (p != NULL)
			tcp_sack_rexmitted(tp, p, p->end - p->rxmit);
		else
			tcp_sack_rescued(tp, 0);
		return (1);
	}
	if (sp.off + sp.len == sb_cc)
		sp.flags |= TH_PUSH;
	sp.recwin = tcp_output_recwin(tp);
	if ((m = tcp_output_build(tp, so, &sp, seq)) == NULL) {
		TCPXSTAT_INC(ctx, tcpx_nombuf);
		return (0);
	}
	TCPSTAT_INC(ctx, tcps_sndtotal);
	TCPSTAT_INC(ctx, tcps_sndrexmitpack);
	tp->t_sndrexmitpack++;
	TCPSTAT_ADD(ctx, tcps_sndrexmitbyte, sp.len);
	tcp_output_sackstat(tp, sp.flags);
	if (p != NULL)
		tcp_sack_rexmitted(tp, p, sp.len);
	else
		tcp_sack_rescued(tp, sp.len);
	if (!callout_pending(&tp->t_timers.tt_rexmt))
		tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
	callout_stop(ctx, &tp->t_timers.tt_delack);
	if (SEQ_GT(tp->rcv_nxt + sp.recwin, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + sp.recwin;
	if (ip_output_consume(ctx, m, 0) != 0)
		TCPXSTAT_INC(ctx, tcpx_oerrors);
	return (1);
}

/*
 * Wait for the port to drain: tcp_sndfull_kick() calls tcp_output for tp
 * once the route's interface has room again, so a refused segment leaves
 * as soon as it can rather than a retransmission timeout later, and a
 * refused ACK rather than a tick later (FreeBSD
 * leaves it to the timer, but its drivers queue far more than our port's
 * burst buffer).
 */
static void
tcp_sndfull_wait(struct tcpcb *tp)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);

	tp->t_sndfull = 1; /* ask before building the next one */
	if (tp->t_sndfull_queued)
		return;
	TAILQ_INSERT_TAIL(&ts->sndfull_wait, tp, t_sndfull_link);
	tp->t_sndfull_queued = 1;
	ts->sndfull_count++;
}

void
tcp_sndfull_cancel(struct tcpcb *tp)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);

	if (!tp->t_sndfull_queued)
		return;
	TAILQ_REMOVE(&ts->sndfull_wait, tp, t_sndfull_link);
	tp->t_sndfull_queued = 0;
	tp->t_sndfull_ack = 0;
	ts->sndfull_count--;
}

/* 1 when tp's route still finds its interface's send queue full. */
static int
tcp_sndfull_still(struct tcpcb *tp)
{
	return (ip_output_full(tp->t_ctx, tp->t_inpcb->inp_faddr));
}

/*
 * Bounded: each connection waiting when it starts is looked at once;
 * one refused again goes back to the tail for a later iteration, as does
 * one whose port is still full (in order: the one refused first sends
 * first).
 */
void
tcp_sndfull_kick(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tcpcb *tp;
	int n = ts->sndfull_count, ack;

	while (n-- > 0 && (tp = TAILQ_FIRST(&ts->sndfull_wait)) != NULL) {
		ack = tp->t_sndfull_ack;
		tcp_sndfull_cancel(tp);
		if (tp->t_inpcb != NULL && tcp_sndfull_still(tp)) {
			tcp_sndfull_wait(tp);
			tp->t_sndfull_ack = ack;
			continue;
		}
		/* A refused ACK is owed now (its retry tick is the fallback). */
		if (ack && (tp->t_flags & TF_DELACK))
			tp->t_flags |= TF_ACKNOW;
		(void)tcp_output(tp);
	}
}

/*
 * The port's buffer was full of frames the device refused (ENOBUFS): the
 * data segment [seq, seq + len) did not leave, so take back its sequence
 * space, snd_max included, as FreeBSD's tcp_output does for a send
 * error, instead of waiting for a retransmission; cwnd stays (the link
 * is not congested, the peer is only slower to drain it).  The
 * connection waits for the port to drain (tcp_sndfull_wait), when the
 * same bytes go as new data; the retransmission timer stays armed should
 * nothing call it.  1 when backed out; 0 for a segment that is not plain
 * data (SYN, FIN, a probe or a resend), left to the usual recovery.
 */
static int
tcp_output_unsend(
    struct tcpcb *tp, struct tcp_sendplan *sp, tcp_seq seq, tcp_seq max)
{
	if (sp->len == 0 || (sp->flags & (TH_SYN | TH_FIN)) || tp->t_force ||
	    seq != max || tp->snd_nxt != seq + sp->len)
		return (0);
	tp->snd_nxt = seq;
	tcp_sndfull_wait(tp);
	if (tp->t_rtttime != 0 && tp->t_rtseq == seq)
		tp->t_rtttime = 0; /* timed by a segment that never left */
	tp->snd_max = seq;
	if (!callout_pending(&tp->t_timers.tt_rexmt) &&
	    !callout_pending(&tp->t_timers.tt_persist))
		tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
	return (1);
}

/* One segment, if one is due: 0 sent or nothing due, 1 more to send. */
static int
tcp_output_one(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct socket *so = tcp_socket(tp);
	struct tcp_sendplan sp;
	struct rte_mbuf *m;
	tcp_seq seq, max = tp->snd_max;
	int due, error;

	memset(&sp, 0, sizeof(sp));
	tcp_output_zerowin(tp, so);
	if ((due = tcp_output_sack(tp, so)) >= 0)
		return (due);
	tcp_plan_len(tp, so, &sp);
	sp.optlen = tcp_output_options(tp, sp.flags, sp.opt);
	if (!tcp_plan_tso(tp, so, &sp))
		tcp_plan_cut(tp, &sp);
	/* A FIN only goes with the last byte of the buffer. */
	if ((sp.flags & TH_FIN) && so != NULL &&
	    SEQ_LT(tp->snd_nxt + sp.len, tp->snd_una + so->so_snd.sb_cc))
		sp.flags &= ~TH_FIN;
	if ((sp.flags & TH_FIN) && (tp->t_flags & TF_SENTFIN) &&
	    tp->snd_nxt == tp->snd_max)
		tp->snd_nxt--; /* resend the FIN in place */
	sp.recwin = tcp_output_recwin(tp);
	if ((due = tcp_plan_due(tp, so, &sp)) == 0) {
		tcp_output_smallwin(tp, so);
		return (0);
	}
	if (sp.len > 0 && sp.off + sp.len == so->so_snd.sb_cc)
		sp.flags |= TH_PUSH;
	seq = (sp.len || (sp.flags & (TH_SYN | TH_FIN)) || tp->t_force ||
		  callout_pending(&tp->t_timers.tt_persist))
	    ? tp->snd_nxt
	    : tp->snd_max;
	if ((m = tcp_output_build(tp, so, &sp, seq)) == NULL) {
		TCPXSTAT_INC(ctx, tcpx_nombuf);
		if (!callout_pending(&tp->t_timers.tt_rexmt))
			tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
		return (0);
	}
	tcp_output_stats(tp, &sp, due);
	tcp_output_sackstat(tp, sp.flags);
	if (seq == tp->snd_nxt && tp->t_force &&
	    callout_pending(&tp->t_timers.tt_persist))
		tcp_output_probe_advance(tp, &sp);
	else if (seq == tp->snd_nxt)
		tcp_output_advance(tp, &sp);
	else {
		tp->t_flags &= ~(TF_ACKNOW | TF_DELACK);
		callout_stop(ctx, &tp->t_timers.tt_delack);
		if (SEQ_GT(tp->rcv_nxt + sp.recwin, tp->rcv_adv))
			tp->rcv_adv = tp->rcv_nxt + sp.recwin;
	}
	if ((error = ip_output_consume(ctx, m, 0)) != 0) {
		TCPXSTAT_INC(ctx, tcpx_oerrors);
		if (error == -ENOBUFS && tcp_output_unsend(tp, &sp, seq, max))
			return (0);
		/* A pure ACK or window update: again shortly. */
		if (error == -ENOBUFS && sp.len == 0 &&
		    (sp.flags & (TH_SYN | TH_FIN | TH_RST)) == 0 &&
		    tp->t_state >= TCPS_ESTABLISHED) {
			tcp_timer_ack_retry(tp);
			tcp_sndfull_wait(tp);
			tp->t_sndfull_ack = 1;
		}
	}
	return (sp.sendalot);
}

int
tcp_output(struct tcpcb *tp)
{
	int n = 0;

	if (tp->t_state == TCPS_LISTEN || tp->t_state == TCPS_CLOSED)
		return (0);
	/*
	 * Refused last time: build nothing while the port is still full
	 * (the segment would only be freed); tcp_sndfull_kick() asks again
	 * once it drains, and a timer stays armed as after FreeBSD's
	 * ENOBUFS, should nothing else.
	 */
	if (tp->t_sndfull && tcp_sndfull_still(tp)) {
		tcp_sndfull_wait(tp);
		if (!callout_pending(&tp->t_timers.tt_rexmt) &&
		    !callout_pending(&tp->t_timers.tt_persist))
			tcp_timer_activate_rexmt(tp, tp->t_rxtcur);
		return (0);
	}
	tp->t_sndfull = 0;
	tcp_sndfull_cancel(tp);
	tcp_autosndbuf(tp);
	while (tcp_output_one(tp) == 1 && ++n < 1024)
		;
	return (0);
}
