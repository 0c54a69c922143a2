/*
 * uipc_socket.c - socket life and state, after FreeBSD's
 * kern/uipc_socket.c: creation, bind, listen, connect, accept, close,
 * shutdown, the connection state changes the protocols report, listen
 * queues (sonewconn with kern.ipc.somaxconn), wakeups of the kqueue and
 * epoll watchers, and readiness as they see it.
 *
 * Entry points: socreate(), sobind(), solisten(), soconnect(),
 * sodisconnect(), soaccept(), soclose(), soshutdown(), sogetsockname(),
 * sogetpeername(), soisconnecting() and friends, sonewconn(), soabort(),
 * sofree(), sorwakeup(), sowwakeup(), soseterror(), soreadable_data(),
 * sowriteable_data(), so_watch_add(), so_watch_del().
 * Data transfer and options: uipc_sockio.c.
 *
 * Every call is non-blocking (FreeBSD's SS_NBIO semantics always): what
 * would sleep answers -EAGAIN, a connect in progress -EINPROGRESS (in
 * the API layer).
 */
#include <errno.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/kern_sysctl.h"
#include "kern/uipc_var.h"
#include "kern/protosw.h"
#include "kern/socketvar.h"
#include "kern/libkern.h"

#define PRU(so) ((so)->so_proto->pr_usrreqs)

static struct socket *
soalloc(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	struct socket *so;

	if ((so = uma_zalloc(us->us_sockzone)) == NULL) {
		us->us_stat.sos_limit++;
		return (NULL);
	}
	so->so_ctx = ctx;
	so->so_fd = -1;
	TAILQ_INIT(&so->so_incomp);
	TAILQ_INIT(&so->so_comp);
	LIST_INIT(&so->so_watchers);
	TAILQ_INSERT_TAIL(&us->us_sockets, so, so_all);
	us->us_numopensockets++;
	us->us_stat.sos_created++;
	return (so);
}

static void
sodealloc(struct socket *so)
{
	struct uipc_state *us = V_uipc(so->so_ctx);

	sbflush(&so->so_rcv);
	sbflush(&so->so_snd);
	TAILQ_REMOVE(&us->us_sockets, so, so_all);
	us->us_numopensockets--;
	us->us_stat.sos_freed++;
	uma_zfree(us->us_sockzone, so);
}

static void
so_wakeup(struct socket *so, int what)
{
	struct so_watch *sw, *next;

	for (sw = LIST_FIRST(&so->so_watchers); sw != NULL; sw = next) {
		next = LIST_NEXT(sw, sw_link);
		sw->sw_notify(sw, so, what);
	}
}

void
so_watch_add(struct socket *so, struct so_watch *sw)
{
	LIST_INSERT_HEAD(&so->so_watchers, sw, sw_link);
}

void
so_watch_del(struct so_watch *sw)
{
	LIST_REMOVE(sw, sw_link);
}

void
sorwakeup(struct socket *so)
{
	so_wakeup(so, SO_EV_RCV);
}

void
sowwakeup(struct socket *so)
{
	so_wakeup(so, SO_EV_SND);
}

void
soseterror(struct socket *so, int error)
{
	so->so_error = error;
	so_wakeup(so, SO_EV_RCV | SO_EV_SND | SO_EV_STATE);
}

int
socreate(struct ff_ctx *ctx, int type, int proto, struct socket **sop)
{
	const struct protosw *pr;
	struct socket *so;
	int error;

	if ((pr = pffindproto(ctx, type, proto)) == NULL)
		return (proto == 0 ? -EPROTOTYPE : -EPROTONOSUPPORT);
	if ((so = soalloc(ctx)) == NULL)
		return (-ENOBUFS);
	so->so_type = (short)type;
	so->so_proto = pr;
	so->so_state = SS_NBIO;
	if ((pr->pr_flags & PR_ATOMIC) != 0) {
		so->so_rcv.sb_flags |= SB_ATOMIC;
		so->so_snd.sb_flags |= SB_ATOMIC;
	}
	if ((error = PRU(so)->pru_attach(so, proto)) != 0) {
		sodealloc(so);
		return (error);
	}
	if (so->so_snd.sb_lowat == 0)
		so->so_snd.sb_lowat = min(2048u, so->so_snd.sb_hiwat);
	if (so->so_rcv.sb_lowat == 0)
		so->so_rcv.sb_lowat = 1;
	*sop = so;
	return (0);
}

