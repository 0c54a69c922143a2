/*
 * tcp_subr.c - TCP's common routines (FreeBSD's netinet/tcp_subr.c):
 * per-stack state and sysctls, control blocks from a bounded pool,
 * initial sequence numbers, bare control segments (RST, ACK), drop and
 * close.
 *
 * Entry points: tcp_init(), tcp_fini(), tcp_sysctl_attach(),
 * tcp_newtcpcb(), tcp_discardcb(), tcp_close(), tcp_drop(),
 * tcp_state_change(), tcp_new_isn(), tcp_new_ts_offset(), tcp_respond(),
 * tcp_mss_for(), tcp_ts_getticks(), tcp_ticks(), tcp_siphash().
 * tcp_discardcb() leaves the connection's metrics in the host cache.
 *
 * RFC 6528 (ISN = M + F(4-tuple, secret), M a 4 microsecond clock that
 * also moves by FreeBSD's 4096 to 8191 per ISN, F SipHash-2-4 here),
 * RFC 7323 5.4 (per-connection timestamp offset),
 * RFC 9293 3.10.7.1 (RST for a segment to a closed connection), RFC 9293
 * 3.7.1 and RFC 6691 (MSS).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "net/if_var.h"
#include "net/route.h"
#include "netinet/ip_var.h"
#include "netinet/in_pcb.h"
#include "kern/kern_sysctl.h"
#include "netinet/in_cksum.h"
#include "kern/kern_mbuf.h"
#include "netinet/tcp_var.h"
#include "kern/mbuf.h"
#include "kern/libkern.h"

#define TCP_TCBHASHSIZE_MAX (1 << 24) /* net.inet.tcp.tcbhashsize */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

/* Inlined: as a call it kept v in memory, 8 to 12 calls a hash. */
static inline __attribute__((always_inline)) void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL(v[2], 32);
}

