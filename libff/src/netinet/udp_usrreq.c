/*
 * udp_usrreq.c - UDP (RFC 768): input demultiplexing to sockets, output,
 * and the user requests of the socket layer, after FreeBSD's
 * netinet/udp_usrreq.c.
 *
 * Entry points: udp_init(), udp_sysctl_attach(), udp_fini(),
 * udp_input_consume() (from ip_deliver), udp_ctlinput() (from
 * icmp_input), and udp_protosw (pru_*).
 *
 * Input: header and length checks (udps_hdrops, udps_badlen), checksum
 * (hardware verdict when the port gives one, software otherwise;
 * udps_badsum; no checksum counted in udps_nosum), lookup by 4-tuple
 * then wildcard; no socket: ICMP port unreachable (RFC 1122 3.2.2.1)
 * unless broadcast/multicast (udps_noportbcast) or net.inet.udp.blackhole;
 * full receive buffer: udps_fullsock.  A datagram to a broadcast address
 * goes to the first matching socket only.
 *
 * Output: datagrams up to net.inet.udp.maxdgram (so_snd's limit),
 * checksum unless net.inet.udp.checksum is 0, SO_BROADCAST needed for a
 * broadcast destination (-EACCES from ip_output otherwise).
 *
 * ICMP errors (RFC 1122 4.1.3.3): one quoting a datagram of a connected
 * socket, same 4-tuple, sets so_error (FreeBSD's inetctlerrmap: port
 * unreachable is ECONNREFUSED, host unreachable EHOSTUNREACH, ...), which
 * the next send or receive returns once; unconnected sockets are not told.
 * What is not delivered is counted in net.inet.udp.xstats.
 *
 * Sysctls: net.inet.udp.checksum, maxdgram, recvspace, blackhole, stats,
 * xstats.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "net/if_var.h"
#include "netinet/in_var.h"
#include "netinet/ip_var.h"
#include "netinet/icmp_var.h"
#include "netinet/in_cksum.h"
#include "netinet/in_pcb.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "netinet/udp_var.h"
#include "kern/mbuf.h"

struct udphdr {
	uint16_t uh_sport; /* source port */
	uint16_t uh_dport; /* destination port */
	uint16_t uh_ulen;  /* udp length */
	uint16_t uh_sum;   /* udp checksum */
};

#define UDP_HDRLEN 8

#define UDPXSTAT_INC(ctx, f) (V_udp(ctx)->udpxstat.f++)

int
udp_init(struct ff_ctx *ctx)
{
	struct udp_state *us = V_udp(ctx);

	memset(&us->udpstat, 0, sizeof(us->udpstat));
	memset(&us->udpxstat, 0, sizeof(us->udpxstat));
	us->udp_cksum = 1;
	us->udp_recvspace = UDP_RECVSPACE_DEFAULT;
	us->udp_sendspace = UDP_MAXDGRAM_DEFAULT;
	us->udp_blackhole = 0;
	return (in_pcbinfo_init(ctx, &us->udbinfo, "udp", IPPROTO_UDP, 1024));
}

void
udp_fini(struct ff_ctx *ctx)
{
	if (ctx->stack != NULL && V_udbinfo(ctx)->ipi_zone != NULL)
		in_pcbinfo_destroy(V_udbinfo(ctx));
}

#define STATE struct udp_state

static const struct sysctl_entry udp_sysctls[] = {
	SYSCTL_INT("net.inet.udp.checksum", CTLFLAG_RW, STATE, udp_cksum, 0, 1,
	    "compute udp checksum"),
	SYSCTL_ULONG("net.inet.udp.maxdgram", CTLFLAG_RW, STATE, udp_sendspace,
	    "Maximum outgoing UDP datagram size"),
	SYSCTL_ULONG("net.inet.udp.recvspace", CTLFLAG_RW, STATE, udp_recvspace,
	    "Maximum space for incoming UDP datagrams"),
	SYSCTL_INT("net.inet.udp.blackhole", CTLFLAG_RW, STATE, udp_blackhole,
	    0, 1, "Do not send port unreachables for refused connects"),
	SYSCTL_STATS("net.inet.udp.stats", STATE, udpstat, "S,udpstat",
	    "UDP statistics (struct udpstat, netinet/udp_var.h)"),
	SYSCTL_STATS("net.inet.udp.xstats", STATE, udpxstat, "S,udpxstat",
	    "UDP drops FreeBSD does not count (struct udpxstat)"),
};

