/*
 * tcp_usrreq.c - TCP's half of the socket layer (FreeBSD's
 * netinet/tcp_usrreq.c): the pr_usrreqs the socket layer calls, the
 * protocol switch entry, and TCP-level socket options.
 *
 * Entry point: tcp_protosw (registered by tcp_init()).  The requests:
 * attach, bind, listen, connect, accept, send, rcvd, shutdown,
 * disconnect, abort, detach, sockaddr, peeraddr, ctloutput
 * (TCP_NODELAY, TCP_MAXSEG, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT;
 * SO_KEEPALIVE starts the keepalive timer of a live connection).
 *
 * RFC 9293 3.10.1 (OPEN), 3.10.2 (SEND), 3.10.4 (CLOSE: FIN after the
 * queued data), 3.10.5 (ABORT: RST; also close with SO_LINGER and a
 * zero linger time), RFC 7323 2.2 (the window shift we ask for: enough
 * for the largest receive buffer autotuning may reach).
 *
 * SO_LINGER with a non-zero time: every socket here is non-blocking, so
 * close() returns at once and the data and FIN still go out (FreeBSD's
 * behaviour for a non-blocking socket).
 *
 * Ownership: when pru_detach or pru_abort end a connection they cut the
 * socket loose from the inpcb themselves (the socket layer frees the
 * socket after they return).  A connection that still has data or a FIN
 * to deliver keeps its socket (SS_NOFDREF) and tcp_close() frees both
 * at the end, as FreeBSD does; TIME_WAIT keeps only the inpcb.
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "netinet/in_pcb.h"
#include "kern/protosw.h"
#include "netinet/tcp_var.h"
#include "kern/mbuf.h"

#define TCPTV_KEEP_INIT_MS 75000 /* FreeBSD's keepinit: connect limit */

static struct tcpcb *
sototcpcb(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);

	return (inp != NULL ? inp->inp_ppcb : NULL);
}

/* Separate socket and inpcb without freeing either (see the top). */
static void
tcp_inp_unlink(struct inpcb *inp)
{
	struct socket *so = inp->inp_socket;

	if (so == NULL)
		return;
	inp->inp_so_options = so->so_options;
	inp->inp_socket = NULL;
	so->so_pcb = NULL;
}

static int
tcp_usr_attach(struct socket *so, int proto)
{
	struct ff_ctx *ctx = so->so_ctx;
	struct tcp_state *ts = V_tcp(ctx);
	struct inpcb *inp;
	int error;

	if (so->so_snd.sb_hiwat == 0) {
		if ((error = sbreserve(
			 so, &so->so_snd, (uint32_t)ts->sendspace)) != 0)
			return (error);
		so->so_snd.sb_flags |= SB_AUTOSIZE; /* sendbuf_auto */
	}
	if (so->so_rcv.sb_hiwat == 0) {
		if ((error = sbreserve(
			 so, &so->so_rcv, (uint32_t)ts->recvspace)) != 0)
			return (error);
		so->so_rcv.sb_flags |= SB_AUTOSIZE; /* recvbuf_auto */
	}
	if ((error = in_pcballoc(so, V_tcbinfo(ctx))) != 0)
		return (error);
	inp = sotoinpcb(so);
	if (tcp_newtcpcb(ctx, inp) == NULL) {
		tcp_inp_unlink(inp);
		in_pcbfree(inp);
		return (-ENOBUFS);
	}
	return (0);
}

static int
tcp_usr_bind(struct socket *so, const struct sockaddr_in *nam)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL || tp->t_state != TCPS_CLOSED)
		return (-EINVAL);
	return (in_pcbbind(sotoinpcb(so), nam));
}

/*
 * Window shift to ask for: enough to offer the whole receive buffer,
 * as large as autotuning may make it.
 */
static uint8_t
tcp_rscale(const struct socket *so)
{
	uint32_t want = tcp_autorcvbuf_limit(so->so_ctx, so);
	uint8_t s = 0;

	while (s < TCP_MAXWINSHIFT && ((uint32_t)TCP_MAXWIN << s) < want)
		s++;
	return (s);
}