/* SipHash-2-4 (Aumasson and Bernstein) of len bytes under key. */
uint64_t
tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4], m, b = (uint64_t)len << 56;
	size_t i, n = len & ~(size_t)7;

	v[0] = key[0] ^ 0x736f6d6570736575ULL;
	v[1] = key[1] ^ 0x646f72616e646f6dULL;
	v[2] = key[0] ^ 0x6c7967656e657261ULL;
	v[3] = key[1] ^ 0x7465646279746573ULL;
	for (i = 0; i < n; i += 8) {
		memcpy(&m, p + i, 8);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	for (i = 0; i < (len & 7); i++)
		b |= (uint64_t)p[n + i] << (8 * i);
	v[3] ^= b;
	sip_round(v);
	sip_round(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sip_round(v);
	return (v[0] ^ v[1] ^ v[2] ^ v[3]);
}

static uint64_t
tcp_tuple_hash(struct ff_ctx *ctx, uint32_t salt, struct in_addr laddr,
    uint16_t lport, struct in_addr faddr, uint16_t fport)
{
	uint32_t w[4];

	w[0] = laddr.s_addr;
	w[1] = faddr.s_addr;
	w[2] = ((uint32_t)lport << 16) | fport;
	w[3] = salt;
	return (tcp_siphash(V_tcp(ctx)->isn_key, w, sizeof(w)));
}

/*
 * The least M moves between two ISNs, as FreeBSD's tcp_new_isn() moves
 * its offset by ISN_STATIC_INCREMENT plus up to ISN_RANDOM_INCREMENT on
 * every call: a 4-tuple used again within microseconds (a random
 * ephemeral port that comes round again) starts beyond everything the
 * short connection before it sent, so the peer's TIME_WAIT takes the new
 * SYN (RFC 6191) instead of leaving it to a retransmission a second
 * later.
 */
#define ISN_STATIC_INCREMENT 4096
#define ISN_RANDOM_INCREMENT (4096 - 1)

/*
 * RFC 6528: M (4 us ticks of the stack clock) + F(4-tuple, secret), M
 * never less than the last one's plus the increment above.
 */
uint32_t
tcp_new_isn(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    struct in_addr faddr, uint16_t fport)
{
	struct tcp_state *ts = V_tcp(ctx);
	uint64_t m = ff_clock_now(&ctx->clock) / 4000, floor;

	floor = ts->isn_last_m + ISN_STATIC_INCREMENT +
	    (ff_random64() & ISN_RANDOM_INCREMENT);
	if (m < floor)
		m = floor;
	ts->isn_last_m = m;
	return (
	    (uint32_t)(m + tcp_tuple_hash(ctx, 0, laddr, lport, faddr, fport)));
}

uint32_t
tcp_new_ts_offset(struct ff_ctx *ctx, struct in_addr laddr, uint16_t lport,
    struct in_addr faddr, uint16_t fport)
{
	return (
	    (uint32_t)tcp_tuple_hash(ctx, 0x7473, laddr, lport, faddr, fport));
}

/* Timestamp clock: milliseconds (RFC 7323 5.4 asks for 1 ms .. 1 s). */
uint32_t
tcp_ts_getticks(struct ff_ctx *ctx)
{
	return ((uint32_t)(ff_clock_now(&ctx->clock) / FF_NS_PER_MS));
}

/* The callout wheel's tick count: RTT measurement and timers. */
uint64_t
tcp_ticks(struct ff_ctx *ctx)
{
	return (ctx->callouts.cw_ticks);
}

int
tcp_init(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);

	memset(ts, 0, sizeof(*ts));
	ts->mssdflt = TCP_MSS_V4;
	ts->minmss = TCP_MINMSS;
	ts->rfc1323 = 1;
	ts->sendspace = 32768;
	ts->recvspace = 65536;
	ts->delayed_ack = 1;
	ts->delacktime = 40;
	ts->msl = 30000;
	ts->rexmit_initial = 1000;
	ts->rexmit_min = 30;
	ts->rexmit_slop = 200;
	ts->initcwnd_segments = 10;
	ts->reass_maxqueuelen = TCP_SEGQ_DEFAULT;
	ts->reass_maxsegments = 16384;
	ts->maxtcpcb = 65536;
	ts->nolocaltimewait = 1;
	ts->ack_war_timewindow = 1000;
	ts->ack_war_cnt = 5;
	ts->persmin = 5000;
	ts->persmax = 60000;
	ts->keepidle = 7200000;
	ts->keepintvl = 75000;
	ts->keepcnt = 8;
	/*
	 * FreeBSD's default: a peer that vanished (its FIN or RST lost, as
	 * a full tap queue drops them under load) is found by keepalive
	 * probes instead of holding a socket forever.
	 */
	ts->always_keepalive = 1;
	ts->path_mtu_discovery = 1;
	ts->icmp_may_rst = 1;
	ts->sendbuf_auto = 1;
	ts->sendbuf_inc = 8192;
	ts->sendbuf_max = 2097152;
	ts->recvbuf_auto = 1;
	ts->recvbuf_inc = 16384;
	ts->recvbuf_max = 2097152;
	ts->isn_key[0] = ff_random64();
	ts->isn_key[1] = ff_random64();
	TAILQ_INIT(&ts->tcb_list);
	TAILQ_INIT(&ts->tcb_free);
	TAILQ_INIT(&ts->delack_loop);
	TAILQ_INIT(&ts->sndfull_wait);
	TAILQ_INIT(&ts->segq_free);
	syncache_init(ctx);
	tcp_hc_init(ctx);
	tcp_sack_init(ctx);
	(void)cc_register(ctx, &newreno_cc_algo);
	(void)cc_register(ctx, &cubic_cc_algo);
	ts->cc_default = &cubic_cc_algo; /* FreeBSD 14's default */
	/* 0: net.inet.tcp.tcbhashsize from kern.ipc.maxsockets, as FreeBSD. */
	return (in_pcbinfo_init(ctx, &ts->tcbinfo, "tcp", IPPROTO_TCP, 0));
}