#undef STATE

int
udp_sysctl_attach(struct ff_ctx *ctx)
{
	return (SYSCTL_ADD_TABLE(ctx, V_udp(ctx), udp_sysctls));
}

/* -- input ---------------------------------------------------------------- */

/* The UDP checksum of datagram m (IP header at the front): 0 when good. */
static uint16_t
udp_cksum_mbuf(
    const struct rte_mbuf *m, const ip_hdr_t *ip, int hlen, uint16_t ulen)
{
	ip_hdr_t ph;
	uint16_t raw;
	uint32_t sum;

	/* The pseudo header counts ulen, whatever options ip carries. */
	memcpy(&ph, ip, sizeof(ph));
	ph.ip_len = htons((uint16_t)(ulen + sizeof(ph)));
	IP_SET_VHL(&ph, sizeof(ph));
	if (in_cksum_raw_mbuf(m, (uint32_t)hlen, ulen, &raw) != 0)
		return (1);
	sum = (uint32_t)raw + in_pseudo_sum(&ph);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/*
 * Header, length and checksum checks: 0, or -1 when m was dropped.  The
 * port's verdict counts only with IFCAP_RXCSUM on (ifconfig -rxcsum:
 * the stack sums every datagram itself), lo0's (M_LOOP) always.
 */
static int
udp_check(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int hlen,
    struct udphdr *uh, int lflags)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	uint32_t len = m_pktlen(m) - (uint32_t)hlen;
	const void *p;
	uint32_t csum;
	uint16_t ulen;

	if (len < UDP_HDRLEN ||
	    (p = m_copydata_p(m, (uint32_t)hlen, sizeof(*uh), uh)) == NULL) {
		UDPSTAT_INC(ctx, udps_hdrops);
		goto drop;
	}
	if (p != uh)
		memcpy(uh, p, sizeof(*uh));
	ulen = ntohs(uh->uh_ulen);
	if (ulen < UDP_HDRLEN || ulen != len) {
		UDPSTAT_INC(ctx, udps_badlen);
		goto drop;
	}
	if (uh->uh_sum == 0) {
		UDPSTAT_INC(ctx, udps_nosum);
		return (0);
	}
	csum = m_pkthdr(m)->csum_flags;
	if ((lflags & M_LOOP) == 0 && (ifp->if_capenable & IFCAP_RXCSUM) == 0)
		csum &= ~(CSUM_L4_CALC | CSUM_L4_VALID);
	if ((csum & (CSUM_L4_CALC | CSUM_L4_VALID)) ==
	    (CSUM_L4_CALC | CSUM_L4_VALID))
		return (0);
	if ((csum & CSUM_L4_CALC) != 0 ||
	    udp_cksum_mbuf(m, ip, hlen, ulen) != 0) {
		UDPSTAT_INC(ctx, udps_badsum);
		goto drop;
	}
	return (0);
drop:
	m_freem(m);
	return (-1);
}

/* No socket for the datagram: count, and answer unless told not to. */
static void
udp_noport_consume(
    struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m, int lflags)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);

	UDPSTAT_INC(ctx, udps_noport);
	if ((lflags & (M_BCAST | M_MCAST)) != 0 ||
	    IN_MULTICAST(ntohl(ip->ip_dst.s_addr)) ||
	    in_broadcast(ip->ip_dst, ifp)) {
		UDPSTAT_INC(ctx, udps_noportbcast);
		m_freem(m);
		return;
	}
	if (V_udp(ctx)->udp_blackhole) {
		m_freem(m);
		return;
	}
	icmp_error_consume(ctx, m, ICMP_UNREACH, ICMP_UNREACH_PORT, 0, lflags);
}

