/*
 * tcp_syncache.c - the SYN cache and SYN cookies (FreeBSD's
 * netinet/tcp_syncache.c, by behaviour and names).
 *
 * A SYN to a listener makes no socket and no control block: a small
 * entry goes into a bounded hash (net.inet.tcp.syncache.hashsize buckets
 * of at most bucketlimit entries, cachelimit in all, preallocated on
 * first use), and the SYN-ACK is built from it and retransmitted from it
 * (rexmtlimit times, doubling from net.inet.tcp.rexmit_initial).  The
 * final ACK promotes the entry to a connection through the socket
 * layer's sonewconn(); the caller then runs the ACK through the
 * SYN_RECEIVED state as usual.
 *
 * With net.inet.tcp.syncookies (default 1) our ISS is always a cookie,
 * and when a bucket or the cache is full (or syncookies_only) the SYN is
 * answered with one and no state at all.  An overflow also pauses the
 * cache, as FreeBSD's does since 13: for SYNCACHE_PAUSE_MS (doubled, up
 * to SYNCACHE_MAX_BACKOFF times, when overflows come back within a
 * pause's length of the last one's end) every SYN gets a cookie without
 * a bucket walk or an entry, and every ACK is taken as a cookie: under a
 * spoofed flood the buckets are full of dead entries, and walking one
 * (30 cache misses) cost twice the cookie and its SYN-ACK.
 *
 * A cookie (RFC 4987 3.6): the low 9 bits carry the secret slot, an MSS
 * index, the peer's window shift and SACK permission; the upper 23 bits
 * a SipHash MAC of the 4-tuple, the peer's ISN, those 9 bits and the
 * slot's time counter, under one of two secrets rotated every
 * SYNCOOKIE_LIFETIME seconds (a cookie lives 15 to 30 s).  Timestamps
 * are known again from the ACK.
 *
 * Entry points: syncache_init(), syncache_sysctl_attach(),
 * syncache_fini(), syncache_add(), syncache_expand(), syncache_chkrst(),
 * syncache_listen_gone().
 *
 * RFC 4987 (SYN flooding, caches and cookies), RFC 9293 3.10.7.2 (SYN
 * in LISTEN), RFC 7323 (options of the SYN-ACK), RFC 6528 (ISN).
 * Every drop bumps a tcpstat tcps_sc_* counter or a tcpxstat one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/ip_var.h"
#include "netinet/in_pcb.h"
#include "kern/kern_sysctl.h"
#include "netinet/tcp_var.h"
#include "kern/mbuf.h"
#include "netinet/in_cksum.h"
#include "kern/libkern.h"

#define SYNCACHE_HASHSIZE     512 /* FreeBSD's defaults */
#define SYNCACHE_BUCKETLIMIT  30
#define SYNCACHE_MAXREXMTS    3
#define SYNCOOKIE_LIFETIME_MS 15000 /* secret rotation period */
#define SYNCACHE_MAXHASH      65536
#define SYNCACHE_MAXLIMIT     (1 << 20)
#define SYNCACHE_PAUSE_MS     SYNCOOKIE_LIFETIME_MS /* FreeBSD's */
#define SYNCACHE_MAX_BACKOFF  6 /* 15 s << 6: 16 minutes at most */

/* Cookie layout (our ISS). */
#define SCC_ODDEVEN   0x001
#define SCC_MSS_SHIFT 1 /* 3 bits: tcp_sc_msstab index */
#define SCC_WS_SHIFT  4 /* 4 bits: peer's shift + 1, 0 none */
#define SCC_SACK      0x100
#define SCC_INFO_MASK 0x1ff
#define SCC_MAC_SHIFT 9

/* MSS values a cookie can say (FreeBSD's tcp_sc_msstab). */
static const uint16_t tcp_sc_msstab[8] = { 216, 536, 1200, 1360, 1400, 1440,
	1452, 1460 };

/* -- the table ---------------------------------------------------------- */

static void
syncache_free_table(struct tcp_syncache *sch)
{
	unsigned int i;

	if (sch->hashbase != NULL)
		for (i = 0; i < sch->alloc_hashsize; i++)
			sch->hashbase[i].sch_length = 0;
	free(sch->hashbase);
	free(sch->zone);
	sch->hashbase = NULL;
	sch->zone = NULL;
	TAILQ_INIT(&sch->freelist);
	sch->count = 0;
}