static int
tcp_usr_listen(struct socket *so, int backlog)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = sototcpcb(so);
	int error;

	if (tp == NULL ||
	    (tp->t_state != TCPS_CLOSED && tp->t_state != TCPS_LISTEN))
		return (-EINVAL);
	if (inp->inp_lport == 0 && (error = in_pcbbind(inp, NULL)) != 0)
		return (error);
	tp->request_r_scale = tcp_rscale(so);
	tcp_state_change(tp, TCPS_LISTEN);
	return (0);
}

static int
tcp_usr_connect(struct socket *so, const struct sockaddr_in *nam)
{
	struct ff_ctx *ctx = so->so_ctx;
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp = sototcpcb(so);
	int error;

	if (tp == NULL || tp->t_state != TCPS_CLOSED)
		return (tp != NULL && tp->t_state == TCPS_LISTEN ? -EOPNOTSUPP
								 : -EISCONN);
	if (IN_MULTICAST(ntohl(nam->sin_addr.s_addr)) ||
	    nam->sin_addr.s_addr == INADDR_BROADCAST)
		return (-EAFNOSUPPORT);
	if ((error = in_pcbconnect(inp, nam)) != 0)
		return (error);
	tp->request_r_scale = tcp_rscale(so);
	tp->t_maxseg = tcp_mss_for(ctx, inp->inp_faddr, 0);
	tp->iss = tcp_new_isn(ctx, inp->inp_laddr, inp->inp_lport,
	    inp->inp_faddr, inp->inp_fport);
	tp->ts_offset = tcp_new_ts_offset(ctx, inp->inp_laddr, inp->inp_lport,
	    inp->inp_faddr, inp->inp_fport);
	tcp_sendseqinit(tp);
	soisconnecting(so);
	TCPSTAT_INC(ctx, tcps_connattempt);
	tcp_state_change(tp, TCPS_SYN_SENT);
	tcp_timer_keep(tp, TCPTV_KEEP_INIT_MS);
	(void)tcp_output(tp);
	return (0);
}

static int
tcp_usr_accept(struct socket *so, struct sockaddr_in *nam)
{
	if (sototcpcb(so) == NULL)
		return (-ECONNABORTED);
	return (in_getpeeraddr(so, nam));
}

/*
 * The user is done sending (close or shutdown): RFC 9293 3.10.4.  May
 * free tp; returns NULL then.
 */
static struct tcpcb *
tcp_usrclosed(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		return (tcp_close(tp));
	case TCPS_SYN_RECEIVED:
		tp->t_flags |= TF_NEEDFIN; /* after the handshake */
		break;
	case TCPS_ESTABLISHED:
		tcp_state_change(tp, TCPS_FIN_WAIT_1);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_state_change(tp, TCPS_LAST_ACK);
		break;
	}
	return (tp);
}

static int
tcp_usr_send(struct socket *so, int flags, struct rte_mbuf **mp,
    const struct sockaddr_in *nam)
{
	struct tcpcb *tp = sototcpcb(so);
	struct rte_mbuf *m = *mp;

	*mp = NULL;
	if (tp == NULL || tp->t_state < TCPS_SYN_SENT) {
		m_freem(m);
		return (tp == NULL ? -ECONNRESET : -ENOTCONN);
	}
	if (nam != NULL &&
	    (nam->sin_addr.s_addr != tp->t_inpcb->inp_faddr.s_addr ||
		nam->sin_port != tp->t_inpcb->inp_fport)) {
		m_freem(m);
		return (-EISCONN);
	}
	sbappendstream_consume(&so->so_snd, m);
	if (flags & PRUS_EOF) {
		socantsendmore(so);
		if ((tp = tcp_usrclosed(tp)) == NULL)
			return (0);
	}
	if (flags & PRUS_MORETOCOME)
		tp->t_flags |= TF_MORETOCOME;
	(void)tcp_output(tp);
	tp->t_flags &= ~TF_MORETOCOME;
	return (0);
}

