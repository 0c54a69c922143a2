/*
 * tcp_ctlinput.c - ICMP errors about TCP segments we sent (FreeBSD's
 * tcp_ctlinput(), tcp_notify(), tcp_drop_syn_sent() and tcp_mtudisc()
 * in netinet/tcp_subr.c).
 *
 * Entry point: tcp_ctlinput(), called by icmp_input with the quoted IP
 * header and at least the first 8 bytes of the TCP header behind it.
 *
 * Every error must name a live connection and a sequence number in
 * flight (snd_una <= seq < snd_max), else it is counted and ignored
 * (RFC 5927 4.1: a blind attacker must guess the sequence space).  Then:
 *   - fragmentation needed (RFC 1191, type 3 code 4), with
 *     net.inet.tcp.path_mtu_discovery: the MSS drops to the next-hop MTU
 *     less 40 bytes (an old router's zero MTU picks the RFC 1191
 *     plateau below the quoted datagram), at least net.inet.tcp.minmss,
 *     and everything in flight is sent again in the new size
 *     (tcps_mturesent).  The lower path MTU also goes to the host cache
 *     (tcp_hostcache.c), so that later connections to the host start
 *     with an MSS that fits.
 *   - port or protocol unreachable, administratively prohibited, TTL
 *     exceeded in transit: a connection still in SYN_SENT is dropped
 *     with ECONNREFUSED or EHOSTUNREACH (net.inet.tcp.icmp_may_rst);
 *   - otherwise (and those in later states) a soft error (RFC 1122
 *     4.2.3.9): kept in t_softerror and reported through so_error when
 *     the connection times out instead of ETIMEDOUT, or at once when a
 *     connection attempt has already retransmitted more than 3 times.
 *     Host and net unreachable are ignored in ESTABLISHED; source quench
 *     is ignored (RFC 6633).
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/in_pcb.h"
#include "netinet/ip_icmp.h"
#include "netinet/tcp_var.h"

/* RFC 1191 section 7: MTU plateaus, largest first. */
static const uint16_t tcp_mtu_plateau[] = { 65535, 32000, 17914, 8166, 4352,
	2002, 1492, 1006, 508, 296, 68 };

/* The plateau below a datagram of len bytes that did not fit. */
static uint32_t
tcp_next_mtu(uint32_t len)
{
	size_t i;

	for (i = 0; i < sizeof(tcp_mtu_plateau) / sizeof(*tcp_mtu_plateau); i++)
		if (tcp_mtu_plateau[i] < len)
			return (tcp_mtu_plateau[i]);
	return (68);
}

/* RFC 1191: a smaller path MTU; resend what is in flight to fit it. */
static void
tcp_mtudisc(struct tcpcb *tp, uint32_t mtu, const ip_hdr_t *oip)
{
	struct ff_ctx *ctx = tp->t_ctx;
	uint32_t mss;

	if (mtu < 68)
		mtu = tcp_next_mtu(ntohs(oip->ip_len));
	mss = mtu > 40 ? mtu - 40 : 0;
	if (mss < (uint32_t)V_tcp(ctx)->minmss)
		mss = (uint32_t)V_tcp(ctx)->minmss;
	if (mss >= tp->t_maxseg) {
		TCPXSTAT_INC(ctx, tcpx_icmpbadmtu);
		return;
	}
	/* The MTU the MSS now fits, minmss applied: the next connection's. */
	tcp_hc_updatemtu(ctx, tp->t_inpcb->inp_faddr, mss + 40);
	tp->t_maxseg = mss;
	TCPSTAT_INC(ctx, tcps_mturesent);
	tp->t_rtttime = 0; /* Karn: no sample from a resend */
	tp->snd_nxt = tp->snd_una;
	(void)tcp_output(tp);
}

/* A soft error (FreeBSD's tcp_notify). */
static void
tcp_notify(struct tcpcb *tp, int error)
{
	struct socket *so = tcp_socket(tp);

	if (tp->t_state == TCPS_ESTABLISHED &&
	    (error == EHOSTUNREACH || error == ENETUNREACH ||
		error == EHOSTDOWN))
		return;
	if (tp->t_state < TCPS_ESTABLISHED && tp->t_rxtshift > 3 &&
	    tp->t_softerror != 0) {
		(void)tcp_drop(tp, error);
		return;
	}
	tp->t_softerror = error;
	if (so != NULL) {
		sorwakeup(so);
		sowwakeup(so);
	}
}

/* The errno of an ICMP error (FreeBSD's inetctlerrmap); 0 ignores it. */
static int
tcp_icmp_errno(int type, int code, int *hard)
{
	*hard = 0;
	switch (type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_PROTOCOL:
		case ICMP_UNREACH_PORT:
			*hard = 1;
			return (ECONNREFUSED);
		case 9:	 /* net administratively prohibited */
		case 10: /* host administratively prohibited */
		case ICMP_UNREACH_FILTER_PROHIB:
			*hard = 1;
			return (EHOSTUNREACH);
		default:
			return (EHOSTUNREACH);
		}
	case ICMP_TIMXCEED:
		*hard = code == ICMP_TIMXCEED_INTRANS;
		return (code == ICMP_TIMXCEED_INTRANS ? EHOSTUNREACH : 0);
	case ICMP_PARAMPROB:
		return (ENOPROTOOPT);
	default: /* source quench: RFC 6633 */
		return (0);
	}
}

/* The connection the quoted segment belongs to, if it is in flight. */
static struct tcpcb *
tcp_ctl_tcpcb(struct ff_ctx *ctx, const ip_hdr_t *oip, const uint8_t *oth)
{
	struct inpcb *inp;
	struct tcpcb *tp;
	uint16_t sport, dport;
	uint32_t seq;

	memcpy(&sport, oth, 2);
	memcpy(&dport, oth + 2, 2);
	memcpy(&seq, oth + 4, 4);
	seq = ntohl(seq);
	inp = in_pcblookup(
	    V_tcbinfo(ctx), oip->ip_dst, dport, oip->ip_src, sport, 0);
	tp = inp != NULL ? inp->inp_ppcb : NULL;
	if (tp == NULL || tp->t_state == TCPS_LISTEN ||
	    tp->t_state == TCPS_CLOSED || tp->t_state == TCPS_TIME_WAIT) {
		TCPXSTAT_INC(ctx, tcpx_icmpnopcb);
		return (NULL);
	}
	if (SEQ_LT(seq, tp->snd_una) || SEQ_GEQ(seq, tp->snd_max)) {
		TCPXSTAT_INC(ctx, tcpx_icmpbadseq);
		return (NULL);
	}
	return (tp);
}

void
tcp_ctlinput(struct ff_ctx *ctx, int type, int code, uint32_t mtu,
    const ip_hdr_t *oip, uint32_t oiplen)
{
	struct tcpcb *tp;
	int error, hard;

	if (oiplen < (uint32_t)IP_HDRLEN(oip) + 8 ||
	    IP_HDRLEN(oip) < (int)sizeof(ip_hdr_t))
		return; /* icmp_input checked and counted */
	tp = tcp_ctl_tcpcb(ctx, oip, (const uint8_t *)oip + IP_HDRLEN(oip));
	if (tp == NULL)
		return;
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG) {
		if (V_tcp(ctx)->path_mtu_discovery)
			tcp_mtudisc(tp, mtu, oip);
		return;
	}
	if ((error = tcp_icmp_errno(type, code, &hard)) == 0)
		return;
	if (hard && V_tcp(ctx)->icmp_may_rst && tp->t_state == TCPS_SYN_SENT)
		(void)tcp_drop(tp, error);
	else
		tcp_notify(tp, error);
}