/* Buckets and entries, once, at the sizes the sysctls say: 0 or -1. */
static int
syncache_alloc(struct tcp_syncache *tsc)
{
	unsigned int i;

	if (tsc->hashbase != NULL)
		return (0);
	tsc->hashbase = calloc(tsc->hashsize, sizeof(*tsc->hashbase));
	tsc->zone = calloc(tsc->cache_limit, sizeof(*tsc->zone));
	if (tsc->hashbase == NULL || tsc->zone == NULL) {
		syncache_free_table(tsc);
		return (-1);
	}
	tsc->alloc_hashsize = tsc->hashsize;
	tsc->alloc_limit = tsc->cache_limit;
	for (i = 0; i < tsc->hashsize; i++) {
		TAILQ_INIT(&tsc->hashbase[i].sch_bucket);
		callout_init(&tsc->hashbase[i].sch_timer);
	}
	TAILQ_INIT(&tsc->freelist);
	for (i = 0; i < tsc->cache_limit; i++)
		TAILQ_INSERT_TAIL(&tsc->freelist, &tsc->zone[i], sc_hash);
	return (0);
}

static struct syncache_head *
syncache_hashbucket(struct ff_ctx *ctx, const struct tcpseg *seg)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	uint32_t w[3];

	w[0] = seg->src.s_addr;
	w[1] = seg->dst.s_addr;
	w[2] = ((uint32_t)seg->sport << 16) | seg->dport;
	return (&tsc->hashbase[tcp_siphash(tsc->hashkey, w, sizeof(w)) &
	    (tsc->alloc_hashsize - 1)]);
}

static struct syncache *
syncache_lookup(struct syncache_head *sch, const struct tcpseg *seg)
{
	struct syncache *sc;

	TAILQ_FOREACH(sc, &sch->sch_bucket, sc_hash)
	if (sc->sc_faddr.s_addr == seg->src.s_addr &&
	    sc->sc_laddr.s_addr == seg->dst.s_addr &&
	    sc->sc_fport == seg->sport && sc->sc_lport == seg->dport)
		return (sc);
	return (NULL);
}

static void
syncache_drop(
    struct ff_ctx *ctx, struct syncache_head *sch, struct syncache *sc)
{
	struct tcp_syncache *tsc = V_syncache(ctx);

	TAILQ_REMOVE(&sch->sch_bucket, sc, sc_hash);
	sch->sch_length--;
	tsc->count--;
	TAILQ_INSERT_HEAD(&tsc->freelist, sc, sc_hash);
	if (sch->sch_length == 0)
		callout_stop(ctx, &sch->sch_timer);
}

/* -- cookies ------------------------------------------------------------ */

/* Rotate the secrets that are due (lazily: no timer needed). */
static void
syncookie_reseed(struct ff_ctx *ctx)
{
	struct syncookie_secret *s = &V_syncache(ctx)->secret;
	uint64_t now = ff_clock_now(&ctx->clock) / FF_NS_PER_MS;
	int i;

	for (i = 0; i < 2 && now >= s->next_ms; i++) {
		s->oddeven ^= 1;
		s->key[s->oddeven][0] = ff_random64();
		s->key[s->oddeven][1] = ff_random64();
		s->gen[s->oddeven] = s->gen[s->oddeven ^ 1] + 1;
		s->next_ms += SYNCOOKIE_LIFETIME_MS;
	}
	if (now >= s->next_ms) /* idle for long: start afresh */
		s->next_ms = now + SYNCOOKIE_LIFETIME_MS;
}

static uint32_t
syncookie_mac(
    struct ff_ctx *ctx, const struct syncache *sc, int slot, uint32_t info)
{
	struct syncookie_secret *s = &V_syncache(ctx)->secret;
	uint32_t w[6];

	w[0] = sc->sc_laddr.s_addr;
	w[1] = sc->sc_faddr.s_addr;
	w[2] = ((uint32_t)sc->sc_lport << 16) | sc->sc_fport;
	w[3] = sc->sc_irs;
	w[4] = info;
	w[5] = s->gen[slot];
	return ((uint32_t)tcp_siphash(s->key[slot], w, sizeof(w)));
}

/* The cookie for entry sc: our ISS. */
static uint32_t
syncookie_generate(struct ff_ctx *ctx, const struct syncache *sc)
{
	struct syncookie_secret *s = &V_syncache(ctx)->secret;
	uint32_t info, mssi = 0, i;

	syncookie_reseed(ctx);
	for (i = 0; i < 8; i++)
		if (tcp_sc_msstab[i] <=
		    (sc->sc_peer_mss ? sc->sc_peer_mss : TCP_MSS_V4))
			mssi = i;
	info = (uint32_t)s->oddeven | (mssi << SCC_MSS_SHIFT);
	if (sc->sc_flags & SCF_WINSCALE)
		info |= (uint32_t)(sc->sc_requested_s_scale + 1)
		    << SCC_WS_SHIFT;
	if (sc->sc_flags & SCF_SACK)
		info |= SCC_SACK;
	return (
	    (syncookie_mac(ctx, sc, s->oddeven, info) << SCC_MAC_SHIFT) | info);
}