static int
tcp_usr_rcvd(struct socket *so, int flags)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL && tp->t_state >= TCPS_ESTABLISHED)
		(void)tcp_output(tp);
	return (0);
}

static int
tcp_usr_shutdown(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return (-ECONNRESET);
	if ((tp = tcp_usrclosed(tp)) != NULL)
		(void)tcp_output(tp);
	return (0);
}

/* close(): FreeBSD's tcp_disconnect(). */
static int
tcp_usr_disconnect(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return (0);
	if (tp->t_state < TCPS_ESTABLISHED) {
		(void)tcp_close(tp);
		return (0);
	}
	if ((so->so_options & SO_LINGER) && so->so_linger == 0) {
		(void)tcp_drop(tp, 0);
		return (0);
	}
	soisdisconnecting(so);
	sbflush(&so->so_rcv);
	if ((tp = tcp_usrclosed(tp)) != NULL)
		(void)tcp_output(tp);
	return (0);
}

/* An unaccepted connection (or a listener's queue) goes: RST. */
static void
tcp_usr_abort(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp;

	if (inp == NULL)
		return;
	tp = inp->inp_ppcb;
	tcp_inp_unlink(inp);
	if (tp != NULL)
		(void)tcp_drop(tp, ECONNABORTED);
	else
		in_pcbfree(inp);
}

/*
 * The descriptor is gone.  A connection that is over or never got going
 * goes now; one that still has to deliver its data and FIN keeps the
 * socket (SS_NOFDREF, so_pcb set) until tcp_close() frees both; TIME_WAIT
 * needs no socket.
 */
static void
tcp_usr_detach(struct socket *so)
{
	struct inpcb *inp = sotoinpcb(so);
	struct tcpcb *tp;

	if (inp == NULL)
		return;
	tp = inp->inp_ppcb;
	if (tp == NULL || tp->t_state < TCPS_ESTABLISHED) {
		tcp_inp_unlink(inp);
		if (tp != NULL)
			(void)tcp_close(tp);
		else
			in_pcbfree(inp);
		return;
	}
	if (tp->t_state == TCPS_TIME_WAIT) {
		tcp_inp_unlink(inp);
		return;
	}
	if (tp->t_state == TCPS_ESTABLISHED || tp->t_state == TCPS_CLOSE_WAIT) {
		if ((tp = tcp_usrclosed(tp)) == NULL)
			return;
		(void)tcp_output(tp);
	}
	if (tp->t_state == TCPS_FIN_WAIT_2)
		tcp_timer_2msl(tp, TCP_FINWAIT2_MS);
}

static int
tcp_usr_sockaddr(struct socket *so, struct sockaddr_in *nam)
{
	return (in_getsockaddr(so, nam));
}

static int
tcp_usr_peeraddr(struct socket *so, struct sockaddr_in *nam)
{
	return (in_getpeeraddr(so, nam));
}

/* TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT (seconds; Linux's bounds). */
static int
tcp_ctloutput_keep(struct tcpcb *tp, int name, int v)
{
	if (v < 1 || v > (name == TCP_KEEPCNT ? 127 : 32767))
		return (-EINVAL);
	switch (name) {
	case TCP_KEEPIDLE:
		tp->t_keepidle = (uint32_t)v * 1000;
		break;
	case TCP_KEEPINTVL:
		tp->t_keepintvl = (uint32_t)v * 1000;
		break;
	default:
		tp->t_keepcnt = (uint32_t)v;
		return (0);
	}
	if (callout_pending(&tp->t_timers.tt_keep))
		tcp_timer_keepalive(tp);
	return (0);
}