/* Every connection left (TIME_WAIT, orphans) and every pooled item. */
void
tcp_fini(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tcpcb *tp;

	while ((tp = TAILQ_FIRST(&ts->tcb_list)) != NULL)
		(void)tcp_close(tp);
	while ((tp = TAILQ_FIRST(&ts->tcb_free)) != NULL) {
		TAILQ_REMOVE(&ts->tcb_free, tp, t_link);
		free(tp);
	}
	ts->tcb_nfree = 0;
	syncache_fini(ctx);
	tcp_hc_destroy(ctx); /* after the closes above fed it */
	tcp_reass_fini(ctx);
	tcp_sack_fini(ctx);
	if (ts->tcbinfo.ipi_zone != NULL) /* after every pcb went */
		in_pcbinfo_destroy(&ts->tcbinfo);
}

static struct tcpcb *
tcp_tcpcb_get(struct ff_ctx *ctx)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tcpcb *tp;

	if ((tp = TAILQ_FIRST(&ts->tcb_free)) != NULL) {
		TAILQ_REMOVE(&ts->tcb_free, tp, t_link);
		ts->tcb_nfree--;
	} else if (ts->tcb_count >= ts->maxtcpcb ||
	    (tp = malloc(sizeof(*tp))) == NULL)
		return (NULL);
	memset(tp, 0, sizeof(*tp));
	return (tp);
}

struct tcpcb *
tcp_newtcpcb(struct ff_ctx *ctx, struct inpcb *inp)
{
	struct tcp_state *ts = V_tcp(ctx);
	struct tcpcb *tp;

	if ((tp = tcp_tcpcb_get(ctx)) == NULL) {
		TCPXSTAT_INC(ctx, tcpx_nopcb);
		return (NULL);
	}
	tp->t_ctx = ctx;
	tp->t_inpcb = inp;
	tp->t_state = TCPS_CLOSED;
	tp->t_maxseg = (uint32_t)ts->mssdflt;
	if (ts->rfc1323)
		tp->t_flags |= TF_REQ_SCALE | TF_REQ_TSTMP;
	tp->t_rxtcur = tcp_ms_ticks(ctx, ts->rexmit_initial);
	tp->snd_cwnd = TCP_MAXWIN << TCP_MAXWINSHIFT;
	tp->snd_ssthresh = TCP_MAXWIN << TCP_MAXWINSHIFT;
	TAILQ_INIT(&tp->t_segq);
	TAILQ_INIT(&tp->snd_holes);
	callout_init(&tp->t_timers.tt_rexmt);
	callout_init(&tp->t_timers.tt_persist);
	callout_init(&tp->t_timers.tt_keep);
	callout_init(&tp->t_timers.tt_2msl);
	callout_init(&tp->t_timers.tt_delack);
	cc_attach(ctx, tp);
	tp->t_starttime = tcp_ticks(ctx);
	tp->t_rcvtime = tp->t_starttime; /* keepalive idle time */
	inp->inp_ppcb = tp;
	TAILQ_INSERT_TAIL(&ts->tcb_list, tp, t_link);
	ts->tcb_count++;
	ts->tcb_states[TCPS_CLOSED]++;
	return (tp);
}

/*
 * The slow start threshold worth remembering for the path: only one a
 * loss set (below half the send buffer), in segments rounded and turned
 * into bytes of whole packets, headers included (as FreeBSD keeps it).
 */
static uint32_t
tcp_hc_ssthresh(struct tcpcb *tp)
{
	struct socket *so = tcp_socket(tp);
	uint32_t hiwat, segs, ss = tp->snd_ssthresh;

	/* A socket already gone had the default buffer, near enough. */
	hiwat = so != NULL ? so->so_snd.sb_hiwat
			   : (uint32_t)V_tcp(tp->t_ctx)->sendspace;
	if (ss == 0 || ss >= hiwat / 2 || tp->t_maxseg == 0)
		return (0);
	segs = (ss + tp->t_maxseg / 2) / tp->t_maxseg;
	if (segs < 2)
		segs = 2;
	return (segs *
	    (tp->t_maxseg + (uint32_t)(sizeof(ip_hdr_t) + sizeof(tcp_hdr_t))));
}