void
udp_input_consume(struct ff_ctx *ctx, struct ifnet *ifp, struct rte_mbuf *m,
    int hlen, int lflags)
{
	const ip_hdr_t *ip = mtod(m, const ip_hdr_t *);
	struct sockaddr_in from;
	struct udphdr uh;
	struct inpcb *inp;
	struct socket *so;

	UDPSTAT_INC(ctx, udps_ipackets);
	if (udp_check(ctx, ifp, m, hlen, &uh, lflags) != 0)
		return;
	/*
	 * A port may cut the frame anywhere: the header is pulled up before
	 * it is cut off (udp_check read it wherever it was).
	 */
	if (m_pullup(m, (uint32_t)hlen + UDP_HDRLEN) != 0) {
		UDPSTAT_INC(ctx, udps_hdrops);
		m_freem(m);
		return;
	}
	ip = mtod(m, const ip_hdr_t *);
	inp = in_pcblookup(V_udbinfo(ctx), ip->ip_src, uh.uh_sport, ip->ip_dst,
	    uh.uh_dport, INPLOOKUP_WILDCARD);
	if (inp == NULL || (so = inp->inp_socket) == NULL) {
		udp_noport_consume(ctx, ifp, m, lflags);
		return;
	}
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	from.sin_port = uh.uh_sport;
	from.sin_addr = ip->ip_src;
	m_adj(m, (uint16_t)(hlen + UDP_HDRLEN));
	if (sbappendaddr_consume(so, &so->so_rcv, &from, m) != 0) {
		UDPSTAT_INC(ctx, udps_fullsock);
		return;
	}
	sorwakeup(so);
}

/* -- ICMP errors ---------------------------------------------------------- */

/*
 * The errno an ICMP error means to a UDP socket, FreeBSD's inetctlerrmap
 * through icmp_input's PRC_* codes; 0 ignores it (redirect, source
 * quench, reassembly timeout: nothing the application can act on).
 */
static int
udp_icmp_errno(int type, int code)
{
	switch (type) {
	case ICMP_UNREACH:
		switch (code) {
		case ICMP_UNREACH_PROTOCOL:
		case ICMP_UNREACH_PORT:
		case ICMP_UNREACH_NET_PROHIB: /* PRC_UNREACH_ADMIN_PROHIB */
		case ICMP_UNREACH_HOST_PROHIB:
		case ICMP_UNREACH_FILTER_PROHIB:
			return (ECONNREFUSED);
		case ICMP_UNREACH_NEEDFRAG: /* PRC_MSGSIZE */
			return (EMSGSIZE);
		default: /* PRC_UNREACH_NET */
			return (EHOSTUNREACH);
		}
	case ICMP_TIMXCEED:
		return (code == ICMP_TIMXCEED_INTRANS ? EHOSTUNREACH : 0);
	case ICMP_PARAMPROB:
		return (ENOPROTOOPT);
	default:
		return (0);
	}
}

/*
 * 0 when the quote can be the start of a datagram we sent: IPv4, UDP, the
 * first fragment (a later one holds no UDP header), a UDP length that
 * covers at least the header.
 */
static int
udp_ctl_checkquote(const ip_hdr_t *oip, const struct udphdr *uh)
{
	if (oip->ip_v != IPVERSION || oip->ip_p != IPPROTO_UDP ||
	    (ntohs(oip->ip_off) & IP_OFFMASK) != 0 ||
	    ntohs(uh->uh_ulen) < UDP_HDRLEN)
		return (-1);
	return (0);
}