/*
 * The ACK of a SYN-ACK we kept no entry for: rebuild the entry from the
 * cookie (ack - 1).  0 when it is ours and fresh, -1 otherwise.
 */
static int
syncookie_expand(
    struct tcpcb *ltp, const struct tcpseg *seg, struct syncache *sc)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	uint32_t cookie = seg->ack - 1, info = cookie & SCC_INFO_MASK, ws;

	syncookie_reseed(ctx);
	memset(sc, 0, sizeof(*sc));
	sc->sc_ltp = ltp;
	sc->sc_laddr = seg->dst;
	sc->sc_faddr = seg->src;
	sc->sc_lport = seg->dport;
	sc->sc_fport = seg->sport;
	sc->sc_irs = seg->seq - 1;
	if ((cookie & ~(uint32_t)SCC_INFO_MASK) !=
	    (syncookie_mac(ctx, sc, (int)(info & SCC_ODDEVEN), info)
		<< SCC_MAC_SHIFT))
		return (-1);
	sc->sc_iss = cookie;
	sc->sc_peer_mss = tcp_sc_msstab[(info >> SCC_MSS_SHIFT) & 7];
	ws = (info >> SCC_WS_SHIFT) & 0xf;
	if (ws != 0 && (ltp->t_flags & TF_REQ_SCALE)) {
		sc->sc_flags |= SCF_WINSCALE;
		sc->sc_requested_s_scale = (uint8_t)(ws - 1);
		sc->sc_requested_r_scale = ltp->request_r_scale;
	}
	if ((info & SCC_SACK) && V_tcp(ctx)->sack_enable)
		sc->sc_flags |= SCF_SACK;
	if ((seg->to.to_flags & TOF_TS) && (ltp->t_flags & TF_REQ_TSTMP)) {
		sc->sc_flags |= SCF_TIMESTAMP;
		sc->sc_tsreflect = seg->to.to_tsval;
		sc->sc_ts_offset = tcp_new_ts_offset(
		    ctx, seg->dst, seg->dport, seg->src, seg->sport);
	}
	sc->sc_wnd = seg->win;
	return (0);
}

/* -- the SYN-ACK --------------------------------------------------------- */

static int
syncache_options(struct ff_ctx *ctx, const struct syncache *sc, uint8_t *opt)
{
	struct tcpopt to;

	if (sc->sc_flags & SCF_NOOPT)
		return (0);
	memset(&to, 0, sizeof(to));
	to.to_flags = TOF_MSS;
	to.to_mss = (uint16_t)tcp_mss_for(ctx, sc->sc_faddr, TCP_MAXMSS);
	if (sc->sc_flags & SCF_WINSCALE) {
		to.to_flags |= TOF_SCALE;
		to.to_wscale = sc->sc_requested_r_scale;
	}
	if (sc->sc_flags & SCF_SACK)
		to.to_flags |= TOF_SACKPERM;
	if (sc->sc_flags & SCF_TIMESTAMP) {
		to.to_flags |= TOF_TS;
		to.to_tsval = tcp_ts_getticks(ctx) + sc->sc_ts_offset;
		to.to_tsecr = sc->sc_tsreflect;
	}
	return (tcp_addoptions(&to, opt));
}