int
sobind(struct socket *so, const struct sockaddr_in *nam)
{
	if (PRU(so)->pru_bind == NULL)
		return (-EOPNOTSUPP);
	return (PRU(so)->pru_bind(so, nam));
}

int
solisten(struct socket *so, int backlog)
{
	unsigned int somaxconn = so->so_ctx->sysctl->st_ipc.ki_somaxconn;
	int error, oldopt = so->so_options;

	if (PRU(so)->pru_listen == NULL)
		return (-EOPNOTSUPP);
	if ((so->so_state &
		(SS_ISCONNECTED | SS_ISCONNECTING | SS_ISDISCONNECTING)) != 0)
		return (-EINVAL);
	if (backlog < 0 || (unsigned int)backlog > somaxconn)
		backlog = (int)somaxconn;
	so->so_options |= SO_ACCEPTCONN;
	so->so_qlimit = (unsigned int)backlog;
	if ((error = PRU(so)->pru_listen(so, backlog)) != 0) {
		so->so_options = oldopt;
		return (error);
	}
	return (0);
}

int
soconnect(struct socket *so, const struct sockaddr_in *nam)
{
	int error;

	if ((so->so_options & SO_ACCEPTCONN) != 0)
		return (-EOPNOTSUPP);
	if ((so->so_proto->pr_flags & PR_CONNREQUIRED) != 0) {
		if ((so->so_state & SS_ISCONNECTING) != 0)
			return (-EALREADY);
		if ((so->so_state &
			(SS_ISCONNECTED | SS_ISDISCONNECTING |
			    SS_ISDISCONNECTED)) != 0)
			return (-EISCONN);
	} else if ((so->so_state & SS_ISCONNECTED) != 0 &&
	    (error = sodisconnect(so)) != 0)
		return (error);
	so->so_error = 0;
	if (PRU(so)->pru_connect == NULL)
		return (-EOPNOTSUPP);
	return (PRU(so)->pru_connect(so, nam));
}

int
sodisconnect(struct socket *so)
{
	if ((so->so_state & SS_ISCONNECTED) == 0)
		return (-ENOTCONN);
	if ((so->so_state & SS_ISDISCONNECTING) != 0)
		return (-EALREADY);
	if (PRU(so)->pru_disconnect == NULL)
		return (-EOPNOTSUPP);
	return (PRU(so)->pru_disconnect(so));
}

/* Take so off its listener's queue. */
static void
so_dequeue(struct socket *so)
{
	struct socket *head = so->so_head;

	if (head == NULL)
		return;
	if (so->so_qstate == SQ_INCOMP) {
		TAILQ_REMOVE(&head->so_incomp, so, so_list);
		head->so_incqlen--;
	} else {
		TAILQ_REMOVE(&head->so_comp, so, so_list);
		head->so_qlen--;
	}
	so->so_qstate = 0;
	so->so_head = NULL;
}

int
soaccept(struct socket *head, struct socket **sop, struct sockaddr_in *nam)
{
	struct socket *so;
	int error;

	if ((head->so_options & SO_ACCEPTCONN) == 0)
		return (-EINVAL);
	if (head->so_error != 0) {
		error = head->so_error;
		head->so_error = 0;
		return (-error);
	}
	if ((so = TAILQ_FIRST(&head->so_comp)) == NULL)
		return ((head->so_rcv.sb_state & SBS_CANTRCVMORE) != 0
			? -ECONNABORTED
			: -EAGAIN);
	so_dequeue(so);
	so->so_state &= ~SS_NOFDREF;
	memset(nam, 0, sizeof(*nam));
	error = so->so_pcb == NULL	  ? -ECONNABORTED
	    : PRU(so)->pru_accept != NULL ? PRU(so)->pru_accept(so, nam)
					  : 0;
	if (error != 0) {
		soabort(so);
		return (error);
	}
	*sop = so;
	return (0);
}

void
sofree(struct socket *so)
{
	if ((so->so_state & SS_NOFDREF) == 0 || so->so_pcb != NULL ||
	    so->so_count > 0)
		return;
	so_dequeue(so);
	so_wakeup(so, SO_EV_CLOSE);
	sodealloc(so);
}