void
udp_ctlinput(struct ff_ctx *ctx, int type, int code, const ip_hdr_t *oip,
    uint32_t oiplen)
{
	struct udphdr uh;
	struct inpcb *inp;
	int error;

	if (IP_HDRLEN(oip) < (int)sizeof(ip_hdr_t) ||
	    oiplen < (uint32_t)IP_HDRLEN(oip) + UDP_HDRLEN)
		return; /* icmp_input checked and counted */
	memcpy(&uh, (const uint8_t *)oip + IP_HDRLEN(oip), sizeof(uh));
	if (udp_ctl_checkquote(oip, &uh) != 0) {
		UDPXSTAT_INC(ctx, udpx_icmpbadquote);
		return;
	}
	if ((error = udp_icmp_errno(type, code)) == 0) {
		UDPXSTAT_INC(ctx, udpx_icmpignored);
		return;
	}
	/*
	 * Exact 4-tuple only: an unconnected socket has no peer the error
	 * could be about, and telling it would let anybody who guesses a
	 * port break a server's next recvfrom (RFC 1122 4.1.3.3 leaves the
	 * choice to us; FreeBSD does the same).
	 */
	inp = in_pcblookup(V_udbinfo(ctx), oip->ip_dst, uh.uh_dport,
	    oip->ip_src, uh.uh_sport, 0);
	if (inp == NULL || inp->inp_socket == NULL) {
		UDPXSTAT_INC(ctx, udpx_icmpnopcb);
		return;
	}
	UDPXSTAT_INC(ctx, udpx_icmpnotify);
	soseterror(inp->inp_socket, error); /* FreeBSD's udp_notify */
}

/* -- output --------------------------------------------------------------- */

/* Prepend the IP and UDP headers to data m; 0 or -EMSGSIZE/-ENOBUFS. */
static int
udp_prepend(struct ff_ctx *ctx, struct inpcb *inp, struct rte_mbuf *m,
    struct in_addr laddr, const struct sockaddr_in *dst)
{
	uint32_t len = m_pktlen(m) + UDP_HDRLEN;
	struct udphdr *uh;
	ip_hdr_t *ip;

	if (len + sizeof(ip_hdr_t) > IP_MAXPACKET)
		return (-EMSGSIZE);
	ip = (ip_hdr_t *)m_prepend(m, sizeof(*ip) + UDP_HDRLEN);
	if (ip == NULL)
		return (-ENOBUFS);
	memset(ip, 0, sizeof(*ip));
	IP_SET_VHL(ip, sizeof(*ip));
	ip->ip_tos = inp->inp_ip_tos;
	ip->ip_len = htons((uint16_t)(len + sizeof(*ip)));
	ip->ip_ttl = inp->inp_ip_ttl;
	ip->ip_p = IPPROTO_UDP;
	ip->ip_src = laddr;
	ip->ip_dst = dst->sin_addr;
	uh = (struct udphdr *)(ip + 1);
	uh->uh_sport = inp->inp_lport;
	uh->uh_dport = dst->sin_port;
	uh->uh_ulen = htons((uint16_t)len);
	uh->uh_sum = 0;
	/*
	 * As FreeBSD: the pseudo sum, the rest left to the interface
	 * (CSUM_IP_UDP), which ip_output completes for one that does not
	 * take it (in_delayed_cksum(); all but a trusted link).
	 */
	if (V_udp(ctx)->udp_cksum) {
		uh->uh_sum = in_cksum_pseudo_l4(ip);
		m_pkthdr(m)->csum_flags |= CSUM_IP_UDP;
	}
	return (0);
}

/* Destination and source of a datagram; 0 or a negative errno. */
static int
udp_addrs(struct inpcb *inp, const struct sockaddr_in *nam,
    struct sockaddr_in *dst, struct in_addr *laddr)
{
	struct ff_ctx *ctx = inp->inp_pcbinfo->ipi_ctx;
	int error;