/*
 * What the connection learnt of the path goes to the host cache for the
 * next one (FreeBSD does it in tcp_discardcb()).  Only after 4 RTT
 * samples: fewer and the smoothed RTT may not have converged yet, and a
 * bogus one would mislead every later connection to the host.
 */
static void
tcp_hc_save(struct tcpcb *tp)
{
	struct inpcb *inp = tp->t_inpcb;
	struct hc_metrics_lite metrics;

	if (inp == NULL || inp->inp_faddr.s_addr == INADDR_ANY ||
	    tp->t_rttupdated < 4)
		return;
	memset(&metrics, 0, sizeof(metrics));
	metrics.rmx_ssthresh = tcp_hc_ssthresh(tp);
	metrics.rmx_rtt = (uint32_t)tp->t_srtt;
	metrics.rmx_rttvar = (uint32_t)tp->t_rttvar;
	metrics.rmx_cwnd = tp->snd_cwnd;
	tcp_hc_update(tp->t_ctx, inp->inp_faddr, &metrics);
}

/* Free the control block (the inpcb stays); timers and queues go. */
void
tcp_discardcb(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct tcp_state *ts = V_tcp(ctx);

	tcp_hc_save(tp);
	tcp_timers_stop(tp);
	tcp_delack_loop_cancel(tp);
	tcp_sndfull_cancel(tp);
	(void)tcp_reass_flush(tp);
	tcp_free_sackholes(tp);
	cc_detach(tp);
	if (tp->t_inpcb != NULL)
		tp->t_inpcb->inp_ppcb = NULL;
	TAILQ_REMOVE(&ts->tcb_list, tp, t_link);
	ts->tcb_count--;
	ts->tcb_states[tp->t_state]--;
	TAILQ_INSERT_HEAD(&ts->tcb_free, tp, t_link);
	ts->tcb_nfree++;
}

/*
 * Every state change goes through here, as in FreeBSD: the per-state
 * counts of net.inet.tcp.states follow it.
 */
void
tcp_state_change(struct tcpcb *tp, int newstate)
{
	struct tcp_state *ts = V_tcp(tp->t_ctx);

	if (tp->t_state == TCPS_LISTEN && newstate != TCPS_LISTEN)
		syncache_listen_gone(tp);
	ts->tcb_states[tp->t_state]--;
	ts->tcb_states[newstate]++;
	tp->t_state = newstate;
}

/*
 * FreeBSD's tcp_drain() (pr_drain): memory is short, free out-of-order
 * data; the segments freed count in kern.ipc.overload.reass_flushed.
 */
void
tcp_drain(struct ff_ctx *ctx)
{
	struct tcpcb *tp;
	int n = 0;

	TAILQ_FOREACH(tp, &V_tcp(ctx)->tcb_list, t_link)
	n += tcp_reass_flush(tp);
	V_mbuf(ctx)->mb_stat.ovl_reass_flushed += (uint64_t)n;
}

/*
 * The connection is over: free the control block, tell the socket, and
 * free the inpcb when the descriptor is gone (which frees the socket,
 * and takes an unaccepted one off its listener's queue); with a
 * descriptor the inpcb stays, dropped (off the hashes: a new SYN for
 * the 4-tuple finds the listener, as in FreeBSD), until close.
 * Returns NULL.
 */
struct tcpcb *
tcp_close(struct tcpcb *tp)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = tcp_socket(tp);

	TCPSTAT_INC(ctx, tcps_closed);
	tcp_state_change(tp, TCPS_CLOSED);
	tcp_discardcb(tp);
	if (so == NULL) {
		in_pcbfree(inp);
		return (NULL);
	}
	soisdisconnected(so);
	if ((so->so_state & SS_NOFDREF) != 0)
		in_pcbfree(inp);
	else
		in_pcbdrop(inp);
	return (NULL);
}