void
soabort(struct socket *so)
{
	so->so_state |= SS_NOFDREF;
	so->so_count++;
	if (so->so_pcb != NULL && PRU(so)->pru_abort != NULL)
		PRU(so)->pru_abort(so);
	if (so->so_pcb != NULL && PRU(so)->pru_detach != NULL)
		PRU(so)->pru_detach(so);
	so->so_count--;
	sofree(so);
}

/* A listener going away: abort every queued connection. */
static void
so_abort_queues(struct socket *so)
{
	struct socket *sp;

	while ((sp = TAILQ_FIRST(&so->so_incomp)) != NULL) {
		so_dequeue(sp);
		soabort(sp);
	}
	while ((sp = TAILQ_FIRST(&so->so_comp)) != NULL) {
		so_dequeue(sp);
		soabort(sp);
	}
}

void
soclose(struct socket *so)
{
	if ((so->so_options & SO_ACCEPTCONN) != 0)
		so_abort_queues(so);
	so_wakeup(so, SO_EV_CLOSE);
	so->so_fd = -1;
	so->so_count++;
	if (so->so_pcb != NULL &&
	    (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) != 0 &&
	    (so->so_state & SS_ISDISCONNECTING) == 0 &&
	    PRU(so)->pru_disconnect != NULL)
		(void)PRU(so)->pru_disconnect(so);
	so->so_state |= SS_NOFDREF;
	if (so->so_pcb != NULL && PRU(so)->pru_detach != NULL)
		PRU(so)->pru_detach(so);
	so->so_count--;
	sofree(so);
}

int
soshutdown(struct socket *so, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return (-EINVAL);
	if ((so->so_options & SO_ACCEPTCONN) != 0) {
		if (how != SHUT_WR) {
			so->so_error = ECONNABORTED;
			so->so_rcv.sb_state |= SBS_CANTRCVMORE;
			so_wakeup(so, SO_EV_RCV | SO_EV_STATE);
		}
		return (0);
	}
	if ((so->so_state &
		(SS_ISCONNECTED | SS_ISCONNECTING | SS_ISDISCONNECTING)) == 0)
		return (-ENOTCONN);
	if (how != SHUT_WR) {
		sbflush(&so->so_rcv);
		socantrcvmore(so);
	}
	if (how != SHUT_RD) {
		socantsendmore(so);
		if (so->so_pcb != NULL && PRU(so)->pru_shutdown != NULL)
			return (PRU(so)->pru_shutdown(so));
	}
	return (0);
}

int
sogetsockname(struct socket *so, struct sockaddr_in *nam)
{
	memset(nam, 0, sizeof(*nam));
	nam->sin_family = AF_INET;
	if (so->so_pcb == NULL)
		return (0);
	if (PRU(so)->pru_sockaddr == NULL)
		return (-EOPNOTSUPP);
	return (PRU(so)->pru_sockaddr(so, nam));
}

int
sogetpeername(struct socket *so, struct sockaddr_in *nam)
{
	memset(nam, 0, sizeof(*nam));
	nam->sin_family = AF_INET;
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0 ||
	    so->so_pcb == NULL)
		return (-ENOTCONN);
	if (PRU(so)->pru_peeraddr == NULL)
		return (-EOPNOTSUPP);
	return (PRU(so)->pru_peeraddr(so, nam));
}

/* -- state changes reported by the protocols ---------------------------- */

void
soisconnecting(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISCONNECTING;
}

void
soisconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &=
	    ~(SS_ISCONNECTING | SS_ISDISCONNECTING | SS_ISCONFIRMING);
	so->so_state |= SS_ISCONNECTED;
	if (head != NULL && so->so_qstate == SQ_INCOMP) {
		TAILQ_REMOVE(&head->so_incomp, so, so_list);
		head->so_incqlen--;
		TAILQ_INSERT_TAIL(&head->so_comp, so, so_list);
		head->so_qlen++;
		so->so_qstate = SQ_COMP;
		sorwakeup(head);
		return;
	}
	so_wakeup(so, SO_EV_RCV | SO_EV_SND | SO_EV_STATE);
}

void
soisdisconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISDISCONNECTING;
	so->so_rcv.sb_state |= SBS_CANTRCVMORE;
	so->so_snd.sb_state |= SBS_CANTSENDMORE;
	so_wakeup(so, SO_EV_RCV | SO_EV_SND | SO_EV_STATE);
}