/* Send the SYN-ACK of sc; tcps_sc_dropped when no mbuf. */
static void
syncache_respond(struct ff_ctx *ctx, const struct syncache *sc)
{
	struct socket *head = tcp_socket(sc->sc_ltp);
	struct inpcb *linp = sc->sc_ltp->t_inpcb;
	uint8_t opt[TCP_MAXOLEN];
	int optlen = syncache_options(ctx, sc, opt);
	uint16_t len =
	    (uint16_t)(sizeof(ip_hdr_t) + sizeof(tcp_hdr_t) + (size_t)optlen);
	uint32_t win = head != NULL ? head->so_rcv.sb_hiwat : 0;
	struct rte_mbuf *m;
	tcp_hdr_t *th;
	ip_hdr_t *ip;

	if ((m = m_gethdr(ctx->pktmbuf_pool)) == NULL ||
	    (ip = (ip_hdr_t *)m_append(m, len)) == NULL) {
		m_freem(m);
		TCPXSTAT_INC(ctx, tcpx_nombuf);
		TCPSTAT_INC(ctx, tcps_sc_dropped);
		return;
	}
	memset(ip, 0, len);
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_len = htons(len);
	ip->ip_p = IPPROTO_TCP;
	ip->ip_src = sc->sc_laddr;
	ip->ip_dst = sc->sc_faddr;
	ip->ip_ttl = linp->inp_ip_ttl;
	ip->ip_tos = linp->inp_ip_tos;
	th = (tcp_hdr_t *)(ip + 1);
	th->th_sport = sc->sc_lport;
	th->th_dport = sc->sc_fport;
	th->th_seq = htonl(sc->sc_iss);
	th->th_ack = htonl(sc->sc_irs + 1);
	th->th_off = (uint8_t)((sizeof(*th) + (size_t)optlen) >> 2);
	th->th_flags = TH_SYN | TH_ACK;
	th->th_win = htons((uint16_t)(win > TCP_MAXWIN ? TCP_MAXWIN : win));
	memcpy(th + 1, opt, (size_t)optlen);
	th->th_sum = in_cksum_l4(ip, th);
	TCPSTAT_INC(ctx, tcps_sndtotal);
	TCPSTAT_INC(ctx, tcps_sndctrl);
	if (ip_output_consume(ctx, m, 0) != 0)
		TCPXSTAT_INC(ctx, tcpx_oerrors);
}

/* -- retransmission ------------------------------------------------------ */

static uint64_t
syncache_rxtdelay(struct ff_ctx *ctx, int rxmits)
{
	return (ff_ms_to_ticks(ctx,
	    (uint64_t)V_tcp(ctx)->rexmit_initial << (rxmits > 6 ? 6 : rxmits)));
}

static void syncache_timer(struct ff_ctx *ctx, void *arg);

static void
syncache_timeout_set(
    struct ff_ctx *ctx, struct syncache_head *sch, uint64_t when)
{
	uint64_t now = tcp_ticks(ctx);

	if (callout_pending(&sch->sch_timer) && sch->sch_nextc <= when)
		return;
	sch->sch_nextc = when;
	callout_reset(ctx, &sch->sch_timer, when > now ? when - now : 0,
	    syncache_timer, sch);
}

/* A bucket's timer: retransmit the due SYN-ACKs, drop the exhausted. */
static void
syncache_timer(struct ff_ctx *ctx, void *arg)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	struct syncache_head *sch = arg;
	struct syncache *sc, *next;
	uint64_t now = tcp_ticks(ctx), nextc = UINT64_MAX;

	for (sc = TAILQ_FIRST(&sch->sch_bucket); sc != NULL; sc = next) {
		next = TAILQ_NEXT(sc, sc_hash);
		if (sc->sc_rxttime > now) {
			if (sc->sc_rxttime < nextc)
				nextc = sc->sc_rxttime;
			continue;
		}
		if (sc->sc_rxmits >= tsc->rexmt_limit) {
			TCPSTAT_INC(ctx, tcps_sc_stale);
			syncache_drop(ctx, sch, sc);
			continue;
		}
		syncache_respond(ctx, sc);
		TCPSTAT_INC(ctx, tcps_sc_retransmitted);
		sc->sc_rxmits++;
		sc->sc_rxttime = now + syncache_rxtdelay(ctx, sc->sc_rxmits);
		if (sc->sc_rxttime < nextc)
			nextc = sc->sc_rxttime;
	}
	if (nextc != UINT64_MAX)
		syncache_timeout_set(ctx, sch, nextc);
}

/* -- SYN ------------------------------------------------------------------ */

/* What the SYN says, and what we will answer with. */
static void
syncache_fill(struct tcpcb *ltp, const struct tcpseg *seg, struct syncache *sc)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	const struct tcpopt *to = &seg->to;

	memset(sc, 0, sizeof(*sc));
	sc->sc_ltp = ltp;
	sc->sc_laddr = seg->dst;
	sc->sc_faddr = seg->src;
	sc->sc_lport = seg->dport;
	sc->sc_fport = seg->sport;
	sc->sc_irs = seg->seq;
	sc->sc_wnd = seg->win;
	sc->sc_peer_mss = (to->to_flags & TOF_MSS) ? to->to_mss : 0;
	if (ltp->t_flags & TF_NOOPT) {
		sc->sc_flags = SCF_NOOPT;
		return;
	}
	if ((to->to_flags & TOF_SCALE) && (ltp->t_flags & TF_REQ_SCALE)) {
		sc->sc_flags |= SCF_WINSCALE;
		sc->sc_requested_s_scale = to->to_wscale;
		sc->sc_requested_r_scale = ltp->request_r_scale;
	}
	/* The offset (a hash) only when timestamps are on: FreeBSD's way. */
	if ((to->to_flags & TOF_TS) && (ltp->t_flags & TF_REQ_TSTMP)) {
		sc->sc_flags |= SCF_TIMESTAMP;
		sc->sc_tsreflect = to->to_tsval;
		sc->sc_ts_offset = tcp_new_ts_offset(
		    ctx, seg->dst, seg->dport, seg->src, seg->sport);
	}
	if ((to->to_flags & TOF_SACKPERM) && V_tcp(ctx)->sack_enable)
		sc->sc_flags |= SCF_SACK; /* RFC 2018 2 */
}