/* Drop with a RST when synchronized; the socket sees `error'. */
struct tcpcb *
tcp_drop(struct tcpcb *tp, int error)
{
	struct ff_ctx *ctx = tp->t_ctx;
	struct inpcb *inp = tp->t_inpcb;
	struct socket *so = tcp_socket(tp);

	if (TCPS_HAVERCVDSYN(tp->t_state)) {
		tcp_respond(ctx, tp, inp->inp_laddr, inp->inp_lport,
		    inp->inp_faddr, inp->inp_fport, tp->snd_nxt, tp->rcv_nxt,
		    TH_RST | TH_ACK);
		TCPSTAT_INC(ctx, tcps_drops);
	} else
		TCPSTAT_INC(ctx, tcps_conndrops);
	if (error == ETIMEDOUT && tp->t_softerror != 0)
		error = tp->t_softerror;
	if (so != NULL)
		so->so_error = error;
	return (tcp_close(tp));
}

uint32_t
tcp_maxmtu(struct ff_ctx *ctx, struct in_addr faddr)
{
	struct rtentry *rt = rt_lookup(ctx, faddr);

	if (rt == NULL)
		return (0);
	if (rt->rt_mtu != 0 && rt->rt_mtu < rt->rt_ifp->if_mtu)
		return (rt->rt_mtu);
	return (rt->rt_ifp->if_mtu);
}

/*
 * The MSS towards faddr: the path MTU less 40 bytes of headers, bounded
 * by the peer's offer (RFC 9293 3.7.1: 536 without one) and by
 * net.inet.tcp.minmss.  The path MTU is the route's, or the smaller one
 * the host cache learnt from ICMP (FreeBSD's tcp_mss_update() and
 * tcp_mssopt()), so the MSS we offer fits the path too.
 */
uint32_t
tcp_mss_for(struct ff_ctx *ctx, struct in_addr faddr, uint32_t offer)
{
	struct tcp_state *ts = V_tcp(ctx);
	uint32_t mtu = tcp_maxmtu(ctx, faddr), hcmtu, mss;

	if ((hcmtu = tcp_hc_getmtu(ctx, faddr)) != 0 &&
	    (mtu == 0 || hcmtu < mtu))
		mtu = hcmtu;

	mss = mtu > 40 ? mtu - 40 : (uint32_t)ts->mssdflt;
	if (offer == 0)
		offer = (uint32_t)ts->mssdflt;
	if (offer < mss)
		mss = offer;
	if (mss < (uint32_t)ts->minmss)
		mss = (uint32_t)ts->minmss;
	/* Options come out of each segment's payload (tcp_output). */
	return (mss);
}

/* TCP checksum of the segment behind the IP header ip (RFC 9293 3.1). */
static void
tcp_fill_cksum(ip_hdr_t *ip, tcp_hdr_t *th)
{
	th->th_sum = 0;
	th->th_sum = in_cksum_l4(ip, th);
}

/*
 * Send a bare segment (RST or ACK) from src:sport to dst:dport.  With a
 * control block the window and TTL are its own.  Counted in tcps_sndtotal
 * and tcps_sndctrl (RST) or tcps_sndacks.
 */
