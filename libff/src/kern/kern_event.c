/*
 * kern_event.c - kqueue(2) and kevent(2) over stack sockets, after
 * FreeBSD's kern/kern_event.c and the socket filters of uipc_socket.c
 * (filt_soread, filt_sowrite, filt_solisten).
 *
 * Entry points: kqueue_init(), kqueue_fini(), kern_kqueue(),
 * kern_kevent(), kqueue_close().
 *
 * A knote is one (kqueue, descriptor, filter) registration.  It watches
 * its socket (struct so_watch): a wakeup runs the filter and, when it
 * fires, puts the knote on the kqueue's ready list.  kevent() walks only
 * that list, re-runs each filter, reports what still fires, and requeues
 * level-triggered knotes; EV_CLEAR knotes wait for the next wakeup,
 * EV_ONESHOT ones are deleted and EV_DISPATCH ones disabled.
 * Closing a descriptor drops its knotes (SO_EV_CLOSE), as in FreeBSD.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/ff_ctx.h"
#include "kern/uipc_var.h"
#include "ff_api.h"
#include "kern/eventvar.h"
#include "kern/socketvar.h"

#define KN_QUEUED   0x01 /* on kq_head */
#define KN_DISABLED 0x02 /* EV_DISABLE, or dispatched */

struct knote {
	struct so_watch kn_watch;    /* on the socket: first member */
	TAILQ_ENTRY(knote) kn_tqe;   /* kq_head */
	LIST_ENTRY(knote) kn_kqlink; /* kq_knotes */
	struct kqueue *kn_kq;
	struct socket *kn_so;
	int kn_fd;
	short kn_filter;	 /* EVFILT_READ, EVFILT_WRITE */
	unsigned short kn_flags; /* EV_ONESHOT, EV_CLEAR, EV_DISPATCH */
	unsigned int kn_sfflags; /* fflags given */
	void *kn_udata;
	int kn_status; /* KN_* */
};
TAILQ_HEAD(knotehead, knote);

struct kqueue {
	TAILQ_ENTRY(kqueue) kq_link;  /* us_kqueues */
	struct knotehead kq_head;     /* ready knotes */
	LIST_HEAD(, knote) kq_knotes; /* every knote */
	int kq_fd;
};

static void knote_notify(struct so_watch *sw, struct socket *so, int what);

int
kqueue_init(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);

	us->us_knotezone = uma_zcreate(
	    "knote", sizeof(struct knote), 4 * (unsigned int)us->us_maxsockets);
	return (us->us_knotezone == NULL ? -ENOMEM : 0);
}

void
kqueue_fini(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	struct kqueue *kq;

	while ((kq = TAILQ_FIRST(&us->us_kqueues)) != NULL)
		kqueue_close(ctx, kq);
	uma_zdestroy(us->us_knotezone);
	us->us_knotezone = NULL;
}

int
kern_kqueue(struct ff_ctx *ctx)
{
	struct uipc_state *us = V_uipc(ctx);
	struct kqueue *kq;
	int fd;

	if ((kq = calloc(1, sizeof(*kq))) == NULL)
		return (-ENOMEM);
	TAILQ_INIT(&kq->kq_head);
	LIST_INIT(&kq->kq_knotes);
	if ((fd = fdalloc(&us->us_fd, DTYPE_KQUEUE, kq)) < 0) {
		free(kq);
		return (fd);
	}
	kq->kq_fd = fd;
	TAILQ_INSERT_TAIL(&us->us_kqueues, kq, kq_link);
	return (fd);
}

static void
knote_drop(struct knote *kn)
{
	struct kqueue *kq = kn->kn_kq;

	if ((kn->kn_status & KN_QUEUED) != 0)
		TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
	LIST_REMOVE(kn, kn_kqlink);
	so_watch_del(&kn->kn_watch);
	uma_zfree(V_uipc(kn->kn_so->so_ctx)->us_knotezone, kn);
}