static void
syncache_set_iss(struct ff_ctx *ctx, struct syncache *sc)
{
	if (V_syncache(ctx)->syncookies)
		sc->sc_iss = syncookie_generate(ctx, sc);
	else
		sc->sc_iss = tcp_new_isn(ctx, sc->sc_laddr, sc->sc_lport,
		    sc->sc_faddr, sc->sc_fport);
}

/* No room (or cookies only): a cookie, or nothing. */
static void
syncache_cookie_only(struct ff_ctx *ctx, struct syncache *sc)
{
	if (!V_syncache(ctx)->syncookies) {
		TCPSTAT_INC(ctx, tcps_sc_dropped);
		return;
	}
	sc->sc_iss = syncookie_generate(ctx, sc);
	TCPSTAT_INC(ctx, tcps_sc_sendcookie);
	syncache_respond(ctx, sc);
}

/* Cookies only for now: paused, and the pause not over. */
static int
syncache_paused(struct ff_ctx *ctx)
{
	struct tcp_syncache *tsc = V_syncache(ctx);

	if (!tsc->paused)
		return (0);
	if (tcp_ticks(ctx) < tsc->pause_until)
		return (1);
	tsc->paused = 0;
	return (0);
}

/*
 * An overflow with cookies on: pause.  A new overflow within one pause
 * length of the last pause's end is the same attack: twice as long.
 */
static void
syncache_pause(struct ff_ctx *ctx)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	uint64_t now = tcp_ticks(ctx), base, delta;

	if (!tsc->syncookies || tsc->paused)
		return;
	base = ff_ms_to_ticks(ctx, SYNCACHE_PAUSE_MS);
	delta = base << tsc->pause_backoff;
	if (tsc->pause_until != 0 && tsc->pause_until + delta > now) {
		if (tsc->pause_backoff < SYNCACHE_MAX_BACKOFF) {
			delta <<= 1;
			tsc->pause_backoff++;
		}
	} else {
		delta = base;
		tsc->pause_backoff = 0;
	}
	tsc->paused = 1;
	tsc->pause_until = now + delta;
	ff_log(FF_LOG_SECURITY,
	    "syncache: overflow: SYN cookies only for %llu s\n",
	    (unsigned long long)(delta / ff_ms_to_ticks(ctx, 1000)));
}

/* Cookies and nothing else: asked for, or paused (syncache_cookiesonly()). */
static int
syncache_cookiesonly(struct ff_ctx *ctx)
{
	struct tcp_syncache *tsc = V_syncache(ctx);

	return (
	    tsc->syncookies && (tsc->syncookies_only || syncache_paused(ctx)));
}

/* A free entry for bucket sch, evicting when cookies are off; or NULL. */
static struct syncache *
syncache_getentry(struct ff_ctx *ctx, struct syncache_head *sch)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	int full = 0;

	if (sch->sch_length >= (int)tsc->bucket_limit) {
		TCPSTAT_INC(ctx, tcps_sc_bucketoverflow);
		full = 1;
	} else if (tsc->count >= tsc->alloc_limit) {
		TCPSTAT_INC(ctx, tcps_sc_cacheoverflow);
		full = 1;
	}
	if (full && tsc->syncookies) {
		syncache_pause(ctx);
		return (NULL);
	}
	if (full && !TAILQ_EMPTY(&sch->sch_bucket))
		syncache_drop(ctx, sch, TAILQ_LAST(&sch->sch_bucket, sch_head));
	if (TAILQ_EMPTY(&tsc->freelist)) {
		TCPSTAT_INC(ctx, tcps_sc_zonefail);
		return (NULL);
	}
	return (TAILQ_FIRST(&tsc->freelist));
}