void
tcp_respond(struct ff_ctx *ctx, struct tcpcb *tp, struct in_addr src,
    uint16_t sport, struct in_addr dst, uint16_t dport, tcp_seq seq,
    tcp_seq ack, int flags)
{
	struct rte_mbuf *m;
	tcp_hdr_t *th;
	ip_hdr_t *ip;
	uint32_t win = 0;

	if ((m = m_gethdr(ctx->pktmbuf_pool)) == NULL ||
	    (ip = (ip_hdr_t *)m_append(m, sizeof(*ip) + sizeof(*th))) == NULL) {
		m_freem(m);
		TCPXSTAT_INC(ctx, tcpx_nombuf);
		return;
	}
	if (tp != NULL && (flags & TH_RST) == 0)
		win = tcp_rcv_space(tp) >> tp->rcv_scale;
	memset(ip, 0, sizeof(*ip) + sizeof(*th));
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_len = htons(sizeof(*ip) + sizeof(*th));
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = src;
	ip->ip_dst = dst;
	ip->ip_ttl = (uint8_t)V_ip(ctx)->defttl;
	th = (tcp_hdr_t *)(ip + 1);
	th->th_sport = sport;
	th->th_dport = dport;
	th->th_seq = htonl(seq);
	th->th_ack = (flags & TH_ACK) ? htonl(ack) : 0;
	th->th_off = sizeof(*th) >> 2;
	th->th_flags = (uint8_t)flags;
	th->th_win = htons((uint16_t)(win > TCP_MAXWIN ? TCP_MAXWIN : win));
	tcp_fill_cksum(ip, th);
	TCPSTAT_INC(ctx, tcps_sndtotal);
	if (flags & TH_RST)
		TCPSTAT_INC(ctx, tcps_sndctrl);
	else
		TCPSTAT_INC(ctx, tcps_sndacks);
	if (ip_output_consume(ctx, m, 0) != 0)
		TCPXSTAT_INC(ctx, tcpx_oerrors);
}

/* net.inet.tcp.pcbcount: live control blocks. */
static int
tcp_sysctl_pcbcount(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	int n = V_tcp(ctx)->tcb_count;

	return (sysctl_out(req, &n, sizeof(n)));
}

/*
 * net.inet.tcp.tcbhashsize: buckets of the connection hash, a power of 2
 * (FreeBSD's tunable; 0 or unset: a quarter of kern.ipc.maxsockets, at
 * least 512, as FreeBSD sizes it).  Read-only at run time; [freebsd.boot]
 * sets it before the first pcb allocates the hash (in_pcballoc()).
 */
static int
tcp_sysctl_tcbhashsize(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct inpcbinfo *info = V_tcbinfo(ctx);
	int v = (int)in_pcb_hashsize(info), error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v < 0 || v > TCP_TCBHASHSIZE_MAX)
		return (ERANGE);
	if ((v & (v - 1)) != 0)
		return (EINVAL); /* a mask hashes */
	if (info->ipi_hashbase != NULL)
		return (EBUSY);
	info->ipi_hashsize = (unsigned int)v;
	return (0);
}

#define STATE struct tcp_state