void
soisdisconnected(struct socket *so)
{
	so->so_state &=
	    ~(SS_ISCONNECTING | SS_ISCONNECTED | SS_ISDISCONNECTING);
	so->so_state |= SS_ISDISCONNECTED;
	so->so_rcv.sb_state |= SBS_CANTRCVMORE;
	so->so_snd.sb_state |= SBS_CANTSENDMORE;
	sbdrop(&so->so_snd, so->so_snd.sb_cc);
	so_wakeup(so, SO_EV_RCV | SO_EV_SND | SO_EV_STATE);
}

void
socantrcvmore(struct socket *so)
{
	so->so_rcv.sb_state |= SBS_CANTRCVMORE;
	so_wakeup(so, SO_EV_RCV | SO_EV_STATE);
}

void
socantsendmore(struct socket *so)
{
	so->so_snd.sb_state |= SBS_CANTSENDMORE;
	so_wakeup(so, SO_EV_SND | SO_EV_STATE);
}

/* Copy what a new connection inherits from its listener. */
static int
sonewconn_inherit(struct socket *so, struct socket *head)
{
	so->so_type = head->so_type;
	so->so_options = head->so_options & ~SO_ACCEPTCONN;
	so->so_linger = head->so_linger;
	so->so_proto = head->so_proto;
	so->so_state = head->so_state | SS_NOFDREF;
	so->so_state &= ~(SS_ISCONNECTED | SS_ISCONNECTING);
	so->so_rcv.sb_lowat = head->so_rcv.sb_lowat;
	so->so_snd.sb_lowat = head->so_snd.sb_lowat;
	so->so_rcv.sb_flags = head->so_rcv.sb_flags;
	so->so_snd.sb_flags = head->so_snd.sb_flags;
	if (sbreserve(so, &so->so_snd, head->so_snd.sb_hiwat) != 0 ||
	    sbreserve(so, &so->so_rcv, head->so_rcv.sb_hiwat) != 0)
		return (-ENOBUFS);
	return (PRU(so)->pru_attach(so, 0));
}

struct socket *
sonewconn(struct socket *head, int connstatus)
{
	struct uipc_state *us = V_uipc(head->so_ctx);
	struct socket *so;

	if (head->so_qlen + head->so_incqlen > 3 * head->so_qlimit / 2) {
		us->us_stat.sos_qoverflow++;
		return (NULL);
	}
	if ((so = soalloc(head->so_ctx)) == NULL)
		return (NULL);
	if (sonewconn_inherit(so, head) != 0) {
		sodealloc(so);
		return (NULL);
	}
	so->so_head = head;
	if ((connstatus & SS_ISCONNECTED) != 0) {
		so->so_state |= SS_ISCONNECTED;
		TAILQ_INSERT_TAIL(&head->so_comp, so, so_list);
		head->so_qlen++;
		so->so_qstate = SQ_COMP;
		sorwakeup(head);
	} else {
		TAILQ_INSERT_TAIL(&head->so_incomp, so, so_list);
		head->so_incqlen++;
		so->so_qstate = SQ_INCOMP;
	}
	return (so);
}

/* -- readiness ------------------------------------------------------------ */

int
so_rcv_eof(const struct socket *so)
{
	return ((so->so_rcv.sb_state & SBS_CANTRCVMORE) != 0);
}

int
so_snd_eof(const struct socket *so)
{
	return ((so->so_snd.sb_state & SBS_CANTSENDMORE) != 0);
}

long
soreadable_data(const struct socket *so)
{
	const struct sockbuf *sb = &so->so_rcv;

	if ((so->so_options & SO_ACCEPTCONN) != 0)
		return (so->so_qlen > 0 || so->so_error != 0 || so_rcv_eof(so)
			? (long)so->so_qlen
			: -1);
	if (sb->sb_cc >= sb->sb_lowat || sb->sb_reccnt > 0 || so_rcv_eof(so) ||
	    so->so_error != 0)
		return ((long)sb->sb_cc);
	return (-1);
}

long
sowriteable_data(const struct socket *so)
{
	long space = sbspace(&so->so_snd);

	if (space < 0)
		space = 0;
	if (so_snd_eof(so) || so->so_error != 0)
		return (space);
	if ((so->so_options & SO_ACCEPTCONN) != 0)
		return (-1);
	if ((so->so_state & SS_ISCONNECTED) == 0 &&
	    (so->so_proto->pr_flags & PR_CONNREQUIRED) != 0)
		return (-1);
	return (space >= (long)so->so_snd.sb_lowat ? space : -1);
}