void
syncache_add(struct tcpcb *ltp, const struct tcpseg *seg)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	struct tcp_syncache *tsc = V_syncache(ctx);
	struct syncache_head *sch;
	struct syncache tmp, *sc;

	syncache_fill(ltp, seg, &tmp);
	if (syncache_cookiesonly(ctx)) {
		syncache_cookie_only(ctx, &tmp); /* no walk, no entry */
		return;
	}
	if (syncache_alloc(tsc) != 0) {
		TCPSTAT_INC(ctx, tcps_sc_zonefail);
		syncache_cookie_only(ctx, &tmp);
		return;
	}
	sch = syncache_hashbucket(ctx, seg);
	if ((sc = syncache_lookup(sch, seg)) != NULL) {
		/* Our SYN-ACK was lost, or the peer starts over. */
		TCPSTAT_INC(ctx, tcps_sc_dupsyn);
		sc->sc_start = 0; /* Karn: no RTT sample */
		if (sc->sc_irs != seg->seq || sc->sc_ltp != ltp) {
			tmp.sc_hash = sc->sc_hash;
			tmp.sc_rxmits = sc->sc_rxmits;
			tmp.sc_rxttime = sc->sc_rxttime;
			*sc = tmp;
			syncache_set_iss(ctx, sc);
		}
		syncache_respond(ctx, sc);
		return;
	}
	if ((sc = syncache_getentry(ctx, sch)) == NULL) {
		syncache_cookie_only(ctx, &tmp);
		return;
	}
	TAILQ_REMOVE(&tsc->freelist, sc, sc_hash);
	*sc = tmp;
	syncache_set_iss(ctx, sc);
	sc->sc_rxttime = tcp_ticks(ctx) + syncache_rxtdelay(ctx, 0);
	sc->sc_start = tcp_ticks(ctx) + 1;
	TAILQ_INSERT_HEAD(&sch->sch_bucket, sc, sc_hash);
	sch->sch_length++;
	tsc->count++;
	TCPSTAT_INC(ctx, tcps_sc_added);
	syncache_timeout_set(ctx, sch, sc->sc_rxttime);
	syncache_respond(ctx, sc);
}

/* -- the final ACK ----------------------------------------------------- */

/* Options agreed in the handshake, on the new control block. */
static void
syncache_tcpcb_options(struct tcpcb *tp, const struct syncache *sc)
{
	struct ff_ctx *ctx = tp->t_ctx;

	if (sc->sc_flags & SCF_WINSCALE) {
		tp->t_flags |= TF_REQ_SCALE | TF_RCVD_SCALE;
		tp->snd_scale = sc->sc_requested_s_scale;
		tp->rcv_scale = tp->request_r_scale = sc->sc_requested_r_scale;
	} else {
		tp->t_flags &= ~TF_REQ_SCALE;
		tp->snd_scale = tp->rcv_scale = 0;
	}
	if (sc->sc_flags & SCF_TIMESTAMP) {
		tp->t_flags |= TF_REQ_TSTMP | TF_RCVD_TSTMP;
		tp->ts_recent = sc->sc_tsreflect;
		tp->ts_recent_age = tcp_ts_getticks(ctx);
	} else
		tp->t_flags &= ~TF_REQ_TSTMP;
	if (sc->sc_flags & SCF_SACK)
		tp->t_flags |= TF_SACK_PERMIT;
	tp->ts_offset = sc->sc_ts_offset;
	tp->t_maxseg = tcp_mss_for(ctx, sc->sc_faddr, sc->sc_peer_mss);
}

/* A socket and control block in SYN_RECEIVED for sc; NULL counted. */
static struct tcpcb *
syncache_socket(struct tcpcb *ltp, const struct syncache *sc)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	struct socket *so, *head = tcp_socket(ltp);
	struct inpcb *inp;
	struct tcpcb *tp;

	if (head == NULL || (so = sonewconn(head, 0)) == NULL) {
		TCPSTAT_INC(ctx, tcps_listendrop);
		TCPXSTAT_INC(ctx, tcpx_sc_nosock);
		return (NULL);
	}
	inp = sotoinpcb(so);
	tp = inp->inp_ppcb;
	inp->inp_laddr = sc->sc_laddr;
	inp->inp_lport = sc->sc_lport;
	inp->inp_faddr = sc->sc_faddr;
	inp->inp_fport = sc->sc_fport;
	in_pcbrehash(inp);
	tp->t_flags |= ltp->t_flags & (TF_NODELAY | TF_NOOPT);
	tp->irs = sc->sc_irs;
	tcp_rcvseqinit(tp);
	/* The window our SYN-ACK offered (syncache_respond()). */
	tp->rcv_adv +=
	    so->so_rcv.sb_hiwat > TCP_MAXWIN ? TCP_MAXWIN : so->so_rcv.sb_hiwat;
	tp->iss = sc->sc_iss;
	tcp_sendseqinit(tp);
	tp->snd_nxt = tp->snd_max = tp->iss + 1; /* our SYN went out */
	if (sc->sc_rxmits == 0 && sc->sc_start != 0) {
		tp->t_rtttime = sc->sc_start; /* an RTT sample (Karn) */
		tp->t_rtseq = tp->iss;
	}
	syncache_tcpcb_options(tp, sc);
	tp->snd_wnd = tp->snd_max_wnd = sc->sc_wnd;
	tp->snd_wl1 = sc->sc_irs;
	tcp_state_change(tp, TCPS_SYN_RECEIVED);
	tcp_timer_keep(tp, 75000);
	return (tp);
}