static const struct sysctl_entry tcp_sysctls[] = {
	SYSCTL_NODE("net.inet.tcp.reass", "TCP Segment Reassembly Queue"),
	SYSCTL_INT("net.inet.tcp.mssdflt", CTLFLAG_RWTUN, STATE, mssdflt,
	    TCP_MINMSS, 65495, "Default TCP Maximum Segment Size"),
	SYSCTL_INT("net.inet.tcp.minmss", CTLFLAG_RWTUN, STATE, minmss, 64,
	    65495, "Minimum TCP Maximum Segment Size"),
	SYSCTL_INT("net.inet.tcp.rfc1323", CTLFLAG_RWTUN, STATE, rfc1323, 0, 1,
	    "Enable rfc1323 (high performance TCP) extensions"),
	SYSCTL_INT("net.inet.tcp.sendspace", CTLFLAG_RWTUN, STATE, sendspace, 1,
	    1 << 30, "Initial send socket buffer size"),
	SYSCTL_INT("net.inet.tcp.recvspace", CTLFLAG_RWTUN, STATE, recvspace, 1,
	    1 << 30, "Initial receive socket buffer size"),
	SYSCTL_INT("net.inet.tcp.delayed_ack", CTLFLAG_RWTUN, STATE,
	    delayed_ack, 0, 2,
	    "Delay ACK to try and piggyback it onto a data packet "
	    "(2, ours: only to the end of the loop iteration)"),
	SYSCTL_INT("net.inet.tcp.delacktime", CTLFLAG_RWTUN, STATE, delacktime,
	    1, 500, "Time before a delayed ACK is sent (ms)"),
	SYSCTL_INT("net.inet.tcp.msl", CTLFLAG_RWTUN, STATE, msl, 1, 600000,
	    "Maximum segment lifetime (ms)"),
	SYSCTL_INT("net.inet.tcp.rexmit_initial", CTLFLAG_RWTUN, STATE,
	    rexmit_initial, 1, 60000, "Initial Retransmission Timeout (ms)"),
	SYSCTL_INT("net.inet.tcp.rexmit_min", CTLFLAG_RWTUN, STATE, rexmit_min,
	    1, 60000, "Minimum Retransmission Timeout (ms)"),
	SYSCTL_INT("net.inet.tcp.rexmit_slop", CTLFLAG_RWTUN, STATE,
	    rexmit_slop, 0, 60000, "Retransmission Timer Slop (ms)"),
	SYSCTL_INT("net.inet.tcp.initcwnd_segments", CTLFLAG_RWTUN, STATE,
	    initcwnd_segments, 0, 1000,
	    "Slow-start flight size (initial congestion window) in number "
	    "of segments"),
	SYSCTL_INT("net.inet.tcp.reass.maxqueuelen", CTLFLAG_RWTUN, STATE,
	    reass_maxqueuelen, 0, 1 << 20,
	    "Maximum number of TCP Segments per Reassembly Queue"),
	SYSCTL_INT("net.inet.tcp.reass.maxsegments", CTLFLAG_RWTUN, STATE,
	    reass_maxsegments, 0, 1 << 24,
	    "Global maximum number of TCP Segments in Reassembly Queue"),
	SYSCTL_INT("net.inet.tcp.maxtcpcb", CTLFLAG_RWTUN, STATE, maxtcpcb, 1,
	    1 << 24, "Maximum number of TCP control blocks (ff)"),
	SYSCTL_PROC("net.inet.tcp.tcbhashsize", CTLTYPE_INT | CTLFLAG_RDTUN,
	    tcp_sysctl_tcbhashsize, "I", "Size of TCP control-block hashtable"),
	SYSCTL_INT("net.inet.tcp.nolocaltimewait", CTLFLAG_RWTUN, STATE,
	    nolocaltimewait, 0, 1,
	    "Do not create TCP TIME_WAIT state for local connections"),
	SYSCTL_INT("net.inet.tcp.ack_war_timewindow", CTLFLAG_RWTUN, STATE,
	    ack_war_timewindow, 0, 1 << 30,
	    "Time interval in ms used to limit the number (ack_war_cnt) of "
	    "challenge ACKs sent per TCP connection"),
	SYSCTL_INT("net.inet.tcp.ack_war_cnt", CTLFLAG_RWTUN, STATE,
	    ack_war_cnt, 0, 1 << 30,
	    "Maximum number of challenge ACKs sent per TCP connection "
	    "during the time interval (ack_war_timewindow)"),
	SYSCTL_INT("net.inet.tcp.blackhole", CTLFLAG_RWTUN, STATE, blackhole, 0,
	    2, "Do not send RST on segments to closed ports"),
	SYSCTL_INT("net.inet.tcp.blackhole_local", CTLFLAG_RWTUN, STATE,
	    blackhole_local, 0, 1,
	    "Enforce net.inet.tcp.blackhole for locally originated packets"),
	SYSCTL_INT("net.inet.tcp.persmin", CTLFLAG_RWTUN, STATE, persmin, 1,
	    1 << 30, "Minimum persistence interval (ms)"),
	SYSCTL_INT("net.inet.tcp.persmax", CTLFLAG_RWTUN, STATE, persmax, 1,
	    1 << 30, "Maximum persistence interval (ms)"),
	SYSCTL_INT("net.inet.tcp.keepidle", CTLFLAG_RWTUN, STATE, keepidle, 1,
	    1 << 30, "time before keepalive probes begin (ms)"),
	SYSCTL_INT("net.inet.tcp.keepintvl", CTLFLAG_RWTUN, STATE, keepintvl, 1,
	    1 << 30, "time between keepalive probes (ms)"),
	SYSCTL_INT("net.inet.tcp.keepcnt", CTLFLAG_RWTUN, STATE, keepcnt, 1,
	    1 << 20, "Number of keepalive probes to send"),
	SYSCTL_INT("net.inet.tcp.always_keepalive", CTLFLAG_RWTUN, STATE,
	    always_keepalive, 0, 1,
	    "Assume SO_KEEPALIVE on all TCP connections"),
	SYSCTL_INT("net.inet.tcp.path_mtu_discovery", CTLFLAG_RWTUN, STATE,
	    path_mtu_discovery, 0, 1, "Enable Path MTU Discovery"),
	SYSCTL_INT("net.inet.tcp.icmp_may_rst", CTLFLAG_RWTUN, STATE,
	    icmp_may_rst, 0, 1,
	    "Certain ICMP unreachable messages may abort connections in "
	    "SYN_SENT"),
	SYSCTL_INT("net.inet.tcp.sendbuf_auto", CTLFLAG_RWTUN, STATE,
	    sendbuf_auto, 0, 1, "Enable automatic send buffer sizing"),
	SYSCTL_INT("net.inet.tcp.sendbuf_inc", CTLFLAG_RWTUN, STATE,
	    sendbuf_inc, 1, 1 << 30,
	    "Incrementor step size of automatic send buffer"),
	SYSCTL_INT("net.inet.tcp.sendbuf_max", CTLFLAG_RWTUN, STATE,
	    sendbuf_max, 1, 1 << 30, "Max size of automatic send buffer"),
	SYSCTL_INT("net.inet.tcp.recvbuf_auto", CTLFLAG_RWTUN, STATE,
	    recvbuf_auto, 0, 1, "Enable automatic receive buffer sizing"),
	SYSCTL_INT("net.inet.tcp.recvbuf_inc", CTLFLAG_RWTUN, STATE,
	    recvbuf_inc, 1, 1 << 30,
	    "Incrementor step size of automatic receive buffer"),
	SYSCTL_INT("net.inet.tcp.recvbuf_max", CTLFLAG_RWTUN, STATE,
	    recvbuf_max, 1, 1 << 30, "Max size of automatic receive buffer"),
	SYSCTL_PROC("net.inet.tcp.pcbcount", CTLTYPE_INT | CTLFLAG_RD,
	    tcp_sysctl_pcbcount, "I", "Number of active PCBs"),
	SYSCTL_OPAQUE("net.inet.tcp.states", CTLFLAG_RD, STATE, tcb_states,
	    "QU", "TCP connection counts by TCP state"),
	SYSCTL_STATS("net.inet.tcp.stats", STATE, tcpstat, "S,tcpstat",
	    "TCP statistics (struct tcpstat, netinet/tcp_var.h)"),
	SYSCTL_STATS("net.inet.tcp.xstats", STATE, tcpxstat, "S,tcpxstat",
	    "TCP drops FreeBSD does not count (struct tcpxstat)"),
};

#undef STATE

int
tcp_sysctl_attach(struct ff_ctx *ctx)
{
	int error;

	if ((error = SYSCTL_ADD_TABLE(ctx, V_tcp(ctx), tcp_sysctls)) != 0 ||
	    (error = tcp_sack_sysctl_attach(ctx)) != 0 ||
	    (error = syncache_sysctl_attach(ctx)) != 0 ||
	    (error = tcp_hc_sysctl_attach(ctx)) != 0 ||
	    (error = cc_sysctl_attach(ctx)) != 0)
		return (error);
	return (0);
}