void
kqueue_close(struct ff_ctx *ctx, void *arg)
{
	struct kqueue *kq = arg;
	struct knote *kn;

	while ((kn = LIST_FIRST(&kq->kq_knotes)) != NULL)
		knote_drop(kn);
	TAILQ_REMOVE(&V_uipc(ctx)->us_kqueues, kq, kq_link);
	free(kq);
}

/* Run kn's filter: 1 when it fires, with *data and *eof. */
static int
knote_filter(const struct knote *kn, int64_t *data, int *eof)
{
	const struct socket *so = kn->kn_so;
	long v;

	if (kn->kn_filter == EVFILT_READ) {
		v = soreadable_data(so);
		*eof = so_rcv_eof(so);
	} else {
		v = sowriteable_data(so);
		*eof = so_snd_eof(so);
	}
	*data = v < 0 ? 0 : v;
	return (v >= 0);
}

static void
knote_enqueue(struct knote *kn)
{
	if ((kn->kn_status & (KN_QUEUED | KN_DISABLED)) != 0)
		return;
	TAILQ_INSERT_TAIL(&kn->kn_kq->kq_head, kn, kn_tqe);
	kn->kn_status |= KN_QUEUED;
}

/* Activate kn when its filter fires now. */
static void
knote_activate(struct knote *kn)
{
	int64_t data;
	int eof;

	if (knote_filter(kn, &data, &eof))
		knote_enqueue(kn);
}

static void
knote_notify(struct so_watch *sw, struct socket *so, int what)
{
	struct knote *kn = (struct knote *)sw;

	if ((what & SO_EV_CLOSE) != 0) {
		knote_drop(kn);
		return;
	}
	if ((what & SO_EV_STATE) != 0 ||
	    (kn->kn_filter == EVFILT_READ && (what & SO_EV_RCV) != 0) ||
	    (kn->kn_filter == EVFILT_WRITE && (what & SO_EV_SND) != 0))
		knote_activate(kn);
}

static struct knote *
knote_find(struct kqueue *kq, struct socket *so, short filter)
{
	struct so_watch *sw;
	struct knote *kn;

	LIST_FOREACH(sw, &so->so_watchers, sw_link)
	{
		if (sw->sw_notify != knote_notify)
			continue;
		kn = (struct knote *)sw;
		if (kn->kn_kq == kq && kn->kn_filter == filter)
			return (kn);
	}
	return (NULL);
}

static int
knote_add(struct ff_ctx *ctx, struct kqueue *kq, struct socket *so,
    const struct kevent *kev, struct knote **knp)
{
	struct knote *kn;

	if ((kn = uma_zalloc(V_uipc(ctx)->us_knotezone)) == NULL)
		return (-ENOMEM);
	kn->kn_watch.sw_notify = knote_notify;
	kn->kn_kq = kq;
	kn->kn_so = so;
	kn->kn_fd = (int)kev->ident;
	kn->kn_filter = kev->filter;
	LIST_INSERT_HEAD(&kq->kq_knotes, kn, kn_kqlink);
	so_watch_add(so, &kn->kn_watch);
	*knp = kn;
	return (0);
}

/* Apply one change; 0 or a negative errno. */
static int
kqueue_register(struct ff_ctx *ctx, struct kqueue *kq, const struct kevent *kev)
{
	struct file *fp;
	struct knote *kn;
	int error;

	if (kev->filter != EVFILT_READ && kev->filter != EVFILT_WRITE)
		return (-EINVAL);
	if (kev->ident > INT32_MAX ||
	    (fp = fdget(&V_uipc(ctx)->us_fd, (int)kev->ident, DTYPE_NONE)) ==
		NULL)
		return (-EBADF);
	if (fp->f_type != DTYPE_SOCKET)
		return (-EINVAL);
	kn = knote_find(kq, fp->f_data, kev->filter);
	if (kn == NULL && (kev->flags & EV_ADD) == 0)
		return (-ENOENT);
	if ((kev->flags & EV_DELETE) != 0) {
		knote_drop(kn);
		return (0);
	}
	if (kn == NULL &&
	    (error = knote_add(ctx, kq, fp->f_data, kev, &kn)) != 0)
		return (error);
	if ((kev->flags & EV_ADD) != 0) {
		kn->kn_flags =
		    kev->flags & (EV_ONESHOT | EV_CLEAR | EV_DISPATCH);
		kn->kn_sfflags = kev->fflags;
		kn->kn_udata = kev->udata;
		if ((kev->flags & EV_DISABLE) == 0)
			kn->kn_status &= ~KN_DISABLED;
	}
	if ((kev->flags & EV_DISABLE) != 0) {
		kn->kn_status |= KN_DISABLED;
		if ((kn->kn_status & KN_QUEUED) != 0) {
			TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
			kn->kn_status &= ~KN_QUEUED;
		}
		return (0);
	}
	if ((kev->flags & EV_ENABLE) != 0)
		kn->kn_status &= ~KN_DISABLED;
	knote_activate(kn);
	return (0);
}