struct tcpcb *
syncache_expand(struct tcpcb *ltp, const struct tcpseg *seg, int *rst)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	struct tcp_syncache *tsc = V_syncache(ctx);
	struct syncache_head *sch = NULL;
	struct syncache tmp, *sc = NULL;
	struct tcpcb *tp;

	*rst = SC_RST_BADACK;
	/* Cookies only: an entry's ISS is a cookie too; no walk. */
	if (tsc->hashbase != NULL && !syncache_cookiesonly(ctx)) {
		sch = syncache_hashbucket(ctx, seg);
		sc = syncache_lookup(sch, seg);
	}
	if (sc != NULL) {
		if (seg->ack != sc->sc_iss + 1 || seg->seq != sc->sc_irs + 1) {
			TCPSTAT_INC(ctx, tcps_sc_badack);
			return (NULL);
		}
		tmp = *sc;
		syncache_drop(ctx, sch, sc);
	} else if (!tsc->syncookies) {
		TCPSTAT_INC(ctx, tcps_badsyn);
		return (NULL);
	} else if (syncookie_expand(ltp, seg, &tmp) != 0) {
		TCPXSTAT_INC(ctx, tcpx_sc_badcookie);
		return (NULL);
	} else
		TCPSTAT_INC(ctx, tcps_sc_recvcookie);
	if ((tp = syncache_socket(ltp, &tmp)) == NULL) {
		*rst = tsc->rst_on_sock_fail ? SC_RST_SOCKFAIL : SC_RST_NONE;
		return (NULL);
	}
	TCPSTAT_INC(ctx, tcps_sc_completed);
	*rst = SC_RST_NONE;
	return (tp);
}

void
syncache_chkrst(struct tcpcb *ltp, const struct tcpseg *seg)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	struct tcp_syncache *tsc = V_syncache(ctx);
	struct syncache_head *sch;
	struct syncache *sc;

	if (tsc->hashbase == NULL)
		return;
	sch = syncache_hashbucket(ctx, seg);
	if ((sc = syncache_lookup(sch, seg)) == NULL ||
	    seg->seq != sc->sc_irs + 1) {
		TCPSTAT_INC(ctx, tcps_badrst);
		return;
	}
	TCPSTAT_INC(ctx, tcps_sc_reset);
	syncache_drop(ctx, sch, sc);
}

void
syncache_listen_gone(struct tcpcb *ltp)
{
	struct ff_ctx *ctx = ltp->t_ctx;
	struct tcp_syncache *tsc = V_syncache(ctx);
	struct syncache *sc, *next;
	unsigned int i;

	if (tsc->hashbase == NULL || tsc->count == 0)
		return;
	for (i = 0; i < tsc->alloc_hashsize; i++)
		for (sc = TAILQ_FIRST(&tsc->hashbase[i].sch_bucket); sc != NULL;
		     sc = next) {
			next = TAILQ_NEXT(sc, sc_hash);
			if (sc->sc_ltp != ltp)
				continue;
			tcp_respond(ctx, NULL, sc->sc_laddr, sc->sc_lport,
			    sc->sc_faddr, sc->sc_fport, sc->sc_iss + 1,
			    sc->sc_irs + 1, TH_RST | TH_ACK);
			TCPSTAT_INC(ctx, tcps_sc_aborted);
			syncache_drop(ctx, &tsc->hashbase[i], sc);
		}
}

/* -- life and sysctls ---------------------------------------------------- */