	if (nam != NULL) {
		if (inp->inp_faddr.s_addr != INADDR_ANY)
			return (-EISCONN);
		if (nam->sin_port == 0)
			return (-EADDRNOTAVAIL);
		*dst = *nam;
		if (inp->inp_lport == 0 &&
		    (error = in_pcbbind_to(inp, nam)) != 0)
			return (error);
	} else {
		if (inp->inp_faddr.s_addr == INADDR_ANY)
			return (-ENOTCONN);
		memset(dst, 0, sizeof(*dst));
		dst->sin_family = AF_INET;
		dst->sin_addr = inp->inp_faddr;
		dst->sin_port = inp->inp_fport;
	}
	*laddr = inp->inp_laddr;
	if (laddr->s_addr == INADDR_ANY)
		return (in_pcbladdr(ctx, dst->sin_addr, laddr));
	return (0);
}

static int
udp_send(struct socket *so, int flags, struct rte_mbuf **mp,
    const struct sockaddr_in *nam)
{
	struct inpcb *inp = sotoinpcb(so);
	struct ff_ctx *ctx = so->so_ctx;
	struct rte_mbuf *m = *mp;
	struct sockaddr_in dst;
	struct in_addr laddr;
	int error;

	*mp = NULL;
	if ((error = udp_addrs(inp, nam, &dst, &laddr)) != 0 ||
	    (error = udp_prepend(ctx, inp, m, laddr, &dst)) != 0) {
		m_freem(m);
		return (error);
	}
	UDPSTAT_INC(ctx, udps_opackets);
	return (ip_output_consume(
	    ctx, m, (so->so_options & SO_BROADCAST) ? IP_ALLOWBROADCAST : 0));
}

/* -- user requests -------------------------------------------------------- */

static int
udp_attach(struct socket *so, int proto)
{
	struct udp_state *us = V_udp(so->so_ctx);
	int error;

	if (so->so_snd.sb_hiwat == 0 &&
	    ((error = sbreserve(
		  so, &so->so_snd, (uint32_t)us->udp_sendspace)) != 0 ||
		(error = sbreserve(
		     so, &so->so_rcv, (uint32_t)us->udp_recvspace)) != 0))
		return (error);
	return (in_pcballoc(so, &us->udbinfo));
}

static int
udp_bind(struct socket *so, const struct sockaddr_in *nam)
{
	return (in_pcbbind(sotoinpcb(so), nam));
}

static int
udp_connect(struct socket *so, const struct sockaddr_in *nam)
{
	int error;

	if ((error = in_pcbconnect(sotoinpcb(so), nam)) != 0)
		return (error);
	soisconnected(so);
	return (0);
}

static int
udp_disconnect(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	if (inp->inp_faddr.s_addr == INADDR_ANY)
		return (-ENOTCONN);
	in_pcbdisconnect(inp);
	so->so_state &= ~SS_ISCONNECTED;
	return (0);
}

static int
udp_shutdown(struct socket *so)
{
	return (0);
}

static void
udp_detach(struct socket *so)
{
	in_pcbfree(sotoinpcb(so));
}

static int
udp_ctloutput(struct socket *so, struct sockopt *sopt)
{
	return (-ENOPROTOOPT);
}

static const struct pr_usrreqs udp_usrreqs = {
	.pru_attach = udp_attach,
	.pru_bind = udp_bind,
	.pru_connect = udp_connect,
	.pru_send = udp_send,
	.pru_shutdown = udp_shutdown,
	.pru_disconnect = udp_disconnect,
	.pru_abort = udp_detach,
	.pru_detach = udp_detach,
	.pru_sockaddr = in_getsockaddr,
	.pru_peeraddr = in_getpeeraddr,
	.pru_ctloutput = udp_ctloutput,
};

const struct protosw udp_protosw = {
	.pr_type = SOCK_DGRAM,
	.pr_protocol = IPPROTO_UDP,
	.pr_flags = PR_ATOMIC | PR_ADDR,
	.pr_name = "udp",
	.pr_usrreqs = &udp_usrreqs,
	.pr_init = udp_init,
	.pr_destroy = udp_fini,
};