/* Process the change list; returns the error events written. */
static int
kqueue_changes(struct ff_ctx *ctx, struct kqueue *kq,
    const struct kevent *changes, int nchanges, struct kevent *events,
    int nevents, int *errp)
{
	int i, error, n = 0;

	*errp = 0;
	for (i = 0; i < nchanges; i++) {
		error = kqueue_register(ctx, kq, &changes[i]);
		if (error == 0 && (changes[i].flags & EV_RECEIPT) == 0)
			continue;
		if (n < nevents) {
			events[n] = changes[i];
			events[n].flags = EV_ERROR;
			events[n].data = -error;
			n++;
		} else if (error != 0) {
			*errp = error;
			return (n);
		}
	}
	return (n);
}

/* Report a fired knote into kev and apply its one-shot semantics. */
static int
knote_report(struct knote *kn, struct kevent *kev)
{
	int64_t data;
	int eof;

	kn->kn_status &= ~KN_QUEUED;
	if (!knote_filter(kn, &data, &eof))
		return (0);
	EV_SET(kev, (uintptr_t)kn->kn_fd, kn->kn_filter, kn->kn_flags, 0, data,
	    kn->kn_udata);
	if (eof) {
		kev->flags |= EV_EOF;
		kev->fflags = (unsigned int)kn->kn_so->so_error;
	}
	if ((kn->kn_flags & EV_ONESHOT) != 0)
		knote_drop(kn);
	else if ((kn->kn_flags & EV_DISPATCH) != 0)
		kn->kn_status |= KN_DISABLED;
	return (1);
}

/* Collect up to nevents fired knotes into events. */
static int
kqueue_scan(struct kqueue *kq, struct kevent *events, int nevents)
{
	struct knotehead again = TAILQ_HEAD_INITIALIZER(again);
	struct knote *kn;
	int n = 0, level;

	while (n < nevents && (kn = TAILQ_FIRST(&kq->kq_head)) != NULL) {
		TAILQ_REMOVE(&kq->kq_head, kn, kn_tqe);
		level =
		    (kn->kn_flags & (EV_CLEAR | EV_ONESHOT | EV_DISPATCH)) == 0;
		if (!knote_report(kn, &events[n]))
			continue;
		n++;
		if (level) {
			TAILQ_INSERT_TAIL(&again, kn, kn_tqe);
			kn->kn_status |= KN_QUEUED;
		}
	}
	TAILQ_CONCAT(&kq->kq_head, &again, kn_tqe);
	return (n);
}

int
kern_kevent(struct ff_ctx *ctx, int kqfd, const struct kevent *changes,
    int nchanges, struct kevent *events, int nevents)
{
	struct file *fp;
	int n, error;

	if ((fp = fdget(&V_uipc(ctx)->us_fd, kqfd, DTYPE_NONE)) == NULL)
		return (-EBADF);
	if (fp->f_type != DTYPE_KQUEUE)
		return (-EBADF);
	if (nchanges < 0 || nevents < 0 || (nchanges > 0 && changes == NULL) ||
	    (nevents > 0 && events == NULL))
		return (-EINVAL);
	n = kqueue_changes(
	    ctx, fp->f_data, changes, nchanges, events, nevents, &error);
	if (error != 0)
		return (error);
	return (n + kqueue_scan(fp->f_data, events + n, nevents - n));
}