void
syncache_init(struct ff_ctx *ctx)
{
	struct tcp_syncache *tsc = V_syncache(ctx);

	memset(tsc, 0, sizeof(*tsc));
	TAILQ_INIT(&tsc->freelist);
	tsc->hashsize = SYNCACHE_HASHSIZE;
	tsc->bucket_limit = SYNCACHE_BUCKETLIMIT;
	tsc->cache_limit = SYNCACHE_HASHSIZE * SYNCACHE_BUCKETLIMIT;
	tsc->rexmt_limit = SYNCACHE_MAXREXMTS;
	tsc->rst_on_sock_fail = 1;
	tsc->syncookies = 1;
	tsc->hashkey[0] = ff_random64();
	tsc->hashkey[1] = ff_random64();
	tsc->secret.key[0][0] = ff_random64();
	tsc->secret.key[0][1] = ff_random64();
	tsc->secret.key[1][0] = ff_random64();
	tsc->secret.key[1][1] = ff_random64();
	tsc->secret.gen[1] = 1;
	tsc->secret.oddeven = 1;
	tsc->secret.next_ms =
	    ff_clock_now(&ctx->clock) / FF_NS_PER_MS + SYNCOOKIE_LIFETIME_MS;
}

void
syncache_fini(struct ff_ctx *ctx)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	unsigned int i;

	if (tsc->hashbase != NULL)
		for (i = 0; i < tsc->alloc_hashsize; i++)
			callout_stop(ctx, &tsc->hashbase[i].sch_timer);
	syncache_free_table(tsc);
}

/*
 * hashsize, bucketlimit, cachelimit: the table is sized on first use, so
 * a change frees it (when empty: EBUSY otherwise) for the next SYN.
 */
static int
syncache_sysctl_size(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	struct tcp_syncache *tsc = V_syncache(ctx);
	unsigned int *p = sysctl_oid_arg1(oidp), v = *p;
	int error;

	error = sysctl_handle_value(req, &v, sizeof(v));
	if (error != 0 || req->newptr == NULL)
		return (error);
	if (v == 0 || v > SYNCACHE_MAXLIMIT ||
	    (p == &tsc->hashsize &&
		(v > SYNCACHE_MAXHASH || (v & (v - 1)) != 0)))
		return (EINVAL);
	if (v == *p)
		return (0); /* the same size: keep the table */
	if (tsc->count != 0)
		return (EBUSY);
	syncache_fini(ctx);
	*p = v;
	if (p != &tsc->cache_limit)
		tsc->cache_limit = tsc->hashsize * tsc->bucket_limit;
	return (0);
}

static int
syncache_sysctl_count(
    struct ff_ctx *ctx, struct sysctl_oid *oidp, struct sysctl_req *req)
{
	unsigned int n = V_syncache(ctx)->count;

	return (sysctl_out(req, &n, sizeof(n)));
}

#define STATE	struct tcp_syncache
#define SC_SIZE (CTLTYPE_UINT | CTLFLAG_RW | CTLFLAG_TUN)

static const struct sysctl_entry syncache_sysctls[] = {
	SYSCTL_NODE("net.inet.tcp.syncache", "TCP SYN cache"),
	SYSCTL_PROC_VAR("net.inet.tcp.syncache.hashsize", SC_SIZE, STATE,
	    hashsize, syncache_sysctl_size, "IU",
	    "Size of TCP syncache hashtable"),
	SYSCTL_PROC_VAR("net.inet.tcp.syncache.bucketlimit", SC_SIZE, STATE,
	    bucket_limit, syncache_sysctl_size, "IU",
	    "Per-bucket hash limit for syncache"),
	SYSCTL_PROC_VAR("net.inet.tcp.syncache.cachelimit", SC_SIZE, STATE,
	    cache_limit, syncache_sysctl_size, "IU",
	    "Overall entry limit for syncache"),
	SYSCTL_PROC("net.inet.tcp.syncache.count", CTLTYPE_UINT | CTLFLAG_RD,
	    syncache_sysctl_count, "IU",
	    "Current number of entries in syncache"),
	SYSCTL_UINT("net.inet.tcp.syncache.rexmtlimit", CTLFLAG_RW, STATE,
	    rexmt_limit, 0, 16, "Limit on SYN/ACK retransmissions"),
	SYSCTL_INT("net.inet.tcp.syncache.rst_on_sock_fail", CTLFLAG_RW, STATE,
	    rst_on_sock_fail, 0, 1, "Send reset on socket allocation failure"),
	SYSCTL_INT("net.inet.tcp.syncookies", CTLFLAG_RW, STATE, syncookies, 0,
	    1, "Use TCP SYN cookies if the syncache overflows"),
	SYSCTL_INT("net.inet.tcp.syncookies_only", CTLFLAG_RW, STATE,
	    syncookies_only, 0, 1, "Use only TCP SYN cookies"),
};

#undef SC_SIZE
#undef STATE

int
syncache_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_syncache(ctx), syncache_sysctls));
}