static int
tcp_ctloutput_set(struct tcpcb *tp, struct sockopt *sopt)
{
	int v, error;

	if ((error = sooptcopyin(sopt, &v, sizeof(v), sizeof(v))) != 0)
		return (error);
	switch (sopt->sopt_name) {
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
	case TCP_KEEPCNT:
		return (tcp_ctloutput_keep(tp, sopt->sopt_name, v));
	case TCP_NODELAY:
		if (v)
			tp->t_flags |= TF_NODELAY;
		else
			tp->t_flags &= ~TF_NODELAY;
		if (v && tp->t_state >= TCPS_ESTABLISHED)
			(void)tcp_output(tp);
		return (0);
	case TCP_MAXSEG:
		if (v < V_tcp(tp->t_ctx)->minmss || v > TCP_MAXMSS)
			return (-EINVAL);
		if ((uint32_t)v < tp->t_maxseg ||
		    tp->t_state < TCPS_ESTABLISHED)
			tp->t_maxseg = (uint32_t)v;
		return (0);
	}
	return (-ENOPROTOOPT);
}

static int
tcp_usr_ctloutput(struct socket *so, struct sockopt *sopt)
{
	struct tcpcb *tp = sototcpcb(so);
	int v;

	if (sopt->sopt_level == SOL_SOCKET) {
		/* Done by the socket layer; a live connection may need keep. */
		if (sopt->sopt_dir == SOPT_SET && tp != NULL &&
		    sopt->sopt_name == SO_KEEPALIVE)
			tcp_timer_keepalive(tp);
		return (0);
	}
	if (sopt->sopt_level != IPPROTO_TCP)
		return (-ENOPROTOOPT);
	if (tp == NULL)
		return (-ECONNRESET);
	if (sopt->sopt_dir == SOPT_SET)
		return (tcp_ctloutput_set(tp, sopt));
	switch (sopt->sopt_name) {
	case TCP_NODELAY:
		v = (tp->t_flags & TF_NODELAY) != 0;
		break;
	case TCP_KEEPIDLE:
		v = (int)((tp->t_keepidle
				  ? tp->t_keepidle
				  : (uint32_t)V_tcp(tp->t_ctx)->keepidle) /
		    1000);
		break;
	case TCP_KEEPINTVL:
		v = (int)((tp->t_keepintvl
				  ? tp->t_keepintvl
				  : (uint32_t)V_tcp(tp->t_ctx)->keepintvl) /
		    1000);
		break;
	case TCP_KEEPCNT:
		v = tp->t_keepcnt ? (int)tp->t_keepcnt
				  : V_tcp(tp->t_ctx)->keepcnt;
		break;
	case TCP_MAXSEG:
		v = (int)tp->t_maxseg;
		break;
	default:
		return (-ENOPROTOOPT);
	}
	return (sooptcopyout(sopt, &v, sizeof(v)));
}

static const struct pr_usrreqs tcp_usrreqs = {
	.pru_attach = tcp_usr_attach,
	.pru_bind = tcp_usr_bind,
	.pru_listen = tcp_usr_listen,
	.pru_connect = tcp_usr_connect,
	.pru_accept = tcp_usr_accept,
	.pru_send = tcp_usr_send,
	.pru_rcvd = tcp_usr_rcvd,
	.pru_shutdown = tcp_usr_shutdown,
	.pru_disconnect = tcp_usr_disconnect,
	.pru_abort = tcp_usr_abort,
	.pru_detach = tcp_usr_detach,
	.pru_sockaddr = tcp_usr_sockaddr,
	.pru_peeraddr = tcp_usr_peeraddr,
	.pru_ctloutput = tcp_usr_ctloutput,
};

const struct protosw tcp_protosw = {
	.pr_type = SOCK_STREAM,
	.pr_protocol = IPPROTO_TCP,
	.pr_flags = PR_CONNREQUIRED | PR_WANTRCVD,
	.pr_name = "tcp",
	.pr_usrreqs = &tcp_usrreqs,
	.pr_init = tcp_init,
	.pr_drain = tcp_drain,
	.pr_destroy = tcp_fini,
};
